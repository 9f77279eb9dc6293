//! Opportunity history exports: Salesforce API names and report labels, HubSpot deals, and a custom file
//! mapped in the scenario (M/D/YYYY dates, `$1,234.00` amounts, its own stage names); plus the rows that
//! cannot be used, counted by reason, and the errors for cells that cannot be read.

use std::path::{Path, PathBuf};

use terrasim::calibrate::{History, Outcome};
use terrasim::market::{Market, parse_iso_date};
use terrasim::sim::model::SalesMotion;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history").join(name)
}

fn load(name: &str) -> (History, Market) {
    let scenario = terrasim::io::load_scenario(&fixture(&format!("{name}.toml"))).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    let file = scenario.resolve_path(scenario.data.history.as_ref().unwrap());
    let history =
        terrasim::io::load_history(&file, &scenario, &market).unwrap_or_else(|e| panic!("{name}: {e}"));
    (history, market)
}

fn day(iso: &str) -> i64 {
    parse_iso_date(iso).unwrap()
}

/// The three deals every fixture shares: Acme won, Société Générale lost, Northwind open.
fn check_common(h: &History, m: &Market) {
    let o = &h.opportunities;
    let account = |i: usize| m.accounts()[o[i].account].name.as_str();
    let owner = |i: usize| o[i].owner.map(|r| m.reps()[r].name.as_str());
    assert_eq!(account(0), "Acme, Inc.");
    assert_eq!(o[0].outcome, Outcome::Won);
    assert_eq!(o[0].created, day("2025-01-10"));
    assert_eq!(o[0].closed, Some(day("2025-03-15")));
    assert_eq!(owner(0), Some("Maria Lopez"));
    assert_eq!(account(1), "Société Générale");
    assert_eq!(o[1].outcome, Outcome::Lost);
    assert_eq!(o[1].created, day("2024-11-03"), "a datetime with a time zone is read as its UTC date");
    assert_eq!(o[1].closed, Some(day("2025-04-01")));
    assert_eq!(owner(1), Some("Jürgen Weiß"));
    assert_eq!(account(2), "Northwind\nTraders");
    assert_eq!(o[2].outcome, Outcome::Open);
    assert_eq!(o[2].closed, None);
    assert_eq!(o[2].owner, None);
}

#[test]
fn salesforce_api_export_with_rows_rejected_by_reason() {
    let (h, m) = load("sf_api");
    check_common(&h, &m);
    assert_eq!(h.opportunities.len(), 4);
    assert_eq!(h.opportunities[0].amount, Some(120_000.0));
    let rejected: Vec<(&str, usize, Vec<u64>)> =
        h.rejected.by_reason.iter().map(|(k, (n, lines))| (k.as_str(), *n, lines.clone())).collect();
    assert_eq!(
        rejected,
        vec![
            ("account not in the accounts file", 1, vec![7]),
            ("close date before the created date", 1, vec![6]),
            ("won without an amount", 1, vec![5]),
        ],
        "line numbers are physical lines of a CRLF file"
    );
    // An owner who is not in the reps file keeps the deal for the segment fits.
    assert_eq!(h.opportunities[3].owner, None);
    assert_eq!(h.unknown_owner, 2);
}

#[test]
fn salesforce_report_labels() {
    let (h, m) = load("sf_report");
    check_common(&h, &m);
    assert_eq!(h.opportunities[1].amount, Some(450_000.0));
    assert_eq!(h.rejected.total(), 0);
}

#[test]
fn hubspot_deals_export() {
    let (h, m) = load("hubspot");
    check_common(&h, &m);
    assert_eq!(h.opportunities[0].id, "501");
}

#[test]
fn custom_file_through_the_scenario_mapping() {
    let (h, m) = load("custom");
    check_common(&h, &m);
    assert_eq!(h.opportunities[0].amount, Some(1_234.0));
    assert_eq!(h.opportunities[2].amount, Some(999.5));
    assert_eq!(h.opportunities[0].id, "D-1");
}

/// Loads a copy of the custom fixture with `from` replaced by `to` in its CSV and returns the error.
fn custom_error(from: &str, to: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("custom.toml")).unwrap();
    let crm = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crm");
    let text = text.replace("../crm/", &format!("{}/", crm.display()));
    std::fs::write(dir.path().join("custom.toml"), text).unwrap();
    let csv = std::fs::read_to_string(fixture("custom_deals.csv")).unwrap();
    assert!(csv.contains(from));
    std::fs::write(dir.path().join("custom_deals.csv"), csv.replacen(from, to, 1)).unwrap();
    let scenario = terrasim::io::load_scenario(&dir.path().join("custom.toml")).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    let file = dir.path().join("custom_deals.csv");
    terrasim::io::load_history(&file, &scenario, &market).unwrap_err().to_string()
}

fn expect(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "{part:?} missing from:\n{message}");
    }
}

#[test]
fn a_stage_missing_from_the_map_names_file_line_column_and_fix() {
    let e = custom_error("No Decision", "Stalled");
    expect(&e, &["custom_deals.csv", "line 3", "\"Status\"", "(stage)", "Stalled", "[data.stages]"]);
}

#[test]
fn an_unreadable_date_names_the_forms_that_work() {
    // The third deal's record starts on line 4 (its quoted account name runs onto line 5).
    let e = custom_error("6/1/2025", "June 1st");
    expect(&e, &["custom_deals.csv", "line 4", "\"Opened On\"", "(created_date)", "M/D/YYYY"]);
}

#[test]
fn an_amount_that_is_not_money_is_an_error() {
    let e = custom_error("$1,234.00", "twelve");
    expect(&e, &["line 2", "\"Value\"", "(amount)", "not an amount"]);
}

#[test]
fn a_missing_column_names_the_mapping() {
    let e = custom_error("Signed On", "Signed");
    expect(&e, &["custom_deals.csv", "close_date", "Signed On", "the columns are"]);
}

/// The motion of each opportunity, in file order.
fn motions(h: &History) -> Vec<SalesMotion> {
    h.opportunities.iter().map(|o| o.motion).collect()
}

/// A Salesforce export with the Opportunity `Type`: the standard picklist gives the motion, an empty Type
/// leaves it to the account's record (declared), a renewal is left out and counted.
#[test]
fn salesforce_export_with_opportunity_type() {
    use SalesMotion::{Expansion, NewBusiness};
    let (h, _) = load("sf_typed");
    let ids: Vec<&str> = h.opportunities.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["006A", "006B", "006C", "006H", "006I"]);
    // 006C has no Type and an account never won: new business; 006H has none either, on Acme, won in March
    // before it was created in June: expansion. A downgrade is expansion.
    assert_eq!(motions(&h), [NewBusiness, Expansion, NewBusiness, Expansion, Expansion]);
    assert_eq!(h.classified_by.get("opportunity type"), Some(&3));
    assert_eq!(h.classified_by.get("first won deal"), Some(&2));
    let declared = h.notes.iter().find(|n| n.code == "motion_from_first_win").expect("declared");
    assert!(declared.message.starts_with("2 of 5 opportunities have no type"), "{}", declared.message);
    assert!(declared.message.contains("\"Type\" cell is empty"), "{}", declared.message);
    let renewals: Vec<(&String, &(usize, Vec<u64>))> =
        h.rejected.by_reason.iter().filter(|(r, _)| r.contains("renewal")).collect();
    assert_eq!(renewals.len(), 1);
    assert_eq!(renewals[0].1, &(1, vec![7]));
    // What the model cannot represent is declared with the calibration.
    let warnings = h.shape_warnings("history", &|_| false);
    let codes: Vec<&str> = warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"history_expansion_without_win"), "{codes:?}");
    assert!(codes.contains(&"history_non_positive_amount"), "{codes:?}");
}

/// A HubSpot deals export with its `Deal Type` labels, and the same with the internal `dealtype` values.
#[test]
fn hubspot_export_with_deal_type_labels_and_internal_values() {
    use SalesMotion::{Expansion, NewBusiness};
    let (h, _) = load("hubspot_typed");
    assert_eq!(motions(&h), [NewBusiness, Expansion, NewBusiness]);
    assert_eq!(h.classified_by.get("deal type"), Some(&2));
    assert_eq!(h.classified_by.get("first won deal"), Some(&1));
    let internal = typed_copy(
        "hubspot_typed",
        "hubspot_typed_deals.csv",
        &[
            ("Deal Type", "dealtype"),
            ("New Business", "newbusiness"),
            ("Existing Business", "existingbusiness"),
        ],
    );
    let h = internal.unwrap();
    assert_eq!(motions(&h), [NewBusiness, Expansion, NewBusiness]);
}

/// Loads a copy of fixture `name` with each `(from, to)` replaced in its history file `csv`, and with
/// `extra` appended to the scenario.
fn typed_copy_with(name: &str, csv: &str, edits: &[(&str, &str)], extra: &str) -> Result<History, String> {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture(&format!("{name}.toml"))).unwrap();
    let crm = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crm");
    let text = text.replace("../crm/", &format!("{}/", crm.display())) + extra;
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let mut data = std::fs::read_to_string(fixture(csv)).unwrap();
    for (from, to) in edits {
        assert!(data.contains(from), "{from}");
        data = data.replace(from, to);
    }
    std::fs::write(dir.path().join(csv), data).unwrap();
    let scenario = terrasim::io::load_scenario(&dir.path().join("s.toml")).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    terrasim::io::load_history(&dir.path().join(csv), &scenario, &market).map_err(|e| e.to_string())
}

fn typed_copy(name: &str, csv: &str, edits: &[(&str, &str)]) -> Result<History, String> {
    typed_copy_with(name, csv, edits, "")
}

/// A Type that is neither vocabulary is refused, naming the file, line, column, value and the fix; the
/// scenario's `[data.motions]` then says what it is.
#[test]
fn an_unknown_opportunity_type_is_refused_until_the_scenario_maps_it() {
    let csv = "sf_typed_opportunities.csv";
    let e = typed_copy("sf_typed", csv, &[("Existing Customer - Upgrade", "Partner")]).unwrap_err();
    expect(&e, &[csv, "line 3", "\"Type\"", "(opportunity_type)", "\"Partner\"", "[data.motions]"]);
    let mapped = "\n[data.motions]\nexpansion = [\"Partner\"]\n";
    let h = typed_copy_with("sf_typed", csv, &[("Existing Customer - Upgrade", "Partner")], mapped).unwrap();
    assert_eq!(h.opportunities[1].motion, SalesMotion::Expansion);
    // The scenario's lists win over the built-in words: renewals counted as expansion when it says so.
    let h = typed_copy_with("sf_typed", csv, &[], "\n[data.motions]\nexpansion = [\"Renewal\"]\n").unwrap();
    assert_eq!(h.opportunities.len(), 6);
    assert_eq!(h.opportunities[5].motion, SalesMotion::Expansion);
    // One value in two lists is the user's to settle.
    let twice = "\n[data.motions]\nexpansion = [\"Partner\"]\nexcluded = [\"partner\"]\n";
    let e = typed_copy_with("sf_typed", csv, &[], twice).unwrap_err();
    expect(&e, &["data.motions.excluded", "\"Partner\"", "both expansion and excluded"]);
}

/// A custom column mapped as `motion` is the third rule: read when the Type and deal type are absent.
#[test]
fn a_mapped_motion_column_classifies() {
    let csv = "sf_typed_opportunities.csv";
    let extra = "\n[data.columns.history]\nmotion = \"Sales Motion\"\n";
    let h = typed_copy_with("sf_typed", csv, &[(",Type\n", ",Sales Motion\n")], extra).unwrap();
    assert_eq!(h.classified_by.get("motion column"), Some(&3));
    assert_eq!(h.opportunities[1].motion, SalesMotion::Expansion);
}
