//! `[[technologies]]`, `[[plants]]` and `[[plant_groups]]`: each plant becomes a
//! site of its own after the scenario's sites, with one input per technology
//! input and one output per technology output, so that links reach plants as
//! they reach sites. A plant takes its input materials as they are through a
//! rule symbio adds for each ([`Rule::plants_only`]), and others through the
//! catalog's rules.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::{coordinates, unique, Bound, Place, Validation};
use crate::domain::{
    Input, InputId, Location, MaterialId, Origin, Output, OutputId, Plant, PlantGroup, PlantId,
    PlantStatus, Rule, Site, SiteId, Size, Technology, TechnologyId, TechnologyInput,
    TechnologyOutput,
};
use crate::scenario::load::Located;
use crate::scenario::schema::{PlantFile, TechnologyFile};

/// Lifetime of a plant size when none is given, years (an assumption,
/// docs/scenario-format.md).
pub const DEFAULT_PLANT_LIFETIME_YEARS: f64 = 20.0;

impl<'a> Validation<'a> {
    /// Technologies, plants and plant groups, and the rules that let plants take
    /// their input materials as they are.
    pub(super) fn plants(&mut self) {
        let loaded = self.loaded;
        if loaded.technologies.is_empty() && loaded.plants.is_empty() {
            if !loaded.plant_groups.is_empty() {
                let g = &loaded.plant_groups[0];
                let msg = "a plant group, but the scenario has no plants";
                self.c
                    .push(&g.file, "plant_groups[0]".into(), Some(&g.item.id), msg);
            }
            return;
        }
        let tech_ids = unique(&mut self.c, "technologies", &loaded.technologies, |t| &t.id);
        for l in &loaded.technologies {
            let t = self.technology(l);
            self.technologies.push(t);
        }
        self.no_loops();
        self.direct_rules();
        let plant_ids = unique(&mut self.c, "plants", &loaded.plants, |p| &p.id);
        for l in &loaded.plants {
            self.plant(l, &tech_ids);
        }
        self.plant_groups(&plant_ids, &tech_ids);
    }

    /// One technology: its inputs, outputs and sizes.
    fn technology(&mut self, l: &'a Located<TechnologyFile>) -> Technology {
        let t = &l.item;
        let p = Place::new(&l.file, format!("technologies[{}]", l.index), &t.id);
        let c = &mut self.c;
        let operating_cost = c.field(&p, "operating_cost", t.operating_cost, Bound::Finite);
        let energy = c.field(&p, "energy_per_unit", t.energy_per_unit, Bound::NonNegative);
        let co2 = c.field(&p, "co2_per_unit", t.co2_per_unit, Bound::Finite);
        for (list, empty) in [
            ("inputs", t.inputs.is_empty()),
            ("outputs", t.outputs.is_empty()),
            ("sizes", t.sizes.is_empty()),
        ] {
            if empty {
                c.at(&p, list, "must list at least one");
            }
        }
        let mut inputs = Vec::new();
        let mut seen = HashSet::new();
        let mut least = 0.0;
        for (k, i) in t.inputs.iter().enumerate() {
            let field = format!("inputs[{k}]");
            let m = self.find_material(&p, &format!("{field}.material"), &i.material);
            let c = &mut self.c;
            let lo = i.min_share.unwrap_or(0.0);
            let hi = i.max_share.unwrap_or(1.0);
            let lo = c.field(
                &p,
                &format!("{field}.min_share"),
                lo,
                Bound::Within(0.0, 1.0),
            );
            let hi = c.field(
                &p,
                &format!("{field}.max_share"),
                hi,
                Bound::Within(0.0, 1.0),
            );
            if lo > hi {
                c.at(
                    &p,
                    &field,
                    format!("min_share {lo} is above max_share {hi}"),
                );
            }
            least += lo;
            if !seen.insert(&i.material) {
                c.at(
                    &p,
                    &field,
                    format!("material \"{}\" is listed twice", i.material),
                );
            }
            if let Some(material) = m {
                inputs.push(TechnologyInput {
                    material,
                    min_share: lo,
                    max_share: hi,
                });
            }
        }
        if least > 1.0 + 1e-9 {
            self.c.at(
                &p,
                "inputs",
                "the min_share of the inputs sum to more than 1",
            );
        }
        let mut outputs = Vec::new();
        let mut seen = HashSet::new();
        for (k, o) in t.outputs.iter().enumerate() {
            let field = format!("outputs[{k}]");
            let m = self.find_material(&p, &format!("{field}.material"), &o.material);
            let c = &mut self.c;
            let y = c.field(
                &p,
                &format!("{field}.yield"),
                o.yield_per_unit,
                Bound::Positive,
            );
            let dc = c.field(
                &p,
                &format!("{field}.disposal_cost"),
                o.disposal_cost,
                Bound::Finite,
            );
            let dco2 = c.field(
                &p,
                &format!("{field}.disposal_co2"),
                o.disposal_co2,
                Bound::Finite,
            );
            if !seen.insert(&o.material) {
                c.at(
                    &p,
                    &field,
                    format!("material \"{}\" is listed twice", o.material),
                );
            }
            if let Some(material) = m {
                outputs.push(TechnologyOutput {
                    material,
                    yield_per_unit: y,
                    disposal_cost: dc,
                    disposal_co2: dco2,
                });
            }
        }
        let mut sizes = Vec::new();
        let mut seen = HashSet::new();
        for (k, z) in t.sizes.iter().enumerate() {
            let field = format!("sizes[{k}]");
            let c = &mut self.c;
            c.id(p.file, format!("{}.{field}.id", p.path), &z.id);
            if !seen.insert(&z.id) {
                c.at(
                    &p,
                    &format!("{field}.id"),
                    format!("duplicate size id \"{}\"", z.id),
                );
            }
            let capacity = c.field(
                &p,
                &format!("{field}.capacity"),
                z.capacity,
                Bound::Positive,
            );
            let fixed = z.fixed_cost_per_year;
            let fixed = c.field(
                &p,
                &format!("{field}.fixed_cost_per_year"),
                fixed,
                Bound::Finite,
            );
            let capex = c.field(&p, &format!("{field}.capex"), z.capex, Bound::NonNegative);
            let life = z.lifetime_years.unwrap_or(DEFAULT_PLANT_LIFETIME_YEARS);
            let life = c.field(
                &p,
                &format!("{field}.lifetime_years"),
                life,
                Bound::Positive,
            );
            sizes.push(Size {
                id: z.id.clone(),
                capacity,
                fixed_cost_per_year: fixed,
                capex,
                lifetime_years: life,
            });
        }
        let tech = Technology {
            id: t.id.clone(),
            name: t.name.clone().unwrap_or_else(|| t.id.clone()),
            inputs,
            outputs,
            sizes,
            operating_cost,
            energy_per_unit: energy,
            co2_per_unit: co2,
        };
        if tech.is_hub() && tech.outputs[0].yield_per_unit > 1.0 {
            let msg = "a hub (output material = input material) must have a yield of at most 1";
            self.c.at(&p, "outputs[0].yield", msg);
        }
        tech
    }

    /// Fails a technology whose outputs can come back to its own inputs through
    /// plants (a chain that loops back into itself). Hubs pass a material on as
    /// it is, so they are no step of such a loop by themselves.
    fn no_loops(&mut self) {
        // Materials, with an edge a → b when a technology that is not a hub
        // takes a (as it is or through a rule) and makes b.
        let n = self.materials.len();
        let mut g = DiGraph::<(), usize>::with_capacity(n, 0);
        for _ in 0..n {
            g.add_node(());
        }
        for (k, t) in self.technologies.iter().enumerate() {
            if t.is_hub() {
                continue;
            }
            for i in &t.inputs {
                let feeds = std::iter::once(i.material).chain(
                    self.rules
                        .iter()
                        .filter(|r| r.to == i.material)
                        .map(|r| r.from),
                );
                for a in feeds {
                    for o in &t.outputs {
                        g.add_edge(NodeIndex::new(a.0), NodeIndex::new(o.material.0), k);
                    }
                }
            }
        }
        let mut reported = HashSet::new();
        for scc in petgraph::algo::tarjan_scc(&g) {
            let looped = scc.len() > 1 || g.contains_edge(scc[0], scc[0]);
            if !looped {
                continue;
            }
            let members: HashSet<_> = scc.iter().copied().collect();
            let mut techs: Vec<usize> = g
                .edge_references()
                .filter(|e| members.contains(&e.source()) && members.contains(&e.target()))
                .map(|e| *e.weight())
                .collect();
            techs.sort_unstable();
            techs.dedup();
            let Some(&first) = techs.first() else {
                continue;
            };
            if !reported.insert(first) {
                continue;
            }
            let names: Vec<&str> = techs
                .iter()
                .map(|&k| self.technologies[k].id.as_str())
                .collect();
            let l = &self.loaded.technologies[first];
            let p = Place::new(&l.file, format!("technologies[{}]", l.index), &l.item.id);
            let msg = format!(
                "a chain of plants loops back into itself: what {} make can come back to \
                 their inputs",
                names.join(", ")
            );
            self.c.item(&p, msg);
        }
    }

    /// For every material some technology takes in, a rule from it to itself
    /// that only plants' inputs use (unless the catalog has one).
    fn direct_rules(&mut self) {
        let mut wanted: Vec<MaterialId> = self
            .technologies
            .iter()
            .flat_map(|t| t.inputs.iter().map(|i| i.material))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for m in wanted {
            if self.rules.iter().any(|r| r.from == m && r.to == m) {
                continue;
            }
            let unit = &self.materials[m.0].unit;
            let modes = (0..self.modes.len())
                .filter(|&k| self.modes[k].carries(unit))
                .map(crate::domain::ModeId)
                .collect();
            self.rules.push(Rule {
                id: format!("direct:{}", self.materials[m.0].id),
                from: m,
                to: m,
                ratio: 1.0,
                max_share: 1.0,
                processing_cost: 0.0,
                processing_co2: 0.0,
                modes,
                plants_only: true,
            });
        }
    }

    /// One plant: a site of its own with the technology's inputs and outputs.
    fn plant(&mut self, l: &'a Located<PlantFile>, tech_ids: &HashMap<&'a str, usize>) {
        let pf = &l.item;
        let p = Place::new(&l.file, format!("plants[{}]", l.index), &pf.id);
        if let Some(site) = self
            .site_ids
            .get(pf.id.as_str())
            .and_then(|&k| self.loaded.sites.get(k))
        {
            let msg = format!(
                "a site has this id already ({}: sites[{}]): plants and sites share ids",
                site.file.display(),
                site.index
            );
            self.c.at(&p, "id", msg);
        }
        let technology = tech_ids
            .get(pf.technology.as_str())
            .map(|&k| TechnologyId(k));
        if technology.is_none() {
            let hint = super::suggestion(&pf.technology, tech_ids.keys().copied());
            let msg = format!("unknown technology \"{}\"{hint}", pf.technology);
            self.c.at(&p, "technology", msg);
        }
        let host = pf.site.as_deref().and_then(|id| {
            let found = self.site_ids.get(id).map(|&k| SiteId(k));
            if found.is_none() {
                let hint = super::suggestion(id, self.site_ids.keys().copied());
                self.c
                    .at(&p, "site", format!("unknown site \"{id}\"{hint}"));
            }
            found
        });
        let written = coordinates(
            &mut self.c,
            p.file,
            &p.path,
            &pf.id,
            (pf.lat, pf.lon),
            (pf.x_km, pf.y_km),
        );
        let location = match (pf.site.is_some(), written) {
            (true, Some(_)) => {
                let msg = "give either a site or coordinates, not both";
                self.c.at(&p, "site", msg);
                None
            }
            (true, None) => host.and_then(|h| self.sites[h.0].location),
            (false, w) => w,
        };
        if location.is_none() && pf.site.is_none() && written.is_none() {
            let msg = "a plant needs a place: a site, lat/lon or x_km/y_km";
            self.c.item(&p, msg);
        }
        if let (Some(loc), Some(first)) = (location, self.sites.iter().find_map(|s| s.location)) {
            let geo = |l: Location| matches!(l, Location::LatLon { .. });
            if geo(loc) != geo(first) {
                let msg = "the plant's location is of another kind than the sites' (lat/lon \
                           against x_km/y_km)";
                self.c.item(&p, msg);
            }
        }
        let Some(t) = technology else {
            return;
        };
        let tech = &self.technologies[t.0];
        let sizes: Vec<usize> = match &pf.size {
            Some(id) => match tech.sizes.iter().position(|z| &z.id == id) {
                Some(k) => vec![k],
                None => {
                    let hint = super::suggestion(id, tech.sizes.iter().map(|z| z.id.as_str()));
                    let msg = format!("technology \"{}\" has no size \"{id}\"{hint}", tech.id);
                    self.c.at(&p, "size", msg);
                    return;
                }
            },
            None if pf.status == PlantStatus::Existing => {
                let msg = "missing: an existing plant has one size (an id of its technology's \
                           sizes)";
                self.c.at(&p, "size", msg);
                return;
            }
            None => (0..tech.sizes.len()).collect(),
        };
        let (operator, operator_site) = match &pf.operator {
            Some(o) => (o.clone(), self.site_ids.get(o.as_str()).map(|&k| SiteId(k))),
            None => match host {
                Some(h) => (self.sites[h.0].id.clone(), Some(h)),
                None => (pf.id.clone(), None),
            },
        };
        let firms = self
            .sites
            .iter()
            .filter(|site| site.plant.is_none())
            .count();
        let firm = match operator_site.filter(|op| op.0 < firms) {
            Some(op) => op.0,
            None => match self
                .plants
                .iter()
                .find(|q| q.operator == operator && q.firm >= firms)
            {
                Some(q) => q.firm,
                // A firm of its own, after those named so far.
                None => self
                    .plants
                    .iter()
                    .map(|q| q.firm + 1)
                    .filter(|&f| f > firms)
                    .max()
                    .unwrap_or(firms),
            },
        };
        let largest = sizes
            .iter()
            .map(|&k| tech.sizes[k].capacity)
            .fold(0.0, f64::max);
        let pid = PlantId(self.plants.len());
        let sid = SiteId(self.sites.len());
        let mut inputs: Vec<InputId> = Vec::new();
        for ti in &tech.inputs {
            let id = InputId(self.inputs.len());
            inputs.push(id);
            self.inputs.push(Input {
                id: self.materials[ti.material.0].id.clone(),
                site: sid,
                material: ti.material,
                quantity: largest * ti.max_share,
                price: 0.0,
                co2: 0.0,
            });
        }
        let mut outputs: Vec<OutputId> = Vec::new();
        for to in &tech.outputs {
            let id = OutputId(self.outputs.len());
            outputs.push(id);
            self.outputs.push(Output {
                id: self.materials[to.material.0].id.clone(),
                site: sid,
                material: to.material,
                quantity: largest * to.yield_per_unit,
                disposal_cost: to.disposal_cost,
                disposal_co2: to.disposal_co2,
            });
        }
        // Link facts may name the plant's streams by their material ids.
        let loaded = self.loaded;
        let material_id = |m: MaterialId| loaded.materials[m.0].item.id.as_str();
        self.site_ids.insert(pf.id.as_str(), sid.0);
        for (&i, ti) in inputs.iter().zip(&tech.inputs) {
            self.input_ids
                .insert((pf.id.as_str(), material_id(ti.material)), i);
        }
        for (&o, to) in outputs.iter().zip(&tech.outputs) {
            self.output_ids
                .insert((pf.id.as_str(), material_id(to.material)), o);
        }
        self.sites.push(Site {
            id: pf.id.clone(),
            name: pf.name.clone().unwrap_or_else(|| pf.id.clone()),
            sector: Some(format!("plant: {}", tech.name)),
            location,
            outputs: outputs.clone(),
            inputs: inputs.clone(),
            plant: Some(pid),
        });
        self.plants.push(Plant {
            id: pf.id.clone(),
            name: pf.name.clone().unwrap_or_else(|| pf.id.clone()),
            technology: t,
            site: sid,
            host,
            status: pf.status,
            sizes,
            operator,
            operator_site,
            firm,
            inputs,
            outputs,
            origin: Origin {
                file: Arc::clone(&l.file),
                path: p.path.clone(),
            },
        });
    }

    /// `[[plant_groups]]`: known plants and technologies, and limits that can hold.
    fn plant_groups(
        &mut self,
        plant_ids: &HashMap<&'a str, usize>,
        tech_ids: &HashMap<&'a str, usize>,
    ) {
        let loaded = self.loaded;
        unique(&mut self.c, "plant_groups", &loaded.plant_groups, |g| &g.id);
        for l in &loaded.plant_groups {
            let g = &l.item;
            let p = Place::new(&l.file, format!("plant_groups[{}]", l.index), &g.id);
            let mut plants = Vec::new();
            for (k, id) in g.plants.iter().enumerate() {
                match plant_ids.get(id.as_str()) {
                    Some(&k) => plants.push(PlantId(k)),
                    None => {
                        let hint = super::suggestion(id, plant_ids.keys().copied());
                        let msg = format!("unknown plant \"{id}\"{hint}");
                        self.c.at(&p, &format!("plants[{k}]"), msg);
                    }
                }
            }
            if let Some(t) = &g.technology {
                match tech_ids.get(t.as_str()) {
                    Some(&k) => plants.extend(
                        (0..self.plants.len())
                            .filter(|&q| self.plants[q].technology == TechnologyId(k))
                            .map(PlantId),
                    ),
                    None => {
                        let hint = super::suggestion(t, tech_ids.keys().copied());
                        let msg = format!("unknown technology \"{t}\"{hint}");
                        self.c.at(&p, "technology", msg);
                    }
                }
            }
            plants.sort_unstable();
            plants.dedup();
            if g.plants.is_empty() && g.technology.is_none() {
                self.c.item(
                    &p,
                    "name its plants (`plants`) or a technology (`technology`)",
                );
            }
            if g.min_open.is_none() && g.max_open.is_none() {
                self.c.item(&p, "give max_open, min_open or both");
            }
            if let (Some(lo), Some(hi)) = (g.min_open, g.max_open) {
                if lo > hi {
                    self.c.at(
                        &p,
                        "min_open",
                        format!("min_open {lo} is above max_open {hi}"),
                    );
                }
            }
            self.plant_groups.push(PlantGroup {
                id: g.id.clone(),
                plants,
                min_open: g.min_open,
                max_open: g.max_open,
                origin: Origin {
                    file: Arc::clone(&l.file),
                    path: p.path.clone(),
                },
            });
        }
    }
}
