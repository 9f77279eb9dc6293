//! The shipped Northstar opportunity history is made by the model itself, reproducibly; calibrate and
//! backtest run on it.

use std::path::Path;

use terrasim::calibrate::{month_of, simulate_history};
use terrasim::market::parse_iso_date;

const SCENARIO: &str = "scenarios/northstar/baseline.toml";
const HISTORY: &str = "scenarios/northstar/data/opportunities.csv";
/// Three years of history before the baseline's as-of date, trial 0 of the baseline's seed.
const START: &str = "2023-01-01";
const MONTHS: u32 = 36;

/// Regenerate with `TERRASIM_WRITE_HISTORY=1 cargo test --test calibrate_northstar`.
#[test]
fn shipped_history_is_reproduced_by_the_model() {
    let scenario = terrasim::io::load_scenario(Path::new(SCENARIO)).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    let start = month_of(parse_iso_date(START).unwrap());
    let history = simulate_history(&scenario, &market, start, MONTHS, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("opportunities.csv");
    terrasim::io::write_history(&fresh, &history, &market).unwrap();
    if std::env::var_os("TERRASIM_WRITE_HISTORY").is_some() {
        std::fs::copy(&fresh, HISTORY).unwrap();
    }
    let fresh = std::fs::read(&fresh).unwrap();
    let shipped = std::fs::read(HISTORY).expect("the shipped history exists");
    assert!(
        fresh == shipped,
        "the shipped history differs from the model's; regenerate it (see the doc comment)"
    );
    assert!(shipped.len() < 3_000_000);
}

/// `scenarios/northstar/params/calibrated.toml` is what `terrasim calibrate` makes of the shipped history
/// (regenerate with the command in `scenarios/northstar/calibrated.toml`), and the scenario that includes it
/// loads with every fitted value.
#[test]
fn shipped_calibration_is_reproduced_and_included() {
    let scenario = terrasim::io::load_scenario(Path::new(SCENARIO)).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    let history = terrasim::io::load_history(Path::new(HISTORY), &scenario, &market).unwrap();
    assert_eq!(history.rejected.total(), 0);
    let fresh = terrasim::calibrate::calibrate(&history, &market, &scenario).unwrap().params;
    let shipped: terrasim::scenario::ParamsFile =
        toml::from_str(&std::fs::read_to_string("scenarios/northstar/params/calibrated.toml").unwrap())
            .unwrap();
    assert!(fresh == shipped, "the shipped params differ from a fresh calibration; regenerate them");

    let calibrated = terrasim::io::load_scenario(Path::new("scenarios/northstar/calibrated.toml")).unwrap();
    for (key, o) in &shipped.params {
        assert_eq!(calibrated.params[key], *o, "{key}");
    }
    let market = terrasim::io::load_market(&calibrated).unwrap();
    let r01 = market.reps().iter().find(|r| r.id.as_str() == "R01").unwrap();
    assert_eq!(r01.skill, shipped.skills["R01"]);
    terrasim::scenario::compile(&calibrated, &market, market.plan(), None).unwrap();
}
