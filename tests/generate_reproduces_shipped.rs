//! The shipped Northstar data is exactly what `terrasim generate` makes from the county table with the
//! default seed. The county table lives in `../shared` (beside the repository in CI); without it there is
//! nothing to compare and the test says so.

use std::path::Path;
use std::process::Command;

#[test]
fn shipped_northstar_data_is_the_generator_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let counties = root.join("../shared/data/us_counties/us_counties.csv");
    if !counties.exists() {
        eprintln!("skipped: {} is not present", counties.display());
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_terrasim"))
        .args(["generate", "--quiet", "--counties"])
        .arg(&counties)
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    for file in ["accounts.csv", "reps.csv", "plan.csv", "carveouts.csv", "counties.csv"] {
        let shipped = std::fs::read(root.join("scenarios/northstar/data").join(file)).unwrap();
        let made = std::fs::read(out.path().join(file)).unwrap();
        assert!(
            shipped == made,
            "{file} differs from the generator's output; regenerate with `terrasim generate`"
        );
    }
}
