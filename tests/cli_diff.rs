//! `terrasim diff`, `validate --plan`, the CRM change files of `optimize` and their reading back
//! (`validate --changes`), as a planner runs them: on a Salesforce-shaped fixture (an Account export keyed
//! by 18-character ids whose owners are Salesforce user ids, and a reps file in the planner's own ids with
//! `User ID` and `Email` columns), and on bad input.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::Output;

use corpus::{Case, terrasim};

/// The fixture in a temporary folder.
fn fixture() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crm_diff");
    let dir = tempfile::tempdir().unwrap();
    for f in ["accounts.csv", "reps.csv", "s.toml", "plan_a.csv", "plan_b.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    dir
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ok(o: &Output) -> (String, String) {
    let (out, err) =
        (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    assert!(o.status.success(), "exit {:?}\nstdout:\n{out}\nstderr:\n{err}", o.status.code());
    (out, err)
}

/// Plan B moves Globex and Umbrella from R1 (Maria Lopez) to R2 (Sam Okafor). Plan A is a Data Loader-style
/// export (`Id,OwnerId`) naming owners by their Salesforce user ids.
#[test]
fn diff_lists_the_moves_and_writes_crm_files_in_the_crms_own_ids() {
    let dir = fixture();
    let (stdout, _) = ok(&terrasim(
        &["diff", "plan_a.csv", "plan_b.csv", "--scenario", "s.toml", "--out", "out"],
        dir.path(),
    ));
    assert!(stdout.contains("2 of 12 accounts move (16.7%)"), "{stdout}");
    assert!(stdout.contains("Globex") && stdout.contains("R2 Sam Okafor"), "{stdout}");
    let out = dir.path().join("out");
    assert_eq!(
        read(out.join("salesforce_update.csv")),
        "Id,OwnerId\n0015g00000Acc02AAA,0055g00000Usr02AAA\n0015g00000Acc04AAA,0055g00000Usr02AAA\n"
    );
    assert_eq!(
        read(out.join("hubspot_companies.csv")),
        "Record ID,Company owner\n0015g00000Acc02AAA,sam@example.com\n0015g00000Acc04AAA,sam@example.com\n"
    );
    let review = read(out.join("review.csv"));
    let lines: Vec<&str> = review.lines().collect();
    assert_eq!(
        lines,
        vec![
            "Account ID,Account name,Segment,Motion,Potential (accounts file currency),Old owner ID,Old owner,New owner ID,New owner,Reason",
            "0015g00000Acc02AAA,Globex,AMER/SMB/Software,new business,125000,R1,Maria Lopez,R2,Sam Okafor,reassigned",
            "0015g00000Acc04AAA,Umbrella,AMER/SMB/Retail,new business,90000,R1,Maria Lopez,R2,Sam Okafor,reassigned",
        ],
        "largest potential first"
    );
    let json: serde_json::Value = serde_json::from_str(&read(out.join("diff.json"))).unwrap();
    assert_eq!(json["summary"]["moved_accounts"], 2);
    assert_eq!(json["summary"]["moved_potential"], 215000.0);
    assert_eq!(json["summary"]["potential"], 2465000.0);
    assert!(read(out.join("manifest.json")).contains("salesforce_update.csv"));
}

#[test]
fn diff_of_a_plan_with_itself_moves_nothing_and_writes_header_only_crm_files() {
    let dir = fixture();
    let (stdout, _) = ok(&terrasim(
        &["diff", "plan_a.csv", "plan_a.csv", "--scenario", "s.toml", "--out", "out"],
        dir.path(),
    ));
    assert!(
        stdout.contains("no account changes owner") && stdout.contains("0 of 12 accounts move"),
        "{stdout}"
    );
    assert_eq!(read(dir.path().join("out/salesforce_update.csv")), "Id,OwnerId\n");
    assert_eq!(read(dir.path().join("out/review.csv")).lines().count(), 1);
}

/// A rep without a User ID gains an account: the Salesforce file is not written (never with the rep id as
/// the owner), the run says why on stderr and in diff.json, and the HubSpot file still goes out by email.
#[test]
fn a_new_owner_without_a_crm_user_id_refuses_the_salesforce_file_loudly() {
    let dir = fixture();
    // R2 loses its User ID; the exports name its accounts by the rep's name instead.
    for (file, to) in [("reps.csv", ""), ("accounts.csv", "Sam Okafor"), ("plan_a.csv", "Sam Okafor")] {
        let text = read(dir.path().join(file)).replace("0055g00000Usr02AAA", to);
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let (stdout, stderr) = ok(&terrasim(
        &["diff", "plan_a.csv", "plan_b.csv", "--scenario", "s.toml", "--out", "out"],
        dir.path(),
    ));
    assert!(
        stderr.contains("warning: salesforce_update.csv: not written: 2 of the 2 moved accounts"),
        "{stderr}"
    );
    assert!(stderr.contains("(R2)") && stderr.contains("User ID"), "{stderr}");
    assert!(!dir.path().join("out/salesforce_update.csv").exists());
    assert!(read(dir.path().join("out/hubspot_companies.csv")).contains("sam@example.com"));
    assert!(stdout.contains("see the warnings above"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&read(dir.path().join("out/diff.json"))).unwrap();
    let codes: Vec<&str> =
        json["assumptions"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"crm_file_not_written"), "{codes:?}");
    assert!(!json["files"].as_array().unwrap().iter().any(|f| f == "salesforce_update.csv"));
}

/// A reps file with no CRM column at all: neither CRM file, one warning that says what to add.
#[test]
fn without_any_crm_ids_only_the_review_is_written_and_the_fix_is_named() {
    let case = Case::new().write("b.csv", "account_id,owner_id\nA1,R1\nA2,R3\nA3,R1\n");
    let o = case.run(&["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"]);
    let (stdout, stderr) = ok(&o);
    assert!(stdout.contains("1 of 4 accounts move"), "{stdout}");
    assert!(stderr.contains("no rep has a CRM user id or email"), "{stderr}");
    assert!(stderr.contains("User ID, OwnerId, crm_user_id or HubSpot Owner ID"), "{stderr}");
    assert!(case.path("out/review.csv").exists());
    assert!(
        !case.path("out/salesforce_update.csv").exists() && !case.path("out/hubspot_companies.csv").exists()
    );
}

/// A reps file keyed by Salesforce User Ids needs no User ID column: the ids are taken for it, declared.
#[test]
fn rep_ids_that_are_salesforce_user_ids_name_the_owners_and_are_declared() {
    let dir = fixture();
    let reps = "Id,Full Name,Role,Region,Capacity Hours,Quota\n\
        0055g00000Usr01AAA,Maria Lopez,SMB,AMER,120,500000.00\n\
        0055g00000Usr02AAA,Sam Okafor,SMB,AMER,120,500000.00\n\
        0055g00000Usr03AAA,Jürgen Weiß,MM,EMEA,110,900000.00\n";
    std::fs::write(dir.path().join("reps.csv"), reps).unwrap();
    let b = read(dir.path().join("plan_b.csv"))
        .replace(",R1", ",Maria Lopez")
        .replace(",R2", ",Sam Okafor")
        .replace(",R3", ",Jürgen Weiß");
    std::fs::write(dir.path().join("plan_b.csv"), b).unwrap();
    let (_, stderr) = ok(&terrasim(
        &["diff", "plan_a.csv", "plan_b.csv", "--scenario", "s.toml", "--out", "out"],
        dir.path(),
    ));
    assert!(stderr.contains("3 of 3 rep ids are Salesforce User Ids"), "{stderr}");
    assert!(
        read(dir.path().join("out/salesforce_update.csv")).contains("0015g00000Acc02AAA,0055g00000Usr02AAA")
    );
    assert!(
        !dir.path().join("out/hubspot_companies.csv").exists(),
        "no email, and a Salesforce id is no HubSpot owner"
    );
}

#[test]
fn validate_audits_an_edited_plan_instead_of_the_current_one() {
    let dir = fixture();
    let (current, _) = ok(&terrasim(&["validate", "s.toml"], dir.path()));
    let (edited, _) = ok(&terrasim(&["validate", "s.toml", "--plan", "plan_b.csv"], dir.path()));
    assert!(edited.contains("valid plan plan_b.csv"), "{edited}");
    assert!(edited.contains("continuity: 2 of 12 accounts (16.7%)"), "{edited}");
    assert_ne!(current, edited);
    let (json, _) = ok(&terrasim(&["validate", "s.toml", "--plan", "plan_b.csv", "--json"], dir.path()));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["moved_from_current"], 2);
    let r1 = json["per_rep"].as_array().unwrap().iter().find(|r| r["rep"] == "R1").unwrap();
    assert_eq!(r1["accounts"], 5, "R1 keeps 5 of its 7 accounts in plan B: {r1}");
}

/// Each candidate of `optimize` gets review.csv and the CRM files, whose rows are diff.csv's in CRM ids.
#[test]
fn optimize_writes_crm_change_files_per_candidate_matching_diff_csv() {
    let dir = fixture();
    let scenario = read(dir.path().join("s.toml"));
    let spec = "\n[optimize]\nstrategies = [\"current\", \"size\"]\ncontinuity_budget = 0.5\ntrials = 20\n";
    std::fs::write(dir.path().join("s.toml"), format!("{scenario}{spec}")).unwrap();
    ok(&terrasim(&["optimize", "s.toml", "--out", "out", "--quiet"], dir.path()));
    let user = |rep: &str| format!("0055g00000Usr0{}AAA", rep.trim_start_matches('R'));
    for name in ["current", "size"] {
        let folder = dir.path().join("out").join(name);
        let diff = read(folder.join("diff.csv"));
        let expected: String = std::iter::once("Id,OwnerId\n".to_string())
            .chain(diff.lines().skip(1).map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                format!("{},{}\n", cells[0], user(cells[2]))
            }))
            .collect();
        assert_eq!(read(folder.join("salesforce_update.csv")), expected, "{name}");
        assert_eq!(read(folder.join("review.csv")).lines().count(), diff.lines().count(), "{name}");
        assert!(folder.join("hubspot_companies.csv").exists());
    }
}

/// Issue 18: each candidate's Data Loader file and HubSpot import, read back by terrasim's own importer as
/// changes to the current plan, reproduce the candidate's plan.csv owner for owner; `validate --changes`
/// audits exactly what `validate --plan` of the candidate does.
#[test]
fn each_candidates_crm_change_files_read_back_onto_the_current_plan_reproduce_its_plan() {
    let dir = fixture();
    let scenario = read(dir.path().join("s.toml"));
    let spec = "\n[optimize]\nstrategies = [\"current\", \"size\"]\ncontinuity_budget = 0.5\ntrials = 20\n";
    std::fs::write(dir.path().join("s.toml"), format!("{scenario}{spec}")).unwrap();
    ok(&terrasim(&["optimize", "s.toml", "--out", "out", "--quiet"], dir.path()));
    let loaded = terrasim::io::load_scenario(&dir.path().join("s.toml")).unwrap();
    let market = terrasim::io::load_market(&loaded).unwrap();
    let audit = |args: &[&str]| {
        let (json, _) = ok(&terrasim(args, dir.path()));
        let mut json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let fields = json.as_object_mut().unwrap();
        fields.remove("plan");
        fields.remove("changes");
        json
    };
    let mut moved_somewhere = false;
    for name in ["current", "size"] {
        let folder = dir.path().join("out").join(name);
        let candidate = terrasim::io::load_plan(&folder.join("plan.csv"), &loaded, &market).unwrap();
        let moves = read(folder.join("diff.csv")).lines().count() - 1;
        moved_somewhere |= moves > 0;
        let plan_json = audit(&["validate", "s.toml", "--plan", &format!("out/{name}/plan.csv"), "--json"]);
        for file in ["salesforce_update.csv", "hubspot_companies.csv"] {
            let changes = folder.join(file);
            assert_eq!(read(changes.clone()).lines().count() - 1, moves, "{name}/{file}: one row per move");
            let back = terrasim::io::load_plan_changes(&changes, &loaded, &market, market.plan()).unwrap();
            for a in 0..market.accounts().len() {
                assert_eq!(
                    back.owner(a),
                    candidate.owner(a),
                    "{name}/{file}: account {}",
                    market.accounts()[a].id
                );
            }
            assert_eq!(back, candidate, "{name}/{file}");
            let changes_json =
                audit(&["validate", "s.toml", "--changes", &format!("out/{name}/{file}"), "--json"]);
            assert_eq!(changes_json["moved_from_current"], moves, "{name}/{file}");
            assert_eq!(changes_json, plan_json, "{name}/{file}");
        }
    }
    assert!(moved_somewhere, "the fixture's candidates move accounts, or the round trip proves nothing");
}

/// A change file on top of an edited plan, and a header-only change file (the plan unchanged).
#[test]
fn validate_applies_changes_to_the_plan_given_and_an_empty_change_file_changes_nothing() {
    let dir = fixture();
    std::fs::write(dir.path().join("none.csv"), "Id,OwnerId\n").unwrap();
    std::fs::write(
        dir.path().join("back.csv"),
        "Record ID,Company owner\n0015g00000Acc02AAA,maria@example.com\n",
    )
    .unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&ok(&terrasim(args, dir.path())).0).unwrap()
    };
    let current = json(&["validate", "s.toml", "--json"]);
    let none = json(&["validate", "s.toml", "--changes", "none.csv", "--json"]);
    assert_eq!(none["moved_from_current"], 0);
    assert_eq!(none["per_rep"], current["per_rep"]);
    let (text, _) =
        ok(&terrasim(&["validate", "s.toml", "--plan", "plan_b.csv", "--changes", "back.csv"], dir.path()));
    assert!(text.contains("valid plan plan_b.csv with changes back.csv"), "{text}");
    assert!(
        text.contains("continuity: 1 of 12 accounts"),
        "plan B's two moves less the one taken back: {text}"
    );
}

// Bad input: exit 2, the file, line, field and fix, no panic, nothing written.

#[test]
fn a_plan_naming_an_unknown_account_is_refused_with_its_line() {
    Case::new().write("b.csv", "account_id,owner_id\nA1,R1\nA9,R2\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &[
            "b.csv",
            "line 3",
            "account_id",
            "A9 is not in the accounts file",
            "remove the row or add the account",
        ],
    );
}

#[test]
fn a_plan_naming_an_unknown_rep_is_refused_with_a_suggestion() {
    Case::new().write("b.csv", "account_id,owner_id\nA1,R1\nA2,R33\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["b.csv", "line 3", "owner_id", "R33", "is not in the reps file", "did you mean"],
    );
}

#[test]
fn a_plan_giving_an_account_twice_is_refused() {
    Case::new().write("b.csv", "account_id,owner_id\nA1,R1\nA2,R3\nA2,R1\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["b.csv", "line 4", "A2 is given two owners (lines 3 and 4)", "keep one row"],
    );
}

#[test]
fn a_malformed_plan_is_refused_with_its_line() {
    Case::new().write("b.csv", "account_id,owner_id\nA1,R1\nA2,\"R3\nA3,R2\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["b.csv", "line 3", "never closed"],
    );
    Case::new().write("b.csv", "account_id,owner_id\nA1,R1,extra\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["b.csv", "line 2"],
    );
}

#[test]
fn a_plan_without_an_owner_column_names_the_headers_it_takes() {
    Case::new().write("b.csv", "account_id,rep\nA1,R1\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["b.csv", "missing column for `owner_id`", "docs/input-formats.md"],
    );
}

#[test]
fn a_plan_that_moves_a_carve_out_is_refused() {
    Case::new().write("b.csv", "account_id,owner_id\nA1,R2\nA2,R3\nA3,R2\n").refuses(
        &["diff", "plan.csv", "b.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["b.csv", "A1 is carved out to R1", "make them agree"],
    );
}

#[test]
fn a_missing_plan_file_is_named() {
    Case::new().refuses(
        &["diff", "plan.csv", "nope.csv", "--scenario", "s.toml", "--out", "out"],
        "out",
        &["nope.csv", "cannot read"],
    );
}

#[test]
fn diff_out_at_a_folder_of_other_files_is_refused_before_any_work() {
    let case = Case::new();
    std::fs::create_dir(case.path("mine")).unwrap();
    std::fs::write(case.path("mine/notes.txt"), "keep me").unwrap();
    case.refuses(
        &["diff", "plan.csv", "plan.csv", "--scenario", "s.toml", "--out", "mine"],
        "never",
        &["mine", "notes.txt"],
    );
    assert_eq!(read(case.path("mine/notes.txt")), "keep me");
}

#[test]
fn validate_refuses_a_bad_edited_plan() {
    Case::new().write("b.csv", "account_id,owner_id\nA1,R1\nA2,Nobody\n").refuses(
        &["validate", "s.toml", "--plan", "b.csv"],
        "out",
        &["b.csv", "line 3", "owner_id", "Nobody", "is not in the reps file"],
    );
}

#[test]
fn a_reps_file_with_neither_a_rep_id_nor_a_crm_user_id_is_refused() {
    Case::new().edit("reps.csv", "id,name", "code,name").validate_refuses(&[
        "reps.csv",
        "missing column for `id`",
        "\"repid\"",
        "\"userid\"",
    ]);
}

#[test]
fn two_reps_with_one_crm_user_id_are_refused() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,User ID\n")
        .edit("reps.csv", "Retail\n", "Retail,0055g00000Usr01AAA\n")
        .edit("reps.csv", "500000,\n", "500000,,0055g00000Usr01AAA\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&[
            "reps.csv",
            "line 3",
            "crm_user_id",
            "CRM user id 0055g00000Usr01AAA is rep R1's too",
        ]);
}

#[test]
fn a_change_file_naming_an_unknown_account_is_refused_with_its_line() {
    Case::new().write("c.csv", "Id,OwnerId\nA3,R1\nA9,R2\n").refuses(
        &["validate", "s.toml", "--changes", "c.csv"],
        "out",
        &[
            "c.csv",
            "line 3",
            "account_id",
            "A9 is not in the accounts file",
            "remove the row or add the account",
        ],
    );
}

#[test]
fn a_change_file_with_an_unknown_owner_a_repeat_an_empty_owner_or_a_carve_out_move_is_refused() {
    Case::new().write("c.csv", "Record ID,Company owner\nA3,R33\n").refuses(
        &["validate", "s.toml", "--changes", "c.csv"],
        "out",
        &["c.csv", "line 2", "owner_id", "R33", "is not in the reps file", "did you mean"],
    );
    Case::new().write("c.csv", "Id,OwnerId\nA3,R1\nA3,R3\n").refuses(
        &["validate", "s.toml", "--changes", "c.csv"],
        "out",
        &["c.csv", "line 3", "A3 is given two owners (lines 2 and 3)", "keep one row"],
    );
    Case::new().write("c.csv", "Id,OwnerId\nA3,\n").refuses(
        &["validate", "s.toml", "--changes", "c.csv"],
        "out",
        &["c.csv", "line 2", "owner_id", "new owner of A3 is empty", "give the owner, or remove the row"],
    );
    Case::new().write("c.csv", "Id,OwnerId\nA3,R1\nA1,R2\n").refuses(
        &["validate", "s.toml", "--changes", "c.csv"],
        "out",
        &[
            "c.csv",
            "line 3",
            "owner_id",
            "A1 is carved out to R1, but this change gives it to R2",
            "remove the row",
        ],
    );
}
