//! The HiGHS adapter: the one place where solver options are set, the model is
//! handed to HiGHS, its status is mapped to a [`Status`] and column values are read.

use good_lp::solvers::highs::highs;
use good_lp::SolverModel;
use highs::HighsModelStatus;

use super::formulation::{Column, Milp, Sense};
use super::{SolveOptions, Status};
use crate::error::Error;

/// MILPs with fewer links than this are solved without HiGHS's feasibility-jump
/// heuristic (see `docs/performance.md`).
pub(crate) const SMALL_MILP_LINKS: usize = 64;

/// What HiGHS answered.
pub(crate) struct Solved {
    /// The status, as symbio names it.
    pub status: Status,
    /// Whether a primal solution comes with it.
    pub has_solution: bool,
    /// The objective value of that solution.
    pub objective: f64,
    /// HiGHS's best bound on the objective (MILPs).
    pub bound: Option<f64>,
    /// HiGHS's relative gap (MILPs).
    pub gap: Option<f64>,
    values: Vec<f64>,
}

impl Solved {
    /// Whether a plan (a feasible solution) is known.
    pub fn has_plan(&self) -> bool {
        self.status.has_plan() && self.has_solution
    }

    /// The value of a column in the solution.
    pub fn value(&self, c: Column) -> f64 {
        self.values[c.index]
    }
}

/// Hands a model to HiGHS with the solver options and runs it. `links` is the
/// number of links of the network, which decides the heuristics.
pub(crate) fn solve(milp: Milp, options: &SolveOptions, links: usize) -> Result<Solved, Error> {
    let Milp {
        columns,
        sense,
        objective,
        constraints,
    } = milp;
    let mut problem = match sense {
        Sense::Maximise => columns.maximise(objective),
        Sense::Minimise => columns.minimise(objective),
    }
    .using(highs);
    for c in constraints {
        problem = problem.with(c);
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(e.to_string()))?;
    set_option(&mut model, "mip_rel_gap", options.gap)?;
    set_option(&mut model, "threads", options.threads.max(1) as i32)?;
    set_option(&mut model, "random_seed", 0)?;
    // HiGHS's feasibility-jump heuristic costs ~20 ms even on a MILP of a few
    // links: most of the time of a decomposed part or a sweep point, for no gain
    // (x = 0, y = 0 is feasible unless links are mandatory). Larger MILPs keep it.
    if links < SMALL_MILP_LINKS {
        set_option(&mut model, "mip_heuristic_run_feasibility_jump", false)?;
    }
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
    let status = status_of(solved.status(), has_solution)?;
    Ok(Solved {
        status,
        has_solution,
        objective: solved.objective_value(),
        bound: solved.double_info_value(c"mip_dual_bound").ok(),
        gap: solved.double_info_value(c"mip_gap").ok(),
        values: solved.get_solution().columns().to_vec(),
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

/// Maps HiGHS's status to ours; `Err` for statuses that are failures.
fn status_of(status: HighsModelStatus, has_solution: bool) -> Result<Status, Error> {
    Ok(match status {
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
    })
}
