//! Fixed-charge transportation problem (FCTP) benchmark instances, as a correctness
//! and speed corpus for the mathematical core of exchange matching.
//!
//! An FCTP has suppliers with supplies `s_i`, customers with demands `d_j`, and on
//! every arc a unit cost `c_ij` and a fixed cost `f_ij` paid when the arc carries
//! anything; it asks for the flows of least total cost that meet every demand. The
//! public instances are not part of the repository: [`data_dir`] finds them at run
//! time (`$SYMBIO_FCTP_DIR`, by default `../shared/data/fctp` next to symbio's
//! directory).
//!
//! This module reads the six layouts of that collection ([`Layout`], [`parse`]) and
//! turns an [`Instance`] into a symbio scenario ([`Instance::to_scenario_file`]): one
//! material, one site with an output per supplier, one site with an input of price
//! `R` per customer, one mode and a `[[links]]` fact per arc carrying `c_ij`, `f_ij`
//! and the arc's capacity. Every arc then earns `R − c_ij` per unit and costs `f_ij`
//! once built; with `R` large enough ([`Instance::revenue_per_unit`]) the best plan
//! ships all demand and its net benefit is `R · Σ d_j − optimal FCTP cost`.
//! [`solve`] does that and checks the flows it gets back.
//!
//! The capacitated facility-location instances of OR-Library ([`Layout::OrlibCap`],
//! [`FacilityLocation`]) become scenarios with plants
//! ([`FacilityLocation::to_scenario_file`]): a source offering the total demand,
//! one hub plant per facility with one size of its capacity and fixed cost, and
//! customers paying a price `R` per unit; [`solve_facility_location`] reads the
//! cost off the net benefit as for an FCTP.
//!
//! This is not part of the library: `benches/fctp.rs` and `examples/fctp.rs` use
//! it from the dev-only `symbio-testkit` crate, and it uses only symbio's public
//! API. Its unit tests are the crate's own (`cargo test` at the root runs them).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use symbio::domain::PlantStatus;
use symbio::domain::Scenario;
use symbio::domain::{LinkStatus, MaterialKind};
use symbio::model::{self, SolveOptions, Status};
use symbio::network;
use symbio::scenario::schema::{
    InputFile, LinkFile, MaterialFile, ModeFile, OutputFile, ParametersFile, PlantFile, RuleFile,
    ScenarioFile, ScenarioHeader, SiteFile, SizeFile, TechnologyFile, TechnologyInputFile,
    TechnologyOutputFile,
};
use symbio::{Error, Problem, Problems};

/// The directory of the benchmark collection: `$SYMBIO_FCTP_DIR` when set, else
/// `<symbio's directory>/../shared/data/fctp` (this crate lies in
/// `<symbio's directory>/crates/symbio-testkit`).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("SYMBIO_FCTP_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fctp"),
    }
}

/// The file layouts of the collection, one per folder. All files are
/// whitespace-separated numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// `balinski_glpk/`: `m n`, supplies, demands, unit-cost matrix, fixed-cost matrix.
    Balinski,
    /// `agarwal_aneja_2012/`: `m n`, supplies, demands, **fixed**-cost matrix, then
    /// unit-cost matrix.
    AgarwalAneja,
    /// `glover_2005/`: `m n`, supplies, demands, unit-cost matrix, fixed-cost matrix.
    Glover,
    /// `roberti_2015/`: `m`, `n`, supplies, demands, then one `i j unit_cost fixed_cost`
    /// line per arc (0-based indices).
    Roberti,
    /// `spieckermann2024/`: `m n`, supplies, demands, unit-cost matrix, fixed-cost
    /// matrix and, when `m × n` more numbers follow, an arc-capacity matrix.
    Spieckermann,
    /// `orlib_cap/`: capacitated facility location: `m n`, `m` lines `capacity
    /// fixed_cost`, then per customer its demand and the `m` costs of serving all of
    /// it from each facility.
    OrlibCap,
}

impl Layout {
    /// Every layout, in the order of the collection's README.
    pub const ALL: [Layout; 6] = [
        Layout::Balinski,
        Layout::AgarwalAneja,
        Layout::Glover,
        Layout::Roberti,
        Layout::Spieckermann,
        Layout::OrlibCap,
    ];

    /// The folder of the collection that holds instances of this layout.
    pub fn folder(self) -> &'static str {
        match self {
            Layout::Balinski => "balinski_glpk",
            Layout::AgarwalAneja => "agarwal_aneja_2012",
            Layout::Glover => "glover_2005",
            Layout::Roberti => "roberti_2015",
            Layout::Spieckermann => "spieckermann2024",
            Layout::OrlibCap => "orlib_cap",
        }
    }
}

/// A fixed-charge transportation problem: minimise `Σ c_ij x_ij + Σ f_ij [x_ij > 0]`
/// subject to `Σ_j x_ij ≤ s_i` (`= s_i` when supply equals demand), `Σ_i x_ij = d_j`
/// and `0 ≤ x_ij ≤ u_ij`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Supply `s_i` of each supplier.
    pub supplies: Vec<f64>,
    /// Demand `d_j` of each customer.
    pub demands: Vec<f64>,
    /// Unit cost `c_ij`, indexed `[supplier][customer]`.
    pub unit_cost: Vec<Vec<f64>>,
    /// Fixed cost `f_ij` of using an arc, indexed `[supplier][customer]`.
    pub fixed_cost: Vec<Vec<f64>>,
    /// Arc capacities `u_ij` when the instance has them (an arc of capacity 0 does
    /// not exist).
    pub capacity: Option<Vec<Vec<f64>>>,
    /// Whether supplies exceed demands, so that supply rows are `≤` rather than `=`.
    pub supply_is_upper_bound: bool,
}

/// A capacitated facility-location problem (OR-Library `cap` files): open
/// facilities (fixed cost, capacity) and split every customer's demand among open
/// ones at least cost.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityLocation {
    /// Capacity of each facility.
    pub capacities: Vec<f64>,
    /// Fixed cost of opening each facility.
    pub fixed_costs: Vec<f64>,
    /// Demand of each customer.
    pub demands: Vec<f64>,
    /// Cost of serving all of a customer's demand from a facility, indexed
    /// `[customer][facility]`.
    pub assignment_costs: Vec<Vec<f64>>,
}

/// What a file of the collection holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A fixed-charge transportation problem.
    Transportation(Instance),
    /// A capacitated facility-location problem.
    FacilityLocation(FacilityLocation),
}

/// One instance file of the collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceFile {
    /// Its layout (from its top folder).
    pub layout: Layout,
    /// Its path relative to the collection directory, with `/` separators
    /// (e.g. `agarwal_aneja_2012/Theta0.2/1.txt`).
    pub name: String,
    /// Its full path.
    pub path: PathBuf,
}

/// Lists the instance files of the collection at `dir`: every file under each
/// layout's folder except README files, in layout order, then in natural order of
/// their names (`2.txt` before `10.txt`). Missing layout folders are skipped.
pub fn instance_files(dir: &Path) -> Result<Vec<InstanceFile>, Error> {
    if !dir.is_dir() {
        return Err(Error::Io {
            path: dir.to_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "FCTP collection directory not found (set SYMBIO_FCTP_DIR)",
            ),
        });
    }
    let mut out = Vec::new();
    for layout in Layout::ALL {
        let root = dir.join(layout.folder());
        if !root.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        walk(&root, &mut files)?;
        let mut named: Vec<InstanceFile> = files
            .into_iter()
            .map(|path| {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                InstanceFile { layout, name, path }
            })
            .collect();
        named.sort_by(|a, b| natural_cmp(&a.name, &b.name));
        out.extend(named);
    }
    Ok(out)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if !path.file_name().is_some_and(|n| {
            n.to_string_lossy()
                .to_ascii_lowercase()
                .starts_with("readme")
        }) {
            files.push(path);
        }
    }
    Ok(())
}

/// Compares names with runs of digits compared as numbers.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for k in 1..=bytes.len() {
            if k == bytes.len() || bytes[k].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..k]));
                start = k;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// Reads an instance file of the given layout.
pub fn read(layout: Layout, path: &Path) -> Result<Parsed, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(layout, path, &text)
}

/// Parses the text of an instance file of the given layout; `file` names it in
/// errors. A bad file (a token that is not a number, a negative or non-finite
/// value, too few or too many numbers, an arc out of range or given twice, less
/// supply than demand) is an [`Error::Invalid`] naming the file, the line and
/// column, and the entry concerned.
pub fn parse(layout: Layout, file: &Path, text: &str) -> Result<Parsed, Error> {
    let mut t = Tokens::new(file, text);
    match layout {
        Layout::Balinski | Layout::Glover | Layout::Spieckermann => {
            let (m, n) = (t.count("m")?, t.count("n")?);
            let supplies = t.vector(m, "supplies")?;
            let demands = t.vector(n, "demands")?;
            let unit_cost = t.matrix(m, n, "unit_cost")?;
            let fixed_cost = t.matrix(m, n, "fixed_cost")?;
            let capacity = if layout == Layout::Spieckermann && !t.at_end() {
                Some(t.matrix(m, n, "capacity")?)
            } else {
                None
            };
            t.finish()?;
            transportation(file, supplies, demands, unit_cost, fixed_cost, capacity)
        }
        Layout::AgarwalAneja => {
            let (m, n) = (t.count("m")?, t.count("n")?);
            let supplies = t.vector(m, "supplies")?;
            let demands = t.vector(n, "demands")?;
            let fixed_cost = t.matrix(m, n, "fixed_cost")?;
            let unit_cost = t.matrix(m, n, "unit_cost")?;
            t.finish()?;
            transportation(file, supplies, demands, unit_cost, fixed_cost, None)
        }
        Layout::Roberti => {
            let (m, n) = (t.count("m")?, t.count("n")?);
            let supplies = t.vector(m, "supplies")?;
            let demands = t.vector(n, "demands")?;
            let mut unit_cost = vec![vec![f64::NAN; n]; m];
            let mut fixed_cost = vec![vec![f64::NAN; n]; m];
            let mut k = 0;
            while !t.at_end() {
                let what = format!("arcs[{k}]");
                let (line, col) = t.position();
                let i = t.index(m, &format!("{what}.i"))?;
                let j = t.index(n, &format!("{what}.j"))?;
                let c = t.number(&format!("{what}.unit_cost"))?;
                let f = t.number(&format!("{what}.fixed_cost"))?;
                if !unit_cost[i][j].is_nan() {
                    return Err(invalid(
                        file,
                        Some((line, col)),
                        &what,
                        format!("arc ({i}, {j}) is given twice"),
                    ));
                }
                unit_cost[i][j] = c;
                fixed_cost[i][j] = f;
                k += 1;
            }
            for (i, row) in unit_cost.iter().enumerate() {
                if let Some(j) = row.iter().position(|v| v.is_nan()) {
                    return Err(invalid(
                        file,
                        None,
                        "arcs",
                        format!(
                            "arc ({i}, {j}) is missing: every supplier–customer arc must be listed"
                        ),
                    ));
                }
            }
            transportation(file, supplies, demands, unit_cost, fixed_cost, None)
        }
        Layout::OrlibCap => {
            let (m, n) = (t.count("m")?, t.count("n")?);
            let mut capacities = Vec::with_capacity(m);
            let mut fixed_costs = Vec::with_capacity(m);
            for i in 0..m {
                capacities.push(t.number(&format!("facilities[{i}].capacity"))?);
                fixed_costs.push(t.number(&format!("facilities[{i}].fixed_cost"))?);
            }
            let mut demands = Vec::with_capacity(n);
            let mut assignment_costs = Vec::with_capacity(n);
            for j in 0..n {
                demands.push(t.number(&format!("customers[{j}].demand"))?);
                assignment_costs.push(t.vector(m, &format!("customers[{j}].costs"))?);
            }
            t.finish()?;
            Ok(Parsed::FacilityLocation(FacilityLocation {
                capacities,
                fixed_costs,
                demands,
                assignment_costs,
            }))
        }
    }
}

/// Checks totals and builds the instance.
fn transportation(
    file: &Path,
    supplies: Vec<f64>,
    demands: Vec<f64>,
    unit_cost: Vec<Vec<f64>>,
    fixed_cost: Vec<Vec<f64>>,
    capacity: Option<Vec<Vec<f64>>>,
) -> Result<Parsed, Error> {
    let supply: f64 = supplies.iter().sum();
    let demand: f64 = demands.iter().sum();
    let tolerance = 1e-9 * supply.max(demand).max(1.0);
    if supply < demand - tolerance {
        return Err(invalid(
            file,
            None,
            "supplies",
            format!("total supply {supply} is less than total demand {demand}: no plan meets every demand"),
        ));
    }
    Ok(Parsed::Transportation(Instance {
        supply_is_upper_bound: supply > demand + tolerance,
        supplies,
        demands,
        unit_cost,
        fixed_cost,
        capacity,
    }))
}

fn invalid(file: &Path, line_col: Option<(usize, usize)>, what: &str, message: String) -> Error {
    let mut p = Problem::new(file, what, None, message);
    p.line_col = line_col;
    Error::Invalid(Problems(vec![p]))
}

/// The whitespace-separated tokens of a file, with their line and column.
struct Tokens<'a> {
    file: &'a Path,
    tokens: Vec<(usize, usize, &'a str)>,
    next: usize,
}

impl<'a> Tokens<'a> {
    fn new(file: &'a Path, text: &'a str) -> Self {
        let mut tokens = Vec::new();
        for (l, line) in text.lines().enumerate() {
            let mut rest = line;
            let mut col = 1;
            while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
                let after = &rest[start..];
                let len = after.find(char::is_whitespace).unwrap_or(after.len());
                col += rest[..start].chars().count();
                tokens.push((l + 1, col, &after[..len]));
                col += after[..len].chars().count();
                rest = &after[len..];
            }
        }
        Tokens {
            file,
            tokens,
            next: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.next >= self.tokens.len()
    }

    /// Line and column of the next token (or of the end of the file).
    fn position(&self) -> (usize, usize) {
        self.tokens
            .get(self.next)
            .map(|&(l, c, _)| (l, c))
            .unwrap_or((self.tokens.last().map_or(1, |t| t.0), 1))
    }

    fn take(&mut self, what: &str) -> Result<(usize, usize, &'a str), Error> {
        match self.tokens.get(self.next) {
            Some(&t) => {
                self.next += 1;
                Ok(t)
            }
            None => Err(invalid(
                self.file,
                None,
                what,
                format!(
                    "the file ends early: {} numbers read, {what} is missing",
                    self.tokens.len()
                ),
            )),
        }
    }

    /// A finite number ≥ 0.
    fn number(&mut self, what: &str) -> Result<f64, Error> {
        let (l, c, tok) = self.take(what)?;
        match tok.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            Ok(v) if v.is_finite() => Err(invalid(
                self.file,
                Some((l, c)),
                what,
                format!("must be ≥ 0, got {v}"),
            )),
            _ => Err(invalid(
                self.file,
                Some((l, c)),
                what,
                format!("expected a number, found \"{tok}\""),
            )),
        }
    }

    /// A positive whole count (`m`, `n`).
    fn count(&mut self, what: &str) -> Result<usize, Error> {
        let (l, c, tok) = self.take(what)?;
        match tok.parse::<usize>() {
            Ok(v) if v > 0 => Ok(v),
            _ => Err(invalid(
                self.file,
                Some((l, c)),
                what,
                format!("expected a positive whole number, found \"{tok}\""),
            )),
        }
    }

    /// A 0-based index below `bound`.
    fn index(&mut self, bound: usize, what: &str) -> Result<usize, Error> {
        let (l, c, tok) = self.take(what)?;
        match tok.parse::<usize>() {
            Ok(v) if v < bound => Ok(v),
            _ => Err(invalid(
                self.file,
                Some((l, c)),
                what,
                format!("expected an index from 0 to {}, found \"{tok}\"", bound - 1),
            )),
        }
    }

    fn vector(&mut self, len: usize, what: &str) -> Result<Vec<f64>, Error> {
        (0..len)
            .map(|k| self.number(&format!("{what}[{k}]")))
            .collect()
    }

    fn matrix(&mut self, rows: usize, cols: usize, what: &str) -> Result<Vec<Vec<f64>>, Error> {
        (0..rows)
            .map(|i| self.vector(cols, &format!("{what}[{i}]")))
            .collect()
    }

    /// Fails when numbers are left over.
    fn finish(&self) -> Result<(), Error> {
        match self.tokens.get(self.next) {
            None => Ok(()),
            Some(&(l, c, tok)) => Err(invalid(
                self.file,
                Some((l, c)),
                "",
                format!(
                    "{} unexpected values after the end of the instance, starting with \"{tok}\"",
                    self.tokens.len() - self.next
                ),
            )),
        }
    }
}

impl Instance {
    /// Number of suppliers `m`.
    pub fn suppliers(&self) -> usize {
        self.supplies.len()
    }

    /// Number of customers `n`.
    pub fn customers(&self) -> usize {
        self.demands.len()
    }

    /// `Σ d_j`.
    pub fn total_demand(&self) -> f64 {
        self.demands.iter().sum()
    }

    /// Capacity of arc `(i, j)`, if it has one.
    pub fn arc_capacity(&self, i: usize, j: usize) -> Option<f64> {
        self.capacity.as_ref().map(|c| c[i][j])
    }

    /// Whether arc `(i, j)` exists (its capacity, if any, is positive).
    pub fn has_arc(&self, i: usize, j: usize) -> bool {
        self.arc_capacity(i, j).map_or(true, |u| u > 0.0)
    }

    /// The price `R` paid per unit delivered to a customer in the scenario.
    ///
    /// Without capacities, `R = max(c_ij + f_ij) + 1`: as long as a unit of demand
    /// is unmet, some supplier has a unit to spare and sending it straight there
    /// earns at least `R − c_ij − f_ij > 0`, so with whole-number supplies and
    /// demands the best plan meets every demand. With capacities, spare supply may
    /// only reach an unmet customer along an augmenting path of at most
    /// `min(m, n)` forward arcs, so `R = min(m, n) · max(c_ij + f_ij) + 1`.
    /// (Fractional supplies or demands void the argument; [`solve`] checks the
    /// plan it gets in any case.)
    pub fn revenue_per_unit(&self) -> f64 {
        let mut most: f64 = 0.0;
        for i in 0..self.suppliers() {
            for j in 0..self.customers() {
                if self.has_arc(i, j) {
                    most = most.max(self.unit_cost[i][j] + self.fixed_cost[i][j]);
                }
            }
        }
        let paths = if self.capacity.is_some() {
            self.suppliers().min(self.customers()) as f64
        } else {
            1.0
        };
        paths * most + 1.0
    }

    /// A simple lower bound on the optimal cost: every unit on arc `(i, j)` costs
    /// at least `c_ij + f_ij / u_ij`, with `u_ij = min(s_i, d_j, capacity)`, so the
    /// cost is at least `Σ_j d_j · min_i (c_ij + f_ij / u_ij)`.
    pub fn cost_lower_bound(&self) -> f64 {
        (0..self.customers())
            .map(|j| {
                let cheapest = (0..self.suppliers())
                    .filter(|&i| self.has_arc(i, j))
                    .map(|i| {
                        let mut u = self.supplies[i].min(self.demands[j]);
                        if let Some(cap) = self.arc_capacity(i, j) {
                            u = u.min(cap);
                        }
                        if u > 0.0 {
                            self.unit_cost[i][j] + self.fixed_cost[i][j] / u
                        } else {
                            f64::INFINITY
                        }
                    })
                    .fold(f64::INFINITY, f64::min);
                if self.demands[j] > 0.0 && cheapest.is_finite() {
                    self.demands[j] * cheapest
                } else {
                    0.0
                }
            })
            .sum()
    }

    /// The FCTP cost of a flow matrix `x[i][j]`: `Σ c_ij x_ij + Σ_{x_ij > 0} f_ij`.
    pub fn cost_of(&self, flows: &[Vec<f64>]) -> f64 {
        let mut cost = 0.0;
        for (i, row) in flows.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                if x > 0.0 {
                    cost += self.unit_cost[i][j] * x + self.fixed_cost[i][j];
                }
            }
        }
        cost
    }

    /// The symbio scenario of the instance (see the module documentation): sites
    /// `s1..sm` with output `supply`, sites `c1..cn` with input `demand` of price
    /// [`Instance::revenue_per_unit`], mode `arc` (no cost, no distance limit) and a
    /// link fact per arc with distance 0, `transport_cost_per_unit = c_ij`,
    /// `fixed_cost_per_year = f_ij` and its capacity. Arcs of capacity 0 get no fact
    /// and therefore no link (sites have no location, so a pair without a fact has
    /// no distance).
    pub fn to_scenario_file(&self, name: &str) -> ScenarioFile {
        let r = self.revenue_per_unit();
        let good = GOOD.to_owned();
        let mut sites = Vec::with_capacity(self.suppliers() + self.customers());
        for (i, &s) in self.supplies.iter().enumerate() {
            sites.push(site(
                supplier_id(i),
                vec![OutputFile {
                    id: "supply".into(),
                    material: good.clone(),
                    quantity: s,
                    disposal_cost: 0.0,
                    disposal_co2: 0.0,
                    source: None,
                }],
                Vec::new(),
            ));
        }
        for (j, &d) in self.demands.iter().enumerate() {
            sites.push(site(
                customer_id(j),
                Vec::new(),
                vec![InputFile {
                    id: "demand".into(),
                    material: good.clone(),
                    quantity: d,
                    price: r,
                    co2: 0.0,
                    source: None,
                }],
            ));
        }
        let mut links = Vec::with_capacity(self.suppliers() * self.customers());
        for i in 0..self.suppliers() {
            for j in 0..self.customers() {
                if !self.has_arc(i, j) {
                    continue;
                }
                let mut fact = arc_fact(
                    (supplier_id(i), "supply"),
                    (customer_id(j), "demand"),
                    self.unit_cost[i][j],
                    self.fixed_cost[i][j],
                );
                fact.capacity = self.arc_capacity(i, j);
                links.push(fact);
            }
        }
        ScenarioFile {
            scenario: ScenarioHeader {
                name: Some(name.to_owned()),
                currency: Some("XXX".into()),
                description: Some(format!(
                    "Fixed-charge transportation instance {name}: every customer pays {r} per unit, \
                     so the optimal cost is {r} × {} − the net benefit.",
                    self.total_demand()
                )),
                include: Vec::new(),
            },
            parameters: ParametersFile::default(),
            materials: vec![good_material()],
            modes: vec![arc_mode()],
            rules: vec![ship_rule()],
            sites,
            links,
            uncertainty: Vec::new(),
            ..ScenarioFile::default()
        }
    }

    /// The validated scenario of [`Instance::to_scenario_file`], as if read from
    /// `<name>.json`.
    pub fn scenario(&self, name: &str) -> Result<Scenario, Error> {
        validated(&self.to_scenario_file(name), name)
    }
}

impl FacilityLocation {
    /// The total demand.
    pub fn total_demand(&self) -> f64 {
        self.demands.iter().sum()
    }

    /// The price `R` every customer pays per unit: more than what leaving a
    /// unit unmet could save, `Σ_i f_i + max_ij c_ij / d_j + 1`. Leaving demand
    /// unmet saves unit costs below `R` per unit, and can save fixed costs only
    /// by closing facilities whose capacity is then missing, which with
    /// whole-number capacities and demands leaves at least one unit unmet.
    pub fn revenue_per_unit(&self) -> f64 {
        let most_per_unit = self
            .assignment_costs
            .iter()
            .zip(&self.demands)
            .filter(|(_, &d)| d > 0.0)
            .flat_map(|(row, &d)| row.iter().map(move |&c| c / d))
            .fold(0.0, f64::max);
        self.fixed_costs.iter().sum::<f64>() + most_per_unit + 1.0
    }

    /// The symbio scenario of the instance: a site `source` offering the total
    /// demand of the one material; a hub technology `t<i>` per facility (yield
    /// 1, one size of its capacity and fixed cost) and its plant `f<i>` at
    /// `source`; customers `c<j>` buying their demand at [`Self::revenue_per_unit`];
    /// link facts source → facility (free) and facility → customer at
    /// `c_ij / d_j` per unit. Its optimal net benefit is `R · Σ d_j` less the
    /// optimal cost of the instance.
    pub fn to_scenario_file(&self, name: &str) -> ScenarioFile {
        let r = self.revenue_per_unit();
        let mut sites = vec![site(
            "source".into(),
            vec![OutputFile {
                id: "supply".into(),
                material: GOOD.into(),
                quantity: self.total_demand(),
                disposal_cost: 0.0,
                disposal_co2: 0.0,
                source: None,
            }],
            Vec::new(),
        )];
        for (j, &d) in self.demands.iter().enumerate() {
            let demand = InputFile {
                id: "demand".into(),
                material: GOOD.into(),
                quantity: d,
                price: r,
                co2: 0.0,
                source: None,
            };
            sites.push(site(customer_id(j), Vec::new(), vec![demand]));
        }
        let mut technologies = Vec::new();
        let mut plants = Vec::new();
        let mut links = Vec::new();
        for (i, (&capacity, &fixed)) in self.capacities.iter().zip(&self.fixed_costs).enumerate() {
            technologies.push(TechnologyFile {
                id: format!("t{}", i + 1),
                name: None,
                inputs: vec![TechnologyInputFile {
                    material: GOOD.into(),
                    min_share: None,
                    max_share: None,
                }],
                outputs: vec![TechnologyOutputFile {
                    material: GOOD.into(),
                    yield_per_unit: 1.0,
                    disposal_cost: 0.0,
                    disposal_co2: 0.0,
                }],
                sizes: vec![SizeFile {
                    id: "open".into(),
                    capacity,
                    fixed_cost_per_year: fixed,
                    capex: 0.0,
                    lifetime_years: None,
                }],
                operating_cost: 0.0,
                energy_per_unit: 0.0,
                co2_per_unit: 0.0,
                replace: false,
                source: None,
            });
            plants.push(PlantFile {
                id: facility_id(i),
                name: None,
                technology: format!("t{}", i + 1),
                site: Some("source".into()),
                lat: None,
                lon: None,
                x_km: None,
                y_km: None,
                status: PlantStatus::Candidate,
                size: None,
                operator: None,
                replace: false,
                source: None,
            });
            links.push(arc_fact(
                ("source".into(), "supply"),
                (facility_id(i), GOOD),
                0.0,
                0.0,
            ));
            for (j, &d) in self.demands.iter().enumerate() {
                if d > 0.0 {
                    let cost = self.assignment_costs[j][i] / d;
                    links.push(arc_fact(
                        (facility_id(i), GOOD),
                        (customer_id(j), "demand"),
                        cost,
                        0.0,
                    ));
                }
            }
        }
        ScenarioFile {
            scenario: ScenarioHeader {
                name: Some(name.to_owned()),
                currency: Some("XXX".into()),
                description: Some(format!(
                    "Capacitated facility location {name}: every customer pays {r} per unit, \
                     so the optimal cost is {r} × {} − the net benefit.",
                    self.total_demand()
                )),
                include: Vec::new(),
            },
            materials: vec![good_material()],
            modes: vec![arc_mode()],
            rules: vec![ship_rule()],
            sites,
            links,
            technologies,
            plants,
            ..ScenarioFile::default()
        }
    }

    /// The validated scenario of [`Self::to_scenario_file`].
    pub fn scenario(&self, name: &str) -> Result<Scenario, Error> {
        validated(&self.to_scenario_file(name), name)
    }
}

/// What a facility-location instance solved through symbio gave.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityOutcome {
    /// The solver's status.
    pub status: Status,
    /// Cost `R · Σ d_j − objective` of the plan found.
    pub cost: Option<f64>,
    /// Lower bound on the optimal cost, `R · Σ d_j − best bound`.
    pub cost_bound: Option<f64>,
    /// The facilities the plan opens.
    pub open: Vec<bool>,
    /// Demand the plan leaves unmet.
    pub unmet_demand: f64,
    /// Candidate links in the network.
    pub links: usize,
    /// Seconds to build the scenario, the network and solve.
    pub seconds: f64,
}

/// Solves a facility-location instance through symbio (scenario with plants →
/// network → MILP) at a relative gap of `options.gap` on the cost (turned
/// into the gap on the net benefit, as [`solve`] does).
pub fn solve_facility_location(
    cfl: &FacilityLocation,
    name: &str,
    options: &SolveOptions,
) -> Result<FacilityOutcome, Error> {
    let started = Instant::now();
    let scenario = cfl.scenario(name)?;
    let revenue = cfl.revenue_per_unit() * cfl.total_demand();
    // Every customer is served at least at its cheapest assignment.
    let lb: f64 = cfl
        .assignment_costs
        .iter()
        .map(|row| row.iter().copied().fold(f64::INFINITY, f64::min))
        .filter(|c| c.is_finite())
        .sum();
    let gap = if revenue > lb && lb > 0.0 {
        options.gap * lb / (revenue - lb)
    } else {
        0.0
    };
    let opts = SolveOptions { gap, ..*options };
    let net = network::build(&scenario)?;
    let sol = model::solve(&scenario, &net, &opts)?;
    let plan = symbio::plan::assemble(&scenario, &net, &sol);
    let open = plan.plants.iter().map(|p| p.open).collect();
    let delivered: f64 = plan
        .links
        .iter()
        .filter(|l| l.key.to_input == "demand")
        .map(|l| l.delivered)
        .sum();
    Ok(FacilityOutcome {
        status: sol.status,
        cost: sol.objective.map(|o| revenue - o),
        cost_bound: sol.best_bound.map(|b| revenue - b),
        open,
        unmet_demand: (cfl.total_demand() - delivered).max(0.0),
        links: net.links.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn facility_id(i: usize) -> String {
    format!("f{}", i + 1)
}

/// The one material of a benchmark scenario.
const GOOD: &str = "good";

/// A site without location, with its outputs and inputs.
fn site(id: String, outputs: Vec<OutputFile>, inputs: Vec<InputFile>) -> SiteFile {
    SiteFile {
        id,
        name: None,
        sector: None,
        lat: None,
        lon: None,
        x_km: None,
        y_km: None,
        outputs,
        inputs,
        source: None,
        replace: false,
    }
}

/// The material [`GOOD`], in units `unit`.
fn good_material() -> MaterialFile {
    MaterialFile {
        id: GOOD.into(),
        name: None,
        unit: "unit".into(),
        kind: MaterialKind::Material,
        source: None,
        replace: false,
    }
}

/// The mode `arc`: no cost, no limit; every figure comes from a link fact.
fn arc_mode() -> ModeFile {
    ModeFile {
        id: "arc".into(),
        name: None,
        units: vec!["unit".into()],
        cost_per_unit_km: 0.0,
        energy_per_unit_km: 0.0,
        co2_per_unit_km: 0.0,
        loss_per_km: 0.0,
        max_distance_km: None,
        fixed_cost_per_year: 0.0,
        capex_per_km: 0.0,
        lifetime_years: None,
        capacity: None,
        source: None,
        replace: false,
    }
}

/// The rule `ship`: a unit of [`GOOD`] for a unit of it, by `arc`.
fn ship_rule() -> RuleFile {
    RuleFile {
        id: "ship".into(),
        from: GOOD.into(),
        to: GOOD.into(),
        ratio: None,
        max_share: None,
        processing_cost: 0.0,
        processing_co2: 0.0,
        modes: vec!["arc".into()],
        source: None,
        replace: false,
    }
}

/// A link fact by `arc` at distance 0 with a cost per unit.
fn arc_fact(from: (String, &str), to: (String, &str), cost: f64, fixed: f64) -> LinkFile {
    LinkFile {
        from_site: from.0,
        from_output: from.1.into(),
        to_site: to.0,
        to_input: to.1.into(),
        mode: Some("arc".into()),
        status: LinkStatus::Candidate,
        distance_km: Some(0.0),
        transport_cost_per_unit: Some(cost),
        fixed_cost_per_year: Some(fixed),
        capex: None,
        capacity: None,
        quantity: None,
        source: None,
    }
}

/// The validated scenario of a scenario file, as if read from `<name>.json`.
fn validated(file: &ScenarioFile, name: &str) -> Result<Scenario, Error> {
    let json = serde_json::to_string(file).map_err(|e| {
        Error::option(
            "instance",
            format!("cannot serialise the benchmark scenario: {e}"),
        )
    })?;
    symbio::scenario::read_str(Path::new(&format!("{name}.json")), &json)
}

fn supplier_id(i: usize) -> String {
    format!("s{}", i + 1)
}

fn customer_id(j: usize) -> String {
    format!("c{}", j + 1)
}

/// The result of solving an instance through symbio.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The solver's status.
    pub status: Status,
    /// `R` of the scenario.
    pub revenue_per_unit: f64,
    /// Candidate links in the network (arcs that survived pruning).
    pub links: usize,
    /// FCTP cost `R · Σ d_j − objective` of the plan found (when there is one).
    pub cost: Option<f64>,
    /// Lower bound on the optimal cost, `R · Σ d_j − best bound`.
    pub cost_bound: Option<f64>,
    /// Relative gap on the cost, `(cost − cost_bound) / cost`.
    pub gap: Option<f64>,
    /// The cost recomputed from the plan's flows, `Σ c_ij x_ij + Σ_{x_ij > 0} f_ij`.
    pub flow_cost: Option<f64>,
    /// Flow matrix `x[i][j]` of the plan (zeros without one).
    pub flows: Vec<Vec<f64>>,
    /// Total demand `Σ d_j`.
    pub demand: f64,
    /// Demand left unmet by the plan, `Σ_j max(0, d_j − Σ_i x_ij)`.
    pub unmet_demand: f64,
    /// Supply or capacity limits the plan breaks (empty when it keeps them all).
    pub violations: Vec<String>,
    /// Seconds spent building the scenario from the instance.
    pub setup_seconds: f64,
    /// Seconds spent building the network and solving the MILP.
    pub solve_seconds: f64,
}

impl Outcome {
    /// Whether the plan is a valid FCTP solution whose cost is what the objective
    /// says: it meets every demand (within 1e-6 relative), keeps every supply and
    /// capacity, and `cost` and `flow_cost` agree within 1e-6 relative.
    pub fn is_consistent(&self) -> bool {
        match (self.cost, self.flow_cost) {
            (Some(c), Some(f)) => {
                self.violations.is_empty()
                    && self.unmet_demand <= 1e-6 * self.demand.max(1.0)
                    && (c - f).abs() <= 1e-6 * c.abs().max(1.0)
            }
            _ => false,
        }
    }
}

/// Solves an instance through symbio (scenario → network → MILP) and reads the
/// FCTP cost off the net benefit.
///
/// `options.gap` is the relative gap wanted on the FCTP *cost*; it is turned into
/// the gap on the net benefit HiGHS works with (`gap × LB / (R·D − LB)`, with `LB`
/// from [`Instance::cost_lower_bound`]), since `R · Σ d_j` dwarfs the cost.
/// `options.time_limit` and `options.threads` are passed on as they are.
pub fn solve(instance: &Instance, name: &str, options: &SolveOptions) -> Result<Outcome, Error> {
    let started = Instant::now();
    let scenario = instance.scenario(name)?;
    let setup_seconds = started.elapsed().as_secs_f64();

    let r = instance.revenue_per_unit();
    let revenue = r * instance.total_demand();
    let lb = instance.cost_lower_bound();
    let profit_gap = if revenue > lb && lb > 0.0 {
        options.gap * lb / (revenue - lb)
    } else {
        0.0
    };
    let opts = SolveOptions {
        gap: profit_gap,
        ..*options
    };

    let started = Instant::now();
    let net = network::build(&scenario)?;
    let sol = model::solve(&scenario, &net, &opts.one_milp())?;
    let solve_seconds = started.elapsed().as_secs_f64();

    let supplier: HashMap<String, usize> = (0..instance.suppliers())
        .map(|i| (supplier_id(i), i))
        .collect();
    let customer: HashMap<String, usize> = (0..instance.customers())
        .map(|j| (customer_id(j), j))
        .collect();
    let (m, n) = (instance.suppliers(), instance.customers());
    let mut flows = vec![vec![0.0; n]; m];
    for (link, &x) in net.links.iter().zip(&sol.flows) {
        let from = &scenario.sites[scenario.outputs[link.output.0].site.0].id;
        let to = &scenario.sites[scenario.inputs[link.input.0].site.0].id;
        match (supplier.get(from), customer.get(to)) {
            (Some(&i), Some(&j)) => flows[i][j] += x,
            _ => {
                return Err(Error::option(
                    "instance",
                    format!("{name}: link {from} -> {to} is not an arc of the instance"),
                ))
            }
        }
    }

    let mut violations = Vec::new();
    let mut unmet_demand = 0.0;
    if sol.status.has_plan() {
        for (i, row) in flows.iter().enumerate() {
            let sent: f64 = row.iter().sum();
            let s = instance.supplies[i];
            if sent > s + 1e-6 * s.max(1.0) {
                violations.push(format!("supplier {i} sends {sent} > supply {s}"));
            }
            for (j, &x) in row.iter().enumerate() {
                match instance.arc_capacity(i, j) {
                    Some(u) if x > u + 1e-6 * u.max(1.0) => {
                        violations.push(format!("arc ({i}, {j}) carries {x} > capacity {u}"))
                    }
                    _ => {}
                }
            }
        }
        for (j, &d) in instance.demands.iter().enumerate() {
            let got: f64 = flows.iter().map(|row| row[j]).sum();
            unmet_demand += (d - got).max(0.0);
        }
    }
    let cost = sol.objective.map(|o| revenue - o);
    let cost_bound = sol.best_bound.map(|b| (revenue - b).max(0.0));
    let gap = match (cost, cost_bound) {
        (Some(c), Some(b)) if c > 0.0 => Some(((c - b) / c).max(0.0)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    Ok(Outcome {
        status: sol.status,
        revenue_per_unit: r,
        links: net.links.len(),
        cost,
        cost_bound,
        gap,
        flow_cost: sol.status.has_plan().then(|| instance.cost_of(&flows)),
        flows,
        demand: instance.total_demand(),
        unmet_demand,
        violations,
        setup_seconds,
        solve_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(layout: Layout, text: &str) -> Parsed {
        parse(layout, Path::new("inline.txt"), text).unwrap()
    }

    fn fctp(layout: Layout, text: &str) -> Instance {
        match parse_ok(layout, text) {
            Parsed::Transportation(i) => i,
            other => panic!("expected an FCTP, got {other:?}"),
        }
    }

    fn error(layout: Layout, text: &str) -> String {
        parse(layout, Path::new("bad/inst.txt"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn balinski_and_glover_read_unit_then_fixed() {
        for layout in [Layout::Balinski, Layout::Glover] {
            let i = fctp(
                layout,
                "2 3\n5 4\n3 3 3\n0.5 1 2\n3 4 5.25\n10 20 30\n40 50 60\n",
            );
            assert_eq!(i.supplies, vec![5.0, 4.0]);
            assert_eq!(i.demands, vec![3.0, 3.0, 3.0]);
            assert_eq!(i.unit_cost, vec![vec![0.5, 1.0, 2.0], vec![3.0, 4.0, 5.25]]);
            assert_eq!(i.fixed_cost[1], vec![40.0, 50.0, 60.0]);
            assert_eq!(i.capacity, None);
            assert!(!i.supply_is_upper_bound, "9 supplied for 9 demanded");
        }
    }

    #[test]
    fn agarwal_aneja_reads_fixed_then_unit() {
        let i = fctp(
            Layout::AgarwalAneja,
            "2 2\n 3 4\n 5 2 \n 100 200\n 300 400\n 1 2\n 3 4\n",
        );
        assert_eq!(i.fixed_cost, vec![vec![100.0, 200.0], vec![300.0, 400.0]]);
        assert_eq!(i.unit_cost, vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert!(!i.supply_is_upper_bound);
    }

    #[test]
    fn roberti_reads_one_arc_per_line_in_any_order() {
        let text = " 2\n 2\n\n 3\n 4\n\n 5\n 2\n\n 1 1 7 70\n 0 0 1 10\n 0 1 2 20\n 1 0 3 30\n";
        let i = fctp(Layout::Roberti, text);
        assert_eq!(i.supplies, vec![3.0, 4.0]);
        assert_eq!(i.demands, vec![5.0, 2.0]);
        assert_eq!(i.unit_cost, vec![vec![1.0, 2.0], vec![3.0, 7.0]]);
        assert_eq!(i.fixed_cost, vec![vec![10.0, 20.0], vec![30.0, 70.0]]);
    }

    #[test]
    fn roberti_rejects_a_missing_duplicate_or_out_of_range_arc() {
        let head = "2\n2\n3\n4\n5\n2\n";
        let missing = error(
            Layout::Roberti,
            &format!("{head}0 0 1 1\n0 1 1 1\n1 0 1 1\n"),
        );
        assert!(missing.contains("arc (1, 1) is missing"), "{missing}");
        let twice = error(
            Layout::Roberti,
            &format!("{head}0 0 1 1\n0 1 1 1\n1 0 1 1\n0 1 5 5\n1 1 1 1\n"),
        );
        assert!(twice.contains("bad/inst.txt:10:1: arcs[3]"), "{twice}");
        assert!(twice.contains("given twice"), "{twice}");
        let range = error(Layout::Roberti, &format!("{head}0 2 1 1\n"));
        assert!(range.contains("arcs[0].j"), "{range}");
        assert!(range.contains("from 0 to 1"), "{range}");
    }

    #[test]
    fn spieckermann_reads_capacities_when_present_and_unbalanced_supply() {
        let plain = fctp(Layout::Spieckermann, "1 2\n6\n2 3\n1 2\n10 20\n");
        assert_eq!(plain.capacity, None);
        assert!(plain.supply_is_upper_bound);
        let cap = fctp(Layout::Spieckermann, "1 2\n5\n2 3\n1 2\n10 20\n2 0\n");
        assert_eq!(cap.capacity, Some(vec![vec![2.0, 0.0]]));
        assert!(!cap.supply_is_upper_bound);
        assert!(cap.has_arc(0, 0) && !cap.has_arc(0, 1));
        // Half a capacity matrix is neither layout.
        let err = error(
            Layout::Spieckermann,
            "2 2\n2 2\n2 2\n1 1 1 1\n1 1 1 1\n3 3\n",
        );
        assert!(err.contains("capacity[1][0]"), "{err}");
        assert!(err.contains("ends early"), "{err}");
    }

    #[test]
    fn orlib_cap_reads_facilities_and_customers() {
        let text = "2 3\n 100 7500.\n 80 0.\n 10\n 1.5 2.5\n 20\n 3 4\n 5\n 6 7\n";
        match parse_ok(Layout::OrlibCap, text) {
            Parsed::FacilityLocation(f) => {
                assert_eq!(f.capacities, vec![100.0, 80.0]);
                assert_eq!(f.fixed_costs, vec![7500.0, 0.0]);
                assert_eq!(f.demands, vec![10.0, 20.0, 5.0]);
                assert_eq!(f.assignment_costs[0], vec![1.5, 2.5]);
                assert_eq!(f.assignment_costs[2], vec![6.0, 7.0]);
            }
            other => panic!("expected a facility-location problem, got {other:?}"),
        }
    }

    /// Two facilities (A: fixed 50, B: fixed 30) and three customers (demands
    /// 10, 20, 5; serving all of one costs A 10 / B 40, A 60 / B 20, A 5 / B 15).
    /// With room for everything each customer goes to its cheapest open
    /// facility: A alone 50 + 75 = 125, B alone 30 + 75 = 105, both 80 + 35 =
    /// 115. With B's capacity 25 (below the 35 units of demand) B alone cannot
    /// serve all: both, with c2 at B (20 ≤ 25), cost 115; A alone 125.
    #[test]
    fn facility_location_through_plants_opens_the_cheapest_set() {
        let cfl = |b_capacity: f64| FacilityLocation {
            capacities: vec![100.0, b_capacity],
            fixed_costs: vec![50.0, 30.0],
            demands: vec![10.0, 20.0, 5.0],
            assignment_costs: vec![vec![10.0, 40.0], vec![60.0, 20.0], vec![5.0, 15.0]],
        };
        let exact = SolveOptions {
            gap: 0.0,
            ..SolveOptions::default()
        };
        for (b_capacity, cost, open) in [(100.0, 105.0, [false, true]), (25.0, 115.0, [true, true])]
        {
            let out = solve_facility_location(&cfl(b_capacity), "hand", &exact).unwrap();
            assert_eq!(out.status, Status::Optimal);
            let c = out.cost.unwrap();
            assert!((c - cost).abs() < 1e-6, "B capacity {b_capacity}: cost {c}");
            assert_eq!(out.open, open, "B capacity {b_capacity}");
            assert!(out.unmet_demand < 1e-9, "{out:?}");
        }
    }

    #[test]
    fn bad_files_name_the_file_the_place_and_the_fault() {
        let word = error(Layout::Glover, "1 1\n5\nfive\n1\n1\n");
        assert!(word.contains("bad/inst.txt:3:1: demands[0]"), "{word}");
        assert!(word.contains("expected a number, found \"five\""), "{word}");
        let negative = error(Layout::Balinski, "1 2\n5\n2 3\n1 -2\n10 20\n");
        assert!(
            negative.contains("bad/inst.txt:4:3: unit_cost[0][1]"),
            "{negative}"
        );
        assert!(negative.contains("must be ≥ 0"), "{negative}");
        let nan = error(Layout::Balinski, "1 1\n5\n5\nNaN\n1\n");
        assert!(nan.contains("expected a number"), "{nan}");
        let size = error(Layout::AgarwalAneja, "0 2\n");
        assert!(
            size.contains(": m: expected a positive whole number"),
            "{size}"
        );
        let short = error(Layout::AgarwalAneja, "1 2\n5\n2 3\n1 2\n");
        assert!(short.contains("unit_cost[0][0]"), "{short}");
        assert!(short.contains("the file ends early"), "{short}");
        let long = error(Layout::Glover, "1 1\n5\n5\n1\n1\n9 9\n");
        assert!(long.contains("bad/inst.txt:6:1"), "{long}");
        assert!(long.contains("2 unexpected values"), "{long}");
        let short_supply = error(Layout::Glover, "1 1\n4\n5\n1\n1\n");
        assert!(short_supply.contains("total supply 4 is less than total demand 5"));
        assert!(short_supply.starts_with("1 problem"));
    }

    #[test]
    fn files_sort_in_natural_order() {
        let mut names = vec!["a/10.txt", "a/2.txt", "a/1.txt", "b/B20/x", "a/B50/1"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            vec!["a/1.txt", "a/2.txt", "a/10.txt", "a/B50/1", "b/B20/x"]
        );
    }

    /// The 2 × 3 instance worked out by hand:
    ///
    /// ```text
    /// supplies s = (30, 20), demands d = (10, 25, 15) (balanced, 50)
    /// unit costs c = | 1 2 3 |    fixed costs f = | 10 50 30 |
    ///                | 4 1 2 |                    | 20 10 40 |
    /// ```
    ///
    /// The cost is concave over the transportation polytope, so the optimum is at a
    /// vertex. Supplier 2 ships `d_j − x_1j`, so a plan is `(x11, x12, x13)` with
    /// `x11 + x12 + x13 = 30`, `0 ≤ x1j ≤ d_j`; its vertices have two coordinates at
    /// a bound: (0, 25, 5), (0, 15, 15), (10, 20, 0), (10, 5, 15) and (5, 25, 0).
    /// Their costs:
    ///
    /// ```text
    /// (0,25,5):   s1: 25·2+50 + 5·3+30 = 145;           s2 (10,0,10): 10·4+20 + 10·2+40 = 120 → 265
    /// (0,15,15):  s1: 15·2+50 + 15·3+30 = 155;          s2 (10,10,0): 10·4+20 + 10·1+10 =  80 → 235
    /// (10,20,0):  s1: 10·1+10 + 20·2+50 = 110;          s2 (0,5,15):  5·1+10 + 15·2+40  =  85 → 195
    /// (10,5,15):  s1: 10·1+10 + 5·2+50 + 15·3+30 = 155; s2 (0,20,0):  20·1+10           =  30 → 185
    /// (5,25,0):   s1: 5·1+10 + 25·2+50 = 115;           s2 (5,0,15):  5·4+20 + 15·2+40  = 110 → 225
    /// ```
    ///
    /// The optimum is 185, uniquely: s1 → (10, 5, 15), s2 → (0, 20, 0).
    fn hand_instance() -> Instance {
        Instance {
            supplies: vec![30.0, 20.0],
            demands: vec![10.0, 25.0, 15.0],
            unit_cost: vec![vec![1.0, 2.0, 3.0], vec![4.0, 1.0, 2.0]],
            fixed_cost: vec![vec![10.0, 50.0, 30.0], vec![20.0, 10.0, 40.0]],
            capacity: None,
            supply_is_upper_bound: false,
        }
    }

    #[test]
    fn hand_solved_2x3_instance_costs_185_through_symbio() {
        let inst = hand_instance();
        // R = max(c + f) + 1 = (2 + 50) + 1.
        assert_eq!(inst.revenue_per_unit(), 53.0);
        let out = solve(&inst, "hand2x3", &SolveOptions::default()).unwrap();
        assert_eq!(out.status, Status::Optimal);
        assert_eq!(out.links, 6);
        let cost = out.cost.unwrap();
        assert!((cost - 185.0).abs() < 1e-6, "cost {cost}");
        assert!(out.is_consistent(), "{out:?}");
        let expected = [[10.0, 5.0, 15.0], [0.0, 20.0, 0.0]];
        for (row, want) in out.flows.iter().zip(expected) {
            for (x, w) in row.iter().zip(want) {
                assert!((x - w).abs() < 1e-6, "flows {:?}", out.flows);
            }
        }
        assert!(out.gap.unwrap() <= 1e-6);
    }

    #[test]
    fn the_scenario_has_one_link_fact_per_existing_arc_and_pays_r() {
        let mut inst = hand_instance();
        inst.capacity = Some(vec![vec![10.0, 0.0, 15.0], vec![10.0, 25.0, 15.0]]);
        // With capacities R covers an augmenting path of min(m, n) = 2 arcs; the
        // dearest existing arc is s2 → c3 (2 + 40), as s1 → c2 (2 + 50) is gone.
        assert_eq!(inst.revenue_per_unit(), 2.0 * 42.0 + 1.0);
        let file = inst.to_scenario_file("cap");
        assert_eq!(file.sites.len(), 5);
        assert_eq!(file.links.len(), 5, "the arc of capacity 0 has no fact");
        assert!(file
            .links
            .iter()
            .all(|l| l.distance_km == Some(0.0) && l.capacity.is_some()));
        assert_eq!(file.sites[2].inputs[0].price, 85.0);
        // Without s1 → c2, c2 can only get s2's 20 units: 5 stay unmet, and the
        // outcome says so.
        let out = solve(&inst, "cap", &SolveOptions::default()).unwrap();
        assert_eq!(out.status, Status::Optimal);
        assert!((out.unmet_demand - 5.0).abs() < 1e-6, "{out:?}");
        assert!(!out.is_consistent());
    }

    /// The hand instance with arc s2 → c2 capped at 15 (others at 100, which never
    /// binds), so x12 ≥ 10. The vertices of `x11 + x12 + x13 = 30`, `0 ≤ x11 ≤ 10`,
    /// `10 ≤ x12 ≤ 25`, `0 ≤ x13 ≤ 15` are (0, 25, 5) → 265, (10, 10, 10) → 150 + 75
    /// = 225, (0, 15, 15) → 235, (10, 20, 0) → 195, (5, 10, 15) → 160 + 65 = 225 and
    /// (5, 25, 0) → 225 (costs as in [`hand_instance`]; for (10, 10, 10): s1 10·1+10 +
    /// 10·2+50 + 10·3+30, s2 (0, 15, 5) 15·1+10 + 5·2+40). The optimum is 195:
    /// s1 → (10, 20, 0), s2 → (0, 5, 15).
    #[test]
    fn a_binding_arc_capacity_moves_the_optimum_to_195() {
        let mut inst = hand_instance();
        inst.capacity = Some(vec![vec![100.0; 3], vec![100.0, 15.0, 100.0]]);
        let out = solve(&inst, "cap15", &SolveOptions::default()).unwrap();
        assert_eq!(out.status, Status::Optimal);
        let cost = out.cost.unwrap();
        assert!((cost - 195.0).abs() < 1e-6, "cost {cost}");
        assert!(out.is_consistent(), "{out:?}");
        let expected = [[10.0, 20.0, 0.0], [0.0, 5.0, 15.0]];
        for (row, want) in out.flows.iter().zip(expected) {
            for (x, w) in row.iter().zip(want) {
                assert!((x - w).abs() < 1e-6, "flows {:?}", out.flows);
            }
        }
    }
}
