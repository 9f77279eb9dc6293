//! Opportunity history, as imported from a CRM export and joined to the market: each opportunity has an
//! account (hence a segment) and, when known, the rep who owned it.
//!
//! Time is counted in calendar months: an opportunity created in March and closed in June has a cycle of 3
//! months. This is the model's own definition: the simulator books a deal opened in month `m` with cycle
//! `L` in month `m + max(1, round(L))`, so the whole-month gap between the created and close months is what
//! the cycle fit and the backtest compare.

use std::collections::BTreeMap;

use crate::market::{Assumption, OpenDeal, civil_from_days};
use crate::sim::model::SalesMotion;

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
    /// New business or expansion: from the CRM's opportunity type, else from the account's record (see
    /// [`classify_by_first_win`]).
    pub motion: SalesMotion,
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
    /// What reading the file decided that is not in its data (its encoding, delimiter or decimal mark, the
    /// motions it read from the accounts' records), to declare with the calibration.
    pub notes: Vec<Assumption>,
    /// Usable opportunities by the rule that gave their motion (`opportunity type`, `deal type`, `motion
    /// column`, `first won deal`).
    pub classified_by: BTreeMap<String, usize>,
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
    /// Every opportunity open on the day, in file order (an account may hold several).
    pub deals: Vec<OpenDeal>,
    /// Deals without an amount, valued at their account's potential.
    pub unvalued: usize,
}

impl History {
    /// The opportunities open on `day` (created before it and not closed by then), every one of them, valued
    /// at their amount or, without one, at `potential` of their account; with how many were valued at
    /// potential.
    pub fn open_on(&self, day: i64, potential: impl Fn(usize) -> f64) -> OpenDeals {
        let month = month_of(day);
        let mut open = OpenDeals::default();
        for o in self.as_of(day).opportunities.iter().filter(|o| o.outcome == Outcome::Open) {
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
            classified_by: self.classified_by.clone(),
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

/// Classifies the opportunities at `pending` (indices into `opportunities`) from their account's record:
/// expansion when a won deal of the account closed before the opportunity was created, or when the account
/// is a customer (`is_customer`, by market index) with no won deal in the history at all (it bought before
/// the history starts); new business otherwise.
pub fn classify_by_first_win(
    opportunities: &mut [Opportunity],
    pending: &[usize],
    is_customer: &dyn Fn(usize) -> bool,
) {
    let mut first_win: BTreeMap<usize, i64> = BTreeMap::new();
    for o in opportunities.iter() {
        if let (Outcome::Won, Some(c)) = (o.outcome, o.closed) {
            let day = first_win.entry(o.account).or_insert(c);
            *day = (*day).min(c);
        }
    }
    for &i in pending {
        let o = &mut opportunities[i];
        let expansion = match first_win.get(&o.account) {
            Some(&won) => won < o.created,
            None => is_customer(o.account),
        };
        o.motion = SalesMotion::of_customer(expansion);
    }
}

/// [`History::customer_since`] of an account that was a customer before the history starts.
pub const BEFORE_HISTORY: i64 = i64::MIN;

/// The share of a history in one motion.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MotionShare {
    /// `new_business` or `expansion`.
    pub motion: SalesMotion,
    /// Opportunities.
    pub opportunities: usize,
    /// Share of all opportunities.
    pub share_of_opportunities: f64,
    /// Won deals.
    pub won: usize,
    /// Lost deals.
    pub lost: usize,
    /// Still open (at the end of the history, or at the cutoff).
    pub open: usize,
    /// Sum of the won deals' amounts.
    pub bookings: f64,
    /// Share of all bookings.
    pub share_of_bookings: f64,
}

impl History {
    /// The month (by [`month_of`]) each of `accounts` accounts became a customer: [`BEFORE_HISTORY`] for a
    /// customer (`is_customer`, by market index) whose history has no won new-business deal (it bought
    /// before), else the first month with a won deal closed or an expansion opportunity created, and `None`
    /// for an account that stayed a prospect. In the model a deal won in month `m` makes the account a
    /// customer for month `m` on (closes are booked at the start of a month).
    pub fn customer_since(&self, accounts: usize, is_customer: &dyn Fn(usize) -> bool) -> Vec<Option<i64>> {
        let mut since: Vec<Option<i64>> = vec![None; accounts];
        let mut new_business_won = vec![false; accounts];
        for o in &self.opportunities {
            let month = match (o.outcome, o.closed, o.motion) {
                (Outcome::Won, Some(c), _) => Some(month_of(c)),
                (_, _, SalesMotion::Expansion) => Some(month_of(o.created)),
                _ => None,
            };
            if let Some(m) = month {
                since[o.account] = Some(since[o.account].map_or(m, |s: i64| s.min(m)));
            }
            new_business_won[o.account] |= o.outcome == Outcome::Won && o.motion == SalesMotion::NewBusiness;
        }
        for (a, s) in since.iter_mut().enumerate() {
            if is_customer(a) && !new_business_won[a] {
                *s = Some(BEFORE_HISTORY);
            }
        }
        since
    }

    /// Each opportunity's count of its account's open opportunities when it was created, itself included,
    /// counted by month as the model holds them: an earlier one (by created date, then file order) counts
    /// unless it closed in or before the month this one was created (a close is booked at the start of its
    /// month, before that month's openings).
    pub fn open_at_creation(&self) -> Vec<u32> {
        let mut by_account: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, o) in self.opportunities.iter().enumerate() {
            by_account.entry(o.account).or_default().push(i);
        }
        let mut open = vec![1u32; self.opportunities.len()];
        for opps in by_account.values_mut() {
            opps.sort_by_key(|&i| (self.opportunities[i].created, i));
            for (k, &i) in opps.iter().enumerate() {
                let month = month_of(self.opportunities[i].created);
                let earlier = opps[..k]
                    .iter()
                    .filter(|&&j| self.opportunities[j].closed.is_none_or(|c| month_of(c) > month))
                    .count();
                open[i] += earlier as u32;
            }
        }
        open
    }

    /// The share of the history in each motion (new business first): counts and bookings.
    pub fn motion_shares(&self) -> Vec<MotionShare> {
        let total = self.opportunities.len().max(1) as f64;
        let booked = |o: &&Opportunity| o.outcome == Outcome::Won;
        let all_bookings: f64 = self.opportunities.iter().filter(booked).filter_map(|o| o.amount).sum();
        SalesMotion::ALL
            .into_iter()
            .map(|motion| {
                let of: Vec<&Opportunity> =
                    self.opportunities.iter().filter(|o| o.motion == motion).collect();
                let count = |outcome: Outcome| of.iter().filter(|o| o.outcome == outcome).count();
                let bookings: f64 = of.iter().copied().filter(booked).filter_map(|o| o.amount).sum();
                MotionShare {
                    motion,
                    opportunities: of.len(),
                    share_of_opportunities: of.len() as f64 / total,
                    won: count(Outcome::Won),
                    lost: count(Outcome::Lost),
                    open: count(Outcome::Open),
                    // An empty sum is −0.
                    bookings: bookings + 0.0,
                    share_of_bookings: if all_bookings != 0.0 { bookings / all_bookings + 0.0 } else { 0.0 },
                }
            })
            .collect()
    }

    /// Declarations of what the history holds that the model cannot represent, each with what the fit
    /// does with it: several opportunities opened on one account in a month (the model opens at most one),
    /// more open at once than `max_open` allows, expansion on an account that was never won, new business
    /// on an account already won, won deals of no positive amount. `is_customer` is the accounts file's
    /// flag (by market index).
    pub fn shape_warnings(&self, subject: &str, is_customer: &dyn Fn(usize) -> bool) -> Vec<Assumption> {
        let opps = &self.opportunities;
        let mut per_month: BTreeMap<(usize, i64), usize> = BTreeMap::new();
        let mut first_win: BTreeMap<usize, i64> = BTreeMap::new();
        for o in opps {
            *per_month.entry((o.account, month_of(o.created))).or_default() += 1;
            if let (Outcome::Won, Some(c)) = (o.outcome, o.closed) {
                let day = first_win.entry(o.account).or_insert(c);
                *day = (*day).min(c);
            }
        }
        let won_before = |o: &Opportunity| first_win.get(&o.account).is_some_and(|&w| w < o.created);
        // The model makes an account a customer from the month its deal is won (closes are booked at the
        // start of a month), so an expansion opened later in that month is no contradiction.
        let won_by_month =
            |o: &Opportunity| first_win.get(&o.account).is_some_and(|&w| month_of(w) <= month_of(o.created));
        let same_month: usize = per_month.values().map(|n| n - 1).sum();
        let open = self.open_at_creation();
        let beyond = open.iter().filter(|&&n| f64::from(n) > crate::scenario::MAX_OPEN).count();
        let peak = open.iter().copied().max().unwrap_or(0);
        let never_won = opps
            .iter()
            .filter(|o| o.motion == SalesMotion::Expansion && !is_customer(o.account) && !won_by_month(o))
            .count();
        let new_on_customer =
            opps.iter().filter(|o| o.motion == SalesMotion::NewBusiness && won_before(o)).count();
        let non_positive =
            opps.iter().filter(|o| o.outcome == Outcome::Won && o.amount.is_some_and(|x| x <= 0.0)).count();
        let mut out = Vec::new();
        let mut warn = |n: usize, code: &str, message: String| {
            if n > 0 {
                out.push(Assumption::new(code, subject, message));
            }
        };
        warn(
            same_month,
            "history_same_month",
            format!(
                "{same_month} opportunities were created in a month in which their account already opened \
                 another; the model opens at most one per account per month, so they count toward the \
                 opportunity rate as if each had a month of its own"
            ),
        );
        warn(
            beyond,
            "history_beyond_max_open",
            format!(
                "{beyond} opportunities were created while their account already held {} or more open (at most \
                 {peak} at once); the model holds at most {} per account and motion, so such accounts' demand \
                 is cut",
                crate::scenario::MAX_OPEN,
                crate::scenario::MAX_OPEN
            ),
        );
        warn(
            never_won,
            "history_expansion_without_win",
            format!(
                "{never_won} expansion opportunities are on accounts that are not customers in the accounts \
                 file and had no won deal before; the fit counts those accounts as customers from their first \
                 expansion opportunity; mark them is_customer = true if they bought before the history"
            ),
        );
        warn(
            new_on_customer,
            "history_new_business_on_customer",
            format!(
                "{new_on_customer} new-business opportunities were created after their account's first won \
                 deal; the model gives a customer expansion opportunities only, so they are fitted as new \
                 business (win rate, size, cycle) but the account's months after its first win count toward \
                 expansion"
            ),
        );
        warn(
            non_positive,
            "history_non_positive_amount",
            format!(
                "{non_positive} won deals have an amount of zero or less (credits, downgrades); the model's deal \
                 values are positive, so they are left out of the deal-size fit but their amounts still count in \
                 the bookings the backtest compares"
            ),
        );
        out
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
