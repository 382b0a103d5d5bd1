//! Mandatory flows: what the network demands before any choice is made.
//!
//! The MILP fixes the flow of every existing link with a recorded quantity at
//! that quantity (`x_l = q_l`). Every other flow may be 0 (a forced link, or an
//! existing one without a recorded quantity, is built but needs no flow), and all
//! constraints are upper bounds, so the MILP is feasible exactly when the
//! recorded flows fit on their own:
//!
//! - **supply**: Σ q_l over the links of output o ≤ Q_o;
//! - **demand**: Σ ρ α q_l over the links of input i ≤ D_i;
//! - **share**: Σ ρ α q_l over the links of input i under rule r ≤ σ_r D_i (σ_r < 1);
//! - **capacity**: q_l ≤ C_l.
//!
//! [`conflicts`] lists each of these that the recorded flows exceed. It needs
//! only the network, so it can be asked before any solve (`check`) and after an
//! infeasible one (to say why).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{InputId, OutputId, RuleId, Scenario};

use super::Network;

/// Relative tolerance of the comparison: a limit is exceeded when the recorded
/// flows need more than `limit + TOLERANCE × max(1, |limit|)`, so that rounding in
/// a sum of ρ α q does not make a conflict of an exact fit.
pub const TOLERANCE: f64 = 1e-9;

/// The family of a constraint of the MILP (`docs/formulation.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// Σ x over the links of an output ≤ its quantity.
    Supply,
    /// Σ ρ α x over the links of an input ≤ its quantity.
    Demand,
    /// Σ ρ α x over the links of an input under one rule ≤ the rule's share of it.
    Share,
    /// The flow of one link ≤ its capacity.
    Capacity,
}

impl Constraint {
    /// The name plans and messages use (`supply`, `demand`, `share`, `capacity`).
    pub fn name(self) -> &'static str {
        match self {
            Constraint::Supply => "supply",
            Constraint::Demand => "demand",
            Constraint::Share => "share",
            Constraint::Capacity => "capacity",
        }
    }
}

/// The one constraint a conflict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Limit {
    /// The supply of an output.
    Supply(OutputId),
    /// The demand of an input.
    Demand(InputId),
    /// The share a rule may cover of an input.
    Share(InputId, RuleId),
    /// The capacity of a link (index into [`Network::links`]).
    Capacity(usize),
}

impl Limit {
    /// Its family.
    pub fn constraint(self) -> Constraint {
        match self {
            Limit::Supply(_) => Constraint::Supply,
            Limit::Demand(_) => Constraint::Demand,
            Limit::Share(..) => Constraint::Share,
            Limit::Capacity(_) => Constraint::Capacity,
        }
    }
}

/// A constraint that the recorded flows alone exceed: no plan can satisfy it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The constraint.
    pub limit: Limit,
    /// Its right-hand side: Q_o, D_i, σ_r D_i or C_l (in the output's unit for
    /// supply and capacity, in the input's for demand and share).
    pub bound: f64,
    /// What the recorded flows need of it, in the same unit.
    pub required: f64,
    /// The links whose recorded flows make up `required` (indices into
    /// [`Network::links`], ascending).
    pub links: Vec<usize>,
}

impl Conflict {
    /// By how much the recorded flows exceed the limit.
    pub fn excess(&self) -> f64 {
        self.required - self.bound
    }
}

/// A constraint's right-hand side and what the recorded flows need of it.
#[derive(Default)]
struct Load {
    required: f64,
    links: Vec<usize>,
}

impl Load {
    fn add(&mut self, k: usize, amount: f64) {
        self.required += amount;
        self.links.push(k);
    }
}

/// Every constraint that the recorded flows of existing links exceed on their
/// own, in the order supply (by output), demand (by input), share (by input and
/// rule), capacity (by link). Empty when the MILP has a feasible point; a
/// conflict means it has none.
pub fn conflicts(s: &Scenario, net: &Network) -> Vec<Conflict> {
    let mut loads: BTreeMap<Limit, Load> = BTreeMap::new();
    for (k, l) in net.links.iter().enumerate() {
        let Some(q) = l.recorded_quantity else {
            continue;
        };
        let displaced = l.displaced_per_unit * q;
        loads.entry(Limit::Supply(l.output)).or_default().add(k, q);
        loads
            .entry(Limit::Demand(l.input))
            .or_default()
            .add(k, displaced);
        if s.rules[l.rule.0].max_share < 1.0 {
            loads
                .entry(Limit::Share(l.input, l.rule))
                .or_default()
                .add(k, displaced);
        }
        if l.capacity.is_some() {
            loads.entry(Limit::Capacity(k)).or_default().add(k, q);
        }
    }
    loads
        .into_iter()
        .filter_map(|(limit, load)| {
            let bound = bound(s, net, limit);
            exceeds(load.required, bound).then_some(Conflict {
                limit,
                bound,
                required: load.required,
                links: load.links,
            })
        })
        .collect()
}

/// The right-hand side of a constraint.
fn bound(s: &Scenario, net: &Network, limit: Limit) -> f64 {
    match limit {
        Limit::Supply(o) => s.outputs[o.0].quantity,
        Limit::Demand(i) => s.inputs[i.0].quantity,
        Limit::Share(i, r) => s.rules[r.0].max_share * s.inputs[i.0].quantity,
        Limit::Capacity(k) => net.links[k].capacity.unwrap_or(f64::INFINITY),
    }
}

/// Whether `required` exceeds `bound` beyond the [`TOLERANCE`].
fn exceeds(required: f64, bound: f64) -> bool {
    required > bound + TOLERANCE * bound.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The hand-solvable district with existing truck links from the steelworks'
    /// 600 t of slag to Cement A (600 t of clinker) and Cement B (1000 t), under
    /// a rule that may cover half of an input.
    fn with_links(links: &str) -> Scenario {
        let text = format!("{}\n{links}", include_str!("../../tests/data/hand.toml"));
        crate::scenario::read_str(Path::new("t.toml"), &text).unwrap()
    }

    fn existing(to: &str, quantity: f64, capacity: Option<f64>) -> String {
        let capacity = capacity.map_or(String::new(), |c| format!("capacity = {c}\n"));
        format!(
            "[[links]]\nfrom_site = \"steel\"\nfrom_output = \"slag\"\nto_site = \"{to}\"\n\
             to_input = \"clinker\"\nmode = \"truck\"\nstatus = \"existing\"\nquantity = {quantity}\n{capacity}"
        )
    }

    fn found(links: &str) -> Vec<(Constraint, f64, f64, usize)> {
        let s = with_links(links);
        let net = super::super::build(&s).unwrap();
        conflicts(&s, &net)
            .into_iter()
            .map(|c| (c.limit.constraint(), c.bound, c.required, c.links.len()))
            .collect()
    }

    #[test]
    fn recorded_flows_that_fit_are_no_conflict() {
        // 300 + 300 = 600 t of slag; 300 t is half of Cement A's 600.
        let links = existing("cement_a", 300.0, None) + &existing("cement_b", 300.0, Some(300.0));
        assert!(found(&links).is_empty());
    }

    #[test]
    fn each_limit_the_recorded_flows_exceed_is_a_conflict() {
        // 400 + 500 = 900 t > 600 t of slag; 400 t > 300 t, half of Cement A's
        // clinker; 500 t > the 450 t capacity.
        let links = existing("cement_a", 400.0, None) + &existing("cement_b", 500.0, Some(450.0));
        assert_eq!(
            found(&links),
            vec![
                (Constraint::Supply, 600.0, 900.0, 2),
                (Constraint::Share, 300.0, 400.0, 1),
                (Constraint::Capacity, 450.0, 500.0, 1),
            ]
        );
    }
}
