//! PDF input: the same records as text exports, fillable forms, broken and
//! hostile files isolated in worker processes.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{assert_same, load};
use formsift::input::pdf::worker::PdfSettings;
use formsift::input::Source;
use formsift::pipeline::{process_with, Options};
use formsift::{Record, Template};
use serde_json::Value;

fn options(exe: &str, timeout_secs: u64) -> Options {
    Options {
        pdf: PdfSettings {
            exe: PathBuf::from(exe),
            timeout: Duration::from_secs(timeout_secs),
            memory_mb: 1024,
        },
        ..Options::default()
    }
}

/// Records of a file, with formsift's own PDF workers.
fn read(path: &str) -> Vec<Record> {
    process_with(
        &Template::default_template(),
        &Source::File(path.into()),
        &options(env!("CARGO_BIN_EXE_formsift"), 20),
    )
}

fn fields(r: &Record) -> Value {
    Value::Object(r.fields.clone().expect("a form record"))
}

#[test]
fn every_generator_gives_the_same_record() {
    let want = load("fixtures/pdf/form.expected.json");
    for file in [
        "form_sdt",
        "form_wingdings",
        "fpdf2_dejavu",
        "reportlab_acroform",
        "enc_rc4_40_emptyuser",
    ] {
        let path = format!("fixtures/pdf/{file}.pdf");
        let got = read(&path);
        assert_eq!(got.len(), 1, "{path}");
        let r = &got[0];
        assert_same(&fields(r), &want, &path);
        assert_eq!(
            r.revision.as_deref(),
            Some("v3"),
            "{path}: 'Setor responsável'"
        );
        let codes: Vec<&str> = r.issues.iter().map(|i| i.code.as_str()).collect();
        // The form's CNPJ has a wrong check digit (…/0001-95 would be right).
        assert_eq!(codes, ["invalid_check_digit"], "{path}: {:?}", r.issues);
        assert!(r.unplaced.is_empty(), "{path}: {:?}", r.unplaced);
    }
}

#[test]
fn the_seed_printed_to_pdf_reads_like_the_seed() {
    let pdf = &read("fixtures/pdf/seed000.pdf")[0];
    let text = load("fixtures/seeds/000_e79935e713eb578e.expected.json");
    assert_same(&fields(pdf), &text["fields"], "seed000.pdf");
    let codes = |issues: &[Value]| {
        issues
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let pdf_issues: Vec<Value> = pdf
        .issues
        .iter()
        .map(|i| serde_json::to_value(i).unwrap())
        .collect();
    assert_eq!(
        codes(&pdf_issues),
        codes(text["issues"].as_array().unwrap())
    );
    assert!(pdf.unplaced.is_empty(), "{:?}", pdf.unplaced);
}

#[test]
fn a_symbol_font_without_unicode_map_gives_unknown_marks() {
    let r = &read("fixtures/pdf/form_wingdings_noToUnicode.pdf")[0];
    let f = fields(r);
    for group in [
        "atende_outros_convenios",
        "status_retencao",
        "motivo_desligamento",
        "necessario_abertura_protocolo",
        "setor_responsavel",
    ] {
        assert_eq!(f[group], Value::Null, "{group}");
        assert!(
            r.issues
                .iter()
                .any(|i| i.code == "mark_unreadable" && i.field.as_deref() == Some(group)),
            "{group}: a warning"
        );
    }
    assert_eq!(f["colaborador"], "Agata B. Gomes", "the text itself reads");
    assert!(!r.complete);
}

/// What LibreOffice's PDF of form-controls.odt cannot give as the `.odt`
/// does: "Joana" is a tracked deletion, drawn struck through (a line
/// through the text, which the PDF's text does not say), and the general
/// note is a text box whose lines wrap at the box's edge, not the page's.
const LO_CONTROLS_GAPS: [&str; 2] = ["colaborador", "obs_geral"];

/// The fields of form-controls.odt, as LibreOffice's PDF of it gives them,
/// set against v3.expected.json.
fn lo_controls(file: &str) -> (Record, Vec<String>) {
    let path = format!("fixtures/pdf/lo-controls/{file}");
    let got = read(&path);
    assert_eq!(got.len(), 1, "{path}");
    let want = load("fixtures/filled/v3.expected.json");
    let have = fields(&got[0]);
    let mut differ = Vec::new();
    for (key, value) in want.as_object().unwrap() {
        if have[key] != *value {
            differ.push(key.clone());
        }
    }
    // The page's header and footer ("Operadora Odontolife - uso interno",
    // "Página 1") reach no field and are not unplaced.
    let all = serde_json::to_string(&have).unwrap();
    assert!(
        !all.contains("uso interno") && !all.contains("Página"),
        "{path}: {all}"
    );
    assert!(got[0].unplaced.is_empty(), "{path}: {:?}", got[0].unplaced);
    (got.into_iter().next().unwrap(), differ)
}

#[test]
fn libreoffice_form_controls_read_from_the_pdf_fields_with_the_page_furniture_left_out() {
    let (r, differ) = lo_controls("fields.pdf");
    assert_eq!(differ, LO_CONTROLS_GAPS, "{:?}", fields(&r));
    assert_eq!(fields(&r)["operadora"], "Odontolife");
    assert_eq!(fields(&r)["colaborador"], "JoanaAna Beatriz");
    assert!(r.issues.is_empty(), "{:?}", r.issues);
}

#[test]
fn libreoffice_controls_drawn_without_fields_are_unknown_with_a_warning() {
    let (r, differ) = lo_controls("drawn.pdf");
    let groups = [
        "acao_retencao",
        "atende_outros_convenios",
        "motivo_desligamento",
        "necessario_abertura_protocolo",
        "setor_responsavel",
        "status_retencao",
    ];
    let mut want: Vec<&str> = groups.iter().copied().chain(LO_CONTROLS_GAPS).collect();
    want.sort_unstable();
    let mut differ = differ;
    differ.sort_unstable();
    assert_eq!(differ, want);
    for group in groups {
        assert_eq!(fields(&r)[group], Value::Null, "{group}");
        assert!(
            r.issues
                .iter()
                .any(|i| i.code == "marks_lost" && i.field.as_deref() == Some(group)),
            "{group}: {:?}",
            r.issues
        );
    }
}

#[test]
fn fifty_forms_in_one_pdf_give_fifty_records() {
    let got = read("fixtures/pdf/fifty_forms.pdf");
    assert_eq!(got.len(), 50);
    let want = load("fixtures/pdf/form.expected.json");
    for (i, r) in got.iter().enumerate() {
        assert_eq!(r.form_index, Some(i + 1));
        assert_same(&fields(r), &want, &format!("form {}", i + 1));
    }
}

#[test]
fn broken_and_hostile_pdfs_give_their_error_code() {
    // A /Parent cycle would make the parser loop until the worker's time
    // runs out (pdf_timeout): it is found before parsing, and said.
    let t = Template::default_template();
    let source = Source::File("fixtures/pdf/adv_parent_cycle.pdf".into());
    let cycle = process_with(&t, &source, &options(env!("CARGO_BIN_EXE_formsift"), 3));
    let e = cycle[0].error.as_ref().expect("an error record");
    assert_eq!(e.code, "pdf_unreadable");
    assert!(
        e.message.ends_with("adv_parent_cycle.pdf: the page tree loops: the /Parent chain of page 1 comes back to object 2 0"),
        "{}",
        e.message
    );
    for (file, code) in [
        // A form XObject that draws itself: read once, to the depth where
        // the reader stops, and its text said once ("Formulário ok").
        ("adv_xobject_cycle", "not_a_form"),
        ("bad_empty", "empty"),
        ("bad_notpdf", "pdf_invalid"),
        ("bad_truncated_2k", "pdf_invalid"),
        ("enc_aes256_userpw", "pdf_encrypted"),
        ("scan_no_text", "no_text_layer"),
        // Text, but none of the labels: the same code as for a text file.
        ("not_the_form", "not_a_form"),
    ] {
        let path = format!("fixtures/pdf/{file}.pdf");
        let got = read(&path);
        assert_eq!(got.len(), 1, "{path}");
        let e = got[0]
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{path}: an error record"));
        assert_eq!(e.code, code, "{path}: {}", e.message);
        assert!(
            e.message.starts_with(&path),
            "{path}: the message names the file"
        );
        assert!(
            !e.message.contains("panicked") && !e.message.contains("RUST_BACKTRACE"),
            "{}",
            e.message
        );
    }
}

#[test]
fn a_worker_that_hangs_crashes_or_runs_out_of_memory_fails_one_file_only() {
    let t = Template::default_template();
    let form = Source::File("fixtures/pdf/form_sdt.pdf".into());
    for (script, code) in [
        ("hang", "pdf_timeout"),
        ("crash", "pdf_crashed"),
        ("oom", "pdf_too_large"),
    ] {
        let exe = format!("fixtures/pdf-workers/{script}.sh");
        let got = process_with(&t, &form, &options(&exe, 1));
        let e = got[0]
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{script}: an error record"));
        assert_eq!(e.code, code, "{script}: {}", e.message);
    }
    // The next file, with a working worker, reads as usual.
    let ok = process_with(&t, &form, &options(env!("CARGO_BIN_EXE_formsift"), 20));
    assert_eq!(
        ok[0].fields.as_ref().unwrap()["colaborador"],
        "Agata B. Gomes"
    );
}

#[test]
fn a_batch_mixing_broken_and_good_files_gives_every_good_record() {
    let o = Command::new(env!("CARGO_BIN_EXE_formsift"))
        .args([
            "extract",
            "-q",
            "-j2",
            "--pdf-timeout",
            "3",
            "fixtures/pdf/adv_xobject_cycle.pdf",
            "fixtures/pdf/form_sdt.pdf",
            "fixtures/pdf/bad_truncated_2k.pdf",
            "fixtures/seeds/002_c1c58cae090523cb.txt",
            "fixtures/pdf/adv_parent_cycle.pdf",
            "fixtures/pdf/fpdf2_dejavu.pdf",
            "fixtures/pdf/enc_aes256_userpw.pdf",
            "fixtures/pdf/reportlab_acroform.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        o.stderr.is_empty(),
        "no panic message: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let records: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            let source = r["source"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            let outcome = match &r["error"] {
                Value::Object(e) => e["code"].as_str().unwrap().to_string(),
                _ => r["fields"]["colaborador"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
            };
            (source, outcome)
        })
        .collect();
    let want = [
        ("adv_xobject_cycle.pdf", "not_a_form"),
        ("form_sdt.pdf", "Agata B. Gomes"),
        ("bad_truncated_2k.pdf", "pdf_invalid"),
        ("002_c1c58cae090523cb.txt", "-"),
        ("adv_parent_cycle.pdf", "pdf_unreadable"),
        ("fpdf2_dejavu.pdf", "Agata B. Gomes"),
        ("enc_aes256_userpw.pdf", "pdf_encrypted"),
        ("reportlab_acroform.pdf", "Agata B. Gomes"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(summary, want);
}

#[test]
fn a_broken_xref_or_startxref_is_rebuilt() {
    for file in ["broken_startxref", "broken_xref_offsets"] {
        let path = format!("fixtures/pdf/{file}.pdf");
        let r = &read(&path)[0];
        assert!(r.error.is_none(), "{path}: {:?}", r.error);
        let f = fields(r);
        assert_eq!(f["colaborador"], "Maria Luiza", "{path}");
        assert_eq!(f["data"], "2025-02-13", "{path}");
    }
}

#[test]
fn fillable_fields_on_no_page_are_read_by_their_names() {
    // f0_Colaborador, f0_Data and the box cb_Status retencao_Desligamento
    // have no /Rect and no /P: only their names say what they are.
    let r = &read("fixtures/pdf/acroform_fields_on_no_page.pdf")[0];
    let f = fields(r);
    assert_eq!(f["colaborador"], "Maria Luiza");
    assert_eq!(f["data"], "2025-02-13");
    assert_eq!(f["status_retencao"], "desligamento");
    assert!(r.unplaced.is_empty(), "{:?}", r.unplaced);
}

#[test]
fn a_worker_starts_while_the_template_loads_and_serves_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let starts = dir.path().join("starts");
    let counting = std::fs::canonicalize("fixtures/pdf-workers/counting.sh").unwrap();
    let run = |paths: &[&str]| -> (Vec<Value>, usize) {
        std::fs::write(&starts, "").unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_formsift"))
            .args(["extract", "-q", "-j1", "-f", "jsonl"])
            .args(paths)
            .env("FORMSIFT_PDF_WORKER", &counting)
            .env("FORMSIFT_TEST_STARTS", &starts)
            .env("FORMSIFT_TEST_REAL", env!("CARGO_BIN_EXE_formsift"))
            .output()
            .unwrap();
        let records = String::from_utf8(o.stdout).unwrap();
        let records = records.lines().map(|l| serde_json::from_str(l).unwrap());
        let started = std::fs::read_to_string(&starts).unwrap().lines().count();
        (records.collect(), started)
    };
    let name = |r: &Value| r["fields"]["colaborador"].as_str().map(str::to_string);

    // Two PDFs on one thread: the worker started early serves both.
    let (records, started) = run(&["fixtures/pdf/form_sdt.pdf", "fixtures/pdf/seed000.pdf"]);
    assert_eq!(started, 1);
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["error"].is_null()), "{records:?}");
    assert_eq!(name(&records[0]).as_deref(), Some("Agata B. Gomes"));

    // A file named `.pdf` that is not one: a worker starts for nothing,
    // the file is refused as before, and the run ends as usual. The run may
    // end before the unused worker's wrapper has noted its start: wait for
    // the note (an event, not a time: the limit only ends a broken run).
    let (records, _) = run(&["fixtures/pdf/bad_notpdf.pdf"]);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["error"]["code"], "pdf_invalid");
    let waited = std::time::Instant::now();
    let noted = || std::fs::read_to_string(&starts).unwrap().lines().count();
    while noted() == 0 && waited.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(noted(), 1);

    // No file named `.pdf`: no worker starts.
    let (records, started) = run(&["fixtures/seeds/001_abe2ddd6ae2ff60f.txt"]);
    assert_eq!((records.len(), started), (1, 0));
}

/// The text formsift reads from a file, through its PDF worker.
fn text_of(path: &str, memory_mb: u64) -> Result<String, formsift::record::Failure> {
    let mut opts = options(env!("CARGO_BIN_EXE_formsift"), 20);
    opts.pdf.memory_mb = memory_mb;
    formsift::pipeline::read_text(
        &[Template::default_template()],
        &Source::File(path.into()),
        &opts,
    )
}

/// Each cause that lost a page's text (or a file's) in real-world PDFs, as
/// a small file of `fixtures/pdf/robust/` (made by its `make.py`, or copied
/// from pdf.js's test suite: see its ABOUT). The phrases are what the page
/// shows, as pdftotext prints them.
#[test]
fn each_cause_of_lost_text_is_read() {
    let cases: &[(&str, &[&str])] = &[
        (
            "comment_in_content",
            &["Comment text is read", "Percent 100% stays in a string"],
        ),
        (
            "quote_operators",
            &[
                "Plain Tj opens the page",
                "Single quote moves to a new line",
                "Double quote sets spacing too",
                "Quote after double quote",
            ],
        ),
        ("filter_by_reference", &["Filter by reference works"]),
        ("junk_before_header", &["Junk before header is skipped"]),
        ("broken_trailer", &["Broken trailer is rebuilt"]),
        ("truncated_trailer", &["Truncated trailer keeps its root"]),
        ("wrong_stream_length", &["Wrong stream length is fixed"]),
        (
            "wrong_stream_length_long",
            &["Too long stream length is fixed"],
        ),
        ("basefont_string", &["BaseFont string is tolerated"]),
        ("encoding_stream", &["Encoding stream falls back"]),
        ("short_widths", &["Short widths list is fine"]),
        (
            "corpus-test_pdfs_calgray",
            &["WhitePoint [ 1.0 1.0 1.0 ]", "Gamma 1.0", "A = 0.75"],
        ),
        (
            "corpus-test_pdfs_bug1337429",
            &[
                "-0123456789: °¹, àèé.",
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                "abcdefghijklmnopqrstuvwxyz",
            ],
        ),
        (
            "corpus-test_pdfs_issue6108",
            &["ASCIIHexDecode filter, small Length, size diff is more than 135 bytes"],
        ),
        (
            "corpus-test_pdfs_bug1795263",
            &[
                "Erdgas – zuverlässig, sicher, günstig!",
                "für Reinbek, Wentorf & Wohltorf",
            ],
        ),
        // CJK text in predefined CMaps (GBK-EUC-H; UniJIS-UTF16-H beside
        // Helvetica and a TrueType font, all read).
        (
            "corpus-test_pdfs_issue2128r",
            &["浅谈校长的魅力", "山西省闻喜县诚镇初中", "李新录"],
        ),
        (
            "corpus-test_pdfs_mixedfonts",
            &[
                "[Core font] :",
                "[CID-0 font] : abcdefghijklmnopqrstuvwxyzABCDEFGHI",
                "[True Type Unicode font] :",
            ],
        ),
        // A Type 1C font with its built-in encoding and no ToUnicode (the
        // "ff" is one ligature glyph).
        ("corpus-test_pdfs_issue3566", &["diﬀerent"]),
        // A CID TrueType font with no ToUnicode, Identity-H.
        (
            "corpus-test_pdfs_arial_unicode_en_cidfont",
            &["This is an Arial Unicode PDF", "from OpenOffice."],
        ),
        // Only the attachment is encrypted: the text needs no password.
        ("corpus-test_pdfs_encrypted-attachment", &["Example"]),
    ];
    let mut failed = Vec::new();
    for (file, phrases) in cases {
        let path = format!("fixtures/pdf/robust/{file}.pdf");
        match text_of(&path, 1024) {
            Ok(text) => {
                let text = text.replace('\t', " ");
                for p in *phrases {
                    if !text.contains(p) {
                        failed.push(format!("{path}: no {p:?} in {text:?}"));
                    }
                }
            }
            Err(e) => failed.push(format!("{path}: {} {}", e.code, e.message)),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn a_password_is_asked_only_when_the_text_needs_one() {
    let e = text_of("fixtures/pdf/robust/corpus-test_pdfs_issue6010_1.pdf", 1024).unwrap_err();
    assert_eq!(e.code, "pdf_encrypted");
    assert!(
        e.message
            .ends_with("the PDF is protected by a password (the empty one does not open it)"),
        "{}",
        e.message
    );
    assert!(text_of(
        "fixtures/pdf/robust/corpus-test_pdfs_encrypted-attachment.pdf",
        1024
    )
    .is_ok());
}

/// A 2.4 KB file whose content inflates to a gigabyte: with
/// `--pdf-memory 64` its worker stops at 64 MB, counted from the worker's
/// first byte (the allocator's own reservation included), and the file is
/// `pdf_too_large`; the next file is read by a new worker.
#[test]
fn the_memory_limit_holds_from_the_first_byte() {
    let e = text_of("fixtures/pdf/robust/flate_bomb.pdf.bin", 64).unwrap_err();
    assert_eq!(e.code, "pdf_too_large", "{}", e.message);
    assert!(e.message.contains("--pdf-memory"), "{}", e.message);
    // The limit is on the worker from its start: an idle worker has mapped
    // no more than the limit allows.
    let mut settings = options(env!("CARGO_BIN_EXE_formsift"), 20).pdf;
    settings.memory_mb = 64;
    let worker = formsift::input::pdf::worker::command(&settings)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", worker.id());
    let data_kb = || -> Option<u64> {
        let s = std::fs::read_to_string(&status).ok()?;
        let line = s.lines().find(|l| l.starts_with("VmData:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    // Read once the worker has started (its allocator reserves at once).
    let mut seen = None;
    for _ in 0..200 {
        seen = data_kb();
        if seen.is_some_and(|kb| kb > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut worker = worker;
    let _ = worker.kill();
    let _ = worker.wait();
    let kb = seen.expect("the worker's memory is readable");
    assert!(
        kb <= 64 * 1024,
        "an idle worker maps {kb} KB, over its 64 MB limit"
    );
    // Not the limit: the file next in line reads as usual.
    let ok = text_of("fixtures/pdf/robust/junk_before_header.pdf", 64).unwrap();
    assert!(ok.contains("Junk before header is skipped"));
}

/// Content streams with the corners of the syntax (comments, inline
/// images, names with `#` escapes, nulls and booleans, dictionaries in
/// arrays), plain and compressed (`fixtures/pdf/content/make.py`).
#[test]
fn content_streams_with_every_corner_of_the_syntax_are_read() {
    for name in [
        "plain",
        "tj_hex_escapes",
        "marked",
        "weird_numbers",
        "dict_in_array",
        "comments",
        "inline_image",
        "names_hash",
        "null_bool",
    ] {
        for file in [format!("{name}.pdf"), format!("{name}_z.pdf")] {
            let path = format!("fixtures/pdf/content/{file}");
            let text = text_of(&path, 1024).unwrap_or_else(|e| panic!("{path}: {}", e.message));
            // dict_in_array shows "Formul" and "rio" around the dictionary.
            assert!(
                text.starts_with("Formul") && text.contains("rio"),
                "{path}: {text:?}"
            );
        }
    }
}

/// A fillable PDF read by its fields' names (`pdf_field`), whatever the
/// page prints beside them: nested names, a checkbox whose on-state is
/// `/Sim`, a radio group's export value, a list box's value on its parent;
/// the push button is no value, the fields no template field names go to
/// `unplaced` by name. Values judged against ABOUT beside the file.
#[test]
fn a_fillable_pdf_read_by_field_names() {
    let dir = "fixtures/pdf/acroform-names";
    let t = Template::load(&format!("{dir}/vendor.toml")).unwrap();
    let opts = options(env!("CARGO_BIN_EXE_formsift"), 20);
    let records = process_with(&t, &Source::File(format!("{dir}/fields.pdf").into()), &opts);
    let r = common::json(&records[0]);
    assert_eq!(
        r["fields"],
        serde_json::json!({
            "first_name": "Ana",
            "last_name": "Souza",
            "started": "2020-08-29",
            "amount": "1234.56",
            "active": true,
            "archived": false,
            "tier": "gold",
            "region": "s",
            "notes": null,
        }),
        "{r:#}"
    );
    let unplaced = common::unplaced_texts(&r);
    for orphan in [
        "item_1: Brush",
        "item_2: Paste",
        "item_3: Floss",
        "orphan: Left over",
    ] {
        assert!(unplaced.contains(&orphan), "{orphan} in {unplaced:?}");
    }
    // The values taken left `unplaced`; the printed words stay there.
    assert!(
        unplaced
            .iter()
            .all(|u| !u.contains("Ana") && !u.contains("08/29")),
        "{unplaced:?}"
    );
    assert!(unplaced.contains(&"Legal name"), "{unplaced:?}");
    assert!(
        !unplaced.iter().any(|u| u.contains("Reset")),
        "a push button is no value"
    );

    // A name the form lacks is said, not guessed.
    let src = std::fs::read_to_string(format!("{dir}/vendor.toml"))
        .unwrap()
        .replace("\"Vendor.Name.Last\"", "\"Vendor.Name.Middle\"");
    let t = Template::from_toml(&src, "vendor.toml").unwrap();
    let r = common::json(
        &process_with(&t, &Source::File(format!("{dir}/fields.pdf").into()), &opts)[0],
    );
    assert_eq!(r["fields"]["last_name"], Value::Null);
    let issue = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "pdf_field_missing")
        .expect("a pdf_field_missing warning");
    assert_eq!(
        issue["message"],
        "field `last_name`: the PDF's form has no field named \"Vendor.Name.Middle\""
    );

    // A radio value no option names: a warning, and no option checked.
    let src = std::fs::read_to_string(format!("{dir}/vendor.toml"))
        .unwrap()
        .replace(
            "code = \"gold\", label = 'gold'",
            "code = \"platinum\", label = 'platinum'",
        );
    let t = Template::from_toml(&src, "vendor.toml").unwrap();
    let r = common::json(
        &process_with(&t, &Source::File(format!("{dir}/fields.pdf").into()), &opts)[0],
    );
    assert_eq!(r["fields"]["tier"], Value::Null, "{r:#}");
    let codes: Vec<&str> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"pdf_value_unknown"), "{codes:?}");
}

/// A form made with pdf-lib (fixtures/pdf/pdflib-hr, READING there): its
/// radio buttons' states are indexes into the field's `/Opt`, its field
/// names are nested, and a push button is drawn.
#[test]
fn a_pdf_lib_form_read_by_field_names() {
    let dir = "fixtures/pdf/pdflib-hr";
    let t = Template::load(&format!("{dir}/hr.toml")).unwrap();
    let opts = options(env!("CARGO_BIN_EXE_formsift"), 20);
    let records = process_with(&t, &Source::File(format!("{dir}/hr.pdf").into()), &opts);
    let r = common::json(&records[0]);
    assert_eq!(
        r["fields"],
        serde_json::json!({
            "title": "Mr",
            "first_name": "QJ",
            "last_name": "Okafor",
            // `address.*city`: a name by pattern.
            "city": "Timbuktu",
            "state": "WA",
            "zip": "19283",
            "start": "2020-08-29",
            "salary": "1234.56",
            "full_time": true,
            "contractor": false,
            // `/V /1` with `/Opt [(day) (night) (weekend)]`.
            "shift": "night",
            "department": "Logistics",
            "badge_color": "Blue",
        }),
        "{r:#}"
    );
    // The push button is its caption, not a box to tick.
    let unplaced = r["unplaced"].to_string();
    assert!(unplaced.contains("\"Submit\""), "{unplaced}");
    assert!(!unplaced.contains("\"☐\""), "{unplaced}");
}
