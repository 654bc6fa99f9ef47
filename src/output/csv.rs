//! CSV: plain RFC 4180 with `,`, or the dialect Excel in a pt-BR locale reads
//! without a wizard (`;`, UTF-8 BOM, CRLF, decimal comma, dd/mm/yyyy dates).
//! Cells that a spreadsheet would run as a formula are neutralized with a
//! leading `'` unless `raw` is asked for.

use std::io::Write;

use super::table::{Cell, Columns};
use crate::record::Record;
use crate::template::Template;

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dialect {
    /// Excel in a pt-BR locale.
    pub excel: bool,
    /// Leave cells that start like a formula as they are.
    pub raw: bool,
}

/// Writes records as CSV rows.
pub struct CsvWriter<'t, W: Write> {
    out: csv::Writer<W>,
    columns: Columns,
    template: &'t Template,
    dialect: Dialect,
}

impl<'t, W: Write> CsvWriter<'t, W> {
    /// Starts the CSV: BOM (Excel) and header.
    pub fn new(mut out: W, template: &'t Template, dialect: Dialect) -> std::io::Result<Self> {
        let mut builder = csv::WriterBuilder::new();
        if dialect.excel {
            out.write_all("\u{feff}".as_bytes())?;
            builder.delimiter(b';').terminator(csv::Terminator::CRLF);
        }
        let columns = Columns::new(template);
        let mut out = builder.from_writer(out);
        out.write_record(&columns.names)?;
        Ok(CsvWriter {
            out,
            columns,
            template,
            dialect,
        })
    }

    /// Writes one record as one row.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        let row = self.columns.row(self.template, record);
        let cells: Vec<String> = row.into_iter().map(|c| render(c, self.dialect)).collect();
        self.out.write_record(&cells)?;
        Ok(())
    }

    /// Flushes and gives the writer back.
    pub fn finish(self) -> std::io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// One cell as text in the dialect.
pub fn render(cell: Cell, d: Dialect) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Int(n) => n.to_string(),
        Cell::Money(m) if d.excel => m.replace('.', ","),
        Cell::Money(m) => m,
        Cell::Date(iso) if d.excel && iso.len() == 10 => {
            format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4])
        }
        Cell::Date(iso) => iso,
        Cell::Bool(b) => b.to_string(),
        Cell::Flag(b) => u8::from(b).to_string(),
        Cell::Text(t) => {
            let t = if d.excel { excel_line_breaks(&t) } else { t };
            if d.raw {
                t
            } else {
                neutralize(t)
            }
        }
    }
}

/// Excel reads only `\r\n` as a line break inside a quoted cell.
fn excel_line_breaks(t: &str) -> String {
    t.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR, or their
/// full-width forms) gets a leading `'` so a spreadsheet shows it as text.
///
/// ```
/// use formsift::output::csv::neutralize;
/// assert_eq!(neutralize("=1+1".into()), "'=1+1");
/// assert_eq!(neutralize("+55 51 9740-3933".into()), "'+55 51 9740-3933");
/// assert_eq!(neutralize("529.982.247-25".into()), "529.982.247-25");
/// ```
pub fn neutralize(t: String) -> String {
    const DANGER: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];
    if t.starts_with(DANGER) {
        format!("'{t}")
    } else {
        t
    }
}
