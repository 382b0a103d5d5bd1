//! From a merged [`Loaded`] file to a validated [`Scenario`]: every reference resolved,
//! every number checked, every problem collected.
//!
//! [`validate`] reads the sections in order — `[scenario]`, `[parameters]`, materials,
//! modes, rules, sites, plants, periods (with profiles and stores), links,
//! uncertainty — each step a method of `Validation`, which
//! holds the problems found so far and what the earlier sections resolved to.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use super::load::{Loaded, Located};
use super::schema::{LinkFile, MaterialFile, ModeFile, RuleFile, SiteFile};
use crate::domain::{
    Input, InputId, LinkFact, LinkStatus, Location, Material, MaterialId, Mode, ModeId, Origin,
    Output, OutputId, Parameters, Period, Plant, PlantGroup, Profile, Rule, Scenario, Site, SiteId,
    Store, Technology,
};

mod periods;
mod plants;
use crate::error::{Error, Problem, Problems};
use crate::link_key;
pub use periods::{HOURS_PER_YEAR, SHARE_TOLERANCE};

/// Largest magnitude of any number in a scenario (docs/scenario-format.md,
/// "Numeric range"): far beyond any plant's figures, and small enough that the
/// products symbio forms from them stay within what HiGHS handles (the products
/// are checked too, by [`crate::network::build`]).
pub const MAX_INPUT: f64 = 1e12;

/// Collects problems for one file/path prefix.
struct Checker {
    problems: Vec<Problem>,
}

/// What a number must be.
#[derive(Clone, Copy)]
enum Bound {
    /// Any finite number.
    Finite,
    /// Finite and ≥ 0.
    NonNegative,
    /// Finite and > 0.
    Positive,
    /// Finite, in [lo, hi].
    Within(f64, f64),
}

/// Where an item is written (file, path such as `sites[3]`, id), for problems about it.
struct Place<'p> {
    file: &'p Path,
    path: String,
    id: &'p str,
}

impl<'p> Place<'p> {
    /// The place of an item.
    fn new(file: &'p Path, path: String, id: &'p str) -> Self {
        Place { file, path, id }
    }

    /// The path of one of the item's fields.
    fn field(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }
}

impl Checker {
    /// Records a problem.
    fn push(&mut self, file: &Path, path: String, id: Option<&str>, msg: impl Into<String>) {
        self.problems.push(Problem::new(file, path, id, msg));
    }

    /// Records a problem with an item as a whole.
    fn item(&mut self, p: &Place, msg: impl Into<String>) {
        self.push(p.file, p.path.clone(), Some(p.id), msg);
    }

    /// Records a problem with one field of an item.
    fn at(&mut self, p: &Place, field: &str, msg: impl Into<String>) {
        self.push(p.file, p.field(field), Some(p.id), msg);
    }

    /// Checks a number; returns it when it is acceptable.
    fn number(&mut self, file: &Path, path: String, id: Option<&str>, v: f64, b: Bound) -> f64 {
        let err = if !v.is_finite() {
            Some(format!("must be a finite number, got {v}"))
        } else if v.abs() > MAX_INPUT {
            Some(out_of_range(v))
        } else {
            match b {
                Bound::Finite => None,
                Bound::NonNegative if v < 0.0 => Some(format!("must be ≥ 0, got {v}")),
                Bound::Positive if v <= 0.0 => Some(format!("must be > 0, got {v}")),
                Bound::Within(lo, hi) if v < lo || v > hi => {
                    Some(format!("must be between {lo} and {hi}, got {v}"))
                }
                _ => None,
            }
        };
        if let Some(e) = err {
            self.push(file, path, id, e);
        }
        v
    }

    /// Checks one number field of an item; returns it.
    fn field(&mut self, p: &Place, field: &str, v: f64, b: Bound) -> f64 {
        self.number(p.file, p.field(field), Some(p.id), v, b)
    }

    /// Checks an id: not empty, and free of '.' (the separator of field paths),
    /// of the separators of a link's text form ('/', '->', '@': [`crate::LinkKey`]) and
    /// of white space, so that every path and every link reads back unambiguously.
    fn id(&mut self, file: &Path, path: String, id: &str) {
        if id.trim().is_empty() {
            self.push(file, path, None, "must not be empty");
        } else if id.contains('.')
            || link_key::SEPARATORS.iter().any(|s| id.contains(s))
            || id.chars().any(char::is_whitespace)
        {
            self.push(
                file,
                path,
                Some(id),
                "ids may not contain '.', '/', '->', '@' or white space",
            );
        }
    }
}

/// The problem with a number beyond [`MAX_INPUT`].
fn out_of_range(v: f64) -> String {
    format!(
        "must be between -{MAX_INPUT:e} and {MAX_INPUT:e} (see \"Numeric range\" in \
         docs/scenario-format.md), got {v:e}"
    )
}

/// Registers ids, reporting duplicates with both places.
fn unique<'a, T>(
    c: &mut Checker,
    section: &str,
    items: &'a [Located<T>],
    id: fn(&T) -> &str,
) -> HashMap<&'a str, usize> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (k, l) in items.iter().enumerate() {
        let i = id(&l.item);
        c.id(&l.file, format!("{section}[{}].id", l.index), i);
        if let Some(&first) = seen.get(i) {
            let f = &items[first];
            c.push(
                &l.file,
                format!("{section}[{}].id", l.index),
                Some(i),
                format!(
                    "duplicate id, first defined at {}: {section}[{}]",
                    f.file.display(),
                    f.index
                ),
            );
        } else {
            seen.insert(i, k);
        }
    }
    seen
}

/// Validates a loaded scenario. Every problem found is returned together.
pub fn validate(loaded: &Loaded) -> Result<Scenario, Error> {
    let mut v = Validation::new(loaded);
    let (name, currency) = v.header();
    let parameters = v.parameters();
    v.materials();
    v.modes();
    v.rules();
    v.sites();
    v.plants();
    v.periods(&parameters);
    v.links();
    v.uncertainty();
    v.finish(name, currency, parameters)
}

/// A validation under way: the problems found so far, and the items (with their id maps)
/// of the sections already read, which later sections refer to.
struct Validation<'a> {
    /// The scenario as loaded.
    loaded: &'a Loaded,
    /// The problems found so far.
    c: Checker,
    /// Material id → index in `materials`.
    material_ids: HashMap<&'a str, usize>,
    /// Mode id → index in `modes`.
    mode_ids: HashMap<&'a str, usize>,
    /// Site id → index in the loaded sites.
    site_ids: HashMap<&'a str, usize>,
    /// (site id, output id) → output.
    output_ids: HashMap<(&'a str, &'a str), OutputId>,
    /// (site id, input id) → input.
    input_ids: HashMap<(&'a str, &'a str), InputId>,
    /// Materials read.
    materials: Vec<Material>,
    /// Modes read.
    modes: Vec<Mode>,
    /// Rules whose two materials exist.
    rules: Vec<Rule>,
    /// Sites read.
    sites: Vec<Site>,
    /// Outputs whose material exists.
    outputs: Vec<Output>,
    /// Inputs whose material exists.
    inputs: Vec<Input>,
    /// Link facts whose output and input exist.
    links: Vec<LinkFact>,
    /// Technologies read.
    technologies: Vec<Technology>,
    /// Plants read.
    plants: Vec<Plant>,
    /// Plant groups read.
    plant_groups: Vec<PlantGroup>,
    /// Periods read.
    periods: Vec<Period>,
    /// Profiles whose stream exists, sorted by stream.
    profiles: Vec<Profile>,
    /// Stores whose place and material exist.
    stores: Vec<Store>,
}

impl<'a> Validation<'a> {
    /// Starts validating `loaded`, with nothing read yet.
    fn new(loaded: &'a Loaded) -> Self {
        Validation {
            loaded,
            c: Checker {
                problems: Vec::new(),
            },
            material_ids: HashMap::new(),
            mode_ids: HashMap::new(),
            site_ids: HashMap::new(),
            output_ids: HashMap::new(),
            input_ids: HashMap::new(),
            materials: Vec::new(),
            modes: Vec::new(),
            rules: Vec::new(),
            sites: Vec::new(),
            outputs: Vec::new(),
            inputs: Vec::new(),
            links: Vec::new(),
            technologies: Vec::new(),
            plants: Vec::new(),
            plant_groups: Vec::new(),
            periods: Vec::new(),
            profiles: Vec::new(),
            stores: Vec::new(),
        }
    }

    /// `[scenario]`: the name (the file's stem when not given) and the required currency.
    fn header(&mut self) -> (String, String) {
        let root: &Path = &self.loaded.root;
        let header = &self.loaded.header;
        let name = header.name.clone().unwrap_or_else(|| {
            root.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let currency = match &header.currency {
            Some(cur) if !cur.trim().is_empty() => cur.clone(),
            _ => {
                self.c.push(
                    root,
                    "scenario.currency".into(),
                    None,
                    "missing: every money figure needs a currency (e.g. \"EUR\")",
                );
                String::new()
            }
        };
        (name, currency)
    }

    /// `[parameters]`: the defaults, overridden by the figures given, each checked.
    fn parameters(&mut self) -> Parameters {
        let root: &Path = &self.loaded.root;
        let p = &self.loaded.parameters;
        let c = &mut self.c;
        let mut parameters = Parameters::default();
        let pf = |f: &str| format!("parameters.{f}");
        if let Some(v) = p.carbon_price {
            parameters.carbon_price =
                c.number(root, pf("carbon_price"), None, v, Bound::NonNegative);
        }
        if let Some(v) = p.discount_rate {
            parameters.discount_rate =
                c.number(root, pf("discount_rate"), None, v, Bound::Within(0.0, 1.0));
        }
        if let Some(v) = p.energy_price {
            parameters.energy_price =
                c.number(root, pf("energy_price"), None, v, Bound::NonNegative);
        }
        if let Some(v) = p.circuity {
            parameters.circuity = c.number(root, pf("circuity"), None, v, Bound::Within(1.0, 10.0));
        }
        if let Some(v) = p.transport_paid_by {
            parameters.transport_paid_by = v;
        }
        if let Some(v) = p.processing_paid_by {
            parameters.processing_paid_by = v;
        }
        for (cur, &rate) in &p.exchange_rates {
            let path = pf(&format!("exchange_rates.{cur}"));
            c.number(root, path, None, rate, Bound::Positive);
        }
        parameters
    }

    /// `[[materials]]`: unique ids and a unit each.
    fn materials(&mut self) {
        let loaded = self.loaded;
        self.material_ids = unique(&mut self.c, "materials", &loaded.materials, |m| &m.id);
        self.materials = loaded
            .materials
            .iter()
            .map(|l| material(&mut self.c, l))
            .collect();
    }

    /// `[[modes]]`: unique ids, and each mode's units and figures.
    fn modes(&mut self) {
        let loaded = self.loaded;
        self.mode_ids = unique(&mut self.c, "modes", &loaded.modes, |m| &m.id);
        self.modes = loaded.modes.iter().map(|l| mode(&mut self.c, l)).collect();
    }

    /// `[[rules]]`: unique ids, and at most one rule per pair of materials.
    fn rules(&mut self) {
        let loaded = self.loaded;
        unique(&mut self.c, "rules", &loaded.rules, |r| &r.id);
        let mut pairs = HashMap::new();
        for l in &loaded.rules {
            self.rule(l, &mut pairs);
        }
    }

    /// One rule: its materials, figures and modes; kept when both materials exist.
    fn rule(
        &mut self,
        l: &'a Located<RuleFile>,
        pairs: &mut HashMap<(MaterialId, MaterialId), &'a str>,
    ) {
        let r = &l.item;
        let p = Place::new(&l.file, format!("rules[{}]", l.index), &r.id);
        let from = self.find_material(&p, "from", &r.from);
        let to = self.find_material(&p, "to", &r.to);
        let c = &mut self.c;
        let ratio = c.field(&p, "ratio", r.ratio.unwrap_or(1.0), Bound::Positive);
        let share = r.max_share.unwrap_or(1.0);
        let share = c.field(&p, "max_share", share, Bound::Within(0.0, 1.0));
        let pc = c.field(&p, "processing_cost", r.processing_cost, Bound::Finite);
        let pco2 = c.field(&p, "processing_co2", r.processing_co2, Bound::Finite);
        if r.modes.is_empty() {
            c.at(&p, "modes", "must list at least one mode");
        }
        let modes = self.rule_modes(&p, r, from);
        let (Some(a), Some(b)) = (from, to) else {
            return;
        };
        if let Some(other) = pairs.insert((a, b), &r.id) {
            self.c.item(
                &p,
                format!(
                    "a second rule from \"{}\" to \"{}\" (rule \"{other}\" already has it)",
                    r.from, r.to
                ),
            );
        }
        self.rules.push(Rule {
            id: r.id.clone(),
            from: a,
            to: b,
            ratio,
            max_share: share,
            processing_cost: pc,
            processing_co2: pco2,
            modes,
            plants_only: false,
        });
    }

    /// A rule's modes: each must exist and carry the unit of the rule's `from` material.
    fn rule_modes(&mut self, p: &Place, r: &RuleFile, from: Option<MaterialId>) -> Vec<ModeId> {
        let mut modes = Vec::new();
        for (k, m) in r.modes.iter().enumerate() {
            let field = format!("modes[{k}]");
            let Some(mi) = self.find_mode(p, &field, m) else {
                continue;
            };
            if let Some(fm) = from {
                let unit = &self.materials[fm.0].unit;
                let mode = &self.modes[mi.0];
                if !mode.carries(unit) {
                    self.c.at(
                        p,
                        &field,
                        format!(
                            "mode \"{m}\" cannot carry {unit} (material \"{}\"); it carries {}",
                            r.from,
                            mode.units.join(", ")
                        ),
                    );
                }
            }
            modes.push(mi);
        }
        modes
    }

    /// `[[sites]]`: unique ids, each site with its outputs and inputs, one kind of location.
    fn sites(&mut self) {
        let loaded = self.loaded;
        self.site_ids = unique(&mut self.c, "sites", &loaded.sites, |s| &s.id);
        for l in &loaded.sites {
            self.site(l);
        }
        let kinds: HashSet<bool> = self
            .sites
            .iter()
            .filter_map(|s| s.location.as_ref())
            .map(|loc| matches!(loc, Location::LatLon { .. }))
            .collect();
        if kinds.len() > 1 {
            self.c.push(
                &loaded.root,
                "sites".into(),
                None,
                "some sites use lat/lon and others x_km/y_km: use one kind of location",
            );
        }
    }

    /// One site: its location, then its outputs and inputs.
    fn site(&mut self, l: &'a Located<SiteFile>) {
        let s = &l.item;
        let sid = SiteId(self.sites.len());
        let location = location(&mut self.c, &l.file, l.index, s);
        let outputs = self.outputs(l, sid);
        let inputs = self.inputs(l, sid);
        self.sites.push(Site {
            id: s.id.clone(),
            name: s.name.clone().unwrap_or_else(|| s.id.clone()),
            sector: s.sector.clone(),
            location,
            outputs,
            inputs,
            plant: None,
        });
    }

    /// A site's outputs; those whose material exists are kept and returned.
    fn outputs(&mut self, l: &'a Located<SiteFile>, sid: SiteId) -> Vec<OutputId> {
        let s = &l.item;
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        for (k, o) in s.outputs.iter().enumerate() {
            let path = format!("sites[{}].outputs[{k}]", l.index);
            let p = Place::new(&l.file, path, &o.id);
            let (m, q) = self.port(&p, "output", &s.id, &mut seen, &o.material, o.quantity);
            let dc = self
                .c
                .field(&p, "disposal_cost", o.disposal_cost, Bound::Finite);
            let dco2 = self
                .c
                .field(&p, "disposal_co2", o.disposal_co2, Bound::Finite);
            let Some(m) = m else {
                continue;
            };
            let oid = OutputId(self.outputs.len());
            self.output_ids.insert((s.id.as_str(), o.id.as_str()), oid);
            ids.push(oid);
            self.outputs.push(Output {
                id: o.id.clone(),
                site: sid,
                material: m,
                quantity: q,
                disposal_cost: dc,
                disposal_co2: dco2,
            });
        }
        ids
    }

    /// A site's inputs; those whose material exists are kept and returned.
    fn inputs(&mut self, l: &'a Located<SiteFile>, sid: SiteId) -> Vec<InputId> {
        let s = &l.item;
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        for (k, i) in s.inputs.iter().enumerate() {
            let path = format!("sites[{}].inputs[{k}]", l.index);
            let p = Place::new(&l.file, path, &i.id);
            let (m, q) = self.port(&p, "input", &s.id, &mut seen, &i.material, i.quantity);
            let price = self.c.field(&p, "price", i.price, Bound::NonNegative);
            let co2 = self.c.field(&p, "co2", i.co2, Bound::Finite);
            let Some(m) = m else {
                continue;
            };
            let iid = InputId(self.inputs.len());
            self.input_ids.insert((s.id.as_str(), i.id.as_str()), iid);
            ids.push(iid);
            self.inputs.push(Input {
                id: i.id.clone(),
                site: sid,
                material: m,
                quantity: q,
                price,
                co2,
            });
        }
        ids
    }

    /// What an output or input (`kind`) has in common: an id unique in its site, a
    /// material and a quantity ≥ 0.
    fn port(
        &mut self,
        p: &Place<'a>,
        kind: &str,
        site: &str,
        seen: &mut HashSet<&'a str>,
        material: &str,
        quantity: f64,
    ) -> (Option<MaterialId>, f64) {
        self.c.id(p.file, p.field("id"), p.id);
        if !seen.insert(p.id) {
            let msg = format!("duplicate {kind} id in site \"{site}\"");
            self.c.at(p, "id", msg);
        }
        let m = self.find_material(p, "material", material);
        let q = self.c.field(p, "quantity", quantity, Bound::NonNegative);
        (m, q)
    }

    /// `[[links]]`: each link fact, at most one per output, input and mode.
    fn links(&mut self) {
        let loaded = self.loaded;
        let mut seen = HashMap::new();
        for l in &loaded.links {
            self.link(l, &mut seen);
        }
    }

    /// One link fact: its ends, mode and figures; kept when its output and input exist.
    fn link(
        &mut self,
        l: &'a Located<LinkFile>,
        seen: &mut HashMap<(OutputId, InputId, Option<ModeId>), String>,
    ) {
        let k = &l.item;
        let label = format!(
            "{}/{} -> {}/{}",
            k.from_site, k.from_output, k.to_site, k.to_input
        );
        let p = Place::new(&l.file, format!("links[{}]", l.index), &label);
        let (output, input) = self.link_ends(&p, k);
        let mode = self.link_mode(&p, k);
        let figures = link_figures(&mut self.c, &p, k);
        let (Some(o), Some(i)) = (output, input) else {
            return;
        };
        self.link_rule(&p, o, i, mode);
        if figures.distance_km.is_none() {
            self.link_locations(&p, o, i);
        }
        if let Some(prev) = seen.insert((o, i, mode), p.path.clone()) {
            let msg = format!("the same output, input and mode are already described at {prev}");
            self.c.item(&p, msg);
        }
        self.links.push(LinkFact {
            output: o,
            input: i,
            mode,
            status: k.status,
            distance_km: figures.distance_km,
            transport_cost_per_unit: figures.transport_cost_per_unit,
            fixed_cost_per_year: figures.fixed_cost_per_year,
            capex: figures.capex,
            capacity: figures.capacity,
            quantity: figures.quantity,
            origin: Origin {
                file: Arc::clone(&l.file),
                path: p.path,
            },
        });
    }

    /// A link's two ends: known sites, an output at the one and an input at the other.
    fn link_ends(&mut self, p: &Place, k: &'a LinkFile) -> (Option<OutputId>, Option<InputId>) {
        let from_ok = self.known_site(p, "from_site", &k.from_site);
        let to_ok = self.known_site(p, "to_site", &k.to_site);
        let output = self.output_ids.get(&(&*k.from_site, &*k.from_output));
        if from_ok && output.is_none() {
            let known = self.output_ids.keys().filter(|(s, _)| *s == k.from_site);
            let msg = format!(
                "site \"{}\" has no output \"{}\"{}",
                k.from_site,
                k.from_output,
                suggestion(&k.from_output, known.map(|(_, o)| *o))
            );
            self.c.at(p, "from_output", msg);
        }
        let input = self.input_ids.get(&(&*k.to_site, &*k.to_input));
        if to_ok && input.is_none() {
            let known = self.input_ids.keys().filter(|(s, _)| *s == k.to_site);
            let msg = format!(
                "site \"{}\" has no input \"{}\"{}",
                k.to_site,
                k.to_input,
                suggestion(&k.to_input, known.map(|(_, i)| *i))
            );
            self.c.at(p, "to_input", msg);
        }
        (output.copied(), input.copied())
    }

    /// Whether a site a link names exists (reported in `field` when not).
    fn known_site(&mut self, p: &Place, field: &str, site: &str) -> bool {
        let known = self.site_ids.contains_key(site);
        if !known {
            let hint = suggestion(site, self.site_ids.keys().copied());
            self.c
                .at(p, field, format!("unknown site \"{site}\"{hint}"));
        }
        known
    }

    /// A link's mode: known when given, and required for an existing link.
    fn link_mode(&mut self, p: &Place, k: &LinkFile) -> Option<ModeId> {
        let mode = match &k.mode {
            None => None,
            Some(m) => self.find_mode(p, "mode", m),
        };
        if k.mode.is_none() && k.status == LinkStatus::Existing {
            self.c
                .at(p, "mode", "missing: an existing link runs by one mode");
        }
        mode
    }

    /// A link must follow a rule between its materials, and use a mode the rule allows.
    fn link_rule(&mut self, p: &Place, o: OutputId, i: InputId, mode: Option<ModeId>) {
        let (om, im) = (self.outputs[o.0].material, self.inputs[i.0].material);
        match self.rules.iter().find(|r| r.from == om && r.to == im) {
            None => self.c.item(
                p,
                format!(
                    "no rule turns \"{}\" into \"{}\"",
                    self.materials[om.0].id, self.materials[im.0].id
                ),
            ),
            Some(rule) => {
                if let Some(m) = mode {
                    if !rule.modes.contains(&m) {
                        let msg = format!(
                            "rule \"{}\" does not allow mode \"{}\"",
                            rule.id, self.modes[m.0].id
                        );
                        self.c.at(p, "mode", msg);
                    }
                }
            }
        }
    }

    /// A link without a distance needs both its sites to have a location.
    fn link_locations(&mut self, p: &Place, o: OutputId, i: InputId) {
        let ends = [
            (self.outputs[o.0].site, "from_site"),
            (self.inputs[i.0].site, "to_site"),
        ];
        for (site, field) in ends {
            let site = &self.sites[site.0];
            if site.location.is_none() {
                let msg = format!(
                    "missing: {field} \"{}\" has no location, so the link needs a distance",
                    site.id
                );
                self.c.at(p, "distance_km", msg);
            }
        }
    }

    /// `[[uncertainty]]`: paths and distribution parameters (used by `symbio montecarlo`).
    fn uncertainty(&mut self) {
        if let Err(ps) = super::uncertainty::resolve(self.loaded) {
            self.c.problems.extend(ps);
        }
    }

    /// The scenario, or every problem found.
    fn finish(
        self,
        name: String,
        currency: String,
        parameters: Parameters,
    ) -> Result<Scenario, Error> {
        if !self.c.problems.is_empty() {
            return Err(Error::Invalid(Problems(self.c.problems)));
        }
        Ok(Scenario {
            name,
            currency,
            description: self.loaded.header.description.clone().unwrap_or_default(),
            file: self.loaded.root.to_path_buf(),
            parameters,
            materials: self.materials,
            modes: self.modes,
            rules: self.rules,
            sites: self.sites,
            outputs: self.outputs,
            inputs: self.inputs,
            links: self.links,
            technologies: self.technologies,
            plants: self.plants,
            plant_groups: self.plant_groups,
            periods: self.periods,
            profiles: self.profiles,
            stores: self.stores,
        })
    }

    /// Resolves a material named in one field of an item.
    fn find_material(&mut self, p: &Place, field: &str, id: &str) -> Option<MaterialId> {
        let found = self.material_ids.get(id).map(|&k| MaterialId(k));
        if found.is_none() {
            let mut hint = suggestion(id, self.material_ids.keys().copied());
            if self.material_ids.is_empty() {
                // Materials usually come from a catalog: none at all says it
                // is not included.
                hint = ": the scenario defines no material; is the catalog that defines them \
                        included (`include` of [scenario])?"
                    .into();
            }
            self.c
                .at(p, field, format!("unknown material \"{id}\"{hint}"));
        }
        found
    }

    /// Resolves a mode named in one field of an item.
    fn find_mode(&mut self, p: &Place, field: &str, id: &str) -> Option<ModeId> {
        let found = self.mode_ids.get(id).map(|&k| ModeId(k));
        if found.is_none() {
            let hint = suggestion(id, self.mode_ids.keys().copied());
            self.c.at(p, field, format!("unknown mode \"{id}\"{hint}"));
        }
        found
    }
}

/// ", did you mean `clinker`?" after a message about an unknown id, when a known id
/// is close to it; nothing otherwise.
pub(crate) fn suggestion<'k>(unknown: &str, known: impl IntoIterator<Item = &'k str>) -> String {
    super::did_you_mean(unknown, known)
        .map_or_else(String::new, |k| format!(", did you mean `{k}`?"))
}

/// One material: its unit must not be empty; its name defaults to its id.
fn material(c: &mut Checker, l: &Located<MaterialFile>) -> Material {
    let m = &l.item;
    if m.unit.trim().is_empty() {
        let p = Place::new(&l.file, format!("materials[{}]", l.index), &m.id);
        c.at(&p, "unit", "must not be empty");
    }
    Material {
        id: m.id.clone(),
        name: m.name.clone().unwrap_or_else(|| m.id.clone()),
        unit: m.unit.clone(),
        kind: m.kind,
    }
}

/// One mode: at least one unit, and every figure checked.
fn mode(c: &mut Checker, l: &Located<ModeFile>) -> Mode {
    let m = &l.item;
    let p = Place::new(&l.file, format!("modes[{}]", l.index), &m.id);
    if m.units.is_empty() {
        c.at(&p, "units", "must list at least one unit");
    }
    let nn = Bound::NonNegative;
    let cost = c.field(&p, "cost_per_unit_km", m.cost_per_unit_km, nn);
    let energy = c.field(&p, "energy_per_unit_km", m.energy_per_unit_km, nn);
    let co2 = c.field(&p, "co2_per_unit_km", m.co2_per_unit_km, nn);
    let loss = c.field(&p, "loss_per_km", m.loss_per_km, Bound::Within(0.0, 0.999));
    let max_d = m
        .max_distance_km
        .map(|d| c.field(&p, "max_distance_km", d, Bound::Positive));
    let fixed = c.field(&p, "fixed_cost_per_year", m.fixed_cost_per_year, nn);
    let capex = c.field(&p, "capex_per_km", m.capex_per_km, nn);
    let lifetime = match m.lifetime_years {
        Some(v) => c.field(&p, "lifetime_years", v, Bound::Positive),
        None if capex > 0.0 => {
            let msg = "missing: needed to annualise capex_per_km";
            c.at(&p, "lifetime_years", msg);
            1.0
        }
        None => 1.0,
    };
    let capacity = m
        .capacity
        .map(|v| c.field(&p, "capacity", v, Bound::Positive));
    Mode {
        id: m.id.clone(),
        name: m.name.clone().unwrap_or_else(|| m.id.clone()),
        units: m.units.clone(),
        cost_per_unit_km: cost,
        energy_per_unit_km: energy,
        co2_per_unit_km: co2,
        loss_per_km: loss,
        max_distance_km: max_d,
        fixed_cost_per_year: fixed,
        capex_per_km: capex,
        lifetime_years: lifetime,
        capacity,
    }
}

/// A link's optional figures, each checked.
struct LinkFigures {
    distance_km: Option<f64>,
    transport_cost_per_unit: Option<f64>,
    fixed_cost_per_year: Option<f64>,
    capex: Option<f64>,
    capacity: Option<f64>,
    quantity: Option<f64>,
}

/// A link's figures; a recorded quantity only for an existing link.
fn link_figures(c: &mut Checker, p: &Place, k: &LinkFile) -> LinkFigures {
    let mut opt = |name: &str, v: Option<f64>, b: Bound| v.map(|v| c.field(p, name, v, b));
    let nn = Bound::NonNegative;
    let figures = LinkFigures {
        distance_km: opt("distance_km", k.distance_km, nn),
        transport_cost_per_unit: opt("transport_cost_per_unit", k.transport_cost_per_unit, nn),
        fixed_cost_per_year: opt("fixed_cost_per_year", k.fixed_cost_per_year, nn),
        capex: opt("capex", k.capex, nn),
        capacity: opt("capacity", k.capacity, Bound::Positive),
        quantity: opt("quantity", k.quantity, nn),
    };
    if k.quantity.is_some() && k.status != LinkStatus::Existing {
        let msg = "a recorded quantity is only meaningful for an existing link";
        c.at(p, "quantity", msg);
    }
    figures
}

/// Reads a site's location: both of lat/lon, or both of x_km/y_km, or none.
fn location(c: &mut Checker, file: &Path, index: usize, s: &SiteFile) -> Option<Location> {
    let place = format!("sites[{index}]");
    coordinates(c, file, &place, &s.id, (s.lat, s.lon), (s.x_km, s.y_km))
}

/// The location written as lat/lon or x_km/y_km on the item at `place`, if any.
fn coordinates(
    c: &mut Checker,
    file: &Path,
    place: &str,
    id: &str,
    geo: (Option<f64>, Option<f64>),
    planar: (Option<f64>, Option<f64>),
) -> Option<Location> {
    let f = |x: &str| format!("{place}.{x}");
    let id = Some(id);
    match (geo, planar) {
        ((None, None), (None, None)) => None,
        ((Some(lat), Some(lon)), (None, None)) => {
            let lat = c.number(file, f("lat"), id, lat, Bound::Within(-90.0, 90.0));
            let lon = c.number(file, f("lon"), id, lon, Bound::Within(-180.0, 180.0));
            Some(Location::LatLon { lat, lon })
        }
        ((None, None), (Some(x), Some(y))) => {
            let x_km = c.number(file, f("x_km"), id, x, Bound::Finite);
            let y_km = c.number(file, f("y_km"), id, y, Bound::Finite);
            Some(Location::Planar { x_km, y_km })
        }
        ((_, _), (None, None)) => {
            c.push(file, f("lat"), id, "give both lat and lon");
            None
        }
        ((None, None), (_, _)) => {
            c.push(file, f("x_km"), id, "give both x_km and y_km");
            None
        }
        _ => {
            c.push(
                file,
                f("lat"),
                id,
                "give either lat/lon or x_km/y_km, not both",
            );
            None
        }
    }
}
