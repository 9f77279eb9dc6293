//! How a CSV file is written: its encoding, delimiter and decimal mark. Each is decided per file from the
//! file's own evidence unless the scenario's `[data]` sets it; a decision that came from evidence rather
//! than from UTF-8 and commas is declared as an assumption.

/// The text encoding of the data files (`[data] encoding`). Without it, UTF-8 and UTF-16 are recognised
/// by their byte-order mark, and a file that is not UTF-8 is read as Latin-1 or Windows-1252 from the
/// evidence of its bytes, and said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark).
    #[serde(rename = "utf-8", alias = "utf8")]
    Utf8,
    /// UTF-16, little- or big-endian by its byte-order mark (little-endian without one).
    #[serde(rename = "utf-16", alias = "utf16")]
    Utf16,
    /// ISO-8859-1: every byte is the character of the same number.
    #[serde(rename = "latin-1", alias = "iso-8859-1", alias = "latin1")]
    Latin1,
    /// Windows-1252: Latin-1 with printable characters (€, ‘, ’, “, ”, …) in 0x80–0x9F.
    #[serde(rename = "windows-1252", alias = "cp1252")]
    Windows1252,
}

impl Encoding {
    /// The name as the scenario writes it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Latin1 => "latin-1",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// The cell delimiter of the data files (`[data] delimiter`). Without it, `,`, `;` and tab are told apart
/// from the header and the first records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Delimiter {
    /// `,`
    #[serde(rename = ",")]
    Comma,
    /// `;` (spreadsheets in locales with a decimal comma)
    #[serde(rename = ";")]
    Semicolon,
    /// A tab character.
    #[serde(rename = "tab", alias = "\t")]
    Tab,
    /// `|`
    #[serde(rename = "|")]
    Pipe,
}

impl Delimiter {
    /// The delimiter byte.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
            Delimiter::Pipe => b'|',
        }
    }

    /// The name as the scenario writes it.
    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => ",",
            Delimiter::Semicolon => ";",
            Delimiter::Tab => "tab",
            Delimiter::Pipe => "|",
        }
    }
}

/// The decimal mark of numbers and amounts (`[data] decimal`). Without it, each file's number and money
/// columns decide it (`137,5` or `1.234,56` mean a decimal comma; `1.5` or `1,234.56` a decimal point);
/// a file with evidence both ways, or with only cells such as `1,200` that could be either, is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Decimal {
    /// `1,234.56`
    #[serde(rename = ".")]
    Point,
    /// `1.234,56`
    #[serde(rename = ",")]
    Comma,
}

impl Decimal {
    /// The decimal mark.
    pub fn mark(self) -> char {
        match self {
            Decimal::Point => '.',
            Decimal::Comma => ',',
        }
    }
}

/// The `[data]` settings a table is read with (each `None` means: decide from the file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Format {
    pub(crate) encoding: Option<Encoding>,
    pub(crate) delimiter: Option<Delimiter>,
    pub(crate) decimal: Option<Decimal>,
    pub(crate) date_order: Option<DateOrder>,
}

/// Which part of a slash date is the month. Unset, it is decided per file from the file's own dates
/// (`25/06/2025` can only be day first, `06/25/2025` only month first); a file with both is refused, and
/// one whose every slash date reads both ways is read month first and declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DateOrder {
    /// `M/D/YYYY`: US exports (Salesforce and HubSpot in US English).
    #[serde(rename = "mdy")]
    MonthFirst,
    /// `D/M/YYYY`: most other locales.
    #[serde(rename = "dmy")]
    DayFirst,
}

impl Format {
    /// The settings of a scenario's `[data]` table.
    pub(crate) fn of(data: &crate::scenario::DataFiles) -> Self {
        Format {
            encoding: data.encoding,
            delimiter: data.delimiter,
            decimal: data.decimal,
            date_order: data.date_order,
        }
    }
}
