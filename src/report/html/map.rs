//! Maps of books: accounts as points coloured by owner, on US state outlines (an Albers USA projection with
//! Alaska and Hawaii as insets, as the US Census and d3 draw it) and, for accounts elsewhere, on a simple
//! world view (equirectangular). The outlines ship in `geo/` (see `tools/geo/build_outlines.py`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::format::{Unit, escape, num};
use super::svg::{Svg, c};

const US_STATES: &str = include_str!("geo/us_states.txt");
const WORLD_LAND: &str = include_str!("geo/world_land.txt");

/// Size of the US map: d3's 960 × 600 frame, less the empty band below the insets.
const US_SIZE: (f64, f64) = (960.0, 510.0);
/// Size of the world map (latitudes 75 to −50, where accounts are; one degree is the same on both axes).
const WORLD_SIZE: (f64, f64) = (960.0, 333.3);
/// Above this many points, points carry no hover text (it would double the page's size).
const TITLED_POINTS: usize = 5_000;

/// One account on a map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Whether the account is in the United States (drawn on the US map, else on the world map).
    pub in_us: bool,
    /// Index of the owner in the legend, `None` for unowned.
    pub owner: Option<usize>,
    /// Hover text.
    pub title: String,
}

/// The legend: owner names in colour order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Legend {
    /// `(colour index, label, accounts)` per owner; a rep keeps its colour index on every map of a report.
    pub owners: Vec<(usize, String, usize)>,
    /// Accounts without an owner.
    pub unowned: usize,
}

/// An Albers equal-area conic projection, scaled and translated to pixels (y down).
#[derive(Debug, Clone, Copy)]
struct Conic {
    n: f64,
    c: f64,
    rho0: f64,
    lon0: f64,
    scale: f64,
    tx: f64,
    ty: f64,
}

impl Conic {
    /// Standard parallels `p1`, `p2`; `center` is the (lon offset, lat) drawn at (`tx`, `ty`).
    fn new(lon0: f64, p1: f64, p2: f64, center: (f64, f64), scale: f64, t: (f64, f64)) -> Self {
        let (s1, s2) = (p1.to_radians().sin(), p2.to_radians().sin());
        let n = (s1 + s2) / 2.0;
        let c = p1.to_radians().cos().powi(2) + 2.0 * n * s1;
        let rho0 = (c - 2.0 * n * center.1.to_radians().sin()).sqrt() / n;
        let mut conic = Conic { n, c, rho0, lon0, scale, tx: 0.0, ty: 0.0 };
        let (cx, cy) = conic.raw(lon0 + center.0, center.1);
        conic.tx = t.0 - scale * cx;
        conic.ty = t.1 + scale * cy;
        conic
    }

    fn raw(&self, lon: f64, lat: f64) -> (f64, f64) {
        let rho = (self.c - 2.0 * self.n * lat.to_radians().sin()).max(0.0).sqrt() / self.n;
        let theta = self.n * (lon - self.lon0).to_radians();
        (rho * theta.sin(), self.rho0 - rho * theta.cos())
    }

    fn at(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.raw(lon, lat);
        (self.tx + self.scale * x, self.ty - self.scale * y)
    }
}

/// The three parts of the Albers USA composite, with d3's constants (`geoAlbersUsa`).
#[derive(Debug, Clone, Copy)]
pub struct AlbersUsa {
    lower48: Conic,
    alaska: Conic,
    hawaii: Conic,
}

impl Default for AlbersUsa {
    fn default() -> Self {
        let k = 1070.0;
        let (x, y) = (480.0, 250.0);
        AlbersUsa {
            lower48: Conic::new(-96.0, 29.5, 45.5, (-0.6, 38.7), k, (x, y)),
            alaska: Conic::new(-154.0, 55.0, 65.0, (-2.0, 58.5), 0.35 * k, (x - 0.307 * k, y + 0.201 * k)),
            hawaii: Conic::new(-157.0, 8.0, 18.0, (-3.0, 19.9), k, (x - 0.205 * k, y + 0.212 * k)),
        }
    }
}

impl AlbersUsa {
    /// Pixel position of a point in the United States (Alaska and Hawaii go to their insets).
    pub fn at(&self, lon: f64, lat: f64) -> (f64, f64) {
        if lat > 50.0 && !(-129.0..=170.0).contains(&lon) {
            self.alaska.at(if lon > 0.0 { lon - 360.0 } else { lon }, lat)
        } else if lat < 24.0 && lon < -150.0 {
            self.hawaii.at(lon, lat)
        } else {
            self.lower48.at(lon, lat)
        }
    }
}

/// Pixel position on the world map.
fn world_at(lon: f64, lat: f64) -> (f64, f64) {
    let (w, h) = WORLD_SIZE;
    ((lon + 180.0) / 360.0 * w, (75.0 - lat) / 125.0 * h)
}

/// The rings of an outline file: `(id, [(lon, lat)])`.
fn rings(data: &str) -> impl Iterator<Item = (&str, Vec<(f64, f64)>)> {
    data.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).filter_map(|line| {
        let (id, coords) = line.split_once('\t')?;
        let points = coords
            .split(' ')
            .filter_map(|p| {
                let (lon, lat) = p.split_once(',')?;
                Some((lon.parse::<f64>().ok()? / 100.0, lat.parse::<f64>().ok()? / 100.0))
            })
            .collect();
        Some((id, points))
    })
}

/// One SVG path per ring id, from projected rings.
fn outline_paths(data: &str, project: impl Fn(&str, f64, f64) -> Option<(f64, f64)>) -> String {
    let mut by_id: BTreeMap<&str, String> = BTreeMap::new();
    for (id, points) in rings(data) {
        let projected: Vec<String> = points
            .iter()
            .filter_map(|&(lon, lat)| project(id, lon, lat))
            .map(|(x, y)| format!("{},{}", c(x), c(y)))
            .collect();
        if projected.len() >= 3 {
            let d = by_id.entry(id).or_default();
            let _ = write!(d, "M{}Z", projected.join("L"));
        }
    }
    by_id
        .iter()
        .map(|(id, d)| format!(r#"<path d="{d}" class="land"><title>{}</title></path>"#, escape(id)))
        .collect()
}

/// The colour of owner `k`: hues spread by the golden angle, so neighbours in the legend differ.
pub fn owner_colour(k: usize) -> String {
    let hue = (k as f64 * 137.508) % 360.0;
    let light = [42, 55, 35][k % 3];
    format!("hsl({hue:.0},70%,{light}%)")
}

fn point_class(owner: Option<usize>) -> String {
    owner.map_or_else(|| "pt un".to_string(), |k| format!("pt o{k}"))
}

fn draw_points(svg: &mut Svg, points: &[&MapPoint], titled: bool, project: impl Fn(&MapPoint) -> (f64, f64)) {
    for p in points {
        let (x, y) = project(p);
        svg.circle(x, y, 2.2, &point_class(p.owner), titled.then_some(p.title.as_str()));
    }
}

/// The maps of one plan: the US map when any account is in the US, the world map when any is elsewhere,
/// and the legend. Accounts without a location are counted in a note, not drawn.
pub fn book_map(points: &[MapPoint], legend: &Legend, unlocated: usize, label: &str) -> String {
    let mut out = String::new();
    let titled = points.len() <= TITLED_POINTS;
    let style: String =
        legend.owners.iter().map(|(k, _, _)| format!(".o{k}{{fill:{}}}", owner_colour(*k))).collect();
    let _ = write!(out, "<style>{style}</style>");
    let us: Vec<&MapPoint> = points.iter().filter(|p| p.in_us).collect();
    let rest: Vec<&MapPoint> = points.iter().filter(|p| !p.in_us).collect();
    if !us.is_empty() {
        let albers = AlbersUsa::default();
        let mut svg = Svg::new(US_SIZE.0, US_SIZE.1, &format!("{label}: accounts in the United States"));
        svg.raw(&outline_paths(US_STATES, |id, lon, lat| (id != "PR").then(|| albers.at(lon, lat))));
        draw_points(&mut svg, &us, titled, |p| albers.at(p.lon, p.lat));
        let _ = write!(
            out,
            r#"<figure class="map">{}<figcaption>United States: {} accounts</figcaption></figure>"#,
            svg.finish(),
            num(us.len() as f64, Unit::Count)
        );
    }
    if !rest.is_empty() {
        let mut svg =
            Svg::new(WORLD_SIZE.0, WORLD_SIZE.1, &format!("{label}: accounts outside the United States"));
        svg.raw(&outline_paths(WORLD_LAND, |_, lon, lat| Some(world_at(lon, lat))));
        draw_points(&mut svg, &rest, titled, |p| world_at(p.lon, p.lat));
        let _ = write!(
            out,
            r#"<figure class="map">{}<figcaption>Outside the United States: {} accounts</figcaption></figure>"#,
            svg.finish(),
            num(rest.len() as f64, Unit::Count)
        );
    }
    out.push_str(r#"<ul class="legend">"#);
    for (k, name, n) in &legend.owners {
        let _ = write!(
            out,
            r#"<li><span class="swatch" style="background:{}"></span>{} <span class="muted">{}</span></li>"#,
            owner_colour(*k),
            escape(name),
            num(*n as f64, Unit::Count)
        );
    }
    if legend.unowned > 0 {
        let _ = write!(
            out,
            r#"<li><span class="swatch unowned"></span>unowned <span class="muted">{}</span></li>"#,
            num(legend.unowned as f64, Unit::Count)
        );
    }
    out.push_str("</ul>");
    if unlocated > 0 {
        let _ = write!(
            out,
            r#"<p class="note">{} accounts have no location and are not drawn.</p>"#,
            num(unlocated as f64, Unit::Count)
        );
    }
    if !titled {
        let _ = write!(
            out,
            r#"<p class="note">With more than {} accounts, points carry no hover text; the legend names the owners.</p>"#,
            num(TITLED_POINTS as f64, Unit::Count)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albers_usa_puts_known_places_where_d3_does() {
        // What d3-geo 3's geoAlbersUsa() (scale 1070, translate [480, 250]) gives for these places.
        let p = AlbersUsa::default();
        let places = [
            ((-94.58, 39.10), (509.04, 242.33)), // Kansas City
            ((-74.0, 40.7), (794.73, 176.75)),   // New York
            ((-122.4, 37.8), (107.83, 213.77)),  // San Francisco
            ((-149.9, 61.2), (171.17, 447.06)),  // Anchorage, in the inset
            ((-157.86, 21.3), (298.45, 451.12)), // Honolulu, in the inset
        ];
        for ((lon, lat), (ex, ey)) in places {
            let (x, y) = p.at(lon, lat);
            assert!(
                (x - ex).abs() < 1.0 && (y - ey).abs() < 1.0,
                "({lon}, {lat}) -> ({x}, {y}), d3 ({ex}, {ey})"
            );
        }
    }

    #[test]
    fn the_shipped_outlines_cover_every_state_and_fit_the_map() {
        let ids: std::collections::BTreeSet<&str> = rings(US_STATES).map(|(id, _)| id).collect();
        assert_eq!(ids.len(), 52, "50 states, DC and Puerto Rico: {ids:?}");
        let p = AlbersUsa::default();
        for (id, points) in rings(US_STATES).filter(|(id, _)| *id != "PR") {
            for (lon, lat) in points {
                let (x, y) = p.at(lon, lat);
                assert!((0.0..=US_SIZE.0).contains(&x) && (0.0..=US_SIZE.1).contains(&y), "{id} {lon} {lat}");
            }
        }
        assert!(rings(WORLD_LAND).count() > 20);
    }

    #[test]
    fn points_are_coloured_by_owner_and_titles_escaped() {
        let points = [
            MapPoint { lat: 40.7, lon: -74.0, in_us: true, owner: Some(1), title: "<b>Acme</b>".into() },
            MapPoint { lat: 19.1, lon: 72.8, in_us: false, owner: None, title: "Delta".into() },
        ];
        let legend = Legend { owners: vec![(0, "R1 Ana".into(), 0), (1, "R2 <i>".into(), 1)], unowned: 1 };
        let html = book_map(&points, &legend, 3, "plan");
        assert!(html.contains(r#"class="pt o1"><title>&lt;b&gt;Acme&lt;/b&gt;</title>"#), "{html}");
        assert!(html.contains(r#"class="pt un"><title>Delta</title>"#));
        assert!(html.contains("R2 &lt;i&gt;") && !html.contains("<i>"));
        assert!(html.contains("3 accounts have no location"));
        assert_eq!(html.matches("<svg").count(), 2);
    }
}
