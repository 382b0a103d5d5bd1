//! `symbio solve`: the optimal exchange plan of a scenario.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::batch::stop_on_ctrl_c;
use super::table::num;
use super::{output, table, CliError, Format, InputArgs, Outcome, OutputArgs, SolverArgs};

/// Arguments of `symbio solve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Solve the whole network as one MILP instead of its independent parts side
    /// by side (then --threads are the threads of HiGHS).
    #[arg(long)]
    pub no_decompose: bool,
    /// Also write the MILP, exactly as it is handed to HiGHS (one model of the
    /// whole network, before decomposition), to this file: .mps or .lp.
    #[arg(long, value_name = "FILE")]
    pub export_model: Option<PathBuf>,
}

/// Runs `symbio solve`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let start = Instant::now();
    let options = symbio::SolveOptions {
        decompose: !a.no_decompose,
        ..a.solver.resolve()?
    };
    let scenario = symbio::scenario::read_with(&a.file, &a.input.options())?;
    if let Some(path) = &a.export_model {
        let net = symbio::network::build(&scenario)?;
        symbio::model::export(&scenario, &net, path)?;
    }
    let bar = ProgressBar::hidden();
    let (stop, _) = stop_on_ctrl_c(&bar, "search (the best plan found is kept)");
    let show = !a.out.quiet && std::io::stderr().is_terminal();
    let currency = scenario.currency.clone();
    let progress = |best: Option<f64>, bound: Option<f64>| {
        if show {
            progress_line(&bar, start, &currency, best, bound);
        }
    };
    let control = symbio::Control {
        stop: Some(&stop),
        progress: show.then_some(&progress as _),
    };
    // The time limit is the command's: loading counts.
    let plan = symbio::solve_controlled(&scenario, &options.less(start.elapsed()), control)?;
    bar.finish_and_clear();
    let text = match a.format {
        Format::Json => output::to_json(&plan),
        Format::Table => table::plan(&plan),
    };
    a.out.emit(&text)?;
    Ok(if stop.load(Ordering::SeqCst) {
        Outcome::Interrupted
    } else if plan.status.has_plan() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

/// One line on stderr while a search runs longer than a second: the best plan,
/// the bound and the gap so far.
fn progress_line(
    bar: &ProgressBar,
    start: Instant,
    cur: &str,
    best: Option<f64>,
    bound: Option<f64>,
) {
    if bar.is_hidden() {
        if start.elapsed() < Duration::from_secs(1) {
            return;
        }
        bar.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
    }
    let figure = |v: Option<f64>| v.map_or("-".to_owned(), |v| num(v, 0));
    let gap = match (best, bound) {
        (Some(b), Some(u)) if b.abs() > 0.0 => format!("{:.3} %", 100.0 * (u - b).abs() / b.abs()),
        _ => "-".to_owned(),
    };
    bar.set_message(format!(
        "best plan {} {cur}/yr, bound {}, gap {gap} (Ctrl-C stops with the best plan)",
        figure(best),
        figure(bound)
    ));
}
