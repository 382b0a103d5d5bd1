//! Sweep throughput (points per second) on the Liuzhou scenario with 1 and 2
//! threads, and the decomposition's speed-up on a generated scenario of many
//! independent districts. Figures: docs/performance.md.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use symbio::analysis::batch::{self, Destination, Format, RunOptions};
use symbio::analysis::sweep::{Axis, Sweep};
use symbio::SolveOptions;
use symbio_testkit::generate;

/// Points of the Liuzhou sweep: carbon price 0, 10, ..., 600 CNY/t (61 points).
fn axis() -> Axis {
    Axis {
        path: "parameters.carbon_price".into(),
        values: (0..=60).map(|k| 10.0 * k as f64).collect(),
    }
}

fn sweep(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/liuzhou.toml");
    let loaded = symbio::scenario::load::load(&path).expect("shipped scenario loads");
    let sweep = Sweep::new(loaded, vec![axis()], SolveOptions::default()).unwrap();
    let points = sweep.grid().len();
    let mut g = c.benchmark_group("sweep/liuzhou");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(15));
    g.throughput(Throughput::Elements(points as u64));
    for threads in [1, 2] {
        g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, &t| {
            b.iter(|| {
                let stop = AtomicBool::new(false);
                let mut rows = 0;
                let mut count = |_: &str| {
                    rows += 1;
                    true
                };
                let options = RunOptions {
                    threads: t,
                    format: Format::JsonLines,
                    shard: None,
                    stop: &stop,
                    writing: None,
                };
                batch::run_batch(&sweep, Destination::Lines(&mut count), &options, |_| {}).unwrap();
                assert_eq!(rows, points);
            })
        });
    }
    g.finish();
}

fn decomposition(c: &mut Criterion) {
    // Beyond about 25 districts the single MILP takes minutes (see docs/performance.md).
    let n = 20;
    let text = generate::districts(n, 1);
    let scenario =
        symbio::scenario::read_str(Path::new("districts.toml"), &text).expect("generated scenario");
    let net = symbio::network::build(&scenario).unwrap();
    assert_eq!(net.independent_parts().len(), 2 * n);
    let exact = SolveOptions {
        gap: 1e-6,
        ..SolveOptions::default()
    };
    let one_milp = exact.one_milp();
    let mut g = c.benchmark_group(format!("decompose/{n}_districts"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(15));
    g.bench_function("monolithic", |b| {
        b.iter(|| symbio::model::solve(&scenario, &net, &one_milp).unwrap())
    });
    for threads in [1, 2] {
        let opts = SolveOptions { threads, ..exact };
        g.bench_with_input(
            BenchmarkId::new("decomposed/threads", threads),
            &opts,
            |b, o| b.iter(|| symbio::model::solve(&scenario, &net, o).unwrap()),
        );
    }
    g.finish();
}

criterion_group!(benches, sweep, decomposition);
criterion_main!(benches);
