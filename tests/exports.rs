//! The Word forms of `fixtures/docx` and `fixtures/exports/heldout`, as
//! LibreOffice, pandoc, markitdown, docx2txt and docx2python export them to
//! text, and LibreOffice to PDF (`fixtures/exports/make.py`), give the
//! record of their `.docx`:
//! `fixtures/filled/v3.expected.json`, or the held-out forms' own expected
//! records, written by hand from the values typed into them.
//!
//! Where an export cannot say what the `.docx` says, the test says what the
//! record gives instead: legacy form-field boxes that the converter drops
//! are `null` with `marks_lost`, never unchecked; a drop-down with no
//! result text is `null`. The few fields still read wrong are listed by
//! file, so that a new error fails the test, and so does a fix (the list
//! must then shrink).

mod common;

use std::collections::BTreeMap;

use formsift::Template;
use serde_json::Value;

/// Every leaf of a record's fields: top-level keys, and each key of each
/// entry of a list of objects (`contatos[1].obs`).
fn leaves(fields: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (k, v) in fields.as_object().expect("fields are an object") {
        match v {
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    for (ik, iv) in item.as_object().unwrap() {
                        out.insert(format!("{k}[{i}].{ik}"), iv.clone());
                    }
                }
            }
            v => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// The boxes of table-legacy.docx are legacy form fields: only docx2python
/// and markitdown write their state.
const LOST_BOXES: &[&str] = &[
    "atende_outros_convenios",
    "status_retencao",
    "acao_retencao",
    "motivo_desligamento",
    "necessario_abertura_protocolo",
    "setor_responsavel",
];

/// Fields still read wrong, by export, and why.
const STILL_WRONG: &[(&str, &[&str])] = &[
    // The vertically merged "1º contato" cell docx2python repeats, then
    // the date: the date is not paired.
    ("docx2python/table-legacy.txt", &["contatos[0].data"]),
    // A cell's two paragraphs, which markitdown joins with two spaces.
    ("markitdown/table-two-columns.md", &["contatos[1].obs"]),
];

#[test]
fn text_exports_of_word_forms_give_the_docx_record() {
    let t = Template::default_template();
    let mut failures = Vec::new();
    let mut checked = 0;
    for conv in [
        "lo-txt",
        "pandoc-plain",
        "pandoc-md",
        "pandoc-gfm",
        "markitdown",
        "docx2txt",
        "docx2python",
        "lo-pdf",
    ] {
        let dir = format!("fixtures/exports/{conv}");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let name = format!("{conv}/{}", path.file_name().unwrap().to_string_lossy());
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let expected = if stem.starts_with("heldout") {
                common::load(&format!("fixtures/exports/heldout/{stem}.expected.json"))
            } else {
                common::load("fixtures/filled/v3.expected.json")
            };
            let records = common::records_with_worker(
                &t,
                path.to_str().unwrap(),
                env!("CARGO_BIN_EXE_formsift"),
            );
            assert_eq!(records.len(), 1, "{name}: one form");
            let got = common::json(&records[0]);
            let want = leaves(&expected);
            let have = leaves(&got["fields"]);
            let issues: Vec<(String, String)> = got["issues"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["code"].as_str().unwrap().to_string(),
                        i["field"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect();
            let wrong_here: &[&str] = STILL_WRONG
                .iter()
                .find(|(f, _)| *f == name)
                .map_or(&[], |(_, k)| k);
            // docx2python writes the boxes' states, markitdown `[x]`/`[ ]`.
            let lost = stem == "table-legacy" && !["docx2python", "markitdown"].contains(&conv);
            for (key, value) in &want {
                let got_value = have.get(key).unwrap_or(&Value::Null);
                let known_gap = wrong_here.contains(&key.as_str());
                if lost && LOST_BOXES.contains(&key.as_str()) && !known_gap {
                    if !got_value.is_null() || !issues.contains(&("marks_lost".into(), key.clone()))
                    {
                        failures.push(format!(
                            "{name}: {key} should be null with marks_lost, got {got_value}"
                        ));
                    }
                } else if stem == "table-formtext"
                    && key == "tipo"
                    && !["docx2python", "lo-pdf"].contains(&conv)
                {
                    // FORMDROPDOWN with no result text: the export has no
                    // value (docx2python writes the chosen entry, and
                    // LibreOffice's PDF draws it).
                    if !got_value.is_null() {
                        failures.push(format!("{name}: tipo should be null, got {got_value}"));
                    }
                } else if lost && LOST_BOXES.contains(&key.as_str()) {
                    // Listed as wrong: null, but without saying the marks
                    // were lost.
                    if issues.contains(&("marks_lost".into(), key.clone())) {
                        failures.push(format!(
                            "{name}: {key} is now right: take it off STILL_WRONG"
                        ));
                    }
                } else if (got_value == value) == known_gap {
                    failures.push(if known_gap {
                        format!("{name}: {key} is now right: take it off STILL_WRONG")
                    } else {
                        format!("{name}: {key}: got {got_value}, want {value}")
                    });
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 64, "8 exports × 8 forms");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn word_prompts_are_no_value() {
    let t = Template::default_template();
    let records = common::records(&t, "fixtures/exports/lo-txt/table-sdt-controls.txt");
    let got = common::json(&records[0]);
    assert_eq!(got["fields"]["outros_convenios"], Value::Null);
    let warned = got["issues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "placeholder" && i["field"] == "outros_convenios");
    assert!(warned, "{}", got["issues"]);
}

/// Column-aligned text (`pdftotext -layout` of LibreOffice's PDF of the
/// table form): rows of label cells over rows of values, the columns told
/// by where the labels start; labels wrapped in their column (`Demandado`
/// over `por?`, `nº CRO(S) únicos` over `divulgados`) are read whole, and
/// a value under an empty cell (`1º contato`, then the date under `Data`)
/// pairs by its column.
#[test]
fn column_aligned_text_pairs_values_by_column() {
    let t = Template::default_template();
    let records = common::records(
        &t,
        "fixtures/exports/pdftotext-layout/table-sdt-controls.txt",
    );
    let f = &common::json(&records[0])["fields"];
    let want = [
        ("colaborador", serde_json::json!("Ana Beatriz")),
        ("nome_dentista", serde_json::json!("Dra. Renata Tonin")),
        ("data_inclusao", serde_json::json!("2019-02-01")),
        ("tipo", serde_json::json!("Clínica")),
        ("demandado_por", serde_json::json!("Dentista")),
        ("numero_protocolo", serde_json::json!("778899")),
        ("data_abertura_protocolo", serde_json::json!("2025-03-19")),
        ("uf", serde_json::json!("MG")),
        ("cidade", serde_json::json!("Belo Horizonte")),
        ("numero_vidas", serde_json::json!(2350)),
        ("numero_cros_unicos_divulgados", serde_json::json!(4)),
        ("valor_ultima_producao", serde_json::json!("12500.00")),
    ];
    for (key, value) in want {
        assert_eq!(f[key], value, "{key}");
    }
    assert_eq!(f["contatos"][0]["data"], serde_json::json!("2025-03-20"));
}
