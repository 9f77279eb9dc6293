//! The report's charts, each a pure function from rows to an SVG string. Geometry is fixed (width, row
//! height, margins), so a chart of known rows has known coordinates, which the tests check.

use super::format::{Unit, num};
use super::svg::{Scale, Svg, c, ticks};

/// Width of every chart.
pub const WIDTH: f64 = 760.0;
/// Left margin of the row charts, for their labels.
pub const LABEL_WIDTH: f64 = 190.0;
/// Height of one row of a row chart.
pub const ROW: f64 = 18.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 30.0;

/// One row of a range chart: an interval with a middle mark.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRow {
    /// Row label (a rep, a shock, a candidate).
    pub label: String,
    /// Low end (P10, or the interval's lower end).
    pub low: f64,
    /// Middle mark (P50, or the mean difference).
    pub mid: f64,
    /// High end.
    pub high: f64,
    /// Hover text.
    pub title: String,
    /// Its colour.
    pub tone: Tone,
}

/// What a range says: nothing in particular, something worse (below quota, an interval wholly on the bad
/// side of zero) or better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The plain colour.
    Neutral,
    /// The warning colour.
    Worse,
    /// The good colour.
    Better,
}

/// The class of a range or bar in `tone`.
fn range_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Neutral => "range",
        Tone::Worse => "range flagged",
        Tone::Better => "range better",
    }
}

/// At most this many characters of a row label are drawn (the whole label is in the hover text).
const LABEL_CHARS: usize = 30;

/// `label` cut to what fits left of a row chart. A path (a compared plan file, a segment) keeps its end,
/// which tells it from its neighbours (`…/vertical/plan.csv`); a name keeps its start.
fn fit(label: &str) -> String {
    let n = label.chars().count();
    if n <= LABEL_CHARS {
        return label.to_string();
    }
    if label.contains('/') || label.contains('\\') {
        let tail: String = label.chars().skip(n - (LABEL_CHARS - 1)).collect();
        return format!("…{}", tail.trim_start());
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A reference line's label, kept inside the chart near its edges.
fn reference_label(svg: &mut Svg, x: f64, y: f64, text: &str) {
    let anchor = if x > WIDTH - RIGHT - 40.0 {
        "end"
    } else if x < LABEL_WIDTH + 40.0 {
        "start"
    } else {
        "middle"
    };
    svg.text(x, y, anchor, "reference-label", text);
}

/// A vertical reference line of a range chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// Where.
    pub value: f64,
    /// Its label.
    pub label: String,
}

/// Horizontal ranges, one row each, on a shared axis with a reference line (quota, no change).
pub fn range_chart(rows: &[RangeRow], reference: &Reference, unit: Unit, label: &str) -> String {
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let mut svg = Svg::new(WIDTH, height, label);
    let lo = rows.iter().map(|r| r.low).fold(reference.value, f64::min);
    let hi = rows.iter().map(|r| r.high).fold(reference.value, f64::max);
    let t = ticks(lo, hi, 6);
    let x = Scale::new(t[0], t[t.len() - 1], LABEL_WIDTH, WIDTH - RIGHT);
    let bottom = height - BOTTOM;
    svg.x_axis(&x, &t, bottom, TOP, |v| num(v, unit));
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let mid_y = y + ROW / 2.0;
        svg.text(LABEL_WIDTH - 8.0, mid_y + 4.0, "end", "label", &fit(&r.label));
        let class = range_class(r.tone);
        svg.rect(x.at(r.low), y + 4.0, x.at(r.high) - x.at(r.low), ROW - 8.0, class, Some(&r.title));
        svg.line(x.at(r.mid), y + 2.0, x.at(r.mid), y + ROW - 2.0, "mid", Some(&r.title));
    }
    let rx = x.at(reference.value);
    svg.line(rx, TOP - 6.0, rx, bottom, "reference", None);
    reference_label(&mut svg, rx, TOP - 10.0, &reference.label);
    svg.finish()
}

/// Bars from zero to each row's `mid`, sorted as given (gains above, losses below), with the interval from
/// `low` to `high` drawn as a whisker: who wins and who loses, and how sure that is.
pub fn diverging_chart(rows: &[RangeRow], unit: Unit, label: &str) -> String {
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let mut svg = Svg::new(WIDTH, height, label);
    let lo = rows.iter().map(|r| r.low.min(r.mid)).fold(0.0, f64::min);
    let hi = rows.iter().map(|r| r.high.max(r.mid)).fold(0.0, f64::max);
    let t = ticks(lo, hi, 6);
    let x = Scale::new(t[0], t[t.len() - 1], LABEL_WIDTH, WIDTH - RIGHT);
    let bottom = height - BOTTOM;
    svg.x_axis(&x, &t, bottom, TOP, |v| num(v, unit));
    let zero = x.at(0.0);
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let mid_y = y + ROW / 2.0;
        svg.text(LABEL_WIDTH - 8.0, mid_y + 4.0, "end", "label", &fit(&r.label));
        let class = range_class(r.tone);
        let (left, right) = (zero.min(x.at(r.mid)), zero.max(x.at(r.mid)));
        svg.rect(left, y + 3.0, right - left, ROW - 6.0, class, Some(&r.title));
        svg.line(x.at(r.low), mid_y, x.at(r.high), mid_y, "mid whisker", Some(&r.title));
        for end in [r.low, r.high] {
            svg.line(x.at(end), mid_y - 4.0, x.at(end), mid_y + 4.0, "mid whisker", None);
        }
    }
    svg.line(zero, TOP - 6.0, zero, bottom, "reference", None);
    reference_label(&mut svg, zero, TOP - 10.0, "no change");
    svg.finish()
}

/// A marker on the month axis: a hire, a departure, a backfill.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthMarker {
    /// Month, 1-based.
    pub month: u32,
    /// Short label (`hire R41`).
    pub label: String,
    /// `hire`, `departure` or `backfill`: the marker's class.
    pub kind: &'static str,
}

/// One month of a fan chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FanMonth {
    /// Month, 1-based.
    pub month: usize,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Monthly values as a fan: the P10–P90 band, the P50 line, a dashed plan line and event markers.
pub fn fan_chart(months: &[FanMonth], plan: Option<f64>, markers: &[MonthMarker], label: &str) -> String {
    let height = 300.0;
    let (left, bottom) = (70.0, height - BOTTOM - 14.0);
    let top = TOP + 14.0;
    let mut svg = Svg::new(WIDTH, height, label);
    let n = months.len().max(1);
    let hi = months.iter().map(|m| m.p90).fold(plan.unwrap_or(0.0), f64::max);
    let t = ticks(0.0, hi, 5);
    let y = Scale::new(t[0], t[t.len() - 1], bottom, top);
    let x = Scale::new(0.5, n as f64 + 0.5, left, WIDTH - RIGHT);
    svg.y_axis(&y, &t, left, WIDTH - RIGHT, |v| num(v, Unit::Money));
    let (d0, d1) = x.domain();
    svg.line(x.at(d0), bottom, x.at(d1), bottom, "axis", None);
    for m in months {
        svg.text(x.at(m.month as f64), bottom + 14.0, "middle", "tick", &format!("M{}", m.month));
    }
    if !months.is_empty() {
        let upper: Vec<String> =
            months.iter().map(|m| format!("{},{}", c(x.at(m.month as f64)), c(y.at(m.p90)))).collect();
        let lower: Vec<String> =
            months.iter().rev().map(|m| format!("{},{}", c(x.at(m.month as f64)), c(y.at(m.p10)))).collect();
        svg.path(&format!("M{}L{}Z", upper.join("L"), lower.join("L")), "band", None);
        let median: Vec<String> =
            months.iter().map(|m| format!("{},{}", c(x.at(m.month as f64)), c(y.at(m.p50)))).collect();
        svg.path(&format!("M{}", median.join("L")), "median", None);
        for m in months {
            let title = format!(
                "month {}: P10 {}, P50 {}, P90 {}",
                m.month,
                num(m.p10, Unit::Money),
                num(m.p50, Unit::Money),
                num(m.p90, Unit::Money)
            );
            svg.circle(x.at(m.month as f64), y.at(m.p50), 3.0, "median-dot", Some(&title));
        }
    }
    if let Some(p) = plan {
        svg.line(
            x.at(d0),
            y.at(p),
            x.at(d1),
            y.at(p),
            "plan",
            Some(&format!("plan per month: {}", num(p, Unit::Money))),
        );
        svg.text(WIDTH - RIGHT, y.at(p) - 5.0, "end", "plan-label", "plan per month");
    }
    for (k, m) in markers.iter().enumerate() {
        let mx = x.at(f64::from(m.month));
        svg.line(mx, top - 4.0, mx, bottom, &format!("marker {}", m.kind), Some(&m.label));
        // Labels of markers in the same or near months stack instead of overprinting.
        let row = markers[..k].iter().filter(|o| o.month.abs_diff(m.month) <= 1).count();
        svg.text(
            mx + 3.0,
            top - 16.0 + 11.0 * row as f64,
            "start",
            &format!("marker-label {}", m.kind),
            &m.label,
        );
    }
    svg.finish()
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Row label.
    pub label: String,
    /// Length.
    pub value: f64,
    /// Hover text.
    pub title: String,
    /// Drawn in the warning colour.
    pub flag: bool,
}

/// Horizontal bars from zero with a threshold line (the 3x pipeline coverage flag).
pub fn bar_chart(bars: &[Bar], threshold: &Reference, unit: Unit, label: &str) -> String {
    let height = TOP + ROW * bars.len() as f64 + BOTTOM;
    let mut svg = Svg::new(WIDTH, height, label);
    let hi = bars.iter().map(|b| b.value).fold(threshold.value, f64::max);
    let t = ticks(0.0, hi, 6);
    let x = Scale::new(t[0], t[t.len() - 1], LABEL_WIDTH, WIDTH - RIGHT);
    let bottom = height - BOTTOM;
    svg.x_axis(&x, &t, bottom, TOP, |v| num(v, unit));
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        svg.text(LABEL_WIDTH - 8.0, y + ROW / 2.0 + 4.0, "end", "label", &fit(&b.label));
        let class = if b.flag { "bar flagged" } else { "bar" };
        svg.rect(x.at(0.0), y + 3.0, x.at(b.value) - x.at(0.0), ROW - 6.0, class, Some(&b.title));
        svg.text(x.at(b.value) + 4.0, y + ROW / 2.0 + 4.0, "start", "value", &num(b.value, unit));
    }
    let tx = x.at(threshold.value);
    svg.line(tx, TOP - 6.0, tx, bottom, "reference", None);
    reference_label(&mut svg, tx, TOP - 10.0, &threshold.label);
    svg.finish()
}

/// A point of a scatter chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Label drawn beside it.
    pub label: String,
    /// Horizontal value.
    pub x: f64,
    /// Vertical value.
    pub y: f64,
    /// Radius in pixels.
    pub radius: f64,
    /// Class: `front`, `dominated` or `reference`.
    pub class: &'static str,
    /// Hover text.
    pub title: String,
}

/// Points on two axes with labels (the Pareto scatter).
pub fn scatter(
    points: &[Point],
    x_unit: Unit,
    y_unit: Unit,
    axis_labels: (&str, &str),
    label: &str,
) -> String {
    let height = 380.0;
    let (left, bottom, top, right) = (80.0, height - BOTTOM - 16.0, TOP, WIDTH - 120.0);
    let mut svg = Svg::new(WIDTH, height, label);
    let pad = |lo: f64, hi: f64| {
        let p = ((hi - lo).abs() * 0.08).max(1e-6);
        (lo - p, hi + p)
    };
    let (x0, x1) = pad(
        points.iter().map(|p| p.x).fold(f64::INFINITY, f64::min),
        points.iter().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = pad(
        points.iter().map(|p| p.y).fold(f64::INFINITY, f64::min),
        points.iter().map(|p| p.y).fold(f64::NEG_INFINITY, f64::max),
    );
    let (x0, x1, y0, y1) = if points.is_empty() { (0.0, 1.0, 0.0, 1.0) } else { (x0, x1, y0, y1) };
    let tx = ticks(x0, x1, 6);
    let ty = ticks(y0, y1, 5);
    let x = Scale::new(tx[0], tx[tx.len() - 1], left, right);
    let y = Scale::new(ty[0], ty[ty.len() - 1], bottom, top);
    svg.x_axis(&x, &tx, bottom, top, |v| num(v, x_unit));
    svg.y_axis(&y, &ty, left, right, |v| num(v, y_unit));
    svg.text((left + right) / 2.0, height - 8.0, "middle", "axis-label", axis_labels.0);
    svg.text(left, top - 10.0, "start", "axis-label", axis_labels.1);
    // Largest first, so that a small circle is never hidden under a large one.
    let mut order: Vec<&Point> = points.iter().collect();
    order.sort_by(|a, b| b.radius.total_cmp(&a.radius));
    for p in &order {
        svg.circle(x.at(p.x), y.at(p.y), p.radius, &format!("point {}", p.class), Some(&p.title));
    }
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for p in points {
        let (lx, mut ly) = (x.at(p.x) + p.radius + 4.0, y.at(p.y) + 4.0);
        let width = 6.5 * p.label.chars().count() as f64;
        // A label that would overprint one already placed moves down a line at a time.
        while placed.iter().any(|&(ox, oy, ow)| (ly - oy).abs() < 12.0 && lx < ox + ow && ox < lx + width) {
            ly += 12.0;
        }
        placed.push((lx, ly, width));
        svg.text(lx, ly, "start", "label", &p.label);
    }
    svg.finish()
}

/// A histogram of shares over equal bins of [0, 1], with a dashed line at `flat` (the calibrated height).
pub fn histogram(bins: &[f64], flat: f64, label: &str) -> String {
    let height = 260.0;
    let (left, bottom, top) = (60.0, height - BOTTOM - 10.0, TOP);
    let mut svg = Svg::new(WIDTH, height, label);
    let hi = bins.iter().copied().fold(flat, f64::max);
    let t = ticks(0.0, hi, 4);
    let y = Scale::new(t[0], t[t.len() - 1], bottom, top);
    let x = Scale::new(0.0, 1.0, left, WIDTH - RIGHT);
    svg.y_axis(&y, &t, left, WIDTH - RIGHT, |v| num(v, Unit::Share));
    let xt: Vec<f64> = (0..=10).map(|k| f64::from(k) / 10.0).collect();
    svg.x_axis(&x, &xt, bottom, bottom, |v| format!("{v:.1}"));
    let n = bins.len().max(1) as f64;
    for (k, &b) in bins.iter().enumerate() {
        let (a, z) = (k as f64 / n, (k + 1) as f64 / n);
        let title = format!("PIT {a:.1}–{z:.1}: {} of checks", num(b, Unit::Share));
        svg.rect(x.at(a) + 1.0, y.at(b), x.at(z) - x.at(a) - 2.0, bottom - y.at(b), "bar", Some(&title));
    }
    svg.line(x.at(0.0), y.at(flat), x.at(1.0), y.at(flat), "reference", None);
    svg.text(WIDTH - RIGHT, y.at(flat) - 5.0, "end", "reference-label", "calibrated (flat)");
    svg.text((left + WIDTH - RIGHT) / 2.0, height - 6.0, "middle", "axis-label", "PIT of the actual");
    svg.finish()
}

/// One row of a prediction chart: the predicted percentiles and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Row label.
    pub label: String,
    /// Predicted P10, P25, P50, P75, P90.
    pub percentiles: [f64; 5],
    /// What happened.
    pub actual: f64,
    /// Hover text.
    pub title: String,
}

/// Whether values spread over more than two orders of magnitude: a linear axis would squash the small ones.
pub fn wants_log_scale(rows: &[Prediction]) -> bool {
    let values =
        rows.iter().flat_map(|r| r.percentiles.iter().copied().chain([r.actual])).filter(|v| *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    hi > 0.0 && hi / lo > 100.0
}

/// Predicted intervals (P10–P90 thin, P25–P75 thick, P50 tick) against the actual (a dot, filled in the
/// warning colour when outside P10–P90). With `log`, the axis is logarithmic (powers of ten; zero and what
/// is below the lowest power drawn at the axis's start).
pub fn prediction_chart(rows: &[Prediction], unit: Unit, log: bool, label: &str) -> String {
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let mut svg = Svg::new(WIDTH, height, label);
    let all = || rows.iter().flat_map(|r| r.percentiles.iter().copied().chain([r.actual]));
    let (t, to_axis): (Vec<f64>, Box<dyn Fn(f64) -> f64>) = if log {
        let positive = all().filter(|v| *v > 0.0);
        let (lo, hi) = positive.fold((f64::INFINITY, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (e0, e1) = (lo.log10().floor(), hi.log10().ceil().max(lo.log10().floor() + 1.0));
        let t: Vec<f64> = (e0 as i32..=e1 as i32).map(f64::from).collect();
        (t, Box::new(move |v: f64| if v > 0.0 { v.log10().max(e0) } else { e0 }))
    } else {
        let lo = all().fold(0.0, f64::min);
        let hi = all().fold(0.0, f64::max);
        (ticks(lo, hi, 6), Box::new(|v| v))
    };
    let x = Scale::new(t[0], t[t.len() - 1], LABEL_WIDTH, WIDTH - RIGHT);
    let bottom = height - BOTTOM;
    if log {
        svg.x_axis(&x, &t, bottom, TOP, |e| num(10f64.powf(e), unit));
    } else {
        svg.x_axis(&x, &t, bottom, TOP, |v| num(v, unit));
    }
    let x = |v: f64| x.at(to_axis(v));
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let mid = y + ROW / 2.0;
        let p = r.percentiles;
        svg.text(LABEL_WIDTH - 8.0, mid + 4.0, "end", "label", &fit(&r.label));
        svg.rect(x(p[0]), mid - 2.0, x(p[4]) - x(p[0]), 4.0, "range", Some(&r.title));
        svg.rect(x(p[1]), y + 4.0, x(p[3]) - x(p[1]), ROW - 8.0, "range inner", Some(&r.title));
        svg.line(x(p[2]), y + 2.0, x(p[2]), y + ROW - 2.0, "mid", None);
        let outside = r.actual < p[0] || r.actual > p[4];
        let class = if outside { "actual outside" } else { "actual" };
        svg.circle(x(r.actual), mid, 4.0, class, Some(&r.title));
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_labels_keep_the_end_of_a_path_and_the_start_of_a_name() {
        let path = "target/browser-check/optimize/vertical/plan.csv";
        assert_eq!(super::fit(path), "…ck/optimize/vertical/plan.csv");
        assert_eq!(super::fit(path).chars().count(), super::LABEL_CHARS);
        assert_eq!(super::fit("R16-backfill Backfill for Chloé Kowalski"), "R16-backfill Backfill for Chl…");
        assert_eq!(super::fit("R01 Liam Rossi"), "R01 Liam Rossi");
    }

    use super::*;

    fn row(label: &str, low: f64, mid: f64, high: f64) -> RangeRow {
        RangeRow { label: label.into(), low, mid, high, title: format!("{label} t"), tone: Tone::Neutral }
    }

    #[test]
    fn a_range_chart_has_known_geometry() {
        // Ticks 0, 0.5, 1, 1.5 (the data and the reference at 1.0 lie in [0, 1.5]): the axis runs from
        // x = 190 (0) to x = 736 (1.5), 364 px per unit.
        let rows = [row("A", 0.5, 1.0, 1.5), row("B", 0.0, 0.25, 0.5)];
        let reference = Reference { value: 1.0, label: "quota".into() };
        let svg = range_chart(&rows, &reference, Unit::Share, "attainment");
        assert!(svg.starts_with(r#"<svg viewBox="0 0 760 92""#), "{svg}");
        // Row A: from 0.5 (372) to 1.5 (736), 4 px below the row's top at 26.
        assert!(svg.contains(r#"<rect x="372" y="30" width="364" height="10" class="range">"#), "{svg}");
        // Row B's median at 0.25 (281), the second row spanning y 44..62.
        assert!(svg.contains(r#"<line x1="281" y1="46" x2="281" y2="60" class="mid">"#), "{svg}");
        assert!(svg.contains(r#"<line x1="554" y1="20" x2="554" y2="62" class="reference"/>"#), "{svg}");
        assert!(svg.contains(">100.0%</text>"));
    }

    /// The numbers of attribute `name` in every element of `class` in `svg`, in order.
    fn attr(svg: &str, class: &str, name: &str) -> Vec<f64> {
        svg.split('<')
            .filter(|e| e.contains(&format!("class=\"{class}\"")))
            .filter_map(|e| {
                let rest = &e[e.find(&format!(" {name}=\""))? + name.len() + 3..];
                rest[..rest.find('"')?].parse().ok()
            })
            .collect()
    }

    #[test]
    fn a_diverging_chart_grows_bars_from_zero_with_interval_whiskers() {
        let gain = RangeRow { tone: Tone::Better, ..row("gain", 0.5, 1.0, 1.5) };
        let loss = RangeRow { tone: Tone::Worse, ..row("loss", -1.0, -0.5, 0.0) };
        let svg = diverging_chart(&[gain, loss], Unit::Money, "bookings");
        let zero = attr(&svg, "reference", "x1")[0];
        let (gx, gw) = (attr(&svg, "range better", "x")[0], attr(&svg, "range better", "width")[0]);
        let (lx, lw) = (attr(&svg, "range flagged", "x")[0], attr(&svg, "range flagged", "width")[0]);
        assert_eq!(gx, zero, "a gain's bar starts at zero: {svg}");
        assert!((lx + lw - zero).abs() < 0.11, "a loss's bar ends at zero: {svg}");
        // Per unit, the gain's bar (1.0) is twice the loss's (0.5); the whiskers run from low to high.
        assert!((gw - 2.0 * lw).abs() < 0.2, "{gw} vs {lw}");
        let (x1, x2) = (attr(&svg, "mid whisker", "x1"), attr(&svg, "mid whisker", "x2"));
        assert!((x2[0] - x1[0] - gw).abs() < 0.2, "the gain's interval is 1.0 wide, as its bar");
        assert!((x1[3] - (zero - 2.0 * lw)).abs() < 0.2 && (x2[3] - zero).abs() < 0.11, "{svg}");
    }

    #[test]
    fn a_fan_chart_draws_a_closed_band_and_stacks_marker_labels() {
        let months: Vec<FanMonth> =
            (1..=3).map(|m| FanMonth { month: m, p10: 10.0, p50: 20.0, p90: 30.0 }).collect();
        let markers = [
            MonthMarker { month: 2, label: "hire R9".into(), kind: "hire" },
            MonthMarker { month: 2, label: "departure R1".into(), kind: "departure" },
        ];
        let svg = fan_chart(&months, Some(25.0), &markers, "team");
        let band = svg.split(r#"class="band""#).next().unwrap();
        let d = band.rsplit("d=\"").next().unwrap();
        assert!(d.starts_with('M') && d.trim_end_matches("\" ").ends_with('Z'), "{d}");
        assert_eq!(svg.matches("class=\"marker-label").count(), 2);
        assert!(svg.contains("y=\"24\" text-anchor=\"start\" class=\"marker-label hire\""), "{svg}");
        assert!(svg.contains("y=\"35\" text-anchor=\"start\" class=\"marker-label departure\""), "{svg}");
        assert!(svg.contains("plan per month: 25"));
    }

    #[test]
    fn bars_below_the_threshold_are_flagged_by_class() {
        let bars = [
            Bar { label: "AMER/MM".into(), value: 2.0, title: "t".into(), flag: true },
            Bar { label: "EMEA/MM".into(), value: 4.0, title: "t".into(), flag: false },
        ];
        let svg = bar_chart(&bars, &Reference { value: 3.0, label: "3x flag".into() }, Unit::Multiple, "c");
        assert_eq!(svg.matches("class=\"bar flagged\"").count(), 1);
        assert!(svg.contains(">2.0x</text>") && svg.contains(">3x flag</text>"));
    }
}
