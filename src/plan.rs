//! The solved plan: chosen links with their flows and the metrics that justify them.
//!
//! Every figure here is recomputed from the flows and the network's per-unit
//! economics, never read back from the solver, so that the reported net benefit
//! can be checked against the solver's objective. Field order is the JSON schema
//! (documented in `docs/plan-format.md`); links are sorted by
//! (from_site, from_output, to_site, to_input, mode) in scenario order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{MaterialKind, Payer, Scenario};
use crate::model::{Solution, Status};
use crate::network::{CandidateLink, Network, Pruned};

/// One chosen exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanLink {
    /// Supplying site id.
    pub from_site: String,
    /// Output id at the supplying site.
    pub from_output: String,
    /// Receiving site id.
    pub to_site: String,
    /// Input id at the receiving site.
    pub to_input: String,
    /// Material sent (output's material id).
    pub material: String,
    /// Material displaced (input's material id).
    pub displaces: String,
    /// Rule id.
    pub rule: String,
    /// Mode id.
    pub mode: String,
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
}

/// Totals over the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
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
    /// Each site's benefit.
    pub sites: Vec<SiteBenefit>,
    /// The candidate network.
    pub network: NetworkSummary,
}

fn share(payer: Payer) -> (f64, f64) {
    match payer {
        Payer::Supplier => (1.0, 0.0),
        Payer::Receiver => (0.0, 1.0),
        Payer::Shared => (0.5, 0.5),
    }
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

/// Money flows of one link at flow `x` if built: (avoided disposal, avoided purchase,
/// processing, transport, energy cost, fixed, capex per year).
struct LinkMoney {
    disposal: f64,
    purchase: f64,
    processing: f64,
    transport: f64,
    energy: f64,
    fixed: f64,
    capex_year: f64,
}

fn money(l: &CandidateLink, x: f64, energy_price: f64) -> LinkMoney {
    LinkMoney {
        disposal: l.avoided_disposal_cost * x,
        purchase: l.avoided_purchase_cost * x,
        processing: l.processing_cost * x,
        transport: l.transport_cost * x,
        energy: l.transport_energy_gj * energy_price * x,
        fixed: l.fixed_cost_per_year,
        capex_year: l.capex_per_year,
    }
}

/// Assembles the plan of a solution.
pub fn assemble(s: &Scenario, net: &Network, sol: &Solution) -> Plan {
    let p = &s.parameters;
    let (t_sup, t_rec) = share(p.transport_paid_by);
    let (p_sup, p_rec) = share(p.processing_paid_by);
    let mut totals = Totals {
        net_benefit: 0.0,
        co2_avoided: 0.0,
        carbon_value: 0.0,
        avoided_disposal_cost: 0.0,
        avoided_purchase_cost: 0.0,
        processing_cost: 0.0,
        transport_cost: 0.0,
        transport_energy_cost: 0.0,
        fixed_cost: 0.0,
        capex_per_year: 0.0,
        capex: 0.0,
        transport_energy_gj: 0.0,
        waste_diverted: BTreeMap::new(),
        virgin_displaced: BTreeMap::new(),
        heat_lost: BTreeMap::new(),
        links: 0,
        existing_links: 0,
    };
    let mut sites: Vec<SiteBenefit> = s
        .sites
        .iter()
        .map(|site| SiteBenefit {
            site: site.id.clone(),
            name: site.name.clone(),
            as_supplier: 0.0,
            as_receiver: 0.0,
            benefit: 0.0,
            co2_avoided: 0.0,
        })
        .collect();
    let mut links = Vec::new();
    for (k, l) in net.links.iter().enumerate() {
        if !sol.built.get(k).copied().unwrap_or(false) {
            continue;
        }
        let x = sol.flows[k];
        let m = money(l, x, p.energy_price);
        let co2_link = l.co2_avoided_per_unit() * x;
        let carbon = p.carbon_price * co2_link;
        let costs_transport = m.transport + m.energy + m.fixed + m.capex_year;
        let net_benefit = m.disposal + m.purchase - m.processing - costs_transport + carbon;
        let output = &s.outputs[l.output.0];
        let input = &s.inputs[l.input.0];
        let out_mat = &s.materials[output.material.0];
        let in_mat = &s.materials[input.material.0];
        let delivered = x * l.delivered_per_unit;
        let loss = x - delivered;

        totals.net_benefit += net_benefit;
        totals.co2_avoided += co2_link;
        totals.carbon_value += carbon;
        totals.avoided_disposal_cost += m.disposal;
        totals.avoided_purchase_cost += m.purchase;
        totals.processing_cost += m.processing;
        totals.transport_cost += m.transport;
        totals.transport_energy_cost += m.energy;
        totals.fixed_cost += m.fixed;
        totals.capex_per_year += m.capex_year;
        totals.capex += l.capex;
        totals.transport_energy_gj += l.transport_energy_gj * x;
        *totals
            .waste_diverted
            .entry(out_mat.unit.clone())
            .or_default() += x;
        *totals
            .virgin_displaced
            .entry(in_mat.unit.clone())
            .or_default() += l.displaced_per_unit * x;
        if out_mat.kind == MaterialKind::Energy && loss > 0.0 {
            *totals.heat_lost.entry(out_mat.unit.clone()).or_default() += loss;
        }
        totals.links += 1;
        totals.existing_links += usize::from(l.status == crate::domain::LinkStatus::Existing);

        // Split between the two firms.
        let sup = &mut sites[output.site.0];
        let sup_gain = m.disposal - t_sup * costs_transport - p_sup * m.processing;
        let sup_co2 =
            l.avoided_disposal_co2 * x - t_sup * l.transport_co2 * x - p_sup * l.processing_co2 * x;
        sup.as_supplier += sup_gain + p.carbon_price * sup_co2;
        sup.co2_avoided += sup_co2;
        let rec = &mut sites[input.site.0];
        let rec_gain = m.purchase - t_rec * costs_transport - p_rec * m.processing;
        let rec_co2 =
            l.avoided_virgin_co2 * x - t_rec * l.transport_co2 * x - p_rec * l.processing_co2 * x;
        rec.as_receiver += rec_gain + p.carbon_price * rec_co2;
        rec.co2_avoided += rec_co2;

        let before_capital = net_benefit + m.capex_year;
        links.push(PlanLink {
            from_site: s.sites[output.site.0].id.clone(),
            from_output: output.id.clone(),
            to_site: s.sites[input.site.0].id.clone(),
            to_input: input.id.clone(),
            material: out_mat.id.clone(),
            displaces: in_mat.id.clone(),
            rule: s.rules[l.rule.0].id.clone(),
            mode: s.modes[l.mode.0].id.clone(),
            distance_km: round(l.distance_km),
            flow: round(x),
            unit: out_mat.unit.clone(),
            delivered: round(delivered),
            displaced: round(l.displaced_per_unit * x),
            displaced_unit: in_mat.unit.clone(),
            net_benefit: round(net_benefit),
            co2_avoided: round(co2_link),
            transport_energy_gj: round(l.transport_energy_gj * x),
            transport_loss: round(loss),
            capex: round(l.capex),
            payback_years: (l.capex > 0.0 && before_capital > 0.0)
                .then(|| round(l.capex / before_capital)),
            description: describe(s, l),
            existing: l.status == crate::domain::LinkStatus::Existing,
            status: match l.status {
                crate::domain::LinkStatus::Existing => "existing",
                crate::domain::LinkStatus::Forced => "forced",
                _ => "candidate",
            }
            .to_owned(),
        });
    }
    for site in &mut sites {
        site.benefit = round(site.as_supplier + site.as_receiver);
        site.as_supplier = round(site.as_supplier);
        site.as_receiver = round(site.as_receiver);
        site.co2_avoided = round(site.co2_avoided);
    }
    // Network order is (output, input, mode) in scenario order, which is the
    // documented sort already; keep it.
    let t = &mut totals;
    for v in [
        &mut t.net_benefit,
        &mut t.co2_avoided,
        &mut t.carbon_value,
        &mut t.avoided_disposal_cost,
        &mut t.avoided_purchase_cost,
        &mut t.processing_cost,
        &mut t.transport_cost,
        &mut t.transport_energy_cost,
        &mut t.fixed_cost,
        &mut t.capex_per_year,
        &mut t.capex,
        &mut t.transport_energy_gj,
    ] {
        *v = round(*v);
    }
    for map in [
        &mut t.waste_diverted,
        &mut t.virgin_displaced,
        &mut t.heat_lost,
    ] {
        for v in map.values_mut() {
            *v = round(*v);
        }
    }
    let pr: &Pruned = &net.pruned;
    Plan {
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        status: sol.status,
        objective: sol.objective.map(round),
        best_bound: sol.best_bound.map(round),
        gap: sol.gap.map(round),
        totals,
        links,
        sites,
        network: NetworkSummary {
            candidate_links: net.links.len(),
            pruned_too_far: pr.too_far,
            pruned_never_pay: pr.never_pay,
            pruned_other: pr.forbidden + pr.empty + pr.lossy,
        },
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
        format!("for {}'s own supply", s.sites[input.site.0].name)
    } else {
        format!("replacing {}", to.name)
    };
    let today = if l.status == crate::domain::LinkStatus::Existing {
        ", running today"
    } else {
        ""
    };
    format!(
        "{} from {} to {} by {} ({:.1} km), {replacing}{today}",
        from.name,
        s.sites[output.site.0].name,
        s.sites[input.site.0].name,
        s.modes[l.mode.0].name,
        l.distance_km
    )
}

#[cfg(test)]
mod tests {
    use super::round;

    #[test]
    fn round_keeps_nine_significant_digits() {
        assert_eq!(round(123_456_789_123.0), 123_456_789_000.0);
        assert_eq!(round(0.000_123_456_789_12), 0.000_123_456_789);
        assert_eq!(round(-0.0), 0.0);
        assert_eq!(round(1e-12), 1e-12);
    }
}
