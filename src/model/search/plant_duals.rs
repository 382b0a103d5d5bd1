//! The plants' share of the reductions' Lagrangian bound ([`super::reduce`],
//! docs/formulation.md, "Where the search stays exact").
//!
//! The LP relaxation of a network with plants has, besides the supply, demand
//! and share rows, each plant's rows (balance, input shares, yields, the
//! open-plant rows) and the group rows. All of these are dualised with the
//! LP's duals `d_r` (of the sign their sense asks, an equality's free): a
//! link's flow pays `Σ_r d_r a_rl` of them, and what is left of a plant is
//! its own subproblem over its throughput `t_p` and sizes `z_ps` under the
//! rows kept, capacity `t_p ≤ Σ_s K_s z_ps` and one size `Σ_s z_ps ≤ 1`
//! (`= 1` for a plant that must open), and `t_p ≤ T_p = Σ_{l into p} ρ_l α_l U_l`,
//! which the balance implies:
//!
//! ```text
//! H_p = max(0, max_s (r_s + max(r_t, 0) min(K_s, T_p)))   (without the 0 when p must open)
//! r_t = −c_p − Σ_r d_r a_r,t                     (balance, shares, yields)
//! r_s = −A_s − Σ_r d_r a_r,s                     (open-plant rows, groups)
//! ```
//!
//! Both kept rows describe an integral polytope (a choice of one size and a
//! throughput up to its capacity), so `H_p` is the plant's best term at any
//! duals, and the bound with the LP's duals is the LP's optimum up to
//! rounding. Any duals of the right sign give a valid bound: a row the LP did
//! not have (an open-plant row of a link outside it) counts with dual 0.

use crate::domain::{InputId, PlantId, Scenario};
use crate::model::formulation::{PlantRow, Rows};
use crate::model::highs::Lp;
use crate::network::plants::{reached, PlantTerms};
use crate::network::{CandidateLink, Network};

/// The duals of the plants' rows, as charges on links and terms of plants.
pub(super) struct PlantDuals {
    /// Per input (a plant's input port; 0 elsewhere): what a unit displaced
    /// there pays the plant's balance and share rows.
    input: Vec<f64>,
    /// Per output (a plant's output port; 0 elsewhere): what a unit sent
    /// from it pays the plant's yield row.
    output: Vec<f64>,
    /// Per link of the network: the duals of its open-plant rows (a link
    /// between two plants has one of each; 0 where the LP had none). Empty
    /// for a scenario without plants, whose LP rounds need no vector of a
    /// network's size.
    open: Vec<f64>,
    /// Per plant (scenario index): `−Σ_r d_r a_r,t`, added to `−c_p`.
    throughput: Vec<f64>,
    /// Per plant (scenario index): `−Σ_r d_r a_r,s`, added to every size's `−A_s`.
    size: Vec<f64>,
    /// `Σ_g d_g b_g` of the group rows (the plant rows' right-hand sides are 0).
    constant: f64,
}

/// A plant's term of the bound.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlantTerm {
    /// The plant.
    pub plant: PlantId,
    /// `H_p`, its term of `L(π)`.
    pub term: f64,
    /// Its best term when it opens (`H_p` without the 0).
    pub open: f64,
    /// Whether it must open.
    pub mandatory: bool,
}

impl PlantDuals {
    /// Every dual 0.
    pub fn none(s: &Scenario, links: usize) -> PlantDuals {
        let open = match s.plants.is_empty() {
            true => Vec::new(),
            false => vec![0.0; links],
        };
        PlantDuals {
            input: vec![0.0; s.inputs.len()],
            output: vec![0.0; s.outputs.len()],
            open,
            throughput: vec![0.0; s.plants.len()],
            size: vec![0.0; s.plants.len()],
            constant: 0.0,
        }
    }

    /// The duals of the plant and group rows of an LP over the links `active`
    /// of `net` (the rows of `rows`, the LP solved in `lp`), each of the sign
    /// its row's sense allows.
    pub fn read(s: &Scenario, net: &Network, rows: &Rows, lp: &Lp, active: &[usize]) -> PlantDuals {
        let mut d = PlantDuals::none(s, net.links.len());
        if s.plants.is_empty() {
            return d;
        }
        for &((p, key), row) in &rows.plants {
            let plant = &s.plants[p.0];
            let tech = &s.technologies[plant.technology.0];
            let dual = lp.dual(row);
            match key {
                PlantRow::Balance => {
                    // Σ ρα x − t = 0: free.
                    for i in &plant.inputs {
                        d.input[i.0] += dual;
                    }
                    d.throughput[p.0] += dual;
                }
                PlantRow::LeastShare(k) => {
                    // Σ ρα x_k − μ_k t ≥ 0: d ≤ 0.
                    let dual = dual.min(0.0);
                    d.input[plant.inputs[k].0] += dual;
                    d.throughput[p.0] += dual * tech.inputs[k].min_share;
                }
                PlantRow::MostShare(k) => {
                    // Σ ρα x_k − σ_k t ≤ 0: d ≥ 0.
                    let dual = dual.max(0.0);
                    d.input[plant.inputs[k].0] += dual;
                    d.throughput[p.0] += dual * tech.inputs[k].max_share;
                }
                PlantRow::Yield(n) => {
                    // Σ x_n − η_n t ≤ 0: d ≥ 0.
                    let dual = dual.max(0.0);
                    d.output[plant.outputs[n].0] += dual;
                    d.throughput[p.0] += dual * tech.outputs[n].yield_per_unit;
                }
                PlantRow::Open(k) => {
                    // x_l − U_l Σ_s z_s ≤ 0: d ≥ 0.
                    let dual = dual.max(0.0);
                    let l = active[k];
                    d.open[l] += dual;
                    d.size[p.0] += dual * net.links[l].upper_bound.max(0.0);
                }
                // Kept in the plant's own subproblem.
                PlantRow::Capacity | PlantRow::OneSize => {}
            }
        }
        for &(g, row) in &rows.groups {
            // lo ≤ Σ z ≤ hi: d ≥ 0 binds hi, d ≤ 0 binds lo; none of a side
            // without a limit.
            let group = &s.plant_groups[g];
            let dual = lp.dual(row);
            let dual = match (group.min_open, group.max_open) {
                (None, _) => dual.max(0.0),
                (_, None) => dual.min(0.0),
                _ => dual,
            };
            let side = if dual > 0.0 {
                group.max_open
            } else {
                group.min_open
            };
            let Some(side) = side else {
                continue;
            };
            d.constant += dual * f64::from(side);
            for p in &group.plants {
                d.size[p.0] -= dual;
            }
        }
        d
    }

    /// What a unit of link `k`'s flow pays the plants' rows it is in.
    pub fn charge(&self, k: usize, l: &CandidateLink) -> f64 {
        let open = self.open.get(k).copied().unwrap_or(0.0);
        l.displaced_per_unit * self.input[l.input.0] + self.output[l.output.0] + open
    }

    /// `Σ_g d_g b_g`: what the right-hand sides of the group rows are worth.
    pub fn constant(&self) -> f64 {
        self.constant
    }

    /// The term `H_p` of each plant `net`'s links reach, at a carbon and an
    /// energy price.
    pub fn terms(&self, s: &Scenario, net: &Network) -> Vec<PlantTerm> {
        let (carbon, energy) = (s.parameters.carbon_price, s.parameters.energy_price);
        // What can arrive at each plant, Σ ρα U over the links into it: the
        // balance row bounds the throughput by it.
        let mut arriving = vec![0.0; s.plants.len()];
        for l in &net.links {
            if let Some(p) = s.plant_of_input(l.input) {
                let most = l.recorded_quantity.unwrap_or(l.upper_bound).max(0.0);
                arriving[p.0] += l.displaced_per_unit * most;
            }
        }
        reached(s, &net.links)
            .into_iter()
            .map(|p| {
                let terms = PlantTerms::of(s, p);
                let r_t = -terms.cost_per_unit(carbon, energy) + self.throughput[p.0];
                let open = terms
                    .sizes
                    .iter()
                    .map(|&(_, capacity, charge)| {
                        let most = capacity.min(arriving[p.0]);
                        -charge + self.size[p.0] + r_t.max(0.0) * most
                    })
                    .fold(f64::NEG_INFINITY, f64::max);
                let mandatory = s.plants[p.0].is_mandatory();
                let term = if mandatory { open } else { open.max(0.0) };
                PlantTerm {
                    plant: p,
                    term,
                    open,
                    mandatory,
                }
            })
            .collect()
    }
}

/// Whether input `i` is a plant's: a link into it may be worth more than its
/// own margin (the plant's balance dual can pay for it).
pub(super) fn at_plant_input(s: &Scenario, i: InputId) -> bool {
    s.plant_of_input(i).is_some()
}

/// The plants link `l` goes into or out of.
pub(super) fn plants_of(s: &Scenario, l: &CandidateLink) -> [Option<PlantId>; 2] {
    [s.plant_of_input(l.input), s.plant_of_output(l.output)]
}

/// Whether link `l` goes into or out of a plant that must open.
pub(super) fn at_mandatory_plant(s: &Scenario, l: &CandidateLink) -> bool {
    plants_of(s, l)
        .into_iter()
        .flatten()
        .any(|p| s.plants[p.0].is_mandatory())
}
