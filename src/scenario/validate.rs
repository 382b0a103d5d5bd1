//! From a merged [`Loaded`] file to a validated [`Scenario`]: every reference resolved,
//! every number checked, every problem collected.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use super::load::{Loaded, Located};
use super::schema::{LinkStatus, SiteFile};
use crate::domain::{
    Input, InputId, LinkFact, Location, Material, MaterialId, Mode, ModeId, Origin, Output,
    OutputId, Parameters, Rule, Scenario, Site, SiteId,
};
use crate::error::{Error, Problem, Problems};

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

impl Checker {
    fn push(&mut self, file: &Path, path: String, id: Option<&str>, msg: impl Into<String>) {
        self.problems.push(Problem::new(file, path, id, msg));
    }

    /// Checks a number; returns it when it is acceptable.
    fn number(&mut self, file: &Path, path: String, id: Option<&str>, v: f64, b: Bound) -> f64 {
        let err = if !v.is_finite() {
            Some(format!("must be a finite number, got {v}"))
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

    fn id(&mut self, file: &Path, path: String, id: &str) {
        if id.trim().is_empty() {
            self.push(file, path, None, "must not be empty");
        } else if id.contains(['.', '/']) || id.chars().any(char::is_whitespace) {
            self.push(
                file,
                path,
                Some(id),
                "ids may not contain '.', '/' or white space",
            );
        }
    }
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
    let mut c = Checker {
        problems: Vec::new(),
    };
    let root: &Path = &loaded.root;

    // [scenario]
    let name = loaded.header.name.clone().unwrap_or_else(|| {
        root.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let currency = match &loaded.header.currency {
        Some(cur) if !cur.trim().is_empty() => cur.clone(),
        _ => {
            c.push(
                root,
                "scenario.currency".into(),
                None,
                "missing: every money figure needs a currency (e.g. \"EUR\")",
            );
            String::new()
        }
    };

    // [parameters]
    let p = &loaded.parameters;
    let mut parameters = Parameters::default();
    let pf = |f: &str| format!("parameters.{f}");
    if let Some(v) = p.carbon_price {
        parameters.carbon_price = c.number(root, pf("carbon_price"), None, v, Bound::NonNegative);
    }
    if let Some(v) = p.discount_rate {
        parameters.discount_rate =
            c.number(root, pf("discount_rate"), None, v, Bound::Within(0.0, 1.0));
    }
    if let Some(v) = p.energy_price {
        parameters.energy_price = c.number(root, pf("energy_price"), None, v, Bound::NonNegative);
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
        c.number(
            root,
            pf(&format!("exchange_rates.{cur}")),
            None,
            rate,
            Bound::Positive,
        );
    }

    // [[materials]]
    let material_ids = unique(&mut c, "materials", &loaded.materials, |m| &m.id);
    let materials: Vec<Material> = loaded
        .materials
        .iter()
        .map(|l| {
            let m = &l.item;
            if m.unit.trim().is_empty() {
                c.push(
                    &l.file,
                    format!("materials[{}].unit", l.index),
                    Some(&m.id),
                    "must not be empty",
                );
            }
            Material {
                id: m.id.clone(),
                name: m.name.clone().unwrap_or_else(|| m.id.clone()),
                unit: m.unit.clone(),
                kind: m.kind,
            }
        })
        .collect();
    let material =
        |c: &mut Checker, file: &Path, path: String, owner: &str, id: &str| match material_ids
            .get(id)
        {
            Some(&k) => Some(MaterialId(k)),
            None => {
                c.push(
                    file,
                    path,
                    Some(owner),
                    format!("unknown material \"{id}\""),
                );
                None
            }
        };

    // [[modes]]
    let mode_ids = unique(&mut c, "modes", &loaded.modes, |m| &m.id);
    let modes: Vec<Mode> = loaded
        .modes
        .iter()
        .map(|l| {
            let m = &l.item;
            let f = |k: &str| format!("modes[{}].{k}", l.index);
            let id = Some(m.id.as_str());
            if m.units.is_empty() {
                c.push(&l.file, f("units"), id, "must list at least one unit");
            }
            let nn = Bound::NonNegative;
            let cost = c.number(&l.file, f("cost_per_unit_km"), id, m.cost_per_unit_km, nn);
            let energy = c.number(
                &l.file,
                f("energy_per_unit_km"),
                id,
                m.energy_per_unit_km,
                nn,
            );
            let co2 = c.number(&l.file, f("co2_per_unit_km"), id, m.co2_per_unit_km, nn);
            let loss = c.number(
                &l.file,
                f("loss_per_km"),
                id,
                m.loss_per_km,
                Bound::Within(0.0, 0.999),
            );
            let max_d = m
                .max_distance_km
                .map(|d| c.number(&l.file, f("max_distance_km"), id, d, Bound::Positive));
            let fixed = c.number(
                &l.file,
                f("fixed_cost_per_year"),
                id,
                m.fixed_cost_per_year,
                nn,
            );
            let capex = c.number(&l.file, f("capex_per_km"), id, m.capex_per_km, nn);
            let lifetime = match m.lifetime_years {
                Some(v) => c.number(&l.file, f("lifetime_years"), id, v, Bound::Positive),
                None if capex > 0.0 => {
                    c.push(
                        &l.file,
                        f("lifetime_years"),
                        id,
                        "missing: needed to annualise capex_per_km",
                    );
                    1.0
                }
                None => 1.0,
            };
            let capacity = m
                .capacity
                .map(|v| c.number(&l.file, f("capacity"), id, v, Bound::Positive));
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
        })
        .collect();

    // [[rules]]
    unique(&mut c, "rules", &loaded.rules, |r| &r.id);
    let mut pairs: HashMap<(MaterialId, MaterialId), &str> = HashMap::new();
    let mut rules = Vec::new();
    for l in &loaded.rules {
        let r = &l.item;
        let f = |k: &str| format!("rules[{}].{k}", l.index);
        let id = Some(r.id.as_str());
        let from = material(&mut c, &l.file, f("from"), &r.id, &r.from);
        let to = material(&mut c, &l.file, f("to"), &r.id, &r.to);
        let ratio = c.number(
            &l.file,
            f("ratio"),
            id,
            r.ratio.unwrap_or(1.0),
            Bound::Positive,
        );
        let share = c.number(
            &l.file,
            f("max_share"),
            id,
            r.max_share.unwrap_or(1.0),
            Bound::Within(0.0, 1.0),
        );
        let pc = c.number(
            &l.file,
            f("processing_cost"),
            id,
            r.processing_cost,
            Bound::Finite,
        );
        let pco2 = c.number(
            &l.file,
            f("processing_co2"),
            id,
            r.processing_co2,
            Bound::Finite,
        );
        if r.modes.is_empty() {
            c.push(&l.file, f("modes"), id, "must list at least one mode");
        }
        let mut rule_modes = Vec::new();
        for (k, m) in r.modes.iter().enumerate() {
            match mode_ids.get(m.as_str()) {
                None => c.push(
                    &l.file,
                    f(&format!("modes[{k}]")),
                    id,
                    format!("unknown mode \"{m}\""),
                ),
                Some(&mi) => {
                    if let Some(fm) = from {
                        let unit = &materials[fm.0].unit;
                        if !modes[mi].carries(unit) {
                            c.push(
                                &l.file,
                                f(&format!("modes[{k}]")),
                                id,
                                format!(
                                    "mode \"{m}\" cannot carry {unit} (material \"{}\"); it carries {}",
                                    r.from,
                                    modes[mi].units.join(", ")
                                ),
                            );
                        }
                    }
                    rule_modes.push(ModeId(mi));
                }
            }
        }
        if let (Some(a), Some(b)) = (from, to) {
            if let Some(other) = pairs.insert((a, b), &r.id) {
                c.push(
                    &l.file,
                    format!("rules[{}]", l.index),
                    id,
                    format!(
                        "a second rule from \"{}\" to \"{}\" (rule \"{other}\" already has it)",
                        r.from, r.to
                    ),
                );
            }
            rules.push(Rule {
                id: r.id.clone(),
                from: a,
                to: b,
                ratio,
                max_share: share,
                processing_cost: pc,
                processing_co2: pco2,
                modes: rule_modes,
            });
        }
    }

    // [[sites]]
    let site_ids = unique(&mut c, "sites", &loaded.sites, |s| &s.id);
    let mut sites = Vec::new();
    let mut outputs = Vec::new();
    let mut inputs = Vec::new();
    let mut output_ids: HashMap<(&str, &str), OutputId> = HashMap::new();
    let mut input_ids: HashMap<(&str, &str), InputId> = HashMap::new();
    let mut kinds = HashSet::new();
    for l in &loaded.sites {
        let s = &l.item;
        let sid = SiteId(sites.len());
        let location = location(&mut c, &l.file, l.index, s);
        if let Some(loc) = location {
            kinds.insert(matches!(loc, Location::LatLon { .. }));
        }
        let mut site = Site {
            id: s.id.clone(),
            name: s.name.clone().unwrap_or_else(|| s.id.clone()),
            sector: s.sector.clone(),
            location,
            outputs: Vec::new(),
            inputs: Vec::new(),
        };
        let mut seen = HashSet::new();
        for (k, o) in s.outputs.iter().enumerate() {
            let f = |x: &str| format!("sites[{}].outputs[{k}].{x}", l.index);
            let id = Some(o.id.as_str());
            c.id(&l.file, f("id"), &o.id);
            if !seen.insert(("o", o.id.as_str())) {
                c.push(
                    &l.file,
                    f("id"),
                    id,
                    format!("duplicate output id in site \"{}\"", s.id),
                );
            }
            let m = material(&mut c, &l.file, f("material"), &o.id, &o.material);
            let q = c.number(&l.file, f("quantity"), id, o.quantity, Bound::NonNegative);
            let dc = c.number(
                &l.file,
                f("disposal_cost"),
                id,
                o.disposal_cost,
                Bound::Finite,
            );
            let dco2 = c.number(
                &l.file,
                f("disposal_co2"),
                id,
                o.disposal_co2,
                Bound::Finite,
            );
            if let Some(m) = m {
                let oid = OutputId(outputs.len());
                output_ids.insert((s.id.as_str(), o.id.as_str()), oid);
                site.outputs.push(oid);
                outputs.push(Output {
                    id: o.id.clone(),
                    site: sid,
                    material: m,
                    quantity: q,
                    disposal_cost: dc,
                    disposal_co2: dco2,
                });
            }
        }
        for (k, i) in s.inputs.iter().enumerate() {
            let f = |x: &str| format!("sites[{}].inputs[{k}].{x}", l.index);
            let id = Some(i.id.as_str());
            c.id(&l.file, f("id"), &i.id);
            if !seen.insert(("i", i.id.as_str())) {
                c.push(
                    &l.file,
                    f("id"),
                    id,
                    format!("duplicate input id in site \"{}\"", s.id),
                );
            }
            let m = material(&mut c, &l.file, f("material"), &i.id, &i.material);
            let q = c.number(&l.file, f("quantity"), id, i.quantity, Bound::NonNegative);
            let price = c.number(&l.file, f("price"), id, i.price, Bound::NonNegative);
            let co2 = c.number(&l.file, f("co2"), id, i.co2, Bound::Finite);
            if let Some(m) = m {
                let iid = InputId(inputs.len());
                input_ids.insert((s.id.as_str(), i.id.as_str()), iid);
                site.inputs.push(iid);
                inputs.push(Input {
                    id: i.id.clone(),
                    site: sid,
                    material: m,
                    quantity: q,
                    price,
                    co2,
                });
            }
        }
        sites.push(site);
    }
    if kinds.len() > 1 {
        c.push(
            root,
            "sites".into(),
            None,
            "some sites use lat/lon and others x_km/y_km: use one kind of location",
        );
    }

    // [[links]]
    let mut links = Vec::new();
    let mut seen_links: HashMap<(OutputId, InputId, Option<ModeId>), String> = HashMap::new();
    for l in &loaded.links {
        let k = &l.item;
        let base = format!("links[{}]", l.index);
        let f = |x: &str| format!("{base}.{x}");
        let label = format!(
            "{}/{} -> {}/{}",
            k.from_site, k.from_output, k.to_site, k.to_input
        );
        let id = Some(label.as_str());
        let file: &Path = &l.file;
        let site_ok = |c: &mut Checker, field: &str, s: &str| {
            if !site_ids.contains_key(s) {
                c.push(file, f(field), id, format!("unknown site \"{s}\""));
                false
            } else {
                true
            }
        };
        let from_ok = site_ok(&mut c, "from_site", &k.from_site);
        let to_ok = site_ok(&mut c, "to_site", &k.to_site);
        let output = output_ids
            .get(&(k.from_site.as_str(), k.from_output.as_str()))
            .copied();
        if from_ok && output.is_none() {
            c.push(
                file,
                f("from_output"),
                id,
                format!(
                    "site \"{}\" has no output \"{}\"",
                    k.from_site, k.from_output
                ),
            );
        }
        let input = input_ids
            .get(&(k.to_site.as_str(), k.to_input.as_str()))
            .copied();
        if to_ok && input.is_none() {
            c.push(
                file,
                f("to_input"),
                id,
                format!("site \"{}\" has no input \"{}\"", k.to_site, k.to_input),
            );
        }
        let mode = match &k.mode {
            None => None,
            Some(m) => match mode_ids.get(m.as_str()) {
                Some(&mi) => Some(ModeId(mi)),
                None => {
                    c.push(file, f("mode"), id, format!("unknown mode \"{m}\""));
                    None
                }
            },
        };
        if k.mode.is_none() && k.status == LinkStatus::Existing {
            c.push(
                file,
                f("mode"),
                id,
                "missing: an existing link runs by one mode",
            );
        }
        let nn = Bound::NonNegative;
        let opt = |c: &mut Checker, name: &str, v: Option<f64>, b: Bound| {
            v.map(|v| c.number(file, f(name), id, v, b))
        };
        let distance_km = opt(&mut c, "distance_km", k.distance_km, nn);
        let transport = opt(
            &mut c,
            "transport_cost_per_unit",
            k.transport_cost_per_unit,
            nn,
        );
        let fixed = opt(&mut c, "fixed_cost_per_year", k.fixed_cost_per_year, nn);
        let capex = opt(&mut c, "capex", k.capex, nn);
        let capacity = opt(&mut c, "capacity", k.capacity, Bound::Positive);
        let quantity = opt(&mut c, "quantity", k.quantity, nn);
        if k.quantity.is_some() && k.status != LinkStatus::Existing {
            c.push(
                file,
                f("quantity"),
                id,
                "a recorded quantity is only meaningful for an existing link",
            );
        }
        let (Some(o), Some(i)) = (output, input) else {
            continue;
        };
        let (om, im) = (outputs[o.0].material, inputs[i.0].material);
        match rules.iter().find(|r| r.from == om && r.to == im) {
            None => c.push(
                file,
                base.clone(),
                id,
                format!(
                    "no rule turns \"{}\" into \"{}\"",
                    materials[om.0].id, materials[im.0].id
                ),
            ),
            Some(rule) => {
                if let Some(m) = mode {
                    if !rule.modes.contains(&m) {
                        c.push(
                            file,
                            f("mode"),
                            id,
                            format!(
                                "rule \"{}\" does not allow mode \"{}\"",
                                rule.id, modes[m.0].id
                            ),
                        );
                    }
                }
            }
        }
        if distance_km.is_none() {
            for (site, field) in [
                (outputs[o.0].site, "from_site"),
                (inputs[i.0].site, "to_site"),
            ] {
                if sites[site.0].location.is_none() {
                    c.push(
                        file,
                        f("distance_km"),
                        id,
                        format!(
                            "missing: {field} \"{}\" has no location, so the link needs a distance",
                            sites[site.0].id
                        ),
                    );
                }
            }
        }
        if let Some(prev) = seen_links.insert((o, i, mode), base.clone()) {
            c.push(
                file,
                base.clone(),
                id,
                format!("the same output, input and mode are already described at {prev}"),
            );
        }
        links.push(LinkFact {
            output: o,
            input: i,
            mode,
            status: k.status,
            distance_km,
            transport_cost_per_unit: transport,
            fixed_cost_per_year: fixed,
            capex,
            capacity,
            quantity,
            origin: Origin {
                file: Arc::clone(&l.file),
                path: base,
            },
        });
    }

    // [[uncertainty]]: paths and distribution parameters (used by `symbio montecarlo`).
    if let Err(ps) = super::uncertainty::resolve(loaded) {
        c.problems.extend(ps);
    }

    if !c.problems.is_empty() {
        return Err(Error::Invalid(Problems(c.problems)));
    }
    Ok(Scenario {
        name,
        currency,
        description: loaded.header.description.clone().unwrap_or_default(),
        file: root.to_owned(),
        parameters,
        materials,
        modes,
        rules,
        sites,
        outputs,
        inputs,
        links,
    })
}

/// Reads a site's location: both of lat/lon, or both of x_km/y_km, or none.
fn location(c: &mut Checker, file: &Path, index: usize, s: &SiteFile) -> Option<Location> {
    let f = |x: &str| format!("sites[{index}].{x}");
    let id = Some(s.id.as_str());
    let geo = (s.lat, s.lon);
    let planar = (s.x_km, s.y_km);
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
