//! Keystone: a repeat, multi-product business. A few hundred mid-market and enterprise accounts in AMER
//! and EMEA, most of them customers who buy module after module, sold by a 16-rep team in 2023 of whom
//! four left at a year boundary; each leaver's book went whole to a named successor on the same team, so an
//! account has had up to three owners in three years.

use rand::Rng;
use rand_distr::{Distribution, Normal};

use crate::market::SizeBand;
use crate::sim::{Purpose, Stream, StreamRng};

use super::market::GeneratedMarket;
use super::tables::{AMER_METROS, EMEA, EMEA_METROS, FIRST_NAMES, LAST_NAMES, VERTICALS};
use super::{AccountFields, RepFields, account_row, company_name, equal_runs, level, pick, quota, rep_row};

/// A rep who left during the history, and who took the book.
#[derive(Debug, Clone, PartialEq)]
pub struct Turnover {
    /// The rep who left.
    pub rep: String,
    /// The rep's last selling month of the history (1-based: 12 is December of its first year).
    pub last_month: u32,
    /// The teammate who took the whole book the month after.
    pub successor: String,
}

/// The Keystone market as CSV rows, in the headers of [`GeneratedMarket`].
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatMarket {
    /// `accounts.csv` (the owner column is the current owner).
    pub accounts: Vec<Vec<String>>,
    /// `reps.csv`: the reps selling today.
    pub reps: Vec<Vec<String>>,
    /// `plan.csv`: today's owners, after every departure of the history.
    pub plan: Vec<Vec<String>>,
    /// `history_reps.csv`: every rep who sold during the history, leavers included.
    pub history_reps: Vec<Vec<String>>,
    /// `history_plan.csv`: the owners when the history starts.
    pub history_plan: Vec<Vec<String>>,
    /// The departures of the history, in the order they happened.
    pub turnover: Vec<Turnover>,
}

/// Accounts of the Keystone market.
pub const REPEAT_ACCOUNTS: usize = 240;

/// A rep of the history: id, region, role, and the departure (last month, successor) of a leaver.
type TeamMember = (&'static str, &'static str, SizeBand, Option<(u32, &'static str)>);

/// The team over the history. R13's book went to R16 in 2024, and to R02 when R16 left in turn.
const TEAM: [TeamMember; 16] = [
    ("R01", "AMER", SizeBand::Mm, None),
    ("R02", "AMER", SizeBand::Mm, None),
    ("R03", "AMER", SizeBand::Mm, None),
    ("R04", "AMER", SizeBand::Mm, None),
    ("R05", "AMER", SizeBand::Ent, None),
    ("R06", "AMER", SizeBand::Ent, None),
    ("R07", "AMER", SizeBand::Ent, None),
    ("R08", "EMEA", SizeBand::Mm, None),
    ("R09", "EMEA", SizeBand::Mm, None),
    ("R10", "EMEA", SizeBand::Mm, None),
    ("R11", "EMEA", SizeBand::Ent, None),
    ("R12", "EMEA", SizeBand::Ent, None),
    ("R13", "AMER", SizeBand::Mm, Some((12, "R16"))),
    ("R14", "AMER", SizeBand::Ent, Some((12, "R05"))),
    ("R15", "EMEA", SizeBand::Mm, Some((24, "R08"))),
    ("R16", "AMER", SizeBand::Mm, Some((24, "R02"))),
];

/// US states of the AMER accounts: code, centre latitude and longitude, weight.
const STATES: [(&str, f64, f64, f64); 8] = [
    ("NY", 40.71, -74.01, 0.22),
    ("CA", 37.77, -122.42, 0.22),
    ("IL", 41.88, -87.63, 0.12),
    ("TX", 30.27, -97.74, 0.14),
    ("MA", 42.36, -71.06, 0.10),
    ("WA", 47.61, -122.33, 0.08),
    ("GA", 33.75, -84.39, 0.06),
    ("CO", 39.74, -104.99, 0.06),
];

/// An account of the history: region (0 AMER, 1 EMEA), size band, CSV row.
type RepeatAccount = (usize, SizeBand, Vec<String>);

/// Generates the Keystone market. Deterministic in `seed`.
pub fn generate_repeat_market(seed: u64) -> RepeatMarket {
    let mut rng = Stream::new(seed, 0, 0, Purpose::Parameters).rng(0);
    let normal = Normal::new(0.0, 1.0).expect("unit normal");
    let mut accounts: Vec<RepeatAccount> =
        (0..REPEAT_ACCOUNTS).map(|i| draw_account(i, &mut rng, &normal)).collect();
    let history_reps: Vec<Vec<String>> = (0..TEAM.len()).map(|i| draw_rep(i, &mut rng, &normal)).collect();
    let mut owner = first_books(&accounts);
    let plan_rows = |owner: &[usize], accounts: &[RepeatAccount]| -> Vec<Vec<String>> {
        accounts.iter().zip(owner).map(|(a, &o)| vec![a.2[0].clone(), TEAM[o].0.to_string()]).collect()
    };
    let history_plan = plan_rows(&owner, &accounts);
    let turnover = turnover();
    for t in &turnover {
        let (from, to) = (index_of(&t.rep), index_of(&t.successor));
        for o in owner.iter_mut().filter(|o| **o == from) {
            *o = to;
        }
    }
    let plan = plan_rows(&owner, &accounts);
    for (a, &o) in accounts.iter_mut().zip(&owner) {
        a.2[18] = TEAM[o].0.to_string();
    }
    let reps =
        history_reps.iter().zip(&TEAM).filter(|(_, t)| t.3.is_none()).map(|(r, _)| r.clone()).collect();
    debug_assert_eq!(GeneratedMarket::ACCOUNT_HEADERS.len(), accounts[0].2.len());
    RepeatMarket {
        accounts: accounts.into_iter().map(|a| a.2).collect(),
        reps,
        plan,
        history_reps,
        history_plan,
        turnover,
    }
}

/// Account `i`: AMER (a weighted state) or EMEA (a city), mid-market or enterprise, mostly a customer.
fn draw_account(i: usize, rng: &mut StreamRng, normal: &Normal<f64>) -> RepeatAccount {
    let amer = rng.random::<f64>() < 0.65;
    let vertical = pick(rng, VERTICALS, |v| v.1);
    let (country, state, lat, lon, suffix) = if amer {
        let (code, lat, lon, _) = STATES[pick(rng, &STATES, |s| s.3)];
        ("United States", code.to_string(), lat, lon, "Inc.")
    } else {
        let (country, _, suffix, cities) = EMEA[pick(rng, EMEA, |c| c.1)];
        let (city, lat, lon) = cities[rng.random_range(0..cities.len())];
        (country, city.to_string(), lat, lon, suffix)
    };
    let (lat, lon) = (lat + 0.15 * normal.sample(rng), lon + 0.15 * normal.sample(rng));
    // Two in five accounts are enterprises; the rest are mid-market.
    let enterprise = rng.random::<f64>() < 0.4;
    let employees: f64 = if enterprise {
        10f64.powf(3.6 + 0.35 * normal.sample(rng)).clamp(2_000.0, 200_000.0)
    } else {
        10f64.powf(2.7 + 0.3 * normal.sample(rng)).clamp(200.0, 1_999.0)
    }
    .round();
    let band = if enterprise { SizeBand::Ent } else { SizeBand::Mm };
    let size = employees.log10() - 2.0;
    let core = if VERTICALS[vertical].2 { 0.6 } else { 0.0 };
    let fit = core + 0.2 * size + 0.7 * normal.sample(rng);
    let icp = level(fit);
    let signal = level(0.5 * fit + normal.sample(rng));
    let whitespace = level(0.4 * size + 0.3 * fit + 0.8 * normal.sample(rng));
    let difficulty = level(0.3 * size + 0.9 * normal.sample(rng) - 0.4);
    let revenue = employees * (12.2 + 0.4 * normal.sample(rng)).exp();
    // A first contract's worth, growing with size: the expansion room is a multiple of it.
    let whitespace_value = 1_200.0 * employees.powf(0.6) * (0.3 * normal.sample(rng)).exp();
    // A repeat business: four in five accounts already buy.
    let customer = rng.random::<f64>() < 0.8;
    let name = company_name(rng, suffix);
    let row = account_row(AccountFields {
        id: format!("KEY-{:05}", i + 1),
        name,
        region: if amer { "AMER" } else { "EMEA" },
        country,
        state,
        fips: String::new(),
        location: (Some(lat), Some(lon)),
        vertical,
        employees,
        revenue,
        customer,
        scores: [icp, signal, whitespace, difficulty],
        whitespace_value,
    });
    (usize::from(!amer), band, row)
}

/// Team member `i`'s CSV row: a metro of its region, capacity, quota and skill around its role's, one
/// expert vertical, tenured for three to eight years.
fn draw_rep(i: usize, rng: &mut StreamRng, normal: &Normal<f64>) -> Vec<String> {
    let (id, region, role, _) = TEAM[i];
    let metros = if region == "AMER" { AMER_METROS } else { EMEA_METROS };
    let (_, lat, lon) = metros[i % metros.len()];
    let field = role == SizeBand::Ent;
    let capacity = 130.0 + 8.0 * normal.sample(rng);
    let base_quota: f64 = if field { 3_400_000.0 } else { 1_200_000.0 };
    let quota = quota(rng, base_quota, 0.1);
    let skill = (0.12 * normal.sample(rng)).exp();
    let expert = VERTICALS[pick(rng, VERTICALS, |v| v.1)].0;
    rep_row(RepFields {
        id,
        name: format!(
            "{} {}",
            FIRST_NAMES[(i * 5 + 2) % FIRST_NAMES.len()],
            LAST_NAMES[(i * 7 + 4) % LAST_NAMES.len()]
        ),
        role,
        region,
        home: (lat, lon),
        expert: expert.to_string(),
        capacity,
        quota,
        start: -rng.random_range(36..96),
        ramp: 3,
        skill,
        field,
    })
}

/// The 2023 books: each team's accounts in geographic order, cut into equal runs (an index into `TEAM`
/// per account).
fn first_books(accounts: &[RepeatAccount]) -> Vec<usize> {
    let mut owner: Vec<usize> = vec![0; accounts.len()];
    for region in 0..2 {
        for band in [SizeBand::Mm, SizeBand::Ent] {
            let label = ["AMER", "EMEA"][region];
            let members: Vec<usize> =
                (0..TEAM.len()).filter(|&r| TEAM[r].1 == label && TEAM[r].2 == band).collect();
            let pool: Vec<usize> =
                (0..accounts.len()).filter(|&a| accounts[a].0 == region && accounts[a].1 == band).collect();
            for (a, r) in equal_runs(pool, |a| &accounts[a].2, &members) {
                owner[a] = r;
            }
        }
    }
    owner
}

/// The departures of the history, in the order they happened.
fn turnover() -> Vec<Turnover> {
    let mut turnover: Vec<Turnover> = TEAM
        .iter()
        .filter_map(|&(rep, _, _, leaves)| {
            leaves.map(|(last_month, successor)| Turnover {
                rep: rep.to_string(),
                last_month,
                successor: successor.to_string(),
            })
        })
        .collect();
    turnover.sort_by_key(|t| t.last_month);
    turnover
}

fn index_of(rep: &str) -> usize {
    TEAM.iter().position(|t| t.0 == rep).expect("a successor is on the team")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_market_and_books_follow_the_turnover() {
        let a = generate_repeat_market(7);
        assert_eq!(a, generate_repeat_market(7));
        assert_ne!(a.accounts, generate_repeat_market(8).accounts);
        assert_eq!(a.reps.len(), 12);
        assert_eq!(a.history_reps.len(), 16);
        // Nobody who left owns an account today; everyone owned one in 2023.
        for t in &a.turnover {
            assert!(a.plan.iter().all(|r| r[1] != t.rep), "{} left", t.rep);
            assert!(a.history_plan.iter().any(|r| r[1] == t.rep), "{} had a book", t.rep);
        }
        // R13's accounts went to R16 and then to R02.
        for (then, now) in a.history_plan.iter().zip(&a.plan) {
            if then[1] == "R13" {
                assert_eq!(now[1], "R02");
            }
        }
        let customers = a.accounts.iter().filter(|r| r[12] == "true").count() as f64;
        // 80% customers: binomial SE over 240 accounts is 2.6 points.
        assert!((customers / REPEAT_ACCOUNTS as f64 - 0.8).abs() < 0.08, "{customers}");
    }
}
