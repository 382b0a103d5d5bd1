//! Running many independent solves at once with rayon. Results keep the order of
//! the inputs, so output is the same whatever the number of threads.

use rayon::prelude::*;

use crate::error::Error;

/// A thread pool of `threads` workers (at least one).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))
}

/// Applies `f` to every item on `threads` threads; the results are in input order.
pub fn map<T, R, F>(threads: usize, items: &[T], f: F) -> Result<Vec<R>, Error>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    let pool = pool(threads)?;
    Ok(pool.install(|| items.par_iter().map(&f).collect()))
}
