//! Monte Carlo analysis of the `[[uncertainty]]` section: draw every uncertain field,
//! solve, and summarise how often each link is chosen and how the net benefit and
//! the CO2 avoided are distributed.
//!
//! Sample `k` draws its values from a ChaCha8 generator seeded with the seed and
//! set to stream `k`, one uniform number per uncertain field in file order, turned
//! into a value by the inverse of the distribution's CDF. A sample depends only on
//! (seed, k), so results are identical whatever the number of threads.
//!
//! Each sample gives a [`SampleRow`]; the summary is computed from the rows alone
//! ([`MonteCarloRun::summarise`]), so a long run streamed to a rows file with
//! [`super::batch`] (resumed, or split in shards and merged) summarises to the
//! same result as a direct [`run`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::batch::{
    self, csv_field, rows_error, Batch, Destination, Fingerprint, Format, RunOptions,
};
use super::point::{solve_point, PointStatus};
use crate::domain::Scenario;
use crate::error::Error;
use crate::files::io_error;
use crate::link_key::{self, LinkKey};
use crate::model::{SolveOptions, Status};
use crate::plan::round;
use crate::scenario::load::Loaded;
use crate::scenario::path::FieldPath;
use crate::scenario::uncertainty::{self, Distribution, Uncertain};
use crate::scenario::validate;
use crate::Problems;

/// Options of a Monte Carlo run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonteCarloOptions {
    /// Samples to draw (at least 1).
    pub samples: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// Solves run at once (each with one HiGHS thread).
    pub threads: usize,
    /// Options of each solve (its `threads` is ignored: always 1).
    pub solve: SolveOptions,
}

/// Summary statistics of a sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: f64,
    /// Standard deviation (n − 1 in the denominator; 0 for one value).
    pub sd: f64,
    /// Smallest value.
    pub min: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Largest value.
    pub max: f64,
}

impl Stats {
    /// Statistics of `values` (`None` when empty). Percentiles interpolate linearly
    /// between order statistics: the p-quantile of sorted x₀..xₙ₋₁ is at rank p(n − 1).
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut x = values.to_vec();
        x.sort_by(f64::total_cmp);
        let n = x.len();
        let mean = x.iter().sum::<f64>() / n as f64;
        let var = if n > 1 {
            x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        let q = |p: f64| {
            let h = p * (n - 1) as f64;
            let k = h.floor() as usize;
            match x.get(k + 1) {
                Some(next) => x[k] + (h - k as f64) * (next - x[k]),
                None => x[k],
            }
        };
        Some(Stats {
            mean: round(mean),
            sd: round(var.sqrt()),
            min: round(x[0]),
            p5: round(q(0.05)),
            p50: round(q(0.5)),
            p95: round(q(0.95)),
            max: round(x[n - 1]),
        })
    }
}

/// An uncertain field and the values drawn for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    /// Field path.
    pub path: String,
    /// The distribution, as declared: `triangular(10, 20, 40)`.
    pub distribution: String,
    /// Statistics of the values drawn.
    pub drawn: Stats,
}

/// How often a link is chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkShare {
    /// The link.
    pub link: LinkKey,
    /// Share of the feasible samples whose plan has the link.
    pub share: f64,
    /// Number of those samples.
    pub chosen: usize,
    /// Mean flow over the feasible samples (0 where not chosen), units per year.
    pub mean_flow: f64,
    /// Whether the plan with the file's own values has the link.
    pub in_deterministic_plan: bool,
}

/// How often a plant opens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantShare {
    /// Plant id.
    pub plant: String,
    /// Share of the feasible samples whose plan opens it.
    pub share: f64,
    /// Number of those samples.
    pub opened: usize,
    /// Of those, how many open it at each size, by size id.
    pub sizes: BTreeMap<String, usize>,
    /// Mean throughput over the feasible samples (0 where closed), units
    /// processed per year.
    pub mean_throughput: f64,
    /// The size the plan with the file's own values opens it at (absent when
    /// that plan keeps it closed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deterministic_size: Option<String>,
}

/// Net benefit and CO2 of the plan with the file's own values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deterministic {
    /// Solver status.
    pub status: Status,
    /// Net benefit, currency per year.
    pub net_benefit: Option<f64>,
    /// CO2 avoided, t per year.
    pub co2_avoided: Option<f64>,
}

/// The result of a Monte Carlo run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarlo {
    /// Scenario name.
    pub scenario: String,
    /// Currency of money figures.
    pub currency: String,
    /// Samples drawn.
    pub samples: usize,
    /// Seed.
    pub seed: u64,
    /// Samples with a plan (statistics and shares are over these).
    pub feasible: usize,
    /// Samples without a feasible plan.
    pub infeasible: usize,
    /// Samples whose solve stopped at the time limit (their plan is counted).
    pub time_limited: usize,
    /// Samples that could not be solved: their values make the scenario invalid,
    /// or the solver failed (see the rows' `error`).
    pub failed: usize,
    /// Samples by status (`optimal`, `time_limit`, `time_limit_no_solution`,
    /// `infeasible`, `invalid`, `error`), those with none left out.
    pub statuses: BTreeMap<PointStatus, usize>,
    /// Why samples have no plan: each constraint that the recorded flows of
    /// existing links exceed (`supply of liugang/gbfs`), or the time limit, with
    /// the samples it stops, most first (a sample may count under several).
    pub no_plan_reasons: Vec<ReasonCount>,
    /// The plan with the file's own values.
    pub deterministic: Deterministic,
    /// The uncertain fields and what was drawn.
    pub inputs: Vec<InputSummary>,
    /// Net benefit over the feasible samples, currency per year.
    pub net_benefit: Option<Stats>,
    /// CO2 avoided over the feasible samples, t per year.
    pub co2_avoided: Option<Stats>,
    /// Links chosen in some sample or in the deterministic plan, by share
    /// (descending), then link.
    pub links: Vec<LinkShare>,
    /// Of a scenario with plants, every plant in scenario order with how often
    /// it opens (absent without plants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plants: Option<Vec<PlantShare>>,
}

/// A reason for samples without a plan and how many it stops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    /// The constraint exceeded (`supply of liugang/gbfs`, `share of rule
    /// slag_for_clinker in cement_a/clinker`), or `the time limit came before
    /// any plan`.
    pub reason: String,
    /// Samples it stops.
    pub samples: usize,
}

/// The constraints a row's reason names, without their figures (which vary
/// from sample to sample): the text before `: limit` of each clause.
fn reasons_of(reason: &str) -> BTreeSet<String> {
    reason
        .split("; ")
        .map(|clause| {
            clause
                .split_once(": limit ")
                .map_or(clause, |(what, _)| what)
                .to_owned()
        })
        .collect()
}

/// A uniform number in (0, 1) from 53 random bits (never exactly 0 or 1).
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The values of sample `k`, one per uncertain field, in order.
pub(crate) fn draw(fields: &[Uncertain], seed: u64, k: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(k);
    fields
        .iter()
        .map(|f| quantile(&f.distribution, unit(&mut rng)))
        .collect()
}

/// The value of a distribution at cumulative probability `u` ∈ (0, 1) (the inverse
/// of its CDF), so that a uniform `u` gives a draw from the distribution.
pub(crate) fn quantile(d: &Distribution, u: f64) -> f64 {
    match *d {
        Distribution::Uniform { min, max } => (min + u * (max - min)).clamp(min, max),
        Distribution::Triangular { min, mode, max } => {
            let w = max - min;
            if w <= 0.0 {
                return min;
            }
            let at_mode = (mode - min) / w;
            let x = if u < at_mode {
                min + (u * w * (mode - min)).sqrt()
            } else {
                max - ((1.0 - u) * w * (max - mode)).sqrt()
            };
            x.clamp(min, max)
        }
        Distribution::Normal { mean, sd, min, max } => {
            let lo = min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd);
            let hi = max.map_or(f64::INFINITY, |m| (m - mean) / sd);
            let z = truncated_std_normal(lo, hi, u);
            let x = mean + sd * z;
            x.clamp(
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            )
        }
    }
}

/// Standard normal CDF.
fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Inverse of the standard normal CDF: Acklam's rational approximation (relative
/// error 1.15e-9) refined by one Halley step on the erfc-based CDF.
fn phi_inv(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step.
    let e = phi(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    let refined = x - u / (1.0 + x * u / 2.0);
    if refined.is_finite() {
        refined
    } else {
        x
    }
}

/// A standard normal truncated to [lo, hi] at cumulative probability `u` of the
/// truncated distribution. Windows in the upper tail are mirrored into the lower
/// tail, where the CDF keeps its relative precision.
fn truncated_std_normal(lo: f64, hi: f64, u: f64) -> f64 {
    if lo >= hi {
        return lo;
    }
    if lo > 0.0 {
        return -truncated_std_normal(-hi, -lo, 1.0 - u);
    }
    let (pa, pb) = (phi(lo), phi(hi));
    if pb.is_nan() || pa.is_nan() || pb <= pa {
        // The window carries no probability in f64: its end nearest the mean.
        return hi;
    }
    phi_inv(pa + u * (pb - pa)).clamp(lo, hi)
}

/// `triangular(10, 20, 40)`.
fn describe(d: &Distribution) -> String {
    match *d {
        Distribution::Uniform { min, max } => format!("uniform({min}, {max})"),
        Distribution::Triangular { min, mode, max } => {
            format!("triangular({min}, {mode}, {max})")
        }
        Distribution::Normal { mean, sd, min, max } => {
            let b = |v: Option<f64>| v.map_or("none".to_owned(), |v| v.to_string());
            format!(
                "normal(mean {mean}, sd {sd}, min {}, max {})",
                b(min),
                b(max)
            )
        }
    }
}

/// What sample `point` gave: one row of a rows file (a streamed run),
/// one JSON object per line. The summary ([`MonteCarloRun::summarise`]) is computed
/// from these rows only, so rows written by shards and merged give the summary of
/// a direct run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRow {
    /// The sample index `k`.
    pub point: usize,
    /// The seed it was drawn with.
    pub seed: u64,
    /// The values drawn, by field path, in the order of the `[[uncertainty]]` entries.
    pub values: serde_json::Map<String, serde_json::Value>,
    /// `optimal`, `time_limit`, `time_limit_no_solution`, `infeasible`, or
    /// `invalid` (the values drawn make the scenario invalid) or `error` (the solver failed).
    pub status: PointStatus,
    /// Net benefit of the plan, currency per year (absent without a plan).
    pub net_benefit: Option<f64>,
    /// CO2 avoided by the plan, t per year (absent without a plan).
    pub co2_avoided: Option<f64>,
    /// Chosen links as `from_site/from_output->to_site/to_input@mode`, in plan order.
    #[serde(with = "link_key::as_text")]
    pub chosen: Vec<LinkKey>,
    /// Flow of each chosen link (same order), units per year.
    pub flows: Vec<f64>,
    /// Of a scenario with plants, the plants the plan opens as `plant:size`, in
    /// scenario order (absent without plants; empty without a plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plants: Option<Vec<String>>,
    /// Throughput of each open plant (same order), units processed per year
    /// (absent without plants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughputs: Option<Vec<f64>>,
    /// Why there is no plan, for `infeasible` (the constraints that the recorded
    /// flows of existing links exceed, [`super::point::why_no_plan`]) and
    /// `time_limit_no_solution` (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What went wrong, for `invalid` and `error` (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The columns of a Monte Carlo row in CSV after the values drawn.
const CSV_TAIL: [&str; 7] = [
    "status",
    "net_benefit",
    "co2_avoided",
    "chosen",
    "flows",
    "reason",
    "error",
];

/// The columns of the open plants and their throughputs, before `chosen`, in
/// the CSV rows of a scenario with plants (as in a sweep's CSV).
const PLANT_COLUMNS: [&str; 2] = ["plants", "throughputs"];

/// The CSV columns after the values drawn, with the plant columns or without.
fn csv_tail(plants: bool) -> Vec<&'static str> {
    let mut tail = CSV_TAIL.to_vec();
    if plants {
        tail.splice(3..3, PLANT_COLUMNS);
    }
    tail
}

/// Numbers joined by spaces, as a CSV cell.
fn spaced(values: &[f64]) -> String {
    let text: Vec<String> = values.iter().map(f64::to_string).collect();
    text.join(" ")
}

impl SampleRow {
    /// The row as one line (no newline) of `format`: JSON, or CSV with the
    /// columns of [`MonteCarloRun::csv_header`] (chosen links and their flows
    /// separated by spaces).
    pub(crate) fn encode(&self, format: Format) -> String {
        match format {
            Format::JsonLines => serde_json::to_string(self).unwrap_or_default(),
            Format::Csv => {
                let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
                let mut f: Vec<String> = vec![self.point.to_string(), self.seed.to_string()];
                f.extend(self.values.values().map(|v| v.to_string()));
                f.push(self.status.name().to_owned());
                f.push(opt(self.net_benefit));
                f.push(opt(self.co2_avoided));
                if let Some(plants) = &self.plants {
                    f.push(plants.join(" "));
                    f.push(spaced(self.throughputs.as_deref().unwrap_or_default()));
                }
                let chosen: Vec<String> = self.chosen.iter().map(LinkKey::to_string).collect();
                f.push(chosen.join(" "));
                f.push(spaced(&self.flows));
                f.push(self.reason.clone().unwrap_or_default());
                f.push(self.error.clone().unwrap_or_default());
                f.iter().map(|s| csv_field(s)).collect::<Vec<_>>().join(",")
            }
        }
    }

    /// A row read back from a line of `format`; `columns` are those of a CSV row.
    pub(crate) fn decode(
        format: Format,
        line: &str,
        columns: &Columns,
    ) -> Result<SampleRow, String> {
        match format {
            Format::JsonLines => {
                serde_json::from_str(line).map_err(|e| format!("not a Monte Carlo row: {e}"))
            }
            Format::Csv => Self::decode_csv(line, columns),
        }
    }

    fn decode_csv(line: &str, columns: &Columns) -> Result<SampleRow, String> {
        use serde_json::Value;
        let not = |why: String| format!("not a Monte Carlo row: {why}");
        let record = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .ok_or_else(|| not("an empty line".into()))?
            .map_err(|e| not(e.to_string()))?;
        let cells: Vec<&str> = record.iter().collect();
        let paths = &columns.paths;
        let want = 2 + paths.len() + csv_tail(columns.plants).len();
        if cells.len() != want {
            return Err(not(format!(
                "{} fields where {want} were expected",
                cells.len()
            )));
        }
        let number = |cell: &str| -> Result<Value, String> {
            serde_json::from_str::<Value>(cell)
                .ok()
                .filter(Value::is_number)
                .ok_or_else(|| not(format!("{cell:?} is not a number")))
        };
        let optional = |cell: &str| -> Result<Option<f64>, String> {
            match cell {
                "" => Ok(None),
                c => number(c).map(|v| v.as_f64()),
            }
        };
        let whole = |cell: &str| -> Result<u64, String> {
            cell.parse()
                .map_err(|_| not(format!("{cell:?} is not a whole number")))
        };
        let mut values = serde_json::Map::new();
        for (path, cell) in paths.iter().zip(&cells[2..]) {
            values.insert(path.clone(), number(cell)?);
        }
        let numbers = |cell: &str| -> Result<Vec<f64>, String> {
            cell.split_whitespace()
                .map(|v| optional(v).map(|v| v.unwrap_or_default()))
                .collect()
        };
        let mut tail: Vec<&str> = cells[2 + paths.len()..].to_vec();
        let (plants, throughputs) = if columns.plants {
            let plants: Vec<&str> = tail.splice(3..5, []).collect();
            let open = plants[0].split_whitespace().map(str::to_owned).collect();
            (Some(open), Some(numbers(plants[1])?))
        } else {
            (None, None)
        };
        let status: PointStatus = serde_json::from_value(Value::from(tail[0]))
            .map_err(|_| not(format!("{:?} is not a status", tail[0])))?;
        let chosen = tail[3]
            .split_whitespace()
            .map(|k| k.parse::<LinkKey>().map_err(|e| not(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let flows = numbers(tail[4])?;
        Ok(SampleRow {
            point: whole(cells[0])? as usize,
            seed: whole(cells[1])?,
            values,
            status,
            net_benefit: optional(tail[1])?,
            co2_avoided: optional(tail[2])?,
            chosen,
            flows,
            plants,
            throughputs,
            reason: (!tail[5].is_empty()).then(|| tail[5].to_owned()),
            error: (!tail[6].is_empty()).then(|| tail[6].to_owned()),
        })
    }
}

/// The columns of a run's rows in CSV: the paths of the fields drawn (after
/// `point` and `seed`), and whether the plant columns are there (a scenario
/// with plants).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Columns {
    paths: Vec<String>,
    plants: bool,
}

/// A Monte Carlo run ready to draw and solve samples one at a time (for long runs
/// streamed to a file, see [`super::batch`]) and to summarise their rows.
#[derive(Debug, Clone)]
pub struct MonteCarloRun {
    loaded: Loaded,
    base: Scenario,
    fields: Vec<Uncertain>,
    paths: Vec<FieldPath>,
    seed: u64,
    solve: SolveOptions,
}

impl MonteCarloRun {
    /// Validates the scenario and resolves its `[[uncertainty]]` section (which
    /// must not be empty). Each sample is solved with one thread.
    pub fn new(loaded: &Loaded, seed: u64, solve: SolveOptions) -> Result<MonteCarloRun, Error> {
        let base = validate::validate(loaded)?;
        let fields = uncertainty::resolve(loaded).map_err(|ps| Error::Invalid(Problems(ps)))?;
        if fields.is_empty() {
            return Err(Error::Invalid(Problems(vec![crate::Problem::new(
                loaded.root.as_ref(),
                "uncertainty",
                None,
                "no [[uncertainty]] is declared: nothing to sample (see docs/scenario-format.md)",
            )])));
        }
        let paths = fields
            .iter()
            .map(|f| FieldPath::new(loaded, &f.path))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                Error::Invalid(Problems(vec![crate::Problem::new(
                    loaded.root.as_ref(),
                    e.path,
                    None,
                    e.message,
                )]))
            })?;
        Ok(MonteCarloRun {
            loaded: loaded.clone(),
            base,
            fields,
            paths,
            seed,
            solve: SolveOptions {
                threads: 1,
                ..solve
            },
        })
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The fingerprint of the rows of its first `samples` samples: the scenario
    /// (its `[[uncertainty]]` section included), the seed, the number of samples
    /// and the solver options.
    pub fn fingerprint(&self, samples: usize) -> Fingerprint {
        let sampler = format!("montecarlo\nseed {}\nsamples {samples}", self.seed);
        Fingerprint::new(&self.loaded, &sampler, &self.solve)
    }

    /// The header of its rows in CSV: `point,seed`, the fields drawn (their
    /// paths, in the order of the `[[uncertainty]]` entries), then `status,
    /// net_benefit, co2_avoided, chosen, flows, reason, error` (with plants,
    /// `plants, throughputs` before `chosen`).
    pub fn csv_header(&self) -> String {
        let mut h = vec!["point".to_owned(), "seed".to_owned()];
        h.extend(self.fields.iter().map(|f| f.path.clone()));
        h.extend(csv_tail(self.has_plants()).iter().map(|c| (*c).to_owned()));
        h.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",")
    }

    /// The columns of its rows in CSV.
    fn columns(&self) -> Columns {
        Columns {
            paths: self.fields.iter().map(|f| f.path.clone()).collect(),
            plants: self.has_plants(),
        }
    }

    /// Whether the scenario has plants (its rows say which open).
    fn has_plants(&self) -> bool {
        !self.base.plants.is_empty()
    }

    fn values(&self, k: usize) -> serde_json::Map<String, serde_json::Value> {
        self.fields
            .iter()
            .zip(draw(&self.fields, self.seed, k as u64))
            .map(|(f, v)| (f.path.clone(), serde_json::Value::from(v)))
            .collect()
    }

    /// Draws and solves sample `k`. A sample the scenario cannot accept (e.g. a
    /// negative quantity drawn) is a row with status `invalid` and the problem.
    pub(crate) fn sample(&self, k: usize) -> SampleRow {
        let set: Vec<(FieldPath, f64)> = self
            .paths
            .iter()
            .cloned()
            .zip(draw(&self.fields, self.seed, k as u64))
            .collect();
        let mut row = SampleRow {
            point: k,
            seed: self.seed,
            values: self.values(k),
            status: PointStatus::Error,
            net_benefit: None,
            co2_avoided: None,
            chosen: Vec::new(),
            flows: Vec::new(),
            plants: self.has_plants().then(Vec::new),
            throughputs: self.has_plants().then(Vec::new),
            reason: None,
            error: None,
        };
        match solve_point(&self.loaded, &set, &self.solve) {
            Ok(v) => {
                let has = v.plan.status.has_plan();
                let t = &v.plan.totals;
                row.status = PointStatus::of(v.plan.status);
                row.net_benefit = has.then_some(t.figures.net_benefit);
                row.co2_avoided = has.then_some(t.figures.co2_avoided);
                row.chosen = v.plan.links.iter().map(|l| l.key.clone()).collect();
                row.flows = v.plan.links.iter().map(|l| l.flow).collect();
                if let Some(open) = super::point::open_plants(&v.plan) {
                    row.plants = Some(open.iter().map(|(p, _)| p.clone()).collect());
                    row.throughputs = Some(open.iter().map(|&(_, t)| t).collect());
                }
                row.reason = super::point::why_no_plan(&v.plan);
            }
            Err(e) => {
                row.status = PointStatus::of_error(&e);
                row.error = Some(e.to_string().trim_end().to_owned());
            }
        }
        row
    }

    /// Whether a line read back from a rows file is sample `k` of this run (same
    /// seed, same fields, same values drawn), for resuming and summarising.
    pub(crate) fn check_row(&self, format: Format, k: usize, line: &str) -> Result<(), String> {
        let row = SampleRow::decode(format, line, &self.columns())?;
        if row.point != k {
            return Err(format!("it is sample {} where {k} was expected", row.point));
        }
        if row.seed != self.seed {
            return Err(format!(
                "sample {k} was drawn with seed {} but this run has seed {}",
                row.seed, self.seed
            ));
        }
        // The values as they read back from a file (JSON numbers are not always
        // parsed back to the very same f64), so that a row from a file matches.
        let want: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&serde_json::to_string(&self.values(k)).unwrap_or_default())
                .map_err(|e| e.to_string())?;
        if row.values.keys().ne(want.keys()) {
            return Err(format!(
                "sample {k} draws other fields ({}) than this scenario's [[uncertainty]] ({})",
                row.values.keys().cloned().collect::<Vec<_>>().join(", "),
                want.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let text = |m: &serde_json::Map<String, serde_json::Value>| -> Vec<String> {
            m.values().map(|v| v.to_string()).collect()
        };
        if row.values != want {
            return Err(format!(
                "sample {k} has values {} but seed {} draws {}",
                text(&row.values).join(", "),
                self.seed,
                text(&want).join(", ")
            ));
        }
        if row.chosen.len() != row.flows.len() {
            return Err(format!("sample {k} has not one flow per chosen link"));
        }
        match (&row.plants, &row.throughputs) {
            (None, None) if !self.has_plants() => {}
            (Some(p), Some(t)) if self.has_plants() && p.len() == t.len() => {}
            _ if self.has_plants() => {
                return Err(format!(
                    "sample {k} has not one throughput per open plant (the scenario has plants)"
                ))
            }
            _ => return Err(format!("sample {k} has plants but the scenario has none")),
        }
        Ok(())
    }

    /// Summarises the rows of samples `0..rows.len()`, in order (they must be that
    /// run's rows, as [`MonteCarloRun::read_rows`] checks); solves the scenario with its
    /// own values for the deterministic figures.
    pub fn summarise(&self, rows: &[SampleRow]) -> Result<MonteCarlo, Error> {
        if rows.is_empty() {
            return Err(Error::option("samples", "must be at least 1"));
        }
        let det = solve_point(&self.loaded, &[], &self.solve)?;
        let det_links: BTreeSet<LinkKey> = det.plan.links.iter().map(|l| l.key.clone()).collect();
        let mut drawn: Vec<Vec<f64>> = vec![Vec::with_capacity(rows.len()); self.fields.len()];
        let mut benefit = Vec::new();
        let mut co2 = Vec::new();
        let mut chosen: BTreeMap<LinkKey, (usize, f64)> = BTreeMap::new();
        let mut plants = PlantTally::new(&self.base);
        let (mut infeasible, mut time_limited, mut failed) = (0, 0, 0);
        let mut statuses: BTreeMap<PointStatus, usize> = BTreeMap::new();
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for (k, row) in rows.iter().enumerate() {
            *statuses.entry(row.status).or_default() += 1;
            for r in row.reason.as_deref().map(reasons_of).unwrap_or_default() {
                *reasons.entry(r).or_default() += 1;
            }
            let bad = |why: &str| Error::option("rows", format!("sample {k}: {why}"));
            if row.point != k {
                return Err(bad(&format!("found sample {} in its place", row.point)));
            }
            for (d, f) in drawn.iter_mut().zip(&self.fields) {
                let v = row.values.get(&f.path).and_then(|v| v.as_f64());
                d.push(v.ok_or_else(|| bad(&format!("no value drawn for {}", f.path)))?);
            }
            match row.status {
                PointStatus::Invalid | PointStatus::Error => {
                    failed += 1;
                    continue;
                }
                s if !s.has_plan() => {
                    infeasible += 1;
                    continue;
                }
                _ => {}
            }
            if row.status == PointStatus::TimeLimit {
                time_limited += 1;
            }
            let figure = |v: Option<f64>, name: &str| {
                v.ok_or_else(|| bad(&format!("a plan without its {name}")))
            };
            benefit.push(figure(row.net_benefit, "net benefit")?);
            co2.push(figure(row.co2_avoided, "CO2 avoided")?);
            if row.chosen.len() != row.flows.len() {
                return Err(bad("not one flow per chosen link"));
            }
            for (l, &x) in row.chosen.iter().zip(&row.flows) {
                if !names_link(&self.base, l) {
                    return Err(bad(&format!("link {l} is not one of this scenario")));
                }
                let e = chosen.entry(l.clone()).or_default();
                e.0 += 1;
                e.1 += x;
            }
            if let (Some(open), Some(t)) = (&row.plants, &row.throughputs) {
                if open.len() != t.len() {
                    return Err(bad("not one throughput per open plant"));
                }
                plants.add(open, t).map_err(|m| bad(&m))?;
            }
        }
        let feasible = benefit.len();
        let all: BTreeSet<LinkKey> = chosen.keys().chain(&det_links).cloned().collect();
        let mut links: Vec<LinkShare> = all
            .into_iter()
            .map(|l| {
                let (n, sum) = chosen.get(&l).copied().unwrap_or((0, 0.0));
                let per = |v: f64| {
                    if feasible > 0 {
                        v / feasible as f64
                    } else {
                        0.0
                    }
                };
                LinkShare {
                    share: round(per(n as f64)),
                    chosen: n,
                    mean_flow: round(per(sum)),
                    in_deterministic_plan: det_links.contains(&l),
                    link: l,
                }
            })
            .collect();
        links.sort_by(|a, b| {
            b.share
                .total_cmp(&a.share)
                .then_with(|| a.link.cmp(&b.link))
        });
        let t = &det.plan.totals;
        let has = det.plan.status.has_plan();
        Ok(MonteCarlo {
            scenario: self.base.name.clone(),
            currency: self.base.currency.clone(),
            samples: rows.len(),
            seed: self.seed,
            feasible,
            infeasible,
            time_limited,
            failed,
            statuses,
            no_plan_reasons: {
                let mut v: Vec<ReasonCount> = reasons
                    .into_iter()
                    .map(|(reason, samples)| ReasonCount { reason, samples })
                    .collect();
                v.sort_by(|a, b| b.samples.cmp(&a.samples).then(a.reason.cmp(&b.reason)));
                v
            },
            deterministic: Deterministic {
                status: det.plan.status,
                net_benefit: has.then_some(t.figures.net_benefit),
                co2_avoided: has.then_some(t.figures.co2_avoided),
            },
            inputs: self
                .fields
                .iter()
                .zip(&drawn)
                .map(|(f, d)| {
                    Some(InputSummary {
                        path: f.path.clone(),
                        distribution: describe(&f.distribution),
                        drawn: Stats::of(d)?,
                    })
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Error::option("samples", "must be at least 1"))?,
            net_benefit: Stats::of(&benefit),
            co2_avoided: Stats::of(&co2),
            links,
            plants: self.has_plants().then(|| {
                let det_plants = super::point::open_plants(&det.plan).unwrap_or_default();
                plants.shares(feasible, &det_plants)
            }),
        })
    }

    /// Reads the rows of a complete rows file (the output of a run or of
    /// `symbio merge` of its shards), checking its fingerprint and each row
    /// against this run. `samples`, when given, is the number of samples the file
    /// must hold; otherwise it holds samples `0..n` for some n, and its
    /// fingerprint must be that of a run of n samples.
    pub fn read_rows(&self, path: &Path, samples: Option<usize>) -> Result<Vec<SampleRow>, Error> {
        let text = std::fs::read_to_string(path).map_err(io_error(path))?;
        if !text.is_empty() && !text.ends_with('\n') {
            return Err(Error::Rows {
                path: path.to_owned(),
                message: "the last row is half-written (the run was killed)".into(),
                half_written: true,
            });
        }
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.is_empty());
        let Some(&(_, first)) = lines.clone().next().as_ref() else {
            return Err(rows_error(path, "it holds no sample".into()));
        };
        let (format, found) = Fingerprint::of_rows(path, first)?;
        if format.has_header() {
            let header = self.csv_header();
            match lines.next() {
                Some((_, h)) if h == header => {}
                Some((_, h)) => {
                    return Err(rows_error(
                        path,
                        format!(
                            "its header is\n  {h}\nbut the rows of this scenario's samples \
                             have\n  {header}"
                        ),
                    ))
                }
                None => return Err(rows_error(path, "it has no header line".into())),
            }
        }
        let lines: Vec<(usize, &str)> = lines.collect();
        let mut rows: Vec<SampleRow> = Vec::new();
        let mut problem = None;
        for &(n, line) in &lines {
            let k = rows.len();
            let row = match format.point_of(line) {
                Some(p) if p == k => self
                    .check_row(format, k, line)
                    .and_then(|()| SampleRow::decode(format, line, &self.columns())),
                Some(p) => Err(format!(
                    "sample {p} where sample {k} was expected \
                     (is a shard missing, or not merged?)"
                )),
                None => Err("not a row".into()),
            };
            match row {
                Ok(row) => rows.push(row),
                Err(m) => {
                    problem = Some(format!("line {}: {m}", n + 1));
                    break;
                }
            }
        }
        if let Some(d) = found.differs(&self.fingerprint(samples.unwrap_or(lines.len()))) {
            return Err(rows_error(path, batch::another_run(d, problem)));
        }
        if let Some(p) = problem {
            return Err(rows_error(path, p));
        }
        match samples {
            Some(n) if n != rows.len() => Err(rows_error(
                path,
                format!("it holds {} samples, not the {n} asked for", rows.len()),
            )),
            _ if rows.is_empty() => Err(rows_error(path, "it holds no sample".into())),
            _ => Ok(rows),
        }
    }

    /// The first `count` samples of this run, as a batch of points.
    pub fn samples(&self, count: usize) -> Samples<'_> {
        Samples { run: self, count }
    }
}

/// The plants opened over the samples with a plan: for each plant of the
/// scenario (in its order), the samples that open it at each size and the sum
/// of its throughputs.
struct PlantTally {
    /// Plant ids, and the size ids of each one's technology.
    plants: Vec<(String, Vec<String>)>,
    by_size: Vec<BTreeMap<String, usize>>,
    throughput: Vec<f64>,
}

impl PlantTally {
    fn new(s: &Scenario) -> PlantTally {
        let plants: Vec<(String, Vec<String>)> = (s.plants.iter())
            .map(|p| {
                let sizes = &s.technologies[p.technology.0].sizes;
                (p.id.clone(), sizes.iter().map(|z| z.id.clone()).collect())
            })
            .collect();
        PlantTally {
            by_size: vec![BTreeMap::new(); plants.len()],
            throughput: vec![0.0; plants.len()],
            plants,
        }
    }

    /// The index of the plant and the size `plant:size` names.
    fn find<'a>(&self, open: &'a str) -> Result<(usize, &'a str), String> {
        let named = open.split_once(':').and_then(|(plant, size)| {
            let k = self.plants.iter().position(|(id, _)| id == plant)?;
            self.plants[k]
                .1
                .iter()
                .any(|z| z == size)
                .then_some((k, size))
        });
        named.ok_or_else(|| format!("plant {open} is not a plant and size of this scenario"))
    }

    /// Counts the plants one sample opens (`plant:size`) with their throughputs.
    fn add(&mut self, open: &[String], throughputs: &[f64]) -> Result<(), String> {
        for (o, &t) in open.iter().zip(throughputs) {
            let (k, size) = self.find(o)?;
            *self.by_size[k].entry(size.to_owned()).or_default() += 1;
            self.throughput[k] += t;
        }
        Ok(())
    }

    /// How often each plant opens over `feasible` samples, with the size the
    /// plan with the file's own values opens it at (`deterministic`: that
    /// plan's open plants).
    fn shares(self, feasible: usize, deterministic: &[(String, f64)]) -> Vec<PlantShare> {
        let per = |v: f64| {
            if feasible > 0 {
                v / feasible as f64
            } else {
                0.0
            }
        };
        let mut det: Vec<Option<String>> = vec![None; self.plants.len()];
        for (open, _) in deterministic {
            if let Ok((k, size)) = self.find(open) {
                det[k] = Some(size.to_owned());
            }
        }
        (self
            .plants
            .into_iter()
            .zip(self.by_size)
            .zip(self.throughput)
            .zip(det))
        .map(|((((plant, _), sizes), sum), deterministic_size)| {
            let opened = sizes.values().sum::<usize>();
            PlantShare {
                plant,
                share: round(per(opened as f64)),
                opened,
                sizes,
                mean_throughput: round(per(sum)),
                deterministic_size,
            }
        })
        .collect()
    }
}

/// Whether the ids of a key name an output, an input and a mode of the scenario.
fn names_link(s: &Scenario, k: &LinkKey) -> bool {
    let site = |id: &str| s.sites.iter().position(|x| x.id == id);
    let (Some(from), Some(to)) = (site(&k.from_site), site(&k.to_site)) else {
        return false;
    };
    s.outputs
        .iter()
        .any(|o| o.site.0 == from && o.id == k.from_output)
        && s.inputs
            .iter()
            .any(|i| i.site.0 == to && i.id == k.to_input)
        && s.modes.iter().any(|m| m.id == k.mode)
}

/// Samples `0..count` of a Monte Carlo run, as a batch of points.
pub struct Samples<'a> {
    run: &'a MonteCarloRun,
    count: usize,
}

impl Batch for Samples<'_> {
    type Row = SampleRow;

    fn points(&self) -> usize {
        self.count
    }

    fn header(&self, format: Format) -> Option<String> {
        format.has_header().then(|| self.run.csv_header())
    }

    fn fingerprint(&self) -> Fingerprint {
        self.run.fingerprint(self.count)
    }

    fn solve(&self, p: usize) -> SampleRow {
        self.run.sample(p)
    }

    fn status(&self, row: &SampleRow) -> PointStatus {
        row.status
    }

    fn encode(&self, row: &SampleRow, format: Format) -> String {
        row.encode(format)
    }

    fn check_row(&self, format: Format, p: usize, line: &str) -> Result<(), String> {
        if p >= self.count {
            return Err(format!(
                "sample {p} is beyond the {} samples of this run",
                self.count
            ));
        }
        self.run.check_row(format, p, line)
    }
}

/// Runs the analysis: solves every sample (in parallel) and summarises. The rows
/// go through their JSON form first, so the summary is the one computed from a
/// rows file with the same seed and samples, to the bit.
pub fn run(loaded: &Loaded, o: &MonteCarloOptions) -> Result<MonteCarlo, Error> {
    let mc = MonteCarloRun::new(loaded, o.seed, o.solve)?;
    if o.samples == 0 {
        return Err(Error::option("samples", "must be at least 1"));
    }
    let mut lines: Vec<String> = Vec::with_capacity(o.samples);
    let mut collect = |line: &str| {
        lines.push(line.to_owned());
        true
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let options = RunOptions {
        threads: o.threads,
        format: Format::JsonLines,
        shard: None,
        stop: &stop,
        writing: None,
    };
    batch::run_batch(
        &mc.samples(o.samples),
        Destination::Lines(&mut collect),
        &options,
        |_| {},
    )?;
    let rows = lines
        .iter()
        .map(|l| {
            SampleRow::decode(Format::JsonLines, l, &Columns::default())
                .map_err(|m| Error::option("rows", m))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    mc.summarise(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(d: &Distribution, n: u64, seed: u64) -> Vec<f64> {
        let f = [Uncertain {
            path: "x".into(),
            distribution: *d,
            origin: "uncertainty[0]".into(),
        }];
        (0..n).map(|k| draw(&f, seed, k)[0]).collect()
    }

    fn mean(x: &[f64]) -> f64 {
        x.iter().sum::<f64>() / x.len() as f64
    }

    #[test]
    fn uniform_draws_stay_in_bounds_and_average_the_midpoint() {
        let d = Distribution::Uniform {
            min: 10.0,
            max: 30.0,
        };
        let x = sample(&d, 20_000, 7);
        assert!(x.iter().all(|&v| (10.0..=30.0).contains(&v)));
        // Mean 20, sd of the mean 20/√12/√20000 ≈ 0.041.
        assert!((mean(&x) - 20.0).abs() < 0.2, "{}", mean(&x));
        // A quarter of the draws below 15.
        let below = x.iter().filter(|&&v| v < 15.0).count() as f64 / x.len() as f64;
        assert!((below - 0.25).abs() < 0.015, "{below}");
    }

    #[test]
    fn degenerate_distributions_give_their_one_value() {
        for d in [
            Distribution::Uniform { min: 3.5, max: 3.5 },
            Distribution::Triangular {
                min: 3.5,
                mode: 3.5,
                max: 3.5,
            },
            Distribution::Normal {
                mean: 1.0,
                sd: 2.0,
                min: Some(3.5),
                max: Some(3.5),
            },
        ] {
            assert!(sample(&d, 50, 1).iter().all(|&v| v == 3.5), "{d:?}");
        }
    }

    #[test]
    fn triangular_draws_have_the_triangular_mean_and_mode_share() {
        let (a, c, b) = (0.0, 30.0, 40.0);
        let d = Distribution::Triangular {
            min: a,
            mode: c,
            max: b,
        };
        let x = sample(&d, 20_000, 3);
        assert!(x.iter().all(|&v| (a..=b).contains(&v)));
        // Mean (a + b + c) / 3 = 23.33; sd ≈ 8.5, of the mean ≈ 0.06.
        assert!((mean(&x) - 70.0 / 3.0).abs() < 0.3, "{}", mean(&x));
        // P(X < c) = (c − a) / (b − a) = 0.75.
        let below = x.iter().filter(|&&v| v < c).count() as f64 / x.len() as f64;
        assert!((below - 0.75).abs() < 0.015, "{below}");
    }

    #[test]
    fn truncated_normal_stays_within_its_bounds() {
        // Symmetric window: mean unchanged; a share within ±1 sd of
        // (Φ(1) − Φ(−1)) / (Φ(2) − Φ(−2)) = 0.6827 / 0.9545 = 0.7152.
        let d = Distribution::Normal {
            mean: 100.0,
            sd: 10.0,
            min: Some(80.0),
            max: Some(120.0),
        };
        let x = sample(&d, 20_000, 11);
        assert!(x.iter().all(|&v| (80.0..=120.0).contains(&v)));
        assert!((mean(&x) - 100.0).abs() < 0.3, "{}", mean(&x));
        let within = x.iter().filter(|&&v| (v - 100.0).abs() < 10.0).count() as f64 / 20_000.0;
        assert!((within - 0.7152).abs() < 0.015, "{within}");

        // Far in a tail on either side: still within bounds, and close to the bound
        // (the mean of a normal beyond 8 sd is about 8.12 sd).
        for (min, max, near) in [
            (Some(8.0), None, 8.12),
            (None, Some(-8.0), -8.12),
            (Some(8.0), Some(9.0), 8.12),
        ] {
            let d = Distribution::Normal {
                mean: 0.0,
                sd: 1.0,
                min,
                max,
            };
            let x = sample(&d, 2_000, 5);
            assert!(x.iter().all(|v| v.is_finite()
                && min.map_or(true, |m| *v >= m)
                && max.map_or(true, |m| *v <= m)));
            assert!((mean(&x) - near).abs() < 0.02, "{} vs {near}", mean(&x));
        }

        // Untruncated: mean and sd.
        let d = Distribution::Normal {
            mean: -5.0,
            sd: 2.0,
            min: None,
            max: None,
        };
        let x = sample(&d, 20_000, 13);
        let s = Stats::of(&x).unwrap();
        assert!(
            (s.mean + 5.0).abs() < 0.05 && (s.sd - 2.0).abs() < 0.05,
            "{s:?}"
        );
    }

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for z in [-30.0, -8.0, -3.0, -1.0, -0.1, 0.0, 0.5, 2.0, 5.0] {
            let p = phi(z);
            assert!((phi_inv(p) - z).abs() < 1e-8 * z.abs().max(1.0), "{z}");
        }
        // Known values.
        assert!((phi(1.959_963_984_540_054) - 0.975).abs() < 1e-12);
        assert!((phi_inv(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
    }

    #[test]
    fn draws_depend_on_seed_and_sample_only() {
        let d = Distribution::Uniform { min: 0.0, max: 1.0 };
        let f: Vec<Uncertain> = (0..3)
            .map(|k| Uncertain {
                path: format!("p{k}"),
                distribution: d,
                origin: String::new(),
            })
            .collect();
        assert_eq!(draw(&f, 42, 5), draw(&f, 42, 5));
        assert_ne!(draw(&f, 42, 5), draw(&f, 42, 6));
        assert_ne!(draw(&f, 42, 5), draw(&f, 43, 5));
        // The fields of one sample are different draws.
        let v = draw(&f, 42, 5);
        assert!(v[0] != v[1] && v[1] != v[2]);
    }

    #[test]
    fn percentiles_interpolate_between_order_statistics() {
        let s = Stats::of(&[4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!((s.min, s.p50, s.max, s.mean), (1.0, 3.0, 5.0, 3.0));
        // Rank 0.05 × 4 = 0.2: 1 + 0.2 × (2 − 1).
        assert!((s.p5 - 1.2).abs() < 1e-12 && (s.p95 - 4.8).abs() < 1e-12);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-9);
        assert_eq!(Stats::of(&[7.0]).unwrap().p95, 7.0);
        assert!(Stats::of(&[]).is_none());
    }
}
