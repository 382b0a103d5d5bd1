//! Why a stream is used in part: for each output of which a plan sends some but
//! not all, and each input that receives some but less than it demands, the
//! limits that stop its links from carrying more. Read from the plan's links and
//! the scenario alone, without solving again.
//!
//! A built link carries no more when one of the rows it sits in is full (the
//! formulation's constraints, `docs/formulation.md`) or when more would not pay:
//!
//! - `supply`: the supplying output sends all it has (an input's limit);
//! - `demand`: the receiving input takes all it demands (an output's limit);
//! - `share`: the input takes all that the rule's largest share allows;
//! - `capacity`: the link carries its capacity (link fact or mode);
//! - `recorded`: an existing link carries its recorded quantity, fixed;
//! - `cost`: none of these is full, so a further unit would not pay;
//! - `distance`: a partner with room is out of reach of every mode its rule
//!   allows (beyond the modes' `max_distance_km`).
//!
//! A row is full when what it holds is within [`FULL`] (relative) of its
//! limit, the plan's figures being rounded to 9 digits.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rstar::{primitives::GeomWithData, RTree};

use serde::{Deserialize, Serialize};

use crate::domain::{InputId, LinkFact, LinkStatus, MaterialId, OutputId, Rule, RuleId, Scenario};
use crate::plan::PlanLink;

/// Relative tolerance within which a row counts as full.
pub const FULL: f64 = 1e-6;

/// The kind of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The supplying output is used up.
    Supply,
    /// The receiving input's demand is met.
    Demand,
    /// The rule's largest share of the input is reached.
    Share,
    /// The link carries its capacity.
    Capacity,
    /// The existing link carries its recorded quantity.
    Recorded,
    /// More would not pay.
    Cost,
    /// Partners with room are beyond every allowed mode's reach.
    Distance,
}

/// One limit on a stream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Binding {
    /// Which limit.
    pub limit: Limit,
    /// Where: the full output or input (`site/stream`), the link (its key as
    /// text) for `capacity` and `recorded`, absent for `cost`; for `distance`,
    /// the nearest partner out of reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The rule, for `share`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.at.as_deref().unwrap_or_default();
        match self.limit {
            Limit::Supply => write!(f, "supply of {at}"),
            Limit::Demand => write!(f, "demand of {at}"),
            Limit::Share => write!(
                f,
                "share of rule {} at {at}",
                self.rule.as_deref().unwrap_or_default()
            ),
            Limit::Capacity => write!(f, "capacity of {at}"),
            Limit::Recorded => write!(f, "recorded flow of {at}"),
            Limit::Cost => f.write_str("more does not pay"),
            Limit::Distance => write!(f, "distance ({at} out of reach)"),
        }
    }
}

/// A stream used in part and what binds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamLimit {
    /// `output` or `input`.
    pub side: Side,
    /// `site/stream`.
    pub stream: String,
    /// What it offers (output) or demands (input), units per year.
    pub quantity: f64,
    /// What the plan sends of it (output) or displaces of it (input).
    pub used: f64,
    /// The unit of both.
    pub unit: String,
    /// The limits that stop more, in the order of [`Limit`].
    pub binds: Vec<Binding>,
}

/// The side of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// An output (waste or by-product offered).
    Output,
    /// An input (resource demanded).
    Input,
}

/// Whether `held` fills `limit`.
fn full(held: f64, limit: f64) -> bool {
    held >= limit - FULL * limit.abs().max(1.0)
}

/// A plan link resolved to the scenario's ids.
struct Built<'a> {
    link: &'a PlanLink,
    output: OutputId,
    input: InputId,
    rule: RuleId,
    capacity: Option<f64>,
    recorded: bool,
}

/// The streams of `s` that the plan's `links` use in part, outputs first then
/// inputs, each in scenario order, with the limits that bind them (see the
/// module doc). Links whose ids are not the scenario's are skipped.
pub fn binding(s: &Scenario, links: &[PlanLink]) -> Vec<StreamLimit> {
    // Streams, rules and modes by their ids, and the link facts by pair: one
    // lookup per built link.
    let sites: HashMap<&str, usize> = s
        .sites
        .iter()
        .enumerate()
        .map(|(k, x)| (x.id.as_str(), k))
        .collect();
    let outputs: HashMap<(usize, &str), OutputId> = s
        .outputs
        .iter()
        .enumerate()
        .map(|(k, o)| ((o.site.0, o.id.as_str()), OutputId(k)))
        .collect();
    let inputs: HashMap<(usize, &str), InputId> = s
        .inputs
        .iter()
        .enumerate()
        .map(|(k, i)| ((i.site.0, i.id.as_str()), InputId(k)))
        .collect();
    let rules: HashMap<&str, usize> = s
        .rules
        .iter()
        .enumerate()
        .map(|(k, r)| (r.id.as_str(), k))
        .collect();
    let modes: HashMap<&str, usize> = s
        .modes
        .iter()
        .enumerate()
        .map(|(k, m)| (m.id.as_str(), k))
        .collect();
    let mut facts_of: Facts<'_> = HashMap::new();
    for f in &s.links {
        facts_of.entry((f.output, f.input)).or_default().push(f);
    }
    let output_of = |site_id: &str, id: &str| outputs.get(&(*sites.get(site_id)?, id)).copied();
    let input_of = |site_id: &str, id: &str| inputs.get(&(*sites.get(site_id)?, id)).copied();
    let built: Vec<Built> = links
        .iter()
        .filter_map(|l| {
            let output = output_of(&l.key.from_site, &l.key.from_output)?;
            let input = input_of(&l.key.to_site, &l.key.to_input)?;
            let rule = RuleId(*rules.get(l.rule.as_str())?);
            let mode = *modes.get(l.key.mode.as_str())?;
            let facts: Vec<_> = facts_of
                .get(&(output, input))
                .into_iter()
                .flatten()
                .filter(|f| f.mode.map_or(true, |m| m.0 == mode))
                .collect();
            let fact_capacity = facts.iter().filter_map(|f| f.capacity).reduce(f64::min);
            let capacity = match (fact_capacity, s.modes[mode].capacity) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let recorded = facts
                .iter()
                .any(|f| f.status == LinkStatus::Existing && f.quantity.is_some());
            Some(Built {
                link: l,
                output,
                input,
                rule,
                capacity,
                recorded,
            })
        })
        .collect();
    // The built links of each output and of each input, in plan order.
    let mut built_from: HashMap<OutputId, Vec<usize>> = HashMap::new();
    let mut built_to: HashMap<InputId, Vec<usize>> = HashMap::new();
    for (k, b) in built.iter().enumerate() {
        built_from.entry(b.output).or_default().push(k);
        built_to.entry(b.input).or_default().push(k);
    }
    let reach = Reach::new(s, &facts_of);
    let mut sent: BTreeMap<OutputId, f64> = BTreeMap::new();
    let mut received: BTreeMap<InputId, f64> = BTreeMap::new();
    let mut by_rule: BTreeMap<(InputId, RuleId), f64> = BTreeMap::new();
    for b in &built {
        *sent.entry(b.output).or_default() += b.link.flow;
        *received.entry(b.input).or_default() += b.link.displaced;
        *by_rule.entry((b.input, b.rule)).or_default() += b.link.displaced;
    }
    let stream_out = |o: OutputId| {
        let x = &s.outputs[o.0];
        format!("{}/{}", s.sites[x.site.0].id, x.id)
    };
    let stream_in = |i: InputId| {
        let x = &s.inputs[i.0];
        format!("{}/{}", s.sites[x.site.0].id, x.id)
    };
    let output_full = |o: OutputId| {
        full(
            sent.get(&o).copied().unwrap_or(0.0),
            s.outputs[o.0].quantity,
        )
    };
    let input_full = |i: InputId| {
        full(
            received.get(&i).copied().unwrap_or(0.0),
            s.inputs[i.0].quantity,
        )
    };
    // What stops one built link from carrying more, but the stream it is
    // looked at from (its output's supply, or its input's demand).
    let link_limits = |b: &Built, from_output: bool| -> Vec<Binding> {
        let mut v = Vec::new();
        let key = b.link.key.to_string();
        if b.recorded {
            v.push(Binding {
                limit: Limit::Recorded,
                at: Some(key.clone()),
                rule: None,
            });
        }
        if b.capacity.is_some_and(|c| full(b.link.flow, c)) {
            v.push(Binding {
                limit: Limit::Capacity,
                at: Some(key),
                rule: None,
            });
        }
        if !from_output && output_full(b.output) {
            v.push(Binding {
                limit: Limit::Supply,
                at: Some(stream_out(b.output)),
                rule: None,
            });
        }
        if from_output && input_full(b.input) {
            v.push(Binding {
                limit: Limit::Demand,
                at: Some(stream_in(b.input)),
                rule: None,
            });
        }
        let rule = &s.rules[b.rule.0];
        let share_limit = rule.max_share * s.inputs[b.input.0].quantity;
        if rule.max_share < 1.0
            && full(
                by_rule.get(&(b.input, b.rule)).copied().unwrap_or(0.0),
                share_limit,
            )
        {
            v.push(Binding {
                limit: Limit::Share,
                at: Some(stream_in(b.input)),
                rule: Some(rule.id.clone()),
            });
        }
        if v.is_empty() {
            v.push(Binding {
                limit: Limit::Cost,
                at: None,
                rule: None,
            });
        }
        v
    };
    let mut result = Vec::new();
    for (o, out) in s.outputs.iter().enumerate() {
        let o = OutputId(o);
        let used = sent.get(&o).copied().unwrap_or(0.0);
        // A plant's streams are bounded by its throughput, yields and size:
        // the plan's plants say how far each is used.
        if used <= 0.0 || output_full(o) || s.plant_of_output(o).is_some() {
            continue;
        }
        let mut binds: BTreeSet<Binding> = built_from
            .get(&o)
            .into_iter()
            .flatten()
            .flat_map(|&b| link_limits(&built[b], true))
            .collect();
        binds.extend(reach.out_of_reach(Side::Output, o.0, &|i| !input_full(InputId(i))));
        result.push(StreamLimit {
            side: Side::Output,
            stream: stream_out(o),
            quantity: out.quantity,
            used: crate::plan::round(used),
            unit: s.materials[out.material.0].unit.clone(),
            binds: binds.into_iter().collect(),
        });
    }
    for (i, inp) in s.inputs.iter().enumerate() {
        let i = InputId(i);
        let used = received.get(&i).copied().unwrap_or(0.0);
        if used <= 0.0 || input_full(i) || s.plant_of_input(i).is_some() {
            continue;
        }
        let mut binds: BTreeSet<Binding> = built_to
            .get(&i)
            .into_iter()
            .flatten()
            .flat_map(|&b| link_limits(&built[b], false))
            .collect();
        binds.extend(reach.out_of_reach(Side::Input, i.0, &|o| !output_full(OutputId(o))));
        result.push(StreamLimit {
            side: Side::Input,
            stream: stream_in(i),
            quantity: inp.quantity,
            used: crate::plan::round(used),
            unit: s.materials[inp.material.0].unit.clone(),
            binds: binds.into_iter().collect(),
        });
    }
    result
}

/// The streams of a scenario by material and the place of their site, for the
/// nearest partner out of reach ([`Reach::out_of_reach`]).
struct Reach<'s> {
    s: &'s Scenario,
    facts: &'s Facts<'s>,
    /// Per material, its inputs and its outputs at a site with a place, by the
    /// place's embedding ([`crate::domain::Location::embed`]: distances there
    /// grow with the distances between places).
    inputs: Vec<StreamTree>,
    outputs: Vec<StreamTree>,
}

/// The link facts of each output and input pair.
type Facts<'s> = HashMap<(OutputId, InputId), Vec<&'s LinkFact>>;

/// Streams (scenario indices) by the embedding of their site's place.
type StreamTree = RTree<GeomWithData<[f64; 3], usize>>;

impl<'s> Reach<'s> {
    fn new(s: &'s Scenario, facts: &'s Facts<'s>) -> Reach<'s> {
        let n = s.materials.len();
        let (mut inputs, mut outputs) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for (k, i) in s.inputs.iter().enumerate() {
            if let Some(at) = s.sites[i.site.0].location {
                inputs[i.material.0].push(GeomWithData::new(at.embed(), k));
            }
        }
        for (k, o) in s.outputs.iter().enumerate() {
            if let Some(at) = s.sites[o.site.0].location {
                outputs[o.material.0].push(GeomWithData::new(at.embed(), k));
            }
        }
        Reach {
            s,
            facts,
            inputs: inputs.into_iter().map(RTree::bulk_load).collect(),
            outputs: outputs.into_iter().map(RTree::bulk_load).collect(),
        }
    }

    /// A `distance` binding when some partner of stream `k` (an output's
    /// inputs, an input's outputs) that a rule allows, at another site with
    /// room left (`room`), is farther than every mode of the rule reaches (each
    /// mode having a `max_distance_km`), with no link fact giving the pair a
    /// distance: the nearest such partner (of equally near ones, the first in
    /// scenario order). Only the materials of rules whose every mode has a
    /// reach are looked at, and their streams nearest first, so each walk ends
    /// at the first partner out of reach.
    fn out_of_reach(&self, side: Side, k: usize, room: &dyn Fn(usize) -> bool) -> Option<Binding> {
        let s = self.s;
        let (site, material) = match side {
            Side::Output => (s.outputs[k].site, s.outputs[k].material),
            Side::Input => (s.inputs[k].site, s.inputs[k].material),
        };
        let beyond_reach = |r: &Rule, d: f64| {
            !r.modes.is_empty()
                && r.modes
                    .iter()
                    .all(|m| s.modes[m.0].max_distance_km.is_some_and(|max| d > max))
        };
        // The partners' materials of the rules that can leave a partner out of
        // reach (every mode has a reach).
        let mut partners: Vec<MaterialId> = s
            .rules
            .iter()
            .filter(|r| beyond_reach(r, f64::INFINITY))
            .filter_map(|r| match side {
                Side::Output => (r.from == material).then_some(r.to),
                Side::Input => (r.to == material).then_some(r.from),
            })
            .collect();
        partners.sort_unstable();
        partners.dedup();
        if partners.is_empty() {
            return None;
        }
        let q = s.sites[site.0].location?.embed();
        // (distance, partner) of the nearest found.
        let mut nearest: Option<(f64, usize)> = None;
        for m in partners {
            let tree = match side {
                Side::Output => &self.inputs[m.0],
                Side::Input => &self.outputs[m.0],
            };
            // The embedding's distance of the first out of reach in this material.
            let mut found: Option<f64> = None;
            for point in tree.nearest_neighbor_iter(&q) {
                let p = point.geom();
                let along = (p[0] - q[0]).hypot(p[1] - q[1]).hypot(p[2] - q[2]);
                if found.is_some_and(|e| along > e) {
                    break;
                }
                let partner = point.data;
                let (o, i) = match side {
                    Side::Output => (OutputId(k), InputId(partner)),
                    Side::Input => (OutputId(partner), InputId(k)),
                };
                let (out, inp) = (&s.outputs[o.0], &s.inputs[i.0]);
                if out.site == inp.site || !room(partner) || self.facts.contains_key(&(o, i)) {
                    continue;
                }
                let (Some(a), Some(b)) =
                    (s.sites[out.site.0].location, s.sites[inp.site.0].location)
                else {
                    continue;
                };
                let Some(d) = a.distance_km(&b).map(|d| d * s.parameters.circuity) else {
                    continue;
                };
                let beyond = s
                    .rules
                    .iter()
                    .filter(|r| r.from == out.material && r.to == inp.material)
                    .any(|r| beyond_reach(r, d));
                if !beyond {
                    continue;
                }
                found.get_or_insert(along);
                if nearest.map_or(true, |(n, j)| d < n || (d == n && partner < j)) {
                    nearest = Some((d, partner));
                }
            }
        }
        nearest.map(|(_, partner)| {
            let name = match side {
                Side::Output => {
                    let inp = &s.inputs[partner];
                    format!("{}/{}", s.sites[inp.site.0].id, inp.id)
                }
                Side::Input => {
                    let out = &s.outputs[partner];
                    format!("{}/{}", s.sites[out.site.0].id, out.id)
                }
            };
            Binding {
                limit: Limit::Distance,
                at: Some(name),
                rule: None,
            }
        })
    }
}
