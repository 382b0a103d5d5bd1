//! The rows of a model by what they constrain: every family of
//! [`super`] records the handle of each row it writes, so that a dual, a cut
//! or a check finds a row by its key and never by its position among the
//! others.

use super::PlantRow;
use crate::domain::{InputId, OutputId, PlantId, RuleId};
use crate::model::milp::Row;

/// What a row of the model constrains. The search reads the node rows by
/// family ([`Rows::nodes`]); every key finds its row through [`Rows::get`],
/// which the tests use to check that each row of a model has a name.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RowKey {
    /// The supply of an output: Σ_{l ∈ out(o)} x_l ≤ Q_o.
    Supply(OutputId),
    /// The demand of an input: Σ_{l ∈ in(i)} ρ_l α_l x_l ≤ D_i.
    Demand(InputId),
    /// The share of a rule at an input: Σ ρ_l α_l x_l ≤ σ_r D_i.
    Share(InputId, RuleId),
    /// The linking row of a link (by its index in the network): x_l ≤ U_l y_l,
    /// or x_l ≤ C_l for a link with a recorded quantity.
    Linking(usize),
    /// An extra constraint on the flows, by its index among them.
    Flow(usize),
    /// A cut, by its index among the model's cuts.
    Cut(usize),
    /// A row of a plant ([`PlantRow`]).
    Plant(PlantId, PlantRow),
    /// The limit of a plant group, by its index among the scenario's groups.
    Group(usize),
}

/// The rows of a model, family by family, each in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rows {
    /// Supply rows, by ascending output.
    pub supply: Vec<(OutputId, Row)>,
    /// Demand rows, by ascending input.
    pub demand: Vec<(InputId, Row)>,
    /// Share rows, by ascending input and rule.
    pub share: Vec<((InputId, RuleId), Row)>,
    /// The linking row of each link, by link ([`Rows::NO_ROW`] for a link
    /// without one); four bytes a link, for networks of millions of links.
    pub(super) linking: Vec<u32>,
    /// Extra constraints on the flows, in order.
    pub flows: Vec<Row>,
    /// Cuts, in order.
    pub cuts: Vec<Row>,
    /// Plant rows, by ascending plant and row.
    pub plants: Vec<((PlantId, PlantRow), Row)>,
    /// Plant group rows, by ascending group.
    pub groups: Vec<(usize, Row)>,
}

impl Rows {
    /// The linking entry of a link without a linking row.
    pub(super) const NO_ROW: u32 = u32::MAX;

    /// The compact linking entry of a row (HiGHS indexes rows by `int`, so
    /// every row of a model it holds fits).
    pub(super) fn index_of(row: Row) -> u32 {
        u32::try_from(row.index).unwrap_or(Rows::NO_ROW)
    }

    #[cfg_attr(not(test), allow(dead_code))]
    /// The row of `key`, if the model has one (a stream without a link has
    /// no row).
    pub fn get(&self, key: RowKey) -> Option<Row> {
        fn find<K: Ord + Copy>(rows: &[(K, Row)], key: K) -> Option<Row> {
            rows.binary_search_by(|(k, _)| k.cmp(&key))
                .ok()
                .map(|i| rows[i].1)
        }
        match key {
            RowKey::Supply(o) => find(&self.supply, o),
            RowKey::Demand(i) => find(&self.demand, i),
            RowKey::Share(i, r) => find(&self.share, (i, r)),
            RowKey::Linking(k) => self
                .linking
                .get(k)
                .filter(|&&r| r != Rows::NO_ROW)
                .map(|&r| Row { index: r as usize }),
            RowKey::Flow(j) => self.flows.get(j).copied(),
            RowKey::Cut(j) => self.cuts.get(j).copied(),
            RowKey::Plant(p, r) => find(&self.plants, (p, r)),
            RowKey::Group(g) => find(&self.groups, g),
        }
    }

    /// The node rows (supply, demand and share: each the rows of one output
    /// or one input), with their keys, in the order they were written.
    pub fn nodes(&self) -> impl Iterator<Item = (RowKey, Row)> + '_ {
        let supply = self.supply.iter().map(|&(o, r)| (RowKey::Supply(o), r));
        let demand = self.demand.iter().map(|&(i, r)| (RowKey::Demand(i), r));
        let share = self
            .share
            .iter()
            .map(|&((i, rule), r)| (RowKey::Share(i, rule), r));
        supply.chain(demand).chain(share)
    }

    #[cfg_attr(not(test), allow(dead_code))]
    /// How many rows are known by name.
    pub fn len(&self) -> usize {
        self.supply.len()
            + self.demand.len()
            + self.share.len()
            + self.linking.iter().filter(|&&r| r != Rows::NO_ROW).count()
            + self.flows.len()
            + self.cuts.len()
            + self.plants.len()
            + self.groups.len()
    }
}
