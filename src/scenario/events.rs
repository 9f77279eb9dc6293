//! Events (hire, departure, capacity and quota changes) and stress-test shocks.

use crate::market::{RepId, SizeBand};

/// All events of a scenario, by kind.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// New reps.
    #[serde(default)]
    pub hire: Vec<Hire>,
    /// Reps who leave.
    #[serde(default)]
    pub departure: Vec<Departure>,
    /// Changes of selling capacity.
    #[serde(default)]
    pub capacity_change: Vec<CapacityChange>,
    /// Changes of annual quota.
    #[serde(default)]
    pub quota_change: Vec<QuotaChange>,
}

/// A new rep who starts during the horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hire {
    /// Id of the new rep; must not be in the reps file.
    pub rep: RepId,
    /// Display name (default: the id).
    #[serde(default)]
    pub name: Option<String>,
    /// The size band the hire sells to.
    pub role: SizeBand,
    /// Home region.
    pub region: String,
    /// First selling month (1-based).
    pub start_month: u32,
    /// Months to full productivity (default 3).
    #[serde(default = "default_ramp")]
    pub ramp_months: u32,
    /// Selling hours per month at full productivity (default: the median of the role's reps).
    #[serde(default)]
    pub capacity_hours: Option<f64>,
    /// Annual quota (default: the median of the role's reps).
    #[serde(default)]
    pub annual_quota: Option<f64>,
    /// Verticals the hire is expert in.
    #[serde(default)]
    pub expert_verticals: Vec<String>,
    /// Reps whose books the hire takes a share of.
    #[serde(default)]
    pub take_from: Vec<RepId>,
    /// Share of each `take_from` book that moves to the hire, picked evenly across the book's priority
    /// order so that potential moves in proportion (default 0.25). Carve-outs never move. Written out, it needs
    /// `take_from`.
    #[serde(default = "default_take_share")]
    pub take_share: f64,
}

fn default_ramp() -> u32 {
    3
}
fn default_take_share() -> f64 {
    0.25
}

/// What happens to a departed rep's book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrphanPolicy {
    /// The book waits, uncovered, for the backfill.
    Hold,
    /// The book is spread over the rep's teammates from the departure month.
    Spread,
    /// The book goes to the rep named in `reassign_to`.
    Reassign,
}

/// A rep who leaves, with an optional backfill.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Departure {
    /// The rep who leaves.
    pub rep: RepId,
    /// Last month the rep sells (1-based); capacity is zero after it.
    pub month: u32,
    /// Months from the departure to the backfill's first selling month: recruit (about 3) plus onboard
    /// (about 2). Default 5. Omit `backfill` to leave the seat empty.
    #[serde(default = "default_backfill_delay")]
    pub backfill_delay_months: u32,
    /// Ramp of the backfill in months (default 3).
    #[serde(default = "default_backfill_ramp")]
    pub backfill_ramp_months: u32,
    /// Whether the seat is backfilled at all (default true).
    #[serde(default = "default_true")]
    pub backfill: bool,
    /// What happens to the book until the backfill arrives.
    #[serde(default = "default_policy")]
    pub orphan_policy: OrphanPolicy,
    /// The rep who takes the book under `orphan_policy = "reassign"`.
    #[serde(default)]
    pub reassign_to: Option<RepId>,
    /// Whether the rep's quota leaves the team plan (default false: the plan the user set keeps it, so a
    /// departure shows as a risk to the plan). True makes the plan the pro-rated quotas: the rep's up to
    /// the departure, and the backfill's from its start.
    #[serde(default)]
    pub quota_leaves_plan: bool,
}

/// Months from a departure to its backfill's first selling month when the scenario does not say: recruit
/// (about 3) plus onboard (about 2).
pub const DEFAULT_BACKFILL_DELAY_MONTHS: u32 = 5;
/// A backfill's ramp in months when the scenario does not say.
pub const DEFAULT_BACKFILL_RAMP_MONTHS: u32 = 3;

fn default_backfill_delay() -> u32 {
    DEFAULT_BACKFILL_DELAY_MONTHS
}
fn default_backfill_ramp() -> u32 {
    DEFAULT_BACKFILL_RAMP_MONTHS
}
fn default_true() -> bool {
    true
}
fn default_policy() -> OrphanPolicy {
    OrphanPolicy::Hold
}

/// A change of a rep's selling capacity from a month on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityChange {
    /// The rep.
    pub rep: RepId,
    /// First month at the new capacity (1-based).
    pub from_month: u32,
    /// New selling hours per month.
    pub capacity_hours: f64,
}

/// A change of a rep's annual quota.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaChange {
    /// The rep.
    pub rep: RepId,
    /// The new annual quota.
    pub annual_quota: f64,
}

/// A stress-test shock: any combination of the fields applies at once.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shock {
    /// Name shown in reports.
    pub name: String,
    /// Multiplier on every win rate (0.8 = −20%).
    #[serde(default)]
    pub win_rate_multiplier: Option<f64>,
    /// Multiplier on every deal value (0.85 = −15%).
    #[serde(default)]
    pub deal_size_multiplier: Option<f64>,
    /// Multiplier on every ramp length (1.5 = 50% slower).
    #[serde(default)]
    pub ramp_slowdown: Option<f64>,
    /// A vertical in which no new opportunity opens.
    #[serde(default)]
    pub vertical_dark: Option<String>,
    /// A rep who departs (held book, default backfill) in `depart_month`.
    #[serde(default)]
    pub depart_rep: Option<RepId>,
    /// Last selling month of `depart_rep` (1-based); required with it, and only with it.
    #[serde(default)]
    pub depart_month: Option<u32>,
}

impl Shock {
    /// Checks the multipliers and that the shock changes something; the error names the field.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        for (name, v) in [
            ("win_rate_multiplier", self.win_rate_multiplier),
            ("deal_size_multiplier", self.deal_size_multiplier),
            ("ramp_slowdown", self.ramp_slowdown),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && v >= 0.0)
            {
                return Err((name, format!("{v} must be a non-negative number, such as 0.8 for -20%")));
            }
        }
        if self.depart_month.is_some() && self.depart_rep.is_none() {
            return Err(("depart_month", "depart_month needs depart_rep: name the rep who departs".into()));
        }
        if self.vertical_dark.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(("vertical_dark", "the vertical is empty; name a vertical of the accounts".into()));
        }
        let changes = self.win_rate_multiplier.is_some_and(|v| v != 1.0)
            || self.deal_size_multiplier.is_some_and(|v| v != 1.0)
            || self.ramp_slowdown.is_some_and(|v| v != 1.0)
            || self.vertical_dark.is_some()
            || self.depart_rep.is_some();
        if !changes {
            return Err((
                "name",
                format!(
                    "shock \"{}\" changes nothing; set win_rate_multiplier, deal_size_multiplier, ramp_slowdown \
                     (other than 1), vertical_dark or depart_rep",
                    self.name
                ),
            ));
        }
        Ok(())
    }
}

/// The default stress set: win rate −20%, deal size −15%, the rep with the most potential departing in
/// month 3 (held book, default backfill), and ramps 50% slower.
pub fn default_shocks(market: &crate::market::Market) -> Vec<Shock> {
    let books = market.plan().books(market.reps().len());
    let top = books
        .iter()
        .enumerate()
        .map(|(r, b)| (b.iter().map(|&a| market.accounts()[a].potential.get()).sum::<f64>(), r))
        .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
        .map(|(_, r)| market.reps()[r].id.clone());
    let blank = |name: &str| Shock {
        name: name.to_string(),
        win_rate_multiplier: None,
        deal_size_multiplier: None,
        ramp_slowdown: None,
        vertical_dark: None,
        depart_rep: None,
        depart_month: None,
    };
    let mut shocks = vec![
        Shock { win_rate_multiplier: Some(0.8), ..blank("win rate -20%") },
        Shock { deal_size_multiplier: Some(0.85), ..blank("deal size -15%") },
    ];
    if let Some(rep) = top {
        shocks.push(Shock {
            depart_rep: Some(rep.clone()),
            depart_month: Some(3),
            ..blank(&format!("top rep {rep} departs in month 3"))
        });
    }
    shocks.push(Shock { ramp_slowdown: Some(1.5), ..blank("ramp 50% slower") });
    shocks
}
