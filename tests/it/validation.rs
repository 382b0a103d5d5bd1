//! Each class of bad input, through the CLI: exit code 2, and a message naming the
//! file, the field path and the id.

use crate::{Run, Scratch, Symbio};

/// A valid base scenario; tests break one thing at a time.
pub(crate) const BASE: &str = r#"
[scenario]
name = "base"
currency = "EUR"

[[materials]]
id = "slag"
unit = "t"
kind = "material"

[[materials]]
id = "clinker"
unit = "t"
kind = "material"

[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.1

[[rules]]
id = "slag_for_clinker"
from = "slag"
to = "clinker"
modes = ["truck"]

[[sites]]
id = "steel"
x_km = 0.0
y_km = 0.0
outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 5.0 }]

[[sites]]
id = "cement"
x_km = 10.0
y_km = 0.0
inputs = [{ id = "clinker", material = "clinker", quantity = 60.0, price = 40.0 }]
"#;

/// Runs `symbio check` on a scenario text, which must exit with `code`.
#[track_caller]
fn check(text: &str, code: i32) -> Run {
    let (_dir, p) = Scratch::with("scenario.toml", text);
    Symbio::new()
        .arg("check")
        .file_arg(&p)
        .expect_code(code)
        .run()
}

#[track_caller]
fn rejected(text: &str, needles: &[&str]) -> String {
    let run = check(text, 2);
    // names the file
    run.stderr_contains("scenario.toml");
    for n in needles {
        run.stderr_contains(n);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

#[test]
fn base_scenario_is_valid() {
    check(BASE, 0).stdout_contains("candidate links  1");
}

#[test]
fn unknown_field_is_named() {
    let text = BASE.replace(
        "cost_per_unit_km = 0.1",
        "cost_per_unit_km = 0.1\ncolour = \"red\"",
    );
    rejected(&text, &["modes[0]", "colour", "\"truck\""]);
}

#[test]
fn duplicate_id_is_named() {
    let text = format!("{BASE}\n[[materials]]\nid = \"slag\"\nunit = \"t\"\nkind = \"material\"\n");
    rejected(&text, &["materials[2].id", "\"slag\"", "duplicate id"]);
}

#[test]
fn dangling_id_is_named() {
    let text = BASE.replace("to = \"clinker\"", "to = \"clinkr\"");
    rejected(&text, &["rules[0].to", "unknown material \"clinkr\""]);
    let text = BASE.replace("modes = [\"truck\"]", "modes = [\"barge\"]");
    rejected(&text, &["rules[0].modes[0]", "unknown mode \"barge\""]);
}

#[test]
fn a_value_of_the_wrong_type_is_said_in_words() {
    let text = BASE.replace("quantity = 100.0", "quantity = \"90 000\"");
    rejected(&text, &["expected a number, got the text \"90 000\""]);
}

#[test]
fn materials_missing_altogether_point_at_the_catalog() {
    // A district without its catalog: every material it names is unknown, and
    // each says where materials come from.
    let text = r#"
[scenario]
name = "no catalog"
currency = "EUR"

[[sites]]
id = "steel"
lat = 24.3
lon = 109.4
[[sites.outputs]]
id = "slag"
material = "gbfs"
quantity = 1000.0
"#;
    let stderr = rejected(text, &["unknown material \"gbfs\"", "the catalog"]);
    assert!(stderr.contains("`include` of [scenario]"), "{stderr}");
}

#[test]
fn mode_that_cannot_carry_the_unit_is_named() {
    let text = BASE.replace("units = [\"t\"]", "units = [\"MWh\"]");
    rejected(
        &text,
        &[
            "rules[0].modes[0]",
            "cannot carry t",
            "\"slag_for_clinker\"",
        ],
    );
}

#[test]
fn negative_quantity_and_price_are_named() {
    let text = BASE
        .replace("quantity = 100.0", "quantity = -100.0")
        .replace("price = 40.0", "price = -1.0");
    let err = rejected(
        &text,
        &[
            "sites[0].outputs[0].quantity",
            "sites[1].inputs[0].price",
            "must be ≥ 0",
        ],
    );
    assert!(
        err.contains("2 problems"),
        "both are reported together:\n{err}"
    );
}

#[test]
fn negative_distance_is_named() {
    let text = format!(
        "{BASE}\n[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement\"\n\
         to_input = \"clinker\"\ndistance_km = -3.0\n"
    );
    rejected(&text, &["links[0].distance_km", "must be ≥ 0"]);
}

#[test]
fn nan_and_infinity_are_rejected() {
    let text = BASE
        .replace("disposal_cost = 5.0", "disposal_cost = nan")
        .replace("cost_per_unit_km = 0.1", "cost_per_unit_km = inf");
    rejected(
        &text,
        &[
            "sites[0].outputs[0].disposal_cost",
            "modes[0].cost_per_unit_km",
            "finite",
        ],
    );
}

#[test]
fn link_to_a_site_without_location_needs_a_distance() {
    let text = BASE.replace("x_km = 10.0\ny_km = 0.0\n", "")
        + "\n[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"cement\"\nto_input = \"clinker\"\n";
    rejected(
        &text,
        &["links[0].distance_km", "\"cement\" has no location"],
    );
    // With a distance the same scenario is fine.
    let ok = text.replace(
        "to_input = \"clinker\"\n",
        "to_input = \"clinker\"\ndistance_km = 12.0\n",
    );
    check(&ok, 0);
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let text = BASE.replace("cost_per_unit_km = 0.1", "cost_per_unit_km = = 0.1");
    let line = BASE
        .lines()
        .position(|l| l.starts_with("cost_per_unit_km"))
        .unwrap()
        + 1;
    rejected(&text, &[&format!("scenario.toml:{line}:"), "invalid TOML"]);
}

#[test]
fn include_cycle_is_an_error() {
    let dir = Scratch::new();
    let a = dir.write(
        "a.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"b.toml\"]\n",
    );
    dir.write(
        "b.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"a.toml\"]\n",
    );
    Symbio::new()
        .arg("check")
        .file_arg(a)
        .expect_code(2)
        .run()
        .stderr_contains("include cycle")
        .stderr_contains("scenario.include[0]");
}

#[test]
fn duplicate_id_across_an_include_names_both_files() {
    let dir = Scratch::new();
    dir.write(
        "catalog.toml",
        "[scenario]\ncurrency = \"EUR\"\n[[materials]]\nid = \"slag\"\nunit = \"t\"\nkind = \"material\"\n",
    );
    let main = BASE.replace(
        "currency = \"EUR\"",
        "currency = \"EUR\"\ninclude = [\"catalog.toml\"]",
    );
    let main = dir.write("main.toml", &main);
    Symbio::new()
        .arg("check")
        .file_arg(main)
        .expect_code(2)
        .run()
        .stderr_contains("duplicate id")
        .stderr_contains("catalog.toml");
}

#[test]
fn included_file_in_another_currency_needs_a_rate() {
    let dir = Scratch::new();
    dir.write(
        "catalog.toml",
        "[scenario]\ncurrency = \"USD\"\n[[modes]]\nid = \"rail\"\nunits = [\"t\"]\ncost_per_unit_km = 0.02\n",
    );
    let main = BASE.replace(
        "currency = \"EUR\"",
        "currency = \"EUR\"\ninclude = [\"catalog.toml\"]",
    );
    let file = dir.write("main.toml", &main);
    let check = || Symbio::new().arg("check").file_arg(&file);
    check()
        .expect_code(2)
        .run()
        .stderr_contains("exchange_rates.USD");
    dir.write(
        "main.toml",
        &format!("{main}\n[parameters]\nexchange_rates = {{ USD = 0.9 }}\n"),
    );
    check().run();
}

#[test]
fn missing_file_is_bad_input() {
    Symbio::new()
        .args(["solve", "no/such/file.toml"])
        .expect_code(2)
        .run()
        .stderr_contains("no/such/file.toml");
}

#[test]
fn bad_solver_option_is_bad_input() {
    let (_dir, p) = Scratch::with("scenario.toml", BASE);
    Symbio::new()
        .arg("solve")
        .file_arg(&p)
        .arg("--gap=-1")
        .expect_code(2)
        .run()
        .stderr_contains("--gap");
}

#[test]
fn a_file_included_twice_through_different_files_is_merged_once() {
    let dir = Scratch::new();
    let w = |name: &str, text: &str| dir.write(name, text);
    w(
        "base.toml",
        "[scenario]\ncurrency = \"EUR\"\n[[materials]]\nid = \"slag\"\nunit = \"t\"\nkind = \"material\"\n",
    );
    w(
        "a.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"base.toml\"]\n[[materials]]\nid = \"ash\"\nunit = \"t\"\nkind = \"material\"\n",
    );
    w(
        "b.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"base.toml\"]\n[[materials]]\nid = \"gypsum\"\nunit = \"t\"\nkind = \"material\"\n",
    );
    w(
        "all.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"a.toml\", \"b.toml\"]\n",
    );
    Symbio::new()
        .arg("check")
        .file_arg(dir.path("all.toml"))
        .run()
        .stdout_contains("3 materials");
}

/// Regression (hardening issue, ambiguous ids): an output `o1` and an output
/// `o1->B`, with sites `B->C` and `C`, gave two links both written
/// `A/o1->B->C/i1@truck`. Ids may not contain the separators of a link's text
/// form (`/`, `->`, `@`), so every link reads back to the one it names.
#[test]
fn ids_with_the_separators_of_a_link_are_refused() {
    for (from, to) in [
        ("id = \"cement\"", "id = \"cement->kiln\""),
        ("id = \"slag\", material", "id = \"slag@site\", material"),
        ("id = \"truck\"", "id = \"truck/rail\""),
    ] {
        let text = BASE.replacen(from, to, 1);
        rejected(&text, &["ids may not contain", "'->'", "'@'"]);
    }
}
