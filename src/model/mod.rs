//! The MILP of `docs/formulation.md`, solved by HiGHS.
//!
//! The module takes a [`Network`](crate::network::Network) and returns a
//! [`Solution`]: flows and build decisions per link, with the solver's status,
//! objective, best bound and gap. [`solve`] is its one entry, and it honours
//! every field of [`SolveOptions`].
//!
//! This file is the room's face: its types and entries, re-exported from the
//! layers below, each of which imports only from those under it:
//!
//! 1. `options`, `solution`, `deadline`, `tuning`: what is asked and answered,
//!    the one deadline of a run, every tuning constant of the search;
//! 2. `milp`: a linear model as arrays, its columns and rows by handle;
//! 3. `highs`: the adapter, the only place HiGHS types appear, options are set
//!    and values read back;
//! 4. `formulation`: the MILP of a network written in named steps, every row
//!    known by what it constrains; a plan read back;
//! 5. `search` (the strategy: greedy and fallback plans, the plain search,
//!    cuts, neighbourhoods, the reductions, a part's search, the parts under
//!    one deadline) and [`rational`] (the individually rational model).

mod deadline;
pub(crate) mod formulation;
mod highs;
pub(crate) mod milp;
mod options;
pub mod rational;
mod search;
mod solution;
pub mod tuning;

pub use deadline::Deadline;
pub(crate) use formulation::peak_rate;
pub use formulation::{build, export};
pub use options::{Control, Reduce, SolveOptions};
pub use rational::{solve_individually_rational, LinkShare, RationalSolution, Rationality};
pub(crate) use search::solve_by;
pub use search::{
    decompose, glance, greedy, reduce, resume, solve, solve_controlled, solve_groups,
    solve_max_co2, solve_with, unsolved,
};
pub use solution::{ByPeriod, FlowConstraint, ModelSize, Solution, Status, StoreUse};
pub use tuning::REDUCE_FROM_LINKS;

/// A generated region of `sites` sites (seed `seed`) on the shipped catalog,
/// and its candidate network, for tests.
#[cfg(test)]
pub(crate) fn generated_region(
    sites: usize,
    seed: u64,
) -> (crate::domain::Scenario, crate::network::Network) {
    let catalog = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/catalog/default.toml"
    );
    let text = symbio_testkit::generate::region(sites, seed, catalog);
    let s = crate::scenario::read_str(std::path::Path::new("region.toml"), &text).unwrap();
    let net = crate::network::build(&s).unwrap();
    (s, net)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The layers of the room, bottom first: a file may use only files of
    /// its own layer or of the layers under it (the module doc's order).
    const LAYERS: &[&[&str]] = &[
        &["options", "solution", "deadline", "tuning"],
        &["milp"],
        &["highs"],
        &[
            "formulation",
            "formulation/rows",
            "formulation/plants",
            "formulation/model",
            "formulation/rational",
            "formulation/periods",
        ],
        &["search/greedy", "search/fallback"],
        &["search/plain"],
        &["search/cuts", "search/lns", "search/plant_duals"],
        &["search/reduce", "search/period_reduce", "search/period_lns"],
        &["search/part"],
        &["search/decompose"],
        &["search/periods"],
        &["search", "rational"],
        &["mod"],
    ];

    fn layer(module: &str) -> Option<usize> {
        LAYERS.iter().position(|l| l.contains(&module))
    }

    /// The modules of the room a file's code (its tests and comments left
    /// out) names, through `super::` or `crate::model::`, as `formulation`,
    /// `search/reduce`, ... (`mod` for the face itself).
    fn uses(module: &str, text: &str) -> Vec<String> {
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
        let parent = match module.rsplit_once('/') {
            Some((dir, _)) => dir.to_string(),
            None => String::new(),
        };
        // What `super` is from this file, as a path of the room.
        let (from_super, dir_of_super) = match module {
            "formulation" | "search" => (String::new(), String::new()),
            _ if !parent.is_empty() => (parent.clone(), parent.clone()),
            _ => (String::new(), String::new()),
        };
        let mut found = Vec::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (prefix, base) in [
                ("crate::model::", String::new()),
                ("super::", dir_of_super.clone()),
            ] {
                let mut rest = line;
                while let Some(at) = rest.find(prefix) {
                    rest = &rest[at + prefix.len()..];
                    // `use super::{a, b}` names each of a, b.
                    let names: Vec<&str> = match rest.strip_prefix('{') {
                        Some(group) => group
                            .split('}')
                            .next()
                            .unwrap_or("")
                            .split(',')
                            .map(|n| n.trim().split("::").next().unwrap_or(""))
                            .collect(),
                        None => vec![rest
                            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .next()
                            .unwrap_or("")],
                    };
                    for name in names {
                        let path = if base.is_empty() {
                            name.to_string()
                        } else {
                            format!("{base}/{name}")
                        };
                        let named = match layer(&path) {
                            Some(_) => path,
                            None if prefix == "super::" && !from_super.is_empty() => {
                                from_super.clone()
                            }
                            None => "mod".to_string(),
                        };
                        found.push(named);
                    }
                }
            }
        }
        found
    }

    #[test]
    fn no_file_of_the_room_uses_a_layer_above_its_own() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
        let mut checked = 0;
        for (rank, modules) in LAYERS.iter().enumerate() {
            for &module in *modules {
                let file = match module {
                    "formulation" | "search" => root.join(module).join("mod.rs"),
                    _ => root.join(format!("{module}.rs")),
                };
                let text = std::fs::read_to_string(&file).unwrap();
                for used in uses(module, &text) {
                    let Some(r) = layer(&used) else { continue };
                    assert!(
                        r <= rank,
                        "{module} (layer {rank}) uses {used} (layer {r}), a layer above it"
                    );
                }
                checked += 1;
            }
        }
        // Every file of the room has its layer.
        let mut files = 0;
        for dir in [root.clone(), root.join("formulation"), root.join("search")] {
            files += std::fs::read_dir(dir)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "rs")
                })
                .count();
        }
        assert_eq!(checked, files, "a file of src/model has no layer in LAYERS");
    }

    #[test]
    fn a_use_of_a_layer_above_is_seen() {
        let text = "use super::search::reduce;\nuse crate::model::formulation::Model;\n";
        assert_eq!(uses("highs", text), vec!["search", "formulation"]);
        let text = "use super::{fallback, greedy};\nlet x = super::plain::f();\n";
        assert_eq!(
            uses("search/cuts", text),
            vec!["search/fallback", "search/greedy", "search/plain"]
        );
        // `super` of a file in a folder is that folder's module.
        assert_eq!(
            uses("formulation/model", "use super::{Rows, Vars};"),
            vec!["formulation", "formulation"]
        );
    }
}
