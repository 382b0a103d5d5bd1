//! `symbio compare`: the optimized network against today's, and what every firm gains.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::ValueEnum;
use symbio::analysis::allocation::{ShapleyMethod, ShapleyOptions};
use symbio::analysis::compare::{
    compare, CompareOptions, Comparison, LinkDiff, Metrics, Variant, VariantReport,
};

use super::table::{self, num, status, Align};
use super::{output, Format, Outcome, SolverArgs};

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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Stop each solve after this many seconds (the best plan found is used).
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Relative optimality gap at which each solve stops (0 proves optimality).
    #[arg(long, value_name = "RELATIVE", default_value_t = 1e-6)]
    pub gap: f64,
    /// Solves run in parallel on this many threads, one HiGHS thread each; the
    /// result is the same whatever the number.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub threads: u32,
}

/// Parses `supplier=0.3` or `receiver=0.7` into the supplier's share.
pub fn parse_split(text: &str) -> Result<f64, symbio::Error> {
    let bad = || {
        symbio::Error::Usage(format!(
            "--split must be supplier=SHARE or receiver=SHARE with a share between 0 and 1, got \"{text}\""
        ))
    };
    let (party, share) = text.split_once('=').ok_or_else(bad)?;
    let share: f64 = share.trim().parse().map_err(|_| bad())?;
    if !(0.0..=1.0).contains(&share) {
        return Err(bad());
    }
    match party.trim() {
        "supplier" => Ok(share),
        "receiver" => Ok(1.0 - share),
        _ => Err(bad()),
    }
}

/// Runs `symbio compare`.
pub fn run(a: &Args) -> Result<Outcome, symbio::Error> {
    let solve = SolverArgs {
        time_limit: a.time_limit,
        gap: a.gap,
        threads: a.threads,
    }
    .resolve()?;
    let supplier_share = parse_split(&a.split)?;
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
        threads: a.threads as usize,
        solve,
    });
    if let Some(o) = &shapley {
        o.check()?;
    }
    let scenario = symbio::scenario::read(&a.file)?;
    let c = compare(
        &scenario,
        &CompareOptions {
            solve,
            threads: a.threads as usize,
            variants,
            supplier_share,
            shapley,
            individually_rational: a.individually_rational,
        },
    )?;
    let text = match a.format {
        Format::Json => output::to_json(&c),
        Format::Table => render(&c),
    };
    output::emit(a.output.as_deref(), &text)?;
    Ok(if c.has_plans() {
        Outcome::Done
    } else {
        Outcome::NoPlan
    })
}

/// Rows under a header with aligned columns, each line indented by two spaces.
fn grid(header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    table::grid(header, rows)
        .lines()
        .map(|l| format!("  {}\n", l.trim_end()))
        .collect()
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
        let rows: Vec<Vec<String>> = b
            .links
            .iter()
            .map(|l| {
                vec![
                    format!("{}/{}", l.link.from_site, l.link.from_output),
                    format!("{}/{}", l.link.to_site, l.link.to_input),
                    l.link.mode.clone(),
                    format!("{} {}", num(l.flow, 0), l.unit),
                    num(l.net_benefit, 0),
                    if l.recorded {
                        "recorded".into()
                    } else {
                        "best flow (none recorded)".into()
                    },
                ]
            })
            .collect();
        let money = format!("{cur}/yr");
        out.push_str(&grid(
            &[
                ("from", Align::Left),
                ("to", Align::Left),
                ("mode", Align::Left),
                ("flow/yr", Align::Right),
                (money.as_str(), Align::Right),
                ("flow", Align::Left),
            ],
            &rows,
        ));
    }
    for v in &c.variants {
        out.push('\n');
        variant(&mut out, c, v);
    }
    out
}

fn diff_row(kind: &str, l: &LinkDiff) -> Vec<String> {
    vec![
        kind.into(),
        format!("{}/{}", l.link.from_site, l.link.from_output),
        format!("{}/{}", l.link.to_site, l.link.to_input),
        l.link.mode.clone(),
        format!("{} {}", num(l.flow_before, 0), l.unit),
        format!("{} {}", num(l.flow_after, 0), l.unit),
        num(l.net_benefit_before, 0),
        num(l.net_benefit_after, 0),
    ]
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

fn variant(out: &mut String, c: &Comparison, v: &VariantReport) {
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
    if !v.status.has_plan() {
        return;
    }

    let mut rows: Vec<Vec<String>> = Vec::new();
    rows.extend(v.added.iter().map(|l| diff_row("added", l)));
    rows.extend(v.kept.iter().map(|l| diff_row("kept", l)));
    rows.extend(v.dropped.iter().map(|l| diff_row("dropped", l)));
    for r in &v.rerouted {
        rows.extend(r.before.iter().map(|l| diff_row("re-routed from", l)));
        rows.extend(r.after.iter().map(|l| diff_row("  to", l)));
    }
    out.push_str("\nLinks\n");
    if rows.is_empty() {
        out.push_str("  No link in either plan.\n");
    } else {
        let before = format!("{cur}/yr before");
        let after = format!("{cur}/yr after");
        out.push_str(&grid(
            &[
                ("change", Align::Left),
                ("from", Align::Left),
                ("to", Align::Left),
                ("mode", Align::Left),
                ("flow before", Align::Right),
                ("flow after", Align::Right),
                (before.as_str(), Align::Right),
                (after.as_str(), Align::Right),
            ],
            &rows,
        ));
    }

    let t = &v.totals;
    let mut rows = vec![
        vec![
            format!("net benefit, {cur}/yr"),
            num(t.baseline.net_benefit, 0),
            num(t.optimized.net_benefit, 0),
            signed(t.change.net_benefit, 0),
        ],
        vec![
            "CO2 avoided, t/yr".into(),
            num(t.baseline.co2_avoided, 0),
            num(t.optimized.co2_avoided, 0),
            signed(t.change.co2_avoided, 0),
        ],
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
            rows.push(vec![
                format!("{label}, {u}/yr"),
                num(get(&t.baseline), 0),
                num(get(&t.optimized), 0),
                signed(get(&t.change), 0),
            ]);
        }
    }
    rows.push(vec![
        "transport energy, GJ/yr".into(),
        num(t.baseline.transport_energy_gj, 0),
        num(t.optimized.transport_energy_gj, 0),
        signed(t.change.transport_energy_gj, 0),
    ]);
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

    let rows: Vec<Vec<String>> = v
        .sites
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
                by_unit(&d.waste_diverted, true),
                by_unit(&d.virgin_displaced, true),
                signed(d.transport_energy_gj, 0),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push_str(&format!(
            "\nBy site (net benefit before transfers, {cur}/yr; changes per year)\n"
        ));
        out.push_str(&grid(
            &[
                ("site", Align::Left),
                ("before", Align::Right),
                ("after", Align::Right),
                ("change", Align::Right),
                ("CO2 t", Align::Right),
                ("waste diverted", Align::Right),
                ("virgin displaced", Align::Right),
                ("transport GJ", Align::Right),
            ],
            &rows,
        ));
    }

    if let Some(g) = &v.gains {
        out.push_str(&format!(
            "\nEach firm's gain: {} of each link's surplus to the supplier, {} to the receiver\n",
            pct(g.supplier_share),
            pct(1.0 - g.supplier_share)
        ));
        if !g.links.is_empty() {
            let rows: Vec<Vec<String>> = g
                .links
                .iter()
                .map(|l| {
                    vec![
                        format!("{}/{}", l.link.from_site, l.link.from_output),
                        format!("{}/{}", l.link.to_site, l.link.to_input),
                        l.link.mode.clone(),
                        format!("{} {}", num(l.flow, 0), l.unit),
                        num(l.surplus, 0),
                        num(l.supplier_before_transfer, 0),
                        num(l.receiver_before_transfer, 0),
                        num(l.transfer, 0),
                        l.transfer_per_unit
                            .map_or("–".into(), |p| format!("{}/{}", num(p, 2), l.unit)),
                    ]
                })
                .collect();
            out.push_str(&grid(
                &[
                    ("from", Align::Left),
                    ("to", Align::Left),
                    ("mode", Align::Left),
                    ("flow/yr", Align::Right),
                    ("surplus", Align::Right),
                    ("supplier alone", Align::Right),
                    ("receiver alone", Align::Right),
                    ("transfer", Align::Right),
                    ("price", Align::Right),
                ],
                &rows,
            ));
            out.push_str(
                "  (transfer: paid by the receiver to the supplier per year; price: per unit sent)\n",
            );
        }
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
                    num(s.before_transfers, 0),
                    num(s.gain, 0),
                    num(s.baseline_gain, 0),
                    signed(s.change, 0),
                    flag.join(", "),
                ]
            })
            .collect();
        if !rows.is_empty() {
            out.push('\n');
            out.push_str(&grid(
                &[
                    ("site", Align::Left),
                    ("before transfers", Align::Right),
                    ("gain", Align::Right),
                    ("baseline gain", Align::Right),
                    ("change", Align::Right),
                    ("flag", Align::Left),
                ],
                &rows,
            ));
        }
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

    if let Some(sh) = &v.shapley {
        out.push_str(&format!(
            "\nShapley value ({cur}/yr; exact for clusters of up to {} sites, else {} sampled permutations, seed {})\n",
            sh.exact_limit, sh.samples, sh.seed
        ));
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

    if let Some(ir) = &v.individually_rational {
        out.push_str("\nIndividually rational plan: every firm gains at least its baseline gain\n");
        out.push_str(&format!("Status   {}\n", status(ir.status, None)));
        if let Some(n) = ir.net_benefit {
            out.push_str(&format!(
                "Net benefit {} {cur}/yr against {} unconstrained: costs the district {} {cur}/yr\n",
                num(n, 0),
                opt(ir.unconstrained, 0),
                opt(ir.cost, 0)
            ));
            let rows: Vec<Vec<String>> = ir
                .links
                .iter()
                .map(|l| {
                    vec![
                        format!("{}/{}", l.link.from_site, l.link.from_output),
                        format!("{}/{}", l.link.to_site, l.link.to_input),
                        l.link.mode.clone(),
                        format!("{} {}", num(l.flow, 0), l.unit),
                        num(l.surplus, 0),
                        num(l.transfer, 0),
                        l.transfer_per_unit
                            .map_or("–".into(), |p| format!("{}/{}", num(p, 2), l.unit)),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                out.push_str(&grid(
                    &[
                        ("from", Align::Left),
                        ("to", Align::Left),
                        ("mode", Align::Left),
                        ("flow/yr", Align::Right),
                        ("surplus", Align::Right),
                        ("transfer", Align::Right),
                        ("price", Align::Right),
                    ],
                    &rows,
                ));
            }
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
    }
}

#[cfg(test)]
mod tests {
    use super::parse_split;

    #[test]
    fn split_is_parsed_for_either_party() {
        assert_eq!(parse_split("supplier=0.3").unwrap(), 0.3);
        assert!((parse_split("receiver=0.3").unwrap() - 0.7).abs() < 1e-12);
        assert!(parse_split("supplier=1.5").is_err());
        assert!(parse_split("buyer=0.5").is_err());
        assert!(parse_split("0.5").is_err());
    }
}
