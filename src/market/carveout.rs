/// A named account excluded from the standard territory logic and locked to an owner.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CarveOut {
    /// Account index.
    pub account: usize,
    /// Rep index of the locked owner.
    pub owner: usize,
    /// Why the account is carved out (strategic, partner-sourced, executive relationship...).
    pub reason: String,
    /// After this many days without activity the account returns to the pool.
    pub activity_floor_days: Option<u32>,
    /// Days since the last logged activity, as of the scenario's `as_of` date, when known.
    pub days_since_activity: Option<u32>,
}

impl CarveOut {
    /// True when the carve-out has gone longer without activity than its floor allows.
    pub fn past_activity_floor(&self) -> bool {
        matches!((self.activity_floor_days, self.days_since_activity), (Some(f), Some(d)) if d > f)
    }
}
