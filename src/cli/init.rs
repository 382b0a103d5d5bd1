//! `symbio init`: write a commented starter scenario that includes the catalog.
//!
//! Where the catalog comes from, in order: `--copy-catalog` (a copy of the catalog
//! built into the binary, written as `catalog.toml` beside the scenario); `--catalog
//! PATH`; the repository's `scenarios/catalog/default.toml` when the binary was
//! built from a checkout that still exists; else the copy, as with `--copy-catalog`.
//! The include is written relative to the output file's folder, or as an absolute
//! path when the scenario goes to stdout (then it is right wherever it is saved).

use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;
use symbio::files::Kind;

use super::{args::OutputArgs, CliError, Outcome};

/// The starter district, as shipped in `scenarios/starter/district.toml`.
const DISTRICT: &str = include_str!("../../scenarios/starter/district.toml");
/// The shipped catalog, for the copy written beside a scenario.
const CATALOG: &str = include_str!("../../scenarios/catalog/default.toml");
/// The include line of the starter, relative to its place in the repository.
const INCLUDE: &str = "include = [\"../catalog/default.toml\"]";
/// The catalog of the checkout the binary was built from.
const BUILT_CATALOG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/catalog/default.toml"
);
/// The name of the catalog's copy beside the scenario.
const COPY_NAME: &str = "catalog.toml";

/// The starter scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Example {
    /// Steelworks, power station, cement plant, plasterboard plant and district heating.
    #[default]
    District,
}

/// Arguments of `symbio init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The starter scenario to write.
    #[arg(long, value_enum, default_value_t = Example::District)]
    pub example: Example,
    /// The catalog to include (default: the repository's
    /// scenarios/catalog/default.toml when it exists, else a copy beside the output).
    #[arg(long, value_name = "PATH", conflicts_with = "copy_catalog")]
    pub catalog: Option<PathBuf>,
    /// Write a copy of the shipped catalog as catalog.toml beside the output file and
    /// include that (needs --output).
    #[arg(long)]
    pub copy_catalog: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Runs `symbio init`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let template = match a.example {
        Example::District => DISTRICT,
    };
    let force = a.out.force;
    a.out
        .guard(a.catalog.iter().cloned().collect(), Kind::Scenario)?;
    let file = a.out.file();
    if let Some(f) = file.filter(|f| f.exists() && !force) {
        return Err(CliError::Usage(format!(
            "{} exists (--force overwrites it)",
            f.display()
        )));
    }
    let catalog = match (&a.catalog, a.copy_catalog) {
        (Some(c), _) if !c.is_file() => {
            return Err(CliError::Usage(format!(
                "--catalog {}: no such file",
                c.display()
            )));
        }
        (Some(c), _) => Some(c.clone()),
        (None, false) => Some(PathBuf::from(BUILT_CATALOG)).filter(|c| c.is_file()),
        (None, true) => None,
    };
    let folder = file.map(output_folder).transpose()?;
    let include = match (&catalog, &folder) {
        (Some(c), Some(dir)) => relative(&canonical(c), &canonical(dir)),
        (Some(c), None) => canonical(c),
        (None, Some(dir)) => {
            let copy = dir.join(COPY_NAME);
            let same = std::fs::read_to_string(&copy).is_ok_and(|t| t == CATALOG);
            if copy.exists() && !same && !force {
                return Err(CliError::Usage(format!(
                    "{} exists and is not the shipped catalog (--force overwrites it)",
                    copy.display()
                )));
            }
            symbio::files::write_atomic(&copy, CATALOG)?;
            if !a.out.quiet {
                eprintln!("wrote {}, a copy of the shipped catalog", copy.display());
            }
            PathBuf::from(COPY_NAME)
        }
        (None, None) => {
            let why = if a.copy_catalog {
                "--copy-catalog needs --output FILE"
            } else {
                "the catalog is not where this binary was built"
            };
            return Err(CliError::Usage(format!(
                "{why}: give --catalog PATH, or --output FILE to write a copy of the \
                 catalog beside it"
            )));
        }
    };
    let Some(include) = include.to_str() else {
        return Err(CliError::Usage(format!(
            "the catalog's path {} is not UTF-8",
            include.display()
        )));
    };
    let line = format!("include = [{}]", toml::Value::from(include));
    let text = template.replacen(INCLUDE, &line, 1);
    a.out.emit_saying(&text, &format!("includes {include}"))?;
    Ok(Outcome::Done)
}

/// The folder of an output file, created when missing.
pub(super) fn output_folder(file: &Path) -> Result<PathBuf, CliError> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|source| symbio::Error::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

pub(super) fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned())
}

/// `target` relative to the folder `base` (both absolute); `target` itself when
/// they share no root (another drive).
pub(super) fn relative(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<Component> = target.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return target.to_owned();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_has_one_include_line() {
        assert_eq!(DISTRICT.matches(INCLUDE).count(), 1);
    }

    #[test]
    fn relative_paths() {
        let r = |t: &str, b: &str| relative(Path::new(t), Path::new(b));
        assert_eq!(r("/a/b/c.toml", "/a/b"), PathBuf::from("c.toml"));
        assert_eq!(r("/a/b/c.toml", "/a/d/e"), PathBuf::from("../../b/c.toml"));
        assert_eq!(r("/a/c.toml", "/"), PathBuf::from("a/c.toml"));
    }
}
