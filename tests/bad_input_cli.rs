//! The bad-input corpus of the command line: flags that cannot run, outputs that would overwrite what is not
//! terrasim's, runs too large to hold, a stdout closed early, and the defaults every command declares. Each
//! case runs the real binary on the small valid corpus scenario.

mod corpus;

use std::process::{Command, Stdio};

use corpus::{Case, terrasim};

#[test]
fn zero_trials_is_refused() {
    Case::new().refuses(
        &["simulate", "s.toml", "--trials", "0", "--out", "out"],
        "out",
        &["--trials", "at least 1"],
    );
}

#[test]
fn zero_threads_is_refused() {
    Case::new().refuses(
        &["simulate", "s.toml", "--threads", "0", "--out", "out"],
        "out",
        &["--threads", "at least 1", "omit it"],
    );
}

#[test]
fn stress_zero_threads_is_refused() {
    Case::new().refuses(&["stress", "s.toml", "--threads", "0", "--out", "out"], "out", &["--threads"]);
}

#[test]
fn a_missing_scenario_file_is_named() {
    Case::new().refuses(&["simulate", "nope.toml", "--out", "out"], "out", &["nope.toml", "cannot read"]);
}

#[test]
fn out_at_an_existing_file_is_refused_and_the_file_kept() {
    let case = Case::new().write("taken", "mine");
    let err = case.refuses(&["simulate", "s.toml", "--out", "taken", "--quiet"], "never", &["taken"]);
    assert_eq!(std::fs::read_to_string(case.path("taken")).unwrap(), "mine", "{err}");
}

#[test]
fn out_at_a_folder_of_other_files_is_refused_and_the_folder_kept() {
    let case = Case::new();
    std::fs::create_dir(case.path("mine")).unwrap();
    std::fs::write(case.path("mine/notes.txt"), "keep me").unwrap();
    let err =
        case.refuses(&["simulate", "s.toml", "--out", "mine", "--quiet"], "never", &["mine", "notes.txt"]);
    assert_eq!(std::fs::read_to_string(case.path("mine/notes.txt")).unwrap(), "keep me", "{err}");
    assert_eq!(
        std::fs::read_dir(case.path("mine")).unwrap().count(),
        1,
        "nothing added beside the user's file"
    );
}

#[test]
fn out_over_an_earlier_run_replaces_it_whole() {
    let case = Case::new();
    let ok = case.run(&["simulate", "s.toml", "--trials", "20", "--out", "out", "--quiet"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let again = case.run(&["simulate", "s.toml", "--trials", "30", "--out", "out", "--quiet"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("out/run.json")).unwrap()).unwrap();
    assert_eq!(run["trials"], 30, "the second run's set is in place");
    let siblings: Vec<String> = std::fs::read_dir(case.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("terrasim-"))
        .collect();
    assert!(siblings.is_empty(), "staging folders left: {siblings:?}");
}

#[test]
fn calibrate_out_at_a_folder_is_refused() {
    let case = Case::new().append("s.toml", "history = \"history.csv\"\n");
    std::fs::create_dir(case.path("params")).unwrap();
    case.refuses(
        &["calibrate", "--scenario", "s.toml", "--out", "params"],
        "params/params.toml",
        &["--out params is a folder", "--out params/params.toml"],
    );
}

#[test]
fn calibrate_out_dot_is_refused() {
    let case = Case::new().append("s.toml", "history = \"history.csv\"\n");
    case.refuses(&["calibrate", "--scenario", "s.toml", "--out", "."], "params.toml", &["is a folder"]);
}

#[test]
fn calibrate_without_a_history_says_where_to_give_one() {
    Case::new().refuses(
        &["calibrate", "--scenario", "s.toml", "--out", "p.toml"],
        "p.toml",
        &["no opportunity history", "--history", "[data]"],
    );
}

#[test]
fn backtest_cutoff_that_is_no_date_is_refused() {
    Case::new().refuses(
        &[
            "backtest",
            "--scenario",
            "s.toml",
            "--history",
            "history.csv",
            "--cutoff",
            "01/01/2025",
            "--out",
            "out",
        ],
        "out",
        &["--cutoff", "YYYY-MM-DD"],
    );
}

#[test]
fn backtest_cutoff_inside_a_month_is_refused() {
    Case::new().refuses(
        &[
            "backtest",
            "--scenario",
            "s.toml",
            "--history",
            "history.csv",
            "--cutoff",
            "2025-08-15",
            "--out",
            "out",
        ],
        "out",
        &["history.csv", "first day of a month"],
    );
}

#[test]
fn backtest_zero_horizon_is_refused() {
    Case::new().refuses(
        &[
            "backtest",
            "--scenario",
            "s.toml",
            "--history",
            "history.csv",
            "--cutoff",
            "2025-08-01",
            "--horizon",
            "0",
        ],
        "results",
        &["--horizon"],
    );
}

#[test]
fn backtest_zero_trials_is_refused() {
    Case::new().refuses(
        &[
            "backtest",
            "--scenario",
            "s.toml",
            "--history",
            "history.csv",
            "--cutoff",
            "2025-08-01",
            "--trials",
            "0",
        ],
        "results",
        &["--trials"],
    );
}

#[test]
fn compare_without_plans_says_what_to_give() {
    Case::new().refuses(&["compare", "s.toml", "--out", "out"], "out", &["--plan", "--variant"]);
}

#[test]
fn compare_plan_with_an_unknown_account_names_the_file_and_line() {
    let case = Case::new().write("other.csv", "account_id,owner_id\nA1,R2\nA9,R1\n");
    case.refuses(
        &["compare", "s.toml", "--plan", "other.csv", "--out", "out", "--quiet"],
        "out",
        &["other.csv", "line 3", "A9"],
    );
}

#[test]
fn compare_missing_variant_is_named_before_any_trial() {
    Case::new().refuses(
        &["compare", "s.toml", "--variant", "gone.toml", "--out", "out", "--quiet"],
        "out",
        &["gone.toml"],
    );
}

#[test]
fn a_run_too_large_for_memory_is_refused_with_an_estimate() {
    Case::new().refuses(
        &["stress", "s.toml", "--trials", "4000000000", "--out", "out", "--quiet"],
        "out",
        &["4000000000 trials", "GiB", "use at most", "--trials"],
    );
}

#[test]
fn a_scenario_asking_for_too_many_trials_is_refused() {
    let case = Case::new().edit("s.toml", "trials = 20", "trials = 4000000000");
    case.refuses(&["stress", "s.toml", "--out", "out", "--quiet"], "out", &["GiB", "s.toml"]);
}

#[test]
fn generate_refuses_too_few_reps() {
    Case::new().refuses(&["generate", "--reps", "3", "--out", "gen"], "gen", &["--reps", "at least 9"]);
}

#[test]
fn generate_with_a_missing_county_table_names_it() {
    Case::new().refuses(&["generate", "--counties", "nowhere.csv", "--out", "gen"], "gen", &["nowhere.csv"]);
}

#[test]
fn generate_does_not_overwrite_without_force() {
    let case = Case::new();
    std::fs::create_dir(case.path("gen")).unwrap();
    std::fs::write(case.path("gen/accounts.csv"), "my own accounts\n").unwrap();
    let o = case.run(&["generate", "--counties", counties().to_str().unwrap(), "--out", "gen", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("accounts.csv") && stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(case.path("gen/accounts.csv")).unwrap(), "my own accounts\n");
    assert_eq!(std::fs::read_dir(case.path("gen")).unwrap().count(), 1, "nothing else written");
}

fn counties() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/us_counties/us_counties.csv")
}

/// `terrasim … | head`: a reader that closes stdout early gets no panic, and the outputs stand.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let case = Case::new().append("s.toml", "history = \"history.csv\"\n");
    for args in [
        &["simulate", "s.toml", "--trials", "20", "--out", "out"][..],
        &["calibrate", "--scenario", "s.toml", "--out", "p.toml"][..],
        &["validate", "s.toml"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_terrasim"))
            .args(args)
            .current_dir(case.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
        assert!(o.status.success(), "{args:?}: {stderr}");
    }
    assert!(case.path("out/result.json").exists() && case.path("p.toml").exists());
}

/// Every default is a warning on stderr (also with --quiet) and an entry of the result's `assumptions`.
#[test]
fn defaults_are_warned_and_kept_in_the_result() {
    let case = Case::new();
    let o = case.run(&["simulate", "s.toml", "--trials", "20", "--out", "out", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("out/result.json")).unwrap()).unwrap();
    let codes: Vec<&str> =
        result["assumptions"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    // The corpus scenario has no [params], no score columns and one revenue cell.
    for code in ["params_default", "tier_default"] {
        assert!(codes.contains(&code), "{code} not in {codes:?}");
    }
    let warnings = stderr.lines().filter(|l| l.starts_with("warning: ")).count();
    assert_eq!(warnings, codes.len(), "one warning per assumption:\n{stderr}");

    let v = case.run(&["validate", "s.toml", "--json"]);
    let audit: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(audit["assumptions"].as_array().unwrap().len(), codes.len());
}

#[test]
fn calibrate_and_backtest_keep_their_assumptions() {
    let case = Case::new();
    let o =
        case.run(&["calibrate", "--scenario", "s.toml", "--history", "history.csv", "--out", "p.toml", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("p.diagnostics.json")).unwrap()).unwrap();
    let codes: Vec<&str> =
        d["assumptions"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"tier_default"), "{codes:?}");
    let out = terrasim(&["validate", "s.toml"], case.dir.path());
    assert!(out.status.success());
}

/// calibrate never replaces a file it did not write: not the history, the scenario or a data file.
#[test]
fn calibrate_out_at_an_input_file_is_refused_and_the_file_kept() {
    for target in ["accounts.csv", "history.csv", "s.toml"] {
        let case = Case::new();
        let before = std::fs::read(case.path(target)).unwrap();
        let o = case.run(&["calibrate", "--scenario", "s.toml", "--history", "history.csv", "--out", target]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains(target) && stderr.contains("not written by terrasim calibrate"), "{stderr}");
        assert_eq!(std::fs::read(case.path(target)).unwrap(), before, "{target} was changed");
    }
    // A params file calibrate wrote is replaced on the next run.
    let case = Case::new();
    for _ in 0..2 {
        let o = case.run(&[
            "calibrate",
            "--scenario",
            "s.toml",
            "--history",
            "history.csv",
            "--out",
            "p.toml",
            "-q",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn out_below_a_file_names_the_file() {
    let case = Case::new().write("taken", "mine");
    case.refuses(
        &["simulate", "s.toml", "--out", "taken/sub", "--quiet"],
        "never",
        &["taken is a file", "--out"],
    );
}

#[test]
fn absurd_thread_counts_are_refused() {
    Case::new().refuses(
        &["simulate", "s.toml", "--threads", "100000", "--out", "out"],
        "out",
        &["--threads 100000", "identical for any count"],
    );
}

/// A full disk under `> file` is a fault (exit 1), not a silent success.
#[test]
fn a_full_stdout_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else { return };
    let case = Case::new();
    let o = Command::new(env!("CARGO_BIN_EXE_terrasim"))
        .args(["validate", "s.toml"])
        .current_dir(case.dir.path())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write to stdout") && !stderr.contains("panicked"), "{stderr}");
}

/// With a handful of deals the cycle's interval stays finite: no 1e76 upper bound.
#[test]
fn thin_calibration_intervals_stay_bounded() {
    let case = Case::new();
    let o =
        case.run(&["calibrate", "--scenario", "s.toml", "--history", "history.csv", "--out", "p.toml", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("p.diagnostics.json")).unwrap()).unwrap();
    for s in d["segments"].as_array().unwrap() {
        for field in ["cycle_median", "cycle_sigma"] {
            let (mean, hi) = (s[field]["mean"].as_f64().unwrap(), s[field]["hi"].as_f64().unwrap());
            // The widest interval is the prior's: e^(1.645) ≈ 5.2 times the mean.
            assert!(hi <= mean * 5.2 && hi.is_finite(), "{} {field}: {hi} for mean {mean}", s["key"]);
        }
    }
}

#[test]
fn a_variant_with_another_horizon_is_refused() {
    let case = Case::new()
        .write("v.toml", corpus::SCENARIO.replace("trials = 20", "trials = 20\nhorizon_months = 6"));
    case.refuses(
        &["compare", "s.toml", "--variant", "v.toml", "--out", "out", "--quiet"],
        "out",
        &["v.toml simulates 6 months", "horizon_months = 12"],
    );
}

#[test]
fn a_missing_history_is_named_by_validate() {
    Case::new()
        .edit("s.toml", "as_of = \"2026-01-01\"\n", "")
        .append("s.toml", "history = \"gone.csv\"\n")
        .validate_refuses(&["gone.csv"]);
}
