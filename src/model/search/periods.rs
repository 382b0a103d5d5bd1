//! The search of a scenario with periods: its network split into independent
//! parts as any network is ([`super::decompose::parts`]: a store works on one
//! stream, so it joins nothing), each part's MILP by period
//! ([`PeriodModel`]) handed to HiGHS as it is, side by side on
//! `options.threads` threads, and the parts' plans merged.
//!
//! The reductions, cuts, greedy plan, neighbourhoods and the glance price a
//! link by its annual margin and bound a part by its annual LP; with periods
//! a link's margin and room differ from period to period, so they are
//! switched off here (docs/formulation.md, "Periods and stores").

use super::decompose;
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{highs_options, Goal, PeriodModel};
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{FlowConstraint, Solution, Status};
use crate::network::Network;

/// Solves the MILP by period of `net` for `goal` until `deadline`, part by
/// part when `options.decompose` says so, each part to `options.gap` (so the
/// whole is within it too).
pub(crate) fn solve_by(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    goal: Goal,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let n = net.links.len();
    if decompose::asks_of_no_link(extra) {
        return Ok(Solution::without_plan(Status::Infeasible, n));
    }
    let groups = if options.decompose {
        decompose::parts(net, extra)
    } else {
        vec![(0..n).collect()]
    };
    if groups.len() < 2 {
        return solve_part(s, net, options, deadline, extra, goal, control);
    }
    let all: Vec<usize> = (0..groups.len()).collect();
    let solutions = solve_groups(
        s, net, &groups, &all, options, deadline, extra, goal, control,
    )?;
    Ok(decompose::merge(n, &groups, &solutions))
}

/// Solves the parts `which` (indices into `groups`, the parts of `net` that
/// [`decompose::parts`] gives for `extra`) by period on `options.threads`
/// threads, one HiGHS thread each, until `deadline`; their solutions in the
/// order of `which`, each in its part's link order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn solve_groups(
    s: &Scenario,
    net: &Network,
    groups: &[Vec<usize>],
    which: &[usize],
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    goal: Goal,
    control: Control<'_>,
) -> Result<Vec<Solution>, Error> {
    let one_thread = options.one_thread();
    let solve = |&g: &usize| {
        let links = &groups[g];
        let sub = net.part(links);
        let local = decompose::local_constraints(extra, links);
        solve_part(s, &sub, &one_thread, deadline, &local, goal, control)
    };
    let pool = crate::parallel::Pool::new(options.threads.max(1) as usize)?;
    pool.map(which, solve).into_iter().collect()
}

/// One network's MILP by period, searched by HiGHS until `deadline`.
fn solve_part(
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
    let model = PeriodModel::of(s, net, extra, goal);
    let highs = highs_options(options, deadline, n);
    let charges_count = goal == Goal::NetBenefit;
    let (plan, solved) = model.solve(s, net, &highs, control, charges_count)?;
    Ok(plan.unwrap_or_else(|| Solution::without_plan(solved.status, n)))
}
