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

#[path = "../tests/data/generate.rs"]
mod generate;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let catalog = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/catalog/default.toml"
        )
        .to_owned()
    });
    print!("{}", generate::region(n, seed, &catalog));
}
