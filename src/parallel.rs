//! Running many independent solves at once on one rayon pool per run. Results
//! keep the order of the inputs, so output is the same whatever the number of
//! threads.

use rayon::prelude::*;

use crate::error::Error;

/// A pool of worker threads for one run of an analysis.
pub struct Pool {
    pool: rayon::ThreadPool,
    threads: usize,
}

impl Pool {
    /// A pool of `threads` workers (at least one).
    pub fn new(threads: usize) -> Result<Pool, Error> {
        let threads = threads.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| {
                Error::option("threads", format!("cannot start {threads} threads: {e}"))
            })?;
        Ok(Pool { pool, threads })
    }

    /// Applies `f` to every item; the results are in input order.
    pub fn map<T, R, F>(&self, items: &[T], f: F) -> Vec<R>
    where
        T: Sync,
        R: Send,
        F: Fn(&T) -> R + Sync + Send,
    {
        if self.threads == 1 {
            return items.iter().map(f).collect();
        }
        self.pool.install(|| items.par_iter().map(&f).collect())
    }

    /// Runs `work` on every worker at once, each with its index, and waits for all.
    pub fn on_each<F>(&self, work: F)
    where
        F: Fn(usize) + Sync,
    {
        let work = &work;
        self.pool.scope(|scope| {
            for w in 0..self.threads {
                scope.spawn(move |_| work(w));
            }
        });
    }
}
