//! Long runs of many independent points (a sweep's grid): solved on a pool of
//! threads, streamed to an output file as they finish, resumable, and split into
//! deterministic shards that [`merge`] joins back.
//!
//! Output files hold one row per line, each carrying its point index: JSON Lines
//! (`{"point":7,...}`) or CSV (a header line, then rows whose first field is the
//! point). Rows are appended as points finish, each written whole and flushed, so
//! an interrupted run keeps every finished row and never a half-written one (a
//! trailing line without its newline, from a crash mid-write, is dropped on
//! resume). Once every point of the run is done, [`RowFile::finish`] rewrites the
//! file sorted by point index (atomically), so a completed run, a resumed run and
//! merged shards give the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use super::point::PointStatus;
use crate::error::Error;
use crate::files::{io_error, write_atomic};
use crate::parallel::Pool;

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
        scope.spawn(move || {
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

/// An output file that rows are appended to as they finish.
#[derive(Debug)]
pub(crate) struct RowFile {
    path: PathBuf,
    file: File,
    format: Format,
    header: Option<String>,
}

impl RowFile {
    /// Creates (or truncates) the file and writes the header, if the format has one.
    pub(crate) fn create(
        path: &Path,
        format: Format,
        header: Option<&str>,
    ) -> Result<RowFile, Error> {
        let file = File::create(path).map_err(io_error(path))?;
        let mut f = RowFile {
            path: path.to_owned(),
            file,
            format,
            header: header.map(str::to_owned),
        };
        if let Some(h) = header {
            f.write_line(h)?;
        }
        Ok(f)
    }

    /// Opens a file to continue a run: returns it with the points it holds already.
    /// A missing or empty file starts afresh. The header must be `header`, and
    /// `check(point, line)` must accept every row (it tells whether the row belongs
    /// to this run); a trailing half-written line is cut off.
    pub fn resume(
        path: &Path,
        format: Format,
        header: Option<&str>,
        check: impl Fn(usize, &str) -> Result<(), String>,
    ) -> Result<(RowFile, BTreeSet<usize>), Error> {
        let mut text = String::new();
        match File::open(path) {
            Ok(mut f) => {
                f.read_to_string(&mut text).map_err(io_error(path))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(path)(e)),
        }
        let (lines, end) = complete_lines(&text);
        if lines.is_empty() {
            return Ok((Self::create(path, format, header)?, BTreeSet::new()));
        }
        let bad = |what: String| rows_error(path, format!("cannot resume: {what}"));
        let mut rows = lines.iter().enumerate();
        if let Some(h) = header {
            let (_, first) = rows.next().expect("not empty");
            if *first != h {
                return Err(bad(format!(
                    "its header is\n  {first}\nbut this run writes\n  {h}"
                )));
            }
        }
        let mut done = BTreeSet::new();
        for (k, line) in rows {
            let p = format
                .point_of(line)
                .ok_or_else(|| bad(format!("line {} is not a row of this format", k + 1)))?;
            check(p, line).map_err(|m| bad(format!("line {}: {m}", k + 1)))?;
            done.insert(p);
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io_error(path))?;
        file.set_len(end as u64).map_err(io_error(path))?;
        file.seek(SeekFrom::End(0)).map_err(io_error(path))?;
        Ok((
            RowFile {
                path: path.to_owned(),
                file,
                format,
                header: header.map(str::to_owned),
            },
            done,
        ))
    }

    fn write_line(&mut self, line: &str) -> Result<(), Error> {
        let mut buf = String::with_capacity(line.len() + 1);
        buf.push_str(line);
        buf.push('\n');
        self.file
            .write_all(buf.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(io_error(&self.path))
    }

    /// Appends one row (a line without its newline), written whole and flushed.
    pub fn append(&mut self, line: &str) -> Result<(), Error> {
        self.write_line(line)
    }

    /// Rewrites the file with its rows sorted by point index (atomically, only
    /// when they are not sorted already).
    pub fn finish(self) -> Result<(), Error> {
        self.file.sync_all().map_err(io_error(&self.path))?;
        drop(self.file);
        let text = std::fs::read_to_string(&self.path).map_err(io_error(&self.path))?;
        let (lines, _) = complete_lines(&text);
        let skip = usize::from(self.header.is_some());
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
        if let Some(h) = &self.header {
            out.push_str(h);
            out.push('\n');
        }
        for line in sorted.values() {
            out.push_str(line);
            out.push('\n');
        }
        write_atomic(&self.path, &out)
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

    /// The first line of a rows file of `format`, if the format has one.
    fn header(&self, format: Format) -> Option<String>;

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
    let points: Vec<usize> = (0..batch.points())
        .filter(|&p| o.shard.map_or(true, |s| s.contains(p)))
        .collect();
    let (mut sink, todo) = match destination {
        Destination::File { path, resume: true } => {
            let (file, done) = RowFile::resume(path, o.format, header.as_deref(), |p, line| {
                batch.check_row(o.format, p, line)
            })?;
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
            Sink::File(RowFile::create(path, o.format, header.as_deref())?),
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
    /// The joined file: the header (CSV), then every row sorted by point index.
    pub text: String,
    /// Rows in it.
    pub rows: usize,
    /// Point indices below the largest one that no input holds.
    pub missing: Vec<usize>,
}

/// Joins the outputs of several runs (the shards of one sweep) into the content
/// of a single run: one header, rows sorted by point index. The inputs must have
/// the same format and header; a point found in two inputs must have the same row.
pub fn merge(inputs: &[PathBuf]) -> Result<Merged, Error> {
    let mut format: Option<(Format, Option<String>, &Path)> = None;
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
        let Some(first) = lines.first() else { continue };
        let (f, header) = if first.starts_with('{') {
            (Format::JsonLines, None)
        } else {
            (Format::Csv, Some(first.to_string()))
        };
        match &format {
            None => format = Some((f, header.clone(), path)),
            Some((g, h, other)) => {
                if *g != f || *h != header {
                    return Err(rows_error(
                        path,
                        format!(
                            "it and {} are not outputs of the same run \
                             (their formats or headers differ)",
                            other.to_string_lossy()
                        ),
                    ));
                }
            }
        }
        for (k, line) in lines.iter().enumerate().skip(usize::from(f.has_header())) {
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
    if let Some((_, Some(h), _)) = &format {
        text.push_str(h);
        text.push('\n');
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
        rows: rows.len(),
        missing,
    })
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

    #[test]
    fn a_row_file_resumes_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        let mut f = RowFile::create(&path, Format::Csv, Some("point,x")).unwrap();
        f.append("2,20").unwrap();
        f.append("0,0").unwrap();
        drop(f);
        // A half-written row at the end.
        let mut raw = OpenOptions::new().append(true).open(&path).unwrap();
        raw.write_all(b"1,1").unwrap();
        drop(raw);
        let (mut f, done) =
            RowFile::resume(&path, Format::Csv, Some("point,x"), |_, _| Ok(())).unwrap();
        assert_eq!(done.into_iter().collect::<Vec<_>>(), vec![0, 2]);
        f.append("1,10").unwrap();
        f.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "point,x\n0,0\n1,10\n2,20\n"
        );
        // Another header is another sweep.
        let e = RowFile::resume(&path, Format::Csv, Some("point,y"), |_, _| Ok(())).unwrap_err();
        assert!(e.to_string().contains("header"), "{e}");
        // A row the check rejects.
        let e = RowFile::resume(&path, Format::Csv, Some("point,x"), |p, _| {
            if p == 1 {
                Err("not this sweep".into())
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(e.to_string().contains("line 3: not this sweep"), "{e}");
    }

    #[test]
    fn merge_joins_and_checks() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let a = write("a.jsonl", "{\"point\":2,\"v\":1}\n{\"point\":0,\"v\":0}\n");
        let b = write("b.jsonl", "{\"point\":1,\"v\":5}\n");
        let m = merge(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(
            m.text,
            "{\"point\":0,\"v\":0}\n{\"point\":1,\"v\":5}\n{\"point\":2,\"v\":1}\n"
        );
        assert_eq!((m.rows, m.missing.len()), (3, 0));
        let m = merge(std::slice::from_ref(&a)).unwrap();
        assert_eq!(m.missing, vec![1]);
        let c = write("c.jsonl", "{\"point\":1,\"v\":6}\n");
        assert!(merge(&[a.clone(), b, c]).is_err());
        let d = write("d.csv", "point,x\n1,5\n");
        assert!(merge(&[a.clone(), d]).is_err());
        let e = write("e.jsonl", "{\"point\":1,\"v\":5}\n{\"poi");
        assert!(merge(&[a, e]).is_err());
    }
}
