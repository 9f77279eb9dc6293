//! The page around the charts: one HTML document with its stylesheet inline and no script, so that it opens
//! offline and loads nothing; sections, tables and the notes every report carries.

use std::fmt::Write;

use super::contract::Assumption;
use super::format::escape;

/// The stylesheet: the page's layout and the classes the charts draw with.
const STYLE: &str = r#"
:root{--ink:#1d2430;--muted:#667085;--line:#d0d5dd;--grid:#eef0f3;--accent:#2f6fde;--band:#9ebcf0;--bad:#d1432f;--ok:#2f8f5b;}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0;background:#f7f8fa}
main{max-width:1040px;margin:0 auto;padding:24px 28px 64px;background:#fff;min-height:100vh}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:36px 0 8px;padding-top:12px;border-top:1px solid var(--line)}
h3{font-size:15px;margin:20px 0 6px}
p{margin:6px 0}.muted{color:var(--muted)}.note{color:var(--muted);font-size:13px}
.kind{display:inline-block;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#fff;background:var(--accent);border-radius:3px;padding:1px 7px;margin-bottom:6px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:150px}
.card .v{font-size:20px;font-weight:600}.card .k{font-size:12px;color:var(--muted)}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{padding:3px 7px;border-bottom:1px solid var(--grid);text-align:right;white-space:nowrap}
th{font-weight:600;border-bottom:1px solid var(--line);background:#fafbfc;vertical-align:bottom;white-space:normal}
.wide{overflow-x:auto;max-width:100%}
td.t,th.t{text-align:left;white-space:normal}
td.bad{color:var(--bad);font-weight:600}
.scroll{max-height:420px;overflow:auto;border:1px solid var(--grid)}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
svg{display:block;max-width:100%;height:auto;margin:6px 0;font-size:11px}
svg text{fill:var(--ink)}
.tick{fill:var(--muted)}.label{font-size:11px}.value{fill:var(--muted);font-size:10px}
.axis-label{fill:var(--muted);font-size:12px}
.axis{stroke:#98a2b3;stroke-width:1}.grid{stroke:var(--grid);stroke-width:1}
.range{fill:var(--band)}.range.inner{fill:#5b8fe6}.range.flagged{fill:#f0a899}.range.better{fill:#8fd1ab}
.mid{stroke:var(--ink);stroke-width:2}.mid.whisker{stroke-width:1.2}
.reference{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:4 3}.reference-label{fill:var(--bad);font-size:11px}
.band{fill:var(--band);opacity:.7}.median{fill:none;stroke:var(--accent);stroke-width:2.5}.median-dot{fill:var(--accent)}
.plan{stroke:var(--ink);stroke-width:1.5;stroke-dasharray:6 4}.plan-label{font-size:11px}
.marker{stroke-width:1.5;stroke-dasharray:2 2}.marker.hire{stroke:var(--ok)}.marker.departure{stroke:var(--bad)}.marker.backfill{stroke:#8a55c9}
.marker-label{font-size:10px}.marker-label.hire{fill:var(--ok)}.marker-label.departure{fill:var(--bad)}.marker-label.backfill{fill:#8a55c9}
.bar{fill:#7aa2e8}.bar.flagged{fill:var(--bad)}
.point{stroke:#fff;stroke-width:1.5;fill-opacity:.75}.point.front{fill:var(--accent)}.point.dominated{fill:#98a2b3}.point.reference{fill:#fff;stroke:var(--ink);stroke-width:2}
.actual{fill:var(--ink)}.actual.outside{fill:var(--bad)}
.land{fill:#eef1f5;stroke:#b8c0cc;stroke-width:.6}
.pt{stroke:none;opacity:.85}.pt.un{fill:#9aa0a6}
.cf{stroke:#fff;stroke-width:.3}.cf.un{fill:#9aa0a6}.border{fill:none;stroke:#5f6b7a;stroke-width:.5;pointer-events:none}
.map{margin:8px 0}.map figcaption{color:var(--muted);font-size:12px}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:-1px}
.swatch.unowned{background:#9aa0a6}
ul.assumptions{padding-left:18px}ul.assumptions code{font-size:12px;color:var(--muted)}
"#;

/// An HTML document being built, section by section.
#[derive(Debug, Default)]
pub struct Page {
    body: String,
}

impl Page {
    /// Starts a page with its title block: the kind of result, the title and a line of what was run.
    pub fn new(kind: &str, title: &str, subtitle: &str) -> Self {
        let mut body = String::new();
        let _ = write!(
            body,
            r#"<header><span class="kind">{}</span><h1>{}</h1><p class="muted">{}</p></header>"#,
            escape(kind),
            escape(title),
            escape(subtitle)
        );
        Page { body }
    }

    /// A section heading.
    pub fn h2(&mut self, text: &str) {
        let _ = write!(self.body, "<h2>{}</h2>", escape(text));
    }

    /// A sub-heading.
    pub fn h3(&mut self, text: &str) {
        let _ = write!(self.body, "<h3>{}</h3>", escape(text));
    }

    /// A paragraph of plain text.
    pub fn p(&mut self, text: &str) {
        let _ = write!(self.body, "<p>{}</p>", escape(text));
    }

    /// A note in small muted text.
    pub fn note(&mut self, text: &str) {
        let _ = write!(self.body, r#"<p class="note">{}</p>"#, escape(text));
    }

    /// Markup built from escaped parts (a chart, a map).
    pub fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
    }

    /// Key figures as cards: `(label, value)`.
    pub fn cards(&mut self, cards: &[(String, String)]) {
        self.body.push_str(r#"<div class="cards">"#);
        for (k, v) in cards {
            let _ = write!(
                self.body,
                r#"<div class="card"><div class="v">{}</div><div class="k">{}</div></div>"#,
                escape(v),
                escape(k)
            );
        }
        self.body.push_str("</div>");
    }

    /// A table; the first `text_columns` columns are text (left-aligned).
    pub fn table(&mut self, table: &Table) {
        self.body.push_str(&table.render());
    }

    /// The assumptions every result carries, as a list.
    pub fn assumptions(&mut self, assumptions: &[Assumption]) {
        self.h2("Assumptions");
        if assumptions.is_empty() {
            self.p("The result declares no defaults: every figure rests on the scenario's own data.");
            return;
        }
        self.p("What the run rests on that is not the user's data, as the result declares it:");
        self.body.push_str(r#"<ul class="assumptions">"#);
        for a in assumptions {
            let _ = write!(
                self.body,
                "<li><code>{}</code> {}: {}</li>",
                escape(&a.code),
                escape(&a.subject),
                escape(&a.message)
            );
        }
        self.body.push_str("</ul>");
    }

    /// The finished document.
    pub fn finish(self, title: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
             <title>{}</title><style>{STYLE}</style></head><body><main>{}\
             <footer class=\"note\">Written by terrasim {}. This page is self-contained: it loads nothing.</footer>\
             </main></body></html>\n",
            escape(title),
            self.body,
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// An HTML table whose cells are plain text (escaped when rendered).
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
    text_columns: usize,
    scroll: bool,
}

/// One cell: its text and whether it is flagged.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// Drawn in the warning colour.
    pub flag: bool,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell { text, flag: false }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell { text: text.to_string(), flag: false }
    }
}

/// A flagged cell.
pub fn flagged(text: String, flag: bool) -> Cell {
    Cell { text, flag }
}

impl Table {
    /// A table with these column titles, the first `text_columns` of them text.
    pub fn new(header: &[&str], text_columns: usize) -> Self {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            text_columns,
            scroll: false,
        }
    }

    /// Puts the table in a scrolling box (long lists).
    pub fn scrolling(mut self) -> Self {
        self.scroll = true;
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(if self.scroll { r#"<div class="scroll wide">"# } else { r#"<div class="wide">"# });
        out.push_str("<table><thead><tr>");
        for (i, h) in self.header.iter().enumerate() {
            let class = if i < self.text_columns { r#" class="t""# } else { "" };
            let _ = write!(out, "<th{class}>{}</th>", escape(h));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let class = match (i < self.text_columns, cell.flag) {
                    (true, _) => r#" class="t""#,
                    (false, true) => r#" class="bad""#,
                    (false, false) => "",
                };
                let _ = write!(out, "<td{class}>{}</td>", escape(&cell.text));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_one_document_that_loads_nothing() {
        let mut page = Page::new("simulate", "<b>T</b>", "s");
        let mut t = Table::new(&["rep", "x"], 1);
        t.row(vec!["<script>alert(1)</script>".into(), flagged("1".into(), true)]);
        page.table(&t);
        let html = page.finish("t");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
        assert!(
            html.contains(
                "<td class=\"t\">&lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"bad\">1</td>"
            )
        );
        assert!(html.contains("<h1>&lt;b&gt;T&lt;/b&gt;</h1>"));
    }
}
