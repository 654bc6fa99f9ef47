//! Fields of a fillable PDF read by name: a template field with
//! `pdf_field = "Vendor.Name.First"` takes that AcroForm field's value,
//! whatever label the page prints beside it (or none). The form's value is
//! the one the user typed, so it replaces what the page's text paired.

use std::rc::Rc;

use crate::input::fold::fold;
use crate::input::pdf::acroform::{FieldValue, FormField};
use crate::input::Line;
use crate::template::{Kind, Template};

use super::marks::{Hit, Mark};
use super::{Note, RawForm, Slot};

/// Sets the slots of the template's `pdf_field` fields from the PDF's form
/// fields. When the template names any, the form's other filled fields go
/// to `unplaced` by name (`orphan: Left over`), and the values taken are
/// taken out of the text no field took. A document with no form fields
/// (a text export, a PDF that is not fillable) is read by its labels alone.
pub fn apply(t: &Template, form: &mut RawForm, fields: &[FormField], lines: &[Line]) {
    let named = t.fields.iter().any(|f| f.pdf_field.is_some());
    if !named || fields.is_empty() {
        return;
    }
    let line_of = |text: &str| {
        lines
            .iter()
            .find(|l| !text.is_empty() && l.clean.contains(text))
            .map_or(1, |l| l.no)
    };
    let mut taken = vec![false; fields.len()];
    // Text the form's values put on the page, to take out of `unplaced`.
    let mut shown: Vec<String> = Vec::new();
    for (id, def) in t.fields.iter().enumerate() {
        let Some(name) = &def.pdf_field else { continue };
        // A pattern (`*.f1_01[0]`) takes the first field it names that
        // holds a value, else the first it names.
        let named = |f: &(usize, &FormField)| !taken[f.0] && name_matches(name, &f.1.name);
        let found = fields
            .iter()
            .enumerate()
            .filter(named)
            .find(|(_, f)| has_value(&f.value))
            .or_else(|| fields.iter().enumerate().find(named));
        let Some((at, _)) = found else {
            form.notes.push(Note {
                code: "pdf_field_missing",
                field: Some(def.key.clone()),
                message: format!(
                    "field `{}`: the PDF's form has no field named {name:?}",
                    def.key
                ),
                line: None,
            });
            continue;
        };
        taken[at] = true;
        let value = &fields[at].value;
        if let FieldValue::Text(v) = value {
            shown.push(v.clone());
        }
        // The line recognition found the field on (by a label the
        // template also gives), else the line that shows the value.
        let known = form.slots[id].as_ref().map(Slot::line).or(form.labels[id]);
        let line_of = |text: &str| known.unwrap_or_else(|| line_of(text));
        form.slots[id] = slot(t, id, name, value, &line_of, &mut form.notes);
    }
    let mut orphans = Vec::new();
    for (f, _) in fields.iter().zip(&taken).filter(|(_, &t)| !t) {
        let text = match &f.value {
            FieldValue::Text(v) if !v.trim().is_empty() => v.clone(),
            FieldValue::Checked(true) => "☒".to_string(),
            FieldValue::Radio(Some(v)) => v.clone(),
            _ => continue,
        };
        if matches!(f.value, FieldValue::Text(_)) {
            shown.push(text.clone());
        }
        orphans.push((line_of(&text), format!("{}: {text}", f.name)));
    }
    take_out(&mut form.unplaced, &shown);
    form.unplaced.extend(orphans);
    form.unplaced.sort_by_key(|(line, _)| *line);
}

/// A full field name against a template's `pdf_field`: the same, or
/// matched by a pattern where `*` stands for any run of characters.
fn name_matches(pattern: &str, name: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let Some(mut left) = name.strip_prefix(head) else {
        return false;
    };
    let mut parts: Vec<&str> = rest.split('*').collect();
    let last = parts.pop().unwrap_or("");
    for part in parts {
        match left.find(part) {
            Some(i) => left = &left[i + part.len()..],
            None => return false,
        }
    }
    left.len() >= last.len() && left.ends_with(last)
}

/// A form field the user filled.
fn has_value(value: &FieldValue) -> bool {
    match value {
        FieldValue::Text(v) => !v.trim().is_empty(),
        FieldValue::Checked(on) => *on,
        FieldValue::Radio(v) => v.is_some(),
    }
}

/// The slot of field `id` for a form field's value; `None` when the form
/// left it empty.
fn slot(
    t: &Template,
    id: usize,
    name: &str,
    value: &FieldValue,
    line_of: &dyn Fn(&str) -> usize,
    notes: &mut Vec<Note>,
) -> Option<Slot> {
    let def = &t.fields[id];
    let hits = |checked: &dyn Fn(usize) -> bool, line: usize, raw: &str| {
        let raw: Rc<str> = Rc::from(raw);
        (0..def.options.len().max(1))
            .map(|option| Hit {
                option,
                mark: Some(if checked(option) {
                    Mark::Checked
                } else {
                    Mark::Unchecked
                }),
                line,
                raw: raw.clone(),
                span: (0, 0),
            })
            .collect::<Vec<_>>()
    };
    let options = |hits: Vec<Hit>, line: usize| Slot::Options {
        line,
        hits,
        stray: Vec::new(),
    };
    match (def.kind, value) {
        (Kind::Box, FieldValue::Checked(on)) => {
            let raw = format!("{} {name}", if *on { "☒" } else { "☐" });
            let line = line_of("");
            Some(options(hits(&|_| *on, line, &raw), line))
        }
        (Kind::Yesno, FieldValue::Checked(on)) => {
            let yes = def.options.iter().position(|o| o.code == "yes");
            let raw = format!("{} {name}", if *on { "☒" } else { "☐" });
            let checked = |o: usize| (Some(o) == yes) == *on;
            let line = line_of("");
            Some(options(hits(&checked, line, &raw), line))
        }
        (
            Kind::Single | Kind::Multiple | Kind::Yesno,
            FieldValue::Radio(_) | FieldValue::Text(_),
        ) => {
            let chosen: Vec<String> = match value {
                FieldValue::Radio(v) => v.iter().cloned().collect(),
                FieldValue::Text(v) => v
                    .split("; ")
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string)
                    .collect(),
                FieldValue::Checked(_) => unreachable!("matched above"),
            };
            let mut picked = Vec::new();
            for c in &chosen {
                match option_of(t, id, c) {
                    Some(o) => picked.push(o),
                    None => notes.push(Note {
                        code: "pdf_value_unknown",
                        field: Some(def.key.clone()),
                        message: format!(
                            "field `{}`: the PDF's field {name:?} holds {c:?}, which no option of the group names",
                            def.key
                        ),
                        line: None,
                    }),
                }
            }
            let line = line_of(chosen.first().map_or("", String::as_str));
            let raw = format!("{name} = {}", chosen.join("; "));
            Some(options(hits(&|o| picked.contains(&o), line, &raw), line))
        }
        (_, FieldValue::Text(v)) if v.trim().is_empty() => None,
        (_, FieldValue::Text(v)) => Some(Slot::Text {
            line: line_of(v),
            text: v.trim().to_string(),
        }),
        (_, FieldValue::Checked(on)) => Some(Slot::Text {
            line: line_of(""),
            text: if *on { "☒" } else { "☐" }.to_string(),
        }),
        (_, FieldValue::Radio(v)) => v.as_ref().map(|v| Slot::Text {
            line: line_of(v),
            text: v.clone(),
        }),
    }
}

/// The option of group `id` a form's export value names: by its code, else
/// by its label pattern.
fn option_of(t: &Template, id: usize, value: &str) -> Option<usize> {
    let def = &t.fields[id];
    let folded = fold(value.trim()).to_lowercase();
    let code = folded.replace([' ', '-'], "_");
    def.options.iter().position(|o| o.code == code).or_else(|| {
        def.options
            .iter()
            .position(|o| o.pattern.regex().is_match(&folded))
    })
}

/// Takes the form's values out of the text no field took: what is left of
/// a piece stays, a piece that was only values goes.
/// Only a value standing whole between spaces (or the piece's ends) is
/// taken: a value `1` leaves `12` alone.
fn take_out(unplaced: &mut Vec<(usize, String)>, shown: &[String]) {
    let spaced = |text: &str, at: usize, end: usize| {
        let before = text[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let after = text[end..].chars().next().is_none_or(char::is_whitespace);
        before && after
    };
    unplaced.retain_mut(|(_, text)| {
        for s in shown.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let whole = text
                .match_indices(s)
                .map(|(at, _)| at)
                .find(|&at| spaced(text, at, at + s.len()));
            if let Some(at) = whole {
                text.replace_range(at..at + s.len(), " ");
            }
        }
        *text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        !text.is_empty()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_leave_unplaced_only_whole() {
        let mut unplaced = vec![
            (3, "Legal name Ana Souza".to_string()),
            (5, "Ana".to_string()),
            (7, "Banana 12 Anatomy".to_string()),
        ];
        take_out(&mut unplaced, &["Ana".into(), "1".into(), "Souza".into()]);
        assert_eq!(
            unplaced,
            vec![
                (3, "Legal name".to_string()),
                (7, "Banana 12 Anatomy".to_string())
            ]
        );
    }
}
