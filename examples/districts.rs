//! Prints a generated scenario of N independent districts (`symbio_testkit::generate`),
//! the decomposition's benchmark case:
//!
//! ```sh
//! cargo run --example districts -- 40 > districts-40.toml
//! symbio solve districts-40.toml                   # its 80 parts apart
//! symbio solve districts-40.toml --no-decompose    # one MILP
//! ```

use symbio_testkit::generate;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    print!("{}", generate::districts(n, seed));
}
