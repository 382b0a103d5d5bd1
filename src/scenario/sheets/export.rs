//! From a merged scenario to sheets, in the layout [`super::import()`] reads: one
//! sheet per section with every column of [`super::LAYOUT`], one row per item.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{Cell, Kind, Layout, Sheet, LAYOUT};
use crate::domain::Scenario;
use crate::error::{Error, Problem, Problems};
use crate::scenario::load::{Loaded, Located};

/// An item to write as a row: its fields, and where it was written (for problems).
struct Row {
    file: Arc<Path>,
    path: String,
    fields: Map<String, Value>,
}

/// The fields of an item, as serde writes them.
fn fields<T: Serialize>(item: &T) -> Map<String, Value> {
    match serde_json::to_value(item) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Rows of located items.
fn located<T: Serialize>(section: &str, items: &[Located<T>]) -> Vec<Row> {
    items
        .iter()
        .map(|l| Row {
            file: l.file.clone(),
            path: format!("{section}[{}]", l.index),
            fields: fields(&l.item),
        })
        .collect()
}

/// The sheets of a merged scenario (includes resolved, money in its currency):
/// `scenario` (the validated `scenario`'s name and currency), `parameters`, and one
/// sheet per section, `outputs` and `inputs` with their site's id in `site`
/// (the sheets of plants and of periods only when the scenario has them).
/// A list item holding a comma (which the list's cell could not tell apart) is an
/// error naming it.
pub fn export(loaded: &Loaded, scenario: &Scenario) -> Result<Vec<Sheet>, Error> {
    let root = loaded.root.clone();
    let mut problems = Vec::new();
    let mut sheets = Vec::new();
    for l in LAYOUT {
        // The sheets of plants only for a scenario that has them.
        let absent = match l.name {
            "technologies" | "technology_inputs" | "technology_outputs" | "technology_sizes" => {
                loaded.technologies.is_empty()
            }
            "plants" => loaded.plants.is_empty(),
            "plant_groups" => loaded.plant_groups.is_empty(),
            // And those of periods for a scenario that has them.
            "periods" => loaded.periods.is_empty(),
            "profiles" => loaded.profiles.is_empty(),
            "stores" => loaded.stores.is_empty(),
            _ => false,
        };
        if absent {
            continue;
        }
        let rows = match l.name {
            "scenario" => {
                let mut m = Map::new();
                m.insert("name".into(), scenario.name.clone().into());
                m.insert("currency".into(), scenario.currency.clone().into());
                if let Some(d) = &loaded.header.description {
                    m.insert("description".into(), d.clone().into());
                }
                vec![Row {
                    file: root.clone(),
                    path: "scenario".into(),
                    fields: m,
                }]
            }
            "parameters" => vec![Row {
                file: root.clone(),
                path: "parameters".into(),
                fields: fields(&loaded.parameters),
            }],
            "materials" => located(l.name, &loaded.materials),
            "modes" => located(l.name, &loaded.modes),
            "rules" => located(l.name, &loaded.rules),
            "sites" => located(l.name, &loaded.sites),
            "outputs" | "inputs" => children(l.name, &loaded.sites),
            "links" => located(l.name, &loaded.links),
            "uncertainty" => located(l.name, &loaded.uncertainty),
            "technologies" => located(l.name, &loaded.technologies),
            "technology_inputs" | "technology_outputs" | "technology_sizes" => {
                children(l.name, &loaded.technologies)
            }
            "plants" => located(l.name, &loaded.plants),
            "plant_groups" => located(l.name, &loaded.plant_groups),
            "periods" => located(l.name, &loaded.periods),
            "profiles" => located(l.name, &loaded.profiles),
            _ => located(l.name, &loaded.stores),
        };
        sheets.push(sheet(l, &rows, &mut problems));
    }
    if problems.is_empty() {
        Ok(sheets)
    } else {
        Err(Error::Invalid(Problems(problems)))
    }
}

/// The rows of the nested sheet `sheet` ([`super::NESTED`]): the items of the
/// list field of every parent, each with its parent's id in the key column.
fn children<T: serde::Serialize>(sheet: &str, parents: &[Located<T>]) -> Vec<Row> {
    let Some(n) = super::nested(sheet) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for l in parents {
        let parent = fields(&l.item);
        let id = parent.get("id").cloned().unwrap_or(Value::Null);
        let Some(Value::Array(items)) = parent.get(n.field) else {
            continue;
        };
        for (k, item) in items.iter().enumerate() {
            let Value::Object(m) = item else { continue };
            let mut m = m.clone();
            m.insert(n.key.into(), id.clone());
            rows.push(Row {
                file: l.file.clone(),
                path: format!("{}[{}].{}[{k}]", n.parent, l.index, n.field),
                fields: m,
            });
        }
    }
    rows
}

/// One sheet: the layout's columns (and a column per key of each keyed field), a
/// row per item.
fn sheet(l: &Layout, rows: &[Row], problems: &mut Vec<Problem>) -> Sheet {
    let mut keys: Vec<String> = Vec::new();
    for &(field, _) in l.keyed {
        let mut these: Vec<String> = Vec::new();
        for r in rows {
            if let Some(Value::Object(m)) = r.fields.get(field) {
                these.extend(m.keys().map(|k| format!("{field}.{k}")));
            }
        }
        these.sort();
        these.dedup();
        keys.extend(these);
    }
    let header: Vec<String> = l
        .columns
        .iter()
        .map(|c| c.name.to_owned())
        .chain(keys)
        .collect();
    let mut out = vec![header.iter().map(|h| Cell::Text(h.clone())).collect()];
    for r in rows {
        let cells = header
            .iter()
            .map(|h| {
                let value = match h.split_once('.') {
                    Some((field, key)) => r.fields.get(field).and_then(|m| m.get(key)),
                    None => r.fields.get(h.as_str()),
                };
                let kind = l.column(h).map_or(Kind::Text, |c| c.kind);
                cell(value, kind, &r.file, &format!("{}.{h}", r.path), problems)
            })
            .collect();
        out.push(cells);
    }
    Sheet {
        name: l.name.to_owned(),
        origin: (0, 0),
        rows: out,
    }
}

/// A field's value as a cell.
fn cell(
    value: Option<&Value>,
    kind: Kind,
    file: &Path,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Cell {
    match value {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::Bool(b)) => Cell::Bool(*b),
        Some(Value::Number(n)) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        Some(Value::String(s)) if s.is_empty() => Cell::Empty,
        Some(Value::String(s)) => Cell::Text(s.clone()),
        Some(Value::Array(items)) if kind == Kind::List => {
            let mut texts = Vec::new();
            for (k, v) in items.iter().enumerate() {
                let t = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                if t.contains(',') || t.trim() != t || t.is_empty() {
                    problems.push(Problem::new(
                        file,
                        format!("{path}[{k}]"),
                        None,
                        format!(
                            "\"{t}\" cannot be written in a list cell, whose items are \
                             separated by commas (it holds a comma, is empty or starts or \
                             ends with white space)"
                        ),
                    ));
                }
                texts.push(t);
            }
            if texts.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(texts.join(", "))
            }
        }
        Some(other) => Cell::Text(other.to_string()),
    }
}

/// A cell's text in a CSV file: numbers as Rust writes them (the shortest text that
/// reads back as the same number).
fn csv_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Number(v) => format!("{v}"),
        Cell::Text(t) | Cell::Other(t) => t.clone(),
        Cell::Bool(b) => b.to_string(),
    }
}

/// One sheet as the text of a CSV file.
pub fn to_csv(sheet: &Sheet) -> Result<String, String> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in &sheet.rows {
        w.write_record(row.iter().map(csv_text))
            .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The sheets as the bytes of an xlsx workbook.
pub fn to_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&s.name).map_err(|e| e.to_string())?;
        for (r, row) in s.rows.iter().enumerate() {
            let r = u32::try_from(r + s.origin.0).map_err(|e| e.to_string())?;
            for (k, c) in row.iter().enumerate() {
                let k = u16::try_from(k + s.origin.1).map_err(|e| e.to_string())?;
                let written = match c {
                    Cell::Empty => continue,
                    Cell::Number(v) => ws.write_number(r, k, *v).map(|_| ()),
                    Cell::Text(t) | Cell::Other(t) => ws.write_string(r, k, t).map(|_| ()),
                    Cell::Bool(b) => ws.write_boolean(r, k, *b).map(|_| ()),
                };
                written.map_err(|e| e.to_string())?;
            }
        }
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// Writes the sheets as an xlsx workbook at `path`, whole or not at all,
/// unless [`crate::files::check_output`] refuses it: `path` is one of `inputs`
/// (the files the scenario was read from), or holds another kind of document
/// than a workbook and `force` is false.
pub fn write_xlsx(
    path: &Path,
    sheets: &[Sheet],
    inputs: &[PathBuf],
    force: bool,
) -> Result<(), Error> {
    crate::files::check_output(path, inputs, crate::files::Kind::Workbook, force)?;
    let bytes = to_xlsx(sheets).map_err(|m| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::other(m),
    })?;
    crate::files::write_atomic_bytes(path, &bytes)
}

/// The file of each sheet in the folder `dir`, in sheet order: `NAME.csv`.
pub fn csv_paths(dir: &Path, sheets: &[Sheet]) -> Vec<PathBuf> {
    sheets
        .iter()
        .map(|s| dir.join(format!("{}.csv", s.name)))
        .collect()
}

/// Writes the sheets as `NAME.csv` files in the folder `dir` (created when
/// missing), each whole or not at all. Every file is checked before any is
/// written ([`crate::files::check_output`]): none may be one of `inputs` (the
/// files the scenario was read from), nor hold a scenario, a workbook or rows
/// unless `force`.
pub fn write_csv(
    dir: &Path,
    sheets: &[Sheet],
    inputs: &[PathBuf],
    force: bool,
) -> Result<(), Error> {
    let paths = csv_paths(dir, sheets);
    for path in &paths {
        crate::files::check_output(path, inputs, crate::files::Kind::Other, force)?;
    }
    std::fs::create_dir_all(dir).map_err(crate::files::io_error(dir))?;
    for (s, path) in sheets.iter().zip(&paths) {
        let text = to_csv(s).map_err(|m| Error::Io {
            path: path.clone(),
            source: std::io::Error::other(m),
        })?;
        crate::files::write_atomic(path, &text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_numbers_read_back_as_the_same_number() {
        let s = Sheet {
            name: "x".into(),
            origin: (0, 0),
            rows: vec![vec![
                Cell::Number(0.1 + 0.2),
                Cell::Number(3e-9),
                Cell::Text("a,b".into()),
                Cell::Empty,
                Cell::Bool(true),
            ]],
        };
        let text = to_csv(&s).unwrap();
        assert_eq!(text, "0.30000000000000004,0.000000003,\"a,b\",,true\n");
        let back = super::super::read::read_csv("x", text.as_bytes()).unwrap();
        assert_eq!(back.rows[0][0], Cell::Text("0.30000000000000004".into()));
    }

    #[test]
    fn list_items_with_commas_are_refused() {
        let mut problems = Vec::new();
        let v = serde_json::json!(["t", "m,3"]);
        cell(
            Some(&v),
            Kind::List,
            Path::new("a.toml"),
            "modes[0].units",
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "modes[0].units[1]");
        let v = serde_json::json!(["t", "MWh"]);
        let c = cell(
            Some(&v),
            Kind::List,
            Path::new("a.toml"),
            "p",
            &mut problems,
        );
        assert_eq!(c, Cell::Text("t, MWh".into()));
    }
}
