//! The real binary on small files in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn terrasim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().expect("run terrasim")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/scenario.toml")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn simulate_writes_the_result_contract_identically_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture();
    let run = |threads: &str, out: &str| {
        let o = terrasim(
            &[
                "simulate",
                scenario.to_str().unwrap(),
                "--trials",
                "200",
                "--threads",
                threads,
                "--out",
                out,
                "--quiet",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(dir.path().join(out).join("result.json")).unwrap()
    };
    let one = run("1", "one");
    let two = run("2", "two");
    assert_eq!(one, two, "result.json differs between 1 and 2 threads");
    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["trials"], 200);
    assert_eq!(json["reps"].as_array().unwrap().len(), 4);
    for key in ["attainment_variance", "attainment_sd", "attainment_gini", "coverage_rate"] {
        assert!(json[key]["mean"].is_number() && json[key]["se"].is_number(), "{key}");
    }
    assert!(json["team"]["p_team_ge_plan"]["mean"].is_number());
    for file in ["reps.csv", "segments.csv", "monthly.csv", "run.json"] {
        assert!(dir.path().join("one").join(file).exists(), "{file}");
    }
    let monthly = std::fs::read_to_string(dir.path().join("one/monthly.csv")).unwrap();
    // TEAM plus 4 reps, 12 months each, plus the header.
    assert_eq!(monthly.lines().count(), 1 + 5 * 12);
}

#[test]
fn bad_input_exits_2_names_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture();
    let src_dir = src.parent().unwrap();
    for f in ["accounts.csv", "scenario.toml"] {
        std::fs::copy(src_dir.join(f), dir.path().join(f)).unwrap();
    }
    let reps =
        std::fs::read_to_string(src_dir.join("reps.csv")).unwrap().replace(",110,400000,", ",-110,400000,");
    std::fs::write(dir.path().join("reps.csv"), reps).unwrap();
    let o = terrasim(&["simulate", "scenario.toml", "--out", "out", "--quiet"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("reps.csv"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("capacity"), "{err}");
    assert!(!dir.path().join("out").exists(), "no partial output");
    assert!(!err.contains("panicked"));
}

#[test]
fn unknown_scenario_key_is_a_user_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture()).unwrap().replace("trials = 300", "trails = 300");
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = terrasim(&["validate", "s.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("s.toml") && err.contains("line 3") && err.contains("trails"), "{err}");
}

#[test]
fn stress_reports_paired_differences_of_the_default_shocks() {
    let dir = tempfile::tempdir().unwrap();
    let o = terrasim(
        &["stress", fixture().to_str().unwrap(), "--trials", "300", "--out", "out", "--quiet"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/stress.json")).unwrap()).unwrap();
    let shocks = json["shocks"].as_array().unwrap();
    assert_eq!(shocks.len(), 4);
    let win = &shocks[0];
    assert_eq!(win["name"], "win rate -20%");
    let bookings = &win["differences"][0];
    assert_eq!(bookings["metric"], "team_bookings");
    // A 20% lower win rate must cost bookings, and the paired interval must exclude zero.
    assert!(bookings["ci_high"].as_f64().unwrap() < 0.0, "{bookings}");
}

#[test]
fn validate_json_reports_every_rep_and_the_unowned() {
    let dir = tempfile::tempdir().unwrap();
    let o = terrasim(&["validate", fixture().to_str().unwrap(), "--json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let audit: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(audit["per_rep"].as_array().unwrap().len(), 4);
    assert_eq!(audit["accounts"], 300);
    // Accounts A0005, A0102, A0199 and A0296 have no owner in the fixture.
    let unowned: Vec<&str> =
        audit["unowned"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(unowned, ["A0005", "A0102", "A0199", "A0296"]);
}
