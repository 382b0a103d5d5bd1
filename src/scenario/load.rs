//! Reading scenario files: syntax, includes, currency conversion and merging.
//!
//! Every item is deserialized on its own so that one bad item does not hide the
//! problems of the others; each problem names the file and the field path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::schema::{
    LinkFile, MaterialFile, ModeFile, ParametersFile, RuleFile, ScenarioFile, ScenarioHeader,
    SiteFile, UncertaintyFile,
};
use crate::error::{Error, Problem, Problems};

/// An item together with the file and the array index it came from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    /// File the item was written in.
    pub file: Arc<Path>,
    /// Index in its array (`sites[index]`).
    pub index: usize,
    /// The item.
    pub item: T,
}

/// A scenario file with every include merged in, items still as written.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file that was loaded (the root of the includes).
    pub root: Arc<Path>,
    /// The root file's `[scenario]` table.
    pub header: ScenarioHeader,
    /// Parameters: the root's values, then those of included files for fields it leaves out.
    pub parameters: ParametersFile,
    /// Materials of every file.
    pub materials: Vec<Located<MaterialFile>>,
    /// Modes of every file.
    pub modes: Vec<Located<ModeFile>>,
    /// Rules of every file.
    pub rules: Vec<Located<RuleFile>>,
    /// Sites of every file.
    pub sites: Vec<Located<SiteFile>>,
    /// Link facts of every file.
    pub links: Vec<Located<LinkFile>>,
    /// Uncertain fields of every file (money figures in the root's currency).
    pub uncertainty: Vec<Located<UncertaintyFile>>,
}

/// Reads a scenario file and everything it includes.
///
/// All problems found are collected and returned together as [`Error::Invalid`].
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    load_str(path, &text)
}

/// Like [`load`], with the root file's text given (includes are still read from disk,
/// relative to `path`).
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Error> {
    let mut problems = Vec::new();
    let root: Arc<Path> = Arc::from(path);
    let mut loaded = Loaded {
        root: root.clone(),
        header: ScenarioHeader::default(),
        parameters: ParametersFile::default(),
        materials: Vec::new(),
        modes: Vec::new(),
        rules: Vec::new(),
        sites: Vec::new(),
        links: Vec::new(),
        uncertainty: Vec::new(),
    };
    let mut visit = Visit::default();
    if let Some(file) = parse_file(&root, text, &mut problems) {
        loaded.header = file.scenario.clone();
        merge(&root, file, 1.0, &mut loaded, &mut visit, &mut problems);
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(Error::Invalid(Problems(problems)))
    }
}

/// Merges `file` (already parsed, from `path`) and, recursively, its includes into `into`.
/// Money figures are multiplied by `rate` (the including file's currency per this file's).
fn merge(
    path: &Arc<Path>,
    mut file: ScenarioFile,
    rate: f64,
    into: &mut Loaded,
    visit: &mut Visit,
    problems: &mut Vec<Problem>,
) {
    visit.stack.push(canonical(path));
    visit.merged.insert(canonical(path));
    if rate != 1.0 {
        scale_money(&mut file, rate);
    }
    let dir = path.parent().map(Path::to_owned).unwrap_or_default();
    for (k, inc) in file.scenario.include.iter().enumerate() {
        let field = format!("scenario.include[{k}]");
        let inc_path: Arc<Path> = Arc::from(dir.join(inc).as_path());
        if visit.stack.contains(&canonical(&inc_path)) {
            let chain: Vec<String> = visit
                .stack
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            problems.push(Problem::new(
                path.to_path_buf(),
                field,
                None,
                format!(
                    "include cycle: {} includes {} again",
                    chain.join(" -> "),
                    inc_path.display()
                ),
            ));
            continue;
        }
        if visit.merged.contains(&canonical(&inc_path)) {
            continue;
        }
        let text = match std::fs::read_to_string(&inc_path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(
                    path.to_path_buf(),
                    field,
                    None,
                    format!("cannot read included file {}: {e}", inc_path.display()),
                ));
                continue;
            }
        };
        let Some(inc_file) = parse_file(&inc_path, &text, problems) else {
            continue;
        };
        let inc_rate = match (&file.scenario.currency, &inc_file.scenario.currency) {
            (Some(ours), Some(theirs)) if ours != theirs => {
                match file.parameters.exchange_rates.get(theirs) {
                    Some(&r) if r.is_finite() && r > 0.0 => rate * r,
                    Some(_) => {
                        problems.push(Problem::new(
                            path.to_path_buf(),
                            format!("parameters.exchange_rates.{theirs}"),
                            None,
                            "must be a finite number > 0",
                        ));
                        continue;
                    }
                    None => {
                        problems.push(Problem::new(
                            path.to_path_buf(),
                            field,
                            None,
                            format!(
                                "{} is in {theirs} but this file is in {ours}: give \
                                 parameters.exchange_rates.{theirs} ({ours} per {theirs})",
                                inc_path.display()
                            ),
                        ));
                        continue;
                    }
                }
            }
            _ => rate,
        };
        merge(&inc_path, inc_file, inc_rate, into, visit, problems);
    }
    fill_parameters(&mut into.parameters, file.parameters);
    into.materials.extend(locate(path, file.materials));
    into.modes.extend(locate(path, file.modes));
    into.rules.extend(locate(path, file.rules));
    into.sites.extend(locate(path, file.sites));
    into.links.extend(locate(path, file.links));
    into.uncertainty.extend(locate(path, file.uncertainty));
    visit.stack.pop();
}

/// Files on the current include chain (for cycles) and files merged already: a
/// file reached twice through different includes (a diamond) is merged once.
#[derive(Default)]
struct Visit {
    stack: Vec<PathBuf>,
    merged: std::collections::HashSet<PathBuf>,
}

fn locate<T>(path: &Arc<Path>, items: Vec<T>) -> Vec<Located<T>> {
    items
        .into_iter()
        .enumerate()
        .map(move |(index, item)| Located {
            file: path.clone(),
            index,
            item,
        })
        .collect()
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Sets every parameter that `into` does not have yet from `from`.
/// Included files are merged before the including file's own parameters, so
/// the including file must win: we therefore let later (outer) values override.
fn fill_parameters(into: &mut ParametersFile, from: ParametersFile) {
    macro_rules! take {
        ($($f:ident),*) => { $( if from.$f.is_some() { into.$f = from.$f; } )* };
    }
    take!(
        carbon_price,
        discount_rate,
        energy_price,
        circuity,
        transport_paid_by,
        processing_paid_by,
        source
    );
    into.exchange_rates.extend(from.exchange_rates);
}

/// Multiplies every money figure of a file by `rate`.
fn scale_money(file: &mut ScenarioFile, rate: f64) {
    for m in &mut file.modes {
        m.cost_per_unit_km *= rate;
        m.fixed_cost_per_year *= rate;
        m.capex_per_km *= rate;
    }
    for r in &mut file.rules {
        r.processing_cost *= rate;
    }
    for s in &mut file.sites {
        for o in &mut s.outputs {
            o.disposal_cost *= rate;
        }
        for i in &mut s.inputs {
            i.price *= rate;
        }
    }
    for l in &mut file.links {
        for v in [
            &mut l.transport_cost_per_unit,
            &mut l.fixed_cost_per_year,
            &mut l.capex,
        ]
        .into_iter()
        .flatten()
        {
            *v *= rate;
        }
    }
    if let Some(p) = &mut file.parameters.carbon_price {
        *p *= rate;
    }
    if let Some(p) = &mut file.parameters.energy_price {
        *p *= rate;
    }
    // Distributions on money fields are in the file's currency too.
    for u in file
        .uncertainty
        .iter_mut()
        .filter(|u| is_money_path(&u.path))
    {
        for v in [&mut u.min, &mut u.mode, &mut u.max, &mut u.mean, &mut u.sd]
            .into_iter()
            .flatten()
        {
            *v *= rate;
        }
    }
}

/// Whether a field path (`modes.truck.cost_per_unit_km`) addresses a money figure,
/// i.e. one of the fields [`scale_money`] converts.
fn is_money_path(path: &str) -> bool {
    matches!(
        path.rsplit('.').next(),
        Some(
            "cost_per_unit_km"
                | "fixed_cost_per_year"
                | "capex_per_km"
                | "processing_cost"
                | "disposal_cost"
                | "price"
                | "transport_cost_per_unit"
                | "capex"
                | "carbon_price"
                | "energy_price"
        )
    )
}

/// The generic tree a file is parsed into before its items are deserialized.
enum Tree {
    Toml(toml::Value),
    Json(serde_json::Value),
}

impl Tree {
    fn entries(self) -> Option<Vec<(String, Tree)>> {
        match self {
            Tree::Toml(toml::Value::Table(t)) => {
                Some(t.into_iter().map(|(k, v)| (k, Tree::Toml(v))).collect())
            }
            Tree::Json(serde_json::Value::Object(o)) => {
                Some(o.into_iter().map(|(k, v)| (k, Tree::Json(v))).collect())
            }
            _ => None,
        }
    }

    fn items(self) -> Option<Vec<Tree>> {
        match self {
            Tree::Toml(toml::Value::Array(a)) => Some(a.into_iter().map(Tree::Toml).collect()),
            Tree::Json(serde_json::Value::Array(a)) => {
                Some(a.into_iter().map(Tree::Json).collect())
            }
            _ => None,
        }
    }

    fn id(&self) -> Option<String> {
        match self {
            Tree::Toml(v) => v.get("id").and_then(|v| v.as_str()).map(str::to_owned),
            Tree::Json(v) => v.get("id").and_then(|v| v.as_str()).map(str::to_owned),
        }
    }

    fn deserialize<T: DeserializeOwned>(self) -> Result<T, (String, String)> {
        fn split<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> (String, String) {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            (path, e.inner().to_string())
        }
        match self {
            Tree::Toml(v) => serde_path_to_error::deserialize(v).map_err(split),
            Tree::Json(v) => serde_path_to_error::deserialize(v).map_err(split),
        }
    }
}

/// Parses one file, collecting every problem; `None` when anything was wrong.
fn parse_file(path: &Path, text: &str, problems: &mut Vec<Problem>) -> Option<ScenarioFile> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let tree = if is_json {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => Tree::Json(v),
            Err(e) => {
                let mut p = Problem::new(path, "", None, format!("invalid JSON: {e}"));
                p.line_col = Some((e.line(), e.column()));
                problems.push(p);
                return None;
            }
        }
    } else {
        match toml::from_str::<toml::Table>(text) {
            Ok(t) => Tree::Toml(toml::Value::Table(t)),
            Err(e) => {
                let mut p = Problem::new(
                    path,
                    "",
                    None,
                    format!("invalid TOML: {}", e.message().trim_end()),
                );
                p.line_col = e.span().map(|s| line_col(text, s.start));
                problems.push(p);
                return None;
            }
        }
    };
    let Some(entries) = tree.entries() else {
        problems.push(Problem::new(path, "", None, "the file must be a table"));
        return None;
    };
    let before = problems.len();
    let mut file = ScenarioFile::default();
    for (key, value) in entries {
        match key.as_str() {
            "scenario" => {
                if let Some(v) = one(path, "scenario", value, problems) {
                    file.scenario = v;
                }
            }
            "parameters" => {
                if let Some(v) = one(path, "parameters", value, problems) {
                    file.parameters = v;
                }
            }
            "materials" => file.materials = many(path, "materials", value, problems),
            "modes" => file.modes = many(path, "modes", value, problems),
            "rules" => file.rules = many(path, "rules", value, problems),
            "sites" => file.sites = many(path, "sites", value, problems),
            "links" => file.links = many(path, "links", value, problems),
            "uncertainty" => file.uncertainty = many(path, "uncertainty", value, problems),
            other => problems.push(Problem::new(
                path,
                other,
                None,
                "unknown section, expected one of `scenario`, `parameters`, `materials`, \
                 `modes`, `rules`, `sites`, `links`, `uncertainty`",
            )),
        }
    }
    (problems.len() == before).then_some(file)
}

fn join(prefix: &str, inner: &str) -> String {
    match inner {
        "" => prefix.to_owned(),
        i if i.starts_with('[') => format!("{prefix}{i}"),
        i => format!("{prefix}.{i}"),
    }
}

fn one<T: DeserializeOwned>(
    path: &Path,
    name: &str,
    value: Tree,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match value.deserialize() {
        Ok(v) => Some(v),
        Err((inner, msg)) => {
            problems.push(Problem::new(path, join(name, &inner), None, msg));
            None
        }
    }
}

fn many<T: DeserializeOwned>(
    path: &Path,
    name: &str,
    value: Tree,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let Some(items) = value.items() else {
        problems.push(Problem::new(path, name, None, "must be an array of tables"));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let id = item.id();
        match item.deserialize() {
            Ok(v) => out.push(v),
            Err((inner, msg)) => problems.push(Problem::new(
                path,
                join(&format!("{name}[{i}]"), &inner),
                id.as_deref(),
                msg,
            )),
        }
    }
    out
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc\nd", 0), (1, 1));
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("a\nbc\nd", 5), (3, 1));
    }

    #[test]
    fn every_bad_item_is_reported() {
        let text = r#"
[scenario]
name = "t"
[[materials]]
id = "a"
unit = "t"
kind = "solid"
[[materials]]
id = "b"
unit = "t"
kind = "material"
colour = "red"
"#;
        let err = load_str(Path::new("t.toml"), text).unwrap_err();
        let Error::Invalid(Problems(ps)) = err else {
            panic!("expected invalid")
        };
        assert_eq!(ps.len(), 2, "{ps:?}");
        assert_eq!(ps[0].path, "materials[0].kind");
        assert_eq!(ps[0].id.as_deref(), Some("a"));
        assert_eq!(ps[1].path, "materials[1].colour");
        assert!(ps[1].message.contains("colour"), "{}", ps[1].message);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = load_str(Path::new("t.toml"), "[scenario]\nname = \n").unwrap_err();
        let Error::Invalid(Problems(ps)) = err else {
            panic!("expected invalid")
        };
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].line_col.map(|l| l.0), Some(2));
    }
}
