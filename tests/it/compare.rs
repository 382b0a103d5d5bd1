//! `symbio compare`: baseline against optimized, transfer prices, Shapley values and
//! individually rational plans.
//!
//! # The three-firm case (tests/data/compare-three.toml), solved by hand
//!
//! A steelworks S offers 100 t of slag (disposal 10 EUR/t). Cement A, 10 km away,
//! buys 60 t of clinker at 50 EUR/t; cement B, 20 km away, 100 t at 50 EUR/t. Truck:
//! 0.5 EUR/t/km and 400 EUR/yr per link; no carbon price, no capex; the receiver
//! pays transport (the default). S → A exists today at 60 t.
//!
//! Margins per tonne: S → A 10 + 50 − 5 = 55, S → B 10 + 50 − 10 = 50.
//!
//! - **Baseline** (S → A at 60 t): 60·55 − 400 = **2,900**.
//! - **Brownfield** (S → A kept at 60 t): the other 40 t go to B, 40·50 − 400 = 1,600 > 0:
//!   **4,500**, S → B added.
//! - **Greenfield** (S → A may go): A alone 2,900; B alone 100·50 − 400 = **4,600**;
//!   both 60·55 + 40·50 − 800 = 4,500. B alone wins: S's slag is re-routed from A to B.
//!
//! **Transfer prices, equal split** (brownfield). S → A: the supplier alone gains
//! 60·10 = 600, the receiver 60·(50 − 5) − 400 = 2,300; surplus 2,900, half is 1,450,
//! so A pays S 1,450 − 600 = **850**/yr = **14.1667 EUR/t**. S → B: 400 and
//! 40·40 − 400 = 1,200; surplus 1,600, half 800; B pays 800 − 400 = **400** = **10 EUR/t**.
//! Gains: S 1,450 + 800 = 2,250, A 1,450, B 800. With supplier=0.3: S → A S gets 870,
//! transfer 270 = 4.5 EUR/t, A 2,030; S → B S gets 480, transfer 80 = 2 EUR/t, B 1,120;
//! S 1,350. Baseline gains (same split of the baseline's S → A): S 1,450, A 1,450, B 0.
//! Greenfield, equal split: S → B 100 t, surplus 4,600, S alone 1,000, B alone
//! 100·40 − 400 = 3,600; transfer 2,300 − 1,000 = 1,300 = 13 EUR/t; A gains 0 < 1,450:
//! below its baseline.
//!
//! **Shapley, brownfield game** (existing S → A mandatory whenever S and A are in):
//! v(S) = v(A) = v(B) = v(AB) = 0, v(SA) = 2,900, v(SB) = 4,600, v(SAB) = 4,500.
//! φ_S = v(SA)/6 + v(SB)/6 + v(SAB)/3 = 483.33 + 766.67 + 1,500 = **2,750**;
//! φ_A = v(SA)/6 + (v(SAB) − v(SB))/3 = 483.33 − 33.33 = **450**;
//! φ_B = v(SB)/6 + (v(SAB) − v(SA))/3 = 766.67 + 533.33 = **1,300**; sum 4,500.
//! **Greenfield game**: v(SAB) = 4,600, otherwise the same:
//! φ_S = 483.33 + 766.67 + 1,533.33 = **2,783.33**, φ_A = 483.33 + 0 = **483.33**,
//! φ_B = 766.67 + (4,600 − 2,900)/3 = **1,333.33**; sum 4,600.
//!
//! **Individually rational** (every firm ≥ its baseline gain, transfers on built links).
//! Brownfield: the equal split already satisfies it: cost **0**. Greenfield: with B alone
//! A gets nothing and has no built link to be paid through, so S → A must stay built;
//! the best plan with it is 60/40 = 4,500, where the equal-split transfers (850, 400)
//! give S 2,250 ≥ 1,450, A 1,450 ≥ 1,450, B 800 ≥ 0: cost 4,600 − 4,500 = **100**.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use symbio::analysis::allocation::{self, ShapleyOptions};
use symbio::analysis::compare::{self, CompareOptions, Comparison, Variant};
use symbio::domain::LinkStatus;
use symbio::domain::{LinkStatus as FileStatus, Payer};
use symbio::{SolveOptions, Status};

use crate::oracle::{instance, Instance};
use crate::{assert_close, Scratch, Symbio};

fn json(args: &[&str]) -> Value {
    Symbio::new().args(args).run().stdout_json()
}

fn num(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

fn variant<'a>(c: &'a Value, name: &str) -> &'a Value {
    c["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["variant"] == name)
        .unwrap_or_else(|| panic!("no variant {name}"))
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

fn link_to<'a>(list: &'a Value, to_site: &str) -> &'a Value {
    find(list, "to_site", to_site)
}

const THREE: &str = "tests/data/compare-three.toml";

#[test]
fn three_firms_by_hand() {
    let c = json(&[
        "compare",
        THREE,
        "--all",
        "--allocation",
        "shapley",
        "--individually-rational",
        "--format",
        "json",
        "--gap",
        "0",
    ]);
    assert_close(num(&c["baseline"]["net_benefit"]), 2900.0, 1e-9);
    assert_eq!(c["baseline"]["links"][0]["recorded"], true);
    assert_eq!(
        c["baseline"]["optimised_flows"].as_array().unwrap().len(),
        0
    );

    let b = variant(&c, "brownfield");
    assert_close(num(&b["net_benefit"]), 4500.0, 1e-9);
    assert_close(num(&b["totals"]["change"]["net_benefit"]), 1600.0, 1e-9);
    assert_close(
        num(&b["totals"]["change"]["waste_diverted"]["t"]),
        40.0,
        1e-9,
    );
    assert_eq!(b["kept"].as_array().unwrap().len(), 1);
    assert_close(
        num(&link_to(&b["kept"], "cement_a")["flow_after"]),
        60.0,
        1e-9,
    );
    assert_eq!(b["added"].as_array().unwrap().len(), 1);
    let added = link_to(&b["added"], "cement_b");
    assert_close(num(&added["flow_after"]), 40.0, 1e-9);
    assert_close(num(&added["net_benefit_after"]), 1600.0, 1e-9);
    assert!(b["dropped"].as_array().unwrap().is_empty());
    assert!(b["rerouted"].as_array().unwrap().is_empty());

    let g = &b["gains"];
    let sa = link_to(&g["links"], "cement_a");
    assert_close(num(&sa["surplus"]), 2900.0, 1e-9);
    assert_close(num(&sa["supplier_before_transfer"]), 600.0, 1e-9);
    assert_close(num(&sa["receiver_before_transfer"]), 2300.0, 1e-9);
    assert_close(num(&sa["transfer"]), 850.0, 1e-9);
    assert_close(num(&sa["transfer_per_unit"]), 850.0 / 60.0, 1e-8);
    let sb = link_to(&g["links"], "cement_b");
    assert_close(num(&sb["transfer"]), 400.0, 1e-9);
    assert_close(num(&sb["transfer_per_unit"]), 10.0, 1e-9);
    for (site, gain, base) in [
        ("steel", 2250.0, 1450.0),
        ("cement_a", 1450.0, 1450.0),
        ("cement_b", 800.0, 0.0),
    ] {
        let s = find(&g["sites"], "site", site);
        assert_close(num(&s["gain"]), gain, 1e-9);
        assert_close(num(&s["baseline_gain"]), base, 1e-9);
    }
    assert!(g["negative"].as_array().unwrap().is_empty());
    assert!(g["below_baseline"].as_array().unwrap().is_empty());

    let sh = &b["shapley"];
    for (site, v) in [("steel", 2750.0), ("cement_a", 450.0), ("cement_b", 1300.0)] {
        let s = find(&sh["sites"], "site", site);
        assert_close(num(&s["value"]), v, 1e-8);
        assert!(s["ci95_low"].is_null(), "exact values have no interval");
    }
    assert_eq!(sh["clusters"][0]["method"], "exact");
    assert_close(num(&sh["total"]), 4500.0, 1e-9);

    let ir = &b["individually_rational"];
    assert_close(num(&ir["net_benefit"]), 4500.0, 1e-9);
    assert_close(num(&ir["cost"]), 0.0, 1e-9);

    let gf = variant(&c, "greenfield");
    assert_close(num(&gf["net_benefit"]), 4600.0, 1e-9);
    assert!(gf["kept"].as_array().unwrap().is_empty());
    assert!(gf["added"].as_array().unwrap().is_empty());
    assert!(gf["dropped"].as_array().unwrap().is_empty());
    let r = &gf["rerouted"][0];
    assert_eq!(r["from_site"], "steel");
    assert_eq!(r["before"][0]["to_site"], "cement_a");
    assert_eq!(r["after"][0]["to_site"], "cement_b");
    assert_close(num(&r["after"][0]["flow_after"]), 100.0, 1e-9);
    let only = link_to(&gf["gains"]["links"], "cement_b");
    assert_close(num(&only["transfer"]), 1300.0, 1e-9);
    assert_close(num(&only["transfer_per_unit"]), 13.0, 1e-9);
    assert_eq!(
        gf["gains"]["below_baseline"],
        serde_json::json!(["cement_a"])
    );
    let a = find(&gf["sites"], "site", "cement_a");
    assert_close(num(&a["change"]["net_benefit"]), -2300.0, 1e-9);
    assert_close(num(&a["change"]["virgin_displaced"]["t"]), -60.0, 1e-9);
    for (site, v) in [
        ("steel", 2750.0 + 100.0 / 3.0),
        ("cement_a", 2900.0 / 6.0),
        ("cement_b", 4000.0 / 3.0),
    ] {
        assert_close(
            num(&find(&gf["shapley"]["sites"], "site", site)["value"]),
            v,
            1e-8,
        );
    }
    let ir = &gf["individually_rational"];
    assert_close(num(&ir["net_benefit"]), 4500.0, 1e-9);
    assert_close(num(&ir["unconstrained"]), 4600.0, 1e-9);
    assert_close(num(&ir["cost"]), 100.0, 1e-9);
    assert_close(
        num(&link_to(&ir["links"], "cement_a")["transfer"]),
        850.0,
        1e-8,
    );
    assert_close(
        num(&link_to(&ir["links"], "cement_b")["transfer"]),
        400.0,
        1e-8,
    );
    assert_close(
        num(&find(&ir["sites"], "site", "cement_a")["gain"]),
        1450.0,
        1e-8,
    );
}

#[test]
fn the_split_sets_the_transfer_prices() {
    for split in ["supplier=0.3", "receiver=0.7"] {
        let c = json(&["compare", THREE, "--split", split, "--format", "json"]);
        assert_close(num(&c["supplier_share"]), 0.3, 1e-12);
        let g = &variant(&c, "brownfield")["gains"];
        let sa = link_to(&g["links"], "cement_a");
        assert_close(num(&sa["transfer"]), 270.0, 1e-9);
        assert_close(num(&sa["transfer_per_unit"]), 4.5, 1e-9);
        assert_close(num(&sa["supplier_gain"]), 870.0, 1e-9);
        let sb = link_to(&g["links"], "cement_b");
        assert_close(num(&sb["transfer_per_unit"]), 2.0, 1e-9);
        for (site, gain) in [
            ("steel", 1350.0),
            ("cement_a", 2030.0),
            ("cement_b", 1120.0),
        ] {
            assert_close(num(&find(&g["sites"], "site", site)["gain"]), gain, 1e-9);
        }
    }
    Symbio::new()
        .args(["compare", THREE, "--split", "supplier=2"])
        .expect_code(2)
        .run()
        .stderr_contains("--split");
}

#[test]
fn firms_that_would_lose_are_flagged() {
    // One existing link that loses money: 10 t × 55 EUR/t − 1,000 EUR/yr = −450 EUR/yr,
    // −225 for each firm under the equal split.
    let text = crate::read(THREE)
        .replace(
            "fixed_cost_per_year = 400.0",
            "fixed_cost_per_year = 1000.0",
        )
        .replace("quantity = 60.0\n", "quantity = 10.0\n");
    let (_dir, file) = Scratch::with("losing.toml", &text);
    let c = json(&["compare", file.to_str().unwrap(), "--format", "json"]);
    assert_close(num(&c["baseline"]["net_benefit"]), -450.0, 1e-9);
    let g = &variant(&c, "brownfield")["gains"];
    let sa = link_to(&g["links"], "cement_a");
    assert_close(num(&sa["supplier_gain"]), -225.0, 1e-9);
    assert_close(num(&sa["receiver_gain"]), -225.0, 1e-9);
    let neg: Vec<&str> = g["negative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(neg.contains(&"cement_a"), "{neg:?}");
    Symbio::new()
        .arg("compare")
        .file_arg(&file)
        .run()
        .stdout_contains("NEGATIVE");
}

#[test]
fn json_round_trips_through_the_comparison_type() {
    let run = Symbio::new()
        .args(["compare", THREE, "--all", "--allocation", "shapley"])
        .args(["--individually-rational", "--format", "json"])
        .run();
    let c: Comparison = serde_json::from_str(&run.stdout).expect("the JSON is a Comparison");
    assert_eq!(serde_json::to_string_pretty(&c).unwrap() + "\n", run.stdout);
    // Every top-level and per-variant field that docs/compare.md documents.
    let v = run.stdout_json();
    let doc = crate::read("docs/compare.md");
    for key in v.as_object().unwrap().keys() {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/compare.md lacks {key}"
        );
    }
    for key in v["variants"][0].as_object().unwrap().keys() {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/compare.md lacks {key}"
        );
    }
}

#[test]
fn table_names_every_change() {
    let run = Symbio::new().args(["compare", THREE, "--all"]).run();
    for word in [
        "Baseline",
        "Brownfield",
        "Greenfield",
        "added",
        "kept",
        "re-routed",
    ] {
        run.stdout_contains(word);
    }
    run.stdout_contains("14.17/t");
}

#[test]
fn liuzhou_keeps_its_existing_steel_cement_links() {
    let s = symbio::scenario::read(&crate::path("scenarios/liuzhou.toml")).unwrap();
    let existing: Vec<(String, String, String)> = s
        .links
        .iter()
        .filter(|f| f.status == LinkStatus::Existing)
        .map(|f| {
            let o = &s.outputs[f.output.0];
            let i = &s.inputs[f.input.0];
            (
                s.sites[o.site.0].id.clone(),
                o.id.clone(),
                s.sites[i.site.0].id.clone(),
            )
        })
        .collect();
    assert!(
        existing
            .iter()
            .any(|(from, _, to)| from == "liugang" && to.starts_with("cement")),
        "the scenario marks a steel-cement link existing"
    );
    let c = json(&["compare", "scenarios/liuzhou.toml", "--format", "json"]);
    let b = variant(&c, "brownfield");
    for (from, output, to) in &existing {
        assert!(
            b["kept"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["from_site"] == from.as_str()
                    && l["from_output"] == output.as_str()
                    && l["to_site"] == to.as_str()),
            "{from}/{output} -> {to} is not kept"
        );
    }
    // Brownfield keeps every existing link: nothing is dropped or re-routed.
    assert!(b["dropped"].as_array().unwrap().is_empty());
    assert!(b["rerouted"].as_array().unwrap().is_empty());

    let table = Symbio::new()
        .args(["compare", "scenarios/liuzhou.toml"])
        .run();
    for (from, output, to) in &existing {
        let line = table
            .stdout
            .lines()
            .find(|l| {
                l.trim_start().starts_with("kept") && l.contains(&format!("{from}/{output}->{to}/"))
            })
            .unwrap_or_else(|| panic!("no kept line for {from}/{output} -> {to}"));
        assert!(line.contains("kept"));
    }
}

#[test]
fn identical_firms_get_the_same_value_and_the_null_player_nothing() {
    // Slag for one cement plant only (100 t, each plant takes 100 t): v = 100·55 − 400
    // = 5,100 for {steel, A}, {steel, B} and both; the depot's link (5 t·55 − 400 < 0)
    // never pays; the bystander is in no link. Glove game: φ = (2/3, 1/6, 1/6)·5,100.
    let c = json(&[
        "compare",
        "tests/data/compare-symmetric.toml",
        "--allocation",
        "shapley",
        "--format",
        "json",
    ]);
    let sh = &variant(&c, "brownfield")["shapley"];
    let value = |site: &str| num(&find(&sh["sites"], "site", site)["value"]);
    assert_close(value("steel"), 3400.0, 1e-9);
    assert_close(value("cement_a"), 850.0, 1e-9);
    assert_close(value("cement_b"), 850.0, 1e-9);
    assert_eq!(value("cement_a"), value("cement_b"));
    assert_eq!(value("depot"), 0.0);
    assert_eq!(value("bystander"), 0.0);
    assert!(find(&sh["sites"], "site", "bystander")["cluster"].is_null());
    let total: f64 = sh["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| num(&s["value"]))
        .sum();
    assert_close(total, 5100.0, 1e-9);
    assert_close(num(&sh["clusters"][0]["value"]), 5100.0, 1e-9);
}

/// The baseline is the brownfield optimum, so the rational plan is the baseline plan
/// itself, every firm at exactly its baseline gain. HiGHS's presolve calls that MILP
/// infeasible; the adapter checks it again without presolve.
#[test]
fn a_rational_plan_with_every_bound_tight_is_found() {
    let c = json(&[
        "compare",
        "tests/data/rational-tight.toml",
        "--individually-rational",
        "--gap",
        "0",
        "--format",
        "json",
    ]);
    let b = variant(&c, "brownfield");
    let base = num(&c["baseline"]["net_benefit"]);
    assert_close(num(&b["net_benefit"]), base, 1e-9);
    let ir = &b["individually_rational"];
    assert_eq!(ir["status"], "optimal");
    assert_close(num(&ir["net_benefit"]), base, 1e-9);
    assert_eq!(ir["links"].as_array().unwrap().len(), 2);
    for s in ir["sites"].as_array().unwrap() {
        let (gain, least) = (num(&s["gain"]), num(&s["baseline_gain"]));
        assert!(gain >= least - 1e-6 * least.abs().max(1.0), "{s}");
    }
}

#[test]
fn monte_carlo_shapley_is_close_to_exact_and_deterministic() {
    let exact = json(&[
        "compare",
        THREE,
        "--allocation",
        "shapley",
        "--format",
        "json",
        "--gap",
        "0",
    ]);
    let sampled = |threads: &str| {
        Symbio::new()
            .args(["compare", THREE, "--allocation", "shapley"])
            .args(["--exact-limit", "0", "--samples", "2000", "--seed", "11"])
            .args(["--threads", threads, "--gap", "0", "--format", "json"])
            .run()
            .stdout
    };
    let one = sampled("1");
    assert_eq!(
        one,
        sampled("2"),
        "same seed, same output whatever --threads"
    );
    let c: Value = serde_json::from_str(&one).unwrap();
    let sh = &variant(&c, "brownfield")["shapley"];
    assert_eq!(sh["clusters"][0]["method"], "monte_carlo");
    assert_eq!(sh["clusters"][0]["samples"], 2000);
    let ex = &variant(&exact, "brownfield")["shapley"]["sites"];
    for s in sh["sites"].as_array().unwrap() {
        let truth = num(&find(ex, "site", s["site"].as_str().unwrap())["value"]);
        let (value, se) = (num(&s["value"]), num(&s["std_error"]));
        assert!(se > 0.0);
        // The stated interval is the estimate ± z95 standard errors.
        assert_close(num(&s["ci95_low"]), value - allocation::Z95 * se, 1e-6);
        assert_close(num(&s["ci95_high"]), value + allocation::Z95 * se, 1e-6);
        // One seed is one draw: its 95 % interval misses the exact value one time in
        // twenty (the coverage over many seeds is `monte_carlo_intervals_are_calibrated`),
        // 4 standard errors about one time in 16 000.
        assert!(
            (value - truth).abs() <= 4.0 * se,
            "{}: exact {truth} more than 4 standard errors ({se}) from the estimate {value}",
            s["site"]
        );
    }
    // Each permutation's marginal contributions add up to v(N), so the estimates do too.
    let total: f64 = sh["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| num(&s["value"]))
        .sum();
    assert_close(total, 4500.0, 1e-9);
}

/// The stated 95 % intervals cover the exact values about 95 % of the time.
#[test]
fn monte_carlo_intervals_are_calibrated() {
    let s = symbio::scenario::read(&crate::path(THREE)).unwrap();
    let net = symbio::network::build(&s).unwrap();
    let exact = [2750.0, 450.0, 1300.0];
    let mut covered = 0;
    let seeds = 40;
    for seed in 0..seeds {
        let sh = allocation::shapley(
            &s,
            &net,
            &ShapleyOptions {
                exact_limit: 0,
                samples: 400,
                seed,
                ..ShapleyOptions::default()
            },
        )
        .unwrap();
        for (site, truth) in sh.sites.iter().zip(exact) {
            let (lo, hi) = (site.ci95_low.unwrap(), site.ci95_high.unwrap());
            covered += usize::from(lo <= truth && truth <= hi);
        }
    }
    // 120 intervals: with true coverage 0.95 the count is ≥ 104 with probability > 0.999.
    assert!(
        covered >= 104,
        "{covered} of 120 intervals cover the exact value"
    );
}

fn scenario(inst: &Instance, payers: (usize, usize)) -> symbio::domain::Scenario {
    let mut file = inst.scenario_file();
    let payer = |k: usize| [Payer::Receiver, Payer::Supplier, Payer::Shared][k % 3];
    file.parameters.transport_paid_by = Some(payer(payers.0));
    file.parameters.processing_paid_by = Some(payer(payers.1));
    // A forced link may lose money, which can put the optimum below the baseline;
    // the comparison's guarantees are for plans that only choose, so force nothing.
    file.links.retain(|l| l.status != FileStatus::Forced);
    let json = serde_json::to_string(&file).unwrap();
    symbio::scenario::read_str(Path::new("oracle.json"), &json).expect("valid")
}

fn exact() -> SolveOptions {
    SolveOptions {
        gap: 0.0,
        ..SolveOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// The brownfield optimum is never below the baseline, the greenfield optimum never
    /// below the brownfield one; figures add up; individually rational plans are.
    #[test]
    fn optima_never_fall_below_the_baseline(inst in instance(), payers in (0..3usize, 0..3usize)) {
        let s = scenario(&inst, payers);
        let c = compare::compare(&s, &CompareOptions {
            solve: exact(),
            variants: vec![Variant::Brownfield, Variant::Greenfield],
            shapley: Some(ShapleyOptions { solve: exact(), ..ShapleyOptions::default() }),
            individually_rational: true,
            ..CompareOptions::default()
        }).unwrap();
        let (bf, gf) = (&c.variants[0], &c.variants[1]);
        if c.baseline.status == Status::Infeasible {
            // Recorded flows that do not fit: the brownfield plan keeps them, so it cannot fit either.
            prop_assert_eq!(bf.status, Status::Infeasible);
            prop_assert_eq!(gf.status, Status::Optimal);
            return Ok(());
        }
        prop_assert_eq!(c.baseline.status, Status::Optimal);
        prop_assert_eq!(bf.status, Status::Optimal);
        prop_assert_eq!(gf.status, Status::Optimal);
        let base = c.baseline.net_benefit.unwrap();
        let (b, g) = (bf.net_benefit.unwrap(), gf.net_benefit.unwrap());
        let tol = |x: f64| 1e-6 * x.abs().max(1.0);
        prop_assert!(b >= base - tol(base), "brownfield {} < baseline {}", b, base);
        prop_assert!(g >= b - tol(b), "greenfield {} < brownfield {}", g, b);

        for v in &c.variants {
            let total = v.net_benefit.unwrap();
            // Per-site figures add up to the district's.
            let sites: f64 = v.sites.iter().map(|s| s.change.optimized.net_benefit).sum();
            // Each figure is rounded to nine significant digits: the sum is as
            // exact as its largest terms.
            let scale: f64 = v.sites.iter().map(|s| s.change.optimized.net_benefit.abs()).sum();
            prop_assert!((sites - total).abs() <= tol(scale.max(total)), "sites {} total {}", sites, total);
            let co2: f64 = v.sites.iter().map(|s| s.change.optimized.co2_avoided).sum();
            let co2_total = v.totals.optimized.co2_avoided;
            prop_assert!((co2 - co2_total).abs() <= tol(co2_total));
            // Each link's surplus is split, never created.
            let g = v.gains.as_ref().unwrap();
            let gains: f64 = g.sites.iter().map(|s| s.gain).sum();
            prop_assert!((gains - total).abs() <= tol(total), "gains {} total {}", gains, total);
            for l in &g.links {
                let sum = l.supplier_gain + l.receiver_gain;
                prop_assert!((sum - l.surplus).abs() <= tol(l.surplus));
                let own = l.supplier_before_transfer + l.transfer;
                // (each figure is rounded to nine significant digits on its own)
                let scale = l.supplier_before_transfer.abs().max(l.transfer.abs());
                prop_assert!((own - l.supplier_gain).abs() <= tol(scale), "{:?}", l);
            }
            // Shapley: efficient, and sites in no link get nothing.
            let sh = v.shapley.as_ref().unwrap();
            let phi: f64 = sh.sites.iter().map(|s| s.value).sum();
            prop_assert!((phi - total).abs() <= tol(total), "Σφ {} total {}", phi, total);
            for site in &sh.sites {
                if site.cluster.is_none() {
                    prop_assert_eq!(site.value, 0.0);
                }
            }
            // Individually rational: no site below its baseline gain, never above the
            // unconstrained optimum, never below the baseline (the baseline plan with
            // its split's transfers satisfies the constraints).
            let ir = v.individually_rational.as_ref().unwrap();
            prop_assert_eq!(ir.status, Status::Optimal);
            let r = ir.net_benefit.unwrap();
            prop_assert!(r <= total + tol(total), "rational {} > unconstrained {}", r, total);
            prop_assert!(r >= base - tol(base), "rational {} < baseline {}", r, base);
            for site in &ir.sites {
                prop_assert!(site.gain >= site.baseline_gain - 1e-5 * site.baseline_gain.abs().max(1.0),
                    "{} gains {} < {}", site.site, site.gain, site.baseline_gain);
            }
            let sum: f64 = ir.sites.iter().map(|s| s.gain).sum();
            prop_assert!((sum - r).abs() <= 1e-5 * r.abs().max(1.0), "gains {} plan {}", sum, r);
        }
    }
}

#[test]
fn every_compare_table_fits_100_columns() {
    let runs: [&[&str]; 4] = [
        &["compare", "scenarios/liuzhou.toml", "--all"],
        &["compare", "scenarios/kalundborg.toml", "--all"],
        &["compare", "scenarios/ulsan-steam.toml", "--all"],
        &[
            "compare",
            "scenarios/ulsan-steam.toml",
            "--all",
            "--allocation",
            "shapley",
            "--individually-rational",
        ],
    ];
    for args in runs {
        let text = Symbio::new().args(args).run().stdout;
        for line in text.lines() {
            let width = line.chars().count();
            assert!(width <= 100, "{args:?}: {width} columns: {line}\n{text}");
        }
        // The link keys are printed whole, on lines of their own.
        assert!(!text.contains('…'), "{args:?}: a name was cut\n{text}");
    }
}
