//! Honest targets: P(team ≥ plan) against the plan the user set, a level-free spread beside the variance,
//! one band definition in `validate` and `optimize`, the user's choice of what ranks candidates, and
//! candidates no better than the unchanged plan marked so.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use terrasim::sim::model::PlanBasis;
use terrasim::sim::{aggregate, headline};

const QUOTA: f64 = 285_000.0;

/// Two inside reps sharing 200 accounts; with 10% monthly opening, 30% wins, 1-month cycles and deals of
/// 10,000, the team books about 569,000 a year against a plan of 2 × 285,000: P(team ≥ plan) near a half.
fn two_reps(events: &str) -> (terrasim::market::Market, terrasim::scenario::Scenario) {
    let n = 200;
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 2)).collect();
    let m = market(accounts, vec![rep("R1", 1e9, QUOTA), rep("R2", 1e9, QUOTA)], &owners);
    (m, scenario(&format!("{}{events}", deterministic_params(0.3, 0.1))))
}

const DEPARTURE: &str = "[[events.departure]]\nrep = \"R2\"\nmonth = 3\nbackfill_delay_months = 5\n\
                         backfill_ramp_months = 3\norphan_policy = \"hold\"\n";

/// The plan of a departure that keeps its quota is the sum of the quotas as set; the switch
/// `quota_leaves_plan` gives the pro-rated sum, whose closed form is R1's quota + R2's for months 1–3 +
/// the backfill's ramp-weighted months 8–12 (0.1, 0.4, 0.7, 1, 1 of a month). Paired on the same futures,
/// the departure with the plan kept cannot raise P(team ≥ plan): the held book books less in every trial.
#[test]
fn a_departure_keeps_the_plan_and_cannot_raise_p_team_ge_plan() {
    let (m, base) = two_reps("");
    let (_, kept) = two_reps(DEPARTURE);
    let (_, leaves) = two_reps(&format!("{DEPARTURE}quota_leaves_plan = true\n"));
    let (base, kept, leaves) = (compile(&base, &m), compile(&kept, &m), compile(&leaves, &m));

    assert_eq!(base.team_plan.value, 2.0 * QUOTA);
    assert_eq!(kept.team_plan.value, 2.0 * QUOTA, "the departure keeps its quota in the plan");
    assert_eq!(kept.team_plan.basis, PlanBasis::SumOfQuotas);
    let pro_rated = QUOTA * (1.0 + 3.0 / 12.0 + 3.2 / 12.0);
    assert!((leaves.team_plan.value - pro_rated).abs() < 1e-6, "{} vs {pro_rated}", leaves.team_plan.value);
    let reps_quota: f64 = leaves.reps.iter().map(|r| r.quota).sum();
    assert!(
        (leaves.team_plan.value - reps_quota).abs() < 1e-6,
        "the switch gives the reps' pro-rated quotas"
    );

    let trials = 2000;
    let (b, k, l) = (run(&base, trials), run(&kept, trials), run(&leaves, trials));
    let at_plan = |model, os: &[terrasim::sim::TrialOutcome]| -> Vec<f64> {
        os.iter().map(|o| headline(model, o).team_at_plan).collect()
    };
    let (pb, pk, pl) = (at_plan(&base, &b), at_plan(&kept, &k), at_plan(&leaves, &l));
    for (i, (x, y)) in pb.iter().zip(&pk).enumerate() {
        assert!(y <= x, "trial {i}: the departure made the plan where the baseline did not");
    }
    let drop: Vec<f64> = pb.iter().zip(&pk).map(|(x, y)| x - y).collect();
    let (d, se) = mean_se(&drop);
    assert!(d > 4.0 * se, "a departure with the plan kept lowers P(team ≥ plan): {d} ± {se}");
    // The plan that shrinks with the departure is what raised P(team ≥ plan) before.
    let rise: Vec<f64> = pl.iter().zip(&pb).map(|(x, y)| x - y).collect();
    let (r, se) = mean_se(&rise);
    assert!(r > 4.0 * se, "the shrinking plan raises P(team ≥ plan): {r} ± {se}");

    let result = aggregate(&kept, "kept", None, &k);
    assert_eq!(result.team.plan, 2.0 * QUOTA);
    assert_eq!(result.team.plan_basis, PlanBasis::SumOfQuotas);
    let (mean, _) = mean_se(&pk);
    assert!((result.team.p_team_ge_plan.mean - mean).abs() < 1e-12);
}

/// A scenario's `[plan] team_target` is the plan, whatever the quotas; a target that is no amount is
/// refused naming the field.
#[test]
fn a_team_target_is_the_plan() {
    let (m, s) = two_reps("[plan]\nteam_target = 500000\n");
    let model = compile(&s, &m);
    assert_eq!(model.team_plan.value, 500_000.0);
    assert_eq!(model.team_plan.basis, PlanBasis::TeamTarget);
    let text = "schema_version = 1\nname = \"t\"\n[plan]\nteam_target = -1\n[data]\naccounts = \"a.csv\"\n";
    let e = terrasim::scenario::Scenario::from_toml(text, Path::new("t.toml")).unwrap_err().to_string();
    assert!(e.contains("plan.team_target") && e.contains("positive amount"), "{e}");
}

/// Three reps of different quotas sharing 300 accounts.
fn three_reps() -> terrasim::market::Market {
    let n = 300;
    let accounts = (0..n).map(|i| account(i, "Software", 10_000.0)).collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 3)).collect();
    let reps = vec![rep("R1", 1e9, 300_000.0), rep("R2", 1e9, 200_000.0), rep("R3", 1e9, 400_000.0)];
    market(accounts, reps, &owners)
}

/// The coefficient of variation of attainment does not move when every rep's bookings scale by a
/// constant; the variance moves by the constant's square.
#[test]
fn attainment_cv_is_level_free_and_variance_is_not() {
    let m = three_reps();
    let model = compile(&scenario(&deterministic_params(0.3, 0.1)), &m);
    let outcomes = run(&model, 200);
    let c = 0.6;
    let mut moved = 0;
    for o in &outcomes {
        let mut scaled = o.clone();
        scaled.bookings.iter_mut().for_each(|b| *b *= c);
        let (h, s) = (headline(&model, o), headline(&model, &scaled));
        assert!((s.attainment_cv - h.attainment_cv).abs() <= 1e-12 * h.attainment_cv.max(1.0), "{h:?} {s:?}");
        assert!(
            (s.attainment_variance - c * c * h.attainment_variance).abs() <= 1e-9 * h.attainment_variance
        );
        moved += usize::from(h.attainment_variance > 0.0 && s.attainment_variance < h.attainment_variance);
        // The CV is the standard deviation over the mean attainment.
        let att: Vec<f64> = o.bookings.iter().zip(&model.reps).map(|(b, r)| b / r.quota).collect();
        let mean = att.iter().sum::<f64>() / 3.0;
        assert!((h.attainment_cv - h.attainment_variance.sqrt() / mean).abs() < 1e-12);
    }
    assert!(moved > 190, "the variance falls with the level in {moved} of 200 trials");
}

/// End to end: a deal-size shock scales every deal, so on the same futures the CV is unchanged and the
/// variance falls by the square of the multiplier.
#[test]
fn a_deal_size_shock_leaves_the_cv_and_scales_the_variance() {
    let m = three_reps();
    let s = scenario(&deterministic_params(0.3, 0.1));
    let shock: terrasim::scenario::Shock =
        toml::from_str("name = \"deal size -15%\"\ndeal_size_multiplier = 0.85\n").unwrap();
    let base = compile(&s, &m);
    let shocked = terrasim::scenario::compile(&s, &m, m.plan(), Some(&shock)).unwrap();
    let (b, k) = (run(&base, 300), run(&shocked, 300));
    for (x, y) in b.iter().zip(&k) {
        let (hx, hy) = (headline(&base, x), headline(&shocked, y));
        assert!((hy.attainment_cv - hx.attainment_cv).abs() < 1e-9, "{hx:?} {hy:?}");
        assert!((hy.attainment_variance - 0.85 * 0.85 * hx.attainment_variance).abs() < 1e-9);
    }
}

fn terrasim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().expect("run terrasim")
}

fn fixture(optimize: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    let dir = tempfile::tempdir().unwrap();
    for f in ["accounts.csv", "reps.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    let hire = "[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\n";
    std::fs::write(dir.path().join("s.toml"), format!("{scenario}\n{hire}\n[optimize]\n{optimize}\n"))
        .unwrap();
    dir
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `validate` reports the bands as `optimize` counts them, on the same plan (a hire with an empty book
/// included), beside its own audit against the team median.
#[test]
fn validate_and_optimize_count_the_same_reps_outside_the_bands() {
    let dir = fixture("strategies = [\"current\"]\ncontinuity_budget = 0.3\ntrials = 50\n");
    let o = terrasim(&["optimize", "s.toml", "--out", "out", "--quiet"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let unchanged = &json(&dir.path().join("out/candidates.json"))["unchanged_balance"];
    let v = terrasim(&["validate", "s.toml", "--json"], dir.path());
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let audit: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let bands = &audit["optimizer_bands"];
    for k in ["outside_potential_band", "outside_workload_band", "max_potential_deviation"] {
        assert_eq!(bands[k], unchanged[k], "{k}");
    }
    // The hire's empty book is outside the optimizer's potential band.
    assert!(bands["outside_potential_band"].as_u64().unwrap() >= 1);
    let text = terrasim(&["validate", "s.toml"], dir.path());
    let out = String::from_utf8_lossy(&text.stdout);
    let line = out.lines().find(|l| l.starts_with("As optimize counts them")).expect("the optimizer's bands");
    let n = unchanged["outside_potential_band"].as_u64().unwrap();
    assert!(line.contains(&format!("{n} reps outside the potential band")), "{line}");
}

/// `rank_by` orders the candidates by the chosen figure, better-than-current first; candidates.json says
/// what ranked them and marks each candidate against the unchanged plan by its paired interval; the
/// default is declared; an unknown value is refused with the closest name.
#[test]
fn rank_by_orders_candidates_and_marks_those_no_better_than_the_current_plan() {
    let dir = fixture(
        "strategies = [\"current\", \"vertical\", \"size\"]\ncontinuity_budget = 0.3\ntrials = 100\n",
    );
    let default = terrasim(&["optimize", "s.toml", "--out", "d", "--quiet"], dir.path());
    assert!(default.status.success());
    assert!(String::from_utf8_lossy(&default.stderr).contains("warning: optimize.rank_by"));
    let d = json(&dir.path().join("d/candidates.json"));
    assert_eq!(d["rank_by"], "variance_coverage");
    assert!(d["assumptions"].as_array().unwrap().iter().any(|a| a["code"] == "rank_by_default"));

    for (rank_by, metric) in [("bookings", "team_bookings"), ("p_team_ge_plan", "p_team_ge_plan")] {
        let out = format!("out-{rank_by}");
        let o = terrasim(&["optimize", "s.toml", "--rank-by", rank_by, "--out", &out, "--quiet"], dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("optimize.rank_by"),
            "a chosen ranking is not declared"
        );
        let r = json(&dir.path().join(&out).join("candidates.json"));
        assert_eq!(r["rank_by"], rank_by);
        let cands = r["candidates"].as_array().unwrap();
        let key = |c: &serde_json::Value| {
            let m = &c["metrics"][metric];
            let better = m["ci"][0].as_f64().unwrap() > 0.0;
            assert_eq!(c["no_better_than_current"].as_bool().unwrap(), !better, "{c}");
            (!better, -m["value"].as_f64().unwrap())
        };
        for pair in cands.windows(2) {
            let (a, b) = (key(&pair[0]), key(&pair[1]));
            assert!(a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).is_le(), "{rank_by}: {a:?} ranked before {b:?}");
        }
    }

    let bad = terrasim(&["optimize", "s.toml", "--rank-by", "bookngs", "--out", "x"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    let e = String::from_utf8_lossy(&bad.stderr);
    assert!(e.contains("did you mean \"bookings\""), "{e}");
    let text = std::fs::read_to_string(dir.path().join("s.toml")).unwrap() + "rank_by = \"p_team_ge_pln\"\n";
    std::fs::write(dir.path().join("bad.toml"), text).unwrap();
    let bad = terrasim(&["optimize", "bad.toml", "--out", "y"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    let e = String::from_utf8_lossy(&bad.stderr);
    assert!(e.contains("bad.toml") && e.contains("did you mean \"p_team_ge_plan\""), "{e}");
    assert!(!dir.path().join("x").exists() && !dir.path().join("y").exists());
}
