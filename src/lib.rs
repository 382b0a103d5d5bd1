//! # symbio
//!
//! An optimizer for industrial symbiosis networks: given the sites of a district,
//! the wastes and by-products they offer, the resources they buy, the rules by
//! which one can replace the other and the ways to move them, symbio picks the set
//! of exchanges and flows that maximises the district's annual net benefit.
//!
//! Data flows one way:
//! scenario file → [`scenario`] (validated [`domain::Scenario`]) → [`network`]
//! (candidate links) → [`model`] (the MILP, solved by HiGHS) → [`plan::Plan`].
//!
//! ## Solve a scenario
//!
//! ```
//! use std::path::Path;
//! let text = r#"
//! [scenario]
//! name = "two plants"
//! currency = "EUR"
//! [[materials]]
//! id = "slag"
//! unit = "t"
//! kind = "material"
//! [[materials]]
//! id = "clinker"
//! unit = "t"
//! kind = "material"
//! [[modes]]
//! id = "truck"
//! units = ["t"]
//! cost_per_unit_km = 0.1
//! [[rules]]
//! id = "slag_for_clinker"
//! from = "slag"
//! to = "clinker"
//! modes = ["truck"]
//! [[sites]]
//! id = "steel"
//! x_km = 0.0
//! y_km = 0.0
//! outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 5.0 }]
//! [[sites]]
//! id = "cement"
//! x_km = 10.0
//! y_km = 0.0
//! inputs = [{ id = "clinker", material = "clinker", quantity = 60.0, price = 40.0 }]
//! "#;
//! let scenario = symbio::scenario::read_str(Path::new("two.toml"), text)?;
//! let plan = symbio::solve(&scenario, &symbio::SolveOptions::default())?;
//! // 60 t go 13 km (10 km × circuity 1.3): 60 × (5 + 40 − 0.1 × 13) = 2622 EUR/yr.
//! assert_eq!(plan.links.len(), 1);
//! assert_eq!(plan.links[0].key.to_string(), "steel/slag->cement/clinker@truck");
//! assert!((plan.totals.figures.net_benefit - 2622.0).abs() < 1e-6);
//! # Ok::<(), symbio::Error>(())
//! ```
//!
//! ## Compare with today's network
//!
//! Nothing runs today in this district, so the brownfield optimum adds its one
//! exchange and gains all of its benefit.
//!
//! ```
//! use std::path::Path;
//! use symbio::analysis::compare::{compare, CompareOptions};
//! # let text = r#"
//! # [scenario]
//! # name = "two plants"
//! # currency = "EUR"
//! # [[materials]]
//! # id = "slag"
//! # unit = "t"
//! # kind = "material"
//! # [[materials]]
//! # id = "clinker"
//! # unit = "t"
//! # kind = "material"
//! # [[modes]]
//! # id = "truck"
//! # units = ["t"]
//! # cost_per_unit_km = 0.1
//! # [[rules]]
//! # id = "slag_for_clinker"
//! # from = "slag"
//! # to = "clinker"
//! # modes = ["truck"]
//! # [[sites]]
//! # id = "steel"
//! # x_km = 0.0
//! # y_km = 0.0
//! # outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 5.0 }]
//! # [[sites]]
//! # id = "cement"
//! # x_km = 10.0
//! # y_km = 0.0
//! # inputs = [{ id = "clinker", material = "clinker", quantity = 60.0, price = 40.0 }]
//! # "#;
//! let scenario = symbio::scenario::read_str(Path::new("two.toml"), text)?;
//! let c = compare(&scenario, &CompareOptions::default())?;
//! let brownfield = &c.variants[0];
//! assert_eq!(brownfield.added.len(), 1);
//! assert!((brownfield.net_benefit.unwrap() - 2622.0).abs() < 1e-6);
//! # Ok::<(), symbio::Error>(())
//! ```
//!
//! ## Sweep a parameter
//!
//! A sweep is a batch of points: each point is the file with its values set,
//! validated and solved; [`analysis::batch::run_batch`] runs them (here into memory).
//!
//! ```
//! use std::path::Path;
//! use std::sync::atomic::AtomicBool;
//! use symbio::analysis::batch::{run_batch, Destination, Format, RunOptions};
//! use symbio::analysis::sweep::{Axis, Row, Sweep};
//! # let text = r#"
//! # [scenario]
//! # name = "two plants"
//! # currency = "EUR"
//! # [[materials]]
//! # id = "slag"
//! # unit = "t"
//! # kind = "material"
//! # [[materials]]
//! # id = "clinker"
//! # unit = "t"
//! # kind = "material"
//! # [[modes]]
//! # id = "truck"
//! # units = ["t"]
//! # cost_per_unit_km = 0.1
//! # [[rules]]
//! # id = "slag_for_clinker"
//! # from = "slag"
//! # to = "clinker"
//! # modes = ["truck"]
//! # [[sites]]
//! # id = "steel"
//! # x_km = 0.0
//! # y_km = 0.0
//! # outputs = [{ id = "slag", material = "slag", quantity = 100.0, disposal_cost = 5.0 }]
//! # [[sites]]
//! # id = "cement"
//! # x_km = 10.0
//! # y_km = 0.0
//! # inputs = [{ id = "clinker", material = "clinker", quantity = 60.0, price = 40.0 }]
//! # "#;
//! let loaded = symbio::scenario::load::load_str(Path::new("two.toml"), text)?;
//! let truck = Axis { path: "modes.truck.cost_per_unit_km".into(), values: vec![0.1, 5.0] };
//! let sweep = Sweep::new(loaded, vec![truck], symbio::SolveOptions::default())?;
//! let mut rows: Vec<Row> = Vec::new();
//! let mut keep = |line: &str| {
//!     rows.push(serde_json::from_str(line).unwrap());
//!     true
//! };
//! let stop = AtomicBool::new(false);
//! let options = RunOptions { threads: 2, format: Format::JsonLines, shard: None, stop: &stop, writing: None };
//! run_batch(&sweep, Destination::Lines(&mut keep), &options, |_| {})?;
//! // At 5 EUR/t·km the 13 km cost 65 EUR/t, more than the 45 EUR/t the slag saves.
//! assert_eq!(rows[0].chosen.len(), 1);
//! assert!(rows[1].chosen.is_empty());
//! # Ok::<(), symbio::Error>(())
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod check;
pub mod domain;
pub(crate) mod economics;
pub mod error;
pub mod files;
pub mod limits;
pub mod link_key;
pub mod model;
pub mod network;
pub(crate) mod parallel;
pub mod plan;
pub mod report;
pub mod scenario;

pub use domain::Scenario;
pub use error::{Error, Problem, Problems};
pub use link_key::LinkKey;
pub use model::{Control, SolveOptions, Status};
pub use plan::Plan;

/// Builds the candidate network of a scenario, solves its MILP and assembles the plan.
///
/// With `options.decompose` (the default) the MILP is split into its independent
/// parts ([`model::decompose`]), solved on `options.threads` threads with one
/// HiGHS thread each; the plan is the one a single solve finds. Without, it is
/// one MILP with `options.threads` HiGHS threads ([`model::solve`]).
///
/// A time limit covers the whole call, building the network included, and a
/// time-limited solve returns the best plan known (see [`model::decompose`]).
pub fn solve(scenario: &Scenario, options: &SolveOptions) -> Result<Plan, Error> {
    solve_controlled(scenario, options, Control::default())
}

/// Like [`solve`], watched and stoppable through `control` ([`model::Control`]:
/// a stop flag that ends the search with the best plan known, and an observer of
/// the best plan and bound as the search goes).
pub fn solve_controlled(
    scenario: &Scenario,
    options: &SolveOptions,
    control: Control<'_>,
) -> Result<Plan, Error> {
    let deadline = model::Deadline::after(options.time_limit);
    let net = network::build(scenario)?;
    // The search ends before the deadline by a reserve for assembling the plan.
    let reserve = options.time_limit.map_or(0.0, |t| {
        (model::tuning::PLAN_RESERVE_SHARE * t).min(model::tuning::PLAN_RESERVE_SECONDS)
    });
    let search = deadline.less(std::time::Duration::from_secs_f64(reserve));
    let sol = model::solve_by(scenario, &net, options, search, &[], control)?;
    plan::assemble(scenario, &net, &sol).finite()
}

/// The relative gap at which the command line stops by default (`--gap`): a
/// plan within 1 % of a proven bound on the district's net benefit, below the
/// uncertainty of any figure a scenario holds (prices, quantities, costs are
/// known to a few per cent at best), and a gap that generated regions of
/// hundreds and thousands of sites close without a time limit. The shipped
/// scenarios solve to the same plans as at 10⁻⁶ (their searches prove
/// optimality). Measured in docs/performance.md ("The default gap"). The
/// library's [`SolveOptions::default`] keeps 10⁻⁶.
pub const PLANNING_GAP: f64 = 1e-2;

/// The relative gap at which the command line stops by default where its
/// answer compares plans that differ by less than [`PLANNING_GAP`]: the points
/// of a Pareto front (Liuzhou's differ by 0.4 % of the net benefit, and at
/// 0.001 already three of its four points came out dominated) and the plans either side
/// of a break-even value.
pub const COMPARING_GAP: f64 = 1e-6;
