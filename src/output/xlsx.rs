//! XLSX: a workbook with the sheets "Formulários" (one row per form, typed
//! cells), "Pendências" (one row per issue) and one sheet per list field
//! ("Contatos": one row per contact). Strings are stored as strings, so
//! nothing in a cell runs as a formula.

use std::io::Write;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;

use super::table::{typed, Cell, Columns};
use crate::record::Record;
use crate::template::{FieldId, Kind, Template};

/// Excel's limit on the characters of one cell.
pub const MAX_CELL: usize = 32_767;
/// Excel's limit on the rows of one sheet.
const MAX_ROWS: u32 = 1_048_576;
const TRUNCATED: &str = "…[truncated]";

/// Collects records into a workbook; writes it whole on `finish`.
pub struct XlsxWriter<'t> {
    template: &'t Template,
    columns: Columns,
    forms: Worksheet,
    issues: Worksheet,
    lists: Vec<(FieldId, Worksheet, u32)>,
    form_row: u32,
    issue_row: u32,
    fmt: Formats,
}

struct Formats {
    bold: Format,
    date: Format,
    money: Format,
}

fn err(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl<'t> XlsxWriter<'t> {
    pub fn new(template: &'t Template) -> std::io::Result<Self> {
        let fmt = Formats {
            bold: Format::new().set_bold(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            money: Format::new().set_num_format("#,##0.00"),
        };
        let columns = Columns::new(template);
        let mut forms = sheet("Formulários", &columns.names, &fmt)?;
        forms.set_freeze_panes(1, 0).map_err(err)?;
        let issue_names = [
            "source",
            "form_index",
            "severity",
            "field",
            "code",
            "message",
            "line",
        ];
        let issues = sheet("Pendências", &issue_names, &fmt)?;
        let mut lists = Vec::new();
        for &id in &template.top {
            let f = &template.fields[id];
            if f.kind != Kind::List {
                continue;
            }
            let mut names = vec![
                "source".to_string(),
                "form_index".to_string(),
                "numero".to_string(),
            ];
            for &c in &f.children {
                names.push(template.fields[c].key.clone());
                if let Some(m) = &template.fields[c].messages {
                    names.push(m.clone());
                }
            }
            let mut title = f.key.clone();
            title[..1].make_ascii_uppercase();
            lists.push((id, sheet(&title, &names, &fmt)?, 1));
        }
        Ok(XlsxWriter {
            template,
            columns,
            forms,
            issues,
            lists,
            form_row: 1,
            issue_row: 1,
            fmt,
        })
    }

    /// Adds one record: its row, its issues, its list entries.
    pub fn write(&mut self, r: &Record) -> std::io::Result<()> {
        if self.form_row >= MAX_ROWS {
            return Err(std::io::Error::other(format!(
                "more than {} forms do not fit one XLSX sheet: use --format csv",
                MAX_ROWS - 1
            )));
        }
        let row = self.columns.row(self.template, r);
        for (col, cell) in row.into_iter().enumerate() {
            let name = self.columns.names[col].clone();
            self.put_forms(col as u16, cell, r, &name)?;
        }
        self.form_row += 1;
        let index = r.form_index.map(|i| i as f64);
        if let Some(e) = &r.error {
            let line = [
                Cell::Text(r.source.clone()),
                Cell::Empty,
                Cell::Text("error".into()),
                Cell::Empty,
                Cell::Text(e.code.clone()),
                Cell::Text(e.message.clone()),
                Cell::Empty,
            ];
            self.issue_line(&line)?;
        }
        for i in &r.issues {
            let severity = serde_json::to_value(i.severity).map_err(std::io::Error::other)?;
            let line = [
                Cell::Text(r.source.clone()),
                index.map_or(Cell::Empty, |n| Cell::Int(n as i64)),
                Cell::Text(severity.as_str().unwrap_or_default().to_string()),
                i.field.clone().map_or(Cell::Empty, Cell::Text),
                Cell::Text(i.code.clone()),
                Cell::Text(i.message.clone()),
                i.line.map_or(Cell::Empty, |l| Cell::Int(l as i64)),
            ];
            self.issue_line(&line)?;
        }
        self.list_rows(r)
    }

    fn put_forms(&mut self, col: u16, cell: Cell, r: &Record, name: &str) -> std::io::Result<()> {
        let row = self.form_row;
        if let Cell::Text(t) = &cell {
            if t.chars().count() > MAX_CELL {
                let cut: String = t
                    .chars()
                    .take(MAX_CELL - TRUNCATED.chars().count())
                    .collect();
                put(
                    &mut self.forms,
                    &self.fmt,
                    row,
                    col,
                    Cell::Text(cut + TRUNCATED),
                )?;
                let message = format!(
                    "column {name}: {} characters cut to {MAX_CELL}, Excel's limit for a cell",
                    t.chars().count()
                );
                let line = [
                    Cell::Text(r.source.clone()),
                    r.form_index.map_or(Cell::Empty, |i| Cell::Int(i as i64)),
                    Cell::Text("warning".into()),
                    Cell::Text(name.to_string()),
                    Cell::Text("cell_truncated".into()),
                    Cell::Text(message),
                    Cell::Empty,
                ];
                return self.issue_line(&line);
            }
        }
        put(&mut self.forms, &self.fmt, row, col, cell)
    }

    fn issue_line(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        for (col, c) in cells.iter().enumerate() {
            put(
                &mut self.issues,
                &self.fmt,
                self.issue_row,
                col as u16,
                c.clone(),
            )?;
        }
        self.issue_row += 1;
        Ok(())
    }

    fn list_rows(&mut self, r: &Record) -> std::io::Result<()> {
        let t = self.template;
        for (id, ws, row) in &mut self.lists {
            let f = &t.fields[*id];
            let Some(Value::Array(entries)) = r.fields.as_ref().and_then(|m| m.get(&f.key)) else {
                continue;
            };
            for e in entries {
                let mut cells = vec![
                    Cell::Text(r.source.clone()),
                    r.form_index.map_or(Cell::Empty, |i| Cell::Int(i as i64)),
                    e["numero"].as_i64().map_or(Cell::Empty, Cell::Int),
                ];
                for &c in &f.children {
                    let child = &t.fields[c];
                    cells.push(typed(t, c, e.get(&child.key)));
                    if let Some(m) = &child.messages {
                        let n = e.get(m).and_then(Value::as_array).map_or(0, Vec::len);
                        cells.push(Cell::Int(n as i64));
                    }
                }
                for (col, cell) in cells.into_iter().enumerate() {
                    let cell = match cell {
                        Cell::Text(s) if s.chars().count() > MAX_CELL => Cell::Text(
                            s.chars()
                                .take(MAX_CELL - TRUNCATED.chars().count())
                                .collect::<String>()
                                + TRUNCATED,
                        ),
                        c => c,
                    };
                    put(ws, &self.fmt, *row, col as u16, cell)?;
                }
                *row += 1;
            }
        }
        Ok(())
    }

    /// Finishes the sheets (filters, widths) and writes the workbook.
    pub fn finish(mut self, out: &mut dyn Write) -> std::io::Result<()> {
        let last_col = self.columns.names.len() as u16 - 1;
        self.forms
            .autofilter(0, 0, self.form_row - 1, last_col)
            .map_err(err)?;
        self.issues
            .autofilter(0, 0, self.issue_row - 1, 6)
            .map_err(err)?;
        let mut book = Workbook::new();
        for mut ws in [self.forms, self.issues]
            .into_iter()
            .chain(self.lists.into_iter().map(|(_, ws, _)| ws))
        {
            ws.autofit_to_max_width(480);
            book.push_worksheet(ws);
        }
        out.write_all(&book.save_to_buffer().map_err(err)?)
    }
}

fn sheet<S: AsRef<str>>(name: &str, header: &[S], fmt: &Formats) -> std::io::Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(name).map_err(err)?;
    for (col, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, h.as_ref(), &fmt.bold)
            .map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    Ok(ws)
}

fn put(ws: &mut Worksheet, fmt: &Formats, row: u32, col: u16, cell: Cell) -> std::io::Result<()> {
    let result = match cell {
        Cell::Empty => return Ok(()),
        Cell::Text(s) => ws.write_string(row, col, s).map(|_| ()),
        Cell::Int(n) => ws.write_number(row, col, n as f64).map(|_| ()),
        Cell::Flag(b) => ws
            .write_number(row, col, f64::from(u8::from(b)))
            .map(|_| ()),
        Cell::Bool(b) => ws.write_boolean(row, col, b).map(|_| ()),
        Cell::Money(m) => match m.parse::<f64>() {
            Ok(v) => ws
                .write_number_with_format(row, col, v, &fmt.money)
                .map(|_| ()),
            Err(_) => ws.write_string(row, col, m).map(|_| ()),
        },
        Cell::Date(iso) => match date(&iso) {
            Some(d) => ws
                .write_date_with_format(row, col, &d, &fmt.date)
                .map(|_| ()),
            None => ws.write_string(row, col, iso).map(|_| ()),
        },
    };
    result.map_err(err)
}

fn date(iso: &str) -> Option<ExcelDateTime> {
    let mut parts = iso.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ExcelDateTime::from_ymd(
        u16::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(d).ok()?,
    )
    .ok()
}
