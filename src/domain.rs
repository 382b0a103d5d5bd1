//! The validated scenario: every reference resolved to an index, every number checked.
//!
//! Built by [`crate::scenario::validate`]; nothing downstream re-checks what is here.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! index_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub usize);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

index_type!(
    /// Index of a [`Material`] in [`Scenario::materials`].
    MaterialId,
    /// Index of a [`Mode`] in [`Scenario::modes`].
    ModeId,
    /// Index of a [`Rule`] in [`Scenario::rules`].
    RuleId,
    /// Index of a [`Site`] in [`Scenario::sites`].
    SiteId,
    /// Index of an [`Output`] in [`Scenario::outputs`].
    OutputId,
    /// Index of an [`Input`] in [`Scenario::inputs`].
    InputId,
    /// Index of a [`Technology`] in [`Scenario::technologies`].
    TechnologyId,
    /// Index of a [`Plant`] in [`Scenario::plants`].
    PlantId,
    /// Index of a [`Period`] in [`Scenario::periods`].
    PeriodId,
    /// Index of a [`Store`] in [`Scenario::stores`].
    StoreId,
);

/// Global parameters with their defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameters {
    /// Currency per t CO2e (default 0).
    pub carbon_price: f64,
    /// Fraction per year used to annualise capital (default 0.08).
    pub discount_rate: f64,
    /// Currency per GJ of transport energy (default 0).
    pub energy_price: f64,
    /// Road distance over straight-line distance (default 1.3).
    pub circuity: f64,
    /// Who pays transport, energy, fixed and capital costs (default receiver).
    pub transport_paid_by: Payer,
    /// Who pays processing (default receiver).
    pub processing_paid_by: Payer,
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            carbon_price: 0.0,
            discount_rate: 0.08,
            energy_price: 0.0,
            circuity: 1.3,
            transport_paid_by: Payer::Receiver,
            processing_paid_by: Payer::Receiver,
        }
    }
}

/// A material, energy carrier or water stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Material {
    /// Id from the file.
    pub id: String,
    /// Readable name (the id when none was given).
    pub name: String,
    /// Unit of every quantity of it.
    pub unit: String,
    /// Material, energy or water.
    pub kind: MaterialKind,
}

/// A transport mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mode {
    /// Id from the file.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// Units it can carry.
    pub units: Vec<String>,
    /// Currency per unit per km.
    pub cost_per_unit_km: f64,
    /// GJ per unit per km.
    pub energy_per_unit_km: f64,
    /// t CO2e per unit per km.
    pub co2_per_unit_km: f64,
    /// Fraction of the flow lost per km.
    pub loss_per_km: f64,
    /// Longest distance served, km.
    pub max_distance_km: Option<f64>,
    /// Currency per year per active link.
    pub fixed_cost_per_year: f64,
    /// Currency per km of new link.
    pub capex_per_km: f64,
    /// Years over which capital is annualised.
    pub lifetime_years: f64,
    /// Largest flow per link, units per year.
    pub capacity: Option<f64>,
}

impl Mode {
    /// Whether the mode can carry a material measured in `unit`.
    pub fn carries(&self, unit: &str) -> bool {
        self.units.iter().any(|u| u == unit)
    }
}

/// A substitution rule: a unit of `from` delivered displaces `ratio` units of `to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Id from the file.
    pub id: String,
    /// Material offered.
    pub from: MaterialId,
    /// Material displaced.
    pub to: MaterialId,
    /// Units of `to` per unit of `from` delivered.
    pub ratio: f64,
    /// Largest fraction of an input's quantity this rule may cover.
    pub max_share: f64,
    /// Currency per unit of `from` delivered.
    pub processing_cost: f64,
    /// t CO2e per unit of `from` delivered.
    pub processing_co2: f64,
    /// Modes allowed.
    pub modes: Vec<ModeId>,
    /// A rule symbio adds so that a plant takes its input material as it is
    /// (ratio 1, no share limit or processing): it reaches plants' inputs only.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub plants_only: bool,
}

/// Where a site is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Location {
    /// Geographic coordinates, degrees.
    LatLon {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
    },
    /// Abstract planar coordinates, km.
    Planar {
        /// x, km.
        x_km: f64,
        /// y, km.
        y_km: f64,
    },
}

/// Mean Earth radius, km (IUGG).
pub(crate) const EARTH_RADIUS_KM: f64 = 6371.0088;

impl Location {
    /// Straight-line distance in km: great-circle for lat/lon, Euclidean for planar;
    /// `None` when the two are of different kinds.
    pub fn distance_km(&self, other: &Location) -> Option<f64> {
        match (*self, *other) {
            (Location::LatLon { lat: a, lon: b }, Location::LatLon { lat: c, lon: d }) => {
                let (p1, p2) = (a.to_radians(), c.to_radians());
                let dp = p2 - p1;
                let dl = (d - b).to_radians();
                let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
                Some(2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin())
            }
            (Location::Planar { x_km: a, y_km: b }, Location::Planar { x_km: c, y_km: d }) => {
                Some((a - c).hypot(b - d))
            }
            _ => None,
        }
    }

    /// A point in 3-D km space whose Euclidean distances are chord lengths for
    /// lat/lon (never longer than the great-circle distance) and exact for planar
    /// locations; used by the spatial index.
    pub(crate) fn embed(&self) -> [f64; 3] {
        match *self {
            Location::LatLon { lat, lon } => {
                let (p, l) = (lat.to_radians(), lon.to_radians());
                [
                    EARTH_RADIUS_KM * p.cos() * l.cos(),
                    EARTH_RADIUS_KM * p.cos() * l.sin(),
                    EARTH_RADIUS_KM * p.sin(),
                ]
            }
            Location::Planar { x_km, y_km } => [x_km, y_km, 0.0],
        }
    }
}

/// A plant or other participant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// Id from the file.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// Sector.
    pub sector: Option<String>,
    /// Location, if given.
    pub location: Option<Location>,
    /// Its outputs.
    pub outputs: Vec<OutputId>,
    /// Its inputs.
    pub inputs: Vec<InputId>,
    /// The plant this site stands for: each plant is a site of its own, whose
    /// outputs and inputs are the technology's (after the scenario's sites).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plant: Option<PlantId>,
}

/// A waste or by-product stream offered by a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    /// Id, unique within the site.
    pub id: String,
    /// Site offering it.
    pub site: SiteId,
    /// Its material.
    pub material: MaterialId,
    /// Units per year.
    pub quantity: f64,
    /// Currency per unit paid today to dispose of it (negative when sold).
    pub disposal_cost: f64,
    /// t CO2e per unit emitted by today's disposal.
    pub disposal_co2: f64,
}

/// A resource a site buys today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// Id, unique within the site.
    pub id: String,
    /// Site buying it.
    pub site: SiteId,
    /// Its material.
    pub material: MaterialId,
    /// Units per year.
    pub quantity: f64,
    /// Currency per unit of the virgin resource.
    pub price: f64,
    /// t CO2e per unit of the virgin resource.
    pub co2: f64,
}

/// Where an item was written, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// File.
    pub file: Arc<Path>,
    /// Field path of the item (`links[2]`).
    pub path: String,
}

/// Facts about one output → input pair (one `[[links]]` entry), resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkFact {
    /// The output.
    pub output: OutputId,
    /// The input.
    pub input: InputId,
    /// The mode, or every allowed mode when `None`.
    pub mode: Option<ModeId>,
    /// candidate, existing, forced or forbidden.
    pub status: LinkStatus,
    /// Distance, km.
    pub distance_km: Option<f64>,
    /// Currency per unit sent, replacing the mode's cost × distance.
    pub transport_cost_per_unit: Option<f64>,
    /// Currency per year, replacing the mode's fixed cost.
    pub fixed_cost_per_year: Option<f64>,
    /// Total capital cost, replacing the mode's capex per km × distance.
    pub capex: Option<f64>,
    /// Largest flow, units of the output per year.
    pub capacity: Option<f64>,
    /// Recorded flow today, units of the output per year.
    pub quantity: Option<f64>,
    /// Where it was written.
    pub origin: Origin,
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Currency of all money figures.
    pub currency: String,
    /// Description.
    pub description: String,
    /// The file loaded.
    pub file: PathBuf,
    /// Global parameters.
    pub parameters: Parameters,
    /// Materials.
    pub materials: Vec<Material>,
    /// Modes.
    pub modes: Vec<Mode>,
    /// Rules.
    pub rules: Vec<Rule>,
    /// Sites.
    pub sites: Vec<Site>,
    /// Outputs of all sites.
    pub outputs: Vec<Output>,
    /// Inputs of all sites.
    pub inputs: Vec<Input>,
    /// Link facts.
    pub links: Vec<LinkFact>,
    /// Processing technologies.
    pub technologies: Vec<Technology>,
    /// Plants (each also a site, [`Plant::site`]).
    pub plants: Vec<Plant>,
    /// Limits on how many plants of a group open.
    pub plant_groups: Vec<PlantGroup>,
    /// Periods of the year, in the order written (empty: one year, as without
    /// periods).
    pub periods: Vec<Period>,
    /// Streams whose quantity (or price) varies by period, sorted by stream;
    /// the others are flat ([`Scenario::output_in`]).
    pub profiles: Vec<Profile>,
    /// Stores.
    pub stores: Vec<Store>,
}

/// A period of the year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// Id from the file.
    pub id: String,
    /// Readable name (the id when none was given).
    pub name: String,
    /// Fraction of the year; the shares of all periods sum to 1 exactly (the
    /// shares written, within the tolerance of validation, scaled to 1).
    pub share: f64,
    /// Currency per GJ of transport energy in it: its own, or
    /// [`Parameters::energy_price`].
    pub energy_price: f64,
}

/// An output or an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Stream {
    /// An output.
    Output(OutputId),
    /// An input.
    Input(InputId),
}

/// A stream's quantity (and an input's price) by period.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The stream.
    pub stream: Stream,
    /// Units in each period, in the order of [`Scenario::periods`]; they sum
    /// to the stream's annual quantity. `None`: flat (quantity × share).
    pub quantities: Option<Vec<f64>>,
    /// An input's price per unit in each period. `None`: its price all year.
    pub prices: Option<Vec<f64>>,
    /// Where it was written.
    pub origin: Origin,
}

/// A store of one material at a site or at a plant.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    /// Id from the file.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// The site it stands at (a plant's own site for a store at a plant).
    pub site: SiteId,
    /// The plant it stands at, if it was placed at one.
    pub plant: Option<PlantId>,
    /// What it holds.
    pub material: MaterialId,
    /// Most it holds, units.
    pub capacity: f64,
    /// Fastest it fills, units per year (× a period's share in a period).
    pub max_charge: Option<f64>,
    /// Fastest it empties, units per year (× a period's share in a period).
    pub max_discharge: Option<f64>,
    /// Fraction of what it holds lost in each period.
    pub loss_per_period: f64,
    /// Currency per unit put into it.
    pub cost_per_unit_charged: f64,
    /// candidate or existing.
    pub status: StoreStatus,
    /// Capital cost of a candidate, currency.
    pub capex: f64,
    /// Years over which capex is annualised.
    pub lifetime_years: f64,
    /// Currency per year of a store in use.
    pub fixed_cost_per_year: f64,
    /// Where it was written.
    pub origin: Origin,
}

/// What a technology takes in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechnologyInput {
    /// Material.
    pub material: MaterialId,
    /// Smallest fraction of the throughput from this input.
    pub min_share: f64,
    /// Largest fraction of the throughput from this input.
    pub max_share: f64,
}

/// What a technology makes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechnologyOutput {
    /// Material.
    pub material: MaterialId,
    /// Units made per unit processed.
    pub yield_per_unit: f64,
    /// Currency per unit made that no exchange takes (negative when sold).
    pub disposal_cost: f64,
    /// t CO2e per unit made that no exchange takes.
    pub disposal_co2: f64,
}

/// A size a plant of a technology can be built at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Size {
    /// Id, unique within the technology.
    pub id: String,
    /// Largest throughput, units processed per year.
    pub capacity: f64,
    /// Currency per year of an open plant.
    pub fixed_cost_per_year: f64,
    /// Capital cost, currency.
    pub capex: f64,
    /// Years over which capital is annualised.
    pub lifetime_years: f64,
}

/// A process that turns inputs into outputs at fixed yields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Technology {
    /// Id from the file.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// What it takes in.
    pub inputs: Vec<TechnologyInput>,
    /// What it makes.
    pub outputs: Vec<TechnologyOutput>,
    /// Sizes, as written.
    pub sizes: Vec<Size>,
    /// Currency per unit processed.
    pub operating_cost: f64,
    /// GJ per unit processed.
    pub energy_per_unit: f64,
    /// t CO2e per unit processed.
    pub co2_per_unit: f64,
}

impl Technology {
    /// Whether it is a hub: one input and one output of the same material.
    pub fn is_hub(&self) -> bool {
        self.inputs.len() == 1
            && self.outputs.len() == 1
            && self.inputs[0].material == self.outputs[0].material
    }
}

/// A technology at a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plant {
    /// Id from the file (also its site's id).
    pub id: String,
    /// Readable name.
    pub name: String,
    /// Its technology.
    pub technology: TechnologyId,
    /// The site that stands for it: its outputs and inputs are the plant's.
    pub site: SiteId,
    /// The scenario site it stands at, if it was placed at one.
    pub host: Option<SiteId>,
    /// candidate, existing, forced or forbidden.
    pub status: PlantStatus,
    /// The technology's sizes it may be built at (indices, ascending); the one
    /// size of an existing plant.
    pub sizes: Vec<usize>,
    /// The firm that runs it: a site id of the scenario or a firm of its own.
    pub operator: String,
    /// The scenario site that runs it, when the operator is one.
    pub operator_site: Option<SiteId>,
    /// The firm that runs it, by index among [`Scenario::firms`].
    pub firm: usize,
    /// One input per technology input, in the technology's order.
    pub inputs: Vec<InputId>,
    /// One output per technology output, in the technology's order.
    pub outputs: Vec<OutputId>,
    /// Where it was written.
    #[serde(skip)]
    pub origin: Origin,
}

impl Plant {
    /// Whether it is always open (existing or forced).
    pub fn is_mandatory(&self) -> bool {
        matches!(self.status, PlantStatus::Existing | PlantStatus::Forced)
    }
}

/// A limit on how many plants of a group open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantGroup {
    /// Id from the file.
    pub id: String,
    /// Its plants, ascending.
    pub plants: Vec<PlantId>,
    /// Fewest that open.
    pub min_open: Option<u32>,
    /// Most that open.
    pub max_open: Option<u32>,
    /// Where it was written.
    #[serde(skip)]
    pub origin: Origin,
}

impl Scenario {
    /// The material of an output.
    pub fn output_material(&self, o: OutputId) -> &Material {
        &self.materials[self.outputs[o.0].material.0]
    }

    /// The material of an input.
    pub fn input_material(&self, i: InputId) -> &Material {
        &self.materials[self.inputs[i.0].material.0]
    }

    /// The plant whose output `o` is, if it is one's.
    pub fn plant_of_output(&self, o: OutputId) -> Option<PlantId> {
        self.sites[self.outputs[o.0].site.0].plant
    }

    /// The plant whose input `i` is, if it is one's.
    pub fn plant_of_input(&self, i: InputId) -> Option<PlantId> {
        self.sites[self.inputs[i.0].site.0].plant
    }

    /// Whether the scenario has periods (then its quantities are also known by
    /// period).
    pub fn has_periods(&self) -> bool {
        !self.periods.is_empty()
    }

    /// The profile of a stream, when it has one.
    pub fn profile(&self, stream: Stream) -> Option<&Profile> {
        self.profiles
            .binary_search_by_key(&stream, |p| p.stream)
            .ok()
            .map(|k| &self.profiles[k])
    }

    /// Units of output `o` in period `p`: its profile's, else its annual
    /// quantity × the period's share.
    pub fn output_in(&self, o: OutputId, p: PeriodId) -> f64 {
        self.quantity_in(Stream::Output(o), self.outputs[o.0].quantity, p)
    }

    /// Units of input `i` in period `p`: its profile's, else its annual
    /// quantity × the period's share.
    pub fn input_in(&self, i: InputId, p: PeriodId) -> f64 {
        self.quantity_in(Stream::Input(i), self.inputs[i.0].quantity, p)
    }

    /// The price per unit of input `i` in period `p`: its profile's, else its
    /// price.
    pub fn input_price_in(&self, i: InputId, p: PeriodId) -> f64 {
        self.profile(Stream::Input(i))
            .and_then(|f| f.prices.as_ref())
            .map_or(self.inputs[i.0].price, |prices| prices[p.0])
    }

    /// The stream a store works on: its site's output of the store's
    /// material (it holds what the site makes before it is sent), else its
    /// site's input of it (it holds what arrives before it is used).
    /// Validation makes this one stream (`None` only for a scenario it
    /// has not checked).
    pub fn store_stream(&self, k: StoreId) -> Option<Stream> {
        let store = &self.stores[k.0];
        let site = &self.sites[store.site.0];
        let of = store.material;
        let output = site
            .outputs
            .iter()
            .find(|o| self.outputs[o.0].material == of);
        let input = site.inputs.iter().find(|i| self.inputs[i.0].material == of);
        output
            .map(|&o| Stream::Output(o))
            .or(input.map(|&i| Stream::Input(i)))
    }

    /// A stream's units in a period, `annual` a year.
    fn quantity_in(&self, stream: Stream, annual: f64, p: PeriodId) -> f64 {
        match self.profile(stream).and_then(|f| f.quantities.as_ref()) {
            Some(q) => q[p.0],
            None => annual * self.periods[p.0].share,
        }
    }

    /// The scenario's own sites, before the sites that stand for plants.
    pub fn firm_sites(&self) -> &[Site] {
        let n = self.plants.first().map_or(self.sites.len(), |p| p.site.0);
        &self.sites[..n]
    }

    /// The firms among which a plan's gain is split: the scenario's own
    /// sites, in order, then each operator of a plant that is no site, in the
    /// order of its first plant; as (id, name). Without plants, the sites.
    pub fn firms(&self) -> Vec<(&str, &str)> {
        let mut firms: Vec<(&str, &str)> = self
            .firm_sites()
            .iter()
            .map(|site| (site.id.as_str(), site.name.as_str()))
            .collect();
        for p in &self.plants {
            if p.firm == firms.len() {
                firms.push((p.operator.as_str(), p.operator.as_str()));
            }
        }
        firms
    }

    /// The firm of a site (its index among [`Scenario::firms`]): the site
    /// itself, or for a plant's site the plant's operator.
    pub fn firm_of(&self, site: SiteId) -> usize {
        match self.sites[site.0].plant {
            None => site.0,
            Some(p) => self.plants[p.0].firm,
        }
    }

    /// Capital recovery factor for a lifetime in years at the scenario's discount rate:
    /// r(1+r)^L / ((1+r)^L − 1), or 1/L when r = 0.
    pub(crate) fn capital_recovery_factor(&self, lifetime_years: f64) -> f64 {
        capital_recovery_factor(self.parameters.discount_rate, lifetime_years)
    }
}

/// Capital recovery factor r(1+r)^L / ((1+r)^L − 1), or 1/L when r = 0.
pub(crate) fn capital_recovery_factor(rate: f64, lifetime_years: f64) -> f64 {
    if rate.abs() < 1e-12 {
        1.0 / lifetime_years
    } else {
        let g = (1.0 + rate).powf(lifetime_years);
        rate * g / (g - 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crf_matches_annuity_formula() {
        assert!((capital_recovery_factor(0.0, 20.0) - 0.05).abs() < 1e-12);
        // 8 % over 20 years: 0.101852...
        assert!((capital_recovery_factor(0.08, 20.0) - 0.101_852_2).abs() < 1e-6);
    }

    #[test]
    fn great_circle_distance_of_known_pair() {
        // One degree of latitude is about 111.2 km.
        let a = Location::LatLon { lat: 0.0, lon: 0.0 };
        let b = Location::LatLon { lat: 1.0, lon: 0.0 };
        let d = a.distance_km(&b).unwrap();
        assert!((d - 111.195).abs() < 0.01, "{d}");
        let e = a.embed();
        let f = b.embed();
        let chord = ((e[0] - f[0]).powi(2) + (e[1] - f[1]).powi(2) + (e[2] - f[2]).powi(2)).sqrt();
        assert!(chord <= d && chord > d - 0.01);
    }

    #[test]
    fn mixed_locations_have_no_distance() {
        let a = Location::LatLon { lat: 0.0, lon: 0.0 };
        let b = Location::Planar {
            x_km: 0.0,
            y_km: 0.0,
        };
        assert_eq!(a.distance_km(&b), None);
    }
}

/// Who bears a cost of a link, for the per-site split of the benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The firm that offers the output.
    Supplier,
    /// The firm that takes it as an input.
    Receiver,
    /// Half each.
    Shared,
}

/// What a material is, for reporting (heat loss is only counted for energy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// A solid or liquid material (slag, ash, gypsum, plastics, ...).
    Material,
    /// An energy carrier (steam, hot water, waste heat, electricity).
    Energy,
    /// Water (process water, treated wastewater).
    Water,
}

/// Status of a link fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// May be built or not (the default).
    #[default]
    Candidate,
    /// Operating today: part of the baseline, always built, carries no capex.
    Existing,
    /// Must be built.
    Forced,
    /// Must not be built.
    Forbidden,
}

/// Status of a plant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlantStatus {
    /// May be opened or not (the default).
    #[default]
    Candidate,
    /// Operating today at its size: part of the baseline, always open, carries no capex.
    Existing,
    /// Must open.
    Forced,
    /// Must not open.
    Forbidden,
}

impl PlantStatus {
    /// The status as files spell it.
    pub fn name(self) -> &'static str {
        match self {
            PlantStatus::Candidate => "candidate",
            PlantStatus::Existing => "existing",
            PlantStatus::Forced => "forced",
            PlantStatus::Forbidden => "forbidden",
        }
    }
}

/// Status of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoreStatus {
    /// May be built or not (the default).
    #[default]
    Candidate,
    /// Operating today: part of the baseline, carries no capex.
    Existing,
}

impl StoreStatus {
    /// The status as files spell it.
    pub fn name(self) -> &'static str {
        match self {
            StoreStatus::Candidate => "candidate",
            StoreStatus::Existing => "existing",
        }
    }
}

/// Kind of a probability distribution in `[[uncertainty]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DistributionKind {
    /// Uniform between `min` and `max`.
    Uniform,
    /// Triangular between `min` and `max`, most likely at `mode`.
    Triangular,
    /// Normal with `mean` and `sd`, truncated to [`min`, `max`] when they are given.
    Normal,
}
