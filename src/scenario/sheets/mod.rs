//! Scenarios as spreadsheets: one sheet (or one `NAME.csv` file) per section of the
//! scenario file, one row per item, one column per field (docs/scenario-format.md,
//! "Spreadsheets").
//!
//! [`read`] turns a workbook (xlsx or ods, through calamine) or a folder of CSV
//! files into [`Sheet`]s of [`Cell`]s; [`import()`] turns sheets into a scenario file
//! and validates it like any other, naming each problem by its cell
//! (`outputs!C7`); [`export()`] writes a merged scenario back as sheets, an xlsx
//! workbook (rust_xlsxwriter) or CSV texts. The layout of every sheet, which
//! columns it has and what each holds, is [`LAYOUT`], the one description both
//! directions read.
//!
//! ```
//! use std::path::Path;
//! use symbio::scenario::sheets::{self, read::read_csv, ImportOptions};
//! let sheet = |name, text: &str| read_csv(name, text.as_bytes()).unwrap();
//! let mut book = vec![
//!     sheet("scenario", "name,currency\ntwo plants,EUR\n"),
//!     sheet("materials", "id,unit,kind\nslag,t,material\nclinker,t,material\n"),
//!     sheet("modes", "id,units,cost_per_unit_km\ntruck,t,0.1\n"),
//!     sheet("rules", "id,from,to,modes\nslag_for_clinker,slag,clinker,truck\n"),
//!     sheet("sites", "id,x_km,y_km\nsteel,0,0\ncement,10,0\n"),
//!     sheet("outputs", "site,id,material,quantity,disposal_cost\nsteel,slag,slag,100,5\n"),
//!     sheet("inputs", "site,id,material,quantity,price\ncement,clinker,clinker,-60,40\n"),
//! ];
//! let (name, written_as) = (Path::new("book"), Path::new("two.toml"));
//! let options = ImportOptions::default();
//! let err = sheets::import_sheets(name, &book, written_as, &options).unwrap_err();
//! assert!(err
//!     .to_string()
//!     .contains("book: inputs!D2 (id \"clinker\"): quantity must be ≥ 0, got -60"));
//!
//! book[6] = sheet("inputs", "site,id,material,quantity,price\ncement,clinker,clinker,60,40\n");
//! let imported = sheets::import_sheets(name, &book, written_as, &options)?;
//! assert_eq!(imported.scenario.inputs[0].quantity, 60.0);
//! assert!(imported.text.contains("[[sites.inputs]]"));
//! # Ok::<(), symbio::Error>(())
//! ```

pub mod export;
pub mod import;
pub mod read;

pub use export::{export, to_csv, to_xlsx, write_csv, write_xlsx};
pub use import::{import, import_sheets, ImportOptions, Imported};

/// What a cell of a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text; a number cell is read as its text (`12` for an id typed as a number).
    Text,
    /// A number; text that reads as a number is accepted.
    Number,
    /// `true` or `false`.
    Bool,
    /// A list of texts in one cell, separated by commas (`truck, rail`).
    List,
}

/// One column of a sheet: a field of the scenario file's item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header, the field's name in the scenario file.
    pub name: &'static str,
    /// What its cells hold.
    pub kind: Kind,
    /// Whether a sheet must have the column (the field has no default).
    pub required: bool,
}

/// The layout of one sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Sheet name (or CSV file stem): the section of the scenario file.
    pub name: &'static str,
    /// Whether a workbook must have the sheet.
    pub required: bool,
    /// Whether the sheet is one table (`[scenario]`, `[parameters]`): one row of
    /// values under the header, rather than one row per item.
    pub single: bool,
    /// Its columns, in the order export writes them.
    pub columns: &'static [Column],
    /// Columns that name a key of a table field, dotted as the field path is
    /// (`exchange_rates.EUR`, `factors.winter`): each such field and what its
    /// values are.
    pub keyed: &'static [(&'static str, Kind)],
}

impl Layout {
    /// The column of a header, when the sheet has one of that name.
    pub fn column(&self, header: &str) -> Option<Column> {
        for &(field, kind) in self.keyed {
            let key = header.strip_prefix(field).and_then(|r| r.strip_prefix('.'));
            if key.is_some_and(|k| !k.is_empty()) {
                return Some(Column {
                    name: field,
                    kind,
                    required: false,
                });
            }
        }
        self.columns.iter().copied().find(|c| c.name == header)
    }
}

const fn col(name: &'static str, kind: Kind, required: bool) -> Column {
    Column {
        name,
        kind,
        required,
    }
}

use Kind::{Bool, List, Number, Text};

/// The column `site` of the `outputs` and `inputs` sheets: the site a stream belongs to.
pub const SITE: &str = "site";

/// The column `technology` of the sheets of a technology's inputs, outputs and sizes.
pub const TECHNOLOGY: &str = "technology";

/// A sheet whose rows are items of a list field of another sheet's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nested {
    /// The sheet.
    pub sheet: &'static str,
    /// The sheet of the items it belongs to.
    pub parent: &'static str,
    /// The column that names the parent item by its id.
    pub key: &'static str,
    /// The parent's list field its rows are items of.
    pub field: &'static str,
}

/// The sheets of nested items.
pub const NESTED: [Nested; 5] = [
    Nested {
        sheet: "outputs",
        parent: "sites",
        key: SITE,
        field: "outputs",
    },
    Nested {
        sheet: "inputs",
        parent: "sites",
        key: SITE,
        field: "inputs",
    },
    Nested {
        sheet: "technology_inputs",
        parent: "technologies",
        key: TECHNOLOGY,
        field: "inputs",
    },
    Nested {
        sheet: "technology_outputs",
        parent: "technologies",
        key: TECHNOLOGY,
        field: "outputs",
    },
    Nested {
        sheet: "technology_sizes",
        parent: "technologies",
        key: TECHNOLOGY,
        field: "sizes",
    },
];

/// The nesting of a sheet, when its rows are items of another sheet's items.
pub fn nested(sheet: &str) -> Option<Nested> {
    NESTED.into_iter().find(|n| n.sheet == sheet)
}

/// Every sheet, in the order export writes them.
pub const LAYOUT: &[Layout] = &[
    Layout {
        name: "scenario",
        required: false,
        single: true,
        columns: &[
            col("name", Text, false),
            col("currency", Text, false),
            col("description", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "parameters",
        required: false,
        single: true,
        columns: &[
            col("carbon_price", Number, false),
            col("discount_rate", Number, false),
            col("energy_price", Number, false),
            col("circuity", Number, false),
            col("transport_paid_by", Text, false),
            col("processing_paid_by", Text, false),
            col("source", Text, false),
        ],
        keyed: &[("exchange_rates", Number)],
    },
    Layout {
        name: "materials",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col("unit", Text, true),
            col("kind", Text, true),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "modes",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col("units", List, true),
            col("cost_per_unit_km", Number, false),
            col("energy_per_unit_km", Number, false),
            col("co2_per_unit_km", Number, false),
            col("loss_per_km", Number, false),
            col("max_distance_km", Number, false),
            col("fixed_cost_per_year", Number, false),
            col("capex_per_km", Number, false),
            col("lifetime_years", Number, false),
            col("capacity", Number, false),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "rules",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("from", Text, true),
            col("to", Text, true),
            col("ratio", Number, false),
            col("max_share", Number, false),
            col("processing_cost", Number, false),
            col("processing_co2", Number, false),
            col("modes", List, true),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "sites",
        required: true,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col("sector", Text, false),
            col("lat", Number, false),
            col("lon", Number, false),
            col("x_km", Number, false),
            col("y_km", Number, false),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "outputs",
        required: true,
        single: false,
        columns: &[
            col(SITE, Text, true),
            col("id", Text, true),
            col("material", Text, true),
            col("quantity", Number, true),
            col("disposal_cost", Number, false),
            col("disposal_co2", Number, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "inputs",
        required: true,
        single: false,
        columns: &[
            col(SITE, Text, true),
            col("id", Text, true),
            col("material", Text, true),
            col("quantity", Number, true),
            col("price", Number, false),
            col("co2", Number, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "links",
        required: false,
        single: false,
        columns: &[
            col("from_site", Text, true),
            col("from_output", Text, true),
            col("to_site", Text, true),
            col("to_input", Text, true),
            col("mode", Text, false),
            col("status", Text, false),
            col("distance_km", Number, false),
            col("transport_cost_per_unit", Number, false),
            col("fixed_cost_per_year", Number, false),
            col("capex", Number, false),
            col("capacity", Number, false),
            col("quantity", Number, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "uncertainty",
        required: false,
        single: false,
        columns: &[
            col("path", Text, true),
            col("distribution", Text, true),
            col("min", Number, false),
            col("mode", Number, false),
            col("max", Number, false),
            col("mean", Number, false),
            col("sd", Number, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "technologies",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col("operating_cost", Number, false),
            col("energy_per_unit", Number, false),
            col("co2_per_unit", Number, false),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "technology_inputs",
        required: false,
        single: false,
        columns: &[
            col(TECHNOLOGY, Text, true),
            col("material", Text, true),
            col("min_share", Number, false),
            col("max_share", Number, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "technology_outputs",
        required: false,
        single: false,
        columns: &[
            col(TECHNOLOGY, Text, true),
            col("material", Text, true),
            col("yield", Number, true),
            col("disposal_cost", Number, false),
            col("disposal_co2", Number, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "technology_sizes",
        required: false,
        single: false,
        columns: &[
            col(TECHNOLOGY, Text, true),
            col("id", Text, true),
            col("capacity", Number, true),
            col("fixed_cost_per_year", Number, false),
            col("capex", Number, false),
            col("lifetime_years", Number, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "plants",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col(TECHNOLOGY, Text, true),
            col("site", Text, false),
            col("lat", Number, false),
            col("lon", Number, false),
            col("x_km", Number, false),
            col("y_km", Number, false),
            col("status", Text, false),
            col("size", Text, false),
            col("operator", Text, false),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "plant_groups",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("plants", List, false),
            col(TECHNOLOGY, Text, false),
            col("max_open", Number, false),
            col("min_open", Number, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "periods",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col("share", Number, false),
            col("hours", Number, false),
            col("energy_price", Number, false),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
    Layout {
        name: "profiles",
        required: false,
        single: false,
        columns: &[
            col("site", Text, true),
            col("output", Text, false),
            col("input", Text, false),
            col("source", Text, false),
        ],
        keyed: &[
            ("factors", Number),
            ("quantities", Number),
            ("prices", Number),
        ],
    },
    Layout {
        name: "stores",
        required: false,
        single: false,
        columns: &[
            col("id", Text, true),
            col("name", Text, false),
            col("site", Text, false),
            col("plant", Text, false),
            col("material", Text, true),
            col("capacity", Number, false),
            col("max_charge", Number, false),
            col("max_discharge", Number, false),
            col("loss_per_period", Number, false),
            col("cost_per_unit_charged", Number, false),
            col("status", Text, false),
            col("capex", Number, false),
            col("lifetime_years", Number, false),
            col("fixed_cost_per_year", Number, false),
            col("replace", Bool, false),
            col("source", Text, false),
        ],
        keyed: &[],
    },
];

/// The layout of a sheet by its name, in any case and with spaces around it
/// (`Sites` is `sites`).
pub fn layout(name: &str) -> Option<&'static Layout> {
    let name = name.trim();
    LAYOUT.iter().find(|l| l.name.eq_ignore_ascii_case(name))
}

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing: the field is absent.
    Empty,
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A value no field takes (a date, an error such as `#DIV/0!`), in words.
    Other(String),
}

impl Cell {
    /// Whether the cell says nothing: empty, or only white space.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// One sheet of a workbook, or one CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Its name (a CSV file's stem).
    pub name: String,
    /// Row and column (0-based) of `rows[0][0]` in the sheet: a workbook's used
    /// range need not start at A1.
    pub origin: (usize, usize),
    /// The rows, the first of them the header.
    pub rows: Vec<Vec<Cell>>,
}

/// The name of a cell (`C7`) from its 0-based row and column.
pub fn cell_name(row: usize, column: usize) -> String {
    format!("{}{}", column_name(column), row + 1)
}

/// The letters of a 0-based column: A, ..., Z, AA, AB, ...
pub fn column_name(column: usize) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 2), "C7");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    /// The properties of a definition of the JSON Schema of scenario files.
    fn properties(schema: &serde_json::Value, def: &str) -> Vec<String> {
        let props = if def == "ScenarioFile" {
            &schema["properties"]
        } else {
            &schema["$defs"][def]["properties"]
        };
        let mut names: Vec<String> = props
            .as_object()
            .unwrap_or_else(|| panic!("no definition {def}"))
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_field_of_the_schema_has_its_column() {
        let schema = crate::scenario::json_schema();
        let cases = [
            ("scenario", "ScenarioHeader", &["include"][..]),
            ("parameters", "ParametersFile", &[][..]),
            ("materials", "MaterialFile", &[][..]),
            ("modes", "ModeFile", &[][..]),
            ("rules", "RuleFile", &[][..]),
            ("sites", "SiteFile", &["outputs", "inputs"][..]),
            ("outputs", "OutputFile", &[][..]),
            ("inputs", "InputFile", &[][..]),
            ("links", "LinkFile", &[][..]),
            ("uncertainty", "UncertaintyFile", &[][..]),
            (
                "technologies",
                "TechnologyFile",
                &["inputs", "outputs", "sizes"][..],
            ),
            ("technology_inputs", "TechnologyInputFile", &[][..]),
            ("technology_outputs", "TechnologyOutputFile", &[][..]),
            ("technology_sizes", "SizeFile", &[][..]),
            ("plants", "PlantFile", &[][..]),
            ("plant_groups", "PlantGroupFile", &[][..]),
            ("periods", "PeriodFile", &[][..]),
            ("profiles", "ProfileFile", &[][..]),
            ("stores", "StoreFile", &[][..]),
        ];
        for (sheet, def, elsewhere) in cases {
            let l = layout(sheet).unwrap();
            // The key column of a nested sheet is no field of its items.
            let key = nested(sheet).map(|n| n.key);
            let mut columns: Vec<String> = l
                .columns
                .iter()
                .map(|c| c.name)
                .filter(|n| Some(*n) != key)
                .chain(l.keyed.iter().map(|&(f, _)| f))
                .chain(elsewhere.iter().copied())
                .map(str::to_owned)
                .collect();
            columns.sort();
            assert_eq!(columns, properties(&schema, def), "sheet {sheet}");
        }
        let mut sections: Vec<&str> = LAYOUT
            .iter()
            .map(|l| l.name)
            .filter(|n| nested(n).is_none())
            .collect();
        sections.sort_unstable();
        assert_eq!(sections, properties(&schema, "ScenarioFile"));
    }

    #[test]
    fn keyed_columns_name_a_key() {
        let p = layout("parameters").unwrap();
        assert_eq!(
            p.column("exchange_rates.EUR").unwrap().name,
            "exchange_rates"
        );
        assert!(p.column("exchange_rates.").is_none());
        assert!(p.column("exchange_rates").is_none());
        assert_eq!(p.column("circuity").unwrap().kind, Kind::Number);
        let profiles = layout("profiles").unwrap();
        for field in ["factors", "quantities", "prices"] {
            let header = format!("{field}.winter");
            assert_eq!(profiles.column(&header).unwrap().name, field);
        }
        assert!(profiles.column("shares.winter").is_none());
    }
}
