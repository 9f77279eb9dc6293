//! The defaults an accounts file rests on, counted while it is read and declared as assumptions: potential
//! without a whitespace value, one tier for want of score inputs, missing score inputs, no customer flag,
//! and owners left unowned. Each declaration names the file and how to give the data instead.

use std::path::Path;

use crate::market::{Assumption, ScoreInputs};
use crate::scenario::Scenario;

/// What the accounts file did not give, counted while reading, to declare the defaults taken instead.
#[derive(Default)]
pub(super) struct AccountStats {
    /// Which of the four score inputs have a column.
    pub(super) score_columns: [bool; 4],
    pub(super) has_value_column: bool,
    /// Where the customer flag came from: a column's header, or `None` when no column gives it.
    pub(super) customer_column: Option<String>,
    /// Accounts without a whitespace value whose potential came from the segment's deal size.
    pub(super) value_from_deal_size: usize,
    /// Accounts without a whitespace value whose potential came from annual revenue.
    pub(super) value_from_revenue: usize,
    /// Accounts with at least one score input missing (column absent or cell empty).
    pub(super) score_missing: usize,
    /// Accounts whose owner is no rep, left unowned (`unknown_owners = "unowned"`), and one such owner.
    pub(super) unknown_owner: usize,
    pub(super) unknown_owner_example: Option<String>,
    /// Accounts with neither employees nor annual revenue, sized SMB.
    pub(super) size_unknown: usize,
    /// Accounts without a vertical, in the vertical `Unknown`.
    pub(super) vertical_unknown: usize,
}

impl AccountStats {
    /// Declares every default the accounts rest on, each naming the file and how to give the data instead.
    pub(super) fn declare(&self, file: &Path, scenario: &Scenario, n: usize, notes: &mut Vec<Assumption>) {
        let subject = file.display().to_string();
        let mut declare =
            |code: &str, message: String| notes.push(Assumption::new(code, subject.clone(), message));
        if self.value_from_deal_size > 0 {
            let which = if self.has_value_column {
                format!("{} of {n} accounts have no whitespace value", self.value_from_deal_size)
            } else {
                format!("no whitespace_value column: {} of {n} accounts", self.value_from_deal_size)
            };
            declare(
                "potential_default",
                format!(
                    "{which}; their potential is the segment's deal size times the score factor (flat by segment), \
                 not their own; give a whitespace_value column, or set [scoring] potential_from_revenue to derive \
                 it from annual revenue"
                ),
            );
        }
        if self.value_from_revenue > 0 {
            let share = scenario.scoring.potential_from_revenue.unwrap_or(0.0);
            declare(
                "potential_from_revenue",
                format!(
                    "{} of {n} accounts have no whitespace value; their potential is {share} x annual revenue times \
                 the score factor ([scoring] potential_from_revenue); give a whitespace_value column to use your own",
                    self.value_from_revenue
                ),
            );
        }
        const INPUTS: [&str; 4] = ["icp_fit", "signal_recency", "whitespace", "competitive_difficulty"];
        if self.score_columns.iter().all(|has| !has) {
            let neutral =
                ScoreInputs { icp_fit: 3, signal_recency: 3, whitespace: 3, competitive_difficulty: 3 };
            let scoring = scenario.scoring();
            let tier = scoring.tier(scoring.score(neutral));
            declare(
                "tier_default",
                format!(
                    "no score inputs ({}): every account scores 3 of 5 and sits in tier {}, so priority and tiers \
                 say nothing; add the columns (whole numbers 1 to 5)",
                    INPUTS.join(", "),
                    tier.0
                ),
            );
        } else if self.score_missing > 0 {
            let absent: Vec<&str> = INPUTS
                .iter()
                .zip(self.score_columns)
                .filter(|(_, has)| !has)
                .map(|(name, _)| *name)
                .collect();
            let columns = if absent.is_empty() {
                String::new()
            } else {
                format!(" (no column for {})", absent.join(", "))
            };
            declare(
                "score_default",
                format!(
                    "{} of {n} accounts lack some score inputs{columns}; each missing input is taken as 3 of 5 \
                 (neutral); fill the cells (whole numbers 1 to 5)",
                    self.score_missing
                ),
            );
        }
        if self.customer_column.is_none() {
            declare(
                "customer_default",
                format!(
                    "no is_customer column (nor a Salesforce Type or HubSpot Lifecycle Stage column): all {n} accounts \
                 are prospects, none opens expansion; add one of those columns"
                ),
            );
        }
        if self.size_unknown > 0 {
            declare(
                "size_band_default",
                format!(
                    "{} of {n} accounts have neither employees nor annual revenue, so they are sized SMB (and take \
                 SMB parameters and SMB reps); give NumberOfEmployees or AnnualRevenue",
                    self.size_unknown
                ),
            );
        }
        if self.vertical_unknown > 0 {
            declare(
                "vertical_default",
                format!(
                    "{} of {n} accounts have no industry, so their vertical is \"Unknown\" (no expertise lift, one \
                 segment for all of them); fill the Industry cells or map a column to vertical under \
                 [data.columns.accounts]",
                    self.vertical_unknown
                ),
            );
        }
        if self.unknown_owner > 0 {
            declare(
                "owners_unowned",
                format!(
                    "{} accounts name owners not in the reps file (e.g. \"{}\"); they are unowned \
                 ([data] unknown_owners = \"unowned\"); add the reps to give them their owners",
                    self.unknown_owner,
                    self.unknown_owner_example.as_deref().unwrap_or("")
                ),
            );
        }
    }
}
