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

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::domain::{InputId, LinkStatus, OutputId, RuleId, Scenario};
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
    let site = |id: &str| s.sites.iter().position(|x| x.id == id);
    let output_of = |site_id: &str, id: &str| {
        let k = site(site_id)?;
        (0..s.outputs.len())
            .map(OutputId)
            .find(|o| s.outputs[o.0].site.0 == k && s.outputs[o.0].id == id)
    };
    let input_of = |site_id: &str, id: &str| {
        let k = site(site_id)?;
        (0..s.inputs.len())
            .map(InputId)
            .find(|i| s.inputs[i.0].site.0 == k && s.inputs[i.0].id == id)
    };
    let built: Vec<Built> = links
        .iter()
        .filter_map(|l| {
            let output = output_of(&l.key.from_site, &l.key.from_output)?;
            let input = input_of(&l.key.to_site, &l.key.to_input)?;
            let rule = RuleId(s.rules.iter().position(|r| r.id == l.rule)?);
            let mode = s.modes.iter().position(|m| m.id == l.key.mode)?;
            let facts: Vec<_> = s
                .links
                .iter()
                .filter(|f| {
                    f.output == output && f.input == input && f.mode.map_or(true, |m| m.0 == mode)
                })
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
        let mut binds: BTreeSet<Binding> = built
            .iter()
            .filter(|b| b.output == o)
            .flat_map(|b| link_limits(b, true))
            .collect();
        binds.extend(out_of_reach(s, Side::Output, o.0, &|i| {
            !input_full(InputId(i))
        }));
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
        let mut binds: BTreeSet<Binding> = built
            .iter()
            .filter(|b| b.input == i)
            .flat_map(|b| link_limits(b, false))
            .collect();
        binds.extend(out_of_reach(s, Side::Input, i.0, &|o| {
            !output_full(OutputId(o))
        }));
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

/// A `distance` binding when some partner of stream `k` (an output's inputs, an
/// input's outputs) that a rule allows, at another site with room left
/// (`room`), is farther than every mode of the rule reaches (each mode having
/// a `max_distance_km`), with no link fact giving the pair a distance: the
/// nearest such partner.
fn out_of_reach(
    s: &Scenario,
    side: Side,
    k: usize,
    room: &dyn Fn(usize) -> bool,
) -> Option<Binding> {
    let pairs: Vec<(OutputId, InputId)> = match side {
        Side::Output => (0..s.inputs.len())
            .map(|i| (OutputId(k), InputId(i)))
            .collect(),
        Side::Input => (0..s.outputs.len())
            .map(|o| (OutputId(o), InputId(k)))
            .collect(),
    };
    let mut nearest: Option<(f64, String)> = None;
    for (o, i) in pairs {
        let (out, inp) = (&s.outputs[o.0], &s.inputs[i.0]);
        let partner = match side {
            Side::Output => i.0,
            Side::Input => o.0,
        };
        if out.site == inp.site || !room(partner) {
            continue;
        }
        if s.links.iter().any(|f| f.output == o && f.input == i) {
            continue;
        }
        let (Some(a), Some(b)) = (s.sites[out.site.0].location, s.sites[inp.site.0].location)
        else {
            continue;
        };
        let Some(d) = a.distance_km(&b).map(|d| d * s.parameters.circuity) else {
            continue;
        };
        let beyond = s
            .rules
            .iter()
            .filter(|r| r.from == out.material && r.to == inp.material && !r.modes.is_empty())
            .any(|r| {
                r.modes
                    .iter()
                    .all(|m| s.modes[m.0].max_distance_km.is_some_and(|max| d > max))
            });
        if beyond && nearest.as_ref().map_or(true, |(n, _)| d < *n) {
            let name = match side {
                Side::Output => format!("{}/{}", s.sites[inp.site.0].id, inp.id),
                Side::Input => format!("{}/{}", s.sites[out.site.0].id, out.id),
            };
            nearest = Some((d, name));
        }
    }
    nearest.map(|(_, at)| Binding {
        limit: Limit::Distance,
        at: Some(at),
        rule: None,
    })
}
