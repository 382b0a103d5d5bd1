//! `symbio sweep`: grid rows against the hand-solved plan, formats, bad input and
//! determinism. Shards, `symbio merge`, resume and Ctrl-C are tested with those of
//! `symbio montecarlo` in tests/it/batch.rs.
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

use crate::{assert_close, Scratch, Symbio};

const HAND: &str = "tests/data/hand.toml";
const CHOSEN: [&str; 3] = [
    "steel/slag->cement_a/clinker@truck",
    "steel/slag->cement_b/clinker@truck",
    "steel/steam->chem/steam@pipe",
];

fn net_benefit(p: f64, c: f64) -> f64 {
    41_000.0 + 1079.1 * p - 9000.0 * c
}

#[test]
fn rows_follow_the_hand_solution_over_the_grid() {
    let rows = Symbio::new()
        .args(["sweep", HAND])
        .args(["--set", "parameters.carbon_price=0..100:50"])
        .args(["--set", "modes.truck.cost_per_unit_km=0.1,0.3"])
        .run()
        .stdout_rows();
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
    let run = Symbio::new()
        .args(["sweep", HAND, "--set", "parameters.carbon_price=20,40"])
        .args(["--format", "csv"])
        .run();
    let lines = run.stdout_lines();
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
    let dir = Scratch::new();
    let out = dir.path("rows.jsonl");
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
        let run = Symbio::new()
            .args(["sweep", HAND, "--set", set, "--output"])
            .file_arg(&out)
            .expect_code(2)
            .run();
        run.stderr_contains(named);
        assert!(run.stdout.is_empty());
        assert!(!out.exists(), "{set}: an output was started");
    }
    // The same path twice, and a shard that does not exist.
    let one_point = || Symbio::new().args(["sweep", HAND, "--set", "parameters.carbon_price=1"]);
    one_point()
        .args(["--set", "parameters.carbon_price=2"])
        .expect_code(2)
        .run()
        .stderr_contains("parameters.carbon_price");
    one_point()
        .args(["--shard", "2/2"])
        .expect_code(2)
        .run()
        .stderr_contains("--shard 2/2");
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let run = |threads: &str| {
        Symbio::new()
            .args(["sweep", HAND])
            .args(["--set", "parameters.carbon_price=0..60:5"])
            .args(["--set", "modes.truck.cost_per_unit_km=0.05,0.5"])
            .args(["--threads", threads])
            .run()
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout_rows().len(), 26);
}

/// Shards of different row formats are not one sweep: `symbio merge` refuses them.
#[test]
fn shards_of_different_formats_are_not_merged() {
    let sweep = crate::batch::sweep();
    let dir = Scratch::new();
    let [jsonl, csv] = &sweep.formats else {
        panic!("a sweep streams JSON Lines and CSV")
    };
    let first = sweep.shards(&dir, jsonl, 2);
    let second = sweep.shards(&dir, csv, 2);
    crate::batch::merge(&dir.path("m"), &[&first[0], &second[1]])
        .expect_code(2)
        .run();
}

/// Bug: an infeasible point said only `infeasible`. Its row now says why: the
/// constraint that the recorded flows of existing links exceed, with the link
/// (Liuzhou records 500,000 t of gbfs from liugang to cement plant A, so an
/// output of 400,000 t cannot carry it); in JSON Lines and CSV alike, and a
/// point with a plan has none.
#[test]
fn an_infeasible_point_says_which_recorded_flow_cannot_be_met() {
    let set = "sites.liugang.outputs.gbfs.quantity=400000,600000";
    let rows = Symbio::new()
        .args(["sweep", "scenarios/liuzhou.toml", "--set", set])
        .run()
        .stdout_rows();
    assert_eq!(rows[0]["status"], "infeasible");
    let reason = rows[0]["reason"].as_str().unwrap();
    for needle in [
        "supply of liugang/gbfs",
        "limit 400,000 t/yr",
        "recorded flows need 500,000 t/yr",
        "exceeded by 100,000 t/yr",
        "existing liugang/gbfs->cement_a/clinker@truck",
    ] {
        assert!(reason.contains(needle), "{needle}: {reason}");
    }
    assert_eq!(rows[1]["status"], "optimal");
    assert!(rows[1]["reason"].is_null());

    let csv = Symbio::new()
        .args(["sweep", "scenarios/liuzhou.toml", "--set", set])
        .args(["--format", "csv"])
        .run()
        .stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let at = reader.headers().unwrap().iter().position(|h| h == "reason");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let at = at.expect("a reason column");
    assert_eq!(&records[0][at], reason);
    assert_eq!(&records[1][at], "");
}
