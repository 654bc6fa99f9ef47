//! `formsift report`: one self-contained HTML file that answers at a
//! glance how complete a batch is, what is missing most, and how every
//! checkbox group was answered. Charts are inline SVG ([`svg`]), styles
//! and the few lines of script (sorting and filtering the tables) inline;
//! nothing is fetched. The aggregates the page shows are embedded as JSON
//! (`<script type="application/json" id="summary">`).
//!
//! The batch is streamed: each worker turns its records into
//! [`summary::Digest`]s, and the writer sums them; only counts and the
//! first [`summary::MAX_FORMS`] incomplete forms are kept.

pub mod summary;
pub mod svg;

use std::fmt::Write as _;
use std::io::Write;
use std::time::{Duration, SystemTime};

use crate::progress::Tally;
use crate::record::Record;
use crate::template::Template;
use summary::{Digest, Plan, Summary, TemplateSummary};
use svg::{esc, Bar, Series, HALF, LONG, WIDE};

/// What the report is made with: the templates' plans.
pub struct Report<'t> {
    templates: &'t [Template],
    plans: Vec<Plan>,
}

/// How the batch ran, for the header.
pub struct Run {
    pub started: SystemTime,
    pub took: Duration,
    /// `none`, `mask` or `hash`.
    pub redact: &'static str,
}

impl<'t> Report<'t> {
    /// `date`: the field forms are counted by per month (else each
    /// template's first date field).
    pub fn new(templates: &'t [Template], date: Option<&str>) -> Report<'t> {
        let plans = templates.iter().map(|t| Plan::new(t, date)).collect();
        Report { templates, plans }
    }

    /// The digests of one document's records (on the worker that read it).
    pub fn digest(&self, records: Vec<Record>) -> (Tally, Vec<Digest>) {
        let mut tally = Tally::default();
        tally.add(&records);
        let digests = records
            .into_iter()
            .map(|r| Digest::of(self.templates, &self.plans, r))
            .collect();
        (tally, digests)
    }

    /// An empty summary of a batch of `files` files.
    pub fn summary(&self, files: usize) -> Summary {
        Summary::new(self.templates, &self.plans, files)
    }

    /// Adds a document's digests.
    pub fn add(&self, summary: &mut Summary, digests: Vec<Digest>) {
        for d in digests {
            summary.add(&self.plans, d);
        }
    }

    /// Writes the page.
    pub fn write(&self, out: &mut dyn Write, mut s: Summary, run: &Run) -> std::io::Result<()> {
        s.finish();
        out.write_all(page(&s, run).as_bytes())
    }
}

/// The aggregates as the JSON the page embeds.
pub fn summary_json(s: &Summary, run: &Run) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut v {
        let mut head = serde_json::Map::new();
        head.insert("formsift".into(), env!("CARGO_PKG_VERSION").into());
        head.insert("generated".into(), timestamp(run.started).into());
        head.insert(
            "seconds".into(),
            serde_json::json!((run.took.as_secs_f64() * 1000.0).round() / 1000.0),
        );
        head.insert("redact".into(), run.redact.into());
        head.extend(std::mem::take(map));
        *map = head;
    }
    v
}

/// `2026-12-07T10:04:05Z` (UTC), from days since 1970 by the civil
/// calendar (Howard Hinnant's `civil_from_days`): one conversion is not
/// worth a date crate.
fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// How the states of a group's answers are drawn, in the order of
/// [`summary::STATES`]: the CSS class and the label.
const STATE_LOOKS: [(&str, &str); summary::STATES.len()] = [
    ("none", "(none checked)"),
    ("invalid", "(more than one checked)"),
    ("unknown", "(unknown: marks lost)"),
    ("np", "(not on the form)"),
];

/// What an issue code means, for the codes formsift gives.
fn meaning(code: &str) -> &'static str {
    match code {
        "missing_required" => "a required field is empty or not on the form",
        "none_checked" => "a group that needs an answer has no box checked",
        "state_unknown" => "a rule needed a group whose marks the export lost",
        "marks_lost" => "the export lost the group's checkbox marks",
        "mark_unreadable" => "a box's mark cannot be read",
        "mark_unassigned" => "a checked box that is none of the group's options",
        "multiple_checked" => "more than one box of a single-choice group",
        "invalid_check_digit" => "a CPF or CNPJ whose check digits are wrong",
        "invalid_cpf" | "invalid_cnpj" => "not a CPF or CNPJ",
        "invalid_date" | "invalid_period" => "not a date or period",
        "invalid_money" | "invalid_integer" => "not an amount or number",
        "invalid_uf" => "not a Brazilian state",
        "date_order" => "dates out of order",
        "reason_not_checked" => "a choice that needs a reason without one",
        "placeholder" => "Word's prompt text where a value should be",
        "title_missing" => "the form's title is not in the document",
        "encoding_guessed" => "the text's encoding was guessed",
        "encoding_repaired" => "bytes of the text were not valid and were replaced",
        "mojibake" => "the text looks double-encoded and could not be repaired",
        "pdf_font_unsupported" => "a PDF font whose text cannot be read",
        "pdf_part_unreadable" => "a part of the PDF could not be read",
        "text_box" => "text in a Word text box, read after the body",
        "not_a_form" => "no template's title or labels are in the file",
        "empty" => "the file has no text",
        "not_found" => "no such file",
        "permission_denied" => "the file may not be read",
        "too_large" | "docx_too_large" | "odt_too_large" => "larger than formsift reads",
        "pdf_too_large" => "the PDF needs more memory than --pdf-memory",
        "pdf_timeout" => "the PDF took longer than --pdf-timeout",
        "pdf_encrypted" | "docx_encrypted" | "odt_encrypted" => "the file is encrypted",
        "pdf_invalid" | "docx_invalid" | "odt_invalid" | "pdf_unreadable" => {
            "the file is damaged or not what its name says"
        }
        "no_text_layer" => "a scanned PDF without text (OCR it first)",
        "doc_legacy" => "an old Word .doc: save it as .docx",
        "not_text" => "binary data, not text",
        "internal_error" => "formsift failed on this file: please report it",
        "values_unpaired" => "values of a row that cannot be paired with labels",
        "unplaced_text" => "text no field took",
        "pdf_field_missing" => "the fillable PDF has no such field",
        "pdf_value_unknown" => "a fillable PDF field's state is unknown",
        _ => "",
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "–".to_string();
    }
    format!("{:.0}%", 100.0 * part as f64 / whole as f64)
}

fn page(s: &Summary, run: &Run) -> String {
    let mut h = String::with_capacity(256 << 10);
    let names: Vec<&str> = s.templates.iter().map(|t| t.name.as_str()).collect();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>formsift report: {}</title><style>{STYLE}</style></head><body>",
        esc(&names.join(", "))
    );
    // The hatch of unknown states, shared by every chart.
    h.push_str(
        "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>\
         <pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"6\" height=\"6\" fill=\"#d9d9d9\"/><rect width=\"2.5\" height=\"6\" fill=\"#555\"/></pattern></defs></svg>",
    );
    let _ = write!(
        h,
        "<header><h1>formsift report</h1><p class=\"meta\">Template{} <strong>{}</strong> · {} file(s) · {} form(s) · made {} in {:.2} s · personal data: {}</p></header><main>",
        if names.len() > 1 { "s" } else { "" },
        esc(&names.join(", ")),
        s.files,
        s.forms,
        timestamp(run.started).replace('T', " ").replace('Z', " UTC"),
        run.took.as_secs_f64(),
        match run.redact {
            "none" => "shown as written (--redact none)",
            "hash" => "pseudonymized (--redact hash)",
            _ => "masked (--redact mask)",
        }
    );
    tiles(&mut h, s);
    for (i, t) in s.templates.iter().enumerate() {
        if t.forms == 0 && s.templates.len() > 1 {
            continue;
        }
        template_sections(&mut h, i, t);
    }
    folders(&mut h, s);
    unreadable(&mut h, s);
    incomplete(&mut h, s);
    let json = summary_json(s, run).to_string().replace('<', "\\u003c");
    let _ = write!(
        h,
        "</main><footer><p>Made by formsift {}. Every record: <code>formsift extract</code> on the same files; every incomplete form: <code>formsift validate</code>.</p></footer>\
         <script type=\"application/json\" id=\"summary\">{json}</script><script>{SCRIPT}</script></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    h.push('\n');
    h
}

fn tiles(h: &mut String, s: &Summary) {
    h.push_str("<section aria-label=\"Totals\"><ul class=\"tiles\">");
    let tile = |h: &mut String, class: &str, n: usize, what: &str, sub: String| {
        let _ = write!(
            h,
            "<li class=\"tile {class}\"><span class=\"n\">{n}</span><span class=\"what\">{what}</span><span class=\"sub\">{sub}</span></li>"
        );
    };
    tile(
        h,
        "forms",
        s.forms,
        "forms read",
        format!("from {} file(s)", s.files),
    );
    tile(
        h,
        "complete",
        s.complete,
        "complete",
        percent(s.complete, s.forms),
    );
    tile(
        h,
        "incomplete",
        s.incomplete,
        "incomplete",
        percent(s.incomplete, s.forms),
    );
    tile(
        h,
        "unreadable",
        s.unreadable,
        "unreadable files",
        if s.unreadable == 0 {
            "none".into()
        } else {
            format!("{} code(s)", s.unreadable_by_code.len())
        },
    );
    tile(
        h,
        "warnings",
        s.warnings,
        "warnings",
        format!("in {} form(s)", s.forms_with_warnings),
    );
    h.push_str("</ul></section>");
}

fn template_sections(h: &mut String, i: usize, t: &TemplateSummary) {
    let id = |what: &str| format!("t{i}-{what}");
    let _ = write!(
        h,
        "<section class=\"template\" aria-labelledby=\"{}\"><h2 id=\"{}\">{}</h2><p class=\"meta\">{} · {} form(s), {} complete ({}), {} incomplete</p>",
        id("h"),
        id("h"),
        esc(&t.name),
        esc(&t.description),
        t.forms,
        t.complete,
        percent(t.complete, t.forms),
        t.incomplete
    );
    // Completeness by field.
    let series = [
        Series::new("filled", "filled"),
        Series::new("invalid", "invalid"),
        Series::new("unknown (marks lost)", "unknown"),
        Series::new("missing", "missing"),
        Series::new("not on this revision", "np"),
    ];
    let bars: Vec<Bar> = t
        .fields
        .iter()
        .map(|f| Bar {
            note: Some(format!("{} filled", percent(f.filled, f.printed()))),
            ..Bar::new(
                f.key.clone(),
                vec![f.filled, f.invalid, f.unknown, f.missing, f.not_printed],
            )
        })
        .collect();
    h.push_str("<h3>Completeness by field</h3><p class=\"note\">Each field over every form, the least filled first (of the forms whose revision prints it). A group with no box checked is missing, one with more than one box of a single choice invalid, one whose marks the export lost unknown.</p>");
    svg::bars(
        h,
        WIDE,
        &id("fields"),
        "Forms with each field filled, invalid, unknown or missing",
        "field",
        &series,
        &bars,
        t.forms,
    );
    // Issues by code.
    if !t.issues.is_empty() {
        h.push_str("<h3>Issues by code</h3>");
        let series = [
            Series::new("errors", "missing"),
            Series::new("warnings", "invalid"),
        ];
        let bars: Vec<Bar> = t
            .issues
            .iter()
            .map(|c| Bar::new(c.code.clone(), vec![c.errors, c.warnings]))
            .collect();
        svg::bars(
            h,
            WIDE,
            &id("issues"),
            "Errors and warnings of each code, over all forms",
            "code",
            &series,
            &bars,
            0,
        );
        h.push_str("<table class=\"codes\"><thead><tr><th scope=\"col\">code</th><th scope=\"col\">means</th><th scope=\"col\">errors</th><th scope=\"col\">warnings</th><th scope=\"col\">forms</th></tr></thead><tbody>");
        for c in &t.issues {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.code),
                meaning(&c.code),
                c.errors,
                c.warnings,
                c.forms
            );
        }
        h.push_str("</tbody></table>");
    }
    if !t.failing.is_empty() {
        h.push_str("<h3>Rules that fail most</h3><p class=\"note\">Errors by field and code: forms with each, of all forms.</p>");
        let bars: Vec<Bar> = t
            .failing
            .iter()
            .take(15)
            .map(|f| Bar {
                note: Some(format!("{} ({})", f.forms, percent(f.forms, t.forms))),
                ..Bar::new(
                    if f.field.is_empty() {
                        f.code.clone()
                    } else {
                        format!("{}: {}", f.field, f.code)
                    },
                    vec![f.forms],
                )
            })
            .collect();
        let series = [Series::new("forms", "missing")];
        svg::bars(
            h,
            LONG,
            &id("failing"),
            "Forms with each error (field: code), the 15 most frequent",
            "rule",
            &series,
            &bars,
            t.forms,
        );
    }
    // Each checkbox group.
    if !t.groups.is_empty() {
        h.push_str("<h3>Checkbox groups</h3><p class=\"note\">Forms with each option checked. Unknown: the export lost or garbled the marks (never counted as unchecked).</p><div class=\"groups\">");
        let series = [Series::new("forms", "filled")];
        for (g, group) in t.groups.iter().enumerate() {
            let bar = |label: String, n: usize, class: Option<&'static str>| Bar {
                class,
                note: Some(format!("{n} ({})", percent(n, t.forms))),
                ..Bar::new(label, vec![n])
            };
            let mut bars: Vec<Bar> = group
                .options
                .iter()
                .map(|o| bar(o.code.clone(), o.checked, None))
                .collect();
            let [none, conflict, unknown, absent] = STATE_LOOKS;
            let states = [
                (none, group.none_checked),
                (unknown, group.unknown),
                (conflict, group.conflict),
                (("none", "(none of the options)"), group.other),
                (absent, group.not_printed),
            ];
            for ((class, label), n) in states {
                // Unknown always shows, so that none reads as none.
                if n > 0 || class == "unknown" {
                    bars.push(bar(label.to_string(), n, Some(class)));
                }
            }
            svg::bars(
                h,
                HALF,
                &id(&format!("group{g}")),
                &format!("{} ({}): forms of {}", group.key, group.kind, t.forms),
                "option",
                &series,
                &bars,
                t.forms,
            );
        }
        h.push_str("</div>");
    }
    if let Some(o) = &t.over_time {
        let _ = write!(
            h,
            "<h3>Forms by month of <code>{}</code>{}</h3>",
            esc(&o.field),
            o.split
                .as_deref()
                .map(|g| format!(", by <code>{}</code>", esc(g)))
                .unwrap_or_default()
        );
        if o.months.is_empty() {
            h.push_str("<p class=\"note\">No form has a date in this field.</p>");
        } else {
            let classes = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];
            let n = o.categories.len();
            // The group's options, then its states (summary::STATES).
            let options = n - if o.split.is_some() {
                STATE_LOOKS.len()
            } else {
                0
            };
            let series: Vec<Series> = o
                .categories
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    if k < options {
                        Series::new(c.as_str(), classes[k % classes.len()])
                    } else {
                        let (class, name) = STATE_LOOKS[k - options];
                        Series::new(name, class)
                    }
                })
                .collect();
            // Categories no month has are left out of legend and table.
            let used: Vec<usize> = (0..n)
                .filter(|&k| o.months.iter().any(|m| m.counts[k] > 0))
                .collect();
            let series: Vec<Series> = used.iter().map(|&k| series[k].clone()).collect();
            let bars: Vec<Bar> = o
                .months
                .iter()
                .map(|m| Bar::new(m.month.clone(), used.iter().map(|&k| m.counts[k]).collect()))
                .collect();
            svg::columns(h, &id("months"), "Forms per month", &series, &bars);
        }
        if o.undated > 0 {
            let _ = write!(
                h,
                "<p class=\"note\">{} form(s) without a date in <code>{}</code> are not in the chart.</p>",
                o.undated,
                esc(&o.field)
            );
        }
    }
    if !t.revisions.is_empty() {
        h.push_str("<h3>By revision</h3>");
        let series = [
            Series::new("complete", "filled"),
            Series::new("incomplete", "missing"),
        ];
        let bars: Vec<Bar> = t
            .revisions
            .iter()
            .map(|r| Bar::new(r.name.clone(), vec![r.complete, r.incomplete]))
            .collect();
        svg::bars(
            h,
            WIDE,
            &id("revisions"),
            "Forms by revision",
            "revision",
            &series,
            &bars,
            0,
        );
    }
    h.push_str("</section>");
}

/// Folders charted at most (the largest).
const FOLDERS_CHARTED: usize = 30;

fn folders(h: &mut String, s: &Summary) {
    if s.folders.is_empty() {
        return;
    }
    h.push_str("<section aria-labelledby=\"folders-h\"><h2 id=\"folders-h\">By source folder</h2>");
    let mut parts: Vec<_> = s.folders.iter().collect();
    if parts.len() > FOLDERS_CHARTED {
        parts.sort_by_key(|p| std::cmp::Reverse(p.forms + p.unreadable));
        let _ = write!(
            h,
            "<p class=\"note\">The {FOLDERS_CHARTED} folders with the most files of {}.</p>",
            parts.len()
        );
        parts.truncate(FOLDERS_CHARTED);
    }
    let series = [
        Series::new("complete", "filled"),
        Series::new("incomplete", "missing"),
        Series::new("unreadable", "gone"),
    ];
    let bars: Vec<Bar> = parts
        .iter()
        .map(|p| Bar::new(p.name.clone(), vec![p.complete, p.incomplete, p.unreadable]))
        .collect();
    svg::bars(
        h,
        WIDE,
        "folders",
        "Forms and unreadable files by folder",
        "folder",
        &series,
        &bars,
        0,
    );
    h.push_str("</section>");
}

/// The start of a table people sort and filter.
fn filtered_table(h: &mut String, id: &str, what: &str, shown: usize, heads: &[&str]) {
    let _ = write!(
        h,
        "<p class=\"filter\"><label>Filter {what}: <input type=\"search\" class=\"filter\" data-table=\"{id}\" data-count=\"{id}-count\"></label> <span id=\"{id}-count\" aria-live=\"polite\">{shown}</span> shown</p>\
         <div class=\"scroll\"><table id=\"{id}\" class=\"sortable rows\"><thead><tr>"
    );
    for head in heads {
        let _ = write!(h, "<th scope=\"col\">{head}</th>");
    }
    h.push_str("</tr></thead><tbody>");
}

fn unreadable(h: &mut String, s: &Summary) {
    if s.unreadable == 0 {
        return;
    }
    h.push_str(
        "<section aria-labelledby=\"unreadable-h\"><h2 id=\"unreadable-h\">Unreadable files</h2>",
    );
    let series = [Series::new("files", "gone")];
    let mut codes: Vec<(&String, &usize)> = s.unreadable_by_code.iter().collect();
    codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let bars: Vec<Bar> = codes
        .into_iter()
        .map(|(code, n)| Bar {
            note: Some(match meaning(code) {
                "" => n.to_string(),
                means => format!("{n} · {means}"),
            }),
            ..Bar::new(code.clone(), vec![*n])
        })
        .collect();
    svg::bars(
        h,
        WIDE,
        "unreadable-codes",
        "Unreadable files by code",
        "code",
        &series,
        &bars,
        0,
    );
    filtered_table(
        h,
        "unreadable-files",
        "files",
        s.unreadable_rows.len(),
        &["file", "code", "why"],
    );
    for r in &s.unreadable_rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&r.source),
            esc(&r.code),
            esc(&r.message)
        );
    }
    h.push_str("</tbody></table></div>");
    if s.unreadable_left_out > 0 {
        let _ = write!(
            h,
            "<p class=\"note\">{} more unreadable file(s) are left out; <code>formsift validate</code> on the same files lists them all.</p>",
            s.unreadable_left_out
        );
    }
    h.push_str("</section>");
}

fn incomplete(h: &mut String, s: &Summary) {
    h.push_str(
        "<section aria-labelledby=\"incomplete-h\"><h2 id=\"incomplete-h\">Incomplete forms</h2>",
    );
    if s.incomplete == 0 {
        h.push_str(if s.forms == 0 {
            "<p>No form was read.</p></section>"
        } else {
            "<p>Every form read is complete.</p></section>"
        });
        return;
    }
    let several = s.templates.len() > 1;
    let mut heads = vec![
        "file",
        "form",
        "revision",
        "errors",
        "what is missing or wrong",
    ];
    if several {
        heads.insert(2, "template");
    }
    filtered_table(
        h,
        "incomplete-forms",
        "forms",
        s.incomplete_rows.len(),
        &heads,
    );
    for r in &s.incomplete_rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td>",
            esc(&r.source),
            r.form_index.unwrap_or(1)
        );
        if several {
            let _ = write!(h, "<td>{}</td>", esc(&r.template));
        }
        let _ = write!(
            h,
            "<td>{}</td><td>{}</td><td><ul class=\"errors\">",
            esc(r.revision.as_deref().unwrap_or("")),
            r.errors.len()
        );
        for (line, _, code, message) in &r.errors {
            let _ = write!(
                h,
                "<li>{}{} <code>{}</code></li>",
                line.map(|l| format!("line {l}: ")).unwrap_or_default(),
                esc(message),
                esc(code)
            );
        }
        h.push_str("</ul></td></tr>");
    }
    h.push_str("</tbody></table></div>");
    if s.incomplete_left_out > 0 {
        let _ = write!(
            h,
            "<p class=\"note\">The first {} incomplete forms are listed; {} more are left out to keep this file small. <code>formsift validate</code> (or <code>formsift extract</code>) on the same files gives them all.</p>",
            s.incomplete_rows.len(),
            s.incomplete_left_out
        );
    }
    h.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_civil_utc() {
        let at = |secs: u64| timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        // 2024-02-29 12:34:56 UTC (a leap day), and 2026-12-07 00:00:00.
        assert_eq!(at(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(at(1_796_601_600), "2026-12-07T00:00:00Z");
    }
}
