//! What changes from one plan to another: the accounts that move, the figures a planner checks before a
//! change goes into the CRM (accounts and potential moved), and the rows of the CRM's own owner-update
//! imports, which name accounts and owners by the CRM's ids, never by terrasim's.

use super::crm::is_hubspot_id;
use super::plan::Plan;
use super::validated::Market;

/// One account whose owner differs between two plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanMove {
    /// The account (index in the market).
    pub account: usize,
    /// Its owner in the first plan (rep index), `None` when unowned.
    pub from: Option<usize>,
    /// Its owner in the second plan.
    pub to: Option<usize>,
    /// Why it moves, as people read it (`balance`, `departed owner`, `reassigned`, ...).
    pub reason: &'static str,
}

/// The moves from one plan to another, in account order, with the market's totals to weigh them.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDiff {
    /// Accounts whose owner changes, in account order.
    pub moves: Vec<PlanMove>,
    /// Accounts in the market.
    pub accounts: usize,
    /// Potential of every account, in money.
    pub potential: f64,
    /// Potential of the accounts that move.
    pub moved_potential: f64,
}

/// Reasons for plans that came without them (an edited or exported plan): only what the plans and the
/// headcount show, never a guess at the planner's intent.
pub mod reason {
    /// The account had no owner.
    pub const WAS_UNOWNED: &str = "was unowned";
    /// The second plan gives the account to nobody.
    pub const LEFT_UNOWNED: &str = "left unowned";
    /// The first owner leaves within the horizon.
    pub const DEPARTED_OWNER: &str = "departed owner";
    /// The new owner is a hire (a rep the scenario adds).
    pub const NEW_HIRE_BOOK: &str = "new-hire book";
    /// Any other change of owner.
    pub const REASSIGNED: &str = "reassigned";
}

impl PlanDiff {
    /// The moves that turn `from` into `to` on `market`. `leaving` marks reps who leave within the horizon
    /// and `joining` reps the scenario adds (hires, backfills), by rep index; a reason comes from them and
    /// from unowned accounts, else it is [`reason::REASSIGNED`].
    pub fn between(market: &Market, from: &Plan, to: &Plan, leaving: &[bool], joining: &[bool]) -> PlanDiff {
        let flag = |flags: &[bool], r: usize| flags.get(r).copied().unwrap_or(false);
        let moves = (0..from.len().min(to.len()))
            .filter(|&a| from.owner(a) != to.owner(a))
            .map(|a| {
                let (old, new) = (from.owner(a), to.owner(a));
                let why = match (old, new) {
                    (None, _) => reason::WAS_UNOWNED,
                    (_, None) => reason::LEFT_UNOWNED,
                    (Some(o), _) if flag(leaving, o) => reason::DEPARTED_OWNER,
                    (_, Some(n)) if flag(joining, n) => reason::NEW_HIRE_BOOK,
                    _ => reason::REASSIGNED,
                };
                PlanMove { account: a, from: old, to: new, reason: why }
            })
            .collect();
        PlanDiff::from_moves(market, moves)
    }

    /// A diff of moves whose reasons are known (the optimizer's).
    pub fn from_moves(market: &Market, mut moves: Vec<PlanMove>) -> PlanDiff {
        moves.sort_by_key(|m| m.account);
        let accounts = market.accounts();
        let potential = accounts.iter().map(|a| a.potential.get()).sum();
        let moved_potential = moves.iter().map(|m| accounts[m.account].potential.get()).sum();
        PlanDiff { moves, accounts: accounts.len(), potential, moved_potential }
    }

    /// The share of accounts that move.
    pub fn moved_share(&self) -> f64 {
        if self.accounts == 0 { 0.0 } else { self.moves.len() as f64 / self.accounts as f64 }
    }

    /// The share of potential that moves.
    pub fn moved_potential_share(&self) -> f64 {
        if self.potential > 0.0 { self.moved_potential / self.potential } else { 0.0 }
    }

    /// The moves, largest potential first (then in account order): the order people review them in.
    pub fn by_potential<'a>(&'a self, market: &Market) -> Vec<&'a PlanMove> {
        let potential = |m: &PlanMove| market.accounts()[m.account].potential.get();
        let mut moves: Vec<&PlanMove> = self.moves.iter().collect();
        moves.sort_by(|a, b| potential(b).total_cmp(&potential(a)).then(a.account.cmp(&b.account)));
        moves
    }

    /// The rows of a Salesforce Data Loader owner update (`Id,OwnerId`): each moved account's id as
    /// imported and its new owner's Salesforce user id. A HubSpot owner id (digits only) is no Salesforce
    /// user id.
    pub fn salesforce_updates(&self, market: &Market) -> CrmUpdates {
        self.updates(market, |r| {
            market.crm_user(r)?.user_id.as_deref().filter(|id| !is_hubspot_id(id)).map(str::to_string)
        })
    }

    /// The rows of a HubSpot companies import (`Record ID,Company owner`): each moved account's id as
    /// imported and its new owner as HubSpot takes one: the owner's email, else a HubSpot owner id (digits
    /// only; a Salesforce user id is none).
    pub fn hubspot_updates(&self, market: &Market) -> CrmUpdates {
        self.updates(market, |r| {
            let user = market.crm_user(r)?;
            user.email.clone().or_else(|| user.user_id.clone().filter(|id| is_hubspot_id(id)))
        })
    }

    fn updates(&self, market: &Market, owner: impl Fn(usize) -> Option<String>) -> CrmUpdates {
        let mut rows = Vec::new();
        let mut missing = MissingOwners::default();
        let mut left_unowned = 0;
        for m in &self.moves {
            let Some(to) = m.to else {
                left_unowned += 1;
                continue;
            };
            match owner(to) {
                Some(o) => rows.push((market.accounts()[m.account].id.to_string(), o)),
                None => {
                    missing.accounts += 1;
                    if !missing.reps.contains(&to) {
                        missing.reps.push(to);
                    }
                }
            }
        }
        let rows = if missing.accounts == 0 { Ok(rows) } else { Err(missing) };
        CrmUpdates { rows, left_unowned }
    }
}

/// The figures of a plan change, as `diff.json` gives them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DiffSummary {
    /// Accounts in the market.
    pub accounts: usize,
    /// Accounts whose owner changes.
    pub moved_accounts: usize,
    /// Share of accounts whose owner changes (continuity: the in-year target is at most 10%).
    pub moved_share: f64,
    /// Potential of every account, in money.
    pub potential: f64,
    /// Potential of the accounts that move, in money.
    pub moved_potential: f64,
    /// Share of potential that moves.
    pub moved_potential_share: f64,
}

/// The result of `terrasim diff`: `diff.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DiffResult {
    /// Result schema version.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// The plan the change starts from.
    pub plan_a: String,
    /// The plan it goes to.
    pub plan_b: String,
    /// What moves.
    pub summary: DiffSummary,
    /// The change files written beside it (a CRM file that could not be written is not listed, and
    /// `assumptions` says why).
    pub files: Vec<String>,
    /// What the run rests on that is not the user's data, and what the change files leave out.
    pub assumptions: Vec<super::assumption::Assumption>,
}

/// The schema version of [`DiffResult`].
pub const DIFF_SCHEMA_VERSION: u32 = 1;

impl PlanDiff {
    /// The figures of the change.
    pub fn summary(&self) -> DiffSummary {
        DiffSummary {
            accounts: self.accounts,
            moved_accounts: self.moves.len(),
            moved_share: self.moved_share(),
            potential: self.potential,
            moved_potential: self.moved_potential,
            moved_potential_share: self.moved_potential_share(),
        }
    }
}

/// The rows of one CRM change file, or why it cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmUpdates {
    /// (account id as imported, owner as the CRM names it), in account order; or the new owners the CRM
    /// cannot be given, in which case the file must not be written: a row that named a terrasim rep id as
    /// the owner would fail in the import or, worse, match the wrong user.
    pub rows: Result<Vec<(String, String)>, MissingOwners>,
    /// Moves to no owner, left out: these imports cannot empty an owner field.
    pub left_unowned: usize,
}

/// New owners without an owner value the CRM takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MissingOwners {
    /// The reps (indexes), in the order of their first moved account.
    pub reps: Vec<usize>,
    /// The moved accounts that go to them.
    pub accounts: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::{
        Account, AccountId, CrmUser, Money, Motion, Rep, RepId, ScoreInputs, SizeBand, Tier,
    };

    fn account(id: &str, potential: f64) -> Account {
        Account {
            id: AccountId::new(id).unwrap(),
            name: format!("{id} Inc"),
            region: crate::market::Region::new("AMER").unwrap(),
            country: "United States".into(),
            state: String::new(),
            county_fips: None,
            postal_code: None,
            location: None,
            vertical: "Retail".into(),
            employees: None,
            annual_revenue: None,
            is_customer: false,
            score_inputs: ScoreInputs {
                icp_fit: 3,
                signal_recency: 3,
                whitespace: 3,
                competitive_difficulty: 3,
            },
            whitespace_value: None,
            size_band: SizeBand::Smb,
            score: 3.0,
            tier: Tier(2),
            potential: Money::new(potential).unwrap(),
        }
    }

    fn rep(id: &str) -> Rep {
        Rep {
            id: RepId::new(id).unwrap(),
            name: format!("Rep {id}"),
            role: SizeBand::Smb,
            team: "AMER-SMB".into(),
            region: crate::market::Region::new("AMER").unwrap(),
            home: None,
            expert_verticals: Vec::new(),
            capacity_hours: 100.0,
            annual_quota: Money::new(1e6).unwrap(),
            start_month: 1,
            ramp_months: 0,
            end_month: None,
            skill: 1.0,
            motion: Motion::Inside,
        }
    }

    /// Four accounts (potential 100, 200, 300, 400) over three reps; A1 to R1, A2 and A3 to R2, A4 unowned.
    fn market() -> Market {
        let accounts =
            vec![account("A1", 100.0), account("A2", 200.0), account("A3", 300.0), account("A4", 400.0)];
        let reps = vec![rep("R1"), rep("R2"), rep("R3")];
        let plan = Plan::from_owners(vec![Some(0), Some(1), Some(1), None]);
        Market::new(accounts, reps, plan, Vec::new()).unwrap()
    }

    fn user(id: Option<&str>, email: Option<&str>) -> CrmUser {
        CrmUser { user_id: id.map(str::to_string), email: email.map(str::to_string) }
    }

    #[test]
    fn a_diff_lists_the_moves_with_their_potential_and_reasons() {
        let m = market();
        let to = Plan::from_owners(vec![Some(0), Some(2), None, Some(2)]);
        let diff = PlanDiff::between(&m, m.plan(), &to, &[false, true, false], &[false, false, true]);
        let got: Vec<_> = diff.moves.iter().map(|mv| (mv.account, mv.from, mv.to, mv.reason)).collect();
        assert_eq!(
            got,
            vec![
                (1, Some(1), Some(2), reason::DEPARTED_OWNER),
                (2, Some(1), None, reason::LEFT_UNOWNED),
                (3, None, Some(2), reason::WAS_UNOWNED),
            ]
        );
        assert_eq!(diff.moved_potential, 900.0);
        assert_eq!(diff.potential, 1000.0);
        assert!((diff.moved_share() - 0.75).abs() < 1e-12);
        assert!((diff.moved_potential_share() - 0.9).abs() < 1e-12);
        let order: Vec<usize> = diff.by_potential(&m).iter().map(|mv| mv.account).collect();
        assert_eq!(order, vec![3, 2, 1], "largest potential first");
        let hire = PlanDiff::between(&m, m.plan(), &to, &[false; 3], &[false, false, true]);
        assert_eq!(hire.moves[0].reason, reason::NEW_HIRE_BOOK);
        let same = PlanDiff::between(&m, m.plan(), m.plan(), &[], &[]);
        assert!(same.moves.is_empty());
        assert_eq!(same.moved_share(), 0.0);
    }

    #[test]
    fn crm_rows_use_the_crm_ids_and_leave_unowned_moves_out() {
        let mut m = market();
        m.set_crm_user(0, user(Some("0055g00000AbCdEAAZ"), Some("ana@example.com")));
        m.set_crm_user(2, user(Some("0055g00000ZzZzZAAA"), Some("cho@example.com")));
        let to = Plan::from_owners(vec![Some(2), Some(0), None, Some(2)]);
        let diff = PlanDiff::between(&m, m.plan(), &to, &[], &[]);
        let sf = diff.salesforce_updates(&m);
        assert_eq!(sf.left_unowned, 1);
        assert_eq!(
            sf.rows.unwrap(),
            vec![
                ("A1".to_string(), "0055g00000ZzZzZAAA".to_string()),
                ("A2".to_string(), "0055g00000AbCdEAAZ".to_string()),
                ("A4".to_string(), "0055g00000ZzZzZAAA".to_string()),
            ]
        );
        let hs = diff.hubspot_updates(&m).rows.unwrap();
        assert_eq!(hs[0], ("A1".to_string(), "cho@example.com".to_string()), "HubSpot takes the email");
    }

    #[test]
    fn a_new_owner_without_a_crm_id_refuses_the_file_and_names_the_rep() {
        let mut m = market();
        m.set_crm_user(0, user(Some("0055g00000AbCdEAAZ"), None));
        // R2 has a HubSpot owner id: no Salesforce user, but a HubSpot owner.
        m.set_crm_user(1, user(Some("71002"), None));
        let to = Plan::from_owners(vec![Some(1), Some(2), Some(2), Some(0)]);
        let diff = PlanDiff::between(&m, m.plan(), &to, &[], &[]);
        let sf = diff.salesforce_updates(&m).rows.unwrap_err();
        assert_eq!(sf, MissingOwners { reps: vec![1, 2], accounts: 3 });
        let hs = diff.hubspot_updates(&m).rows.unwrap_err();
        // R1's Salesforce id is no HubSpot owner, and R3 has nothing.
        assert_eq!(hs, MissingOwners { reps: vec![2, 0], accounts: 3 });
        let to_r2 = Plan::from_owners(vec![Some(1), Some(1), Some(1), Some(1)]);
        let hs = PlanDiff::between(&m, m.plan(), &to_r2, &[], &[]).hubspot_updates(&m).rows.unwrap();
        assert_eq!(hs, vec![("A1".into(), "71002".into()), ("A4".into(), "71002".into())]);
    }
}
