//! The pair search: which (output, input, rule, mode) combinations are worth
//! forming a link for.
//!
//! Outputs and inputs meet only through a rule (from the output's material to the
//! input's), and a mode with a distance limit looks its inputs up in an R-tree of
//! the receiving sites instead of trying all of them.

use std::collections::HashMap;

use rstar::{primitives::GeomWithData, RTree};

use super::{Facts, Pruned};
use crate::domain::{InputId, Location, MaterialId, ModeId, OutputId, RuleId, Scenario};

/// An output, an input, the rule that joins them and the mode between them.
pub(super) type Pair = (OutputId, InputId, RuleId, ModeId);

/// Inputs by the location of their site.
type InputTree = RTree<GeomWithData<[f64; 3], InputId>>;

/// Every pair a rule allows, sorted by (output, input, mode) without duplicates.
///
/// For a mode with a distance limit and an output with a location, only the
/// inputs within reach (see [`inputs_within_reach`]) are paired, and those the
/// R-tree rules out are counted as too far; other modes pair every input of the
/// rule's material. Distances are checked exactly when the link is formed.
pub(super) fn candidate_pairs(s: &Scenario, facts: &Facts, pruned: &mut Pruned) -> Vec<Pair> {
    let mut by_material: HashMap<MaterialId, Vec<InputId>> = HashMap::new();
    for (k, i) in s.inputs.iter().enumerate() {
        by_material.entry(i.material).or_default().push(InputId(k));
    }
    // Built on first use: materials no distance-limited mode reaches need none.
    let mut trees: HashMap<MaterialId, InputTree> = HashMap::new();

    let mut pairs: Vec<Pair> = Vec::new();
    for (ri, rule) in s.rules.iter().enumerate() {
        let Some(inputs) = by_material.get(&rule.to) else {
            continue;
        };
        let outputs = s
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.material == rule.from)
            .map(|(k, _)| OutputId(k));
        for o in outputs {
            let from = s.sites[s.outputs[o.0].site.0].location;
            for &m in &rule.modes {
                match (s.modes[m.0].max_distance_km, from) {
                    (Some(max), Some(loc)) => {
                        let tree = trees
                            .entry(rule.to)
                            .or_insert_with(|| input_tree(s, inputs));
                        let reach = Reach { from: o, loc, max };
                        let near = inputs_within_reach(s, tree, rule.to, reach, facts, pruned);
                        pairs.extend(near.into_iter().map(|i| (o, i, RuleId(ri), m)));
                    }
                    _ => pairs.extend(inputs.iter().map(|&i| (o, i, RuleId(ri), m))),
                }
            }
        }
    }
    pairs.sort_by_key(|&(o, i, _, m)| (o, i, m));
    pairs.dedup();
    pairs
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
/// give a distance of its own. Counts the inputs in the tree left out as too far.
fn inputs_within_reach(
    s: &Scenario,
    tree: &InputTree,
    material: MaterialId,
    reach: Reach,
    facts: &Facts,
    pruned: &mut Pruned,
) -> Vec<InputId> {
    // Chords are never longer than arcs: this radius keeps every input within
    // reach (and a few beyond, filtered later).
    let radius = reach.max / s.parameters.circuity;
    let mut near: Vec<InputId> = tree
        .locate_within_distance(reach.loc.embed(), radius * radius * (1.0 + 1e-9))
        .map(|g| g.data)
        .collect();
    // Inputs the index rules out are beyond the distance limit.
    pruned.too_far += tree.size() - near.len();
    // Inputs (of the rule's material) reached only through a fact with a given
    // distance: looked up by the output, not by scanning every input.
    for &i in facts.inputs_of(reach.from) {
        if s.inputs[i.0].material == material && !near.contains(&i) {
            near.push(i);
        }
    }
    near
}
