use super::geo::{GeoPoint, Region};
use super::ids::AccountId;
use super::scoring::{ScoreInputs, Tier};
use super::segment::{HierarchyLevel, SegmentPath, SizeBand};
use super::units::Money;

/// A company that can buy. The first block of fields comes from the CRM; the second is derived once, when
/// the market is built, from the scenario's scoring and size-band rules.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Account {
    /// CRM id.
    pub id: AccountId,
    /// Company name.
    pub name: String,
    /// Sales region (AMER, EMEA, ROW).
    pub region: Region,
    /// Country, as the CRM spells it.
    pub country: String,
    /// State or province; empty when unknown.
    pub state: String,
    /// 5-digit US county FIPS code when known (used for geographic territories).
    pub county_fips: Option<String>,
    /// Postal code when known.
    pub postal_code: Option<String>,
    /// Latitude and longitude when known.
    pub location: Option<GeoPoint>,
    /// Industry vertical.
    pub vertical: String,
    /// Employee count when known.
    pub employees: Option<u32>,
    /// Annual revenue when known.
    pub annual_revenue: Option<Money>,
    /// Already a customer: not in the new-business pool.
    pub is_customer: bool,
    /// The four 1–5 score inputs.
    pub score_inputs: ScoreInputs,
    /// The CRM's own whitespace estimate in money, when it has one; replaces the segment's typical deal in
    /// the potential.
    pub whitespace_value: Option<Money>,

    /// Size band, from employees or revenue.
    pub size_band: SizeBand,
    /// Weighted score in [1, 5].
    pub score: f64,
    /// Tier from the score.
    pub tier: Tier,
    /// Expected value in money.
    pub potential: Money,
}

impl Account {
    /// The account's segment path along a hierarchy, such as `AMER/MM/Fintech`.
    pub fn segment_path(&self, hierarchy: &[HierarchyLevel]) -> SegmentPath {
        SegmentPath(hierarchy.iter().map(|&level| self.segment_part(level).to_string()).collect())
    }

    /// The account's value at one level of a segmentation hierarchy.
    pub fn segment_part(&self, level: HierarchyLevel) -> &str {
        match level {
            HierarchyLevel::Region => self.region.as_str(),
            HierarchyLevel::Country => &self.country,
            HierarchyLevel::State => &self.state,
            HierarchyLevel::SizeBand => self.size_band.label(),
            HierarchyLevel::Vertical => &self.vertical,
        }
    }
}
