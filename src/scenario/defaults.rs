//! Figures a scenario leaves out where a number is expected and that default
//! silently to 0: an input without `price`, an output without `disposal_cost`.
//! `symbio check` warns about them; the plan is the same either way.
//!
//! The schema fills these defaults in as it reads, so the files are read again
//! here for the keys as written. A file that cannot be read again (changed or
//! removed since it was loaded) gives no warnings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::load::Loaded;

/// One figure left to its default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unstated {
    /// The file of the item that leaves it out.
    pub file: PathBuf,
    /// Its field path: `sites.<site>.inputs.<input>.price`.
    pub path: String,
    /// The value taken instead.
    pub default: f64,
}

/// The inputs without `price` and the outputs without `disposal_cost` of
/// `loaded`, in the order of its sites.
pub fn unstated(loaded: &Loaded) -> Vec<Unstated> {
    let mut files: HashMap<&Path, Option<Value>> = HashMap::new();
    let mut found = Vec::new();
    for site in &loaded.sites {
        let tree = files
            .entry(&*site.file)
            .or_insert_with(|| written(&site.file));
        let Some(raw) = tree.as_ref().and_then(|t| t.get("sites")?.get(site.index)) else {
            continue;
        };
        let s = &site.item;
        let streams = s
            .outputs
            .iter()
            .map(|o| ("outputs", &o.id, "disposal_cost"))
            .enumerate()
            .chain(
                s.inputs
                    .iter()
                    .map(|i| ("inputs", &i.id, "price"))
                    .enumerate(),
            );
        for (k, (array, id, key)) in streams {
            let item = raw.get(array).and_then(|a| a.get(k));
            if item.is_some_and(|item| item.get(key).is_none()) {
                found.push(Unstated {
                    file: site.file.to_path_buf(),
                    path: format!("sites.{}.{array}.{id}.{key}", s.id),
                    default: 0.0,
                });
            }
        }
    }
    found
}

/// The tree of a scenario file as written (TOML, or JSON when it ends in .json).
fn written(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).ok()
    } else {
        toml::from_str(&text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_figures_left_out_not_those_written_as_zero() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/unpriced.toml");
        let loaded = crate::scenario::load::load(&p).unwrap();
        let paths: Vec<String> = unstated(&loaded).into_iter().map(|u| u.path).collect();
        assert_eq!(
            paths,
            [
                "sites.a.outputs.slag.disposal_cost",
                "sites.b.inputs.slag.price"
            ]
        );
    }
}
