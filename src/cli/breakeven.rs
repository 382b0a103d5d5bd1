//! `symbio breakeven`: the value of a parameter at which each link enters or
//! leaves the optimal plan, and each plant opens, closes or changes size.

use std::path::PathBuf;

use symbio::analysis::breakeven::{
    self, BreakEven, BreakevenOptions, Change, PlantChange, PlantSwitches,
};

use super::table::{self, grid, num, Align};
use super::{
    args::{csv_text, InputArgs, OutputArgs, SolverArgs, TableFormat as Format},
    output, syntax, CliError, Outcome,
};

/// Arguments of `symbio breakeven`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Numeric field to vary, by path: parameters.carbon_price,
    /// modes.truck.cost_per_unit_km, sites.steel.outputs.slag.quantity, links.0.capex.
    #[arg(long, value_name = "PATH")]
    pub param: String,
    /// Range of values to search, FROM..TO.
    #[arg(long, value_name = "FROM..TO", allow_hyphen_values = true)]
    pub range: String,
    /// Grid cells scanned before bisecting each switch (a link that enters and
    /// leaves within one cell is missed).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub steps: usize,
    /// Bisect until each switch is bracketed this tightly; the value reported is
    /// the middle of the bracket (default: range width / 10,000).
    #[arg(long, value_name = "WIDTH")]
    pub tol: Option<f64>,
    /// Output format [default: table; with -o FILE, the format its extension
    /// names: .json, .csv]; csv: one row per switch (value, low, high, change,
    /// link), then the links always and never in the plan (with plants, the
    /// columns plant, size_before, size_after and a row per plant switch, then
    /// the plants always and never open).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Runs `symbio breakeven`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, Format::Table)?;
    let solve = a.solver.resolve_comparing()?;
    let (from, to) = syntax::range(&a.range)?;
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    a.out
        .guard(loaded.files.clone(), symbio::files::Kind::Other)?;
    let result = breakeven::search(
        &loaded,
        &BreakevenOptions {
            param: a.param.clone(),
            from,
            to,
            steps: a.steps,
            tol: a.tol.unwrap_or((to - from) / 10_000.0),
            threads: solve.threads as usize,
            solve,
        },
    )?;
    let text = match format {
        Format::Json => output::to_json(&result),
        Format::Table => table(&result),
        Format::Csv => csv(&result),
    };
    a.out.emit(&text)?;
    Ok(Outcome::Done)
}

/// Enough decimals to show a value known to ±`tol` / 2.
fn decimals(tol: f64) -> usize {
    let half = tol / 2.0;
    if half >= 1.0 {
        0
    } else {
        (-half.log10()).ceil().clamp(0.0, 9.0) as usize
    }
}

/// How a switch is written.
fn change_name(c: Change) -> &'static str {
    match c {
        Change::Enters => "enters",
        Change::Leaves => "leaves",
    }
}

/// How a plant's switch is written.
fn plant_change_name(c: PlantChange) -> &'static str {
    match c {
        PlantChange::Opens => "opens",
        PlantChange::Closes => "closes",
        PlantChange::Resizes => "resizes",
    }
}

/// The switches as CSV rows (`value,low,high,change,link`), then a row per link
/// always (`always`) or never (`never`) in the plan, without values. With
/// plants, three more columns (`plant,size_before,size_after`), empty in the
/// links' rows, and the plants' rows: a row per switch (`opens`, `closes`,
/// `resizes`), then a row per plant `always` or `never` open (an empty link).
fn csv(r: &BreakEven) -> String {
    let blank = || vec![String::new(); 3];
    let mut rows: Vec<Vec<String>> = r
        .events
        .iter()
        .map(|e| {
            vec![
                e.value.to_string(),
                e.low.to_string(),
                e.high.to_string(),
                change_name(e.change).into(),
                e.link.to_string(),
            ]
        })
        .collect();
    for (change, links) in [("always", &r.always), ("never", &r.never)] {
        rows.extend(links.iter().map(|l| {
            let mut row = blank();
            row.extend([change.to_owned(), l.to_string()]);
            row
        }));
    }
    let mut header = vec!["value", "low", "high", "change", "link"];
    if let Some(p) = &r.plants {
        header.extend(["plant", "size_before", "size_after"]);
        for row in &mut rows {
            row.extend(blank());
        }
        rows.extend(plant_csv_rows(p));
    }
    csv_text(&header, &rows)
}

/// The CSV rows of the plants' switches, then of the plants always and never
/// open (the columns of [`csv`] with plants).
fn plant_csv_rows(p: &PlantSwitches) -> Vec<Vec<String>> {
    let size = |z: &Option<String>| z.clone().unwrap_or_default();
    let mut rows: Vec<Vec<String>> = (p.events.iter())
        .map(|e| {
            vec![
                e.value.to_string(),
                e.low.to_string(),
                e.high.to_string(),
                plant_change_name(e.change).into(),
                String::new(),
                e.plant.clone(),
                size(&e.size_before),
                size(&e.size_after),
            ]
        })
        .collect();
    for (change, plants) in [("always", &p.always_open), ("never", &p.never_open)] {
        rows.extend(plants.iter().map(|id| {
            let mut row = vec![String::new(); 3];
            row.extend([change.to_owned(), String::new(), id.clone()]);
            row.extend([String::new(), String::new()]);
            row
        }));
    }
    rows
}

fn table(r: &BreakEven) -> String {
    let d = decimals(r.tolerance);
    let mut out = table::wrap(
        "",
        &format!(
            "Break-even values of {} in {} ({})",
            r.param, r.scenario, r.currency
        ),
    );
    let range = format!(
        "Range {}..{}, {} grid cells, each switch bracketed to ±{} ({} solves){}",
        r.from,
        r.to,
        r.steps,
        symbio::plan::round(r.tolerance / 2.0),
        r.solves,
        r.file_value
            .map(|v| format!("; the file has {v}"))
            .unwrap_or_default()
    );
    out.push_str(&table::wrap("", &range));
    out.push('\n');
    if r.events.is_empty() {
        out.push_str("No link enters or leaves the plan in this range.\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .events
            .iter()
            .map(|e| {
                vec![
                    num(e.value, d),
                    change_name(e.change).into(),
                    e.link.to_string(),
                ]
            })
            .collect();
        out.push_str(&grid(
            &[
                (r.param.as_str(), Align::Right),
                ("change", Align::Left),
                ("exchange", Align::Left),
            ],
            &rows,
        ));
    }
    for (what, links) in [
        ("Always in the plan", &r.always),
        ("Never in the plan", &r.never),
    ] {
        out.push_str(&format!(
            "\n{what} in {}..{}:{}\n",
            r.from,
            r.to,
            if links.is_empty() { " none" } else { "" }
        ));
        for l in links {
            out.push_str(&format!("  {l}\n"));
        }
    }
    if let Some(p) = &r.plants {
        out.push_str(&plants_table(r, p, d));
    }
    if let Some(q) = &r.stores {
        out.push_str(&stores_table(r, q, d));
    }
    out
}

/// The stores' switches, and the stores always and never built.
fn stores_table(r: &BreakEven, q: &symbio::analysis::breakeven::StoreSwitches, d: usize) -> String {
    let mut out = String::from("\nStores\n");
    if q.events.is_empty() {
        out.push_str("No store is built on one side of a value only in this range.\n");
    } else {
        let rows: Vec<Vec<String>> = (q.events.iter())
            .map(|e| {
                let change = if e.built_above {
                    "built above"
                } else {
                    "built below"
                };
                vec![num(e.value, d), change.into(), e.store.clone()]
            })
            .collect();
        out.push_str(&grid(
            &[
                (r.param.as_str(), Align::Right),
                ("change", Align::Left),
                ("store", Align::Left),
            ],
            &rows,
        ));
    }
    out.push('\n');
    for (what, stores) in [
        ("Always built", &q.always_built),
        ("Never built", &q.never_built),
    ] {
        let list = if stores.is_empty() {
            "none".to_owned()
        } else {
            stores.join(", ")
        };
        out.push_str(&format!("{what} in {}..{}: {list}\n", r.from, r.to));
    }
    out
}

/// The plants' switches, and the plants always and never open.
fn plants_table(r: &BreakEven, p: &PlantSwitches, d: usize) -> String {
    let mut out = String::from("\nPlants\n");
    if p.events.is_empty() {
        out.push_str("No plant opens, closes or changes size in this range.\n");
    } else {
        let closed = || "closed".to_owned();
        let rows: Vec<Vec<String>> = (p.events.iter())
            .map(|e| {
                let before = e.size_before.clone().unwrap_or_else(closed);
                let after = e.size_after.clone().unwrap_or_else(closed);
                vec![
                    num(e.value, d),
                    plant_change_name(e.change).into(),
                    e.plant.clone(),
                    format!("{before} → {after}"),
                ]
            })
            .collect();
        out.push_str(&grid(
            &[
                (r.param.as_str(), Align::Right),
                ("change", Align::Left),
                ("plant", Align::Left),
                ("size", Align::Left),
            ],
            &rows,
        ));
    }
    out.push('\n');
    for (what, plants) in [
        ("Always open", &p.always_open),
        ("Never open", &p.never_open),
    ] {
        let list = if plants.is_empty() {
            "none".to_owned()
        } else {
            plants.join(", ")
        };
        out.push_str(&format!("{what} in {}..{}: {list}\n", r.from, r.to));
    }
    out
}
