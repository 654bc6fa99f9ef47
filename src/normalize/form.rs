//! Typing a whole form: each raw slot becomes the value its field's type
//! calls for, and every value that cannot be read becomes an issue.

use serde_json::{Map, Value};

use crate::extract::{chat, Hit, Mark, RawForm, Slot};
use crate::record::{Issue, Origin, Provenance};
use crate::template::{Field, FieldId, Kind, Template};

/// The typed fields of a form, in the template's order, and the issues
/// found on the way.
pub fn fields(t: &Template, raw: &RawForm) -> (Map<String, Value>, Vec<Issue>) {
    let mut issues = Vec::new();
    // Sized once: a map that grows is hashed again at every doubling.
    let mut out = Map::with_capacity(t.top.len());
    for &id in &t.top {
        let field = &t.fields[id];
        let value = match field.kind {
            Kind::List => list(t, id, raw, &mut issues),
            _ => typed(t, field, raw.slots[id].as_ref(), None, &mut issues),
        };
        out.insert(field.key.clone(), value);
    }
    (out, issues)
}

/// Where each value came from: `{"cpf": {"line": 7, "raw": "529982247-25"}}`.
/// Blocks give their first and last line; checkbox groups the boxes that
/// decided them (checked or unreadable ones).
pub fn provenance(t: &Template, raw: &RawForm) -> Provenance {
    let mut out = Vec::with_capacity(t.top.len() + 4 * raw.entries.len());
    for &id in &t.top {
        if let Some(slot) = &raw.slots[id] {
            out.push((t.fields[id].key.clone(), origin(slot)));
        }
    }
    let top = out.len();
    for e in &raw.entries {
        for &child in &t.fields[e.list].children {
            if let Some(slot) = &e.slots[child] {
                let key = t.fields[child].path(t, Some(e.number));
                // Two entries with one number: the key keeps its place and
                // takes the later origin, as in a JSON object.
                match out[top..].iter().position(|(k, _)| *k == key) {
                    Some(i) => out[top + i].1 = origin(slot),
                    None => out.push((key, origin(slot))),
                }
            }
        }
    }
    Provenance(out)
}

fn origin(slot: &Slot) -> Origin {
    let line = slot.line();
    let raw = |raw: String| Origin {
        line,
        last_line: None,
        raw: Some(raw),
        at: None,
    };
    match slot {
        Slot::Text { text, .. } => raw(text.clone()),
        Slot::Block { lines, .. } => Origin {
            line,
            last_line: Some(lines.iter().map(|(n, _)| *n).max().unwrap_or(line)),
            raw: None,
            at: None,
        },
        Slot::Options { hits, .. } => {
            let deciding: Vec<&str> = hits
                .iter()
                .filter(|h| h.mark != Some(Mark::Unchecked))
                .map(|h| &*h.raw)
                .collect();
            raw(if deciding.is_empty() {
                format!("{} box(es), none checked", hits.len())
            } else {
                deciding.join("  ")
            })
        }
        Slot::Counts { cells, .. } => {
            let cells: Vec<&str> = cells.iter().map(|(_, n, _)| n.as_str()).collect();
            raw(cells.join(" "))
        }
    }
}

/// For each multiple-choice group in the form: which of its options were
/// printed. An option a form does not print has no state (neither 0 nor 1).
pub fn options_seen(t: &Template, raw: &RawForm) -> std::collections::BTreeMap<String, Vec<bool>> {
    t.top
        .iter()
        .filter(|&&id| t.fields[id].kind == Kind::Multiple)
        .filter_map(|&id| match &raw.slots[id] {
            Some(Slot::Options { hits, .. }) => {
                let mut seen = vec![false; t.fields[id].options.len()];
                for h in hits {
                    seen[h.option] = true;
                }
                Some((t.fields[id].key.clone(), seen))
            }
            _ => None,
        })
        .collect()
}

/// The entries of a list, in the order they appear.
fn list(t: &Template, id: FieldId, raw: &RawForm, issues: &mut Vec<Issue>) -> Value {
    let entries: Vec<Value> = raw
        .entries
        .iter()
        .filter(|e| e.list == id)
        .map(|e| {
            let mut obj = Map::with_capacity(t.fields[id].children.len() + 2);
            obj.insert("numero".into(), Value::from(e.number));
            for &child in &t.fields[id].children {
                let field = &t.fields[child];
                let slot = e.slots[child].as_ref();
                obj.insert(
                    field.key.clone(),
                    typed(t, field, slot, Some(e.number), issues),
                );
                if let Some(key) = &field.messages {
                    obj.insert(key.clone(), messages(slot));
                }
            }
            Value::Object(obj)
        })
        .collect();
    if entries.is_empty() {
        Value::Null
    } else {
        Value::Array(entries)
    }
}

fn messages(slot: Option<&Slot>) -> Value {
    let found = match slot {
        Some(Slot::Block { lines, .. }) => chat::messages(lines.iter().map(|(_, l)| l.as_str())),
        _ => Vec::new(),
    };
    Value::Array(
        found
            .into_iter()
            .map(|m| {
                let mut obj = Map::with_capacity(3);
                obj.insert("quando".into(), Value::String(m.quando));
                obj.insert("autor".into(), Value::String(m.autor));
                obj.insert("texto".into(), Value::String(m.texto));
                Value::Object(obj)
            })
            .collect(),
    )
}

/// One field's value.
fn typed(
    t: &Template,
    f: &Field,
    slot: Option<&Slot>,
    entry: Option<u32>,
    issues: &mut Vec<Issue>,
) -> Value {
    let Some(slot) = slot else { return Value::Null };
    let path = || f.path(t, entry);
    let line = Some(slot.line());
    match slot {
        Slot::Block { lines, .. } => {
            let text = lines
                .iter()
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let text = text.trim();
            if text.is_empty() {
                Value::Null
            } else {
                Value::String(text.to_string())
            }
        }
        Slot::Options { hits, stray, .. } => group(f, hits, stray, &path(), issues),
        Slot::Counts { cells, .. } => counts(t, f, cells, &path(), issues),
        Slot::Text { text, .. } if is_word_prompt(text) => {
            issues.push(Issue::warning(
                Some(path()),
                "placeholder",
                format!("{}: Word's prompt {:?} is no value", path(), text.trim()),
                line,
            ));
            Value::Null
        }
        Slot::Text { text, .. } => {
            let invalid = |issues: &mut Vec<Issue>, e: super::Invalid| {
                issues.push(Issue::error(Some(path()), e.code, e.message, line));
                Value::Null
            };
            match f.kind {
                Kind::Date => super::date_as(text, f.reading)
                    .map(Value::String)
                    .unwrap_or_else(|e| invalid(issues, e)),
                Kind::Period => super::period_as(text, f.reading)
                    .map(Value::String)
                    .unwrap_or_else(|e| invalid(issues, e)),
                Kind::Money => super::money_as(text, f.reading)
                    .map(Value::String)
                    .unwrap_or_else(|e| invalid(issues, e)),
                Kind::Integer => super::integer_as(text, f.unit.as_ref(), f.reading)
                    .map(Value::from)
                    .unwrap_or_else(|e| invalid(issues, e)),
                Kind::Uf => super::uf(text)
                    .map(Value::String)
                    .unwrap_or_else(|e| invalid(issues, e)),
                Kind::Cpf | Kind::Cnpj => {
                    let checked = if f.kind == Kind::Cpf {
                        super::cpf(text)
                    } else {
                        super::cnpj(text)
                    };
                    if let Some(e) = checked.error {
                        issues.push(Issue::error(Some(path()), e.code, e.message, line));
                    }
                    checked.value.map_or(Value::Null, Value::String)
                }
                _ => super::text(text).map_or(Value::Null, Value::String),
            }
        }
    }
}

/// The state of a checkbox group or box, or `null` with a warning when the
/// export does not tell it.
fn group(
    f: &Field,
    hits: &[Hit],
    stray: &[(usize, String)],
    path: &str,
    issues: &mut Vec<Issue>,
) -> Value {
    let line = hits.first().map(|h| h.line);
    // A checked box no option takes: never a silently shorter list.
    for (no, text) in stray {
        issues.push(Issue::error(
            Some(path.to_string()),
            "mark_unassigned",
            format!(
                "{path}: a checked box that is none of the group's options: {text:?} (in unplaced)"
            ),
            Some(*no),
        ));
    }
    if hits.is_empty() {
        return Value::Null;
    }
    if hits.iter().all(|h| h.mark.is_none()) {
        issues.push(Issue::warning(
            Some(path.to_string()),
            "marks_lost",
            format!("{path}: the export lost the checkbox marks; the state is unknown"),
            line,
        ));
        return Value::Null;
    }
    let n = f.options.len().max(1);
    let mut state: Vec<Option<Mark>> = vec![None; n];
    let mut unknown: Vec<&Hit> = Vec::new();
    for h in hits {
        match (h.mark, state[h.option]) {
            (None | Some(Mark::Unreadable), _) => unknown.push(h),
            (Some(m), Some(prev)) if prev != m => unknown.push(h),
            (Some(m), _) => state[h.option] = Some(m),
        }
    }
    if !unknown.is_empty() {
        let mut what: Vec<String> = unknown
            .iter()
            .map(|h| format!("{:?} (line {})", h.raw, h.line))
            .collect();
        what.dedup();
        if what.len() > 4 {
            let more = what.len() - 3;
            what.truncate(3);
            what.push(format!("and {more} more"));
        }
        issues.push(Issue::warning(
            Some(path.to_string()),
            "mark_unreadable",
            format!(
                "{path}: cannot read the box of {}; the state is unknown",
                what.join(", ")
            ),
            Some(unknown[0].line),
        ));
        return Value::Null;
    }
    let checked: Vec<&str> = (0..n)
        .filter(|&i| state[i] == Some(Mark::Checked))
        .map(|i| f.options.get(i).map_or("", |o| o.code.as_str()))
        .collect();
    let too_many = |issues: &mut Vec<Issue>| {
        issues.push(Issue::error(
            Some(path.to_string()),
            "multiple_checked",
            format!(
                "{path}: only one option may be checked, found {}",
                checked.join(", ")
            ),
            line,
        ));
        Value::Null
    };
    match f.kind {
        Kind::Box => Value::Bool(state[0] == Some(Mark::Checked)),
        Kind::Multiple => Value::from(checked.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
        Kind::Single => match checked.as_slice() {
            [] => Value::Null,
            [one] => Value::String(one.to_string()),
            _ => too_many(issues),
        },
        Kind::Yesno => match checked.as_slice() {
            [] => Value::Null,
            ["yes"] => Value::Bool(true),
            ["no"] => Value::Bool(false),
            _ => too_many(issues),
        },
        _ => Value::Null,
    }
}

/// A counts table as a map from option code to count.
fn counts(
    t: &Template,
    f: &Field,
    cells: &[(usize, String, usize)],
    path: &str,
    issues: &mut Vec<Issue>,
) -> Value {
    let options = &t.fields[f.options_from.expect("counts have options_from")].options;
    let mut found: Vec<(usize, Value)> = Vec::new();
    for (opt, raw, line) in cells {
        let value = match super::integer_as(raw, None, f.reading) {
            Ok(n) => Value::from(n),
            Err(e) => {
                let key = format!("{path}.{}", options[*opt].code);
                issues.push(Issue::error(Some(key), e.code, e.message, Some(*line)));
                Value::Null
            }
        };
        found.push((*opt, value));
    }
    found.sort_by_key(|(opt, _)| *opt);
    Value::Object(
        found
            .into_iter()
            .map(|(opt, v)| (options[opt].code.clone(), v))
            .collect(),
    )
}

/// The prompt Word shows in an empty content control, in Portuguese or
/// English: what a converter writes where the value was not filled in
/// (the `.docx` says so itself; its exports do not).
fn is_word_prompt(text: &str) -> bool {
    const PROMPTS: [&str; 8] = [
        "Clique ou toque aqui para inserir o texto.",
        "Clique ou toque para inserir uma data.",
        "Clique aqui para digitar texto.",
        "Escolher um item.",
        "Click or tap here to enter text.",
        "Click or tap to enter a date.",
        "Click here to enter text.",
        "Choose an item.",
    ];
    let t = text.trim();
    PROMPTS.iter().any(|p| p.eq_ignore_ascii_case(t))
}
