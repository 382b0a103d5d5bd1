//! The numeric range of scenarios and the size of requests: numbers and the
//! products symbio hands HiGHS stay in range (exit 2 naming the fields
//! otherwise), thread counts and grids are capped before anything is made.

use std::path::Path;
use std::time::{Duration, Instant};

use symbio::analysis::sweep::{Axis, Sweep, MAX_GRID_POINTS};

use crate::{Run, Scratch, Symbio};

const HAND: &str = "tests/data/hand.toml";

/// `symbio solve` of the hand-solvable scenario with the first occurrence of
/// each `(from, to)` replaced: refused as bad input (exit 2).
fn refused(replacements: &[(&str, &str)]) -> Run {
    let mut text = crate::read(HAND);
    for (from, to) in replacements {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let (_dir, p) = Scratch::with("s.toml", &text);
    Symbio::new().arg("solve").file_arg(&p).expect_code(2).run()
}

#[test]
fn price_1e308_is_refused_not_solved_as_optimal_with_a_null_objective() {
    refused(&[("price = 50.0", "price = 1e308")])
        .stderr_contains("s.toml")
        .stderr_contains("sites[1].inputs[0].price (id \"clinker\")")
        .stderr_contains("1e12");
}

#[test]
fn disposal_cost_co2_and_carbon_price_1e308_are_refused_all_at_once() {
    refused(&[
        ("disposal_cost = 10.0", "disposal_cost = 1e308"),
        ("co2 = 0.8", "co2 = -1e308"),
        ("carbon_price = 10.0", "carbon_price = 1e308"),
    ])
    .stderr_contains("3 problems")
    .stderr_contains("sites[0].outputs[0].disposal_cost (id \"slag\")")
    .stderr_contains("sites[1].inputs[0].co2 (id \"clinker\")")
    .stderr_contains("parameters.carbon_price");
}

#[test]
fn sweep_set_carbon_price_1e308_is_refused() {
    Symbio::new()
        .args(["sweep", HAND, "--set", "parameters.carbon_price=1e308"])
        .expect_code(2)
        .run()
        .stderr_contains("--set parameters.carbon_price = 1e308")
        .stderr_contains("must be between -1e12 and 1e12");
}

#[test]
fn quantity_and_price_1e200_are_bad_input_not_a_solver_error() {
    let run = refused(&[(
        "quantity = 600.0, price = 50.0",
        "quantity = 1e200, price = 1e200",
    )]);
    run.stderr_contains("sites[1].inputs[0].quantity")
        .stderr_contains("sites[1].inputs[0].price");
    assert!(!run.stderr.contains("solver error"), "{}", run.stderr);
}

#[test]
fn price_times_flow_beyond_1e15_names_the_fields_multiplied() {
    refused(&[
        (
            "quantity = 600.0, disposal_cost",
            "quantity = 1e12, disposal_cost",
        ),
        (
            "quantity = 600.0, price = 50.0",
            "quantity = 1e12, price = 1e12",
        ),
    ])
    .stderr_contains("s.toml: sites.cement_a.inputs.clinker.price (id \"clinker\")")
    .stderr_contains("steel/slag->cement_a/clinker@truck")
    .stderr_contains("sites.cement_a.inputs.clinker.quantity")
    .stderr_contains("beyond the 1e15");
}

#[test]
fn sweep_point_whose_values_overflow_is_an_invalid_row() {
    let run = Symbio::new()
        .args(["sweep", HAND, "--set", "parameters.carbon_price=10,1e11"])
        .args(["--set", "sites.cement_a.inputs.clinker.co2=0.8,1e5"])
        .run();
    let rows = run.stdout_rows();
    assert_eq!(rows.len(), 4);
    let status: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(status, ["optimal", "optimal", "optimal", "invalid"]);
    let e = rows[3]["error"].as_str().unwrap();
    assert!(
        e.contains("parameters.carbon_price") && e.contains("sites.cement_a.inputs.clinker.co2"),
        "{e}"
    );
    for r in &rows[..3] {
        assert!(r["objective"].as_f64().unwrap().is_finite());
    }
}

#[test]
fn threads_5000_is_refused_naming_the_limit() {
    let start = Instant::now();
    Symbio::new()
        .args(["solve", HAND, "--threads", "5000"])
        .expect_code(2)
        .run()
        .stderr_contains("--threads must be at most 256, got 5000");
    assert!(start.elapsed() < Duration::from_secs(10));
    Symbio::new()
        .args(["solve", HAND, "--threads", "256"])
        .run();
}

/// `symbio sweep` over three ranges `0..END:1` of the parameters: refused at
/// once (exit 2, within seconds), with a message naming the grid's limit and the
/// `--set` that crosses it.
fn three_ranges_are_refused_at_once(end: &str, crossing: &str) {
    let start = Instant::now();
    let mut run = Symbio::new().args(["sweep", HAND]);
    for field in ["carbon_price", "energy_price", "circuity"] {
        run = run.args(["--set", &format!("parameters.{field}=0..{end}:1")]);
    }
    run.expect_code(2)
        .run()
        .stderr_contains(&format!("--set parameters.{crossing}=0..{end}:1"))
        .stderr_contains("10000000 points");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn three_ranges_of_a_billion_points_are_refused_before_allocating() {
    three_ranges_are_refused_at_once("999", "circuity");
}

#[test]
fn three_ranges_of_a_million_values_are_refused_before_validating() {
    three_ranges_are_refused_at_once("999999", "energy_price");
    // The library checks the grid's size before it looks at a path or value.
    let loaded = symbio::scenario::load::load(Path::new(HAND)).unwrap();
    let axis = |path: &str| Axis {
        path: path.into(),
        values: (0..1000).map(f64::from).collect(),
    };
    let axes = vec![axis("no.such.a"), axis("no.such.b"), axis("no.such.c")];
    let e = Sweep::new(loaded, axes, symbio::SolveOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("axis:"), "{msg}");
    assert!(msg.contains(&MAX_GRID_POINTS.to_string()), "{msg}");
}
