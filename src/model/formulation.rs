//! The MILP of `docs/formulation.md` as good_lp expressions, in named steps: the
//! variables, each family of constraints, the objective. Nothing here talks to a
//! solver; [`super::highs`] hands the result to HiGHS.

use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable, VariableDefinition};

use super::FlowConstraint;
use crate::domain::Scenario;
use crate::network::Network;

/// A variable with the position of its column in the model the solver is given,
/// so that its value is read back by this handle, never by arithmetic on positions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// The good_lp variable, for expressions.
    pub var: Variable,
    /// Its column, in creation order.
    pub index: usize,
}

/// The variables of a model being defined, numbered in creation order (the order
/// good_lp gives the solver its columns).
pub(crate) struct Columns {
    vars: ProblemVariables,
    count: usize,
}

impl Columns {
    /// No variable yet.
    pub fn new() -> Columns {
        Columns {
            vars: ProblemVariables::new(),
            count: 0,
        }
    }

    /// Adds a variable.
    pub fn add(&mut self, definition: VariableDefinition) -> Column {
        let var = self.vars.add(definition);
        self.count += 1;
        Column {
            var,
            index: self.count - 1,
        }
    }
}

/// Whether the objective is maximised or minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    /// Maximise (the MILPs).
    Maximise,
    /// Minimise (the transfer LP).
    Minimise,
}

/// A model ready for the solver.
pub(crate) struct Milp {
    /// Its variables.
    pub columns: ProblemVariables,
    /// Maximise or minimise.
    pub sense: Sense,
    /// The objective.
    pub objective: Expression,
    /// The constraints.
    pub constraints: Vec<Constraint>,
}

impl Milp {
    /// A model of `columns` with no constraint yet.
    pub fn new(columns: Columns, sense: Sense, objective: Expression) -> Milp {
        Milp {
            columns: columns.vars,
            sense,
            objective,
            constraints: Vec::new(),
        }
    }

    /// Adds constraints.
    pub fn with(mut self, constraints: impl IntoIterator<Item = Constraint>) -> Milp {
        self.constraints.extend(constraints);
        self
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
/// have one) and `y_l ∈ {0,1}` (fixed at 1 for existing and forced links).
pub(crate) fn define_variables(net: &Network, columns: &mut Columns) -> Vars {
    let mut x = Vec::with_capacity(net.links.len());
    let mut y = Vec::with_capacity(net.links.len());
    for l in &net.links {
        let flow = match l.recorded_quantity {
            Some(q) => variable().min(q).max(q),
            None => variable().min(0.0).max(l.upper_bound.max(0.0)),
        };
        x.push(columns.add(flow));
        let build = if l.is_mandatory() {
            variable().integer().min(1.0).max(1.0)
        } else {
            variable().binary()
        };
        y.push(columns.add(build));
    }
    Vars { x, y }
}

/// Supply: Σ_{l ∈ out(o)} x_l ≤ Q_o for every output o with a link, by output.
pub(crate) fn supply_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let by_output = Groups::by(s.outputs.len(), net.links.iter().map(|l| l.output.0));
    by_output
        .iter()
        .map(|(o, links)| {
            let mut e = Expression::with_capacity(links.len());
            for &k in links {
                e.add_mul(1.0, v.x[k].var);
            }
            e.leq(s.outputs[o].quantity)
        })
        .collect()
}

/// Demand: Σ_{l ∈ in(i)} ρ_l α_l x_l ≤ D_i for every input i with a link, by
/// input; then per input and rule r, by input and rule:
/// Σ_{l ∈ in(i), r(l) = r} ρ_l α_l x_l ≤ σ_r D_i (skipped when σ_r = 1).
pub(crate) fn demand_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let by_input = Groups::by(s.inputs.len(), net.links.iter().map(|l| l.input.0));
    let displaced = |e: &mut Expression, links: &[usize]| {
        for &k in links {
            e.add_mul(net.links[k].displaced_per_unit, v.x[k].var);
        }
    };
    let mut out: Vec<Constraint> = Vec::with_capacity(by_input.len());
    let mut shares: Vec<Constraint> = Vec::new();
    let mut shared: Vec<usize> = Vec::new();
    for (i, links) in by_input.iter() {
        let mut e = Expression::with_capacity(links.len());
        displaced(&mut e, links);
        out.push(e.leq(s.inputs[i].quantity));
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
            let mut e = Expression::with_capacity(run.len());
            displaced(&mut e, run);
            shares.push(e.leq(share * s.inputs[i].quantity));
        }
    }
    out.append(&mut shares);
    out
}

/// Linking: x_l ≤ U_l y_l, with U_l the tightest bound of the link (no global big-M).
/// Existing links with a recorded quantity are fixed already; their capacity still
/// holds (x_l ≤ C_l), so a recorded quantity above it makes the plan infeasible.
pub(crate) fn linking_constraints(net: &Network, v: &Vars) -> Vec<Constraint> {
    net.links
        .iter()
        .enumerate()
        .filter_map(|(k, l)| {
            let mut e = Expression::with_capacity(2);
            match (l.recorded_quantity, l.capacity) {
                (None, _) => {
                    e.add_mul(1.0, v.x[k].var);
                    e.add_mul(-l.upper_bound.max(0.0), v.y[k].var);
                    Some(e.leq(0.0))
                }
                (Some(_), Some(c)) => {
                    e.add_mul(1.0, v.x[k].var);
                    Some(e.leq(c))
                }
                (Some(_), None) => None,
            }
        })
        .collect()
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
pub(crate) fn network_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let mut out = supply_constraints(s, net, v);
    out.extend(demand_constraints(s, net, v));
    out.extend(linking_constraints(net, v));
    out
}

/// Extra constraints on the flows: Σ_k a_k x_k ≥ rhs each.
pub(crate) fn flow_constraints(extra: &[FlowConstraint], v: &Vars) -> Vec<Constraint> {
    extra
        .iter()
        .map(|c| {
            let mut e = Expression::default();
            for &(k, a) in &c.coefficients {
                e += a * v.x[k].var;
            }
            e.geq(c.at_least)
        })
        .collect()
}

/// Net benefit: Σ_l v_l x_l − F_l y_l, with v_l the margin per unit sent at the
/// scenario's carbon and energy prices and F_l the link's annual charge.
pub(crate) fn net_benefit(s: &Scenario, net: &Network, v: &Vars) -> Expression {
    let p = &s.parameters;
    let mut e = Expression::with_capacity(2 * net.links.len());
    for (k, l) in net.links.iter().enumerate() {
        e.add_mul(
            l.margin_per_unit(p.carbon_price, p.energy_price),
            v.x[k].var,
        );
        e.add_mul(-l.fixed_charge_per_year(), v.y[k].var);
    }
    e
}

/// CO2 avoided: Σ_l Δ_l x_l, t CO2e per year.
pub(crate) fn co2_avoided(net: &Network, v: &Vars) -> Expression {
    let mut e = Expression::with_capacity(net.links.len());
    for (k, l) in net.links.iter().enumerate() {
        e.add_mul(l.co2_avoided_per_unit(), v.x[k].var);
    }
    e
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
