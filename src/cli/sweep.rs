//! `symbio sweep`: solve a scenario over a grid of values of its numeric fields.

use std::path::PathBuf;

use symbio::analysis::batch::Format;
use symbio::analysis::sweep::{Row, Sweep};
use symbio::files::Kind;

use super::batch::{self, Request};
use super::table::{grid, num, Align};
use super::{
    args::{InputArgs, OutputArgs, SolverArgs},
    output, syntax, CliError, Outcome,
};

/// Format of a sweep's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum SweepFormat {
    /// JSON Lines: one object per point, streamed as points finish.
    #[default]
    Jsonl,
    /// Comma-separated values with a header line, streamed as points finish.
    Csv,
    /// One JSON document: the array of rows, once every point is done.
    Json,
    /// A readable table of the points, once every point is done.
    Table,
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
    /// Row format (jsonl and csv stream to the --output file as points finish,
    /// sorted by point at the end; resume and shards need one of them)
    /// [default: jsonl; with -o FILE, the format its extension names: .jsonl,
    /// .csv, .json].
    #[arg(long, value_enum)]
    pub format: Option<SweepFormat>,
    /// Skip the points already in the --output file and append the others.
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Run only shard K of N (0-based): the points whose index is K modulo N.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Runs `symbio sweep`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, SweepFormat::Jsonl)?;
    let options = a.solver.resolve()?;
    let shard = a.shard.as_deref().map(syntax::shard).transpose()?;
    let axes = syntax::axes(&a.set)?;
    let streamed = match format {
        SweepFormat::Jsonl => Some(Format::JsonLines),
        SweepFormat::Csv => Some(Format::Csv),
        SweepFormat::Json | SweepFormat::Table => None,
    };
    if streamed.is_none() && (a.resume || shard.is_some()) {
        return Err(CliError::Usage(
            "--resume and --shard stream rows: use --format jsonl or csv".into(),
        ));
    }
    if a.resume && a.out.file().is_none() {
        return Err(CliError::Usage("--resume needs an --output file".into()));
    }
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    let writes = if streamed.is_some() {
        Kind::Rows
    } else {
        Kind::Other
    };
    a.out.guard(loaded.files.clone(), writes)?;
    let sweep = Sweep::new(loaded, axes, options)?;
    let request = Request {
        format: streamed.unwrap_or(Format::JsonLines),
        output: if streamed.is_some() {
            a.out.file()
        } else {
            None
        },
        resume: a.resume,
        shard,
        threads: options.threads as usize,
        quiet: a.out.quiet,
        noun: "points",
    };
    let (report, rows) = if streamed.is_some() {
        (batch::run(&sweep, &request)?, Vec::new())
    } else {
        batch::collect(&sweep, &request)?
    };
    if !report.complete() && !report.closed {
        return Ok(Outcome::Interrupted);
    }
    if streamed.is_none() {
        let rows = rows
            .iter()
            .map(|l| serde_json::from_str::<Row>(l).map_err(|e| CliError::Usage(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let text = match format {
            SweepFormat::Table => table(&sweep, &rows),
            _ => output::to_json(&rows),
        };
        a.out.emit(&text)?;
    }
    Ok(Outcome::Done)
}

/// The rows as a table: the point, its values, status and the plan's headline figures.
fn table(sweep: &Sweep, rows: &[Row]) -> String {
    let axes: Vec<&str> = sweep.grid().axes.iter().map(|a| a.path.as_str()).collect();
    let mut header: Vec<(&str, Align)> = vec![("point", Align::Right)];
    header.extend(axes.iter().map(|p| (*p, Align::Right)));
    header.extend([
        ("status", Align::Left),
        ("net benefit/yr", Align::Right),
        ("CO2 avoided t/yr", Align::Right),
        ("links", Align::Right),
    ]);
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.point.to_string()];
            cells.extend(r.values.values().map(|v| v.to_string()));
            cells.push(r.status.name().to_owned());
            match &r.totals {
                Some(t) => cells.extend([
                    num(t.figures.net_benefit, 0),
                    num(t.figures.co2_avoided, 0),
                    t.links.to_string(),
                ]),
                None => cells.extend(["-".to_owned(), "-".to_owned(), "-".to_owned()]),
            }
            cells
        })
        .collect();
    let mut out = grid(&header, &body);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
