//! Numbers and amounts as exports write them, in either decimal convention: `1,234.56` and `1.234,56`,
//! `12 000` and `1'000` (space, no-break space and apostrophe thousands), currency symbols or codes before
//! or after (`$1,000`, `7.358,63 €`, `EUR 5.000,00`), and K/M/B suffixes on amounts.
//!
//! What a cell says about its file's decimal mark is [`evidence`]; reading it under the mark the file uses
//! is [`parse_number`] / [`parse_money`]. A separator that does not fit the mark is an error, never a
//! silently different number.

use super::format::Decimal;

/// What one cell says about the decimal mark of its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// No separator: `1200`, `42`.
    Nothing,
    /// Only a decimal point reads it: `1.5`, `1,234.56`, `$1,000,000`.
    Point,
    /// Only a decimal comma reads it: `137,5`, `1.234,56`, `1.000.000`.
    Comma,
    /// One separator followed by exactly three digits (`1,200`, `1.200`): either reading works.
    Either(char),
}

/// Thousands marks that cannot be a decimal mark: space, no-break space, narrow no-break space, thin space,
/// apostrophes, underscore.
fn is_unambiguous_thousands(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '\u{2019}' | '_')
}

fn is_currency_symbol(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₩' | '₽' | '₺' | '₪' | '₫' | '¢' | '₣' | '₴' | '₱')
}

/// A number cell taken apart: sign, the digits with their separators, an exponent, a K/M/B scale.
struct Shape<'a> {
    negative: bool,
    body: String,
    exponent: &'a str,
    scale: f64,
}

/// Strips currency (money only), sign, suffix and unambiguous thousands marks; `None` when what is left is
/// not digits and separators.
fn shape(raw: &str, money: bool) -> Option<Shape<'_>> {
    let mut s = raw.trim();
    let mut negative = false;
    let mut scale = 1.0;
    if money {
        // Codes and symbols on either side, in any order with the sign: `-$5`, `$-5`, `EUR 5`, `5 €`.
        for _ in 0..2 {
            s = s.trim_matches(is_currency_symbol).trim();
            if let Some(rest) = s.strip_prefix('-') {
                negative = true;
                s = rest.trim();
            }
            let code = |t: &str| t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase());
            if s.len() > 3 && s.is_char_boundary(3) && code(&s[..3]) {
                s = s[3..].trim();
            }
            if s.len() > 3 && s.is_char_boundary(s.len() - 3) && code(&s[s.len() - 3..]) {
                s = s[..s.len() - 3].trim();
            }
        }
        let last = s.chars().last()?;
        scale = match last {
            'k' | 'K' => 1e3,
            'm' | 'M' => 1e6,
            'b' | 'B' => 1e9,
            _ => 1.0,
        };
        if scale != 1.0 {
            s = s[..s.len() - 1].trim_end();
        }
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) if !money => (&s[..at], &s[at..]),
        _ => (s, ""),
    };
    let body: String = mantissa.chars().filter(|c| !is_unambiguous_thousands(*c)).collect();
    let exponent_ok = exponent.is_empty()
        || exponent.len() > 1
            && exponent[1..].trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit());
    let body_ok = body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
    (body_ok && exponent_ok).then_some(Shape { negative, body, exponent, scale })
}

/// What `raw` says about the decimal mark (`money`: the cell may carry currency and a K/M/B suffix).
pub(crate) fn evidence(raw: &str, money: bool) -> Evidence {
    let Some(shape) = shape(raw, money) else { return Evidence::Nothing };
    let body = shape.body.as_str();
    let (dots, commas) = (body.matches('.').count(), body.matches(',').count());
    match (dots, commas) {
        (0, 0) => Evidence::Nothing,
        // Both: the last one is the decimal mark.
        (_, _) if dots > 0 && commas > 0 => {
            if body.rfind('.') > body.rfind(',') {
                Evidence::Point
            } else {
                Evidence::Comma
            }
        }
        // Repeated: a thousands mark, so the decimal mark is the other one.
        (0, n) if n > 1 => Evidence::Point,
        (n, 0) if n > 1 => Evidence::Comma,
        _ => {
            let sep = if dots == 1 { '.' } else { ',' };
            let (int, frac) = body.split_once(sep).unwrap_or((body, ""));
            let grouping = frac.len() == 3 && (1..=3).contains(&int.len()) && !int.starts_with('0');
            match (grouping, sep) {
                (true, _) => Evidence::Either(sep),
                (false, '.') => Evidence::Point,
                (false, _) => Evidence::Comma,
            }
        }
    }
}

/// Removes thousands marks `sep` from `int`, checking they group by three; `None` when they do not.
fn ungroup(int: &str, sep: char) -> Option<String> {
    let mut groups = int.split(sep);
    let first = groups.next()?;
    let mut out = first.to_string();
    let mut any = false;
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        any = true;
        out.push_str(g);
    }
    (!any || (1..=3).contains(&first.len())).then_some(out)
}

/// The value of `raw` under `decimal`, or why it is not one.
fn value(raw: &str, money: bool, decimal: Decimal) -> Option<f64> {
    let shape = shape(raw, money)?;
    let (mark, thousands) = match decimal {
        Decimal::Point => ('.', ','),
        Decimal::Comma => (',', '.'),
    };
    let (int, frac) = match shape.body.split_once(mark) {
        Some((int, frac)) => (int, Some(frac)),
        None => (shape.body.as_str(), None),
    };
    if frac.is_some_and(|f| f.contains([mark, thousands])) {
        return None;
    }
    let mut plain = ungroup(int, thousands)?;
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    plain.push_str(shape.exponent);
    let v: f64 = plain.parse().ok()?;
    let v = v * shape.scale;
    Some(if shape.negative { -v } else { v })
}

fn example(decimal: Decimal) -> &'static str {
    match decimal {
        Decimal::Point => "1234.5 or 1,234.5",
        Decimal::Comma => "1234,5 or 1.234,5 (this file uses a decimal comma)",
    }
}

/// Parses a finite number under the file's decimal mark.
pub(crate) fn parse_number(raw: &str, decimal: Decimal) -> Result<f64, String> {
    let word = raw.trim().trim_start_matches(['-', '+']).to_ascii_lowercase();
    if matches!(word.as_str(), "nan" | "inf" | "infinity") {
        return Err(format!("\"{raw}\" is not a finite number"));
    }
    match value(raw, false, decimal) {
        Some(v) if v.is_finite() => Ok(v),
        Some(_) => Err(format!("\"{raw}\" is not a finite number")),
        None => Err(format!("\"{raw}\" is not a number; write it like {}", example(decimal))),
    }
}

/// Parses an amount of money under the file's decimal mark. Negative amounts and NaN are rejected.
pub(crate) fn parse_money(raw: &str, decimal: Decimal) -> Result<f64, String> {
    let value = match value(raw, true, decimal) {
        Some(v) => v,
        None => {
            let like = match decimal {
                Decimal::Point => "1234567.89 or $1,234,567",
                Decimal::Comma => "1234567,89 or 1.234.567 € (this file uses a decimal comma)",
            };
            return Err(format!("\"{raw}\" is not an amount; write it like {like}"));
        }
    };
    if !value.is_finite() {
        return Err(format!("\"{raw}\" is not a finite amount"));
    }
    if value < 0.0 {
        return Err(format!("{raw} is negative; amounts must be zero or more"));
    }
    Ok(value)
}

/// The two readings of an ambiguous cell, for the message that asks which one is meant.
pub(crate) fn both_readings(raw: &str, money: bool) -> (String, String) {
    let show = |d| value(raw, money, d).map_or_else(|| "?".to_string(), |v| format!("{v}"));
    match evidence(raw, money) {
        Evidence::Either('.') => (show(Decimal::Comma), show(Decimal::Point)),
        _ => (show(Decimal::Point), show(Decimal::Comma)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decimal::{Comma, Point};

    #[test]
    fn evidence_of_each_convention() {
        assert_eq!(evidence("137,5", false), Evidence::Comma);
        assert_eq!(evidence("7.358,63 €", true), Evidence::Comma);
        assert_eq!(evidence("1.000.000", false), Evidence::Comma);
        assert_eq!(evidence("1,234.56", false), Evidence::Point);
        assert_eq!(evidence("1.5", false), Evidence::Point);
        assert_eq!(evidence("$1,000,000", true), Evidence::Point);
        assert_eq!(evidence("0.500", false), Evidence::Point);
        assert_eq!(evidence("1234,567", false), Evidence::Comma);
        assert_eq!(evidence("1,200", false), Evidence::Either(','));
        assert_eq!(evidence("1.200", false), Evidence::Either('.'));
        assert_eq!(evidence("12 000", false), Evidence::Nothing);
        assert_eq!(evidence("abc", false), Evidence::Nothing);
    }

    #[test]
    fn values_under_each_mark() {
        assert_eq!(parse_number("137,5", Comma), Ok(137.5));
        assert_eq!(parse_number("1.200", Comma), Ok(1200.0));
        assert_eq!(parse_number("1.200", Point), Ok(1.2));
        assert_eq!(parse_number("1,200", Point), Ok(1200.0));
        assert_eq!(parse_number("-73.99", Point), Ok(-73.99));
        assert_eq!(parse_number("1.2E+05", Point), Ok(120_000.0));
        assert_eq!(parse_number("1'000", Point), Ok(1000.0));
        assert_eq!(parse_number("12\u{a0}000,5", Comma), Ok(12_000.5));
        assert!(parse_number("1,2", Point).is_err());
        assert!(parse_number("1,234.5", Comma).is_err());
        assert!(parse_number("inf", Point).is_err());
        assert!(parse_number("1e999", Point).is_err());
        assert_eq!(parse_money("7.358,63 €", Comma), Ok(7358.63));
        assert_eq!(parse_money("EUR 5.000,00", Comma), Ok(5000.0));
        assert_eq!(parse_money("$1,234,567.00", Point), Ok(1_234_567.0));
        assert_eq!(parse_money("€ 12 000", Point), Ok(12_000.0));
        assert_eq!(parse_money("1.2M", Point), Ok(1_200_000.0));
        assert_eq!(parse_money("350K", Point), Ok(350_000.0));
        assert_eq!(parse_money("USD 5,000", Point), Ok(5_000.0));
        assert_eq!(parse_money("5000 USD", Point), Ok(5_000.0));
        assert!(parse_money("-5", Point).is_err());
        assert!(parse_money("-$5", Point).is_err());
        assert!(parse_money("NaN", Point).is_err());
        assert!(parse_money("lots", Point).is_err());
        assert_eq!(both_readings("1.200", false), ("1200".to_string(), "1.2".to_string()));
    }
}
