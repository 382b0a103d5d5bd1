//! Periods, profiles and stores (docs/scenario-format.md, "Periods, profiles
//! and stores"): read, checked and resolved to quantities by period; bad input
//! named all at once; solved by period (docs/formulation.md, "Periods and
//! stores"), with the two-season case of docs/worked-example.md
//! (`tests/data/seasons.toml`) as worked out by hand.
//!
//! `tests/data/periods.toml` is `tests/data/hand.toml` over two halves of the
//! year: the town's 2,000 t_steam of heat at factors 3 (winter) and 1
//! (summer), so 2,000 × 0.5 × 3 / (0.5 × 3 + 0.5 × 1) = 1,500 in winter and 500
//! in summer; the chemical plant's 3,000 as 1,500 and 1,500.

use std::path::Path;

use symbio::domain::{InputId, OutputId, PeriodId, Stream};
use symbio::model::Reduce;

use crate::{assert_close, Scratch, Symbio};

const PERIODS: &str = "tests/data/periods.toml";

/// A test scenario's text with `extra` tables after it.
fn data_with(file: &str, extra: &str) -> String {
    let text = std::fs::read_to_string(crate::path(file)).unwrap();
    format!("{text}\n{extra}")
}

fn read(path: &str) -> symbio::Scenario {
    symbio::scenario::read(&crate::path(path)).unwrap()
}

fn input(s: &symbio::Scenario, site: &str, id: &str) -> InputId {
    let k = s
        .inputs
        .iter()
        .position(|i| i.id == id && s.sites[i.site.0].id == site)
        .unwrap();
    InputId(k)
}

#[test]
fn profiles_resolve_to_quantities_by_period() {
    let s = read(PERIODS);
    assert_eq!(s.periods.len(), 2);
    assert_eq!(s.periods[0].id, "winter");
    // 4,380 h of a year of 8,760 h.
    assert_close(s.periods[1].share, 0.5, 1e-15);
    assert_close(s.periods[0].energy_price, 8.0, 1e-15);
    // The summer's energy price is the parameters' (0 in hand.toml).
    assert_close(s.periods[1].energy_price, 0.0, 1e-15);
    let (w, su) = (PeriodId(0), PeriodId(1));
    let heat = input(&s, "town", "heat");
    assert_close(s.input_in(heat, w), 1500.0, 1e-12);
    assert_close(s.input_in(heat, su), 500.0, 1e-12);
    assert_close(s.input_price_in(heat, w), 18.0, 1e-15);
    assert_close(s.input_price_in(heat, su), 12.0, 1e-15);
    let steam = input(&s, "chem", "steam");
    assert_close(s.input_in(steam, w), 1500.0, 1e-12);
    // No price by period: the input's own, all year.
    assert_close(s.input_price_in(steam, su), 20.0, 1e-15);
    // A stream without a profile is flat: its quantity × the share.
    let slag = OutputId(0);
    assert!(s.profile(Stream::Output(slag)).is_none());
    assert_close(s.output_in(slag, w), 300.0, 1e-12);
    assert_close(s.output_in(slag, su), 300.0, 1e-12);
    // Every stream's periods sum to its annual quantity.
    for i in 0..s.inputs.len() {
        let sum = s.input_in(InputId(i), w) + s.input_in(InputId(i), su);
        assert_close(sum, s.inputs[i].quantity, 1e-12);
    }
    let store = &s.stores[0];
    assert_eq!(store.id, "town_tank");
    assert_eq!(s.sites[store.site.0].id, "town");
    assert_eq!(s.materials[store.material.0].id, "steam");
    assert_close(store.capacity, 400.0, 1e-15);
    assert_eq!(store.max_charge, Some(1000.0));
}

#[test]
fn one_period_of_the_whole_year_is_the_annual_scenario() {
    let text = data_with(
        "tests/data/hand.toml",
        "[[periods]]\nid = \"year\"\nshare = 1.0\n",
    );
    let s = symbio::scenario::read_str(&crate::path("tests/data/year.toml"), &text).unwrap();
    let annual = read("tests/data/hand.toml");
    for o in 0..s.outputs.len() {
        assert_eq!(s.output_in(OutputId(o), PeriodId(0)), s.outputs[o].quantity);
    }
    for i in 0..s.inputs.len() {
        assert_eq!(s.input_in(InputId(i), PeriodId(0)), s.inputs[i].quantity);
    }
    // Everything but the period is as without it.
    assert_eq!(s.outputs, annual.outputs);
    assert_eq!(s.inputs, annual.inputs);
    assert!(s.profiles.is_empty() && s.stores.is_empty());
}

#[test]
fn shares_within_the_tolerance_are_scaled_to_one() {
    let text = data_with(
        "tests/data/hand.toml",
        "[[periods]]\nid = \"a\"\nshare = 0.3333333\n\
         [[periods]]\nid = \"b\"\nshare = 0.6666666\n",
    );
    let s = symbio::scenario::read_str(&crate::path("tests/data/thirds.toml"), &text).unwrap();
    let sum: f64 = s.periods.iter().map(|p| p.share).sum();
    assert_close(sum, 1.0, 1e-15);
    // 7 parts in 10^6 short of 1: beyond the tolerance.
    let text = text.replace("0.6666666", "0.66666");
    let e = symbio::scenario::read_str(&crate::path("tests/data/thirds.toml"), &text)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("periods: the shares of the periods sum to 0.99999"),
        "{e}"
    );
}

#[test]
fn bad_periods_profiles_and_stores_are_named_all_at_once() {
    let text = data_with(
        "tests/data/hand.toml",
        r#"
[[periods]]
id = "winter"
share = 0.5

[[periods]]
id = "summer"
share = 0.3

[[periods]]
id = "winter"
share = 0.1

[[profiles]]
site = "town"
input = "heat"
factors = { winter = 2.0 }

[[profiles]]
site = "chem"
input = "steam"
factors = { winter = -1.0, summer = 2.0 }

[[profiles]]
site = "steel"
output = "slag"
quantities = { winter = 300.0, autumn = 300.0 }

[[stores]]
id = "no_capacity"
site = "town"
material = "steam"

[[stores]]
id = "nowhere"
site = "twon"
material = "steem"
capacity = 10.0
loss_per_period = 1.0
max_charge = -5.0

[[stores]]
id = "at_no_plant"
plant = "grinder"
material = "steam"
capacity = 10.0
max_discharge = -1.0
"#,
    );
    let (_dir, path) = Scratch::with("bad_periods.toml", &text);
    let run = Symbio::new()
        .args(["check", path.to_str().unwrap()])
        .expect_code(2)
        .run();
    for needle in [
        // The shares: 0.5 + 0.3 + 0.1.
        "periods: the shares of the periods sum to 0.9",
        // A period id twice.
        "periods[2].id (id \"winter\"): duplicate id",
        // A profile of another length than the periods.
        "profiles[0].factors (id \"town/heat\"): gives 1 of the 2 periods",
        "missing: summer",
        // A negative factor.
        "profiles[1].factors.winter (id \"chem/steam\"): must be ≥ 0, got -1",
        // A period no [[periods]] entry has.
        "profiles[2].quantities.autumn (id \"steel/slag\"): unknown period \"autumn\"",
        // A store without capacity.
        "stores[0].capacity (id \"no_capacity\"): missing",
        // Unknown site, material and plant.
        "stores[1].site (id \"nowhere\"): unknown site \"twon\", did you mean `town`?",
        "stores[1].material (id \"nowhere\"): unknown material \"steem\", did you mean `steam`?",
        "stores[2].plant (id \"at_no_plant\"): unknown plant \"grinder\"",
        // A loss outside [0, 1).
        "stores[1].loss_per_period (id \"nowhere\"): must be below 1",
        // Charge and discharge limits below 0.
        "stores[1].max_charge (id \"nowhere\"): must be ≥ 0, got -5",
        "stores[2].max_discharge (id \"at_no_plant\"): must be ≥ 0, got -1",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn profiles_and_stores_without_periods_are_named() {
    // No [[periods]] at all: a file of its own, as the problems above need periods.
    let text = data_with(
        "tests/data/hand.toml",
        r#"
[[profiles]]
site = "chem"
input = "steam"
quantities = { winter = 1500.0, summer = 1500.0 }

[[stores]]
id = "tank"
site = "chem"
material = "steam"
capacity = 10.0
"#,
    );
    let (_dir, path) = Scratch::with("no_periods.toml", &text);
    Symbio::new()
        .args(["check", path.to_str().unwrap()])
        .expect_code(2)
        .run()
        .stderr_contains("profiles[0] (id \"chem/steam\"): a profile needs periods")
        .stderr_contains("stores[0] (id \"tank\"): a store needs periods");
}

#[test]
fn explicit_quantities_sum_to_the_stream_quantity() {
    let text = std::fs::read_to_string(crate::path(PERIODS))
        .unwrap()
        .replace("summer = 1500.0 }", "summer = 1000.0 }");
    let e = symbio::scenario::read_str(&crate::path(PERIODS), &text)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "profiles[1].quantities (id \"chem/steam\"): sum to 2500, but the stream's quantity \
             is 3000"
        ),
        "{e}"
    );
}

const SEASONS: &str = "tests/data/seasons.toml";

/// The plan of a scenario's text at gap 0.
fn solve_text(text: &str) -> symbio::Plan {
    let s = symbio::scenario::read_str(Path::new("seasons.toml"), text).unwrap();
    let options = symbio::SolveOptions {
        gap: 0.0,
        ..Default::default()
    };
    symbio::solve(&s, &options).unwrap()
}

/// docs/worked-example.md, "Two seasons and a store": the incinerator's
/// 1,000 MWh (500 a half-year) against the town's 750 in winter and 250 in
/// summer. On annual totals the pipe carries all 1,000 MWh: 20,000 − 5,000 =
/// 15,000 EUR/yr. By season it carries 500 + 250: 10,000. The pit store takes
/// the summer's 250 MWh surplus in (250 EUR of handling), loses a tenth of it,
/// and gives 225 MWh back in winter (4,500 EUR of heat the town does not buy),
/// for 2,000 EUR/yr of capital: 10,000 + 4,500 − 250 − 2,000 = 12,250.
#[test]
fn the_two_season_case_is_solved_as_by_hand() {
    let text = std::fs::read_to_string(crate::path(SEASONS)).unwrap();
    let plan = solve_text(&text);
    assert_eq!(plan.status, symbio::Status::Optimal);
    assert_close(plan.objective.unwrap(), 12_250.0, 1e-6);
    assert_close(plan.totals.figures.net_benefit, 12_250.0, 1e-6);
    let link = &plan.links[0];
    assert_close(link.flow, 975.0, 1e-9);
    assert_eq!(link.by_period, vec![725.0, 250.0]);
    let periods: Vec<&str> = plan.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, ["winter", "summer"]);
    let pit = &plan.stores[0];
    assert!(pit.built);
    assert_eq!(pit.level, vec![0.0, 250.0]);
    assert_eq!(pit.charge, vec![0.0, 250.0]);
    assert_eq!(pit.discharge, vec![225.0, 0.0]);
    assert_close(pit.lost, 25.0, 1e-9);
    assert_close(pit.net_benefit, -2_250.0, 1e-9);
    // The sites' split adds up to the plan: the store is its site's.
    let split: f64 = plan.sites.iter().map(|s| s.benefit).sum();
    assert_close(split, 12_250.0, 1e-6);
    let incinerator = &plan.sites[0];
    assert_close(incinerator.as_supplier, -2_250.0, 1e-9);

    // Without the store: 10,000. A store that costs more than it saves is
    // left unbuilt, and the plan is the same.
    let costly = text.replace("capex = 20000.0", "capex = 50000.0");
    let plan = solve_text(&costly);
    assert_close(plan.objective.unwrap(), 10_000.0, 1e-6);
    assert_eq!(plan.links[0].by_period, vec![500.0, 250.0]);
    assert!(!plan.stores[0].built);
    assert_eq!(plan.stores[0].level, vec![0.0, 0.0]);

    // On annual totals (one period of the whole year): 15,000.
    let year = text
        .replace("id = \"winter\"\nshare = 0.5", "id = \"year\"\nshare = 1.0")
        .replace("[[periods]]\nid = \"summer\"\nshare = 0.5\n", "")
        .replace(
            "factors = { winter = 3.0, summer = 1.0 }",
            "factors = { year = 1.0 }",
        );
    let plan = solve_text(&year);
    assert_close(plan.objective.unwrap(), 15_000.0, 1e-6);
}

/// Every command that solves takes a scenario with periods; its plans carry
/// the periods and the flows by period.
#[test]
fn every_command_solves_a_scenario_with_periods() {
    let run = Symbio::new()
        .args(["solve", SEASONS, "--format", "json"])
        .run();
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["objective"], 12_250.0);
    assert_eq!(
        plan["links"][0]["by_period"],
        serde_json::json!([725.0, 250.0])
    );
    for args in [
        &["sweep", SEASONS, "--set", "stores.pit.capex=10000,50000"][..],
        &["pareto", SEASONS][..],
        &["compare", SEASONS, "--all"][..],
        &[
            "breakeven",
            SEASONS,
            "--param",
            "stores.pit.capex",
            "--range",
            "0..60000",
        ][..],
    ] {
        Symbio::new().args(args).run();
    }
    let sweep = Symbio::new()
        .args(["sweep", SEASONS, "--set", "stores.pit.capex=10000,50000"])
        .run();
    // At 10,000 the store pays (13,250); at 50,000 it does not (10,000).
    assert!(
        sweep.stdout.contains("\"objective\":13250.0"),
        "{}",
        sweep.stdout
    );
    assert!(
        sweep.stdout.contains("\"objective\":10000.0"),
        "{}",
        sweep.stdout
    );
    // The annual scenario still solves as before.
    let text = std::fs::read_to_string(crate::path("tests/data/hand.toml")).unwrap();
    let annual = symbio::scenario::read_str(Path::new("tests/data/hand.toml"), &text).unwrap();
    assert!(symbio::solve(&annual, &symbio::SolveOptions::default()).is_ok());
}

#[test]
fn an_including_file_replaces_a_period_and_adds_profiles() {
    // A variant over tests/data/periods.toml: winter's energy price retuned,
    // and the steelworks' slag made seasonal, without touching the base.
    let dir = Scratch::new();
    let base = std::fs::read_to_string(crate::path(PERIODS)).unwrap();
    dir.write("periods.toml", &base);
    dir.write(
        "hand.toml",
        &std::fs::read_to_string(crate::path("tests/data/hand.toml")).unwrap(),
    );
    let variant = dir.write(
        "variant.toml",
        r#"
[scenario]
currency = "EUR"
include = ["periods.toml"]

[[periods]]
id = "winter"
replace = true
share = 0.5
energy_price = 10.0

[[profiles]]
site = "steel"
output = "slag"
factors = { winter = 1.0, summer = 2.0 }
"#,
    );
    let s = symbio::scenario::read(&variant).unwrap();
    assert_eq!(s.periods[0].id, "winter");
    assert_close(s.periods[0].energy_price, 10.0, 1e-15);
    assert_close(s.output_in(OutputId(0), PeriodId(0)), 200.0, 1e-12);
    assert_close(s.output_in(OutputId(0), PeriodId(1)), 400.0, 1e-12);
    assert_eq!(s.profiles.len(), 3);
}

#[test]
fn fields_of_periods_profiles_and_stores_are_paths_of_the_analyses() {
    // A good path is solved at each value; a path to nothing is named as
    // such before any solve.
    let good = [
        "periods.summer.energy_price",
        "sites.town.inputs.heat.factors.winter",
        "sites.town.inputs.heat.prices.summer",
        "stores.town_tank.capacity",
    ];
    for p in good {
        let set = format!("{p}=0.5,1");
        Symbio::new()
            .args(["sweep", PERIODS, "--set", &set])
            .run()
            .stderr_contains("2 points solved: 2 optimal");
        Symbio::new()
            .args(["breakeven", PERIODS, "--param", p, "--range", "0.5..1"])
            .run();
    }
    // A period's share swept alone breaks the sum of the shares: named.
    Symbio::new()
        .args(["sweep", PERIODS, "--set", "periods.winter.share=0.5,1"])
        .expect_code(2)
        .run()
        .stderr_contains("the shares of the periods sum to 1.5");
    // Explicit quantities are a path too; a value that breaks their sum is
    // named as a file's would be.
    let q = "sites.chem.inputs.steam.quantities.winter";
    let set = format!("{q}=1500");
    Symbio::new()
        .args(["sweep", PERIODS, "--set", &set])
        .run()
        .stderr_contains("1 point");
    let set = format!("{q}=1000");
    Symbio::new()
        .args(["sweep", PERIODS, "--set", &set])
        .expect_code(2)
        .run()
        .stderr_contains("sum to 2500, but the stream's quantity is 3000");
    let bad = "sites.town.inputs.heat.factors.autumn";
    let set = format!("{bad}=1,2");
    let run = Symbio::new()
        .args(["sweep", PERIODS, "--set", &set])
        .expect_code(2)
        .run();
    run.stderr_contains("has no factors for period \"autumn\"");
    // Monte Carlo draws them too: the [[uncertainty]] paths are checked.
    let mut text = std::fs::read_to_string(crate::path(PERIODS)).unwrap();
    for p in good {
        text.push_str(&format!(
            "\n[[uncertainty]]\npath = \"{p}\"\ndistribution = \"uniform\"\nmin = 0.5\nmax = 1.0\n"
        ));
    }
    let dir = Scratch::new();
    dir.write(
        "hand.toml",
        &crate::read_path(&crate::path("tests/data/hand.toml")),
    );
    let mc = dir.write("mc.toml", &text);
    Symbio::new().arg("check").file_arg(&mc).run();
    Symbio::new()
        .args(["montecarlo", "--samples", "2"])
        .file_arg(&mc)
        .run();
    text.push_str(&format!(
        "\n[[uncertainty]]\npath = \"{bad}\"\ndistribution = \"uniform\"\nmin = 0.5\nmax = 1.0\n"
    ));
    let mc = dir.write("mc.toml", &text);
    Symbio::new()
        .arg("check")
        .file_arg(&mc)
        .expect_code(2)
        .run()
        .stderr_contains("has no factors for period \"autumn\"");
}

/// `file` with `shares` as its periods (flat: no profile), each at the
/// parameters' energy price.
fn with_periods(
    mut file: symbio::scenario::schema::ScenarioFile,
    shares: &[f64],
) -> symbio::scenario::schema::ScenarioFile {
    file.periods = shares
        .iter()
        .enumerate()
        .map(|(k, &share)| symbio::scenario::schema::PeriodFile {
            id: format!("p{k}"),
            name: None,
            share: Some(share),
            hours: None,
            energy_price: None,
            replace: false,
            source: None,
        })
        .collect();
    file
}

/// The objective of a scenario file at gap 0, as one MILP or part by part,
/// reduced or not.
fn objective_of(
    file: &symbio::scenario::schema::ScenarioFile,
    decompose: bool,
    reduce: Reduce,
) -> Option<f64> {
    let json = serde_json::to_string(file).unwrap();
    let s = symbio::scenario::read_str(Path::new("periods.json"), &json).expect("valid");
    let options = symbio::SolveOptions {
        gap: 0.0,
        decompose,
        reduce,
        ..Default::default()
    };
    let plan = symbio::solve(&s, &options).expect("solves");
    plan.status.has_plan().then(|| plan.objective.unwrap())
}

/// Shares of as many periods as `periods` allows that sum to 1.
pub(crate) fn shares(
    periods: std::ops::RangeInclusive<usize>,
) -> impl proptest::strategy::Strategy<Value = Vec<f64>> {
    use proptest::prelude::*;
    proptest::collection::vec(1u32..10, periods).prop_map(|w| {
        let total: u32 = w.iter().sum();
        let mut shares: Vec<f64> = w.iter().map(|&k| f64::from(k) / f64::from(total)).collect();
        // The last takes what rounding left, so that they sum to 1 exactly.
        let rest: f64 = shares[..shares.len() - 1].iter().sum();
        *shares.last_mut().unwrap() = 1.0 - rest;
        shares
    })
}

/// The two equivalences of docs/formulation.md, "Periods and stores": one
/// period of the whole year is today's model, and periods over which every
/// stream, price and capacity is flat give today's optimum.
fn assert_equivalent(file: symbio::scenario::schema::ScenarioFile, shares: &[f64]) {
    let annual = objective_of(&file, true, Reduce::Never);
    for (periods, decompose, reduce) in [
        (&[1.0][..], true, Reduce::Auto),
        (shares, true, Reduce::Auto),
        (shares, false, Reduce::Never),
        (shares, true, Reduce::Always),
    ] {
        let by_period = objective_of(&with_periods(file.clone(), periods), decompose, reduce);
        match (annual, by_period) {
            (Some(a), Some(b)) => assert!(
                (a - b).abs() <= 1e-6 * a.abs().max(1.0),
                "annual {a}, over {periods:?} {b}"
            ),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "annual {a:?}, by period {b:?}"),
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// On the oracle's tiny instances (existing links with recorded flows,
    /// forced and forbidden ones, capacities, distance limits).
    #[test]
    fn flat_periods_give_the_annual_optimum(inst in crate::oracle::instance(), shares in shares(1..=4)) {
        assert_equivalent(inst.scenario_file(), &shares);
    }

    /// On the plant oracle's instances (plants of several sizes, existing and
    /// forced ones).
    #[test]
    fn flat_periods_give_the_annual_optimum_with_plants(
        inst in crate::plant_oracle::instance(),
        shares in shares(1..=4),
    ) {
        assert_equivalent(inst.scenario_file(), &shares);
    }
}

/// A store works on one stream: a site that offers its material by two
/// outputs is named.
#[test]
fn a_store_on_two_streams_of_its_material_is_named() {
    let text = std::fs::read_to_string(crate::path(SEASONS))
        .unwrap()
        .replace(
            r#"outputs = [{ id = "heat", material = "heat", quantity = 1000.0 }]"#,
            r#"outputs = [
  { id = "heat", material = "heat", quantity = 1000.0 },
  { id = "steam", material = "heat", quantity = 10.0 },
]"#,
        );
    let e = symbio::scenario::read_str(Path::new("seasons.toml"), &text).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("stores"), "{text}");
    assert!(
        text.contains("\"incinerator\" has 2 outputs of \"heat\": a store works on one stream"),
        "{text}"
    );
}

/// A generated region over four seasons (seasonal heat, clinker and
/// aggregate; heat stores and slag stockpiles) with a time limit: a plan
/// with a bound above it, its flows by period summing to its annual flows,
/// and the same plan at gap 0 is at least as good.
#[test]
fn a_time_limited_region_by_period_has_a_plan_under_its_bound() {
    let catalog = crate::path("scenarios/catalog/default.toml");
    let text = symbio_testkit::generate::region(80, 4, &catalog.display().to_string());
    let text = symbio_testkit::generate::with_periods(&text, 4, 4);
    let s = symbio::scenario::read_str(Path::new("region.toml"), &text).unwrap();
    assert_eq!((s.periods.len(), s.stores.is_empty()), (4, false));
    let limited = symbio::SolveOptions {
        time_limit: Some(2.0),
        gap: 0.0,
        threads: 1,
        ..Default::default()
    };
    let plan = symbio::solve(&s, &limited).unwrap();
    assert!(plan.status.has_plan(), "{:?}", plan.status);
    let (objective, bound) = (plan.objective.unwrap(), plan.best_bound.unwrap());
    assert!(
        objective <= bound + 1e-6 * bound.abs(),
        "{objective} > {bound}"
    );
    for l in &plan.links {
        assert_eq!(l.by_period.len(), 4);
        let sum: f64 = l.by_period.iter().sum();
        assert!(
            (sum - l.flow).abs() <= 1e-6 * l.flow.max(1.0),
            "{sum} vs {}",
            l.flow
        );
    }
    let exact = symbio::SolveOptions {
        gap: 0.0,
        ..Default::default()
    };
    let best = symbio::solve(&s, &exact).unwrap();
    assert_eq!(best.status, symbio::Status::Optimal);
    let optimum = best.objective.unwrap();
    assert!(objective <= optimum + 1e-6 * optimum.abs() && optimum <= bound + 1e-6 * bound.abs());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6))]

    /// The reductions by period keep the optimum of generated regions over
    /// four seasons (seasonal heat, clinker and aggregate; heat stores and
    /// slag stockpiles): reduced or not, the same net benefit at gap 0; and
    /// cut short, a reduced solve's bound still holds the optimum.
    #[test]
    fn the_reductions_by_period_keep_the_optimum(seed in 0u64..1000) {
        let catalog = crate::path("scenarios/catalog/default.toml");
        let text = symbio_testkit::generate::region(40, seed, &catalog.display().to_string());
        let text = symbio_testkit::generate::with_periods(&text, 4, seed);
        let s = symbio::scenario::read_str(Path::new("region.toml"), &text).unwrap();
        let exact = |reduce| symbio::SolveOptions {
            gap: 0.0,
            reduce,
            ..Default::default()
        };
        let plain = symbio::solve(&s, &exact(Reduce::Never)).unwrap();
        let reduced = symbio::solve(&s, &exact(Reduce::Always)).unwrap();
        proptest::prop_assert_eq!(plain.status, symbio::Status::Optimal);
        proptest::prop_assert_eq!(reduced.status, symbio::Status::Optimal);
        let (a, b) = (plain.objective.unwrap(), reduced.objective.unwrap());
        proptest::prop_assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "plain {a}, reduced {b}");
        let short = symbio::SolveOptions {
            time_limit: Some(0.5),
            threads: 1,
            ..exact(Reduce::Always)
        };
        let cut = symbio::solve(&s, &short).unwrap();
        if let (Some(o), Some(bound)) = (cut.objective, cut.best_bound) {
            proptest::prop_assert!(o <= a + 1e-6 * a.abs().max(1.0), "{o} above the optimum {a}");
            proptest::prop_assert!(bound >= a - 1e-6 * a.abs().max(1.0), "bound {bound} below the optimum {a}");
        }
    }
}

/// `symbio breakeven` on a store's capex: the pit of the two-season case is
/// worth 4,500 − 250 = 4,250 EUR/yr before its capital, which over 10 years
/// pays a capex of 42,500; built below it, not above.
#[test]
fn breakeven_finds_where_a_store_stops_paying() {
    let run = Symbio::new()
        .args(["breakeven", SEASONS, "--param", "stores.pit.capex"])
        .args(["--range", "0..60000", "--format", "json"])
        .run();
    let r: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let events = r["stores"]["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(
        (e["store"].as_str(), e["built_above"].as_bool()),
        (Some("pit"), Some(false))
    );
    let (low, high) = (e["low"].as_f64().unwrap(), e["high"].as_f64().unwrap());
    assert!(
        low <= 42_500.0 + 1e-6 && 42_500.0 <= high + 1e-6,
        "{low}..{high}"
    );
    assert_eq!(r["stores"]["always_built"], serde_json::json!([]));
    let table = Symbio::new()
        .args(["breakeven", SEASONS, "--param", "stores.pit.capex"])
        .args(["--range", "0..60000"])
        .run();
    table.stdout_contains("built below");
}

/// `symbio compare` by period: each firm's figures and gains add up to the
/// plan's net benefit, the store's own net benefit its site's (the pit's
/// −2,250 at the incinerator), the link's surplus at each period's prices.
#[test]
fn compare_splits_a_plan_by_period_among_its_firms() {
    let run = Symbio::new()
        .args(["compare", SEASONS, "--format", "json"])
        .run();
    let c: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let v = &c["variants"][0];
    let net = v["net_benefit"].as_f64().unwrap();
    assert_close(net, 12_250.0, 1e-6);
    let sites = v["sites"].as_array().unwrap();
    let sum: f64 = sites
        .iter()
        .map(|s| s["optimized"]["net_benefit"].as_f64().unwrap())
        .sum();
    assert_close(sum, net, 1e-6);
    let gains = v["gains"]["sites"].as_array().unwrap();
    let sum: f64 = gains.iter().map(|g| g["gain"].as_f64().unwrap()).sum();
    assert_close(sum, net, 1e-6);
    let incinerator = &gains[0];
    assert_eq!(incinerator["site"], "incinerator");
    // Half the link's 14,500 surplus, less the store's 2,250.
    assert_close(
        incinerator["gain"].as_f64().unwrap(),
        7_250.0 - 2_250.0,
        1e-6,
    );
}

/// Individually rational plans are not yet made by period: refused by name.
#[test]
fn individually_rational_plans_by_period_are_refused_by_name() {
    Symbio::new()
        .args(["compare", SEASONS, "--individually-rational"])
        .expect_code(2)
        .run()
        .stderr_contains("is not yet computed by period");
}

/// `symbio check` on a region's hundreds of profiles lists the first 20 in
/// its table and says how many more; its JSON has them all.
#[test]
fn check_lists_the_first_profiles_and_counts_the_rest() {
    let catalog = crate::path("scenarios/catalog/default.toml");
    let text = symbio_testkit::generate::region(300, 2, &catalog.display().to_string());
    let text = symbio_testkit::generate::with_periods(&text, 4, 2);
    let dir = Scratch::new();
    let file = dir.write("region.toml", &text);
    let json = Symbio::new()
        .args(["check", "--format", "json"])
        .file_arg(&file)
        .run()
        .stdout_json();
    let profiles = json["profiles"].as_array().unwrap().len();
    assert!(profiles > 20, "{profiles} profiles");
    let table = Symbio::new().arg("check").file_arg(&file).run();
    let listed = table
        .stdout
        .lines()
        .filter(|l| l.contains(" GJ/yr): ") || l.contains(" t/yr): "))
        .count();
    assert_eq!(listed, 20, "{}", table.stdout);
    table.stdout_contains(&format!(
        "and {} more (all of them in --format json)",
        profiles - 20
    ));
}

/// An existing store on a stream no candidate link reaches (cement C is out
/// of trucking range) is bad input, named with its entry, as an existing
/// plant no link reaches is.
#[test]
fn an_existing_store_no_link_reaches_is_named() {
    let dir = Scratch::new();
    dir.write(
        "hand.toml",
        &std::fs::read_to_string(crate::path("tests/data/hand.toml")).unwrap(),
    );
    let text = data_with(
        PERIODS,
        "[[stores]]\nid = \"silo\"\nsite = \"cement_c\"\nmaterial = \"clinker\"\n\
         capacity = 100.0\nstatus = \"existing\"\nfixed_cost_per_year = 300.0\n",
    );
    let file = dir.write("periods.toml", &text);
    let run = Symbio::new()
        .arg("solve")
        .file_arg(&file)
        .expect_code(2)
        .run();
    run.stderr_contains("silo");
    run.stderr_contains("this existing store has no candidate link on its stream");
}
