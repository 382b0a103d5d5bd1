//! Documents made from a solved plan for other tools: CSV tables for
//! spreadsheets ([`csv`]), GeoJSON for maps ([`geojson`]) and Graphviz DOT for
//! the exchange graph ([`dot`]). Each is a function from a [`Plan`](crate::Plan)
//! (and the [`Scenario`](crate::Scenario) it was solved from, where the sites'
//! names and locations are needed) to the text of the document; the shapes are
//! described in `docs/reports.md`.

pub mod csv;
pub mod dot;
pub mod geojson;

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
}
