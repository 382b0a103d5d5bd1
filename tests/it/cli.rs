//! The CLI's contract: JSON schema and round trip, determinism, atomic output, status
//! and exit codes.

use symbio::plan::Plan;

use crate::{path, scenario_file, symbio};

#[test]
fn json_round_trips_through_the_plan_type() {
    let run = symbio(&["solve", "tests/data/hand.toml", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan: Plan = serde_json::from_str(&run.stdout).expect("the JSON is a Plan");
    let again = serde_json::to_string_pretty(&plan).unwrap() + "\n";
    assert_eq!(again, run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for key in ["status", "objective", "gap", "totals", "links", "sites"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in ["net_benefit", "co2_avoided", "transport_energy_gj"] {
        assert!(v["totals"].get(key).is_some(), "missing totals.{key}");
    }
    for key in [
        "from_site",
        "from_output",
        "to_site",
        "to_input",
        "mode",
        "distance_km",
        "flow",
        "delivered",
        "net_benefit",
        "co2_avoided",
        "existing",
    ] {
        assert!(v["links"][0].get(key).is_some(), "missing links[].{key}");
    }
}

#[test]
fn json_is_identical_whatever_the_thread_count() {
    for file in ["tests/data/hand.toml", "scenarios/liuzhou.toml"] {
        let one = symbio(&["solve", file, "--format", "json", "--threads", "1"]);
        let two = symbio(&["solve", file, "--format", "json", "--threads", "2"]);
        assert_eq!(one.code, 0, "{}", one.stderr);
        assert_eq!(two.code, 0, "{}", two.stderr);
        assert_eq!(one.stdout, two.stdout, "{file}");
    }
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    let run = symbio(&[
        "solve",
        "tests/data/hand.toml",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    let stdout = symbio(&["solve", "tests/data/hand.toml", "--format", "json"]).stdout;
    assert_eq!(text, stdout);
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn output_into_a_missing_directory_fails_without_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing").join("plan.json");
    let run = symbio(&[
        "solve",
        "tests/data/hand.toml",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn infeasible_scenario_is_a_status_and_exit_code_1() {
    // An existing link whose recorded quantity exceeds the supply.
    let text = std::fs::read_to_string(path("tests/data/hand.toml")).unwrap()
        + "\n[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement_b\"\n\
           to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = 900.0\n";
    let (_dir, p) = scenario_file("infeasible.toml", &text);
    let run = symbio(&["solve", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["status"], "infeasible");
    assert!(v["links"].as_array().unwrap().is_empty());
    let table = symbio(&["solve", p.to_str().unwrap()]);
    assert!(table.stdout.contains("infeasible"), "{}", table.stdout);
}

#[test]
fn schema_is_json_schema_of_the_file_format() {
    let run = symbio(&["schema"]);
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v["$schema"].as_str().unwrap().contains("json-schema"));
    let props = &v["properties"];
    for key in [
        "scenario",
        "parameters",
        "materials",
        "modes",
        "rules",
        "sites",
        "links",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
}

#[test]
fn json_scenario_gives_the_same_plan_as_toml() {
    let text = std::fs::read_to_string(path("tests/data/hand.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let json = serde_json::to_string(&value).unwrap();
    let (_dir, p) = scenario_file("hand.json", &json);
    let a = symbio(&["solve", p.to_str().unwrap(), "--format", "json"]);
    let b = symbio(&["solve", "tests/data/hand.toml", "--format", "json"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn time_limit_is_accepted_and_reported() {
    let run = symbio(&[
        "solve",
        "tests/data/hand.toml",
        "--format",
        "json",
        "--time-limit",
        "30",
        "--gap",
        "0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["gap"], 0.0);
}
