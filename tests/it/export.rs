//! `symbio solve --export-model`: the MILP exactly as symbio hands it to HiGHS,
//! for anyone to check. Read back by HiGHS itself, it has the same optimum.

use std::ffi::CString;

use crate::{path, Scratch, Symbio};

/// Solves a model file with HiGHS alone and returns its optimal objective.
fn highs_optimum(file: &std::path::Path) -> f64 {
    let name = CString::new(file.to_str().unwrap()).unwrap();
    let quiet = CString::new("output_flag").unwrap();
    let gap = CString::new("mip_rel_gap").unwrap();
    // SAFETY: a HiGHS instance created, used and destroyed here, with
    // NUL-terminated strings.
    unsafe {
        let h = highs_sys::Highs_create();
        highs_sys::Highs_setBoolOptionValue(h, quiet.as_ptr(), 0);
        highs_sys::Highs_setDoubleOptionValue(h, gap.as_ptr(), 0.0);
        assert_ne!(
            highs_sys::Highs_readModel(h, name.as_ptr()),
            highs_sys::kHighsStatusError,
            "HiGHS reads {}",
            file.display()
        );
        assert_ne!(highs_sys::Highs_run(h), highs_sys::kHighsStatusError);
        let v = highs_sys::Highs_getObjectiveValue(h);
        highs_sys::Highs_destroy(h);
        v
    }
}

#[test]
fn an_exported_model_read_back_by_highs_has_the_same_optimum() {
    let dir = Scratch::new();
    // By period too: the model by period, stores with it.
    let scenarios = [
        "scenarios/liuzhou.toml",
        "tests/data/hand.toml",
        "tests/data/seasons.toml",
    ];
    for scenario in scenarios {
        for ext in ["mps", "lp"] {
            let model = dir.path(&format!("model.{ext}"));
            let plan = Symbio::new()
                .args(["solve", "--gap", "0", "--format", "json", "--export-model"])
                .file_arg(&model)
                .file_arg(path(scenario))
                .run()
                .stdout_json();
            let ours = plan["objective"].as_f64().unwrap();
            let theirs = highs_optimum(&model);
            assert!(
                (ours - theirs).abs() <= 1e-6 * ours.abs().max(1.0),
                "{scenario} .{ext}: symbio {ours}, HiGHS on the exported model {theirs}"
            );
        }
    }
}

#[test]
fn an_export_to_an_unknown_format_is_refused() {
    let dir = Scratch::new();
    Symbio::new()
        .args(["solve", "--export-model"])
        .file_arg(dir.path("model.txt"))
        .file_arg(path("tests/data/hand.toml"))
        .expect_code(2)
        .run()
        .stderr_contains("--export-model")
        .stderr_contains(".mps or .lp");
}

/// The columns, rows and nonzeros HiGHS reads from a model file.
fn highs_size(file: &std::path::Path) -> (usize, usize, usize) {
    let name = CString::new(file.to_str().unwrap()).unwrap();
    let quiet = CString::new("output_flag").unwrap();
    // SAFETY: a HiGHS instance created, used and destroyed here, with
    // NUL-terminated strings.
    unsafe {
        let h = highs_sys::Highs_create();
        highs_sys::Highs_setBoolOptionValue(h, quiet.as_ptr(), 0);
        assert_ne!(
            highs_sys::Highs_readModel(h, name.as_ptr()),
            highs_sys::kHighsStatusError
        );
        let size = (
            highs_sys::Highs_getNumCol(h) as usize,
            highs_sys::Highs_getNumRow(h) as usize,
            highs_sys::Highs_getNumNz(h) as usize,
        );
        highs_sys::Highs_destroy(h);
        size
    }
}

#[test]
fn a_model_built_part_by_part_is_the_exported_model_in_pieces() {
    // `model::build` on each part (as the region example's --phases measures
    // it) hands HiGHS the rows and columns of the whole exported model.
    let dir = Scratch::new();
    for scenario in ["scenarios/liuzhou.toml", "tests/data/hand.toml"] {
        let model = dir.path("model.mps");
        Symbio::new()
            .args(["solve", "-q", "--export-model"])
            .file_arg(&model)
            .file_arg(path(scenario))
            .run();
        let s = symbio::scenario::read(&path(scenario)).unwrap();
        let net = symbio::network::build(&s).unwrap();
        let parts = net.independent_parts();
        assert!(parts.len() > 1, "{scenario} has parts");
        let mut sum = (0, 0, 0);
        for p in &parts {
            let size = symbio::model::build(&s, &net.part(p)).unwrap();
            assert_eq!(size.columns, 2 * p.len());
            sum = (
                sum.0 + size.columns,
                sum.1 + size.rows,
                sum.2 + size.nonzeros,
            );
        }
        assert_eq!(sum, highs_size(&model), "{scenario}");
    }
}
