//! The MILP of `docs/formulation.md`, solved by HiGHS.
//!
//! Three rooms: `formulation` writes the model as arrays (columns, rows,
//! objective, in named steps), `highs` is the adapter (the only place the model
//! is handed to HiGHS, solver options are set and values read back) and
//! [`rational`] adds the individually rational model of `symbio compare`.
//! [`decompose`] solves a network part by part; [`reduce`] shrinks a large
//! MILP before its search and `cuts` strengthens it. Only `highs` touches HiGHS
//! types. The module takes a [`Network`] and returns a [`Solution`]: flows and
//! build decisions per link, with the solver's status, objective, best bound
//! and gap.

mod cuts;
pub mod decompose;
pub(crate) mod formulation;
pub mod greedy;
mod highs;
mod lns;
pub mod rational;
pub mod reduce;

/// A generated region of `sites` sites (seed `seed`) on the shipped catalog,
/// and its candidate network, for tests.
#[cfg(test)]
fn generated_region(sites: usize, seed: u64) -> (Scenario, Network) {
    let catalog = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/catalog/default.toml"
    );
    let text = symbio_testkit::generate::region(sites, seed, catalog);
    let s = crate::scenario::read_str(std::path::Path::new("region.toml"), &text).unwrap();
    let net = crate::network::build(&s).unwrap();
    (s, net)
}

use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::domain::Scenario;
use crate::error::Error;
use crate::network::Network;
use formulation::{Milp, Sense, Vars};

pub use rational::{solve_individually_rational, LinkShare, RationalSolution, Rationality};

/// Solver options, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Wall-clock limit in seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which the search stops (0 = prove optimality).
    pub gap: f64,
    /// Threads the solve may use: with `decompose`, independent parts solved side
    /// by side (one HiGHS thread each); without, the threads of the one HiGHS run.
    pub threads: u32,
    /// Whether [`crate::solve`] splits the network into independent parts
    /// ([`decompose`]); the plan is the same either way.
    pub decompose: bool,
    /// Whether a net-benefit MILP is reduced before its search ([`reduce`]);
    /// the optimum is the same either way.
    pub reduce: Reduce,
}

/// When [`reduce`] runs before a net-benefit MILP's search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    /// On MILPs of [`REDUCE_FROM_LINKS`] links or more, where it pays.
    #[default]
    Auto,
    /// On every MILP (for tests and measurements).
    Always,
    /// Never: HiGHS is given the MILP as [`export`] writes it.
    Never,
}

/// The size (links) from which [`Reduce::Auto`] reduces a MILP before its search.
pub const REDUCE_FROM_LINKS: usize = 1000;

impl Reduce {
    /// Whether a MILP of `links` links is reduced.
    pub fn applies(self, links: usize) -> bool {
        match self {
            Reduce::Auto => links >= REDUCE_FROM_LINKS,
            Reduce::Always => true,
            Reduce::Never => false,
        }
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: None,
            gap: 1e-6,
            threads: 1,
            decompose: true,
            reduce: Reduce::Auto,
        }
    }
}

impl SolveOptions {
    /// The same options with `spent` taken off the time limit (what is left of
    /// it for the rest of a run that has used `spent` already; at least 1 ms).
    pub fn less(&self, spent: std::time::Duration) -> SolveOptions {
        SolveOptions {
            time_limit: self.time_limit.map(|t| (t - spent.as_secs_f64()).max(1e-3)),
            ..*self
        }
    }

    /// The same options on one thread (for a solve that runs beside others).
    pub fn one_thread(&self) -> SolveOptions {
        SolveOptions {
            threads: 1,
            ..*self
        }
    }
}

/// What a caller may watch and stop while a solve runs: the library never
/// prints, it reports to this observer.
#[derive(Clone, Copy, Default)]
pub struct Control<'a> {
    /// When it becomes true the search stops, and the best plan known is returned
    /// as a time-limited one (status `time_limit`).
    pub stop: Option<&'a AtomicBool>,
    /// Told, as the search goes, the net benefit of the best plan known and the
    /// best bound (each `None` while unknown), currency per year.
    pub progress: Option<&'a (dyn Fn(Option<f64>, Option<f64>) + Sync)>,
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("stop", &self.stop)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What the solver concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal within the gap tolerance.
    Optimal,
    /// Stopped at the time limit with a feasible plan (see the gap).
    TimeLimit,
    /// Stopped at the time limit before any feasible plan was found.
    TimeLimitNoSolution,
    /// No plan satisfies the constraints (e.g. a recorded quantity above a supply).
    Infeasible,
}

impl Status {
    /// Whether a plan (flows) comes with this status.
    pub fn has_plan(self) -> bool {
        matches!(self, Status::Optimal | Status::TimeLimit)
    }

    /// The status as plans spell it (`optimal`, `time_limit`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::TimeLimit => "time_limit",
            Status::TimeLimitNoSolution => "time_limit_no_solution",
            Status::Infeasible => "infeasible",
        }
    }
}

/// Additional linear constraint on the whole plan, used by analyses (e.g. the
/// ε-constraint on CO2 avoided): Σ coefficient × flow ≥ rhs.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowConstraint {
    /// Coefficient per link index.
    pub coefficients: Vec<(usize, f64)>,
    /// Right-hand side.
    pub at_least: f64,
}

/// The solver's answer, in the network's link order.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Status.
    pub status: Status,
    /// Objective value (annual net benefit), when a plan exists.
    pub objective: Option<f64>,
    /// Best proven bound on the objective.
    pub best_bound: Option<f64>,
    /// Relative gap between objective and bound.
    pub gap: Option<f64>,
    /// Flow per link, units of the output per year (zeros without a plan).
    pub flows: Vec<f64>,
    /// Build decision per link.
    pub built: Vec<bool>,
}

impl Solution {
    /// The solution of a network without links: the empty plan (objective 0), or
    /// infeasible when the extra constraints ask for more than nothing.
    pub fn without_links(feasible: bool) -> Solution {
        Solution {
            status: if feasible {
                Status::Optimal
            } else {
                Status::Infeasible
            },
            objective: feasible.then_some(0.0),
            best_bound: feasible.then_some(0.0),
            gap: feasible.then_some(0.0),
            flows: Vec::new(),
            built: Vec::new(),
        }
    }

    /// A solve that ended without a plan (infeasible, or out of time before one).
    pub fn without_plan(status: Status, n: usize) -> Solution {
        Solution {
            status,
            objective: None,
            best_bound: None,
            gap: None,
            flows: vec![0.0; n],
            built: vec![false; n],
        }
    }
}

/// Builds and solves the MILP of a network, as one MILP with `options.threads`
/// HiGHS threads (`options.decompose` is not looked at: see [`decompose`]).
pub fn solve(s: &Scenario, net: &Network, options: &SolveOptions) -> Result<Solution, Error> {
    solve_with(s, net, options, &[])
}

/// Like [`solve`], with extra constraints on the flows.
pub fn solve_with(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
) -> Result<Solution, Error> {
    solve_for(s, net, options, extra, Goal::NetBenefit, Control::default())
}

/// Like [`solve_with`], watched and stoppable through `control`.
pub fn solve_controlled(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
    control: Control<'_>,
) -> Result<Solution, Error> {
    solve_for(s, net, options, extra, Goal::NetBenefit, control)
}

/// Resumes the search of a time-limited solve of `net` (a solution of
/// [`solve_controlled`] with the same `extra`): the reduced MILP where the
/// reductions apply ([`reduce`], with `earlier` as a first plan), else the MILP
/// as it is, started from `earlier`'s plan, for `options`' time. Returns the better plan of the two with
/// the tighter of their bounds (each bounds the optimum).
pub fn resume(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
    earlier: &Solution,
    control: Control<'_>,
) -> Result<Solution, Error> {
    if !earlier.status.has_plan() || net.links.is_empty() {
        return Ok(earlier.clone());
    }
    let n = net.links.len();
    let later = if extra.is_empty() && options.reduce.applies(n) && reduce::has_time(options, n) {
        reduce::solve(s, net, options, Some(earlier), control)?.0
    } else {
        let added = Added {
            flows: extra,
            cuts: &[],
        };
        solve_model(
            s,
            net,
            options,
            added,
            Goal::NetBenefit,
            Some(earlier),
            control,
        )?
    };
    Ok(better_of(later, earlier))
}

/// Of two solutions of one network, `later` from a search that started from
/// (or after) `earlier`: the better plan with the tighter of the two bounds
/// (each bounds the optimum), status `optimal` when the later search proved
/// its plan and `time_limit` otherwise; `earlier` when the later search has no
/// plan.
pub(crate) fn better_of(later: Solution, earlier: &Solution) -> Solution {
    if !later.status.has_plan() {
        return earlier.clone();
    }
    let better = match (later.objective, earlier.objective) {
        (Some(a), Some(b)) if a >= b => later.clone(),
        _ => earlier.clone(),
    };
    let best_bound = match (later.best_bound, earlier.best_bound) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let status = if later.status == Status::Optimal {
        Status::Optimal
    } else {
        Status::TimeLimit
    };
    let gap = match (better.objective, best_bound) {
        (Some(o), Some(b)) => relative_gap(b, o).or(better.gap),
        _ => better.gap,
    };
    Solution {
        status,
        best_bound,
        gap: tidy_gap(gap, status),
        ..better
    }
}

/// The size of a MILP as HiGHS holds it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelSize {
    /// Columns (two per link: flow and build).
    pub columns: usize,
    /// Rows (supply, demand, share and linking constraints).
    pub rows: usize,
    /// Nonzeros of the constraint matrix.
    pub nonzeros: usize,
}

/// Builds the MILP of a network as [`solve`] does (variables, objective,
/// constraints) and hands it to HiGHS without solving it: what a solve costs
/// before the search starts, for measurements.
pub fn build(s: &Scenario, net: &Network) -> Result<ModelSize, Error> {
    if net.links.is_empty() {
        return Ok(ModelSize::default());
    }
    highs::load(whole_model(s, net).0)
}

/// The MILP of a network with the scenario's objective and no extra
/// constraint, and its variables.
fn whole_model(s: &Scenario, net: &Network) -> (Milp, Vars) {
    let added = Added {
        flows: &[],
        cuts: &[],
    };
    milp_of(s, net, added, Goal::NetBenefit)
}

/// Writes the MILP of a network, exactly as [`solve`] hands it to HiGHS (one
/// model of the whole network, before any decomposition or reduction), to a
/// file whose extension says the format: `.mps` or `.lp`.
pub fn export(s: &Scenario, net: &Network, path: &Path) -> Result<(), Error> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(ext.to_ascii_lowercase().as_str(), "mps" | "lp") {
        return Err(Error::option(
            "export_model",
            format!("{}: the file must end in .mps or .lp", path.display()),
        ));
    }
    highs::export(whole_model(s, net).0, path)
}

/// Like [`solve_with`], maximising the CO2 avoided, Σ_l Δ_l x_l (t CO2e per year),
/// instead of the net benefit; the [`Solution::objective`] is then that CO2 figure.
/// Used for the far end of the Pareto front.
pub fn solve_max_co2(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
) -> Result<Solution, Error> {
    solve_for(s, net, options, extra, Goal::Co2Avoided, Control::default())
}

/// What a solve maximises.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Σ_l v_l x_l − F_l y_l (the scenario's objective).
    NetBenefit,
    /// Σ_l Δ_l x_l.
    Co2Avoided,
}

/// The pipeline of one solve: the reductions ([`reduce`]) where they apply, or
/// the MILP as it is.
fn solve_for(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
    goal: Goal,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let n = net.links.len();
    if n == 0 {
        let feasible = extra.iter().all(|c| c.at_least <= 0.0);
        return Ok(Solution::without_links(feasible));
    }
    if goal == Goal::NetBenefit
        && extra.is_empty()
        && options.reduce.applies(n)
        && reduce::has_time(options, n)
    {
        let sol = reduce::solve(s, net, options, None, control)?.0;
        return Ok(settled(sol, options.gap));
    }
    let added = Added {
        flows: extra,
        cuts: &[],
    };
    solve_model(s, net, options, added, goal, None, control)
}

/// The net-benefit MILP of a network with `cuts` (valid inequalities over its
/// links, [`cuts`]), started from `start` when given.
fn solve_plain(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    cuts: &[cuts::Cut],
    start: Option<&Solution>,
    control: Control<'_>,
) -> Result<Solution, Error> {
    if net.links.is_empty() {
        return Ok(Solution::without_links(true));
    }
    let added = Added { flows: &[], cuts };
    solve_model(s, net, options, added, Goal::NetBenefit, start, control)
}

/// The rows a model has besides its network's: constraints on the flows (of
/// analyses) and cuts (of the reductions).
#[derive(Clone, Copy)]
struct Added<'a> {
    /// Σ coefficient × flow ≥ rhs each.
    flows: &'a [FlowConstraint],
    /// Valid inequalities over the links' flows and builds.
    cuts: &'a [cuts::Cut],
}

/// The MILP of `net` for `goal` with the rows `added`, and its variables.
fn milp_of(s: &Scenario, net: &Network, added: Added<'_>, goal: Goal) -> (Milp, Vars) {
    let mut milp = Milp::new(Sense::Maximise);
    let v = formulation::define_variables(net, &mut milp);
    match goal {
        Goal::NetBenefit => formulation::net_benefit(s, net, &v, &mut milp),
        Goal::Co2Avoided => formulation::co2_avoided(net, &v, &mut milp),
    }
    formulation::network_constraints(s, net, &v, &mut milp);
    formulation::flow_constraints(added.flows, &v, &mut milp);
    formulation::cut_rows(added.cuts, &v, &mut milp);
    (milp, v)
}

/// Defines the variables, the objective and the constraints, hands the model to
/// HiGHS (with the column values of `start`, a plan of this network, when
/// given), and only when it has a plan, reads it back.
fn solve_model(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    added: Added<'_>,
    goal: Goal,
    start: Option<&Solution>,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let extra = added.flows;
    let n = net.links.len();
    let (milp, v) = milp_of(s, net, added, goal);
    // Large MILPs without a plan to start from start from the greedy one.
    let greedy =
        (start.is_none() && goal == Goal::NetBenefit && extra.is_empty() && n >= REDUCE_FROM_LINKS)
            .then(|| greedy::plan(s, net))
            .flatten();
    let start = start.or(greedy.as_ref()).map(|plan| {
        let width = v.x.iter().chain(&v.y).map(|c| c.index + 1).max();
        let mut values = vec![0.0; width.unwrap_or(0)];
        for k in 0..n {
            values[v.x[k].index] = plan.flows[k];
            values[v.y[k].index] = if plan.built[k] { 1.0 } else { 0.0 };
        }
        values
    });
    let solved = highs::solve_controlled(milp, options, n, start.as_deref(), control)?;
    if !solved.has_plan() {
        if solved.status == Status::TimeLimitNoSolution && goal == Goal::NetBenefit {
            return Ok(unsolved_with(s, net, extra, solved.bound));
        }
        return Ok(Solution::without_plan(solved.status, n));
    }
    let mut sol = read_plan(net, &v, &solved, goal == Goal::NetBenefit);
    if goal == Goal::NetBenefit && sol.status == Status::TimeLimit && sol.best_bound.is_none() {
        // Stopped before HiGHS had a bound (in presolve or the first LP): the
        // bound that needs no solve.
        let objective = sol.objective.unwrap_or(0.0);
        let bound = trivial_bound(s, &net.links).max(objective);
        sol.best_bound = Some(bound);
        sol.gap = relative_gap(bound, objective);
    }
    Ok(sol)
}

/// The solution of a network whose search had no time at all: the better of
/// the greedy plan ([`greedy`], without extra constraints) and the empty plan
/// where it is feasible (`empty_plan`), with status `time_limit` and the bound
/// that needs no solve; no plan (`time_limit_no_solution`) when neither is had.
pub fn unsolved(s: &Scenario, net: &Network, extra: &[FlowConstraint]) -> Solution {
    unsolved_with(s, net, extra, None)
}

/// What is known of a network in moments, before any search: the plan of
/// [`unsolved`] (the better of the greedy plan and the empty plan), bounded by
/// the smaller of the bound that needs no solve and the Lagrangian bound of the
/// LP relaxation ([`reduce::relaxation_bound`], which bounds the MILP with or
/// without `extra`), with status `optimal` when the plan is within `gap` of that
/// bound ([`settled`]) and `time_limit` otherwise.
pub fn glance(
    s: &Scenario,
    net: &Network,
    extra: &[FlowConstraint],
    gap: f64,
) -> Result<Solution, Error> {
    let mut sol = unsolved(s, net, extra);
    let Some(objective) = sol.objective.filter(|_| sol.status.has_plan()) else {
        return Ok(sol);
    };
    if net.links.is_empty() {
        return Ok(sol);
    }
    if let Some((_, lp)) = reduce::relaxation_bound(s, net, reduce::Pricing::Auto)? {
        let bound = sol.best_bound.map_or(lp, |b| b.min(lp)).max(objective);
        sol.status = Status::TimeLimit;
        sol.best_bound = Some(bound);
        sol.gap = tidy_gap(relative_gap(bound, objective), sol.status);
        return Ok(settled(sol, gap));
    }
    Ok(sol)
}

/// HiGHS's absolute gap tolerance (its `mip_abs_gap`, left at its default).
const MIP_ABS_GAP: f64 = 1e-6;

/// `sol` with status `optimal` when it has a plan within `gap` of its bound
/// (relative, or [`MIP_ABS_GAP`] absolute: what HiGHS calls optimal), however
/// the search stopped; a search the limit stopped at such a plan has proved
/// what was asked.
pub(crate) fn settled(mut sol: Solution, gap: f64) -> Solution {
    if let (Status::TimeLimit, Some(objective), Some(bound)) =
        (sol.status, sol.objective, sol.best_bound)
    {
        if bound - objective <= gap * objective.abs() + MIP_ABS_GAP {
            sol.status = Status::Optimal;
            sol.gap = tidy_gap(sol.gap, Status::Optimal);
        }
    }
    sol
}

/// [`unsolved`] with a bound known from a search (HiGHS's, when it stopped
/// before any plan), used where it is tighter than the one that needs no solve.
fn unsolved_with(
    s: &Scenario,
    net: &Network,
    extra: &[FlowConstraint],
    bound: Option<f64>,
) -> Solution {
    if net.links.is_empty() {
        return Solution::without_links(extra.iter().all(|c| c.at_least <= 0.0));
    }
    let empty = empty_plan(s, net, extra, bound);
    let greedy = extra
        .is_empty()
        .then(|| greedy::plan(s, net))
        .flatten()
        .filter(|g| g.objective > empty.as_ref().and_then(|e| e.objective));
    match (greedy, empty) {
        (Some(g), _) => {
            let objective = g.objective.unwrap_or(0.0);
            let known = bound.filter(|b| b.is_finite());
            let bound = known
                .unwrap_or_else(|| trivial_bound(s, &net.links))
                .max(objective);
            let gap = relative_gap(bound, objective);
            Solution {
                best_bound: Some(bound),
                gap,
                ..g
            }
        }
        (None, Some(e)) => e,
        (None, None) => Solution::without_plan(Status::TimeLimitNoSolution, net.links.len()),
    }
}

/// The plan a time limit leaves when the search found none: every link off but
/// the mandatory ones, built empty. It is feasible when no link has a recorded
/// quantity (those are fixed flows that must fit) and no extra constraint asks
/// for more than nothing; then it is reported with status `time_limit`, its net
/// benefit (minus the mandatory links' charges), the best bound known (HiGHS's,
/// else [`trivial_bound`]) and the gap, and a plan is never lost to a time limit.
fn empty_plan(
    s: &Scenario,
    net: &Network,
    extra: &[FlowConstraint],
    bound: Option<f64>,
) -> Option<Solution> {
    if net.links.iter().any(|l| l.recorded_quantity.is_some())
        || extra.iter().any(|c| c.at_least > 0.0)
    {
        return None;
    }
    let objective: f64 = -net
        .links
        .iter()
        .filter(|l| l.is_mandatory())
        .map(|l| l.fixed_charge_per_year())
        .sum::<f64>();
    let bound = bound
        .filter(|b| b.is_finite())
        .unwrap_or_else(|| trivial_bound(s, &net.links))
        .max(objective);
    let gap = relative_gap(bound, objective);
    Some(Solution {
        status: Status::TimeLimit,
        objective: Some(objective),
        best_bound: Some(bound),
        gap,
        flows: vec![0.0; net.links.len()],
        built: net.links.iter().map(|l| l.is_mandatory()).collect(),
    })
}

/// A bound on the net benefit that needs no solve, the least of three:
///
/// - every link at its best on its own: Σ_l max(v_l U_l, 0) − F_l over the
///   mandatory links and Σ_l max(v_l U_l − F_l, 0) over the others;
/// - every output's supply at its best margin: Σ_o Q_o max(0, max_{l ∈ out(o)} v_l)
///   − Σ_{mandatory} F_l (Σ_{l ∈ out(o)} x_l ≤ Q_o);
/// - every input's demand at its best margin per unit displaced:
///   Σ_i D_i max(0, max_{l ∈ in(i)} v_l / β_l) − Σ_{mandatory} F_l.
pub(crate) fn trivial_bound<'a>(
    s: &Scenario,
    links: impl IntoIterator<Item = &'a crate::network::CandidateLink>,
) -> f64 {
    let p = &s.parameters;
    let mut by_link = 0.0;
    let mut mandatory = 0.0;
    let mut best_out = vec![0.0f64; s.outputs.len()];
    let mut best_in = vec![0.0f64; s.inputs.len()];
    for l in links {
        let v = l.margin_per_unit(p.carbon_price, p.energy_price);
        let top = (v * l.upper_bound.max(0.0)).max(0.0);
        let f = l.fixed_charge_per_year();
        if l.is_mandatory() {
            by_link += top - f;
            mandatory += f;
        } else {
            by_link += (top - f).max(0.0);
        }
        best_out[l.output.0] = best_out[l.output.0].max(v);
        if l.displaced_per_unit > 0.0 {
            best_in[l.input.0] = best_in[l.input.0].max(v / l.displaced_per_unit);
        } else {
            best_in[l.input.0] = f64::INFINITY;
        }
    }
    let by_outputs: f64 = best_out
        .iter()
        .zip(&s.outputs)
        .map(|(&v, o)| if v > 0.0 { v * o.quantity } else { 0.0 })
        .sum::<f64>()
        - mandatory;
    let by_inputs: f64 = best_in
        .iter()
        .zip(&s.inputs)
        .map(|(&v, i)| if v > 0.0 { v * i.quantity } else { 0.0 })
        .sum::<f64>()
        - mandatory;
    by_link.min(by_outputs).min(by_inputs)
}

/// The flows and build decisions of a solved MILP, with its objective, bound and
/// gap. A link built without flow and without cost is the solver's arbitrary
/// choice, not a decision: only mandatory links are kept empty. One that costs
/// something is a plan a time-limited search had not yet improved: dropping it is
/// feasible and raises the net benefit (`charges_count`) by its charge.
fn read_plan(net: &Network, v: &Vars, solved: &highs::Solved, charges_count: bool) -> Solution {
    let n = net.links.len();
    let mut flows = Vec::with_capacity(n);
    let mut built = Vec::with_capacity(n);
    let mut dropped_charges = 0.0;
    for (k, l) in net.links.iter().enumerate() {
        let y = solved.value(v.y[k]) > 0.5;
        let x = if y { clean(solved.value(v.x[k])) } else { 0.0 };
        let x = x.min(l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0)));
        let keep = x > 0.0 || l.is_mandatory();
        if y && !keep && charges_count {
            dropped_charges += l.fixed_charge_per_year();
        }
        flows.push(x);
        built.push(y && keep);
    }
    let objective = solved.objective + dropped_charges;
    let bound = solved.bound;
    let gap = if dropped_charges > 0.0 {
        // Recomputed as HiGHS defines it: |bound − objective| / |objective|.
        bound.map(|b| {
            if objective.abs() > 0.0 {
                (b - objective).abs() / objective.abs()
            } else {
                f64::INFINITY
            }
        })
    } else {
        solved.gap
    };
    Solution {
        status: solved.status,
        objective: Some(objective),
        best_bound: bound.filter(|b| b.is_finite()),
        gap: tidy_gap(gap, solved.status),
        flows,
        built,
    }
}

/// A reported gap: finite and non-negative. An optimal solve without one (closed
/// without branching) has gap 0; a time-limited one has none when it is not
/// finite (objective 0 with a positive bound).
pub(crate) fn tidy_gap(gap: Option<f64>, status: Status) -> Option<f64> {
    match gap.filter(|g| g.is_finite()) {
        Some(g) => Some(g.max(0.0)),
        None => (status == Status::Optimal).then_some(0.0),
    }
}

/// The relative gap of a plan worth `objective` under a bound `bound`, as
/// HiGHS defines it: |bound − objective| / |objective|; none when the objective
/// is 0.
pub(crate) fn relative_gap(bound: f64, objective: f64) -> Option<f64> {
    (objective != 0.0).then(|| (bound - objective).abs() / objective.abs())
}

/// Turns solver noise around zero into zero.
fn clean(v: f64) -> f64 {
    if v.abs() < 1e-7 {
        0.0
    } else {
        v
    }
}
