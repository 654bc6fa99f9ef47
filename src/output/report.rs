//! The completeness report of `formsift validate`: each incomplete form with
//! what is missing or wrong and where, then a summary. As text for people or
//! JSON Lines for machines.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::json;

use crate::record::{Record, Severity};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Lines for people.
    Text,
    /// One JSON object per form, then one summary object.
    Jsonl,
}

/// Issue codes that mean "this field is missing or unanswered".
const MISSING: &[&str] = &["missing_required", "none_checked", "state_unknown"];

/// Writes the report one record at a time, and the summary at the end.
pub struct Report<W: Write> {
    out: W,
    format: ReportFormat,
    all: bool,
    forms: usize,
    complete: usize,
    unreadable: usize,
    missing: BTreeMap<String, usize>,
}

impl<W: Write> Report<W> {
    pub fn new(out: W, format: ReportFormat, all: bool) -> Self {
        Report {
            out,
            format,
            all,
            forms: 0,
            complete: 0,
            unreadable: 0,
            missing: BTreeMap::new(),
        }
    }

    /// Adds one record to the report.
    pub fn add(&mut self, r: &Record) -> std::io::Result<()> {
        self.count(r);
        match self.format {
            ReportFormat::Jsonl => {
                let mut line = json!({
                    "source": r.source, "form_index": r.form_index, "revision": r.revision,
                    "complete": r.complete, "errors": r.errors(), "warnings": r.warnings(),
                    "issues": r.issues,
                });
                if let Some(e) = &r.error {
                    line["error"] = json!(e);
                }
                serde_json::to_writer(&mut self.out, &line)?;
                writeln!(self.out)
            }
            ReportFormat::Text => self.text(r),
        }
    }

    fn count(&mut self, r: &Record) {
        if r.error.is_some() {
            self.unreadable += 1;
            return;
        }
        self.forms += 1;
        self.complete += usize::from(r.complete);
        let mut fields: Vec<&str> = r
            .issues
            .iter()
            .filter(|i| MISSING.contains(&i.code.as_str()))
            .filter_map(|i| i.field.as_deref())
            .collect();
        fields.sort_unstable();
        fields.dedup();
        for f in fields {
            *self.missing.entry(f.to_string()).or_default() += 1;
        }
    }

    fn text(&mut self, r: &Record) -> std::io::Result<()> {
        if let Some(e) = &r.error {
            let message = e
                .message
                .strip_prefix(&format!("{}: ", r.source))
                .unwrap_or(&e.message);
            return writeln!(self.out, "{}: unreadable: {message} [{}]", r.source, e.code);
        }
        if r.complete && !(self.all && r.warnings() > 0) {
            return Ok(());
        }
        let revision = r.revision.as_deref().unwrap_or("revision unknown");
        let state = if r.complete { "complete" } else { "incomplete" };
        writeln!(
            self.out,
            "{} (form {}, {revision}): {state}, {} error(s), {} warning(s)",
            r.source,
            r.form_index.unwrap_or(1),
            r.errors(),
            r.warnings()
        )?;
        let mut issues: Vec<_> = r.issues.iter().collect();
        issues.sort_by_key(|i| (i.severity != Severity::Error, i.line.unwrap_or(0)));
        for i in issues {
            let line = i.line.map_or_else(|| "-".to_string(), |l| l.to_string());
            let severity = if i.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            writeln!(
                self.out,
                "  line {line:>4}  {severity:<7}  {}  [{}]",
                i.message, i.code
            )?;
        }
        Ok(())
    }

    /// Writes the summary and flushes.
    pub fn finish(mut self) -> std::io::Result<W> {
        let mut top: Vec<(&String, &usize)> = self.missing.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        top.truncate(5);
        let incomplete = self.forms - self.complete;
        match self.format {
            ReportFormat::Jsonl => {
                let most: Vec<_> = top
                    .iter()
                    .map(|(f, n)| json!({"field": f, "forms": n}))
                    .collect();
                let summary = json!({"summary": {
                    "forms": self.forms, "complete": self.complete, "incomplete": incomplete,
                    "unreadable": self.unreadable, "most_often_missing": most,
                }});
                serde_json::to_writer(&mut self.out, &summary)?;
                writeln!(self.out)?;
            }
            ReportFormat::Text => {
                if self.forms + self.unreadable > 0 && (incomplete > 0 || self.unreadable > 0) {
                    writeln!(self.out)?;
                }
                writeln!(
                    self.out,
                    "{} form(s) read: {} complete, {incomplete} incomplete; {} file(s) unreadable",
                    self.forms, self.complete, self.unreadable
                )?;
                if !top.is_empty() {
                    let list: Vec<String> = top.iter().map(|(f, n)| format!("{f} ({n})")).collect();
                    writeln!(self.out, "Most often missing: {}", list.join(", "))?;
                }
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }
}
