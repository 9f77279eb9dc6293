//! Builders for small markets used by the model tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::Path;

use terrasim::market::{
    Account, AccountId, GeoPoint, Market, Money, Motion, Plan, Region, Rep, RepId, ScoreInputs, SizeBand,
    Tier,
};
use terrasim::scenario::Scenario;
use terrasim::sim::{self, TrialOutcome, model::Model};

/// A neutral SMB account (score 3, tier 2) worth `potential`.
pub fn account(i: usize, vertical: &str, potential: f64) -> Account {
    Account {
        id: AccountId::new(&format!("A{i:06}")).unwrap(),
        name: format!("Account {i}"),
        region: Region::new("AMER").unwrap(),
        country: "United States".into(),
        state: "NY".into(),
        county_fips: None,
        postal_code: None,
        location: None,
        vertical: vertical.into(),
        employees: Some(50),
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

/// An SMB inside rep with `capacity` hours and `quota`.
pub fn rep(id: &str, capacity: f64, quota: f64) -> Rep {
    Rep {
        id: RepId::new(id).unwrap(),
        name: id.into(),
        role: SizeBand::Smb,
        team: "AMER-SMB".into(),
        region: Region::new("AMER").unwrap(),
        home: None,
        expert_verticals: Vec::new(),
        capacity_hours: capacity,
        annual_quota: Money::new(quota).unwrap(),
        start_month: 1,
        ramp_months: 0,
        end_month: None,
        skill: 1.0,
        motion: Motion::Inside,
    }
}

/// A field rep at `home`.
pub fn field_rep(id: &str, capacity: f64, home: GeoPoint) -> Rep {
    Rep { motion: Motion::Field, home: Some(home), ..rep(id, capacity, 1e6) }
}

/// A market where account `i` belongs to `owners[i]`.
pub fn market(accounts: Vec<Account>, reps: Vec<Rep>, owners: &[Option<usize>]) -> Market {
    let plan = Plan::from_owners(owners.iter().map(|o| o.map(|r| r as u32)).collect());
    Market::new(accounts, reps, plan, Vec::new()).unwrap()
}

/// A scenario from TOML body text (data paths are placeholders; compile reads no files).
/// `n` accounts (every third in Retail, the rest Software) dealt round-robin to four reps R0–R3 of 60–90
/// hours and a 400k quota.
pub fn test_market(n: usize) -> Market {
    let accounts = (0..n)
        .map(|i| account(i, if i % 3 == 0 { "Retail" } else { "Software" }, 5_000.0 + i as f64))
        .collect();
    let owners: Vec<Option<usize>> = (0..n).map(|i| Some(i % 4)).collect();
    let reps = (0..4).map(|r| rep(&format!("R{r}"), 60.0 + 10.0 * r as f64, 400_000.0)).collect();
    market(accounts, reps, &owners)
}

pub fn scenario(body: &str) -> Scenario {
    let text = format!(
        "schema_version = 1\nname = \"test\"\n{body}\n[data]\naccounts = \"a.csv\"\nreps = \"r.csv\"\n"
    );
    Scenario::from_toml(&text, Path::new("test.toml")).unwrap()
}

/// Scenario text fixing every source of noise except the account-level draws: constant win rate `win`
/// (a Beta with a billion pseudo-observations), no market factor, full availability, 1-month cycles won or
/// lost, exact deal values, and new business only (no expansion).
pub fn deterministic_params(win: f64, opp_rate: f64) -> String {
    format!(
        "[model]\nmarket_factor_sigma = 0.0\navailability_mean = 1.0\navailability_sd = 0.0\n\
         [params.SMB]\nwin_rate_alpha = {}\nwin_rate_beta = {}\nopp_rate = {opp_rate}\ninbound_rate = 0.0\n\
         hours_per_account = 1.0\nhours_per_open_opp = 0.0\ncycle_months_median = 1.0\ncycle_sigma = 0.0\n\
         lost_cycle_months_median = 1.0\nlost_cycle_sigma = 0.0\ndeal_size_sigma = 0.0\n\
         expansion_opp_rate = 0.0\n",
        win * 1e9,
        (1.0 - win) * 1e9
    )
}

/// Compiles the scenario on the market's current plan.
pub fn compile(scenario: &Scenario, market: &Market) -> Model {
    terrasim::scenario::compile(scenario, market, market.plan(), None).unwrap()
}

/// Runs `trials` trials on all cores.
pub fn run(model: &Model, trials: u64) -> Vec<TrialOutcome> {
    sim::run_trials(model, trials, None, &|_| {}).unwrap()
}

/// Mean and standard error of a sample.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Pearson correlation.
pub fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let (mx, _) = mean_se(x);
    let (my, _) = mean_se(y);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}
