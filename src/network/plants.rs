//! What the network knows of plants: the economics of a unit processed and of
//! an open size ([`PlantTerms`]), the streams each plant ties together, and the
//! check that a plant which must open can be reached at all.

use super::CandidateLink;
use crate::domain::{InputId, OutputId, PlantId, PlantStatus, Scenario};

// Note: a plant's throughput is the flow that arrives at its inputs after
// transport loss and through the rule's ratio (ρ_l α_l x_l), which is the
// link's `displaced_per_unit` × flow.
use crate::error::Problem;

/// How far a throughput may pass a size's capacity and still be held by it,
/// relative and absolute: HiGHS keeps rows to its primal feasibility
/// tolerance (1e-7, scaled), so a plan at a capacity can lie a little above it.
pub const SIZE_TOLERANCE: f64 = 1e-6;

/// A plant's economics: per unit processed (its throughput, what arrives at
/// its inputs), and per year for each size it may open at.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantTerms {
    /// Operating cost, currency per unit processed.
    pub operating_cost: f64,
    /// Energy used, GJ per unit processed.
    pub energy_gj: f64,
    /// Processing emissions, t CO2e per unit processed.
    pub processing_co2: f64,
    /// Disposal cost of everything made, currency per unit processed: what
    /// the plant pays if no exchange takes its products (each exchange of a
    /// product avoids its share, as a site's output does).
    pub disposal_cost: f64,
    /// Disposal emissions of everything made, t CO2e per unit processed.
    pub disposal_co2: f64,
    /// Per size the plant may open at (index into its technology's sizes):
    /// the capacity and the annual charge (fixed cost plus annualised capex;
    /// no capex for an existing plant).
    pub sizes: Vec<(usize, f64, f64)>,
}

impl PlantTerms {
    /// The terms of plant `p` of `s`.
    pub fn of(s: &Scenario, p: PlantId) -> PlantTerms {
        let plant = &s.plants[p.0];
        let tech = &s.technologies[plant.technology.0];
        let existing = plant.status == PlantStatus::Existing;
        let sizes = plant
            .sizes
            .iter()
            .map(|&k| {
                let z = &tech.sizes[k];
                let capex = if existing { 0.0 } else { z.capex };
                let charge =
                    z.fixed_cost_per_year + capex * s.capital_recovery_factor(z.lifetime_years);
                (k, z.capacity, charge)
            })
            .collect();
        PlantTerms {
            operating_cost: tech.operating_cost,
            energy_gj: tech.energy_per_unit,
            processing_co2: tech.co2_per_unit,
            disposal_cost: tech
                .outputs
                .iter()
                .map(|o| o.yield_per_unit * o.disposal_cost)
                .sum(),
            disposal_co2: tech
                .outputs
                .iter()
                .map(|o| o.yield_per_unit * o.disposal_co2)
                .sum(),
            sizes,
        }
    }

    /// Cost per unit processed at a carbon and energy price: operating cost,
    /// energy, disposal of what is made and the price of the emissions (the
    /// objective coefficient of the throughput is its negative, `c_p` in the
    /// formulation).
    pub fn cost_per_unit(&self, carbon_price: f64, energy_price: f64) -> f64 {
        self.operating_cost
            + self.energy_gj * energy_price
            + self.disposal_cost
            + carbon_price * self.co2_per_unit()
    }

    /// Emissions per unit processed, t CO2e: processing, and disposal of what is made.
    pub fn co2_per_unit(&self) -> f64 {
        self.processing_co2 + self.disposal_co2
    }

    /// The plant's own net benefit at throughput `t`, carbon and energy
    /// priced: −c_p t less the charge of the size `t` opens
    /// ([`PlantTerms::size_for`]).
    pub fn own_net_benefit(&self, t: f64, mandatory: bool, carbon: f64, energy: f64) -> f64 {
        let charge = self.size_for(t, mandatory).map_or(0.0, |z| z.2);
        -self.cost_per_unit(carbon, energy) * t - charge
    }

    /// The largest capacity it may open at.
    pub fn largest(&self) -> f64 {
        self.sizes.iter().map(|z| z.1).fold(0.0, f64::max)
    }

    /// The size a throughput `t` opens at: the cheapest whose capacity holds it
    /// (within the solver's feasibility tolerance, [`SIZE_TOLERANCE`] relative
    /// and absolute: a plan at a size's capacity may pass it by as much), `None`
    /// when none does; a throughput of 0 opens none unless the plant must open.
    pub fn size_for(&self, t: f64, mandatory: bool) -> Option<(usize, f64, f64)> {
        if t <= 0.0 && !mandatory {
            return None;
        }
        self.sizes
            .iter()
            .filter(|z| t <= z.1 * (1.0 + SIZE_TOLERANCE) + SIZE_TOLERANCE)
            .min_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)))
            .copied()
    }
}

/// The output–input pairs whose streams plants tie together: each plant's
/// outputs and inputs, and the plants of one group
/// ([`super::Network::joins`]).
pub(crate) fn joins(s: &Scenario) -> Vec<(OutputId, InputId)> {
    let mut joins = Vec::new();
    for p in &s.plants {
        let (o0, i0) = (p.outputs[0], p.inputs[0]);
        joins.extend(p.outputs.iter().map(|&o| (o, i0)));
        joins.extend(p.inputs.iter().skip(1).map(|&i| (o0, i)));
    }
    for g in &s.plant_groups {
        let Some(first) = g.plants.first() else {
            continue;
        };
        let o0 = s.plants[first.0].outputs[0];
        joins.extend(
            g.plants
                .iter()
                .skip(1)
                .map(|q| (o0, s.plants[q.0].inputs[0])),
        );
    }
    joins
}

/// A problem for each plant that must open (existing or forced) but that no
/// link reaches or leaves: its cost would be a plan's without any decision.
pub(crate) fn check_reached(s: &Scenario, links: &[CandidateLink], problems: &mut Vec<Problem>) {
    if s.plants.is_empty() {
        return;
    }
    let mut reached = vec![false; s.plants.len()];
    for l in links {
        for p in [s.plant_of_output(l.output), s.plant_of_input(l.input)]
            .into_iter()
            .flatten()
        {
            reached[p.0] = true;
        }
    }
    for (k, p) in s.plants.iter().enumerate() {
        if p.is_mandatory() && !reached[k] {
            problems.push(Problem::new(
                p.origin.file.to_path_buf(),
                p.origin.path.clone(),
                Some(&p.id),
                format!(
                    "this {} plant has no candidate link: no output can reach its inputs \
                     and no input can take what it makes",
                    p.status.name()
                ),
            ));
        }
    }
}

/// The plants that `links` reach or leave, ascending.
pub fn reached(s: &Scenario, links: &[CandidateLink]) -> Vec<PlantId> {
    if s.plants.is_empty() {
        return Vec::new();
    }
    let mut seen = vec![false; s.plants.len()];
    for l in links {
        for p in [s.plant_of_output(l.output), s.plant_of_input(l.input)]
            .into_iter()
            .flatten()
        {
            seen[p.0] = true;
        }
    }
    (0..s.plants.len())
        .filter(|&k| seen[k])
        .map(PlantId)
        .collect()
}

/// Whether a plant group with a plant among `plants` (ascending) asks for
/// plants open (a least number open above 0).
pub fn group_asks_open(s: &Scenario, plants: &[PlantId]) -> bool {
    s.plant_groups.iter().any(|g| {
        g.min_open.is_some_and(|m| m > 0)
            && g.plants.iter().any(|p| plants.binary_search(p).is_ok())
    })
}

/// Whether any of `links` reaches or leaves a plant: the search steps written
/// for links alone (the greedy plan, the reductions) stay off such a network.
pub fn any_reached(s: &Scenario, links: &[CandidateLink]) -> bool {
    !s.plants.is_empty()
        && links
            .iter()
            .any(|l| s.plant_of_output(l.output).is_some() || s.plant_of_input(l.input).is_some())
}

/// What each plant of the scenario processes under the flows `flows` of
/// `links`, by plant index: the sum of what arrives at its inputs, in the
/// units of its input materials (one pass over the links).
pub fn throughputs(s: &Scenario, links: &[CandidateLink], flows: &[f64]) -> Vec<f64> {
    let mut t = vec![0.0; s.plants.len()];
    if s.plants.is_empty() {
        return t;
    }
    for (l, &x) in links.iter().zip(flows) {
        if let Some(p) = s.plant_of_input(l.input) {
            t[p.0] += l.displaced_per_unit * x;
        }
    }
    t
}

/// Drops the links to or from a plant that a parallel link (same output and
/// input, another mode) does at least as well in every respect: the same
/// units displaced per unit sent, a margin and CO2 avoided per unit at least
/// as high, an annual charge at most as high, and a bound and capacity at
/// least as large; both candidates without a recorded flow. Of links equal in
/// all of these the first (lowest mode) is kept. Every plan through a dropped
/// link is matched by one through the link kept, so the optimum is the same,
/// and ties between modes on a link of 0 km (truck or conveyor into a plant at
/// its site) are settled once, the same for every command. Returns how many
/// were dropped.
pub(crate) fn drop_dominated(s: &Scenario, links: &mut Vec<CandidateLink>) -> usize {
    let p = &s.parameters;
    let plant_end = |l: &CandidateLink| {
        s.plant_of_output(l.output).is_some() || s.plant_of_input(l.input).is_some()
    };
    let free = |l: &CandidateLink| {
        l.status == crate::domain::LinkStatus::Candidate && l.recorded_quantity.is_none()
    };
    // At the annual energy price and at each period's (margins differ between
    // modes only by their transport energy).
    let energy_prices: Vec<f64> = std::iter::once(p.energy_price)
        .chain(s.periods.iter().map(|t| t.energy_price))
        .collect();
    let at_least_as_good = |b: &CandidateLink, a: &CandidateLink| {
        b.displaced_per_unit == a.displaced_per_unit
            && energy_prices.iter().all(|&e| {
                b.margin_per_unit(p.carbon_price, e) >= a.margin_per_unit(p.carbon_price, e)
            })
            && b.co2_avoided_per_unit() >= a.co2_avoided_per_unit()
            && b.fixed_charge_per_year() <= a.fixed_charge_per_year()
            && b.upper_bound >= a.upper_bound
            && b.capacity.unwrap_or(f64::INFINITY) >= a.capacity.unwrap_or(f64::INFINITY)
    };
    let mut keep = vec![true; links.len()];
    let mut start = 0;
    while start < links.len() {
        let pair = (links[start].output, links[start].input);
        let mut end = start + 1;
        while end < links.len() && (links[end].output, links[end].input) == pair {
            end += 1;
        }
        if end - start > 1 && plant_end(&links[start]) {
            for a in start..end {
                if !free(&links[a]) {
                    continue;
                }
                // Dominated by a kept link: strictly better in some respect,
                // or equal and earlier.
                let dominated = (start..end).any(|b| {
                    b != a
                        && keep[b]
                        && free(&links[b])
                        && at_least_as_good(&links[b], &links[a])
                        && (b < a || !at_least_as_good(&links[a], &links[b]))
                });
                if dominated {
                    keep[a] = false;
                }
            }
        }
        start = end;
    }
    let before = links.len();
    let mut k = 0;
    links.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    before - links.len()
}
