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

use std::path::Path;
use std::time::Instant;

#[path = "../tests/data/generate.rs"]
mod generate;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
