//! The search of a scenario with periods: its network split into independent
//! parts as any network is ([`super::decompose::parts`]: a store works on one
//! stream, so it joins nothing), each part's MILP by period
//! ([`PeriodModel`]) handed to HiGHS as it is, side by side on
//! `options.threads` threads, and the parts' plans merged.
//!
//! The annual reductions, cuts, neighbourhoods and the glance price a link
//! by its annual margin and bound a part by its annual LP; with periods a
//! link's margin and room differ from period to period, so they are
//! switched off here, and a part without plants is reduced by period
//! ([`period_reduce`]) and its plan improved by neighbourhoods by period
//! ([`period_lns`]) instead (docs/formulation.md, "Periods and stores").

use super::{decompose, fallback, greedy, period_lns, period_reduce};
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{highs_options, idle_stores, Goal, PeriodModel};
use crate::model::options::{Control, Reduce, SolveOptions};
use crate::model::solution::{better_of, relative_gap, FlowConstraint, Solution, Status};
use crate::model::tuning::{
    MIP_ABS_GAP, NEIGHBOURHOOD_MIN_SECONDS, PERIOD_FIRST_LP_SHARE, PERIOD_FIRST_PASS_SHARE,
    PERIOD_LEAST_PART, PERIOD_LEAST_ROUND, PERIOD_LNS_SHARE, PERIOD_RELAX_SHARE,
    PERIOD_RETRY_SHARE, PERIOD_ROOT_BOUND_UP_TO, PERIOD_SEARCH_SHARE, PERIOD_START_SHARE,
    PERIOD_SUPPORT_SHARE, STALLED_GAP,
};
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
        let searched = solve_part(s, net, options, deadline, extra, goal, None, control)?;
        return Ok(searched.sol);
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
///
/// Without a time limit each part is searched to `options.gap`. Under one,
/// a first pass takes [`PERIOD_FIRST_PASS_SHARE`] of it: the parts smallest
/// first, each until its share of that pass's time left (its links over
/// those of the parts not yet started). Then rounds until the deadline: the
/// parts not yet within the gap, the ones to reduce again first, then the
/// largest absolute gap first, are resumed from their plans, each for its
/// share of the gaps still waiting in the round (at least
/// [`PERIOD_LEAST_PART`]).
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
    let threads = options.threads.max(1) as usize;
    let mut order: Vec<usize> = which.to_vec();
    order.sort_by_key(|&g| (groups[g].len(), groups[g].first().copied()));
    let first_pass = match deadline.remaining() {
        Some(t) => deadline.within(t * PERIOD_FIRST_PASS_SHARE),
        None => deadline,
    };
    let waiting = std::sync::Mutex::new(order.iter().map(|&g| groups[g].len()).sum::<usize>());
    let pool = crate::parallel::Pool::new(threads)?;
    let watch = decompose::Watch::unbounded(groups.len(), which, control);
    let search = |g: usize, until: Deadline, start: Option<&Searched>| {
        let links = &groups[g];
        let sub = net.part(links);
        let local = decompose::local_constraints(extra, links);
        let report = |objective: Option<f64>, bound: Option<f64>| watch.part(g, objective, bound);
        let part_control = Control {
            stop: control.stop,
            progress: control.progress.is_some().then_some(&report as _),
        };
        let found = solve_part(
            s,
            &sub,
            &one_thread,
            until,
            &local,
            goal,
            start,
            part_control,
        )?;
        watch.part(g, found.sol.objective, found.sol.best_bound);
        Ok::<_, Error>(found)
    };
    let mut parts: Vec<Searched> = pool
        .map(&order, |&g| {
            // Its share of the pass's time left: its links over the links
            // waiting, as many parts at once as there are threads.
            let share = {
                let mut left = waiting.lock().unwrap_or_else(|e| e.into_inner());
                let links = groups[g].len();
                let share = (threads * links) as f64 / (*left).max(1) as f64;
                *left = left.saturating_sub(links);
                share.min(1.0)
            };
            // At least a least time, that a small part gets its bound.
            let until = first_pass.part(share);
            let until = match until.remaining() {
                Some(t) if t < PERIOD_LEAST_PART => deadline.within(PERIOD_LEAST_PART),
                _ => until,
            };
            search(g, until, None)
        })
        .into_iter()
        .collect::<Result<_, _>>()?;
    if deadline.is_set() {
        loop {
            let left = deadline.remaining().unwrap_or(0.0);
            let open = open_parts(&parts, options.gap);
            if left < PERIOD_LEAST_ROUND || open.is_empty() || within(&parts, options.gap) {
                break;
            }
            // Every open part, the ones to reduce again first (before a
            // large part takes the round), then the largest absolute gap
            // first, each for its share of the gaps still waiting.
            let mut round: Vec<usize> = open.iter().map(|&(j, _)| j).collect();
            round.sort_by_key(|&j| !parts[j].retry);
            let waiting = std::sync::Mutex::new(open.iter().map(|&(_, gap)| gap).sum::<f64>());
            let resumed: Vec<Searched> = pool
                .map(&round, |&j| {
                    let gap = open.iter().find(|&&(i, _)| i == j).map_or(0.0, |o| o.1);
                    let share = {
                        let mut left = waiting.lock().unwrap_or_else(|e| e.into_inner());
                        let share = threads as f64 * gap / left.max(f64::MIN_POSITIVE);
                        *left = (*left - gap).max(0.0);
                        // A part to reduce again has only the bound that
                        // needs no solve: its gap says nothing of its need.
                        match parts[j].retry {
                            true => share.min(PERIOD_RETRY_SHARE),
                            false => share.min(1.0),
                        }
                    };
                    let until = deadline.part(share);
                    let until = match until.remaining() {
                        Some(t) if t < PERIOD_LEAST_PART => deadline.within(PERIOD_LEAST_PART),
                        _ => until,
                    };
                    search(order[j], until, Some(&parts[j]))
                })
                .into_iter()
                .collect::<Result<_, _>>()?;
            for (j, later) in round.into_iter().zip(resumed) {
                let earlier = &parts[j];
                let sol = better_of(later.sol.clone(), &earlier.sol);
                let improved = later.sol.objective > earlier.sol.objective;
                // What the reductions learnt holds whichever plan is kept.
                let reduced = later.reduced.clone().or_else(|| earlier.reduced.clone());
                let retry = later.retry && reduced.is_none();
                parts[j] = if improved {
                    Searched {
                        sol,
                        reduced,
                        retry,
                        ..later
                    }
                } else {
                    Searched {
                        sol,
                        reduced,
                        retry,
                        ..earlier.clone()
                    }
                };
            }
        }
    }
    // Back in the order of `which`.
    let mut by_group: std::collections::HashMap<usize, Solution> = order
        .into_iter()
        .zip(parts)
        .map(|(g, searched)| (g, searched.sol))
        .collect();
    Ok(which
        .iter()
        .map(|g| {
            by_group
                .remove(g)
                .unwrap_or_else(|| Solution::without_links(true))
        })
        .collect())
}

/// A part's solution with the column values of its plan (a start for a
/// later search of the same model).
#[derive(Clone)]
struct Searched {
    sol: Solution,
    values: Option<Vec<f64>>,
    /// What the reductions by period left of the part, when they ran.
    reduced: Option<Reduced>,
    /// Whether the part is to be reduced again in a round: the time ran out
    /// before its relaxation, and it holds the plan that moves nothing.
    retry: bool,
}

impl Searched {
    /// A plan alone: no column values kept, nothing reduced, no retry.
    fn plan(sol: Solution) -> Searched {
        Searched {
            sol,
            values: None,
            reduced: None,
            retry: false,
        }
    }
}

/// What the reductions by period of a part left: the links searched and
/// the bound of the links dropped.
#[derive(Debug, Clone)]
struct Reduced {
    /// The links held, ascending.
    kept: Vec<usize>,
    /// The relaxation: `L(π)` bounds every plan of the part.
    relaxed: period_reduce::Relaxed,
    /// No plan with a dropped link is worth more: the net benefit of the
    /// first plan the links were fixed against, or the highest bound of
    /// the links a search too large for its time left out.
    floor: f64,
}

/// Whether a plan with relative gap `gap` (none: no bound) is far enough
/// from its bound for neighbourhoods ([`STALLED_GAP`]).
fn stalled(gap: Option<f64>) -> bool {
    gap.map_or(true, |g| g >= STALLED_GAP)
}

/// Whether a plan worth `objective` (none: no plan) is [`STALLED_GAP`] or
/// more under `bound`, relative to its net benefit (at least 1).
fn stalled_under(bound: f64, objective: Option<f64>) -> bool {
    let value = objective.unwrap_or(f64::NEG_INFINITY);
    bound - value > STALLED_GAP * value.abs().max(1.0)
}

/// The parts (by index) with a plan and a bound not yet within `gap`, with
/// their absolute gaps, the largest first.
fn open_parts(parts: &[Searched], gap: f64) -> Vec<(usize, f64)> {
    let mut open: Vec<(usize, f64)> = parts
        .iter()
        .enumerate()
        .filter_map(|(j, p)| {
            let (o, b) = (p.sol.objective?, p.sol.best_bound?);
            let absolute = b - o;
            let resumable = p.values.is_some() || p.reduced.is_some() || p.retry;
            (resumable && absolute > gap * o.abs() + MIP_ABS_GAP).then_some((j, absolute))
        })
        .collect();
    open.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    open
}

/// Whether the parts together are within `gap`: their summed bound less
/// their summed plans at most `gap` of the latter.
fn within(parts: &[Searched], gap: f64) -> bool {
    let (mut objective, mut bound) = (0.0, 0.0);
    for p in parts {
        match (p.sol.objective, p.sol.best_bound) {
            (Some(o), Some(b)) => {
                objective += o;
                bound += b;
            }
            _ => return false,
        }
    }
    bound - objective <= gap * objective.abs() + MIP_ABS_GAP
}

/// One network's MILP by period, searched by HiGHS until `deadline` from
/// `earlier` (an earlier search of it) or else from a first plan when one
/// is known; the better of the two. A net-benefit part without plants and
/// rows of its own is reduced first when `options.reduce` says so
/// ([`period_reduce`]): the search holds the links left.
#[allow(clippy::too_many_arguments)]
fn solve_part(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    goal: Goal,
    earlier: Option<&Searched>,
    control: Control<'_>,
) -> Result<Searched, Error> {
    let n = net.links.len();
    if n == 0 {
        let feasible = extra.iter().all(|c| c.at_least <= 0.0);
        let sol = Solution::without_links(feasible);
        return Ok(Searched::plan(sol));
    }
    let reducible = goal == Goal::NetBenefit
        && extra.is_empty()
        && (options.reduce.applies(n) || (options.reduce == Reduce::Auto && deadline.is_set()))
        && period_reduce::applies(s, net);
    if let Some(
        e @ Searched {
            reduced: Some(_), ..
        },
    ) = earlier
    {
        // Resumed: reduced again, from its plan.
        return Ok(solve_reduced(s, net, options, deadline, control, Some(e))?
            .unwrap_or_else(|| e.clone()));
    }
    if reducible && earlier.map_or(true, |e| e.retry) {
        if let Some(found) = solve_reduced(s, net, options, deadline, control, earlier)? {
            return Ok(found);
        }
        if deadline.is_set() {
            // No time for its relaxation: the plan that moves nothing, or
            // the earlier one, and another try in a round (a search of
            // the whole would not do better in that time).
            let trivial = PeriodModel::of(s, net, &[], goal).trivial_bound();
            let sol = match earlier {
                Some(e) => Some(e.sol.clone()),
                None => idle_plan(s, net, trivial),
            };
            if let Some(sol) = sol {
                return Ok(Searched {
                    sol,
                    values: None,
                    reduced: None,
                    retry: true,
                });
            }
        }
    }
    let start = earlier.and_then(|e| e.values.as_deref());
    let first = match start.is_none() && goal == Goal::NetBenefit && extra.is_empty() {
        true => first_plan(s, net, options, deadline)?,
        false => None,
    };
    let model = PeriodModel::of(s, net, extra, goal);
    let highs = highs_options(options, deadline, n);
    let charges_count = goal == Goal::NetBenefit;
    let start = start.or(first.as_ref().map(|(values, _)| values.as_slice()));
    let trivial = model.trivial_bound();
    let (plan, solved) = match model.solve(s, net, &highs, start, control, charges_count) {
        Ok(found) => found,
        // The solver failed on the whole (out of memory, say): the first
        // plan is what is known, under the bound that needs no solve.
        Err(e) => {
            let Some((values, mut plan)) = first else {
                return Err(e);
            };
            let objective = plan.objective.unwrap_or(0.0);
            plan.status = Status::TimeLimit;
            plan.best_bound = Some(trivial.max(objective));
            plan.gap = relative_gap(trivial.max(objective), objective);
            return Ok(Searched {
                sol: plan,
                values: Some(values),
                reduced: None,
                retry: false,
            });
        }
    };
    let plan = plan.map(|mut plan| {
        if plan.best_bound.is_none() {
            // Stopped before HiGHS had a bound: the bound that needs no solve.
            let objective = plan.objective.unwrap_or(0.0);
            plan.best_bound = Some(trivial.max(objective));
            plan.gap = relative_gap(trivial.max(objective), objective);
        }
        plan
    });
    Ok(match (plan, first) {
        (Some(plan), Some((values, first))) => {
            let better = plan.objective >= first.objective;
            let sol = better_of(plan, &first);
            let values = if better { solved.values } else { values };
            Searched {
                sol,
                values: Some(values),
                reduced: None,
                retry: false,
            }
        }
        (Some(sol), None) => Searched {
            sol,
            values: Some(solved.values),
            reduced: None,
            retry: false,
        },
        (None, Some((values, mut first))) => {
            // The search found nothing better: the first plan, under the
            // search's bound, or the bound that needs no solve.
            first.status = Status::TimeLimit;
            let b = solved.bound.filter(|b| b.is_finite()).unwrap_or(trivial);
            let objective = first.objective.unwrap_or(0.0);
            first.best_bound = Some(b.max(objective));
            first.gap = relative_gap(b.max(objective), objective);
            Searched {
                sol: first,
                values: Some(values),
                reduced: None,
                retry: false,
            }
        }
        (None, None) => Searched {
            sol: idle_plan(s, net, trivial)
                .filter(|_| solved.status == Status::TimeLimitNoSolution && extra.is_empty())
                .unwrap_or_else(|| Solution::without_plan(solved.status, n)),
            values: None,
            reduced: None,
            retry: false,
        },
    })
}

/// A part reduced by period ([`period_reduce`]): its LP relaxation by
/// column generation and the Lagrangian bound `L(π)` in a share of the
/// time ([`PERIOD_RELAX_SHARE`]), a first plan (the better of the annual
/// greedy plan's links with their flows by period searched, and the MILP of
/// the links the relaxation uses searched from it), the links no better
/// plan builds dropped, and the MILP of the links left searched from the
/// first plan. `earlier`, a reduced search of the part, is resumed: its
/// plan is the first plan, its relaxation kept when it was whole. `None`
/// when the relaxation or a first plan is not found in time.
fn solve_reduced(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    control: Control<'_>,
    earlier: Option<&Searched>,
) -> Result<Option<Searched>, Error> {
    let n = net.links.len();
    let known = earlier.and_then(|e| e.reduced.as_ref());
    let relaxed = match known {
        Some(r) if r.relaxed.whole => r.relaxed.clone(),
        _ => {
            // Its first LP may take most of the time: without it there is
            // nothing to fix links by.
            let fresh = period_reduce::relaxation(
                s,
                net,
                deadline.part(PERIOD_RELAX_SHARE),
                deadline.part(PERIOD_FIRST_LP_SHARE),
                known.map(|r| r.relaxed.active.as_slice()),
            )?;
            match (fresh, known) {
                (Some(fresh), Some(r)) => fresh.tightened(&r.relaxed),
                (Some(fresh), None) => fresh,
                (None, Some(r)) => r.relaxed.clone(),
                (None, None) => return Ok(None),
            }
        }
    };
    let earlier_plan = earlier
        .map(|e| e.sol.clone())
        .filter(|p| p.status.has_plan());
    let first = match earlier_plan {
        Some(plan) if known.is_some_and(|r| r.relaxed.whole) => plan,
        earlier_plan => {
            let until = deadline.part(PERIOD_START_SHARE);
            let highs = highs_options(options, until, n);
            let Some(greedy) = period_reduce::greedy_plan(s, net, &highs)? else {
                return Ok(None);
            };
            let start = match earlier_plan {
                Some(plan) if plan.objective > greedy.objective => plan,
                _ => greedy,
            };
            // The links the relaxation uses, searched from the better,
            // unless it is close to its bound already.
            if !stalled_under(relaxed.bound, start.objective) {
                start
            } else {
                let until = deadline.part(PERIOD_SUPPORT_SHARE);
                let highs = highs_options(options, until, n);
                match period_reduce::support_plan(s, net, &relaxed, &start, &highs)? {
                    Some(plan) if plan.objective > start.objective => plan,
                    _ => start,
                }
            }
        }
    };
    let floor = first.objective.unwrap_or(f64::NEG_INFINITY);
    control.tell(Some(floor), Some(relaxed.bound.max(floor)));
    let mut keep = period_reduce::anchors(s, net);
    for (k, &b) in first.built.iter().enumerate() {
        keep[k] |= b;
    }
    let kept = period_reduce::kept_links(&relaxed, floor, &keep);
    let mut first = first;
    if kept.is_empty() {
        // No link is in a better plan: the first plan (it builds nothing)
        // is optimal.
        first.status = Status::Optimal;
        first.best_bound = Some(floor);
        first.gap = Some(0.0);
        return Ok(Some(Searched::plan(first)));
    }
    // A search of more links than the time left allows holds the best.
    let cap = period_reduce::search_cap(deadline.remaining(), s.periods.len());
    let (kept, out) = period_reduce::best_kept(&relaxed, kept, &keep, cap);
    let reduced = Reduced {
        kept,
        relaxed,
        floor: floor.max(out),
    };
    let close = !stalled_under(reduced.relaxed.bound, first.objective);
    if deadline.is_set() && earlier.is_none() && close {
        // A first look whose first plan is already close to its bound: the
        // rounds come back to it by its gap, after the parts further off.
        first.status = Status::TimeLimit;
        first.best_bound = Some(reduced.relaxed.bound.max(floor));
        first.gap = relative_gap(reduced.relaxed.bound.max(floor), floor);
        return Ok(Some(Searched {
            sol: first,
            values: None,
            reduced: Some(reduced),
            retry: false,
        }));
    }
    let sub = net.part(&reduced.kept);
    let model = PeriodModel::of(s, &sub, &[], Goal::NetBenefit);
    let start = model.values_of(s, &period_reduce::narrow(&first, &reduced.kept));
    // The search's bound is of the links it holds: the part's is capped by
    // L(π) and at least what a plan with a link left out may be worth.
    let (whole, floor_out) = (reduced.relaxed.bound, reduced.floor);
    let report = |objective: Option<f64>, bound: Option<f64>| {
        control.tell(objective, bound.map(|b| whole.min(b.max(floor_out))));
    };
    let searching = Control {
        stop: control.stop,
        progress: control.progress.is_some().then_some(&report as _),
    };
    // Neighbourhoods where HiGHS's search stalls: after a share of its
    // search the first time; when resumed from a plan still far from its
    // bound, first, then HiGHS's search from their plan (whose root cuts
    // bound the part below L(π)).
    let neighbourhoods = deadline.is_set() && period_lns::pays(reduced.kept.len());
    let resumed = known.is_some();
    let used = {
        let mut used = vec![false; n];
        for &k in &reduced.relaxed.used {
            used[k] = true;
        }
        let used: Vec<bool> = reduced.kept.iter().map(|&k| used[k]).collect();
        used
    };
    let improve = |model: &PeriodModel, plan: &Solution, until: Deadline| {
        period_lns::improve(s, &sub, model, plan, &used, options, until, searching)
    };
    let mut better = None;
    if neighbourhoods && resumed && stalled(earlier.and_then(|e| e.sol.gap)) {
        let plan = period_reduce::narrow(&first, &reduced.kept);
        // HiGHS's root for its bound only where it is small enough: on
        // the largest searches it takes gigabytes.
        let share = match reduced.kept.len() <= PERIOD_ROOT_BOUND_UP_TO {
            true => PERIOD_LNS_SHARE,
            false => 1.0,
        };
        better = improve(&model, &plan, deadline.part(share))?;
    }
    let start = match &better {
        Some(plan) => model.values_of(s, plan),
        None => start,
    };
    let until = match neighbourhoods && !resumed {
        true => deadline.part(PERIOD_SEARCH_SHARE),
        false => deadline,
    };
    let found = match (deadline.remaining(), better) {
        // The neighbourhoods took the time: their plan.
        (Some(left), Some(sol)) if left < NEIGHBOURHOOD_MIN_SECONDS => Searched::plan(sol),
        // A search that fails (out of memory, say) leaves the first plan,
        // or the neighbourhoods'.
        (_, better) => {
            let found =
                search(s, &sub, model, options, until, &start, searching).unwrap_or_else(|_| {
                    Searched::plan(Solution::without_plan(
                        Status::TimeLimitNoSolution,
                        sub.links.len(),
                    ))
                });
            match better {
                Some(plan)
                    if !found.sol.status.has_plan() || plan.objective > found.sol.objective =>
                {
                    let sol = Solution {
                        best_bound: found.sol.best_bound,
                        ..plan
                    };
                    Searched::plan(sol)
                }
                _ => found,
            }
        }
    };
    let after = neighbourhoods && !resumed && found.sol.status.has_plan();
    let found = match after && stalled(found.sol.gap) {
        true => {
            let model = PeriodModel::of(s, &sub, &[], Goal::NetBenefit);
            match improve(&model, &found.sol, deadline)? {
                Some(sol) => Searched::plan(sol),
                None => found,
            }
        }
        false => found,
    };
    first.status = Status::TimeLimit;
    Ok(Some(widen(found, reduced, n, &first)))
}

/// What a search of a reduced part's model found ([`search`]): its plan (or
/// `earlier`, a plan of the part, when better or when the search found
/// none) spread over the part's `n` links, under the bound of the part.
fn widen(found: Searched, reduced: Reduced, n: usize, earlier: &Solution) -> Searched {
    let sol = found.sol;
    let sol = period_reduce::spread(sol, &reduced.kept, n);
    let sol = match sol.objective >= earlier.objective && sol.status.has_plan() {
        true => sol,
        false => {
            let mut e = earlier.clone();
            e.best_bound = sol.best_bound;
            e
        }
    };
    let mut sol = sol;
    if let Some(objective) = sol.objective {
        // Plans with a dropped link are worth at most the first plan's.
        let whole = reduced.relaxed.bound;
        let searched = sol.best_bound.unwrap_or(whole).max(reduced.floor);
        let bound = whole.min(searched).max(objective);
        sol.best_bound = Some(bound);
        sol.gap = relative_gap(bound, objective);
    }
    Searched {
        sol,
        values: None,
        reduced: Some(reduced),
        retry: false,
    }
}

/// `model`, the MILP by period of `net` (a reduced part's links), searched
/// from `start`, its column values of a plan; the search's plan, or none.
fn search(
    s: &Scenario,
    net: &Network,
    model: PeriodModel,
    options: &SolveOptions,
    deadline: Deadline,
    start: &[f64],
    control: Control<'_>,
) -> Result<Searched, Error> {
    let highs = highs_options(options, deadline, net.links.len());
    let trivial = model.trivial_bound();
    let (plan, solved) = model.solve(s, net, &highs, Some(start), control, true)?;
    let sol = match plan {
        Some(mut plan) => {
            if plan.best_bound.is_none() {
                let objective = plan.objective.unwrap_or(0.0);
                plan.best_bound = Some(trivial.max(objective));
            }
            plan
        }
        None => {
            let mut none = Solution::without_plan(solved.status, net.links.len());
            none.best_bound = solved.bound.filter(|b| b.is_finite());
            none
        }
    };
    let values = sol.status.has_plan().then_some(solved.values);
    Ok(Searched {
        sol,
        values,
        reduced: None,
        retry: false,
    })
}

/// The plan that moves nothing, by period ([`fallback::empty_plan`]: the
/// links that must be built, empty, the plants that must open at their
/// cheapest size; the existing stores empty), under `bound`: what a time
/// limit leaves a part whose search found no plan. `None` where it is not
/// a plan (recorded flows, a plant group that asks plants open).
pub(super) fn idle_plan(s: &Scenario, net: &Network, bound: f64) -> Option<Solution> {
    let mut plan = fallback::empty_plan(s, net, &[], Some(bound))?;
    let (stores, charges) = idle_stores(s, net);
    let objective = plan.objective.unwrap_or(0.0) - charges;
    let bound = bound.max(objective);
    plan.objective = Some(objective);
    plan.best_bound = Some(bound);
    plan.gap = relative_gap(bound, objective);
    plan.by_period = crate::model::solution::ByPeriod {
        periods: s.periods.len(),
        flows: vec![0.0; net.links.len() * s.periods.len()],
        stores,
    };
    Some(plan)
}

/// A first plan of a part by period, in a share of its time
/// ([`PERIOD_START_SHARE`]): the links the annual greedy plan builds
/// ([`greedy::plan`], none for a part with plants), fixed, with each
/// period's flows, the plants and the stores searched for them
/// ([`PeriodModel::plan_building`]); its column values with it.
fn first_plan(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
) -> Result<Option<(Vec<f64>, Solution)>, Error> {
    let model = PeriodModel::of(s, net, &[], Goal::NetBenefit);
    let built = greedy::plan(s, net).map_or_else(|| vec![false; net.links.len()], |p| p.built);
    let until = deadline.part(PERIOD_START_SHARE);
    let highs = highs_options(options, until, net.links.len());
    let first = model.plan_building(s, net, &built, &highs)?;
    // Its bound is of the links it builds, not of the part.
    Ok(first.map(|(values, mut plan)| {
        plan.status = Status::TimeLimit;
        plan.best_bound = None;
        plan.gap = None;
        (values, plan)
    }))
}

#[cfg(test)]
mod tests {
    use super::idle_plan;

    /// The plan that moves nothing pays only what must be paid: nothing for
    /// the two-season case with its candidate pit, the pit's fixed cost when
    /// it exists; its flows by period are zero and the existing pit empty.
    #[test]
    fn the_idle_plan_pays_what_must_be_paid() {
        let text = include_str!("../../../tests/data/seasons.toml");
        let path = std::path::Path::new("seasons.toml");
        for (status, charge) in [("candidate", 0.0), ("existing", 500.0)] {
            let text = text.replace(
                "capex = 20000.0\nlifetime_years = 10.0\n",
                &format!("status = \"{status}\"\nfixed_cost_per_year = {charge}\n"),
            );
            let s = crate::scenario::read_str(path, &text).expect("valid");
            let net = crate::network::build(&s).expect("builds");
            let plan = idle_plan(&s, &net, 1e6).expect("an idle plan");
            assert_eq!(plan.objective, Some(-charge));
            assert_eq!(plan.best_bound, Some(1e6));
            assert_eq!(plan.by_period.flows, vec![0.0; 2 * net.links.len()]);
            let pit = &plan.by_period.stores[0];
            assert_eq!(pit.built, status == "existing");
            assert_eq!(pit.level, vec![0.0, 0.0]);
        }
    }
}
