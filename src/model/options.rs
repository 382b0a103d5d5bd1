//! What a caller asks of a solve: the options ([`SolveOptions`], [`Reduce`])
//! and what it may watch and stop while the solve runs ([`Control`]).

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::tuning::REDUCE_FROM_LINKS;

/// Solver options, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Wall-clock limit in seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which the search stops (0 = prove optimality).
    pub gap: f64,
    /// Threads the solve may use: with `decompose`, independent parts solved side
    /// by side (one HiGHS thread each); without, the threads of the one HiGHS run.
    pub threads: u32,
    /// Whether the network is split into independent parts
    /// ([`super::decompose`]); the plan is the same either way.
    pub decompose: bool,
    /// Whether a net-benefit MILP is reduced before its search
    /// ([`super::reduce`]); the optimum is the same either way.
    pub reduce: Reduce,
}

/// When [`super::reduce`] runs before a net-benefit MILP's search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    /// On MILPs of [`REDUCE_FROM_LINKS`] links or more, where it pays; with
    /// periods, on every part under a time limit too (the reductions by
    /// period give a part its bound).
    #[default]
    Auto,
    /// On every MILP (for tests and measurements).
    Always,
    /// Never: HiGHS is given the MILP as [`super::export`] writes it.
    Never,
}

impl Reduce {
    /// Whether a MILP of `links` links is reduced.
    pub fn applies(self, links: usize) -> bool {
        match self {
            Reduce::Auto => links >= REDUCE_FROM_LINKS,
            Reduce::Always => true,
            Reduce::Never => false,
        }
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: None,
            gap: 1e-6,
            threads: 1,
            decompose: true,
            reduce: Reduce::Auto,
        }
    }
}

impl SolveOptions {
    /// The same options on one thread (for a solve that runs beside others).
    pub fn one_thread(&self) -> SolveOptions {
        SolveOptions {
            threads: 1,
            ..*self
        }
    }

    /// The same options for one MILP of the whole network, not split into
    /// parts (`decompose` off).
    pub fn one_milp(&self) -> SolveOptions {
        SolveOptions {
            decompose: false,
            ..*self
        }
    }
}

/// What a caller may watch and stop while a solve runs: the library never
/// prints, it reports to this observer.
#[derive(Clone, Copy, Default)]
pub struct Control<'a> {
    /// When it becomes true the search stops, and the best plan known is returned
    /// as a time-limited one (status `time_limit`).
    pub stop: Option<&'a AtomicBool>,
    /// Told, as the search goes, the net benefit of the best plan known and the
    /// best bound (each `None` while unknown), currency per year.
    pub progress: Option<&'a (dyn Fn(Option<f64>, Option<f64>) + Sync)>,
}

impl Control<'_> {
    /// Whether the caller asked the search to stop.
    pub fn stopped(&self) -> bool {
        self.stop
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Tells the observer, if any, of a plan worth `objective` and a bound.
    pub fn tell(&self, objective: Option<f64>, bound: Option<f64>) {
        if let Some(observe) = self.progress {
            observe(objective, bound);
        }
    }
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("stop", &self.stop)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// How one link's value falls on its two sites before any transfer, for
/// [`solve_individually_rational`](crate::model::solve_individually_rational):
/// the supplier gains `supplier_per_unit` per unit sent and bears
/// `supplier_per_year` when the link is built, the receiver likewise.
/// The two per-unit figures add up to the link's margin v_l, the two annual ones to
/// its annual charge F_l.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinkShare {
    /// Index of the supplying site in the scenario.
    pub supplier: usize,
    /// Index of the receiving site.
    pub receiver: usize,
    /// Supplier's gain per unit sent, currency per unit.
    pub supplier_per_unit: f64,
    /// Supplier's share of the built link's annual charge, currency per year.
    pub supplier_per_year: f64,
    /// Receiver's gain per unit sent, currency per unit.
    pub receiver_per_unit: f64,
    /// Receiver's share of the built link's annual charge, currency per year.
    pub receiver_per_year: f64,
}

/// The terms of individual rationality: how each link's value is shared and the
/// least annual gain each site must end up with.
#[derive(Debug, Clone, PartialEq)]
pub struct Rationality {
    /// One per network link, in link order.
    pub shares: Vec<LinkShare>,
    /// Least annual gain per site, transfers included, indexed by site.
    pub at_least: Vec<f64>,
    /// Share θ of each built link's surplus that the transfers aim to give the
    /// supplier where the constraints leave a choice (the second stage).
    pub supplier_share: f64,
}
