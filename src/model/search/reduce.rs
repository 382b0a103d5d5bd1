//! Exact reductions of a MILP before its search, and a first plan handed to it.
//!
//! [`solve`] solves the net-benefit MILP of a network (one part, usually) in six
//! steps, none of which can change the optimum:
//!
//! 1. **Dominated links** are dropped. A link `l` is dominated by a link `m` of
//!    the same output, input and rule when `m` displaces as much per unit,
//!    earns at least as much per unit, costs at most as much a year (or is built
//!    anyway), and can carry all that the pair can (its bound is set by supply,
//!    demand or share, not by its own capacity): moving `l`'s flow onto `m` keeps
//!    every constraint and loses nothing. Of equal links the first is kept.
//! 2. **The LP relaxation** is solved (the flows alone, each paying its charge
//!    per unit of its bound, `v_l − F_l/U_l`), which gives duals `π ≥ 0` on the
//!    supply, demand and share rows. Of a large network it is solved by column
//!    generation: over a few links per stream first, then with the links whose
//!    reduced cost pays priced in, until none does ([`relaxation_bound`]).
//! 3. **A first plan**: the MILP restricted to the links the relaxation uses (and
//!    the mandatory ones) is solved with part of the time. Its plan is feasible
//!    for the whole; the better of it and the greedy plan ([`super::greedy`])
//!    is the first plan.
//! 4. **Reduced-cost fixing**: with the duals, the Lagrangian relaxation
//!    `L(π) = Σ π·rhs + Σ_l h_l(π)` bounds every plan from above, and
//!    `L(π) − h_l(π) + (max(g_l, 0) U_l − F_l)` bounds every plan that builds
//!    link `l` (`g_l` the link's margin less the duals it meets, `h_l` its best
//!    term). A link whose bound is below the first plan's net benefit cannot be in
//!    a better plan and is dropped.
//! 5. **Cuts** (`search::cuts`: flow cover and mixed-integer rounding) on the
//!    supply, demand and share rows of the links left, found from the
//!    relaxation's flows on, are added to their MILP. The optimum `C` of the
//!    last LP relaxation with them bounds every plan of the links left.
//! 6. **Neighbourhoods** (`search::lns`): on a network of at least
//!    `tuning::LNS_FROM_LINKS` links left, or of more than one
//!    neighbourhood's links when the search is resumed from a plan at least
//!    `tuning::STALLED_GAP` from its bound, most of the time goes to improving the
//!    first plan by small MILPs, each freeing the links near one output or
//!    input. The MILP of the links left is then solved with the (improved)
//!    first plan as its starting incumbent.
//!
//! The result is the better of the first plan and the last solve; its bound is
//! the smaller of `L(π)`, `max(C, first plan's value, out)` and the largest of
//! the last solve's bound, the first plan's value and `out`: a plan with a
//! dropped link is worth less than the first plan, and one with a link left out
//! of a search of only the links of the highest bounds at most `out`, the
//! highest bound of those left out. So the bound stays valid for the whole
//! network. The bound `L(π)` is computed here from the duals, not taken from
//! the solver: it holds for any `π ≥ 0`, so rounding in the duals weakens it
//! but never makes it wrong.
//!
//! The observer ([`Control`]) hears of the first plan with `L(π)` as soon as
//! step 3 has it, and again with the bound of the cuts after step 5, not only
//! when the last search first calls back. [`first_plan`] stops there: steps 1
//! to 5 (with most of the time for step 3's MILP), the first plan and the
//! bound `max(C, first plan's value, out)` capped at `L(π)`.

use std::collections::BTreeMap;

use super::plain::solve_plain;
use super::plant_duals::{self, at_mandatory_plant, at_plant_input, PlantDuals, PlantTerm};
use super::{cuts, greedy, lns};
use crate::domain::{InputId, OutputId, RuleId, Scenario};
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{self, RowKey, Rows, Vars};
use crate::model::highs;
use crate::model::milp::{Milp, Sense};
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{relative_gap, tidy_gap, Solution, Status};
use crate::model::tuning::{
    COLUMNS_PER_STREAM, CUTS_ONLY_SHARE, CUT_SHARE, FIRST_PLAN_ONLY_SHARE,
    FIRST_PLAN_SECONDS_PER_LINK, FIRST_PLAN_SHARE, FIXING_TOLERANCE, LEAST_LIMIT, LNS_SHARE,
    PRICING_FROM_LINKS, PRICING_TOLERANCE, RELAXATION_SHARE, SEARCH_ALL_LINKS_UP_TO,
    SEARCH_SECONDS_PER_LINK, USED_FLOW,
};
use crate::network::{CandidateLink, Network};

/// Whether a solve of `links` links until `deadline` has the time the
/// reductions need (always, without a deadline).
pub(crate) fn has_time(deadline: Deadline, links: usize) -> bool {
    deadline
        .left()
        .map_or(true, |t| t >= links as f64 * FIRST_PLAN_SECONDS_PER_LINK)
}

/// What the reductions kept of a network and learnt on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Reduction {
    /// Links of the network not dominated by another (step 1).
    pub undominated: usize,
    /// Links left after reduced-cost fixing (step 4), when it ran.
    pub after_fixing: Option<usize>,
    /// The LP relaxation's optimum (net benefit), when it was solved.
    pub relaxation: Option<f64>,
    /// The Lagrangian bound `L(π)` of its duals (equal to the relaxation's
    /// optimum up to rounding).
    pub bound: Option<f64>,
    /// The net benefit of the first plan, when one was found.
    pub first_plan: Option<f64>,
    /// Cuts (flow cover and mixed-integer rounding) added to the search's
    /// MILP (step 5).
    pub cuts: usize,
}

/// Solves the net-benefit MILP of `net` with the reductions of the module doc
/// within `options.time_limit` seconds; the solution is in `net`'s link order,
/// as [`super::solve`]'s, and the [`Reduction`] says what each step did.
/// `earlier`, a plan of `net` from an earlier search, is a first plan too: the
/// better of it and step 3's is the one links are fixed against and the
/// search starts from.
pub fn solve(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    earlier: Option<&Solution>,
    control: Control<'_>,
) -> Result<(Solution, Reduction), Error> {
    let deadline = Deadline::after(options.time_limit);
    solve_by(s, net, options, deadline, earlier, control)
}

/// [`solve`] until `deadline`.
pub(crate) fn solve_by(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    earlier: Option<&Solution>,
    control: Control<'_>,
) -> Result<(Solution, Reduction), Error> {
    solve_within(
        s,
        net,
        options,
        deadline,
        earlier,
        control,
        search_cap,
        Depth::Search,
    )
}

/// The first plan of the reductions within `options.time_limit` seconds
/// (steps 1 to 5 of the module doc, without the neighbourhoods and the
/// search): the best of step 3's plan and the greedy one, with the bound of
/// the LP with the cuts and status `time_limit`, in `net`'s link order. It
/// takes a fraction of what a search does, so that a solve of many parts
/// knows a plan and a bound of every large part early ([`super::decompose`]).
pub fn first_plan(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let deadline = Deadline::after(options.time_limit);
    first_plan_by(s, net, options, deadline, control)
}

/// [`first_plan`] until `deadline`.
pub(crate) fn first_plan_by(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    control: Control<'_>,
) -> Result<Solution, Error> {
    let depth = Depth::FirstPlan;
    Ok(solve_within(s, net, options, deadline, None, control, search_cap, depth)?.0)
}

/// How far [`solve_within`] goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Depth {
    /// Every step, the search included.
    Search,
    /// Up to the cuts: the first plan and the bound of the LP with the cuts.
    FirstPlan,
}

/// The most links the search after fixing holds with `time_left` seconds
/// (`None`: no time limit, every link left).
fn search_cap(time_left: Option<f64>) -> Option<usize> {
    time_left.map(|t| SEARCH_ALL_LINKS_UP_TO.max((t / SEARCH_SECONDS_PER_LINK) as usize))
}

/// How many links the search after fixing may hold with the time then left.
type Cap = fn(Option<f64>) -> Option<usize>;

/// [`solve`], with `cap` saying how many links the search after fixing may
/// hold with the time then left, as far as `depth`.
#[allow(clippy::too_many_arguments)]
fn solve_within(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    deadline: Deadline,
    earlier: Option<&Solution>,
    control: Control<'_>,
    cap: Cap,
    depth: Depth,
) -> Result<(Solution, Reduction), Error> {
    let (plan_share, cut_share) = match depth {
        Depth::Search => (FIRST_PLAN_SHARE, CUT_SHARE),
        Depth::FirstPlan => (FIRST_PLAN_ONLY_SHARE, CUTS_ONLY_SHARE),
    };
    let n = net.links.len();
    let earlier =
        earlier.filter(|e| e.status.has_plan() && e.objective.is_some() && e.built.len() == n);
    // The links of the earlier plan stay (dropping only some dominated links is
    // as exact as dropping them all), so that the plan is one of the network left.
    let undominated: Vec<usize> = {
        let mut keep = vec![false; n];
        for k in undominated(s, net) {
            keep[k] = true;
        }
        if let Some(e) = earlier {
            for (k, &b) in e.built.iter().enumerate() {
                keep[k] |= b;
            }
        }
        (0..n).filter(|&k| keep[k]).collect()
    };
    let mut reduction = Reduction {
        undominated: undominated.len(),
        after_fixing: None,
        relaxation: None,
        bound: None,
        first_plan: None,
        cuts: 0,
    };
    let sub = net.part(&undominated);
    let widen = |sol: Solution, kept: &[usize]| spread(sol, kept, n);

    let Some(relaxed) = relaxation(s, &sub, deadline.part(RELAXATION_SHARE), Pricing::Auto)? else {
        // Infeasible (a recorded quantity that cannot fit), or out of time: the
        // MILP of the undominated links says which.
        let start = earlier.map(|e| narrow(e, &undominated));
        let sol = solve_plain(s, &sub, options, deadline, &[], start.as_ref(), control)?;
        return Ok((widen(sol, &undominated), reduction));
    };
    let bound = relaxed.bound;
    reduction.bound = Some(bound);
    reduction.relaxation = Some(relaxed.value);

    // Step 3: the first plan, on the links the relaxation uses.
    // The links every network searched keeps: those built anyway, and those
    // of a plant that must open (so that its charge is in every plan).
    let stays: Vec<bool> = sub
        .links
        .iter()
        .map(|l| l.is_mandatory() || at_mandatory_plant(s, l))
        .collect();
    let used: Vec<usize> = (0..sub.links.len())
        .filter(|&k| relaxed.flows[k] > USED_FLOW || stays[k])
        .collect();
    let restricted = sub.part(&used);
    let report_first = |objective: Option<f64>, _: Option<f64>| {
        if let Some(observe) = control.progress {
            observe(objective, Some(bound));
        }
    };
    let first_control = Control {
        stop: control.stop,
        progress: control.progress.is_some().then_some(&report_first as _),
    };
    let first_deadline = deadline.part(plan_share);
    let found = solve_plain(
        s,
        &restricted,
        options,
        first_deadline,
        &[],
        None,
        first_control,
    )?;
    let found = found
        .status
        .has_plan()
        .then(|| spread(found, &used, sub.links.len()));
    // The best of that plan, the earlier one and the greedy one.
    let first = [
        found,
        earlier.map(|e| narrow(e, &undominated)),
        greedy::plan(s, &sub),
    ]
    .into_iter()
    .flatten()
    .filter(|f| f.objective.is_some())
    .reduce(|best, f| {
        if f.objective > best.objective {
            f
        } else {
            best
        }
    });
    let Some((first, first_value)) = first.and_then(|f| f.objective.map(|v| (f, v))) else {
        let sol = solve_plain(s, &sub, options, deadline, &[], None, control)?;
        return Ok((widen(sol, &undominated), reduction));
    };
    reduction.first_plan = Some(first_value);
    // The observer hears of the first plan now, not when the search after the
    // cuts first calls back (HiGHS does not report the start it is given).
    control.tell(Some(first_value), Some(bound));

    // Step 4: reduced-cost fixing against the first plan, then the search.
    let threshold = first_value - FIXING_TOLERANCE * first_value.abs().max(1.0);
    // A plant that no better plan opens carries nothing in one: its links go.
    let closed = relaxed.closed_plants(s, threshold);
    let kept: Vec<usize> = (0..sub.links.len())
        .filter(|&k| {
            let l = &sub.links[k];
            let shut = plant_duals::plants_of(s, l)
                .into_iter()
                .flatten()
                .any(|p| closed[p.0]);
            stays[k] || first.built[k] || (!shut && relaxed.bound_with(k, l) >= threshold)
        })
        .collect();
    reduction.after_fixing = Some(kept.len());
    // A search of every link left pays only when HiGHS can get through its
    // model in the time left. Otherwise the links with the highest bounds (the
    // mandatory ones and the first plan's among them) are searched: its plan
    // is feasible for the whole. A plan with a link left out is worth at most
    // that link's bound, so the highest of those, `outside`, and the search's
    // bound together bound the whole.
    let cap = cap(deadline.remaining());
    let restricted = cap.is_some_and(|c| kept.len() > c);
    let (kept, outside) = match cap {
        Some(cap) if restricted => best_links(
            kept.iter().map(|&k| {
                let l = &sub.links[k];
                (k, stays[k] || first.built[k], relaxed.bound_with(k, l))
            }),
            cap,
        ),
        _ => (kept, f64::NEG_INFINITY),
    };
    let last_net = sub.part(&kept);
    let start = narrow(&first, &kept);
    // Step 5: cuts, from the relaxation's flows on.
    let flows: Vec<f64> = kept.iter().map(|&k| relaxed.flows[k]).collect();
    let (cuts, cut_lp) = cuts::rounds(s, &last_net, &flows, deadline.part(cut_share))?;
    reduction.cuts = cuts.len();
    // With the cuts' bound (the search's network), the first plan (the links
    // fixed) and `outside` (the links left out), a bound of the whole.
    let with_cuts =
        |first_value: f64| cut_lp.map_or(bound, |c| c.max(first_value).max(outside).min(bound));
    control.tell(Some(first_value), Some(with_cuts(first_value)));
    if depth == Depth::FirstPlan {
        // The plan proves its own value: rounding never puts the bound below it.
        let best_bound = with_cuts(first_value).max(first_value);
        let status = Status::TimeLimit;
        let gap = relative_gap(best_bound, first_value);
        let sol = Solution {
            status,
            objective: Some(first_value),
            best_bound: Some(best_bound),
            gap: tidy_gap(gap, status),
            ..first
        };
        return Ok((widen(sol, &undominated), reduction));
    }
    // Step 6: a better first plan by neighbourhoods, where HiGHS alone is slow.
    let lns_pays = deadline.is_set() && lns::pays(kept.len(), earlier.and_then(|e| e.gap));
    let (first, first_value, start) = match lns_pays {
        true => {
            let lns_deadline = deadline.part(LNS_SHARE);
            match lns::improve(
                s,
                &last_net,
                &cuts,
                &start,
                &flows,
                options,
                lns_deadline,
                first_control,
            )? {
                Some(better) => {
                    let value = better.objective.unwrap_or(first_value);
                    (
                        spread(better.clone(), &kept, sub.links.len()),
                        value,
                        better,
                    )
                }
                None => (first, first_value, start),
            }
        }
        false => (first, first_value, start),
    };
    // The LP with the cuts bounds the search's network; with a plan worth
    // `first_value` of the whole and `outside` for the links left out of the
    // search, the largest of the three bounds the whole.
    let whole = |b: f64| b.max(first_value).max(outside).min(bound);
    let limit = with_cuts(first_value);
    control.tell(Some(first_value), Some(limit));
    let whole_bound = |b: Option<f64>| b.map(|b| whole(b).min(limit));
    let report_last = |objective: Option<f64>, b: Option<f64>| {
        if let Some(observe) = control.progress {
            observe(
                objective.map(|o| o.max(first_value)).or(Some(first_value)),
                whole_bound(b).or(Some(limit)),
            );
        }
    };
    let last_control = Control {
        stop: control.stop,
        progress: control.progress.is_some().then_some(&report_last as _),
    };
    let last = solve_plain(
        s,
        &last_net,
        options,
        deadline,
        &cuts,
        Some(&start),
        last_control,
    )?;
    let last = spread(last, &kept, sub.links.len());
    let better = match last.objective.filter(|_| last.status.has_plan()) {
        Some(o) if o >= first_value => last.clone(),
        _ => first,
    };
    let objective = better.objective.unwrap_or(first_value);
    let status = match last.status {
        Status::Optimal if outside <= objective => Status::Optimal,
        _ => Status::TimeLimit,
    };
    // The plan proves its own value: solver tolerances never put the bound
    // below it.
    let best_bound = whole_bound(last.best_bound)
        .or(Some(limit))
        .map(|b| b.max(objective));
    let gap = best_bound.and_then(|b| relative_gap(b, objective));
    let gap = tidy_gap(gap, status);
    let sol = Solution {
        status,
        objective: Some(objective),
        best_bound,
        gap,
        ..better
    };
    Ok((widen(sol, &undominated), reduction))
}

/// The links a restricted search holds, in ascending order: of `links` (index,
/// whether it must stay, bound with it), every one that must stay and, of all,
/// the `cap` with the highest bounds (the ones that must stay first, ties by
/// index); and the highest bound of the links left out (−∞ if none is).
fn best_links(links: impl Iterator<Item = (usize, bool, f64)>, cap: usize) -> (Vec<usize>, f64) {
    let mut ranked: Vec<(usize, bool, f64)> = links.collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut chosen = Vec::with_capacity(cap.min(ranked.len()));
    let mut outside = f64::NEG_INFINITY;
    for (j, &(k, sure, bound)) in ranked.iter().enumerate() {
        if sure || j < cap {
            chosen.push(k);
        } else {
            outside = outside.max(bound);
        }
    }
    chosen.sort_unstable();
    (chosen, outside)
}

/// A solution of the network of the links `kept` (indices into a network of `n`
/// links) spread over that network: the links left out carry nothing.
fn spread(sol: Solution, kept: &[usize], n: usize) -> Solution {
    if !sol.status.has_plan() {
        return Solution::without_plan(sol.status, n);
    }
    let mut flows = vec![0.0; n];
    let mut built = vec![false; n];
    for (j, &k) in kept.iter().enumerate() {
        flows[k] = sol.flows[j];
        built[k] = sol.built[j];
    }
    Solution {
        flows,
        built,
        ..sol
    }
}

/// A solution of a network restricted to the links `kept` (indices into it, each
/// of them a link the solution may build).
fn narrow(sol: &Solution, kept: &[usize]) -> Solution {
    Solution {
        flows: kept.iter().map(|&k| sol.flows[k]).collect(),
        built: kept.iter().map(|&k| sol.built[k]).collect(),
        ..sol.clone()
    }
}

/// The links of `net` that no other link dominates (step 1 of the module doc),
/// in ascending order.
pub(crate) fn undominated(s: &Scenario, net: &Network) -> Vec<usize> {
    let p = &s.parameters;
    let margin = |l: &CandidateLink| l.margin_per_unit(p.carbon_price, p.energy_price);
    let mut groups: BTreeMap<(OutputId, InputId, RuleId), Vec<usize>> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        groups
            .entry((l.output, l.input, l.rule))
            .or_default()
            .push(k);
    }
    let mut dominated = vec![false; net.links.len()];
    for links in groups.values().filter(|g| g.len() > 1) {
        for &k in links {
            let l = &net.links[k];
            if l.is_mandatory() || l.recorded_quantity.is_some() {
                continue;
            }
            dominated[k] = links.iter().any(|&j| {
                let m = &net.links[j];
                j != k
                    && m.recorded_quantity.is_none()
                    && m.displaced_per_unit == l.displaced_per_unit
                    && m.upper_bound >= l.upper_bound
                    && m.capacity.map_or(true, |c| m.upper_bound < c)
                    && margin(m) >= margin(l)
                    && (m.is_mandatory() || m.fixed_charge_per_year() <= l.fixed_charge_per_year())
                    && (m.is_mandatory()
                        || margin(m) > margin(l)
                        || m.fixed_charge_per_year() < l.fixed_charge_per_year()
                        || m.upper_bound > l.upper_bound
                        || j < k)
            });
        }
    }
    (0..net.links.len()).filter(|&k| !dominated[k]).collect()
}

/// The LP relaxation's flows and the Lagrangian bounds its duals give.
struct Relaxed {
    /// The relaxation's optimum: the LP's objective and the mandatory links'
    /// charges, which it leaves out as constants.
    value: f64,
    /// The relaxation's flow per link.
    flows: Vec<f64>,
    /// `L(π)`.
    bound: f64,
    /// `g_l`: per link, its margin less the duals of the rows it is in.
    reduced: Vec<f64>,
    /// `h_l(π)`: per link, its term of `L(π)`.
    term: Vec<f64>,
    /// `H_p(π)`: per plant the links reach, its term of `L(π)`.
    plants: Vec<PlantTerm>,
}

impl Relaxed {
    /// Per plant of the scenario, whether no plan worth `threshold` or more
    /// opens it: `L(π) − H_p + (its best term open)` is below (never one that
    /// must open).
    fn closed_plants(&self, s: &Scenario, threshold: f64) -> Vec<bool> {
        let mut closed = vec![false; s.plants.len()];
        for p in &self.plants {
            closed[p.plant.0] = !p.mandatory && self.bound - p.term + p.open < threshold;
        }
        closed
    }

    /// The bound on every plan that builds link `k` (step 4 of the module doc).
    fn bound_with(&self, k: usize, l: &CandidateLink) -> f64 {
        self.bound - self.term[k] + self.reduced[k].max(0.0) * l.upper_bound.max(0.0)
            - l.fixed_charge_per_year()
    }
}

/// How the LP relaxation is given its links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pricing {
    /// Column generation from `tuning::PRICING_FROM_LINKS` links on, every
    /// link at once below (what [`solve`] does).
    Auto,
    /// Every link at once.
    AllLinks,
    /// Column generation, whatever the size.
    Generated,
}

/// The LP relaxation of the net-benefit MILP of `net` (step 2 of the module
/// doc) with its links given as `pricing` says: its optimum and the Lagrangian
/// bound `L(π)` of its duals, which covers every link of `net`; `None` when the
/// LP has no optimum. For checks and measurements: both are the same, up to
/// rounding, whatever the pricing.
pub fn relaxation_bound(
    s: &Scenario,
    net: &Network,
    pricing: Pricing,
) -> Result<Option<(f64, f64)>, Error> {
    Ok(relaxation(s, net, Deadline::NONE, pricing)?.map(|r| (r.value, r.bound)))
}

/// The duals of the relaxation's rows, by stream: 0 for a row the LP did not
/// have (a row without a link of the LP is slack).
struct Duals {
    /// The plant and group rows' duals.
    plants: PlantDuals,
    /// `π_o` per output, by scenario index.
    supply: Vec<f64>,
    /// `μ_i` per input, by scenario index.
    demand: Vec<f64>,
    /// `ν_ir` per input and rule under a share.
    share: BTreeMap<(InputId, RuleId), f64>,
}

impl Duals {
    /// Every dual 0 (an LP without rows) of a network of `links` links.
    fn none(s: &Scenario, links: usize) -> Duals {
        Duals {
            plants: PlantDuals::none(s, links),
            supply: vec![0.0; s.outputs.len()],
            demand: vec![0.0; s.inputs.len()],
            share: BTreeMap::new(),
        }
    }

    /// Σ π·rhs: what the right-hand sides of the supply, demand and share
    /// rows are worth at these duals (the first term of `L(π)`).
    fn rhs_value(&self, s: &Scenario) -> f64 {
        let supply: f64 = self
            .supply
            .iter()
            .zip(&s.outputs)
            .map(|(pi, o)| pi * o.quantity)
            .sum();
        let demand: f64 = self
            .demand
            .iter()
            .zip(&s.inputs)
            .map(|(pi, i)| pi * i.quantity)
            .sum();
        let share: f64 = self
            .share
            .iter()
            .map(|((i, r), pi)| pi * s.rules[r.0].max_share * s.inputs[i.0].quantity)
            .sum();
        supply + demand + share + self.plants.constant()
    }

    /// What a unit of link `k`'s flow pays the rows it is in:
    /// `π_o + ρ_l α_l (μ_i + ν_ir)`, and the plants' rows.
    fn charge(&self, k: usize, l: &CandidateLink) -> f64 {
        let share = self.share.get(&(l.input, l.rule)).copied().unwrap_or(0.0);
        self.supply[l.output.0]
            + l.displaced_per_unit * (self.demand[l.input.0] + share)
            + self.plants.charge(k, l)
    }
}

/// The optimum of the LP relaxation over the links `active` of `net`: its
/// objective, the flow of each of those links, and the duals, each read from
/// its row by name ([`Rows`]).
fn restricted_lp(
    s: &Scenario,
    net: &Network,
    active: &[usize],
    per_unit: &dyn Fn(&CandidateLink) -> f64,
    deadline: Deadline,
) -> Result<Option<(f64, Vec<f64>, Duals)>, Error> {
    let sub = net.part(active);
    let mut milp = Milp::new(Sense::Maximise);
    let x: Vec<_> = sub
        .links
        .iter()
        .map(|l| formulation::flow_column(l, &mut milp))
        .collect();
    for (l, &c) in sub.links.iter().zip(&x) {
        milp.add_cost(c, per_unit(l));
    }
    let mut vars = Vars {
        x,
        y: Vec::new(),
        plants: Vec::new(),
    };
    // The plants the links reach, their sizes continuous.
    vars.plants = formulation::define_plant_variables(s, &sub, &mut milp);
    formulation::plant_benefit(s, &vars, &mut milp);
    milp.integer.fill(false);
    let mut rows = Rows::default();
    formulation::supply_constraints(s, &sub, &vars, &mut milp, &mut rows);
    formulation::demand_constraints(s, &sub, &vars, &mut milp, &mut rows);
    formulation::plant_constraints(s, &sub, &vars, &mut milp, &mut rows);
    let Some(lp) = highs::solve_lp(milp, deadline.left())? else {
        return Ok(None);
    };
    let mut duals = Duals::none(s, net.links.len());
    duals.plants = PlantDuals::read(s, net, &rows, &lp, active);
    for (key, row) in rows.nodes() {
        let dual = lp.dual(row).max(0.0);
        match key {
            RowKey::Supply(o) => duals.supply[o.0] = dual,
            RowKey::Demand(i) => duals.demand[i.0] = dual,
            RowKey::Share(i, rule) => {
                duals.share.insert((i, rule), dual);
            }
            RowKey::Linking(_)
            | RowKey::Flow(_)
            | RowKey::Cut(_)
            | RowKey::Plant(..)
            | RowKey::Group(_) => {}
        }
    }
    let flows = vars.x.iter().map(|&c| lp.value(c)).collect();
    Ok(Some((lp.objective, flows, duals)))
}

/// The first links of column generation: the `forced` ones (mandatory,
/// recorded), and of the others (`candidates`) the best few of each output
/// and of each input by margin per unit.
fn first_columns(
    net: &Network,
    candidates: &[usize],
    per_unit: &dyn Fn(&CandidateLink) -> f64,
    forced: &dyn Fn(&CandidateLink) -> bool,
) -> Vec<usize> {
    let mut chosen = vec![false; net.links.len()];
    let mut by_output: BTreeMap<OutputId, Vec<usize>> = BTreeMap::new();
    let mut by_input: BTreeMap<InputId, Vec<usize>> = BTreeMap::new();
    for &k in candidates {
        let l = &net.links[k];
        if forced(l) {
            chosen[k] = true;
        } else {
            by_output.entry(l.output).or_default().push(k);
            by_input.entry(l.input).or_default().push(k);
        }
    }
    let value = |k: usize| per_unit(&net.links[k]);
    for links in by_output.values_mut().chain(by_input.values_mut()) {
        links.sort_by(|&a, &b| value(b).total_cmp(&value(a)).then(a.cmp(&b)));
        for &k in links.iter().take(COLUMNS_PER_STREAM) {
            chosen[k] = true;
        }
    }
    (0..net.links.len()).filter(|&k| chosen[k]).collect()
}

/// Solves the LP relaxation of the net-benefit MILP of `net` and computes the
/// Lagrangian bounds of its duals; `None` when the LP has no optimum (it is
/// infeasible, or the time ran out before the first LP was solved).
///
/// Links that earn nothing per unit once their charge is spread over their
/// bound (and are not built anyway) are left out of the LP: at any duals ≥ 0
/// their reduced cost is ≤ 0, so the LP optimum is the same. Of large networks
/// the LP is solved over a few links per stream first; the links whose reduced
/// cost then pays are priced in, the best few of each output per round, until
/// none pays. The duals of the last LP price every link of the network, so the
/// bound `L(π)` covers every candidate even when the time ends the rounds early.
fn relaxation(
    s: &Scenario,
    net: &Network,
    deadline: Deadline,
    pricing: Pricing,
) -> Result<Option<Relaxed>, Error> {
    // A recorded quantity above its link's capacity makes the MILP infeasible;
    // the relaxation below has no capacity rows, so it is left to the MILP.
    if net
        .links
        .iter()
        .any(|l| matches!((l.recorded_quantity, l.capacity), (Some(q), Some(c)) if q > c))
    {
        return Ok(None);
    }
    let p = &s.parameters;
    let margin = |l: &CandidateLink| l.margin_per_unit(p.carbon_price, p.energy_price);
    let per_unit = |l: &CandidateLink| {
        if l.is_mandatory() || l.upper_bound <= 0.0 {
            margin(l)
        } else {
            margin(l) - l.fixed_charge_per_year() / l.upper_bound
        }
    };
    // Links built anyway, recorded flows, and the links of plants that must
    // open (so that the LP has each such plant and its charge).
    let forced = |l: &CandidateLink| {
        l.is_mandatory() || l.recorded_quantity.is_some() || at_mandatory_plant(s, l)
    };
    // A link into a plant may pay through the plant's balance dual, which can
    // be negative (what the plant makes of a unit is worth more than the
    // unit's own margin).
    let candidates: Vec<usize> = (0..net.links.len())
        .filter(|&k| {
            let l = &net.links[k];
            forced(l) || per_unit(l) > 0.0 || at_plant_input(s, l.input)
        })
        .collect();
    let generated = match pricing {
        Pricing::Auto => candidates.len() >= PRICING_FROM_LINKS,
        Pricing::AllLinks => false,
        Pricing::Generated => true,
    };
    let mut active = if generated {
        first_columns(net, &candidates, &per_unit, &forced)
    } else {
        candidates.clone()
    };
    let mut is_active = vec![false; net.links.len()];
    for &k in &active {
        is_active[k] = true;
    }
    let mut last: Option<(f64, Vec<f64>, Duals)> = None;
    loop {
        if last.is_some() && deadline.remaining().is_some_and(|t| t <= LEAST_LIMIT) {
            break;
        }
        let solved = if active.is_empty() {
            // Nothing to send: every dual is 0.
            (0.0, Vec::new(), Duals::none(s, net.links.len()))
        } else {
            match restricted_lp(s, net, &active, &per_unit, deadline)? {
                Some(solved) => solved,
                None => break,
            }
        };
        // The links left out whose reduced cost pays, the best few per output.
        let mut paying: BTreeMap<OutputId, Vec<(f64, usize)>> = BTreeMap::new();
        for &k in &candidates {
            let l = &net.links[k];
            if is_active[k] {
                continue;
            }
            let value = per_unit(l);
            let rc = value - solved.2.charge(k, l);
            if rc > PRICING_TOLERANCE * value.abs().max(1.0) {
                paying.entry(l.output).or_default().push((rc, k));
            }
        }
        let mut flows = vec![0.0; net.links.len()];
        for (&k, &f) in active.iter().zip(&solved.1) {
            flows[k] = f;
        }
        last = Some((solved.0, flows, solved.2));
        if paying.is_empty() {
            break;
        }
        for links in paying.values_mut() {
            links.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for &(_, k) in links.iter().take(COLUMNS_PER_STREAM) {
                is_active[k] = true;
            }
        }
        active = (0..net.links.len()).filter(|&k| is_active[k]).collect();
    }
    let Some((objective, flows, duals)) = last else {
        return Ok(None);
    };
    let mut bound = duals.rhs_value(s);
    let mut reduced = Vec::with_capacity(net.links.len());
    let mut term = Vec::with_capacity(net.links.len());
    for (k, l) in net.links.iter().enumerate() {
        let g = margin(l) - duals.charge(k, l);
        let u = l.upper_bound.max(0.0);
        let f = l.fixed_charge_per_year();
        let h = match (l.recorded_quantity, l.is_mandatory()) {
            (Some(q), _) => g * q - f,
            (None, true) => g.max(0.0) * u - f,
            (None, false) => (g * u - f).max(0.0),
        };
        bound += h;
        reduced.push(g);
        term.push(h);
    }
    // Each plant's own subproblem.
    let plants = duals.plants.terms(s, net);
    bound += plants.iter().map(|p| p.term).sum::<f64>();
    let charges: f64 = net
        .links
        .iter()
        .filter(|l| l.is_mandatory())
        .map(|l| l.fixed_charge_per_year())
        .sum();
    Ok(Some(Relaxed {
        value: objective - charges,
        flows,
        bound,
        reduced,
        term,
        plants,
    }))
}

#[cfg(test)]
mod tests {
    use super::{best_links, solve_within, Depth};
    use crate::model::deadline::Deadline;
    use crate::model::{self, Control, SolveOptions, Status};

    #[test]
    fn a_search_of_the_best_links_is_bounded_with_the_best_link_left_out() {
        // 397 links, 369 left after fixing: a search of 50 or 200 of them.
        let (s, net) = model::generated_region(60, 5);
        let exact = SolveOptions {
            gap: 0.0,
            ..SolveOptions::default()
        };
        let optimum = model::solve(&s, &net, &exact).unwrap().objective.unwrap();
        let tol = 1e-6 * optimum.abs();
        let options = SolveOptions {
            time_limit: Some(60.0),
            ..exact
        };
        let caps: [(usize, super::Cap); 2] = [(50, |_| Some(50)), (200, |_| Some(200))];
        for (cap, search) in caps {
            let deadline = Deadline::after(options.time_limit);
            let control = Control::default();
            let (sol, what) = solve_within(
                &s,
                &net,
                &options,
                deadline,
                None,
                control,
                search,
                Depth::Search,
            )
            .unwrap();
            assert!(what.after_fixing.unwrap() > cap);
            assert_eq!(sol.status, Status::TimeLimit);
            let (objective, bound) = (sol.objective.unwrap(), sol.best_bound.unwrap());
            let lagrangian = what.bound.unwrap();
            assert!(objective <= optimum + tol);
            assert!(bound >= optimum - tol, "cap {cap}: {bound} below {optimum}");
            assert!(bound <= lagrangian + tol);
            if cap == 200 {
                // The links left out are worth less than L(π) here.
                assert!(
                    bound < lagrangian - tol,
                    "{bound} against L(π) {lagrangian}"
                );
            }
        }
    }

    #[test]
    fn a_restricted_search_keeps_the_links_that_must_stay_and_the_best_bounds() {
        // (index, must stay, bound)
        let links = [
            (0, false, 5.0),
            (1, true, 1.0),
            (2, false, 9.0),
            (3, false, 7.0),
            (4, true, 0.5),
            (5, false, 9.0),
        ];
        assert_eq!(best_links(links.into_iter(), 4), (vec![1, 2, 4, 5], 7.0));
        assert_eq!(best_links(links.into_iter(), 5), (vec![1, 2, 3, 4, 5], 5.0));
        // The links that must stay are kept even beyond the cap.
        assert_eq!(best_links(links.into_iter(), 1), (vec![1, 4], 9.0));
        let all = best_links(links.into_iter(), 6);
        assert_eq!(all, (vec![0, 1, 2, 3, 4, 5], f64::NEG_INFINITY));
    }
}
