//! A plan's lifecycle on the real binary: each run without `--out` gets a new folder (named in
//! `results/<stem>/latest`), `--out` replaces its folder whole, and every output set's manifest records the
//! run: command line, seed, trials, threads, start, and the SHA-256 of each input file it read.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().unwrap()
}

fn ok(args: &[&str], cwd: &Path) -> String {
    let o = run(args, cwd);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "terrasim {args:?}: {err}");
    err
}

/// The small fixture, with a params file included by the scenario.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    for f in ["accounts.csv", "reps.csv", "history.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    let scenario = scenario.replacen("[data]", "include_params = [\"params.toml\"]\n\n[data]", 1);
    std::fs::write(dir.path().join("scenario.toml"), scenario).unwrap();
    std::fs::write(dir.path().join("params.toml"), "[params.\"AMER\"]\nopp_rate = 0.03\n").unwrap();
    dir
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The run folders under `results/scenario`, sorted, without the `latest` pointer.
fn runs(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("results/scenario"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "latest")
        .collect();
    names.sort();
    names
}

/// (role, path) → sha256 of the manifest's inputs.
fn inputs(manifest: &Value) -> Vec<(String, String, String)> {
    manifest["run"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_string();
            (s("role"), s("path"), s("sha256"))
        })
        .collect()
}

#[test]
fn runs_without_out_land_in_new_folders_named_in_latest() {
    let dir = fixture();
    let d = dir.path();
    let args = ["simulate", "scenario.toml", "--trials", "20", "--quiet"];
    let first = ok(&args, d);
    ok(&args, d);
    let folders = runs(d);
    assert_eq!(folders.len(), 2, "{folders:?}");
    for f in &folders {
        assert!(f.ends_with("-simulate") || f.ends_with("-simulate-002"), "{f}");
        assert!(d.join("results/scenario").join(f).join("result.json").is_file(), "{f}");
    }
    // The first run's folder is said on stderr, even with --quiet; the pointer names the second.
    assert!(first.contains(&format!("wrote results/scenario/{}", folders[0])), "{first}");
    let latest = std::fs::read_to_string(d.join("results/scenario/latest")).unwrap();
    assert_eq!(latest.trim_end(), folders[1]);
    // The name starts with the start time, as the manifest records it (without the colons).
    let m = manifest(&d.join("results/scenario").join(&folders[0]));
    let started = m["run"]["started"].as_str().unwrap().replace(':', "");
    assert!(folders[0].starts_with(&started), "{} vs {started}", folders[0]);
}

#[test]
fn out_still_replaces_its_folder_whole() {
    let dir = fixture();
    let d = dir.path();
    ok(&["optimize", "scenario.toml", "--trials", "20", "--out", "out", "--quiet"], d);
    assert!(d.join("out/candidates.json").is_file());
    ok(&["simulate", "scenario.toml", "--trials", "20", "--seed", "9", "--out", "out", "--quiet"], d);
    assert!(d.join("out/result.json").is_file() && !d.join("out/candidates.json").exists());
    let m = manifest(&d.join("out"));
    assert_eq!(m["run"]["seed"], 9);
    assert_eq!(m["run"]["trials"], 20);
    assert!(!d.join("results").exists(), "a run with --out wrote a default folder");
}

#[test]
fn the_manifest_hashes_every_input_as_read() {
    let dir = fixture();
    let d = dir.path();
    std::fs::write(d.join("plan.csv"), "account_id,owner_id\nA0000,R1\n").unwrap();
    let args = [
        "compare",
        "scenario.toml",
        "--plan",
        "plan.csv",
        "--trials",
        "20",
        "--threads",
        "2",
        "--out",
        "cmp",
        "-q",
    ];
    ok(&args, d);
    let m = manifest(&d.join("cmp"));
    assert_eq!(m["written_by"], "terrasim");
    assert_eq!(m["terrasim_version"], env!("CARGO_PKG_VERSION"));
    let run = &m["run"];
    assert_eq!(run["command"], serde_json::json!(args));
    assert_eq!(
        (run["seed"].as_u64(), run["trials"].as_u64(), run["threads"].as_u64()),
        (Some(42), Some(20), Some(2))
    );
    assert_eq!(run["scenario"], "scenario.toml");
    let got = inputs(&m);
    let roles: Vec<(&str, &str)> = got.iter().map(|(r, p, _)| (r.as_str(), p.as_str())).collect();
    assert_eq!(
        roles,
        [
            ("scenario", "scenario.toml"),
            ("params", "params.toml"),
            ("reps", "reps.csv"),
            ("accounts", "accounts.csv"),
            ("plan", "plan.csv")
        ]
    );
    // terrasim::io::sha256_hex is pinned to the FIPS 180-2 vectors in its unit test.
    for (_, path, sha) in &got {
        assert_eq!(*sha, terrasim::io::sha256_hex(&std::fs::read(d.join(path)).unwrap()), "{path}");
    }
    assert_eq!(
        got[1].2,
        terrasim::io::sha256_hex(b"[params.\"AMER\"]\nopp_rate = 0.03\n"),
        "the params file as the test wrote it"
    );

    // The backtest records the history it read; diff, which draws no random numbers, no seed.
    ok(
        &[
            "backtest",
            "--scenario",
            "scenario.toml",
            "--history",
            "history.csv",
            "--cutoff",
            "2025-01-01",
            "--trials",
            "20",
            "--out",
            "bt",
            "-q",
        ],
        d,
    );
    assert!(inputs(&manifest(&d.join("bt"))).iter().any(|(r, p, _)| r == "history" && p == "history.csv"));
    ok(&["diff", "plan.csv", "plan.csv", "--scenario", "scenario.toml", "--out", "diff", "-q"], d);
    let m = manifest(&d.join("diff"));
    assert!(m["run"]["seed"].is_null());
    assert_eq!(inputs(&m).iter().filter(|(r, _, _)| r == "plan").count(), 1, "one plan file, read twice");
}

#[test]
fn report_finds_the_scenario_in_the_manifest_and_refuses_changed_files() {
    let dir = fixture();
    let d = dir.path();
    ok(&["simulate", "scenario.toml", "--trials", "20", "--quiet"], d);
    let run = format!("results/scenario/{}", runs(d)[0]);
    let html = || std::fs::read_to_string(d.join(&run).join("report.html")).unwrap();
    let err = ok(&["report", &run, "--quiet"], d);
    assert!(!err.contains("warning: report"), "{err}");
    assert!(html().contains("class=\"pt "), "no accounts on the map from the manifest's scenario");
    // The report joined the set and kept the run's record.
    let m = manifest(&d.join(&run));
    assert!(m["files"].as_array().unwrap().iter().any(|f| f == "report.html"));
    assert_eq!(m["run"]["inputs"].as_array().unwrap().len(), 4);

    // From another folder: the manifest's paths are found through the run's working folder.
    let elsewhere = tempfile::tempdir().unwrap();
    ok(&["report", &d.join(&run).display().to_string(), "--quiet"], elsewhere.path());
    assert!(html().contains("class=\"pt "));

    // A file changed since the run: today's books are not shown beside the run's figures.
    let reps = std::fs::read_to_string(d.join("reps.csv")).unwrap();
    std::fs::write(d.join("reps.csv"), reps.replacen("Ana Souza", "Ana Souza-Lima", 1)).unwrap();
    let err = ok(&["report", &run, "--quiet"], d);
    assert!(err.contains("reps.csv changed since the run") && err.contains("--scenario"), "{err}");
    assert!(!html().contains("class=\"pt "));
    // --scenario wins.
    ok(&["report", &run, "--scenario", "scenario.toml", "--quiet"], d);
    assert!(html().contains("Ana Souza-Lima"));
}
