//! Bounded property-based fuzzing of the edge's parsers, run in CI: arbitrary bytes and near-CSV text
//! through the CSV reader, arbitrary strings through the date and money parsers, arbitrary bytes and
//! near-TOML text through the scenario loader. None may panic, and every error must name its file.
//! Executions: 6 properties × `cases()` (the total is printed with `--test-threads 1 --nocapture`).

use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use terrasim::io::fuzz;

/// Cases per property: about two seconds in all (6 properties). `FUZZ_CASES=200000` runs a longer fuzz.
fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(5000)
}

static RUNS: AtomicU64 = AtomicU64::new(0);

fn count() {
    RUNS.fetch_add(1, Ordering::Relaxed);
}

/// Text built from the pieces CSV exports are made of, so that most cases get past the header.
fn near_csv() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("Id,Name,BillingCountry,NumberOfEmployees,AnnualRevenue,IsCustomer\n".to_string()),
        Just("Id;Name;Country;Employees;Revenue\n".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just("\t".to_string()),
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\u{feff}".to_string()),
        Just("A1".to_string()),
        Just("United States".to_string()),
        Just("1,200".to_string()),
        Just("137,5".to_string()),
        Just("7.358,63 €".to_string()),
        Just("$1,000,000.00".to_string()),
        Just("2025\u{2013}03\u{2013}04T10:00".to_string()),
        Just("１２".to_string()),
        Just("true".to_string()),
        "[ -~]{0,6}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    (prop::collection::vec(piece, 0..40), prop::collection::vec(any::<u8>(), 0..3)).prop_map(
        |(parts, raw)| {
            let mut bytes = parts.concat().into_bytes();
            if !raw.is_empty() && !bytes.is_empty() {
                // A few raw bytes at a chosen place: broken encodings.
                let at = usize::from(raw[0]) % bytes.len();
                bytes.splice(at..at, raw[1..].iter().copied());
            }
            bytes
        },
    )
}

fn near_toml() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("schema_version = 1\n".to_string()),
        Just("name = \"x\"\n".to_string()),
        Just("[data]\naccounts = \"a.csv\"\nreps = \"r.csv\"\n".to_string()),
        Just("decimal = \",\"\n".to_string()),
        Just("delimiter = \"tab\"\n".to_string()),
        Just("encoding = \"latin-1\"\n".to_string()),
        Just("trials = 1e9\n".to_string()),
        Just("as_of = \"2025\u{2013}01-01\"\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("[[events.departure]]\nrep = \"R1\"\nmonth = 3\n".to_string()),
        "[ -~]{0,8}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    (prop::collection::vec(piece, 0..14), prop::collection::vec(any::<u8>(), 0..3)).prop_map(
        |(parts, raw)| {
            let mut bytes = parts.concat().into_bytes();
            bytes.extend(raw);
            bytes
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn csv_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        count();
        if let Err(e) = fuzz::csv(&bytes) {
            prop_assert!(e.contains(fuzz::CSV_FILE), "the error does not name the file: {e}");
        }
    }

    #[test]
    fn csv_near_exports(bytes in near_csv()) {
        count();
        if let Err(e) = fuzz::csv(&bytes) {
            prop_assert!(e.contains(fuzz::CSV_FILE), "the error does not name the file: {e}");
        }
    }

    #[test]
    fn dates(raw in "\\PC{0,30}") {
        count();
        if let Some(day) = fuzz::date(&raw) {
            // A parsed day is a real calendar day.
            let (y, m, d) = terrasim::market::civil_from_days(day);
            prop_assert_eq!(terrasim::market::days_from_civil(y, m, d), Some(day));
        }
    }

    #[test]
    fn money_and_numbers(raw in "[-+0-9.,' \u{a0}\u{202f}$€£A-Zkm]{0,16}|\\PC{0,12}") {
        count();
        for v in fuzz::money(&raw).into_iter().flatten() {
            prop_assert!(v.is_finite(), "{raw:?} read as {v}");
        }
    }

    #[test]
    fn scenario_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        count();
        if let Err(e) = fuzz::scenario_toml(&bytes) {
            prop_assert!(e.contains(fuzz::TOML_FILE), "the error does not name the file: {e}");
        }
    }

    #[test]
    fn scenario_near_toml(bytes in near_toml()) {
        count();
        if let Err(e) = fuzz::scenario_toml(&bytes) {
            prop_assert!(e.contains(fuzz::TOML_FILE), "the error does not name the file: {e}");
        }
    }
}

/// Runs after the properties when the tests run on one thread (`--test-threads 1`); prints the total.
#[test]
fn zz_executions() {
    eprintln!("fuzz_parsers: {} executions so far", RUNS.load(Ordering::Relaxed));
}

#[test]
fn known_panics_stay_fixed() {
    for raw in ["2025\u{2013}03\u{2013}04", "２０２５-03-04T10:00", "2025年03月04日 10:00"] {
        assert_eq!(fuzz::date(raw), None, "{raw}");
    }
    let err =
        fuzz::csv(b"Id,Name,BillingCountry\nA1,Acme,US\n\xEF\xBB\xBFId,Name,BillingCountry\n").unwrap_err();
    assert!(err.contains("line 3") && err.contains("byte-order mark"), "{err}");
}
