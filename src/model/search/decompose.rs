//! Solving a network part by part.
//!
//! Every constraint of the MILP (`docs/formulation.md`) involves the links of one
//! output (supply), of one input (demand), of one input and one rule (share) or of
//! one link (linking, bounds). Links that share neither an output nor an input are
//! therefore in no common constraint, and the MILP splits into independent MILPs,
//! one per connected component of the output–input graph
//! ([`Network::independent_parts`]). The objective is a sum over links, so the
//! optimum of the whole is the sum of the optima of the parts.
//!
//! [`solve_groups`] solves the parts in parallel (one HiGHS thread each) and merges
//! their solutions into one [`Solution`] in the network's link order:
//!
//! - **flows, built**: each part's values at their links' places;
//! - **status**: the worst of the parts, in the order optimal < time limit <
//!   time limit without a solution < infeasible; without a plan (the last two)
//!   there is no objective, bound or gap, and every flow is zero, as in a single solve;
//! - **objective**: the sum of the parts' objectives;
//! - **best bound**: the sum of the parts' bounds (each bounds its part's
//!   optimum from above, so the sum bounds the whole); absent if one part has none;
//! - **gap**: the parts' absolute gaps (gap × |objective|) summed, over the
//!   |summed objective|: the relative gap |bound − objective| / |objective|
//!   (HiGHS's definition) of the whole, taken from the gaps HiGHS reports so that
//!   parts solved to a zero gap add no rounding noise; when the summed objective
//!   is 0, the largest gap of the parts. If every part stops within a relative
//!   gap `g` and the parts' objectives have one sign, the whole is within `g`.
//!
//! A time limit is one deadline for the whole solve. It is spent in a glance,
//! a quick pass, a first pass and rounds (the constants named are in
//! `model::tuning`):
//!
//! - **the glance** (at most `GLANCE_SHARE` of the limit): every part's plan and bound
//!   before any search ([`super::glance`]: the better of the greedy and the
//!   empty plan, under the LP relaxation's bound), smallest part first. A part
//!   whose plan is then within the gap asked is done; the others keep it as the
//!   plan and bound that a search must beat, and the observer sees the whole's
//!   gap from the first moments;
//! - **the quick pass** (at most `QUICK_PASS_SHARE` of the limit,
//!   `QUICK_PASS_SECONDS_PER_LINK` per link of the parts still open) gives
//!   every open part, the largest absolute gap first, the reductions' first
//!   plan and the bound of the LP with their cuts (`reduce::first_plan`, a
//!   fraction of a search's time), so that the whole's gap is that of the
//!   parts' first plans within moments rather than when the last part's turn
//!   comes; a part it closes is done, and the first pass resumes the others
//!   from these plans;
//! - **the first pass** searches every open part once, smallest first,
//!   resuming from its quick plan, for a time in proportion to the links
//!   (`FIRST_PASS_SECONDS_PER_LINK` whatever the threads, at least
//!   `MIN_ROUND`, ending by `FIRST_PASS_SHARE` of the limit at the latest), so
//!   that what a solve finds in its first minutes does not depend on how long
//!   the whole may take. Each open part gets a share of what is left of the
//!   pass in proportion to its size among the open parts not started yet, so a
//!   part that closes early hands its time to those after it;
//! - **rounds**, each twice as long as the one before (the last takes the rest
//!   and ends by the deadline), in which the parts still open are resumed from
//!   their plans ([`super::resume`]), largest absolute gap first, each with a
//!   share of the round in proportion to its absolute gap: time goes where the
//!   gap is. With more than one thread, a part with `ALONE_SHARE` of the round's summed gap
//!   or more is resumed first and alone, with every thread (its
//!   neighbourhoods, `search::lns`, use them), for its share.
//!
//! Without a time limit and with a gap above 0, the same searches go in
//! rounds of work instead of time, so that the plan is the same on every
//! machine: the first pass gives each part's searches `FIRST_PASS_NODES`
//! branch-and-bound nodes, and each round after it resumes the parts still
//! open with twice the nodes of the round before, until the parts together
//! are within the gap of their summed bound (then the whole is `optimal`, its
//! parts with it) or every part is. At a gap of 0 every part is searched
//! until it is proven, as one MILP would be.
//!
//! A part whose share is less than building its MILP takes is not searched, and
//! a part stopped before it found any plan is not left without one: either
//! keeps what the glance had, or else the better of the greedy plan and the
//! empty plan where that is feasible ([`super::unsolved`]), so a time-limited
//! solve always has a plan when one is known, with status `time_limit`, the sum
//! of the parts' bounds and the gap.

use std::collections::BTreeMap;
use std::sync::Mutex;

use petgraph::unionfind::UnionFind;

use super::fallback::{trivial_bound, unsolved};
use super::part::{first_plan, glance, resume_by, solve_part};
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::Goal;
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{better_of, settled, ByPeriod, FlowConstraint, Solution, Status};
use crate::model::tuning::{
    ALONE_SHARE, FIRST_PASS_NODES, FIRST_PASS_SECONDS_PER_LINK, FIRST_PASS_SHARE,
    FIRST_PLAN_SECONDS_PER_LINK, GLANCE_SECONDS_PER_LINK, GLANCE_SHARE, MIN_ROUND, PART_GAP_SHARE,
    QUICK_PASS_SECONDS_PER_LINK, QUICK_PASS_SHARE, SMALL_PART_WEIGHT,
};
use crate::network::Network;

/// Groups of links that no constraint couples, with the extra constraints taken
/// into account: parts that an extra constraint touches are joined into one.
/// Each group lists link indices in ascending order; groups are ordered by their
/// first link.
pub fn parts(net: &Network, extra: &[FlowConstraint]) -> Vec<Vec<usize>> {
    let mut parts = net.independent_parts();
    if extra.is_empty() || parts.len() < 2 {
        return parts;
    }
    let mut part_of = vec![usize::MAX; net.links.len()];
    for (p, links) in parts.iter().enumerate() {
        for &k in links {
            part_of[k] = p;
        }
    }
    // Union-find over the parts: an extra constraint joins every part it touches.
    let mut uf = UnionFind::<usize>::new(parts.len());
    for c in extra {
        let mut touched = c
            .coefficients
            .iter()
            .filter_map(|&(k, _)| part_of.get(k).copied());
        if let Some(first) = touched.next() {
            for p in touched {
                uf.union(first, p);
            }
        }
    }
    let mut joined: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (p, links) in parts.iter_mut().enumerate() {
        joined.entry(uf.find_mut(p)).or_default().append(links);
    }
    let mut out: Vec<Vec<usize>> = joined
        .into_values()
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// Solves the MILP of `net` part by part on `options.threads` threads, each
/// part with one HiGHS thread, until `deadline`, and merges the parts'
/// solutions (see the module doc); with a single part, that part's search
/// with one HiGHS thread. Parts that an extra constraint touches are solved
/// together. The observer is told the whole solve's best plan and bound (the
/// parts' incumbents, 0 for a part without one yet, and their bounds summed),
/// and the stop flag stops every part, each returning its best plan.
///
/// HiGHS is always given one thread here: its scheduler is kept per OS thread
/// and sized by its first run there, and solves side by side each have their
/// own.
pub(crate) fn solve_by(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    extra: &[FlowConstraint],
    control: Control<'_>,
) -> Result<Solution, Error> {
    let groups = parts(net, extra);
    if groups.len() < 2 && !by_nodes(deadline, options) {
        let goal = Goal::NetBenefit;
        let searched = part_gap(&options.one_thread());
        let sol = solve_part(s, net, &searched, deadline, extra, goal, control)?;
        return Ok(settled(sol, searched.gap));
    }
    if asks_of_no_link(extra) {
        return Ok(Solution::without_plan(Status::Infeasible, net.links.len()));
    }
    let all: Vec<usize> = (0..groups.len()).collect();
    let solutions = solve_groups(s, net, &groups, &all, options, deadline, extra, control)?;
    Ok(merge(net.links.len(), &groups, &solutions))
}

/// Solves the parts `which` (indices into `groups`, the parts of `net` that
/// [`parts`] gives for `extra`) on `options.threads` threads, one HiGHS thread
/// each, until `deadline`; their solutions come in the order of `which`, each
/// in its part's link order. [`super::solve`] solves every part this way; a
/// shard of a solve ([`crate::analysis::shards`]) solves its own.
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
    // Each part's search aims at a tighter gap than the whole's, so that a
    // part small enough is proven while the whole stops at the gap asked.
    let searched = part_gap(&options.one_thread());
    // A part is done within that tighter gap under a time limit (the time is
    // the caller's to spend); in rounds of nodes the whole decides, and a part
    // within the gap asked is done.
    let done_gap = match by_nodes(deadline, options) {
        true => options.gap,
        false => searched.gap,
    };
    let threads = options.threads.max(1) as usize;
    // The time the parts have in all: the glance's and the first pass's
    // shares are of it.
    let limit = deadline.remaining();
    let first_pass_end = match limit {
        Some(t) => deadline.within(t * FIRST_PASS_SHARE),
        None => Deadline::NONE,
    };
    // Small parts first: they tend to close early and hand their time on to the
    // large ones, which start last with the largest share of what is left.
    let mut order: Vec<usize> = which.to_vec();
    order.sort_by_key(|&g| (groups[g].len(), groups[g][0]));
    let pool = (threads > 1)
        .then(|| crate::parallel::Pool::new(threads))
        .transpose()?;
    let watch = Watch::new(s, net, groups, which, control);
    // Under a time limit, every part is first looked at: its plan and bound
    // before any search, for as many parts as the glance's share of the limit
    // covers, smallest first.
    let mut glances: BTreeMap<usize, Solution> = BTreeMap::new();
    if let Some(t) = limit {
        let until = deadline.within(t * GLANCE_SHARE);
        let glance_part = |&g: &usize| -> Result<Option<Solution>, Error> {
            let links = &groups[g];
            let cost = links.len() as f64 * GLANCE_SECONDS_PER_LINK;
            if control.stopped() || until.remaining().is_some_and(|left| cost > left) {
                return Ok(None);
            }
            let sub = net.part(links);
            let local = local_constraints(extra, links);
            let sol = glance(s, &sub, &local, done_gap)?;
            watch.part(g, sol.objective, sol.best_bound);
            Ok(Some(sol))
        };
        let seen = each(pool.as_ref(), &order, glance_part);
        for (&g, sol) in order.iter().zip(seen) {
            if let Some(sol) = sol? {
                glances.insert(g, sol);
            }
        }
    }
    // The quick pass: every open part's first plan and bound, the largest gap
    // first, so that the whole's gap is small within moments; the first pass
    // resumes from them.
    let mut quick: BTreeMap<usize, Solution> = BTreeMap::new();
    if let Some(t) = limit {
        let open_gap = |g: usize| match glances.get(&g) {
            Some(sol) => left_to_win(s, net, &groups[g], sol),
            None => f64::INFINITY,
        };
        let mut open: Vec<(usize, f64)> = order
            .iter()
            .filter(|&g| !glances.get(g).is_some_and(|k| k.status == Status::Optimal))
            .map(|&g| (g, open_gap(g)))
            .collect();
        open.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let links: usize = open.iter().map(|&(g, _)| groups[g].len()).sum();
        let until = deadline
            .within(t * QUICK_PASS_SHARE)
            .within(links as f64 * QUICK_PASS_SECONDS_PER_LINK);
        let weights = open
            .iter()
            .map(|&(g, _)| Budget::weight_of(groups[g].len()));
        let budget = Budget::new(until, weights, threads);
        let quick_part = |&(g, _): &(usize, f64)| -> Result<Option<Solution>, Error> {
            let links = &groups[g];
            let part_deadline = budget.share(Budget::weight_of(links.len()));
            if control.stopped() || too_short(part_deadline, links.len()) {
                return Ok(None);
            }
            let sub = net.part(links);
            let local = local_constraints(extra, links);
            let report =
                |objective: Option<f64>, bound: Option<f64>| watch.part(g, objective, bound);
            let part_control = Control {
                stop: control.stop,
                progress: control.progress.is_some().then_some(&report as _),
            };
            let sol = first_plan(s, &sub, &searched, part_deadline, &local, part_control)?;
            let sol = match glances.get(&g) {
                Some(known) => better_of(sol, known),
                None => sol,
            };
            watch.part(g, sol.objective, sol.best_bound);
            Ok(Some(settled(sol, done_gap)))
        };
        let found = each(pool.as_ref(), &open, quick_part);
        for (&(g, _), sol) in open.iter().zip(found) {
            if let Some(sol) = sol? {
                quick.insert(g, sol);
            }
        }
    }
    // What the glance and the quick pass know of a part: the search starts
    // from it, and a part they closed is done.
    let known = |g: usize| {
        let quick = quick.get(&g).filter(|q| q.status.has_plan());
        (quick, quick.or(glances.get(&g)))
    };
    let done = |g: usize| known(g).1.is_some_and(|k| k.status == Status::Optimal);
    // The first pass: a share of the limit (at most FIRST_PASS_SHARE of it) in
    // proportion to the links, so that the search of the first minutes does
    // not depend on how long the whole may take.
    let links: usize = which.iter().map(|&g| groups[g].len()).sum();
    let by_links = (links as f64 * FIRST_PASS_SECONDS_PER_LINK).max(MIN_ROUND);
    let nodes = by_nodes(deadline, options);
    let first_deadline = match limit {
        Some(_) => first_pass_end.within(by_links),
        None if nodes => Deadline::NONE.with_nodes(FIRST_PASS_NODES),
        None => Deadline::NONE,
    };
    let first_seconds = first_deadline.remaining();
    // The time is shared among the parts still open.
    let weights = which
        .iter()
        .filter(|&&g| !done(g))
        .map(|&g| Budget::weight_of(groups[g].len()));
    let budget = Budget::new(first_deadline, weights, threads);
    let solve_part = |&g: &usize| -> Result<Solution, Error> {
        let links = &groups[g];
        let (quick, known) = known(g);
        if let Some(known) = known.filter(|k| k.status == Status::Optimal) {
            return Ok(known.clone());
        }
        let sub = net.part(links);
        let local = local_constraints(extra, links);
        let part_deadline = budget.share(Budget::weight_of(links.len()));
        if too_short(part_deadline, links.len()) {
            // Not even the model could be built in the time: what the glance
            // knows (else the empty plan, if feasible), and the rounds if
            // time is left then.
            let sol = known.cloned().unwrap_or_else(|| unsolved(s, &sub, &local));
            watch.part(g, sol.objective, sol.best_bound);
            return Ok(sol);
        }
        let report = |objective: Option<f64>, bound: Option<f64>| watch.part(g, objective, bound);
        let part_control = Control {
            stop: control.stop,
            progress: control.progress.is_some().then_some(&report as _),
        };
        let sol = match quick {
            Some(quick) => resume_by(
                s,
                &sub,
                &searched,
                part_deadline,
                &local,
                quick,
                part_control,
            )?,
            None => {
                let goal = Goal::NetBenefit;
                let until = part_deadline;
                solve_part(s, &sub, &searched, until, &local, goal, part_control)?
            }
        };
        let sol = match known {
            Some(known) => better_of(sol, known),
            None => sol,
        };
        watch.part(g, sol.objective, sol.best_bound);
        Ok(settled(sol, done_gap))
    };
    let solved = each(pool.as_ref(), &order, solve_part);
    let mut solutions: BTreeMap<usize, Solution> = BTreeMap::new();
    for (&g, sol) in order.iter().zip(solved) {
        solutions.insert(g, sol?);
    }
    // Then rounds, each up to twice as long as the one before, in which the
    // parts still open are resumed where the gap is; the last ends by the
    // deadline.
    if nodes {
        node_rounds(
            s,
            net,
            groups,
            which,
            extra,
            options,
            pool.as_ref(),
            &watch,
            control,
            &mut solutions,
        )?;
    }
    if let (Some(_), Some(first)) = (limit, first_seconds) {
        let mut round = first;
        loop {
            let left = deadline.remaining().unwrap_or(0.0);
            if left < MIN_ROUND {
                break;
            }
            round = next_round(round, left);
            let until = deadline.within(round);
            let resumed = resume_round(
                s,
                net,
                groups,
                extra,
                options,
                until,
                pool.as_ref(),
                &watch,
                control,
                &mut solutions,
            )?;
            if !resumed || round >= left {
                break;
            }
        }
    }
    Ok(which.iter().filter_map(|g| solutions.remove(g)).collect())
}

/// Whether a solve until `deadline` goes in rounds of branch-and-bound
/// nodes: without a time limit and with a gap above 0 (at 0 every part is
/// searched until it is proven).
fn by_nodes(deadline: Deadline, options: &SolveOptions) -> bool {
    !deadline.is_set() && options.gap > 0.0
}

/// The rounds of a solve without a time limit (see the module doc): while
/// the parts `which` together are not within `options.gap` of their summed
/// bound, the parts still open are resumed from their plans, each search
/// with twice the nodes of the round before. When the whole is within the
/// gap, its open parts are `optimal` with it.
#[allow(clippy::too_many_arguments)]
fn node_rounds(
    s: &Scenario,
    net: &Network,
    groups: &[Vec<usize>],
    which: &[usize],
    extra: &[FlowConstraint],
    options: &SolveOptions,
    pool: Option<&crate::parallel::Pool>,
    watch: &Watch<'_>,
    control: Control<'_>,
    solutions: &mut BTreeMap<usize, Solution>,
) -> Result<(), Error> {
    let searched = part_gap(&options.one_thread());
    let mut nodes = FIRST_PASS_NODES;
    loop {
        let parts: Vec<&Solution> = which.iter().filter_map(|g| solutions.get(g)).collect();
        if whole_within(&parts, options.gap) {
            for g in which {
                if let Some(sol) = solutions.get_mut(g) {
                    if sol.status == Status::TimeLimit {
                        sol.status = Status::Optimal;
                    }
                }
            }
            return Ok(());
        }
        let open: Vec<usize> = which
            .iter()
            .copied()
            .filter(|g| {
                solutions.get(g).is_some_and(|sol| {
                    matches!(sol.status, Status::TimeLimit | Status::TimeLimitNoSolution)
                })
            })
            .collect();
        if open.is_empty() || control.stopped() {
            return Ok(());
        }
        nodes = nodes.saturating_mul(2);
        let until = Deadline::NONE.with_nodes(nodes);
        let resume = |&g: &usize| -> Result<(usize, Solution), Error> {
            let links = &groups[g];
            let sub = net.part(links);
            let local = local_constraints(extra, links);
            let earlier = &solutions[&g];
            let report =
                |objective: Option<f64>, bound: Option<f64>| watch.part(g, objective, bound);
            let part_control = Control {
                stop: control.stop,
                progress: control.progress.is_some().then_some(&report as _),
            };
            let sol = if earlier.status.has_plan() {
                resume_by(s, &sub, &searched, until, &local, earlier, part_control)?
            } else {
                let goal = Goal::NetBenefit;
                solve_part(s, &sub, &searched, until, &local, goal, part_control)?
            };
            watch.part(g, sol.objective, sol.best_bound);
            Ok((g, settled(sol, options.gap)))
        };
        for r in each(pool, &open, resume) {
            let (g, sol) = r?;
            solutions.insert(g, sol);
        }
    }
}

/// The options of a part's search: `options` with `PART_GAP_SHARE` of its
/// gap (whether the part, or the whole, is done is decided at the gap asked).
pub(crate) fn part_gap(options: &SolveOptions) -> SolveOptions {
    SolveOptions {
        gap: options.gap * PART_GAP_SHARE,
        ..*options
    }
}

/// Whether every part of `parts` has a plan and a bound and together they are
/// within `gap`: their summed bound less their summed net benefit at most
/// `gap` of the latter's size.
fn whole_within(parts: &[&Solution], gap: f64) -> bool {
    let (mut objective, mut bound) = (0.0, 0.0);
    for sol in parts {
        match (sol.status.has_plan(), sol.objective, sol.best_bound) {
            (true, Some(o), Some(b)) => {
                objective += o;
                bound += b;
            }
            _ => return false,
        }
    }
    bound - objective <= gap * objective.abs()
}

/// One round of [`solve_groups`], until `deadline` (the round's end): the parts
/// still open are resumed from their plans ([`super::resume`]), each with a
/// share of the round in proportion to its absolute gap, the largest gap
/// first. Whether any part was resumed.
#[allow(clippy::too_many_arguments)]
fn resume_round(
    s: &Scenario,
    net: &Network,
    groups: &[Vec<usize>],
    extra: &[FlowConstraint],
    options: &SolveOptions,
    deadline: Deadline,
    pool: Option<&crate::parallel::Pool>,
    watch: &Watch<'_>,
    control: Control<'_>,
    solutions: &mut BTreeMap<usize, Solution>,
) -> Result<bool, Error> {
    // The parts still open, by how much they have left to win.
    let mut pending: Vec<(usize, f64)> = solutions
        .iter()
        .filter(|(_, sol)| matches!(sol.status, Status::TimeLimit | Status::TimeLimitNoSolution))
        .map(|(&g, sol)| (g, left_to_win(s, net, &groups[g], sol)))
        .filter(|&(_, weight)| weight > 0.0)
        .collect();
    pending.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    if pending.is_empty() || control.stopped() {
        return Ok(false);
    }
    let threads = options.threads.max(1) as usize;
    let resume = |g: usize, opts: SolveOptions, until: Deadline| {
        let links = &groups[g];
        let sub = net.part(links);
        let local = local_constraints(extra, links);
        let earlier = &solutions[&g];
        if too_short(until, links.len()) {
            return Ok((g, earlier.clone()));
        }
        let report = |objective: Option<f64>, bound: Option<f64>| watch.part(g, objective, bound);
        let part_control = Control {
            stop: control.stop,
            progress: control.progress.is_some().then_some(&report as _),
        };
        let sol = if earlier.status.has_plan() {
            resume_by(s, &sub, &opts, until, &local, earlier, part_control)?
        } else {
            let goal = Goal::NetBenefit;
            solve_part(s, &sub, &opts, until, &local, goal, part_control)?
        };
        watch.part(g, sol.objective, sol.best_bound);
        Ok::<_, Error>((g, settled(sol, part_gap(options).gap)))
    };
    let mut resumed: Vec<Result<(usize, Solution), Error>> = Vec::new();
    // A part with most of the gap gets every thread, for its share of the
    // time, before the others: its search is the one that can use them.
    let total: f64 = pending.iter().map(|p| p.1).sum();
    if threads > 1 && pending[0].1 >= ALONE_SHARE * total {
        let (g, gap) = pending.remove(0);
        resumed.push(resume(g, part_gap(options), deadline.part(gap / total)));
    }
    let budget = Budget::new(deadline, pending.iter().map(|p| p.1), threads);
    let resume_part =
        |&(g, gap): &(usize, f64)| resume(g, part_gap(&options.one_thread()), budget.share(gap));
    resumed.extend(each(pool, &pending, resume_part));
    for r in resumed {
        let (g, sol) = r?;
        solutions.insert(g, sol);
    }
    Ok(true)
}

/// The length of the round after one of `round` seconds, with `left` seconds
/// left: twice as long, or all that is left when less would be left after it
/// than it lasts (a last round shorter than the one before it would be too
/// short to find what that one did not).
fn next_round(round: f64, left: f64) -> f64 {
    let next = (2.0 * round).max(MIN_ROUND);
    if left - next < next {
        left.max(0.0)
    } else {
        next
    }
}

/// `f` of every item, on `pool` when there is one (the one pool of a solve,
/// for its glance, its first pass and its rounds), else one after the other;
/// the results in the order of the items.
fn each<T: Sync, R: Send>(
    pool: Option<&crate::parallel::Pool>,
    items: &[T],
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    match pool {
        Some(pool) => pool.map(items, f),
        None => items.iter().map(f).collect(),
    }
}

/// How much an open part has left to win, which its share of a round of
/// [`resume_round`] is in proportion to: its bound less its plan's value, or,
/// without a plan, the bound that needs no solve. (A part the first pass could
/// not search has the glance's LP bound, [`super::glance`], where the glance
/// got to it.)
fn left_to_win(s: &Scenario, net: &Network, links: &[usize], sol: &Solution) -> f64 {
    match (sol.best_bound, sol.objective) {
        (Some(bound), Some(objective)) => (bound - objective).max(0.0),
        _ => trivial_bound(s, links.iter().map(|&k| &net.links[k]))
            .abs()
            .max(1.0),
    }
}

/// The progress of every part, summed for the caller's observer.
pub(super) struct Watch<'a> {
    observe: Option<&'a (dyn Fn(Option<f64>, Option<f64>) + Sync)>,
    /// (best plan, bound) of each part; a part not started has no plan and the
    /// bound that needs no solve.
    parts: Mutex<Vec<(Option<f64>, f64)>>,
}

impl<'a> Watch<'a> {
    /// The watch of the parts `which` of `groups`; the others count for nothing.
    fn new(
        s: &Scenario,
        net: &Network,
        groups: &[Vec<usize>],
        which: &[usize],
        control: Control<'a>,
    ) -> Watch<'a> {
        let parts = match control.progress {
            Some(_) => {
                let mut parts = vec![(Some(0.0), 0.0); groups.len()];
                for &g in which {
                    parts[g] = (
                        None,
                        trivial_bound(s, groups[g].iter().map(|&k| &net.links[k])),
                    );
                }
                parts
            }
            None => Vec::new(),
        };
        Watch {
            observe: control.progress,
            parts: Mutex::new(parts),
        }
    }

    /// The watch of the parts `which` of `groups` whose bounds are unknown
    /// until they report one (the whole's bound is then unknown too); the
    /// others count for nothing.
    pub(super) fn unbounded(groups: usize, which: &[usize], control: Control<'a>) -> Watch<'a> {
        let parts = match control.progress {
            Some(_) => {
                let mut parts = vec![(Some(0.0), 0.0); groups];
                for &g in which {
                    parts[g] = (None, f64::INFINITY);
                }
                parts
            }
            None => Vec::new(),
        };
        Watch {
            observe: control.progress,
            parts: Mutex::new(parts),
        }
    }

    /// Part `g` has a plan worth `objective` and a bound `bound` (either
    /// unknown); the part keeps the best plan and the lowest bound it was told.
    pub(super) fn part(&self, g: usize, objective: Option<f64>, bound: Option<f64>) {
        let Some(observe) = self.observe else { return };
        let (total, limit) = {
            let Ok(mut parts) = self.parts.lock() else {
                return;
            };
            // Every plan reported is feasible and every bound valid: the
            // best of each is kept.
            if let Some(o) = objective {
                parts[g].0 = Some(parts[g].0.map_or(o, |p| p.max(o)));
            }
            if let Some(b) = bound {
                parts[g].1 = parts[g].1.min(b);
            }
            let total: f64 = parts.iter().map(|p| p.0.unwrap_or(0.0)).sum();
            let limit: f64 = parts.iter().map(|p| p.1).sum();
            (total, limit)
        };
        observe(Some(total), limit.is_finite().then_some(limit));
    }
}

/// One deadline shared out among parts as they start, by weight: a part of
/// weight w gets what is left of the time × min(1, threads × w / the weight of
/// the parts not started yet, its own included). Time a part does not use goes to
/// the parts after it, and the last part ends by the deadline. The first pass of
/// [`solve_groups`] weighs a part by its links (plus [`SMALL_PART_WEIGHT`], so
/// that a tiny part still gets the moments it needs), the rounds by its
/// absolute gap.
struct Budget {
    deadline: Deadline,
    threads: usize,
    /// Weight of the parts not started yet.
    unstarted: Mutex<f64>,
}

/// Whether the time until `deadline` is too little to build the MILP of a part
/// of `links` links, let alone search it.
fn too_short(deadline: Deadline, links: usize) -> bool {
    deadline
        .left()
        .is_some_and(|t| t < links as f64 * FIRST_PLAN_SECONDS_PER_LINK)
}

impl Budget {
    /// The budget of parts of `weights` until `deadline`.
    fn new(deadline: Deadline, weights: impl Iterator<Item = f64>, threads: usize) -> Budget {
        Budget {
            deadline,
            threads: threads.max(1),
            unstarted: Mutex::new(weights.sum()),
        }
    }

    /// The first pass's weight of a part of `links` links.
    fn weight_of(links: usize) -> f64 {
        (links + SMALL_PART_WEIGHT) as f64
    }

    /// The deadline of a part of weight `weight` that starts now (none
    /// without a deadline).
    fn share(&self, weight: f64) -> Deadline {
        let unstarted = match self.unstarted.lock() {
            Ok(mut u) => {
                let before = *u;
                *u = (before - weight).max(0.0);
                before.max(weight)
            }
            Err(_) => weight,
        };
        let fraction = if unstarted > 0.0 {
            self.threads as f64 * weight / unstarted
        } else {
            1.0
        };
        self.deadline.part(fraction.min(1.0))
    }
}

/// Whether an extra constraint on no link at all asks for more than nothing:
/// it fails whatever the parts do.
pub(crate) fn asks_of_no_link(extra: &[FlowConstraint]) -> bool {
    extra
        .iter()
        .any(|c| c.coefficients.is_empty() && c.at_least > 0.0)
}

/// The extra constraints that touch a part, with link indices local to it.
pub(crate) fn local_constraints(extra: &[FlowConstraint], links: &[usize]) -> Vec<FlowConstraint> {
    extra
        .iter()
        .filter(|c| {
            c.coefficients
                .iter()
                .any(|(k, _)| links.binary_search(k).is_ok())
        })
        .map(|c| FlowConstraint {
            coefficients: c
                .coefficients
                .iter()
                .filter_map(|&(k, a)| links.binary_search(&k).ok().map(|j| (j, a)))
                .collect(),
            at_least: c.at_least,
        })
        .collect()
}

/// Severity of a status: the merged status is the most severe of the parts'.
fn severity(s: Status) -> u8 {
    match s {
        Status::Optimal => 0,
        Status::TimeLimit => 1,
        Status::TimeLimitNoSolution => 2,
        Status::Infeasible => 3,
    }
}

/// Merges the solutions of the parts `groups` (link indices of a network of `n`
/// links) into one solution in the network's link order (see the module doc).
pub fn merge(n: usize, groups: &[Vec<usize>], solutions: &[Solution]) -> Solution {
    let status = solutions
        .iter()
        .map(|s| s.status)
        .max_by_key(|&s| severity(s))
        .unwrap_or(Status::Optimal);
    if !status.has_plan() {
        return Solution::without_plan(status, n);
    }
    let mut flows = vec![0.0; n];
    let mut built = vec![false; n];
    for (links, sol) in groups.iter().zip(solutions) {
        for (j, &k) in links.iter().enumerate() {
            flows[k] = sol.flows[j];
            built[k] = sol.built[j];
        }
    }
    let objective: Option<f64> = solutions.iter().map(|s| s.objective).sum();
    let best_bound: Option<f64> = solutions.iter().map(|s| s.best_bound).sum();
    // The parts' absolute gaps, from the gaps HiGHS reports (a part it reports
    // without gap adds none, where bound − objective would add rounding noise);
    // a part without a relative gap (an empty plan of objective 0 that a time
    // limit left) adds bound − objective.
    let absolute: Option<f64> = solutions
        .iter()
        .map(|s| match (s.gap, s.objective) {
            (Some(g), Some(o)) => Some(g * o.abs()),
            (None, Some(o)) => Some((s.best_bound? - o).abs()),
            _ => None,
        })
        .sum();
    let gap = match (objective, absolute) {
        (Some(o), Some(d)) if o != 0.0 => Some(d / o.abs()),
        _ => solutions
            .iter()
            .filter_map(|s| s.gap)
            .fold(None, |m: Option<f64>, g| Some(m.map_or(g, |m| m.max(g)))),
    };
    Solution {
        status,
        objective,
        best_bound,
        gap,
        flows,
        built,
        by_period: merge_by_period(n, groups, solutions),
    }
}

/// The parts' flows by period in the network's link order, and their stores
/// by ascending store (a store works on one stream: it is in one part);
/// empty without periods.
fn merge_by_period(n: usize, groups: &[Vec<usize>], solutions: &[Solution]) -> ByPeriod {
    let periods = solutions
        .iter()
        .map(|s| s.by_period.periods)
        .max()
        .unwrap_or(0);
    if periods == 0 {
        return ByPeriod::default();
    }
    let mut flows = vec![0.0; n * periods];
    let mut stores = Vec::new();
    for (links, sol) in groups.iter().zip(solutions) {
        let part = &sol.by_period;
        if part.periods == periods {
            for (j, &k) in links.iter().enumerate() {
                flows[k * periods..(k + 1) * periods].copy_from_slice(part.flows_of(j));
            }
        }
        stores.extend(part.stores.iter().cloned());
    }
    stores.sort_by_key(|u| u.store);
    ByPeriod {
        periods,
        flows,
        stores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sol(status: Status, obj: Option<f64>, bound: Option<f64>, gap: Option<f64>) -> Solution {
        Solution {
            status,
            objective: obj,
            best_bound: bound,
            gap,
            flows: vec![1.0, 2.0],
            built: vec![true, false],
            by_period: crate::model::solution::ByPeriod::default(),
        }
    }

    #[test]
    fn the_whole_is_within_the_gap_by_its_sums() {
        let a = sol(Status::TimeLimit, Some(100.0), Some(103.0), Some(0.03));
        let b = sol(Status::Optimal, Some(900.0), Some(900.0), Some(0.0));
        // (1003 − 1000) / 1000 = 0.3 %.
        assert!(whole_within(&[&a, &b], 0.003));
        assert!(!whole_within(&[&a, &b], 0.002));
        // A part without a plan or a bound leaves the whole open.
        let none = sol(Status::TimeLimitNoSolution, None, None, None);
        assert!(!whole_within(&[&a, &b, &none], 0.5));
        let unbounded = sol(Status::TimeLimit, Some(1.0), None, None);
        assert!(!whole_within(&[&b, &unbounded], 0.5));
    }

    #[test]
    fn rounds_double_and_the_last_takes_the_rest() {
        // A 30 s limit at 1,000 sites: a first pass of 11.5 s, then the rest.
        assert_eq!(next_round(11.5, 18.0), 18.0);
        // 300 s: 23, 46 and 92 s, then the 127 s left.
        let mut left = 300.0 - 11.5;
        let mut round = 11.5;
        let mut rounds = Vec::new();
        while left > 0.0 {
            round = next_round(round, left);
            rounds.push(round);
            left -= round;
        }
        assert_eq!(rounds, vec![23.0, 46.0, 92.0, 127.5]);
        // A first pass of nothing still gives the rounds their least length.
        assert_eq!(next_round(0.0, 10.0), MIN_ROUND);
        assert_eq!(next_round(0.0, 0.7), 0.7);
        assert_eq!(next_round(5.0, -1.0), 0.0);
    }

    #[test]
    fn what_is_left_to_win_is_the_gap_or_without_a_plan_the_bound_that_needs_no_solve() {
        let (s, net) = crate::model::generated_region(150, 3);
        let parts = net.independent_parts();
        let links = parts.iter().max_by_key(|p| p.len()).unwrap();
        let kept = unsolved(&s, &net.part(links), &[]);
        let (bound, objective) = (kept.best_bound.unwrap(), kept.objective.unwrap());
        assert_eq!(left_to_win(&s, &net, links, &kept), bound - objective);
        let none = Solution {
            objective: None,
            best_bound: None,
            gap: None,
            ..kept
        };
        let trivial = trivial_bound(&s, links.iter().map(|&k| &net.links[k]));
        assert_eq!(left_to_win(&s, &net, links, &none), trivial.abs().max(1.0));
    }

    #[test]
    fn the_budget_shares_what_is_left_by_weight() {
        let deadline = Deadline::after(Some(100.0));
        let left = |d: Deadline| d.left().unwrap();
        let budget = Budget::new(deadline, [1.0, 3.0].into_iter(), 1);
        // A quarter of the time left to the first part, all that is left to the last.
        let first = left(budget.share(1.0));
        assert!(first <= 25.0 && first > 24.0, "{first}");
        let last = left(budget.share(3.0));
        assert!(last <= 100.0 && last > 99.0, "{last}");
        // Two threads: twice the fraction, at most all of it.
        let budget = Budget::new(deadline, [1.0, 1.0, 2.0].into_iter(), 2);
        let first = left(budget.share(1.0));
        assert!(first <= 50.0 && first > 49.0, "{first}");
        // No deadline, no limit; a weight of nothing left still gets the rest.
        let open = Budget::new(Deadline::NONE, [1.0].into_iter(), 1);
        assert_eq!(open.share(1.0), Deadline::NONE);
        let empty = Budget::new(deadline, std::iter::empty(), 1);
        assert!(left(empty.share(0.0)) > 99.0);
    }

    #[test]
    fn merge_places_values_and_sums_objectives() {
        let groups = vec![vec![0, 3], vec![1, 2]];
        let a = sol(Status::Optimal, Some(100.0), Some(101.0), Some(0.01));
        let b = sol(Status::TimeLimit, Some(300.0), Some(303.0), Some(0.01));
        let m = merge(4, &groups, &[a, b]);
        assert_eq!(m.status, Status::TimeLimit);
        assert_eq!(m.flows, vec![1.0, 1.0, 2.0, 2.0]);
        assert_eq!(m.built, vec![true, true, false, false]);
        assert_eq!(m.objective, Some(400.0));
        assert_eq!(m.best_bound, Some(404.0));
        // (404 − 400) / 400
        assert!((m.gap.unwrap() - 0.01).abs() < 1e-15);
    }

    #[test]
    fn a_part_without_plan_leaves_the_whole_without_plan() {
        let groups = vec![vec![0, 1], vec![2, 3]];
        let a = sol(Status::Optimal, Some(100.0), Some(100.0), Some(0.0));
        for worst in [Status::Infeasible, Status::TimeLimitNoSolution] {
            let b = sol(worst, None, None, None);
            let m = merge(4, &groups, &[a.clone(), b]);
            assert_eq!(m.status, worst);
            assert_eq!(m.objective, None);
            assert_eq!(m.best_bound, None);
            assert_eq!(m.flows, vec![0.0; 4]);
            assert_eq!(m.built, vec![false; 4]);
        }
        let b = sol(Status::TimeLimitNoSolution, None, None, None);
        let c = sol(Status::Infeasible, None, None, None);
        assert_eq!(
            merge(6, &[vec![0, 1], vec![2, 3], vec![4, 5]], &[a, b, c]).status,
            Status::Infeasible
        );
    }

    #[test]
    fn gaps_combine_as_absolute_gaps() {
        let groups = vec![vec![0, 1], vec![2, 3]];
        let a = sol(Status::Optimal, Some(0.0), Some(0.0), Some(0.0));
        let m = merge(4, &groups, &[a.clone(), a]);
        assert_eq!(m.gap, Some(0.0));
        // (0.002 × 5 + 0.001 × 7) / 12; no bound on one part, no bound on the whole.
        let a = sol(Status::Optimal, Some(5.0), None, Some(0.002));
        let b = sol(Status::Optimal, Some(7.0), Some(7.007), Some(0.001));
        let m = merge(4, &groups, &[a, b]);
        assert_eq!(m.best_bound, None);
        assert!((m.gap.unwrap() - 0.017 / 12.0).abs() < 1e-15);
        // Objectives summing to 0: the largest gap of the parts.
        let a = sol(Status::Optimal, Some(3.0), Some(3.3), Some(0.1));
        let b = sol(Status::Optimal, Some(-3.0), Some(-2.4), Some(0.2));
        assert_eq!(merge(4, &groups, &[a, b]).gap, Some(0.2));
    }
}
