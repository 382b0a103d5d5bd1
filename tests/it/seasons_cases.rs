//! The shipped cases over periods against the same scenarios on annual totals
//! (docs/validation.md, "Seasons: what they change"). Figures that follow from
//! the plans (shortfalls, unused supply, a store's break-even) are recomputed
//! here; the figures that only the solver gives are pinned as `symbio solve`
//! gave them at the commit of that page, within the tolerance beside each
//! (10⁻⁴ at most), so that a change that moves them is noticed and the page
//! revisited.

use serde_json::Value;

use symbio::domain::{InputId, OutputId, PeriodId};

use crate::{assert_close, Scratch, Symbio};

const KALUNDBORG: &str = "scenarios/kalundborg.toml";
const KALUNDBORG_SEASONS: &str = "scenarios/kalundborg-seasons.toml";
const LIUZHOU: &str = "scenarios/liuzhou.toml";
const LIUZHOU_SEASONS: &str = "scenarios/liuzhou/seasons.toml";

/// The plan of `file` at `--gap 0`, after checking that the default gap gives
/// the same optimum (a shipped scenario is solved to optimality either way).
fn plan(file: &str) -> Value {
    let solve = |gap: &[&str]| -> Value {
        let p = Symbio::new()
            .args(["solve", file, "--format", "json"])
            .args(gap)
            .run()
            .stdout_json();
        assert_eq!(p["status"], "optimal", "{file} {gap:?}");
        p
    };
    let exact = solve(&["--gap", "0"]);
    let default = solve(&[]);
    assert_close(
        default["objective"].as_f64().unwrap(),
        exact["objective"].as_f64().unwrap(),
        1e-9,
    );
    exact
}

fn objective(plan: &Value) -> f64 {
    plan["objective"].as_f64().unwrap()
}

/// The chosen link from `site/output` to `to_site`, if any.
fn link<'a>(plan: &'a Value, site: &str, output: &str, to_site: &str) -> Option<&'a Value> {
    plan["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["from_site"] == site && l["from_output"] == output && l["to_site"] == to_site)
}

fn by_period(l: &Value) -> Vec<f64> {
    l["by_period"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// What the links out of `site/output` send in each period.
fn sent(plan: &Value, site: &str, output: &str, periods: usize) -> Vec<f64> {
    let mut sum = vec![0.0; periods];
    for l in plan["links"].as_array().unwrap() {
        if l["from_site"] == site && l["from_output"] == output {
            for (s, f) in sum.iter_mut().zip(by_period(l)) {
                *s += f;
            }
        }
    }
    sum
}

/// What the links into `site` displace of its input in each period.
fn displaced(plan: &Value, site: &str, periods: usize) -> Vec<f64> {
    let mut sum = vec![0.0; periods];
    for l in plan["links"].as_array().unwrap() {
        if l["to_site"] == site {
            let per_unit = l["displaced"].as_f64().unwrap() / l["flow"].as_f64().unwrap();
            for (s, f) in sum.iter_mut().zip(by_period(l)) {
                *s += f * per_unit;
            }
        }
    }
    sum
}

fn scenario(file: &str) -> symbio::Scenario {
    symbio::scenario::read(&crate::path(file)).unwrap()
}

/// The quantity in each period of `site`'s output `id`, else of its input `id`.
fn quantities(s: &symbio::Scenario, site: &str, id: &str) -> Vec<f64> {
    let at = |stream: &str, of: symbio::domain::SiteId| stream == id && s.sites[of.0].id == site;
    let output = s.outputs.iter().position(|o| at(&o.id, o.site));
    let input = s.inputs.iter().position(|i| at(&i.id, i.site));
    (0..s.periods.len())
        .map(|p| match (output, input) {
            (Some(o), _) => s.output_in(OutputId(o), PeriodId(p)),
            (None, Some(i)) => s.input_in(InputId(i), PeriodId(p)),
            (None, None) => panic!("no stream {site}/{id}"),
        })
        .collect()
}

/// The objectives of a sweep's points, in order.
fn sweep(file: &str, sets: &[String]) -> Vec<f64> {
    let mut cmd = Symbio::new().args(["sweep", file, "--format", "json"]);
    for set in sets {
        cmd = cmd.args(["--set", set]);
    }
    let rows = cmd.run().stdout_json();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "optimal", "{r}");
            r["objective"].as_f64().unwrap()
        })
        .collect()
}

/// The plans of a scenario on annual totals and of its file with periods, and
/// the latter's scenario, which has `periods` periods.
fn annual_and_periods(
    annual: &str,
    with: &str,
    periods: usize,
) -> (Value, Value, symbio::Scenario) {
    let s = scenario(with);
    assert_eq!(s.periods.len(), periods, "{with}");
    (plan(annual), plan(with), s)
}

/// Capital recovery factor (docs/formulation.md).
fn crf(rate: f64, years: f64) -> f64 {
    rate / (1.0 - (1.0 + rate).powf(-years))
}

/// Kalundborg over four seasons: both heat candidates are still built; the
/// refinery's surplus heat loses what winter cannot take, and the town buys
/// the same amount elsewhere in winter. The loss of net benefit is that link's
/// loss alone (every other link keeps its annual total).
#[test]
fn kalundborg_over_seasons_keeps_its_heat_links_and_loses_refinery_heat() {
    let (annual, seasons, s) = annual_and_periods(KALUNDBORG, KALUNDBORG_SEASONS, 4);
    let n = s.periods.len();

    // Solver figures (docs/validation.md, "Kalundborg over four seasons").
    assert_close(objective(&seasons), 40_172_707.1, 1e-6);

    let refinery = |p: &Value| {
        link(p, "refinery", "surplus_heat", "kalundborg_forsyning")
            .expect("the refinery's heat pipe is built")
            .clone()
    };
    let (before, after) = (refinery(&annual), refinery(&seasons));
    for p in [&annual, &seasons] {
        assert!(link(p, "asnaes", "cooling_water_heat", "fish_farm").is_some());
    }
    let fish = |p: &Value| {
        link(p, "asnaes", "cooling_water_heat", "fish_farm").unwrap()["flow"]
            .as_f64()
            .unwrap()
    };
    assert_close(fish(&seasons), fish(&annual), 1e-9);
    let net = |l: &Value| l["net_benefit"].as_f64().unwrap();
    assert_close(
        objective(&annual) - objective(&seasons),
        net(&before) - net(&after),
        1e-6,
    );
    assert_close(objective(&annual) - objective(&seasons), 446_064.0, 1e-6);

    // Unused refinery heat: the output's quantity in each period less what is
    // sent; none in winter, 15,315 MWh in the other seasons (their split among
    // spring, summer and autumn is not unique, the total is).
    let supply = quantities(&s, "refinery", "surplus_heat");
    let out = sent(&seasons, "refinery", "surplus_heat", n);
    let unused: Vec<f64> = supply.iter().zip(&out).map(|(q, x)| q - x).collect();
    assert!(unused[0].abs() < 1e-3, "winter leaves {} MWh", unused[0]);
    assert!(unused.iter().all(|u| *u > -1e-3));
    assert_close(unused.iter().sum(), 15_315.0, 1e-4);

    // The town: short only in winter, by as much as the refinery heat it no
    // longer gets (on annual totals it is short of nothing).
    let demand = quantities(&s, "kalundborg_forsyning", "district_heat");
    let got = displaced(&seasons, "kalundborg_forsyning", n);
    let short: Vec<f64> = demand.iter().zip(&got).map(|(d, g)| d - g).collect();
    assert!(short[1..].iter().all(|x| x.abs() < 1e-3), "{short:?}");
    let lost = before["displaced"].as_f64().unwrap() - after["displaced"].as_f64().unwrap();
    assert_close(short[0], lost, 1e-6);
    assert_close(short[0], 8_595.0, 1e-4);

    let pit = &seasons["stores"][0];
    assert_eq!(pit["store"], "pit");
    assert_eq!(pit["built"], false);
}

/// The pit store at zero capex fills to its capacity in autumn and gives back
/// what a season's loss leaves in winter; it is worth 112,929 EUR/yr, so it
/// breaks even at that over the capital recovery factor, and the sweep switches
/// there.
#[test]
fn kalundborg_pit_store_breaks_even_at_its_value_over_the_crf() {
    let shipped = crate::read(KALUNDBORG_SEASONS);
    let include = crate::path("scenarios/kalundborg.toml");
    let free = shipped
        .replace(
            "include = [\"kalundborg.toml\"]",
            &format!("include = [{:?}]", include.display().to_string()),
        )
        .replace("capex = 2_280_000.0", "capex = 0.0");
    assert_ne!(free, shipped);
    let (_dir, file) = Scratch::with("free-pit.toml", &free);
    let p = Symbio::new()
        .args(["solve", "--gap", "0", "--format", "json"])
        .file_arg(&file)
        .run()
        .stdout_json();
    let pit = &p["stores"][0];
    assert_eq!(pit["built"], true);
    let s = scenario(KALUNDBORG_SEASONS);
    let store = &s.stores[0];
    let charge: Vec<f64> = pit["charge"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let discharge = pit["discharge"][0].as_f64().unwrap();
    // Filled in autumn (the last period) to its capacity, emptied in winter
    // after one season's loss.
    assert_close(charge[3], store.capacity, 1e-9);
    assert_close(
        discharge,
        store.capacity * (1.0 - store.loss_per_period),
        1e-9,
    );

    let base = objective(&plan(KALUNDBORG_SEASONS));
    let value = objective(&p) - base;
    assert_close(value, 112_929.0, 1e-4);
    let rate = s.parameters.discount_rate;
    let breakeven = value / crf(rate, store.lifetime_years);
    assert_close(breakeven, 1_108_754.0, 1e-4);
    let points = sweep(
        KALUNDBORG_SEASONS,
        &[format!(
            "stores.pit.capex={},{}",
            0.99 * breakeven,
            1.01 * breakeven
        )],
    );
    assert!(points[0] > base + 1.0, "built just below the break-even");
    assert_close(points[1], base, 1e-9);
}

/// Liuzhou over seasons and shifts: the heat users and the slag fit every
/// block; only the chemical plant's night steam changes, Liugang's even surplus
/// exceeding it at night. The slag stockpile is worth nothing: the surplus slag
/// of the leanest block is more than the cement plants take in the busiest.
#[test]
fn liuzhou_over_seasons_and_shifts_changes_only_the_night_steam() {
    let (annual, seasons, s) = annual_and_periods(LIUZHOU, LIUZHOU_SEASONS, 8);
    let n = s.periods.len();

    // Objectives are written to nine significant digits (±1 CNY here).
    assert_close(objective(&seasons), 861_701_698.0, 1e-8);
    let change = objective(&seasons) - objective(&annual);
    assert!((change + 19_770.0).abs() <= 2.0, "change {change}");

    // The same links; the heat users get what they got on annual totals.
    let keys = |p: &Value| -> Vec<String> {
        let mut k: Vec<String> = p["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{}/{}>{}", l["from_site"], l["from_output"], l["to_site"]))
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&seasons), keys(&annual));
    let flow =
        |p: &Value, site, output, to| link(p, site, output, to).unwrap()["flow"].as_f64().unwrap();
    let liubei = ("liugang_energy", "waste_heat", "heat_liubei");
    assert_close(
        flow(&seasons, liubei.0, liubei.1, liubei.2),
        flow(&annual, liubei.0, liubei.1, liubei.2),
        1e-8,
    );

    // Liugang's steam: all of it by day, some left at night.
    let supply = quantities(&s, "liugang_energy", "surplus_steam");
    let out = sent(&seasons, "liugang_energy", "surplus_steam", n);
    let names: Vec<&str> = s.periods.iter().map(|p| p.id.as_str()).collect();
    let mut unused = 0.0;
    for ((name, q), x) in names.iter().zip(&supply).zip(&out) {
        if name.ends_with("_day") {
            assert_close(*x, *q, 1e-6);
        } else {
            assert!(q - x > 1_000.0, "{name}: {x} of {q} sent");
            unused += q - x;
        }
    }
    assert_close(unused, 8_777.0, 1e-3);

    // The stockpile: nothing to carry, whatever it costs.
    let slag = quantities(&s, "liugang_gbfs_surplus", "gbfs");
    let taken = sent(&seasons, "liugang_gbfs_surplus", "gbfs", n);
    let leanest = slag.iter().cloned().fold(f64::INFINITY, f64::min);
    let busiest = taken.iter().cloned().fold(0.0, f64::max);
    assert!(leanest > busiest, "{leanest} t a block against {busiest}");
    assert_eq!(seasons["stores"][0]["built"], false);
    let free = sweep(
        LIUZHOU_SEASONS,
        &[
            "stores.slag_pile.capex=0".into(),
            "stores.slag_pile.cost_per_unit_charged=0".into(),
            "stores.slag_pile.fixed_cost_per_year=0".into(),
        ],
    );
    assert_close(free[0], objective(&seasons), 1e-9);
}
