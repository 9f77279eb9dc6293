//! How the CRM names a rep: its user id (Salesforce `User ID`, HubSpot owner id) and email. The engine never
//! reads them; change files need them, because a CRM takes its own ids, not terrasim's rep ids.

/// A rep's identity in the CRM, as far as the reps file or users export gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CrmUser {
    /// The CRM's user id (Salesforce `005…` User Id, HubSpot owner id), as imported.
    pub user_id: Option<String>,
    /// The user's email (HubSpot imports accept it for an owner).
    pub email: Option<String>,
}

impl CrmUser {
    /// True when neither an id nor an email is known.
    pub fn is_empty(&self) -> bool {
        self.user_id.is_none() && self.email.is_none()
    }
}

/// True when `id` is a HubSpot owner id: HubSpot numbers its owners (and records) with digits only, while a
/// Salesforce id always has letters in it (every one starts with a three-character key prefix such as
/// `005`, then a mix of letters and digits).
pub fn is_hubspot_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// True when `id` is a Salesforce User Id: 15 or 18 letters and digits with the User key prefix `005`.
/// A reps file whose rep ids have this shape is keyed by the CRM's own user ids.
pub fn is_salesforce_user_id(id: &str) -> bool {
    (id.len() == 15 || id.len() == 18)
        && id.starts_with("005")
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crm_ids_are_told_apart_by_shape() {
        assert!(is_hubspot_id("71001"));
        assert!(!is_hubspot_id("005A1"));
        assert!(!is_hubspot_id(""));
        assert!(is_salesforce_user_id("0055g00000AbCdE"));
        assert!(is_salesforce_user_id("0055g00000AbCdEAAZ"));
        assert!(!is_salesforce_user_id("0015g00000XyZ12AAB"), "an account id, not a user id");
        assert!(!is_salesforce_user_id("R07"));
        assert!(!is_salesforce_user_id("0055g00000AbC-E"));
    }
}
