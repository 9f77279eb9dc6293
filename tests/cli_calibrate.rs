//! `terrasim calibrate` and `terrasim backtest` on the real binary: history made by the model for the small
//! fixture market, in a temporary folder.

use std::path::Path;
use std::process::{Command, Output};

use terrasim::calibrate::{month_of, simulate_history};
use terrasim::market::parse_iso_date;

fn terrasim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().expect("run terrasim")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The small fixture copied into a temporary folder with 24 months of history from 2024-01.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    for f in ["accounts.csv", "reps.csv", "scenario.toml"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = terrasim::io::load_scenario(&dir.path().join("scenario.toml")).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    let start = month_of(parse_iso_date("2024-01-01").unwrap());
    let history = simulate_history(&scenario, &market, start, 24, 0).unwrap();
    terrasim::io::write_history(&dir.path().join("opps.csv"), &history, &market).unwrap();
    dir
}

#[test]
fn calibrate_writes_a_params_file_that_a_scenario_includes() {
    let dir = setup();
    let o = terrasim(
        &["calibrate", "--history", "opps.csv", "--scenario", "scenario.toml", "--out", "fitted/params.toml"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("win rate") && stdout.contains("90% interval"), "{stdout}");
    let params = std::fs::read_to_string(dir.path().join("fitted/params.toml")).unwrap();
    assert!(
        params.contains("[params.SMB]") && params.contains("win_rate_alpha") && params.contains("[skills]")
    );
    let diagnostics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("fitted/params.diagnostics.json")).unwrap())
            .unwrap();
    assert!(diagnostics["segments"].as_array().unwrap().len() >= 2);

    // A scenario that includes the file reads every fitted value, and the skills reach the reps.
    let text = std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap();
    let text = text.replace("[data]", "include_params = [\"fitted/params.toml\"]\n\n[data]");
    std::fs::write(dir.path().join("calibrated.toml"), text).unwrap();
    let scenario = terrasim::io::load_scenario(&dir.path().join("calibrated.toml")).unwrap();
    assert!(scenario.params["SMB"].win_rate_alpha.is_some());
    let market = terrasim::io::load_market(&scenario).unwrap();
    for (id, skill) in &scenario.skills {
        let rep = market.reps().iter().find(|r| r.id.as_str() == id).unwrap();
        assert_eq!(rep.skill, *skill);
    }
    let o =
        terrasim(&["simulate", "calibrated.toml", "--trials", "50", "--out", "run", "--quiet"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn backtest_writes_backtest_json() {
    let dir = setup();
    let o = terrasim(
        &[
            "backtest",
            "--history",
            "opps.csv",
            "--scenario",
            "scenario.toml",
            "--cutoff",
            "2025-01-01",
            "--trials",
            "100",
            "--out",
            "bt",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("bt/backtest.json")).unwrap()).unwrap();
    assert_eq!(json["cutoff"], "2025-01-01");
    assert_eq!(json["horizon_months"], 12);
    assert!(json["coverage"]["coverage_50"].is_number() && json["coverage"]["coverage_80"].is_number());
    assert_eq!(json["pit_histogram"].as_array().unwrap().len(), 10);
    let rep = &json["reps"][0];
    assert!(rep["coverage_50"].is_number() && rep["coverage_80"].is_number(), "{rep}");
    assert!(json["segments"][0]["coverage_80"].is_number());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Interval coverage") && stdout.contains("PIT histogram"), "{stdout}");
}

#[test]
fn a_cutoff_mid_month_is_a_user_error_and_writes_nothing() {
    let dir = setup();
    let o = terrasim(
        &[
            "backtest",
            "--history",
            "opps.csv",
            "--scenario",
            "scenario.toml",
            "--cutoff",
            "2025-01-15",
            "--out",
            "bt",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("first day of a month"), "{}", stderr(&o));
    assert!(!dir.path().join("bt").exists());
    // The history (2024-2025) cannot score 18 months from 2025-01.
    let o = terrasim(
        &[
            "backtest",
            "--history",
            "opps.csv",
            "--scenario",
            "scenario.toml",
            "--cutoff",
            "2025-01-01",
            "--horizon",
            "18",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("history ends in 2025-12") && stderr(&o).contains("at most 12"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_history_exits_2_names_file_line_and_field_and_writes_nothing() {
    let dir = setup();
    let path = dir.path().join("opps.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen(",2024-", ",2024/13/", 1);
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    let o = terrasim(
        &["calibrate", "--history", "opps.csv", "--scenario", "scenario.toml", "--out", "p.toml"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("opps.csv") && err.contains("line 3") && err.contains("YYYY-MM-DD"), "{err}");
    assert!(!err.contains("panicked"));
    assert!(!dir.path().join("p.toml").exists(), "no partial output");
    let o = terrasim(&["calibrate", "--scenario", "scenario.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--history"), "{}", stderr(&o));
}
