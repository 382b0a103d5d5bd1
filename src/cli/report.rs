//! `symbio report`: one self-contained HTML page of a plan (with `--compare`,
//! today's network against the optimum), of sweep rows or of a Pareto front.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use symbio::analysis::allocation::ShapleyOptions;
use symbio::analysis::compare::{compare, CompareOptions};
use symbio::report::html::{self, Contents};

use super::compare::Allocation;
use super::{
    args::{InputArgs, OutputArgs, SolverArgs},
    CliError, Outcome,
};

/// Arguments of `symbio report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json): its plan is solved
    /// and reported. Optional with --sweep or --pareto.
    #[arg(required_unless_present_any = ["sweep", "pareto"])]
    pub file: Option<PathBuf>,
    /// Also compare today's network (the existing links) with the optimum, and
    /// show each firm's gain.
    #[arg(long, requires = "file")]
    pub compare: bool,
    /// With --compare: `shapley` adds the Shapley value of every site (one MILP
    /// per coalition).
    #[arg(long, value_enum, default_value_t = Allocation::Split, requires = "compare")]
    pub allocation: Allocation,
    /// Rows of `symbio sweep --format jsonl` (or `--format json`): net benefit
    /// and CO2 against the swept field.
    #[arg(long, value_name = "ROWS")]
    pub sweep: Option<PathBuf>,
    /// A front of `symbio pareto --format json`: net benefit against CO2 avoided.
    #[arg(long, value_name = "FRONT")]
    pub pareto: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Runs `symbio report`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    if a.out.file().is_none() && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "report writes one HTML page, not text for a terminal: give -o report.html (or send \
             stdout to a file or a pipe)"
                .into(),
        ));
    }
    // The one format of a report: -o must not name another.
    if let Some((f, named)) = a
        .out
        .file()
        .and_then(|f| Some((f, super::args::extension_format(f)?)))
        .filter(|(_, named)| *named != "html")
    {
        return Err(CliError::Usage(format!(
            "{}: report writes one HTML page, not {named}: give the file the extension .html",
            f.display()
        )));
    }
    let solve = a.solver.resolve()?;
    let loaded = a
        .file
        .as_deref()
        .map(|f| symbio::scenario::load::load_with(f, &a.input.options()))
        .transpose()?;
    let mut inputs: Vec<PathBuf> = a.sweep.iter().chain(&a.pareto).cloned().collect();
    inputs.extend(loaded.iter().flat_map(|l| l.files.iter().cloned()));
    a.out.guard(inputs, symbio::files::Kind::Other)?;
    let rows = a
        .sweep
        .as_deref()
        .map(|p| read(p, a.input.max_input_size).and_then(|t| sweep_rows(p, &t)))
        .transpose()?;
    let front = a
        .pareto
        .as_deref()
        .map(|p| read(p, a.input.max_input_size).and_then(|t| front(p, &t)))
        .transpose()?;
    let scenario = loaded
        .as_ref()
        .map(symbio::scenario::validate::validate)
        .transpose()?;
    let plan = scenario
        .as_ref()
        .map(|s| symbio::solve(s, &solve))
        .transpose()?;
    let comparison = match (&scenario, a.compare) {
        (Some(s), true) => Some(compare(
            s,
            &CompareOptions {
                solve,
                threads: solve.threads as usize,
                shapley: (a.allocation == Allocation::Shapley).then_some(ShapleyOptions {
                    threads: solve.threads as usize,
                    solve,
                    ..ShapleyOptions::default()
                }),
                ..CompareOptions::default()
            },
        )?),
        _ => None,
    };
    let source = a.file.as_deref().map(|f| f.display().to_string());
    let page = html::page(&Contents {
        plan: plan.as_ref().zip(scenario.as_ref()),
        source: source.as_deref(),
        comparison: comparison.as_ref(),
        sweep: rows.as_deref(),
        front: front.as_ref(),
    });
    a.out.emit(&page)?;
    let solved = plan.as_ref().map_or(true, |p| p.status.has_plan())
        && comparison.as_ref().map_or(true, |c| c.has_plans());
    Ok(if solved {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

/// The text of a file given to a flag, at most `limit` bytes.
fn read(path: &Path, limit: u64) -> Result<String, CliError> {
    let shown = path.display();
    let len = std::fs::metadata(path)
        .map_err(|e| CliError::Usage(format!("cannot read {shown}: {e}")))?
        .len();
    if len > limit {
        return Err(CliError::Usage(format!(
            "{shown} is {len} bytes, more than the {limit} read (--max-input-size raises the limit)"
        )));
    }
    std::fs::read_to_string(path).map_err(|e| CliError::Usage(format!("cannot read {shown}: {e}")))
}

/// Sweep rows in any format `symbio sweep` writes: JSON Lines (a rows file or
/// stdout), the JSON array, or CSV (a rows file or stdout).
fn sweep_rows(path: &Path, text: &str) -> Result<Vec<symbio::analysis::sweep::Row>, CliError> {
    let first = text.trim_start();
    if is_csv(path, first, "point,") || first.starts_with("# symbio_rows") {
        return symbio::analysis::sweep::read_csv(text)
            .map_err(|e| CliError::Usage(format!("{}: sweep rows: {e}", path.display())));
    }
    input(path, html::read_rows(text))
}

/// Whether a document read for the report is CSV: its extension says so, or its
/// first line starts with the first column of its header.
fn is_csv(path: &Path, text: &str, header: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || text.starts_with(header)
}

/// A Pareto front in any format `symbio pareto` writes to be read: JSON or CSV.
fn front(path: &Path, text: &str) -> Result<symbio::analysis::pareto::Front, CliError> {
    if is_csv(path, text.trim_start(), "point,") {
        return symbio::analysis::pareto::read_csv(text)
            .map_err(|e| CliError::Usage(format!("{}: Pareto front: {e}", path.display())));
    }
    input(path, html::read_front(text))
}

/// A document read for the report, or why it is refused, naming its file.
fn input<T>(path: &Path, parsed: Result<T, symbio::report::Error>) -> Result<T, CliError> {
    parsed.map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}
