//! `symbio breakeven`: values of a parameter at which links enter or leave the plan.

use serde_json::Value;

use crate::Symbio;

fn search(extra: &[&str]) -> Value {
    let args = [
        "breakeven",
        "tests/data/breakeven.toml",
        "--param",
        "parameters.carbon_price",
        "--format",
        "json",
    ];
    Symbio::new().args(args).args(extra).run().stdout_json()
}

/// (value, low, high, change, receiving site) of each event.
fn events(r: &Value) -> Vec<(f64, f64, f64, String, String)> {
    r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["value"].as_f64().unwrap(),
                e["low"].as_f64().unwrap(),
                e["high"].as_f64().unwrap(),
                e["change"].as_str().unwrap().to_owned(),
                e["link"]["to_site"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn sites(r: &Value, key: &str) -> Vec<String> {
    r[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["to_site"].as_str().unwrap().to_owned())
        .collect()
}

/// tests/data/breakeven.toml, by hand: 100 t of slag a year go to the use with the best
/// margin per t, each linear in the carbon price P (trucking 0.1 EUR/t/km × 10 km):
/// road 7 − 1 + 0.1 P, mortar 4 − 1 + 0.6 P, cement 2 − 5 − 1 + 1.3 P less a fixed
/// 1,000 EUR/yr. Per year: road 600 + 10 P, mortar 300 + 60 P, cement −1,400 + 130 P.
/// Road = mortar at 300 = 50 P, P = 6; mortar = cement at 1,700 = 70 P,
/// P = 24.285714...; road = cement (P = 16.67) happens where mortar is better than
/// both. So the mortar link enters at 6 and leaves at 24.2857 (two switches), the
/// road link leaves at 6 and the cement link enters at 24.2857. The kiln (same as
/// cement, 30 km further) is never chosen; the steam link always is.
#[test]
fn break_even_carbon_prices_match_the_hand_computed_values() {
    let tol = 0.001;
    let r = search(&["--range", "0..50", "--steps", "10", "--tol", "0.001"]);
    let ev = events(&r);
    let p2 = 1700.0 / 70.0;
    let expected = [
        (6.0, "enters", "mortar"),
        (6.0, "leaves", "road"),
        (p2, "enters", "cement"),
        (p2, "leaves", "mortar"),
    ];
    assert_eq!(ev.len(), expected.len(), "{ev:?}");
    for ((value, low, high, change, site), (want, want_change, want_site)) in
        ev.iter().zip(expected)
    {
        assert_eq!((change.as_str(), site.as_str()), (want_change, want_site));
        // The reported value is the middle of a bracket no wider than the tolerance
        // that holds the true switch (solver tolerances add far less than 1e-6).
        assert!(high - low <= tol + 1e-12, "{low}..{high}");
        assert!(
            *low <= want + 1e-6 && want - 1e-6 <= *high,
            "{want} in {low}..{high}"
        );
        assert!(
            (value - want).abs() <= tol / 2.0 + 1e-6,
            "{value} vs {want}"
        );
    }
    assert_eq!(sites(&r, "always"), ["chem"]);
    assert_eq!(sites(&r, "never"), ["kiln"]);
    assert_eq!(r["file_value"].as_f64(), Some(10.0));
}

/// A grid too coarse to see both switches of the mortar link (none of its points
/// falls between 6 and 24.29) still finds them: the cell 0..25 has road at one
/// end and cement at the other, and bisection follows both switches.
#[test]
fn a_link_in_and_out_within_one_grid_cell_is_found_by_bisection() {
    let r = search(&["--range", "0..25", "--steps", "1", "--tol", "0.01"]);
    let ev = events(&r);
    let mortar: Vec<&(f64, f64, f64, String, String)> =
        ev.iter().filter(|e| e.4 == "mortar").collect();
    assert_eq!(mortar.len(), 2, "{ev:?}");
    assert_eq!(mortar[0].3, "enters");
    assert!((mortar[0].0 - 6.0).abs() <= 0.005 + 1e-6);
    assert_eq!(mortar[1].3, "leaves");
    assert!((mortar[1].0 - 1700.0 / 70.0).abs() <= 0.005 + 1e-6);
}

#[test]
fn links_in_or_out_over_the_whole_range_are_always_or_never() {
    // Between the two switches, only mortar and steam are chosen.
    let r = search(&["--range", "8..20", "--steps", "4"]);
    assert!(r["events"].as_array().unwrap().is_empty(), "{r:#}");
    let mut always = sites(&r, "always");
    always.sort();
    assert_eq!(always, ["chem", "mortar"]);
    let mut never = sites(&r, "never");
    never.sort();
    assert_eq!(never, ["cement", "kiln", "road"]);
}

#[test]
fn table_lists_switches_by_value() {
    let run = Symbio::new()
        .args(["breakeven", "tests/data/breakeven.toml"])
        .args(["--param", "parameters.carbon_price"])
        .args(["--range", "0..50", "--tol", "0.01"])
        .run();
    let out = &run.stdout;
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} in:\n{out}"));
    // Values shown to the precision of the bracket (±0.005): three decimals.
    assert!(at("6.00") < at("24.28"), "{out}");
    assert!(at("leaves  steel/slag->road/aggregate") < at("24.28"));
    assert!(out.contains("Always in the plan in 0..50:\n  steel/steam->chem/steam@pipe"));
}

#[test]
fn json_is_identical_whatever_the_thread_count() {
    let a = search(&["--range", "0..50", "--threads", "1"]);
    let b = search(&["--range", "0..50", "--threads", "2"]);
    assert_eq!(a, b);
}

#[test]
fn bad_param_or_range_is_exit_2_naming_it() {
    for (param, range, needle) in [
        (
            "parameters.carbon_prize",
            "0..50",
            "parameters.carbon_prize",
        ),
        (
            "modes.barge.cost_per_unit_km",
            "0..1",
            "modes.barge.cost_per_unit_km",
        ),
        ("parameters.carbon_price", "50..0", "--range"),
        ("parameters.carbon_price", "0-50", "--range"),
        // A range reaching values the scenario does not accept.
        (
            "parameters.carbon_price",
            "-10..5",
            "parameters.carbon_price",
        ),
    ] {
        Symbio::new()
            .args(["breakeven", "tests/data/breakeven.toml"])
            .args(["--param", param, "--range", range])
            .expect_code(2)
            .run()
            .stderr_contains(needle);
    }
}

/// Regression (hardening issue, item 10): on a scenario that has no feasible plan
/// (an existing link recorded far above its supply), `breakeven` exited 2 ("bad
/// input") and advised narrowing the range. No range helps: it exits 1, the code
/// for "no feasible plan", naming the value tried.
#[test]
fn breakeven_on_an_infeasible_scenario_exits_1() {
    let text = format!(
        "{}\n[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement\"\n\
         to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = 1e9\n",
        crate::read("tests/data/breakeven.toml")
    );
    let (_dir, file) = crate::Scratch::with("infeasible.toml", &text);
    let run = Symbio::new()
        .arg("breakeven")
        .file_arg(&file)
        .args(["--param", "parameters.carbon_price", "--range", "0..50"])
        .expect_code(1)
        .run();
    run.stderr_contains("no feasible plan with parameters.carbon_price");
    assert!(!run.stderr.contains("narrow"), "{}", run.stderr);
}
