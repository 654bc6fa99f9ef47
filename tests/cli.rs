//! The binary as a user runs it: arguments, output bytes, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn formsift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formsift"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The `source` of each record of JSON Lines, in order.
fn sources(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// More documents than the workers may run ahead of the output (128 with
/// one job, 1,024 with two or three): records still come in input order,
/// the same bytes at any `-j`.
#[test]
fn a_batch_longer_than_the_window_keeps_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = [
        "fixtures/seeds/000_e79935e713eb578e.txt",
        "fixtures/seeds/001_abe2ddd6ae2ff60f.txt",
        "fixtures/seeds/002_c1c58cae090523cb.txt",
    ];
    let n = 1_100;
    for i in 0..n {
        let folder = dir.path().join(format!("{:02}", i / 100));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(seeds[i % 3], folder.join(format!("{i:05}.txt"))).unwrap();
    }
    let run = |jobs: &str| {
        let o = formsift(&[
            "extract",
            "-q",
            jobs,
            "-f",
            "jsonl",
            dir.path().to_str().unwrap(),
        ]);
        stdout(&o)
    };
    let one = run("-j1");
    let sources = sources(&one);
    assert_eq!(sources.len(), n);
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "records in input order");
    assert!(one == run("-j2"), "-j1 and -j2 differ");
    assert!(one == run("-j3"), "-j1 and -j3 differ");
}

#[test]
fn one_thread_and_four_give_the_same_bytes_in_sorted_order() {
    let one = formsift(&["extract", "-j1", "fixtures"]);
    let four = formsift(&["extract", "-j4", "fixtures"]);
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, four.stdout, "-j1 and -j4 differ");
    let again = formsift(&["extract", "-j4", "fixtures"]);
    assert_eq!(four.stdout, again.stdout, "two runs differ");
    // With more than one job the workers write the JSON; with one, the
    // main thread does: the same bytes either way, in both JSON formats.
    let array = |jobs: &str| stdout(&formsift(&["extract", jobs, "-f", "json", "fixtures"]));
    let (a1, a4) = (array("-j1"), array("-j4"));
    let first_difference = a1.lines().zip(a4.lines()).position(|(x, y)| x != y);
    assert_eq!(
        first_difference, None,
        "-f json: -j1 and -j4 differ at this line"
    );
    assert_eq!(a1.len(), a4.len(), "-f json: -j1 and -j4 differ in length");
    let sources = sources(&stdout(&one));
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "records in sorted input order");
    let read = [".txt", ".md", ".pdf", ".docx", ".docm", ".odt", ".doc"];
    assert!(
        sources.iter().all(|s| read.iter().any(|r| s.ends_with(r))),
        "only text, markdown, PDF, Word and LibreOffice files are read from folders"
    );
    assert!(sources.contains(&"fixtures/exports/markitdown/table-legacy.md".to_string()));
    assert!(sources.contains(&"fixtures/docx/table-legacy.docx".to_string()));
    assert!(sources.contains(&"fixtures/seeds/000_e79935e713eb578e.txt".to_string()));
}

#[test]
fn json_format_is_one_array() {
    let o = formsift(&["extract", "--format", "json", "fixtures/seeds"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[1]["revision"], "v2");
}

#[test]
fn output_file_instead_of_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("records.jsonl");
    let o = formsift(&["extract", "-o", out.to_str().unwrap(), "fixtures/seeds"]);
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 3);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn standard_input_is_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_formsift"))
        .args(["extract", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let form = std::fs::read("fixtures/filled/v1-inline.txt").unwrap();
    child.stdin.take().unwrap().write_all(&form).unwrap();
    let o = child.wait_with_output().unwrap();
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["source"], "-");
    assert_eq!(r["fields"]["cpf"], "529.982.247-25");
}

#[test]
fn exit_codes() {
    assert_eq!(
        formsift(&["extract", "fixtures/filled/v1-inline.txt"])
            .status
            .code(),
        Some(0)
    );
    let bad = formsift(&[
        "extract",
        "fixtures/filled/v1-inline.txt",
        "fixtures/edge/invalid-values.txt",
    ]);
    assert_eq!(bad.status.code(), Some(1), "an incomplete form");
    assert_eq!(stdout(&bad).lines().count(), 2, "the batch goes on");
    let junk = formsift(&["extract", "fixtures/edge/binary-junk.txt"]);
    assert_eq!(junk.status.code(), Some(1), "an unreadable file");
    assert!(stdout(&junk).contains("\"code\":\"not_text\""));
}

#[test]
fn usage_and_fatal_errors_exit_2_with_a_clear_message() {
    let bad = formsift(&[
        "extract",
        "-t",
        "fixtures/templates/bad-regex.toml",
        "fixtures/seeds",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).starts_with(
            "formsift: template fixtures/templates/bad-regex.toml: field `nome` label: bad pattern"
        ),
        "{}",
        stderr(&bad)
    );
    let unknown = formsift(&["extract", "-t", "nope", "fixtures/seeds"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("built-in: processo-retencao, ficha-cadastro"));
    assert_eq!(
        formsift(&["extract"]).status.code(),
        Some(2),
        "paths are required"
    );
    assert_eq!(
        formsift(&["extract", "-j0", "fixtures"]).status.code(),
        Some(2)
    );
    assert!(bad.stdout.is_empty());
}

#[test]
fn version_help_and_templates() {
    let v = formsift(&["--version"]);
    assert_eq!(
        stdout(&v),
        format!("formsift {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&formsift(&["extract", "--help"]));
    assert!(
        help.contains("Examples:") && help.contains("--template"),
        "{help}"
    );
    let list = stdout(&formsift(&["templates"]));
    assert!(
        list.starts_with("processo-retencao\t") && list.contains("\nficha-cadastro\t"),
        "{list}"
    );
}

#[test]
fn another_template_from_the_command_line() {
    let o = formsift(&[
        "extract",
        "--template",
        "ficha-cadastro",
        "fixtures/templates/ficha-cadastro.txt",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["template"], "ficha-cadastro");
    assert_eq!(
        r["fields"]["especialidades"],
        serde_json::json!(["ortodontia", "implantodontia"])
    );
}

#[test]
fn validate_reports_incomplete_forms_and_a_summary() {
    let o = formsift(&[
        "validate",
        "fixtures/seeds/002_c1c58cae090523cb.txt",
        "fixtures/filled/v1-inline.txt",
        "fixtures/edge/empty.txt",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let want = "\
fixtures/seeds/002_c1c58cae090523cb.txt (form 1, v3): incomplete, 8 error(s), 0 warning(s)
  line   11  error    colaborador is required, but it is empty  [missing_required]
  line   11  error    data is required, but it is empty  [missing_required]
  line   13  error    nome_dentista is required, but it is empty  [missing_required]
  line   13  error    cro is required, but it is empty  [missing_required]
  line   13  error    cro_uf is required, but it is empty  [missing_required]
  line   15  error    one of cpf, cnpj is required, but all are empty  [missing_required]
  line   21  error    atende_outros_convenios: no box is checked; exactly one must be  [none_checked]
  line   77  error    necessario_abertura_protocolo: no box is checked; exactly one must be  [none_checked]
fixtures/edge/empty.txt: unreadable: the file is empty [empty]

2 form(s) read: 1 complete, 1 incomplete; 1 file(s) unreadable
Most often missing: atende_outros_convenios (1), colaborador (1), cpf (1), cro (1), cro_uf (1)
";
    assert_eq!(stdout(&o), want);
}

#[test]
fn validate_exit_codes() {
    let ok = formsift(&[
        "validate",
        "fixtures/filled/v1-inline.txt",
        "fixtures/filled/v3-table.txt",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(
        stdout(&ok),
        "2 form(s) read: 2 complete, 0 incomplete; 0 file(s) unreadable\n"
    );
    assert_eq!(
        formsift(&["validate", "fixtures/seeds"]).status.code(),
        Some(1)
    );
    assert_eq!(
        formsift(&["validate", "fixtures/edge/binary-junk.txt"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        formsift(&["validate", "nowhere.txt"]).status.code(),
        Some(1),
        "a missing path is a not_found record, not a fatal error"
    );
    assert_eq!(
        formsift(&["validate", "--format", "xml", "fixtures"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn validate_all_lists_complete_forms_with_warnings() {
    let plain = stdout(&formsift(&[
        "validate",
        "fixtures/filled/v1-cp1252-crlf.txt",
    ]));
    assert!(!plain.contains("encoding_guessed"));
    let all = stdout(&formsift(&[
        "validate",
        "--all",
        "fixtures/filled/v1-cp1252-crlf.txt",
    ]));
    assert!(
        all.starts_with(
            "fixtures/filled/v1-cp1252-crlf.txt (form 1, v1): complete, 0 error(s), 1 warning(s)\n"
        ),
        "{all}"
    );
    assert!(all.contains("[encoding_guessed]"));
}

#[test]
fn validate_jsonl_for_machines() {
    let o = formsift(&["validate", "--format", "jsonl", "fixtures/seeds"]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0]["source"],
        "fixtures/seeds/000_e79935e713eb578e.txt"
    );
    assert_eq!(lines[0]["complete"], false);
    assert_eq!(lines[0]["errors"], 6);
    assert_eq!(lines[0]["warnings"], 2);
    let summary = &lines[3]["summary"];
    assert_eq!(summary["forms"], 3);
    assert_eq!(summary["incomplete"], 3);
    assert_eq!(summary["unreadable"], 0);
    assert_eq!(
        summary["most_often_missing"][0],
        serde_json::json!({"field": "colaborador", "forms": 3})
    );
}

/// A mistyped path among several is that path's record (`not_found`), and
/// the others are read: the batch is not lost to a typo.
#[test]
fn a_missing_path_is_its_own_record_and_the_batch_goes_on() {
    let o = formsift(&[
        "extract",
        "fixtures/filled/v1-inline.txt",
        "fixtures/filled/no-such-form.txt",
        "fixtures/seeds",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 5, "one form, the missing path, three seeds");
    assert_eq!(records[0]["fields"]["cpf"], "529.982.247-25");
    assert_eq!(records[1]["source"], "fixtures/filled/no-such-form.txt");
    assert_eq!(records[1]["error"]["code"], "not_found");
    let message = records[1]["error"]["message"].as_str().unwrap();
    assert!(message.contains("no-such-form.txt"), "{message}");
    assert!(records[2]["fields"].is_object());
    assert!(
        stderr(&o).contains("1 file(s) unreadable"),
        "{}",
        stderr(&o)
    );
}

/// Without --format, `-o` picks the format from the file's ending; a
/// --format that the ending contradicts is refused before any work.
#[test]
fn the_output_format_follows_the_file_ending() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let run = |args: &[&str]| formsift(&[&["extract", "-q"], args, &["fixtures/seeds"]].concat());

    let xlsx = out("forms.xlsx");
    // The seeds are incomplete forms: exit 1, the file written.
    assert_eq!(run(&["-o", &xlsx]).status.code(), Some(1));
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "a workbook is a zip archive");

    let csv = out("forms.CSV");
    run(&["-o", &csv]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("source,"), "{}", &text[..40]);
    let rows = csv::Reader::from_reader(text.as_bytes()).records().count();
    assert_eq!(rows, 3, "three forms under the header");

    let json = out("forms.json");
    run(&["-o", &json]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);

    let other = out("forms.out");
    run(&["-o", &other]);
    assert_eq!(
        std::fs::read_to_string(&other).unwrap().lines().count(),
        3,
        "an ending that names no format: JSON Lines"
    );

    let clash = out("clash.xlsx");
    let o = run(&["--format", "csv", "-o", &clash]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("names a .xlsx file, but --format csv was asked for"),
        "{}",
        stderr(&o)
    );
    assert!(!std::path::Path::new(&clash).exists());
    let csv_excel = out("excel.csv");
    assert_eq!(run(&["--excel", "-o", &csv_excel]).status.code(), Some(1));
    assert!(std::fs::read(&csv_excel)
        .unwrap()
        .starts_with(b"\xef\xbb\xbf"));

    let report = out("report.jsonl");
    formsift(&["validate", "-o", &report, "fixtures/seeds"]);
    let last = std::fs::read_to_string(&report).unwrap();
    let last: serde_json::Value = serde_json::from_str(last.lines().last().unwrap()).unwrap();
    assert!(last["summary"]["forms"].is_number(), "{last}");
}

/// Output files get the mode any new file gets under the user's umask, and
/// a file replaced keeps its own mode.
#[cfg(unix)]
#[test]
fn output_files_take_the_umask_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode_after = |umask: &str, name: &str| {
        let path = dir.path().join(name);
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" extract -q -o \"$1\" fixtures/seeds"
            ))
            .arg(env!("CARGO_BIN_EXE_formsift"))
            .arg(&path)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "the seeds are incomplete forms");
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode_after("022", "shared.jsonl"), 0o644);
    assert_eq!(mode_after("077", "private.jsonl"), 0o600);
    assert_eq!(mode_after("002", "group.csv"), 0o664);
    let kept = dir.path().join("kept.jsonl");
    std::fs::write(&kept, "old").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(
        mode_after("022", "kept.jsonl"),
        0o640,
        "the replaced file's mode"
    );
}

/// A batch that finds nothing to read says what it passed over, and fails;
/// a batch that reads something names what it skipped in its summary.
#[test]
fn a_folder_with_nothing_readable_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["scan.png", "photo.PNG", "sheet.xls", "README"] {
        std::fs::write(dir.path().join(name), "x").unwrap();
    }
    let o = formsift(&["extract", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert_eq!(
        stderr(&o),
        "formsift: nothing to read: the folders given hold no file formsift reads \
         (.txt .text .md .pdf .docx .docm .odt .doc); skipped: 1 without an ending, 2 .png, 1 .xls\n"
    );
    let empty = tempfile::tempdir().unwrap();
    let o = formsift(&["validate", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "formsift: nothing to read: the folders given hold no files\n"
    );

    std::fs::copy("fixtures/filled/v1-inline.txt", dir.path().join("form.txt")).unwrap();
    let o = formsift(&["extract", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(
        stderr(&o).contains("; 4 file(s) in the folders skipped, not of a kind formsift reads (1 without an ending, 2 .png, 1 .xls)"),
        "{}",
        stderr(&o)
    );
}

/// `-t` given several times, and naming a folder: one batch of a mixed
/// folder, each record naming its template; spreadsheets, whose columns
/// are one template's, are refused before any work.
#[test]
fn several_templates_in_one_batch() {
    let o = formsift(&[
        "extract",
        "-q",
        "-t",
        "processo-retencao",
        "-t",
        "ficha-cadastro",
        "-t",
        "fixtures/templates/set",
        "fixtures/templates/mixed",
    ]);
    assert_eq!(o.status.code(), Some(1), "the memo is not a form");
    let got: Vec<(String, String)> = stdout(&o)
        .lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = r["source"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            let what = match r["error"]["code"].as_str() {
                Some(code) => code.to_string(),
                None => r["template"].as_str().unwrap().to_string(),
            };
            (file, what)
        })
        .collect();
    let want = [
        ("contato.txt", "ficha-contato"),
        ("expense.txt", "us-expense"),
        ("ficha.txt", "ficha-cadastro"),
        ("memo.txt", "not_a_form"),
        ("retencao.txt", "processo-retencao"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);

    let o = formsift(&[
        "extract",
        "--format",
        "csv",
        "-t",
        "processo-retencao",
        "-t",
        "fixtures/templates/set",
        "fixtures/templates/mixed",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "formsift: --format csv: a spreadsheet's columns are one template's, and 3 templates \
         were given (processo-retencao, ficha-contato, us-expense): write JSON Lines or JSON, \
         or run once per template\n"
    );
    assert!(o.stdout.is_empty());
}

/// `explain` shows each line read, with what took it; piped, no colour.
#[test]
fn explain_shows_what_took_each_line() {
    let o = formsift(&[
        "explain",
        "-t",
        "ficha-cadastro",
        "fixtures/templates/ficha-cadastro.txt",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = "\
template ficha-cadastro · 1 form(s) · 11 line(s) read
 1 │ FICHA DE CADASTRO
   │   title
 3 │ Nome completo: Paulo Henrique Lima
   │   nome = \"Paulo Henrique Lima\"
 4 │ CPF: 123.456.789-09\tData de nascimento: 07/09/1980
   │   cpf = \"123.456.789-09\"
   │   nascimento = \"1980-09-07\"
 5 │ Cidade: Curitiba
   │   cidade = \"Curitiba\"
 7 │ Especialidades
   │   label of especialidades
 8 │ [X] Ortodontia [ ] Endodontia
   │   especialidades = [\"ortodontia\",\"implantodontia\"]
 9 │ [X] Implantodontia [ ] Clínico Geral
11 │ Observação final sem rótulo.
   │   warning unplaced_text: text that belongs to no field, on line(s) 11: see `unplaced`
   │   unplaced: \"Observação final sem rótulo.\"
";
    assert_eq!(stdout(&o), want);
    assert!(!stdout(&o).contains('\x1b'), "no colour when piped");

    // A Word original: each line with its place in the document; a file
    // that cannot be read says why, and the others still show.
    let o = formsift(&["explain", "fixtures/docx/lost-marks.docx", "nowhere.txt"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("==> fixtures/docx/lost-marks.docx <==\ntemplate processo-retencao · revision v3 · 1 form(s)"), "{out}");
    assert!(
        out.contains(" 5 │ Colaborador Ana Beatriz  Data 20/03/2025  body/p[5]\n   │   colaborador = \"Ana Beatriz\"\n   │   data = \"2025-03-20\"\n"),
        "{out}"
    );
    assert!(
        out.ends_with("==> nowhere.txt <==\nerror not_found: nowhere.txt: cannot read: no such file (or a link to nothing)\n"),
        "{out}"
    );
}
