//! `terrasim report` on the real binary: a report of every kind of result folder from the small fixture,
//! self-contained (no script, nothing loaded), with every string from the data escaped, and written into
//! the result folder's output set so that the folder stays a valid terrasim output.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().unwrap()
}

fn terrasim(args: &[&str], cwd: &Path) {
    let o = run(args, cwd);
    assert!(o.status.success(), "terrasim {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

const EVIL_ACCOUNT: &str = "<script>alert(1)</script>";

/// The small fixture in a temporary folder, with an account and a rep named like markup, and `extra`
/// appended to the scenario.
fn fixture(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    let accounts = std::fs::read_to_string(src.join("accounts.csv")).unwrap();
    let accounts = accounts.replacen("Company 1,", &format!("\"{EVIL_ACCOUNT}\","), 1);
    std::fs::write(dir.path().join("accounts.csv"), accounts).unwrap();
    let reps =
        std::fs::read_to_string(src.join("reps.csv")).unwrap().replacen("Ben Okafor", "Ben <b>Okafor</b>", 1);
    std::fs::write(dir.path().join("reps.csv"), reps).unwrap();
    std::fs::copy(src.join("history.csv"), dir.path().join("history.csv")).unwrap();
    let scenario = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    std::fs::write(dir.path().join("scenario.toml"), format!("{scenario}\n{extra}")).unwrap();
    dir
}

/// Checks what every report must be: one HTML document that loads nothing and runs no script.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "not an HTML document");
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script element");
    assert!(!lower.contains("http://") && !lower.contains("https://"), "a network address");
    for attr in ["src=", "href=", "@import", "url("] {
        assert!(!lower.contains(attr), "{attr} in the page");
    }
    assert!(html.trim_end().ends_with("</html>"));
}

fn report(dir: &Path, folder: &str, scenario: bool) -> String {
    let mut args = vec!["report", folder];
    if scenario {
        args.extend(["--scenario", "scenario.toml"]);
    }
    terrasim(&args, dir);
    std::fs::read_to_string(dir.join(folder).join("report.html")).unwrap()
}

#[test]
fn a_simulate_report_is_self_contained_escaped_and_joins_the_output_set() {
    let dir = fixture("[[events.departure]]\nrep = \"R2\"\nmonth = 3\n");
    let d = dir.path();
    terrasim(&["simulate", "scenario.toml", "--trials", "100", "--out", "run", "--quiet"], d);
    let html = report(d, "run", true);
    assert_self_contained(&html);
    for section in [
        "Attainment per rep",
        "Team bookings per month",
        "Pipeline coverage per segment",
        "Book balance",
        "Map of books",
        "Assumptions",
    ] {
        assert!(html.contains(&format!("<h2>{section}</h2>")), "no section {section}");
    }
    // The account's name is in the map's hover text, as text.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Ben &lt;b&gt;Okafor&lt;/b&gt;") && !html.contains("<b>Okafor"));
    // The departure and its backfill (5 months later by default) are marked on the monthly chart.
    assert!(html.contains(">departure R2</text>") && html.contains(">backfill R2</text>"));
    // One bar per rep with quota (the backfill is a rep of its own), the quota line at 100%.
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("run/result.json")).unwrap()).unwrap();
    let with_quota = result["reps"].as_array().unwrap().iter().filter(|r| !r["attainment"].is_null()).count();
    assert_eq!(html.matches("class=\"range").count(), with_quota);
    assert!(html.contains(">quota (100%)</text>"));

    let manifest = std::fs::read_to_string(d.join("run/manifest.json")).unwrap();
    assert!(manifest.contains("\"report.html\"") && manifest.contains("\"result.json\""), "{manifest}");
    // The folder is still a terrasim output: a new run replaces it whole, stale report included.
    terrasim(&["simulate", "scenario.toml", "--trials", "50", "--out", "run", "--quiet"], d);
    assert!(!d.join("run/report.html").exists());

    // Without a scenario the report says what it lacks instead of inventing it: here the manifest's scenario
    // changed since the run, so it is not used.
    std::fs::write(
        d.join("scenario.toml"),
        format!("{}\n# edited\n", std::fs::read_to_string(d.join("scenario.toml")).unwrap()),
    )
    .unwrap();
    let html = report(d, "run", false);
    assert_self_contained(&html);
    assert!(html.contains("--scenario") && !html.contains("class=\"pt "));
}

#[test]
fn every_kind_of_result_folder_has_a_report() {
    let dir = fixture("[optimize]\nstrategies = [\"current\", \"vertical\"]\ntrials = 60\n");
    let d = dir.path();
    terrasim(&["optimize", "scenario.toml", "--out", "opt", "--quiet"], d);
    terrasim(&["stress", "scenario.toml", "--trials", "60", "--out", "stress", "--quiet"], d);
    terrasim(
        &[
            "compare",
            "scenario.toml",
            "--plan",
            "opt/vertical/plan.csv",
            "--trials",
            "60",
            "--out",
            "cmp",
            "--quiet",
        ],
        d,
    );
    let history = ["--history", "history.csv", "--scenario", "scenario.toml"];
    terrasim(
        &[
            &["backtest"][..],
            &history,
            &["--cutoff", "2025-01-01", "--trials", "60", "--out", "bt", "--quiet"],
        ]
        .concat(),
        d,
    );

    let opt = report(d, "opt", true);
    assert_self_contained(&opt);
    assert!(
        opt.contains(">optimize</span>")
            && opt.contains("<h2>Pareto view: attainment variance × coverage</h2>")
    );
    assert!(opt.contains("<h2>Accounts moved</h2>") && opt.contains("95% interval"));
    // The moved accounts come from diff.csv, joined to their names: the first move of `current` is listed.
    let diff = std::fs::read_to_string(d.join("opt/current/diff.csv")).unwrap();
    let first = diff.lines().nth(1).unwrap().split(',').next().unwrap();
    assert!(opt.contains(&format!("<td class=\"t\">{first}</td>")), "{first} not among the moves");

    let stress = report(d, "stress", true);
    assert_self_contained(&stress);
    assert!(stress.contains(">stress</span>") && stress.contains("Δ team bookings (95% intervals)"));
    assert!(stress.contains("± figures are its standard error"));
    // Who wins and who loses per shock: the diverging chart of reps and the tables of reps and segments.
    assert!(stress.contains("<h2>Winners and losers per rep and segment</h2>"), "no winners and losers");
    assert!(stress.contains("change in bookings per rep") && stress.contains("Δ bookings ± s.e."));
    assert!(stress.contains("s.e.</td>") && stress.contains("pipeline coverage, reference → this"));

    let cmp = report(d, "cmp", false);
    assert_self_contained(&cmp);
    assert!(cmp.contains(">compare</span>") && cmp.contains("opt/vertical/plan.csv"));
    assert!(cmp.contains("winners and losers against current plan"), "no winners and losers in compare");

    let bt = report(d, "bt", true);
    assert_self_contained(&bt);
    assert!(bt.contains("<h2>PIT histogram</h2>") && bt.contains("Actual against predicted: bookings"));
    assert!(bt.contains("R2 Ben &lt;b&gt;Okafor&lt;/b&gt;"), "rep names joined from the scenario");

    // -o elsewhere writes only that file.
    terrasim(&["report", "bt", "-o", "elsewhere/bt.html"], d);
    assert_self_contained(&std::fs::read_to_string(d.join("elsewhere/bt.html")).unwrap());
}

#[test]
fn a_folder_that_is_not_a_result_is_a_user_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("mine")).unwrap();
    std::fs::write(d.join("mine/notes.txt"), "x").unwrap();
    let o = run(&["report", "mine"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("mine") && err.contains("result.json") && err.contains("backtest.json"), "{err}");

    std::fs::create_dir(d.join("cut")).unwrap();
    std::fs::write(d.join("cut/result.json"), "{\"scenario\": \"x\", \"reps\": [").unwrap();
    let o = run(&["report", "cut"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("result.json") && err.contains("terrasim simulate"), "{err}");
    assert!(!d.join("cut/report.html").exists());

    let o = run(&["report", "absent"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such folder"));
}
