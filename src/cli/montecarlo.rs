//! `symbio montecarlo`: solve samples of the `[[uncertainty]]` section and summarise.

use std::path::PathBuf;

use symbio::analysis::montecarlo::{self, MonteCarlo, MonteCarloOptions, Stats};

use super::table::{grid, num, Align};
use super::{output, Format, Outcome, SolverArgs};

/// Arguments of `symbio montecarlo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file with an [[uncertainty]] section (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Samples to draw and solve.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub samples: usize,
    /// Seed of the random generator: the same seed gives the same result whatever
    /// the thread count.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Runs `symbio montecarlo`.
pub fn run(a: &Args) -> Result<Outcome, symbio::Error> {
    let solve = a.solver.resolve()?;
    let loaded = symbio::scenario::load::load(&a.file)?;
    let result = montecarlo::run(
        &loaded,
        &MonteCarloOptions {
            samples: a.samples,
            seed: a.seed,
            threads: solve.threads as usize,
            solve,
        },
    )?;
    let text = match a.format {
        Format::Json => output::to_json(&result),
        Format::Table => table(&result),
    };
    output::emit(a.output.as_deref(), &text)?;
    Ok(if result.feasible > 0 {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
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

fn table(r: &MonteCarlo) -> String {
    let cur = &r.currency;
    let mut out = format!(
        "Monte Carlo of {} ({cur}): {} samples, seed {}\n",
        r.scenario, r.samples, r.seed
    );
    out.push_str(&format!(
        "{} with a plan, {} infeasible, {} stopped at the time limit\n",
        r.feasible, r.infeasible, r.time_limited
    ));
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
        out.push_str("\nResults over the samples with a plan\n");
        out.push_str(&grid(&stats_header("figure"), &rows));
    }

    if !r.links.is_empty() {
        out.push_str("\nHow often each exchange is chosen\n");
        let rows: Vec<Vec<String>> = r
            .links
            .iter()
            .map(|l| {
                vec![
                    format!("{:.1}%", l.share * 100.0),
                    num(l.mean_flow, 1),
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
    out
}
