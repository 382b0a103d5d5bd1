//! The MILP of `docs/formulation.md` as good_lp expressions, in named steps: the
//! variables, each family of constraints, the objective. Nothing here talks to a
//! solver; [`super::highs`] hands the result to HiGHS.

use std::collections::BTreeMap;

use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable, VariableDefinition};

use super::FlowConstraint;
use crate::domain::{InputId, OutputId, RuleId, Scenario};
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

/// Supply: Σ_{l ∈ out(o)} x_l ≤ Q_o for every output o.
pub(crate) fn supply_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let mut by_output: BTreeMap<OutputId, Expression> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        *by_output.entry(l.output).or_default() += v.x[k].var;
    }
    by_output
        .into_iter()
        .map(|(o, e)| e.leq(s.outputs[o.0].quantity))
        .collect()
}

/// Demand: Σ_{l ∈ in(i)} ρ_l α_l x_l ≤ D_i for every input i, and per rule r:
/// Σ_{l ∈ in(i), r(l) = r} ρ_l α_l x_l ≤ σ_r D_i (skipped when σ_r = 1).
pub(crate) fn demand_constraints(s: &Scenario, net: &Network, v: &Vars) -> Vec<Constraint> {
    let mut by_input: BTreeMap<InputId, Expression> = BTreeMap::new();
    let mut by_share: BTreeMap<(InputId, RuleId), Expression> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        *by_input.entry(l.input).or_default() += l.displaced_per_unit * v.x[k].var;
        if s.rules[l.rule.0].max_share < 1.0 {
            *by_share.entry((l.input, l.rule)).or_default() += l.displaced_per_unit * v.x[k].var;
        }
    }
    let mut out: Vec<Constraint> = by_input
        .into_iter()
        .map(|(i, e)| e.leq(s.inputs[i.0].quantity))
        .collect();
    out.extend(
        by_share
            .into_iter()
            .map(|((i, r), e)| e.leq(s.rules[r.0].max_share * s.inputs[i.0].quantity)),
    );
    out
}

/// Linking: x_l ≤ U_l y_l, with U_l the tightest bound of the link (no global big-M).
/// Existing links with a recorded quantity are fixed already; their capacity still
/// holds (x_l ≤ C_l), so a recorded quantity above it makes the plan infeasible.
pub(crate) fn linking_constraints(net: &Network, v: &Vars) -> Vec<Constraint> {
    net.links
        .iter()
        .enumerate()
        .filter_map(|(k, l)| match (l.recorded_quantity, l.capacity) {
            (None, _) => Some((v.x[k].var - l.upper_bound.max(0.0) * v.y[k].var).leq(0.0)),
            (Some(_), Some(c)) => Some(Expression::from(v.x[k].var).leq(c)),
            (Some(_), None) => None,
        })
        .collect()
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
    let mut e = Expression::default();
    for (k, l) in net.links.iter().enumerate() {
        e += l.margin_per_unit(p.carbon_price, p.energy_price) * v.x[k].var;
        e -= l.fixed_charge_per_year() * v.y[k].var;
    }
    e
}

/// CO2 avoided: Σ_l Δ_l x_l, t CO2e per year.
pub(crate) fn co2_avoided(net: &Network, v: &Vars) -> Expression {
    net.links
        .iter()
        .enumerate()
        .map(|(k, l)| l.co2_avoided_per_unit() * v.x[k].var)
        .sum()
}
