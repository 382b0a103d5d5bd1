//! A plan without a solver, for parts whose MILP there is no time to build:
//! links taken greedily, best first.
//!
//! The recorded flows of existing links are placed first (they are fixed), then
//! every other link, in order of what it earns at its bound on its own
//! (`v_l U_l − F_l`, the charge left out for links built anyway), gets as much
//! flow as the supply, demand and share left allow, if that flow earns more
//! than the link's charge. Each step keeps every constraint of the MILP, so the
//! plan is feasible; it is a start, not an optimum (`docs/formulation.md`).

use std::collections::HashMap;

use crate::domain::{InputId, RuleId, Scenario};
use crate::model::solution::{Solution, Status};
use crate::network::Network;

/// The greedy plan of `net`, with status `time_limit` and no bound; `None` when
/// the recorded flows alone do not fit (the MILP is then infeasible, or nearly).
pub fn plan(s: &Scenario, net: &Network) -> Option<Solution> {
    // Written for links alone: a plant's balance is not kept by it.
    if crate::network::plants::any_reached(s, &net.links) {
        return None;
    }
    let p = &s.parameters;
    let n = net.links.len();
    let mut supply: Vec<f64> = s.outputs.iter().map(|o| o.quantity).collect();
    let mut demand: Vec<f64> = s.inputs.iter().map(|i| i.quantity).collect();
    let mut share: HashMap<(InputId, RuleId), f64> = HashMap::new();
    for l in &net.links {
        let rule = &s.rules[l.rule.0];
        if rule.max_share < 1.0 {
            share
                .entry((l.input, l.rule))
                .or_insert(rule.max_share * s.inputs[l.input.0].quantity);
        }
    }
    let tolerance = |scale: f64| 1e-9 * scale.abs().max(1.0);
    let mut flows = vec![0.0; n];
    let mut built: Vec<bool> = net.links.iter().map(|l| l.is_mandatory()).collect();
    // Recorded flows first: they are not a choice.
    for (k, l) in net.links.iter().enumerate() {
        let Some(q) = l.recorded_quantity else {
            continue;
        };
        let displaced = l.displaced_per_unit * q;
        supply[l.output.0] -= q;
        demand[l.input.0] -= displaced;
        if let Some(left) = share.get_mut(&(l.input, l.rule)) {
            *left -= displaced;
            if *left < -tolerance(displaced) {
                return None;
            }
        }
        if supply[l.output.0] < -tolerance(q)
            || demand[l.input.0] < -tolerance(displaced)
            || l.capacity.is_some_and(|c| q > c + tolerance(c))
        {
            return None;
        }
        flows[k] = q;
    }
    let charge = |k: usize| {
        let l = &net.links[k];
        if l.is_mandatory() {
            0.0
        } else {
            l.fixed_charge_per_year()
        }
    };
    let margin: Vec<f64> = net
        .links
        .iter()
        .map(|l| l.margin_per_unit(p.carbon_price, p.energy_price))
        .collect();
    let mut order: Vec<usize> = (0..n)
        .filter(|&k| net.links[k].recorded_quantity.is_none() && margin[k] > 0.0)
        .collect();
    let score = |k: usize| margin[k] * net.links[k].upper_bound.max(0.0) - charge(k);
    order.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
    for k in order {
        let l = &net.links[k];
        let beta = l.displaced_per_unit;
        let share_left = share.get(&(l.input, l.rule)).copied();
        let mut x = l.upper_bound.min(supply[l.output.0]);
        if beta > 0.0 {
            x = x.min(demand[l.input.0] / beta);
            if let Some(left) = share_left {
                x = x.min(left / beta);
            }
        }
        if x <= 0.0 || margin[k] * x <= charge(k) {
            continue;
        }
        flows[k] = x;
        built[k] = true;
        supply[l.output.0] = (supply[l.output.0] - x).max(0.0);
        demand[l.input.0] = (demand[l.input.0] - beta * x).max(0.0);
        if let Some(left) = share.get_mut(&(l.input, l.rule)) {
            *left = (*left - beta * x).max(0.0);
        }
    }
    let objective = net
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            margin[k] * flows[k]
                - if built[k] {
                    l.fixed_charge_per_year()
                } else {
                    0.0
                }
        })
        .sum();
    Some(Solution {
        status: Status::TimeLimit,
        objective: Some(objective),
        best_bound: None,
        gap: None,
        flows,
        built,
        by_period: crate::model::solution::ByPeriod::default(),
    })
}
