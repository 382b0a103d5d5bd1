//! symbio's integration tests, built as one test binary.

mod breakeven;
mod cases;
mod cli;
mod compare;
mod decompose;
mod hand;
mod montecarlo;
mod oracle;
mod pareto;
mod properties;
mod shipped;
mod sweep;
mod validation;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Output of one run of the `symbio` binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `symbio` binary with arguments, from the repository root.
pub fn symbio(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_symbio"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the symbio binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// Writes a scenario into a temporary directory and returns the directory and file path.
pub fn scenario_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write scenario");
    (dir, p)
}

/// Asserts two floats agree within a relative tolerance (and a small absolute one).
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, rel: f64) {
    let tol = rel * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "expected {expected}, got {actual} (tolerance {tol})"
    );
}

/// Reads a file relative to the repository root.
pub fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(&path(rel))).expect("read file")
}
