//! Completeness: the template's rules and hints applied to a typed form,
//! giving the issues that say what is missing or wrong. A rule about a field
//! applies only when the form's revision prints that field; a rule that needs
//! the state of a group whose marks were lost fails, since such an export
//! cannot be shown complete.

use foldhash::HashSet;

use serde_json::{Map, Value};

use crate::extract::{RawForm, Slot};
use crate::input::fold::Folded;
use crate::record::{Issue, Severity};
use crate::template::rules::{Check, Expect, Hint, Ref, Rule, When};
use crate::template::{FieldId, Template};

/// What a checkbox group's issues say about its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Known,
    /// The marks were lost or cannot be read.
    Unknown,
    /// More boxes checked than the group allows (already an error).
    Conflict,
}

/// The issues of the template's rules and hints for one form. `found` are
/// the issues extraction and typing already raised.
pub fn validate(
    t: &Template,
    raw: &RawForm,
    fields: &Map<String, Value>,
    found: &[Issue],
) -> Vec<Issue> {
    let lacks = t.lacks(raw.revision.as_deref());
    let mut v = Validator {
        t,
        raw,
        fields,
        found,
        lacks,
        out: Vec::new(),
        unknown_reported: HashSet::default(),
    };
    for rule in &t.rules {
        v.rule(rule);
    }
    for hint in &t.hints {
        v.hint(hint);
    }
    v.unplaced();
    v.out
}

struct Validator<'a> {
    t: &'a Template,
    raw: &'a RawForm,
    fields: &'a Map<String, Value>,
    found: &'a [Issue],
    lacks: &'a [FieldId],
    out: Vec<Issue>,
    unknown_reported: HashSet<String>,
}

impl<'v> Validator<'v> {
    /// The revision prints the field (and its list, for a list's field).
    fn applies(&self, field: FieldId) -> bool {
        let top = self.t.fields[field].list.unwrap_or(field);
        !self.lacks.contains(&field) && !self.lacks.contains(&top)
    }

    /// The fields of `refs` this form's revision prints.
    fn applying(&self, refs: &[Ref]) -> Vec<Ref> {
        refs.iter()
            .copied()
            .filter(|r| self.applies(r.field))
            .collect()
    }

    fn path(&self, r: Ref) -> String {
        self.t.fields[r.field].path(self.t, r.entry)
    }

    /// The key an issue names: the list's key for a field of a list entry.
    fn key(&self, r: Ref) -> String {
        let f = &self.t.fields[r.field];
        self.t.fields[f.list.unwrap_or(r.field)].key.clone()
    }

    fn value(&self, r: Ref) -> Option<&Value> {
        let f = &self.t.fields[r.field];
        match f.list {
            None => self.fields.get(&f.key),
            Some(list) => self
                .fields
                .get(&self.t.fields[list].key)?
                .as_array()?
                .iter()
                .find_map(|e| {
                    (e.get("numero").and_then(Value::as_u64) == r.entry.map(u64::from))
                        .then(|| e.get(&f.key))
                        .flatten()
                }),
        }
    }

    fn present(&self, r: Ref) -> bool {
        match self.value(r) {
            None | Some(Value::Null) => false,
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Object(o)) => !o.is_empty(),
            Some(_) => true,
        }
    }

    /// The value was there but invalid: its error is already reported.
    fn invalid(&self, r: Ref) -> bool {
        if self.found.is_empty() {
            return false;
        }
        let path = self.path(r);
        self.found
            .iter()
            .any(|i| i.severity == Severity::Error && i.field.as_deref() == Some(path.as_str()))
    }

    fn state(&self, r: Ref) -> State {
        if self.found.is_empty() {
            return State::Known;
        }
        let path = self.path(r);
        let about = |code: &str| {
            self.found
                .iter()
                .any(|i| i.code == code && i.field.as_deref() == Some(path.as_str()))
        };
        if about("marks_lost") || about("mark_unreadable") {
            State::Unknown
        } else if about("multiple_checked") || about("mark_unassigned") {
            State::Conflict
        } else {
            State::Known
        }
    }

    /// The line of the field's label, or of its value.
    fn line(&self, r: Ref) -> Option<usize> {
        let (labels, slots) = match (self.t.fields[r.field].list, r.entry) {
            (Some(list), Some(n)) => {
                let e = self
                    .raw
                    .entries
                    .iter()
                    .find(|e| e.list == list && e.number == n)?;
                (&e.labels, &e.slots)
            }
            (Some(_), None) => return None,
            (None, _) => (&self.raw.labels, &self.raw.slots),
        };
        labels[r.field].or_else(|| slots[r.field].as_ref().map(Slot::line))
    }

    fn error(&mut self, r: Ref, code: &str, message: String) {
        let line = self.line(r);
        self.out
            .push(Issue::error(Some(self.key(r)), code, message, line));
    }

    /// One error per group whose state a rule needed but the export lost.
    fn unknown(&mut self, r: Ref) {
        let path = self.path(r);
        if self.unknown_reported.insert(path.clone()) {
            self.error(r, "state_unknown", format!("{path}: the export lost or garbled the checkbox marks, so this form cannot be shown complete"));
        }
    }

    /// Whether the condition holds; `None` when it cannot be known.
    fn holds(&mut self, w: &When) -> Option<bool> {
        let r = Ref {
            field: w.field,
            entry: None,
        };
        if !self.applies(w.field) {
            return Some(false);
        }
        if self.state(r) == State::Unknown {
            return None;
        }
        Some(match (self.value(r), &w.is) {
            (Some(Value::Array(items)), Expect::Code(c)) => {
                items.iter().any(|i| i.as_str() == Some(c))
            }
            (Some(Value::String(s)), Expect::Code(c)) => s == c,
            (Some(Value::Bool(b)), Expect::Bool(e)) => b == e,
            _ => false,
        })
    }

    fn describe(&self, w: &When) -> String {
        let key = &self.t.fields[w.field].key;
        match &w.is {
            Expect::Code(c) => format!("{key} is {c}"),
            Expect::Bool(true) => format!("{key} is yes"),
            Expect::Bool(false) => format!("{key} is no"),
        }
    }

    fn rule(&mut self, rule: &Rule) {
        let because = match &rule.when {
            None => String::new(),
            Some(w) => match self.holds(w) {
                Some(true) => format!(" when {}", self.describe(w)),
                Some(false) => return,
                None => {
                    return self.unknown(Ref {
                        field: w.field,
                        entry: None,
                    })
                }
            },
        };
        match &rule.check {
            Check::Required(refs) => {
                for r in self.applying(refs) {
                    match self.state(r) {
                        State::Unknown => self.unknown(r),
                        State::Conflict => {}
                        State::Known if !self.present(r) && !self.invalid(r) => {
                            let path = self.path(r);
                            self.error(
                                r,
                                "missing_required",
                                format!("{path} is required{because}, but it is empty"),
                            );
                        }
                        State::Known => {}
                    }
                }
            }
            Check::OneOf(refs) => {
                let refs = self.applying(refs);
                if refs.is_empty() || refs.iter().any(|&r| self.present(r) || self.invalid(r)) {
                    return;
                }
                if let Some(&r) = refs.iter().find(|&&r| self.state(r) == State::Unknown) {
                    return self.unknown(r);
                }
                let names: Vec<String> = refs.iter().map(|&r| self.path(r)).collect();
                let message = match names.as_slice() {
                    [one] => format!("{one} is required{because}, but it is empty"),
                    _ => format!(
                        "one of {} is required{because}, but all are empty",
                        names.join(", ")
                    ),
                };
                self.error(refs[0], "missing_required", message);
            }
            Check::Answered(groups) => {
                let groups: Vec<FieldId> = groups
                    .iter()
                    .copied()
                    .filter(|&g| self.applies(g))
                    .collect();
                for g in groups {
                    let r = Ref {
                        field: g,
                        entry: None,
                    };
                    match self.state(r) {
                        State::Unknown => self.unknown(r),
                        State::Conflict => {}
                        State::Known if !self.present(r) => {
                            let key = self.path(r);
                            let what = if self.raw.slots[g].is_some() {
                                "no box is checked; exactly one must be"
                            } else {
                                "not found in the form; exactly one box must be checked"
                            };
                            self.error(r, "none_checked", format!("{key}: {what}"));
                        }
                        State::Known => {}
                    }
                }
            }
            Check::NotBefore(a, b) => {
                let (ra, rb) = (
                    Ref {
                        field: *a,
                        entry: None,
                    },
                    Ref {
                        field: *b,
                        entry: None,
                    },
                );
                if !self.applies(*a) || !self.applies(*b) {
                    return;
                }
                if let (Some(Value::String(x)), Some(Value::String(y))) =
                    (self.value(ra), self.value(rb))
                {
                    if x < y {
                        let message =
                            format!("{} {x} is before {} {y}", self.path(ra), self.path(rb));
                        self.error(ra, "date_order", message);
                    }
                }
            }
        }
    }

    /// A reason the notes name while its box is not checked.
    fn hint(&mut self, hint: &Hint) {
        let g = Ref {
            field: hint.group,
            entry: None,
        };
        if !self.applies(hint.group)
            || self.raw.slots[hint.group].is_none()
            || self.state(g) != State::Known
        {
            return;
        }
        if let Some(w) = &hint.when {
            if self.holds(w) != Some(true) {
                return;
            }
        }
        let checked: Vec<String> = match self.value(g) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        let group = &self.t.fields[hint.group];
        let mut warned: HashSet<usize> = HashSet::default();
        let mut notes = None;
        for (i, (word, option)) in hint.words.iter().enumerate() {
            let code = &group.options[*option].code;
            if checked.contains(code) || warned.contains(option) {
                continue;
            }
            let notes = notes.get_or_insert_with(|| self.notes(hint));
            // Only the lines that hold the word somewhere are looked at.
            let found = notes.iter().find_map(|(no, text, folded, holds)| {
                holds
                    .contains(regex_automata::PatternID::must(i))
                    .then(|| find_word(word.regex(), text, folded))
                    .flatten()
                    .map(|quote| (*no, quote))
            });
            if let Some((line, quote)) = found {
                warned.insert(*option);
                let message = format!(
                    "{}: the notes speak of {quote:?} (line {line}), but {code} is not checked",
                    group.key
                );
                self.out.push(Issue::warning(
                    Some(group.key.clone()),
                    "reason_not_checked",
                    message,
                    Some(line),
                ));
            }
        }
    }

    /// The lines of the hint's notes, each folded once for every word, with
    /// the words each holds.
    fn notes(&self, hint: &Hint) -> Vec<(usize, &'v str, Folded<'v>, regex_automata::PatternSet)> {
        let mut out = Vec::new();
        for r in &hint.look_in {
            let f = &self.t.fields[r.field];
            let slots: Vec<&'v Slot> = match f.list {
                None => self.raw.slots[r.field].iter().collect(),
                Some(list) => self
                    .raw
                    .entries
                    .iter()
                    .filter(|e| e.list == list && r.entry.is_none_or(|n| n == e.number))
                    .filter_map(|e| e.slots[r.field].as_ref())
                    .collect(),
            };
            for slot in slots {
                let Slot::Block { lines, .. } = slot else {
                    continue;
                };
                for (no, text) in lines.iter() {
                    let folded = Folded::new(text);
                    let holds = hint.words_in(&folded.text);
                    out.push((*no, text.as_str(), folded, holds));
                }
            }
        }
        out
    }

    fn unplaced(&mut self) {
        let lines: Vec<String> = self
            .raw
            .unplaced
            .iter()
            .map(|(no, _)| no.to_string())
            .collect();
        if lines.is_empty() {
            return;
        }
        let mut shown = lines.clone();
        shown.dedup();
        let first = self.raw.unplaced[0].0;
        self.out.push(Issue::warning(
            None,
            "unplaced_text",
            format!(
                "text that belongs to no field, on line(s) {}: see `unplaced`",
                shown.join(", ")
            ),
            Some(first),
        ));
    }
}

/// Finds `word` at the start of a word of `text`; returns the whole word.
fn find_word(word: &regex::Regex, text: &str, folded: &Folded) -> Option<String> {
    word.find_iter(&folded.text).find_map(|m| {
        let before = folded.text[..m.start()].chars().next_back();
        if before.is_some_and(char::is_alphanumeric) {
            return None;
        }
        let start = folded.to_clean(m.start());
        let end = text[start..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(text.len(), |e| start + e);
        Some(text[start..end].to_string())
    })
}

/// True when no issue is an error.
pub fn is_complete(issues: &[Issue]) -> bool {
    !issues.iter().any(|i| i.severity == Severity::Error)
}
