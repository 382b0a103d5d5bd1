//! From sheets to a scenario file: each row becomes an item, each cell a field, as
//! [`super::LAYOUT`] says; the file is then loaded and validated as any other, and
//! every problem is named by the cell it comes from (`outputs!C7`).
//!
//! The problems of the sheets themselves (unknown sheets and columns, cells that
//! are not what their column holds, streams of unknown sites) are found first; the
//! cells they concern are left out, and what remains is validated, so that one run
//! reports everything it can. A problem validation finds at a cell already
//! reported is not reported again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{cell_name, layout, Cell, Column, Kind, Layout, Sheet, LAYOUT};
use crate::domain::Scenario;
use crate::error::{Error, Problem, Problems};
use crate::scenario::load::{self, LoadOptions};
use crate::scenario::schema::ScenarioFile;
use crate::scenario::validate::{self, suggestion};

/// How sheets are imported.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The includes of the scenario written (`[scenario] include`), as they are to be
    /// written: relative to the folder of the scenario file, or absolute.
    pub includes: Vec<String>,
    /// How the workbook (its bytes count as the scenario's input) and the includes
    /// are read.
    pub load: LoadOptions,
}

/// A scenario imported from sheets.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The scenario file.
    pub file: ScenarioFile,
    /// Its text: TOML, or JSON when the file it is written as ends in `.json`.
    pub text: String,
    /// The scenario, validated.
    pub scenario: Scenario,
    /// What was read other than as written, each at its cell: an id with
    /// spaces around it, which were taken off.
    pub warnings: Vec<Problem>,
}

/// Imports a workbook (`.xlsx`, `.ods`) or a folder of `NAME.csv` files as the
/// scenario file `written_as` (includes are read relative to it). Every problem is
/// returned together as [`Error::Invalid`], each at `SHEET!CELL` of `book`.
pub fn import(book: &Path, written_as: &Path, options: &ImportOptions) -> Result<Imported, Error> {
    let sheets = super::read::read_book(book, &options.load)?;
    import_sheets(book, &sheets, written_as, options)
}

/// Imports sheets already read from `book` (which names them in problems) as the
/// scenario file `written_as`; see [`import`].
pub fn import_sheets(
    book: &Path,
    sheets: &[Sheet],
    written_as: &Path,
    options: &ImportOptions,
) -> Result<Imported, Error> {
    let mut run = Run {
        book: book.to_owned(),
        problems: Vec::new(),
        warnings: Vec::new(),
        claimed: HashSet::new(),
        tables: Vec::new(),
        origins: Vec::new(),
    };
    run.sheets(sheets);
    let doc = run.assemble(&options.includes);
    let json = written_as
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let text = render(&doc, json).map_err(|m| run.whole(m))?;
    let checked = load::load_str_with(written_as, &text, &options.load)
        .and_then(|loaded| validate::validate(&loaded));
    let scenario = match checked {
        Ok(s) => Some(s),
        Err(Error::Invalid(Problems(found))) => {
            for p in found {
                if let Some(p) = run.locate(p, written_as) {
                    run.problems.push(p);
                }
            }
            None
        }
        Err(e) if run.problems.is_empty() => return Err(e),
        Err(_) => None,
    };
    match scenario {
        Some(scenario) if run.problems.is_empty() => {
            let file: ScenarioFile = toml::Value::Table(doc)
                .try_into()
                .map_err(|e| run.whole(format!("cannot read the sheets back: {e}")))?;
            let text = render(&file, json).map_err(|m| run.whole(m))?;
            Ok(Imported {
                file,
                text,
                scenario,
                warnings: run.warnings,
            })
        }
        _ => Err(Error::Invalid(Problems(run.problems))),
    }
}

/// A scenario file's text: TOML, or JSON; fields without a value, empty lists and
/// empty tables are left out.
fn render<T: serde::Serialize>(value: &T, json: bool) -> Result<String, String> {
    let mut value =
        serde_json::to_value(value).map_err(|e| format!("cannot write the scenario: {e}"))?;
    tidy(&mut value);
    if json {
        serde_json::to_string_pretty(&value)
            .map(|t| t + "\n")
            .map_err(|e| format!("cannot write the scenario as JSON: {e}"))
    } else {
        toml::to_string(&value).map_err(|e| format!("cannot write the scenario as TOML: {e}"))
    }
}

/// Removes, below the top, `null`s, empty arrays and empty objects (and what
/// becomes empty once they are gone).
fn tidy(value: &mut serde_json::Value) {
    use serde_json::Value;
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    match value {
        Value::Object(o) => {
            o.values_mut().for_each(tidy);
            o.retain(|_, v| !empty(v));
        }
        Value::Array(a) => a.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// One sheet read: its layout, header and items.
struct Table<'s> {
    layout: &'static Layout,
    sheet: &'s Sheet,
    /// The header of each column of the sheet, when it names a known column.
    headers: Vec<Option<(String, Column)>>,
    /// The rows that say something: 0-based row in the sheet, and the item.
    rows: Vec<(usize, toml::Table)>,
}

impl Table<'_> {
    /// The name of the cell of `field` (a header) in `row`, when the sheet has the column.
    fn cell(&self, row: usize, field: &str) -> Option<String> {
        let k = self
            .headers
            .iter()
            .position(|h| h.as_ref().is_some_and(|(name, _)| name == field))?;
        Some(cell_name(row, self.sheet.origin.1 + k))
    }
}

/// An import under way.
struct Run<'s> {
    book: PathBuf,
    problems: Vec<Problem>,
    /// What was read other than as written (see [`Imported::warnings`]).
    warnings: Vec<Problem>,
    /// Cells (sheet, row, header) and whole columns (row `None`) already reported.
    claimed: HashSet<(String, Option<usize>, String)>,
    tables: Vec<Table<'s>>,
    /// Field path of each item written (`sites[1].outputs[0]`) → its sheet and row.
    origins: Vec<(String, &'static str, usize)>,
}

impl<'s> Run<'s> {
    /// A problem with the book as a whole.
    fn whole(&self, message: impl Into<String>) -> Error {
        let mut problems = self.problems.clone();
        problems.push(Problem::new(&self.book, "", None, message));
        Error::Invalid(Problems(problems))
    }

    /// Records a problem at `place` (`outputs!C7`, `outputs`).
    fn push(&mut self, place: String, id: Option<&str>, message: impl Into<String>) {
        self.problems
            .push(Problem::new(&self.book, place, id, message));
    }

    /// Reads every sheet; the required ones must be there.
    fn sheets(&mut self, sheets: &'s [Sheet]) {
        let mut seen = HashSet::new();
        for sheet in sheets {
            let Some(l) = layout(&sheet.name) else {
                let mut hint = suggestion(&sheet.name, LAYOUT.iter().map(|l| l.name));
                if hint.is_empty() {
                    let all: Vec<String> = LAYOUT.iter().map(|l| format!("`{}`", l.name)).collect();
                    hint = format!(", expected one of {}", all.join(", "));
                }
                self.push(sheet.name.clone(), None, format!("unknown sheet{hint}"));
                continue;
            };
            if seen.insert(l.name) {
                self.table(l, sheet);
            }
        }
        for l in LAYOUT
            .iter()
            .filter(|l| l.required && !seen.contains(l.name))
        {
            self.push(
                l.name.to_owned(),
                None,
                format!(
                    "no sheet `{0}` (in a folder, no file {0}.csv); the sheets sites, \
                     outputs and inputs are required",
                    l.name
                ),
            );
        }
    }

    /// Reads one sheet's header and rows.
    fn table(&mut self, l: &'static Layout, sheet: &'s Sheet) {
        let mut t = Table {
            layout: l,
            sheet,
            headers: Vec::new(),
            rows: Vec::new(),
        };
        let Some((header, body)) = sheet.rows.split_first() else {
            self.tables.push(t);
            return;
        };
        let top = sheet.origin.0;
        t.headers = self.header(l, sheet, header);
        self.unheaded(l, sheet, header, body);
        self.required_columns(l, &t.headers);
        for (r, row) in body.iter().enumerate() {
            if row.iter().all(Cell::is_empty) {
                continue;
            }
            let at_row = top + 1 + r;
            if l.single && !t.rows.is_empty() {
                self.push(
                    format!("{} row {}", l.name, at_row + 1),
                    None,
                    format!(
                        "the sheet `{}` has one row of values, under its header",
                        l.name
                    ),
                );
                continue;
            }
            let item = self.row(&t, at_row, row);
            t.rows.push((at_row, item));
        }
        self.tables.push(t);
    }

    /// The columns of a header row: each known, or `None` (reported when it has a
    /// name: unknown, or given twice).
    fn header(
        &mut self,
        l: &Layout,
        sheet: &Sheet,
        header: &[Cell],
    ) -> Vec<Option<(String, Column)>> {
        let (top, left) = sheet.origin;
        let mut headers: Vec<Option<(String, Column)>> = Vec::new();
        for (k, cell) in header.iter().enumerate() {
            let at = format!("{}!{}", l.name, cell_name(top, left + k));
            let text = match cell {
                Cell::Empty => None,
                Cell::Text(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
                Cell::Number(v) => Some(number_text(*v)),
                Cell::Bool(b) => Some(b.to_string()),
                Cell::Other(what) => {
                    self.push(at, None, format!("holds {what}, not a column name"));
                    headers.push(None);
                    continue;
                }
            };
            let Some(text) = text else {
                headers.push(None);
                continue;
            };
            let text = header_key(&text);
            let twice = headers
                .iter()
                .position(|h| h.as_ref().is_some_and(|(n, _)| *n == text));
            match (l.column(&text), twice) {
                (None, _) => {
                    let hint = suggestion(&text, l.columns.iter().map(|c| c.name));
                    self.push(at, None, format!("unknown column `{text}`{hint}"));
                    headers.push(None);
                }
                (Some(_), Some(first)) => {
                    let first = cell_name(top, left + first);
                    self.push(
                        at,
                        None,
                        format!("column `{text}` given twice, first at {first}"),
                    );
                    headers.push(None);
                }
                (Some(c), None) => headers.push(Some((text, c))),
            }
        }
        headers
    }

    /// Reports, once per column, a value in a column whose header is empty.
    fn unheaded(&mut self, l: &Layout, sheet: &Sheet, header: &[Cell], body: &[Vec<Cell>]) {
        let (top, left) = sheet.origin;
        let width = body.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..width {
            if header.get(k).is_some_and(|c| !c.is_empty()) {
                continue;
            }
            if let Some(r) = body
                .iter()
                .position(|row| row.get(k).is_some_and(|c| !c.is_empty()))
            {
                self.push(
                    format!("{}!{}", l.name, cell_name(top + 1 + r, left + k)),
                    None,
                    "a value in a column without a header",
                );
            }
        }
    }

    /// Reports each required column the header lacks, once.
    fn required_columns(&mut self, l: &Layout, headers: &[Option<(String, Column)>]) {
        for c in l.columns.iter().filter(|c| c.required) {
            let present = headers
                .iter()
                .any(|h| h.as_ref().is_some_and(|(n, _)| n == c.name));
            if !present {
                self.push(
                    l.name.to_owned(),
                    None,
                    format!("missing the column `{}`, which is required", c.name),
                );
                self.claimed
                    .insert((l.name.to_owned(), None, c.name.to_owned()));
            }
        }
    }

    /// One row as an item; cells that are not what their column holds are reported
    /// and left out.
    fn row(&mut self, t: &Table, at_row: usize, row: &[Cell]) -> toml::Table {
        let l = t.layout;
        let mut item = toml::Table::new();
        let id = row
            .iter()
            .zip(&t.headers)
            .find(|(_, h)| h.as_ref().is_some_and(|(n, _)| n == "id"))
            .and_then(|(c, _)| match c {
                Cell::Text(s) => Some(s.trim().to_owned()),
                Cell::Number(v) => Some(number_text(*v)),
                _ => None,
            });
        for (k, h) in t.headers.iter().enumerate() {
            let Some((header, column)) = h else {
                continue;
            };
            let cell = row.get(k).unwrap_or(&Cell::Empty);
            let trimmed;
            let cell = match cell {
                Cell::Text(s) if is_id(header) && s.trim() != s && !s.trim().is_empty() => {
                    let at = cell_name(at_row, t.sheet.origin.1 + k);
                    self.warnings.push(Problem::new(
                        &self.book,
                        format!("{}!{at}", l.name),
                        id.as_deref().map(str::trim),
                        format!(
                            "{header} \"{s}\" has spaces around it: read as \"{}\"",
                            s.trim()
                        ),
                    ));
                    trimmed = Cell::Text(s.trim().to_owned());
                    &trimmed
                }
                _ => cell,
            };
            let problem = match value(cell, column.kind) {
                Ok(None) if column.required => Some("must be given (the cell is empty)".into()),
                Ok(None) => None,
                Ok(Some(v)) => {
                    insert(&mut item, l, header, v);
                    None
                }
                Err(m) => Some(m),
            };
            if let Some(m) = problem {
                let at = cell_name(at_row, t.sheet.origin.1 + k);
                self.push(
                    format!("{}!{at}", l.name),
                    id.as_deref(),
                    format!("{header} {m}"),
                );
                self.claimed
                    .insert((l.name.to_owned(), Some(at_row), header.clone()));
                if column.required || column.kind != Kind::Text {
                    // A stand-in, so that the rest of the scenario is still validated
                    // as written (its problems at this cell are not reported again).
                    // Text is left out: a stand-in for an enum would stop validation.
                    item.insert(header.clone(), stand_in(column.kind));
                }
            }
        }
        for c in l.columns.iter().filter(|c| c.required) {
            let claimed = (l.name.to_owned(), None, c.name.to_owned());
            if self.claimed.contains(&claimed) {
                item.insert(c.name.to_owned(), stand_in(c.kind));
            }
        }
        item
    }

    /// The scenario file of the tables read, as a TOML table; remembers where each
    /// item comes from.
    fn assemble(&mut self, includes: &[String]) -> toml::Table {
        let mut doc = toml::Table::new();
        let tables = std::mem::take(&mut self.tables);
        let by_name = |name: &str| tables.iter().find(|t| t.layout.name == name);
        let mut header = by_name("scenario")
            .and_then(|t| t.rows.first())
            .map(|(r, item)| {
                self.origins.push(("scenario".into(), "scenario", *r));
                item.clone()
            })
            .unwrap_or_default();
        if !includes.is_empty() {
            let list = includes.iter().cloned().map(toml::Value::String).collect();
            header.insert("include".into(), toml::Value::Array(list));
        }
        if !header.is_empty() {
            doc.insert("scenario".into(), toml::Value::Table(header));
        }
        if let Some((r, item)) = by_name("parameters").and_then(|t| t.rows.first()) {
            self.origins.push(("parameters".into(), "parameters", *r));
            doc.insert("parameters".into(), toml::Value::Table(item.clone()));
        }
        // Items of every sheet that is no nested one, by sheet.
        let mut sections: Vec<(&'static str, Vec<toml::Table>)> = Vec::new();
        for t in &tables {
            let name = t.layout.name;
            if t.layout.single || super::nested(name).is_some() {
                continue;
            }
            let mut items = Vec::new();
            for (r, item) in &t.rows {
                self.origins
                    .push((format!("{name}[{}]", items.len()), name, *r));
                items.push(item.clone());
            }
            sections.push((name, items));
        }
        for n in super::NESTED {
            let Some(t) = by_name(n.sheet) else { continue };
            let Some(k) = sections.iter().position(|(name, _)| *name == n.parent) else {
                // No parent sheet: every row names an unknown parent.
                for (r, item) in &t.rows {
                    self.parent_of(t, *r, n, item.get(n.key).cloned(), &[]);
                }
                continue;
            };
            for (r, item) in &t.rows {
                let mut item = item.clone();
                let key = item.remove(n.key);
                let Some(p) = self.parent_of(t, *r, n, key, &sections[k].1) else {
                    continue;
                };
                let list = sections[k].1[p]
                    .entry(n.field)
                    .or_insert_with(|| toml::Value::Array(Vec::new()));
                if let toml::Value::Array(list) = list {
                    self.origins.push((
                        format!("{}[{p}].{}[{}]", n.parent, n.field, list.len()),
                        t.layout.name,
                        *r,
                    ));
                    list.push(toml::Value::Table(item));
                }
            }
        }
        for (name, items) in sections {
            if name == "sites" && items.is_empty() {
                continue;
            }
            let list = items.into_iter().map(toml::Value::Table).collect();
            doc.insert(name.into(), toml::Value::Array(list));
        }
        self.tables = tables;
        doc
    }

    /// The index of the parent item a row of the nested sheet `n` names in
    /// its key column (the first parent with that id); a row of no known
    /// parent is reported.
    fn parent_of(
        &mut self,
        t: &Table,
        row: usize,
        n: super::Nested,
        key: Option<toml::Value>,
        parents: &[toml::Table],
    ) -> Option<usize> {
        let claimed = self
            .claimed
            .contains(&(t.layout.name.to_owned(), None, n.key.into()))
            || self
                .claimed
                .contains(&(t.layout.name.to_owned(), Some(row), n.key.into()));
        let place = format!(
            "{}!{}",
            t.layout.name,
            t.cell(row, n.key).unwrap_or_default()
        );
        let id_of = |s: &toml::Table| s.get("id").and_then(|v| v.as_str().map(str::to_owned));
        let name = match key {
            _ if claimed => return None,
            Some(toml::Value::String(s)) => s,
            _ => return None,
        };
        if let Some(k) = parents
            .iter()
            .position(|s| id_of(s).as_deref() == Some(&name))
        {
            return Some(k);
        }
        let ids: Vec<String> = parents.iter().filter_map(id_of).collect();
        let hint = suggestion(&name, ids.iter().map(String::as_str));
        let what = n.parent.strip_suffix("ies").map_or_else(
            || n.parent.trim_end_matches('s').to_owned(),
            |stem| format!("{stem}y"),
        );
        self.push(
            place,
            None,
            format!(
                "{}: unknown {what} \"{name}\" (no row of the sheet `{}` has this id){hint}",
                n.key, n.parent
            ),
        );
        None
    }

    /// A problem of the written file at its cell, or `None` when that cell is
    /// reported already. Problems of other files (includes) are kept as they are.
    fn locate(&self, mut p: Problem, written_as: &Path) -> Option<Problem> {
        if p.file != written_as {
            return Some(p);
        }
        p.message = self.cells_in(&p.message, written_as);
        let Some((prefix, sheet, row)) = self.origin(&p.path) else {
            // A section with no row (a missing `scenario.currency`, say), or an include.
            let (section, rest) = p.path.split_once('.').unwrap_or((&p.path, ""));
            let message = if rest.is_empty() {
                p.message
            } else {
                join(rest, &p.message)
            };
            return Some(Problem::new(&self.book, section, p.id.as_deref(), message));
        };
        let rest = p.path[prefix.len()..].trim_start_matches('.');
        let table = self.tables.iter().find(|t| t.layout.name == *sheet)?;
        let missing = p
            .message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'));
        let (field, message) = match missing {
            Some(f) => (f.to_owned(), "must be given (the cell is empty)".to_owned()),
            None if table.cell(*row, rest).is_some() => (rest.to_owned(), p.message.clone()),
            None => {
                let first = rest.split(['.', '[']).next().unwrap_or_default();
                (first.to_owned(), p.message.clone())
            }
        };
        if field.is_empty() {
            let at = format!("{sheet} row {}", row + 1);
            return Some(Problem::new(&self.book, at, p.id.as_deref(), message));
        }
        let key = |r| (sheet.to_string(), r, field.clone());
        if self.claimed.contains(&key(Some(*row))) || self.claimed.contains(&key(None)) {
            return None;
        }
        let place = match table.cell(*row, &field) {
            Some(cell) => format!("{sheet}!{cell}"),
            None => format!("{sheet} row {}", row + 1),
        };
        Some(Problem::new(
            &self.book,
            place,
            p.id.as_deref(),
            join(&field, &message),
        ))
    }
}

impl Run<'_> {
    /// The item of the written file a field path is in (the longest path of an item
    /// it starts with): that item's path, sheet and row.
    fn origin(&self, path: &str) -> Option<&(String, &'static str, usize)> {
        self.origins
            .iter()
            .filter(|(prefix, _, _)| {
                path.strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
            .max_by_key(|(prefix, _, _)| prefix.len())
    }

    /// The row (or cell) of an item of the written file (`sites[0]`, `sites[0].id`),
    /// when it comes from a sheet: the cell of its `id` for an item with one.
    fn cell_of_path(&self, path: &str) -> Option<String> {
        let (prefix, sheet, row) = self.origin(path)?;
        let table = self.tables.iter().find(|t| t.layout.name == *sheet)?;
        let field = path[prefix.len()..].trim_start_matches('.');
        let field = if field.is_empty() { "id" } else { field };
        Some(match table.cell(*row, field) {
            Some(cell) => format!("{sheet}!{cell}"),
            None => format!("{sheet} row {}", row + 1),
        })
    }

    /// `message` with each place of the written file it names (`at FILE: sites[0]`)
    /// given as the sheet's cell instead.
    fn cells_in(&self, message: &str, written_as: &Path) -> String {
        let marker = format!("{}: ", written_as.display());
        let mut out = String::new();
        let mut rest = message;
        while let Some(k) = rest.find(&marker) {
            let after = &rest[k + marker.len()..];
            let end = after
                .find(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ')')
                .unwrap_or(after.len());
            match self.cell_of_path(&after[..end]) {
                Some(cell) => {
                    out.push_str(&rest[..k]);
                    out.push_str(&cell);
                }
                None => out.push_str(&rest[..k + marker.len() + end]),
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }
}

/// Puts a cell's value into its item: under its header, or, for a keyed column
/// (`exchange_rates.EUR`), under its key in the table field.
fn insert(item: &mut toml::Table, l: &Layout, header: &str, v: toml::Value) {
    for &(field, _) in l.keyed {
        if let Some(key) = header.strip_prefix(field).and_then(|r| r.strip_prefix('.')) {
            let entry = item
                .entry(field)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(sub) = entry {
                sub.insert(key.to_owned(), v);
            }
            return;
        }
    }
    item.insert(header.to_owned(), v);
}

/// The value that stands in for a required field whose cell is reported.
fn stand_in(kind: Kind) -> toml::Value {
    match kind {
        Kind::Text => toml::Value::String(String::new()),
        Kind::Number => toml::Value::Float(0.0),
        Kind::Bool => toml::Value::Boolean(false),
        Kind::List => toml::Value::Array(Vec::new()),
    }
}

/// A message about `field`: "quantity must be ≥ 0", "material: unknown material".
fn join(field: &str, message: &str) -> String {
    if message.starts_with("must ") {
        format!("{field} {message}")
    } else {
        format!("{field}: {message}")
    }
}

/// A number as text: integers without a fraction (`12`, an id typed as a number).
pub(crate) fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A cell as the value of a field of `kind`: `None` when empty; the reason when it
/// cannot be one ("must be a number, got \"abc\"").
/// The column a header names, as people write headers: any case, spaces for
/// underscores, and a unit in parentheses after it (`Quantity (t/yr)` is
/// `quantity`). The key after a keyed column's dot (`prices.GBFS`) is kept
/// as written: it is an id.
fn header_key(text: &str) -> String {
    let text = text.trim();
    let text = match text.rfind(" (") {
        Some(at) if text.ends_with(')') => text[..at].trim_end(),
        _ => text,
    };
    let (field, key) = match text.split_once('.') {
        Some((f, k)) => (f, Some(k)),
        None => (text, None),
    };
    let field = field.trim().to_ascii_lowercase().replace(' ', "_");
    match key {
        Some(k) => format!("{field}.{k}"),
        None => field,
    }
}

/// Whether a column holds an id of the scenario (its own, or one it refers
/// to), whose spaces around it are a slip, not part of it.
fn is_id(header: &str) -> bool {
    header == "id"
        || header.ends_with("_id")
        || matches!(
            header,
            "site"
                | "material"
                | "displaces"
                | "rule"
                | "mode"
                | "output"
                | "input"
                | "from"
                | "to"
                | "from_site"
                | "from_output"
                | "to_site"
                | "to_input"
                | "technology"
                | "plant"
        )
}

fn value(cell: &Cell, kind: Kind) -> Result<Option<toml::Value>, String> {
    use toml::Value as V;
    let text = match cell {
        c if c.is_empty() => return Ok(None),
        Cell::Other(what) => {
            return Err(format!("must be {}, got {what}", expected(kind)));
        }
        Cell::Number(v) => match kind {
            Kind::Number => return Ok(Some(V::Float(*v))),
            Kind::Bool => return Err(format!("must be true or false, got {}", number_text(*v))),
            Kind::Text | Kind::List => number_text(*v),
        },
        Cell::Bool(b) => match kind {
            Kind::Bool => return Ok(Some(V::Boolean(*b))),
            Kind::Number => return Err(format!("must be a number, got {b}")),
            Kind::Text | Kind::List => b.to_string(),
        },
        Cell::Text(s) => s.clone(),
        Cell::Empty => return Ok(None),
    };
    match kind {
        Kind::Text => Ok(Some(V::String(text))),
        Kind::Number => text
            .trim()
            .parse::<f64>()
            .map(|v| Some(V::Float(v)))
            .map_err(|_| format!("must be a number, got \"{text}\"")),
        Kind::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(V::Boolean(true))),
            "false" => Ok(Some(V::Boolean(false))),
            _ => Err(format!("must be true or false, got \"{text}\"")),
        },
        Kind::List => Ok(Some(V::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| V::String(s.to_owned()))
                .collect(),
        ))),
    }
}

/// What a column of `kind` holds, in words.
fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Number => "a number",
        Kind::Bool => "true or false",
        Kind::List => "a list separated by commas",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_their_column_says() {
        let n = |c: Cell| value(&c, Kind::Number);
        assert_eq!(n(Cell::Number(5.0)), Ok(Some(toml::Value::Float(5.0))));
        assert_eq!(
            n(Cell::Text(" 1e3 ".into())),
            Ok(Some(toml::Value::Float(1e3)))
        );
        assert_eq!(n(Cell::Text("  ".into())), Ok(None));
        assert_eq!(
            n(Cell::Text("ten".into())),
            Err("must be a number, got \"ten\"".into())
        );
        assert_eq!(
            n(Cell::Bool(true)),
            Err("must be a number, got true".into())
        );
        assert_eq!(
            n(Cell::Other("a date".into())),
            Err("must be a number, got a date".into())
        );
        assert_eq!(
            value(&Cell::Number(12.0), Kind::Text),
            Ok(Some(toml::Value::String("12".into())))
        );
        assert_eq!(
            value(&Cell::Text("TRUE".into()), Kind::Bool),
            Ok(Some(toml::Value::Boolean(true)))
        );
        assert!(value(&Cell::Text("yes".into()), Kind::Bool).is_err());
        let list = value(&Cell::Text("truck, rail,".into()), Kind::List).unwrap();
        assert_eq!(
            list,
            Some(toml::Value::Array(vec!["truck".into(), "rail".into()]))
        );
    }

    #[test]
    fn numbers_as_text_drop_a_zero_fraction_only() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }
}
