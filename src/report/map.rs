//! The map of the HTML report: the scenario's sites projected from lat/lon (or
//! drawn as they are in x/y km), and the exchanges as curves from supplier to
//! receiver, coloured by material, as wide as their flow (relative to the
//! largest flow of the same unit), solid when they run today and dashed when new,
//! each with a tooltip of its figures; a scale bar in km.

use std::collections::BTreeMap;

use super::svg::{escape, px, scale_bar, Projection};
use crate::domain::{Location, Scenario};
use crate::link_key::LinkKey;

/// One exchange to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLink {
    /// The link (its text form is the path's `data-link`).
    pub key: LinkKey,
    /// Index of its material in the report's palette.
    pub colour: usize,
    /// Flow sent, per year.
    pub flow: f64,
    /// Unit of `flow`.
    pub unit: String,
    /// Whether it runs today.
    pub existing: bool,
    /// Its figures, for the tooltip.
    pub tip: String,
}

/// Colours of materials (the report's `Palette` gives each material its own);
/// none is a grey, which the legend's line styles use.
pub const PALETTE: [&str; 10] = [
    "#1f6fb4", "#e8630a", "#2a9d47", "#c8283c", "#7b52ab", "#8c5a3c", "#d0508f", "#f0b400",
    "#a39b12", "#129aa8",
];

/// The colour of palette index `k`.
pub fn colour(k: usize) -> &'static str {
    PALETTE[k % PALETTE.len()]
}

/// Pixels between parallel curves joining the same two places.
const SPACING: f64 = 16.0;

/// How far every curve bows out at its middle, as a share of its length: links
/// along one line (a site between two others) stay apart.
const BOW: f64 = 0.07;

/// The most a curve bows out, pixels.
const MAX_BOW: f64 = 32.0;

/// A place on the map: the sites at one location.
struct Place {
    /// Its number on the map, from 1.
    number: usize,
    /// Pixels.
    at: (f64, f64),
    /// Indices of its sites in the scenario.
    sites: Vec<usize>,
    /// Whether some drawn link touches it.
    linked: bool,
}

/// The places of the located sites of `s`, numbered in the order of their
/// first site: sites at the same pixel share a place.
fn places(s: &Scenario, p: &Projection) -> Vec<Place> {
    let mut out: Vec<Place> = Vec::new();
    for (k, site) in s.sites.iter().enumerate() {
        let Some(at) = site.location.and_then(|l| p.point(l)) else {
            continue;
        };
        match out.iter_mut().find(|pl| same(pl.at, at)) {
            Some(pl) => pl.sites.push(k),
            None => out.push(Place {
                number: out.len() + 1,
                at,
                sites: vec![k],
                linked: false,
            }),
        }
    }
    out
}

fn same(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() < 0.5
}

/// The short name of a site on the map: its name up to the first comma or
/// parenthesis, at most 30 characters.
pub fn short_name(name: &str) -> String {
    let cut = name.find([',', '(']).map_or(name, |k| name[..k].trim_end());
    let cut = if cut.is_empty() { name } else { cut };
    if cut.chars().count() > 30 {
        let mut s: String = cut.chars().take(29).collect();
        s.push('…');
        s
    } else {
        cut.to_owned()
    }
}

/// A drawn map: the `<svg>` and the key of its places.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// The `<svg>` element.
    pub svg: String,
    /// Each place's number on the map and the names of the sites there.
    pub places: Vec<(usize, Vec<String>)>,
}

/// The map of `links` over the sites of `s` as an `<svg>` of `width` ×
/// `height` pixels with the given `id`, and the key of its places; `None` when
/// no site has a location. Links whose sites are not both on the map are not
/// drawn.
pub fn map(s: &Scenario, links: &[MapLink], id: &str, width: f64, height: f64) -> Option<Drawn> {
    let locations: Vec<Location> = s.sites.iter().filter_map(|site| site.location).collect();
    let p = Projection::fit(&locations, width, height, 48.0)?;
    let mut places = places(s, &p);
    let site_at = |id: &str| -> Option<(f64, f64)> {
        let site = s.sites.iter().find(|x| x.id == id)?;
        site.location.and_then(|l| p.point(l))
    };
    let mut biggest: BTreeMap<&str, f64> = BTreeMap::new();
    for l in links {
        let b = biggest.entry(l.unit.as_str()).or_insert(0.0);
        *b = b.max(l.flow);
    }
    // Links between the same two places, in order, so that each is bowed apart.
    let mut between: BTreeMap<(i64, i64, i64, i64), usize> = BTreeMap::new();
    let mut drawn = Vec::new();
    for l in links {
        let (Some(a), Some(b)) = (site_at(&l.key.from_site), site_at(&l.key.to_site)) else {
            continue;
        };
        for pl in places.iter_mut() {
            if same(pl.at, a) || same(pl.at, b) {
                pl.linked = true;
            }
        }
        let key = pair_key(a, b);
        let n = between.entry(key).or_insert(0);
        drawn.push((l, a, b, key, *n));
        *n += 1;
    }
    let mut out = format!(
        "<svg id=\"{}\" class=\"map\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\">",
        escape(id),
        w = px(width),
        h = px(height)
    );
    out.push_str(&markers(id, links));
    out.push_str(&format!(
        "<rect class=\"map-bg\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/>",
        px(width),
        px(height)
    ));
    for (l, a, b, key, k) in &drawn {
        let n = between[key];
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        let offset = (BOW * length).min(MAX_BOW) + (*k as f64 - (n as f64 - 1.0) / 2.0) * SPACING;
        let max = biggest.get(l.unit.as_str()).copied().unwrap_or(0.0);
        let w = if max > 0.0 {
            2.0 + 8.0 * (l.flow.max(0.0) / max).sqrt()
        } else {
            2.0
        };
        out.push_str(&format!(
            "<path class=\"link {}\" data-link=\"{}\" data-existing=\"{}\" d=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{} marker-mid=\"url(#{}-arrow-{})\" data-tip=\"{}\"><title>{}</title></path>",
            if l.existing { "existing" } else { "new" },
            escape(&l.key.to_string()),
            l.existing,
            curve(*a, *b, offset, *k),
            colour(l.colour),
            px(w),
            if l.existing { "" } else { " stroke-dasharray=\"9 6\"" },
            escape(id),
            l.colour % PALETTE.len(),
            escape(&l.tip),
            escape(&l.tip)
        ));
    }
    let labels = labels(s, &places, width, height);
    let mut key = Vec::new();
    for (pl, label) in places.iter().zip(labels) {
        let names: Vec<String> = pl.sites.iter().map(|&k| s.sites[k].name.clone()).collect();
        let text = label.map_or(String::new(), |(text, x, y)| {
            format!(
                "<text class=\"place-label\" x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                px(x),
                px(y),
                escape(&text)
            )
        });
        // A plant is a diamond; a site with a plant at it is ringed.
        let plants = pl
            .sites
            .iter()
            .filter(|&&k| s.sites[k].plant.is_some())
            .count();
        let (x, y) = (px(pl.at.0), px(pl.at.1));
        let marker = if plants == pl.sites.len() {
            format!("<rect class=\"plant\" x=\"{}\" y=\"{}\" width=\"16\" height=\"16\" transform=\"rotate(45 {x} {y})\"/>", px(pl.at.0 - 8.0), px(pl.at.1 - 8.0))
        } else if plants > 0 {
            format!("<circle class=\"plant-ring\" cx=\"{x}\" cy=\"{y}\" r=\"13\"/><circle cx=\"{x}\" cy=\"{y}\" r=\"9\"/>")
        } else {
            format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"9\"/>")
        };
        out.push_str(&format!(
            "<g class=\"place{}\" data-tip=\"{}\"><title>{}</title>{marker}<text class=\"place-number\" x=\"{x}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"middle\">{}</text>{text}</g>",
            if pl.linked { "" } else { " idle" },
            escape(&names.join("\n")),
            escape(&names.join("\n")),
            pl.number,
        ));
        key.push((pl.number, names));
    }
    out.push_str(&bar(&p, height));
    out.push_str("</svg>");
    Some(Drawn {
        svg: out,
        places: key,
    })
}

/// A pixel position on a half-pixel grid, to tell places apart.
fn rounded(v: (f64, f64)) -> (i64, i64) {
    ((v.0 * 2.0).round() as i64, (v.1 * 2.0).round() as i64)
}

/// Estimated width of a label's character, pixels (12 px system font).
const CHAR_WIDTH: f64 = 6.6;

/// Where each place's label goes (its text and the left end of its middle
/// line), or nothing when it would cover another label or marker: linked
/// places first, each tried right, left, above and below its marker, inside
/// the map and clear of the scale bar. The number on the marker and the legend
/// name every place anyway.
fn labels(
    s: &Scenario,
    places: &[Place],
    width: f64,
    height: f64,
) -> Vec<Option<(String, f64, f64)>> {
    let mut taken: Vec<[f64; 4]> = places
        .iter()
        .map(|p| [p.at.0 - 10.0, p.at.1 - 10.0, p.at.0 + 10.0, p.at.1 + 10.0])
        .collect();
    taken.push([0.0, height - 44.0, 420.0, height]);
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&k| !places[k].linked);
    let mut out = vec![None; places.len()];
    for k in order {
        let pl = &places[k];
        let first = short_name(&s.sites[pl.sites[0]].name);
        let text = if pl.sites.len() > 1 {
            format!("{first} +{}", pl.sites.len() - 1)
        } else {
            first
        };
        let w = CHAR_WIDTH * text.chars().count() as f64;
        let (x, y) = pl.at;
        let candidates = [
            (x + 13.0, y),
            (x - 13.0 - w, y),
            (x - w / 2.0, y - 19.0),
            (x - w / 2.0, y + 19.0),
        ];
        let fits = |&(lx, ly): &(f64, f64)| {
            let r = [lx - 2.0, ly - 8.0, lx + w + 2.0, ly + 8.0];
            r[0] >= 2.0
                && r[2] <= width - 2.0
                && r[1] >= 2.0
                && r[3] <= height - 2.0
                && !taken.iter().any(|t| overlap(&r, t))
        };
        if let Some(&(lx, ly)) = candidates.iter().find(|c| fits(c)) {
            taken.push([lx - 2.0, ly - 8.0, lx + w + 2.0, ly + 8.0]);
            out[k] = Some((text, lx, ly));
        }
    }
    out
}

/// Whether two rectangles `[x0, y0, x1, y1]` overlap.
fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The places' pair of a link, the same whichever way it runs.
fn pair_key(a: (f64, f64), b: (f64, f64)) -> (i64, i64, i64, i64) {
    let (ra, rb) = (rounded(a), rounded(b));
    if ra <= rb {
        (ra.0, ra.1, rb.0, rb.1)
    } else {
        (rb.0, rb.1, ra.0, ra.1)
    }
}

/// The path of a link from `a` to `b`, bowed `offset` pixels sideways at its
/// middle (the side measured the same whichever way it runs), as two quadratic
/// halves so that the direction arrow sits on the middle vertex. A link within
/// one place is a loop above it, larger for the `k`-th.
fn curve(a: (f64, f64), b: (f64, f64), offset: f64, k: usize) -> String {
    if same(a, b) {
        let r = 14.0 + 7.0 * k as f64;
        return format!(
            "M{},{} C{},{} {},{} {},{}",
            px(a.0),
            px(a.1),
            px(a.0 - r),
            px(a.1 - 2.2 * r),
            px(a.0 + r),
            px(a.1 - 2.2 * r),
            px(a.0),
            px(a.1)
        );
    }
    // The normal of the pair in its canonical order.
    let (p, q) = if rounded(a) <= rounded(b) {
        (a, b)
    } else {
        (b, a)
    };
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let len = dx.hypot(dy);
    let (nx, ny) = (-dy / len, dx / len);
    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    // The control point is twice as far out as the curve's middle.
    let c = (mid.0 + 2.0 * offset * nx, mid.1 + 2.0 * offset * ny);
    let m = ((a.0 + 2.0 * c.0 + b.0) / 4.0, (a.1 + 2.0 * c.1 + b.1) / 4.0);
    let c1 = ((a.0 + c.0) / 2.0, (a.1 + c.1) / 2.0);
    let c2 = ((c.0 + b.0) / 2.0, (c.1 + b.1) / 2.0);
    format!(
        "M{},{} Q{},{} {},{} Q{},{} {},{}",
        px(a.0),
        px(a.1),
        px(c1.0),
        px(c1.1),
        px(m.0),
        px(m.1),
        px(c2.0),
        px(c2.1),
        px(b.0),
        px(b.1)
    )
}

/// An arrowhead per colour used by `links`, for the middle of their curves.
fn markers(id: &str, links: &[MapLink]) -> String {
    let mut used: Vec<usize> = links.iter().map(|l| l.colour % PALETTE.len()).collect();
    used.sort_unstable();
    used.dedup();
    let mut out = String::from("<defs>");
    for k in used {
        out.push_str(&format!(
            "<marker id=\"{}-arrow-{k}\" viewBox=\"0 0 10 10\" refX=\"5\" refY=\"5\" markerWidth=\"13\" markerHeight=\"13\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1\"/></marker>",
            escape(id),
            colour(k)
        ));
    }
    out.push_str("</defs>");
    out
}

/// The scale bar at the bottom left, a round number of km, and the note of the
/// projection.
fn bar(p: &Projection, height: f64) -> String {
    let (km, len) = scale_bar(p.px_per_km, 160.0);
    let (x, y) = (20.0, height - 22.0);
    let label = if km >= 1.0 {
        format!("{} km", super::num(km, 0))
    } else {
        format!("{} m", super::num(km * 1000.0, 0))
    };
    let note = if p.geographic {
        "north up; equirectangular at the mean latitude"
    } else {
        "x/y km as in the scenario"
    };
    format!(
        "<g class=\"scale-bar\" data-km=\"{km}\" data-px=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"6\" fill=\"#1d2733\"/><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"6\" fill=\"#fff\" stroke=\"#1d2733\"/><text x=\"{}\" y=\"{}\">{}</text><text class=\"note\" x=\"{}\" y=\"{}\">{}</text></g>",
        px(len),
        px(x),
        px(y),
        px(len / 2.0),
        px(x + len / 2.0),
        px(y),
        px(len / 2.0),
        px(x),
        px(y - 6.0),
        escape(&label),
        px(x + len + 12.0),
        px(y + 6.0),
        note
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_stop_at_a_comma_or_parenthesis() {
        assert_eq!(short_name("Cement plant A, south-west"), "Cement plant A");
        assert_eq!(short_name("Plant (big)"), "Plant");
        assert_eq!(short_name("(odd)"), "(odd)");
        assert_eq!(
            short_name("Municipal wastewater treatment plant north"),
            "Municipal wastewater treatmen…"
        );
    }

    #[test]
    fn parallel_links_bow_apart_and_the_curve_ends_at_its_sites() {
        let d = curve((0.0, 0.0), (100.0, 0.0), 8.0, 0);
        assert!(
            d.starts_with("M0.0,0.0 Q") && d.ends_with(" 100.0,0.0"),
            "{d}"
        );
        // The middle vertex is 8 px off the straight line.
        assert!(d.contains(" 50.0,8.0 Q"), "{d}");
        // The same link the other way bows to the same side of the pair.
        let back = curve((100.0, 0.0), (0.0, 0.0), 8.0, 0);
        assert!(back.contains(" 50.0,8.0 Q"), "{back}");
    }
}
