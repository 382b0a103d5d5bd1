//! Individual rationality (docs/formulation.md, "Individually rational plans"):
//! the MILP of the network with a transfer on every built link and every site at
//! least as well off as asked, then an LP that picks the fairest such transfers.

use serde::Serialize;

use super::deadline::Deadline;
use super::formulation::{self, clean, highs_options, Vars};
use super::highs;
use super::milp::{Column, Milp, Sense};
use super::options::{Control, SolveOptions};
use super::solution::{tidy_gap, Solution, Status};
use crate::domain::Scenario;
use crate::error::Error;
use crate::network::Network;

/// How one link's value falls on its two sites before any transfer, for
/// [`solve_individually_rational`]: the supplier gains `supplier_per_unit` per unit
/// sent and bears `supplier_per_year` when the link is built, the receiver likewise.
/// The two per-unit figures add up to the link's margin v_l, the two annual ones to
/// its annual charge F_l.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinkShare {
    /// Index of the supplying site in the scenario.
    pub supplier: usize,
    /// Index of the receiving site.
    pub receiver: usize,
    /// Supplier's gain per unit sent, currency per unit.
    pub supplier_per_unit: f64,
    /// Supplier's share of the built link's annual charge, currency per year.
    pub supplier_per_year: f64,
    /// Receiver's gain per unit sent, currency per unit.
    pub receiver_per_unit: f64,
    /// Receiver's share of the built link's annual charge, currency per year.
    pub receiver_per_year: f64,
}

/// The terms of individual rationality: how each link's value is shared and the
/// least annual gain each site must end up with.
#[derive(Debug, Clone, PartialEq)]
pub struct Rationality {
    /// One per network link, in link order.
    pub shares: Vec<LinkShare>,
    /// Least annual gain per site, transfers included, indexed by site.
    pub at_least: Vec<f64>,
    /// Share θ of each built link's surplus that the transfers aim to give the
    /// supplier where the constraints leave a choice (the second stage).
    pub supplier_share: f64,
}

/// An individually rational plan with its transfers.
#[derive(Debug, Clone, PartialEq)]
pub struct RationalSolution {
    /// The plan; its objective is the annual net benefit (transfers cancel out).
    pub solution: Solution,
    /// Transfer per link from the receiver to the supplier, currency per year
    /// (negative when the supplier pays); zero on links not built.
    pub transfers: Vec<f64>,
}

/// Bound M on every transfer: the total of all money any site could gain or owe,
/// Σ_j |B_j| + Σ_l (|a^s_l| + |a^r_l|) max(U_l, q_l) + |b^s_l| + |b^r_l|. A feasible
/// set of transfers on the built links can always be made acyclic, and then no
/// transfer exceeds what the sites in deficit are owed in total, which is below M.
fn transfer_bound(net: &Network, r: &Rationality) -> f64 {
    let links: f64 = net
        .links
        .iter()
        .zip(&r.shares)
        .map(|(l, a)| {
            let x = l
                .upper_bound
                .max(l.recorded_quantity.unwrap_or(0.0))
                .max(0.0);
            (a.supplier_per_unit.abs() + a.receiver_per_unit.abs()) * x
                + a.supplier_per_year.abs()
                + a.receiver_per_year.abs()
        })
        .sum();
    let sites: f64 = r.at_least.iter().map(|b| b.abs()).sum();
    (links + sites).max(1.0)
}

/// Transfers only on built links: −M y_l ≤ t_l ≤ M y_l.
fn transfer_constraints(v: &Vars, t: &[Column], bound: f64, m: &mut Milp) {
    for (&t, &y) in t.iter().zip(&v.y) {
        m.at_most(0.0, [(t, 1.0), (y, -bound)]);
        m.at_least(0.0, [(t, 1.0), (y, bound)]);
    }
}

/// Individual rationality: for every site j,
/// Σ_{l: s(l)=j} (a^s_l x_l − b^s_l y_l + t_l) + Σ_{l: r(l)=j} (a^r_l x_l − b^r_l y_l − t_l) ≥ B_j.
fn rationality_constraints(r: &Rationality, v: &Vars, t: &[Column], m: &mut Milp) {
    let mut gain: Vec<Vec<(Column, f64)>> = vec![Vec::new(); r.at_least.len()];
    for (k, a) in r.shares.iter().enumerate() {
        let (x, y, t) = (v.x[k], v.y[k], t[k]);
        gain[a.supplier].extend([
            (x, a.supplier_per_unit),
            (y, -a.supplier_per_year),
            (t, 1.0),
        ]);
        gain[a.receiver].extend([
            (x, a.receiver_per_unit),
            (y, -a.receiver_per_year),
            (t, -1.0),
        ]);
    }
    for (g, &b) in gain.into_iter().zip(&r.at_least) {
        m.at_least(b, g);
    }
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
    let m = transfer_bound(net, r);
    let mut milp = Milp::new(Sense::Maximise);
    let v = formulation::define_variables(net, &mut milp);
    let t: Vec<Column> = (0..n).map(|_| milp.column(-m, m)).collect();
    formulation::net_benefit(s, net, &v, &mut milp);
    formulation::network_constraints(s, net, &v, &mut milp);
    transfer_constraints(&v, &t, m, &mut milp);
    rationality_constraints(r, &v, &t, &mut milp);
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
        if let Some(t) = fair_transfers(net, r, &flows, &chosen, tolerance)? {
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
    let mut lp = Milp::new(Sense::Minimise);
    let free = f64::INFINITY;
    let t: Vec<Column> = links.iter().map(|_| lp.column(-free, free)).collect();
    let over: Vec<Column> = links.iter().map(|_| lp.column(0.0, free)).collect();
    let under: Vec<Column> = links.iter().map(|_| lp.column(0.0, free)).collect();
    let mut net_in: Vec<Vec<(Column, f64)>> = vec![Vec::new(); n_sites];
    for (j, &k) in links.iter().enumerate() {
        let a = &r.shares[k];
        net_in[a.supplier].push((t[j], 1.0));
        net_in[a.receiver].push((t[j], -1.0));
    }
    // The deviation Σ_l (over_l + under_l) is minimised.
    for (&o, &u) in over.iter().zip(&under) {
        lp.add_cost(o, 1.0);
        lp.add_cost(u, 1.0);
    }
    for j in 0..links.len() {
        let b = bargained[j];
        lp.row(b, b, [(t[j], 1.0), (over[j], -1.0), (under[j], 1.0)]);
    }
    for (j, e) in net_in.into_iter().enumerate() {
        if touched[j] {
            let b = r.at_least[j];
            lp.at_least(b - own[j] - tolerance * b.abs().max(1.0), e);
        }
    }
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
