//! Scenario loading and validation, TOML and JSON: any bytes give a scenario or
//! an error, never a panic, a hang or an abort.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = if kind % 2 == 0 { "fuzz.toml" } else { "fuzz.json" };
    if let Err(e) = symbio::scenario::read_str(Path::new(name), text) {
        // Every error can be shown.
        let _ = e.to_string();
    }
});
