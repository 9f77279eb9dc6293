//! How often accounts could open an opportunity, per motion: the account-months each account spent in the
//! model's demand pool over the history, and the most opportunities an account holds open at once (K).
//!
//! In the model an account is in one motion at a time: new business while a prospect, expansion from the
//! month its first won deal closes (or from the start, for a customer). It is in the motion's demand pool in
//! a month while it holds fewer open opportunities than the motion's K (and, for expansion, has whitespace
//! left); an opening does not take it out unless it fills the last slot, and a close (booked at the start of
//! its month) frees a slot for that month. Every such month counts, before and after the account's first
//! deal: stopping at the first would leave out most of a repeat business's history.

use crate::scenario::{AccountParams, MAX_OPEN};
use crate::sim::model::SalesMotion;

use super::history::{History, Opportunity, Outcome, month_of};
use super::segments::Segments;

/// Quantile of the open count at creation that K covers: K lets 99% of the history's openings happen.
pub const K_QUANTILE: f64 = 0.99;
/// A segment with fewer openings of a motion takes its parent's K: a 99% quantile of a few dozen values
/// is their maximum, which one unusual account would set.
pub const K_MIN_OPENINGS: usize = 50;

/// K of one node and motion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaxOpen {
    /// The fitted K; `None` when neither the node nor any ancestor has an opening of the motion.
    pub k: Option<f64>,
    /// Openings of the node's accounts in the window.
    pub openings: usize,
    /// Of those, the ones made while the account already held K or more open: the model would not have
    /// opened them.
    pub beyond: usize,
}

/// K per node (indexed like [`Segments::nodes`]) and motion (by [`SalesMotion::index`]) from the openings
/// created in months `first..=last`, each counted with its account's open opportunities at its creation
/// (`open_at`, from [`History::open_at_creation`], itself included).
///
/// K is the [`K_QUANTILE`] of those counts (nearest rank), at least 1 and at most [`MAX_OPEN`]. K is an
/// upper bound on what the model lets an account hold, so the sample maximum would be its natural
/// estimate, but one account with dozens of deals in flight (a reseller, a data error) would set it for a
/// whole segment; the quantile ignores such outliers at the cost of the rare openings above it, which are
/// counted ([`MaxOpen::beyond`]). When the true K is rarely reached (fewer than 1% of openings find the
/// account at it), the estimate is lower than the truth, and the model then misses those few openings.
pub fn fit_max_open(
    history: &History,
    segs: &Segments,
    open_at: &[u32],
    first: i64,
    last: i64,
) -> [Vec<MaxOpen>; 2] {
    let mut counts: [Vec<Vec<u32>>; 2] =
        [vec![Vec::new(); segs.nodes.len()], vec![Vec::new(); segs.nodes.len()]];
    for (o, &n) in history.opportunities.iter().zip(open_at) {
        if !(first..=last).contains(&month_of(o.created)) {
            continue;
        }
        for node in segs.chain(o.account) {
            counts[o.motion.index()][node].push(n);
        }
    }
    counts.map(|by_node| {
        let mut fits: Vec<MaxOpen> = Vec::with_capacity(by_node.len());
        for (n, values) in by_node.into_iter().enumerate() {
            let parent = segs.nodes[n].parent.and_then(|p| fits[p].k);
            let k =
                if values.len() >= K_MIN_OPENINGS || (segs.nodes[n].parent.is_none() && !values.is_empty()) {
                    Some(quantile(values.clone(), K_QUANTILE))
                } else {
                    parent
                };
            let beyond = k.map_or(0, |k| values.iter().filter(|&&v| f64::from(v) > k).count());
            fits.push(MaxOpen { k, openings: values.len(), beyond });
        }
        fits
    })
}

/// The nearest-rank `q` quantile of `values` (not empty), clamped to `1..=MAX_OPEN`.
fn quantile(mut values: Vec<u32>, q: f64) -> f64 {
    values.sort_unstable();
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    f64::from(values[rank - 1]).clamp(1.0, MAX_OPEN)
}

/// Each account's months in each motion's demand pool over `first..=last`, and the opportunities of each
/// motion it opened in them (market index; motions by [`SalesMotion::index`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// Account-months in the pool.
    pub months: [Vec<f64>; 2],
    /// Opportunities opened.
    pub opened: [Vec<f64>; 2],
}

/// Counts [`Pool`] from the history. `since` is each account's first customer month
/// ([`History::customer_since`]), `k` the K of each account per motion, `whitespace` each account's
/// expansion room at the start (potential × `whitespace_multiple`), which its won expansion deals use up.
/// A month in which an account opened an opportunity of a motion counts for that motion even when the
/// model would have kept it out (its slots were full, or it opened one of the other motion): it evidently
/// could.
pub fn pool_months(
    history: &History,
    since: &[Option<i64>],
    k: &dyn Fn(usize, SalesMotion) -> f64,
    whitespace: &dyn Fn(usize) -> f64,
    first: i64,
    last: i64,
) -> Pool {
    let n = since.len();
    let mut by_account: Vec<Vec<&Opportunity>> = vec![Vec::new(); n];
    for o in &history.opportunities {
        by_account[o.account].push(o);
    }
    let mut pool = Pool { months: [vec![0.0; n], vec![0.0; n]], opened: [vec![0.0; n], vec![0.0; n]] };
    for (a, opps) in by_account.iter().enumerate() {
        let mut room = whitespace(a);
        for t in first..=last {
            // Closes are booked at the start of the month, before its openings.
            for o in opps.iter().filter(|o| o.outcome == Outcome::Won && o.motion == SalesMotion::Expansion) {
                if o.closed.is_some_and(|c| month_of(c) == t) {
                    room -= o.amount.unwrap_or(0.0);
                }
            }
            let motion = SalesMotion::of_customer(since[a].is_some_and(|s| s <= t));
            let open = opps
                .iter()
                .filter(|o| month_of(o.created) < t && o.closed.is_none_or(|c| month_of(c) > t))
                .count();
            let has_demand = motion == SalesMotion::NewBusiness || room > 0.0;
            let mut counted = [false; 2];
            if has_demand && (open as f64) < k(a, motion) {
                pool.months[motion.index()][a] += 1.0;
                counted[motion.index()] = true;
            }
            for o in opps.iter().filter(|o| month_of(o.created) == t) {
                let m = o.motion.index();
                pool.opened[m][a] += 1.0;
                if !counted[m] {
                    pool.months[m][a] += 1.0;
                    counted[m] = true;
                }
            }
        }
    }
    pool
}

/// The K of account `a` in `motion` under `fits` ([`fit_max_open`]): its leaf's, else the scenario's.
pub fn account_k(
    fits: &[Vec<MaxOpen>; 2],
    segs: &Segments,
    params: &AccountParams,
) -> impl Fn(usize, SalesMotion) -> f64 {
    move |a, motion| {
        let p = &params[a].0;
        let fallback = match motion {
            SalesMotion::NewBusiness => p.max_open.get(),
            SalesMotion::Expansion => p.expansion_max_open.get(),
        };
        fits[motion.index()][segs.leaf[a]].k.unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::parse_iso_date;

    fn opp(
        account: usize,
        created: &str,
        closed: Option<&str>,
        outcome: Outcome,
        motion: SalesMotion,
    ) -> Opportunity {
        Opportunity {
            id: String::new(),
            account,
            owner: None,
            created: parse_iso_date(created).unwrap(),
            closed: closed.map(|c| parse_iso_date(c).unwrap()),
            outcome,
            amount: Some(100.0),
            motion,
        }
    }

    fn month(iso: &str) -> i64 {
        month_of(parse_iso_date(iso).unwrap())
    }

    #[test]
    fn account_months_count_past_the_first_deal_in_each_motion() {
        use Outcome::*;
        use SalesMotion::*;
        // Account 0: lost in Feb–Mar, won Apr→Jun (a customer from June), expansion opened in August.
        // Account 1: a customer before the history, two expansion deals at once in March.
        let history = History {
            opportunities: vec![
                opp(0, "2024-02-10", Some("2024-03-05"), Lost, NewBusiness),
                opp(0, "2024-04-02", Some("2024-06-20"), Won, NewBusiness),
                opp(0, "2024-08-15", None, Open, Expansion),
                opp(1, "2024-03-01", Some("2024-05-01"), Lost, Expansion),
                opp(1, "2024-03-20", None, Open, Expansion),
            ],
            ..History::default()
        };
        let since = history.customer_since(2, &|a| a == 1);
        assert_eq!(since, vec![Some(month("2024-06-01")), Some(super::super::history::BEFORE_HISTORY)]);
        let k = |_: usize, m: SalesMotion| if m == NewBusiness { 1.0 } else { 2.0 };
        let pool = pool_months(&history, &since, &k, &|_| 1e9, month("2024-01-01"), month("2024-12-01"));
        // New business: Jan, Feb (opened), Mar (the loss closes at its start), Apr (opened); out May; June on
        // is expansion.
        assert_eq!(pool.months[0][0], 4.0);
        assert_eq!(pool.opened[0][0], 2.0);
        // Expansion: June to December, every month (one open deal leaves a second slot): 7 months.
        assert_eq!(pool.months[1][0], 7.0);
        assert_eq!(pool.opened[1][0], 1.0);
        // Account 1: Jan–Mar; two open from April until the loss closes in May, then one: 12 − 1 (April).
        assert_eq!(pool.months[1][1], 11.0);
        assert_eq!(pool.opened[1][1], 2.0);
        assert_eq!(pool.months[0][1], 0.0, "a customer is never in the new-business pool");
        // Used-up whitespace stops expansion: account 0 has none left once its room is gone.
        let pool = pool_months(&history, &since, &k, &|_| 0.0, month("2024-01-01"), month("2024-12-01"));
        assert_eq!(pool.months[1][0], 1.0, "only the month it opened one");
    }

    #[test]
    fn k_is_a_high_quantile_of_the_open_count_at_creation() {
        assert_eq!(quantile(vec![1; 99].into_iter().chain([5]).collect(), K_QUANTILE), 1.0);
        assert_eq!(quantile(vec![1; 97].into_iter().chain([2, 2, 3]).collect(), K_QUANTILE), 2.0);
        assert_eq!(quantile(vec![40], K_QUANTILE), MAX_OPEN);
        assert_eq!(quantile(vec![1, 2], K_QUANTILE), 2.0);
    }
}
