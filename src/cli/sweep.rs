//! `symbio sweep`: solve a scenario over a grid of values of its numeric fields.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressStyle};
use symbio::analysis::batch::{self, Format, Reorder, RowFile, Shard};
use symbio::analysis::sweep::{Axis, Row, Sweep};

use super::{Outcome, SolverArgs};

/// Row format of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum SweepFormat {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

/// Arguments of `symbio sweep`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// A swept field and its values: PATH=START..END:STEP or PATH=A,B,C (repeat
    /// for a grid), e.g. parameters.carbon_price=0..200:25.
    #[arg(long = "set", value_name = "PATH=VALUES", required = true)]
    pub set: Vec<String>,
    /// Row format.
    #[arg(long, value_enum, default_value_t = SweepFormat::Jsonl)]
    pub format: SweepFormat,
    /// Stream the rows to this file as points finish (sorted by point at the end)
    /// instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Skip the points already in the --output file and append the others.
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Run only shard K of N (0-based): the points whose index is K modulo N.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Where rows go.
enum Sink {
    File(RowFile),
    Stdout(Reorder<String>),
}

/// Runs `symbio sweep`.
pub fn run(a: &Args) -> Result<Outcome, symbio::Error> {
    let options = a.solver.resolve()?;
    let format = match a.format {
        SweepFormat::Jsonl => Format::JsonLines,
        SweepFormat::Csv => Format::Csv,
    };
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let axes = a
        .set
        .iter()
        .map(|s| Axis::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let loaded = symbio::scenario::load::load(&a.file)?;
    let sweep = Sweep::new(loaded, axes, options)?;
    let header = sweep.header(format);
    let points: Vec<usize> = (0..sweep.grid().len())
        .filter(|&p| shard.map_or(true, |s| s.contains(p)))
        .collect();

    let (mut sink, todo) = match &a.output {
        Some(path) if a.resume => {
            let (file, done) = RowFile::resume(path, format, header.as_deref(), |p, line| {
                sweep.check_row(format, p, line)
            })?;
            let todo: Vec<usize> = points
                .iter()
                .copied()
                .filter(|p| !done.contains(p))
                .collect();
            (Sink::File(file), todo)
        }
        Some(path) => (
            Sink::File(RowFile::create(path, format, header.as_deref())?),
            points.clone(),
        ),
        None => {
            if let Some(h) = &header {
                write_stdout(h);
            }
            (Sink::Stdout(Reorder::new(points.clone())), points.clone())
        }
    };

    let bar = progress_bar(a.quiet, todo.len(), points.len(), "points");
    let (stop, writing) = stop_on_ctrl_c(&bar, "points");

    let closed = AtomicBool::new(false);
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let threads = options.threads as usize;
    let result = batch::run(
        threads,
        &todo,
        &stop,
        |p| sweep.point(p),
        |_, row: Row| {
            *statuses.entry(row.status.clone()).or_default() += 1;
            let line = row.encode(format);
            let _held = writing.lock();
            match &mut sink {
                Sink::File(f) => f.append(&line),
                Sink::Stdout(order) => {
                    for l in order.push(row.point, line) {
                        if !write_stdout(&l) {
                            // A closed pipe (`| head`): nobody reads any more.
                            closed.store(true, Ordering::SeqCst);
                            stop.store(true, Ordering::SeqCst);
                        }
                    }
                    Ok(())
                }
            }
        },
        |pr| bar.set_position(pr.done as u64),
    );
    bar.finish_and_clear();
    let done = result?;
    let complete = done == todo.len();
    match sink {
        Sink::File(f) if complete => f.finish()?,
        Sink::File(_) => {}
        Sink::Stdout(_) if closed.load(Ordering::SeqCst) => {}
        Sink::Stdout(mut order) => {
            let _held = writing.lock();
            for l in order.drain() {
                write_stdout(&l);
            }
        }
    }
    if closed.load(Ordering::SeqCst) {
        return Ok(Outcome::Done);
    }
    if !complete {
        let kept = points.len() - (todo.len() - done);
        match &a.output {
            Some(path) => eprintln!(
                "interrupted: {kept} of {} points are in {}; run the same command with --resume to finish",
                points.len(),
                path.display()
            ),
            None => eprintln!("interrupted: {kept} of {} points written", points.len()),
        }
        return Ok(Outcome::Interrupted);
    }
    if !a.quiet {
        eprintln!(
            "{}",
            run_summary("points", todo.len(), points.len(), &statuses, shard)
        );
    }
    Ok(Outcome::Done)
}

/// "12 points (shard 0/3) solved: 11 optimal, 1 infeasible; 4 were done already".
pub fn run_summary(
    noun: &str,
    ran: usize,
    total: usize,
    statuses: &BTreeMap<String, usize>,
    shard: Option<Shard>,
) -> String {
    let counts: Vec<String> = statuses.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let shard_note = shard
        .map(|s| format!(" (shard {}/{})", s.index, s.count))
        .unwrap_or_default();
    format!(
        "{ran} {noun}{shard_note} solved{}{}",
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        },
        if ran < total {
            format!("; {} were done already", total - ran)
        } else {
            String::new()
        }
    )
}

/// A progress bar on stderr for `todo` of `total` items (hidden when quiet or
/// when stderr is not a terminal).
pub(super) fn progress_bar(quiet: bool, todo: usize, total: usize, what: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(todo as u64);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:30}} {{pos}}/{{len}} {what}  {{per_sec}}  ETA {{eta}}  {{msg}}"
    )) {
        b.set_style(style);
    }
    if todo < total {
        b.set_message(format!("({} done before)", total - todo));
    }
    b
}

/// Ctrl-C (and SIGTERM, SIGHUP): the first sets the returned flag, so that no new
/// item is started and every finished row is kept; the second quits at once, but
/// never while the returned lock is held (in the middle of writing a row).
pub(super) fn stop_on_ctrl_c(bar: &ProgressBar, what: &str) -> (Arc<AtomicBool>, Arc<Mutex<()>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let writing = Arc::new(Mutex::new(()));
    {
        let (stop, writing, bar) = (stop.clone(), writing.clone(), bar.clone());
        let presses = AtomicUsize::new(0);
        let message =
            format!("stopping: finishing the {what} in progress (Ctrl-C again to quit now)");
        let _ = ctrlc::set_handler(move || {
            if presses.fetch_add(1, Ordering::SeqCst) == 0 {
                stop.store(true, Ordering::SeqCst);
                bar.println(&message);
            } else {
                let _held = writing.lock();
                std::process::exit(130);
            }
        });
    }
    (stop, writing)
}

/// Writes one line to stdout; false when stdout is closed.
fn write_stdout(line: &str) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .is_ok()
}
