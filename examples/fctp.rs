//! Solves fixed-charge transportation benchmark instances through symbio and prints
//! a table: instance, size, status, cost, gap, seconds, and whether the plan checks
//! out and matches a published optimum.
//!
//! ```text
//! cargo run --release --example fctp -- [DIR] [--time-limit SECS] [--all] [--only TEXT]...
//!                                         [--export OUTDIR] [--no-reduce]
//! ```
//!
//! `DIR` defaults to `$SYMBIO_FCTP_DIR`, else `../shared/data/fctp` next to the crate.
//! Without `--all` a default subset of 30 files (every layout, easy and hard ones)
//! is solved, about 15 minutes on two cores at the default 60 s limit (`--all`:
//! about an hour); `--only TEXT` (repeatable) keeps instances whose
//! name contains one of the texts. Each solve uses one HiGHS thread, and the
//! exact reductions of `symbio::model::reduce` where they apply (`--no-reduce`:
//! the MILP as it is). `--export
//! OUTDIR` writes the selected instances as symbio scenarios (`OUTDIR/<name>.json`,
//! `/` in the name turned into `__`) for `symbio solve`, and solves nothing.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use symbio::model::Reduce;
use symbio::{SolveOptions, Status};
use symbio_testkit::fctp::{self, Parsed};

/// Optimal costs published for instances of the collection: (instance name, cost,
/// source).
const KNOWN_OPTIMA: &[(&str, f64, &str)] = &[
    (
        "balinski_glpk/bal8x12.txt",
        471.55,
        "GLPK examples/fctp.mod: \"The optimal solution is 471.55\"",
    ),
    ("orlib_cap/cap41.txt", 1_040_444.375, "OR-Library capopt"),
    ("orlib_cap/cap71.txt", 932_615.750, "OR-Library capopt"),
    ("orlib_cap/cap101.txt", 796_648.437, "OR-Library capopt"),
    ("orlib_cap/cap131.txt", 793_439.562, "OR-Library capopt"),
];

/// The instances solved without `--all` (name prefixes).
const DEFAULT_SUBSET: &[&str] = &[
    "balinski_glpk/",
    "agarwal_aneja_2012/Theta0.0/1.txt",
    "agarwal_aneja_2012/Theta0.0/3.txt",
    "agarwal_aneja_2012/Theta0.2/1.txt",
    "agarwal_aneja_2012/Theta0.2/3.txt",
    "agarwal_aneja_2012/Theta0.2/9.txt",
    "agarwal_aneja_2012/Theta0.5/2.txt",
    "agarwal_aneja_2012/Theta0.5/9.txt",
    "glover_2005/N104",
    "glover_2005/N107",
    "glover_2005/N204",
    "glover_2005/N207",
    "glover_2005/N304",
    "glover_2005/N307",
    "glover_2005/N504",
    "glover_2005/N1004",
    "glover_2005/N3704",
    "roberti_2015/B20Theta0.0/30x30/1.dat",
    "roberti_2015/B20Theta0.2/30x30/1.dat",
    "spieckermann2024/c-fctp_agarwal-aneja_15_15_B20_Theta0.2_BF1.0/instance_2.txt",
    "spieckermann2024/c-fctp_agarwal-aneja_15_15_B20_Theta0.2_BF1.0/instance_7.txt",
    "spieckermann2024/fctp_agarwal-aneja_15_15_B20_Theta0.2_BF1.0/instance_10.txt",
    "spieckermann2024/fctp_agarwal-aneja_15_15_B20_Theta0.2_BF1.1/instance_0.txt",
    "spieckermann2024/fctp_agarwal-aneja_15_15_B50_Theta0.2_BF1.0/instance_13.txt",
    "spieckermann2024/fctp_agarwal-aneja_30_30_B20_Theta0.2_BF1.0/instance_11.txt",
    "spieckermann2024/fctp_euclidian_15_15_B20_Theta0.2_BF1.0/instance_3.txt",
    "orlib_cap/",
];

struct Args {
    dir: PathBuf,
    time_limit: f64,
    all: bool,
    only: Vec<String>,
    export: Option<PathBuf>,
    reduce: Reduce,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        dir: fctp::data_dir(),
        time_limit: 60.0,
        all: false,
        only: Vec::new(),
        export: None,
        reduce: Reduce::Auto,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--all" => out.all = true,
            "--no-reduce" => out.reduce = Reduce::Never,
            "--export" => {
                out.export = Some(PathBuf::from(
                    it.next().ok_or("--export needs a directory")?,
                ))
            }
            "--time-limit" => {
                let v = it.next().ok_or("--time-limit needs a number of seconds")?;
                out.time_limit = v
                    .parse()
                    .ok()
                    .filter(|t: &f64| *t > 0.0)
                    .ok_or(format!("--time-limit: not a positive number: {v}"))?;
            }
            "--only" => out
                .only
                .push(it.next().ok_or("--only needs a text to look for")?),
            "-h" | "--help" => return Err(
                "usage: fctp [DIR] [--time-limit SECS] [--all] [--only TEXT]... [--export OUTDIR]"
                    .into(),
            ),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => out.dir = PathBuf::from(s),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let files = match fctp::instance_files(&args.dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let files: Vec<_> = files
        .into_iter()
        .filter(|f| args.all || DEFAULT_SUBSET.iter().any(|p| f.name.starts_with(p)))
        .filter(|f| args.only.is_empty() || args.only.iter().any(|o| f.name.contains(o)))
        .collect();
    if let Some(out) = &args.export {
        return export(&files, out);
    }
    let options = SolveOptions {
        time_limit: Some(args.time_limit),
        gap: 1e-6,
        threads: 1,
        decompose: false,
        reduce: args.reduce,
    };
    println!(
        "FCTP instances from {} — time limit {} s, 1 HiGHS thread, cost gap 1e-6",
        args.dir.display(),
        args.time_limit
    );
    println!();
    println!("| instance | size | links | status | cost | lower bound | gap | seconds | check | known optimum |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let started = Instant::now();
    let (mut solved, mut optimal, mut flagged) = (0, 0, 0);
    // Slowest scenario building (instance → validated scenario), seconds and instance.
    let mut slowest_setup = (0.0_f64, String::new());
    for f in &files {
        let parsed = match fctp::read(f.layout, &f.path) {
            Ok(p) => p,
            Err(e) => {
                flagged += 1;
                let e = e.to_string().replace('\n', " ");
                println!("| {} | | | bad file | | | | | **{}** | |", f.name, e.trim());
                continue;
            }
        };
        let inst = match parsed {
            Parsed::Transportation(i) => i,
            Parsed::FacilityLocation(cfl) => {
                let size = format!("{} × {}", cfl.capacities.len(), cfl.demands.len());
                match fctp::solve_facility_location(&cfl, &f.name, &options) {
                    Ok(out) => {
                        solved += 1;
                        optimal += usize::from(out.status == Status::Optimal);
                        let check = if !out.status.has_plan() {
                            "no plan".to_owned()
                        } else if out.unmet_demand > 1e-6 * cfl.total_demand() {
                            flagged += 1;
                            format!("**unmet demand {}**", num(out.unmet_demand))
                        } else {
                            format!("ok ({} open)", out.open.iter().filter(|&&o| o).count())
                        };
                        let gap = match (out.cost, out.cost_bound) {
                            (Some(c), Some(b)) if c > 0.0 => {
                                format!("{:.2} %", 100.0 * (c - b) / c)
                            }
                            _ => String::new(),
                        };
                        let known = known(&f.name, out.cost, out.status, &mut flagged);
                        println!(
                            "| {} | {size} | {} | {} | {} | {} | {gap} | {:.2} | {check} | {known} |",
                            f.name,
                            out.links,
                            status(out.status),
                            out.cost.map(num).unwrap_or_default(),
                            out.cost_bound.map(num).unwrap_or_default(),
                            out.seconds,
                        );
                    }
                    Err(e) => {
                        flagged += 1;
                        let e = e.to_string().replace('\n', " ");
                        println!(
                            "| {} | {size} | | error | | | | | **{}** | |",
                            f.name,
                            e.trim()
                        );
                    }
                }
                continue;
            }
        };
        let size = format!("{} × {}", inst.suppliers(), inst.customers());
        let out = match fctp::solve(&inst, &f.name, &options) {
            Ok(o) => o,
            Err(e) => {
                flagged += 1;
                let e = e.to_string().replace('\n', " ");
                println!(
                    "| {} | {size} | | error | | | | | **{}** | |",
                    f.name,
                    e.trim()
                );
                continue;
            }
        };
        solved += 1;
        if out.setup_seconds > slowest_setup.0 {
            slowest_setup = (out.setup_seconds, f.name.clone());
        }
        if out.status == Status::Optimal {
            optimal += 1;
        }
        let check = if !out.status.has_plan() {
            "no plan".to_owned()
        } else if out.is_consistent() {
            "ok".to_owned()
        } else {
            flagged += 1;
            let mut why = Vec::new();
            if out.unmet_demand > 1e-6 * out.demand.max(1.0) {
                why.push(format!("unmet demand {}", num(out.unmet_demand)));
            }
            if let (Some(c), Some(fc)) = (out.cost, out.flow_cost) {
                if (c - fc).abs() > 1e-6 * c.abs().max(1.0) {
                    why.push(if fc < c {
                        format!(
                            "the objective pays {} more than the flows cost ({}): a link built without flow",
                            num(c - fc),
                            num(fc)
                        )
                    } else {
                        format!("the flows cost {} more than the objective says", num(fc - c))
                    });
                }
            }
            why.extend(out.violations.iter().cloned());
            format!("**{}**", why.join("; "))
        };
        let known = known(&f.name, out.cost, out.status, &mut flagged);
        println!(
            "| {} | {size} | {} | {} | {} | {} | {} | {:.2} | {check} | {known} |",
            f.name,
            out.links,
            status(out.status),
            out.cost.map(num).unwrap_or_default(),
            out.cost_bound.map(num).unwrap_or_default(),
            out.gap
                .map(|g| format!("{:.2} %", 100.0 * g))
                .unwrap_or_default(),
            out.setup_seconds + out.solve_seconds,
        );
    }
    println!();
    println!(
        "{solved} solved, {optimal} proven optimal, {flagged} flagged, {:.0} s in all",
        started.elapsed().as_secs_f64()
    );
    if solved > 0 {
        println!(
            "slowest scenario building: {:.3} s ({})",
            slowest_setup.0, slowest_setup.1
        );
    }
    for (name, opt, source) in KNOWN_OPTIMA {
        println!("known optimum of {name}: {} ({source})", num(*opt));
    }
    if flagged > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The known optimum of an instance against the cost found: ✓ when they
/// agree (within 1e-6 relative, the published figures' rounding), flagged when
/// a proven optimum or a cheaper plan disagrees.
fn known(name: &str, cost: Option<f64>, status: Status, flagged: &mut usize) -> String {
    match KNOWN_OPTIMA.iter().find(|k| k.0 == name) {
        None => String::new(),
        Some(&(_, opt, _)) => match cost {
            Some(c) if (c - opt).abs() <= 1e-6 * opt.abs().max(1.0) => format!("{} ✓", num(opt)),
            Some(c) if status == Status::Optimal || c < opt - 1e-6 * opt.max(1.0) => {
                *flagged += 1;
                format!("**{} MISMATCH**", num(opt))
            }
            _ => format!("{} (not reached)", num(opt)),
        },
    }
}

/// Writes each FCTP instance as a scenario file.
fn export(files: &[fctp::InstanceFile], dir: &std::path::Path) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    for f in files {
        match fctp::read(f.layout, &f.path) {
            Ok(Parsed::Transportation(inst)) => {
                let file = inst.to_scenario_file(&f.name);
                let path = dir.join(format!("{}.json", f.name.replace('/', "__")));
                let json = serde_json::to_string_pretty(&file).expect("scenario serialises");
                if let Err(e) = std::fs::write(&path, json + "\n") {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::from(2);
                }
                println!(
                    "{} (R = {}, Σ demand = {})",
                    path.display(),
                    inst.revenue_per_unit(),
                    inst.total_demand()
                );
            }
            Ok(Parsed::FacilityLocation(_)) => println!("{}: left out (facility location)", f.name),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Optimal => "optimal",
        Status::TimeLimit => "time limit",
        Status::TimeLimitNoSolution => "time limit, no plan",
        Status::Infeasible => "infeasible",
    }
}

/// A cost with two decimals, trailing zeros dropped.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}
