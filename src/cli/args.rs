//! The arguments that many subcommands share (output, input, solver) and the
//! `--format` family; each subcommand's own arguments live in its file.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::ValueEnum;
use symbio::files::Kind;

use super::{output, CliError};

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

/// Output format of the subcommands whose result is one document with one main
/// table (`compare`, `breakeven`, `montecarlo`): [`Format`]'s and `csv`, that
/// table's rows (docs/plan-format.md says which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TableFormat {
    /// A readable table.
    #[default]
    Table,
    /// One JSON document with a stable schema (docs/plan-format.md).
    Json,
    /// The main table as CSV: a header line, then one row per line.
    Csv,
}

/// One CSV line (no newline) of `cells`, each quoted when it has to be.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    cells
        .iter()
        .map(|c| symbio::analysis::batch::csv_field(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",")
}

/// CSV text: the header line, then one line per row.
pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = csv_line(header);
    out.push('\n');
    for r in rows {
        out.push_str(&csv_line(r));
        out.push('\n');
    }
    out
}

/// The `--format` value an output file's extension names (`plan.json`: `json`),
/// if it names one.
pub(super) fn extension_format(file: &Path) -> Option<&'static str> {
    let ext = file.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "json" => "json",
        "jsonl" | "ndjson" => "jsonl",
        "csv" => "csv",
        "geojson" => "geojson",
        "dot" | "gv" => "dot",
        "html" | "htm" => "html",
        "xlsx" => "xlsx",
        _ => return None,
    })
}

/// The name of a value of `--format`.
fn format_name<F: ValueEnum>(f: &F) -> String {
    f.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// The format of the output `file` (`flag` names the option, `--format`): the
/// one given, which must not contradict the file's extension; else the one its
/// extension names, which the subcommand must have; else `None`.
pub fn format_of<F: ValueEnum + Copy>(
    flag: &str,
    given: Option<F>,
    file: Option<&Path>,
) -> Result<Option<F>, CliError> {
    let Some((file, named)) = file.and_then(|f| Some((f, extension_format(f)?))) else {
        return Ok(given);
    };
    match given {
        Some(g) if format_name(&g) != named => Err(CliError::Usage(format!(
            "{flag} {} contradicts the extension of {}, which names {named}: leave out \
             {flag} or change the extension",
            format_name(&g),
            file.display()
        ))),
        Some(g) => Ok(Some(g)),
        None => match F::from_str(named, true) {
            Ok(f) => Ok(Some(f)),
            Err(_) => {
                let names: Vec<String> = F::value_variants().iter().map(format_name).collect();
                Err(CliError::Usage(format!(
                    "{}: this subcommand writes no {named} ({flag} takes {}); give {flag} \
                     or another extension",
                    file.display(),
                    names.join(", ")
                )))
            }
        },
    }
}

/// Where a subcommand's result goes, and how much it says on stderr: the same
/// flags in every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Write the result to this file, whole or not at all (`-` is stdout, the
    /// default); without --format its extension (.json, .csv, ...) chooses the
    /// format. A file the command reads is never written over.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Say nothing on stderr but errors: no progress, no notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Tables: cut no name and wrap no line to the width of the terminal (the
    /// `COLUMNS` variable, else the terminal's, else 100).
    #[arg(long)]
    pub wide: bool,
    /// Write over an existing file that holds another kind of document than the
    /// output (a scenario, a workbook, the rows of a sweep or a Monte Carlo run).
    #[arg(long)]
    pub force: bool,
    /// The files the command reads and the kind of document it writes, told by
    /// [`OutputArgs::guard`]: checked again when the result is written.
    #[arg(skip)]
    guarded: OnceLock<(Vec<PathBuf>, Kind)>,
}

impl OutputArgs {
    /// The format of the result: `given` (`--format`), which must not contradict
    /// the extension of the output file; else the one the extension names; else
    /// `default`.
    pub fn format<F: ValueEnum + Copy>(&self, given: Option<F>, default: F) -> Result<F, CliError> {
        Ok(format_of("--format", given, self.file())?.unwrap_or(default))
    }

    /// The file to write, or `None` for stdout.
    pub fn file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// Refuses, before any work, an output file that is one of `inputs` (the
    /// files the command reads) or holds another kind of document than `writes`
    /// (unless --force); remembers both for [`OutputArgs::emit`].
    pub fn guard(&self, inputs: Vec<PathBuf>, writes: Kind) -> Result<(), CliError> {
        let (inputs, writes) = self.guarded.get_or_init(|| (inputs, writes));
        match self.file() {
            Some(p) => output::check(p, inputs, *writes, self.force),
            None => Ok(()),
        }
    }

    /// Writes the result where it goes, checked as [`OutputArgs::guard`] said
    /// (by default: over no scenario, workbook or rows file).
    pub fn emit(&self, text: &str) -> Result<(), CliError> {
        self.emit_saying(text, "")
    }

    /// [`OutputArgs::emit`], then, unless `--quiet`, `wrote FILE` on stderr
    /// when the result went to a file, followed by `detail` when it has one
    /// (`wrote plan.json`, `wrote district.toml (includes catalog.toml)`).
    pub fn emit_saying(&self, text: &str, detail: &str) -> Result<(), CliError> {
        if let Some(p) = self.file() {
            let (inputs, writes) = self.guarded.get_or_init(|| (Vec::new(), Kind::Other));
            output::check(p, inputs, *writes, self.force)?;
        }
        output::emit(self.file(), text)?;
        if let (Some(p), false) = (self.file(), self.quiet) {
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(" ({detail})")
            };
            eprintln!("wrote {}{detail}", p.display());
        }
        Ok(())
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
    /// Relative optimality gap at which to stop: the plan is `optimal` once
    /// the whole network's plan is within it of a proven bound (0 proves
    /// optimality; 0.01 is 1 % of the net benefit, below the uncertainty of
    /// any scenario figure, and ends on regions of thousands of sites without
    /// a time limit) [default: 0.01; for pareto and breakeven 1e-6, as their
    /// answers compare plans that differ by less than 1 %].
    #[arg(long, value_name = "RELATIVE")]
    pub gap: Option<f64>,
    /// Threads the command may use: independent parts, points or samples solved
    /// side by side, one HiGHS thread each (the result is the same whatever the
    /// number); at most 256.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub threads: u32,
    /// Exact reductions before the search of a large MILP (dominated links,
    /// reduced-cost fixing against a first plan): `auto` from
    /// `symbio::model::REDUCE_FROM_LINKS` links (with periods, on every part
    /// under a time limit too), `always` or `never`. The optimum is the same.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ReduceArg::Auto,
          help = reduce_help())]
    pub reduce: ReduceArg,
}

/// The help of `--reduce`, with the size from which `auto` reduces.
fn reduce_help() -> String {
    format!(
        "Exact reductions before the search of a large MILP (dominated links, reduced-cost \
         fixing against a first plan): `auto` from {} links (with periods, on every part under \
         a time limit too), `always` or `never`. The optimum is the same",
        symbio::model::REDUCE_FROM_LINKS
    )
}

/// The values of `--reduce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReduceArg {
    /// On MILPs of `symbio::model::REDUCE_FROM_LINKS` links or more.
    #[value(help = format!("On MILPs of {} links or more", symbio::model::REDUCE_FROM_LINKS))]
    Auto,
    /// On every MILP.
    Always,
    /// Never.
    Never,
}

impl SolverArgs {
    /// Resolves the options, rejecting values that make no sense; without
    /// --gap, [`symbio::PLANNING_GAP`].
    pub fn resolve(&self) -> Result<symbio::SolveOptions, CliError> {
        self.resolve_with(symbio::PLANNING_GAP)
    }

    /// [`SolverArgs::resolve`] for the subcommands whose answers compare plans
    /// that differ by less than the planning gap (a Pareto front's points, the
    /// plans either side of a break-even value): without --gap, 10⁻⁶.
    pub fn resolve_comparing(&self) -> Result<symbio::SolveOptions, CliError> {
        self.resolve_with(symbio::COMPARING_GAP)
    }

    fn resolve_with(&self, default_gap: f64) -> Result<symbio::SolveOptions, CliError> {
        let gap = self.gap.unwrap_or(default_gap);
        if !(gap.is_finite() && gap >= 0.0) {
            return Err(CliError::Usage(format!(
                "--gap must be a number ≥ 0, got {gap}"
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
            gap,
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
