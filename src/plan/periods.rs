//! A plan's periods and stores: the periods of the year it was solved over
//! ([`PlanPeriod`]) and each store the plan's network reaches, with its stock,
//! what goes in and out period by period and its economics ([`PlanStore`]).

use serde::{Deserialize, Serialize};

use super::{round, SiteBenefit};
use crate::domain::{PeriodId, Scenario, StoreStatus, Stream};
use crate::model::ByPeriod;

/// A period of the year a plan was solved over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPeriod {
    /// Period id.
    pub period: String,
    /// Fraction of the year.
    pub share: f64,
    /// Price of transport energy in it, currency per GJ.
    pub energy_price: f64,
}

/// One store in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStore {
    /// Store id.
    pub store: String,
    /// The site it stands at (a plant's site for a store at a plant).
    pub site: String,
    /// The plant it stands at, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plant: Option<String>,
    /// The stream it works on: `output` or `input`, and the stream's id.
    pub stream: String,
    /// Material held.
    pub material: String,
    /// Unit of the quantities.
    pub unit: String,
    /// candidate or existing.
    pub status: String,
    /// Whether the plan uses it (builds it, for a candidate).
    pub built: bool,
    /// Most it holds, units.
    pub capacity: f64,
    /// Units held at the end of each period, in the order of the plan's periods.
    pub level: Vec<f64>,
    /// Units put in during each period.
    pub charge: Vec<f64>,
    /// Units taken out during each period.
    pub discharge: Vec<f64>,
    /// Units lost while held, per year.
    pub lost: f64,
    /// Cost of what is put in, currency per year.
    pub handling_cost: f64,
    /// Fixed cost, currency per year (0 when not built).
    pub fixed_cost: f64,
    /// Annualised capital cost, currency per year (0 when not built).
    pub capex_per_year: f64,
    /// Capital cost of a candidate built, currency.
    pub capex: f64,
    /// At an input: what taking out in one period what arrived in another is
    /// worth (the purchases it displaces then, carbon valued; what is lost
    /// displaces none), currency per year; 0 at an output.
    pub shifted_value: f64,
    /// The store's own net benefit, currency per year: the links carry the rest.
    pub net_benefit: f64,
}

/// The stores of a plan summed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreTotals {
    /// Stores used (built, for candidates).
    pub built: usize,
    /// Cost of what is put in, currency per year.
    pub handling_cost: f64,
    /// Fixed cost, currency per year.
    pub fixed_cost: f64,
    /// Annualised capital cost, currency per year.
    pub capex_per_year: f64,
    /// Capital cost of the candidates built, currency.
    pub capex: f64,
    /// What moving a use from one period to another is worth, currency per year.
    pub shifted_value: f64,
    /// Net benefit of the stores themselves, currency per year (part of the
    /// plan's `net_benefit`).
    pub net_benefit: f64,
}

/// The stores of a plan summed (from their rounded rows).
pub(super) fn store_totals(stores: &[PlanStore]) -> StoreTotals {
    let mut t = StoreTotals::default();
    for q in stores {
        t.built += usize::from(q.built);
        t.handling_cost += q.handling_cost;
        t.fixed_cost += q.fixed_cost;
        t.capex_per_year += q.capex_per_year;
        t.capex += q.capex;
        t.shifted_value += q.shifted_value;
        t.net_benefit += q.net_benefit;
    }
    for v in [
        &mut t.handling_cost,
        &mut t.fixed_cost,
        &mut t.capex_per_year,
        &mut t.capex,
        &mut t.shifted_value,
        &mut t.net_benefit,
    ] {
        *v = round(*v);
    }
    t
}

/// The periods of a scenario, for its plans (empty without periods).
pub(super) fn plan_periods(s: &Scenario) -> Vec<PlanPeriod> {
    s.periods
        .iter()
        .map(|p| PlanPeriod {
            period: p.id.clone(),
            share: round(p.share),
            energy_price: round(p.energy_price),
        })
        .collect()
}

/// A store's money and CO2 over the year in a plan, unrounded.
struct StoreMoney {
    stream: Stream,
    lost: f64,
    handling: f64,
    fixed: f64,
    capex_year: f64,
    capex: f64,
    shifted_value: f64,
    net_benefit: f64,
    /// t CO2e its shift changes (at an input: what it loses displaces no
    /// virgin resource).
    co2: f64,
}

/// The money of the use `u` of a store; `None` for a store on no stream
/// (only in a scenario validation has not checked).
fn store_money(s: &Scenario, u: &crate::model::StoreUse) -> Option<StoreMoney> {
    let p = &s.parameters;
    let store = &s.stores[u.store.0];
    let stream = s.store_stream(u.store)?;
    let charged: f64 = u.charge.iter().sum();
    let discharged: f64 = u.discharge.iter().sum();
    let lost: f64 = u.level.iter().map(|h| store.loss_per_period * h).sum();
    let (shifted_value, co2) = match stream {
        Stream::Input(i) => {
            let value = (0..u.level.len())
                .map(|t| {
                    let worth =
                        s.input_price_in(i, PeriodId(t)) + p.carbon_price * s.inputs[i.0].co2;
                    worth * (u.discharge[t] - u.charge[t])
                })
                .sum();
            (value, s.inputs[i.0].co2 * (discharged - charged))
        }
        Stream::Output(_) => (0.0, 0.0),
    };
    let existing = store.status == StoreStatus::Existing;
    let (fixed, capex_year, capex) = if u.built {
        let crf = s.capital_recovery_factor(store.lifetime_years);
        let capex = if existing { 0.0 } else { store.capex };
        let year = if capex > 0.0 { capex * crf } else { 0.0 };
        (store.fixed_cost_per_year, year, capex)
    } else {
        (0.0, 0.0, 0.0)
    };
    let handling = store.cost_per_unit_charged * charged;
    Some(StoreMoney {
        stream,
        lost,
        handling,
        fixed,
        capex_year,
        capex,
        shifted_value,
        net_benefit: shifted_value - handling - fixed - capex_year,
        co2,
    })
}

/// Each store's own net benefit and the CO2 its shift changes under a plan
/// by period (unrounded), with the firm of its site: what the analyses add
/// to that firm's gain.
pub fn store_benefits(s: &Scenario, by_period: &ByPeriod) -> Vec<(usize, f64, f64)> {
    by_period
        .stores
        .iter()
        .filter_map(|u| {
            let m = store_money(s, u)?;
            Some((s.firm_of(s.stores[u.store.0].site), m.net_benefit, m.co2))
        })
        .collect()
}

/// The stores of a plan by period, with their net benefit summed, each
/// credited to the firm of its site.
pub(super) fn plan_stores(
    s: &Scenario,
    by_period: &ByPeriod,
    sites: &mut [SiteBenefit],
) -> (Vec<PlanStore>, f64) {
    let mut total = 0.0;
    let mut rows = Vec::with_capacity(by_period.stores.len());
    for u in &by_period.stores {
        let Some(m) = store_money(s, u) else {
            continue;
        };
        let store = &s.stores[u.store.0];
        total += m.net_benefit;
        let firm = &mut sites[s.firm_of(store.site)];
        match m.stream {
            Stream::Output(_) => firm.as_supplier += m.net_benefit,
            Stream::Input(_) => firm.as_receiver += m.net_benefit,
        }
        firm.co2_avoided += m.co2;
        let (kind, id, material) = match m.stream {
            Stream::Output(o) => ("output", &s.outputs[o.0].id, s.output_material(o)),
            Stream::Input(i) => ("input", &s.inputs[i.0].id, s.input_material(i)),
        };
        let rounded = |v: &[f64]| v.iter().map(|&q| round(q)).collect();
        rows.push(PlanStore {
            store: store.id.clone(),
            site: s.sites[store.site.0].id.clone(),
            plant: store.plant.map(|k| s.plants[k.0].id.clone()),
            stream: format!("{kind} {id}"),
            material: s.materials[store.material.0].id.clone(),
            unit: material.unit.clone(),
            status: match store.status {
                StoreStatus::Existing => "existing",
                _ => "candidate",
            }
            .to_owned(),
            built: u.built,
            capacity: round(store.capacity),
            level: rounded(&u.level),
            charge: rounded(&u.charge),
            discharge: rounded(&u.discharge),
            lost: round(m.lost),
            handling_cost: round(m.handling),
            fixed_cost: round(m.fixed),
            capex_per_year: round(m.capex_year),
            capex: round(m.capex),
            shifted_value: round(m.shifted_value),
            net_benefit: round(m.net_benefit),
        });
    }
    (rows, total)
}

/// The CO2 that stores at inputs change (what they lose displaces no virgin
/// resource), t CO2e per year.
pub(super) fn store_co2(s: &Scenario, by_period: &ByPeriod) -> f64 {
    store_benefits(s, by_period).iter().map(|b| b.2).sum()
}
