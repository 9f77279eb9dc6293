//! The sales motion of a historical opportunity, from the CRM's own words: the Salesforce Opportunity
//! `Type`, the HubSpot deal `dealtype`, or a column the scenario maps as `motion`, read in that order, with
//! the scenario's `[data.motions]` lists over the built-in vocabularies. An opportunity none of them
//! classifies is left to the account's record (see `crate::calibrate::classify_by_first_win`).

use crate::scenario::MotionMap;
use crate::sim::model::SalesMotion;

use super::csv_table::normalise;

/// What an opportunity type means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeMeaning {
    /// A sale of one of the two motions.
    Motion(SalesMotion),
    /// No new value (a renewal): left out of the fit, and counted.
    Excluded,
}

/// Salesforce's standard Opportunity `Type` picklist (`New Customer`, `Existing Customer - Upgrade`,
/// `- Replacement`, `- Downgrade`) and the `New Business` / `Existing Business` values many orgs use instead,
/// which are also HubSpot's `dealtype` labels (internal values `newbusiness`, `existingbusiness`), plus
/// terrasim's own labels; matched after [`normalise`], so case, spaces and punctuation do not matter.
const NEW_BUSINESS: &[&str] = &["New Customer", "New Business", "newbusiness", "new_business", "New Logo"];
const EXPANSION: &[&str] = &[
    "Existing Customer - Upgrade",
    "Existing Customer - Replacement",
    "Existing Customer - Downgrade",
    "Existing Business",
    "existingbusiness",
    "expansion",
    "Upsell",
    "Cross-sell",
];
/// Renewals book no new value (DESIGN.md: out of scope): left out of the fit and declared, not refused.
const EXCLUDED: &[&str] =
    &["Renewal", "Existing Customer - Renewal", "Existing Business - Renewal", "renewal"];

/// The meaning of an opportunity type `raw`: the scenario's lists first, then the built-in vocabularies;
/// `None` when neither knows it.
pub(crate) fn type_meaning(raw: &str, map: &MotionMap) -> Option<TypeMeaning> {
    let key = normalise(raw);
    let listed = |list: &[String]| list.iter().any(|v| normalise(v) == key);
    let known = |list: &[&str]| list.iter().any(|v| normalise(v) == key);
    if listed(&map.new_business) {
        Some(TypeMeaning::Motion(SalesMotion::NewBusiness))
    } else if listed(&map.expansion) {
        Some(TypeMeaning::Motion(SalesMotion::Expansion))
    } else if listed(&map.excluded) {
        Some(TypeMeaning::Excluded)
    } else if known(NEW_BUSINESS) {
        Some(TypeMeaning::Motion(SalesMotion::NewBusiness))
    } else if known(EXPANSION) {
        Some(TypeMeaning::Motion(SalesMotion::Expansion))
    } else if known(EXCLUDED) {
        Some(TypeMeaning::Excluded)
    } else {
        None
    }
}

/// Which rule classified an opportunity; the labels are what the diagnostics count them under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// The Salesforce Opportunity `Type`.
    OpportunityType,
    /// The HubSpot `dealtype`.
    DealType,
    /// The column mapped as `motion`.
    Column,
}

impl Rule {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Rule::OpportunityType => "opportunity type",
            Rule::DealType => "deal type",
            Rule::Column => "motion column",
        }
    }
}

/// The first of `cells` (the opportunity type, the deal type, the motion column, in that order; `None`
/// where the file has no such column or the cell is empty) that holds a value, and what it means; `Ok(None)`
/// when every cell is empty (the account's record decides). A value that no list and no vocabulary knows is
/// an error naming the rule whose cell holds it and the fix; the caller names the file, line and column.
pub(crate) fn classify(
    cells: [Option<&str>; 3],
    map: &MotionMap,
) -> Result<Option<(Rule, TypeMeaning)>, (Rule, String)> {
    let rules = [Rule::OpportunityType, Rule::DealType, Rule::Column];
    let Some((rule, raw)) = rules.into_iter().zip(cells).find_map(|(r, c)| c.map(|c| (r, c))) else {
        return Ok(None);
    };
    match type_meaning(raw, map) {
        Some(meaning) => Ok(Some((rule, meaning))),
        None => Err((rule, unknown_type(raw))),
    }
}

fn unknown_type(raw: &str) -> String {
    format!(
        "opportunity type \"{raw}\" is neither new business (New Customer, New Business, newbusiness) nor \
         expansion (Existing Customer - Upgrade / Replacement / Downgrade, Existing Business, \
         existingbusiness) nor a renewal; say what it is in the scenario: [data.motions] expansion = \
         [\"{raw}\"] (or new_business = [...], or excluded = [...] to leave such deals out of the fit)"
    )
}

/// A value listed under two motions of `[data.motions]`, if any: `(value, first list, second list)`.
pub(crate) fn listed_twice(map: &MotionMap) -> Option<(String, &'static str, &'static str)> {
    let lists =
        [("new_business", &map.new_business), ("expansion", &map.expansion), ("excluded", &map.excluded)];
    for (i, (first, a)) in lists.iter().enumerate() {
        for (second, b) in &lists[i + 1..] {
            if let Some(both) = a.iter().find(|x| b.iter().any(|y| normalise(y) == normalise(x))) {
                return Some((both.clone(), first, second));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: TypeMeaning = TypeMeaning::Motion(SalesMotion::NewBusiness);
    const EXP: TypeMeaning = TypeMeaning::Motion(SalesMotion::Expansion);

    fn map(toml_text: &str) -> MotionMap {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn salesforce_and_hubspot_vocabularies() {
        let none = MotionMap::default();
        for v in ["New Customer", "New Business", "newbusiness", "NEW BUSINESS"] {
            assert_eq!(type_meaning(v, &none), Some(NB), "{v}");
        }
        for v in [
            "Existing Customer - Upgrade",
            "Existing Customer - Replacement",
            "Existing Customer - Downgrade",
            "existing customer – upgrade",
            "Existing Business",
            "existingbusiness",
        ] {
            assert_eq!(type_meaning(v, &none), Some(EXP), "{v}");
        }
        assert_eq!(type_meaning("Renewal", &none), Some(TypeMeaning::Excluded));
        assert_eq!(type_meaning("Partner", &none), None);
    }

    #[test]
    fn the_scenario_lists_win_over_the_vocabularies() {
        let m = map("expansion = [\"Add-On\"]\nexcluded = [\"Partner\"]\nnew_business = [\"Renewal\"]\n");
        assert_eq!(type_meaning("add-on", &m), Some(EXP));
        assert_eq!(type_meaning("Partner", &m), Some(TypeMeaning::Excluded));
        // Listing a built-in value moves it.
        assert_eq!(type_meaning("Renewal", &m), Some(NB));
        assert_eq!(listed_twice(&m), None);
        let twice = map("expansion = [\"Add-On\"]\nexcluded = [\"add on\"]\n");
        assert_eq!(listed_twice(&twice), Some(("Add-On".to_string(), "expansion", "excluded")));
    }

    #[test]
    fn the_first_filled_cell_decides_in_rule_order() {
        let none = MotionMap::default();
        // Type first, even when the deal type disagrees.
        assert_eq!(
            classify([Some("New Customer"), Some("existingbusiness"), None], &none),
            Ok(Some((Rule::OpportunityType, NB)))
        );
        // An empty Type falls through to the deal type, then to the mapped column.
        assert_eq!(classify([None, Some("existingbusiness"), None], &none), Ok(Some((Rule::DealType, EXP))));
        assert_eq!(classify([None, None, Some("expansion")], &none), Ok(Some((Rule::Column, EXP))));
        // Nothing filled: the account's record decides.
        assert_eq!(classify([None, None, None], &none), Ok(None));
    }

    #[test]
    fn an_unknown_type_is_refused_with_the_fix_not_guessed() {
        let none = MotionMap::default();
        // Not passed over to a later rule that would know a value: the first filled cell is the CRM's word.
        let (rule, message) = classify([Some("Partner"), Some("newbusiness"), None], &none).unwrap_err();
        assert_eq!(rule, Rule::OpportunityType);
        assert!(message.contains("\"Partner\"") && message.contains("[data.motions]"), "{message}");
        let (rule, _) = classify([None, Some("upsell-ish"), None], &none).unwrap_err();
        assert_eq!(rule, Rule::DealType);
    }
}
