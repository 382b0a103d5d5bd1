//! The summary of a scenario and its candidate network, as `symbio check`
//! reports it: the scenario's size, the candidate links and what was left out,
//! the independent parts, the streams no link can serve, the recorded flows
//! that cannot fit (each with the field it was written in) and the figures left
//! to their defaults; with periods, the periods, each profile's quantities by
//! period and the stores (the candidate network is built once for all
//! periods: its links' bounds are the annual ones).
//!
//! ```
//! let path = std::path::Path::new("tests/data/hand.toml");
//! let loaded = symbio::scenario::load::load(path)?;
//! let s = symbio::scenario::validate::validate(&loaded)?;
//! let summary = symbio::check::summary(&loaded, &s)?;
//! assert_eq!(summary.candidate_links, 4);
//! assert!(summary.conflicts.is_empty());
//! # Ok::<(), symbio::Error>(())
//! ```

use serde::Serialize;

use crate::domain::{self, LinkStatus, MaterialId, Scenario, SiteId};
use crate::error::Error;
use crate::network::{mandatory, Network};
use crate::plan::Conflict;
use crate::scenario::defaults::{self, Unstated};
use crate::scenario::load::Loaded;

/// What `check` finds (serialised as `symbio check --format json` writes it).
#[derive(Debug, Serialize)]
pub struct Summary {
    /// The scenario file, as it was named.
    pub file: String,
    /// Scenario name.
    pub scenario: String,
    /// Currency of money figures.
    pub currency: String,
    /// Sites.
    pub sites: usize,
    /// Outputs of all sites.
    pub outputs: usize,
    /// Inputs of all sites.
    pub inputs: usize,
    /// Materials.
    pub materials: usize,
    /// Transport modes.
    pub modes: usize,
    /// Substitution rules.
    pub rules: usize,
    /// Link facts of the file.
    pub link_facts: usize,
    /// Of which existing today.
    pub existing_links: usize,
    /// Candidate links of the network.
    pub candidate_links: usize,
    /// Candidate pairs left out, by reason.
    pub left_out: LeftOut,
    /// Independent parts of the network.
    pub independent_parts: usize,
    /// Outputs no candidate link serves.
    pub unmatched_outputs: Vec<Stream>,
    /// Inputs no candidate link serves.
    pub unmatched_inputs: Vec<Stream>,
    /// Constraints the recorded flows exceed on their own (absent when none):
    /// no plan can exist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FileConflict>,
    /// Figures left out that default to 0 where a number is expected (absent
    /// when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Sites without a location and the exchanges they lose (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unplaced: Vec<crate::analysis::unplaced::Unplaced>,
    /// Technologies (absent without plants).
    #[serde(skip_serializing_if = "is_zero")]
    pub technologies: usize,
    /// The plants with the candidate links that reach and leave them (absent
    /// without plants).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plants: Vec<PlantLine>,
    /// The periods of the year (absent without periods).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PeriodLine>,
    /// The streams with a profile, each with its quantities by period (absent
    /// without periods).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<ProfileLine>,
    /// The stores (absent without).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<StoreLine>,
}

/// A period as `check` lists it.
#[derive(Debug, Serialize)]
pub struct PeriodLine {
    /// Period id.
    pub period: String,
    /// Fraction of the year.
    pub share: f64,
    /// Price of transport energy in it, currency per GJ.
    pub energy_price: f64,
}

/// A stream with a profile, as `check` lists it.
#[derive(Debug, Serialize)]
pub struct ProfileLine {
    /// Its site's id.
    pub site: String,
    /// `output` or `input`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Unit of its material.
    pub unit: String,
    /// Its annual quantity.
    pub quantity: f64,
    /// Units in each period, in the order of `periods`.
    pub by_period: Vec<f64>,
    /// An input's price in each period, when it varies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices: Option<Vec<f64>>,
}

impl ProfileLine {
    fn of(s: &Scenario, p: &domain::Profile) -> ProfileLine {
        let periods = (0..s.periods.len()).map(domain::PeriodId);
        let (kind, site, id, material, quantity, by_period) = match p.stream {
            domain::Stream::Output(o) => {
                let out = &s.outputs[o.0];
                let q = periods.map(|k| s.output_in(o, k)).collect();
                ("output", out.site, &out.id, out.material, out.quantity, q)
            }
            domain::Stream::Input(i) => {
                let inp = &s.inputs[i.0];
                let q = periods.map(|k| s.input_in(i, k)).collect();
                ("input", inp.site, &inp.id, inp.material, inp.quantity, q)
            }
        };
        ProfileLine {
            site: s.sites[site.0].id.clone(),
            kind,
            id: id.clone(),
            unit: s.materials[material.0].unit.clone(),
            quantity,
            by_period,
            prices: p.prices.clone(),
        }
    }
}

/// A store as `check` lists it.
#[derive(Debug, Serialize)]
pub struct StoreLine {
    /// Store id.
    pub store: String,
    /// candidate or existing.
    pub status: &'static str,
    /// `at SITE`, or `at plant PLANT`.
    pub place: String,
    /// Material id of what it holds.
    pub material: String,
    /// Most it holds, in the material's unit.
    pub capacity: f64,
    /// The material's unit.
    pub unit: String,
}

impl StoreLine {
    fn of(s: &Scenario, st: &domain::Store) -> StoreLine {
        let place = match st.plant {
            Some(p) => format!("at plant {}", s.plants[p.0].id),
            None => format!("at {}", s.sites[st.site.0].id),
        };
        let m = &s.materials[st.material.0];
        StoreLine {
            store: st.id.clone(),
            status: st.status.name(),
            place,
            material: m.id.clone(),
            capacity: st.capacity,
            unit: m.unit.clone(),
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A plant as `check` lists it.
#[derive(Debug, Serialize)]
pub struct PlantLine {
    /// Plant id.
    pub plant: String,
    /// Technology id.
    pub technology: String,
    /// candidate, existing, forced or forbidden.
    pub status: &'static str,
    /// The site it stands at (`at SITE`), or its coordinates.
    pub place: String,
    /// The sizes it may open at.
    pub sizes: Vec<String>,
    /// Candidate links into it.
    pub links_in: usize,
    /// Candidate links out of it.
    pub links_out: usize,
}

impl PlantLine {
    fn of(s: &Scenario, net: &Network, p: &crate::domain::Plant) -> PlantLine {
        use crate::domain::Location;
        let tech = &s.technologies[p.technology.0];
        let place = match (p.host, s.sites[p.site.0].location) {
            (Some(h), _) => format!("at {}", s.sites[h.0].id),
            (None, Some(Location::LatLon { lat, lon })) => format!("{lat:.4}, {lon:.4}"),
            (None, Some(Location::Planar { x_km, y_km })) => {
                format!("x {x_km} km, y {y_km} km")
            }
            (None, None) => "no location".into(),
        };
        PlantLine {
            plant: p.id.clone(),
            technology: tech.id.clone(),
            status: p.status.name(),
            place,
            sizes: p.sizes.iter().map(|&k| tech.sizes[k].id.clone()).collect(),
            links_in: net
                .links
                .iter()
                .filter(|l| s.inputs[l.input.0].site == p.site)
                .count(),
            links_out: net
                .links
                .iter()
                .filter(|l| s.outputs[l.output.0].site == p.site)
                .count(),
        }
    }
}

/// A figure the file leaves to its default.
#[derive(Debug, Serialize)]
pub struct Warning {
    /// The file of the item that leaves it out.
    pub file: String,
    /// Its field path.
    pub path: String,
    /// What is assumed.
    pub message: String,
}

impl Warning {
    fn of(u: &Unstated) -> Warning {
        Warning {
            file: u.file.display().to_string(),
            path: u.path.clone(),
            message: format!("not given: {} assumed", u.default),
        }
    }
}

/// A conflict with the file and field path of each of its links' recorded quantity.
#[derive(Debug, Serialize)]
pub struct FileConflict {
    /// The conflict.
    #[serde(flatten)]
    pub conflict: Conflict,
    /// One per link of `conflict.links`, in that order.
    pub fields: Vec<Field>,
}

/// Where a value was written.
#[derive(Debug, Serialize)]
pub struct Field {
    /// The file.
    pub file: String,
    /// The field path.
    pub path: String,
}

impl FileConflict {
    /// The conflict `c` of network `net`, with its fields.
    fn of(s: &Scenario, net: &Network, c: &mandatory::Conflict) -> FileConflict {
        let fields = c
            .links
            .iter()
            .filter_map(|&k| net.links[k].fact)
            .map(|f| {
                let origin = &s.links[f].origin;
                Field {
                    file: origin.file.display().to_string(),
                    path: format!("{}.quantity", origin.path),
                }
            })
            .collect();
        FileConflict {
            conflict: Conflict::of(s, net, c),
            fields,
        }
    }
}

/// Candidate pairs left out of the network, by reason.
#[derive(Debug, Serialize)]
pub struct LeftOut {
    /// They could never pay.
    pub never_pay: usize,
    /// Beyond their mode's distance limit.
    pub too_far: usize,
    /// Forbidden by a link fact.
    pub forbidden: usize,
    /// Nothing to send or to receive.
    pub empty: usize,
    /// All would be lost in transport.
    pub lossy: usize,
}

/// An output or input that no candidate link serves.
#[derive(Debug, Serialize)]
pub struct Stream {
    /// Its site's id.
    pub site: String,
    /// Its id.
    pub id: String,
    /// Its material's id.
    pub material: String,
}

impl Stream {
    fn of(s: &Scenario, site: SiteId, id: &str, material: MaterialId) -> Stream {
        Stream {
            site: s.sites[site.0].id.clone(),
            id: id.to_owned(),
            material: s.materials[material.0].id.clone(),
        }
    }
}

/// The summary of scenario `s`, validated from `loaded`: its candidate network
/// is built.
pub fn summary(loaded: &Loaded, s: &Scenario) -> Result<Summary, Error> {
    // Periods are summarised, and the network is that of the annual totals.
    let net = crate::network::build_with(s, crate::network::BuildOptions::default())?;
    let p = &net.pruned;
    Ok(Summary {
        file: loaded.root.display().to_string(),
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        sites: s.firm_sites().len(),
        outputs: s.outputs.len(),
        inputs: s.inputs.len(),
        materials: s.materials.len(),
        modes: s.modes.len(),
        rules: s.rules.iter().filter(|r| !r.plants_only).count(),
        link_facts: s.links.len(),
        existing_links: s
            .links
            .iter()
            .filter(|l| l.status == LinkStatus::Existing)
            .count(),
        candidate_links: net.links.len(),
        left_out: LeftOut {
            never_pay: p.never_pay,
            too_far: p.too_far,
            forbidden: p.forbidden,
            empty: p.empty,
            lossy: p.lossy,
        },
        independent_parts: net.independent_parts().len(),
        unmatched_outputs: net
            .unmatched_outputs(s)
            .into_iter()
            .map(|o| {
                let o = &s.outputs[o.0];
                Stream::of(s, o.site, &o.id, o.material)
            })
            .collect(),
        unmatched_inputs: net
            .unmatched_inputs(s)
            .into_iter()
            .map(|i| {
                let i = &s.inputs[i.0];
                Stream::of(s, i.site, &i.id, i.material)
            })
            .collect(),
        conflicts: mandatory::conflicts(s, &net)
            .iter()
            .map(|c| FileConflict::of(s, &net, c))
            .collect(),
        warnings: defaults::unstated(loaded).iter().map(Warning::of).collect(),
        unplaced: crate::analysis::unplaced::unplaced(s),
        technologies: s.technologies.len(),
        plants: s.plants.iter().map(|p| PlantLine::of(s, &net, p)).collect(),
        periods: s
            .periods
            .iter()
            .map(|p| PeriodLine {
                period: p.id.clone(),
                share: p.share,
                energy_price: p.energy_price,
            })
            .collect(),
        profiles: s.profiles.iter().map(|p| ProfileLine::of(s, p)).collect(),
        stores: s.stores.iter().map(|st| StoreLine::of(s, st)).collect(),
    })
}
