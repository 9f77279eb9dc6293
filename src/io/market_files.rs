//! `load_market`: reps, accounts, plan and carve-outs from CSV, checked against each other and the
//! scenario's events.

use std::collections::HashMap;
use std::path::Path;

use crate::market::{
    Account, AccountId, CarveOut, GeoPoint, Market, Money, Motion, Plan, Region, Rep, RepId, ScoreInputs,
    SizeBand, Tier, parse_crm_date, parse_iso_date,
};
use crate::scenario::Scenario;

use super::csv_table::{Field, Row, Table, parse_bool, parse_money, parse_number};
use super::error::{DataError, RowError, RowErrors};

macro_rules! fields {
    ($($ix:ident = $name:literal, $required:literal, [$($alias:literal),*];)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, reason = "field indexes mirror field names")]
        #[derive(Clone, Copy)]
        #[repr(usize)]
        pub(super) enum F { $($ix),* }
        const FIELDS: &[Field] = &[$(Field { name: $name, aliases: &[$($alias),*], required: $required }),*];
    };
}

mod reps_fields {
    use super::Field;
    fields! {
        ID = "id", true, ["id", "repid", "userid", "ownerid", "hubspotownerid"];
        NAME = "name", false, ["name", "repname", "fullname", "username", "ownername"];
        ROLE = "role", true, ["role", "segment", "sizeband", "rolec", "segmentc"];
        TEAM = "team", false, ["team", "teamname"];
        REGION = "region", true, ["region", "homeregion", "regionc"];
        LAT = "latitude", false, ["latitude", "lat", "homelatitude"];
        LON = "longitude", false, ["longitude", "lon", "lng", "homelongitude"];
        EXPERT = "expert_verticals", false, ["expertverticals", "verticals", "expertise"];
        CAPACITY = "capacity_hours", true, ["capacityhours", "capacity", "sellinghours", "hourspermonth"];
        QUOTA = "annual_quota", true, ["annualquota", "quota", "quotaamount"];
        START = "start_month", false, ["startmonth"];
        RAMP = "ramp_months", false, ["rampmonths", "ramp"];
        END = "end_month", false, ["endmonth"];
        SKILL = "skill", false, ["skill", "skillmultiplier"];
        MOTION = "motion", false, ["motion", "salesmotion"];
    }
    pub(super) use F as R;
    pub(super) const REPS: &[Field] = FIELDS;
}

mod account_fields {
    use super::Field;
    fields! {
        ID = "id", true, ["id", "accountid", "recordid", "hsobjectid", "companyid"];
        NAME = "name", true, ["name", "accountname", "companyname", "company"];
        REGION = "region", false, ["region", "regionc", "salesregion"];
        COUNTRY = "country", false, ["country", "billingcountry", "countryregion", "billingcountrycode"];
        STATE = "state", false, ["state", "billingstate", "billingstateprovince", "stateregion", "stateprovince"];
        FIPS = "county_fips", false, ["countyfips", "fips", "countyfipsc"];
        POSTAL = "postal_code", false, ["postalcode", "billingpostalcode", "billingzippostalcode", "zip", "zipcode", "postcode"];
        LAT = "latitude", false, ["latitude", "billinglatitude", "lat"];
        LON = "longitude", false, ["longitude", "billinglongitude", "lon", "lng"];
        VERTICAL = "vertical", false, ["vertical", "industry", "verticalc", "sector"];
        EMPLOYEES = "employees", false, ["employees", "numberofemployees"];
        REVENUE = "annual_revenue", false, ["annualrevenue", "revenue"];
        CUSTOMER = "is_customer", false, ["iscustomer", "customer", "iscustomerc"];
        ICP = "icp_fit", false, ["icpfit", "icpfitc", "icpscore"];
        SIGNAL = "signal_recency", false, ["signalrecency", "signalrecencyc", "buyingsignalrecency"];
        WHITESPACE = "whitespace", false, ["whitespace", "whitespacec", "whitespacescore"];
        DIFFICULTY = "competitive_difficulty", false, ["competitivedifficulty", "competitivedifficultyc", "displacementdifficulty"];
        VALUE = "whitespace_value", false, ["whitespacevalue", "whitespacevaluec", "potential"];
        OWNER = "owner_id", false, ["ownerid", "owner", "accountowner", "hubspotownerid", "companyowner", "accountownerid"];
    }
    pub(super) use F as A;
    pub(super) const ACCOUNTS: &[Field] = FIELDS;
}

mod plan_fields {
    use super::Field;
    fields! {
        ACCOUNT = "account_id", true, ["accountid", "account", "id"];
        OWNER = "owner_id", true, ["ownerid", "owner", "repid", "newownerid"];
    }
    pub(super) use F as P;
    pub(super) const PLAN: &[Field] = FIELDS;
}

mod carveout_fields {
    use super::Field;
    fields! {
        ACCOUNT = "account_id", true, ["accountid", "account", "id"];
        OWNER = "owner_id", true, ["ownerid", "owner", "repid"];
        REASON = "reason", false, ["reason", "carveoutreason"];
        FLOOR = "activity_floor_days", false, ["activityfloordays", "activityfloor", "floordays"];
        LAST = "last_activity_date", false, ["lastactivitydate", "lastactivity"];
    }
    pub(super) use F as C;
    pub(super) const CARVEOUTS: &[Field] = FIELDS;
}

use account_fields::{A, ACCOUNTS};
use carveout_fields::{C, CARVEOUTS};
use plan_fields::{P, PLAN};
use reps_fields::{R, REPS};

/// Loads the market of a scenario: reps, accounts, the plan and carve-outs, each checked row by row (errors
/// collected per file), then against each other and the scenario's events.
pub fn load_market(scenario: &Scenario) -> Result<Market, DataError> {
    let data = &scenario.data;
    let reps = read_reps(&scenario.resolve_path(&data.reps), scenario)?;
    let owners = OwnerIndex::new(&reps);
    let (accounts, account_owners) =
        read_accounts(&scenario.resolve_path(&data.accounts), scenario, &owners)?;
    let account_ix: HashMap<&str, usize> =
        accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let plan = match &data.plan {
        Some(path) => {
            read_plan(&scenario.resolve_path(path), scenario, &account_ix, &owners, accounts.len())?
        }
        None => Plan::from_owners(account_owners.iter().map(|o| o.map(|r| r as u32)).collect()),
    };
    let carveouts = match &data.carveouts {
        Some(path) => {
            read_carveouts(&scenario.resolve_path(path), scenario, &account_ix, &owners, &plan, &reps)?
        }
        None => Vec::new(),
    };
    check_events(scenario, &reps)?;
    Ok(Market::new(accounts, reps, plan, carveouts)?)
}

/// Resolves owner cells: a rep id first, then a unique rep name (Salesforce reports give owner names).
struct OwnerIndex {
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, Option<usize>>,
}

impl OwnerIndex {
    fn new(reps: &[Rep]) -> Self {
        let by_id = reps.iter().enumerate().map(|(i, r)| (r.id.to_string(), i)).collect();
        let mut by_name: HashMap<String, Option<usize>> = HashMap::new();
        for (i, r) in reps.iter().enumerate() {
            by_name.entry(r.name.to_lowercase()).and_modify(|e| *e = None).or_insert(Some(i));
        }
        OwnerIndex { by_id, by_name }
    }

    fn resolve(&self, raw: &str) -> Result<usize, String> {
        if let Some(&r) = self.by_id.get(raw) {
            return Ok(r);
        }
        match self.by_name.get(&raw.to_lowercase()) {
            Some(Some(r)) => Ok(*r),
            Some(None) => Err(format!("owner \"{raw}\" matches several reps by name; use the rep id")),
            None => Err(format!("owner \"{raw}\" is not in the reps file; add the rep or fix the owner")),
        }
    }
}

fn read_reps(file: &Path, scenario: &Scenario) -> Result<Vec<Rep>, DataError> {
    let mut table = Table::open(file, "reps", REPS, &scenario.data.columns.reps)?;
    let mut errors = RowErrors::default();
    let mut reps = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        if let Some(rep) = parse_rep(row, errors) {
            let id = rep.id.to_string();
            if let Some(first) = first_line.get(&id) {
                errors.push(row.error(R::ID as usize, "id", format!(
                    "rep {id} appears twice (lines {first} and {}); a rep can be in one place only: merge or remove one row",
                    row.line
                )));
            } else {
                first_line.insert(id, row.line);
                reps.push(rep);
            }
        }
    });
    errors.into_result(file)?;
    Ok(reps)
}

fn parse_rep(row: &Row<'_>, errors: &mut RowErrors) -> Option<Rep> {
    let mut ok = true;
    let mut fail = |e: RowError| {
        ok = false;
        errors.push(e);
    };
    let field = |f: R| f as usize;
    let id = match row.get(field(R::ID)).map(RepId::new) {
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => {
            fail(row.error(field(R::ID), "id", format!("{e}; give every rep an id")));
            None
        }
        None => {
            fail(row.error(field(R::ID), "id", "the id is empty; give every rep an id"));
            None
        }
    };
    let role = match row.get(field(R::ROLE)) {
        Some(raw) => SizeBand::parse(raw).or_else(|| {
            fail(row.error(field(R::ROLE), "role", format!("\"{raw}\" is not a role; use SMB, MM or ENT")));
            None
        }),
        None => {
            fail(row.error(field(R::ROLE), "role", "the role is empty; use SMB, MM or ENT"));
            None
        }
    };
    let region = match row.get(field(R::REGION)).and_then(Region::new) {
        Some(r) => Some(r),
        None => {
            fail(row.error(field(R::REGION), "region", "the region is empty; use AMER, EMEA or ROW"));
            None
        }
    };
    let mut number = |f: R, name: &'static str, default: Option<f64>, min: f64, rule: &str| -> Option<f64> {
        match row.get(field(f)) {
            None => default.or_else(|| {
                fail(row.error(field(f), name, format!("the cell is empty; give {rule}")));
                None
            }),
            Some(raw) => {
                let parsed = if name == "annual_quota" { parse_money(raw) } else { parse_number(raw) };
                match parsed {
                    Ok(v) if v >= min => Some(v),
                    Ok(v) => {
                        fail(row.error(field(f), name, format!("{v} is out of range; give {rule}")));
                        None
                    }
                    Err(e) => {
                        fail(row.error(field(f), name, format!("{e}; give {rule}")));
                        None
                    }
                }
            }
        }
    };
    let capacity = number(
        R::CAPACITY,
        "capacity_hours",
        None,
        0.0,
        "selling hours per month, zero or more (capacity cannot be negative)",
    );
    let quota = number(R::QUOTA, "annual_quota", None, 0.0, "the annual quota, zero or more");
    let start = number(
        R::START,
        "start_month",
        Some(1.0),
        -600.0,
        "a whole month number (1 = first month; 0 or less = started before)",
    );
    let ramp = number(R::RAMP, "ramp_months", Some(0.0), 0.0, "whole months of ramp, zero or more");
    let skill = number(R::SKILL, "skill", Some(1.0), 1e-9, "a positive win-rate multiplier such as 1.1");
    let end = match row.get(field(R::END)) {
        None => Some(None),
        Some(raw) => match parse_number(raw) {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 => Some(Some(v as u32)),
            _ => {
                fail(row.error(field(R::END), "end_month", format!("\"{raw}\" is not a month; give the last selling month as a whole number, or leave it empty")));
                None
            }
        },
    };
    for (f, name, v) in [(R::START, "start_month", start), (R::RAMP, "ramp_months", ramp)] {
        if v.is_some_and(|v| v.fract() != 0.0) {
            fail(row.error(field(f), name, "give a whole number of months"));
        }
    }
    let home = match (row.get(field(R::LAT)), row.get(field(R::LON))) {
        (None, None) => Some(None),
        (Some(lat), Some(lon)) => match (parse_number(lat), parse_number(lon)) {
            (Ok(la), Ok(lo)) => GeoPoint::new(la, lo).map(Some).or_else(|| { fail(row.error(field(R::LAT), "latitude", format!("({lat}, {lon}) is not a place; latitude must be in [-90, 90] and longitude in [-180, 180]"))); None }),
            _ => { fail(row.error(field(R::LAT), "latitude", format!("({lat}, {lon}) are not numbers"))); None }
        },
        _ => { fail(row.error(field(R::LAT), "latitude", "give both latitude and longitude, or neither")); None }
    };
    let motion = match row.get(field(R::MOTION)) {
        None => role.map(Motion::default_for),
        Some(raw) => Motion::parse(raw).or_else(|| {
            fail(row.error(
                field(R::MOTION),
                "motion",
                format!("\"{raw}\" is not a motion; use inside or field"),
            ));
            None
        }),
    };
    if !ok {
        return None;
    }
    let (id, role, region) = (id?, role?, region?);
    Some(Rep {
        name: row.get(field(R::NAME)).map_or_else(|| id.to_string(), str::to_string),
        team: row.get(field(R::TEAM)).map_or_else(|| format!("{region}-{role}"), str::to_string),
        expert_verticals: row
            .get(field(R::EXPERT))
            .map(|v| {
                v.split([';', '|']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
            })
            .unwrap_or_default(),
        capacity_hours: capacity?,
        annual_quota: Money::new(quota?).ok()?,
        start_month: start? as i32,
        ramp_months: ramp? as u32,
        end_month: end?,
        skill: skill?,
        motion: motion?,
        home: home?,
        id,
        role,
        region,
    })
}

fn read_accounts(
    file: &Path,
    scenario: &Scenario,
    owners: &OwnerIndex,
) -> Result<(Vec<Account>, Vec<Option<usize>>), DataError> {
    let mut table = Table::open(file, "accounts", ACCOUNTS, &scenario.data.columns.accounts)?;
    if !table.has(A::REGION as usize) && !table.has(A::COUNTRY as usize) {
        return Err(DataError::MissingColumn {
            file: file.to_path_buf(),
            table: table.name(),
            field: "region",
            aliases: "\"region\", or a country column (\"country\", \"billingcountry\") to derive it from"
                .into(),
            found: "neither".into(),
        });
    }
    let scoring = scenario.scoring();
    let mut errors = RowErrors::default();
    let mut accounts = Vec::new();
    let mut account_owners = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some((account, owner)) = parse_account(row, errors, scenario, &scoring, owners) else { return };
        let id = account.id.to_string();
        if let Some(first) = first_line.get(&id) {
            errors.push(row.error(A::ID as usize, "id", format!(
                "duplicate account id {id} (first on line {first}); account ids must be unique: remove or merge the duplicate"
            )));
            return;
        }
        first_line.insert(id, row.line);
        accounts.push(account);
        account_owners.push(owner);
    });
    errors.into_result(file)?;
    Ok((accounts, account_owners))
}

fn parse_account(
    row: &Row<'_>,
    errors: &mut RowErrors,
    scenario: &Scenario,
    scoring: &crate::market::Scoring,
    owners: &OwnerIndex,
) -> Option<(Account, Option<usize>)> {
    let start = errors.errors.len() + errors.more;
    let f = |a: A| a as usize;
    let id = match row.get(f(A::ID)).map(AccountId::new) {
        Some(Ok(id)) => Some(id),
        _ => {
            errors.push(row.error(f(A::ID), "id", "the id is empty or invalid; give every account an id"));
            None
        }
    };
    let name = row.get(f(A::NAME)).map(str::to_string);
    if name.is_none() {
        errors.push(row.error(f(A::NAME), "name", "the name is empty; give the company's name"));
    }
    let country = row.get(f(A::COUNTRY)).unwrap_or("").to_string();
    let region = row.get(f(A::REGION)).and_then(Region::new).or_else(|| Region::of_country(&country));
    if region.is_none() {
        errors.push(row.error(f(A::REGION), "region", format!(
            "no region, and the country \"{country}\" is not one terrasim maps; add a region column (AMER, EMEA, ROW)"
        )));
    }
    let mut optional = |a: A, name: &'static str, money: bool| -> Option<f64> {
        let raw = row.get(f(a))?;
        let parsed = if money {
            parse_money(raw)
        } else {
            parse_number(raw).and_then(|v| if v < 0.0 { Err(format!("{v} is negative")) } else { Ok(v) })
        };
        parsed
            .map_err(|e| {
                errors.push(row.error(
                    f(a),
                    name,
                    format!("{e}; give a non-negative number or leave the cell empty"),
                ))
            })
            .ok()
    };
    let employees = optional(A::EMPLOYEES, "employees", false).map(|v| v.round() as u32);
    let revenue = optional(A::REVENUE, "annual_revenue", true).and_then(|v| Money::new(v).ok());
    let whitespace_value = optional(A::VALUE, "whitespace_value", true).and_then(|v| Money::new(v).ok());
    let mut score = |a: A, name: &'static str| -> u8 {
        match row.get(f(a)) {
            None => 3,
            Some(raw) => match parse_number(raw) {
                Ok(v) if (1.0..=5.0).contains(&v) && v.fract() == 0.0 => v as u8,
                _ => {
                    errors.push(row.error(
                        f(a),
                        name,
                        format!("\"{raw}\" is not a score; give a whole number from 1 to 5"),
                    ));
                    3
                }
            },
        }
    };
    let inputs = ScoreInputs {
        icp_fit: score(A::ICP, "icp_fit"),
        signal_recency: score(A::SIGNAL, "signal_recency"),
        whitespace: score(A::WHITESPACE, "whitespace"),
        competitive_difficulty: score(A::DIFFICULTY, "competitive_difficulty"),
    };
    let location = match (row.get(f(A::LAT)), row.get(f(A::LON))) {
        (Some(lat), Some(lon)) => match (parse_number(lat), parse_number(lon)) {
            (Ok(la), Ok(lo)) if GeoPoint::new(la, lo).is_some() => GeoPoint::new(la, lo),
            _ => {
                errors.push(row.error(f(A::LAT), "latitude", format!("({lat}, {lon}) is not a place; latitude must be in [-90, 90] and longitude in [-180, 180]")));
                None
            }
        },
        _ => None,
    };
    let is_customer = match row.get(f(A::CUSTOMER)) {
        None => false,
        Some(raw) => parse_bool(raw).unwrap_or_else(|| {
            errors.push(row.error(
                f(A::CUSTOMER),
                "is_customer",
                format!("\"{raw}\" is not yes/no; use true or false"),
            ));
            false
        }),
    };
    let owner = match row.get(f(A::OWNER)) {
        None => None,
        Some(raw) => match owners.resolve(raw) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(row.error(f(A::OWNER), "owner_id", e));
                None
            }
        },
    };
    if errors.errors.len() + errors.more > start {
        return None;
    }
    let size_band = scenario.size_bands.band(employees, revenue);
    let mut account = Account {
        id: id?,
        name: name?,
        region: region?,
        country,
        state: row.get(f(A::STATE)).unwrap_or("").to_string(),
        county_fips: row.get(f(A::FIPS)).map(str::to_string),
        postal_code: row.get(f(A::POSTAL)).map(str::to_string),
        location,
        vertical: row.get(f(A::VERTICAL)).unwrap_or("Unknown").to_string(),
        employees,
        annual_revenue: revenue,
        is_customer,
        score_inputs: inputs,
        whitespace_value,
        size_band,
        score: scoring.score(inputs),
        tier: Tier(3),
        potential: Money::ZERO,
    };
    account.tier = scoring.tier(account.score);
    let prefixes: Vec<String> = account.segment_path(&scenario.segmentation.hierarchy).prefixes().collect();
    let typical = whitespace_value.unwrap_or_else(|| {
        Money::new(scenario.segment_params(size_band, &prefixes).0.deal_size).unwrap_or(Money::ZERO)
    });
    account.potential = scoring.potential(account.score, typical);
    Some((account, owner))
}

fn read_plan(
    file: &Path,
    scenario: &Scenario,
    accounts: &HashMap<&str, usize>,
    owners: &OwnerIndex,
    n: usize,
) -> Result<Plan, DataError> {
    let mut table = Table::open(file, "plan", PLAN, &scenario.data.columns.plan)?;
    let mut errors = RowErrors::default();
    let mut plan = Plan::unowned(n);
    let mut seen: HashMap<usize, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some(raw) = row.get(P::ACCOUNT as usize) else {
            errors.push(row.error(P::ACCOUNT as usize, "account_id", "the account id is empty"));
            return;
        };
        let Some(&a) = accounts.get(raw) else {
            errors.push(row.error(P::ACCOUNT as usize, "account_id", format!("account {raw} is not in the accounts file; remove the row or add the account")));
            return;
        };
        if let Some(first) = seen.insert(a, row.line) {
            errors.push(row.error(P::ACCOUNT as usize, "account_id", format!(
                "account {raw} is given two owners (lines {first} and {}); an account has exactly one owner: keep one row", row.line
            )));
            return;
        }
        match row.get(P::OWNER as usize).map(|o| owners.resolve(o)) {
            None => {}
            Some(Ok(r)) => plan.assign(a, Some(r)),
            Some(Err(e)) => errors.push(row.error(P::OWNER as usize, "owner_id", e)),
        }
    });
    errors.into_result(file)?;
    Ok(plan)
}

fn read_carveouts(
    file: &Path,
    scenario: &Scenario,
    accounts: &HashMap<&str, usize>,
    owners: &OwnerIndex,
    plan: &Plan,
    reps: &[Rep],
) -> Result<Vec<CarveOut>, DataError> {
    let mut table = Table::open(file, "carveouts", CARVEOUTS, &scenario.data.columns.carveouts)?;
    let as_of = scenario.as_of.as_deref().and_then(parse_iso_date);
    let departing: Vec<bool> = reps
        .iter()
        .map(|r| {
            r.end_month.is_some_and(|e| e <= scenario.horizon_months)
                || scenario.events.departure.iter().any(|d| d.rep == r.id)
        })
        .collect();
    let mut errors = RowErrors::default();
    let mut carveouts = Vec::new();
    table.for_each(&mut errors, |row, errors| {
        let Some(raw) = row.get(C::ACCOUNT as usize) else {
            errors.push(row.error(C::ACCOUNT as usize, "account_id", "the account id is empty"));
            return;
        };
        let Some(&a) = accounts.get(raw) else {
            errors.push(row.error(C::ACCOUNT as usize, "account_id", format!("account {raw} is not in the accounts file")));
            return;
        };
        let owner = match row.get(C::OWNER as usize).map(|o| owners.resolve(o)) {
            Some(Ok(r)) => r,
            Some(Err(e)) => return errors.push(row.error(C::OWNER as usize, "owner_id", e)),
            None => return errors.push(row.error(C::OWNER as usize, "owner_id", "a carve-out needs the owner it is locked to")),
        };
        if departing[owner] {
            return errors.push(row.error(C::OWNER as usize, "owner_id", format!(
                "the carve-out of {raw} is locked to {}, who leaves during the horizon; reassign the carve-out to a rep who stays",
                reps[owner].id
            )));
        }
        if plan.owner(a) != Some(owner) {
            let planned = plan.owner(a).map_or_else(|| "nobody".to_string(), |r| reps[r].id.to_string());
            return errors.push(row.error(C::OWNER as usize, "owner_id", format!(
                "account {raw} is carved out to {} but the plan gives it to {planned}; a carve-out locks its owner: make them agree",
                reps[owner].id
            )));
        }
        let floor = match row.get(C::FLOOR as usize) {
            None => None,
            Some(raw) => match parse_number(raw) {
                Ok(v) if v >= 0.0 && v.fract() == 0.0 => Some(v as u32),
                _ => return errors.push(row.error(C::FLOOR as usize, "activity_floor_days", format!("\"{raw}\" is not a whole number of days"))),
            },
        };
        let days_since = match row.get(C::LAST as usize) {
            None => None,
            Some(raw) => match parse_crm_date(raw) {
                Some(day) => as_of.map(|now| (now - day).max(0) as u32),
                None => return errors.push(row.error(C::LAST as usize, "last_activity_date", format!("\"{raw}\" is not a date; write YYYY-MM-DD or M/D/YYYY"))),
            },
        };
        carveouts.push(CarveOut {
            account: a,
            owner,
            reason: row.get(C::REASON as usize).unwrap_or("").to_string(),
            activity_floor_days: floor,
            days_since_activity: days_since,
        });
    });
    errors.into_result(file)?;
    Ok(carveouts)
}

fn check_events(scenario: &Scenario, reps: &[Rep]) -> Result<(), DataError> {
    let known = |id: &RepId| reps.iter().any(|r| &r.id == id);
    let invalid = |field: String, message: String| DataError::Scenario {
        file: scenario.source.clone(),
        field,
        message,
    };
    let unknown = |field: String, id: &RepId| {
        invalid(field, format!("rep {id} is not in the reps file; add it there or fix the id"))
    };
    let ev = &scenario.events;
    for (i, h) in ev.hire.iter().enumerate() {
        if known(&h.rep) {
            return Err(invalid(
                format!("events.hire[{i}].rep"),
                format!(
                    "rep {} is already in the reps file; a rep can be in one place only: give the hire a new id",
                    h.rep
                ),
            ));
        }
        for (j, d) in h.take_from.iter().enumerate() {
            if !known(d) {
                return Err(unknown(format!("events.hire[{i}].take_from[{j}]"), d));
            }
        }
    }
    for (i, d) in ev.departure.iter().enumerate() {
        if !known(&d.rep) {
            return Err(unknown(format!("events.departure[{i}].rep"), &d.rep));
        }
        if let Some(to) = &d.reassign_to {
            if !known(to) {
                return Err(unknown(format!("events.departure[{i}].reassign_to"), to));
            }
        }
    }
    for (i, c) in ev.capacity_change.iter().enumerate() {
        if !known(&c.rep) {
            return Err(unknown(format!("events.capacity_change[{i}].rep"), &c.rep));
        }
    }
    for (i, q) in ev.quota_change.iter().enumerate() {
        if !known(&q.rep) {
            return Err(unknown(format!("events.quota_change[{i}].rep"), &q.rep));
        }
    }
    for (i, s) in scenario.shocks.iter().enumerate() {
        if let Some(r) = &s.depart_rep {
            if !known(r) {
                return Err(unknown(format!("shocks[{i}].depart_rep"), r));
            }
        }
    }
    Ok(())
}
