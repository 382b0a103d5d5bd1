//! `symbio report`: the HTML page of a plan, a comparison, sweep rows and a
//! Pareto front (its rendering in a browser is `browser.rs`). A snapshot of the
//! hand-solvable district's page, its figures against the JSON outputs of
//! `solve`, `compare`, `sweep` and `pareto`, escaping of names from the
//! scenario, and the command line's refusals.

use serde_json::Value;

use crate::{read, Scratch, Symbio};

const HAND: &str = "tests/data/hand.toml";
const THREE: &str = "tests/data/compare-three.toml";

/// The page `symbio report` writes with `args`, read from its output file.
fn report(scratch: &Scratch, args: &[&str]) -> String {
    let out = scratch.path("report.html");
    Symbio::new()
        .arg("report")
        .args(args)
        .arg("-o")
        .file_arg(&out)
        .run();
    scratch.read("report.html")
}

/// The `data-value` of the element with `id`.
#[track_caller]
fn value_of(page: &str, id: &str) -> f64 {
    let at = page
        .find(&format!("id=\"{id}\" data-value=\""))
        .unwrap_or_else(|| panic!("no #{id} with a data-value"));
    let rest = &page[at + id.len() + 18..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

/// The `<main>` of a page: what it shows, without the style sheet and script.
fn main_of(page: &str) -> &str {
    let start = page.find("<main>").expect("a main");
    let end = page.find("</main>").expect("main ends") + "</main>".len();
    &page[start..end]
}

#[test]
fn the_page_of_the_hand_district() {
    let scratch = Scratch::new();
    let page = report(&scratch, &[HAND]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing is fetched.
    for outside in ["http://", "https://", "src=", "@import", "url(http"] {
        assert!(
            !page.contains(outside),
            "the page refers outside: {outside}"
        );
    }
    // One line per section, so that a change shows where it is.
    insta::assert_snapshot!(
        "report_hand__main",
        main_of(&page).replace("</section>", "</section>\n")
    );
}

#[test]
fn the_same_scenario_gives_the_same_page() {
    let scratch = Scratch::new();
    let a = report(&scratch, &[HAND]);
    let b = report(&scratch, &[HAND, "--threads", "2"]);
    assert_eq!(a, b);
}

#[test]
fn totals_links_and_firms_are_the_plan_s() {
    let scratch = Scratch::new();
    let page = report(&scratch, &[HAND]);
    let plan = Symbio::new()
        .args(["solve", HAND, "--format", "json"])
        .run()
        .stdout_json();
    let t = &plan["totals"];
    assert_eq!(
        value_of(&page, "total-net-benefit"),
        t["net_benefit"].as_f64().unwrap()
    );
    assert_eq!(
        value_of(&page, "total-co2-avoided"),
        t["co2_avoided"].as_f64().unwrap()
    );
    let links = plan["links"].as_array().unwrap();
    assert_eq!(page.matches("<path class=\"link ").count(), links.len());
    assert_eq!(page.matches("<tr class=\"exchange\"").count(), links.len());
    let firms = plan["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["benefit"] != 0.0 || s["co2_avoided"] != 0.0)
        .count();
    assert_eq!(page.matches("<tr class=\"firm\"").count(), firms);
    // The hand district is in x/y km: drawn as it is.
    assert!(page.contains("x/y km as in the scenario"));
}

#[test]
fn names_from_the_scenario_are_escaped() {
    let text = read(HAND).replace(
        "name = \"Steelworks\"",
        "name = \"<script>alert('x')</script> & \\\"Steel\\\"\"",
    );
    let (scratch, file) = Scratch::with("hostile.toml", &text);
    let page = report(&scratch, &[file.to_str().unwrap()]);
    assert!(!page.contains("<script>alert"), "a name became markup");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Steel&quot;")
    );
    // The page's own script is its only one.
    assert_eq!(page.matches("<script").count(), 1);
}

#[test]
fn compare_shows_today_the_optimum_and_the_shapley_values() {
    let scratch = Scratch::new();
    let page = report(&scratch, &[THREE, "--compare", "--allocation", "shapley"]);
    let c = Symbio::new()
        .args([
            "compare",
            THREE,
            "--allocation",
            "shapley",
            "--format",
            "json",
        ])
        .run()
        .stdout_json();
    assert_eq!(
        value_of(&page, "compare-baseline-net-benefit"),
        c["baseline"]["net_benefit"].as_f64().unwrap()
    );
    let v = &c["variants"][0];
    assert_eq!(
        value_of(&page, "compare-optimum-net-benefit"),
        v["net_benefit"].as_f64().unwrap()
    );
    assert!(page.contains("<svg id=\"map-today\"") && page.contains("<svg id=\"map-optimum\""));
    let shapley: Vec<f64> = v["shapley"]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["value"] != 0.0)
        .map(|s| s["value"].as_f64().unwrap())
        .collect();
    assert!(!shapley.is_empty());
    for value in shapley {
        assert!(
            page.contains(&format!("class=\"n shapley\" data-value=\"{value}\"")),
            "Shapley value {value} not shown"
        );
    }
    // One table per firm: a row per site with a gain, its gain after the
    // transfers as compare's JSON has it, the same site nowhere else.
    for site in v["gains"]["sites"].as_array().unwrap() {
        let gain = site["gain"].as_f64().unwrap();
        if gain == 0.0 && site["baseline_gain"] == 0.0 && site["before_transfers"] == 0.0 {
            continue;
        }
        let id = site["site"].as_str().unwrap();
        let row = format!("<tr class=\"firm gain\" data-site=\"{id}\">");
        assert_eq!(page.matches(&row).count(), 1, "{id}");
        let cells = &page[page.find(&row).unwrap()..];
        let cells = &cells[..cells.find("</tr>").unwrap()];
        assert!(
            cells.contains(&format!("data-value=\"{gain}\"")),
            "{id}: {cells}"
        );
    }
    assert_eq!(
        page.matches("<tr class=\"gain\"").count(),
        0,
        "a second view of the firms"
    );
    // Without --allocation shapley, no Shapley column.
    let split = report(&scratch, &[THREE, "--compare"]);
    assert!(split.contains("id=\"compare-gains\"") && !split.contains("Shapley value"));
}

#[test]
fn sweep_rows_are_drawn_against_the_swept_field() {
    let scratch = Scratch::new();
    let rows = scratch.path("rows.jsonl");
    Symbio::new()
        .args([
            "sweep",
            HAND,
            "--set",
            "parameters.carbon_price=0..40:20",
            "-q",
            "-o",
        ])
        .file_arg(&rows)
        .run();
    let page = report(&scratch, &["--sweep", rows.to_str().unwrap()]);
    assert!(!page.contains("id=\"map\""), "no plan without a scenario");
    let text = scratch.read("rows.jsonl");
    let values: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(values.len(), 3);
    assert_eq!(page.matches("<tr class=\"sweep-row\"").count(), 3);
    for row in &values {
        let nb = row["totals"]["net_benefit"].as_f64().unwrap();
        assert!(page.contains(&format!("data-value=\"{nb}\"")), "row {row}");
    }
    // The axis names the field in words with its unit; the lead counts points.
    assert!(page.contains("carbon price (parameters.carbon_price), currency/t CO2e"));
    assert!(page.contains("3 points: ") && !page.contains("(s)"));
    // A point per row in each chart.
    for chart in ["sweep-net-benefit", "sweep-co2"] {
        let at = page.find(&format!("<svg id=\"{chart}\"")).unwrap();
        let svg = &page[at..at + page[at..].find("</svg>").unwrap()];
        assert_eq!(svg.matches("<circle class=\"point\"").count(), 3, "{chart}");
    }
}

#[test]
fn a_front_is_drawn_with_both_benefits() {
    let scratch = Scratch::new();
    let front = scratch.path("front.json");
    Symbio::new()
        .args(["pareto", HAND, "--points", "4", "--format", "json", "-o"])
        .file_arg(&front)
        .run();
    let f: Value = serde_json::from_str(&scratch.read("front.json")).unwrap();
    let points = f["points"].as_array().unwrap();
    let page = report(&scratch, &[HAND, "--pareto", front.to_str().unwrap()]);
    assert!(page.contains("id=\"total-net-benefit\""), "the plan too");
    let at = page.find("<svg id=\"pareto-front\"").unwrap();
    let svg = &page[at..at + page[at..].find("</svg>").unwrap()];
    assert_eq!(
        svg.matches("<circle class=\"point\"").count(),
        2 * points.len()
    );
    assert_eq!(
        page.matches("<tr class=\"front-point\"").count(),
        points.len()
    );
}

#[test]
fn what_report_refuses() {
    // Nothing to report.
    Symbio::new()
        .args(["report", "-o", "-"])
        .expect_code(2)
        .run()
        .stderr_contains("FILE");
    // --allocation is a flag of --compare.
    Symbio::new()
        .args(["report", HAND, "--allocation", "shapley", "-o", "-"])
        .expect_code(2)
        .run()
        .stderr_contains("--compare");
    // --compare needs the scenario.
    let (scratch, rows) = Scratch::with("rows.jsonl", "{\"not\": \"a row\"}\n");
    Symbio::new()
        .args(["report", "--compare", "--sweep"])
        .file_arg(&rows)
        .expect_code(2)
        .run();
    // Rows that are not rows, a front that is not a front: the file is named.
    Symbio::new()
        .args(["report", "--sweep"])
        .file_arg(&rows)
        .expect_code(2)
        .run()
        .stderr_contains("rows.jsonl: sweep rows: line 1");
    let bad = scratch.write("front.json", "[1, 2]");
    Symbio::new()
        .args(["report", "--pareto"])
        .file_arg(&bad)
        .expect_code(2)
        .run()
        .stderr_contains("front.json: Pareto front");
}

#[test]
fn an_infeasible_plan_is_written_with_why_and_exits_1() {
    // An existing link recording more slag than the steelworks offers.
    let text = read(HAND)
        + "\n[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement_a\"\n\
           to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = 100000.0\n";
    let (scratch, file) = Scratch::with("recorded.toml", &text);
    let out = scratch.path("report.html");
    Symbio::new()
        .args(["report"])
        .file_arg(&file)
        .arg("-o")
        .file_arg(&out)
        .expect_code(1)
        .run();
    let page = scratch.read("report.html");
    assert!(page.contains("no feasible plan"));
    assert!(page.contains("<li class=\"conflict\">supply of steel/slag: limit 600 t/yr"));
    assert_eq!(page.matches("<path class=\"link ").count(), 0);
    assert_eq!(value_of(&page, "total-links"), 0.0);
}

/// The value of attribute `name` in the tag text `tag`.
fn attr_of(tag: &str, name: &str) -> f64 {
    let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
}

/// Bug: map labels overlapped and were cut at the map's edge. On the Liuzhou
/// map (15 sites, several in one park) every marker carries its number, the
/// key names every place, and the labels drawn (6.6 px a character, as the page
/// sets them) overlap neither one another nor a marker, and stay inside the map.
#[test]
fn map_labels_do_not_collide() {
    let scratch = Scratch::new();
    let page = report(&scratch, &["scenarios/liuzhou.toml"]);
    let at = page.find("<svg id=\"map\"").unwrap();
    let map = &page[at..at + page[at..].find("</svg>").unwrap()];
    let (width, height) = {
        let tag = &map[..map.find('>').unwrap()];
        (attr_of(tag, "width"), attr_of(tag, "height"))
    };
    let markers: Vec<[f64; 4]> = map
        .split("<circle ")
        .skip(1)
        .map(|c| {
            let c = format!(" {c}");
            let (x, y) = (attr_of(&c, "cx"), attr_of(&c, "cy"));
            [x - 9.0, y - 9.0, x + 9.0, y + 9.0]
        })
        .collect();
    let numbers = map.matches("class=\"place-number\"").count();
    assert_eq!(numbers, markers.len());
    assert_eq!(page.matches("<li><span class=\"num\">").count(), numbers);
    let labels: Vec<[f64; 4]> = map
        .split("<text class=\"place-label\"")
        .skip(1)
        .map(|t| {
            let text = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            let (x, y) = (attr_of(t, "x"), attr_of(t, "y"));
            let w = 6.6 * text.chars().count() as f64;
            [x, y - 7.0, x + w, y + 7.0]
        })
        .collect();
    assert!(labels.len() >= 5, "{} labels", labels.len());
    let overlap =
        |a: &[f64; 4], b: &[f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    for (k, a) in labels.iter().enumerate() {
        assert!(
            a[0] >= 0.0 && a[2] <= width && a[1] >= 0.0 && a[3] <= height,
            "{a:?}"
        );
        for b in &labels[k + 1..] {
            assert!(!overlap(a, b), "labels {a:?} and {b:?} overlap");
        }
        for m in &markers {
            assert!(!overlap(a, m), "label {a:?} covers marker {m:?}");
        }
    }
}

/// With periods the page charts each energy stream by period (supply against
/// what is sent, demand against what arrives) and each store's stock; the
/// figures are the plan's. Without periods there is no such section.
#[test]
fn the_seasons_of_a_plan_by_period_are_charted() {
    let scratch = Scratch::new();
    let page = report(&scratch, &["tests/data/seasons.toml"]);
    let at = page
        .find("<section id=\"seasons\">")
        .expect("a seasons section");
    let section = &page[at..at + page[at..].find("</section>").unwrap()];
    assert_eq!(section.matches("<figure class=\"season\">").count(), 3);
    for tip in [
        "winter: supply 500 MWh",
        "winter: sent 725 MWh",
        "summer: demand 250 MWh",
        "summer: arrives 250 MWh",
        "summer: stock at the end 250 MWh",
        "winter: capacity 300 MWh",
    ] {
        assert!(section.contains(tip), "{tip} in {section}");
    }
    let annual = report(&scratch, &[HAND]);
    assert!(!annual.contains("id=\"seasons\""));
}
