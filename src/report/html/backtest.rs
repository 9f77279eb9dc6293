//! The report of a `backtest`: interval coverage against nominal, the PIT histogram, and per metric the
//! predicted intervals of every rep and segment against what happened.

use std::collections::BTreeMap;

use super::charts::{Prediction, histogram, prediction_chart, wants_log_scale};
use super::context::MarketView;
use super::contract::{Backtest, UnitResult};
use super::format::{Unit, num};
use super::page::Page;
use super::sections::{current_map, without_scenario};

const METRICS: [(&str, Unit); 3] =
    [("opportunities", Unit::Count), ("wins", Unit::Count), ("bookings", Unit::Money)];

/// The backtest report.
pub fn render(b: &Backtest, market: Option<&MarketView>, folder: &str) -> String {
    let subtitle = format!(
        "cutoff {}, {} months after it, {} trials, seed {}; result folder {folder}",
        b.cutoff,
        b.horizon_months,
        num(b.trials as f64, Unit::Count),
        b.seed
    );
    let mut page = Page::new("backtest", &b.scenario, &subtitle);
    let c = &b.coverage;
    page.cards(&[
        ("inside the central 50% intervals (nominal 50%)".into(), num(c.coverage_50, Unit::Share)),
        ("inside the central 80% intervals (nominal 80%)".into(), num(c.coverage_80, Unit::Share)),
        ("checks (units × metrics)".into(), num(c.checks as f64, Unit::Count)),
        (
            "calibration".into(),
            if c.miscalibrated { "flagged as miscalibrated".into() } else { "within tolerance".into() },
        ),
    ]);
    page.p(&format!(
        "One history's coverage varies even when the model is right, because all its checks share the \
         window's market factor: scored as if it were what happened, a trial of the model covers 50% ± {} \
         and 80% ± {} (standard deviations; {} and {} were the checks independent). The tolerance is the \
         largest of two such deviations, three binomial errors and 8 points.",
        num(c.spread_50, Unit::Share),
        num(c.spread_80, Unit::Share),
        num(c.se_50, Unit::Share),
        num(c.se_80, Unit::Share)
    ));
    page.h2("PIT histogram");
    page.p("The share of checks whose actual fell in each tenth of the predicted distribution (its mid-PIT). A calibrated model gives a flat histogram at 10%; a hump in the middle means intervals too wide, a U too narrow.");
    page.raw(&histogram(&b.pit_histogram, 0.1, "PIT histogram"));
    let names: BTreeMap<&str, &str> = market
        .map(|m| m.reps.iter().map(|(id, name)| (id.as_str(), name.as_str())).collect())
        .unwrap_or_default();
    for (metric, unit) in METRICS {
        page.h2(&format!("Actual against predicted: {metric}"));
        page.p("Thin bar: the predicted P10–P90; thick bar: P25–P75; tick: P50; dot: what happened (red when outside P10–P90).");
        let none = BTreeMap::new();
        for (title, units, names) in [("Per rep", &b.reps, &names), ("Per segment", &b.segments, &none)] {
            page.h3(title);
            let rows = rows(units, metric, unit, names);
            let log = wants_log_scale(&rows);
            if log {
                page.note("Logarithmic axis: the values span more than two orders of magnitude.");
            }
            page.raw(&prediction_chart(&rows, unit, log, &format!("{metric} {}", title.to_lowercase())));
        }
    }
    page.h2("Map of books");
    match market {
        Some(m) => current_map(&mut page, m),
        None => without_scenario(&mut page, "the map"),
    }
    page.assumptions(&b.assumptions);
    page.finish(&format!("{}: backtest report", b.scenario))
}

fn rows(units: &[UnitResult], metric: &str, unit: Unit, names: &BTreeMap<&str, &str>) -> Vec<Prediction> {
    units
        .iter()
        .filter_map(|u| {
            let m = u.metrics.iter().find(|m| m.metric == metric)?;
            let label = names.get(u.id.as_str()).map_or_else(|| u.id.clone(), |n| format!("{} {n}", u.id));
            Some(Prediction {
                title: format!(
                    "{label}: actual {}; predicted P10 {}, P50 {}, P90 {}; PIT {:.2}",
                    num(m.actual, unit),
                    num(m.p10, unit),
                    num(m.p50, unit),
                    num(m.p90, unit),
                    m.pit
                ),
                label,
                percentiles: [m.p10, m.p25, m.p50, m.p75, m.p90],
                actual: m.actual,
            })
        })
        .collect()
}
