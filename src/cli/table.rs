//! Plain-text tables for people.

use std::collections::BTreeMap;

use symbio::network::mandatory::Constraint;
use symbio::plan::{Conflict, Plan};
use symbio::Status;

/// Left or right alignment of a column.
#[derive(Clone, Copy)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// Renders rows under a header with aligned columns.
pub fn grid(header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|(h, _)| h.chars().count()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate() {
            width[k] = width[k].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate() {
            let pad = width[k] - c.chars().count();
            if k > 0 {
                s.push_str("  ");
            }
            match header[k].1 {
                Align::Left => {
                    s.push_str(c);
                    if k + 1 < cells.len() {
                        s.push_str(&" ".repeat(pad));
                    }
                }
                Align::Right => {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                }
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(header.iter().map(|(h, _)| *h).collect());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// A number with thousands separators and `decimals` decimals.
pub fn num(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_owned(), format!(".{f}")),
        None => (s.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let negative = v < 0.0
        && (grouped.chars().any(|c| c.is_ascii_digit() && c != '0')
            || frac.chars().any(|c| c.is_ascii_digit() && c != '0'));
    format!("{}{grouped}{frac}", if negative { "-" } else { "" })
}

fn by_unit(map: &BTreeMap<String, f64>, per: &str) -> String {
    if map.is_empty() {
        return "0".into();
    }
    map.iter()
        .map(|(u, v)| format!("{} {u}{per}", num(*v, 0)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The status line of a plan.
pub fn status(status: Status, gap: Option<f64>) -> String {
    match status {
        Status::Optimal => "optimal".into(),
        Status::TimeLimit => format!(
            "time limit reached, best plan found (gap {})",
            gap.map_or("unknown".into(), |g| format!("{:.2}%", g * 100.0))
        ),
        Status::TimeLimitNoSolution => "time limit reached before any feasible plan".into(),
        Status::Infeasible => "infeasible: no plan satisfies the constraints".into(),
    }
}

/// A figure of a conflict: whole numbers and figures of 100 or more without
/// decimals, smaller ones with three significant digits (two decimals at least).
fn figure(v: f64) -> String {
    if v.fract() == 0.0 || v.abs() >= 100.0 {
        num(v, 0)
    } else {
        let decimals = (2.0 - v.abs().log10().floor()).clamp(2.0, 9.0) as usize;
        num(v, decimals)
    }
}

/// A conflict in one line: the constraint, its limit, what the recorded flows
/// need and by how much they exceed it.
pub fn conflict(c: &Conflict) -> String {
    let none = String::new;
    let what = match c.constraint {
        Constraint::Supply => format!("supply of {}", c.output.clone().unwrap_or_else(none)),
        Constraint::Demand => format!("demand of {}", c.input.clone().unwrap_or_else(none)),
        Constraint::Share => format!(
            "share of rule {} in {}",
            c.rule.clone().unwrap_or_else(none),
            c.input.clone().unwrap_or_else(none)
        ),
        Constraint::Capacity => format!(
            "capacity of {}",
            c.links.first().map_or_else(none, ToString::to_string)
        ),
    };
    let u = &c.unit;
    format!(
        "{what}: limit {} {u}/yr, recorded flows need {} {u}/yr, exceeded by {} {u}/yr",
        figure(c.limit),
        figure(c.required),
        figure(c.excess)
    )
}

/// Renders a plan as text.
pub fn plan(p: &Plan) -> String {
    let cur = &p.currency;
    let mut out = String::new();
    out.push_str(&format!("Scenario {} ({cur})\n", p.scenario));
    out.push_str(&format!("Status   {}\n", status(p.status, p.gap)));
    if let Some(o) = p.objective {
        out.push_str(&format!("Net benefit {} {cur}/yr", num(o, 0)));
        if let Some(b) = p.best_bound {
            out.push_str(&format!(" (bound {})", num(b, 0)));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Network  {} candidate links; left out: {} never pay, {} beyond distance limits, {} other\n\n",
        p.network.candidate_links,
        p.network.pruned_never_pay,
        p.network.pruned_too_far,
        p.network.pruned_other
    ));
    if !p.status.has_plan() {
        if !p.infeasibility.is_empty() {
            out.push_str("Conflicting constraints (the recorded flows of existing links)\n");
            for c in &p.infeasibility {
                out.push_str(&format!("  {}\n", conflict(c)));
                let links: Vec<String> = c.links.iter().map(ToString::to_string).collect();
                out.push_str(&format!("    {}\n", links.join(", ")));
            }
        }
        return out;
    }
    if p.links.is_empty() {
        out.push_str("No exchange pays in this scenario.\n");
    } else {
        let money = format!("net benefit {cur}/yr");
        let header = [
            ("from", Align::Left),
            ("to", Align::Left),
            ("mode", Align::Left),
            ("km", Align::Right),
            ("flow/yr", Align::Right),
            ("delivered/yr", Align::Right),
            (money.as_str(), Align::Right),
            ("CO2 avoided t/yr", Align::Right),
            ("today", Align::Left),
        ];
        let rows: Vec<Vec<String>> = p
            .links
            .iter()
            .map(|l| {
                vec![
                    format!("{}/{}", l.key.from_site, l.key.from_output),
                    format!("{}/{}", l.key.to_site, l.key.to_input),
                    l.key.mode.clone(),
                    num(l.distance_km, 1),
                    format!("{} {}", num(l.flow, 0), l.unit),
                    format!("{} {}", num(l.delivered, 0), l.unit),
                    num(l.net_benefit, 0),
                    num(l.co2_avoided, 0),
                    if l.existing { "existing" } else { "new" }.into(),
                ]
            })
            .collect();
        out.push_str(&grid(&header, &rows));
        out.push_str("\nExchanges\n");
        for (k, l) in p.links.iter().enumerate() {
            out.push_str(&format!(
                "{:>3}. {}: {} {}/yr, {} {cur}/yr\n",
                k + 1,
                l.description,
                num(l.flow, 0),
                l.unit,
                num(l.net_benefit, 0)
            ));
        }
    }
    let t = &p.totals;
    let f = &t.figures;
    out.push_str("\nTotals\n");
    let kv = [
        ("net benefit", format!("{} {cur}/yr", num(f.net_benefit, 0))),
        (
            "  of which carbon value",
            format!("{} {cur}/yr", num(f.carbon_value, 0)),
        ),
        ("CO2 avoided", format!("{} t/yr", num(f.co2_avoided, 0))),
        ("waste diverted", by_unit(&t.waste_diverted, "/yr")),
        (
            "virgin resource displaced",
            by_unit(&t.virgin_displaced, "/yr"),
        ),
        (
            "transport energy",
            format!("{} GJ/yr", num(f.transport_energy_gj, 0)),
        ),
        ("heat lost in transport", by_unit(&t.heat_lost, "/yr")),
        (
            "capex of new links",
            format!(
                "{} {cur} ({} {cur}/yr annualised)",
                num(f.capex, 0),
                num(f.capex_per_year, 0)
            ),
        ),
        (
            "links",
            format!("{} ({} existing today)", t.links, t.existing_links),
        ),
    ];
    let w = kv.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in kv {
        out.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    let sites: Vec<Vec<String>> = p
        .sites
        .iter()
        .filter(|s| s.benefit != 0.0 || s.co2_avoided != 0.0)
        .map(|s| {
            vec![
                s.site.clone(),
                s.name.clone(),
                num(s.as_supplier, 0),
                num(s.as_receiver, 0),
                num(s.benefit, 0),
                num(s.co2_avoided, 0),
            ]
        })
        .collect();
    if !sites.is_empty() {
        out.push_str(&format!("\nBenefit by site ({cur}/yr)\n"));
        out.push_str(&grid(
            &[
                ("site", Align::Left),
                ("name", Align::Left),
                ("as supplier", Align::Right),
                ("as receiver", Align::Right),
                ("total", Align::Right),
                ("CO2 t/yr", Align::Right),
            ],
            &sites,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(num(1234567.891, 0), "1,234,568");
        assert_eq!(num(-1234.5, 1), "-1,234.5");
        assert_eq!(num(-0.01, 0), "0");
        assert_eq!(num(999.0, 0), "999");
    }
}
