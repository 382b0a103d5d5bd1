//! Writing results: to stdout, or atomically to a file.

use std::io::Write;
use std::path::Path;

use super::Outcome;

/// Writes `text` to `path` whole or not at all: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), symbio::Error> {
    let io = |source| symbio::Error::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Writes `text` to the file if one is given, else to stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), symbio::Error> {
    match output {
        Some(p) => write_atomic(p, text),
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

/// Prints a JSON value to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<Outcome, symbio::Error> {
    emit(None, &to_json(value))?;
    Ok(Outcome::Done)
}
