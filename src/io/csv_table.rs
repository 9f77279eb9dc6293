//! Reading a CRM export: the file decoded whole (encoding decided), its delimiter sniffed, its structure
//! checked (empty, header-only, empty rows, duplicate or repeated headers, short and long rows, quoting),
//! header recognition with aliases and explicit mappings (two headers meaning one field refused, or the id
//! column of an id/name pair read), the file's decimal mark decided from its own number and money cells, and
//! the order of day and month in its slash dates from its own date cells. Every decision that did not come
//! from the user is kept as a note.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::{DataError, RowError, RowErrors};
use super::format::{DateOrder, Decimal, Delimiter, Format};
use super::numbers::{self, Evidence};
use super::records::{QuoteProblem, Record, Records, Sniffed, sniff};
use crate::market::{Assumption, days_from_civil};

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
    /// The column and field name of each date field the file has.
    dates: Vec<(usize, &'static str)>,
    /// How the file's slash dates are read.
    date_order: DateOrder,
    notes: Vec<Assumption>,
}

/// What one date cell says about the order of day and month in its file's slash dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateEvidence {
    /// No slash date (`2025-03-04`, a datetime, text), one whose day and month are equal (`3/3/2025`), or
    /// one that no order reads (`13/13/2025`, left to the field's own error).
    Nothing,
    /// Only day first reads it: `25/03/2025`.
    DayFirst,
    /// Only month first reads it: `03/25/2025`.
    MonthFirst,
    /// Both read it, as different days: `03/04/2025`.
    Either,
    /// A slash date whose year does not have four digits: `6/1/25`, `12/1/-5`.
    BadYear,
}

/// The two leading parts and the year of a slash date (`3/4/2025`, `03/04/2025 17:30`) as written, the
/// leading parts of one or two digits; `None` for any other form (`2025/03/04` included).
fn slash_parts(raw: &str) -> Option<(u32, u32, &str)> {
    let token = raw.split_whitespace().next()?;
    let mut parts = token.splitn(3, '/');
    let small = |p: &str| {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
    };
    let a = small(parts.next()?)?;
    let b = small(parts.next()?)?;
    Some((a, b, parts.next()?))
}

/// A year of four digits, 1000 to 9999.
fn four_digit_year(raw: &str) -> Option<i32> {
    (raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with('0'))
        .then(|| raw.parse().ok())?
}

fn date_evidence(raw: &str) -> DateEvidence {
    let Some((a, b, year)) = slash_parts(raw) else { return DateEvidence::Nothing };
    let Some(y) = four_digit_year(year) else { return DateEvidence::BadYear };
    if a == b {
        return DateEvidence::Nothing;
    }
    let month_first = days_from_civil(y, a, b).is_some();
    let day_first = days_from_civil(y, b, a).is_some();
    match (month_first, day_first) {
        (true, true) => DateEvidence::Either,
        (true, false) => DateEvidence::MonthFirst,
        (false, true) => DateEvidence::DayFirst,
        (false, false) => DateEvidence::Nothing,
    }
}

/// A slash date read in `order`, as `YYYY-MM-DD`; `None` when it is no slash date or no day in that order.
fn slash_date_iso(raw: &str, order: DateOrder) -> Option<String> {
    let (a, b, year) = slash_parts(raw)?;
    let y = four_digit_year(year)?;
    let (m, d) = if order == DateOrder::MonthFirst { (a, b) } else { (b, a) };
    days_from_civil(y, m, d)?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The message for a slash date whose year does not have four digits.
fn bad_year_message(raw: &str) -> String {
    let year = slash_parts(raw).map_or("", |p| p.2);
    let why = if !year.is_empty() && year.len() <= 2 && year.bytes().all(|b| b.is_ascii_digit()) {
        format!("a two-digit year (\"{year}\" could be 19{year:0>2} or 20{year:0>2})")
    } else {
        format!("no year of four digits (\"{year}\")")
    };
    format!("\"{raw}\" has {why}; write the year with four digits (M/D/YYYY), or the date as YYYY-MM-DD")
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
    /// A slash date only day first reads, one only month first reads, and one both read.
    day_first: Option<Example>,
    month_first: Option<Example>,
    either_date: Option<Example>,
    /// Slash dates whose year does not have four digits.
    bad_years: RowErrors,
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
        Self::read(file, table, fields, mapping, format, Rows::Required)
    }

    /// As [`Table::open`], for a file that may have a header and no rows.
    pub(crate) fn open_optional(
        file: &Path,
        table: &'static str,
        fields: &[Field],
        mapping: &BTreeMap<String, String>,
        format: &Format,
    ) -> Result<Self, DataError> {
        Self::read(file, table, fields, mapping, format, Rows::Optional)
    }

    fn read(
        file: &Path,
        table: &'static str,
        fields: &[Field],
        mapping: &BTreeMap<String, String>,
        format: &Format,
        rows: Rows,
    ) -> Result<Self, DataError> {
        let bytes = std::fs::read(file)
            .map_err(|e| DataError::Read { file: file.to_path_buf(), reason: e.to_string() })?;
        super::manifest::record_read(table, file, &bytes);
        Self::from_bytes(file, &bytes, table, fields, mapping, format, rows)
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
        let columns = resolve_columns(file, table, fields, mapping, &headers, &normalised, &mut notes)?;
        let dates = fields
            .iter()
            .zip(&columns)
            .filter(|(f, _)| f.kind == Kind::Date)
            .filter_map(|(f, c)| c.map(|c| (c, f.name)))
            .collect();
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
            dates,
            date_order: DateOrder::MonthFirst,
            notes: Vec::new(),
        };
        let mut survey = this.survey(records, fields)?;
        this.decimal = this.decide_decimal(&survey, format, &mut notes)?;
        this.check_rows(&survey, rows, &mut notes)?;
        this.date_order = this.decide_date_order(&mut survey, format.date_order, &mut notes)?;
        this.notes = notes;
        this.text = text;
        Ok(this)
    }

    /// First pass: counts rows, notes rows of empty cells, and collects the number cells that show the
    /// decimal mark and the date cells that show the order of day and month. Stops at a quote that never
    /// closes.
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
                    for &(c, field) in &self.dates {
                        let Some(raw) = record.cells.get(c).map(|c| c.trim()).filter(|c| !c.is_empty())
                        else {
                            continue;
                        };
                        let slot = match date_evidence(raw) {
                            DateEvidence::Nothing => continue,
                            DateEvidence::DayFirst => &mut survey.day_first,
                            DateEvidence::MonthFirst => &mut survey.month_first,
                            DateEvidence::Either => &mut survey.either_date,
                            DateEvidence::BadYear => {
                                survey.bad_years.push(RowError {
                                    line: record.line,
                                    column: self.headers[c].clone(),
                                    field,
                                    message: bad_year_message(raw),
                                });
                                continue;
                            }
                        };
                        if slot.is_none() {
                            *slot = Some(Example {
                                raw: raw.to_string(),
                                money: false,
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

    /// The order of day and month in slash dates, from the file's date cells: a date only day first reads
    /// (`25/03/2025`) decides day first, one only month first reads (`03/25/2025`) month first, and a file
    /// with both is refused. A file whose slash dates all read both ways is read month first (the US export
    /// default) and said so. Years that are not four digits are refused first, cell by cell.
    fn decide_date_order(
        &self,
        survey: &mut Survey,
        setting: Option<DateOrder>,
        notes: &mut Vec<Assumption>,
    ) -> Result<DateOrder, DataError> {
        std::mem::take(&mut survey.bad_years).into_result(&self.file)?;
        // The scenario's word: a cell it cannot read is that cell's error.
        if let Some(order) = setting {
            return Ok(order);
        }
        match (&survey.day_first, &survey.month_first, &survey.either_date) {
            (Some(day_first), Some(month_first), _) => Err(DataError::MixedDateOrder {
                file: self.file.clone(),
                day_first: day_first.to_string(),
                month_first: month_first.to_string(),
            }),
            (Some(day_first), None, _) => {
                let day = slash_parts(&day_first.raw).map_or(0, |p| p.0);
                notes.push(Assumption::new(
                    "date_order",
                    self.file.display().to_string(),
                    format!(
                        "dates with slashes read day first (D/M/YYYY: 03/04/2025 is 2025-04-03), as {day_first} \
                         shows ({day} is no month); dates written YYYY-MM-DD need no such decision"
                    ),
                ));
                Ok(DateOrder::DayFirst)
            }
            (None, None, Some(either)) => {
                let read = slash_date_iso(&either.raw, DateOrder::MonthFirst).unwrap_or_default();
                let other = slash_date_iso(&either.raw, DateOrder::DayFirst).unwrap_or_default();
                notes.push(Assumption::new(
                    "date_order",
                    self.file.display().to_string(),
                    format!(
                        "dates with slashes read month first (M/D/YYYY, the US export default), because nothing \
                         in the file decides: every one reads both ways, and {either} is read as {read}, not \
                         {other}; if the file writes the day first, set [data] date_order = \"dmy\""
                    ),
                ));
                Ok(DateOrder::MonthFirst)
            }
            _ => Ok(DateOrder::MonthFirst),
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
                Shape::Data if table.date_order == DateOrder::DayFirst => {
                    // The callers read dates month first: a day-first file's slash dates are handed over as
                    // the YYYY-MM-DD they mean (a cell no day-first reading fits is passed as written, and
                    // refused by the caller as no date).
                    let mut cells = record.cells;
                    for &(c, _) in &table.dates {
                        if let Some(iso) =
                            cells.get(c).and_then(|raw| slash_date_iso(raw.trim(), DateOrder::DayFirst))
                        {
                            cells[c] = Cow::Owned(iso);
                        }
                    }
                    each(&Row { table, cells: &cells, line: record.line }, errors)
                }
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

/// The tables whose columns the scenario can map (`[data.columns.<table>]`, `ColumnMaps` in
/// `crate::scenario`); the others can only be fixed in the file.
const MAPPABLE: &[&str] = &["accounts", "reps", "plan", "carveouts", "history"];

/// True when `id` is the id column of the record `name` names: `Account Owner ID` of `Account Owner`,
/// `Account ID` of `Account Name`, `Id` of `Name`, `Associated Company IDs` of `Associated Company`
/// (normalised headers).
fn is_id_of(id: &str, name: &str) -> bool {
    let stem = name.strip_suffix("name").unwrap_or(name);
    [name, stem].iter().any(|base| id.strip_prefix(base).is_some_and(|rest| rest == "id" || rest == "ids"))
}

/// The column of each field: the scenario's mapping first, else the column whose header is one of the
/// field's aliases. Two such columns are refused, naming both (the mapping is the fix), except for a record's
/// name and its id (`Account Owner` and `Account Owner ID`): the id column is read, since ids are what the
/// files are joined on, and the choice is noted.
fn resolve_columns(
    file: &Path,
    table: &'static str,
    fields: &[Field],
    mapping: &BTreeMap<String, String>,
    headers: &[String],
    normalised: &[String],
    notes: &mut Vec<Assumption>,
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
            None => by_alias(file, table, field, headers, normalised, notes)?,
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

/// The one column whose header is an alias of `field`; see [`resolve_columns`].
fn by_alias(
    file: &Path,
    table: &'static str,
    field: &Field,
    headers: &[String],
    normalised: &[String],
    notes: &mut Vec<Assumption>,
) -> Result<Option<usize>, DataError> {
    let hits: Vec<usize> =
        (0..normalised.len()).filter(|&c| field.aliases.contains(&normalised[c].as_str())).collect();
    let (first, second) = match hits.as_slice() {
        [] => return Ok(None),
        [one] => return Ok(Some(*one)),
        [first, second, ..] => (*first, *second),
    };
    let id = hits
        .iter()
        .copied()
        .find(|&id| hits.iter().all(|&other| other == id || is_id_of(&normalised[id], &normalised[other])));
    if let Some(id) = id {
        let others: Vec<String> =
            hits.iter().filter(|&&c| c != id).map(|&c| format!("\"{}\"", headers[c])).collect();
        let map = if MAPPABLE.contains(&table) {
            format!(
                "; map [data.columns.{table}] {} = {} to read the other",
                field.name,
                others.first().map_or("", String::as_str)
            )
        } else {
            String::new()
        };
        notes.push(Assumption::new(
            "column_choice",
            file.display().to_string(),
            format!(
                "both \"{}\" and {} could be the {table} field `{}`; read \"{}\" (the id, not the name){map}",
                headers[id],
                others.join(" and "),
                field.name,
                headers[id],
            ),
        ));
        return Ok(Some(id));
    }
    let fix = if MAPPABLE.contains(&table) {
        format!(
            "remove one, or map the field under [data.columns.{table}], e.g. {} = \"{}\"",
            field.name, headers[first]
        )
    } else {
        format!("remove or rename one of them (the {table} file takes no [data.columns] mapping)")
    };
    Err(DataError::AmbiguousColumns {
        file: file.to_path_buf(),
        table,
        field: field.name,
        columns: format!(
            "{} (\"{}\") and {} (\"{}\")",
            first + 1,
            headers[first],
            second + 1,
            headers[second]
        ),
        fix,
    })
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

    const DATES: &[Field] = &[
        Field { name: "id", aliases: &["id"], required: true, kind: Kind::Text },
        Field { name: "close_date", aliases: &["closedate"], required: false, kind: Kind::Date },
        Field { name: "created_date", aliases: &["createddate"], required: false, kind: Kind::Date },
    ];

    fn dated(text: &str) -> Result<Table, DataError> {
        Table::from_bytes(
            Path::new("d.csv"),
            text.as_bytes(),
            "history",
            DATES,
            &BTreeMap::new(),
            &Format::default(),
            Rows::Required,
        )
    }

    /// The close and created cells of a row as the callers get them.
    type DateCells = (Option<String>, Option<String>);

    /// The date cells of every row, and the file's date notes.
    fn read_dates(text: &str) -> (Vec<DateCells>, Vec<String>) {
        let mut t = dated(text).unwrap();
        let mut rows = Vec::new();
        t.for_each(&mut RowErrors::default(), |row, _| {
            rows.push((row.get(1).map(str::to_string), row.get(2).map(str::to_string)))
        });
        let notes = t.notes().iter().filter(|n| n.code == "date_order").map(|n| n.message.clone()).collect();
        (rows, notes)
    }

    #[test]
    fn the_order_of_day_and_month_is_decided_per_file() {
        let s = |v: &str| Some(v.to_string());
        // A day above 12 in first place decides day first for every slash date of the file, both columns.
        let (rows, notes) = read_dates("id,closedate,createddate\n1,25/03/2025,03/04/2025\n2,2025-01-02,\n");
        assert_eq!(rows, vec![(s("2025-03-25"), s("2025-04-03")), (s("2025-01-02"), None)]);
        assert!(
            notes.len() == 1
                && notes[0].contains("day first")
                && notes[0].contains("(25 is no month)")
                && notes[0].contains("\"25/03/2025\" (line 2, column \"closedate\")"),
            "{notes:?}"
        );
        // A day above 12 in second place: month first, the default, with nothing to declare.
        let (rows, notes) = read_dates("id,closedate\n1,03/25/2025\n2,3/4/2025 17:30\n");
        assert_eq!(rows, vec![(s("03/25/2025"), None), (s("3/4/2025 17:30"), None)]);
        assert!(notes.is_empty(), "{notes:?}");
        // Only dates that read both ways: month first, declared with both readings.
        let (rows, notes) = read_dates("id,closedate\n1,03/04/2025\n2,5/5/2025\n");
        assert_eq!(rows[0].0, s("03/04/2025"));
        assert!(
            notes.len() == 1
                && notes[0].contains("month first")
                && notes[0].contains("2025-03-04, not 2025-04-03"),
            "{notes:?}"
        );
        // Equal day and month, or ISO dates only: nothing to decide.
        assert!(read_dates("id,closedate\n1,3/3/2025\n2,2025-03-04\n").1.is_empty());
        // Both ways in one file: refused with an example of each.
        let err =
            dated("id,closedate,createddate\n1,25/03/2025,\n2,,03/25/2025\n").err().unwrap().to_string();
        assert!(
            err.contains("\"25/03/2025\" (line 2, column \"closedate\") only reads day first")
                && err.contains("\"03/25/2025\" (line 3, column \"createddate\") only month first"),
            "{err}"
        );
        // A cell no order reads is left to the caller, as written.
        let (rows, _) = read_dates("id,closedate\n1,25/03/2025\n2,13/13/2025\n");
        assert_eq!(rows[1].0, s("13/13/2025"));
    }

    #[test]
    fn years_without_four_digits_are_refused_cell_by_cell() {
        let err = dated("id,closedate,createddate\n1,6/1/25,6/1/2025\n2,6/1/99,12/1/-5\n").err().unwrap();
        let DataError::Rows { errors, .. } = &err else { panic!("{err}") };
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(
            shown[0]
                .starts_with("line 2, column \"closedate\" (close_date): \"6/1/25\" has a two-digit year")
        );
        assert!(shown[0].contains("1925 or 2025") && shown[0].contains("write the year with four digits"));
        assert!(shown[1].starts_with("line 3") && shown[1].contains("1999 or 2099"));
        assert!(shown[2].starts_with("line 3, column \"createddate\"") && shown[2].contains("\"-5\""));
        assert!(matches!(dated("id,closedate\n1,1/2/0000\n"), Err(DataError::Rows { .. })));
    }

    const OWNERS: &[Field] = &[
        Field { name: "id", aliases: &["id", "recordid"], required: true, kind: Kind::Text },
        Field { name: "country", aliases: &["country", "billingcountry"], required: false, kind: Kind::Text },
        Field {
            name: "owner_id",
            aliases: &["ownerid", "accountowner", "accountownerid"],
            required: false,
            kind: Kind::Text,
        },
    ];

    fn owned(text: &str, table: &'static str, mapping: &[(&str, &str)]) -> Result<Table, DataError> {
        let mapping = mapping.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Table::from_bytes(
            Path::new("a.csv"),
            text.as_bytes(),
            table,
            OWNERS,
            &mapping,
            &Format::default(),
            Rows::Required,
        )
    }

    #[test]
    fn two_headers_meaning_one_field_are_refused_unless_mapped() {
        let err = owned("Id,Country,Billing Country\n1,US,DE\n", "accounts", &[]).err().unwrap();
        assert!(matches!(&err, DataError::AmbiguousColumns { field: "country", .. }));
        let err = err.to_string();
        assert!(
            err.contains(
                "columns 2 (\"Country\") and 3 (\"Billing Country\") could both be the accounts field"
            ) && err.contains("[data.columns.accounts], e.g. country = \"Country\""),
            "{err}"
        );
        let err = owned("Id,Record ID\n1,2\n", "accounts", &[]).err().unwrap().to_string();
        assert!(err.contains("`id`") && err.contains("remove one, or map"), "{err}");
        // A table without mappings names the fix it has.
        let err = owned("Id,Record ID\n1,2\n", "quotas", &[]).err().unwrap().to_string();
        assert!(err.contains("remove or rename one") && !err.contains("[data.columns.quotas]"), "{err}");
        // The mapped header wins, whichever it is.
        let t = owned("Id,Country,Billing Country\n1,US,DE\n", "accounts", &[("country", "Billing Country")])
            .unwrap();
        assert_eq!(t.header(1), Some("Billing Country"));
        assert!(t.notes().is_empty());
    }

    #[test]
    fn of_a_name_and_its_id_the_id_is_read_and_said() {
        let t = owned("Id,Account Owner,Account Owner ID\n1,Ana,R1\n", "accounts", &[]).unwrap();
        assert_eq!(t.header(2), Some("Account Owner ID"));
        let note = t.notes().iter().find(|n| n.code == "column_choice").unwrap();
        assert!(
            note.message.contains("read \"Account Owner ID\"")
                && note.message.contains("owner_id = \"Account Owner\""),
            "{note}"
        );
        let t = owned(
            "Id,Account Owner,Account Owner ID\n1,Ana,R1\n",
            "accounts",
            &[("owner_id", "Account Owner")],
        )
        .unwrap();
        assert_eq!(t.header(2), Some("Account Owner"));
        assert!(t.notes().is_empty());
        assert!(
            is_id_of("id", "name")
                && is_id_of("accountid", "accountname")
                && is_id_of("associatedcompanyids", "associatedcompany")
        );
        assert!(
            !is_id_of("recordid", "id")
                && !is_id_of("hubspotownerid", "companyowner")
                && !is_id_of("name", "id")
        );
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("maybe"), None);
    }
}
