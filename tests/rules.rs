//! Completeness rules: each crafted form breaks exactly one rule of the
//! template and must get exactly that error; the fully filled forms get none.

mod common;

use common::records;
use formsift::Template;

/// `(file in fixtures/rules, field, code, line)` of the one error expected.
const CASES: &[(&str, &str, &str, usize)] = &[
    ("missing-colaborador", "colaborador", "missing_required", 8),
    ("missing-cpf-and-cnpj", "cpf", "missing_required", 12),
    ("status-none-checked", "status_retencao", "none_checked", 25),
    (
        "status-two-checked",
        "status_retencao",
        "multiple_checked",
        26,
    ),
    (
        "desligamento-without-motivo",
        "motivo_desligamento",
        "missing_required",
        61,
    ),
    (
        "retencao-without-acao",
        "acao_retencao",
        "missing_required",
        54,
    ),
    (
        "acao-outros-without-obs",
        "acao_retencao_obs",
        "missing_required",
        58,
    ),
    (
        "v3-motivo-outros-without-obs",
        "obs_geral",
        "missing_required",
        77,
    ),
    (
        "convenios-yes-without-which",
        "outros_convenios",
        "missing_required",
        18,
    ),
    (
        "convenios-none-checked",
        "atende_outros_convenios",
        "none_checked",
        18,
    ),
    (
        "protocolo-yes-without-setor",
        "setor_responsavel",
        "missing_required",
        81,
    ),
    (
        "first-contact-without-obs",
        "contatos",
        "missing_required",
        32,
    ),
    ("dates-out-of-order", "data_final", "date_order", 23),
    ("status-marks-lost", "status_retencao", "state_unknown", 25),
];

#[test]
fn each_broken_rule_gives_exactly_its_error() {
    let t = Template::default_template();
    for (file, field, code, line) in CASES {
        let path = format!("fixtures/rules/{file}.txt");
        let r = &records(&t, &path)[0];
        let errors: Vec<(&str, &str, Option<usize>)> = r
            .issues
            .iter()
            .filter(|i| i.severity == formsift::record::Severity::Error)
            .map(|i| (i.field.as_deref().unwrap_or("-"), i.code.as_str(), i.line))
            .collect();
        assert_eq!(
            errors,
            vec![(*field, *code, Some(*line))],
            "{path}: {:?}",
            r.issues
        );
        assert!(!r.complete, "{path}");
    }
}

#[test]
fn messages_say_why_in_words() {
    let t = Template::default_template();
    let message = |file: &str| {
        let r = &records(&t, &format!("fixtures/rules/{file}.txt"))[0];
        r.issues
            .iter()
            .find(|i| i.severity == formsift::record::Severity::Error)
            .unwrap()
            .message
            .clone()
    };
    assert_eq!(
        message("desligamento-without-motivo"),
        "motivo_desligamento is required when status_retencao is desligamento, but it is empty"
    );
    assert_eq!(
        message("convenios-yes-without-which"),
        "outros_convenios is required when atende_outros_convenios is yes, but it is empty"
    );
    assert_eq!(
        message("missing-cpf-and-cnpj"),
        "one of cpf, cnpj is required, but all are empty"
    );
    assert_eq!(
        message("dates-out-of-order"),
        "data_final 2025-02-10 is before data_inicio 2025-02-13"
    );
    assert_eq!(
        message("first-contact-without-obs"),
        "contatos[1].obs is required, but it is empty"
    );
    assert_eq!(
        message("status-marks-lost"),
        "status_retencao: the export lost or garbled the checkbox marks, so this form cannot be shown complete"
    );
}

#[test]
fn a_reason_in_the_notes_that_is_not_checked_is_a_warning() {
    let t = Template::default_template();
    let r = &records(&t, "fixtures/rules/desligamento-without-motivo.txt")[0];
    let hints: Vec<(&str, Option<usize>)> = r
        .issues
        .iter()
        .filter(|i| i.code == "reason_not_checked")
        .map(|i| (i.message.as_str(), i.line))
        .collect();
    assert_eq!(
        hints,
        vec![
            ("motivo_desligamento: the notes speak of \"glosas\" (line 33), but glosas is not checked", Some(33)),
            ("motivo_desligamento: the notes speak of \"reajuste\" (line 78), but falta_de_reajuste is not checked", Some(78)),
        ]
    );
    // The same notes in a retained provider's form are no reason to warn.
    let kept = &records(&t, "fixtures/filled/v1-inline.txt")[0];
    assert!(kept.issues.is_empty(), "{:?}", kept.issues);
}

#[test]
fn seeds_are_incomplete_for_the_right_reasons() {
    let t = Template::default_template();
    let codes = |seed: &str| -> Vec<(String, String)> {
        let r = &records(&t, &format!("fixtures/seeds/{seed}.txt"))[0];
        assert!(!r.complete);
        r.issues
            .iter()
            .filter(|i| i.severity == formsift::record::Severity::Error)
            .map(|i| (i.field.clone().unwrap(), i.code.clone()))
            .collect()
    };
    let identity = [
        "colaborador",
        "data",
        "nome_dentista",
        "cro",
        "cro_uf",
        "cpf",
    ];
    let blank = |extra: &[(&str, &str)]| -> Vec<(String, String)> {
        identity
            .iter()
            .map(|f| (f.to_string(), "missing_required".to_string()))
            .chain(extra.iter().map(|(f, c)| (f.to_string(), c.to_string())))
            .collect()
    };
    assert_eq!(codes("000_e79935e713eb578e"), blank(&[]));
    assert_eq!(
        codes("001_abe2ddd6ae2ff60f"),
        blank(&[
            ("atende_outros_convenios", "state_unknown"),
            ("acao_retencao", "state_unknown"),
            ("motivo_desligamento", "state_unknown"),
        ])
    );
    assert_eq!(
        codes("002_c1c58cae090523cb"),
        blank(&[
            ("atende_outros_convenios", "none_checked"),
            ("necessario_abertura_protocolo", "none_checked")
        ])
    );
}

#[test]
fn rules_of_the_small_template() {
    let t = Template::load("ficha-cadastro").unwrap();
    let r = &records(&t, "fixtures/templates/ficha-cadastro.txt")[0];
    assert!(r.complete);
    let r = &records(&t, "fixtures/templates/ficha-cadastro-incompleta.txt")[0];
    let errors: Vec<(&str, &str)> = r
        .issues
        .iter()
        .map(|i| (i.field.as_deref().unwrap(), i.code.as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("cpf", "missing_required"),
            ("especialidades", "missing_required")
        ]
    );
}
