//! The reference cases against their published figures (docs/validation.md). Each
//! tolerance is stated and justified beside its assertion, so that a change that moves
//! a result away from the published figure is noticed.

use serde_json::Value;

use crate::Symbio;

fn plan(file: &str) -> Value {
    let v = Symbio::new()
        .args(["solve", file, "--format", "json"])
        .run()
        .stdout_json();
    assert_eq!(v["status"], "optimal", "{file}");
    v
}

fn links(plan: &Value) -> &Vec<Value> {
    plan["links"].as_array().unwrap()
}

/// Asserts `actual` lies within `rel` (relative) of the published `expected` figure.
#[track_caller]
fn near_published(what: &str, actual: f64, expected: f64, rel: f64) {
    let dev = (actual - expected).abs() / expected.abs();
    assert!(
        dev <= rel,
        "{what}: symbio {actual}, published {expected}, off by {:.2} % (tolerance {:.1} %)",
        dev * 100.0,
        rel * 100.0
    );
}

/// Ulsan: SK Chemicals → SK Energy steam pipeline (Korean press 2011–2013).
#[test]
fn ulsan_steam_line_is_built_with_the_published_figures() {
    let p = plan("scenarios/ulsan-steam.toml");
    let ls = links(&p);
    assert_eq!(ls.len(), 1, "the pipeline is chosen");
    let l = &ls[0];
    assert_eq!(l["from_site"], "sk_chemicals");
    assert_eq!(l["to_site"], "sk_energy");
    assert_eq!(l["existing"], false);

    // "About 102,000 t CO2/yr": the published figure is rounded to the thousand, and
    // the scenario's factor (0.142 t/t) is itself that figure over 720,000 t rounded to
    // three digits (±0.35 %). 1 % covers both roundings.
    near_published(
        "CO2 avoided",
        l["co2_avoided"].as_f64().unwrap(),
        102_000.0,
        0.01,
    );

    // Steam delivered: 720,000 t/yr (sedaily; asiae 2013). Transport loss is on top of
    // it (the supply covers it), so delivered must match to rounding.
    near_published(
        "steam delivered",
        l["delivered"].as_f64().unwrap(),
        720_000.0,
        0.001,
    );

    // Simple payback 27.5 / 21.0 = 1.31 yr, published as "about 1.3 years" (one
    // decimal: ±0.05 yr, i.e. ±4 %).
    let payback = l["payback_years"].as_f64().unwrap();
    near_published("simple payback", payback, 1.3, 0.04);

    // Annual saving: published KRW 21.0 bn/yr (2011 estimate) and 18 bn/yr (2013
    // report). The operating saving (before capital charges) and the net benefit after
    // annualised capital must both fall in that range (1 % slack at the ends for the
    // rounding of the published figures to 0.1 bn).
    let capex = l["capex"].as_f64().unwrap();
    let operating = capex / payback;
    let net = p["totals"]["net_benefit"].as_f64().unwrap();
    for (what, v) in [("operating saving", operating), ("net benefit", net)] {
        assert!(
            (18.0e9 * 0.99..=21.0e9 * 1.01).contains(&v),
            "{what} {v} outside the published KRW 18–21 bn/yr"
        );
    }
    near_published("capex", capex, 27.5e9, 1e-9);
}

/// Kalundborg: the documented exchanges run at their recorded quantities, and the
/// CO2 total is compared with the published figure of the same scope.
#[test]
fn kalundborg_documented_exchanges_are_kept_at_their_recorded_quantities() {
    let p = plan("scenarios/kalundborg.toml");
    let ls = links(&p);
    let flow = |from_output: &str, to_site: &str| -> f64 {
        ls.iter()
            .filter(|l| {
                l["from_output"] == from_output && l["to_site"] == to_site && l["existing"] == true
            })
            .map(|l| l["flow"].as_f64().unwrap())
            .sum()
    };
    // Recorded quantities (IISD case study 77; Hutchinson; ieprime; symbiosis.dk 2022),
    // reproduced exactly: they are fixed in the model.
    let fly_ash = flow("fly_ash", "aalborg_portland") + flow("fly_ash", "road_construction");
    near_published("fly ash to cement and roads", fly_ash, 170_000.0, 1e-9);
    near_published(
        "FGD gypsum to Gyproc",
        flow("fgd_gypsum", "gyproc"),
        80_000.0,
        1e-9,
    );
    near_published(
        "sulphur to Kemira",
        flow("recovered_sulphur", "kemira_fredericia"),
        3_000.0,
        1e-9,
    );
    near_published(
        "steam to district heating",
        flow("steam", "kalundborg_forsyning"),
        225_000.0,
        1e-9,
    );
    near_published(
        "yeast to pig farms",
        flow("yeast_slurry", "pig_farms"),
        150_000.0,
        1e-9,
    );
    near_published(
        "wastewater heat to district heating",
        flow("wastewater_heat", "kalundborg_forsyning"),
        80_000.0,
        1e-9,
    );
    assert_eq!(p["totals"]["existing_links"], 9);

    // CO2: Reuters (2015) reports 270,000 t/yr for the exchanges (the scope closest to
    // this scenario's: the documented material and energy exchanges, no water, no later
    // partners). Tolerance 10 %: the scenario's CO2 factors are literature values, not
    // the partners' measured ones, and the exchange list is not identical to 2015's.
    near_published(
        "CO2 avoided vs Reuters 2015",
        p["totals"]["co2_avoided"].as_f64().unwrap(),
        270_000.0,
        0.10,
    );
}

/// Energy exchanged in tonnes of coal equivalent: heat delivered (GJ) plus steam
/// delivered at 2.7 GJ/t (the catalog's figure; steam tables give 2.69 GJ/t for
/// saturated steam at 1 MPa from 20 °C feedwater), over 29.3076 GJ/tce (Chinese standard).
fn energy_tce(plan: &Value) -> f64 {
    let gj: f64 = links(plan)
        .iter()
        .map(|l| {
            let d = l["delivered"].as_f64().unwrap();
            match l["unit"].as_str().unwrap() {
                "GJ" => d,
                "MWh" => d * 3.6,
                "t_steam" => d * 2.7,
                _ => 0.0,
            }
        })
        .sum();
    gj / 29.3076
}

/// Liuzhou: the full proposed network against Dong et al. (2014, Energy Policy
/// 65:388–397): about 2.5 Mt of materials and 45 thousand tce of energy exchanged,
/// 2,347.88 kt CO2/yr avoided. Per-exchange figures are not public, so every Liuzhou
/// quantity is an assumption built from plant capacities (scenarios/liuzhou/*.toml).
/// Such a reconstruction can claim order-of-magnitude agreement, not more: the bands
/// below (30 % for materials and CO2, 15 % for energy, which the steam and heat demand
/// bound more tightly) say how far it may drift before docs/validation.md must be
/// revisited.
#[test]
fn liuzhou_full_network_is_within_the_stated_bands_of_the_study() {
    let p = plan("scenarios/liuzhou.toml");
    let materials = p["totals"]["waste_diverted"]["t"].as_f64().unwrap();
    near_published("materials exchanged, t/yr", materials, 2_500_000.0, 0.30);
    near_published("energy exchanged, tce/yr", energy_tce(&p), 45_000.0, 0.15);
    near_published(
        "CO2 avoided, t/yr",
        p["totals"]["co2_avoided"].as_f64().unwrap(),
        2_347_880.0,
        0.30,
    );
}

/// The four study scenarios (energy network, waste plastics, scrap tyres, fly ash) and
/// the other by-products are variant files over one base: each solves, each gains over
/// the base, and since they compete for no common stream their gains add up to the
/// full network's gain over the base.
#[test]
fn liuzhou_variants_add_up_to_the_full_network() {
    let objective = |f: &str| plan(f)["objective"].as_f64().unwrap();
    let base = objective("scenarios/liuzhou/base.toml");
    let mut sum = 0.0;
    for v in ["energy", "plastics", "tyres", "fly-ash", "by-products"] {
        let gain = objective(&format!("scenarios/liuzhou/{v}.toml")) - base;
        assert!(gain > 0.0, "{v} gains nothing over the base");
        sum += gain;
    }
    let full = objective("scenarios/liuzhou.toml") - base;
    crate::assert_close(sum, full, 1e-8);
}
