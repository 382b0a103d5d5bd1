//! Load, network building and solving of the shipped scenarios, timed apart.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

fn scenarios(c: &mut Criterion) {
    for file in [
        "scenarios/liuzhou.toml",
        "scenarios/kalundborg.toml",
        "tests/data/hand.toml",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let scenario = symbio::scenario::read(&path).expect("shipped scenario loads");
        let network = symbio::network::build(&scenario).expect("network builds");
        let options = symbio::SolveOptions::default().one_milp();
        c.bench_function(&format!("{name}/load"), |b| {
            b.iter(|| symbio::scenario::read(&path).unwrap())
        });
        c.bench_function(&format!("{name}/network"), |b| {
            b.iter(|| symbio::network::build(&scenario).unwrap())
        });
        c.bench_function(&format!("{name}/solve"), |b| {
            b.iter(|| symbio::model::solve(&scenario, &network, &options).unwrap())
        });
    }
}

criterion_group!(benches, scenarios);
criterion_main!(benches);
