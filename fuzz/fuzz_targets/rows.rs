//! Row files read back: merging, Monte Carlo summaries from rows and resuming a
//! sweep. Any bytes give rows or an error naming the file, never a panic. The
//! rows get the fingerprint file of the run that reads them (so that the rows
//! themselves are read), unless the input's first byte is odd (then none, or a
//! mangled one when it is also 3 mod 4).
#![no_main]

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use symbio::analysis::batch::{self, Batch, Destination, Format, RunOptions};
use symbio::analysis::montecarlo::MonteCarloRun;
use symbio::analysis::sweep::{Axis, Sweep};
use symbio::scenario::load::{self, Loaded};

/// The Monte Carlo fixture of the tests: a small scenario with `[[uncertainty]]`.
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/montecarlo.toml");

fn loaded() -> &'static Loaded {
    static L: OnceLock<Loaded> = OnceLock::new();
    L.get_or_init(|| load::load(Path::new(SCENARIO)).expect("fixture loads"))
}

/// Writes `data` as rows at `file` with the fingerprint file `fingerprint`
/// says, as the first byte of `data` chooses (see the module doc).
fn write_rows(file: &Path, data: &[u8], fingerprint: &batch::Fingerprint, format: Format) {
    std::fs::write(file, data).expect("write rows");
    let side = batch::fingerprint_path(file);
    match data.first().copied().unwrap_or(0) % 4 {
        1 => {}
        3 => std::fs::write(side, &data[..data.len() / 2]).expect("write fingerprint"),
        _ => std::fs::write(side, fingerprint.file_text(format)).expect("write fingerprint"),
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let mc = MonteCarloRun::new(loaded(), 0, symbio::SolveOptions::default()).expect("fixture");
    let samples = data.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    let rows = dir.path().join("rows.jsonl");
    write_rows(&rows, data, &mc.fingerprint(samples), Format::JsonLines);
    let _ = batch::merge(std::slice::from_ref(&rows));
    if let Ok(r) = mc.read_rows(&rows, None) {
        let _ = mc.summarise(&r);
    }
    let axis = Axis {
        path: "parameters.carbon_price".into(),
        values: vec![0.0, 10.0, 20.0],
    };
    let sweep = Sweep::new(loaded().clone(), vec![axis], symbio::SolveOptions::default())
        .expect("fixture sweep");
    for (format, name) in [(Format::JsonLines, "sweep.jsonl"), (Format::Csv, "sweep.csv")] {
        let file = dir.path().join(name);
        write_rows(&file, data, &sweep.fingerprint(), format);
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
