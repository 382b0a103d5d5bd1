//! Mandatory flows that cannot fit (the bug: a recorded 500,000 t on an existing
//! link whose output offers 100,000 t passed `check` and `solve` said only
//! "infeasible"). `check` now lists each constraint the recorded flows exceed
//! and exits 2; `solve` names them in its table and in the plan's
//! `infeasibility`. On generated instances, the analysis finds a conflict
//! exactly when the MILP is infeasible.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use proptest::test_runner::{Config, TestRunner};
use symbio::network::mandatory;
use symbio::{SolveOptions, Status};

use crate::oracle::instance;
use crate::{read, Run, Scratch, Symbio};

/// The hand-solvable district (`tests/data/hand.toml`) with the steelworks
/// offering `supply` t of slag, Cement A buying `demand` t of clinker, the slag
/// rule allowed to cover all of an input, and an existing truck link from one to
/// the other recording `quantity` t (with a `capacity`, if given).
fn district(supply: f64, demand: f64, quantity: f64, capacity: Option<f64>) -> String {
    let mut text = read("tests/data/hand.toml");
    for (from, to) in [
        (
            r#"{ id = "slag", material = "slag", quantity = 600.0"#,
            format!(r#"{{ id = "slag", material = "slag", quantity = {supply:?}"#),
        ),
        (
            r#"inputs = [{ id = "clinker", material = "clinker", quantity = 600.0"#,
            format!(r#"inputs = [{{ id = "clinker", material = "clinker", quantity = {demand:?}"#),
        ),
        ("max_share = 0.5", "max_share = 1.0".to_owned()),
    ] {
        assert_eq!(text.matches(from).count(), 1, "hand.toml has one {from}");
        text = text.replace(from, &to);
    }
    let capacity = capacity.map_or(String::new(), |c| format!("capacity = {c:?}\n"));
    text + &format!(
        "\n[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement_a\"\n\
         to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = {quantity:?}\n{capacity}"
    )
}

const KEY: &str = "steel/slag->cement_a/clinker@truck";

/// `symbio <command> FILE [--format json]` on a scenario text, which must exit with `code`.
fn run(command: &str, file: &Path, json: bool, code: i32) -> Run {
    let format: &[&str] = if json { &["--format", "json"] } else { &[] };
    Symbio::new()
        .arg(command)
        .file_arg(file)
        .args(format)
        .expect_code(code)
        .run()
}

/// What one conflict must say: the constraint, its subject (`output` or `input`
/// id and its `site/id`), the limit, the requirement and the excess, as the
/// table writes them and as JSON numbers.
struct Expected<'a> {
    constraint: &'a str,
    subject: Option<(&'a str, &'a str)>,
    text: &'a str,
    figures: [f64; 3],
}

/// `check` exits 2, naming the file, `links[0].quantity`, the link and the
/// conflict on stderr and in its JSON; `solve` exits 1 and names it in its table
/// and in the plan's `infeasibility`.
fn assert_named(file: &Path, e: &Expected) {
    let check = run("check", file, false, 2);
    check
        .stdout_contains("no plan can exist: 1 constraint exceeded")
        .stderr_contains(&file.display().to_string())
        .stderr_contains(&format!("links[0].quantity (id \"{KEY}\")"))
        .stderr_contains(e.text);
    let json = run("check", file, true, 2);
    json.stderr_contains(e.text);
    let report = json.stdout_json();
    let conflicts = report["conflicts"]
        .as_array()
        .expect("check lists conflicts");
    assert_eq!(conflicts.len(), 1, "{report:#}");
    let c = &conflicts[0];
    assert_conflict(c, e);
    assert_eq!(c["fields"][0]["path"], "links[0].quantity");
    assert_eq!(c["fields"][0]["file"], file.display().to_string());

    run("solve", file, false, 1)
        .stdout_contains("infeasible")
        .stdout_contains("Conflicting constraints")
        .stdout_contains(e.text)
        .stdout_contains(KEY);
    let plan = run("solve", file, true, 1).stdout_json();
    assert_eq!(plan["status"], "infeasible");
    let why = plan["infeasibility"].as_array().expect("the plan says why");
    assert_eq!(why.len(), 1, "{plan:#}");
    assert_conflict(&why[0], e);
    assert!(why[0].get("fields").is_none(), "plans carry no file paths");
}

fn assert_conflict(c: &serde_json::Value, e: &Expected) {
    assert_eq!(c["constraint"], e.constraint);
    if let Some((field, stream)) = e.subject {
        assert_eq!(c[field], stream);
    }
    let [limit, required, excess] = e.figures;
    assert_eq!(c["limit"], limit);
    assert_eq!(c["required"], required);
    assert_eq!(c["excess"], excess);
    assert_eq!(c["unit"], "t");
    assert_eq!(c["links"], serde_json::json!([KEY]));
}

fn scenario(text: &str) -> (Scratch, PathBuf) {
    Scratch::with("recorded.toml", text)
}

#[test]
fn recorded_500000_t_above_a_supply_of_100000_t_fails_check_and_solve_names_the_supply() {
    let (_dir, p) = scenario(&district(100_000.0, 1_000_000.0, 500_000.0, None));
    assert_named(
        &p,
        &Expected {
            constraint: "supply",
            subject: Some(("output", "steel/slag")),
            text: "supply of steel/slag: limit 100,000 t/yr, recorded flows need 500,000 t/yr, \
                   exceeded by 400,000 t/yr",
            figures: [100_000.0, 500_000.0, 400_000.0],
        },
    );
}

#[test]
fn recorded_flow_above_its_link_capacity_fails_check_and_solve_names_the_capacity() {
    let (_dir, p) = scenario(&district(100_000.0, 1_000_000.0, 80_000.0, Some(50_000.0)));
    assert_named(
        &p,
        &Expected {
            constraint: "capacity",
            subject: None,
            text: &format!(
                "capacity of {KEY}: limit 50,000 t/yr, recorded flows need 80,000 t/yr, \
                 exceeded by 30,000 t/yr"
            ),
            figures: [50_000.0, 80_000.0, 30_000.0],
        },
    );
}

#[test]
fn recorded_flow_above_the_demand_fails_check_and_solve_names_the_demand() {
    let (_dir, p) = scenario(&district(100_000.0, 60_000.0, 90_000.0, None));
    assert_named(
        &p,
        &Expected {
            constraint: "demand",
            subject: Some(("input", "cement_a/clinker")),
            text:
                "demand of cement_a/clinker: limit 60,000 t/yr, recorded flows need 90,000 t/yr, \
                   exceeded by 30,000 t/yr",
            figures: [60_000.0, 90_000.0, 30_000.0],
        },
    );
}

#[test]
fn recorded_flow_that_fills_supply_demand_and_capacity_exactly_is_no_conflict() {
    let (_dir, p) = scenario(&district(100_000.0, 100_000.0, 100_000.0, Some(100_000.0)));
    let check = run("check", &p, true, 0);
    assert!(check.stdout_json().get("conflicts").is_none());
    assert!(check.stderr.is_empty(), "{}", check.stderr);
    run("check", &p, false, 0).stdout_contains(": ok\n");
    let plan = run("solve", &p, true, 0).stdout_json();
    assert_eq!(plan["status"], "optimal");
    assert!(plan.get("infeasibility").is_none());
}

#[test]
fn every_exceeded_constraint_is_listed() {
    // 500,000 t recorded: above the supply (100,000), the demand (60,000) and
    // the capacity (50,000) at once.
    let (_dir, p) = scenario(&district(100_000.0, 60_000.0, 500_000.0, Some(50_000.0)));
    let check = run("check", &p, true, 2);
    check.stdout_contains("\"conflicts\"");
    let kinds: Vec<_> = check.stdout_json()["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["constraint"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["supply", "demand", "capacity"]);
    check.stderr_contains("3 problems in the scenario");
    let plan = run("solve", &p, true, 1).stdout_json();
    assert_eq!(plan["infeasibility"].as_array().unwrap().len(), 3);
}

/// On the oracle's generated instances (existing links with recorded flows,
/// forced and forbidden links, capacities, shares below 1): the analysis of
/// mandatory flows reports a conflict if and only if the MILP is infeasible, and
/// the infeasible plan carries exactly those conflicts. Both kinds of instance
/// must occur, or the invariant would hold vacuously.
#[test]
fn mandatory_conflicts_are_exactly_the_infeasible_instances() {
    let options = SolveOptions {
        gap: 0.0,
        ..SolveOptions::default()
    };
    let (feasible, infeasible) = (Cell::new(0), Cell::new(0));
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 192,
            ..Config::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let result = runner.run(&instance(), |inst| {
        let json = serde_json::to_string(&inst.scenario_file()).unwrap();
        let s = symbio::scenario::read_str(Path::new("oracle.json"), &json).unwrap();
        let net = symbio::network::build(&s).unwrap();
        let found = mandatory::conflicts(&s, &net);
        let plan = symbio::solve(&s, &options).unwrap();
        proptest::prop_assert_eq!(
            !found.is_empty(),
            plan.status == Status::Infeasible,
            "conflicts {:?}, status {:?}",
            found,
            plan.status
        );
        proptest::prop_assert_eq!(&plan.infeasibility, &symbio::plan::conflicts(&s, &net));
        let count = if found.is_empty() {
            &feasible
        } else {
            &infeasible
        };
        count.set(count.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        feasible.get() >= 20 && infeasible.get() >= 20,
        "{} feasible, {} with conflicts",
        feasible.get(),
        infeasible.get()
    );
}
