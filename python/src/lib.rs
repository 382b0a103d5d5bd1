//! The native part of the `symbio` Python package (`symbio._symbio`): a thin
//! layer over the library's public API. Documents cross as JSON text and rows
//! as CSV text, exactly as the command line writes them; the Python side
//! (`python/symbio/`) turns them into dicts and pandas DataFrames.
//!
//! Every call that solves runs on a thread of its own while the calling thread
//! waits without the GIL ([`unlocked`]); a KeyboardInterrupt seen while it waits
//! sets the library's stop flag, so that a solve keeps its best plan and a sweep
//! its finished rows, as the command line does on Ctrl-C.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use symbio::analysis::allocation::ShapleyOptions;
use symbio::analysis::batch::{run_batch, Destination, Format, Progress, RunOptions};
use symbio::analysis::breakeven::{self, BreakevenOptions};
use symbio::analysis::compare::{compare, CompareOptions, Variant};
use symbio::analysis::montecarlo::{self, MonteCarloOptions};
use symbio::analysis::pareto::{self, ParetoOptions};
use symbio::analysis::sweep::{Axis, Sweep};
use symbio::scenario::load::{self, Loaded};
use symbio::scenario::path::FieldPath;
use symbio::scenario::sheets::{self, Cell, ImportOptions, Sheet};
use symbio::{Control, Error, SolveOptions};

/// How often the waiting thread looks for a KeyboardInterrupt.
const POLL: Duration = Duration::from_millis(50);

/// The library's JSON of a document: pretty, with a final newline, as the
/// command line writes it with `--format json`.
fn to_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| PyValueError::new_err(format!("cannot write JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// A problem as the Python side takes it: file, field path, id, message, and
/// line and column for syntax errors.
type ProblemTuple = (
    String,
    String,
    Option<String>,
    String,
    Option<(usize, usize)>,
);

/// The Python exception of a library error: an instance of the class of
/// `symbio.errors` that the error's kind names, made there.
fn raise(py: Python<'_>, e: Error) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let errors = py.import("symbio.errors")?;
        let message = e.to_string();
        let (class, problems): (&str, Vec<ProblemTuple>) = match &e {
            Error::Invalid(p) => (
                "ScenarioError",
                p.0.iter()
                    .map(|p| {
                        (
                            p.file.display().to_string(),
                            p.path.clone(),
                            p.id.clone(),
                            p.message.clone(),
                            p.line_col,
                        )
                    })
                    .collect(),
            ),
            Error::InvalidOption { .. } => ("OptionError", Vec::new()),
            Error::Io { .. } | Error::Refused { .. } => ("ReadError", Vec::new()),
            Error::NoPlan(_) => ("NoPlanError", Vec::new()),
            Error::Solver(_) => ("SolverError", Vec::new()),
            _ => ("SymbioError", Vec::new()),
        };
        let option = match &e {
            Error::InvalidOption { option, .. } => Some(option.clone()),
            _ => None,
        };
        let instance = errors
            .getattr("_make")?
            .call1((class, message, problems, option))?;
        Ok(PyErr::from_value(instance))
    })();
    made.unwrap_or_else(|err| err)
}

/// Runs `work` on a thread of its own while this one waits without the GIL,
/// looking for signals every [`POLL`]. The first KeyboardInterrupt (or other
/// error a signal handler raises) sets `stop` and is returned beside the
/// result, once `work` has ended.
fn unlocked<T: Send>(
    py: Python<'_>,
    stop: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    let (done, ended) = mpsc::channel::<()>();
    let ended = Mutex::new(ended);
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let result = work();
            drop(done);
            result
        });
        let mut signal = None;
        loop {
            let finished = py.detach(|| {
                ended.lock().map_or(true, |e| {
                    matches!(
                        e.recv_timeout(POLL),
                        Err(mpsc::RecvTimeoutError::Disconnected) | Ok(())
                    )
                })
            });
            if finished {
                break;
            }
            if signal.is_none() {
                if let Err(e) = py.check_signals() {
                    stop.store(true, Ordering::SeqCst);
                    signal = Some(e);
                }
            }
        }
        match worker.join() {
            Ok(result) => (result, signal),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// A Python callable told of a run's progress from the run's threads: the
/// first exception it raises sets the run's stop flag and is kept, to be raised
/// once the run has ended.
struct Watcher<'a> {
    callback: Option<Py<PyAny>>,
    stop: &'a AtomicBool,
    failed: Mutex<Option<PyErr>>,
}

impl<'a> Watcher<'a> {
    fn new(callback: Option<Py<PyAny>>, stop: &'a AtomicBool) -> Self {
        Watcher {
            callback,
            stop,
            failed: Mutex::new(None),
        }
    }

    /// Calls the callable, if any, with `args` (the GIL taken for the call).
    fn tell<A: for<'py> pyo3::call::PyCallArgs<'py>>(&self, args: A) {
        let Some(callback) = &self.callback else {
            return;
        };
        Python::attach(|py| {
            if let Err(e) = callback.call1(py, args) {
                self.stop.store(true, Ordering::SeqCst);
                if let Ok(mut f) = self.failed.lock() {
                    f.get_or_insert(e);
                }
            }
        });
    }

    /// The exception the callable raised, if it raised one.
    fn failure(&self) -> Option<PyErr> {
        self.failed.lock().ok().and_then(|mut f| f.take())
    }
}

/// Solver options from the keyword arguments of a Python call, checked as the
/// command line checks its flags (the error names the argument).
fn solve_options(time_limit: Option<f64>, gap: f64, threads: u32) -> PyResult<SolveOptions> {
    if !(gap.is_finite() && gap >= 0.0) {
        return Err(PyValueError::new_err(format!(
            "gap must be a number ≥ 0, got {gap}"
        )));
    }
    if let Some(t) = time_limit {
        if !(t.is_finite() && t > 0.0) {
            return Err(PyValueError::new_err(format!(
                "time_limit must be a number of seconds > 0, got {t}"
            )));
        }
    }
    if threads == 0 {
        return Err(PyValueError::new_err("threads must be at least 1"));
    }
    Ok(SolveOptions {
        time_limit,
        gap,
        threads,
        ..SolveOptions::default()
    })
}

/// A sheet as Python holds it: its name and its rows (the header first), each
/// cell None, a number, a text or a bool.
type PySheet<'py> = (String, Vec<Vec<Bound<'py, PyAny>>>);

/// A scenario: the file as written (includes merged) and its validated domain.
#[pyclass(module = "symbio._symbio", frozen)]
struct NativeScenario {
    loaded: Loaded,
    scenario: Arc<symbio::Scenario>,
}

impl NativeScenario {
    fn of(py: Python<'_>, loaded: Loaded) -> PyResult<NativeScenario> {
        let scenario = py
            .detach(|| symbio::scenario::validate::validate(&loaded))
            .map_err(|e| raise(py, e))?;
        Ok(NativeScenario {
            loaded,
            scenario: Arc::new(scenario),
        })
    }
}

/// A Python cell of a frame: None, a bool, a number or a text.
fn cell(value: &Bound<'_, PyAny>) -> PyResult<Cell> {
    if value.is_none() {
        return Ok(Cell::Empty);
    }
    if let Ok(b) = value.extract::<bool>() {
        return Ok(Cell::Bool(b));
    }
    if let Ok(v) = value.extract::<f64>() {
        return Ok(if v.is_nan() {
            Cell::Empty
        } else {
            Cell::Number(v)
        });
    }
    if let Ok(t) = value.extract::<String>() {
        return Ok(Cell::Text(t));
    }
    Ok(Cell::Other(format!(
        "a {}",
        value
            .get_type()
            .name()
            .map_or("value".into(), |n| n.to_string())
    )))
}

#[pymethods]
impl NativeScenario {
    /// Loads a scenario file (TOML, or JSON when it ends in .json).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<NativeScenario> {
        let loaded = py.detach(|| load::load(&path)).map_err(|e| raise(py, e))?;
        Self::of(py, loaded)
    }

    /// A scenario from the text of a file, read as if it were the file at
    /// `path` (JSON when it ends in .json; includes relative to it).
    #[staticmethod]
    fn from_text(py: Python<'_>, text: &str, path: PathBuf) -> PyResult<NativeScenario> {
        let loaded = load::load_str(&path, text).map_err(|e| raise(py, e))?;
        Self::of(py, loaded)
    }

    /// A scenario from sheets, as `symbio import` reads a workbook: each sheet
    /// a name and its rows (the header first), problems named at `book: SHEET!CELL`.
    /// Returns the scenario and the text of the scenario file written.
    #[staticmethod]
    fn from_sheets(
        py: Python<'_>,
        sheets: Vec<PySheet<'_>>,
        book: PathBuf,
        written_as: PathBuf,
        includes: Vec<String>,
    ) -> PyResult<(NativeScenario, String)> {
        let sheets = sheets
            .into_iter()
            .map(|(name, rows)| {
                let rows = rows
                    .iter()
                    .map(|r| r.iter().map(cell).collect::<PyResult<Vec<Cell>>>())
                    .collect::<PyResult<Vec<Vec<Cell>>>>()?;
                Ok(Sheet {
                    name,
                    origin: (0, 0),
                    rows,
                })
            })
            .collect::<PyResult<Vec<Sheet>>>()?;
        let options = ImportOptions {
            includes,
            ..ImportOptions::default()
        };
        let imported = sheets::import_sheets(&book, &sheets, &written_as, &options)
            .map_err(|e| raise(py, e))?;
        let loaded = load::load_str(&written_as, &imported.text).map_err(|e| raise(py, e))?;
        Ok((Self::of(py, loaded)?, imported.text))
    }

    /// The sheets `symbio export` writes of the scenario (includes merged): each
    /// a name and its rows, the header first; a cell is None, a number, a
    /// text or a bool.
    fn sheets<'py>(&self, py: Python<'py>) -> PyResult<Vec<PySheet<'py>>> {
        let sheets = sheets::export(&self.loaded, &self.scenario).map_err(|e| raise(py, e))?;
        let value = |c: &Cell| -> PyResult<Bound<'py, PyAny>> {
            Ok(match c {
                Cell::Empty => py.None().into_bound(py),
                Cell::Number(v) => v.into_pyobject(py)?.into_any(),
                Cell::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
                Cell::Text(t) | Cell::Other(t) => t.into_pyobject(py)?.into_any(),
            })
        };
        sheets
            .iter()
            .map(|s| {
                let rows = s
                    .rows
                    .iter()
                    .map(|r| r.iter().map(value).collect::<PyResult<Vec<_>>>())
                    .collect::<PyResult<Vec<_>>>()?;
                Ok((s.name.clone(), rows))
            })
            .collect()
    }

    /// The file the scenario was loaded from (or is read as).
    #[getter]
    fn path(&self) -> PathBuf {
        self.loaded.root.to_path_buf()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.scenario.name.clone()
    }

    /// The scenario's currency.
    #[getter]
    fn currency(&self) -> String {
        self.scenario.currency.clone()
    }

    /// The value of a numeric field by its path (None when unset).
    fn get(&self, path: &str) -> PyResult<Option<f64>> {
        let p =
            FieldPath::new(&self.loaded, path).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(p.get(&self.loaded))
    }

    /// A copy with numeric fields set by path, validated again.
    fn with_values(&self, py: Python<'_>, values: Vec<(String, f64)>) -> PyResult<NativeScenario> {
        let paths = values
            .iter()
            .map(|(p, v)| {
                FieldPath::new(&self.loaded, p)
                    .map(|p| (p, *v))
                    .map_err(|e| raise(py, Error::option("values", e.to_string())))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let loaded = self
            .loaded
            .with(&paths)
            .map_err(|e| raise(py, Error::option("values", e.to_string())))?;
        Self::of(py, loaded)
    }

    /// The summary of `symbio check --format json`, as JSON.
    fn check(&self, py: Python<'_>) -> PyResult<String> {
        let report = py
            .detach(|| symbio::check::summary(&self.loaded, &self.scenario))
            .map_err(|e| raise(py, e))?;
        to_json(&report)
    }

    /// Solves the scenario. Returns the plan and whether a KeyboardInterrupt
    /// stopped the search (the plan is then the best known, status time_limit).
    #[pyo3(signature = (time_limit=None, gap=1e-2, threads=1, decompose=true, progress=None))]
    fn solve(
        &self,
        py: Python<'_>,
        time_limit: Option<f64>,
        gap: f64,
        threads: u32,
        decompose: bool,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<(NativePlan, Option<Py<PyAny>>)> {
        let options = SolveOptions {
            decompose,
            ..solve_options(time_limit, gap, threads)?
        };
        let stop = AtomicBool::new(false);
        let watcher = Watcher::new(progress, &stop);
        let tell = |best: Option<f64>, bound: Option<f64>| {
            let gap = match (best, bound) {
                (Some(b), Some(u)) if b.abs() > 0.0 => Some((u - b).abs() / b.abs()),
                _ => None,
            };
            watcher.tell((best, bound, gap));
        };
        let scenario = &self.scenario;
        let (plan, signal) = unlocked(py, &stop, || {
            let control = Control {
                stop: Some(&stop),
                progress: watcher.callback.is_some().then_some(&tell as _),
            };
            symbio::solve_controlled(scenario, &options, control)
        });
        if let Some(e) = watcher.failure() {
            return Err(e);
        }
        let plan = plan.map_err(|e| raise(py, e))?;
        let native = NativePlan {
            plan,
            scenario: scenario.clone(),
        };
        Ok((native, signal.map(|e| e.into_value(py).into_any())))
    }
}

/// A solved plan and the scenario it was solved from.
#[pyclass(module = "symbio._symbio", frozen)]
struct NativePlan {
    plan: symbio::Plan,
    scenario: Arc<symbio::Scenario>,
}

#[pymethods]
impl NativePlan {
    /// The plan as `symbio solve --format json` writes it.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.plan)
    }

    /// A GeoJSON FeatureCollection of the sites and links (needs lat/lon).
    fn to_geojson(&self) -> PyResult<String> {
        symbio::report::geojson::collection(&self.plan, &self.scenario)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// CSV rows, as `symbio solve --format csv [--table TABLE]` writes them.
    fn to_csv(&self, table: &str) -> PyResult<String> {
        use symbio::report::csv;
        match table {
            "links" => csv::links(&self.plan, &self.scenario),
            "sites" => csv::sites(&self.plan),
            "plants" => csv::plants(&self.plan, &self.scenario),
            "limits" => csv::limits(&self.plan),
            "periods" => csv::periods(&self.plan),
            "stores" => csv::stores(&self.plan),
            other => {
                return Err(PyValueError::new_err(format!(
                    "table must be \"links\", \"sites\", \"plants\", \"limits\", \
                     \"periods\" or \"stores\", got {other:?}"
                )))
            }
        }
        .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The HTML page of `symbio report` for this plan.
    fn report_html(&self) -> String {
        let contents = symbio::report::html::Contents {
            plan: Some((&self.plan, &self.scenario)),
            ..Default::default()
        };
        symbio::report::html::page(&contents)
    }
}

/// Runs a sweep: every point of the grid of `axes`, rows as `symbio sweep
/// --format csv` writes them, `progress(done, total)` told after each point.
/// Returns the lines (the header first), whether every point is done, and the
/// KeyboardInterrupt that stopped it, if one did.
#[pyfunction]
#[pyo3(signature = (scenario, axes, time_limit=None, gap=1e-2, threads=1, progress=None))]
fn sweep(
    py: Python<'_>,
    scenario: &NativeScenario,
    axes: Vec<(String, Vec<f64>)>,
    time_limit: Option<f64>,
    gap: f64,
    threads: u32,
    progress: Option<Py<PyAny>>,
) -> PyResult<(Vec<String>, bool, Option<Py<PyAny>>)> {
    let options = solve_options(time_limit, gap, threads)?;
    let axes = axes
        .into_iter()
        .map(|(path, values)| Axis { path, values })
        .collect();
    let stop = AtomicBool::new(false);
    let watcher = Watcher::new(progress, &stop);
    let loaded = &scenario.loaded;
    let (result, signal) = unlocked(py, &stop, || {
        let sweep = Sweep::new(loaded.clone(), axes, options)?;
        let mut lines = Vec::new();
        let mut keep = |line: &str| {
            lines.push(line.to_owned());
            true
        };
        let run = RunOptions {
            threads: threads as usize,
            format: Format::Csv,
            shard: None,
            stop: &stop,
            writing: None,
        };
        let told = |p: Progress| watcher.tell((p.done, p.total));
        run_batch(&sweep, Destination::Lines(&mut keep), &run, told).map(|r| (lines, r))
    });
    if let Some(e) = watcher.failure() {
        return Err(e);
    }
    let (lines, report) = result.map_err(|e| raise(py, e))?;
    let complete = report.complete();
    Ok((lines, complete, signal.map(|e| e.into_value(py).into_any())))
}

/// Runs `work` without the GIL and returns the JSON of what it gives; a
/// KeyboardInterrupt while it runs is raised once it ends (these analyses have
/// no stop of their own).
fn analysis<T: Send + serde::Serialize>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<String> {
    let stop = AtomicBool::new(false);
    let (result, signal) = unlocked(py, &stop, work);
    if let Some(e) = signal {
        return Err(e);
    }
    to_json(&result.map_err(|e| raise(py, e))?)
}

/// `symbio compare` as JSON; `shapley` (exact limit, samples, seed) asks for
/// the Shapley value of every site (`--allocation shapley`).
#[pyfunction]
#[pyo3(signature = (scenario, variants, supplier_share=0.5, individually_rational=false, shapley=None, time_limit=None, gap=1e-2, threads=1))]
#[allow(clippy::too_many_arguments)]
fn compare_json(
    py: Python<'_>,
    scenario: &NativeScenario,
    variants: Vec<String>,
    supplier_share: f64,
    individually_rational: bool,
    shapley: Option<(usize, usize, u64)>,
    time_limit: Option<f64>,
    gap: f64,
    threads: u32,
) -> PyResult<String> {
    let solve = solve_options(time_limit, gap, threads)?;
    let variants = variants
        .iter()
        .map(|v| match v.as_str() {
            "brownfield" => Ok(Variant::Brownfield),
            "greenfield" => Ok(Variant::Greenfield),
            other => Err(PyValueError::new_err(format!(
                "a variant is \"brownfield\" or \"greenfield\", got {other:?}"
            ))),
        })
        .collect::<PyResult<Vec<_>>>()?;
    let shapley = shapley.map(|(exact_limit, samples, seed)| ShapleyOptions {
        exact_limit,
        samples,
        seed,
        threads: threads as usize,
        solve,
    });
    if let Some(o) = &shapley {
        o.check().map_err(|e| raise(py, e))?;
    }
    let s = &scenario.scenario;
    let options = CompareOptions {
        solve,
        threads: threads as usize,
        variants,
        supplier_share,
        shapley,
        individually_rational,
    };
    analysis(py, || compare(s, &options))
}

/// `symbio pareto --format json`.
#[pyfunction]
#[pyo3(signature = (scenario, points=11, time_limit=None, gap=1e-6, threads=1))]
fn pareto_json(
    py: Python<'_>,
    scenario: &NativeScenario,
    points: usize,
    time_limit: Option<f64>,
    gap: f64,
    threads: u32,
) -> PyResult<String> {
    let solve = solve_options(time_limit, gap, threads)?;
    let s = &scenario.scenario;
    let options = ParetoOptions {
        points,
        threads: threads as usize,
        solve,
    };
    analysis(py, || pareto::front(s, &options))
}

/// `symbio breakeven --format json`.
#[pyfunction]
#[pyo3(signature = (scenario, param, start, end, steps=20, tol=None, time_limit=None, gap=1e-6, threads=1))]
#[allow(clippy::too_many_arguments)]
fn breakeven_json(
    py: Python<'_>,
    scenario: &NativeScenario,
    param: String,
    start: f64,
    end: f64,
    steps: usize,
    tol: Option<f64>,
    time_limit: Option<f64>,
    gap: f64,
    threads: u32,
) -> PyResult<String> {
    let solve = solve_options(time_limit, gap, threads)?;
    let loaded = &scenario.loaded;
    let options = BreakevenOptions {
        param,
        from: start,
        to: end,
        steps,
        tol: tol.unwrap_or((end - start) / 10_000.0),
        threads: threads as usize,
        solve,
    };
    analysis(py, || breakeven::search(loaded, &options))
}

/// `symbio montecarlo --format json`.
#[pyfunction]
#[pyo3(signature = (scenario, samples=100, seed=0, time_limit=None, gap=1e-2, threads=1))]
fn montecarlo_json(
    py: Python<'_>,
    scenario: &NativeScenario,
    samples: usize,
    seed: u64,
    time_limit: Option<f64>,
    gap: f64,
    threads: u32,
) -> PyResult<String> {
    let solve = solve_options(time_limit, gap, threads)?;
    let loaded = &scenario.loaded;
    let options = MonteCarloOptions {
        samples,
        seed,
        threads: threads as usize,
        solve,
    };
    analysis(py, || montecarlo::run(loaded, &options))
}

/// The version of the package.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _symbio(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeScenario>()?;
    m.add_class::<NativePlan>()?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(compare_json, m)?)?;
    m.add_function(wrap_pyfunction!(pareto_json, m)?)?;
    m.add_function(wrap_pyfunction!(breakeven_json, m)?)?;
    m.add_function(wrap_pyfunction!(montecarlo_json, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
