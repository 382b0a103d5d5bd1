//! `symbio merge`: join the outputs of sweep or Monte Carlo shards into the output of one run.

use std::path::PathBuf;

use symbio::analysis::batch;

use super::{CliError, Outcome, OutputArgs};

/// Arguments of `symbio merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shard outputs (`symbio sweep --shard K/N --output FILE` or `symbio
    /// montecarlo --shard K/N --rows FILE`), JSON Lines or CSV.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Accept points missing between the first and the last (a shard not run yet).
    #[arg(long)]
    pub partial: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Runs `symbio merge`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let merged = batch::merge(&a.shards)?;
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
    a.out.emit(&merged.text)?;
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
