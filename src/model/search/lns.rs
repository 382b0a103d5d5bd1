//! Better plans by searching neighbourhoods of one (a large-neighbourhood search).
//!
//! On a MILP of tens of thousands of links HiGHS's tree search improves its plan
//! slowly, while a MILP of a few thousand links it solves in a fraction of a
//! second. [`improve`] therefore improves a plan by solving, one after another,
//! small MILPs of the same model: every link fixed at the plan except the links
//! among the outputs and inputs of one neighbourhood, a set of them close in the
//! network (reached breadth first from a seed, over links, until enough links
//! are free). The fixed links' flows move into the bounds of the rows they share
//! with free ones ([`Milp::with_fixed`]). The plan is a solution of each small
//! MILP and is handed to it as its start, so its optimum is worth at least as
//! much; when it is worth more, its values replace the plan's on the free links.
//!
//! Seeds are the outputs and inputs where the LP relaxation's flows and the
//! plan differ most (by the margin those flows earn), where a better plan is
//! likeliest; each round of seeds covers every node once, and rounds go on
//! while one finds a better plan. A neighbourhood grows while its MILP is
//! solved quickly and shrinks when its time runs out without a better plan
//! (one that finds a better plan in its time is kept at its size). Every plan
//! found is a plan of the whole model: the bound is untouched and the optimum
//! cannot change.
//!
//! With `options.threads` above one, that many neighbourhoods are solved at
//! once, each on nodes none of the others of its batch reached. Every row of
//! the model (and every cut) belongs to one output or one input, so a free
//! link, whose two ends are in its neighbourhood, shares no row with the free
//! links of another: the MILPs are independent and their improvements add up.

use std::collections::VecDeque;
use std::time::Instant;

use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{highs_options, Added, Cut, Goal, Model};
use crate::model::highs;
use crate::model::milp::{Column, Milp, Solved};
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{relative_gap, tidy_gap, Solution, Status};
use crate::model::tuning::{
    LNS_FROM_LINKS, NEIGHBOURHOOD_BETTER, NEIGHBOURHOOD_MAX_LINKS, NEIGHBOURHOOD_MIN_LINKS,
    NEIGHBOURHOOD_MIN_SECONDS, NEIGHBOURHOOD_QUICK, NEIGHBOURHOOD_SECONDS,
    NEIGHBOURHOOD_START_LINKS, STALLED_GAP,
};
use crate::network::Network;

/// Whether neighbourhoods are searched on a network of `links` links whose
/// search is resumed from a plan with relative gap `earlier_gap` (`None`: a
/// first search): from [`LNS_FROM_LINKS`] links always, a search stalled at
/// [`STALLED_GAP`] or more above the size of one neighbourhood too.
pub(crate) fn pays(links: usize, earlier_gap: Option<f64>) -> bool {
    links >= LNS_FROM_LINKS
        || (links > NEIGHBOURHOOD_START_LINKS && earlier_gap.is_some_and(|g| g >= STALLED_GAP))
}

/// A plan of `net` worth more than `plan` (a plan of `net`, which `cuts` hold
/// at), found by neighbourhoods until `deadline` (none: no search), or `None`
/// when no neighbourhood found one. `guide` is the LP
/// relaxation's flow per link. The plan returned has `plan`'s status and
/// bound, with its own net benefit and gap.
#[allow(clippy::too_many_arguments)]
pub(crate) fn improve(
    s: &Scenario,
    net: &Network,
    cuts: &[Cut],
    plan: &Solution,
    guide: &[f64],
    options: &SolveOptions,
    deadline: Deadline,
    control: Control<'_>,
) -> Result<Option<Solution>, Error> {
    if !deadline.is_set() {
        return Ok(None);
    }
    let n = net.links.len();
    let Some(first_value) = plan.objective else {
        return Ok(None);
    };
    if n == 0 || plan.flows.len() != n || guide.len() != n {
        return Ok(None);
    }
    let added = Added { flows: &[], cuts };
    let model = Model::of(s, net, added, Goal::NetBenefit);
    let (milp, v) = (&model.milp, &model.vars);
    let mut values = model.values_of(s, net, plan);
    let graph = Graph::of(s, net);
    let seeds = graph.seeds(|k| (guide[k] - plan.flows[k]).abs() * milp.cost[v.x[k].index].abs());
    if seeds.is_empty() {
        return Ok(None);
    }
    let tolerance = NEIGHBOURHOOD_BETTER * first_value.abs().max(1.0);
    let workers = options.threads.max(1) as usize;
    let mut value = first_value;
    let mut target = NEIGHBOURHOOD_START_LINKS;
    let mut covered = vec![false; graph.nodes()];
    let mut taken = vec![false; graph.nodes()];
    let mut free = vec![false; milp.columns()];
    let mut next = 0;
    let mut round_found = false;
    let one_thread = options.one_thread();
    loop {
        let left = deadline.remaining().unwrap_or(0.0);
        if left < NEIGHBOURHOOD_MIN_SECONDS || control.stopped() {
            break;
        }
        // Up to one neighbourhood per worker, on nodes no other of the batch
        // holds: every row is one node's, so their MILPs share no row and
        // their plans add up.
        let batch = graph.batch(&seeds, &mut next, workers, target, &mut covered, &mut taken);
        taken.iter_mut().for_each(|t| *t = false);
        if batch.is_empty() {
            if !round_found {
                break;
            }
            covered.iter_mut().for_each(|c| *c = false);
            next = 0;
            round_found = false;
            continue;
        }
        let seconds = left.min(NEIGHBOURHOOD_SECONDS);
        let step = Deadline::after(Some(seconds));
        let sub_control = Control {
            stop: control.stop,
            progress: None,
        };
        let jobs: Vec<Job> = batch
            .iter()
            .map(|links| {
                let mut columns = Vec::with_capacity(2 * links.len());
                for &k in links {
                    columns.push(v.x[k].index);
                    columns.push(v.y[k].index);
                }
                columns.sort_unstable();
                for &j in &columns {
                    free[j] = true;
                }
                let (sub, columns) = milp.with_fixed(&free, &values);
                for &(c, _) in &columns {
                    free[c.index] = false;
                }
                let start: Vec<f64> = columns.iter().map(|&(c, _)| values[c.index]).collect();
                let before = columns
                    .iter()
                    .map(|&(c, _)| milp.cost[c.index] * values[c.index])
                    .sum();
                Job {
                    sub,
                    links: links.len(),
                    columns,
                    start,
                    before,
                }
            })
            .collect();
        let solve = |job: Job| -> Result<Done, Error> {
            let asked = Instant::now();
            let sub_options = highs_options(&one_thread, step, job.links);
            let solved = highs::solve(job.sub, &sub_options, Some(&job.start), sub_control)?;
            let quick = solved.status == Status::Optimal
                && asked.elapsed().as_secs_f64() < NEIGHBOURHOOD_QUICK * seconds;
            Ok(Done {
                columns: job.columns,
                before: job.before,
                solved,
                quick,
            })
        };
        let results: Vec<Result<Done, Error>> = if jobs.len() == 1 {
            jobs.into_iter().map(solve).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = jobs
                    .into_iter()
                    .map(|job| scope.spawn(move || solve(job)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(Error::Solver("a neighbourhood's solve panicked".into()))
                        })
                    })
                    .collect()
            })
        };
        let (mut any_quick, mut any_stuck, mut found) = (false, false, false);
        for r in results {
            let Done {
                columns,
                before,
                solved,
                quick,
            } = r?;
            let improved = solved.has_plan() && solved.objective > before + tolerance;
            any_quick |= quick;
            any_stuck |= solved.status != Status::Optimal && !improved;
            if !improved {
                continue;
            }
            for &(whole, sub) in &columns {
                values[whole.index] = solved.value(sub);
            }
            value += solved.objective - before;
            found = true;
        }
        round_found |= found;
        target = if any_stuck {
            (target * 2 / 3).max(NEIGHBOURHOOD_MIN_LINKS)
        } else if any_quick {
            (target * 3 / 2).min(NEIGHBOURHOOD_MAX_LINKS)
        } else {
            target
        };
        if found {
            control.tell(Some(value), None);
        }
    }
    if value <= first_value {
        return Ok(None);
    }
    // The plan of the values, read as a solve's, worth exactly what they are.
    let objective = milp.cost.iter().zip(&values).map(|(c, x)| c * x).sum();
    let read = Solved::of_values(plan.status, objective, values);
    let better = model.read(net, &read, true);
    Ok(worth_more(better, plan))
}

/// `better`, a plan found from `plan` (of the same network), with `plan`'s
/// status and bound (at least its own net benefit) and its own gap, when it
/// is worth more than `plan`.
pub(crate) fn worth_more(better: Solution, plan: &Solution) -> Option<Solution> {
    let objective = better.objective?;
    if plan.objective.is_some_and(|first| objective <= first) {
        return None;
    }
    let best_bound = plan.best_bound.map(|b| b.max(objective));
    let gap = best_bound.and_then(|b| relative_gap(b, objective));
    Some(Solution {
        best_bound,
        gap: tidy_gap(gap, plan.status),
        ..better
    })
}

/// One neighbourhood's MILP, ready to solve: `columns` are the model's columns
/// it frees, each with its own column in the neighbourhood's MILP, `start` the
/// plan's values of them, and `before` what they earn at the plan.
struct Job {
    sub: Milp,
    links: usize,
    columns: Vec<(Column, Column)>,
    start: Vec<f64>,
    before: f64,
}

/// A neighbourhood's MILP solved: whether within a [`NEIGHBOURHOOD_QUICK`] share of its time.
struct Done {
    columns: Vec<(Column, Column)>,
    before: f64,
    solved: Solved,
    quick: bool,
}

/// The outputs and inputs of a network as nodes (outputs first, each once),
/// and the links at each.
pub(crate) struct Graph {
    /// The two nodes of each link: its output's and its input's.
    ends: Vec<(usize, usize)>,
    /// `starts[u]..starts[u + 1]` is node u's range of `links`.
    starts: Vec<usize>,
    /// The links at each node, node after node, ascending.
    links: Vec<usize>,
}

impl Graph {
    pub(crate) fn of(s: &Scenario, net: &Network) -> Graph {
        let mut node_of_output = vec![usize::MAX; s.outputs.len()];
        let mut node_of_input = vec![usize::MAX; s.inputs.len()];
        let mut nodes = 0;
        for l in &net.links {
            if node_of_output[l.output.0] == usize::MAX {
                node_of_output[l.output.0] = nodes;
                nodes += 1;
            }
        }
        for l in &net.links {
            if node_of_input[l.input.0] == usize::MAX {
                node_of_input[l.input.0] = nodes;
                nodes += 1;
            }
        }
        let ends: Vec<(usize, usize)> = net
            .links
            .iter()
            .map(|l| (node_of_output[l.output.0], node_of_input[l.input.0]))
            .collect();
        let mut starts = vec![0; nodes + 1];
        for &(a, b) in &ends {
            starts[a + 1] += 1;
            starts[b + 1] += 1;
        }
        for u in 0..nodes {
            starts[u + 1] += starts[u];
        }
        let mut fill = starts.clone();
        let mut links = vec![0; 2 * ends.len()];
        for (k, &(a, b)) in ends.iter().enumerate() {
            for u in [a, b] {
                links[fill[u]] = k;
                fill[u] += 1;
            }
        }
        Graph {
            ends,
            starts,
            links,
        }
    }

    /// The two nodes of link k: its output's and its input's.
    pub(crate) fn ends(&self, k: usize) -> (usize, usize) {
        self.ends[k]
    }

    pub(crate) fn nodes(&self) -> usize {
        self.starts.len() - 1
    }

    fn at(&self, u: usize) -> &[usize] {
        &self.links[self.starts[u]..self.starts[u + 1]]
    }

    /// The nodes with a positive score (the sum of `weight` over their links),
    /// highest first, ties by node.
    pub(crate) fn seeds(&self, weight: impl Fn(usize) -> f64) -> Vec<usize> {
        let mut scored: Vec<(usize, f64)> = (0..self.nodes())
            .map(|u| (u, self.at(u).iter().map(|&k| weight(k)).sum::<f64>()))
            .filter(|&(_, w)| w > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.into_iter().map(|(u, _)| u).collect()
    }

    /// Up to `workers` neighbourhoods of `target` links, from the seeds of
    /// `seeds[*next..]` that no neighbourhood covers yet, each on nodes none
    /// of the others holds (`taken`). A seed whose every neighbour another
    /// one took frees no link: it is passed over (its node now covered), since
    /// a MILP of no columns is nothing to solve.
    fn batch(
        &self,
        seeds: &[usize],
        next: &mut usize,
        workers: usize,
        target: usize,
        covered: &mut [bool],
        taken: &mut [bool],
    ) -> Vec<Vec<usize>> {
        let mut batch: Vec<Vec<usize>> = Vec::with_capacity(workers);
        while batch.len() < workers {
            let Some(p) = seeds[*next..]
                .iter()
                .position(|&u| !covered[u] && !taken[u])
            else {
                break;
            };
            let seed = seeds[*next + p];
            *next += p + 1;
            let links = self.neighbourhood(seed, target, covered, taken);
            if !links.is_empty() {
                batch.push(links);
            }
        }
        batch
    }

    /// The links among the nodes reached breadth first from `seed` until at
    /// least `target` links join two reached nodes (or no node is left to
    /// reach), in ascending order; nodes marked in `taken` are not reached,
    /// and the reached nodes are marked in `covered` and in `taken`.
    pub(crate) fn neighbourhood(
        &self,
        seed: usize,
        target: usize,
        covered: &mut [bool],
        taken: &mut [bool],
    ) -> Vec<usize> {
        let mut reached = std::collections::BTreeSet::new();
        let mut queue = VecDeque::from([seed]);
        let mut queued = std::collections::BTreeSet::from([seed]);
        let mut links = Vec::new();
        while let Some(u) = queue.pop_front() {
            reached.insert(u);
            covered[u] = true;
            taken[u] = true;
            for &k in self.at(u) {
                let (a, b) = self.ends[k];
                let other = if a == u { b } else { a };
                if reached.contains(&other) && other != u {
                    links.push(k);
                } else if !taken[other] && queued.insert(other) {
                    queue.push_back(other);
                }
            }
            if links.len() >= target {
                break;
            }
        }
        links.sort_unstable();
        links
    }
}

#[cfg(test)]
mod tests {
    use super::{improve, pays, Graph};
    use crate::model::deadline::Deadline;
    use crate::model::formulation::Model;
    use crate::model::tuning::{
        LNS_FROM_LINKS as FROM_LINKS, NEIGHBOURHOOD_START_LINKS as START_LINKS, STALLED_GAP,
    };
    use crate::model::{self, Control, SolveOptions};

    #[test]
    fn neighbourhoods_go_to_large_networks_and_to_stalled_searches() {
        // A first search: by size alone.
        assert!(pays(FROM_LINKS, None));
        assert!(!pays(FROM_LINKS - 1, None));
        // A resumed one: also when its plan is still far from its bound.
        assert!(pays(FROM_LINKS - 1, Some(STALLED_GAP)));
        assert!(pays(START_LINKS + 1, Some(0.04)));
        assert!(!pays(START_LINKS + 1, Some(STALLED_GAP / 2.0)));
        assert!(pays(FROM_LINKS, Some(0.0)));
        // Not when one neighbourhood would hold the whole network.
        assert!(!pays(START_LINKS, Some(0.04)));
    }

    #[test]
    fn a_neighbourhood_holds_the_links_among_the_nodes_it_reaches() {
        let (s, net) = model::generated_region(150, 5);
        let graph = Graph::of(&s, &net);
        let mut covered = vec![false; graph.nodes()];
        let mut taken = vec![false; graph.nodes()];
        let links = graph.neighbourhood(0, 200, &mut covered, &mut taken);
        assert_eq!(covered, taken);
        assert!(links.len() >= 200, "{}", links.len());
        assert!(links.windows(2).all(|w| w[0] < w[1]));
        for &k in &links {
            let (a, b) = graph.ends[k];
            assert!(
                covered[a] && covered[b],
                "link {k} leaves the neighbourhood"
            );
        }
        // Every link between two reached nodes is in it.
        let among = graph
            .ends
            .iter()
            .filter(|&&(a, b)| covered[a] && covered[b])
            .count();
        assert_eq!(among, links.len());
        assert!(
            covered.iter().any(|&c| !c),
            "the neighbourhood is the whole network"
        );
    }

    #[test]
    fn neighbourhoods_of_one_batch_share_no_node() {
        let (s, net) = model::generated_region(150, 5);
        let graph = Graph::of(&s, &net);
        let mut covered = vec![false; graph.nodes()];
        let mut taken = vec![false; graph.nodes()];
        let first = graph.neighbourhood(0, 200, &mut covered, &mut taken);
        let before = taken.clone();
        let seed = (0..graph.nodes()).find(|&u| !taken[u]).unwrap();
        let second = graph.neighbourhood(seed, 200, &mut covered, &mut taken);
        assert!(!first.is_empty() && !second.is_empty());
        for &k in &second {
            let (a, b) = graph.ends[k];
            assert!(
                !before[a] && !before[b],
                "link {k} meets the first neighbourhood"
            );
        }
    }

    #[test]
    fn a_batch_passes_over_seeds_the_others_hem_in() {
        let (s, net) = model::generated_region(150, 5);
        let graph = Graph::of(&s, &net);
        let seeds = graph.seeds(|k| k as f64);
        // Neighbourhoods of one link, as many as there are nodes: most seeds
        // then find every neighbour taken by a neighbourhood before them.
        let mut covered = vec![false; graph.nodes()];
        let mut taken = vec![false; graph.nodes()];
        let hemmed_in = {
            let (mut c, mut t) = (covered.clone(), taken.clone());
            let mut empty = 0;
            for &u in &seeds {
                if !c[u] && !t[u] && graph.neighbourhood(u, 1, &mut c, &mut t).is_empty() {
                    empty += 1;
                }
            }
            empty
        };
        assert!(
            hemmed_in > 0,
            "no seed is hemmed in: the test shows nothing"
        );
        let mut next = 0;
        let batch = graph.batch(
            &seeds,
            &mut next,
            graph.nodes(),
            1,
            &mut covered,
            &mut taken,
        );
        assert!(!batch.is_empty());
        assert!(batch.iter().all(|links| !links.is_empty()));
        // No two share a node.
        let mut seen = vec![false; graph.nodes()];
        for links in &batch {
            let mut nodes: Vec<usize> = links
                .iter()
                .flat_map(|&k| [graph.ends[k].0, graph.ends[k].1])
                .collect();
            nodes.sort_unstable();
            nodes.dedup();
            for u in nodes {
                assert!(!seen[u], "node {u} in two neighbourhoods");
                seen[u] = true;
            }
        }
    }

    #[test]
    fn neighbourhoods_improve_a_plan_to_a_feasible_one_worth_what_it_says() {
        for threads in [1, 2] {
            improves_the_empty_plan(threads);
        }
    }

    fn improves_the_empty_plan(threads: u32) {
        let (s, net) = model::generated_region(60, 5);
        let n = net.links.len();
        let empty = model::unsolved(&s, &net, &[]);
        // Seeds where the links could carry most.
        let guide: Vec<f64> = net.links.iter().map(|l| l.upper_bound).collect();
        let options = SolveOptions {
            time_limit: Some(3.0),
            threads,
            ..SolveOptions::default()
        };
        let deadline = Deadline::after(options.time_limit);
        let control = Control::default();
        let better = improve(&s, &net, &[], &empty, &guide, &options, deadline, control)
            .unwrap()
            .expect("the empty plan of a region can be improved");
        let value = better.objective.unwrap();
        assert!(value > empty.objective.unwrap());
        // Every row and bound of the MILP holds at the plan.
        let whole = Model::whole(&s, &net);
        let x = whole.values_of(&s, &net, &better);
        assert_eq!(x.len(), 2 * n);
        let milp = &whole.milp;
        milp.assert_holds(&x);
        // Its net benefit is its links', and no more than the optimum.
        let p = &s.parameters;
        let worth: f64 = net
            .links
            .iter()
            .enumerate()
            .map(|(k, l)| {
                l.margin_per_unit(p.carbon_price, p.energy_price) * better.flows[k]
                    - if better.built[k] {
                        l.fixed_charge_per_year()
                    } else {
                        0.0
                    }
            })
            .sum();
        assert!(
            (worth - value).abs() <= 1e-9 * value.abs(),
            "{worth} vs {value}"
        );
        let exact = SolveOptions {
            gap: 0.0,
            ..SolveOptions::default()
        };
        let optimum = model::solve(&s, &net, &exact).unwrap().objective.unwrap();
        assert!(
            value <= optimum + 1e-6 * optimum.abs(),
            "{value} above the optimum {optimum}"
        );
    }
}
