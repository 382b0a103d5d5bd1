//! Prints a synthetic region of N sites (`symbio_testkit::generate`), the scale
//! benchmark's case:
//!
//! ```sh
//! cargo run --release --example region -- 1000 1 > region-1000.toml
//! symbio check region-1000.toml
//! symbio solve region-1000.toml --time-limit 30
//! ```
//!
//! The scenario includes the shipped catalog by absolute path (this checkout's),
//! or by the path given as third argument. With `--plants`, the region has
//! candidate plants of three technologies, about one per ten sites
//! (`generate::region_with_plants`). With `--periods N`, over N equal
//! periods with seasonal heat, clinker and aggregate demand and candidate
//! heat stores and slag stockpiles (`generate::with_periods`).
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
//!
//! With `--export-part FILE RANK OUT` it writes the MILP of one part alone
//! (`model::export`, `.mps` or `.lp`): the part ranked RANK in that order (0:
//! the one whose greedy plan and LP bound are furthest apart), to study it
//! with another solver.
//!
//! With `--solve-part FILE RANK SECONDS...` it solves the part ranked RANK in
//! that order alone on one thread, for the first SECONDS, then resumed from
//! its plan for each next SECONDS (as the rounds of a time-limited solve
//! resume a part), one line each.

use std::path::Path;
use std::time::Instant;

use symbio_testkit::generate;

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
    if args.first().map(String::as_str) == Some("--export-part") {
        let (Some(file), Some(rank), Some(out)) = (
            args.get(1),
            args.get(2).and_then(|a| a.parse().ok()),
            args.get(3),
        ) else {
            eprintln!("usage: region --export-part FILE RANK OUT");
            std::process::exit(2);
        };
        if let Err(e) = export_part(Path::new(file), rank, Path::new(out)) {
            eprintln!("{e}");
            std::process::exit(2);
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--solve-part") {
        let (Some(file), Some(rank)) = (args.get(1), args.get(2).and_then(|a| a.parse().ok()))
        else {
            eprintln!("usage: region --solve-part FILE RANK SECONDS...");
            std::process::exit(2);
        };
        let stages: Result<Vec<f64>, _> = args[3..].iter().map(|a| a.parse()).collect();
        let Ok(stages) = stages.map_err(|e| eprintln!("SECONDS: {e}")) else {
            std::process::exit(2);
        };
        if let Err(e) = solve_part(Path::new(file), rank, &stages) {
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
    // `--plants` anywhere: the region with candidate plants; `--periods N`:
    // over N periods, with seasonal streams and candidate stores.
    let plants = args.iter().any(|a| a == "--plants");
    let mut periods = None;
    let mut rest = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--plants" => {}
            "--periods" => periods = it.next().and_then(|n| n.parse::<usize>().ok()),
            _ => rest.push(a),
        }
    }
    let args = rest;
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let catalog = args.get(2).cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/catalog/default.toml"
        )
        .to_owned()
    });
    let text = if plants {
        generate::region_with_plants(n, seed, &catalog)
    } else {
        generate::region(n, seed, &catalog)
    };
    match periods {
        Some(p) => print!("{}", generate::with_periods(&text, p, seed)),
        None => print!("{text}"),
    }
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

/// One independent part of a network, with its greedy plan and LP bound.
struct Ranked {
    /// Its links (indices of the network).
    links: Vec<usize>,
    /// The net benefit of the greedy plan.
    plan: f64,
    /// The LP bound of the reductions.
    bound: f64,
}

/// Every part of `net`, the LP bound furthest above the greedy plan first, and
/// the seconds the LPs took.
fn ranked_parts(
    s: &symbio::Scenario,
    net: &symbio::network::Network,
) -> Result<(Vec<Ranked>, f64), symbio::Error> {
    use symbio::model::{greedy, reduce};
    let mut rows = Vec::new();
    let mut seconds = 0.0;
    for links in net.independent_parts() {
        let part = net.part(&links);
        let plan = greedy::plan(s, &part)
            .and_then(|g| g.objective)
            .unwrap_or(0.0);
        let t = Instant::now();
        let bound = reduce::relaxation_bound(s, &part, reduce::Pricing::Auto)?
            .map_or(f64::NAN, |(_, bound)| bound);
        seconds += t.elapsed().as_secs_f64();
        rows.push(Ranked { links, plan, bound });
    }
    rows.sort_by(|a, b| (b.bound - b.plan).total_cmp(&(a.bound - a.plan)));
    Ok((rows, seconds))
}

/// The greedy plan and the LP bound of every part of the scenario at `file`:
/// the `k` parts furthest apart, then the sums.
fn bounds(file: &Path, k: usize) -> Result<(), symbio::Error> {
    let s = symbio::scenario::read(file)?;
    let net = symbio::network::build(&s)?;
    let (rows, seconds) = ranked_parts(&s, &net)?;
    let greedy_sum: f64 = rows.iter().map(|r| r.plan).sum();
    let bound_sum: f64 = rows.iter().map(|r| r.bound).sum();
    println!("links        greedy plan    LP bound       apart");
    for r in rows.iter().take(k) {
        println!(
            "{:>9}  {:13.5e}  {:13.5e}  {:6.2} %",
            r.links.len(),
            r.plan,
            r.bound,
            100.0 * (r.bound - r.plan) / r.plan.abs().max(1.0)
        );
    }
    println!(
        "all parts  {greedy_sum:13.5e}  {bound_sum:13.5e}  {:6.2} %  (LPs {seconds:.1} s)",
        100.0 * (bound_sum - greedy_sum) / greedy_sum.abs().max(1.0)
    );
    Ok(())
}

/// The scenario at `file`, the network of its part ranked `rank` by
/// [`ranked_parts`], and that part's row (exit 2 when there is no such part).
fn ranked_part(
    file: &Path,
    rank: usize,
) -> Result<(symbio::Scenario, symbio::network::Network, Ranked), symbio::Error> {
    let s = symbio::scenario::read(file)?;
    let net = symbio::network::build(&s)?;
    let (mut rows, _) = ranked_parts(&s, &net)?;
    if rank >= rows.len() {
        eprintln!("the scenario has {} parts", rows.len());
        std::process::exit(2);
    }
    let r = rows.swap_remove(rank);
    let part = net.part(&r.links);
    Ok((s, part, r))
}

/// Solves the part of `file` ranked `rank` by [`ranked_parts`] alone, one
/// thread: the first of `stages` seconds by `model::solve`, each later one by
/// `model::resume` from the plan before (as the rounds of a time-limited
/// solve resume a part); one line per stage.
fn solve_part(file: &Path, rank: usize, stages: &[f64]) -> Result<(), symbio::Error> {
    let (s, part, _) = ranked_part(file, rank)?;
    let started = Instant::now();
    let mut last: Option<symbio::model::Solution> = None;
    for &t in stages {
        let options = symbio::SolveOptions {
            time_limit: Some(t),
            ..symbio::SolveOptions::default()
        };
        let sol = match &last {
            None => symbio::model::solve(&s, &part, &options)?,
            Some(earlier) => symbio::model::resume(
                &s,
                &part,
                &options,
                &[],
                earlier,
                symbio::Control::default(),
            )?,
        };
        println!(
            "{:7.1} s  {:?}  plan {:.6e}  bound {:.6e}  gap {:.3} %",
            started.elapsed().as_secs_f64(),
            sol.status,
            sol.objective.unwrap_or(f64::NAN),
            sol.best_bound.unwrap_or(f64::NAN),
            100.0 * sol.gap.unwrap_or(f64::NAN)
        );
        last = Some(sol);
    }
    Ok(())
}

/// Writes the MILP of the part of `file` ranked `rank` by [`ranked_parts`].
fn export_part(file: &Path, rank: usize, out: &Path) -> Result<(), symbio::Error> {
    let (s, part, r) = ranked_part(file, rank)?;
    symbio::model::export(&s, &part, out)?;
    println!(
        "{} links, greedy plan {:.6e}, LP bound {:.6e}",
        r.links.len(),
        r.plan,
        r.bound
    );
    Ok(())
}
