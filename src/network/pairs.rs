//! The pair search: which (output, input, rule, mode) combinations are worth
//! forming a link for.
//!
//! Outputs and inputs meet only through a rule (from the output's material to the
//! input's), and a mode with a distance limit looks its inputs up in an R-tree of
//! the receiving sites instead of trying all of them.

use std::collections::HashMap;

use rstar::{primitives::GeomWithData, RTree};

use super::Facts;
use crate::domain::{
    InputId, Location, MaterialId, ModeId, OutputId, PlantStatus, RuleId, Scenario,
};

/// An output, an input, the rule that joins them and the mode between them.
pub(super) type Pair = (OutputId, InputId, RuleId, ModeId);

/// Inputs by the location of their site.
type InputTree = RTree<GeomWithData<[f64; 3], InputId>>;

/// The pair search over a scenario: the pairs of one output at a time, so that
/// the pairs of the whole network are never held at once.
pub(super) struct PairSearch<'s> {
    s: &'s Scenario,
    facts: &'s Facts,
    /// The rules from each material, ascending.
    rules_from: Vec<Vec<RuleId>>,
    /// The inputs of each material, ascending.
    inputs_of: Vec<Vec<InputId>>,
    /// The inputs of plants of each material, ascending: what a rule that
    /// reaches plants only pairs with.
    plant_inputs_of: Vec<Vec<InputId>>,
    /// The R-tree of each material's inputs (of plants only, or of all),
    /// built on first use: materials no distance-limited mode reaches need none.
    trees: HashMap<(MaterialId, bool), InputTree>,
    /// Inputs the R-tree ruled out as beyond the distance limit, so far.
    pub too_far: usize,
    /// Pairs left out because a plant at one end is forbidden, so far.
    pub forbidden: usize,
}

impl<'s> PairSearch<'s> {
    /// The search over a scenario and its `[[links]]` facts.
    pub fn new(s: &'s Scenario, facts: &'s Facts) -> PairSearch<'s> {
        let mut rules_from = vec![Vec::new(); s.materials.len()];
        for (r, rule) in s.rules.iter().enumerate() {
            rules_from[rule.from.0].push(RuleId(r));
        }
        let mut inputs_of = vec![Vec::new(); s.materials.len()];
        let mut plant_inputs_of = vec![Vec::new(); s.materials.len()];
        for (k, i) in s.inputs.iter().enumerate() {
            inputs_of[i.material.0].push(InputId(k));
            if s.sites[i.site.0].plant.is_some() {
                plant_inputs_of[i.material.0].push(InputId(k));
            }
        }
        PairSearch {
            s,
            facts,
            rules_from,
            inputs_of,
            plant_inputs_of,
            trees: HashMap::new(),
            too_far: 0,
            forbidden: 0,
        }
    }

    /// Every pair of output `o` a rule allows, into `pairs` (cleared first),
    /// sorted by (input, mode) without duplicates; pairs of the same input and
    /// mode under several rules stay in rule order. Taken output after output in
    /// ascending order, they are every pair of the scenario sorted by (output,
    /// input, mode).
    ///
    /// For a mode with a distance limit and an output with a location, only the
    /// inputs within reach (see [`inputs_within_reach`]) are paired, and those the
    /// R-tree rules out are counted in [`PairSearch::too_far`]; other modes pair
    /// every input of the rule's material. Distances are checked exactly when the
    /// link is formed.
    pub fn pairs_of(&mut self, o: OutputId, pairs: &mut Vec<Pair>) {
        pairs.clear();
        let s = self.s;
        let output = &s.outputs[o.0];
        let from = s.sites[output.site.0].location;
        for &r in &self.rules_from[output.material.0] {
            let rule = &s.rules[r.0];
            let inputs = if rule.plants_only {
                &self.plant_inputs_of[rule.to.0]
            } else {
                &self.inputs_of[rule.to.0]
            };
            if inputs.is_empty() {
                continue;
            }
            for &m in &rule.modes {
                match (s.modes[m.0].max_distance_km, from) {
                    (Some(max), Some(loc)) => {
                        let tree = self
                            .trees
                            .entry((rule.to, rule.plants_only))
                            .or_insert_with(|| input_tree(s, inputs));
                        let reach = Reach { from: o, loc, max };
                        let wanted = Wanted {
                            material: rule.to,
                            plants_only: rule.plants_only,
                        };
                        let (near, too_far) =
                            inputs_within_reach(s, tree, wanted, reach, self.facts);
                        self.too_far += too_far;
                        pairs.extend(near.into_iter().map(|i| (o, i, r, m)));
                    }
                    _ => pairs.extend(inputs.iter().map(|&i| (o, i, r, m))),
                }
            }
        }
        pairs.sort_by_key(|&(_, i, _, m)| (i, m));
        pairs.dedup();
        if !s.plants.is_empty() {
            let before = pairs.len();
            let from_plant = s.plant_of_output(o);
            pairs.retain(|&(_, i, _, _)| {
                let to_plant = s.plant_of_input(i);
                let forbidden = |p: Option<crate::domain::PlantId>| {
                    p.is_some_and(|p| s.plants[p.0].status == PlantStatus::Forbidden)
                };
                !(forbidden(from_plant) || forbidden(to_plant))
            });
            self.forbidden += before - pairs.len();
            // A plant's output does not go back into the plant itself.
            if from_plant.is_some() {
                pairs.retain(|&(_, i, _, _)| s.plant_of_input(i) != from_plant);
            }
        }
    }
}

/// The R-tree of the located ones among `inputs` (inputs of sites without a
/// location are left out).
fn input_tree(s: &Scenario, inputs: &[InputId]) -> InputTree {
    RTree::bulk_load(
        inputs
            .iter()
            .filter_map(|&i| {
                s.sites[s.inputs[i.0].site.0]
                    .location
                    .map(|l| GeomWithData::new(l.embed(), i))
            })
            .collect(),
    )
}

/// The inputs a rule reaches: of its material, of plants only or of all.
#[derive(Clone, Copy)]
struct Wanted {
    /// The rule's `to` material.
    material: MaterialId,
    /// Whether only plants' inputs are reached.
    plants_only: bool,
}

/// Where a distance-limited mode starts from and how far it goes.
#[derive(Clone, Copy)]
struct Reach {
    /// The output sent.
    from: OutputId,
    /// Location of the output's site.
    loc: Location,
    /// The mode's distance limit, km.
    max: f64,
}

/// The inputs an output can reach within a mode's distance limit: those the
/// R-tree finds within the limit (a few beyond it too, filtered later), then
/// the inputs of `material` reached only through a `[[links]]` fact, which may
/// give a distance of its own; and the number of inputs in the tree left out as
/// too far.
fn inputs_within_reach(
    s: &Scenario,
    tree: &InputTree,
    wanted: Wanted,
    reach: Reach,
    facts: &Facts,
) -> (Vec<InputId>, usize) {
    // Chords are never longer than arcs: this radius keeps every input within
    // reach (and a few beyond, filtered later).
    let radius = reach.max / s.parameters.circuity;
    let mut near: Vec<InputId> = tree
        .locate_within_distance(reach.loc.embed(), radius * radius * (1.0 + 1e-9))
        .map(|g| g.data)
        .collect();
    // Inputs the index rules out are beyond the distance limit (an input a fact
    // reaches is counted here and, if it is too far after all, again when its
    // link is formed: the counts `check` has always reported).
    let too_far = tree.size() - near.len();
    // Inputs (of the rule's material) reached only through a fact with a given
    // distance: looked up by the output, not by scanning every input.
    for &i in facts.inputs_of(reach.from) {
        let input = &s.inputs[i.0];
        let reached = !wanted.plants_only || s.sites[input.site.0].plant.is_some();
        if input.material == wanted.material && reached && !near.contains(&i) {
            near.push(i);
        }
    }
    (near, too_far)
}
