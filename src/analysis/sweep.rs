//! Parameter sweeps: the plan over a grid of values of numeric scenario fields.
//!
//! Each axis is a field addressed by path ([`crate::scenario::path`]) with a list
//! of values (`parameters.carbon_price=0..200:25`, `modes.truck.cost_per_unit_km=0.03,0.05`);
//! the grid is their cartesian product. Point `k` of the grid takes its values as
//! nested loops would, the last axis varying fastest. Every point is the scenario
//! file with its values set, validated, built and solved like `symbio solve`; its
//! [`Row`] holds the values, the status, the plan's totals and the chosen links.

use serde::{Deserialize, Serialize};

use super::batch::{csv_field, Batch, Fingerprint, Format};
use super::point::{scenario_at, solve_point, PointStatus};
use crate::error::Error;
use crate::link_key::{self, LinkKey};
use crate::model::SolveOptions;
use crate::parallel::Pool;
use crate::plan::{Figures, Plan};
use crate::scenario::load::Loaded;
use crate::scenario::path::FieldPath;

/// Most values one axis may have (a guard against a mistyped step).
pub const MAX_AXIS_VALUES: usize = 1_000_000;

/// Most points a grid may have (the product of its axes' lengths): ten million
/// rows, days of solving even at a millisecond a point. [`Sweep::new`] checks it
/// before it looks at any value.
pub const MAX_GRID_POINTS: usize = 10_000_000;

/// The number of points of a grid of axes of these lengths, or `None` when it
/// is above [`MAX_GRID_POINTS`] (overflow-safe).
pub fn grid_points(lengths: impl IntoIterator<Item = usize>) -> Option<usize> {
    lengths
        .into_iter()
        .try_fold(1usize, |n, len| n.checked_mul(len))
        .filter(|&n| n <= MAX_GRID_POINTS)
}

/// A value for a message: as written for everyday magnitudes, in exponent form
/// (`1e308`) for the others.
fn shown(v: f64) -> String {
    if v != 0.0 && !(1e-6..1e16).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// One swept field and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Field path, e.g. `parameters.carbon_price` (checked against the file by
    /// [`Sweep::new`]).
    pub path: String,
    /// Values, in the order given.
    pub values: Vec<f64>,
}

/// The cartesian product of the axes.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The axes, in the order given.
    pub axes: Vec<Axis>,
}

impl Grid {
    /// Number of points (the product of the axes' lengths).
    pub fn len(&self) -> usize {
        self.axes.iter().map(|a| a.values.len()).product()
    }

    /// Whether the grid has no point.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of point `index`, one per axis (the last axis varies fastest).
    pub fn values(&self, index: usize) -> Vec<f64> {
        let mut rest = index;
        let mut out = vec![0.0; self.axes.len()];
        for (slot, axis) in out.iter_mut().zip(&self.axes).rev() {
            let n = axis.values.len();
            *slot = axis.values[rest % n];
            rest /= n;
        }
        out
    }
}

/// Scalar totals of a point's plan (see `docs/plan-format.md` for each field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowTotals {
    /// Money, CO2 and energy, as in the plan's totals.
    #[serde(flatten)]
    pub figures: Figures,
    /// Links in the plan.
    pub links: usize,
    /// Of which existing today.
    pub existing_links: usize,
}

/// The result of one point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Index of the point in the grid.
    pub point: usize,
    /// Value of each axis, by path, in the order of the axes.
    pub values: serde_json::Map<String, serde_json::Value>,
    /// `optimal`, `time_limit`, `time_limit_no_solution`, `infeasible`, or
    /// `invalid` (these values make the scenario invalid) or `error` (the solver failed).
    pub status: PointStatus,
    /// The solver's objective, currency per year.
    pub objective: Option<f64>,
    /// Relative gap between objective and bound.
    pub gap: Option<f64>,
    /// Totals of the plan (absent without a plan).
    pub totals: Option<RowTotals>,
    /// Chosen links as `from_site/from_output->to_site/to_input@mode`, in plan order.
    #[serde(with = "link_key::as_text")]
    pub chosen: Vec<LinkKey>,
    /// Why there is no plan, for `infeasible` (the constraints that the recorded
    /// flows of existing links exceed, [`super::point::why_no_plan`]) and
    /// `time_limit_no_solution`.
    #[serde(default)]
    pub reason: Option<String>,
    /// What went wrong, for `invalid` and `error`.
    pub error: Option<String>,
    /// Of a scenario with plants, the plants the plan opens as `plant:size`, in
    /// scenario order (absent without plants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plants: Option<Vec<String>>,
}

/// The CSV column of the open plants, before [`CSV_TAIL`], in the rows of a
/// scenario with plants.
const PLANTS_COLUMN: &str = "plants";

/// Names of the last CSV columns.
const CSV_TAIL: [&str; 3] = ["chosen", "reason", "error"];

fn opt(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Row {
    /// The row of a solved point.
    pub(crate) fn from_plan(
        point: usize,
        values: serde_json::Map<String, serde_json::Value>,
        plan: &Plan,
    ) -> Row {
        let t = &plan.totals;
        Row {
            point,
            values,
            status: PointStatus::of(plan.status),
            objective: plan.objective,
            gap: plan.gap,
            totals: plan.status.has_plan().then_some(RowTotals {
                figures: t.figures.clone(),
                links: t.links,
                existing_links: t.existing_links,
            }),
            chosen: plan.links.iter().map(|l| l.key.clone()).collect(),
            reason: super::point::why_no_plan(plan),
            error: None,
            plants: super::point::open_plant_names(plan),
        }
    }

    /// The row as one line (no newline) of the format.
    pub(crate) fn encode(&self, format: Format) -> String {
        match format {
            Format::JsonLines => serde_json::to_string(self).unwrap_or_default(),
            Format::Csv => {
                let mut f: Vec<String> = vec![self.point.to_string()];
                f.extend(self.values.values().map(|v| v.to_string()));
                f.push(self.status.name().to_owned());
                f.push(opt(self.objective));
                f.push(opt(self.gap));
                match &self.totals {
                    Some(t) => {
                        f.extend(t.figures.values().iter().map(|v| v.to_string()));
                        f.push(t.links.to_string());
                        f.push(t.existing_links.to_string());
                    }
                    None => {
                        f.extend(std::iter::repeat(String::new()).take(Figures::NAMES.len() + 2))
                    }
                }
                if let Some(plants) = &self.plants {
                    f.push(plants.join(" "));
                }
                let chosen: Vec<String> = self.chosen.iter().map(LinkKey::to_string).collect();
                f.push(chosen.join(" "));
                f.push(self.reason.clone().unwrap_or_default());
                f.push(self.error.clone().unwrap_or_default());
                f.iter().map(|s| csv_field(s)).collect::<Vec<_>>().join(",")
            }
        }
    }
}

/// The rows of a sweep's CSV (`--format csv`: a rows file or stdout; the
/// fingerprint line that rows files of earlier versions started with is skipped
/// as a comment), or why they are not: the message names the line.
pub fn read_csv(text: &str) -> Result<Vec<Row>, String> {
    use serde_json::{Map, Value};
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    // point, the axes, status, objective, gap, the figures, links,
    // existing_links, (plants,) chosen, reason, error.
    let with_plants =
        header.len() > CSV_TAIL.len() && header[header.len() - CSV_TAIL.len() - 1] == PLANTS_COLUMN;
    let fixed = 1 + 3 + Figures::NAMES.len() + 2 + usize::from(with_plants) + CSV_TAIL.len();
    let axes = header.len().checked_sub(fixed).filter(|_| {
        header.first().is_some_and(|h| h == "point")
            && header[header.len() - CSV_TAIL.len()..] == CSV_TAIL
    });
    let Some(axes) = axes else {
        return Err(format!(
            "its header is not that of a sweep's CSV (point, the swept fields, status, \
             objective, gap, {}, links, existing_links, chosen, reason, error)",
            Figures::NAMES.join(", ")
        ));
    };
    let number = |cell: &str| -> Result<Value, String> {
        if cell.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str::<Value>(cell)
            .ok()
            .filter(Value::is_number)
            .ok_or_else(|| format!("{cell:?} is not a number"))
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |m: String| format!("line {line}: {m}");
        let cells: Vec<&str> = record.iter().collect();
        if cells.len() != header.len() {
            return Err(at(format!(
                "{} fields where the header has {}",
                cells.len(),
                header.len()
            )));
        }
        let mut values = Map::new();
        for (k, path) in header[1..=axes].iter().enumerate() {
            values.insert(path.clone(), number(cells[1 + k]).map_err(at)?);
        }
        let rest = &cells[1 + axes..];
        let figures = &rest[3..3 + Figures::NAMES.len()];
        let totals = if figures.iter().all(|c| c.is_empty()) {
            Value::Null
        } else {
            let mut t = Map::new();
            for (name, cell) in Figures::NAMES.iter().zip(figures) {
                t.insert((*name).to_owned(), number(cell).map_err(at)?);
            }
            let counts = &rest[3 + Figures::NAMES.len()..];
            t.insert("links".into(), number(counts[0]).map_err(at)?);
            t.insert("existing_links".into(), number(counts[1]).map_err(at)?);
            Value::Object(t)
        };
        let tail = &cells[cells.len() - CSV_TAIL.len()..];
        let row = serde_json::json!({
            "point": number(cells[0]).map_err(at)?,
            "values": values,
            "status": rest[0],
            "objective": number(rest[1]).map_err(at)?,
            "gap": number(rest[2]).map_err(at)?,
            "totals": totals,
            "chosen": tail[0].split_whitespace().collect::<Vec<_>>(),
            "reason": (!tail[1].is_empty()).then_some(tail[1]),
            "error": (!tail[2].is_empty()).then_some(tail[2]),
            "plants": with_plants.then(|| {
                cells[cells.len() - CSV_TAIL.len() - 1]
                    .split_whitespace()
                    .collect::<Vec<_>>()
            }),
        });
        rows.push(serde_json::from_value::<Row>(row).map_err(|e| at(e.to_string()))?);
    }
    Ok(rows)
}

/// A sweep ready to run: the scenario file, the grid and the solver options.
#[derive(Debug, Clone)]
pub struct Sweep {
    base: Loaded,
    grid: Grid,
    paths: Vec<FieldPath>,
    options: SolveOptions,
}

impl Sweep {
    /// Checks every axis against the scenario before anything is solved: the
    /// grid may have at most [`MAX_GRID_POINTS`] points and an axis at most
    /// [`MAX_AXIS_VALUES`] values (checked first, before any value), each
    /// path must address a numeric field and each value, set alone in the file,
    /// must give a valid scenario whose network builds (checked on
    /// `options.threads` threads). Errors (of the option `axis`) name the path
    /// and the value. Each point is solved with one thread (points run in
    /// parallel instead).
    pub fn new(base: Loaded, axes: Vec<Axis>, options: SolveOptions) -> Result<Sweep, Error> {
        let bad = |message: String| Error::option("axis", message);
        if axes.is_empty() {
            return Err(bad("a sweep needs at least one swept field".into()));
        }
        if let Some(a) = axes.iter().find(|a| a.values.len() > MAX_AXIS_VALUES) {
            let n = a.values.len();
            return Err(bad(format!(
                "{}: {n} values, more than the {MAX_AXIS_VALUES} an axis may have",
                a.path
            )));
        }
        if grid_points(axes.iter().map(|a| a.values.len())).is_none() {
            return Err(bad(format!(
                "the grid has more than {MAX_GRID_POINTS} points (the product of the axes' lengths)"
            )));
        }
        let pool = Pool::new(options.threads as usize)?;
        let mut paths = Vec::with_capacity(axes.len());
        for (k, a) in axes.iter().enumerate() {
            if axes[..k].iter().any(|b| b.path == a.path) {
                return Err(bad(format!("{}: the path is swept twice", a.path)));
            }
            let path = FieldPath::new(&base, &a.path).map_err(|e| bad(e.to_string()))?;
            // Each value on its own, on the run's threads; the first bad value
            // in the order given is reported.
            let checked = pool.map(&a.values, |&v| {
                let one = [(path.clone(), v)];
                let scenario = scenario_at(&base, &one).map_err(|e| {
                    let e = e.to_string();
                    bad(format!("{} = {}: {}", a.path, shown(v), e.trim_end()))
                })?;
                crate::network::build(&scenario)
                    .map(|_| ())
                    .map_err(|e| bad(format!("{} = {}: {e}", a.path, shown(v))))
            });
            checked.into_iter().collect::<Result<(), Error>>()?;
            paths.push(path);
        }
        let grid = Grid { axes };
        Ok(Sweep {
            base,
            grid,
            paths,
            options: options.one_thread(),
        })
    }

    /// The grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The axis values of point `index`, by path.
    pub fn values(&self, index: usize) -> serde_json::Map<String, serde_json::Value> {
        self.grid
            .axes
            .iter()
            .zip(self.grid.values(index))
            .map(|(a, v)| (a.path.clone(), serde_json::Value::from(v)))
            .collect()
    }

    /// The CSV header line (point, the axes' paths, then the results).
    pub(crate) fn csv_header(&self) -> String {
        std::iter::once("point")
            .chain(self.grid.axes.iter().map(|a| a.path.as_str()))
            .chain(["status", "objective", "gap"])
            .chain(Figures::NAMES)
            .chain(["links", "existing_links"])
            .chain((!self.base.plants.is_empty()).then_some(PLANTS_COLUMN))
            .chain(CSV_TAIL)
            .map(csv_field)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Solves point `index` (validation or solver failures become the row's status).
    pub fn point(&self, index: usize) -> Row {
        let values = self.values(index);
        let set: Vec<(FieldPath, f64)> = self
            .paths
            .iter()
            .cloned()
            .zip(self.grid.values(index))
            .collect();
        match solve_point(&self.base, &set, &self.options) {
            Ok(p) => Row::from_plan(index, values, &p.plan),
            Err(e) => Row {
                point: index,
                values,
                status: PointStatus::of_error(&e),
                objective: None,
                gap: None,
                totals: None,
                chosen: Vec::new(),
                reason: None,
                error: Some(e.to_string().trim_end().to_owned()),
                plants: (!self.base.plants.is_empty()).then(Vec::new),
            },
        }
    }
}

impl Batch for Sweep {
    type Row = Row;

    fn points(&self) -> usize {
        self.grid.len()
    }

    fn header(&self, format: Format) -> Option<String> {
        format.has_header().then(|| self.csv_header())
    }

    /// The scenario, the axes (paths and the exact values, in order) and the
    /// solver options.
    fn fingerprint(&self) -> Fingerprint {
        let mut grid = String::from("sweep");
        for a in &self.grid.axes {
            grid.push('\n');
            grid.push_str(&a.path);
            for v in &a.values {
                grid.push_str(&format!(" {:016x}", v.to_bits()));
            }
        }
        Fingerprint::new(&self.base, &grid, &self.options)
    }

    fn solve(&self, p: usize) -> Row {
        self.point(p)
    }

    fn status(&self, row: &Row) -> PointStatus {
        row.status
    }

    fn encode(&self, row: &Row, format: Format) -> String {
        row.encode(format)
    }

    /// Whether a row read back from an output file is point `index` of this
    /// sweep (same axes and values), for resuming.
    fn check_row(&self, format: Format, index: usize, line: &str) -> Result<(), String> {
        if index >= self.grid.len() {
            return Err(format!(
                "point {index} is beyond this grid of {} points",
                self.grid.len()
            ));
        }
        let expected = self.values(index);
        let found: Vec<String> = match format {
            Format::JsonLines => {
                let row: Row =
                    serde_json::from_str(line).map_err(|e| format!("not a sweep row: {e}"))?;
                if row.values.keys().ne(expected.keys()) {
                    return Err("it sweeps other fields".into());
                }
                row.values.values().map(|v| v.to_string()).collect()
            }
            Format::Csv => line
                .split(',')
                .skip(1)
                .take(expected.len())
                .map(str::to_owned)
                .collect(),
        };
        let want: Vec<String> = expected.values().map(|v| v.to_string()).collect();
        if found != want {
            return Err(format!(
                "point {index} has values {} but this sweep gives it {}",
                found.join(", "),
                want.join(", ")
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_points_vary_the_last_axis_fastest() {
        let g = Grid {
            axes: vec![
                Axis {
                    path: "a".into(),
                    values: vec![1.0, 2.0],
                },
                Axis {
                    path: "b".into(),
                    values: vec![10.0, 20.0, 30.0],
                },
            ],
        };
        assert_eq!(g.len(), 6);
        let all: Vec<Vec<f64>> = (0..6).map(|k| g.values(k)).collect();
        assert_eq!(
            all,
            vec![
                vec![1.0, 10.0],
                vec![1.0, 20.0],
                vec![1.0, 30.0],
                vec![2.0, 10.0],
                vec![2.0, 20.0],
                vec![2.0, 30.0]
            ]
        );
    }
}
