//! The MILP of `docs/formulation.md` as arrays, in named steps: the columns,
//! each family of rows, the objective. Nothing here talks to a solver;
//! [`super::highs`] hands the arrays to HiGHS as they are, without a copy of
//! the model in another form.

use super::FlowConstraint;
use crate::domain::Scenario;
use crate::network::Network;

/// A column (a variable) of a model, by its position, so that its value is read
/// back by this handle, never by arithmetic on positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    /// Its position among the model's columns, in creation order.
    pub index: usize,
}

/// Whether the objective is maximised or minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    /// Maximise (the MILPs).
    Maximise,
    /// Minimise (the transfer LP).
    Minimise,
}

/// A linear model, MILP or LP, as the solver is given it: per column its
/// bounds, objective coefficient and integrality; per row its bounds and its
/// entries, row after row (a compressed sparse row matrix). Rows are added
/// whole, with their entries in ascending column order and no column twice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Milp {
    /// Maximise or minimise.
    pub sense: Sense,
    /// The objective coefficient of each column.
    pub cost: Vec<f64>,
    /// The lower bound of each column.
    pub lower: Vec<f64>,
    /// The upper bound of each column.
    pub upper: Vec<f64>,
    /// Whether each column is integer.
    pub integer: Vec<bool>,
    /// The lower bound of each row (−∞ for a `≤` row).
    pub row_lower: Vec<f64>,
    /// The upper bound of each row (+∞ for a `≥` row).
    pub row_upper: Vec<f64>,
    /// Row r's entries are `starts[r]..starts[r + 1]` of `index` and `value`.
    pub starts: Vec<usize>,
    /// The column of each entry, row after row.
    pub index: Vec<u32>,
    /// The coefficient of each entry.
    pub value: Vec<f64>,
}

impl Milp {
    /// A model with no column and no row yet.
    pub fn new(sense: Sense) -> Milp {
        Milp {
            sense,
            cost: Vec::new(),
            lower: Vec::new(),
            upper: Vec::new(),
            integer: Vec::new(),
            row_lower: Vec::new(),
            row_upper: Vec::new(),
            starts: vec![0],
            index: Vec::new(),
            value: Vec::new(),
        }
    }

    /// Room for `columns` columns, `rows` rows and `entries` entries more.
    pub fn reserve(&mut self, columns: usize, rows: usize, entries: usize) {
        self.cost.reserve(columns);
        self.lower.reserve(columns);
        self.upper.reserve(columns);
        self.integer.reserve(columns);
        self.row_lower.reserve(rows);
        self.row_upper.reserve(rows);
        self.starts.reserve(rows);
        self.index.reserve(entries);
        self.value.reserve(entries);
    }

    /// Adds a continuous column `lower ≤ c ≤ upper` with objective coefficient 0.
    pub fn column(&mut self, lower: f64, upper: f64) -> Column {
        self.cost.push(0.0);
        self.lower.push(lower);
        self.upper.push(upper);
        self.integer.push(false);
        Column {
            index: self.cost.len() - 1,
        }
    }

    /// Adds an integer column `lower ≤ c ≤ upper`.
    pub fn integer_column(&mut self, lower: f64, upper: f64) -> Column {
        let c = self.column(lower, upper);
        self.integer[c.index] = true;
        c
    }

    /// Adds `a` to the objective coefficient of `c`.
    pub fn add_cost(&mut self, c: Column, a: f64) {
        self.cost[c.index] += a;
    }

    /// The number of columns.
    pub fn columns(&self) -> usize {
        self.cost.len()
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Adds the row `lower ≤ Σ a c ≤ upper` over `terms`; a column named more
    /// than once gets the sum of its coefficients.
    pub fn row(&mut self, lower: f64, upper: f64, terms: impl IntoIterator<Item = (Column, f64)>) {
        let from = self.index.len();
        for (c, a) in terms {
            self.index.push(u32::try_from(c.index).unwrap_or(u32::MAX));
            self.value.push(a);
        }
        if !self.index[from..].windows(2).all(|w| w[0] < w[1]) {
            let mut row: Vec<(u32, f64)> = self.index[from..]
                .iter()
                .copied()
                .zip(self.value[from..].iter().copied())
                .collect();
            row.sort_by_key(|e| e.0);
            self.index.truncate(from);
            self.value.truncate(from);
            for (c, a) in row {
                // The entries of a column named more than once are summed.
                match self.index.last() {
                    Some(&last) if self.index.len() > from && last == c => {
                        if let Some(v) = self.value.last_mut() {
                            *v += a;
                        }
                    }
                    _ => {
                        self.index.push(c);
                        self.value.push(a);
                    }
                }
            }
        }
        self.row_lower.push(lower);
        self.row_upper.push(upper);
        self.starts.push(self.index.len());
    }

    /// Adds the row `Σ a c ≤ upper`.
    pub fn at_most(&mut self, upper: f64, terms: impl IntoIterator<Item = (Column, f64)>) {
        self.row(f64::NEG_INFINITY, upper, terms);
    }

    /// Adds the row `Σ a c ≥ lower`.
    pub fn at_least(&mut self, lower: f64, terms: impl IntoIterator<Item = (Column, f64)>) {
        self.row(lower, f64::INFINITY, terms);
    }

    /// The model left when every column `j` with `free[j]` false is fixed at
    /// `values[j]`: the free columns in their order, each row over them with
    /// its bounds less what the fixed columns contribute, and the rows with no
    /// free column left out (they hold or fail whatever the free columns do).
    pub fn with_fixed(&self, free: &[bool], values: &[f64]) -> Milp {
        let mut position = vec![u32::MAX; self.columns()];
        let mut m = Milp::new(self.sense);
        for (j, _) in free.iter().enumerate().filter(|(_, &f)| f) {
            position[j] = m.columns() as u32;
            let c = m.column(self.lower[j], self.upper[j]);
            m.cost[c.index] = self.cost[j];
            m.integer[c.index] = self.integer[j];
        }
        for r in 0..self.rows() {
            let entries = self.starts[r]..self.starts[r + 1];
            let mut fixed = 0.0;
            let from = m.index.len();
            for e in entries {
                let j = self.index[e] as usize;
                if free[j] {
                    m.index.push(position[j]);
                    m.value.push(self.value[e]);
                } else {
                    fixed += self.value[e] * values[j];
                }
            }
            if m.index.len() == from {
                continue;
            }
            m.row_lower.push(self.row_lower[r] - fixed);
            m.row_upper.push(self.row_upper[r] - fixed);
            m.starts.push(m.index.len());
        }
        m
    }
}

/// The variables of the MILP: flow `x_l` and build `y_l` per link.
pub(crate) struct Vars {
    /// Flow per link.
    pub x: Vec<Column>,
    /// Build decision per link.
    pub y: Vec<Column>,
}

/// Defines `x_l ∈ [0, U_l]` (fixed at the recorded quantity for existing links that
/// have one) and `y_l ∈ {0,1}` (fixed at 1 for existing and forced links), in
/// link order, `x_l` before `y_l`.
pub(crate) fn define_variables(net: &Network, m: &mut Milp) -> Vars {
    let n = net.links.len();
    m.reserve(2 * n, 0, 0);
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for l in &net.links {
        x.push(flow_column(l, m));
        let low = if l.is_mandatory() { 1.0 } else { 0.0 };
        y.push(m.integer_column(low, 1.0));
    }
    Vars { x, y }
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
pub(crate) fn supply_constraints(s: &Scenario, net: &Network, v: &Vars, m: &mut Milp) {
    let by_output = Groups::by(s.outputs.len(), net.links.iter().map(|l| l.output.0));
    m.reserve(0, by_output.len(), net.links.len());
    for (o, links) in by_output.iter() {
        m.at_most(s.outputs[o].quantity, links.iter().map(|&k| (v.x[k], 1.0)));
    }
}

/// Demand: Σ_{l ∈ in(i)} ρ_l α_l x_l ≤ D_i for every input i with a link, by
/// input; then per input and rule r, by input and rule:
/// Σ_{l ∈ in(i), r(l) = r} ρ_l α_l x_l ≤ σ_r D_i (skipped when σ_r = 1).
pub(crate) fn demand_constraints(s: &Scenario, net: &Network, v: &Vars, m: &mut Milp) {
    let by_input = Groups::by(s.inputs.len(), net.links.iter().map(|l| l.input.0));
    let displaced = |links: &[usize]| -> Vec<(Column, f64)> {
        links
            .iter()
            .map(|&k| (v.x[k], net.links[k].displaced_per_unit))
            .collect()
    };
    m.reserve(0, by_input.len(), net.links.len());
    // The share rows come after every demand row.
    let mut shares: Vec<(f64, Vec<(Column, f64)>)> = Vec::new();
    let mut shared: Vec<usize> = Vec::new();
    for (i, links) in by_input.iter() {
        m.at_most(s.inputs[i].quantity, displaced(links));
        // The input's links under rules that cover only a share, by rule.
        shared.clear();
        shared.extend(
            links
                .iter()
                .copied()
                .filter(|&k| s.rules[net.links[k].rule.0].max_share < 1.0),
        );
        shared.sort_by_key(|&k| net.links[k].rule);
        for run in shared.chunk_by(|&a, &b| net.links[a].rule == net.links[b].rule) {
            let share = s.rules[net.links[run[0]].rule.0].max_share;
            shares.push((share * s.inputs[i].quantity, displaced(run)));
        }
    }
    for (upper, terms) in shares {
        m.at_most(upper, terms);
    }
}

/// Linking: x_l ≤ U_l y_l, with U_l the tightest bound of the link (no global big-M).
/// Existing links with a recorded quantity are fixed already; their capacity still
/// holds (x_l ≤ C_l), so a recorded quantity above it makes the plan infeasible.
pub(crate) fn linking_constraints(net: &Network, v: &Vars, m: &mut Milp) {
    m.reserve(0, net.links.len(), 2 * net.links.len());
    for (k, l) in net.links.iter().enumerate() {
        match (l.recorded_quantity, l.capacity) {
            (None, _) => m.at_most(0.0, [(v.x[k], 1.0), (v.y[k], -l.upper_bound.max(0.0))]),
            (Some(_), Some(c)) => m.at_most(c, [(v.x[k], 1.0)]),
            (Some(_), None) => {}
        }
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
/// supply, demand and shares, linking.
pub(crate) fn network_constraints(s: &Scenario, net: &Network, v: &Vars, m: &mut Milp) {
    supply_constraints(s, net, v, m);
    demand_constraints(s, net, v, m);
    linking_constraints(net, v, m);
}

/// Extra constraints on the flows: Σ_k a_k x_k ≥ rhs each.
pub(crate) fn flow_constraints(extra: &[FlowConstraint], v: &Vars, m: &mut Milp) {
    for c in extra {
        m.at_least(c.at_least, c.coefficients.iter().map(|&(k, a)| (v.x[k], a)));
    }
}

/// Cuts (valid inequalities of [`super::cuts`]): Σ a x_k + Σ c y_k ≤ rhs each.
pub(crate) fn cut_rows(cuts: &[super::cuts::Cut], v: &Vars, m: &mut Milp) {
    for c in cuts {
        let flow = c.flow.iter().map(|&(k, a)| (v.x[k], a));
        let build = c.build.iter().map(|&(k, a)| (v.y[k], a));
        m.at_most(c.at_most, flow.chain(build));
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
}

/// CO2 avoided: Σ_l Δ_l x_l, t CO2e per year.
pub(crate) fn co2_avoided(net: &Network, v: &Vars, m: &mut Milp) {
    for (k, l) in net.links.iter().enumerate() {
        m.add_cost(v.x[k], l.co2_avoided_per_unit());
    }
}

#[cfg(test)]
mod tests {
    use super::{Groups, Milp, Sense};

    #[test]
    fn a_row_names_each_column_once_in_ascending_order() {
        let mut m = Milp::new(Sense::Maximise);
        let a = m.column(0.0, 1.0);
        let b = m.integer_column(0.0, 1.0);
        let c = m.column(0.0, 2.0);
        m.at_most(4.0, [(a, 1.0), (c, 2.0)]);
        m.at_least(1.0, [(c, 1.0), (a, 3.0), (c, -0.5), (b, 2.0)]);
        m.row(2.0, 2.0, []);
        assert_eq!(m.columns(), 3);
        assert_eq!(m.rows(), 3);
        assert_eq!(m.integer, vec![false, true, false]);
        assert_eq!(m.starts, vec![0, 2, 5, 5]);
        assert_eq!(m.index, vec![0, 2, 0, 1, 2]);
        assert_eq!(m.value, vec![1.0, 2.0, 3.0, 2.0, 0.5]);
        assert_eq!(m.row_lower, vec![f64::NEG_INFINITY, 1.0, 2.0]);
        assert_eq!(m.row_upper, vec![4.0, f64::INFINITY, 2.0]);
    }

    #[test]
    fn fixing_columns_moves_their_part_of_each_row_into_its_bounds() {
        let mut m = Milp::new(Sense::Maximise);
        let a = m.column(0.0, 5.0);
        let b = m.integer_column(0.0, 1.0);
        let c = m.column(0.0, 2.0);
        m.add_cost(a, 3.0);
        m.add_cost(b, -1.0);
        m.at_most(4.0, [(a, 1.0), (c, 2.0)]);
        m.row(1.0, 6.0, [(b, 2.0), (c, 1.0)]);
        m.at_most(0.0, [(b, 1.0)]);
        // b fixed at 1, c at 1.5: a's row loses 3, the row of b and c has no
        // free column left, nor has b's own.
        let sub = m.with_fixed(&[true, false, false], &[0.0, 1.0, 1.5]);
        assert_eq!(sub.columns(), 1);
        assert_eq!(sub.cost, vec![3.0]);
        assert_eq!((sub.lower[0], sub.upper[0]), (0.0, 5.0));
        assert_eq!(sub.starts, vec![0, 1]);
        assert_eq!(sub.index, vec![0]);
        assert_eq!(sub.row_upper, vec![1.0]);
        // c free, a and b fixed: c's columns renumbered from 0, both rows kept.
        let sub = m.with_fixed(&[false, false, true], &[2.0, 1.0, 0.0]);
        assert_eq!(sub.integer, vec![false]);
        assert_eq!(sub.index, vec![0, 0]);
        assert_eq!(sub.value, vec![2.0, 1.0]);
        assert_eq!(sub.row_lower, vec![f64::NEG_INFINITY, -1.0]);
        assert_eq!(sub.row_upper, vec![2.0, 4.0]);
    }

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
