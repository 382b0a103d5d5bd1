//! Individual rationality (docs/formulation.md, "Individually rational plans"):
//! the MILP of the network with a transfer on every built link and every site at
//! least as well off as asked, then an LP that picks the fairest such transfers.

use super::deadline::Deadline;
use super::formulation::rational::{fair_transfer_lp, rational_milp, RationalMilp};
use super::formulation::{clean, highs_options};
use super::highs;
use super::options::{Control, SolveOptions};
pub use super::options::{LinkShare, Rationality};
use super::solution::{tidy_gap, Solution, Status};
use crate::domain::Scenario;
use crate::error::Error;
use crate::network::Network;

/// An individually rational plan with its transfers.
#[derive(Debug, Clone, PartialEq)]
pub struct RationalSolution {
    /// The plan; its objective is the annual net benefit (transfers cancel out).
    pub solution: Solution,
    /// Transfer per link from the receiver to the supplier, currency per year
    /// (negative when the supplier pays); zero on links not built.
    pub transfers: Vec<f64>,
}

/// Like [`super::solve`] of one MILP, with every site at least as well off as `r.at_least` says,
/// once each built link carries a transfer t_l between its two firms (a free
/// variable, zero when the link is not built). The net benefit is maximised as
/// before; the transfers cancel out in it.
///
/// The transfers that make the plan rational are seldom unique, so a second stage
/// (an LP with the plan fixed) picks those that bring each site's gain closest, in
/// total absolute deviation, to its share of the surplus of the built links
/// (`r.supplier_share` of each link's surplus to its supplier, the rest to its
/// receiver) while keeping every site rational.
pub fn solve_individually_rational(
    s: &Scenario,
    net: &Network,
    options: &SolveOptions,
    r: &Rationality,
) -> Result<RationalSolution, Error> {
    let n = net.links.len();
    if r.shares.len() != n
        || r.shares
            .iter()
            .any(|a| a.supplier.max(a.receiver) >= r.at_least.len())
    {
        return Err(Error::InvalidOption {
            option: "rationality".into(),
            message: "one share per link and one bound per site are needed".into(),
        });
    }
    let tolerance = |b: f64| 1e-6 * b.abs().max(1.0);
    if n == 0 {
        let feasible = r.at_least.iter().all(|&b| b <= tolerance(b));
        return Ok(RationalSolution {
            solution: Solution::without_links(feasible),
            transfers: Vec::new(),
        });
    }
    let RationalMilp {
        milp,
        vars: v,
        transfers: t,
        bound: m,
    } = rational_milp(s, net, r);
    let deadline = Deadline::after(options.time_limit);
    let solved = highs::solve(
        milp,
        &highs_options(options, deadline, n),
        None,
        Control::default(),
    )?;
    if !solved.has_plan() {
        return Ok(RationalSolution {
            solution: Solution::without_plan(solved.status, n),
            transfers: vec![0.0; n],
        });
    }
    let mut flows = Vec::with_capacity(n);
    let mut chosen = Vec::with_capacity(n);
    let mut first = Vec::with_capacity(n);
    for (k, l) in net.links.iter().enumerate() {
        let y = solved.value(v.y[k]) > 0.5;
        let x = if y { clean(solved.value(v.x[k])) } else { 0.0 };
        flows.push(x.min(l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0))));
        chosen.push(y);
        first.push(if y { solved.value(t[k]) } else { 0.0 });
    }
    let mut transfers = first;
    for tolerance in [1e-9, 1e-6] {
        if let Some(t) = fair_transfers(s, net, r, &flows, &chosen, tolerance)? {
            transfers = t;
            break;
        }
    }
    // Transfers below this are solver noise.
    let noise = 1e-9 * m;
    let mut built = Vec::with_capacity(n);
    for (k, l) in net.links.iter().enumerate() {
        if transfers[k].abs() < noise {
            transfers[k] = 0.0;
        }
        // A link built with neither flow nor transfer is the solver's arbitrary choice;
        // one built without flow but with a transfer carries a payment only.
        built.push(chosen[k] && (flows[k] > 0.0 || l.is_mandatory() || transfers[k] != 0.0));
        if !built[k] {
            flows[k] = 0.0;
            transfers[k] = 0.0;
        }
    }
    Ok(RationalSolution {
        solution: Solution {
            status: solved.status,
            objective: Some(solved.objective),
            best_bound: solved.bound.filter(|b| b.is_finite()),
            gap: tidy_gap(solved.gap, solved.status),
            flows,
            built,
            by_period: crate::model::solution::ByPeriod::default(),
        },
        transfers,
    })
}

/// The second stage: with flows and build decisions fixed, the transfers on the
/// built links that keep every site rational (to a relative `tolerance`) and are
/// closest to the bargained ones: minimise Σ_l |t_l − t*_l|, with
/// t*_l = θ S_l − g^s_l the transfer that gives the supplier the share θ of the
/// link's surplus S_l. `None` when the LP has no optimum at this tolerance.
fn fair_transfers(
    s: &Scenario,
    net: &Network,
    r: &Rationality,
    flows: &[f64],
    built: &[bool],
    tolerance: f64,
) -> Result<Option<Vec<f64>>, Error> {
    let n_sites = r.at_least.len();
    let theta = r.supplier_share;
    let mut own = vec![0.0; n_sites];
    let mut touched = vec![false; n_sites];
    // A plant's own costs are its operator's.
    for (firm, benefit) in plant_own(s, net, flows) {
        if let Some(o) = own.get_mut(firm) {
            *o += benefit;
            touched[firm] = true;
        }
    }
    let links: Vec<usize> = (0..net.links.len()).filter(|&k| built[k]).collect();
    let mut bargained = Vec::with_capacity(links.len());
    for &k in &links {
        let a = &r.shares[k];
        let gs = a.supplier_per_unit * flows[k] - a.supplier_per_year;
        let gr = a.receiver_per_unit * flows[k] - a.receiver_per_year;
        own[a.supplier] += gs;
        own[a.receiver] += gr;
        touched[a.supplier] = true;
        touched[a.receiver] = true;
        bargained.push(theta * (gs + gr) - gs);
    }
    if links.is_empty() {
        return Ok(Some(vec![0.0; net.links.len()]));
    }
    let floor: Vec<Option<f64>> = (0..n_sites)
        .map(|j| {
            let b = r.at_least[j];
            touched[j].then(|| b - own[j] - tolerance * b.abs().max(1.0))
        })
        .collect();
    let (lp, t) = fair_transfer_lp(r, &links, &bargained, &floor);
    let options = highs_options(&SolveOptions::default(), Deadline::NONE, links.len());
    let solved = highs::solve(lp, &options, None, Control::default())?;
    if solved.status != Status::Optimal {
        return Ok(None);
    }
    let mut out = vec![0.0; net.links.len()];
    for (j, &k) in links.iter().enumerate() {
        out[k] = solved.value(t[j]);
    }
    Ok(Some(out))
}

/// Each reached plant's operator and own net benefit under `flows`
/// ([`PlantTerms::own_net_benefit`](crate::network::plants::PlantTerms::own_net_benefit)).
fn plant_own(s: &Scenario, net: &Network, flows: &[f64]) -> Vec<(usize, f64)> {
    use crate::network::plants::{reached, throughputs, PlantTerms};
    let p = &s.parameters;
    let throughputs = throughputs(s, &net.links, flows);
    reached(s, &net.links)
        .into_iter()
        .map(|q| {
            let t = throughputs[q.0];
            let plant = &s.plants[q.0];
            let own = PlantTerms::of(s, q).own_net_benefit(
                t,
                plant.is_mandatory(),
                p.carbon_price,
                p.energy_price,
            );
            (plant.firm, own)
        })
        .collect()
}
