//! What a search falls back on when it has no plan of its own: the greedy plan
//! or the empty plan, under the bound that needs no solve ([`trivial_bound`]),
//! so that a time limit never loses a plan that is known.

use super::greedy;
use crate::domain::Scenario;
use crate::model::solution::{relative_gap, FlowConstraint, Solution, Status};
use crate::network::Network;

/// The solution of a network whose search had no time at all: the better of
/// the greedy plan ([`greedy`], without extra constraints) and the empty plan
/// where it is feasible (`empty_plan`), with status `time_limit` and the bound
/// that needs no solve; no plan (`time_limit_no_solution`) when neither is had.
pub fn unsolved(s: &Scenario, net: &Network, extra: &[FlowConstraint]) -> Solution {
    unsolved_with(s, net, extra, None)
}

/// [`unsolved`] with a bound known from a search (HiGHS's, when it stopped
/// before any plan), used where it is tighter than the one that needs no solve.
pub(crate) fn unsolved_with(
    s: &Scenario,
    net: &Network,
    extra: &[FlowConstraint],
    bound: Option<f64>,
) -> Solution {
    if net.links.is_empty() {
        return Solution::without_links(extra.iter().all(|c| c.at_least <= 0.0));
    }
    let empty = empty_plan(s, net, extra, bound);
    let greedy = extra
        .is_empty()
        .then(|| greedy::plan(s, net))
        .flatten()
        .filter(|g| g.objective > empty.as_ref().and_then(|e| e.objective));
    match (greedy, empty) {
        (Some(g), _) => {
            let objective = g.objective.unwrap_or(0.0);
            let known = bound.filter(|b| b.is_finite());
            let bound = known
                .unwrap_or_else(|| trivial_bound(s, &net.links))
                .max(objective);
            let gap = relative_gap(bound, objective);
            Solution {
                best_bound: Some(bound),
                gap,
                ..g
            }
        }
        (None, Some(e)) => e,
        (None, None) => Solution::without_plan(Status::TimeLimitNoSolution, net.links.len()),
    }
}

/// The plan a time limit leaves when the search found none: every link off but
/// the mandatory ones, built empty. It is feasible when no link has a recorded
/// quantity (those are fixed flows that must fit), no extra constraint asks
/// for more than nothing and no plant group asks for plants open; then it is
/// reported with status `time_limit`, its net benefit (minus the mandatory
/// links' charges and those of the plants that must open, at their cheapest
/// size), the best bound known (HiGHS's,
/// else [`trivial_bound`]) and the gap, and a plan is never lost to a time limit.
pub(crate) fn empty_plan(
    s: &Scenario,
    net: &Network,
    extra: &[FlowConstraint],
    bound: Option<f64>,
) -> Option<Solution> {
    if net.links.iter().any(|l| l.recorded_quantity.is_some())
        || extra.iter().any(|c| c.at_least > 0.0)
    {
        return None;
    }
    // Of the plants the links reach, those that must open do at their
    // cheapest size with nothing to process; a group that asks for plants
    // open leaves no empty plan.
    let plants = crate::network::plants::reached(s, &net.links);
    if crate::network::plants::group_asks_open(s, &plants) {
        return None;
    }
    let plant_charges: f64 = plants
        .iter()
        .filter(|p| s.plants[p.0].is_mandatory())
        .map(|&p| {
            let terms = crate::network::plants::PlantTerms::of(s, p);
            terms.size_for(0.0, true).map_or(0.0, |z| z.2)
        })
        .sum();
    let objective: f64 = -net
        .links
        .iter()
        .filter(|l| l.is_mandatory())
        .map(|l| l.fixed_charge_per_year())
        .sum::<f64>()
        - plant_charges;
    let bound = bound
        .filter(|b| b.is_finite())
        .unwrap_or_else(|| trivial_bound(s, &net.links))
        .max(objective);
    let gap = relative_gap(bound, objective);
    Some(Solution {
        status: Status::TimeLimit,
        objective: Some(objective),
        best_bound: Some(bound),
        gap,
        flows: vec![0.0; net.links.len()],
        built: net.links.iter().map(|l| l.is_mandatory()).collect(),
        by_period: crate::model::solution::ByPeriod::default(),
    })
}

/// A bound on the net benefit that needs no solve, the least of three:
///
/// - every link at its best on its own: Σ_l max(v_l U_l, 0) − F_l over the
///   mandatory links and Σ_l max(v_l U_l − F_l, 0) over the others;
/// - every output's supply at its best margin: Σ_o Q_o max(0, max_{l ∈ out(o)} v_l)
///   − Σ_{mandatory} F_l (Σ_{l ∈ out(o)} x_l ≤ Q_o);
/// - every input's demand at its best margin per unit displaced:
///   Σ_i D_i max(0, max_{l ∈ in(i)} v_l / β_l) − Σ_{mandatory} F_l.
pub(crate) fn trivial_bound<'a>(
    s: &Scenario,
    links: impl IntoIterator<Item = &'a crate::network::CandidateLink>,
) -> f64 {
    let p = &s.parameters;
    let mut by_link = 0.0;
    let mut mandatory = 0.0;
    let mut best_out = vec![0.0f64; s.outputs.len()];
    let mut best_in = vec![0.0f64; s.inputs.len()];
    for l in links {
        let v = l.margin_per_unit(p.carbon_price, p.energy_price);
        let top = (v * l.upper_bound.max(0.0)).max(0.0);
        let f = l.fixed_charge_per_year();
        if l.is_mandatory() {
            by_link += top - f;
            mandatory += f;
        } else {
            by_link += (top - f).max(0.0);
        }
        best_out[l.output.0] = best_out[l.output.0].max(v);
        if l.displaced_per_unit > 0.0 {
            best_in[l.input.0] = best_in[l.input.0].max(v / l.displaced_per_unit);
        } else {
            best_in[l.input.0] = f64::INFINITY;
        }
    }
    let by_outputs: f64 = best_out
        .iter()
        .zip(&s.outputs)
        .map(|(&v, o)| if v > 0.0 { v * o.quantity } else { 0.0 })
        .sum::<f64>()
        - mandatory;
    let by_inputs: f64 = best_in
        .iter()
        .zip(&s.inputs)
        .map(|(&v, i)| if v > 0.0 { v * i.quantity } else { 0.0 })
        .sum::<f64>()
        - mandatory;
    // What plants could earn by themselves (a throughput whose products sell
    // for more than processing costs), at their largest size: every plant of
    // the scenario, so the bound holds for any part.
    let p = &s.parameters;
    let plants: f64 = (0..s.plants.len())
        .map(|k| {
            let terms = crate::network::plants::PlantTerms::of(s, crate::domain::PlantId(k));
            (-terms.cost_per_unit(p.carbon_price, p.energy_price)).max(0.0) * terms.largest()
        })
        .sum();
    by_link.min(by_outputs).min(by_inputs) + plants
}
