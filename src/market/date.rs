//! Calendar dates as day numbers, parsed from the forms CRM exports use.

/// Days since 1970-01-01 of a civil date (proleptic Gregorian), or `None` for an impossible date.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The civil date (year, month, day) of a day number.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A year written with four digits, 1000 to 9999: `25` (a guess between 1925 and 2025), `-5`, `+2025`
/// and `0000` are no year.
fn four_digit_year(raw: &str) -> Option<i32> {
    if raw.len() != 4 || !raw.bytes().all(|b| b.is_ascii_digit()) || raw.starts_with('0') {
        return None;
    }
    raw.parse().ok()
}

/// A month or day: one or two ASCII digits (no sign, no spaces).
fn one_or_two_digits(raw: &str) -> Option<u32> {
    if raw.is_empty() || raw.len() > 2 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// Parses `YYYY-MM-DD` into a day number; the year must have four digits.
pub fn parse_iso_date(raw: &str) -> Option<i64> {
    let mut parts = raw.trim().splitn(3, '-');
    let y = four_digit_year(parts.next()?)?;
    let m = one_or_two_digits(parts.next()?)?;
    let d = one_or_two_digits(parts.next()?)?;
    days_from_civil(y, m, d)
}

/// Parses the date forms CRM exports use into a day number: `YYYY-MM-DD`, `M/D/YYYY` (US reports; a time
/// after a space is ignored), and an ISO datetime with a time zone such as `2025-03-04T17:30:00Z` or
/// `2025-03-04 17:30:00+01:00`, whose calendar date is converted to UTC. The year must have four digits:
/// `6/1/25` is no date (1925 or 2025 would be a guess). Slash dates are read month first; a file that
/// writes them day first is told apart by its own cells (see `crate::io`, which reads such a file's dates
/// day first before they get here).
pub fn parse_crm_date(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.contains('/') {
        let mut parts = raw.split_whitespace().next()?.splitn(3, '/');
        let m = one_or_two_digits(parts.next()?)?;
        let d = one_or_two_digits(parts.next()?)?;
        let y = four_digit_year(parts.next()?)?;
        return days_from_civil(y, m, d);
    }
    if raw.len() <= 10 {
        return parse_iso_date(raw);
    }
    // `get` rather than `split_at`: byte 10 may fall inside a character (an en dash, CJK digits), and such
    // a cell is simply not a date.
    let (date, time) = (raw.get(..10)?, raw.get(10..)?);
    let day = parse_iso_date(date)?;
    let time = time.trim_start_matches(['T', ' ']);
    let (clock, offset_minutes) = split_offset(time)?;
    let mut fields = clock.split(':');
    let hour: i64 = fields.next()?.parse().ok()?;
    let minute: i64 = fields.next().unwrap_or("0").parse().ok()?;
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) {
        return None;
    }
    let utc_minutes = hour * 60 + minute - offset_minutes;
    Some(day + utc_minutes.div_euclid(24 * 60))
}

fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix('Z') {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(pos) => {
            // `rfind` found an ASCII sign, so `pos` and `pos + 1` are character boundaries.
            let (clock, off) = time.split_at(pos);
            let sign = if off.starts_with('-') { -1 } else { 1 };
            let off = off[1..].replace(':', "");
            if off.len() != 4 || !off.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = off[..2].parse().ok()?;
            let minutes: i64 = off[2..].parse().ok()?;
            if hours > 18 || minutes > 59 {
                return None;
            }
            Some((clock, sign * (hours * 60 + minutes)))
        }
        None => Some((time, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        for d in [-1000, 0, 11_017, 20_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), Some(d));
        }
        assert_eq!(days_from_civil(2023, 2, 29), None);
    }

    #[test]
    fn crm_forms_parse() {
        let d = parse_iso_date("2025-03-04").unwrap();
        assert_eq!(parse_crm_date("3/4/2025"), Some(d));
        assert_eq!(parse_crm_date("2025-03-04T17:30:00Z"), Some(d));
        assert_eq!(parse_crm_date("2025-03-04T23:30:00-05:00"), Some(d + 1));
        assert_eq!(parse_crm_date("2025-03-04 00:30:00+01:00"), Some(d - 1));
        assert_eq!(parse_crm_date("3/4/2025 5:30 PM"), Some(d));
        assert_eq!(parse_crm_date("13/40/2025"), None);
        assert_eq!(parse_crm_date("not a date"), None);
    }

    #[test]
    fn years_have_four_digits() {
        for raw in [
            "6/1/25",
            "6/1/99",
            "12/1/-5",
            "12/1/0",
            "12/1/0000",
            "12/1/0999",
            "12/1/+2025",
            "12/1/20255",
            "25-06-01",
            "0000-06-01",
            "-2025-06-01",
            "+2025-06-01",
            "2025-+6-01",
            "2025-06-001",
        ] {
            assert_eq!(parse_crm_date(raw), None, "{raw}");
        }
        assert_eq!(parse_iso_date("25-06-01"), None);
        assert_eq!(parse_iso_date("2025-6-1"), parse_iso_date("2025-06-01"));
        assert_eq!(parse_crm_date("12/1/1995"), parse_iso_date("1995-12-01"));
        // Year-first with slashes and dotted day-first dates stay refused, not guessed.
        assert_eq!(parse_crm_date("2025/06/01"), None);
        assert_eq!(parse_crm_date("31.12.2025"), None);
    }

    #[test]
    fn multibyte_characters_are_not_dates_and_never_panic() {
        for raw in [
            "2025\u{2013}03\u{2013}04",
            "２０２５-03-04T10:00",
            "2025年03月04日 10:00",
            "2025-03-0\u{e9}T1",
            "2025-03-04T10:00+\u{e9}\u{e9}",
        ] {
            assert_eq!(parse_crm_date(raw), None, "{raw}");
        }
        assert_eq!(parse_crm_date("2025-03-04T10:00:00+0100"), Some(parse_iso_date("2025-03-04").unwrap()));
    }
}
