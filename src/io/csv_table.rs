//! Reading a CRM export: header recognition with aliases and explicit mappings, and cell parsers for the
//! shapes exports take (BOM, CRLF, quoted newlines, thousands separators, currency symbols).

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use super::error::{DataError, RowError, RowErrors};

/// A canonical field and the headers that mean it, normalised (lowercase, alphanumerics only).
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) required: bool,
    /// What the column holds, which decides how its cells are read.
    #[expect(dead_code, reason = "read by the per-file number-format detection that comes next")]
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

/// An open CSV file with its columns resolved to fields.
pub(crate) struct Table {
    table: &'static str,
    headers: Vec<String>,
    columns: Vec<Option<usize>>,
    reader: csv::Reader<LineCounter<std::fs::File>>,
    newlines: Rc<RefCell<Newlines>>,
}

/// Byte offsets of the line terminators (`\r`, `\n`) read so far, to turn a record's byte offset into its
/// physical line. The csv crate's own line count is one short in CRLF files and after blank lines.
#[derive(Default)]
struct Newlines {
    /// Terminators not yet passed by a record, in file order: (offset, is `\n`).
    pending: VecDeque<(u64, bool)>,
    /// `\n` bytes before the first pending terminator.
    passed: u64,
}

impl Newlines {
    /// The 1-based physical line of a record that the csv reader says starts at byte `offset` (records arrive
    /// in file order). The reader may place the start on terminators before the record's first byte (the
    /// `\n` of a CRLF, blank lines): they are skipped, and the line is that of the first byte of content.
    fn line_of(&mut self, mut offset: u64) -> u64 {
        while let Some(&(at, newline)) = self.pending.front() {
            if at > offset {
                break;
            }
            if at == offset {
                offset += 1;
            }
            self.pending.pop_front();
            self.passed += u64::from(newline);
        }
        self.passed + 1
    }
}

/// A reader that notes where the newlines are as the csv reader pulls bytes through it.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: Rc<RefCell<Newlines>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate().filter(|(_, b)| matches!(b, b'\n' | b'\r')) {
            newlines.pending.push_back((self.offset + i as u64, *b == b'\n'));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// One record with access by field.
pub(crate) struct Row<'t> {
    table: &'t Table,
    record: &'t csv::StringRecord,
    pub(crate) line: u64,
}

impl Table {
    /// Opens `file` and resolves `fields` (explicit `mapping` first, then aliases).
    pub(crate) fn open(
        file: &Path,
        table: &'static str,
        fields: &[Field],
        mapping: &BTreeMap<String, String>,
    ) -> Result<Self, DataError> {
        let read_err =
            |e: &dyn std::fmt::Display| DataError::Read { file: file.to_path_buf(), reason: e.to_string() };
        let handle = std::fs::File::open(file).map_err(|e| read_err(&e))?;
        let newlines = Rc::new(RefCell::new(Newlines::default()));
        let counted = LineCounter { inner: handle, offset: 0, newlines: Rc::clone(&newlines) };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(counted);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| read_err(&e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
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
        Ok(Table { table, headers, columns, reader, newlines })
    }

    /// True when the field has a column.
    pub(crate) fn has(&self, field: usize) -> bool {
        self.columns[field].is_some()
    }

    /// Calls `each` for every record; records the parser cannot read are reported as row errors.
    pub(crate) fn for_each(
        &mut self,
        errors: &mut RowErrors,
        mut each: impl FnMut(&Row<'_>, &mut RowErrors),
    ) {
        let mut record = csv::StringRecord::new();
        loop {
            let at = self.reader.position().byte();
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let line = self.newlines.borrow_mut().line_of(record.position().map_or(at, |p| p.byte()));
                    // Split borrow: the row needs `self` immutably while the reader is done with this record.
                    let table: &Table = self;
                    each(&Row { table, record: &record, line }, errors);
                }
                Err(e) => {
                    let line = self.newlines.borrow_mut().line_of(e.position().map_or(at, |p| p.byte()));
                    errors.push(RowError {
                        line,
                        column: String::new(),
                        field: "record",
                        message: format!("{e}; check the quoting of this line"),
                    });
                    if !matches!(
                        e.kind(),
                        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                    ) {
                        break;
                    }
                }
            }
        }
    }

    /// The table name (accounts, reps, plan, carveouts).
    pub(crate) fn name(&self) -> &'static str {
        self.table
    }
}

impl Row<'_> {
    /// The trimmed cell of a field, `None` when the column is absent or the cell empty.
    pub(crate) fn get(&self, field: usize) -> Option<&str> {
        let col = self.table.columns[field]?;
        let cell = self.record.get(col)?.trim();
        (!cell.is_empty()).then_some(cell)
    }

    /// A row error about a field's cell.
    pub(crate) fn error(&self, field: usize, name: &'static str, message: impl Into<String>) -> RowError {
        let column = self.table.columns[field].map_or(String::new(), |c| self.table.headers[c].clone());
        RowError { line: self.line, column, field: name, message: message.into() }
    }
}

/// Parses an amount of money as exports write it: `$1,234,567.00`, `€ 12 000`, `1.2M`, `350K`. Negative
/// amounts and NaN are rejected.
pub(crate) fn parse_money(raw: &str) -> Result<f64, String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '$' | '€' | '£' | '¥' | ',' | '_' | '\'') && !c.is_whitespace())
        .collect();
    let cleaned = cleaned
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() && c.is_uppercase() && cleaned.len() > 3);
    let (number, scale) = match cleaned.chars().last() {
        Some('k' | 'K') => (&cleaned[..cleaned.len() - 1], 1e3),
        Some('m' | 'M') => (&cleaned[..cleaned.len() - 1], 1e6),
        Some('b' | 'B') => (&cleaned[..cleaned.len() - 1], 1e9),
        _ => (cleaned, 1.0),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("\"{raw}\" is not an amount; write it like 1234567.89 or $1,234,567"))?;
    let value = value * scale;
    if !value.is_finite() {
        return Err(format!("\"{raw}\" is not a finite amount"));
    }
    if value < 0.0 {
        return Err(format!("{raw} is negative; amounts must be zero or more"));
    }
    Ok(value)
}

/// Parses a finite number, allowing thousands separators.
pub(crate) fn parse_number(raw: &str) -> Result<f64, String> {
    let cleaned: String = raw.chars().filter(|c| *c != ',' && *c != '_' && !c.is_whitespace()).collect();
    let value: f64 = cleaned.parse().map_err(|_| format!("\"{raw}\" is not a number"))?;
    if value.is_finite() { Ok(value) } else { Err(format!("\"{raw}\" is not a finite number")) }
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

    #[test]
    fn headers_normalise_across_crm_spellings() {
        assert_eq!(normalise("Billing State/Province"), "billingstateprovince");
        assert_eq!(normalise("\u{feff}Id"), "id");
        assert_eq!(normalise("ICP_Fit__c"), "icpfitc");
        assert_eq!(normalise("Number of Employees"), "numberofemployees");
    }

    #[test]
    fn money_in_export_shapes() {
        assert_eq!(parse_money("$1,234,567.00"), Ok(1_234_567.0));
        assert_eq!(parse_money("€ 12 000"), Ok(12_000.0));
        assert_eq!(parse_money("1.2M"), Ok(1_200_000.0));
        assert_eq!(parse_money("350K"), Ok(350_000.0));
        assert_eq!(parse_money("USD 5,000"), Ok(5_000.0));
        assert!(parse_money("-5").is_err());
        assert!(parse_money("NaN").is_err());
        assert!(parse_money("lots").is_err());
    }

    fn lines_seen(text: &str) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.csv");
        std::fs::write(&file, text).unwrap();
        let fields = [Field { name: "id", aliases: &["id"], required: true, kind: Kind::Text }];
        let mut table = Table::open(&file, "t", &fields, &BTreeMap::new()).unwrap();
        let mut lines = Vec::new();
        let mut errors = RowErrors::default();
        table.for_each(&mut errors, |row, _| lines.push(row.line));
        lines
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
    fn numbers_and_booleans() {
        assert_eq!(parse_number("1,200"), Ok(1200.0));
        assert!(parse_number("inf").is_err());
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("maybe"), None);
    }
}
