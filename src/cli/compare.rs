//! `symbio compare`: the optimized network against today's, and what every firm gains.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::ValueEnum;
use symbio::analysis::allocation::{Gains, RationalPlan, Shapley, ShapleyMethod, ShapleyOptions};
use symbio::analysis::compare::{
    compare, Change, CompareOptions, Comparison, LinkDiff, Metrics, SiteChange, Variant,
    VariantReport,
};

use super::table::{self, num, status, Align};
use super::{
    args::{csv_text, InputArgs, OutputArgs, SolverArgs, TableFormat as Format},
    output, syntax, CliError, Outcome,
};

/// The optimum to report against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VariantArg {
    /// Existing links kept, new ones added (the plan of `symbio solve`).
    Brownfield,
    /// Existing links may be dropped or re-routed.
    Greenfield,
}

/// How firms' gains are allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Allocation {
    /// Each link's surplus split between its two firms by a transfer price.
    Split,
    /// Also the Shapley value of every site in the symbiosis game.
    Shapley,
}

/// Arguments of `symbio compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// The optimum to report against the baseline.
    #[arg(long, value_enum, default_value_t = VariantArg::Brownfield)]
    pub variant: VariantArg,
    /// Report the baseline, the brownfield and the greenfield optimum.
    #[arg(long, conflicts_with = "variant")]
    pub all: bool,
    /// How each link's surplus is split: `supplier=SHARE` or `receiver=SHARE`, a
    /// share between 0 and 1 (default: equal split, the Nash bargaining solution).
    #[arg(long, value_name = "PARTY=SHARE", default_value = "supplier=0.5")]
    pub split: String,
    /// `shapley` adds the Shapley value of every site (one MILP per coalition).
    #[arg(long, value_enum, default_value_t = Allocation::Split)]
    pub allocation: Allocation,
    /// Clusters of at most this many sites get the exact Shapley value; larger ones
    /// are sampled.
    #[arg(long, value_name = "SITES", default_value_t = 12)]
    pub exact_limit: usize,
    /// Permutations sampled per cluster above the exact limit.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub samples: usize,
    /// Seed of the permutation sampler.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Also find the best plan in which every firm, with transfers on its links,
    /// gains at least its baseline gain, and what that costs the district.
    #[arg(long)]
    pub individually_rational: bool,
    /// Output format [default: table; with -o FILE, the format its extension
    /// names: .json, .csv]; csv: each firm in each optimum, a row per variant and
    /// site (before transfers, after, change).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// Runs `symbio compare`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, Format::Table)?;
    let solve = a.solver.resolve()?;
    let supplier_share = syntax::split(&a.split)?;
    let variants = if a.all {
        vec![Variant::Brownfield, Variant::Greenfield]
    } else {
        vec![match a.variant {
            VariantArg::Brownfield => Variant::Brownfield,
            VariantArg::Greenfield => Variant::Greenfield,
        }]
    };
    let shapley = (a.allocation == Allocation::Shapley).then_some(ShapleyOptions {
        exact_limit: a.exact_limit,
        samples: a.samples,
        seed: a.seed,
        threads: solve.threads as usize,
        solve,
    });
    if let Some(o) = &shapley {
        o.check()?;
    }
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    a.out
        .guard(loaded.files.clone(), symbio::files::Kind::Other)?;
    let scenario = symbio::scenario::validate::validate(&loaded)?;
    let c = compare(
        &scenario,
        &CompareOptions {
            solve,
            threads: solve.threads as usize,
            variants,
            supplier_share,
            shapley,
            individually_rational: a.individually_rational,
        },
    )?;
    let text = match format {
        Format::Json => output::to_json(&c),
        Format::Table => render(&c),
        Format::Csv => sites_csv(&c),
    };
    a.out.emit(&text)?;
    Ok(if c.has_plans() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

/// Each firm in each optimum as CSV, a row per variant and site in scenario
/// order: its net benefit today and in the optimum before transfers, the
/// change, its gain after the transfers of the split (empty without a plan),
/// and the changes of CO2 avoided and transport energy.
fn sites_csv(c: &Comparison) -> String {
    let mut rows = Vec::new();
    for v in &c.variants {
        let gains = v.gains.as_ref();
        for (k, s) in v.sites.iter().enumerate() {
            let gain = gains
                .and_then(|g| g.sites.get(k))
                .filter(|g| g.site == s.site)
                .map_or(String::new(), |g| g.gain.to_string());
            rows.push(vec![
                match v.variant {
                    Variant::Baseline => "baseline",
                    Variant::Brownfield => "brownfield",
                    Variant::Greenfield => "greenfield",
                }
                .to_owned(),
                s.site.clone(),
                s.name.clone(),
                s.change.baseline.net_benefit.to_string(),
                s.change.optimized.net_benefit.to_string(),
                s.change.change.net_benefit.to_string(),
                gain,
                s.change.change.co2_avoided.to_string(),
                s.change.change.transport_energy_gj.to_string(),
            ]);
        }
    }
    csv_text(
        &[
            "variant",
            "site",
            "name",
            "net_benefit_today",
            "net_benefit_before_transfers",
            "change_before_transfers",
            "gain_after_transfers",
            "co2_avoided_change",
            "transport_energy_gj_change",
        ],
        &rows,
    )
}

/// Rows under a header with aligned columns, each line indented by two spaces.
fn grid(header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    table::grid_indented(2, header, rows)
}

/// A link named in full on a line of its own: `kind` (padded to `kind_width`),
/// then its key (`from_site/from_output->to_site/to_input@mode`).
fn link_line(kind: &str, kind_width: usize, link: &symbio::LinkKey) -> String {
    let kind = if kind_width == 0 {
        String::new()
    } else {
        format!("{kind:<kind_width$}  ")
    };
    format!("{kind}{link}")
}

/// A table of links: the header of their figures, then each link on a line of
/// its own (`(kind, link)`, indented by two spaces) above its figures (by four),
/// so that the names stay whole and the figures fit the width.
fn linked(header: &[(&str, Align)], items: &[(&str, &symbio::LinkKey, Vec<String>)]) -> String {
    let kind_width = items
        .iter()
        .map(|(k, _, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let rows: Vec<Vec<String>> = items.iter().map(|(_, _, r)| r.clone()).collect();
    let figures = table::grid_indented(4, header, &rows);
    let mut lines = figures.lines();
    let mut out = String::new();
    if let Some(h) = lines.next() {
        out.push_str(&format!("{h}\n"));
    }
    for ((kind, link, _), figures) in items.iter().zip(lines) {
        out.push_str(&format!(
            "  {}\n{figures}\n",
            link_line(kind, kind_width, link)
        ));
    }
    out
}

/// A change with its sign.
fn signed(v: f64, decimals: usize) -> String {
    let s = num(v, decimals);
    if v > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or("–".into(), |v| num(v, decimals))
}

fn pct(v: f64) -> String {
    format!("{} %", num(v * 100.0, 0))
}

fn title(v: Variant) -> &'static str {
    match v {
        Variant::Baseline => "Baseline: only the existing links",
        Variant::Brownfield => "Brownfield optimum: existing links kept, new ones added",
        Variant::Greenfield => "Greenfield optimum: existing links may be dropped or re-routed",
    }
}

/// Renders a comparison as text.
pub fn render(c: &Comparison) -> String {
    let cur = &c.currency;
    let mut out = format!("Scenario {} ({cur})\n\n", c.scenario);
    let b = &c.baseline;
    out.push_str(&format!("{}\n", title(Variant::Baseline)));
    out.push_str(&format!("Status   {}\n", status(b.status, None)));
    if let Some(v) = b.net_benefit {
        out.push_str(&format!("Net benefit {} {cur}/yr\n", num(v, 0)));
    }
    if !b.status.has_plan() {
        out.push_str("Without a baseline plan, the optima are compared with no exchange at all.\n");
    } else if b.links.is_empty() {
        out.push_str("No link is marked existing.\n");
    } else {
        let items: Vec<_> = b
            .links
            .iter()
            .map(|l| {
                let row = vec![
                    flow(l.flow, &l.unit),
                    num(l.net_benefit, 0),
                    if l.recorded {
                        "recorded".into()
                    } else {
                        "best flow (none recorded)".into()
                    },
                ];
                ("", &l.link, row)
            })
            .collect();
        let money = format!("{cur}/yr");
        out.push_str(&linked(
            &[
                ("flow/yr", Align::Right),
                (money.as_str(), Align::Right),
                ("flow", Align::Left),
            ],
            &items,
        ));
    }
    for v in &c.variants {
        out.push('\n');
        variant(&mut out, c, v);
    }
    out
}

/// A flow with its unit.
fn flow(flow: f64, unit: &str) -> String {
    format!("{} {unit}", num(flow, 0))
}

/// A transfer price per unit sent, `–` when nothing flows.
fn price(per_unit: Option<f64>, unit: &str) -> String {
    per_unit.map_or("–".into(), |p| format!("{}/{unit}", num(p, 2)))
}

/// An item of the "Links" table: the change, the link, its flows and net benefits.
fn diff_row<'a>(
    kind: &'static str,
    l: &'a LinkDiff,
) -> (&'static str, &'a symbio::LinkKey, Vec<String>) {
    let row = vec![
        flow(l.flow_before, &l.unit),
        flow(l.flow_after, &l.unit),
        num(l.net_benefit_before, 0),
        num(l.net_benefit_after, 0),
    ];
    (kind, &l.link, row)
}

fn units(a: &Metrics, b: &Metrics, waste: bool) -> BTreeSet<String> {
    let pick = |m: &Metrics| {
        if waste {
            m.waste_diverted.keys().cloned().collect::<Vec<_>>()
        } else {
            m.virgin_displaced.keys().cloned().collect()
        }
    };
    pick(a).into_iter().chain(pick(b)).collect()
}

fn by_unit(m: &std::collections::BTreeMap<String, f64>, signed_values: bool) -> String {
    let parts: Vec<String> = m
        .iter()
        .filter(|(_, v)| **v != 0.0)
        .map(|(u, v)| {
            if signed_values {
                format!("{} {u}", signed(*v, 0))
            } else {
                format!("{} {u}", num(*v, 0))
            }
        })
        .collect();
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join("; ")
    }
}

/// Renders one optimum against the baseline: its status and net benefit and, when
/// it has a plan, the link changes, the totals, the sites, the firms' gains, the
/// Shapley values and the individually rational plan, each under its heading.
fn variant(out: &mut String, c: &Comparison, v: &VariantReport) {
    let cur = &c.currency;
    variant_header(out, c, v);
    if !v.status.has_plan() {
        return;
    }
    links_table(out, cur, v);
    totals_table(out, cur, &v.totals);
    sites_table(out, cur, &v.sites);
    if let Some(g) = &v.gains {
        gains(out, g);
    }
    if let Some(sh) = &v.shapley {
        shapley(out, cur, sh);
    }
    if let Some(ir) = &v.individually_rational {
        individually_rational(out, cur, ir);
    }
}

/// The title, status and net benefit (against the baseline's) of an optimum.
fn variant_header(out: &mut String, c: &Comparison, v: &VariantReport) {
    let cur = &c.currency;
    out.push_str(&format!("{}\n", title(v.variant)));
    out.push_str(&format!("Status   {}\n", status(v.status, v.gap)));
    if let (Some(n), Some(b)) = (v.net_benefit, c.baseline.net_benefit) {
        out.push_str(&format!(
            "Net benefit {} {cur}/yr ({} against the baseline)\n",
            num(n, 0),
            signed(n - b, 0)
        ));
    }
}

/// The diff rows of an optimum: added, kept and dropped links, then each re-routed
/// output's links before and after.
fn diff_rows(v: &VariantReport) -> Vec<(&'static str, &symbio::LinkKey, Vec<String>)> {
    let mut rows = Vec::new();
    rows.extend(v.added.iter().map(|l| diff_row("added", l)));
    rows.extend(v.kept.iter().map(|l| diff_row("kept", l)));
    rows.extend(v.dropped.iter().map(|l| diff_row("dropped", l)));
    for r in &v.rerouted {
        rows.extend(r.before.iter().map(|l| diff_row("re-routed from", l)));
        rows.extend(r.after.iter().map(|l| diff_row("re-routed to", l)));
    }
    rows
}

/// The "Links" table: every link of either plan with its flow and net benefit
/// before and after.
fn links_table(out: &mut String, cur: &str, v: &VariantReport) {
    let rows = diff_rows(v);
    out.push_str("\nLinks\n");
    if rows.is_empty() {
        out.push_str("  No link in either plan.\n");
        return;
    }
    let before = format!("{cur}/yr before");
    let after = format!("{cur}/yr after");
    out.push_str(&linked(
        &[
            ("flow before", Align::Right),
            ("flow after", Align::Right),
            (before.as_str(), Align::Right),
            (after.as_str(), Align::Right),
        ],
        &rows,
    ));
}

/// The "Totals" table: the district's figures in the baseline, the optimum and the
/// change, with a row per unit of waste diverted and of virgin resource displaced.
fn totals_table(out: &mut String, cur: &str, t: &Change) {
    let row = |label: String, get: &dyn Fn(&Metrics) -> f64| {
        vec![
            label,
            num(get(&t.baseline), 0),
            num(get(&t.optimized), 0),
            signed(get(&t.change), 0),
        ]
    };
    let mut rows = vec![
        row(format!("net benefit, {cur}/yr"), &|m: &Metrics| {
            m.net_benefit
        }),
        row("CO2 avoided, t/yr".into(), &|m: &Metrics| m.co2_avoided),
    ];
    for (waste, label) in [
        (true, "waste diverted"),
        (false, "virgin resource displaced"),
    ] {
        for u in units(&t.baseline, &t.optimized, waste) {
            let get = |m: &Metrics| {
                let map = if waste {
                    &m.waste_diverted
                } else {
                    &m.virgin_displaced
                };
                map.get(&u).copied().unwrap_or(0.0)
            };
            rows.push(row(format!("{label}, {u}/yr"), &get));
        }
    }
    rows.push(row("transport energy, GJ/yr".into(), &|m: &Metrics| {
        m.transport_energy_gj
    }));
    out.push_str("\nTotals\n");
    out.push_str(&grid(
        &[
            ("", Align::Left),
            ("baseline", Align::Right),
            ("optimized", Align::Right),
            ("change", Align::Right),
        ],
        &rows,
    ));
}

/// The "By site" table: each site with figures in either plan, its net benefit
/// before and after and the changes of its other figures (nothing when no site has
/// any).
fn sites_table(out: &mut String, cur: &str, sites: &[SiteChange]) {
    let rows: Vec<Vec<String>> = sites
        .iter()
        .filter(|s| {
            let m = &s.change;
            m.baseline != Metrics::default() || m.optimized != Metrics::default()
        })
        .map(|s| {
            let d = &s.change.change;
            vec![
                s.site.clone(),
                num(s.change.baseline.net_benefit, 0),
                num(s.change.optimized.net_benefit, 0),
                signed(d.net_benefit, 0),
                signed(d.co2_avoided, 0),
                signed(d.transport_energy_gj, 0),
                by_unit(&d.waste_diverted, true),
                by_unit(&d.virgin_displaced, true),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push_str(&format!(
        "\nBy site (net benefit before transfers, {cur}/yr; changes per year)\n"
    ));
    let first: Vec<Vec<String>> = rows.iter().map(|r| r[..6].to_vec()).collect();
    out.push_str(&grid(
        &[
            ("site", Align::Left),
            ("before", Align::Right),
            ("after", Align::Right),
            ("change", Align::Right),
            ("CO2 t", Align::Right),
            ("transport GJ", Align::Right),
        ],
        &first,
    ));
    let second: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r[6] != "0" || r[7] != "0")
        .map(|r| vec![r[0].clone(), r[6].clone(), r[7].clone()])
        .collect();
    if !second.is_empty() {
        out.push('\n');
        out.push_str(&grid(
            &[
                ("site", Align::Left),
                ("waste diverted", Align::Right),
                ("virgin displaced", Align::Right),
            ],
            &second,
        ));
    }
}

/// Each firm's gain under the split of every link's surplus: the links with their
/// transfers, the sites' gains and the firms that lose or fall below the baseline.
fn gains(out: &mut String, g: &Gains) {
    out.push_str(&format!(
        "\nEach firm's gain: {} of each link's surplus to the supplier, {} to the receiver\n",
        pct(g.supplier_share),
        pct(1.0 - g.supplier_share)
    ));
    gain_links_table(out, g);
    gain_plants(out, g);
    gain_sites_table(out, g);
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    out.push_str(&format!(
        "  Firms with a negative gain: {}. Below their baseline gain: {}.\n",
        list(&g.negative),
        list(&g.below_baseline)
    ));
}

/// The links of the split, each on a line of its own: surplus, each side's gain
/// alone, transfer and price (their flows are those of "Links"; nothing without
/// links).
fn gain_links_table(out: &mut String, g: &Gains) {
    if g.links.is_empty() {
        return;
    }
    let items: Vec<_> = g
        .links
        .iter()
        .map(|l| {
            let row = vec![
                num(l.surplus, 0),
                num(l.supplier_before_transfer, 0),
                num(l.receiver_before_transfer, 0),
                num(l.transfer, 0),
                price(l.transfer_per_unit, &l.unit),
            ];
            ("", &l.link, row)
        })
        .collect();
    out.push_str(&linked(
        &[
            ("surplus", Align::Right),
            ("supplier alone", Align::Right),
            ("receiver alone", Align::Right),
            ("transfer", Align::Right),
            ("price", Align::Right),
        ],
        &items,
    ));
    out.push_str(
        "  (flows: see Links; transfer: paid by the receiver to the supplier a year; price: per unit sent)\n",
    );
}

/// The plants of the split: each plant's operator, who takes the plant's side
/// of its links, and the plant's own net benefit, which the operator bears
/// (nothing without plants; closed plants without costs left out).
fn gain_plants(out: &mut String, g: &Gains) {
    let shown: Vec<String> = (g.plants.iter())
        .filter(|p| {
            p.net_benefit != 0.0
                || (g.links.iter())
                    .any(|l| l.link.from_site == p.plant || l.link.to_site == p.plant)
        })
        .map(|p| {
            format!(
                "    {} (run by {}): {} a year of its own\n",
                p.plant,
                p.operator,
                num(p.net_benefit, 0)
            )
        })
        .collect();
    if !shown.is_empty() {
        out.push_str(
            "  Plants: the operator takes the plant's side of each of its links and bears its own costs\n",
        );
        out.push_str(&shown.concat());
    }
}

/// The sites of the split with a gain in either plan: gain after transfers
/// (before them, it is the net benefit "after" of "By site"), baseline gain,
/// change and flags (nothing when there is none).
fn gain_sites_table(out: &mut String, g: &Gains) {
    let rows: Vec<Vec<String>> = g
        .sites
        .iter()
        .filter(|s| s.gain != 0.0 || s.baseline_gain != 0.0 || s.before_transfers != 0.0)
        .map(|s| {
            let mut flag = Vec::new();
            if s.negative {
                flag.push("NEGATIVE");
            }
            if s.below_baseline {
                flag.push("below baseline");
            }
            vec![
                s.site.clone(),
                num(s.gain, 0),
                num(s.baseline_gain, 0),
                signed(s.change, 0),
                flag.join(", "),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push('\n');
    out.push_str(&grid(
        &[
            ("site", Align::Left),
            ("gain", Align::Right),
            ("baseline gain", Align::Right),
            ("change", Align::Right),
            ("flag", Align::Left),
        ],
        &rows,
    ));
}

/// The Shapley value of every site in a cluster, then a line per cluster and the
/// total.
fn shapley(out: &mut String, cur: &str, sh: &Shapley) {
    out.push('\n');
    out.push_str(&table::wrap("", &format!(
        "Shapley value ({cur}/yr; exact for clusters of up to {} sites, else {} sampled permutations, seed {})",
        sh.exact_limit, sh.samples, sh.seed
    )));
    let rows: Vec<Vec<String>> = sh
        .sites
        .iter()
        .filter(|s| s.cluster.is_some())
        .map(|s| {
            vec![
                s.site.clone(),
                s.cluster.map_or("–".into(), |c| (c + 1).to_string()),
                num(s.value, 0),
                match (s.ci95_low, s.ci95_high) {
                    (Some(lo), Some(hi)) => format!("{} to {}", num(lo, 0), num(hi, 0)),
                    _ => "exact".into(),
                },
            ]
        })
        .collect();
    out.push_str(&grid(
        &[
            ("site", Align::Left),
            ("cluster", Align::Right),
            ("value", Align::Right),
            ("95 % CI", Align::Left),
        ],
        &rows,
    ));
    for (k, cl) in sh.clusters.iter().enumerate() {
        out.push_str(&format!(
            "  cluster {}: {} sites, value {} {cur}/yr, {}, {} coalition MILPs solved{}\n",
            k + 1,
            cl.sites.len(),
            num(cl.value, 0),
            match cl.method {
                ShapleyMethod::Exact => "exact".to_owned(),
                ShapleyMethod::MonteCarlo =>
                    format!("Monte Carlo ({} permutations)", cl.samples.unwrap_or(0)),
            },
            cl.coalitions_solved,
            if cl.time_limited > 0 {
                format!(", {} stopped at the time limit", cl.time_limited)
            } else {
                String::new()
            }
        ));
    }
    out.push_str(&format!(
        "  Sites in no link get 0. Total {} {cur}/yr.\n",
        num(sh.total, 0)
    ));
}

/// The best individually rational plan: status, net benefit and what it costs the
/// district, then its links and sites.
fn individually_rational(out: &mut String, cur: &str, ir: &RationalPlan) {
    out.push_str("\nIndividually rational plan: every firm gains at least its baseline gain\n");
    out.push_str(&format!("Status   {}\n", status(ir.status, None)));
    let Some(n) = ir.net_benefit else {
        return;
    };
    out.push_str(&table::wrap(
        "",
        &format!(
            "Net benefit {} {cur}/yr against {} unconstrained: costs the district {} {cur}/yr",
            num(n, 0),
            opt(ir.unconstrained, 0),
            opt(ir.cost, 0)
        ),
    ));
    rational_links_table(out, ir);
    let rows: Vec<Vec<String>> = ir
        .sites
        .iter()
        .filter(|s| s.gain != 0.0 || s.baseline_gain != 0.0)
        .map(|s| vec![s.site.clone(), num(s.gain, 0), num(s.baseline_gain, 0)])
        .collect();
    if !rows.is_empty() {
        out.push_str(&grid(
            &[
                ("site", Align::Left),
                ("gain", Align::Right),
                ("baseline gain", Align::Right),
            ],
            &rows,
        ));
    }
}

/// The links of the individually rational plan with surplus, transfer and price
/// (nothing without links).
fn rational_links_table(out: &mut String, ir: &RationalPlan) {
    let items: Vec<_> = ir
        .links
        .iter()
        .map(|l| {
            let row = vec![
                flow(l.flow, &l.unit),
                num(l.surplus, 0),
                num(l.transfer, 0),
                price(l.transfer_per_unit, &l.unit),
            ];
            ("", &l.link, row)
        })
        .collect();
    if items.is_empty() {
        return;
    }
    out.push_str(&linked(
        &[
            ("flow/yr", Align::Right),
            ("surplus", Align::Right),
            ("transfer", Align::Right),
            ("price", Align::Right),
        ],
        &items,
    ));
}
