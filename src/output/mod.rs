//! Writing records: JSON Lines, one JSON array, CSV, XLSX; the
//! completeness report of `validate`; the HTML report of `report`.

pub mod csv;
pub mod explain;
pub mod html;
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

/// A document's records written as JSON on the worker that read it, with
/// what the progress counts (see [`Writer::write_rendered`]).
pub struct Rendered {
    bytes: Vec<u8>,
    records: usize,
    pub tally: crate::progress::Tally,
}

impl Format {
    /// JSON Lines and JSON can be written by the workers, a document at a
    /// time, and put together in order by [`Writer::write_rendered`].
    pub fn renders_in_workers(self) -> bool {
        matches!(self, Format::Jsonl | Format::Json)
    }

    /// A document's records in this format (JSON Lines or JSON; records of
    /// a JSON array are joined by commas here, and the array's own
    /// brackets and the commas between documents are the writer's).
    pub fn render(self, records: Vec<Record>) -> Rendered {
        let mut tally = crate::progress::Tally::default();
        tally.add(&records);
        let mut bytes = Vec::with_capacity(8 << 10);
        for (i, r) in records.iter().enumerate() {
            if self == Format::Json && i > 0 {
                bytes.extend_from_slice(b",\n");
            }
            push_json(&mut bytes, r, self == Format::Jsonl);
        }
        Rendered {
            bytes,
            records: records.len(),
            tally,
        }
    }
}

/// One record as JSON: a line of JSON Lines, or pretty for a JSON array.
fn push_json(bytes: &mut Vec<u8>, record: &Record, lines: bool) {
    json::record(bytes, record, !lines);
    if lines {
        bytes.push(b'\n');
    }
}

/// Writes `records` records already in JSON, after the bracket or comma
/// of a JSON array that comes before them.
fn put_json<W: Write>(
    out: &mut W,
    lines: bool,
    count: &mut usize,
    bytes: &[u8],
    records: usize,
) -> std::io::Result<()> {
    if records == 0 {
        return Ok(());
    }
    if !lines {
        out.write_all(if *count == 0 { b"[\n" } else { b",\n" })?;
    }
    *count += records;
    out.write_all(bytes)
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
                push_json(buf, record, *lines);
                put_json(out, *lines, count, buf, 1)
            }
            Writer::Csv(w) => w.write(record),
            Writer::Xlsx(w, _) => w.write(record),
        }
    }

    /// Writes the records a worker rendered (JSON Lines or JSON).
    pub fn write_rendered(&mut self, r: &Rendered) -> std::io::Result<()> {
        match self {
            Writer::Json {
                out, lines, count, ..
            } => put_json(out, *lines, count, &r.bytes, r.records),
            _ => Err(std::io::Error::other(
                "only JSON is rendered by the workers",
            )),
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
