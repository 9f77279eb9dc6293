//! The reports of `stress` (each shock against the baseline) and `compare` (each plan against the current
//! one): the paired differences with their 95% intervals, the map and the assumptions.

use super::context::MarketView;
use super::contract::{CompareResult, PairedDifference, StressResult};
use super::format::{Unit, num};
use super::page::Page;
use super::sections::{PairedRow, current_map, paired, without_scenario};

fn rows(name: &str, figures: &[PairedDifference]) -> impl Iterator<Item = PairedRow> {
    figures.iter().map(move |d| PairedRow {
        name: name.to_string(),
        metric: d.metric.clone(),
        baseline: Some(d.baseline),
        value: d.shocked,
        difference: d.difference.mean,
        se: Some(d.difference.se),
        ci: [d.ci_low, d.ci_high],
    })
}

fn map_section(page: &mut Page, market: Option<&MarketView>) {
    page.h2("Map of books");
    match market {
        Some(m) => current_map(page, m),
        None => without_scenario(page, "the map"),
    }
}

/// The stress report.
pub fn render_stress(r: &StressResult, market: Option<&MarketView>, folder: &str) -> String {
    let subtitle = format!(
        "{} shocks, {} trials each, seed {}; result folder {folder}",
        r.shocks.len(),
        num(r.trials as f64, Unit::Count),
        r.seed
    );
    let mut page = Page::new("stress", &r.scenario, &subtitle);
    page.h2("Shocks against the baseline");
    let all: Vec<PairedRow> = r.shocks.iter().flat_map(|s| rows(&s.name, &s.differences)).collect();
    paired(&mut page, &all, "shock", "the baseline");
    map_section(&mut page, market);
    page.assumptions(&r.assumptions);
    page.finish(&format!("{}: stress report", r.scenario))
}

/// The compare report.
pub fn render_compare(r: &CompareResult, market: Option<&MarketView>, folder: &str) -> String {
    let subtitle = format!(
        "{} plans, {} trials each, seed {}; result folder {folder}",
        r.plans.len(),
        num(r.trials as f64, Unit::Count),
        r.seed
    );
    let mut page = Page::new("compare", &r.scenario, &subtitle);
    page.h2(&format!("Plans against {}", r.reference));
    // The reference's own differences are zero by construction: it is the line the others are drawn against.
    let all: Vec<PairedRow> =
        r.plans.iter().filter(|p| p.name != r.reference).flat_map(|p| rows(&p.name, &p.figures)).collect();
    if all.is_empty() {
        page.p("The comparison holds only the reference plan.");
    } else {
        paired(&mut page, &all, "plan", &r.reference);
    }
    map_section(&mut page, market);
    page.assumptions(&r.assumptions);
    page.finish(&format!("{}: compare report", r.scenario))
}
