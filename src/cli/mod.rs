//! Command-line interface: clap types, one file per subcommand, rendering.
//!
//! Exit codes are a contract: 0 solved, 1 no feasible plan, 2 bad input or usage,
//! 130 interrupted by a signal (`solve`, which writes its best plan; `sweep` and
//! `montecarlo --rows`, which keep their finished rows).

mod args;
mod batch;
mod breakeven;
mod catalog;
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

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use args::OutputArgs;

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
    /// List the materials, transport modes and substitution rules a scenario can use.
    Catalog(catalog::Args),
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
            Command::Catalog(a) => &a.out,
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
    /// The page of one subcommand (`solve`, `sweep`, ...); without it, every page.
    pub subcommand: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The EXIT STATUS section of every page (roff).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
0
solved, or done
.TP
1
no feasible plan: infeasible, or a time limit before any plan was found
.TP
2
bad input or usage: the file, field path and id of every problem are named
.TP
130
interrupted (Ctrl\-C): the best plan known, or every finished row, is kept
"#;

/// The EXAMPLES section of the main page (roff).
const EXAMPLES: &str = r#".SH EXAMPLES
.TP
symbio solve scenarios/liuzhou.toml
the plan of the shipped Liuzhou district, as a table
.TP
symbio solve district.toml \-o plan.json
the plan as JSON (the extension chooses the format)
.TP
symbio check district.toml
validate a scenario and summarise its candidate network
.TP
symbio compare district.toml \-\-all
today's network against the optimum, and each firm's gain
.TP
symbio sweep district.toml \-\-set parameters.carbon_price=0..200:100 \-o rows.csv
one row per carbon price
.TP
symbio report district.toml \-\-compare \-o report.html
the HTML report of the plan and the comparison
"#;

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
    let write = |page: &mut Vec<u8>, cmd: clap::Command, examples: bool| {
        clap_mangen::Man::new(cmd)
            .render(page)
            .map_err(|e| CliError::Usage(format!("cannot render the manual page: {e}")))?;
        page.extend_from_slice(EXIT_STATUS.as_bytes());
        if examples {
            page.extend_from_slice(EXAMPLES.as_bytes());
        }
        Ok::<(), CliError>(())
    };
    let page_of = |sub: &clap::Command| sub.clone().name(format!("symbio-{}", sub.get_name()));
    match &a.subcommand {
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let names: Vec<&str> = cli.get_subcommands().map(|s| s.get_name()).collect();
                return Err(CliError::Usage(format!(
                    "no subcommand {name:?}: one of {}",
                    names.join(", ")
                )));
            };
            write(&mut page, page_of(sub), false)?;
        }
        None => {
            write(&mut page, cli.clone(), true)?;
            for sub in cli.get_subcommands() {
                write(&mut page, page_of(sub), false)?;
            }
        }
    }
    a.out.emit(&String::from_utf8_lossy(&page))?;
    Ok(Outcome::Done)
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
    /// Output format [default: json].
    #[arg(long, value_enum)]
    pub format: Option<SchemaFormat>,
    #[command(flatten)]
    pub out: OutputArgs,
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
            CliError::Library(
                e @ symbio::Error::Overwrite {
                    reason: symbio::files::Overwrite::Holds { .. },
                    ..
                },
            ) => write!(f, "{e} (or give --force)"),
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
        // The positional SHARD arguments of `symbio merge`.
        "shards" => "the shard files:".into(),
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
            .format(a.format, SchemaFormat::Json)
            .and_then(|_| {
                a.out
                    .emit(&output::to_json(&symbio::scenario::json_schema()))
            })
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
        Command::Catalog(a) => catalog::run(a),
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
