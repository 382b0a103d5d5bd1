//! The exact reductions of `model::reduce` (dominated links, reduced-cost fixing
//! against a first plan): the optimum they give is the brute-force oracle's and
//! the unreduced MILP's, and the bound they report holds.

use std::path::Path;

use proptest::prelude::*;
use symbio::domain::Scenario;
use symbio::model::{self, reduce, Reduce};
use symbio::network::{self, Network};
use symbio::{SolveOptions, Status};

use crate::oracle::instance;
use crate::{Scratch, Symbio};
use symbio_testkit::generate;

/// Solves to a zero gap, as one MILP, reduced as `reduce` says.
fn exact(reduce: Reduce) -> SolveOptions {
    SolveOptions {
        gap: 0.0,
        reduce,
        decompose: false,
        ..SolveOptions::default()
    }
}

fn scenario(text: &str) -> (Scenario, Network) {
    let s = symbio::scenario::read_str(Path::new("generated.toml"), text).unwrap();
    let net = network::build(&s).unwrap();
    (s, net)
}

/// The reduced solve of a network against its unreduced MILP, both at gap 0:
/// same status and objective; a bound at least the optimum; the plan within
/// every link's bound.
fn check_against_unreduced(
    s: &Scenario,
    net: &Network,
) -> Result<reduce::Reduction, TestCaseError> {
    let plain = model::solve(s, net, &exact(Reduce::Never)).unwrap();
    let (reduced, what) =
        reduce::solve(s, net, &exact(Reduce::Always), None, Default::default()).unwrap();
    prop_assert_eq!(reduced.status, plain.status);
    prop_assert_eq!(reduced.flows.len(), net.links.len());
    if let (Some(a), Some(b)) = (reduced.objective, plain.objective) {
        let tol = 1e-6 * b.abs().max(1.0);
        prop_assert!((a - b).abs() <= tol, "reduced {} unreduced {}", a, b);
        let bound = reduced.best_bound.unwrap();
        prop_assert!(bound >= b - tol, "bound {} below the optimum {}", bound, b);
        for (k, l) in net.links.iter().enumerate() {
            prop_assert!(
                reduced.flows[k] <= l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0)) + 1e-6
            );
            prop_assert!(reduced.flows[k] == 0.0 || reduced.built[k]);
        }
    }
    if let (Some(lp), Some(lagrangian), Some(optimum)) =
        (what.relaxation, what.bound, plain.objective)
    {
        // The duals are read the right way round: L(π) is the LP's optimum, and
        // both bound the MILP's.
        let tol = 1e-6 * lp.abs().max(1.0);
        prop_assert!(
            (lp - lagrangian).abs() <= tol,
            "LP {} Lagrangian {}",
            lp,
            lagrangian
        );
        prop_assert!(lagrangian >= optimum - tol);
    }
    Ok(what)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn reduced_solves_match_the_brute_force_oracle(inst in instance()) {
        let (status, objective, _) = inst.symbio(&exact(Reduce::Always));
        match inst.oracle() {
            None => prop_assert_eq!(status, Status::Infeasible),
            Some(best) => {
                prop_assert_eq!(status, Status::Optimal);
                let got = objective.unwrap();
                prop_assert!((got - best).abs() <= 1e-6 * best.abs().max(1.0), "reduced {} oracle {}", got, best);
            }
        }
    }

    #[test]
    fn reduced_solves_match_the_unreduced_milp_on_oracle_instances(inst in instance()) {
        let json = serde_json::to_string(&inst.scenario_file()).unwrap();
        let s = symbio::scenario::read_str(Path::new("oracle.json"), &json).unwrap();
        let net = network::build(&s).unwrap();
        check_against_unreduced(&s, &net)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn reduced_solves_match_the_unreduced_milp_on_fixed_charge_clusters(m in 3usize..9, seed in 0u64..1000) {
        let (s, net) = scenario(&generate::fixed_charge(1, m, seed));
        check_against_unreduced(&s, &net)?;
    }

    #[test]
    fn reduced_solves_match_the_unreduced_milp_on_districts(n in 1usize..3, seed in 0u64..1000) {
        let (s, net) = scenario(&generate::districts(n, seed));
        check_against_unreduced(&s, &net)?;
    }
}

/// Column generation gives the LP relaxation's optimum and a Lagrangian bound
/// equal to those of the LP over every link, and the bound is at least the
/// MILP's `optimum` when it is given.
fn check_generated_relaxation(
    s: &Scenario,
    net: &Network,
    optimum: Option<f64>,
) -> Result<(), TestCaseError> {
    let all = reduce::relaxation_bound(s, net, reduce::Pricing::AllLinks).unwrap();
    let generated = reduce::relaxation_bound(s, net, reduce::Pricing::Generated).unwrap();
    match (all, generated) {
        (Some((lp, bound)), Some((lp_g, bound_g))) => {
            let tol = 1e-6 * lp.abs().max(1.0);
            prop_assert!((lp - lp_g).abs() <= tol, "LP {} generated {}", lp, lp_g);
            prop_assert!(
                (bound - bound_g).abs() <= tol,
                "L {} generated {}",
                bound,
                bound_g
            );
            if let Some(optimum) = optimum {
                prop_assert!(
                    bound_g >= optimum - tol,
                    "bound {} optimum {}",
                    bound_g,
                    optimum
                );
            }
        }
        (a, b) => prop_assert_eq!(a.is_some(), b.is_some()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_columns_give_the_relaxation_of_every_link_on_clusters(m in 3usize..9, seed in 0u64..1000) {
        let (s, net) = scenario(&generate::fixed_charge(1, m, seed));
        let optimum = model::solve(&s, &net, &exact(Reduce::Never)).unwrap().objective;
        check_generated_relaxation(&s, &net, optimum)?;
    }

    #[test]
    fn generated_columns_give_the_relaxation_of_every_link_on_districts(n in 1usize..3, seed in 0u64..1000) {
        let (s, net) = scenario(&generate::districts(n, seed));
        let optimum = model::solve(&s, &net, &exact(Reduce::Never)).unwrap().objective;
        check_generated_relaxation(&s, &net, optimum)?;
    }
}

#[test]
fn generated_columns_give_the_relaxation_of_every_link_on_a_region() {
    // Parts of hundreds of links, where the first LP holds only a few per stream.
    let catalog = crate::path("scenarios/catalog/default.toml");
    let (s, net) = scenario(&generate::region(150, 5, &catalog.display().to_string()));
    let parts = net.independent_parts();
    assert!(parts.iter().any(|p| p.len() > 200), "no large part");
    for part in parts {
        check_generated_relaxation(&s, &net.part(&part), None).unwrap();
    }
}

#[test]
fn fixing_and_dominance_remove_links_on_a_region() {
    // A region of 150 sites: bulk residues by truck and rail between the same
    // pairs (rail dominates nothing here, trucks with no charge often do), and a
    // first plan good enough to fix links against, and heat pipes whose
    // relaxation the cuts strengthen.
    let catalog = crate::path("scenarios/catalog/default.toml");
    let (s, net) = scenario(&generate::region(150, 3, &catalog.display().to_string()));
    let mut removed_by_fixing = 0;
    let mut removed_by_dominance = 0;
    let mut cuts = 0;
    for part in net.independent_parts() {
        let sub = net.part(&part);
        let what = check_against_unreduced(&s, &sub).unwrap();
        removed_by_dominance += sub.links.len() - what.undominated;
        removed_by_fixing += what.undominated - what.after_fixing.unwrap_or(what.undominated);
        cuts += what.cuts;
    }
    assert!(removed_by_dominance > 0, "no dominated link");
    assert!(cuts > 0, "no cut");
    assert!(removed_by_fixing > 0, "reduced-cost fixing removed nothing");
}

#[test]
fn cli_plans_are_the_same_with_and_without_reductions() {
    let (_dir, file) = Scratch::with("clusters.toml", &generate::fixed_charge(3, 8, 11));
    let solve = |when: &str| {
        Symbio::new()
            .arg("solve")
            .file_arg(&file)
            .args(["--format", "json", "--gap", "0", "--reduce", when])
            .run()
            .stdout_json()
    };
    let never = solve("never");
    for when in ["always", "auto"] {
        let other = solve(when);
        assert_eq!(other["status"], "optimal");
        let (a, b) = (
            other["objective"].as_f64().unwrap(),
            never["objective"].as_f64().unwrap(),
        );
        assert!(
            (a - b).abs() <= 1e-6 * b.abs().max(1.0),
            "--reduce {when}: {a} against {b}"
        );
    }
}

#[test]
fn a_part_too_large_for_its_time_is_searched_on_its_best_links() {
    // One cluster of 150 × 150 links, more than a 3 s search is given whole
    // after fixing (20,000): the search holds the links with the best bounds,
    // its plan is feasible for the part, and the bound is at most L(π).
    let (s, net) = scenario(&generate::fixed_charge(1, 150, 5));
    let options = SolveOptions {
        time_limit: Some(3.0),
        reduce: Reduce::Always,
        ..SolveOptions::default()
    };
    let (sol, what) = reduce::solve(&s, &net, &options, None, Default::default()).unwrap();
    let kept = what.after_fixing.unwrap();
    assert!(kept > 20_000, "only {kept} links left after fixing");
    assert_eq!(sol.status, Status::TimeLimit);
    let (objective, bound) = (sol.objective.unwrap(), sol.best_bound.unwrap());
    assert!(bound <= what.bound.unwrap());
    assert!(objective >= what.first_plan.unwrap());
    assert!(bound >= objective);
    crate::greedy::feasible(&s, &net, &sol.flows, &sol.built).unwrap();
}

/// What a plan of `net` is worth: its links' net benefit and the plants'
/// own terms at the throughputs its flows give.
fn worth(s: &Scenario, net: &Network, flows: &[f64], built: &[bool]) -> f64 {
    use symbio::network::plants::{reached, throughputs, PlantTerms};
    let p = &s.parameters;
    let links: f64 = net
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            l.margin_per_unit(p.carbon_price, p.energy_price) * flows[k]
                - if built[k] {
                    l.fixed_charge_per_year()
                } else {
                    0.0
                }
        })
        .sum();
    let throughputs = throughputs(s, &net.links, flows);
    let plants: f64 = reached(s, &net.links)
        .into_iter()
        .map(|q| {
            let t = throughputs[q.0];
            let mandatory = s.plants[q.0].is_mandatory();
            PlantTerms::of(s, q).own_net_benefit(t, mandatory, p.carbon_price, p.energy_price)
        })
        .sum();
    links + plants
}

/// The reductions' first plan alone (`reduce::first_plan`, the quick pass of a
/// decomposed solve): a feasible plan worth what it says and at most the
/// optimum, a bound at least the optimum, and the observer told of both.
fn check_first_plan(s: &Scenario, net: &Network) -> Result<(), TestCaseError> {
    let optimum = model::solve(s, net, &exact(Reduce::Never)).unwrap();
    let heard = std::sync::Mutex::new(Vec::new());
    let observe = |objective: Option<f64>, bound: Option<f64>| {
        heard.lock().unwrap().push((objective, bound));
    };
    let control = symbio::Control {
        stop: None,
        progress: Some(&observe),
    };
    let first = reduce::first_plan(s, net, &exact(Reduce::Always), control).unwrap();
    let Some(best) = optimum.objective else {
        prop_assert!(!first.status.has_plan(), "a plan of an infeasible network");
        return Ok(());
    };
    prop_assert_eq!(first.flows.len(), net.links.len());
    crate::greedy::feasible(s, net, &first.flows, &first.built).map_err(TestCaseError::fail)?;
    let worth = worth(s, net, &first.flows, &first.built);
    let tol = 1e-6 * best.abs().max(1.0);
    let got = first.objective.unwrap();
    prop_assert!(
        (got - worth).abs() <= tol,
        "says {} is worth {}",
        got,
        worth
    );
    prop_assert!(
        got <= best + tol,
        "first plan {} above the optimum {}",
        got,
        best
    );
    let bound = first.best_bound.unwrap();
    prop_assert!(
        bound >= best - tol,
        "bound {} below the optimum {}",
        bound,
        best
    );
    prop_assert!(bound >= got, "bound {} below the plan {}", bound, got);
    let heard = heard.into_inner().unwrap();
    if !net.links.is_empty() && !heard.is_empty() {
        let told = heard
            .iter()
            .filter_map(|&(o, _)| o)
            .fold(f64::MIN, f64::max);
        prop_assert!((told - got).abs() <= tol, "told {} returned {}", told, got);
        let lowest = heard
            .iter()
            .filter_map(|&(_, b)| b)
            .fold(f64::MAX, f64::min);
        prop_assert!(
            lowest >= best - tol,
            "told a bound {} below the optimum {}",
            lowest,
            best
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn first_plans_lie_under_the_optimum_and_their_bounds_over_it_on_clusters(m in 3usize..9, seed in 0u64..1000) {
        let (s, net) = scenario(&generate::fixed_charge(1, m, seed));
        check_first_plan(&s, &net)?;
    }

    #[test]
    fn first_plans_lie_under_the_optimum_and_their_bounds_over_it_on_districts(n in 1usize..3, seed in 0u64..1000) {
        let (s, net) = scenario(&generate::districts(n, seed));
        check_first_plan(&s, &net)?;
    }
}

/// A scenario of the plant oracle's instances, and its network.
fn plant_instance(inst: &crate::plant_oracle::Instance) -> (Scenario, Network) {
    let json = serde_json::to_string(&inst.scenario_file()).unwrap();
    let s = symbio::scenario::read_str(Path::new("plants.json"), &json).unwrap();
    let net = network::build(&s).unwrap();
    (s, net)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// With plants: the reduced optimum is the unreduced MILP's, `L(π)` (the
    /// plants' own subproblems in it) is the LP's optimum, column generation
    /// gives the LP over every link, and the first plan lies under the
    /// optimum with a bound over it.
    #[test]
    fn reductions_with_plants_match_the_unreduced_milp(inst in crate::plant_oracle::instance()) {
        let (s, net) = plant_instance(&inst);
        check_against_unreduced(&s, &net)?;
        let optimum = model::solve(&s, &net, &exact(Reduce::Never)).unwrap().objective;
        check_generated_relaxation(&s, &net, optimum)?;
        check_first_plan(&s, &net)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// The same on small regions (of few sites: the unreduced MILP at gap 0
    /// of a region with plants can take minutes in a debug build) with candidate plants of three technologies
    /// (slag grinding, tyre processing, a rail hub).
    #[test]
    fn reductions_with_plants_match_the_unreduced_milp_on_regions(n in 12usize..30, seed in 0u64..1000) {
        let catalog = crate::path("scenarios/catalog/default.toml").display().to_string();
        let (s, net) = scenario(&generate::region_with_plants(n, seed, &catalog));
        prop_assume!(symbio::network::plants::any_reached(&s, &net.links));
        check_against_unreduced(&s, &net)?;
        let optimum = model::solve(&s, &net, &exact(Reduce::Never)).unwrap().objective;
        check_generated_relaxation(&s, &net, optimum)?;
        check_first_plan(&s, &net)?;
    }
}
