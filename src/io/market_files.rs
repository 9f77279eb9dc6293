//! `load_market`: reps, accounts, plan and carve-outs from CSV, checked against each other and the
//! scenario's events.

use std::collections::HashMap;
use std::path::Path;

use crate::market::{
    Account, AccountId, CarveOut, GeoPoint, Market, Money, Motion, Plan, Region, Rep, RepId, ScoreInputs,
    SizeBand, Tier, parse_crm_date, parse_iso_date,
};
use crate::scenario::Scenario;

use super::csv_table::{Row, Table, parse_bool, parse_money, parse_number};
use super::error::{DataError, RowError, RowErrors};

use super::fields::{
    account_fields::{A, ACCOUNTS},
    carveout_fields::{C, CARVEOUTS},
    plan_fields::{P, PLAN},
    reps_fields::{R, REPS},
    unit_fields::{U, UNITS},
};

/// Loads the market of a scenario: reps, accounts, the plan and carve-outs, each checked row by row (errors
/// collected per file), then against each other and the scenario's events.
pub fn load_market(scenario: &Scenario) -> Result<Market, DataError> {
    let data = &scenario.data;
    let mut reps = read_reps(&scenario.resolve_path(&data.reps), scenario)?;
    apply_skills(scenario, &mut reps)?;
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

/// Loads a plan file (account id → owner id or name) against `market`: every account named once, every
/// owner a rep of the market. Accounts the file does not name are unowned.
pub fn load_plan(file: &Path, scenario: &Scenario, market: &Market) -> Result<Plan, DataError> {
    let owners = OwnerIndex::new(market.reps());
    let account_ix: HashMap<&str, usize> =
        market.accounts().iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let plan = read_plan(file, scenario, &account_ix, &owners, market.accounts().len())?;
    for c in market.carveouts() {
        if plan.owner(c.account) != Some(c.owner) {
            return Err(DataError::Read {
                file: file.to_path_buf(),
                reason: format!(
                    "account {} is carved out to {}, but this plan gives it to {}; a carve-out locks its owner: make them agree",
                    market.accounts()[c.account].id,
                    market.reps()[c.owner].id,
                    plan.owner(c.account)
                        .map_or_else(|| "nobody".to_string(), |r| market.reps()[r].id.to_string())
                ),
            });
        }
    }
    Ok(plan)
}

/// Loads a geographic unit table: a unit id (`fips`, `unit`, ...), optional `lat`/`lon`, and `neighbors`
/// (`;`-separated unit ids).
pub fn load_units(file: &Path) -> Result<crate::optimize::UnitGraph, DataError> {
    let mut table = Table::open(file, "units", UNITS, &Default::default())?;
    let mut errors = RowErrors::default();
    let mut units = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some(id) = row.get(U::Unit as usize) else {
            errors.push(row.error(U::Unit as usize, "unit", "the unit id is empty"));
            return;
        };
        if let Some(first) = seen.insert(id.to_string(), row.line) {
            errors.push(row.error(
                U::Unit as usize,
                "unit",
                format!("unit {id} appears twice (lines {first} and {}); keep one row", row.line),
            ));
            return;
        }
        let coord =
            |c: U, name: &'static str, errors: &mut RowErrors| match row.get(c as usize).map(parse_number) {
                None => None,
                Some(Ok(v)) => Some(v),
                Some(Err(e)) => {
                    errors.push(row.error(c as usize, name, e));
                    None
                }
            };
        let lat = coord(U::Lat, "lat", errors);
        let lon = coord(U::Lon, "lon", errors);
        let at = match (lat, lon) {
            (Some(lat), Some(lon)) => GeoPoint::new(lat, lon),
            _ => None,
        };
        let neighbors: Vec<String> = row
            .get(U::Neighbors as usize)
            .map(|n| n.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default();
        units.push((id.to_string(), at, neighbors));
    });
    errors.into_result(file)?;
    Ok(crate::optimize::UnitGraph::new(units))
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
                errors.push(row.error(R::Id as usize, "id", format!(
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
    let id = match row.get(field(R::Id)).map(RepId::new) {
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => {
            fail(row.error(field(R::Id), "id", format!("{e}; give every rep an id")));
            None
        }
        None => {
            fail(row.error(field(R::Id), "id", "the id is empty; give every rep an id"));
            None
        }
    };
    let role = match row.get(field(R::Role)) {
        Some(raw) => SizeBand::parse(raw).or_else(|| {
            fail(row.error(field(R::Role), "role", format!("\"{raw}\" is not a role; use SMB, MM or ENT")));
            None
        }),
        None => {
            fail(row.error(field(R::Role), "role", "the role is empty; use SMB, MM or ENT"));
            None
        }
    };
    let region = match row.get(field(R::Region)).and_then(Region::new) {
        Some(r) => Some(r),
        None => {
            fail(row.error(field(R::Region), "region", "the region is empty; use AMER, EMEA or ROW"));
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
        R::Capacity,
        "capacity_hours",
        None,
        0.0,
        "selling hours per month, zero or more (capacity cannot be negative)",
    );
    let quota = number(R::Quota, "annual_quota", None, 0.0, "the annual quota, zero or more");
    let start = number(
        R::Start,
        "start_month",
        Some(1.0),
        -600.0,
        "a whole month number (1 = first month; 0 or less = started before)",
    );
    let ramp = number(R::Ramp, "ramp_months", Some(0.0), 0.0, "whole months of ramp, zero or more");
    let skill = number(R::Skill, "skill", Some(1.0), 1e-9, "a positive win-rate multiplier such as 1.1");
    let end = match row.get(field(R::End)) {
        None => Some(None),
        Some(raw) => match parse_number(raw) {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 => Some(Some(v as u32)),
            _ => {
                fail(row.error(field(R::End), "end_month", format!("\"{raw}\" is not a month; give the last selling month as a whole number, or leave it empty")));
                None
            }
        },
    };
    for (f, name, v) in [(R::Start, "start_month", start), (R::Ramp, "ramp_months", ramp)] {
        if v.is_some_and(|v| v.fract() != 0.0) {
            fail(row.error(field(f), name, "give a whole number of months"));
        }
    }
    let home = match (row.get(field(R::Lat)), row.get(field(R::Lon))) {
        (None, None) => Some(None),
        (Some(lat), Some(lon)) => match (parse_number(lat), parse_number(lon)) {
            (Ok(la), Ok(lo)) => GeoPoint::new(la, lo).map(Some).or_else(|| { fail(row.error(field(R::Lat), "latitude", format!("({lat}, {lon}) is not a place; latitude must be in [-90, 90] and longitude in [-180, 180]"))); None }),
            _ => { fail(row.error(field(R::Lat), "latitude", format!("({lat}, {lon}) are not numbers"))); None }
        },
        _ => { fail(row.error(field(R::Lat), "latitude", "give both latitude and longitude, or neither")); None }
    };
    let motion = match row.get(field(R::Motion)) {
        None => role.map(Motion::default_for),
        Some(raw) => Motion::parse(raw).or_else(|| {
            fail(row.error(
                field(R::Motion),
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
        name: row.get(field(R::Name)).map_or_else(|| id.to_string(), str::to_string),
        team: row.get(field(R::Team)).map_or_else(|| format!("{region}-{role}"), str::to_string),
        expert_verticals: row
            .get(field(R::Expert))
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
    if !table.has(A::Region as usize) && !table.has(A::Country as usize) {
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
            errors.push(row.error(A::Id as usize, "id", format!(
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
    let id = match row.get(f(A::Id)).map(AccountId::new) {
        Some(Ok(id)) => Some(id),
        _ => {
            errors.push(row.error(f(A::Id), "id", "the id is empty or invalid; give every account an id"));
            None
        }
    };
    let name = row.get(f(A::Name)).map(str::to_string);
    if name.is_none() {
        errors.push(row.error(f(A::Name), "name", "the name is empty; give the company's name"));
    }
    let country = row.get(f(A::Country)).unwrap_or("").to_string();
    let region = row.get(f(A::Region)).and_then(Region::new).or_else(|| Region::of_country(&country));
    if region.is_none() {
        errors.push(row.error(f(A::Region), "region", format!(
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
    let employees = optional(A::Employees, "employees", false).map(|v| v.round() as u32);
    let revenue = optional(A::Revenue, "annual_revenue", true).and_then(|v| Money::new(v).ok());
    let whitespace_value = optional(A::Value, "whitespace_value", true).and_then(|v| Money::new(v).ok());
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
        icp_fit: score(A::Icp, "icp_fit"),
        signal_recency: score(A::Signal, "signal_recency"),
        whitespace: score(A::Whitespace, "whitespace"),
        competitive_difficulty: score(A::Difficulty, "competitive_difficulty"),
    };
    let location = match (row.get(f(A::Lat)), row.get(f(A::Lon))) {
        (Some(lat), Some(lon)) => match (parse_number(lat), parse_number(lon)) {
            (Ok(la), Ok(lo)) if GeoPoint::new(la, lo).is_some() => GeoPoint::new(la, lo),
            _ => {
                errors.push(row.error(f(A::Lat), "latitude", format!("({lat}, {lon}) is not a place; latitude must be in [-90, 90] and longitude in [-180, 180]")));
                None
            }
        },
        _ => None,
    };
    let is_customer = match row.get(f(A::Customer)) {
        None => false,
        Some(raw) => parse_bool(raw).unwrap_or_else(|| {
            errors.push(row.error(
                f(A::Customer),
                "is_customer",
                format!("\"{raw}\" is not yes/no; use true or false"),
            ));
            false
        }),
    };
    let owner = match row.get(f(A::Owner)) {
        None => None,
        Some(raw) => match owners.resolve(raw) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(row.error(f(A::Owner), "owner_id", e));
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
        state: row.get(f(A::State)).unwrap_or("").to_string(),
        county_fips: row.get(f(A::Fips)).map(str::to_string),
        postal_code: row.get(f(A::Postal)).map(str::to_string),
        location,
        vertical: row.get(f(A::Vertical)).unwrap_or("Unknown").to_string(),
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
        let Some(raw) = row.get(P::Account as usize) else {
            errors.push(row.error(P::Account as usize, "account_id", "the account id is empty"));
            return;
        };
        let Some(&a) = accounts.get(raw) else {
            errors.push(row.error(P::Account as usize, "account_id", format!("account {raw} is not in the accounts file; remove the row or add the account")));
            return;
        };
        if let Some(first) = seen.insert(a, row.line) {
            errors.push(row.error(P::Account as usize, "account_id", format!(
                "account {raw} is given two owners (lines {first} and {}); an account has exactly one owner: keep one row", row.line
            )));
            return;
        }
        match row.get(P::Owner as usize).map(|o| owners.resolve(o)) {
            None => {}
            Some(Ok(r)) => plan.assign(a, Some(r)),
            Some(Err(e)) => errors.push(row.error(P::Owner as usize, "owner_id", e)),
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
        let Some(raw) = row.get(C::Account as usize) else {
            errors.push(row.error(C::Account as usize, "account_id", "the account id is empty"));
            return;
        };
        let Some(&a) = accounts.get(raw) else {
            errors.push(row.error(C::Account as usize, "account_id", format!("account {raw} is not in the accounts file")));
            return;
        };
        let owner = match row.get(C::Owner as usize).map(|o| owners.resolve(o)) {
            Some(Ok(r)) => r,
            Some(Err(e)) => return errors.push(row.error(C::Owner as usize, "owner_id", e)),
            None => return errors.push(row.error(C::Owner as usize, "owner_id", "a carve-out needs the owner it is locked to")),
        };
        if departing[owner] {
            return errors.push(row.error(C::Owner as usize, "owner_id", format!(
                "the carve-out of {raw} is locked to {}, who leaves during the horizon; reassign the carve-out to a rep who stays",
                reps[owner].id
            )));
        }
        if plan.owner(a) != Some(owner) {
            let planned = plan.owner(a).map_or_else(|| "nobody".to_string(), |r| reps[r].id.to_string());
            return errors.push(row.error(C::Owner as usize, "owner_id", format!(
                "account {raw} is carved out to {} but the plan gives it to {planned}; a carve-out locks its owner: make them agree",
                reps[owner].id
            )));
        }
        let floor = match row.get(C::Floor as usize) {
            None => None,
            Some(raw) => match parse_number(raw) {
                Ok(v) if v >= 0.0 && v.fract() == 0.0 => Some(v as u32),
                _ => return errors.push(row.error(C::Floor as usize, "activity_floor_days", format!("\"{raw}\" is not a whole number of days"))),
            },
        };
        let days_since = match row.get(C::Last as usize) {
            None => None,
            Some(raw) => match parse_crm_date(raw) {
                Some(day) => as_of.map(|now| (now - day).max(0) as u32),
                None => return errors.push(row.error(C::Last as usize, "last_activity_date", format!("\"{raw}\" is not a date; write YYYY-MM-DD or M/D/YYYY"))),
            },
        };
        carveouts.push(CarveOut {
            account: a,
            owner,
            reason: row.get(C::Reason as usize).unwrap_or("").to_string(),
            activity_floor_days: floor,
            days_since_activity: days_since,
        });
    });
    errors.into_result(file)?;
    Ok(carveouts)
}

/// Replaces reps' skill with the scenario's `[skills]` (own or included, such as calibrated ones).
fn apply_skills(scenario: &Scenario, reps: &mut [Rep]) -> Result<(), DataError> {
    for (id, &skill) in &scenario.skills {
        let rep = reps.iter_mut().find(|r| r.id.as_str() == id).ok_or_else(|| DataError::Scenario {
            file: scenario.source.clone(),
            field: format!("skills.\"{id}\""),
            message: format!(
                "rep {id} is not in the reps file; remove the line or fix the id (a params file from \
                 `terrasim calibrate` lists the reps of the history it was fitted on)"
            ),
        })?;
        rep.skill = skill;
    }
    Ok(())
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
        if let Some(to) = &d.reassign_to
            && !known(to)
        {
            return Err(unknown(format!("events.departure[{i}].reassign_to"), to));
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
        if let Some(r) = &s.depart_rep
            && !known(r)
        {
            return Err(unknown(format!("shocks[{i}].depart_rep"), r));
        }
    }
    Ok(())
}
