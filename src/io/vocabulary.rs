//! CRM words read as terrasim's: regions (with the scenario's aliases and country overrides), rep roles,
//! and the customer flag from a Salesforce Account `Type` or a HubSpot lifecycle stage.

use std::collections::HashMap;

use crate::market::country::{COUNTRIES, country, country_key};
use crate::market::{Region, SizeBand, closest, did_you_mean};
use crate::scenario::DataFiles;

/// The region words of a scenario: `[data.region_aliases]` and `[data.country_regions]` over the ISO 3166
/// defaults.
pub(crate) struct RegionVocabulary {
    /// Alias (matched on [`country_key`]) → region.
    aliases: HashMap<String, Region>,
    /// Country override, keyed by alpha-2 when the key names a country, else by its [`country_key`].
    countries: HashMap<String, Region>,
}

impl RegionVocabulary {
    pub(crate) fn new(data: &DataFiles) -> Self {
        let aliases = data
            .region_aliases
            .iter()
            .filter_map(|(from, to)| Some((country_key(from), Region::new(to)?)))
            .collect();
        let countries = data
            .country_regions
            .iter()
            .filter_map(|(c, to)| {
                let key = country(c).map_or_else(|| country_key(c), |c| c.alpha2.to_string());
                Some((key, Region::new(to)?))
            })
            .collect();
        RegionVocabulary { aliases, countries }
    }

    /// The region a region cell names, after the scenario's aliases.
    pub(crate) fn region(&self, raw: &str) -> Option<Region> {
        self.aliases.get(&country_key(raw)).cloned().or_else(|| Region::new(raw))
    }

    /// The region of a country: the scenario's override, else the ISO 3166 default.
    pub(crate) fn of_country(&self, raw: &str) -> Option<Region> {
        let key = country(raw).map_or_else(|| country_key(raw), |c| c.alpha2.to_string());
        self.countries.get(&key).cloned().or_else(|| Region::of_country(raw)).map(|r| self.alias(r))
    }

    fn alias(&self, region: Region) -> Region {
        self.aliases.get(&country_key(region.as_str())).cloned().unwrap_or(region)
    }

    /// The message for a country that maps to no region, with the closest country name when there is one.
    pub(crate) fn unknown_country(raw: &str) -> String {
        let hint = did_you_mean(raw, COUNTRIES.iter().map(|c| c.name));
        format!(
            "no region, and \"{raw}\" is no ISO 3166 country{hint}; fix the country, add a region column \
             (AMER, EMEA, ROW), or map it in the scenario: [data.country_regions] \"{raw}\" = \"EMEA\""
        )
    }
}

/// A rep's role: `SMB`, `MM`, `ENT` (or their long names), or a CRM word mapped by `[data.roles]`.
pub(crate) fn role(raw: &str, data: &DataFiles) -> Result<SizeBand, String> {
    if let Some(band) = SizeBand::parse(raw) {
        return Ok(band);
    }
    let key = country_key(raw);
    if let Some((word, band)) = data.roles.iter().find(|(k, _)| country_key(k) == key) {
        return SizeBand::parse(band).ok_or_else(|| {
            format!("[data.roles] maps \"{word}\" to \"{band}\", which is not a size band; map it to SMB, MM or ENT")
        });
    }
    let known: Vec<&str> =
        ["SMB", "MM", "ENT"].into_iter().chain(data.roles.keys().map(String::as_str)).collect();
    let hint =
        closest(raw, known.iter().copied()).map_or_else(String::new, |k| format!(" (did you mean \"{k}\"?)"));
    Err(format!(
        "\"{raw}\" is not a role{hint}; use SMB, MM or ENT, or map the CRM word in the scenario: \
         [data.roles] \"{raw}\" = \"MM\""
    ))
}

/// Salesforce Account `Type` picklist values, and whether each is a customer.
pub(crate) const SALESFORCE_TYPES: &[(&str, bool)] = &[
    ("Customer - Direct", true),
    ("Customer - Channel", true),
    ("Customer", true),
    ("Prospect", false),
    ("Channel Partner / Reseller", false),
    ("Installation Partner", false),
    ("Technology Partner", false),
    ("Partner", false),
    ("Other", false),
];

/// HubSpot lifecycle stages (internal values and export labels normalise alike), and whether each is a
/// customer.
pub(crate) const HUBSPOT_STAGES: &[(&str, bool)] = &[
    ("subscriber", false),
    ("lead", false),
    ("marketingqualifiedlead", false),
    ("salesqualifiedlead", false),
    ("opportunity", false),
    ("customer", true),
    ("evangelist", true),
    ("other", false),
];

/// The customer flag a vocabulary gives `raw`, or an error listing the known values.
pub(crate) fn customer_flag(raw: &str, known: &[(&str, bool)], what: &str) -> Result<bool, String> {
    let key = country_key(raw);
    if let Some(&(_, flag)) = known.iter().find(|(k, _)| country_key(k) == key) {
        return Ok(flag);
    }
    let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
    Err(format!(
        "\"{raw}\" is not a {what}{}; the known values are {}; fix the cell, or give an is_customer column \
         (true/false), which wins",
        did_you_mean(raw, names.iter().copied()),
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(toml_text: &str) -> DataFiles {
        toml::from_str(&format!("accounts = \"a.csv\"\nreps = \"r.csv\"\n{toml_text}")).unwrap()
    }

    #[test]
    fn regions_follow_aliases_and_country_overrides() {
        let d =
            data("[country_regions]\nMexico = \"LATAM\"\n[region_aliases]\n\"North America\" = \"AMER\"\n");
        let v = RegionVocabulary::new(&d);
        assert_eq!(v.region("North America").unwrap().as_str(), "AMER");
        assert_eq!(v.region("emea").unwrap().as_str(), "EMEA");
        assert_eq!(v.of_country("MX").unwrap().as_str(), "LATAM");
        assert_eq!(v.of_country("Brazil").unwrap().as_str(), "AMER");
        assert!(v.of_country("Atlantis").is_none());
        assert!(RegionVocabulary::unknown_country("Germny").contains("did you mean \"Germany\""));
    }

    #[test]
    fn roles_map_through_the_scenario() {
        let d = data("[roles]\n\"Account Executive\" = \"MM\"\nSDR = \"nope\"\n");
        assert_eq!(role("ENT", &d), Ok(SizeBand::Ent));
        assert_eq!(role("account executive", &d), Ok(SizeBand::Mm));
        assert!(role("SDR", &d).unwrap_err().contains("not a size band"));
        assert!(role("Acount Executive", &d).unwrap_err().contains("did you mean \"Account Executive\""));
    }

    #[test]
    fn crm_vocabularies_set_the_customer_flag() {
        assert_eq!(customer_flag("Customer - Direct", SALESFORCE_TYPES, "type"), Ok(true));
        assert_eq!(customer_flag("Prospect", SALESFORCE_TYPES, "type"), Ok(false));
        assert_eq!(customer_flag("Marketing Qualified Lead", HUBSPOT_STAGES, "stage"), Ok(false));
        assert_eq!(customer_flag("customer", HUBSPOT_STAGES, "stage"), Ok(true));
        let e = customer_flag("Custmer", HUBSPOT_STAGES, "stage").unwrap_err();
        assert!(e.contains("did you mean \"customer\"") && e.contains("evangelist"), "{e}");
    }
}
