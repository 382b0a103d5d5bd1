//! The solved plan: chosen links with their flows and the metrics that justify them.
//!
//! Every figure here is recomputed from the flows and the network's per-unit
//! economics, never read back from the solver, so that the reported net benefit
//! can be checked against the solver's objective. Field order is the JSON schema
//! (documented in `docs/plan-format.md`); links are sorted by
//! (from_site, from_output, to_site, to_input, mode) in scenario order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{LinkStatus, Location, MaterialKind, Scenario};
use crate::economics::{link_co2_share, link_share, link_share_in, LinkMoney};
use crate::error::Error;
use crate::link_key::LinkKey;
use crate::model::{Solution, Status};
use crate::network::mandatory::{self, Constraint, Limit};
use crate::network::{CandidateLink, Network, Pruned};

mod periods;
mod plants;

pub use periods::{store_benefits, PlanPeriod, PlanStore, StoreTotals};
pub use plants::{plant_benefits, PlanPlant, PlantTotals};

/// One chosen exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanLink {
    /// The link: from_site, from_output, to_site, to_input and mode ids.
    #[serde(flatten)]
    pub key: LinkKey,
    /// Material sent (output's material id).
    pub material: String,
    /// Material displaced (input's material id).
    pub displaces: String,
    /// Rule id.
    pub rule: String,
    /// Distance, km.
    pub distance_km: f64,
    /// Flow sent, units of the output per year.
    pub flow: f64,
    /// Unit of `flow` and `delivered`.
    pub unit: String,
    /// Flow arriving after transport loss, per year.
    pub delivered: f64,
    /// Units of the input's material displaced per year.
    pub displaced: f64,
    /// Unit of `displaced`.
    pub displaced_unit: String,
    /// Annual net benefit of the link, currency per year (carbon valued at the carbon price).
    pub net_benefit: f64,
    /// t CO2e avoided per year.
    pub co2_avoided: f64,
    /// Transport energy, GJ per year.
    pub transport_energy_gj: f64,
    /// Flow lost in transport, units per year.
    pub transport_loss: f64,
    /// Capital cost of building the link (0 for existing links).
    pub capex: f64,
    /// Simple payback: capex over the link's annual net benefit before capital charges, years.
    pub payback_years: Option<f64>,
    /// Whether the link operates today.
    pub existing: bool,
    /// candidate, existing or forced.
    pub status: String,
    /// The exchange in words, with the names of sites, materials and mode.
    pub description: String,
    /// The flow sent in each period, in the order of the plan's `periods`
    /// (absent without periods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_period: Vec<f64>,
    /// The flow in each period over the link's capacity in it (capacity ×
    /// the period's share; absent without periods or without a capacity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub utilisation: Vec<f64>,
    /// Where the supplying site is (absent when it has no location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_location: Option<Location>,
    /// Where the receiving site is (absent when it has no location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_location: Option<Location>,
}

/// The scalar totals of a plan: money, CO2 and energy (see `docs/plan-format.md`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Annual net benefit, currency per year (equals the solver's objective).
    pub net_benefit: f64,
    /// t CO2e avoided per year.
    pub co2_avoided: f64,
    /// Value of the CO2 avoided at the carbon price, currency per year (part of `net_benefit`).
    pub carbon_value: f64,
    /// Disposal costs avoided, currency per year.
    pub avoided_disposal_cost: f64,
    /// Virgin purchases avoided, currency per year.
    pub avoided_purchase_cost: f64,
    /// Processing cost, currency per year.
    pub processing_cost: f64,
    /// Transport cost, currency per year.
    pub transport_cost: f64,
    /// Transport energy cost, currency per year.
    pub transport_energy_cost: f64,
    /// Fixed link costs, currency per year.
    pub fixed_cost: f64,
    /// Annualised capital cost, currency per year.
    pub capex_per_year: f64,
    /// Capital cost of new links, currency.
    pub capex: f64,
    /// Transport energy, GJ per year.
    pub transport_energy_gj: f64,
}

impl Figures {
    /// The names of the figures, in field order (the JSON and CSV order).
    pub const NAMES: [&'static str; 12] = [
        "net_benefit",
        "co2_avoided",
        "carbon_value",
        "avoided_disposal_cost",
        "avoided_purchase_cost",
        "processing_cost",
        "transport_cost",
        "transport_energy_cost",
        "fixed_cost",
        "capex_per_year",
        "capex",
        "transport_energy_gj",
    ];

    /// The figures, in field order.
    pub fn values(&self) -> [f64; 12] {
        [
            self.net_benefit,
            self.co2_avoided,
            self.carbon_value,
            self.avoided_disposal_cost,
            self.avoided_purchase_cost,
            self.processing_cost,
            self.transport_cost,
            self.transport_energy_cost,
            self.fixed_cost,
            self.capex_per_year,
            self.capex,
            self.transport_energy_gj,
        ]
    }

    fn values_mut(&mut self) -> [&mut f64; 12] {
        [
            &mut self.net_benefit,
            &mut self.co2_avoided,
            &mut self.carbon_value,
            &mut self.avoided_disposal_cost,
            &mut self.avoided_purchase_cost,
            &mut self.processing_cost,
            &mut self.transport_cost,
            &mut self.transport_energy_cost,
            &mut self.fixed_cost,
            &mut self.capex_per_year,
            &mut self.capex,
            &mut self.transport_energy_gj,
        ]
    }
}

/// Totals over the plan: the scalar figures, then the quantities by unit and the
/// count of links.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Money, CO2 and energy.
    #[serde(flatten)]
    pub figures: Figures,
    /// Waste and by-products diverted from disposal, per unit (t, MWh, ...) per year.
    pub waste_diverted: BTreeMap<String, f64>,
    /// Virgin resource displaced, per unit per year.
    pub virgin_displaced: BTreeMap<String, f64>,
    /// Energy lost in transport (heat, steam), per unit per year.
    pub heat_lost: BTreeMap<String, f64>,
    /// Links in the plan.
    pub links: usize,
    /// Of which existing today.
    pub existing_links: usize,
    /// The plants summed (absent without plants); their net benefit and
    /// emissions are part of `net_benefit` and `co2_avoided`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plants: Option<PlantTotals>,
    /// The stores summed (absent without stores); their net benefit is part
    /// of `net_benefit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stores: Option<StoreTotals>,
}

/// What one site gains, with costs split as the scenario's parameters say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteBenefit {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// Gain as a supplier (avoided disposal, less its share of costs), currency per year.
    pub as_supplier: f64,
    /// Gain as a receiver (avoided purchases, less its share of costs), currency per year.
    pub as_receiver: f64,
    /// Total, currency per year.
    pub benefit: f64,
    /// t CO2e avoided at or attributed to the site per year (disposal side to the supplier,
    /// virgin side to the receiver, transport and processing as the costs are split).
    pub co2_avoided: f64,
}

/// Facts about the candidate network the plan was chosen from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSummary {
    /// Candidate links in the model.
    pub candidate_links: usize,
    /// Links left out because they are beyond their mode's distance limit.
    pub pruned_too_far: usize,
    /// Links left out because they could never pay.
    pub pruned_never_pay: usize,
    /// Links left out for other reasons (forbidden, empty, lossy).
    pub pruned_other: usize,
}

/// A solved plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Scenario name.
    pub scenario: String,
    /// Currency of all money figures.
    pub currency: String,
    /// Solver status.
    pub status: Status,
    /// The solver's objective, currency per year.
    pub objective: Option<f64>,
    /// Best proven bound on the objective.
    pub best_bound: Option<f64>,
    /// Relative gap between objective and bound.
    pub gap: Option<f64>,
    /// Totals recomputed from the flows.
    pub totals: Totals,
    /// Chosen links.
    pub links: Vec<PlanLink>,
    /// Each site's benefit (a plant's to its operator).
    pub sites: Vec<SiteBenefit>,
    /// Every plant, open or not (absent without plants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plants: Vec<PlanPlant>,
    /// The periods of the year the plan was solved over (absent without
    /// periods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PlanPeriod>,
    /// Each store the network reaches, period by period (absent without).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<PlanStore>,
    /// The candidate network.
    pub network: NetworkSummary,
    /// Why there is no plan: the constraints that the recorded flows of existing
    /// links exceed on their own (only when the status is `infeasible`; absent from
    /// the JSON when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infeasibility: Vec<Conflict>,
    /// The outputs and inputs the plan uses in part, with the limits that stop
    /// more ([`crate::limits`]; absent from the JSON when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<crate::limits::StreamLimit>,
}

/// A constraint that the recorded flows of existing links exceed on their own
/// ([`mandatory::conflicts`]), with ids and units for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// `supply`, `demand`, `share` or `capacity`.
    pub constraint: Constraint,
    /// The output whose supply is exceeded, `site/output` (supply only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The input whose demand or share is exceeded, `site/input` (demand, share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The rule whose share is exceeded (share only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The constraint's right-hand side: Q_o, D_i, σ_r D_i or the link's capacity.
    pub limit: f64,
    /// What the recorded flows need of it (Σ q, or Σ ρ α q for an input).
    pub required: f64,
    /// `required` − `limit`.
    pub excess: f64,
    /// Unit of `limit`, `required` and `excess` per year.
    pub unit: String,
    /// The existing links whose recorded flows make up `required`.
    #[serde(with = "crate::link_key::as_text")]
    pub links: Vec<LinkKey>,
}

impl Conflict {
    /// The report of a conflict found in network `net` of `s`.
    pub fn of(s: &Scenario, net: &Network, c: &mandatory::Conflict) -> Conflict {
        let stream = |site: crate::domain::SiteId, id: &str| format!("{}/{id}", s.sites[site.0].id);
        let (mut output, mut input, mut rule) = (None, None, None);
        let unit = match c.limit {
            Limit::Supply(o) => {
                output = Some(stream(s.outputs[o.0].site, &s.outputs[o.0].id));
                &s.output_material(o).unit
            }
            Limit::Demand(i) | Limit::Share(i, _) => {
                input = Some(stream(s.inputs[i.0].site, &s.inputs[i.0].id));
                if let Limit::Share(_, r) = c.limit {
                    rule = Some(s.rules[r.0].id.clone());
                }
                &s.input_material(i).unit
            }
            Limit::Capacity(k) => &s.output_material(net.links[k].output).unit,
        };
        Conflict {
            constraint: c.limit.constraint(),
            output,
            input,
            rule,
            limit: round(c.bound),
            required: round(c.required),
            excess: round(c.excess()),
            unit: unit.clone(),
            links: c.links.iter().map(|&k| net.links[k].key(s)).collect(),
        }
    }
}

/// The constraints that the recorded flows of `net`'s existing links exceed on
/// their own, reported ([`mandatory::conflicts`]): empty when the MILP has a
/// feasible point.
pub fn conflicts(s: &Scenario, net: &Network) -> Vec<Conflict> {
    mandatory::conflicts(s, net)
        .iter()
        .map(|c| Conflict::of(s, net, c))
        .collect()
}

/// Rounds a reported figure to 9 significant digits, so that solver noise in the
/// last bits does not show and JSON stays stable.
pub fn round(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() { 0.0 } else { v };
    }
    let digits = 9 - 1 - v.abs().log10().floor() as i32;
    let f = 10f64.powi(digits.clamp(-300, 300));
    let r = (v * f).round() / f;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Assembles the plan of a solution: the accounting of every built link into the
/// totals and the sites' benefits, then the rounded report.
pub fn assemble(s: &Scenario, net: &Network, sol: &Solution) -> Plan {
    let mut totals = Totals::default();
    let mut sites: Vec<SiteBenefit> = s
        .firms()
        .into_iter()
        .map(|(id, name)| SiteBenefit::empty(id, name))
        .collect();
    let mut links = Vec::new();
    for (k, l) in net.links.iter().enumerate() {
        if !sol.built.get(k).copied().unwrap_or(false) {
            continue;
        }
        let x = sol.flows[k];
        let by_period = sol.by_period.flows_of(k);
        let money = if by_period.is_empty() {
            LinkMoney::of(s, l, x)
        } else {
            LinkMoney::by_period(s, l, by_period)
        };
        totals.add(s, l, x, &money);
        credit_sites(s, l, x, by_period, &mut sites);
        // Network order is (output, input, mode) in scenario order, which is the
        // documented sort already; keep it.
        let mut row = plan_link(s, l, x, &money);
        row.by_period = by_period.iter().map(|&q| round(q)).collect();
        if let Some(c) = l.capacity.filter(|&c| c > 0.0 && !by_period.is_empty()) {
            let rate = |(q, p): (&f64, &crate::domain::Period)| round(q / (c * p.share));
            row.utilisation = by_period.iter().zip(&s.periods).map(rate).collect();
        }
        links.push(row);
    }
    let (plants, plant_totals) = plants::plan_plants(s, net, &sol.flows, &sol.by_period);
    if !s.plants.is_empty() {
        let f = &mut totals.figures;
        f.net_benefit += plant_totals.net_benefit;
        f.co2_avoided -= plant_totals.co2_emitted;
        f.carbon_value -= s.parameters.carbon_price * plant_totals.co2_emitted;
        totals.plants = Some(plant_totals);
    }
    plants::credit_operators(s, &plants, &mut sites);
    let (stores, stores_net) = periods::plan_stores(s, &sol.by_period, &mut sites);
    if !stores.is_empty() {
        totals.stores = Some(periods::store_totals(&stores));
        let co2 = periods::store_co2(s, &sol.by_period);
        let f = &mut totals.figures;
        f.net_benefit += stores_net;
        f.co2_avoided += co2;
        f.carbon_value += s.parameters.carbon_price * co2;
    }
    for site in &mut sites {
        site.round();
    }
    totals.round();
    let pr: &Pruned = &net.pruned;
    Plan {
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        status: sol.status,
        objective: sol.objective.map(round),
        best_bound: sol.best_bound.map(round),
        gap: sol.gap.map(round),
        totals,
        sites,
        plants,
        periods: if s.has_periods() {
            periods::plan_periods(s)
        } else {
            Vec::new()
        },
        stores,
        network: NetworkSummary {
            candidate_links: net.links.len(),
            pruned_too_far: pr.too_far,
            pruned_never_pay: pr.never_pay,
            pruned_other: pr.forbidden + pr.empty + pr.lossy + pr.dominated,
        },
        infeasibility: if sol.status == Status::Infeasible {
            conflicts(s, net)
        } else {
            Vec::new()
        },
        // The limits are those of annual totals; by period they would name
        // the wrong reason (a season's supply, not the year's), so a plan by
        // period leaves them out.
        limits: if s.has_periods() {
            Vec::new()
        } else {
            crate::limits::binding(s, &links)
        },
        links,
    }
}

impl Plan {
    /// The plan, or an error when it has a plan status but a figure of it is not
    /// finite (the objective, bound, a total, a link's or a site's figure): a
    /// plan never reports `optimal` or `time_limit` with a figure it cannot give.
    /// The scenario's numeric range (`docs/scenario-format.md`) keeps every
    /// figure finite; this is the guard at the end of the pipeline.
    pub fn finite(self) -> Result<Plan, Error> {
        if !self.status.has_plan() {
            return Ok(self);
        }
        let t = &self.totals;
        let named = |name: &'static str, v: f64| (name.to_owned(), v);
        let mut figures: Vec<(String, f64)> = vec![
            named("objective", self.objective.unwrap_or(f64::NAN)),
            named("best_bound", self.best_bound.unwrap_or(0.0)),
        ];
        figures.extend(
            Figures::NAMES
                .iter()
                .zip(t.figures.values())
                .map(|(n, v)| (format!("totals.{n}"), v)),
        );
        for l in &self.links {
            let key = &l.key;
            figures.push((format!("links {key} net_benefit"), l.net_benefit));
            figures.push((format!("links {key} flow"), l.flow));
            figures.push((format!("links {key} co2_avoided"), l.co2_avoided));
        }
        for site in &self.sites {
            figures.push((format!("sites {} benefit", site.site), site.benefit));
        }
        match figures.into_iter().find(|(_, v)| !v.is_finite()) {
            None => Ok(self),
            Some((name, v)) => Err(Error::Solver(format!(
                "the plan's {name} is {v}, not a finite number: no plan is reported"
            ))),
        }
    }
}

impl Totals {
    /// Adds link `l` built at flow `x`, whose money is `m`.
    fn add(&mut self, s: &Scenario, l: &CandidateLink, x: f64, m: &LinkMoney) {
        let out_mat = s.output_material(l.output);
        let in_mat = s.input_material(l.input);
        let loss = x - x * l.terms(s).delivered_per_unit;
        let f = &mut self.figures;
        f.net_benefit += m.net_benefit();
        f.co2_avoided += l.co2_avoided_per_unit() * x;
        f.carbon_value += m.carbon;
        f.avoided_disposal_cost += m.disposal;
        f.avoided_purchase_cost += m.purchase;
        f.processing_cost += m.processing;
        f.transport_cost += m.transport;
        f.transport_energy_cost += m.energy;
        f.fixed_cost += m.fixed;
        f.capex_per_year += m.capex_year;
        f.capex += l.capex;
        f.transport_energy_gj += l.transport_energy_gj * x;
        // What plants make is no waste, and what they take displaces no purchase.
        if s.plant_of_output(l.output).is_none() {
            *self.waste_diverted.entry(out_mat.unit.clone()).or_default() += x;
        }
        if s.plant_of_input(l.input).is_none() {
            *self
                .virgin_displaced
                .entry(in_mat.unit.clone())
                .or_default() += l.displaced_per_unit * x;
        }
        if out_mat.kind == MaterialKind::Energy && loss > 0.0 {
            *self.heat_lost.entry(out_mat.unit.clone()).or_default() += loss;
        }
        self.links += 1;
        self.existing_links += usize::from(l.status == LinkStatus::Existing);
    }

    /// Rounds every figure for the report ([`round`]).
    fn round(&mut self) {
        for v in self.figures.values_mut() {
            *v = round(*v);
        }
        if let Some(p) = &mut self.plants {
            p.round();
        }
        for map in [
            &mut self.waste_diverted,
            &mut self.virgin_displaced,
            &mut self.heat_lost,
        ] {
            for v in map.values_mut() {
                *v = round(*v);
            }
        }
    }
}

impl SiteBenefit {
    /// A site (firm) that gains nothing yet.
    fn empty(id: &str, name: &str) -> SiteBenefit {
        SiteBenefit {
            site: id.to_owned(),
            name: name.to_owned(),
            as_supplier: 0.0,
            as_receiver: 0.0,
            benefit: 0.0,
            co2_avoided: 0.0,
        }
    }

    /// Totals the benefit and rounds every figure for the report.
    fn round(&mut self) {
        self.benefit = round(self.as_supplier + self.as_receiver);
        self.as_supplier = round(self.as_supplier);
        self.as_receiver = round(self.as_receiver);
        self.co2_avoided = round(self.co2_avoided);
    }
}

/// Credits link `l` at flow `x` to its two sites, split as the scenario's
/// parameters say ([`link_share`], [`link_co2_share`]).
/// With periods (`by_period`, the link's flow in each), each period's flow
/// at its prices ([`link_share_in`]).
fn credit_sites(
    s: &Scenario,
    l: &CandidateLink,
    x: f64,
    by_period: &[f64],
    sites: &mut [SiteBenefit],
) {
    let a = link_share(s, l);
    let (cs, cr) = link_co2_share(s, l);
    let (supplier, receiver) = if by_period.is_empty() {
        (a.supplier_per_unit * x, a.receiver_per_unit * x)
    } else {
        by_period
            .iter()
            .enumerate()
            .fold((0.0, 0.0), |(sup, rec), (t, &q)| {
                let at = link_share_in(s, l, crate::domain::PeriodId(t));
                (
                    sup + at.supplier_per_unit * q,
                    rec + at.receiver_per_unit * q,
                )
            })
    };
    let sup = &mut sites[a.supplier];
    sup.as_supplier += supplier - a.supplier_per_year;
    sup.co2_avoided += cs * x;
    let rec = &mut sites[a.receiver];
    rec.as_receiver += receiver - a.receiver_per_year;
    rec.co2_avoided += cr * x;
}

/// The report of link `l` built at flow `x`, whose money is `m`.
fn plan_link(s: &Scenario, l: &CandidateLink, x: f64, m: &LinkMoney) -> PlanLink {
    let output = &s.outputs[l.output.0];
    let input = &s.inputs[l.input.0];
    let out_mat = &s.materials[output.material.0];
    let in_mat = &s.materials[input.material.0];
    let delivered = x * l.terms(s).delivered_per_unit;
    let net_benefit = m.net_benefit();
    let before_capital = net_benefit + m.capex_year;
    PlanLink {
        key: l.key(s),
        material: out_mat.id.clone(),
        displaces: in_mat.id.clone(),
        rule: s.rules[l.rule.0].id.clone(),
        distance_km: round(l.distance_km),
        flow: round(x),
        unit: out_mat.unit.clone(),
        delivered: round(delivered),
        displaced: round(l.displaced_per_unit * x),
        displaced_unit: in_mat.unit.clone(),
        net_benefit: round(net_benefit),
        co2_avoided: round(l.co2_avoided_per_unit() * x),
        transport_energy_gj: round(l.transport_energy_gj * x),
        transport_loss: round(x - delivered),
        capex: round(l.capex),
        payback_years: (l.capex > 0.0 && before_capital > 0.0)
            .then(|| round(l.capex / before_capital)),
        existing: l.status == LinkStatus::Existing,
        status: match l.status {
            LinkStatus::Existing => "existing",
            LinkStatus::Forced => "forced",
            _ => "candidate",
        }
        .to_owned(),
        description: describe(s, l),
        by_period: Vec::new(),
        utilisation: Vec::new(),
        from_location: s.sites[output.site.0].location,
        to_location: s.sites[input.site.0].location,
    }
}

/// "Granulated blast-furnace slag from Liugang to Cement plant A by rail (12 km),
/// replacing clinker".
fn describe(s: &Scenario, l: &CandidateLink) -> String {
    let output = &s.outputs[l.output.0];
    let input = &s.inputs[l.input.0];
    let from = &s.materials[output.material.0];
    let to = &s.materials[input.material.0];
    let replacing = if from.id == to.id {
        "replacing the receiver's own supply".to_owned()
    } else {
        format!("replacing {}", to.name)
    };
    let today = if l.status == LinkStatus::Existing {
        ", running today"
    } else {
        ""
    };
    // A material named after its site ("Steam extracted from the Asnæs power
    // station") is not followed by the site's name again.
    let site = &s.sites[output.site.0].name;
    let from_site = if names(&from.name, site) {
        String::new()
    } else {
        format!(" from {site}")
    };
    format!(
        "{}{from_site} to {} by {} ({:.1} km), {replacing}{today}",
        from.name, s.sites[input.site.0].name, s.modes[l.mode.0].name, l.distance_km
    )
}

/// Whether `text` names `name` (whole, ignoring case).
fn names(text: &str, name: &str) -> bool {
    !name.is_empty() && text.to_lowercase().contains(&name.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optimal_plan_with_an_infinite_net_benefit_is_an_error_not_optimal() {
        let mut plan = Plan {
            scenario: "s".into(),
            currency: "EUR".into(),
            status: Status::Optimal,
            objective: Some(1.0),
            best_bound: Some(-1000.0),
            gap: Some(0.0),
            totals: Totals::default(),
            links: Vec::new(),
            sites: Vec::new(),
            plants: Vec::new(),
            periods: Vec::new(),
            stores: Vec::new(),
            network: NetworkSummary {
                candidate_links: 0,
                pruned_too_far: 0,
                pruned_never_pay: 0,
                pruned_other: 0,
            },
            infeasibility: Vec::new(),
            limits: Vec::new(),
        };
        assert!(plan.clone().finite().is_ok());
        plan.totals.figures.net_benefit = f64::INFINITY;
        let e = plan.clone().finite().unwrap_err().to_string();
        assert!(e.contains("totals.net_benefit is inf"), "{e}");
        plan.totals.figures.net_benefit = 0.0;
        plan.objective = None;
        assert!(plan.clone().finite().is_err());
        plan.status = Status::Infeasible;
        assert!(plan.finite().is_ok());
    }

    #[test]
    fn a_material_named_after_its_site_does_not_name_it_twice() {
        assert!(names(
            "Steam extracted from the Asnæs power station",
            "Asnæs power station"
        ));
        assert!(names(
            "Steam from ASNÆS POWER STATION",
            "Asnæs power station"
        ));
        assert!(!names("Coal combustion ash", "Asnæs power station"));
        assert!(!names("steam", ""));
    }

    #[test]
    fn round_keeps_nine_significant_digits() {
        assert_eq!(round(123_456_789_123.0), 123_456_789_000.0);
        assert_eq!(round(0.000_123_456_789_12), 0.000_123_456_789);
        assert_eq!(round(-0.0), 0.0);
        assert_eq!(round(1e-12), 1e-12);
    }
}
