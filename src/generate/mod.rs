//! The reference-market generators. Northstar: a realistic B2B SaaS market on real US counties, with a
//! current plan that has accreted badly. Keystone: a repeat, multi-product business of a few hundred
//! accounts, most of them customers, whose books changed hands as reps left. Pure: a seed (and county rows)
//! in, CSV-ready rows out.

mod market;
mod repeat;
mod tables;

pub use market::{County, GenerateSpec, GeneratedMarket, generate_market};
pub use repeat::{RepeatMarket, Turnover, generate_repeat_market};

use rand::Rng;

use crate::market::SizeBand;
use crate::sim::StreamRng;

use tables::{NAME_HEADS, NAME_TAILS, VERTICALS};

/// Draws an index of `items` with probability proportional to `weight` (one uniform draw).
fn pick<T>(rng: &mut StreamRng, items: &[T], weight: impl Fn(&T) -> f64) -> usize {
    let total: f64 = items.iter().map(&weight).sum();
    let mut x = rng.random::<f64>() * total;
    for (i, item) in items.iter().enumerate() {
        x -= weight(item);
        if x <= 0.0 {
            return i;
        }
    }
    items.len() - 1
}

/// A 1–5 score level from a standard-normal-scaled latent.
fn level(z: f64) -> u8 {
    match z {
        z if z < -1.0 => 1,
        z if z < -0.3 => 2,
        z if z < 0.4 => 3,
        z if z < 1.1 => 4,
        _ => 5,
    }
}

/// A company name: a head, a tail (two draws) and the legal-form suffix.
fn company_name(rng: &mut StreamRng, suffix: &str) -> String {
    format!(
        "{} {} {}",
        NAME_HEADS[rng.random_range(0..NAME_HEADS.len())],
        NAME_TAILS[rng.random_range(0..NAME_TAILS.len())],
        suffix
    )
}

/// The four 1–5 scores of an account: ICP fit, signal recency, whitespace, competitive difficulty.
type Scores = [u8; 4];

/// One generated account, as the columns of [`GeneratedMarket::ACCOUNT_HEADERS`] take it (no postal code,
/// no owner yet).
struct AccountFields<'a> {
    id: String,
    name: String,
    region: &'a str,
    country: &'a str,
    state: String,
    fips: String,
    location: (Option<f64>, Option<f64>),
    vertical: usize,
    employees: f64,
    revenue: f64,
    customer: bool,
    scores: Scores,
    whitespace_value: f64,
}

/// The `accounts.csv` row of `a`, with an empty owner (column 18) to fill once the plan is made.
fn account_row(a: AccountFields<'_>) -> Vec<String> {
    let fmt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.5}"));
    let [icp, signal, whitespace, difficulty] = a.scores;
    vec![
        a.id,
        a.name,
        a.region.to_string(),
        a.country.to_string(),
        a.state,
        a.fips,
        String::new(),
        fmt(a.location.0),
        fmt(a.location.1),
        VERTICALS[a.vertical].0.to_string(),
        format!("{:.0}", a.employees),
        format!("{:.0}", a.revenue),
        a.customer.to_string(),
        icp.to_string(),
        signal.to_string(),
        whitespace.to_string(),
        difficulty.to_string(),
        format!("{:.0}", a.whitespace_value),
        String::new(),
    ]
}

/// One generated rep, as the columns of [`GeneratedMarket::REP_HEADERS`] take it (no end month).
struct RepFields<'a> {
    id: &'a str,
    name: String,
    role: SizeBand,
    region: &'a str,
    home: (f64, f64),
    expert: String,
    capacity: f64,
    quota: f64,
    start: i32,
    ramp: i32,
    skill: f64,
    field: bool,
}

/// The `reps.csv` row of `r`.
fn rep_row(r: RepFields<'_>) -> Vec<String> {
    vec![
        r.id.to_string(),
        r.name,
        r.role.label().to_string(),
        format!("{}-{}", r.region, r.role.label()),
        r.region.to_string(),
        format!("{:.4}", r.home.0),
        format!("{:.4}", r.home.1),
        r.expert,
        format!("{:.0}", r.capacity),
        format!("{:.0}", r.quota),
        r.start.to_string(),
        r.ramp.to_string(),
        String::new(),
        format!("{:.3}", r.skill),
        if r.field { "field" } else { "inside" }.to_string(),
    ]
}

/// A quota drawn within `± spread` of `base` (one uniform draw), rounded to 10,000.
fn quota(rng: &mut StreamRng, base: f64, spread: f64) -> f64 {
    (base * (1.0 + rng.random_range(-spread..spread)) / 10_000.0).round() * 10_000.0
}

/// A team's pool of accounts in geographic order (country, then state, then index) cut into equal runs,
/// one per member, the way territories get carved in a spreadsheet: `(account, member)` pairs. `rows`
/// gives an account's CSV row.
fn equal_runs<'a>(
    mut pool: Vec<usize>,
    rows: impl Fn(usize) -> &'a [String],
    members: &[usize],
) -> Vec<(usize, usize)> {
    pool.sort_by(|&x, &y| (&rows(x)[3], &rows(x)[4]).cmp(&(&rows(y)[3], &rows(y)[4])).then(x.cmp(&y)));
    let per_rep = pool.len().div_ceil(members.len()).max(1);
    pool.iter().enumerate().map(|(k, &a)| (a, members[(k / per_rep).min(members.len() - 1)])).collect()
}
