//! The command line's side of a batch run (`sweep`, `montecarlo --rows`): the
//! progress bar, Ctrl-C and the closing lines on stderr. The run itself (shards,
//! resume, rows streamed) is the library's [`symbio::analysis::batch::run_batch`].

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressStyle};
use symbio::analysis::batch::{self, Batch, Destination, Format, Report, RunOptions, Shard};
use symbio::analysis::point::PointStatus;

use super::CliError;

/// How a batch run is asked for on the command line.
pub struct Request<'a> {
    /// Rows format.
    pub format: Format,
    /// The rows file, or stdout.
    pub output: Option<&'a Path>,
    /// Continue the run in the rows file.
    pub resume: bool,
    /// Only this shard.
    pub shard: Option<Shard>,
    /// Points solved at once.
    pub threads: usize,
    /// No progress bar or closing line.
    pub quiet: bool,
    /// What a point is called in messages ("points", "samples").
    pub noun: &'a str,
}

/// Runs the batch into the request's output (a file, or stdout) with a progress
/// bar and Ctrl-C handling. Returns the report; an interrupted run has been said
/// on stderr already.
/// Rows on stdout are the rows a file gets, without the fingerprint file
/// beside it: a shard to be merged or resumed is written to a file.
pub fn run<B: Batch>(b: &B, r: &Request<'_>) -> Result<Report, CliError> {
    let mut stdout = write_stdout;
    let destination = match r.output {
        Some(path) => Destination::File {
            path,
            resume: r.resume,
        },
        None => Destination::Lines(&mut stdout),
    };
    drive(b, destination, r)
}

/// Runs the batch like [`run`], keeping the rows (lines of the request's format,
/// in point order) instead of writing them.
pub fn collect<B: Batch>(b: &B, r: &Request<'_>) -> Result<(Report, Vec<String>), CliError> {
    let mut lines = Vec::new();
    let mut keep = |line: &str| {
        lines.push(line.to_owned());
        true
    };
    let report = drive(b, Destination::Lines(&mut keep), r)?;
    Ok((report, lines))
}

/// The run itself: the progress bar, Ctrl-C, and the closing lines on stderr.
fn drive<B: Batch>(
    b: &B,
    destination: Destination<'_>,
    r: &Request<'_>,
) -> Result<Report, CliError> {
    let bar = ProgressBar::hidden();
    let (stop, writing) = stop_on_ctrl_c(&bar, r.noun);
    let options = RunOptions {
        threads: r.threads,
        format: r.format,
        shard: r.shard,
        stop: &stop,
        writing: Some(&writing),
    };
    let mut started = false;
    let report = batch::run_batch(b, destination, &options, |p| {
        if !started {
            started = true;
            show(&bar, r, p.total, p.before);
        }
        bar.set_position(p.done as u64);
    });
    bar.finish_and_clear();
    let report = report?;
    if report.closed {
        return Ok(report);
    }
    if !report.complete() {
        let kept = report.points - (report.todo - report.done);
        match r.output {
            Some(path) => eprintln!(
                "interrupted: {kept} of {} {} are in {}; run the same command with --resume to finish",
                report.points,
                r.noun,
                path.display()
            ),
            None => eprintln!("interrupted: {kept} of {} {} written", report.points, r.noun),
        }
    } else if !r.quiet {
        eprintln!("{}", summary(r.noun, &report, r.shard));
    }
    Ok(report)
}

/// Turns the hidden bar into a visible one on a terminal, for `todo` points
/// with `before` done before.
fn show(bar: &ProgressBar, r: &Request<'_>, todo: usize, before: usize) {
    if r.quiet || !std::io::stderr().is_terminal() {
        return;
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.set_length(todo as u64);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:30}} {{pos}}/{{len}} {}  {{per_sec}}  ETA {{eta}}  {{msg}}",
        r.noun
    )) {
        bar.set_style(style);
    }
    if before > 0 {
        bar.set_message(format!("({before} done before)"));
    }
}

/// "12 points (shard 0/3) solved: 11 optimal, 1 infeasible; 4 were done already".
fn summary(noun: &str, report: &Report, shard: Option<Shard>) -> String {
    let counts: Vec<String> = report
        .statuses
        .iter()
        .map(|(s, n): (&PointStatus, &usize)| format!("{n} {}", s.name()))
        .collect();
    let shard_note = shard
        .map(|s| format!(" (shard {}/{})", s.index, s.count))
        .unwrap_or_default();
    format!(
        "{} {noun}{shard_note} solved{}{}",
        report.todo,
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        },
        if report.todo < report.points {
            format!("; {} were done already", report.points - report.todo)
        } else {
            String::new()
        }
    )
}

/// Ctrl-C (and SIGTERM, SIGHUP): the first sets the returned flag, so that no new
/// point is started and every finished row is kept; the second quits at once, but
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
