//! The MILPs a search solves, assembled from the steps of [`super`]: the
//! network's model for a goal with the rows an analysis or the search adds
//! ([`Model::of`]), its start from a plan, and a plan read back from a solve
//! ([`Model::read`]); the whole network's model handed to HiGHS unsolved
//! ([`build`]) or written to a file ([`export`]).

use std::path::Path;

use super::{Rows, Vars};
use crate::domain::Scenario;
use crate::error::Error;
use crate::model::deadline::Deadline;
use crate::model::highs::{self, HighsOptions};
use crate::model::milp::{Milp, Sense, Solved};
use crate::model::options::{Control, SolveOptions};
use crate::model::solution::{tidy_gap, FlowConstraint, ModelSize, Solution};
use crate::model::tuning::SMALL_MILP_LINKS;
use crate::network::Network;

/// What a solve maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    /// Σ_l v_l x_l − F_l y_l (the scenario's objective).
    NetBenefit,
    /// Σ_l Δ_l x_l.
    Co2Avoided,
}

/// A cut: `Σ a x_k + Σ c y_k ≤ at_most`, over link indices of a network.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cut {
    /// The flow terms: link and coefficient.
    pub flow: Vec<(usize, f64)>,
    /// The build terms: link and coefficient.
    pub build: Vec<(usize, f64)>,
    /// The right-hand side.
    pub at_most: f64,
}

impl Cut {
    /// The left-hand side at flows `x` and build values `y` (by link).
    pub fn lhs(&self, x: &[f64], y: &[f64]) -> f64 {
        self.flow.iter().map(|&(k, a)| a * x[k]).sum::<f64>()
            + self.build.iter().map(|&(k, c)| c * y[k]).sum::<f64>()
    }
}

/// The rows a model has besides its network's: constraints on the flows (of
/// analyses) and cuts (of the search's reductions).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Added<'a> {
    /// Σ coefficient × flow ≥ rhs each.
    pub flows: &'a [FlowConstraint],
    /// Valid inequalities over the links' flows and builds.
    pub cuts: &'a [Cut],
}

/// A MILP of a network, with its variables and its rows by name.
pub(crate) struct Model {
    /// The arrays as a solver is given them.
    pub milp: Milp,
    /// Flow and build column of each link.
    pub vars: Vars,
    /// Every row, by what it constrains.
    pub rows: Rows,
}

impl Model {
    /// The MILP of `net` for `goal` with the rows `added`.
    pub fn of(s: &Scenario, net: &Network, added: Added<'_>, goal: Goal) -> Model {
        let mut milp = Milp::new(Sense::Maximise);
        let vars = super::define_variables(s, net, &mut milp);
        match goal {
            Goal::NetBenefit => super::net_benefit(s, net, &vars, &mut milp),
            Goal::Co2Avoided => super::co2_avoided(net, &vars, &mut milp),
        }
        let mut rows = super::network_constraints(s, net, &vars, &mut milp);
        super::flow_constraints(added.flows, &vars, &mut milp, &mut rows);
        super::cut_rows(added.cuts, &vars, &mut milp, &mut rows);
        Model { milp, vars, rows }
    }

    /// The MILP of `net` with the scenario's objective and no added row: the
    /// model [`export`] writes.
    pub fn whole(s: &Scenario, net: &Network) -> Model {
        Model::of(s, net, Added::default(), Goal::NetBenefit)
    }

    /// The column values of `plan`, a plan of this model's network `net`
    /// (each plant at its throughput and the cheapest size that holds it).
    pub fn values_of(&self, s: &Scenario, net: &Network, plan: &Solution) -> Vec<f64> {
        let mut values = vec![0.0; self.milp.columns()];
        for (k, (x, y)) in self.vars.x.iter().zip(&self.vars.y).enumerate() {
            values[x.index] = plan.flows[k];
            values[y.index] = if plan.built[k] { 1.0 } else { 0.0 };
        }
        super::plants::plant_values(s, net, &self.vars, &plan.flows, &mut values);
        values
    }

    /// Solves the model with HiGHS (started from `start`, column values, when
    /// given; the arrays are dropped once HiGHS holds them) and, only when it
    /// has a plan, reads it back ([`read`]); HiGHS's answer beside it.
    pub fn solve(
        self,
        net: &Network,
        options: &HighsOptions,
        start: Option<&[f64]>,
        control: Control<'_>,
        charges_count: bool,
    ) -> Result<(Option<Solution>, Solved), Error> {
        let Model { milp, vars, .. } = self;
        let solved = highs::solve(milp, options, start, control)?;
        let plan = solved
            .has_plan()
            .then(|| read(&vars, net, &solved, charges_count));
        Ok((plan, solved))
    }

    /// The plan of a solve of this model ([`read`]).
    pub fn read(&self, net: &Network, solved: &Solved, charges_count: bool) -> Solution {
        read(&self.vars, net, solved, charges_count)
    }
}

/// The flows and build decisions of a solved model of variables `v`, with its
/// objective, bound and gap. A link built without flow and without cost is the
/// solver's arbitrary choice, not a decision: only mandatory links are kept
/// empty. One that costs something is a plan a time-limited search had not
/// yet improved: dropping it is feasible and raises the net benefit
/// (`charges_count`) by its charge.
pub(crate) fn read(v: &Vars, net: &Network, solved: &Solved, charges_count: bool) -> Solution {
    let n = net.links.len();
    let mut flows = Vec::with_capacity(n);
    let mut built = Vec::with_capacity(n);
    let mut dropped_charges = 0.0;
    for (k, l) in net.links.iter().enumerate() {
        let y = solved.value(v.y[k]) > 0.5;
        let x = if y { clean(solved.value(v.x[k])) } else { 0.0 };
        let x = x.min(l.upper_bound.max(l.recorded_quantity.unwrap_or(0.0)));
        let keep = x > 0.0 || l.is_mandatory();
        if y && !keep && charges_count {
            dropped_charges += l.fixed_charge_per_year();
        }
        flows.push(x);
        built.push(y && keep);
    }
    if charges_count {
        dropped_charges += super::plants::charges_beyond_need(v, |c| solved.value(c));
    }
    let by_period = crate::model::solution::ByPeriod::default();
    solution_of(solved, dropped_charges, flows, built, by_period)
}

/// The solution of a solve with the plan read from it: its objective raised
/// by the charges `dropped` (of what the plan built but does not need), the
/// gap recomputed as HiGHS defines it when it did.
pub(crate) fn solution_of(
    solved: &Solved,
    dropped: f64,
    flows: Vec<f64>,
    built: Vec<bool>,
    by_period: crate::model::solution::ByPeriod,
) -> Solution {
    let objective = solved.objective + dropped;
    let bound = solved.bound;
    let gap = if dropped > 0.0 {
        // |bound − objective| / |objective|.
        bound.map(|b| {
            if objective.abs() > 0.0 {
                (b - objective).abs() / objective.abs()
            } else {
                f64::INFINITY
            }
        })
    } else {
        solved.gap
    };
    Solution {
        status: solved.status,
        objective: Some(objective),
        best_bound: bound.filter(|b| b.is_finite()),
        gap: tidy_gap(gap, solved.status),
        flows,
        built,
        by_period,
    }
}

/// Turns solver noise around zero into zero.
pub(crate) fn clean(v: f64) -> f64 {
    if v.abs() < 1e-7 {
        0.0
    } else {
        v
    }
}

/// Builds the MILP of a network as a solve of it as one MILP does (variables,
/// objective, constraints) and hands it to HiGHS without solving it: what a
/// solve costs before the search starts, for measurements.
pub fn build(s: &Scenario, net: &Network) -> Result<ModelSize, Error> {
    if net.links.is_empty() {
        return Ok(ModelSize::default());
    }
    highs::load(whole_milp(s, net))
}

/// The MILP of the whole network a solve of it as one MILP hands HiGHS: by
/// period for a scenario with periods.
fn whole_milp(s: &Scenario, net: &Network) -> Milp {
    if s.has_periods() {
        let goal = Goal::NetBenefit;
        return super::PeriodModel::of(s, net, &[], goal).milp;
    }
    Model::whole(s, net).milp
}

/// Writes the MILP of a network, exactly as a solve of it as one MILP hands
/// it to HiGHS (one model of the whole network, before any decomposition or
/// reduction; by period for a scenario with periods), to a file whose extension says the format: `.mps` or `.lp`.
pub fn export(s: &Scenario, net: &Network, path: &Path) -> Result<(), Error> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(ext.to_ascii_lowercase().as_str(), "mps" | "lp") {
        return Err(Error::option(
            "export_model",
            format!("{}: the file must end in .mps or .lp", path.display()),
        ));
    }
    highs::export(whole_milp(s, net), path)
}

/// The HiGHS options of a run on a model of `links` links under `options`
/// until `deadline`. HiGHS's feasibility-jump heuristic is left out below
/// [`SMALL_MILP_LINKS`] (`x = 0, y = 0` is feasible unless links are
/// mandatory).
pub(crate) fn highs_options(
    options: &SolveOptions,
    deadline: Deadline,
    links: usize,
) -> HighsOptions {
    HighsOptions {
        time_limit: deadline.left(),
        nodes: deadline.nodes(),
        gap: options.gap,
        threads: options.threads,
        feasibility_jump: links >= SMALL_MILP_LINKS,
    }
}

#[cfg(test)]
mod tests {
    use super::{Added, Cut, Goal, Model};
    use crate::model::solution::FlowConstraint;

    /// Each row of `model` has exactly one name, and each name finds its row.
    fn assert_rows_named_once(model: &Model, links: usize) {
        use super::super::RowKey;
        let rows = &model.rows;
        assert_eq!(rows.len(), model.milp.rows());
        let mut seen = vec![false; model.milp.rows()];
        let keys = rows
            .nodes()
            .chain((0..links).filter_map(|k| {
                let key = RowKey::Linking(k);
                rows.get(key).map(|r| (key, r))
            }))
            .chain(rows.flows.iter().map(|&r| (RowKey::Flow(0), r)))
            .chain(rows.cuts.iter().map(|&r| (RowKey::Cut(0), r)))
            .chain(
                rows.plants
                    .iter()
                    .map(|&((p, r), row)| (RowKey::Plant(p, r), row)),
            )
            .chain(rows.groups.iter().map(|&(g, row)| (RowKey::Group(g), row)));
        for (key, row) in keys {
            assert!(!seen[row.index], "{key:?} names row {} twice", row.index);
            seen[row.index] = true;
            if !matches!(key, RowKey::Flow(_) | RowKey::Cut(_)) {
                assert_eq!(rows.get(key), Some(row), "{key:?}");
            }
        }
        assert!(seen.iter().all(|&s| s), "a row without a name");
    }

    #[test]
    fn every_row_of_a_model_is_known_by_name_once() {
        let (s, net) = crate::model::generated_region(60, 5);
        let flows = [FlowConstraint {
            coefficients: vec![(0, 1.0), (3, 2.0)],
            at_least: 1.0,
        }];
        let cuts = [Cut {
            flow: vec![(1, 1.0)],
            build: vec![(1, -2.0)],
            at_most: 0.0,
        }];
        let added = Added {
            flows: &flows,
            cuts: &cuts,
        };
        for model in [
            Model::whole(&s, &net),
            Model::of(&s, &net, added, Goal::NetBenefit),
        ] {
            assert_rows_named_once(&model, net.links.len());
        }
    }

    #[test]
    fn every_row_of_a_model_with_plants_is_known_by_name_once() {
        let text = concat!(
            include_str!("../../../tests/data/plants.toml"),
            "\n[[plant_groups]]\nid = \"one\"\ntechnology = \"grinding\"\nmax_open = 1\n"
        );
        let path = std::path::Path::new("plants.toml");
        let s = crate::scenario::read_str(path, text).expect("valid");
        let net = crate::network::build(&s).expect("builds");
        let model = Model::whole(&s, &net);
        assert!(!model.rows.plants.is_empty() && model.rows.groups.len() == 1);
        assert_rows_named_once(&model, net.links.len());
    }
}
