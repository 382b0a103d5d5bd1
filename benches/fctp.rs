//! Solve time of fixed-charge transportation and capacitated facility-location
//! benchmark instances through symbio (scenario → network → MILP; the
//! facilities are plants), read at run time from `$SYMBIO_FCTP_DIR` (default
//! `../shared/data/fctp` next to the crate); nothing runs when it is absent.
//!
//! Each instance is first solved once under a time limit and its status, cost and
//! gap are printed; only instances proven optimal within `TIMED_UNDER` seconds are
//! then timed by criterion (a time-limited solve would only time the limit).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use symbio::{SolveOptions, Status};
use symbio_testkit::fctp::{self, Parsed};

/// Instances, relative to the collection directory.
const INSTANCES: &[&str] = &[
    "balinski_glpk/bal8x12.txt",
    "glover_2005/N104.FCTP",
    "agarwal_aneja_2012/Theta0.2/9.txt",
    "roberti_2015/B20Theta0.2/30x30/1.dat",
    "orlib_cap/cap41.txt",
    "orlib_cap/cap131.txt",
];

/// Time limit of the probing solve, seconds.
const LIMIT: f64 = 60.0;

/// Instances proven optimal faster than this (seconds) are timed by criterion.
const TIMED_UNDER: f64 = 15.0;

fn fctp(c: &mut Criterion) {
    let dir = fctp::data_dir();
    if !dir.is_dir() {
        eprintln!(
            "fctp bench: {} not found (set SYMBIO_FCTP_DIR); nothing to do",
            dir.display()
        );
        return;
    }
    let options = SolveOptions {
        time_limit: Some(LIMIT),
        gap: 1e-6,
        threads: 1,
        decompose: false,
        reduce: symbio::model::Reduce::Auto,
    };
    let mut group = c.benchmark_group("fctp");
    group.sample_size(10);
    for name in INSTANCES {
        let path = dir.join(name);
        let layout = match fctp::Layout::ALL
            .into_iter()
            .find(|l| name.starts_with(l.folder()))
        {
            Some(l) => l,
            None => continue,
        };
        let inst = match fctp::read(layout, &path) {
            Ok(Parsed::Transportation(i)) => i,
            Ok(Parsed::FacilityLocation(cfl)) => {
                // Facility location: the facilities are plants of symbio.
                let out =
                    fctp::solve_facility_location(&cfl, name, &options).expect("the solver runs");
                eprintln!(
                    "fctp {name} ({} × {}): {:?}, cost {}, lower bound {}, {:.2} s",
                    cfl.capacities.len(),
                    cfl.demands.len(),
                    out.status,
                    out.cost.map_or("-".into(), |v| format!("{v:.2}")),
                    out.cost_bound.map_or("-".into(), |v| format!("{v:.2}")),
                    out.seconds
                );
                if out.status != Status::Optimal || out.seconds > TIMED_UNDER {
                    continue;
                }
                group.measurement_time(Duration::from_secs_f64(
                    (12.0 * out.seconds).clamp(3.0, 200.0),
                ));
                group.bench_function(*name, |b| {
                    b.iter(|| fctp::solve_facility_location(&cfl, name, &options).unwrap())
                });
                continue;
            }
            Err(e) => {
                eprintln!("fctp bench: {e}");
                continue;
            }
        };
        let out = fctp::solve(&inst, name, &options).expect("the solver runs");
        let seconds = out.setup_seconds + out.solve_seconds;
        eprintln!(
            "fctp {name} ({} × {}): {:?}, cost {}, lower bound {}, gap {}, {seconds:.2} s{}",
            inst.suppliers(),
            inst.customers(),
            out.status,
            out.cost.map_or("-".into(), |v| format!("{v:.2}")),
            out.cost_bound.map_or("-".into(), |v| format!("{v:.2}")),
            out.gap
                .map_or("-".into(), |g| format!("{:.2} %", 100.0 * g)),
            if out.status.has_plan() && !out.is_consistent() {
                " — PLAN DOES NOT CHECK OUT"
            } else {
                ""
            }
        );
        if out.status != Status::Optimal || seconds > TIMED_UNDER {
            eprintln!("fctp {name}: not timed by criterion (over {TIMED_UNDER} s or not optimal)");
            continue;
        }
        group.measurement_time(Duration::from_secs_f64((12.0 * seconds).clamp(3.0, 200.0)));
        group.bench_function(*name, |b| {
            b.iter(|| fctp::solve(&inst, name, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, fctp);
criterion_main!(benches);
