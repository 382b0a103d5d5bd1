//! `symbio import` and `symbio export`: workbooks and CSV folders to scenarios and
//! back (docs/scenario-format.md, "Spreadsheets").

use std::path::{Path, PathBuf};

use symbio::domain::Scenario;
use symbio::scenario::sheets::{self, ImportOptions};
use symbio::{Error, Problem};

use crate::{Scratch, Symbio};

/// The district the workbook and the CSV files of these tests describe.
const DISTRICT: &str = r#"
[scenario]
name = "sheet district"
currency = "EUR"

[parameters]
carbon_price = 50.0
exchange_rates = { CNY = 0.13 }

[[materials]]
id = "slag"
unit = "t"
kind = "material"

[[materials]]
id = "clinker"
name = "Portland clinker"
unit = "t"
kind = "material"

[[materials]]
id = "steam"
unit = "t_steam"
kind = "energy"

[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.1
max_distance_km = 100.0

[[modes]]
id = "pipe"
units = ["t_steam", "t"]
loss_per_km = 0.001
capex_per_km = 1000.0
lifetime_years = 20.0

[[rules]]
id = "slag_for_clinker"
from = "slag"
to = "clinker"
ratio = 0.9
modes = ["truck", "pipe"]

[[rules]]
id = "steam_for_steam"
from = "steam"
to = "steam"
modes = ["pipe"]

[[sites]]
id = "steel"
x_km = 0.0
y_km = 0.0
outputs = [
  { id = "slag", material = "slag", quantity = 1000.0, disposal_cost = 5.0, source = "assumption" },
  { id = "steam", material = "steam", quantity = 500.0 },
]

[[sites]]
id = "cement"
sector = "cement"
x_km = 10.0
y_km = 0.0
inputs = [{ id = "clinker", material = "clinker", quantity = 600.0, price = 40.0, co2 = 0.8 }]

[[sites]]
id = "chem"
x_km = 3.0
y_km = 4.0
inputs = [{ id = "steam", material = "steam", quantity = 300.0, price = 20.0 }]

[[links]]
from_site = "steel"
from_output = "slag"
to_site = "cement"
to_input = "clinker"
mode = "truck"
status = "existing"
quantity = 100.0
"#;

/// A cell of a sheet written by a test.
#[derive(Clone, Copy)]
enum X {
    S(&'static str),
    N(f64),
    B(bool),
    E,
}

use X::{B, E, N, S};

type Rows = Vec<Vec<X>>;

/// The sheets of [`DISTRICT`], with cells of every kind: numbers, numbers typed
/// as text, booleans, lists, empty cells.
fn district_sheets() -> Vec<(&'static str, Rows)> {
    vec![
        (
            "scenario",
            vec![
                vec![S("name"), S("currency")],
                vec![S("sheet district"), S("EUR")],
            ],
        ),
        (
            "parameters",
            vec![
                vec![S("carbon_price"), S("exchange_rates.CNY")],
                vec![N(50.0), S("0.13")],
            ],
        ),
        (
            "materials",
            vec![
                vec![S("id"), S("name"), S("unit"), S("kind"), S("replace")],
                vec![S("slag"), E, S("t"), S("material"), B(false)],
                vec![
                    S("clinker"),
                    S("Portland clinker"),
                    S("t"),
                    S("material"),
                    E,
                ],
                vec![E, E, E, E, E],
                vec![S("steam"), E, S("t_steam"), S("energy"), E],
            ],
        ),
        (
            "modes",
            vec![
                vec![
                    S("id"),
                    S("units"),
                    S("cost_per_unit_km"),
                    S("max_distance_km"),
                    S("loss_per_km"),
                    S("capex_per_km"),
                    S("lifetime_years"),
                ],
                vec![S("truck"), S("t"), N(0.1), N(100.0), E, E, E],
                vec![
                    S("pipe"),
                    S("t_steam, t"),
                    E,
                    E,
                    N(0.001),
                    S("1000"),
                    N(20.0),
                ],
            ],
        ),
        (
            "rules",
            vec![
                vec![S("id"), S("from"), S("to"), S("ratio"), S("modes")],
                vec![
                    S("slag_for_clinker"),
                    S("slag"),
                    S("clinker"),
                    N(0.9),
                    S("truck,pipe"),
                ],
                vec![S("steam_for_steam"), S("steam"), S("steam"), E, S("pipe")],
            ],
        ),
        (
            "sites",
            vec![
                vec![S("id"), S("sector"), S("x_km"), S("y_km")],
                vec![S("steel"), E, N(0.0), N(0.0)],
                vec![S("cement"), S("cement"), N(10.0), S("0")],
                vec![S("chem"), E, N(3.0), N(4.0)],
            ],
        ),
        (
            "outputs",
            vec![
                vec![
                    S("site"),
                    S("id"),
                    S("material"),
                    S("quantity"),
                    S("disposal_cost"),
                    S("source"),
                ],
                vec![
                    S("steel"),
                    S("slag"),
                    S("slag"),
                    N(1000.0),
                    N(5.0),
                    S("assumption"),
                ],
                vec![S("steel"), S("steam"), S("steam"), S(" 500 "), E, E],
            ],
        ),
        (
            "inputs",
            vec![
                vec![
                    S("site"),
                    S("id"),
                    S("material"),
                    S("quantity"),
                    S("price"),
                    S("co2"),
                ],
                vec![S("chem"), S("steam"), S("steam"), N(300.0), N(20.0), E],
                vec![
                    S("cement"),
                    S("clinker"),
                    S("clinker"),
                    N(600.0),
                    N(40.0),
                    N(0.8),
                ],
            ],
        ),
        (
            "links",
            vec![
                vec![
                    S("from_site"),
                    S("from_output"),
                    S("to_site"),
                    S("to_input"),
                    S("mode"),
                    S("status"),
                    S("quantity"),
                ],
                vec![
                    S("steel"),
                    S("slag"),
                    S("cement"),
                    S("clinker"),
                    S("truck"),
                    S("existing"),
                    N(100.0),
                ],
            ],
        ),
    ]
}

/// Writes sheets as an xlsx workbook with rust_xlsxwriter; each sheet's rows
/// start at `origin` (0-based row, column).
fn write_xlsx(path: &Path, sheets: &[(&str, Rows)], origin: (u32, u16)) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (k, cell) in row.iter().enumerate() {
                let (r, k) = (origin.0 + r as u32, origin.1 + k as u16);
                match *cell {
                    S(t) => drop(ws.write_string(r, k, t).unwrap()),
                    N(v) => drop(ws.write_number(r, k, v).unwrap()),
                    B(b) => drop(ws.write_boolean(r, k, b).unwrap()),
                    E => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// Writes sheets as an ods workbook with spreadsheet-ods (a writer of the
/// OpenDocument format, as rust_xlsxwriter is of xlsx).
fn write_ods(path: &Path, sheets: &[(&str, Rows)]) {
    let mut book = spreadsheet_ods::WorkBook::new_empty();
    for (name, rows) in sheets {
        let mut sheet = spreadsheet_ods::Sheet::new(*name);
        for (r, row) in rows.iter().enumerate() {
            for (k, cell) in row.iter().enumerate() {
                let (r, k) = (r as u32, k as u32);
                match *cell {
                    S(t) => sheet.set_value(r, k, t),
                    N(v) => sheet.set_value(r, k, v),
                    B(b) => sheet.set_value(r, k, b),
                    E => {}
                }
            }
        }
        book.push_sheet(sheet);
    }
    spreadsheet_ods::write_ods(&mut book, path).unwrap();
}

/// Writes sheets as NAME.csv files in `dir`.
fn write_csv(dir: &Path, sheets: &[(&str, Rows)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, rows) in sheets {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_path(dir.join(format!("{name}.csv")))
            .unwrap();
        for row in rows {
            let texts: Vec<String> = row
                .iter()
                .map(|c| match *c {
                    S(t) => t.to_owned(),
                    N(v) => v.to_string(),
                    B(b) => b.to_string(),
                    E => String::new(),
                })
                .collect();
            w.write_record(&texts).unwrap();
        }
        w.flush().unwrap();
    }
}

/// A scenario with the places it was read from cleared, so that the same
/// scenario read from two files compares equal.
fn placeless(mut s: Scenario) -> Scenario {
    s.file = PathBuf::new();
    for l in &mut s.links {
        l.origin.file = std::sync::Arc::from(Path::new(""));
        l.origin.path.clear();
    }
    for o in s
        .profiles
        .iter_mut()
        .map(|p| &mut p.origin)
        .chain(s.stores.iter_mut().map(|st| &mut st.origin))
    {
        o.file = std::sync::Arc::from(Path::new(""));
        o.path.clear();
    }
    s
}

/// Imports `book` as `scratch/out.toml`.
fn import(book: &Path, scratch: &Scratch) -> Result<sheets::Imported, Error> {
    sheets::import(book, &scratch.path("out.toml"), &ImportOptions::default())
}

/// The problems of a failed import, as `PLACE: MESSAGE` lines.
#[track_caller]
fn problems(result: Result<sheets::Imported, Error>) -> Vec<String> {
    match result {
        Err(Error::Invalid(p)) => {
            p.0.iter()
                .map(|p: &Problem| format!("{}: {}", p.path, p.message))
                .collect()
        }
        Err(e) => panic!("not a list of problems: {e}"),
        Ok(i) => panic!("imported:\n{}", i.text),
    }
}

fn expected() -> Scenario {
    placeless(symbio::scenario::read_str(Path::new("district.toml"), DISTRICT).unwrap())
}

#[test]
fn a_workbook_made_with_rust_xlsxwriter_imports_as_the_same_scenario() {
    let s = Scratch::new();
    let book = s.path("district.xlsx");
    // The used range starts at B3, not A1: cells are still named as in the sheet.
    write_xlsx(&book, &district_sheets(), (2, 1));
    let imported = import(&book, &s).unwrap();
    assert_eq!(placeless(imported.scenario.clone()), expected());
    // The text written is a scenario like any other.
    let again = symbio::scenario::read_str(&s.path("out.toml"), &imported.text).unwrap();
    assert_eq!(placeless(again), expected());
    assert!(
        imported.text.contains("[[sites.outputs]]"),
        "{}",
        imported.text
    );
}

#[test]
fn an_ods_workbook_imports_as_the_same_scenario() {
    let s = Scratch::new();
    let book = s.path("district.ods");
    write_ods(&book, &district_sheets());
    let imported = import(&book, &s).unwrap();
    assert_eq!(placeless(imported.scenario), expected());
    // Its problems are named by cell too.
    let bad = s.path("bad.ods");
    let mut sheets = district_sheets();
    sheets[7].1[2][3] = S("-3");
    write_ods(&bad, &sheets);
    assert_eq!(
        problems(import(&bad, &s)),
        ["inputs!D3: quantity must be ≥ 0, got -3"]
    );
}

#[test]
fn csv_files_in_a_folder_import_as_the_same_scenario() {
    let s = Scratch::new();
    let dir = s.path("district");
    write_csv(&dir, &district_sheets());
    // Other files in the folder are not sheets.
    std::fs::write(dir.join("README.txt"), "notes").unwrap();
    let imported = import(&dir, &s).unwrap();
    assert_eq!(placeless(imported.scenario), expected());
}

#[test]
fn the_cli_writes_the_scenario_with_includes_relative_to_it() {
    let s = Scratch::new();
    let book = s.path("book.xlsx");
    // Materials, modes and rules come from the shipped catalog.
    let sheets: Vec<_> = district_sheets()
        .into_iter()
        .filter(|(n, _)| ["scenario", "sites"].contains(n))
        .chain([
            (
                "outputs",
                vec![
                    vec![S("site"), S("id"), S("material"), S("quantity")],
                    vec![S("steel"), S("gbfs"), S("gbfs"), N(1000.0)],
                ],
            ),
            (
                "inputs",
                vec![
                    vec![S("site"), S("id"), S("material"), S("quantity"), S("price")],
                    vec![S("cement"), S("clinker"), S("clinker"), N(600.0), N(60.0)],
                ],
            ),
        ])
        .collect();
    write_xlsx(&book, &sheets, (0, 0));
    let out = s.path("sub/district.toml");
    Symbio::new()
        .arg("import")
        .file_arg(&book)
        .args(["--include", "scenarios/catalog/default.toml", "-o"])
        .file_arg(&out)
        .run()
        .stderr_contains("1 outputs, 1 inputs");
    let text = crate::read_path(&out);
    let back = crate::path("scenarios/catalog/default.toml");
    // The include is the way from sub/ to the catalog, relative.
    let line = text.lines().find(|l| l.starts_with("include = ")).unwrap();
    let written: Vec<String> = toml::from_str::<toml::Table>(line).unwrap()["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(written.len(), 1, "{line}");
    assert!(Path::new(&written[0]).is_relative(), "{line}");
    let resolved = std::fs::canonicalize(out.parent().unwrap().join(&written[0])).unwrap();
    assert_eq!(resolved, std::fs::canonicalize(&back).unwrap());
    let plan = Symbio::new()
        .arg("solve")
        .file_arg(&out)
        .args(["--format", "json"])
        .run()
        .stdout_json();
    assert_eq!(plan["status"], "optimal");
    assert_eq!(plan["links"][0]["from_output"], "gbfs");
    // To stdout, the include is absolute.
    let run = Symbio::new()
        .arg("import")
        .file_arg(&book)
        .args(["--include", "scenarios/catalog/default.toml", "-o", "-"])
        .run();
    let abs = std::fs::canonicalize(&back).unwrap();
    run.stdout_contains(&format!("include = [{:?}]", abs.display().to_string()));
}

/// The district's sheets with one sheet's rows replaced.
fn with_sheet(name: &str, rows: Rows) -> Vec<(&'static str, Rows)> {
    district_sheets()
        .into_iter()
        .map(|(n, r)| if n == name { (n, rows.clone()) } else { (n, r) })
        .collect()
}

#[test]
fn every_problem_is_named_by_its_cell_all_at_once() {
    let s = Scratch::new();
    let mut sheets = with_sheet(
        "outputs",
        vec![
            vec![
                S("site"),
                S("id"),
                S("material"),
                S("quantity"),
                S("disposal_cots"),
            ],
            vec![S("steel"), S("slag"), S("slag"), N(-5.0), N(5.0)],
            vec![S("steel"), S("steam"), S("steam"), S("lots"), E],
            vec![S("steeel"), S("ash"), S("slag"), N(1.0), E],
        ],
    );
    let sites = vec![
        vec![S("id"), S("x_km"), S("y_km")],
        vec![S("steel"), N(0.0), N(0.0)],
        vec![S("cement"), N(10.0), N(0.0)],
        vec![S("chem"), N(3.0), N(4.0)],
        vec![S("cement"), N(1.0), N(1.0)],
        vec![S("bad site"), N(2.0), S("two")],
    ];
    sheets = sheets
        .into_iter()
        .map(|(n, r)| {
            if n == "sites" {
                (n, sites.clone())
            } else {
                (n, r)
            }
        })
        .collect();
    sheets.push(("notes", vec![vec![S("anything")]]));
    let book = s.path("bad.xlsx");
    write_xlsx(&book, &sheets, (0, 0));
    let found = problems(import(&book, &s));
    let want = [
        "notes: unknown sheet, expected one of `scenario`, `parameters`, `materials`, `modes`, `rules`, `sites`, `outputs`, `inputs`, `links`, `uncertainty`, `technologies`, `technology_inputs`, `technology_outputs`, `technology_sizes`, `plants`, `plant_groups`, `periods`, `profiles`, `stores`",
        "sites!C6: y_km must be a number, got \"two\"",
        "outputs!E1: unknown column `disposal_cots`, did you mean `disposal_cost`?",
        "outputs!D3: quantity must be a number, got \"lots\"",
        "outputs!A4: site: unknown site \"steeel\" (no row of the sheet `sites` has this id), did you mean `steel`?",
        "sites!A5: id: duplicate id, first defined at sites!A3",
        "sites!A6: id: ids may not contain '.', '/', '->', '@' or white space",
        "outputs!D2: quantity must be ≥ 0, got -5",
    ];
    for w in want {
        assert!(found.iter().any(|f| f == w), "no {w:?} in {found:#?}");
    }
    assert_eq!(found.len(), want.len(), "{found:#?}");

    // The same through the command line: exit 2, every problem on stderr.
    Symbio::new()
        .arg("import")
        .file_arg(&book)
        .expect_code(2)
        .run()
        .stderr_contains("8 problems")
        .stderr_contains("bad.xlsx: outputs!D2 (id \"slag\"): quantity must be ≥ 0, got -5");
}

#[test]
fn a_missing_sheet_or_column_is_named() {
    let s = Scratch::new();
    let dir = s.path("no-inputs");
    let sheets: Vec<_> = district_sheets()
        .into_iter()
        .filter(|(n, _)| !["inputs", "links"].contains(n))
        .collect();
    write_csv(&dir, &sheets);
    let found = problems(import(&dir, &s));
    assert_eq!(
        found,
        ["inputs: no sheet `inputs` (in a folder, no file inputs.csv); the sheets sites, outputs and inputs are required"]
    );

    let dir = s.path("no-quantity");
    write_csv(
        &dir,
        &with_sheet(
            "inputs",
            vec![
                vec![S("site"), S("id"), S("material"), S("price")],
                vec![S("chem"), S("steam"), S("steam"), N(20.0)],
                vec![S("cement"), S("clinker"), S("clinker"), N(40.0)],
            ],
        ),
    );
    let found = problems(import(&dir, &s));
    assert_eq!(
        found,
        ["inputs: missing the column `quantity`, which is required"],
        "the column is named once, not once per row"
    );

    // An empty required cell is named by its cell.
    let dir = s.path("empty-quantity");
    write_csv(
        &dir,
        &with_sheet(
            "inputs",
            vec![
                vec![S("site"), S("id"), S("material"), S("quantity")],
                vec![S("chem"), S("steam"), S("steam"), E],
                vec![S("cement"), S("clinker"), S("clinker"), N(600.0)],
            ],
        ),
    );
    let found = problems(import(&dir, &s));
    assert_eq!(
        found,
        ["inputs!D2: quantity must be given (the cell is empty)"]
    );
}

#[test]
fn problems_of_the_scenario_as_a_whole_name_their_sheet() {
    let s = Scratch::new();
    let dir = s.path("no-currency");
    write_csv(
        &dir,
        &with_sheet("scenario", vec![vec![S("name")], vec![S("x")]]),
    );
    let found = problems(import(&dir, &s));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("scenario row 2: currency: missing"),
        "{found:?}"
    );
}

/// The objective and the chosen links of a scenario's optimum.
fn optimum(s: &Scenario) -> (f64, Vec<String>) {
    let plan = symbio::solve(s, &symbio::SolveOptions::default()).unwrap();
    let mut keys: Vec<String> = plan.links.iter().map(|l| l.key.to_string()).collect();
    keys.sort();
    (plan.objective.unwrap(), keys)
}

#[test]
fn shipped_scenarios_export_and_import_back_to_the_same_scenario_and_optimum() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate::path("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let loaded = symbio::scenario::load::load(&file).unwrap();
        let scenario = symbio::scenario::validate::validate(&loaded).unwrap();
        let book = sheets::export(&loaded, &scenario).unwrap();
        let s = Scratch::new();
        sheets::write_xlsx(&s.path("book.xlsx"), &book, &[], false).unwrap();
        sheets::write_csv(&s.path("book"), &book, &[], false).unwrap();
        let want = optimum(&scenario);
        for exported in ["book.xlsx", "book"] {
            let imported = import(&s.path(exported), &s)
                .unwrap_or_else(|e| panic!("{} as {exported}: {e}", file.display()));
            assert_eq!(
                placeless(imported.scenario.clone()),
                placeless(scenario.clone()),
                "{} as {exported}",
                file.display()
            );
            let got = optimum(&imported.scenario);
            assert_eq!(got.0, want.0, "{} as {exported}", file.display());
            assert_eq!(got.1, want.1, "{} as {exported}", file.display());
        }
    }
}

#[test]
fn periods_profiles_and_stores_export_and_import_back() {
    let file = crate::path("tests/data/periods.toml");
    let loaded = symbio::scenario::load::load(&file).unwrap();
    let scenario = symbio::scenario::validate::validate(&loaded).unwrap();
    let book = sheets::export(&loaded, &scenario).unwrap();
    let header = |name: &str| -> Vec<String> {
        let sheet = book.iter().find(|s| s.name == name).unwrap();
        sheet.rows[0]
            .iter()
            .map(|c| match c {
                sheets::Cell::Text(t) => t.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    // One column per period of each table of the profiles, after the fields.
    assert_eq!(
        header("profiles"),
        [
            "site",
            "output",
            "input",
            "source",
            "factors.summer",
            "factors.winter",
            "quantities.summer",
            "quantities.winter",
            "prices.summer",
            "prices.winter"
        ]
    );
    assert_eq!(header("periods")[..4], ["id", "name", "share", "hours"]);
    assert!(header("stores").contains(&"loss_per_period".to_owned()));
    let s = Scratch::new();
    sheets::write_xlsx(&s.path("book.xlsx"), &book, &[], false).unwrap();
    sheets::write_csv(&s.path("book"), &book, &[], false).unwrap();
    for exported in ["book.xlsx", "book"] {
        let imported = import(&s.path(exported), &s)
            .unwrap_or_else(|e| panic!("periods.toml as {exported}: {e}"));
        assert_eq!(
            placeless(imported.scenario.clone()),
            placeless(scenario.clone()),
            "periods.toml as {exported}"
        );
        assert!(imported.text.contains("[[profiles]]"), "{}", imported.text);
    }
    // A bad factor is named by its cell: factors.winter (column F) of the
    // town's heat, the first profile (row 2).
    let csv = s.path("book").join("profiles.csv");
    let text = crate::read_path(&csv);
    let town = text.lines().find(|l| l.starts_with("town,")).unwrap();
    let bad = town.replacen(",3,", ",-3,", 1);
    assert_ne!(bad, town);
    std::fs::write(&csv, text.replace(town, &bad)).unwrap();
    let found = problems(import(&s.path("book"), &s));
    assert_eq!(
        found,
        ["profiles!F2: factors.winter must be ≥ 0, got -3"],
        "{text}"
    );
}

#[test]
fn the_cli_exports_a_scenario_that_imports_back() {
    let s = Scratch::new();
    let book = s.path("ulsan.xlsx");
    Symbio::new()
        .args(["export", "scenarios/ulsan-steam.toml", "--to", "xlsx", "-o"])
        .file_arg(&book)
        .run()
        .stderr_contains("10 sheets");
    let dir = s.path("ulsan");
    Symbio::new()
        .args([
            "export",
            "scenarios/ulsan-steam.toml",
            "--to",
            "csv",
            "-q",
            "-o",
        ])
        .file_arg(&dir)
        .run();
    let header = crate::read_path(&dir.join("outputs.csv"));
    assert!(header.starts_with("site,id,material,quantity,"), "{header}");
    let a = Symbio::new().arg("import").file_arg(&book).run().stdout;
    let b = Symbio::new().arg("import").file_arg(&dir).run().stdout;
    assert_eq!(a, b);
    let out = s.write("ulsan.toml", &a);
    let solved = |f: &Path| {
        Symbio::new()
            .arg("solve")
            .file_arg(f)
            .args(["--format", "json"])
            .run()
            .stdout_json()
    };
    let (x, y) = (
        solved(&crate::path("scenarios/ulsan-steam.toml")),
        solved(&out),
    );
    assert_eq!(x["objective"], y["objective"]);
    assert_eq!(x["links"], y["links"]);
    // Export writes files: stdout is refused.
    Symbio::new()
        .args(["export", "scenarios/ulsan-steam.toml", "--to", "csv"])
        .expect_code(2)
        .run()
        .stderr_contains("give -o OUT");
}

/// A workbook whose cell names a shared string past the table (found by the
/// `import` fuzz target): calamine 0.30 panics on it; import reports it instead.
#[test]
fn regression_damaged_shared_string_index_is_a_problem_not_a_panic() {
    let book = crate::path("tests/data/damaged-shared-string.xlsx");
    let run = Symbio::new()
        .arg("import")
        .file_arg(&book)
        .expect_code(2)
        .run();
    run.stderr_contains(
        "damaged-shared-string.xlsx: damaged workbook: the xlsx reader failed on it",
    );
}

/// A sheet's name as people write it: capitalised.
fn capitalised(name: &str) -> &'static str {
    match name {
        "scenario" => "Scenario",
        "parameters" => "Parameters",
        "materials" => "Materials",
        "modes" => "Modes",
        "rules" => "Rules",
        "sites" => "Sites",
        "outputs" => "Outputs",
        "inputs" => "Inputs",
        "links" => "Links",
        "uncertainty" => "Uncertainty",
        other => panic!("no sheet {other}"),
    }
}

#[test]
fn sheets_as_people_make_them_import_as_the_same_scenario() {
    let s = Scratch::new();
    let book = s.path("district.xlsx");
    let sheets: Vec<(&'static str, Rows)> = district_sheets()
        .into_iter()
        .map(|(name, mut rows)| {
            // Headers in words, capitalised, quantities with their unit.
            for cell in &mut rows[0] {
                if let S(h) = cell {
                    if !h.contains('.') {
                        let words = h.replace('_', " ");
                        let mut c = words.chars();
                        let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or(' ');
                        let mut text = format!("{first}{}", c.as_str());
                        if text == "Quantity" {
                            text.push_str(" (t/yr)");
                        }
                        // The cells hold `&'static str`: this test's few are leaked.
                        *h = Box::leak(text.into_boxed_str());
                    }
                }
            }
            // An id typed with a space after it.
            if name == "sites" {
                if let S(id) = &mut rows[1][0] {
                    *id = Box::leak(format!("{id} ").into_boxed_str());
                }
            }
            (capitalised(name), rows)
        })
        .collect();
    write_xlsx(&book, &sheets, (0, 0));
    let imported = import(&book, &s).unwrap();
    assert_eq!(placeless(imported.scenario.clone()), expected());
    let warnings: Vec<String> = imported
        .warnings
        .iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("sites!A2: id \"") && warnings[0].contains("has spaces around it"),
        "{warnings:?}"
    );
    // The command says so on stderr, and writes the scenario.
    let out = s.path("district.toml");
    Symbio::new()
        .arg("import")
        .file_arg(&book)
        .arg("-o")
        .file_arg(&out)
        .run()
        .stderr_contains("warning: ")
        .stderr_contains("sites!A2");
    assert!(out.exists());
}
