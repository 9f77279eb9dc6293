use rand::Rng;
use rand_distr::{Distribution, Normal, Pareto};

use crate::market::{SizeBand, civil_from_days, days_from_civil};
use crate::sim::{Purpose, Stream, StreamRng};

use super::tables::*;
use super::{AccountFields, RepFields, account_row, company_name, equal_runs, level, pick, quota, rep_row};

/// A US county with its business density (from `us_counties.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct County {
    /// 5-digit FIPS code.
    pub fips: String,
    /// 2-letter state code.
    pub state: String,
    /// County name.
    pub name: String,
    /// Centre latitude, when known.
    pub lat: Option<f64>,
    /// Centre longitude, when known.
    pub lon: Option<f64>,
    /// Business establishments (County Business Patterns 2020).
    pub establishments: f64,
    /// Adjacent counties' FIPS codes.
    pub neighbors: Vec<String>,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenerateSpec {
    /// Seed: the same seed gives byte-identical files.
    pub seed: u64,
    /// Number of accounts (default 12,000).
    pub accounts: usize,
    /// Number of reps (default 40).
    pub reps: usize,
}

impl Default for GenerateSpec {
    fn default() -> Self {
        GenerateSpec { seed: 20_260_101, accounts: 12_000, reps: 40 }
    }
}

/// A generated market as CSV rows, in the canonical headers the importer reads.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedMarket {
    /// `accounts.csv`.
    pub accounts: Vec<Vec<String>>,
    /// `reps.csv`.
    pub reps: Vec<Vec<String>>,
    /// `plan.csv`.
    pub plan: Vec<Vec<String>>,
    /// `carveouts.csv`.
    pub carveouts: Vec<Vec<String>>,
    /// `counties.csv`: the county units with adjacency, for geographic territories.
    pub counties: Vec<Vec<String>>,
}

impl GeneratedMarket {
    /// Headers of `accounts.csv`.
    pub const ACCOUNT_HEADERS: [&'static str; 19] = [
        "id",
        "name",
        "region",
        "country",
        "state",
        "county_fips",
        "postal_code",
        "latitude",
        "longitude",
        "vertical",
        "employees",
        "annual_revenue",
        "is_customer",
        "icp_fit",
        "signal_recency",
        "whitespace",
        "competitive_difficulty",
        "whitespace_value",
        "owner_id",
    ];
    /// Headers of `reps.csv`.
    pub const REP_HEADERS: [&'static str; 15] = [
        "id",
        "name",
        "role",
        "team",
        "region",
        "latitude",
        "longitude",
        "expert_verticals",
        "capacity_hours",
        "annual_quota",
        "start_month",
        "ramp_months",
        "end_month",
        "skill",
        "motion",
    ];
    /// Headers of `plan.csv`.
    pub const PLAN_HEADERS: [&'static str; 2] = ["account_id", "owner_id"];
    /// Headers of `carveouts.csv`.
    pub const CARVEOUT_HEADERS: [&'static str; 5] =
        ["account_id", "owner_id", "reason", "activity_floor_days", "last_activity_date"];
    /// Headers of `counties.csv`.
    pub const COUNTY_HEADERS: [&'static str; 7] =
        ["fips", "state", "name", "lat", "lon", "establishments", "neighbors"];
}

struct Acc {
    region: usize,
    band: SizeBand,
    employees: f64,
    vertical: usize,
    icp: u8,
    tier_score: f64,
    row: Vec<String>,
}

struct RepSpec {
    id: String,
    region: usize,
    role: SizeBand,
    new_hire: bool,
    senior: bool,
}

const REGIONS: [&str; 3] = ["AMER", "EMEA", "ROW"];
/// Reps per (region, band) in the 40-rep org: AMER 8/7/5, EMEA 5/5/3, ROW 3/2/2.
const TEAM_SIZES: [[usize; 3]; 3] = [[8, 7, 5], [5, 5, 3], [3, 2, 2]];

/// Generates the market. Deterministic in `spec.seed`; `counties` must not be empty.
pub fn generate_market(spec: &GenerateSpec, counties: &[County]) -> GeneratedMarket {
    let mut rng = Stream::new(spec.seed, 0, 0, Purpose::Parameters).rng(0);
    let normal = Normal::new(0.0, 1.0).expect("unit normal");
    let places = CountyWeights::new(counties);
    let mut accounts: Vec<Acc> =
        (0..spec.accounts).map(|i| draw_account(i, &mut rng, &normal, &places)).collect();
    let reps = rep_specs(spec.reps);
    let rep_rows: Vec<Vec<String>> =
        reps.iter().enumerate().map(|(i, r)| draw_rep(i, r, &mut rng, &normal)).collect();
    let owner = accrete_plan(&accounts, &reps);
    let carveouts = carveouts(&accounts, &reps, &owner, &mut rng);
    let owner_id = |a: usize| owner[a].map_or(String::new(), |r| reps[r].id.clone());
    let plan = (0..accounts.len()).map(|a| vec![accounts[a].row[0].clone(), owner_id(a)]).collect();
    for (a, acc) in accounts.iter_mut().enumerate() {
        acc.row[18] = owner_id(a);
        debug_assert!(acc.vertical < VERTICALS.len() && acc.icp <= 5);
    }
    GeneratedMarket {
        accounts: accounts.into_iter().map(|a| a.row).collect(),
        reps: rep_rows,
        plan,
        carveouts,
        counties: county_rows(counties),
    }
}

/// The counties with their running establishment totals, to draw a county in proportion to its
/// establishments.
struct CountyWeights<'a> {
    counties: &'a [County],
    cumulative: Vec<f64>,
    total: f64,
}

impl<'a> CountyWeights<'a> {
    fn new(counties: &'a [County]) -> Self {
        let mut cumulative = Vec::with_capacity(counties.len());
        let mut total = 0.0;
        for c in counties {
            total += c.establishments.max(0.0);
            cumulative.push(total);
        }
        CountyWeights { counties, cumulative, total }
    }

    /// A county drawn in proportion to its establishments (one uniform draw).
    fn draw(&self, rng: &mut StreamRng) -> &'a County {
        let x = rng.random::<f64>() * self.total;
        &self.counties[self.cumulative.partition_point(|&s| s < x).min(self.counties.len() - 1)]
    }
}

/// Where an account is: country, state (or city), county FIPS, latitude, longitude, legal-form suffix.
type Place = (&'static str, String, String, Option<f64>, Option<f64>, &'static str);

/// An account's place in `region`: an AMER account in a county drawn by establishments, jittered around
/// its centre; elsewhere a city of a country drawn by weight.
fn draw_place(region: usize, rng: &mut StreamRng, normal: &Normal<f64>, places: &CountyWeights<'_>) -> Place {
    if region == 0 {
        let c = places.draw(rng);
        let jitter = |rng: &mut StreamRng, v: Option<f64>| v.map(|v| v + 0.08 * normal.sample(rng));
        let (lat, lon) = (jitter(rng, c.lat), jitter(rng, c.lon));
        ("United States", c.state.clone(), c.fips.clone(), lat, lon, "Inc.")
    } else {
        let table = if region == 1 { EMEA } else { ROW };
        let (country, _, suffix, cities) = table[pick(rng, table, |c| c.1)];
        let (city, lat, lon) = cities[rng.random_range(0..cities.len())];
        let lat = lat + 0.1 * normal.sample(rng);
        let lon = lon + 0.1 * normal.sample(rng);
        (country, city.to_string(), String::new(), Some(lat), Some(lon), suffix)
    }
}

/// Account `i`: its region, vertical and place, a heavy-tailed size, scores that follow size and fit, and
/// its CSV row (owner still empty).
fn draw_account(i: usize, rng: &mut StreamRng, normal: &Normal<f64>, places: &CountyWeights<'_>) -> Acc {
    let region = pick(rng, &[0.55, 0.30, 0.15], |w| *w);
    let vertical = pick(rng, VERTICALS, |v| v.1);
    let (country, state, fips, lat, lon, suffix) = draw_place(region, rng, normal, places);
    // Business hubs hold bigger, better-fitting companies: geography carries potential, so territories
    // carved by count differ in what they are worth.
    let hub = HUBS.contains(&state.as_str());
    let hub_lift = if hub { 0.35 } else { 0.0 };
    // Heavy-tailed sizes: mostly lognormal small companies, a Pareto tail of large ones.
    let employees: f64 = if rng.random::<f64>() < 0.88 - hub_lift / 5.0 {
        10f64.powf(1.9 + hub_lift + 0.75 * normal.sample(rng))
    } else {
        Pareto::new(1500.0, 1.1).expect("pareto").sample(rng)
    }
    .clamp(5.0, 300_000.0)
    .round();
    let band = if employees >= 2000.0 {
        SizeBand::Ent
    } else if employees >= 200.0 {
        SizeBand::Mm
    } else {
        SizeBand::Smb
    };
    let size = employees.log10() - 2.0;
    let core = if VERTICALS[vertical].2 { 0.6 } else { -0.2 };
    let fit = core + hub_lift + 0.2 * size + 0.8 * normal.sample(rng);
    let icp = level(fit);
    let signal = level(0.5 * fit + normal.sample(rng));
    let whitespace = level(0.5 * size + 0.3 * fit + 0.8 * normal.sample(rng));
    let difficulty =
        level(0.4 * f64::from(u8::from(band == SizeBand::Ent)) + 0.3 * size + 0.9 * normal.sample(rng));
    let revenue = employees * (12.2 + 0.4 * normal.sample(rng)).exp();
    // The CRM's whitespace estimate grows with company size (sub-linearly), so potential is heavy
    // tailed like the companies: a book balanced on counts is not balanced on potential.
    let whitespace_value = (800.0 * employees.powf(0.7) * (0.35 * normal.sample(rng)).exp()).min(3.0e6);
    let customer = rng.random::<f64>() < 0.03 + 0.03 * f64::from(icp.saturating_sub(2));
    let name = company_name(rng, suffix);
    let tier_score = 0.3 * f64::from(icp)
        + 0.25 * f64::from(signal)
        + 0.25 * f64::from(whitespace)
        + 0.2 * f64::from(6 - difficulty);
    let row = account_row(AccountFields {
        id: format!("ACC-{:07}", i + 1),
        name,
        region: REGIONS[region],
        country,
        state,
        fips,
        location: (lat, lon),
        vertical,
        employees,
        revenue,
        customer,
        scores: [icp, signal, whitespace, difficulty],
        whitespace_value,
    });
    Acc { region, band, employees, vertical, icp, tier_score, row }
}

/// The reps: team sizes scaled from the 40-rep org, numbered `R01`… in team order.
fn rep_specs(reps: usize) -> Vec<RepSpec> {
    let scale = reps as f64 / 40.0;
    let mut specs: Vec<RepSpec> = Vec::new();
    for (region, sizes) in TEAM_SIZES.iter().enumerate() {
        for (b, &size) in sizes.iter().enumerate() {
            let n = ((size as f64 * scale).round() as usize).max(1);
            for k in 0..n {
                let role = SizeBand::ALL[b];
                specs.push(RepSpec {
                    id: String::new(),
                    region,
                    role,
                    // The last rep of four teams joined recently; the first AMER MM rep is the tenured senior.
                    new_hire: k == n - 1 && n > 1 && matches!((region, b), (0, 0) | (0, 1) | (1, 1) | (2, 0)),
                    senior: region == 0 && b == 1 && k == 0,
                });
            }
        }
    }
    for (i, r) in specs.iter_mut().enumerate() {
        r.id = format!("R{:02}", i + 1);
    }
    specs
}

/// Rep `i`'s CSV row: a metro of its region, capacity, quota and skill drawn around its role's, one or
/// two expert verticals, and a start that makes it a new hire, the senior, or tenured.
fn draw_rep(i: usize, r: &RepSpec, rng: &mut StreamRng, normal: &Normal<f64>) -> Vec<String> {
    let metros = [AMER_METROS, EMEA_METROS, ROW_METROS][r.region];
    let (_, lat, lon) = metros[i % metros.len()];
    let field = r.role == SizeBand::Ent;
    let capacity = if field { 110.0 } else { 120.0 } + 8.0 * normal.sample(rng);
    let base_quota: f64 = match r.role {
        SizeBand::Smb => 600_000.0,
        SizeBand::Mm => 1_000_000.0,
        SizeBand::Ent => 1_600_000.0,
    };
    let quota = quota(rng, base_quota, 0.15);
    let skill = if r.senior { 1.25 } else { (0.15 * normal.sample(rng)).exp() };
    let first = pick(rng, VERTICALS, |v| v.1);
    let mut expert = vec![VERTICALS[first].0];
    if rng.random::<f64>() < 0.5 {
        let second = pick(rng, VERTICALS, |v| v.1);
        if second != first {
            expert.push(VERTICALS[second].0);
        }
    }
    let (start, ramp) = if r.new_hire {
        (rng.random_range(-1..=2), rng.random_range(3..=4))
    } else if r.senior {
        (-60, 0)
    } else {
        (-rng.random_range(6..48), 3)
    };
    rep_row(RepFields {
        id: &r.id,
        name: format!(
            "{} {}",
            FIRST_NAMES[(i * 7 + 3) % FIRST_NAMES.len()],
            LAST_NAMES[(i * 11 + 5) % LAST_NAMES.len()]
        ),
        role: r.role,
        region: REGIONS[r.region],
        home: (lat, lon),
        expert: expert.join(";"),
        capacity,
        quota,
        start,
        ramp,
        skill,
        field,
    })
}

/// The plan, accreted badly: the senior's legacy book, the new hires' leftovers, everyone else's equal
/// counts carved by geography, some drift across regions and some accounts never assigned.
fn accrete_plan(accounts: &[Acc], reps: &[RepSpec]) -> Vec<Option<usize>> {
    let n = accounts.len();
    let mut owner: Vec<Option<usize>> = vec![None; n];
    let team = |region: usize, band: SizeBand| -> Vec<usize> {
        (0..reps.len()).filter(|&r| reps[r].region == region && reps[r].role == band).collect()
    };
    // A tenured senior rep kept a legacy book across AMER SMB and MM.
    let legacy = ((n as f64 * 0.21) as usize).min(2_500);
    if let Some(senior) = reps.iter().position(|r| r.senior) {
        let mut taken = 0;
        for (a, acc) in accounts.iter().enumerate() {
            if taken == legacy {
                break;
            }
            if acc.region == 0 && acc.band != SizeBand::Ent && a % 5 < 2 {
                owner[a] = Some(senior);
                taken += 1;
            }
        }
    }
    // New hires got a handful of low-tier leftovers.
    for (r, rep) in reps.iter().enumerate().filter(|(_, r)| r.new_hire) {
        let mut given = 0;
        let want = 30 + (r * 7) % 30;
        for (a, acc) in accounts.iter().enumerate() {
            if given == want {
                break;
            }
            if owner[a].is_none() && acc.region == rep.region && acc.band == rep.role && acc.tier_score < 2.8
            {
                owner[a] = Some(r);
                given += 1;
            }
        }
    }
    // Everyone else: the team's accounts sorted by geography and cut into equal counts, blind to potential.
    for region in 0..3 {
        for band in SizeBand::ALL {
            let members: Vec<usize> =
                team(region, band).into_iter().filter(|&r| !reps[r].new_hire && !reps[r].senior).collect();
            if members.is_empty() {
                continue;
            }
            let pool: Vec<usize> = (0..n)
                .filter(|&a| owner[a].is_none() && accounts[a].region == region && accounts[a].band == band)
                .collect();
            for (a, r) in equal_runs(pool, |a| &accounts[a].row, &members) {
                owner[a] = Some(r);
            }
        }
    }
    // Drift: a few EMEA accounts followed an AMER rep; a few accounts were never assigned.
    let amer_mm = team(0, SizeBand::Mm);
    let mut drifted = 0;
    for a in 0..n {
        if drifted < 15 && accounts[a].region == 1 && accounts[a].band == SizeBand::Mm && a % 17 == 3 {
            owner[a] = amer_mm.get(1).copied().or(owner[a]);
            drifted += 1;
        }
    }
    let mut unowned = 0;
    for a in (0..n).rev() {
        if unowned < 40 && a % 13 == 6 {
            owner[a] = None;
            unowned += 1;
        }
    }
    owner
}

/// Carve-outs: the biggest accounts of tenured reps, locked for strategic reasons. The first AMER ENT rep
/// (the departure scenarios' subject) holds none.
fn carveouts(
    accounts: &[Acc],
    reps: &[RepSpec],
    owner: &[Option<usize>],
    rng: &mut StreamRng,
) -> Vec<Vec<String>> {
    let departing = reps.iter().position(|r| r.region == 0 && r.role == SizeBand::Ent);
    let mut candidates: Vec<usize> = (0..accounts.len())
        .filter(|&a| owner[a].is_some_and(|r| !reps[r].new_hire && Some(r) != departing))
        .collect();
    candidates.sort_by(|&x, &y| accounts[y].employees.total_cmp(&accounts[x].employees).then(x.cmp(&y)));
    let as_of = days_from_civil(2026, 1, 1).unwrap_or(0);
    let reasons = ["strategic account", "partner-sourced", "executive relationship", "legal hold"];
    candidates
        .iter()
        .take(25.min(candidates.len()))
        .enumerate()
        .map(|(k, &a)| {
            let floor = [60, 90, 180][k % 3];
            let idle = rng.random_range(5..240);
            let (y, m, d) = civil_from_days(as_of - idle);
            vec![
                accounts[a].row[0].clone(),
                reps[owner[a].unwrap_or(0)].id.clone(),
                reasons[k % reasons.len()].to_string(),
                floor.to_string(),
                format!("{y:04}-{m:02}-{d:02}"),
            ]
        })
        .collect()
}

/// `counties.csv`: the county units with their adjacency.
fn county_rows(counties: &[County]) -> Vec<Vec<String>> {
    counties
        .iter()
        .map(|c| {
            vec![
                c.fips.clone(),
                c.state.clone(),
                c.name.clone(),
                c.lat.map_or(String::new(), |v| format!("{v:.5}")),
                c.lon.map_or(String::new(), |v| format!("{v:.5}")),
                format!("{:.0}", c.establishments),
                c.neighbors.join(";"),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy county table: one dominant county, several small ones, one with no establishments.
    fn counties() -> Vec<County> {
        let county = |i: usize, est: f64| County {
            fips: format!("{:05}", 1000 + i),
            state: ["CA", "TX", "OH", "ME"][i % 4].to_string(),
            name: format!("County {i}"),
            lat: Some(35.0 + i as f64),
            lon: Some(-100.0 + i as f64),
            establishments: est,
            neighbors: vec![],
        };
        let mut c = vec![county(0, 50_000.0)];
        c.extend((1..20).map(|i| county(i, 1_000.0 * i as f64)));
        c.push(county(20, 0.0));
        c
    }

    #[test]
    fn same_seed_same_market_and_another_seed_another() {
        let spec = GenerateSpec { seed: 5, accounts: 2_000, reps: 40 };
        let a = generate_market(&spec, &counties());
        let b = generate_market(&spec, &counties());
        assert_eq!(a, b);
        let c = generate_market(&GenerateSpec { seed: 6, ..spec }, &counties());
        assert_ne!(a.accounts, c.accounts);
    }

    #[test]
    fn amer_accounts_follow_establishments() {
        let spec = GenerateSpec { seed: 9, accounts: 40_000, reps: 40 };
        let m = generate_market(&spec, &counties());
        let amer: Vec<&Vec<String>> = m.accounts.iter().filter(|r| r[2] == "AMER").collect();
        // AMER is 55% of accounts: binomial SE at n = 40,000 is 0.25 points.
        let share = amer.len() as f64 / m.accounts.len() as f64;
        assert!((share - 0.55).abs() < 0.01, "AMER share {share}");
        let total: f64 = counties().iter().map(|c| c.establishments).sum();
        for c in counties() {
            let n = amer.iter().filter(|r| r[5] == c.fips).count() as f64;
            let expected = amer.len() as f64 * c.establishments / total;
            // Poisson-like count: within 5 standard errors of its expectation.
            assert!((n - expected).abs() <= 5.0 * expected.sqrt().max(1.0), "{}: {n} vs {expected}", c.fips);
        }
    }

    #[test]
    fn the_plan_has_the_built_in_imbalances() {
        let m = generate_market(&GenerateSpec { seed: 3, accounts: 12_000, reps: 40 }, &counties());
        let mut books = std::collections::HashMap::new();
        for row in &m.plan {
            *books.entry(row[1].clone()).or_insert(0usize) += 1;
        }
        let unowned = books.remove("").unwrap_or(0);
        assert!(unowned > 0, "some accounts are unowned");
        let mut sizes: Vec<usize> = books.values().copied().collect();
        sizes.sort_unstable();
        let (largest, median) = (sizes[sizes.len() - 1], sizes[sizes.len() / 2]);
        assert!(largest > 5 * median, "senior book {largest} vs median {median}");
        // New hires (ramping) hold small books.
        let hires: Vec<&Vec<String>> =
            m.reps.iter().filter(|r| r[11] != "0" && r[10].parse::<i32>().unwrap() >= -1).collect();
        assert!(hires.len() >= 3);
        for h in hires {
            assert!(books[&h[0]] < median / 2, "{} holds {}", h[0], books[&h[0]]);
        }
        // Carve-outs are locked to the plan's owner.
        let owner: std::collections::HashMap<&str, &str> =
            m.plan.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
        assert!(m.carveouts.len() >= 10);
        for c in &m.carveouts {
            assert_eq!(owner[c[0].as_str()], c[1]);
        }
    }
}
