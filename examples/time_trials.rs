//! Time per trial on the Northstar baseline, trials only (no import, compile or aggregation).
//!
//! `cargo run --release --example time_trials -- [REPEATS] [TRIALS] [THREADS]` runs `TRIALS` trials (default
//! 300) `REPEATS` times (default 30) on `THREADS` threads (default 1) and prints the minimum, lower quartile
//! and median of the time per trial.
//! On a shared machine the minimum over many short runs is the steadiest figure for an A/B of two builds
//! (run them alternately); speed targets themselves live in `benches/northstar.rs`.

use std::time::Instant;

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args().nth(i).map_or(default, |s| s.parse().expect("a whole number"))
    };
    let (repeats, trials, threads) = (arg(1, 30).max(1), arg(2, 300) as u64, arg(3, 1));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/baseline.toml");
    let scenario = terrasim::io::load_scenario(&path).expect("the shipped baseline scenario");
    let market = terrasim::io::load_market(&scenario).expect("the shipped baseline market");
    let model = terrasim::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
    let mut micros: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            let outcomes = terrasim::sim::run_trials(&model, trials, Some(threads), &|_| {}).expect("run");
            std::hint::black_box(outcomes);
            start.elapsed().as_secs_f64() * 1e6 / trials as f64
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    println!(
        "µs per trial over {repeats} × {trials} trials: min {:.1}, p25 {:.1}, median {:.1}",
        micros[0],
        micros[repeats / 4],
        micros[repeats / 2]
    );
}
