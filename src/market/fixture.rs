//! Builders of small markets for the unit tests of the crate (the integration tests have their own in
//! `tests/common`).

use super::{
    Account, AccountId, Market, Money, Motion, Plan, Region, Rep, RepId, ScoreInputs, SizeBand, Tier,
};

/// A neutral SMB account in AMER (score 3, tier 2) of `vertical` worth `potential`.
pub fn account(id: &str, vertical: &str, potential: f64) -> Account {
    Account {
        id: AccountId::new(id).unwrap(),
        name: format!("{id} Inc"),
        region: Region::new("AMER").unwrap(),
        country: "United States".into(),
        state: String::new(),
        county_fips: None,
        postal_code: None,
        location: None,
        vertical: vertical.into(),
        employees: None,
        annual_revenue: None,
        is_customer: false,
        score_inputs: ScoreInputs::NEUTRAL,
        whitespace_value: None,
        size_band: SizeBand::Smb,
        score: 3.0,
        tier: Tier(2),
        potential: Money::new(potential).unwrap(),
    }
}

/// An SMB inside rep in AMER with 100 hours and `quota`, selling all year.
pub fn rep(id: &str, quota: f64) -> Rep {
    Rep {
        id: RepId::new(id).unwrap(),
        name: format!("Rep {id}"),
        role: SizeBand::Smb,
        team: "AMER-SMB".into(),
        region: Region::new("AMER").unwrap(),
        home: None,
        expert_verticals: Vec::new(),
        capacity_hours: 100.0,
        annual_quota: Money::new(quota).unwrap(),
        start_month: 1,
        ramp_months: 0,
        end_month: None,
        skill: 1.0,
        motion: Motion::Inside,
    }
}

/// A market of `accounts` and `reps` where account `i` belongs to `owners[i]`.
pub fn market(accounts: Vec<Account>, reps: Vec<Rep>, owners: &[Option<u32>]) -> Market {
    Market::new(accounts, reps, Plan::from_owners(owners.to_vec()), Vec::new()).unwrap()
}
