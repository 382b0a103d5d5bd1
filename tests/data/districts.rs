//! A generator of scenarios made of many independent districts, for the
//! decomposition's tests and benchmark (`#[path]`-included by both).
//!
//! District `d` lies around (1000·d km, 0): a steelworks (slag), a power station
//! (fly ash, FGD gypsum), three cement plants (clinker), a road builder (aggregate)
//! and a plasterboard plant (natural gypsum), scattered over 60 × 60 km. Modes
//! reach at most 200 km, so no link joins two districts. Each district has two
//! independent parts (slag and fly ash to cement and roads; gypsum to plasterboard)
//! and up to 15 candidate links with fixed charges that compete.

/// A small deterministic generator (64-bit LCG), so that scenarios are the same
/// on every run.
struct Lcg(u64);

impl Lcg {
    /// A number in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// The scenario of `n` districts as TOML text.
pub fn districts(n: usize, seed: u64) -> String {
    let mut r = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
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
