//! The candidate network: every output → input exchange that a rule and a mode allow,
//! with its distance and per-unit economics, held in a petgraph graph.
//!
//! Pairs are not enumerated blindly: outputs and inputs are grouped by material
//! through the rules, and modes with a distance limit query an R-tree of the
//! receiving sites.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;
use serde::Serialize;

use crate::domain::{InputId, LinkStatus, ModeId, OutputId, PeriodId, RuleId, Scenario, SiteId};
use crate::error::{Error, Problem, Problems};

#[cfg(test)]
mod brute;
mod links;
pub mod mandatory;
mod pairs;
pub mod plants;
mod range;

pub use range::MAX_COEFFICIENT;

/// A candidate exchange: one output to one input under one rule by one mode.
///
/// The link holds what the model reads of it, for every candidate: its bound and
/// the few per-unit and per-year aggregates of its economics. The breakdown of
/// those aggregates (avoided disposal and purchase, processing, transport, each
/// cost and each emission apart) is computed from the scenario when a plan or a
/// message needs it: [`CandidateLink::terms`].
///
/// Money figures are per unit of the output *sent* (before transport loss) unless
/// the name says otherwise; carbon is kept apart so that it can be priced or traded off.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateLink {
    /// Output offered.
    pub output: OutputId,
    /// Input served.
    pub input: InputId,
    /// Rule that allows it.
    pub rule: RuleId,
    /// Mode it travels by.
    pub mode: ModeId,
    /// candidate, existing or forced (forbidden links are not in the network).
    pub status: LinkStatus,
    /// Index of the `[[links]]` fact that shaped it, if any.
    pub fact: Option<usize>,
    /// Distance, km.
    pub distance_km: f64,
    /// ρ·α: units of the input's material displaced per unit sent.
    pub displaced_per_unit: f64,
    /// Recorded flow of an existing link, units per year.
    pub recorded_quantity: Option<f64>,
    /// Capacity of the link (mode's or fact's), units per year.
    pub capacity: Option<f64>,
    /// U: the tightest bound on the flow from supply, demand, share and capacity.
    pub upper_bound: f64,
    /// Capital cost of building it (0 for a link existing when the network was
    /// built), currency.
    pub capex: f64,
    /// Avoided disposal cost plus avoided purchase, less processing and
    /// transport cost, per unit sent: the margin before energy and carbon.
    saving_per_unit: f64,
    /// Transport energy, GJ per unit sent.
    pub transport_energy_gj: f64,
    /// Emissions avoided per unit sent, t CO2e (may be negative): disposal and
    /// virgin emissions avoided, less processing and transport emissions.
    co2_per_unit: f64,
    /// Annual charge of the built link (`F` in the formulation): fixed cost plus
    /// annualised capex, currency per year.
    charge_per_year: f64,
}

/// The breakdown of a link's economics, per unit sent unless the name says
/// otherwise: what [`CandidateLink`]'s aggregates are the sums of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkTerms {
    /// α: fraction of the sent flow that arrives (1 − loss_per_km × distance).
    pub delivered_per_unit: f64,
    /// Disposal cost no longer paid.
    pub avoided_disposal_cost: f64,
    /// Virgin purchase no longer paid (ρ·α·price).
    pub avoided_purchase_cost: f64,
    /// Processing cost (α·processing_cost).
    pub processing_cost: f64,
    /// Transport cost.
    pub transport_cost: f64,
    /// Disposal emissions avoided, t CO2e.
    pub avoided_disposal_co2: f64,
    /// Virgin-resource emissions avoided, t CO2e (ρ·α·co2).
    pub avoided_virgin_co2: f64,
    /// Processing emissions, t CO2e (α·processing_co2).
    pub processing_co2: f64,
    /// Transport emissions, t CO2e.
    pub transport_co2: f64,
    /// Fixed cost of the built link, currency per year.
    pub fixed_cost_per_year: f64,
    /// Capital cost annualised with the capital recovery factor, currency per year.
    pub capex_per_year: f64,
}

impl LinkTerms {
    /// The terms of a link of `mode` over `distance_km` shaped by `fact`, whose
    /// capital cost is `capex` and flow arrives at the fraction `alpha`; `crf`
    /// is the mode's capital recovery factor. The one computation of them, at
    /// link formation and whenever a link's breakdown is asked for.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn of(
        s: &Scenario,
        (o, i, r, m): (OutputId, InputId, RuleId, ModeId),
        fact: Option<usize>,
        distance_km: f64,
        alpha: f64,
        displaced: f64,
        capex: f64,
        crf: f64,
    ) -> LinkTerms {
        let (output, input) = (&s.outputs[o.0], &s.inputs[i.0]);
        let (rule, mode) = (&s.rules[r.0], &s.modes[m.0]);
        let fact = fact.map(|k| &s.links[k]);
        LinkTerms {
            delivered_per_unit: alpha,
            avoided_disposal_cost: output.disposal_cost,
            avoided_purchase_cost: displaced * input.price,
            processing_cost: alpha * rule.processing_cost,
            transport_cost: fact
                .and_then(|f| f.transport_cost_per_unit)
                .unwrap_or(mode.cost_per_unit_km * distance_km),
            avoided_disposal_co2: output.disposal_co2,
            avoided_virgin_co2: displaced * input.co2,
            processing_co2: alpha * rule.processing_co2,
            transport_co2: mode.co2_per_unit_km * distance_km,
            fixed_cost_per_year: fact
                .and_then(|f| f.fixed_cost_per_year)
                .unwrap_or(mode.fixed_cost_per_year),
            capex_per_year: capex * crf,
        }
    }

    /// Avoided disposal cost plus avoided purchase, less processing and
    /// transport cost: the margin per unit before energy and carbon.
    pub fn saving_per_unit(&self) -> f64 {
        self.avoided_disposal_cost + self.avoided_purchase_cost
            - self.processing_cost
            - self.transport_cost
    }

    /// Emissions avoided per unit sent ([`CandidateLink::co2_avoided_per_unit`]).
    pub fn co2_per_unit(&self) -> f64 {
        self.avoided_disposal_co2 + self.avoided_virgin_co2
            - self.processing_co2
            - self.transport_co2
    }

    /// Fixed cost plus annualised capex ([`CandidateLink::fixed_charge_per_year`]).
    pub fn charge_per_year(&self) -> f64 {
        self.fixed_cost_per_year + self.capex_per_year
    }
}

impl CandidateLink {
    /// The link's key: the ids of its output, its input and its mode in the
    /// scenario `s` whose network it is part of.
    pub fn key(&self, s: &Scenario) -> crate::link_key::LinkKey {
        let o = &s.outputs[self.output.0];
        let i = &s.inputs[self.input.0];
        crate::link_key::LinkKey {
            from_site: s.sites[o.site.0].id.clone(),
            from_output: o.id.clone(),
            to_site: s.sites[i.site.0].id.clone(),
            to_input: i.id.clone(),
            mode: s.modes[self.mode.0].id.clone(),
        }
    }

    /// Net benefit per unit sent at a carbon price and energy price (the objective
    /// coefficient of the flow, `v` in the formulation).
    pub fn margin_per_unit(&self, carbon_price: f64, energy_price: f64) -> f64 {
        self.saving_per_unit - self.transport_energy_gj * energy_price
            + carbon_price * self.co2_per_unit
    }

    /// The margin per unit sent in period `t` of a scenario with periods
    /// (`v_lt` in the formulation): [`CandidateLink::margin_per_unit`] at the
    /// period's energy price, with the purchase it avoids at the input's
    /// price in the period.
    pub fn margin_in(&self, s: &Scenario, t: PeriodId) -> f64 {
        let p = &s.parameters;
        let price = s.input_price_in(self.input, t) - s.inputs[self.input.0].price;
        self.margin_per_unit(p.carbon_price, s.periods[t.0].energy_price)
            + self.displaced_per_unit * price
    }

    /// The best margin per unit sent the link can earn: in its best period
    /// for a scenario with periods, else [`CandidateLink::margin_per_unit`].
    pub fn best_margin(&self, s: &Scenario) -> f64 {
        let p = &s.parameters;
        let annual = self.margin_per_unit(p.carbon_price, p.energy_price);
        if !s.has_periods() {
            return annual;
        }
        (0..s.periods.len())
            .map(|t| self.margin_in(s, PeriodId(t)))
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Emissions avoided per unit sent, t CO2e (may be negative).
    pub fn co2_avoided_per_unit(&self) -> f64 {
        self.co2_per_unit
    }

    /// Annual charge of a built link (`F` in the formulation): fixed cost plus annualised capex.
    pub fn fixed_charge_per_year(&self) -> f64 {
        self.charge_per_year
    }

    /// Whether the link is always built (existing or forced).
    pub fn is_mandatory(&self) -> bool {
        matches!(self.status, LinkStatus::Existing | LinkStatus::Forced)
    }

    /// The breakdown of the link's economics, computed from the scenario it
    /// was built from (the same computation as when it was formed).
    pub fn terms(&self, s: &Scenario) -> LinkTerms {
        let mode = &s.modes[self.mode.0];
        let alpha = 1.0 - mode.loss_per_km * self.distance_km;
        LinkTerms::of(
            s,
            (self.output, self.input, self.rule, self.mode),
            self.fact,
            self.distance_km,
            alpha,
            self.displaced_per_unit,
            self.capex,
            s.capital_recovery_factor(mode.lifetime_years),
        )
    }
}

/// A node of the network graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A site.
    Site(SiteId),
    /// An output stream.
    Output(OutputId),
    /// An input stream.
    Input(InputId),
}

/// An edge of the network graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Site → its output.
    Offers,
    /// Input → its site.
    Feeds,
    /// Output → input: candidate link, index into [`Network::links`].
    Link(usize),
}

/// Counts of what was left out while building the network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    /// Links beyond their mode's distance limit.
    pub too_far: usize,
    /// Links that lose all of the flow in transport.
    pub lossy: usize,
    /// Links whose best-case margin per unit is ≤ 0 (never pay).
    pub never_pay: usize,
    /// Links that can carry nothing (zero supply, demand or capacity).
    pub empty: usize,
    /// Links marked forbidden.
    pub forbidden: usize,
    /// Links to or from a plant that a parallel link of another mode does at
    /// least as well in every respect (absent from JSON when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub dominated: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The candidate network of a scenario: its links and what was left out. The
/// graph of sites, streams and links is built on demand ([`Network::graph`]):
/// the parts and every count need only the links.
#[derive(Debug, Clone)]
pub struct Network {
    /// Candidate links, sorted by (output, input, mode).
    pub links: Vec<CandidateLink>,
    /// What was left out.
    pub pruned: Pruned,
    /// Streams that plants tie together (each plant's inputs and outputs, and
    /// the plants of one group), as output–input pairs: the parts of the
    /// network ([`Network::independent_parts`]) never split them. Empty without plants.
    pub joins: Vec<(OutputId, InputId)>,
}

/// Choices made while building a network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Keep links that never pay but avoid CO2 (Δ_l > 0): a trade-off between
    /// benefit and CO2 needs them, a benefit-maximising solve does not.
    pub keep_co2_positive: bool,
}

/// A problem for each existing store whose stream no candidate link reaches:
/// it could hold nothing, and its fixed cost would be a plan's without any
/// decision (as for a plant that must open, [`plants::check_reached`]).
fn check_stores_reached(s: &Scenario, links: &[CandidateLink], problems: &mut Vec<Problem>) {
    if s.stores.is_empty() {
        return;
    }
    let mut outputs = vec![false; s.outputs.len()];
    let mut inputs = vec![false; s.inputs.len()];
    for l in links {
        outputs[l.output.0] = true;
        inputs[l.input.0] = true;
    }
    for (k, store) in s.stores.iter().enumerate() {
        if store.status != crate::domain::StoreStatus::Existing {
            continue;
        }
        let reached = match s.store_stream(crate::domain::StoreId(k)) {
            Some(crate::domain::Stream::Output(o)) => outputs[o.0],
            Some(crate::domain::Stream::Input(i)) => inputs[i.0],
            None => true,
        };
        if !reached {
            problems.push(Problem::new(
                store.origin.file.to_path_buf(),
                store.origin.path.clone(),
                Some(&store.id),
                "this existing store has no candidate link on its stream (none can reach \
                 it, or none ever pays): it could hold nothing, and its fixed cost would be \
                 paid whatever the plan",
            ));
        }
    }
}

/// Builds the candidate network of a scenario.
///
/// Fails when an existing or forced link cannot be formed (its mode is too
/// lossy for its distance, or its pair has no rule), naming the `[[links]]` entry,
/// and when a link's coefficient, bound or share of the objective is not below
/// [`MAX_COEFFICIENT`] in magnitude, naming the fields whose product it is.
pub fn build(s: &Scenario) -> Result<Network, Error> {
    build_with(s, BuildOptions::default())
}

/// Like [`build`], with options.
///
/// The rules and modes give the candidate pairs (the pair search); each pair
/// forms a link with its coefficients unless it is forbidden, too far, too lossy,
/// empty or never pays (link formation), which is counted in [`Pruned`].
/// Existing and forced links that cannot be formed and figures out of range
/// are reported together; otherwise the links are put in a graph with the sites and streams.
pub fn build_with(s: &Scenario, options: BuildOptions) -> Result<Network, Error> {
    let facts = facts_by_pair(s);
    let mut search = pairs::PairSearch::new(s, &facts);
    let mut former = links::Former::new(s, &facts, options);
    let mut pairs = Vec::new();
    for o in 0..s.outputs.len() {
        search.pairs_of(OutputId(o), &mut pairs);
        for &pair in &pairs {
            former.add(pair);
        }
    }
    let links::Former {
        links,
        mut pruned,
        mut problems,
        out_of_range,
        ..
    } = former;
    pruned.too_far += search.too_far;
    pruned.forbidden += search.forbidden;
    report_unformed_facts(s, &links, &mut problems);
    range::check_links(s, out_of_range.iter().map(|&k| &links[k]), &mut problems);
    plants::check_reached(s, &links, &mut problems);
    check_stores_reached(s, &links, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(Problems(problems)));
    }
    let mut links = links;
    if !s.plants.is_empty() {
        pruned.dominated += plants::drop_dominated(s, &mut links);
    }
    let joins = plants::joins(s);
    Ok(Network {
        links,
        pruned,
        joins,
    })
}

/// The `[[links]]` facts, indexed for the pair search and link formation.
#[derive(Default)]
struct Facts {
    /// Indices of the facts by the (output, input) pair they name, each pair's
    /// in the order written.
    by_pair: HashMap<(OutputId, InputId), Vec<usize>>,
    /// The inputs some fact pairs with each output, ascending, without duplicates.
    by_output: HashMap<OutputId, Vec<InputId>>,
}

impl Facts {
    /// The indices of the facts naming the pair (o, i), in the order written.
    fn of(&self, o: OutputId, i: InputId) -> Option<&[usize]> {
        self.by_pair.get(&(o, i)).map(Vec::as_slice)
    }

    /// The inputs a fact pairs with output `o`, ascending.
    fn inputs_of(&self, o: OutputId) -> &[InputId] {
        self.by_output.get(&o).map_or(&[], Vec::as_slice)
    }
}

/// The `[[links]]` facts by (output, input) and by output.
fn facts_by_pair(s: &Scenario) -> Facts {
    let mut facts = Facts::default();
    for (k, f) in s.links.iter().enumerate() {
        facts
            .by_pair
            .entry((f.output, f.input))
            .or_default()
            .push(k);
        facts.by_output.entry(f.output).or_default().push(f.input);
    }
    for inputs in facts.by_output.values_mut() {
        inputs.sort_unstable();
        inputs.dedup();
    }
    facts
}

/// Adds a problem for each existing or forced fact that formed no link at all
/// and has no problem yet (no distance can be computed for it, or no rule
/// allows its pair).
fn report_unformed_facts(s: &Scenario, links: &[CandidateLink], problems: &mut Vec<Problem>) {
    let mut formed = vec![false; s.links.len()];
    for k in links.iter().filter_map(|l| l.fact) {
        formed[k] = true;
    }
    for (k, f) in s.links.iter().enumerate() {
        if matches!(f.status, LinkStatus::Existing | LinkStatus::Forced)
            && !formed[k]
            && !problems.iter().any(|p: &Problem| p.path == f.origin.path)
        {
            problems.push(Problem::new(
                f.origin.file.to_path_buf(),
                f.origin.path.clone(),
                None,
                format!(
                    "this {} link cannot be formed: no distance can be computed for it",
                    if f.status == LinkStatus::Existing {
                        "existing"
                    } else {
                        "forced"
                    }
                ),
            ));
        }
    }
}

impl Network {
    /// The graph of the scenario's sites and streams with the network's links:
    /// site → output ([`Edge::Offers`]), input → site ([`Edge::Feeds`]) and
    /// output → input ([`Edge::Link`], in the order of the links). Nodes are the
    /// sites, then the outputs, then the inputs, each in scenario order.
    pub fn graph(&self, s: &Scenario) -> DiGraph<Node, Edge> {
        graph(s, &self.links)
    }
}

/// The graph of [`Network::graph`] for the given links.
fn graph(s: &Scenario, links: &[CandidateLink]) -> DiGraph<Node, Edge> {
    let mut g = DiGraph::new();
    let site_nodes: Vec<NodeIndex> = (0..s.sites.len())
        .map(|k| g.add_node(Node::Site(SiteId(k))))
        .collect();
    let out_nodes: Vec<NodeIndex> = s
        .outputs
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let n = g.add_node(Node::Output(OutputId(k)));
            g.add_edge(site_nodes[o.site.0], n, Edge::Offers);
            n
        })
        .collect();
    let in_nodes: Vec<NodeIndex> = s
        .inputs
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let n = g.add_node(Node::Input(InputId(k)));
            g.add_edge(n, site_nodes[i.site.0], Edge::Feeds);
            n
        })
        .collect();
    for (k, l) in links.iter().enumerate() {
        g.add_edge(out_nodes[l.output.0], in_nodes[l.input.0], Edge::Link(k));
    }
    g
}

impl Network {
    /// The network with only the links `keep` accepts (in the same order); the
    /// pruning counts are kept.
    pub fn restrict(&self, keep: impl Fn(&CandidateLink) -> bool) -> Network {
        Network {
            links: self.links.iter().filter(|l| keep(l)).cloned().collect(),
            pruned: self.pruned.clone(),
            joins: self.joins.clone(),
        }
    }

    /// The network of the links at `indices` (ascending, as in
    /// [`Network::independent_parts`]), in that order; the pruning counts are kept. Unlike [`Network::restrict`] it touches only
    /// those links, so taking every part of a network is linear in its links.
    pub fn part(&self, indices: &[usize]) -> Network {
        Network {
            links: indices.iter().map(|&k| self.links[k].clone()).collect(),
            pruned: self.pruned.clone(),
            joins: self.joins.clone(),
        }
    }

    /// Outputs with no candidate link, in scenario order.
    pub fn unmatched_outputs(&self, s: &Scenario) -> Vec<OutputId> {
        unlinked(s.outputs.len(), self.links.iter().map(|l| l.output.0))
            .map(OutputId)
            .collect()
    }

    /// Inputs with no candidate link, in scenario order.
    pub fn unmatched_inputs(&self, s: &Scenario) -> Vec<InputId> {
        unlinked(s.inputs.len(), self.links.iter().map(|l| l.input.0))
            .map(InputId)
            .collect()
    }

    /// Groups of links that share no constraint: connected components of the
    /// stream graph (outputs and inputs joined by links; supply, demand and share
    /// constraints never reach across groups). Each group lists link indices in
    /// ascending order; groups are ordered by their first link.
    pub fn independent_parts(&self) -> Vec<Vec<usize>> {
        // Union-find over the streams: outputs first, then inputs after the
        // largest output index of any link.
        let outputs = self.links.iter().map(|l| l.output.0 + 1).max().unwrap_or(0);
        let inputs = self.links.iter().map(|l| l.input.0 + 1).max().unwrap_or(0);
        let outputs = outputs.max(self.joins.iter().map(|j| j.0 .0 + 1).max().unwrap_or(0));
        let inputs = inputs.max(self.joins.iter().map(|j| j.1 .0 + 1).max().unwrap_or(0));
        let mut uf = UnionFind::<usize>::new(outputs + inputs);
        for &(o, i) in &self.joins {
            uf.union(o.0, outputs + i.0);
        }
        let pair = |l: &CandidateLink| (l.output.0, outputs + l.input.0);
        // Links of one pair by several modes are one union.
        let mut last = None;
        for l in &self.links {
            if last != Some(pair(l)) {
                uf.union(pair(l).0, pair(l).1);
                last = Some(pair(l));
            }
        }
        // Groups in the order of their first link, each in link order.
        let mut group_of_root = vec![usize::MAX; outputs + inputs];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut last: Option<(usize, usize)> = None;
        for (k, l) in self.links.iter().enumerate() {
            // One look-up per output: the links of an output are one run.
            let g = match last {
                Some((o, g)) if o == l.output.0 => g,
                _ => {
                    let root = uf.find_mut(l.output.0);
                    if group_of_root[root] == usize::MAX {
                        group_of_root[root] = groups.len();
                        groups.push(Vec::new());
                    }
                    group_of_root[root]
                }
            };
            last = Some((l.output.0, g));
            groups[g].push(k);
        }
        groups
    }
}

/// The indices below `n` that do not occur in `linked`, ascending: one pass
/// marking the linked ones, one pass collecting the rest. Indices `n` or more
/// are ignored.
fn unlinked(n: usize, linked: impl Iterator<Item = usize>) -> impl Iterator<Item = usize> {
    let mut has_link = vec![false; n];
    for k in linked {
        if let Some(h) = has_link.get_mut(k) {
            *h = true;
        }
    }
    (0..n).filter(move |&k| !has_link[k])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The hand-solvable district (`tests/data/hand.toml`) with a second source
    /// of slag 500 km away, beyond the truck's reach of everything. Cement C,
    /// 50 km from the steelworks, is beyond it too.
    const TEXT: &str = concat!(
        include_str!("../../tests/data/hand.toml"),
        r#"
[[sites]]
id = "remote"
x_km = 500.0
y_km = 0.0
outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 10.0 }]
"#
    );

    #[test]
    fn a_link_holds_the_sums_of_the_terms_the_scenario_gives_again() {
        // Liuzhou has existing links whose facts set distance, cost and capex.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/liuzhou.toml");
        let s = crate::scenario::read(&path).unwrap();
        let net = build(&s).unwrap();
        assert!(net.links.iter().any(|l| l.fact.is_some()));
        for l in &net.links {
            let t = l.terms(&s);
            let mode = &s.modes[l.mode.0];
            assert_eq!(t.delivered_per_unit, 1.0 - mode.loss_per_km * l.distance_km);
            assert_eq!(
                l.displaced_per_unit,
                s.rules[l.rule.0].ratio * t.delivered_per_unit
            );
            assert_eq!(t.saving_per_unit().to_bits(), l.saving_per_unit.to_bits());
            assert_eq!(
                t.co2_per_unit().to_bits(),
                l.co2_avoided_per_unit().to_bits()
            );
            assert_eq!(
                t.charge_per_year().to_bits(),
                l.fixed_charge_per_year().to_bits()
            );
            let (p, x) = (&s.parameters, 3.0);
            let money = crate::economics::LinkMoney::of(&s, l, x);
            let value = crate::economics::link_value(&s, l, x, true);
            assert!((money.net_benefit() - value).abs() <= 1e-9 * value.abs().max(1.0));
            assert_eq!(money.disposal, s.outputs[l.output.0].disposal_cost * x);
            assert_eq!(money.energy, l.transport_energy_gj * p.energy_price * x);
        }
    }

    #[test]
    fn a_link_is_compact() {
        // Four ids, a fact, a status and twelve numbers: the breakdown of the
        // economics is not held per link.
        assert_eq!(std::mem::size_of::<CandidateLink>(), 152);
    }

    #[test]
    fn unmatched_streams_are_those_without_links_in_scenario_order() {
        let s = crate::scenario::read_str(Path::new("t.toml"), TEXT).unwrap();
        let net = build(&s).unwrap();
        let id = |o: OutputId| {
            (
                s.sites[s.outputs[o.0].site.0].id.as_str(),
                s.outputs[o.0].id.as_str(),
            )
        };
        let unmatched: Vec<_> = net.unmatched_outputs(&s).into_iter().map(id).collect();
        assert_eq!(unmatched, vec![("remote", "slag")]);
        let id = |i: InputId| {
            (
                s.sites[s.inputs[i.0].site.0].id.as_str(),
                s.inputs[i.0].id.as_str(),
            )
        };
        let unmatched: Vec<_> = net.unmatched_inputs(&s).into_iter().map(id).collect();
        assert_eq!(unmatched, vec![("cement_c", "clinker")]);

        // Without links every stream is unmatched, in scenario order.
        let none = net.restrict(|_| false);
        let all_outputs: Vec<_> = (0..s.outputs.len()).map(OutputId).collect();
        assert_eq!(none.unmatched_outputs(&s), all_outputs);
        let all_inputs: Vec<_> = (0..s.inputs.len()).map(InputId).collect();
        assert_eq!(none.unmatched_inputs(&s), all_inputs);
    }

    #[test]
    fn parts_hold_every_link_once_and_the_graph_joins_them() {
        let s = crate::scenario::read_str(Path::new("t.toml"), TEXT).unwrap();
        let net = build(&s).unwrap();
        let parts = net.independent_parts();
        let mut taken: Vec<CandidateLink> = Vec::new();
        for p in &parts {
            taken.extend(net.part(p).links);
        }
        taken.sort_by_key(|l| (l.output, l.input, l.mode));
        assert_eq!(taken, net.links);
        // Sites, outputs and inputs are nodes; offers, feeds and links edges.
        let g = net.graph(&s);
        assert_eq!(
            g.node_count(),
            s.sites.len() + s.outputs.len() + s.inputs.len()
        );
        assert_eq!(
            g.edge_count(),
            s.outputs.len() + s.inputs.len() + net.links.len()
        );
        let links = g
            .edge_weights()
            .filter(|e| matches!(e, Edge::Link(_)))
            .count();
        assert_eq!(links, net.links.len());
    }
}
