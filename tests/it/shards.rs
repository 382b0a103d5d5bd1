//! A solve split into shards (`symbio solve --shard K/N`) and merged (`symbio
//! merge --scenario`): the plan of one run, byte for byte; bad sets of shards
//! are refused by name.

use crate::{Scratch, Symbio};
use symbio_testkit::generate;

/// Solves shard `k` of `n` of `file` into `out`.
fn shard(file: &std::path::Path, k: usize, n: usize, out: &std::path::Path) {
    Symbio::new()
        .arg("solve")
        .file_arg(file)
        .args(["--shard", &format!("{k}/{n}"), "-o"])
        .file_arg(out)
        .run();
}

#[test]
fn merged_shards_give_the_plan_of_one_run() {
    let scratch = Scratch::new();
    // Six districts with two parts each, and fixed-charge clusters: parts of
    // several sizes to deal out.
    let file = scratch.write("districts.toml", &generate::districts(6, 5));
    for format in ["json", "table", "csv"] {
        let one = Symbio::new()
            .arg("solve")
            .file_arg(&file)
            .args(["--format", format])
            .run();
        for n in [1, 2, 5, 16] {
            let parts: Vec<_> = (0..n)
                .map(|k| {
                    let out = scratch.path(&format!("part-{k}-of-{n}.json"));
                    shard(&file, k, n, &out);
                    out
                })
                .collect();
            let mut merge = Symbio::new()
                .args(["merge", "--format", format, "--scenario"])
                .file_arg(&file);
            // The order of the shards does not matter.
            for p in parts.iter().rev() {
                merge = merge.file_arg(p);
            }
            let merged = merge.run();
            assert_eq!(merged.stdout, one.stdout, "{n} shards, --format {format}");
        }
    }
}

#[test]
fn a_shard_holds_its_dealt_parts_only() {
    let scratch = Scratch::new();
    let file = scratch.write("districts.toml", &generate::districts(3, 2));
    let mut seen = Vec::new();
    for k in 0..2 {
        let out = scratch.path(&format!("p{k}.json"));
        shard(&file, k, 2, &out);
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(doc["symbio_solve_shard"], 1);
        assert_eq!(doc["shard"], k);
        assert_eq!(doc["shards"], 2);
        assert_eq!(doc["parts"], 6);
        for s in doc["solutions"].as_array().unwrap() {
            seen.push(s["part"].as_u64().unwrap());
        }
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        (0..6).collect::<Vec<u64>>(),
        "every part in exactly one shard"
    );
}

#[test]
fn bad_sets_of_shards_are_refused_by_name() {
    let scratch = Scratch::new();
    let file = scratch.write("districts.toml", &generate::districts(3, 2));
    let other = scratch.write("other.toml", &generate::districts(3, 9));
    let p: Vec<_> = (0..3)
        .map(|k| scratch.path(&format!("p{k}.json")))
        .collect();
    for (k, out) in p.iter().enumerate() {
        shard(&file, k, 3, out);
    }
    let merge = |scenario: &std::path::Path, files: &[&std::path::PathBuf]| {
        let mut m = Symbio::new()
            .args(["merge", "--scenario"])
            .file_arg(scenario);
        for f in files {
            m = m.file_arg(f);
        }
        m.expect_code(2)
    };
    merge(&file, &[&p[0], &p[2]])
        .run()
        .stderr_contains("the shard files: missing the answers of shards 1/3");
    merge(&file, &[&p[0], &p[1], &p[1], &p[2]])
        .run()
        .stderr_contains("shard 1 is given twice");
    merge(&other, &[&p[0], &p[1], &p[2]])
        .run()
        .stderr_contains("another scenario");
    // Without the scenario, and with rows' flags.
    Symbio::new()
        .args(["merge"])
        .file_arg(&p[0])
        .expect_code(2)
        .run()
        .stderr_contains("--scenario FILE");
    // A shard's answer is JSON only.
    Symbio::new()
        .arg("solve")
        .file_arg(&file)
        .args(["--shard", "0/3", "--format", "csv"])
        .expect_code(2)
        .run()
        .stderr_contains("--shard writes the solutions of its parts as JSON");
    // A shard of another gap is not a shard of the same solve.
    let q = scratch.path("q.json");
    Symbio::new()
        .arg("solve")
        .file_arg(&file)
        .args(["--shard", "1/3", "--gap", "0.05", "-o"])
        .file_arg(&q)
        .run();
    merge(&file, &[&p[0], &q, &p[2]])
        .run()
        .stderr_contains("not shards of one solve");
    // A document that is not a shard's.
    let bad = scratch.write("bad.json", "{\"symbio_solve_shard\": 1, \"nope\": true}");
    merge(&file, &[&bad])
        .run()
        .stderr_contains("not the answer of a shard");
}

/// With periods too: each part is solved by period in its shard, and the
/// merged plan (its flows by period included) is the plan of one run.
#[test]
fn merged_shards_of_a_scenario_with_periods_give_the_plan_of_one_run() {
    let scratch = Scratch::new();
    let periods = "\n[[periods]]\nid = \"cold\"\nshare = 0.25\nenergy_price = 3.0\n\
                   \n[[periods]]\nid = \"mild\"\nshare = 0.75\n";
    let text = format!("{}{periods}", generate::districts(6, 5));
    let file = scratch.write("districts.toml", &text);
    let one = Symbio::new()
        .arg("solve")
        .file_arg(&file)
        .args(["--format", "json"])
        .run();
    assert!(one.stdout.contains("\"by_period\""), "{}", one.stdout);
    let parts: Vec<_> = (0..3)
        .map(|k| {
            let out = scratch.path(&format!("part-{k}.json"));
            shard(&file, k, 3, &out);
            out
        })
        .collect();
    let mut merge = Symbio::new()
        .args(["merge", "--format", "json", "--scenario"])
        .file_arg(&file);
    for p in &parts {
        merge = merge.file_arg(p);
    }
    assert_eq!(merge.run().stdout, one.stdout);
}
