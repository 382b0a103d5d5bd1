//! The format follows the path: `-o FILE` writes the format its extension names
//! when `--format` is not given, an explicit `--format` that contradicts the
//! extension is refused (exit 2, naming both), and `symbio report` reads every
//! format that `sweep` and `pareto` write.

use std::path::Path;

use crate::{read_path, Scratch, Symbio};

const HAND: &str = "tests/data/hand.toml";

/// `symbio ARGS -o out` with `out` in the scratch folder; returns its text.
#[track_caller]
fn written(s: &Scratch, args: &[&str], out: &str) -> String {
    Symbio::new()
        .args(args)
        .args(["--quiet", "-o"])
        .file_arg(s.path(out))
        .run();
    s.read(out)
}

/// `symbio ARGS -o out` must exit 2 and say `says`.
#[track_caller]
fn refused(s: &Scratch, args: &[&str], out: &str, says: &[&str]) {
    let run = Symbio::new()
        .args(args)
        .arg("-o")
        .file_arg(s.path(out))
        .expect_code(2)
        .run();
    run.stderr_contains(out);
    for w in says {
        run.stderr_contains(w);
    }
    assert!(!s.path(out).exists(), "{}: {out} was written", run.line);
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn solve_writes_the_format_its_output_names() {
    let s = Scratch::new();
    let plan = json(&written(&s, &["solve", HAND], "plan.json"));
    assert_eq!(plan["status"], "optimal");
    let csv = written(&s, &["solve", HAND], "links.CSV");
    assert!(csv.starts_with("from_site,from_output,"), "{csv}");
    let dot = written(&s, &["solve", HAND], "plan.dot");
    assert!(dot.starts_with("digraph"), "{dot}");
    let geo = json(&written(
        &s,
        &["solve", "scenarios/liuzhou.toml"],
        "plan.geojson",
    ));
    assert_eq!(geo["type"], "FeatureCollection");
    // An extension that names no format: the default, a table.
    let table = written(&s, &["solve", HAND], "plan.txt");
    assert!(table.contains("Net benefit"), "{table}");
    // --format as given where the extension agrees.
    let again = written(&s, &["solve", HAND, "--format", "json"], "again.json");
    assert_eq!(json(&again), plan);
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused() {
    let s = Scratch::new();
    refused(
        &s,
        &["solve", HAND, "--format", "json"],
        "plan.csv",
        &["--format json", "names csv"],
    );
    refused(
        &s,
        &["pareto", HAND, "--format", "csv"],
        "front.json",
        &["--format csv", "names json"],
    );
    refused(
        &s,
        &["sweep", HAND, "--set", "parameters.carbon_price=0,50"],
        "rows.geojson",
        &["writes no geojson", "jsonl, csv, json, table"],
    );
    refused(
        &s,
        &[
            "breakeven",
            "tests/data/breakeven.toml",
            "--param",
            "parameters.carbon_price",
            "--range",
            "0..50",
        ],
        "switches.geojson",
        &["writes no geojson", "table, json, csv"],
    );
    refused(
        &s,
        &["export", HAND, "--to", "csv"],
        "book.xlsx",
        &["--to csv"],
    );
    refused(&s, &["report", HAND], "report.json", &["HTML"]);
    refused(&s, &["schema"], "schema.csv", &["writes no csv"]);
}

#[test]
fn every_subcommand_with_json_writes_it_to_a_json_file() {
    let s = Scratch::new();
    let b = &["breakeven", "tests/data/breakeven.toml"];
    let args = [
        b,
        &["--param", "parameters.carbon_price", "--range", "0..50"][..],
    ]
    .concat();
    for (args, out) in [
        (vec!["check", HAND], "check.json"),
        (vec!["compare", HAND], "compare.json"),
        (
            vec!["montecarlo", "tests/data/montecarlo.toml", "--samples", "4"],
            "mc.json",
        ),
        (vec!["pareto", HAND, "--points", "3"], "front.json"),
        (args, "switches.json"),
        (vec!["schema"], "schema.json"),
    ] {
        json(&written(&s, &args, out));
    }
    let book = s.path("park.xlsx");
    Symbio::new()
        .args(["export", HAND, "-q", "-o"])
        .file_arg(&book)
        .run();
    assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));
}

/// A sweep of the hand scenario to `out` (its format from the extension).
fn sweep(s: &Scratch, out: &str) -> String {
    written(
        s,
        &["sweep", HAND, "--set", "parameters.carbon_price=0,25,50"],
        out,
    )
}

/// `symbio report --FLAG file`: exit 0, and the page.
#[track_caller]
fn report(flag: &str, file: &Path) -> String {
    Symbio::new()
        .args(["report", flag])
        .file_arg(file)
        .run()
        .stdout
}

#[test]
fn report_reads_every_format_of_sweep_and_pareto() {
    let s = Scratch::new();
    assert!(sweep(&s, "rows.jsonl").starts_with("{\"point\":0,"));
    assert!(sweep(&s, "rows.csv").starts_with("point,"));
    assert!(sweep(&s, "rows.json").starts_with('['));
    let stdout_csv = Symbio::new()
        .args(["sweep", HAND, "--set", "parameters.carbon_price=0,25,50"])
        .args(["--format", "csv", "--quiet"])
        .run()
        .stdout;
    let piped = s.write("piped.csv", &stdout_csv);
    let pages: Vec<String> = ["rows.jsonl", "rows.csv", "rows.json"]
        .iter()
        .map(|f| report("--sweep", &s.path(f)))
        .chain([report("--sweep", &piped)])
        .collect();
    for page in &pages {
        assert!(page.contains("parameters.carbon_price"), "no sweep chart");
    }
    // The same page, whichever file the rows came from.
    assert!(pages.iter().all(|p| *p == pages[0]));

    let pareto = ["pareto", HAND, "--points", "3"];
    json(&written(&s, &pareto, "front.json"));
    let csv = written(&s, &pareto, "front.csv");
    assert!(csv.starts_with("point,epsilon,"), "{csv}");
    for f in ["front.json", "front.csv"] {
        let page = report("--pareto", &s.path(f));
        assert!(page.contains("pareto-front"), "{f}: no front chart");
    }
    // A table is none of them: refused, naming the file.
    let table = written(&s, &pareto, "front.txt");
    assert!(table.contains("Pareto front"));
    Symbio::new()
        .args(["report", "--pareto"])
        .file_arg(s.path("front.txt"))
        .expect_code(2)
        .run()
        .stderr_contains("front.txt");
}

/// `montecarlo --rows` writes CSV to a `.csv` file, JSON Lines to any other
/// but a name that says another format (`.json`), which is refused.
#[test]
fn montecarlo_rows_follow_the_extension_of_their_file() {
    let s = Scratch::new();
    let run = Symbio::new()
        .args(["montecarlo", MC, "--samples", "4", "--rows"])
        .file_arg(s.path("rows.json"))
        .expect_code(2)
        .run();
    run.stderr_contains("rows.json")
        .stderr_contains("JSON Lines or CSV");
    assert!(!s.path("rows.json").exists());
    let csv = s.path("rows.csv");
    Symbio::new()
        .args(["montecarlo", MC, "--samples", "4", "-q", "--rows"])
        .file_arg(&csv)
        .run();
    assert!(read_path(&csv).starts_with("point,seed,"));
}

const MC: &str = "tests/data/montecarlo.toml";

/// A CSV file read as `pandas.read_csv` reads it by default: the first line is
/// the header (no line skipped, `#` no comment), every other line a record of
/// as many fields. Returns the columns and the records.
fn read_as_pandas(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let columns: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    for r in &records {
        assert_eq!(r.len(), columns.len(), "{}: {r:?}", path.display());
    }
    (columns, records)
}

/// Bug: `pandas.read_csv` read one column from a sweep's CSV (its first line was
/// a fingerprint). A sweep CSV and a Monte Carlo rows CSV now read as pandas reads
/// them with their header as the columns, one record per point in order, and
/// the JSON Lines rows with one object per line (`read_json(lines=True)`).
#[test]
fn rows_csv_files_read_as_pandas_reads_them() {
    let s = Scratch::new();
    sweep(&s, "rows.csv");
    let (columns, records) = read_as_pandas(&s.path("rows.csv"));
    assert_eq!(
        columns[..5],
        [
            "point",
            "parameters.carbon_price",
            "status",
            "objective",
            "gap"
        ]
    );
    assert!(columns.contains(&"net_benefit".to_owned()));
    let prices: Vec<&str> = records.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(prices, ["0.0", "25.0", "50.0"]);
    for (k, r) in records.iter().enumerate() {
        assert_eq!(r[0], k.to_string());
    }

    let mc_rows = |name: &str| {
        let rows = s.path(name);
        Symbio::new()
            .args(["montecarlo", MC, "--samples", "6", "--seed", "3", "-q"])
            .arg("--rows")
            .file_arg(&rows)
            .run();
        rows
    };
    let mc = mc_rows("mc.csv");
    let (columns, records) = read_as_pandas(&mc);
    assert_eq!(columns[..2], ["point", "seed"]);
    assert_eq!(
        columns[columns.len() - 7..],
        [
            "status",
            "net_benefit",
            "co2_avoided",
            "chosen",
            "flows",
            "reason",
            "error"
        ]
    );
    assert_eq!(records.len(), 6);
    for (k, r) in records.iter().enumerate() {
        assert_eq!(
            (r[0].as_str(), r[1].as_str()),
            (k.to_string().as_str(), "3")
        );
    }
    // The CSV summarises as the JSON Lines of the same run.
    let jsonl = mc_rows("mc.jsonl");
    let lines: Vec<serde_json::Value> = read_path(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert!(lines.iter().all(|v| v.get("point").is_some()));
    let summary = |rows: &Path| {
        Symbio::new()
            .args([
                "montecarlo",
                MC,
                "--seed",
                "3",
                "--format",
                "json",
                "--from-rows",
            ])
            .file_arg(rows)
            .run()
            .stdout
    };
    assert_eq!(summary(&mc), summary(&jsonl));
}

#[test]
fn merge_keeps_the_format_of_its_shards() {
    let s = Scratch::new();
    sweep(&s, "rows.jsonl");
    refused(
        &s,
        &["merge", &s.path("rows.jsonl").display().to_string()],
        "all.csv",
        &["rows in jsonl", "names csv"],
    );
}
