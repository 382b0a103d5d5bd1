//! Link formation: turning a candidate pair into a [`CandidateLink`] with its
//! distance and per-unit coefficients, and leaving out (and counting) the links
//! that are forbidden, too far, too lossy, empty or never pay.

use super::pairs::Pair;
use super::{BuildOptions, CandidateLink, Facts, LinkTerms, Pruned};
use crate::domain::{LinkFact, LinkStatus, Scenario, StoreId, Stream};
use crate::error::Problem;

/// Why a pair formed no link.
enum LeftOut {
    /// A fact forbids it.
    Forbidden,
    /// No distance can be computed (no fact distance, a site without location,
    /// or locations of different kinds); not counted.
    NoDistance,
    /// Beyond the mode's distance limit.
    TooFar,
    /// The whole flow is lost in transport; for an existing or forced link, the
    /// problem to report.
    Lossy(Option<Problem>),
    /// It can carry nothing.
    Empty,
    /// Its best-case margin per unit is ≤ 0 (and it is not kept for its CO2).
    NeverPay,
}

/// Link formation over a stream of pairs: the links formed, in the order of the
/// pairs, what was left out and the problems of existing or forced links that
/// lose the whole flow.
pub(super) struct Former<'s> {
    s: &'s Scenario,
    facts: &'s Facts,
    options: BuildOptions,
    /// The capital recovery factor of each mode's lifetime, computed once.
    crf: Vec<f64>,
    /// The links formed so far.
    pub links: Vec<CandidateLink>,
    /// What was left out so far.
    pub pruned: Pruned,
    /// Existing or forced links that lose the whole flow.
    pub problems: Vec<Problem>,
    /// Indices into `links` of the links with a figure out of range
    /// ([`super::range::fits`]), tested while their terms are at hand.
    pub out_of_range: Vec<usize>,
}

impl<'s> Former<'s> {
    /// No link formed yet.
    pub fn new(s: &'s Scenario, facts: &'s Facts, options: BuildOptions) -> Former<'s> {
        let crf = s
            .modes
            .iter()
            .map(|m| s.capital_recovery_factor(m.lifetime_years))
            .collect();
        Former {
            s,
            facts,
            options,
            crf,
            links: Vec::new(),
            pruned: Pruned::default(),
            problems: Vec::new(),
            out_of_range: Vec::new(),
        }
    }

    /// Forms the link of one pair, or counts why it is left out.
    pub fn add(&mut self, pair: Pair) {
        let pruned = &mut self.pruned;
        match form_link(self.s, self.facts, &self.crf, pair, self.options) {
            Ok((link, terms)) => {
                if !super::range::fits(self.s, &link, &terms) {
                    self.out_of_range.push(self.links.len());
                }
                self.links.push(link);
            }
            Err(LeftOut::Forbidden) => pruned.forbidden += 1,
            Err(LeftOut::NoDistance) => {}
            Err(LeftOut::TooFar) => pruned.too_far += 1,
            Err(LeftOut::Lossy(problem)) => {
                self.problems.extend(problem);
                pruned.lossy += 1;
            }
            Err(LeftOut::Empty) => pruned.empty += 1,
            Err(LeftOut::NeverPay) => pruned.never_pay += 1,
        }
    }
}

/// The `[[links]]` fact that applies to a pair: the one naming its mode, else
/// one naming no mode. A fact naming another mode does not apply: an existing
/// link by rail leaves the truck link of the same pair a candidate.
fn applicable_fact(s: &Scenario, facts: &Facts, (o, i, _, m): Pair) -> Option<usize> {
    facts.of(o, i).and_then(|v| {
        v.iter()
            .copied()
            .find(|&k| s.links[k].mode == Some(m))
            .or_else(|| v.iter().copied().find(|&k| s.links[k].mode.is_none()))
    })
}

/// Distance of a pair, km: the fact's if it gives one, else the distance between
/// the sites times the circuity; `None` when neither can be had.
fn pair_distance(s: &Scenario, fact: Option<&LinkFact>, (o, i, _, _): Pair) -> Option<f64> {
    if let Some(d) = fact.and_then(|f| f.distance_km) {
        return Some(d);
    }
    let a = s.sites[s.outputs[o.0].site.0].location?;
    let b = s.sites[s.inputs[i.0].site.0].location?;
    a.distance_km(&b).map(|d| d * s.parameters.circuity)
}

/// The link of one pair, or why it is left out. Existing and forced links are
/// kept even beyond the distance limit, empty or unprofitable; only losing the
/// whole flow leaves them out (with a problem).
fn form_link(
    s: &Scenario,
    facts: &Facts,
    crf: &[f64],
    pair: Pair,
    options: BuildOptions,
) -> Result<(CandidateLink, LinkTerms), LeftOut> {
    let fact_idx = applicable_fact(s, facts, pair);
    let fact = fact_idx.map(|k| &s.links[k]);
    let status = fact.map_or(LinkStatus::Candidate, |f| f.status);
    if status == LinkStatus::Forbidden {
        return Err(LeftOut::Forbidden);
    }
    let mandatory = matches!(status, LinkStatus::Existing | LinkStatus::Forced);
    let distance_km = pair_distance(s, fact, pair).ok_or(LeftOut::NoDistance)?;
    let mode = &s.modes[pair.3 .0];
    if let Some(max) = mode.max_distance_km {
        if distance_km > max && !mandatory {
            return Err(LeftOut::TooFar);
        }
    }
    let alpha = 1.0 - mode.loss_per_km * distance_km;
    if alpha <= 0.0 {
        let problem = fact.filter(|_| mandatory).map(|f| {
            Problem::new(
                f.origin.file.to_path_buf(),
                f.origin.path.clone(),
                None,
                format!(
                    "mode \"{}\" loses the whole flow over {distance_km:.1} km",
                    mode.id
                ),
            )
        });
        return Err(LeftOut::Lossy(problem));
    }
    let (link, terms) = coefficients(
        s,
        pair,
        status,
        fact_idx,
        distance_km,
        alpha,
        crf[pair.3 .0],
    );
    if !mandatory {
        if link.upper_bound <= 0.0 {
            return Err(LeftOut::Empty);
        }
        let keep_for_co2 = options.keep_co2_positive && link.co2_avoided_per_unit() > 0.0;
        // What a plant makes of a delivery is worth more than the delivery's
        // own margin says: links into plants are never left out for it.
        let into_plant = s.plant_of_input(link.input).is_some();
        // A store at the input moves a delivery's use (and the purchase it
        // avoids) to another period, which no period's margin shows alone.
        let into_store = (0..s.stores.len())
            .any(|k| s.store_stream(StoreId(k)) == Some(Stream::Input(link.input)));
        if link.best_margin(s) <= 0.0 && !keep_for_co2 && !into_plant && !into_store {
            return Err(LeftOut::NeverPay);
        }
    }
    Ok((link, terms))
}

/// The link of a pair with its status, fact, distance, delivered fraction α and
/// its mode's capital recovery factor settled: bound, capacity and per-unit
/// economics from the output, input, rule, mode and fact (whose figures replace
/// the mode's), with the terms its economics sum.
fn coefficients(
    s: &Scenario,
    (o, i, r, m): Pair,
    status: LinkStatus,
    fact_idx: Option<usize>,
    distance_km: f64,
    alpha: f64,
    crf: f64,
) -> (CandidateLink, LinkTerms) {
    let (output, input) = (&s.outputs[o.0], &s.inputs[i.0]);
    let (rule, mode) = (&s.rules[r.0], &s.modes[m.0]);
    let fact = fact_idx.map(|k| &s.links[k]);
    let displaced = rule.ratio * alpha;
    let capacity = match (fact.and_then(|f| f.capacity), mode.capacity) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    // A rule's share limits what a site's input may take of the substitute; a
    // plant's input mix is limited by its technology's shares alone.
    let to_plant = s.sites[input.site.0].plant.is_some();
    let share = if to_plant { 1.0 } else { rule.max_share };
    let mut upper = output.quantity.min(input.quantity * share / displaced);
    if let Some(c) = capacity {
        upper = upper.min(c);
    }
    let existing = status == LinkStatus::Existing;
    let recorded = fact.and_then(|f| f.quantity).filter(|_| existing);
    let capex = if existing {
        0.0
    } else {
        fact.and_then(|f| f.capex)
            .unwrap_or(mode.capex_per_km * distance_km)
    };
    let terms = LinkTerms::of(
        s,
        (o, i, r, m),
        fact_idx,
        distance_km,
        alpha,
        displaced,
        capex,
        crf,
    );
    let link = CandidateLink {
        output: o,
        input: i,
        rule: r,
        mode: m,
        status,
        fact: fact_idx,
        distance_km,
        displaced_per_unit: displaced,
        recorded_quantity: recorded,
        capacity,
        upper_bound: upper,
        capex,
        saving_per_unit: terms.saving_per_unit(),
        transport_energy_gj: mode.energy_per_unit_km * distance_km,
        co2_per_unit: terms.co2_per_unit(),
        charge_per_year: terms.charge_per_year(),
    };
    (link, terms)
}
