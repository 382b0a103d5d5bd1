//! Flow cover cuts: valid inequalities that make the LP relaxation of the
//! net-benefit MILP pay more of the links' charges, without changing its
//! integer optimum (docs/formulation.md, "Flow cover cuts").
//!
//! Every supply, demand and share row is a single-node flow set:
//! `Σ_j a_j x_j ≤ b` with `0 ≤ x_j ≤ U_j y_j`, `y_j ∈ {0,1}` and `a_j > 0`.
//! For a set `C` of its links whose capacities `m_j = a_j U_j` exceed `b` by
//! `λ = Σ_C m_j − b > 0`, the flow cover inequality
//!
//! ```text
//! Σ_{j∈C} a_j x_j + Σ_{j∈C} (m_j − λ)⁺ (1 − y_j) ≤ b
//! ```
//!
//! holds at every plan (Padberg, Van Roy and Wolsey 1985). Let `T` be the
//! links of `C` a plan does not build (`x = y = 0` there). If every term
//! `(m_j − λ)⁺` of `T` is 0, the left side is the row's. Otherwise the terms of
//! `T` sum to at most `Σ_T m_j − λ`, the built links of `C` carry at most
//! `Σ_{C∖T} m_j = b + λ − Σ_T m_j`, and the left side is at most `b`. Links
//! outside `C` have `x ≥ 0`, so leaving them out keeps it valid.
//!
//! The LP relaxation splits a stream's flow over links it builds in part,
//! paying each link's charge only in proportion (`y_j = x_j / U_j`); where the
//! stream cannot fill every link it uses, a cover cut makes the last one pay
//! more of its charge. Only the rows and links of the network are read: a cut
//! is a row over the `x` and `y` of the links it names.

use std::time::Instant;

use super::formulation::{self, Milp, Sense};
use super::highs;
use crate::domain::Scenario;
use crate::error::Error;
use crate::network::{CandidateLink, Network};

/// Rounds of separation at most: each adds the cuts its point violates and
/// solves the LP relaxation with them for the next point.
const ROUNDS: usize = 20;

/// The rounds stop when the LP relaxation's optimum moves by less than this,
/// relative to it.
const CONVERGED: f64 = 1e-5;

/// A cut: `Σ a x_k + Σ c y_k ≤ at_most`, over link indices of a network.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cut {
    /// The flow terms: link and coefficient.
    pub flow: Vec<(usize, f64)>,
    /// The build terms: link and coefficient.
    pub build: Vec<(usize, f64)>,
    /// The right-hand side.
    pub at_most: f64,
}

impl Cut {
    /// The left-hand side at flows `x` and build values `y` (by link).
    pub fn lhs(&self, x: &[f64], y: &[f64]) -> f64 {
        self.flow.iter().map(|&(k, a)| a * x[k]).sum::<f64>()
            + self.build.iter().map(|&(k, c)| c * y[k]).sum::<f64>()
    }
}

/// The flow cover cuts of `net` found in rounds from the point `x` (a flow per
/// link, as an LP relaxation gives it, with `y = x / U`): each round adds the
/// cuts the point violates and solves the LP relaxation of the MILP (builds
/// continuous) with every cut so far for the next point, until no cut is
/// violated, the LP optimum moves by less than [`CONVERGED`], [`ROUNDS`]
/// rounds are done, or `time_limit` (seconds) is spent. The cuts are valid
/// for every plan of `net`, so the MILP with them has the same optimum.
pub(crate) fn rounds(
    s: &Scenario,
    net: &Network,
    x: &[f64],
    time_limit: Option<f64>,
) -> Result<Vec<Cut>, Error> {
    let started = Instant::now();
    let mut x = x.to_vec();
    let mut y: Vec<f64> = net
        .links
        .iter()
        .zip(&x)
        .map(|(l, &f)| {
            if l.is_mandatory() || l.recorded_quantity.is_some() {
                1.0
            } else if l.upper_bound > 0.0 {
                (f / l.upper_bound).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let mut cuts: Vec<Cut> = Vec::new();
    let mut last: Option<f64> = None;
    for _ in 0..ROUNDS {
        let found = flow_covers(s, net, &x, &y);
        if found.is_empty() {
            break;
        }
        cuts.extend(found);
        let left = time_limit.map(|t| t - started.elapsed().as_secs_f64());
        if left.is_some_and(|t| t <= 1e-3) {
            break;
        }
        let Some(next) = relaxation(s, net, &cuts, left)? else {
            break;
        };
        let value = next.value;
        if last.is_some_and(|v| (v - value).abs() <= CONVERGED * value.abs().max(1.0)) {
            break;
        }
        (last, x, y) = (Some(value), next.x, next.y);
    }
    Ok(cuts)
}

/// An optimum of an LP relaxation: its value, and the flow and build value of
/// each link.
struct Point {
    value: f64,
    x: Vec<f64>,
    y: Vec<f64>,
}

/// The LP relaxation of the net-benefit MILP of `net` with `cuts`; `None`
/// when it has no optimum within `time_limit`.
fn relaxation(
    s: &Scenario,
    net: &Network,
    cuts: &[Cut],
    time_limit: Option<f64>,
) -> Result<Option<Point>, Error> {
    let mut m = Milp::new(Sense::Maximise);
    let v = formulation::define_variables(net, &mut m);
    formulation::net_benefit(s, net, &v, &mut m);
    formulation::network_constraints(s, net, &v, &mut m);
    formulation::cut_rows(cuts, &v, &mut m);
    m.integer.fill(false);
    let Some(lp) = highs::solve_lp(m, time_limit)? else {
        return Ok(None);
    };
    let values = |cols: &[formulation::Column]| cols.iter().map(|c| lp.columns[c.index]).collect();
    Ok(Some(Point {
        value: lp.objective,
        x: values(&v.x),
        y: values(&v.y),
    }))
}

/// One link of a node row, as the separation sees it.
#[derive(Debug, Clone, Copy)]
struct Item {
    /// The link.
    link: usize,
    /// Its coefficient in the row, `a_j > 0`.
    a: f64,
    /// Its capacity in the row, `m_j = a_j U_j > 0`.
    m: f64,
}

/// The node rows of `net` (supply per output, demand per input, share per
/// input and rule) as (right-hand side, items): the rows of
/// `formulation::network_constraints`. Links with a recorded flow take their
/// flow off the right-hand side; mandatory ones (built anyway) are left out,
/// as are links that cannot carry anything.
fn node_rows(s: &Scenario, net: &Network) -> Vec<(f64, Vec<Item>)> {
    use std::collections::BTreeMap;
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        Supply(usize),
        Demand(usize),
        Share(usize, usize),
    }
    let mut rows: BTreeMap<Key, (f64, Vec<Item>)> = BTreeMap::new();
    let mut add = |key: Key, b: f64, k: usize, a: f64, l: &CandidateLink| {
        let row = rows.entry(key).or_insert_with(|| (b, Vec::new()));
        match l.recorded_quantity {
            Some(q) => row.0 -= a * q,
            None if !l.is_mandatory() && a > 0.0 && l.upper_bound > 0.0 => row.1.push(Item {
                link: k,
                a,
                m: a * l.upper_bound,
            }),
            None => {}
        }
    };
    for (k, l) in net.links.iter().enumerate() {
        let (o, i) = (l.output.0, l.input.0);
        let d = l.displaced_per_unit;
        add(Key::Supply(o), s.outputs[o].quantity, k, 1.0, l);
        add(Key::Demand(i), s.inputs[i].quantity, k, d, l);
        let share = s.rules[l.rule.0].max_share;
        if share < 1.0 {
            add(
                Key::Share(i, l.rule.0),
                share * s.inputs[i].quantity,
                k,
                d,
                l,
            );
        }
    }
    rows.into_values().collect()
}

/// The flow cover cuts of `net`'s node rows that the point `(x, y)` (flow
/// and build value per link, as an LP relaxation gives them) violates, at
/// most one per row, in row order. For each row, covers are tried in three
/// orders of its links with `y > 0` (by `(1 − y)/m`, by `1 − y`, by
/// `−y m`): each takes links until their capacities exceed the row's
/// right-hand side, and the first whose cut is violated is kept.
pub(crate) fn flow_covers(s: &Scenario, net: &Network, x: &[f64], y: &[f64]) -> Vec<Cut> {
    node_rows(s, net)
        .into_iter()
        .filter_map(|(b, items)| separate(b, &items, x, y))
        .collect()
}

/// The most violated of the covers tried (module doc of [`flow_covers`]) of
/// the row `Σ a x ≤ b` over `items`, if one is violated.
fn separate(b: f64, items: &[Item], x: &[f64], y: &[f64]) -> Option<Cut> {
    let scale = b.abs().max(1.0);
    if items.iter().map(|it| it.m).sum::<f64>() <= b + 1e-9 * scale {
        return None;
    }
    let mut used: Vec<Item> = items
        .iter()
        .copied()
        .filter(|it| y[it.link] > 1e-9)
        .collect();
    let orders: [&dyn Fn(&Item) -> f64; 3] = [
        &|it| (1.0 - y[it.link]) / it.m,
        &|it| 1.0 - y[it.link],
        &|it| -y[it.link] * it.m,
    ];
    let mut best: Option<(f64, Cut)> = None;
    for key in orders {
        used.sort_by(|p, q| key(p).total_cmp(&key(q)).then(p.link.cmp(&q.link)));
        let mut total = 0.0;
        let Some(end) = used.iter().position(|it| {
            total += it.m;
            total > b + 1e-9 * scale
        }) else {
            continue;
        };
        let cover = &used[..=end];
        let lambda = total - b;
        if lambda <= 1e-6 * scale {
            continue;
        }
        let mut cut = Cut {
            flow: Vec::with_capacity(cover.len()),
            build: Vec::new(),
            at_most: b,
        };
        for it in cover {
            cut.flow.push((it.link, it.a));
            let g = it.m - lambda;
            if g > 0.0 {
                cut.build.push((it.link, -g));
                cut.at_most -= g;
            }
        }
        let violation = cut.lhs(x, y) - cut.at_most;
        if violation > 1e-6 * scale && best.as_ref().map_or(true, |(v, _)| violation > *v) {
            best = Some((violation, cut));
        }
    }
    best.map(|(_, mut cut)| {
        cut.flow.sort_by_key(|t| t.0);
        cut.build.sort_by_key(|t| t.0);
        cut
    })
}

#[cfg(test)]
mod tests {
    use super::{separate, Item};

    /// Items of a row from (a, U) pairs, links 0, 1, ...
    fn items(pairs: &[(f64, f64)]) -> Vec<Item> {
        pairs
            .iter()
            .enumerate()
            .map(|(link, &(a, u))| Item { link, a, m: a * u })
            .collect()
    }

    #[test]
    fn a_link_built_in_part_to_carry_the_rest_is_cut_off() {
        // Supply 10 over two links of bound 8: the LP fills one and sends the
        // remaining 2 over the other at y = 2/8, paying a quarter of its charge.
        let row = items(&[(1.0, 8.0), (1.0, 8.0)]);
        let (x, y) = ([8.0, 2.0], [1.0, 0.25]);
        let cut = separate(10.0, &row, &x, &y).expect("the point is cut off");
        // λ = 6: x0 + x1 + 2 (1 − y0) + 2 (1 − y1) ≤ 10.
        assert_eq!(cut.flow, vec![(0, 1.0), (1, 1.0)]);
        assert_eq!(cut.build, vec![(0, -2.0), (1, -2.0)]);
        assert_eq!(cut.at_most, 6.0);
        assert!(cut.lhs(&x, &y) > cut.at_most);
        // With y1 = 1 the point satisfies it.
        assert!(cut.lhs(&x, &[1.0, 1.0]) <= cut.at_most + 1e-12);
    }

    #[test]
    fn a_row_its_links_cannot_fill_has_no_cut() {
        let row = items(&[(1.0, 4.0), (2.0, 2.0)]);
        assert_eq!(separate(10.0, &row, &[4.0, 2.0], &[1.0, 1.0]), None);
    }

    proptest::proptest! {
        /// Every cut separated at any point holds at every plan of the row:
        /// any builds, and flows within the built links' bounds that fit.
        #[test]
        fn cuts_hold_at_every_plan(
            links in proptest::collection::vec((0.2f64..3.0, 0.5f64..20.0), 2..7),
            b in 1.0f64..40.0,
            point in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 7),
            plans in proptest::collection::vec((0u32..128, proptest::collection::vec(0.0f64..1.0, 7)), 40),
        ) {
            let row = items(&links);
            let n = row.len();
            // An LP point: x ≤ U y, scaled to fit the row.
            let y: Vec<f64> = point.iter().take(n).map(|p| p.0).collect();
            let mut x: Vec<f64> = (0..n).map(|j| links[j].1 * y[j] * point[j].1).collect();
            let used: f64 = (0..n).map(|j| links[j].0 * x[j]).sum();
            if used > b {
                x.iter_mut().for_each(|v| *v *= b / used);
            }
            if let Some(cut) = separate(b, &row, &x, &y) {
                for (mask, fill) in &plans {
                    let built: Vec<f64> = (0..n).map(|j| f64::from((mask >> j) & 1)).collect();
                    let mut flow: Vec<f64> =
                        (0..n).map(|j| links[j].1 * built[j] * fill[j]).collect();
                    let used: f64 = (0..n).map(|j| links[j].0 * flow[j]).sum();
                    if used > b {
                        flow.iter_mut().for_each(|v| *v *= b / used);
                    }
                    // Flows at their bounds where they fit, too.
                    let full: Vec<f64> = (0..n).map(|j| links[j].1 * built[j]).collect();
                    let fits = (0..n).map(|j| links[j].0 * full[j]).sum::<f64>() <= b;
                    proptest::prop_assert!(cut.lhs(&flow, &built) <= cut.at_most + 1e-9 * b);
                    if fits {
                        proptest::prop_assert!(cut.lhs(&full, &built) <= cut.at_most + 1e-9 * b);
                    }
                }
            }
        }
    }
}
