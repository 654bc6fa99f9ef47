//! Records as rows of a table with a header fixed by the template, never by
//! the data: the same columns for every input and every revision. Shared by
//! the CSV and XLSX writers, which only render the typed cells.

use serde_json::Value;

use crate::record::Record;
use crate::template::{FieldId, Kind, Template};

/// A typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A decimal string with a dot, as in the record.
    Money(String),
    /// `YYYY-MM-DD`.
    Date(String),
    Bool(bool),
    /// One option of a multiple-choice group: checked or not.
    Flag(bool),
}

#[derive(Debug, Clone, Copy)]
enum Plan {
    Source,
    FormIndex,
    Template,
    Revision,
    Complete,
    Errors,
    Warnings,
    Problems,
    Field(FieldId),
    Option(FieldId, usize),
    Count(FieldId, usize),
    Entry(FieldId, u32, FieldId),
}

/// The columns of a template, and how to fill them from a record.
#[derive(Debug)]
pub struct Columns {
    pub names: Vec<String>,
    plan: Vec<Plan>,
}

const ENVELOPE: [(&str, Plan); 8] = [
    ("source", Plan::Source),
    ("form_index", Plan::FormIndex),
    ("template", Plan::Template),
    ("revision", Plan::Revision),
    ("complete", Plan::Complete),
    ("errors", Plan::Errors),
    ("warnings", Plan::Warnings),
    ("problems", Plan::Problems),
];

impl Columns {
    /// The columns of `t`: the envelope, then every field in order; a
    /// multiple-choice group also has a 0/1 column per option, a counts
    /// table a column per option, a list `max` entries of columns.
    pub fn new(t: &Template) -> Columns {
        let mut names: Vec<String> = ENVELOPE.iter().map(|(n, _)| n.to_string()).collect();
        let mut plan: Vec<Plan> = ENVELOPE.iter().map(|(_, p)| *p).collect();
        let mut push = |name: String, p: Plan| {
            names.push(name);
            plan.push(p);
        };
        for &id in &t.top {
            let f = &t.fields[id];
            match f.kind {
                Kind::List => {
                    for n in 1..=f.max {
                        for &child in &f.children {
                            push(
                                format!("{}_{n}_{}", f.column, t.fields[child].key),
                                Plan::Entry(id, n, child),
                            );
                        }
                    }
                }
                Kind::Counts => {
                    let from = &t.fields[f.options_from.expect("counts have options_from")];
                    for (i, o) in from.options.iter().enumerate() {
                        push(format!("{}.{}", f.key, o.code), Plan::Count(id, i));
                    }
                }
                Kind::Multiple => {
                    push(f.key.clone(), Plan::Field(id));
                    for (i, o) in f.options.iter().enumerate() {
                        push(format!("{}.{}", f.key, o.code), Plan::Option(id, i));
                    }
                }
                _ => push(f.key.clone(), Plan::Field(id)),
            }
        }
        Columns { names, plan }
    }

    /// The cells of one record, in column order.
    pub fn row(&self, t: &Template, r: &Record) -> Vec<Cell> {
        self.plan.iter().map(|p| cell(t, r, *p)).collect()
    }
}

fn cell(t: &Template, r: &Record, p: Plan) -> Cell {
    let fields = r.fields.as_ref();
    match p {
        Plan::Source => Cell::Text(r.source.clone()),
        Plan::FormIndex => r.form_index.map_or(Cell::Empty, |i| Cell::Int(i as i64)),
        Plan::Template => Cell::Text(r.template.clone()),
        Plan::Revision => r.revision.clone().map_or(Cell::Empty, Cell::Text),
        Plan::Complete => Cell::Bool(r.complete),
        Plan::Errors => Cell::Int(r.errors() as i64 + i64::from(r.error.is_some())),
        Plan::Warnings => Cell::Int(r.warnings() as i64),
        Plan::Problems => Cell::Text(problems(r)),
        Plan::Field(id) => typed(t, id, fields.and_then(|f| f.get(&t.fields[id].key))),
        Plan::Option(id, i) => match fields.and_then(|f| f.get(&t.fields[id].key)) {
            // An option the form did not print has no state.
            Some(Value::Array(_))
                if r.options_seen.get(&t.fields[id].key).is_some_and(|s| !s[i]) =>
            {
                Cell::Empty
            }
            Some(Value::Array(codes)) => {
                let code = &t.fields[id].options[i].code;
                Cell::Flag(codes.iter().any(|c| c.as_str() == Some(code)))
            }
            _ => Cell::Empty,
        },
        Plan::Count(id, i) => {
            let from = t.fields[id].options_from.expect("counts have options_from");
            let code = &t.fields[from].options[i].code;
            match fields
                .and_then(|f| f.get(&t.fields[id].key))
                .and_then(|m| m.get(code))
            {
                Some(Value::Number(n)) => n.as_i64().map_or(Cell::Empty, Cell::Int),
                _ => Cell::Empty,
            }
        }
        Plan::Entry(list, n, child) => {
            let entry = fields
                .and_then(|f| f.get(&t.fields[list].key))
                .and_then(Value::as_array)
                .and_then(|entries| {
                    entries
                        .iter()
                        .find(|e| e["numero"].as_u64() == Some(u64::from(n)))
                });
            typed(t, child, entry.and_then(|e| e.get(&t.fields[child].key)))
        }
    }
}

/// A value as the cell its field's type calls for.
pub fn typed(t: &Template, id: FieldId, v: Option<&Value>) -> Cell {
    let Some(v) = v else { return Cell::Empty };
    match (t.fields[id].kind, v) {
        (_, Value::Null) => Cell::Empty,
        (Kind::Date, Value::String(s)) => Cell::Date(s.clone()),
        (Kind::Money, Value::String(s)) => Cell::Money(s.clone()),
        (_, Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| Cell::Text(n.to_string()), Cell::Int),
        (_, Value::Bool(b)) => Cell::Bool(*b),
        (_, Value::String(s)) => Cell::Text(s.clone()),
        (_, Value::Array(items)) => Cell::Text(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (_, other) => Cell::Text(other.to_string()),
    }
}

/// Every issue as `field: message`, joined by ` | `, so a reviewer can
/// filter a sheet and read what to fix.
pub fn problems(r: &Record) -> String {
    if let Some(e) = &r.error {
        return format!("{}: {}", e.code, e.message);
    }
    r.issues
        .iter()
        .map(|i| match &i.field {
            Some(f) if !i.message.starts_with(f.as_str()) => format!("{f}: {}", i.message),
            _ => i.message.clone(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
