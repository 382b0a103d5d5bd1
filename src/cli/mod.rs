//! Command-line interface: clap types, one file per subcommand, rendering.
//!
//! Exit codes are a contract: 0 solved, 1 no feasible plan, 2 bad input or usage,
//! 130 interrupted by a signal (`sweep`, which keeps its finished rows).

mod batch;
mod breakeven;
mod check;
mod compare;
mod export;
mod import;
mod init;
mod merge;
mod montecarlo;
mod output;
mod pareto;
mod report;
mod solve;
mod sweep;
mod syntax;
mod table;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

/// Optimise industrial symbiosis networks: which waste or by-product should go
/// from which site to which, how, and how much per year.
#[derive(Debug, Parser)]
#[command(name = "symbio", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve a scenario: the exchange plan that maximises annual net benefit.
    Solve(solve::Args),
    /// Load and validate a scenario, and summarise its candidate network.
    Check(check::Args),
    /// Print the JSON Schema of scenario files.
    Schema(SchemaArgs),
    /// Write a commented starter scenario that includes the catalog.
    Init(init::Args),
    /// Trade-off between net benefit and CO2 avoided (ε-constraint Pareto front).
    Pareto(pareto::Args),
    /// Value of a parameter at which each link enters or leaves the plan.
    Breakeven(breakeven::Args),
    /// Solve samples of the [[uncertainty]] section: link shares, benefit and CO2 spread.
    Montecarlo(montecarlo::Args),
    /// Solve a scenario over a grid of values of its numeric fields (JSON Lines or CSV).
    Sweep(sweep::Args),
    /// Join the outputs of shards (`sweep` or `montecarlo --shard K/N`) into one.
    Merge(merge::Args),
    /// Compare today's network with the optimum, and what every firm gains.
    Compare(compare::Args),
    /// Write one self-contained HTML page: map, exchanges, firms, flows, charts.
    Report(report::Args),
    /// Read a workbook (xlsx, ods) or a folder of CSV files as a scenario file.
    Import(import::Args),
    /// Write a scenario, includes merged, as an xlsx workbook or CSV files to edit.
    Export(export::Args),
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the manual page of symbio (roff, for `man -l -`).
    Man(ManArgs),
}

impl Command {
    /// The output flags of the subcommand.
    fn out(&self) -> &OutputArgs {
        match self {
            Command::Solve(a) => &a.out,
            Command::Check(a) => &a.out,
            Command::Schema(a) => &a.out,
            Command::Init(a) => &a.out,
            Command::Pareto(a) => &a.out,
            Command::Breakeven(a) => &a.out,
            Command::Montecarlo(a) => &a.out,
            Command::Sweep(a) => &a.out,
            Command::Merge(a) => &a.out,
            Command::Compare(a) => &a.out,
            Command::Report(a) => &a.out,
            Command::Import(a) => &a.out,
            Command::Export(a) => &a.out,
            Command::Completions(a) => &a.out,
            Command::Man(a) => &a.out,
        }
    }
}

/// Arguments of `symbio completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// The shell the script is for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Arguments of `symbio man`.
#[derive(Debug, Clone, clap::Args)]
pub struct ManArgs {
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The completion script of `shell`.
fn completions(a: &CompletionsArgs) -> Result<Outcome, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "symbio", &mut script);
    a.out.emit(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Done)
}

/// The manual page: symbio's, then one section per subcommand.
fn man(a: &ManArgs) -> Result<Outcome, CliError> {
    let mut page = Vec::new();
    let cli = Cli::command();
    let write = |page: &mut Vec<u8>, cmd: clap::Command| {
        clap_mangen::Man::new(cmd)
            .render(page)
            .map_err(|e| CliError::Usage(format!("cannot render the manual page: {e}")))
    };
    write(&mut page, cli.clone())?;
    for sub in cli.get_subcommands() {
        let name = format!("symbio-{}", sub.get_name());
        write(&mut page, sub.clone().name(name))?;
    }
    a.out.emit(&String::from_utf8_lossy(&page))?;
    Ok(Outcome::Done)
}

/// Output format of the subcommands whose result is one document. Every
/// subcommand's `--format` takes the names of this family: `table` for people,
/// `json` for one JSON document, `jsonl` for JSON Lines (one object per row) and
/// `csv` for rows, each where it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A readable table.
    #[default]
    Table,
    /// One JSON document with a stable schema (docs/plan-format.md).
    Json,
}

/// The only format of `symbio schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SchemaFormat {
    /// The JSON Schema (draft 2020-12) of scenario files.
    #[default]
    Json,
}

/// Arguments of `symbio schema`.
#[derive(Debug, Clone, clap::Args)]
pub struct SchemaArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = SchemaFormat::Json)]
    pub format: SchemaFormat,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Where a subcommand's result goes, and how much it says on stderr: the same
/// flags in every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Write the result to this file, whole or not at all (`-` is stdout, the
    /// default).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Say nothing on stderr but errors: no progress, no notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Tables: cut no name and wrap no line to the width of the terminal (the
    /// `COLUMNS` variable, else the terminal's, else 100).
    #[arg(long)]
    pub wide: bool,
}

impl OutputArgs {
    /// The file to write, or `None` for stdout.
    pub fn file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// Writes the result where it goes.
    pub fn emit(&self, text: &str) -> Result<(), CliError> {
        Ok(output::emit(self.file(), text)?)
    }
}

/// How the scenario is read: the same flags in every subcommand that reads one.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// The most bytes read for the scenario, its file and every include together
    /// (a number of bytes, or with a suffix K, M or G: KiB, MiB, GiB).
    #[arg(long, value_name = "BYTES", value_parser = parse_size,
          default_value_t = symbio::scenario::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
    /// Refuse includes that resolve, once `..` and symbolic links are followed,
    /// outside the folder of the scenario file.
    #[arg(long)]
    pub no_outside_includes: bool,
}

impl InputArgs {
    /// The library's options.
    pub fn options(&self) -> symbio::scenario::LoadOptions {
        symbio::scenario::LoadOptions {
            max_input_size: self.max_input_size,
            outside_includes: !self.no_outside_includes,
        }
    }
}

/// A size in bytes: `1000`, `64K`, `64M`, `1G` (also `KiB`, `MiB`, `GiB`), powers of 1024.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, suffix) = t.split_at(digits);
    let shift = match suffix.trim() {
        "" | "B" => 0,
        "K" | "k" | "KiB" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        _ => {
            return Err(format!(
                "expected a number of bytes, like 1000, 64K, 64M or 1G; got {text:?}"
            ))
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .ok_or_else(|| {
            format!("expected a number of bytes, like 1000, 64K, 64M or 1G; got {text:?}")
        })
}

/// Most threads `--threads` may ask for (said in its help): far
/// beyond the cores of any machine symbio runs on, and few enough that the pool
/// of threads is started in moments (5000 threads made a 0.8 s solve take more
/// than a minute).
pub const MAX_THREADS: u32 = 256;

/// Solver options shared by the subcommands that solve.
#[derive(Debug, Clone, clap::Args)]
pub struct SolverArgs {
    /// Stop the solver after this many seconds (the best plan found is reported).
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Relative optimality gap at which to stop (0 proves optimality).
    #[arg(long, value_name = "RELATIVE", default_value_t = 1e-6)]
    pub gap: f64,
    /// Threads the command may use: independent parts, points or samples solved
    /// side by side, one HiGHS thread each (the result is the same whatever the
    /// number); at most 256.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub threads: u32,
    /// Exact reductions before the search of a large MILP (dominated links,
    /// reduced-cost fixing against a first plan): `auto` from 1000 links,
    /// `always` or `never`. The optimum is the same.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ReduceArg::Auto)]
    pub reduce: ReduceArg,
}

/// The values of `--reduce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReduceArg {
    /// On MILPs of 1000 links or more.
    Auto,
    /// On every MILP.
    Always,
    /// Never.
    Never,
}

impl SolverArgs {
    /// Resolves the options, rejecting values that make no sense.
    pub fn resolve(&self) -> Result<symbio::SolveOptions, CliError> {
        if !(self.gap.is_finite() && self.gap >= 0.0) {
            return Err(CliError::Usage(format!(
                "--gap must be a number ≥ 0, got {}",
                self.gap
            )));
        }
        if let Some(t) = self.time_limit {
            if !(t.is_finite() && t > 0.0) {
                return Err(CliError::Usage(format!(
                    "--time-limit must be a number of seconds > 0, got {t}"
                )));
            }
        }
        if self.threads == 0 {
            return Err(CliError::Usage("--threads must be at least 1".into()));
        }
        if self.threads > MAX_THREADS {
            return Err(CliError::Usage(format!(
                "--threads must be at most {MAX_THREADS}, got {}",
                self.threads
            )));
        }
        Ok(symbio::SolveOptions {
            time_limit: self.time_limit,
            gap: self.gap,
            threads: self.threads,
            decompose: true,
            reduce: match self.reduce {
                ReduceArg::Auto => symbio::model::Reduce::Auto,
                ReduceArg::Always => symbio::model::Reduce::Always,
                ReduceArg::Never => symbio::model::Reduce::Never,
            },
        })
    }
}

/// Why a subcommand failed: its own flags' syntax, or what the library said.
#[derive(Debug)]
pub enum CliError {
    /// A flag's value the command line cannot parse or accept (exit 2).
    Usage(String),
    /// An error of the library (exit 2 for bad input, 1 for a failure).
    Library(symbio::Error),
}

impl From<symbio::Error> for CliError {
    fn from(e: symbio::Error) -> Self {
        CliError::Library(e)
    }
}

impl CliError {
    /// The exit code: 2 for the caller's input, 1 for a failure.
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Library(e) if e.is_bad_input() => 2,
            CliError::Library(_) => 1,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}"),
            CliError::Library(symbio::Error::InvalidOption { option, message }) => {
                write!(f, "{} {message}", flag_of(option))
            }
            CliError::Library(e @ symbio::Error::Rows { half_written, .. }) => {
                write!(f, "{e}")?;
                if *half_written {
                    write!(f, ": finish it with --resume")?;
                }
                Ok(())
            }
            CliError::Library(
                e @ symbio::Error::Refused {
                    reason: symbio::error::Refusal::TooLarge { .. },
                    ..
                },
            ) => write!(f, "{e} (--max-input-size raises the limit)"),
            CliError::Library(e) => write!(f, "{e}"),
        }
    }
}

/// The flag of a library option (`symbio::Error::InvalidOption`): the library's
/// messages read on from it ("must be at least 2", "parameters.x: ...").
fn flag_of(option: &str) -> String {
    match option {
        "axis" => "--set".into(),
        "tolerance" => "--tol".into(),
        "supplier_share" => "--split".into(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

/// What a subcommand concluded, mapped to the exit code.
pub enum Outcome {
    /// Done (exit 0).
    Done,
    /// No feasible plan (exit 1).
    NoPlan,
    /// Stopped by Ctrl-C, finished work kept (exit 130).
    Interrupted,
}

/// Parses the command line, runs it, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let out = cli.command.out();
    table::set_width((!out.wide).then(|| table::terminal_width(out.file().is_none())));
    let result = match &cli.command {
        Command::Solve(a) => solve::run(a),
        Command::Check(a) => check::run(a),
        Command::Schema(a) => a
            .out
            .emit(&output::to_json(&symbio::scenario::json_schema()))
            .map(|()| Outcome::Done),
        Command::Init(a) => init::run(a),
        Command::Pareto(a) => pareto::run(a),
        Command::Breakeven(a) => breakeven::run(a),
        Command::Montecarlo(a) => montecarlo::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Report(a) => report::run(a),
        Command::Import(a) => import::run(a),
        Command::Export(a) => export::run(a),
        Command::Completions(a) => completions(a),
        Command::Man(a) => man(a),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NoPlan) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(e) => {
            let text = e.to_string();
            eprint!("error: {text}");
            if !text.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(e.exit_code())
        }
    }
}
