//! `symbio pareto`: the ε-constraint front of net benefit against CO2 avoided.

use serde_json::Value;

use crate::{assert_close, Symbio};

fn front(file: &str, points: &str, extra: &[&str]) -> Value {
    Symbio::new()
        .args(["pareto", file, "--points", points, "--format", "json"])
        .args(extra)
        .run()
        .stdout_json()
}

fn points(f: &Value) -> Vec<(f64, f64)> {
    f["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["net_benefit"].as_f64().unwrap(),
                p["co2_avoided"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// (receiving site, flow) of each link of a point, sorted.
fn flows(p: &Value) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = p["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["to_site"].as_str().unwrap().to_owned(),
                l["flow"].as_f64().unwrap(),
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// tests/data/pareto.toml, by hand. Per t of slag sent (100 t/yr in all):
/// a = cement_a: 31 − 1 (trucking) = 30 EUR, 0.2 t CO2; b = cement_b: 11 − 1 = 10 EUR,
/// 1.0 t CO2, plus 100 EUR/yr fixed; c = kiln_c (25 t/yr at most): 0 − 1 = −1 EUR,
/// 2.2 t CO2. No carbon price.
///
/// - Benefit optimum: 100 t to a: 3,000 EUR, 20 t CO2.
/// - Most CO2: 25 t to c (55 t) and 75 t to b (75 t): 130 t; the best plan with it
///   earns 75 × 10 − 25 × 1 − 100 = 625 EUR.
/// - With 5 points, ε = 20, 47.5, 75, 102.5, 130. Moving a tonne from a to c gains
///   2.0 t CO2 for 31 EUR (15.5 EUR/t CO2), from a to b 0.8 t for 20 EUR (25 EUR/t CO2,
///   plus the fixed 100 EUR), so c fills first:
///   - ε = 47.5: 13.75 t to c: 3,000 − 13.75 × 31 = 2,573.75 EUR (a 86.25 t).
///   - ε = 75: 25 t to c (+50 t CO2, −775 EUR), 5 t CO2 more from 6.25 t to b
///     (−125 − 100 EUR): 2,000 EUR (a 68.75 t).
///   - ε = 102.5: c 25 t, b 32.5 / 0.8 = 40.625 t: 3,000 − 775 − 812.5 − 100 =
///     1,312.5 EUR (a 34.375 t).
///   - ε = 130: 625 EUR (b 75 t, c 25 t).
#[test]
fn front_of_the_fixture_has_the_hand_computed_points() {
    let f = front("tests/data/pareto.toml", "5", &[]);
    let expected = [
        (20.0, 3000.0, vec![("cement_a", 100.0)]),
        (47.5, 2573.75, vec![("cement_a", 86.25), ("kiln_c", 13.75)]),
        (
            75.0,
            2000.0,
            vec![("cement_a", 68.75), ("cement_b", 6.25), ("kiln_c", 25.0)],
        ),
        (
            102.5,
            1312.5,
            vec![("cement_a", 34.375), ("cement_b", 40.625), ("kiln_c", 25.0)],
        ),
        (130.0, 625.0, vec![("cement_b", 75.0), ("kiln_c", 25.0)]),
    ];
    let pts = f["points"].as_array().unwrap();
    assert_eq!(pts.len(), expected.len(), "{f:#}");
    for (p, (co2, benefit, links)) in pts.iter().zip(&expected) {
        assert_close(p["co2_avoided"].as_f64().unwrap(), *co2, 1e-6);
        assert_close(p["net_benefit"].as_f64().unwrap(), *benefit, 1e-6);
        // No carbon price: the two benefits coincide.
        assert_eq!(p["net_benefit"], p["net_benefit_without_carbon"]);
        let got = flows(p);
        assert_eq!(got.len(), links.len(), "{got:?} vs {links:?}");
        for ((site, x), (want_site, want_x)) in got.iter().zip(links) {
            assert_eq!(site, want_site);
            assert_close(*x, *want_x, 1e-6);
        }
    }
    assert_close(f["co2_at_benefit_optimum"].as_f64().unwrap(), 20.0, 1e-9);
    assert_close(f["co2_max"].as_f64().unwrap(), 130.0, 1e-9);
}

#[track_caller]
fn check_front(f: &Value) {
    let pts = points(f);
    assert!(!pts.is_empty());
    for w in pts.windows(2) {
        assert!(w[0].1 < w[1].1, "sorted by CO2, strictly: {pts:?}");
        assert!(
            w[0].0 > w[1].0,
            "more CO2 costs benefit on a front: {pts:?}"
        );
    }
    for (i, p) in pts.iter().enumerate() {
        for (j, q) in pts.iter().enumerate() {
            assert!(
                i == j || !(q.0 >= p.0 && q.1 >= p.1),
                "{q:?} dominates {p:?}"
            );
        }
    }
}

/// The first point is the plan `symbio solve` gives; no point dominates another and
/// the points are sorted by CO2 — on the fixture, the hand-solvable scenario (with a
/// carbon price) and the shipped Kalundborg scenario.
#[test]
fn front_starts_at_the_benefit_optimum_and_is_non_dominated() {
    for file in [
        "tests/data/pareto.toml",
        "tests/data/hand.toml",
        "scenarios/kalundborg.toml",
    ] {
        let f = front(file, "7", &["--threads", "2"]);
        check_front(&f);
        let plan = Symbio::new()
            .args(["solve", file, "--format", "json"])
            .run()
            .stdout_json();
        let first = &f["points"][0];
        assert_close(
            first["net_benefit"].as_f64().unwrap(),
            plan["totals"]["net_benefit"].as_f64().unwrap(),
            1e-6,
        );
        assert_close(
            first["co2_avoided"].as_f64().unwrap(),
            plan["totals"]["co2_avoided"].as_f64().unwrap(),
            1e-6,
        );
    }
}

/// With a carbon price P, the benefit without carbon is the net benefit less
/// P × CO2 avoided (hand.toml has P = 10 EUR/t).
#[test]
fn carbon_value_is_reported_apart() {
    let f = front("tests/data/hand.toml", "4", &[]);
    assert_eq!(f["carbon_price"].as_f64(), Some(10.0));
    for p in f["points"].as_array().unwrap() {
        let b = p["net_benefit"].as_f64().unwrap();
        let c = p["co2_avoided"].as_f64().unwrap();
        assert_close(p["carbon_value"].as_f64().unwrap(), 10.0 * c, 1e-8);
        assert_close(
            p["net_benefit_without_carbon"].as_f64().unwrap(),
            b - 10.0 * c,
            1e-8,
        );
    }
}

#[test]
fn json_is_identical_whatever_the_thread_count() {
    let args = ["pareto", "tests/data/hand.toml", "--points", "6"];
    let one = Symbio::new().args(args).args(["--format", "json"]).run();
    let two = Symbio::new()
        .args(args)
        .args(["--format", "json", "--threads", "2"])
        .run();
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn csv_and_table_show_every_point() {
    let args = ["pareto", "tests/data/pareto.toml", "--points", "5"];
    let csv = Symbio::new().args(args).args(["--format", "csv"]).run();
    let lines = csv.stdout_lines();
    assert_eq!(lines.len(), 6, "{}", csv.stdout);
    assert!(lines[0].starts_with("point,epsilon,co2_avoided,net_benefit"));
    // The links column holds several exchanges, quoted as one field when needed.
    assert!(lines[3].contains("kiln_c"), "{}", lines[3]);
    // Points are numbered from 0, as sweep points and Monte Carlo samples are.
    assert!(lines[1].starts_with("0,20,20,3000,"), "{}", lines[1]);

    let table = Symbio::new().args(args).run();
    for needle in ["2,574", "1,312", "Point 4", "kiln_c/clinker"] {
        table.stdout_contains(needle);
    }
}

#[test]
fn fewer_than_two_points_is_a_usage_error() {
    Symbio::new()
        .args(["pareto", "tests/data/pareto.toml", "--points", "1"])
        .expect_code(2)
        .run()
        .stderr_contains("--points");
}
