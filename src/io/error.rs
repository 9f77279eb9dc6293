//! Errors of the CSV edge: every message names the file, the line, the column and the field, and the fix.

use std::fmt;
use std::path::PathBuf;

use crate::market::MarketError;

/// Row errors reported per file before giving up.
pub const ROW_ERROR_CAP: usize = 50;

/// One bad cell or row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// Physical line (1-based) where the record starts.
    pub line: u64,
    /// The column header as it appears in the file (empty for row-level problems).
    pub column: String,
    /// The canonical field.
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}: {}", self.line, self.field, self.message)
        } else {
            write!(f, "line {}, column \"{}\" ({}): {}", self.line, self.column, self.field, self.message)
        }
    }
}

/// A data file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The file cannot be opened or read.
    #[error("{file}: cannot read: {reason}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The operating system's or parser's reason.
        reason: String,
    },
    /// A required column is absent.
    #[error(
        "{file}: missing column for `{field}`: expected one of {aliases}; found {found}. Add the column, or map \
         it in the scenario under [data.columns.{table}], e.g. {field} = \"Your Header\""
    )]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// Which table (accounts, reps, plan, carveouts).
        table: &'static str,
        /// The canonical field.
        field: &'static str,
        /// Headers accepted for it.
        aliases: String,
        /// Headers in the file.
        found: String,
    },
    /// An explicit mapping names a header that is not in the file.
    #[error(
        "{file}: [data.columns.{table}] maps `{field}` to \"{header}\", which is not a column; the columns are \
         {found}"
    )]
    MappedColumnMissing {
        /// The file.
        file: PathBuf,
        /// Which table.
        table: &'static str,
        /// The canonical field.
        field: String,
        /// The header the mapping names.
        header: String,
        /// Headers in the file.
        found: String,
    },
    /// Bad rows, collected over the whole file (up to a cap).
    #[error("{}", rows_message(.file, .errors, *.more))]
    Rows {
        /// The file.
        file: PathBuf,
        /// The first errors, in file order.
        errors: Vec<RowError>,
        /// Errors beyond the cap.
        more: usize,
    },
    /// A scenario field that does not fit the data (an event naming an unknown rep, ...).
    #[error("{file}: field `{field}`: {message}")]
    Scenario {
        /// The scenario file.
        file: PathBuf,
        /// Dotted path of the field.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A cross-file invariant.
    #[error("{0}")]
    Market(#[from] MarketError),
}

fn rows_message(file: &std::path::Path, errors: &[RowError], more: usize) -> String {
    let mut out = format!(
        "{}: {} problem{} found",
        file.display(),
        errors.len() + more,
        if errors.len() + more == 1 { "" } else { "s" }
    );
    for e in errors {
        out.push_str(&format!("\n  {e}"));
    }
    if more > 0 {
        out.push_str(&format!("\n  ... and {more} more"));
    }
    out
}

/// Collects row errors for one file, up to [`ROW_ERROR_CAP`].
#[derive(Debug, Default)]
pub(crate) struct RowErrors {
    pub(crate) errors: Vec<RowError>,
    pub(crate) more: usize,
}

impl RowErrors {
    pub(crate) fn push(&mut self, e: RowError) {
        if self.errors.len() < ROW_ERROR_CAP {
            self.errors.push(e);
        } else {
            self.more += 1;
        }
    }

    pub(crate) fn into_result(self, file: &std::path::Path) -> Result<(), DataError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(DataError::Rows { file: file.to_path_buf(), errors: self.errors, more: self.more })
        }
    }
}
