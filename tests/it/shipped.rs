//! The shipped scenarios load, validate and solve.

use serde_json::Value;

use crate::Symbio;

fn solve_json(file: &str) -> Value {
    Symbio::new()
        .args(["solve", file, "--format", "json"])
        .run()
        .stdout_json()
}

#[test]
fn liuzhou_solves_to_optimality_with_its_existing_links() {
    let plan = solve_json("scenarios/liuzhou.toml");
    assert_eq!(plan["status"], "optimal");
    let scenario = symbio::scenario::read(&crate::path("scenarios/liuzhou.toml")).unwrap();
    let existing: Vec<_> = scenario
        .links
        .iter()
        .filter(|l| l.status == symbio::domain::LinkStatus::Existing)
        .collect();
    assert!(
        existing.len() >= 2,
        "Liuzhou records its steel–cement exchanges"
    );
    let links = plan["links"].as_array().unwrap();
    for fact in existing {
        let o = &scenario.outputs[fact.output.0];
        let i = &scenario.inputs[fact.input.0];
        let from_site = &scenario.sites[o.site.0].id;
        let to_site = &scenario.sites[i.site.0].id;
        let found = links.iter().find(|l| {
            l["from_site"] == from_site.as_str()
                && l["from_output"] == o.id.as_str()
                && l["to_site"] == to_site.as_str()
                && l["to_input"] == i.id.as_str()
        });
        let l = found.unwrap_or_else(|| panic!("existing link {from_site}/{} missing", o.id));
        assert_eq!(l["existing"], true);
        if let Some(q) = fact.quantity {
            crate::assert_close(l["flow"].as_f64().unwrap(), q, 1e-9);
        }
    }
    let objective = plan["objective"].as_f64().unwrap();
    crate::assert_close(
        plan["totals"]["net_benefit"].as_f64().unwrap(),
        objective,
        1e-8,
    );
}

#[test]
fn every_shipped_scenario_checks() {
    let mut dirs = vec![crate::path("scenarios")];
    let mut checked = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "toml") {
                Symbio::new().arg("check").file_arg(&p).run();
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} scenario files found");
}
