//! The plan's exchange graph in Graphviz DOT: a node per site (its name, and
//! its id beneath), a hexagon per plant (dotted when closed), an edge per chosen link from supplier to receiver labelled
//! with the material and the flow with its unit per year. Links running today
//! are bold, new ones dashed. Every id and label is a quoted string, escaped.

use std::fmt::Write;

use crate::domain::Scenario;
use crate::plan::Plan;

/// The DOT document of `plan`, solved from `s`.
pub fn graph(plan: &Plan, s: &Scenario) -> String {
    let mut out = String::new();
    let title = format!(
        "{}: {} links, net benefit {} {}/yr\nbold: running today; dashed: new",
        plan.scenario, plan.totals.links, plan.totals.figures.net_benefit, plan.currency
    );
    // Writing to a String cannot fail.
    let _ = writeln!(out, "digraph {} {{", quoted(&plan.scenario));
    let _ = writeln!(out, "  graph [rankdir=LR, label={}];", quoted(&title));
    let _ = writeln!(out, "  node [shape=box];");
    for site in s.firm_sites() {
        let label = format!("{}\n({})", site.name, site.id);
        let _ = writeln!(out, "  {} [label={}];", quoted(&site.id), quoted(&label));
    }
    // Plants are hexagons: open ones with their technology, size and use,
    // closed ones dotted.
    for p in &plan.plants {
        let (label, style) = match (&p.size, p.utilisation) {
            (Some(size), Some(u)) => (
                format!(
                    "{}\n({})\n{} {size}, {:.0} % used",
                    p.name,
                    p.plant,
                    p.technology,
                    100.0 * u
                ),
                "solid",
            ),
            _ => (
                format!("{}\n({})\n{}, closed", p.name, p.plant, p.technology),
                "dotted",
            ),
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape=hexagon, style={style}];",
            quoted(&p.plant),
            quoted(&label)
        );
    }
    for l in &plan.links {
        let label = format!("{}\n{} {}/yr", l.material, l.flow, l.unit);
        let style = if l.existing { "bold" } else { "dashed" };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, style={style}];",
            quoted(&l.key.from_site),
            quoted(&l.key.to_site),
            quoted(&label)
        );
    }
    out.push_str("}\n");
    out
}

/// `text` as a DOT quoted string: backslashes and quotes escaped, line breaks
/// as `\n` (a centred line in a label).
fn quoted(text: &str) -> String {
    let mut q = String::with_capacity(text.len() + 2);
    q.push('"');
    for c in text.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quotes_backslashes_and_line_breaks_are_escaped() {
        assert_eq!(quoted("a"), "\"a\"");
        assert_eq!(quoted("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quoted("a\\b"), "\"a\\\\b\"");
        assert_eq!(quoted("one\ntwo"), "\"one\\ntwo\"");
    }
}
