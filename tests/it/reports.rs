//! The plan's reports (`symbio solve --format csv|geojson|dot`, the library's
//! `symbio::report`): GeoJSON checked against RFC 7946's shape and the sites'
//! known coordinates, CSV read back with the csv crate against the plan JSON,
//! DOT and CSV snapshots, and the coordinates the plan JSON's links carry.

use serde_json::Value;

use crate::Symbio;

const LIUZHOU: &str = "scenarios/liuzhou.toml";
const KALUNDBORG: &str = "scenarios/kalundborg.toml";
const HAND: &str = "tests/data/hand.toml";

/// The stdout of `symbio solve file --format format` and more args.
fn solve(file: &str, format: &str, more: &[&str]) -> String {
    Symbio::new()
        .args([&["solve", file, "--format", format], more].concat())
        .run()
        .stdout
}

fn plan(file: &str) -> Value {
    serde_json::from_str(&solve(file, "json", &[])).expect("plan JSON")
}

/// The text of a JSON value as a CSV cell holds it (nothing for null).
fn as_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON object's fields, nested objects by dotted path.
fn flat(prefix: &str, v: &Value, into: &mut Vec<(String, Value)>) {
    for (k, v) in v.as_object().expect("an object") {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(_) => flat(&key, v, into),
            _ => into.push((key, v.clone())),
        }
    }
}

/// A position `[lon, lat]` in range.
#[track_caller]
fn position(p: &Value) -> (f64, f64) {
    let p = p.as_array().expect("a position is an array");
    assert_eq!(p.len(), 2, "a position is [lon, lat]: {p:?}");
    let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    assert!((-180.0..=180.0).contains(&lon), "longitude {lon}");
    assert!((-90.0..=90.0).contains(&lat), "latitude {lat}");
    (lon, lat)
}

/// The RFC 7946 checks of a plan's GeoJSON: a FeatureCollection of Features,
/// a Point per site, a LineString per chosen link between its sites' points.
fn check_geojson(file: &str, site: &str, lat: f64, lon: f64) {
    let plan = plan(file);
    let doc: Value = serde_json::from_str(&solve(file, "geojson", &[])).expect("GeoJSON is JSON");
    assert_eq!(doc["type"], "FeatureCollection");
    let features = doc["features"].as_array().expect("features[]");
    let (sites, links) = (
        plan["sites"].as_array().unwrap(),
        plan["links"].as_array().unwrap(),
    );
    assert!(!links.is_empty(), "{file}: a plan with links");
    assert_eq!(features.len(), sites.len() + links.len());
    let mut points = std::collections::HashMap::new();
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert!(f["properties"].is_object());
        let g = &f["geometry"];
        match g["type"].as_str() {
            Some("Point") => {
                let id = f["properties"]["id"].as_str().unwrap().to_owned();
                points.insert(id, position(&g["coordinates"]));
            }
            Some("LineString") => {
                let line = g["coordinates"].as_array().unwrap();
                assert_eq!(line.len(), 2);
                for p in line {
                    position(p);
                }
            }
            other => panic!("geometry type {other:?}"),
        }
    }
    assert_eq!(points.len(), sites.len());
    // Longitude first.
    assert_eq!(points[site], (lon, lat), "{site}");
    for (site_json, f) in sites.iter().zip(features) {
        let p = &f["properties"];
        assert_eq!(p["id"], site_json["site"]);
        assert_eq!(p["name"], site_json["name"]);
        assert_eq!(p["benefit"], site_json["benefit"]);
        assert_eq!(p["co2_avoided"], site_json["co2_avoided"]);
        assert!(p.get("sector").is_some());
    }
    for (link, f) in links.iter().zip(&features[sites.len()..]) {
        assert_eq!(f["geometry"]["type"], "LineString");
        let line = f["geometry"]["coordinates"].as_array().unwrap();
        let from = link["from_site"].as_str().unwrap();
        let to = link["to_site"].as_str().unwrap();
        assert_eq!(position(&line[0]), points[from], "{from}");
        assert_eq!(position(&line[1]), points[to], "{to}");
        let mut fields = link.as_object().unwrap().clone();
        fields.remove("from_location");
        fields.remove("to_location");
        assert_eq!(f["properties"], Value::Object(fields));
    }
}

#[test]
fn geojson_of_liuzhou_is_an_rfc_7946_feature_collection_lon_first() {
    // scenarios/liuzhou/base.toml: liugang at lat 24.372, lon 109.398.
    check_geojson(LIUZHOU, "liugang", 24.372, 109.398);
}

#[test]
fn geojson_of_kalundborg_is_an_rfc_7946_feature_collection_lon_first() {
    let plan = plan(KALUNDBORG);
    let first = &plan["links"][0];
    let (site, at) = (
        first["from_site"].as_str().unwrap(),
        &first["from_location"],
    );
    check_geojson(
        KALUNDBORG,
        site,
        at["lat"].as_f64().unwrap(),
        at["lon"].as_f64().unwrap(),
    );
}

#[test]
fn geojson_of_sites_in_x_y_km_is_refused_with_exit_2() {
    let run = Symbio::new()
        .args(["solve", HAND, "--format", "geojson"])
        .expect_code(2)
        .run();
    run.stderr_contains("GeoJSON needs sites with lat/lon")
        .stderr_contains("x_km/y_km");
    assert!(run.stdout.is_empty());
}

/// The CSV read back: its header, and each row's cells against the JSON items.
fn check_csv(text: &str, items: &[Value]) -> Vec<String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.expect("a CSV record")).collect();
    assert_eq!(rows.len(), items.len());
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row.len(), header.len());
        let mut fields = Vec::new();
        flat("", item, &mut fields);
        // Every JSON field has its column, and every cell is its JSON field.
        for (key, _) in &fields {
            assert!(header.contains(key), "no column {key}: {header:?}");
        }
        for (column, cell) in header.iter().zip(row) {
            let json = fields
                .iter()
                .find(|(k, _)| k == column)
                .map_or(String::new(), |(_, v)| as_cell(v));
            assert_eq!(cell, json, "column {column}");
        }
    }
    header
}

#[test]
fn csv_links_read_back_equal_the_plan_json() {
    let plan = plan(LIUZHOU);
    let links = plan["links"].as_array().unwrap();
    let header = check_csv(&solve(LIUZHOU, "csv", &[]), links);
    assert_eq!(
        header[..5],
        ["from_site", "from_output", "to_site", "to_input", "mode"]
    );
    assert!(header.ends_with(&[
        "from_location.lat".to_owned(),
        "from_location.lon".to_owned(),
        "to_location.lat".to_owned(),
        "to_location.lon".to_owned(),
    ]));
    // Descriptions hold commas: they are quoted, and read back whole.
    assert!(links
        .iter()
        .any(|l| l["description"].as_str().unwrap().contains(',')));
    // --table links is the default.
    assert_eq!(
        solve(LIUZHOU, "csv", &["--table", "links"]),
        solve(LIUZHOU, "csv", &[])
    );
}

#[test]
fn csv_links_of_x_y_km_sites_have_x_y_columns() {
    let plan = plan(HAND);
    let header = check_csv(&solve(HAND, "csv", &[]), plan["links"].as_array().unwrap());
    assert!(header.contains(&"from_location.x_km".to_owned()));
    assert!(header.contains(&"to_location.y_km".to_owned()));
}

#[test]
fn csv_sites_read_back_equal_the_plan_json() {
    let plan = plan(LIUZHOU);
    let header = check_csv(
        &solve(LIUZHOU, "csv", &["--table", "sites"]),
        plan["sites"].as_array().unwrap(),
    );
    assert_eq!(header[0], "site");
}

#[test]
fn table_without_format_csv_is_a_usage_error() {
    Symbio::new()
        .args(["solve", HAND, "--table", "sites"])
        .expect_code(2)
        .run()
        .stderr_contains("--format csv");
}

#[test]
fn plan_json_links_carry_their_sites_locations() {
    let plan = plan(LIUZHOU);
    let link = plan["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["from_site"] == "liugang")
        .expect("a link from liugang");
    assert_eq!(
        link["from_location"],
        serde_json::json!({ "lat": 24.372, "lon": 109.398 })
    );
    assert!(link["to_location"]["lat"].is_number());
    let hand = self::plan(HAND);
    assert!(hand["links"][0]["from_location"]["x_km"].is_number());
    assert!(hand["links"][0]["to_location"]["y_km"].is_number());
}

#[test]
fn dot_draws_every_site_and_link_existing_ones_bold() {
    let plan = plan(LIUZHOU);
    let dot = solve(LIUZHOU, "dot", &[]);
    assert!(dot.starts_with("digraph \""));
    assert!(dot.ends_with("}\n"));
    let links = plan["links"].as_array().unwrap();
    let edges: Vec<&str> = dot.lines().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(edges.len(), links.len());
    for (edge, link) in edges.iter().zip(links) {
        let from = format!(
            "\"{}\" -> \"{}\"",
            link["from_site"].as_str().unwrap(),
            link["to_site"].as_str().unwrap()
        );
        assert!(edge.contains(&from), "{edge}");
        let style = if link["existing"] == true {
            "style=bold"
        } else {
            "style=dashed"
        };
        assert!(edge.contains(style), "{edge}");
    }
    for site in plan["sites"].as_array().unwrap() {
        assert!(dot.contains(&format!(
            "\n  \"{}\" [label=",
            site["site"].as_str().unwrap()
        )));
    }
}

#[test]
fn snapshots_of_dot_and_csv() {
    insta::assert_snapshot!("solve_liuzhou__dot", solve(LIUZHOU, "dot", &[]));
    insta::assert_snapshot!("solve_liuzhou__csv", solve(LIUZHOU, "csv", &[]));
    insta::assert_snapshot!(
        "solve_liuzhou__csv_sites",
        solve(LIUZHOU, "csv", &["--table", "sites"])
    );
}

/// The two plants of `validation::BASE`, the steelworks named `Steel "works"`
/// and located by `steel`, the cement plant by `cement` (TOML lines, or nothing
/// for no location), with the link between them 12 km long when `distance`.
fn two_plants(steel: &str, cement: &str, distance: bool) -> symbio::Scenario {
    let mut text = crate::validation::BASE
        .replace(
            "id = \"steel\"\nx_km = 0.0\ny_km = 0.0\n",
            &format!("id = \"steel\"\nname = 'Steel \"works\"'\n{steel}\n"),
        )
        .replace(
            "id = \"cement\"\nx_km = 10.0\ny_km = 0.0\n",
            &format!("id = \"cement\"\n{cement}\n"),
        );
    if distance {
        text += "[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement\"\nto_input = \"clinker\"\ndistance_km = 12.0\n";
    }
    symbio::scenario::read_str(std::path::Path::new("two.toml"), &text).expect("valid")
}

#[test]
fn geojson_gives_unlocated_sites_and_their_links_a_null_geometry() {
    use symbio::report::geojson;
    let s = two_plants("lat = 55.0\nlon = 11.0", "", true);
    let plan = symbio::solve(&s, &symbio::SolveOptions::default()).unwrap();
    assert_eq!(plan.links.len(), 1);
    let doc: Value = serde_json::from_str(&geojson::collection(&plan, &s).unwrap()).unwrap();
    let f = doc["features"].as_array().unwrap();
    assert_eq!(f.len(), 3);
    assert_eq!(
        f[0]["geometry"]["coordinates"],
        serde_json::json!([11.0, 55.0])
    );
    assert_eq!(f[0]["properties"]["name"], "Steel \"works\"");
    assert_eq!(f[1]["geometry"], Value::Null);
    assert_eq!(f[2]["geometry"], Value::Null);
    assert_eq!(f[2]["properties"]["from_site"], "steel");
    // No location at all is no map.
    let none = two_plants("", "", true);
    let plan = symbio::solve(&none, &symbio::SolveOptions::default()).unwrap();
    let e = geojson::collection(&plan, &none).unwrap_err();
    assert!(
        matches!(e, symbio::report::Error::NeedsLatLon { .. }),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("no site of the scenario has a location"),
        "{e}"
    );
}

#[test]
fn dot_escapes_quotes_in_names() {
    let s = two_plants("x_km = 0.0\ny_km = 0.0", "x_km = 10.0\ny_km = 0.0", false);
    let plan = symbio::solve(&s, &symbio::SolveOptions::default()).unwrap();
    let dot = symbio::report::dot::graph(&plan, &s);
    assert!(
        dot.contains(r#""steel" [label="Steel \"works\"\n(steel)"];"#),
        "{dot}"
    );
    assert!(
        dot.contains(r#""steel" -> "cement" [label="slag\n60 t/yr", style=dashed];"#),
        "{dot}"
    );
}

#[test]
fn a_plan_without_links_is_a_csv_header_and_a_graph_without_edges() {
    // An existing link recording 500 t of the 100 t of slag: infeasible (exit 1).
    let text = crate::validation::BASE.to_owned()
        + "[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement\"\n\
           to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = 500.0\n";
    let (_dir, p) = crate::Scratch::with("infeasible.toml", &text);
    let run = |format: &str| {
        Symbio::new()
            .arg("solve")
            .file_arg(&p)
            .args(["--format", format])
            .expect_code(1)
            .run()
            .stdout
    };
    let csv = run("csv");
    assert_eq!(csv.lines().count(), 1, "{csv}");
    assert!(csv.starts_with("from_site,from_output,to_site,to_input,mode,"));
    let dot = run("dot");
    assert!(!dot.contains(" -> "), "{dot}");
    assert!(dot.contains("\"steel\" [label="), "{dot}");
}
