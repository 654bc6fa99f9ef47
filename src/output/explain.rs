//! `formsift explain`: a document as formsift read it, line by line, each
//! line with what took it (the title, the labels it holds, the values read
//! from it, its issues, the text no field took), then the page furniture
//! left out. For people writing or checking a template.

use std::io::Write;

use serde_json::Value;

use crate::pipeline::Explained;
use crate::record::{Record, Severity};

/// ANSI styles, or none when the output is not a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }
    fn title(self, t: &str) -> String {
        self.paint("1;36", t)
    }
    fn label(self, t: &str) -> String {
        self.paint("36", t)
    }
    fn value(self, t: &str) -> String {
        self.paint("32", t)
    }
    fn unplaced(self, t: &str) -> String {
        self.paint("33", t)
    }
    fn error(self, t: &str) -> String {
        self.paint("1;31", t)
    }
    fn warning(self, t: &str) -> String {
        self.paint("35", t)
    }
}

/// Writes what formsift read of one document.
pub fn write(out: &mut dyn Write, e: &Explained, style: Style) -> std::io::Result<()> {
    let Some(first) = e.records.first() else {
        return Ok(());
    };
    if let Some(f) = &first.error {
        writeln!(
            out,
            "{}",
            style.error(&format!("error {}: {}", f.code, f.message))
        )?;
        // A document read but no form of the templates: what was read, to
        // write its template from.
        if !e.lines.is_empty() {
            writeln!(
                out,
                "{}",
                style.dim(&format!("{} line(s) read, none taken:", e.lines.len()))
            )?;
        }
    } else {
        header(out, e, style)?;
    }
    let several = e.records.len() > 1;
    let width = e.lines.last().map_or(1, |l| l.0.to_string().len());
    for (no, place, text, labels) in &e.lines {
        let notes = notes_of(e, *no, labels, style, several);
        if text.trim().is_empty() && notes.is_empty() {
            continue;
        }
        let place = place
            .as_ref()
            .map_or(String::new(), |p| format!("  {}", style.dim(p)));
        writeln!(out, "{no:>width$} │ {text}{place}")?;
        for note in notes {
            writeln!(out, "{:>width$} │   {note}", "")?;
        }
    }
    for (page, text) in &e.furniture {
        let page = page.map_or(String::new(), |p| format!(" (page {p})"));
        writeln!(
            out,
            "{}",
            style.dim(&format!("furniture{page}, not read: {text}"))
        )?;
    }
    if !e.form_fields.is_empty() {
        writeln!(out, "{}", style.dim("fillable form fields (`pdf_field`):"))?;
    }
    for f in &e.form_fields {
        use crate::input::pdf::acroform::FieldValue;
        let value = match &f.value {
            FieldValue::Text(v) => format!("{v:?}"),
            FieldValue::Checked(on) => (if *on { "☒" } else { "☐" }).to_string(),
            FieldValue::Radio(Some(v)) => format!("● {v:?}"),
            FieldValue::Radio(None) => "○ (none chosen)".to_string(),
        };
        writeln!(out, "  {} = {value}", f.name)?;
    }
    Ok(())
}

/// The template, revision and counts, and the issues of whole forms.
fn header(out: &mut dyn Write, e: &Explained, style: Style) -> std::io::Result<()> {
    let first = &e.records[0];
    let several = e.records.len() > 1;
    let revision = first
        .revision
        .as_ref()
        .map_or(String::new(), |r| format!(" · revision {r}"));
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            "template {}{revision} · {} form(s) · {} line(s) read",
            first.template,
            e.records.len(),
            e.lines.len()
        ))
    )?;
    // Issues of a whole form (no line), under the header.
    for (i, r) in e.records.iter().enumerate() {
        for issue in r.issues.iter().filter(|i| i.line.is_none()) {
            writeln!(
                out,
                "      {}",
                issue_text(style, issue, several.then_some(i))
            )?;
        }
    }
    Ok(())
}

/// What took line `no`, one note a thing.
fn notes_of(
    e: &Explained,
    no: usize,
    labels: &[String],
    style: Style,
    several: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    if e.titles.contains(&no) {
        notes.push(style.title("title"));
    }
    for (i, r) in e.records.iter().enumerate() {
        let form = if several {
            format!("form {}: ", i + 1)
        } else {
            String::new()
        };
        for (key, origin) in r.provenance.iter().flat_map(|p| &p.0) {
            let last = origin.last_line.unwrap_or(origin.line);
            if origin.line == no {
                let value = value_at(r, key).map_or("null".to_string(), |v| v.to_string());
                let mut note = format!("{form}{key} = {value}");
                if last > no {
                    note.push_str(&format!(" (to line {last})"));
                }
                notes.push(style.value(&note));
            } else if origin.line < no && no <= last {
                notes.push(style.dim(&format!("{form}{key}, continued")));
            }
        }
        for issue in r.issues.iter().filter(|i| i.line == Some(no)) {
            notes.push(issue_text(style, issue, several.then_some(i)));
        }
        for u in r.unplaced.iter().filter(|u| u.line == no) {
            notes.push(style.unplaced(&format!("{form}unplaced: {:?}", u.text)));
        }
    }
    // The labels of a line no value was read from: where a template's
    // field found its label and nothing after it.
    let valued = notes.len() > usize::from(e.titles.contains(&no));
    if !labels.is_empty() && !valued {
        notes.push(style.label(&format!("label of {}", labels.join(", "))));
    }
    notes
}

fn issue_text(style: Style, issue: &crate::record::Issue, form: Option<usize>) -> String {
    let form = form.map_or(String::new(), |i| format!("form {}: ", i + 1));
    let (word, paint): (&str, fn(Style, &str) -> String) = match issue.severity {
        Severity::Error => ("error", Style::error),
        Severity::Warning => ("warning", Style::warning),
    };
    paint(
        style,
        &format!("{form}{word} {}: {}", issue.code, issue.message),
    )
}

/// The typed value of `key` (`cpf`, `contatos[2].data`) in a record.
fn value_at<'r>(r: &'r Record, key: &str) -> Option<&'r Value> {
    let mut v: Option<&Value> = None;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let here = match v {
            None => r.fields.as_ref()?.get(name)?,
            Some(v) => v.get(name)?,
        };
        v = Some(match index {
            Some(n) => here.get(n.checked_sub(1)?)?,
            None => here,
        });
    }
    v
}
