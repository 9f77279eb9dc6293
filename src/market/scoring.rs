//! Account scoring: four 1–5 inputs, a weighted score, a tier and the potential.

use super::units::Money;

/// The four 1–5 score inputs of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ScoreInputs {
    /// How well the account fits the ideal customer profile (5 = perfect fit).
    pub icp_fit: u8,
    /// How recent the buying signals are (5 = very recent).
    pub signal_recency: u8,
    /// How much whitespace the product has in the account (5 = a lot).
    pub whitespace: u8,
    /// How hard it is to displace the incumbent (5 = very hard). Inverted in the score.
    pub competitive_difficulty: u8,
}

impl ScoreInputs {
    /// The neutral inputs (all 3) used when a CRM export carries no scores.
    pub const NEUTRAL: ScoreInputs =
        ScoreInputs { icp_fit: 3, signal_recency: 3, whitespace: 3, competitive_difficulty: 3 };

    /// Validates four inputs; `Err` names the first input outside 1–5.
    pub fn new(
        icp_fit: u8,
        signal_recency: u8,
        whitespace: u8,
        competitive_difficulty: u8,
    ) -> Result<Self, &'static str> {
        for (name, v) in [
            ("icp_fit", icp_fit),
            ("signal_recency", signal_recency),
            ("whitespace", whitespace),
            ("competitive_difficulty", competitive_difficulty),
        ] {
            if !(1..=5).contains(&v) {
                return Err(name);
            }
        }
        Ok(ScoreInputs { icp_fit, signal_recency, whitespace, competitive_difficulty })
    }
}

/// The weights of the four score inputs. They must be non-negative and sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreWeights {
    /// Weight of ICP fit (default 0.30).
    pub icp_fit: f64,
    /// Weight of buying-signal recency (default 0.25).
    pub signal_recency: f64,
    /// Weight of whitespace potential (default 0.25).
    pub whitespace: f64,
    /// Weight of competitive displacement difficulty, inverted (default 0.20).
    pub competitive_difficulty: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights { icp_fit: 0.30, signal_recency: 0.25, whitespace: 0.25, competitive_difficulty: 0.20 }
    }
}

impl ScoreWeights {
    /// Checks the weights: each finite and non-negative, summing to 1 within 1e-6.
    pub fn validate(&self) -> Result<(), String> {
        let all = [self.icp_fit, self.signal_recency, self.whitespace, self.competitive_difficulty];
        if all.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return Err("every weight must be a non-negative number".into());
        }
        let sum: f64 = all.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(format!("the weights sum to {sum}, not 1; scale them so they add up to 1"));
        }
        Ok(())
    }
}

/// An account's tier: 1 is the best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Tier(pub u8);

/// The score thresholds of tiers 1 and 2; every lower score is tier 3.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierThresholds {
    /// Lowest score of tier 1 (default 3.6).
    pub tier1_min: f64,
    /// Lowest score of tier 2 (default 2.8).
    pub tier2_min: f64,
}

impl Default for TierThresholds {
    fn default() -> Self {
        TierThresholds { tier1_min: 3.6, tier2_min: 2.8 }
    }
}

/// The complete scoring rule: weights, tier thresholds and how the score scales potential.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Scoring {
    /// Input weights.
    pub weights: ScoreWeights,
    /// Tier thresholds.
    pub tiers: TierThresholds,
}

impl Scoring {
    /// The weighted score in [1, 5]. Competitive difficulty is inverted: 5 (hardest) counts as 1.
    pub fn score(&self, s: ScoreInputs) -> f64 {
        let w = &self.weights;
        w.icp_fit * f64::from(s.icp_fit)
            + w.signal_recency * f64::from(s.signal_recency)
            + w.whitespace * f64::from(s.whitespace)
            + w.competitive_difficulty * f64::from(6 - s.competitive_difficulty)
    }

    /// The tier of a score.
    pub fn tier(&self, score: f64) -> Tier {
        if score >= self.tiers.tier1_min {
            Tier(1)
        } else if score >= self.tiers.tier2_min {
            Tier(2)
        } else {
            Tier(3)
        }
    }

    /// Potential: the expected value of the account in money. A typical deal (the segment's deal size, or the
    /// account's own whitespace figure when the CRM has one) scaled by score ÷ 3, so that a neutral account is
    /// worth one typical deal, a perfect one 5/3 of it and the worst 1/3.
    pub fn potential(&self, score: f64, typical_deal: Money) -> Money {
        Money::new(typical_deal.get() * score / 3.0).unwrap_or(Money::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_score_is_weighted_and_inverted() {
        let s = Scoring::default();
        let best = ScoreInputs::new(5, 5, 5, 1).unwrap();
        let worst = ScoreInputs::new(1, 1, 1, 5).unwrap();
        assert!((s.score(best) - 5.0).abs() < 1e-12);
        assert!((s.score(worst) - 1.0).abs() < 1e-12);
        assert!((s.score(ScoreInputs::NEUTRAL) - 3.0).abs() < 1e-12);
        // Only difficulty differs: harder displacement lowers the score by its weight.
        let easy = ScoreInputs::new(3, 3, 3, 2).unwrap();
        assert!((s.score(easy) - 3.2).abs() < 1e-12);
    }

    #[test]
    fn tiers_follow_thresholds() {
        let s = Scoring::default();
        assert_eq!(s.tier(4.0), Tier(1));
        assert_eq!(s.tier(3.0), Tier(2));
        assert_eq!(s.tier(2.0), Tier(3));
    }

    #[test]
    fn inputs_outside_one_to_five_are_rejected() {
        assert_eq!(ScoreInputs::new(0, 3, 3, 3), Err("icp_fit"));
        assert_eq!(ScoreInputs::new(3, 3, 3, 6), Err("competitive_difficulty"));
    }

    #[test]
    fn weights_must_sum_to_one() {
        let mut w = ScoreWeights::default();
        assert!(w.validate().is_ok());
        w.icp_fit = 0.5;
        assert!(w.validate().is_err());
    }
}
