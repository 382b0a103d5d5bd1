//! The plain search: a model of the network ([`Model::of`]) handed to HiGHS
//! as it is, from a start when one is known, and its plan read back.

use super::{fallback, greedy};
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{highs_options, Added, Cut, Goal, Model};
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{relative_gap, Solution, Status};
use crate::model::tuning::REDUCE_FROM_LINKS;
use crate::network::Network;

/// The net-benefit MILP of a network with `cuts` (valid inequalities over its
/// links, [`super::cuts`]), started from `start` when given.
pub(crate) fn solve_plain(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    cuts: &[Cut],
    start: Option<&Solution>,
    control: Control<'_>,
) -> Result<Solution, Error> {
    if net.links.is_empty() {
        return Ok(Solution::without_links(true));
    }
    let added = Added { flows: &[], cuts };
    solve_model(
        s,
        net,
        options,
        deadline,
        added,
        Goal::NetBenefit,
        start,
        control,
    )
}

/// Defines the variables, the objective and the constraints, hands the model to
/// HiGHS (with the column values of `start`, a plan of this network, when
/// given), and only when it has a plan, reads it back.
#[allow(clippy::too_many_arguments)]
pub(crate) fn solve_model(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    added: Added<'_>,
    goal: Goal,
    start: Option<&Solution>,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let extra = added.flows;
    let n = net.links.len();
    let model = Model::of(s, net, added, goal);
    // Large MILPs without a plan to start from start from the greedy one.
    let greedy =
        (start.is_none() && goal == Goal::NetBenefit && extra.is_empty() && n >= REDUCE_FROM_LINKS)
            .then(|| greedy::plan(s, net))
            .flatten();
    let start = start
        .or(greedy.as_ref())
        .map(|plan| model.values_of(s, net, plan));
    let highs = highs_options(options, deadline, n);
    let charges_count = goal == Goal::NetBenefit;
    let (plan, solved) = model.solve(net, &highs, start.as_deref(), control, charges_count)?;
    let Some(mut sol) = plan else {
        if solved.status == Status::TimeLimitNoSolution && goal == Goal::NetBenefit {
            return Ok(fallback::unsolved_with(s, net, extra, solved.bound));
        }
        return Ok(Solution::without_plan(solved.status, n));
    };
    if goal == Goal::NetBenefit && sol.status == Status::TimeLimit && sol.best_bound.is_none() {
        // Stopped before HiGHS had a bound (in presolve or the first LP): the
        // bound that needs no solve.
        let objective = sol.objective.unwrap_or(0.0);
        let bound = fallback::trivial_bound(s, &net.links).max(objective);
        sol.best_bound = Some(bound);
        sol.gap = relative_gap(bound, objective);
    }
    Ok(sol)
}
