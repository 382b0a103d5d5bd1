//! `symbio sweep` and `symbio merge`: grid rows against the hand-solved plan,
//! formats, bad input, determinism, shards, resume and Ctrl-C.
//!
//! The hand scenario (tests/data/hand.toml, worked out in tests/it/hand.rs) at
//! carbon price P and truck cost c per t·km keeps the same three links as long as
//! they pay (they do for the values swept here):
//!
//! - slag → cement A, 10 km: 300 t × (10 + 50 + 0.8 P − 5 − 10 (c + 0.0001 P)) − 1000
//! - slag → cement B, 20 km: 300 t × (10 + 50 + 0.8 P − 5 − 20 (c + 0.0001 P)) − 1000
//! - steam → chem: 3000 × (20 + 0.2 P) − 50,000
//!
//! so the net benefit is 41,000 + 1079.1 P − 9000 c EUR/yr, the CO2 avoided
//! 1079.1 t/yr and the transport cost 9000 c EUR/yr.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{assert_close, symbio};

const HAND: &str = "tests/data/hand.toml";
const CHOSEN: [&str; 3] = [
    "steel/slag->cement_a/clinker@truck",
    "steel/slag->cement_b/clinker@truck",
    "steel/steam->chem/steam@pipe",
];

fn net_benefit(p: f64, c: f64) -> f64 {
    41_000.0 + 1079.1 * p - 9000.0 * c
}

fn rows(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn file(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn rows_follow_the_hand_solution_over_the_grid() {
    let run = symbio(&[
        "sweep",
        HAND,
        "--set",
        "parameters.carbon_price=0..100:50",
        "--set",
        "modes.truck.cost_per_unit_km=0.1,0.3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = rows(&run.stdout);
    assert_eq!(rows.len(), 6);
    let mut k = 0;
    for p in [0.0, 50.0, 100.0] {
        for c in [0.1, 0.3] {
            let r = &rows[k];
            assert_eq!(r["point"], k);
            assert_eq!(r["values"]["parameters.carbon_price"].as_f64(), Some(p));
            assert_eq!(
                r["values"]["modes.truck.cost_per_unit_km"].as_f64(),
                Some(c)
            );
            // Axes in the order given.
            let keys: Vec<&String> = r["values"].as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                ["parameters.carbon_price", "modes.truck.cost_per_unit_km"]
            );
            assert_eq!(r["status"], "optimal");
            assert_close(
                r["totals"]["net_benefit"].as_f64().unwrap(),
                net_benefit(p, c),
                1e-9,
            );
            assert_close(r["objective"].as_f64().unwrap(), net_benefit(p, c), 1e-9);
            assert_close(r["totals"]["co2_avoided"].as_f64().unwrap(), 1079.1, 1e-9);
            assert_close(
                r["totals"]["transport_cost"].as_f64().unwrap(),
                9000.0 * c,
                1e-9,
            );
            assert_close(
                r["totals"]["carbon_value"].as_f64().unwrap(),
                1079.1 * p,
                1e-9,
            );
            assert_eq!(r["totals"]["links"], 3);
            assert_eq!(r["chosen"], serde_json::json!(CHOSEN));
            assert!(r["error"].is_null());
            k += 1;
        }
    }
}

#[test]
fn csv_rows_carry_the_same_figures() {
    let run = symbio(&[
        "sweep",
        HAND,
        "--set",
        "parameters.carbon_price=20,40",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..3], ["point", "parameters.carbon_price", "status"]);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for (k, p) in [20.0, 40.0].into_iter().enumerate() {
        let f: Vec<&str> = lines[k + 1].split(',').collect();
        assert_eq!(f.len(), header.len());
        assert_eq!(f[0], k.to_string());
        assert_eq!(f[1].parse::<f64>().unwrap(), p);
        assert_eq!(f[col("status")], "optimal");
        assert_close(
            f[col("net_benefit")].parse().unwrap(),
            net_benefit(p, 0.1),
            1e-9,
        );
        assert_close(f[col("co2_avoided")].parse().unwrap(), 1079.1, 1e-9);
        assert_eq!(f[col("links")], "3");
        assert_eq!(f[col("chosen")], CHOSEN.join(" "));
        assert_eq!(f[col("error")], "");
    }
}

#[test]
fn bad_paths_and_values_are_named_before_any_solve() {
    let dir = tempfile::tempdir().unwrap();
    let out = file(dir.path(), "rows.jsonl");
    for (set, named) in [
        ("modes.truck.colour=1", "modes.truck.colour"),
        (
            "modes.barge.cost_per_unit_km=1",
            "modes.barge.cost_per_unit_km",
        ),
        (
            "parameters.carbon_price=0..100",
            "parameters.carbon_price=0..100",
        ),
        ("parameters.carbon_price=ten", "ten"),
        // -5 t of slag: the value is invalid, the others are fine.
        (
            "sites.steel.outputs.slag.quantity=100,-5",
            "sites.steel.outputs.slag.quantity = -5",
        ),
        (
            "parameters.discount_rate=0.05,2",
            "parameters.discount_rate = 2",
        ),
    ] {
        let run = symbio(&["sweep", HAND, "--set", set, "--output", s(&out)]);
        assert_eq!(run.code, 2, "{set}: {}", run.stderr);
        assert!(run.stderr.contains(named), "{set}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(!out.exists(), "{set}: an output was started");
    }
    // The same path twice, and a shard that does not exist.
    let run = symbio(&[
        "sweep",
        HAND,
        "--set",
        "parameters.carbon_price=1",
        "--set",
        "parameters.carbon_price=2",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("parameters.carbon_price"),
        "{}",
        run.stderr
    );
    let run = symbio(&[
        "sweep",
        HAND,
        "--set",
        "parameters.carbon_price=1",
        "--shard",
        "2/2",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--shard 2/2"), "{}", run.stderr);
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let args = |t: &'static str| {
        vec![
            "sweep",
            HAND,
            "--set",
            "parameters.carbon_price=0..60:5",
            "--set",
            "modes.truck.cost_per_unit_km=0.05,0.5",
            "--threads",
            t,
        ]
    };
    let one = symbio(&args("1"));
    let two = symbio(&args("2"));
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(rows(&one.stdout).len(), 26);
}

/// A sweep of 24 points on the hand scenario written to `out` with extra arguments.
fn sweep_to(out: &Path, format: &str, extra: &[&str]) -> crate::Run {
    let mut args = vec![
        "sweep",
        HAND,
        "--set",
        "parameters.carbon_price=0..70:10",
        "--set",
        "modes.truck.cost_per_unit_km=0.05,0.1,0.2",
        "--format",
        format,
        "--threads",
        "2",
        "--output",
        s(out),
    ];
    args.extend_from_slice(extra);
    symbio(&args)
}

#[test]
fn shards_run_apart_merge_into_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let single = file(dir.path(), &format!("single.{format}"));
        let run = sweep_to(&single, format, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let single_text = std::fs::read_to_string(&single).unwrap();

        // Three shards as three processes at once.
        let shards: Vec<PathBuf> = (0..3)
            .map(|k| file(dir.path(), &format!("shard{k}.{format}")))
            .collect();
        let children: Vec<_> = shards
            .iter()
            .enumerate()
            .map(|(k, out)| {
                Command::new(env!("CARGO_BIN_EXE_symbio"))
                    .args([
                        "sweep",
                        HAND,
                        "--set",
                        "parameters.carbon_price=0..70:10",
                        "--set",
                        "modes.truck.cost_per_unit_km=0.05,0.1,0.2",
                        "--format",
                        format,
                        "--output",
                        s(out),
                        "--shard",
                        &format!("{k}/3"),
                    ])
                    .current_dir(crate::root())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // Each shard holds its own points only.
        for (k, shard) in shards.iter().enumerate() {
            let text = std::fs::read_to_string(shard).unwrap();
            let points: Vec<usize> = text
                .lines()
                .skip(usize::from(format == "csv"))
                .map(|l| match format {
                    "csv" => l.split(',').next().unwrap().parse().unwrap(),
                    _ => serde_json::from_str::<Value>(l).unwrap()["point"]
                        .as_u64()
                        .unwrap() as usize,
                })
                .collect();
            let expected: Vec<usize> = (0..24).filter(|p| p % 3 == k).collect();
            assert_eq!(points, expected, "shard {k}");
        }

        let merged = file(dir.path(), &format!("merged.{format}"));
        let mut args = vec!["merge", "-o", s(&merged)];
        // Given in any order.
        args.extend(shards.iter().rev().map(|p| s(p)));
        let run = symbio(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(&merged).unwrap(),
            single_text,
            "{format}"
        );

        // Without the first shard, point 0 is missing: refused unless --partial.
        let run = symbio(&["merge", "-o", s(&merged), s(&shards[1]), s(&shards[2])]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("missing"), "{}", run.stderr);
        let run = symbio(&[
            "merge",
            "-o",
            s(&merged),
            s(&shards[1]),
            s(&shards[2]),
            "--partial",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // Shards of different formats are not one sweep.
    let run = symbio(&[
        "merge",
        "-o",
        s(&file(dir.path(), "m")),
        s(&file(dir.path(), "shard0.jsonl")),
        s(&file(dir.path(), "shard1.csv")),
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn resume_finishes_a_truncated_run() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let full = file(dir.path(), &format!("full.{format}"));
        assert_eq!(sweep_to(&full, format, &[]).code, 0);
        let full_text = std::fs::read_to_string(&full).unwrap();
        assert_eq!(full_text.lines().count(), 24 + usize::from(format == "csv"));

        // The first rows (the header counts as one line in CSV), then half a row.
        let keep = 7;
        let part = file(dir.path(), &format!("part.{format}"));
        let lines: Vec<&str> = full_text.lines().collect();
        let head = lines[..keep].join("\n") + "\n";
        let half = &lines[keep][..lines[keep].len() / 2];
        std::fs::write(&part, format!("{head}{half}")).unwrap();

        let run = sweep_to(&part, format, &["--resume"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let done_before = keep - usize::from(format == "csv");
        assert!(
            run.stderr
                .contains(&format!("{} points solved", 24 - done_before))
                && run
                    .stderr
                    .contains(&format!("{done_before} were done already")),
            "{}",
            run.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&part).unwrap(),
            full_text,
            "{format}"
        );

        // Resuming a finished run solves nothing and changes nothing.
        let run = sweep_to(&part, format, &["--resume"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("0 points solved"), "{}", run.stderr);
        assert_eq!(std::fs::read_to_string(&part).unwrap(), full_text);
    }
    // Resuming the output of another sweep is refused.
    let other = file(dir.path(), "full.jsonl");
    let run = symbio(&[
        "sweep",
        HAND,
        "--set",
        "parameters.carbon_price=5,15",
        "--output",
        s(&other),
        "--resume",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot resume"), "{}", run.stderr);
}

#[test]
fn ctrl_c_keeps_every_finished_row_and_resume_completes() {
    let dir = tempfile::tempdir().unwrap();
    let out = file(dir.path(), "rows.jsonl");
    // Enough points on the Liuzhou scenario to be interrupted in the middle.
    let args = [
        "sweep",
        "scenarios/liuzhou.toml",
        "--set",
        "parameters.carbon_price=0..600:1",
        "--output",
        s(&out),
        "--threads",
        "2",
        "--quiet",
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_symbio"))
        .args(args)
        .current_dir(crate::root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for a few rows, then send SIGINT.
    let start = Instant::now();
    while std::fs::read_to_string(&out).map_or(0, |t| t.lines().count()) < 3 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no rows written"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let res = child.wait_with_output().unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let n = text.lines().count();
    assert_eq!(
        res.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(String::from_utf8_lossy(&res.stderr).contains("--resume"));
    assert!((3..601).contains(&n), "{n} rows");
    // Only whole rows.
    assert!(text.ends_with('\n'));
    for l in text.lines() {
        let r: Value = serde_json::from_str(l).expect("a whole row");
        assert_eq!(r["status"], "optimal");
    }

    let run = symbio(&[&args[..], &["--resume"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let resumed = std::fs::read_to_string(&out).unwrap();
    let full = file(dir.path(), "full.jsonl");
    let mut args_full = args.to_vec();
    args_full[5] = s(&full);
    let run = symbio(&args_full);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(resumed, std::fs::read_to_string(&full).unwrap());
}
