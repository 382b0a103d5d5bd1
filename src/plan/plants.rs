//! The plants of a plan: each plant with its size, throughput, streams,
//! economics and CO2 ([`PlanPlant`]), their sum ([`PlantTotals`]), and the
//! firms that run them in the sites' split of the gain.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{round, SiteBenefit};
use crate::domain::{Location, PlantId, Scenario};
use crate::model::{ByPeriod, Solution};
use crate::network::plants::{throughputs, PlantTerms};
use crate::network::Network;

/// One plant of the scenario in a plan, open or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPlant {
    /// Plant id.
    pub plant: String,
    /// Plant name.
    pub name: String,
    /// Technology id.
    pub technology: String,
    /// candidate, existing, forced or forbidden.
    pub status: String,
    /// The firm that runs it.
    pub operator: String,
    /// Whether the plan opens it.
    pub open: bool,
    /// The size it opens at (absent when closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Capacity of that size, units processed per year (0 when closed).
    pub capacity: f64,
    /// Units processed per year: what arrives at its inputs.
    pub throughput: f64,
    /// Throughput over capacity (absent when closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilisation: Option<f64>,
    /// What arrives per input material, per year.
    pub inputs: BTreeMap<String, f64>,
    /// What it makes per output material, per year.
    pub made: BTreeMap<String, f64>,
    /// Of what it makes, what exchanges take, per output material, per year.
    pub sent: BTreeMap<String, f64>,
    /// Operating cost, currency per year.
    pub operating_cost: f64,
    /// Cost of the energy it uses, currency per year.
    pub energy_cost: f64,
    /// Disposal of everything it makes, currency per year (what exchanges
    /// take is counted back on their links as avoided disposal).
    pub disposal_cost: f64,
    /// Fixed cost of the size, currency per year.
    pub fixed_cost: f64,
    /// Annualised capital cost, currency per year.
    pub capex_per_year: f64,
    /// Capital cost (0 for an existing plant or a closed one), currency.
    pub capex: f64,
    /// Emissions of processing and of the disposal of what it makes, t CO2e per year.
    pub co2_emitted: f64,
    /// The plant's own net benefit (all of the above, carbon at its price),
    /// currency per year: the links in and out carry the rest.
    pub net_benefit: f64,
    /// Where it is (absent when it has no location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// The plants of a plan summed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlantTotals {
    /// Plants open.
    pub open: usize,
    /// Operating cost, currency per year.
    pub operating_cost: f64,
    /// Energy cost, currency per year.
    pub energy_cost: f64,
    /// Disposal of what they make, currency per year.
    pub disposal_cost: f64,
    /// Fixed cost, currency per year.
    pub fixed_cost: f64,
    /// Annualised capital cost, currency per year.
    pub capex_per_year: f64,
    /// Capital cost, currency.
    pub capex: f64,
    /// t CO2e emitted per year.
    pub co2_emitted: f64,
    /// Net benefit of the plants themselves, currency per year (part of the
    /// plan's `net_benefit`).
    pub net_benefit: f64,
}

/// Every plant of `s` under the flows of a plan of `net`, with their sum.
/// With periods (`by_period`), a plant's size holds its peak rate, and its
/// energy is priced period by period.
pub(super) fn plan_plants(
    s: &Scenario,
    net: &Network,
    flows: &[f64],
    by_period: &ByPeriod,
) -> (Vec<PlanPlant>, PlantTotals) {
    let p = &s.parameters;
    let mut totals = PlantTotals::default();
    let mut plants = Vec::new();
    let throughputs = throughputs(s, &net.links, flows);
    let seasons = Seasons::of(s, net, by_period);
    // What arrives at each input and leaves each output, by scenario index
    // (one pass over the links).
    let mut arrived = vec![0.0; s.inputs.len()];
    let mut left = vec![0.0; s.outputs.len()];
    for (l, &x) in net.links.iter().zip(flows) {
        if x <= 0.0 {
            continue;
        }
        if s.plant_of_input(l.input).is_some() {
            arrived[l.input.0] += l.displaced_per_unit * x;
        }
        if s.plant_of_output(l.output).is_some() {
            left[l.output.0] += x;
        }
    }
    for (k, plant) in s.plants.iter().enumerate() {
        let id = PlantId(k);
        let tech = &s.technologies[plant.technology.0];
        let terms = PlantTerms::of(s, id);
        let (t, rate, energy_price) = match &seasons {
            Some(seasons) => seasons.of_plant(s, k),
            None => (throughputs[k], throughputs[k], p.energy_price),
        };
        let size = terms.size_for(rate, plant.is_mandatory());
        // Every stream of the technology, 0 where nothing goes.
        let zero = |ms: &mut dyn Iterator<Item = crate::domain::MaterialId>| {
            ms.map(|m| (s.materials[m.0].id.clone(), 0.0))
                .collect::<BTreeMap<String, f64>>()
        };
        let mut inputs = zero(&mut tech.inputs.iter().map(|i| i.material));
        let mut sent = zero(&mut tech.outputs.iter().map(|o| o.material));
        for &i in &plant.inputs {
            let m = &s.input_material(i).id;
            *inputs.entry(m.clone()).or_insert(0.0) += arrived[i.0];
        }
        for &o in &plant.outputs {
            let m = &s.output_material(o).id;
            *sent.entry(m.clone()).or_insert(0.0) += left[o.0];
        }
        let made: BTreeMap<String, f64> = tech
            .outputs
            .iter()
            .map(|o| {
                (
                    s.materials[o.material.0].id.clone(),
                    round(o.yield_per_unit * t),
                )
            })
            .collect();
        let operating = terms.operating_cost * t;
        let energy = terms.energy_gj * energy_price * t;
        let disposal = terms.disposal_cost * t;
        let co2 = terms.co2_per_unit() * t;
        let (fixed, capex_year, capex, capacity, size_id) = match size {
            Some((z, capacity, charge)) => {
                let sz = &tech.sizes[z];
                let existing = plant.status == crate::domain::PlantStatus::Existing;
                let capex = if existing { 0.0 } else { sz.capex };
                let fixed = sz.fixed_cost_per_year;
                (fixed, charge - fixed, capex, capacity, Some(sz.id.clone()))
            }
            None => (0.0, 0.0, 0.0, 0.0, None),
        };
        let net_benefit =
            -(operating + energy + disposal + fixed + capex_year) - p.carbon_price * co2;
        let open = size_id.is_some();
        totals.open += usize::from(open);
        totals.operating_cost += operating;
        totals.energy_cost += energy;
        totals.disposal_cost += disposal;
        totals.fixed_cost += fixed;
        totals.capex_per_year += capex_year;
        totals.capex += capex;
        totals.co2_emitted += co2;
        totals.net_benefit += net_benefit;
        let rounded =
            |m: BTreeMap<String, f64>| m.into_iter().map(|(k, v)| (k, round(v))).collect();
        plants.push(PlanPlant {
            plant: plant.id.clone(),
            name: plant.name.clone(),
            technology: tech.id.clone(),
            status: plant.status.name().to_owned(),
            operator: plant.operator.clone(),
            open,
            size: size_id,
            capacity: round(capacity),
            throughput: round(t),
            utilisation: (capacity > 0.0).then(|| round(rate / capacity)),
            inputs: rounded(inputs),
            made,
            sent: rounded(sent),
            operating_cost: round(operating),
            energy_cost: round(energy),
            disposal_cost: round(disposal),
            fixed_cost: round(fixed),
            capex_per_year: round(capex_year),
            capex: round(capex),
            co2_emitted: round(co2),
            net_benefit: round(net_benefit),
            location: s.sites[plant.site.0].location,
        });
    }
    (plants, totals)
}

/// The plants' throughputs by period of a plan with periods (what arrives,
/// net of a store at an input), `[plant][period]`.
struct Seasons {
    throughputs: Vec<Vec<f64>>,
}

impl Seasons {
    /// The throughputs by period of a plan with periods; `None` without.
    fn of(s: &Scenario, net: &Network, by_period: &ByPeriod) -> Option<Seasons> {
        let periods = by_period.periods;
        if periods == 0 || s.plants.is_empty() {
            return None;
        }
        let mut throughputs = vec![vec![0.0; periods]; s.plants.len()];
        for (k, l) in net.links.iter().enumerate() {
            if let Some(p) = s.plant_of_input(l.input) {
                for (t, &x) in by_period.flows_of(k).iter().enumerate() {
                    throughputs[p.0][t] += l.displaced_per_unit * x;
                }
            }
        }
        for u in &by_period.stores {
            if let Some(crate::domain::Stream::Input(i)) = s.store_stream(u.store) {
                if let Some(p) = s.plant_of_input(i) {
                    let net = u.discharge.iter().zip(&u.charge).map(|(d, c)| d - c);
                    for (q, change) in throughputs[p.0].iter_mut().zip(net) {
                        *q += change;
                    }
                }
            }
        }
        Some(Seasons { throughputs })
    }

    /// A plant's throughput in the year, its peak rate and the energy price
    /// its throughput averages.
    fn of_plant(&self, s: &Scenario, k: usize) -> (f64, f64, f64) {
        let by = &self.throughputs[k];
        let t: f64 = by.iter().sum();
        let rate = crate::model::peak_rate(s, by.iter().copied());
        let cost: f64 = by
            .iter()
            .zip(&s.periods)
            .map(|(q, p)| q * p.energy_price)
            .sum();
        let price = if t > 0.0 {
            cost / t
        } else {
            s.parameters.energy_price
        };
        (t, rate, price)
    }
}

impl PlantTotals {
    /// Rounds every figure for the report.
    pub(super) fn round(&mut self) {
        for v in [
            &mut self.operating_cost,
            &mut self.energy_cost,
            &mut self.disposal_cost,
            &mut self.fixed_cost,
            &mut self.capex_per_year,
            &mut self.capex,
            &mut self.co2_emitted,
            &mut self.net_benefit,
        ] {
            *v = round(*v);
        }
    }
}

/// The sites' split with plants: each plant's own net benefit and emissions
/// go to the firm that runs it (a site of the scenario, or a firm of its own,
/// [`Scenario::firms`]).
pub(super) fn credit_operators(s: &Scenario, plants: &[PlanPlant], sites: &mut [SiteBenefit]) {
    for (plant, row) in s.plants.iter().zip(plants) {
        let firm = &mut sites[plant.firm];
        firm.as_supplier += row.net_benefit;
        firm.co2_avoided -= row.co2_emitted;
    }
}

/// Each plant's own net benefit and emissions under a solution of `net`
/// (unrounded; by period when it has periods), with the firm that runs it:
/// what the analyses add to the operator's gain.
pub fn plant_benefits(s: &Scenario, net: &Network, sol: &Solution) -> Vec<(usize, f64, f64)> {
    if s.plants.is_empty() {
        return Vec::new();
    }
    let (plants, _) = plan_plants(s, net, &sol.flows, &sol.by_period);
    s.plants
        .iter()
        .zip(plants)
        .map(|(p, row)| (p.firm, row.net_benefit, row.co2_emitted))
        .collect()
}
