//! `symbio solve`: the optimal exchange plan of a scenario.

use std::path::PathBuf;

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
}

/// Runs `symbio solve`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let options = symbio::SolveOptions {
        decompose: !a.no_decompose,
        ..a.solver.resolve()?
    };
    let scenario = symbio::scenario::read_with(&a.file, &a.input.options())?;
    let plan = symbio::solve(&scenario, &options)?;
    let text = match a.format {
        Format::Json => output::to_json(&plan),
        Format::Table => table::plan(&plan),
    };
    a.out.emit(&text)?;
    Ok(if plan.status.has_plan() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}
