//! Our search against argmin's `SimulatedAnnealing` on the Northstar surrogate (the `current` strategy:
//! repair the current plan under the 10 % continuity budget). Budgets are wall clock: argmin's annealer is
//! stopped by its executor's time limit at the time ours took (measured once before the benchmarks).
//!
//! * `ours/generate_current`: `generate(Strategy::Current)`: repair, then our annealing (200 proposals per
//!   account, in sweeps inside argmin's executor), tidy, repair, tidy.
//! * `argmin_sa/generate_wallclock`: argmin's annealer from the same constructed plan, for that long.
//! * `ours/anneal_from_repair`: our annealing alone (`Search::anneal`, in the executor), from our repaired plan.
//! * `argmin_sa/anneal_wallclock_from_repair`: argmin's annealer from the same repaired plan, for that long.
//! * `argmin_sa/200_iterations`: its cost per iteration (each one a full cost evaluation).
//!
//! The surrogate cost and moves each reaches are printed to stderr. Run:
//! `cargo bench --bench search_vs_argmin`.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use terrasim::optimize::{
    Items, Landscape, Org, OwnersState, Placement, Problem, Search, SearchRng, State, Structure, Weights,
    argmin_anneal, construct, generate, with_timeout,
};
use terrasim::scenario::{OptimizeSpec, Strategy};

fn northstar() -> (terrasim::scenario::Scenario, terrasim::market::Market) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/baseline.toml");
    let scenario = terrasim::io::load_scenario(&path).expect("baseline scenario");
    let market = terrasim::io::load_market(&scenario).expect("baseline market");
    (scenario, market)
}

/// The problem `generate` searches for the current plan, and the plan it starts from.
fn current_problem(org: &Org, spec: &OptimizeSpec) -> (Problem, Vec<u32>) {
    let mut p = org.problem.clone();
    p.weights = Weights::REPAIR;
    if spec.compactness {
        p.weights.per_1000km = 0.05;
    }
    let start = construct(Strategy::Current, &p, &org.market, None).owner;
    (p, start)
}

/// argmin's starting temperature: the mean uphill step of our proposals from `start` (our `t0_scale` = 1).
fn mean_uphill(p: &Problem, start: &[u32], seed: u64) -> f64 {
    let items = Items::singletons(p);
    let plan = Placement::new(State::new(p, start.to_vec()), Structure::free());
    Landscape::new(p, &items).temperature_scale(&plan, &mut SearchRng::new(seed, 0), 1.0)
}

fn report(label: &str, org: &Org, owner: &[u32], wall: Duration, extra: &str) {
    let state = State::new(&org.problem, owner.to_vec());
    eprintln!(
        "{label}: cost {:.6}, moves {}, outside bands {}, {:.3} s{extra}",
        state.cost(),
        state.moves,
        (0..org.problem.reps.len()).filter(|&r| state.excess(r) > 1e-12).count(),
        wall.as_secs_f64()
    );
}

fn iterations(out: &OwnersState) -> String {
    format!(", {} iterations (full cost evaluations), ended by {:?}", out.iter, out.termination_status)
}

fn bench(c: &mut Criterion) {
    let (scenario, market) = northstar();
    let spec = scenario.optimize.clone().unwrap_or_default();
    let org = Org::new(&scenario, &market, &spec).expect("org");
    let seed = scenario.seed;
    let (p, start) = current_problem(&org, &spec);
    let items = Items::singletons(&p);
    let n = items.len();
    let proposals = spec.search_effort as usize * n;
    let t0 = mean_uphill(&p, &start, seed);
    eprintln!(
        "northstar current: {} accounts, {n} movable, {} reps, move budget {}, argmin t0 {t0:.3e}",
        p.potential.len(),
        p.reps.len(),
        p.max_moves
    );
    report("start (constructed plan)", &org, &start, Duration::ZERO, "");

    // Ours, whole, once: its time is argmin's budget from the same start.
    let clock = Instant::now();
    let ours = generate(&org, &spec, Strategy::Current, None, seed);
    let whole = clock.elapsed();
    let owner: Vec<u32> = ours.plan.owners().iter().map(|o| o.unwrap_or(u32::MAX)).collect();
    report("ours generate(current)", &org, &owner, whole, &format!(", {proposals} proposals"));
    let clock = Instant::now();
    let sa = argmin_anneal(&p, start.clone(), seed, t0, u64::MAX, with_timeout(whole)).expect("argmin");
    report("argmin SA, same start", &org, sa.best_param.as_ref().unwrap(), clock.elapsed(), &iterations(&sa));

    // Annealer against annealer, both from our repaired plan: ours alone, then argmin's for as long.
    let land = Landscape::new(&p, &items);
    let mut plan = Placement::new(State::new(&p, start.clone()), Structure::free());
    let clock = Instant::now();
    land.repair(&mut plan, n * 4);
    report("our repair alone", &org, &plan.state.owner, clock.elapsed(), "");
    let repaired = plan.state.owner.clone();
    let anneal = |owner: Vec<u32>| {
        let mut search = Search::new(&land, Placement::new(State::new(&p, owner), Structure::free()));
        search.anneal(&mut SearchRng::new(seed, 0), proposals, 0.02).expect("anneal");
        let sweeps = argmin::core::State::get_iter(search.state());
        (search.into_plan().state.owner, sweeps)
    };
    let clock = Instant::now();
    let (annealed, sweeps) = anneal(repaired.clone());
    let budget = clock.elapsed();
    let extra = format!(", {proposals} proposals in {sweeps} sweeps");
    report("ours Search::anneal, from our repair", &org, &annealed, budget, &extra);
    let t0r = mean_uphill(&p, &repaired, seed);
    let clock = Instant::now();
    let sa = argmin_anneal(&p, repaired.clone(), seed, t0r, u64::MAX, with_timeout(budget)).expect("argmin");
    let best = sa.best_param.as_ref().unwrap();
    report("argmin SA, from our repair", &org, best, clock.elapsed(), &iterations(&sa));

    let mut g = c.benchmark_group("search_vs_argmin");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    g.bench_function("ours/generate_current", |b| {
        b.iter(|| generate(&org, &spec, Strategy::Current, None, seed))
    });
    g.bench_function("argmin_sa/generate_wallclock", |b| {
        b.iter(|| argmin_anneal(&p, start.clone(), seed, t0, u64::MAX, with_timeout(whole)).expect("argmin"))
    });
    g.bench_function("ours/anneal_from_repair", |b| {
        b.iter_batched(|| repaired.clone(), &anneal, BatchSize::LargeInput)
    });
    g.bench_function("argmin_sa/anneal_wallclock_from_repair", |b| {
        b.iter(|| {
            argmin_anneal(&p, repaired.clone(), seed, t0r, u64::MAX, with_timeout(budget)).expect("argmin")
        })
    });
    g.bench_function("argmin_sa/200_iterations", |b| {
        b.iter(|| argmin_anneal(&p, start.clone(), seed, t0, 200, |e| e).expect("argmin"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
