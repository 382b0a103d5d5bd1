//! The search of one solve, traced: how the best plan and the bound close in over
//! time, for the region benchmark of docs/performance.md.
//!
//! ```text
//! cargo run --release --example trace -- FILE [--time-limit SECS] [--threads N]
//!                                              [--reduce auto|always|never] [--no-decompose]
//!                                              [--curve]
//! ```
//!
//! Prints one JSON object: the seconds from the start of the process (loading
//! included) at which the relative gap |bound − best| / |best| first reached 2 %,
//! 1.5 %, 1 %, 0.1 % and 0.01 % (null if never), the gap at 30 s and 300 s and at the end,
//! the status, the net benefit and bound of the end, and the peak resident memory
//! (VmHWM, MiB). With `--curve`, stderr gets the time, gap and best plan of every
//! point where the gap fell by a tenth of what it was. `benches/region/highs_trace.py` prints the same fields for raw
//! HiGHS on the exported model, so that `benches/region/run.sh` can put the two
//! side by side.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use serde_json::json;
use symbio::model::Reduce;
use symbio::{Control, SolveOptions};

/// The gaps whose first time is reported.
const TARGETS: [f64; 5] = [2e-2, 1.5e-2, 1e-2, 1e-3, 1e-4];
/// The times at which the gap is reported, seconds.
const CHECKPOINTS: [f64; 2] = [30.0, 300.0];

fn main() -> Result<(), String> {
    let started = Instant::now();
    let mut file = None;
    let mut curve = false;
    let mut options = SolveOptions::default();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--time-limit" => {
                options.time_limit = Some(value(&a)?.parse().map_err(|e| format!("{a}: {e}"))?)
            }
            "--threads" => options.threads = value(&a)?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--reduce" => {
                options.reduce = match value(&a)?.as_str() {
                    "auto" => Reduce::Auto,
                    "always" => Reduce::Always,
                    "never" => Reduce::Never,
                    other => return Err(format!("--reduce {other}: auto, always or never")),
                }
            }
            "--no-decompose" => options.decompose = false,
            "--curve" => curve = true,
            _ if file.is_none() => file = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    let file = file.ok_or("give a scenario file")?;
    let scenario = symbio::scenario::read(&file).map_err(|e| e.to_string())?;
    let trace = Trace::new(started);
    let observe = |best: Option<f64>, bound: Option<f64>| trace.note(best, bound);
    let control = Control {
        stop: None,
        progress: Some(&observe),
    };
    // The run's time limit counts from its start: reading the file counts.
    let spent = started.elapsed().as_secs_f64();
    let options = SolveOptions {
        time_limit: options.time_limit.map(|t| (t - spent).max(0.0)),
        ..options
    };
    // Under a cap on the address space (benches/region/run.sh), HiGHS reports a
    // failed allocation as a plain error: the error says how much the process took.
    let plan =
        symbio::solve_controlled(&scenario, &options, control).map_err(|e| {
            match status_mib("VmPeak:") {
                Some(peak) => format!("{e} (peak address space {peak:.0} MiB)"),
                None => e.to_string(),
            }
        })?;
    trace.note(plan.objective, plan.best_bound);
    let end = started.elapsed().as_secs_f64();
    let points = trace.points.into_inner().unwrap_or_default();
    let first = |g: f64| points.iter().find(|p| p.2 <= g).map(|p| p.0);
    let at = |t: f64| points.iter().take_while(|p| p.0 <= t).last().map(|p| p.2);
    let summary = json!({
        "solver": "symbio",
        "file": file.display().to_string(),
        "seconds_to": TARGETS.iter().map(|&g| (format!("{g}"), json!(first(g)))).collect::<serde_json::Map<_, _>>(),
        // A run limited to t seconds ends just before t: its last gap is the gap at t.
        "gap_at": CHECKPOINTS.iter().filter(|&&t| t <= end * 1.05).map(|&t| (format!("{t}"), json!(at(t)))).collect::<serde_json::Map<_, _>>(),
        "status": plan.status.name(),
        "objective": plan.objective,
        "bound": plan.best_bound,
        "gap": plan.gap,
        "seconds": end,
        "peak_mib": peak_mib(),
    });
    println!("{summary}");
    if curve {
        // Every point where the gap fell by a tenth or more of what it was.
        let mut last = f64::INFINITY;
        for &(t, best, gap) in &points {
            if gap < 0.9 * last {
                eprintln!("{t:8.2} s  gap {:8.4} %  best {best:.6e}", 100.0 * gap);
                last = gap;
            }
        }
    }
    Ok(())
}

/// The (seconds, best, gap) points of a search, in time order.
struct Trace {
    started: Instant,
    points: Mutex<Vec<(f64, f64, f64)>>,
}

impl Trace {
    fn new(started: Instant) -> Trace {
        Trace {
            started,
            points: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, best: Option<f64>, bound: Option<f64>) {
        let (Some(best), Some(bound)) = (best, bound) else {
            return;
        };
        if best == 0.0 {
            return;
        }
        let gap = ((bound - best) / best.abs()).abs();
        let t = self.started.elapsed().as_secs_f64();
        if let Ok(mut points) = self.points.lock() {
            points.push((t, best, gap));
        }
    }
}

/// The peak resident memory of this process, MiB (Linux; `None` elsewhere).
fn peak_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// A figure of this process's `/proc/self/status` in kB, as MiB (Linux; `None` elsewhere).
fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
