//! Baseline against optimized: what changes against what runs today, and what every
//! firm gains (`symbio compare`, documented in `docs/compare.md`).
//!
//! Three plans of one candidate network:
//!
//! - **baseline**: only the links marked `existing`, at their recorded quantities
//!   (where none is recorded, the best flow on those links, and the report says so);
//! - **brownfield**: the normal optimum, existing links kept and new ones added;
//! - **greenfield**: existing links may be dropped: they become candidates (no capex,
//!   since they exist), with no recorded quantity enforced.
//!
//! Each optimum is compared with the baseline link by link (added, kept, dropped,
//! re-routed) and in total and per site (net benefit, CO2 avoided, waste diverted,
//! virgin resource displaced, transport energy), and each firm's gain is reported
//! ([`crate::analysis::allocation`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::allocation::{
    self, check_share, Gains, RationalPlan, Shapley, ShapleyOptions,
};
use crate::domain::{LinkStatus, OutputId, Scenario};
use crate::economics::{link_co2_share, link_share, link_value, payer_shares};
use crate::error::Error;
use crate::link_key::LinkKey;
use crate::model::{self, Solution, SolveOptions, Status};
use crate::network::{self, Network};
use crate::parallel::Pool;
use crate::plan::{self, round};

/// One of the three plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Only the existing links.
    Baseline,
    /// Existing links kept, new ones added (`symbio solve`).
    Brownfield,
    /// Existing links may be dropped.
    Greenfield,
}

/// The network of a variant and, for each of its links, its index in `net`.
///
/// The baseline keeps only the links marked `existing`; the brownfield network is
/// `net` itself; the greenfield network is `net` with every existing link turned into
/// a candidate without a recorded quantity (its capex is already 0). The greenfield
/// links' economics are those of `net`, so its solutions can be read against `net`.
pub(crate) fn variant_network(net: &Network, v: Variant) -> (Network, Vec<usize>) {
    match v {
        Variant::Baseline => {
            let existing = |l: &network::CandidateLink| l.status == LinkStatus::Existing;
            let idx = (0..net.links.len())
                .filter(|&k| existing(&net.links[k]))
                .collect();
            (net.restrict(existing), idx)
        }
        Variant::Brownfield => (net.clone(), (0..net.links.len()).collect()),
        Variant::Greenfield => {
            let mut g = net.clone();
            for l in &mut g.links {
                if l.status == LinkStatus::Existing {
                    l.status = LinkStatus::Candidate;
                    l.recorded_quantity = None;
                }
            }
            (g, (0..net.links.len()).collect())
        }
    }
}

/// A solution of a sub-network spread over the links of the whole network (links
/// not in the sub-network carry nothing).
pub(crate) fn lift(n: usize, idx: &[usize], sol: Solution) -> Solution {
    let mut flows = vec![0.0; n];
    let mut built = vec![false; n];
    for (j, &k) in idx.iter().enumerate() {
        flows[k] = sol.flows.get(j).copied().unwrap_or(0.0);
        built[k] = sol.built.get(j).copied().unwrap_or(false);
    }
    Solution {
        flows,
        built,
        ..sol
    }
}

/// Solves a variant as one MILP; the solution is in `net`'s link order.
pub(crate) fn solve_variant(
    s: &Scenario,
    net: &Network,
    v: Variant,
    options: &SolveOptions,
) -> Result<Solution, Error> {
    let (sub, idx) = variant_network(net, v);
    let sol = model::solve(s, &sub, &options.one_milp())?;
    Ok(lift(net.links.len(), &idx, sol))
}

/// The figures compared, for the whole district or one site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Annual net benefit, currency per year (per site: its gain before transfers,
    /// as `symbio solve` splits it).
    pub net_benefit: f64,
    /// t CO2e avoided per year (per site: as `symbio solve` attributes it).
    pub co2_avoided: f64,
    /// Waste and by-products diverted from disposal, per unit per year (per site: its outputs).
    pub waste_diverted: BTreeMap<String, f64>,
    /// Virgin resource displaced, per unit per year (per site: its inputs).
    pub virgin_displaced: BTreeMap<String, f64>,
    /// Transport energy, GJ per year (per site: as transport costs are split).
    pub transport_energy_gj: f64,
}

impl Metrics {
    /// `self` − `other`, unit by unit.
    pub(crate) fn minus(&self, other: &Metrics) -> Metrics {
        let sub = |a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>| {
            let mut m = a.clone();
            for (u, v) in b {
                *m.entry(u.clone()).or_default() -= v;
            }
            m
        };
        Metrics {
            net_benefit: self.net_benefit - other.net_benefit,
            co2_avoided: self.co2_avoided - other.co2_avoided,
            waste_diverted: sub(&self.waste_diverted, &other.waste_diverted),
            virgin_displaced: sub(&self.virgin_displaced, &other.virgin_displaced),
            transport_energy_gj: self.transport_energy_gj - other.transport_energy_gj,
        }
    }

    /// Every figure rounded to nine significant digits.
    pub fn rounded(&self) -> Metrics {
        let r = |m: &BTreeMap<String, f64>| m.iter().map(|(u, v)| (u.clone(), round(*v))).collect();
        Metrics {
            net_benefit: round(self.net_benefit),
            co2_avoided: round(self.co2_avoided),
            waste_diverted: r(&self.waste_diverted),
            virgin_displaced: r(&self.virgin_displaced),
            transport_energy_gj: round(self.transport_energy_gj),
        }
    }
}

/// The district's figures (as `symbio solve` reports them) and each site's, unrounded.
pub(crate) fn metrics(s: &Scenario, net: &Network, sol: &Solution) -> (Metrics, Vec<Metrics>) {
    let p = plan::assemble(s, net, sol);
    let total = Metrics {
        net_benefit: p.totals.figures.net_benefit,
        co2_avoided: p.totals.figures.co2_avoided,
        waste_diverted: p.totals.waste_diverted.clone(),
        virgin_displaced: p.totals.virgin_displaced.clone(),
        transport_energy_gj: p.totals.figures.transport_energy_gj,
    };
    let (ts, tr) = payer_shares(s.parameters.transport_paid_by);
    let mut sites = vec![Metrics::default(); s.firms().len()];
    for (firm, net_benefit, co2) in plan::plant_benefits(s, net, sol) {
        sites[firm].net_benefit += net_benefit;
        sites[firm].co2_avoided -= co2;
    }
    for (firm, net_benefit, co2) in plan::store_benefits(s, &sol.by_period) {
        sites[firm].net_benefit += net_benefit;
        sites[firm].co2_avoided += co2;
    }
    for (k, l) in net.links.iter().enumerate() {
        if !sol.built.get(k).copied().unwrap_or(false) {
            continue;
        }
        let x = sol.flows[k];
        let a = link_share(s, l);
        let (gs, gr) = crate::analysis::allocation::link_gains(s, l, sol, k);
        let (cs, cr) = link_co2_share(s, l);
        let energy = l.transport_energy_gj * x;
        let sup = &mut sites[a.supplier];
        sup.net_benefit += gs;
        sup.co2_avoided += cs * x;
        // What plants make is no waste, and what they take displaces no purchase.
        if s.plant_of_output(l.output).is_none() {
            *sup.waste_diverted
                .entry(s.output_material(l.output).unit.clone())
                .or_default() += x;
        }
        sup.transport_energy_gj += ts * energy;
        let rec = &mut sites[a.receiver];
        rec.net_benefit += gr;
        rec.co2_avoided += cr * x;
        if s.plant_of_input(l.input).is_none() {
            *rec.virgin_displaced
                .entry(s.input_material(l.input).unit.clone())
                .or_default() += l.displaced_per_unit * x;
        }
        rec.transport_energy_gj += tr * energy;
    }
    (total, sites)
}

/// A link of the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineLink {
    /// The link.
    #[serde(flatten)]
    pub link: LinkKey,
    /// Flow sent, units of the output per year.
    pub flow: f64,
    /// Unit of `flow`.
    pub unit: String,
    /// Annual net benefit of the link.
    pub net_benefit: f64,
    /// Whether the flow is the recorded quantity (false: none is recorded and the
    /// best flow on the existing links was taken).
    pub recorded: bool,
}

/// The baseline: what runs today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineReport {
    /// Solver status.
    pub status: Status,
    /// Annual net benefit of the existing links.
    pub net_benefit: Option<f64>,
    /// The existing links.
    pub links: Vec<BaselineLink>,
    /// Existing links without a recorded quantity, whose flow is the best one.
    pub optimised_flows: Vec<LinkKey>,
}

/// A link in the baseline, the optimum or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkDiff {
    /// The link.
    #[serde(flatten)]
    pub link: LinkKey,
    /// Whether it operates today.
    pub existing: bool,
    /// Unit of the flows.
    pub unit: String,
    /// Flow in the baseline, units per year.
    pub flow_before: f64,
    /// Flow in the optimum.
    pub flow_after: f64,
    /// Annual net benefit in the baseline.
    pub net_benefit_before: f64,
    /// Annual net benefit in the optimum.
    pub net_benefit_after: f64,
}

/// An output that goes elsewhere: its baseline links not kept and its new links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reroute {
    /// Supplying site id.
    pub from_site: String,
    /// Output id.
    pub from_output: String,
    /// Its links in the baseline that the optimum does not keep.
    pub before: Vec<LinkDiff>,
    /// Its links in the optimum that the baseline does not have.
    pub after: Vec<LinkDiff>,
}

/// A figure before, after and the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// In the baseline.
    pub baseline: Metrics,
    /// In the optimum.
    pub optimized: Metrics,
    /// `optimized` − `baseline`.
    pub change: Metrics,
}

impl Change {
    fn of(baseline: &Metrics, optimized: &Metrics) -> Change {
        Change {
            baseline: baseline.rounded(),
            optimized: optimized.rounded(),
            change: optimized.minus(baseline).rounded(),
        }
    }
}

/// One site's figures before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteChange {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// Its figures.
    #[serde(flatten)]
    pub change: Change,
}

/// One optimum against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantReport {
    /// brownfield or greenfield.
    pub variant: Variant,
    /// Solver status.
    pub status: Status,
    /// Annual net benefit (the solver's objective).
    pub net_benefit: Option<f64>,
    /// Relative gap of the solve.
    pub gap: Option<f64>,
    /// Links in the optimum, not in the baseline (and not a re-routing).
    pub added: Vec<LinkDiff>,
    /// Links in both (their flow may change).
    pub kept: Vec<LinkDiff>,
    /// Links in the baseline, not in the optimum (and not a re-routing).
    pub dropped: Vec<LinkDiff>,
    /// Outputs whose baseline link gives way to a link to another input or by another mode.
    pub rerouted: Vec<Reroute>,
    /// The district's figures.
    pub totals: Change,
    /// Every site's figures, in scenario order.
    pub sites: Vec<SiteChange>,
    /// Each link's surplus and transfer price, each firm's gain (absent without a plan).
    pub gains: Option<Gains>,
    /// The Shapley value of each site (when [`CompareOptions::shapley`] asks for it).
    pub shapley: Option<Shapley>,
    /// The best individually rational plan (when [`CompareOptions::individually_rational`] asks for it).
    pub individually_rational: Option<RationalPlan>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Scenario name.
    pub scenario: String,
    /// Currency of all money figures.
    pub currency: String,
    /// Share of each link's surplus that goes to its supplier.
    pub supplier_share: f64,
    /// What runs today.
    pub baseline: BaselineReport,
    /// The optima reported, each against the baseline.
    pub variants: Vec<VariantReport>,
}

impl Comparison {
    /// Whether the baseline and every variant have a plan.
    pub fn has_plans(&self) -> bool {
        self.baseline.status.has_plan() && self.variants.iter().all(|v| v.status.has_plan())
    }
}

/// What to compare and how.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Options of every solve (its `threads` is ignored: each solve gets one HiGHS thread).
    pub solve: SolveOptions,
    /// Solves run in parallel on this many threads.
    pub threads: usize,
    /// The optima to report: brownfield, greenfield or both.
    pub variants: Vec<Variant>,
    /// Share θ of each link's surplus that goes to its supplier (0.5: equal split).
    pub supplier_share: f64,
    /// Compute the Shapley value of every site with these options.
    pub shapley: Option<ShapleyOptions>,
    /// Also solve with every site's gain at least its baseline gain.
    pub individually_rational: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            solve: SolveOptions::default(),
            threads: 1,
            variants: vec![Variant::Brownfield],
            supplier_share: 0.5,
            shapley: None,
            individually_rational: false,
        }
    }
}

fn link_diff(s: &Scenario, net: &Network, base: &Solution, var: &Solution, k: usize) -> LinkDiff {
    let l = &net.links[k];
    LinkDiff {
        link: l.key(s),
        existing: l.status == LinkStatus::Existing,
        unit: s.output_material(l.output).unit.clone(),
        flow_before: round(if base.built[k] { base.flows[k] } else { 0.0 }),
        flow_after: round(if var.built[k] { var.flows[k] } else { 0.0 }),
        net_benefit_before: round(link_value(s, l, base.flows[k], base.built[k])),
        net_benefit_after: round(link_value(s, l, var.flows[k], var.built[k])),
    }
}

type Diff = (Vec<LinkDiff>, Vec<LinkDiff>, Vec<LinkDiff>, Vec<Reroute>);

/// Links added, kept, dropped and re-routed from `base` to `var` (both in `net`'s
/// link order). An output with a baseline link the optimum drops and a link the
/// baseline lacks is re-routed; other dropped links are dropped, other new ones added.
pub(crate) fn diff(s: &Scenario, net: &Network, base: &Solution, var: &Solution) -> Diff {
    let mut kept = Vec::new();
    let mut gone: BTreeMap<OutputId, Vec<usize>> = BTreeMap::new();
    let mut new: BTreeMap<OutputId, Vec<usize>> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        match (base.built[k], var.built[k]) {
            (true, true) => kept.push(link_diff(s, net, base, var, k)),
            (true, false) => gone.entry(l.output).or_default().push(k),
            (false, true) => new.entry(l.output).or_default().push(k),
            (false, false) => {}
        }
    }
    let mut added = Vec::new();
    let mut dropped = Vec::new();
    let mut rerouted = Vec::new();
    let outputs: std::collections::BTreeSet<OutputId> =
        gone.keys().chain(new.keys()).copied().collect();
    for o in outputs {
        let g = gone.remove(&o).unwrap_or_default();
        let n = new.remove(&o).unwrap_or_default();
        let d = |k: &usize| link_diff(s, net, base, var, *k);
        if !g.is_empty() && !n.is_empty() {
            let out = &s.outputs[o.0];
            rerouted.push(Reroute {
                from_site: s.sites[out.site.0].id.clone(),
                from_output: out.id.clone(),
                before: g.iter().map(d).collect(),
                after: n.iter().map(d).collect(),
            });
        } else {
            dropped.extend(g.iter().map(d));
            added.extend(n.iter().map(d));
        }
    }
    // Outputs ascend and the network is sorted by output first: every list is in
    // network order.
    (added, kept, dropped, rerouted)
}

/// Compares the baseline with the optima of `o.variants`.
pub fn compare(s: &Scenario, o: &CompareOptions) -> Result<Comparison, Error> {
    check_share(o.supplier_share)?;
    if let Some(sh) = &o.shapley {
        sh.check()?;
    }
    if o.variants.is_empty() || o.variants.contains(&Variant::Baseline) {
        return Err(Error::option(
            "variants",
            "compare the baseline with brownfield, greenfield or both",
        ));
    }
    let net = network::build(s)?;
    let one = SolveOptions {
        threads: 1,
        ..o.solve
    };
    let mut which = vec![Variant::Baseline];
    which.extend(o.variants.iter().copied());
    let solved = Pool::new(o.threads)?.map(&which, |&v| solve_variant(s, &net, v, &one));
    let mut sols = Vec::with_capacity(solved.len());
    for r in solved {
        sols.push(r?);
    }
    let base = &sols[0];
    let theta = o.supplier_share;

    let baseline = BaselineReport {
        status: base.status,
        net_benefit: base.objective.map(round),
        links: net
            .links
            .iter()
            .enumerate()
            .filter(|(k, _)| base.built[*k])
            .map(|(k, l)| BaselineLink {
                link: l.key(s),
                flow: round(base.flows[k]),
                unit: s.output_material(l.output).unit.clone(),
                net_benefit: round(link_value(s, l, base.flows[k], true)),
                recorded: l.recorded_quantity.is_some(),
            })
            .collect(),
        optimised_flows: net
            .links
            .iter()
            .filter(|l| l.status == LinkStatus::Existing && l.recorded_quantity.is_none())
            .map(|l| l.key(s))
            .collect(),
    };
    let (base_total, base_sites) = metrics(s, &net, base);
    let base_gains = allocation::split_gains(s, &net, base, theta);

    let mut variants = Vec::with_capacity(o.variants.len());
    for (v, sol) in o.variants.iter().zip(&sols[1..]) {
        let (added, kept, dropped, rerouted) = diff(s, &net, base, sol);
        let (total, sites) = metrics(s, &net, sol);
        let has = sol.status.has_plan();
        let (game, _) = variant_network(&net, *v);
        let shapley = match (&o.shapley, has) {
            (Some(sh), true) => Some(allocation::shapley(
                s,
                &game,
                &ShapleyOptions {
                    threads: o.threads,
                    solve: one,
                    ..*sh
                },
            )?),
            _ => None,
        };
        let individually_rational = if o.individually_rational && base.status.has_plan() {
            Some(allocation::individually_rational(
                s,
                &game,
                &base_gains,
                theta,
                sol.objective,
                &one,
            )?)
        } else {
            None
        };
        variants.push(VariantReport {
            variant: *v,
            status: sol.status,
            net_benefit: sol.objective.map(round),
            gap: sol.gap.map(round),
            added,
            kept,
            dropped,
            rerouted,
            totals: Change::of(&base_total, &total),
            sites: s
                .firms()
                .into_iter()
                .enumerate()
                .map(|(j, (id, name))| SiteChange {
                    site: id.to_owned(),
                    name: name.to_owned(),
                    change: Change::of(&base_sites[j], &sites[j]),
                })
                .collect(),
            gains: has.then(|| allocation::gains(s, &net, sol, &base_gains, theta)),
            shapley,
            individually_rational,
        });
    }
    Ok(Comparison {
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        supplier_share: theta,
        baseline,
        variants,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const TEXT: &str = r#"
[scenario]
name = "two outputs, two modes"
currency = "EUR"
[parameters]
circuity = 1.0
carbon_price = 20.0
transport_paid_by = "shared"
processing_paid_by = "supplier"
[[materials]]
id = "slag"
unit = "t"
kind = "material"
[[materials]]
id = "clinker"
unit = "t"
kind = "material"
[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.5
[[modes]]
id = "rail"
units = ["t"]
cost_per_unit_km = 0.1
fixed_cost_per_year = 100.0
[[rules]]
id = "slag_for_clinker"
from = "slag"
to = "clinker"
modes = ["truck", "rail"]
processing_cost = 2.0
processing_co2 = 0.01
[[sites]]
id = "steel"
x_km = 0.0
y_km = 0.0
outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 10.0 }]
[[sites]]
id = "mill"
x_km = 0.0
y_km = 5.0
outputs = [{ id = "slag", material = "slag", quantity = 50.0, disposal_cost = 10.0 }]
[[sites]]
id = "cement"
x_km = 10.0
y_km = 0.0
inputs = [{ id = "clinker", material = "clinker", quantity = 500.0, price = 50.0, co2 = 0.8 }]
[[links]]
from_site = "steel"
from_output = "slag"
to_site = "cement"
to_input = "clinker"
mode = "truck"
status = "existing"
"#;

    fn setup() -> (Scenario, Network) {
        let s = crate::scenario::read_str(Path::new("t.toml"), TEXT).unwrap();
        let net = network::build(&s).unwrap();
        (s, net)
    }

    fn index(s: &Scenario, net: &Network, from: &str, mode: &str) -> usize {
        net.links
            .iter()
            .position(|l| {
                let r = l.key(s);
                r.from_site == from && r.mode == mode
            })
            .unwrap()
    }

    fn solution(net: &Network, flows: &[(usize, f64)]) -> Solution {
        let mut sol = Solution {
            status: Status::Optimal,
            objective: Some(0.0),
            best_bound: Some(0.0),
            gap: Some(0.0),
            flows: vec![0.0; net.links.len()],
            built: vec![false; net.links.len()],
            by_period: crate::model::ByPeriod::default(),
        };
        for &(k, x) in flows {
            sol.flows[k] = x;
            sol.built[k] = true;
        }
        sol
    }

    #[test]
    fn variant_networks_keep_link_order_and_economics() {
        let (s, net) = setup();
        assert_eq!(net.links.len(), 4);
        let (base, idx) = variant_network(&net, Variant::Baseline);
        assert_eq!(base.links.len(), 1);
        assert_eq!(idx, vec![index(&s, &net, "steel", "truck")]);
        let (green, idx) = variant_network(&net, Variant::Greenfield);
        assert_eq!(idx, (0..4).collect::<Vec<_>>());
        for (g, l) in green.links.iter().zip(&net.links) {
            assert_eq!(g.status, LinkStatus::Candidate);
            assert_eq!(g.recorded_quantity, None);
            assert_eq!(g.fixed_charge_per_year(), l.fixed_charge_per_year());
            assert_eq!(g.margin_per_unit(0.0, 0.0), l.margin_per_unit(0.0, 0.0));
        }
        let lifted = lift(4, &[2], solution(&base, &[(0, 7.0)]));
        assert_eq!(lifted.flows, vec![0.0, 0.0, 7.0, 0.0]);
        assert_eq!(lifted.built, vec![false, false, true, false]);
    }

    #[test]
    fn links_are_kept_dropped_added_or_rerouted() {
        let (s, net) = setup();
        let st = index(&s, &net, "steel", "truck");
        let sr = index(&s, &net, "steel", "rail");
        let mt = index(&s, &net, "mill", "truck");
        let mr = index(&s, &net, "mill", "rail");
        // Steel's slag moves from truck to rail: re-routed by another mode.
        let base = solution(&net, &[(st, 100.0), (mt, 50.0)]);
        let var = solution(&net, &[(sr, 100.0), (mt, 40.0)]);
        let (added, kept, dropped, rerouted) = diff(&s, &net, &base, &var);
        assert!(added.is_empty() && dropped.is_empty());
        assert_eq!(kept.len(), 1);
        assert_eq!((kept[0].flow_before, kept[0].flow_after), (50.0, 40.0));
        assert_eq!(rerouted.len(), 1);
        assert_eq!(rerouted[0].from_site, "steel");
        assert_eq!(rerouted[0].before[0].link.mode, "truck");
        assert_eq!(rerouted[0].after[0].link.mode, "rail");
        // The mill stops, steel adds rail beside truck: one dropped, one added.
        let var = solution(&net, &[(st, 60.0), (sr, 40.0)]);
        let (added, kept, dropped, rerouted) = diff(&s, &net, &base, &var);
        assert!(rerouted.is_empty());
        assert_eq!(kept.len(), 1);
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].link.from_site, "mill");
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].link.mode, "rail");
        // Net benefit of a link: v x − F, and 0 when not built.
        let v = net.links[mr].margin_per_unit(20.0, 0.0);
        assert!((link_value(&s, &net.links[mr], 10.0, true) - (10.0 * v - 100.0)).abs() < 1e-9);
        assert_eq!(link_value(&s, &net.links[mr], 10.0, false), 0.0);
    }

    #[test]
    fn per_site_metrics_add_up_to_the_totals() {
        let (s, net) = setup();
        let st = index(&s, &net, "steel", "truck");
        let mr = index(&s, &net, "mill", "rail");
        let sol = solution(&net, &[(st, 100.0), (mr, 50.0)]);
        let (total, sites) = metrics(&s, &net, &sol);
        let sum: f64 = sites.iter().map(|m| m.net_benefit).sum();
        assert!((sum - total.net_benefit).abs() < 1e-6);
        // Waste diverted counts at the suppliers, virgin displaced at the receiver.
        assert_eq!(sites[0].waste_diverted["t"], 100.0);
        assert_eq!(sites[1].waste_diverted["t"], 50.0);
        assert_eq!(sites[2].virgin_displaced["t"], 150.0);
        assert!(sites[2].waste_diverted.is_empty());
        // The same split as `symbio solve`'s benefit by site.
        let p = plan::assemble(&s, &net, &sol);
        for (m, b) in sites.iter().zip(&p.sites) {
            assert!((m.net_benefit - b.benefit).abs() < 1e-6, "{m:?} {b:?}");
            assert!((m.co2_avoided - b.co2_avoided).abs() < 1e-6, "{m:?} {b:?}");
        }
        let d = total.minus(&Metrics::default());
        assert_eq!(d.waste_diverted["t"], 150.0);
        let back = Metrics::default().minus(&total);
        assert_eq!(back.virgin_displaced["t"], -150.0);
    }
}
