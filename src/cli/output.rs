//! Writing results: to stdout, or atomically to a file.

use std::io::Write;
use std::path::Path;

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
