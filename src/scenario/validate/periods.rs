//! `[[periods]]`, `[[profiles]]` and `[[stores]]`: the parts of the year, the
//! streams whose quantity (or price) varies between them, and the stores that
//! carry a material from one to the next. Without periods there may be no
//! profile and no store, and the scenario is one year as before.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{suggestion, unique, Bound, Place, Validation};
use crate::domain::{
    MaterialId, Origin, Parameters, Period, PlantId, Profile, SiteId, Store, StoreStatus, Stream,
};
use crate::scenario::load::Located;
use crate::scenario::schema::{PeriodFile, ProfileFile, StoreFile};

/// How far the shares of the periods may sum from 1 (then they are scaled
/// to 1 exactly): far below any figure's precision, far above rounding in
/// shares written with a few decimals or as hours.
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// Hours in the year of a period's `hours` (365 days).
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// How far a profile's explicit quantities may sum from its stream's
/// quantity, relative to the larger of that quantity and 1.
const QUANTITY_TOLERANCE: f64 = 1e-6;

/// Which of a profile's tables.
#[derive(Clone, Copy)]
enum Table {
    Factors,
    Quantities,
    Prices,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Factors => "factors",
            Table::Quantities => "quantities",
            Table::Prices => "prices",
        }
    }
}

impl<'a> Validation<'a> {
    /// Periods, then the profiles and stores that refer to them.
    pub(super) fn periods(&mut self, parameters: &Parameters) {
        let loaded = self.loaded;
        let ids = unique(&mut self.c, "periods", &loaded.periods, |p| &p.id);
        let before = self.c.problems.len();
        let mut shares = Vec::new();
        for l in &loaded.periods {
            let (period, hours) = self.period(l, parameters);
            shares.push((period.share, hours));
            self.periods.push(period);
        }
        // The sum only says something when every share is one.
        if self.c.problems.len() == before {
            self.shares_sum_to_one(&shares);
        }
        let mut seen = HashMap::new();
        for l in &loaded.profiles {
            self.profile(l, &ids, &mut seen);
        }
        self.profiles.sort_by_key(|p| p.stream);
        unique(&mut self.c, "stores", &loaded.stores, |st| &st.id);
        for l in &loaded.stores {
            self.store(l);
        }
    }

    /// One period: a share of the year or hours, and its energy price.
    fn period(&mut self, l: &'a Located<PeriodFile>, parameters: &Parameters) -> (Period, bool) {
        let pf = &l.item;
        let p = Place::new(&l.file, format!("periods[{}]", l.index), &pf.id);
        let c = &mut self.c;
        let share = match (pf.share, pf.hours) {
            (Some(_), Some(_)) => {
                c.at(&p, "hours", "give either share or hours, not both");
                0.0
            }
            (None, None) => {
                let msg = "missing: give share (a fraction of the year) or hours";
                c.at(&p, "share", msg);
                0.0
            }
            (Some(v), None) => {
                let v = c.field(&p, "share", v, Bound::Positive);
                if v > 1.0 {
                    c.at(&p, "share", format!("must be at most 1, got {v}"));
                }
                v
            }
            (None, Some(h)) => c.field(&p, "hours", h, Bound::Positive) / HOURS_PER_YEAR,
        };
        let energy_price = match pf.energy_price {
            Some(v) => c.field(&p, "energy_price", v, Bound::NonNegative),
            None => parameters.energy_price,
        };
        let period = Period {
            id: pf.id.clone(),
            name: pf.name.clone().unwrap_or_else(|| pf.id.clone()),
            share,
            energy_price,
        };
        (period, pf.hours.is_some())
    }

    /// The shares (`(share, from hours)` per period) must sum to 1 within
    /// [`SHARE_TOLERANCE`]; then they are scaled to sum to 1 exactly.
    fn shares_sum_to_one(&mut self, shares: &[(f64, bool)]) {
        let Some(first) = self.loaded.periods.first() else {
            return;
        };
        let sum: f64 = shares.iter().map(|&(s, _)| s).sum();
        if (sum - 1.0).abs() <= SHARE_TOLERANCE {
            for p in &mut self.periods {
                p.share /= sum;
            }
            return;
        }
        let each: Vec<String> = self
            .periods
            .iter()
            .zip(shares)
            .map(|(p, &(s, hours))| {
                if hours {
                    format!("{} {} h", p.id, s * HOURS_PER_YEAR)
                } else {
                    format!("{} {s}", p.id)
                }
            })
            .collect();
        let hours = if shares.iter().any(|&(_, h)| h) {
            format!("; hours count as hours / {HOURS_PER_YEAR}")
        } else {
            String::new()
        };
        let msg = format!(
            "the shares of the periods sum to {sum} ({}{hours}): they must sum to 1 (within \
             {SHARE_TOLERANCE:e})",
            each.join(", ")
        );
        self.c.push(&first.file, "periods".into(), None, msg);
    }

    /// One profile: a stream of a site, and its tables over the periods.
    fn profile(
        &mut self,
        l: &'a Located<ProfileFile>,
        period_ids: &HashMap<&'a str, usize>,
        seen: &mut HashMap<Stream, String>,
    ) {
        let pf = &l.item;
        let stream_id = pf.output.as_deref().or(pf.input.as_deref()).unwrap_or("");
        let label = format!("{}/{stream_id}", pf.site);
        let p = Place::new(&l.file, format!("profiles[{}]", l.index), &label);
        if self.loaded.periods.is_empty() {
            let msg = "a profile needs periods, and the scenario has no [[periods]]";
            self.c.item(&p, msg);
            return;
        }
        let stream = self.profile_stream(&p, pf);
        let given = [
            (Table::Factors, &pf.factors),
            (Table::Quantities, &pf.quantities),
            (Table::Prices, &pf.prices),
        ];
        if given.iter().all(|(_, t)| t.is_empty()) {
            let msg = "says nothing: give factors, quantities or prices by period";
            self.c.item(&p, msg);
        }
        if !pf.factors.is_empty() && !pf.quantities.is_empty() {
            let msg = "give either factors or quantities, not both";
            self.c.at(&p, "quantities", msg);
        }
        if !pf.prices.is_empty() && pf.output.is_some() {
            let msg = "prices by period are an input's (the price of what it displaces)";
            self.c.at(&p, "prices", msg);
        }
        let before = self.c.problems.len();
        let mut tables = Vec::new();
        for (which, table) in given {
            tables.push(self.by_period(&p, which, table, period_ids));
        }
        // Sums say something only of tables with a good value for every period.
        let whole = self.c.problems.len() == before;
        let Some(stream) = stream else {
            return;
        };
        if let Some(first) = seen.insert(stream, p.path.clone()) {
            let msg = format!("a second profile for this stream, the first at {first}");
            self.c.item(&p, msg);
        }
        let annual = match stream {
            Stream::Output(o) => self.outputs[o.0].quantity,
            Stream::Input(i) => self.inputs[i.0].quantity,
        };
        let [factors, quantities, prices] = [0, 1, 2].map(|k| tables[k].take());
        let quantities = match (factors, quantities) {
            (Some(f), _) => Some(self.spread(&p, annual, &f, whole)),
            (None, Some(q)) => {
                if whole {
                    self.quantities_sum(&p, annual, &q);
                }
                Some(q)
            }
            (None, None) => None,
        };
        self.profiles.push(Profile {
            stream,
            quantities,
            prices,
            origin: Origin {
                file: Arc::clone(&l.file),
                path: p.path.clone(),
            },
        });
    }

    /// The stream a profile names: a site's output or input (not a plant's).
    fn profile_stream(&mut self, p: &Place, pf: &ProfileFile) -> Option<Stream> {
        let site = self.site_ids.get(pf.site.as_str()).copied();
        match site {
            None => {
                let hint = suggestion(&pf.site, self.site_ids.keys().copied());
                let msg = format!("unknown site \"{}\"{hint}", pf.site);
                self.c.at(p, "site", msg);
                return None;
            }
            Some(k) if self.sites[k].plant.is_some() => {
                let msg = format!(
                    "\"{}\" is a plant: its streams follow its throughput; profiles are for \
                     sites' outputs and inputs",
                    pf.site
                );
                self.c.at(p, "site", msg);
                return None;
            }
            Some(_) => {}
        }
        let s = pf.site.as_str();
        match (&pf.output, &pf.input) {
            (Some(_), Some(_)) => {
                let msg = "give either output or input, not both";
                self.c.at(p, "input", msg);
                None
            }
            (None, None) => {
                let msg = "missing: name the stream, output or input";
                self.c.at(p, "output", msg);
                None
            }
            (Some(o), None) => {
                let found = self.output_ids.get(&(s, o.as_str())).copied();
                if found.is_none() {
                    let known = self.output_ids.keys().filter(|(k, _)| *k == s);
                    let hint = suggestion(o, known.map(|(_, o)| *o));
                    let msg = format!("site \"{s}\" has no output \"{o}\"{hint}");
                    self.c.at(p, "output", msg);
                }
                found.map(Stream::Output)
            }
            (None, Some(i)) => {
                let found = self.input_ids.get(&(s, i.as_str())).copied();
                if found.is_none() {
                    let known = self.input_ids.keys().filter(|(k, _)| *k == s);
                    let hint = suggestion(i, known.map(|(_, i)| *i));
                    let msg = format!("site \"{s}\" has no input \"{i}\"{hint}");
                    self.c.at(p, "input", msg);
                }
                found.map(Stream::Input)
            }
        }
    }

    /// One table of a profile as a value per period (in the periods' order):
    /// every period given (once, by the first of its id), none unknown, every
    /// value ≥ 0. `None` when the table is empty.
    fn by_period(
        &mut self,
        p: &Place,
        which: Table,
        table: &BTreeMap<String, f64>,
        period_ids: &HashMap<&'a str, usize>,
    ) -> Option<Vec<f64>> {
        if table.is_empty() {
            return None;
        }
        let name = which.name();
        let mut values = vec![0.0; self.periods.len()];
        let mut given = vec![false; self.periods.len()];
        for (key, &v) in table {
            let field = format!("{name}.{key}");
            let v = self.c.field(p, &field, v, Bound::NonNegative);
            match period_ids.get(key.as_str()) {
                Some(&k) if k < values.len() => {
                    values[k] = v;
                    given[k] = true;
                }
                _ => {
                    let hint = suggestion(key, period_ids.keys().copied());
                    self.c
                        .at(p, &field, format!("unknown period \"{key}\"{hint}"));
                }
            }
        }
        // A period id written twice is one period, by its first entry.
        let mut needed: Vec<usize> = period_ids.values().copied().collect();
        needed.sort_unstable();
        let missing: Vec<&str> = needed
            .iter()
            .filter(|&&k| !given[k])
            .map(|&k| self.periods[k].id.as_str())
            .collect();
        if !missing.is_empty() {
            let msg = format!(
                "gives {} of the {} periods: every period needs a value (missing: {})",
                needed.len() - missing.len(),
                needed.len(),
                missing.join(", ")
            );
            self.c.at(p, name, msg);
        }
        Some(values)
    }

    /// A stream's `annual` quantity spread over the periods by `factors`:
    /// quantity_p = annual × share_p × f_p / Σ_q share_q × f_q. Factors all 0
    /// for a quantity > 0 are a problem when the factors are `whole`.
    fn spread(&mut self, p: &Place, annual: f64, factors: &[f64], whole: bool) -> Vec<f64> {
        let weights: Vec<f64> = self
            .periods
            .iter()
            .zip(factors)
            .map(|(period, f)| period.share * f)
            .collect();
        let total: f64 = weights.iter().sum();
        if total > 0.0 {
            return weights.iter().map(|w| annual * w / total).collect();
        }
        if annual > 0.0 && whole {
            let msg = format!(
                "every factor is 0, but the stream's quantity is {annual}: no period could \
                 take it"
            );
            self.c.at(p, "factors", msg);
        }
        vec![0.0; factors.len()]
    }

    /// Explicit quantities must sum to the stream's annual quantity.
    fn quantities_sum(&mut self, p: &Place, annual: f64, quantities: &[f64]) {
        let sum: f64 = quantities.iter().sum();
        if (sum - annual).abs() > QUANTITY_TOLERANCE * annual.max(1.0) {
            let msg = format!(
                "sum to {sum}, but the stream's quantity is {annual}: they must be equal \
                 (within {QUANTITY_TOLERANCE:e} of it), or give factors"
            );
            self.c.at(p, "quantities", msg);
        }
    }

    /// One store: its place, material and figures.
    fn store(&mut self, l: &'a Located<StoreFile>) {
        let sf = &l.item;
        let p = Place::new(&l.file, format!("stores[{}]", l.index), &sf.id);
        if self.loaded.periods.is_empty() {
            let msg = "a store needs periods to carry stock from one to the next, and the \
                       scenario has no [[periods]]";
            self.c.item(&p, msg);
        }
        let place = self.store_place(&p, sf);
        let material = self.find_material(&p, "material", &sf.material);
        if let (Some((site, _)), Some(m)) = (place, material) {
            self.store_material_at(&p, site, m);
        }
        let c = &mut self.c;
        let capacity = match sf.capacity {
            Some(v) => c.field(&p, "capacity", v, Bound::Positive),
            None => {
                c.at(&p, "capacity", "missing: the most it holds, units (> 0)");
                0.0
            }
        };
        let nn = Bound::NonNegative;
        let max_charge = sf.max_charge.map(|v| c.field(&p, "max_charge", v, nn));
        let max_discharge = sf
            .max_discharge
            .map(|v| c.field(&p, "max_discharge", v, nn));
        let loss = c.field(
            &p,
            "loss_per_period",
            sf.loss_per_period,
            Bound::Within(0.0, 1.0),
        );
        if loss == 1.0 {
            let msg = "must be below 1 (at 1 all it holds is lost in every period), got 1";
            c.at(&p, "loss_per_period", msg);
        }
        let cost = c.field(&p, "cost_per_unit_charged", sf.cost_per_unit_charged, nn);
        let capex = c.field(&p, "capex", sf.capex, nn);
        if sf.status == StoreStatus::Existing && capex > 0.0 {
            let msg = "an existing store is built already and carries no capex; leave it out";
            c.at(&p, "capex", msg);
        }
        let lifetime = match sf.lifetime_years {
            Some(v) => c.field(&p, "lifetime_years", v, Bound::Positive),
            None if capex > 0.0 => {
                c.at(&p, "lifetime_years", "missing: needed to annualise capex");
                1.0
            }
            None => 1.0,
        };
        let fixed = c.field(&p, "fixed_cost_per_year", sf.fixed_cost_per_year, nn);
        let (Some((site, plant)), Some(material)) = (place, material) else {
            return;
        };
        self.stores.push(Store {
            id: sf.id.clone(),
            name: sf.name.clone().unwrap_or_else(|| sf.id.clone()),
            site,
            plant,
            material,
            capacity,
            max_charge,
            max_discharge,
            loss_per_period: loss,
            cost_per_unit_charged: cost,
            status: sf.status,
            capex,
            lifetime_years: lifetime,
            fixed_cost_per_year: fixed,
            origin: Origin {
                file: Arc::clone(&l.file),
                path: p.path.clone(),
            },
        });
    }

    /// Where a store stands: a site of the scenario or a plant (its site),
    /// one of the two.
    fn store_place(&mut self, p: &Place, sf: &StoreFile) -> Option<(SiteId, Option<PlantId>)> {
        match (&sf.site, &sf.plant) {
            (Some(_), Some(_)) => {
                self.c
                    .at(p, "plant", "give either a site or a plant, not both");
                None
            }
            (None, None) => {
                let msg = "missing: a store stands at a site or at a plant";
                self.c.at(p, "site", msg);
                None
            }
            (Some(id), None) => match self.site_ids.get(id.as_str()).copied() {
                Some(k) if self.sites[k].plant.is_none() => Some((SiteId(k), None)),
                Some(_) => {
                    let msg = format!("\"{id}\" is a plant: write plant = \"{id}\"");
                    self.c.at(p, "site", msg);
                    None
                }
                None => {
                    let firms = self.sites.iter().filter(|s| s.plant.is_none());
                    let hint = suggestion(id, firms.map(|s| s.id.as_str()));
                    self.c.at(p, "site", format!("unknown site \"{id}\"{hint}"));
                    None
                }
            },
            (None, Some(id)) => match self.plants.iter().position(|q| &q.id == id) {
                Some(k) => Some((self.plants[k].site, Some(PlantId(k)))),
                None => {
                    let hint = suggestion(id, self.plants.iter().map(|q| q.id.as_str()));
                    self.c
                        .at(p, "plant", format!("unknown plant \"{id}\"{hint}"));
                    None
                }
            },
        }
    }

    /// A store holds a material its place offers or takes.
    fn store_material_at(&mut self, p: &Place, site: SiteId, m: MaterialId) {
        let s = &self.sites[site.0];
        let offers = s
            .outputs
            .iter()
            .filter(|o| self.outputs[o.0].material == m)
            .count();
        let takes = s
            .inputs
            .iter()
            .filter(|i| self.inputs[i.0].material == m)
            .count();
        // The store works on one stream: the output of its material, else the input.
        if offers > 1 || (offers == 0 && takes > 1) {
            let (n, kind) = if offers > 1 {
                (offers, "outputs")
            } else {
                (takes, "inputs")
            };
            let msg = format!(
                "\"{}\" has {n} {kind} of \"{}\": a store works on one stream, so \
                 the site must offer (or take) its material once",
                s.id, self.materials[m.0].id
            );
            self.c.at(p, "material", msg);
        }
        if offers == 0 && takes == 0 {
            let msg = format!(
                "\"{}\" has no output or input of \"{}\": a store there would hold what it \
                 neither offers nor takes",
                s.id, self.materials[m.0].id
            );
            self.c.at(p, "material", msg);
        }
    }
}
