//! Snapshots of every subcommand's output on shipped scenarios (and on the Monte
//! Carlo fixture, as no shipped scenario has an `[[uncertainty]]` section), as the
//! CLI prints it: tables, JSON, CSV and JSON Lines. A change of format or of a
//! figure shows as a diff; review it, then accept it with
//! `INSTA_UPDATE=always cargo test --test it snapshots` (or `cargo insta review`).
//!
//! The CLI rounds figures to nine significant digits, and its output is the same
//! whatever the thread count (tests/it/cli.rs and others check that), so the
//! snapshots take the text as it is, without redactions.

use crate::Symbio;

const LIUZHOU: &str = "scenarios/liuzhou.toml";
const ULSAN: &str = "scenarios/ulsan-steam.toml";

/// Runs symbio with `args` (it must exit 0) and returns its stdout.
fn stdout(args: &[&str]) -> String {
    Symbio::new().args(args).run().stdout
}

/// One snapshot per format: `name__format`, of `args` with `--format format`.
fn formats(name: &str, args: &[&str], formats: &[&str]) {
    for format in formats {
        let text = stdout(&[args, &["--format", format]].concat());
        insta::assert_snapshot!(format!("{name}__{format}"), text);
    }
}

#[test]
fn solve() {
    formats("solve_liuzhou", &["solve", LIUZHOU], &["table", "json"]);
}

#[test]
fn check() {
    formats("check_liuzhou", &["check", LIUZHOU], &["table", "json"]);
}

#[test]
fn check_periods() {
    // Periods, profiles and stores, summarised.
    formats(
        "check_periods",
        &["check", "tests/data/periods.toml"],
        &["table", "json"],
    );
}

#[test]
fn solve_seasons() {
    // Flows by period and a store, in the table, JSON and the CSV of each.
    let seasons = "tests/data/seasons.toml";
    formats("solve_seasons", &["solve", seasons], &["table", "json"]);
    for table in ["periods", "stores"] {
        let text = stdout(&["solve", seasons, "--format", "csv", "--table", table]);
        insta::assert_snapshot!(format!("solve_seasons__csv_{table}"), text);
    }
}

#[test]
fn compare_all() {
    formats(
        "compare_all_ulsan",
        &["compare", ULSAN, "--all"],
        &["table", "json"],
    );
}

#[test]
fn compare_plants() {
    // Plants' operators in the split (tests/it/plant_analyses.rs).
    formats(
        "compare_liuzhou_grinding",
        &["compare", "scenarios/liuzhou/grinding.toml"],
        &["table", "json"],
    );
}

#[test]
fn pareto() {
    formats(
        "pareto_liuzhou",
        &["pareto", LIUZHOU, "--points", "4"],
        &["table", "json", "csv"],
    );
}

#[test]
fn pareto_plants() {
    // The plants each point opens.
    formats(
        "pareto_liuzhou_grinding",
        &["pareto", "scenarios/liuzhou/grinding.toml", "--points", "3"],
        &["table", "json"],
    );
}

#[test]
fn breakeven() {
    formats(
        "breakeven_liuzhou",
        &[
            "breakeven",
            LIUZHOU,
            "--param",
            "parameters.carbon_price",
            "--range",
            "0..3000",
        ],
        &["table", "json"],
    );
}

#[test]
fn breakeven_plants() {
    // A plant resizing and closing (tests/it/plant_analyses.rs).
    formats(
        "breakeven_plants",
        &[
            "breakeven",
            "tests/data/plants.toml",
            "--param",
            "technologies.grinding.operating_cost",
            "--range",
            "40..60",
        ],
        &["table", "json", "csv"],
    );
}

#[test]
fn montecarlo() {
    formats(
        "montecarlo_fixture",
        &[
            "montecarlo",
            crate::batch::MC,
            "--samples",
            "20",
            "--seed",
            "1",
        ],
        &["table", "json"],
    );
}

#[test]
fn montecarlo_plants() {
    // The plants each sample opens, at which size (tests/it/plant_analyses.rs).
    formats(
        "montecarlo_plants",
        &[
            "montecarlo",
            "tests/data/plants-uncertain.toml",
            "--samples",
            "20",
            "--seed",
            "1",
        ],
        &["table", "json"],
    );
}

#[test]
fn sweep() {
    formats(
        "sweep_liuzhou",
        &[
            "sweep",
            LIUZHOU,
            "--set",
            "parameters.carbon_price=0..1000:250",
        ],
        &["jsonl", "csv", "json", "table"],
    );
}

#[test]
fn schema() {
    insta::assert_snapshot!("schema__json", stdout(&["schema"]));
}
