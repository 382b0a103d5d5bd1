//! One solve on several machines: the independent parts of a network
//! ([`decompose::parts`]) dealt out to `N` shards, each solved by its own run
//! ([`solve_shard`]), and the shards' answers merged into the plan one run gives
//! ([`merge`]).
//!
//! Parts are dealt largest first, each to the shard with the fewest links so far
//! (ties to the lower shard), so that shards get about the same work and every
//! run deals them the same way. A shard's answer ([`ShardPlan`], one JSON
//! document) carries the fingerprint of the scenario and of the solver options
//! ([`Fingerprint`]), the part each solution is of and the flows of its built
//! links by [`LinkKey`](crate::LinkKey); [`merge`] refuses shards of another scenario or other
//! options, a shard given twice and a missing one. Since each part is solved
//! alone either way, the merged plan is the plan of one run of the same options
//! (byte for byte without a time limit, as each part's search is deterministic).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::batch::{Fingerprint, Shard};
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::decompose;
use crate::model::{Control, Deadline, Solution, SolveOptions, Status};
use crate::network::{self, Network};
use crate::plan::{self, Plan};
use crate::scenario::load::Loaded;

/// The version of the shard document's layout.
const LAYOUT: u64 = 1;

/// What the points of a solve's shards are, for their [`Fingerprint`].
const GRID: &str = "solve parts";

/// The answer of one shard of a solve: the solutions of its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardPlan {
    /// The layout of this document (1).
    pub symbio_solve_shard: u64,
    /// What the shard's answer depends on: the scenario and the solver options.
    pub fingerprint: Fingerprint,
    /// Which shard, 0-based.
    pub shard: usize,
    /// Of how many.
    pub shards: usize,
    /// How many parts the whole network has.
    pub parts: usize,
    /// The solutions of the shard's parts, by part.
    pub solutions: Vec<PartSolution>,
}

/// The solution of one part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSolution {
    /// The part, by its place in [`decompose::parts`].
    pub part: usize,
    /// How many links it has (a check that the network is the same).
    pub links: usize,
    /// The part's status.
    pub status: Status,
    /// Its net benefit, currency per year, when it has a plan.
    pub objective: Option<f64>,
    /// Its best bound.
    pub best_bound: Option<f64>,
    /// Its relative gap.
    pub gap: Option<f64>,
    /// Its built links, in the part's link order, with their flows.
    pub built: Vec<BuiltLink>,
    /// The stores its plan reaches (absent without).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<ShardStore>,
}

/// A built link of a part's plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltLink {
    /// The link, in [`LinkKey`](crate::LinkKey)'s text form.
    pub link: String,
    /// Its flow, units of the output per year.
    pub flow: f64,
    /// Its flow in each period, of a scenario with periods (absent without).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_period: Vec<f64>,
}

/// A store of a part's plan, of a scenario with periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardStore {
    /// The store's id.
    pub store: String,
    /// Whether the plan uses it.
    pub built: bool,
    /// Its stock at the end of each period.
    pub level: Vec<f64>,
    /// What is put in during each period.
    pub charge: Vec<f64>,
    /// What is taken out during each period.
    pub discharge: Vec<f64>,
}

/// The shard each part goes to (see the module doc), for parts of `sizes` links.
pub fn deal(sizes: &[usize], shards: usize) -> Vec<usize> {
    let shards = shards.max(1);
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&p| (std::cmp::Reverse(sizes[p]), p));
    let mut load = vec![0usize; shards];
    let mut out = vec![0; sizes.len()];
    for p in order {
        let (k, _) = load
            .iter()
            .enumerate()
            .min_by_key(|&(k, &w)| (w, k))
            .unwrap_or((0, &0));
        out[p] = k;
        load[k] += sizes[p];
    }
    out
}

/// Solves the parts of `scenario`'s network that fall to `shard` (the
/// scenario validated from `loaded`); the time limit covers this shard's run.
pub fn solve_shard(
    loaded: &Loaded,
    scenario: &Scenario,
    options: &SolveOptions,
    shard: Shard,
    control: Control<'_>,
) -> Result<ShardPlan, Error> {
    let deadline = Deadline::after(options.time_limit);
    let net = network::build(scenario)?;
    let groups = decompose::parts(&net, &[]);
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    let dealt = deal(&sizes, shard.count);
    let mine: Vec<usize> = (0..groups.len())
        .filter(|&p| dealt[p] == shard.index)
        .collect();
    let solved = crate::model::solve_groups(
        scenario,
        &net,
        &groups,
        &mine,
        options,
        deadline,
        &[],
        control,
    )?;
    let solutions = mine
        .iter()
        .zip(solved)
        .map(|(&p, sol)| part_solution(scenario, &net, p, &groups[p], &sol))
        .collect();
    Ok(ShardPlan {
        symbio_solve_shard: LAYOUT,
        fingerprint: Fingerprint::new(loaded, GRID, &options_of_run(*options)),
        shard: shard.index,
        shards: shard.count,
        parts: groups.len(),
        solutions,
    })
}

/// The options a shard's fingerprint records: those the user gave, not what was
/// left of the time limit when the search began.
fn options_of_run(options: SolveOptions) -> SolveOptions {
    SolveOptions {
        time_limit: None,
        ..options
    }
}

/// The answer of part `p` (the links `links` of `net`) in a shard's document.
fn part_solution(
    s: &Scenario,
    net: &Network,
    p: usize,
    links: &[usize],
    sol: &Solution,
) -> PartSolution {
    PartSolution {
        part: p,
        links: links.len(),
        status: sol.status,
        objective: sol.objective,
        best_bound: sol.best_bound,
        gap: sol.gap,
        built: links
            .iter()
            .enumerate()
            .filter(|&(j, _)| sol.built.get(j).copied().unwrap_or(false))
            .map(|(j, &k)| BuiltLink {
                link: net.links[k].key(s).to_string(),
                flow: sol.flows[j],
                by_period: sol.by_period.flows_of(j).to_vec(),
            })
            .collect(),
        stores: sol
            .by_period
            .stores
            .iter()
            .map(|u| ShardStore {
                store: s.stores[u.store.0].id.clone(),
                built: u.built,
                level: u.level.clone(),
                charge: u.charge.clone(),
                discharge: u.discharge.clone(),
            })
            .collect(),
    }
}

/// Reads a shard's document.
pub fn read(path: &Path) -> Result<ShardPlan, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let plan: ShardPlan = serde_json::from_str(&text).map_err(|e| {
        shard_error(
            path,
            format!("not the answer of a shard of a solve (the JSON document a solve shard writes): {e}"),
        )
    })?;
    if plan.symbio_solve_shard != LAYOUT {
        return Err(shard_error(
            path,
            format!(
                "written by another version of symbio (layout {}, this one reads {LAYOUT})",
                plan.symbio_solve_shard
            ),
        ));
    }
    Ok(plan)
}

/// Whether a file's text is a shard's document rather than rows.
pub fn is_shard_text(text: &str) -> bool {
    text.trim_start().starts_with('{') && text.contains("\"symbio_solve_shard\"")
}

fn shard_error(path: &Path, message: String) -> Error {
    Error::Rows {
        path: path.to_path_buf(),
        message,
        half_written: false,
    }
}

/// Merges the answers of every shard of one solve of `scenario` (validated from
/// `loaded`) into its plan.
pub fn merge(
    loaded: &Loaded,
    scenario: &Scenario,
    shards: &[(PathBuf, ShardPlan)],
) -> Result<Plan, Error> {
    let Some((first_path, first)) = shards.first() else {
        return Err(Error::option("shards", "no shard to merge"));
    };
    let expected = Fingerprint::new(loaded, GRID, &SolveOptions::default());
    if first.fingerprint.scenario != expected.scenario {
        return Err(shard_error(
            first_path,
            "it is the answer of another scenario (or of this one before it changed)".into(),
        ));
    }
    let mut seen: BTreeMap<usize, &Path> = BTreeMap::new();
    for (path, shard) in shards {
        if shard.fingerprint != first.fingerprint || shard.shards != first.shards {
            return Err(shard_error(
                path,
                format!(
                    "it and {} are not shards of one solve: {}",
                    first_path.display(),
                    shard
                        .fingerprint
                        .differs(&first.fingerprint)
                        .unwrap_or_else(|| "their numbers of shards differ".into())
                ),
            ));
        }
        if let Some(other) = seen.insert(shard.shard, path) {
            return Err(shard_error(
                path,
                format!(
                    "shard {} is given twice (also {})",
                    shard.shard,
                    other.display()
                ),
            ));
        }
    }
    let missing: Vec<String> = (0..first.shards)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{}", first.shards))
        .collect();
    if !missing.is_empty() {
        return Err(Error::option(
            "shards",
            format!("missing the answers of shards {}", missing.join(", ")),
        ));
    }
    let net = network::build(scenario)?;
    let groups = decompose::parts(&net, &[]);
    let mut solutions: Vec<Option<Solution>> = vec![None; groups.len()];
    for (path, shard) in shards {
        if shard.parts != groups.len() {
            return Err(shard_error(
                path,
                format!(
                    "it was solved with {} parts, the scenario has {}",
                    shard.parts,
                    groups.len()
                ),
            ));
        }
        for part in &shard.solutions {
            let links = groups.get(part.part).filter(|l| l.len() == part.links);
            let Some(links) = links else {
                return Err(shard_error(
                    path,
                    format!("part {} is not a part of this network", part.part),
                ));
            };
            let sol = solution_of(scenario, &net, links, part).map_err(|m| shard_error(path, m))?;
            solutions[part.part] = Some(sol);
        }
    }
    let solutions: Option<Vec<Solution>> = solutions.into_iter().collect();
    let Some(solutions) = solutions else {
        return Err(Error::option(
            "shards",
            "a part has no solution in any shard",
        ));
    };
    let sol = decompose::merge(net.links.len(), &groups, &solutions);
    plan::assemble(scenario, &net, &sol).finite()
}

/// A part's solution from a shard's answer, in the part's link order.
fn solution_of(
    s: &Scenario,
    net: &Network,
    links: &[usize],
    part: &PartSolution,
) -> Result<Solution, String> {
    let index: HashMap<String, usize> = links
        .iter()
        .enumerate()
        .map(|(j, &k)| (net.links[k].key(s).to_string(), j))
        .collect();
    let periods = s.periods.len();
    let mut flows = vec![0.0; links.len()];
    let mut built = vec![false; links.len()];
    let mut by_period = vec![0.0; links.len() * periods];
    for b in &part.built {
        let j = *index
            .get(&b.link)
            .ok_or_else(|| format!("part {}: link {} is not in it", part.part, b.link))?;
        if !b.flow.is_finite() || b.flow < 0.0 {
            return Err(format!(
                "part {}: link {} has flow {}",
                part.part, b.link, b.flow
            ));
        }
        flows[j] = b.flow;
        built[j] = true;
        if b.by_period.len() != periods || b.by_period.iter().any(|q| !q.is_finite() || *q < 0.0) {
            return Err(format!(
                "part {}: link {} has {} flows by period, not {periods} of 0 or more",
                part.part,
                b.link,
                b.by_period.len()
            ));
        }
        by_period[j * periods..(j + 1) * periods].copy_from_slice(&b.by_period);
    }
    let mut stores = Vec::with_capacity(part.stores.len());
    for q in &part.stores {
        let k = s
            .stores
            .iter()
            .position(|h| h.id == q.store)
            .ok_or_else(|| {
                format!(
                    "part {}: store {} is not in the scenario",
                    part.part, q.store
                )
            })?;
        let lengths = [q.level.len(), q.charge.len(), q.discharge.len()];
        if lengths.iter().any(|&n| n != periods) {
            return Err(format!(
                "part {}: store {} has not one value per period",
                part.part, q.store
            ));
        }
        stores.push(crate::model::StoreUse {
            store: crate::domain::StoreId(k),
            built: q.built,
            level: q.level.clone(),
            charge: q.charge.clone(),
            discharge: q.discharge.clone(),
        });
    }
    if !part.status.has_plan() {
        return Ok(Solution::without_plan(part.status, links.len()));
    }
    Ok(Solution {
        status: part.status,
        objective: part.objective,
        best_bound: part.best_bound,
        gap: part.gap,
        flows,
        built,
        by_period: crate::model::ByPeriod {
            periods,
            flows: if periods > 0 { by_period } else { Vec::new() },
            stores,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_dealt_largest_first_to_the_lightest_shard() {
        // Sizes 5, 9, 1, 7, 3 on two shards: 9 → 0, 7 → 1, 5 → 1, 3 → 0, 1 → 0.
        assert_eq!(deal(&[5, 9, 1, 7, 3], 2), vec![1, 0, 0, 1, 0]);
        // More shards than parts: one part each, the rest idle.
        assert_eq!(deal(&[2, 2], 4), vec![0, 1]);
        assert_eq!(deal(&[], 3), Vec::<usize>::new());
        // One shard takes everything.
        assert_eq!(deal(&[4, 1, 8], 1), vec![0, 0, 0]);
    }
}
