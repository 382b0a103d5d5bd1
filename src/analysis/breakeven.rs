//! Break-even values: for each candidate link, the value of one scenario field at
//! which the link enters or leaves the optimal plan, and for each plant, the
//! value at which it opens, closes or changes size.
//!
//! The field (any numeric field, by path: `parameters.carbon_price`) is set on the
//! loaded file, which is validated, turned into a network and solved, at every
//! point of a grid over the range; then every grid cell whose two ends choose
//! different links (or open different plants, or one at another size) is bisected, all such cells at once, until it is no wider than
//! the tolerance. A cell whose midpoint agrees with one end is dropped on that side,
//! and one that disagrees with both is split in two, so links that switch several
//! times are followed through each switch. A link that enters and leaves again
//! within one grid cell is not seen: refine the grid (`steps`) for that.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::point::solve_point;
use crate::error::Error;
use crate::link_key::LinkKey;
use crate::model::SolveOptions;
use crate::parallel::Pool;
use crate::plan::round;
use crate::scenario::load::Loaded;
use crate::scenario::path::FieldPath;
use crate::scenario::validate;

/// Options of a break-even search.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakevenOptions {
    /// Field path of the parameter.
    pub param: String,
    /// Start of the range.
    pub from: f64,
    /// End of the range (> `from`).
    pub to: f64,
    /// Grid cells over the range (the grid has `steps + 1` points).
    pub steps: usize,
    /// Width below which a bisected interval is final; the reported value is its
    /// midpoint, within `tol / 2` of the solver's switch point.
    pub tol: f64,
    /// Solves run at once (each with one HiGHS thread).
    pub threads: usize,
    /// Options of each solve (its `threads` is ignored: always 1).
    pub solve: SolveOptions,
}

/// Which way a link switches as the parameter rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Out of the plan below the value, in above it.
    Enters,
    /// In the plan below the value, out above it.
    Leaves,
}

/// A link entering or leaving the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Break-even value: the middle of [`low`, `high`].
    pub value: f64,
    /// Largest value found on the old side.
    pub low: f64,
    /// Smallest value found on the new side.
    pub high: f64,
    /// Enters or leaves.
    pub change: Change,
    /// The link.
    pub link: LinkKey,
}

/// How a plant switches as the parameter rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantChange {
    /// Closed below the value, open above it.
    Opens,
    /// Open below the value, closed above it.
    Closes,
    /// Open on both sides, at another size above the value.
    Resizes,
}

/// A plant opening, closing or changing size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantEvent {
    /// Break-even value: the middle of [`low`, `high`].
    pub value: f64,
    /// Largest value found on the old side.
    pub low: f64,
    /// Smallest value found on the new side.
    pub high: f64,
    /// Opens, closes or resizes.
    pub change: PlantChange,
    /// Plant id.
    pub plant: String,
    /// Its size below the value (null when closed there).
    pub size_before: Option<String>,
    /// Its size above the value (null when closed there).
    pub size_after: Option<String>,
}

/// The plants' switches over the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantSwitches {
    /// Plants opening, closing or changing size, by value (then plant).
    pub events: Vec<PlantEvent>,
    /// Plants open at every value tried (at whatever size).
    pub always_open: Vec<String>,
    /// Plants open at no value tried.
    pub never_open: Vec<String>,
}

/// A store built on one side of a value and not on the other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreEvent {
    /// Break-even value: the middle of [`low`, `high`].
    pub value: f64,
    /// Largest value found on the old side.
    pub low: f64,
    /// Smallest value found on the new side.
    pub high: f64,
    /// Whether it is built above the value (`true`) or below it (`false`).
    pub built_above: bool,
    /// Store id.
    pub store: String,
}

/// The stores' switches over the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreSwitches {
    /// Stores built on one side of a value only, by value (then store).
    pub events: Vec<StoreEvent>,
    /// Stores built at every value tried.
    pub always_built: Vec<String>,
    /// Stores built at no value tried.
    pub never_built: Vec<String>,
}

/// The result of a break-even search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    /// Scenario name.
    pub scenario: String,
    /// Currency of money figures.
    pub currency: String,
    /// Field path searched.
    pub param: String,
    /// Its value in the file (`None` when the optional field is unset).
    pub file_value: Option<f64>,
    /// Start of the range.
    pub from: f64,
    /// End of the range.
    pub to: f64,
    /// Grid cells.
    pub steps: usize,
    /// Tolerance on the interval of each switch.
    pub tolerance: f64,
    /// Solves made.
    pub solves: usize,
    /// Switches, by value (then link).
    pub events: Vec<Event>,
    /// Links in the plan at every value tried.
    pub always: Vec<LinkKey>,
    /// Candidate links (at some value) in the plan at no value tried.
    pub never: Vec<LinkKey>,
    /// Of a scenario with plants, the plants' switches (absent without plants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plants: Option<PlantSwitches>,
    /// Of a scenario with stores, the stores' switches (absent without).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stores: Option<StoreSwitches>,
}

/// What a plan chooses: its links, the size of each plant it opens (by
/// plant id) and the stores it builds. Two values whose plans choose the same
/// have no switch between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Choice {
    links: BTreeSet<LinkKey>,
    plants: BTreeMap<String, String>,
    stores: BTreeSet<String>,
}

/// An interval being bisected.
struct Cell {
    lo: f64,
    hi: f64,
    at_lo: Choice,
    at_hi: Choice,
}

/// Runs the search: solves the grid, bisects the cells whose ends choose different
/// links until each is within the tolerance, and reads the switches off the final
/// cells and the links in or out at every value tried off the tally of the solves.
pub fn search(loaded: &Loaded, o: &BreakevenOptions) -> Result<BreakEven, Error> {
    let param = check(loaded, o)?;
    // Rounded as every reported figure: a file's 0.234 read through a currency
    // rate is not shown as 0.23399999999999999.
    let file_value = param.get(loaded).map(round);
    let base = validate::validate(loaded)?;
    let mut runner = Runner {
        loaded,
        param,
        name: &o.param,
        solve: o.solve.one_thread(),
        pool: Pool::new(o.threads)?,
        solves: 0,
        candidates: BTreeSet::new(),
        seen: BTreeMap::new(),
        opened: BTreeMap::new(),
    };
    let grid = grid(o);
    let at = runner.run(&grid)?;
    let done = bisect(&mut runner, changing_cells(&grid, &at), o.tol)?;
    let (always, never) = runner.always_and_never();
    let stores = (!base.stores.is_empty()).then(|| {
        let ids: Vec<&str> = base.stores.iter().map(|q| q.id.as_str()).collect();
        let (always_built, never_built) = runner.built_always_and_never(&ids);
        StoreSwitches {
            events: store_events(&done),
            always_built,
            never_built,
        }
    });
    let plants = (!base.plants.is_empty()).then(|| {
        let ids: Vec<&str> = base.plants.iter().map(|p| p.id.as_str()).collect();
        let (always_open, never_open) = runner.open_always_and_never(&ids);
        PlantSwitches {
            events: plant_events(&done),
            always_open,
            never_open,
        }
    });
    Ok(BreakEven {
        scenario: base.name.clone(),
        currency: base.currency.clone(),
        param: o.param.clone(),
        file_value,
        from: o.from,
        to: o.to,
        steps: o.steps,
        tolerance: o.tol,
        solves: runner.solves,
        events: events(&done),
        always,
        never,
        plants,
        stores,
    })
}

/// Checks the options: a field path of the loaded file, a range from a smaller to
/// a larger finite number, at least one grid cell and a positive tolerance.
fn check(loaded: &Loaded, o: &BreakevenOptions) -> Result<FieldPath, Error> {
    let param =
        FieldPath::new(loaded, &o.param).map_err(|e| Error::option("param", e.to_string()))?;
    if !(o.from.is_finite() && o.to.is_finite() && o.from < o.to) {
        return Err(Error::option(
            "range",
            format!(
                "must go from a smaller to a larger number, got {}..{}",
                o.from, o.to
            ),
        ));
    }
    if o.steps == 0 {
        return Err(Error::option("steps", "must be at least 1"));
    }
    if !(o.tol.is_finite() && o.tol > 0.0) {
        return Err(Error::option(
            "tolerance",
            format!("must be a number > 0, got {}", o.tol),
        ));
    }
    Ok(param)
}

/// Solves the scenario at values of the parameter and keeps the tally of the
/// search: solves made, links seen as candidates or chosen, and at how many of
/// the values tried each link was in the plan.
struct Runner<'a> {
    loaded: &'a Loaded,
    param: FieldPath,
    /// The parameter's path as given, for messages.
    name: &'a str,
    solve: SolveOptions,
    pool: Pool,
    solves: usize,
    candidates: BTreeSet<LinkKey>,
    seen: BTreeMap<LinkKey, usize>,
    /// At how many of the values tried each plant was open, by plant id,
    /// and each store built, by store id (ids of plants and stores are
    /// told apart by the caller, which asks for one kind at a time).
    opened: BTreeMap<String, usize>,
}

impl Runner<'_> {
    /// What the plan chooses at each value, solved in parallel; an error if one
    /// value has no feasible plan.
    fn run(&mut self, values: &[f64]) -> Result<Vec<Choice>, Error> {
        let results = self.pool.map(values, |&v| {
            solve_point(self.loaded, &[(self.param.clone(), v)], &self.solve)
        });
        let mut out = Vec::with_capacity(values.len());
        for (v, r) in values.iter().zip(results) {
            let r = r?;
            if !r.plan.status.has_plan() {
                return Err(Error::NoPlan(format!(
                    "no feasible plan with {} = {v}",
                    self.name
                )));
            }
            let chosen: BTreeSet<LinkKey> = r.plan.links.iter().map(|l| l.key.clone()).collect();
            self.candidates.extend(r.candidates());
            self.candidates.extend(chosen.iter().cloned());
            for l in &chosen {
                *self.seen.entry(l.clone()).or_default() += 1;
            }
            let plants: BTreeMap<String, String> = (r.plan.plants.iter())
                .filter_map(|p| Some((p.plant.clone(), p.size.clone()?)))
                .collect();
            let stores: BTreeSet<String> = (r.plan.stores.iter())
                .filter(|q| q.built)
                .map(|q| q.store.clone())
                .collect();
            for p in plants.keys() {
                *self.opened.entry(format!("plant {p}")).or_default() += 1;
            }
            for q in &stores {
                *self.opened.entry(format!("store {q}")).or_default() += 1;
            }
            out.push(Choice {
                links: chosen,
                plants,
                stores,
            });
        }
        self.solves += values.len();
        Ok(out)
    }

    /// The links in the plan at every value tried, and the candidates in it at none.
    fn always_and_never(&self) -> (Vec<LinkKey>, Vec<LinkKey>) {
        let always = self
            .candidates
            .iter()
            .filter(|l| self.seen.get(*l).is_some_and(|&n| n == self.solves))
            .cloned()
            .collect();
        let never = self
            .candidates
            .iter()
            .filter(|l| !self.seen.contains_key(*l))
            .cloned()
            .collect();
        (always, never)
    }

    /// Of the plants `ids`, those open at every value tried, and those open at none.
    fn open_always_and_never(&self, ids: &[&str]) -> (Vec<String>, Vec<String>) {
        self.counted_always_and_never("plant", ids)
    }

    /// Of the stores `ids`, those built at every value tried, and those built at none.
    fn built_always_and_never(&self, ids: &[&str]) -> (Vec<String>, Vec<String>) {
        self.counted_always_and_never("store", ids)
    }

    /// Of the plants or stores (`kind`) `ids`, those chosen at every value
    /// tried, and those chosen at none.
    fn counted_always_and_never(&self, kind: &str, ids: &[&str]) -> (Vec<String>, Vec<String>) {
        let times = |id: &str| {
            let key = format!("{kind} {id}");
            self.opened.get(&key).copied().unwrap_or(0)
        };
        let which = |n: usize| -> Vec<String> {
            (ids.iter())
                .filter(|id| times(id) == n)
                .map(|id| (*id).to_owned())
                .collect()
        };
        (which(self.solves), which(0))
    }
}

/// The `steps + 1` grid points, evenly spaced from `from`, the last exactly `to`.
fn grid(o: &BreakevenOptions) -> Vec<f64> {
    (0..=o.steps)
        .map(|k| {
            if k == o.steps {
                o.to
            } else {
                o.from + (o.to - o.from) * k as f64 / o.steps as f64
            }
        })
        .collect()
}

/// The grid cells whose two ends choose differently (`at`: what the plan
/// chooses at each grid point).
fn changing_cells(grid: &[f64], at: &[Choice]) -> Vec<Cell> {
    grid.windows(2)
        .zip(at.windows(2))
        .filter(|(_, s)| s[0] != s[1])
        .map(|(v, s)| Cell {
            lo: v[0],
            hi: v[1],
            at_lo: s[0].clone(),
            at_hi: s[1].clone(),
        })
        .collect()
}

/// Bisects every cell, all of them at once per round, until each is no wider than
/// `tol` or cannot be halved in floating point; the final cells.
fn bisect(runner: &mut Runner, mut active: Vec<Cell>, tol: f64) -> Result<Vec<Cell>, Error> {
    let mut done: Vec<Cell> = Vec::new();
    while !active.is_empty() {
        let (fine, wide): (Vec<Cell>, Vec<Cell>) =
            active.into_iter().partition(|c| c.hi - c.lo <= tol);
        done.extend(fine);
        let mut halved = Vec::with_capacity(wide.len());
        let mut mids = Vec::with_capacity(wide.len());
        for c in wide {
            let m = 0.5 * (c.lo + c.hi);
            // An interval that floating point cannot halve further is final.
            if m > c.lo && m < c.hi {
                mids.push(m);
                halved.push(c);
            } else {
                done.push(c);
            }
        }
        let at_mid = runner.run(&mids)?;
        active = halves(halved, &mids, at_mid);
    }
    Ok(done)
}

/// The halves of bisected cells still to follow: of each cell with choice `s` at
/// its midpoint `m`, the half [lo, m] if `s` differs from its low end's choice,
/// and [m, hi] if `s` differs from its high end's (both when it differs from both).
fn halves(cells: Vec<Cell>, mids: &[f64], at_mid: Vec<Choice>) -> Vec<Cell> {
    let mut active = Vec::new();
    for ((c, &m), s) in cells.into_iter().zip(mids).zip(at_mid) {
        if s != c.at_lo {
            active.push(Cell {
                lo: c.lo,
                hi: m,
                at_lo: c.at_lo.clone(),
                at_hi: s.clone(),
            });
        }
        if s != c.at_hi {
            active.push(Cell {
                lo: m,
                hi: c.hi,
                at_lo: s,
                at_hi: c.at_hi,
            });
        }
    }
    active
}

/// The switches of the final cells: the links in the plan at a cell's high end
/// but not its low end enter, the others leave; by value, then link, then change.
fn events(done: &[Cell]) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for c in done {
        for l in c.at_hi.links.difference(&c.at_lo.links) {
            events.push(event(c, Change::Enters, l));
        }
        for l in c.at_lo.links.difference(&c.at_hi.links) {
            events.push(event(c, Change::Leaves, l));
        }
    }
    events.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.link.cmp(&b.link))
            .then_with(|| (a.change as u8).cmp(&(b.change as u8)))
    });
    events
}

/// The plants' switches in the final cells: a plant open at a cell's high end
/// but not its low end opens, one open at its low end only closes, one open at
/// both at other sizes resizes; by value, then plant.
fn plant_events(done: &[Cell]) -> Vec<PlantEvent> {
    let mut events = Vec::new();
    for c in done {
        let (lo, hi) = (&c.at_lo.plants, &c.at_hi.plants);
        let plants: BTreeSet<&String> = lo.keys().chain(hi.keys()).collect();
        for p in plants {
            let (before, after) = (lo.get(p), hi.get(p));
            let change = match (before, after) {
                (None, Some(_)) => PlantChange::Opens,
                (Some(_), None) => PlantChange::Closes,
                (Some(a), Some(b)) if a != b => PlantChange::Resizes,
                _ => continue,
            };
            events.push(PlantEvent {
                value: round(0.5 * (c.lo + c.hi)),
                low: round(c.lo),
                high: round(c.hi),
                change,
                plant: p.clone(),
                size_before: before.cloned(),
                size_after: after.cloned(),
            });
        }
    }
    events.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.plant.cmp(&b.plant))
    });
    events
}

/// The stores' switches in the final cells: a store built at one end of a
/// cell and not at the other; by value, then store.
fn store_events(done: &[Cell]) -> Vec<StoreEvent> {
    let mut events = Vec::new();
    for c in done {
        let (lo, hi) = (&c.at_lo.stores, &c.at_hi.stores);
        for q in lo.symmetric_difference(hi) {
            events.push(StoreEvent {
                value: round(0.5 * (c.lo + c.hi)),
                low: round(c.lo),
                high: round(c.hi),
                built_above: hi.contains(q),
                store: q.clone(),
            });
        }
    }
    events.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.store.cmp(&b.store))
    });
    events
}

/// The switch of `l` in the final cell `c`, at the cell's midpoint.
fn event(c: &Cell, change: Change, l: &LinkKey) -> Event {
    Event {
        value: round(0.5 * (c.lo + c.hi)),
        low: round(c.lo),
        high: round(c.hi),
        change,
        link: l.clone(),
    }
}
