//! The MILP of a scenario with periods (docs/formulation.md, "Periods and
//! stores"): links, plants and stores are built once, with their annual
//! charges once; flows, throughputs and a store's stock are per period. Each
//! period's supply, demand, shares, plant rows and capacities (a rate: × the
//! period's share) hold in it; a store carries stock from one period to the
//! next, the last before the first. The objective is the annual sum.
//!
//! The columns of a link are its flow in each period, period after period,
//! then its build decision: arrays of the model's size, with nothing copied
//! per period that does not change.

use std::collections::HashMap;
use std::ops::Range;

use super::plants::{charge_beyond_need, group_rows};
use super::{clean, Goal, Groups};
use crate::domain::{PeriodId, PlantId, RuleId, Scenario, StoreId, StoreStatus, Stream};
use crate::error::Error;
use crate::model::highs::{self, HighsOptions};
use crate::model::milp::{Column, Milp, Row, Sense, Solved};
use crate::model::options::Control;
use crate::model::solution::{ByPeriod, FlowConstraint, Solution, StoreUse};
use crate::network::plants::{reached, PlantTerms};
use crate::network::{CandidateLink, Network};

/// The columns of one plant: its throughput in each period and whether it
/// opens at each size.
struct PlantCols {
    plant: PlantId,
    terms: PlantTerms,
    /// `t_pt`, by period.
    throughput: Vec<Column>,
    /// `z_ps`, in the order of `terms.sizes`.
    open: Vec<Column>,
    mandatory: bool,
}

/// The columns of one store.
struct StoreCols {
    store: StoreId,
    /// The stream it works on.
    stream: Stream,
    /// `h_st`: units held at the end of each period.
    level: Vec<Column>,
    /// `c_st`: units put in during each period.
    charge: Vec<Column>,
    /// `d_st`: units taken out during each period.
    discharge: Vec<Column>,
    /// `w_s`: whether it is used (fixed at 1 for an existing store).
    built: Column,
    /// Its annual charge when used, `G_s`.
    charge_per_year: f64,
}

/// The columns of a model by period.
struct Vars {
    /// How many periods.
    periods: usize,
    /// `x_lt` at `k * periods + t`.
    x: Vec<Column>,
    /// `y_l`.
    y: Vec<Column>,
    plants: Vec<PlantCols>,
    stores: Vec<StoreCols>,
}

/// The MILP of a network of a scenario with periods.
pub(crate) struct PeriodModel {
    /// The arrays as HiGHS is given them.
    pub milp: Milp,
    vars: Vars,
    /// Its rows by what they bind.
    pub rows: PeriodRows,
}

/// The rows of a model by period that links of several outputs or inputs
/// share, by stream and period, and the rows of one link alone, for the
/// reductions by period (`search::period_reduce`) to read their duals.
#[derive(Debug, Default)]
pub(crate) struct PeriodRows {
    /// The supply row of output o in period t, at `(o, t)`.
    pub supply: HashMap<(usize, usize), Row>,
    /// The demand row of input i in period t, at `(i, t)`.
    pub demand: HashMap<(usize, usize), Row>,
    /// The share row of the links of a rule into input i in period t, at
    /// `(i, rule, t)`.
    pub share: HashMap<(usize, RuleId, usize), Row>,
    /// The rows each of one link's columns alone (linking, the year's flow,
    /// a recorded flow and its capacity by period): a range of row indices.
    pub links: Range<usize>,
    /// `U_l` of each link (by index) that has the row of its year's flow.
    pub years: HashMap<usize, f64>,
}

/// A stream's bound per period on what a store can add to it: what a store
/// at an output can discharge, or at an input can take in, in period t.
fn store_room(s: &Scenario, k: usize, t: usize, discharging: bool) -> f64 {
    let store = &s.stores[k];
    let rate = if discharging {
        store.max_discharge
    } else {
        store.max_charge
    };
    let share = s.periods[t].share;
    rate.map_or(store.capacity, |r| (r * share).min(store.capacity))
}

/// `U_lt`: a bound on link l's flow in period t. The output's annual
/// quantity, the capacity as a rate, the supply of the period (with what a
/// store at the output can add) and the demand or rule share of the period
/// (with what a store at the input can take in), over ρα. Not the link's
/// annual bound: its demand term does not hold for a store at the input,
/// which may take in (and lose) more than the year's demand.
fn period_bound(
    s: &Scenario,
    l: &CandidateLink,
    t: usize,
    out_room: &[Vec<f64>],
    in_room: &[Vec<f64>],
) -> f64 {
    let share = s.periods[t].share;
    let p = PeriodId(t);
    let supply = s.output_in(l.output, p) + out_room[l.output.0][t];
    let to_plant = s.plant_of_input(l.input).is_some();
    let rule_share = if to_plant {
        1.0
    } else {
        s.rules[l.rule.0].max_share
    };
    // A rule's share bounds what arrives; else the demand and what a store
    // there can take in.
    let demand = s.input_in(l.input, p);
    let arriving = if rule_share < 1.0 {
        rule_share * demand
    } else {
        demand + in_room[l.input.0][t]
    };
    let mut u = s.outputs[l.output.0].quantity.max(0.0).min(supply);
    if l.displaced_per_unit > 0.0 {
        u = u.min(arriving / l.displaced_per_unit);
    }
    if let Some(c) = l.capacity {
        u = u.min(c * share);
    }
    u.max(0.0)
}

/// The upper bound of each link's flow in each period in the model of
/// `net` (`k * periods + t`): [`period_bound`], with what the stores the
/// network reaches can add, or a recorded link's year's quantity.
pub(crate) fn flow_bounds(s: &Scenario, net: &Network) -> Vec<f64> {
    let periods = s.periods.len();
    let mut out_room = vec![vec![0.0; periods]; s.outputs.len()];
    let mut in_room = vec![vec![0.0; periods]; s.inputs.len()];
    for (k, stream) in reached_stores(s, net) {
        for t in 0..periods {
            match stream {
                Stream::Output(o) => out_room[o.0][t] += store_room(s, k.0, t, true),
                Stream::Input(i) => in_room[i.0][t] += store_room(s, k.0, t, false),
            }
        }
    }
    let mut uppers = Vec::with_capacity(net.links.len() * periods);
    for l in &net.links {
        for t in 0..periods {
            uppers.push(match l.recorded_quantity {
                Some(q) => q.max(0.0),
                None => period_bound(s, l, t, &out_room, &in_room),
            });
        }
    }
    uppers
}

/// Whether link `l` of a model by period has the row of its year's flow,
/// `Σ_t x_lt ≤ U_l y_l`, and its bound `U_l` then: where that is tighter
/// than its bounds by period `room` (their sum) and no store stands at
/// either end (`stored`: a store can move more than the year's supply or
/// demand through a stream, and lose it).
pub(crate) fn year_row(s: &Scenario, l: &CandidateLink, room: f64, stored: bool) -> Option<f64> {
    let u = l.upper_bound.max(0.0);
    (s.periods.len() > 1 && !stored && u < room && l.recorded_quantity.is_none()).then_some(u)
}

impl PeriodModel {
    /// The MILP by period of `net` for `goal`, with the rows `extra` on the
    /// links' annual flows.
    pub fn of(s: &Scenario, net: &Network, extra: &[FlowConstraint], goal: Goal) -> PeriodModel {
        let mut m = Milp::new(Sense::Maximise);
        let vars = define(s, net, &mut m);
        objective(s, net, &vars, goal, &mut m);
        let rows = constraints(s, net, &vars, &mut m);
        for c in extra {
            let terms = c
                .coefficients
                .iter()
                .flat_map(|&(k, a)| (0..vars.periods).map(move |t| (k * vars.periods + t, a)));
            let terms: Vec<(Column, f64)> = terms.map(|(j, a)| (vars.x[j], a)).collect();
            m.at_least(c.at_least, terms);
        }
        PeriodModel {
            milp: m,
            vars,
            rows,
        }
    }

    /// Solves the model with HiGHS (started from `start`, the column values
    /// of a plan of it, when given) and reads its plan back, when it has one.
    pub fn solve(
        self,
        s: &Scenario,
        net: &Network,
        options: &HighsOptions,
        start: Option<&[f64]>,
        control: Control<'_>,
        charges_count: bool,
    ) -> Result<(Option<Solution>, Solved), Error> {
        let PeriodModel { milp, vars, .. } = self;
        let solved = highs::solve(milp, options, start, control)?;
        let plan = solved
            .has_plan()
            .then(|| read(s, &vars, net, &solved, charges_count));
        Ok((plan, solved))
    }

    /// Link k's flow in period t, `x_kt`.
    pub fn flow(&self, k: usize, t: usize) -> Column {
        self.vars.x[k * self.vars.periods + t]
    }

    /// Link k's build decision, `y_k`.
    pub fn built(&self, k: usize) -> Column {
        self.vars.y[k]
    }

    /// Every column of the model's stores (stock, charge and discharge by
    /// period, and whether each is used).
    pub fn store_columns(&self) -> Vec<Column> {
        let mut columns = Vec::new();
        for sc in &self.vars.stores {
            columns.extend(sc.level.iter().chain(&sc.charge).chain(&sc.discharge));
            columns.push(sc.built);
        }
        columns
    }

    /// The plan of `values`, column values of this model that symbio found
    /// (not a solve's), with `status`; worth what they earn.
    pub fn plan_of(
        &self,
        s: &Scenario,
        net: &Network,
        status: crate::model::solution::Status,
        values: Vec<f64>,
    ) -> Solution {
        let objective = self.milp.cost.iter().zip(&values).map(|(c, x)| c * x).sum();
        let solved = Solved::of_values(status, objective, values);
        read(s, &self.vars, net, &solved, true)
    }

    /// Whether each column is a link's (a flow or a build decision).
    pub fn link_columns(&self) -> Vec<bool> {
        let mut mask = vec![false; self.milp.columns()];
        for c in self.vars.x.iter().chain(&self.vars.y) {
            mask[c.index] = true;
        }
        mask
    }

    /// A relaxation of this model as an LP with no column per link beyond
    /// its flows: each link's build decision and own rows dropped, its
    /// annual charge `F_l` spread over its flows, `F_l / Ū_l` a unit, `Ū_l`
    /// the most it can carry in a year (the year's bound where it has that
    /// row, else the sum of its bounds by period). `x_lt ≤ U_lt y_l` gives
    /// `F_l y_l ≥ F_l Σ_t x_lt / Ū_l`, so its optimum is at least the LP
    /// relaxation's; a link that must be built pays its charge anyway. Its
    /// rows keep their positions (a link's own rows are left free).
    pub fn charges_spread(&self, net: &Network) -> Milp {
        let mut lp = self.milp.clone();
        lp.integer.fill(false);
        let periods = self.vars.periods;
        for (k, l) in net.links.iter().enumerate() {
            let y = self.vars.y[k];
            let x = &self.vars.x[k * periods..(k + 1) * periods];
            let room: f64 = x.iter().map(|c| lp.upper[c.index]).sum();
            let charge = l.fixed_charge_per_year();
            if lp.lower[y.index] < 0.5 && room > 0.0 {
                let year = self.rows.years.get(&k).copied().unwrap_or(room).min(room);
                if year > 0.0 {
                    for c in x {
                        lp.cost[c.index] -= charge / year;
                    }
                }
                lp.cost[y.index] = 0.0;
            }
            lp.lower[y.index] = 1.0;
            lp.upper[y.index] = 1.0;
        }
        for r in self.rows.links.clone() {
            lp.row_lower[r] = f64::NEG_INFINITY;
            lp.row_upper[r] = f64::INFINITY;
        }
        lp
    }

    /// The column values of `plan`, a plan of this model's network (its
    /// flows by period, builds and stores; no plant), a start for its
    /// search. A store the plan does not name is idle: built and empty if
    /// it exists, else not built.
    pub fn values_of(&self, s: &Scenario, plan: &Solution) -> Vec<f64> {
        let v = &self.vars;
        let mut values = vec![0.0; self.milp.columns()];
        for (k, &y) in v.y.iter().enumerate() {
            let built = plan.built.get(k).copied().unwrap_or(false);
            values[y.index] = if built || self.milp.lower[y.index] > 0.5 {
                1.0
            } else {
                0.0
            };
            for t in 0..v.periods {
                let q = plan.by_period.flows.get(k * v.periods + t).copied();
                values[v.x[k * v.periods + t].index] = if built { q.unwrap_or(0.0) } else { 0.0 };
            }
        }
        for sc in &v.stores {
            let used = plan.by_period.stores.iter().find(|u| u.store == sc.store);
            let existing = s.stores[sc.store.0].status == StoreStatus::Existing;
            values[sc.built.index] = match used {
                Some(u) if u.built => 1.0,
                _ if existing => 1.0,
                _ => 0.0,
            };
            if let Some(u) = used.filter(|u| u.built) {
                for (cols, qs) in [
                    (&sc.level, &u.level),
                    (&sc.charge, &u.charge),
                    (&sc.discharge, &u.discharge),
                ] {
                    for (c, &q) in cols.iter().zip(qs) {
                        values[c.index] = q;
                    }
                }
            }
        }
        values
    }

    /// A bound on the model's optimum that needs no solve: every column at
    /// the bound where it earns most (Σ_j max(0, a_j) u_j, the columns being
    /// non-negative), what a search cut short before its first bound has.
    pub fn trivial_bound(&self) -> f64 {
        let m = &self.milp;
        m.cost
            .iter()
            .zip(&m.upper)
            .map(|(&a, &u)| if a > 0.0 { a * u } else { 0.0 })
            .sum()
    }

    /// A plan that builds the links `built` (by link; the mandatory ones
    /// too) and no other: this model with every `y_l` fixed, its flows by
    /// period, plants and stores searched by HiGHS (a small MILP: the plants'
    /// sizes and the stores are its only integers). Its column values, a
    /// start for this model, with the plan; `None` when it has none.
    /// The model is used up (its arrays go to HiGHS): a search of the whole
    /// builds it again, so that the two are never held at once.
    pub fn plan_building(
        self,
        s: &Scenario,
        net: &Network,
        built: &[bool],
        options: &HighsOptions,
    ) -> Result<Option<(Vec<f64>, Solution)>, Error> {
        let PeriodModel { mut milp, vars, .. } = self;
        for ((y, l), &b) in vars.y.iter().zip(&net.links).zip(built) {
            let v = if b || l.is_mandatory() { 1.0 } else { 0.0 };
            milp.lower[y.index] = v;
            milp.upper[y.index] = v;
        }
        let solved = highs::solve(milp, options, None, Control::default())?;
        if !solved.has_plan() {
            return Ok(None);
        }
        let plan = read(s, &vars, net, &solved, true);
        Ok(Some((solved.values, plan)))
    }
}

/// The columns: per link its flow in each period `x_lt ∈ [0, U_lt]` and
/// `y_l ∈ {0, 1}`; per plant reached its throughput per period `t_pt ∈ [0,
/// φ_t max_s K_s]` and `z_ps`; per store reached (its stream has a link) its
/// stock, charge and discharge per period and `w_s`.
fn define(s: &Scenario, net: &Network, m: &mut Milp) -> Vars {
    let periods = s.periods.len();
    let stores = reached_stores(s, net);
    let uppers = flow_bounds(s, net);
    let n = net.links.len();
    m.reserve(n * (periods + 1), 0, 0);
    let mut x = Vec::with_capacity(n * periods);
    let mut y = Vec::with_capacity(n);
    for (k, l) in net.links.iter().enumerate() {
        for &upper in &uppers[k * periods..(k + 1) * periods] {
            x.push(m.column(0.0, upper));
        }
        let low = if l.is_mandatory() { 1.0 } else { 0.0 };
        y.push(m.integer_column(low, 1.0));
    }
    let plants = reached(s, &net.links)
        .into_iter()
        .map(|p| {
            let terms = PlantTerms::of(s, p);
            let mandatory = s.plants[p.0].is_mandatory();
            let throughput = s
                .periods
                .iter()
                .map(|period| m.column(0.0, terms.largest() * period.share))
                .collect();
            let low = if terms.sizes.len() == 1 && mandatory {
                1.0
            } else {
                0.0
            };
            let open = terms
                .sizes
                .iter()
                .map(|_| m.integer_column(low, 1.0))
                .collect();
            PlantCols {
                plant: p,
                terms,
                throughput,
                open,
                mandatory,
            }
        })
        .collect();
    let stores = stores
        .into_iter()
        .map(|(k, stream)| {
            let store = &s.stores[k.0];
            let level = (0..periods)
                .map(|_| m.column(0.0, store.capacity))
                .collect();
            let charge = (0..periods)
                .map(|t| m.column(0.0, store_room(s, k.0, t, false)))
                .collect();
            let discharge = (0..periods)
                .map(|t| m.column(0.0, store_room(s, k.0, t, true)))
                .collect();
            let existing = store.status == StoreStatus::Existing;
            let built = m.integer_column(if existing { 1.0 } else { 0.0 }, 1.0);
            let crf = s.capital_recovery_factor(store.lifetime_years);
            let annualised = if store.capex > 0.0 {
                store.capex * crf
            } else {
                0.0
            };
            StoreCols {
                store: k,
                stream,
                level,
                charge,
                discharge,
                built,
                charge_per_year: store.fixed_cost_per_year + annualised,
            }
        })
        .collect();
    Vars {
        periods,
        x,
        y,
        plants,
        stores,
    }
}

/// The stores of the model of `net` in a plan that moves nothing: each
/// existing store built and empty, each candidate not built; with the annual
/// charges of the existing ones.
pub(crate) fn idle_stores(s: &Scenario, net: &Network) -> (Vec<StoreUse>, f64) {
    let periods = s.periods.len();
    let mut charges = 0.0;
    let uses = reached_stores(s, net)
        .into_iter()
        .map(|(k, _)| {
            let store = &s.stores[k.0];
            let existing = store.status == StoreStatus::Existing;
            if existing {
                // An existing store has no capex (validation).
                charges += store.fixed_cost_per_year;
            }
            StoreUse {
                store: k,
                built: existing,
                level: vec![0.0; periods],
                charge: vec![0.0; periods],
                discharge: vec![0.0; periods],
            }
        })
        .collect();
    (uses, charges)
}

/// The stores whose stream a link of `net` reaches, by ascending store, with
/// that stream.
pub(crate) fn reached_stores(s: &Scenario, net: &Network) -> Vec<(StoreId, Stream)> {
    let mut outputs = vec![false; s.outputs.len()];
    let mut inputs = vec![false; s.inputs.len()];
    for l in &net.links {
        outputs[l.output.0] = true;
        inputs[l.input.0] = true;
    }
    (0..s.stores.len())
        .filter_map(|k| {
            let stream = s.store_stream(StoreId(k))?;
            let reached = match stream {
                Stream::Output(o) => outputs[o.0],
                Stream::Input(i) => inputs[i.0],
            };
            reached.then_some((StoreId(k), stream))
        })
        .collect()
}

/// What a unit taken out of a store at an input is worth in period t beyond
/// its arrival's credit (the purchase it displaces then, and its virgin
/// emissions), `ω_it`: a unit put in is worth as much less. 0 at an output.
fn consumption_value(s: &Scenario, stream: Stream, t: usize, goal: Goal) -> f64 {
    let Stream::Input(i) = stream else {
        return 0.0;
    };
    let input = &s.inputs[i.0];
    match goal {
        Goal::NetBenefit => {
            s.input_price_in(i, PeriodId(t)) + s.parameters.carbon_price * input.co2
        }
        Goal::Co2Avoided => input.co2,
    }
}

/// Net benefit Σ_t Σ_l v_lt x_lt − Σ_l F_l y_l − Σ_t Σ_p c_pt t_pt − Σ A_ps
/// z_ps − Σ_s (k_s Σ_t c_st + G_s w_s) + Σ_s Σ_t ω_st (d_st − c_st); or CO2
/// avoided Σ_t Σ_l Δ_l x_lt − Σ_t Σ_p e_p t_pt + Σ_s Σ_t ω_st (d_st − c_st).
fn objective(s: &Scenario, net: &Network, v: &Vars, goal: Goal, m: &mut Milp) {
    let p = &s.parameters;
    let periods = v.periods;
    for (k, l) in net.links.iter().enumerate() {
        for t in 0..periods {
            let a = match goal {
                Goal::NetBenefit => l.margin_in(s, PeriodId(t)),
                Goal::Co2Avoided => l.co2_avoided_per_unit(),
            };
            m.add_cost(v.x[k * periods + t], a);
        }
        if goal == Goal::NetBenefit {
            m.add_cost(v.y[k], -l.fixed_charge_per_year());
        }
    }
    for pc in &v.plants {
        for (t, &col) in pc.throughput.iter().enumerate() {
            let a = match goal {
                Goal::NetBenefit => -pc
                    .terms
                    .cost_per_unit(p.carbon_price, s.periods[t].energy_price),
                Goal::Co2Avoided => -pc.terms.co2_per_unit(),
            };
            m.add_cost(col, a);
        }
        if goal == Goal::NetBenefit {
            for (&z, size) in pc.open.iter().zip(&pc.terms.sizes) {
                m.add_cost(z, -size.2);
            }
        }
    }
    for sc in &v.stores {
        let cost = s.stores[sc.store.0].cost_per_unit_charged;
        for t in 0..periods {
            let worth = consumption_value(s, sc.stream, t, goal);
            let handling = if goal == Goal::NetBenefit { cost } else { 0.0 };
            m.add_cost(sc.charge[t], -handling - worth);
            m.add_cost(sc.discharge[t], worth);
        }
        if goal == Goal::NetBenefit {
            m.add_cost(sc.built, -sc.charge_per_year);
        }
    }
}

/// Every row of the model by period; the ones the reductions read.
fn constraints(s: &Scenario, net: &Network, v: &Vars, m: &mut Milp) -> PeriodRows {
    let periods = v.periods;
    let mut rows = PeriodRows::default();
    let by_output = Groups::by(s.outputs.len(), net.links.iter().map(|l| l.output.0));
    let by_input = Groups::by(s.inputs.len(), net.links.iter().map(|l| l.input.0));
    let stores = store_index(v);
    // A store's terms in a stream's row in period t: + c − d at an output
    // (what is put in is not sent; what is taken out can be), − c + d at an
    // input (what is put in is not used; what is taken out is).
    let store_terms = |j: Option<&usize>, t: usize, at_output: bool| -> Vec<(Column, f64)> {
        let sign = if at_output { 1.0 } else { -1.0 };
        j.map(|&j| {
            vec![
                (v.stores[j].charge[t], sign),
                (v.stores[j].discharge[t], -sign),
            ]
        })
        .unwrap_or_default()
    };
    let flow = |k: usize, t: usize| v.x[k * periods + t];
    // Supply: Σ_l x_lt (+ c − d) ≤ Q_ot; plants' outputs are bounded by their yield rows.
    for (o, links) in by_output.iter() {
        for t in 0..periods {
            let mut terms: Vec<(Column, f64)> = links.iter().map(|&k| (flow(k, t), 1.0)).collect();
            terms.extend(store_terms(stores.at_output.get(&o), t, true));
            let r = m.at_most(s.output_in(crate::domain::OutputId(o), PeriodId(t)), terms);
            rows.supply.insert((o, t), r);
        }
    }
    // Demand: 0 ≤ Σ_l ρα x_lt (− c + d) ≤ D_it; shares by rule on what arrives.
    for (i, links) in by_input.iter() {
        let at_plant = s.sites[s.inputs[i].site.0].plant.is_some();
        let mut by_rule: Vec<usize> = links
            .iter()
            .copied()
            .filter(|&k| s.rules[net.links[k].rule.0].max_share < 1.0 && !at_plant)
            .collect();
        by_rule.sort_by_key(|&k| net.links[k].rule);
        for t in 0..periods {
            let demand = s.input_in(crate::domain::InputId(i), PeriodId(t));
            let arriving = |ks: &[usize]| -> Vec<(Column, f64)> {
                ks.iter()
                    .map(|&k| (flow(k, t), net.links[k].displaced_per_unit))
                    .collect()
            };
            let mut terms = arriving(links);
            let store = stores.at_input.get(&i);
            terms.extend(store_terms(store, t, false));
            let low = if store.is_some() {
                0.0
            } else {
                f64::NEG_INFINITY
            };
            rows.demand.insert((i, t), m.row(low, demand, terms));
            for run in by_rule.chunk_by(|&a, &b| net.links[a].rule == net.links[b].rule) {
                let rule = net.links[run[0]].rule;
                let share = s.rules[rule.0].max_share;
                let r = m.at_most(share * demand, arriving(run));
                rows.share.insert((i, rule, t), r);
            }
        }
    }
    // Linking: x_lt ≤ U_lt y_l (the column's bound); a recorded flow is the
    // year's: Σ_t x_lt = q, at most the capacity × φ_t in each period.
    let first_link_row = m.rows();
    for (k, l) in net.links.iter().enumerate() {
        match l.recorded_quantity {
            None => {
                let mut room = 0.0;
                for t in 0..periods {
                    let u = m.upper_of(flow(k, t));
                    room += u;
                    m.at_most(0.0, [(flow(k, t), 1.0), (v.y[k], -u)]);
                }
                // Over the year, Σ_t x_lt ≤ U_l y_l where that is tighter.
                let stored = stores.at_output.contains_key(&l.output.0)
                    || stores.at_input.contains_key(&l.input.0);
                if let Some(u) = year_row(s, l, room, stored) {
                    rows.years.insert(k, u);
                    let mut terms: Vec<(Column, f64)> =
                        (0..periods).map(|t| (flow(k, t), 1.0)).collect();
                    terms.push((v.y[k], -u));
                    m.at_most(0.0, terms);
                }
            }
            Some(q) => {
                m.row(q, q, (0..periods).map(|t| (flow(k, t), 1.0)));
                if let Some(c) = l.capacity {
                    for t in 0..periods {
                        m.at_most(c * s.periods[t].share, [(flow(k, t), 1.0)]);
                    }
                }
            }
        }
    }
    rows.links = first_link_row..m.rows();
    plant_rows(s, net, v, m, &by_output, &by_input, &stores);
    // Stores: h_st − (1 − λ_s) h_s,t−1 − c_st + d_st = 0, the period before
    // the first being the last; h_st ≤ H_s w_s, c_st and d_st at most their
    // bounds × w_s (a store not built holds and moves nothing).
    for sc in &v.stores {
        let store = &s.stores[sc.store.0];
        for t in 0..periods {
            let before = (t + periods - 1) % periods;
            let keep = 1.0 - store.loss_per_period;
            let mut terms = vec![
                (sc.level[t], 1.0),
                (sc.charge[t], -1.0),
                (sc.discharge[t], 1.0),
            ];
            if before == t {
                terms[0].1 -= keep;
            } else {
                terms.push((sc.level[before], -keep));
            }
            m.row(0.0, 0.0, terms);
        }
        if store.status == StoreStatus::Candidate {
            for cols in [&sc.level, &sc.charge, &sc.discharge] {
                for &c in cols {
                    let u = m.upper_of(c);
                    m.at_most(0.0, [(c, 1.0), (sc.built, -u)]);
                }
            }
        }
    }
    rows
}

/// The store at each stream that has one: its index among the model's
/// stores, by output and by input.
struct StoreIndex {
    at_output: std::collections::HashMap<usize, usize>,
    at_input: std::collections::HashMap<usize, usize>,
}

/// The [`StoreIndex`] of a model's stores.
fn store_index(v: &Vars) -> StoreIndex {
    let mut idx = StoreIndex {
        at_output: Default::default(),
        at_input: Default::default(),
    };
    for (j, sc) in v.stores.iter().enumerate() {
        match sc.stream {
            Stream::Output(o) => idx.at_output.insert(o.0, j),
            Stream::Input(i) => idx.at_input.insert(i.0, j),
        };
    }
    idx
}

/// The plants' rows in every period: balance, input shares, yields (with a
/// store's terms at its stream), capacity × φ_t; one size; the open rows;
/// the plant groups.
fn plant_rows(
    s: &Scenario,
    net: &Network,
    v: &Vars,
    m: &mut Milp,
    by_output: &Groups,
    by_input: &Groups,
    stores: &StoreIndex,
) {
    if v.plants.is_empty() {
        return;
    }
    let periods = v.periods;
    let into: std::collections::HashMap<usize, &[usize]> = by_input.iter().collect();
    let out_of: std::collections::HashMap<usize, &[usize]> = by_output.iter().collect();
    let flow = |k: usize, t: usize| v.x[k * periods + t];
    // What arrives at input i in period t, net of a store there.
    let arriving = |i: usize, t: usize| -> Vec<(Column, f64)> {
        let mut terms: Vec<(Column, f64)> = into
            .get(&i)
            .into_iter()
            .flat_map(|links| links.iter())
            .map(|&k| (flow(k, t), net.links[k].displaced_per_unit))
            .collect();
        if let Some(&j) = stores.at_input.get(&i) {
            terms.push((v.stores[j].charge[t], -1.0));
            terms.push((v.stores[j].discharge[t], 1.0));
        }
        terms
    };
    for pc in &v.plants {
        let plant = &s.plants[pc.plant.0];
        let tech = &s.technologies[plant.technology.0];
        for t in 0..periods {
            let tp = pc.throughput[t];
            let share = s.periods[t].share;
            let mut all: Vec<(Column, f64)> =
                plant.inputs.iter().flat_map(|i| arriving(i.0, t)).collect();
            all.push((tp, -1.0));
            m.row(0.0, 0.0, all);
            for (i, ti) in plant.inputs.iter().zip(&tech.inputs) {
                if ti.min_share > 0.0 {
                    let mut terms = arriving(i.0, t);
                    terms.push((tp, -ti.min_share));
                    m.at_least(0.0, terms);
                }
                if ti.max_share < 1.0 {
                    let mut terms = arriving(i.0, t);
                    terms.push((tp, -ti.max_share));
                    m.at_most(0.0, terms);
                }
            }
            for (o, to) in plant.outputs.iter().zip(&tech.outputs) {
                let mut terms: Vec<(Column, f64)> = out_of
                    .get(&o.0)
                    .into_iter()
                    .flat_map(|links| links.iter())
                    .map(|&k| (flow(k, t), 1.0))
                    .collect();
                if let Some(&j) = stores.at_output.get(&o.0) {
                    terms.push((v.stores[j].charge[t], 1.0));
                    terms.push((v.stores[j].discharge[t], -1.0));
                }
                terms.push((tp, -to.yield_per_unit));
                m.at_most(0.0, terms);
            }
            let mut capacity = vec![(tp, 1.0)];
            capacity.extend(
                pc.open
                    .iter()
                    .zip(&pc.terms.sizes)
                    .map(|(&z, size)| (z, -size.1 * share)),
            );
            m.at_most(0.0, capacity);
        }
        if pc.open.len() > 1 {
            let low = if pc.mandatory { 1.0 } else { 0.0 };
            m.row(low, 1.0, pc.open.iter().map(|&z| (z, 1.0)));
        }
        if pc.mandatory {
            continue;
        }
        // A link into or out of the plant carries nothing in a period unless
        // the plant opens: x_lt ≤ U_lt Σ_s z_ps (left out where implied).
        let mut touching: Vec<usize> = plant
            .inputs
            .iter()
            .filter_map(|i| into.get(&i.0))
            .chain(plant.outputs.iter().filter_map(|o| out_of.get(&o.0)))
            .flat_map(|links| links.iter().copied())
            .collect();
        touching.sort_unstable();
        for k in touching {
            if net.links[k].recorded_quantity.is_some() {
                continue;
            }
            for t in 0..periods {
                let u = m.upper_of(flow(k, t));
                if u <= 0.0 {
                    continue;
                }
                let mut terms = vec![(flow(k, t), 1.0)];
                terms.extend(pc.open.iter().map(|&z| (z, -u)));
                m.at_most(0.0, terms);
            }
        }
    }
    let opens = v.plants.iter().map(|pc| (pc.plant, pc.open.as_slice()));
    group_rows(s, opens, m);
}

/// The plan of a solved model by period: each link's flows by period (0
/// unless built) and their annual sum, the stores' use; a link, plant size
/// or store built that the flows do not need is dropped, and with
/// `charges_count` its charge is added back to the objective (as the annual
/// model's plans are read).
fn read(s: &Scenario, v: &Vars, net: &Network, solved: &Solved, charges_count: bool) -> Solution {
    let periods = v.periods;
    let n = net.links.len();
    let mut flows = Vec::with_capacity(n);
    let mut built = Vec::with_capacity(n);
    let mut by_period = Vec::with_capacity(n * periods);
    let mut dropped = 0.0;
    for (k, l) in net.links.iter().enumerate() {
        let y = solved.value(v.y[k]) > 0.5;
        let mut annual = 0.0;
        for t in 0..periods {
            let x = if y {
                clean(solved.value(v.x[k * periods + t])).max(0.0)
            } else {
                0.0
            };
            annual += x;
            by_period.push(x);
        }
        let keep = annual > 0.0 || l.is_mandatory();
        if y && !keep && charges_count {
            dropped += l.fixed_charge_per_year();
        }
        flows.push(annual);
        built.push(y && keep);
    }
    if charges_count {
        for pc in &v.plants {
            let rate = peak_rate(s, pc.throughput.iter().map(|&c| clean(solved.value(c))));
            let value = |c: Column| solved.value(c);
            dropped += charge_beyond_need(&pc.terms, &pc.open, rate, pc.mandatory, value);
        }
    }
    let mut stores = Vec::with_capacity(v.stores.len());
    for sc in &v.stores {
        let existing = s.stores[sc.store.0].status == StoreStatus::Existing;
        let on = solved.value(sc.built) > 0.5;
        // A store not built holds and moves nothing (as a link not built
        // carries nothing): what the solver leaves within its tolerances
        // on `w_s ≈ 0` is not a use.
        let values = |cols: &[Column]| -> Vec<f64> {
            cols.iter()
                .map(|&c| match existing || on {
                    true => clean(solved.value(c)).max(0.0),
                    false => 0.0,
                })
                .collect()
        };
        let (level, charge, discharge) =
            (values(&sc.level), values(&sc.charge), values(&sc.discharge));
        let used = level
            .iter()
            .chain(&charge)
            .chain(&discharge)
            .any(|&q| q > 0.0);
        if on && !used && !existing && charges_count {
            dropped += sc.charge_per_year;
        }
        stores.push(StoreUse {
            store: sc.store,
            built: existing || (on && used),
            level,
            charge,
            discharge,
        });
    }
    let by_period = ByPeriod {
        periods,
        flows: by_period,
        stores,
    };
    super::model::solution_of(solved, dropped, flows, built, by_period)
}

/// A plant's peak rate: the largest of its throughputs by period over the
/// period's share (units a year at that pace), what its size must hold.
pub(crate) fn peak_rate(s: &Scenario, throughputs: impl Iterator<Item = f64>) -> f64 {
    throughputs
        .zip(&s.periods)
        .map(|(t, p)| t / p.share)
        .fold(0.0, f64::max)
}
