//! `symbio catalog`: the materials, transport modes and substitution rules a
//! scenario can use (its own and its includes'), or the shipped catalog's.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;
use symbio::domain::{MaterialKind, Scenario};

use super::table::{self, Align};
use super::{
    args::{InputArgs, OutputArgs},
    output, CliError, Outcome,
};

/// The catalog shipped with symbio, as `symbio init` writes it.
const SHIPPED: &str = include_str!("../../scenarios/catalog/default.toml");

/// Output format of `symbio catalog`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CatalogFormat {
    /// Three readable tables: materials, modes, rules.
    #[default]
    Table,
    /// One JSON document: `materials`, `modes`, `rules`.
    Json,
    /// One CSV table of every entry, its section in the column `section`.
    Csv,
}

/// Arguments of `symbio catalog`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario or catalog file (TOML, or JSON when it ends in .json), its
    /// includes merged; without it, the catalog shipped with symbio.
    pub file: Option<PathBuf>,
    /// Output format [default: table; with -o FILE, the format its extension names: .json, .csv].
    #[arg(long, value_enum)]
    pub format: Option<CatalogFormat>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// One material of the catalog.
#[derive(Debug, Serialize)]
struct MaterialRow<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    kind: &'static str,
}

/// One transport mode.
#[derive(Debug, Serialize)]
struct ModeRow<'a> {
    id: &'a str,
    name: &'a str,
    units: Vec<&'a str>,
    cost_per_unit_km: f64,
    max_distance_km: Option<f64>,
    capex_per_km: f64,
}

/// One substitution rule.
#[derive(Debug, Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    from: &'a str,
    to: &'a str,
    ratio: f64,
    max_share: f64,
    processing_cost: f64,
    modes: Vec<&'a str>,
}

/// The document of `--format json`.
#[derive(Debug, Serialize)]
struct Catalog<'a> {
    source: String,
    /// The currency of the money figures (a scenario's, after its exchange rates).
    currency: &'a str,
    materials: Vec<MaterialRow<'a>>,
    modes: Vec<ModeRow<'a>>,
    rules: Vec<RuleRow<'a>>,
}

impl<'a> Catalog<'a> {
    fn of(s: &'a Scenario, source: String) -> Catalog<'a> {
        let material = |m: symbio::domain::MaterialId| s.materials[m.0].id.as_str();
        Catalog {
            source,
            currency: &s.currency,
            materials: s
                .materials
                .iter()
                .map(|m| MaterialRow {
                    id: &m.id,
                    name: &m.name,
                    unit: &m.unit,
                    kind: match m.kind {
                        MaterialKind::Material => "material",
                        MaterialKind::Energy => "energy",
                        MaterialKind::Water => "water",
                    },
                })
                .collect(),
            modes: s
                .modes
                .iter()
                .map(|m| ModeRow {
                    id: &m.id,
                    name: &m.name,
                    units: m.units.iter().map(String::as_str).collect(),
                    cost_per_unit_km: m.cost_per_unit_km,
                    max_distance_km: m.max_distance_km,
                    capex_per_km: m.capex_per_km,
                })
                .collect(),
            rules: s
                .rules
                .iter()
                .map(|r| RuleRow {
                    id: &r.id,
                    from: material(r.from),
                    to: material(r.to),
                    ratio: r.ratio,
                    max_share: r.max_share,
                    processing_cost: r.processing_cost,
                    modes: r.modes.iter().map(|m| s.modes[m.0].id.as_str()).collect(),
                })
                .collect(),
        }
    }

    fn table(&self) -> String {
        let materials: Vec<Vec<String>> = self
            .materials
            .iter()
            .map(|m| vec![m.id.into(), m.name.into(), m.unit.into(), m.kind.into()])
            .collect();
        let modes: Vec<Vec<String>> = self
            .modes
            .iter()
            .map(|m| {
                vec![
                    m.id.into(),
                    m.units.join(", "),
                    symbio::report::num(m.cost_per_unit_km, 3),
                    m.max_distance_km
                        .map_or("–".into(), |d| symbio::report::num(d, 0)),
                ]
            })
            .collect();
        let rules: Vec<Vec<String>> = self
            .rules
            .iter()
            .map(|r| {
                vec![
                    r.id.into(),
                    format!("{} → {}", r.from, r.to),
                    symbio::report::num(r.ratio, 2),
                    symbio::report::num(r.max_share, 2),
                    r.modes.join(", "),
                ]
            })
            .collect();
        let (l, r) = (Align::Left, Align::Right);
        format!(
            "Catalog of {}, money in {}\n\n{}\n{}\n{}\n{}\n{}\n{}",
            self.source,
            self.currency,
            table::count(materials.len(), "material"),
            table::grid(
                &[("id", l), ("name", l), ("unit", l), ("kind", l)],
                &materials
            ),
            table::count(modes.len(), "mode"),
            table::grid(
                &[("id", l), ("units", l), ("cost/unit·km", r), ("max km", r)],
                &modes
            ),
            table::count(rules.len(), "rule"),
            table::grid(
                &[
                    ("id", l),
                    ("from → to", l),
                    ("ratio", r),
                    ("max share", r),
                    ("modes", l)
                ],
                &rules
            ),
        )
    }

    fn csv(&self) -> Result<String, CliError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| CliError::Usage(format!("cannot write CSV: {e}"));
        w.write_record([
            "section",
            "id",
            "name",
            "unit",
            "kind",
            "from",
            "to",
            "ratio",
            "max_share",
            "modes",
        ])
        .map_err(fail)?;
        for m in &self.materials {
            w.write_record(["material", m.id, m.name, m.unit, m.kind, "", "", "", "", ""])
                .map_err(fail)?;
        }
        for m in &self.modes {
            let units = m.units.join(", ");
            w.write_record(["mode", m.id, m.name, &units, "", "", "", "", "", ""])
                .map_err(fail)?;
        }
        for r in &self.rules {
            let (ratio, share, modes) = (
                r.ratio.to_string(),
                r.max_share.to_string(),
                r.modes.join(", "),
            );
            w.write_record([
                "rule", r.id, "", "", "", r.from, r.to, &ratio, &share, &modes,
            ])
            .map_err(fail)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| CliError::Usage(format!("cannot write CSV: {e}")))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Runs `symbio catalog`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, CatalogFormat::Table)?;
    let (scenario, source) = match &a.file {
        Some(f) => {
            let loaded = symbio::scenario::load::load_with(f, &a.input.options())?;
            a.out
                .guard(loaded.files.clone(), symbio::files::Kind::Other)?;
            (
                symbio::scenario::validate::validate(&loaded)?,
                f.display().to_string(),
            )
        }
        None => (
            symbio::scenario::read_str(Path::new("catalog/default.toml"), SHIPPED)?,
            "the catalog shipped with symbio (scenarios/catalog/default.toml)".to_owned(),
        ),
    };
    let catalog = Catalog::of(&scenario, source);
    let text = match format {
        CatalogFormat::Table => catalog.table(),
        CatalogFormat::Json => output::to_json(&catalog),
        CatalogFormat::Csv => catalog.csv()?,
    };
    a.out.emit(&text)?;
    Ok(Outcome::Done)
}
