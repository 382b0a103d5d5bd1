//! Spreadsheet import: any bytes, as one CSV sheet beside fixed ones or as a whole
//! xlsx or ods workbook, give a scenario or a list of problems, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use symbio::scenario::sheets::read::{read_csv, read_workbook, Book};
use symbio::scenario::sheets::{import_sheets, ImportOptions, Sheet};

/// The sheets beside the fuzzed `outputs` sheet: a small district it may refer to.
const FIXED: [(&str, &str); 5] = [
    ("materials", "id,unit,kind\nslag,t,material\nclinker,t,material\n"),
    ("modes", "id,units,cost_per_unit_km\ntruck,t,0.1\n"),
    ("rules", "id,from,to,modes\nslag_for_clinker,slag,clinker,truck\n"),
    ("sites", "id,x_km,y_km\nsteel,0,0\ncement,10,0\n"),
    ("inputs", "site,id,material,quantity,price\ncement,clinker,clinker,60,40\n"),
];

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's panic hook aborts on every panic, even one caught: the
    // importer catches calamine's panics on damaged workbooks (see
    // `read_workbook`), so the standard hook is put back. A panic that is not
    // caught still ends the run as a crash.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| drop(std::panic::take_hook()));
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let sheets: Vec<Sheet> = match kind % 3 {
        0 => {
            let Ok(outputs) = read_csv("outputs", rest) else {
                return;
            };
            let mut sheets: Vec<Sheet> = FIXED
                .iter()
                .map(|(name, text)| read_csv(name, text.as_bytes()).expect("fixed sheet"))
                .collect();
            sheets.push(outputs);
            sheets
        }
        1 => match read_workbook(rest, Book::Xlsx) {
            Ok(s) => s,
            Err(_) => return,
        },
        _ => match read_workbook(rest, Book::Ods) {
            Ok(s) => s,
            Err(_) => return,
        },
    };
    let options = ImportOptions::default();
    match import_sheets(Path::new("fuzz.xlsx"), &sheets, Path::new("fuzz.toml"), &options) {
        // What is imported reads back as the same scenario.
        Ok(imported) => {
            let again = symbio::scenario::read_str(Path::new("fuzz.toml"), &imported.text)
                .expect("an imported scenario reads back");
            assert_eq!(again, imported.scenario);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
