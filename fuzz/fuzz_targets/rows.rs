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

/// The Monte Carlo fixture of the tests: a small scenario with `[[uncertainty]]`.
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/montecarlo.toml");

fn loaded() -> &'static Loaded {
    static L: OnceLock<Loaded> = OnceLock::new();
    L.get_or_init(|| load::load(Path::new(SCENARIO)).expect("fixture loads"))
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
