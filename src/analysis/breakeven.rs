//! Break-even values: for each candidate link, the value of one scenario field at
//! which the link enters or leaves the optimal plan.
//!
//! The field (any numeric field, by path: `parameters.carbon_price`) is set on the
//! loaded file, which is validated, turned into a network and solved, at every
//! point of a grid over the range; then every grid cell whose two ends choose
//! different links is bisected, all such cells at once, until it is no wider than
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
}

/// An interval being bisected.
struct Cell {
    lo: f64,
    hi: f64,
    at_lo: BTreeSet<LinkKey>,
    at_hi: BTreeSet<LinkKey>,
}

/// Runs the search.
pub fn search(loaded: &Loaded, o: &BreakevenOptions) -> Result<BreakEven, Error> {
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
    let file_value = param.get(loaded);
    let base = validate::validate(loaded)?;
    let solve = o.solve.one_thread();
    let pool = Pool::new(o.threads)?;
    let mut solves = 0;
    let mut candidates: BTreeSet<LinkKey> = BTreeSet::new();
    // At how many of the values tried each link was in the plan.
    let mut seen: BTreeMap<LinkKey, usize> = BTreeMap::new();
    let mut run = |values: &[f64]| -> Result<Vec<BTreeSet<LinkKey>>, Error> {
        let results = pool.map(values, |&v| {
            solve_point(loaded, &[(param.clone(), v)], &solve)
        });
        let mut out = Vec::with_capacity(values.len());
        for (v, r) in values.iter().zip(results) {
            let r = r?;
            if !r.plan.status.has_plan() {
                return Err(Error::NoPlan(format!(
                    "no feasible plan with {} = {v}",
                    o.param
                )));
            }
            let chosen: BTreeSet<LinkKey> = r.plan.links.iter().map(|l| l.key.clone()).collect();
            candidates.extend(r.candidates());
            candidates.extend(chosen.iter().cloned());
            for l in &chosen {
                *seen.entry(l.clone()).or_default() += 1;
            }
            out.push(chosen);
        }
        solves += values.len();
        Ok(out)
    };

    let grid: Vec<f64> = (0..=o.steps)
        .map(|k| {
            if k == o.steps {
                o.to
            } else {
                o.from + (o.to - o.from) * k as f64 / o.steps as f64
            }
        })
        .collect();
    let at = run(&grid)?;
    let mut active: Vec<Cell> = grid
        .windows(2)
        .zip(at.windows(2))
        .filter(|(_, s)| s[0] != s[1])
        .map(|(v, s)| Cell {
            lo: v[0],
            hi: v[1],
            at_lo: s[0].clone(),
            at_hi: s[1].clone(),
        })
        .collect();
    let mut done: Vec<Cell> = Vec::new();
    while !active.is_empty() {
        let (fine, wide): (Vec<Cell>, Vec<Cell>) =
            active.into_iter().partition(|c| c.hi - c.lo <= o.tol);
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
        let wide = halved;
        let at_mid = run(&mids)?;
        active = Vec::new();
        for ((c, m), s) in wide.into_iter().zip(mids).zip(at_mid) {
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
    }
    let mut events: Vec<Event> = Vec::new();
    for c in &done {
        for l in c.at_hi.difference(&c.at_lo) {
            events.push(event(c, Change::Enters, l));
        }
        for l in c.at_lo.difference(&c.at_hi) {
            events.push(event(c, Change::Leaves, l));
        }
    }
    events.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.link.cmp(&b.link))
            .then_with(|| (a.change as u8).cmp(&(b.change as u8)))
    });
    let always = candidates
        .iter()
        .filter(|l| seen.get(*l).is_some_and(|&n| n == solves))
        .cloned()
        .collect();
    let never = candidates
        .iter()
        .filter(|l| !seen.contains_key(*l))
        .cloned()
        .collect();
    Ok(BreakEven {
        scenario: base.name.clone(),
        currency: base.currency.clone(),
        param: o.param.clone(),
        file_value,
        from: o.from,
        to: o.to,
        steps: o.steps,
        tolerance: o.tol,
        solves,
        events,
        always,
        never,
    })
}

fn event(c: &Cell, change: Change, l: &LinkKey) -> Event {
    Event {
        value: round(0.5 * (c.lo + c.hi)),
        low: round(c.lo),
        high: round(c.hi),
        change,
        link: l.clone(),
    }
}
