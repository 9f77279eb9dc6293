//! The shipped Keystone market (a repeat, multi-product business) is made by code, reproducibly: its market
//! files by the Keystone generator, its opportunity history by the model itself with the reps who left
//! during it, its calibration by `terrasim calibrate`; and the history has the shape the market is for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use terrasim::calibrate::{History, month_of, simulate_history_with_departures};
use terrasim::generate::{GeneratedMarket, generate_repeat_market};
use terrasim::market::{Market, parse_iso_date};
use terrasim::scenario::{OrphanPolicy, Scenario};
use terrasim::sim::model::SalesMotion;

const DATA: &str = "scenarios/keystone/data";
const SEED: u64 = 20_260_101;
/// Three years of history before the baseline's as-of date.
const START: &str = "2023-01-01";
const MONTHS: u32 = 36;

fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers).unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

/// Compares `fresh` with the shipped file `name`, after writing it there when `write` is set.
fn same_as_shipped(name: &str, fresh: &[u8], write: &str) {
    let path = Path::new(DATA).join(name);
    if std::env::var_os(write).is_some() {
        std::fs::write(&path, fresh).unwrap();
    }
    let shipped = std::fs::read(&path).unwrap_or_default();
    assert!(shipped == fresh, "{name} differs from what the code makes; regenerate it with {write}=1");
}

fn load(name: &str) -> (Scenario, Market) {
    let scenario = terrasim::io::load_scenario(&Path::new("scenarios/keystone").join(name)).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    (scenario, market)
}

fn made_history() -> (History, Market) {
    let (scenario, market) = load("history.toml");
    let start = month_of(parse_iso_date(START).unwrap());
    (simulate_history_with_departures(&scenario, &market, start, MONTHS, 0).unwrap(), market)
}

/// Regenerate with `TERRASIM_WRITE_MARKET=1 cargo test --test keystone shipped_market`.
#[test]
fn shipped_market_is_the_generator_output() {
    let m = generate_repeat_market(SEED);
    let files = [
        ("accounts.csv", &GeneratedMarket::ACCOUNT_HEADERS[..], &m.accounts),
        ("reps.csv", &GeneratedMarket::REP_HEADERS[..], &m.reps),
        ("plan.csv", &GeneratedMarket::PLAN_HEADERS[..], &m.plan),
        ("history_reps.csv", &GeneratedMarket::REP_HEADERS[..], &m.history_reps),
        ("history_plan.csv", &GeneratedMarket::PLAN_HEADERS[..], &m.history_plan),
    ];
    for (name, headers, rows) in files {
        same_as_shipped(name, &csv_bytes(headers, rows), "TERRASIM_WRITE_MARKET");
    }
}

/// history.toml runs the generator's turnover: each leaver hands the whole book to the named teammate at
/// the year boundary, so that the books at the end of the history are today's plan.
#[test]
fn the_history_scenario_departs_the_generators_leavers() {
    let m = generate_repeat_market(SEED);
    let (scenario, _) = load("history.toml");
    let departures = &scenario.events.departure;
    assert_eq!(departures.len(), m.turnover.len());
    for (d, t) in departures.iter().zip(&m.turnover) {
        assert_eq!((d.rep.as_str(), d.month), (t.rep.as_str(), t.last_month));
        assert_eq!(d.orphan_policy, OrphanPolicy::Reassign);
        assert_eq!(d.reassign_to.as_ref().map(|r| r.as_str()), Some(t.successor.as_str()));
        assert!(!d.backfill);
    }
    assert!(scenario.events.hire.is_empty() && scenario.shocks.is_empty());
    // Today's reps are the history's reps who did not leave.
    let (_, today) = load("baseline.toml");
    let left: BTreeSet<&str> = m.turnover.iter().map(|t| t.rep.as_str()).collect();
    let (_, then) = load("history.toml");
    let stayed: Vec<&str> =
        then.reps().iter().map(|r| r.id.as_str()).filter(|id| !left.contains(id)).collect();
    assert_eq!(stayed, today.reps().iter().map(|r| r.id.as_str()).collect::<Vec<_>>());
}

/// Regenerate with `TERRASIM_WRITE_HISTORY=1 cargo test --release --test keystone shipped_history`.
#[test]
fn shipped_history_is_reproduced_by_the_model() {
    let (history, market) = made_history();
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("opportunities.csv");
    terrasim::io::write_history(&fresh, &history, &market).unwrap();
    same_as_shipped("opportunities.csv", &std::fs::read(&fresh).unwrap(), "TERRASIM_WRITE_HISTORY");
}

/// What the market is for: dozens of opportunities per account, most of them expansion, several deals in
/// flight at once, and accounts that changed hands. Each figure is checked against what the parameters
/// imply, with room for one history's luck.
#[test]
fn the_history_is_repeat_business_with_several_owners_per_account() {
    let (history, market) = made_history();
    let n = market.accounts().len() as f64;
    let opps = &history.opportunities;
    let per_account = opps.len() as f64 / n;
    let expansion = opps.iter().filter(|o| o.motion == SalesMotion::Expansion).count() as f64;
    eprintln!(
        "{} opportunities, {per_account:.1} per account, {:.0}% expansion",
        opps.len(),
        100.0 * expansion / opps.len() as f64
    );
    // About 0.5 expansion opportunities a month for four customers in five: well over a dozen each.
    assert!(per_account > 12.0, "{per_account}");
    assert!(expansion / opps.len() as f64 > 0.7);

    // The most deals one account held open at once, per motion: K > 1 is reached.
    let mut most = [0usize; 2];
    let mut by_account: BTreeMap<usize, Vec<(i64, i64, SalesMotion)>> = BTreeMap::new();
    for o in opps {
        by_account.entry(o.account).or_default().push((o.created, o.closed.unwrap_or(i64::MAX), o.motion));
    }
    for deals in by_account.values() {
        for &(day, _, motion) in deals {
            let open = deals.iter().filter(|d| d.2 == motion && d.0 <= day && d.1 > day).count();
            most[motion.index()] = most[motion.index()].max(open);
        }
    }
    assert!(most[SalesMotion::Expansion.index()] >= 3, "{most:?}");
    assert!(most[SalesMotion::NewBusiness.index()] >= 2, "{most:?}");

    // Owners over time: every leaver's accounts have opportunities under two owners at least, and R13's
    // first book (R13, then R16, then R02) under three.
    let mut owners: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for o in opps {
        if let Some(r) = o.owner {
            owners.entry(o.account).or_default().insert(r);
        }
    }
    let several = owners.values().filter(|s| s.len() >= 2).count();
    let three = owners.values().filter(|s| s.len() >= 3).count();
    eprintln!("{several} accounts had two owners or more, {three} three");
    let r13 = market.reps().iter().position(|r| r.id.as_str() == "R13").unwrap();
    let book13 = (0..market.accounts().len()).filter(|&a| market.plan().owner(a) == Some(r13)).count();
    assert!(several >= 4 * book13 * 3 / 4, "{several} vs four books of about {book13}");
    assert!(three >= book13 * 3 / 4, "{three} vs R13's book of {book13}");
}

/// `scenarios/keystone/params/calibrated.toml` is what `terrasim calibrate` makes of the shipped history
/// (regenerate with the command in `scenarios/keystone/calibrated.toml`), and the calibrated scenario
/// carries in the pipeline open at its as-of date.
#[test]
fn shipped_calibration_is_reproduced_and_included() {
    let (scenario, market) = load("baseline.toml");
    let history =
        terrasim::io::load_history(&Path::new(DATA).join("opportunities.csv"), &scenario, &market).unwrap();
    assert_eq!(history.rejected.total(), 0);
    // The leavers are not in today's reps file: their deals have no known owner.
    assert!(history.unknown_owner > 0);
    let fresh = terrasim::calibrate::calibrate(&history, &market, &scenario).unwrap().params;
    let shipped: terrasim::scenario::ParamsFile =
        toml::from_str(&std::fs::read_to_string("scenarios/keystone/params/calibrated.toml").unwrap())
            .unwrap();
    assert!(fresh == shipped, "the shipped params differ from a fresh calibration; regenerate them");

    let (calibrated, market) = load("calibrated.toml");
    // Every fitted value wins; params/market.toml adds what calibration does not fit.
    for (key, o) in &shipped.params {
        let got = calibrated.params[key].set_fields();
        assert!(o.set_fields().iter().all(|f| got.contains(f)), "{key}: {got:?}");
    }
    let model = terrasim::scenario::compile(&calibrated, &market, market.plan(), None).unwrap();
    let open = history.opportunities.iter().filter(|o| o.closed.is_none()).count();
    assert!(open > 100 && model.carry_in.len() == open, "{open} open, {} carried in", model.carry_in.len());
}

/// The backtest of the shipped history from its last year's cutoff: the model's 50% and 80% intervals hold
/// the actuals at their nominal rates, within the backtest's own tolerance (the spread of one model
/// history's coverage, which counts the checks' shared market factor), and beat carrying the last period
/// forward on every metric. 300 trials keep
/// it a few seconds in debug; `terrasim backtest ... --trials 1000` gives the figures of the README.
#[test]
fn backtest_of_the_shipped_history_is_calibrated_and_beats_carry_forward() {
    let (scenario, market) = load("baseline.toml");
    let history =
        terrasim::io::load_history(&Path::new(DATA).join("opportunities.csv"), &scenario, &market).unwrap();
    let options = terrasim::calibrate::BacktestOptions {
        cutoff: parse_iso_date("2025-01-01").unwrap(),
        horizon: 12,
        trials: 300,
        win_rate_multiplier: 1.0,
    };
    let run = terrasim::calibrate::backtest(&history, &market, &scenario, &options).unwrap();
    let c = &run.coverage;
    eprintln!("50% {:.3} 80% {:.3} over {} checks", c.coverage_50, c.coverage_80, c.checks);
    assert!(c.checks >= 40, "{c:?}");
    // One history is one draw of the year's market factor, which all its checks share: the tolerance is
    // the spread of one model history's coverage (tests/backtest_histories.rs checks the mean over many).
    assert!(!c.miscalibrated, "{c:?}");
    // The spread is that of trials of the model scored as actuals, whose mean coverage is nominal.
    assert!((c.expected_50 - 0.5).abs() < 0.01 && (c.expected_80 - 0.8).abs() < 0.01, "{c:?}");
    assert!(c.spread_50 > 2.0 * c.se_50, "checks sharing a market factor spread wider: {c:?}");
    for m in &run.by_metric {
        assert!(m.crps_skill.is_some_and(|s| s > 0.0), "{m:?}");
    }
}

/// A history's leaver hands the book to reps of the market: a backfill (a rep no reps file holds) or a
/// held book is refused, naming the field.
#[test]
fn a_history_departure_with_a_backfill_or_a_held_book_is_refused() {
    let (scenario, market) = load("history.toml");
    let start = month_of(parse_iso_date(START).unwrap());
    let mut backfilled = scenario.clone();
    backfilled.events.departure[1].backfill = true;
    let e = simulate_history_with_departures(&backfilled, &market, start, MONTHS, 0).unwrap_err();
    assert_eq!(e.field, "events.departure[1].backfill", "{e:?}");
    let mut held = scenario;
    held.events.departure[0].orphan_policy = OrphanPolicy::Hold;
    let e = simulate_history_with_departures(&held, &market, start, MONTHS, 0).unwrap_err();
    assert_eq!(e.field, "events.departure[0].orphan_policy", "{e:?}");
}
