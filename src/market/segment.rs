//! Size bands and the segment hierarchy.

use std::fmt;

use super::units::Money;

/// Company size band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum SizeBand {
    /// Small business.
    #[serde(rename = "SMB")]
    Smb,
    /// Mid-market.
    #[serde(rename = "MM")]
    Mm,
    /// Enterprise.
    #[serde(rename = "ENT")]
    Ent,
}

impl SizeBand {
    /// All bands, smallest first.
    pub const ALL: [SizeBand; 3] = [SizeBand::Smb, SizeBand::Mm, SizeBand::Ent];

    /// The label used in files and segment paths.
    pub fn label(self) -> &'static str {
        match self {
            SizeBand::Smb => "SMB",
            SizeBand::Mm => "MM",
            SizeBand::Ent => "ENT",
        }
    }

    /// Parses `SMB`, `MM` or `ENT` (also `mid-market`, `enterprise`, `small business`), case-insensitively.
    pub fn parse(raw: &str) -> Option<Self> {
        let key: String = raw.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
        match key.as_str() {
            "smb" | "smallbusiness" | "small" | "sb" => Some(SizeBand::Smb),
            "mm" | "midmarket" | "mid" | "commercial" => Some(SizeBand::Mm),
            "ent" | "enterprise" | "strategic" => Some(SizeBand::Ent),
            _ => None,
        }
    }

    /// Dense index (0, 1, 2).
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for SizeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How size bands are derived from company size. Employees are used when the account has them, revenue
/// otherwise; an account with neither is SMB.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeBandRule {
    /// Smallest employee count of a mid-market account (default 200).
    #[serde(default = "default_mm_employees")]
    pub mm_min_employees: u32,
    /// Smallest employee count of an enterprise account (default 2,000).
    #[serde(default = "default_ent_employees")]
    pub ent_min_employees: u32,
    /// Smallest annual revenue of a mid-market account (default 50 million).
    #[serde(default = "default_mm_revenue")]
    pub mm_min_revenue: f64,
    /// Smallest annual revenue of an enterprise account (default 1 billion).
    #[serde(default = "default_ent_revenue")]
    pub ent_min_revenue: f64,
}

fn default_mm_employees() -> u32 {
    200
}
fn default_ent_employees() -> u32 {
    2000
}
fn default_mm_revenue() -> f64 {
    50e6
}
fn default_ent_revenue() -> f64 {
    1e9
}

impl Default for SizeBandRule {
    fn default() -> Self {
        SizeBandRule {
            mm_min_employees: default_mm_employees(),
            ent_min_employees: default_ent_employees(),
            mm_min_revenue: default_mm_revenue(),
            ent_min_revenue: default_ent_revenue(),
        }
    }
}

impl SizeBandRule {
    /// Checks that the thresholds are ordered and finite.
    pub fn validate(&self) -> Result<(), String> {
        if self.mm_min_employees >= self.ent_min_employees {
            return Err("mm_min_employees must be below ent_min_employees".into());
        }
        let revenue_ok = self.mm_min_revenue.is_finite()
            && self.ent_min_revenue.is_finite()
            && 0.0 <= self.mm_min_revenue
            && self.mm_min_revenue < self.ent_min_revenue;
        if !revenue_ok {
            return Err("mm_min_revenue must be a non-negative number below ent_min_revenue".into());
        }
        Ok(())
    }

    /// The band of a company.
    pub fn band(&self, employees: Option<u32>, revenue: Option<Money>) -> SizeBand {
        match (employees, revenue) {
            (Some(e), _) if e >= self.ent_min_employees => SizeBand::Ent,
            (Some(e), _) if e >= self.mm_min_employees => SizeBand::Mm,
            (Some(_), _) => SizeBand::Smb,
            (None, Some(r)) if r.get() >= self.ent_min_revenue => SizeBand::Ent,
            (None, Some(r)) if r.get() >= self.mm_min_revenue => SizeBand::Mm,
            _ => SizeBand::Smb,
        }
    }
}

/// One level of the segment hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HierarchyLevel {
    /// Sales region (AMER, EMEA, ROW).
    Region,
    /// Country.
    Country,
    /// State or province.
    State,
    /// Size band.
    SizeBand,
    /// Industry vertical.
    Vertical,
}

/// A segment path such as `AMER/MM/Fintech`: one label per hierarchy level, top first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct SegmentPath(pub Vec<String>);

impl SegmentPath {
    /// The path's prefixes, shortest first: `AMER`, `AMER/MM`, `AMER/MM/Fintech`.
    pub fn prefixes(&self) -> impl Iterator<Item = String> + '_ {
        (1..=self.0.len()).map(|n| self.0[..n].join("/"))
    }
}

impl fmt::Display for SegmentPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employees_win_over_revenue() {
        let rule = SizeBandRule::default();
        assert_eq!(rule.band(Some(150), Some(Money::new(5e9).unwrap())), SizeBand::Smb);
        assert_eq!(rule.band(None, Some(Money::new(5e9).unwrap())), SizeBand::Ent);
        assert_eq!(rule.band(Some(200), None), SizeBand::Mm);
        assert_eq!(rule.band(None, None), SizeBand::Smb);
    }

    #[test]
    fn prefixes_are_shortest_first() {
        let p = SegmentPath(vec!["AMER".into(), "MM".into(), "Fintech".into()]);
        let all: Vec<_> = p.prefixes().collect();
        assert_eq!(all, ["AMER", "AMER/MM", "AMER/MM/Fintech"]);
    }
}
