//! Plants in the analyses: the plants each Monte Carlo sample opens, plants
//! switching in a break-even search, the operator as a firm in compare's
//! split, and plant and technology fields set by path in a sweep.
//!
//! All on `tests/data/plants.toml`, solved by hand in tests/it/plants.rs. With
//! grinding at c EUR/t and u = c − 5 (the disposal saved per t ground), the
//! plans worth considering at the steelworks' grinder are:
//!
//! - **large, both cement works**: 900 t of GGBS from 18,000/19 t of slag,
//!   900 · 59 − 5,000 − 3 · 1,000 − (18,000/19) u = 45,100 − (18,000/19) u;
//! - **small, cement A alone**: 475 t of GGBS from 500 t of slag, 475 · 59 −
//!   F − 2 · 1,000 − 500 u = 26,025 − F − 500 u (F: the small size's fixed
//!   cost, 2,000 in the file);
//! - **nothing**: 0.
//!
//! (Large for cement A alone is below the first while u < 52.9; the eastern
//! grinder pays 2.5 EUR/t more to bring the slag and never opens.)

use std::path::Path;

use serde_json::Value;

use crate::{assert_close, Scratch, Symbio};

const UNCERTAIN: &str = "tests/data/plants-uncertain.toml";

/// The plant the best of the three plans opens at grinding cost `c` and small
/// fixed cost `f`, with its throughput, and the margin of that plan over the
/// next best (EUR/yr).
fn by_hand(c: f64, f: f64) -> (Option<(&'static str, f64)>, f64) {
    let u = c - 5.0;
    let large = 45_100.0 - 18_000.0 / 19.0 * u;
    let small = 26_025.0 - f - 500.0 * u;
    let mut plans = [
        (Some(("grinder_at_steel:large", 18_000.0 / 19.0)), large),
        (Some(("grinder_at_steel:small", 500.0)), small),
        (None, 0.0),
    ];
    plans.sort_by(|a, b| b.1.total_cmp(&a.1));
    (plans[0].0, plans[0].1 - plans[1].1)
}

/// The JSON summary of a Monte Carlo run (`args`) streaming its rows to `rows`.
fn summary_with_rows(args: &[&str], rows: &Path) -> Value {
    Symbio::new()
        .args(args)
        .args(["--format", "json", "-q", "--rows"])
        .arg(rows)
        .run()
        .stdout_json()
}

/// Each Monte Carlo sample names the plants its plan opens, at which size and
/// with what throughput, as the plans by hand say for the values it drew; the
/// summary counts them; the CSV rows carry the same and summarise the same.
#[test]
fn montecarlo_rows_name_the_plants_each_sample_opens() {
    let dir = Scratch::new();
    let args = ["montecarlo", UNCERTAIN, "--samples", "60", "--gap", "0"];
    let summary = summary_with_rows(&args, &dir.path("rows.jsonl"));
    let text = dir.read("rows.jsonl");
    let (mut large, mut small, mut throughput, mut checked) = (0, 0, 0.0, 0);
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let c = row["values"]["technologies.grinding.operating_cost"]
            .as_f64()
            .unwrap();
        let f = row["values"]["technologies.grinding.sizes.small.fixed_cost_per_year"]
            .as_f64()
            .unwrap();
        let x = row["values"]["plants.grinder_east.x_km"].as_f64().unwrap();
        assert!((25.0..=30.0).contains(&x), "{row}");
        let plants = row["plants"].as_array().unwrap();
        let throughputs = row["throughputs"].as_array().unwrap();
        assert_eq!(plants.len(), throughputs.len(), "{row}");
        match plants.first().and_then(Value::as_str) {
            Some("grinder_at_steel:large") => large += 1,
            Some("grinder_at_steel:small") => small += 1,
            _ => {}
        }
        throughput += throughputs.iter().map(|t| t.as_f64().unwrap()).sum::<f64>();
        let (want, margin) = by_hand(c, f);
        if margin < 1.0 {
            continue; // a near tie: either plan is optimal within the solver's tolerance
        }
        checked += 1;
        match want {
            Some((plant, t)) => {
                assert_eq!(plants.len(), 1, "{row}");
                assert_eq!(plants[0], plant, "{row}");
                assert_close(throughputs[0].as_f64().unwrap(), t, 1e-8);
            }
            None => assert!(plants.is_empty(), "{row}"),
        }
    }
    // Each of the three plans is drawn often enough to be checked.
    assert!(
        large > 10 && small > 0 && large + small < 60,
        "{large} {small}"
    );
    assert!(checked > 50, "{checked}");
    let plants = summary["plants"].as_array().unwrap();
    let at_steel = &plants[0];
    assert_eq!(at_steel["plant"], "grinder_at_steel");
    assert_eq!(at_steel["opened"], large + small);
    assert_eq!(at_steel["sizes"]["large"], large);
    assert_eq!(at_steel["sizes"]["small"], small);
    assert_close(
        at_steel["share"].as_f64().unwrap(),
        f64::from(large + small) / 60.0,
        1e-8,
    );
    assert_close(
        at_steel["mean_throughput"].as_f64().unwrap(),
        throughput / 60.0,
        1e-8,
    );
    assert_eq!(at_steel["deterministic_size"], "large");
    assert_eq!(plants[1]["plant"], "grinder_east");
    assert_eq!(plants[1]["opened"], 0);
    assert!(plants[1].get("deterministic_size").is_none());

    // The same run into CSV: two more columns before `chosen`, the same
    // plants, and the same summary read back.
    let csv = dir.path("rows.csv");
    assert_eq!(summary_with_rows(&args, &csv), summary);
    let text = dir.read("rows.csv");
    let header = text.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",status,net_benefit,co2_avoided,plants,throughputs,chosen,flows,reason,error"
        ),
        "{header}"
    );
    let reread = Symbio::new()
        .args(["montecarlo", UNCERTAIN, "--gap", "0", "--format", "json"])
        .arg("--from-rows")
        .arg(&csv)
        .run()
        .stdout_json();
    assert_eq!(reread, summary);
}

/// Without plants, Monte Carlo rows and summaries have no plant fields.
#[test]
fn montecarlo_rows_without_plants_have_no_plant_fields() {
    let dir = Scratch::new();
    let args = ["montecarlo", crate::batch::MC, "--samples", "3"];
    let summary = summary_with_rows(&args, &dir.path("rows.csv"));
    assert!(summary.get("plants").is_none());
    let header = dir.read("rows.csv").lines().next().unwrap().to_owned();
    assert!(header.ends_with(",status,net_benefit,co2_avoided,chosen,flows,reason,error"));
}
