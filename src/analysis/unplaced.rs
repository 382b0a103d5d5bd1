//! Sites that cannot be placed: a site without a location has no distance to any
//! other, so an exchange with it is a candidate only where a link fact of the
//! file gives the distance. [`unplaced`] says, for each such site, which pairs a
//! substitution rule allows and that are left out for want of a distance, read
//! from the validated scenario alone (no network is built, nothing is solved).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::domain::{InputId, OutputId, Scenario};

/// A site without a location and what it loses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    /// The site's id.
    pub site: String,
    /// Pairs `from_site/output->to_site/input` (one of them this site's) that a
    /// rule allows and that no link fact gives a distance to: never candidates,
    /// in the order of the outputs, then the inputs.
    pub lost: Vec<String>,
    /// Of those, the pairs that a link fact names without a distance
    /// (`existing` or `forced` ones among them are kept only with a distance).
    pub facts_without_distance: Vec<String>,
}

/// Every site without a location, in file order, with the pairs it loses (see
/// the module doc). A pair between two sites without a location is counted at
/// both.
pub fn unplaced(s: &Scenario) -> Vec<Unplaced> {
    let placed = |site: usize| s.sites[site].location.is_some();
    let pair = |o: OutputId, i: InputId| {
        let (out, inp) = (&s.outputs[o.0], &s.inputs[i.0]);
        format!(
            "{}/{}->{}/{}",
            s.sites[out.site.0].id, out.id, s.sites[inp.site.0].id, inp.id
        )
    };
    let allowed = |o: OutputId, i: InputId| {
        let (out, inp) = (&s.outputs[o.0], &s.inputs[i.0]);
        out.site != inp.site
            && s.rules
                .iter()
                .any(|r| r.from == out.material && r.to == inp.material)
    };
    let facts = |o: OutputId, i: InputId| {
        s.links
            .iter()
            .filter(move |f| f.output == o && f.input == i)
    };
    let mut result = Vec::new();
    for (k, site) in s.sites.iter().enumerate() {
        if placed(k) {
            continue;
        }
        let mut pairs: Vec<(OutputId, InputId)> = Vec::new();
        for &o in &site.outputs {
            pairs.extend((0..s.inputs.len()).map(|i| (o, InputId(i))));
        }
        for &i in &site.inputs {
            pairs.extend((0..s.outputs.len()).map(|o| (OutputId(o), i)));
        }
        let mut seen = BTreeSet::new();
        let (mut lost, mut facts_without_distance) = (Vec::new(), Vec::new());
        for (o, i) in pairs {
            if !allowed(o, i) || !seen.insert((o, i)) {
                continue;
            }
            if facts(o, i).any(|f| f.distance_km.is_some()) {
                continue;
            }
            if facts(o, i).next().is_some() {
                facts_without_distance.push(pair(o, i));
            }
            lost.push(pair(o, i));
        }
        result.push(Unplaced {
            site: site.id.clone(),
            lost,
            facts_without_distance,
        });
    }
    result
}
