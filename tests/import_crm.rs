//! CRM-shaped exports: Salesforce API names, Salesforce report labels and HubSpot properties, each with a
//! UTF-8 BOM, CRLF line endings, quoted commas, a quoted newline and non-ASCII names.

use std::path::Path;

use terrasim::market::{Market, SizeBand};

fn load(name: &str) -> Market {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crm").join(format!("{name}.toml"));
    let scenario = terrasim::io::load_scenario(&path).unwrap();
    terrasim::io::load_market(&scenario).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check(market: &Market, ids: [&str; 3], owners: [&str; 2]) {
    let a = market.accounts();
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].id.as_str(), ids[0]);
    assert_eq!(a[0].name, "Acme, Inc.", "quoted comma");
    assert_eq!(a[1].name, "Société Générale", "non-ASCII name");
    assert_eq!(a[1].state, "Île-de-France");
    assert_eq!(a[2].name, "Northwind\nTraders", "quoted newline");
    assert_eq!(a[2].id.as_str(), ids[2]);
    assert_eq!(a[0].employees, Some(250));
    assert_eq!(a[0].size_band, SizeBand::Mm);
    assert_eq!(a[1].employees, Some(12_000), "thousands separator");
    assert_eq!(a[1].size_band, SizeBand::Ent);
    assert_eq!(a[0].region.as_str(), "AMER", "region from the country");
    assert_eq!(a[1].region.as_str(), "EMEA");
    assert_eq!(a[0].vertical, "Retail");
    let owner = |i: usize| market.plan().owner(i).map(|r| market.reps()[r].id.to_string());
    assert_eq!(owner(0).as_deref(), Some(owners[0]));
    assert_eq!(owner(1).as_deref(), Some(owners[1]));
    assert_eq!(owner(2), None, "empty owner cell");
    assert_eq!(market.reps()[1].name, "Jürgen Weiß");
}

#[test]
fn salesforce_api_export() {
    let m = load("sf_api");
    check(&m, ["001A", "001B", "001C"], ["005A1", "005A2"]);
    let acme = &m.accounts()[0];
    assert_eq!(acme.annual_revenue.unwrap().get(), 12_500_000.0);
    assert_eq!(acme.postal_code.as_deref(), Some("10001"));
    assert!((acme.location.unwrap().lat - 40.75).abs() < 1e-12);
    assert_eq!(m.reps()[0].annual_quota.get(), 900_000.0, "quoted money with a comma");
}

#[test]
fn salesforce_report_export_with_owner_names_and_currency() {
    let m = load("sf_report");
    check(&m, ["001A", "001B", "001C"], ["005A1", "005A2"]);
    assert_eq!(m.accounts()[0].annual_revenue.unwrap().get(), 12_500_000.0);
    assert_eq!(m.accounts()[1].annual_revenue.unwrap().get(), 9_800_000_000.0);
}

#[test]
fn hubspot_export() {
    let m = load("hubspot");
    check(&m, ["9001", "9002", "9003"], ["71001", "71002"]);
    assert_eq!(m.accounts()[2].employees, None, "empty cell");
}

/// HubSpot's "export all companies" as a planner first feeds it: owners by name, "Lifecycle Stage",
/// "Country/Region", no score inputs and no whitespace column. It loads once the reps' words are mapped,
/// and names every default it rests on.
#[test]
fn hubspot_all_companies_export_names_every_default_it_used() {
    let m = load("hubspot_all_companies");
    assert_eq!(m.accounts().len(), 300);
    assert_eq!(m.reps().len(), 6);
    assert!(m.plan().owner(0).is_some(), "owners by name");
    let customers = m.accounts().iter().filter(|a| a.is_customer).count();
    assert_eq!(customers, 91, "customer from the lifecycle stage");
    assert!(m.accounts().iter().all(|a| a.tier.0 == 2), "one tier for want of score inputs");
    assert_eq!(m.reps()[0].region.as_str(), "AMER", "region alias");
    assert_eq!(m.reps()[3].role, SizeBand::Smb, "role mapped from the CRM word");
    let codes: Vec<&str> = m.assumptions().iter().map(|a| a.code.as_str()).collect();
    for code in ["potential_default", "tier_default"] {
        assert!(codes.contains(&code), "{code} not declared: {codes:?}");
    }
    assert!(!codes.contains(&"customer_default"), "the lifecycle stage gives the flag: {codes:?}");
    let potential = m.assumptions().iter().find(|a| a.code == "potential_default").unwrap();
    assert!(potential.subject.ends_with("hubspot_all_companies.csv"), "{potential}");
    assert!(potential.message.contains("no whitespace_value column: 300 of 300 accounts"), "{potential}");
    assert!(potential.message.contains("potential_from_revenue"), "says how to give the data: {potential}");
}

/// The same export without the region mapping: the reps' "North America" matches none of the accounts'
/// regions, and the error names both sets and the fix.
#[test]
fn hubspot_reps_regions_in_other_words_are_refused_naming_both_sets() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crm/hubspot_all_companies.toml");
    let mut scenario = terrasim::io::load_scenario(&path).unwrap();
    scenario.data.region_aliases.clear();
    let e = terrasim::io::load_market(&scenario).unwrap_err().to_string();
    for part in
        ["hubspot_owners_reps.csv", "line 2", "\"NORTH AMERICA\"", "{AMER, EMEA}", "[data.region_aliases]"]
    {
        assert!(e.contains(part), "{part:?} missing from {e}");
    }
}

/// Northstar's data gives every column: none of the market-side defaults is declared.
#[test]
fn northstar_declares_no_market_default() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/baseline.toml");
    let scenario = terrasim::io::load_scenario(&path).unwrap();
    let m = terrasim::io::load_market(&scenario).unwrap();
    let codes: Vec<&str> = m.assumptions().iter().map(|a| a.code.as_str()).collect();
    for code in
        ["potential_default", "potential_from_revenue", "tier_default", "score_default", "customer_default"]
    {
        assert!(!codes.contains(&code), "{code} declared for Northstar: {codes:?}");
    }
}

/// Reps from a Salesforce User export and a quota file keyed by email: inactive users and users without a
/// quota row are dropped and counted, roles map through `[data.roles]`, regions come from the users'
/// countries, and a missing capacity takes the declared default.
#[test]
fn salesforce_users_with_a_quota_file() {
    let m = load("sf_users");
    check(&m, ["001A", "001B", "001C"], ["005A1", "005A2"]);
    let reps = m.reps();
    assert_eq!(reps.len(), 2);
    assert_eq!((reps[0].id.as_str(), reps[0].name.as_str()), ("005A1", "Maria Lopez"));
    assert_eq!((reps[0].role, reps[1].role), (SizeBand::Mm, SizeBand::Ent));
    assert_eq!((reps[0].region.as_str(), reps[1].region.as_str()), ("AMER", "EMEA"), "from Deutschland");
    assert_eq!(reps[1].annual_quota.get(), 1_400_000.0);
    assert_eq!((reps[0].capacity_hours, reps[1].capacity_hours), (120.0, 120.0));
    let said = |code: &str| m.assumptions().iter().find(|a| a.code == code).map(|a| a.message.clone());
    assert!(said("users_inactive").unwrap().starts_with("1 inactive users"));
    assert!(said("users_without_quota").unwrap().contains("(e.g. \"Ops Admin\")"));
    assert!(said("capacity_default").unwrap().starts_with("1 reps have no capacity"));
}

/// Reps from a HubSpot owners export and a quota file keyed by owner id, which gives region and role.
#[test]
fn hubspot_owners_with_a_quota_file() {
    let m = load("hubspot_owners");
    check(&m, ["9001", "9002", "9003"], ["71001", "71002"]);
    assert_eq!(m.reps()[0].team, "AMER Mid-Market", "HubSpot teams");
    assert_eq!(m.reps()[1].role, SizeBand::Ent);
    assert_eq!(m.assumptions().iter().filter(|a| a.code == "capacity_default").count(), 1);
}
