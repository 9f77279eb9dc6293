//! The files that take a plan change back into the CRM: a Salesforce Data Loader owner update
//! (`salesforce_update.csv`, `Id,OwnerId`), a HubSpot companies import (`hubspot_companies.csv`,
//! `Record ID,Company owner`) and a table for the people who review the change (`review.csv`). They are
//! staged into an output set, which is written whole or not at all.
//!
//! A CRM file names accounts by their ids as imported and owners by the CRM's own ids. When a rep who gains
//! accounts has no such id, the file is not written and the run says so: a file with terrasim's rep ids as
//! owners would fail in the import, or match the wrong user (`docs/decisions.md`).

use crate::market::{Assumption, HierarchyLevel, Market, MissingOwners, PlanDiff};

use super::atomic::AtomicDir;

/// The Salesforce Data Loader update of account owners.
pub const SALESFORCE_FILE: &str = "salesforce_update.csv";
/// The HubSpot companies import of company owners.
pub const HUBSPOT_FILE: &str = "hubspot_companies.csv";
/// The moves, for people.
pub const REVIEW_FILE: &str = "review.csv";

/// Stages the change files of `diff` under `folder` (`""`, or a candidate's `"geographic/"`) in `out`:
/// `review.csv` always, and each CRM file when every account it would move goes to a rep the CRM can name.
/// Returns what the files leave out and why, for the run to declare.
pub fn stage_change_files(
    out: &mut AtomicDir,
    folder: &str,
    market: &Market,
    diff: &PlanDiff,
    hierarchy: &[HierarchyLevel],
) -> Vec<Assumption> {
    out.add(&format!("{folder}{REVIEW_FILE}"), review_csv(market, diff, hierarchy));
    let mut notes = Vec::new();
    let no_crm_ids = (0..market.reps().len()).all(|r| market.crm_user(r).is_none());
    let files = [
        (SALESFORCE_FILE, ["Id", "OwnerId"], diff.salesforce_updates(market), "a Salesforce user id"),
        (
            HUBSPOT_FILE,
            ["Record ID", "Company owner"],
            diff.hubspot_updates(market),
            "an email or HubSpot owner id",
        ),
    ];
    let mut left_unowned = 0;
    for (name, header, updates, what) in files {
        left_unowned = updates.left_unowned;
        match updates.rows {
            Ok(rows) => out.add(
                &format!("{folder}{name}"),
                csv_bytes(&header, rows.into_iter().map(|(a, o)| vec![a, o])),
            ),
            Err(_) if no_crm_ids => {}
            Err(missing) => notes.push(not_written(market, diff, &format!("{folder}{name}"), what, &missing)),
        }
    }
    if no_crm_ids && diff.moves.iter().any(|m| m.to.is_some()) {
        notes.push(Assumption::new(
            "crm_ids_missing",
            "reps",
            format!(
                "no rep has a CRM user id or email, so {SALESFORCE_FILE} and {HUBSPOT_FILE} are not written (a \
                 terrasim rep id is no owner the CRM knows; {REVIEW_FILE} lists the moves); add each rep's CRM \
                 user id to the reps file (a User ID, OwnerId, crm_user_id or HubSpot Owner ID column) and its \
                 email, or read the reps from the CRM's users export ([data] users)"
            ),
        ));
    }
    if left_unowned > 0 {
        notes.push(Assumption::new(
            "crm_unowned_left_out",
            format!("{folder}{REVIEW_FILE}"),
            format!(
                "{left_unowned} moved accounts have no owner in the new plan; the CRM files leave them out (an \
                 owner import cannot empty an owner), so they keep their owner in the CRM: give them owners, or \
                 clear them in the CRM by hand"
            ),
        ));
    }
    notes
}

fn not_written(
    market: &Market,
    diff: &PlanDiff,
    file: &str,
    what: &str,
    missing: &MissingOwners,
) -> Assumption {
    const SHOWN: usize = 5;
    let mut reps: Vec<String> =
        missing.reps.iter().take(SHOWN).map(|&r| market.reps()[r].id.to_string()).collect();
    if missing.reps.len() > SHOWN {
        reps.push(format!("and {} more", missing.reps.len() - SHOWN));
    }
    Assumption::new(
        "crm_file_not_written",
        file,
        format!(
            "not written: {} of the {} moved accounts go to reps without {what} ({}); give those reps their \
             crm_user_id (User ID) and email in the reps file (a hire or backfill has one once the CRM has the \
             user), then write the file with `terrasim diff`",
            missing.accounts,
            diff.moves.len(),
            reps.join(", ")
        ),
    )
}

/// `review.csv`: each move, largest potential first, with the account's segment and motion, and the old and
/// new owners by id and name.
fn review_csv(market: &Market, diff: &PlanDiff, hierarchy: &[HierarchyLevel]) -> Vec<u8> {
    let header = [
        "Account ID",
        "Account name",
        "Segment",
        "Motion",
        "Potential (accounts file currency)",
        "Old owner ID",
        "Old owner",
        "New owner ID",
        "New owner",
        "Reason",
    ];
    let rep = |r: Option<usize>| {
        r.map_or_else(
            || (String::new(), "(unowned)".to_string()),
            |r| (market.reps()[r].id.to_string(), market.reps()[r].name.clone()),
        )
    };
    let rows = diff.by_potential(market).into_iter().map(|m| {
        let a = &market.accounts()[m.account];
        let (old_id, old_name) = rep(m.from);
        let (new_id, new_name) = rep(m.to);
        vec![
            a.id.to_string(),
            a.name.clone(),
            a.segment_path(hierarchy).to_string(),
            if a.is_customer { "expansion" } else { "new business" }.to_string(),
            format!("{:.0}", a.potential.get()),
            old_id,
            old_name,
            new_id,
            new_name,
            m.reason.to_string(),
        ]
    });
    csv_bytes(&header, rows)
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::CrmUser;

    /// The small fixture market of the integration tests (four reps, no CRM ids).
    fn market() -> Market {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small/scenario.toml");
        let scenario = crate::io::load_scenario(std::path::Path::new(path)).unwrap();
        crate::io::load_market(&scenario).unwrap()
    }

    fn files(out: &AtomicDir) -> Vec<(String, String)> {
        out.staged().iter().map(|(n, b)| (n.clone(), String::from_utf8(b.clone()).unwrap())).collect()
    }

    #[test]
    fn crm_files_name_owners_by_crm_ids_and_review_by_people_names() {
        let mut m = market();
        for r in 0..m.reps().len() {
            let id = format!("0055g0000000{r:03}AAA");
            m.set_crm_user(r, CrmUser { user_id: Some(id), email: Some(format!("rep{r}@example.com")) });
        }
        let mut to = m.plan().clone();
        to.assign(0, Some(1));
        to.assign(1, None);
        let from_owner = m.plan().owner(0);
        let diff = PlanDiff::between(&m, m.plan(), &to, &[], &[]);
        let mut out = AtomicDir::new(std::path::Path::new("unused"));
        let notes = stage_change_files(&mut out, "c/", &m, &diff, &[HierarchyLevel::Region]);
        let staged = files(&out);
        let get = |name: &str| staged.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).unwrap();
        let account = m.accounts()[0].id.to_string();
        assert_eq!(get("c/salesforce_update.csv"), format!("Id,OwnerId\n{account},0055g0000000001AAA\n"));
        assert_eq!(
            get("c/hubspot_companies.csv"),
            format!("Record ID,Company owner\n{account},rep1@example.com\n")
        );
        let review = get("c/review.csv");
        assert!(
            review.starts_with("Account ID,Account name,Segment,Motion,Potential (accounts file currency),")
        );
        assert!(review.contains(&m.reps()[1].name), "{review}");
        if from_owner != Some(1) {
            assert_eq!(review.lines().count(), 3, "{review}");
        }
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].code, "crm_unowned_left_out");
    }

    #[test]
    fn without_crm_ids_the_crm_files_are_refused_and_declared_never_written_with_rep_ids() {
        let mut m = market();
        let mut to = m.plan().clone();
        let other = (m.plan().owner(0).unwrap_or(0) + 1) % m.reps().len();
        to.assign(0, Some(other));
        let diff = PlanDiff::between(&m, m.plan(), &to, &[], &[]);
        let mut out = AtomicDir::new(std::path::Path::new("unused"));
        let notes = stage_change_files(&mut out, "", &m, &diff, &[]);
        let names: Vec<String> = files(&out).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["review.csv".to_string()]);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, "crm_ids_missing");
        assert!(notes[0].message.contains("User ID"), "{}", notes[0].message);

        // Some reps with ids, the new owner without: the file is refused naming the rep.
        m.set_crm_user((other + 1) % m.reps().len(), CrmUser { user_id: Some("71001".into()), email: None });
        let mut out = AtomicDir::new(std::path::Path::new("unused"));
        let notes = stage_change_files(&mut out, "x/", &m, &diff, &[]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes.iter().all(|n| n.code == "crm_file_not_written"));
        assert_eq!(notes[0].subject, "x/salesforce_update.csv");
        assert!(notes[0].message.contains(m.reps()[other].id.as_str()), "{}", notes[0].message);
        assert!(notes[0].message.contains("1 of the 1 moved accounts"), "{}", notes[0].message);
    }
}
