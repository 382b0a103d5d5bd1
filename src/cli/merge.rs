//! `symbio merge`: join the outputs of shards into the output of one run: the
//! rows of sweep or Monte Carlo shards, or the parts of a solve's shards into its plan.

use std::path::PathBuf;

use symbio::analysis::{batch, shards};

use super::solve::PlanOutput;
use super::{
    args::{InputArgs, OutputArgs},
    CliError, Outcome,
};

/// Arguments of `symbio merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shard outputs: `symbio sweep --shard K/N --output FILE` or `symbio
    /// montecarlo --shard K/N --rows FILE` (JSON Lines or CSV), or `symbio solve
    /// FILE --shard K/N --output FILE` (with --scenario).
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Accept points missing between the first and the last (a shard not run yet).
    #[arg(long)]
    pub partial: bool,
    /// The scenario the shards of a solve solved: their plan is made of it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// The plan's format, when merging the shards of a solve.
    #[command(flatten)]
    pub plan: PlanOutput,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Runs `symbio merge`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let first = std::fs::read(&a.shards[0]).map_err(|source| symbio::Error::Io {
        path: a.shards[0].clone(),
        source,
    })?;
    if shards::is_shard_text(&String::from_utf8_lossy(&first)) {
        return merge_solve(a);
    }
    if a.scenario.is_some() || a.plan.format.is_some() || a.plan.table.is_some() {
        return Err(CliError::Usage(
            "--scenario, --format and --table are for the shards of a solve; rows keep the \
             format their shards have"
                .into(),
        ));
    }
    a.out.guard(a.shards.clone(), symbio::files::Kind::Rows)?;
    let merged = batch::merge(&a.shards)?;
    let format = merged
        .fingerprint
        .as_ref()
        .map_or("jsonl", |(f, _)| f.name());
    if let Some((file, named)) = a
        .out
        .file()
        .and_then(|f| Some((f, super::args::extension_format(f)?)))
        .filter(|(_, named)| *named != format)
    {
        return Err(CliError::Usage(format!(
            "the shards are rows in {format}, but the extension of {} names {named}: rows \
             keep the format their shards have",
            file.display()
        )));
    }
    if !merged.missing.is_empty() && !a.partial {
        let shown: Vec<String> = merged
            .missing
            .iter()
            .take(10)
            .map(|p| p.to_string())
            .collect();
        return Err(CliError::Usage(format!(
            "{} points are missing (points {}{}): is a shard missing or unfinished? \
             (--partial merges anyway)",
            merged.missing.len(),
            shown.join(", "),
            if merged.missing.len() > 10 {
                ", ..."
            } else {
                ""
            }
        )));
    }
    match a.out.file() {
        // The rows, then their fingerprint file beside them.
        Some(file) => {
            a.out.guard(a.shards.clone(), symbio::files::Kind::Rows)?;
            batch::write_merged(file, &merged)?;
        }
        None => a.out.emit(&merged.text)?,
    }
    if !a.out.quiet {
        eprintln!(
            "{} rows from {} files written to {}",
            merged.rows,
            a.shards.len(),
            a.out
                .file()
                .map_or("stdout".into(), |p| p.display().to_string())
        );
    }
    Ok(Outcome::Done)
}

/// Merges the shards of a solve into its plan.
fn merge_solve(a: &Args) -> Result<Outcome, CliError> {
    a.plan.check(&a.out)?;
    let Some(file) = &a.scenario else {
        return Err(CliError::Usage(
            "these are the shards of a solve: give the scenario they solved with --scenario FILE"
                .into(),
        ));
    };
    let loaded = symbio::scenario::load::load_with(file, &a.input.options())?;
    let mut inputs = a.shards.clone();
    inputs.extend(loaded.files.iter().cloned());
    a.out.guard(inputs, symbio::files::Kind::Other)?;
    let scenario = symbio::scenario::validate::validate(&loaded)?;
    a.plan.check_scenario(&scenario)?;
    let answers = a
        .shards
        .iter()
        .map(|p| shards::read(p).map(|s| (p.clone(), s)))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = shards::merge(&loaded, &scenario, &answers)?;
    a.out.emit(&a.plan.render(&plan, &scenario, false)?)?;
    Ok(if plan.status.has_plan() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}
