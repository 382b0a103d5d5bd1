//! The starter scenario, `symbio init` (where its catalog comes from) and
//! `replace = true` (an including file retunes an included item by id).

use std::path::Path;

use serde_json::Value;

use crate::{path, read_path, Run, Scratch, Symbio};

/// The catalog's truck mode with another cost per t-km.
fn truck(cost: f64) -> String {
    format!(
        r#"
[[modes]]
id = "truck"
replace = true
units = ["t"]
cost_per_unit_km = {cost}
max_distance_km = 150.0
source = "assumption: a dearer truck"
"#
    )
}

/// A scenario including `base` (absolute) with `body` after it.
fn including(base: &Path, body: &str) -> String {
    format!(
        "[scenario]\nname = \"retuned\"\ncurrency = \"EUR\"\ninclude = [{}]\n{body}",
        toml::Value::from(base.to_str().unwrap())
    )
}

fn solve(file: &Path) -> Value {
    Symbio::new()
        .args(["solve", "--format", "json"])
        .file_arg(file)
        .run()
        .stdout_json()
}

fn links(plan: &Value) -> &Vec<Value> {
    plan["links"].as_array().expect("links")
}

#[track_caller]
fn checks_and_solves(file: &Path) -> Value {
    Symbio::new().arg("check").file_arg(file).run();
    let plan = solve(file);
    assert!(!links(&plan).is_empty(), "no link in {plan}");
    plan
}

/// Runs `symbio init FLAGS -o OUT`, which must succeed.
fn init(flags: &[&str], out: &Path) -> Run {
    Symbio::new()
        .arg("init")
        .args(flags)
        .arg("-o")
        .file_arg(out)
        .run()
}

#[test]
fn init_output_file_checks_and_solves_with_links() {
    let s = Scratch::new();
    let out = s.path("dir/district.toml");
    init(&["--example", "district"], &out).stderr_contains("wrote");
    let text = read_path(&out);
    assert!(text.contains("# assumption"), "{text}");
    // The include is relative to the file's folder.
    let include = text.lines().find(|l| l.starts_with("include = ")).unwrap();
    assert!(include.contains("\"../"), "{include}");
    assert!(
        include.contains("scenarios/catalog/default.toml"),
        "{include}"
    );
    checks_and_solves(&out);
}

#[test]
fn init_to_stdout_includes_the_catalog_by_absolute_path() {
    let run = Symbio::new().arg("init").run();
    let s = Scratch::new();
    let file = s.write("elsewhere.toml", &run.stdout);
    assert!(run.stdout.contains(&format!(
        "include = [{}]",
        toml::Value::from(
            std::fs::canonicalize(path("scenarios/catalog/default.toml"))
                .unwrap()
                .to_str()
                .unwrap()
        )
    )));
    checks_and_solves(&file);
}

#[test]
fn init_copy_catalog_writes_a_folder_that_stands_alone() {
    let s = Scratch::new();
    let out = s.path("kit/district.toml");
    init(&["--copy-catalog", "-q"], &out);
    assert_eq!(
        read_path(&s.path("kit/catalog.toml")),
        crate::read("scenarios/catalog/default.toml")
    );
    assert!(read_path(&out).contains("include = [\"catalog.toml\"]"));
    // Moved elsewhere, the folder still solves.
    std::fs::rename(s.path("kit"), s.path("moved")).unwrap();
    checks_and_solves(&s.path("moved/district.toml"));
}

#[test]
fn init_catalog_flag_is_written_relative_to_the_output() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("shared")).unwrap();
    let catalog = s.write(
        "shared/cat.toml",
        &crate::read("scenarios/catalog/default.toml"),
    );
    let out = s.path("district/a.toml");
    init(&["--catalog", catalog.to_str().unwrap()], &out);
    assert!(read_path(&out).contains("include = [\"../shared/cat.toml\"]"));
    checks_and_solves(&out);
}

#[test]
fn init_refuses_to_overwrite_and_a_missing_catalog() {
    let (s, out) = Scratch::with("district.toml", "keep me");
    Symbio::new()
        .args(["init", "-o"])
        .file_arg(&out)
        .expect_code(2)
        .run()
        .stderr_contains("--force");
    assert_eq!(s.read("district.toml"), "keep me");
    init(&["--force", "-q"], &out);
    checks_and_solves(&out);
    Symbio::new()
        .args(["init", "--catalog", "no/such/catalog.toml"])
        .expect_code(2)
        .run()
        .stderr_contains("no such file");
    Symbio::new()
        .args(["init", "--copy-catalog"])
        .expect_code(2)
        .run()
        .stderr_contains("--output");
}

#[test]
fn shipped_starter_checks_and_solves_in_place() {
    checks_and_solves(&path("scenarios/starter/district.toml"));
}

#[test]
fn replacing_the_truck_changes_the_optimum() {
    let starter = path("scenarios/starter/district.toml");
    let before = solve(&starter);
    let (s, file) = Scratch::with("retuned.toml", &including(&starter, &truck(2.0)));
    let after = solve(&file);
    assert_ne!(before["objective"], after["objective"]);
    let modes = |p: &Value| -> Vec<String> {
        links(p)
            .iter()
            .map(|l| l["mode"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(modes(&before).iter().any(|m| m == "truck"));
    assert!(!modes(&after).iter().any(|m| m == "truck"), "{after}");
    assert!(!s.read("retuned.toml").is_empty());
    // The marker stays out of the plan.
    assert!(!serde_json::to_string(&after).unwrap().contains("replace"));
    // The same file without the marker: a duplicate id, as before.
    let plain = including(&starter, &truck(2.0).replace("replace = true\n", ""));
    let plain = s.write("plain.toml", &plain);
    Symbio::new()
        .arg("check")
        .file_arg(&plain)
        .expect_code(2)
        .run()
        .stderr_contains("duplicate id");
}

#[test]
fn the_replacement_is_named_by_its_own_file() {
    let starter = path("scenarios/starter/district.toml");
    let (_s, file) = Scratch::with("bad.toml", &including(&starter, &truck(-1.0)));
    let run = Symbio::new()
        .arg("check")
        .file_arg(&file)
        .expect_code(2)
        .run();
    run.stderr_contains("bad.toml: modes[0].cost_per_unit_km (id \"truck\")");
    assert!(!run.stderr.contains("default.toml"), "{}", run.stderr);
}

#[test]
fn replace_of_an_id_no_included_file_defines_is_an_error() {
    let starter = path("scenarios/starter/district.toml");
    let body = truck(0.05).replace("\"truck\"", "\"lorry\"");
    let (_s, file) = Scratch::with("lorry.toml", &including(&starter, &body));
    Symbio::new()
        .arg("check")
        .file_arg(&file)
        .expect_code(2)
        .run()
        .stderr_contains("lorry.toml: modes[0].replace (id \"lorry\")")
        .stderr_contains("no included file defines");
    // Nor may a file replace its own item.
    let own = "[scenario]\ncurrency = \"EUR\"\n[[materials]]\nid = \"a\"\nunit = \"t\"\n\
               kind = \"material\"\n[[materials]]\nid = \"a\"\nunit = \"t\"\nkind = \"water\"\n\
               replace = true\n";
    let (_s, file) = Scratch::with("own.toml", own);
    Symbio::new()
        .arg("check")
        .file_arg(&file)
        .expect_code(2)
        .run()
        .stderr_contains("own.toml: materials[1].replace (id \"a\")");
}

#[test]
fn two_replacements_of_one_id_are_an_error() {
    let starter = path("scenarios/starter/district.toml");
    let (s, _) = Scratch::with("x.toml", "");
    let a = s.write("a.toml", &including(&starter, &truck(1.0)));
    let b = s.write("b.toml", &including(&starter, &truck(2.0)));
    let root = format!(
        "[scenario]\ncurrency = \"EUR\"\ninclude = [{}, {}]\n",
        toml::Value::from(a.to_str().unwrap()),
        toml::Value::from(b.to_str().unwrap())
    );
    let root = s.write("root.toml", &root);
    Symbio::new()
        .arg("check")
        .file_arg(&root)
        .expect_code(2)
        .run()
        .stderr_contains("b.toml: modes[0].replace (id \"truck\")")
        .stderr_contains("replaced twice");
    // In one file, too.
    let twice = s.write(
        "twice.toml",
        &including(&starter, &format!("{}{}", truck(1.0), truck(2.0))),
    );
    Symbio::new()
        .arg("check")
        .file_arg(&twice)
        .expect_code(2)
        .run()
        .stderr_contains("twice.toml: modes[1].replace (id \"truck\")");
}

#[test]
fn replace_reaches_a_file_merged_through_another_include() {
    let catalog = path("scenarios/catalog/default.toml");
    let (s, _) = Scratch::with("x.toml", "");
    // b includes the catalog, which root has merged already (a diamond): b still
    // includes it, so b may replace its truck.
    s.write("b.toml", &including(&catalog, &truck(2.0)));
    let root = format!(
        "[scenario]\ncurrency = \"EUR\"\ninclude = [{}, \"b.toml\"]\n",
        toml::Value::from(catalog.to_str().unwrap())
    );
    let root = s.write("root.toml", &root);
    Symbio::new().arg("check").file_arg(&root).run();
    // A file may not replace what only a sibling include defines.
    let a = "[[modes]]\nid = \"barge\"\nunits = [\"t\"]\n";
    s.write("a.toml", a);
    s.write(
        "c.toml",
        "[[modes]]\nid = \"barge\"\nreplace = true\nunits = [\"t\"]\n",
    );
    let root = s.write(
        "siblings.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"a.toml\", \"c.toml\"]\n",
    );
    Symbio::new()
        .arg("check")
        .file_arg(&root)
        .expect_code(2)
        .run()
        .stderr_contains("c.toml: modes[0].replace (id \"barge\")");
}

#[test]
fn a_replaced_site_brings_its_own_streams() {
    let starter = path("scenarios/starter/district.toml");
    let site = "[[sites]]\nid = \"steelworks\"\nreplace = true\nx_km = 0.0\ny_km = 0.0\n";
    let (_s, file) = Scratch::with("site.toml", &including(&starter, site));
    let plan = solve(&file);
    assert!(
        !links(&plan).iter().any(|l| l["from_site"] == "steelworks"),
        "{plan}"
    );
    assert!(!links(&plan).is_empty());
}
