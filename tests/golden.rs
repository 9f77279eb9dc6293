//! Golden files: the seeded output of `simulate`, `optimize`, `calibrate` and `backtest` on the small
//! fixture, pinned byte for byte. A change to seeded output (a model change, a new field in a result
//! contract) then shows in review as a changed file under `tests/golden/`.
//!
//! To regenerate after a deliberate change: `TERRASIM_BLESS=1 cargo test --test golden`, then review the
//! diff of `tests/golden/` and say in the commit why the numbers moved.

use std::path::{Path, PathBuf};
use std::process::Command;

fn terrasim(args: &[&str], cwd: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().unwrap();
    assert!(o.status.success(), "terrasim {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The small fixture and its history, copied into a temporary folder, with `extra` appended to the scenario.
fn fixture(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    for f in ["accounts.csv", "reps.csv", "history.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    std::fs::write(dir.path().join("scenario.toml"), format!("{scenario}\n{extra}")).unwrap();
    dir
}

/// Compares `produced` with the golden file `name`, or rewrites it when `TERRASIM_BLESS` is set.
fn check(produced: &Path, name: &str) {
    let got = std::fs::read(produced).unwrap();
    let golden = golden_dir().join(name);
    if std::env::var_os("TERRASIM_BLESS").is_some() {
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read(&golden).unwrap_or_else(|_| {
        panic!(
            "no golden file {}; create it with TERRASIM_BLESS=1 cargo test --test golden",
            golden.display()
        )
    });
    if got != want {
        let got = String::from_utf8_lossy(&got);
        let want = String::from_utf8_lossy(&want);
        let first = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from the golden file at line {}:\n  golden:   {}\n  produced: {}\nIf the change is \
             deliberate, regenerate with TERRASIM_BLESS=1 cargo test --test golden and review the diff",
            first + 1,
            want.lines().nth(first).unwrap_or(""),
            got.lines().nth(first).unwrap_or("")
        );
    }
}

#[test]
fn simulate_result_is_pinned() {
    let dir = fixture("");
    terrasim(&["simulate", "scenario.toml", "--trials", "200", "--out", "run", "--quiet"], dir.path());
    check(&dir.path().join("run/result.json"), "simulate.result.json");
}

#[test]
fn optimize_candidates_are_pinned() {
    let dir = fixture("[optimize]\nstrategies = [\"current\", \"vertical\"]\ntrials = 100\n");
    terrasim(&["optimize", "scenario.toml", "--out", "opt", "--quiet"], dir.path());
    check(&dir.path().join("opt/candidates.json"), "optimize.candidates.json");
    check(&dir.path().join("opt/current/diff.csv"), "optimize.current.diff.csv");
}

#[test]
fn calibration_and_backtest_are_pinned() {
    let dir = fixture("");
    let args = ["--history", "history.csv", "--scenario", "scenario.toml"];
    terrasim(&[&["calibrate"][..], &args, &["--out", "fit/params.toml", "--quiet"]].concat(), dir.path());
    check(&dir.path().join("fit/params.toml"), "calibrate.params.toml");
    terrasim(
        &[&["backtest"][..], &args, &["--cutoff", "2025-01-01", "--trials", "100", "--out", "bt", "--quiet"]]
            .concat(),
        dir.path(),
    );
    check(&dir.path().join("bt/backtest.json"), "backtest.json");
}

/// With the history named, its deals open at `as_of` start the year: pinned, and month 1 books more than
/// the same run without them (which books only deals opened and closed within the month).
#[test]
fn simulate_with_the_open_pipeline_is_pinned() {
    let dir = fixture("history = \"history.csv\"\n");
    terrasim(&["simulate", "scenario.toml", "--trials", "200", "--out", "run", "--quiet"], dir.path());
    check(&dir.path().join("run/result.json"), "simulate.pipeline.result.json");
    let bare = fixture("");
    terrasim(&["simulate", "scenario.toml", "--trials", "200", "--out", "run", "--quiet"], bare.path());
    let month_1 = |d: &Path| {
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("run/result.json")).unwrap()).unwrap();
        r["team"]["monthly_bookings"][0]["mean"].as_f64().unwrap()
    };
    let (with, without) = (month_1(dir.path()), month_1(bare.path()));
    assert!(with > 2.0 * without.max(1.0), "month 1 books {with} with the open pipeline, {without} without");
}
