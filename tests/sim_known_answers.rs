//! Known-answer tests of the simulation model: each compares against a closed form or an exact property,
//! with bounds derived from the Monte Carlo standard error and fixed seeds.

mod common;

use common::*;
use terrasim::market::GeoPoint;

/// Known answer 1: Unlimited capacity, constant rates, no parameter uncertainty: with monthly opening probability `p`,
/// win rate `w`, 1-month cycles and exact deal value `V`, an account is still in the pool at month `m` with
/// probability `(1 − p·w)^m`, and a deal opened in month `m` books in month `m + 1`, so expected bookings per
/// account over `H` months are `V·(1 − (1 − p·w)^(H−1))`.
#[test]
fn mean_bookings_match_the_closed_form() {
    let (n, p, w, v, horizon) = (400, 0.08, 0.3, 10_000.0, 12);
    let accounts = (0..n).map(|i| account(i, "Software", v)).collect();
    let m = market(accounts, vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
    let s = scenario(&format!("horizon_months = {horizon}\n{}", deterministic_params(w, p)));
    let model = compile(&s, &m);
    let outcomes = run(&model, 2000);
    let per_trial: Vec<f64> = outcomes.iter().map(|o| o.bookings[0]).collect();
    let (mean, se) = mean_se(&per_trial);
    let expected = n as f64 * v * (1.0 - (1.0 - p * w).powi(horizon - 1));
    assert!((mean - expected).abs() < 4.0 * se, "mean {mean} vs closed form {expected} (se {se})");
    // The bound is tight enough to catch an off-by-one month: H−2 gives a different answer.
    let off_by_one = n as f64 * v * (1.0 - (1.0 - p * w).powi(horizon - 2));
    assert!((off_by_one - expected).abs() > 8.0 * se);
}

/// Known answer 2: A book that needs twice the rep's hours gets half of it covered.
#[test]
fn coverage_is_capacity_over_required_hours() {
    let n = 300;
    let accounts = (0..n).map(|i| account(i, "Software", 1000.0)).collect();
    // 1 hour per account; 150 hours of capacity; no opportunities so no hours go to selling.
    let m = market(accounts, vec![rep("R1", 150.0, 1e6)], &vec![Some(0); n]);
    let s = scenario(&deterministic_params(0.2, 0.0));
    let outcomes = run(&compile(&s, &m), 50);
    for o in &outcomes {
        assert!((o.covered[0] - 150.0).abs() < 1e-9, "covered {} of 300", o.covered[0]);
        assert!((o.coverage_rate - 0.5).abs() < 1e-12);
    }
}

/// Known answer 3: A departure with a held book: the orphaned accounts are uncovered until the backfill starts, the
/// monthly bookings show the gap, and team bookings drop against the baseline.
#[test]
fn held_book_leaves_a_gap_until_the_backfill() {
    let n = 200;
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 2)).collect();
    let m = market(accounts, vec![rep("R1", 1e9, 1e6), rep("R2", 1e9, 1e6)], &owners);
    let params = deterministic_params(0.3, 0.1);
    let base = scenario(&params);
    let departed = scenario(&format!(
        "{params}[[events.departure]]\nrep = \"R2\"\nmonth = 3\nbackfill_delay_months = 5\nbackfill_ramp_months = 3\norphan_policy = \"hold\"\n"
    ));
    let base_model = compile(&base, &m);
    let model = compile(&departed, &m);
    // Ownership: R2's book has no owner in months 4–7 and belongs to the backfill from month 8.
    let r2_account = model.epochs[0].books[1][0].account as usize;
    for month in 0..12 {
        let owner = model.epochs[model.epoch_of_month[month]].owner[r2_account];
        match month {
            0..=2 => assert_eq!(owner, 1),
            3..=6 => assert_eq!(owner, terrasim::sim::model::NO_OWNER, "month {}", month + 1),
            _ => assert_eq!(owner, 2),
        }
    }
    assert_eq!(model.reps[2].id, "R2-backfill");
    // The backfill ramps: capacity is zero before month 8 and below full in its first ramp months.
    assert_eq!(model.reps[2].capacity[6], 0.0);
    assert!(model.reps[2].capacity[7] < model.reps[2].capacity[10]);

    let trials = 2000;
    let with = run(&model, trials);
    let without = run(&base_model, trials);
    let h = model.horizon;
    // No inbound: R2 books nothing after month 4 (deals opened by month 3 close by month 4 under the
    // house), the backfill nothing before month 9 (opened in month 8, closed a month later).
    for o in &with {
        assert!((4..h).all(|month| o.monthly[h + month] == 0.0));
        assert!((0..8).all(|month| o.monthly[2 * h + month] == 0.0));
    }
    let team = |os: &[terrasim::sim::TrialOutcome], months: std::ops::Range<usize>| -> Vec<f64> {
        os.iter()
            .map(|o| {
                months.clone().map(|m| (0..o.bookings.len()).map(|r| o.monthly[r * h + m]).sum::<f64>()).sum()
            })
            .collect()
    };
    // Months 5–8: only R1 books, about half the baseline.
    let (gap, gap_se) = mean_se(&team(&with, 4..8));
    let (full, full_se) = mean_se(&team(&without, 4..8));
    let ratio = gap / full;
    let ratio_se = ratio * ((gap_se / gap).powi(2) + (full_se / full).powi(2)).sqrt();
    assert!((ratio - 0.5).abs() < 4.0 * ratio_se + 0.02, "gap ratio {ratio}");
    // Paired drop of team bookings over the year.
    let diffs: Vec<f64> =
        with.iter().zip(&without).map(|(a, b)| b.team_bookings() - a.team_bookings()).collect();
    let (drop, drop_se) = mean_se(&diffs);
    assert!(drop > 5.0 * drop_se, "drop {drop} ± {drop_se}");
}

/// Known answer 4: A vertical-expertise lift raises the win rate only on accounts of the rep's vertical.
#[test]
fn vertical_lift_applies_only_to_matched_accounts() {
    let n = 400;
    // R1 holds the Fintech accounts, R2 the Retail ones; both are Fintech experts.
    let accounts =
        (0..n).map(|i| account(i, if i % 2 == 0 { "Fintech" } else { "Retail" }, 10_000.0)).collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 2)).collect();
    let mut r1 = rep("R1", 1e9, 1e6);
    let mut r2 = rep("R2", 1e9, 1e6);
    r1.expert_verticals = vec!["Fintech".into()];
    r2.expert_verticals = vec!["Fintech".into()];
    let m = market(accounts, vec![r1, r2], &owners);
    let params = deterministic_params(0.2, 0.05);
    let lifted = compile(&scenario(&format!("{params}vertical_lift = 1.5\n")), &m);
    let flat = compile(&scenario(&format!("{params}vertical_lift = 1.0\n")), &m);
    let a = run(&lifted, 2000);
    let b = run(&flat, 2000);
    // Retail wins are identical draw for draw: same luck, same win probability.
    assert!(a.iter().zip(&b).all(|(x, y)| x.wins[1] == y.wins[1]));
    // Fintech wins rise by about 1.5x in the first month's closings (before the pool thins).
    let wins =
        |os: &[terrasim::sim::TrialOutcome]| os.iter().map(|o| f64::from(o.wins[0])).collect::<Vec<_>>();
    let (wa, sa) = mean_se(&wins(&a));
    let (wb, sb) = mean_se(&wins(&b));
    // Closed form: 200 accounts × (1 − (1 − p·w)^11).
    let expect = |w: f64| 200.0 * (1.0 - (1.0 - 0.05 * w).powi(11));
    assert!((wa - expect(0.3)).abs() < 4.0 * sa, "lifted wins {wa} vs {}", expect(0.3));
    assert!((wb - expect(0.2)).abs() < 4.0 * sb, "flat wins {wb} vs {}", expect(0.2));
}

/// Known answer 5: A scattered field book costs more travel hours, so gets lower coverage, than a compact one with the
/// same accounts.
#[test]
fn scattered_field_book_gets_lower_coverage() {
    let n = 100;
    let home = GeoPoint::new(40.0, -100.0).unwrap();
    let place = |i: usize, spread: f64| {
        let mut a = account(i, "Software", 1000.0);
        a.location =
            GeoPoint::new(40.0 + spread * ((i % 10) as f64 - 4.5), -100.0 + spread * ((i / 10) as f64 - 4.5));
        a
    };
    let params =
        format!("{}visits_per_month = 0.5\ntravel_cap_hours = 10.0\n", deterministic_params(0.2, 0.0));
    let coverage = |spread: f64| {
        let accounts = (0..n).map(|i| place(i, spread)).collect();
        let m = market(accounts, vec![field_rep("F1", 150.0, home)], &vec![Some(0); n]);
        let hours = terrasim::scenario::workload_hours(&scenario(&params), &m, m.plan());
        let outcomes = run(&compile(&scenario(&params), &m), 10);
        (hours.iter().sum::<f64>(), outcomes[0].coverage_rate)
    };
    let (compact_hours, compact) = coverage(0.05);
    let (scattered_hours, scattered) = coverage(2.0);
    assert!(scattered_hours > 1.5 * compact_hours, "{scattered_hours} vs {compact_hours}");
    assert_eq!(compact, 1.0, "150 hours cover a compact book of 100 accounts");
    assert!(scattered < 0.9 * compact, "scattered {scattered} vs compact {compact}");
}

/// Known answer 6: The market factor correlates reps' outcomes; without it their books are independent.
#[test]
fn market_factor_correlates_reps() {
    let n = 400;
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 2)).collect();
    let m = market(accounts, vec![rep("R1", 1e9, 1e6), rep("R2", 1e9, 1e6)], &owners);
    let params = deterministic_params(0.25, 0.05);
    let corr = |sigma: f64| {
        let s =
            scenario(&params.replace("market_factor_sigma = 0.0", &format!("market_factor_sigma = {sigma}")));
        let outcomes = run(&compile(&s, &m), 3000);
        let x: Vec<f64> = outcomes.iter().map(|o| o.bookings[0]).collect();
        let y: Vec<f64> = outcomes.iter().map(|o| o.bookings[1]).collect();
        correlation(&x, &y)
    };
    let none = corr(0.0);
    let some = corr(0.3);
    // The SE of a correlation near 0 is about 1/√n ≈ 0.018.
    assert!(none.abs() < 4.0 / 3000f64.sqrt(), "sigma 0 gives correlation {none}");
    assert!(some > 0.3, "sigma 0.3 gives correlation {some}");
}

/// Known answer 6b: The market factor is drawn once per plan year: bookings of deals opened within one year
/// move together (they share the year's factor), those of two different years are independent (correlation
/// 0, up to a depletion of the pool that a 2% opening rate keeps below the bound).
#[test]
fn market_factor_is_drawn_per_plan_year() {
    let (n, trials) = (1000, 1000);
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let m = market(accounts, vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
    let params =
        deterministic_params(0.3, 0.02).replace("market_factor_sigma = 0.0", "market_factor_sigma = 0.3");
    let model = compile(&scenario(&format!("horizon_months = 24\n{params}")), &m);
    let outcomes = run(&model, trials);
    // 1-month cycles: a deal opened in month m books in month m + 1.
    let booked = |months: std::ops::Range<usize>| -> Vec<f64> {
        outcomes.iter().map(|o| o.monthly[months.clone()].iter().sum()).collect()
    };
    let (first_half, second_half) = (booked(1..7), booked(7..12));
    let (year_one, year_two) = (booked(1..12), booked(13..24));
    let within = correlation(&first_half, &second_half);
    let across = correlation(&year_one, &year_two);
    let bound = 4.0 / (trials as f64).sqrt();
    assert!(within > 0.5, "months of one year share its factor: correlation {within}");
    assert!(across.abs() < bound, "two plan years are independent: correlation {across} (bound {bound})");
}

/// Known answer 6c: The level factor (the uncertainty of fitted rates) is drawn once per trial: with it alone,
/// the two plan years move together; and its mean is 1, so mean bookings stay those without it.
#[test]
fn level_factor_is_shared_by_the_years_of_a_trial() {
    let (n, trials) = (1000, 1000);
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let m = market(accounts, vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
    let run_with = |level: &str| {
        let params = deterministic_params(0.3, 0.02).replace("[model]\n", &format!("[model]\n{level}"));
        run(&compile(&scenario(&format!("horizon_months = 24\n{params}")), &m), trials)
    };
    let booked = |outcomes: &[terrasim::sim::TrialOutcome], months: std::ops::Range<usize>| -> Vec<f64> {
        outcomes.iter().map(|o| o.monthly[months.clone()].iter().sum()).collect()
    };
    let levelled = run_with("level_sigma = 0.3\n");
    let across = correlation(&booked(&levelled, 1..12), &booked(&levelled, 13..24));
    assert!(across > 0.5, "the level is shared by both years: correlation {across}");
    // The level multiplies opportunity and win rates, so bookings go with its square: E[L²] = e^(σ²) when
    // E[L] = 1; two percent of the pool opens a month, so bookings are near-linear in each rate.
    let (with, se) = mean_se(&booked(&levelled, 1..12));
    let (without, _) = mean_se(&booked(&run_with(""), 1..12));
    let expected = without * 0.09f64.exp();
    assert!((with - expected).abs() < 4.0 * se + 0.02 * expected, "{with} vs {expected} (se {se})");
}

/// The parameters of [`deterministic_params`] with a lognormal cycle (`median`, `sigma`) and a handoff loss.
fn pipeline_params(win: f64, median: f64, sigma: f64, handoff_loss: f64) -> String {
    deterministic_params(win, 0.0).replace(
        "cycle_months_median = 1.0\ncycle_sigma = 0.0\nlost_cycle_months_median = 1.0\nlost_cycle_sigma = 0.0\n",
        &format!(
            "cycle_months_median = {median}\ncycle_sigma = {sigma}\nlost_cycle_months_median = {median}\n\
             lost_cycle_sigma = {sigma}\nhandoff_loss = {handoff_loss}\n"
        ),
    )
}

/// [`pipeline_params`] with a lost cycle of its own.
fn pipeline_params_lost(win: f64, won: (f64, f64), lost: (f64, f64)) -> String {
    pipeline_params(win, won.0, won.1, 0.0).replace(
        &format!("lost_cycle_months_median = {}\nlost_cycle_sigma = {}\n", won.0, won.1),
        &format!("lost_cycle_months_median = {}\nlost_cycle_sigma = {}\n", lost.0, lost.1),
    )
}

/// Open deals of `value` on accounts `0..n`, of age `age(i)` months.
fn open_deals(n: usize, value: f64, age: impl Fn(usize) -> u32) -> Vec<terrasim::market::OpenDeal> {
    (0..n)
        .map(|i| terrasim::market::OpenDeal { id: format!("O{i}"), account: i, age_months: age(i), value })
        .collect()
}

/// Known answer: the open pipeline at the start, and nothing else (no opportunity is opened in the run). Won
/// and lost deals have their own lognormal cycles (`F_won`, `F_lost`; a deal closes `max(1, round(L))`
/// months after it opened, so a deal of age `k` is still open when `L ≥ k − ½`, with survival `S(k)`, 1 at
/// age 1). A deal open at age `k` is won with probability `w·S_won(k) ÷ (w·S_won(k) + (1 − w)·S_lost(k))`,
/// and a won one closes within `H` months when `L < k + H − ½`. Expected bookings are
/// `Σ V·w·[F_won(k + H − ½) − F_won(k − ½)] ÷ [w·S_won(k) + (1 − w)·S_lost(k)]`.
#[test]
fn open_pipeline_closes_by_the_cycle_given_its_age() {
    use statrs::distribution::{ContinuousCDF, Normal};
    let (n, v, w, horizon) = (400, 10_000.0, 0.4, 6);
    let (won, lost) = ((3.0, 0.6), (1.2, 0.8));
    let ages = [1u32, 2, 4, 8];
    let accounts = (0..n).map(|i| account(i, "Software", v)).collect();
    let mut m = market(accounts, vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
    m.set_open_pipeline(open_deals(n, v, |i| ages[i % 4])).unwrap();
    let s = scenario(&format!("horizon_months = {horizon}\n{}", pipeline_params_lost(w, won, lost)));
    let outcomes = run(&compile(&s, &m), 4000);
    let per_trial: Vec<f64> = outcomes.iter().map(|o| o.bookings[0]).collect();
    let (mean, se) = mean_se(&per_trial);

    let phi = Normal::new(0.0, 1.0).unwrap();
    let cdf = |(median, sigma): (f64, f64), x: f64| phi.cdf((x.ln() - f64::ln(median)) / sigma);
    let below = |c: (f64, f64), k: f64| if k < 2.0 { 0.0 } else { cdf(c, k - 0.5) };
    let h = f64::from(horizon);
    let booked = |k: f64| {
        let open = w * (1.0 - below(won, k)) + (1.0 - w) * (1.0 - below(lost, k));
        w * (cdf(won, k + h - 0.5) - below(won, k)) / open
    };
    let per_group = n as f64 / 4.0 * v;
    let expected: f64 = ages.iter().map(|&k| per_group * booked(f64::from(k))).sum();
    assert!((mean - expected).abs() < 4.0 * se, "mean {mean} vs closed form {expected} (se {se})");
    // The age matters: the same deals with their fate drawn as if new (w, whatever their age) book
    // measurably less, because the old ones are mostly the wins still to close.
    let naive: f64 = ages
        .iter()
        .map(|&k| {
            let k = f64::from(k);
            per_group * w * (cdf(won, k + h - 0.5) - below(won, k)) / (1.0 - below(won, k))
        })
        .sum();
    assert!((naive - expected).abs() > 8.0 * se, "{naive} vs {expected}, se {se}");
    // Nothing is opened in the run: every booking is one of the open deals.
    assert!(outcomes.iter().all(|o| o.opportunities[0] == 0));
}

/// Known answer: lost deals close sooner than won ones, so of two pipelines of new deals, the one heavy
/// with losses clears faster. With every deal of age 1, the share still open after month `t` is
/// `w·(1 − F_won(t + ½)) + (1 − w)·(1 − F_lost(t + ½))` for a deal closing at `t` months from its age;
/// logged trials count the closes.
#[test]
fn a_pipeline_heavy_with_lost_deals_clears_faster() {
    use statrs::distribution::{ContinuousCDF, Normal};
    let (n, v) = (400, 10_000.0);
    let (won, lost) = ((4.0, 0.5), (1.0, 0.5));
    let accounts: Vec<_> = (0..n).map(|i| account(i, "Software", v)).collect();
    let phi = Normal::new(0.0, 1.0).unwrap();
    let cdf = |(median, sigma): (f64, f64), x: f64| phi.cdf((x.ln() - f64::ln(median)) / sigma);
    let mut closed_by_month_2 = Vec::new();
    for w in [0.1, 0.9] {
        let mut m = market(accounts.clone(), vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
        m.set_open_pipeline(open_deals(n, v, |_| 1)).unwrap();
        let model = compile(&scenario(&pipeline_params_lost(w, won, lost)), &m);
        let (mut scratch, mut log) = (terrasim::sim::Scratch::default(), terrasim::sim::TrialLog::default());
        let trials = 200;
        let mut closed = Vec::new();
        for t in 0..trials {
            terrasim::sim::run_trial_logged(&model, t, &mut scratch, &mut log);
            let early =
                log.events.iter().filter(|e| e.kind != terrasim::sim::OppEventKind::Opened && e.month <= 1);
            closed.push(early.count() as f64 / n as f64);
        }
        let (share, se) = mean_se(&closed);
        // An age-1 deal with cycle L closes `round(L) − 1` months in: by month index 1 when L < 2.5.
        let expected = w * cdf(won, 2.5) + (1.0 - w) * cdf(lost, 2.5);
        assert!((share - expected).abs() < 4.0 * se + 1e-9, "w {w}: {share} vs {expected} (se {se})");
        closed_by_month_2.push(share);
    }
    assert!(closed_by_month_2[0] > 2.0 * closed_by_month_2[1], "{closed_by_month_2:?}");
}

/// Known answer: an account holds at most K open opportunities. With a deterministic cycle of `c` months,
/// nothing won (so the account stays a prospect), monthly opening probability `p` while a slot is free and
/// at most one opening a month, the expected number of opportunities over `H` months is the exact
/// expectation of that chain (the slots' remaining months are its state), computed here by recursion.
#[test]
fn k_slots_match_the_exact_mean_number_of_opportunities() {
    use std::collections::HashMap;
    fn expected(
        p: f64,
        k: usize,
        c: usize,
        month: usize,
        h: usize,
        open: Vec<usize>,
        memo: &mut HashMap<(usize, Vec<usize>), f64>,
    ) -> f64 {
        if month == h {
            return 0.0;
        }
        // Deals due this month close before the month is worked.
        let mut open: Vec<usize> = open.into_iter().filter(|&due| due > month).collect();
        open.sort_unstable();
        if let Some(&v) = memo.get(&(month, open.clone())) {
            return v;
        }
        let stay = expected(p, k, c, month + 1, h, open.clone(), memo);
        let v = if open.len() < k {
            let mut opened = open.clone();
            opened.push(month + c);
            p * (1.0 + expected(p, k, c, month + 1, h, opened, memo)) + (1.0 - p) * stay
        } else {
            stay
        };
        memo.insert((month, open), v);
        v
    }
    let (n, p, c, horizon) = (300, 0.3, 4usize, 12usize);
    let accounts: Vec<_> = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let mut means = Vec::new();
    for k in [1usize, 2, 3] {
        let m = market(accounts.clone(), vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
        let params = deterministic_params(1e-9, p)
            .replace("cycle_months_median = 1.0\n", &format!("cycle_months_median = {c}.0\n"))
            .replace("lost_cycle_months_median = 1.0\n", &format!("lost_cycle_months_median = {c}.0\n"));
        let s = scenario(&format!("horizon_months = {horizon}\n{params}max_open = {k}\n"));
        let outcomes = run(&compile(&s, &m), 400);
        let per_account: Vec<f64> =
            outcomes.iter().map(|o| f64::from(o.opportunities[0]) / n as f64).collect();
        let (mean, se) = mean_se(&per_account);
        let exact = expected(p, k, c, 0, horizon, Vec::new(), &mut HashMap::new());
        assert!((mean - exact).abs() < 4.0 * se, "K {k}: {mean} vs exact {exact} (se {se})");
        means.push(exact);
    }
    // The slots matter: each adds measurably.
    assert!(means[1] > means[0] * 1.3 && means[2] > means[1] * 1.05, "{means:?}");
}

/// Known answer: expansion opens only on customers, and stops when the whitespace is used up. Customers
/// with exact expansion deals of `X` and whitespace of `2.5·X` win at most three expansion deals (two
/// whole, one capped at `X/2`), and prospects that never win open no expansion.
#[test]
fn expansion_opens_only_on_customers_and_stops_when_whitespace_is_used_up() {
    let n = 200;
    let v = 10_000.0;
    let mut accounts: Vec<_> = (0..n).map(|i| account(i, "Software", v)).collect();
    for a in accounts.iter_mut().take(n / 2) {
        a.is_customer = true;
    }
    let m = market(accounts, vec![rep("R1", 1e9, 1e6)], &vec![Some(0); n]);
    // New business never wins; expansion always does, at half the first deal, with room for 2.5 of them.
    let params = deterministic_params(1e-9, 0.2).replace("expansion_opp_rate = 0.0\n", "")
        + "expansion_opp_rate = 0.2\nexpansion_win_rate_alpha = 1e9\nexpansion_win_rate_beta = 1e-9\n\
           expansion_deal_size = 7500.0\ndeal_size = 15000.0\nexpansion_deal_size_sigma = 0.0\n\
           expansion_cycle_months_median = 1.0\nexpansion_cycle_sigma = 0.0\nexpansion_max_open = 1\n\
           whitespace_multiple = 1.25\n";
    let s = scenario(&format!("horizon_months = 36\n{params}"));
    let model = compile(&s, &m);
    let (mut scratch, mut log) = (terrasim::sim::Scratch::default(), terrasim::sim::TrialLog::default());
    let x = 0.5 * v;
    let mut exhausted = 0;
    for t in 0..50 {
        terrasim::sim::run_trial_logged(&model, t, &mut scratch, &mut log);
        let mut booked = vec![0.0; n];
        for e in &log.events {
            let customer = (e.account as usize) < n / 2;
            if e.motion == terrasim::sim::model::SalesMotion::Expansion {
                assert!(customer, "expansion on prospect {}", e.account);
            }
            if e.kind == terrasim::sim::OppEventKind::Won {
                assert_eq!(e.motion, terrasim::sim::model::SalesMotion::Expansion, "a new-business win");
                booked[e.account as usize] += e.value;
                assert!(e.value <= x + 1e-6, "an expansion deal above its size: {}", e.value);
            }
        }
        for b in &booked[..n / 2] {
            assert!(*b <= 2.5 * x + 1e-6, "whitespace overrun: {b}");
            if (*b - 2.5 * x).abs() < 1e-6 {
                exhausted += 1;
            }
        }
    }
    // Over three years at 20% a month nearly every customer uses its room up.
    assert!(exhausted > 50 * n / 2 * 9 / 10, "{exhausted}");
}

/// Known answer: an open deal whose owner leaves before it closes is lost in the handoff with probability
/// `handoff_loss` (here every deal, of age 1 and a 4-month cycle, closes in month 4, after its owner left
/// in month 3 and the book was spread): expected bookings are `n·V·w·(1 − loss)`, and the deals book under
/// the rep who took the book.
#[test]
fn open_pipeline_faces_the_handoff_when_its_owner_leaves() {
    let (n, v, w, loss) = (300, 10_000.0, 0.5, 0.3);
    let accounts = (0..n).map(|i| account(i, "Software", v)).collect();
    let mut m = market(accounts, vec![rep("R1", 1e9, 1e6), rep("R2", 1e9, 1e6)], &vec![Some(0); n]);
    m.set_open_pipeline(open_deals(n, v, |_| 1)).unwrap();
    let params = pipeline_params(w, 4.0, 0.0, loss);
    let s = scenario(&format!(
        "{params}[[events.departure]]\nrep = \"R1\"\nmonth = 3\norphan_policy = \"spread\"\nbackfill_delay_months = 12\n"
    ));
    let outcomes = run(&compile(&s, &m), 3000);
    let per_trial: Vec<f64> = outcomes.iter().map(|o| o.bookings[1]).collect();
    let (mean, se) = mean_se(&per_trial);
    let expected = n as f64 * v * w * (1.0 - loss);
    assert!((mean - expected).abs() < 4.0 * se, "mean {mean} vs closed form {expected} (se {se})");
    assert!((n as f64 * v * w - expected).abs() > 8.0 * se, "the loss is visible");
    assert!(outcomes.iter().all(|o| o.bookings[0] == 0.0), "the leaver books none of them");
}
