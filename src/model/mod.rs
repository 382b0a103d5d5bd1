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
    let n = net.links.len();
    if n == 0 {
        let feasible = extra.iter().all(|c| c.at_least <= 0.0);
        return Ok(Solution {
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
        });
    }
    let mut vars = ProblemVariables::new();
    let v = define_variables(net, &mut vars);
    let obj = objective(s, net, &v);
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
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(e.to_string()))?;
    set_option(&mut model, "mip_rel_gap", options.gap)?;
    set_option(&mut model, "threads", options.threads.max(1) as i32)?;
    set_option(&mut model, "random_seed", 0)?;
    if let Some(t) = options.time_limit {
        set_option(&mut model, "time_limit", t)?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
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
    if !status.has_plan() || !has_solution {
        return Ok(Solution {
            status,
            objective: None,
            best_bound: None,
            gap: None,
            flows: vec![0.0; n],
            built: vec![false; n],
        });
    }
    let sol = solved.get_solution();
    let cols = sol.columns();
    let mut flows = Vec::with_capacity(n);
    let mut built = Vec::with_capacity(n);
    for (k, l) in net.links.iter().enumerate() {
        // Columns are created in the order x_0, y_0, x_1, y_1, ...
        let y = cols[2 * k + 1] > 0.5;
        let x = if y { clean(cols[2 * k]) } else { 0.0 };
        let x = x.min(l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0)));
        // A link built without flow and without cost is the solver's arbitrary
        // choice, not a decision: only mandatory links are kept empty.
        let y = y && (x > 0.0 || l.is_mandatory());
        flows.push(x);
        built.push(y);
    }
    let objective = solved.objective_value();
    let bound = solved.double_info_value(c"mip_dual_bound").ok();
    let gap = solved
        .double_info_value(c"mip_gap")
        .ok()
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
