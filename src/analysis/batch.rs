//! Long runs of many independent points (a sweep's grid): solved on a pool of
//! threads, streamed to an output file as they finish, resumable, and split into
//! deterministic shards that [`merge`] joins back.
//!
//! Output files hold one row per line, each carrying its point index: JSON Lines
//! (`{"point":7,...}`) or CSV (a header line, then rows whose first field is the
//! point), and nothing else, so that any CSV or JSON Lines reader takes them as
//! they are. Which run wrote them (its [`Fingerprint`]) is kept in a fingerprint
//! file beside them, `FILE.symbio` ([`fingerprint_path`]). Rows are appended as
//! points finish, each written whole and flushed, so an interrupted run keeps
//! every finished row and never a half-written one (a trailing line without its
//! newline, from a crash mid-write, is dropped on resume). Once every point of the run is done, the run rewrites the
//! file sorted by point index (atomically), so a completed run, a resumed run and
//! merged shards give the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use serde::{Deserialize, Serialize};

use super::point::PointStatus;
use crate::error::Error;
use crate::files::{io_error, is_special, replace, resolve, try_lock, OutputLock};
use crate::model::SolveOptions;
use crate::parallel::Pool;
use crate::scenario::load::{Loaded, Located};
use crate::scenario::schema::{
    LinkFile, MaterialFile, ModeFile, ParametersFile, PeriodFile, ProfileFile, RuleFile,
    ScenarioHeader, SiteFile, StoreFile, UncertaintyFile,
};

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, with a `point` field.
    JsonLines,
    /// Comma-separated values: a header line, then one row per point, point first.
    Csv,
}

impl Format {
    /// The point index of a row, or `None` if the line is not a row of this format.
    pub(crate) fn point_of(self, line: &str) -> Option<usize> {
        match self {
            Format::JsonLines => serde_json::from_str::<serde_json::Value>(line)
                .ok()?
                .get("point")?
                .as_u64()
                .map(|p| p as usize),
            Format::Csv => line.split(',').next()?.parse().ok(),
        }
    }

    /// Whether files of this format start with a header line.
    pub(crate) fn has_header(self) -> bool {
        self == Format::Csv
    }
}

/// A deterministic slice of the points: shard `index` of `count` (0-based) runs
/// the points `p` with `p % count == index`. Round-robin, so that points that
/// are slow to solve (often neighbours on a grid) are spread over the shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 0-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Whether the shard runs point `p`.
    pub fn contains(&self, p: usize) -> bool {
        p % self.count == self.index
    }
}

/// How far a run has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Points finished in this run.
    pub done: usize,
    /// Points this run was given.
    pub total: usize,
    /// Points of the run done before it (in the file it resumes).
    pub before: usize,
}

/// Solves `todo` (point indices) on the workers of `pool` and hands each result
/// to `sink` as it finishes, calling `progress` after each; `solve` runs on the
/// workers, `sink` and `progress` on the calling thread.
///
/// Points are started in the order of `todo`. When `stop` becomes true no new
/// point is started; the points already started are finished and handed to
/// `sink`. If `sink` fails, no new point is started and its error is returned.
/// Returns the number of points handed to `sink`.
pub(crate) fn run<T, S, K, P>(
    pool: &Pool,
    todo: &[usize],
    stop: &AtomicBool,
    solve: S,
    mut sink: K,
    mut progress: P,
) -> Result<usize, Error>
where
    T: Send,
    S: Fn(usize) -> T + Sync,
    K: FnMut(usize, T) -> Result<(), Error>,
    P: FnMut(Progress),
{
    let total = todo.len();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    let mut done = 0;
    let mut result = Ok(());
    std::thread::scope(|scope| {
        let (next, failed, solve) = (&next, &failed, &solve);
        // Joined below, not left to the end of the scope, whose wait does not
        // cover the thread's thread-local destructors (see crate::parallel).
        let feeder = scope.spawn(move || {
            pool.on_each(|_| {
                let tx = tx.clone();
                loop {
                    if stop.load(Ordering::SeqCst) || failed.load(Ordering::SeqCst) {
                        break;
                    }
                    let j = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&p) = todo.get(j) else { break };
                    if tx.send((p, solve(p))).is_err() {
                        break;
                    }
                }
            });
            drop(tx);
        });
        for (p, row) in rx {
            if result.is_err() {
                continue;
            }
            match sink(p, row) {
                Ok(()) => {
                    done += 1;
                    progress(Progress {
                        done,
                        total,
                        before: 0,
                    });
                }
                Err(e) => {
                    failed.store(true, Ordering::SeqCst);
                    result = Err(e);
                }
            }
        }
        if let Err(panic) = feeder.join() {
            std::panic::resume_unwind(panic);
        }
    });
    result.map(|()| done)
}

/// Puts results that arrive out of order back into the order of a list of points.
#[derive(Debug)]
pub(crate) struct Reorder<T> {
    order: Vec<usize>,
    next: usize,
    pending: BTreeMap<usize, T>,
}

impl<T> Reorder<T> {
    /// Results will be released in the order of `order`.
    pub fn new(order: Vec<usize>) -> Self {
        Reorder {
            order,
            next: 0,
            pending: BTreeMap::new(),
        }
    }

    /// Takes the result of point `p` and returns those now due, in order.
    pub fn push(&mut self, p: usize, value: T) -> Vec<T> {
        self.pending.insert(p, value);
        let mut out = Vec::new();
        while let Some(v) = self
            .order
            .get(self.next)
            .and_then(|q| self.pending.remove(q))
        {
            out.push(v);
            self.next += 1;
        }
        out
    }

    /// Everything still held (after an interruption), by point index.
    pub(crate) fn drain(&mut self) -> Vec<T> {
        std::mem::take(&mut self.pending).into_values().collect()
    }
}

/// An [`Error::Rows`] of a file that is whole.
pub(crate) fn rows_error(path: &Path, message: String) -> Error {
    Error::Rows {
        path: path.to_owned(),
        message,
        half_written: false,
    }
}

/// A CSV field, quoted when it has to be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The complete lines of a text, and the byte length they cover (a last line
/// without its newline is left out: it was being written when the run stopped).
fn complete_lines(text: &str) -> (Vec<&str>, usize) {
    let end = text.rfind('\n').map_or(0, |k| k + 1);
    let lines = text[..end].split('\n').filter(|l| !l.is_empty()).collect();
    (lines, end)
}

/// Version of the layout of rows files, the first field of their fingerprint file.
pub const ROWS_VERSION: u64 = 2;

pub use crate::files::{fingerprint_path, FINGERPRINT_SUFFIX};

/// What the rows of a batch run depend on, each part a stable 64-bit FNV-1a
/// hash (16 hex digits, the same on every run and machine), written in the
/// fingerprint file beside every rows file, so that resuming and merging refuse
/// the rows of another run. It does not depend on the shard, the thread count
/// or the file's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    /// The scenario's content after includes (the merged items as read, without
    /// the names of the included files).
    pub scenario: String,
    /// The points: a sweep's swept paths and values, a Monte Carlo run's seed and
    /// number of samples.
    pub grid: String,
    /// The solver options that change a result: gap and time limit.
    pub solver: String,
}

/// The content of a fingerprint file, as JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowsHead {
    symbio_rows: u64,
    format: String,
    fingerprint: Fingerprint,
}

impl Format {
    /// The format's name in a fingerprint file (and as an extension).
    pub fn name(self) -> &'static str {
        match self {
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// The 64-bit FNV-1a hash of `bytes`, as 16 hex digits.
pub fn fnv1a64(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The merged content of a loaded scenario, as hashed by [`Fingerprint::new`].
#[derive(Serialize)]
struct ScenarioContent<'a> {
    header: ScenarioHeader,
    parameters: &'a ParametersFile,
    materials: Vec<&'a MaterialFile>,
    modes: Vec<&'a ModeFile>,
    rules: Vec<&'a RuleFile>,
    sites: Vec<&'a SiteFile>,
    links: Vec<&'a LinkFile>,
    uncertainty: Vec<&'a UncertaintyFile>,
    // Left out when empty, so that the fingerprints of scenarios without
    // periods are as they were.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    periods: Vec<&'a PeriodFile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    profiles: Vec<&'a ProfileFile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stores: Vec<&'a StoreFile>,
}

/// Whether the first line of a file is the fingerprint line that rows files of
/// an earlier version of symbio started with.
pub fn is_old_fingerprint_line(line: &str) -> bool {
    line.starts_with("{\"symbio_rows\"") || line.starts_with("# symbio_rows=")
}

impl<'a> ScenarioContent<'a> {
    /// The content of `loaded`.
    fn of(loaded: &'a Loaded) -> Self {
        fn items<T>(v: &[Located<T>]) -> Vec<&T> {
            v.iter().map(|l| &l.item).collect()
        }
        ScenarioContent {
            header: ScenarioHeader {
                include: Vec::new(),
                ..loaded.header.clone()
            },
            parameters: &loaded.parameters,
            materials: items(&loaded.materials),
            modes: items(&loaded.modes),
            rules: items(&loaded.rules),
            sites: items(&loaded.sites),
            links: items(&loaded.links),
            uncertainty: items(&loaded.uncertainty),
            periods: items(&loaded.periods),
            profiles: items(&loaded.profiles),
            stores: items(&loaded.stores),
        }
    }
}

impl Fingerprint {
    /// The fingerprint of a run of `loaded` over the points `grid` describes
    /// (any text that tells one run's points from another's) with `solver`.
    pub fn new(loaded: &Loaded, grid: &str, solver: &SolveOptions) -> Fingerprint {
        let content = ScenarioContent::of(loaded);
        let bits = |v: f64| format!("{:016x}", v.to_bits());
        let solver = format!(
            "gap={};time_limit={}",
            bits(solver.gap),
            solver.time_limit.map_or("none".into(), bits)
        );
        Fingerprint {
            scenario: fnv1a64(&serde_json::to_vec(&content).unwrap_or_default()),
            grid: fnv1a64(grid.as_bytes()),
            solver: fnv1a64(solver.as_bytes()),
        }
    }

    /// The text of the fingerprint file of rows of `format` (one line of JSON
    /// and its newline):
    /// `{"symbio_rows":2,"format":"csv","fingerprint":{"scenario":"…","grid":"…","solver":"…"}}`.
    pub fn file_text(&self, format: Format) -> String {
        let mut text = serde_json::to_string(&RowsHead {
            symbio_rows: ROWS_VERSION,
            format: format.name().to_owned(),
            fingerprint: self.clone(),
        })
        .unwrap_or_default();
        text.push('\n');
        text
    }

    /// The format and the fingerprint that the text of a fingerprint file says.
    pub fn parse(text: &str) -> Result<(Format, Fingerprint), String> {
        let not = || {
            "it is not a fingerprint file of symbio's rows \
             ({\"symbio_rows\":2,\"format\":…,\"fingerprint\":…})"
                .to_owned()
        };
        let head: RowsHead = serde_json::from_str(text.trim_end()).map_err(|_| not())?;
        if head.symbio_rows != ROWS_VERSION {
            return Err(format!(
                "rows files of version {} are not read by this version of symbio (it reads version {ROWS_VERSION})",
                head.symbio_rows
            ));
        }
        let format = match head.format.as_str() {
            "jsonl" => Format::JsonLines,
            "csv" => Format::Csv,
            _ => return Err(not()),
        };
        Ok((format, head.fingerprint))
    }

    /// The format and fingerprint of the rows file `rows` (whose first line is
    /// `first_line`), read from its fingerprint file; an error naming the rows
    /// file when that file is missing or is not one.
    pub fn of_rows(rows: &Path, first_line: &str) -> Result<(Format, Fingerprint), Error> {
        let side = fingerprint_path(rows);
        let text = match std::fs::read_to_string(&side) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let why = if is_old_fingerprint_line(first_line) {
                    "it was written by an earlier version of symbio (its first line is a \
                     fingerprint), whose rows files this version does not read"
                        .to_owned()
                } else {
                    format!(
                        "its fingerprint file {} is missing, so nothing tells which run wrote \
                         these rows (rows captured from standard output have none: write \
                         rows to a file to resume or merge them); restore that file, or \
                         start the run afresh",
                        side.display()
                    )
                };
                return Err(rows_error(rows, why));
            }
            Err(e) => return Err(io_error(&side)(e)),
        };
        Fingerprint::parse(&text).map_err(|m| rows_error(rows, format!("{}: {m}", side.display())))
    }

    /// What differs between the runs of two fingerprints (`None` when nothing):
    /// `the scenario differs (…)`, and so on, one clause per part.
    pub fn differs(&self, other: &Fingerprint) -> Option<String> {
        let parts: Vec<&str> = [
            (
                self.scenario != other.scenario,
                "the scenario differs (its content after includes)",
            ),
            (
                self.grid != other.grid,
                "the grid/sampler differs (the swept fields and values, or the seed and \
                 the number of samples)",
            ),
            (
                self.solver != other.solver,
                "the solver options differ (gap, time limit)",
            ),
        ]
        .into_iter()
        .filter_map(|(d, what)| d.then_some(what))
        .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Why rows are refused when their fingerprint differs (`differs`, from
/// [`Fingerprint::differs`]), with the first row refused, if one was.
pub(crate) fn another_run(differs: String, row: Option<String>) -> String {
    match row {
        Some(r) => format!("rows of another run: {differs}; {r}"),
        None => format!("rows of another run: {differs}"),
    }
}

/// The lines a rows file starts with: the header (CSV), or nothing.
fn head_text(header: Option<&str>) -> String {
    header.map_or_else(String::new, |h| format!("{h}\n"))
}

/// An output file that rows are appended to as they finish, by its one writer:
/// it holds the output's lock ([`crate::files`]) and a lock on the file itself
/// from the moment it is opened (before anything in it is changed) to the end
/// of the run. An output that is not a regular file (`/dev/null`, a fifo) is
/// written to as rows finish, without a lock, and is not sorted.
#[derive(Debug)]
pub(crate) struct RowFile {
    /// The output as given (for messages).
    path: PathBuf,
    /// The file it names, through symbolic links.
    target: PathBuf,
    file: File,
    format: Format,
    /// The header line with its newline (CSV), or nothing.
    head: String,
    /// The text of the fingerprint file.
    fingerprint: String,
    special: bool,
    _lock: Option<OutputLock>,
}

impl RowFile {
    /// Opens the output as its one writer, changing nothing in it: the file and
    /// the text it holds (none for a special file, or unless `read`).
    fn open(
        path: &Path,
        format: Format,
        fingerprint: &Fingerprint,
        header: Option<&str>,
        read: bool,
    ) -> Result<(RowFile, String), Error> {
        let target = resolve(path)?;
        let special = is_special(&target);
        let (file, lock, text) = if special {
            let file = OpenOptions::new()
                .append(true)
                .open(&target)
                .map_err(io_error(path))?;
            (file, None, String::new())
        } else {
            let lock = OutputLock::acquire(&target, path)?;
            let mut file = OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .open(&target)
                .map_err(io_error(path))?;
            try_lock(&file, path)?;
            let mut bytes = Vec::new();
            if read {
                file.read_to_end(&mut bytes).map_err(io_error(path))?;
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| rows_error(path, "it is not text: not a rows file".into()))?;
            (file, Some(lock), text)
        };
        let f = RowFile {
            path: path.to_owned(),
            target,
            file,
            format,
            head: head_text(header),
            fingerprint: fingerprint.file_text(format),
            special,
            _lock: lock,
        };
        Ok((f, text))
    }

    /// Empties the file (a regular one), writes its header, then its
    /// fingerprint file (none beside a special file). A run stopped between the
    /// two leaves rows without a row, which a resumed run starts afresh.
    fn start(mut self) -> Result<RowFile, Error> {
        if !self.special {
            self.file.set_len(0).map_err(io_error(&self.path))?;
        }
        let head = std::mem::take(&mut self.head);
        self.write_text(&head)?;
        self.head = head;
        if !self.special {
            // Under the lock of the rows, which every writer of them holds.
            replace(
                &fingerprint_path(&self.target),
                &self.path,
                &self.fingerprint,
            )?;
        }
        Ok(self)
    }

    /// Creates (or empties) the file, writes the header if the format has one,
    /// and the fingerprint file beside it.
    pub(crate) fn create(
        path: &Path,
        format: Format,
        fingerprint: &Fingerprint,
        header: Option<&str>,
    ) -> Result<RowFile, Error> {
        Self::open(path, format, fingerprint, header, false)?
            .0
            .start()
    }

    /// Opens a file to continue a run: returns it with the points it holds already.
    /// A missing or empty file (or one with only this run's header) starts
    /// afresh. Its fingerprint file must say `fingerprint` (a file with rows
    /// and no fingerprint file is refused), its header must be `header`, and
    /// `check(point, line)` must accept every row (it tells whether the row
    /// belongs to this run); a trailing half-written line is cut off. A file
    /// refused is left as it was.
    pub fn resume(
        path: &Path,
        format: Format,
        fingerprint: &Fingerprint,
        header: Option<&str>,
        check: impl Fn(usize, &str) -> Result<(), String>,
    ) -> Result<(RowFile, BTreeSet<usize>), Error> {
        let (f, text) = Self::open(path, format, fingerprint, header, true)?;
        let (lines, end) = complete_lines(&text);
        if lines.is_empty() || (header.is_some() && lines == [header.unwrap_or_default()]) {
            return Ok((f.start()?, BTreeSet::new()));
        }
        let bad = |what: String| rows_error(path, format!("cannot resume: {what}"));
        let mut rows = lines.iter().enumerate();
        let (found_format, found) = Fingerprint::of_rows(path, lines[0]).map_err(|e| match e {
            Error::Rows { message, .. } => bad(message),
            e => e,
        })?;
        if found_format != format {
            return Err(bad("it holds rows of another format".into()));
        }
        let mut problem = None;
        if let Some(h) = header {
            match rows.next() {
                Some((_, line)) if *line == h => {}
                Some((_, line)) => {
                    problem = Some(format!(
                        "its header is\n  {line}\nbut this run writes\n  {h}"
                    ))
                }
                None => problem = Some("it has no header line".into()),
            }
        }
        let mut done = BTreeSet::new();
        for (k, line) in rows {
            if problem.is_some() {
                break;
            }
            match format.point_of(line) {
                None => problem = Some(format!("line {} is not a row of this format", k + 1)),
                Some(p) => match check(p, line) {
                    Ok(()) => {
                        done.insert(p);
                    }
                    Err(m) => problem = Some(format!("line {}: {m}", k + 1)),
                },
            }
        }
        if let Some(d) = found.differs(fingerprint) {
            return Err(bad(another_run(d, problem)));
        }
        if let Some(p) = problem {
            return Err(bad(p));
        }
        f.file.set_len(end as u64).map_err(io_error(path))?;
        Ok((f, done))
    }

    fn write_text(&mut self, text: &str) -> Result<(), Error> {
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(io_error(&self.path))
    }

    /// Appends one row (a line without its newline), written whole and flushed.
    pub fn append(&mut self, line: &str) -> Result<(), Error> {
        let mut buf = String::with_capacity(line.len() + 1);
        buf.push_str(line);
        buf.push('\n');
        self.write_text(&buf)
    }

    /// Rewrites the file with its rows sorted by point index (atomically, only
    /// when they are not sorted already; a special file is left as written).
    pub fn finish(mut self) -> Result<(), Error> {
        if self.special {
            return Ok(());
        }
        let io = io_error(&self.path);
        self.file.sync_all().map_err(&io)?;
        let mut text = String::new();
        self.file.seek(SeekFrom::Start(0)).map_err(&io)?;
        self.file.read_to_string(&mut text).map_err(&io)?;
        let (lines, _) = complete_lines(&text);
        let skip = self.head.lines().count();
        let rows = &lines[skip.min(lines.len())..];
        let points: Vec<Option<usize>> = rows.iter().map(|l| self.format.point_of(l)).collect();
        if points.windows(2).all(|w| w[0] < w[1]) {
            return Ok(());
        }
        let mut sorted: BTreeMap<usize, &str> = BTreeMap::new();
        for (line, p) in rows.iter().zip(points) {
            if let Some(p) = p {
                sorted.entry(p).or_insert(line);
            }
        }
        let mut out = String::with_capacity(text.len());
        out.push_str(&self.head);
        for line in sorted.values() {
            out.push_str(line);
            out.push('\n');
        }
        // The lock is still held: the temporary file is renamed over the output.
        replace(&self.target, &self.path, &out)
    }
}

/// The points of a batch run (a sweep's grid, a Monte Carlo run's samples): how
/// many there are, how one is solved into a row, and how a row read back from a
/// file is recognised as one of this run's.
pub trait Batch: Sync {
    /// What one point gives.
    type Row: Send;

    /// Number of points.
    fn points(&self) -> usize;

    /// The header line of a rows file of `format`, if the format has one.
    fn header(&self, format: Format) -> Option<String>;

    /// What the rows depend on: the first line of a rows file, checked when
    /// the file is resumed or merged. Shards of one run have the same.
    fn fingerprint(&self) -> Fingerprint;

    /// Solves point `p`. A point that cannot be solved is a row too (see
    /// [`super::point::PointStatus`]): a batch run never stops at a failed point.
    fn solve(&self, p: usize) -> Self::Row;

    /// The status of a row.
    fn status(&self, row: &Self::Row) -> PointStatus;

    /// The row as one line of `format` (no newline).
    fn encode(&self, row: &Self::Row, format: Format) -> String;

    /// Whether `line`, read back from a rows file, is point `p` of this run.
    fn check_row(&self, format: Format, p: usize, line: &str) -> Result<(), String>;
}

/// Where the rows of a batch run go.
pub enum Destination<'a> {
    /// Streamed to a file as points finish, sorted by point once the run is
    /// complete; with `resume`, the points the file holds already are skipped.
    File {
        /// The file.
        path: &'a Path,
        /// Continue the run the file holds.
        resume: bool,
    },
    /// Handed line by line, in point order, to a writer (the header first) that
    /// returns false when nobody reads any more (the run then stops).
    Lines(&'a mut dyn FnMut(&str) -> bool),
}

/// How a batch run is driven.
pub struct RunOptions<'a> {
    /// Points solved at once, on one pool of threads for the whole run (each
    /// point's solve on one thread).
    pub threads: usize,
    /// Format of the rows.
    pub format: Format,
    /// Only the points of this shard.
    pub shard: Option<Shard>,
    /// When set, no new point is started; finished rows are kept.
    pub stop: &'a AtomicBool,
    /// Held while a row is written, so that whoever ends the process can wait
    /// for a row to be whole.
    pub writing: Option<&'a Mutex<()>>,
}

/// What a batch run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Points of the run (of its shard).
    pub points: usize,
    /// Of which this run was given (the others were in the file already).
    pub todo: usize,
    /// Of which it finished.
    pub done: usize,
    /// Finished points by status.
    pub statuses: BTreeMap<PointStatus, usize>,
    /// Whether the writer of [`Destination::Lines`] stopped reading.
    pub closed: bool,
}

impl Report {
    /// Whether every point of the run is done.
    pub fn complete(&self) -> bool {
        self.done == self.todo
    }
}

/// Where rows go while a run goes on.
enum Sink<'a> {
    File(RowFile),
    Lines(&'a mut dyn FnMut(&str) -> bool, Reorder<String>),
}

/// Runs a batch: the points of the shard that the destination does not hold
/// yet, solved on the pool, each row written whole as it finishes (see the
/// module doc); `progress` is told how far the run has gone, first with no point
/// done.
pub fn run_batch<B: Batch>(
    batch: &B,
    destination: Destination<'_>,
    o: &RunOptions<'_>,
    mut progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    let pool = Pool::new(o.threads)?;
    let header = batch.header(o.format);
    let fingerprint = batch.fingerprint();
    let points: Vec<usize> = (0..batch.points())
        .filter(|&p| o.shard.map_or(true, |s| s.contains(p)))
        .collect();
    let (mut sink, todo) = match destination {
        Destination::File { path, resume: true } => {
            let (file, done) = RowFile::resume(
                path,
                o.format,
                &fingerprint,
                header.as_deref(),
                |p, line| batch.check_row(o.format, p, line),
            )?;
            let todo = points
                .iter()
                .copied()
                .filter(|p| !done.contains(p))
                .collect();
            (Sink::File(file), todo)
        }
        Destination::File {
            path,
            resume: false,
        } => (
            Sink::File(RowFile::create(
                path,
                o.format,
                &fingerprint,
                header.as_deref(),
            )?),
            points.clone(),
        ),
        Destination::Lines(write) => {
            if let Some(h) = &header {
                write(h);
            }
            (
                Sink::Lines(write, Reorder::new(points.clone())),
                points.clone(),
            )
        }
    };
    let mut statuses: BTreeMap<PointStatus, usize> = BTreeMap::new();
    let mut closed = false;
    let before = points.len() - todo.len();
    progress(Progress {
        done: 0,
        total: todo.len(),
        before,
    });
    let done = run(
        &pool,
        &todo,
        o.stop,
        |p| batch.solve(p),
        |p, row: B::Row| {
            *statuses.entry(batch.status(&row)).or_default() += 1;
            let line = batch.encode(&row, o.format);
            let _held = o.writing.map(|m| m.lock());
            match &mut sink {
                Sink::File(f) => f.append(&line),
                Sink::Lines(write, order) => {
                    for l in order.push(p, line) {
                        if !closed && !write(&l) {
                            closed = true;
                            o.stop.store(true, Ordering::SeqCst);
                        }
                    }
                    Ok(())
                }
            }
        },
        |p| progress(Progress { before, ..p }),
    )?;
    let report = Report {
        points: points.len(),
        todo: todo.len(),
        done,
        statuses,
        closed,
    };
    match sink {
        Sink::File(f) if report.complete() => f.finish()?,
        Sink::File(_) => {}
        Sink::Lines(write, mut order) if !closed => {
            let _held = o.writing.map(|m| m.lock());
            for l in order.drain() {
                write(&l);
            }
        }
        Sink::Lines(..) => {}
    }
    Ok(report)
}

/// Shard outputs joined into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The joined rows: the header (CSV), then every row sorted by point index.
    pub text: String,
    /// Their format and the text of their fingerprint file (`None` when no
    /// input held a row or a header).
    pub fingerprint: Option<(Format, String)>,
    /// Rows in it.
    pub rows: usize,
    /// Point indices below the largest one that no input holds.
    pub missing: Vec<usize>,
}

/// Joins the outputs of several runs (the shards of one sweep) into the content
/// of a single run: one header, rows sorted by point index, and the fingerprint
/// they share. Every input must have its fingerprint file, and the same
/// fingerprint (they are shards of one run), format and header; a point found
/// in two inputs must have the same row.
pub fn merge(inputs: &[PathBuf]) -> Result<Merged, Error> {
    let mut first: Option<(Format, Fingerprint, Option<String>, &Path)> = None;
    let mut rows: BTreeMap<usize, (String, &Path)> = BTreeMap::new();
    for path in inputs {
        let text = std::fs::read_to_string(path).map_err(io_error(path))?;
        if !text.is_empty() && !text.ends_with('\n') {
            return Err(Error::Rows {
                path: path.clone(),
                message: "the last row is half-written (the run was killed)".into(),
                half_written: true,
            });
        }
        let (lines, _) = complete_lines(&text);
        let Some(line1) = lines.first() else { continue };
        let (f, fingerprint) = Fingerprint::of_rows(path, line1)?;
        let header = match f.has_header() {
            true => Some(line1.to_string()),
            false => None,
        };
        match &first {
            None => first = Some((f, fingerprint, header.clone(), path)),
            Some((g, fp, h, other)) => {
                let not_one = |why: String| {
                    rows_error(
                        path,
                        format!(
                            "it and {} are not shards of one run: {why}",
                            other.to_string_lossy()
                        ),
                    )
                };
                if *g != f {
                    return Err(not_one("their formats differ".into()));
                }
                if let Some(d) = fingerprint.differs(fp) {
                    return Err(not_one(d));
                }
                if *h != header {
                    return Err(not_one("their headers differ".into()));
                }
            }
        }
        let skip = usize::from(f.has_header());
        for (k, line) in lines.iter().enumerate().skip(skip) {
            let p = f
                .point_of(line)
                .ok_or_else(|| rows_error(path, format!("line {} is not a row", k + 1)))?;
            match rows.get(&p) {
                Some((other, from)) if other != line => {
                    return Err(rows_error(
                        path,
                        format!("point {p} has another row in {}", from.to_string_lossy()),
                    ))
                }
                Some(_) => {}
                None => {
                    rows.insert(p, (line.to_string(), path));
                }
            }
        }
    }
    let mut text = String::new();
    let mut side = None;
    if let Some((f, fingerprint, header, _)) = &first {
        text = head_text(header.as_deref());
        side = Some((*f, fingerprint.file_text(*f)));
    }
    for (line, _) in rows.values() {
        text.push_str(line);
        text.push('\n');
    }
    let max = rows.keys().next_back().copied();
    let missing = match max {
        Some(m) => (0..m).filter(|p| !rows.contains_key(p)).collect(),
        None => Vec::new(),
    };
    Ok(Merged {
        text,
        fingerprint: side,
        rows: rows.len(),
        missing,
    })
}

/// Writes joined rows to `path` as their one writer, with their fingerprint
/// file beside it (a special file such as `/dev/null` gets the rows only): the
/// old fingerprint file is removed first, so that a run stopped half-way leaves
/// rows without a fingerprint (which resuming and merging refuse), never rows
/// under another run's fingerprint.
pub fn write_merged(path: &Path, merged: &Merged) -> Result<(), Error> {
    let target = resolve(path)?;
    if is_special(&target) {
        return crate::files::write_atomic(path, &merged.text);
    }
    let _lock = OutputLock::acquire(&target, path)?;
    let side = fingerprint_path(&target);
    match std::fs::remove_file(&side) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&side)(e)),
    }
    replace(&target, path, &merged.text)?;
    if let Some((_, text)) = &merged.fingerprint {
        replace(&side, path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_points() {
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        for p in 0..20 {
            assert_eq!(shards.iter().filter(|s| s.contains(p)).count(), 1);
        }
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a b"), "a b");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn reorder_releases_in_order() {
        let mut r = Reorder::new(vec![1, 4, 7, 9]);
        assert!(r.push(7, 'c').is_empty());
        assert_eq!(r.push(1, 'a'), vec!['a']);
        assert_eq!(r.push(4, 'b'), vec!['b', 'c']);
        assert!(r.drain().is_empty());
        r.push(20, 'z');
        assert_eq!(r.drain(), vec!['z']);
    }

    #[test]
    fn run_hands_every_point_once_and_stops_when_asked() {
        let todo: Vec<usize> = (0..50).collect();
        let stop = AtomicBool::new(false);
        let mut seen = Vec::new();
        let n = run(
            &Pool::new(3).unwrap(),
            &todo,
            &stop,
            |p| p * 2,
            |p, v| {
                assert_eq!(v, p * 2);
                seen.push(p);
                Ok(())
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(n, 50);
        seen.sort_unstable();
        assert_eq!(seen, todo);

        // Point 10 asks to stop; later points wait until it has, so each other
        // worker has at most one of them in hand and then starts no more.
        let stop = AtomicBool::new(false);
        let mut seen = Vec::new();
        let n = run(
            &Pool::new(3).unwrap(),
            &todo,
            &stop,
            |p| {
                if p == 10 {
                    stop.store(true, Ordering::SeqCst);
                }
                while p > 10 && !stop.load(Ordering::SeqCst) {
                    std::thread::yield_now();
                }
                p
            },
            |p, _| {
                seen.push(p);
                Ok(())
            },
            |_| {},
        )
        .unwrap();
        assert!((11..=13).contains(&n), "{n}");
        seen.sort_unstable();
        assert_eq!(&seen[..11], &todo[..11]);
    }

    #[test]
    fn a_failing_sink_stops_the_run() {
        let todo: Vec<usize> = (0..100).collect();
        let stop = AtomicBool::new(false);
        let e = run(
            &Pool::new(2).unwrap(),
            &todo,
            &stop,
            |p| p,
            |p, _| {
                if p == 3 {
                    Err(Error::Solver("disk full".into()))
                } else {
                    Ok(())
                }
            },
            |_| {},
        );
        assert!(matches!(e, Err(Error::Solver(m)) if m == "disk full"));
    }

    fn fp(grid: &str) -> Fingerprint {
        Fingerprint {
            scenario: fnv1a64(b"scenario"),
            grid: fnv1a64(grid.as_bytes()),
            solver: fnv1a64(b"solver"),
        }
    }

    #[test]
    fn periods_count_in_the_fingerprint_only_when_there_are_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/periods.toml");
        let loaded = crate::scenario::load::load(Path::new(path)).unwrap();
        let solver = SolveOptions::default();
        let scenario = |l: &Loaded| Fingerprint::new(l, "g", &solver).scenario;
        let mut factor = loaded.clone();
        factor.profiles[0].item.factors.insert("winter".into(), 2.0);
        let mut store = loaded.clone();
        store.stores[0].item.capacity = Some(1.0);
        let mut share = loaded.clone();
        share.periods[0].item.share = Some(0.4);
        for changed in [&factor, &store, &share] {
            assert_ne!(scenario(changed), scenario(&loaded));
        }
        // Without them the content hashed is what it was before periods.
        let mut annual = loaded.clone();
        annual.periods.clear();
        annual.profiles.clear();
        annual.stores.clear();
        let text = serde_json::to_string(&ScenarioContent::of(&annual)).unwrap();
        assert!(text.ends_with(",\"uncertainty\":[]}"), "{text}");
    }

    #[test]
    fn fnv1a64_is_the_reference_hash() {
        // Test vectors of the FNV reference implementation.
        assert_eq!(fnv1a64(b""), "cbf29ce484222325");
        assert_eq!(fnv1a64(b"a"), "af63dc4c8601ec8c");
        assert_eq!(fnv1a64(b"foobar"), "85944171f73967e8");
    }

    #[test]
    fn fingerprint_files_read_back() {
        let f = fp("g");
        let text = f.file_text(Format::JsonLines);
        assert!(text.starts_with(
            "{\"symbio_rows\":2,\"format\":\"jsonl\",\"fingerprint\":{\"scenario\":\""
        ));
        assert!(text.ends_with("}\n") && text.lines().count() == 1);
        assert_eq!(
            Fingerprint::parse(&text),
            Ok((Format::JsonLines, f.clone()))
        );
        let csv = f.file_text(Format::Csv);
        assert_eq!(Fingerprint::parse(&csv), Ok((Format::Csv, f.clone())));
        assert!(Fingerprint::parse(&csv.replace("\"csv\"", "\"tsv\"")).is_err());
        assert!(Fingerprint::parse("{\"point\":0}").is_err());
        assert!(Fingerprint::parse(&text.replace(":2,", ":1,")).is_err());
        assert_eq!(f.differs(&f), None);
        let d = f.differs(&fp("h")).unwrap();
        assert!(d.contains("grid/sampler") && !d.contains("scenario"), "{d}");
    }

    /// The rows of a file, and its fingerprint file's text.
    fn files(path: &Path) -> (String, String) {
        (
            std::fs::read_to_string(path).unwrap(),
            std::fs::read_to_string(fingerprint_path(path)).unwrap(),
        )
    }

    #[test]
    fn a_row_file_resumes_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        let f0 = fp("x");
        let mut f = RowFile::create(&path, Format::Csv, &f0, Some("point,x")).unwrap();
        f.append("2,20").unwrap();
        f.append("0,0").unwrap();
        drop(f);
        // A half-written row at the end.
        let mut raw = OpenOptions::new().append(true).open(&path).unwrap();
        raw.write_all(b"1,1").unwrap();
        drop(raw);
        let (mut f, done) =
            RowFile::resume(&path, Format::Csv, &f0, Some("point,x"), |_, _| Ok(())).unwrap();
        assert_eq!(done.into_iter().collect::<Vec<_>>(), vec![0, 2]);
        f.append("1,10").unwrap();
        f.finish().unwrap();
        let whole = "point,x\n0,0\n1,10\n2,20\n".to_owned();
        let side = f0.file_text(Format::Csv);
        assert_eq!(files(&path), (whole.clone(), side.clone()));
        assert_eq!(dir.path().join("rows.csv.symbio"), fingerprint_path(&path));
        // Another header is another sweep.
        let e =
            RowFile::resume(&path, Format::Csv, &f0, Some("point,y"), |_, _| Ok(())).unwrap_err();
        assert!(e.to_string().contains("header"), "{e}");
        // Another fingerprint, with the first row it rejects.
        let e = RowFile::resume(&path, Format::Csv, &fp("y"), Some("point,x"), |p, _| {
            if p == 1 {
                Err("not this sweep".into())
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("grid/sampler differs") && m.contains("line 3: not this sweep"),
            "{m}"
        );
        // A second writer while the first holds the file.
        let (held, _) =
            RowFile::resume(&path, Format::Csv, &f0, Some("point,x"), |_, _| Ok(())).unwrap();
        let e = RowFile::create(&path, Format::Csv, &f0, Some("point,x")).unwrap_err();
        assert!(matches!(e, Error::Busy { .. }), "{e}");
        drop(held);
        assert_eq!(files(&path), (whole.clone(), side.clone()));
        // Without its fingerprint file, rows are refused and left as they are.
        std::fs::remove_file(fingerprint_path(&path)).unwrap();
        let e =
            RowFile::resume(&path, Format::Csv, &f0, Some("point,x"), |_, _| Ok(())).unwrap_err();
        assert!(e.to_string().contains("rows.csv.symbio is missing"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), whole);
        // A header alone (a run stopped before its fingerprint file) starts afresh.
        std::fs::write(&path, "point,x\n").unwrap();
        let (f, done) =
            RowFile::resume(&path, Format::Csv, &f0, Some("point,x"), |_, _| Ok(())).unwrap();
        assert!(done.is_empty());
        f.finish().unwrap();
        assert_eq!(files(&path), ("point,x\n".to_owned(), side));
    }

    #[test]
    fn merge_joins_and_checks() {
        let dir = tempfile::tempdir().unwrap();
        let side = fp("g").file_text(Format::JsonLines);
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            std::fs::write(fingerprint_path(&p), &side).unwrap();
            p
        };
        let a = write("a.jsonl", "{\"point\":2,\"v\":1}\n{\"point\":0,\"v\":0}\n");
        let b = write("b.jsonl", "{\"point\":1,\"v\":5}\n");
        let m = merge(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(
            m.text,
            "{\"point\":0,\"v\":0}\n{\"point\":1,\"v\":5}\n{\"point\":2,\"v\":1}\n"
        );
        assert_eq!(m.fingerprint, Some((Format::JsonLines, side.clone())));
        assert_eq!((m.rows, m.missing.len()), (3, 0));
        let out = dir.path().join("m.jsonl");
        write_merged(&out, &m).unwrap();
        assert_eq!(files(&out), (m.text.clone(), side.clone()));
        assert_eq!(merge(std::slice::from_ref(&out)).unwrap(), m);
        let m = merge(std::slice::from_ref(&a)).unwrap();
        assert_eq!(m.missing, vec![1]);
        let c = write("c.jsonl", "{\"point\":1,\"v\":6}\n");
        assert!(merge(&[a.clone(), b, c]).is_err());
        let d = dir.path().join("d.csv");
        std::fs::write(&d, "point,x\n1,5\n").unwrap();
        std::fs::write(fingerprint_path(&d), fp("g").file_text(Format::Csv)).unwrap();
        assert!(merge(&[a.clone(), d]).is_err());
        let e = write("e.jsonl", "{\"point\":1,\"v\":5}\n{\"poi");
        assert!(merge(&[a.clone(), e]).is_err());
        // Another run's shard, and a file without a fingerprint file.
        let other = dir.path().join("other.jsonl");
        std::fs::write(&other, "{\"point\":1,\"v\":5}\n").unwrap();
        std::fs::write(
            fingerprint_path(&other),
            fp("h").file_text(Format::JsonLines),
        )
        .unwrap();
        let m = merge(&[a.clone(), other]).unwrap_err().to_string();
        assert!(
            m.contains("not shards of one run") && m.contains("grid/sampler"),
            "{m}"
        );
        let bare = dir.path().join("bare.jsonl");
        std::fs::write(&bare, "{\"point\":1,\"v\":5}\n").unwrap();
        let m = merge(&[a, bare]).unwrap_err().to_string();
        assert!(m.contains("bare.jsonl.symbio is missing"), "{m}");
    }
}
