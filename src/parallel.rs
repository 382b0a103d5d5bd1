//! Running many independent solves at once on one rayon pool per run. Results
//! keep the order of the inputs, so output is the same whatever the number of
//! threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

    /// Applies `f` to every item; the results are in input order. Items start
    /// in input order too: each worker takes the next item not started as soon
    /// as it is free (a queue, not a split of the items into ranges), so that
    /// an order chosen by the caller (small parts first, say) is the order in
    /// which they run whatever the number of threads.
    pub fn map<T, R, F>(&self, items: &[T], f: F) -> Vec<R>
    where
        T: Sync,
        R: Send,
        F: Fn(&T) -> R + Sync + Send,
    {
        if self.threads == 1 {
            return items.iter().map(f).collect();
        }
        let next = AtomicUsize::new(0);
        let done: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
        self.on_each(|_| loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(item) = items.get(i) else { break };
            let r = f(item);
            // A worker that panicked poisons the lock; the panic itself reaches
            // the caller through the scope.
            if let Ok(mut done) = done.lock() {
                done[i] = Some(r);
            }
        });
        let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        done.into_iter().flatten().collect()
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

#[cfg(test)]
mod tests {
    use super::Pool;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..100).collect();
        let squares = Pool::new(3).unwrap().map(&items, |&i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
    }

    #[test]
    fn a_free_worker_takes_the_next_item_while_another_is_busy() {
        // Item 0 waits until every other item is done: only a worker that
        // takes items 1.. while the first one is busy with item 0 lets it end
        // (a split into ranges would leave items 1..n/2 queued behind item 0).
        let n = 20;
        let items: Vec<usize> = (0..n).collect();
        let done = AtomicUsize::new(0);
        let waited = Pool::new(2).unwrap().map(&items, |&i| {
            if i > 0 {
                done.fetch_add(1, Ordering::SeqCst);
                return true;
            }
            let until = Instant::now() + Duration::from_secs(20);
            while done.load(Ordering::SeqCst) < n - 1 {
                if Instant::now() > until {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            true
        });
        assert!(waited[0], "the other items waited behind item 0");
        assert!(waited.iter().all(|&w| w));
    }
}
