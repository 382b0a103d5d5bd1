//! The plants of a plan in the HTML report: one row per plant with whether it
//! opens and at which size, its throughput and use, what arrives and what it
//! sends on, its own costs and net benefit.

use std::collections::BTreeMap;

use super::num;
use super::svg::escape;
use crate::plan::Plan;

/// The section "Plants" of the report, empty without plants.
pub(crate) fn section(p: &Plan) -> String {
    if p.plants.is_empty() {
        return String::new();
    }
    let cur = escape(&p.currency);
    let streams = |m: &BTreeMap<String, f64>| {
        let parts: Vec<String> = m
            .iter()
            .filter(|(_, v)| **v > 0.0)
            .map(|(k, v)| format!("{} {}", num(*v, 0), escape(k)))
            .collect();
        if parts.is_empty() {
            "–".to_owned()
        } else {
            parts.join(", ")
        }
    };
    let mut rows = String::new();
    for q in &p.plants {
        let (size, used) = match (&q.size, q.utilisation) {
            (Some(size), Some(u)) => (
                format!("{} ({} /yr)", escape(size), num(q.capacity, 0)),
                format!("{:.0} %", 100.0 * u),
            ),
            _ => ("closed".to_owned(), "–".to_owned()),
        };
        let own_costs = q.operating_cost + q.energy_cost + q.fixed_cost + q.capex_per_year;
        rows.push_str(&format!(
            "<tr class=\"plant{}\"><td>{}<br><span class=\"id\">{} · {}</span></td><td>{}</td><td>{size}</td><td class=\"n\">{}</td><td class=\"n\">{used}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if q.open { "" } else { " closed" },
            escape(&q.name),
            escape(&q.plant),
            escape(&q.operator),
            escape(&q.technology),
            num(q.throughput, 0),
            streams(&q.inputs),
            streams(&q.sent),
            num(own_costs, 0),
            if q.capex > 0.0 { num(q.capex, 0) } else { "–".into() },
            num(q.net_benefit, 0),
        ));
    }
    let open = p.plants.iter().filter(|q| q.open).count();
    format!(
        "<section id=\"plants\"><h2>Plants</h2><p class=\"lead\">{open} of {} candidate plants open. A plant's own net benefit is its costs and the carbon of its emissions; what it takes in and sends on is counted on the exchanges. Operator after the id.</p><table><thead><tr><th>plant</th><th>technology</th><th>size</th><th class=\"n\">throughput/yr</th><th class=\"n\">use</th><th>in</th><th>sent on</th><th class=\"n\">operating and fixed {cur}/yr</th><th class=\"n\">capex {cur}</th><th class=\"n\">own net benefit {cur}/yr</th></tr></thead><tbody>{rows}</tbody></table></section>\n",
        p.plants.len()
    )
}
