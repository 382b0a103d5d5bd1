//! Row files read back: merging, Monte Carlo summaries from rows and resuming a
//! sweep. Any bytes give rows or an error naming the file, never a panic.
#![no_main]

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use symbio::analysis::batch::{self, Destination, Format, RunOptions};
use symbio::analysis::montecarlo::MonteCarloRun;
use symbio::analysis::sweep::{Axis, Sweep};
use symbio::scenario::load::{self, Loaded};

/// A two-site scenario with an uncertain carbon price: its sweep has 3 points.
const SCENARIO: &str = r#"
[scenario]
name = "fuzz"
currency = "EUR"
[[materials]]
id = "slag"
unit = "t"
kind = "material"
[[materials]]
id = "clinker"
unit = "t"
kind = "material"
[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.1
[[rules]]
id = "slag_for_clinker"
from = "slag"
to = "clinker"
modes = ["truck"]
[[sites]]
id = "steel"
x_km = 0.0
y_km = 0.0
outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 5.0 }]
[[sites]]
id = "cement"
x_km = 10.0
y_km = 0.0
inputs = [{ id = "clinker", material = "clinker", quantity = 60.0, price = 40.0 }]
[[uncertainty]]
path = "parameters.carbon_price"
distribution = "uniform"
min = 0.0
max = 50.0
"#;

fn loaded() -> &'static Loaded {
    static L: OnceLock<Loaded> = OnceLock::new();
    L.get_or_init(|| load::load_str(Path::new("fuzz.toml"), SCENARIO).expect("fixture loads"))
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows = dir.path().join("rows.jsonl");
    std::fs::write(&rows, data).expect("write rows");
    let _ = batch::merge(std::slice::from_ref(&rows));
    let mc = MonteCarloRun::new(loaded(), 0, symbio::SolveOptions::default()).expect("fixture");
    if let Ok(r) = mc.read_rows(&rows, None) {
        let _ = mc.summarise(&r);
    }
    let axis = Axis {
        path: "parameters.carbon_price".into(),
        values: vec![0.0, 10.0, 20.0],
    };
    let sweep = Sweep::new(loaded().clone(), vec![axis], symbio::SolveOptions::default())
        .expect("fixture sweep");
    for (format, name) in [(Format::JsonLines, "rows.jsonl"), (Format::Csv, "rows.csv")] {
        let file = dir.path().join(name);
        std::fs::write(&file, data).expect("write rows");
        let stop = AtomicBool::new(false);
        let options = RunOptions {
            threads: 1,
            format,
            shard: None,
            stop: &stop,
            writing: None,
        };
        let destination = Destination::File {
            path: &file,
            resume: true,
        };
        if batch::run_batch(&sweep, destination, &options, |_| {}).is_ok() {
            // A resumed run is complete and sorted: merging it changes nothing.
            let merged = batch::merge(std::slice::from_ref(&file)).expect("a finished run merges");
            assert_eq!(merged.rows, 3);
        }
    }
});
