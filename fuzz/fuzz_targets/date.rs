//! Any text as a CRM date: no panic, and a parsed day is a real calendar day.
#![no_main]

libfuzzer_sys::fuzz_target!(|raw: &str| {
    if let Some(day) = terrasim::io::fuzz::date(raw) {
        let (y, m, d) = terrasim::market::civil_from_days(day);
        assert_eq!(terrasim::market::days_from_civil(y, m, d), Some(day));
    }
});
