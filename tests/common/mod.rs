//! Helpers shared by the integration tests: reading fixtures and records.

#![allow(dead_code)]

use formsift::input::Source;
use formsift::{pipeline, Record, Template};
use serde_json::Value;

/// The records of one fixture file, read as the binary would read it.
pub fn records(template: &Template, path: &str) -> Vec<Record> {
    pipeline::process(template, &Source::File(path.into()))
}

/// [`records`], with the test build's own binary as the PDF worker (a
/// test process cannot be one).
pub fn records_with_worker(template: &Template, path: &str, exe: &str) -> Vec<Record> {
    let mut opts = pipeline::Options::default();
    opts.pdf.exe = exe.into();
    pipeline::process_with(template, &Source::File(path.into()), &opts)
}

/// A record as JSON, the way it is written out (by the JSON writer, read
/// back).
pub fn json(record: &Record) -> Value {
    let mut out = Vec::new();
    formsift::output::json::record(&mut out, record, false);
    serde_json::from_slice(&out).unwrap()
}

/// A JSON fixture.
pub fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Compares two JSON values key by key, so a failure names what differs.
pub fn assert_same(got: &Value, want: &Value, what: &str) {
    if got == want {
        return;
    }
    let mut diffs = Vec::new();
    diff("", got, want, &mut diffs);
    panic!(
        "{what} differs from its expected record:\n{}",
        diffs.join("\n")
    );
}

fn diff(path: &str, got: &Value, want: &Value, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                diff(
                    &format!("{path}.{k}"),
                    a.get(k).unwrap_or(&Value::Null),
                    v,
                    out,
                );
            }
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                out.push(format!("{path}.{k}: unexpected key"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        _ if got != want => out.push(format!("{path}:\n    got  {got}\n    want {want}")),
        _ => {}
    }
}

/// `(severity, field, code, line)` of every issue of a record.
pub fn issue_keys(record: &Record) -> Vec<(String, Option<String>, String, Option<usize>)> {
    record
        .issues
        .iter()
        .map(|i| {
            let sev = serde_json::to_value(i.severity)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            (sev, i.field.clone(), i.code.clone(), i.line)
        })
        .collect()
}

/// The texts of a JSON record's `unplaced`, in order.
pub fn unplaced_texts(r: &Value) -> Vec<&str> {
    r["unplaced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["text"].as_str().unwrap())
        .collect()
}

/// The codes of a JSON record's issues, in order.
pub fn issue_codes(r: &Value) -> Vec<&str> {
    r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect()
}
