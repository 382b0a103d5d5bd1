//! The SVG pieces of the HTML report ([`super::html`]): escaping, coordinates
//! written with one decimal, round axis ticks, the map's projection and scale
//! bar, and a chart of lines and points. Everything is plain text built here, so
//! the same input gives the same bytes.

use std::fmt::Write;

use crate::domain::{Location, EARTH_RADIUS_KM};

/// `text` safe inside HTML or SVG text and in a quoted attribute: `&`, `<`, `>`,
/// `"` and `'` as character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate in pixels with one decimal (never `-0.0`).
pub fn px(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r:.1}")
}

/// The round number (1, 2 or 5 times a power of ten) nearest above `raw`.
pub fn nice(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * power
}

/// Round ticks covering `[lo, hi]`, about `count` of them: the first at or
/// below `lo`, the last at or above `hi`.
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        let pad = lo.abs().max(1.0) * 0.1;
        (lo - pad, lo + pad)
    };
    let step = nice((hi - lo) / count.max(1) as f64);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// Where the sites go on the map: lat/lon by an equirectangular projection
/// (east-west distances scaled by the cosine of the mean latitude, so that a km
/// is as long across as up at that latitude), x/y km as they are; then scaled
/// to fit a box of pixels, north (or +y) up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Whether the sites are in lat/lon (else x/y km).
    pub geographic: bool,
    /// Cosine of the mean latitude (1 for x/y km).
    pub cos_lat: f64,
    /// Pixels per km.
    pub px_per_km: f64,
    /// km coordinates of the box's centre.
    pub centre_km: (f64, f64),
    /// Pixel coordinates of the box's centre.
    pub centre_px: (f64, f64),
}

impl Projection {
    /// The projection that fits `locations` (all of one kind: those of the
    /// first's kind are used) into `width` × `height` pixels less `margin` on
    /// each side; `None` without a location. Points all in one place get a box
    /// of 2 km around them.
    pub fn fit(locations: &[Location], width: f64, height: f64, margin: f64) -> Option<Projection> {
        let first = locations.first()?;
        let geographic = matches!(first, Location::LatLon { .. });
        let same: Vec<Location> = locations
            .iter()
            .copied()
            .filter(|l| matches!(l, Location::LatLon { .. }) == geographic)
            .collect();
        let cos_lat = if geographic {
            let mean = same
                .iter()
                .map(|l| match l {
                    Location::LatLon { lat, .. } => *lat,
                    Location::Planar { .. } => 0.0,
                })
                .sum::<f64>()
                / same.len() as f64;
            mean.to_radians().cos().max(0.01)
        } else {
            1.0
        };
        let mut p = Projection {
            geographic,
            cos_lat,
            px_per_km: 1.0,
            centre_km: (0.0, 0.0),
            centre_px: (width / 2.0, height / 2.0),
        };
        let km: Vec<(f64, f64)> = same.iter().filter_map(|l| p.km(*l)).collect();
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &km {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        let span_x = (x1 - x0).max(2.0);
        let span_y = (y1 - y0).max(2.0);
        let room_x = (width - 2.0 * margin).max(1.0);
        let room_y = (height - 2.0 * margin).max(1.0);
        p.px_per_km = (room_x / span_x).min(room_y / span_y);
        p.centre_km = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        Some(p)
    }

    /// A location in km on the projection's plane (x east, y north); `None` for
    /// a location of the other kind.
    pub fn km(&self, l: Location) -> Option<(f64, f64)> {
        match (l, self.geographic) {
            (Location::LatLon { lat, lon }, true) => Some((
                EARTH_RADIUS_KM * lon.to_radians() * self.cos_lat,
                EARTH_RADIUS_KM * lat.to_radians(),
            )),
            (Location::Planar { x_km, y_km }, false) => Some((x_km, y_km)),
            _ => None,
        }
    }

    /// A location in pixels (y down); `None` for a location of the other kind.
    pub fn point(&self, l: Location) -> Option<(f64, f64)> {
        let (x, y) = self.km(l)?;
        Some((
            self.centre_px.0 + (x - self.centre_km.0) * self.px_per_km,
            self.centre_px.1 - (y - self.centre_km.1) * self.px_per_km,
        ))
    }
}

/// The scale bar of a map of `px_per_km`: the longest round distance (1, 2 or
/// 5 times a power of ten, km) whose bar is at most `max_px` long, and its
/// length in pixels.
pub fn scale_bar(px_per_km: f64, max_px: f64) -> (f64, f64) {
    let limit = max_px / px_per_km;
    let mut km = nice(limit);
    while km > limit {
        km = smaller(km);
    }
    (km, km * px_per_km)
}

/// The round number below `v` (5 → 2 → 1 → 0.5 …).
fn smaller(v: f64) -> f64 {
    let power = 10f64.powf(v.log10().floor());
    let f = (v / power).round();
    if f > 5.0 {
        5.0 * power
    } else if f > 2.0 {
        2.0 * power
    } else if f > 1.0 {
        power
    } else {
        0.5 * power
    }
}

/// One series of a [`Chart`]: points joined in their order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Name in the legend.
    pub name: String,
    /// CSS colour.
    pub colour: String,
    /// Points (x, y), each drawn as a dot with a tooltip.
    pub points: Vec<(f64, f64)>,
    /// A tooltip per point (same order as `points`; missing ones get x and y).
    pub tips: Vec<String>,
}

/// A chart of lines and points with axes, ticks and a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `id` of the `<svg>` element.
    pub id: String,
    /// Label of the x axis.
    pub x_label: String,
    /// Label of the y axis.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
    /// Width, pixels.
    pub width: f64,
    /// Height, pixels.
    pub height: f64,
}

/// The left, right, top and bottom margins of a chart, pixels.
const CHART_MARGIN: (f64, f64, f64, f64) = (92.0, 24.0, 16.0, 56.0);

impl Chart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let (ml, mr, mt, mb) = CHART_MARGIN;
        let legend = if self.series.len() > 1 {
            20.0 * self.series.len() as f64
        } else {
            0.0
        };
        let all: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .collect();
        let range = |f: fn(&(f64, f64)) -> f64| {
            let lo = all.iter().map(f).fold(f64::MAX, f64::min);
            let hi = all.iter().map(f).fold(f64::MIN, f64::max);
            if all.is_empty() {
                (0.0, 1.0)
            } else {
                (lo, hi)
            }
        };
        let xt = {
            let (lo, hi) = range(|p| p.0);
            ticks(lo, hi, 6)
        };
        let yt = {
            let (lo, hi) = range(|p| p.1);
            let (lo, hi) = y_range(lo, hi);
            ticks(lo, hi, 5)
        };
        let (x0, x1) = (xt[0], xt[xt.len() - 1]);
        let (y0, y1) = (yt[0], yt[yt.len() - 1]);
        let (w, h) = (self.width - ml - mr, self.height - mt - mb - legend);
        let sx = |x: f64| ml + (x - x0) / (x1 - x0) * w;
        let sy = |y: f64| mt + h - (y - y0) / (y1 - y0) * h;
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg id=\"{}\" class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\">",
            escape(&self.id),
            px(self.width),
            px(self.height),
            px(self.width),
            px(self.height)
        );
        for (&t, label) in yt.iter().zip(tick_labels(&yt)) {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"{}\" y=\"{y}\" text-anchor=\"end\" dy=\"0.35em\">{}</text>",
                px(ml),
                px(ml + w),
                px(ml - 6.0),
                escape(&label),
                y = px(sy(t)),
            );
        }
        for (&t, label) in xt.iter().zip(tick_labels(&xt)) {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                px(mt),
                px(mt + h),
                px(mt + h + 16.0),
                escape(&label),
                x = px(sx(t)),
            );
        }
        if y0 < 0.0 && y1 > 0.0 {
            let _ = write!(
                out,
                "<line class=\"zero\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
                px(ml),
                px(ml + w),
                y = px(sy(0.0))
            );
        }
        let _ = write!(
            out,
            "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(ml + w / 2.0),
            px(mt + h + 38.0),
            escape(&self.x_label)
        );
        let _ = write!(
            out,
            "<text class=\"axis-label\" transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
            px(mt + h / 2.0),
            escape(&self.y_label)
        );
        for s in &self.series {
            let path: Vec<String> = s
                .points
                .iter()
                .map(|&(x, y)| format!("{},{}", px(sx(x)), px(sy(y))))
                .collect();
            if path.len() > 1 {
                let _ = write!(
                    out,
                    "<polyline class=\"series\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                    escape(&s.colour),
                    path.join(" ")
                );
            }
            for (k, &(x, y)) in s.points.iter().enumerate() {
                let tip = s
                    .tips
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| format!("{}: {x}, {y}", s.name));
                let _ = write!(
                    out,
                    "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" data-tip=\"{}\"><title>{}</title></circle>",
                    px(sx(x)),
                    px(sy(y)),
                    escape(&s.colour),
                    escape(&tip),
                    escape(&tip)
                );
            }
        }
        if self.series.len() > 1 {
            for (k, s) in self.series.iter().enumerate() {
                let y = mt + h + mb + 10.0 + 20.0 * k as f64;
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"4\" fill=\"{}\"/><text class=\"legend\" x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                    px(ml),
                    px(y - 2.0),
                    escape(&s.colour),
                    px(ml + 20.0),
                    px(y),
                    escape(&s.name)
                );
            }
        }
        out.push_str("</svg>");
        out
    }
}

/// One row of [`Bars`]: a label and its bars, each (value, CSS colour, tooltip).
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    /// Label at the left.
    pub label: String,
    /// The row's bars, top to bottom.
    pub bars: Vec<(f64, String, String)>,
}

/// Horizontal bars from a zero line (negative values to the left), a row per
/// label, the values written at the right.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    /// `id` of the `<svg>` element.
    pub id: String,
    /// The rows.
    pub rows: Vec<BarRow>,
    /// Width, pixels.
    pub width: f64,
}

impl Bars {
    /// The bars as an `<svg>` element.
    pub fn render(&self) -> String {
        let (label_w, value_w, bar_h, gap) = (300.0, 120.0, 14.0, 10.0);
        let per_row = |r: &BarRow| r.bars.len().max(1) as f64 * (bar_h + 2.0) + gap;
        let height: f64 = self.rows.iter().map(per_row).sum::<f64>() + 8.0;
        let values = self.rows.iter().flat_map(|r| r.bars.iter().map(|b| b.0));
        let lo = values.clone().fold(0.0, f64::min);
        let hi = values.fold(0.0, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let plot = self.width - label_w - value_w - 16.0;
        let sx = |v: f64| label_w + 8.0 + (v - lo) / span * plot;
        let mut out = format!(
            "<svg id=\"{}\" class=\"bars\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\">",
            escape(&self.id),
            w = px(self.width),
            h = px(height)
        );
        let mut y = 4.0;
        for r in &self.rows {
            let row_h = per_row(r) - gap;
            out.push_str(&format!(
                "<text class=\"bar-label\" x=\"{}\" y=\"{}\" dy=\"0.35em\" text-anchor=\"end\">{}</text>",
                px(label_w),
                px(y + row_h / 2.0),
                escape(&r.label)
            ));
            for (k, (v, colour, tip)) in r.bars.iter().enumerate() {
                let top = y + k as f64 * (bar_h + 2.0);
                let (a, b) = (sx(v.min(0.0)), sx(v.max(0.0)));
                out.push_str(&format!(
                    "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" data-value=\"{v}\" data-tip=\"{}\"><title>{}</title></rect><text class=\"bar-value\" x=\"{}\" y=\"{}\" dy=\"0.35em\" text-anchor=\"end\">{}</text>",
                    px(a),
                    px(top),
                    px((b - a).max(1.0)),
                    px(bar_h),
                    escape(colour),
                    escape(tip),
                    escape(tip),
                    px(self.width - 4.0),
                    px(top + bar_h / 2.0),
                    escape(&super::num(*v, 0))
                ));
            }
            y += row_h + gap;
        }
        out.push_str(&format!(
            "<line class=\"zero\" x1=\"{x}\" x2=\"{x}\" y1=\"0\" y2=\"{}\"/>",
            px(height),
            x = px(sx(0.0))
        ));
        out.push_str("</svg>");
        out
    }
}

/// A segment of a [`stacked`] bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Its value (the bar is split in proportion).
    pub value: f64,
    /// CSS colour.
    pub colour: String,
    /// Labels, longest first: the first that fits is written on it, none when
    /// none fits.
    pub labels: Vec<String>,
    /// Tooltip.
    pub tip: String,
}

/// One bar split in segments, each as wide as its share of the total.
pub fn stacked(id: &str, segments: &[Segment], width: f64) -> String {
    let height = 30.0;
    let total: f64 = segments.iter().map(|s| s.value.max(0.0)).sum();
    let mut out = format!(
        "<svg id=\"{}\" class=\"stacked\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\">",
        escape(id),
        w = px(width),
        h = px(height)
    );
    let mut x = 0.0;
    for s in segments {
        let w = if total > 0.0 {
            s.value.max(0.0) / total * width
        } else {
            0.0
        };
        out.push_str(&format!(
            "<rect class=\"segment\" x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{}\" data-value=\"{}\" data-tip=\"{}\"><title>{}</title></rect>",
            px(x),
            px(w),
            px(height),
            escape(&s.colour),
            s.value,
            escape(&s.tip),
            escape(&s.tip)
        ));
        // About 7 pixels a character at the label's size.
        let fits = |l: &&String| w > 7.0 * l.chars().count() as f64 + 12.0;
        if let Some(label) = s.labels.iter().find(fits) {
            out.push_str(&format!(
                "<text class=\"segment-label\" x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                px(x + 6.0),
                px(height / 2.0),
                escape(label)
            ));
        }
        x += w;
    }
    out.push_str("</svg>");
    out
}

/// The range a chart's y axis spans for values from `lo` to `hi`: from zero
/// when zero is among them or near them, so that bars and lines read against
/// it; else around them, so that a change of a few per cent shows (a CO2
/// figure moving from 2,003,889 to 2,006,834 t is not drawn flat).
pub fn y_range(lo: f64, hi: f64) -> (f64, f64) {
    let spread = hi - lo;
    let far = lo.abs().min(hi.abs());
    if lo <= 0.0 && hi >= 0.0 || spread >= 0.25 * far {
        return (lo.min(0.0), hi.max(0.0));
    }
    if spread == 0.0 {
        let pad = 0.05 * far;
        return (lo - pad, hi + pad);
    }
    (lo - 0.1 * spread, hi + 0.1 * spread)
}

/// The text of tick `v` on an axis of ticks `step` apart whose largest
/// magnitude is `biggest`: in thousands, millions or billions (k, M, bn) when
/// the axis reaches 10,000, with as many decimals as the step needs
/// (`2.005M`, `250k`, `0.5`).
pub fn tick_label(v: f64, step: f64, biggest: f64) -> String {
    let (scale, suffix) = if biggest >= 1e9 {
        (1e9, "bn")
    } else if biggest >= 1e6 {
        (1e6, "M")
    } else if biggest >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let relative = step / scale;
    let decimals = if relative > 0.0 && relative < 1.0 {
        ((-relative.log10()).ceil() as usize).min(6)
    } else {
        0
    };
    let text = format!("{:.*}", decimals, v / scale);
    let text = if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_owned()
    } else {
        text
    };
    format!("{text}{}", if text == "0" { "" } else { suffix })
}

/// The labels of a row of ticks.
fn tick_labels(ticks: &[f64]) -> Vec<String> {
    let step = match ticks {
        [a, b, ..] => b - a,
        _ => 1.0,
    };
    let biggest = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
    ticks
        .iter()
        .map(|&t| tick_label(t, step, biggest))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html_and_attributes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("Liuzhou · 柳州"), "Liuzhou · 柳州");
    }

    #[test]
    fn a_degree_of_latitude_is_its_length_in_km_on_the_map() {
        let a = Location::LatLon {
            lat: 24.0,
            lon: 109.0,
        };
        let b = Location::LatLon {
            lat: 25.0,
            lon: 109.0,
        };
        let p = Projection::fit(&[a, b], 600.0, 400.0, 20.0).unwrap();
        let (pa, pb) = (p.point(a).unwrap(), p.point(b).unwrap());
        let km = a.distance_km(&b).unwrap();
        // 111.19 km fit into the 360 pixels of the height.
        assert!((p.px_per_km - 360.0 / km).abs() < 1e-9, "{}", p.px_per_km);
        assert!((pa.0 - pb.0).abs() < 1e-9);
        assert!(((pa.1 - pb.1) - 360.0).abs() < 1e-6, "north is up");
        // East-west: a degree of longitude at 24.5° is cos(24.5°) as long.
        let c = Location::LatLon {
            lat: 24.5,
            lon: 110.0,
        };
        let q = Projection::fit(&[a, b, c], 600.0, 400.0, 20.0).unwrap();
        let dx = q.point(c).unwrap().0 - q.point(a).unwrap().0;
        let expected = 111.19508 * (24.5f64).to_radians().cos() * q.px_per_km;
        assert!((dx - expected).abs() < 0.01, "{dx} against {expected}");
    }

    #[test]
    fn the_scale_bar_is_a_round_distance_at_the_map_scale() {
        // 3 px per km, at most 200 px: 50 km is 150 px.
        assert_eq!(scale_bar(3.0, 200.0), (50.0, 150.0));
        // 12.5 px per km, at most 100 px: 5 km (62.5 px), not 10 km (125 px).
        assert_eq!(scale_bar(12.5, 100.0), (5.0, 62.5));
        // 40 px per km, at most 100 px: 2 km.
        assert_eq!(scale_bar(40.0, 100.0), (2.0, 80.0));
        // 1000 px per km: 100 m.
        let (km, len) = scale_bar(1000.0, 150.0);
        assert!((km - 0.1).abs() < 1e-12 && (len - 100.0).abs() < 1e-9);
    }

    #[test]
    fn planar_sites_are_drawn_as_they_are() {
        let a = Location::Planar {
            x_km: 0.0,
            y_km: 0.0,
        };
        let b = Location::Planar {
            x_km: 10.0,
            y_km: 0.0,
        };
        let p = Projection::fit(&[a, b], 220.0, 220.0, 10.0).unwrap();
        assert_eq!(p.px_per_km, 20.0);
        assert_eq!(p.point(a), Some((10.0, 110.0)));
        assert_eq!(p.point(b), Some((210.0, 110.0)));
        assert_eq!(p.point(Location::LatLon { lat: 0.0, lon: 0.0 }), None);
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 9.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(-3.0, 3.0, 3), vec![-4.0, -2.0, 0.0, 2.0, 4.0]);
        assert_eq!(ticks(5.0, 5.0, 4), vec![4.5, 5.0, 5.5]);
        let labels = |t: &[f64]| tick_labels(t).join(" ");
        assert_eq!(labels(&[0.0, 5e8, 1e9, 1.5e9]), "0 0.5bn 1.0bn 1.5bn");
        assert_eq!(labels(&[2_004_000.0, 2_005_000.0]), "2.004M 2.005M");
        assert_eq!(labels(&[0.0, 2500.0, 5000.0]), "0 2500 5000");
        assert_eq!(labels(&[0.0, 250_000.0, 500_000.0]), "0 250k 500k");
        assert_eq!(labels(&[-0.5, 0.0, 0.5]), "-0.5 0 0.5");
        assert_eq!(px(-0.01), "0.0");
    }

    #[test]
    fn a_y_axis_starts_at_zero_unless_that_hides_the_change() {
        assert_eq!(y_range(10.0, 100.0), (0.0, 100.0));
        assert_eq!(y_range(-5.0, 20.0), (-5.0, 20.0));
        let (lo, hi) = y_range(2_003_889.0, 2_006_834.0);
        assert!(
            lo > 2_000_000.0 && lo < 2_003_889.0 && hi > 2_006_834.0,
            "{lo} {hi}"
        );
        let (lo, hi) = y_range(-2_006_834.0, -2_003_889.0);
        assert!(lo < -2_006_834.0 && hi < 0.0);
        let (lo, hi) = y_range(500.0, 500.0);
        assert!(lo < 500.0 && hi > 500.0);
        assert_eq!(tick_label(8e9, 1e9, 8e9), "8bn");
    }
}
