//! The whole solve on small scenarios with a short time limit: a valid scenario
//! gives a plan whose totals agree with the solver's objective, or a status.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = symbio::scenario::read_str(Path::new("fuzz.toml"), text) else {
        return;
    };
    if scenario.sites.len() > 12 || scenario.links.len() > 24 {
        return;
    }
    let options = symbio::SolveOptions {
        time_limit: Some(0.05),
        ..symbio::SolveOptions::default()
    };
    let Ok(plan) = symbio::solve(&scenario, &options) else {
        return;
    };
    if let Some(objective) = plan.objective {
        let total = plan.totals.figures.net_benefit;
        assert!(objective.is_finite(), "objective {objective}");
        let scale = objective.abs().max(total.abs()).max(1.0);
        assert!(
            (objective - total).abs() <= 1e-6 * scale,
            "objective {objective} but totals {total}"
        );
    }
    assert_eq!(plan.status.has_plan(), plan.objective.is_some());
});
