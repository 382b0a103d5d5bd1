//! The search of one network (a part, or the whole as one MILP): the
//! reductions ([`super::reduce`]) where they apply, else the plain search
//! ([`super::plain`]); a search resumed from an earlier plan; and the glance,
//! what is known of a network in moments before any search.

use super::fallback::unsolved;
use super::plain::solve_model;
use super::reduce;
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{Added, Goal};
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{
    better_of, relative_gap, settled, tidy_gap, FlowConstraint, Solution, Status,
};
use crate::network::Network;

/// The search of one network for `goal` until `deadline`: the reductions where
/// they apply (the net benefit without extra rows, a MILP of the size
/// `options.reduce` asks for, and the time they need), or the MILP as it is.
pub(crate) fn solve_part(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    goal: Goal,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let n = net.links.len();
    if n == 0 {
        let feasible = extra.iter().all(|c| c.at_least <= 0.0);
        return Ok(Solution::without_links(feasible));
    }
    if goal == Goal::NetBenefit && reduces(s, net, options, deadline, extra) {
        let sol = reduce::solve_by(s, net, options, deadline, None, control)?.0;
        return Ok(settled(sol, options.gap));
    }
    let added = Added {
        flows: extra,
        cuts: &[],
    };
    solve_model(s, net, options, deadline, added, goal, None, control)
}

/// A first plan of `net` and a bound on its optimum until `deadline`, in a
/// fraction of the time a search takes: the reductions' first plan with the
/// bound of the LP with cuts ([`reduce::first_plan`]) where the reductions
/// apply, else the MILP searched until `deadline`. Status `optimal` when the
/// plan is within `options.gap` of the bound.
pub(crate) fn first_plan(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    control: Control<'_>,
) -> Result<Solution, Error> {
    let n = net.links.len();
    if n > 0 && reduces(s, net, options, deadline, extra) {
        let sol = reduce::first_plan_by(s, net, options, deadline, control)?;
        return Ok(settled(sol, options.gap));
    }
    solve_part(s, net, options, deadline, extra, Goal::NetBenefit, control)
}

/// Whether a net-benefit search of `net` with the rows `extra` is reduced:
/// none of those, no plant group that asks for plants open (a plant opened
/// only for its group carries nothing, and a network restricted to the
/// links that pay may not reach it), a size `options.reduce` reduces, and
/// the time the reductions need.
fn reduces(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
) -> bool {
    let links = net.links.len();
    extra.is_empty()
        && options.reduce.applies(links)
        && reduce::has_time(deadline, links)
        && !crate::network::plants::group_asks_open(
            s,
            &crate::network::plants::reached(s, &net.links),
        )
}

/// Resumes the search of a time-limited solve of `net` (a solution of a solve
/// with the same `extra`) until `deadline`: the reduced MILP where the
/// reductions apply (with `earlier` as a first plan), else the MILP as it is,
/// started from `earlier`'s plan. Returns the better plan of the two with the
/// tighter of their bounds (each bounds the optimum).
pub(crate) fn resume_by(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    earlier: &Solution,
    control: Control<'_>,
) -> Result<Solution, Error> {
    if !earlier.status.has_plan() || net.links.is_empty() {
        return Ok(earlier.clone());
    }
    let later = if reduces(s, net, options, deadline, extra) {
        reduce::solve_by(s, net, options, deadline, Some(earlier), control)?.0
    } else {
        let added = Added {
            flows: extra,
            cuts: &[],
        };
        solve_model(
            s,
            net,
            options,
            deadline,
            added,
            Goal::NetBenefit,
            Some(earlier),
            control,
        )?
    };
    Ok(better_of(later, earlier))
}

/// Resumes the search of a time-limited solve of `net` ([`super::solve_controlled`]
/// with the same `extra` and `decompose` off) for `options.time_limit`
/// seconds: the reduced MILP where the reductions apply ([`reduce`], with
/// `earlier` as a first plan), else the MILP as it is, started from
/// `earlier`'s plan. Returns the better plan of the two with the tighter of
/// their bounds (each bounds the optimum).
pub fn resume(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
    earlier: &Solution,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let deadline = Deadline::after(options.time_limit);
    resume_by(s, net, options, deadline, extra, earlier, control)
}

/// What is known of a network in moments, before any search: the plan of
/// [`unsolved`] (the better of the greedy plan and the empty plan), bounded by
/// the smaller of the bound that needs no solve and the Lagrangian bound of the
/// LP relaxation ([`reduce::relaxation_bound`], which bounds the MILP with or
/// without `extra`), with status `optimal` when the plan is within `gap` of that
/// bound (HiGHS's tolerance included) and `time_limit` otherwise.
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
