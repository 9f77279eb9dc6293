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
    #[error("{0} is outside [0, 1]: a probability is a number from 0 to 1, such as 0.25 for 25%")]
    OutOfUnitRange(f64),
    /// Zero or below where only positive values make sense.
    #[error("{0} must be a number above 0")]
    NotPositive(f64),
    /// Not a whole number in the allowed range.
    #[error("{0} must be a whole number from {1} to {2}")]
    NotWholeIn(f64, u32, u32),
    /// One or above where the value must stay below one.
    #[error("{0} must be at least 0 and below 1")]
    NotBelowOne(f64),
}

/// A value type that validates an `f64` into itself once, at the edge; afterwards the value is known to be
/// in range. `RULE` says what a valid value is, in the words an error message needs.
pub trait Unit: Copy + Sized {
    /// What a valid value is, as "a probability in [0, 1]".
    const RULE: &'static str;
    /// Validates a value.
    fn parse(value: f64) -> Result<Self, UnitError>;
    /// The value as a float.
    fn value(self) -> f64;
}

/// Defines a validated `f64` newtype with `new`, `get`, `Unit`, transparent `Serialize` and a validating
/// `Deserialize`.
macro_rules! unit {
    ($(#[$doc:meta])* $name:ident, $rule:literal, |$v:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(f64);

        impl $name {
            /// Validates a value.
            pub fn new($v: f64) -> Result<Self, UnitError> {
                if !$v.is_finite() {
                    return Err(UnitError::NotFinite($v));
                }
                let checked: Result<(), UnitError> = $check;
                checked.map(|()| $name($v))
            }

            /// The value as a float.
            pub fn get(self) -> f64 {
                self.0
            }

            /// A value the crate itself states (a documented default), not read from input; the
            /// defaults' test checks each with `new`.
            pub(crate) fn known(v: f64) -> Self {
                debug_assert!($name::new(v).is_ok(), "{v} is not {}", $rule);
                $name(v)
            }
        }

        impl Unit for $name {
            const RULE: &'static str = $rule;
            fn parse(value: f64) -> Result<Self, UnitError> {
                $name::new(value)
            }
            fn value(self) -> f64 {
                self.0
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $name::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

unit!(
    /// A number above zero (a Beta parameter, a median cycle).
    Positive,
    "a number above 0",
    |v| if v > 0.0 { Ok(()) } else { Err(UnitError::NotPositive(v)) }
);

unit!(
    /// A number zero or above (hours, a sigma, a multiplier).
    NonNegative,
    "a non-negative number",
    |v| if v >= 0.0 { Ok(()) } else { Err(UnitError::Negative(v)) }
);

unit!(
    /// A fraction in [0, 1): a strength that must leave what it scales positive.
    BelowOne,
    "a number from 0 up to, not including, 1",
    |v| if (0.0..1.0).contains(&v) { Ok(()) } else { Err(UnitError::NotBelowOne(v)) }
);

/// The most open opportunities per account and motion a scenario may allow (`max_open`).
pub const MAX_OPEN: u8 = 32;

unit!(
    /// How many opportunities an account may hold open at once in a motion: a whole number from 1 to
    /// [`MAX_OPEN`].
    OpenSlots,
    "a whole number from 1 to 32",
    |v| if v.fract() == 0.0 && (1.0..=f64::from(MAX_OPEN)).contains(&v) {
        Ok(())
    } else {
        Err(UnitError::NotWholeIn(v, 1, u32::from(MAX_OPEN)))
    }
);

impl OpenSlots {
    /// The count.
    pub fn count(self) -> u8 {
        self.0 as u8
    }
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

impl From<NonNegative> for Money {
    /// A non-negative number is a valid amount.
    fn from(v: NonNegative) -> Self {
        Money(v.get())
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

unit!(
    /// A probability in [0, 1].
    Probability,
    "a probability in [0, 1]",
    |v| if (0.0..=1.0).contains(&v) { Ok(()) } else { Err(UnitError::OutOfUnitRange(v)) }
);

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
        assert!(Probability::new(-0.01).is_err());
        assert!(Probability::new(f64::NAN).is_err());
        assert_eq!(Probability::new(0.0).unwrap().get(), 0.0);
        assert_eq!(Probability::new(1.0).unwrap().get(), 1.0);
    }

    #[test]
    fn units_check_their_ranges() {
        assert!(Positive::new(0.0).is_err());
        assert!(Positive::new(f64::INFINITY).is_err());
        assert_eq!(Positive::new(1e-300).unwrap().get(), 1e-300);
        assert!(NonNegative::new(-1e-300).is_err());
        assert_eq!(NonNegative::new(0.0).unwrap().get(), 0.0);
        assert!(BelowOne::new(1.0).is_err());
        assert_eq!(BelowOne::new(0.999).unwrap().get(), 0.999);
        assert!(OpenSlots::new(0.0).is_err());
        assert!(OpenSlots::new(2.5).is_err());
        assert!(OpenSlots::new(33.0).is_err());
        assert_eq!(OpenSlots::new(32.0).unwrap().count(), 32);
    }

    #[test]
    fn deserializing_validates() {
        #[derive(serde::Deserialize)]
        struct T {
            #[allow(dead_code)]
            p: Probability,
        }
        let err = toml::from_str::<T>("p = 1.5").err().expect("1.5 is not a probability");
        assert!(err.to_string().contains("1.5 is outside [0, 1]"), "{err}");
    }
}
