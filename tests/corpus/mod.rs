//! The bad-input corpus harness: a small valid scenario in a temporary folder, one thing broken in it, and
//! the real binary run on it. A case asserts the exit code, that the message names what it must (the file,
//! the line, the field, the fix), that nothing panicked, and that no output was written.
#![allow(dead_code, reason = "each corpus file uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const REPS: &str = "id,name,role,region,capacity_hours,annual_quota,expert_verticals\n\
R1,Ana,SMB,AMER,120,500000,Retail\n\
R2,Ben,SMB,AMER,120,500000,\n\
R3,Cho,MM,EMEA,110,900000,Fintech\n";
pub const ACCOUNTS: &str = "Id,Name,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry,OwnerId\n\
A1,Acme,Retail,50,\"$1,000,000\",United States,R1\n\
A2,Globex,Fintech,900,,Germany,R3\n\
A3,Initech,Retail,20,,United States,R2\n\
A4,Umbrella,Software,30,,Canada,\n";
pub const PLAN: &str = "account_id,owner_id\nA1,R1\nA2,R3\nA3,R2\n";
pub const CARVEOUTS: &str =
    "account_id,owner_id,reason,activity_floor_days,last_activity_date\nA1,R1,strategic,90,2025-12-01\n";
pub const HISTORY: &str = "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate\n\
O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01\n\
O2,A2,R3,Closed Lost,30000,2025-07-15,2025-02-10\n\
O3,A3,R2,Closed Won,8000,2025-09-01,2025-05-20\n\
O4,A1,R1,Prospecting,15000,2026-03-01,2025-11-01\n";
pub const SCENARIO: &str = "schema_version = 1\nname = \"corpus\"\nas_of = \"2026-01-01\"\ntrials = 20\n\n\
[data]\naccounts = \"accounts.csv\"\nreps = \"reps.csv\"\nplan = \"plan.csv\"\ncarveouts = \"carveouts.csv\"\n";

/// A valid small scenario in its own folder, to break one thing in.
pub struct Case {
    pub dir: tempfile::TempDir,
}

impl Case {
    /// The valid base: `s.toml` with its reps, accounts, plan and carve-outs, and `history.csv`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("reps.csv", REPS),
            ("accounts.csv", ACCOUNTS),
            ("plan.csv", PLAN),
            ("carveouts.csv", CARVEOUTS),
            ("history.csv", HISTORY),
            ("s.toml", SCENARIO),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Case { dir }
    }

    /// Replaces the first `from` in `file` by `to` (the base must contain `from`).
    pub fn edit(self, file: &str, from: &str, to: &str) -> Self {
        let path = self.dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Appends `text` to `file`.
    pub fn append(self, file: &str, text: &str) -> Self {
        let path = self.dir.path().join(file);
        let mut all = std::fs::read(&path).unwrap_or_default();
        all.extend_from_slice(text.as_bytes());
        std::fs::write(&path, all).unwrap();
        self
    }

    /// Writes `file` with exactly these bytes.
    pub fn write(self, file: &str, bytes: impl AsRef<[u8]>) -> Self {
        std::fs::write(self.dir.path().join(file), bytes).unwrap();
        self
    }

    /// A path inside the case's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `terrasim ARGS` in the case's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        terrasim(args, self.dir.path())
    }

    /// `terrasim simulate s.toml --out out --quiet` must refuse: see [`refused`].
    pub fn simulate_refuses(&self, parts: &[&str]) -> String {
        let o = self.run(&["simulate", "s.toml", "--trials", "20", "--out", "out", "--quiet"]);
        refused(&o, self.dir.path(), "out", parts)
    }

    /// `terrasim validate s.toml` must refuse: see [`refused`].
    pub fn validate_refuses(&self, parts: &[&str]) -> String {
        let o = self.run(&["validate", "s.toml"]);
        refused(&o, self.dir.path(), "out", parts)
    }

    /// `terrasim ARGS` must refuse, with `out` (relative to the case) never written: see [`refused`].
    pub fn refuses(&self, args: &[&str], out: &str, parts: &[&str]) -> String {
        let o = self.run(args);
        refused(&o, self.dir.path(), out, parts)
    }
}

/// Runs the real binary.
pub fn terrasim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().expect("run terrasim")
}

/// Asserts a refusal: exit code 2, no panic, every part in stderr, and `out` (under `dir`) absent.
/// Returns stderr.
pub fn refused(o: &Output, dir: &Path, out: &str, parts: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        o.status.code(),
        Some(2),
        "expected exit code 2, got {:?}; stderr:\n{stderr}",
        o.status.code()
    );
    assert!(!stderr.contains("panicked"), "panicked:\n{stderr}");
    for part in parts {
        assert!(stderr.contains(part), "{part:?} missing from:\n{stderr}");
    }
    assert!(!dir.join(out).exists(), "output {out} was written although the run was refused");
    stderr
}
