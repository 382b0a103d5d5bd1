//! The plants of a network's model (docs/formulation.md, "Plants"): per plant
//! reached by the network's links, a throughput `t_p` and a binary `z_ps` per
//! size; its balance (what arrives is its throughput), the share of each input,
//! the yield of each output, its capacity and one size; and the limits of plant
//! groups.

use super::{Groups, Rows, Vars};
use crate::domain::{PlantId, Scenario};
use crate::model::milp::{Column, Milp};
use crate::network::plants::{reached, PlantTerms};
use crate::network::Network;

/// What a row of a plant constrains, in the order a plant's rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PlantRow {
    /// Σ_{l into p} ρ_l α_l x_l − t_p = 0.
    Balance,
    /// The least share of input k: Σ_{l into k} ρ_l α_l x_l − μ_k t_p ≥ 0.
    LeastShare(usize),
    /// The largest share of input k: Σ_{l into k} ρ_l α_l x_l − σ_k t_p ≤ 0.
    MostShare(usize),
    /// The yield of output n: Σ_{l out of n} x_l − η_n t_p ≤ 0.
    Yield(usize),
    /// t_p − Σ_s K_s z_ps ≤ 0.
    Capacity,
    /// Σ_s z_ps ≤ 1 (= 1 for a plant that must open).
    OneSize,
    /// A link k into or out of the plant carries nothing unless the plant
    /// opens: x_k − U_k Σ_s z_ps ≤ 0 (implied by the rows above for a whole
    /// plan, it tightens the LP relaxation as the strong formulation of
    /// facility location does; left out where the LP implies it too, a link
    /// that alone can fill the plant's largest size).
    Open(usize),
}

/// The columns of one plant.
pub(crate) struct PlantVars {
    /// The plant.
    pub plant: PlantId,
    /// Its economics.
    pub terms: PlantTerms,
    /// Its throughput, units processed per year.
    pub throughput: Column,
    /// Whether it opens at each of its sizes, in the order of `terms.sizes`.
    pub open: Vec<Column>,
    /// Whether it must open.
    pub mandatory: bool,
}

/// Defines `t_p ∈ [0, max_s K_s]` and `z_ps ∈ {0, 1}` (fixed at 1 for an
/// existing plant or a forced one with one size) for each plant the links of
/// `net` reach, in plant order, after the links' columns.
pub(crate) fn define_plant_variables(s: &Scenario, net: &Network, m: &mut Milp) -> Vec<PlantVars> {
    reached(s, &net.links)
        .into_iter()
        .map(|p| {
            let terms = PlantTerms::of(s, p);
            let throughput = m.column(0.0, terms.largest());
            let one_of_one = terms.sizes.len() == 1 && s.plants[p.0].is_mandatory();
            let low = if one_of_one { 1.0 } else { 0.0 };
            let open = terms
                .sizes
                .iter()
                .map(|_| m.integer_column(low, 1.0))
                .collect();
            PlantVars {
                plant: p,
                terms,
                throughput,
                open,
                mandatory: s.plants[p.0].is_mandatory(),
            }
        })
        .collect()
}

/// The rows of every plant of the model and of every plant group with a plant
/// in it, by name.
pub(crate) fn plant_constraints(
    s: &Scenario,
    net: &Network,
    v: &Vars,
    m: &mut Milp,
    rows: &mut Rows,
) {
    if v.plants.is_empty() {
        return;
    }
    let into = Groups::by(s.inputs.len(), net.links.iter().map(|l| l.input.0));
    let out_of = Groups::by(s.outputs.len(), net.links.iter().map(|l| l.output.0));
    let into: std::collections::HashMap<usize, &[usize]> = into.iter().collect();
    let out_of: std::collections::HashMap<usize, &[usize]> = out_of.iter().collect();
    let arriving = |i: usize| -> Vec<(Column, f64)> {
        into.get(&i)
            .into_iter()
            .flat_map(|links| links.iter())
            .map(|&k| (v.x[k], net.links[k].displaced_per_unit))
            .collect()
    };
    for pv in &v.plants {
        let plant = &s.plants[pv.plant.0];
        let tech = &s.technologies[plant.technology.0];
        let t = pv.throughput;
        let mut put = |key: PlantRow, row| rows.plants.push(((pv.plant, key), row));
        let mut all: Vec<(Column, f64)> = plant.inputs.iter().flat_map(|i| arriving(i.0)).collect();
        all.push((t, -1.0));
        put(PlantRow::Balance, m.row(0.0, 0.0, all));
        for (k, (i, ti)) in plant.inputs.iter().zip(&tech.inputs).enumerate() {
            if ti.min_share > 0.0 {
                let mut terms = arriving(i.0);
                terms.push((t, -ti.min_share));
                put(PlantRow::LeastShare(k), m.at_least(0.0, terms));
            }
            if ti.max_share < 1.0 {
                let mut terms = arriving(i.0);
                terms.push((t, -ti.max_share));
                put(PlantRow::MostShare(k), m.at_most(0.0, terms));
            }
        }
        for (n, (o, to)) in plant.outputs.iter().zip(&tech.outputs).enumerate() {
            let mut terms: Vec<(Column, f64)> = out_of
                .get(&o.0)
                .into_iter()
                .flat_map(|links| links.iter())
                .map(|&k| (v.x[k], 1.0))
                .collect();
            terms.push((t, -to.yield_per_unit));
            put(PlantRow::Yield(n), m.at_most(0.0, terms));
        }
        let mut capacity = vec![(t, 1.0)];
        capacity.extend(
            pv.open
                .iter()
                .zip(&pv.terms.sizes)
                .map(|(&z, size)| (z, -size.1)),
        );
        put(PlantRow::Capacity, m.at_most(0.0, capacity));
        if pv.open.len() > 1 {
            let low = if plant.is_mandatory() { 1.0 } else { 0.0 };
            let terms = pv.open.iter().map(|&z| (z, 1.0));
            put(PlantRow::OneSize, m.row(low, 1.0, terms));
        }
        if !plant.is_mandatory() {
            let touching = plant
                .inputs
                .iter()
                .filter_map(|i| into.get(&i.0))
                .chain(plant.outputs.iter().filter_map(|o| out_of.get(&o.0)))
                .flat_map(|links| links.iter().copied());
            let mut touching: Vec<usize> = touching.collect();
            touching.sort_unstable();
            let largest = pv.terms.largest();
            for k in touching {
                let l = &net.links[k];
                if l.recorded_quantity.is_some() {
                    continue;
                }
                let u = l.upper_bound.max(0.0);
                // Implied where the link alone can carry all that the plant
                // takes in (ρα U ≥ K_max) or makes (U ≥ η K_max): the balance
                // or yield row and the capacity row bound it as tightly.
                let room = match s.plant_of_input(l.input) == Some(pv.plant) {
                    true => l.displaced_per_unit * u,
                    false => {
                        let n = plant.outputs.iter().position(|&o| o == l.output);
                        let eta = n.map_or(0.0, |n| tech.outputs[n].yield_per_unit);
                        if eta > 0.0 {
                            u / eta
                        } else {
                            0.0
                        }
                    }
                };
                if room >= largest {
                    continue;
                }
                let mut terms = vec![(v.x[k], 1.0)];
                terms.extend(pv.open.iter().map(|&z| (z, -u)));
                put(PlantRow::Open(k), m.at_most(0.0, terms));
            }
        }
    }
    let opens = v.plants.iter().map(|pv| (pv.plant, pv.open.as_slice()));
    rows.groups.extend(group_rows(s, opens, m));
}

/// The rows of the plant groups with a plant among `plants` (each with its
/// size columns): m_G ≤ Σ_{p ∈ G} Σ_s z_ps ≤ M_G, by group.
pub(crate) fn group_rows<'a>(
    s: &Scenario,
    plants: impl Iterator<Item = (PlantId, &'a [Column])> + Clone,
    m: &mut Milp,
) -> Vec<(usize, crate::model::milp::Row)> {
    let mut rows = Vec::new();
    for (g, group) in s.plant_groups.iter().enumerate() {
        let terms: Vec<(Column, f64)> = plants
            .clone()
            .filter(|(p, _)| group.plants.binary_search(p).is_ok())
            .flat_map(|(_, open)| open.iter().map(|&z| (z, 1.0)))
            .collect();
        if terms.is_empty() {
            continue;
        }
        let low = group.min_open.map_or(f64::NEG_INFINITY, f64::from);
        let high = group.max_open.map_or(f64::INFINITY, f64::from);
        rows.push((g, m.row(low, high, terms)));
    }
    rows
}

/// The plants' part of the net benefit: −Σ_p c_p t_p − Σ_ps A_ps z_ps.
pub(crate) fn plant_benefit(s: &Scenario, v: &Vars, m: &mut Milp) {
    let p = &s.parameters;
    for pv in &v.plants {
        m.add_cost(
            pv.throughput,
            -pv.terms.cost_per_unit(p.carbon_price, p.energy_price),
        );
        for (&z, size) in pv.open.iter().zip(&pv.terms.sizes) {
            m.add_cost(z, -size.2);
        }
    }
}

/// The plants' part of the CO2 avoided: −Σ_p e_p t_p.
pub(crate) fn plant_co2(v: &Vars, m: &mut Milp) {
    for pv in &v.plants {
        m.add_cost(pv.throughput, -pv.terms.co2_per_unit());
    }
}

/// The column values of the plants under the flows of a plan: each plant's
/// throughput, open at the cheapest size that holds it.
pub(crate) fn plant_values(
    s: &Scenario,
    net: &Network,
    v: &Vars,
    flows: &[f64],
    values: &mut [f64],
) {
    let throughputs = crate::network::plants::throughputs(s, &net.links, flows);
    for pv in &v.plants {
        let t = throughputs[pv.plant.0];
        values[pv.throughput.index] = t;
        let mandatory = s.plants[pv.plant.0].is_mandatory();
        if let Some(size) = pv.terms.size_for(t, mandatory) {
            let k = pv.terms.sizes.iter().position(|z| z.0 == size.0);
            if let Some(k) = k {
                values[pv.open[k].index] = 1.0;
            }
        }
    }
}

/// What the plants of a solved model charge beyond what their throughputs
/// need: a plant open without throughput (that need not open), or at a
/// larger size than the cheapest that holds its throughput, is a plan a
/// time-limited search had not yet improved; the plan keeps the cheaper choice.
pub(crate) fn charges_beyond_need(v: &Vars, value: impl Fn(Column) -> f64) -> f64 {
    v.plants
        .iter()
        .map(|pv| {
            let t = super::clean(value(pv.throughput));
            charge_beyond_need(&pv.terms, &pv.open, t, pv.mandatory, &value)
        })
        .sum()
}

/// What a plant's sizes `open` (in the order of `terms.sizes`) charge in a
/// solve beyond the cheapest size that holds `throughput` (a rate a year).
pub(crate) fn charge_beyond_need(
    terms: &PlantTerms,
    open: &[Column],
    throughput: f64,
    mandatory: bool,
    value: impl Fn(Column) -> f64,
) -> f64 {
    let charged: f64 = open
        .iter()
        .zip(&terms.sizes)
        .filter(|(&z, _)| value(z) > 0.5)
        .map(|(_, size)| size.2)
        .sum();
    let needed = terms.size_for(throughput, mandatory).map_or(0.0, |z| z.2);
    (charged - needed).max(0.0)
}
