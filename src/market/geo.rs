use std::fmt;

/// A point on the earth, in degrees. Latitude is in [-90, 90] and longitude in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

impl GeoPoint {
    /// Validates a coordinate pair; `None` when either is out of range or not finite.
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        let ok = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon);
        ok.then_some(GeoPoint { lat, lon })
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let dphi = phi2 - phi1;
        let dlambda = (other.lon - self.lon).to_radians();
        let h = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

/// A sales region such as `AMER`, `EMEA` or `ROW`: the top of the usual geographic hierarchy.
///
/// Regions are upper-cased labels so that `amer` and `AMER` are the same region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Region(String);

impl Region {
    /// A region from its label; `None` when the label is empty.
    pub fn new(label: &str) -> Option<Self> {
        let label = label.trim();
        (!label.is_empty()).then(|| Region(label.to_uppercase()))
    }

    /// The default region of a country, by ISO 3166 code, English name or a common CRM spelling (see
    /// [`super::country`]): the Americas are `AMER`; Europe, the Middle East and Africa are `EMEA`; Asia-Pacific
    /// is `ROW`. `None` when the country is not known.
    pub fn of_country(country: &str) -> Option<Self> {
        super::country::country(country).map(|c| Region(c.region.to_string()))
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Region::new(&raw).ok_or_else(|| serde::de::Error::custom("the region is empty"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_a_known_distance() {
        // New York to Los Angeles is about 3,936 km along the great circle.
        let nyc = GeoPoint::new(40.7128, -74.0060).unwrap();
        let la = GeoPoint::new(34.0522, -118.2437).unwrap();
        assert!((nyc.distance_km(la) - 3936.0).abs() < 10.0);
    }

    #[test]
    fn countries_map_to_regions() {
        assert_eq!(Region::of_country("United States").unwrap().as_str(), "AMER");
        assert_eq!(Region::of_country("DE").unwrap().as_str(), "EMEA");
        assert_eq!(Region::of_country("Japan").unwrap().as_str(), "ROW");
        assert_eq!(Region::of_country("U.S.").unwrap().as_str(), "AMER");
        assert_eq!(Region::of_country("Mexico").unwrap().as_str(), "AMER");
        assert_eq!(Region::of_country("Deutschland").unwrap().as_str(), "EMEA");
        assert!(Region::of_country("Atlantis").is_none());
    }
}
