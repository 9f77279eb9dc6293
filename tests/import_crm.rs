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
