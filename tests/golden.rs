//! Library tests over fixtures: every record compared with one a person
//! wrote from reading the input (fixtures/**/*.expected.json).

mod common;

use common::{assert_same, issue_keys, json, load, records};
use formsift::input::fold::fold;
use formsift::Template;
use serde_json::Value;

fn retention() -> Template {
    Template::default_template()
}

#[test]
fn seeds_give_exactly_their_expected_records() {
    let t = retention();
    for seed in [
        "000_e79935e713eb578e",
        "001_abe2ddd6ae2ff60f",
        "002_c1c58cae090523cb",
    ] {
        let path = format!("fixtures/seeds/{seed}.txt");
        let got = records(&t, &path);
        assert_eq!(got.len(), 1, "{path}: one form");
        let want = load(&format!("fixtures/seeds/{seed}.expected.json"));
        assert_same(&json(&got[0]), &want, &path);
    }
}

/// Every filled variant of a revision gives the same fields.
fn check_family(revision: &str, files: &[(&str, &[&str])]) {
    let t = retention();
    let want = load(&format!("fixtures/filled/{revision}.expected.json"));
    for (file, warnings) in files {
        let path = format!("fixtures/filled/{file}");
        let got = records(&t, &path);
        assert_eq!(got.len(), 1, "{path}: one form");
        let r = &got[0];
        assert_eq!(r.revision.as_deref(), Some(revision), "{path}: revision");
        assert_eq!(r.form_index, Some(1));
        assert!(r.unplaced.is_empty(), "{path}: unplaced {:?}", r.unplaced);
        let codes: Vec<&str> = r.issues.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(&codes, warnings, "{path}: issues {:?}", r.issues);
        assert!(r.complete, "{path}: no error");
        let fields = Value::Object(r.fields.clone().unwrap());
        if file.contains("stripped") {
            // Accents were stripped in the input: values come out as written.
            let want = fold(&want.to_string()).replace('º', "o");
            assert_eq!(fold(&fields.to_string()), want, "{path}");
        } else {
            assert_same(&fields, &want, &path);
        }
    }
}

#[test]
fn v1_in_every_layout_and_encoding() {
    check_family(
        "v1",
        &[
            ("v1-inline.txt", &[]),
            ("v1-colons.txt", &[]),
            ("v1-table.txt", &[]),
            ("v1-cp1252-crlf.txt", &["encoding_guessed"]),
            ("v1-wingdings-cr.txt", &["encoding_guessed"]),
            ("v1-stripped.txt", &[]),
            ("v1-nfd-nbsp-bom.txt", &[]),
        ],
    );
}

#[test]
fn v2_in_every_layout_with_marks() {
    check_family(
        "v2",
        &[
            ("v2-inline.txt", &[]),
            ("v2-colons.txt", &[]),
            ("v2-table.txt", &[]),
            ("v2-cp1252-crlf.txt", &["encoding_guessed"]),
        ],
    );
}

#[test]
fn v3_in_every_layout_and_encoding() {
    check_family(
        "v3",
        &[
            ("v3-inline.txt", &[]),
            ("v3-cp1252-crlf.txt", &["encoding_guessed"]),
        ],
    );
}

#[test]
fn windows_1252_warning_names_the_file_and_encoding() {
    let r = &records(&retention(), "fixtures/filled/v1-cp1252-crlf.txt")[0];
    assert_eq!(
        r.issues[0].message,
        "fixtures/filled/v1-cp1252-crlf.txt: not UTF-8: read as windows-1252"
    );
    assert_eq!(r.issues[0].field, None);
}

#[test]
fn utf16_with_bom_reads_like_utf8() {
    let t = retention();
    let r = &records(&t, "fixtures/edge/utf16le-bom.txt")[0];
    let want = load("fixtures/filled/v3.expected.json");
    assert_same(
        &Value::Object(r.fields.clone().unwrap()),
        &want,
        "utf16le-bom.txt",
    );
    assert!(r.issues.is_empty(), "{:?}", r.issues);
}

#[test]
fn many_forms_in_one_file_give_one_record_each_in_order() {
    let got = records(&retention(), "fixtures/edge/two-forms.txt");
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].form_index, got[1].form_index), (Some(1), Some(2)));
    assert_eq!(got[0].revision.as_deref(), Some("v1"));
    assert_eq!(got[1].revision.as_deref(), Some("v3"));
    assert_same(
        &Value::Object(got[0].fields.clone().unwrap()),
        &load("fixtures/filled/v1.expected.json"),
        "form 1",
    );
    assert_same(
        &Value::Object(got[1].fields.clone().unwrap()),
        &load("fixtures/filled/v3.expected.json"),
        "form 2",
    );
    // Line numbers count from the top of the file, not of the form.
    let second = &got[1].fields.as_ref().unwrap()["contatos"][0];
    assert_eq!(second["data"], "2025-03-20");
    assert!(got.iter().all(|r| r.unplaced.is_empty()));
}

#[test]
fn invalid_values_are_null_with_an_error_quoting_the_text() {
    let r = &records(&retention(), "fixtures/edge/invalid-values.txt")[0];
    let f = r.fields.as_ref().unwrap();
    let e = |field: &str, code: &str, line: usize| {
        (
            "error".to_string(),
            Some(field.to_string()),
            code.to_string(),
            Some(line),
        )
    };
    assert_eq!(
        issue_keys(r),
        vec![
            e("qtd_cros", "invalid_integer", 3),
            e("data", "invalid_date", 5),
            e("cro_uf", "invalid_uf", 7),
            e("cnpj", "invalid_check_digit", 9),
            e("cpf", "invalid_check_digit", 9),
            e("data_inclusao", "invalid_date", 11),
            e("numero_vidas", "invalid_integer", 13),
            e("ultima_producao", "invalid_period", 15),
            e("valor_ultima_producao", "invalid_money", 15),
            e("tempo_finalizacao", "invalid_integer", 17),
            e("status_retencao", "multiple_checked", 20),
            e("contatos[1].data", "invalid_date", 24),
            // The revision is unknown, so every rule applies: these groups
            // are not in this form at all.
            (
                "error".into(),
                Some("atende_outros_convenios".into()),
                "none_checked".into(),
                None
            ),
            (
                "error".into(),
                Some("necessario_abertura_protocolo".into()),
                "none_checked".into(),
                None
            ),
        ]
    );
    assert!(!r.complete);
    for key in [
        "qtd_cros",
        "data",
        "cro_uf",
        "data_inclusao",
        "numero_vidas",
        "ultima_producao",
        "valor_ultima_producao",
        "tempo_finalizacao",
        "status_retencao",
    ] {
        assert_eq!(f[key], Value::Null, "{key}");
    }
    // CPF and CNPJ with a wrong check digit are kept, formatted, never corrected.
    assert_eq!(f["cpf"], "529.982.247-24");
    assert_eq!(f["cnpj"], "11.222.333/0001-82");
    assert_eq!(f["uf"], "SP", "a state's name reads as its code");
    let msg = |code: &str| {
        r.issues
            .iter()
            .find(|i| i.code == code)
            .unwrap()
            .message
            .clone()
    };
    assert_eq!(msg("invalid_uf"), "UF \"XX\": not one of the 27 states");
    assert_eq!(
        msg("invalid_money"),
        "amount \"dez reais\": not a sum of money"
    );
    assert_eq!(
        msg("multiple_checked"),
        "status_retencao: only one option may be checked, found retencao_efetiva, desligamento"
    );
    assert!(r
        .issues
        .iter()
        .any(|i| i.message == "date \"31/02/2025\": month 2 of 2025 has no day 31"));
}

#[test]
fn unreadable_marks_are_unknown_never_a_guess() {
    let r = &records(&retention(), "fixtures/edge/unreadable-marks.txt")[0];
    let f = r.fields.as_ref().unwrap();
    assert_eq!(f["atende_outros_convenios"], Value::Null, "? before Sim");
    assert_eq!(
        f["status_retencao"],
        Value::Null,
        "U+FFFD before Desligamento"
    );
    assert_eq!(
        f["necessario_abertura_protocolo"],
        Value::Null,
        "one box between two options: after Sim or before Não"
    );
    assert_eq!(f["acao_retencao"], serde_json::json!(["ofertado_suporte"]));
    let w = |field: &str, line: usize| {
        (
            "warning".to_string(),
            Some(field.to_string()),
            "mark_unreadable".to_string(),
            Some(line),
        )
    };
    let marks: Vec<_> = issue_keys(r)
        .into_iter()
        .filter(|i| i.0 == "warning")
        .collect();
    assert_eq!(
        marks,
        vec![
            w("atende_outros_convenios", 4),
            w("status_retencao", 8),
            w("necessario_abertura_protocolo", 16)
        ]
    );
    // Such a form cannot be shown complete: each group the rules need is an error.
    let unknown: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == "state_unknown")
        .map(|i| i.field.clone().unwrap())
        .collect();
    assert_eq!(
        unknown,
        [
            "status_retencao",
            "atende_outros_convenios",
            "necessario_abertura_protocolo"
        ]
    );
    // A ✓ or ✔ inside text is text, not a box.
    assert_eq!(
        f["obs_geral"],
        "Cliente escreveu \"Editada 11:28 ✓\" e confirmou ✔ Sim pelo chat."
    );
    assert!(!r.complete);
}

#[test]
fn documents_that_are_not_forms_give_an_error_record() {
    let t = retention();
    for (file, code) in [
        ("binary-junk.txt", "not_text"),
        ("empty.txt", "empty"),
        ("not-a-form.txt", "not_a_form"),
    ] {
        let path = format!("fixtures/edge/{file}");
        let got = records(&t, &path);
        assert_eq!(got.len(), 1, "{path}");
        let r = &got[0];
        let err = r
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{path}: an error record"));
        assert_eq!(err.code, code, "{path}");
        assert!(
            err.message.starts_with(&path),
            "{path}: the message names the file: {}",
            err.message
        );
        assert!(!r.complete && r.fields.is_none() && r.form_index.is_none());
    }
    let missing = &records(&t, "fixtures/edge/no-such-file.txt")[0];
    assert_eq!(missing.error.as_ref().unwrap().code, "not_found");
}

#[test]
fn another_form_described_only_by_a_template() {
    let t = Template::load("ficha-cadastro").unwrap();
    let got = records(&t, "fixtures/templates/ficha-cadastro.txt");
    let want = load("fixtures/templates/ficha-cadastro.expected.json");
    assert_same(&json(&got[0]), &want, "ficha-cadastro.txt");
}

#[test]
fn a_template_file_path_works_like_a_built_in_name() {
    let t = Template::load("templates/ficha-cadastro.toml").unwrap();
    assert_eq!(t.name, "ficha-cadastro");
    let e = Template::load("fixtures/templates/bad-regex.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("field `nome` label: bad pattern \"nome(\""),
        "{e}"
    );
}
