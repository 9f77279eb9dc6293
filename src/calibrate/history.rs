//! Opportunity history, as imported from a CRM export and joined to the market: each opportunity has an
//! account (hence a segment) and, when known, the rep who owned it.
//!
//! Time is counted in calendar months: an opportunity created in March and closed in June has a cycle of 3
//! months. This is the model's own definition: the simulator books a deal opened in month `m` with cycle
//! `L` in month `m + max(1, round(L))`, so the whole-month gap between the created and close months is what
//! the cycle fit and the backtest compare.

use std::collections::BTreeMap;

use crate::market::{Assumption, OpenDeal, civil_from_days};

/// How an opportunity ended, as of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed won.
    Won,
    /// Closed lost.
    Lost,
}

/// One usable opportunity.
#[derive(Debug, Clone, PartialEq)]
pub struct Opportunity {
    /// CRM id (or `line N` when the export has no id column).
    pub id: String,
    /// The account (index in the market).
    pub account: usize,
    /// The owner (index in the market's reps), when the owner is a rep of the reps file.
    pub owner: Option<usize>,
    /// Created date (days since 1970-01-01).
    pub created: i64,
    /// Close date (days since 1970-01-01) of a closed opportunity.
    pub closed: Option<i64>,
    /// Open, won or lost.
    pub outcome: Outcome,
    /// Amount, when the export has one.
    pub amount: Option<f64>,
}

/// Rows of a history file that could not be used, by reason.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Rejections {
    /// Reason → (count, the first few line numbers).
    pub by_reason: BTreeMap<String, (usize, Vec<u64>)>,
}

impl Rejections {
    /// Records a rejected row.
    pub fn push(&mut self, reason: &str, line: u64) {
        let entry = self.by_reason.entry(reason.to_string()).or_default();
        entry.0 += 1;
        if entry.1.len() < 5 {
            entry.1.push(line);
        }
    }

    /// Rows rejected in all.
    pub fn total(&self) -> usize {
        self.by_reason.values().map(|(n, _)| n).sum()
    }
}

/// An imported opportunity history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Usable opportunities, in file order.
    pub opportunities: Vec<Opportunity>,
    /// Rows that could not be used, by reason.
    pub rejected: Rejections,
    /// Usable opportunities whose owner is not a rep of the reps file (kept for the segment fits, left out
    /// of the rep skills).
    pub unknown_owner: usize,
    /// What reading the file decided that is not in its data (its encoding, delimiter or decimal mark), to
    /// declare with the calibration.
    pub notes: Vec<Assumption>,
}

/// The calendar month of a day number, as months since year 0 (`year × 12 + month − 1`).
pub fn month_of(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    i64::from(y) * 12 + i64::from(m) - 1
}

/// The first day of a month numbered by [`month_of`].
pub fn first_day(month: i64) -> i64 {
    let year = month.div_euclid(12) as i32;
    let m = (month.rem_euclid(12) + 1) as u32;
    crate::market::days_from_civil(year, m, 1).unwrap_or(0)
}

/// The opportunities open on a day, as [`History::open_on`] takes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenDeals {
    /// At most one per account.
    pub deals: Vec<OpenDeal>,
    /// Open deals left out because their account already had one.
    pub left_out: usize,
    /// Deals without an amount, valued at their account's potential.
    pub unvalued: usize,
}

impl History {
    /// The opportunities open on `day` (created before it and not closed by then), at most one per
    /// account — the first in file order, as the model holds one open deal per account — valued at their
    /// amount or, without one, at `potential` of their account; with how many were left out and how many
    /// valued at potential.
    pub fn open_on(&self, day: i64, potential: impl Fn(usize) -> f64) -> OpenDeals {
        let month = month_of(day);
        let mut seen = std::collections::HashSet::new();
        let mut open = OpenDeals::default();
        for o in self.as_of(day).opportunities.iter().filter(|o| o.outcome == Outcome::Open) {
            if !seen.insert(o.account) {
                open.left_out += 1;
                continue;
            }
            open.unvalued += usize::from(o.amount.is_none());
            open.deals.push(OpenDeal {
                id: o.id.clone(),
                account: o.account,
                age_months: (month - month_of(o.created)).max(1) as u32,
                value: o.amount.unwrap_or_else(|| potential(o.account)),
            });
        }
        open
    }

    /// The history as of `cutoff` (a day number): opportunities created before it, with those that closed
    /// on or after it turned back into open ones, so that nothing after the cutoff leaks in.
    pub fn as_of(&self, cutoff: i64) -> History {
        let opportunities = self
            .opportunities
            .iter()
            .filter(|o| o.created < cutoff)
            .map(|o| match o.closed {
                Some(c) if c >= cutoff => Opportunity { closed: None, outcome: Outcome::Open, ..o.clone() },
                _ => o.clone(),
            })
            .collect();
        History {
            opportunities,
            rejected: self.rejected.clone(),
            unknown_owner: self.unknown_owner,
            notes: self.notes.clone(),
        }
    }

    /// First and last months (by [`month_of`]) with a created or close date, or `None` when empty.
    pub fn month_span(&self) -> Option<(i64, i64)> {
        let months = self
            .opportunities
            .iter()
            .flat_map(|o| std::iter::once(month_of(o.created)).chain(o.closed.map(month_of)));
        months.fold(None, |span, m| match span {
            None => Some((m, m)),
            Some((lo, hi)) => Some((lo.min(m), hi.max(m))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::parse_iso_date;

    #[test]
    fn months_and_first_days_round_trip() {
        let d = parse_iso_date("2025-03-17").unwrap();
        let m = month_of(d);
        assert_eq!(m, 2025 * 12 + 2);
        assert_eq!(first_day(m), parse_iso_date("2025-03-01").unwrap());
        assert_eq!(month_of(first_day(m) - 1), m - 1);
    }
}
