use std::collections::HashMap;

use super::account::Account;
use super::assumption::Assumption;
use super::carveout::CarveOut;
use super::crm::CrmUser;
use super::ids::{AccountId, RepId};
use super::pipeline::OpenDeal;
use super::plan::Plan;
use super::rep::Rep;
use super::segment::{HierarchyLevel, SegmentPath};

/// A broken invariant between accounts, reps, plan and carve-outs. The importer reports these with file
/// and line first; this is the last line of defence for markets built in code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketError {
    /// Two accounts share an id.
    #[error("account id {0} appears twice; account ids must be unique")]
    DuplicateAccount(AccountId),
    /// Two reps share an id.
    #[error("rep id {0} appears twice; rep ids must be unique")]
    DuplicateRep(RepId),
    /// The plan does not cover exactly the accounts.
    #[error("the plan has {plan} entries for {accounts} accounts")]
    PlanSize {
        /// Entries in the plan.
        plan: usize,
        /// Accounts in the market.
        accounts: usize,
    },
    /// The plan names a rep index that does not exist.
    #[error("the plan gives an account to rep #{0}, which does not exist")]
    UnknownOwner(usize),
    /// An open deal on an account that is not in the market.
    #[error("open deal #{0} refers to an account that does not exist")]
    OpenDeal(usize),
    /// A carve-out refers to an account or rep index that does not exist.
    #[error("carve-out #{0} refers to an account or rep that does not exist")]
    CarveOutOutOfRange(usize),
    /// A carve-out's locked owner is not the account's owner in the plan.
    #[error(
        "account {account} is carved out to {locked} but the plan gives it to {planned}; a carve-out locks its owner"
    )]
    CarveOutOwner {
        /// The account.
        account: AccountId,
        /// Owner in the carve-out.
        locked: RepId,
        /// Owner in the plan (or "nobody").
        planned: String,
    },
}

/// The validated market: accounts, reps, the current plan and carve-outs, with id lookups.
#[derive(Debug, Clone)]
pub struct Market {
    accounts: Vec<Account>,
    reps: Vec<Rep>,
    plan: Plan,
    carveouts: Vec<CarveOut>,
    account_index: HashMap<AccountId, usize>,
    rep_index: HashMap<RepId, usize>,
    assumptions: Vec<Assumption>,
    open_pipeline: Vec<OpenDeal>,
    /// CRM identities by rep id: kept beside the reps, not in them, since only change files read them, and
    /// keyed by id so that a rep added later (a hire, a backfill) simply has none.
    crm_users: HashMap<RepId, CrmUser>,
}

impl Market {
    /// Builds a market, checking every cross-reference.
    pub fn new(
        accounts: Vec<Account>,
        reps: Vec<Rep>,
        plan: Plan,
        carveouts: Vec<CarveOut>,
    ) -> Result<Self, MarketError> {
        let mut account_index = HashMap::with_capacity(accounts.len());
        for (i, a) in accounts.iter().enumerate() {
            if account_index.insert(a.id.clone(), i).is_some() {
                return Err(MarketError::DuplicateAccount(a.id.clone()));
            }
        }
        let mut rep_index = HashMap::with_capacity(reps.len());
        for (i, r) in reps.iter().enumerate() {
            if rep_index.insert(r.id.clone(), i).is_some() {
                return Err(MarketError::DuplicateRep(r.id.clone()));
            }
        }
        if plan.len() != accounts.len() {
            return Err(MarketError::PlanSize { plan: plan.len(), accounts: accounts.len() });
        }
        if let Some(bad) = plan.owners().iter().flatten().find(|&&r| r as usize >= reps.len()) {
            return Err(MarketError::UnknownOwner(*bad as usize));
        }
        for (i, c) in carveouts.iter().enumerate() {
            if c.account >= accounts.len() || c.owner >= reps.len() {
                return Err(MarketError::CarveOutOutOfRange(i));
            }
            if plan.owner(c.account) != Some(c.owner) {
                return Err(MarketError::CarveOutOwner {
                    account: accounts[c.account].id.clone(),
                    locked: reps[c.owner].id.clone(),
                    planned: plan
                        .owner(c.account)
                        .map_or_else(|| "nobody".to_string(), |r| reps[r].id.to_string()),
                });
            }
        }
        Ok(Market {
            accounts,
            reps,
            plan,
            carveouts,
            account_index,
            rep_index,
            assumptions: Vec::new(),
            open_pipeline: Vec::new(),
            crm_users: HashMap::new(),
        })
    }

    /// All accounts, by dense index.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// All reps, by dense index.
    pub fn reps(&self) -> &[Rep] {
        &self.reps
    }

    /// The current plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The defaults the market's data rests on (a potential or tier taken from defaults, ...), in the
    /// order they were declared.
    pub fn assumptions(&self) -> &[Assumption] {
        &self.assumptions
    }

    /// The opportunities open at the scenario's `as_of` (an account may hold several): every command starts
    /// its year with them.
    pub fn open_pipeline(&self) -> &[OpenDeal] {
        &self.open_pipeline
    }

    /// Sets the opportunities open at the start (an account out of range is an error).
    pub fn set_open_pipeline(&mut self, deals: Vec<OpenDeal>) -> Result<(), MarketError> {
        if let Some(i) = deals.iter().position(|d| d.account >= self.accounts.len()) {
            return Err(MarketError::OpenDeal(i));
        }
        self.open_pipeline = deals;
        Ok(())
    }

    /// The CRM identity of a rep (its CRM user id, its email), when the reps file or users export gives one.
    pub fn crm_user(&self, rep: usize) -> Option<&CrmUser> {
        self.crm_users.get(&self.reps[rep].id)
    }

    /// Sets the CRM identity of a rep; an empty one is not kept.
    pub fn set_crm_user(&mut self, rep: usize, user: CrmUser) {
        let id = self.reps[rep].id.clone();
        if user.is_empty() {
            self.crm_users.remove(&id);
        } else {
            self.crm_users.insert(id, user);
        }
    }

    /// Declares a default the market rests on; a repeated declaration is kept once.
    pub fn declare(&mut self, assumption: Assumption) {
        if !self.assumptions.contains(&assumption) {
            self.assumptions.push(assumption);
        }
    }

    /// Carve-outs.
    pub fn carveouts(&self) -> &[CarveOut] {
        &self.carveouts
    }

    /// Index of an account id.
    pub fn account_ix(&self, id: &AccountId) -> Option<usize> {
        self.account_index.get(id).copied()
    }

    /// Index of a rep id.
    pub fn rep_ix(&self, id: &RepId) -> Option<usize> {
        self.rep_index.get(id).copied()
    }

    /// True when the account is carved out (its owner is locked).
    pub fn carved_out(&self) -> Vec<bool> {
        let mut locked = vec![false; self.accounts.len()];
        for c in &self.carveouts {
            locked[c.account] = true;
        }
        locked
    }

    /// Adds a rep (a hire or a backfill) and returns its index.
    pub fn add_rep(&mut self, rep: Rep) -> Result<usize, MarketError> {
        if self.rep_index.contains_key(&rep.id) {
            return Err(MarketError::DuplicateRep(rep.id));
        }
        let ix = self.reps.len();
        self.rep_index.insert(rep.id.clone(), ix);
        self.reps.push(rep);
        Ok(ix)
    }

    /// Mutable access to a rep's attributes (for capacity and quota events). Ids cannot change.
    pub fn rep_mut(&mut self, ix: usize) -> &mut Rep {
        &mut self.reps[ix]
    }

    /// Replaces the plan, keeping carve-outs locked.
    pub fn set_plan(&mut self, plan: Plan) -> Result<(), MarketError> {
        let old = std::mem::replace(&mut self.plan, plan);
        if self.plan.len() != self.accounts.len() {
            let got = self.plan.len();
            self.plan = old;
            return Err(MarketError::PlanSize { plan: got, accounts: self.accounts.len() });
        }
        for c in &self.carveouts {
            if self.plan.owner(c.account) != Some(c.owner) {
                let planned = self
                    .plan
                    .owner(c.account)
                    .map_or_else(|| "nobody".to_string(), |r| self.reps[r].id.to_string());
                self.plan = old;
                return Err(MarketError::CarveOutOwner {
                    account: self.accounts[c.account].id.clone(),
                    locked: self.reps[c.owner].id.clone(),
                    planned,
                });
            }
        }
        Ok(())
    }

    /// The segment path of an account along a hierarchy.
    pub fn segment_path(&self, account: usize, hierarchy: &[HierarchyLevel]) -> SegmentPath {
        self.accounts[account].segment_path(hierarchy)
    }
}
