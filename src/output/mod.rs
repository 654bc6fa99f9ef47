//! Writing records: JSON Lines (one compact object per line) or one JSON
//! array; and the completeness report.

pub mod report;

use std::io::Write;

use crate::record::Record;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One record per line.
    Jsonl,
    /// One pretty-printed JSON array.
    Json,
}

/// Writes records one at a time, in a format.
pub struct Writer<W: Write> {
    out: W,
    format: Format,
    count: usize,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, format: Format) -> Self {
        Writer {
            out,
            format,
            count: 0,
        }
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer_pretty(&mut self.out, record)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Closes the output (the end of the JSON array) and flushes it.
    pub fn finish(mut self) -> std::io::Result<W> {
        if self.format == Format::Json {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}
