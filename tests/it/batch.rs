//! The batch runs, `symbio sweep` and `symbio montecarlo`: both go through one
//! library runner (`symbio::analysis::batch::run_batch`), so their shards, resume
//! and Ctrl-C are tested once, over a table of the two subcommands.
//!
//! `sweep` streams its rows with `--output FILE` (JSON Lines or CSV, chosen by
//! `--format`), `montecarlo` with `--rows FILE` (JSON Lines, or CSV when FILE
//! ends in .csv; its `--format` is the summary's). Every rows file has its
//! fingerprint file `FILE.symbio` beside it. `symbio merge SHARD... -o OUT` joins the shards of either.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{json_lines, path, read_path, Run, Scratch, Symbio};

/// A row format a subcommand streams.
pub struct RowFormat {
    /// Also the extension of the files written.
    pub name: &'static str,
    /// The arguments that select it.
    pub args: &'static [&'static str],
    /// Whether the file starts with a header line.
    pub header: bool,
}

const JSONL: RowFormat = RowFormat {
    name: "jsonl",
    args: &["--format", "jsonl"],
    header: false,
};
const CSV: RowFormat = RowFormat {
    name: "csv",
    args: &["--format", "csv"],
    header: true,
};
/// Monte Carlo rows are JSON Lines or CSV by the extension of the rows file,
/// whatever its `--format` (the summary's).
const MC_ROWS: RowFormat = RowFormat {
    name: "jsonl",
    args: &[],
    header: false,
};
const MC_CSV: RowFormat = RowFormat {
    name: "csv",
    args: &[],
    header: true,
};

/// One batch subcommand and the runs its tests make.
pub struct Batch {
    pub command: &'static str,
    /// The flag naming the rows file.
    pub rows_flag: &'static str,
    /// What its rows are called in messages ("24 points solved").
    pub noun: &'static str,
    pub formats: &'static [RowFormat],
    /// A quick run (scenario and arguments, without the rows file) and its rows.
    pub short: Vec<String>,
    pub short_rows: usize,
    /// Another run whose rows are not the quick run's, and what the refusal to
    /// resume the quick run's file with it names.
    pub other: Vec<String>,
    pub other_needles: &'static [&'static str],
    /// A run long enough to be interrupted, and its rows.
    pub long: Vec<String>,
    pub long_rows: usize,
    /// Holds the scenario files the runs name.
    _scratch: Scratch,
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// `symbio sweep` on the hand scenario (24 points) and on Liuzhou (601 points).
pub fn sweep() -> Batch {
    const HAND: &str = "tests/data/hand.toml";
    Batch {
        command: "sweep",
        rows_flag: "--output",
        noun: "points",
        formats: &[JSONL, CSV],
        short: strings(&[
            HAND,
            "--set",
            "parameters.carbon_price=0..70:10",
            "--set",
            "modes.truck.cost_per_unit_km=0.05,0.1,0.2",
            "--threads",
            "2",
        ]),
        short_rows: 24,
        other: strings(&[HAND, "--set", "parameters.carbon_price=5,15"]),
        other_needles: &[],
        long: strings(&[
            "scenarios/liuzhou.toml",
            "--set",
            "parameters.carbon_price=0..600:1",
            "--threads",
            "2",
            "--quiet",
        ]),
        long_rows: 601,
        _scratch: Scratch::new(),
    }
}

/// The Monte Carlo fixture.
pub const MC: &str = "tests/data/montecarlo.toml";

/// `symbio montecarlo` on the fixture (45 samples, seed 11) and on Liuzhou with a
/// carbon price uniform on 0..300 (600 samples).
pub fn montecarlo() -> Batch {
    let text = format!(
        "[scenario]\nname = \"liuzhou mc\"\ncurrency = \"CNY\"\ninclude = [{:?}]\n\
         [[uncertainty]]\npath = \"parameters.carbon_price\"\ndistribution = \"uniform\"\n\
         min = 0.0\nmax = 300.0\n",
        path("scenarios/liuzhou.toml").display().to_string()
    );
    let (scratch, liuzhou) = Scratch::with("liuzhou-mc.toml", &text);
    let short = ["--samples", "45", "--seed", "11", "--format", "json"];
    Batch {
        command: "montecarlo",
        rows_flag: "--rows",
        noun: "samples",
        formats: &[MC_ROWS, MC_CSV],
        short: strings(&[&[MC][..], &short, &["--threads", "2"]].concat()),
        short_rows: 45,
        // Drawn with another seed.
        other: strings(&[MC, "--samples", "45", "--seed", "6"]),
        other_needles: &["seed 11"],
        long: strings(&[
            liuzhou.to_str().unwrap(),
            "--samples",
            "600",
            "--seed",
            "3",
            "--threads",
            "2",
            "--quiet",
        ]),
        long_rows: 600,
        _scratch: scratch,
    }
}

fn batches() -> [Batch; 2] {
    [sweep(), montecarlo()]
}

/// Runs `test` for each subcommand and each of its row formats, with a scratch
/// directory for each subcommand.
fn for_each_format(test: impl Fn(&Batch, &Scratch, &RowFormat)) {
    for b in batches() {
        let dir = Scratch::new();
        for format in b.formats {
            test(&b, &dir, format);
        }
    }
}

impl Batch {
    /// The subcommand with `args`, its rows in `format` streamed to `rows`.
    pub fn cmd(&self, args: &[String], format: &RowFormat, rows: &Path) -> Symbio {
        Symbio::new()
            .arg(self.command)
            .args(args)
            .args(format.args)
            .arg(self.rows_flag)
            .file_arg(rows)
    }

    /// Runs the quick run whole into `dir/{name}.{format}`: the file, the run and
    /// the text of the file.
    pub fn quick(&self, dir: &Scratch, name: &str, format: &RowFormat) -> (PathBuf, Run, String) {
        let file = dir.path(&format!("{name}.{}", format.name));
        let run = self.cmd(&self.short, format, &file).run();
        let text = read_path(&file);
        (file, run, text)
    }

    /// Runs the quick run as `n` shards, `n` processes at once, into files of
    /// `dir`; each must succeed and print nothing on stdout (a shard has no
    /// summary). Returns the shard files.
    pub fn shards(&self, dir: &Scratch, format: &RowFormat, n: usize) -> Vec<PathBuf> {
        let shards: Vec<PathBuf> = (0..n)
            .map(|k| dir.path(&format!("{}-shard{k}.{}", self.command, format.name)))
            .collect();
        let running: Vec<_> = shards
            .iter()
            .enumerate()
            .map(|(k, out)| {
                self.cmd(&self.short, format, out)
                    .args(["--shard", &format!("{k}/{n}")])
                    .spawn()
            })
            .collect();
        for r in running {
            let run = r.wait();
            assert!(run.stdout.is_empty(), "{}: {}", run.line, run.stdout);
        }
        shards
    }
}

/// The lines a rows file starts with before its rows: the header (CSV).
pub fn head_lines(format: &RowFormat) -> usize {
    usize::from(format.header)
}

/// The fingerprint file beside a rows file.
pub fn side(rows: &Path) -> PathBuf {
    let mut name = rows.file_name().unwrap().to_os_string();
    name.push(".symbio");
    rows.with_file_name(name)
}

/// The fingerprint of a rows file, from its fingerprint file (`FILE.symbio`, one
/// line of JSON).
#[track_caller]
pub fn fingerprint(rows: &Path) -> Value {
    let text = read_path(&side(rows));
    assert_eq!(text.lines().count(), 1, "{text}");
    let v: Value = serde_json::from_str(&text).expect("the fingerprint file is JSON");
    assert_eq!(v["symbio_rows"], 2, "{text}");
    v["fingerprint"].clone()
}

/// The rows of a JSON Lines rows file: every line is one.
#[track_caller]
pub fn rows_of(text: &str) -> Vec<Value> {
    json_lines(text)
}

/// The point of each row of a rows file.
fn points(text: &str, format: &RowFormat) -> Vec<usize> {
    text.lines()
        .skip(head_lines(format))
        .map(|l| match format.name {
            "csv" => l.split(',').next().unwrap().parse().unwrap(),
            _ => serde_json::from_str::<Value>(l).unwrap()["point"]
                .as_u64()
                .unwrap() as usize,
        })
        .collect()
}

pub fn merge(out: &Path, shards: &[&Path]) -> Symbio {
    Symbio::new()
        .args(["merge", "-o"])
        .file_arg(out)
        .args(shards)
}

/// Shards run as three processes at once hold their own points only, and merged
/// (given in any order) are the rows of one run to the byte; without a shard a
/// merge is refused unless --partial.
#[test]
fn shards_merged_equal_one_run() {
    for_each_format(|b, dir, format| {
        let (_, _, single_text) = b.quick(dir, "single", format);

        let shards = b.shards(dir, format, 3);
        for (k, shard) in shards.iter().enumerate() {
            let expected: Vec<usize> = (0..b.short_rows).filter(|p| p % 3 == k).collect();
            assert_eq!(
                points(&read_path(shard), format),
                expected,
                "{} shard {k}",
                b.command
            );
        }

        let merged = dir.path(&format!("merged.{}", format.name));
        let reversed: Vec<&Path> = shards.iter().rev().map(PathBuf::as_path).collect();
        merge(&merged, &reversed).run();
        assert_eq!(
            read_path(&merged),
            single_text,
            "{} {}",
            b.command,
            format.name
        );

        // Without the first shard, point 0 is missing: refused unless --partial.
        let rest = [shards[1].as_path(), &shards[2]];
        merge(&merged, &rest)
            .expect_code(2)
            .run()
            .stderr_contains("missing");
        merge(&merged, &rest).arg("--partial").run();
    });
}

/// The first lines of `text` (the header counts), then half a line:
/// a run cut short while writing.
fn truncated(text: &str, keep: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let head = lines[..keep].join("\n") + "\n";
    let half = &lines[keep][..lines[keep].len() / 2];
    format!("{head}{half}")
}

/// A run cut short and resumed keeps the finished rows, solves only the others
/// and gives the file (and stdout) of an uninterrupted run, to the byte; resuming
/// a finished run solves nothing and changes nothing.
#[test]
fn resume_keeps_finished_rows_and_gives_identical_bytes() {
    for_each_format(|b, dir, format| {
        let (full, full_run, full_text) = b.quick(dir, "full", format);
        assert_eq!(full_text.lines().count(), b.short_rows + head_lines(format));

        let keep = 7;
        let part = dir.write(
            &format!("part.{}", format.name),
            &truncated(&full_text, keep),
        );
        std::fs::copy(side(&full), side(&part)).unwrap();
        let resume = || b.cmd(&b.short, format, &part).arg("--resume").run();
        let run = resume();
        let done_before = keep - head_lines(format);
        run.stderr_contains(&format!("{} {} solved", b.short_rows - done_before, b.noun))
            .stderr_contains(&format!("{done_before} were done already"));
        assert_eq!(read_path(&part), full_text, "{} {}", b.command, format.name);
        assert_eq!(run.stdout, full_run.stdout, "{}", b.command);

        let run = resume();
        run.stderr_contains(&format!("0 {} solved", b.noun));
        assert_eq!(read_path(&part), full_text);
        assert_eq!(run.stdout, full_run.stdout, "{}", b.command);
    });
}

/// The rows of another run, or a file that holds no rows, are not resumed, and
/// the file is left as it was.
#[test]
fn a_foreign_or_garbled_rows_file_is_refused() {
    for_each_format(|b, dir, format| {
        let (full, _, full_text) = b.quick(dir, "full", format);
        let run = b
            .cmd(&b.other, format, &full)
            .arg("--resume")
            .expect_code(2)
            .run();
        run.stderr_contains("cannot resume");
        for needle in b.other_needles {
            run.stderr_contains(needle);
        }
        assert_eq!(read_path(&full), full_text, "{}", b.command);

        let garbled = "not a row\nnor this\n";
        let file = dir.write(&format!("garbled.{}", format.name), garbled);
        b.cmd(&b.short, format, &file)
            .arg("--resume")
            .expect_code(2)
            .run()
            .stderr_contains("cannot resume");
        assert_eq!(read_path(&file), garbled, "{}", b.command);
    });
}

/// Waits until `file` holds `n` lines (or fails after two minutes).
pub fn wait_for_lines(file: &Path, n: usize) {
    let start = Instant::now();
    while std::fs::read_to_string(file).map_or(0, |t| t.lines().count()) < n {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no rows written"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGINT stops a streamed run cleanly: exit 130, a hint to --resume, nothing on
/// stdout (no summary of an unfinished run) and only whole rows kept; --resume
/// then completes it into the rows (and stdout) of an uninterrupted run.
#[test]
fn ctrl_c_keeps_whole_rows_and_resume_completes() {
    for b in batches() {
        let dir = Scratch::new();
        // JSON Lines, the first format of both.
        let format = &b.formats[0];
        let out = dir.path("rows.jsonl");
        let running = b.cmd(&b.long, format, &out).expect_code(130).spawn();
        wait_for_lines(&out, 4);
        running.interrupt();
        let res = running.wait();
        res.stderr_contains("--resume");
        assert!(res.stdout.is_empty(), "{}", res.stdout);
        let text = read_path(&out);
        let n = text.lines().count();
        assert!((3..b.long_rows).contains(&n), "{}: {n} rows", b.command);
        // Only whole rows.
        assert!(text.ends_with('\n'));
        for r in rows_of(&text) {
            assert_eq!(r["status"], "optimal");
        }

        let resumed = b.cmd(&b.long, format, &out).arg("--resume").run();
        let full = dir.path("full.jsonl");
        let run_full = b.cmd(&b.long, format, &full).run();
        assert_eq!(read_path(&out), read_path(&full), "{}", b.command);
        assert_eq!(resumed.stdout, run_full.stdout, "{}", b.command);
    }
}
