//! The MILP of `docs/formulation.md`, built with good_lp and solved by HiGHS.
//!
//! This is the only module that touches good_lp or HiGHS types. It takes a
//! [`Network`] and returns a [`Solution`]: flows and build decisions per link,
//! with the solver's status, objective, best bound and gap.

use std::collections::BTreeMap;

use good_lp::solvers::highs::highs;
use good_lp::{variable, Constraint, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;
use serde::{Deserialize, Serialize};

use crate::domain::{InputId, OutputId, RuleId, Scenario};
use crate::error::Error;
use crate::network::Network;

/// Solver options, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Wall-clock limit in seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which the search stops (0 = prove optimality).
    pub gap: f64,
    /// Threads HiGHS may use.
    pub threads: u32,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: None,
            gap: 1e-6,
            threads: 1,
        }
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

/// The variables of the MILP: flow `x_l` and build `y_l` per link.
struct Vars {
    x: Vec<Variable>,
    y: Vec<Variable>,
}

/// Defines `x_l ∈ [0, U_l]` (fixed at the recorded quantity for existing links that
/// have one) and `y_l ∈ {0,1}` (fixed at 1 for existing and forced links).
fn define_variables(net: &Network, vars: &mut ProblemVariables) -> Vars {
    let mut x = Vec::with_capacity(net.links.len());
    let mut y = Vec::with_capacity(net.links.len());
    for l in &net.links {
        let flow = match l.recorded_quantity {
            Some(q) => variable().min(q).max(q),
            None => variable().min(0.0).max(l.upper_bound.max(0.0)),
        };
        x.push(vars.add(flow));
        let build = if l.is_mandatory() {
            variable().integer().min(1.0).max(1.0)
        } else {
            variable().binary()
        };
        y.push(vars.add(build));
    }
    Vars { x, y }
}

/// Supply: Σ_{l ∈ out(o)} x_l ≤ Q_o for every output o.
fn supply_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let mut by_output: BTreeMap<OutputId, Expression> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        *by_output.entry(l.output).or_default() += v.x[k];
    }
    by_output
        .into_iter()
        .map(|(o, e)| e.leq(s.outputs[o.0].quantity))
        .collect()
}

/// Demand: Σ_{l ∈ in(i)} ρ_l α_l x_l ≤ D_i for every input i, and per rule r:
/// Σ_{l ∈ in(i), r(l) = r} ρ_l α_l x_l ≤ σ_r D_i (skipped when σ_r = 1).
fn demand_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let mut by_input: BTreeMap<InputId, Expression> = BTreeMap::new();
    let mut by_share: BTreeMap<(InputId, RuleId), Expression> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        *by_input.entry(l.input).or_default() += l.displaced_per_unit * v.x[k];
        if s.rules[l.rule.0].max_share < 1.0 {
            *by_share.entry((l.input, l.rule)).or_default() += l.displaced_per_unit * v.x[k];
        }
    }
    let mut out: Vec<Constraint> = by_input
        .into_iter()
        .map(|(i, e)| e.leq(s.inputs[i.0].quantity))
        .collect();
    out.extend(
        by_share
            .into_iter()
            .map(|((i, r), e)| e.leq(s.rules[r.0].max_share * s.inputs[i.0].quantity)),
    );
    out
}

/// Linking: x_l ≤ U_l y_l, with U_l the tightest bound of the link (no global big-M).
/// Existing links with a recorded quantity are fixed already; their capacity still
/// holds (x_l ≤ C_l), so a recorded quantity above it makes the plan infeasible.
fn linking_constraints(net: &Network, v: &Vars) -> Vec<Constraint> {
    net.links
        .iter()
        .enumerate()
        .filter_map(|(k, l)| match (l.recorded_quantity, l.capacity) {
            (None, _) => Some((v.x[k] - l.upper_bound.max(0.0) * v.y[k]).leq(0.0)),
            (Some(_), Some(c)) => Some(Expression::from(v.x[k]).leq(c)),
            (Some(_), None) => None,
        })
        .collect()
}

/// Objective: Σ_l v_l x_l − F_l y_l, with v_l the margin per unit sent at the
/// scenario's carbon and energy prices and F_l the link's annual charge.
fn objective(s: &Scenario, net: &Network, v: &Vars) -> Expression {
    let p = &s.parameters;
    let mut e = Expression::default();
    for (k, l) in net.links.iter().enumerate() {
        e += l.margin_per_unit(p.carbon_price, p.energy_price) * v.x[k];
        e -= l.fixed_charge_per_year() * v.y[k];
    }
    e
}

/// MILPs with fewer links than this are solved without HiGHS's feasibility-jump
/// heuristic (see `docs/performance.md`).
pub const SMALL_MILP_LINKS: usize = 64;

/// Builds and solves the MILP of a network.
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
    solve_for(s, net, options, extra, Goal::NetBenefit)
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
    solve_for(s, net, options, extra, Goal::Co2Avoided)
}

/// What a solve maximises.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Σ_l v_l x_l − F_l y_l (the scenario's objective).
    NetBenefit,
    /// Σ_l Δ_l x_l.
    Co2Avoided,
}

fn solve_for(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
    goal: Goal,
) -> Result<Solution, Error> {
    let n = net.links.len();
    if n == 0 {
        let feasible = extra.iter().all(|c| c.at_least <= 0.0);
        return Ok(Solution::without_links(feasible));
    }
    let mut vars = ProblemVariables::new();
    let v = define_variables(net, &mut vars);
    let obj = match goal {
        Goal::NetBenefit => objective(s, net, &v),
        Goal::Co2Avoided => net
            .links
            .iter()
            .enumerate()
            .map(|(k, l)| l.co2_avoided_per_unit() * v.x[k])
            .sum(),
    };
    let mut problem = vars.maximise(obj).using(highs);
    for c in supply_constraints(s, net, &v)
        .into_iter()
        .chain(demand_constraints(s, net, &v))
        .chain(linking_constraints(net, &v))
    {
        problem = problem.with(c);
    }
    for c in extra {
        let mut e = Expression::default();
        for &(k, a) in &c.coefficients {
            e += a * v.x[k];
        }
        problem = problem.with(e.geq(c.at_least));
    }
    let solved = run_highs(problem, options, n)?;
    let (status, has_solution) = status_of(&solved)?;
    if !status.has_plan() || !has_solution {
        return Ok(Solution::without_plan(status, n));
    }
    let sol = solved.get_solution();
    let cols = sol.columns();
    let mut flows = Vec::with_capacity(n);
    let mut built = Vec::with_capacity(n);
    let mut dropped_charges = 0.0;
    for (k, l) in net.links.iter().enumerate() {
        // Columns are created in the order x_0, y_0, x_1, y_1, ...
        let y = cols[2 * k + 1] > 0.5;
        let x = if y { clean(cols[2 * k]) } else { 0.0 };
        let x = x.min(l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0)));
        // A link built without flow and without cost is the solver's arbitrary
        // choice, not a decision: only mandatory links are kept empty.
        // One that costs something is a plan a time-limited search had not yet
        // improved: dropping it is feasible and raises the objective by its charge.
        let keep = x > 0.0 || l.is_mandatory();
        if y && !keep && goal == Goal::NetBenefit {
            dropped_charges += l.fixed_charge_per_year();
        }
        flows.push(x);
        built.push(y && keep);
    }
    let objective = solved.objective_value() + dropped_charges;
    let bound = solved.double_info_value(c"mip_dual_bound").ok();
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
        solved.double_info_value(c"mip_gap").ok()
    }
    .filter(|g| g.is_finite())
    .map(|g| g.max(0.0));
    Ok(Solution {
        status,
        objective: Some(objective),
        best_bound: bound.filter(|b| b.is_finite()),
        gap: gap.or(Some(0.0)),
        flows,
        built,
    })
}

/// Hands a built problem to HiGHS with the solver options (the one place they are
/// set) and runs it. `n` is the number of links, which decides the heuristics.
fn run_highs(
    problem: good_lp::solvers::highs::HighsProblem,
    options: &SolveOptions,
    n: usize,
) -> Result<highs::SolvedModel, Error> {
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(e.to_string()))?;
    set_option(&mut model, "mip_rel_gap", options.gap)?;
    set_option(&mut model, "threads", options.threads.max(1) as i32)?;
    set_option(&mut model, "random_seed", 0)?;
    // HiGHS's feasibility-jump heuristic costs ~20 ms even on a MILP of a few
    // links: most of the time of a decomposed part or a sweep point, for no gain
    // (x = 0, y = 0 is feasible unless links are mandatory). Larger MILPs keep it.
    if n < SMALL_MILP_LINKS {
        set_option(&mut model, "mip_heuristic_run_feasibility_jump", false)?;
    }
    if let Some(t) = options.time_limit {
        set_option(&mut model, "time_limit", t)?;
    }
    model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))
}

fn set_option<V: highs::HighsOptionValue>(
    model: &mut highs::Model,
    key: &str,
    value: V,
) -> Result<(), Error> {
    model
        .try_set_option(key, value)
        .map_err(|_| Error::Solver(format!("HiGHS rejected option {key}")))
}

/// Turns solver noise around zero into zero.
fn clean(v: f64) -> f64 {
    if v.abs() < 1e-7 {
        0.0
    } else {
        v
    }
}

// ---------------------------------------------------------------------------
// Individual rationality (docs/formulation.md, "Individually rational plans").

/// How one link's value falls on its two sites before any transfer, for
/// [`solve_individually_rational`]: the supplier gains `supplier_per_unit` per unit
/// sent and bears `supplier_per_year` when the link is built, the receiver likewise.
/// The two per-unit figures add up to the link's margin v_l, the two annual ones to
/// its annual charge F_l.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinkShare {
    /// Index of the supplying site in the scenario.
    pub supplier: usize,
    /// Index of the receiving site.
    pub receiver: usize,
    /// Supplier's gain per unit sent, currency per unit.
    pub supplier_per_unit: f64,
    /// Supplier's share of the built link's annual charge, currency per year.
    pub supplier_per_year: f64,
    /// Receiver's gain per unit sent, currency per unit.
    pub receiver_per_unit: f64,
    /// Receiver's share of the built link's annual charge, currency per year.
    pub receiver_per_year: f64,
}

/// The terms of individual rationality: how each link's value is shared and the
/// least annual gain each site must end up with.
#[derive(Debug, Clone, PartialEq)]
pub struct Rationality {
    /// One per network link, in link order.
    pub shares: Vec<LinkShare>,
    /// Least annual gain per site, transfers included, indexed by site.
    pub at_least: Vec<f64>,
    /// Share θ of each built link's surplus that the transfers aim to give the
    /// supplier where the constraints leave a choice (the second stage).
    pub supplier_share: f64,
}

/// An individually rational plan with its transfers.
#[derive(Debug, Clone, PartialEq)]
pub struct RationalSolution {
    /// The plan; its objective is the annual net benefit (transfers cancel out).
    pub solution: Solution,
    /// Transfer per link from the receiver to the supplier, currency per year
    /// (negative when the supplier pays); zero on links not built.
    pub transfers: Vec<f64>,
}

/// Bound M on every transfer: the total of all money any site could gain or owe,
/// Σ_j |B_j| + Σ_l (|a^s_l| + |a^r_l|) max(U_l, q_l) + |b^s_l| + |b^r_l|. A feasible
/// set of transfers on the built links can always be made acyclic, and then no
/// transfer exceeds what the sites in deficit are owed in total, which is below M.
fn transfer_bound(net: &Network, r: &Rationality) -> f64 {
    let links: f64 = net
        .links
        .iter()
        .zip(&r.shares)
        .map(|(l, a)| {
            let x = l
                .upper_bound
                .max(l.recorded_quantity.unwrap_or(0.0))
                .max(0.0);
            (a.supplier_per_unit.abs() + a.receiver_per_unit.abs()) * x
                + a.supplier_per_year.abs()
                + a.receiver_per_year.abs()
        })
        .sum();
    let sites: f64 = r.at_least.iter().map(|b| b.abs()).sum();
    (links + sites).max(1.0)
}

/// Transfers only on built links: −M y_l ≤ t_l ≤ M y_l.
fn transfer_constraints(v: &Vars, t: &[Variable], m: f64) -> Vec<Constraint> {
    t.iter()
        .zip(&v.y)
        .flat_map(|(&t, &y)| [(t - m * y).leq(0.0), (t + m * y).geq(0.0)])
        .collect()
}

/// Individual rationality: for every site j,
/// Σ_{l: s(l)=j} (a^s_l x_l − b^s_l y_l + t_l) + Σ_{l: r(l)=j} (a^r_l x_l − b^r_l y_l − t_l) ≥ B_j.
fn rationality_constraints(r: &Rationality, v: &Vars, t: &[Variable]) -> Vec<Constraint> {
    let mut gain: Vec<Expression> = vec![Expression::default(); r.at_least.len()];
    for (k, a) in r.shares.iter().enumerate() {
        gain[a.supplier] += a.supplier_per_unit * v.x[k] - a.supplier_per_year * v.y[k] + t[k];
        gain[a.receiver] += a.receiver_per_unit * v.x[k] - a.receiver_per_year * v.y[k] - t[k];
    }
    gain.into_iter()
        .zip(&r.at_least)
        .map(|(g, &b)| g.geq(b))
        .collect()
}

/// Maps HiGHS's status to ours; `Err` for statuses that are failures.
fn status_of(solved: &highs::SolvedModel) -> Result<(Status, bool), Error> {
    let has_solution = solved
        .int_info_value(c"primal_solution_status")
        .map(|v| v == 2)
        .unwrap_or(false);
    let status = match solved.status() {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            Status::Infeasible
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit => {
            if has_solution {
                Status::TimeLimit
            } else {
                Status::TimeLimitNoSolution
            }
        }
        other => return Err(Error::Solver(format!("HiGHS ended with {other:?}"))),
    };
    Ok((status, has_solution))
}

/// Like [`solve`], with every site at least as well off as `r.at_least` says, once
/// each built link carries a transfer t_l between its two firms (a free variable,
/// zero when the link is not built). The net benefit is maximised as before; the
/// transfers cancel out in it.
///
/// The transfers that make the plan rational are seldom unique, so a second stage
/// (an LP with the plan fixed) picks those that bring each site's gain closest, in
/// total absolute deviation, to its share of the surplus of the built links
/// (`r.supplier_share` of each link's surplus to its supplier, the rest to its
/// receiver) while keeping every site rational.
pub fn solve_individually_rational(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    r: &Rationality,
) -> Result<RationalSolution, Error> {
    let n = net.links.len();
    if r.shares.len() != n
        || r.shares
            .iter()
            .any(|a| a.supplier.max(a.receiver) >= r.at_least.len())
    {
        return Err(Error::Usage(
            "individual rationality: one share per link and one bound per site are needed".into(),
        ));
    }
    let tolerance = |b: f64| 1e-6 * b.abs().max(1.0);
    if n == 0 {
        let feasible = r.at_least.iter().all(|&b| b <= tolerance(b));
        return Ok(RationalSolution {
            solution: Solution::without_links(feasible),
            transfers: Vec::new(),
        });
    }
    let m = transfer_bound(net, r);
    let mut vars = ProblemVariables::new();
    let v = define_variables(net, &mut vars);
    let t: Vec<Variable> = (0..n)
        .map(|_| vars.add(variable().min(-m).max(m)))
        .collect();
    let obj = objective(s, net, &v);
    let mut problem = vars.maximise(obj).using(highs);
    for c in supply_constraints(s, net, &v)
        .into_iter()
        .chain(demand_constraints(s, net, &v))
        .chain(linking_constraints(net, &v))
        .chain(transfer_constraints(&v, &t, m))
        .chain(rationality_constraints(r, &v, &t))
    {
        problem = problem.with(c);
    }
    let solved = run_highs(problem, options, n)?;
    let (status, has_solution) = status_of(&solved)?;
    if !status.has_plan() || !has_solution {
        return Ok(RationalSolution {
            solution: Solution::without_plan(status, n),
            transfers: vec![0.0; n],
        });
    }
    let sol = solved.get_solution();
    let cols = sol.columns();
    let mut flows = Vec::with_capacity(n);
    let mut chosen = Vec::with_capacity(n);
    let mut first = Vec::with_capacity(n);
    for (k, l) in net.links.iter().enumerate() {
        // Columns: x_0, y_0, x_1, y_1, ..., then t_0, t_1, ...
        let y = cols[2 * k + 1] > 0.5;
        let x = if y { clean(cols[2 * k]) } else { 0.0 };
        flows.push(x.min(l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0))));
        chosen.push(y);
        first.push(if y { cols[2 * n + k] } else { 0.0 });
    }
    let objective_value = solved.objective_value();
    let bound = solved.double_info_value(c"mip_dual_bound").ok();
    let gap = solved
        .double_info_value(c"mip_gap")
        .ok()
        .filter(|g| g.is_finite())
        .map(|g| g.max(0.0));
    let mut transfers = first;
    for tolerance in [1e-9, 1e-6] {
        if let Some(t) = fair_transfers(net, r, &flows, &chosen, tolerance)? {
            transfers = t;
            break;
        }
    }
    // Transfers below this are solver noise.
    let noise = 1e-9 * m;
    let mut built = Vec::with_capacity(n);
    for (k, l) in net.links.iter().enumerate() {
        if transfers[k].abs() < noise {
            transfers[k] = 0.0;
        }
        // A link built with neither flow nor transfer is the solver's arbitrary choice;
        // one built without flow but with a transfer carries a payment only.
        built.push(chosen[k] && (flows[k] > 0.0 || l.is_mandatory() || transfers[k] != 0.0));
        if !built[k] {
            flows[k] = 0.0;
            transfers[k] = 0.0;
        }
    }
    Ok(RationalSolution {
        solution: Solution {
            status,
            objective: Some(objective_value),
            best_bound: bound.filter(|b| b.is_finite()),
            gap: gap.or(Some(0.0)),
            flows,
            built,
        },
        transfers,
    })
}

/// The second stage: with flows and build decisions fixed, the transfers on the
/// built links that keep every site rational (to a relative `tolerance`) and are
/// closest to the bargained ones: minimise Σ_l |t_l − t*_l|, with
/// t*_l = θ S_l − g^s_l the transfer that gives the supplier the share θ of the
/// link's surplus S_l. `None` when the LP has no optimum at this tolerance.
fn fair_transfers(
    net: &Network,
    r: &Rationality,
    flows: &[f64],
    built: &[bool],
    tolerance: f64,
) -> Result<Option<Vec<f64>>, Error> {
    let n_sites = r.at_least.len();
    let theta = r.supplier_share;
    let mut own = vec![0.0; n_sites];
    let mut touched = vec![false; n_sites];
    let links: Vec<usize> = (0..net.links.len()).filter(|&k| built[k]).collect();
    let mut bargained = Vec::with_capacity(links.len());
    for &k in &links {
        let a = &r.shares[k];
        let gs = a.supplier_per_unit * flows[k] - a.supplier_per_year;
        let gr = a.receiver_per_unit * flows[k] - a.receiver_per_year;
        own[a.supplier] += gs;
        own[a.receiver] += gr;
        touched[a.supplier] = true;
        touched[a.receiver] = true;
        bargained.push(theta * (gs + gr) - gs);
    }
    if links.is_empty() {
        return Ok(Some(vec![0.0; net.links.len()]));
    }
    let mut vars = ProblemVariables::new();
    let t: Vec<Variable> = links.iter().map(|_| vars.add(variable())).collect();
    let over: Vec<Variable> = links
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    let under: Vec<Variable> = links
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    let mut net_in: Vec<Expression> = vec![Expression::default(); n_sites];
    for (j, &k) in links.iter().enumerate() {
        let a = &r.shares[k];
        net_in[a.supplier] += t[j];
        net_in[a.receiver] -= t[j];
    }
    let deviation: Expression = over.iter().zip(&under).map(|(&o, &u)| o + u).sum();
    let mut problem = vars.minimise(deviation).using(highs);
    for j in 0..links.len() {
        problem = problem.with((t[j] - over[j] + under[j]).eq(bargained[j]));
    }
    for (j, e) in net_in.into_iter().enumerate() {
        if touched[j] {
            let b = r.at_least[j];
            problem = problem.with(e.geq(b - own[j] - tolerance * b.abs().max(1.0)));
        }
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(e.to_string()))?;
    set_option(&mut model, "threads", 1)?;
    set_option(&mut model, "random_seed", 0)?;
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    if solved.status() != HighsModelStatus::Optimal {
        return Ok(None);
    }
    let cols = solved.get_solution().columns().to_vec();
    let mut out = vec![0.0; net.links.len()];
    for (j, &k) in links.iter().enumerate() {
        out[k] = cols[j];
    }
    Ok(Some(out))
}
