//! The aggregates of a report: what each record contributes (a [`Digest`],
//! made on the worker that read it) and their sums over the batch (a
//! [`Summary`]), streamed: only counts and a capped list of rows are kept.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::record::{Failure, Issue, Record, Severity};
use crate::template::{FieldId, Kind, Template};

/// Incomplete forms the report lists, at most (the rest are counted).
pub const MAX_FORMS: usize = 2_000;
/// Unreadable files the report lists, at most.
pub const MAX_UNREADABLE: usize = 1_000;
/// Bytes the listed rows may take in the page (their paths and messages,
/// escaped, and their markup), so that however long a batch's messages
/// the page stays under 5 MB.
pub const MAX_ROW_BYTES: usize = 3 << 20;

/// Folders the summary keeps by name, the largest; the rest are summed
/// as one.
pub const MAX_FOLDERS: usize = 1_000;

/// What `n` bytes of text may take once escaped for HTML (quotes are
/// common in messages: `"` is six bytes).
fn shown(n: usize) -> usize {
    n * 3 / 2
}

/// A field's state in one form, for the completeness chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Filled,
    /// Empty, not found, or a group with nothing checked.
    Missing,
    /// Written, but not a valid value of its type (`invalid_*`).
    Invalid,
    /// A checkbox group whose marks the export lost or garbled.
    Unknown,
    /// The form's revision does not print the field.
    NotPrinted,
}

/// A checkbox group's state in one form, for its distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The indexes of the checked options (yes/no and single boxes:
    /// `yes`/`no`, `checked`/`unchecked`).
    Checked(Vec<u16>),
    /// The boxes are there and none is checked.
    NoneChecked,
    /// The marks were lost or cannot be read.
    Unknown,
    /// More than one box of a single-choice group.
    Conflict,
    /// A value that is none of the options (never from formsift's own
    /// reading; a guard, counted so that the bars add up).
    Other,
    /// The form does not show the group.
    NotPrinted,
}

/// The states of the split group that follow its options in the months'
/// counts.
pub const STATES: [&str; 4] = ["none_checked", "conflict", "unknown", "not_printed"];

/// Issue codes that mean a group's state is not known.
const UNKNOWN: &[&str] = &["marks_lost", "mark_unreadable", "pdf_value_unknown"];

/// What one record adds to the report. Owns the record's parts the report
/// shows (moved, not copied).
#[derive(Debug)]
pub struct Digest {
    /// The index of the record's template in the run's; `None` for a file
    /// that could not be read.
    pub template: Option<usize>,
    pub source: String,
    pub form_index: Option<usize>,
    pub revision: Option<String>,
    pub complete: bool,
    /// By the template's top-level fields.
    pub fields: Vec<Status>,
    /// By the template's top-level checkbox groups ([`Plan::groups`]).
    pub groups: Vec<Answer>,
    /// The month of the dated field (`year * 12 + month - 1`).
    pub month: Option<u32>,
    pub issues: Vec<Issue>,
    pub failure: Option<Failure>,
}

/// What a template's records are summed by, worked out once.
#[derive(Debug)]
pub struct Plan {
    /// Top-level checkbox groups and boxes: the field, its index among
    /// the top-level fields (every one charted for completeness), its
    /// option codes.
    pub groups: Vec<(FieldId, usize, Vec<String>)>,
    /// The date field forms are counted by per month.
    pub date: Option<FieldId>,
    /// The single-choice group the months are split by: an index in
    /// `groups`.
    pub split: Option<usize>,
}

impl Plan {
    /// The plan of a template; `date` names the field to count months by
    /// (else the first top-level date field). A `personal` field is
    /// neither charted as a group nor counted by month: its values reach
    /// the report masked.
    pub fn new(t: &Template, date: Option<&str>) -> Plan {
        let open = |id: FieldId| !t.fields[id].personal;
        let groups: Vec<(FieldId, usize, Vec<String>)> = t
            .top
            .iter()
            .enumerate()
            .filter(|&(_, &id)| t.fields[id].is_group() || t.fields[id].kind == Kind::Box)
            .filter(|&(_, &id)| open(id))
            .map(|(at, &id)| {
                let f = &t.fields[id];
                let codes = match f.kind {
                    Kind::Box => vec!["checked".to_string(), "unchecked".to_string()],
                    _ => f.options.iter().map(|o| o.code.clone()).collect(),
                };
                (id, at, codes)
            })
            .collect();
        let date = t.top.iter().copied().find(|&id| {
            t.fields[id].kind == Kind::Date
                && open(id)
                && date.is_none_or(|key| t.fields[id].key == key)
        });
        let split = groups
            .iter()
            .position(|(id, _, _)| t.fields[*id].kind == Kind::Single);
        Plan {
            groups,
            date,
            split,
        }
    }
}

/// The top-level key an issue's field names: `contatos` for
/// `contatos[2].data`.
fn top_key(field: &str) -> &str {
    field.split(['[', '.']).next().unwrap_or(field)
}

impl Digest {
    /// The digest of one record; `ts` and `plans` are the run's templates
    /// and their plans, in one order.
    pub fn of(ts: &[Template], plans: &[Plan], r: Record) -> Digest {
        let template = ts.iter().position(|t| t.name == r.template);
        let mut d = Digest {
            template: template.filter(|_| r.error.is_none()),
            source: r.source,
            form_index: r.form_index,
            revision: r.revision,
            complete: r.complete,
            fields: Vec::new(),
            groups: Vec::new(),
            month: None,
            issues: r.issues,
            failure: r.error,
        };
        let (Some(i), Some(values)) = (d.template, r.fields.as_ref()) else {
            return d;
        };
        let (t, plan) = (&ts[i], &plans[i]);
        let lacks = t.lacks(d.revision.as_deref());
        // What the issues say of each top-level field: bit 0 invalid,
        // bit 1 unknown state, bit 2 more than one box (invalid too).
        let mut said = vec![0u8; t.top.len()];
        for issue in &d.issues {
            let Some(field) = issue.field.as_deref() else {
                continue;
            };
            let key = top_key(field);
            let Some(at) = t.top.iter().position(|&id| t.fields[id].key == key) else {
                continue;
            };
            let code = issue.code.as_str();
            if code.starts_with("invalid_") {
                said[at] |= 1;
            } else if UNKNOWN.contains(&code) {
                said[at] |= 2;
            } else if code == "multiple_checked" {
                said[at] |= 4 | 1;
            }
        }
        let printed = |key: &str| {
            r.provenance
                .as_ref()
                .is_some_and(|p| p.0.iter().any(|(k, _)| k == key))
        };
        d.fields = t
            .top
            .iter()
            .enumerate()
            .map(|(at, &id)| {
                let f = &t.fields[id];
                let value = values.get(&f.key).unwrap_or(&Value::Null);
                if lacks.contains(&id) {
                    Status::NotPrinted
                } else if said[at] & 2 != 0 {
                    Status::Unknown
                } else if said[at] & 1 != 0 {
                    Status::Invalid
                } else if filled(value) {
                    Status::Filled
                } else {
                    Status::Missing
                }
            })
            .collect();
        d.groups = plan
            .groups
            .iter()
            .map(|(id, at, codes)| {
                let (f, at) = (&t.fields[*id], *at);
                let value = values.get(&f.key).unwrap_or(&Value::Null);
                let index = |code: &str| codes.iter().position(|c| c == code).map(|i| i as u16);
                if lacks.contains(id) {
                    return Answer::NotPrinted;
                }
                if said[at] & 2 != 0 {
                    return Answer::Unknown;
                }
                if said[at] & 4 != 0 {
                    return Answer::Conflict;
                }
                match (f.kind, value) {
                    (Kind::Box, Value::Bool(b)) => Answer::Checked(vec![u16::from(!b)]),
                    (Kind::Yesno, Value::Bool(b)) => {
                        Answer::Checked(index(if *b { "yes" } else { "no" }).into_iter().collect())
                    }
                    (_, Value::String(code)) => match index(code) {
                        Some(i) => Answer::Checked(vec![i]),
                        None => Answer::Other,
                    },
                    (_, Value::Array(list)) if !list.is_empty() => {
                        let checked: Vec<u16> = list
                            .iter()
                            .filter_map(|c| c.as_str())
                            .filter_map(index)
                            .collect();
                        if checked.len() == list.len() {
                            Answer::Checked(checked)
                        } else {
                            Answer::Other
                        }
                    }
                    (_, Value::Array(_)) => Answer::NoneChecked,
                    _ if printed(&f.key) => Answer::NoneChecked,
                    _ => Answer::NotPrinted,
                }
            })
            .collect();
        d.month = plan
            .date
            .and_then(|id| values.get(&t.fields[id].key))
            .and_then(Value::as_str)
            .and_then(month_of);
        d
    }

    /// Errors among the issues.
    fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }
}

/// Whether a value counts as filled in: a group with a box checked, a yes
/// or a no, a box either way, text that is not empty, a list with an
/// entry, a table of counts with a count.
fn filled(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// `2025-02-13` → the month's number (`year * 12 + month - 1`).
fn month_of(date: &str) -> Option<u32> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let (year, month) = (digits(0..4)?, digits(5..7)?);
    (1..=12).contains(&month).then(|| year * 12 + month - 1)
}

/// `year * 12 + month - 1` → `2025-02`.
pub fn month_name(m: u32) -> String {
    format!("{:04}-{:02}", m / 12, m % 12 + 1)
}

/// Counts of one field's states.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FieldCounts {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub filled: usize,
    pub missing: usize,
    pub invalid: usize,
    pub unknown: usize,
    pub not_printed: usize,
}

impl FieldCounts {
    /// The forms whose revision prints the field.
    pub fn printed(&self) -> usize {
        self.filled + self.missing + self.invalid + self.unknown
    }
}

/// One option's count in a group.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OptionCount {
    pub code: String,
    pub checked: usize,
}

/// A checkbox group's distribution over the forms.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GroupCounts {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub options: Vec<OptionCount>,
    pub none_checked: usize,
    pub unknown: usize,
    pub conflict: usize,
    /// Values that are none of the options (a guard: 0 from formsift's
    /// own reading).
    pub other: usize,
    pub not_printed: usize,
}

/// Issues of one code.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct IssueCounts {
    pub code: String,
    pub errors: usize,
    pub warnings: usize,
    /// Forms with at least one.
    pub forms: usize,
}

/// Errors of one code on one field: a rule that fails.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failing {
    pub field: String,
    pub code: String,
    pub forms: usize,
}

/// Forms by month of the dated field, split by a single-choice group.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OverTime {
    pub field: String,
    /// The group the months are split by, if the template has one.
    pub split: Option<String>,
    /// The columns of each month's counts: the group's options, then
    /// `none_checked`, `conflict`, `unknown`, `not_printed` (or only
    /// `forms` when there is no group).
    pub categories: Vec<String>,
    pub months: Vec<MonthCounts>,
    /// Forms with no (valid) date in the field.
    pub undated: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthCounts {
    pub month: String,
    pub counts: Vec<usize>,
}

/// Forms of a revision, or of a folder.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub forms: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub unreadable: usize,
}

/// One template's sums.
#[derive(Debug, Serialize)]
pub struct TemplateSummary {
    pub name: String,
    pub description: String,
    pub forms: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub warnings: usize,
    pub fields: Vec<FieldCounts>,
    pub groups: Vec<GroupCounts>,
    pub issues: Vec<IssueCounts>,
    pub failing: Vec<Failing>,
    pub over_time: Option<OverTime>,
    pub revisions: Vec<Part>,
    #[serde(skip)]
    issue_index: BTreeMap<String, usize>,
    #[serde(skip)]
    failing_index: BTreeMap<(String, String), usize>,
    #[serde(skip)]
    months: BTreeMap<u32, Vec<usize>>,
    #[serde(skip)]
    revision_index: BTreeMap<String, usize>,
}

/// An incomplete form, listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FormRow {
    pub source: String,
    pub form_index: Option<usize>,
    pub template: String,
    pub revision: Option<String>,
    /// `(line, field, code, message)` of each error.
    pub errors: Vec<(Option<usize>, Option<String>, String, String)>,
    pub warnings: usize,
}

/// A file that could not be read, listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnreadableRow {
    pub source: String,
    pub code: String,
    pub message: String,
}

/// The sums of a batch.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub files: usize,
    pub forms: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub unreadable: usize,
    /// Warnings of all forms, and the forms with any.
    pub warnings: usize,
    pub forms_with_warnings: usize,
    pub templates: Vec<TemplateSummary>,
    pub folders: Vec<Part>,
    /// Unreadable files by code.
    pub unreadable_by_code: BTreeMap<String, usize>,
    /// The incomplete forms listed in the report, and those left out.
    pub incomplete_listed: usize,
    pub incomplete_left_out: usize,
    pub unreadable_listed: usize,
    pub unreadable_left_out: usize,
    #[serde(skip)]
    pub incomplete_rows: Vec<FormRow>,
    #[serde(skip)]
    pub unreadable_rows: Vec<UnreadableRow>,
    #[serde(skip)]
    folder_index: BTreeMap<String, usize>,
    /// Text held by the listed rows.
    #[serde(skip)]
    row_bytes: usize,
}

fn kind_name(kind: Kind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The index of `key` in `list`, which `index` keeps, with a new entry
/// made by `make` when it is not there yet.
fn slot<T>(
    index: &mut BTreeMap<String, usize>,
    list: &mut Vec<T>,
    key: &str,
    make: impl FnOnce() -> T,
) -> usize {
    if let Some(&at) = index.get(key) {
        return at;
    }
    index.insert(key.to_string(), list.len());
    list.push(make());
    list.len() - 1
}

/// The folder of a source path (`.` for a file given by name alone).
fn folder_of(source: &str) -> String {
    if source == "-" {
        return "(standard input)".to_string();
    }
    match std::path::Path::new(source).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".to_string(),
    }
}

impl TemplateSummary {
    fn new(t: &Template, plan: &Plan) -> TemplateSummary {
        let fields = t
            .top
            .iter()
            .map(|&id| FieldCounts {
                key: t.fields[id].key.clone(),
                kind: kind_name(t.fields[id].kind),
                ..Default::default()
            })
            .collect();
        let groups = plan
            .groups
            .iter()
            .map(|(id, _, codes)| GroupCounts {
                key: t.fields[*id].key.clone(),
                kind: kind_name(t.fields[*id].kind),
                options: codes
                    .iter()
                    .map(|c| OptionCount {
                        code: c.clone(),
                        checked: 0,
                    })
                    .collect(),
                none_checked: 0,
                unknown: 0,
                conflict: 0,
                other: 0,
                not_printed: 0,
            })
            .collect();
        let over_time = plan.date.map(|id| {
            let split = plan.split.map(|g| &plan.groups[g]);
            let categories = match split {
                Some((_, _, codes)) => codes
                    .iter()
                    .cloned()
                    .chain(STATES.map(String::from))
                    .collect(),
                None => vec!["forms".to_string()],
            };
            OverTime {
                field: t.fields[id].key.clone(),
                split: split.map(|(g, _, _)| t.fields[*g].key.clone()),
                categories,
                months: Vec::new(),
                undated: 0,
            }
        });
        TemplateSummary {
            name: t.name.clone(),
            description: t.description.clone(),
            forms: 0,
            complete: 0,
            incomplete: 0,
            warnings: 0,
            fields,
            groups,
            issues: Vec::new(),
            failing: Vec::new(),
            over_time,
            revisions: Vec::new(),
            issue_index: BTreeMap::new(),
            failing_index: BTreeMap::new(),
            months: BTreeMap::new(),
            revision_index: BTreeMap::new(),
        }
    }

    fn add(&mut self, plan: &Plan, d: &Digest) {
        self.forms += 1;
        self.complete += usize::from(d.complete);
        self.incomplete += usize::from(!d.complete);
        for (counts, status) in self.fields.iter_mut().zip(&d.fields) {
            *match status {
                Status::Filled => &mut counts.filled,
                Status::Missing => &mut counts.missing,
                Status::Invalid => &mut counts.invalid,
                Status::Unknown => &mut counts.unknown,
                Status::NotPrinted => &mut counts.not_printed,
            } += 1;
        }
        for (counts, answer) in self.groups.iter_mut().zip(&d.groups) {
            match answer {
                Answer::Checked(options) => {
                    for &o in options {
                        if let Some(c) = counts.options.get_mut(usize::from(o)) {
                            c.checked += 1;
                        }
                    }
                }
                Answer::NoneChecked => counts.none_checked += 1,
                Answer::Unknown => counts.unknown += 1,
                Answer::Conflict => counts.conflict += 1,
                Answer::Other => counts.other += 1,
                Answer::NotPrinted => counts.not_printed += 1,
            }
        }
        // Each code once per form for `forms`.
        let mut seen: Vec<&str> = Vec::new();
        for issue in &d.issues {
            let at = slot(&mut self.issue_index, &mut self.issues, &issue.code, || {
                IssueCounts {
                    code: issue.code.clone(),
                    ..Default::default()
                }
            });
            let counts = &mut self.issues[at];
            match issue.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => {
                    counts.warnings += 1;
                    self.warnings += 1;
                }
            }
            if !seen.contains(&issue.code.as_str()) {
                seen.push(&issue.code);
                counts.forms += 1;
            }
        }
        let mut failed: Vec<(&str, &str)> = d
            .errors()
            .map(|i| (i.field.as_deref().map_or("", top_key), i.code.as_str()))
            .collect();
        failed.sort_unstable();
        failed.dedup();
        for (field, code) in failed {
            *self
                .failing_index
                .entry((field.to_string(), code.to_string()))
                .or_default() += 1;
        }
        if let Some(o) = &mut self.over_time {
            match d.month {
                Some(m) => {
                    let width = o.categories.len();
                    let counts = self.months.entry(m).or_insert_with(|| vec![0; width]);
                    // The states after the options, in the order of STATES.
                    let state = |k: usize| width - STATES.len() + k;
                    let column = match plan.split.map(|g| &d.groups[g]) {
                        None => 0,
                        Some(Answer::Checked(o)) => o.first().map_or(state(0), |&o| o.into()),
                        Some(Answer::NoneChecked) => state(0),
                        Some(Answer::Conflict | Answer::Other) => state(1),
                        Some(Answer::Unknown) => state(2),
                        Some(Answer::NotPrinted) => state(3),
                    };
                    counts[column.min(width - 1)] += 1;
                }
                None => o.undated += 1,
            }
        }
        let name = d.revision.as_deref().unwrap_or("(unknown)");
        let at = slot(&mut self.revision_index, &mut self.revisions, name, || {
            Part {
                name: name.to_string(),
                ..Default::default()
            }
        });
        let part = &mut self.revisions[at];
        part.forms += 1;
        part.complete += usize::from(d.complete);
        part.incomplete += usize::from(!d.complete);
    }

    /// Sorts what was counted for showing: fields most missing first,
    /// issues and failing rules most frequent first, months in order.
    fn finish(&mut self) {
        // The least filled first, of the forms that print the field.
        let share = |f: &FieldCounts| match f.printed() {
            0 => 1.0,
            printed => f.filled as f64 / printed as f64,
        };
        self.fields.sort_by(|a, b| {
            share(a)
                .total_cmp(&share(b))
                .then(b.missing.cmp(&a.missing))
        });
        self.issues.sort_by(|a, b| {
            (b.errors + b.warnings)
                .cmp(&(a.errors + a.warnings))
                .then(a.code.cmp(&b.code))
        });
        let mut failing: Vec<Failing> = std::mem::take(&mut self.failing_index)
            .into_iter()
            .map(|((field, code), forms)| Failing { field, code, forms })
            .collect();
        failing.sort_by_key(|f| std::cmp::Reverse(f.forms));
        self.failing = failing;
        if let Some(o) = &mut self.over_time {
            // Months without forms are shown too (as nothing), unless
            // the forms span more than ten years.
            let span = (self.months.keys().next(), self.months.keys().last());
            if let (Some(&first), Some(&last)) = span {
                if last - first < 120 {
                    let width = o.categories.len();
                    for m in first..=last {
                        self.months.entry(m).or_insert_with(|| vec![0; width]);
                    }
                }
            }
            o.months = std::mem::take(&mut self.months)
                .into_iter()
                .map(|(m, counts)| MonthCounts {
                    month: month_name(m),
                    counts,
                })
                .collect();
        }
        self.revisions.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

impl Summary {
    /// An empty summary of a batch of `files` files read with these
    /// templates and plans.
    pub fn new(ts: &[Template], plans: &[Plan], files: usize) -> Summary {
        Summary {
            files,
            forms: 0,
            complete: 0,
            incomplete: 0,
            unreadable: 0,
            warnings: 0,
            forms_with_warnings: 0,
            templates: ts
                .iter()
                .zip(plans)
                .map(|(t, p)| TemplateSummary::new(t, p))
                .collect(),
            folders: Vec::new(),
            unreadable_by_code: BTreeMap::new(),
            incomplete_listed: 0,
            incomplete_left_out: 0,
            unreadable_listed: 0,
            unreadable_left_out: 0,
            incomplete_rows: Vec::new(),
            unreadable_rows: Vec::new(),
            folder_index: BTreeMap::new(),
            row_bytes: 0,
        }
    }

    /// Adds one record's digest.
    pub fn add(&mut self, plans: &[Plan], d: Digest) {
        let folder = folder_of(&d.source);
        let at = slot(&mut self.folder_index, &mut self.folders, &folder, || {
            Part {
                name: folder.clone(),
                ..Default::default()
            }
        });
        let part = &mut self.folders[at];
        if let Some(f) = d.failure {
            self.unreadable += 1;
            part.unreadable += 1;
            *self.unreadable_by_code.entry(f.code.clone()).or_default() += 1;
            let bytes = shown(d.source.len() + f.message.len()) + 80;
            if self.unreadable_rows.len() < MAX_UNREADABLE
                && self.row_bytes + bytes <= MAX_ROW_BYTES
            {
                self.row_bytes += bytes;
                // The file is named in its own column.
                let message = match f.message.strip_prefix(d.source.as_str()) {
                    Some(rest) => rest.trim_start_matches(": ").to_string(),
                    None => f.message,
                };
                self.unreadable_rows.push(UnreadableRow {
                    source: d.source,
                    code: f.code,
                    message,
                });
                self.unreadable_listed += 1;
            } else {
                self.unreadable_left_out += 1;
            }
            return;
        }
        self.forms += 1;
        part.forms += 1;
        if d.complete {
            self.complete += 1;
            part.complete += 1;
        } else {
            self.incomplete += 1;
            part.incomplete += 1;
        }
        let warnings = d
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .count();
        self.warnings += warnings;
        self.forms_with_warnings += usize::from(warnings > 0);
        let Some(i) = d.template else { return };
        self.templates[i].add(&plans[i], &d);
        if d.complete {
            return;
        }
        let bytes = shown(d.source.len())
            + 120
            + d.errors()
                .map(|i| shown(i.message.len() + i.code.len()) + 40)
                .sum::<usize>();
        if self.incomplete_rows.len() >= MAX_FORMS || self.row_bytes + bytes > MAX_ROW_BYTES {
            self.incomplete_left_out += 1;
            return;
        }
        self.row_bytes += bytes;
        self.incomplete_listed += 1;
        let errors = d
            .issues
            .into_iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| (i.line, i.field, i.code, i.message))
            .collect();
        self.incomplete_rows.push(FormRow {
            source: d.source,
            form_index: d.form_index,
            template: self.templates[i].name.clone(),
            revision: d.revision,
            errors,
            warnings,
        });
    }

    /// Sorts the sums for showing; past [`MAX_FOLDERS`] folders the
    /// smallest are summed as `(other folders)`.
    pub fn finish(&mut self) {
        for t in &mut self.templates {
            t.finish();
        }
        if self.folders.len() > MAX_FOLDERS {
            self.folders
                .sort_by_key(|p| std::cmp::Reverse(p.forms + p.unreadable));
            let rest = self.folders.split_off(MAX_FOLDERS - 1);
            let mut other = Part {
                name: format!("({} other folders)", rest.len()),
                ..Default::default()
            };
            for p in rest {
                other.forms += p.forms;
                other.complete += p.complete;
                other.incomplete += p.incomplete;
                other.unreadable += p.unreadable;
            }
            self.folders.push(other);
        }
        self.folders.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Origin, Provenance};
    use serde_json::json;

    const TOML: &str = r#"
name = "visit"
title = 'visit\s+report'
[[revision]]
name = "old"
markers = ['old\s+edition']
lacks = ["rating"]
[[field]]
key = "name"
label = 'name'
[[field]]
key = "day"
type = "date"
label = 'day'
[[field]]
key = "cpf"
type = "cpf"
label = 'cpf'
[[field]]
key = "outcome"
type = "single"
label = 'outcome'
options = [ { code = "won", label = 'won' }, { code = "lost", label = 'lost' } ]
[[field]]
key = "rating"
type = "multiple"
label = 'rating'
options = [ { code = "good", label = 'good' }, { code = "fast", label = 'fast' } ]
[[field]]
key = "again"
type = "yesno"
label = 'again'
options = [ { code = "yes", label = 'yes' }, { code = "no", label = 'no' } ]
"#;

    fn record(
        revision: &str,
        fields: serde_json::Value,
        printed: &[&str],
        issues: &[(&str, &str, Severity)],
    ) -> Record {
        let issues: Vec<Issue> = issues
            .iter()
            .map(|(field, code, severity)| Issue {
                severity: *severity,
                field: Some(field.to_string()),
                code: code.to_string(),
                message: format!("{field}: {code}"),
                line: Some(3),
            })
            .collect();
        let origin = Origin {
            line: 1,
            last_line: None,
            raw: None,
            at: None,
        };
        Record {
            source: format!("in/{revision}/form.txt"),
            form_index: Some(1),
            template: "visit".into(),
            revision: Some(revision.into()),
            complete: !issues.iter().any(|i| i.severity == Severity::Error),
            fields: fields.as_object().cloned(),
            issues,
            unplaced: Vec::new(),
            provenance: Some(Provenance(
                printed
                    .iter()
                    .map(|k| (k.to_string(), origin.clone()))
                    .collect(),
            )),
            error: None,
            options_seen: Default::default(),
        }
    }

    /// Five forms and an unreadable file, counted by hand below.
    fn batch() -> (Template, Summary) {
        let t = Template::from_toml(TOML, "visit.toml").unwrap();
        let records = vec![
            // 1: everything filled, complete.
            record(
                "new",
                json!({"name": "Ana", "day": "2025-01-10", "cpf": "529.982.247-25",
                       "outcome": "won", "rating": ["good", "fast"], "again": true}),
                &["name", "day", "cpf", "outcome", "rating", "again"],
                &[],
            ),
            // 2: a wrong CPF, outcome boxes there and none checked, a
            // "no", rating not printed by this revision.
            record(
                "old",
                json!({"name": "Bia", "day": "2025-03-02", "cpf": null,
                       "outcome": null, "rating": null, "again": false}),
                &["name", "day", "outcome", "again"],
                &[("cpf", "invalid_check_digit", Severity::Error)],
            ),
            // 3: marks lost on outcome and rating; no date.
            record(
                "new",
                json!({"name": "Cid", "day": null, "cpf": null,
                       "outcome": null, "rating": null, "again": null}),
                &["name"],
                &[
                    ("outcome", "marks_lost", Severity::Warning),
                    ("rating", "marks_lost", Severity::Warning),
                    ("cpf", "missing_required", Severity::Error),
                    ("day", "missing_required", Severity::Error),
                ],
            ),
            // 4: two outcome boxes checked, rating none checked, again
            // not on the form.
            record(
                "new",
                json!({"name": "", "day": "2025-03-30", "cpf": "529.982.247-25",
                       "outcome": null, "rating": [], "again": null}),
                &["day", "cpf", "outcome", "rating"],
                &[
                    ("outcome", "multiple_checked", Severity::Error),
                    ("name", "missing_required", Severity::Error),
                ],
            ),
            // 5: lost, with one option.
            record(
                "new",
                json!({"name": "Duda", "day": "2025-01-31", "cpf": "529.982.247-25",
                       "outcome": "lost", "rating": ["fast"], "again": true}),
                &["name", "day", "cpf", "outcome", "rating", "again"],
                &[("again", "unplaced_text", Severity::Warning)],
            ),
        ];
        let ts = std::slice::from_ref(&t);
        let plans = vec![Plan::new(&t, None)];
        let mut s = Summary::new(ts, &plans, 6);
        for r in records {
            s.add(&plans, Digest::of(ts, &plans, r));
        }
        let failed = Record::failed(
            "in/broken.pdf",
            "visit",
            "pdf_invalid",
            "in/broken.pdf: not a PDF".into(),
        );
        s.add(&plans, Digest::of(ts, &plans, failed));
        s.finish();
        (t, s)
    }

    fn field<'a>(s: &'a Summary, key: &str) -> &'a FieldCounts {
        s.templates[0].fields.iter().find(|f| f.key == key).unwrap()
    }

    fn group<'a>(s: &'a Summary, key: &str) -> &'a GroupCounts {
        s.templates[0].groups.iter().find(|g| g.key == key).unwrap()
    }

    #[test]
    fn totals_count_forms_and_files() {
        let (_, s) = batch();
        assert_eq!(
            (s.files, s.forms, s.complete, s.incomplete, s.unreadable),
            (6, 5, 2, 3, 1)
        );
        assert_eq!((s.warnings, s.forms_with_warnings), (3, 2));
        assert_eq!(s.unreadable_by_code.get("pdf_invalid"), Some(&1));
        assert_eq!(s.unreadable_rows[0].source, "in/broken.pdf");
        assert_eq!(s.unreadable_rows[0].message, "not a PDF", "named once");
    }

    #[test]
    fn each_field_is_filled_missing_invalid_unknown_or_not_printed() {
        let (_, s) = batch();
        let counts = |k: &str| {
            let f = field(&s, k);
            (f.filled, f.missing, f.invalid, f.unknown, f.not_printed)
        };
        // name: "" in form 4 is missing.
        assert_eq!(counts("name"), (4, 1, 0, 0, 0));
        assert_eq!(counts("day"), (4, 1, 0, 0, 0));
        // cpf: invalid in 2, missing in 3.
        assert_eq!(counts("cpf"), (3, 1, 1, 0, 0));
        // outcome: none checked (2) is missing, two boxes (4) invalid,
        // lost marks (3) unknown.
        assert_eq!(counts("outcome"), (2, 1, 1, 1, 0));
        // rating: [] (4) missing, lost (3) unknown, old revision (2).
        assert_eq!(counts("rating"), (2, 1, 0, 1, 1));
        // again: false is an answer.
        assert_eq!(counts("again"), (3, 2, 0, 0, 0));
        // The least filled first: outcome (2 of 5), then rating (2 of
        // the 4 forms that print it).
        assert_eq!(s.templates[0].fields[0].key, "outcome");
        assert_eq!(s.templates[0].fields[1].key, "rating");
    }

    #[test]
    fn groups_count_options_and_states_apart() {
        let (_, s) = batch();
        let outcome = group(&s, "outcome");
        let checked: Vec<usize> = outcome.options.iter().map(|o| o.checked).collect();
        assert_eq!(checked, [1, 1]);
        assert_eq!(
            (
                outcome.none_checked,
                outcome.unknown,
                outcome.conflict,
                outcome.not_printed
            ),
            (1, 1, 1, 0)
        );
        let rating = group(&s, "rating");
        let checked: Vec<usize> = rating.options.iter().map(|o| o.checked).collect();
        assert_eq!(checked, [1, 2]);
        assert_eq!(
            (
                rating.none_checked,
                rating.unknown,
                rating.conflict,
                rating.not_printed
            ),
            (1, 1, 0, 1)
        );
        let again = group(&s, "again");
        let checked: Vec<usize> = again.options.iter().map(|o| o.checked).collect();
        assert_eq!(checked, [2, 1], "yes twice, no once");
        // Form 3's again is null and not on the form; form 4 likewise.
        assert_eq!((again.none_checked, again.not_printed), (0, 2));
    }

    #[test]
    fn months_are_split_by_the_first_single_choice_group() {
        let (_, s) = batch();
        let o = s.templates[0].over_time.as_ref().unwrap();
        assert_eq!(o.field, "day");
        assert_eq!(o.split.as_deref(), Some("outcome"));
        assert_eq!(
            o.categories,
            [
                "won",
                "lost",
                "none_checked",
                "conflict",
                "unknown",
                "not_printed"
            ]
        );
        let months: Vec<(&str, &[usize])> = o
            .months
            .iter()
            .map(|m| (m.month.as_str(), m.counts.as_slice()))
            .collect();
        // January: won (1) and lost (5); February: none, shown; March:
        // none checked (2) and two boxes (4).
        assert_eq!(
            months,
            [
                ("2025-01", &[1, 1, 0, 0, 0, 0][..]),
                ("2025-02", &[0, 0, 0, 0, 0, 0][..]),
                ("2025-03", &[0, 0, 1, 1, 0, 0][..]),
            ]
        );
        assert_eq!(o.undated, 1);
    }

    #[test]
    fn issues_rules_revisions_and_folders() {
        let (_, s) = batch();
        let t = &s.templates[0];
        let code = |c: &str| {
            let i = t.issues.iter().find(|i| i.code == c).unwrap();
            (i.errors, i.warnings, i.forms)
        };
        assert_eq!(code("missing_required"), (3, 0, 2));
        assert_eq!(code("marks_lost"), (0, 2, 1));
        assert_eq!(t.issues[0].code, "missing_required", "most first");
        let failing: Vec<(&str, &str, usize)> = t
            .failing
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str(), f.forms))
            .collect();
        assert_eq!(failing.len(), 5);
        assert!(failing.contains(&("cpf", "invalid_check_digit", 1)));
        assert!(failing.contains(&("outcome", "multiple_checked", 1)));
        let revisions: Vec<(&str, usize, usize)> = t
            .revisions
            .iter()
            .map(|r| (r.name.as_str(), r.forms, r.complete))
            .collect();
        assert_eq!(revisions, [("new", 4, 2), ("old", 1, 0)]);
        let folders: Vec<(&str, usize, usize, usize)> = s
            .folders
            .iter()
            .map(|f| (f.name.as_str(), f.forms, f.complete, f.unreadable))
            .collect();
        assert_eq!(
            folders,
            [("in", 0, 0, 1), ("in/new", 4, 2, 0), ("in/old", 1, 0, 0)]
        );
    }

    #[test]
    fn incomplete_forms_are_listed_with_their_errors() {
        let (_, s) = batch();
        assert_eq!((s.incomplete_listed, s.incomplete_left_out), (3, 0));
        let third = &s.incomplete_rows[1];
        assert_eq!(third.source, "in/new/form.txt");
        let codes: Vec<&str> = third.errors.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            codes,
            ["missing_required", "missing_required"],
            "errors only"
        );
        assert_eq!(third.warnings, 2);
    }

    #[test]
    fn personal_and_undated_fields_are_not_charted() {
        let toml = TOML.replace(
            "key = \"outcome\"\ntype = \"single\"",
            "key = \"outcome\"\ntype = \"single\"\npersonal = true",
        );
        let t = Template::from_toml(&toml, "visit.toml").unwrap();
        let plan = Plan::new(&t, None);
        let keys: Vec<&str> = plan
            .groups
            .iter()
            .map(|g| t.fields[g.0].key.as_str())
            .collect();
        assert_eq!(keys, ["rating", "again"]);
        assert_eq!(plan.split, None, "no single-choice group left to split by");
        // A date field named for another template: not this one's `name`.
        assert_eq!(Plan::new(&t, Some("name")).date, None);
        assert_eq!(
            Plan::new(&t, Some("day"))
                .date
                .map(|id| t.fields[id].key.as_str()),
            Some("day")
        );
        // A batch with no date at all sums, and shows no month.
        let ts = std::slice::from_ref(&t);
        let plans = vec![plan];
        let mut s = Summary::new(ts, &plans, 1);
        let r = record("new", json!({"name": "Ana", "day": null}), &["name"], &[]);
        s.add(&plans, Digest::of(ts, &plans, r));
        s.finish();
        let o = s.templates[0].over_time.as_ref().unwrap();
        assert!(o.months.is_empty());
        assert_eq!(o.undated, 1);
    }

    #[test]
    fn many_folders_keep_the_largest_by_name() {
        let t = Template::from_toml(TOML, "visit.toml").unwrap();
        let ts = std::slice::from_ref(&t);
        let plans = vec![Plan::new(&t, None)];
        let mut s = Summary::new(ts, &plans, MAX_FOLDERS + 10);
        for i in 0..MAX_FOLDERS + 10 {
            let mut r = record("new", json!({"name": "Ana"}), &["name"], &[]);
            r.source = format!("f{i:04}/form.txt");
            // The first folder holds three forms.
            for _ in 0..if i == 0 { 3 } else { 1 } {
                s.add(&plans, Digest::of(ts, &plans, r.clone()));
            }
        }
        s.finish();
        assert_eq!(s.folders.len(), MAX_FOLDERS);
        let other = s.folders.iter().find(|f| f.name.starts_with('(')).unwrap();
        assert_eq!(
            (other.name.as_str(), other.forms),
            ("(11 other folders)", 11)
        );
        assert!(s.folders.iter().any(|f| f.name == "f0000" && f.forms == 3));
        let total: usize = s.folders.iter().map(|f| f.forms).sum();
        assert_eq!(total, MAX_FOLDERS + 12);
    }

    #[test]
    fn months_of_dates() {
        assert_eq!(
            month_of("2025-02-13").map(month_name).as_deref(),
            Some("2025-02")
        );
        assert_eq!(month_of("2025-13-01"), None);
        assert_eq!(month_of("13/02/2025"), None);
        assert_eq!(month_of("2025-1ª via"), None, "no panic inside a character");
        assert_eq!(month_of("2025-"), None);
        assert_eq!(top_key("contatos[2].data"), "contatos");
    }
}
