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
/// Whether the plants `net` reaches keep their rows under `flows`: what
/// leaves each output at most its yield of the throughput, the throughput
/// within the largest size, each input's share within its limits.
fn plants_feasible(s: &Scenario, net: &Network, flows: &[f64]) -> Result<(), String> {
    use symbio::network::plants::{reached, throughputs, PlantTerms};
    let tol = |x: f64| 1e-6 * x.abs().max(1.0);
    let throughputs = throughputs(s, &net.links, flows);
    for p in reached(s, &net.links) {
        let plant = &s.plants[p.0];
        let tech = &s.technologies[plant.technology.0];
        let t = throughputs[p.0];
        let largest = PlantTerms::of(s, p).largest();
        if t > largest + tol(largest) {
            return Err(format!(
                "plant {}: {t} above its largest size {largest}",
                plant.id
            ));
        }
        let sum = |f: &dyn Fn(&symbio::network::CandidateLink) -> bool, by: bool| -> f64 {
            net.links
                .iter()
                .zip(flows)
                .filter(|(l, _)| f(l))
                .map(|(l, &x)| if by { l.displaced_per_unit * x } else { x })
                .sum()
        };
        for (o, to) in plant.outputs.iter().zip(&tech.outputs) {
            let out = sum(&|l| l.output == *o, false);
            let made = to.yield_per_unit * t;
            if out > made + tol(made) {
                return Err(format!("plant {}: {out} sent of {made} made", plant.id));
            }
        }
        for (i, ti) in plant.inputs.iter().zip(&tech.inputs) {
            let arrived = sum(&|l| l.input == *i, true);
            if arrived < ti.min_share * t - tol(t) || arrived > ti.max_share * t + tol(t) {
                return Err(format!("plant {}: input share {arrived} of {t}", plant.id));
            }
        }
    }
    Ok(())
}

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
        // A plant's mix is its technology's, not the rules' shares.
        if s.plant_of_input(l.input).is_none() {
            *share.entry((l.input.0, l.rule.0)).or_default() += l.displaced_per_unit * x;
        }
    }
    plants_feasible(s, net, flows)?;
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

/// The scenario and candidate network of an oracle instance.
fn built(inst: &crate::oracle::Instance) -> (Scenario, Network) {
    let json = serde_json::to_string(&inst.scenario_file()).unwrap();
    let s = symbio::scenario::read_str(Path::new("oracle.json"), &json).unwrap();
    let net = network::build(&s).unwrap();
    (s, net)
}

/// A generated region on the shipped catalog and its candidate network.
fn region(sites: usize, seed: u64) -> (Scenario, Network) {
    let catalog = crate::path("scenarios/catalog/default.toml");
    let text = symbio_testkit::generate::region(sites, seed, &catalog.display().to_string());
    let s = symbio::scenario::read_str(Path::new("region.toml"), &text).unwrap();
    let net = network::build(&s).unwrap();
    (s, net)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_greedy_plan_is_feasible_and_below_the_optimum(inst in instance()) {
        let (s, net) = built(&inst);
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
    let (s, net) = region(300, 2);
    let unsolved = symbio::model::unsolved(&s, &net, &[]);
    assert_eq!(unsolved.status, symbio::Status::TimeLimit);
    let objective = unsolved.objective.unwrap();
    assert!(objective > 0.0);
    assert!(unsolved.best_bound.unwrap() >= objective);
    feasible(&s, &net, &unsolved.flows, &unsolved.built).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_glance_bounds_the_optimum_and_says_optimal_only_within_the_gap(inst in instance()) {
        let (s, net) = built(&inst);
        let gap = 1e-6;
        let glance = symbio::model::glance(&s, &net, &[], gap).unwrap();
        let tol = |x: f64| 1e-6 * x.abs().max(1.0);
        match inst.oracle() {
            None => prop_assert!(!glance.status.has_plan(), "{:?} of an infeasible instance", glance.status),
            Some(best) => {
                prop_assert!(glance.status.has_plan(), "{:?}", glance.status);
                feasible(&s, &net, &glance.flows, &glance.built).map_err(TestCaseError::fail)?;
                let objective = glance.objective.unwrap();
                let bound = glance.best_bound.unwrap();
                prop_assert!(objective <= best + tol(best), "plan {} above the optimum {}", objective, best);
                prop_assert!(bound >= best - tol(best), "bound {} below the optimum {}", bound, best);
                prop_assert!(bound >= objective);
                if glance.status == symbio::Status::Optimal {
                    prop_assert!(best - objective <= gap * best.abs() + tol(best), "optimal at {} of {}", objective, best);
                }
            }
        }
    }
}

#[test]
fn the_glance_of_a_region_is_tighter_than_the_bound_that_needs_no_solve() {
    // The LP bound of a 300-site region is far below the bound of every link,
    // output and input at its best, and the plan is the greedy one.
    let (s, net) = region(300, 2);
    let unsolved = symbio::model::unsolved(&s, &net, &[]);
    let glance = symbio::model::glance(&s, &net, &[], 1e-6).unwrap();
    assert_eq!(glance.status, symbio::Status::TimeLimit);
    assert_eq!(glance.objective, unsolved.objective);
    assert_eq!(glance.built, unsolved.built);
    let (tight, loose) = (glance.best_bound.unwrap(), unsolved.best_bound.unwrap());
    assert!(tight < loose, "{tight} against {loose}");
    let (_, lp) =
        symbio::model::reduce::relaxation_bound(&s, &net, symbio::model::reduce::Pricing::Auto)
            .unwrap()
            .unwrap();
    assert_eq!(tight, lp.min(loose));
}
