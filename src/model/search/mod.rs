//! The search strategy: how a plan and a bound are found for a network within
//! its deadline. It calls only downward, into the formulation
//! ([`crate::model::formulation`]) and the HiGHS adapter; nothing below it
//! knows how a search goes.
//!
//! From the bottom up: [`greedy`] (a plan without a solver) and `fallback`
//! (the plan a time limit leaves: greedy or empty, under the bound that needs
//! no solve); `plain` (the model handed to HiGHS as it is); `cuts` (flow cover
//! and rounding cuts) and `lns` (neighbourhoods); [`reduce`] (the exact
//! reductions before a large MILP's search, using all of those); `part` (the
//! search of one network: reductions or plain, resumed, the glance); and
//! [`decompose`] (a network part by part under one deadline). With periods,
//! `periods` searches the parts, with `period_reduce` (the reductions by
//! period) and `period_lns` (neighbourhoods by period). [`solve`] is the one
//! entry: it honours every field of [`SolveOptions`].

mod cuts;
pub mod decompose;
pub(crate) mod fallback;
pub mod greedy;
mod lns;
mod part;
mod period_lns;
mod period_reduce;
mod periods;
pub(crate) mod plain;
mod plant_duals;
pub mod reduce;

pub use fallback::unsolved;
pub use part::{glance, resume};

use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::Goal;
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{FlowConstraint, Solution};
use crate::network::Network;

/// Solves the MILP of a network as `options` say: split into its independent
/// parts, solved side by side on `options.threads` threads with one HiGHS
/// thread each ([`decompose`], with `options.decompose`), or as one MILP with
/// `options.threads` HiGHS threads; reduced before the search as
/// `options.reduce` says ([`reduce`]), within `options.time_limit` seconds and
/// to `options.gap`. The optimum is the same whichever way.
pub fn solve(s: &Scenario, net: &Network, options: &SolveOptions) -> Result<Solution, Error> {
    solve_with(s, net, options, &[])
}

/// Like [`solve`], with extra constraints on the flows (link indices of `net`);
/// parts that an extra constraint touches are solved together.
pub fn solve_with(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
) -> Result<Solution, Error> {
    solve_controlled(s, net, options, extra, Control::default())
}

/// Like [`solve_with`], watched and stoppable through `control`: the observer
/// is told the best plan and bound known as the search goes (of a decomposed
/// solve, the parts' summed), and the stop flag ends the search with the best
/// plan known.
pub fn solve_controlled(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
    control: Control<'_>,
) -> Result<Solution, Error> {
    let deadline = Deadline::after(options.time_limit);
    solve_by(s, net, options, deadline, extra, control)
}

/// [`solve_controlled`] until `deadline` (`options.time_limit` is not looked
/// at: the caller made the deadline of it).
pub(crate) fn solve_by(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    control: Control<'_>,
) -> Result<Solution, Error> {
    if s.has_periods() {
        let goal = Goal::NetBenefit;
        let sol = periods::solve_by(s, net, options, deadline, extra, goal, control)?;
        return Ok(crate::model::solution::settled(sol, options.gap));
    }
    if options.decompose {
        decompose::solve_by(s, net, options, deadline, extra, control)
    } else {
        // HiGHS aims at a share of the gap, as each part's search does.
        let searched = decompose::part_gap(options);
        let goal = Goal::NetBenefit;
        let sol = part::solve_part(s, net, &searched, deadline, extra, goal, control)?;
        Ok(crate::model::solution::settled(sol, options.gap))
    }
}

/// Solves the parts `which` of `groups` (the parts of `net` that
/// [`decompose::parts`] gives for `extra`) until `deadline`, as a shard of a
/// solve does: by period for a scenario with periods, else
/// [`decompose::solve_groups`].
#[allow(clippy::too_many_arguments)]
pub fn solve_groups(
    s: &Scenario,
    net: &Network,
    groups: &[Vec<usize>],
    which: &[usize],
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    control: Control<'_>,
) -> Result<Vec<Solution>, Error> {
    if s.has_periods() {
        let goal = Goal::NetBenefit;
        return periods::solve_groups(
            s, net, groups, which, options, deadline, extra, goal, control,
        );
    }
    decompose::solve_groups(s, net, groups, which, options, deadline, extra, control)
}

/// Like [`solve_with`], maximising the CO2 avoided, Σ_l Δ_l x_l (t CO2e per
/// year), instead of the net benefit; the [`Solution::objective`] is then that
/// CO2 figure. Used for the far end of the Pareto front. With
/// `options.decompose`, the parts are solved one after the other, each until
/// the deadline, and merged.
pub fn solve_max_co2(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    extra: &[FlowConstraint],
) -> Result<Solution, Error> {
    let deadline = Deadline::after(options.time_limit);
    let goal = Goal::Co2Avoided;
    let control = Control::default();
    if s.has_periods() {
        return periods::solve_by(s, net, options, deadline, extra, goal, control);
    }
    let groups = decompose::parts(net, extra);
    if !options.decompose || groups.len() < 2 {
        return part::solve_part(s, net, options, deadline, extra, goal, control);
    }
    if decompose::asks_of_no_link(extra) {
        let status = crate::model::solution::Status::Infeasible;
        return Ok(Solution::without_plan(status, net.links.len()));
    }
    let one_thread = options.one_thread();
    let solutions = groups
        .iter()
        .map(|links| {
            let sub = net.part(links);
            let local = decompose::local_constraints(extra, links);
            part::solve_part(s, &sub, &one_thread, deadline, &local, goal, control)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(decompose::merge(net.links.len(), &groups, &solutions))
}
