//! Plain-text tables for people.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::OnceLock;

use symbio::plan::{Conflict, Plan, PlanLink};
use symbio::Status;

/// Left or right alignment of a column.
#[derive(Clone, Copy)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// The width tables fit when neither `COLUMNS` nor a terminal says otherwise.
pub const DEFAULT_WIDTH: usize = 100;

/// The narrowest a text column is cut to (or its header, when wider).
const MIN_COLUMN: usize = 6;

/// The width of this run's tables: `None` when they are not cut (`--wide`).
static WIDTH: OnceLock<Option<usize>> = OnceLock::new();

/// Sets the width of this run's tables, once, before any is rendered.
pub fn set_width(width: Option<usize>) {
    let _ = WIDTH.set(width);
}

/// The width tables fit: set by [`set_width`], [`DEFAULT_WIDTH`] otherwise.
pub fn width() -> Option<usize> {
    WIDTH.get().copied().unwrap_or(Some(DEFAULT_WIDTH))
}

/// The width of the text a run writes: the `COLUMNS` variable when it holds a
/// number, else the terminal's when the result goes to a terminal's stdout,
/// else [`DEFAULT_WIDTH`].
pub fn terminal_width(to_stdout: bool) -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return c;
    }
    if to_stdout && std::io::stdout().is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return usize::from(w);
        }
    }
    DEFAULT_WIDTH
}

/// `text` cut to `width` characters, its last one an ellipsis when cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// `text` wrapped at spaces to this run's [`width`]: the first line starts
/// with `first`, the next ones with as many spaces. Every line ends in `\n`.
pub fn wrap(first: &str, text: &str) -> String {
    let indent = first.chars().count();
    let Some(limit) = width() else {
        return format!("{first}{text}\n");
    };
    let room = limit.saturating_sub(indent).max(20);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > room {
            push_line(&mut out, first, indent, &line);
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    push_line(&mut out, first, indent, &line);
    out
}

fn push_line(out: &mut String, first: &str, indent: usize, line: &str) {
    if out.is_empty() {
        out.push_str(first);
    } else {
        out.push_str(&" ".repeat(indent));
    }
    out.push_str(line);
    out.push('\n');
}

/// `n` and `word`, plural unless `n` is 1: `1 output`, `2 outputs`.
pub fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Column widths that fit `limit`: the widest text (left-aligned) columns are
/// narrowed first, none below its header or [`MIN_COLUMN`]; when that cannot
/// fit, no column is narrowed.
fn fit(header: &[(&str, Align)], mut width: Vec<usize>, limit: usize) -> Vec<usize> {
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    let floor: Vec<usize> = header
        .iter()
        .map(|(h, _)| h.chars().count().max(MIN_COLUMN))
        .collect();
    let narrowest: Vec<usize> = (0..width.len())
        .map(|k| match header[k].1 {
            Align::Left => width[k].min(floor[k]),
            Align::Right => width[k],
        })
        .collect();
    if total(&narrowest) > limit {
        // Cutting cannot make it fit: leave the names whole.
        return width;
    }
    while total(&width) > limit {
        let widest = (0..width.len())
            .filter(|&k| matches!(header[k].1, Align::Left) && width[k] > floor[k])
            .max_by_key(|&k| (width[k], std::cmp::Reverse(k)));
        match widest {
            Some(k) => width[k] -= 1,
            None => break,
        }
    }
    width
}

/// Renders rows under a header with aligned columns, fitting this run's
/// [`width`]: text cells too long for it are cut with an ellipsis.
pub fn grid(header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    grid_within(header, rows, width())
}

/// [`grid`] with each line indented by `indent` spaces, fitting this run's
/// [`width`] with the indent.
pub fn grid_indented(indent: usize, header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let pad = " ".repeat(indent);
    grid_within(header, rows, width().map(|w| w.saturating_sub(indent)))
        .lines()
        .map(|l| format!("{pad}{l}\n"))
        .collect()
}

/// [`grid`] fitting `limit` columns, or as wide as its cells when `None`.
fn grid_within(header: &[(&str, Align)], rows: &[Vec<String>], limit: Option<usize>) -> String {
    let mut width: Vec<usize> = header.iter().map(|(h, _)| h.chars().count()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate() {
            width[k] = width[k].max(c.chars().count());
        }
    }
    if let Some(limit) = limit {
        width = fit(header, width, limit);
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate() {
            let cell = cut(c, width[k]);
            let c = &cell;
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
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(header.iter().map(|(h, _)| *h).collect());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// Grouped digits (`1,234,567`): the library's, shared with the HTML report.
pub use symbio::report::num;

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
    status_of(status, gap, false)
}

/// [`status`], for a search that was `interrupted` (Ctrl-C) rather than timed out.
pub fn status_of(status: Status, gap: Option<f64>, interrupted: bool) -> String {
    match status {
        Status::TimeLimit if interrupted => format!(
            "interrupted, best plan found (gap {})",
            gap.map_or("unknown".into(), |g| format!("{:.2}%", g * 100.0))
        ),
        Status::TimeLimitNoSolution if interrupted => "interrupted before any feasible plan".into(),
        Status::Optimal => "optimal".into(),
        Status::TimeLimit => format!(
            "time limit reached, best plan found (gap {})",
            gap.map_or("unknown".into(), |g| format!("{:.2}%", g * 100.0))
        ),
        Status::TimeLimitNoSolution => "time limit reached before any feasible plan".into(),
        Status::Infeasible => "infeasible: no plan satisfies the constraints".into(),
    }
}

/// A conflict in one line ([`symbio::analysis::point::conflict_sentence`]).
pub fn conflict(c: &Conflict) -> String {
    symbio::analysis::point::conflict_sentence(c)
}

/// The table of a plan's links: one line per link when that fits the width,
/// else two, the receiver under the supplier. Links running today are marked
/// with `*` after their number.
fn links(p: &Plan) -> String {
    let money = format!("benefit {}/yr", p.currency);
    let number =
        |k: usize, l: &PlanLink| format!("{}{}", k + 1, if l.existing { '*' } else { ' ' });
    let figures = |l: &PlanLink| {
        vec![
            l.key.mode.clone(),
            num(l.distance_km, 1),
            format!("{} {}", num(l.flow, 0), l.unit),
            num(l.net_benefit, 0),
            num(l.co2_avoided, 0),
        ]
    };
    let from = |l: &PlanLink| format!("{}/{}", l.key.from_site, l.key.from_output);
    let to = |l: &PlanLink| format!("{}/{}", l.key.to_site, l.key.to_input);
    let tail = [
        ("mode", Align::Left),
        ("km", Align::Right),
        ("flow/yr", Align::Right),
        (money.as_str(), Align::Right),
        ("CO2 t/yr", Align::Right),
    ];
    let mut header = vec![
        ("# ", Align::Right),
        ("from", Align::Left),
        ("to", Align::Left),
    ];
    header.extend(tail);
    let rows: Vec<Vec<String>> = (p.links.iter().enumerate())
        .map(|(k, l)| [vec![number(k, l), from(l), to(l)], figures(l)].concat())
        .collect();
    let mut table = grid_within(&header, &rows, None);
    let limit = width();
    if limit.is_some_and(|w| table.lines().any(|l| l.chars().count() > w)) {
        let mut header = vec![("# ", Align::Right), ("from → to", Align::Left)];
        header.extend(tail);
        let mut rows = Vec::new();
        for (k, l) in p.links.iter().enumerate() {
            rows.push([vec![number(k, l), from(l)], figures(l)].concat());
            let mut under = vec![String::new(); header.len()];
            under[1] = format!("→ {}", to(l));
            rows.push(under);
        }
        table = grid_within(&header, &rows, limit);
    }
    if p.links.iter().any(|l| l.existing) {
        table.push_str("(* running today)\n");
    }
    table
}

/// Renders a plan as text.
pub fn plan(p: &Plan, interrupted: bool) -> String {
    let cur = &p.currency;
    let mut out = String::new();
    out.push_str(&format!("Scenario {} ({cur})\n", p.scenario));
    out.push_str(&format!(
        "Status   {}\n",
        status_of(p.status, p.gap, interrupted)
    ));
    if let Some(o) = p.objective {
        out.push_str(&format!("Net benefit {} {cur}/yr", num(o, 0)));
        if let Some(b) = p.best_bound {
            out.push_str(&format!(" (bound {})", num(b, 0)));
        }
        out.push('\n');
    }
    out.push_str(&wrap(
        "Network  ",
        &format!(
            "{}; left out: {} never pay, {} beyond distance limits, {} other",
            count(p.network.candidate_links, "candidate link"),
            p.network.pruned_never_pay,
            p.network.pruned_too_far,
            p.network.pruned_other
        ),
    ));
    out.push('\n');
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
        out.push_str(&links(p));
        out.push_str("\nExchanges\n");
        for (k, l) in p.links.iter().enumerate() {
            let (flow, delivered) = (num(l.flow, 0), num(l.delivered, 0));
            let delivered = if delivered == flow {
                String::new()
            } else {
                format!(" ({delivered} delivered)")
            };
            let text = format!(
                "{}: {flow} {}/yr{delivered}, {} {cur}/yr",
                l.description,
                l.unit,
                num(l.net_benefit, 0)
            );
            out.push_str(&wrap(&format!("{:>3}. ", k + 1), &text));
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
    if let Some(pt) = &t.plants {
        out.push_str(&format!(
            "  {:<w$}  {} open, {} {cur}/yr of their own (capex {} {cur})\n",
            "plants",
            pt.open,
            num(pt.net_benefit, 0),
            num(pt.capex, 0)
        ));
    }
    if let Some(st) = &t.stores {
        out.push_str(&format!(
            "  {:<w$}  {} used, {} {cur}/yr of their own (capex {} {cur})\n",
            "stores",
            st.built,
            num(st.net_benefit, 0),
            num(st.capex, 0)
        ));
    }
    if !p.plants.is_empty() {
        out.push_str(&plants(p));
    }
    if !p.periods.is_empty() {
        out.push_str(&by_period(p));
    }
    if !p.stores.is_empty() {
        out.push_str(&stores(p));
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
    out.push_str(&limits(&p.limits));
    out
}

/// The streams used in part and what stops more (nothing when none): a line
/// each, wrapped, never cut.
fn limits(limits: &[symbio::limits::StreamLimit]) -> String {
    if limits.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nUsed in part, and what stops more\n");
    for l in limits {
        let binds: Vec<String> = l.binds.iter().map(ToString::to_string).collect();
        let side = match l.side {
            symbio::limits::Side::Output => "output",
            symbio::limits::Side::Input => "input",
        };
        out.push_str(&wrap(
            "  ",
            &format!(
                "{side} {}: {} of {} {}/yr; {}",
                l.stream,
                num(l.used, 0),
                num(l.quantity, 0),
                l.unit,
                binds.join("; ")
            ),
        ));
    }
    out
}

/// The plants of a plan: open or not, size, throughput and use, what comes
/// in and goes out, and the plant's own net benefit.
fn plants(p: &Plan) -> String {
    let cur = &p.currency;
    let flows = |m: &BTreeMap<String, f64>| {
        m.iter()
            .map(|(k, v)| format!("{} {k}", num(*v, 0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows: Vec<Vec<String>> = p
        .plants
        .iter()
        .map(|q| {
            vec![
                q.plant.clone(),
                q.technology.clone(),
                if q.open {
                    q.size.clone().unwrap_or_default()
                } else {
                    "closed".into()
                },
                num(q.throughput, 0),
                q.utilisation
                    .map_or_else(String::new, |u| format!("{:.0} %", 100.0 * u)),
                flows(&q.inputs),
                flows(&q.sent),
                num(q.net_benefit, 0),
            ]
        })
        .collect();
    let mut out = format!("\nPlants ({cur}/yr)\n");
    out.push_str(&grid(
        &[
            ("plant", Align::Left),
            ("technology", Align::Left),
            ("size", Align::Left),
            ("throughput/yr", Align::Right),
            ("use", Align::Right),
            ("in", Align::Left),
            ("sent", Align::Left),
            ("own benefit", Align::Right),
        ],
        &rows,
    ));
    out
}

/// The flows of a plan with periods, a column per period: each link (by
/// its number in the table of links) with its flow in each period and, for
/// a link with a capacity, its peak use.
fn by_period(p: &Plan) -> String {
    let header: Vec<String> = p
        .periods
        .iter()
        .map(|q| format!("{} ({:.0} %)", q.period, 100.0 * q.share))
        .collect();
    let rows: Vec<Vec<String>> = p
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let mut row = vec![(k + 1).to_string(), l.unit.clone()];
            row.extend(l.by_period.iter().map(|&q| num(q, 0)));
            let peak = l
                .utilisation
                .iter()
                .copied()
                .fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))));
            row.push(peak.map_or_else(String::new, |u| format!("{:.0} %", 100.0 * u)));
            row
        })
        .collect();
    let mut columns: Vec<(&str, Align)> = vec![("#", Align::Left), ("unit", Align::Left)];
    columns.extend(header.iter().map(|h| (h.as_str(), Align::Right)));
    columns.push(("peak use", Align::Right));
    let mut out = String::from("\nFlows by period\n");
    out.push_str(&grid(&columns, &rows));
    out
}

/// The stores of a plan: used or not, the stock at the end of each period,
/// what goes in and out over the year, and the store's own net benefit.
fn stores(p: &Plan) -> String {
    let cur = &p.currency;
    let rows: Vec<Vec<String>> = p
        .stores
        .iter()
        .map(|q| {
            let levels: Vec<String> = q.level.iter().map(|&h| num(h, 0)).collect();
            vec![
                q.store.clone(),
                q.site.clone(),
                format!("{} {}", num(q.capacity, 0), q.unit),
                if q.built { "yes" } else { "no" }.into(),
                levels.join(" / "),
                num(q.charge.iter().sum(), 0),
                num(q.discharge.iter().sum(), 0),
                num(q.net_benefit, 0),
            ]
        })
        .collect();
    let mut out = format!("\nStores ({cur}/yr; stock at the end of each period)\n");
    out.push_str(&grid(
        &[
            ("store", Align::Left),
            ("site", Align::Left),
            ("capacity", Align::Right),
            ("used", Align::Left),
            ("stock", Align::Left),
            ("in/yr", Align::Right),
            ("out/yr", Align::Right),
            ("own benefit", Align::Right),
        ],
        &rows,
    ));
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
