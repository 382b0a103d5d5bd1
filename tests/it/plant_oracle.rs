//! The brute-force oracle with plants: tiny random instances with sources of a
//! raw material, candidate plants that turn it into a product, and customers
//! whose virgin input the product (or the raw material directly) replaces.
//! The oracle enumerates every plant's size (or closed) and every subset of
//! built links, solves each choice's flow LP with the dense simplex of
//! [`super::oracle`], and keeps the best; symbio at `--gap 0` must find it,
//! as one MILP and part by part.
//!
//! The oracle computes every coefficient from the raw figures (distances,
//! margins, the plants' cost per unit processed and annual charges), not from
//! symbio's network.

use std::path::Path;

use proptest::prelude::*;
use symbio::domain::{MaterialKind, PlantStatus};
use symbio::model::Reduce;
use symbio::scenario::schema::{
    InputFile, MaterialFile, ModeFile, OutputFile, ParametersFile, PlantFile, RuleFile,
    ScenarioFile, ScenarioHeader, SiteFile, SizeFile, TechnologyFile, TechnologyInputFile,
    TechnologyOutputFile,
};
use symbio::SolveOptions;

use crate::oracle::simplex_max;

/// A point with a figure: (x, y, quantity, money per unit, CO2 per unit).
type Stream = (f64, f64, f64, f64, f64);

#[derive(Debug, Clone)]
pub(crate) struct Instance {
    /// Sources of raw material: disposal cost and CO2.
    sources: Vec<Stream>,
    /// Customers of the virgin material: price and CO2.
    customers: Vec<Stream>,
    /// Plants: x, y and status (an existing one at size 0).
    plants: Vec<(f64, f64, PlantStatus)>,
    /// Sizes: capacity, fixed cost, capex.
    sizes: Vec<(f64, f64, f64)>,
    /// Yield, operating cost, energy, CO2 per unit processed, product disposal
    /// cost and CO2.
    tech: (f64, f64, f64, f64, f64, f64),
    /// Rule product → virgin: ratio, max share.
    product_rule: (f64, f64),
    /// Rule raw → virgin (direct, no plant): ratio, max share, or none.
    raw_rule: Option<(f64, f64)>,
    /// Truck: cost per unit km, fixed cost per link, loss per km.
    truck: (f64, f64, f64),
    carbon_price: f64,
    energy_price: f64,
}

fn status() -> impl Strategy<Value = PlantStatus> {
    prop_oneof![
        5 => Just(PlantStatus::Candidate),
        1 => Just(PlantStatus::Forced),
        1 => Just(PlantStatus::Existing),
        1 => Just(PlantStatus::Forbidden),
    ]
}

pub(crate) fn instance() -> impl Strategy<Value = Instance> {
    (1usize..=2, 1usize..=2, 1usize..=2, any::<bool>())
        .prop_filter("at most 8 links", |&(s, p, c, raw)| {
            s * p + p * c + if raw { s * c } else { 0 } <= 8
        })
        .prop_flat_map(|(ns, np, nc, raw)| {
            let source = (
                0.0..30.0f64,
                0.0..30.0f64,
                1.0..100.0f64,
                -5.0..20.0f64,
                0.0..0.5f64,
            );
            let customer = (
                0.0..30.0f64,
                0.0..30.0f64,
                1.0..100.0f64,
                0.0..60.0f64,
                0.0..1.0f64,
            );
            let plant = (0.0..30.0f64, 0.0..30.0f64, status());
            let size = (5.0..120.0f64, 0.0..800.0f64, 0.0..3000.0f64);
            let tech = (
                0.3..1.0f64,
                0.0..15.0f64,
                0.0..0.5f64,
                0.0..0.2f64,
                -10.0..10.0f64,
                0.0..0.3f64,
            );
            let rule = (0.5..1.5f64, 0.2..1.0f64);
            (
                proptest::collection::vec(source, ns),
                proptest::collection::vec(customer, nc),
                proptest::collection::vec(plant, np),
                proptest::collection::vec(size, 1..=2),
                tech,
                rule,
                ((0.5..1.5f64, 0.2..1.0f64), Just(raw)),
                (0.0..0.5f64, 0.0..500.0f64, 0.0..0.005f64),
                (0.0..50.0f64, 0.0..10.0f64),
            )
        })
        .prop_map(
            |(sources, customers, plants, sizes, tech, product_rule, raw_rule, truck, prices)| {
                Instance {
                    sources,
                    customers,
                    plants,
                    sizes,
                    tech,
                    product_rule,
                    raw_rule: raw_rule.1.then_some(raw_rule.0),
                    truck,
                    carbon_price: prices.0,
                    energy_price: prices.1,
                }
            },
        )
}

/// Discount rate of every instance, and lifetime of every size.
const RATE: f64 = 0.05;
const LIFE: f64 = 10.0;

fn crf() -> f64 {
    RATE * (1.0 + RATE).powf(LIFE) / ((1.0 + RATE).powf(LIFE) - 1.0)
}

impl Instance {
    pub(crate) fn scenario_file(&self) -> ScenarioFile {
        let material = |id: &str| MaterialFile {
            id: id.into(),
            name: None,
            unit: "t".into(),
            kind: MaterialKind::Material,
            replace: false,
            source: None,
        };
        let rule = |id: &str, from: &str, (ratio, share): (f64, f64)| RuleFile {
            id: id.into(),
            from: from.into(),
            to: "virgin".into(),
            ratio: Some(ratio),
            max_share: Some(share),
            processing_cost: 0.0,
            processing_co2: 0.0,
            modes: vec!["truck".into()],
            replace: false,
            source: None,
        };
        let site = |id: String, (x, y): (f64, f64)| SiteFile {
            id,
            name: None,
            sector: None,
            lat: None,
            lon: None,
            x_km: Some(x),
            y_km: Some(y),
            outputs: Vec::new(),
            inputs: Vec::new(),
            replace: false,
            source: None,
        };
        let mut sites = Vec::new();
        for (k, s) in self.sources.iter().enumerate() {
            let mut site = site(format!("s{k}"), (s.0, s.1));
            site.outputs.push(OutputFile {
                id: "raw".into(),
                material: "raw".into(),
                quantity: s.2,
                disposal_cost: s.3,
                disposal_co2: s.4,
                source: None,
            });
            sites.push(site);
        }
        for (k, c) in self.customers.iter().enumerate() {
            let mut site = site(format!("c{k}"), (c.0, c.1));
            site.inputs.push(InputFile {
                id: "virgin".into(),
                material: "virgin".into(),
                quantity: c.2,
                price: c.3,
                co2: c.4,
                source: None,
            });
            sites.push(site);
        }
        let mut rules = vec![rule("product", "product", self.product_rule)];
        if let Some(r) = self.raw_rule {
            rules.push(rule("raw", "raw", r));
        }
        let t = self.tech;
        ScenarioFile {
            scenario: ScenarioHeader {
                name: Some("plant oracle".into()),
                currency: Some("EUR".into()),
                description: None,
                include: vec![],
            },
            parameters: ParametersFile {
                carbon_price: Some(self.carbon_price),
                energy_price: Some(self.energy_price),
                discount_rate: Some(RATE),
                circuity: Some(1.0),
                ..Default::default()
            },
            materials: vec![material("raw"), material("product"), material("virgin")],
            modes: vec![ModeFile {
                id: "truck".into(),
                name: None,
                units: vec!["t".into()],
                cost_per_unit_km: self.truck.0,
                energy_per_unit_km: 0.0,
                co2_per_unit_km: 0.0,
                loss_per_km: self.truck.2,
                max_distance_km: None,
                fixed_cost_per_year: self.truck.1,
                capex_per_km: 0.0,
                lifetime_years: Some(LIFE),
                capacity: None,
                replace: false,
                source: None,
            }],
            rules,
            sites,
            technologies: vec![TechnologyFile {
                id: "proc".into(),
                name: None,
                inputs: vec![TechnologyInputFile {
                    material: "raw".into(),
                    min_share: None,
                    max_share: None,
                }],
                outputs: vec![TechnologyOutputFile {
                    material: "product".into(),
                    yield_per_unit: t.0,
                    disposal_cost: t.4,
                    disposal_co2: t.5,
                }],
                sizes: self
                    .sizes
                    .iter()
                    .enumerate()
                    .map(|(k, z)| SizeFile {
                        id: format!("z{k}"),
                        capacity: z.0,
                        fixed_cost_per_year: z.1,
                        capex: z.2,
                        lifetime_years: Some(LIFE),
                    })
                    .collect(),
                operating_cost: t.1,
                energy_per_unit: t.2,
                co2_per_unit: t.3,
                replace: false,
                source: None,
            }],
            plants: self
                .plants
                .iter()
                .enumerate()
                .map(|(k, p)| PlantFile {
                    id: format!("p{k}"),
                    name: None,
                    technology: "proc".into(),
                    site: None,
                    lat: None,
                    lon: None,
                    x_km: Some(p.0),
                    y_km: Some(p.1),
                    status: p.2,
                    size: (p.2 == PlantStatus::Existing).then(|| "z0".into()),
                    operator: None,
                    replace: false,
                    source: None,
                })
                .collect(),
            ..ScenarioFile::default()
        }
    }

    fn symbio(&self, decompose: bool, reduce: Reduce) -> symbio::Plan {
        let json = serde_json::to_string(&self.scenario_file()).unwrap();
        let scenario = symbio::scenario::read_str(Path::new("plant_oracle.json"), &json)
            .expect("generated instances are valid");
        let options = SolveOptions {
            gap: 0.0,
            decompose,
            reduce,
            ..SolveOptions::default()
        };
        symbio::solve(&scenario, &options).expect("solves")
    }
}

/// A link as the oracle sees it.
#[derive(Debug)]
struct OLink {
    /// Supply row it draws on: a source, or a plant's product.
    from: End,
    /// Where it delivers: a customer, or a plant.
    to: End,
    value: f64,
    /// Units arriving at `to` per unit sent (in `to`'s units).
    delivered: f64,
    /// Rule share limit at a customer, by rule (0 product, 1 raw).
    rule: usize,
    charge: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    Source(usize),
    Plant(usize),
    Customer(usize),
}

impl Instance {
    fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    fn links(&self) -> Vec<OLink> {
        let p = self.carbon_price;
        let (cost_km, fixed, loss) = self.truck;
        let mut out = Vec::new();
        let mut push = |from: End,
                        to: End,
                        a: (f64, f64),
                        b: (f64, f64),
                        avoided: f64,
                        price: Option<(f64, f64, usize)>| {
            let d = Self::distance(a, b);
            let alpha = 1.0 - loss * d;
            if alpha <= 0.0 {
                return;
            }
            let (ratio, gain, rule) = price.unwrap_or((1.0, 0.0, 0));
            out.push(OLink {
                from,
                to,
                value: avoided + alpha * ratio * gain - cost_km * d,
                delivered: alpha * ratio,
                rule,
                charge: fixed,
            });
        };
        for (s, src) in self.sources.iter().enumerate() {
            for (q, pl) in self.plants.iter().enumerate() {
                if pl.2 == PlantStatus::Forbidden {
                    continue;
                }
                push(
                    End::Source(s),
                    End::Plant(q),
                    (src.0, src.1),
                    (pl.0, pl.1),
                    src.3 + p * src.4,
                    None,
                );
            }
            if let Some((ratio, _)) = self.raw_rule {
                for (c, cu) in self.customers.iter().enumerate() {
                    let gain = cu.3 + p * cu.4;
                    push(
                        End::Source(s),
                        End::Customer(c),
                        (src.0, src.1),
                        (cu.0, cu.1),
                        src.3 + p * src.4,
                        Some((ratio, gain, 1)),
                    );
                }
            }
        }
        let t = self.tech;
        for (q, pl) in self.plants.iter().enumerate() {
            if pl.2 == PlantStatus::Forbidden {
                continue;
            }
            for (c, cu) in self.customers.iter().enumerate() {
                let gain = cu.3 + p * cu.4;
                push(
                    End::Plant(q),
                    End::Customer(c),
                    (pl.0, pl.1),
                    (cu.0, cu.1),
                    t.4 + p * t.5,
                    Some((self.product_rule.0, gain, 0)),
                );
            }
        }
        out
    }

    /// Cost per unit processed.
    fn unit_cost(&self) -> f64 {
        let t = self.tech;
        t.1 + self.energy_price * t.2 + t.0 * t.4 + self.carbon_price * (t.3 + t.0 * t.5)
    }

    /// The best net benefit over every plant choice and link subset (`None`
    /// when nothing is feasible).
    fn oracle(&self) -> Option<f64> {
        let links = self.links();
        let n = links.len();
        // Each plant: closed (None) or a size; mandatory ones never closed.
        let mut choices: Vec<Vec<Option<usize>>> = Vec::new();
        for pl in &self.plants {
            choices.push(match pl.2 {
                PlantStatus::Forbidden => vec![None],
                PlantStatus::Existing => vec![Some(0)],
                PlantStatus::Forced => (0..self.sizes.len()).map(Some).collect(),
                PlantStatus::Candidate => std::iter::once(None)
                    .chain((0..self.sizes.len()).map(Some))
                    .collect(),
            });
        }
        let mut best: Option<f64> = None;
        let mut pick = vec![0usize; choices.len()];
        loop {
            let open: Vec<Option<usize>> = pick.iter().zip(&choices).map(|(&k, c)| c[k]).collect();
            let charges: f64 = self
                .plants
                .iter()
                .zip(&open)
                .filter_map(|(pl, z)| {
                    z.map(|z| {
                        let (_, fixed, capex) = self.sizes[z];
                        let capex = if pl.2 == PlantStatus::Existing {
                            0.0
                        } else {
                            capex
                        };
                        fixed + capex * crf()
                    })
                })
                .sum();
            for mask in 0u32..(1 << n) {
                let chosen: Vec<&OLink> = (0..n)
                    .filter(|k| mask & (1 << k) != 0)
                    .map(|k| &links[k])
                    .collect();
                // A link to or from a closed plant carries nothing: leave such subsets out.
                let touches_closed = chosen.iter().any(|l| {
                    [l.from, l.to]
                        .iter()
                        .any(|e| matches!(e, End::Plant(q) if open[*q].is_none()))
                });
                if touches_closed {
                    continue;
                }
                if let Some(v) = self.flow_lp(&chosen, &open) {
                    let total = v - charges - chosen.iter().map(|l| l.charge).sum::<f64>();
                    best = Some(best.map_or(total, |b: f64| b.max(total)));
                }
            }
            // Next plant choice.
            let mut k = 0;
            while k < pick.len() {
                pick[k] += 1;
                if pick[k] < choices[k].len() {
                    break;
                }
                pick[k] = 0;
                k += 1;
            }
            if k == pick.len() {
                break;
            }
        }
        best
    }

    /// The best Σ value − plant costs over the chosen links' flows.
    fn flow_lp(&self, chosen: &[&OLink], open: &[Option<usize>]) -> Option<f64> {
        let n = chosen.len();
        let mut rows: Vec<(Vec<f64>, f64)> = Vec::new();
        let row = |f: &dyn Fn(&OLink) -> f64| chosen.iter().map(|l| f(l)).collect::<Vec<f64>>();
        for (s, src) in self.sources.iter().enumerate() {
            rows.push((
                row(&|l| if l.from == End::Source(s) { 1.0 } else { 0.0 }),
                src.2,
            ));
        }
        for (c, cu) in self.customers.iter().enumerate() {
            let at = |l: &OLink| l.to == End::Customer(c);
            rows.push((row(&|l| if at(l) { l.delivered } else { 0.0 }), cu.2));
            let shares = [self.product_rule.1, self.raw_rule.map_or(1.0, |r| r.1)];
            for (r, share) in shares.iter().enumerate() {
                if *share < 1.0 {
                    rows.push((
                        row(&|l| {
                            if at(l) && l.rule == r {
                                l.delivered
                            } else {
                                0.0
                            }
                        }),
                        share * cu.2,
                    ));
                }
            }
        }
        let eta = self.tech.0;
        let mut value = row(&|l| l.value);
        for (q, z) in open.iter().enumerate() {
            let Some(z) = z else { continue };
            let into = |l: &OLink| {
                if l.to == End::Plant(q) {
                    l.delivered
                } else {
                    0.0
                }
            };
            // Yield: what leaves ≤ η × what arrives.
            rows.push((
                row(&|l| (if l.from == End::Plant(q) { 1.0 } else { 0.0 }) - eta * into(l)),
                0.0,
            ));
            // Capacity of the size.
            rows.push((row(&into), self.sizes[*z].0));
            for (k, l) in chosen.iter().enumerate() {
                value[k] -= self.unit_cost() * into(l);
            }
        }
        let _ = n;
        Some(simplex_max(&value, &rows))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn symbio_matches_the_brute_force_oracle_with_plants(inst in instance()) {
        let best = inst.oracle();
        // One MILP, the parts, and the reductions asked for on every MILP
        // (which a part with plants leaves off): the same optimum.
        for (decompose, reduce) in [
            (false, Reduce::Never),
            (true, Reduce::Auto),
            (true, Reduce::Always),
        ] {
            let plan = inst.symbio(decompose, reduce);
            let how = format!("decompose {decompose}, reduce {reduce:?}");
            crate::oracle::matches_oracle(&plan, best, &how)?;
        }
    }
}
