//! The shipped reference market: every scenario loads, and the audit shows the imbalances built into it.

use std::path::Path;
use std::process::Command;

fn validate_json(scenario: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar").join(scenario);
    let o = Command::new(env!("CARGO_BIN_EXE_terrasim"))
        .args(["validate", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{scenario}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn every_shipped_scenario_validates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            validate_json(path.file_name().unwrap().to_str().unwrap());
            count += 1;
        }
    }
    assert!(count >= 6, "expected the six planning scenarios, found {count}");
}

#[test]
fn baseline_audit_shows_the_built_in_imbalances() {
    let audit = validate_json("baseline.toml");
    let reps = audit["per_rep"].as_array().unwrap();
    assert_eq!(reps.len(), 40);
    let accounts = audit["accounts"].as_u64().unwrap();
    assert!((10_000..=14_000).contains(&accounts), "{accounts} accounts");
    let mut books: Vec<u64> = reps.iter().map(|r| r["accounts"].as_u64().unwrap()).collect();
    books.sort_unstable();
    let median = books[books.len() / 2];
    // The overloaded senior rep: thousands of accounts, far over capacity and potential.
    let senior = reps.iter().max_by_key(|r| r["accounts"].as_u64().unwrap()).unwrap();
    assert!(senior["accounts"].as_u64().unwrap() >= 5 * median, "senior {senior}");
    assert_eq!(senior["potential_flag"], true);
    assert_eq!(senior["workload_flag"], true);
    assert!(senior["workload_ratio"].as_f64().unwrap() > 2.0);
    // Starved new hires: ramping reps with books far below their team's median potential.
    let starved =
        reps.iter().filter(|r| r["ramping"] == true && r["potential_ratio"].as_f64().unwrap() < 0.9).count();
    assert!(starved >= 3, "{starved} starved new hires");
    // Count-balanced books: many reps outside the potential band.
    let flagged = reps.iter().filter(|r| r["potential_flag"] == true).count();
    assert!(flagged >= 8, "only {flagged} reps flagged on potential");
    assert!(!audit["unowned"].as_array().unwrap().is_empty());
    let carveouts = audit["carveouts"].as_array().unwrap();
    assert!(carveouts.len() >= 10);
    assert!(carveouts.iter().any(|c| c["past_activity_floor"] == true));
}
