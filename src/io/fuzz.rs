//! Entry points for fuzzing the parsers of the edge (the cargo-fuzz targets in `fuzz/` and the bounded
//! property tests in `tests/fuzz_parsers.rs`). Not an API: each takes raw input and must neither panic nor
//! return an error that does not name its file.

use std::collections::BTreeMap;
use std::path::Path;

use super::csv_table::{Rows, Table, parse_bool};
use super::error::RowErrors;
use super::fields::account_fields::ACCOUNTS;
use super::format::{Decimal, Format};

/// The file name the CSV and TOML entry points report.
pub const CSV_FILE: &str = "fuzz.csv";
/// The file name the scenario entry point reports.
pub const TOML_FILE: &str = "fuzz.toml";

/// Reads `bytes` as an accounts file (every kind of column: text, number, money, flag) and every cell of
/// every row through its parser; the rows read, or the file's error as its message.
pub fn csv(bytes: &[u8]) -> Result<usize, String> {
    let file = Path::new(CSV_FILE);
    let mut table = Table::from_bytes(
        file,
        bytes,
        "accounts",
        ACCOUNTS,
        &BTreeMap::new(),
        &Format::default(),
        Rows::Required,
    )
    .map_err(|e| e.to_string())?;
    let mut errors = RowErrors::default();
    let mut rows = 0;
    table.for_each(&mut errors, |row, _| {
        rows += 1;
        for field in 0..ACCOUNTS.len() {
            if let Some(raw) = row.get(field) {
                let _ = (row.parse_number(raw), row.parse_money(raw), parse_bool(raw));
                let _ = crate::market::parse_crm_date(raw);
            }
        }
    });
    errors.into_result(file).map_err(|e| e.to_string())?;
    Ok(rows)
}

/// The date parsers on `raw`.
pub fn date(raw: &str) -> Option<i64> {
    let _ = crate::market::parse_iso_date(raw);
    crate::market::parse_crm_date(raw)
}

/// The number and money parsers on `raw`, under both decimal marks, and what the cell says about the mark.
pub fn money(raw: &str) -> [Result<f64, String>; 4] {
    let _ = super::numbers::evidence(raw, true);
    let _ = super::numbers::evidence(raw, false);
    let _ = super::numbers::both_readings(raw, true);
    use super::numbers::{parse_money, parse_number};
    [
        parse_number(raw, Decimal::Point),
        parse_money(raw, Decimal::Point),
        parse_number(raw, Decimal::Comma),
        parse_money(raw, Decimal::Comma),
    ]
}

/// Reads `bytes` as a scenario file (decoding, TOML, validation); the error as its message.
pub fn scenario_toml(bytes: &[u8]) -> Result<(), String> {
    let file = Path::new(TOML_FILE);
    let text = super::scenario_file::toml_text(file, bytes).map_err(|e| e.to_string())?;
    crate::scenario::Scenario::from_toml(&text, file).map(|_| ()).map_err(|e| e.to_string())
}
