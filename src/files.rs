//! Writing outputs: whole or not at all, and by one writer at a time.
//!
//! Every writer of an output holds the output's lock while it writes: an
//! exclusive advisory lock (`flock`) on the file `.NAME.lock` beside it
//! (`OutputLock`). A second writer of the same output fails at once with
//! [`Error::Busy`]. The lock file is removed when the writer is done; one left by
//! a killed run holds no lock (the system releases it with the process) and is
//! reused.
//!
//! An output is resolved through symbolic links first: the link's target is
//! written, the link stays. An output that exists and is not a regular file (a
//! device such as `/dev/null`, a fifo) is written directly, without a lock or a
//! temporary file: nothing must ever be renamed over it.
//!
//! A regular file is replaced by writing a temporary file `.NAME.PID.tmp` beside it
//! and renaming it over the output, keeping the output's permission mode. The
//! temporary files a killed run left behind are removed by the next run that
//! writes the same output: once it holds the lock no other run writes that output,
//! so every `.NAME.*.tmp` file but its own is a leftover.
//!
//! Before anything is written, [`check_output`] refuses an output that is one of
//! the run's own inputs (compared as files: through links, `./`, hard links), or
//! that holds a scenario, a workbook or rows ([`kind_of`], by content) when
//! another kind would be written, unless the caller forces it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The [`Error::Io`] of a file, for `map_err`.
pub(crate) fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Symbolic links followed at most (as the system does).
const MAX_LINKS: usize = 40;

/// The file an output path names: `path` with every symbolic link followed (the
/// last target need not exist).
pub fn resolve(path: &Path) -> Result<PathBuf, Error> {
    let mut p = path.to_owned();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p).map_err(io_error(path))?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io_error(path)(std::io::Error::other(
        "too many levels of symbolic links",
    )))
}

/// What the name of a rows file's fingerprint file adds to the rows file's name.
pub const FINGERPRINT_SUFFIX: &str = ".symbio";

/// The fingerprint file of the rows file `rows` (see
/// `analysis::batch::Fingerprint`): `NAME.symbio` beside the file the path
/// names (through symbolic links), so that every path to the rows finds the
/// same fingerprint.
pub fn fingerprint_path(rows: &Path) -> PathBuf {
    let target = resolve(rows).unwrap_or_else(|_| rows.to_owned());
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(FINGERPRINT_SUFFIX);
    target.with_file_name(name)
}

/// Whether `path` (resolved) exists and is not a regular file (a device, a fifo,
/// a directory): such an output is written directly.
pub(crate) fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file())
}

/// The directory and the file name of a resolved output.
fn dir_and_name(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    (dir, name)
}

/// Takes an exclusive advisory lock on an open file without waiting:
/// [`Error::Busy`] (naming `output`) when another process holds it.
#[cfg(unix)]
pub(crate) fn try_lock(file: &File, output: &Path) -> Result<(), Error> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(Error::Busy {
            path: output.to_owned(),
        }),
        Err(e) => Err(io_error(output)(e.into())),
    }
}

/// Elsewhere than on Unix, outputs are not locked.
#[cfg(not(unix))]
pub(crate) fn try_lock(_: &File, _: &Path) -> Result<(), Error> {
    Ok(())
}

/// Whether two metadata are of the same file.
#[cfg(unix)]
fn same(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// The lock of an output (see the module doc), held until dropped.
#[derive(Debug)]
pub(crate) struct OutputLock {
    path: PathBuf,
    file: Option<File>,
}

impl OutputLock {
    /// Takes the lock of the resolved output `target` (`output` is the path as
    /// given, for messages), then removes the temporary files of killed runs.
    pub(crate) fn acquire(target: &Path, output: &Path) -> Result<OutputLock, Error> {
        let (dir, name) = dir_and_name(target);
        let path = dir.join(format!(".{name}.lock"));
        // The lock file may be removed by the run that held it between our open
        // and our lock: then we hold a lock on a file nobody else will see, and
        // open it again.
        for _ in 0..100 {
            let file = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error(output))?;
            try_lock(&file, output)?;
            let held = file.metadata().map_err(io_error(output))?;
            match std::fs::metadata(&path) {
                Ok(now) if same(&held, &now) => {
                    remove_leftovers(&dir, &name);
                    return Ok(OutputLock {
                        path,
                        file: Some(file),
                    });
                }
                _ => continue,
            }
        }
        Err(Error::Busy {
            path: output.to_owned(),
        })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so that whoever opens it next either finds
        // it gone or sees that the file it locked is not the one at the path.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// Removes the temporary files `.NAME.PID.tmp` of other runs beside an output
/// whose lock is held (they were left by killed runs).
fn remove_leftovers(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let ours = std::process::id().to_string();
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let pid = n
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"));
        if let Some(pid) = pid {
            if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && pid != ours {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Writes `text` to a special file (a device, a fifo) as it is.
fn write_special(target: &Path, output: &Path, text: &[u8]) -> Result<(), Error> {
    let mut f = OpenOptions::new()
        .write(true)
        .open(target)
        .map_err(io_error(output))?;
    f.write_all(text)
        .and_then(|()| f.flush())
        .map_err(io_error(output))
}

/// Replaces the regular file (or nothing) at the resolved `target` with `text`:
/// a temporary file beside it, then a rename, keeping the target's permission
/// mode. The caller holds the output's lock.
pub(crate) fn replace(target: &Path, output: &Path, text: impl AsRef<[u8]>) -> Result<(), Error> {
    let (dir, name) = dir_and_name(target);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mode = std::fs::metadata(target).ok().map(|m| m.permissions());
    let result = (|| {
        let mut f = File::create(&tmp)?;
        if let Some(mode) = mode {
            f.set_permissions(mode)?;
        }
        f.write_all(text.as_ref())?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io_error(output))
}

/// Writes `text` to `path` whole or not at all, as its one writer (see the module
/// doc): a temporary file beside it renamed over it, under the output's lock; a
/// special file such as `/dev/null` is written directly.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    write_atomic_bytes(path, text.as_bytes())
}

/// [`write_atomic`] for bytes that need not be text (a workbook).
/// A fingerprint file beside the output (left by rows written there before,
/// which the document replaces) is removed, so that the document is not taken
/// for rows.
pub fn write_atomic_bytes(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let target = resolve(path)?;
    if is_special(&target) {
        return write_special(&target, path, bytes);
    }
    let _lock = OutputLock::acquire(&target, path)?;
    replace(&target, path, bytes)?;
    let side = fingerprint_path(&target);
    match std::fs::remove_file(&side) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(&side)(e)),
        _ => Ok(()),
    }
}

/// What a file holds, as far as writing over it goes: the documents a user made
/// or keeps ([`Kind::Scenario`], [`Kind::Workbook`], [`Kind::Rows`]) are never
/// written over by another kind of output unless the caller forces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A scenario file: TOML, or JSON with the scenario's top-level keys only.
    Scenario,
    /// A workbook: xlsx or ods (a zip), or an older xls.
    Workbook,
    /// The rows of a sweep or a Monte Carlo run (a file with a fingerprint
    /// file `NAME.symbio` beside it), or such a fingerprint file.
    Rows,
    /// Anything else (a plan, a table, a report, ...).
    Other,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Scenario => "a scenario",
            Kind::Workbook => "a workbook",
            Kind::Rows => "the rows of a sweep or a Monte Carlo run",
            Kind::Other => "an output",
        })
    }
}

/// Why an output is not written ([`Error::Overwrite`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// The output is one of the run's own inputs.
    Input,
    /// The output holds another kind of document than the one written.
    Holds {
        /// What the file holds now.
        holds: Kind,
        /// What would be written.
        writes: Kind,
    },
}

impl std::fmt::Display for Overwrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Overwrite::Input => f.write_str(
                "it is an input of this run and would be written over; write the output elsewhere",
            ),
            Overwrite::Holds { holds, writes } => write!(
                f,
                "it holds {holds}, and {} would be written over it; write the output elsewhere",
                match writes {
                    Kind::Other => "another kind of output".to_owned(),
                    w => w.to_string(),
                }
            ),
        }
    }
}

/// The top-level keys of a scenario file.
const SCENARIO_KEYS: &[&str] = &crate::scenario::load::SECTIONS;

/// Files larger than this are not read whole to tell whether they are a scenario.
const SNIFF_WHOLE: u64 = 64 * 1024 * 1024;

/// What the file at `path` holds (through symbolic links), or `None` when there
/// is no regular file there.
pub fn kind_of(path: &Path) -> Option<Kind> {
    use std::io::Read;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut head = Vec::new();
    File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(Kind::Workbook);
    }
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    // A fingerprint file, or rows of an earlier version (the fingerprint first).
    if first.starts_with(b"# symbio_rows=") || first.starts_with(b"{\"symbio_rows\"") {
        return Some(Kind::Rows);
    }
    if std::fs::read(fingerprint_path(path)).is_ok_and(|t| t.starts_with(b"{\"symbio_rows\"")) {
        return Some(Kind::Rows);
    }
    let toml_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if meta.len() > SNIFF_WHOLE {
        return Some(if toml_name {
            Kind::Scenario
        } else {
            Kind::Other
        });
    }
    let Some(text) = std::fs::read(path)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return Some(Kind::Other);
    };
    let scenario_key = |k: &String| SCENARIO_KEYS.contains(&k.as_str());
    if let Ok(table) = text.parse::<toml::Table>() {
        // Only scenarios are written as TOML: one with a scenario's key is one.
        if table.keys().any(scenario_key) {
            return Some(Kind::Scenario);
        }
    } else if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&text) {
        // Outputs in JSON have keys of their own (a plan's `status`).
        if !map.is_empty() && map.keys().all(scenario_key) {
            return Some(Kind::Scenario);
        }
    } else if toml_name {
        // A scenario being edited, with a mistake in its syntax.
        return Some(Kind::Scenario);
    }
    Some(Kind::Other)
}

/// Whether `a` and `b` name the same existing file (through links, relative
/// paths, `./`, hard links).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) if cfg!(unix) => same(&x, &y),
        (Ok(_), Ok(_)) => match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

/// Refuses to write `writes` at `path` when `path` is one of `inputs` (the files
/// the run reads: a scenario and its includes, rows, a workbook), or when it
/// holds a scenario, a workbook or rows and `writes` is another kind, unless
/// `force` ([`Error::Overwrite`], naming `path`). A path that does not exist yet,
/// or is not a regular file (`/dev/null`), is always fine.
pub fn check_output<P: AsRef<Path>>(
    path: &Path,
    inputs: &[P],
    writes: Kind,
    force: bool,
) -> Result<(), Error> {
    let Some(holds) = kind_of(path) else {
        return Ok(());
    };
    let refuse = |reason| {
        Err(Error::Overwrite {
            path: path.to_owned(),
            reason,
        })
    };
    if inputs.iter().any(|i| same_file(path, i.as_ref())) {
        return refuse(Overwrite::Input);
    }
    if !force && holds != writes && holds != Kind::Other {
        return refuse(Overwrite::Holds { holds, writes });
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_second_writer_is_refused_while_the_lock_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan.json");
        let lock = OutputLock::acquire(&out, &out).unwrap();
        // Another open file description, as another process has.
        let again = OutputLock::acquire(&out, &out).unwrap_err();
        assert!(
            matches!(&again, Error::Busy { path } if *path == out),
            "{again}"
        );
        assert!(write_atomic(&out, "x").is_err());
        drop(lock);
        assert!(!dir.path().join(".plan.json.lock").exists());
        write_atomic(&out, "x").unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "x");
    }

    #[test]
    fn links_are_written_through_and_modes_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_atomic(&link, "new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn kinds_are_told_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            kind_of(&p)
        };
        let scenario = Some(Kind::Scenario);
        assert_eq!(file("a.toml", b"[scenario]\nname = \"x\"\n"), scenario);
        assert_eq!(file("a.txt", b"[[sites]]\nid = \"a\"\n"), scenario);
        assert_eq!(file("b.toml", b"[[sites]\nid = "), scenario);
        assert_eq!(file("a.json", b"{\"sites\": [], \"links\": []}"), scenario);
        let plan = b"{\"status\": \"optimal\", \"sites\": [], \"links\": []}";
        assert_eq!(file("plan.json", plan), Some(Kind::Other));
        assert_eq!(file("b.xlsx", b"PK\x03\x04rest"), Some(Kind::Workbook));
        assert_eq!(
            file("r.csv", b"# symbio_rows=1 scenario=a\n"),
            Some(Kind::Rows)
        );
        assert_eq!(
            file("r.jsonl", b"{\"symbio_rows\":1}\n{}"),
            Some(Kind::Rows)
        );
        // Plain rows, told by the fingerprint file beside them, which a
        // document written over them removes.
        assert_eq!(file("p.csv", b"point,x\n0,1\n"), Some(Kind::Other));
        file("p.csv.symbio", b"{\"symbio_rows\":2}\n");
        assert_eq!(file("p.csv", b"point,x\n0,1\n"), Some(Kind::Rows));
        write_atomic(&dir.path().join("p.csv"), "site,benefit\n").unwrap();
        assert!(!dir.path().join("p.csv.symbio").exists());
        assert_eq!(kind_of(&dir.path().join("p.csv")), Some(Kind::Other));
        assert_eq!(
            file("t.txt", b"Scenario x\nStatus optimal\n"),
            Some(Kind::Other)
        );
        assert_eq!(kind_of(&dir.path().join("missing")), None);
        assert_eq!(kind_of(dir.path()), None);
    }

    #[test]
    fn an_input_is_never_written_over_whatever_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("park.toml");
        std::fs::write(&input, "[scenario]\n").unwrap();
        let hard = dir.path().join("hard");
        std::fs::hard_link(&input, &hard).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("park.toml", &link).unwrap();
        for out in [
            &input,
            &hard,
            &link,
            &dir.path().join(".").join("park.toml"),
        ] {
            let e = check_output(out, &[&input], Kind::Scenario, true).unwrap_err();
            assert!(
                matches!(&e, Error::Overwrite { path, reason: Overwrite::Input } if path == out),
                "{e}"
            );
        }
        let other = dir.path().join("other.toml");
        std::fs::write(&other, "[scenario]\n").unwrap();
        let e = check_output(&other, &[&input], Kind::Other, false).unwrap_err();
        assert!(e.to_string().contains("holds a scenario"), "{e}");
        check_output(&other, &[&input], Kind::Other, true).unwrap();
        check_output(&other, &[&input], Kind::Scenario, false).unwrap();
        check_output(&dir.path().join("new.json"), &[&input], Kind::Other, false).unwrap();
    }

    #[test]
    fn leftover_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a.json");
        for n in [
            ".a.json.1.tmp",
            ".a.json.99999999.tmp",
            ".a.json.x.tmp",
            ".b.json.1.tmp",
        ] {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        write_atomic(&out, "x").unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".a.json.x.tmp", ".b.json.1.tmp", "a.json"]);
    }
}
