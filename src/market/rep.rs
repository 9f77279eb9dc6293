use super::geo::{GeoPoint, Region};
use super::ids::RepId;
use super::segment::SizeBand;
use super::units::Money;

/// How a rep sells: inside reps work remotely; field reps travel, so distance costs them hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Motion {
    /// Remote selling; no travel time.
    Inside,
    /// On-site selling; travel time grows with distance from home.
    Field,
}

impl Motion {
    /// Parses `inside` or `field`, case-insensitively.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_lowercase().as_str() {
            "inside" | "inside sales" | "remote" => Some(Motion::Inside),
            "field" | "field sales" | "outside" => Some(Motion::Field),
            _ => None,
        }
    }

    /// The default motion of a role: enterprise reps sell in the field, the others inside.
    pub fn default_for(role: SizeBand) -> Self {
        if role == SizeBand::Ent { Motion::Field } else { Motion::Inside }
    }
}

/// Hours in the longest month (31 days × 24 hours): no rep sells more in a month, so a larger monthly
/// capacity is a yearly figure or a unit mix-up.
pub const MAX_MONTHLY_HOURS: f64 = 744.0;

/// A quota-carrying seller.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rep {
    /// CRM id.
    pub id: RepId,
    /// Display name.
    pub name: String,
    /// The size band the rep sells to.
    pub role: SizeBand,
    /// The team the rep is benchmarked against (default `REGION-ROLE`, for example `AMER-MM`).
    pub team: String,
    /// Home region.
    pub region: Region,
    /// Home base, when known.
    pub home: Option<GeoPoint>,
    /// Verticals the rep is expert in.
    pub expert_verticals: Vec<String>,
    /// Selling hours per month at full productivity.
    pub capacity_hours: f64,
    /// Annual quota.
    pub annual_quota: Money,
    /// First month of selling (1 is the first month of the horizon; 0 or less means the rep started
    /// before the horizon, which matters while still ramping).
    pub start_month: i32,
    /// Months from the start month to full productivity (0 = no ramp).
    pub ramp_months: u32,
    /// Last month of selling, when the rep is leaving.
    pub end_month: Option<u32>,
    /// Multiplier on the segment win rate (1 = average).
    pub skill: f64,
    /// Inside or field.
    pub motion: Motion,
}

impl Rep {
    /// True when the rep has left before the horizon starts (end month 0 or less).
    pub fn departed_before_horizon(&self) -> bool {
        self.end_month == Some(0)
    }
}
