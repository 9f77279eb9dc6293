//! Domain types: accounts, reps, plans, carve-outs, scoring and segmentation.
//!
//! Everything here is already validated: a [`Market`] cannot hold a duplicate id, an owner that is not a
//! rep, a negative capacity or a NaN. Raw rows become these types once, at the edge (`crate::io`).

mod account;
mod assumption;
mod audit;
mod carveout;
pub mod country;
mod crm;
mod date;
#[cfg(test)]
pub(crate) mod fixture;
mod geo;
mod ids;
mod pipeline;
mod plan;
mod plan_diff;
mod rep;
mod scoring;
mod segment;
mod suggest;
mod units;
mod validated;

pub use account::Account;
pub use assumption::{Assumption, merge_assumptions};
pub use audit::{Audit, AuditBands, CarveOutStatus, RepAudit, SegmentRollup};
pub use carveout::CarveOut;
pub use crm::{CrmUser, is_hubspot_id, is_salesforce_user_id};
pub use date::{civil_from_days, days_from_civil, parse_crm_date, parse_iso_date};
pub use geo::{GeoPoint, Region};
pub use ids::{AccountId, IdError, RepId};
pub use pipeline::OpenDeal;
pub use plan::Plan;
pub use plan_diff::{
    CrmUpdates, DIFF_SCHEMA_VERSION, DiffResult, DiffSummary, MissingOwners, PlanDiff, PlanMove, reason,
};
pub use rep::{MAX_MONTHLY_HOURS, Motion, Rep};
pub use scoring::{ScoreInputs, ScoreWeights, Scoring, Tier, TierThresholds};
pub use segment::{HierarchyLevel, SegmentPath, SizeBand, SizeBandRule};
pub use suggest::{closest, did_you_mean};
pub use units::{BelowOne, MAX_OPEN, Money, NonNegative, OpenSlots, Positive, Probability, Unit, UnitError};
pub use validated::{Market, MarketError};
