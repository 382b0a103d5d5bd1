//! The candidate network: every output → input exchange that a rule and a mode allow,
//! with its distance and per-unit economics, held in a petgraph graph.
//!
//! Pairs are not enumerated blindly: outputs and inputs are grouped by material
//! through the rules, and modes with a distance limit query an R-tree of the
//! receiving sites.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;
use rstar::{primitives::GeomWithData, RTree};
use serde::Serialize;

use crate::domain::{InputId, LinkStatus, MaterialId, ModeId, OutputId, RuleId, Scenario, SiteId};
use crate::error::{Error, Problem, Problems};

/// A candidate exchange: one output to one input under one rule by one mode.
///
/// Money figures are per unit of the output *sent* (before transport loss) unless
/// the name says otherwise; carbon is kept apart so that it can be priced or traded off.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// α: fraction of the sent flow that arrives (1 − loss_per_km × distance).
    pub delivered_per_unit: f64,
    /// ρ·α: units of the input's material displaced per unit sent.
    pub displaced_per_unit: f64,
    /// Recorded flow of an existing link, units per year.
    pub recorded_quantity: Option<f64>,
    /// Capacity of the link (mode's or fact's), units per year.
    pub capacity: Option<f64>,
    /// U: the tightest bound on the flow from supply, demand, share and capacity.
    pub upper_bound: f64,
    /// Disposal cost no longer paid, per unit sent.
    pub avoided_disposal_cost: f64,
    /// Virgin purchase no longer paid, per unit sent (ρ·α·price).
    pub avoided_purchase_cost: f64,
    /// Processing cost, per unit sent (α·processing_cost).
    pub processing_cost: f64,
    /// Transport cost, per unit sent.
    pub transport_cost: f64,
    /// Transport energy, GJ per unit sent.
    pub transport_energy_gj: f64,
    /// Disposal emissions avoided, t CO2e per unit sent.
    pub avoided_disposal_co2: f64,
    /// Virgin-resource emissions avoided, t CO2e per unit sent (ρ·α·co2).
    pub avoided_virgin_co2: f64,
    /// Processing emissions, t CO2e per unit sent (α·processing_co2).
    pub processing_co2: f64,
    /// Transport emissions, t CO2e per unit sent.
    pub transport_co2: f64,
    /// Fixed cost of the built link, currency per year.
    pub fixed_cost_per_year: f64,
    /// Capital cost of building it (0 for existing links), currency.
    pub capex: f64,
    /// Capital cost annualised with the capital recovery factor, currency per year.
    pub capex_per_year: f64,
}

impl CandidateLink {
    /// Net benefit per unit sent at a carbon price and energy price (the objective
    /// coefficient of the flow, `v` in the formulation).
    pub fn margin_per_unit(&self, carbon_price: f64, energy_price: f64) -> f64 {
        self.avoided_disposal_cost + self.avoided_purchase_cost
            - self.processing_cost
            - self.transport_cost
            - self.transport_energy_gj * energy_price
            + carbon_price * self.co2_avoided_per_unit()
    }

    /// Emissions avoided per unit sent, t CO2e (may be negative).
    pub fn co2_avoided_per_unit(&self) -> f64 {
        self.avoided_disposal_co2 + self.avoided_virgin_co2
            - self.processing_co2
            - self.transport_co2
    }

    /// Annual charge of a built link (`F` in the formulation): fixed cost plus annualised capex.
    pub fn fixed_charge_per_year(&self) -> f64 {
        self.fixed_cost_per_year + self.capex_per_year
    }

    /// Whether the link is always built (existing or forced).
    pub fn is_mandatory(&self) -> bool {
        matches!(self.status, LinkStatus::Existing | LinkStatus::Forced)
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
}

/// The candidate network of a scenario.
#[derive(Debug, Clone)]
pub struct Network {
    /// Candidate links, sorted by (output, input, mode).
    pub links: Vec<CandidateLink>,
    /// Sites, streams and links as a graph.
    pub graph: DiGraph<Node, Edge>,
    /// What was left out.
    pub pruned: Pruned,
}

/// Choices made while building a network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Keep links that never pay but avoid CO2 (Δ_l > 0): a trade-off between
    /// benefit and CO2 needs them, a benefit-maximising solve does not.
    pub keep_co2_positive: bool,
}

/// Builds the candidate network of a scenario.
///
/// Fails only when an existing or forced link cannot be formed (its mode is too
/// lossy for its distance, or its pair has no rule), naming the `[[links]]` entry.
pub fn build(s: &Scenario) -> Result<Network, Error> {
    build_with(s, BuildOptions::default())
}

/// Like [`build`], with options.
pub fn build_with(s: &Scenario, options: BuildOptions) -> Result<Network, Error> {
    let p = &s.parameters;
    let mut pruned = Pruned::default();
    let mut problems = Vec::new();

    // Facts by (output, input).
    let mut facts: HashMap<(OutputId, InputId), Vec<usize>> = HashMap::new();
    for (k, f) in s.links.iter().enumerate() {
        facts.entry((f.output, f.input)).or_default().push(k);
    }

    // Inputs by material, with an R-tree over located ones.
    let mut by_material: HashMap<MaterialId, Vec<InputId>> = HashMap::new();
    for (k, i) in s.inputs.iter().enumerate() {
        by_material.entry(i.material).or_default().push(InputId(k));
    }
    let mut trees: HashMap<MaterialId, RTree<GeomWithData<[f64; 3], InputId>>> = HashMap::new();

    let mut pairs: Vec<(OutputId, InputId, RuleId, ModeId)> = Vec::new();
    for (ri, rule) in s.rules.iter().enumerate() {
        let Some(inputs) = by_material.get(&rule.to) else {
            continue;
        };
        let outputs = s
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.material == rule.from)
            .map(|(k, _)| OutputId(k));
        for o in outputs {
            let from = s.sites[s.outputs[o.0].site.0].location;
            for &m in &rule.modes {
                let mode = &s.modes[m.0];
                match (mode.max_distance_km, from) {
                    (Some(max), Some(loc)) => {
                        let tree = trees.entry(rule.to).or_insert_with(|| {
                            RTree::bulk_load(
                                inputs
                                    .iter()
                                    .filter_map(|&i| {
                                        s.sites[s.inputs[i.0].site.0]
                                            .location
                                            .map(|l| GeomWithData::new(l.embed(), i))
                                    })
                                    .collect(),
                            )
                        });
                        // Chords are never longer than arcs: this radius keeps every
                        // input within reach (and a few beyond, filtered later).
                        let radius = max / p.circuity;
                        let mut near: Vec<InputId> = tree
                            .locate_within_distance(loc.embed(), radius * radius * (1.0 + 1e-9))
                            .map(|g| g.data)
                            .collect();
                        // Inputs the index rules out are beyond the distance limit.
                        pruned.too_far += tree.size() - near.len();
                        // Inputs reached only through a fact with a given distance.
                        for &i in inputs {
                            if facts.contains_key(&(o, i)) && !near.contains(&i) {
                                near.push(i);
                            }
                        }
                        pairs.extend(near.into_iter().map(|i| (o, i, RuleId(ri), m)));
                    }
                    _ => pairs.extend(inputs.iter().map(|&i| (o, i, RuleId(ri), m))),
                }
            }
        }
    }
    pairs.sort_by_key(|&(o, i, _, m)| (o, i, m));
    pairs.dedup();

    let mut links = Vec::new();
    for (o, i, r, m) in pairs {
        let output = &s.outputs[o.0];
        let input = &s.inputs[i.0];
        let rule = &s.rules[r.0];
        let mode = &s.modes[m.0];
        let fact_idx = facts.get(&(o, i)).and_then(|v| {
            v.iter()
                .copied()
                .find(|&k| s.links[k].mode == Some(m))
                .or_else(|| v.iter().copied().find(|&k| s.links[k].mode.is_none()))
        });
        let fact = fact_idx.map(|k| &s.links[k]);
        // A fact naming another mode does not apply here: an existing link by rail
        // leaves the truck link of the same pair a candidate.
        let status = fact.map_or(LinkStatus::Candidate, |f| f.status);
        if status == LinkStatus::Forbidden {
            pruned.forbidden += 1;
            continue;
        }
        let mandatory = matches!(status, LinkStatus::Existing | LinkStatus::Forced);
        let complain = |problems: &mut Vec<Problem>, msg: String| {
            if let Some(f) = fact {
                problems.push(Problem::new(
                    f.origin.file.to_path_buf(),
                    f.origin.path.clone(),
                    None,
                    msg,
                ));
            }
        };
        let distance_km = match fact.and_then(|f| f.distance_km) {
            Some(d) => d,
            None => {
                let a = s.sites[output.site.0].location;
                let b = s.sites[input.site.0].location;
                match (a, b) {
                    (Some(a), Some(b)) => match a.distance_km(&b) {
                        Some(d) => d * p.circuity,
                        None => continue,
                    },
                    _ => continue,
                }
            }
        };
        if let Some(max) = mode.max_distance_km {
            if distance_km > max && !mandatory {
                pruned.too_far += 1;
                continue;
            }
        }
        let alpha = 1.0 - mode.loss_per_km * distance_km;
        if alpha <= 0.0 {
            if mandatory {
                complain(
                    &mut problems,
                    format!(
                        "mode \"{}\" loses the whole flow over {distance_km:.1} km",
                        mode.id
                    ),
                );
            }
            pruned.lossy += 1;
            continue;
        }
        let displaced = rule.ratio * alpha;
        let capacity = match (fact.and_then(|f| f.capacity), mode.capacity) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut upper = output
            .quantity
            .min(input.quantity * rule.max_share / displaced);
        if let Some(c) = capacity {
            upper = upper.min(c);
        }
        let recorded = if status == LinkStatus::Existing {
            fact.and_then(|f| f.quantity)
        } else {
            None
        };
        let crf = s.capital_recovery_factor(mode.lifetime_years);
        let capex = if status == LinkStatus::Existing {
            0.0
        } else {
            fact.and_then(|f| f.capex)
                .unwrap_or(mode.capex_per_km * distance_km)
        };
        let link = CandidateLink {
            output: o,
            input: i,
            rule: r,
            mode: m,
            status,
            fact: fact_idx,
            distance_km,
            delivered_per_unit: alpha,
            displaced_per_unit: displaced,
            recorded_quantity: recorded,
            capacity,
            upper_bound: upper,
            avoided_disposal_cost: output.disposal_cost,
            avoided_purchase_cost: displaced * input.price,
            processing_cost: alpha * rule.processing_cost,
            transport_cost: fact
                .and_then(|f| f.transport_cost_per_unit)
                .unwrap_or(mode.cost_per_unit_km * distance_km),
            transport_energy_gj: mode.energy_per_unit_km * distance_km,
            avoided_disposal_co2: output.disposal_co2,
            avoided_virgin_co2: displaced * input.co2,
            processing_co2: alpha * rule.processing_co2,
            transport_co2: mode.co2_per_unit_km * distance_km,
            fixed_cost_per_year: fact
                .and_then(|f| f.fixed_cost_per_year)
                .unwrap_or(mode.fixed_cost_per_year),
            capex,
            capex_per_year: capex * crf,
        };
        if !mandatory {
            if upper <= 0.0 {
                pruned.empty += 1;
                continue;
            }
            let keep_for_co2 = options.keep_co2_positive && link.co2_avoided_per_unit() > 0.0;
            if link.margin_per_unit(p.carbon_price, p.energy_price) <= 0.0 && !keep_for_co2 {
                pruned.never_pay += 1;
                continue;
            }
        }
        links.push(link);
    }

    // Facts that name a pair but formed no link at all.
    for (k, f) in s.links.iter().enumerate() {
        if matches!(f.status, LinkStatus::Existing | LinkStatus::Forced)
            && !links.iter().any(|l| l.fact == Some(k))
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
    if !problems.is_empty() {
        return Err(Error::Invalid(Problems(problems)));
    }

    let graph = graph(s, &links);
    Ok(Network {
        links,
        graph,
        pruned,
    })
}

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
    /// graph is rebuilt, the pruning counts are kept.
    pub fn restrict(&self, s: &Scenario, keep: impl Fn(&CandidateLink) -> bool) -> Network {
        let links: Vec<CandidateLink> = self.links.iter().filter(|l| keep(l)).cloned().collect();
        Network {
            graph: graph(s, &links),
            links,
            pruned: self.pruned.clone(),
        }
    }

    /// Outputs with no candidate link.
    pub fn unmatched_outputs(&self, s: &Scenario) -> Vec<OutputId> {
        (0..s.outputs.len())
            .map(OutputId)
            .filter(|&o| !self.links.iter().any(|l| l.output == o))
            .collect()
    }

    /// Inputs with no candidate link.
    pub fn unmatched_inputs(&self, s: &Scenario) -> Vec<InputId> {
        (0..s.inputs.len())
            .map(InputId)
            .filter(|&i| !self.links.iter().any(|l| l.input == i))
            .collect()
    }

    /// Groups of links that share no constraint: connected components of the
    /// stream graph (outputs and inputs joined by links; supply, demand and share
    /// constraints never reach across groups). Each group lists link indices in
    /// ascending order; groups are ordered by their first link.
    pub fn independent_parts(&self) -> Vec<Vec<usize>> {
        let n = self.graph.node_count();
        let mut uf = UnionFind::<usize>::new(n);
        for e in self.graph.edge_indices() {
            if let Some(Edge::Link(_)) = self.graph.edge_weight(e) {
                if let Some((a, b)) = self.graph.edge_endpoints(e) {
                    uf.union(a.index(), b.index());
                }
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for e in self.graph.edge_indices() {
            if let (Some(Edge::Link(k)), Some((a, _))) =
                (self.graph.edge_weight(e), self.graph.edge_endpoints(e))
            {
                let root = uf.find(a.index());
                let g = *group_of.entry(root).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[g].push(*k);
            }
        }
        for g in &mut groups {
            g.sort_unstable();
        }
        groups.sort_by_key(|g| g[0]);
        groups
    }
}
