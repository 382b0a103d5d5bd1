//! The trade-off between net benefit and CO2 avoided, by the ε-constraint method.
//!
//! Two anchor solves bound the front: the benefit optimum (the plan `symbio solve`
//! gives) and the largest CO2 avoided any plan achieves. Between them, for ε spread
//! evenly over [CO2 of the benefit optimum, largest CO2], each point maximises the
//! net benefit subject to Σ_l Δ_l x_l ≥ ε; the last one (ε = largest CO2) is the
//! lexicographic optimum "most CO2, then most benefit", so it is not dominated.
//! Dominated and duplicate points are removed and the rest sorted by CO2.
//!
//! "Net benefit" is the objective of the scenario, carbon valued at its
//! `carbon_price` (so CO2 counts on both axes when the price is not 0); each point
//! also reports the benefit without the carbon value. At `carbon_price = 0` they
//! coincide.
//!
//! The network for the front keeps the candidate links that never pay but avoid
//! CO2 (Δ_l > 0 with v_l ≤ 0): [`crate::network::build`] leaves them out because
//! they never enter a benefit-optimal plan, but they are what buys CO2 beyond it.

use serde::{Deserialize, Serialize};

use crate::domain::Scenario;
use crate::error::Error;
use crate::link_key::LinkKey;
use crate::model::{self, FlowConstraint, Solution, SolveOptions, Status};
use crate::network::{self, Network};
use crate::parallel::Pool;
use crate::plan::{self, round, Plan};

/// Options of a Pareto front.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParetoOptions {
    /// Points requested, including both ends (at least 2).
    pub points: usize,
    /// Solves run at once (each with one HiGHS thread).
    pub threads: usize,
    /// Options of each solve (its `threads` is ignored: always 1).
    pub solve: SolveOptions,
}

/// One exchange of a point of the front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontLink {
    /// The link.
    #[serde(flatten)]
    pub key: LinkKey,
    /// Flow sent, units of the output per year.
    pub flow: f64,
    /// Unit of `flow`.
    pub unit: String,
    /// Annual net benefit of the link (carbon at the carbon price), currency per year.
    pub net_benefit: f64,
    /// t CO2e avoided per year.
    pub co2_avoided: f64,
}

/// One non-dominated plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontPoint {
    /// Lower bound on CO2 avoided the plan was solved under, t CO2e per year
    /// (for the benefit optimum, its own CO2: the bound does not bind).
    pub epsilon: f64,
    /// Solver status (`time_limit` points may not be Pareto-optimal).
    pub status: Status,
    /// Relative gap of the solve.
    pub gap: Option<f64>,
    /// Annual net benefit, carbon valued at the carbon price (what is maximised).
    pub net_benefit: f64,
    /// Of which the value of the CO2 avoided at the carbon price.
    pub carbon_value: f64,
    /// Net benefit without the carbon value (`net_benefit − carbon_value`).
    pub net_benefit_without_carbon: f64,
    /// t CO2e avoided per year.
    pub co2_avoided: f64,
    /// The plan's exchanges.
    pub links: Vec<FrontLink>,
    /// Of a scenario with plants, the plants the plan opens as `plant:size`, in
    /// scenario order (absent without plants, and in a front read from CSV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plants: Option<Vec<String>>,
}

/// A Pareto front of net benefit against CO2 avoided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Front {
    /// Scenario name.
    pub scenario: String,
    /// Currency of money figures.
    pub currency: String,
    /// Carbon price of the scenario, currency per t CO2e (part of the net benefit).
    pub carbon_price: f64,
    /// Status of the benefit-optimal solve (no points unless it has a plan).
    pub status: Status,
    /// Points requested.
    pub points_requested: usize,
    /// CO2 avoided by the benefit optimum, t per year (the front's first ε).
    pub co2_at_benefit_optimum: Option<f64>,
    /// Largest CO2 avoided by any plan, t per year (the front's last ε).
    pub co2_max: Option<f64>,
    /// Non-dominated points, by CO2 avoided ascending (net benefit descending).
    pub points: Vec<FrontPoint>,
}

/// A front from its CSV (`symbio pareto --format csv`), or why it is not one
/// (the message names the line). The CSV has less than the JSON: the scenario's
/// name and currency are empty, the carbon price is that of the points
/// (`carbon_value / co2_avoided`, 0 when no point avoids CO2), the points
/// requested are the points read, and of each exchange only the key and the flow
/// are known (its unit is empty, its net benefit and CO2 are NaN).
pub fn read_csv(text: &str) -> Result<Front, String> {
    const HEADER: [&str; 8] = [
        "point",
        "epsilon",
        "co2_avoided",
        "net_benefit",
        "carbon_value",
        "net_benefit_without_carbon",
        "status",
        "links",
    ];
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| e.to_string())?;
    if header.iter().ne(HEADER) {
        return Err(format!(
            "its header is not that of a Pareto front's CSV ({})",
            HEADER.join(",")
        ));
    }
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |m: String| format!("line {line}: {m}");
        let number = |k: usize| -> Result<f64, String> {
            let cell = record.get(k).unwrap_or_default();
            cell.parse::<f64>()
                .map_err(|_| at(format!("{}: {cell:?} is not a number", HEADER[k])))
        };
        let status: Status =
            serde_json::from_value(serde_json::Value::from(record.get(6).unwrap_or_default()))
                .map_err(|e| at(format!("status: {e}")))?;
        let mut links = Vec::new();
        for exchange in record.get(7).unwrap_or_default().split("; ") {
            if exchange.is_empty() {
                continue;
            }
            let (key, flow) = exchange
                .rsplit_once('=')
                .ok_or_else(|| at(format!("links: {exchange:?} is not KEY=FLOW")))?;
            links.push(FrontLink {
                key: key.parse().map_err(|e| at(format!("links: {e}")))?,
                flow: flow
                    .parse()
                    .map_err(|_| at(format!("links: {flow:?} is not a number")))?,
                unit: String::new(),
                net_benefit: f64::NAN,
                co2_avoided: f64::NAN,
            });
        }
        points.push(FrontPoint {
            epsilon: number(1)?,
            status,
            gap: None,
            net_benefit: number(3)?,
            carbon_value: number(4)?,
            net_benefit_without_carbon: number(5)?,
            co2_avoided: number(2)?,
            links,
            plants: None,
        });
    }
    let carbon_price = points
        .iter()
        .find(|p| p.co2_avoided != 0.0)
        .map_or(0.0, |p| p.carbon_value / p.co2_avoided);
    Ok(Front {
        scenario: String::new(),
        currency: String::new(),
        carbon_price,
        status: points.first().map_or(Status::Infeasible, |p| p.status),
        points_requested: points.len(),
        co2_at_benefit_optimum: points.first().map(|p| p.co2_avoided),
        co2_max: points.last().map(|p| p.co2_avoided),
        points,
    })
}

/// The network of the front: the scenario's candidate links, plus those left out
/// as never paying that avoid CO2.
pub(crate) fn front_network(s: &Scenario) -> Result<Network, Error> {
    network::build_with(
        s,
        network::BuildOptions {
            keep_co2_positive: true,
        },
    )
}

/// Σ_l Δ_l x_l ≥ ε.
fn co2_floor(net: &Network, epsilon: f64) -> FlowConstraint {
    FlowConstraint {
        coefficients: net
            .links
            .iter()
            .enumerate()
            .map(|(k, l)| (k, l.co2_avoided_per_unit()))
            .filter(|&(_, a)| a != 0.0)
            .collect(),
        at_least: epsilon,
    }
}

fn co2_of(net: &Network, sol: &Solution) -> f64 {
    net.links
        .iter()
        .zip(&sol.flows)
        .map(|(l, x)| l.co2_avoided_per_unit() * x)
        .sum()
}

/// Computes the front.
pub fn front(s: &Scenario, options: &ParetoOptions) -> Result<Front, Error> {
    if options.points < 2 {
        return Err(Error::option(
            "points",
            format!(
                "must be at least 2 (both ends of the front), got {}",
                options.points
            ),
        ));
    }
    let net = front_network(s)?;
    // Each point is one MILP on one thread, beside the others.
    let solve = options.solve.one_thread().one_milp();
    let pool = Pool::new(options.threads)?;
    let mut out = Front {
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        carbon_price: s.parameters.carbon_price,
        status: Status::Infeasible,
        points_requested: options.points,
        co2_at_benefit_optimum: None,
        co2_max: None,
        points: Vec::new(),
    };

    // The two anchors, at once.
    let anchors = pool.map(&[false, true], |&green| {
        if green {
            model::solve_max_co2(s, &net, &solve, &[])
        } else {
            model::solve(s, &net, &solve)
        }
    });
    let mut anchors = anchors.into_iter();
    let (Some(best), Some(green)) = (anchors.next(), anchors.next()) else {
        return Err(Error::Solver(
            "the two ends of the front were not solved".into(),
        ));
    };
    let (best, green) = (best?, green?);
    out.status = best.status;
    if !best.status.has_plan() {
        return Ok(out);
    }
    let lo = co2_of(&net, &best);
    let hi = if green.status.has_plan() {
        co2_of(&net, &green).max(lo)
    } else {
        lo
    };
    out.co2_at_benefit_optimum = Some(round(lo));
    out.co2_max = Some(round(hi));

    // ε-constrained solves. The last floor sits a hair below the largest CO2 (the
    // lexicographic optimum), so that solver tolerances do not make it infeasible;
    // should they still, a looser hair, then the max-CO2 plan itself, stands in.
    let scale = hi.abs().max(1.0);
    let mut solved = vec![(lo, best)];
    if hi - lo > 1e-6 * scale {
        let n = options.points - 1;
        let eps: Vec<f64> = (1..=n)
            .map(|k| {
                if k == n {
                    hi - 1e-9 * scale
                } else {
                    lo + (hi - lo) * k as f64 / n as f64
                }
            })
            .collect();
        let sols = pool.map(&eps, |&e| {
            model::solve_with(s, &net, &solve, &[co2_floor(&net, e)])
        });
        for (k, (e, sol)) in eps.into_iter().zip(sols).enumerate() {
            let mut sol = sol?;
            let mut e = e;
            if k + 1 == n && !sol.status.has_plan() {
                e = hi - 1e-6 * scale;
                sol = model::solve_with(s, &net, &solve, &[co2_floor(&net, e)])?;
                if !sol.status.has_plan() {
                    (e, sol) = (hi, green.clone());
                }
            }
            if sol.status.has_plan() {
                solved.push((e, sol));
            }
        }
    }

    let points: Vec<FrontPoint> = solved
        .iter()
        .map(|(e, sol)| point(&plan::assemble(s, &net, sol), *e))
        .collect();
    let values: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.net_benefit, p.co2_avoided))
        .collect();
    let keep = non_dominated(&values, solve.gap.max(1e-9));
    let mut points: Vec<FrontPoint> = keep.into_iter().map(|k| points[k].clone()).collect();
    points.sort_by(|a, b| {
        a.co2_avoided
            .total_cmp(&b.co2_avoided)
            .then(b.net_benefit.total_cmp(&a.net_benefit))
    });
    out.points = points;
    Ok(out)
}

fn point(p: &Plan, epsilon: f64) -> FrontPoint {
    let t = &p.totals.figures;
    FrontPoint {
        epsilon: round(epsilon),
        status: p.status,
        gap: p.gap,
        net_benefit: t.net_benefit,
        carbon_value: t.carbon_value,
        net_benefit_without_carbon: round(t.net_benefit - t.carbon_value),
        co2_avoided: t.co2_avoided,
        links: p
            .links
            .iter()
            .map(|l| FrontLink {
                key: l.key.clone(),
                flow: l.flow,
                unit: l.unit.clone(),
                net_benefit: l.net_benefit,
                co2_avoided: l.co2_avoided,
            })
            .collect(),
        plants: super::point::open_plant_names(p),
    }
}

/// Indices of the points (benefit, CO2) that no other point dominates, in input
/// order. `q` dominates `p` when it is at least as good on both axes and better on
/// one, each within a tolerance of `rel` × the largest magnitude on that axis
/// (solver gaps make equal plans differ in the last digits); of points equal
/// within the tolerance, the first is kept.
pub(crate) fn non_dominated(points: &[(f64, f64)], rel: f64) -> Vec<usize> {
    let scale =
        |f: fn(&(f64, f64)) -> f64| rel * points.iter().map(|p| f(p).abs()).fold(1.0_f64, f64::max);
    let (tb, tc) = (scale(|p| p.0), scale(|p| p.1));
    (0..points.len())
        .filter(|&i| {
            let (bi, ci) = points[i];
            !points.iter().enumerate().any(|(j, &(bj, cj))| {
                j != i && bj >= bi - tb && cj >= ci - tc && (bj > bi + tb || cj > ci + tc || j < i)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::non_dominated;

    #[test]
    fn dominated_and_duplicate_points_are_dropped() {
        let pts = [
            (100.0, 1.0),        // kept: best benefit
            (90.0, 1.0),         // dominated by the first
            (80.0, 5.0),         // kept
            (80.0, 5.0),         // duplicate of the one before
            (79.0, 4.0),         // dominated by (80, 5)
            (10.0, 9.0),         // kept: most CO2
            (10.0, 9.0 + 1e-12), // duplicate within tolerance
        ];
        assert_eq!(non_dominated(&pts, 1e-9), vec![0, 2, 5]);
    }

    #[test]
    fn a_single_point_is_its_own_front() {
        assert_eq!(non_dominated(&[(3.0, -2.0)], 1e-6), vec![0]);
        assert!(non_dominated(&[], 1e-6).is_empty());
    }

    #[test]
    fn no_kept_point_dominates_another() {
        // A grid of points with many dominance relations.
        let pts: Vec<(f64, f64)> = (0..7)
            .flat_map(|a| (0..7).map(move |b| ((a * 3 % 7) as f64 - b as f64, b as f64)))
            .collect();
        let keep = non_dominated(&pts, 1e-9);
        assert!(!keep.is_empty());
        for &i in &keep {
            for &j in &keep {
                let (p, q) = (pts[i], pts[j]);
                assert!(
                    i == j || !(q.0 >= p.0 && q.1 >= p.1),
                    "{q:?} dominates or equals {p:?}"
                );
            }
        }
        // Every dropped point is dominated by (or equal to) a kept one.
        for (i, p) in pts.iter().enumerate() {
            if !keep.contains(&i) {
                assert!(keep.iter().any(|&j| pts[j].0 >= p.0 && pts[j].1 >= p.1));
            }
        }
    }
}
