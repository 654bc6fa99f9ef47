//! Completeness rules and review hints, as compiled from the template's
//! `[[rule]]` and `[[hint]]` tables. Evaluating them is the job of
//! [`crate::validate`].

use std::collections::HashMap;

use super::spec::{HintSpec, RuleSpec, WhenSpec};
use super::{Field, FieldId, Kind};

/// A field named by a rule: `cpf`, or `contatos[1].obs` (one entry of a
/// list), or `contatos.obs` (every entry, for hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ref {
    pub field: FieldId,
    pub entry: Option<u32>,
}

/// The value a condition waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Code(String),
    Bool(bool),
}

/// A condition: `field` is (or contains) `is`.
#[derive(Debug)]
pub struct When {
    pub field: FieldId,
    pub is: Expect,
}

/// What a rule checks.
#[derive(Debug)]
pub enum Check {
    Required(Vec<Ref>),
    OneOf(Vec<Ref>),
    Answered(Vec<FieldId>),
    NotBefore(FieldId, FieldId),
}

/// One completeness rule.
#[derive(Debug)]
pub struct Rule {
    pub when: Option<When>,
    pub check: Check,
}

/// Words in notes that name options of a group.
#[derive(Debug)]
pub struct Hint {
    pub group: FieldId,
    pub when: Option<When>,
    pub look_in: Vec<Ref>,
    /// Compiled when first searched: most forms never need them.
    pub words: Vec<(super::Pattern, usize)>,
    /// All the words, to tell in one pass which ones a line holds.
    word_set: std::sync::OnceLock<regex_automata::meta::Regex>,
}

impl Hint {
    /// Which of the words match somewhere in `text` (by index).
    pub fn words_in(&self, text: &str) -> regex_automata::PatternSet {
        let set = self.word_set.get_or_init(|| {
            // No prefilter: notes are full of the words' first letters, and
            // the literal search kept stopping to hand over to the DFA (it
            // was four fifths of the time).
            regex_automata::meta::Regex::builder()
                .configure(
                    regex_automata::meta::Config::new()
                        .match_kind(regex_automata::MatchKind::All)
                        .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
                        .auto_prefilter(false),
                )
                .build_many(
                    &self
                        .words
                        .iter()
                        .map(|(w, _)| w.as_str())
                        .collect::<Vec<_>>(),
                )
                .expect("each word was checked when the template loaded")
        });
        let mut found = regex_automata::PatternSet::new(set.pattern_len());
        set.which_overlapping_matches(&regex_automata::Input::new(text), &mut found);
        found
    }
}

/// Resolves a reference against the fields' keys.
pub(super) fn reference(
    text: &str,
    by_key: &HashMap<String, FieldId>,
    fields: &[Field],
    all_entries: bool,
) -> Result<Ref, String> {
    let bad = || format!("{text:?} names no field");
    let (head, rest) = match text.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (text, None),
    };
    let (list_key, entry) = match head.split_once('[') {
        Some((k, n)) => {
            let n: u32 = n
                .strip_suffix(']')
                .and_then(|n| n.parse().ok())
                .ok_or_else(bad)?;
            (k, Some(n))
        }
        None => (head, None),
    };
    match rest {
        None if entry.is_none() => by_key
            .get(head)
            .map(|&field| Ref { field, entry: None })
            .ok_or_else(bad),
        Some(child) => {
            let id = *by_key.get(&format!("{list_key}.{child}")).ok_or_else(bad)?;
            if entry.is_none() && !all_entries {
                return Err(format!(
                    "{text:?}: name one entry, as in {list_key}[1].{child}"
                ));
            }
            debug_assert!(fields[id].list.is_some());
            Ok(Ref { field: id, entry })
        }
        None => Err(bad()),
    }
}

fn when(
    spec: &Option<WhenSpec>,
    by_key: &HashMap<String, FieldId>,
    fields: &[Field],
) -> Result<Option<When>, String> {
    let Some(w) = spec else { return Ok(None) };
    let r = reference(&w.field, by_key, fields, false)?;
    let f = &fields[r.field];
    let is = match &w.is {
        toml::Value::Boolean(b) if matches!(f.kind, Kind::Yesno | Kind::Box) => Expect::Bool(*b),
        toml::Value::String(code) if f.is_group() && f.options.iter().any(|o| &o.code == code) => {
            Expect::Code(code.clone())
        }
        toml::Value::String(s) if !f.is_group() && !matches!(f.kind, Kind::Box) => {
            Expect::Code(s.clone())
        }
        other => return Err(format!("`when`: {} cannot be {other}", w.field)),
    };
    Ok(Some(When { field: r.field, is }))
}

/// Compiles the rules and hints of a template.
pub(super) fn compile(
    rules: &[RuleSpec],
    hints: &[HintSpec],
    by_key: &HashMap<String, FieldId>,
    fields: &[Field],
) -> Result<(Vec<Rule>, Vec<Hint>), String> {
    let mut out = Vec::with_capacity(rules.len());
    for (i, spec) in rules.iter().enumerate() {
        let name = format!("rule {}", i + 1);
        let refs = |keys: &[String]| {
            keys.iter()
                .map(|k| reference(k, by_key, fields, false))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{name}: {e}"))
        };
        let mut checks = Vec::new();
        if !spec.required.is_empty() {
            checks.push(Check::Required(refs(&spec.required)?));
        }
        if !spec.one_of.is_empty() {
            checks.push(Check::OneOf(refs(&spec.one_of)?));
        }
        if !spec.answered.is_empty() {
            let ids = refs(&spec.answered)?;
            if let Some(r) = ids
                .iter()
                .find(|r| !matches!(fields[r.field].kind, Kind::Single | Kind::Yesno))
            {
                return Err(format!(
                    "{name}: `answered` takes single or yesno groups, not `{}`",
                    fields[r.field].key
                ));
            }
            checks.push(Check::Answered(ids.iter().map(|r| r.field).collect()));
        }
        match (&spec.field, &spec.not_before) {
            (Some(a), Some(b)) => {
                let (a, b) = (
                    refs(std::slice::from_ref(a))?[0],
                    refs(std::slice::from_ref(b))?[0],
                );
                if fields[a.field].kind != Kind::Date || fields[b.field].kind != Kind::Date {
                    return Err(format!("{name}: `not_before` compares two date fields"));
                }
                checks.push(Check::NotBefore(a.field, b.field));
            }
            (None, None) => {}
            _ => return Err(format!("{name}: `field` and `not_before` go together")),
        }
        if checks.len() != 1 {
            return Err(format!("{name}: give exactly one of `required`, `one_of`, `answered`, `field` + `not_before`"));
        }
        out.push(Rule {
            when: when(&spec.when, by_key, fields).map_err(|e| format!("{name}: {e}"))?,
            check: checks.pop().expect("one check"),
        });
    }
    let hints = hints
        .iter()
        .enumerate()
        .map(|(i, h)| compile_hint(h, by_key, fields).map_err(|e| format!("hint {}: {e}", i + 1)))
        .collect::<Result<_, _>>()?;
    Ok((out, hints))
}

fn compile_hint(
    h: &HintSpec,
    by_key: &HashMap<String, FieldId>,
    fields: &[Field],
) -> Result<Hint, String> {
    let group = reference(&h.group, by_key, fields, false)?.field;
    if !fields[group].is_group() {
        return Err(format!("`{}` is not a checkbox group", h.group));
    }
    let look_in = h
        .look_in
        .iter()
        .map(|k| reference(k, by_key, fields, true))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(r) = look_in.iter().find(|r| fields[r.field].kind != Kind::Text) {
        return Err(format!(
            "`look_in` takes text fields, not `{}`",
            fields[r.field].key
        ));
    }
    let words = h
        .words
        .iter()
        .map(|w| {
            let option = fields[group]
                .options
                .iter()
                .position(|o| o.code == w.option)
                .ok_or_else(|| format!("`{}` has no option `{}`", h.group, w.option))?;
            Ok((
                super::lazy_pattern(&format!("word {:?}", w.pattern), &w.pattern)?,
                option,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Hint {
        group,
        when: when(&h.when, by_key, fields)?,
        look_in,
        words,
        word_set: std::sync::OnceLock::new(),
    })
}
