//! `symbio pareto`: the trade-off between net benefit and CO2 avoided.

use std::path::PathBuf;

use symbio::analysis::batch::csv_field;
use symbio::analysis::pareto::{self, Front, ParetoOptions};

use super::table::{grid, num, Align};
use super::{
    args::{InputArgs, OutputArgs, SolverArgs},
    output, CliError, Outcome,
};

/// Output format of `symbio pareto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ParetoFormat {
    /// A readable table, with the exchanges of each point.
    #[default]
    Table,
    /// JSON: the front with every point's exchanges.
    Json,
    /// One row per point; exchanges joined in one column.
    Csv,
}

/// Arguments of `symbio pareto`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Points to compute, both ends included (dominated and duplicate ones are
    /// then dropped, so fewer may be shown).
    #[arg(long, value_name = "N", default_value_t = 11)]
    pub points: usize,
    /// Output format [default: table; with -o FILE, the format its extension
    /// names: .json, .csv].
    #[arg(long, value_enum)]
    pub format: Option<ParetoFormat>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Runs `symbio pareto`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, ParetoFormat::Table)?;
    let solve = a.solver.resolve_comparing()?;
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    a.out
        .guard(loaded.files.clone(), symbio::files::Kind::Other)?;
    let scenario = symbio::scenario::validate::validate(&loaded)?;
    let front = pareto::front(
        &scenario,
        &ParetoOptions {
            points: a.points,
            threads: solve.threads as usize,
            solve,
        },
    )?;
    let text = match format {
        ParetoFormat::Json => output::to_json(&front),
        ParetoFormat::Csv => csv(&front),
        ParetoFormat::Table => table(&front),
    };
    a.out.emit(&text)?;
    Ok(if front.status.has_plan() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

fn table(f: &Front) -> String {
    let cur = &f.currency;
    let mut out = super::table::wrap(
        "",
        &format!(
            "Pareto front of {} ({cur}): maximise net benefit subject to CO2 avoided ≥ ε",
            f.scenario
        ),
    );
    out.push_str(&format!(
        "Net benefit values carbon at {} {cur}/t; \"before carbon\" leaves that value out.\n",
        num(f.carbon_price, 2)
    ));
    if !f.status.has_plan() {
        out.push_str(&format!(
            "No front: {}\n",
            super::table::status(f.status, None)
        ));
        return out;
    }
    if let (Some(lo), Some(hi)) = (f.co2_at_benefit_optimum, f.co2_max) {
        out.push_str(&super::table::wrap(
            "",
            &format!(
                "CO2 avoided from {} t/yr (benefit optimum) to {} t/yr (most CO2); {} of {} points are non-dominated",
                num(lo, 0),
                num(hi, 0),
                f.points.len(),
                f.points_requested
            ),
        ));
        out.push('\n');
    }
    let benefit = format!("net benefit {cur}/yr");
    let before = format!("before carbon {cur}/yr");
    let cost = format!("cost of CO2 {cur}/t");
    let header = [
        ("#", Align::Right),
        ("CO2 avoided t/yr", Align::Right),
        (benefit.as_str(), Align::Right),
        (before.as_str(), Align::Right),
        (cost.as_str(), Align::Right),
        ("links", Align::Right),
        ("status", Align::Left),
    ];
    let rows: Vec<Vec<String>> = f
        .points
        .iter()
        .enumerate()
        .map(|(k, p)| {
            // What each extra tonne costs relative to the previous point.
            let marginal = k
                .checked_sub(1)
                .map(|j| &f.points[j])
                .filter(|q| p.co2_avoided > q.co2_avoided)
                .map(|q| {
                    num(
                        (q.net_benefit_without_carbon - p.net_benefit_without_carbon)
                            / (p.co2_avoided - q.co2_avoided),
                        1,
                    )
                })
                .unwrap_or_else(|| "-".into());
            vec![
                k.to_string(),
                num(p.co2_avoided, 1),
                num(p.net_benefit, 0),
                num(p.net_benefit_without_carbon, 0),
                marginal,
                p.links.len().to_string(),
                super::table::status(p.status, p.gap),
            ]
        })
        .collect();
    out.push_str(&grid(&header, &rows));
    out.push_str(&format!(
        "\n(cost of CO2: benefit before carbon given up per extra t avoided since the point before, {cur}/t)\n"
    ));
    for (k, p) in f.points.iter().enumerate() {
        out.push_str(&format!(
            "\nPoint {}: {} t CO2/yr, {} {cur}/yr\n",
            k,
            num(p.co2_avoided, 1),
            num(p.net_benefit, 0)
        ));
        if p.links.is_empty() {
            out.push_str("  no exchange\n");
        }
        for l in &p.links {
            out.push_str(&format!("  {}: {} {}/yr\n", l.key, num(l.flow, 1), l.unit));
        }
        match p.plants.as_deref() {
            Some([]) => out.push_str("  no plant open\n"),
            Some(open) => out.push_str(&format!("  plants open: {}\n", open.join(", "))),
            None => {}
        }
    }
    out
}

fn csv(f: &Front) -> String {
    let mut out = String::from(
        "point,epsilon,co2_avoided,net_benefit,carbon_value,net_benefit_without_carbon,status,links\n",
    );
    for (k, p) in f.points.iter().enumerate() {
        let links: Vec<String> = p
            .links
            .iter()
            .map(|l| format!("{}={}", l.key, l.flow))
            .collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            k,
            p.epsilon,
            p.co2_avoided,
            p.net_benefit,
            p.carbon_value,
            p.net_benefit_without_carbon,
            p.status.name(),
            csv_field(&links.join("; "))
        ));
    }
    out
}
