//! Prints a synthetic region of N sites (tests/data/generate.rs), the scale
//! benchmark's case:
//!
//! ```sh
//! cargo run --release --example region -- 1000 1 > region-1000.toml
//! symbio check region-1000.toml
//! symbio solve region-1000.toml --time-limit 30
//! ```
//!
//! The scenario includes the shipped catalog by absolute path (this checkout's),
//! or by the path given as third argument.
//!
//! With `--phases FILE` it times instead the phases that come before a solve
//! on a scenario file, one line each (docs/performance.md, "Region scale"):
//! load (read and validate), network (candidate links), parts (independent
//! parts, unmatched streams and recorded-flow conflicts, as `symbio check`
//! reports them) and model (the MILP of every part built and handed to HiGHS,
//! not solved).
//!
//! ```sh
//! cargo run --release --example region -- --phases region-1000.toml
//! ```
//!
//! With `--bounds FILE [K]` it prints, for the K parts (default 10) where the
//! two are furthest apart, the net benefit of the greedy plan and the LP bound
//! of the reductions (column generation over every link,
//! `model::reduce::relaxation_bound`), and both summed over every part: where
//! a region's gap is before any search.

use std::path::Path;
use std::time::Instant;

#[path = "../tests/data/generate.rs"]
mod generate;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--bounds") {
        let Some(file) = args.get(1) else {
            eprintln!("usage: region --bounds FILE [K]");
            std::process::exit(2);
        };
        let k = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
        if let Err(e) = bounds(Path::new(file), k) {
            eprintln!("{e}");
            std::process::exit(2);
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--phases") {
        let Some(file) = args.get(1) else {
            eprintln!("usage: region --phases FILE");
            std::process::exit(2);
        };
        if let Err(e) = phases(Path::new(file)) {
            eprintln!("{e}");
            std::process::exit(2);
        }
        return;
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let catalog = args.get(2).cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/catalog/default.toml"
        )
        .to_owned()
    });
    print!("{}", generate::region(n, seed, &catalog));
}

/// Times the phases before a solve of the scenario at `file`.
fn phases(file: &Path) -> Result<(), symbio::Error> {
    let t = Instant::now();
    let s = symbio::scenario::read(file)?;
    println!(
        "load     {:8.3} s  {} sites, {} outputs, {} inputs",
        t.elapsed().as_secs_f64(),
        s.sites.len(),
        s.outputs.len(),
        s.inputs.len()
    );
    let t = Instant::now();
    let net = symbio::network::build(&s)?;
    println!(
        "network  {:8.3} s  {} links",
        t.elapsed().as_secs_f64(),
        net.links.len()
    );
    let t = Instant::now();
    let parts = net.independent_parts();
    let unmatched = net.unmatched_outputs(&s).len() + net.unmatched_inputs(&s).len();
    let conflicts = symbio::network::mandatory::conflicts(&s, &net).len();
    println!(
        "parts    {:8.3} s  {} parts (largest {} links), {unmatched} unmatched streams, \
         {conflicts} conflicts",
        t.elapsed().as_secs_f64(),
        parts.len(),
        parts.iter().map(Vec::len).max().unwrap_or(0)
    );
    let t = Instant::now();
    let mut size = symbio::model::ModelSize::default();
    for p in &parts {
        let part = symbio::model::build(&s, &net.part(p))?;
        size.columns += part.columns;
        size.rows += part.rows;
        size.nonzeros += part.nonzeros;
    }
    println!(
        "model    {:8.3} s  {} columns, {} rows, {} nonzeros",
        t.elapsed().as_secs_f64(),
        size.columns,
        size.rows,
        size.nonzeros
    );
    Ok(())
}

/// The greedy plan and the LP bound of every part of the scenario at `file`:
/// the `k` parts furthest apart, then the sums.
fn bounds(file: &Path, k: usize) -> Result<(), symbio::Error> {
    use symbio::model::{greedy, reduce};
    let s = symbio::scenario::read(file)?;
    let net = symbio::network::build(&s)?;
    let mut rows = Vec::new();
    let (mut greedy_sum, mut bound_sum, mut seconds) = (0.0, 0.0, 0.0);
    for p in net.independent_parts() {
        let part = net.part(&p);
        let plan = greedy::plan(&s, &part)
            .and_then(|g| g.objective)
            .unwrap_or(0.0);
        let t = Instant::now();
        let bound = reduce::relaxation_bound(&s, &part, reduce::Pricing::Auto)?
            .map_or(f64::NAN, |(_, bound)| bound);
        seconds += t.elapsed().as_secs_f64();
        greedy_sum += plan;
        bound_sum += bound;
        rows.push((bound - plan, p.len(), plan, bound));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("links        greedy plan    LP bound       apart");
    for (apart, links, plan, bound) in rows.iter().take(k) {
        println!(
            "{links:>9}  {plan:13.5e}  {bound:13.5e}  {:6.2} %",
            100.0 * apart / plan.abs().max(1.0)
        );
    }
    println!(
        "all parts  {greedy_sum:13.5e}  {bound_sum:13.5e}  {:6.2} %  (LPs {seconds:.1} s)",
        100.0 * (bound_sum - greedy_sum) / greedy_sum.abs().max(1.0)
    );
    Ok(())
}
