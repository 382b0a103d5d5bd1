//! What a solve answers: its [`Status`] and its [`Solution`] (flows and
//! builds per link with objective, bound and gap), the extra constraints an
//! analysis may add ([`FlowConstraint`]), and the arithmetic of gaps and bounds
//! that every step of a search shares.

use serde::{Deserialize, Serialize};

use super::tuning::MIP_ABS_GAP;
use crate::domain::StoreId;

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
    /// Flows by period and the stores' use, of a scenario with periods
    /// (empty without: then `flows` is the whole plan).
    pub by_period: ByPeriod,
}

/// What a plan of a scenario with periods holds beyond its annual flows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByPeriod {
    /// How many periods (0 for a scenario without periods).
    pub periods: usize,
    /// The flow of link k in period t at `k * periods + t`, units of the
    /// output; `flows[k]` of the [`Solution`] is their sum.
    pub flows: Vec<f64>,
    /// The stores the plan's network reaches, by ascending store.
    pub stores: Vec<StoreUse>,
}

impl ByPeriod {
    /// Link k's flows, period by period.
    pub fn flows_of(&self, k: usize) -> &[f64] {
        &self.flows[k * self.periods..(k + 1) * self.periods]
    }
}

/// How a plan uses one store, period by period.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreUse {
    /// The store.
    pub store: StoreId,
    /// Whether it is used (built, for a candidate).
    pub built: bool,
    /// Units held at the end of each period.
    pub level: Vec<f64>,
    /// Units put in during each period.
    pub charge: Vec<f64>,
    /// Units taken out during each period.
    pub discharge: Vec<f64>,
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
            by_period: ByPeriod::default(),
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
            by_period: ByPeriod::default(),
        }
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

/// Of two solutions of one network, `later` from a search that started from
/// (or after) `earlier`: the better plan with the tighter of the two bounds
/// (each bounds the optimum), status `optimal` when the later search proved
/// its plan and `time_limit` otherwise; `earlier` when the later search has no
/// plan.
pub(crate) fn better_of(later: Solution, earlier: &Solution) -> Solution {
    if !later.status.has_plan() {
        return earlier.clone();
    }
    // An earlier solve without a plan (a part with plants has no greedy or
    // empty plan to fall back on) never wins over a later plan.
    let better = match (later.objective, earlier.objective) {
        (Some(a), Some(b)) if a >= b => later.clone(),
        (Some(_), None) => later.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(objective: f64, bound: f64) -> Solution {
        Solution {
            status: Status::TimeLimit,
            objective: Some(objective),
            best_bound: Some(bound),
            gap: relative_gap(bound, objective),
            flows: vec![objective],
            built: vec![true],
            by_period: crate::model::solution::ByPeriod::default(),
        }
    }

    #[test]
    fn the_better_plan_keeps_the_tighter_bound() {
        let b = better_of(plan(90.0, 120.0), &plan(100.0, 110.0));
        assert_eq!((b.objective, b.best_bound), (Some(100.0), Some(110.0)));
        assert_eq!(b.flows, vec![100.0]);
    }

    /// A later plan wins over an earlier solve that had none (a part with
    /// plants has no greedy or empty plan before its search), and the whole
    /// keeps a plan with its objective.
    #[test]
    fn a_later_plan_wins_over_an_earlier_solve_without_one() {
        let none = Solution::without_plan(Status::TimeLimitNoSolution, 1);
        let b = better_of(plan(90.0, 120.0), &none);
        assert_eq!(b.status, Status::TimeLimit);
        assert_eq!((b.objective, b.best_bound), (Some(90.0), Some(120.0)));
        let b = better_of(none.clone(), &plan(90.0, 120.0));
        assert_eq!(b.objective, Some(90.0));
    }
}
