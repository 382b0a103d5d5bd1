//! The one deadline of a run: made once where the run starts (from the time
//! limit in seconds that the public API takes) and passed down, so that every
//! step asks it what is left instead of counting from its own start.

use std::time::{Duration, Instant};

use super::tuning::LEAST_LIMIT;

/// The moment a run must end by, or none; and, for the rounds of a solve
/// without a time limit, the branch-and-bound nodes each search may take (a
/// budget of work that, unlike time, gives the same plan on every machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Option<Instant>,
    nodes: Option<u32>,
}

impl Deadline {
    /// No deadline: every step may take as long as it needs.
    pub const NONE: Deadline = Deadline {
        at: None,
        nodes: None,
    };

    /// The deadline `seconds` from now (`None`: no deadline; a negative limit
    /// is now).
    pub fn after(seconds: Option<f64>) -> Deadline {
        Deadline {
            at: seconds.map(|t| Instant::now() + Duration::from_secs_f64(t.max(0.0))),
            nodes: None,
        }
    }

    /// This deadline, each search under it taking at most `nodes`
    /// branch-and-bound nodes.
    pub(crate) fn with_nodes(self, nodes: u32) -> Deadline {
        Deadline {
            nodes: Some(nodes),
            ..self
        }
    }

    /// The branch-and-bound nodes each search may take (`None`: no limit).
    pub(crate) fn nodes(&self) -> Option<u32> {
        self.nodes
    }

    /// Whether there is a deadline.
    pub fn is_set(&self) -> bool {
        self.at.is_some()
    }

    /// Seconds left until the deadline, 0 once it has passed (`None`: no
    /// deadline).
    pub fn remaining(&self) -> Option<f64> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()).as_secs_f64())
    }

    /// The time limit of a step that may use what is left, seconds: at least
    /// [`LEAST_LIMIT`], since a solver needs a positive limit (a step started
    /// at the deadline stops at once).
    pub fn left(&self) -> Option<f64> {
        self.share(1.0)
    }

    /// The time limit of a step that may use `share` of what is left, seconds
    /// (at least [`LEAST_LIMIT`]).
    pub fn share(&self, share: f64) -> Option<f64> {
        self.remaining().map(|t| (t * share).max(LEAST_LIMIT))
    }

    /// The deadline of a step that may use `share` of what is left (the
    /// deadline itself without one).
    pub fn part(&self, share: f64) -> Deadline {
        match self.share(share) {
            Some(t) => Deadline {
                nodes: self.nodes,
                ..Deadline::after(Some(t))
            },
            None => *self,
        }
    }

    /// The earlier of this deadline and `seconds` from now.
    pub fn within(&self, seconds: f64) -> Deadline {
        let step = Instant::now() + Duration::from_secs_f64(seconds.max(0.0));
        Deadline {
            at: Some(self.at.map_or(step, |at| at.min(step))),
            nodes: self.nodes,
        }
    }

    /// This deadline brought forward by `reserve` (what a caller keeps for
    /// the work after the step).
    pub fn less(&self, reserve: Duration) -> Deadline {
        Deadline {
            at: self
                .at
                .map(|at| at.checked_sub(reserve).unwrap_or_else(Instant::now)),
            nodes: self.nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_what_is_left_is_never_below_the_least_limit() {
        assert_eq!(Deadline::NONE.left(), None);
        assert_eq!(Deadline::NONE.share(0.5), None);
        assert_eq!(Deadline::NONE.part(0.5), Deadline::NONE);
        let d = Deadline::after(Some(100.0));
        let half = d.share(0.5).unwrap();
        assert!(half > 49.0 && half <= 50.0, "{half}");
        let past = Deadline::after(Some(0.0));
        assert_eq!(past.left(), Some(LEAST_LIMIT));
        assert_eq!(past.remaining(), Some(0.0));
    }

    #[test]
    fn a_step_ends_by_the_earlier_of_its_own_limit_and_the_deadline() {
        let d = Deadline::after(Some(100.0));
        let step = d.within(10.0).left().unwrap();
        assert!(step > 9.0 && step <= 10.0, "{step}");
        let late = d.within(1000.0).left().unwrap();
        assert!(late > 99.0 && late <= 100.0, "{late}");
        let open = Deadline::NONE.within(5.0).left().unwrap();
        assert!(open > 4.0 && open <= 5.0, "{open}");
        let reserved = d.less(Duration::from_secs(30)).left().unwrap();
        assert!(reserved > 69.0 && reserved <= 70.0, "{reserved}");
    }
}
