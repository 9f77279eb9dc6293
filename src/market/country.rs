//! ISO 3166-1: every country by its English short name, alpha-2 and alpha-3 code, and the spellings CRM
//! exports use ("USA", "U.S.", "UK", "Deutschland"), with the sales region it falls in by default.
//!
//! The default regions: the Americas (north, central, south and the Caribbean) are `AMER`; Europe, the
//! Middle East, Africa and the former Soviet states of Central Asia are `EMEA`; Asia-Pacific is `ROW`.
//! A scenario overrides any of them with `[data.country_regions]` (for example `"Mexico" = "LATAM"`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// One country of ISO 3166-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code (`US`).
    pub alpha2: &'static str,
    /// ISO 3166-1 alpha-3 code (`USA`).
    pub alpha3: &'static str,
    /// English short name (`United States`).
    pub name: &'static str,
    /// The sales region it falls in by default: `AMER`, `EMEA` or `ROW`.
    pub region: &'static str,
    /// Other spellings seen in CRM exports.
    pub aliases: &'static [&'static str],
}

/// The key a country spelling is matched on: lowercase letters and digits only, so that "U.S." is "us"
/// and "Côte d'Ivoire" is "côtedivoire".
pub fn country_key(raw: &str) -> String {
    raw.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// True for the cells spreadsheets and CRMs write for "no value" that would otherwise read as Namibia
/// (`NA`): `N/A`, `n/a`, `#N/A`, `N.A.`. Only the bare two letters `NA` (any case) are the ISO code; with a
/// slash, a dot or a `#` they are a placeholder, and an empty cell is what they mean.
pub fn is_placeholder(raw: &str) -> bool {
    let raw = raw.trim();
    country_key(raw) == "na" && raw.chars().any(|c| !c.is_alphanumeric())
}

/// Every spelling's [`country_key`] → its country, built once (the table is matched on every country cell).
fn by_key() -> &'static HashMap<String, &'static Country> {
    static BY_KEY: OnceLock<HashMap<String, &'static Country>> = OnceLock::new();
    BY_KEY.get_or_init(|| {
        let mut map = HashMap::new();
        for c in COUNTRIES {
            for spelling in [c.alpha2, c.alpha3, c.name].iter().chain(c.aliases) {
                // The first country in table order keeps a key (the table test checks none has two).
                map.entry(country_key(spelling)).or_insert(c);
            }
        }
        map
    })
}

/// The country a CRM spelling names (a name, an alias, an alpha-2 or an alpha-3 code, any case and
/// punctuation); `None` when it names none, and for a "no value" placeholder such as `N/A` (see
/// [`is_placeholder`]), which is read as no country rather than as Namibia.
pub fn country(raw: &str) -> Option<&'static Country> {
    if is_placeholder(raw) {
        return None;
    }
    let key = country_key(raw);
    if key.is_empty() {
        return None;
    }
    by_key().get(&key).copied()
}

/// The default region a CRM's word for a part of the world means ("Europe", "North America", "APAC"), or
/// a country's: to suggest the alias a reps file needs. `None` when the word names neither, and for a
/// placeholder such as `N/A` (which is no region, not North America).
pub fn region_of_word(raw: &str) -> Option<&'static str> {
    if is_placeholder(raw) {
        return None;
    }
    const WORDS: &[(&str, &[&str])] = &[
        (
            "AMER",
            &["americas", "northamerica", "na", "noram", "latam", "latinamerica", "southamerica", "amer"],
        ),
        (
            "EMEA",
            &["europe", "eu", "emea", "middleeast", "africa", "mea", "dach", "nordics", "benelux", "uki"],
        ),
        ("ROW", &["apac", "asia", "asiapacific", "anz", "oceania", "apj", "row", "restofworld"]),
    ];
    let key = country_key(raw);
    WORDS
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(region, _)| *region)
        .or_else(|| country(raw).map(|c| c.region))
}

/// Every country of ISO 3166-1 (and Kosovo, `XK`, which CRMs use), in ISO order of name.
pub const COUNTRIES: &[Country] = &[
    Country { alpha2: "AF", alpha3: "AFG", name: "Afghanistan", region: "ROW", aliases: &[] },
    Country {
        alpha2: "AX",
        alpha3: "ALA",
        name: "Åland Islands",
        region: "EMEA",
        aliases: &["Aland Islands"],
    },
    Country { alpha2: "AL", alpha3: "ALB", name: "Albania", region: "EMEA", aliases: &[] },
    Country { alpha2: "DZ", alpha3: "DZA", name: "Algeria", region: "EMEA", aliases: &[] },
    Country { alpha2: "AS", alpha3: "ASM", name: "American Samoa", region: "ROW", aliases: &[] },
    Country { alpha2: "AD", alpha3: "AND", name: "Andorra", region: "EMEA", aliases: &[] },
    Country { alpha2: "AO", alpha3: "AGO", name: "Angola", region: "EMEA", aliases: &[] },
    Country { alpha2: "AI", alpha3: "AIA", name: "Anguilla", region: "AMER", aliases: &[] },
    Country { alpha2: "AQ", alpha3: "ATA", name: "Antarctica", region: "ROW", aliases: &[] },
    Country { alpha2: "AG", alpha3: "ATG", name: "Antigua and Barbuda", region: "AMER", aliases: &[] },
    Country { alpha2: "AR", alpha3: "ARG", name: "Argentina", region: "AMER", aliases: &[] },
    Country { alpha2: "AM", alpha3: "ARM", name: "Armenia", region: "EMEA", aliases: &[] },
    Country { alpha2: "AW", alpha3: "ABW", name: "Aruba", region: "AMER", aliases: &[] },
    Country { alpha2: "AU", alpha3: "AUS", name: "Australia", region: "ROW", aliases: &[] },
    Country {
        alpha2: "AT",
        alpha3: "AUT",
        name: "Austria",
        region: "EMEA",
        aliases: &["Österreich", "Osterreich"],
    },
    Country { alpha2: "AZ", alpha3: "AZE", name: "Azerbaijan", region: "EMEA", aliases: &[] },
    Country { alpha2: "BS", alpha3: "BHS", name: "Bahamas", region: "AMER", aliases: &[] },
    Country { alpha2: "BH", alpha3: "BHR", name: "Bahrain", region: "EMEA", aliases: &[] },
    Country { alpha2: "BD", alpha3: "BGD", name: "Bangladesh", region: "ROW", aliases: &[] },
    Country { alpha2: "BB", alpha3: "BRB", name: "Barbados", region: "AMER", aliases: &[] },
    Country { alpha2: "BY", alpha3: "BLR", name: "Belarus", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "BE",
        alpha3: "BEL",
        name: "Belgium",
        region: "EMEA",
        aliases: &["Belgique", "België"],
    },
    Country { alpha2: "BZ", alpha3: "BLZ", name: "Belize", region: "AMER", aliases: &[] },
    Country { alpha2: "BJ", alpha3: "BEN", name: "Benin", region: "EMEA", aliases: &[] },
    Country { alpha2: "BM", alpha3: "BMU", name: "Bermuda", region: "AMER", aliases: &[] },
    Country { alpha2: "BT", alpha3: "BTN", name: "Bhutan", region: "ROW", aliases: &[] },
    Country {
        alpha2: "BO",
        alpha3: "BOL",
        name: "Bolivia",
        region: "AMER",
        aliases: &["Bolivia, Plurinational State of"],
    },
    Country {
        alpha2: "BQ",
        alpha3: "BES",
        name: "Bonaire, Sint Eustatius and Saba",
        region: "AMER",
        aliases: &[],
    },
    Country { alpha2: "BA", alpha3: "BIH", name: "Bosnia and Herzegovina", region: "EMEA", aliases: &[] },
    Country { alpha2: "BW", alpha3: "BWA", name: "Botswana", region: "EMEA", aliases: &[] },
    Country { alpha2: "BV", alpha3: "BVT", name: "Bouvet Island", region: "ROW", aliases: &[] },
    Country { alpha2: "BR", alpha3: "BRA", name: "Brazil", region: "AMER", aliases: &["Brasil"] },
    Country {
        alpha2: "IO",
        alpha3: "IOT",
        name: "British Indian Ocean Territory",
        region: "ROW",
        aliases: &[],
    },
    Country { alpha2: "BN", alpha3: "BRN", name: "Brunei Darussalam", region: "ROW", aliases: &["Brunei"] },
    Country { alpha2: "BG", alpha3: "BGR", name: "Bulgaria", region: "EMEA", aliases: &[] },
    Country { alpha2: "BF", alpha3: "BFA", name: "Burkina Faso", region: "EMEA", aliases: &[] },
    Country { alpha2: "BI", alpha3: "BDI", name: "Burundi", region: "EMEA", aliases: &[] },
    Country { alpha2: "CV", alpha3: "CPV", name: "Cabo Verde", region: "EMEA", aliases: &["Cape Verde"] },
    Country { alpha2: "KH", alpha3: "KHM", name: "Cambodia", region: "ROW", aliases: &[] },
    Country { alpha2: "CM", alpha3: "CMR", name: "Cameroon", region: "EMEA", aliases: &[] },
    Country { alpha2: "CA", alpha3: "CAN", name: "Canada", region: "AMER", aliases: &[] },
    Country { alpha2: "KY", alpha3: "CYM", name: "Cayman Islands", region: "AMER", aliases: &[] },
    Country { alpha2: "CF", alpha3: "CAF", name: "Central African Republic", region: "EMEA", aliases: &[] },
    Country { alpha2: "TD", alpha3: "TCD", name: "Chad", region: "EMEA", aliases: &[] },
    Country { alpha2: "CL", alpha3: "CHL", name: "Chile", region: "AMER", aliases: &[] },
    Country {
        alpha2: "CN",
        alpha3: "CHN",
        name: "China",
        region: "ROW",
        aliases: &["People's Republic of China", "PRC", "Mainland China"],
    },
    Country { alpha2: "CX", alpha3: "CXR", name: "Christmas Island", region: "ROW", aliases: &[] },
    Country { alpha2: "CC", alpha3: "CCK", name: "Cocos (Keeling) Islands", region: "ROW", aliases: &[] },
    Country { alpha2: "CO", alpha3: "COL", name: "Colombia", region: "AMER", aliases: &[] },
    Country { alpha2: "KM", alpha3: "COM", name: "Comoros", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "CG",
        alpha3: "COG",
        name: "Congo",
        region: "EMEA",
        aliases: &["Republic of the Congo", "Congo (Brazzaville)"],
    },
    Country {
        alpha2: "CD",
        alpha3: "COD",
        name: "Congo, Democratic Republic of the",
        region: "EMEA",
        aliases: &["DR Congo", "DRC", "Democratic Republic of the Congo", "Congo (Kinshasa)"],
    },
    Country { alpha2: "CK", alpha3: "COK", name: "Cook Islands", region: "ROW", aliases: &[] },
    Country { alpha2: "CR", alpha3: "CRI", name: "Costa Rica", region: "AMER", aliases: &[] },
    Country {
        alpha2: "CI",
        alpha3: "CIV",
        name: "Côte d'Ivoire",
        region: "EMEA",
        aliases: &["Cote d'Ivoire", "Ivory Coast"],
    },
    Country { alpha2: "HR", alpha3: "HRV", name: "Croatia", region: "EMEA", aliases: &[] },
    Country { alpha2: "CU", alpha3: "CUB", name: "Cuba", region: "AMER", aliases: &[] },
    Country { alpha2: "CW", alpha3: "CUW", name: "Curaçao", region: "AMER", aliases: &["Curacao"] },
    Country { alpha2: "CY", alpha3: "CYP", name: "Cyprus", region: "EMEA", aliases: &[] },
    Country { alpha2: "CZ", alpha3: "CZE", name: "Czechia", region: "EMEA", aliases: &["Czech Republic"] },
    Country { alpha2: "DK", alpha3: "DNK", name: "Denmark", region: "EMEA", aliases: &["Danmark"] },
    Country { alpha2: "DJ", alpha3: "DJI", name: "Djibouti", region: "EMEA", aliases: &[] },
    Country { alpha2: "DM", alpha3: "DMA", name: "Dominica", region: "AMER", aliases: &[] },
    Country { alpha2: "DO", alpha3: "DOM", name: "Dominican Republic", region: "AMER", aliases: &[] },
    Country { alpha2: "EC", alpha3: "ECU", name: "Ecuador", region: "AMER", aliases: &[] },
    Country { alpha2: "EG", alpha3: "EGY", name: "Egypt", region: "EMEA", aliases: &[] },
    Country { alpha2: "SV", alpha3: "SLV", name: "El Salvador", region: "AMER", aliases: &[] },
    Country { alpha2: "GQ", alpha3: "GNQ", name: "Equatorial Guinea", region: "EMEA", aliases: &[] },
    Country { alpha2: "ER", alpha3: "ERI", name: "Eritrea", region: "EMEA", aliases: &[] },
    Country { alpha2: "EE", alpha3: "EST", name: "Estonia", region: "EMEA", aliases: &[] },
    Country { alpha2: "SZ", alpha3: "SWZ", name: "Eswatini", region: "EMEA", aliases: &["Swaziland"] },
    Country { alpha2: "ET", alpha3: "ETH", name: "Ethiopia", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "FK",
        alpha3: "FLK",
        name: "Falkland Islands (Malvinas)",
        region: "AMER",
        aliases: &["Falkland Islands"],
    },
    Country { alpha2: "FO", alpha3: "FRO", name: "Faroe Islands", region: "EMEA", aliases: &[] },
    Country { alpha2: "FJ", alpha3: "FJI", name: "Fiji", region: "ROW", aliases: &[] },
    Country { alpha2: "FI", alpha3: "FIN", name: "Finland", region: "EMEA", aliases: &["Suomi"] },
    Country { alpha2: "FR", alpha3: "FRA", name: "France", region: "EMEA", aliases: &["Frankreich"] },
    Country { alpha2: "GF", alpha3: "GUF", name: "French Guiana", region: "AMER", aliases: &[] },
    Country { alpha2: "PF", alpha3: "PYF", name: "French Polynesia", region: "ROW", aliases: &[] },
    Country { alpha2: "TF", alpha3: "ATF", name: "French Southern Territories", region: "ROW", aliases: &[] },
    Country { alpha2: "GA", alpha3: "GAB", name: "Gabon", region: "EMEA", aliases: &[] },
    Country { alpha2: "GM", alpha3: "GMB", name: "Gambia", region: "EMEA", aliases: &[] },
    Country { alpha2: "GE", alpha3: "GEO", name: "Georgia", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "DE",
        alpha3: "DEU",
        name: "Germany",
        region: "EMEA",
        aliases: &["Deutschland", "Allemagne", "Alemania"],
    },
    Country { alpha2: "GH", alpha3: "GHA", name: "Ghana", region: "EMEA", aliases: &[] },
    Country { alpha2: "GI", alpha3: "GIB", name: "Gibraltar", region: "EMEA", aliases: &[] },
    Country { alpha2: "GR", alpha3: "GRC", name: "Greece", region: "EMEA", aliases: &[] },
    Country { alpha2: "GL", alpha3: "GRL", name: "Greenland", region: "AMER", aliases: &[] },
    Country { alpha2: "GD", alpha3: "GRD", name: "Grenada", region: "AMER", aliases: &[] },
    Country { alpha2: "GP", alpha3: "GLP", name: "Guadeloupe", region: "AMER", aliases: &[] },
    Country { alpha2: "GU", alpha3: "GUM", name: "Guam", region: "ROW", aliases: &[] },
    Country { alpha2: "GT", alpha3: "GTM", name: "Guatemala", region: "AMER", aliases: &[] },
    Country { alpha2: "GG", alpha3: "GGY", name: "Guernsey", region: "EMEA", aliases: &[] },
    Country { alpha2: "GN", alpha3: "GIN", name: "Guinea", region: "EMEA", aliases: &[] },
    Country { alpha2: "GW", alpha3: "GNB", name: "Guinea-Bissau", region: "EMEA", aliases: &[] },
    Country { alpha2: "GY", alpha3: "GUY", name: "Guyana", region: "AMER", aliases: &[] },
    Country { alpha2: "HT", alpha3: "HTI", name: "Haiti", region: "AMER", aliases: &[] },
    Country {
        alpha2: "HM",
        alpha3: "HMD",
        name: "Heard Island and McDonald Islands",
        region: "ROW",
        aliases: &[],
    },
    Country {
        alpha2: "VA",
        alpha3: "VAT",
        name: "Holy See",
        region: "EMEA",
        aliases: &["Vatican", "Vatican City"],
    },
    Country { alpha2: "HN", alpha3: "HND", name: "Honduras", region: "AMER", aliases: &[] },
    Country {
        alpha2: "HK",
        alpha3: "HKG",
        name: "Hong Kong",
        region: "ROW",
        aliases: &["Hong Kong SAR", "Hong Kong SAR China"],
    },
    Country { alpha2: "HU", alpha3: "HUN", name: "Hungary", region: "EMEA", aliases: &[] },
    Country { alpha2: "IS", alpha3: "ISL", name: "Iceland", region: "EMEA", aliases: &[] },
    Country { alpha2: "IN", alpha3: "IND", name: "India", region: "ROW", aliases: &["Bharat"] },
    Country { alpha2: "ID", alpha3: "IDN", name: "Indonesia", region: "ROW", aliases: &[] },
    Country {
        alpha2: "IR",
        alpha3: "IRN",
        name: "Iran",
        region: "EMEA",
        aliases: &["Iran, Islamic Republic of"],
    },
    Country { alpha2: "IQ", alpha3: "IRQ", name: "Iraq", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "IE",
        alpha3: "IRL",
        name: "Ireland",
        region: "EMEA",
        aliases: &["Éire", "Republic of Ireland"],
    },
    Country { alpha2: "IM", alpha3: "IMN", name: "Isle of Man", region: "EMEA", aliases: &[] },
    Country { alpha2: "IL", alpha3: "ISR", name: "Israel", region: "EMEA", aliases: &[] },
    Country { alpha2: "IT", alpha3: "ITA", name: "Italy", region: "EMEA", aliases: &["Italia", "Italien"] },
    Country { alpha2: "JM", alpha3: "JAM", name: "Jamaica", region: "AMER", aliases: &[] },
    Country { alpha2: "JP", alpha3: "JPN", name: "Japan", region: "ROW", aliases: &["Nippon"] },
    Country { alpha2: "JE", alpha3: "JEY", name: "Jersey", region: "EMEA", aliases: &[] },
    Country { alpha2: "JO", alpha3: "JOR", name: "Jordan", region: "EMEA", aliases: &[] },
    Country { alpha2: "KZ", alpha3: "KAZ", name: "Kazakhstan", region: "EMEA", aliases: &[] },
    Country { alpha2: "KE", alpha3: "KEN", name: "Kenya", region: "EMEA", aliases: &[] },
    Country { alpha2: "KI", alpha3: "KIR", name: "Kiribati", region: "ROW", aliases: &[] },
    Country {
        alpha2: "KP",
        alpha3: "PRK",
        name: "North Korea",
        region: "ROW",
        aliases: &["Korea, Democratic People's Republic of", "Democratic People's Republic of Korea"],
    },
    Country {
        alpha2: "KR",
        alpha3: "KOR",
        name: "South Korea",
        region: "ROW",
        aliases: &["Korea", "Republic of Korea", "Korea, Republic of", "Korea (South)"],
    },
    Country { alpha2: "KW", alpha3: "KWT", name: "Kuwait", region: "EMEA", aliases: &[] },
    Country { alpha2: "KG", alpha3: "KGZ", name: "Kyrgyzstan", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "LA",
        alpha3: "LAO",
        name: "Laos",
        region: "ROW",
        aliases: &["Lao People's Democratic Republic", "Lao PDR"],
    },
    Country { alpha2: "LV", alpha3: "LVA", name: "Latvia", region: "EMEA", aliases: &[] },
    Country { alpha2: "LB", alpha3: "LBN", name: "Lebanon", region: "EMEA", aliases: &[] },
    Country { alpha2: "LS", alpha3: "LSO", name: "Lesotho", region: "EMEA", aliases: &[] },
    Country { alpha2: "LR", alpha3: "LBR", name: "Liberia", region: "EMEA", aliases: &[] },
    Country { alpha2: "LY", alpha3: "LBY", name: "Libya", region: "EMEA", aliases: &[] },
    Country { alpha2: "LI", alpha3: "LIE", name: "Liechtenstein", region: "EMEA", aliases: &[] },
    Country { alpha2: "LT", alpha3: "LTU", name: "Lithuania", region: "EMEA", aliases: &[] },
    Country { alpha2: "LU", alpha3: "LUX", name: "Luxembourg", region: "EMEA", aliases: &[] },
    Country { alpha2: "MO", alpha3: "MAC", name: "Macao", region: "ROW", aliases: &["Macau", "Macao SAR"] },
    Country { alpha2: "MG", alpha3: "MDG", name: "Madagascar", region: "EMEA", aliases: &[] },
    Country { alpha2: "MW", alpha3: "MWI", name: "Malawi", region: "EMEA", aliases: &[] },
    Country { alpha2: "MY", alpha3: "MYS", name: "Malaysia", region: "ROW", aliases: &[] },
    Country { alpha2: "MV", alpha3: "MDV", name: "Maldives", region: "ROW", aliases: &[] },
    Country { alpha2: "ML", alpha3: "MLI", name: "Mali", region: "EMEA", aliases: &[] },
    Country { alpha2: "MT", alpha3: "MLT", name: "Malta", region: "EMEA", aliases: &[] },
    Country { alpha2: "MH", alpha3: "MHL", name: "Marshall Islands", region: "ROW", aliases: &[] },
    Country { alpha2: "MQ", alpha3: "MTQ", name: "Martinique", region: "AMER", aliases: &[] },
    Country { alpha2: "MR", alpha3: "MRT", name: "Mauritania", region: "EMEA", aliases: &[] },
    Country { alpha2: "MU", alpha3: "MUS", name: "Mauritius", region: "EMEA", aliases: &[] },
    Country { alpha2: "YT", alpha3: "MYT", name: "Mayotte", region: "EMEA", aliases: &[] },
    Country { alpha2: "MX", alpha3: "MEX", name: "Mexico", region: "AMER", aliases: &["México"] },
    Country {
        alpha2: "FM",
        alpha3: "FSM",
        name: "Micronesia",
        region: "ROW",
        aliases: &["Micronesia, Federated States of"],
    },
    Country {
        alpha2: "MD",
        alpha3: "MDA",
        name: "Moldova",
        region: "EMEA",
        aliases: &["Moldova, Republic of"],
    },
    Country { alpha2: "MC", alpha3: "MCO", name: "Monaco", region: "EMEA", aliases: &[] },
    Country { alpha2: "MN", alpha3: "MNG", name: "Mongolia", region: "ROW", aliases: &[] },
    Country { alpha2: "ME", alpha3: "MNE", name: "Montenegro", region: "EMEA", aliases: &[] },
    Country { alpha2: "MS", alpha3: "MSR", name: "Montserrat", region: "AMER", aliases: &[] },
    Country { alpha2: "MA", alpha3: "MAR", name: "Morocco", region: "EMEA", aliases: &[] },
    Country { alpha2: "MZ", alpha3: "MOZ", name: "Mozambique", region: "EMEA", aliases: &[] },
    Country { alpha2: "MM", alpha3: "MMR", name: "Myanmar", region: "ROW", aliases: &["Burma"] },
    Country { alpha2: "NA", alpha3: "NAM", name: "Namibia", region: "EMEA", aliases: &[] },
    Country { alpha2: "NR", alpha3: "NRU", name: "Nauru", region: "ROW", aliases: &[] },
    Country { alpha2: "NP", alpha3: "NPL", name: "Nepal", region: "ROW", aliases: &[] },
    Country {
        alpha2: "NL",
        alpha3: "NLD",
        name: "Netherlands",
        region: "EMEA",
        aliases: &["Holland", "The Netherlands", "Nederland", "Niederlande"],
    },
    Country { alpha2: "NC", alpha3: "NCL", name: "New Caledonia", region: "ROW", aliases: &[] },
    Country { alpha2: "NZ", alpha3: "NZL", name: "New Zealand", region: "ROW", aliases: &["Aotearoa"] },
    Country { alpha2: "NI", alpha3: "NIC", name: "Nicaragua", region: "AMER", aliases: &[] },
    Country { alpha2: "NE", alpha3: "NER", name: "Niger", region: "EMEA", aliases: &[] },
    Country { alpha2: "NG", alpha3: "NGA", name: "Nigeria", region: "EMEA", aliases: &[] },
    Country { alpha2: "NU", alpha3: "NIU", name: "Niue", region: "ROW", aliases: &[] },
    Country { alpha2: "NF", alpha3: "NFK", name: "Norfolk Island", region: "ROW", aliases: &[] },
    Country { alpha2: "MK", alpha3: "MKD", name: "North Macedonia", region: "EMEA", aliases: &["Macedonia"] },
    Country { alpha2: "MP", alpha3: "MNP", name: "Northern Mariana Islands", region: "ROW", aliases: &[] },
    Country { alpha2: "NO", alpha3: "NOR", name: "Norway", region: "EMEA", aliases: &["Norge"] },
    Country { alpha2: "OM", alpha3: "OMN", name: "Oman", region: "EMEA", aliases: &[] },
    Country { alpha2: "PK", alpha3: "PAK", name: "Pakistan", region: "ROW", aliases: &[] },
    Country { alpha2: "PW", alpha3: "PLW", name: "Palau", region: "ROW", aliases: &[] },
    Country {
        alpha2: "PS",
        alpha3: "PSE",
        name: "Palestine",
        region: "EMEA",
        aliases: &["Palestine, State of", "Palestinian Territories"],
    },
    Country { alpha2: "PA", alpha3: "PAN", name: "Panama", region: "AMER", aliases: &[] },
    Country { alpha2: "PG", alpha3: "PNG", name: "Papua New Guinea", region: "ROW", aliases: &[] },
    Country { alpha2: "PY", alpha3: "PRY", name: "Paraguay", region: "AMER", aliases: &[] },
    Country { alpha2: "PE", alpha3: "PER", name: "Peru", region: "AMER", aliases: &[] },
    Country { alpha2: "PH", alpha3: "PHL", name: "Philippines", region: "ROW", aliases: &[] },
    Country { alpha2: "PN", alpha3: "PCN", name: "Pitcairn", region: "ROW", aliases: &[] },
    Country { alpha2: "PL", alpha3: "POL", name: "Poland", region: "EMEA", aliases: &["Polska"] },
    Country { alpha2: "PT", alpha3: "PRT", name: "Portugal", region: "EMEA", aliases: &["Portugal"] },
    Country { alpha2: "PR", alpha3: "PRI", name: "Puerto Rico", region: "AMER", aliases: &[] },
    Country { alpha2: "QA", alpha3: "QAT", name: "Qatar", region: "EMEA", aliases: &[] },
    Country { alpha2: "RE", alpha3: "REU", name: "Réunion", region: "EMEA", aliases: &["Reunion"] },
    Country { alpha2: "RO", alpha3: "ROU", name: "Romania", region: "EMEA", aliases: &[] },
    Country { alpha2: "RU", alpha3: "RUS", name: "Russia", region: "EMEA", aliases: &["Russian Federation"] },
    Country { alpha2: "RW", alpha3: "RWA", name: "Rwanda", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "BL",
        alpha3: "BLM",
        name: "Saint Barthélemy",
        region: "AMER",
        aliases: &["Saint Barthelemy"],
    },
    Country {
        alpha2: "SH",
        alpha3: "SHN",
        name: "Saint Helena, Ascension and Tristan da Cunha",
        region: "EMEA",
        aliases: &[],
    },
    Country { alpha2: "KN", alpha3: "KNA", name: "Saint Kitts and Nevis", region: "AMER", aliases: &[] },
    Country { alpha2: "LC", alpha3: "LCA", name: "Saint Lucia", region: "AMER", aliases: &[] },
    Country {
        alpha2: "MF",
        alpha3: "MAF",
        name: "Saint Martin (French part)",
        region: "AMER",
        aliases: &["Saint Martin"],
    },
    Country { alpha2: "PM", alpha3: "SPM", name: "Saint Pierre and Miquelon", region: "AMER", aliases: &[] },
    Country {
        alpha2: "VC",
        alpha3: "VCT",
        name: "Saint Vincent and the Grenadines",
        region: "AMER",
        aliases: &[],
    },
    Country { alpha2: "WS", alpha3: "WSM", name: "Samoa", region: "ROW", aliases: &[] },
    Country { alpha2: "SM", alpha3: "SMR", name: "San Marino", region: "EMEA", aliases: &[] },
    Country { alpha2: "ST", alpha3: "STP", name: "Sao Tome and Principe", region: "EMEA", aliases: &[] },
    Country { alpha2: "SA", alpha3: "SAU", name: "Saudi Arabia", region: "EMEA", aliases: &["KSA"] },
    Country { alpha2: "SN", alpha3: "SEN", name: "Senegal", region: "EMEA", aliases: &[] },
    Country { alpha2: "RS", alpha3: "SRB", name: "Serbia", region: "EMEA", aliases: &[] },
    Country { alpha2: "SC", alpha3: "SYC", name: "Seychelles", region: "EMEA", aliases: &[] },
    Country { alpha2: "SL", alpha3: "SLE", name: "Sierra Leone", region: "EMEA", aliases: &[] },
    Country { alpha2: "SG", alpha3: "SGP", name: "Singapore", region: "ROW", aliases: &[] },
    Country {
        alpha2: "SX",
        alpha3: "SXM",
        name: "Sint Maarten (Dutch part)",
        region: "AMER",
        aliases: &["Sint Maarten"],
    },
    Country { alpha2: "SK", alpha3: "SVK", name: "Slovakia", region: "EMEA", aliases: &[] },
    Country { alpha2: "SI", alpha3: "SVN", name: "Slovenia", region: "EMEA", aliases: &[] },
    Country { alpha2: "SB", alpha3: "SLB", name: "Solomon Islands", region: "ROW", aliases: &[] },
    Country { alpha2: "SO", alpha3: "SOM", name: "Somalia", region: "EMEA", aliases: &[] },
    Country { alpha2: "ZA", alpha3: "ZAF", name: "South Africa", region: "EMEA", aliases: &["RSA"] },
    Country {
        alpha2: "GS",
        alpha3: "SGS",
        name: "South Georgia and the South Sandwich Islands",
        region: "AMER",
        aliases: &[],
    },
    Country { alpha2: "SS", alpha3: "SSD", name: "South Sudan", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "ES",
        alpha3: "ESP",
        name: "Spain",
        region: "EMEA",
        aliases: &["España", "Espana", "Spanien"],
    },
    Country { alpha2: "LK", alpha3: "LKA", name: "Sri Lanka", region: "ROW", aliases: &[] },
    Country { alpha2: "SD", alpha3: "SDN", name: "Sudan", region: "EMEA", aliases: &[] },
    Country { alpha2: "SR", alpha3: "SUR", name: "Suriname", region: "AMER", aliases: &[] },
    Country { alpha2: "SJ", alpha3: "SJM", name: "Svalbard and Jan Mayen", region: "EMEA", aliases: &[] },
    Country { alpha2: "SE", alpha3: "SWE", name: "Sweden", region: "EMEA", aliases: &["Sverige"] },
    Country {
        alpha2: "CH",
        alpha3: "CHE",
        name: "Switzerland",
        region: "EMEA",
        aliases: &["Schweiz", "Suisse", "Svizzera"],
    },
    Country {
        alpha2: "SY",
        alpha3: "SYR",
        name: "Syria",
        region: "EMEA",
        aliases: &["Syrian Arab Republic"],
    },
    Country {
        alpha2: "TW",
        alpha3: "TWN",
        name: "Taiwan",
        region: "ROW",
        aliases: &["Taiwan, Province of China", "Republic of China"],
    },
    Country { alpha2: "TJ", alpha3: "TJK", name: "Tajikistan", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "TZ",
        alpha3: "TZA",
        name: "Tanzania",
        region: "EMEA",
        aliases: &["Tanzania, United Republic of"],
    },
    Country { alpha2: "TH", alpha3: "THA", name: "Thailand", region: "ROW", aliases: &[] },
    Country { alpha2: "TL", alpha3: "TLS", name: "Timor-Leste", region: "ROW", aliases: &["East Timor"] },
    Country { alpha2: "TG", alpha3: "TGO", name: "Togo", region: "EMEA", aliases: &[] },
    Country { alpha2: "TK", alpha3: "TKL", name: "Tokelau", region: "ROW", aliases: &[] },
    Country { alpha2: "TO", alpha3: "TON", name: "Tonga", region: "ROW", aliases: &[] },
    Country { alpha2: "TT", alpha3: "TTO", name: "Trinidad and Tobago", region: "AMER", aliases: &[] },
    Country { alpha2: "TN", alpha3: "TUN", name: "Tunisia", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "TR", alpha3: "TUR", name: "Türkiye", region: "EMEA", aliases: &["Turkey", "Turkiye"]
    },
    Country { alpha2: "TM", alpha3: "TKM", name: "Turkmenistan", region: "EMEA", aliases: &[] },
    Country { alpha2: "TC", alpha3: "TCA", name: "Turks and Caicos Islands", region: "AMER", aliases: &[] },
    Country { alpha2: "TV", alpha3: "TUV", name: "Tuvalu", region: "ROW", aliases: &[] },
    Country { alpha2: "UG", alpha3: "UGA", name: "Uganda", region: "EMEA", aliases: &[] },
    Country { alpha2: "UA", alpha3: "UKR", name: "Ukraine", region: "EMEA", aliases: &[] },
    Country {
        alpha2: "AE",
        alpha3: "ARE",
        name: "United Arab Emirates",
        region: "EMEA",
        aliases: &["UAE", "U.A.E."],
    },
    Country {
        alpha2: "GB",
        alpha3: "GBR",
        name: "United Kingdom",
        region: "EMEA",
        aliases: &[
            "UK",
            "U.K.",
            "Great Britain",
            "Britain",
            "England",
            "Scotland",
            "Wales",
            "Northern Ireland",
            "United Kingdom of Great Britain and Northern Ireland",
        ],
    },
    Country {
        alpha2: "US",
        alpha3: "USA",
        name: "United States",
        region: "AMER",
        aliases: &["USA", "U.S.", "U.S.A.", "United States of America", "America", "Estados Unidos"],
    },
    Country {
        alpha2: "UM",
        alpha3: "UMI",
        name: "United States Minor Outlying Islands",
        region: "ROW",
        aliases: &[],
    },
    Country { alpha2: "UY", alpha3: "URY", name: "Uruguay", region: "AMER", aliases: &[] },
    Country { alpha2: "UZ", alpha3: "UZB", name: "Uzbekistan", region: "EMEA", aliases: &[] },
    Country { alpha2: "VU", alpha3: "VUT", name: "Vanuatu", region: "ROW", aliases: &[] },
    Country {
        alpha2: "VE",
        alpha3: "VEN",
        name: "Venezuela",
        region: "AMER",
        aliases: &["Venezuela, Bolivarian Republic of"],
    },
    Country { alpha2: "VN", alpha3: "VNM", name: "Vietnam", region: "ROW", aliases: &["Viet Nam"] },
    Country {
        alpha2: "VG",
        alpha3: "VGB",
        name: "Virgin Islands (British)",
        region: "AMER",
        aliases: &["British Virgin Islands"],
    },
    Country {
        alpha2: "VI",
        alpha3: "VIR",
        name: "Virgin Islands (U.S.)",
        region: "AMER",
        aliases: &["US Virgin Islands", "U.S. Virgin Islands"],
    },
    Country { alpha2: "WF", alpha3: "WLF", name: "Wallis and Futuna", region: "ROW", aliases: &[] },
    Country { alpha2: "EH", alpha3: "ESH", name: "Western Sahara", region: "EMEA", aliases: &[] },
    Country { alpha2: "YE", alpha3: "YEM", name: "Yemen", region: "EMEA", aliases: &[] },
    Country { alpha2: "ZM", alpha3: "ZMB", name: "Zambia", region: "EMEA", aliases: &[] },
    Country { alpha2: "ZW", alpha3: "ZWE", name: "Zimbabwe", region: "EMEA", aliases: &[] },
    Country { alpha2: "XK", alpha3: "XKX", name: "Kosovo", region: "EMEA", aliases: &[] },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crm_spellings_find_their_country() {
        for (raw, code) in [
            ("United States", "US"),
            ("USA", "US"),
            ("U.S.", "US"),
            ("united states of america", "US"),
            ("UK", "GB"),
            ("GBR", "GB"),
            ("Deutschland", "DE"),
            ("de", "DE"),
            ("Côte d'Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Korea, Republic of", "KR"),
        ] {
            assert_eq!(country(raw).map(|c| c.alpha2), Some(code), "{raw}");
        }
        assert_eq!(country("Atlantis"), None);
        assert_eq!(country(""), None);
    }

    #[test]
    fn placeholders_are_no_country_but_na_is_namibia() {
        for raw in ["NA", "na", " Na ", "NAM", "Namibia"] {
            assert_eq!(country(raw).map(|c| c.alpha2), Some("NA"), "{raw}");
        }
        for raw in ["N/A", "n/a", " #N/A ", "#n/a", "N.A.", "n.a", "N/a"] {
            assert!(is_placeholder(raw), "{raw}");
            assert_eq!(country(raw), None, "{raw}");
            assert_eq!(region_of_word(raw), None, "{raw}");
        }
        assert_eq!(region_of_word("NA"), Some("AMER"));
        assert!(!is_placeholder("U.S.") && !is_placeholder("NA"));
    }

    #[test]
    fn the_key_map_finds_what_a_scan_of_the_table_finds() {
        for c in COUNTRIES {
            for spelling in [c.alpha2, c.alpha3, c.name].iter().chain(c.aliases) {
                assert_eq!(country(spelling), Some(c), "{spelling}");
                assert_eq!(country(&spelling.to_lowercase()), Some(c), "{spelling}");
            }
        }
    }

    #[test]
    fn the_table_is_complete_and_unambiguous() {
        assert!(COUNTRIES.len() >= 249);
        let mut keys = std::collections::HashMap::new();
        for c in COUNTRIES {
            assert!(["AMER", "EMEA", "ROW"].contains(&c.region), "{}", c.name);
            for k in [c.alpha2, c.alpha3, c.name].iter().chain(c.aliases) {
                if let Some(other) = keys.insert(country_key(k), c.alpha2) {
                    assert_eq!(other, c.alpha2, "{k} names two countries");
                }
            }
        }
    }
}
