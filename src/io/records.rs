//! Splitting decoded CSV text into records, quote-aware, with the physical line of each record and the
//! quoting mistakes named rather than read into shifted cells. Also the delimiter sniffer.
//!
//! Only ASCII bytes (the delimiter, `"`, `\r`, `\n`, space) are ever cut at, so every slice falls on a
//! character boundary whatever the text holds.

use std::borrow::Cow;

use super::format::Delimiter;

/// One record: its cells and the line it starts on.
pub(crate) struct Record<'a> {
    pub(crate) line: u64,
    pub(crate) cells: Vec<Cow<'a, str>>,
    /// A quoting mistake in the record, with the (0-based) cell it is in.
    pub(crate) quote: Option<QuoteProblem>,
}

/// A quote where CSV allows none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuoteProblem {
    /// A `"` inside a cell that does not start with one.
    Unescaped(usize),
    /// Text after the closing quote of a quoted cell: a quote inside it that was not doubled.
    AfterClosing(usize),
}

/// A quote that opens a cell and never closes: the line it opened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unclosed {
    pub(crate) line: u64,
}

/// The records of a text, in order; blank lines are skipped (their lines still count).
pub(crate) struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    delimiter: u8,
}

impl<'a> Records<'a> {
    pub(crate) fn new(text: &'a str, delimiter: u8) -> Self {
        Records { text, pos: 0, line: 1, delimiter }
    }

    /// Consumes a line ending at `pos` if there is one; true when it did.
    fn end_of_line(&mut self) -> bool {
        let b = self.text.as_bytes();
        match b.get(self.pos) {
            Some(b'\r') => {
                self.pos += if b.get(self.pos + 1) == Some(&b'\n') { 2 } else { 1 };
                self.line += 1;
                true
            }
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
                true
            }
            _ => false,
        }
    }

    /// A quoted cell whose opening quote is at `self.pos`; leaves `pos` after the closing quote.
    fn quoted(&mut self) -> Result<Cow<'a, str>, Unclosed> {
        let b = self.text.as_bytes();
        let opened = Unclosed { line: self.line };
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut from = self.pos;
        loop {
            match b.get(self.pos) {
                None => {
                    self.pos = b.len();
                    return Err(opened);
                }
                Some(b'"') if b.get(self.pos + 1) == Some(&b'"') => {
                    owned.get_or_insert_with(String::new).push_str(&self.text[from..=self.pos]);
                    self.pos += 2;
                    from = self.pos;
                }
                Some(b'"') => {
                    let tail = &self.text[from..self.pos];
                    self.pos += 1;
                    return Ok(match owned {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                Some(b'\r') if b.get(self.pos + 1) != Some(&b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Advances to the next delimiter or line end (or the end); true when a `"` was passed.
    fn unquoted_until_end(&mut self) -> bool {
        let b = self.text.as_bytes();
        let mut quote = false;
        while let Some(&c) = b.get(self.pos) {
            if c == self.delimiter || c == b'\r' || c == b'\n' {
                break;
            }
            quote |= c == b'"';
            self.pos += 1;
        }
        quote
    }

    fn record(&mut self) -> Result<Record<'a>, Unclosed> {
        let b = self.text.as_bytes();
        let line = self.line;
        let mut cells = Vec::new();
        let mut quote = None;
        loop {
            let start = self.pos;
            let mut lead = self.pos;
            while b.get(lead) == Some(&b' ') {
                lead += 1;
            }
            if b.get(lead) == Some(&b'"') {
                self.pos = lead;
                let cell = self.quoted()?;
                let after = self.pos;
                while b.get(self.pos) == Some(&b' ') {
                    self.pos += 1;
                }
                if self.unquoted_until_end() || self.pos > after && self.text[after..self.pos].trim() != "" {
                    quote = quote.or(Some(QuoteProblem::AfterClosing(cells.len())));
                    cells.push(Cow::Borrowed(&self.text[start..self.pos]));
                } else {
                    cells.push(cell);
                }
            } else {
                if self.unquoted_until_end() {
                    quote = quote.or(Some(QuoteProblem::Unescaped(cells.len())));
                }
                cells.push(Cow::Borrowed(&self.text[start..self.pos]));
            }
            if b.get(self.pos) == Some(&self.delimiter) {
                self.pos += 1;
                continue;
            }
            self.end_of_line();
            return Ok(Record { line, cells, quote });
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Unclosed>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.pos >= self.text.len() {
                return None;
            }
            let record = self.record();
            match &record {
                Ok(r) if r.quote.is_none() && r.cells.len() == 1 && r.cells[0].trim().is_empty() => continue,
                _ => return Some(record),
            }
        }
    }
}

/// The delimiter of a file without a `[data] delimiter`, and whether the file's evidence chose it.
pub(crate) enum Sniffed {
    /// One delimiter fits (or none does, and the comma is kept for the errors to speak).
    Chosen(Delimiter),
    /// Several fit equally well.
    Ambiguous(Vec<Delimiter>),
}

/// Records the sniffer looks at.
const SNIFF_RECORDS: usize = 50;

/// Tells `,`, `;`, tab and `|` apart: a candidate fits when the header splits into two cells or more on it, and
/// fits better the more of the first records have the header's number of cells.
pub(crate) fn sniff(text: &str) -> Sniffed {
    let mut fits: Vec<(Delimiter, usize)> = Vec::new();
    for d in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab, Delimiter::Pipe] {
        let mut records = Records::new(text, d.byte()).take(SNIFF_RECORDS).map_while(Result::ok);
        let Some(header) = records.next() else { continue };
        let width = header.cells.len();
        if width < 2 {
            continue;
        }
        fits.push((d, records.filter(|r| r.cells.len() == width).count()));
    }
    let Some(best) = fits.iter().map(|f| f.1).max() else { return Sniffed::Chosen(Delimiter::Comma) };
    let tied: Vec<Delimiter> = fits.iter().filter(|f| f.1 == best).map(|f| f.0).collect();
    match tied.as_slice() {
        [one] => Sniffed::Chosen(*one),
        _ => Sniffed::Ambiguous(tied),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(u64, Vec<String>, Option<QuoteProblem>)> {
        Records::new(text, b',')
            .map(|r| {
                let r = r.unwrap();
                (r.line, r.cells.iter().map(|c| c.to_string()).collect(), r.quote)
            })
            .collect()
    }

    #[test]
    fn quoting_and_lines() {
        let got = split("a,\"b,\"\"c\"\"\"\r\n\r\n\"x\r\ny\",z\n");
        assert_eq!(got[0], (1, vec!["a".into(), "b,\"c\"".into()], None));
        assert_eq!(got[1], (3, vec!["x\r\ny".into(), "z".into()], None));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn quote_mistakes_are_named() {
        assert_eq!(split("a,b\"c,d\n")[0].2, Some(QuoteProblem::Unescaped(1)));
        assert_eq!(split("a,\"b\"c\",d\n")[0].2, Some(QuoteProblem::AfterClosing(1)));
        let unclosed: Vec<_> = Records::new("a,b\n1,\"open\n2,3\n", b',').collect();
        assert_eq!(unclosed.last().unwrap().as_ref().err(), Some(&Unclosed { line: 2 }));
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert!(matches!(sniff("a;b;c\n1;2,5;3\n"), Sniffed::Chosen(Delimiter::Semicolon)));
        assert!(matches!(sniff("a,b\n\"1;2\",3\n"), Sniffed::Chosen(Delimiter::Comma)));
        assert!(matches!(sniff("a\tb\n1\t2\n"), Sniffed::Chosen(Delimiter::Tab)));
        assert!(matches!(sniff("a|b|c\n1|2,5|3\n"), Sniffed::Chosen(Delimiter::Pipe)));
        // A pipe inside a comma file's cells does not make it a pipe file.
        assert!(matches!(sniff("a,b\nx|y,2\n"), Sniffed::Chosen(Delimiter::Comma)));
        assert!(matches!(sniff("a|b,c\n1|2,3\n"), Sniffed::Ambiguous(_)));
        assert!(matches!(sniff("a,b;c\n1,2;3\n"), Sniffed::Ambiguous(_)));
        assert!(matches!(sniff("id\n1\n"), Sniffed::Chosen(Delimiter::Comma)));
    }
}
