//! `symbio montecarlo`: solve samples of the `[[uncertainty]]` section and summarise.

use std::path::PathBuf;

use symbio::analysis::batch::{Format as RowFormat, Shard};
use symbio::analysis::montecarlo::{
    self, MonteCarlo, MonteCarloOptions, MonteCarloRun, PlantShare, Stats,
};

use super::batch::{self, Request};
use std::collections::HashMap;

use super::table::{count, grid, num, Align};
use super::{
    args::{csv_text, InputArgs, OutputArgs, SolverArgs, TableFormat as Format},
    output, syntax, CliError, Outcome,
};

/// Arguments of `symbio montecarlo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Long runs: with --rows FILE each sample is solved and its row (sample index as
`point`, the values drawn, status, net benefit, CO2 avoided, the plants opened
as plant:size and their throughputs when the scenario has plants, chosen links
and their flows) appended to FILE as it finishes (JSON Lines, or CSV when FILE ends in .csv;
the run's fingerprint goes to FILE.symbio beside it); the summary is written when
every sample is done. Ctrl-C stops cleanly keeping the finished rows, --resume
continues, --shard K/N runs the samples K modulo N. Join shards with
`symbio merge shard-*.jsonl -o all.jsonl`, then summarise with
`symbio montecarlo FILE --seed S --from-rows all.jsonl`: the same summary as a
direct run with that seed and number of samples (see docs/cluster.md).")]
pub struct Args {
    /// Scenario file with an [[uncertainty]] section (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Samples to draw and solve [default: 100; with --from-rows, the samples in
    /// the rows file, which must hold samples 0 to N-1 if N is given].
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Seed of the random generator: the same seed gives the same result whatever
    /// the thread count.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Format of the summary [default: table; with -o FILE, the format its
    /// extension names: .json, .csv]; csv: how often each exchange is chosen, a
    /// row per link (the statistics are in the table and the JSON).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Stream one row per sample to this file (JSON Lines; CSV when it ends in
    /// .csv) as samples finish, sorted by sample at the end; the summary is
    /// written once all are done.
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,
    /// Skip the samples already in the --rows file and append the others.
    #[arg(long, requires = "rows")]
    pub resume: bool,
    /// Run only shard K of N (0-based): the samples whose index is K modulo N
    /// (no summary: merge the shards and use --from-rows).
    #[arg(long, value_name = "K/N", requires = "rows")]
    pub shard: Option<String>,
    /// Summarise the rows of this file (a complete --rows file, or shards
    /// joined by `symbio merge`) instead of solving samples.
    #[arg(long, value_name = "ROWS", conflicts_with_all = ["rows", "resume", "shard"])]
    pub from_rows: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Default number of samples.
const SAMPLES: usize = 100;

/// Runs `symbio montecarlo`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, Format::Table)?;
    let solve = a.solver.resolve()?;
    let shard = a.shard.as_deref().map(syntax::shard).transpose()?;
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    let mut inputs = loaded.files.clone();
    inputs.extend(a.from_rows.iter().cloned());
    if let Some(rows) = &a.rows {
        if let Some(named) =
            super::args::extension_format(rows).filter(|n| !["jsonl", "csv"].contains(n))
        {
            return Err(CliError::Usage(format!(
                "{}: --rows writes JSON Lines or CSV, not {named}: give the file the extension \
                 .jsonl or .csv",
                rows.display()
            )));
        }
        output::check(rows, &inputs, symbio::files::Kind::Rows, a.out.force)?;
        if a.out.file().is_some_and(|o| same_output(o, rows)) {
            return Err(CliError::Usage(format!(
                "{}: the rows and the summary would go to the same file; give -o another file",
                rows.display()
            )));
        }
        inputs.push(rows.clone());
    }
    a.out.guard(inputs, symbio::files::Kind::Other)?;
    let result = if let Some(rows) = &a.from_rows {
        let mc = MonteCarloRun::new(&loaded, a.seed, solve)?;
        let rows = mc.read_rows(rows, a.samples)?;
        mc.summarise(&rows)?
    } else if let Some(path) = &a.rows {
        let mc = MonteCarloRun::new(&loaded, a.seed, solve)?;
        match stream(a, &mc, path, shard, solve.threads as usize)? {
            Streamed::Complete(r) => *r,
            Streamed::Shard => return Ok(Outcome::Done),
            Streamed::Interrupted => return Ok(Outcome::Interrupted),
        }
    } else {
        montecarlo::run(
            &loaded,
            &MonteCarloOptions {
                samples: a.samples.unwrap_or(SAMPLES),
                seed: a.seed,
                threads: solve.threads as usize,
                solve,
            },
        )?
    };
    let text = match format {
        Format::Json => output::to_json(&result),
        Format::Table => table(&result, &units(&loaded)),
        Format::Csv => links_csv(&result),
    };
    a.out.emit(&text)?;
    Ok(if result.feasible > 0 {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

/// Whether two outputs (that need not exist yet) are one file.
fn same_output(a: &std::path::Path, b: &std::path::Path) -> bool {
    let full = |p: &std::path::Path| {
        let p = symbio::files::resolve(p).unwrap_or_else(|_| p.to_owned());
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::canonicalize(&dir)
            .unwrap_or(dir)
            .join(p.file_name().unwrap_or_default())
    };
    full(a) == full(b)
}

/// The format of a --rows file: CSV when its extension says so, else JSON Lines.
fn rows_format(path: &std::path::Path) -> RowFormat {
    match super::args::extension_format(path) {
        Some("csv") => RowFormat::Csv,
        _ => RowFormat::JsonLines,
    }
}

/// How a run into a rows file ended.
enum Streamed {
    /// Every sample is in the file: their summary.
    Complete(Box<MonteCarlo>),
    /// Every sample of the shard is in the file.
    Shard,
    /// Stopped by a signal; the finished rows are in the file.
    Interrupted,
}

/// Solves the samples (of the shard) into the rows file.
fn stream(
    a: &Args,
    mc: &MonteCarloRun,
    path: &std::path::Path,
    shard: Option<Shard>,
    threads: usize,
) -> Result<Streamed, CliError> {
    let samples = a.samples.unwrap_or(SAMPLES);
    if samples == 0 {
        return Err(CliError::Usage("--samples must be at least 1".into()));
    }
    let report = batch::run(
        &mc.samples(samples),
        &Request {
            format: rows_format(path),
            output: Some(path),
            resume: a.resume,
            shard,
            threads,
            quiet: a.out.quiet,
            noun: "samples",
        },
    )?;
    if !report.complete() {
        return Ok(Streamed::Interrupted);
    }
    if shard.is_some() {
        if !a.out.quiet {
            eprintln!(
                "join the shards with `symbio merge`, then summarise with \
                 `symbio montecarlo {} --seed {} --from-rows MERGED`",
                a.file.display(),
                mc.seed()
            );
        }
        return Ok(Streamed::Shard);
    }
    let rows = mc.read_rows(path, Some(samples))?;
    Ok(Streamed::Complete(Box::new(mc.summarise(&rows)?)))
}

fn stats_row(name: &str, s: &Stats, d: usize) -> Vec<String> {
    vec![
        name.to_owned(),
        num(s.mean, d),
        num(s.p5, d),
        num(s.p50, d),
        num(s.p95, d),
        num(s.min, d),
        num(s.max, d),
    ]
}

fn stats_header(first: &str) -> [(&str, Align); 7] {
    [
        (first, Align::Left),
        ("mean", Align::Right),
        ("P5", Align::Right),
        ("P50", Align::Right),
        ("P95", Align::Right),
        ("min", Align::Right),
        ("max", Align::Right),
    ]
}

/// The unit of each output, by site and output id (a plant's outputs by its
/// id and their material).
fn units(loaded: &symbio::scenario::load::Loaded) -> HashMap<(&str, &str), &str> {
    let of: HashMap<&str, &str> = (loaded.materials.iter())
        .map(|m| (m.item.id.as_str(), m.item.unit.as_str()))
        .collect();
    let mut units = HashMap::new();
    for s in &loaded.sites {
        for o in &s.item.outputs {
            if let Some(u) = of.get(o.material.as_str()) {
                units.insert((s.item.id.as_str(), o.id.as_str()), *u);
            }
        }
    }
    for p in &loaded.plants {
        let tech = loaded
            .technologies
            .iter()
            .find(|t| t.item.id == p.item.technology);
        for o in tech.into_iter().flat_map(|t| &t.item.outputs) {
            if let Some(u) = of.get(o.material.as_str()) {
                units.insert((p.item.id.as_str(), o.material.as_str()), *u);
            }
        }
    }
    units
}

/// How often each exchange is chosen, as CSV: `link,share,chosen,samples_with_plan,
/// mean_flow,in_deterministic_plan`, a row per link as in the JSON's `links`.
fn links_csv(r: &MonteCarlo) -> String {
    let rows: Vec<Vec<String>> = r
        .links
        .iter()
        .map(|l| {
            vec![
                l.link.to_string(),
                l.share.to_string(),
                l.chosen.to_string(),
                r.feasible.to_string(),
                l.mean_flow.to_string(),
                l.in_deterministic_plan.to_string(),
            ]
        })
        .collect();
    csv_text(
        &[
            "link",
            "share",
            "chosen",
            "samples_with_plan",
            "mean_flow",
            "in_deterministic_plan",
        ],
        &rows,
    )
}

fn table(r: &MonteCarlo, units: &HashMap<(&str, &str), &str>) -> String {
    let cur = &r.currency;
    let mut out = format!(
        "Monte Carlo of {} ({cur}): {} samples, seed {}\n",
        r.scenario, r.samples, r.seed
    );
    let by_status: Vec<String> = r
        .statuses
        .iter()
        .map(|(s, n)| format!("{n} {}", s.name().replace('_', " ")))
        .collect();
    out.push_str(&format!(
        "Samples by status: {}; {} with a plan\n",
        by_status.join(", "),
        r.feasible
    ));
    if r.failed > 0 {
        out.push_str(&format!(
            "{} not solved (invalid values or a solver error: see the rows' error)\n",
            r.failed
        ));
    }
    if !r.no_plan_reasons.is_empty() {
        out.push_str("Why samples have no plan (see the rows' reason for the figures)\n");
        for c in &r.no_plan_reasons {
            let reason = match c.reason.as_str() {
                t if t.starts_with("the time limit") => t.to_owned(),
                t => format!("{t} exceeded by the recorded flows of existing links"),
            };
            out.push_str(&format!("  {reason}: {}\n", count(c.samples, "sample")));
        }
    }
    if let (Some(b), Some(c)) = (r.deterministic.net_benefit, r.deterministic.co2_avoided) {
        out.push_str(&format!(
            "With the file's own values: {} {cur}/yr, {} t CO2/yr\n",
            num(b, 0),
            num(c, 0)
        ));
    }
    out.push_str("\nUncertain inputs (values drawn)\n");
    let rows: Vec<Vec<String>> = r
        .inputs
        .iter()
        .map(|i| {
            let mut row = stats_row(&i.path, &i.drawn, 3);
            row.push(i.distribution.clone());
            row
        })
        .collect();
    let mut header = stats_header("field").to_vec();
    header.push(("distribution", Align::Left));
    out.push_str(&grid(&header, &rows));

    let mut rows = Vec::new();
    if let Some(s) = &r.net_benefit {
        rows.push(stats_row(&format!("net benefit {cur}/yr"), s, 0));
    }
    if let Some(s) = &r.co2_avoided {
        rows.push(stats_row("CO2 avoided t/yr", s, 0));
    }
    if !rows.is_empty() {
        out.push_str(&format!(
            "\nResults over the {} with a plan (of {})\n",
            count(r.feasible, "sample"),
            r.samples
        ));
        out.push_str(&grid(&stats_header("figure"), &rows));
    }

    if !r.links.is_empty() {
        out.push_str(&format!(
            "\nHow often each exchange is chosen (share of the {} with a plan)\n",
            count(r.feasible, "sample")
        ));
        let rows: Vec<Vec<String>> = r
            .links
            .iter()
            .map(|l| {
                vec![
                    format!("{:.1}%", l.share * 100.0),
                    format!(
                        "{} {}",
                        num(l.mean_flow, 1),
                        units
                            .get(&(l.link.from_site.as_str(), l.link.from_output.as_str()))
                            .unwrap_or(&"")
                    )
                    .trim_end()
                    .to_owned(),
                    if l.in_deterministic_plan { "yes" } else { "no" }.into(),
                    l.link.to_string(),
                ]
            })
            .collect();
        out.push_str(&grid(
            &[
                ("chosen", Align::Right),
                ("mean flow/yr", Align::Right),
                ("in the file's plan", Align::Left),
                ("exchange", Align::Left),
            ],
            &rows,
        ));
    }
    if let Some(plants) = &r.plants {
        out.push_str(&plants_table(plants, r.feasible));
    }
    out
}

/// How often each plant opens, at which size, and its mean throughput.
fn plants_table(plants: &[PlantShare], feasible: usize) -> String {
    let rows: Vec<Vec<String>> = plants
        .iter()
        .map(|p| {
            let sizes: Vec<String> = (p.sizes.iter())
                .map(|(z, n)| format!("{z} {}", count(*n, "sample")))
                .collect();
            vec![
                format!("{:.1}%", p.share * 100.0),
                num(p.mean_throughput, 1),
                sizes.join(", "),
                p.deterministic_size
                    .clone()
                    .unwrap_or_else(|| "closed".into()),
                p.plant.clone(),
            ]
        })
        .collect();
    format!(
        "\nHow often each plant opens (share of the {} with a plan)\n{}",
        count(feasible, "sample"),
        grid(
            &[
                ("opens", Align::Right),
                ("mean throughput/yr", Align::Right),
                ("at size", Align::Left),
                ("in the file's plan", Align::Left),
                ("plant", Align::Left),
            ],
            &rows,
        )
    )
}
