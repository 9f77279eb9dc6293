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
         it in the scenario under [data.columns.{table}], e.g. {field} = \"Your Header\" (every column and its \
         CRM headers: docs/input-formats.md)"
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
         {found} (every column and its CRM headers: docs/input-formats.md)"
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
    /// The file has no bytes, or only whitespace.
    #[error("{file}: is empty; export the {table} with its header row and at least one row")]
    Empty {
        /// The file.
        file: PathBuf,
        /// Which table.
        table: &'static str,
    },
    /// The file has a header row and nothing under it.
    #[error(
        "{file}: has a header row but no data rows; export the {table} with their rows (a header-only file \
         would run on zero {table})"
    )]
    NoRows {
        /// The file.
        file: PathBuf,
        /// Which table.
        table: &'static str,
    },
    /// Every row under the header is a row of empty cells.
    #[error(
        "{file}: has only empty rows ({rows} rows of empty cells under the header, lines {first} to {last}); \
         export the {table} with their values"
    )]
    OnlyEmptyRows {
        /// The file.
        file: PathBuf,
        /// Which table.
        table: &'static str,
        /// How many empty rows.
        rows: u64,
        /// The first of them.
        first: u64,
        /// The last of them.
        last: u64,
    },
    /// Not text at all: a spreadsheet workbook, or binary bytes.
    #[error("{file}: is not a CSV text file: {what}; save or export it as CSV (UTF-8)")]
    NotText {
        /// The file.
        file: PathBuf,
        /// What it looks like instead.
        what: String,
    },
    /// A byte-order mark after the start of the file: usually two exports concatenated.
    #[error(
        "{file}: line {line}: a byte-order mark (U+FEFF) inside the file, at byte {byte}; it marks the start \
         of a second export pasted onto the first: remove it (and the second header row, if there is one)"
    )]
    ByteOrderMark {
        /// The file.
        file: PathBuf,
        /// The line it is on.
        line: u64,
        /// Its byte offset in the file.
        byte: u64,
    },
    /// The bytes are not in the encoding the file says or the scenario sets, or in no single one.
    #[error("{file}: line {line}: {problem}; {fix}")]
    Encoding {
        /// The file.
        file: PathBuf,
        /// The line of the first offending byte.
        line: u64,
        /// What is wrong with the bytes.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// The delimiter cannot be told from the header and first rows.
    #[error(
        "{file}: the delimiter is ambiguous: the header and first rows split evenly on {candidates}; set it in \
         the scenario, e.g. [data] delimiter = \"{suggest}\" (or \"tab\")"
    )]
    AmbiguousDelimiter {
        /// The file.
        file: PathBuf,
        /// The delimiters that fit, quoted and listed.
        candidates: String,
        /// The first of them, as a suggestion.
        suggest: String,
    },
    /// A quote opened and never closed: the rest of the file would be one cell.
    #[error(
        "{file}: line {line}: a quote opens a cell that is never closed (the rest of the file would be one \
         cell); close the quote, or double it (\"\") if it is part of the text"
    )]
    UnclosedQuote {
        /// The file.
        file: PathBuf,
        /// The line where the quote opened.
        line: u64,
    },
    /// Two columns with the same header (or two headers meaning the same field).
    #[error(
        "{file}: columns {first_column} (\"{first}\") and {second_column} (\"{second}\") are the same \
         header; which one holds the data is ambiguous: remove or rename one of them"
    )]
    DuplicateHeader {
        /// The file.
        file: PathBuf,
        /// The first header as written.
        first: String,
        /// Its 1-based column.
        first_column: usize,
        /// The second header as written.
        second: String,
        /// Its 1-based column.
        second_column: usize,
    },
    /// Two columns with different headers that both mean one field, and no `[data.columns]` mapping to say
    /// which one holds it (`Country` and `Billing Country`, `Industry` and `Sector`).
    #[error(
        "{file}: columns {columns} could both be the {table} field `{field}`; which one holds it is ambiguous: {fix}"
    )]
    AmbiguousColumns {
        /// The file.
        file: PathBuf,
        /// Which table.
        table: &'static str,
        /// The canonical field.
        field: &'static str,
        /// The two columns, numbered and as written: `6 ("Billing Country") and 7 ("Country")`.
        columns: String,
        /// How to fix it: remove a column, or map the field.
        fix: String,
    },
    /// Slash dates that only read day first and others that only read month first.
    #[error(
        "{file}: writes dates both ways: {day_first} only reads day first (D/M/YYYY), {month_first} only month \
         first (M/D/YYYY); write every date one way (YYYY-MM-DD is never ambiguous) and fix the cells that differ"
    )]
    MixedDateOrder {
        /// The file.
        file: PathBuf,
        /// An example cell that only reads day first: `"25/03/2025" (line 3, column "CloseDate")`.
        day_first: String,
        /// An example cell that only reads month first.
        month_first: String,
    },
    /// Number cells that use a decimal point and others that use a decimal comma.
    #[error(
        "{file}: mixes number formats: {point} reads with a decimal point, {comma} with a decimal comma; \
         write every number one way, or set [data] decimal = \".\" or \",\" and fix the cells that differ"
    )]
    MixedDecimal {
        /// An example cell with a decimal point: `"1,234.5" (line 3, column "Quota")`.
        point: String,
        /// An example cell with a decimal comma.
        comma: String,
        /// The file.
        file: PathBuf,
    },
    /// A history whose stage values say nothing about won and lost (HubSpot pipeline ids, custom names),
    /// with no `[data.stages]` and no closed flag to tell.
    #[error(
        "{file}: the stage column \"{column}\" {why}: {values}; terrasim cannot tell won, lost and open deals \
         apart: list the stages in the scenario, e.g. [data.stages] won = [\"{example}\"] lost = [...] open = \
         [...]"
    )]
    UnmappedStages {
        /// The file.
        file: PathBuf,
        /// The stage column's header.
        column: String,
        /// Why the values cannot be read by name.
        why: String,
        /// The distinct values with their counts, most frequent first (a few).
        values: String,
        /// One value, for the example fix.
        example: String,
    },
    /// A history with no won or lost deal: nothing to calibrate from.
    #[error(
        "{file}: has no closed deal ({open} open opportunities, 0 won, 0 lost); calibration needs won and lost \
         deals: check the stages ([data.stages] won = [...] lost = [...]) or the IsClosed / IsWon columns"
    )]
    NoClosedDeals {
        /// The file.
        file: PathBuf,
        /// Opportunities read, all open.
        open: usize,
    },
    /// Numbers whose separator could be a decimal or a thousands mark, and nothing in the file to decide.
    #[error(
        "{file}: the decimal mark is ambiguous: {example} could be {as_thousands} (thousands separator) or \
         {as_decimal} (decimal mark), and no other number in the file decides it; set it in the scenario: \
         [data] decimal = \".\" (1,200 is twelve hundred) or decimal = \",\" (1,5 is one and a half); see docs/input-formats.md"
    )]
    AmbiguousDecimal {
        /// The file.
        file: PathBuf,
        /// The first ambiguous cell: `"1,200" (line 3, column "Employees")`.
        example: String,
        /// Its value read with a thousands separator.
        as_thousands: String,
        /// Its value read with a decimal mark.
        as_decimal: String,
    },
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
