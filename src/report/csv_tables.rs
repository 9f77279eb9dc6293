//! CSV tables derived from the result contract: per rep, per segment, per month.

use crate::sim::SimResult;

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
                    "quota",
                    "attainment_mean",
                    "attainment_se",
                    "attainment_p10",
                    "attainment_p50",
                    "attainment_p90",
                    "p_attainment_ge_100",
                    "bookings_mean",
                    "bookings_se",
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
                    "quota",
                    "pipeline_created_mean",
                    "pipeline_created_se",
                    "pipeline_coverage",
                    "below_flag",
                ],
                segments,
            ),
        ),
        (
            "monthly.csv",
            to_bytes(
                &["rep_id", "month", "bookings_mean", "bookings_p10", "bookings_p50", "bookings_p90"],
                monthly,
            ),
        ),
    ]
}
