//! `load_history`: an opportunity export (Salesforce API names or report labels, HubSpot deals, or any CSV
//! through `[data.columns.history]` and `[data.stages]`) joined to the market's accounts and reps.
//!
//! Cells that cannot be read (a date in no known form, an amount that is not money, a stage the scenario
//! does not map) are errors with file, line, column and fix: they mean the mapping is wrong. Rows that read
//! fine but cannot be used (a won deal without an amount, a close date before the created date, an account
//! that is not in the accounts file, ...) are counted by reason in [`History::rejected`], never dropped
//! silently.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::calibrate::{History, Opportunity, Outcome, classify_by_first_win};
use crate::market::{Assumption, Market, parse_crm_date, parse_iso_date};
use crate::scenario::{Scenario, StageMap};
use crate::sim::model::SalesMotion;

use super::csv_table::{Row, Table, normalise, parse_bool};
use super::error::{DataError, RowErrors};
use super::fields::history_fields::{H, HISTORY};
use super::format::Format;
use super::motions::{Rule, TypeMeaning, classify, listed_twice};

const ID: usize = H::Id as usize;
const ACCOUNT: usize = H::Account as usize;
const OWNER: usize = H::Owner as usize;
const STAGE: usize = H::Stage as usize;
const AMOUNT: usize = H::Amount as usize;
const CLOSE: usize = H::Close as usize;
const CREATED: usize = H::Created as usize;
const IS_CLOSED: usize = H::IsClosed as usize;
const IS_WON: usize = H::IsWon as usize;
const TYPE: usize = H::Type as usize;
const DEAL_TYPE: usize = H::DealType as usize;
const MOTION: usize = H::Motion as usize;

/// Reasons a readable row cannot be used.
mod reason {
    pub const UNKNOWN_ACCOUNT: &str = "account not in the accounts file";
    pub const NO_ACCOUNT: &str = "no account";
    pub const NO_CREATED: &str = "no created date";
    pub const NO_CLOSE: &str = "closed without a close date";
    pub const CLOSE_BEFORE_CREATED: &str = "close date before the created date";
    pub const WON_NO_AMOUNT: &str = "won without an amount";
    pub const DUPLICATE: &str = "duplicate opportunity id";
    pub const EXCLUDED_TYPE: &str = "a renewal or another type left out of the fit (no new value)";
}

/// The label [`History::classified_by`] counts the opportunities classified by the account's record under.
const BY_FIRST_WIN: &str = "first won deal";
/// The code of the declaration that motions came from the accounts' records.
const MOTION_FROM_FIRST_WIN: &str = "motion_from_first_win";

/// Reads the opportunities open at the scenario's `as_of` from its `[data] pipeline` file, or else its
/// history, into `market`; a scenario that names neither starts with no open pipeline (declared by
/// [`crate::scenario::declared`]). What the file could not give is declared on the market.
pub(crate) fn load_open_pipeline(scenario: &Scenario, market: &mut Market) -> Result<(), DataError> {
    let Some(path) = scenario.data.pipeline.as_ref().or(scenario.data.history.as_ref()) else {
        return Ok(());
    };
    let key = if scenario.data.pipeline.is_some() { "pipeline" } else { "history" };
    let file = scenario.resolve_path(path);
    // The file is checked even when as_of keeps it from being read: validate checks every named input.
    std::fs::metadata(&file).map_err(|e| DataError::Read { file: file.clone(), reason: e.to_string() })?;
    let Some(as_of) = scenario.as_of.as_deref().and_then(parse_iso_date) else {
        // Which deals are open depends on the day; without as_of there is no day to take them on.
        market.declare(Assumption::new(
            "pipeline_without_as_of",
            "as_of",
            format!(
                "[data] {key} names the opportunities, but the scenario has no as_of, so none is carried in as \
                 the open pipeline and the year starts with none; set as_of = \"YYYY-MM-DD\", the date of the \
                 export"
            ),
        ));
        return Ok(());
    };
    let kind = if scenario.data.pipeline.is_some() { Kind::Pipeline } else { Kind::History };
    let history = read_opportunities(&file, scenario, market, kind)?;
    let subject = file.display().to_string();
    // A carried-in deal's motion is its account's at as_of (a customer's deals are expansion), not the
    // history's classification, so how the history's motions were read is no assumption of the run.
    let mut notes: Vec<Assumption> =
        history.notes.iter().filter(|n| n.code != MOTION_FROM_FIRST_WIN).cloned().collect();
    let crate::calibrate::OpenDeals { deals, unvalued } =
        history.open_on(as_of, |a| market.accounts()[a].potential.get());
    let later = history.opportunities.iter().filter(|o| o.created >= as_of).count();
    if later > 0 {
        notes.push(Assumption::new(
            "pipeline_after_as_of",
            &subject,
            format!(
                "{later} opportunities were created on or after as_of {}, so they are not in the open pipeline \
                 the year starts with; set as_of to the export's date if they should be",
                scenario.as_of.as_deref().unwrap_or_default()
            ),
        ));
    }
    if unvalued > 0 {
        notes.push(Assumption::new(
            "pipeline_amount_default",
            &subject,
            format!(
                "{unvalued} of the {} open opportunities have no amount and are valued at their account's \
                 potential; give the amount column",
                deals.len()
            ),
        ));
    }
    if history.rejected.total() > 0 {
        let reasons: Vec<String> =
            history.rejected.by_reason.iter().map(|(r, (n, _))| format!("{n} {r}")).collect();
        notes.push(Assumption::new(
            "pipeline_rows_rejected",
            &subject,
            format!(
                "{} rows could not be used and are not in the open pipeline ({})",
                history.rejected.total(),
                reasons.join(", ")
            ),
        ));
    }
    market.set_open_pipeline(deals)?;
    for note in notes {
        market.declare(note);
    }
    Ok(())
}

/// Reads the opportunity history `file` of `scenario` and joins it to `market`.
pub fn load_history(file: &Path, scenario: &Scenario, market: &Market) -> Result<History, DataError> {
    read_opportunities(file, scenario, market, Kind::History)
}

/// What an opportunity file is for: a history must hold closed deals to learn from; an open-pipeline
/// export holds open ones, whose stage names need not say won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    History,
    Pipeline,
}

fn read_opportunities(
    file: &Path,
    scenario: &Scenario,
    market: &Market,
    kind: Kind,
) -> Result<History, DataError> {
    let mut table =
        Table::open(file, "history", HISTORY, &scenario.data.columns.history, &Format::of(&scenario.data))?;
    let stages = &scenario.data.stages;
    check_stage_lists(scenario)?;
    check_motion_lists(scenario)?;
    let motions = &scenario.data.motions;
    if !table.has(STAGE) && !table.has(IS_WON) {
        return Err(DataError::MissingColumn {
            file: file.to_path_buf(),
            table: "history",
            field: "stage",
            aliases: "\"stagename\", \"stage\", \"dealstage\", or a won flag \"iswon\", \"hsisclosedwon\""
                .into(),
            found: "no stage and no won flag".into(),
        });
    }
    let accounts = index_by_id_and_name(market.accounts().iter().map(|a| (a.id.as_str(), a.name.as_str())));
    let reps = index_by_id_and_name(market.reps().iter().map(|r| (r.id.as_str(), r.name.as_str())));
    let mut errors = RowErrors::default();
    let mut history = History { notes: table.notes().to_vec(), ..History::default() };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut stage_counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_record: Vec<usize> = Vec::new();
    table.for_each(&mut errors, |row, errors| {
        if let Some(stage) = row.get(STAGE) {
            *stage_counts.entry(stage.to_string()).or_default() += 1;
        }
        let Some(parsed) = parse_row(row, stages, errors) else { return };
        let line = row.line;
        let motion = match classify([row.get(TYPE), row.get(DEAL_TYPE), row.get(MOTION)], motions) {
            Ok(m) => m,
            Err((rule, message)) => {
                let (field, name) = match rule {
                    Rule::OpportunityType => (TYPE, "opportunity_type"),
                    Rule::DealType => (DEAL_TYPE, "deal_type"),
                    Rule::Column => (MOTION, "motion"),
                };
                errors.push(row.error(field, name, message));
                return;
            }
        };
        let Some(account_cell) = row.get(ACCOUNT) else {
            history.rejected.push(reason::NO_ACCOUNT, line);
            return;
        };
        let Some(account) = accounts.resolve(account_cell) else {
            history.rejected.push(reason::UNKNOWN_ACCOUNT, line);
            return;
        };
        let Some(created) = parsed.created else {
            history.rejected.push(reason::NO_CREATED, line);
            return;
        };
        let closed = match (parsed.outcome, parsed.close) {
            (Outcome::Open, _) => None,
            (_, None) => {
                history.rejected.push(reason::NO_CLOSE, line);
                return;
            }
            (_, Some(c)) if c < created => {
                history.rejected.push(reason::CLOSE_BEFORE_CREATED, line);
                return;
            }
            (_, Some(c)) => Some(c),
        };
        if parsed.outcome == Outcome::Won && parsed.amount.is_none() {
            history.rejected.push(reason::WON_NO_AMOUNT, line);
            return;
        }
        let id = row.get(ID).map_or_else(|| format!("line {line}"), str::to_string);
        if row.get(ID).is_some() {
            if seen.contains_key(&id) {
                history.rejected.push(reason::DUPLICATE, line);
                return;
            }
            seen.insert(id.clone(), line);
        }
        let motion = match motion {
            Some((_, TypeMeaning::Excluded)) => {
                history.rejected.push(reason::EXCLUDED_TYPE, line);
                return;
            }
            Some((rule, TypeMeaning::Motion(m))) => {
                *history.classified_by.entry(rule.label().to_string()).or_default() += 1;
                Some(m)
            }
            None => None,
        };
        let owner = row.get(OWNER).and_then(|o| reps.resolve(o));
        if owner.is_none() {
            history.unknown_owner += 1;
        }
        if motion.is_none() {
            by_record.push(history.opportunities.len());
        }
        history.opportunities.push(Opportunity {
            id,
            account,
            owner,
            created,
            closed,
            outcome: parsed.outcome,
            amount: parsed.amount,
            motion: motion.unwrap_or(SalesMotion::NewBusiness),
        });
    });
    if stages.is_empty() && !table.has(IS_CLOSED) {
        stages_readable_by_name(file, &table, &stage_counts, kind)?;
    }
    errors.into_result(file)?;
    if history.opportunities.is_empty() {
        return Err(DataError::Read {
            file: file.to_path_buf(),
            reason: format!(
                "no usable opportunity ({} rows rejected: {}); check that the account ids match the accounts file",
                history.rejected.total(),
                history.rejected.by_reason.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    if kind == Kind::History && history.opportunities.iter().all(|o| o.outcome == Outcome::Open) {
        return Err(DataError::NoClosedDeals { file: file.to_path_buf(), open: history.opportunities.len() });
    }
    classify_rest(file, &table, &mut history, &by_record, market);
    Ok(history)
}

/// Gives the opportunities at `pending`, whose row names no type, the motion their account's record says
/// ([`classify_by_first_win`]), and declares how many.
fn classify_rest(file: &Path, table: &Table, history: &mut History, pending: &[usize], market: &Market) {
    if pending.is_empty() {
        return;
    }
    let is_customer = |a: usize| market.accounts()[a].is_customer;
    classify_by_first_win(&mut history.opportunities, pending, &is_customer);
    history.classified_by.insert(BY_FIRST_WIN.to_string(), pending.len());
    let expansion =
        pending.iter().filter(|&&i| history.opportunities[i].motion == SalesMotion::Expansion).count();
    let columns: Vec<&str> = [TYPE, DEAL_TYPE, MOTION].into_iter().filter_map(|f| table.header(f)).collect();
    let why = if columns.is_empty() {
        "the file has no opportunity type column (Salesforce Type, HubSpot dealtype, or one mapped as \
         [data.columns.history] motion)"
            .to_string()
    } else {
        format!(
            "their {} cell is empty",
            columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(" and ")
        )
    };
    history.notes.push(Assumption::new(
        MOTION_FROM_FIRST_WIN,
        file.display().to_string(),
        format!(
            "{} of {} opportunities have no type ({why}), so their motion comes from the account's record \
             ({expansion} of them expansion): expansion when the account had a won deal closed before the \
             opportunity was created, or is a customer with no won deal in the history, new business \
             otherwise; export the opportunity type to classify them as the CRM does",
            pending.len(),
            history.opportunities.len()
        ),
    ));
}

/// A type listed under two lists of `[data.motions]` is refused: which one it means is the user's to say.
fn check_motion_lists(scenario: &Scenario) -> Result<(), DataError> {
    match listed_twice(&scenario.data.motions) {
        None => Ok(()),
        Some((both, first, second)) => Err(DataError::Scenario {
            file: scenario.source.clone(),
            field: format!("data.motions.{second}"),
            message: format!(
                "type \"{both}\" is listed under both {first} and {second}; a type means one motion: keep it \
                 in one list"
            ),
        }),
    }
}

/// Without `[data.stages]` or an IsClosed column, the stages are read by name: refused when they are
/// numeric pipeline ids (HubSpot custom pipelines), or when, with no won flag either, none names won or lost
/// (every deal would read as open) in a history; an open-pipeline export may name only open stages.
fn stages_readable_by_name(
    file: &Path,
    table: &Table,
    counts: &BTreeMap<String, u64>,
    kind: Kind,
) -> Result<(), DataError> {
    let numeric = counts.keys().any(|s| s.bytes().all(|b| b.is_ascii_digit()));
    let named = counts.keys().any(|s| stage_by_name(s) != StageName::Open);
    let closed_looking: Vec<&String> =
        counts.keys().filter(|s| stage_by_name(s) == StageName::Unknown).collect();
    let why = if numeric {
        "holds numeric ids (a custom pipeline exports its internal stage ids)"
    } else if !closed_looking.is_empty() {
        "holds stage names that look closed but are neither Closed Won nor Closed Lost (read by name, they would \
         count as open or as the wrong outcome)"
    } else if !named && !table.has(IS_WON) && kind == Kind::History {
        "holds values of which none names won or lost, and there is no IsClosed or IsWon column"
    } else {
        return Ok(());
    };
    // The names that decide come first: the closed-looking ones, then the rest by count.
    let mut by_count: Vec<(&String, &u64)> = counts.iter().collect();
    by_count.sort_by(|a, b| {
        let unknown = |s: &String| stage_by_name(s) != StageName::Unknown;
        unknown(a.0).cmp(&unknown(b.0)).then(b.1.cmp(a.1)).then(a.0.cmp(b.0))
    });
    let mut values: Vec<String> = by_count
        .iter()
        .take(8)
        .map(|(v, n)| format!("\"{v}\" ({n} row{})", if **n == 1 { "" } else { "s" }))
        .collect();
    if by_count.len() > 8 {
        values.push(format!("and {} more", by_count.len() - 8));
    }
    Err(DataError::UnmappedStages {
        file: file.to_path_buf(),
        column: table.header(STAGE).unwrap_or("stage").to_string(),
        why: why.to_string(),
        values: values.join(", "),
        example: by_count.first().map_or_else(String::new, |(v, _)| v.to_string()),
    })
}

struct Parsed {
    created: Option<i64>,
    close: Option<i64>,
    outcome: Outcome,
    amount: Option<f64>,
}

fn parse_row(row: &Row<'_>, stages: &StageMap, errors: &mut RowErrors) -> Option<Parsed> {
    let mut ok = true;
    let date = |field: usize, name: &'static str, errors: &mut RowErrors, ok: &mut bool| {
        let raw = row.get(field)?;
        let parsed = parse_crm_date(raw);
        if parsed.is_none() {
            *ok = false;
            errors.push(row.error(
                field,
                name,
                format!("\"{raw}\" is not a date; write YYYY-MM-DD, M/D/YYYY or an ISO datetime such as 2025-03-04T17:30:00Z"),
            ));
        }
        parsed
    };
    let created = date(CREATED, "created_date", errors, &mut ok);
    let close = date(CLOSE, "close_date", errors, &mut ok);
    let amount = match row.get(AMOUNT).map(|raw| row.parse_money(raw)) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            ok = false;
            errors.push(row.error(AMOUNT, "amount", e));
            None
        }
    };
    let flag = |field: usize, name: &'static str, errors: &mut RowErrors, ok: &mut bool| {
        let raw = row.get(field)?;
        let parsed = parse_bool(raw);
        if parsed.is_none() {
            *ok = false;
            errors.push(row.error(field, name, format!("\"{raw}\" is not true or false")));
        }
        parsed
    };
    let is_closed = flag(IS_CLOSED, "is_closed", errors, &mut ok);
    let is_won = flag(IS_WON, "is_won", errors, &mut ok);
    let from_stage = match row.get(STAGE) {
        None => None,
        Some(raw) => match stage_outcome(raw, stages) {
            Ok(o) => o,
            Err(message) => {
                ok = false;
                errors.push(row.error(STAGE, "stage", message));
                None
            }
        },
    };
    let outcome = match (is_won, is_closed, from_stage) {
        // An explicit stage map is the user's word; it wins over the export's flags.
        (_, _, Some(o)) if !stages.is_empty() => o,
        (Some(true), _, _) => Outcome::Won,
        (Some(false), Some(true), _) => Outcome::Lost,
        (Some(false), Some(false), _) => Outcome::Open,
        // HubSpot's hs_is_closed_won is false for open and lost deals alike: the stage tells them apart.
        (Some(false), None, Some(o)) => {
            if o == Outcome::Won {
                Outcome::Lost
            } else {
                o
            }
        }
        (Some(false), None, None) => Outcome::Lost,
        (None, Some(false), _) => Outcome::Open,
        (None, _, Some(o)) => o,
        (None, _, None) => {
            ok = false;
            errors.push(row.error(STAGE, "stage", "no stage and no won flag; fill the stage"));
            Outcome::Open
        }
    };
    ok.then_some(Parsed { created, close, outcome, amount })
}

/// A stage listed under two outcomes of `[data.stages]` is refused: which one it means is the user's to say.
fn check_stage_lists(scenario: &Scenario) -> Result<(), DataError> {
    let stages = &scenario.data.stages;
    let lists = [("open", &stages.open), ("won", &stages.won), ("lost", &stages.lost)];
    for (i, (first, a)) in lists.iter().enumerate() {
        for (second, b) in &lists[i + 1..] {
            if let Some(both) = a.iter().find(|x| b.iter().any(|y| y.trim().eq_ignore_ascii_case(x.trim()))) {
                return Err(DataError::Scenario {
                    file: scenario.source.clone(),
                    field: format!("data.stages.{second}"),
                    message: format!(
                        "stage \"{both}\" is listed under both {first} and {second}; a stage means one outcome: \
                         keep it in one list"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// What a stage name says without a `[data.stages]` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StageName {
    Won,
    Lost,
    Open,
    /// A name that looks closed ("Closed - No Decision", "Gewonnen", "Disqualified") but is not one of the
    /// CRMs' own won and lost names: what it means is the user's to say.
    Unknown,
}

/// Salesforce's and HubSpot's won and lost stages (any case and punctuation: `Closed Won`, `closedwon`).
const WON_NAMES: &[&str] = &["closedwon", "won"];
const LOST_NAMES: &[&str] = &["closedlost", "lost"];
/// Parts of stage names that say a deal is closed, in the languages CRM exports come in.
const CLOSED_WORDS: &[&str] = &[
    "closed",
    "won",
    "lost",
    "gewonnen",
    "verloren",
    "gagn",
    "perdu",
    "ganad",
    "perdid",
    "vinto",
    "disqualif",
    "nodecision",
    "geschlossen",
    "ferm",
    "cerrad",
];

fn stage_by_name(raw: &str) -> StageName {
    let n = normalise(raw);
    if WON_NAMES.contains(&n.as_str()) {
        StageName::Won
    } else if LOST_NAMES.contains(&n.as_str()) {
        StageName::Lost
    } else if CLOSED_WORDS.iter().any(|w| n.contains(w)) {
        StageName::Unknown
    } else {
        StageName::Open
    }
}

/// The outcome a stage value means: from the scenario's `[data.stages]` when it lists any, else by name
/// (a closed-looking name that is not a known one reads as open here, and the file is refused as a whole).
fn stage_outcome(raw: &str, stages: &StageMap) -> Result<Option<Outcome>, String> {
    if stages.is_empty() {
        return Ok(Some(match stage_by_name(raw) {
            StageName::Won => Outcome::Won,
            StageName::Lost => Outcome::Lost,
            StageName::Open | StageName::Unknown => Outcome::Open,
        }));
    }
    let listed = |list: &[String]| list.iter().any(|s| s.trim().eq_ignore_ascii_case(raw.trim()));
    if listed(&stages.won) {
        Ok(Some(Outcome::Won))
    } else if listed(&stages.lost) {
        Ok(Some(Outcome::Lost))
    } else if listed(&stages.open) {
        Ok(Some(Outcome::Open))
    } else {
        Err(format!(
            "stage \"{raw}\" is not in [data.stages]; add it to the open, won or lost list of the scenario"
        ))
    }
}

/// Resolves a cell to an index: an id first, then a unique name.
struct IdIndex {
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, Option<usize>>,
}

fn index_by_id_and_name<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> IdIndex {
    let mut by_id = HashMap::new();
    let mut by_name: HashMap<String, Option<usize>> = HashMap::new();
    for (i, (id, name)) in items.enumerate() {
        by_id.insert(id.to_string(), i);
        by_name.entry(name.trim().to_lowercase()).and_modify(|e| *e = None).or_insert(Some(i));
    }
    IdIndex { by_id, by_name }
}

impl IdIndex {
    fn resolve(&self, cell: &str) -> Option<usize> {
        let cell = cell.trim();
        self.by_id.get(cell).copied().or_else(|| self.by_name.get(&cell.to_lowercase()).copied().flatten())
    }
}

/// Writes `history` as a Salesforce Opportunity export with API names (`Id, AccountId, OwnerId, StageName,
/// Amount, CloseDate, CreatedDate, IsClosed, IsWon, Type`), atomically. Open opportunities have no close
/// date; the motion is the `Type` a Salesforce org would give it (`New Business`, `Existing Customer -
/// Upgrade`), so that the file reads back with the same motions.
pub fn write_history(path: &Path, history: &History, market: &Market) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "Id",
        "AccountId",
        "OwnerId",
        "StageName",
        "Amount",
        "CloseDate",
        "CreatedDate",
        "IsClosed",
        "IsWon",
        "Type",
    ];
    out.write_record(header)?;
    let date = |d: i64| {
        let (y, m, day) = crate::market::civil_from_days(d);
        format!("{y:04}-{m:02}-{day:02}")
    };
    for o in &history.opportunities {
        let (stage, closed, won) = match o.outcome {
            Outcome::Open => ("Qualification", "false", "false"),
            Outcome::Won => ("Closed Won", "true", "true"),
            Outcome::Lost => ("Closed Lost", "true", "false"),
        };
        out.write_record([
            o.id.as_str(),
            market.accounts()[o.account].id.as_str(),
            o.owner.map_or("", |r| market.reps()[r].id.as_str()),
            stage,
            &o.amount.map_or(String::new(), |a| format!("{a:.2}")),
            &o.closed.map_or(String::new(), date),
            &date(o.created),
            closed,
            won,
            match o.motion {
                SalesMotion::NewBusiness => "New Business",
                SalesMotion::Expansion => "Existing Customer - Upgrade",
            },
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    super::write_atomic(path, &bytes)
}
