//! Reading a CRM export: the file decoded whole (encoding decided), its delimiter sniffed, its structure
//! checked (empty, header-only, empty rows, duplicate or repeated headers, short and long rows, quoting),
//! header recognition with aliases and explicit mappings, and the file's decimal mark decided from its own
//! number and money cells. Every decision that did not come from the user is kept as a note.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::{DataError, RowError, RowErrors};
use super::format::{Decimal, Delimiter, Format};
use super::numbers::{self, Evidence};
use super::records::{QuoteProblem, Record, Records, Sniffed, sniff};
use crate::market::Assumption;

/// A canonical field and the headers that mean it, normalised (lowercase, alphanumerics only).
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) required: bool,
    /// What the column holds, which decides how its cells are read.
    pub(crate) kind: Kind,
}

/// The kind of value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Free text: ids, names, codes.
    Text,
    /// A plain number: hours, employees, scores, coordinates, months.
    Number,
    /// An amount of money, possibly with a currency symbol or a K/M suffix.
    Money,
    /// A calendar date or datetime.
    Date,
    /// A yes/no flag.
    Flag,
}

/// Lowercase alphanumerics: `Billing State/Province` → `billingstateprovince`, `NumberOfEmployees` →
/// `numberofemployees`, a BOM-prefixed `\u{feff}Id` → `id`.
pub(crate) fn normalise(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// An open CSV file: decoded, its delimiter and decimal mark decided, its columns resolved to fields.
pub(crate) struct Table {
    file: PathBuf,
    table: &'static str,
    headers: Vec<String>,
    /// Cells a row needs: up to the last named header (exports may drop trailing unnamed columns).
    min_width: usize,
    columns: Vec<Option<usize>>,
    text: String,
    delimiter: Delimiter,
    decimal: Decimal,
    notes: Vec<Assumption>,
}

/// One record with access by field.
pub(crate) struct Row<'t> {
    table: &'t Table,
    cells: &'t [Cow<'t, str>],
    pub(crate) line: u64,
}

/// Whether a file may have a header and no rows (carve-outs: none is a fine answer).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Refuse a file without rows.
    Required,
    /// Allow one.
    Optional,
}

/// What a record is, before its cells are read.
enum Shape {
    Data,
    Empty,
    Bad(RowError),
}

/// One cell that shows how the file writes numbers, for the messages.
struct Example {
    raw: String,
    money: bool,
    line: u64,
    column: String,
}

impl std::fmt::Display for Example {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\" (line {}, column \"{}\")", self.raw, self.line, self.column)
    }
}

/// What the first pass over the records found.
#[derive(Default)]
struct Survey {
    /// Records that are data (good or bad).
    rows: u64,
    /// Lines of rows of empty cells.
    empty: Vec<u64>,
    point: Option<Example>,
    comma: Option<Example>,
    either: Option<Example>,
}

impl Table {
    /// Opens `file` and resolves `fields` (explicit `mapping` first, then aliases), reading it with the
    /// scenario's `format` settings. A file without data rows is an error.
    pub(crate) fn open(
        file: &Path,
        table: &'static str,
        fields: &[Field],
        mapping: &BTreeMap<String, String>,
        format: &Format,
    ) -> Result<Self, DataError> {
        let bytes = std::fs::read(file)
            .map_err(|e| DataError::Read { file: file.to_path_buf(), reason: e.to_string() })?;
        Self::from_bytes(file, &bytes, table, fields, mapping, format, Rows::Required)
    }

    /// As [`Table::open`], for a file that may have a header and no rows.
    pub(crate) fn open_optional(
        file: &Path,
        table: &'static str,
        fields: &[Field],
        mapping: &BTreeMap<String, String>,
        format: &Format,
    ) -> Result<Self, DataError> {
        let bytes = std::fs::read(file)
            .map_err(|e| DataError::Read { file: file.to_path_buf(), reason: e.to_string() })?;
        Self::from_bytes(file, &bytes, table, fields, mapping, format, Rows::Optional)
    }

    /// The table of `bytes`, named `file` in messages.
    pub(crate) fn from_bytes(
        file: &Path,
        bytes: &[u8],
        table: &'static str,
        fields: &[Field],
        mapping: &BTreeMap<String, String>,
        format: &Format,
        rows: Rows,
    ) -> Result<Self, DataError> {
        let decoded = super::text::decode(file, bytes, format.encoding)?;
        let mut notes: Vec<Assumption> = decoded.note.into_iter().collect();
        let text = decoded.text;
        if text.trim().is_empty() {
            return Err(DataError::Empty { file: file.to_path_buf(), table });
        }
        let delimiter = decide_delimiter(file, &text, format, &mut notes)?;
        let mut records = Records::new(&text, delimiter.byte());
        let header = match records.next() {
            Some(Ok(header)) => header,
            Some(Err(u)) => return Err(DataError::UnclosedQuote { file: file.to_path_buf(), line: u.line }),
            None => return Err(DataError::Empty { file: file.to_path_buf(), table }),
        };
        if let Some(problem) = header.quote {
            let e = quote_error(&header, problem, &[]);
            return Err(DataError::Rows { file: file.to_path_buf(), errors: vec![e], more: 0 });
        }
        let headers: Vec<String> =
            header.cells.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        duplicate_headers(file, &headers, &normalised)?;
        let columns = resolve_columns(file, table, fields, mapping, &headers, &normalised)?;
        let min_width = headers.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1);
        let mut this = Table {
            file: file.to_path_buf(),
            table,
            headers,
            min_width,
            columns,
            text: String::new(),
            delimiter,
            decimal: Decimal::Point,
            notes: Vec::new(),
        };
        let survey = this.survey(records, fields)?;
        this.decimal = this.decide_decimal(&survey, format, &mut notes)?;
        this.check_rows(&survey, rows, &mut notes)?;
        this.notes = notes;
        this.text = text;
        Ok(this)
    }

    /// First pass: counts rows, notes rows of empty cells, and collects the number cells that show the
    /// decimal mark. Stops at a quote that never closes.
    fn survey(&self, records: Records<'_>, fields: &[Field]) -> Result<Survey, DataError> {
        let mut survey = Survey::default();
        let numeric: Vec<(usize, bool)> = fields
            .iter()
            .zip(&self.columns)
            .filter_map(|(f, c)| match f.kind {
                Kind::Number => c.map(|c| (c, false)),
                Kind::Money => c.map(|c| (c, true)),
                _ => None,
            })
            .collect();
        for record in records {
            let record =
                record.map_err(|u| DataError::UnclosedQuote { file: self.file.clone(), line: u.line })?;
            match self.shape(&record) {
                Shape::Empty => survey.empty.push(record.line),
                Shape::Bad(_) => survey.rows += 1,
                Shape::Data => {
                    survey.rows += 1;
                    for &(c, money) in &numeric {
                        let Some(raw) = record.cells.get(c).map(|c| c.trim()).filter(|c| !c.is_empty())
                        else {
                            continue;
                        };
                        let slot = match numbers::evidence(raw, money) {
                            Evidence::Nothing => continue,
                            Evidence::Point => &mut survey.point,
                            Evidence::Comma => &mut survey.comma,
                            Evidence::Either(_) => &mut survey.either,
                        };
                        if slot.is_none() {
                            *slot = Some(Example {
                                raw: raw.to_string(),
                                money,
                                line: record.line,
                                column: self.headers[c].clone(),
                            });
                        }
                    }
                }
            }
        }
        Ok(survey)
    }

    /// The decimal mark: the scenario's, else the file's evidence; refused when it is mixed or cannot tell.
    fn decide_decimal(
        &self,
        survey: &Survey,
        format: &Format,
        notes: &mut Vec<Assumption>,
    ) -> Result<Decimal, DataError> {
        if let Some(d) = format.decimal {
            return Ok(d);
        }
        match (&survey.point, &survey.comma, &survey.either) {
            (Some(point), Some(comma), _) => Err(DataError::MixedDecimal {
                file: self.file.clone(),
                point: point.to_string(),
                comma: comma.to_string(),
            }),
            (None, Some(comma), _) => {
                notes.push(Assumption::new(
                    "decimal",
                    self.file.display().to_string(),
                    format!(
                        "numbers read with a decimal comma (1.234,5 is 1234.5), as {comma} shows; set [data] \
                         decimal = \",\" to say so"
                    ),
                ));
                Ok(Decimal::Comma)
            }
            (None, None, Some(either)) => {
                let (as_thousands, as_decimal) = numbers::both_readings(&either.raw, either.money);
                Err(DataError::AmbiguousDecimal {
                    file: self.file.clone(),
                    example: either.to_string(),
                    as_thousands,
                    as_decimal,
                })
            }
            _ => Ok(Decimal::Point),
        }
    }

    /// A header with no rows, or only rows of empty cells, is refused where rows are required; skipped rows
    /// of empty cells are noted.
    fn check_rows(&self, survey: &Survey, rows: Rows, notes: &mut Vec<Assumption>) -> Result<(), DataError> {
        let file = self.file.clone();
        match (survey.rows, survey.empty.first(), survey.empty.last(), rows) {
            (0, None, _, Rows::Required) => return Err(DataError::NoRows { file, table: self.table }),
            (0, Some(&first), Some(&last), Rows::Required) => {
                return Err(DataError::OnlyEmptyRows {
                    file,
                    table: self.table,
                    rows: survey.empty.len() as u64,
                    first,
                    last,
                });
            }
            _ => {}
        }
        if !survey.empty.is_empty() {
            let shown: Vec<String> = survey.empty.iter().take(5).map(u64::to_string).collect();
            let more = if survey.empty.len() > 5 { ", ..." } else { "" };
            notes.push(Assumption::new(
                "empty_rows",
                file.display().to_string(),
                format!(
                    "skipped {} row{} of empty cells (line{} {}{more}); delete them to silence this",
                    survey.empty.len(),
                    if survey.empty.len() == 1 { "" } else { "s" },
                    if survey.empty.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                ),
            ));
        }
        Ok(())
    }

    /// Whether a record is data, a row of empty cells, or a row whose structure is wrong.
    fn shape(&self, record: &Record<'_>) -> Shape {
        if let Some(problem) = record.quote {
            return Shape::Bad(quote_error(record, problem, &self.headers));
        }
        if record.cells.iter().all(|c| c.trim().is_empty()) {
            return Shape::Empty;
        }
        let n = record.cells.len();
        let width = self.headers.len();
        let row_error =
            |message: String| RowError { line: record.line, column: String::new(), field: "record", message };
        // Exact text first: a pasted header is a copy, and this runs on every row.
        if n == width
            && record
                .cells
                .iter()
                .zip(&self.headers)
                .all(|(c, h)| c.trim().trim_start_matches('\u{feff}') == h)
        {
            return Shape::Bad(row_error(
                "this row repeats the header row (two exports joined?); remove it".to_string(),
            ));
        }
        if n < self.min_width {
            return Shape::Bad(row_error(format!(
                "the row has {n} cells but the header has {width}: a cell is missing or the row was cut; give \
                 every row one cell per column (empty cells included)"
            )));
        }
        if n > width && record.cells[width..].iter().any(|c| !c.trim().is_empty()) {
            let d = match self.delimiter {
                Delimiter::Tab => "a tab".to_string(),
                d => format!("'{}'", d.name()),
            };
            return Shape::Bad(row_error(format!(
                "the row has {n} cells but the header has {width}: probably a cell that holds {d} without \
                 quotes (the cells after it are shifted); put quotes around that cell"
            )));
        }
        Shape::Data
    }

    /// True when the field has a column.
    pub(crate) fn has(&self, field: usize) -> bool {
        self.columns[field].is_some()
    }

    /// Calls `each` for every data record; records whose structure is wrong (short, long, badly quoted, a
    /// repeated header) are reported as row errors instead, so no cell is read shifted.
    pub(crate) fn for_each(
        &mut self,
        errors: &mut RowErrors,
        mut each: impl FnMut(&Row<'_>, &mut RowErrors),
    ) {
        let table: &Table = self;
        for record in Records::new(&table.text, table.delimiter.byte()).skip(1) {
            let record = match record {
                Ok(r) => r,
                Err(u) => {
                    // The survey refused such a file already; kept so that no path reads past it.
                    errors.push(RowError {
                        line: u.line,
                        column: String::new(),
                        field: "record",
                        message: "a quote opens here and never closes; close it".to_string(),
                    });
                    break;
                }
            };
            match table.shape(&record) {
                Shape::Data => each(&Row { table, cells: &record.cells, line: record.line }, errors),
                Shape::Empty => {}
                Shape::Bad(e) => errors.push(e),
            }
        }
    }

    /// The header of a field's column as the file writes it.
    pub(crate) fn header(&self, field: usize) -> Option<&str> {
        self.columns[field].map(|c| self.headers[c].as_str())
    }

    /// The table name (accounts, reps, plan, carveouts).
    pub(crate) fn name(&self) -> &'static str {
        self.table
    }

    /// What was decided about the file rather than given by the user (its encoding, delimiter or decimal
    /// mark, skipped empty rows), to declare as assumptions.
    pub(crate) fn notes(&self) -> &[Assumption] {
        &self.notes
    }
}

/// The delimiter: the scenario's, else sniffed (a non-comma choice is noted).
fn decide_delimiter(
    file: &Path,
    text: &str,
    format: &Format,
    notes: &mut Vec<Assumption>,
) -> Result<Delimiter, DataError> {
    if let Some(d) = format.delimiter {
        return Ok(d);
    }
    match sniff(text) {
        Sniffed::Chosen(Delimiter::Comma) => Ok(Delimiter::Comma),
        Sniffed::Chosen(d) => {
            notes.push(Assumption::new(
                "delimiter",
                file.display().to_string(),
                format!(
                    "cells read as separated by '{}' (from the header and first rows); set [data] delimiter = \
                     \"{}\" to say so",
                    if d == Delimiter::Tab { "\\t" } else { d.name() },
                    d.name()
                ),
            ));
            Ok(d)
        }
        Sniffed::Ambiguous(candidates) => Err(DataError::AmbiguousDelimiter {
            file: file.to_path_buf(),
            candidates: candidates
                .iter()
                .map(|d| format!("\"{}\"", d.name()))
                .collect::<Vec<_>>()
                .join(" and "),
            suggest: candidates.first().map_or(",", |d| d.name()).to_string(),
        }),
    }
}

fn quote_error(record: &Record<'_>, problem: QuoteProblem, headers: &[String]) -> RowError {
    let (cell, message) = match problem {
        QuoteProblem::Unescaped(c) => (
            c,
            "a quote (\") inside a cell that does not start with one; quote the whole cell and double the \
             quotes inside it: \"Acme \"\"West\"\"\"",
        ),
        QuoteProblem::AfterClosing(c) => (
            c,
            "text after the closing quote of a quoted cell: a quote inside the cell is not doubled; write \"\" \
             for each quote inside a quoted cell",
        ),
    };
    let column = headers.get(cell).cloned().unwrap_or_default();
    let cell_text = record.cells.get(cell).map_or("", |c| c.as_ref());
    let shown: String = cell_text.chars().take(40).collect();
    RowError {
        line: record.line,
        column,
        field: if headers.is_empty() { "header" } else { "record" },
        message: format!("{message} (cell {}: {shown})", cell + 1),
    }
}

/// Two columns with the same header: which one holds the data would be a guess.
fn duplicate_headers(file: &Path, headers: &[String], normalised: &[String]) -> Result<(), DataError> {
    for (j, h) in normalised.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
        if let Some(i) = normalised[..j].iter().position(|n| n == h) {
            return Err(DataError::DuplicateHeader {
                file: file.to_path_buf(),
                first: headers[i].clone(),
                first_column: i + 1,
                second: headers[j].clone(),
                second_column: j + 1,
            });
        }
    }
    Ok(())
}

/// The column of each field: the scenario's mapping first, then the first alias the header has.
fn resolve_columns(
    file: &Path,
    table: &'static str,
    fields: &[Field],
    mapping: &BTreeMap<String, String>,
    headers: &[String],
    normalised: &[String],
) -> Result<Vec<Option<usize>>, DataError> {
    let found = || headers.iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", ");
    for key in mapping.keys() {
        if !fields.iter().any(|f| f.name == key) {
            let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
            return Err(DataError::Read {
                file: file.to_path_buf(),
                reason: format!(
                    "[data.columns.{table}] maps unknown field `{key}`; the fields are {}",
                    known.join(", ")
                ),
            });
        }
    }
    let mut columns = Vec::with_capacity(fields.len());
    for field in fields {
        let column = match mapping.get(field.name) {
            Some(header) => {
                let wanted = normalise(header);
                let at = headers
                    .iter()
                    .position(|h| h == header)
                    .or_else(|| normalised.iter().position(|h| *h == wanted));
                Some(at.ok_or_else(|| DataError::MappedColumnMissing {
                    file: file.to_path_buf(),
                    table,
                    field: field.name.to_string(),
                    header: header.clone(),
                    found: found(),
                })?)
            }
            None => field.aliases.iter().find_map(|alias| normalised.iter().position(|h| h == alias)),
        };
        if column.is_none() && field.required {
            return Err(DataError::MissingColumn {
                file: file.to_path_buf(),
                table,
                field: field.name,
                aliases: field.aliases.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", "),
                found: found(),
            });
        }
        columns.push(column);
    }
    Ok(columns)
}

impl Row<'_> {
    /// The trimmed cell of a field, `None` when the column is absent or the cell empty.
    pub(crate) fn get(&self, field: usize) -> Option<&str> {
        let col = self.table.columns[field]?;
        let cell = self.cells.get(col)?.trim();
        (!cell.is_empty()).then_some(cell)
    }

    /// A row error about a field's cell.
    pub(crate) fn error(&self, field: usize, name: &'static str, message: impl Into<String>) -> RowError {
        let column = self.table.columns[field].map_or(String::new(), |c| self.table.headers[c].clone());
        RowError { line: self.line, column, field: name, message: message.into() }
    }

    /// A number cell read with the file's decimal mark (`1,200` and `1.200` are read as the file writes
    /// numbers, never guessed cell by cell).
    pub(crate) fn parse_number(&self, raw: &str) -> Result<f64, String> {
        numbers::parse_number(raw, self.table.decimal)
    }

    /// An amount of money read with the file's decimal mark: `$1,234,567.00`, `7.358,63 €`, `1.2M`, `350K`.
    /// Negative amounts and NaN are rejected.
    pub(crate) fn parse_money(&self, raw: &str) -> Result<f64, String> {
        numbers::parse_money(raw, self.table.decimal)
    }
}

/// Parses a yes/no cell.
pub(crate) fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" | "customer" | "x" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_HOURS: &[Field] = &[
        Field { name: "id", aliases: &["id"], required: true, kind: Kind::Text },
        Field { name: "hours", aliases: &["hours"], required: false, kind: Kind::Number },
    ];

    fn table(bytes: &[u8]) -> Result<Table, DataError> {
        Table::from_bytes(
            Path::new("t.csv"),
            bytes,
            "t",
            ID_HOURS,
            &BTreeMap::new(),
            &Format::default(),
            Rows::Required,
        )
    }

    /// (line, hours) of every row read, and the row errors as text.
    fn read(bytes: &[u8]) -> (Vec<(u64, Option<f64>)>, Vec<String>) {
        let mut t = table(bytes).unwrap();
        let mut rows = Vec::new();
        let mut errors = RowErrors::default();
        t.for_each(&mut errors, |row, _| {
            rows.push((row.line, row.get(1).map(|h| row.parse_number(h).unwrap())))
        });
        (rows, errors.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn headers_normalise_across_crm_spellings() {
        assert_eq!(normalise("Billing State/Province"), "billingstateprovince");
        assert_eq!(normalise("\u{feff}Id"), "id");
        assert_eq!(normalise("ICP_Fit__c"), "icpfitc");
        assert_eq!(normalise("Number of Employees"), "numberofemployees");
    }

    fn lines_seen(text: &str) -> Vec<u64> {
        read(text.as_bytes()).0.iter().map(|r| r.0).collect()
    }

    #[test]
    fn line_numbers_are_physical_lines_whatever_the_line_endings() {
        let lf = "id,x\na,1\nb,2\n\nc,3\n";
        assert_eq!(lines_seen(lf), vec![2, 3, 5]);
        assert_eq!(lines_seen(&lf.replace('\n', "\r\n")), vec![2, 3, 5]);
        assert_eq!(lines_seen("id,x\r\na,1\r\nb,2"), vec![2, 3]);
        // A quoted newline inside a record: the next record starts two lines on.
        let quoted = "id,x\r\na,\"two\r\nlines\"\r\nb,2\r\n";
        assert_eq!(lines_seen(quoted), vec![2, 4]);
    }

    #[test]
    fn structure_is_named() {
        assert!(matches!(table(b""), Err(DataError::Empty { .. })));
        assert!(matches!(table(b"\xEF\xBB\xBF \r\n"), Err(DataError::Empty { .. })));
        assert!(matches!(table(b"id,hours\n"), Err(DataError::NoRows { .. })));
        assert!(matches!(
            table(b"id,hours\n,\n , \n"),
            Err(DataError::OnlyEmptyRows { rows: 2, first: 2, last: 3, .. })
        ));
        assert!(matches!(
            table(b"id,Hours,hours\n1,2,3\n"),
            Err(DataError::DuplicateHeader { first_column: 2, second_column: 3, .. })
        ));
        assert!(matches!(table(b"id,hours\n1,\"2\n3,4\n"), Err(DataError::UnclosedQuote { line: 2, .. })));
        let (rows, errors) = read(b"id,hours\n1,2\n2\n3,4,5\nid,hours\n4,5 \"x\"\n5,6,\n");
        assert_eq!(rows, vec![(2, Some(2.0)), (7, Some(6.0))]);
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("line 3") && errors[0].contains("has 1 cells but the header has 2"));
        assert!(errors[1].starts_with("line 4") && errors[1].contains("without quotes"));
        assert!(errors[2].starts_with("line 5") && errors[2].contains("repeats the header"));
        assert!(errors[3].starts_with("line 6") && errors[3].contains("column \"hours\""));
        let t = table(b"id,hours\n1,2\n,\n").unwrap();
        assert!(t.notes().iter().any(|n| n.code == "empty_rows" && n.message.contains("line 3")));
    }

    #[test]
    fn delimiter_and_decimal_are_decided_per_file_and_noted() {
        let t = table(b"id;hours\n1;137,5\n2;1.200\n").unwrap();
        let codes: Vec<&str> = t.notes().iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes, ["delimiter", "decimal"]);
        assert_eq!(read(b"id;hours\n1;137,5\n2;1.200\n").0, vec![(2, Some(137.5)), (3, Some(1200.0))]);
        assert_eq!(read(b"id,hours\n1,1.5\n2,\"1,200\"\n").0, vec![(2, Some(1.5)), (3, Some(1200.0))]);
        assert!(matches!(table(b"id,hours\n1,1.5\n2,\"2,5\"\n"), Err(DataError::MixedDecimal { .. })));
        let err = table(b"id,hours\n1,\"1,200\"\n").err().unwrap().to_string();
        assert!(
            err.contains("\"1,200\" (line 2, column \"hours\") could be 1200") && err.contains("1.2"),
            "{err}"
        );
        assert!(matches!(table(b"id,hours;x\n1,2;3\n"), Err(DataError::AmbiguousDelimiter { .. })));
        let comma = Format { decimal: Some(Decimal::Comma), ..Format::default() };
        let t = Table::from_bytes(
            Path::new("t.csv"),
            b"id;hours\n1;1.200\n",
            "t",
            ID_HOURS,
            &BTreeMap::new(),
            &comma,
            Rows::Required,
        )
        .unwrap();
        assert!(t.notes().iter().all(|n| n.code != "decimal"));
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("maybe"), None);
    }
}
