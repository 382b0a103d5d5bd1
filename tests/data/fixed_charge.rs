//! A generator of hard fixed-charge scenarios: independent clusters of suppliers
//! and customers, every pair a candidate link with its own fixed charge, as in the
//! fixed-charge transportation problem. For the time-limit tests and benchmarks
//! (`#[path]`-included).
//!
//! Cluster `c` lies around (1000·c km, 0): `m` suppliers of a residue and `m`
//! customers of a feedstock it replaces, scattered over 50 × 50 km; trucks reach at
//! most 200 km, so clusters are independent parts. Fixed charges are of the order
//! of what one link earns, so which links to open is a real choice.

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
