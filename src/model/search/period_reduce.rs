//! Exact reductions of a part's MILP by period before its search
//! (docs/formulation.md, "Periods and stores"): the LP relaxation by column
//! generation, the Lagrangian bound of its duals, and the links that no plan
//! better than a first plan builds, dropped.
//!
//! Relax the rows that links of several streams share (each stream's supply,
//! demand and rule shares in each period) and the stores' rows with duals
//! `π` of the right signs, and keep each link's own rows (`x_lt ≤ U_lt y_l`,
//! the year's flow, a recorded flow) with its columns. The model falls apart
//! into one problem per link, `h_l(π) = max(0, val_l(π) − F_l)` (without the
//! `max` for a link that must be built), where `val_l(π)` fills the link's
//! periods by their reduced margins
//! `g_lt = v_lt − π_ot − ρα_l (π_it + σ_irt)` up to their bounds (and to the
//! year's bound where the link has that row), and one per column that is no
//! link's, at the bound where its reduced cost pays. So
//! `L(π) = Σ_r π_r b_r + Σ_j max(d_j ℓ_j, d_j u_j) + Σ_l h_l(π)` bounds every
//! plan from above for any such `π`, and `L(π) − h_l(π) + val_l(π) − F_l`
//! bounds every plan that builds link l. A link whose bound is below a first
//! plan's net benefit is in no better plan: it is dropped, and the search
//! holds the links left (every plan of which is a plan of the part).
//!
//! The duals come from the LP relaxation of the model of a few links per
//! stream first; the links whose `h_l` pays are priced in, the best few of
//! each output per round, until none pays or the time is up. Whatever the
//! round, `L(π)` prices every link of the part, so it is a bound of the part.
//! Parts with plants are left as they are (their rows tie streams together).

use std::collections::BTreeMap;

use super::greedy;
use crate::domain::Stream;
use crate::domain::{PeriodId, Scenario};
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{
    flow_bounds, reached_stores, year_row, Goal, PeriodModel, PeriodRows,
};
use crate::model::highs;
use crate::model::milp::{Milp, Row};
use crate::model::solution::{ByPeriod, Solution, Status};
use crate::model::tuning::{
    COLUMNS_PER_STREAM, FIXING_TOLERANCE, PERIOD_SPREAD_FROM_LINKS, PRICING_TOLERANCE,
    SEARCH_ALL_LINKS_UP_TO, SEARCH_SECONDS_PER_LINK,
};
use crate::network::plants::any_reached;
use crate::network::{CandidateLink, Network};

/// What the LP relaxation by period of a part gives: the Lagrangian bound
/// of its duals, and each link's bound when built.
#[derive(Debug, Clone)]
pub(crate) struct Relaxed {
    /// `L(π)`, a bound on every plan of the part.
    pub bound: f64,
    /// `L(π) − h_l(π) + val_l(π) − F_l` of each link: a bound on every plan
    /// that builds it.
    pub with_link: Vec<f64>,
    /// The links whose flow the last LP used.
    pub used: Vec<usize>,
    /// Whether every link was priced out (the LP of the links it held is
    /// the part's), rather than the time ending the rounds.
    pub whole: bool,
    /// The links the last LP held (where more rounds would start).
    pub active: Vec<usize>,
}

impl Relaxed {
    /// These bounds and `earlier`'s, of the same part, the least of each
    /// (both hold).
    pub fn tightened(self, earlier: &Relaxed) -> Relaxed {
        let with_link = self
            .with_link
            .iter()
            .zip(&earlier.with_link)
            .map(|(a, b)| a.min(*b))
            .collect();
        Relaxed {
            bound: self.bound.min(earlier.bound),
            with_link,
            ..self
        }
    }
}

/// Links that must stay in every model of the part: the ones built anyway
/// (mandatory, recorded), and one link of each stream a store works on, so
/// that each model holds the part's stores (an existing one with its annual
/// charge).
pub(crate) fn anchors(s: &Scenario, net: &Network) -> Vec<bool> {
    let mut keep: Vec<bool> = net.links.iter().map(|l| l.is_mandatory()).collect();
    let mut first_out = vec![None; s.outputs.len()];
    let mut first_in = vec![None; s.inputs.len()];
    for (k, l) in net.links.iter().enumerate().rev() {
        first_out[l.output.0] = Some(k);
        first_in[l.input.0] = Some(k);
    }
    for (_, stream) in reached_stores(s, net) {
        let at = match stream {
            Stream::Output(o) => first_out[o.0],
            Stream::Input(i) => first_in[i.0],
        };
        if let Some(k) = at {
            keep[k] = true;
        }
    }
    keep
}

/// Whether the reductions by period apply to `net`: a part without plants.
pub(crate) fn applies(s: &Scenario, net: &Network) -> bool {
    !net.links.is_empty() && !any_reached(s, &net.links)
}

/// The dual of each row of `milp`, of the sign its bounds allow (0 where
/// the bound it would price is infinite), and the right-hand side it prices.
fn signed_duals(milp: &Milp, duals: &[f64]) -> Vec<(f64, f64)> {
    (0..milp.rows())
        .map(|r| {
            let p = duals[r];
            let (lo, up) = (milp.row_lower[r], milp.row_upper[r]);
            if p > 0.0 && up.is_finite() {
                (p, up)
            } else if p < 0.0 && lo.is_finite() {
                (p, lo)
            } else {
                (0.0, 0.0)
            }
        })
        .collect()
}

/// `Σ_r π_r b_r + Σ_j max(d_j ℓ_j, d_j u_j)` over the rows outside `own`
/// and the columns not in `skip`, `d_j = c_j − Σ_r π_r a_rj` over those
/// rows: the Lagrangian of all but the links' own rows and columns. +∞ when
/// a column without an upper bound pays.
fn relaxed_rest(
    milp: &Milp,
    duals: &[(f64, f64)],
    own: &std::ops::Range<usize>,
    skip: &[bool],
) -> f64 {
    let mut reduced = milp.cost.clone();
    let mut total = 0.0;
    for (r, &(p, rhs)) in duals.iter().enumerate() {
        if own.contains(&r) || p == 0.0 {
            continue;
        }
        total += p * rhs;
        for e in milp.starts[r]..milp.starts[r + 1] {
            reduced[milp.index[e] as usize] -= p * milp.value[e];
        }
    }
    for (j, &d) in reduced.iter().enumerate() {
        if skip[j] {
            continue;
        }
        let (lo, up) = (milp.lower[j], milp.upper[j]);
        let best = if d > 0.0 { d * up } else { d * lo };
        if best.is_nan() || best == f64::INFINITY {
            return f64::INFINITY;
        }
        total += best;
    }
    total
}

/// The duals of the shared rows of a model, by stream and period.
struct StreamDuals<'a> {
    rows: &'a PeriodRows,
    duals: &'a [(f64, f64)],
}

impl StreamDuals<'_> {
    fn of(&self, r: Option<&Row>) -> f64 {
        r.map_or(0.0, |r| self.duals[r.index].0)
    }

    /// `g_lt`: link l's margin in period t less the duals of the shared
    /// rows its flow meets.
    fn reduced(&self, s: &Scenario, l: &CandidateLink, t: usize) -> f64 {
        let (o, i) = (l.output.0, l.input.0);
        let mut g = l.margin_in(s, PeriodId(t)) - self.of(self.rows.supply.get(&(o, t)));
        let rho = l.displaced_per_unit;
        g -= rho * self.of(self.rows.demand.get(&(i, t)));
        g -= rho * self.of(self.rows.share.get(&(i, l.rule, t)));
        g
    }
}

/// `val_l`: the most link l earns with its reduced margins `g` by period,
/// each period's flow within `upper`, the year's within `year` where it has
/// that row; a recorded link moves its year's quantity, at most its
/// capacity × the period's share in each period. `None` where a recorded
/// quantity does not fit.
fn link_value(
    s: &Scenario,
    l: &CandidateLink,
    g: &[f64],
    upper: &[f64],
    year: Option<f64>,
) -> Option<f64> {
    let mut order: Vec<usize> = (0..g.len()).collect();
    order.sort_by(|&a, &b| g[b].total_cmp(&g[a]).then(a.cmp(&b)));
    let mut value = 0.0;
    match l.recorded_quantity {
        Some(q) => {
            let mut left = q.max(0.0);
            for t in order {
                let room = match l.capacity {
                    Some(c) => upper[t].min(c * s.periods[t].share),
                    None => upper[t],
                };
                let x = room.min(left);
                value += g[t] * x;
                left -= x;
            }
            (left <= 1e-9 * (1.0 + q.abs())).then_some(value)
        }
        None => {
            let mut left = year.unwrap_or(f64::INFINITY);
            for t in order {
                if g[t] <= 0.0 || left <= 0.0 {
                    break;
                }
                let x = upper[t].min(left);
                value += g[t] * x;
                left -= x;
            }
            Some(value)
        }
    }
}

/// The first links of column generation: the `forced` ones and, of each
/// output and of each input, the best few by their best margin per unit.
fn first_columns(s: &Scenario, net: &Network, forced: &[bool]) -> Vec<usize> {
    let mut chosen = forced.to_vec();
    let mut by_output: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut by_input: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let best: Vec<f64> = net.links.iter().map(|l| l.best_margin(s)).collect();
    for (k, l) in net.links.iter().enumerate() {
        by_output.entry(l.output.0).or_default().push(k);
        by_input.entry(l.input.0).or_default().push(k);
    }
    for links in by_output.values_mut().chain(by_input.values_mut()) {
        links.sort_by(|&a, &b| best[b].total_cmp(&best[a]).then(a.cmp(&b)));
        for &k in links.iter().take(COLUMNS_PER_STREAM) {
            chosen[k] = true;
        }
    }
    (0..net.links.len()).filter(|&k| chosen[k]).collect()
}

/// The LP relaxation by period of `net` (a part without plants) by column
/// generation until `deadline` (its first LP until `first`), from the links
/// `from` (an earlier relaxation's, which the time cut short) or else a few
/// per stream, and the bounds of its last duals; `None` when no LP was
/// solved to its optimum in time.
pub(crate) fn relaxation(
    s: &Scenario,
    net: &Network,
    deadline: Deadline,
    first: Deadline,
    from: Option<&[usize]>,
) -> Result<Option<Relaxed>, Error> {
    let periods = s.periods.len();
    let n = net.links.len();
    let uppers = flow_bounds(s, net);
    let mut stored_outputs = vec![false; s.outputs.len()];
    let mut stored_inputs = vec![false; s.inputs.len()];
    for (_, stream) in reached_stores(s, net) {
        match stream {
            Stream::Output(o) => stored_outputs[o.0] = true,
            Stream::Input(i) => stored_inputs[i.0] = true,
        }
    }
    let year: Vec<Option<f64>> = net
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let room: f64 = uppers[k * periods..(k + 1) * periods].iter().sum();
            let stored = stored_outputs[l.output.0] || stored_inputs[l.input.0];
            year_row(s, l, room, stored)
        })
        .collect();
    let mut active = match from {
        Some(links) => links.to_vec(),
        None => first_columns(s, net, &anchors(s, net)),
    };
    let mut last: Option<Relaxed> = None;
    // The rounds of a large part solve the LP with the charges spread, and
    // the last the LP relaxation itself.
    let mut spread = n >= PERIOD_SPREAD_FROM_LINKS;
    loop {
        let sub = net.part(&active);
        let model = PeriodModel::of(s, &sub, &[], Goal::NetBenefit);
        let lp = if spread {
            model.charges_spread(&sub)
        } else {
            let mut lp = model.milp.clone();
            lp.integer.fill(false);
            lp
        };
        let until = if last.is_some() { deadline } else { first };
        let Some(solved) = highs::solve_lp(lp, until.left())? else {
            return Ok(last);
        };
        let duals = signed_duals(&model.milp, solved.duals());
        let rest = relaxed_rest(
            &model.milp,
            &duals,
            &model.rows.links,
            &model.link_columns(),
        );
        let stream = StreamDuals {
            rows: &model.rows,
            duals: &duals,
        };
        let mut h = Vec::with_capacity(n);
        let mut built_value = Vec::with_capacity(n);
        for (k, l) in net.links.iter().enumerate() {
            let g: Vec<f64> = (0..periods).map(|t| stream.reduced(s, l, t)).collect();
            let Some(value) =
                link_value(s, l, &g, &uppers[k * periods..(k + 1) * periods], year[k])
            else {
                return Ok(None);
            };
            let with = value - l.fixed_charge_per_year();
            built_value.push(with);
            h.push(if l.is_mandatory() {
                with
            } else {
                with.max(0.0)
            });
        }
        let bound = rest + h.iter().sum::<f64>();
        // Each round's bounds hold: the least of them.
        let with_link: Vec<f64> = (0..n)
            .map(|k| {
                let with = bound - h[k] + built_value[k];
                last.as_ref().map_or(with, |r| r.with_link[k].min(with))
            })
            .collect();
        let used: Vec<usize> = active
            .iter()
            .enumerate()
            .filter(|&(j, _)| (0..periods).any(|t| solved.value(model.flow(j, t)) > 1e-9))
            .map(|(_, &k)| k)
            .collect();
        let relaxed = Relaxed {
            bound: last.as_ref().map_or(bound, |r| r.bound.min(bound)),
            with_link,
            used,
            whole: false,
            active: active.clone(),
        };
        // Priced in: the links left out whose reduced value pays, the best
        // few of each output.
        let mut is_active = vec![false; n];
        for &k in &active {
            is_active[k] = true;
        }
        let mut by_output: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (k, l) in net.links.iter().enumerate() {
            let scale = 1.0 + l.fixed_charge_per_year() + built_value[k].abs();
            if !is_active[k] && h[k] > PRICING_TOLERANCE * scale {
                by_output.entry(l.output.0).or_default().push(k);
            }
        }
        let whole = by_output.is_empty() || last.as_ref().is_some_and(|r| r.whole);
        last = Some(Relaxed { whole, ..relaxed });
        if deadline.remaining().is_some_and(|t| t <= 0.0) || (whole && !spread) {
            return Ok(last);
        }
        if whole {
            // Every link priced out of the spread LP: the LP relaxation of
            // the same links, for its duals.
            spread = false;
            continue;
        }
        for links in by_output.values_mut() {
            links.sort_by(|&a, &b| h[b].total_cmp(&h[a]).then(a.cmp(&b)));
            for &k in links.iter().take(COLUMNS_PER_STREAM) {
                is_active[k] = true;
            }
        }
        active = (0..n).filter(|&k| is_active[k]).collect();
    }
}

/// The links of `net` that a plan better than `first` (a net benefit) may
/// build, by `relaxed`'s bounds, with every link in `keep` (the anchors and
/// the first plan's links): ascending.
pub(crate) fn kept_links(relaxed: &Relaxed, first: f64, keep: &[bool]) -> Vec<usize> {
    let threshold = first - FIXING_TOLERANCE * first.abs().max(1.0);
    (0..keep.len())
        .filter(|&k| keep[k] || relaxed.with_link[k] >= threshold)
        .collect()
}

/// The links a search of a part may hold with `time_left` seconds (`None`:
/// no time limit, every link), over `periods` periods: as many as the
/// annual search's ([`SEARCH_ALL_LINKS_UP_TO`], or one per
/// [`SEARCH_SECONDS_PER_LINK`]) over the periods.
pub(crate) fn search_cap(time_left: Option<f64>, periods: usize) -> Option<usize> {
    let per_link = SEARCH_SECONDS_PER_LINK * periods.max(1) as f64;
    time_left.map(|t| SEARCH_ALL_LINKS_UP_TO.max((t / per_link) as usize))
}

/// Of the links `kept` (ascending), the ones a search holds when it may
/// hold `cap`: every link of `keep` and, of the others, the ones the LP
/// uses first, then the highest bounds when built; ascending, with the
/// highest bound of the links left out (−∞ if none is): a plan that builds
/// one is worth at most that.
pub(crate) fn best_kept(
    relaxed: &Relaxed,
    kept: Vec<usize>,
    keep: &[bool],
    cap: Option<usize>,
) -> (Vec<usize>, f64) {
    let Some(cap) = cap.filter(|&c| kept.len() > c) else {
        return (kept, f64::NEG_INFINITY);
    };
    let mut used = vec![false; keep.len()];
    for &k in &relaxed.used {
        used[k] = true;
    }
    let mut ranked = kept;
    ranked.sort_by(|&a, &b| {
        keep[b]
            .cmp(&keep[a])
            .then(used[b].cmp(&used[a]))
            .then(relaxed.with_link[b].total_cmp(&relaxed.with_link[a]))
            .then(a.cmp(&b))
    });
    let mut out = f64::NEG_INFINITY;
    let mut chosen = Vec::with_capacity(cap);
    for (j, &k) in ranked.iter().enumerate() {
        if keep[k] || j < cap {
            chosen.push(k);
        } else {
            out = out.max(relaxed.with_link[k]);
        }
    }
    chosen.sort_unstable();
    (chosen, out)
}

/// A plan of `net` by period that builds the links of the annual greedy
/// plan: the model of those links and the anchors, its flows, stores
/// searched for them within `highs`; in `net`'s link order. `None` when
/// there is no greedy plan or the search finds none.
pub(crate) fn greedy_plan(
    s: &Scenario,
    net: &Network,
    highs: &crate::model::highs::HighsOptions,
) -> Result<Option<Solution>, Error> {
    let Some(greedy) = greedy::plan(s, net) else {
        return Ok(None);
    };
    let anchors = anchors(s, net);
    let links: Vec<usize> = (0..net.links.len())
        .filter(|&k| greedy.built[k] || anchors[k])
        .collect();
    if links.is_empty() {
        // It builds nothing, and no store is reached: the plan that moves
        // nothing, worth 0.
        let n = net.links.len();
        return Ok(Some(Solution {
            status: Status::TimeLimit,
            objective: Some(0.0),
            best_bound: None,
            gap: None,
            flows: vec![0.0; n],
            built: vec![false; n],
            by_period: ByPeriod {
                periods: s.periods.len(),
                flows: vec![0.0; n * s.periods.len()],
                stores: Vec::new(),
            },
        }));
    }
    let sub = net.part(&links);
    let built: Vec<bool> = links.iter().map(|&k| greedy.built[k]).collect();
    let model = PeriodModel::of(s, &sub, &[], Goal::NetBenefit);
    let Some((_, plan)) = model.plan_building(s, &sub, &built, highs)? else {
        return Ok(None);
    };
    Ok(Some(spread(plan, &links, net.links.len())))
}

/// A plan of `net` by period among the links the relaxation uses
/// (`relaxed.used`), the anchors and the links of `first` (a plan of `net`,
/// its start): the MILP by period of those links searched within `highs`;
/// in `net`'s link order. `None` when the search finds no plan.
pub(crate) fn support_plan(
    s: &Scenario,
    net: &Network,
    relaxed: &Relaxed,
    first: &Solution,
    highs: &crate::model::highs::HighsOptions,
) -> Result<Option<Solution>, Error> {
    let mut chosen = anchors(s, net);
    for &k in &relaxed.used {
        chosen[k] = true;
    }
    for (k, &b) in first.built.iter().enumerate() {
        chosen[k] |= b;
    }
    let links: Vec<usize> = (0..net.links.len()).filter(|&k| chosen[k]).collect();
    if links.is_empty() {
        return Ok(None);
    }
    let sub = net.part(&links);
    let model = PeriodModel::of(s, &sub, &[], Goal::NetBenefit);
    let start = model.values_of(s, &narrow(first, &links));
    let (plan, _) = model.solve(s, &sub, highs, Some(&start), Default::default(), true)?;
    Ok(plan.map(|p| spread(p, &links, net.links.len())))
}

/// A solution by period of the network of the links `kept` (indices into a
/// network of `n` links) spread over that network: the links left out
/// carry nothing.
pub(crate) fn spread(sol: Solution, kept: &[usize], n: usize) -> Solution {
    let periods = sol.by_period.periods;
    let mut flows = vec![0.0; n];
    let mut built = vec![false; n];
    let mut by_period = vec![0.0; n * periods];
    if sol.status.has_plan() {
        for (j, &k) in kept.iter().enumerate() {
            flows[k] = sol.flows[j];
            built[k] = sol.built[j];
            by_period[k * periods..(k + 1) * periods].copy_from_slice(sol.by_period.flows_of(j));
        }
    }
    Solution {
        flows,
        built,
        by_period: ByPeriod {
            periods,
            flows: by_period,
            stores: sol.by_period.stores,
        },
        ..sol
    }
}

/// A solution of a network by period restricted to the links `kept`
/// (indices into it).
pub(crate) fn narrow(sol: &Solution, kept: &[usize]) -> Solution {
    let periods = sol.by_period.periods;
    Solution {
        flows: kept.iter().map(|&k| sol.flows[k]).collect(),
        built: kept.iter().map(|&k| sol.built[k]).collect(),
        by_period: ByPeriod {
            periods,
            flows: kept
                .iter()
                .flat_map(|&k| sol.by_period.flows_of(k).iter().copied())
                .collect(),
            stores: sol.by_period.stores.clone(),
        },
        ..sol.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::{best_kept, greedy_plan, kept_links, relaxation, Relaxed};
    use crate::model::deadline::Deadline;
    use crate::model::formulation::{highs_options, Goal, PeriodModel};
    use crate::model::options::SolveOptions;

    /// The two-season case (optimum 12,250: docs/worked-example.md) with a
    /// village 50 km away that would take the incinerator's heat too, at
    /// 50,000 a year for its pipe, more than all the heat is worth to it.
    fn with_village() -> crate::domain::Scenario {
        let text = include_str!("../../../tests/data/seasons.toml").to_string()
            + r#"
[[sites]]
id = "village"
name = "Village"
x_km = -50.0
y_km = 0.0
inputs = [{ id = "heat", material = "heat", quantity = 1000.0, price = 20.0 }]
"#;
        crate::scenario::read_str(std::path::Path::new("seasons.toml"), &text).expect("valid")
    }

    /// The Lagrangian bound of the LP's duals holds the optimum and is the
    /// LP's optimum (all links priced in); the village's link is in no plan
    /// worth the first plan and is dropped, the town's kept.
    #[test]
    fn the_bound_holds_the_optimum_and_the_village_link_is_dropped() {
        let s = with_village();
        let net = crate::network::build(&s).expect("builds");
        let village = net
            .links
            .iter()
            .position(|l| s.sites[s.inputs[l.input.0].site.0].id == "village")
            .expect("a link to the village");
        let never = Deadline::after(None);
        let relaxed = relaxation(&s, &net, never, never, None).unwrap().unwrap();
        assert!(relaxed.bound >= 12_250.0 - 1e-6, "{}", relaxed.bound);
        // The LP relaxation of the whole model, solved at once.
        let mut lp = PeriodModel::of(&s, &net, &[], Goal::NetBenefit).milp;
        lp.integer.fill(false);
        let whole = crate::model::highs::solve_lp(lp, None).unwrap().unwrap();
        let gap = (relaxed.bound - whole.objective).abs();
        assert!(
            gap <= 1e-6 * whole.objective.abs(),
            "{} vs {}",
            relaxed.bound,
            whole.objective
        );
        let highs = highs_options(
            &SolveOptions::default(),
            Deadline::after(None),
            net.links.len(),
        );
        let first = greedy_plan(&s, &net, &highs).unwrap().unwrap();
        let floor = first.objective.unwrap();
        assert!(floor > 0.0, "{floor}");
        let keep = vec![false; net.links.len()];
        let kept = kept_links(&relaxed, floor, &keep);
        assert!(!kept.contains(&village), "{relaxed:?}");
        assert_eq!(kept.len(), net.links.len() - 1);
        // The optimum of the links kept is the whole's.
        let model = PeriodModel::of(&s, &net.part(&kept), &[], Goal::NetBenefit);
        let sub = net.part(&kept);
        let (plan, _) = model
            .solve(&s, &sub, &highs, None, Default::default(), true)
            .unwrap();
        let objective = plan.unwrap().objective.unwrap();
        assert!((objective - 12_250.0).abs() < 1e-6, "{objective}");
    }

    /// A search capped at 2 of 5 links holds the first plan's link, then
    /// the LP's, then the highest bound; what it leaves out is bounded by
    /// the highest bound among them; without a cap every link is held.
    #[test]
    fn a_capped_search_holds_the_plan_the_lp_and_the_best_bounds() {
        let relaxed = Relaxed {
            bound: 100.0,
            with_link: vec![90.0, 99.0, 80.0, 98.0, 97.0],
            used: vec![2],
            whole: true,
            active: vec![0, 1, 2, 3, 4],
        };
        let keep = [true, false, false, false, false];
        let all: Vec<usize> = (0..5).collect();
        let (held, out) = best_kept(&relaxed, all.clone(), &keep, Some(3));
        assert_eq!((held, out), (vec![0, 1, 2], 98.0));
        let (held, out) = best_kept(&relaxed, all.clone(), &keep, Some(1));
        assert_eq!((held, out), (vec![0], 99.0));
        let (held, out) = best_kept(&relaxed, all.clone(), &keep, None);
        assert_eq!((held, out), (all, f64::NEG_INFINITY));
        let earlier = Relaxed {
            bound: 95.0,
            with_link: vec![95.0, 95.0, 95.0, 95.0, 95.0],
            ..relaxed.clone()
        };
        let both = relaxed.tightened(&earlier);
        assert_eq!(both.bound, 95.0);
        assert_eq!(both.with_link, vec![90.0, 95.0, 80.0, 95.0, 95.0]);
    }
}
