//! A user's files are safe: no command writes over one of its own inputs (the
//! scenario, its includes, the rows or the workbook it reads), and none writes
//! over a scenario, a workbook or a rows file with another kind of document
//! unless `--force` is given. Either refusal exits 2, names the file and leaves
//! it as it was.

use std::path::{Path, PathBuf};

use crate::{read, Scratch, Symbio};

/// A scratch folder with the hand scenario as `park.toml`, the Monte Carlo
/// fixture as `mc.toml`, and the starter district with its catalog
/// (`district.toml` including `catalog.toml`).
fn park() -> Scratch {
    let s = Scratch::new();
    s.write("park.toml", &read("tests/data/hand.toml"));
    s.write("mc.toml", &read("tests/data/montecarlo.toml"));
    s.write("breakeven.toml", &read("tests/data/breakeven.toml"));
    s.write("catalog.toml", &read("scenarios/catalog/default.toml"));
    s.write(
        "district.toml",
        &read("scenarios/starter/district.toml").replace("../catalog/default.toml", "catalog.toml"),
    );
    s
}

/// The bytes of a file.
fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// Runs `args` (ending with the output), which must exit 2 naming `named` and
/// leave `file` as it was; returns stderr.
#[track_caller]
fn refused(args: Symbio, file: &Path, named: &Path) -> String {
    let before = bytes(file);
    let run = args.expect_code(2).run();
    run.stderr_contains(&named.display().to_string());
    assert_eq!(
        bytes(file),
        before,
        "{}: {} changed",
        run.line,
        file.display()
    );
    run.stderr
}

/// Refused as an input of the run.
#[track_caller]
fn refused_input(args: Symbio, file: &Path) {
    let err = refused(args, file, file);
    assert!(err.contains("is an input of this run"), "{err}");
}

/// Refused as a file of another kind (and then written with --force).
#[track_caller]
fn refused_kind(args: Symbio, file: &Path, holds: &str) {
    let err = refused(args.clone(), file, file);
    assert!(err.contains(&format!("holds {holds}")), "{err}");
    assert!(err.contains("--force"), "{err}");
    let before = bytes(file);
    args.arg("--force").arg("--quiet").run();
    assert_ne!(bytes(file), before, "--force wrote nothing");
}

/// `symbio export` of `scenario` as a workbook at `out`.
fn workbook(scenario: &Path, out: &Path) {
    Symbio::new()
        .args(["export", "--to", "xlsx", "--quiet"])
        .file_arg(scenario)
        .arg("-o")
        .file_arg(out)
        .run();
}

/// A sweep of the hand scenario into the rows file `out`.
fn rows(s: &Scratch, out: &Path) {
    Symbio::new()
        .arg("sweep")
        .file_arg(s.path("park.toml"))
        .args(["--set", "parameters.carbon_price=0,50", "--quiet", "-o"])
        .file_arg(out)
        .run();
}

fn solve(scenario: &Path) -> Symbio {
    Symbio::new().arg("solve").file_arg(scenario)
}

#[test]
fn solve_never_writes_over_its_scenario_or_an_include() {
    let s = park();
    let park = s.path("park.toml");
    refused_input(solve(&park).arg("-o").file_arg(&park), &park);
    // The same file under other names: ./, a folder and back, a link.
    let dotted: PathBuf = s.dir().join(".").join("park.toml");
    let err = refused(solve(&park).arg("-o").file_arg(&dotted), &park, &dotted);
    assert!(err.contains("is an input of this run"), "{err}");
    std::fs::create_dir(s.path("sub")).unwrap();
    let round = s.dir().join("sub").join("..").join("park.toml");
    let run = solve(&round).arg("-o").file_arg(&park).expect_code(2).run();
    run.stderr_contains("is an input of this run");
    let link = s.path("link.toml");
    std::os::unix::fs::symlink("park.toml", &link).unwrap();
    let err = refused(solve(&park).arg("-o").file_arg(&link), &park, &link);
    assert!(err.contains("is an input of this run"), "{err}");
    // A relative path, from the folder of the scenario.
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_symbio"));
    let out = c
        .args(["solve", "park.toml", "-o", "./park.toml"])
        .current_dir(s.dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(s.read("park.toml"), read("tests/data/hand.toml"));
    // An include, even with --force.
    let district = s.path("district.toml");
    let catalog = s.path("catalog.toml");
    refused_input(
        solve(&district).args(["--force", "-o"]).file_arg(&catalog),
        &catalog,
    );
    // Nor does the model it exports.
    refused_input(solve(&park).arg("--export-model").file_arg(&park), &park);
}

#[test]
fn solve_writes_over_a_plan_but_not_over_another_scenario_or_a_workbook() {
    let s = park();
    let (park, plan) = (s.path("park.toml"), s.path("plan.json"));
    s.write("plan.json", "{\"status\": \"old\"}\n");
    solve(&park)
        .args(["--format", "json", "-o"])
        .file_arg(&plan)
        .run();
    assert!(s.read("plan.json").contains("\"objective\""));
    let other = s.write("other.toml", &read("tests/data/hand.toml"));
    refused_kind(
        solve(&park).arg("-o").file_arg(&other),
        &other,
        "a scenario",
    );
    // A scenario in JSON, and one being edited (its TOML broken).
    let json = s.write(
        "other.json",
        "{\"scenario\": {\"name\": \"x\"}, \"sites\": []}\n",
    );
    refused_kind(solve(&park).arg("-o").file_arg(&json), &json, "a scenario");
    let broken = s.write("editing.toml", "[[sites]]\nid = \"a\nname = \n");
    refused_kind(
        solve(&park).arg("-o").file_arg(&broken),
        &broken,
        "a scenario",
    );
    let book = s.path("book");
    workbook(&park, &book);
    refused_kind(solve(&park).arg("-o").file_arg(&book), &book, "a workbook");
    let r = s.path("rows.out");
    rows(&s, &r);
    refused_kind(solve(&park).arg("-o").file_arg(&r), &r, "the rows");
}

#[test]
fn export_and_import_never_write_over_their_inputs() {
    let s = park();
    let (park, book) = (s.path("park.toml"), s.path("park.xlsx"));
    refused_input(
        Symbio::new()
            .args(["export", "--to", "xlsx", "--force"])
            .file_arg(&park)
            .arg("-o")
            .file_arg(&park),
        &park,
    );
    refused_input(
        Symbio::new()
            .args(["export", "--to", "csv"])
            .file_arg(&park)
            .arg("-o")
            .file_arg(&park),
        &park,
    );
    workbook(&park, &book);
    // Over another scenario: a workbook is another kind.
    let other = s.write("other.toml", &read("tests/data/hand.toml"));
    refused_kind(
        Symbio::new()
            .args(["export", "--to", "xlsx"])
            .file_arg(&park)
            .arg("-o")
            .file_arg(&other),
        &other,
        "a scenario",
    );
    refused_input(
        Symbio::new()
            .args(["import", "--force"])
            .file_arg(&book)
            .arg("-o")
            .file_arg(&book),
        &book,
    );
    let catalog = s.path("catalog.toml");
    refused_input(
        Symbio::new()
            .arg("import")
            .file_arg(&book)
            .arg("--include")
            .file_arg(&catalog)
            .arg("-o")
            .file_arg(&catalog),
        &catalog,
    );
    // A sheet of a folder of CSV files read.
    let folder = s.path("sheets");
    Symbio::new()
        .args(["export", "--to", "csv", "--quiet"])
        .file_arg(&park)
        .arg("-o")
        .file_arg(&folder)
        .run();
    let sheet = folder.join("sites.csv");
    refused_input(
        Symbio::new()
            .args(["import", "--force"])
            .file_arg(&folder)
            .arg("-o")
            .file_arg(&sheet),
        &sheet,
    );
    // Over another workbook, and over rows: another kind.
    let book2 = s.path("book2.xlsx");
    workbook(&park, &book2);
    refused_kind(
        Symbio::new()
            .arg("import")
            .file_arg(&book)
            .arg("-o")
            .file_arg(&book2),
        &book2,
        "a workbook",
    );
    // Over a scenario it writes as it did (the same kind).
    std::fs::write(&other, read("tests/data/hand.toml")).unwrap();
    Symbio::new()
        .args(["import", "--quiet"])
        .file_arg(&book)
        .arg("-o")
        .file_arg(&other)
        .run();
}

#[test]
fn init_never_writes_over_its_catalog() {
    let s = park();
    let catalog = s.path("catalog.toml");
    refused_input(
        Symbio::new()
            .args(["init", "--force", "--catalog"])
            .file_arg(&catalog)
            .arg("-o")
            .file_arg(&catalog),
        &catalog,
    );
    let park = s.path("park.toml");
    let run = refused(
        Symbio::new().args(["init", "-o"]).file_arg(&park),
        &park,
        &park,
    );
    assert!(run.contains("exists (--force overwrites it)"), "{run}");
}

#[test]
fn sweep_and_montecarlo_never_write_over_their_inputs_or_other_kinds() {
    let s = park();
    let (park, mc) = (s.path("park.toml"), s.path("mc.toml"));
    let sweep = || {
        Symbio::new()
            .arg("sweep")
            .file_arg(&park)
            .args(["--set", "parameters.carbon_price=0,50"])
    };
    refused_input(sweep().arg("-o").file_arg(&park), &park);
    refused_input(sweep().args(["--resume", "-o"]).file_arg(&park), &park);
    let book = s.path("book");
    workbook(&park, &book);
    refused_kind(sweep().arg("-o").file_arg(&book), &book, "a workbook");
    let r = s.path("rows.out");
    rows(&s, &r);
    refused_kind(
        sweep().args(["--format", "table", "-o"]).file_arg(&r),
        &r,
        "the rows",
    );
    let montecarlo = || {
        Symbio::new()
            .arg("montecarlo")
            .file_arg(&mc)
            .args(["--samples", "4"])
    };
    refused_input(montecarlo().arg("--rows").file_arg(&mc), &mc);
    let other = s.write("other.toml", &read("tests/data/hand.toml"));
    refused_kind(
        montecarlo().arg("--rows").file_arg(&other),
        &other,
        "a scenario",
    );
    let mrows = s.path("mc.rows");
    let same = montecarlo()
        .arg("--rows")
        .file_arg(&mrows)
        .arg("-o")
        .file_arg(&mrows)
        .expect_code(2)
        .run();
    same.stderr_contains("the same file");
    montecarlo().arg("--rows").file_arg(&mrows).arg("-q").run();
    refused_input(
        montecarlo()
            .arg("--from-rows")
            .file_arg(&mrows)
            .arg("-o")
            .file_arg(&mrows),
        &mrows,
    );
}

#[test]
fn analyses_never_write_over_their_inputs() {
    let s = park();
    let park = s.path("park.toml");
    let b = s.path("breakeven.toml");
    refused_input(
        Symbio::new()
            .arg("breakeven")
            .file_arg(&b)
            .args([
                "--param",
                "parameters.carbon_price",
                "--range",
                "0..50",
                "-o",
            ])
            .file_arg(&b),
        &b,
    );
    for cmd in ["pareto", "compare", "check", "report", "catalog"] {
        refused_input(
            Symbio::new()
                .arg(cmd)
                .file_arg(&park)
                .arg("-o")
                .file_arg(&park),
            &park,
        );
    }
    // The report's rows and front are inputs too; a rows file is another kind.
    let r = s.path("rows.out");
    rows(&s, &r);
    refused_input(
        Symbio::new()
            .args(["report", "--sweep"])
            .file_arg(&r)
            .arg("-o")
            .file_arg(&r),
        &r,
    );
    let front = s.path("front.out");
    Symbio::new()
        .arg("pareto")
        .file_arg(&park)
        .args(["--points", "3", "--format", "json", "-o"])
        .file_arg(&front)
        .run();
    refused_input(
        Symbio::new()
            .args(["report", "--pareto"])
            .file_arg(&front)
            .arg("-o")
            .file_arg(&front),
        &front,
    );
    refused_kind(
        Symbio::new()
            .args(["pareto", "--points", "3"])
            .file_arg(&park)
            .arg("-o")
            .file_arg(&r),
        &r,
        "the rows",
    );
}

#[test]
fn merge_never_writes_over_a_shard() {
    let s = park();
    let park = s.path("park.toml");
    let (a, b) = (s.path("a.jsonl"), s.path("b.jsonl"));
    for (k, out) in [(0, &a), (1, &b)] {
        Symbio::new()
            .arg("sweep")
            .file_arg(&park)
            .args(["--set", "parameters.carbon_price=0,50", "--quiet"])
            .args(["--shard", &format!("{k}/2"), "-o"])
            .file_arg(out)
            .run();
    }
    refused_input(
        Symbio::new()
            .arg("merge")
            .file_arg(&a)
            .file_arg(&b)
            .arg("-o")
            .file_arg(&b),
        &b,
    );
    // Rows over rows are the same kind: a merged file may be merged again.
    let all = s.path("all.jsonl");
    std::fs::copy(&a, &all).unwrap();
    Symbio::new()
        .arg("merge")
        .file_arg(&a)
        .file_arg(&b)
        .args(["-q", "-o"])
        .file_arg(&all)
        .run();
}

#[test]
fn schema_man_and_completions_write_over_no_scenario() {
    let s = park();
    let park = s.path("park.toml");
    for args in [&["schema"][..], &["man"][..], &["completions", "bash"][..]] {
        std::fs::write(&park, read("tests/data/hand.toml")).unwrap();
        refused_kind(
            Symbio::new().args(args).arg("-o").file_arg(&park),
            &park,
            "a scenario",
        );
    }
}

/// Bug: `export --to csv -o FOLDER` checked the folder only, so a sheet file in
/// it was written over whatever it held: the scenario read (a TOML scenario
/// named like a sheet), or a rows file. Each file it would write is checked
/// before any is written; `--force` writes over the rows, never over the input.
#[test]
fn export_to_csv_checks_each_file_it_would_write() {
    let s = park();
    let folder = s.path("out");
    std::fs::create_dir_all(&folder).unwrap();
    // The scenario itself, under the name of a sheet.
    let input = folder.join("sites.csv");
    std::fs::write(&input, read("tests/data/hand.toml")).unwrap();
    let export = || {
        Symbio::new()
            .args(["export", "--to", "csv"])
            .file_arg(&input)
            .arg("-o")
            .file_arg(&folder)
    };
    refused_input(export().arg("--force"), &input);
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1,
        "nothing else written"
    );
    // Rows of a sweep (plain CSV, with their fingerprint file beside them).
    std::fs::remove_file(&input).unwrap();
    let rows_file = folder.join("modes.csv");
    rows(&s, &rows_file);
    let park = s.path("park.toml");
    let export = || {
        Symbio::new()
            .args(["export", "--to", "csv"])
            .file_arg(&park)
            .arg("-o")
            .file_arg(&folder)
    };
    refused_kind(export(), &rows_file, "the rows of a sweep");
    assert!(input.exists(), "with --force every sheet is written");
    // The sheet is no rows file any more: its fingerprint file is gone.
    assert!(!folder.join("modes.csv.symbio").exists());
}
