//! symbio's test instances, in one place for its tests, benchmarks and examples
//! (a dev-dependency of symbio, never published):
//!
//! - [`generate`]: seeded generators of scenarios as TOML text (many independent
//!   districts, fixed-charge clusters, a synthetic industrial region). They return
//!   text, not symbio types, so that symbio's own unit tests can use them too.
//! - [`fctp`]: the reader of the public fixed-charge transportation benchmark
//!   instances, their symbio scenarios and a checked solve through symbio.

#![deny(missing_docs)]

pub mod fctp;
pub mod generate;
