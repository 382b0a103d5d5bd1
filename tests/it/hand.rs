//! The hand-solvable scenario of docs/worked-example.md, solved through the CLI.
//!
//! Worked out by hand (carbon price 10 EUR/t, circuity 1, discount rate 0):
//!
//! - slag → cement A, 10 km by truck: v = 10 + 1·(50 + 10·0.8) − 5 − 10·(0.1 + 10·0.0001)
//!   = 61.99 EUR/t; share bound 0.5·600 = 300 t; fixed 1000 EUR/yr.
//! - slag → cement B, 20 km: v = 63 − 20·0.101 = 60.98 EUR/t; bound 500 t.
//! - slag → cement C, 50 km: beyond the truck's 30 km: not a candidate.
//!   Only 600 t of slag: A (higher margin) takes its 300 t, B the other 300 t:
//!   300·61.99 − 1000 = 17,597 and 300·60.98 − 1000 = 17,294 EUR/yr.
//! - steam → chem, 5 km pipe: α = 1 − 0.01·5 = 0.95, v = 0.95·(20 + 10·0.2) = 20.9 EUR/t;
//!   bound 3000/0.95 = 3157.89 t sent; capex 5·100,000 = 500,000 over 10 years at 0 %:
//!   50,000 EUR/yr; value 20.9·3157.89 − 50,000 = 66,000 − 50,000 = 16,000 EUR/yr.
//! - steam → town, 40 km pipe: α = 0.6, v = 0.6·18 = 10.8 EUR/t, at most 1842 t left:
//!   19,894 − 400,000 < 0: not built.
//!
//! Optimum: 17,597 + 17,294 + 16,000 = 50,891 EUR/yr; CO2 avoided
//! 300·0.799 + 300·0.798 + 3157.89·0.19 = 239.7 + 239.4 + 600 = 1079.1 t/yr.

use std::path::Path;

use serde_json::Value;

use crate::{assert_close, Scratch, Symbio};

const HAND: &str = "tests/data/hand.toml";

fn plan() -> Value {
    Symbio::new()
        .args(["solve", "tests/data/hand.toml", "--format", "json"])
        .run()
        .stdout_json()
}

fn link<'a>(plan: &'a Value, from_output: &str, to_site: &str) -> &'a Value {
    plan["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["from_output"] == from_output && l["to_site"] == to_site)
        .unwrap_or_else(|| panic!("no link {from_output} -> {to_site} in the plan"))
}

#[test]
fn hand_solved_plan_is_reproduced() {
    let p = plan();
    assert_eq!(p["status"], "optimal");
    assert_close(p["objective"].as_f64().unwrap(), 50_891.0, 1e-9);
    assert_close(p["totals"]["net_benefit"].as_f64().unwrap(), 50_891.0, 1e-9);
    assert_close(p["totals"]["co2_avoided"].as_f64().unwrap(), 1079.1, 1e-9);
    assert_eq!(p["links"].as_array().unwrap().len(), 3);

    let a = link(&p, "slag", "cement_a");
    assert_close(a["flow"].as_f64().unwrap(), 300.0, 1e-9);
    assert_close(a["net_benefit"].as_f64().unwrap(), 17_597.0, 1e-9);
    assert_close(a["distance_km"].as_f64().unwrap(), 10.0, 1e-12);
    let b = link(&p, "slag", "cement_b");
    assert_close(b["flow"].as_f64().unwrap(), 300.0, 1e-9);
    assert_close(b["net_benefit"].as_f64().unwrap(), 17_294.0, 1e-9);
    let s = link(&p, "steam", "chem");
    assert_close(s["flow"].as_f64().unwrap(), 3000.0 / 0.95, 1e-8);
    assert_close(s["delivered"].as_f64().unwrap(), 3000.0, 1e-9);
    assert_close(s["net_benefit"].as_f64().unwrap(), 16_000.0, 1e-9);
    assert_close(s["capex"].as_f64().unwrap(), 500_000.0, 1e-12);
    // Payback: 500,000 / 66,000 EUR/yr before capital charges.
    assert_close(
        s["payback_years"].as_f64().unwrap(),
        500_000.0 / 66_000.0,
        1e-8,
    );
    assert_close(
        p["totals"]["heat_lost"]["t_steam"].as_f64().unwrap(),
        3000.0 / 0.95 - 3000.0,
        1e-8,
    );
    assert!(
        p["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["to_site"] != "town" && l["to_site"] != "cement_c"),
        "the town pipe does not pay and cement C is out of range"
    );
    assert_eq!(p["network"]["pruned_too_far"], 1);
}

#[test]
fn site_benefits_add_up_to_the_net_benefit() {
    let p = plan();
    let sum: f64 = p["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["benefit"].as_f64().unwrap())
        .sum();
    assert_close(sum, 50_891.0, 1e-8);
    // The steelworks only avoids disposal: 600 t × 10 EUR/t (the receivers pay transport).
    let steel = p["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site"] == "steel")
        .unwrap();
    assert_close(steel["benefit"].as_f64().unwrap(), 6000.0, 1e-9);
}

#[test]
fn table_output_matches_snapshot() {
    let run = Symbio::new().args(["solve", "tests/data/hand.toml"]).run();
    insta::assert_snapshot!("hand_table", run.stdout);
}

/// Bug: a plan using 10,345 t of 15,000 t of tyres gave no hint that the share
/// at the kilns bound. The plan now says, for each output and input used in
/// part, which limit stops more. In the hand plan (docs/worked-example.md) the
/// slag is used whole (300 t to each cement plant), the steam in part: the
/// chemical plant's 3,000 t demand is met, so `demand` binds it; cement A takes
/// 300 t of 600, its rule's 50 % share, with the slag used up; cement B 300 of
/// 1,000, held by the slag's supply alone. A capacity of 100 t on the link to
/// cement B leaves 200 t of slag: the share at A, that capacity, and cement C
/// (50 km, beyond the truck's 30 km) hold it.
#[test]
fn the_plan_says_which_limit_binds_each_stream_used_in_part() {
    let limits = |file: &Path| {
        let plan = Symbio::new()
            .arg("solve")
            .file_arg(file)
            .args(["--format", "json", "-q"])
            .run()
            .stdout_json();
        let mut by_stream = std::collections::BTreeMap::new();
        for l in plan["limits"].as_array().unwrap() {
            let binds: Vec<String> = l["binds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    let part = |k: &str| b[k].as_str().map(|v| format!(" {v}")).unwrap_or_default();
                    format!(
                        "{}{}{}",
                        b["limit"].as_str().unwrap(),
                        part("at"),
                        part("rule")
                    )
                })
                .collect();
            let key = format!(
                "{} {}",
                l["side"].as_str().unwrap(),
                l["stream"].as_str().unwrap()
            );
            by_stream.insert(key, (l["used"].as_f64().unwrap(), binds));
        }
        by_stream
    };
    let hand = limits(&crate::path(HAND));
    assert_eq!(hand.len(), 3, "{hand:?}");
    assert_eq!(hand["output steel/steam"].1, ["demand chem/steam"]);
    assert_eq!(
        hand["input cement_a/clinker"],
        (
            300.0,
            vec![
                "supply steel/slag".to_owned(),
                "share cement_a/clinker slag_for_clinker".to_owned()
            ]
        )
    );
    assert_eq!(
        hand["input cement_b/clinker"],
        (300.0, vec!["supply steel/slag".to_owned()])
    );

    let dir = Scratch::new();
    let capped = dir.write(
        "capped.toml",
        &format!(
            "[scenario]\nname = \"capped\"\ncurrency = \"EUR\"\ninclude = [{:?}]\n\
             [[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement_b\"\n\
             to_input = \"clinker\"\nmode = \"truck\"\ncapacity = 100.0\n",
            crate::path(HAND).display().to_string()
        ),
    );
    let capped = limits(&capped);
    let link = "steel/slag->cement_b/clinker@truck";
    assert_eq!(
        capped["output steel/slag"],
        (
            400.0,
            vec![
                "share cement_a/clinker slag_for_clinker".to_owned(),
                format!("capacity {link}"),
                "distance cement_c/clinker".to_owned()
            ]
        )
    );
    assert_eq!(
        capped["input cement_b/clinker"],
        (100.0, vec![format!("capacity {link}")])
    );

    // The table says the same in words, and the CSV of --table limits.
    let table = Symbio::new().args(["solve", HAND]).run().stdout;
    assert!(
        table.contains("Used in part, and what stops more"),
        "{table}"
    );
    for needle in [
        "input cement_a/clinker: 300 of 600 t/yr; supply of steel/slag; share of rule",
        "slag_for_clinker at",
        "output steel/steam: 3,158 of 5,000 t_steam/yr; demand of chem/steam",
    ] {
        assert!(table.contains(needle), "{needle}\n{table}");
    }
    let csv = Symbio::new()
        .args(["solve", HAND, "--format", "csv", "--table", "limits"])
        .run()
        .stdout;
    assert!(
        csv.starts_with("side,stream,quantity,used,unit,binds\n"),
        "{csv}"
    );
    assert!(csv.contains("\noutput,steel/steam,5000.0,"), "{csv}");
    assert!(csv.contains(",t_steam,demand of chem/steam\n"), "{csv}");
}
