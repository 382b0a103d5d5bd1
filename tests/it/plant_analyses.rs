//! Plants in the analyses: the plants each Monte Carlo sample opens, plants
//! switching in a break-even search, the operator as a firm in compare's
//! split, plant and technology fields set by path in a sweep, and the plants
//! of each Pareto point.
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

const PLANTS: &str = "tests/data/plants.toml";
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

/// What `symbio breakeven FILE --param PARAM --range RANGE EXTRA...` prints.
fn breakeven_out(file: &str, param: &str, range: &str, extra: &[&str]) -> String {
    Symbio::new()
        .args(["breakeven", file, "--param", param, "--range", range])
        .args(extra)
        .run()
        .stdout
}

/// A break-even search's JSON on `tests/data/plants.toml`.
fn breakeven(param: &str, range: &str, tol: &str) -> Value {
    let out = breakeven_out(PLANTS, param, range, &["--tol", tol, "--format", "json"]);
    serde_json::from_str(&out).unwrap()
}

/// The value of a switch, within `tol / 2` of `by_hand`.
fn at(event: &Value, by_hand: f64, tol: f64) {
    let v = event["value"].as_f64().unwrap();
    assert!((v - by_hand).abs() <= tol / 2.0 + 1e-9, "{v} vs {by_hand}");
}

/// A plant's switch: grinder_at_steel's `change` from size `before` to
/// `after` (`None`: closed), within `tol / 2` of `by_hand`.
fn plant_switch(e: &Value, change: &str, sizes: [Option<&str>; 2], by_hand: f64, tol: f64) {
    assert_eq!(e["plant"], "grinder_at_steel", "{e}");
    assert_eq!(e["change"], change, "{e}");
    assert_eq!(e["size_before"].as_str(), sizes[0], "{e}");
    assert_eq!(e["size_after"].as_str(), sizes[1], "{e}");
    at(e, by_hand, tol);
}

/// As grinding gets dearer, the large grinder serving both cement works gives
/// way to the small one serving cement A where 45,100 − (18,000/19) u =
/// 24,025 − 500 u (u = c − 5: c = 5 + 21,075 · 19 / 8,500 = 52.1088), and the
/// small one closes where 24,025 − 500 u = 0 (c = 53.05). The plant resizes
/// and closes there, as the links to cement B and then to cement A leave.
#[test]
fn breakeven_finds_a_plant_resizing_and_closing_where_the_plans_by_hand_cross() {
    let tol = 0.001;
    let r = breakeven("technologies.grinding.operating_cost", "40..60", "0.001");
    let resize = 5.0 + 21_075.0 * 19.0 / 8_500.0;
    let close = 5.0 + 24_025.0 / 500.0;
    let plants = &r["plants"];
    let events = plants["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{plants}");
    plant_switch(
        &events[0],
        "resizes",
        [Some("large"), Some("small")],
        resize,
        tol,
    );
    plant_switch(&events[1], "closes", [Some("small"), None], close, tol);
    assert_eq!(plants["always_open"], serde_json::json!([]));
    assert_eq!(plants["never_open"], serde_json::json!(["grinder_east"]));
    // The links switch at the same values.
    let links = r["events"].as_array().unwrap();
    assert_eq!(links.len(), 3, "{links:?}");
    assert_eq!(links[0]["link"]["to_site"], "cement_b");
    at(&links[0], resize, tol);
    for l in &links[1..] {
        assert_eq!(l["change"], "leaves");
        at(l, close, tol);
    }
}

/// Between 500 and 600/0.95 t of slag every tonne goes to cement A by the
/// same two links; above 500 t the small grinder (500 t) leaves slag unground,
/// and the large one pays its 3,000 EUR/yr more once the slag beyond 500 t,
/// at 0.95 · 59 − 5 = 51.05 EUR/t, earns it: at 500 + 3,000/51.05 = 558.77 t.
/// No link enters or leaves, yet the plant's size switches.
#[test]
fn breakeven_sees_a_plant_change_size_when_no_link_changes() {
    let tol = 0.01;
    let r = breakeven("sites.steel.outputs.gbfs.quantity", "400..640", "0.01");
    assert_eq!(r["events"], serde_json::json!([]));
    let plants = &r["plants"];
    let events = plants["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{plants}");
    let by_hand = 500.0 + 3_000.0 / 51.05;
    plant_switch(
        &events[0],
        "resizes",
        [Some("small"), Some("large")],
        by_hand,
        tol,
    );
    assert_eq!(
        plants["always_open"],
        serde_json::json!(["grinder_at_steel"])
    );
}

/// Break-even CSV: with plants, three more columns and the plants' rows;
/// without plants, the columns of links alone.
#[test]
fn breakeven_csv_has_plant_columns_only_with_plants() {
    let csv = |file: &str, param: &str, range: &str| {
        breakeven_out(file, param, range, &["--format", "csv"])
    };
    let with = csv(PLANTS, "sites.steel.outputs.gbfs.quantity", "400..640");
    let lines: Vec<&str> = with.lines().collect();
    assert_eq!(
        lines[0],
        "value,low,high,change,link,plant,size_before,size_after"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(",resizes,,grinder_at_steel,small,large")),
        "{with}"
    );
    assert!(lines.contains(&",,,always,,grinder_at_steel,,"), "{with}");
    assert!(lines.contains(&",,,never,,grinder_east,,"), "{with}");
    let without = csv(
        "tests/data/breakeven.toml",
        "parameters.carbon_price",
        "0..50",
    );
    assert_eq!(without.lines().next(), Some("value,low,high,change,link"));
    assert!(
        without.lines().all(|l| l.split(',').count() == 5),
        "{without}"
    );
}

/// `tests/data/plants.toml` with the grinder at the steelworks forbidden and
/// the eastern one (25 km east of it) run by a firm of its own, `grindco`.
fn with_grindco() -> String {
    let text = crate::read(PLANTS);
    let text = text.replace(
        "site = \"steel\"\n",
        "site = \"steel\"\nstatus = \"forbidden\"\n",
    );
    assert!(text.contains("status = \"forbidden\""));
    format!("{text}operator = \"grindco\"\n")
}

/// The split of `compare` with a plant run by a firm of its own: the operator
/// takes the plant's side of each link (it pays to bring the slag in, and its
/// GGBS earns the cement works' purchases saved) and bears the plant's own
/// costs. By hand: 18,000/19 t of slag come 25 km (2.5 EUR/t), 600 t of GGBS
/// go 15 km to cement A (1.5 EUR/t) and 300 t √725 km to cement B; each link
/// costs 1,000 EUR/yr (transport paid by the receiver); grinding costs 10 EUR/t
/// and the large size 5,000 EUR/yr.
#[test]
fn compare_splits_a_plants_links_with_its_operator() {
    let (_dir, path) = Scratch::with("grindco.toml", &with_grindco());
    let slag = 18_000.0 / 19.0;
    let into = (5.0 * slag, -(2.5 * slag + 1_000.0));
    let to_a = 600.0 * (60.0 - 1.5) - 1_000.0;
    let to_b = 300.0 * (60.0 - 0.1 * 725f64.sqrt()) - 1_000.0;
    let own = -(10.0 * slag + 5_000.0);
    for theta in [0.5, 0.3] {
        let c = Symbio::new()
            .args(["compare", path.to_str().unwrap(), "--format", "json"])
            .arg(format!("--split=supplier={theta}"))
            .run()
            .stdout_json();
        let v = &c["variants"][0];
        let g = &v["gains"];
        let links = g["links"].as_array().unwrap();
        let link = |to: &str| links.iter().find(|l| l["to_site"] == to).unwrap();
        let f = |v: &Value| v.as_f64().unwrap();
        let into_plant = link("grinder_east");
        assert_close(f(&into_plant["supplier_before_transfer"]), into.0, 1e-8);
        assert_close(f(&into_plant["receiver_before_transfer"]), into.1, 1e-8);
        assert_eq!(into_plant["receiver_firm"], "grindco");
        assert!(into_plant.get("supplier_firm").is_none());
        for (to, surplus) in [("cement_a", to_a), ("cement_b", to_b)] {
            let l = link(to);
            assert_eq!(l["supplier_firm"], "grindco");
            assert!(l.get("receiver_firm").is_none());
            assert_close(f(&l["surplus"]), surplus, 1e-8);
        }
        let plant = g["plants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["plant"] == "grinder_east")
            .unwrap();
        assert_eq!(plant["operator"], "grindco");
        assert_close(f(&plant["net_benefit"]), own, 1e-8);
        let firm = |id: &str| {
            let sites = g["sites"].as_array().unwrap();
            sites.iter().find(|s| s["site"] == id).unwrap().clone()
        };
        let surplus_in = into.0 + into.1;
        let grindco = firm("grindco");
        assert_close(f(&grindco["before_transfers"]), into.1 + own, 1e-8);
        let gain = (1.0 - theta) * surplus_in + theta * (to_a + to_b) + own;
        assert_close(f(&grindco["gain"]), gain, 1e-8);
        assert_close(f(&firm("steel")["gain"]), theta * surplus_in, 1e-8);
        assert_close(f(&firm("cement_a")["gain"]), (1.0 - theta) * to_a, 1e-8);
        // The firms' gains add up to the plan's net benefit.
        let total: f64 = (g["sites"].as_array().unwrap().iter())
            .map(|s| f(&s["gain"]))
            .sum();
        assert_close(total, f(&v["net_benefit"]), 1e-8);
        assert_close(total, surplus_in + to_a + to_b + own, 1e-8);
    }
}

/// A sweep sets a size's field and a plant's place. At 5,000 EUR/yr the large
/// grinder at the steelworks does it all (40,363.16, tests/it/plants.rs); at
/// 30,000 two small ones beat it: the steelworks' grinds 500 t (475 t of GGBS:
/// 175 t to cement A, 300 t to B, 10 km each) and the eastern one, x km east,
/// the other 8,500/19 t brought x km, its 425 t of GGBS going x − 10 km to
/// cement A; five links, two small sizes. A plant's status is no number: a
/// sweep of it is refused, naming the path.
#[test]
fn sweep_sets_size_and_plant_fields() {
    let rows = Symbio::new()
        .args(["sweep", PLANTS, "--gap", "0"])
        .args([
            "--set",
            "technologies.grinding.sizes.large.fixed_cost_per_year=5000,30000",
        ])
        .args(["--set", "plants.grinder_east.x_km=25,29"])
        .run()
        .stdout_rows();
    let two_small = |x: f64| {
        let slag = 8_500.0 / 19.0;
        900.0 * 60.0
            - 475.0 * 1.0
            - 425.0 * 0.1 * (x - 10.0)
            - slag * 0.1 * x
            - (18_000.0 / 19.0) * (10.0 - 5.0)
            - 2.0 * 2_000.0
            - 5.0 * 1_000.0
    };
    let large = 900.0 * 59.0 - (18_000.0 / 19.0) * 5.0 - 5_000.0 - 3.0 * 1_000.0;
    let both = serde_json::json!(["grinder_at_steel:small", "grinder_east:small"]);
    for (row, (plants, benefit)) in rows.iter().zip([
        (serde_json::json!(["grinder_at_steel:large"]), large),
        (serde_json::json!(["grinder_at_steel:large"]), large),
        (both.clone(), two_small(25.0)),
        (both, two_small(29.0)),
    ]) {
        assert_eq!(row["plants"], plants, "{row}");
        let got = row["totals"]["net_benefit"].as_f64().unwrap();
        assert_close(got, benefit, 1e-8);
    }
    Symbio::new()
        .args(["sweep", PLANTS, "--set", "plants.grinder_east.status=1"])
        .expect_code(2)
        .run()
        .stderr_contains("plants.grinder_east.status: `status` is not a number");
}

/// Pareto fronts take no field values, but each point of a scenario with
/// plants names the plants its plan opens: the benefit optimum's are those
/// of `symbio solve`. Without plants the points have no such field.
#[test]
fn pareto_points_name_the_plants_they_open() {
    let front = |file: &str| {
        Symbio::new()
            .args(["pareto", file, "--points", "3", "--format", "json"])
            .run()
            .stdout_json()
    };
    let f = front(PLANTS);
    let plan = Symbio::new()
        .args(["solve", PLANTS, "--format", "json"])
        .run()
        .stdout_json();
    let open: Vec<String> = (plan["plants"].as_array().unwrap().iter())
        .filter(|p| p["open"] == true)
        .map(|p| {
            format!(
                "{}:{}",
                p["plant"].as_str().unwrap(),
                p["size"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(open, ["grinder_at_steel:large"]);
    assert_eq!(f["points"][0]["plants"], serde_json::json!(open));
    let plain = front("tests/data/breakeven.toml");
    let points = plain["points"].as_array().unwrap();
    assert!(!points.is_empty() && points.iter().all(|p| p.get("plants").is_none()));
}
