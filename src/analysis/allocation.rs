//! Who gains what from a plan, and what it takes for every firm to come out ahead.
//!
//! - **Transfer prices** ([`gains`]). A link's value falls on two firms: the supplier
//!   stops paying for disposal, the receiver stops buying a virgin resource, and the
//!   costs fall on one or both as `parameters.transport_paid_by` and
//!   `processing_paid_by` say (`economics::link_share`, the split of `symbio solve`'s per-site
//!   benefits). The link's surplus is their sum. With equal bargaining power and no
//!   exchange as the disagreement point, the Nash bargaining solution with transferable
//!   utility gives each firm half the surplus; with supplier share θ, the supplier gets
//!   θ S and the receiver (1 − θ) S. The transfer T = θ S − (supplier's gain before
//!   transfer), paid by the receiver to the supplier, makes it so; per unit sent it is
//!   the transfer price.
//! - **Shapley value** ([`shapley`]). The symbiosis game: the value of a coalition of
//!   sites is the optimal net benefit using only links among its members. Clusters
//!   (connected components of the sites joined by links) are independent games; each
//!   is solved exactly (every coalition's MILP) up to a size limit, and by Monte Carlo
//!   permutation sampling above it.
//! - **Individually rational plans** ([`individually_rational`]): the best plan in
//!   which, with transfers on the built links, every firm gains at least what it
//!   gains in the baseline.

use std::collections::HashMap;

use petgraph::unionfind::UnionFind;
use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::domain::Scenario;
use crate::economics::{link_share, link_share_in};
use crate::error::Error;
use crate::link_key::LinkKey;
use crate::model::{self, LinkShare, Rationality, Solution, SolveOptions, Status};
use crate::network::{CandidateLink, Network};
use crate::parallel::Pool;
use crate::plan::round;

/// (supplier, receiver) gains of a link at flow `x` when built, before transfers.
fn gains_before_transfer(a: &LinkShare, x: f64) -> (f64, f64) {
    (
        a.supplier_per_unit * x - a.supplier_per_year,
        a.receiver_per_unit * x - a.receiver_per_year,
    )
}

/// (supplier, receiver) gains before transfers of built link `k` of a
/// solution: at its flows by period, each at its period's prices, when the
/// solution has them, else [`gains_before_transfer`] at its annual flow.
pub(crate) fn link_gains(s: &Scenario, l: &CandidateLink, sol: &Solution, k: usize) -> (f64, f64) {
    let a = link_share(s, l);
    let by_period = sol.by_period.flows_of(k);
    if by_period.is_empty() {
        return gains_before_transfer(&a, sol.flows[k]);
    }
    by_period.iter().enumerate().fold(
        (-a.supplier_per_year, -a.receiver_per_year),
        |(gs, gr), (t, &x)| {
            let at = link_share_in(s, l, crate::domain::PeriodId(t));
            (gs + at.supplier_per_unit * x, gr + at.receiver_per_unit * x)
        },
    )
}

/// Each firm's own terms outside any link's split: its plants' (as their
/// operator) and its stores' net benefit and CO2.
pub(crate) fn own_terms(s: &Scenario, net: &Network, sol: &Solution) -> Vec<(usize, f64, f64)> {
    let mut own = crate::plan::plant_benefits(s, net, sol);
    own.extend(crate::plan::store_benefits(s, &sol.by_period));
    own
}

/// Checks a supplier share θ: a number in [0, 1].
pub(crate) fn check_share(theta: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&theta) {
        Ok(())
    } else {
        Err(Error::option(
            "supplier_share",
            format!(
                "must be between 0 and 1 (the supplier's share of a link's surplus), got {theta}"
            ),
        ))
    }
}

/// One chosen link's surplus and its split by a transfer price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkGain {
    /// The link.
    #[serde(flatten)]
    pub link: LinkKey,
    /// Flow sent, units of the output per year.
    pub flow: f64,
    /// Unit of `flow`.
    pub unit: String,
    /// The link's surplus (its annual net benefit), currency per year.
    pub surplus: f64,
    /// The supplier's gain from the link before any transfer, currency per year.
    pub supplier_before_transfer: f64,
    /// The receiver's gain from the link before any transfer, currency per year.
    pub receiver_before_transfer: f64,
    /// Transfer from the receiver to the supplier, currency per year (negative: the
    /// supplier pays the receiver).
    pub transfer: f64,
    /// `transfer` per unit sent: the price the receiver pays for each unit (negative:
    /// a gate fee the supplier pays); null when nothing flows.
    pub transfer_per_unit: Option<f64>,
    /// The supplier's gain after the transfer.
    pub supplier_gain: f64,
    /// The receiver's gain after the transfer.
    pub receiver_gain: f64,
    /// The firm that takes the supplier's side when the supplier is a plant:
    /// its operator (absent for a site's output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier_firm: Option<String>,
    /// The firm that takes the receiver's side when the receiver is a plant:
    /// its operator (absent for a site's input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_firm: Option<String>,
}

/// A plant's own net benefit in the split: its operator's, beside the
/// operator's side of the plant's links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlantGain {
    /// Plant id.
    pub plant: String,
    /// The firm that runs it.
    pub operator: String,
    /// The plant's own net benefit (its processing, energy, disposal, size and
    /// capital costs, carbon at its price; 0 when closed), currency per year.
    pub net_benefit: f64,
}

/// One firm's annual gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteGain {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// Its gain before transfers (the split of `symbio solve`), currency per year.
    pub before_transfers: f64,
    /// Its gain with the transfers, currency per year.
    pub gain: f64,
    /// Its gain in the baseline, with the same split of each link's surplus.
    pub baseline_gain: f64,
    /// `gain` − `baseline_gain`.
    pub change: f64,
    /// Whether `gain` is negative.
    pub negative: bool,
    /// Whether `gain` is below `baseline_gain`.
    pub below_baseline: bool,
}

/// Each firm's gain under a split of every link's surplus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gains {
    /// Share of each link's surplus that goes to its supplier (0.5: Nash bargaining
    /// with equal power).
    pub supplier_share: f64,
    /// Chosen links.
    pub links: Vec<LinkGain>,
    /// Every site, in scenario order.
    pub sites: Vec<SiteGain>,
    /// Ids of the sites whose gain is negative.
    pub negative: Vec<String>,
    /// Ids of the sites whose gain is below their baseline gain.
    pub below_baseline: Vec<String>,
    /// Every plant of the scenario with its own net benefit, which its
    /// operator bears (absent without plants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plants: Vec<PlantGain>,
}

/// Each site's gain when every built link's surplus is split θ : (1 − θ) between
/// its supplier and receiver, in site order.
pub(crate) fn split_gains(s: &Scenario, net: &Network, sol: &Solution, theta: f64) -> Vec<f64> {
    let mut g = vec![0.0; s.firms().len()];
    for (k, l) in net.links.iter().enumerate() {
        if !sol.built.get(k).copied().unwrap_or(false) {
            continue;
        }
        let a = link_share(s, l);
        let (gs, gr) = link_gains(s, l, sol, k);
        g[a.supplier] += theta * (gs + gr);
        g[a.receiver] += (1.0 - theta) * (gs + gr);
    }
    // A plant's own costs are its operator's, a store's its site's, outside
    // any link's split.
    for (firm, net_benefit, _) in own_terms(s, net, sol) {
        g[firm] += net_benefit;
    }
    g
}

fn below(a: f64, b: f64) -> bool {
    a < b - 1e-6 * b.abs().max(1.0)
}

/// Each chosen link's surplus, transfer and transfer price, and each firm's gain,
/// with supplier share θ; `baseline` is each site's gain in the baseline with the
/// same split (`split_gains`).
pub fn gains(s: &Scenario, net: &Network, sol: &Solution, baseline: &[f64], theta: f64) -> Gains {
    let firms = s.firms();
    // The firm on a side of a link when that side is a plant.
    let operator = |site: crate::domain::SiteId, firm: usize| {
        s.sites[site.0].plant.map(|_| firms[firm].0.to_owned())
    };
    let mut before = vec![0.0; firms.len()];
    let mut links = Vec::new();
    for (k, l) in net.links.iter().enumerate() {
        if !sol.built.get(k).copied().unwrap_or(false) {
            continue;
        }
        let a = link_share(s, l);
        let x = sol.flows[k];
        let (gs, gr) = link_gains(s, l, sol, k);
        before[a.supplier] += gs;
        before[a.receiver] += gr;
        let surplus = gs + gr;
        let transfer = theta * surplus - gs;
        links.push(LinkGain {
            link: l.key(s),
            flow: round(x),
            unit: s.output_material(l.output).unit.clone(),
            surplus: round(surplus),
            supplier_before_transfer: round(gs),
            receiver_before_transfer: round(gr),
            transfer: round(transfer),
            transfer_per_unit: (x > 0.0).then(|| round(transfer / x)),
            supplier_gain: round(theta * surplus),
            receiver_gain: round((1.0 - theta) * surplus),
            supplier_firm: operator(s.outputs[l.output.0].site, a.supplier),
            receiver_firm: operator(s.inputs[l.input.0].site, a.receiver),
        });
    }
    let own = crate::plan::plant_benefits(s, net, sol);
    for &(firm, net_benefit, _) in &own {
        before[firm] += net_benefit;
    }
    for (firm, net_benefit, _) in crate::plan::store_benefits(s, &sol.by_period) {
        before[firm] += net_benefit;
    }
    let plants = (s.plants.iter().zip(&own))
        .map(|(p, &(firm, net_benefit, _))| PlantGain {
            plant: p.id.clone(),
            operator: firms[firm].0.to_owned(),
            net_benefit: round(net_benefit),
        })
        .collect();
    let after = split_gains(s, net, sol, theta);
    let sites: Vec<SiteGain> = firms
        .into_iter()
        .enumerate()
        .map(|(j, (id, name))| {
            let base = baseline.get(j).copied().unwrap_or(0.0);
            SiteGain {
                site: id.to_owned(),
                name: name.to_owned(),
                before_transfers: round(before[j]),
                gain: round(after[j]),
                baseline_gain: round(base),
                change: round(after[j] - base),
                negative: below(after[j], 0.0),
                below_baseline: below(after[j], base),
            }
        })
        .collect();
    Gains {
        supplier_share: theta,
        links,
        negative: sites
            .iter()
            .filter(|g| g.negative)
            .map(|g| g.site.clone())
            .collect(),
        below_baseline: sites
            .iter()
            .filter(|g| g.below_baseline)
            .map(|g| g.site.clone())
            .collect(),
        sites,
        plants,
    }
}

// ---------------------------------------------------------------------------
// Shapley value.

/// How the Shapley value is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapleyOptions {
    /// Clusters of at most this many sites are solved exactly (every coalition).
    pub exact_limit: usize,
    /// Permutations sampled per larger cluster.
    pub samples: usize,
    /// Seed of the permutation sampler.
    pub seed: u64,
    /// Threads solving coalitions in parallel (one HiGHS thread each).
    pub threads: usize,
    /// Options of each coalition's solve (its `threads` is ignored: 1).
    pub solve: SolveOptions,
}

/// Largest `exact_limit` accepted: 2^20 coalitions.
pub const MAX_EXACT_LIMIT: usize = 20;

impl Default for ShapleyOptions {
    fn default() -> Self {
        ShapleyOptions {
            exact_limit: 12,
            samples: 1000,
            seed: 0,
            threads: 1,
            solve: SolveOptions::default(),
        }
    }
}

impl ShapleyOptions {
    /// Rejects options that make no sense.
    pub fn check(&self) -> Result<(), Error> {
        if self.exact_limit > MAX_EXACT_LIMIT {
            return Err(Error::option(
                "exact_limit",
                format!(
                    "must be at most {MAX_EXACT_LIMIT} sites (2^{MAX_EXACT_LIMIT} coalitions), got {}",
                    self.exact_limit
                ),
            ));
        }
        if self.samples < 2 {
            return Err(Error::option(
                "samples",
                format!(
                    "must be at least 2 (permutations sampled), got {}",
                    self.samples
                ),
            ));
        }
        Ok(())
    }
}

/// How a cluster's values were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapleyMethod {
    /// Every coalition solved.
    Exact,
    /// Permutation sampling.
    MonteCarlo,
}

/// One cluster: sites joined by candidate links, an independent game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Site ids, in scenario order.
    pub sites: Vec<String>,
    /// Value of the whole cluster (its optimal net benefit), currency per year.
    pub value: f64,
    /// Exact or Monte Carlo.
    pub method: ShapleyMethod,
    /// Permutations sampled (Monte Carlo only).
    pub samples: Option<usize>,
    /// Distinct MILPs solved (coalitions with the same links among them are solved once).
    pub coalitions_solved: usize,
    /// Of which stopped at the time limit with a feasible plan (the value is then a lower bound).
    pub time_limited: usize,
}

/// One site's Shapley value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteShapley {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// Index of its cluster in [`Shapley::clusters`]; null for a site in no link.
    pub cluster: Option<usize>,
    /// Shapley value, currency per year.
    pub value: f64,
    /// Standard error of a Monte Carlo estimate (null when exact).
    pub std_error: Option<f64>,
    /// Lower end of the 95 % confidence interval (null when exact).
    pub ci95_low: Option<f64>,
    /// Upper end of the 95 % confidence interval (null when exact).
    pub ci95_high: Option<f64>,
}

/// The Shapley value of every site in the symbiosis game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shapley {
    /// Clusters up to this size were solved exactly.
    pub exact_limit: usize,
    /// Permutations sampled per larger cluster.
    pub samples: usize,
    /// Seed of the sampler.
    pub seed: u64,
    /// The clusters, ordered by their first site.
    pub clusters: Vec<Cluster>,
    /// Every site, in scenario order.
    pub sites: Vec<SiteShapley>,
    /// Sum of the cluster values (the grand coalition's value).
    pub total: f64,
}

/// Sites of each link: (supplier, receiver) site indices.
fn link_sites(s: &Scenario, l: &CandidateLink) -> (usize, usize) {
    (
        s.firm_of(s.outputs[l.output.0].site),
        s.firm_of(s.inputs[l.input.0].site),
    )
}

/// Clusters of a network: connected components of the sites joined by its links
/// (a link joins its supplier and its receiver). Only sites in some link appear;
/// each cluster lists site indices in ascending order; clusters are ordered by
/// their first site.
pub(crate) fn site_clusters(s: &Scenario, net: &Network) -> Vec<Vec<usize>> {
    let n = s.firms().len();
    let mut uf = UnionFind::<usize>::new(n);
    let mut in_link = vec![false; n];
    for l in &net.links {
        let (a, b) = link_sites(s, l);
        in_link[a] = true;
        in_link[b] = true;
        uf.union(a, b);
    }
    let mut by_root: HashMap<usize, usize> = HashMap::new();
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for (j, &linked) in in_link.iter().enumerate() {
        if !linked {
            continue;
        }
        let c = *by_root.entry(uf.find_mut(j)).or_insert_with(|| {
            clusters.push(Vec::new());
            clusters.len() - 1
        });
        clusters[c].push(j);
    }
    clusters
}

/// Exact Shapley value of an n-player game from the values of all 2^n coalitions
/// (bit i of the index = player i is in):
/// φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
pub(crate) fn exact_shapley(n: usize, values: &[f64]) -> Vec<f64> {
    assert_eq!(values.len(), 1usize << n, "one value per coalition");
    // |S|! (n − |S| − 1)! / n! = 1 / (n · C(n − 1, |S|)).
    let mut binom = vec![1.0f64; n.max(1)];
    for k in 1..n {
        binom[k] = binom[k - 1] * (n - k) as f64 / k as f64;
    }
    let weight: Vec<f64> = binom.iter().map(|c| 1.0 / (n as f64 * c)).collect();
    (0..n)
        .map(|i| {
            let bit = 1usize << i;
            let mut phi = 0.0;
            for mask in 0..values.len() {
                if mask & bit == 0 {
                    phi += weight[mask.count_ones() as usize] * (values[mask | bit] - values[mask]);
                }
            }
            phi
        })
        .collect()
}

/// A Monte Carlo estimate: mean, standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean marginal contribution.
    pub mean: f64,
    /// Standard error of the mean (sample standard deviation / √m).
    pub std_error: f64,
}

/// z for a two-sided 95 % normal confidence interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Shapley estimates from sampled permutations: `marginals[p][i]` is player i's
/// marginal contribution in permutation p.
pub fn estimate(n: usize, marginals: &[Vec<f64>]) -> Vec<Estimate> {
    let m = marginals.len() as f64;
    (0..n)
        .map(|i| {
            let mean = marginals.iter().map(|p| p[i]).sum::<f64>() / m;
            let var = if marginals.len() > 1 {
                marginals.iter().map(|p| (p[i] - mean).powi(2)).sum::<f64>() / (m - 1.0)
            } else {
                0.0
            };
            Estimate {
                mean,
                std_error: (var / m).sqrt(),
            }
        })
        .collect()
}

/// The permutation sampler of cluster `c`: ChaCha8 seeded with `seed`, on stream
/// `c`, so that each cluster's permutations depend on the seed and the cluster only
/// (as Monte Carlo samples do in [`crate::analysis::montecarlo`]).
fn sampler(seed: u64, c: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(c as u64);
    rng
}

/// A uniform integer in 0..n (n > 0) from the generator's 64-bit words, without
/// modulo bias (rejection), so that the draws depend on the generator's stream only.
fn uniform_below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let r = rng.next_u64();
        if r < zone {
            return r % n;
        }
    }
}

/// A uniform random permutation of 0..n (Fisher–Yates).
fn permutation(rng: &mut ChaCha8Rng, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = uniform_below(rng, i as u64 + 1) as usize;
        p.swap(i, j);
    }
    p
}

/// Coalitions of one cluster to value: per coalition, the id of its distinct link set.
enum Coalitions {
    /// Value id per coalition mask.
    Exact { ids: Vec<usize> },
    /// Per permutation, its order and the value id after each prefix.
    Sampled {
        perms: Vec<Vec<usize>>,
        ids: Vec<Vec<usize>>,
    },
}

/// Distinct link sets to solve, each with a representative coalition (global site
/// indices, sorted); the empty set is id 0 with value 0.
struct Tasks {
    index: HashMap<Vec<usize>, usize>,
    members: Vec<Vec<usize>>,
}

impl Tasks {
    fn new() -> Self {
        let mut index = HashMap::new();
        index.insert(Vec::new(), 0);
        Tasks {
            index,
            members: vec![Vec::new()],
        }
    }

    /// The id of a link set (global link indices, sorted), reached by coalition `members`.
    fn id(&mut self, links: Vec<usize>, members: impl FnOnce() -> Vec<usize>) -> usize {
        if let Some(&k) = self.index.get(&links) {
            return k;
        }
        let k = self.members.len();
        self.index.insert(links, k);
        let mut m = members();
        m.sort_unstable();
        self.members.push(m);
        k
    }
}

/// The Shapley value of every site in the symbiosis game of a network: the value of
/// a coalition is the optimal net benefit using only the links whose two sites are
/// both in it (mandatory links among them stay mandatory). Clusters of at most
/// `exact_limit` sites are solved exactly, larger ones by sampling `samples`
/// permutations (ChaCha8 seeded with `seed`, one stream per cluster); every
/// distinct coalition MILP is solved once, in parallel, with one HiGHS thread
/// each. The result does not depend on `threads`.
pub fn shapley(s: &Scenario, net: &Network, o: &ShapleyOptions) -> Result<Shapley, Error> {
    o.check()?;
    let clusters = site_clusters(s, net);
    let ends: Vec<(usize, usize)> = net.links.iter().map(|l| link_sites(s, l)).collect();
    let mut tasks = Tasks::new();
    let plans: Vec<Coalitions> = clusters
        .iter()
        .enumerate()
        .map(|(c, sites)| {
            let links = cluster_links(&ends, sites);
            if sites.len() <= o.exact_limit {
                exact_coalitions(sites, &links, &mut tasks)
            } else {
                sampled_coalitions(sites, &links, sampler(o.seed, c), o.samples, &mut tasks)
            }
        })
        .collect();
    let solved = solve_coalitions(s, net, &tasks, o)?;
    let mut sites = unvalued_sites(s);
    let mut out = Vec::with_capacity(clusters.len());
    let mut total = 0.0;
    for (c, (members, plan)) in clusters.iter().zip(&plans).enumerate() {
        let v = plan.values(members.len(), &solved.values);
        v.record(c, members, &mut sites);
        total += v.full;
        out.push(v.cluster(s, members, &solved.limited));
    }
    Ok(Shapley {
        exact_limit: o.exact_limit,
        samples: o.samples,
        seed: o.seed,
        clusters: out,
        sites,
        total: round(total),
    })
}

/// Links of a cluster (`sites`: global site indices) as (global link index, local
/// supplier, local receiver), from each link's (supplier, receiver) `ends`.
fn cluster_links(ends: &[(usize, usize)], sites: &[usize]) -> Vec<(usize, usize, usize)> {
    let local: HashMap<usize, usize> = sites.iter().enumerate().map(|(k, &j)| (j, k)).collect();
    ends.iter()
        .enumerate()
        .filter_map(|(k, (a, b))| Some((k, *local.get(a)?, *local.get(b)?)))
        .collect()
}

/// Every coalition of a cluster (bit i of the mask = local site i is in), each as
/// the id of the link set among its members.
fn exact_coalitions(
    sites: &[usize],
    links: &[(usize, usize, usize)],
    tasks: &mut Tasks,
) -> Coalitions {
    let n = sites.len();
    let ids = (0..1usize << n)
        .map(|mask| {
            let set: Vec<usize> = links
                .iter()
                .filter(|(_, a, b)| mask >> a & 1 == 1 && mask >> b & 1 == 1)
                .map(|(k, _, _)| *k)
                .collect();
            tasks.id(set, || {
                (0..n)
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| sites[i])
                    .collect()
            })
        })
        .collect();
    Coalitions::Exact { ids }
}

/// `samples` random orders of a cluster's sites drawn from `rng`, each with the id
/// of the link set among the members of each of its prefixes.
fn sampled_coalitions(
    sites: &[usize],
    links: &[(usize, usize, usize)],
    mut rng: ChaCha8Rng,
    samples: usize,
    tasks: &mut Tasks,
) -> Coalitions {
    let n = sites.len();
    let mut perms = Vec::with_capacity(samples);
    let mut all_ids = Vec::with_capacity(samples);
    for _ in 0..samples {
        let perm = permutation(&mut rng, n);
        let mut inside = vec![false; n];
        let mut set: Vec<usize> = Vec::new();
        let mut ids = Vec::with_capacity(n);
        for (pos, &p) in perm.iter().enumerate() {
            inside[p] = true;
            let before = set.len();
            set.extend(
                links
                    .iter()
                    .filter(|(_, a, b)| (*a == p || *b == p) && inside[*a] && inside[*b])
                    .map(|(k, _, _)| *k),
            );
            if set.len() > before {
                set.sort_unstable();
            }
            ids.push(tasks.id(set.clone(), || {
                perm[..=pos].iter().map(|&i| sites[i]).collect()
            }));
        }
        perms.push(perm);
        all_ids.push(ids);
    }
    Coalitions::Sampled {
        perms,
        ids: all_ids,
    }
}

/// The value of each distinct link set, by id, and whether its solve stopped at
/// the time limit.
struct Solved {
    values: Vec<f64>,
    limited: Vec<bool>,
}

/// Solves every distinct link set but the empty one (worth 0), in parallel with one
/// HiGHS thread each; an error if a coalition has no plan.
fn solve_coalitions(
    s: &Scenario,
    net: &Network,
    tasks: &Tasks,
    o: &ShapleyOptions,
) -> Result<Solved, Error> {
    // Each coalition's network is one MILP on one thread, beside the others.
    let one = o.solve.one_thread().one_milp();
    let todo: Vec<usize> = (1..tasks.members.len()).collect();
    let solved = Pool::new(o.threads)?.map(&todo, |&k| {
        let members = &tasks.members[k];
        let inside = |j: usize| members.binary_search(&j).is_ok();
        let sub = net.restrict(|l| {
            let (a, b) = link_sites(s, l);
            inside(a) && inside(b)
        });
        model::solve(s, &sub, &one)
    });
    let mut values = vec![0.0; tasks.members.len()];
    let mut limited = vec![false; tasks.members.len()];
    for (&k, r) in todo.iter().zip(solved) {
        let sol = r?;
        match (sol.status, sol.objective) {
            (Status::Optimal, Some(v)) => values[k] = v,
            (Status::TimeLimit, Some(v)) => {
                values[k] = v;
                limited[k] = true;
            }
            (status, _) => {
                let firms = s.firms();
                let ids: Vec<&str> = tasks.members[k].iter().map(|&j| firms[j].0).collect();
                return Err(Error::Solver(format!(
                    "the coalition of {} has no plan ({status:?})",
                    ids.join(", ")
                )));
            }
        }
    }
    Ok(Solved { values, limited })
}

/// Every site, in scenario order, in no cluster and with value 0 until its
/// cluster's values are recorded.
fn unvalued_sites(s: &Scenario) -> Vec<SiteShapley> {
    s.firms()
        .into_iter()
        .map(|(id, name)| SiteShapley {
            site: id.to_owned(),
            name: name.to_owned(),
            cluster: None,
            value: 0.0,
            std_error: None,
            ci95_low: None,
            ci95_high: None,
        })
        .collect()
}

/// One cluster's game, valued: unrounded.
struct ClusterValues {
    /// Value of the whole cluster.
    full: f64,
    method: ShapleyMethod,
    /// Permutations sampled (Monte Carlo only).
    samples: Option<usize>,
    /// Ids of the link sets used, with repeats.
    used: Vec<usize>,
    /// Per local site, its Shapley value and (Monte Carlo only) standard error.
    phi: Vec<(f64, Option<f64>)>,
}

/// The exact values of an `n`-site cluster from the value ids of its coalitions.
fn exact_values(n: usize, ids: &[usize], values: &[f64]) -> ClusterValues {
    let v: Vec<f64> = ids.iter().map(|&k| values[k]).collect();
    ClusterValues {
        full: v[(1 << n) - 1],
        method: ShapleyMethod::Exact,
        samples: None,
        used: ids.to_vec(),
        phi: exact_shapley(n, &v)
            .into_iter()
            .map(|p| (p, None))
            .collect(),
    }
}

/// The estimates of a sampled `n`-site cluster: each site's mean marginal contribution over
/// the sampled orders `perms` (with the value id after each prefix, `ids`).
fn sampled_values(
    n: usize,
    perms: &[Vec<usize>],
    ids: &[Vec<usize>],
    values: &[f64],
) -> ClusterValues {
    let marginals: Vec<Vec<f64>> = perms
        .iter()
        .zip(ids)
        .map(|(perm, ids)| {
            let mut m = vec![0.0; n];
            let mut prev = 0.0;
            for (&p, &k) in perm.iter().zip(ids) {
                m[p] = values[k] - prev;
                prev = values[k];
            }
            m
        })
        .collect();
    ClusterValues {
        full: ids
            .first()
            .and_then(|p| p.last())
            .map_or(0.0, |&k| values[k]),
        method: ShapleyMethod::MonteCarlo,
        samples: Some(perms.len()),
        used: ids.iter().flatten().copied().collect(),
        phi: estimate(n, &marginals)
            .into_iter()
            .map(|e| (e.mean, Some(e.std_error)))
            .collect(),
    }
}

impl Coalitions {
    /// The values of an `n`-site cluster from the values of the link sets (by id).
    fn values(&self, n: usize, values: &[f64]) -> ClusterValues {
        match self {
            Coalitions::Exact { ids } => exact_values(n, ids, values),
            Coalitions::Sampled { perms, ids } => sampled_values(n, perms, ids, values),
        }
    }
}

impl ClusterValues {
    /// Records the values of cluster `c`'s sites (`members`, global indices), rounded,
    /// with a 95 % confidence interval for an estimate.
    fn record(&self, c: usize, members: &[usize], sites: &mut [SiteShapley]) {
        for (&j, &(value, std_error)) in members.iter().zip(&self.phi) {
            let sv = &mut sites[j];
            sv.cluster = Some(c);
            sv.value = round(value);
            sv.std_error = std_error.map(round);
            sv.ci95_low = std_error.map(|e| round(value - Z95 * e));
            sv.ci95_high = std_error.map(|e| round(value + Z95 * e));
        }
    }

    /// The cluster's summary: its sites, value, method, and the distinct MILPs used
    /// (the empty link set is not solved) and how many stopped at the time limit.
    fn cluster(&self, s: &Scenario, members: &[usize], limited: &[bool]) -> Cluster {
        let mut distinct: Vec<usize> = self.used.iter().copied().filter(|&k| k != 0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let firms = s.firms();
        Cluster {
            sites: members.iter().map(|&j| firms[j].0.to_owned()).collect(),
            value: round(self.full),
            method: self.method,
            samples: self.samples,
            coalitions_solved: distinct.len(),
            time_limited: distinct.iter().filter(|&&k| limited[k]).count(),
        }
    }
}

// ---------------------------------------------------------------------------
// Individually rational plans.

/// A link of the individually rational plan with its transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RationalLink {
    /// The link.
    #[serde(flatten)]
    pub link: LinkKey,
    /// Flow sent, units of the output per year.
    pub flow: f64,
    /// Unit of `flow`.
    pub unit: String,
    /// The link's surplus, currency per year.
    pub surplus: f64,
    /// Transfer from the receiver to the supplier, currency per year.
    pub transfer: f64,
    /// `transfer` per unit sent; null when nothing flows.
    pub transfer_per_unit: Option<f64>,
    /// The supplier's gain from the link after the transfer.
    pub supplier_gain: f64,
    /// The receiver's gain from the link after the transfer.
    pub receiver_gain: f64,
}

/// A site in the individually rational plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RationalSite {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// Its gain with the transfers, currency per year.
    pub gain: f64,
    /// Its baseline gain (the least it may get).
    pub baseline_gain: f64,
}

/// The best plan in which every firm gains at least its baseline gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RationalPlan {
    /// Solver status of the constrained MILP.
    pub status: Status,
    /// Its annual net benefit, recomputed from its flows (the sum of the gains).
    pub net_benefit: Option<f64>,
    /// The unconstrained optimum's net benefit.
    pub unconstrained: Option<f64>,
    /// What individual rationality costs the district: `unconstrained` − `net_benefit`
    /// (≥ 0 up to the solver's gap).
    pub cost: Option<f64>,
    /// t CO2e avoided per year.
    pub co2_avoided: Option<f64>,
    /// Built links with their transfers.
    pub links: Vec<RationalLink>,
    /// Every site, in scenario order.
    pub sites: Vec<RationalSite>,
}

/// The best plan of `net` in which every site gains at least `baseline[j]` once
/// transfers flow on the built links ([`model::solve_individually_rational`]);
/// among the transfers that achieve it, those closest to the θ split.
/// `unconstrained` is the objective of the plan without the constraint.
pub fn individually_rational(
    s: &Scenario,
    net: &Network,
    baseline: &[f64],
    theta: f64,
    unconstrained: Option<f64>,
    options: &SolveOptions,
) -> Result<RationalPlan, Error> {
    check_share(theta)?;
    if s.has_periods() {
        return Err(Error::option(
            "individually_rational",
            "is not yet computed by period, and the scenario has [[periods]]: compare \
             without it (the split and the Shapley values know periods), or leave the \
             periods out",
        ));
    }
    let shares: Vec<LinkShare> = net.links.iter().map(|l| link_share(s, l)).collect();
    let mut at_least = vec![0.0; s.firms().len()];
    for (j, b) in baseline.iter().enumerate().take(at_least.len()) {
        at_least[j] = *b;
    }
    let r = Rationality {
        shares,
        at_least,
        supplier_share: theta,
    };
    let rs = model::solve_individually_rational(s, net, options, &r)?;
    let sol = &rs.solution;
    let mut gain = vec![0.0; s.firms().len()];
    let mut links = Vec::new();
    let mut co2 = 0.0;
    for (k, l) in net.links.iter().enumerate() {
        if !sol.built.get(k).copied().unwrap_or(false) {
            continue;
        }
        let a = &r.shares[k];
        let x = sol.flows[k];
        let t = rs.transfers[k];
        let (gs, gr) = gains_before_transfer(a, x);
        gain[a.supplier] += gs + t;
        gain[a.receiver] += gr - t;
        co2 += l.co2_avoided_per_unit() * x;
        links.push(RationalLink {
            link: l.key(s),
            flow: round(x),
            unit: s.output_material(l.output).unit.clone(),
            surplus: round(gs + gr),
            transfer: round(t),
            transfer_per_unit: (x > 0.0).then(|| round(t / x)),
            supplier_gain: round(gs + t),
            receiver_gain: round(gr - t),
        });
    }
    // A plant's own costs are its operator's.
    for (firm, net_benefit, _) in crate::plan::plant_benefits(s, net, sol) {
        gain[firm] += net_benefit;
    }
    let has = sol.status.has_plan();
    // Recomputed from the reported flows (as plans are), so that it equals the sum of
    // the gains; the solver's objective differs only by its tolerances.
    let objective = has.then(|| gain.iter().sum::<f64>());
    Ok(RationalPlan {
        status: sol.status,
        net_benefit: objective.map(round),
        unconstrained: unconstrained.map(round),
        cost: match (unconstrained, objective) {
            (Some(u), Some(v)) => Some(round(u - v)),
            _ => None,
        },
        co2_avoided: has.then(|| round(co2)),
        links,
        sites: s
            .firms()
            .into_iter()
            .enumerate()
            .map(|(j, (id, name))| RationalSite {
                site: id.to_owned(),
                name: name.to_owned(),
                gain: round(if has { gain[j] } else { 0.0 }),
                baseline_gain: round(r.at_least[j]),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glove game: player 0 holds a left glove, 1 and 2 right gloves; a pair is worth 1.
    fn gloves(mask: usize) -> f64 {
        if mask & 1 == 1 && mask & 6 != 0 {
            1.0
        } else {
            0.0
        }
    }

    #[test]
    fn exact_shapley_of_the_glove_game() {
        // Known: φ = (2/3, 1/6, 1/6).
        let v: Vec<f64> = (0..8).map(gloves).collect();
        let phi = exact_shapley(3, &v);
        assert!((phi[0] - 2.0 / 3.0).abs() < 1e-12);
        assert!((phi[1] - 1.0 / 6.0).abs() < 1e-12);
        assert!((phi[2] - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn exact_shapley_is_efficient_symmetric_and_ignores_null_players() {
        // A 4-player game: v(S) = (Σ weights)² over players 0..2, player 3 is null;
        // players 1 and 2 have the same weight.
        let w = [3.0, 1.0, 1.0, 0.0];
        let v: Vec<f64> = (0..16usize)
            .map(|m| {
                let x: f64 = (0..4).filter(|i| m >> i & 1 == 1).map(|i| w[i]).sum();
                x * x
            })
            .collect();
        let phi = exact_shapley(4, &v);
        assert!((phi.iter().sum::<f64>() - 25.0).abs() < 1e-12);
        assert!((phi[1] - phi[2]).abs() < 1e-12);
        assert_eq!(phi[3], 0.0);
        // For v = (Σw)², φ_i = w_i · Σw (each pair's cross term is split equally).
        assert!((phi[0] - 15.0).abs() < 1e-12);
        assert!((phi[1] - 5.0).abs() < 1e-12);
    }

    #[test]
    fn permutations_are_uniform_and_seeded() {
        let mut a = sampler(7, 0);
        let mut b = sampler(7, 0);
        let mut counts = HashMap::new();
        for _ in 0..6000 {
            let p = permutation(&mut a, 3);
            assert_eq!(p, permutation(&mut b, 3));
            *counts.entry(p).or_insert(0usize) += 1;
        }
        assert_eq!(counts.len(), 6);
        // Each of the 6 orders ~1000 times; 4 standard deviations is about ±116.
        for c in counts.values() {
            assert!((*c as i64 - 1000).abs() < 120, "{counts:?}");
        }
        // Other seeds and other clusters draw other orders.
        let orders = |seed, c| {
            let mut rng = sampler(seed, c);
            (0..20)
                .map(|_| permutation(&mut rng, 6))
                .collect::<Vec<_>>()
        };
        assert_ne!(orders(1, 0), orders(2, 0));
        assert_ne!(orders(1, 0), orders(1, 1));
    }

    #[test]
    fn sampled_glove_game_is_close_to_exact() {
        let mut rng = sampler(3, 0);
        let marginals: Vec<Vec<f64>> = (0..4000)
            .map(|_| {
                let perm = permutation(&mut rng, 3);
                let mut mask = 0;
                let mut m = vec![0.0; 3];
                for p in perm {
                    m[p] = gloves(mask | 1 << p) - gloves(mask);
                    mask |= 1 << p;
                }
                m
            })
            .collect();
        let est = estimate(3, &marginals);
        let exact = [2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0];
        let total: f64 = est.iter().map(|e| e.mean).sum();
        assert!(
            (total - 1.0).abs() < 1e-12,
            "each permutation adds up to v(N)"
        );
        for (e, x) in est.iter().zip(exact) {
            assert!(e.std_error > 0.0);
            assert!((e.mean - x).abs() <= 4.0 * e.std_error, "{e:?} vs {x}");
        }
    }

    #[test]
    fn shares_outside_the_unit_interval_are_rejected() {
        assert!(check_share(0.3).is_ok());
        assert!(check_share(1.2).is_err());
        assert!(check_share(f64::NAN).is_err());
    }
}
