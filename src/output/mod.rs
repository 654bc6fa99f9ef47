//! Writing records: JSON Lines, one JSON array, CSV, XLSX; and the
//! completeness report of `validate`.

pub mod csv;
pub mod json;
pub mod report;
pub mod table;
pub mod xlsx;

use std::io::Write;

use crate::record::Record;
use crate::template::Template;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One record per line.
    Jsonl,
    /// One pretty-printed JSON array.
    Json,
    /// One row per form (see --excel and --raw).
    Csv,
    /// A workbook (needs -o FILE.xlsx).
    Xlsx,
}

/// Writes records one at a time in a format.
pub enum Writer<'t, W: Write> {
    Json {
        out: W,
        lines: bool,
        count: usize,
        buf: Vec<u8>,
    },
    Csv(Box<csv::CsvWriter<'t, W>>),
    Xlsx(Box<xlsx::XlsxWriter<'t>>, W),
}

impl<'t, W: Write> Writer<'t, W> {
    /// Starts the output (a CSV header, for instance).
    pub fn new(
        out: W,
        format: Format,
        template: &'t Template,
        dialect: csv::Dialect,
    ) -> std::io::Result<Self> {
        Ok(match format {
            Format::Jsonl | Format::Json => Writer::Json {
                out,
                lines: format == Format::Jsonl,
                count: 0,
                buf: Vec::new(),
            },
            Format::Csv => Writer::Csv(Box::new(csv::CsvWriter::new(out, template, dialect)?)),
            Format::Xlsx => Writer::Xlsx(Box::new(xlsx::XlsxWriter::new(template)?), out),
        })
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        match self {
            Writer::Json {
                out,
                lines,
                count,
                buf,
            } => {
                buf.clear();
                if !*lines {
                    buf.extend_from_slice(if *count == 0 { b"[\n" } else { b",\n" });
                }
                json::record(buf, record, !*lines);
                if *lines {
                    buf.push(b'\n');
                }
                *count += 1;
                out.write_all(buf)
            }
            Writer::Csv(w) => w.write(record),
            Writer::Xlsx(w, _) => w.write(record),
        }
    }

    /// Ends the output (the JSON array's bracket, the workbook) and flushes.
    pub fn finish(self) -> std::io::Result<W> {
        let mut out = match self {
            Writer::Json {
                mut out,
                lines,
                count,
                ..
            } => {
                if !lines {
                    out.write_all(if count == 0 { b"[]\n" } else { b"\n]\n" })?;
                }
                out
            }
            Writer::Csv(w) => w.finish()?,
            Writer::Xlsx(w, mut out) => {
                w.finish(&mut out)?;
                out
            }
        };
        out.flush()?;
        Ok(out)
    }
}
