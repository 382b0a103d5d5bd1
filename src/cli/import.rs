//! `symbio import`: a workbook (xlsx, ods) or a folder of CSV files as a scenario
//! file, validated (the conversion is `symbio::scenario::sheets`).

use std::path::PathBuf;

use symbio::scenario::sheets::{self, ImportOptions};

use super::init::{canonical, output_folder, relative};
use super::{
    args::{InputArgs, OutputArgs},
    CliError, Outcome,
};

/// Arguments of `symbio import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The workbook (.xlsx, .ods) or a folder of NAME.csv files: sheets sites,
    /// outputs, inputs, and optionally scenario, parameters, materials, modes, rules,
    /// links, uncertainty (docs/scenario-format.md, "Spreadsheets").
    pub book: PathBuf,
    /// A scenario file to include, such as the catalog
    /// scenarios/catalog/default.toml (repeatable); written relative to the output
    /// file, or absolute when the scenario goes to stdout.
    #[arg(long = "include", value_name = "PATH")]
    pub includes: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `symbio import`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let mut inputs = vec![a.book.clone()];
    inputs.extend(a.includes.iter().cloned());
    // A folder of CSV files: each of them is read.
    if let Ok(entries) = std::fs::read_dir(&a.book) {
        inputs.extend(entries.flatten().map(|e| e.path()));
    }
    a.out.guard(inputs, symbio::files::Kind::Scenario)?;
    let file = a.out.file();
    let folder = file.map(output_folder).transpose()?;
    let mut includes = Vec::new();
    for inc in &a.includes {
        if !inc.is_file() {
            return Err(CliError::Usage(format!(
                "--include {}: no such file",
                inc.display()
            )));
        }
        let written = match &folder {
            Some(dir) => relative(&canonical(inc), &canonical(dir)),
            None => canonical(inc),
        };
        let Some(text) = written.to_str() else {
            return Err(CliError::Usage(format!(
                "--include {}: the path is not UTF-8",
                inc.display()
            )));
        };
        includes.push(text.to_owned());
    }
    // To stdout the includes are absolute: the scenario is validated as if it
    // were beside the workbook.
    let written_as = file.map_or_else(
        || canonical(&a.book).with_extension("toml"),
        |f| f.to_owned(),
    );
    let options = ImportOptions {
        includes,
        load: a.input.options(),
    };
    let imported = sheets::import(&a.book, &written_as, &options)?;
    if !a.out.quiet {
        for w in &imported.warnings {
            eprintln!("warning: {w}");
        }
    }
    let s = &imported.scenario;
    let detail = format!(
        "{} sites, {} outputs, {} inputs, {} link entries",
        s.sites.len(),
        s.outputs.len(),
        s.inputs.len(),
        s.links.len()
    );
    a.out.emit_saying(&imported.text, &detail)?;
    Ok(Outcome::Done)
}
