//! Invariants over generated instances and inputs.

use std::path::Path;

use proptest::prelude::*;
use symbio::{SolveOptions, Status};

use crate::oracle::instance;

fn exact() -> SolveOptions {
    SolveOptions {
        gap: 0.0,
        ..SolveOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Raising a transport cost never raises the optimum.
    #[test]
    fn raising_a_cost_never_raises_the_optimum(inst in instance(), extra in 0.0..1.0f64) {
        let (status, before, _) = inst.symbio(&exact());
        prop_assume!(status == Status::Optimal);
        let mut dearer = inst.clone();
        dearer.modes[0].0 += extra;
        let (status2, after, _) = dearer.symbio(&exact());
        prop_assert_eq!(status2, Status::Optimal);
        let (b, a) = (before.unwrap(), after.unwrap());
        prop_assert!(a <= b + 1e-6 * b.abs().max(1.0), "before {} after {}", b, a);
    }

    /// The site benefits add up to the plan's net benefit, and the totals to the objective.
    #[test]
    fn benefits_add_up(inst in instance()) {
        let (status, objective, plan) = inst.symbio(&exact());
        prop_assume!(status == Status::Optimal);
        let sites: f64 = plan.sites.iter().map(|s| s.benefit).sum();
        let links: f64 = plan.links.iter().map(|l| l.net_benefit).sum();
        let total = plan.totals.figures.net_benefit;
        let tol = 1e-6 * total.abs().max(1.0);
        prop_assert!((sites - total).abs() <= tol, "sites {} total {}", sites, total);
        prop_assert!((links - total).abs() <= tol, "links {} total {}", links, total);
        prop_assert!((objective.unwrap() - total).abs() <= tol);
        for l in &plan.links {
            prop_assert!(l.delivered <= l.flow + 1e-9);
        }
    }

    /// Loading never panics, whatever the text.
    #[test]
    fn loading_arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = symbio::scenario::read_str(Path::new("fuzz.toml"), &text);
        let _ = symbio::scenario::read_str(Path::new("fuzz.json"), &text);
    }

    /// Loading a valid scenario with one line altered never panics.
    #[test]
    fn altered_scenario_never_panics(line in 0usize..140, junk in "[ -~]{0,20}") {
        let base = crate::read("tests/data/hand.toml");
        let mut lines: Vec<&str> = base.lines().collect();
        let k = line % lines.len();
        lines[k] = &junk;
        let text = lines.join("\n");
        if let Ok(s) = symbio::scenario::read_str(Path::new("altered.toml"), &text) {
            let _ = symbio::solve(&s, &SolveOptions::default());
        }
    }
}
