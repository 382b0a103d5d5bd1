//! The seasons of a plan in the HTML report (a scenario with periods): for
//! each energy stream the plan uses, what it has against what goes, period
//! by period (an output's supply against what is sent, an input's demand
//! against what arrives), and each store's stock at the end of each period
//! against its capacity.

use std::collections::BTreeMap;

use super::num;
use super::svg::{escape, px};
use crate::domain::{MaterialKind, PeriodId, Scenario};
use crate::plan::Plan;

/// The most streams charted: the largest by what flows in the year.
const MOST_STREAMS: usize = 12;

/// One chart: its title, the unit, the two series by period (what the
/// stream has, what the plan moves) and their names.
struct Chart {
    title: String,
    unit: String,
    has: Vec<f64>,
    moved: Vec<f64>,
    names: (&'static str, &'static str),
}

/// The section "Seasons" of the report, empty without periods.
pub(crate) fn section(p: &Plan, s: &Scenario) -> String {
    if p.periods.is_empty() || s.periods.len() != p.periods.len() {
        return String::new();
    }
    let periods = s.periods.len();
    // What goes out of each output and arrives at each input, by period.
    let mut sent: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    let mut arrived: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for l in &p.links {
        if l.by_period.len() != periods {
            continue;
        }
        let ratio = if l.flow > 0.0 {
            l.displaced / l.flow
        } else {
            0.0
        };
        let out = sent
            .entry((l.key.from_site.as_str(), l.key.from_output.as_str()))
            .or_insert_with(|| vec![0.0; periods]);
        let inn = arrived
            .entry((l.key.to_site.as_str(), l.key.to_input.as_str()))
            .or_insert_with(|| vec![0.0; periods]);
        for (t, &x) in l.by_period.iter().enumerate() {
            out[t] += x;
            inn[t] += ratio * x;
        }
    }
    let energy = |m: crate::domain::MaterialId| s.materials[m.0].kind == MaterialKind::Energy;
    let mut charts: Vec<(f64, Chart)> = Vec::new();
    for (o, output) in s.outputs.iter().enumerate() {
        let site = &s.sites[output.site.0].id;
        let Some(moved) = sent.get(&(site.as_str(), output.id.as_str())) else {
            continue;
        };
        if !energy(output.material) {
            continue;
        }
        let has = (0..periods)
            .map(|t| s.output_in(crate::domain::OutputId(o), PeriodId(t)))
            .collect();
        charts.push((
            moved.iter().sum(),
            Chart {
                title: format!("{site} · {} (output)", output.id),
                unit: s.materials[output.material.0].unit.clone(),
                has,
                moved: moved.clone(),
                names: ("supply", "sent"),
            },
        ));
    }
    for (i, input) in s.inputs.iter().enumerate() {
        let site = &s.sites[input.site.0];
        let Some(moved) = arrived.get(&(site.id.as_str(), input.id.as_str())) else {
            continue;
        };
        if !energy(input.material) || site.plant.is_some() {
            continue;
        }
        let has = (0..periods)
            .map(|t| s.input_in(crate::domain::InputId(i), PeriodId(t)))
            .collect();
        charts.push((
            moved.iter().sum(),
            Chart {
                title: format!("{} · {} (input)", site.id, input.id),
                unit: s.materials[input.material.0].unit.clone(),
                has,
                moved: moved.clone(),
                names: ("demand", "arrives"),
            },
        ));
    }
    charts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let shown = charts.len().min(MOST_STREAMS);
    let labels: Vec<&str> = p.periods.iter().map(|q| q.period.as_str()).collect();
    let mut body = String::new();
    for (_, c) in charts.iter().take(shown) {
        body.push_str(&bars(c, &labels));
    }
    for q in &p.stores {
        let chart = Chart {
            title: format!(
                "store {} at {}{}",
                q.store,
                q.site,
                if q.built { "" } else { " (not built)" }
            ),
            unit: q.unit.clone(),
            has: vec![q.capacity; periods],
            moved: q.level.clone(),
            names: ("capacity", "stock at the end"),
        };
        body.push_str(&bars(&chart, &labels));
    }
    if body.is_empty() {
        return String::new();
    }
    let more = if charts.len() > shown {
        format!(
            " The {shown} largest of {} energy streams are shown.",
            charts.len()
        )
    } else {
        String::new()
    };
    format!(
        "<section id=\"seasons\"><h2>Seasons</h2><p class=\"lead\">Each energy stream the plan uses, period by period: an output's supply against what is sent, an input's demand against what arrives; and each store's stock at the end of each period against its capacity.{more}</p><div class=\"seasons\">{body}</div></section>\n"
    )
}

/// A chart of two bars per period: what the stream has (light) and what the
/// plan moves (dark), with the figures on hover.
fn bars(c: &Chart, labels: &[&str]) -> String {
    let (width, height, top, bottom, left) = (320.0, 150.0, 10.0, 28.0, 8.0);
    let biggest = c
        .has
        .iter()
        .chain(&c.moved)
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let n = labels.len().max(1) as f64;
    let slot = (width - 2.0 * left) / n;
    let bar = slot * 0.36;
    let plot = height - top - bottom;
    let mut svg = String::new();
    for (t, label) in labels.iter().enumerate() {
        let x0 = left + slot * t as f64 + slot * 0.12;
        for (k, (v, class, name)) in [
            (c.has[t], "has", c.names.0),
            (c.moved[t], "moved", c.names.1),
        ]
        .into_iter()
        .enumerate()
        {
            let h = plot * v / biggest;
            svg.push_str(&format!(
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" data-tip=\"{}: {name} {} {}\"/>",
                px(x0 + bar * k as f64),
                px(top + plot - h),
                px(bar),
                px(h),
                escape(label),
                num(v, 0),
                escape(&c.unit)
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(x0 + bar),
            px(height - 10.0),
            escape(label)
        ));
    }
    format!(
        "<figure class=\"season\"><figcaption>{} <span class=\"id\">{} · light: {}, dark: {}</span></figcaption><svg viewBox=\"0 0 {width} {height}\" role=\"img\">{svg}</svg></figure>",
        escape(&c.title),
        escape(&c.unit),
        c.names.0,
        c.names.1
    )
}
