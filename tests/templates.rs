//! Templates for other forms: locales and per-field formats.

mod common;

use common::{json, records};
use formsift::Template;
use serde_json::json;

fn us_expense() -> Template {
    Template::load("fixtures/templates/set/us-expense.toml").unwrap()
}

#[test]
fn an_american_form_reads_month_first_dates_and_dollars() {
    let r = json(&records(&us_expense(), "fixtures/templates/us-expense/filled.txt")[0]);
    assert_eq!(
        r["fields"],
        json!({
            "employee": "Dana Whitfield",
            "report_date": "2020-08-29",
            "trip_start": "2020-03-04",
            "receipt_date": "2020-08-29",
            "total": "1234.56",
            "refund": "-12.00",
            "miles": 1200,
            "budget_brl": "5000.00",
        })
    );
    assert_eq!(r["issues"], json!([]), "{r:#}");
}

#[test]
fn a_date_written_in_the_other_order_is_invalid_never_swapped() {
    let r = json(
        &records(
            &us_expense(),
            "fixtures/templates/us-expense/wrong-order.txt",
        )[0],
    );
    let f = &r["fields"];
    for key in [
        "report_date",
        "trip_start",
        "receipt_date",
        "total",
        "miles",
    ] {
        assert_eq!(f[key], json!(null), "{key} must not be guessed: {r:#}");
    }
    let issues: Vec<(String, String)> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .map(|i| {
            (
                i["field"].as_str().unwrap().to_string(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let msg = |key: &str| {
        issues
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, m)| m.as_str())
            .unwrap_or_else(|| panic!("no error on {key}: {issues:?}"))
    };
    assert!(
        msg("report_date").contains("there is no month 29; it reads as a date day first"),
        "{}",
        msg("report_date")
    );
    assert!(msg("trip_start").contains("there is no month 13"));
    assert!(
        msg("receipt_date").contains("it reads as a date month first"),
        "{}",
        msg("receipt_date")
    );
    assert!(msg("total").contains("1,234.56"), "{}", msg("total"));
    assert!(
        msg("miles").contains("not a whole number"),
        "{}",
        msg("miles")
    );
}

#[test]
fn a_locale_or_format_formsift_does_not_know_is_refused_by_name() {
    let base = std::fs::read_to_string("fixtures/templates/set/us-expense.toml").unwrap();
    let e = Template::from_toml(&base.replace("\"en-US\"", "\"fr-FR\""), "t.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`locale = \"fr-FR\"`: formsift knows pt-BR, en-US"),
        "{e}"
    );
    let e = Template::from_toml(&base.replace("\"dd/mm/yyyy\"", "\"yyyy/dd/mm\""), "t.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("field `receipt_date`"), "{e}");
    assert!(
        e.contains("a date's format is one of dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd"),
        "{e}"
    );
    let text_format = base.replace(
        "label = 'employee\\s+name'",
        "label = 'employee\\s+name'\nformat = \"mm/dd/yyyy\"",
    );
    assert_ne!(text_format, base);
    let e = Template::from_toml(&text_format, "t.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`format` is for date, period, money and integer fields, not text"),
        "{e}"
    );
}

#[test]
fn ignore_drops_a_printed_instruction_beside_an_inline_value() {
    let t = Template::from_toml(
        r#"
name = "contato"
title = 'ficha\s+de\s+contato'

[[field]]
key = "telefone"
label = 'telefone'
ignore = '\(com\s+ddd\)'

[[field]]
key = "email"
label = 'e-?mail'
"#,
        "contato.toml",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contato.txt");
    std::fs::write(
        &path,
        "Ficha de contato\nTelefone (com DDD): (11) 3333-4444\nE-mail: (com DDD) ana@example.com\n",
    )
    .unwrap();
    let r = json(&records(&t, path.to_str().unwrap())[0]);
    assert_eq!(r["fields"]["telefone"], "(11) 3333-4444", "{r:#}");
    // Only the field that names the instruction drops it.
    assert_eq!(r["fields"]["email"], "(com DDD) ana@example.com", "{r:#}");
    assert_eq!(r["unplaced"], json!([]), "{r:#}");
}

/// The templates of the mixed folder's forms: the two built in, and the
/// folder `set/` (a contact card and the American expense report).
fn mixed_set() -> Vec<Template> {
    Template::load_all(&[
        "processo-retencao".to_string(),
        "ficha-cadastro".to_string(),
        "fixtures/templates/set".to_string(),
    ])
    .unwrap()
}

fn among(ts: &[Template], path: &str) -> Vec<serde_json::Value> {
    formsift::pipeline::process_among(
        ts,
        &formsift::input::Source::File(path.into()),
        &formsift::pipeline::Options::default(),
    )
    .iter()
    .map(json)
    .collect()
}

#[test]
fn a_folder_of_templates_loads_in_name_order_and_names_must_differ() {
    let names: Vec<String> = mixed_set().iter().map(|t| t.name.clone()).collect();
    assert_eq!(
        names,
        [
            "processo-retencao",
            "ficha-cadastro",
            "ficha-contato",
            "us-expense"
        ]
    );
    let e = Template::load_all(&["ficha-cadastro".into(), "ficha-cadastro".into()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("two templates are named \"ficha-cadastro\""),
        "{e}"
    );
    let empty = tempfile::tempdir().unwrap();
    let e = Template::load_all(&[empty.path().display().to_string()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the folder holds no template (.toml file)"),
        "{e}"
    );
}

/// Each form of a mixed folder goes to its own template, and reads as that
/// template alone reads it; the memo, no template's form, is not taken.
#[test]
fn a_mixed_folder_needs_no_splitting() {
    let ts = mixed_set();
    let dir = "fixtures/templates/mixed";
    for (file, template) in [
        ("retencao.txt", "processo-retencao"),
        ("ficha.txt", "ficha-cadastro"),
        ("contato.txt", "ficha-contato"),
        ("expense.txt", "us-expense"),
    ] {
        let path = format!("{dir}/{file}");
        let got = among(&ts, &path);
        let alone = ts.iter().find(|t| t.name == template).unwrap();
        let want: Vec<_> = records(alone, &path).iter().map(json).collect();
        assert_eq!(got[0]["template"], template, "{file}");
        assert_eq!(got, want, "{file} reads as its template alone reads it");
    }
    let contato = &among(&ts, &format!("{dir}/contato.txt"))[0];
    assert_eq!(
        contato["fields"],
        json!({
            "nome": "Clínica Sorriso Ltda",
            "telefone": "(41) 3222-1100",
            "email": "contato@sorriso.example",
        })
    );

    let memo = &among(&ts, &format!("{dir}/memo.txt"))[0];
    assert_eq!(memo["error"]["code"], "not_a_form", "{memo:#}");
    assert_eq!(
        memo["error"]["message"],
        "fixtures/templates/mixed/memo.txt: shows neither the title nor a label of any \
         template given (processo-retencao, ficha-cadastro, ficha-contato, us-expense)"
    );
    assert_eq!(
        memo["template"],
        "processo-retencao|ficha-cadastro|ficha-contato|us-expense"
    );

    // Labels of the expense report, and no title: not taken, the expense
    // report named as the nearest.
    let tmp = tempfile::tempdir().unwrap();
    let untitled = tmp.path().join("untitled.txt");
    std::fs::write(
        &untitled,
        "Employee name: Lee Ortega\nTotal amount: $12.00\n",
    )
    .unwrap();
    let r = &among(&ts, untitled.to_str().unwrap())[0];
    assert_eq!(r["error"]["code"], "not_a_form", "{r:#}");
    assert_eq!(r["template"], "us-expense");
    let message = r["error"]["message"].as_str().unwrap();
    assert!(
        message.ends_with(
            "shows the title of no template given (processo-retencao, ficha-cadastro, \
             ficha-contato, us-expense); the nearest is us-expense (2 of its labels)"
        ),
        "{message}"
    );
    // Alone, a template takes a text with its labels and no title (a
    // warning says so): that is what a second template prevents.
    let ficha = Template::load("ficha-cadastro").unwrap();
    let taken = json(&records(&ficha, &format!("{dir}/contato.txt"))[0]);
    assert_eq!(taken["fields"]["nome"], "Clínica Sorriso Ltda");
}
