//! Better plans of a part by period by searching neighbourhoods of one.
//!
//! On the MILP by period of a pipe part (heat, steam), HiGHS's tree search
//! improves its plan slowly: on the 1,000-site region's 4,835-link heat part
//! it moved from 1.491 to 1.497 bn EUR/yr between 11 s and 300 s, while
//! MILPs with every build decision fixed but a few hundred find better plans
//! one after another. [`improve`] solves such MILPs one after another: every
//! link outside one neighbourhood (the links among the outputs and inputs
//! reached breadth first from a seed, [`Graph`]) keeps its build decision of
//! the plan; the flows by period of the neighbourhood's links and of the
//! links the plan builds at a stream it reached, and every store, stay free,
//! so flows can move to the links the neighbourhood opens or away from the
//! ones it closes; every other flow keeps the plan's. The first
//! neighbourhood is every link the LP relaxation uses, with the flows of
//! every link built.
//! The plan is a solution of each small MILP and its start, so the optimum of
//! each is worth at least as much; when one is worth more, its values become
//! the plan. Every plan found is a plan of the whole part: the bound is
//! untouched and the optimum cannot change.
//!
//! Seeds are the outputs and inputs at the links where the LP relaxation and
//! the plan disagree (used by one, not built by the other), weighted by those
//! links' annual charges, then the others; a round seeds each node that no
//! neighbourhood of the round reached, and rounds go on while one finds a
//! better plan. A neighbourhood grows while its MILP is solved quickly and
//! shrinks when its time runs out without a better plan.

use std::time::Instant;

use super::lns::{worth_more, Graph};
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{highs_options, PeriodModel};
use crate::model::highs;
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{Solution, Status};
use crate::model::tuning::{
    NEIGHBOURHOOD_BETTER, NEIGHBOURHOOD_MIN_SECONDS, NEIGHBOURHOOD_QUICK, NEIGHBOURHOOD_SECONDS,
    PERIOD_LNS_FROM_LINKS, PERIOD_NEIGHBOURHOOD_MAX_LINKS, PERIOD_NEIGHBOURHOOD_MIN_LINKS,
    PERIOD_NEIGHBOURHOOD_START_LINKS, PERIOD_SUPPORT_SHARE,
};
use crate::network::Network;

/// Whether neighbourhoods search a reduced part of `links` links by period
/// ([`PERIOD_LNS_FROM_LINKS`]); the search decides when.
pub(crate) fn pays(links: usize) -> bool {
    links >= PERIOD_LNS_FROM_LINKS
}

/// A plan of `net` worth more than `plan` (a plan of `model`, the MILP by
/// period of `net`), found by neighbourhoods until `deadline` (none: no
/// search), or `None` when no neighbourhood found one. `used` marks the
/// links the LP relaxation uses: the first neighbourhood frees them all,
/// for [`PERIOD_SUPPORT_SHARE`] of the time (empty: no such
/// neighbourhood). The plan returned has `plan`'s status and bound, with
/// its own net benefit and gap.
#[allow(clippy::too_many_arguments)]
pub(crate) fn improve(
    s: &Scenario,
    net: &Network,
    model: &PeriodModel,
    plan: &Solution,
    used: &[bool],
    options: &SolveOptions,
    deadline: Deadline,
    control: Control<'_>,
) -> Result<Option<Solution>, Error> {
    let n = net.links.len();
    let Some(first_value) = plan.objective else {
        return Ok(None);
    };
    if !deadline.is_set() || n == 0 || plan.built.len() != n {
        return Ok(None);
    }
    let milp = &model.milp;
    let periods = s.periods.len();
    let mut values = model.values_of(s, plan);
    let mut value: f64 = milp.cost.iter().zip(&values).map(|(c, x)| c * x).sum();
    let graph = Graph::of(s, net);
    let seeds = graph.seeds(|k| {
        let lp = used.get(k).copied().unwrap_or(false);
        let disagree = !used.is_empty() && lp != (values[model.built(k).index] > 0.5);
        1.0 + if disagree {
            net.links[k].fixed_charge_per_year()
        } else {
            0.0
        }
    });
    let tolerance = NEIGHBOURHOOD_BETTER * first_value.abs().max(1.0);
    let stores = model.store_columns();
    let one_thread = options.one_thread();
    let mut target = PERIOD_NEIGHBOURHOOD_START_LINKS;
    let mut covered = vec![false; graph.nodes()];
    let mut taken = vec![false; graph.nodes()];
    let mut next = 0;
    let mut round_found = false;
    let mut found_any = false;
    // The first neighbourhood: every link the LP uses (with the plan's),
    // for a share of the time.
    let mut support = used.len() == n && used.iter().any(|&u| u);
    loop {
        let left = deadline.remaining().unwrap_or(0.0);
        if left < NEIGHBOURHOOD_MIN_SECONDS || control.stopped() {
            break;
        }
        let first = std::mem::take(&mut support);
        let links: Vec<usize> = if first {
            (0..n).filter(|&k| used[k]).collect()
        } else {
            let Some(p) = seeds[next..].iter().position(|&u| !covered[u]) else {
                if !round_found {
                    break;
                }
                covered.iter_mut().for_each(|c| *c = false);
                next = 0;
                round_found = false;
                continue;
            };
            let seed = seeds[next + p];
            next += p + 1;
            taken.iter_mut().for_each(|t| *t = false);
            graph.neighbourhood(seed, target, &mut covered, &mut taken)
        };
        if links.is_empty() {
            continue;
        }
        // Free: the neighbourhood's links, the flows of the links built at
        // a stream it reached (of every link built, for the first), the
        // stores. Fixed: every other link's build decision and flows.
        let mut free = vec![false; milp.columns()];
        for &k in &links {
            free[model.built(k).index] = true;
        }
        for k in 0..n {
            let (a, b) = graph.ends(k);
            let near = first || taken[a] || taken[b];
            if free[model.built(k).index] || (near && values[model.built(k).index] > 0.5) {
                for t in 0..periods {
                    free[model.flow(k, t).index] = true;
                }
            }
        }
        for c in &stores {
            free[c.index] = true;
        }
        let (sub, columns) = milp.with_fixed(&free, &values);
        let start: Vec<f64> = columns.iter().map(|&(c, _)| values[c.index]).collect();
        let before: f64 = columns
            .iter()
            .map(|&(c, _)| milp.cost[c.index] * values[c.index])
            .sum();
        let seconds = match first {
            true => left * PERIOD_SUPPORT_SHARE,
            false => left.min(NEIGHBOURHOOD_SECONDS),
        };
        let asked = Instant::now();
        let sub_options = highs_options(&one_thread, Deadline::after(Some(seconds)), links.len());
        let sub_control = Control {
            stop: control.stop,
            progress: None,
        };
        let solved = highs::solve(sub, &sub_options, Some(&start), sub_control)?;
        let improved = solved.has_plan() && solved.objective > before + tolerance;
        let quick = solved.status == Status::Optimal
            && asked.elapsed().as_secs_f64() < NEIGHBOURHOOD_QUICK * seconds;
        if improved {
            for &(whole, part) in &columns {
                values[whole.index] = solved.value(part);
            }
            value += solved.objective - before;
            round_found = true;
            found_any = true;
            control.tell(Some(value), None);
        }
        target = if first {
            target
        } else if solved.status != Status::Optimal && !improved {
            (target * 2 / 3).max(PERIOD_NEIGHBOURHOOD_MIN_LINKS)
        } else if quick {
            (target * 3 / 2).min(PERIOD_NEIGHBOURHOOD_MAX_LINKS)
        } else {
            target
        };
    }
    if !found_any {
        return Ok(None);
    }
    let better = model.plan_of(s, net, plan.status, values);
    Ok(worth_more(better, plan))
}

#[cfg(test)]
mod tests {
    use super::{improve, pays};
    use crate::model::deadline::Deadline;
    use crate::model::formulation::{highs_options, Goal, PeriodModel};
    use crate::model::search::periods::idle_plan;
    use crate::model::tuning::PERIOD_LNS_FROM_LINKS;
    use crate::model::{Control, SolveOptions};

    #[test]
    fn neighbourhoods_by_period_go_to_parts_of_a_thousand_links_and_more() {
        assert!(pays(PERIOD_LNS_FROM_LINKS));
        assert!(!pays(PERIOD_LNS_FROM_LINKS - 1));
    }

    /// From the plan that moves nothing on a region by four periods with
    /// stores, the neighbourhoods find a better plan: every row and bound of
    /// the MILP by period holds at its values, it is worth what it says and
    /// no more than the optimum.
    #[test]
    fn neighbourhoods_by_period_improve_a_plan_to_a_feasible_one_worth_what_it_says() {
        let catalog = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/catalog/default.toml"
        );
        let text = symbio_testkit::generate::region(40, 3, catalog);
        let text = symbio_testkit::generate::with_periods(&text, 4, 3);
        let s = crate::scenario::read_str(std::path::Path::new("region.toml"), &text).unwrap();
        let net = crate::network::build(&s).unwrap();
        let n = net.links.len();
        assert!(n > 50 && !s.stores.is_empty(), "{n} links");
        let model = PeriodModel::of(&s, &net, &[], Goal::NetBenefit);
        let idle = idle_plan(&s, &net, 0.0).expect("a plan that moves nothing");
        let before = idle.objective.unwrap();
        // The LP's links: every link, so the first neighbourhood frees all.
        let used = vec![true; n];
        let options = SolveOptions {
            time_limit: Some(3.0),
            ..SolveOptions::default()
        };
        let deadline = Deadline::after(options.time_limit);
        let better = improve(
            &s,
            &net,
            &model,
            &idle,
            &used,
            &options,
            deadline,
            Control::default(),
        )
        .unwrap()
        .expect("the plan that moves nothing can be improved");
        let value = better.objective.unwrap();
        assert!(value > before, "{value} <= {before}");
        let x = model.values_of(&s, &better);
        let milp = &model.milp;
        milp.assert_holds(&x);
        let worth: f64 = milp.cost.iter().zip(&x).map(|(c, x)| c * x).sum();
        assert!(
            (worth - value).abs() <= 1e-6 * value.abs().max(1.0),
            "{worth} vs {value}"
        );
        let exact = highs_options(
            &SolveOptions {
                gap: 0.0,
                ..SolveOptions::default()
            },
            Deadline::after(None),
            n,
        );
        let (optimum, _) = PeriodModel::of(&s, &net, &[], Goal::NetBenefit)
            .solve(&s, &net, &exact, None, Control::default(), true)
            .unwrap();
        let optimum = optimum.unwrap().objective.unwrap();
        assert!(
            value <= optimum + 1e-6 * optimum.abs(),
            "{value} above the optimum {optimum}"
        );
    }
}
