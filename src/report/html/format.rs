//! Text for people: the one number formatter of terrasim's reports (the HTML report and the terminal
//! tables both write figures through it, so a figure reads the same in every command), and HTML escaping of
//! every string that comes from data.

/// What a number measures, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// An amount of money, compact: `1.2M`, `850K`, `12`.
    Money,
    /// A share or probability in [0, 1], written as a percentage: `54.3%`.
    Share,
    /// A difference of two shares, in percentage points: `+5.2 pts`.
    SharePoints,
    /// A multiple: `3.1x`.
    Multiple,
    /// A count: `12,000`.
    Count,
    /// A plain figure with three significant decimals (variance, Gini): `0.812`.
    Plain,
}

/// The unit of a headline figure of the paired comparisons.
pub fn headline_unit(metric: &str) -> Unit {
    match metric {
        "team_bookings" => Unit::Money,
        "p_team_ge_plan" | "coverage_rate" | "share_of_reps_at_quota" => Unit::Share,
        _ => Unit::Plain,
    }
}

/// The unit a difference of figures in `unit` is written in.
pub fn difference_unit(unit: Unit) -> Unit {
    if unit == Unit::Share { Unit::SharePoints } else { unit }
}

/// A headline figure's name for people.
pub fn headline_label(metric: &str) -> &str {
    match metric {
        "team_bookings" => "team bookings",
        "p_team_ge_plan" => "P(team ≥ plan)",
        "attainment_variance" => "attainment variance",
        "attainment_cv" => "attainment CV (sd ÷ mean)",
        "attainment_gini" => "attainment Gini",
        "coverage_rate" => "coverage rate",
        "share_of_reps_at_quota" => "share of reps at quota",
        other => other,
    }
}

/// `x` in `unit`, negatives with a minus sign. Not-a-number and infinities read as `n/a`.
pub fn num(x: f64, unit: Unit) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let text = plain(x, unit);
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// An estimate and its standard error, `mean ± se`, with as many decimals as the error needs to show one
/// significant digit (up to four more than the unit's own): `63.6% ± 0.02%`, not `63.6% ± 0.0%`.
pub fn with_se(mean: f64, se: f64, unit: Unit) -> String {
    let (scale, base, suffix) = match unit {
        Unit::Money | Unit::Count => return format!("{} ± {}", num(mean, unit), num(se, unit)),
        Unit::Share | Unit::SharePoints => (100.0, 1, if unit == Unit::Share { "%" } else { " pts" }),
        Unit::Multiple => (1.0, 1, "x"),
        Unit::Plain => (1.0, 3, ""),
    };
    let scaled = (se * scale).abs();
    // An error too small to show in the most decimals allowed (rounding noise of a difference that is zero in
    // every trial) is written in the unit's own decimals, not as a row of zeros.
    let shown = scaled >= 10f64.powi(-(base + 4)) && scaled.is_finite();
    let needed = if shown { (-scaled.log10().floor()) as i64 } else { 0 };
    let decimals = needed.clamp(i64::from(base), i64::from(base) + 4) as usize;
    let mean_text = format!("{:.decimals$}{suffix}", tidy(mean * scale, decimals as i32));
    let mean_text = mean_text.strip_prefix('-').map_or(mean_text.clone(), |r| format!("−{r}"));
    format!("{mean_text} ± {:.decimals$}{suffix}", scaled)
}

/// A difference and its standard error with the difference's sign, labelled: `+1.2M ± 104K s.e.`.
pub fn signed_with_se(mean: f64, se: f64, unit: Unit) -> String {
    let text = with_se(mean, se, unit);
    let text = if text.starts_with('−') { text } else { format!("+{text}") };
    format!("{text} s.e.")
}

fn plain(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Money => compact(x),
        Unit::Share => format!("{:.1}%", tidy(x * 100.0, 1)),
        Unit::SharePoints => format!("{:.1} pts", tidy(x * 100.0, 1)),
        Unit::Multiple => format!("{:.1}x", tidy(x, 1)),
        Unit::Count => grouped(x.round()),
        Unit::Plain => format!("{:.3}", tidy(x, 3)),
    }
}

/// `x` in `unit` with its sign: `+1.2M`, `-5.2 pts`, `+0.000` for zero.
pub fn signed(x: f64, unit: Unit) -> String {
    let text = num(x.abs(), unit);
    if !x.is_finite() {
        text
    } else if x < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// `-0.0` (what rounding a tiny negative gives) written as `0`.
fn tidy(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (x * scale).round() / scale;
    if rounded == 0.0 { 0.0 } else { x }
}

/// Three significant figures with a K / M / B suffix: `1.23M`, `45.6K`, `950`.
fn compact(x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    let (value, suffix) = if a >= 999.5e6 {
        (a / 1e9, "B")
    } else if a >= 999.5e3 {
        (a / 1e6, "M")
    } else if a >= 999.5 {
        (a / 1e3, "K")
    } else {
        (a, "")
    };
    let decimals = if suffix.is_empty() || value >= 99.95 {
        0
    } else if value >= 9.995 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    if text == "0" || text.trim_start_matches(['0', '.']).is_empty() {
        return "0".into();
    }
    format!("{sign}{text}{suffix}")
}

/// An integer with thousands separators: `12,000`.
fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// `text` safe inside HTML or SVG text and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_compact_with_three_significant_figures() {
        assert_eq!(num(1_234_567.0, Unit::Money), "1.23M");
        assert_eq!(num(41_514_086.4, Unit::Money), "41.5M");
        assert_eq!(num(999_999.0, Unit::Money), "1.00M");
        assert_eq!(num(850_000.0, Unit::Money), "850K");
        assert_eq!(num(12.4, Unit::Money), "12");
        assert_eq!(num(2.5e9, Unit::Money), "2.50B");
        assert_eq!(num(-8_311_549.7, Unit::Money), "−8.31M");
        assert_eq!(num(-0.25, Unit::Share), "−25.0%");
        assert_eq!(num(0.0, Unit::Money), "0");
    }

    #[test]
    fn shares_multiples_counts_and_plain_figures() {
        assert_eq!(num(0.5433, Unit::Share), "54.3%");
        assert_eq!(num(1.0, Unit::Share), "100.0%");
        assert_eq!(num(3.06, Unit::Multiple), "3.1x");
        assert_eq!(num(12_000.0, Unit::Count), "12,000");
        assert_eq!(num(1_234_567.0, Unit::Count), "1,234,567");
        assert_eq!(num(999.0, Unit::Count), "999");
        assert_eq!(num(0.81199, Unit::Plain), "0.812");
        assert_eq!(num(f64::NAN, Unit::Plain), "n/a");
    }

    #[test]
    fn signed_figures_carry_their_sign_and_zero_is_positive() {
        assert_eq!(signed(-0.0523, Unit::SharePoints), "−5.2 pts");
        assert_eq!(signed(3_029_923.0, Unit::Money), "+3.03M");
        assert_eq!(signed(-0.00001, Unit::Plain), "+0.000");
        assert_eq!(signed(-0.0, Unit::Share), "+0.0%");
    }

    #[test]
    fn standard_errors_get_the_decimals_they_need() {
        assert_eq!(with_se(0.636, 0.0002, Unit::Share), "63.60% ± 0.02%");
        assert_eq!(with_se(0.562, 0.022, Unit::Share), "56.2% ± 2.2%");
        assert_eq!(with_se(11.02, 0.04, Unit::Multiple), "11.02x ± 0.04x");
        assert_eq!(with_se(0.879, 0.031, Unit::Plain), "0.879 ± 0.031");
        assert_eq!(with_se(77.0e6, 440e3, Unit::Money), "77.0M ± 440K");
        assert_eq!(with_se(0.5, 0.0, Unit::Share), "50.0% ± 0.0%");
        assert_eq!(with_se(2.7e-17, 1.1e-17, Unit::Plain), "0.000 ± 0.000");
        assert_eq!(signed_with_se(224_100.0, 20_800.0, Unit::Money), "+224K ± 20.8K s.e.");
        assert_eq!(signed_with_se(-0.025, 0.011, Unit::SharePoints), "−2.5 pts ± 1.1 pts s.e.");
    }

    #[test]
    fn escaping_neutralises_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert(1)</script> & "x" 'y'"#),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(escape("Chloé Martin"), "Chloé Martin");
    }
}
