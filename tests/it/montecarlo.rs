//! `symbio montecarlo` and the `[[uncertainty]]` section.

use serde_json::Value;

use crate::batch::{self, MC};
use crate::{assert_close, path, read_path, Scratch, Symbio};

fn run_json(file: &str, extra: &[&str]) -> (String, Value) {
    let run = Symbio::new()
        .args(["montecarlo", file, "--format", "json"])
        .args(extra)
        .run();
    let v = run.stdout_json();
    (run.stdout, v)
}

/// The break-even fixture, included by absolute path, with `extra` appended.
fn with_fixture(extra: &str) -> String {
    format!(
        "[scenario]\nname = \"mc\"\ncurrency = \"EUR\"\ninclude = [{:?}]\n{extra}",
        path("tests/data/breakeven.toml").display().to_string()
    )
}

fn share(r: &Value, to_site: &str) -> f64 {
    r["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["link"]["to_site"] == to_site)
        .map_or(0.0, |l| l["share"].as_f64().unwrap())
}

#[test]
fn same_seed_gives_identical_json_whatever_the_thread_count() {
    let args = ["--samples", "40", "--seed", "7"];
    let (one, _) = run_json(MC, &[&args[..], &["--threads", "1"]].concat());
    let (two, _) = run_json(MC, &[&args[..], &["--threads", "2"]].concat());
    assert_eq!(one, two);
    let (other, _) = run_json(MC, &["--samples", "40", "--seed", "8"]);
    assert_ne!(one, other, "another seed draws other values");
}

/// min = max: every sample is the scenario with that value, so every statistic is
/// the deterministic solve of the scenario with the value written in.
#[test]
fn a_degenerate_distribution_reproduces_the_deterministic_solve() {
    let uncertain = with_fixture(
        "[[uncertainty]]\npath = \"parameters.carbon_price\"\ndistribution = \"uniform\"\nmin = 30.0\nmax = 30.0\n",
    );
    let fixed = with_fixture("[parameters]\ncarbon_price = 30.0\n");
    let dir = Scratch::new();
    let p1 = dir.write("uncertain.toml", &uncertain);
    let p2 = dir.write("fixed.toml", &fixed);
    let (_, r) = run_json(p1.to_str().unwrap(), &["--samples", "5", "--seed", "3"]);
    let plan = Symbio::new()
        .arg("solve")
        .file_arg(&p2)
        .args(["--format", "json"])
        .run()
        .stdout_json();
    let benefit = plan["totals"]["net_benefit"].as_f64().unwrap();
    let co2 = plan["totals"]["co2_avoided"].as_f64().unwrap();
    // At P = 30 the slag goes to the cement plant: −1,400 + 130 × 30 = 2,500 EUR/yr,
    // plus 250 EUR/yr of steam.
    assert_close(benefit, 2750.0, 1e-9);
    for key in ["mean", "min", "p5", "p50", "p95", "max"] {
        assert_eq!(r["net_benefit"][key].as_f64(), Some(benefit), "{key}");
        assert_eq!(r["co2_avoided"][key].as_f64(), Some(co2), "{key}");
    }
    assert_eq!(r["net_benefit"]["sd"].as_f64(), Some(0.0));
    let links = r["links"].as_array().unwrap();
    let plan_links = plan["links"].as_array().unwrap();
    // The links of the plan with P = 30, each in every sample; the file's own plan
    // (P = 10, mortar) shows with share 0.
    for l in plan_links {
        assert_eq!(share(&r, l["to_site"].as_str().unwrap()), 1.0);
    }
    assert_eq!(links.len(), plan_links.len() + 1);
    assert_eq!(share(&r, "mortar"), 0.0);
    let drawn = &r["inputs"][0]["drawn"];
    assert_eq!(
        (drawn["min"].as_f64(), drawn["max"].as_f64()),
        (Some(30.0), Some(30.0))
    );
}

/// With P uniform on 0..50 the break-even values 6 and 24.2857 (tests/it/breakeven.rs)
/// give the shares of the uses of slag: road 6/50 = 0.12, mortar
/// (24.2857 − 6)/50 = 0.3657, cement 0.5143. With 400 samples a share's standard
/// error is at most 0.025; the bound is 4 of those.
#[test]
fn link_shares_match_the_break_even_probabilities() {
    let (_, r) = run_json(
        MC,
        &["--samples", "400", "--seed", "2024", "--threads", "2"],
    );
    assert_eq!(r["feasible"].as_u64(), Some(400));
    let p2 = 1700.0 / 70.0;
    for (site, p) in [
        ("road", 6.0 / 50.0),
        ("mortar", (p2 - 6.0) / 50.0),
        ("cement", (50.0 - p2) / 50.0),
    ] {
        let got = share(&r, site);
        assert!((got - p).abs() < 0.1, "{site}: {got} vs {p}");
    }
    assert_eq!(share(&r, "chem"), 1.0);
    assert_eq!(share(&r, "kiln"), 0.0);
    // The carbon price drawn: within bounds, mean near 25 (sd of the mean
    // 50/√12/√400 = 0.72), median near 25, P5 near 2.5 and P95 near 47.5.
    let cp = &r["inputs"][0]["drawn"];
    assert!(cp["min"].as_f64().unwrap() >= 0.0 && cp["max"].as_f64().unwrap() <= 50.0);
    assert!((cp["mean"].as_f64().unwrap() - 25.0).abs() < 3.0, "{cp}");
    assert!((cp["p50"].as_f64().unwrap() - 25.0).abs() < 4.0, "{cp}");
    assert!((cp["p5"].as_f64().unwrap() - 2.5).abs() < 2.0, "{cp}");
    assert!((cp["p95"].as_f64().unwrap() - 47.5).abs() < 2.0, "{cp}");
    // The steam offered (triangular 40, 50, 60): the chemical plant takes up to 50,
    // so its mean flow is E[min(Q, 50)] = 50 − E[(50 − Q)⁺] = 50 − 10/6 ≈ 48.33
    // (the lower half of the triangle has mean 50 − 10/3, weight 1/2).
    let steam = r["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["link"]["to_site"] == "chem")
        .unwrap();
    assert!(
        (steam["mean_flow"].as_f64().unwrap() - (50.0 - 10.0 / 6.0)).abs() < 0.5,
        "{steam}"
    );
    // Net benefit percentiles are ordered.
    let nb = &r["net_benefit"];
    let q: Vec<f64> = ["min", "p5", "p50", "p95", "max"]
        .iter()
        .map(|k| nb[*k].as_f64().unwrap())
        .collect();
    assert!(q.windows(2).all(|w| w[0] <= w[1]), "{nb}");
}

#[test]
fn table_shows_shares_and_distributions() {
    let run = Symbio::new()
        .args(["montecarlo", MC, "--samples", "20"])
        .run();
    for needle in [
        "20 samples, seed 0",
        "parameters.carbon_price",
        "uniform(0, 50)",
        "triangular(40, 50, 60)",
        "100.0%",
        "steel/steam->chem/steam@pipe",
        "P95",
    ] {
        run.stdout_contains(needle);
    }
}

#[test]
fn a_scenario_without_uncertainty_is_a_usage_error() {
    Symbio::new()
        .args(["montecarlo", "tests/data/breakeven.toml"])
        .expect_code(2)
        .run()
        .stderr_contains("[[uncertainty]]");
}

/// Bad `[[uncertainty]]` entries are rejected by validation (so by `symbio check`
/// and `symbio solve` too), naming `uncertainty[i].field`.
#[test]
fn bad_uncertainty_entries_are_named() {
    let cases = [
        (
            "path = \"parameters.carbon_prize\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 1.0",
            "uncertainty[0].path",
            "carbon_prize",
        ),
        (
            "path = \"sites.steel.outputs.ash.quantity\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 1.0",
            "uncertainty[0].path",
            "no output \"ash\"",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"uniform\"\nmin = 5.0\nmax = 1.0",
            "uncertainty[0].max",
            "≥ min",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"triangular\"\nmin = 0.0\nmode = 9.0\nmax = 5.0",
            "uncertainty[0].mode",
            "between",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"normal\"\nmean = 10.0\nsd = 0.0",
            "uncertainty[0].sd",
            "> 0",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"triangular\"\nmin = 0.0\nmax = 5.0",
            "uncertainty[0].mode",
            "missing",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 5.0\nsd = 1.0",
            "uncertainty[0].sd",
            "not used",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"lognormal\"\nmin = 0.0\nmax = 5.0",
            "uncertainty[0].distribution",
            "lognormal",
        ),
        (
            "path = \"parameters.carbon_price\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 5.0\nskew = 1.0",
            "uncertainty[0]",
            "skew",
        ),
    ];
    for (entry, field, needle) in cases {
        let text = with_fixture(&format!("[[uncertainty]]\n{entry}\n"));
        let (_dir, p) = Scratch::with("scenario.toml", &text);
        for cmd in ["check", "montecarlo"] {
            let run = Symbio::new().arg(cmd).file_arg(&p).expect_code(2).run();
            for n in ["scenario.toml", field, needle] {
                run.stderr_contains(n);
            }
        }
    }
}

/// The same path twice is reported at the second entry, naming the first.
#[test]
fn a_path_with_two_distributions_is_rejected() {
    let entry = "[[uncertainty]]\npath = \"parameters.carbon_price\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 5.0\n";
    let text = with_fixture(&format!("{entry}{entry}"));
    let (_dir, p) = Scratch::with("scenario.toml", &text);
    Symbio::new()
        .arg("check")
        .file_arg(&p)
        .expect_code(2)
        .run()
        .stderr_contains("uncertainty[1].path")
        .stderr_contains("uncertainty[0]");
}

/// A sample the scenario cannot accept (a negative quantity drawn) is a row with
/// status `invalid` naming the field, and the run goes on: the summary counts it
/// as failed and summarises the others (the policy of every batch run).
#[test]
fn an_invalid_sample_is_a_row_and_the_run_goes_on() {
    let text = with_fixture(
        "[[uncertainty]]\npath = \"sites.steel.outputs.slag.quantity\"\ndistribution = \"normal\"\nmean = 0.0\nsd = 10.0\n",
    );
    let (dir, p) = Scratch::with("scenario.toml", &text);
    let rows = dir.path("rows.jsonl");
    let summary = Symbio::new()
        .arg("montecarlo")
        .file_arg(&p)
        .args(["--samples", "10", "--format", "json"])
        .run()
        .stdout_json();
    let failed = summary["failed"].as_u64().unwrap();
    assert!(failed > 0 && failed < 10, "{summary}");
    assert_eq!(summary["feasible"].as_u64().unwrap() + failed, 10);
    Symbio::new()
        .arg("montecarlo")
        .file_arg(&p)
        .args(["--samples", "10", "--quiet", "--rows"])
        .file_arg(&rows)
        .run();
    let invalid: Vec<Value> = batch::rows_of(&read_path(&rows))
        .into_iter()
        .filter(|r| r["status"] == "invalid")
        .collect();
    assert_eq!(invalid.len() as u64, failed);
    for r in &invalid {
        let e = r["error"].as_str().unwrap();
        assert!(
            e.contains("sites[0].outputs[1].quantity") || e.contains("quantity"),
            "{e}"
        );
    }
}

/// Money figures in an included file's other currency are converted, their
/// distributions too: a carbon price uniform on 2..2 in a file priced in a currency
/// worth 5 EUR is 10 EUR/t in the including file.
#[test]
fn distributions_of_money_fields_follow_currency_conversion() {
    let dir = Scratch::new();
    dir.write(
        "inner.toml",
        "[scenario]\ncurrency = \"XYZ\"\n[[uncertainty]]\npath = \"parameters.carbon_price\"\ndistribution = \"uniform\"\nmin = 2.0\nmax = 2.0\n",
    );
    let outer = dir.write(
        "outer.toml",
        &format!(
            "[scenario]\ncurrency = \"EUR\"\ninclude = [{:?}, \"inner.toml\"]\n[parameters]\nexchange_rates = {{ XYZ = 5.0 }}\n",
            path("tests/data/breakeven.toml").display().to_string()
        ),
    );
    let (_, r) = run_json(outer.to_str().unwrap(), &["--samples", "2"]);
    assert_eq!(
        r["inputs"][0]["drawn"]["mean"].as_f64(),
        Some(10.0),
        "{r:#}"
    );
}

/// Each row by itself follows the break-even values of the fixture: the slag goes
/// to the road below a carbon price of 6, to the mortar plant up to 1700/70 and to
/// the cement plant above; the chemical plant takes min(steam offered, 50).
fn check_row_by_hand(r: &Value) {
    let p = r["values"]["parameters.carbon_price"].as_f64().unwrap();
    let q = r["values"]["sites.steel.outputs.steam.quantity"]
        .as_f64()
        .unwrap();
    assert!(
        (0.0..=50.0).contains(&p) && (40.0..=60.0).contains(&q),
        "{r}"
    );
    assert_eq!(r["status"], "optimal");
    let chosen: Vec<&str> = r["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let flows = r["flows"].as_array().unwrap();
    assert_eq!(chosen.len(), flows.len());
    let slag_to = if p < 6.0 {
        "road"
    } else if p < 1700.0 / 70.0 {
        "mortar"
    } else {
        "cement"
    };
    assert!(
        chosen
            .iter()
            .any(|c| c.starts_with(&format!("steel/slag->{slag_to}/"))),
        "P = {p}: {chosen:?}"
    );
    let steam = chosen
        .iter()
        .position(|c| *c == "steel/steam->chem/steam@pipe")
        .expect("the steam link");
    assert_close(flows[steam].as_f64().unwrap(), q.min(50.0), 1e-6);
    assert!(r["net_benefit"].is_number() && r["co2_avoided"].is_number());
}

/// Shards (run as in tests/it/batch.rs), joined by `symbio merge` and summarised
/// with --from-rows, give the summary of a direct run, to the byte; every row of
/// a shard carries the seed and follows the break-even values.
#[test]
fn shards_merged_and_summarised_equal_the_direct_run() {
    let dir = Scratch::new();
    let (direct, summary) = run_json(MC, &["--samples", "45", "--seed", "11"]);
    assert_eq!(summary["samples"].as_u64(), Some(45));

    let mc = batch::montecarlo();
    let shards = mc.shards(&dir, &mc.formats[0], 3);
    for shard in &shards {
        for r in &batch::rows_of(&read_path(shard)) {
            assert_eq!(r["seed"].as_u64(), Some(11));
            check_row_by_hand(r);
        }
    }
    let merged = dir.path("merged.jsonl");
    Symbio::new()
        .args(["merge", "-o"])
        .file_arg(&merged)
        .args(shards.iter().rev())
        .run();

    let from_rows = || {
        Symbio::new()
            .args(["montecarlo", MC, "--from-rows"])
            .file_arg(&merged)
    };
    let run = from_rows().args(["--seed", "11", "--format", "json"]).run();
    assert_eq!(run.stdout, direct);
    // The shares of the summary are the shares of the rows.
    let rows = batch::rows_of(&read_path(&merged));
    let cement = rows
        .iter()
        .filter(|r| {
            r["chosen"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c.as_str().unwrap().starts_with("steel/slag->cement/"))
        })
        .count();
    assert_close(share(&summary, "cement"), cement as f64 / 45.0, 1e-6);

    // Another seed, or a shard left out, is refused.
    from_rows().expect_code(2).run().stderr_contains("seed 11");
    let partial = dir.path("partial.jsonl");
    Symbio::new()
        .args(["merge", "-o"])
        .file_arg(&partial)
        .args(&shards[1..])
        .arg("--partial")
        .run();
    Symbio::new()
        .args(["montecarlo", MC, "--seed", "11", "--from-rows"])
        .file_arg(&partial)
        .expect_code(2)
        .run()
        .stderr_contains("sample 0");
}

/// Rows streamed to a file are the samples 0 to N − 1, each as the break-even
/// values say, and the summary printed with them is the direct run's. (Resuming
/// such a file is tested in tests/it/batch.rs.)
#[test]
fn a_streamed_run_prints_the_summary_of_the_direct_run() {
    let dir = Scratch::new();
    let full = dir.path("full.jsonl");
    let run = Symbio::new()
        .args(["montecarlo", MC, "--samples", "25", "--seed", "5"])
        .args(["--format", "json", "--threads", "2", "--rows"])
        .file_arg(&full)
        .run();
    let rows = batch::rows_of(&read_path(&full));
    assert_eq!(
        rows.iter()
            .map(|r| r["point"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        (0..25).collect::<Vec<_>>()
    );
    rows.iter().for_each(check_row_by_hand);
    let (direct, _) = run_json(MC, &["--samples", "25", "--seed", "5"]);
    assert_eq!(run.stdout, direct);
}

#[test]
fn the_shipped_uncertain_liuzhou_runs_as_the_readme_says() {
    // README: `symbio montecarlo scenarios/liuzhou/uncertainty.toml --samples 500 --seed 1`;
    // fewer samples here. Every draw of its prices has a plan, and every
    // uncertain field is drawn.
    let file = "scenarios/liuzhou/uncertainty.toml";
    let readme = crate::read("README.md");
    assert!(readme.contains(&format!("symbio montecarlo {file}")));
    let out = Symbio::new()
        .args([
            "montecarlo",
            file,
            "--samples",
            "40",
            "--seed",
            "1",
            "--format",
            "json",
        ])
        .run()
        .stdout_json();
    assert_eq!(out["samples"], 40);
    assert_eq!(out["feasible"], 40, "{}", out["infeasible"]);
    let s = symbio::scenario::load::load(&path(file)).unwrap();
    assert_eq!(out["inputs"].as_array().unwrap().len(), s.uncertainty.len());
    assert!(s.uncertainty.len() >= 3);
}

/// Bug: Monte Carlo on Liuzhou with gbfs drawn around its existing link's
/// 500,000 t said "N with a plan, M infeasible" and nothing more, and its
/// statistics did not say they leave the infeasible samples out. The summary
/// now counts samples by status, names the constraint that stops them with
/// how many it stops, and says its statistics are over the samples with a plan;
/// each infeasible row gives the reason with its figures.
#[test]
fn the_summary_counts_statuses_and_says_why_samples_have_no_plan() {
    let dir = Scratch::new();
    let file = dir.write(
        "gbfs.toml",
        &format!(
            "[scenario]\nname = \"gbfs uncertain\"\ncurrency = \"CNY\"\ninclude = [{:?}]\n\
             [[uncertainty]]\npath = \"sites.liugang.outputs.gbfs.quantity\"\n\
             distribution = \"uniform\"\nmin = 400000.0\nmax = 600000.0\n",
            path("scenarios/liuzhou.toml").display().to_string()
        ),
    );
    let rows = dir.path("rows.jsonl");
    let run = |args: &[&str]| {
        Symbio::new()
            .arg("montecarlo")
            .file_arg(&file)
            .args(["--samples", "20", "--seed", "1"])
            .args(args)
    };
    let json = run(&["--format", "json"]).run().stdout_json();
    let table = run(&["--rows", rows.to_str().unwrap(), "-q"]).run().stdout;
    let lines = batch::rows_of(&read_path(&rows));
    let count = |status: &str| lines.iter().filter(|r| r["status"] == status).count();
    let (optimal, infeasible) = (count("optimal"), count("infeasible"));
    assert!(optimal > 0 && infeasible > 0 && optimal + infeasible == 20);
    assert_eq!(json["statuses"]["optimal"], optimal);
    assert_eq!(json["statuses"]["infeasible"], infeasible);
    assert_eq!(json["feasible"], optimal);
    let reasons = json["no_plan_reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0]["reason"], "supply of liugang/gbfs");
    assert_eq!(reasons[0]["samples"], infeasible);
    for r in lines.iter().filter(|r| r["status"] == "infeasible") {
        let drawn = r["values"]["sites.liugang.outputs.gbfs.quantity"]
            .as_f64()
            .unwrap();
        assert!(drawn < 500_000.0, "{r}");
        let reason = r["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("supply of liugang/gbfs: limit ")
                && reason.contains("recorded flows need 500,000 t/yr"),
            "{reason}"
        );
    }
    for needle in [
        format!("Samples by status: {optimal} optimal, {infeasible} infeasible"),
        format!("supply of liugang/gbfs exceeded by the recorded flows of existing links: {infeasible} samples"),
        format!("Results over the {optimal} samples with a plan (of 20)"),
        format!("share of the {optimal} samples with a plan"),
    ] {
        assert!(table.contains(&needle), "{needle}\n{table}");
    }
}
