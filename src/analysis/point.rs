//! One point of an analysis: the scenario file with some fields set, validated,
//! built into its candidate network and solved as `symbio solve` solves it
//! (decomposed). Sweeps, break-even searches and Monte Carlo samples are all
//! points; this is the one place that knows how a point is made.

use crate::domain::Scenario;
use crate::error::{Error, Problem, Problems};
use crate::link_key::LinkKey;
use crate::model::{self, SolveOptions, Status};
use crate::network::{self, Network};
use crate::plan::{self, Plan};
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
