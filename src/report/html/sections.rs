//! Sections several reports share: the book balance and the map (from the scenario), and the paired
//! differences with their 95% intervals (stress shocks, compared plans, optimizer candidates).

use super::charts::{RangeRow, Reference, Tone, range_chart};
use super::context::MarketView;
use super::format::{Unit, difference_unit, headline_label, headline_unit, num, signed, signed_with_se};
use super::map::{Legend, MapPoint, book_map};
use super::page::{Page, Table, flagged};

/// The headline figures, in the contracts' order.
pub const HEADLINES: [&str; 7] = [
    "team_bookings",
    "p_team_ge_plan",
    "attainment_variance",
    "attainment_cv",
    "attainment_gini",
    "coverage_rate",
    "share_of_reps_at_quota",
];

/// A note that a part needs the scenario.
pub fn without_scenario(page: &mut Page, what: &str) {
    page.note(&format!(
        "No scenario was given, so this report has no {what}: the result does not name its scenario file. Run \
         `terrasim report DIR --scenario SCENARIO.toml` to include it."
    ));
}

/// The book-balance audit of the scenario's current plan.
pub fn book_balance(page: &mut Page, m: &MarketView) {
    let a = &m.audit;
    page.p(&format!(
        "The current plan of {}, without simulation: potential ÷ the team's median book (healthy within ±{}), workload hours ÷ capacity (healthy within ±{}), accounts and tier mix.",
        m.scenario_file,
        num(a.bands.potential_tolerance, Unit::Share),
        num(a.bands.workload_tolerance, Unit::Share)
    ));
    let mut t = Table::new(
        &[
            "rep",
            "name",
            "team",
            "accounts",
            "potential",
            "potential ÷ median",
            "workload ÷ capacity",
            "tiers 1/2/3",
        ],
        3,
    )
    .scrolling();
    for r in &a.per_rep {
        let mut name = r.name.clone();
        if r.ramping {
            name.push_str(" (ramping)");
        }
        t.row(vec![
            r.rep.as_str().into(),
            name.into(),
            r.team.as_str().into(),
            num(r.accounts as f64, Unit::Count).into(),
            num(r.potential, Unit::Money).into(),
            flagged(format!("{:.2}", r.potential_ratio), r.potential_flag),
            flagged(format!("{:.2}", r.workload_ratio), r.workload_flag),
            format!("{}/{}/{}", r.tier_mix[0], r.tier_mix[1], r.tier_mix[2]).into(),
        ]);
    }
    page.table(&t);
    let flagged_p = a.per_rep.iter().filter(|r| r.potential_flag).count();
    let flagged_w = a.per_rep.iter().filter(|r| r.workload_flag).count();
    page.note(&format!(
        "{} of {} reps outside the potential band, {} outside the workload band; {} unowned accounts ({} of potential).",
        flagged_p,
        a.per_rep.len(),
        flagged_w,
        num(a.unowned.len() as f64, Unit::Count),
        num(a.unowned_potential, Unit::Money)
    ));
}

/// The map of a plan: `owners[a]` is account `a`'s owner (an index into the market's reps).
pub fn plan_map(page: &mut Page, m: &MarketView, owners: &[Option<usize>], label: &str) {
    let mut counts = vec![0usize; m.reps.len()];
    let mut unowned = 0;
    let mut points = Vec::new();
    let mut unlocated = 0;
    for (acc, owner) in m.accounts.iter().zip(owners) {
        match owner {
            Some(k) => counts[*k] += 1,
            None => unowned += 1,
        }
        let Some((lat, lon)) = acc.location else {
            unlocated += 1;
            continue;
        };
        let owner_text =
            owner.map_or_else(|| "unowned".to_string(), |k| format!("{} {}", m.reps[k].0, m.reps[k].1));
        points.push(MapPoint {
            lat,
            lon,
            in_us: acc.in_us,
            owner: *owner,
            title: format!(
                "{} {} — {}; potential {}",
                acc.id,
                acc.name,
                owner_text,
                num(acc.potential, Unit::Money)
            ),
        });
    }
    let legend = Legend {
        owners: m
            .reps
            .iter()
            .enumerate()
            .filter(|(k, _)| counts[*k] > 0)
            .map(|(k, (id, name))| (k, format!("{id} {name}"), counts[k]))
            .collect(),
        unowned,
    };
    page.raw(&book_map(&points, &legend, unlocated, label));
}

/// The map of the scenario's current plan.
pub fn current_map(page: &mut Page, m: &MarketView) {
    let owners: Vec<Option<usize>> = m.accounts.iter().map(|a| a.owner).collect();
    page.p(&format!("Accounts of {} coloured by their current owner.", m.scenario_file));
    plan_map(page, m, &owners, "the current plan");
}

/// One alternative's figure against the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedRow {
    /// The shock, plan or candidate.
    pub name: String,
    /// The headline figure.
    pub metric: String,
    /// The reference's mean, when the contract gives it per row.
    pub baseline: Option<f64>,
    /// This alternative's mean.
    pub value: f64,
    /// Mean paired difference.
    pub difference: f64,
    /// Its standard error, when the contract gives it.
    pub se: Option<f64>,
    /// 95% interval of the difference.
    pub ci: [f64; 2],
}

/// Whether a higher value of `metric` is better.
fn higher_is_better(metric: &str) -> bool {
    !matches!(metric, "attainment_variance" | "attainment_cv" | "attainment_gini")
}

/// Paired differences: per headline figure, a chart of each alternative's 95% interval against zero, and
/// the table of means, differences, standard errors and intervals. `noun` names the alternatives.
pub fn paired(page: &mut Page, rows: &[PairedRow], noun: &str, reference: &str) {
    page.p(&format!(
        "Each {noun} against {reference} on the same simulated futures (common random numbers): the bar is the 95% interval of the paired difference, the mark its mean. An interval wholly on the better side of zero is green, wholly on the worse side red."
    ));
    for metric in HEADLINES {
        let of_metric: Vec<&PairedRow> = rows.iter().filter(|r| r.metric == metric).collect();
        if of_metric.is_empty() {
            continue;
        }
        let unit = difference_unit(headline_unit(metric));
        let chart_rows: Vec<RangeRow> = of_metric
            .iter()
            .map(|r| {
                let (worse, better) = if higher_is_better(metric) {
                    (r.ci[1] < 0.0, r.ci[0] > 0.0)
                } else {
                    (r.ci[0] > 0.0, r.ci[1] < 0.0)
                };
                RangeRow {
                    label: r.name.clone(),
                    low: r.ci[0],
                    mid: r.difference,
                    high: r.ci[1],
                    title: format!(
                        "{}: {} {}, 95% interval [{}, {}]",
                        r.name,
                        headline_label(metric),
                        signed(r.difference, unit),
                        signed(r.ci[0], unit),
                        signed(r.ci[1], unit)
                    ),
                    tone: if worse {
                        Tone::Worse
                    } else if better {
                        Tone::Better
                    } else {
                        Tone::Neutral
                    },
                }
            })
            .collect();
        page.h3(&format!("Δ {} (95% intervals)", headline_label(metric)));
        let zero = Reference { value: 0.0, label: "no change".into() };
        page.raw(&range_chart(
            &chart_rows,
            &zero,
            unit,
            &format!("difference in {}", headline_label(metric)),
        ));
    }
    let mut t =
        Table::new(&[noun, "figure", "reference", "this", "difference ± standard error", "95% interval"], 2)
            .scrolling();
    for r in rows {
        let unit = headline_unit(&r.metric);
        let d_unit = difference_unit(unit);
        let diff = match r.se {
            Some(se) => signed_with_se(r.difference, se, d_unit),
            None => signed(r.difference, d_unit),
        };
        let worse = if higher_is_better(&r.metric) { r.ci[1] < 0.0 } else { r.ci[0] > 0.0 };
        t.row(vec![
            r.name.as_str().into(),
            headline_label(&r.metric).into(),
            r.baseline.map_or("".into(), |b| num(b, unit)).into(),
            num(r.value, unit).into(),
            diff.into(),
            flagged(format!("[{}, {}]", signed(r.ci[0], d_unit), signed(r.ci[1], d_unit)), worse),
        ]);
    }
    page.raw("<details><summary>All figures</summary>");
    page.table(&t);
    page.raw("</details>");
    page.note(
        "Intervals are 95% confidence intervals of the paired difference; ± figures are its standard error.",
    );
}
