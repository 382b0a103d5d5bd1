//! The report as one self-contained HTML page (`symbio report`): inline CSS,
//! inline SVG and a few lines of inline script, nothing fetched, so that it
//! opens offline. For a plan: the totals, a map of the sites and chosen
//! exchanges, the exchanges table, each firm's benefit and the flows of every
//! material; with a [`Comparison`], today's network against the optimum and
//! each firm's gain (and Shapley value); with sweep rows, net benefit and CO2
//! against the swept parameter; with a Pareto [`Front`], the trade-off.
//!
//! Elements tests and tools can find: every map link is a `path.link` with
//! `data-link` (its [`LinkKey`] text); every total is an element
//! `#total-…` whose `data-value` is the plan JSON's figure; every exchange row
//! is a `tr.exchange` with `data-link`.

use std::collections::BTreeMap;

use super::map::{self, colour, MapLink};
use super::svg::{escape, BarRow, Bars, Chart, Segment, Series};
use super::{num, Error};
use crate::analysis::batch;
use crate::analysis::compare::{Comparison, Metrics, VariantReport};
use crate::analysis::pareto::Front;
use crate::analysis::sweep::Row;
use crate::domain::{Material, MaterialKind, Scenario};
use crate::link_key::LinkKey;
use crate::model::Status;
use crate::plan::{Plan, PlanLink};

/// What a report shows: any of a plan (with the scenario it was solved from),
/// a comparison (of the same scenario), sweep rows and a Pareto front.
#[derive(Debug, Clone, Copy, Default)]
pub struct Contents<'a> {
    /// The plan and its scenario.
    pub plan: Option<(&'a Plan, &'a Scenario)>,
    /// The scenario's file as the user named it, for the assumptions.
    pub source: Option<&'a str>,
    /// Today's network against the optimum (of the plan's scenario).
    pub comparison: Option<&'a Comparison>,
    /// The rows of a sweep (`symbio sweep`).
    pub sweep: Option<&'a [Row]>,
    /// A Pareto front (`symbio pareto`).
    pub front: Option<&'a Front>,
}

/// Width of the page's content, pixels (the SVGs' coordinates).
const WIDTH: f64 = 1072.0;

/// The colour of the optimum beside the baseline's, and of Shapley values.
const TODAY: &str = "#8a96a3";
const OPTIMUM: &str = "#1f6fb4";
const SHAPLEY: &str = "#2a9d47";
const GAIN: &str = "#2a9d47";
const LOSS: &str = "#c8283c";

/// The HTML page of `c`.
///
/// ```
/// let s = symbio::scenario::read(std::path::Path::new("tests/data/hand.toml")).unwrap();
/// let plan = symbio::solve(&s, &symbio::SolveOptions::default()).unwrap();
/// let contents = symbio::report::html::Contents { plan: Some((&plan, &s)), ..Default::default() };
/// let page = symbio::report::html::page(&contents);
/// assert!(page.starts_with("<!DOCTYPE html>") && page.contains("id=\"total-net-benefit\""));
/// ```
pub fn page(c: &Contents) -> String {
    let title = c
        .plan
        .map(|(p, _)| p.scenario.clone())
        .or_else(|| c.comparison.map(|x| x.scenario.clone()))
        .or_else(|| c.front.map(|f| f.scenario.clone()))
        .unwrap_or_else(|| "Sweep".to_owned());
    let currency = c
        .plan
        .map(|(p, _)| p.currency.clone())
        .or_else(|| c.comparison.map(|x| x.currency.clone()))
        .or_else(|| c.front.map(|f| f.currency.clone()));
    let palette = c.plan.map(|(p, s)| Palette::of(s, p, c.comparison));
    let mut body = String::new();
    if let (Some((plan, s)), Some(palette)) = (c.plan, &palette) {
        body.push_str(&headline(plan, s, c.comparison));
        body.push_str(&assumptions(plan, s, c.source));
        body.push_str(&totals(plan));
        body.push_str(&map_section(plan, s, palette));
        body.push_str(&exchanges(plan, s));
        body.push_str(&super::plants::section(plan));
        body.push_str(&super::seasons::section(plan, s));
        body.push_str(&limits(plan));
        body.push_str(&firms(plan, c.comparison));
        body.push_str(&flows(plan, s, palette));
    }
    if let Some(cmp) = c.comparison {
        body.push_str(&comparison(cmp, c.plan.map(|(_, s)| s), palette.as_ref()));
    }
    if let Some(rows) = c.sweep {
        body.push_str(&sweep(rows, currency.as_deref()));
    }
    if let Some(front) = c.front {
        body.push_str(&pareto(front));
    }
    let subtitle = match c.plan {
        Some((p, s)) => [
            first_sentence(&s.description),
            status_text(p.status, p.gap),
            format!("money in {}", p.currency),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · "),
        None => "Results of symbio".to_owned(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t} · symbio report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><div class=\"inner\"><p class=\"kicker\">Industrial symbiosis · symbio report</p>\
         <h1>{t}</h1><p class=\"subtitle\">{sub}</p></div></header>\n<main>\n{body}</main>\n\
         <footer>Made by symbio {v}. Figures per year unless marked; hover a link, place or bar for its figures.</footer>\n\
         <div id=\"tip\" hidden></div>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        t = escape(&title),
        sub = escape(&subtitle),
        v = env!("CARGO_PKG_VERSION"),
    )
}

/// The first sentence of a description (at most 240 characters, cut at a
/// word), for the page's header.
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text.find(". ").map_or(text.len(), |k| k + 1);
    let sentence = &text[..end];
    if sentence.chars().count() <= 240 {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(240).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

/// `n` with the singular or plural noun: "1 exchange", "3 exchanges".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A payback cell's text: years, "–" for a link with nothing to pay back,
/// "never" for one whose yearly benefit does not pay its capex.
fn payback(l: &PlanLink) -> String {
    match l.payback_years {
        _ if l.capex <= 0.0 => "–".into(),
        Some(y) if y.is_finite() => format!("{} yr", num(y, 1)),
        _ => "never".into(),
    }
}

/// The sentence a decision maker reads first: what the plan achieves, and
/// against today's network when the report compares them.
fn headline(p: &Plan, s: &Scenario, c: Option<&Comparison>) -> String {
    let cur = &p.currency;
    let f = &p.totals.figures;
    let mut text = match p.status {
        Status::Optimal | Status::TimeLimit => {
            let plan = if p.status == Status::Optimal {
                "The optimal plan".to_owned()
            } else {
                format!(
                    "The best plan found within the time limit ({})",
                    p.gap.map_or("gap unknown".into(), |g| format!("gap {} %", num(g * 100.0, 2)))
                )
            };
            let new = p.totals.links.saturating_sub(p.totals.existing_links);
            let links = match (p.totals.links, p.totals.existing_links) {
                (0, _) => "builds no exchange".to_owned(),
                (n, 0) => format!("builds {}", count(n, "new exchange", "new exchanges")),
                (n, e) => format!(
                    "runs {} ({} running today, {} new)",
                    count(n, "exchange", "exchanges"),
                    e,
                    new
                ),
            };
            let carbon = if f.carbon_value != 0.0 {
                format!(
                    ", of which {} is the value of the CO2 avoided at {} {cur}/t",
                    money(f.carbon_value, cur),
                    plain(s.parameters.carbon_price)
                )
            } else {
                String::new()
            };
            let capex = if f.capex > 0.0 {
                format!(
                    " The new links cost {} to build ({} a year over their lifetimes).",
                    money(f.capex, cur),
                    money(f.capex_per_year, cur)
                )
            } else {
                String::new()
            };
            format!(
                "{plan} {links}, worth <b>{}</b> a year to the district{carbon}, and avoids <b>{} t CO2e</b> a year.{capex}",
                money(f.net_benefit, cur),
                num(f.co2_avoided, 0)
            )
        }
        Status::TimeLimitNoSolution => {
            "No plan was found within the time limit: give the solve more time.".to_owned()
        }
        Status::Infeasible => {
            "No plan meets every constraint: the recorded flows of existing links do not fit (see below).".to_owned()
        }
    };
    if let Some(c) = c {
        if let (Some(today), Some(best)) = (
            c.baseline.net_benefit,
            c.variants.first().and_then(|v| v.net_benefit),
        ) {
            text.push_str(&format!(
                " Today's network is worth {} a year; the optimum adds {}.",
                money(today, cur),
                money(best - today, cur)
            ));
        }
    }
    format!("<section id=\"headline\"><p class=\"headline\">{text}</p></section>\n")
}

/// What the figures rest on: the scenario and its file, the prices that value
/// carbon and energy, the discount rate, and how the solve ended.
fn assumptions(p: &Plan, s: &Scenario, source: Option<&str>) -> String {
    let cur = escape(&p.currency);
    let prm = &s.parameters;
    let mut rows = vec![("Scenario", escape(&s.name))];
    if let Some(file) = source {
        rows.push(("File", format!("<code>{}</code>", escape(file))));
    }
    rows.push(("Currency", cur.clone()));
    rows.push((
        "Carbon price",
        format!(
            "<span id=\"assumption-carbon-price\" data-value=\"{}\">{}</span> {cur}/t CO2e",
            prm.carbon_price,
            plain(prm.carbon_price)
        ),
    ));
    rows.push((
        "Energy price",
        format!(
            "<span id=\"assumption-energy-price\" data-value=\"{}\">{}</span> {cur}/GJ",
            prm.energy_price,
            plain(prm.energy_price)
        ),
    ));
    rows.push((
        "Discount rate",
        format!(
            "<span id=\"assumption-discount-rate\" data-value=\"{}\">{}</span> % a year (capex annualised over each link's lifetime)",
            prm.discount_rate,
            plain(prm.discount_rate * 100.0)
        ),
    ));
    rows.push(("Solve", escape(&status_text(p.status, p.gap))));
    let body: String = rows
        .into_iter()
        .map(|(k, v)| format!("<tr><th>{k}</th><td>{v}</td></tr>"))
        .collect();
    format!(
        "<section id=\"assumptions\"><h2>Assumptions</h2><p class=\"lead\">What every figure of this report rests on; change them in the scenario file and solve again.</p><table class=\"facts\"><tbody>{body}</tbody></table></section>\n"
    )
}

/// A price or rate as written: grouped, at most two decimals, no trailing zeros.
fn plain(v: f64) -> String {
    let text = num(v, 2);
    match text.strip_suffix(".00") {
        Some(whole) => whole.to_owned(),
        None => text.strip_suffix('0').map_or(text.clone(), str::to_owned),
    }
}

/// Money in words for sentences: "861.7 M CNY", "12.3 k EUR", "1.2 bn CNY".
fn money(v: f64, currency: &str) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (v / 1e9, " bn")
    } else if a >= 1e6 {
        (v / 1e6, " M")
    } else if a >= 1e3 {
        (v / 1e3, " k")
    } else {
        (v, "")
    };
    let decimals = if suffix.is_empty() { 0 } else { 1 };
    format!("{}{suffix} {}", num(scaled, decimals), escape(currency))
}

/// The style sheet: system fonts only.
const STYLE: &str = "\
:root{--ink:#1d2733;--muted:#5b6675;--line:#dde2e8;--bg:#f3f5f8;--card:#fff}\
*{box-sizing:border-box}\
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\
header{background:#15324e;color:#fff}\
header .inner,main,footer{max-width:1200px;margin:0 auto;padding-left:40px;padding-right:40px}\
header .inner{padding-top:22px;padding-bottom:22px}\
.kicker{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;opacity:.75}\
h1{margin:4px 0 6px;font-size:28px;font-weight:650}\
.subtitle{margin:0;opacity:.85;max-width:900px}\
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 24px 20px;margin:18px 0}\
h2{font-size:19px;margin:0 0 4px}\
h3{font-size:15px;margin:16px 0 6px}\
.lead{margin:0 0 12px;color:var(--muted)}\
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}\
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fafbfc}\
.card .value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}\
.card .unit{font-size:13px;color:var(--muted);font-weight:400}\
.card .label{color:var(--muted);font-size:13px}\
.card .more{font-size:12.5px;color:var(--muted)}\
.card.main{background:#eef5fc;border-color:#b9d3ee}\
table{border-collapse:collapse;width:100%;font-size:13px}\
th{font-weight:600;color:var(--muted);border-bottom:2px solid var(--line)}\
th,td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
td .id{color:var(--muted);font-size:11.5px}\
.pos{color:#1a7f4b}.neg{color:#b42318}\
.tag{display:inline-block;padding:0 6px;border-radius:9px;font-size:11.5px;border:1px solid var(--line)}\
.tag.existing{background:#eef1f4}.tag.new{background:#e6f4ea;border-color:#a9d8b6}\
.map-wrap{display:grid;grid-template-columns:1fr 290px;gap:18px;align-items:start}\
svg{display:block;max-width:100%;height:auto}\
svg text{font-family:inherit}\
.map-bg{fill:#f7f9fb;stroke:var(--line)}\
.link{fill:none;stroke-linecap:round;opacity:.88}.link:hover{opacity:1;stroke:#111}\
.place circle{fill:#15324e;stroke:#fff;stroke-width:2}.place.idle circle{fill:#b5bec8}\
.place rect.plant{fill:#8a4b08;stroke:#fff;stroke-width:2}.place.idle rect.plant{fill:#d9c2a6}\
.place circle.plant-ring{fill:none;stroke:#8a4b08;stroke-width:2}\
.place-number{fill:#fff;font-size:10px;font-weight:700}\
.place-label{font-size:12px;fill:var(--ink);paint-order:stroke;stroke:#f7f9fb;stroke-width:4px;stroke-linejoin:round}\
.scale-bar text{font-size:12px;fill:var(--ink)}.scale-bar .note{fill:var(--muted);font-size:11px}\
.legend{font-size:13px}.legend h3:first-child{margin-top:0}\
.legend ul{list-style:none;margin:0;padding:0}.legend li{margin:3px 0;display:flex;gap:8px;align-items:baseline}\
.swatch{display:inline-block;width:26px;height:0;border-top:5px solid;flex:none;transform:translateY(-3px)}\
.swatch.dashed{border-top-style:dashed;border-top-width:3px;border-color:#5b6675}\
.swatch.solid{border-top-width:3px;border-color:#5b6675}\
.num{display:inline-block;min-width:20px;height:20px;border-radius:10px;background:#15324e;color:#fff;font-size:11px;font-weight:700;text-align:center;line-height:20px;flex:none}\
.keys li{font-size:12px;color:var(--muted)}\
.tick{font-size:11px;fill:var(--muted)}.axis-label{font-size:12.5px;fill:var(--ink)}\
.grid{stroke:#e8ebef}.zero{stroke:#8a96a3;stroke-width:1}\
.bar-label,.bar-value{font-size:12px;fill:var(--ink)}\
.seasons{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}\
.season{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px}\
.season figcaption{font-size:13px;margin-bottom:4px}.season rect.has{fill:#c9d6e3}.season rect.moved{fill:#15324e}\
.season text{font-size:11px;fill:var(--muted)}\
.segment{stroke:#fff;stroke-width:1.5}.segment-label{font-size:11.5px;fill:#fff;font-weight:600}\
.flow{margin:10px 0 14px}.flow .what{font-size:13.5px;margin-bottom:4px}\
.flow .what b{font-weight:600}.flow .what span{color:var(--muted)}\
.side{display:grid;grid-template-columns:1fr 1fr;gap:18px}\
.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}\
.note{color:var(--muted);font-size:12.5px}\
.headline{margin:0;font-size:17px;line-height:1.5}\
table.facts th{width:180px;border-bottom:1px solid var(--line);color:var(--ink)}\
footer{color:var(--muted);font-size:12.5px;padding-top:4px;padding-bottom:30px}\
#tip{position:absolute;z-index:10;max-width:360px;background:#15324e;color:#fff;padding:7px 10px;border-radius:6px;font-size:12.5px;white-space:pre-line;pointer-events:none;box-shadow:0 2px 8px rgba(0,0,0,.25)}\
@media print{#tip{display:none}section{break-inside:avoid}}";

/// The hover box: every element with a `data-tip` shows it by the pointer.
/// When it has run, `<html>` carries `data-tips` (how many elements have one).
const SCRIPT: &str = "\
(function(){var tip=document.getElementById('tip');\
var els=document.querySelectorAll('[data-tip]');\
els.forEach(function(el){\
el.addEventListener('mousemove',function(e){tip.textContent=el.getAttribute('data-tip');\
tip.style.left=(e.pageX+14)+'px';tip.style.top=(e.pageY+14)+'px';tip.hidden=false;});\
el.addEventListener('mouseleave',function(){tip.hidden=true;});});\
document.documentElement.setAttribute('data-tips',String(els.length));})();";

/// Each material's colour, the same from report to report: a material takes
/// the palette entry of its place in the scenario's materials (the catalog's
/// order, which scenarios that include one catalog share), or when another
/// material of the report holds that entry, the next free one; so no two
/// materials of a report share a colour (up to ten), and a material keeps its
/// colour across the reports of one catalog unless two of a report fall on
/// one entry.
#[derive(Debug, Clone, Default)]
struct Palette {
    index: BTreeMap<String, usize>,
}

impl Palette {
    fn of(s: &Scenario, p: &Plan, c: Option<&Comparison>) -> Palette {
        let mut used: Vec<String> = p.links.iter().map(|l| l.material.clone()).collect();
        if let Some(c) = c {
            let keys = c.baseline.links.iter().map(|l| &l.link).chain(
                c.variants
                    .iter()
                    .flat_map(|v| diff_links(v).map(|d| &d.link)),
            );
            used.extend(keys.filter_map(|k| material_of(s, k)).map(|m| m.id.clone()));
        }
        let size = map::PALETTE.len();
        let mut taken = vec![false; size];
        let mut index = BTreeMap::new();
        for (place, m) in s.materials.iter().enumerate() {
            if !used.contains(&m.id) {
                continue;
            }
            let home = place % size;
            let k = (0..size)
                .map(|step| (home + step) % size)
                .find(|&k| !taken[k])
                .unwrap_or(home);
            taken[k] = true;
            index.insert(m.id.clone(), k);
        }
        Palette { index }
    }

    fn get(&self, material: &str) -> usize {
        self.index.get(material).copied().unwrap_or(0)
    }
}

/// Every link of an optimum's diff.
fn diff_links(v: &VariantReport) -> impl Iterator<Item = &crate::analysis::compare::LinkDiff> + '_ {
    v.added.iter().chain(&v.kept).chain(&v.dropped).chain(
        v.rerouted
            .iter()
            .flat_map(|r| r.before.iter().chain(&r.after)),
    )
}

/// The material a link sends (its output's).
fn material_of<'a>(s: &'a Scenario, k: &LinkKey) -> Option<&'a Material> {
    let site = s.sites.iter().find(|x| x.id == k.from_site)?;
    let o = site
        .outputs
        .iter()
        .map(|o| &s.outputs[o.0])
        .find(|o| o.id == k.from_output)?;
    s.materials.get(o.material.0)
}

/// The name of a site by id (the id when unknown).
fn site_name<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.sites
        .iter()
        .find(|x| x.id == id)
        .map_or(id, |x| x.name.as_str())
}

/// A status in words, with the gap when the search stopped early.
fn status_text(status: Status, gap: Option<f64>) -> String {
    let word = match status {
        Status::Optimal => "optimal plan",
        Status::TimeLimit => "best plan at the time limit",
        Status::TimeLimitNoSolution => "no plan found within the time limit",
        Status::Infeasible => "no feasible plan",
    };
    match gap {
        Some(g) if status == Status::TimeLimit => format!("{word} (gap {} %)", num(g * 100.0, 2)),
        _ => word.to_owned(),
    }
}

/// A table cell of a money or quantity figure, coloured by its sign, the exact
/// figure in `data-value`.
fn signed_cell(v: f64) -> String {
    let class = if v < 0.0 {
        "n neg"
    } else if v > 0.0 {
        "n pos"
    } else {
        "n"
    };
    format!(
        "<td class=\"{class}\" data-value=\"{v}\">{}</td>",
        num(v, 0)
    )
}

/// A figure card: its element carries `id` and the exact figure in `data-value`.
fn card(id: &str, label: &str, value: f64, unit: &str, more: &str, main: bool) -> String {
    format!(
        "<div class=\"card{}\"><div class=\"label\">{}</div><div class=\"value\" id=\"{id}\" data-value=\"{value}\">{} <span class=\"unit\">{}</span></div><div class=\"more\">{}</div></div>",
        if main { " main" } else { "" },
        escape(label),
        num(value, 0),
        escape(unit),
        more
    )
}

/// The totals of the plan as cards.
fn totals(p: &Plan) -> String {
    let t = &p.totals;
    let f = &t.figures;
    let cur = &p.currency;
    let per_year = format!("{cur}/yr");
    let units = |class: &str, m: &BTreeMap<String, f64>| -> String {
        let parts: Vec<String> = m
            .iter()
            .map(|(u, v)| {
                format!(
                    "<span class=\"{class}\" data-unit=\"{}\" data-value=\"{v}\">{} {}</span>",
                    escape(u),
                    num(*v, 0),
                    escape(u)
                )
            })
            .collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(" · ")
        }
    };
    let cards = [
        card(
            "total-net-benefit",
            "Net benefit of the district",
            f.net_benefit,
            &per_year,
            &format!(
                "of which carbon value <span id=\"total-carbon-value\" data-value=\"{}\">{}</span> {}",
                f.carbon_value,
                num(f.carbon_value, 0),
                escape(&per_year)
            ),
            true,
        ),
        card(
            "total-co2-avoided",
            "CO2 avoided",
            f.co2_avoided,
            "t CO2e/yr",
            "disposal, virgin production and transport",
            true,
        ),
        card(
            "total-links",
            "Exchanges in the plan",
            t.links as f64,
            "",
            &format!(
                "<span id=\"total-existing-links\" data-value=\"{}\">{}</span> running today, {} new",
                t.existing_links,
                t.existing_links,
                t.links.saturating_sub(t.existing_links)
            ),
            false,
        ),
        card(
            "total-capex",
            "Investment in new links",
            f.capex,
            cur,
            &format!(
                "<span id=\"total-capex-per-year\" data-value=\"{}\">{}</span> {} annualised",
                f.capex_per_year,
                num(f.capex_per_year, 0),
                escape(&per_year)
            ),
            false,
        ),
    ];
    let quantities = format!(
        "<p class=\"note\">Waste and by-products diverted from disposal: {}. Virgin resources displaced: {}. Transport energy: <span id=\"total-transport-energy-gj\" data-value=\"{}\">{}</span> GJ/yr; lost in transport: {}. Avoided purchases {} and disposal {} {}; processing {}, transport {} and fixed costs {} {}.</p>",
        units("total-waste-diverted", &t.waste_diverted),
        units("total-virgin-displaced", &t.virgin_displaced),
        f.transport_energy_gj,
        num(f.transport_energy_gj, 0),
        units("total-heat-lost", &t.heat_lost),
        num(f.avoided_purchase_cost, 0),
        num(f.avoided_disposal_cost, 0),
        escape(&per_year),
        num(f.processing_cost, 0),
        num(f.transport_cost + f.transport_energy_cost, 0),
        num(f.fixed_cost, 0),
        escape(&per_year),
    );
    format!(
        "<section id=\"totals\"><h2>The plan in figures</h2><p class=\"lead\">{}, chosen from {} candidate links.</p>{}<div class=\"cards\">{}</div>{quantities}</section>\n",
        escape(&status_text(p.status, p.gap)),
        p.network.candidate_links,
        conflicts(p),
        cards.join("")
    )
}

/// Why there is no plan: the constraints the recorded flows of existing links
/// exceed on their own (nothing when there are none).
fn conflicts(p: &Plan) -> String {
    if p.infeasibility.is_empty() {
        return String::new();
    }
    let items: String = p
        .infeasibility
        .iter()
        .map(|c| {
            let subject = [&c.output, &c.input, &c.rule]
                .iter()
                .filter_map(|x| x.as_deref())
                .collect::<Vec<_>>()
                .join(", rule ");
            let links = c.links.iter().map(|k| k.to_string()).collect::<Vec<_>>();
            format!(
                "<li class=\"conflict\">{} of {}: limit {} {u}/yr, the recorded flows need {} {u}/yr, {} {u}/yr too much (links {})</li>",
                c.constraint.name(),
                escape(if subject.is_empty() { "a link" } else { &subject }),
                num(c.limit, 0),
                num(c.required, 0),
                num(c.excess, 0),
                escape(&links.join(", ")),
                u = escape(&c.unit)
            )
        })
        .collect();
    format!("<h3>Why there is no plan</h3><ul>{items}</ul>")
}

/// The tooltip of a plan link.
fn link_tip(l: &PlanLink, s: &Scenario, cur: &str) -> String {
    let material = material_of(s, &l.key).map_or(l.material.as_str(), |m| m.name.as_str());
    let state = if l.existing {
        "running today".to_owned()
    } else if l.capex > 0.0 {
        format!("new; capex {} {cur}", num(l.capex, 0))
    } else {
        "new".to_owned()
    };
    format!(
        "{} → {}\n{material}: {} {}/yr by {}, {} km\nnet benefit {} {cur}/yr; CO2 avoided {} t/yr\n{state}",
        site_name(s, &l.key.from_site),
        site_name(s, &l.key.to_site),
        num(l.flow, 0),
        l.unit,
        l.key.mode,
        num(l.distance_km, 1),
        num(l.net_benefit, 0),
        num(l.co2_avoided, 0),
    )
}

/// The map of the plan beside its legend.
fn map_section(p: &Plan, s: &Scenario, palette: &Palette) -> String {
    let links: Vec<MapLink> = p
        .links
        .iter()
        .map(|l| MapLink {
            key: l.key.clone(),
            colour: palette.get(&l.material),
            flow: l.flow,
            unit: l.unit.clone(),
            existing: l.existing,
            tip: link_tip(l, s, &p.currency),
        })
        .collect();
    let Some(map::Drawn { svg, places }) = map::map(s, &links, "map", 760.0, 600.0) else {
        return "<section id=\"map-section\"><h2>Map</h2><p class=\"lead\">No site of the scenario has a location: the exchanges are in the table below.</p></section>\n".into();
    };
    let unmapped = links
        .iter()
        .filter(|l| {
            let located = |id: &str| s.sites.iter().any(|x| x.id == id && x.location.is_some());
            !(located(&l.key.from_site) && located(&l.key.to_site))
        })
        .count();
    let mut legend = String::from("<div class=\"legend\"><h3>Materials</h3><ul>");
    // The materials of the plan's links, in the scenario's order, by their
    // full names.
    for m in &s.materials {
        if !p.links.iter().any(|l| l.material == m.id) {
            continue;
        }
        legend.push_str(&format!(
            "<li><span class=\"swatch\" style=\"border-color:{}\"></span><span>{} <span class=\"id\">({})</span></span></li>",
            colour(palette.get(&m.id)),
            escape(&m.name),
            escape(&m.unit)
        ));
    }
    legend.push_str("</ul><h3>Exchanges</h3><ul><li><span class=\"swatch solid\"></span>running today</li><li><span class=\"swatch dashed\"></span>new in the plan</li><li class=\"note\">Width: flow per year, against the largest flow of the same unit. Arrows point from supplier to receiver.</li></ul><h3>Places</h3><ul class=\"keys\">");
    for (n, names) in places {
        legend.push_str(&format!(
            "<li><span class=\"num\">{n}</span><span>{}</span></li>",
            escape(
                &names
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        ));
    }
    legend.push_str("</ul></div>");
    let note = if unmapped > 0 {
        format!(
            "<p class=\"note\">{} a site without a location and {} not drawn; {} in the table.</p>",
            count(unmapped, "exchange touches", "exchanges touch"),
            if unmapped == 1 { "is" } else { "are" },
            if unmapped == 1 { "it is" } else { "they are" }
        )
    } else {
        String::new()
    };
    let plants = if s.plants.is_empty() {
        ""
    } else {
        " Plants are diamonds, and a site with a plant at it is ringed."
    };
    format!(
        "<section id=\"map-section\"><h2>Map of the exchanges</h2><p class=\"lead\">Each line is an exchange of the plan, from the site that offers a waste or by-product to the site that uses it.{plants}</p><div class=\"map-wrap\"><div>{svg}{note}</div>{legend}</div></section>\n"
    )
}

/// The table of the plan's exchanges.
fn exchanges(p: &Plan, s: &Scenario) -> String {
    let cur = escape(&p.currency);
    let mut rows = String::new();
    for (k, l) in p.links.iter().enumerate() {
        let material = material_of(s, &l.key).map_or(l.material.as_str(), |m| m.name.as_str());
        let (from, to) = (site_name(s, &l.key.from_site), site_name(s, &l.key.to_site));
        rows.push_str(&format!(
            "<tr class=\"exchange\" data-link=\"{}\"><td class=\"n\">{}</td><td title=\"{}\">{} → {}<br><span class=\"id\">{}</span></td><td title=\"{}\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} {}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n payback\">{}</td><td><span class=\"tag {}\">{}</span></td></tr>",
            escape(&l.key.to_string()),
            k + 1,
            escape(&format!("{from} → {to}")),
            escape(&map::short_name(from)),
            escape(&map::short_name(to)),
            escape(&l.key.to_string()),
            escape(material),
            escape(&map::short_name(material)),
            escape(&l.key.mode),
            num(l.distance_km, 1),
            num(l.flow, 0),
            escape(&l.unit),
            signed_cell(l.net_benefit),
            num(l.co2_avoided, 0),
            if l.capex > 0.0 { num(l.capex, 0) } else { "–".into() },
            payback(l),
            if l.existing { "existing" } else { "new" },
            if l.existing { "today" } else { "new" },
        ));
    }
    if p.links.is_empty() {
        rows.push_str("<tr><td colspan=\"11\">No exchange in the plan.</td></tr>");
    }
    format!(
        "<section id=\"exchanges\"><h2>Exchanges</h2><p class=\"lead\">What goes from which site to which, how, and how much per year. Payback: a new link's capex over its yearly net benefit before capital charges.</p><table><thead><tr><th class=\"n\">#</th><th>from → to</th><th>material</th><th>mode</th><th class=\"n\">km</th><th class=\"n\">flow/yr</th><th class=\"n\">net benefit {cur}/yr</th><th class=\"n\">CO2 t/yr</th><th class=\"n\">capex {cur}</th><th class=\"n\">payback</th><th></th></tr></thead><tbody>{rows}</tbody></table></section>\n"
    )
}

/// The outputs and inputs used in part, with what stops more (nothing when
/// every stream is used whole or not at all).
fn limits(p: &Plan) -> String {
    if p.limits.is_empty() {
        return String::new();
    }
    let mut rows = String::new();
    for l in &p.limits {
        let binds: Vec<String> = l.binds.iter().map(|b| escape(&b.to_string())).collect();
        rows.push_str(&format!(
            "<tr class=\"limit\"><td>{}</td><td class=\"id\">{}</td><td class=\"n\">{} of {} {}</td><td>{}</td></tr>",
            match l.side {
                crate::limits::Side::Output => "offered",
                crate::limits::Side::Input => "demanded",
            },
            escape(&l.stream),
            num(l.used, 0),
            num(l.quantity, 0),
            escape(&l.unit),
            binds.join("<br>"),
        ));
    }
    format!(
        "<section id=\"limits\"><h2>What stops more</h2><p class=\"lead\">{} used in part, and the limit that keeps each from more: a supply used up, a demand met, a rule's largest share reached, a link's capacity or recorded flow, partners out of reach, or a further unit that would not pay.</p><table><thead><tr><th></th><th>stream</th><th class=\"n\">used per year</th><th>binding limit</th></tr></thead><tbody>{rows}</tbody></table></section>\n",
        escape(&count(p.limits.len(), "stream", "streams")),
    )
}

/// Each firm's benefit: a bar per site with one, then one table of every
/// firm's figures. With a comparison that splits each link's surplus, the
/// table gives each firm's gain before transfers, the transfers, its gain after
/// them, today's gain and the change (and its Shapley value), so that no two
/// views of one firm disagree; else its gain as supplier and as receiver.
fn firms(p: &Plan, c: Option<&Comparison>) -> String {
    let cur = &p.currency;
    let shown: Vec<_> = p
        .sites
        .iter()
        .filter(|x| x.benefit != 0.0 || x.co2_avoided != 0.0)
        .collect();
    let rows = shown
        .iter()
        .map(|x| BarRow {
            label: map::short_name(&x.name),
            bars: vec![(
                x.benefit,
                if x.benefit < 0.0 { LOSS } else { GAIN }.to_owned(),
                format!(
                    "{}\nbenefit before transfers {} {cur}/yr (as supplier {}, as receiver {})\nCO2 avoided {} t/yr",
                    x.name,
                    num(x.benefit, 0),
                    num(x.as_supplier, 0),
                    num(x.as_receiver, 0),
                    num(x.co2_avoided, 0)
                ),
            )],
        })
        .collect();
    let chart = Bars {
        id: "firm-benefits".into(),
        rows,
        width: WIDTH,
    }
    .render();
    let variant = c.and_then(|c| c.variants.first());
    let table = match variant.and_then(|v| v.gains.as_ref().map(|g| (v, g))) {
        Some((v, g)) => firm_gains(v, g, cur),
        None => {
            let mut table = String::new();
            for x in &shown {
                table.push_str(&format!(
                    "<tr class=\"firm\" data-site=\"{}\"><td>{}<br><span class=\"id\">{}</span></td>{}{}{}<td class=\"n\">{}</td></tr>",
                    escape(&x.site),
                    escape(&x.name),
                    escape(&x.site),
                    signed_cell(x.as_supplier),
                    signed_cell(x.as_receiver),
                    signed_cell(x.benefit),
                    num(x.co2_avoided, 0)
                ));
            }
            let cur = escape(cur);
            format!("<table><thead><tr><th>site</th><th class=\"n\">as supplier</th><th class=\"n\">as receiver</th><th class=\"n\">before transfers {cur}/yr</th><th class=\"n\">CO2 t/yr</th></tr></thead><tbody>{table}</tbody></table>")
        }
    };
    let idle = p.sites.len() - shown.len();
    let cur = escape(cur);
    format!(
        "<section id=\"firms\"><h2>What each firm gains</h2><p class=\"lead\">Each site's benefit before any transfer between firms, {cur} per year: avoided disposal as a supplier, avoided purchases as a receiver, less its share of the costs.{}</p>{chart}<h3>By site</h3>{table}</section>\n",
        if idle > 0 {
            format!(" {} in no exchange.", count(idle, "site takes part", "sites take part"))
        } else {
            String::new()
        }
    )
}

/// The table of every firm's gain in a comparison's optimum: before transfers,
/// the transfers that split each link's surplus, after them, today's gain (the
/// same split) and the change, its Shapley value when computed, and a note
/// where a firm loses or ends below today.
fn firm_gains(v: &VariantReport, g: &crate::analysis::allocation::Gains, cur: &str) -> String {
    let shapley: BTreeMap<&str, f64> = v
        .shapley
        .iter()
        .flat_map(|sh| sh.sites.iter().map(|x| (x.site.as_str(), x.value)))
        .collect();
    let mut table = String::new();
    for x in g
        .sites
        .iter()
        .filter(|x| x.gain != 0.0 || x.baseline_gain != 0.0 || x.before_transfers != 0.0)
    {
        let sh = match shapley.get(x.site.as_str()) {
            Some(value) if v.shapley.is_some() => format!(
                "<td class=\"n shapley\" data-value=\"{value}\">{}</td>",
                num(*value, 0)
            ),
            _ if v.shapley.is_some() => "<td class=\"n\">–</td>".into(),
            _ => String::new(),
        };
        let mut flags = Vec::new();
        if x.negative {
            flags.push("loses");
        }
        if x.below_baseline {
            flags.push("below today");
        }
        table.push_str(&format!(
            "<tr class=\"firm gain\" data-site=\"{}\"><td>{}<br><span class=\"id\">{}</span></td>{}{}<td class=\"n\" data-value=\"{}\">{}</td><td class=\"n\">{}</td>{}{sh}<td>{}</td></tr>",
            escape(&x.site),
            escape(&x.name),
            escape(&x.site),
            signed_cell(x.before_transfers),
            signed_cell(x.gain - x.before_transfers),
            x.gain,
            num(x.gain, 0),
            num(x.baseline_gain, 0),
            signed_cell(x.change),
            flags.join(", ")
        ));
    }
    let shapley_head = if v.shapley.is_some() {
        "<th class=\"n\">Shapley value</th>"
    } else {
        ""
    };
    let cur = escape(cur);
    format!(
        "<p class=\"note\">{cur} per year. The transfers split each built link's surplus, {} % to its supplier (as <code>symbio compare</code>); today's gain splits today's links the same way.</p><table><thead><tr><th>site</th><th class=\"n\">before transfers</th><th class=\"n\">transfers</th><th class=\"n\">after transfers</th><th class=\"n\">today</th><th class=\"n\">change</th>{shapley_head}<th></th></tr></thead><tbody>{table}</tbody></table>",
        num(g.supplier_share * 100.0, 0)
    )
}

/// The flows of each material, one bar split by stream (its links), grouped by
/// kind: materials, energy, water. Every bar has one unit.
fn flows(p: &Plan, s: &Scenario, palette: &Palette) -> String {
    let mut groups: BTreeMap<(u8, usize), Vec<&PlanLink>> = BTreeMap::new();
    for l in &p.links {
        let m = s.materials.iter().position(|m| m.id == l.material);
        let kind = m.map_or(0, |k| match s.materials[k].kind {
            MaterialKind::Material => 0,
            MaterialKind::Energy => 1,
            MaterialKind::Water => 2,
        });
        groups
            .entry((kind, m.unwrap_or(usize::MAX)))
            .or_default()
            .push(l);
    }
    let mut out = String::from("<section id=\"flows\"><h2>Flows by material</h2><p class=\"lead\">Each bar is one material, split by the streams that carry it; lengths compare streams of the same material only (units differ between bars).</p>");
    let mut last_kind = None;
    for ((kind, m), links) in &groups {
        if last_kind != Some(*kind) {
            out.push_str(&format!(
                "<h3>{}</h3>",
                ["Materials", "Energy", "Water"][*kind as usize]
            ));
            last_kind = Some(*kind);
        }
        let material = s.materials.get(*m);
        let id = links[0].material.as_str();
        let name = material.map_or(id, |x| x.name.as_str());
        let unit = &links[0].unit;
        let total: f64 = links.iter().map(|l| l.flow).sum();
        let base = colour(palette.get(id));
        let mut streams = links.clone();
        streams.sort_by(|a, b| b.flow.total_cmp(&a.flow));
        let segments: Vec<Segment> = streams
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let (from, to) = (site_name(s, &l.key.from_site), site_name(s, &l.key.to_site));
                let (a, b) = (map::short_name(from), map::short_name(to));
                Segment {
                    value: l.flow,
                    colour: if k % 2 == 0 {
                        base.to_owned()
                    } else {
                        format!("{base}b3")
                    },
                    labels: vec![format!("{a} → {b}"), format!("→ {b}")],
                    tip: format!(
                        "{from} → {to}\n{} {unit}/yr by {}",
                        num(l.flow, 0),
                        l.key.mode
                    ),
                }
            })
            .collect();
        out.push_str(&format!(
            "<div class=\"flow\" data-material=\"{}\" data-unit=\"{}\" data-value=\"{total}\"><div class=\"what\"><b>{}</b> <span>{} {}/yr in {}</span></div>{}</div>",
            escape(id),
            escape(unit),
            escape(name),
            num(total, 0),
            escape(unit),
            count(links.len(), "stream", "streams"),
            super::svg::stacked(&format!("flow-{id}"), &segments, WIDTH)
        ));
    }
    if groups.is_empty() {
        out.push_str("<p>No exchange in the plan.</p>");
    }
    out.push_str("</section>\n");
    out
}

/// Rows of figures before, after and the change.
fn change_rows(t: &crate::analysis::compare::Change, cur: &str) -> String {
    let mut rows: Vec<(String, f64, f64, f64)> = vec![
        (
            format!("net benefit, {cur}/yr"),
            t.baseline.net_benefit,
            t.optimized.net_benefit,
            t.change.net_benefit,
        ),
        (
            "CO2 avoided, t/yr".into(),
            t.baseline.co2_avoided,
            t.optimized.co2_avoided,
            t.change.co2_avoided,
        ),
    ];
    let pick = |m: &Metrics, waste: bool, u: &str| {
        let map = if waste {
            &m.waste_diverted
        } else {
            &m.virgin_displaced
        };
        map.get(u).copied().unwrap_or(0.0)
    };
    for (waste, label) in [(true, "waste diverted"), (false, "virgin displaced")] {
        let mut units: Vec<&String> = if waste {
            t.baseline
                .waste_diverted
                .keys()
                .chain(t.optimized.waste_diverted.keys())
                .collect()
        } else {
            t.baseline
                .virgin_displaced
                .keys()
                .chain(t.optimized.virgin_displaced.keys())
                .collect()
        };
        units.sort();
        units.dedup();
        for u in units {
            rows.push((
                format!("{label}, {u}/yr"),
                pick(&t.baseline, waste, u),
                pick(&t.optimized, waste, u),
                pick(&t.change, waste, u),
            ));
        }
    }
    rows.push((
        "transport energy, GJ/yr".into(),
        t.baseline.transport_energy_gj,
        t.optimized.transport_energy_gj,
        t.change.transport_energy_gj,
    ));
    rows.iter()
        .map(|(label, a, b, d)| {
            format!(
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}</tr>",
                escape(label),
                num(*a, 0),
                num(*b, 0),
                signed_cell(*d)
            )
        })
        .collect()
}

/// Today's network against each optimum: the two side by side (with maps when
/// the sites have locations), the district's figures, and each firm's gain.
fn comparison(c: &Comparison, s: Option<&Scenario>, palette: Option<&Palette>) -> String {
    let cur = &c.currency;
    let mut out = String::from("<section id=\"compare\"><h2>Today against the optimum</h2>");
    for v in &c.variants {
        let (today, optimum) = match (s, palette) {
            (Some(s), Some(palette)) => compare_maps(c, v, s, palette),
            _ => (String::new(), String::new()),
        };
        let figure = |id: &str, value: Option<f64>, links: usize| {
            match value {
            Some(x) => format!(
                "<div class=\"card\"><div class=\"label\">Net benefit</div><div class=\"value\" id=\"{id}\" data-value=\"{x}\">{} <span class=\"unit\">{}/yr</span></div><div class=\"more\">{}</div></div>",
                num(x, 0),
                escape(cur),
                count(links, "exchange", "exchanges")
            ),
            None => "<div class=\"card\"><div class=\"label\">No plan</div></div>".into(),
        }
        };
        let after =
            v.added.len() + v.kept.len() + v.rerouted.iter().map(|r| r.after.len()).sum::<usize>();
        let gain = match (v.net_benefit, c.baseline.net_benefit) {
            (Some(n), Some(b)) => format!(
                "<p class=\"lead\">The optimum gains <b id=\"compare-gain\" data-value=\"{}\">{} {}/yr</b> over today's network: {} added, {} kept, {} dropped, {} re-routed.</p>",
                n - b,
                num(n - b, 0),
                escape(cur),
                count(v.added.len(), "exchange", "exchanges"),
                v.kept.len(),
                v.dropped.len(),
                count(v.rerouted.len(), "output", "outputs")
            ),
            _ => format!("<p class=\"lead\">{}</p>", escape(&status_text(v.status, v.gap))),
        };
        out.push_str(&gain);
        out.push_str(&format!(
            "<div class=\"side\"><div><h3>Today: the existing links only</h3>{}{today}</div><div><h3>Optimum: existing links kept, new ones added</h3>{}{optimum}</div></div>",
            figure("compare-baseline-net-benefit", c.baseline.net_benefit, c.baseline.links.len()),
            figure("compare-optimum-net-benefit", v.net_benefit, after),
        ));
        out.push_str(&format!(
            "<h3>The district</h3><table><thead><tr><th></th><th class=\"n\">today</th><th class=\"n\">optimum</th><th class=\"n\">change</th></tr></thead><tbody>{}</tbody></table>",
            change_rows(&v.totals, cur)
        ));
        out.push_str(&gains(c, v));
    }
    out.push_str("</section>\n");
    out
}

/// The maps of today's links and of the optimum's.
fn compare_maps(
    c: &Comparison,
    v: &VariantReport,
    s: &Scenario,
    palette: &Palette,
) -> (String, String) {
    let colour_of = |k: &LinkKey| material_of(s, k).map_or(0, |m| palette.get(&m.id));
    let tip = |k: &LinkKey, flow: f64, unit: &str, benefit: f64| {
        format!(
            "{} → {}\n{} {unit}/yr by {}\nnet benefit {} {}/yr",
            site_name(s, &k.from_site),
            site_name(s, &k.to_site),
            num(flow, 0),
            k.mode,
            num(benefit, 0),
            c.currency
        )
    };
    let today: Vec<MapLink> = c
        .baseline
        .links
        .iter()
        .map(|l| MapLink {
            key: l.link.clone(),
            colour: colour_of(&l.link),
            flow: l.flow,
            unit: l.unit.clone(),
            existing: true,
            tip: tip(&l.link, l.flow, &l.unit, l.net_benefit),
        })
        .collect();
    let optimum: Vec<MapLink> = v
        .added
        .iter()
        .chain(&v.kept)
        .chain(v.rerouted.iter().flat_map(|r| &r.after))
        .map(|l| MapLink {
            key: l.link.clone(),
            colour: colour_of(&l.link),
            flow: l.flow_after,
            unit: l.unit.clone(),
            existing: l.existing,
            tip: tip(&l.link, l.flow_after, &l.unit, l.net_benefit_after),
        })
        .collect();
    let draw = |links: &[MapLink], id: &str| {
        map::map(s, links, id, 520.0, 420.0).map_or(String::new(), |d| d.svg)
    };
    (draw(&today, "map-today"), draw(&optimum, "map-optimum"))
}

/// Each firm's gain today and in the optimum (and its Shapley value), as bars
/// and a table.
fn gains(c: &Comparison, v: &VariantReport) -> String {
    let Some(g) = &v.gains else {
        return String::new();
    };
    let cur = &c.currency;
    let shapley: BTreeMap<&str, f64> = v
        .shapley
        .iter()
        .flat_map(|sh| sh.sites.iter().map(|x| (x.site.as_str(), x.value)))
        .collect();
    let shown: Vec<_> = g
        .sites
        .iter()
        .filter(|x| x.gain != 0.0 || x.baseline_gain != 0.0)
        .collect();
    let rows = shown
        .iter()
        .map(|x| {
            let mut bars = vec![
                (
                    x.baseline_gain,
                    TODAY.to_owned(),
                    format!("{}\ntoday {} {cur}/yr", x.name, num(x.baseline_gain, 0)),
                ),
                (
                    x.gain,
                    OPTIMUM.to_owned(),
                    format!(
                        "{}\noptimum {} {cur}/yr (with transfers)",
                        x.name,
                        num(x.gain, 0)
                    ),
                ),
            ];
            if let Some(value) = shapley.get(x.site.as_str()) {
                bars.push((
                    *value,
                    SHAPLEY.to_owned(),
                    format!("{}\nShapley value {} {cur}/yr", x.name, num(*value, 0)),
                ));
            }
            BarRow {
                label: map::short_name(&x.name),
                bars,
            }
        })
        .collect();
    let chart = Bars {
        id: "compare-gains".into(),
        rows,
        width: WIDTH,
    }
    .render();
    let mut legend = format!(
        "<p class=\"note\"><span class=\"swatch\" style=\"border-color:{TODAY}\"></span> today &nbsp; <span class=\"swatch\" style=\"border-color:{OPTIMUM}\"></span> optimum, {} % of each link's surplus to its supplier",
        num(g.supplier_share * 100.0, 0)
    );
    if v.shapley.is_some() {
        legend.push_str(&format!(
            " &nbsp; <span class=\"swatch\" style=\"border-color:{SHAPLEY}\"></span> Shapley value"
        ));
    }
    legend.push_str("</p>");
    let cur = escape(cur);
    format!(
        "<h3>Each firm's gain, {cur}/yr</h3>{legend}{chart}<p class=\"note\">Each firm's figures, before and after the transfers, are in the table of <a href=\"#firms\">What each firm gains</a>.</p>"
    )
}

/// A sweep point with a plan, as charted.
#[derive(Debug, Clone, Copy)]
struct SweepPoint {
    /// Its value of the first swept field.
    x: f64,
    /// The plan's net benefit.
    net_benefit: f64,
    /// The plan's CO2 avoided.
    co2_avoided: f64,
    /// Index of the point.
    point: usize,
}

/// The points with a plan, one series per combination of the values of the
/// fields after the first (one series when one field is swept), in row order;
/// and how many points have no plan.
fn sweep_series(rows: &[Row], paths: &[String]) -> (Vec<(String, Vec<SweepPoint>)>, usize) {
    let mut series: Vec<(String, Vec<SweepPoint>)> = Vec::new();
    let mut failed = 0;
    for r in rows {
        let Some(t) = &r.totals else {
            failed += 1;
            continue;
        };
        let x = paths
            .first()
            .and_then(|p| r.values.get(p))
            .and_then(|v| v.as_f64())
            .unwrap_or(r.point as f64);
        let name = paths
            .iter()
            .skip(1)
            .map(|p| {
                let v = r.values.get(p).map_or(String::new(), |v| v.to_string());
                format!("{p} = {v}")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let point = SweepPoint {
            x,
            net_benefit: t.figures.net_benefit,
            co2_avoided: t.figures.co2_avoided,
            point: r.point,
        };
        match series.iter_mut().find(|(n, _)| *n == name) {
            Some((_, pts)) => pts.push(point),
            None => series.push((name, vec![point])),
        }
    }
    for (_, pts) in &mut series {
        pts.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    (series, failed)
}

/// The axis label of a swept field: its words and unit where the field is one
/// whose unit is known, else its path.
fn field_label(path: &str, currency: &str) -> String {
    let tail = path.rsplit('.').next().unwrap_or(path);
    let unit = match tail {
        "carbon_price" => Some(format!("{currency}/t CO2e")),
        "energy_price" => Some(format!("{currency}/GJ")),
        "discount_rate" => Some("per year".to_owned()),
        "circuity" => Some("road km per straight km".to_owned()),
        "cost_per_unit_km" => Some(format!("{currency} per unit and km")),
        "distance_km" | "max_distance_km" => Some("km".to_owned()),
        _ => None,
    };
    match unit {
        Some(unit) => format!("{} ({path}), {unit}", tail.replace('_', " ")),
        None => path.to_owned(),
    }
}

/// A chart of one figure of the sweep's points against the first field.
fn sweep_chart(
    id: &str,
    x_path: &str,
    x_label: &str,
    label: &str,
    series: &[(String, Vec<SweepPoint>)],
    pick: fn(&SweepPoint) -> f64,
) -> String {
    let legend = if series.len() > 1 {
        20.0 * series.len() as f64
    } else {
        0.0
    };
    Chart {
        id: id.into(),
        x_label: x_label.into(),
        y_label: label.into(),
        series: series
            .iter()
            .enumerate()
            .map(|(k, (name, pts))| Series {
                name: if name.is_empty() {
                    label.into()
                } else {
                    name.clone()
                },
                colour: colour(k).into(),
                tips: pts
                    .iter()
                    .map(|p| {
                        format!(
                            "point {}: {x_path} = {}\n{label}: {}",
                            p.point,
                            p.x,
                            num(pick(p), 0)
                        )
                    })
                    .collect(),
                points: pts.iter().map(|p| (p.x, pick(p))).collect(),
            })
            .collect(),
        width: 520.0,
        height: 340.0 + legend,
    }
    .render()
}

/// Net benefit and CO2 avoided against the first swept field (a line per
/// combination of the others), then the rows.
fn sweep(rows: &[Row], currency: Option<&str>) -> String {
    let cur = currency.unwrap_or("currency");
    let paths: Vec<String> = rows
        .first()
        .map(|r| r.values.keys().cloned().collect())
        .unwrap_or_default();
    let x_path = paths.first().cloned().unwrap_or_else(|| "point".into());
    let (series, failed) = sweep_series(rows, &paths);
    let x_label = field_label(&x_path, cur);
    let benefit = sweep_chart(
        "sweep-net-benefit",
        &x_path,
        &x_label,
        &format!("net benefit, {cur}/yr"),
        &series,
        |p| p.net_benefit,
    );
    let co2 = sweep_chart(
        "sweep-co2",
        &x_path,
        &x_label,
        "CO2 avoided, t/yr",
        &series,
        |p| p.co2_avoided,
    );
    let mut table = String::new();
    for r in rows {
        let values: String = paths
            .iter()
            .map(|p| {
                format!(
                    "<td class=\"n\">{}</td>",
                    r.values
                        .get(p)
                        .map_or(String::new(), |v| escape(&v.to_string()))
                )
            })
            .collect();
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
            .unwrap_or_default();
        let (nb, co2v, links) = match &r.totals {
            Some(t) => (
                format!(
                    "<td class=\"n\" data-value=\"{}\">{}</td>",
                    t.figures.net_benefit,
                    num(t.figures.net_benefit, 0)
                ),
                num(t.figures.co2_avoided, 0),
                t.links.to_string(),
            ),
            None => ("<td class=\"n\">–</td>".into(), "–".into(), "–".into()),
        };
        table.push_str(&format!(
            "<tr class=\"sweep-row\" data-point=\"{}\"><td class=\"n\">{}</td>{values}<td>{}</td>{nb}<td class=\"n\">{co2v}</td><td class=\"n\">{links}</td></tr>",
            r.point,
            r.point,
            escape(&status)
        ));
    }
    let heads: String = paths
        .iter()
        .map(|p| format!("<th class=\"n\">{}</th>", escape(p)))
        .collect();
    let note = if failed > 0 {
        format!(
            " {} without a plan {} in the table only.",
            count(failed, "point", "points"),
            if failed == 1 { "is" } else { "are" }
        )
    } else {
        String::new()
    };
    format!(
        "<section id=\"sweep\"><h2>Sweep of {}</h2><p class=\"lead\">{}: the plan's net benefit and CO2 avoided as the field changes.{note}</p><div class=\"charts\"><div>{benefit}</div><div>{co2}</div></div><h3>Points</h3><table><thead><tr><th class=\"n\">point</th>{heads}<th>status</th><th class=\"n\">net benefit {}/yr</th><th class=\"n\">CO2 t/yr</th><th class=\"n\">links</th></tr></thead><tbody>{table}</tbody></table></section>\n",
        escape(&x_path),
        count(rows.len(), "point", "points"),
        escape(cur)
    )
}

/// The Pareto front: net benefit (with and without the carbon value) against
/// CO2 avoided, then the points.
fn pareto(f: &Front) -> String {
    let cur = &f.currency;
    let tip = |k: usize, p: &crate::analysis::pareto::FrontPoint| {
        format!(
            "point {k}: CO2 avoided {} t/yr\nnet benefit {} {cur}/yr ({} before carbon)\n{}",
            num(p.co2_avoided, 0),
            num(p.net_benefit, 0),
            num(p.net_benefit_without_carbon, 0),
            count(p.links.len(), "exchange", "exchanges")
        )
    };
    let series =
        |name: &str, colour: &str, pick: fn(&crate::analysis::pareto::FrontPoint) -> f64| Series {
            name: name.into(),
            colour: colour.into(),
            points: f.points.iter().map(|p| (p.co2_avoided, pick(p))).collect(),
            tips: f
                .points
                .iter()
                .enumerate()
                .map(|(k, p)| tip(k, p))
                .collect(),
        };
    let chart = Chart {
        id: "pareto-front".into(),
        x_label: "CO2 avoided, t/yr".into(),
        y_label: format!("net benefit, {cur}/yr"),
        series: vec![
            series(
                &format!("net benefit (carbon at {} {cur}/t)", num(f.carbon_price, 0)),
                OPTIMUM,
                |p| p.net_benefit,
            ),
            series("net benefit before the carbon value", TODAY, |p| {
                p.net_benefit_without_carbon
            }),
        ],
        width: WIDTH,
        height: 420.0,
    }
    .render();
    let mut table = String::new();
    for (k, p) in f.points.iter().enumerate() {
        table.push_str(&format!(
            "<tr class=\"front-point\"><td class=\"n\">{k}</td><td class=\"n\" data-value=\"{}\">{}</td><td class=\"n\" data-value=\"{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            p.co2_avoided,
            num(p.co2_avoided, 0),
            p.net_benefit,
            num(p.net_benefit, 0),
            num(p.net_benefit_without_carbon, 0),
            p.links.len(),
            escape(&status_text(p.status, p.gap))
        ));
    }
    let lead = if f.status.has_plan() {
        format!(
            "{}: each maximises the net benefit with at least so much CO2 avoided.",
            count(f.points.len(), "non-dominated plan", "non-dominated plans")
        )
    } else {
        format!("No front: {}.", status_text(f.status, None))
    };
    let cur = escape(cur);
    format!(
        "<section id=\"pareto\"><h2>Net benefit against CO2 avoided</h2><p class=\"lead\">{}</p>{chart}<h3>Points</h3><table><thead><tr><th class=\"n\">#</th><th class=\"n\">CO2 avoided t/yr</th><th class=\"n\">net benefit {cur}/yr</th><th class=\"n\">before carbon {cur}/yr</th><th class=\"n\">exchanges</th><th>status</th></tr></thead><tbody>{table}</tbody></table></section>\n",
        escape(&lead)
    )
}

/// The rows of a sweep from the text of a rows file: JSON Lines (`symbio sweep`;
/// the fingerprint line of an earlier version's rows file is skipped) or one JSON array
/// of rows (`--format json`).
pub fn read_rows(text: &str) -> Result<Vec<Row>, Error> {
    let bad = |line: usize, e: &dyn std::fmt::Display| Error::Input {
        what: "sweep rows".into(),
        message: format!("line {line}: {e} (expected the rows of a sweep, JSON Lines)"),
    };
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text).map_err(|e| bad(e.line(), &e));
    }
    let mut rows = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() || (k == 0 && batch::is_old_fingerprint_line(line)) {
            continue;
        }
        rows.push(serde_json::from_str::<Row>(line).map_err(|e| bad(k + 1, &e))?);
    }
    if rows.is_empty() {
        return Err(Error::Input {
            what: "sweep rows".into(),
            message: "no row in it".into(),
        });
    }
    Ok(rows)
}

/// A Pareto front from its JSON (`symbio pareto --format json`).
pub fn read_front(text: &str) -> Result<Front, Error> {
    serde_json::from_str(text).map_err(|e| Error::Input {
        what: "Pareto front".into(),
        message: format!("{e} (expected a Pareto front, the JSON document of a pareto run)"),
    })
}

#[cfg(test)]
mod tests {
    use super::{count, money, plain, Palette};

    #[test]
    fn money_in_sentences_is_written_with_k_m_and_bn() {
        assert_eq!(money(861_721_468.0, "CNY"), "861.7 M CNY");
        assert_eq!(money(1_234_567_890.0, "CNY"), "1.2 bn CNY");
        assert_eq!(money(50_900.0, "EUR"), "50.9 k EUR");
        assert_eq!(money(-84_000_000.0, "CNY"), "-84.0 M CNY");
        assert_eq!(money(999.0, "EUR"), "999 EUR");
        assert_eq!(money(0.0, "EUR"), "0 EUR");
    }

    #[test]
    fn prices_are_written_as_given_and_counts_agree_with_their_nouns() {
        assert_eq!(plain(96.0), "96");
        assert_eq!(plain(0.08 * 100.0), "8");
        assert_eq!(plain(18.5), "18.5");
        assert_eq!(plain(1234.25), "1,234.25");
        assert_eq!(count(1, "stream", "streams"), "1 stream");
        assert_eq!(count(0, "stream", "streams"), "0 streams");
        assert_eq!(count(13, "point", "points"), "13 points");
    }

    #[test]
    fn a_material_keeps_its_colour_whatever_the_plan_s_order_and_no_two_share_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/liuzhou.toml");
        let s = crate::scenario::read(&path).unwrap();
        let plan = crate::solve(&s, &crate::SolveOptions::default()).unwrap();
        let palette = Palette::of(&s, &plan, None);
        // The same materials in another order (another plan of the scenario
        // with the same streams): the same colours.
        let mut reversed = plan.clone();
        reversed.links.reverse();
        let again = Palette::of(&s, &reversed, None);
        let materials: std::collections::BTreeSet<&str> =
            plan.links.iter().map(|l| l.material.as_str()).collect();
        assert!(materials.len() > 3, "{materials:?}");
        for m in &materials {
            assert_eq!(palette.get(m), again.get(m), "{m}");
        }
        // Within one report no two materials share a colour (up to ten).
        let colours: std::collections::BTreeSet<usize> =
            materials.iter().map(|m| palette.get(m)).collect();
        assert_eq!(
            colours.len(),
            materials.len().min(crate::report::map::PALETTE.len())
        );
    }
}
