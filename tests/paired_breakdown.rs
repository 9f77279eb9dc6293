//! Per-rep and per-segment paired differences (stress and compare): known answers on a model without
//! interactions between reps, the reps' and the house's differences adding up to the team's per trial, and
//! the CSV tables of the real binary.

mod common;

use std::path::Path;
use std::process::Command;

use common::{account, compile, deterministic_params, market, rep, run, scenario};
use terrasim::scenario::Shock;
use terrasim::sim::compare::{Presence, RunBreakdown, breakdown, paired_differences};
use terrasim::sim::headline;

fn departure(rep: &str, month: u32) -> Shock {
    Shock {
        name: format!("{rep} leaves"),
        win_rate_multiplier: None,
        deal_size_multiplier: None,
        ramp_slowdown: None,
        vertical_dark: None,
        depart_rep: Some(terrasim::market::RepId::new(rep).unwrap()),
        depart_month: Some(month),
    }
}

/// Three reps with books of their own and no inbound: what one rep's book does touches no one else, and a
/// rep that sells no month books nothing.
fn three_books() -> (terrasim::market::Market, terrasim::scenario::Scenario) {
    let n = 300;
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 3)).collect();
    let reps = vec![rep("R1", 1e9, 1e6), rep("R2", 1e9, 1e6), rep("R3", 1e9, 1e6)];
    (market(accounts, reps, &owners), scenario(&deterministic_params(0.3, 0.1)))
}

#[test]
fn a_rep_who_never_sells_loses_exactly_its_baseline_and_no_one_else_moves() {
    let (m, s) = three_books();
    let base_model = compile(&s, &m);
    // Last selling month 0: R2 sells no month; its book waits, held, for the backfill in month 5.
    let shocked_model = terrasim::scenario::compile(&s, &m, m.plan(), Some(&departure("R2", 0))).unwrap();
    let trials = 400;
    let (base_out, shocked_out) = (run(&base_model, trials), run(&shocked_model, trials));
    let (base, shocked) =
        (RunBreakdown::of(&base_model, &base_out), RunBreakdown::of(&shocked_model, &shocked_out));
    for t in 0..base.trials() {
        let (b, a) = (base.rep_bookings(t), shocked.rep_bookings(t));
        assert_eq!(a[1], 0.0, "trial {t}: R2 sells nothing");
        assert_eq!((a[0], a[2]), (b[0], b[2]), "trial {t}: R1 and R3 see the same futures");
    }
    let d = breakdown(&base, &shocked);
    let by_id = |id: &str| d.reps.iter().find(|r| r.id == id).unwrap();
    let r2 = by_id("R2");
    let r2_base = r2.baseline.unwrap().bookings;
    assert!(r2_base.mean > 0.0);
    assert_eq!(r2.presence, Presence::Both);
    // Its difference is minus its baseline bookings, trial by trial: the same mean and the same error.
    assert!((r2.bookings.difference.mean + r2_base.mean).abs() < 1e-9 * r2_base.mean);
    assert!((r2.bookings.difference.se - r2_base.se).abs() < 1e-9 * r2_base.mean);
    assert!(r2.bookings.ci_high < 0.0);
    // Pro-rated to the months it sells, its quota is zero: it has no attainment to compare.
    assert_eq!(r2.alternative.unwrap().quota, 0.0);
    assert!(r2.attainment.is_none() && r2.alternative.unwrap().p_attainment_ge_100.is_none());
    for id in ["R1", "R3"] {
        let r = by_id(id);
        assert_eq!(r.bookings.difference.mean, 0.0, "{id}");
        assert_eq!(r.bookings.difference.se, 0.0, "{id}");
        assert_eq!(r.attainment.unwrap().difference.mean, 0.0, "{id}");
    }
    // The backfill exists only in the shocked run: its own bookings, no baseline, no attainment difference.
    let backfill = by_id("R2-backfill");
    assert_eq!(backfill.presence, Presence::Added);
    assert!(backfill.baseline.is_none() && backfill.attainment.is_none());
    let own = backfill.alternative.unwrap().bookings;
    assert!(own.mean > 0.0);
    assert!((backfill.bookings.difference.mean - own.mean).abs() < 1e-9 * own.mean);
    // One segment: it moves by the reps' sum.
    assert_eq!(d.segments.len(), 1);
    let seg = &d.segments[0];
    let reps_sum: f64 = d.reps.iter().map(|r| r.bookings.difference.mean).sum();
    assert!((seg.bookings.difference.mean - reps_sum).abs() < 1e-6 * r2_base.mean, "{seg:?}");
}

#[test]
fn the_reps_and_the_house_add_up_to_the_team_in_every_trial() {
    // A noisy model (win rates drawn per trial, a market factor, inbound on held books) and a departure in
    // month 3 whose book is held, then backfilled: every kind of row is in it.
    let (m, _) = three_books();
    let s = scenario(
        "[model]\nmarket_factor_sigma = 0.2\n[params.SMB]\nwin_rate_alpha = 6.0\nwin_rate_beta = 14.0\n\
         opp_rate = 0.1\ninbound_rate = 0.02\nhours_per_account = 1.0\n",
    );
    let base_model = compile(&s, &m);
    let shocked_model = terrasim::scenario::compile(&s, &m, m.plan(), Some(&departure("R3", 3))).unwrap();
    let trials = 300;
    let (base_out, shocked_out) = (run(&base_model, trials), run(&shocked_model, trials));
    let (base, shocked) =
        (RunBreakdown::of(&base_model, &base_out), RunBreakdown::of(&shocked_model, &shocked_out));
    let ids =
        |model: &terrasim::sim::model::Model| model.reps.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let (base_ids, shocked_ids) = (ids(&base_model), ids(&shocked_model));
    for t in 0..trials as usize {
        let value = |ids: &[String], run: &RunBreakdown, id: &str| {
            ids.iter().position(|x| x == id).map_or(0.0, |r| run.rep_bookings(t)[r])
        };
        let mut all: Vec<&String> = base_ids.iter().chain(&shocked_ids).collect();
        all.sort();
        all.dedup();
        let reps: f64 =
            all.iter().map(|id| value(&shocked_ids, &shocked, id) - value(&base_ids, &base, id)).sum();
        let house = shocked.house_bookings(t) - base.house_bookings(t);
        let team = headline(&shocked_model, &shocked_out[t]).team_bookings
            - headline(&base_model, &base_out[t]).team_bookings;
        assert!(
            (reps + house - team).abs() < 1e-6 * (1.0 + team.abs()),
            "trial {t}: {reps} + {house} vs {team}"
        );
    }
    let d = breakdown(&base, &shocked);
    let headlines = |model, out: &[terrasim::sim::TrialOutcome]| -> Vec<_> {
        out.iter().map(|o| headline(model, o)).collect()
    };
    let team =
        &paired_differences(&headlines(&base_model, &base_out), &headlines(&shocked_model, &shocked_out))[0];
    let sum: f64 =
        d.reps.iter().map(|r| r.bookings.difference.mean).sum::<f64>() + d.house_bookings.difference.mean;
    assert!((sum - team.difference.mean).abs() < 1e-6 * team.baseline, "{sum} vs {}", team.difference.mean);
    assert!(d.reps.iter().any(|r| r.presence == Presence::Added), "the backfill is a row of its own");
    assert!(d.house_bookings.difference.mean > 0.0, "the held book's inbound goes to the house");
}

fn terrasim(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().expect("run terrasim")
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn stress_writes_per_rep_and_per_segment_tables_that_add_up_to_the_team() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/scenario.toml");
    let o = terrasim(&["stress", fixture.to_str().unwrap(), "--trials", "200", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Winners and losers") && stdout.contains("95% interval"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/stress.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 2);
    let (header, rows) = csv_rows(&dir.path().join("out/rep_deltas.csv"));
    let col = |name: &str| {
        header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"))
    };
    let (shock, diff) = (col("shock"), col("bookings_diff_mean_money"));
    for s in json["shocks"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        let team = s["differences"][0]["difference"]["mean"].as_f64().unwrap();
        let house = s["breakdown"]["house_bookings"]["difference"]["mean"].as_f64().unwrap();
        let reps: f64 =
            rows.iter().filter(|r| r[shock] == name).map(|r| r[diff].parse::<f64>().unwrap()).sum();
        let scale = s["differences"][0]["baseline"].as_f64().unwrap();
        assert!((reps + house - team).abs() < 1e-6 * scale, "{name}: {reps} + {house} vs {team}");
        assert_eq!(
            rows.iter().filter(|r| r[shock] == name).count(),
            s["breakdown"]["reps"].as_array().unwrap().len()
        );
    }
    let (header, rows) = csv_rows(&dir.path().join("out/segment_deltas.csv"));
    assert!(header.contains(&"pipeline_coverage_diff_ci95_low_ratio".to_string()), "{header:?}");
    assert!(!rows.is_empty());
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap();
    assert!(manifest.contains("rep_deltas.csv") && manifest.contains("segment_deltas.csv"));
}

#[test]
fn compare_shows_each_hire_as_added_with_its_own_bookings_and_its_donors_losses() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar");
    let (base, hire) = (shipped.join("baseline.toml"), shipped.join("new_hire.toml"));
    let o = terrasim(
        &[
            "compare",
            base.to_str().unwrap(),
            "--variant",
            hire.to_str().unwrap(),
            "--trials",
            "60",
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/compare.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 2);
    let reps = json["plans"][1]["breakdown"]["reps"].as_array().unwrap();
    let added: Vec<&serde_json::Value> = reps.iter().filter(|r| r["presence"] == "added").collect();
    assert_eq!(added.len(), 2, "the two hires");
    for h in &added {
        assert!(h["baseline"].is_null() && h["attainment"].is_null(), "{h}");
        let own = h["alternative"]["bookings"]["mean"].as_f64().unwrap();
        assert!(
            own > 0.0 && (h["bookings"]["difference"]["mean"].as_f64().unwrap() - own).abs() < 1e-6 * own
        );
    }
    // The hires take accounts from their teammates, who book less on the same futures.
    assert!(reps.iter().any(|r| r["presence"] == "both" && r["bookings"]["ci_high"].as_f64().unwrap() < 0.0));
    let (header, rows) = csv_rows(&dir.path().join("out/rep_deltas.csv"));
    assert_eq!(header[0], "plan");
    assert!(header.contains(&"reference_bookings_mean_money".to_string()), "{header:?}");
    assert_eq!(rows.len(), reps.len(), "the reference's own rows are left out");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("not in current plan: its own bookings") && stdout.contains("s.e."), "{stdout}");
}

#[test]
fn the_per_rep_tables_are_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/scenario.toml");
    for threads in ["1", "3"] {
        let out = format!("t{threads}");
        let args = [
            "stress",
            fixture.to_str().unwrap(),
            "--trials",
            "150",
            "--threads",
            threads,
            "--out",
            &out,
            "-q",
        ];
        let o = terrasim(&args, dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for file in ["stress.json", "rep_deltas.csv", "segment_deltas.csv"] {
        let read = |t: &str| std::fs::read(dir.path().join(format!("t{t}/{file}"))).unwrap();
        assert_eq!(read("1"), read("3"), "{file} differs between 1 and 3 threads");
    }
}
