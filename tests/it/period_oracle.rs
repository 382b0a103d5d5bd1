//! The brute-force oracle with periods and a store (issue 31, item 5): the
//! tiny instances of [`super::oracle`] over 2 or 3 periods of random shares,
//! each with its own energy price, streams with profiles (factors, some 0,
//! or explicit quantities), inputs with prices by period, and at most one
//! store at an output's or an input's site, candidate or existing.
//!
//! The oracle recomputes every coefficient from the raw figures (each
//! stream's units in each period from its profile, each link's margin at the
//! period's energy and input prices, the annual charges with the capital
//! recovery factor), enumerates every subset of built links and, for a
//! candidate store, whether it is built, solves each choice's LP over the
//! flows by period and the store's stock, charge and discharge with the
//! two-phase dense simplex [`super::oracle::lp_max`], and keeps the best.
//! symbio at `gap: 0` must find it, as one MILP and part by part; its plans
//! must hold in every period when read back from their flows by period and
//! stores, and be worth their objective at the oracle's coefficients.
//!
//! Every generated instance passes validation (none is skipped). An existing
//! store that no link of symbio's network reaches is bad input (its fixed
//! cost would be paid whatever the plan): such an instance must be refused
//! with the problem named ([`Instance::reached`]).

use std::path::Path;

use proptest::prelude::*;
use symbio::domain::StoreStatus;
use symbio::model::Reduce;
use symbio::scenario::schema::{PeriodFile, ProfileFile, StoreFile};
use symbio::SolveOptions;

use crate::oracle::{crf, lp_max, matches_oracle, OLink};

/// A stream's profile: factors (its rate relative to the other periods'),
/// or the weights of explicit quantities that sum to its annual quantity.
#[derive(Debug, Clone)]
enum Profile {
    Factors(Vec<f64>),
    Quantities(Vec<f64>),
}

/// The one store: where it stands (output `k`, or input `k − outputs`), its
/// capacity, charge and discharge limits (units a year), loss per period,
/// cost per unit charged, whether it exists, capex, lifetime and fixed cost.
#[derive(Debug, Clone)]
struct Store {
    at: usize,
    capacity: f64,
    max_charge: Option<f64>,
    max_discharge: Option<f64>,
    loss: f64,
    cost: f64,
    existing: bool,
    capex: f64,
    lifetime: f64,
    fixed: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Instance {
    /// Outputs, inputs, rule, modes, parameters and link statuses.
    base: crate::oracle::Instance,
    shares: Vec<f64>,
    /// Each period's energy price, or the parameters'.
    energy_prices: Vec<Option<f64>>,
    output_profiles: Vec<Option<Profile>>,
    input_profiles: Vec<Option<Profile>>,
    /// Each input's prices by period, or its price all year.
    input_prices: Vec<Option<Vec<f64>>>,
    store: Option<Store>,
}

/// Factors or weights of `periods` periods, some 0, not all.
fn profile(periods: usize) -> impl Strategy<Value = Profile> {
    let factor = prop_oneof![1 => Just(0.0), 3 => 0.1..3.0f64];
    let factors = proptest::collection::vec(factor, periods).prop_map(|mut f| {
        if f.iter().all(|&x| x == 0.0) {
            f[0] = 1.0;
        }
        f
    });
    prop_oneof![
        3 => factors.clone().prop_map(Profile::Factors),
        1 => factors.prop_map(Profile::Quantities),
    ]
}

fn store(places: usize) -> impl Strategy<Value = Store> {
    (
        0..places,
        1.0..80.0f64,
        proptest::option::of(1.0..200.0f64),
        proptest::option::of(1.0..200.0f64),
        prop_oneof![Just(0.0), 0.0..0.5f64],
        prop_oneof![Just(0.0), 0.0..5.0f64],
        proptest::bool::weighted(0.25),
        0.0..2000.0f64,
        5.0..30.0f64,
        0.0..300.0f64,
    )
        .prop_map(|s| Store {
            at: s.0,
            capacity: s.1,
            max_charge: s.2,
            max_discharge: s.3,
            loss: s.4,
            cost: s.5,
            existing: s.6,
            capex: if s.6 { 0.0 } else { s.7 },
            lifetime: s.8,
            fixed: s.9,
        })
}

/// Instances of [`crate::oracle::instance`] (a rule's max share of 1 half
/// the time) over 2 or 3 periods.
pub(crate) fn instance() -> impl Strategy<Value = Instance> {
    (
        crate::oracle::instance(),
        any::<bool>(),
        crate::periods::shares(2..=3),
    )
        .prop_flat_map(|(mut base, whole, shares)| {
            if whole {
                base.max_share = 1.0;
            }
            let (np, no, ni) = (shares.len(), base.outputs.len(), base.inputs.len());
            let profiles = |n| proptest::collection::vec(proptest::option::of(profile(np)), n);
            (
                Just(base),
                Just(shares),
                proptest::collection::vec(proptest::option::of(0.0..20.0f64), np),
                profiles(no),
                profiles(ni),
                proptest::collection::vec(
                    proptest::option::of(proptest::collection::vec(0.0..60.0f64, np)),
                    ni,
                ),
                proptest::option::weighted(0.7, store(no + ni)),
            )
        })
        .prop_map(|t| Instance {
            base: t.0,
            shares: t.1,
            energy_prices: t.2,
            output_profiles: t.3,
            input_profiles: t.4,
            input_prices: t.5,
            store: t.6,
        })
}

/// One period as the oracle sees it: share, energy price, each output's and
/// input's units and each input's price.
struct Period {
    share: f64,
    energy_price: f64,
    supply: Vec<f64>,
    demand: Vec<f64>,
    prices: Vec<f64>,
}

/// The stream a store works on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Output(usize),
    Input(usize),
}

impl Instance {
    fn period_id(t: usize) -> String {
        format!("p{t}")
    }

    fn table(values: &[f64]) -> std::collections::BTreeMap<String, f64> {
        values
            .iter()
            .enumerate()
            .map(|(t, &v)| (Self::period_id(t), v))
            .collect()
    }

    /// Explicit quantities of `quantity` by `weights`.
    fn explicit(quantity: f64, weights: &[f64]) -> Vec<f64> {
        let total: f64 = weights.iter().sum();
        weights.iter().map(|w| quantity * w / total).collect()
    }

    fn place(&self, store: &Store) -> Place {
        let no = self.base.outputs.len();
        if store.at < no {
            Place::Output(store.at)
        } else {
            Place::Input(store.at - no)
        }
    }

    pub(crate) fn scenario_file(&self) -> symbio::scenario::schema::ScenarioFile {
        let mut file = self.base.scenario_file();
        file.periods = self
            .shares
            .iter()
            .zip(&self.energy_prices)
            .enumerate()
            .map(|(t, (&share, &energy_price))| PeriodFile {
                id: Self::period_id(t),
                name: None,
                share: Some(share),
                hours: None,
                energy_price,
                replace: false,
                source: None,
            })
            .collect();
        let profile = |site: String, quantity: f64, p: &Option<Profile>| {
            let mut file = ProfileFile {
                site,
                output: None,
                input: None,
                factors: Default::default(),
                quantities: Default::default(),
                prices: Default::default(),
                source: None,
            };
            match p {
                Some(Profile::Factors(f)) => file.factors = Self::table(f),
                Some(Profile::Quantities(w)) => {
                    file.quantities = Self::table(&Self::explicit(quantity, w))
                }
                None => {}
            }
            file
        };
        for (k, p) in self.output_profiles.iter().enumerate() {
            if p.is_some() {
                let mut f = profile(format!("s{k}"), self.base.outputs[k].2, p);
                f.output = Some("w".into());
                file.profiles.push(f);
            }
        }
        for (k, (p, prices)) in self
            .input_profiles
            .iter()
            .zip(&self.input_prices)
            .enumerate()
        {
            if p.is_some() || prices.is_some() {
                let mut f = profile(format!("r{k}"), self.base.inputs[k].2, p);
                f.input = Some("v".into());
                f.prices = prices.as_deref().map(Self::table).unwrap_or_default();
                file.profiles.push(f);
            }
        }
        if let Some(st) = &self.store {
            let (site, material) = match self.place(st) {
                Place::Output(o) => (format!("s{o}"), "waste"),
                Place::Input(i) => (format!("r{i}"), "virgin"),
            };
            file.stores.push(StoreFile {
                id: "st".into(),
                name: None,
                site: Some(site),
                plant: None,
                material: material.into(),
                capacity: Some(st.capacity),
                max_charge: st.max_charge,
                max_discharge: st.max_discharge,
                loss_per_period: st.loss,
                cost_per_unit_charged: st.cost,
                status: if st.existing {
                    StoreStatus::Existing
                } else {
                    StoreStatus::Candidate
                },
                capex: st.capex,
                lifetime_years: (!st.existing).then_some(st.lifetime),
                fixed_cost_per_year: st.fixed,
                replace: false,
                source: None,
            });
        }
        file
    }

    fn symbio(&self, decompose: bool, reduce: Reduce) -> symbio::Plan {
        let json = serde_json::to_string(&self.scenario_file()).unwrap();
        let scenario = symbio::scenario::read_str(Path::new("period_oracle.json"), &json)
            .expect("generated instances are valid");
        let options = SolveOptions {
            gap: 0.0,
            decompose,
            reduce,
            ..SolveOptions::default()
        };
        symbio::solve(&scenario, &options).expect("solves")
    }

    /// A stream's units in each period, from its annual quantity and profile.
    fn by_period(&self, quantity: f64, profile: &Option<Profile>) -> Vec<f64> {
        match profile {
            None => self.shares.iter().map(|s| quantity * s).collect(),
            Some(Profile::Factors(f)) => {
                let total: f64 = self.shares.iter().zip(f).map(|(s, f)| s * f).sum();
                self.shares
                    .iter()
                    .zip(f)
                    .map(|(s, f)| quantity * s * f / total)
                    .collect()
            }
            Some(Profile::Quantities(w)) => Self::explicit(quantity, w),
        }
    }

    fn periods(&self) -> Vec<Period> {
        let b = &self.base;
        let supply: Vec<Vec<f64>> = b
            .outputs
            .iter()
            .zip(&self.output_profiles)
            .map(|(o, p)| self.by_period(o.2, p))
            .collect();
        let demand: Vec<Vec<f64>> = b
            .inputs
            .iter()
            .zip(&self.input_profiles)
            .map(|(i, p)| self.by_period(i.2, p))
            .collect();
        (0..self.shares.len())
            .map(|t| Period {
                share: self.shares[t],
                energy_price: self.energy_prices[t].unwrap_or(b.energy_price),
                supply: supply.iter().map(|q| q[t]).collect(),
                demand: demand.iter().map(|q| q[t]).collect(),
                prices: b
                    .inputs
                    .iter()
                    .zip(&self.input_prices)
                    .map(|(i, p)| p.as_ref().map_or(i.3, |p| p[t]))
                    .collect(),
            })
            .collect()
    }

    /// The store's annual charge when used: fixed cost and annualised capex.
    fn store_charge(&self, st: &Store) -> f64 {
        st.fixed + st.capex * crf(self.base.discount_rate, st.lifetime)
    }

    /// What a unit taken out of the store in a period is worth beyond its
    /// arrival: the purchase it displaces then, carbon valued (0 at an output).
    fn worth(&self, st: &Store, period: &Period) -> f64 {
        match self.place(st) {
            Place::Output(_) => 0.0,
            Place::Input(i) => period.prices[i] + self.base.carbon_price * self.base.inputs[i].4,
        }
    }

    /// Most the store takes in (or gives out) in a period: its capacity, or
    /// its rate limit × the period's share.
    fn room(st: &Store, limit: Option<f64>, period: &Period) -> f64 {
        limit.map_or(st.capacity, |r| (r * period.share).min(st.capacity))
    }

    /// The best net benefit over every subset of built links and, for a
    /// candidate store, built or not (`None` when nothing is feasible).
    fn oracle(&self) -> Option<f64> {
        let periods = self.periods();
        let links: Vec<Vec<OLink>> = periods
            .iter()
            .map(|p| self.base.oracle_links_at(p.energy_price, &p.prices))
            .collect();
        let n = links[0].len();
        // An existing store is always used (one that symbio's network does
        // not reach is refused before the oracle is asked).
        let store_choices: &[bool] = match &self.store {
            None => &[false],
            Some(st) if st.existing => &[true],
            Some(_) => &[false, true],
        };
        let mut best: Option<f64> = None;
        for mask in 0u32..(1 << n) {
            if links[0]
                .iter()
                .enumerate()
                .any(|(k, l)| l.mandatory && mask & (1 << k) == 0)
            {
                continue;
            }
            let chosen: Vec<usize> = (0..n).filter(|k| mask & (1 << k) != 0).collect();
            for &store_on in store_choices {
                if let Some(v) = self.choice_lp(&periods, &links, &chosen, store_on) {
                    best = Some(best.map_or(v, |b: f64| b.max(v)));
                }
            }
        }
        best
    }

    /// The best net benefit with the links `chosen` built and the store
    /// used or not: flows by period, and the store's stock, charge and
    /// discharge, under each period's supply, demand, shares and capacities.
    fn choice_lp(
        &self,
        periods: &[Period],
        links: &[Vec<OLink>],
        chosen: &[usize],
        store_on: bool,
    ) -> Option<f64> {
        let np = periods.len();
        let store = self.store.as_ref().filter(|_| store_on);
        let x = |j: usize, t: usize| j * np + t;
        // The store's columns: level, charge, discharge in period t.
        let base = chosen.len() * np;
        let (level, charge, discharge) = (
            move |t: usize| base + t,
            move |t: usize| base + np + t,
            move |t: usize| base + 2 * np + t,
        );
        let n = base + if store.is_some() { 3 * np } else { 0 };
        let mut rows: Vec<(Vec<f64>, f64)> = Vec::new();
        let mut row = |terms: &[(usize, f64)], b: f64| {
            let mut a = vec![0.0; n];
            for &(j, v) in terms {
                a[j] += v;
            }
            rows.push((a, b));
        };
        let place = store.map(|st| self.place(st));
        let b = &self.base;
        for (t, period) in periods.iter().enumerate() {
            let link = |j: usize| &links[t][chosen[j]];
            // Supply: Σ x + c − d ≤ Q_ot with a store at the output.
            for (o, &q) in period.supply.iter().enumerate() {
                let mut terms: Vec<(usize, f64)> = (0..chosen.len())
                    .filter(|&j| link(j).output == o)
                    .map(|j| (x(j, t), 1.0))
                    .collect();
                if place == Some(Place::Output(o)) {
                    terms.extend([(charge(t), 1.0), (discharge(t), -1.0)]);
                }
                row(&terms, q);
            }
            // Demand: 0 ≤ Σ βx − c + d ≤ D_it with a store at the input (else
            // only ≤); the rule's share of what arrives.
            for (i, &d) in period.demand.iter().enumerate() {
                let arriving: Vec<(usize, f64)> = (0..chosen.len())
                    .filter(|&j| link(j).input == i)
                    .map(|j| (x(j, t), link(j).displaced))
                    .collect();
                let mut used = arriving.clone();
                if place == Some(Place::Input(i)) {
                    used.extend([(charge(t), -1.0), (discharge(t), 1.0)]);
                    let negated: Vec<(usize, f64)> = used.iter().map(|&(j, v)| (j, -v)).collect();
                    row(&negated, 0.0);
                }
                row(&used, d);
                if b.max_share < 1.0 {
                    row(&arriving, b.max_share * d);
                }
            }
            // Capacity as a rate.
            for j in 0..chosen.len() {
                if link(j).capacity.is_finite() {
                    row(&[(x(j, t), 1.0)], link(j).capacity * period.share);
                }
            }
        }
        // A recorded flow is the year's: Σ_t x_lt = q.
        for (j, &k) in chosen.iter().enumerate() {
            if let Some(q) = links[0][k].fixed_flow {
                let year: Vec<(usize, f64)> = (0..np).map(|t| (x(j, t), 1.0)).collect();
                row(&year, q);
                let negated: Vec<(usize, f64)> = (0..np).map(|t| (x(j, t), -1.0)).collect();
                row(&negated, -q);
            }
        }
        let mut c = vec![0.0; n];
        let mut constant: f64 = -chosen.iter().map(|&k| links[0][k].charge).sum::<f64>();
        for (j, &k) in chosen.iter().enumerate() {
            for t in 0..np {
                c[x(j, t)] = links[t][k].value;
            }
        }
        if let Some(st) = store {
            constant -= self.store_charge(st);
            for (t, period) in periods.iter().enumerate() {
                // Cyclic stock: s_t − (1 − λ) s_{t−1} − c_t + d_t = 0.
                let before = (t + np - 1) % np;
                let balance = [
                    (level(t), 1.0),
                    (level(before), -(1.0 - st.loss)),
                    (charge(t), -1.0),
                    (discharge(t), 1.0),
                ];
                row(&balance, 0.0);
                row(&balance.map(|(j, v)| (j, -v)), 0.0);
                row(&[(level(t), 1.0)], st.capacity);
                row(&[(charge(t), 1.0)], Self::room(st, st.max_charge, period));
                row(
                    &[(discharge(t), 1.0)],
                    Self::room(st, st.max_discharge, period),
                );
                let worth = self.worth(st, period);
                c[charge(t)] = -st.cost - worth;
                c[discharge(t)] = worth;
            }
        }
        lp_max(&c, &rows).map(|v| v + constant)
    }
}

/// `a ≤ b` up to the rounding of a plan's figures to nine digits.
fn at_most(a: f64, b: f64) -> bool {
    // HiGHS's feasibility tolerance (1e-7) holds on its scaled rows: on the
    // rows as written a plan can pass a limit by a few times that.
    a <= b + 1e-6 * (1.0 + a.abs().max(b.abs()))
}

impl Instance {
    /// Whether symbio's candidate network has a link on the store's stream:
    /// symbio leaves a store it does not reach out of the model, and with it
    /// an existing store's fixed cost (see [`Instance::oracle`]).
    fn reached(&self) -> bool {
        let Some(st) = &self.store else {
            return false;
        };
        let json = serde_json::to_string(&self.scenario_file()).unwrap();
        let s = symbio::scenario::read_str(Path::new("period_oracle.json"), &json).unwrap();
        // An existing store it does not reach is named as bad input.
        let Ok(net) = symbio::network::build(&s) else {
            return false;
        };
        net.links.iter().any(|l| match self.place(st) {
            Place::Output(o) => l.output.0 == o,
            Place::Input(i) => l.input.0 == i,
        })
    }

    /// Reads a plan back: each link's flows by period and the store's
    /// levels, charges and discharges hold every period's supply, demand,
    /// share, capacity × share, recorded flow and the cyclic stock, and are
    /// worth the plan's objective at the oracle's coefficients.
    fn check_plan(&self, plan: &symbio::Plan) -> Result<(), TestCaseError> {
        let periods = self.periods();
        let np = periods.len();
        let links: Vec<Vec<OLink>> = periods
            .iter()
            .map(|p| self.base.oracle_links_at(p.energy_price, &p.prices))
            .collect();
        let (no, ni) = (self.base.outputs.len(), self.base.inputs.len());
        let mut sent = vec![vec![0.0; np]; no];
        let mut arriving = vec![vec![0.0; np]; ni];
        let mut value = 0.0;
        // The size of the terms summed, against which the plan's rounding
        // to nine digits is measured.
        let mut scale = 1.0;
        prop_assert_eq!(plan.periods.len(), np);
        let index = |id: &str| id[1..].parse::<usize>().unwrap();
        for pl in &plan.links {
            let (o, i, m) = (
                index(&pl.key.from_site),
                index(&pl.key.to_site),
                index(&pl.key.mode),
            );
            let k = links[0]
                .iter()
                .position(|l| (l.output, l.input, l.mode) == (o, i, m));
            let k = k.ok_or_else(|| TestCaseError::fail(format!("{} is no link", pl.key)))?;
            prop_assert_eq!(pl.by_period.len(), np);
            let year: f64 = pl.by_period.iter().sum();
            prop_assert!(
                (year - pl.flow).abs() <= 1e-6 * (1.0 + year),
                "{}: {:?} {}",
                pl.key,
                pl.by_period,
                pl.flow
            );
            if let Some(q) = links[0][k].fixed_flow {
                prop_assert!(
                    (year - q).abs() <= 1e-6 * (1.0 + q),
                    "{}: recorded {} sent {}",
                    pl.key,
                    q,
                    year
                );
            }
            value -= links[0][k].charge;
            for (t, &x) in pl.by_period.iter().enumerate() {
                let l = &links[t][k];
                prop_assert!(at_most(0.0, x), "{}: {:?}", pl.key, pl.by_period);
                prop_assert!(
                    at_most(x, l.capacity * periods[t].share),
                    "{}: {} in period {}",
                    pl.key,
                    x,
                    t
                );
                sent[o][t] += x;
                arriving[i][t] += l.displaced * x;
                value += l.value * x;
                scale += (l.value * x).abs();
            }
        }
        // The store's net charge by period at its stream: c − d.
        let mut net_in = vec![0.0; np];
        let place = self.store.as_ref().map(|st| self.place(st));
        prop_assert!(plan.stores.len() <= 1);
        if let (Some(st), Some(ps)) = (&self.store, plan.stores.first()) {
            prop_assert!(
                ps.built
                    || ps
                        .level
                        .iter()
                        .chain(&ps.charge)
                        .chain(&ps.discharge)
                        .all(|&q| q == 0.0)
            );
            if ps.built {
                value -= self.store_charge(st);
            }
            for (t, period) in periods.iter().enumerate() {
                let before = ps.level[(t + np - 1) % np];
                let (h, c, d) = (ps.level[t], ps.charge[t], ps.discharge[t]);
                let kept = (1.0 - st.loss) * before + c - d;
                prop_assert!(
                    (h - kept).abs() <= 1e-6 * (1.0 + h),
                    "stock {:?} {:?} {:?}",
                    ps.level,
                    ps.charge,
                    ps.discharge
                );
                prop_assert!(at_most(0.0, h.min(c).min(d)) && at_most(h, st.capacity));
                prop_assert!(
                    at_most(c, Self::room(st, st.max_charge, period)),
                    "charge {:?}",
                    ps.charge
                );
                prop_assert!(
                    at_most(d, Self::room(st, st.max_discharge, period)),
                    "discharge {:?}",
                    ps.discharge
                );
                net_in[t] = c - d;
                let worth = self.worth(st, period);
                value += worth * (d - c) - st.cost * c;
                scale += worth * (d + c) + st.cost * c;
            }
        }
        for (t, period) in periods.iter().enumerate() {
            let at = |p: Place| if place == Some(p) { net_in[t] } else { 0.0 };
            for (o, &supply) in period.supply.iter().enumerate() {
                let out = sent[o][t] + at(Place::Output(o));
                prop_assert!(
                    at_most(out, supply),
                    "output {} period {}: {} out of {}",
                    o,
                    t,
                    out,
                    supply
                );
            }
            for (i, &demand) in period.demand.iter().enumerate() {
                let used = arriving[i][t] - at(Place::Input(i));
                // What is used is a difference of what arrives and what a
                // store takes: the solver's tolerance is on the size of the
                // row (its terms and its bound, the demand).
                let size = arriving[i][t].abs() + at(Place::Input(i)).abs() + demand.abs();
                prop_assert!(
                    used >= -1e-6 * (1.0 + size) && used <= demand + 1e-6 * (1.0 + size),
                    "input {} period {}: {} used of {}",
                    i,
                    t,
                    used,
                    demand
                );
                // A rule's share of 1 leaves what arrives to the demand row
                // (a store may take in more).
                let share = self.base.max_share * demand;
                prop_assert!(
                    self.base.max_share == 1.0 || at_most(arriving[i][t], share),
                    "input {} period {}: {} arrive, share {}",
                    i,
                    t,
                    arriving[i][t],
                    share
                );
            }
        }
        let objective = plan.objective.unwrap();
        prop_assert!(
            (value - objective).abs() <= 1e-7 * (scale + objective.abs()),
            "the plan is worth {} at the oracle's coefficients, its objective {}",
            value,
            objective
        );
        Ok(())
    }
}

proptest! {
    // 1,500 cases: about 6 s in a debug build on 2 cores.
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn symbio_matches_the_brute_force_oracle_by_period(inst in instance()) {
        if inst.store.as_ref().is_some_and(|st| st.existing) && !inst.reached() {
            // An existing store no link reaches is bad input, named.
            let json = serde_json::to_string(&inst.scenario_file()).unwrap();
            let s = symbio::scenario::read_str(Path::new("period_oracle.json"), &json).unwrap();
            let e = symbio::solve(&s, &SolveOptions::default()).unwrap_err();
            prop_assert!(e.to_string().contains("this existing store has no candidate link"), "{}", e);
            return Ok(());
        }
        let best = inst.oracle();
        for (decompose, reduce) in [
            (true, Reduce::Auto),
            (false, Reduce::Never),
            (true, Reduce::Always),
        ] {
            let plan = inst.symbio(decompose, reduce);
            let how = format!("decompose {decompose}, reduce {reduce:?}");
            matches_oracle(&plan, best, &how)?;
            if best.is_some() {
                inst.check_plan(&plan)?;
            }
        }
    }
}

/// Sending in a period of cheap energy and a low input price, and using it
/// from a store in a period of a high price, pays, though the link's margin
/// is negative in every period on its own: 10 km at 1 a unit-km and 0.1
/// GJ/unit-km, prices 5 then 25, energy 0 then 20, so −5 in each period;
/// through the store, 5 units for −10 + 25 each: 75.
#[test]
fn a_link_that_pays_only_through_a_store_is_not_pruned() {
    let base = crate::oracle::Instance {
        outputs: vec![(0.0, 0.0, 10.0, 0.0, 0.0)],
        inputs: vec![(10.0, 0.0, 10.0, 0.0, 0.0)],
        ratio: 1.0,
        max_share: 1.0,
        processing: (0.0, 0.0),
        modes: vec![(1.0, 0.1, 0.0, 0.0, 0.0, 0.0, 10.0, None, None)],
        carbon_price: 0.0,
        energy_price: 0.0,
        discount_rate: 0.05,
        circuity: 1.0,
        statuses: vec![(symbio::domain::LinkStatus::Candidate, None)],
    };
    let inst = Instance {
        base,
        shares: vec![0.5, 0.5],
        energy_prices: vec![Some(0.0), Some(20.0)],
        output_profiles: vec![None],
        input_profiles: vec![Some(Profile::Factors(vec![0.0, 1.0]))],
        input_prices: vec![Some(vec![5.0, 25.0])],
        store: Some(Store {
            at: 1,
            capacity: 20.0,
            max_charge: None,
            max_discharge: None,
            loss: 0.0,
            cost: 0.0,
            existing: false,
            capex: 0.0,
            lifetime: 10.0,
            fixed: 0.0,
        }),
    };
    let best = inst.oracle().unwrap();
    assert!((best - 75.0).abs() < 1e-9, "{best}");
    let plan = inst.symbio(true, Reduce::Always);
    assert_eq!(plan.objective, Some(75.0));
}
