//! The MILP of `docs/formulation.md` as arrays ([`Milp`]), in named steps:
//! the columns, each family of rows, the objective. Every row written is
//! known by what it constrains ([`RowKey`], [`Rows`]), so that duals and cuts
//! find it by name. [`Model`] assembles the steps into the MILPs the search
//! solves and reads their plans back; it hands a model to HiGHS through
//! [`super::highs`] and knows nothing of how a search goes.

mod model;
mod periods;
mod plants;
pub(crate) mod rational;
mod rows;

pub use model::{build, export};
pub(crate) use model::{clean, highs_options, Added, Cut, Goal, Model};
pub(crate) use periods::{
    flow_bounds, idle_stores, peak_rate, reached_stores, year_row, PeriodModel, PeriodRows,
};
pub(crate) use plants::{define_plant_variables, plant_benefit, plant_constraints, PlantRow};
pub(crate) use rows::{RowKey, Rows};

use super::milp::{Column, Milp};
use super::solution::FlowConstraint;
use crate::domain::{InputId, OutputId, RuleId, Scenario};
use crate::network::Network;

/// The variables of the MILP: flow `x_l` and build `y_l` per link, and the
/// columns of each plant the links reach.
pub(crate) struct Vars {
    /// Flow per link.
    pub x: Vec<Column>,
    /// Build decision per link.
    pub y: Vec<Column>,
    /// The plants' columns, by ascending plant.
    pub plants: Vec<plants::PlantVars>,
}

/// Defines `x_l ∈ [0, U_l]` (fixed at the recorded quantity for existing links that
/// have one) and `y_l ∈ {0,1}` (fixed at 1 for existing and forced links), in
/// link order, `x_l` before `y_l`; then the plants' columns
/// ([`plants::define_plant_variables`]).
pub(crate) fn define_variables(s: &Scenario, net: &Network, m: &mut Milp) -> Vars {
    let n = net.links.len();
    m.reserve(2 * n, 0, 0);
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for l in &net.links {
        x.push(flow_column(l, m));
        let low = if l.is_mandatory() { 1.0 } else { 0.0 };
        y.push(m.integer_column(low, 1.0));
    }
    let plants = plants::define_plant_variables(s, net, m);
    Vars { x, y, plants }
}

/// The column of a link's flow `x_l ∈ [0, U_l]`, fixed at its recorded
/// quantity when it has one.
pub(crate) fn flow_column(l: &crate::network::CandidateLink, m: &mut Milp) -> Column {
    match l.recorded_quantity {
        Some(q) => m.column(q, q),
        None => m.column(0.0, l.upper_bound.max(0.0)),
    }
}

/// Supply: Σ_{l ∈ out(o)} x_l ≤ Q_o for every output o with a link, by output.
pub(crate) fn supply_constraints(
    s: &Scenario,
    net: &Network,
    v: &Vars,
    m: &mut Milp,
    rows: &mut Rows,
) {
    let by_output = Groups::by(s.outputs.len(), net.links.iter().map(|l| l.output.0));
    m.reserve(0, by_output.len(), net.links.len());
    for (o, links) in by_output.iter() {
        let row = m.at_most(s.outputs[o].quantity, links.iter().map(|&k| (v.x[k], 1.0)));
        rows.supply.push((OutputId(o), row));
    }
}

/// Demand: Σ_{l ∈ in(i)} ρ_l α_l x_l ≤ D_i for every input i with a link, by
/// input; then per input and rule r, by input and rule:
/// Σ_{l ∈ in(i), r(l) = r} ρ_l α_l x_l ≤ σ_r D_i (skipped when σ_r = 1).
pub(crate) fn demand_constraints(
    s: &Scenario,
    net: &Network,
    v: &Vars,
    m: &mut Milp,
    rows: &mut Rows,
) {
    let by_input = Groups::by(s.inputs.len(), net.links.iter().map(|l| l.input.0));
    let displaced = |links: &[usize]| -> Vec<(Column, f64)> {
        links
            .iter()
            .map(|&k| (v.x[k], net.links[k].displaced_per_unit))
            .collect()
    };
    m.reserve(0, by_input.len(), net.links.len());
    // The share rows come after every demand row.
    // (input and rule, right-hand side, terms) of each share row.
    type ShareRow = ((InputId, RuleId), f64, Vec<(Column, f64)>);
    let mut shares: Vec<ShareRow> = Vec::new();
    let mut shared: Vec<usize> = Vec::new();
    for (i, links) in by_input.iter() {
        let row = m.at_most(s.inputs[i].quantity, displaced(links));
        rows.demand.push((InputId(i), row));
        // The input's links under rules that cover only a share, by rule.
        shared.clear();
        // A plant's input mix is limited by its technology, not by rules.
        let at_plant = s.sites[s.inputs[i].site.0].plant.is_some();
        shared.extend(
            links
                .iter()
                .copied()
                .filter(|&k| s.rules[net.links[k].rule.0].max_share < 1.0 && !at_plant),
        );
        shared.sort_by_key(|&k| net.links[k].rule);
        for run in shared.chunk_by(|&a, &b| net.links[a].rule == net.links[b].rule) {
            let rule = net.links[run[0]].rule;
            let share = s.rules[rule.0].max_share;
            shares.push((
                (InputId(i), rule),
                share * s.inputs[i].quantity,
                displaced(run),
            ));
        }
    }
    for (key, upper, terms) in shares {
        let row = m.at_most(upper, terms);
        rows.share.push((key, row));
    }
}

/// Linking: x_l ≤ U_l y_l, with U_l the tightest bound of the link (no global big-M).
/// Existing links with a recorded quantity are fixed already; their capacity still
/// holds (x_l ≤ C_l), so a recorded quantity above it makes the plan infeasible.
pub(crate) fn linking_constraints(net: &Network, v: &Vars, m: &mut Milp, rows: &mut Rows) {
    m.reserve(0, net.links.len(), 2 * net.links.len());
    rows.linking.reserve(net.links.len());
    for (k, l) in net.links.iter().enumerate() {
        let row = match (l.recorded_quantity, l.capacity) {
            (None, _) => Some(m.at_most(0.0, [(v.x[k], 1.0), (v.y[k], -l.upper_bound.max(0.0))])),
            (Some(_), Some(c)) => Some(m.at_most(c, [(v.x[k], 1.0)])),
            (Some(_), None) => None,
        };
        rows.linking.push(row.map_or(Rows::NO_ROW, Rows::index_of));
    }
}

/// Indices `0..n` of items (links) grouped by a key below a bound: the groups
/// in ascending key, each holding its items in ascending order, empty keys left
/// out. A counting sort: linear in the items and the bound.
pub(crate) struct Groups {
    /// `starts[g]..starts[g + 1]` is group g's range of `items`.
    starts: Vec<usize>,
    /// The key of each group.
    keys: Vec<usize>,
    /// The items, group after group.
    items: Vec<usize>,
}

impl Groups {
    /// The items `0..` of `keys` (one key per item, each below `bound`) by key.
    pub fn by(bound: usize, keys: impl Iterator<Item = usize> + Clone) -> Groups {
        let mut count = vec![0usize; bound + 1];
        for key in keys.clone() {
            count[key + 1] += 1;
        }
        for k in 1..count.len() {
            count[k] += count[k - 1];
        }
        // count[key] is now where the items of `key` start.
        let mut next = count.clone();
        let mut items = vec![0; count[bound]];
        for (item, key) in keys.enumerate() {
            items[next[key]] = item;
            next[key] += 1;
        }
        let (mut starts, mut group_keys) = (vec![0], Vec::new());
        for key in 0..bound {
            if count[key + 1] > count[key] {
                group_keys.push(key);
                starts.push(count[key + 1]);
            }
        }
        Groups {
            starts,
            keys: group_keys,
            items,
        }
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Each group's key and items, by ascending key.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &[usize])> {
        self.keys
            .iter()
            .enumerate()
            .map(|(g, &key)| (key, &self.items[self.starts[g]..self.starts[g + 1]]))
    }
}

/// The constraints of docs/formulation.md that every model of a network has:
/// supply, demand and shares, linking, and the plants'; their rows by name.
pub(crate) fn network_constraints(s: &Scenario, net: &Network, v: &Vars, m: &mut Milp) -> Rows {
    let mut rows = Rows::default();
    supply_constraints(s, net, v, m, &mut rows);
    demand_constraints(s, net, v, m, &mut rows);
    linking_constraints(net, v, m, &mut rows);
    plants::plant_constraints(s, net, v, m, &mut rows);
    rows
}

/// Extra constraints on the flows: Σ_k a_k x_k ≥ rhs each.
pub(crate) fn flow_constraints(extra: &[FlowConstraint], v: &Vars, m: &mut Milp, rows: &mut Rows) {
    for c in extra {
        let row = m.at_least(c.at_least, c.coefficients.iter().map(|&(k, a)| (v.x[k], a)));
        rows.flows.push(row);
    }
}

/// Cuts (valid inequalities over the links, found by the search):
/// Σ a x_k + Σ c y_k ≤ rhs each.
pub(crate) fn cut_rows(cuts: &[Cut], v: &Vars, m: &mut Milp, rows: &mut Rows) {
    for c in cuts {
        let flow = c.flow.iter().map(|&(k, a)| (v.x[k], a));
        let build = c.build.iter().map(|&(k, a)| (v.y[k], a));
        let row = m.at_most(c.at_most, flow.chain(build));
        rows.cuts.push(row);
    }
}

/// Net benefit: Σ_l v_l x_l − F_l y_l, with v_l the margin per unit sent at the
/// scenario's carbon and energy prices and F_l the link's annual charge.
pub(crate) fn net_benefit(s: &Scenario, net: &Network, v: &Vars, m: &mut Milp) {
    let p = &s.parameters;
    for (k, l) in net.links.iter().enumerate() {
        m.add_cost(v.x[k], l.margin_per_unit(p.carbon_price, p.energy_price));
        m.add_cost(v.y[k], -l.fixed_charge_per_year());
    }
    plants::plant_benefit(s, v, m);
}

/// CO2 avoided: Σ_l Δ_l x_l − Σ_p e_p t_p, t CO2e per year.
pub(crate) fn co2_avoided(net: &Network, v: &Vars, m: &mut Milp) {
    for (k, l) in net.links.iter().enumerate() {
        m.add_cost(v.x[k], l.co2_avoided_per_unit());
    }
    plants::plant_co2(v, m);
}

#[cfg(test)]
mod tests {
    use super::Groups;

    /// The groups of `keys` as (key, items) pairs.
    fn groups(bound: usize, keys: &[usize]) -> Vec<(usize, Vec<usize>)> {
        Groups::by(bound, keys.iter().copied())
            .iter()
            .map(|(k, items)| (k, items.to_vec()))
            .collect()
    }

    #[test]
    fn groups_are_by_ascending_key_with_items_in_order() {
        let keys = [3, 0, 3, 1, 0, 3];
        assert_eq!(
            groups(5, &keys),
            vec![(0, vec![1, 4]), (1, vec![3]), (3, vec![0, 2, 5])]
        );
        assert_eq!(Groups::by(5, keys.iter().copied()).len(), 3);
    }

    #[test]
    fn no_items_make_no_groups() {
        assert!(groups(4, &[]).is_empty());
        assert!(groups(0, &[]).is_empty());
    }

    proptest::proptest! {
        /// A counting sort gives what sorting the items by (key, item) and
        /// cutting at each new key gives.
        #[test]
        fn groups_match_a_sort(keys in proptest::collection::vec(0usize..12, 0..200)) {
            let mut sorted: Vec<(usize, usize)> =
                keys.iter().enumerate().map(|(item, &key)| (key, item)).collect();
            sorted.sort();
            let mut expected: Vec<(usize, Vec<usize>)> = Vec::new();
            for (key, item) in sorted {
                match expected.last_mut() {
                    Some((k, items)) if *k == key => items.push(item),
                    _ => expected.push((key, vec![item])),
                }
            }
            proptest::prop_assert_eq!(groups(12, &keys), expected);
        }
    }
}
