//! Writing results: to stdout, or atomically to a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use symbio::files::Kind;

/// Refuses to write `writes` at `path` when it is one of `inputs`, or holds a
/// scenario, a workbook or rows and `writes` is another kind (unless `force`):
/// the one check of every output of the command line
/// ([`symbio::files::check_output`]).
pub fn check(
    path: &Path,
    inputs: &[PathBuf],
    writes: Kind,
    force: bool,
) -> Result<(), super::CliError> {
    Ok(symbio::files::check_output(path, inputs, writes, force)?)
}

/// Writes `text` to the file if one is given, else to stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), symbio::Error> {
    match output {
        Some(p) => Ok(symbio::files::write_atomic(p, text)?),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

/// Pretty JSON with a final newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("\"{e}\""));
    s.push('\n');
    s
}
