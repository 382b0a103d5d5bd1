//! The syntax of option values: parsed here, so that the library takes typed values.

use symbio::analysis::batch::Shard;
use symbio::analysis::sweep::{grid_points, Axis, MAX_AXIS_VALUES, MAX_GRID_POINTS};

use super::CliError;

/// A number as written in an axis, or an error naming the axis.
fn number(spec: &str, text: &str) -> Result<f64, CliError> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| CliError::Usage(format!("--set {spec}: `{}` is not a number", text.trim())))?;
    if !v.is_finite() {
        return Err(CliError::Usage(format!(
            "--set {spec}: `{}` is not a finite number",
            text.trim()
        )));
    }
    Ok(v)
}

/// Rounds away the binary noise of `start + k × step` (13 significant digits).
fn tidy(v: f64) -> f64 {
    let t: f64 = format!("{v:.12e}").parse().unwrap_or(v);
    if t == 0.0 {
        0.0
    } else {
        t
    }
}

/// Parses the `--set` axes of a grid (`PATH=VALUES` each, see `axis_within`), refused before its values
/// are made when the grid would have more than [`MAX_GRID_POINTS`] points.
pub fn axes(specs: &[String]) -> Result<Vec<Axis>, CliError> {
    let mut out: Vec<Axis> = Vec::with_capacity(specs.len());
    for spec in specs {
        let so_far = grid_points(out.iter().map(|a| a.values.len())).unwrap_or(usize::MAX);
        let room = (MAX_GRID_POINTS / so_far.max(1)).min(MAX_AXIS_VALUES);
        out.push(axis_within(spec, room).map_err(|e| match e {
            Limit::Values(n) if room < MAX_AXIS_VALUES => CliError::Usage(format!(
                "--set {spec}: {n} values make the grid more than {MAX_GRID_POINTS} points"
            )),
            Limit::Values(n) => CliError::Usage(format!(
                "--set {spec}: {n} values, more than the {MAX_AXIS_VALUES} an axis may have"
            )),
            Limit::Syntax(e) => e,
        })?);
    }
    Ok(out)
}

/// Why an axis was refused: too many values (how many), or its syntax.
enum Limit {
    Values(String),
    Syntax(CliError),
}

impl From<CliError> for Limit {
    fn from(e: CliError) -> Self {
        Limit::Syntax(e)
    }
}

/// Parses `PATH=VALUES`, where VALUES is `START..END:STEP` (END included when
/// the steps reach it), a comma-separated list `A,B,C`, or one value, with at
/// most `limit` values: a longer range is refused before its values are made.
fn axis_within(spec: &str, limit: usize) -> Result<Axis, Limit> {
    let (path, values) = spec.split_once('=').ok_or_else(|| {
        CliError::Usage(format!(
            "--set {spec}: write PATH=VALUES, e.g. parameters.carbon_price=0..200:25 \
             or modes.truck.cost_per_unit_km=0.03,0.05"
        ))
    })?;
    let path = path.trim();
    if path.is_empty() {
        Err(CliError::Usage(format!("--set {spec}: the path is empty")))?;
    }
    let values = if let Some((start, rest)) = values.split_once("..") {
        let (end, step) = rest.split_once(':').ok_or_else(|| {
            CliError::Usage(format!(
                "--set {spec}: a range needs a step: START..END:STEP"
            ))
        })?;
        let (a, b, h) = (
            number(spec, start)?,
            number(spec, end)?,
            number(spec, step)?,
        );
        if h == 0.0 || (b - a) * h < 0.0 {
            Err(CliError::Usage(format!(
                "--set {spec}: the step must be non-zero and go from {a} towards {b}"
            )))?;
        }
        let steps = ((b - a) / h + 1e-9).floor();
        if steps.is_nan() || steps >= limit as f64 {
            return Err(Limit::Values(format!("{}", steps + 1.0)));
        }
        (0..=steps as usize)
            .map(|k| tidy(a + k as f64 * h))
            .collect()
    } else {
        let n = values.split(',').count();
        if n > limit {
            return Err(Limit::Values(n.to_string()));
        }
        values
            .split(',')
            .map(|v| number(spec, v))
            .collect::<Result<Vec<f64>, CliError>>()?
    };
    Ok(Axis {
        path: path.to_owned(),
        values,
    })
}

/// Parses `K/N` (0 ≤ K < N), a shard of a batch run.
pub fn shard(text: &str) -> Result<Shard, CliError> {
    let bad = |why: &str| CliError::Usage(format!("--shard {text}: {why}"));
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| bad("write K/N, e.g. 0/4 for the first of four shards"))?;
    let index: usize = k
        .trim()
        .parse()
        .map_err(|_| bad("K is not a whole number"))?;
    let count: usize = n
        .trim()
        .parse()
        .map_err(|_| bad("N is not a whole number"))?;
    if count == 0 {
        return Err(bad("N must be at least 1"));
    }
    if index >= count {
        return Err(bad("K counts from 0 and must be below N"));
    }
    Ok(Shard { index, count })
}

/// Parses a range written `FROM..TO` (FROM < TO).
pub fn range(text: &str) -> Result<(f64, f64), CliError> {
    let bad = || {
        CliError::Usage(format!(
            "--range must be FROM..TO with FROM < TO (e.g. 0..500), got \"{text}\""
        ))
    };
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    if a.is_finite() && b.is_finite() && a < b {
        Ok((a, b))
    } else {
        Err(bad())
    }
}

/// Parses `supplier=0.3` or `receiver=0.7` into the supplier's share.
pub fn split(text: &str) -> Result<f64, CliError> {
    let bad = || {
        CliError::Usage(format!(
            "--split must be supplier=SHARE or receiver=SHARE with a share between 0 and 1, got \"{text}\""
        ))
    };
    let (party, share) = text.split_once('=').ok_or_else(bad)?;
    let share: f64 = share.trim().parse().map_err(|_| bad())?;
    if !(0.0..=1.0).contains(&share) {
        return Err(bad());
    }
    match party.trim() {
        "supplier" => Ok(share),
        "receiver" => Ok(1.0 - share),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(spec: &str) -> Result<Axis, CliError> {
        axes(&[spec.to_owned()]).map(|mut a| a.remove(0))
    }

    #[test]
    fn a_grid_beyond_its_limit_is_refused_before_its_values_are_made() {
        let set = |specs: &[&str]| axes(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let three = ["a.x=0..999:1", "b.x=0..999:1", "c.x=0..999:1"];
        let e = set(&three).unwrap_err().to_string();
        assert!(
            e.contains("c.x=0..999:1") && e.contains("10000000 points"),
            "{e}"
        );
        let big = ["a.x=0..999999:1", "b.x=0..999999:1", "c.x=0..999999:1"];
        assert!(set(&big).unwrap_err().to_string().contains("b.x"));
        assert_eq!(set(&three[..2]).unwrap()[1].values.len(), 1000);
        let e = set(&["a.x=0..1e15:1"]).unwrap_err().to_string();
        assert!(e.contains("an axis may have"), "{e}");
    }

    #[test]
    fn axes_parse_ranges_and_lists() {
        let a = axis("parameters.carbon_price=0..200:25").unwrap();
        assert_eq!(a.path, "parameters.carbon_price");
        assert_eq!(
            a.values,
            vec![0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 175.0, 200.0]
        );
        let a = axis("modes.truck.cost_per_unit_km=0.03,0.05,0.08").unwrap();
        assert_eq!(a.values, vec![0.03, 0.05, 0.08]);
        // Decimal steps land on the decimal values, and the end is included.
        let a = axis("x.y=0.1..0.3:0.1").unwrap();
        assert_eq!(a.values, vec![0.1, 0.2, 0.3]);
        let a = axis("x.y=1..0:-0.5").unwrap();
        assert_eq!(a.values, vec![1.0, 0.5, 0.0]);
        // An end the steps do not reach is not included.
        let a = axis("x.y=0..10:4").unwrap();
        assert_eq!(a.values, vec![0.0, 4.0, 8.0]);
        assert_eq!(axis("x.y=7").unwrap().values, vec![7.0]);
        for bad in [
            "x.y",
            "=1,2",
            "x.y=1,a",
            "x.y=0..10",
            "x.y=0..10:0",
            "x.y=0..10:-1",
            "x.y=0..1e12:1e-3",
            "x.y=inf",
        ] {
            let e = axis(bad).unwrap_err().to_string();
            assert!(e.contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn shards_parse_and_partition_the_points() {
        let shards: Vec<Shard> = (0..3).map(|k| shard(&format!("{k}/3")).unwrap()).collect();
        for p in 0..20 {
            assert_eq!(shards.iter().filter(|s| s.contains(p)).count(), 1);
        }
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn split_is_parsed_for_either_party() {
        assert_eq!(split("supplier=0.3").unwrap(), 0.3);
        assert!((split("receiver=0.3").unwrap() - 0.7).abs() < 1e-12);
        assert!(split("supplier=1.5").is_err());
        assert!(split("buyer=0.5").is_err());
        assert!(split("0.5").is_err());
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(range("0..500").unwrap(), (0.0, 500.0));
        assert_eq!(range("-1.5..2e3").unwrap(), (-1.5, 2000.0));
        for bad in ["5..1", "1..1", "0-500", "a..b", "0..", "..3", "0..inf"] {
            assert!(range(bad).is_err(), "{bad}");
        }
    }
}
