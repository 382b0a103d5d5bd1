//! Scenario files: their schema, loading with includes, and validation into the domain.

pub mod load;
pub mod path;
pub mod schema;
pub mod uncertainty;
pub mod validate;

use std::path::Path;

use crate::domain::Scenario;
use crate::error::Error;

/// Loads and validates a scenario file (TOML, or JSON when it ends in `.json`).
pub fn read(path: &Path) -> Result<Scenario, Error> {
    validate::validate(&load::load(path)?)
}

/// Loads and validates a scenario from text, as if it were the file at `path`
/// (includes are read relative to `path`).
pub fn read_str(path: &Path, text: &str) -> Result<Scenario, Error> {
    validate::validate(&load::load_str(path, text)?)
}

/// The JSON Schema of scenario files.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(schema::ScenarioFile))
        .unwrap_or(serde_json::Value::Null)
}
