//! Scenario files: their schema, loading with includes, and validation into the domain.

pub mod defaults;
pub mod load;
pub mod path;
pub mod schema;
pub mod sheets;
pub mod uncertainty;
pub mod validate;

use std::path::Path;

use crate::domain::Scenario;
use crate::error::Error;

pub use load::{LoadOptions, DEFAULT_MAX_INPUT_SIZE};

/// Loads and validates a scenario file (TOML, or JSON when it ends in `.json`).
pub fn read(path: &Path) -> Result<Scenario, Error> {
    read_with(path, &LoadOptions::default())
}

/// Loads and validates a scenario file, read as `options` say.
pub fn read_with(path: &Path, options: &LoadOptions) -> Result<Scenario, Error> {
    validate::validate(&load::load_with(path, options)?)
}

/// Loads and validates a scenario from text, as if it were the file at `path`
/// (includes are read relative to `path`).
pub fn read_str(path: &Path, text: &str) -> Result<Scenario, Error> {
    validate::validate(&load::load_str(path, text)?)
}

/// The JSON Schema of scenario files.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(schema::ScenarioFile))
        .unwrap_or(serde_json::Value::Null)
}

/// The known name closest to `unknown`, when it is close enough to be a slip of the
/// keyboard (an edit distance of at most a third of its length, and at least 1).
/// Ties go to the name first in alphabetical order, so the answer does not depend
/// on the order of `known`.
pub(crate) fn did_you_mean<'k, I>(unknown: &str, known: I) -> Option<&'k str>
where
    I: IntoIterator<Item = &'k str>,
{
    let most = (unknown.chars().count() / 3).max(1);
    known
        .into_iter()
        .filter(|k| *k != unknown)
        .map(|k| (edit_distance(unknown, k), k))
        .filter(|&(d, _)| d <= most)
        .min()
        .map(|(_, k)| k)
}

/// A serde message about an unknown field or variant (`unknown field `quantitiy`,
/// expected one of `id`, `quantity`, ...`) with the closest expected name instead of
/// the whole list, when one is close, and that name; the message unchanged otherwise.
pub(crate) fn did_you_mean_in(message: &str) -> (String, Option<String>) {
    let unchanged = || (message.to_owned(), None);
    let Some((what, rest)) = ["unknown field `", "unknown variant `"]
        .into_iter()
        .find_map(|p| message.strip_prefix(p).map(|r| (p, r)))
    else {
        return unchanged();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return unchanged();
    };
    let names = expected.split('`').skip(1).step_by(2);
    match did_you_mean(unknown, names) {
        Some(name) => (
            format!("{what}{unknown}`, did you mean `{name}`?"),
            Some(name.to_owned()),
        ),
        None => unchanged(),
    }
}

/// Edit distance between two strings (optimal string alignment: insertions,
/// deletions, substitutions and swaps of two neighbours each count 1), by characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two back, one back, this one.
    let mut back2 = vec![0; b.len() + 1];
    let mut back1: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (back1[j] + 1).min(row[j - 1] + 1).min(back1[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(back2[j - 2] + 1);
            }
            row[j] = d;
        }
        std::mem::swap(&mut back2, &mut back1);
        std::mem::swap(&mut back1, &mut row);
    }
    back1[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_each_slip_once() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("quantitiy", "quantity"), 1);
        assert_eq!(edit_distance("clinkr", "clinker"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("größe", "grösse"), 2);
    }

    #[test]
    fn suggestions_are_close_names_only() {
        let known = ["quantity", "price", "id"];
        assert_eq!(did_you_mean("quantitiy", known), Some("quantity"));
        assert_eq!(did_you_mean("colour", known), None);
        assert_eq!(did_you_mean("x", ["y", "xx", "b"]), Some("b"));
        let m = |t: &str| did_you_mean_in(t).0;
        assert_eq!(
            did_you_mean_in("unknown field `quantitiy`, expected one of `id`, `quantity`"),
            (
                "unknown field `quantitiy`, did you mean `quantity`?".to_owned(),
                Some("quantity".to_owned())
            )
        );
        assert_eq!(
            m("unknown variant `solid`, expected one of `material`, `energy`"),
            "unknown variant `solid`, expected one of `material`, `energy`"
        );
        assert_eq!(
            m("unknown variant `enrgy`, expected `material` or `energy`"),
            "unknown variant `enrgy`, did you mean `energy`?"
        );
        assert_eq!(m("invalid type: string"), "invalid type: string");
    }
}
