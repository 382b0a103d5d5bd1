//! One point of an analysis: the scenario file with some fields set, validated,
//! built into its candidate network and solved as `symbio solve` solves it
//! (decomposed). Sweeps, break-even searches and Monte Carlo samples are all
//! points; this is the one place that knows how a point is made.

use crate::domain::Scenario;
use crate::error::{Error, Problem, Problems};
use crate::link_key::LinkKey;
use crate::model::{self, SolveOptions, Status};
use crate::network::mandatory::Constraint;
use crate::network::{self, Network};
use crate::plan::{self, Conflict, Plan};
use crate::scenario::load::Loaded;
use crate::scenario::path::FieldPath;
use crate::scenario::validate;

/// A solved point.
#[derive(Debug, Clone)]
pub struct SolvedPoint {
    /// The validated scenario with the point's values.
    pub scenario: Scenario,
    /// Its candidate network.
    pub network: Network,
    /// Its plan.
    pub plan: Plan,
}

impl SolvedPoint {
    /// Every candidate link of the point's network.
    pub fn candidates(&self) -> impl Iterator<Item = LinkKey> + '_ {
        self.network.links.iter().map(|l| l.key(&self.scenario))
    }
}

/// The plants a plan opens, each as `plant:size` with its throughput (units
/// processed per year), in scenario order; `None` for a scenario without plants.
pub(crate) fn open_plants(plan: &Plan) -> Option<Vec<(String, f64)>> {
    (!plan.plants.is_empty()).then(|| {
        plan.plants
            .iter()
            .filter_map(|p| {
                let size = p.size.as_ref()?;
                Some((format!("{}:{size}", p.plant), p.throughput))
            })
            .collect()
    })
}

/// The plants a plan opens as `plant:size`, in scenario order (`None` for a
/// scenario without plants): [`open_plants`] without the throughputs.
pub(crate) fn open_plant_names(plan: &Plan) -> Option<Vec<String>> {
    open_plants(plan).map(|open| open.into_iter().map(|(plant, _)| plant).collect())
}

/// The scenario file `loaded` with `values` set: a value the field cannot take
/// is a problem of the scenario at that field, like one written in the file.
pub fn scenario_at(loaded: &Loaded, values: &[(FieldPath, f64)]) -> Result<Scenario, Error> {
    let file = loaded.with(values).map_err(|e| {
        Error::Invalid(Problems(vec![Problem::new(
            loaded.root.as_ref(),
            e.path,
            None,
            e.message,
        )]))
    })?;
    validate::validate(&file)
}

/// Sets `values` on the file, validates it, builds its network and solves it
/// ([`model::solve`]).
pub fn solve_point(
    loaded: &Loaded,
    values: &[(FieldPath, f64)],
    options: &SolveOptions,
) -> Result<SolvedPoint, Error> {
    let scenario = scenario_at(loaded, values)?;
    let network = network::build(&scenario)?;
    let sol = model::solve(&scenario, &network, options)?;
    let plan = plan::assemble(&scenario, &network, &sol).finite()?;
    Ok(SolvedPoint {
        scenario,
        network,
        plan,
    })
}

/// A figure of a conflict: whole numbers and figures of 100 or more without
/// decimals, smaller ones with three significant digits (two decimals at least).
fn figure(v: f64) -> String {
    if v.fract() == 0.0 || v.abs() >= 100.0 {
        crate::report::num(v, 0)
    } else {
        let decimals = (2.0 - v.abs().log10().floor()).clamp(2.0, 9.0) as usize;
        crate::report::num(v, decimals)
    }
}

/// A conflict in one line: the constraint, its limit, what the recorded flows
/// need and by how much they exceed it (`supply of liugang/gbfs: limit 400,000
/// t/yr, recorded flows need 500,000 t/yr, exceeded by 100,000 t/yr`).
pub fn conflict_sentence(c: &Conflict) -> String {
    let none = String::new;
    let what = match c.constraint {
        Constraint::Supply => format!("supply of {}", c.output.clone().unwrap_or_else(none)),
        Constraint::Demand => format!("demand of {}", c.input.clone().unwrap_or_else(none)),
        Constraint::Share => format!(
            "share of rule {} in {}",
            c.rule.clone().unwrap_or_else(none),
            c.input.clone().unwrap_or_else(none)
        ),
        Constraint::Capacity => format!(
            "capacity of {}",
            c.links.first().map_or_else(none, ToString::to_string)
        ),
    };
    let u = &c.unit;
    format!(
        "{what}: limit {} {u}/yr, recorded flows need {} {u}/yr, exceeded by {} {u}/yr",
        figure(c.limit),
        figure(c.required),
        figure(c.excess)
    )
}

/// Why a point has no plan, in one line (`None` when it has one): for an
/// infeasible one, every constraint that the recorded flows of existing links
/// exceed on their own, with those links (`supply of liugang/gbfs: limit …,
/// exceeded by … (existing liugang/gbfs->cement_a/clinker@truck)`, joined by
/// `; `); for a time limit before any plan, that.
pub fn why_no_plan(plan: &Plan) -> Option<String> {
    match plan.status {
        Status::Optimal | Status::TimeLimit => None,
        Status::TimeLimitNoSolution => Some("the time limit came before any plan".into()),
        Status::Infeasible if plan.infeasibility.is_empty() => {
            Some("no plan meets every constraint".into())
        }
        Status::Infeasible => Some(
            plan.infeasibility
                .iter()
                .map(|c| {
                    let links: Vec<String> = c.links.iter().map(ToString::to_string).collect();
                    format!("{} (existing {})", conflict_sentence(c), links.join(", "))
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// How a point of a batch run ended, as its row says: the solver's status, or
/// why it has none. A point that cannot be solved is a row with `invalid` (its
/// values make the scenario invalid) or `error` (the solver failed) and the
/// message; the run goes on with the next point. This is the policy of every
/// batch run (sweep, Monte Carlo).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    /// Proven optimal within the gap tolerance.
    Optimal,
    /// Stopped at the time limit with a plan.
    TimeLimit,
    /// Stopped at the time limit before any plan.
    TimeLimitNoSolution,
    /// No plan satisfies the constraints.
    Infeasible,
    /// The point's values make the scenario invalid.
    Invalid,
    /// The solver failed.
    Error,
}

impl PointStatus {
    /// The status of a plan.
    pub fn of(status: Status) -> PointStatus {
        match status {
            Status::Optimal => PointStatus::Optimal,
            Status::TimeLimit => PointStatus::TimeLimit,
            Status::TimeLimitNoSolution => PointStatus::TimeLimitNoSolution,
            Status::Infeasible => PointStatus::Infeasible,
        }
    }

    /// The status of a point that failed with `e`.
    pub(crate) fn of_error(e: &Error) -> PointStatus {
        match e {
            Error::Solver(_) => PointStatus::Error,
            _ => PointStatus::Invalid,
        }
    }

    /// Whether a plan comes with this status.
    pub fn has_plan(self) -> bool {
        matches!(self, PointStatus::Optimal | PointStatus::TimeLimit)
    }

    /// The status as rows spell it (`optimal`, `invalid`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PointStatus::Optimal => "optimal",
            PointStatus::TimeLimit => "time_limit",
            PointStatus::TimeLimitNoSolution => "time_limit_no_solution",
            PointStatus::Infeasible => "infeasible",
            PointStatus::Invalid => "invalid",
            PointStatus::Error => "error",
        }
    }
}
