//! `symbio solve`: the optimal exchange plan of a scenario.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::batch::stop_on_ctrl_c;
use super::table::num;
use symbio::analysis::shards;
use symbio::files::Kind;

use super::{
    args::{InputArgs, OutputArgs, SolverArgs},
    output, syntax, table, CliError, Outcome,
};

/// Output formats of `symbio solve` (docs/reports.md): those of the shared
/// family (`table`, `json`, `csv`), and documents for maps and graphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum PlanFormat {
    /// A readable table.
    #[default]
    Table,
    /// One JSON document with a stable schema (docs/plan-format.md).
    Json,
    /// CSV rows: the chosen links, or the sites' benefits with --table sites, or
    /// the plants with --table plants.
    Csv,
    /// A GeoJSON FeatureCollection (RFC 7946) of the sites and links; needs lat/lon.
    Geojson,
    /// The exchange graph for Graphviz (`dot -Tsvg`).
    Dot,
}

/// The rows of `--format csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum CsvTable {
    /// One row per chosen link.
    #[default]
    Links,
    /// One row per site: its benefit.
    Sites,
    /// One row per plant: opened or not, size, throughput, streams, economics.
    Plants,
    /// One row per output or input used in part: what binds it.
    Limits,
    /// One row per chosen link and period: its flow and use in the period
    /// (a scenario with periods).
    Periods,
    /// One row per store and period: its stock, what goes in and out.
    Stores,
}

/// Arguments of `symbio solve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    #[command(flatten)]
    pub plan: PlanOutput,
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
    /// whole network, before decomposition or reduction), to this file: .mps or .lp.
    #[arg(long, value_name = "FILE")]
    pub export_model: Option<PathBuf>,
    /// Solve only shard K of N (0-based) of the network's independent parts, and
    /// write their solutions as JSON for `symbio merge --scenario FILE` (docs/cluster.md).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Seconds between the progress lines written when stderr is not a terminal
    /// (hidden: for tests).
    #[arg(long, value_name = "SECONDS", default_value_t = PROGRESS_EVERY, hide = true)]
    pub progress_every: f64,
}

/// Seconds between the plain progress lines of a search whose stderr is not a
/// terminal (a file, a pipe, a batch system's log).
const PROGRESS_EVERY: f64 = 10.0;

/// How a plan is written: `--format` and `--table`, shared by `solve` and `merge`.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanOutput {
    /// Output format [default: table; with -o FILE, the format its extension
    /// names: .json, .csv, .geojson, .dot].
    #[arg(long, value_enum)]
    pub format: Option<PlanFormat>,
    /// The rows of --format csv: `links` (the default) or `sites`.
    #[arg(long, value_enum, value_name = "ROWS")]
    pub table: Option<CsvTable>,
    /// The format once the output file is known ([`PlanOutput::check`]).
    #[arg(skip)]
    resolved: std::sync::OnceLock<PlanFormat>,
}

impl PlanOutput {
    /// The format asked for (or named by the output's extension), or the default.
    pub fn format(&self) -> PlanFormat {
        self.resolved
            .get()
            .copied()
            .unwrap_or_else(|| self.format.unwrap_or_default())
    }

    /// Settles the format with the output `out` (its extension names one when
    /// --format is not given) and refuses flags that do not go together.
    pub fn check(&self, out: &OutputArgs) -> Result<(), CliError> {
        let format = out.format(self.format, PlanFormat::default())?;
        let _ = self.resolved.set(format);
        if self.table.is_some() && self.format() != PlanFormat::Csv {
            return Err(CliError::Usage(
                "--table chooses the rows of --format csv: add --format csv".into(),
            ));
        }
        Ok(())
    }

    /// Before a solve: refuses a format that cannot be drawn of the scenario (no
    /// search for a map that cannot be drawn).
    pub fn check_scenario(&self, s: &symbio::Scenario) -> Result<(), CliError> {
        if self.format() == PlanFormat::Geojson {
            symbio::report::geojson::check(s).map_err(report_error)?;
        }
        Ok(())
    }

    /// The plan in the format asked for (of a search `interrupted` by Ctrl-C, the
    /// table says so).
    pub fn render(
        &self,
        plan: &symbio::Plan,
        s: &symbio::Scenario,
        interrupted: bool,
    ) -> Result<String, CliError> {
        use symbio::report;
        Ok(match self.format() {
            PlanFormat::Json => output::to_json(plan),
            PlanFormat::Table => table::plan(plan, interrupted),
            PlanFormat::Csv => match self.table.unwrap_or_default() {
                CsvTable::Links => report::csv::links(plan, s),
                CsvTable::Sites => report::csv::sites(plan),
                CsvTable::Plants => report::csv::plants(plan, s),
                CsvTable::Limits => report::csv::limits(plan),
                CsvTable::Periods => report::csv::periods(plan),
                CsvTable::Stores => report::csv::stores(plan),
            }
            .map_err(report_error)?,
            PlanFormat::Geojson => report::geojson::collection(plan, s).map_err(report_error)?,
            PlanFormat::Dot => report::dot::graph(plan, s),
        })
    }
}

/// Runs `symbio solve`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let start = Instant::now();
    let shard = a.shard.as_deref().map(syntax::shard).transpose()?;
    if shard.is_none() {
        a.plan.check(&a.out)?;
    } else if a.out.format(a.plan.format, PlanFormat::Json)? != PlanFormat::Json {
        return Err(CliError::Usage(
            "--shard writes the solutions of its parts as JSON (symbio merge makes the plan of \
             them): leave out --format, or give --format json"
                .into(),
        ));
    }
    let options = symbio::SolveOptions {
        decompose: !a.no_decompose,
        ..a.solver.resolve()?
    };
    // The command's one deadline: loading counts.
    let deadline = symbio::model::Deadline::after(options.time_limit);
    if shard.is_some() && a.no_decompose {
        return Err(CliError::Usage(
            "--shard deals out the independent parts: it cannot go with --no-decompose".into(),
        ));
    }
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    a.out.guard(loaded.files.clone(), Kind::Other)?;
    if let Some(path) = &a.export_model {
        output::check(path, &loaded.files, Kind::Other, a.out.force)?;
    }
    let scenario = symbio::scenario::validate::validate(&loaded)?;
    a.plan.check_scenario(&scenario)?;
    if !a.out.quiet {
        eprint!(
            "{}",
            super::check::unplaced_warnings(&symbio::analysis::unplaced::unplaced(&scenario))
        );
    }
    if let Some(path) = &a.export_model {
        let net = symbio::network::build(&scenario)?;
        symbio::model::export(&scenario, &net, path)?;
    }
    let bar = ProgressBar::hidden();
    let (stop, _) = stop_on_ctrl_c(&bar, "search (the best plan found is kept)");
    let terminal = std::io::stderr().is_terminal();
    // On a terminal a live line; elsewhere (a file, a pipe, a batch system's
    // log) a plain line every `--progress-every` seconds.
    let live = !a.out.quiet && terminal;
    let plain = (!a.out.quiet && !terminal).then_some(every(a.progress_every)?);
    let currency = scenario.currency.clone();
    let latest = Mutex::new((None, None));
    let progress = |best: Option<f64>, bound: Option<f64>| {
        if let Ok(mut l) = latest.lock() {
            *l = (best, bound);
        }
        if live {
            progress_line(&bar, start, &currency, best, bound);
        }
    };
    let control = symbio::Control {
        stop: Some(&stop),
        progress: (live || plain.is_some()).then_some(&progress as _),
    };
    // The library takes seconds: what is left of the command's deadline.
    let options = symbio::SolveOptions {
        time_limit: deadline.left(),
        ..options
    };
    let search = || -> Result<Found, symbio::Error> {
        Ok(match shard {
            Some(shard) => Found::Shard(shards::solve_shard(
                &loaded, &scenario, &options, shard, control,
            )?),
            None => Found::Plan(Box::new(symbio::solve_controlled(
                &scenario, &options, control,
            )?)),
        })
    };
    let found = match plain {
        Some(every) => with_plain_progress(every, start, &currency, &latest, search),
        None => search(),
    }?;
    bar.finish_and_clear();
    let interrupted = stop.load(Ordering::SeqCst);
    if interrupted && !a.out.quiet {
        eprintln!("interrupted: the best plan found is written (its status: time_limit)");
    }
    let plan = match found {
        Found::Plan(plan) => *plan,
        Found::Shard(answer) => {
            a.out.emit(&output::to_json(&answer))?;
            return Ok(if interrupted {
                Outcome::Interrupted
            } else {
                Outcome::Done
            });
        }
    };
    let text = a.plan.render(&plan, &scenario, interrupted)?;
    a.out.emit(&text)?;
    Ok(if stop.load(Ordering::SeqCst) {
        Outcome::Interrupted
    } else if plan.status.has_plan() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

/// A report that cannot be made of the plan: the format asked for does not fit
/// the scenario (exit 2).
pub(super) fn report_error(e: symbio::report::Error) -> CliError {
    CliError::Usage(e.to_string())
}

/// What a search found: the plan, or the solutions of a shard's parts.
enum Found {
    Plan(Box<symbio::Plan>),
    Shard(shards::ShardPlan),
}

/// The seconds between plain progress lines (`--progress-every`).
fn every(seconds: f64) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--progress-every must be a number of seconds > 0, got {seconds}"
            ))
        })
}

/// Runs `search` while another thread writes a plain line on stderr every
/// `every`: the elapsed time and the best plan, bound and gap in `latest`.
fn with_plain_progress<T: Send>(
    every: Duration,
    start: Instant,
    cur: &str,
    latest: &Mutex<(Option<f64>, Option<f64>)>,
    search: impl FnOnce() -> T,
) -> T {
    let (done, ended) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = ended.recv_timeout(every) {
                let (best, bound) = latest.lock().map(|l| *l).unwrap_or_default();
                eprintln!(
                    "search: {} s, {}",
                    start.elapsed().as_secs(),
                    figures(cur, best, bound)
                );
            }
        });
        let result = search();
        drop(done);
        result
    })
}

/// The best plan, the bound and the gap, as progress lines say them.
fn figures(cur: &str, best: Option<f64>, bound: Option<f64>) -> String {
    let figure = |v: Option<f64>| v.map_or("-".to_owned(), |v| num(v, 0));
    let gap = match (best, bound) {
        (Some(b), Some(u)) if b.abs() > 0.0 => format!("{:.3} %", 100.0 * (u - b).abs() / b.abs()),
        _ => "-".to_owned(),
    };
    format!(
        "best plan {} {cur}/yr, bound {}, gap {gap}",
        figure(best),
        figure(bound)
    )
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
    bar.set_message(format!(
        "{} (Ctrl-C stops with the best plan)",
        figures(cur, best, bound)
    ));
}
