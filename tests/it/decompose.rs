//! Decomposition: the independent parts of a network solved apart (and in
//! parallel) give the plan of the single MILP, and the brute-force oracle's optimum.

use symbio_testkit::generate;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use symbio::domain::Scenario;
use symbio::model::decompose;
use symbio::model::{self, FlowConstraint};
use symbio::network::{self, Network};
use symbio::scenario::schema::ScenarioFile;
use symbio::{Plan, SolveOptions, Status};

use crate::oracle::{instance, Instance};
use crate::{Scratch, Symbio};

/// Several instances as one scenario: each keeps its own materials, modes, rule
/// and sites (ids prefixed `c{k}_`), so they share no stream; the parameters of
/// the first apply to all (the returned instances carry them, for the oracle).
fn combine(instances: &[Instance]) -> (ScenarioFile, Vec<Instance>) {
    let first = &instances[0];
    let same: Vec<Instance> = instances
        .iter()
        .map(|i| Instance {
            carbon_price: first.carbon_price,
            energy_price: first.energy_price,
            discount_rate: first.discount_rate,
            circuity: first.circuity,
            ..i.clone()
        })
        .collect();
    let mut all = first.scenario_file();
    all.materials.clear();
    all.modes.clear();
    all.rules.clear();
    all.sites.clear();
    all.links.clear();
    for (k, inst) in same.iter().enumerate() {
        let p = |id: &str| format!("c{k}_{id}");
        let mut f = inst.scenario_file();
        for m in &mut f.materials {
            m.id = p(&m.id);
        }
        for m in &mut f.modes {
            m.id = p(&m.id);
        }
        for r in &mut f.rules {
            r.id = p(&r.id);
            r.from = p(&r.from);
            r.to = p(&r.to);
            r.modes = r.modes.iter().map(|m| p(m)).collect();
        }
        for s in &mut f.sites {
            s.id = p(&s.id);
            for o in &mut s.outputs {
                o.material = p(&o.material);
            }
            for i in &mut s.inputs {
                i.material = p(&i.material);
            }
        }
        for l in &mut f.links {
            l.from_site = p(&l.from_site);
            l.to_site = p(&l.to_site);
            l.mode = l.mode.as_deref().map(p);
        }
        all.materials.extend(f.materials);
        all.modes.extend(f.modes);
        all.rules.extend(f.rules);
        all.sites.extend(f.sites);
        all.links.extend(f.links);
    }
    (all, same)
}

fn scenario_of(file: &ScenarioFile) -> Scenario {
    let json = serde_json::to_string(file).unwrap();
    symbio::scenario::read_str(Path::new("combined.json"), &json).expect("valid scenario")
}

/// Whether two numbers agree to a relative 1e-6 (absolute below 1).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Compares two JSON values: same shape and strings, numbers within [`close`].
fn same_json(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if close(x, y) {
                Ok(())
            } else {
                Err(format!("{at}: {x} vs {y}"))
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(k, (x, y))| same_json(x, y, &format!("{at}[{k}]"))),
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            x.iter().try_for_each(|(k, v)| match y.get(k) {
                Some(w) => same_json(v, w, &format!("{at}.{k}")),
                None => Err(format!("{at}.{k} missing")),
            })
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{at}: {a} vs {b}")),
    }
}

fn same_plan(a: &Plan, b: &Plan) -> Result<(), String> {
    same_json(
        &serde_json::to_value(a).unwrap(),
        &serde_json::to_value(b).unwrap(),
        "plan",
    )
}

/// Checks that `parts` is the partition of the links into connected components
/// of the output–input graph: every link in exactly one part, links sharing an
/// output or an input in the same part, and each part connected.
fn check_parts(net: &Network, parts: &[Vec<usize>]) -> Result<(), String> {
    let mut part_of = vec![None; net.links.len()];
    for (p, links) in parts.iter().enumerate() {
        if links.is_empty() || links.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!("part {p} is empty or unsorted: {links:?}"));
        }
        for &k in links {
            if part_of[k].replace(p).is_some() {
                return Err(format!("link {k} is in two parts"));
            }
        }
    }
    if let Some(k) = part_of.iter().position(Option::is_none) {
        return Err(format!("link {k} is in no part"));
    }
    for a in 0..net.links.len() {
        for b in 0..a {
            let (la, lb) = (&net.links[a], &net.links[b]);
            if (la.output == lb.output || la.input == lb.input) && part_of[a] != part_of[b] {
                return Err(format!("links {b} and {a} share a stream but not a part"));
            }
        }
    }
    for (p, links) in parts.iter().enumerate() {
        // Grow from the first link through shared streams.
        let mut reached = BTreeSet::from([links[0]]);
        let mut frontier = vec![links[0]];
        while let Some(a) = frontier.pop() {
            for &b in links {
                let (la, lb) = (&net.links[a], &net.links[b]);
                if (la.output == lb.output || la.input == lb.input) && reached.insert(b) {
                    frontier.push(b);
                }
            }
        }
        if reached.len() != links.len() {
            return Err(format!("part {p} is not connected"));
        }
    }
    if parts.windows(2).any(|w| w[0][0] >= w[1][0]) {
        return Err("parts are not ordered by their first link".into());
    }
    Ok(())
}

fn exact() -> SolveOptions {
    SolveOptions {
        gap: 0.0,
        ..SolveOptions::default()
    }
}

/// `exact()` as one MILP.
fn monolithic() -> SolveOptions {
    SolveOptions {
        decompose: false,
        ..exact()
    }
}

#[test]
fn the_hand_scenario_has_a_slag_part_and_a_steam_part() {
    // Links in (output, input, mode) order: slag → cement A, slag → cement B
    // (cement C is beyond the truck's range), steam → chem, steam → town.
    let s = symbio::scenario::read(&crate::path("tests/data/hand.toml")).unwrap();
    let net = network::build(&s).unwrap();
    assert_eq!(net.links.len(), 4);
    assert_eq!(net.independent_parts(), vec![vec![0, 1], vec![2, 3]]);
    assert_eq!(decompose::parts(&net, &[]), vec![vec![0, 1], vec![2, 3]]);
    // A constraint on a slag link and a steam link joins the two parts.
    let c = FlowConstraint {
        coefficients: vec![(1, 1.0), (3, 1.0)],
        at_least: 0.0,
    };
    assert_eq!(decompose::parts(&net, &[c]), vec![vec![0, 1, 2, 3]]);
}

#[test]
fn generated_districts_split_into_two_parts_each() {
    for n in [1, 4, 9] {
        let text = generate::districts(n, 7);
        let s = symbio::scenario::read_str(Path::new("districts.toml"), &text).unwrap();
        let net = network::build(&s).unwrap();
        let parts = net.independent_parts();
        check_parts(&net, &parts).unwrap();
        assert_eq!(parts.len(), 2 * n, "{n} districts");
        // No part reaches across districts.
        for links in &parts {
            let districts: BTreeSet<&str> = links
                .iter()
                .map(|&k| {
                    let site = s.outputs[net.links[k].output.0].site;
                    s.sites[site.0].id.rsplit('_').next().unwrap()
                })
                .collect();
            assert_eq!(districts.len(), 1);
        }
    }
}

#[test]
fn cli_plans_are_the_same_with_or_without_decomposition() {
    let (_dir, file) = Scratch::with("districts.toml", &generate::districts(6, 3));
    let solve = || {
        Symbio::new()
            .arg("solve")
            .file_arg(&file)
            .args(["--format", "json", "--gap", "0"])
    };
    let split = solve().run();
    for extra in [
        &["--threads", "2"][..],
        &["--no-decompose"],
        &["--no-decompose", "--threads", "2"],
    ] {
        let other = solve().args(extra).run();
        let (a, b): (Plan, Plan) = (
            serde_json::from_str(&split.stdout).unwrap(),
            serde_json::from_str(&other.stdout).unwrap(),
        );
        same_plan(&a, &b).unwrap_or_else(|e| panic!("{extra:?}: {e}"));
        if extra == ["--threads", "2"] {
            assert_eq!(
                split.stdout, other.stdout,
                "decomposed output depends on threads"
            );
        }
    }
    let plan: Plan = serde_json::from_str(&split.stdout).unwrap();
    assert_eq!(plan.status, Status::Optimal);
    assert!(!plan.links.is_empty());
}

/// One MILP of over a thousand links on two HiGHS threads: its reductions solve
/// LPs on one HiGHS thread before, which HiGHS's scheduler of the OS thread must
/// not hold against the MILP's two.
#[test]
fn one_reduced_milp_solves_on_two_highs_threads() {
    let catalog = crate::path("scenarios/catalog/default.toml");
    let text = generate::region(120, 3, &catalog.display().to_string());
    let s = symbio::scenario::read_str(Path::new("region.toml"), &text).unwrap();
    let links = network::build(&s).unwrap().links.len();
    assert!(links >= model::REDUCE_FROM_LINKS, "{links} links");
    let (_dir, file) = Scratch::with("region.toml", &text);
    let plan = |threads: &str| -> Plan {
        let out = Symbio::new()
            .arg("solve")
            .file_arg(&file)
            .args(["--no-decompose", "--threads", threads, "--gap", "0.001"])
            .args(["--format", "json"])
            .run();
        serde_json::from_str(&out.stdout).unwrap()
    };
    let (one, two) = (plan("1"), plan("2"));
    assert_eq!(two.status, Status::Optimal);
    // Both within 0.1 % of the optimum.
    let (a, b) = (one.objective.unwrap(), two.objective.unwrap());
    assert!((a - b).abs() <= 2e-3 * a.abs(), "{a} against {b}");
}

#[test]
fn a_part_without_plan_leaves_the_whole_without_plan() {
    // District 0 is fine; district 1 has an existing link that must carry more
    // slag than its steelworks makes: infeasible, so the whole is.
    let mut text = generate::districts(2, 5);
    text.push_str(
        "\n[[links]]\nfrom_site = \"steel_1\"\nfrom_output = \"slag\"\nto_site = \"cement1_1\"\n\
         to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = 5000000.0\n",
    );
    let s = symbio::scenario::read_str(Path::new("d.toml"), &text).unwrap();
    for plan in [
        symbio::solve(&s, &exact()).unwrap(),
        symbio::solve(&s, &monolithic()).unwrap(),
    ] {
        assert_eq!(plan.status, Status::Infeasible);
        assert!(plan.links.is_empty());
        assert_eq!(plan.objective, None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn decomposed_equals_monolithic_on_oracle_instances(inst in instance()) {
        let json = serde_json::to_string(&inst.scenario_file()).unwrap();
        let s = symbio::scenario::read_str(Path::new("oracle.json"), &json).unwrap();
        let net = network::build(&s).unwrap();
        prop_assert!(check_parts(&net, &net.independent_parts()).is_ok());
        let split = symbio::solve(&s, &exact()).unwrap();
        let whole = symbio::solve(&s, &monolithic()).unwrap();
        let r = same_plan(&split, &whole);
        prop_assert!(r.is_ok(), "{:?}", r);
    }

    #[test]
    fn decomposed_equals_monolithic_and_the_oracle_on_several_parts(
        insts in proptest::collection::vec(instance(), 2..=4)
    ) {
        let (file, same) = combine(&insts);
        let s = scenario_of(&file);
        let net = network::build(&s).unwrap();
        let parts = net.independent_parts();
        prop_assert!(check_parts(&net, &parts).is_ok(), "{:?}", check_parts(&net, &parts));
        // Each instance has its own streams: at least one part per instance with links.
        let outputs_per_instance = insts.iter().map(|i| i.outputs.len()).collect::<Vec<_>>();
        let mut instance_of_output = HashMap::new();
        let mut o = 0;
        for (k, n) in outputs_per_instance.iter().enumerate() {
            for _ in 0..*n {
                instance_of_output.insert(o, k);
                o += 1;
            }
        }
        for links in &parts {
            let owners: BTreeSet<usize> = links
                .iter()
                .map(|&k| instance_of_output[&net.links[k].output.0])
                .collect();
            prop_assert_eq!(owners.len(), 1);
        }

        let split = symbio::solve(&s, &exact()).unwrap();
        let whole = symbio::solve(&s, &monolithic()).unwrap();
        let r = same_plan(&split, &whole);
        prop_assert!(r.is_ok(), "{:?}", r);
        let two = symbio::solve(&s, &SolveOptions { threads: 2, ..exact() }).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&two).unwrap(),
            serde_json::to_string(&split).unwrap()
        );

        // The oracle: the optimum of the whole is the sum of the instances' optima.
        let best: Option<f64> = same.iter().map(Instance::oracle).sum();
        match best {
            None => prop_assert_eq!(split.status, Status::Infeasible),
            Some(best) => {
                prop_assert_eq!(split.status, Status::Optimal);
                let got = split.objective.unwrap();
                prop_assert!((got - best).abs() <= 1e-6 * best.abs().max(1.0), "{} vs {}", got, best);
            }
        }
    }

    #[test]
    fn coupling_constraints_are_solved_together(
        insts in proptest::collection::vec(instance(), 2..=3),
        share in 0.0..1.0f64,
    ) {
        let (file, _) = combine(&insts);
        let s = scenario_of(&file);
        let net = network::build(&s).unwrap();
        let parts = net.independent_parts();
        prop_assume!(parts.len() >= 2);
        // The first and the last part must together carry a share of what they
        // could carry at most: a constraint across parts.
        let (a, b) = (&parts[0], &parts[parts.len() - 1]);
        let coefficients: Vec<(usize, f64)> = a.iter().chain(b).map(|&k| (k, 1.0)).collect();
        let most: f64 = a.iter().chain(b).map(|&k| net.links[k].upper_bound).sum();
        let extra = [FlowConstraint { coefficients, at_least: share * most }];
        let joined = decompose::parts(&net, &extra);
        prop_assert_eq!(joined.len(), parts.len() - 1);
        let split = model::solve_with(&s, &net, &SolveOptions { threads: 2, ..exact() }, &extra).unwrap();
        let whole = model::solve_with(&s, &net, &monolithic(), &extra).unwrap();
        prop_assert_eq!(split.status, whole.status);
        if let (Some(x), Some(y)) = (split.objective, whole.objective) {
            prop_assert!(close(x, y), "{} vs {}", x, y);
            let carried: f64 = extra[0].coefficients.iter().map(|&(k, c)| c * split.flows[k]).sum();
            prop_assert!(carried >= share * most - 1e-6 * most.max(1.0));
        }
    }
}

#[test]
fn the_most_co2_avoided_is_the_same_part_by_part_and_as_one_milp() {
    let text = generate::districts(4, 2);
    let s = symbio::scenario::read_str(Path::new("d.toml"), &text).unwrap();
    let net = network::build(&s).unwrap();
    assert!(net.independent_parts().len() >= 2);
    let split = model::solve_max_co2(&s, &net, &exact(), &[]).unwrap();
    let whole = model::solve_max_co2(&s, &net, &monolithic(), &[]).unwrap();
    assert_eq!(split.status, Status::Optimal);
    assert_eq!(whole.status, Status::Optimal);
    let (a, b) = (split.objective.unwrap(), whole.objective.unwrap());
    assert!(a > 0.0 && close(a, b), "{a} vs {b}");
    // The plan's CO2 is its objective.
    let co2: f64 = net
        .links
        .iter()
        .zip(&split.flows)
        .map(|(l, x)| l.co2_avoided_per_unit() * x)
        .sum();
    assert!(close(co2, a), "{co2} vs {a}");
}

/// Without a time limit and with a gap above 0 the parts are searched in
/// rounds of branch-and-bound nodes until the whole is within the gap: the
/// solve ends `optimal`, its plan within the gap of a bound at least the
/// optimum's, and the plan is the same on one thread and on two (work, not
/// time, ends each search).
#[test]
fn a_solve_without_a_time_limit_ends_when_the_whole_is_within_the_gap() {
    let catalog = crate::path("scenarios/catalog/default.toml");
    let text = generate::region(60, 4, &catalog.display().to_string());
    let s = symbio::scenario::read_str(Path::new("r.toml"), &text).unwrap();
    let gap = 0.01;
    let options = SolveOptions {
        gap,
        ..SolveOptions::default()
    };
    let one = symbio::solve(
        &s,
        &SolveOptions {
            threads: 1,
            ..options
        },
    )
    .unwrap();
    assert_eq!(one.status, Status::Optimal);
    let (objective, bound) = (one.objective.unwrap(), one.best_bound.unwrap());
    assert!(bound >= objective && bound - objective <= gap * objective.abs() * (1.0 + 1e-9));
    let optimum = symbio::solve(&s, &exact()).unwrap().objective.unwrap();
    let tol = 1e-6 * optimum.abs();
    assert!(objective <= optimum + tol && bound >= optimum - tol);
    let two = symbio::solve(
        &s,
        &SolveOptions {
            threads: 2,
            ..options
        },
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&two).unwrap(),
        serde_json::to_string(&one).unwrap()
    );
}
