//! `--redact`: personal data masked or pseudonymized in every output
//! (fixtures/redact: identifiers planted in fields, notes, chat lines and a
//! stray line, by make.py there).

use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};

const FORM: &str = "fixtures/redact/planted.txt";
const KEY: &str = "a key of twenty bytes";

fn planted() -> (Vec<String>, Vec<String>) {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/redact/planted.json").unwrap())
            .unwrap();
    let list = |k: &str| {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    (list("planted"), list("stays"))
}

fn formsift(args: &[&str], key: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_formsift"));
    c.args(args).env_remove("FORMSIFT_REDACT_KEY");
    if let Some(k) = key {
        c.env("FORMSIFT_REDACT_KEY", k);
    }
    c.output().unwrap()
}

/// Everything a run wrote, stdout and stderr, and an `-o` file's text
/// (an XLSX's cells).
fn everything(o: &Output, file: Option<&std::path::Path>) -> String {
    let mut all = String::from_utf8_lossy(&o.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&o.stderr));
    if let Some(f) = file {
        if f.extension().is_some_and(|e| e == "xlsx") {
            let mut book: Xlsx<_> = open_workbook(f).unwrap();
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                for row in range.rows() {
                    for cell in row {
                        if let Data::String(s) = cell {
                            all.push_str(s);
                            all.push('\n');
                        }
                    }
                }
            }
        } else {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(f).unwrap()));
        }
    }
    all
}

#[test]
fn no_planted_identifier_is_left_whole_in_any_output() {
    let (planted, stays) = planted();
    let dir = tempfile::tempdir().unwrap();
    // Without redaction every one is there: the test can fail.
    let plain = everything(&formsift(&["extract", FORM], None), None);
    for p in &planted {
        assert!(plain.contains(p.as_str()), "{p} not planted");
    }
    let runs: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["extract"], None),
        (vec!["extract", "-f", "json"], None),
        (vec!["extract", "-f", "csv"], None),
        (vec!["extract", "-f", "csv", "--excel"], None),
        (vec!["extract"], Some("forms.xlsx")),
        (vec!["validate", "--all"], None),
        (vec!["validate", "-f", "jsonl", "--all"], None),
    ];
    for mode in ["mask", "hash"] {
        for (args, out) in &runs {
            let mut a: Vec<&str> = args.clone();
            a.extend(["--redact", mode]);
            let path = out.map(|o| dir.path().join(o));
            let p = path.as_ref().map(|p| p.to_str().unwrap().to_string());
            if let Some(p) = &p {
                a.extend(["-o", p.as_str()]);
            }
            a.push(FORM);
            let o = formsift(&a, Some(KEY));
            let all = everything(&o, path.as_deref());
            assert!(!all.is_empty(), "{a:?}");
            for id in &planted {
                assert!(!all.contains(id.as_str()), "{a:?}: {id} left whole:\n{all}");
            }
            // The JSON keeps the raw text (provenance): dates and sums as
            // written are still there.
            if args[0] == "extract" && args.len() <= 3 && !args.contains(&"csv") && out.is_none() {
                for s in &stays {
                    assert!(all.contains(s.as_str()), "{a:?}: {s} was masked");
                }
            }
        }
    }
}

#[test]
fn masks_have_their_published_shapes_and_the_record_stays_valid() {
    let o = formsift(&["extract", "--redact", "mask", FORM], None);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["fields"]["cpf"], "***.982.247-**");
    assert_eq!(r["fields"]["cnpj"], "**.***.***/0001-81");
    let obs = r["fields"]["contatos"][0]["obs"].as_str().unwrap();
    assert!(obs.contains("CPF da sócia ***.456.789-**"), "{obs}");
    // A CPF with a wrong check digit is masked too.
    assert!(obs.contains("errado ***.982.247-**"), "{obs}");
    assert!(obs.contains("**.***.***/01DE-35"), "{obs}");
    let chat = r["fields"]["contatos"][1]["obs"].as_str().unwrap();
    assert!(
        chat.contains("ligue (**) *****-5432 ou (**) *****-4321, fixo (**) ****-7890"),
        "{chat}"
    );
    assert!(chat.contains("m***@clinica-sorriso.com.br"), "{chat}");
    assert_eq!(
        r["fields"]["contatos"][1]["mensagens"][0]["autor"],
        "(**) *****-4321"
    );
    assert_eq!(
        r["unplaced"][0]["text"],
        "Contato: a***@odontolife.com.br (**) ****-8922"
    );
    assert_eq!(r["complete"], true);
}

#[test]
fn pseudonyms_join_across_runs_threads_and_formats_and_need_a_key() {
    let jsonl = |jobs: &str, key: &str| {
        let o = formsift(
            &["extract", jobs, "--redact", "hash", FORM, FORM],
            Some(key),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let one = jsonl("-j1", KEY);
    assert_eq!(one, jsonl("-j4", KEY));
    let other = jsonl("-j1", "another key, long enough");
    assert_ne!(one, other);
    let r: serde_json::Value = serde_json::from_str(one.lines().next().unwrap()).unwrap();
    let cpf = r["fields"]["cpf"].as_str().unwrap();
    assert!(cpf.starts_with("cpf:") && cpf.len() == 20, "{cpf}");
    // The CSV holds the same pseudonym.
    let csv = formsift(
        &["extract", "-f", "csv", "--redact", "hash", FORM],
        Some(KEY),
    );
    assert!(String::from_utf8_lossy(&csv.stdout).contains(cpf));
    // A key file does as the variable does.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("key");
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let o = formsift(
        &[
            "extract",
            "--redact",
            "hash",
            "--redact-key-file",
            file.to_str().unwrap(),
            FORM,
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains(cpf));
    // No key, or a short one: refused, exit 2, nothing written.
    for key in [None, Some("short")] {
        let o = formsift(&["extract", "--redact", "hash", FORM], key);
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--redact hash needs") && err.contains("16"),
            "{err}"
        );
    }
}

#[test]
fn a_field_marked_personal_is_redacted_whole() {
    use formsift::pipeline::{process_bytes_with, Options};
    use formsift::redact::{Mode, Redactor};
    let t = formsift::Template::from_toml(
        "name = 'card'\ntitle = 'card'\n[[field]]\nkey = 'name'\nlabel = 'name'\npersonal = true\n[[field]]\nkey = 'city'\nlabel = 'city'\n",
        "card.toml",
    )
    .unwrap();
    let text = b"Card\nName: Maria Luiza Prado\nCity: Recife\n";
    let mut opts = Options {
        redact: Some(std::sync::Arc::new(
            Redactor::new(Mode::Mask, None).unwrap(),
        )),
        ..Options::default()
    };
    let r = &process_bytes_with(&t, "card.txt", text, &opts)[0];
    let f = r.fields.as_ref().unwrap();
    assert_eq!(f["name"], "M*** L*** P***");
    assert_eq!(f["city"], "Recife");
    let raw = r
        .provenance
        .as_ref()
        .unwrap()
        .0
        .iter()
        .find(|(k, _)| k == "name")
        .unwrap();
    assert_eq!(raw.1.raw.as_deref(), Some("M*** L*** P***"));
    let key = Some(KEY.as_bytes().to_vec());
    opts.redact = Some(std::sync::Arc::new(Redactor::new(Mode::Hash, key).unwrap()));
    let r = &process_bytes_with(&t, "card.txt", text, &opts)[0];
    let name = r.fields.as_ref().unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(name.starts_with("personal:") && name.len() == 25, "{name}");
}

/// A CPF field with a wrong check digit: its error is still reported, and
/// its message does not show the number.
#[test]
fn a_masked_cpf_keeps_its_check_digit_error() {
    let form = std::fs::read_to_string(FORM)
        .unwrap()
        .replace("CPF: 529.982.247-25", "CPF: 529.982.247-26");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong.txt");
    std::fs::write(&path, form).unwrap();
    let o = formsift(
        &["extract", "--redact", "mask", path.to_str().unwrap()],
        None,
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let issue = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "invalid_check_digit")
        .unwrap_or_else(|| panic!("{r:#}"));
    let message = issue["message"].as_str().unwrap();
    assert_eq!(message, "CPF ***.982.247-**: wrong check digit");
    assert!(!r.to_string().contains("529.982.247-26"));
    assert_eq!(r["complete"], false);
}
