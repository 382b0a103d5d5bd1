//! Running many independent solves at once on the worker threads of one run.
//! Results keep the order of the inputs, so output is the same whatever the
//! number of threads.
//!
//! A [`Pool`] is a rayon pool whose threads we start ourselves (rayon's
//! `spawn_handler`) and join when the pool is dropped, so that a run's worker
//! threads have ended when the run returns (issue 35). Each worker that solves
//! keeps a HiGHS scheduler in thread-local storage; rayon alone does not join
//! its threads on drop, so a caller that runs analyses in a loop (a sweep
//! service, the fuzzer) used to return while the last run's workers were still
//! winding down (LeakSanitizer in the `rows` fuzz target reported a leak from
//! `__cxa_thread_atexit_impl`, where thread-local destructors are registered).
//!
//! Why this and not another way:
//! - The join is explicit (`JoinHandle::join`), which waits for the thread's
//!   thread-local destructors; the implicit join at the end of
//!   `std::thread::scope` does not (rust-lang/rust#116179), and rayon's
//!   `build_scoped` relies on that implicit join.
//! - A run keeps its workers for all of its calls of [`Pool::map`] (pareto and
//!   breakeven make several, a decomposed solve one per pass): threads and
//!   HiGHS schedulers are started once per run, not once per call, as before.
//! - One pool for the whole process would leave threads (and schedulers) alive
//!   between runs, which a library embedded in a longer program should not do,
//!   and would gain little: starting a run's threads is small against its
//!   solves (the 61 points of the Liuzhou sweep run 2.0× as fast on 2 threads
//!   as on 1 with the join, 1.8× without, docs/performance.md).
//!
//! A pool of one thread starts no thread: its work runs on the caller's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::error::Error;

/// The worker threads of a pool, to be joined.
type Workers = Arc<Mutex<Vec<JoinHandle<()>>>>;

/// A pool of worker threads for one run of an analysis; dropping it ends them.
pub struct Pool {
    /// `None` for one thread, and once dropped.
    pool: Option<rayon::ThreadPool>,
    workers: Workers,
    threads: usize,
}

impl Pool {
    /// A pool of `threads` workers (at least one; one is the caller's thread).
    pub fn new(threads: usize) -> Result<Pool, Error> {
        let threads = threads.max(1);
        let workers = Workers::default();
        if threads == 1 {
            return Ok(Pool {
                pool: None,
                workers,
                threads,
            });
        }
        let started = Arc::clone(&workers);
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .spawn_handler(move |worker| {
                let mut b = std::thread::Builder::new();
                if let Some(name) = worker.name() {
                    b = b.name(name.to_owned());
                }
                if let Some(size) = worker.stack_size() {
                    b = b.stack_size(size);
                }
                let handle = b.spawn(move || worker.run())?;
                started
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(handle);
                Ok(())
            })
            .build();
        match built {
            Ok(pool) => Ok(Pool {
                pool: Some(pool),
                workers,
                threads,
            }),
            Err(e) => {
                // rayon has told the threads it started to end.
                join(&workers);
                Err(Error::option(
                    "threads",
                    format!("cannot start {threads} threads: {e}"),
                ))
            }
        }
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
        let Some(pool) = &self.pool else {
            return work(0);
        };
        let work = &work;
        pool.scope(|scope| {
            for w in 0..self.threads {
                scope.spawn(move |_| work(w));
            }
        });
    }
}

impl Drop for Pool {
    /// Tells the workers to end (dropping rayon's pool), then waits until each
    /// has ended, its thread-local destructors run.
    fn drop(&mut self) {
        drop(self.pool.take());
        join(&self.workers);
    }
}

/// Joins every worker started so far. A worker's panic has already reached the
/// caller through rayon's scope, so the join's result says nothing new.
fn join(workers: &Workers) {
    let handles = std::mem::take(&mut *workers.lock().unwrap_or_else(|e| e.into_inner()));
    for handle in handles {
        let _ = handle.join();
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
    fn dropping_a_pool_waits_for_its_workers_thread_local_destructors() {
        // Each worker that runs an item keeps a thread-local whose destructor
        // counts, as each keeps a HiGHS scheduler (only this test touches the
        // counter).
        static ENDED: AtomicUsize = AtomicUsize::new(0);
        struct Guard;
        impl Drop for Guard {
            fn drop(&mut self) {
                ENDED.fetch_add(1, Ordering::SeqCst);
            }
        }
        thread_local! {
            static GUARD: std::cell::RefCell<Option<Guard>> = const { std::cell::RefCell::new(None) };
        }
        let caller = std::thread::current().id();
        let pool = Pool::new(2).unwrap();
        let items: Vec<usize> = (0..20).collect();
        let mut on = pool.map(&items, |_| {
            GUARD.with(|g| {
                g.borrow_mut().get_or_insert_with(|| Guard);
            });
            std::thread::current().id()
        });
        assert!(
            on.iter().all(|&id| id != caller),
            "the items ran on the workers"
        );
        on.sort_by_key(|id| format!("{id:?}"));
        on.dedup();
        drop(pool);
        assert_eq!(ENDED.load(Ordering::SeqCst), on.len());
    }

    #[test]
    fn a_pool_of_one_thread_runs_on_the_callers_thread() {
        let caller = std::thread::current().id();
        let pool = Pool::new(1).unwrap();
        let on = pool.map(&[0, 1, 2], |_| std::thread::current().id());
        assert!(on.iter().all(|&id| id == caller));
        pool.on_each(|w| {
            assert_eq!(w, 0);
            assert_eq!(std::thread::current().id(), caller);
        });
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
