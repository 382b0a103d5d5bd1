//! Reading sheets: an xlsx or ods workbook through calamine, a folder of CSV files
//! through the csv crate. Nothing here knows what the sheets mean.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, Xlsx};

use super::{Cell, Sheet};
use crate::error::{Error, Problem, Problems};
use crate::scenario::load::{read_bytes, LoadOptions};

/// The kinds of workbook symbio reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    /// Office Open XML (`.xlsx`, `.xlsm`).
    Xlsx,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
}

impl Book {
    /// The kind of a workbook file by its extension.
    pub fn of(path: &Path) -> Option<Book> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Book::Xlsx),
            "ods" => Some(Book::Ods),
            _ => None,
        }
    }
}

/// One problem with the file or folder as a whole.
fn invalid(path: &Path, message: impl Into<String>) -> Error {
    Error::Invalid(Problems(vec![Problem::new(path, "", None, message)]))
}

/// Reads the sheets of a workbook (`.xlsx`, `.ods`) or of a folder of `NAME.csv`
/// files (files of other extensions are not read), at most
/// `options.max_input_size` bytes in all.
pub fn read_book(path: &Path, options: &LoadOptions) -> Result<Vec<Sheet>, Error> {
    let limit = options.max_input_size;
    let mut budget = limit;
    if path.is_dir() {
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io)? {
            let p = entry.map_err(io)?.path();
            let is_csv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if is_csv {
                files.push(p);
            }
        }
        files.sort();
        let mut sheets = Vec::new();
        let mut problems = Vec::new();
        for f in files {
            let bytes = read_bytes(&f, &mut budget, limit)?;
            let name = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match read_csv(&name, &bytes) {
                Ok(s) => sheets.push(s),
                Err(m) => problems.push(Problem::new(&f, "", None, m)),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(Problems(problems)));
        }
        return Ok(sheets);
    }
    let Some(kind) = Book::of(path) else {
        return Err(invalid(
            path,
            "not a workbook symbio reads: give an .xlsx or .ods file, or a folder of \
             NAME.csv files",
        ));
    };
    let bytes = read_bytes(path, &mut budget, limit)?;
    read_workbook(&bytes, kind).map_err(|m| invalid(path, m))
}

/// The sheets of a workbook's bytes, in the workbook's order.
///
/// calamine 0.30 (the last release for Rust 1.80) panics on some damaged
/// workbooks (a shared string index past the table, found by the `import` fuzz
/// target); such a panic is caught and the workbook reported as damaged. Later
/// releases return an error there, and need Rust 1.83.
pub fn read_workbook(bytes: &[u8], kind: Book) -> Result<Vec<Sheet>, String> {
    let read = std::panic::AssertUnwindSafe(|| workbook_ranges(bytes, kind));
    let ranges = std::panic::catch_unwind(read).unwrap_or_else(|_| {
        Err(format!(
            "damaged workbook: the {} reader failed on it",
            if kind == Book::Xlsx { "xlsx" } else { "ods" }
        ))
    })?;
    Ok(ranges
        .into_iter()
        .map(|(name, range)| sheet_of(name, &range))
        .collect())
}

/// calamine's sheets of a workbook's bytes.
fn workbook_ranges(bytes: &[u8], kind: Book) -> Result<Vec<(String, Range<Data>)>, String> {
    Ok(match kind {
        Book::Xlsx => Xlsx::new(Cursor::new(bytes))
            .map_err(|e| format!("not an xlsx workbook: {e}"))?
            .worksheets(),
        Book::Ods => Ods::new(Cursor::new(bytes))
            .map_err(|e| format!("not an ods workbook: {e}"))?
            .worksheets(),
    })
}

/// A calamine range as a sheet.
fn sheet_of(name: String, range: &Range<Data>) -> Sheet {
    let origin = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows = range
        .rows()
        .map(|row| row.iter().map(cell_of).collect())
        .collect();
    Sheet { name, origin, rows }
}

/// A calamine cell as a cell.
fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) => Cell::Other("a date".into()),
        Data::DurationIso(_) => Cell::Other("a duration".into()),
        Data::Error(e) => Cell::Other(format!("the error {e}")),
    }
}

/// One CSV file's bytes as the sheet `name`: every cell text (or empty), the first
/// record the header. Records may have different lengths.
pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Sheet, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("not a CSV file: {e}"))?;
        rows.push(
            record
                .iter()
                .map(|f| {
                    if f.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(f.to_owned())
                    }
                })
                .collect(),
        );
    }
    Ok(Sheet {
        name: name.to_owned(),
        origin: (0, 0),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_text_and_blanks_are_empty() {
        let s = read_csv("sites", b"id,lat\nsteel, \ncement,1.5,extra\n").unwrap();
        assert_eq!(s.rows.len(), 3);
        assert_eq!(s.rows[1], vec![Cell::Text("steel".into()), Cell::Empty]);
        assert_eq!(s.rows[2].len(), 3);
        assert!(read_csv("x", b"a\n\xff\n").is_err());
    }

    #[test]
    fn bytes_that_are_no_workbook_are_an_error() {
        assert!(read_workbook(b"PK not really", Book::Xlsx).is_err());
        assert!(read_workbook(b"", Book::Ods).is_err());
        assert_eq!(Book::of(Path::new("a/B.XLSX")), Some(Book::Xlsx));
        assert_eq!(Book::of(Path::new("b.ods")), Some(Book::Ods));
        assert_eq!(Book::of(Path::new("c.csv")), None);
    }
}
