//! The opportunities open when the plan starts: what the first months close, before any deal the run opens.

/// One opportunity open at the scenario's `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenDeal {
    /// The CRM id of the opportunity, for messages.
    pub id: String,
    /// The account (index in the market).
    pub account: usize,
    /// Whole months it has been open at `as_of` (at least 1): its close is drawn from the cycle
    /// distribution given that it has not closed by this age.
    pub age_months: u32,
    /// Its amount; the account's potential when the export has none.
    pub value: f64,
}
