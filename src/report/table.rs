use super::html::format::{Unit, num};

/// A plain-text table with right-aligned numeric columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    left: usize,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: &[&str]) -> Self {
        Table { left: 1, header: header.iter().map(|s| s.to_string()).collect(), rows: Vec::new() }
    }

    /// Left-aligns the first `n` columns (text); the rest are right-aligned (numbers).
    pub fn left_aligned(mut self, n: usize) -> Self {
        self.left = n;
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders the table.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| -> String {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate().take(cols) {
                let pad = widths[i] - cell.chars().count();
                if i > 0 {
                    out.push_str("  ");
                }
                if i < self.left {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            out.trim_end().to_string() + "\n"
        };
        let mut out = line(&self.header);
        out.push_str(&line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>()));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// Money, compact with three significant figures: `12.3K`, `4.56M` (the report's one formatter).
pub fn money(x: f64) -> String {
    num(x, Unit::Money)
}

/// A share as a percentage: `87.5%`.
pub fn pct(x: f64) -> String {
    num(x, Unit::Share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&["rep", "accounts"]);
        t.row(vec!["R1".into(), "5".into()]);
        t.row(vec!["Zoë".into(), "1200".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "rep  accounts");
        assert_eq!(lines[2], "R1          5");
        assert_eq!(lines[3], "Zoë      1200");
        assert_eq!(money(1_234_567.0), "1.23M");
        assert_eq!(pct(0.875), "87.5%");
        assert_eq!(money(-12_345.0), "−12.3K");
    }
}
