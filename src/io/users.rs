//! Reps from the CRM's own users: a Salesforce User export or a HubSpot owners export (`[data] users`),
//! joined to a quota file (`[data] quotas`). Each rep keeps its CRM user id as its id, so that plans and
//! change files use the CRM's ids.

use std::collections::HashMap;
use std::path::Path;

use crate::market::{Assumption, CrmUser, Money, Motion, Rep, RepId, did_you_mean};
use crate::scenario::Scenario;

use super::csv_table::{Row, Table, parse_bool};
use super::error::{DataError, RowErrors};
use super::fields::{
    quota_fields::{Q, QUOTAS},
    user_fields::{UF, USERS},
};
use super::format::Format;
use super::vocabulary::{self, RegionVocabulary};

/// Selling hours per month of a rep whose quota file gives no capacity: a full-time seller's month (about
/// 160 working hours) less internal time. Every rep that takes it is declared.
pub const DEFAULT_CAPACITY_HOURS: f64 = 120.0;

/// One active user of the export.
struct User {
    line: u64,
    id: RepId,
    name: String,
    email: Option<String>,
    role: Option<String>,
    team: Option<String>,
    region: Option<String>,
    country: Option<String>,
}

/// One row of the quota file, matched to a user.
struct Quota {
    line: u64,
    quota: Money,
    capacity: Option<f64>,
    region: Option<String>,
    role: Option<String>,
}

/// The reps of a users export, the line of each in it, and each one's CRM identity, in rep order.
pub(crate) type UserReps = (Vec<Rep>, Vec<u64>, Vec<CrmUser>);

/// Reps from `users` and `quotas`, in the users file's order, with the line of each in the users file and
/// its CRM identity (the user id, which is also the rep id, and the email). Inactive users, and active users
/// without a quota row, are not reps; both counts are declared, as is every rep that takes
/// [`DEFAULT_CAPACITY_HOURS`].
pub(crate) fn read_users(
    users_file: &Path,
    quotas_file: &Path,
    scenario: &Scenario,
    vocab: &RegionVocabulary,
    notes: &mut Vec<Assumption>,
) -> Result<UserReps, DataError> {
    let (users, inactive) = read_user_rows(users_file, scenario, notes)?;
    let quotas = read_quotas(quotas_file, scenario, &users, notes)?;
    let mut errors = RowErrors::default();
    let mut quota_errors = RowErrors::default();
    let (mut reps, mut lines, mut unquoted, mut default_capacity) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let mut crm = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let Some(q) = quotas.get(&i) else {
            unquoted.push(user.name.as_str());
            continue;
        };
        let role_raw = q.role.as_deref().or(user.role.as_deref());
        let role = match role_raw.map(|r| vocabulary::role(r, &scenario.data)) {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                if q.role.is_some() {
                    quota_errors.push(line_error(q.line, "role", e));
                } else {
                    errors.push(line_error(user.line, "role", e));
                }
                None
            }
            None => {
                quota_errors.push(line_error(q.line, "role", format!(
                    "user {} has no role; add a role column to the quota file (SMB, MM, ENT), or export the users \
                     with UserRole.Name or Title and map it under [data.roles]",
                    user.id
                )));
                None
            }
        };
        let region = match (q.region.as_deref().or(user.region.as_deref()), user.country.as_deref()) {
            (Some(r), _) => vocab.region(r),
            (None, Some(c)) => vocab.of_country(c),
            (None, None) => None,
        };
        if region.is_none() {
            match (&q.region, &user.region, &user.country) {
                (None, None, Some(c)) => errors.push(line_error(user.line, "country", RegionVocabulary::unknown_country(c))),
                _ => quota_errors.push(line_error(q.line, "region", format!(
                    "user {} has no region; add a region column to the quota file (AMER, EMEA, ROW), or export the \
                     users with their Country",
                    user.id
                ))),
            }
        }
        let (Some(role), Some(region)) = (role, region) else { continue };
        let capacity = q.capacity.unwrap_or_else(|| {
            default_capacity += 1;
            DEFAULT_CAPACITY_HOURS
        });
        lines.push(user.line);
        crm.push(CrmUser { user_id: Some(user.id.to_string()), email: user.email.clone() });
        reps.push(Rep {
            id: user.id.clone(),
            name: user.name.clone(),
            team: user.team.clone().unwrap_or_else(|| format!("{region}-{role}")),
            expert_verticals: Vec::new(),
            capacity_hours: capacity,
            annual_quota: q.quota,
            start_month: 1,
            ramp_months: 0,
            end_month: None,
            skill: 1.0,
            motion: Motion::default_for(role),
            home: None,
            role,
            region,
        });
    }
    errors.into_result(users_file)?;
    quota_errors.into_result(quotas_file)?;
    declare(users_file, quotas_file, inactive, &unquoted, default_capacity, notes);
    Ok((reps, lines, crm))
}

fn line_error(line: u64, field: &'static str, message: String) -> super::error::RowError {
    super::error::RowError { line, column: String::new(), field, message }
}

fn declare(
    users_file: &Path,
    quotas_file: &Path,
    inactive: usize,
    unquoted: &[&str],
    default_capacity: usize,
    notes: &mut Vec<Assumption>,
) {
    let users = users_file.display().to_string();
    if inactive > 0 {
        notes.push(Assumption::new(
            "users_inactive",
            users.clone(),
            format!("{inactive} inactive users are not reps; activate them in the CRM export to count them"),
        ));
    }
    if let Some(first) = unquoted.first() {
        notes.push(Assumption::new("users_without_quota", users, format!(
            "{} active users have no row in {} (e.g. \"{first}\") and are not reps; give them a quota row to count them",
            unquoted.len(),
            quotas_file.display()
        )));
    }
    if default_capacity > 0 {
        notes.push(Assumption::new("capacity_default", quotas_file.display().to_string(), format!(
            "{default_capacity} reps have no capacity: each sells {DEFAULT_CAPACITY_HOURS} hours a month, the \
             documented default; add a capacity_hours column to give their own"
        )));
    }
}

/// The active users, and how many inactive ones were dropped.
fn read_user_rows(
    file: &Path,
    scenario: &Scenario,
    notes: &mut Vec<Assumption>,
) -> Result<(Vec<User>, usize), DataError> {
    let mut table = Table::open(file, "users", USERS, &Default::default(), &Format::of(&scenario.data))?;
    notes.extend_from_slice(table.notes());
    let mut errors = RowErrors::default();
    let (mut users, mut inactive) = (Vec::new(), 0);
    let mut seen: HashMap<String, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let text = |f: UF| row.get(f as usize).map(str::to_string);
        let id = match row.get(UF::Id as usize).map(RepId::new) {
            Some(Ok(id)) => id,
            _ => {
                return errors.push(row.error(
                    UF::Id as usize,
                    "id",
                    "the user id is empty or invalid; export the users with their Id",
                ));
            }
        };
        if let Some(first) = seen.insert(id.to_string(), row.line) {
            return errors.push(row.error(
                UF::Id as usize,
                "id",
                format!("user {id} appears twice (lines {first} and {}); keep one row", row.line),
            ));
        }
        match active(row) {
            Ok(true) => {}
            Ok(false) => {
                inactive += 1;
                return;
            }
            Err(e) => return errors.push(row.error(UF::Active as usize, "is_active", e)),
        }
        let full = match (row.get(UF::First as usize), row.get(UF::Last as usize)) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (f, l) => f.or(l).map(str::to_string),
        };
        let email = text(UF::Email);
        let name = text(UF::Name).or(full).or_else(|| email.clone()).unwrap_or_else(|| id.to_string());
        users.push(User {
            line: row.line,
            name,
            email,
            role: text(UF::Role),
            team: text(UF::Team),
            region: text(UF::Region),
            country: text(UF::Country),
            id,
        });
    });
    errors.into_result(file)?;
    Ok((users, inactive))
}

/// Whether a user is active: an `IsActive` flag, or a status `Active` / `Inactive`; active when absent.
fn active(row: &Row<'_>) -> Result<bool, String> {
    let Some(raw) = row.get(UF::Active as usize) else { return Ok(true) };
    match raw.to_lowercase().as_str() {
        "active" | "enabled" => Ok(true),
        "inactive" | "deactivated" | "disabled" | "archived" => Ok(false),
        _ => parse_bool(raw).ok_or_else(|| format!("\"{raw}\" is not active or inactive; use true or false")),
    }
}

/// The quota rows, keyed by the index of the user each names (by id, then email, then a unique name).
fn read_quotas(
    file: &Path,
    scenario: &Scenario,
    users: &[User],
    notes: &mut Vec<Assumption>,
) -> Result<HashMap<usize, Quota>, DataError> {
    let mut table = Table::open(file, "quotas", QUOTAS, &Default::default(), &Format::of(&scenario.data))?;
    notes.extend_from_slice(table.notes());
    let mut index: HashMap<String, Option<usize>> = HashMap::new();
    for (i, u) in users.iter().enumerate() {
        let keys = [Some(u.id.to_string()), u.email.clone(), Some(u.name.clone())];
        for key in keys.into_iter().flatten().map(|k| k.to_lowercase()) {
            index.entry(key).and_modify(|e| *e = e.filter(|&j| j == i)).or_insert(Some(i));
        }
    }
    let known: Vec<&str> = users.iter().flat_map(|u| [u.id.as_str(), u.name.as_str()]).collect();
    let mut errors = RowErrors::default();
    let mut quotas = HashMap::new();
    let mut first_line: HashMap<usize, u64> = HashMap::new();
    table.for_each(&mut errors, |row, errors| {
        let Some(key) = row.get(Q::Rep as usize) else {
            return errors.push(row.error(Q::Rep as usize, "rep", "the rep is empty; give the user id, email or name"));
        };
        let user = match index.get(&key.to_lowercase()) {
            Some(Some(i)) => *i,
            Some(None) => return errors.push(row.error(Q::Rep as usize, "rep", format!(
                "\"{key}\" names several users; give the user id"
            ))),
            None => return errors.push(row.error(Q::Rep as usize, "rep", format!(
                "\"{key}\" is no active user of the users file{}; fix the name, or remove the row (an inactive \
                 user is not a rep)",
                did_you_mean(key, known.iter().copied())
            ))),
        };
        if let Some(first) = first_line.insert(user, row.line) {
            return errors.push(row.error(Q::Rep as usize, "rep", format!(
                "user {} has two quota rows (lines {first} and {}); keep one", users[user].id, row.line
            )));
        }
        let quota = match row.get(Q::Quota as usize).map(|raw| row.parse_money(raw)) {
            Some(Ok(v)) => match Money::new(v) {
                Ok(m) => m,
                Err(e) => return errors.push(row.error(Q::Quota as usize, "annual_quota", format!("{e}; give the annual quota"))),
            },
            Some(Err(e)) => return errors.push(row.error(Q::Quota as usize, "annual_quota", format!("{e}; give the annual quota"))),
            None => return errors.push(row.error(Q::Quota as usize, "annual_quota", "the quota is empty; give the annual quota")),
        };
        let capacity = match row.get(Q::Capacity as usize).map(|raw| row.parse_number(raw)) {
            None => None,
            Some(Ok(v)) if v >= 0.0 => Some(v),
            Some(_) => return errors.push(row.error(Q::Capacity as usize, "capacity_hours",
                "give selling hours per month, zero or more, or leave the cell empty for the default")),
        };
        let text = |f: Q| row.get(f as usize).map(str::to_string);
        quotas.insert(user, Quota { line: row.line, quota, capacity, region: text(Q::Region), role: text(Q::Role) });
    });
    errors.into_result(file)?;
    Ok(quotas)
}
