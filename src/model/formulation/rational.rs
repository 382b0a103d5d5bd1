//! The individually rational model (docs/formulation.md, "Individually rational
//! plans"): the network's MILP with a transfer on every link and every site at
//! least as well off as asked, and the LP of the fairest transfers of a plan.
//! [`crate::model::rational`] solves them.

use super::Vars;
use crate::domain::Scenario;
use crate::model::milp::{Column, Milp, Sense};
use crate::model::options::Rationality;
use crate::network::Network;

/// The individually rational MILP: the network's with transfer columns.
pub(crate) struct RationalMilp {
    /// The arrays.
    pub milp: Milp,
    /// Flow and build column of each link.
    pub vars: Vars,
    /// The transfer column of each link.
    pub transfers: Vec<Column>,
    /// M, the bound on every transfer.
    pub bound: f64,
}

/// The MILP of `net` with the net benefit, the network's rows, a transfer
/// `t_l ∈ [−M, M]` per link, zero unless the link is built, and every site at
/// least as well off as `r.at_least` says.
pub(crate) fn rational_milp(s: &Scenario, net: &Network, r: &Rationality) -> RationalMilp {
    let n = net.links.len();
    let mut milp = Milp::new(Sense::Maximise);
    let v = super::define_variables(s, net, &mut milp);
    let m = transfer_bound(s, net, &v, r);
    let t: Vec<Column> = (0..n).map(|_| milp.column(-m, m)).collect();
    super::net_benefit(s, net, &v, &mut milp);
    super::network_constraints(s, net, &v, &mut milp);
    transfer_constraints(&v, &t, m, &mut milp);
    rationality_constraints(s, r, &v, &t, &mut milp);
    RationalMilp {
        milp,
        vars: v,
        transfers: t,
        bound: m,
    }
}

/// The LP of the fairest transfers on the built `links` (indices of the
/// network): minimise Σ_l |t_l − t*_l| (`bargained`: t*_l per link of `links`)
/// with every site `j` whose `floor[j]` is given receiving at least that in
/// transfers. Its transfer column per link of `links` beside it.
pub(crate) fn fair_transfer_lp(
    r: &Rationality,
    links: &[usize],
    bargained: &[f64],
    floor: &[Option<f64>],
) -> (Milp, Vec<Column>) {
    let mut lp = Milp::new(Sense::Minimise);
    let free = f64::INFINITY;
    let t: Vec<Column> = links.iter().map(|_| lp.column(-free, free)).collect();
    let over: Vec<Column> = links.iter().map(|_| lp.column(0.0, free)).collect();
    let under: Vec<Column> = links.iter().map(|_| lp.column(0.0, free)).collect();
    let mut net_in: Vec<Vec<(Column, f64)>> = vec![Vec::new(); floor.len()];
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
    for (e, least) in net_in.into_iter().zip(floor) {
        if let Some(least) = least {
            lp.at_least(*least, e);
        }
    }
    (lp, t)
}

/// Bound M on every transfer: the total of all money any site could gain or owe,
/// Σ_j |B_j| + Σ_l (|a^s_l| + |a^r_l|) max(U_l, q_l) + |b^s_l| + |b^r_l|, and for
/// each plant |c_p| max_s K_s + Σ_s A_s. A feasible set of transfers on the
/// built links can always be made acyclic, and then no transfer exceeds what
/// the sites in deficit are owed in total, which is below M.
fn transfer_bound(s: &Scenario, net: &Network, v: &Vars, r: &Rationality) -> f64 {
    let p = &s.parameters;
    let plants: f64 = v
        .plants
        .iter()
        .map(|pv| {
            let t = &pv.terms;
            t.cost_per_unit(p.carbon_price, p.energy_price).abs() * t.largest()
                + t.sizes.iter().map(|z| z.2.abs()).sum::<f64>()
        })
        .sum();
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
    (links + sites + plants).max(1.0)
}

/// Transfers only on built links: −M y_l ≤ t_l ≤ M y_l.
fn transfer_constraints(v: &Vars, t: &[Column], bound: f64, m: &mut Milp) {
    for (&t, &y) in t.iter().zip(&v.y) {
        m.at_most(0.0, [(t, 1.0), (y, -bound)]);
        m.at_least(0.0, [(t, 1.0), (y, bound)]);
    }
}

/// Individual rationality: for every site (firm) j,
/// Σ_{l: s(l)=j} (a^s_l x_l − b^s_l y_l + t_l) + Σ_{l: r(l)=j} (a^r_l x_l − b^r_l y_l − t_l)
/// − Σ_{p run by j} (c_p t_p + Σ_s A_s z_ps) ≥ B_j.
fn rationality_constraints(s: &Scenario, r: &Rationality, v: &Vars, t: &[Column], m: &mut Milp) {
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
    let p = &s.parameters;
    for pv in &v.plants {
        let Some(g) = gain.get_mut(s.plants[pv.plant.0].firm) else {
            continue;
        };
        let c = pv.terms.cost_per_unit(p.carbon_price, p.energy_price);
        g.push((pv.throughput, -c));
        g.extend(
            pv.open
                .iter()
                .zip(&pv.terms.sizes)
                .map(|(&z, size)| (z, -size.2)),
        );
    }
    for (g, &b) in gain.into_iter().zip(&r.at_least) {
        m.at_least(b, g);
    }
}
