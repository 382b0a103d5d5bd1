//! Seeded generators of scenarios for the tests, benchmarks and examples:
//! [`districts`] (many small independent districts, for the decomposition),
//! [`fixed_charge`] (hard fixed-charge clusters, for time limits) and [`region`]
//! (a synthetic industrial region, for scale). Each is deterministic: the same
//! arguments give the same text on every run and machine.

/// A small deterministic generator (64-bit LCG).
pub struct Lcg(u64);

impl Lcg {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// A number in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 11) as f64 / (1u64 << 53) as f64)
    }

    /// An index in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.range(0.0, n as f64) as usize).min(n - 1)
    }
}

/// A generator of scenarios made of many independent districts, for the
/// decomposition's tests and benchmark.
///
/// District `d` lies around (1000·d km, 0): a steelworks (slag), a power station
/// (fly ash, FGD gypsum), three cement plants (clinker), a road builder (aggregate)
/// and a plasterboard plant (natural gypsum), scattered over 60 × 60 km. Modes
/// reach at most 200 km, so no link joins two districts. Each district has two
/// independent parts (slag and fly ash to cement and roads; gypsum to plasterboard)
/// and up to 15 candidate links with fixed charges that compete.
///
/// The scenario of `n` districts as TOML text.
pub fn districts(n: usize, seed: u64) -> String {
    let mut r = Lcg::new(seed);
    let mut s = format!(
        r#"[scenario]
name = "{n} districts"
currency = "EUR"

[parameters]
carbon_price = 30.0
discount_rate = 0.05
circuity = 1.2

[[materials]]
id = "slag"
unit = "t"
kind = "material"

[[materials]]
id = "fly_ash"
unit = "t"
kind = "material"

[[materials]]
id = "fgd_gypsum"
unit = "t"
kind = "material"

[[materials]]
id = "clinker"
unit = "t"
kind = "material"

[[materials]]
id = "aggregate"
unit = "t"
kind = "material"

[[materials]]
id = "natural_gypsum"
unit = "t"
kind = "material"

[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.12
co2_per_unit_km = 0.0001
fixed_cost_per_year = 40000.0
max_distance_km = 80.0

[[modes]]
id = "rail"
units = ["t"]
cost_per_unit_km = 0.04
co2_per_unit_km = 0.00003
fixed_cost_per_year = 150000.0
capex_per_km = 20000.0
lifetime_years = 20.0
max_distance_km = 200.0

[[rules]]
id = "slag_for_clinker"
from = "slag"
to = "clinker"
ratio = 0.9
max_share = 0.5
processing_cost = 8.0
processing_co2 = 0.01
modes = ["truck", "rail"]

[[rules]]
id = "ash_for_clinker"
from = "fly_ash"
to = "clinker"
ratio = 0.7
max_share = 0.3
processing_cost = 5.0
modes = ["truck", "rail"]

[[rules]]
id = "slag_for_aggregate"
from = "slag"
to = "aggregate"
processing_cost = 2.0
modes = ["truck"]

[[rules]]
id = "gypsum_for_gypsum"
from = "fgd_gypsum"
to = "natural_gypsum"
ratio = 0.95
max_share = 0.8
processing_cost = 3.0
modes = ["truck", "rail"]
"#
    );
    for d in 0..n {
        let x0 = 1000.0 * d as f64;
        let site = |s: &mut String, id: &str, streams: &str, r: &mut Lcg| {
            s.push_str(&format!(
                "\n[[sites]]\nid = \"{id}_{d}\"\nx_km = {:.3}\ny_km = {:.3}\n{streams}",
                x0 + r.range(0.0, 60.0),
                r.range(0.0, 60.0)
            ));
        };
        let slag = r.range(200_000.0, 900_000.0);
        let ash = r.range(100_000.0, 500_000.0);
        let gypsum = r.range(50_000.0, 300_000.0);
        site(
            &mut s,
            "steel",
            &format!(
                "outputs = [{{ id = \"slag\", material = \"slag\", quantity = {slag:.0}, \
                 disposal_cost = {:.2}, disposal_co2 = 0.02 }}]\n",
                r.range(2.0, 12.0)
            ),
            &mut r,
        );
        site(
            &mut s,
            "power",
            &format!(
                "outputs = [\n  {{ id = \"ash\", material = \"fly_ash\", quantity = {ash:.0}, \
                 disposal_cost = {:.2} }},\n  {{ id = \"gypsum\", material = \"fgd_gypsum\", \
                 quantity = {gypsum:.0}, disposal_cost = {:.2} }},\n]\n",
                r.range(3.0, 10.0),
                r.range(1.0, 6.0)
            ),
            &mut r,
        );
        for k in 1..=3 {
            let q = r.range(300_000.0, 1_500_000.0);
            let price = r.range(45.0, 70.0);
            site(
                &mut s,
                &format!("cement{k}"),
                &format!(
                    "inputs = [{{ id = \"clinker\", material = \"clinker\", quantity = {q:.0}, \
                     price = {price:.2}, co2 = 0.82 }}]\n"
                ),
                &mut r,
            );
        }
        let q = r.range(100_000.0, 600_000.0);
        site(
            &mut s,
            "road",
            &format!(
                "inputs = [{{ id = \"aggregate\", material = \"aggregate\", quantity = {q:.0}, \
                 price = {:.2}, co2 = 0.005 }}]\n",
                r.range(8.0, 15.0)
            ),
            &mut r,
        );
        let q = r.range(50_000.0, 250_000.0);
        site(
            &mut s,
            "board",
            &format!(
                "inputs = [{{ id = \"gypsum\", material = \"natural_gypsum\", quantity = {q:.0}, \
                 price = {:.2}, co2 = 0.01 }}]\n",
                r.range(15.0, 30.0)
            ),
            &mut r,
        );
    }
    s
}

/// A generator of hard fixed-charge scenarios: independent clusters of suppliers
/// and customers, every pair a candidate link with its own fixed charge, as in the
/// fixed-charge transportation problem. For the time-limit tests and benchmarks.
///
/// Cluster `c` lies around (1000·c km, 0): `m` suppliers of a residue and `m`
/// customers of a feedstock it replaces, scattered over 50 × 50 km; trucks reach at
/// most 200 km, so clusters are independent parts. Fixed charges are of the order
/// of what one link earns, so which links to open is a real choice.
///
/// The scenario of `clusters` clusters of `m` suppliers and `m` customers, TOML.
pub fn fixed_charge(clusters: usize, m: usize, seed: u64) -> String {
    let mut r = Lcg(seed ^ 0x2545_f491_4f6c_dd1d);
    let mut s = format!(
        r#"[scenario]
name = "{clusters} fixed-charge clusters of {m} x {m}"
currency = "EUR"

[parameters]
circuity = 1.0

[[materials]]
id = "residue"
unit = "t"
kind = "material"

[[materials]]
id = "feedstock"
unit = "t"
kind = "material"

[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.4
max_distance_km = 200.0

[[rules]]
id = "residue_for_feedstock"
from = "residue"
to = "feedstock"
modes = ["truck"]
"#
    );
    for c in 0..clusters {
        let x0 = 1000.0 * c as f64;
        for i in 0..m {
            s.push_str(&format!(
                "\n[[sites]]\nid = \"s{c}_{i}\"\nx_km = {:.3}\ny_km = {:.3}\noutputs = [{{ id = \"residue\", material = \"residue\", quantity = {:.0}, disposal_cost = 15.0 }}]\n",
                x0 + r.range(0.0, 50.0),
                r.range(0.0, 50.0),
                r.range(40.0, 160.0)
            ));
        }
        for j in 0..m {
            s.push_str(&format!(
                "\n[[sites]]\nid = \"d{c}_{j}\"\nx_km = {:.3}\ny_km = {:.3}\ninputs = [{{ id = \"feedstock\", material = \"feedstock\", quantity = {:.0}, price = 25.0 }}]\n",
                x0 + r.range(0.0, 50.0),
                r.range(0.0, 50.0),
                r.range(40.0, 160.0)
            ));
        }
        for i in 0..m {
            for j in 0..m {
                s.push_str(&format!(
                    "\n[[links]]\nfrom_site = \"s{c}_{i}\"\nfrom_output = \"residue\"\nto_site = \"d{c}_{j}\"\nto_input = \"feedstock\"\nmode = \"truck\"\nfixed_cost_per_year = {:.0}\n",
                    r.range(800.0, 3000.0)
                ));
            }
        }
    }
    s
}

/// One stream of a sector: (output or input, stream id = material id, low, high
/// quantity per year, disposal cost or price per unit).
type Stream = (bool, &'static str, f64, f64, f64);

/// The sectors: (id, weight in a park, streams).
const SECTORS: [(&str, f64, &[Stream]); 12] = [
    (
        "steelworks",
        0.5,
        &[
            (true, "gbfs", 2e5, 8e5, 5.0),
            (true, "steel_slag", 1e5, 4e5, 8.0),
            (true, "process_steam", 1e5, 4e5, 0.0),
            (true, "waste_heat", 5e5, 2e6, 0.0),
            (false, "pci_coal", 1e5, 3e5, 150.0),
        ],
    ),
    (
        "power_station",
        0.6,
        &[
            (true, "fly_ash", 1e5, 5e5, 10.0),
            (true, "fgd_gypsum", 5e4, 2e5, 8.0),
            (true, "waste_heat", 1e6, 5e6, 0.0),
            (true, "process_steam", 5e4, 3e5, 0.0),
        ],
    ),
    (
        "cement",
        0.6,
        &[
            (false, "clinker", 5e5, 1.5e6, 45.0),
            (false, "coal", 5e4, 1.5e5, 120.0),
            (true, "waste_heat", 2e5, 8e5, 0.0),
        ],
    ),
    (
        "plasterboard",
        0.4,
        &[(false, "natural_gypsum", 5e4, 2e5, 15.0)],
    ),
    ("road_builder", 0.8, &[(false, "aggregate", 1e5, 6e5, 12.0)]),
    (
        "chemicals",
        1.0,
        &[
            (false, "process_steam", 5e4, 3e5, 25.0),
            (false, "sulphur", 1e4, 5e4, 90.0),
            (true, "treated_wastewater", 1e5, 1e6, 0.5),
        ],
    ),
    (
        "refinery",
        0.3,
        &[
            (true, "sulphur", 2e4, 1e5, 20.0),
            (true, "process_steam", 5e4, 2e5, 0.0),
        ],
    ),
    (
        "food",
        1.5,
        &[
            (false, "process_steam", 1e4, 8e4, 30.0),
            (false, "fresh_water", 1e5, 5e5, 1.5),
        ],
    ),
    (
        "paper_mill",
        0.5,
        &[
            (false, "process_steam", 1e5, 4e5, 25.0),
            (false, "fresh_water", 1e6, 5e6, 1.2),
        ],
    ),
    (
        "district_heating",
        0.7,
        &[(false, "district_heat", 5e5, 3e6, 12.0)],
    ),
    (
        "recycling",
        1.0,
        &[
            (true, "waste_plastics", 1e4, 8e4, 60.0),
            (true, "scrap_tyres", 5e3, 3e4, 80.0),
        ],
    ),
    (
        "greenhouse",
        0.8,
        &[(false, "district_heat", 1e5, 5e5, 10.0)],
    ),
];

/// A seeded generator of synthetic industrial regions, for the scale benchmarks
/// (`examples/region.rs` writes one) and the tests at scale.
///
/// Sites sit in clustered industrial parks, about one site per 25 km² of the
/// region's square, which lies at 52° N (so plans have lat/lon for maps). A park
/// holds 8 to 24 sites of a dozen sectors, drawn with weights; each sector offers
/// and needs the streams of the shipped catalog (`scenarios/catalog/default.toml`,
/// included): slags, ashes and gypsum, steam and heat, plastics and tyres, sulphur,
/// water. Bulk residues go by truck (the catalog's 150 km reach) and rail, steam by
/// pipe up to 15 km, heat up to 30 km, water by pipe: the catalog's modes.
///
/// Every quantity and price here is an assumption of plausible size for a plant
/// of its sector, drawn uniformly in a range; none is sourced. The generator is
/// for measuring symbio at the size of a region or a nation, not for answers.
///
/// The scenario of a region of `sites` sites, TOML, including the catalog at
/// `catalog` (a path the scenario file can reach: absolute, or relative to where
/// the scenario is written).
pub fn region(sites: usize, seed: u64, catalog: &str) -> String {
    region_of(sites, seed, catalog).0
}

/// [`region`] with candidate plants of three technologies, about one per ten
/// sites, each at a new location inside a park (drawn by a generator of their
/// own, so the sites are [`region`]'s): slag grinding (granulated slag into
/// ground slag, GGBS, which replaces clinker), tyre processing (scrap tyres
/// into tyre-derived fuel for kilns, and steel wire sold as scrap) and a slag
/// rail hub (granulated slag in by truck, out by rail). The technologies, their
/// two new materials and rules, sizes and costs are written in the file; every
/// figure is an assumption of plausible size, none is sourced.
pub fn region_with_plants(sites: usize, seed: u64, catalog: &str) -> String {
    let (mut s, parks) = region_of(sites, seed, catalog);
    s.push_str(PLANT_CATALOG);
    let mut r = Lcg::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    let (lat0, km_per_deg_lat) = (52.0f64, 111.32);
    let km_per_deg_lon = km_per_deg_lat * lat0.to_radians().cos();
    let techs = ["slag_grinding", "tyre_processing", "slag_rail_hub"];
    let mut k = 0;
    for &(x, y, size) in &parks {
        // About one candidate per ten sites of the park.
        let n = (size as f64 / 10.0 + r.range(0.0, 1.0)).floor() as usize;
        for _ in 0..n {
            let tech = techs[r.below(techs.len())];
            let (px, py) = (x + r.range(-3.0, 3.0), y + r.range(-3.0, 3.0));
            s.push_str(&format!(
                "\n[[plants]]\nid = \"p{k}\"\ntechnology = \"{tech}\"\nlat = {:.5}\nlon = {:.5}\n",
                lat0 + py / km_per_deg_lat,
                px / km_per_deg_lon
            ));
            k += 1;
        }
    }
    s
}

/// A region's text ([`region`] or [`region_with_plants`]) over `periods`
/// equal periods of the year (seasons for 4, from winter; months for 12),
/// with seasonal streams: the heat that district heating and greenhouses take
/// (1 + 0.7 cos: winter-heavy), the clinker of cement works and the aggregate
/// of road builders (the construction season, summer-heavy), the waste heat
/// of power stations (a little more in winter), the energy price by period;
/// and candidate stores: a heat store at every fourth district-heating site
/// and a slag stockpile at every fourth steelworks. Every figure is an
/// assumption of plausible size, none is sourced. Seeded as the region is.
pub fn with_periods(text: &str, periods: usize, seed: u64) -> String {
    let periods = periods.max(1);
    let mut s = text.to_owned();
    let mut r = Lcg::new(seed ^ 0x5eed_5ea5_0000_0001);
    let wave = |amplitude: f64| -> Vec<f64> {
        (0..periods)
            .map(|t| {
                let angle = 2.0 * std::f64::consts::PI * t as f64 / periods as f64;
                1.0 + amplitude * angle.cos()
            })
            .collect()
    };
    let share = 1.0 / periods as f64;
    for (t, e) in wave(0.25).iter().enumerate() {
        s.push_str(&format!(
            "\n[[periods]]\nid = \"t{t}\"\nshare = {share:.17}\nenergy_price = {:.4}\n",
            8.0 * e
        ));
    }
    let factors = |f: &[f64]| -> String {
        let each: Vec<String> = f
            .iter()
            .enumerate()
            .map(|(t, v)| format!("t{t} = {v:.4}"))
            .collect();
        format!("{{ {} }}", each.join(", "))
    };
    // (sector, stream, output?, amplitude)
    let seasonal: [(&str, &str, bool, f64); 5] = [
        ("district_heating", "district_heat", false, 0.7),
        ("greenhouse", "district_heat", false, 0.5),
        ("cement", "clinker", false, -0.3),
        ("road_builder", "aggregate", false, -0.4),
        ("power_station", "waste_heat", true, 0.2),
    ];
    let mut stores = 0;
    for (id, sector) in sites_and_sectors(text) {
        for &(sec, stream, output, amplitude) in &seasonal {
            if sec != sector.as_str() {
                continue;
            }
            let side = if output { "output" } else { "input" };
            s.push_str(&format!(
                "\n[[profiles]]\nsite = \"{id}\"\n{side} = \"{stream}\"\nfactors = {}\n",
                factors(&wave(amplitude))
            ));
        }
        let store = match sector.as_str() {
            "district_heating" => Some(("district_heat", 150_000.0, 0.08, 0.5, 12e6, 30.0)),
            "steelworks" => Some(("gbfs", 100_000.0, 0.0, 1.0, 2e6, 20.0)),
            _ => None,
        };
        if let Some((material, capacity, loss, cost, capex, life)) = store {
            if r.below(4) == 0 {
                s.push_str(&format!(
                    "\n[[stores]]\nid = \"store_{stores}\"\nsite = \"{id}\"\nmaterial = \"{material}\"\n\
                     capacity = {capacity:.0}\nloss_per_period = {loss}\ncost_per_unit_charged = {cost}\n\
                     capex = {capex:.0}\nlifetime_years = {life}\nfixed_cost_per_year = {:.0}\n",
                    0.01 * capex
                ));
                stores += 1;
            }
        }
    }
    s
}

/// The (id, sector) of each site of a region's text, in order.
fn sites_and_sectors(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut id: Option<String> = None;
    for line in text.lines() {
        if line == "[[sites]]" {
            id = None;
        } else if let Some(v) = line.strip_prefix("id = \"") {
            id = Some(v.trim_end_matches('"').to_owned());
        } else if let Some(v) = line.strip_prefix("sector = \"") {
            if let Some(id) = id.take() {
                out.push((id, v.trim_end_matches('"').to_owned()));
            }
        }
    }
    out
}

/// The technologies of [`region_with_plants`] and what they need beyond the
/// shipped catalog. Every figure is an assumption.
const PLANT_CATALOG: &str = r#"
[[materials]]
id = "ggbs"
name = "ground granulated blast-furnace slag"
unit = "t"
kind = "material"

[[materials]]
id = "tdf"
name = "tyre-derived fuel"
unit = "t"
kind = "material"

[[materials]]
id = "steel_wire"
name = "steel wire from tyres"
unit = "t"
kind = "material"

[[rules]]
id = "ggbs_to_clinker"
from = "ggbs"
to = "clinker"
max_share = 0.6
modes = ["truck", "rail"]

[[rules]]
id = "tdf_to_kiln_coal"
from = "tdf"
to = "coal"
ratio = 1.1
max_share = 0.3
modes = ["truck"]

[[technologies]]
id = "slag_grinding"
operating_cost = 12.0
energy_per_unit = 0.16
inputs = [{ material = "gbfs" }]
outputs = [{ material = "ggbs", yield = 0.98, disposal_cost = -20.0 }]
sizes = [
  { id = "small", capacity = 300000.0, fixed_cost_per_year = 600000.0, capex = 15000000.0 },
  { id = "large", capacity = 900000.0, fixed_cost_per_year = 1200000.0, capex = 36000000.0 },
]

[[technologies]]
id = "tyre_processing"
operating_cost = 25.0
energy_per_unit = 0.3
inputs = [{ material = "scrap_tyres" }]
outputs = [
  { material = "tdf", yield = 0.75 },
  { material = "steel_wire", yield = 0.15, disposal_cost = -120.0 },
]
sizes = [
  { id = "small", capacity = 15000.0, fixed_cost_per_year = 150000.0, capex = 2500000.0 },
  { id = "large", capacity = 45000.0, fixed_cost_per_year = 300000.0, capex = 6000000.0 },
]

[[technologies]]
id = "slag_rail_hub"
operating_cost = 2.0
inputs = [{ material = "gbfs" }]
outputs = [{ material = "gbfs", yield = 1.0 }]
sizes = [{ id = "siding", capacity = 1000000.0, fixed_cost_per_year = 200000.0, capex = 4000000.0 }]
"#;

/// The text of [`region`] and its parks: centre (x, y) km and number of sites.
fn region_of(sites: usize, seed: u64, catalog: &str) -> (String, Vec<(f64, f64, usize)>) {
    let mut parks = Vec::new();
    let mut r = Lcg::new(seed);
    let side_km = (25.0 * sites as f64).sqrt();
    let total_weight: f64 = SECTORS.iter().map(|s| s.1).sum();
    let mut s = format!(
        "[scenario]\nname = \"synthetic region of {sites} sites (seed {seed})\"\ncurrency = \"EUR\"\n\
         include = [{catalog:?}]\ndescription = \"Generated by symbio-testkit (generate::region): every figure an assumption.\"\n\n\
         [parameters]\ncarbon_price = 80.0\n"
    );
    let (lat0, km_per_deg_lat) = (52.0f64, 111.32);
    let km_per_deg_lon = km_per_deg_lat * lat0.to_radians().cos();
    let mut k = 0;
    while k < sites {
        let park = (r.range(0.0, side_km), r.range(0.0, side_km));
        let size = (8 + r.below(17)).min(sites - k);
        parks.push((park.0, park.1, size));
        for _ in 0..size {
            let mut pick = r.range(0.0, total_weight);
            let sector = SECTORS
                .iter()
                .find(|sec| {
                    pick -= sec.1;
                    pick < 0.0
                })
                .unwrap_or(&SECTORS[SECTORS.len() - 1]);
            let (x, y) = (park.0 + r.range(-2.0, 2.0), park.1 + r.range(-2.0, 2.0));
            s.push_str(&format!(
                "\n[[sites]]\nid = \"s{k}\"\nname = \"{} {k}\"\nsector = \"{}\"\nlat = {:.5}\nlon = {:.5}\n",
                sector.0,
                sector.0,
                lat0 + y / km_per_deg_lat,
                x / km_per_deg_lon
            ));
            let (mut outs, mut ins) = (Vec::new(), Vec::new());
            for &(output, id, lo, hi, money) in sector.2 {
                let q = r.range(lo, hi).round();
                if output {
                    outs.push(format!(
                        "{{ id = \"{id}\", material = \"{id}\", quantity = {q:.0}, disposal_cost = {money} }}"
                    ));
                } else {
                    ins.push(format!(
                        "{{ id = \"{id}\", material = \"{id}\", quantity = {q:.0}, price = {money} }}"
                    ));
                }
            }
            if !outs.is_empty() {
                s.push_str(&format!("outputs = [{}]\n", outs.join(", ")));
            }
            if !ins.is_empty() {
                s.push_str(&format!("inputs = [{}]\n", ins.join(", ")));
            }
            k += 1;
        }
    }
    (s, parks)
}
