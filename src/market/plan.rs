/// Who owns which account: for each account (by dense index) its owner's rep index, or `None` when the
/// account is unowned. An account can never have two owners: the representation makes that impossible.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Plan {
    owners: Vec<Option<u32>>,
}

impl Plan {
    /// A plan in which no account has an owner yet.
    pub fn unowned(n_accounts: usize) -> Self {
        Plan { owners: vec![None; n_accounts] }
    }

    /// A plan from a vector of owners.
    pub fn from_owners(owners: Vec<Option<u32>>) -> Self {
        Plan { owners }
    }

    /// Number of accounts in scope.
    pub fn len(&self) -> usize {
        self.owners.len()
    }

    /// True when the plan has no accounts.
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// The owner of an account.
    pub fn owner(&self, account: usize) -> Option<usize> {
        self.owners[account].map(|r| r as usize)
    }

    /// Gives an account to a rep (or to nobody).
    pub fn assign(&mut self, account: usize, rep: Option<usize>) {
        self.owners[account] = rep.map(|r| r as u32);
    }

    /// All owners, by account index.
    pub fn owners(&self) -> &[Option<u32>] {
        &self.owners
    }

    /// The accounts of each rep, by rep index; accounts in index order.
    pub fn books(&self, n_reps: usize) -> Vec<Vec<usize>> {
        let mut books = vec![Vec::new(); n_reps];
        for (a, owner) in self.owners.iter().enumerate() {
            if let Some(r) = owner {
                books[*r as usize].push(a);
            }
        }
        books
    }

    /// Accounts with no owner.
    pub fn unowned_accounts(&self) -> Vec<usize> {
        (0..self.owners.len()).filter(|&a| self.owners[a].is_none()).collect()
    }

    /// The share of accounts whose owner differs from `other` (continuity).
    pub fn moved_share(&self, other: &Plan) -> f64 {
        if self.owners.is_empty() {
            return 0.0;
        }
        let moved = self.owners.iter().zip(&other.owners).filter(|(a, b)| a != b).count();
        moved as f64 / self.owners.len() as f64
    }
}
