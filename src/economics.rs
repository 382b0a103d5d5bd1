//! A link's value and how it falls on its two firms: one place for the money of
//! `docs/formulation.md` that the plan, the gain allocation and the comparison share.

use crate::domain::{Payer, PeriodId, Scenario};
use crate::model::LinkShare;
use crate::network::{CandidateLink, LinkTerms};

/// (supplier, receiver) shares of a cost paid by `p`.
pub fn payer_shares(p: Payer) -> (f64, f64) {
    match p {
        Payer::Supplier => (1.0, 0.0),
        Payer::Receiver => (0.0, 1.0),
        Payer::Shared => (0.5, 0.5),
    }
}

/// Annual net benefit of a link at flow `x`: v_l x − F_l when built, else 0.
pub fn link_value(s: &Scenario, l: &CandidateLink, x: f64, built: bool) -> f64 {
    if !built {
        return 0.0;
    }
    let p = &s.parameters;
    l.margin_per_unit(p.carbon_price, p.energy_price) * x - l.fixed_charge_per_year()
}

/// How a link's value falls on its two firms before any transfer: the supplier
/// is credited the avoided disposal cost (and the carbon value of the avoided
/// disposal emissions), the receiver the avoided purchase (and the carbon value of
/// the virgin emissions); transport, energy, fixed and capital costs (and transport
/// emissions) fall as `transport_paid_by` says, processing (and its emissions) as
/// `processing_paid_by`. This is the per-site split of every plan.
pub fn link_share(s: &Scenario, l: &CandidateLink) -> LinkShare {
    let p = &s.parameters;
    link_share_at(s, l, p.energy_price, s.inputs[l.input.0].price)
}

/// [`link_share`] in period `t` of a scenario with periods: at the period's
/// energy price and the input's price in it.
pub fn link_share_in(s: &Scenario, l: &CandidateLink, t: PeriodId) -> LinkShare {
    let energy = s.periods[t.0].energy_price;
    link_share_at(s, l, energy, s.input_price_in(l.input, t))
}

/// [`link_share`] at an energy price and a price of the input.
fn link_share_at(s: &Scenario, l: &CandidateLink, energy_price: f64, price: f64) -> LinkShare {
    let p = &s.parameters;
    let (ts, tr) = payer_shares(p.transport_paid_by);
    let (ps, pr) = payer_shares(p.processing_paid_by);
    let mut t = l.terms(s);
    t.avoided_purchase_cost = l.displaced_per_unit * price;
    let (co2_s, co2_r) = co2_share(s, &t);
    let moving = t.transport_cost + l.transport_energy_gj * energy_price;
    let charge = l.fixed_charge_per_year();
    LinkShare {
        supplier: s.firm_of(s.outputs[l.output.0].site),
        receiver: s.firm_of(s.inputs[l.input.0].site),
        supplier_per_unit: t.avoided_disposal_cost - ts * moving - ps * t.processing_cost
            + p.carbon_price * co2_s,
        supplier_per_year: ts * charge,
        receiver_per_unit: t.avoided_purchase_cost - tr * moving - pr * t.processing_cost
            + p.carbon_price * co2_r,
        receiver_per_year: tr * charge,
    }
}

/// t CO2e avoided per unit sent credited to (supplier, receiver): disposal emissions
/// to the supplier, virgin emissions to the receiver, transport and processing
/// emissions as their costs are split.
pub fn link_co2_share(s: &Scenario, l: &CandidateLink) -> (f64, f64) {
    co2_share(s, &l.terms(s))
}

/// [`link_co2_share`] of a link's terms.
fn co2_share(s: &Scenario, t: &LinkTerms) -> (f64, f64) {
    let p = &s.parameters;
    let (ts, tr) = payer_shares(p.transport_paid_by);
    let (ps, pr) = payer_shares(p.processing_paid_by);
    (
        t.avoided_disposal_co2 - ts * t.transport_co2 - ps * t.processing_co2,
        t.avoided_virgin_co2 - tr * t.transport_co2 - pr * t.processing_co2,
    )
}

/// The money of one link built at flow `x`, currency per year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkMoney {
    /// Disposal cost avoided.
    pub disposal: f64,
    /// Virgin purchase avoided.
    pub purchase: f64,
    /// Processing cost.
    pub processing: f64,
    /// Transport cost.
    pub transport: f64,
    /// Transport energy cost.
    pub energy: f64,
    /// Fixed cost.
    pub fixed: f64,
    /// Annualised capital cost.
    pub capex_year: f64,
    /// Value of the CO2 avoided at the carbon price.
    pub carbon: f64,
}

impl LinkMoney {
    /// The money of link `l` at flow `x`.
    pub fn of(s: &Scenario, l: &CandidateLink, x: f64) -> LinkMoney {
        let p = &s.parameters;
        let t = l.terms(s);
        LinkMoney {
            disposal: t.avoided_disposal_cost * x,
            purchase: t.avoided_purchase_cost * x,
            processing: t.processing_cost * x,
            transport: t.transport_cost * x,
            energy: l.transport_energy_gj * p.energy_price * x,
            fixed: t.fixed_cost_per_year,
            capex_year: t.capex_per_year,
            carbon: p.carbon_price * (l.co2_avoided_per_unit() * x),
        }
    }

    /// The money of link `l` at its flows by period `xs` (`x_lt`), each at
    /// its period's energy price and input price; fixed and capital costs
    /// once a year.
    pub fn by_period(s: &Scenario, l: &CandidateLink, xs: &[f64]) -> LinkMoney {
        let mut m = LinkMoney::of(s, l, xs.iter().sum());
        let each = xs.iter().enumerate().map(|(t, &x)| (PeriodId(t), x));
        m.purchase = each
            .clone()
            .map(|(t, x)| l.displaced_per_unit * s.input_price_in(l.input, t) * x)
            .sum();
        m.energy = each
            .map(|(t, x)| l.transport_energy_gj * s.periods[t.0].energy_price * x)
            .sum();
        m
    }

    /// The link's annual net benefit: savings less costs, carbon included.
    pub fn net_benefit(&self) -> f64 {
        let moving = self.transport + self.energy + self.fixed + self.capex_year;
        self.disposal + self.purchase - self.processing - moving + self.carbon
    }
}
