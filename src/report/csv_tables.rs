//! CSV tables derived from the result contracts: per rep, per segment, per month, and the per-rep and
//! per-segment differences of a paired comparison.

use crate::sim::SimResult;
use crate::sim::compare::{Breakdown, Paired};

fn to_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail except on a malformed record, which these builders never produce.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// The CSV tables of a result: `(file name, bytes)` for `reps.csv`, `segments.csv` and `monthly.csv`.
pub fn sim_tables(r: &SimResult) -> Vec<(&'static str, Vec<u8>)> {
    let reps = r
        .reps
        .iter()
        .map(|rep| {
            let att = rep.attainment.as_ref();
            let opt = |f: &dyn Fn(&crate::sim::Summary) -> f64| att.map_or(String::new(), |a| num(f(a)));
            vec![
                rep.id.clone(),
                rep.name.clone(),
                rep.team.clone(),
                num(rep.quota),
                opt(&|a| a.mean.mean),
                opt(&|a| a.mean.se),
                opt(&|a| a.p10.value),
                opt(&|a| a.p50.value),
                opt(&|a| a.p90.value),
                rep.p_attainment_ge_100.map_or(String::new(), |p| num(p.mean)),
                num(rep.bookings.mean.mean),
                num(rep.bookings.mean.se),
                num(rep.opportunities.mean),
                num(rep.wins.mean),
                num(rep.covered_accounts.mean),
            ]
        })
        .collect();
    let segments = r
        .pipeline
        .iter()
        .map(|p| {
            vec![
                p.segment.clone(),
                num(p.quota),
                num(p.pipeline_created.mean),
                num(p.pipeline_created.se),
                p.coverage.map_or(String::new(), |c| num(c.mean)),
                p.below_flag.to_string(),
            ]
        })
        .collect();
    let mut monthly = Vec::new();
    for fan in &r.team.monthly_bookings {
        monthly.push(vec![
            "TEAM".into(),
            fan.month.to_string(),
            num(fan.mean),
            num(fan.p10),
            num(fan.p50),
            num(fan.p90),
        ]);
    }
    for rep in &r.reps {
        for fan in &rep.monthly_bookings {
            monthly.push(vec![
                rep.id.clone(),
                fan.month.to_string(),
                num(fan.mean),
                num(fan.p10),
                num(fan.p50),
                num(fan.p90),
            ]);
        }
    }
    vec![
        (
            "reps.csv",
            to_bytes(
                &[
                    "rep_id",
                    "name",
                    "team",
                    "quota_money",
                    "attainment_mean_ratio",
                    "attainment_se_ratio",
                    "attainment_p10_ratio",
                    "attainment_p50_ratio",
                    "attainment_p90_ratio",
                    "p_attainment_ge_100_ratio",
                    "bookings_mean_money",
                    "bookings_se_money",
                    "opportunities_mean",
                    "wins_mean",
                    "covered_accounts_mean",
                ],
                reps,
            ),
        ),
        (
            "segments.csv",
            to_bytes(
                &[
                    "segment",
                    "quota_money",
                    "pipeline_created_mean_money",
                    "pipeline_created_se_money",
                    "pipeline_coverage_ratio",
                    "below_flag",
                ],
                segments,
            ),
        ),
        (
            "monthly.csv",
            to_bytes(
                &[
                    "rep_id",
                    "month",
                    "bookings_mean_money",
                    "bookings_p10_money",
                    "bookings_p50_money",
                    "bookings_p90_money",
                ],
                monthly,
            ),
        ),
    ]
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}

fn paired_cells(p: Option<&Paired>) -> [String; 4] {
    [
        opt(p.map(|p| p.difference.mean)),
        opt(p.map(|p| p.difference.se)),
        opt(p.map(|p| p.ci_low)),
        opt(p.map(|p| p.ci_high)),
    ]
}

/// The per-rep and per-segment tables of a paired comparison, `rep_deltas.csv` and `segment_deltas.csv`:
/// one row per run (`run_column`: `shock` or `plan`) and rep or segment. `reference` prefixes the figures of
/// the run compared against (`baseline` or `reference`). Money is in the input's currency (`_money`),
/// attainment, probabilities and coverage are ratios (`_ratio`, 1 = 100%).
pub fn breakdown_tables(
    run_column: &str,
    reference: &str,
    runs: &[(&str, &Breakdown)],
) -> Vec<(&'static str, Vec<u8>)> {
    let mut reps = Vec::new();
    let mut segments = Vec::new();
    for (name, b) in runs {
        for r in &b.reps {
            let (base, alt) = (r.baseline.as_ref(), r.alternative.as_ref());
            let mut row = vec![name.to_string(), r.id.clone(), r.name.clone(), r.presence.as_str().into()];
            row.extend([
                opt(base.map(|f| f.quota)),
                opt(alt.map(|f| f.quota)),
                opt(base.map(|f| f.bookings.mean)),
                opt(alt.map(|f| f.bookings.mean)),
            ]);
            row.extend(paired_cells(Some(&r.bookings)));
            row.extend([
                opt(base.and_then(|f| f.attainment).map(|e| e.mean)),
                opt(alt.and_then(|f| f.attainment).map(|e| e.mean)),
            ]);
            row.extend(paired_cells(r.attainment.as_ref()));
            row.extend([
                opt(base.and_then(|f| f.p_attainment_ge_100).map(|e| e.mean)),
                opt(alt.and_then(|f| f.p_attainment_ge_100).map(|e| e.mean)),
            ]);
            reps.push(row);
        }
        for s in &b.segments {
            let (base, alt) = (s.baseline.as_ref(), s.alternative.as_ref());
            let mut row = vec![name.to_string(), s.segment.clone(), s.presence.as_str().into()];
            row.extend([
                opt(base.map(|f| f.quota)),
                opt(alt.map(|f| f.quota)),
                opt(base.map(|f| f.bookings.mean)),
                opt(alt.map(|f| f.bookings.mean)),
            ]);
            row.extend(paired_cells(Some(&s.bookings)));
            row.extend([
                opt(base.and_then(|f| f.coverage).map(|e| e.mean)),
                opt(alt.and_then(|f| f.coverage).map(|e| e.mean)),
            ]);
            row.extend(paired_cells(s.coverage.as_ref()));
            segments.push(row);
        }
    }
    let diff = |figure: &str, unit: &str| {
        ["mean", "se", "ci95_low", "ci95_high"].map(|part| format!("{figure}_diff_{part}_{unit}"))
    };
    let mut rep_header: Vec<String> = [run_column, "rep_id", "name", "presence"].map(String::from).to_vec();
    rep_header.extend([
        format!("{reference}_quota_money"),
        "quota_money".into(),
        format!("{reference}_bookings_mean_money"),
        "bookings_mean_money".into(),
    ]);
    rep_header.extend(diff("bookings", "money"));
    rep_header.extend([format!("{reference}_attainment_mean_ratio"), "attainment_mean_ratio".into()]);
    rep_header.extend(diff("attainment", "ratio"));
    rep_header.extend([format!("{reference}_p_attainment_ge_100_ratio"), "p_attainment_ge_100_ratio".into()]);
    let mut segment_header: Vec<String> = [run_column, "segment", "presence"].map(String::from).to_vec();
    segment_header.extend([
        format!("{reference}_quota_money"),
        "quota_money".into(),
        format!("{reference}_bookings_mean_money"),
        "bookings_mean_money".into(),
    ]);
    segment_header.extend(diff("bookings", "money"));
    segment_header.extend([format!("{reference}_pipeline_coverage_ratio"), "pipeline_coverage_ratio".into()]);
    segment_header.extend(diff("pipeline_coverage", "ratio"));
    vec![
        ("rep_deltas.csv", to_bytes(&headers(&rep_header), reps)),
        ("segment_deltas.csv", to_bytes(&headers(&segment_header), segments)),
    ]
}

fn headers(h: &[String]) -> Vec<&str> {
    h.iter().map(String::as_str).collect()
}
