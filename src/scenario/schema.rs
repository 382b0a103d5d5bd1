//! The scenario file as written: serde types for TOML and JSON, one struct per table.
//!
//! These types only describe the *shape* of a file. Nothing here is checked beyond
//! what serde checks (field names and types); [`crate::scenario::validate`] turns a
//! merged [`ScenarioFile`] into a validated [`crate::domain::Scenario`].
//! `docs/scenario-format.md` documents every field; `symbio schema` prints the JSON
//! Schema derived from these types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::{DistributionKind, LinkStatus, MaterialKind, Payer, PlantStatus, StoreStatus};

/// A whole scenario file (or an included file).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Name, currency, description and included files.
    #[serde(default)]
    pub scenario: ScenarioHeader,
    /// Global parameters; an including file's values take precedence over an included file's.
    #[serde(default)]
    pub parameters: ParametersFile,
    /// Materials, energy carriers and water streams, with their units.
    #[serde(default)]
    pub materials: Vec<MaterialFile>,
    /// Transport modes (truck, rail, steam pipe, ...).
    #[serde(default)]
    pub modes: Vec<ModeFile>,
    /// Substitution rules: which output material can replace which input material.
    #[serde(default)]
    pub rules: Vec<RuleFile>,
    /// Sites (plants) with their outputs and inputs.
    #[serde(default)]
    pub sites: Vec<SiteFile>,
    /// Facts about particular output → input pairs that override what symbio computes.
    #[serde(default)]
    pub links: Vec<LinkFile>,
    /// Uncertain numeric fields, each with a distribution, for `symbio montecarlo`.
    #[serde(default)]
    pub uncertainty: Vec<UncertaintyFile>,
    /// Processing technologies (slag grinding, tyre processing, digesters, hubs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technologies: Vec<TechnologyFile>,
    /// Plants: a technology at a place, which the optimizer may open and size.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plants: Vec<PlantFile>,
    /// Limits on how many plants of a group open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plant_groups: Vec<PlantGroupFile>,
    /// Periods of the year (seasons, months, shifts), each a share of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PeriodFile>,
    /// Outputs' and inputs' quantities (and inputs' prices) by period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<ProfileFile>,
    /// Stores that carry a material from one period to another.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<StoreFile>,
}

/// The `[scenario]` table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioHeader {
    /// Human-readable name of the scenario.
    pub name: Option<String>,
    /// Currency code of every money figure in the scenario (e.g. "EUR", "CNY").
    pub currency: Option<String>,
    /// Free text: scope, sources, assumptions.
    pub description: Option<String>,
    /// Other scenario files merged into this one, relative to this file.
    #[serde(default)]
    pub include: Vec<String>,
}

/// The `[parameters]` table. Every field is optional in the file; defaults are
/// documented on [`crate::domain::Parameters`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParametersFile {
    /// Price of carbon, currency per t CO2e (default 0).
    pub carbon_price: Option<f64>,
    /// Discount rate used to annualise capital costs, fraction per year (default 0.08).
    pub discount_rate: Option<f64>,
    /// Price of transport energy, currency per GJ (default 0).
    pub energy_price: Option<f64>,
    /// Road distance over great-circle distance (default 1.3).
    pub circuity: Option<f64>,
    /// Who pays transport, energy, fixed and capital costs of a link (default receiver).
    pub transport_paid_by: Option<Payer>,
    /// Who pays processing cost of a link (default receiver).
    pub processing_paid_by: Option<Payer>,
    /// Units of this scenario's currency per one unit of another currency, for
    /// included files written in that currency (e.g. `{ EUR = 7.8 }`).
    #[serde(default)]
    pub exchange_rates: BTreeMap<String, f64>,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[materials]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialFile {
    /// Unique id, referred to by outputs, inputs and rules.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// Unit of every quantity of this material (t, MWh, GJ, m3, t_steam, ...).
    pub unit: String,
    /// material, energy or water.
    pub kind: MaterialKind,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[modes]]` entry: a way to move a material between sites.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeFile {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// Units this mode can carry (a material can use the mode only if its unit is listed).
    pub units: Vec<String>,
    /// Transport cost, currency per unit per km.
    #[serde(default)]
    pub cost_per_unit_km: f64,
    /// Transport energy, GJ per unit per km (priced at `energy_price`).
    #[serde(default)]
    pub energy_per_unit_km: f64,
    /// Transport emissions, t CO2e per unit per km.
    #[serde(default)]
    pub co2_per_unit_km: f64,
    /// Fraction of the flow lost per km (heat and steam).
    #[serde(default)]
    pub loss_per_km: f64,
    /// Longest distance this mode serves, km (no limit when absent).
    pub max_distance_km: Option<f64>,
    /// Fixed cost of an active link, currency per year.
    #[serde(default)]
    pub fixed_cost_per_year: f64,
    /// Capital cost of a new link, currency per km.
    #[serde(default)]
    pub capex_per_km: f64,
    /// Life of the capital, years (needed when `capex_per_km` > 0).
    pub lifetime_years: Option<f64>,
    /// Largest flow one link of this mode can carry, units per year.
    pub capacity: Option<f64>,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[rules]]` entry: `from` material can replace `to` material.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Unique id.
    pub id: String,
    /// Material offered (an output's material).
    pub from: String,
    /// Material displaced (an input's material).
    pub to: String,
    /// Units of `to` displaced per unit of `from` delivered (default 1).
    pub ratio: Option<f64>,
    /// Largest fraction of an input's quantity this rule may cover (default 1).
    pub max_share: Option<f64>,
    /// Processing cost, currency per unit of `from` delivered.
    #[serde(default)]
    pub processing_cost: f64,
    /// Processing emissions, t CO2e per unit of `from` delivered.
    #[serde(default)]
    pub processing_co2: f64,
    /// Modes allowed for this rule.
    pub modes: Vec<String>,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[sites]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// Industrial sector (steel, cement, power, ...).
    pub sector: Option<String>,
    /// Latitude, degrees (with `lon`).
    pub lat: Option<f64>,
    /// Longitude, degrees (with `lat`).
    pub lon: Option<f64>,
    /// Abstract planar x coordinate, km (with `y_km`), instead of lat/lon.
    pub x_km: Option<f64>,
    /// Abstract planar y coordinate, km (with `x_km`).
    pub y_km: Option<f64>,
    /// Wastes and by-products this site offers.
    #[serde(default)]
    pub outputs: Vec<OutputFile>,
    /// Resources this site buys today.
    #[serde(default)]
    pub inputs: Vec<InputFile>,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[sites.outputs]]` entry: a waste or by-product stream.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputFile {
    /// Id, unique within the site.
    pub id: String,
    /// Material id.
    pub material: String,
    /// Units per year.
    pub quantity: f64,
    /// What the site pays today per unit to dispose of it (negative when it is sold today).
    #[serde(default)]
    pub disposal_cost: f64,
    /// t CO2e per unit emitted by today's disposal.
    #[serde(default)]
    pub disposal_co2: f64,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[sites.inputs]]` entry: a resource the site buys today.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputFile {
    /// Id, unique within the site.
    pub id: String,
    /// Material id.
    pub material: String,
    /// Units per year.
    pub quantity: f64,
    /// Price per unit of the virgin resource bought today.
    #[serde(default)]
    pub price: f64,
    /// t CO2e per unit of the virgin resource (cradle to gate).
    #[serde(default)]
    pub co2: f64,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[links]]` entry: facts about one output → input pair.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkFile {
    /// Supplying site id.
    pub from_site: String,
    /// Output id within `from_site`.
    pub from_output: String,
    /// Receiving site id.
    pub to_site: String,
    /// Input id within `to_site`.
    pub to_input: String,
    /// Mode id; when absent the facts apply to every allowed mode (required for `existing`).
    pub mode: Option<String>,
    /// candidate, existing, forced or forbidden.
    #[serde(default)]
    pub status: LinkStatus,
    /// Distance, km (instead of the computed one).
    pub distance_km: Option<f64>,
    /// Transport cost, currency per unit sent (instead of the mode's cost × distance).
    pub transport_cost_per_unit: Option<f64>,
    /// Fixed cost, currency per year (instead of the mode's).
    pub fixed_cost_per_year: Option<f64>,
    /// Total capital cost of the link (instead of the mode's `capex_per_km` × distance).
    pub capex: Option<f64>,
    /// Largest flow, units per year.
    pub capacity: Option<f64>,
    /// Recorded flow today, units of the output per year.
    pub quantity: Option<f64>,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[uncertainty]]` entry: a numeric field of the scenario, addressed by path,
/// drawn from a distribution in each Monte Carlo sample.
///
/// Which of `min`, `mode`, `max`, `mean` and `sd` are needed depends on the
/// distribution; validation names what is missing or unused.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyFile {
    /// Field path, as for sweeps and break-even searches: `parameters.carbon_price`,
    /// `modes.truck.cost_per_unit_km`, `sites.steel.outputs.slag.quantity`, `links.0.capex`.
    pub path: String,
    /// uniform, triangular or normal.
    pub distribution: DistributionKind,
    /// Lower bound (uniform, triangular; truncation point of a normal).
    pub min: Option<f64>,
    /// Most likely value (triangular).
    pub mode: Option<f64>,
    /// Upper bound (uniform, triangular; truncation point of a normal).
    pub max: Option<f64>,
    /// Mean before truncation (normal).
    pub mean: Option<f64>,
    /// Standard deviation before truncation (normal), > 0.
    pub sd: Option<f64>,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[technologies]]` entry: a process that turns what arrives at its
/// inputs into its outputs at fixed yields. A technology whose one output is
/// its one input's material is a hub (a transfer or collection point).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnologyFile {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// What it takes in: one entry per material (at least one).
    pub inputs: Vec<TechnologyInputFile>,
    /// What it makes: one entry per material (at least one).
    pub outputs: Vec<TechnologyOutputFile>,
    /// The sizes a plant of it can be built at (at least one).
    pub sizes: Vec<SizeFile>,
    /// Operating cost per unit processed (handling cost of a hub), currency.
    #[serde(default)]
    pub operating_cost: f64,
    /// Energy used per unit processed, GJ (valued at `parameters.energy_price`).
    #[serde(default)]
    pub energy_per_unit: f64,
    /// t CO2e emitted per unit processed.
    #[serde(default)]
    pub co2_per_unit: f64,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[technologies.inputs]]` entry: a material a technology takes in.
/// What arrives there (after transport loss, in units of this material, through
/// a rule when another material is sent) counts towards the plant's throughput.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnologyInputFile {
    /// Material id.
    pub material: String,
    /// Smallest fraction of the throughput that must be of this input (default 0).
    pub min_share: Option<f64>,
    /// Largest fraction of the throughput that may be of this input (default 1).
    pub max_share: Option<f64>,
}

/// One `[[technologies.outputs]]` entry: a material a technology makes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnologyOutputFile {
    /// Material id.
    pub material: String,
    /// Units made per unit processed, > 0 (≤ 1 for a hub).
    #[serde(rename = "yield")]
    pub yield_per_unit: f64,
    /// What the plant pays per unit made that no exchange takes (negative when it
    /// is sold on the open market), currency.
    #[serde(default)]
    pub disposal_cost: f64,
    /// t CO2e per unit made that no exchange takes.
    #[serde(default)]
    pub disposal_co2: f64,
}

/// One `[[technologies.sizes]]` entry: a size a plant can be built at.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SizeFile {
    /// Id, unique within the technology.
    pub id: String,
    /// Largest throughput, units processed per year, > 0.
    pub capacity: f64,
    /// Fixed cost per year of an open plant of this size, currency.
    #[serde(default)]
    pub fixed_cost_per_year: f64,
    /// Capital cost of building it, currency.
    #[serde(default)]
    pub capex: f64,
    /// Years over which the capital cost is annualised (default 20).
    pub lifetime_years: Option<f64>,
}

/// One `[[plants]]` entry: a technology at a place.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlantFile {
    /// Unique id, among plants and sites.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// Technology id.
    pub technology: String,
    /// The site it stands at (its location), instead of lat/lon or x_km/y_km.
    pub site: Option<String>,
    /// Latitude, degrees (with `lon`).
    pub lat: Option<f64>,
    /// Longitude, degrees (with `lat`).
    pub lon: Option<f64>,
    /// Abstract planar x coordinate, km (with `y_km`).
    pub x_km: Option<f64>,
    /// Abstract planar y coordinate, km (with `x_km`).
    pub y_km: Option<f64>,
    /// candidate (default), existing, forced or forbidden.
    #[serde(default)]
    pub status: PlantStatus,
    /// The size of an existing plant (required for `existing`); for another
    /// status, the only size it may be built at.
    pub size: Option<String>,
    /// The firm that runs it, for the split of the gain: a site id, or the name
    /// of a new firm (default: the site it stands at, else the plant itself).
    pub operator: Option<String>,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[plant_groups]]` entry: how many of some plants may (or must) open.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlantGroupFile {
    /// Unique id.
    pub id: String,
    /// Plant ids in the group.
    #[serde(default)]
    pub plants: Vec<String>,
    /// Every plant of this technology is in the group too.
    pub technology: Option<String>,
    /// Most plants of the group that open.
    pub max_open: Option<u32>,
    /// Fewest plants of the group that open.
    pub min_open: Option<u32>,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[periods]]` entry: a part of the year (a season, a month, a shift
/// pattern's block), its length given as a `share` of the year or in `hours`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodFile {
    /// Unique id, referred to by profiles.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// Fraction of the year, in (0, 1]; the shares of all periods sum to 1.
    pub share: Option<f64>,
    /// Length in hours of a year of 8,760 h, instead of `share` (share = hours / 8760).
    pub hours: Option<f64>,
    /// Price of transport energy in this period, currency per GJ (default
    /// `parameters.energy_price`).
    pub energy_price: Option<f64>,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[profiles]]` entry: how one output's or input's quantity spreads over
/// the periods (relative `factors` or explicit `quantities`), and an input's
/// price by period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    /// The site whose stream it is.
    pub site: String,
    /// The output's id within `site` (or `input`).
    pub output: Option<String>,
    /// The input's id within `site` (or `output`).
    pub input: Option<String>,
    /// Period id → factor ≥ 0: the stream's rate in that period relative to its
    /// rate in the others (all 1: a flat profile). The year's total stays the
    /// stream's `quantity`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub factors: BTreeMap<String, f64>,
    /// Period id → units in that period, instead of `factors`; they sum to the
    /// stream's `quantity`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quantities: BTreeMap<String, f64>,
    /// Period id → price per unit of an input's virgin resource in that period.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices: BTreeMap<String, f64>,
    /// Where the figures come from.
    pub source: Option<String>,
}

/// One `[[stores]]` entry: a stock of one material at a site or at a plant,
/// filled in some periods and emptied in others.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreFile {
    /// Unique id among stores.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// The site it stands at (or `plant`).
    pub site: Option<String>,
    /// The plant it stands at (or `site`).
    pub plant: Option<String>,
    /// Material id of what it holds.
    pub material: String,
    /// Most it holds, units of the material, > 0.
    pub capacity: Option<f64>,
    /// Fastest it fills, units per year (in a period, at most this × the
    /// period's share); no limit but the capacity when absent.
    pub max_charge: Option<f64>,
    /// Fastest it empties, units per year (in a period, at most this × the
    /// period's share); no limit but the capacity when absent.
    pub max_discharge: Option<f64>,
    /// Fraction of what it holds that is lost in each period, in [0, 1).
    #[serde(default)]
    pub loss_per_period: f64,
    /// Cost per unit put into it, currency.
    #[serde(default)]
    pub cost_per_unit_charged: f64,
    /// candidate (default) or existing.
    #[serde(default)]
    pub status: StoreStatus,
    /// Capital cost of building a candidate store, currency.
    #[serde(default)]
    pub capex: f64,
    /// Years over which `capex` is annualised (needed when `capex` > 0).
    pub lifetime_years: Option<f64>,
    /// Fixed cost per year of a store in use (existing, or a candidate built), currency.
    #[serde(default)]
    pub fixed_cost_per_year: f64,
    /// `true`: this item replaces the item with the same id that an included file
    /// defines, as a whole (every field as written here). Without it a duplicate id
    /// is an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Where the figures come from.
    pub source: Option<String>,
}
