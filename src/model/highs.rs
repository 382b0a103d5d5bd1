//! The HiGHS adapter: the one place where solver options are set, the model is
//! handed to HiGHS, its status is mapped to a [`Status`] and column values are read.

use std::ffi::{c_char, c_int, c_void, CString};
use std::path::Path;
use std::sync::atomic::Ordering;

use highs::HighsModelStatus;
use highs_sys::{HighsCallbackDataIn, HighsCallbackDataOut};

use super::milp::{Column, Milp, Row, Sense, Solved};
use super::options::Control;
use super::solution::{ModelSize, Status};
use crate::error::Error;

/// What a MILP's run asks of HiGHS: the options symbio sets, decided by the
/// search, never by the adapter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HighsOptions {
    /// HiGHS's `time_limit`, seconds (none: no limit).
    pub time_limit: Option<f64>,
    /// HiGHS's `mip_max_nodes`, branch-and-bound nodes (none: no limit).
    pub nodes: Option<u32>,
    /// HiGHS's `mip_rel_gap`.
    pub gap: f64,
    /// HiGHS's `threads` (at least 1).
    pub threads: u32,
    /// Whether HiGHS's feasibility-jump heuristic runs
    /// (`mip_heuristic_run_feasibility_jump`; HiGHS's default is on).
    pub feasibility_jump: bool,
}

/// The HiGHS model of a MILP, before any option is set: its arrays handed to
/// HiGHS as they are (the matrix row-wise), then dropped.
fn model_of(milp: Milp) -> Result<highs::Model, Error> {
    let count = |n: usize| {
        c_int::try_from(n).map_err(|_| {
            Error::Solver(format!(
                "the model has {n} columns, rows or entries, more than HiGHS can index"
            ))
        })
    };
    let (columns, rows, nonzeros) = (
        count(milp.columns())?,
        count(milp.rows())?,
        count(milp.index.len())?,
    );
    // Every start and column index is at most `nonzeros` or `columns`, which fit.
    let starts: Vec<c_int> = milp.starts[..milp.rows()]
        .iter()
        .map(|&s| s as c_int)
        .collect();
    let index: Vec<c_int> = milp.index.iter().map(|&c| c as c_int).collect();
    let integrality: Option<Vec<c_int>> = milp.integer.iter().any(|&i| i).then(|| {
        milp.integer
            .iter()
            .map(|&i| {
                if i {
                    highs_sys::kHighsVarTypeInteger
                } else {
                    highs_sys::kHighsVarTypeContinuous
                }
            })
            .collect()
    });
    let sense = match milp.sense {
        Sense::Maximise => highs_sys::kHighsObjSenseMaximize,
        Sense::Minimise => highs_sys::kHighsObjSenseMinimize,
    };
    // An empty model, which the arrays then replace.
    let mut model = highs::Model::try_new(highs::ColProblem::default())
        .map_err(|e| Error::Solver(format!("HiGHS could not start: {e:?}")))?;
    let ptr = model.as_mut_ptr();
    // SAFETY: `ptr` is the live HiGHS instance of `model`; every array holds as
    // many elements as the counts say (columns, rows, nonzeros), and HiGHS
    // copies them before returning.
    let status = unsafe {
        highs_sys::Highs_passMip(
            ptr,
            columns,
            rows,
            nonzeros,
            highs_sys::kHighsMatrixFormatRowwise,
            sense,
            0.0,
            milp.cost.as_ptr(),
            milp.lower.as_ptr(),
            milp.upper.as_ptr(),
            milp.row_lower.as_ptr(),
            milp.row_upper.as_ptr(),
            starts.as_ptr(),
            index.as_ptr(),
            milp.value.as_ptr(),
            integrality
                .as_ref()
                .map_or(std::ptr::null(), |i| i.as_ptr()),
        )
    };
    if status == highs_sys::kHighsStatusError {
        return Err(Error::Solver("HiGHS refused the model".into()));
    }
    Ok(model)
}

/// Hands a MILP to HiGHS without solving it: its columns, rows and nonzeros
/// as HiGHS holds them (for measuring what building a model costs).
pub(crate) fn load(milp: Milp) -> Result<ModelSize, Error> {
    let mut model = model_of(milp)?;
    let ptr = model.as_mut_ptr();
    // SAFETY: `ptr` is the live HiGHS instance of `model`.
    let (columns, rows, nonzeros) = unsafe {
        (
            highs_sys::Highs_getNumCol(ptr),
            highs_sys::Highs_getNumRow(ptr),
            highs_sys::Highs_getNumNz(ptr),
        )
    };
    let count = |n: c_int| usize::try_from(n).unwrap_or(0);
    Ok(ModelSize {
        columns: count(columns),
        rows: count(rows),
        nonzeros: count(nonzeros),
    })
}

/// Writes a MILP as HiGHS would be given it, in the format of the file's
/// extension (`.mps` or `.lp`, as HiGHS writes them).
pub(crate) fn export(milp: Milp, path: &Path) -> Result<(), Error> {
    let mut model = model_of(milp)?;
    set_option(&mut model, "output_flag", false)?;
    let name = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| {
        Error::option(
            "export_model",
            format!("{}: not a file name", path.display()),
        )
    })?;
    // SAFETY: `model` owns a live HiGHS instance and `name` is a NUL-terminated string.
    let status = unsafe { highs_sys::Highs_writeModel(model.as_mut_ptr(), name.as_ptr()) };
    if status == highs_sys::kHighsStatusError {
        return Err(Error::Solver(format!(
            "HiGHS could not write {}",
            path.display()
        )));
    }
    Ok(())
}

/// What the search's callback reaches: the caller's stop flag and observer.
struct Hooks<'a> {
    control: Control<'a>,
}

/// HiGHS's callback during a MIP search: stops it when the stop flag is set and
/// tells the observer of every new incumbent and of the logging ticks.
///
/// # Safety
/// HiGHS calls it with valid `out` and `inp` pointers for the callback's kind and
/// the `data` given to `Highs_setCallback`, a `Hooks` that outlives the solve.
unsafe extern "C" fn on_event(
    kind: c_int,
    _message: *const c_char,
    out: *const HighsCallbackDataOut,
    inp: *mut HighsCallbackDataIn,
    data: *mut c_void,
) {
    // A panic must not cross into C++.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: see the function's contract.
        let hooks = unsafe { &*(data as *const Hooks<'_>) };
        if kind == highs_sys::kHighsCallbackMipInterrupt as c_int {
            if let (Some(stop), false) = (hooks.control.stop, inp.is_null()) {
                if stop.load(Ordering::SeqCst) {
                    // SAFETY: `inp` is HiGHS's input block for this callback.
                    unsafe { (*inp).user_interrupt = 1 };
                }
            }
        } else if let (Some(observe), false) = (hooks.control.progress, out.is_null()) {
            // SAFETY: `out` is HiGHS's output block for this callback.
            let (primal, dual) = unsafe { ((*out).mip_primal_bound, (*out).mip_dual_bound) };
            observe(
                primal.is_finite().then_some(primal),
                dual.is_finite().then_some(dual),
            );
        }
    }));
}

/// The optimum of a linear program (no integer columns): its objective,
/// column values and row duals.
pub(crate) struct Lp {
    /// The objective value.
    pub objective: f64,
    /// The value of each column, in creation order.
    columns: Vec<f64>,
    /// The dual value of each row, in creation order.
    duals: Vec<f64>,
}

impl Lp {
    /// The value of a column.
    pub fn value(&self, c: Column) -> f64 {
        self.columns[c.index]
    }

    /// The dual value of a row, as HiGHS reports it (for a maximisation, a
    /// binding `≤` row has a dual ≥ 0: the objective gained per unit of its
    /// right-hand side).
    pub fn dual(&self, r: Row) -> f64 {
        self.duals[r.index]
    }

    /// The dual value of every row, in creation order.
    pub fn duals(&self) -> &[f64] {
        &self.duals
    }
}

/// Solves a linear program to optimality; `None` when it is infeasible,
/// unbounded or stopped by the time limit.
pub(crate) fn solve_lp(lp: Milp, time_limit: Option<f64>) -> Result<Option<Lp>, Error> {
    WarmLp::new(lp)?.solve(time_limit)
}

/// An LP solved again after rows are added, each time from the basis of its
/// last solve (HiGHS's dual simplex restarts from it), for rounds of cuts.
pub(crate) struct WarmLp {
    /// The model; `None` only while it is being solved.
    model: Option<highs::Model>,
}

impl WarmLp {
    /// The LP of `lp` (its integrality is ignored if it has none), one thread.
    pub fn new(lp: Milp) -> Result<WarmLp, Error> {
        let mut model = model_of(lp)?;
        set_option(&mut model, "threads", 1)?;
        set_option(&mut model, "random_seed", 0)?;
        Ok(WarmLp { model: Some(model) })
    }

    /// Adds the rows of `rows`, whose entries name columns of the LP (`rows`
    /// itself has no columns).
    pub fn add_rows(&mut self, rows: &Milp) -> Result<(), Error> {
        let model = self.model.as_mut().ok_or_else(lost)?;
        let count = |n: usize| {
            c_int::try_from(n).map_err(|_| {
                Error::Solver(format!("{n} rows or entries are more than HiGHS can index"))
            })
        };
        let (n, nonzeros) = (count(rows.rows())?, count(rows.index.len())?);
        // Every start and column index is at most `nonzeros` or a column of the LP.
        let starts: Vec<c_int> = rows.starts[..rows.rows()]
            .iter()
            .map(|&s| s as c_int)
            .collect();
        let index: Vec<c_int> = rows.index.iter().map(|&c| c as c_int).collect();
        // SAFETY: the pointer is the live HiGHS instance of `model`; the arrays
        // hold `n` bounds and starts and `nonzeros` entries, and HiGHS copies them.
        let status = unsafe {
            highs_sys::Highs_addRows(
                model.as_mut_ptr(),
                n,
                rows.row_lower.as_ptr(),
                rows.row_upper.as_ptr(),
                nonzeros,
                starts.as_ptr(),
                index.as_ptr(),
                rows.value.as_ptr(),
            )
        };
        if status == highs_sys::kHighsStatusError {
            return Err(Error::Solver("HiGHS refused the rows".into()));
        }
        Ok(())
    }

    /// Solves the LP within `time_limit` seconds (of this solve alone); `None`
    /// without an optimum.
    pub fn solve(&mut self, time_limit: Option<f64>) -> Result<Option<Lp>, Error> {
        let mut model = self.model.take().ok_or_else(lost)?;
        set_option(
            &mut model,
            "time_limit",
            time_limit.unwrap_or(f64::INFINITY),
        )?;
        // HiGHS's clock adds up its runs, and its time limit is on the sum.
        // SAFETY: the pointer is the live HiGHS instance of `model`.
        unsafe { highs_sys::Highs_zeroAllClocks(model.as_mut_ptr()) };
        scheduler_for(1);
        let solved = model
            .try_solve()
            .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
        let lp = (solved.status() == HighsModelStatus::Optimal).then(|| {
            let solution = solved.get_solution();
            Lp {
                objective: solved.objective_value(),
                columns: solution.columns().to_vec(),
                duals: solution.dual_rows().to_vec(),
            }
        });
        let mut model: highs::Model = solved.into();
        // SAFETY: the pointer is the live HiGHS instance of `model`.
        let (columns, rows) = unsafe {
            let ptr = model.as_mut_ptr();
            (
                highs_sys::Highs_getNumCol(ptr),
                highs_sys::Highs_getNumRow(ptr),
            )
        };
        self.model = Some(model);
        if let Some(lp) = &lp {
            // Every row and column is read by its handle: a short answer is
            // a failure, never a quiet zero.
            let count = |n: c_int| usize::try_from(n).unwrap_or(0);
            if lp.duals.len() != count(rows) || lp.columns.len() != count(columns) {
                return Err(Error::Solver(format!(
                    "HiGHS gave {} values and {} duals for {} columns and {} rows",
                    lp.columns.len(),
                    lp.duals.len(),
                    columns,
                    rows
                )));
            }
        }
        Ok(lp)
    }
}

/// The error of a [`WarmLp`] whose model a failed solve took.
fn lost() -> Error {
    Error::Solver("the LP was lost in an earlier failure".into())
}

/// Hands a MILP to HiGHS with `options` and runs it, starting from the column
/// values `start` when given (a feasible solution HiGHS takes as its first
/// incumbent), watched and stoppable through `control`.
pub(crate) fn solve(
    milp: Milp,
    options: &HighsOptions,
    start: Option<&[f64]>,
    control: Control<'_>,
) -> Result<Solved, Error> {
    // With a start, the values HiGHS gives back are checked against its
    // objective: a MILP that presolve settles can come back with the start's
    // values and the objective of another solution (seen on a model by
    // period whose start built a link that carries nothing).
    let costs = start.map(|_| milp.cost.clone());
    let mut model = model_of(milp)?;
    if let Some(values) = start {
        model
            .try_set_solution(Some(values), None, None, None)
            .map_err(|e| Error::Solver(format!("HiGHS refused the starting plan: {e:?}")))?;
    }
    set_option(&mut model, "mip_rel_gap", options.gap)?;
    let threads = options.threads.max(1) as i32;
    set_option(&mut model, "threads", threads)?;
    set_option(&mut model, "random_seed", 0)?;
    if !options.feasibility_jump {
        set_option(&mut model, "mip_heuristic_run_feasibility_jump", false)?;
    }
    if let Some(t) = options.time_limit {
        set_option(&mut model, "time_limit", t)?;
    }
    if let Some(n) = options.nodes {
        set_option(&mut model, "mip_max_nodes", n.min(i32::MAX as u32) as i32)?;
    }
    let hooks = Hooks { control };
    if control.stop.is_some() || control.progress.is_some() {
        let ptr = model.as_mut_ptr();
        // SAFETY: `ptr` is the live HiGHS instance of `model`; `hooks` lives on
        // this frame until the solve below has returned.
        unsafe {
            highs_sys::Highs_setCallback(
                ptr,
                Some(on_event),
                &hooks as *const Hooks<'_> as *mut c_void,
            );
            if control.stop.is_some() {
                highs_sys::Highs_startCallback(ptr, highs_sys::kHighsCallbackMipInterrupt);
            }
            if control.progress.is_some() {
                highs_sys::Highs_startCallback(ptr, highs_sys::kHighsCallbackMipImprovingSolution);
                highs_sys::Highs_startCallback(ptr, highs_sys::kHighsCallbackMipLogging);
            }
        }
    }
    scheduler_for(threads);
    let mut solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    // HiGHS's MIP presolve at times declares a feasible MILP infeasible (a known
    // class of HiGHS bugs; one of ours: a rational plan whose every site bound is
    // tight). Infeasible is a claim made to the user, so it is checked once more
    // without presolve. HiGHS's run clock goes on from the first run, so the
    // time limit holds for both together.
    if matches!(
        solved.status(),
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible
    ) {
        again_without_presolve(solved.as_mut_ptr())?;
    }
    let has_solution = solved
        .int_info_value(c"primal_solution_status")
        .map(|v| v == 2)
        .unwrap_or(false);
    let mut values = solved.get_solution().columns().to_vec();
    let worth = |values: &[f64]| -> Option<f64> {
        let costs = costs.as_ref().filter(|c| c.len() == values.len())?;
        Some(costs.iter().zip(values).map(|(c, v)| c * v).sum())
    };
    let reported = solved.objective_value();
    // Far apart, not by the solver's tolerances: the start's values.
    let stale = |w: f64| (w - reported).abs() > 1e-6 * (1.0 + reported.abs() + w.abs());
    if has_solution && worth(&values).is_some_and(stale) {
        // The values are the start's, not the solution's: solved again
        // without presolve (the MILP is one presolve settles, so small).
        again_without_presolve(solved.as_mut_ptr())?;
        values = solved.get_solution().columns().to_vec();
    }
    let has_solution = solved
        .int_info_value(c"primal_solution_status")
        .map(|v| v == 2)
        .unwrap_or(false);
    let status = status_of(solved.status(), has_solution)?;
    let objective = solved.objective_value();
    Ok(Solved {
        status,
        has_solution,
        objective,
        bound: solved.double_info_value(c"mip_dual_bound").ok(),
        gap: solved.double_info_value(c"mip_gap").ok(),
        values,
    })
}

/// Runs the HiGHS instance at `ptr` once more, without presolve (its run
/// clock goes on, so its time limit holds for both runs together).
fn again_without_presolve(ptr: *mut c_void) -> Result<(), Error> {
    // SAFETY: `ptr` is a live HiGHS instance, which outlives these calls (its
    // callback's data, if any, lives on the caller's frame); the strings are
    // NUL-terminated literals.
    let run = unsafe {
        highs_sys::Highs_setStringOptionValue(ptr, c"presolve".as_ptr(), c"off".as_ptr());
        highs_sys::Highs_run(ptr)
    };
    if run == highs_sys::kHighsStatusError {
        return Err(Error::Solver("HiGHS failed on the second solve".into()));
    }
    Ok(())
}

thread_local! {
    /// The threads of the HiGHS scheduler of this OS thread (0: none yet).
    static SCHEDULER: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// Readies this OS thread's HiGHS scheduler for a run on `threads` threads.
/// HiGHS keeps one scheduler per OS thread, sized by the first run on it, and
/// refuses a later run that asks for another count; the scheduler is then
/// shut down, so that the run starts a new one of its size.
fn scheduler_for(threads: i32) {
    SCHEDULER.with(|s| {
        if s.get() != 0 && s.get() != threads {
            // SAFETY: no HiGHS run is under way on this OS thread (runs are
            // synchronous), and the call only concerns its own scheduler.
            unsafe { highs_sys::Highs_resetGlobalScheduler(1) };
        }
        s.set(threads);
    });
}

fn set_option<V: highs::HighsOptionValue>(
    model: &mut highs::Model,
    key: &str,
    value: V,
) -> Result<(), Error> {
    model
        .try_set_option(key, value)
        .map_err(|_| Error::Solver(format!("HiGHS rejected option {key}")))
}

/// Maps HiGHS's status to ours; `Err` for statuses that are failures.
fn status_of(status: HighsModelStatus, has_solution: bool) -> Result<Status, Error> {
    Ok(match status {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            Status::Infeasible
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit => {
            if has_solution {
                Status::TimeLimit
            } else {
                Status::TimeLimitNoSolution
            }
        }
        other => return Err(Error::Solver(format!("HiGHS ended with {other:?}"))),
    })
}
