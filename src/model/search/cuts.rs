//! Flow cover and mixed-integer rounding cuts: valid inequalities that make
//! the LP relaxation of the net-benefit MILP pay more of the links' charges,
//! without changing its integer optimum (docs/formulation.md, step 5 of the
//! reductions). The flow cover cut is described here; the rounding cut at
//! [`separate_mir`].
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

use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::formulation::{self, Cut, Model, Rows};
use crate::model::highs;
use crate::model::milp::{Milp, Sense};
use crate::model::tuning::{CUTS_CONVERGED, CUT_ROUNDS, LEAST_LIMIT, MIR_DIVISORS};
use crate::network::Network;

/// The flow cover and rounding cuts of `net` found in rounds from the point
/// `x` (a flow per link, as an LP relaxation gives it, with `y = x / U`): each
/// round adds the cuts the point violates (up to one of each kind per row) to
/// the LP relaxation of the MILP (builds continuous) and solves it again from
/// its last basis for the next point, until no cut is
/// violated, the LP optimum moves by less than [`CUTS_CONVERGED`], [`CUT_ROUNDS`]
/// rounds are done, or `deadline` has passed. The cuts are valid
/// for every plan of `net`, so the MILP with them has the same optimum, and
/// the optimum of the last LP solved with them (returned beside them, `None`
/// when no LP with cuts was solved to its optimum) bounds it.
pub(crate) fn rounds(
    s: &Scenario,
    net: &Network,
    x: &[f64],
    deadline: Deadline,
) -> Result<(Vec<Cut>, Option<f64>), Error> {
    // The relaxation without cuts, whose node rows are the rows searched.
    let Model {
        milp: mut base,
        vars: v,
        rows: named,
    } = Model::whole(s, net);
    base.integer.fill(false);
    let rows = node_rows(&base, &v, &named);
    let mut x = x.to_vec();
    let mut y: Vec<f64> = (0..net.links.len())
        .map(|k| {
            let (flow, build) = (v.x[k].index, v.y[k].index);
            if base.lower[build] >= 1.0 || base.lower[flow] == base.upper[flow] {
                1.0
            } else if base.upper[flow] > 0.0 {
                (x[k] / base.upper[flow]).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let mut cuts: Vec<Cut> = Vec::new();
    let mut last: Option<f64> = None;
    // The relaxation, kept between rounds so that each starts from the last basis.
    let mut lp = highs::WarmLp::new(base)?;
    for _ in 0..CUT_ROUNDS {
        let found: Vec<Cut> = rows
            .iter()
            .flat_map(|(b, items)| {
                let cover = separate(*b, items, &x, &y);
                let mir = separate_mir(*b, items, &x, &y);
                cover.into_iter().chain(mir)
            })
            .collect();
        if found.is_empty() {
            break;
        }
        let mut rows = Milp::new(Sense::Maximise);
        formulation::cut_rows(&found, &v, &mut rows, &mut Rows::default());
        cuts.extend(found);
        if deadline.remaining().is_some_and(|t| t <= LEAST_LIMIT) {
            break;
        }
        lp.add_rows(&rows)?;
        let Some(next) = lp.solve(deadline.left())? else {
            break;
        };
        let value = next.objective;
        let converged =
            last.is_some_and(|v| (v - value).abs() <= CUTS_CONVERGED * value.abs().max(1.0));
        last = Some(value);
        if converged {
            break;
        }
        x = v.x.iter().map(|&c| next.value(c)).collect();
        y = v.y.iter().map(|&c| next.value(c)).collect();
    }
    Ok((cuts, last))
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

/// The node rows of a model of links `v` (supply, demand and share: the `≤`
/// rows over flows alone, with positive coefficients) as (right-hand side,
/// items), in row order. A flow fixed at its recorded quantity is taken off
/// the right-hand side; links built anyway (`y ≥ 1`) and links that cannot
/// carry anything are left out, which keeps every cut valid since `x ≥ 0`.
fn node_rows(m: &Milp, v: &formulation::Vars, named: &Rows) -> Vec<(f64, Vec<Item>)> {
    let mut link_of = vec![None; m.columns()];
    for (k, c) in v.x.iter().enumerate() {
        link_of[c.index] = Some(k);
    }
    let mut rows = Vec::new();
    'rows: for (_, row) in named.nodes() {
        let r = row.index;
        let (mut b, mut items) = (m.row_upper[r], Vec::new());
        for e in m.starts[r]..m.starts[r + 1] {
            let (col, a) = (m.index[e] as usize, m.value[e]);
            // A node row is over flows alone; one whose flow could raise the
            // row's room is not searched.
            let Some(k) = link_of[col] else {
                continue 'rows;
            };
            if m.lower[col] == m.upper[col] {
                b -= a * m.lower[col];
            } else if a < 0.0 {
                continue 'rows;
            } else if a > 0.0 && m.upper[col] > 0.0 && m.lower[v.y[k].index] < 1.0 {
                items.push(Item {
                    link: k,
                    a,
                    m: a * m.upper[col],
                });
            }
        }
        if !items.is_empty() {
            rows.push((b, items));
        }
    }
    rows
}

/// A flow cover cut of the row `Σ a x ≤ b` over `items` that the point
/// `(x, y)` (flow and build value per link) violates, if one is found: covers
/// are tried in three orders of the row's links with `y > 0` (by `(1 − y)/m`,
/// by `1 − y`, by `−y m`), each taking links until their capacities exceed
/// `b`, and the most violated of their cuts is kept.
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

/// The mixed-integer rounding function `F(a) = ⌊a⌋ + (f(a) − f₀)⁺ / (1 − f₀)`,
/// `f` the fractional part.
fn rounding(a: f64, f0: f64) -> f64 {
    let fa = a - a.floor();
    a.floor() + (fa - f0).max(0.0) / (1.0 - f0)
}

/// A mixed-integer rounding cut of the row `Σ a x ≤ b` over `items` that the
/// point `(x, y)` violates, if one is found (Marchand and Wolsey 2001).
///
/// Over the links `S` with `y > 0`, write `a_j x_j = m_j y_j − t_j` with
/// `t_j ≥ 0` (the room `x_j ≤ U_j y_j` leaves), and complement the links `T`
/// built half or more (`y_j = 1 − z_j`):
/// `Σ_{S∖T} m_j y_j − Σ_T m_j z_j − Σ_S t_j ≤ b − m(T)`. Divided by `δ > 0`,
/// with `β = (b − m(T)) / δ` and `f₀` its fractional part, mixed-integer
/// rounding of this row of nonnegative integers `y, z` and a nonnegative
/// continuous `Σ t` gives
/// `Σ_{S∖T} F(m_j/δ) y_j + Σ_T F(−m_j/δ) z_j − Σ_S t_j / (δ(1 − f₀)) ≤ ⌊β⌋`,
/// valid at every plan. Multiplied by `s = δ(1 − f₀)` and written back in `x`
/// and `y`, it is the cut returned. Divisors are the capacities `m_j` of the
/// row's links built in part (those nearest half built first) and the largest
/// capacity; both with and without complementing, the cut of most violation
/// per unit of its coefficients' norm is kept.
///
/// Where one stream's flow is spread over more links of equal capacity than
/// it needs, each built in proportion to its flow, no cover of the row is cut
/// off (the flow cover's terms vanish once a cover holds more than one link
/// beyond the row's room), while this cut with `δ` that capacity is.
fn separate_mir(b: f64, items: &[Item], x: &[f64], y: &[f64]) -> Option<Cut> {
    let scale = b.abs().max(1.0);
    let used: Vec<Item> = items
        .iter()
        .copied()
        .filter(|it| y[it.link] > 1e-9)
        .collect();
    if used.len() < 2 {
        return None;
    }
    let fractional = |it: &&Item| y[it.link] > 1e-6 && y[it.link] < 1.0 - 1e-6;
    if !used.iter().any(|it| fractional(&it)) {
        return None;
    }
    let mut by_half: Vec<&Item> = used.iter().filter(fractional).collect();
    by_half.sort_by(|p, q| {
        let key = |it: &Item| (y[it.link] - 0.5).abs();
        key(p).total_cmp(&key(q)).then(p.link.cmp(&q.link))
    });
    let largest = used.iter().map(|it| it.m).fold(0.0, f64::max);
    let mut divisors = vec![largest];
    for it in by_half {
        if divisors.len() == MIR_DIVISORS {
            break;
        }
        if !divisors.contains(&it.m) {
            divisors.push(it.m);
        }
    }
    let mut best: Option<(f64, Cut)> = None;
    for &delta in &divisors {
        for complement in [false, true] {
            let in_t = |it: &Item| complement && y[it.link] >= 0.5;
            if complement && !used.iter().any(&in_t) {
                continue;
            }
            let room = b - used
                .iter()
                .filter(|it| in_t(it))
                .map(|it| it.m)
                .sum::<f64>();
            let beta = room / delta;
            let f0 = beta - beta.floor();
            if !(1e-3..=1.0 - 1e-3).contains(&f0) {
                continue;
            }
            let s = delta * (1.0 - f0);
            let mut cut = Cut {
                flow: Vec::with_capacity(used.len()),
                build: Vec::with_capacity(used.len()),
                at_most: s * beta.floor(),
            };
            for it in &used {
                cut.flow.push((it.link, it.a));
                let c = if in_t(it) {
                    let g = s * rounding(-it.m / delta, f0);
                    cut.at_most -= g;
                    -g - it.m
                } else {
                    s * rounding(it.m / delta, f0) - it.m
                };
                if c != 0.0 {
                    cut.build.push((it.link, c));
                }
            }
            let violation = cut.lhs(x, y) - cut.at_most;
            if violation <= 1e-6 * scale {
                continue;
            }
            let norm = cut
                .flow
                .iter()
                .chain(&cut.build)
                .map(|t| t.1 * t.1)
                .sum::<f64>()
                .sqrt();
            let efficacy = violation / norm;
            if best.as_ref().map_or(true, |(e, _)| efficacy > *e) {
                best = Some((efficacy, cut));
            }
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
    use super::{rounds, separate, separate_mir, Item};
    use crate::model::deadline::Deadline;
    use crate::model::formulation::Model;
    use crate::model::{self, highs, SolveOptions};

    #[test]
    fn the_lp_with_the_cuts_bounds_the_optimum_and_is_below_the_lp_without() {
        let (s, net) = model::generated_region(60, 5);
        // The relaxation's flows, the point the rounds start from.
        let Model {
            milp: mut relaxation,
            vars: v,
            ..
        } = Model::whole(&s, &net);
        relaxation.integer.fill(false);
        let lp = highs::WarmLp::new(relaxation)
            .unwrap()
            .solve(None)
            .unwrap()
            .unwrap();
        let x: Vec<f64> = v.x.iter().map(|&c| lp.value(c)).collect();
        let (cuts, with_cuts) = rounds(&s, &net, &x, Deadline::NONE).unwrap();
        let with_cuts = with_cuts.expect("an LP with cuts was solved");
        assert!(!cuts.is_empty());
        let tol = 1e-6 * lp.objective.abs();
        assert!(
            with_cuts <= lp.objective + tol,
            "{with_cuts} above the LP's {}",
            lp.objective
        );
        let exact = SolveOptions {
            gap: 0.0,
            ..SolveOptions::default()
        };
        let optimum = model::solve(&s, &net, &exact).unwrap().objective.unwrap();
        assert!(
            with_cuts >= optimum - tol,
            "{with_cuts} below the optimum {optimum}"
        );
        // The cuts close part of the relaxation's gap on this region.
        assert!(
            with_cuts < lp.objective - tol,
            "{with_cuts} vs {}",
            lp.objective
        );
    }

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

    #[test]
    fn a_flow_spread_over_more_links_than_it_needs_is_cut_off_by_rounding() {
        // Room 9 over four links of bound 5: the LP sends 2.25 on each at
        // y = 0.45, paying 1.8 charges where a plan needs two links. No cover
        // is violated (two links leave λ = 1, three or more no term).
        let row = items(&[(1.0, 5.0); 4]);
        let (x, y) = ([2.25; 4], [0.45; 4]);
        assert_eq!(separate(9.0, &row, &x, &y), None);
        let cut = separate_mir(9.0, &row, &x, &y).expect("the point is cut off");
        // δ = 5, β = 1.8: Σ x − 4 Σ y ≤ 1, that is Σ x ≤ 9 − 4 (2 − Σ y).
        assert_eq!(cut.flow, vec![(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)]);
        for &(_, c) in &cut.build {
            assert!((c + 4.0).abs() < 1e-12, "{cut:?}");
        }
        assert!((cut.at_most - 1.0).abs() < 1e-12, "{cut:?}");
        assert!(cut.lhs(&x, &y) > cut.at_most);
        // Two full links and a third idle, or 9 over two links: it holds.
        assert!(cut.lhs(&[5.0, 4.0, 0.0, 0.0], &[1.0, 1.0, 0.0, 0.0]) <= cut.at_most + 1e-12);
        assert!(cut.lhs(&[4.5, 4.5, 0.0, 0.0], &[1.0, 1.0, 1.0, 0.0]) <= cut.at_most + 1e-12);
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
            for cut in separate(b, &row, &x, &y).into_iter().chain(separate_mir(b, &row, &x, &y)) {
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
