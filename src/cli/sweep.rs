//! `symbio sweep`: solve a scenario over a grid of values of its numeric fields.

use std::path::PathBuf;

use symbio::analysis::batch::Format;
use symbio::analysis::sweep::Sweep;

use super::batch::{self, Request};
use super::{syntax, CliError, Outcome, SolverArgs};

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

/// Runs `symbio sweep`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let options = a.solver.resolve()?;
    let format = match a.format {
        SweepFormat::Jsonl => Format::JsonLines,
        SweepFormat::Csv => Format::Csv,
    };
    let shard = a.shard.as_deref().map(syntax::shard).transpose()?;
    let axes = a
        .set
        .iter()
        .map(|s| syntax::axis(s))
        .collect::<Result<Vec<_>, _>>()?;
    let loaded = symbio::scenario::load::load(&a.file)?;
    let sweep = Sweep::new(loaded, axes, options)?;
    let report = batch::run(
        &sweep,
        &Request {
            format,
            output: a.output.as_deref(),
            resume: a.resume,
            shard,
            threads: options.threads as usize,
            quiet: a.quiet,
            noun: "points",
        },
    )?;
    Ok(if report.complete() || report.closed {
        Outcome::Done
    } else {
        Outcome::Interrupted
    })
}
