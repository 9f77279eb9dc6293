//! The shipped reference market end to end: import, compile, and the Monte Carlo run at the product's
//! target size (10,000 trials of ~12,000 accounts × 40 reps × 12 months).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn northstar() -> (terrasim::scenario::Scenario, terrasim::market::Market) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/baseline.toml");
    let scenario = terrasim::io::load_scenario(&path).expect("baseline scenario");
    let market = terrasim::io::load_market(&scenario).expect("baseline market");
    (scenario, market)
}

fn bench(c: &mut Criterion) {
    let (scenario, market) = northstar();
    let mut g = c.benchmark_group("northstar");
    g.sample_size(10);
    g.bench_function("import", |b| b.iter(northstar));
    g.bench_function("compile", |b| {
        b.iter(|| terrasim::scenario::compile(&scenario, &market, market.plan(), None).expect("compile"))
    });
    let model = terrasim::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
    for trials in [1_000u64, 10_000] {
        g.bench_function(format!("simulate_{trials}_trials"), |b| {
            b.iter(|| terrasim::sim::run_trials(&model, trials, None, &|_| {}).expect("run"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
