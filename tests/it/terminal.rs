//! Fit for a terminal and a shell: tables within the width, shell completions,
//! the manual page, check's warnings and rounded break-even figures.

use crate::{Scratch, Symbio};

const LIUZHOU: &str = "scenarios/liuzhou.toml";
const SUBCOMMANDS: [&str; 6] = [
    "solve",
    "check",
    "pareto",
    "breakeven",
    "montecarlo",
    "compare",
];

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_plan_table_fits_100_columns_and_wide_does_not_cut() {
    for s in ["liuzhou", "kalundborg", "ulsan-steam"] {
        let file = format!("scenarios/{s}.toml");
        let text = Symbio::new().args(["solve", &file]).run().stdout;
        assert!(
            widest(&text) <= 100,
            "{s}: {} columns\n{text}",
            widest(&text)
        );
        let wide = Symbio::new().args(["solve", &file, "--wide"]).run().stdout;
        assert!(!wide.contains('…'), "{s}: --wide cut a name\n{wide}");
    }
}

#[test]
fn the_plan_table_follows_columns() {
    let text = Symbio::new()
        .args(["solve", LIUZHOU])
        .env("COLUMNS", "80")
        .run()
        .stdout;
    assert!(widest(&text) <= 80, "{} columns\n{text}", widest(&text));
    insta::assert_snapshot!("solve_liuzhou_80_columns", text);
}

#[test]
fn completions_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let text = Symbio::new().args(["completions", shell]).run().stdout;
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell}: no {sub}");
        }
    }
    Symbio::new()
        .args(["completions", "tcsh"])
        .expect_code(2)
        .run();
}

#[test]
fn the_manual_page_names_the_subcommands() {
    let s = Scratch::new();
    let text = Symbio::new().args(["man"]).run().stdout;
    assert!(
        text.starts_with(".ie") || text.contains(".TH symbio"),
        "{text}"
    );
    for sub in SUBCOMMANDS {
        assert!(
            text.contains(&format!("symbio\\-{sub}")),
            "no page of {sub}"
        );
    }
    Symbio::new()
        .args(["man", "-o"])
        .file_arg(s.path("symbio.1"))
        .run();
    assert_eq!(s.read("symbio.1"), text);
}

#[test]
fn the_manual_has_exit_status_and_examples_and_a_page_per_subcommand() {
    let all = Symbio::new().args(["man"]).run().stdout;
    assert!(all.contains(".SH \"EXIT STATUS\"") && all.contains(".SH EXAMPLES"));
    for sub in SUBCOMMANDS {
        let page = Symbio::new().args(["man", sub]).run().stdout;
        assert!(page.contains(&format!(".TH symbio-{sub}")), "{sub}: {page}");
        assert!(page.contains(".SH \"EXIT STATUS\"") && page.contains("\n130\n"));
        assert!(!page.contains(".TH symbio "), "{sub}: the main page too");
    }
    Symbio::new()
        .args(["man", "nosuch"])
        .expect_code(2)
        .run()
        .stderr_contains("no subcommand \"nosuch\"");
}

/// Inputs without `price` and outputs without `disposal_cost`.
const UNPRICED: &str = "tests/data/unpriced.toml";

#[test]
fn check_warns_about_figures_left_to_their_defaults() {
    let p = crate::path(UNPRICED);
    let run = Symbio::new().arg("check").file_arg(&p).run();
    run.stderr_contains("warning: 2 figures left out where a number is expected, 0 assumed")
        .stderr_contains("sites.a.outputs.slag.disposal_cost")
        .stderr_contains("sites.b.inputs.slag.price");
    assert!(!run.stdout.contains("warning"));
    let json = Symbio::new()
        .arg("check")
        .file_arg(&p)
        .args(["--format", "json"])
        .run()
        .stdout_json();
    let paths: Vec<&str> = json["warnings"]
        .as_array()
        .expect("a warnings array")
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "sites.a.outputs.slag.disposal_cost",
            "sites.b.inputs.slag.price"
        ]
    );
    let quiet = Symbio::new().arg("check").file_arg(&p).arg("-q").run();
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    // Shipped scenarios state every such figure: no warnings, no array.
    let shipped = Symbio::new()
        .args(["check", LIUZHOU, "--format", "json"])
        .run()
        .stdout_json();
    assert!(shipped.get("warnings").is_none());
}

#[test]
fn breakeven_reports_the_file_value_rounded() {
    // 0.1 EUR/t/km at 3 CNY per EUR is 0.30000000000000004 CNY in floating point.
    let s = Scratch::new();
    s.write("eur.toml", &crate::read(UNPRICED));
    let main = s.write(
        "main.toml",
        "[scenario]\nname = \"cny\"\ncurrency = \"CNY\"\ninclude = [\"eur.toml\"]\n\
         [parameters]\nexchange_rates = { EUR = 3.0 }\n",
    );
    let args = [
        "--param",
        "modes.truck.cost_per_unit_km",
        "--range",
        "0..1",
        "--steps",
        "2",
    ];
    let run = |format: &str| {
        Symbio::new()
            .arg("breakeven")
            .file_arg(&main)
            .args(args)
            .args(["--format", format])
            .run()
            .stdout
    };
    let table = run("table");
    assert!(table.contains("the file has 0.3\n"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["file_value"], serde_json::json!(0.3));
}
