use std::fmt;

/// Why a raw string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The id is empty or only whitespace.
    #[error("the id is empty")]
    Empty,
    /// The id contains a control character (often a stray newline from a broken export).
    #[error("the id {0:?} contains a control character")]
    Control(String),
}

fn validate(raw: &str) -> Result<String, IdError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(IdError::Empty);
    }
    if trimmed.chars().any(char::is_control) {
        return Err(IdError::Control(trimmed.to_string()));
    }
    Ok(trimmed.to_string())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses a raw id: surrounding whitespace is trimmed; empty ids and control characters are
            /// rejected.
            pub fn new(raw: &str) -> Result<Self, IdError> {
                validate(raw).map(Self)
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::new(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// The CRM id of an account (Salesforce `Id`, HubSpot `Record ID`, ...).
    AccountId
);
id_type!(
    /// The CRM id of a rep (Salesforce user id, HubSpot owner id, or any stable code such as `R07`).
    RepId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_and_validated() {
        assert_eq!(AccountId::new("  001A ").unwrap().as_str(), "001A");
        assert_eq!(RepId::new(" "), Err(IdError::Empty));
        assert!(matches!(AccountId::new("a\nb"), Err(IdError::Control(_))));
    }
}
