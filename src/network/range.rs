//! The numeric range of a link's coefficients: every figure symbio hands the
//! solver for a link — its margin per unit and each of its terms, its annual
//! charge, its flow bound, and each of these per-unit figures times the flow
//! bound (the link's share of the objective) — must be below
//! [`MAX_COEFFICIENT`] in magnitude. Validation keeps every input number within
//! `crate::scenario::validate::MAX_INPUT` (1e12); their products can still
//! leave HiGHS's range, which these checks report as problems naming the
//! fields multiplied (docs/scenario-format.md, "Numeric range").

use std::collections::HashSet;
use std::path::Path;

use super::{CandidateLink, LinkTerms};
use crate::domain::{LinkFact, Scenario};
use crate::error::Problem;

/// Largest magnitude (exclusive) of a coefficient, bound or product that symbio
/// hands HiGHS for a link. HiGHS warns about matrix values above 1e15
/// (`large_matrix_value`) and takes values of 1e20 or more for infinite.
pub const MAX_COEFFICIENT: f64 = 1e15;

/// A field a figure is made of: the file it is read from, its path (the
/// path `--set` takes for scenario items, the `[[links]]` entry's path for a
/// link fact), and the id of its item.
#[derive(Clone)]
struct Field {
    file: Box<Path>,
    path: String,
    id: Option<String>,
}

/// One figure of a link and the fields it is the product of.
struct Figure {
    what: &'static str,
    value: f64,
    /// Whether it is per unit of flow (then its product with the flow bound
    /// is checked too).
    per_unit: bool,
    fields: Vec<Field>,
}

/// Adds a problem for each figure of the links out of range (those that do not
/// [`fits`], in the order of the network); a field is reported once per
/// figure, for the first link where it overflows.
pub(super) fn check_links<'a>(
    s: &Scenario,
    out_of_range: impl Iterator<Item = &'a CandidateLink>,
    problems: &mut Vec<Problem>,
) {
    let mut seen = HashSet::new();
    for l in out_of_range {
        let (bound, bound_fields) = flow_bound(s, l);
        let mut figures = figures(s, l);
        figures.push(Figure {
            what: "the flow bound U",
            value: bound,
            per_unit: false,
            fields: bound_fields.clone(),
        });
        let mut reported = false;
        for (k, f) in figures.iter().enumerate() {
            let product = f.per_unit.then_some(f.value * bound);
            let fits = |v: f64| v.abs() < MAX_COEFFICIENT;
            let margin = k == MARGIN;
            if fits(f.value) && product.map_or(true, fits) || margin && reported {
                continue;
            }
            reported = true;
            let Some(first) = f.fields.first() else {
                continue;
            };
            if !seen.insert((first.path.clone(), f.what)) {
                continue;
            }
            let mut msg = format!("{} of the link {} is {:e}", f.what, label(s, l), f.value);
            let mut fields: Vec<&Field> = f.fields.iter().collect();
            if let Some(p) = product.filter(|_| fits(f.value)) {
                msg += &format!(" per unit, {p:e} per year at the flow bound U = {bound:e}");
                fields.extend(&bound_fields);
            }
            let mut names: Vec<&str> = Vec::new();
            for f in fields {
                if !names.contains(&f.path.as_str()) {
                    names.push(&f.path);
                }
            }
            msg += &format!(
                ", beyond the {MAX_COEFFICIENT:e} symbio can hand the solver; it comes from {} \
                 (see \"Numeric range\" in docs/scenario-format.md)",
                names.join(", ")
            );
            problems.push(Problem::new(
                first.file.to_path_buf(),
                first.path.clone(),
                first.id.as_deref(),
                msg,
            ));
        }
    }
}

/// The position of the margin (the sum of the terms before it) in [`figures`]:
/// reported only when none of its terms is.
const MARGIN: usize = 7;

/// Whether each figure of [`figures`] is per unit of flow.
const PER_UNIT: [bool; MARGIN + 1] = [true, true, true, true, true, true, false, true];

/// The values of the figures of [`figures`], in its order: computed without the
/// names of their fields, which only a link out of range needs.
fn values(s: &Scenario, l: &CandidateLink, t: &LinkTerms) -> [f64; MARGIN + 1] {
    let p = &s.parameters;
    [
        t.avoided_disposal_cost,
        t.avoided_purchase_cost,
        t.processing_cost,
        t.transport_cost,
        l.transport_energy_gj * p.energy_price,
        p.carbon_price * l.co2_avoided_per_unit(),
        l.fixed_charge_per_year(),
        l.margin_per_unit(p.carbon_price, p.energy_price),
    ]
}

/// The largest flow of the link: its recorded quantity, or U.
fn bound(l: &CandidateLink) -> f64 {
    l.recorded_quantity.unwrap_or(l.upper_bound)
}

/// Whether every figure of a link (whose terms are `t`), its flow bound and
/// each per-unit figure times the bound are below [`MAX_COEFFICIENT`] (then
/// [`check_links`] has nothing to say about it).
pub(super) fn fits(s: &Scenario, l: &CandidateLink, t: &LinkTerms) -> bool {
    let fit = |v: f64| v.abs() < MAX_COEFFICIENT;
    let u = bound(l);
    fit(u)
        && values(s, l, t)
            .iter()
            .zip(PER_UNIT)
            .all(|(&v, per_unit)| fit(v) && (!per_unit || fit(v * u)))
}

/// The link's key (`from_site/from_output->to_site/to_input@mode`), for messages.
fn label(s: &Scenario, l: &CandidateLink) -> String {
    l.key(s).to_string()
}

/// The names of the fields of one link's items.
struct Names<'s> {
    s: &'s Scenario,
    l: &'s CandidateLink,
}

impl Names<'_> {
    fn field(&self, path: String, id: Option<&str>) -> Field {
        Field {
            file: self.s.file.clone().into_boxed_path(),
            path,
            id: id.map(str::to_owned),
        }
    }

    fn output(&self, name: &str) -> Field {
        let o = &self.s.outputs[self.l.output.0];
        let site = &self.s.sites[o.site.0].id;
        self.field(format!("sites.{site}.outputs.{}.{name}", o.id), Some(&o.id))
    }

    fn input(&self, name: &str) -> Field {
        let i = &self.s.inputs[self.l.input.0];
        let site = &self.s.sites[i.site.0].id;
        self.field(format!("sites.{site}.inputs.{}.{name}", i.id), Some(&i.id))
    }

    fn rule(&self, name: &str) -> Field {
        let r = &self.s.rules[self.l.rule.0].id;
        self.field(format!("rules.{r}.{name}"), Some(r))
    }

    fn mode(&self, name: &str) -> Field {
        let m = &self.s.modes[self.l.mode.0].id;
        self.field(format!("modes.{m}.{name}"), Some(m))
    }

    fn parameter(&self, name: &str) -> Field {
        self.field(format!("parameters.{name}"), None)
    }

    /// Field `name` of the link's `[[links]]` fact, when the fact gives it (`given`).
    fn fact(&self, name: &str, given: impl Fn(&LinkFact) -> bool) -> Option<Field> {
        let f = self.l.fact.map(|k| &self.s.links[k]).filter(|f| given(f))?;
        Some(Field {
            file: f.origin.file.to_path_buf().into_boxed_path(),
            path: format!("{}.{name}", f.origin.path),
            id: None,
        })
    }

    /// The fact's field `name` when it gives it, else the mode's field `mode_field`
    /// times `times`.
    fn fact_or_mode(
        &self,
        name: &str,
        given: impl Fn(&LinkFact) -> bool,
        mode_field: &str,
        times: Vec<Field>,
    ) -> Vec<Field> {
        match self.fact(name, given) {
            Some(f) => vec![f],
            None => std::iter::once(self.mode(mode_field))
                .chain(times)
                .collect(),
        }
    }

    /// The link's distance: the fact's, or the sites' locations times the circuity.
    fn distance(&self) -> Vec<Field> {
        if let Some(f) = self.fact("distance_km", |f| f.distance_km.is_some()) {
            return vec![f];
        }
        let from = &self.s.sites[self.s.outputs[self.l.output.0].site.0].id;
        let to = &self.s.sites[self.s.inputs[self.l.input.0].site.0].id;
        vec![
            self.field(format!("sites.{from}/sites.{to} locations"), None),
            self.parameter("circuity"),
        ]
    }
}

/// The link's per-unit terms, its margin and its annual charge, each with its fields.
fn figures(s: &Scenario, l: &CandidateLink) -> Vec<Figure> {
    let n = Names { s, l };
    let t = l.terms(s);
    let v = values(s, l, &t);
    let figure = |k: usize, what, fields| Figure {
        what,
        value: v[k],
        per_unit: PER_UNIT[k],
        fields,
    };
    let transport = n.fact_or_mode(
        "transport_cost_per_unit",
        |f| f.transport_cost_per_unit.is_some(),
        "cost_per_unit_km",
        n.distance(),
    );
    let energy: Vec<Field> = std::iter::once(n.mode("energy_per_unit_km"))
        .chain(n.distance())
        .chain([n.parameter("energy_price")])
        .collect();
    // The carbon value is named by the carbon price and the largest of the
    // emissions it prices.
    let emissions = [
        (t.avoided_disposal_co2, vec![n.output("disposal_co2")]),
        (t.avoided_virgin_co2, vec![n.input("co2"), n.rule("ratio")]),
        (t.processing_co2, vec![n.rule("processing_co2")]),
        (t.transport_co2, {
            let mut v = vec![n.mode("co2_per_unit_km")];
            v.extend(n.distance());
            v
        }),
    ];
    let co2 = || {
        let largest = emissions
            .iter()
            .max_by(|a, b| a.0.abs().total_cmp(&b.0.abs()))
            .map(|e| e.1.clone())
            .unwrap_or_default();
        std::iter::once(n.parameter("carbon_price"))
            .chain(largest)
            .collect::<Vec<_>>()
    };
    let mut charge = n.fact_or_mode(
        "fixed_cost_per_year",
        |f| f.fixed_cost_per_year.is_some(),
        "fixed_cost_per_year",
        Vec::new(),
    );
    charge.extend(n.fact_or_mode("capex", |f| f.capex.is_some(), "capex_per_km", n.distance()));
    charge.extend([n.mode("lifetime_years"), n.parameter("discount_rate")]);
    let mut out = vec![
        figure(
            0,
            "the avoided disposal cost",
            vec![n.output("disposal_cost")],
        ),
        figure(
            1,
            "the avoided purchase cost",
            vec![n.input("price"), n.rule("ratio")],
        ),
        figure(2, "the processing cost", vec![n.rule("processing_cost")]),
        figure(3, "the transport cost", transport),
        figure(4, "the transport energy cost", energy),
        figure(5, "the carbon value", co2()),
        figure(
            6,
            "the annual charge (fixed cost and annualised capex)",
            charge,
        ),
    ];
    // The margin is the sum of the terms: named by the largest.
    let largest = out[..MARGIN - 1]
        .iter()
        .max_by(|a, b| a.value.abs().total_cmp(&b.value.abs()))
        .map(|f| f.fields.clone())
        .unwrap_or_default();
    out.push(figure(MARGIN, "the margin per unit", largest));
    out
}

/// The largest flow of the link (its recorded quantity, or U) and the field that sets it.
fn flow_bound(s: &Scenario, l: &CandidateLink) -> (f64, Vec<Field>) {
    let n = Names { s, l };
    if l.recorded_quantity.is_some() {
        return (bound(l), n.fact("quantity", |_| true).into_iter().collect());
    }
    let field = if l.upper_bound >= s.outputs[l.output.0].quantity {
        vec![n.output("quantity")]
    } else if l.capacity == Some(l.upper_bound) {
        n.fact_or_mode("capacity", |f| f.capacity.is_some(), "capacity", Vec::new())
    } else {
        vec![n.input("quantity"), n.rule("max_share"), n.rule("ratio")]
    };
    (l.upper_bound, field)
}
