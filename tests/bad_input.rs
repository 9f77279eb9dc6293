//! The bad-input corpus: each case breaks one thing in an otherwise valid scenario and checks that the
//! message names the file, the line and the field, and says how to fix it.

use std::path::PathBuf;

const REPS: &str = "id,name,role,region,capacity_hours,annual_quota,expert_verticals\n\
R1,Ana,SMB,AMER,120,500000,Retail\n\
R2,Ben,SMB,AMER,120,500000,\n\
R3,Cho,MM,EMEA,110,900000,Fintech\n";
const ACCOUNTS: &str = "Id,Name,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry,OwnerId\n\
A1,Acme,Retail,50,\"$1,000,000\",United States,R1\n\
A2,Globex,Fintech,900,,Germany,R3\n\
A3,Initech,Retail,20,,United States,R2\n\
A4,Umbrella,Software,30,,Canada,\n";
const PLAN: &str = "account_id,owner_id\nA1,R1\nA2,R3\nA3,R2\n";
const CARVEOUTS: &str =
    "account_id,owner_id,reason,activity_floor_days,last_activity_date\nA1,R1,strategic,90,2025-12-01\n";
const SCENARIO: &str = "schema_version = 1\nname = \"corpus\"\nas_of = \"2026-01-01\"\n\n[data]\naccounts = \"accounts.csv\"\nreps = \"reps.csv\"\nplan = \"plan.csv\"\ncarveouts = \"carveouts.csv\"\n";

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("reps.csv", REPS),
            ("accounts.csv", ACCOUNTS),
            ("plan.csv", PLAN),
            ("carveouts.csv", CARVEOUTS),
            ("s.toml", SCENARIO),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Case { dir }
    }

    fn edit(self, file: &str, from: &str, to: &str) -> Self {
        let path = self.dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    fn append(self, file: &str, text: &str) -> Self {
        let path = self.dir.path().join(file);
        let mut all = std::fs::read_to_string(&path).unwrap();
        all.push_str(text);
        std::fs::write(&path, all).unwrap();
        self
    }

    fn scenario(&self) -> PathBuf {
        self.dir.path().join("s.toml")
    }

    /// Loads the scenario and its market; returns the error message.
    fn error(&self) -> String {
        let scenario = match terrasim::io::load_scenario(&self.scenario()) {
            Ok(s) => s,
            Err(e) => return e.to_string(),
        };
        match terrasim::io::load_market(&scenario) {
            Ok(m) => match terrasim::scenario::compile(&scenario, &m, m.plan(), None) {
                Ok(_) => panic!("the case loaded without error"),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        }
    }
}

fn expect(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "{part:?} missing from:\n{message}");
    }
}

#[test]
fn the_valid_base_loads() {
    let case = Case::new();
    let scenario = terrasim::io::load_scenario(&case.scenario()).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    assert_eq!(market.accounts().len(), 4);
    assert_eq!(market.plan().owner(3), None);
    assert_eq!(market.carveouts().len(), 1);
    assert_eq!(market.carveouts()[0].days_since_activity, Some(31));
}

#[test]
fn missing_column() {
    let m = Case::new().edit("reps.csv", "capacity_hours", "hours_free").error();
    expect(&m, &["reps.csv", "capacity_hours", "[data.columns.reps]", "\"hours_free\""]);
}

#[test]
fn duplicate_account_id() {
    let m = Case::new().append("accounts.csv", "A2,Globex again,Fintech,10,,Germany,R3\n").error();
    expect(&m, &["accounts.csv", "line 6", "\"Id\"", "duplicate account id A2", "first on line 3"]);
}

#[test]
fn owner_not_among_reps() {
    let m = Case::new().edit("plan.csv", "A3,R2", "A3,R9").error();
    expect(&m, &["plan.csv", "line 4", "owner_id", "R9", "not in the reps file"]);
}

#[test]
fn negative_capacity() {
    let m = Case::new().edit("reps.csv", "R2,Ben,SMB,AMER,120", "R2,Ben,SMB,AMER,-5").error();
    expect(&m, &["reps.csv", "line 3", "capacity_hours", "cannot be negative"]);
}

#[test]
fn nan_capacity() {
    let m = Case::new().edit("reps.csv", "R3,Cho,MM,EMEA,110", "R3,Cho,MM,EMEA,NaN").error();
    expect(&m, &["reps.csv", "line 4", "capacity_hours", "not a finite number"]);
}

#[test]
fn unknown_scenario_key() {
    let m = Case::new().edit("s.toml", "as_of", "as_off").error();
    expect(&m, &["s.toml", "line 3", "as_off"]);
}

#[test]
fn rep_in_two_places() {
    let m = Case::new().append("reps.csv", "R1,Ana,MM,EMEA,100,400000,\n").error();
    expect(&m, &["reps.csv", "line 5", "rep R1 appears twice (lines 2 and 5)", "one place only"]);
}

#[test]
fn hire_with_an_existing_id() {
    let m = Case::new()
        .append(
            "s.toml",
            "\n[[events.hire]]\nrep = \"R2\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\n",
        )
        .error();
    expect(&m, &["s.toml", "events.hire[0].rep", "already in the reps file"]);
}

#[test]
fn carveout_owned_by_a_departing_rep() {
    let m = Case::new().append("s.toml", "\n[[events.departure]]\nrep = \"R1\"\nmonth = 3\n").error();
    expect(
        &m,
        &["carveouts.csv", "line 2", "owner_id", "leaves during the horizon", "reassign the carve-out"],
    );
}

#[test]
fn carveout_owner_differs_from_plan() {
    let m = Case::new().edit("carveouts.csv", "A1,R1", "A1,R2").error();
    expect(&m, &["carveouts.csv", "line 2", "owner_id", "plan gives it to R1"]);
}

#[test]
fn account_twice_in_the_plan() {
    let m = Case::new().append("plan.csv", "A1,R2\n").error();
    expect(&m, &["plan.csv", "line 5", "account_id", "two owners (lines 2 and 5)"]);
}

#[test]
fn unknown_rep_in_a_departure() {
    let m = Case::new().append("s.toml", "\n[[events.departure]]\nrep = \"R42\"\nmonth = 3\n").error();
    expect(&m, &["s.toml", "events.departure[0].rep", "R42", "not in the reps file"]);
}

#[test]
fn mapping_to_a_missing_header() {
    let m = Case::new().append("s.toml", "\n[data.columns.accounts]\nvertical = \"Sub-Industry\"\n").error();
    expect(&m, &["accounts.csv", "vertical", "\"Sub-Industry\"", "not a column", "\"Industry\""]);
}

#[test]
fn score_out_of_range() {
    let m = Case::new()
        .edit("accounts.csv", "OwnerId\n", "OwnerId,ICP Fit\n")
        .edit("accounts.csv", "Germany,R3\n", "Germany,R3,7\n")
        .error();
    expect(&m, &["accounts.csv", "line 3", "\"ICP Fit\"", "icp_fit", "from 1 to 5"]);
}

#[test]
fn unparseable_money() {
    let m = Case::new().edit("accounts.csv", "\"$1,000,000\"", "lots").error();
    expect(&m, &["accounts.csv", "line 2", "\"AnnualRevenue\"", "annual_revenue", "not an amount"]);
}

#[test]
fn bad_date() {
    let m = Case::new().edit("carveouts.csv", "2025-12-01", "yesterday").error();
    expect(&m, &["carveouts.csv", "line 2", "last_activity_date", "YYYY-MM-DD"]);
}

#[test]
fn invalid_role() {
    let m = Case::new().edit("reps.csv", "R3,Cho,MM", "R3,Cho,Huge").error();
    expect(&m, &["reps.csv", "line 4", "role", "SMB, MM or ENT"]);
}

#[test]
fn negative_quota_in_an_event() {
    let m = Case::new()
        .append("s.toml", "\n[[events.quota_change]]\nrep = \"R1\"\nannual_quota = -1.0\n")
        .error();
    expect(&m, &["s.toml", "events.quota_change[0]", "annual_quota", "cannot be negative"]);
}

#[test]
fn row_errors_are_collected_across_the_file() {
    let m = Case::new()
        .edit("reps.csv", "R1,Ana,SMB,AMER,120", "R1,Ana,SMB,AMER,-1")
        .edit("reps.csv", "R2,Ben,SMB,AMER,120", "R2,Ben,XL,AMER,120")
        .edit("reps.csv", "R3,Cho,MM,EMEA,110,900000", "R3,Cho,MM,EMEA,110,NaN")
        .error();
    expect(&m, &["3 problems", "line 2", "line 3", "line 4"]);
}

#[test]
fn row_errors_are_capped() {
    let mut case = Case::new();
    for i in 0..80 {
        case = case.append("accounts.csv", &format!("B{i},Bad {i},Retail,-{i},,United States,R1\n"));
    }
    let m = case.error();
    expect(&m, &["79 problems", "... and 29 more"]);
    assert_eq!(
        m.lines().filter(|l| l.trim_start().starts_with("line ")).count(),
        terrasim::io::ROW_ERROR_CAP
    );
}

#[test]
fn file_that_does_not_exist() {
    let case = Case::new();
    std::fs::remove_file(case.dir.path().join("plan.csv")).unwrap();
    let m = case.error();
    expect(&m, &["plan.csv", "cannot read"]);
}

#[test]
fn skill_override_for_an_unknown_rep() {
    let m = Case::new().append("s.toml", "\n[skills]\nR9 = 1.1\n").error();
    expect(&m, &["s.toml", "skills.\"R9\"", "not in the reps file"]);
}

#[test]
fn included_params_file_with_a_negative_skill() {
    let case = Case::new().edit("s.toml", "[data]", "include_params = [\"fitted.toml\"]\n\n[data]");
    std::fs::write(
        case.dir.path().join("fitted.toml"),
        "[params.SMB]\nopp_rate = 0.05\n\n[skills]\nR1 = -1.0\n",
    )
    .unwrap();
    let m = case.error();
    expect(&m, &["fitted.toml", "skills", "R1", "must be a number above 0"]);
}
