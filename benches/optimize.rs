//! The optimizer's speed targets: the `current` repair of the shipped Northstar plan into the bands within a
//! 10% continuity budget (≤ 5 s), a new-hire carve (≤ 2 s), a full five-strategy optimize ranked with
//! 2,000 trials each (≤ 30 s), and the rebalance of a generated 100,000-account, 200-rep market (≤ 60 s).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use terrasim::optimize::{Org, UnitGraph, generate, optimize};
use terrasim::scenario::{OptimizeSpec, Scenario, Strategy};

fn load(path: &Path) -> (Scenario, terrasim::market::Market) {
    let scenario = terrasim::io::load_scenario(path).expect("scenario");
    let market = terrasim::io::load_market(&scenario).expect("market");
    (scenario, market)
}

fn northstar(file: &str) -> (Scenario, terrasim::market::Market) {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar").join(file))
}

fn counties() -> UnitGraph {
    terrasim::io::load_units(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/data/counties.csv"),
    )
    .expect("county table")
}

/// A generated market of `accounts` accounts and `reps` reps in a temporary folder, with a scenario.
fn generated(dir: &Path, accounts: usize, reps: usize) -> PathBuf {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/data/counties.csv");
    let counties = terrasim::io::load_counties(&table).expect("county table");
    let spec = terrasim::generate::GenerateSpec { seed: 20_260_101, accounts, reps };
    let market = terrasim::generate::generate_market(&spec, &counties);
    terrasim::io::write_generated(&dir.join("data"), &market, true).expect("write the generated market");
    let scenario = dir.join("scenario.toml");
    std::fs::write(
        &scenario,
        "schema_version = 1\nname = \"generated\"\n[data]\naccounts = \"data/accounts.csv\"\n\
         reps = \"data/reps.csv\"\nplan = \"data/plan.csv\"\ncarveouts = \"data/carveouts.csv\"\n",
    )
    .expect("write the scenario");
    scenario
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("optimize");
    g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_secs(1));

    // `current` repair of the shipped plan within the default 10% continuity budget.
    let (scenario, market) = northstar("baseline.toml");
    let spec = OptimizeSpec::default();
    let org = Org::new(&scenario, &market, &spec).expect("org");
    g.bench_function("northstar_current_repair", |b| {
        b.iter(|| generate(&org, &spec, Strategy::Current, None, scenario.seed))
    });

    // Two EMEA mid-market hires get books sized to their ramp.
    let (hire_scenario, hire_market) = northstar("new_hire.toml");
    let hire_org = Org::new(&hire_scenario, &hire_market, &spec).expect("org");
    g.bench_function("northstar_new_hire_carve", |b| {
        b.iter(|| generate(&hire_org, &spec, Strategy::Current, None, hire_scenario.seed))
    });

    // The full optimize: five strategies on the county graph, each and the unchanged plan ranked with
    // 2,000 trials.
    let graph = counties();
    g.bench_function("northstar_full_optimize_5x2000", |b| {
        b.iter(|| optimize(&org, &spec, Some(&graph), 2_000, None, &|_| {}, &|_| {}).expect("optimize"))
    });

    // A generated 100,000-account, 200-rep market rebalanced by the `current` strategy.
    let dir = tempfile::tempdir().expect("temporary folder");
    let (big_scenario, big_market) = load(&generated(dir.path(), 100_000, 200));
    let big_org = Org::new(&big_scenario, &big_market, &spec).expect("org");
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("generated_100k_200_rebalance", |b| {
        b.iter(|| generate(&big_org, &spec, Strategy::Current, None, 1))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
