//! Maps of books: accounts as points coloured by owner, on US state outlines (an Albers USA projection with
//! Alaska and Hawaii as insets, as the US Census and d3 draw it) and, for accounts elsewhere, on a simple
//! world view (equirectangular); and territories made of US counties as county fills, each county in the
//! colour of the owner who holds most of its accounts' potential. The outlines ship in `geo/` (see
//! `tools/geo/build_outlines.py`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::format::{Unit, escape, num};
use super::svg::{Svg, c};

const US_STATES: &str = include_str!("geo/us_states.txt");
const WORLD_LAND: &str = include_str!("geo/world_land.txt");
/// Every US county; a map draws only those it fills.
const US_COUNTIES: &str = include_str!("geo/us_counties.txt");

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
    ring_paths(data, &project)
        .iter()
        .map(|(id, d)| format!(r#"<path d="{d}" class="land"><title>{}</title></path>"#, escape(id)))
        .collect()
}

/// The path data of each ring id, from projected rings; `project` returns `None` for a point (or an id) not
/// drawn.
fn ring_paths<'a>(
    data: &'a str,
    project: &impl Fn(&str, f64, f64) -> Option<(f64, f64)>,
) -> BTreeMap<&'a str, String> {
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
}

/// Below this distance in pixels, a ring's next point is dropped from a compact path.
const COMPACT_STEP: f64 = 0.8;

/// As [`ring_paths`], in fewer bytes: points closer than [`COMPACT_STEP`] to the last one kept are dropped and
/// the path moves relatively (`M616.5,395.6l.9-5-1-4.1`), in tenths of a pixel as the absolute paths are.
fn compact_ring_paths<'a>(
    data: &'a str,
    project: &impl Fn(&str, f64, f64) -> Option<(f64, f64)>,
) -> BTreeMap<&'a str, String> {
    let tenths = |v: i64| {
        let (sign, v) = if v < 0 { ("-", -v) } else { ("", v) };
        match (v / 10, v % 10) {
            (0, 0) => "0".to_string(),
            (0, f) => format!("{sign}.{f}"),
            (i, 0) => format!("{sign}{i}"),
            (i, f) => format!("{sign}{i}.{f}"),
        }
    };
    let mut by_id: BTreeMap<&str, String> = BTreeMap::new();
    for (id, points) in rings(data) {
        let projected: Vec<(f64, f64)> =
            points.iter().filter_map(|&(lon, lat)| project(id, lon, lat)).collect();
        let mut kept: Vec<(f64, f64)> = Vec::new();
        for &(x, y) in &projected {
            if kept.last().is_none_or(|&(px, py)| (x - px).hypot(y - py) >= COMPACT_STEP) {
                kept.push((x, y));
            }
        }
        if kept.len() < 3 {
            // A ring smaller than the step (Falls Church) keeps all its points, so that it is still drawn.
            kept = projected;
        }
        if kept.len() < 3 {
            continue;
        }
        let grid: Vec<(i64, i64)> =
            kept.iter().map(|&(x, y)| ((x * 10.0).round() as i64, (y * 10.0).round() as i64)).collect();
        let d = by_id.entry(id).or_default();
        let _ = write!(d, "M{},{}l", tenths(grid[0].0), tenths(grid[0].1));
        for (k, w) in grid.windows(2).enumerate() {
            for (n, v) in [w[1].0 - w[0].0, w[1].1 - w[0].1].into_iter().enumerate() {
                // A minus sign separates numbers itself.
                if (k > 0 || n > 0) && v >= 0 {
                    d.push(',');
                }
                d.push_str(&tenths(v));
            }
        }
        d.push('Z');
    }
    by_id
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
    legend_list(&mut out, legend);
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

/// The legend list: a swatch, the owner and its count per owner, then the unowned.
fn legend_list(out: &mut String, legend: &Legend) {
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
}

/// One county of a territory map: the owner who holds most of its accounts' potential.
#[derive(Debug, Clone, PartialEq)]
pub struct CountyFill {
    /// 5-digit FIPS code.
    pub fips: String,
    /// Index of the owner in the legend (`None`: the unowned hold most).
    pub owner: Option<usize>,
    /// Accounts in the county.
    pub accounts: usize,
    /// Their potential.
    pub potential: f64,
    /// Share of that potential the owner holds.
    pub share: f64,
}

/// The fills of the counties that hold accounts, from `(county FIPS, owner, potential)` per account, in
/// FIPS order. A county goes to the owner with most potential there; a tie goes to the owner first in the
/// legend, and the unowned win only a tie among themselves (a county of accounts of no potential goes to the
/// owner of most of them).
pub fn county_fills<'a>(
    accounts: impl IntoIterator<Item = (&'a str, Option<usize>, f64)>,
) -> Vec<CountyFill> {
    // Per county, per owner: (potential, accounts).
    let mut by_county: BTreeMap<&str, BTreeMap<Option<usize>, (f64, usize)>> = BTreeMap::new();
    for (fips, owner, potential) in accounts {
        let e = by_county.entry(fips).or_default().entry(owner).or_default();
        e.0 += potential.max(0.0);
        e.1 += 1;
    }
    by_county
        .into_iter()
        .map(|(fips, owners)| {
            let (potential, accounts) = owners.values().fold((0.0, 0), |(p, n), &(q, m)| (p + q, n + m));
            // Owned first (in legend order), then the unowned; the first with the largest share wins.
            let order =
                owners.iter().filter(|(o, _)| o.is_some()).chain(owners.iter().filter(|(o, _)| o.is_none()));
            let mut best: Option<(Option<usize>, (f64, usize))> = None;
            for (&owner, &held) in order {
                if best.is_none_or(|(_, b)| held.0 > b.0 || (held.0 == b.0 && held.1 > b.1)) {
                    best = Some((owner, held));
                }
            }
            let (owner, (held, _)) = best.unwrap_or((None, (0.0, 0)));
            CountyFill {
                fips: fips.to_string(),
                owner,
                accounts,
                potential,
                share: if potential > 0.0 { held / potential } else { 1.0 },
            }
        })
        .collect()
}

/// A territory map of county units: each county in `fills` in its owner's colour (hover text from
/// `title`), on the state outlines with the state borders drawn over the fills, and the legend (counties
/// held per owner). Only the counties in `fills` are written; `unplaced` accounts (no county, or one the
/// outlines do not hold) are counted in a note.
pub fn county_map(
    fills: &[CountyFill],
    legend: &Legend,
    unplaced: usize,
    label: &str,
    title: impl Fn(&CountyFill) -> String,
) -> String {
    let mut out = String::new();
    let style: String =
        legend.owners.iter().map(|(k, _, _)| format!(".o{k}{{fill:{}}}", owner_colour(*k))).collect();
    let _ = write!(out, "<style>{style}</style>");
    let albers = AlbersUsa::default();
    let by_fips: BTreeMap<&str, &CountyFill> = fills.iter().map(|f| (f.fips.as_str(), f)).collect();
    let counties = compact_ring_paths(US_COUNTIES, &|id, lon, lat| {
        (by_fips.contains_key(id) && !id.starts_with("72")).then(|| albers.at(lon, lat))
    });
    // The states once, drawn twice: as land under the counties and as borders over them.
    let states: String =
        compact_ring_paths(US_STATES, &|id, lon, lat| (id != "PR").then(|| albers.at(lon, lat)))
            .into_values()
            .collect();
    let states_id: String = format!("states-{label}")
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() || ch == '-' { ch } else { '-' })
        .collect();
    let mut svg = Svg::new(US_SIZE.0, US_SIZE.1, &format!("{label}: territories by county"));
    svg.raw(&format!(
        r##"<defs><path id="{states_id}" d="{states}"/></defs><use href="#{states_id}" class="land"/>"##
    ));
    for (fips, d) in &counties {
        let fill = by_fips[fips];
        let class = fill.owner.map_or_else(|| "cf un".to_string(), |k| format!("cf o{k}"));
        svg.raw(&format!(r#"<path d="{d}" class="{class}"><title>{}</title></path>"#, escape(&title(fill))));
    }
    svg.raw(&format!(r##"<use href="#{states_id}" class="border"/>"##));
    let _ = write!(
        out,
        r#"<figure class="map">{}<figcaption>United States: {} counties with accounts, each in the colour of the owner who holds most of its accounts' potential</figcaption></figure>"#,
        svg.finish(),
        num(counties.len() as f64, Unit::Count)
    );
    legend_list(&mut out, legend);
    let missing = fills.len() - counties.len();
    if unplaced > 0 || missing > 0 {
        let _ = write!(
            out,
            r#"<p class="note">{} accounts are outside the United States or have no county, and are not drawn{}.</p>"#,
            num(unplaced as f64, Unit::Count),
            if missing > 0 {
                format!("; {} counties of accounts are not on the map", num(missing as f64, Unit::Count))
            } else {
                String::new()
            }
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

    #[test]
    fn a_county_takes_the_owner_with_most_potential_and_only_counties_with_accounts_are_drawn() {
        // Owner 0 has two accounts in Autauga (01001), owner 1 one account of more potential than both.
        let accounts = [
            ("01001", Some(0), 10.0),
            ("01001", Some(1), 30.0),
            ("01001", Some(0), 15.0),
            ("06037", Some(2), 5.0),
            ("06037", None, 4.0),
            ("48201", None, 7.0),
        ];
        let fills = county_fills(accounts);
        let fips: Vec<&str> = fills.iter().map(|f| f.fips.as_str()).collect();
        assert_eq!(fips, ["01001", "06037", "48201"]);
        assert_eq!((fills[0].owner, fills[0].accounts, fills[0].potential), (Some(1), 3, 55.0));
        assert!((fills[0].share - 30.0 / 55.0).abs() < 1e-12);
        assert_eq!(fills[1].owner, Some(2));
        assert_eq!(fills[2].owner, None);
        // A tie goes to the owner first in the legend.
        assert_eq!(county_fills([("01001", Some(3), 5.0), ("01001", Some(1), 5.0)])[0].owner, Some(1));

        let legend = Legend { owners: vec![(1, "R2 <i>".into(), 1), (2, "R3".into(), 1)], unowned: 1 };
        let html = county_map(&fills, &legend, 2, "plan", |f| format!("county {} <b>", f.fips));
        assert_eq!(html.matches(r#"class="cf "#).count(), 3, "one path per county with accounts");
        assert!(html.contains(r#"class="cf o1"><title>county 01001 &lt;b&gt;</title>"#), "{html}");
        assert!(html.contains(r#"class="cf o2"><title>county 06037"#));
        assert!(html.contains(r#"class="cf un"><title>county 48201"#));
        assert!(html.contains(".o1{fill:hsl(138,70%,55%)}") && owner_colour(1) == "hsl(138,70%,55%)");
        // No other county is written: Autauga's neighbour Elmore (01051) holds no account.
        assert!(!html.contains("01051") && !html.contains("<i>"));
        assert!(html.contains("2 accounts are outside the United States or have no county"));
        assert_eq!(html.matches("<svg").count(), 1);
    }

    #[test]
    fn a_compact_path_moves_relatively_and_drops_points_closer_than_a_step() {
        let data = "A\t0,0 1000,0 1000,1 1000,1000\n";
        let paths = compact_ring_paths(data, &|_, lon, lat| Some((lon * 10.0 + 0.25, lat * 5.0)));
        // (0.25, 0) (100.25, 0) [(100.25, 0.05) is dropped] (100.25, 50).
        assert_eq!(paths["A"], "M.3,0l100,0,0,50Z");
        let paths = compact_ring_paths(data, &|_, lon, lat| Some((50.0 - lon * 10.0, 20.0 - lat * 5.0)));
        assert_eq!(paths["A"], "M50,20l-100,0,0-50Z");
        // A ring smaller than the step keeps its points.
        let paths = compact_ring_paths("B\t0,0 1,0 1,1\n", &|_, lon, lat| Some((lon * 20.0, lat * 20.0)));
        assert_eq!(paths["B"], "M0,0l.2,0,0,.2Z");
    }

    #[test]
    fn the_shipped_counties_cover_northstar_and_fit_the_map() {
        let ids: std::collections::BTreeSet<&str> = rings(US_COUNTIES).map(|(id, _)| id).collect();
        assert!(ids.len() > 3_100, "{}", ids.len());
        // Every county of Northstar's accounts (us-atlas 3.0.1 predates Alaska's 2019 split of Valdez-Cordova,
        // which no account is in).
        let accounts = include_str!("../../../scenarios/northstar/data/accounts.csv");
        let mut reader = csv::Reader::from_reader(accounts.as_bytes());
        let column = reader.headers().unwrap().iter().position(|h| h == "county_fips").unwrap();
        for record in reader.records() {
            let record = record.unwrap();
            let fips = &record[column];
            assert!(fips.is_empty() || ids.contains(fips), "{fips}");
        }
        let p = AlbersUsa::default();
        for (id, points) in rings(US_COUNTIES).filter(|(id, _)| !id.starts_with("72")) {
            for (lon, lat) in points {
                let (x, y) = p.at(lon, lat);
                assert!((0.0..=US_SIZE.0).contains(&x) && (0.0..=US_SIZE.1).contains(&y), "{id} {lon} {lat}");
            }
        }
    }
}
