//! `terrasim optimize` and `terrasim compare` as a user runs them, on the small fixture market.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn terrasim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().expect("run terrasim")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The small fixture in a temporary folder, its scenario extended with `optimize`.
fn fixture(optimize: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    let dir = tempfile::tempdir().unwrap();
    for f in ["accounts.csv", "reps.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    std::fs::write(dir.path().join("s.toml"), format!("{scenario}\n[optimize]\n{optimize}\n")).unwrap();
    dir
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn optimize_writes_ranked_candidates_with_plans_and_diffs_identically_for_any_thread_count() {
    let dir = fixture(
        "strategies = [\"current\", \"vertical\", \"size\"]\ncontinuity_budget = 0.3\ntrials = 200\n",
    );
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("out{threads}");
        let o = terrasim(&["optimize", "s.toml", "--threads", threads, "--out", &out, "--quiet"], dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
        outputs.push(read(dir.path().join(&out).join("candidates.json")));
    }
    assert_eq!(outputs[0], outputs[1], "candidates.json differs between 1 and 2 threads");
    for table in ["rep_deltas.csv", "segment_deltas.csv"] {
        let one = read(dir.path().join("out1").join(table));
        assert_eq!(one, read(dir.path().join("out2").join(table)), "{table} differs between 1 and 2 threads");
        assert!(one.starts_with("candidate,"), "{table}: {}", one.lines().next().unwrap_or(""));
    }
    let json: serde_json::Value = serde_json::from_str(&outputs[0]).unwrap();
    let candidates = json["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 3);
    let accounts = read(dir.path().join("accounts.csv")).lines().count() - 1;
    for (k, c) in candidates.iter().enumerate() {
        assert_eq!(c["rank"].as_u64(), Some(k as u64 + 1));
        assert!(c["moved_share"].as_f64().unwrap() <= 0.3 + 1e-12, "{c}");
        let ci = &c["metrics"]["attainment_variance"]["ci"];
        assert!(ci[0].as_f64().unwrap() <= ci[1].as_f64().unwrap());
        let name = c["name"].as_str().unwrap();
        let folder = dir.path().join("out1").join(name);
        assert_eq!(
            read(folder.join("plan.csv")).lines().count(),
            1 + accounts,
            "{name}: one row per account"
        );
        let diff = read(folder.join("diff.csv"));
        let mut lines = diff.lines();
        assert_eq!(lines.next(), Some("account_id,old_owner_id,new_owner_id,reason"));
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len() as u64, c["moved_accounts"].as_u64().unwrap(), "{name}: a diff row per move");
        // Winners and losers: the reps' paired bookings differences and the house's add up to the team's.
        let b = &c["breakdown"];
        let mean = |p: &serde_json::Value| p["difference"]["mean"].as_f64().unwrap();
        let reps: f64 = b["reps"].as_array().unwrap().iter().map(|r| mean(&r["bookings"])).sum();
        let team = c["metrics"]["team_bookings"]["difference"].as_f64().unwrap();
        let parts = reps + mean(&b["house_bookings"]);
        assert!((parts - team).abs() <= 1e-9 * team.abs().max(1.0), "{name}: {parts} vs {team}");
        assert!(
            rows.is_empty()
                || team != 0.0
                || b["reps"].as_array().unwrap().iter().any(|r| mean(&r["bookings"]) != 0.0)
        );
        for row in rows {
            let reason = row.rsplit(',').next().unwrap();
            assert!(
                ["departed owner", "new-hire book", "eligibility", "capacity", "contiguity", "balance"]
                    .contains(&reason),
                "{row}"
            );
        }
    }
}

#[test]
fn optimize_rejects_an_unknown_removed_rep_and_writes_nothing() {
    let dir = fixture("[[optimize.remove]]\nrep = \"R99\"\n");
    let o = terrasim(&["optimize", "s.toml", "--out", "out", "--quiet"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("s.toml") && err.contains("optimize.remove[0].rep") && err.contains("R99"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn optimize_says_how_far_to_raise_an_infeasible_continuity_budget() {
    let dir = fixture("continuity_budget = 0.01\n[[optimize.remove]]\nrep = \"R1\"\n");
    let o = terrasim(&["optimize", "s.toml", "--out", "out", "--quiet"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("optimize.continuity_budget") && err.contains("raise the budget to at least"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn compare_runs_plans_side_by_side_and_names_a_bad_plan_row() {
    let dir = fixture("strategies = [\"current\"]\ntrials = 100\n");
    let o = terrasim(&["optimize", "s.toml", "--out", "opt", "--quiet"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = terrasim(
        &[
            "compare",
            "s.toml",
            "--plan",
            "opt/current/plan.csv",
            "--trials",
            "200",
            "--out",
            "cmp",
            "--quiet",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&read(dir.path().join("cmp/compare.json"))).unwrap();
    let plans = json["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 2);
    // The reference compared with itself differs by exactly zero.
    assert_eq!(plans[0]["figures"][0]["difference"]["mean"].as_f64(), Some(0.0));

    let bad = read(dir.path().join("opt/current/plan.csv")).replacen("A0001,", "A9999,", 1);
    std::fs::write(dir.path().join("bad.csv"), bad).unwrap();
    let o = terrasim(&["compare", "s.toml", "--plan", "bad.csv", "--out", "cmp2", "--quiet"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("bad.csv") && err.contains("line 3") && err.contains("A9999"), "{err}");
    assert!(!dir.path().join("cmp2").exists());
}
