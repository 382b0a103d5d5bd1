//! Plants (docs/formulation.md, "Plants"): a grinding station solved by hand,
//! a plant that changes nothing, the same optimum whichever way the search
//! goes, and bad plant input named all at once.
//!
//! `tests/data/plants.toml` by hand (circuity 1, discount rate 0): the
//! steelworks' 1,000 t of slag (disposal 5 EUR/t) can be ground at its own
//! site (0 km) into GGBS at a yield of 0.95, for 10 EUR per t ground. GGBS
//! replaces clinker (60 EUR/t) up to half of each cement works' need: 600 t at
//! A and 300 t at B, each 10 km by truck (0.1 EUR/t/km, 1,000 EUR/yr a link).
//! A t of GGBS delivered is worth 60 − 1 = 59 EUR, and costs 1/0.95 t of slag
//! ground: (10 − 5)/0.95 = 5.26 EUR. All 900 t are worth taking: 947.37 t of
//! slag ground, above the small size (500 t): the large one, 5,000 EUR/yr.
//! Net benefit 900·59 + 947.37·(5 − 10) − 5,000 − 3·1,000 = 40,363.16 EUR/yr.
//! The station 25 km east stays closed.

use serde_json::Value;

use crate::{assert_close, Scratch, Symbio};

/// A test scenario's text with `extra` tables after it.
fn data_with(file: &str, extra: &str) -> String {
    let text = std::fs::read_to_string(crate::path(file)).unwrap();
    format!("{text}\n{extra}")
}

fn solve(path: &str, extra: &[&str]) -> Value {
    let mut args = vec!["solve", path, "--format", "json", "--gap", "0"];
    args.extend_from_slice(extra);
    Symbio::new().args(args).run().stdout_json()
}

#[test]
fn the_grinding_station_is_sited_and_sized_as_by_hand() {
    let p = solve("tests/data/plants.toml", &[]);
    assert_eq!(p["status"], "optimal");
    let ground = 900.0 / 0.95;
    let by_hand = 900.0 * 59.0 + ground * (5.0 - 10.0) - 5_000.0 - 3.0 * 1_000.0;
    assert_close(p["objective"].as_f64().unwrap(), by_hand, 1e-8);
    assert_close(p["totals"]["net_benefit"].as_f64().unwrap(), by_hand, 1e-8);
    let plants = p["plants"].as_array().unwrap();
    assert_eq!(plants.len(), 2);
    let at_steel = &plants[0];
    assert_eq!(at_steel["plant"], "grinder_at_steel");
    assert_eq!(at_steel["open"], true);
    assert_eq!(at_steel["size"], "large");
    assert_close(at_steel["throughput"].as_f64().unwrap(), ground, 1e-8);
    assert_close(
        at_steel["utilisation"].as_f64().unwrap(),
        ground / 2000.0,
        1e-8,
    );
    assert_close(at_steel["made"]["ggbs"].as_f64().unwrap(), 900.0, 1e-8);
    assert_close(at_steel["sent"]["ggbs"].as_f64().unwrap(), 900.0, 1e-8);
    assert_close(
        at_steel["net_benefit"].as_f64().unwrap(),
        -(10.0 * ground + 5_000.0),
        1e-8,
    );
    assert_eq!(plants[1]["open"], false);
    // Its operator is the steelworks: the plant's own figures are the steelworks'.
    let sites = p["sites"].as_array().unwrap();
    assert!(sites.iter().all(|s| s["site"] != "grinder_at_steel"));
    let total: f64 = sites.iter().map(|s| s["benefit"].as_f64().unwrap()).sum();
    assert_close(total, by_hand, 1e-8);
    // Slag ground is waste diverted; GGBS delivered is what displaces clinker.
    assert_close(
        p["totals"]["waste_diverted"]["t"].as_f64().unwrap(),
        ground,
        1e-8,
    );
    assert_close(
        p["totals"]["virgin_displaced"]["t"].as_f64().unwrap(),
        900.0,
        1e-8,
    );
}

#[test]
fn one_milp_and_the_parts_agree_with_plants() {
    let parts = solve("tests/data/plants.toml", &[]);
    let whole = solve("tests/data/plants.toml", &["--no-decompose"]);
    assert_eq!(parts["objective"], whole["objective"]);
    assert_eq!(parts["plants"], whole["plants"]);
}

/// A plant of yield 1, no cost and room for everything at a supplier's own
/// site offers nothing a direct exchange does not: the optimum is unchanged.
#[test]
fn a_free_pass_through_plant_changes_nothing() {
    let base = solve("tests/data/hand.toml", &[]);
    let text = data_with(
        "tests/data/hand.toml",
        r#"
[[technologies]]
id = "pass"
inputs = [{ material = "slag" }]
outputs = [{ material = "slag", yield = 1.0 }]
sizes = [{ id = "any", capacity = 1000000.0 }]

[[plants]]
id = "pass_at_steel"
technology = "pass"
site = "steel"
"#,
    );
    let (_dir, path) = Scratch::with("hand_pass.toml", &text);
    let with = solve(path.to_str().unwrap(), &[]);
    assert_eq!(with["status"], "optimal");
    assert_close(
        with["objective"].as_f64().unwrap(),
        base["objective"].as_f64().unwrap(),
        1e-9,
    );
}

#[test]
fn bad_plants_are_named_all_at_once() {
    let text = data_with(
        "tests/data/plants.toml",
        r#"
[[technologies]]
id = "broken"
inputs = [{ material = "gbfs" }]
outputs = [{ material = "ggbs", yield = 0.0 }]
sizes = [{ id = "s", capacity = 0.0 }]

[[technologies]]
id = "back"
inputs = [{ material = "ggbs" }]
outputs = [{ material = "gbfs", yield = 1.0 }]
sizes = [{ id = "s", capacity = 10.0 }]

[[plants]]
id = "nowhere"
technology = "grindng"

[[plants]]
id = "steel"
technology = "grinding"
site = "steel"
"#,
    );
    let (_dir, path) = Scratch::with("bad_plants.toml", &text);
    let run = Symbio::new()
        .args(["check", path.to_str().unwrap()])
        .expect_code(2)
        .run();
    for needle in [
        "technologies[1].outputs[0].yield",
        "technologies[1].sizes[0].capacity",
        "loops back into itself",
        "plants[2].technology",
        "unknown technology \"grindng\", did you mean `grinding`?",
        "a plant needs a place",
        "plants[3].id",
        "plants and sites share ids",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            run.stderr
        );
    }
}

/// `tests/data/plants.toml` with the grinder at the steelworks running today
/// at its small size, fed and sending to cement A by existing links.
fn with_existing_grinder() -> String {
    let text = std::fs::read_to_string(crate::path("tests/data/plants.toml")).unwrap();
    let text = text.replace(
        "id = \"grinder_at_steel\"\ntechnology = \"grinding\"\nsite = \"steel\"\n",
        "id = \"grinder_at_steel\"\ntechnology = \"grinding\"\nsite = \"steel\"\n\
         status = \"existing\"\nsize = \"small\"\n",
    );
    assert!(text.contains("status = \"existing\""));
    format!(
        "{text}\n{}",
        r#"
[[links]]
from_site = "steel"
from_output = "gbfs"
to_site = "grinder_at_steel"
to_input = "gbfs"
mode = "truck"
status = "existing"

[[links]]
from_site = "grinder_at_steel"
from_output = "ggbs"
to_site = "cement_a"
to_input = "clinker"
mode = "truck"
status = "existing"
"#
    )
}

/// `compare` takes the existing plant as today's, and every firm's figure
/// (a plant's to its operator, a plant without one as a firm of its own)
/// sums to the plan's net benefit, before and after transfers and in the
/// Shapley value.
#[test]
fn compare_counts_an_existing_plant_as_today_and_its_operator_as_a_firm() {
    let (_dir, path) = Scratch::with("existing_grinder.toml", &with_existing_grinder());
    let c = Symbio::new()
        .args([
            "compare",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--allocation",
            "shapley",
        ])
        .run()
        .stdout_json();
    // Today: 500 t of slag ground at the small size, 475 t of GGBS to cement A.
    let today = 500.0 * 5.0 - 1_000.0 + 475.0 * 59.0 - 1_000.0 - 500.0 * 10.0 - 2_000.0;
    assert_close(c["baseline"]["net_benefit"].as_f64().unwrap(), today, 1e-8);
    let v = &c["variants"][0];
    let total = v["net_benefit"].as_f64().unwrap();
    let firms: Vec<&str> = v["gains"]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["site"].as_str().unwrap())
        .collect();
    assert!(firms.contains(&"steel") && firms.contains(&"grinder_east"));
    assert!(!firms.contains(&"grinder_at_steel"), "{firms:?}");
    for (list, field) in [
        ("gains", "gain"),
        ("gains", "before_transfers"),
        ("shapley", "value"),
    ] {
        let sum: f64 = v[list]["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g[field].as_f64().unwrap())
            .sum();
        assert_close(sum, total, 1e-6);
    }
}

/// The plants in CSV (`--table plants`: a row per plant with its streams by
/// material) and in DOT (hexagons, dotted when closed).
#[test]
fn plants_are_rows_of_their_own_and_hexagons() {
    let csv = Symbio::new()
        .args([
            "solve",
            "tests/data/plants.toml",
            "--format",
            "csv",
            "--table",
            "plants",
        ])
        .run()
        .stdout;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..3], ["plant", "name", "technology"]);
    assert_eq!(
        &header[header.len() - 3..],
        ["inputs.gbfs", "made.ggbs", "sent.ggbs"]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(rows[0][col("open")], "true");
    assert_eq!(rows[0][col("size")], "large");
    assert_eq!(rows[0][col("sent.ggbs")], "900.0");
    assert_eq!(rows[1][col("open")], "false");
    // Every stream of the technology has its cell, 0 where nothing goes.
    assert_eq!(rows[1][col("sent.ggbs")], "0.0");
    assert_eq!(rows[1][col("inputs.gbfs")], "0.0");
    let dot = Symbio::new()
        .args(["solve", "tests/data/plants.toml", "--format", "dot"])
        .run()
        .stdout;
    assert!(dot.contains("\"grinder_at_steel\" [label=\"grinder_at_steel\\n(grinder_at_steel)\\ngrinding large, 47 % used\", shape=hexagon, style=solid];"), "{dot}");
    assert!(dot.contains("shape=hexagon, style=dotted"), "{dot}");
    assert!(!dot.contains("\"grinder_east\" [label=\"grinder_east\\n(grinder_east)\"];"));
}

/// A scenario with plants goes to a workbook and back: the sheets of
/// technologies (with their inputs, outputs and sizes) and plants, and the
/// same optimum from the imported file.
#[test]
fn plants_go_to_a_workbook_and_back() {
    let dir = Scratch::new();
    let book = dir.path("plants.xlsx");
    Symbio::new()
        .args(["export", "tests/data/plants.toml", "--to", "xlsx", "-o"])
        .arg(&book)
        .run()
        .stderr_contains("(15 sheets)");
    let back = dir.path("back.toml");
    Symbio::new()
        .arg("import")
        .arg(&book)
        .arg("-o")
        .arg(&back)
        .run();
    let text = dir.read("back.toml");
    for table in ["[[technologies]]", "[[technologies.sizes]]", "[[plants]]"] {
        assert!(text.contains(table), "no {table} in:\n{text}");
    }
    let original = solve("tests/data/plants.toml", &[]);
    let imported = solve(back.to_str().unwrap(), &[]);
    assert_eq!(original["objective"], imported["objective"]);
    assert_eq!(original["plants"], imported["plants"]);
}

/// With the plants' own costs their operators', the individually rational
/// plan keeps every firm at least at its gain of today and its gains sum to
/// its net benefit.
#[test]
fn an_individually_rational_plan_counts_a_plant_as_its_operators() {
    let (_dir, path) = Scratch::with("existing_grinder.toml", &with_existing_grinder());
    let c = Symbio::new()
        .args([
            "compare",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--individually-rational",
        ])
        .run()
        .stdout_json();
    let ir = &c["variants"][0]["individually_rational"];
    assert_eq!(ir["status"], "optimal");
    let sites = ir["sites"].as_array().unwrap();
    let mut sum = 0.0;
    for site in sites {
        let (gain, base) = (
            site["gain"].as_f64().unwrap(),
            site["baseline_gain"].as_f64().unwrap(),
        );
        assert!(gain >= base - 1e-6 * base.abs().max(1.0), "{site}");
        sum += gain;
    }
    assert_close(sum, ir["net_benefit"].as_f64().unwrap(), 1e-6);
    assert!(sites.iter().any(|s| s["site"] == "grinder_east"));
}

/// Two modes into a plant at its site: the conveyor (no fixed cost) does all
/// the truck does at 0 km and more, so the truck link is left out as
/// dominated and every command sees one link there.
#[test]
fn a_parallel_link_into_a_plant_that_another_mode_beats_is_left_out() {
    let text = data_with(
        "tests/data/plants.toml",
        r#"
[[modes]]
id = "conveyor"
units = ["t"]
max_distance_km = 2.0
"#,
    );
    let (_dir, path) = Scratch::with("conveyor.toml", &text);
    let p = solve(path.to_str().unwrap(), &[]);
    let base = solve("tests/data/plants.toml", &[]);
    // The conveyor saves the truck's fixed cost of the 0 km link.
    assert_close(
        p["objective"].as_f64().unwrap(),
        base["objective"].as_f64().unwrap() + 1_000.0,
        1e-9,
    );
    let into: Vec<&Value> = p["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["to_site"] == "grinder_at_steel")
        .collect();
    assert_eq!(into.len(), 1);
    assert_eq!(into[0]["mode"], "conveyor");
    assert_eq!(
        p["network"]["candidate_links"].as_u64().unwrap(),
        base["network"]["candidate_links"].as_u64().unwrap(),
        "the truck link at 0 km is replaced, not added to"
    );
}

/// Shards of a solve with plants merge into the plan of one solve.
#[test]
fn shards_with_plants_merge_into_the_plan_of_one_solve() {
    let dir = Scratch::new();
    let mut shards = Vec::new();
    for k in 0..2 {
        let out = dir.path(&format!("shard{k}.json"));
        Symbio::new()
            .args(["solve", "tests/data/plants.toml", "--gap", "0", "--shard"])
            .arg(format!("{k}/2"))
            .arg("-o")
            .arg(&out)
            .run();
        shards.push(out);
    }
    let merged = Symbio::new()
        .arg("merge")
        .arg(&shards[0])
        .arg(&shards[1])
        .args(["--scenario", "tests/data/plants.toml", "--format", "json"])
        .run()
        .stdout_json();
    let whole = solve("tests/data/plants.toml", &[]);
    assert_eq!(merged["objective"], whole["objective"]);
    assert_eq!(merged["plants"], whole["plants"]);
    assert_eq!(merged["sites"], whole["sites"]);
}

/// The report has a section of plants: the open one with its size and use,
/// the closed one said to be closed.
#[test]
fn the_report_shows_each_plant() {
    let dir = Scratch::new();
    let page = dir.path("plants.html");
    Symbio::new()
        .args(["report", "tests/data/plants.toml", "-o"])
        .arg(&page)
        .run();
    let html = dir.read("plants.html");
    let section = html
        .split("<section id=\"plants\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("a section of plants");
    assert!(
        section.contains("1 of 2 candidate plants open"),
        "{section}"
    );
    assert!(section.contains("large (2,000 /yr)"), "{section}");
    assert!(section.contains("47 %"), "{section}");
    assert!(
        section.contains("947 gbfs") && section.contains("900 ggbs"),
        "{section}"
    );
    assert!(section.contains("closed"), "{section}");
}

/// A sweep of a scenario with plants says which plants each point opens, in
/// its JSON Lines and in a CSV column that reads back; a scenario without
/// plants keeps its columns.
#[test]
fn sweep_rows_name_the_plants_each_point_opens() {
    let rows = Symbio::new()
        .args([
            "sweep",
            "tests/data/plants.toml",
            "--set",
            "technologies.grinding.operating_cost=0,60",
        ])
        .run()
        .stdout_rows();
    assert_eq!(
        rows[0]["plants"],
        serde_json::json!(["grinder_at_steel:large"])
    );
    // At 60 EUR/t grinding costs more than GGBS saves: nothing opens.
    assert_eq!(rows[1]["plants"], serde_json::json!([]));
    let dir = Scratch::new();
    let csv = dir.path("sweep.csv");
    Symbio::new()
        .args([
            "sweep",
            "tests/data/plants.toml",
            "--set",
            "technologies.grinding.operating_cost=0,60",
            "-o",
        ])
        .arg(&csv)
        .run();
    let text = dir.read("sweep.csv");
    let header = text.lines().next().unwrap();
    assert!(
        header.ends_with(",existing_links,plants,chosen,reason,error"),
        "{header}"
    );
    // The rows read back (the report reads sweep CSVs).
    Symbio::new()
        .args(["report", "--sweep"])
        .arg(&csv)
        .arg("-o")
        .arg(dir.path("sweep.html"))
        .run();
    let plain = Symbio::new()
        .args([
            "sweep",
            "tests/data/hand.toml",
            "--set",
            "parameters.carbon_price=0,10",
            "--format",
            "csv",
        ])
        .run()
        .stdout;
    assert!(!plain.lines().next().unwrap().contains("plants"));
}

/// On the report's map a plant of its own place is a diamond and a site with
/// a plant at it is ringed; a map without plants has neither.
#[test]
fn plants_are_diamonds_on_the_map() {
    let dir = Scratch::new();
    for (file, plants) in [
        ("tests/data/plants.toml", true),
        ("tests/data/hand.toml", false),
    ] {
        let page = dir.path("page.html");
        Symbio::new()
            .args(["report", file, "--force", "-o"])
            .arg(&page)
            .run();
        let html = dir.read("page.html");
        let map = html
            .split("<section id=\"map-section\">")
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .expect("a map");
        // grinder_east stands alone; grinder_at_steel at the steelworks.
        assert_eq!(map.contains("<rect class=\"plant\""), plants, "{file}");
        assert_eq!(map.contains("class=\"plant-ring\""), plants, "{file}");
        assert_eq!(map.contains("Plants are diamonds"), plants, "{file}");
    }
}

/// What a time limit leaves when the search found nothing: the empty plan,
/// with the plants that must open at their cheapest size (and the plan's
/// figures agree with it), or no plan when a group asks for plants open.
#[test]
fn a_time_limit_leaves_the_empty_plan_with_plants_that_must_open() {
    let base = std::fs::read_to_string(crate::path("tests/data/plants.toml")).unwrap();
    let read = |text: &str| {
        let s = symbio::scenario::read_str(std::path::Path::new("p.toml"), text).unwrap();
        let net = symbio::network::build(&s).unwrap();
        (s, net)
    };
    let (s, net) = read(&base);
    let empty = symbio::model::unsolved(&s, &net, &[]);
    assert_eq!(empty.status, symbio::Status::TimeLimit);
    assert_eq!(empty.objective, Some(0.0));
    // The grinder at the steelworks forced: it opens small (2,000 EUR/yr).
    let forced = base.replace(
        "id = \"grinder_at_steel\"\ntechnology = \"grinding\"\nsite = \"steel\"\n",
        "id = \"grinder_at_steel\"\ntechnology = \"grinding\"\nsite = \"steel\"\nstatus = \"forced\"\n",
    );
    let (s, net) = read(&forced);
    let empty = symbio::model::unsolved(&s, &net, &[]);
    assert_eq!(empty.objective, Some(-2_000.0));
    let plan = symbio::plan::assemble(&s, &net, &empty);
    assert_close(plan.totals.figures.net_benefit, -2_000.0, 1e-12);
    assert_eq!(plan.plants[0].size.as_deref(), Some("small"));
    // A group that asks for a plant open: no empty plan.
    let group = format!(
        "{base}\n[[plant_groups]]\nid = \"one\"\ntechnology = \"grinding\"\nmin_open = 1\n"
    );
    let (s, net) = read(&group);
    let none = symbio::model::unsolved(&s, &net, &[]);
    assert_eq!(none.status, symbio::Status::TimeLimitNoSolution);
}
