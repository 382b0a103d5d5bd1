//! Documents made from a solved plan for other tools: CSV tables for
//! spreadsheets ([`csv`]), GeoJSON for maps ([`geojson`]), Graphviz DOT for
//! the exchange graph ([`dot`]), and for people a self-contained HTML page with
//! a map and charts ([`html`], drawn with [`map`] and [`svg`]). Each is a function from a [`Plan`](crate::Plan)
//! (and the [`Scenario`](crate::Scenario) it was solved from, where the sites'
//! names and locations are needed) to the text of the document; the shapes are
//! described in `docs/reports.md`.

pub mod csv;
pub mod dot;
pub mod geojson;
pub mod html;
pub mod map;
mod plants;
mod seasons;
pub mod svg;

/// Why a report cannot be made of a plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// GeoJSON places sites by longitude and latitude (WGS84), and the
    /// scenario's sites have none: they are in x/y km, or have no location.
    #[error("GeoJSON needs sites with lat/lon (WGS84): {reason}")]
    NeedsLatLon {
        /// What the scenario's sites have instead.
        reason: String,
    },
    /// A CSV table could not be written (a cell the writer refuses).
    #[error("CSV: {0}")]
    Csv(String),
    /// A document read for a report (sweep rows, a Pareto front) is not what
    /// it should be.
    #[error("{what}: {message}")]
    Input {
        /// What was read: `sweep rows`, `Pareto front`.
        what: String,
        /// What is wrong, where.
        message: String,
    },
}

/// `v` with `decimals` decimals and its digits grouped by thousands
/// (`1,234,567.89`); never `-0`.
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
