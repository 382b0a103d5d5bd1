//! The `[[uncertainty]]` section: distributions on numeric fields addressed by path,
//! checked and resolved into [`Uncertain`] fields for Monte Carlo analysis.
//!
//! The section does not change a deterministic solve: the field keeps the value
//! written in the file; `symbio montecarlo` draws a value per sample instead.

use std::collections::HashMap;

use super::load::Loaded;
use super::path;
use super::schema::UncertaintyFile;
use crate::domain::DistributionKind;
use crate::error::Problem;

/// A validated distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// Uniform on [min, max] (min = max gives that one value).
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on [min, max] with its peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal with `mean` and `sd`, truncated to [min, max] (each side optional).
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation (> 0).
        sd: f64,
        /// Lower truncation point.
        min: Option<f64>,
        /// Upper truncation point.
        max: Option<f64>,
    },
}

/// An uncertain field: where it is and how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// Field path (`parameters.carbon_price`).
    pub path: String,
    /// Its distribution.
    pub distribution: Distribution,
    /// Where it was declared: `uncertainty[index]`.
    pub origin: String,
}

/// Checks every `[[uncertainty]]` entry of a loaded scenario and resolves them, in
/// file order; every problem found is returned, each naming `uncertainty[i].field`.
pub fn resolve(loaded: &Loaded) -> Result<Vec<Uncertain>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<&str, String> = HashMap::new();
    for l in &loaded.uncertainty {
        let base = format!("uncertainty[{}]", l.index);
        let before = problems.len();
        let mut push = |field: &str, msg: String| {
            let p = if field.is_empty() {
                base.clone()
            } else {
                format!("{base}.{field}")
            };
            problems.push(Problem::new(l.file.to_path_buf(), p, None, msg));
        };
        let u = &l.item;
        if let Err(e) = path::check(loaded, &u.path) {
            push("path", format!("\"{}\": {}", u.path, e.message));
        } else if let Some(first) = seen.get(u.path.as_str()) {
            push(
                "path",
                format!("\"{}\" already has a distribution, at {first}", u.path),
            );
        } else {
            seen.insert(&u.path, base.clone());
        }
        let distribution = distribution(u, &mut push);
        if problems.len() == before {
            if let Some(distribution) = distribution {
                out.push(Uncertain {
                    path: u.path.clone(),
                    distribution,
                    origin: base,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Checks the parameters of one entry against its distribution.
fn distribution(u: &UncertaintyFile, push: &mut impl FnMut(&str, String)) -> Option<Distribution> {
    let name = match u.distribution {
        DistributionKind::Uniform => "uniform",
        DistributionKind::Triangular => "triangular",
        DistributionKind::Normal => "normal",
    };
    let fields = [
        ("min", u.min),
        ("mode", u.mode),
        ("max", u.max),
        ("mean", u.mean),
        ("sd", u.sd),
    ];
    let (needed, optional): (&[&str], &[&str]) = match u.distribution {
        DistributionKind::Uniform => (&["min", "max"], &[]),
        DistributionKind::Triangular => (&["min", "mode", "max"], &[]),
        DistributionKind::Normal => (&["mean", "sd"], &["min", "max"]),
    };
    let mut ok = true;
    for (field, value) in fields {
        match value {
            Some(v) if !v.is_finite() => {
                push(field, format!("must be a finite number, got {v}"));
                ok = false;
            }
            Some(_) if !needed.contains(&field) && !optional.contains(&field) => {
                push(field, format!("not used by a {name} distribution"));
            }
            None if needed.contains(&field) => {
                push(
                    field,
                    format!("missing: a {name} distribution needs {}", needed.join(", ")),
                );
                ok = false;
            }
            _ => {}
        }
    }
    if !ok {
        return None;
    }
    let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
    let d = match u.distribution {
        DistributionKind::Uniform => Distribution::Uniform {
            min: v(u.min),
            max: v(u.max),
        },
        DistributionKind::Triangular => Distribution::Triangular {
            min: v(u.min),
            mode: v(u.mode),
            max: v(u.max),
        },
        DistributionKind::Normal => Distribution::Normal {
            mean: v(u.mean),
            sd: v(u.sd),
            min: u.min,
            max: u.max,
        },
    };
    match d {
        Distribution::Uniform { min, max } if min > max => {
            push("max", format!("must be ≥ min ({min}), got {max}"));
            None
        }
        Distribution::Triangular { min, max, .. } if min > max => {
            push("max", format!("must be ≥ min ({min}), got {max}"));
            None
        }
        Distribution::Triangular { min, mode, max } if mode < min || mode > max => {
            push(
                "mode",
                format!("must be between min ({min}) and max ({max}), got {mode}"),
            );
            None
        }
        Distribution::Normal { sd, .. } if sd <= 0.0 => {
            push("sd", format!("must be > 0, got {sd}"));
            None
        }
        Distribution::Normal {
            min: Some(min),
            max: Some(max),
            ..
        } if min > max => {
            push("max", format!("must be ≥ min ({min}), got {max}"));
            None
        }
        d => Some(d),
    }
}
