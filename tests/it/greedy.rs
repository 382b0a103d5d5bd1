//! The greedy plan (`model::greedy`) that a part too large to search keeps:
//! feasible, worth what it says, never above the optimum, and had exactly when
//! the recorded flows fit.

use std::collections::HashMap;
use std::path::Path;

use proptest::prelude::*;
use symbio::domain::Scenario;
use symbio::model::greedy;
use symbio::network::{self, Network};

use crate::oracle::instance;

/// Every constraint of the MILP holds for the plan (within rounding).
pub(crate) fn feasible(
    s: &Scenario,
    net: &Network,
    flows: &[f64],
    built: &[bool],
) -> Result<(), String> {
    let tol = |x: f64| 1e-6 * x.abs().max(1.0);
    let mut supply: HashMap<usize, f64> = HashMap::new();
    let mut demand: HashMap<usize, f64> = HashMap::new();
    let mut share: HashMap<(usize, usize), f64> = HashMap::new();
    for (k, l) in net.links.iter().enumerate() {
        let x = flows[k];
        if x < 0.0 || (x > 0.0 && !built[k]) || (l.is_mandatory() && !built[k]) {
            return Err(format!("link {k}: flow {x}, built {}", built[k]));
        }
        match l.recorded_quantity {
            Some(q) if (x - q).abs() > tol(q) => {
                return Err(format!("link {k}: {x} ≠ recorded {q}"))
            }
            None if x > l.upper_bound + tol(l.upper_bound) => {
                return Err(format!("link {k}: {x} above its bound {}", l.upper_bound))
            }
            _ => {}
        }
        *supply.entry(l.output.0).or_default() += x;
        *demand.entry(l.input.0).or_default() += l.displaced_per_unit * x;
        *share.entry((l.input.0, l.rule.0)).or_default() += l.displaced_per_unit * x;
    }
    for (o, used) in supply {
        let q = s.outputs[o].quantity;
        if used > q + tol(q) {
            return Err(format!("output {o}: {used} above supply {q}"));
        }
    }
    for (i, used) in demand {
        let d = s.inputs[i].quantity;
        if used > d + tol(d) {
            return Err(format!("input {i}: {used} above demand {d}"));
        }
    }
    for ((i, r), used) in share {
        let cap = s.rules[r].max_share * s.inputs[i].quantity;
        if used > cap + tol(cap) {
            return Err(format!("input {i}, rule {r}: {used} above share {cap}"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_greedy_plan_is_feasible_and_below_the_optimum(inst in instance()) {
        let json = serde_json::to_string(&inst.scenario_file()).unwrap();
        let s = symbio::scenario::read_str(Path::new("oracle.json"), &json).unwrap();
        let net = network::build(&s).unwrap();
        let plan = greedy::plan(&s, &net);
        match (inst.oracle(), plan) {
            (None, None) => {}
            (Some(best), Some(plan)) => {
                feasible(&s, &net, &plan.flows, &plan.built).map_err(TestCaseError::fail)?;
                let p = &s.parameters;
                let worth: f64 = net.links.iter().enumerate().map(|(k, l)| {
                    l.margin_per_unit(p.carbon_price, p.energy_price) * plan.flows[k]
                        - if plan.built[k] { l.fixed_charge_per_year() } else { 0.0 }
                }).sum();
                let got = plan.objective.unwrap();
                prop_assert!((got - worth).abs() <= 1e-6 * worth.abs().max(1.0), "says {} is worth {}", got, worth);
                prop_assert!(got <= best + 1e-6 * best.abs().max(1.0), "greedy {} above the optimum {}", got, best);
            }
            (best, plan) => prop_assert!(false, "oracle {:?}, greedy plan {:?}", best, plan.map(|p| p.objective)),
        }
    }
}

#[test]
fn a_region_too_large_for_its_time_keeps_a_greedy_plan_not_the_empty_one() {
    // 300 sites under a limit far too short to search: every part keeps what
    // the greedy pass found, which earns more than building nothing.
    let catalog = crate::path("scenarios/catalog/default.toml");
    let text = crate::generate::region(300, 2, &catalog.display().to_string());
    let s = symbio::scenario::read_str(Path::new("region.toml"), &text).unwrap();
    let net = network::build(&s).unwrap();
    let unsolved = symbio::model::unsolved(&s, &net, &[]);
    assert_eq!(unsolved.status, symbio::Status::TimeLimit);
    let objective = unsolved.objective.unwrap();
    assert!(objective > 0.0);
    assert!(unsolved.best_bound.unwrap() >= objective);
    feasible(&s, &net, &unsolved.flows, &unsolved.built).unwrap();
}
