//! Round trip: history made by the simulator from known parameters is calibrated, and the known
//! parameters fall inside the reported 90% intervals at about the nominal rate; a backtest on such history
//! is calibrated, and the same model with win rates halved is caught.

use std::path::Path;

use terrasim::calibrate::{
    BacktestOptions, History, Interval, SegmentFit, backtest, calibrate, first_day, month_of,
    simulate_history,
};
use terrasim::market::{Market, SizeBand, parse_iso_date};
use terrasim::scenario::{Scenario, SegmentParams};
use terrasim::sim::model::SalesMotion;

/// A shipped market with fixed parameters: win rates of both motions with no year-to-year spread (a Beta
/// with a million deals of evidence), no market factor, every rep of skill 1, so that the truth is one
/// number per parameter: the scenario's own, per size band.
fn known_market(path: &str) -> (Scenario, Market) {
    let mut scenario = terrasim::io::load_scenario(Path::new(path)).unwrap();
    scenario.model.market_factor_sigma = 0.0;
    for band in SizeBand::ALL {
        let p = scenario.segment_params(band, &[]).0;
        let (mean, expansion) = (p.win_rate_mean(), p.expansion_win_rate_mean());
        let o = scenario.params.entry(band.label().to_string()).or_default();
        o.set("win_rate_alpha", mean * 1e6).unwrap();
        o.set("win_rate_beta", (1.0 - mean) * 1e6).unwrap();
        o.set("expansion_win_rate_alpha", expansion * 1e6).unwrap();
        o.set("expansion_win_rate_beta", (1.0 - expansion) * 1e6).unwrap();
    }
    let mut market = terrasim::io::load_market(&scenario).unwrap();
    for r in 0..market.reps().len() {
        market.rep_mut(r).skill = 1.0;
    }
    (scenario, market)
}

/// Northstar with fixed parameters (the documented defaults).
fn known() -> (Scenario, Market) {
    known_market("scenarios/northstar/baseline.toml")
}

/// The true value of each fitted parameter of `motion` for parameters `p`.
fn truths(p: &SegmentParams, motion: SalesMotion) -> [(&'static str, f64); 8] {
    match motion {
        SalesMotion::NewBusiness => [
            ("win_rate", p.win_rate_mean()),
            ("opp_rate", p.opp_rate.get()),
            ("amount_to_potential", 1.0),
            ("deal_sigma", p.deal_size_sigma.get()),
            ("cycle_median", p.cycle_months_median.get()),
            ("cycle_sigma", p.cycle_sigma.get()),
            ("lost_cycle_median", p.lost_cycle_months_median.get()),
            ("lost_cycle_sigma", p.lost_cycle_sigma.get()),
        ],
        SalesMotion::Expansion => [
            ("win_rate", p.expansion_win_rate_mean()),
            ("opp_rate", p.expansion_opp_rate.get()),
            ("amount_to_potential", p.expansion_deal_size.get() / p.deal_size.get()),
            ("deal_sigma", p.expansion_deal_size_sigma.get()),
            ("cycle_median", p.expansion_cycle_months_median.get()),
            ("cycle_sigma", p.expansion_cycle_sigma.get()),
            ("lost_cycle_median", p.expansion_lost_cycle_months_median.get()),
            ("lost_cycle_sigma", p.expansion_lost_cycle_sigma.get()),
        ],
    }
}

fn interval<'a>(s: &'a SegmentFit, name: &str) -> &'a Interval {
    match name {
        "win_rate" => &s.win_rate,
        "opp_rate" => &s.opp_rate,
        "amount_to_potential" => &s.amount_to_potential,
        "deal_sigma" => &s.deal_sigma,
        "cycle_median" => &s.cycle_median,
        "cycle_sigma" => &s.cycle_sigma,
        "lost_cycle_median" => &s.lost_cycle_median,
        _ => &s.lost_cycle_sigma,
    }
}

fn start() -> i64 {
    month_of(parse_iso_date("2023-01-01").unwrap())
}

/// A history of `months` months made by the model, written as a Salesforce export and read back, as a user
/// would calibrate from it (so the motions come from its `Type` column).
fn history(scenario: &Scenario, market: &Market, seed: u64, months: u32) -> History {
    let mut s = scenario.clone();
    s.seed = seed;
    let made = simulate_history(&s, market, start(), months, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("opportunities.csv");
    terrasim::io::write_history(&file, &made, market).unwrap();
    let read = terrasim::io::load_history(&file, scenario, market).unwrap();
    assert_eq!(read.opportunities.len(), made.opportunities.len());
    assert_eq!(read.classified_by.get("opportunity type"), Some(&made.opportunities.len()));
    assert!(read.opportunities.iter().zip(&made.opportunities).all(|(r, m)| r.motion == m.motion));
    read
}

/// Calibrates histories of `months` months made by the model with `seeds` on the known `market`, and
/// checks that the true parameters fall inside the 90% intervals at the nominal rate, per motion.
fn known_parameters_are_covered(
    scenario: &Scenario,
    market: &Market,
    seeds: std::ops::RangeInclusive<u64>,
    months: u32,
) {
    // Per motion: (hits, checks), and the misses for the message.
    let mut tally = [(0usize, 0usize); 2];
    let mut misses = Vec::new();
    for seed in seeds {
        let h = history(scenario, market, seed, months);
        // The history reads back its motions from its Type column, and has both.
        let shares = h.motion_shares();
        assert!(shares.iter().all(|m| m.opportunities > 100), "seed {seed}: {shares:?}");
        let cal = calibrate(&h, market, scenario).unwrap();
        for s in &cal.diagnostics.segments {
            let band = SizeBand::parse(s.key.rsplit('/').next().unwrap()).unwrap();
            let (hits, checks) = &mut tally[s.motion.index()];
            assert!(s.learnt, "{} {:?} has closed deals", s.key, s.motion);
            let truth = scenario.segment_params(band, &[]).0;
            for (name, x) in truths(&truth, s.motion) {
                let i = interval(s, name);
                *checks += 1;
                if i.contains(x) {
                    *hits += 1;
                } else {
                    misses.push(format!(
                        "seed {seed} {} {} {name}: {x} not in {i:?}",
                        s.key,
                        s.motion.label()
                    ));
                }
            }
            // K: at most the truth (a 99% quantile of a bound), and the truth where the history reaches it.
            let k_true = match s.motion {
                SalesMotion::NewBusiness => truth.max_open.get(),
                SalesMotion::Expansion => truth.expansion_max_open.get(),
            };
            assert!(
                s.max_open.is_some_and(|k| k >= 1.0 && k <= k_true),
                "{} {:?}: K {:?}",
                s.key,
                s.motion,
                s.max_open
            );
        }
    }
    eprintln!("misses:\n{}", misses.join("\n"));
    for (motion, (hits, checks)) in SalesMotion::ALL.iter().zip(tally) {
        let rate = hits as f64 / checks as f64;
        // Binomial SE of a 90% rate over the checks; bands and their paths share data, so allow 3 SE.
        let se = (0.9 * 0.1 / checks as f64).sqrt();
        eprintln!("{}: hit rate {rate:.3} over {checks} checks (SE {se:.3})", motion.label());
        assert!(
            (rate - 0.9).abs() <= 3.0 * se,
            "{}: hit rate {rate:.3} over {checks} checks",
            motion.label()
        );
    }
}

#[test]
#[ignore = "heavy statistical round trip (about a minute): cargo test --test calibrate_round_trip -- --ignored; CI runs it"]
fn known_parameters_fall_in_the_90_percent_intervals_at_the_nominal_rate_per_motion() {
    let (scenario, market) = known();
    known_parameters_are_covered(&scenario, &market, 1..=4, 24);
}

/// Keystone: dozens of expansion deals per account, K up to 6, few new logos. Three years per history, so
/// that each segment's new business has closed deals to fit.
#[test]
#[ignore = "heavy statistical round trip (about a minute): cargo test --test calibrate_round_trip -- --ignored; CI runs it"]
fn keystones_known_parameters_fall_in_the_90_percent_intervals_per_motion() {
    let (scenario, market) = known_market("scenarios/keystone/baseline.toml");
    known_parameters_are_covered(&scenario, &market, 1..=6, 36);
}

#[test]
#[ignore = "heavy statistical round trip (about a minute): cargo test --test calibrate_round_trip -- --ignored; CI runs it"]
fn backtest_on_model_history_is_calibrated_and_halved_win_rates_are_caught() {
    let (scenario, market) = known();
    let h = history(&scenario, &market, 7, 36);
    let cutoff = first_day(start() + 24);
    let options = |multiplier: f64| BacktestOptions {
        cutoff,
        horizon: 12,
        trials: 200,
        win_rate_multiplier: multiplier,
    };
    let right = backtest(&h, &market, &scenario, &options(1.0)).unwrap();
    let c = &right.coverage;
    eprintln!(
        "right model: 50% {:.3} 80% {:.3} over {} checks; CRPS {:?}",
        c.coverage_50,
        c.coverage_80,
        c.checks,
        right.by_metric.iter().map(|m| (m.metric.clone(), m.crps, m.crps_naive)).collect::<Vec<_>>()
    );
    // Three binomial standard errors over the checks (the summary's own tolerance, at least 8 points).
    assert!(!c.miscalibrated, "{c:?}");
    assert!((c.coverage_50 - 0.5).abs() <= c.tolerance_50 && (c.coverage_80 - 0.8).abs() <= c.tolerance_80);
    assert!(c.checks >= 100);
    // The model beats carrying last year forward on every metric.
    for m in &right.by_metric {
        assert!(m.crps_skill.is_some_and(|s| s > 0.0), "{m:?}");
    }

    let wrong = backtest(&h, &market, &scenario, &options(0.5)).unwrap();
    let w = &wrong.coverage;
    eprintln!("win rates halved: 50% {:.3} 80% {:.3}", w.coverage_50, w.coverage_80);
    assert!(w.miscalibrated, "{w:?}");
    let wins = wrong.by_metric.iter().find(|m| m.metric == "wins").unwrap();
    assert!(wins.coverage_80 < 0.3, "{wins:?}");
}

#[test]
fn backtest_output_does_not_depend_on_the_thread_count() {
    let (scenario, market) = known();
    let h = history(&scenario, &market, 3, 18);
    let options =
        BacktestOptions { cutoff: first_day(start() + 12), horizon: 6, trials: 40, win_rate_multiplier: 1.0 };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| serde_json::to_string(&backtest(&h, &market, &scenario, &options).unwrap()).unwrap())
    };
    assert_eq!(run(1), run(2));
}

#[test]
#[ignore = "heavy statistical round trip (about a minute): cargo test --test calibrate_round_trip -- --ignored; CI runs it"]
fn rep_skills_are_recovered_and_shrunk_by_how_much_record_each_rep_has() {
    let (scenario, _) = known();
    // The reps file's own skills (0.69 to 1.27) this time.
    let market = terrasim::io::load_market(&scenario).unwrap();
    let (mut hits, mut checks) = (0usize, 0usize);
    for seed in [11, 12, 13, 14, 15, 16] {
        let h = history(&scenario, &market, seed, 24);
        let cal = calibrate(&h, &market, &scenario).unwrap();
        let reps = &cal.diagnostics.reps;
        for r in reps {
            checks += 1;
            hits += usize::from(r.skill.contains(r.file_skill));
        }
        // Shrinkage: the weight of a rep's own record grows with its record.
        let mut by_closed: Vec<(usize, f64)> = reps.iter().map(|r| (r.closed, r.own_weight)).collect();
        by_closed.sort_by_key(|x| x.0);
        let thin = by_closed.iter().filter(|x| x.0 <= 60).map(|x| x.1).fold(0.0, f64::max);
        let thick = by_closed.iter().filter(|x| x.0 >= 300).map(|x| x.1).fold(1.0, f64::min);
        eprintln!(
            "seed {seed}: own weight at most {thin:.2} with <= 60 closed deals, at least {thick:.2} with >= 300"
        );
        // How much weight a long record earns depends on the spread of skills estimated from 20 reps, which
        // varies a lot between histories, so the test asks for the ordering with a clear margin rather than
        // a level: a thin record never outweighs the prior, and a long one earns at least twice its weight.
        assert!(thin < 0.5 && thick > 2.0 * thin.max(0.05), "{by_closed:?}");
        // Between records far apart, the weight never goes the wrong way. A record's information is the
        // wins its deals predict, not their count: an expansion deal (won 35% of the time) tells more than
        // a new-business one (18–25%), so reps are compared by expected wins.
        let by_expected: Vec<(f64, f64)> = reps.iter().map(|r| (r.expected_wins, r.own_weight)).collect();
        for x in &by_expected {
            assert!(by_expected.iter().all(|y| y.0 < 2.0 * x.0 || y.1 > x.1), "{by_expected:?}");
        }
    }
    let rate = hits as f64 / checks as f64;
    let se = (0.9 * 0.1 / checks as f64).sqrt();
    eprintln!("skills inside their 90% intervals: {rate:.3} of {checks} (SE {se:.3})");
    assert!((rate - 0.9).abs() <= 3.0 * se, "{rate} of {checks}");
}

#[test]
fn horizons_beyond_two_years_count_coverage_over_every_quarter() {
    let (mut scenario, market) = known();
    let rate = |scenario: &Scenario| {
        let model = terrasim::scenario::compile(scenario, &market, market.plan(), None).unwrap();
        terrasim::sim::run_trial(&model, 0, &mut terrasim::sim::Scratch::default()).coverage_rate
    };
    scenario.horizon_months = 24;
    let two_years = rate(&scenario);
    scenario.horizon_months = 60;
    let five_years = rate(&scenario);
    assert!(two_years > 0.0 && two_years <= 1.0);
    // Coverage settles as pipelines fill: five years cannot cover a wildly different share than two.
    assert!(five_years > 0.5 * two_years && five_years <= 1.0, "{two_years} {five_years}");
}
