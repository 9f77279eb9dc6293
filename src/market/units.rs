use std::fmt;

/// Why a number is not a valid amount or probability.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// NaN or infinite.
    #[error("{0} is not a finite number")]
    NotFinite(f64),
    /// Below zero where only non-negative values make sense.
    #[error("{0} is negative")]
    Negative(f64),
    /// A probability outside [0, 1].
    #[error("{0} is outside [0, 1]")]
    OutOfUnitRange(f64),
}

/// An amount of money in the scenario's currency: finite and non-negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Money(f64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0.0);

    /// Validates an amount.
    pub fn new(value: f64) -> Result<Self, UnitError> {
        if !value.is_finite() {
            Err(UnitError::NotFinite(value))
        } else if value < 0.0 {
            Err(UnitError::Negative(value))
        } else {
            Ok(Money(value))
        }
    }

    /// The amount as a float.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0}", self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Money::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A probability in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, serde::Serialize)]
#[serde(transparent)]
pub struct Probability(f64);

impl Probability {
    /// Validates a probability.
    pub fn new(value: f64) -> Result<Self, UnitError> {
        if !value.is_finite() {
            Err(UnitError::NotFinite(value))
        } else if !(0.0..=1.0).contains(&value) {
            Err(UnitError::OutOfUnitRange(value))
        } else {
            Ok(Probability(value))
        }
    }

    /// The probability as a float.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl<'de> serde::Deserialize<'de> for Probability {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Probability::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rejects_nan_and_negatives() {
        assert!(Money::new(f64::NAN).is_err());
        assert!(Money::new(-1.0).is_err());
        assert_eq!(Money::new(2.5).unwrap().get(), 2.5);
    }

    #[test]
    fn probability_is_bounded() {
        assert!(Probability::new(1.01).is_err());
        assert!(Probability::new(0.0).is_ok());
    }
}
