//! Boxes wherever converters and hand-made forms put them: after their
//! option, in a task list, in the row below a row of options, with their
//! label cut at the line's end; a box no
//! option takes is an error on its group, never a silently shorter list.
//! The forms are `fixtures/boxes/*.txt` (made by `make.py` there from the
//! inline form's LibreOffice export: status "Desligamento" checked).

mod common;

use common::{json, records};
use formsift::Template;
use serde_json::{json, Value};

/// The record, and its issues as `(severity, code, field, line)`.
fn read(name: &str) -> (Value, Vec<(String, String, Option<String>, Option<u64>)>) {
    let t = Template::default_template();
    let r = json(&records(&t, &format!("fixtures/boxes/{name}.txt"))[0]);
    let issues = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["severity"].as_str().unwrap().to_string(),
                i["code"].as_str().unwrap().to_string(),
                i["field"].as_str().map(str::to_string),
                i["line"].as_u64(),
            )
        })
        .collect();
    (r, issues)
}

fn issue(
    sev: &str,
    code: &str,
    field: Option<&str>,
    line: u64,
) -> (String, String, Option<String>, Option<u64>) {
    (
        sev.into(),
        code.into(),
        field.map(str::to_string),
        Some(line),
    )
}

fn message(r: &Value, code: &str) -> String {
    r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .map(|i| i["message"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn boxes_after_options_in_lists_and_in_the_row_below_are_read() {
    for name in [
        "after-inline",
        "after-lines",
        "task-list",
        "columns-tabs",
        "columns-pipe",
        "wrapped-option",
    ] {
        let (r, issues) = read(name);
        assert_eq!(
            r["fields"]["status_retencao"],
            json!("desligamento"),
            "{name}"
        );
        assert_eq!(
            r["fields"]["setor_responsavel"],
            json!(["central_de_atendimento"]),
            "{name}"
        );
        // "☒ Encerramento de" cut from "Atividades" in wrapped-option.
        assert_eq!(
            r["fields"]["motivo_desligamento"],
            json!(["encerramento_de_atividades", "motivos_particulares"]),
            "{name}"
        );
        assert!(issues.is_empty(), "{name}: {issues:?}");
        assert_eq!(r["complete"], json!(true), "{name}");
        assert_eq!(r["unplaced"], json!([]), "{name}");
    }
}

#[test]
fn boxes_that_cannot_be_paired_leave_the_state_unknown() {
    // Two boxes under three options; and "Retenção Efetiva ☒ Desligamento
    // ☐ Não se trata de Retenção", boxes after the first option and before
    // the last: not guessed.
    for (name, said) in [
        ("columns-short", "marks below: ☐ ☒"),
        ("ambiguous", "\"Retenção Efetiva\""),
    ] {
        let (r, issues) = read(name);
        assert_eq!(r["fields"]["status_retencao"], json!(null), "{name}");
        assert_eq!(
            issues,
            vec![
                issue("warning", "mark_unreadable", Some("status_retencao"), 23),
                issue("error", "state_unknown", Some("status_retencao"), 22),
            ],
            "{name}"
        );
        let m = message(&r, "mark_unreadable");
        assert!(m.contains(said), "{name}: {m}");
    }
}

#[test]
fn a_checked_box_no_option_takes_is_an_error_on_its_group() {
    // "☒ Reativação" under the status options, all unchecked.
    let (r, issues) = read("unassigned");
    assert_eq!(r["fields"]["status_retencao"], json!(null));
    assert_eq!(r["complete"], json!(false));
    assert_eq!(r["unplaced"], json!([{"line": 26, "text": "☒ Reativação"}]));
    assert_eq!(
        issues,
        vec![
            issue("error", "mark_unassigned", Some("status_retencao"), 26),
            issue("warning", "unplaced_text", None, 26),
        ],
        "no none_checked beside it: a box is checked"
    );
    let m = message(&r, "mark_unassigned");
    assert!(m.contains("\"☒ Reativação\""), "{m}");
    // "☒ Jurídico" after the last option of a multiple group: the list
    // keeps what it has, and the group has its error.
    let (r, issues) = read("unassigned-inline");
    assert_eq!(
        r["fields"]["setor_responsavel"],
        json!(["central_de_atendimento"])
    );
    assert_eq!(r["unplaced"], json!([{"line": 76, "text": "☒ Jurídico"}]));
    assert_eq!(
        issues,
        vec![
            issue("error", "mark_unassigned", Some("setor_responsavel"), 76),
            issue("warning", "unplaced_text", None, 76),
        ]
    );
    assert_eq!(r["complete"], json!(false));
}
