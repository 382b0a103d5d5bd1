//! One writer per output, and the provenance of rows files: regression tests of
//! bugs found in the writers (`files::write_atomic`, the rows files of the batch
//! runner) and in `symbio merge` / `--resume` / `--from-rows`.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use crate::batch::{fingerprint, merge, rows_of, sweep, wait_for_lines, MC};
use crate::{path, read_path, Scratch, Symbio};

const HAND: &str = "tests/data/hand.toml";

/// A sweep of the hand scenario over `set` (one --set), rows to `out`.
fn hand_sweep(set: &str, out: &Path) -> Symbio {
    Symbio::new()
        .args(["sweep", HAND, "--set", set, "--quiet", "--output"])
        .file_arg(out)
}

/// Bug: a second `sweep --output c.jsonl` started while the first ran truncated
/// the file (no lock); the two then wrote over each other (NUL bytes), and
/// `--resume` failed ("line 20 is not a row of this format"). Now the second
/// exits 2 at once naming the file and changes nothing in it; the first goes on,
/// and after it is stopped `--resume` completes the file.
#[test]
fn a_second_writer_of_a_rows_file_exits_2_and_changes_nothing() {
    let b = sweep();
    let dir = Scratch::new();
    let out = dir.path("c.jsonl");
    let format = &b.formats[0];
    let first = b.cmd(&b.long, format, &out).expect_code(130).spawn();
    wait_for_lines(&out, 4);
    let before = read_path(&out);
    let second = b.cmd(&b.long, format, &out).expect_code(2).run();
    second
        .stderr_contains("is being written by another symbio run")
        .stderr_contains(&out.display().to_string());
    // The first run's rows are all there (it appends only), nothing was cut.
    let during = read_path(&out);
    assert!(during.starts_with(&before), "the file was rewritten");
    // So is a resume, and a write of a whole document to the same file.
    b.cmd(&b.long, format, &out)
        .arg("--resume")
        .expect_code(2)
        .run()
        .stderr_contains("is being written by another symbio run");
    // (Rows of another run, merged: the same kind, refused by the lock alone.)
    let other = dir.path("other.jsonl");
    hand_sweep("parameters.carbon_price=0,50", &other).run();
    merge(&out, &[&other])
        .expect_code(2)
        .run()
        .stderr_contains("is being written by another symbio run");
    first.interrupt();
    first.wait();
    let text = read_path(&out);
    assert!(!text.contains('\0'), "NUL bytes in the rows");
    assert!(rows_of(&text).iter().all(|r| r["status"] == "optimal"));
    b.cmd(&b.long, format, &out).arg("--resume").run();
    assert_eq!(rows_of(&read_path(&out)).len(), b.long_rows);
}

/// Bug: `merge` joined the shards of two different sweeps (`0..40:1` and
/// `0..80:2`, same number of points) into one file of mixed prices. Every rows
/// file now starts with the run's fingerprint, and merge refuses shards whose
/// fingerprints differ, saying which part.
#[test]
fn merge_refuses_shards_of_two_different_sweeps() {
    let dir = Scratch::new();
    let (a, b) = (dir.path("a.jsonl"), dir.path("b.jsonl"));
    hand_sweep("parameters.carbon_price=0..40:1", &a)
        .args(["--shard", "0/2"])
        .run();
    hand_sweep("parameters.carbon_price=0..80:2", &b)
        .args(["--shard", "1/2"])
        .run();
    let m = dir.path("m.jsonl");
    let run = merge(&m, &[&a, &b]).expect_code(2).run();
    run.stderr_contains("not shards of one run")
        .stderr_contains("grid/sampler differs");
    assert!(!run.stderr.contains("scenario differs"), "{}", run.stderr);
    assert!(!m.exists());
}

/// Bug: `merge` joined a Liuzhou shard with a Kalundborg shard, and `--resume`
/// appended Kalundborg rows to a Liuzhou file. Both are refused: the scenario
/// differs; the file resumed is left as it was.
#[test]
fn merge_and_resume_refuse_rows_of_another_scenario() {
    let dir = Scratch::new();
    let run = |scenario: &str, out: &Path| {
        Symbio::new()
            .args(["sweep", scenario, "--set", "parameters.carbon_price=0..3:1"])
            .args(["--quiet", "--output"])
            .file_arg(out)
    };
    let (liuzhou, kalundborg) = (dir.path("liuzhou.jsonl"), dir.path("kalundborg.jsonl"));
    run("scenarios/liuzhou.toml", &liuzhou)
        .args(["--shard", "0/2"])
        .run();
    run("scenarios/kalundborg.toml", &kalundborg)
        .args(["--shard", "1/2"])
        .run();
    merge(&dir.path("m.jsonl"), &[&liuzhou, &kalundborg])
        .expect_code(2)
        .run()
        .stderr_contains("scenario differs");

    let before = read_path(&liuzhou);
    let refused = run("scenarios/kalundborg.toml", &liuzhou)
        .args(["--shard", "0/2", "--resume"])
        .expect_code(2)
        .run();
    refused
        .stderr_contains("cannot resume")
        .stderr_contains("scenario differs");
    assert!(
        !refused.stderr.contains("grid/sampler"),
        "{}",
        refused.stderr
    );
    assert_eq!(read_path(&liuzhou), before);
}

/// Resuming with other solver options (a gap, a time limit) is resuming another
/// run: refused, naming the solver options.
#[test]
fn resume_refuses_other_solver_options() {
    let dir = Scratch::new();
    let out = dir.path("rows.csv");
    let set = "parameters.carbon_price=0,10";
    hand_sweep(set, &out).args(["--format", "csv"]).run();
    let before = read_path(&out);
    for other in [["--gap", "0.05"], ["--time-limit", "30"]] {
        hand_sweep(set, &out)
            .args(["--format", "csv", "--resume"])
            .args(other)
            .expect_code(2)
            .run()
            .stderr_contains("solver options differ");
        assert_eq!(read_path(&out), before);
    }
    // The same options resume (nothing to do).
    hand_sweep(set, &out)
        .args(["--format", "csv", "--resume"])
        .run();
    assert_eq!(read_path(&out), before);
}

/// Bug: rows files began with a fingerprint line (`# symbio_rows=1 …` in CSV,
/// `{"symbio_rows"…}` in JSON Lines), so `pandas.read_csv` read one column and
/// `read_json(lines=True)` an extra row, and rows sent to stdout had no such
/// line. Rows files are now plain, the bytes stdout gets; the fingerprint is in
/// `FILE.symbio` beside them. It is the scenario's content, not its path; it is
/// the same for every shard and thread count.
#[test]
fn rows_files_are_plain_and_their_fingerprint_is_beside_them() {
    let dir = Scratch::new();
    let set = "parameters.carbon_price=0..30:10";
    let (jsonl, csv) = (dir.path("rows.jsonl"), dir.path("rows.csv"));
    hand_sweep(set, &jsonl).run();
    hand_sweep(set, &csv).args(["--format", "csv"]).run();
    let (j, c) = (read_path(&jsonl), read_path(&csv));
    assert!(j.lines().all(|l| l.starts_with(r#"{"point":"#)), "{j}");
    assert!(c.starts_with("point,"), "{c}");
    for (format, text) in [("jsonl", &j), ("csv", &c)] {
        let stdout = Symbio::new()
            .args(["sweep", HAND, "--set", set, "--quiet", "--format", format])
            .run()
            .stdout;
        assert_eq!(&stdout, text, "{format}: stdout and -o differ");
    }
    let fp = fingerprint(&jsonl);
    assert_eq!(fingerprint(&csv), fp);
    let side = read_path(&crate::batch::side(&csv));
    assert!(side.contains(r#""format":"csv""#), "{side}");
    for part in ["scenario", "grid", "solver"] {
        let h = fp[part].as_str().unwrap();
        assert!(
            h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()),
            "{fp}"
        );
    }

    // The same content elsewhere, under another name: the same fingerprint.
    let copy = dir.write("copy.toml", &crate::read(HAND));
    let moved = dir.path("moved.jsonl");
    Symbio::new()
        .arg("sweep")
        .file_arg(&copy)
        .args(["--set", set, "--quiet", "--output"])
        .file_arg(&moved)
        .run();
    assert_eq!(read_path(&moved), j);
    assert_eq!(fingerprint(&moved), fp);

    // Shards in files merge into the single run's rows and fingerprint; a
    // shard captured from stdout has no fingerprint file and is refused.
    let (s0, s1) = (dir.path("s0.jsonl"), dir.path("s1.jsonl"));
    hand_sweep(set, &s0).args(["--shard", "0/2"]).run();
    hand_sweep(set, &s1)
        .args(["--shard", "1/2", "--threads", "2"])
        .run();
    let m = dir.path("m.jsonl");
    merge(&m, &[&s1, &s0]).run();
    assert_eq!(read_path(&m), j);
    assert_eq!(fingerprint(&m), fp);
    let shard0 = Symbio::new()
        .args(["sweep", HAND, "--set", set, "--quiet", "--shard", "0/2"])
        .run();
    let captured = dir.write("captured.jsonl", &shard0.stdout);
    assert_eq!(shard0.stdout, read_path(&s0));
    merge(&dir.path("m2.jsonl"), &[&s1, &captured])
        .expect_code(2)
        .run()
        .stderr_contains("captured.jsonl.symbio is missing");

    // Without its fingerprint file a rows file is not resumed, and is left
    // as it was; with it back, it is.
    let kept = dir.path("kept");
    std::fs::rename(crate::batch::side(&jsonl), &kept).unwrap();
    hand_sweep(set, &jsonl)
        .arg("--resume")
        .expect_code(2)
        .run()
        .stderr_contains("cannot resume")
        .stderr_contains("rows.jsonl.symbio is missing");
    assert_eq!(read_path(&jsonl), j);
    std::fs::rename(&kept, crate::batch::side(&jsonl)).unwrap();
    hand_sweep(set, &jsonl).arg("--resume").run();
    assert_eq!(read_path(&jsonl), j);
}

/// `--from-rows` refuses the rows of another scenario (here the fixture with
/// another discount rate: same fields drawn, same values, other plans).
#[test]
fn montecarlo_from_rows_refuses_rows_of_another_scenario() {
    let dir = Scratch::new();
    let rows = dir.path("rows.jsonl");
    Symbio::new()
        .args([
            "montecarlo",
            MC,
            "--samples",
            "4",
            "--seed",
            "2",
            "--quiet",
            "--rows",
        ])
        .file_arg(&rows)
        .run();
    let other = dir.write(
        "other.toml",
        &crate::read(MC).replace(
            "include = [\"breakeven.toml\"]",
            &format!(
                "include = [{:?}]\n[parameters]\ndiscount_rate = 0.2",
                path("tests/data/breakeven.toml").display().to_string()
            ),
        ),
    );
    Symbio::new()
        .arg("montecarlo")
        .file_arg(&other)
        .args(["--seed", "2", "--from-rows"])
        .file_arg(&rows)
        .expect_code(2)
        .run()
        .stderr_contains("scenario differs");
    // Its own scenario reads them.
    Symbio::new()
        .args(["montecarlo", MC, "--seed", "2", "--from-rows"])
        .file_arg(&rows)
        .run();
}

/// Bug: `-o LINK` replaced a symbolic link by a regular file, and a replaced
/// output lost its permission mode. The link's target is written, the link stays,
/// the mode is kept: for a document and for a rows file rewritten sorted.
#[test]
fn an_output_that_is_a_symlink_is_written_through_and_keeps_its_mode() {
    let dir = Scratch::new();
    for (name, cmd) in [
        (
            "plan.json",
            Symbio::new().args(["solve", HAND, "--format", "json", "-o"]),
        ),
        (
            "rows.jsonl",
            Symbio::new().args([
                "sweep",
                HAND,
                "--set",
                "parameters.carbon_price=0..70:1",
                "--threads",
                "2",
                "--quiet",
                "--output",
            ]),
        ),
    ] {
        let real = dir.write(&format!("real-{name}"), "old\n");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path(name);
        std::os::unix::fs::symlink(real.file_name().unwrap(), &link).unwrap();
        cmd.file_arg(&link).run();
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "{name}: the link was replaced"
        );
        let text = read_path(&real);
        assert!(text.starts_with('{'), "{name}: {text}");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640, "{name}");
    }
}

/// Bug: `-o /dev/null` renamed a temporary file over /dev/null. Special files (a
/// device, a fifo) are written directly, never replaced.
#[test]
fn special_files_are_written_not_replaced() {
    let dev_null = Path::new("/dev/null");
    Symbio::new()
        .args(["solve", HAND, "--format", "json", "-o", "/dev/null"])
        .run();
    hand_sweep("parameters.carbon_price=0..20:10", dev_null)
        .args(["--threads", "2"])
        .run();
    let meta = std::fs::metadata(dev_null).unwrap();
    assert!(meta.file_type().is_char_device());
    assert!(!Path::new("/dev/.null.lock").exists());

    let dir = Scratch::new();
    let fifo = dir.path("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    Symbio::new()
        .args(["solve", HAND, "--format", "json", "-o"])
        .file_arg(&fifo)
        .run();
    let text = reader.join().unwrap();
    assert!(text.starts_with('{') && text.ends_with("}\n"), "{text}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

/// Bug: the temporary files `.NAME.PID.tmp` of a killed run stayed forever. The
/// next run writing the same output removes them (holding the output's lock, it
/// knows no other run writes it); other outputs' files are left alone.
#[test]
fn leftover_temporary_files_of_a_killed_run_are_removed() {
    let dir = Scratch::new();
    for n in [
        ".plan.json.4194301.tmp",
        ".plan.json.12.tmp",
        ".other.json.12.tmp",
    ] {
        dir.write(n, "half a plan");
    }
    Symbio::new()
        .args(["solve", HAND, "--format", "json", "-o"])
        .file_arg(dir.path("plan.json"))
        .run();
    let mut left: Vec<String> = std::fs::read_dir(dir.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".other.json.12.tmp", "plan.json"]);
}
