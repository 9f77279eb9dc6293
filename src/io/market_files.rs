//! `load_market`: reps, accounts, plan and carve-outs from CSV, checked against each other and the
//! scenario's events.

use std::collections::HashMap;
use std::path::Path;

use crate::market::{
    Account, AccountId, CarveOut, CrmUser, GeoPoint, Market, Money, Motion, Plan, Rep, RepId, ScoreInputs,
    SizeBand, Tier, is_salesforce_user_id, parse_crm_date, parse_iso_date,
};
use crate::market::{Assumption, MAX_MONTHLY_HOURS, did_you_mean};
use crate::scenario::Scenario;
use crate::scenario::UnknownOwners;

use super::account_defaults::AccountStats;
use super::csv_table::{Row, Table, parse_bool};
use super::error::{DataError, RowError, RowErrors};
use super::format::Format;
use super::vocabulary::{self, HUBSPOT_STAGES, RegionVocabulary, SALESFORCE_TYPES};

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
    // What each file's reading decided (encoding, delimiter, decimal mark, skipped rows), to declare.
    let mut notes: Vec<Assumption> = Vec::new();
    let vocab = RegionVocabulary::new(data);
    let (reps_file, mut reps, reps_rows) = read_rep_source(scenario, &vocab, &mut notes)?;
    check_reps(&reps_file, &reps, &reps_rows)?;
    apply_skills(scenario, &mut reps)?;
    let owners = OwnerIndex::new(&reps, &reps_rows.crm);
    let accounts_file = scenario.resolve_path(&data.accounts);
    let (accounts, account_owners, stats) =
        read_accounts(&accounts_file, scenario, &owners, &vocab, &mut notes)?;
    if accounts.is_empty() {
        return Err(DataError::NoRows { file: accounts_file, table: "accounts" });
    }
    check_vocabularies(&reps_file, &reps, &reps_rows, &accounts)?;
    stats.declare(&accounts_file, scenario, accounts.len(), &mut notes);
    let account_ix: HashMap<&str, usize> =
        accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let plan = match &data.plan {
        Some(path) => read_plan(
            &scenario.resolve_path(path),
            scenario,
            &account_ix,
            &owners,
            Some(&account_owners),
            &mut notes,
        )?,
        None => Plan::from_owners(account_owners.iter().map(|o| o.map(|r| r as u32)).collect()),
    };
    let carveouts = match &data.carveouts {
        Some(path) => read_carveouts(
            &scenario.resolve_path(path),
            scenario,
            &account_ix,
            &owners,
            &plan,
            &reps,
            &mut notes,
        )?,
        None => Vec::new(),
    };
    check_events(scenario, &reps)?;
    let mut market = Market::new(accounts, reps, plan, carveouts)?;
    for (r, user) in reps_rows.crm.into_iter().enumerate() {
        market.set_crm_user(r, user);
    }
    for note in notes {
        market.declare(note);
    }
    super::history::load_open_pipeline(scenario, &mut market)?;
    Ok(market)
}

/// Loads a plan file (account id → owner id or name) against `market`: every account named once, every
/// owner a rep of the market. Accounts the file does not name are unowned.
pub fn load_plan(file: &Path, scenario: &Scenario, market: &Market) -> Result<Plan, DataError> {
    // The plan's reading notes are not kept: a plan file loaded on its own has no result to declare them in.
    load_plan_declared(file, scenario, market).map(|(plan, _)| plan)
}

/// [`load_plan`], with what reading the file decided (encoding, delimiter, a header-only plan) and how many
/// accounts it leaves unowned, for a command that declares them.
pub fn load_plan_declared(
    file: &Path,
    scenario: &Scenario,
    market: &Market,
) -> Result<(Plan, Vec<Assumption>), DataError> {
    let crm: Vec<CrmUser> =
        (0..market.reps().len()).map(|r| market.crm_user(r).cloned().unwrap_or_default()).collect();
    let owners = OwnerIndex::new(market.reps(), &crm);
    let account_ix: HashMap<&str, usize> =
        market.accounts().iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let mut notes = Vec::new();
    let plan = read_plan(file, scenario, &account_ix, &owners, None, &mut notes)?;
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
    let unowned = plan.unowned_accounts().len();
    if unowned > 0 && !notes.iter().any(|n| n.code == "plan_empty") {
        notes.push(Assumption::new(
            "plan_unowned",
            file.display().to_string(),
            format!(
                "{unowned} of {} accounts have no owner in this plan (no row, or an empty owner cell); give them                  rows with owners if that is not the intent",
                plan.len()
            ),
        ));
    }
    Ok((plan, notes))
}

/// Loads a geographic unit table: a unit id (`fips`, `unit`, ...), optional `lat`/`lon`, and `neighbors`
/// (`;`-separated unit ids).
pub fn load_units(file: &Path) -> Result<crate::optimize::UnitGraph, DataError> {
    let mut table = Table::open(file, "units", UNITS, &Default::default(), &Format::default())?;
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
        let coord = |c: U, name: &'static str, errors: &mut RowErrors| match row
            .get(c as usize)
            .map(|raw| row.parse_number(raw))
        {
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
    let column = table.header(U::Neighbors as usize).unwrap_or("neighbors").to_string();
    check_neighbours(&units, &seen, &column, &mut errors);
    errors.into_result(file)?;
    Ok(crate::optimize::UnitGraph::new(units))
}

/// A neighbour that is no unit of the table is allowed when the adjacency is otherwise whole: adjacency data
/// names units beyond a table's coverage (the shipped county table names four retired county codes). It is
/// a typo, refused, when the unit also misses a neighbour that names it: the adjacency is symmetric, so that
/// neighbour is the one it meant.
fn check_neighbours(
    units: &[(String, Option<GeoPoint>, Vec<String>)],
    lines: &HashMap<String, u64>,
    column: &str,
    errors: &mut RowErrors,
) {
    let mut named_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, _, neighbors) in units {
        for n in neighbors {
            named_by.entry(n.as_str()).or_default().push(id.as_str());
        }
    }
    for (id, _, neighbors) in units {
        let mut missed: Vec<&str> = named_by
            .get(id.as_str())
            .map(|by| by.iter().copied().filter(|y| !neighbors.iter().any(|n| n == y)).collect())
            .unwrap_or_default();
        if missed.is_empty() {
            continue;
        }
        missed.sort_unstable();
        for n in neighbors.iter().filter(|n| !lines.contains_key(n.as_str())) {
            let meant = crate::market::closest(n, missed.iter().copied()).unwrap_or(missed[0]);
            errors.push(RowError {
                line: lines[id],
                column: column.to_string(),
                field: "neighbors",
                message: format!(
                    "unit {id} names neighbour {n}, which is no unit of this file, and misses {}, which names \
                     {id} as its neighbour; did you mean \"{meant}\"? fix the id or add the unit",
                    missed.join(", ")
                ),
            });
        }
    }
}

/// Resolves owner cells: a rep id first, then a unique rep name (Salesforce reports give owner names).
struct OwnerIndex {
    by_id: HashMap<String, usize>,
    /// CRM user ids, and emails in lowercase: Salesforce exports name owners by user id.
    by_crm: HashMap<String, usize>,
    by_name: HashMap<String, Option<usize>>,
    /// Every id and name, for "did you mean".
    known: Vec<String>,
}

impl OwnerIndex {
    /// The owners of `reps`, with their CRM identities (`crm`, by rep index; shorter means none).
    fn new(reps: &[Rep], crm: &[CrmUser]) -> Self {
        let by_id = reps.iter().enumerate().map(|(i, r)| (r.id.to_string(), i)).collect();
        let by_crm = crm
            .iter()
            .enumerate()
            .flat_map(|(i, u)| {
                let email = u.email.as_ref().map(|e| e.to_lowercase());
                [u.user_id.clone(), email].into_iter().flatten().map(move |key| (key, i))
            })
            .collect();
        let mut by_name: HashMap<String, Option<usize>> = HashMap::new();
        for (i, r) in reps.iter().enumerate() {
            by_name.entry(r.name.to_lowercase()).and_modify(|e| *e = None).or_insert(Some(i));
        }
        let known = reps.iter().flat_map(|r| [r.id.to_string(), r.name.clone()]).collect();
        OwnerIndex { by_id, by_crm, by_name, known }
    }

    /// True when `raw` is neither a rep id, a CRM user id or email, nor a rep name.
    fn is_unknown(&self, raw: &str) -> bool {
        !self.by_id.contains_key(raw)
            && self.crm(raw).is_none()
            && !self.by_name.contains_key(&raw.to_lowercase())
    }

    fn crm(&self, raw: &str) -> Option<usize> {
        self.by_crm.get(raw).or_else(|| self.by_crm.get(&raw.to_lowercase())).copied()
    }

    fn resolve(&self, raw: &str) -> Result<usize, String> {
        if let Some(r) = self.by_id.get(raw).copied().or_else(|| self.crm(raw)) {
            return Ok(r);
        }
        match self.by_name.get(&raw.to_lowercase()) {
            Some(Some(r)) => Ok(*r),
            Some(None) => Err(format!("owner \"{raw}\" matches several reps by name; use the rep id")),
            None => Err(format!(
                "owner \"{raw}\" is not in the reps file{}; add the rep or fix the owner (or set [data] \
                 unknown_owners = \"unowned\" to leave such accounts unowned)",
                did_you_mean(raw, self.known.iter().map(String::as_str))
            )),
        }
    }
}

/// The reps from the reps file, or from a users export joined to a quota file; exactly one of the two.
fn read_rep_source(
    scenario: &Scenario,
    vocab: &RegionVocabulary,
    notes: &mut Vec<Assumption>,
) -> Result<(std::path::PathBuf, Vec<Rep>, RepsRows), DataError> {
    let data = &scenario.data;
    let invalid = |field: &str, message: &str| DataError::Scenario {
        file: scenario.source.clone(),
        field: field.to_string(),
        message: message.to_string(),
    };
    match (&data.reps, &data.users, &data.quotas) {
        (Some(reps), None, None) => {
            let file = scenario.resolve_path(reps);
            let (reps, rows) = read_reps(&file, scenario, vocab, notes)?;
            Ok((file, reps, rows))
        }
        (None, Some(users), Some(quotas)) => {
            let file = scenario.resolve_path(users);
            let (reps, lines, crm) =
                super::users::read_users(&file, &scenario.resolve_path(quotas), scenario, vocab, notes)?;
            let rows = RepsRows {
                lines,
                crm,
                region: String::new(),
                expert: String::new(),
                capacity: String::new(),
            };
            Ok((file, reps, rows))
        }
        (None, None, _) => Err(invalid(
            "data.reps",
            "no reps: give reps = \"reps.csv\", or users = \"users.csv\" (a Salesforce User or HubSpot owners \
             export) with quotas = \"quotas.csv\"",
        )),
        (None, Some(_), None) => Err(invalid(
            "data.quotas",
            "users needs a quota file: give quotas = \"quotas.csv\" (rep id, email or name → annual quota)",
        )),
        (Some(_), _, _) => Err(invalid(
            "data.users",
            "give the reps one way: reps, or users with quotas, not both; remove one",
        )),
    }
}

/// Where each rep came from in the reps file, to name lines and columns in checks made after reading.
struct RepsRows {
    /// The line of each rep, in rep order.
    lines: Vec<u64>,
    /// The CRM identity of each rep, in rep order.
    crm: Vec<CrmUser>,
    /// The headers of the checked columns, as the file writes them.
    region: String,
    expert: String,
    capacity: String,
}

impl RepsRows {
    fn error(&self, rep: usize, column: &str, field: &'static str, message: String) -> RowError {
        RowError { line: self.lines[rep], column: column.to_string(), field, message }
    }
}

fn read_reps(
    file: &Path,
    scenario: &Scenario,
    vocab: &RegionVocabulary,
    notes: &mut Vec<Assumption>,
) -> Result<(Vec<Rep>, RepsRows), DataError> {
    let mut table =
        Table::open(file, "reps", REPS, &scenario.data.columns.reps, &Format::of(&scenario.data))?;
    notes.extend_from_slice(table.notes());
    // The rep id comes from an id column, else from the CRM user id (a Salesforce User or HubSpot owners
    // export used as the reps file): one of the two is required.
    let id_col = match (table.has(R::Id as usize), table.has(R::CrmUser as usize)) {
        (true, _) => R::Id,
        (false, true) => R::CrmUser,
        (false, false) => {
            let aliases = [R::Id, R::CrmUser].iter().flat_map(|&f| REPS[f as usize].aliases);
            return Err(DataError::MissingColumn {
                file: file.to_path_buf(),
                table: table.name(),
                field: "id",
                aliases: aliases.map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", "),
                found: "neither a rep id nor a CRM user id column".into(),
            });
        }
    };
    let mut errors = RowErrors::default();
    let mut reps = Vec::new();
    let mut lines = Vec::new();
    let mut crm = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut first_crm: HashMap<String, (u64, RepId)> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some((rep, user)) = parse_rep(row, errors, scenario, vocab, id_col) else { return };
        let id = rep.id.to_string();
        if let Some(first) = first_line.get(&id) {
            errors.push(row.error(id_col as usize, "id", format!(
                "rep {id} appears twice (lines {first} and {}); a rep can be in one place only: merge or remove one row",
                row.line
            )));
            return;
        }
        if let Some(user_id) = &user.user_id
            && let Some((first, other)) = first_crm.get(user_id)
        {
            errors.push(row.error(R::CrmUser as usize, "crm_user_id", format!(
                "CRM user id {user_id} is rep {other}'s too (line {first}); one CRM user is one rep: fix the id"
            )));
            return;
        }
        if let Some(user_id) = &user.user_id {
            first_crm.insert(user_id.clone(), (row.line, rep.id.clone()));
        }
        first_line.insert(id, row.line);
        lines.push(row.line);
        reps.push(rep);
        crm.push(user);
    });
    errors.into_result(file)?;
    if !table.has(R::CrmUser as usize) {
        crm_ids_from_rep_ids(file, &reps, &mut crm, notes);
    }
    let header = |f: R, name: &str| table.header(f as usize).unwrap_or(name).to_string();
    let rows = RepsRows {
        lines,
        crm,
        region: header(R::Region, "region"),
        expert: header(R::Expert, "expert_verticals"),
        capacity: header(R::Capacity, "capacity_hours"),
    };
    Ok((reps, rows))
}

/// A reps file without a CRM user id column whose rep ids are Salesforce User Ids (`005…`, 15 or 18
/// characters) is keyed by the CRM's own users: those ids are the reps' CRM user ids too, and that is
/// declared.
fn crm_ids_from_rep_ids(file: &Path, reps: &[Rep], crm: &mut [CrmUser], notes: &mut Vec<Assumption>) {
    let mut taken = Vec::new();
    for (rep, user) in reps.iter().zip(crm.iter_mut()) {
        if is_salesforce_user_id(rep.id.as_str()) {
            user.user_id = Some(rep.id.to_string());
            taken.push(rep.id.as_str());
        }
    }
    if let Some(example) = taken.first() {
        notes.push(Assumption::new(
            "crm_user_id_from_id",
            file.display().to_string(),
            format!(
                "{} of {} rep ids are Salesforce User Ids (such as {example}) and there is no CRM user id \
                 column, so change files name those reps by them; add a crm_user_id (User ID) column to state it",
                taken.len(),
                reps.len()
            ),
        ));
    }
}

/// Errors pushed so far (kept and counted past the cap): a phase failed when this grew.
fn error_count(errors: &RowErrors) -> usize {
    errors.errors.len() + errors.more
}

fn parse_rep(
    row: &Row<'_>,
    errors: &mut RowErrors,
    scenario: &Scenario,
    vocab: &RegionVocabulary,
    id_col: R,
) -> Option<(Rep, CrmUser)> {
    let start = error_count(errors);
    let field = |f: R| f as usize;
    let (id, user) = rep_identity(row, errors, id_col);
    let role = match row.get(field(R::Role)) {
        Some(raw) => vocabulary::role(raw, &scenario.data)
            .map_err(|e| errors.push(row.error(field(R::Role), "role", e)))
            .ok(),
        None => {
            errors.push(row.error(field(R::Role), "role", "the role is empty; use SMB, MM or ENT"));
            None
        }
    };
    let region = match row.get(field(R::Region)).and_then(|r| vocab.region(r)) {
        Some(r) => Some(r),
        None => {
            errors.push(row.error(field(R::Region), "region", "the region is empty; use AMER, EMEA or ROW"));
            None
        }
    };
    let numbers = rep_numbers(row, errors, id.as_ref());
    let home = location(row, field(R::Lat), field(R::Lon)).map_err(|e| errors.push(e)).ok();
    let motion = match row.get(field(R::Motion)) {
        None => role.map(Motion::default_for),
        Some(raw) => Motion::parse(raw).or_else(|| {
            errors.push(row.error(
                field(R::Motion),
                "motion",
                format!("\"{raw}\" is not a motion; use inside or field"),
            ));
            None
        }),
    };
    if error_count(errors) > start {
        return None;
    }
    let (id, role, region) = (id?, role?, region?);
    let rep = Rep {
        name: row.get(field(R::Name)).map_or_else(|| id.to_string(), str::to_string),
        team: row.get(field(R::Team)).map_or_else(|| format!("{region}-{role}"), str::to_string),
        expert_verticals: row
            .get(field(R::Expert))
            .map(|v| {
                v.split([';', '|']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
            })
            .unwrap_or_default(),
        capacity_hours: numbers.capacity?,
        annual_quota: Money::new(numbers.quota?).ok()?,
        start_month: numbers.start? as i32,
        ramp_months: numbers.ramp? as u32,
        end_month: numbers.end?,
        skill: numbers.skill?,
        motion: motion?,
        home: home?,
        id,
        role,
        region,
    };
    Some((rep, user))
}

/// A rep row's id (from the id column, else the CRM user id) and its CRM identity (user id, email).
fn rep_identity(row: &Row<'_>, errors: &mut RowErrors, id_col: R) -> (Option<RepId>, CrmUser) {
    let field = |f: R| f as usize;
    let id_cell = row.get(field(id_col)).or_else(|| row.get(field(R::CrmUser)));
    let id = match id_cell.map(RepId::new) {
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => {
            errors.push(row.error(field(id_col), "id", format!("{e}; give every rep an id")));
            None
        }
        None => {
            errors.push(row.error(field(id_col), "id", "the id is empty; give every rep an id"));
            None
        }
    };
    let user_id = match row.get(field(R::CrmUser)).map(RepId::new) {
        None => None,
        Some(Ok(u)) => Some(u.to_string()),
        Some(Err(e)) => {
            errors.push(row.error(
                field(R::CrmUser),
                "crm_user_id",
                format!("{e}; give the rep's CRM user id, or leave it empty"),
            ));
            None
        }
    };
    let email = match row.get(field(R::Email)) {
        Some(e) if !e.contains('@') || e.contains(char::is_whitespace) => {
            errors.push(row.error(
                field(R::Email),
                "email",
                format!("\"{e}\" is not an email address; give the rep's CRM login email, or leave it empty"),
            ));
            None
        }
        e => e.map(str::to_string),
    };
    (id, CrmUser { user_id, email })
}

/// A rep row's numbers, each `None` where its cell failed (the error pushed).
struct RepNumbers {
    capacity: Option<f64>,
    quota: Option<f64>,
    start: Option<f64>,
    ramp: Option<f64>,
    skill: Option<f64>,
    end: Option<Option<u32>>,
}

/// Reads a rep row's capacity, quota, start, ramp, skill and end month, and checks them together (an end
/// before the start, a yearly capacity, fractional months). `id` names the rep in the messages.
fn rep_numbers(row: &Row<'_>, errors: &mut RowErrors, id: Option<&RepId>) -> RepNumbers {
    let field = |f: R| f as usize;
    let mut number = |f: R, name: &'static str, default: Option<f64>, min: f64, rule: &str| -> Option<f64> {
        match row.get(field(f)) {
            None => default.or_else(|| {
                errors.push(row.error(field(f), name, format!("the cell is empty; give {rule}")));
                None
            }),
            Some(raw) => {
                let parsed =
                    if name == "annual_quota" { row.parse_money(raw) } else { row.parse_number(raw) };
                match parsed {
                    Ok(v) if v >= min => Some(v),
                    Ok(v) => {
                        errors.push(row.error(field(f), name, format!("{v} is out of range; give {rule}")));
                        None
                    }
                    Err(e) => {
                        errors.push(row.error(field(f), name, format!("{e}; give {rule}")));
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
        Some(raw) => match row.parse_number(raw) {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 => Some(Some(v as u32)),
            _ => {
                errors.push(row.error(field(R::End), "end_month", format!("\"{raw}\" is not a month; give the last selling month as a whole number, or leave it empty")));
                None
            }
        },
    };
    if let (Some(s), Some(Some(e))) = (start, end)
        && f64::from(e) < s
    {
        errors.push(row.error(field(R::End), "end_month", format!(
            "rep {} ends after month {e}, before starting in month {s}; give an end_month on or after start_month, or leave it empty",
            id.map_or_else(|| "?".to_string(), RepId::to_string)
        )));
    }
    // A month has at most 744 hours: more is a yearly figure, or a unit mix-up.
    if let Some(c) = capacity.filter(|&c| c > MAX_MONTHLY_HOURS) {
        errors.push(row.error(field(R::Capacity), "capacity_hours", format!(
            "{c} hours is more than a month has ({MAX_MONTHLY_HOURS}); give selling hours per month (about 100 to 140 for a full-time rep), not per year"
        )));
    }
    for (f, name, v) in [(R::Start, "start_month", start), (R::Ramp, "ramp_months", ramp)] {
        if v.is_some_and(|v| v.fract() != 0.0) {
            errors.push(row.error(field(f), name, "give a whole number of months"));
        }
    }
    RepNumbers { capacity, quota, start, ramp, skill, end }
}

/// The accounts, the owner each names (its index among the reps), and what the file did not give.
type ReadAccounts = (Vec<Account>, Vec<Option<usize>>, AccountStats);

/// What `parse_account` reads against: the scenario, its scoring and region words, and the reps.
struct AccountContext<'a> {
    scenario: &'a Scenario,
    scoring: crate::market::Scoring,
    owners: &'a OwnerIndex,
    vocab: &'a RegionVocabulary,
}

fn read_accounts(
    file: &Path,
    scenario: &Scenario,
    owners: &OwnerIndex,
    vocab: &RegionVocabulary,
    notes: &mut Vec<Assumption>,
) -> Result<ReadAccounts, DataError> {
    let mut table = Table::open(
        file,
        "accounts",
        ACCOUNTS,
        &scenario.data.columns.accounts,
        &Format::of(&scenario.data),
    )?;
    notes.extend_from_slice(table.notes());
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
    let cx = AccountContext { scenario, scoring: scenario.scoring(), owners, vocab };
    let mut stats = AccountStats {
        score_columns: [A::Icp, A::Signal, A::Whitespace, A::Difficulty].map(|c| table.has(c as usize)),
        has_value_column: table.has(A::Value as usize),
        customer_column: [A::Customer, A::Type, A::Lifecycle]
            .into_iter()
            .find_map(|c| table.header(c as usize).map(str::to_string)),
        ..AccountStats::default()
    };
    let mut errors = RowErrors::default();
    let mut accounts = Vec::new();
    let mut account_owners = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some((account, owner)) = parse_account(row, errors, &cx, &mut stats) else { return };
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
    Ok((accounts, account_owners, stats))
}

fn parse_account(
    row: &Row<'_>,
    errors: &mut RowErrors,
    cx: &AccountContext<'_>,
    stats: &mut AccountStats,
) -> Option<(Account, Option<usize>)> {
    let (scenario, scoring) = (cx.scenario, &cx.scoring);
    let start = error_count(errors);
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
    let region = match row.get(f(A::Region)) {
        Some(raw) => cx.vocab.region(raw),
        None => cx.vocab.of_country(&country),
    };
    if region.is_none() {
        let (column, field) =
            if row.get(f(A::Country)).is_some() { (A::Country, "country") } else { (A::Region, "region") };
        errors.push(row.error(f(column), field, RegionVocabulary::unknown_country(&country)));
    }
    let mut optional = |a: A, name: &'static str, money: bool| -> Option<f64> {
        let raw = row.get(f(a))?;
        let parsed = if money {
            row.parse_money(raw)
        } else {
            row.parse_number(raw).and_then(|v| if v < 0.0 { Err(format!("{v} is negative")) } else { Ok(v) })
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
    let (inputs, missing_score) = score_inputs(row, errors);
    let location = location(row, f(A::Lat), f(A::Lon)).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let is_customer = customer_flag(row, errors);
    let owner = account_owner(row, errors, cx, stats);
    if error_count(errors) > start {
        return None;
    }
    let size_band = scenario.size_bands.band(employees, revenue);
    stats.size_unknown += usize::from(employees.is_none() && revenue.is_none());
    stats.vertical_unknown += usize::from(row.get(f(A::Vertical)).is_none());
    let mut account = Account {
        id: id?,
        name: name?,
        region: region?,
        // `N/A` and its kin are no country: not kept as one (the region lookup already reads them so).
        country: if crate::market::country::is_placeholder(&country) { String::new() } else { country },
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
    stats.score_missing += usize::from(missing_score);
    let typical = typical_value(scenario, size_band, &prefixes, whitespace_value, revenue, stats);
    account.potential = scoring.potential(account.score, typical);
    Some((account, owner))
}

/// An account row's four scores (a missing one is 3, an invalid one 3 and an error), and whether any was
/// missing.
fn score_inputs(row: &Row<'_>, errors: &mut RowErrors) -> (ScoreInputs, bool) {
    let f = |a: A| a as usize;
    let mut missing_score = false;
    let mut score = |a: A, name: &'static str| -> u8 {
        match row.get(f(a)) {
            None => {
                missing_score = true;
                3
            }
            Some(raw) => match row.parse_number(raw) {
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
    (inputs, missing_score)
}

/// The rep an account row names as its owner (an index among the reps), if any; an unknown owner is
/// unowned (and counted) when the scenario says so, else an error.
fn account_owner(
    row: &Row<'_>,
    errors: &mut RowErrors,
    cx: &AccountContext<'_>,
    stats: &mut AccountStats,
) -> Option<usize> {
    let f = |a: A| a as usize;
    let (scenario, owners) = (cx.scenario, cx.owners);
    match row.get(f(A::Owner)) {
        None => None,
        Some(raw) if scenario.data.unknown_owners == UnknownOwners::Unowned && owners.is_unknown(raw) => {
            stats.unknown_owner += 1;
            stats.unknown_owner_example.get_or_insert_with(|| raw.to_string());
            None
        }
        Some(raw) => match owners.resolve(raw) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(row.error(f(A::Owner), "owner_id", e));
                None
            }
        },
    }
}

/// An account's typical deal value: its whitespace value, else the scenario's share of its revenue, else
/// its segment's deal size (each fallback counted in `stats`).
fn typical_value(
    scenario: &Scenario,
    size_band: SizeBand,
    prefixes: &[String],
    whitespace_value: Option<Money>,
    revenue: Option<Money>,
    stats: &mut AccountStats,
) -> Money {
    let from_revenue = scenario.scoring.potential_from_revenue.zip(revenue).map(|(share, r)| r.get() * share);
    match (whitespace_value, from_revenue) {
        (Some(v), _) => v,
        (None, Some(v)) => {
            stats.value_from_revenue += 1;
            Money::new(v).unwrap_or(Money::ZERO)
        }
        (None, None) => {
            stats.value_from_deal_size += 1;
            Money::from(scenario.segment_params(size_band, prefixes).0.deal_size)
        }
    }
}

/// The customer flag: an explicit is_customer column wins, then a Salesforce Account `Type`, then a HubSpot
/// lifecycle stage; without any of them an account is a prospect (declared by the caller).
fn customer_flag(row: &Row<'_>, errors: &mut RowErrors) -> bool {
    type Vocabulary = &'static [(&'static str, bool)];
    let sources: [(A, &'static str, Option<Vocabulary>, &str); 3] = [
        (A::Customer, "is_customer", None, ""),
        (A::Type, "account_type", Some(SALESFORCE_TYPES), "Salesforce account type"),
        (A::Lifecycle, "lifecycle_stage", Some(HUBSPOT_STAGES), "HubSpot lifecycle stage"),
    ];
    for (column, name, vocabulary, what) in sources {
        let Some(raw) = row.get(column as usize) else { continue };
        let flag = match vocabulary {
            None => parse_bool(raw).ok_or_else(|| format!("\"{raw}\" is not yes/no; use true or false")),
            Some(known) => vocabulary::customer_flag(raw, known, what),
        };
        return flag.unwrap_or_else(|e| {
            errors.push(row.error(column as usize, name, e));
            false
        });
    }
    false
}

fn read_plan(
    file: &Path,
    scenario: &Scenario,
    accounts: &HashMap<&str, usize>,
    owners: &OwnerIndex,
    file_owners: Option<&[Option<usize>]>,
    notes: &mut Vec<Assumption>,
) -> Result<Plan, DataError> {
    let n = accounts.len();
    // A header-only plan is a plan in which every account starts unowned (a green-field territory carve);
    // it is allowed, and declared, because it is more often a wrong export than an intent.
    let rows = read_plan_rows(file, scenario, accounts, owners, notes, |_, _| Ok(()))?;
    let mut plan = Plan::unowned(n);
    let mut seen = vec![false; n];
    for &(a, r) in &rows {
        seen[a] = true;
        plan.assign(a, r);
    }
    // Accounts the plan file leaves out are unowned although the accounts file names their owners: a plan
    // exported for part of the book, most likely.
    if let Some(file_owners) = file_owners {
        let omitted = (0..n).filter(|&a| file_owners[a].is_some() && !seen[a]).count();
        if omitted > 0 {
            notes.push(Assumption::new(
                "plan_omits_owned",
                file.display().to_string(),
                format!(
                    "{omitted} accounts have an owner in the accounts file but no row in the plan file, so they \
                     start unowned; add their rows, or drop [data] plan to use the accounts' owners"
                ),
            ));
        }
    }
    if rows.is_empty() {
        notes.push(Assumption::new(
            "plan_empty",
            file.display().to_string(),
            "the plan file has a header and no rows: every account starts unowned; give the plan's rows if that is not the intent",
        ));
    }
    Ok(plan)
}

/// The rows of a plan-shaped file (account id, owner; the plan's headers and column mapping), in file
/// order: every account known and named once, every owner cell resolved (`None` when empty). `check` may
/// refuse a row's account and owner with a message for its owner cell. Errors are collected per file.
fn read_plan_rows(
    file: &Path,
    scenario: &Scenario,
    accounts: &HashMap<&str, usize>,
    owners: &OwnerIndex,
    notes: &mut Vec<Assumption>,
    check: impl Fn(&str, Option<usize>) -> Result<(), String>,
) -> Result<Vec<(usize, Option<usize>)>, DataError> {
    let mut table =
        Table::open_optional(file, "plan", PLAN, &scenario.data.columns.plan, &Format::of(&scenario.data))?;
    notes.extend_from_slice(table.notes());
    let mut errors = RowErrors::default();
    let mut rows = Vec::new();
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
        let owner = match row.get(P::Owner as usize).map(|o| owners.resolve(o)) {
            None => None,
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => return errors.push(row.error(P::Owner as usize, "owner_id", e)),
        };
        match check(raw, owner) {
            Ok(()) => rows.push((a, owner)),
            Err(e) => errors.push(row.error(P::Owner as usize, "owner_id", e)),
        }
    });
    errors.into_result(file)?;
    Ok(rows)
}

/// Reads a change file back as a plan: `base` (the scenario's current plan, or an edited one) with the
/// file's rows applied. A change file names only the accounts that move, each with its new owner: the
/// `salesforce_update.csv` (`Id,OwnerId`) and `hubspot_companies.csv` (`Record ID,Company owner`) that
/// `optimize` and `diff` write, or any file a plan may be (owners by rep id, unique name, CRM user id or
/// email). Refused, naming the line: an unknown account or owner, an account twice, an empty owner (an
/// owner import cannot empty an owner), and a change that moves a carved-out account. A file with a header
/// and no rows is `base` unchanged.
pub fn load_plan_changes(
    file: &Path,
    scenario: &Scenario,
    market: &Market,
    base: &Plan,
) -> Result<Plan, DataError> {
    load_plan_changes_declared(file, scenario, market, base).map(|(plan, _)| plan)
}

/// [`load_plan_changes`], with what reading the file decided (encoding, delimiter), for a command that
/// declares it.
pub fn load_plan_changes_declared(
    file: &Path,
    scenario: &Scenario,
    market: &Market,
    base: &Plan,
) -> Result<(Plan, Vec<Assumption>), DataError> {
    if base.len() != market.accounts().len() {
        return Err(DataError::Read {
            file: file.to_path_buf(),
            reason: format!(
                "the base plan has {} accounts but the market {}; apply the changes to a plan of this scenario",
                base.len(),
                market.accounts().len()
            ),
        });
    }
    let crm: Vec<CrmUser> =
        (0..market.reps().len()).map(|r| market.crm_user(r).cloned().unwrap_or_default()).collect();
    let owners = OwnerIndex::new(market.reps(), &crm);
    let account_ix: HashMap<&str, usize> =
        market.accounts().iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let locked: HashMap<&str, usize> =
        market.carveouts().iter().map(|c| (market.accounts()[c.account].id.as_str(), c.owner)).collect();
    let mut notes = Vec::new();
    let rows = read_plan_rows(file, scenario, &account_ix, &owners, &mut notes, |account, owner| {
        let Some(owner) = owner else {
            return Err(format!(
                "the new owner of {account} is empty; a change file gives each moved account its new owner \
                 (an owner import cannot empty an owner): give the owner, or remove the row"
            ));
        };
        match locked.get(account) {
            Some(&lock) if lock != owner => Err(format!(
                "account {account} is carved out to {}, but this change gives it to {}; a carve-out locks its \
                 owner: remove the row, or end the carve-out in the carve-outs file",
                market.reps()[lock].id,
                market.reps()[owner].id
            )),
            _ => Ok(()),
        }
    })?;
    let mut plan = base.clone();
    for (a, r) in rows {
        plan.assign(a, r);
    }
    Ok((plan, notes))
}

/// The place of a row's latitude and longitude cells (columns `lat` and `lon`): none when both are empty;
/// an error naming the cell at fault when one is missing, is no number or is out of range.
fn location(row: &Row<'_>, lat: usize, lon: usize) -> Result<Option<GeoPoint>, RowError> {
    let (la, lo) = match (row.get(lat), row.get(lon)) {
        (None, None) => return Ok(None),
        (Some(la), Some(lo)) => (la, lo),
        (None, Some(_)) => return Err(row.error(lat, "latitude", "give the latitude too, or neither")),
        (Some(_), None) => return Err(row.error(lon, "longitude", "give the longitude too, or neither")),
    };
    let number = |cell: usize, name: &'static str, raw: &str, limit: f64| match row.parse_number(raw) {
        Ok(v) if v.abs() <= limit => Ok(v),
        Ok(_) => Err(row.error(
            cell,
            name,
            format!("{raw} is outside [-{limit}, {limit}]; give the {name} in degrees"),
        )),
        Err(e) => Err(row.error(cell, name, format!("{e}; give the {name} in degrees"))),
    };
    let (la, lo) = (number(lat, "latitude", la, 90.0)?, number(lon, "longitude", lo, 180.0)?);
    Ok(GeoPoint::new(la, lo))
}

fn read_carveouts(
    file: &Path,
    scenario: &Scenario,
    accounts: &HashMap<&str, usize>,
    owners: &OwnerIndex,
    plan: &Plan,
    reps: &[Rep],
    notes: &mut Vec<Assumption>,
) -> Result<Vec<CarveOut>, DataError> {
    // No carve-outs is a fine answer: a header-only file is allowed.
    let mut table = Table::open_optional(
        file,
        "carveouts",
        CARVEOUTS,
        &scenario.data.columns.carveouts,
        &Format::of(&scenario.data),
    )?;
    notes.extend_from_slice(table.notes());
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
    let mut seen: HashMap<usize, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some(raw) = row.get(C::Account as usize) else {
            errors.push(row.error(C::Account as usize, "account_id", "the account id is empty"));
            return;
        };
        let Some(&a) = accounts.get(raw) else {
            errors.push(row.error(C::Account as usize, "account_id", format!("account {raw} is not in the accounts file")));
            return;
        };
        if let Some(first) = seen.insert(a, row.line) {
            return errors.push(row.error(C::Account as usize, "account_id", format!(
                "account {raw} is carved out twice (lines {first} and {}); keep one row", row.line
            )));
        }
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
            Some(raw) => match row.parse_number(raw) {
                Ok(v) if v >= 0.0 && v.fract() == 0.0 => Some(v as u32),
                Ok(v) if v < 0.0 => return errors.push(row.error(C::Floor as usize, "activity_floor_days", format!("{raw} is negative; give the days allowed without activity, zero or more"))),
                _ => return errors.push(row.error(C::Floor as usize, "activity_floor_days", format!("\"{raw}\" is not a whole number of days"))),
            },
        };
        let days_since = match row.get(C::Last as usize) {
            None => None,
            Some(raw) => match parse_crm_date(raw) {
                Some(day) if as_of.is_some_and(|now| day > now) => return errors.push(row.error(C::Last as usize, "last_activity_date", format!(
                    "{raw} is after the scenario's as_of ({}); an activity cannot be in the future: fix the date, or move as_of to the export date",
                    scenario.as_of.as_deref().unwrap_or("")
                ))),
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

/// The reps file as a whole: at least one rep, and some selling capacity among them.
fn check_reps(file: &Path, reps: &[Rep], rows: &RepsRows) -> Result<(), DataError> {
    if reps.is_empty() {
        return Err(DataError::NoRows { file: file.to_path_buf(), table: "reps" });
    }
    if reps.iter().all(|r| r.capacity_hours <= 0.0) {
        let message = format!(
            "every rep's capacity is 0 hours a month ({} reps), so nobody can sell; give each rep's selling hours \
             per month (typically 80 to 140)",
            reps.len()
        );
        let mut errors = RowErrors::default();
        errors.push(rows.error(0, &rows.capacity, "capacity_hours", message));
        return errors.into_result(file);
    }
    Ok(())
}

/// The reps' words against the accounts': every rep region is a region of some account, and every expert
/// vertical is a vertical of some account. A mismatch means the two files use different vocabularies, and
/// would silently leave reps with no eligible accounts or no expertise lift.
fn check_vocabularies(
    file: &Path,
    reps: &[Rep],
    rows: &RepsRows,
    accounts: &[Account],
) -> Result<(), DataError> {
    let regions: std::collections::BTreeSet<&str> = accounts.iter().map(|a| a.region.as_str()).collect();
    let rep_regions: std::collections::BTreeSet<&str> = reps.iter().map(|r| r.region.as_str()).collect();
    let verticals: std::collections::BTreeSet<&str> = accounts.iter().map(|a| a.vertical.as_str()).collect();
    let list = |set: &std::collections::BTreeSet<&str>| {
        let mut names: Vec<&str> = set.iter().copied().take(12).collect();
        if set.len() > 12 {
            names.push("...");
        }
        names.join(", ")
    };
    let mut errors = RowErrors::default();
    for (i, rep) in reps.iter().enumerate() {
        let region = rep.region.as_str();
        if !regions.contains(region) {
            // The account region the rep's word most likely means: a close spelling, or the region the
            // word names ("Europe" is EMEA), or, with one account region, that one.
            let target = crate::market::closest(region, regions.iter().copied())
                .or_else(|| crate::market::country::region_of_word(region).filter(|r| regions.contains(r)))
                .or_else(|| regions.iter().copied().next().filter(|_| regions.len() == 1))
                .unwrap_or("<one of the accounts' regions>");
            errors.push(rows.error(i, &rows.region, "region", format!(
                "region \"{region}\" of rep {} matches no account's region: the reps say {{{}}}, the accounts say \
                 {{{}}}{}; map it in the scenario: [data.region_aliases] \"{region}\" = \"{target}\", or fix the file",
                rep.id,
                list(&rep_regions),
                list(&regions),
                did_you_mean(region, regions.iter().copied()),
            )));
        }
        for v in &rep.expert_verticals {
            if !verticals.iter().any(|k| k.eq_ignore_ascii_case(v)) {
                errors.push(rows.error(i, &rows.expert, "expert_verticals", format!(
                    "rep {} is expert in \"{v}\", which is no account's vertical{}; the accounts' verticals are \
                     {{{}}}: fix the name or remove it",
                    rep.id,
                    did_you_mean(v, verticals.iter().copied()),
                    list(&verticals),
                )));
            }
        }
    }
    errors.into_result(file)
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
