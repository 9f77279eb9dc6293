//! A small SVG writer: linear scales with round ticks, and elements whose every text is escaped. Charts
//! style their elements by class; the classes are defined once in the page's stylesheet.

use std::fmt::Write;

use super::format::escape;

/// A linear map from a data interval to a pixel interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// Maps `[d0, d1]` onto `[r0, r1]`; an empty data interval is widened so that nothing divides by zero.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let (d0, d1) = if (d1 - d0).abs() < 1e-12 { (d0 - 0.5, d1 + 0.5) } else { (d0, d1) };
        Scale { d0, d1, r0, r1 }
    }

    /// The pixel position of `v`.
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// The data interval.
    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }
}

/// Round tick values covering `[lo, hi]` with about `n` steps of 1, 2 or 5 × a power of ten; the returned
/// range is widened to the outer ticks, so that a scale built on it ends on a tick.
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (lo, hi) = if (hi - lo).abs() < 1e-12 { (lo - 0.5, hi + 0.5) } else { (lo.min(hi), lo.max(hi)) };
    let raw = (hi - lo) / n.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|k| k as f64 * step).map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v }).collect()
}

/// An SVG document being written.
#[derive(Debug)]
pub struct Svg {
    out: String,
}

/// A coordinate with one decimal: enough for a screen and small in a file.
pub fn c(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() { format!("{}", r as i64) } else { format!("{r:.1}") }
}

impl Svg {
    /// A `width` × `height` drawing, described by `label` for screen readers.
    pub fn new(width: f64, height: f64, label: &str) -> Self {
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{l}">"#,
            w = c(width),
            h = c(height),
            l = escape(label)
        );
        Svg { out }
    }

    /// Appends markup that the caller has built from escaped parts.
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// A rectangle; `title` becomes its hover text.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, title: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="{class}""#,
            c(x),
            c(y),
            c(w.max(0.0)),
            c(h.max(0.0))
        );
        self.close("rect", title);
    }

    /// A line segment.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str, title: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}""#,
            c(x1),
            c(y1),
            c(x2),
            c(y2)
        );
        self.close("line", title);
    }

    /// A circle.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &str, title: Option<&str>) {
        let _ = write!(self.out, r#"<circle cx="{}" cy="{}" r="{}" class="{class}""#, c(cx), c(cy), c(r));
        self.close("circle", title);
    }

    /// A path with data `d` (numbers and commands only).
    pub fn path(&mut self, d: &str, class: &str, title: Option<&str>) {
        let _ = write!(self.out, r#"<path d="{d}" class="{class}""#);
        self.close("path", title);
    }

    /// Text anchored `start`, `middle` or `end` at (`x`, `y`).
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
            c(x),
            c(y),
            escape(text)
        );
    }

    fn close(&mut self, tag: &str, title: Option<&str>) {
        match title {
            Some(t) => {
                let _ = write!(self.out, "><title>{}</title></{tag}>", escape(t));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// A horizontal axis at `y` with grid lines up to `top` and labels from `label`.
    pub fn x_axis(&mut self, scale: &Scale, values: &[f64], y: f64, top: f64, label: impl Fn(f64) -> String) {
        for &v in values {
            let x = scale.at(v);
            self.line(x, top, x, y, "grid", None);
            self.text(x, y + 14.0, "middle", "tick", &label(v));
        }
        let (d0, d1) = scale.domain();
        self.line(scale.at(d0), y, scale.at(d1), y, "axis", None);
    }

    /// A vertical axis at `x` with grid lines to `right` and labels from `label`.
    pub fn y_axis(
        &mut self,
        scale: &Scale,
        values: &[f64],
        x: f64,
        right: f64,
        label: impl Fn(f64) -> String,
    ) {
        for &v in values {
            let y = scale.at(v);
            self.line(x, y, right, y, "grid", None);
            self.text(x - 6.0, y + 4.0, "end", "tick", &label(v));
        }
        let (d0, d1) = scale.domain();
        self.line(x, scale.at(d0), x, scale.at(d1), "axis", None);
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_linearly_and_survive_an_empty_domain() {
        let s = Scale::new(0.0, 2.0, 100.0, 300.0);
        assert_eq!(s.at(1.0), 200.0);
        assert_eq!(s.at(2.0), 300.0);
        let flat = Scale::new(1.0, 1.0, 0.0, 10.0);
        assert_eq!(flat.at(1.0), 5.0);
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let t = ticks(0.0, 1.0, 5);
        assert_eq!(t.len(), 6);
        assert!((t[3] - 0.6).abs() < 1e-12 && t[5] == 1.0);
        assert_eq!(ticks(3.0, 97.0, 4), vec![0.0, 50.0, 100.0]);
        let t = ticks(-0.27, 0.05, 4);
        assert!(t[0] <= -0.27 && *t.last().unwrap() >= 0.05 && t.contains(&0.0));
    }

    #[test]
    fn text_and_titles_are_escaped() {
        let mut svg = Svg::new(10.0, 10.0, "a <b>");
        svg.text(1.0, 2.0, "start", "t", "<script>alert(1)</script>");
        svg.rect(0.0, 0.0, 1.0, 1.0, "r", Some("\"x\" & y"));
        let out = svg.finish();
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(out.contains("<title>&quot;x&quot; &amp; y</title>"));
        assert!(out.contains(r#"aria-label="a &lt;b&gt;""#));
    }
}
