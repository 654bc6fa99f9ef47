//! Word and LibreOffice originals: the retention form in every way Word
//! stores boxes (fixtures/docx, made by make.py), real files of public test
//! suites (fixtures/docx/samples, with the facts their suites assert in
//! samples/ABOUT), and hostile files (fixtures/hostile/docx).

use formsift::document::{Block, Content, Document, Inline, MarkState, Part};
use formsift::Template;
use serde_json::Value;
use std::process::Command;

fn read(path: &str) -> Document {
    let bytes = std::fs::read(path).unwrap();
    formsift::input::office::read(&bytes, path).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

fn records(path: &str) -> Vec<formsift::Record> {
    let t = Template::default_template();
    let bytes = std::fs::read(path).unwrap();
    formsift::pipeline::process_bytes(&t, path, &bytes)
}

fn expected_v3() -> Value {
    let text = std::fs::read_to_string("fixtures/filled/v3.expected.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every box of the blocks in reading order, into cells and text boxes.
fn marks(blocks: &[Block], out: &mut Vec<MarkState>) {
    for b in blocks {
        match &b.content {
            Content::Paragraph(p) => out.extend(p.inlines.iter().filter_map(|i| match i {
                Inline::Mark(m) => Some(m.state),
                _ => None,
            })),
            Content::Table(t) => {
                for cell in t.rows.iter().flat_map(|r| &r.cells) {
                    marks(&cell.blocks, out);
                }
            }
        }
    }
}

fn states(path: &str) -> Vec<bool> {
    let mut out = Vec::new();
    marks(&read(path).blocks, &mut out);
    out.into_iter()
        .map(|m| match m {
            MarkState::Checked => true,
            MarkState::Unchecked => false,
            MarkState::Unknown => panic!("{path}: a box of unknown state"),
        })
        .collect()
}

fn tables(blocks: &[Block]) -> Vec<&formsift::document::Table> {
    let mut out = Vec::new();
    for b in blocks {
        if let Content::Table(t) = &b.content {
            out.push(t);
            for cell in t.rows.iter().flat_map(|r| &r.cells) {
                out.extend(tables(&cell.blocks));
            }
        }
    }
    out
}

const FORMS: &[&str] = &[
    "inline-plain.docx",
    "inline-sdt.docx",
    "inline-glyphs.docx",
    "inline-sym.docx",
    "table-legacy.docx",
    "table-sdt-controls.docx",
    "table-formtext.docx",
    "table-two-columns.docx",
    "lost-marks.docx",
    "inline-plain.docm",
    "main-part-elsewhere.docx",
    "table-legacy.odt",
    "inline-sdt.odt",
    "form-controls.odt",
];

/// Every encoding of the boxes and values, inline and as tables, gives
/// the record of the text export the form was written from.
#[test]
fn every_word_and_odt_form_gives_the_record_of_its_text_export() {
    let expected = expected_v3();
    for name in FORMS {
        let path = format!("fixtures/docx/{name}");
        let recs = records(&path);
        assert_eq!(recs.len(), 1, "{path}: one form");
        let r = &recs[0];
        assert_eq!(r.error, None, "{path}");
        let fields = r.fields.as_ref().unwrap();
        for (key, want) in expected.as_object().unwrap() {
            assert_eq!(&fields[key], want, "{path}: {key}");
        }
        assert_eq!(r.revision.as_deref(), Some("v3"), "{path}");
        assert!(r.complete, "{path}: {:?}", r.issues);
        assert!(r.issues.is_empty(), "{path}: {:?}", r.issues);
        assert!(r.unplaced.is_empty(), "{path}: {:?}", r.unplaced);
    }
}

/// The model's lines, saved as a text export (Word's own "Plain Text"
/// writes a table row as tab-separated cells), give the same record.
#[test]
fn an_original_and_its_lines_as_text_give_the_same_fields() {
    let t = Template::default_template();
    for name in FORMS {
        let path = format!("fixtures/docx/{name}");
        let text = read(&path).line_view().text;
        let as_text = formsift::pipeline::process_bytes(&t, "export.txt", text.as_bytes());
        assert_eq!(as_text[0].fields, records(&path)[0].fields, "{path}");
    }
}

/// The classic Word form: one table of label | value rows. A list entry's
/// head alone in its row (`1º contato` | empty) owns the rows below it, and
/// a label two rows print (`UF`) goes with the row the next line goes on
/// with (`Cidade`).
#[test]
fn a_two_column_table_form_binds_each_label_to_the_cell_on_its_right() {
    let r = &records("fixtures/docx/table-two-columns.docx")[0];
    let f = r.fields.as_ref().unwrap();
    assert_eq!(f["uf"], "MG");
    assert_eq!(f["cro_uf"], "MG");
    assert_eq!(f["contatos"][0]["data"], "2025-03-20");
    assert_eq!(f["contatos"][1]["data"], "2025-03-21");
    assert!(r.unplaced.is_empty(), "{:?}", r.unplaced);
    let text = "Formulário - Processo de Retenção\nCRO\t111\nUF\tSP\nNome dentista\tDr. X\n\
                Dt. abertura protocolo\t01/02/2025\nUF\tRJ\nCidade\tNiterói\n\
                1º contato\t\nData\t03/02/2025\nObs.:\tligou\n2º contato\nData 04/02/2025\n";
    let t = Template::default_template();
    let r = &formsift::pipeline::process_bytes(&t, "x.txt", text.as_bytes())[0];
    let f = r.fields.as_ref().unwrap();
    assert_eq!((&f["cro_uf"], &f["uf"]), (&"SP".into(), &"RJ".into()));
    assert_eq!(f["contatos"][0]["data"], "2025-02-03");
    assert_eq!(f["contatos"][0]["obs"], "ligou");
    assert_eq!(f["contatos"][1]["data"], "2025-02-04");
    assert!(r.unplaced.is_empty(), "{:?}", r.unplaced);
}

/// The six checked boxes of the form, and 40 unchecked, in each file:
/// content controls by w14:checked (one shows ☐ but is checked), legacy
/// fields by w:checked over w:default, symbols, glyphs.
#[test]
fn each_box_has_the_state_its_encoding_says() {
    let mut want = vec![false; 46];
    for i in [1, 3, 22, 39, 41, 43] {
        want[i] = true;
    }
    for name in FORMS {
        let path = format!("fixtures/docx/{name}");
        assert_eq!(states(&path), want, "{path}");
    }
}

#[test]
fn a_docx_whose_text_export_lost_every_mark_gives_the_real_states() {
    let export = records("fixtures/docx/lost-marks.docx2txt.txt");
    let f = export[0].fields.as_ref().unwrap();
    assert_eq!(f["status_retencao"], Value::Null);
    assert_eq!(f["motivo_desligamento"], Value::Null);
    assert!(export[0].issues.iter().any(|i| i.code == "marks_lost"));
    let original = records("fixtures/docx/lost-marks.docx");
    let f = original[0].fields.as_ref().unwrap();
    assert_eq!(f["status_retencao"], "desligamento");
    assert_eq!(
        f["motivo_desligamento"],
        serde_json::json!(["encerramento_de_atividades", "motivos_particulares"])
    );
    assert_eq!(f["atende_outros_convenios"], false);
}

/// Headers and footers are furniture: not in any field, not unplaced.
#[test]
fn headers_and_footers_are_kept_apart() {
    let doc = read("fixtures/docx/inline-glyphs.docx");
    let furniture: Vec<Part> = doc.furniture.iter().map(|b| b.part).collect();
    assert_eq!(furniture, [Part::Header, Part::Footer]);
    assert!(!doc.line_view().text.contains("uso interno"));
    let r = &records("fixtures/docx/inline-glyphs.docx")[0];
    assert_eq!(r.fields.as_ref().unwrap()["operadora"], "Odontolife");
}

/// The text box's note is read once (Choice, not Fallback), as a text box.
#[test]
fn a_text_box_is_read_once() {
    let doc = read("fixtures/docx/inline-sym.docx");
    let text = doc.line_view().text;
    let note = "Dentista solicitou desligamento imediato";
    assert_eq!(text.matches(note).count(), 1);
    let boxed = doc
        .blocks
        .iter()
        .filter(|b| b.part == Part::TextBox)
        .count();
    assert_eq!(boxed, 1);
}

/// Provenance says where in the original each value is.
#[test]
fn provenance_points_into_the_original() {
    let r = &records("fixtures/docx/table-legacy.docx")[0];
    let p = &r.provenance.as_ref().unwrap().0;
    let at = |key: &str| {
        p.iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, o)| o.at.clone())
            .unwrap_or_else(|| panic!("{key} has no place"))
    };
    // Colaborador | Data over Ana Beatriz | 20/03/2025: the first table.
    assert_eq!(at("colaborador"), "body/tbl[1]/tr[2]");
    // CNPJ | CPF is the third table.
    assert_eq!(at("cpf"), "body/tbl[3]/tr[2]");
    let r = &records("fixtures/docx/inline-plain.docx")[0];
    let p = &r.provenance.as_ref().unwrap().0;
    let cpf = &p.iter().find(|(k, _)| k == "cpf").unwrap().1;
    assert!(cpf.at.as_deref().unwrap().starts_with("body/p["), "{cpf:?}");
    // Text exports have lines, no places.
    let r = &records("fixtures/filled/v3-inline.txt")[0];
    assert!(r
        .provenance
        .as_ref()
        .unwrap()
        .0
        .iter()
        .all(|(_, o)| o.at.is_none()));
}

// Real files of public test suites (fixtures/docx/samples/ABOUT).

const SAMPLES: &str = "fixtures/docx/samples";

#[test]
fn poi_checkboxes_in_paragraphs_frames_and_tables() {
    // TestXWPFWordExtractor.testCheckboxes: |_| |X| |_| |X| |_| |X| |X| |_| |X|
    let got = states(&format!("{SAMPLES}/poi_checkboxes.docx"));
    assert_eq!(
        got,
        [false, true, false, true, false, true, true, false, true]
    );
}

#[test]
fn poi_form_footnotes_has_29_empty_boxes_and_its_footnote_as_furniture() {
    let path = format!("{SAMPLES}/poi_form_footnotes.docx");
    assert_eq!(states(&path), vec![false; 29]);
    let doc = read(&path);
    let furniture = Document {
        blocks: doc.furniture.clone(),
        ..Document::default()
    }
    .line_view()
    .text;
    assert!(furniture.contains("testdoc") && furniture.contains("test phrase"));
    assert_eq!(tables(&doc.blocks).len(), 6);
}

#[test]
fn docx2python_bare_checked_wins_over_default() {
    let got = states(&format!("{SAMPLES}/docx2python_checked_boxes.docx"));
    let mut want = vec![false; 44];
    want[2..14].fill(true);
    assert_eq!(got, want);
    // 14 drop-downs with no result show their first entry.
    let text = read(&format!("{SAMPLES}/docx2python_checked_boxes.docx"))
        .line_view()
        .text;
    assert_eq!(text.matches("Select...").count(), 14);
}

#[test]
fn docx2python_on_off_spellings_and_drop_downs() {
    let s = |f: &str| states(&format!("{SAMPLES}/{f}"));
    assert_eq!(s("docx2python_checked_drop1.docx"), [true]);
    assert_eq!(s("docx2python_unchecked_drop0.docx"), [false]);
    assert_eq!(
        s("docx2python_checked-true-false.docx"),
        [false, false, false, false, true, true, true, true]
    );
    assert_eq!(
        s("docx2python_check_drop_my.docx"),
        [false, true, false, true]
    );
    let text = |f: &str| read(&format!("{SAMPLES}/{f}")).line_view().text;
    assert!(text("docx2python_checked_drop1.docx").contains("PIlihan A"));
    assert!(text("docx2python_unchecked_drop0.docx").contains("Piihan B"));
    let my = text("docx2python_check_drop_my.docx");
    assert!(my.contains("my_item_A") && my.contains("my_item_B"));
    // The first drop-down control shows its placeholder: no item chosen.
    assert!(!my.contains("Choose an item."), "{my}");
}

#[test]
fn docling_content_control_checkboxes() {
    // docling's groundtruth docx_checkboxes.docx.json: selected/unselected.
    let got = states(&format!("{SAMPLES}/docling_docx_checkboxes.docx"));
    assert_eq!(
        got,
        [true, false, true, false, true, true, false, true, true, true, true, false]
    );
}

#[test]
fn docling_tables_keep_their_spans_and_nesting() {
    let doc = read(&format!("{SAMPLES}/docling_word_tables.docx"));
    let t = tables(&doc.blocks);
    assert_eq!(t.len(), 7);
    // Tables 2 and 3 have a cell over two columns; table 4 cells merged
    // down two rows.
    assert!(t[1]
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .any(|c| c.col_span == 2));
    assert!(t[2]
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .any(|c| c.col_span == 2));
    let merged = t[3]
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|c| c.merged_above)
        .count();
    assert_eq!(merged, 2);
    // Two single-cell tables, one holding a nested 3×3.
    let doc = read(&format!("{SAMPLES}/docling_tablecell.docx"));
    let t = tables(&doc.blocks);
    assert_eq!(t.len(), 3);
    assert!(t
        .iter()
        .any(|t| t.rows.len() == 3 && t.rows.iter().all(|r| r.cells.len() == 3)));
    // Tables inside a content control (a Google Docs export) are found.
    let doc = read(&format!("{SAMPLES}/docling_docx_rich_tables_01.docx"));
    let t = tables(&doc.blocks);
    assert!(t.len() >= 2 && t[0].rows.len() == 24, "{} tables", t.len());
    // Word laid it out on several pages (15 rendered page breaks, some in
    // the tables' cells): the blocks say which page they start on.
    let pages: Vec<u32> = doc.blocks.iter().filter_map(|b| b.page).collect();
    assert_eq!(pages.len(), doc.blocks.len());
    assert!(pages.windows(2).all(|w| w[0] <= w[1]) && pages[0] == 1);
    assert!(*pages.last().unwrap() > 1, "{pages:?}");
    // A file Word did not lay out claims no page.
    assert!(read(&format!("{SAMPLES}/poi_checkboxes.docx"))
        .blocks
        .iter()
        .all(|b| b.page.is_none()));
}

// Hostile originals: each its own error record, the batch going on.

const HOSTILE: &str = "fixtures/hostile/docx";

fn run(paths: &[String]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_formsift"))
        .args(["extract", "-q", "-j2"])
        .args(paths)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn hostile_originals_each_give_their_error_and_the_batch_goes_on() {
    let cases = [
        ("empty.docx", "empty"),
        ("not-a-zip.docx", "docx_invalid"),
        ("truncated.docx", "docx_invalid"),
        ("no-document.docx", "docx_invalid"),
        ("encrypted.docx", "docx_encrypted"),
        ("legacy.doc", "doc_legacy"),
        ("legacy-named.docx", "doc_legacy"),
        ("zip-bomb.docx", "docx_too_large"),
        ("zip-bomb-lying-size.docx", "docx_too_large"),
        ("deep-nesting.docx", "docx_invalid"),
        ("deep-tables.docx", "docx_invalid"),
        ("odt-no-content.odt", "odt_invalid"),
    ];
    let mut paths: Vec<String> = cases
        .iter()
        .map(|(f, _)| format!("{HOSTILE}/{f}"))
        .collect();
    paths.push("fixtures/docx/inline-plain.docx".into());
    let started = std::time::Instant::now();
    let recs = run(&paths);
    assert_eq!(recs.len(), cases.len() + 1, "a record per input");
    for ((file, code), r) in cases.iter().zip(&recs) {
        assert_eq!(r["error"]["code"], *code, "{file}: {r}");
        let message = r["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{HOSTILE}/{file}: ")),
            "{message}"
        );
        assert!(
            !message.contains("panick") && !message.contains("unwrap"),
            "{message}"
        );
    }
    assert_eq!(
        recs.last().unwrap()["complete"],
        true,
        "the good file after them"
    );
    // A generous bound: the bombs stop at the caps, not after inflating.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    let legacy = recs[5]["error"]["message"].as_str().unwrap();
    assert!(legacy.contains("soffice --headless --convert-to docx \"legacy.doc\""));
}

#[test]
fn entities_are_never_expanded_nor_fetched() {
    let recs = run(&[format!("{HOSTILE}/doctype-entities.docx")]);
    let text = recs[0].to_string();
    assert!(!text.contains("root:"), "a file was read: {text}");
    assert!(!text.contains("aaaaaaaaaa"), "an entity was expanded");
    assert_eq!(recs[0]["fields"]["colaborador"], "Ana Beatriz");
}

#[test]
fn odd_but_readable_archives_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<_> = std::fs::read_dir(HOSTILE).unwrap().collect();
    let recs = run(&[
        format!("{HOSTILE}/path-traversal.docx"),
        format!("{HOSTILE}/many-entries.docx"),
        format!("{HOSTILE}/invalid-utf8.docx"),
        format!("{HOSTILE}/ok.odt"),
    ]);
    for r in &recs[..2] {
        assert_eq!(r["fields"]["colaborador"], "Ana Beatriz", "{r}");
    }
    // Invalid bytes become U+FFFD, with a warning naming the part.
    let warning = recs[2]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "encoding_repaired")
        .expect("a warning");
    assert!(warning["message"]
        .as_str()
        .unwrap()
        .contains("word/document.xml"));
    assert_eq!(recs[3]["fields"]["colaborador"], "Ana Beatriz");
    // Entry names are never paths: nothing was written anywhere.
    let after: Vec<_> = std::fs::read_dir(HOSTILE).unwrap().collect();
    assert_eq!(before.len(), after.len());
    assert!(!std::path::Path::new("../evil.txt").exists());
    assert!(!std::path::Path::new("/etc/evil.txt").exists());
    drop(dir);
}

/// A zip named like a text file that holds no document is read as text,
/// as before (and refused as such).
#[test]
fn a_zip_that_is_no_document_named_txt_is_not_text() {
    let recs = run(&["fixtures/edge/binary-junk.txt".into()]);
    assert_eq!(recs[0]["error"]["code"], "not_text");
}

mod never_panics {
    use proptest::prelude::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("fixtures/docx/{name}")).unwrap()
    }

    /// A damaged archive: some bytes changed, maybe cut short.
    fn damaged(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
        let len = base.len();
        (
            proptest::collection::vec((0..len, any::<u8>()), 1..12),
            prop_oneof![Just(len), 0..len],
        )
            .prop_map(move |(edits, cut)| {
                let mut b = base.clone();
                for (i, v) in edits {
                    b[i] = v;
                }
                b.truncate(cut.max(1));
                b
            })
    }

    /// XML of Word's and ODF's elements in any order, balanced or not.
    fn xmlish() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("<w:p>"),
            Just("</w:p>"),
            Just("<w:r>"),
            Just("</w:r>"),
            Just("<w:t>"),
            Just("</w:t>"),
            Just("x"),
            Just("☒"),
            Just("<w:tbl>"),
            Just("</w:tbl>"),
            Just("<w:tr>"),
            Just("</w:tr>"),
            Just("<w:tc>"),
            Just("</w:tc>"),
            Just("<w:sdt>"),
            Just("</w:sdt>"),
            Just("<w:sdtContent>"),
            Just("</w:sdtContent>"),
            Just("<w14:checkbox/>"),
            Just("<w:fldChar w:fldCharType=\"begin\"/>"),
            Just("<w:fldChar w:fldCharType=\"separate\"/>"),
            Just("<w:fldChar w:fldCharType=\"end\"/>"),
            Just("<w:checkBox/>"),
            Just("<w:ddList><w:result w:val=\"9\"/></w:ddList>"),
            Just("<w:txbxContent>"),
            Just("</w:txbxContent>"),
            Just("<w:gridSpan w:val=\"99999\"/>"),
            Just("<w:vMerge/>"),
            Just("<w:sym w:font=\"Wingdings\" w:char=\"zz\"/>"),
            Just("&amp;"),
            Just("&bogus;"),
            Just("<text:p>"),
            Just("</text:p>"),
            Just("<table:covered-table-cell/>"),
            Just("<draw:control draw:control=\"q\"/>"),
        ];
        proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0""#;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn damaged_docx_is_an_error_or_a_document(bytes in damaged(fixture("table-legacy.docx"))) {
            if let Ok(doc) = formsift::input::office::read(&bytes, "x.docx") {
                let _ = doc.line_view();
            }
        }

        #[test]
        fn damaged_odt_is_an_error_or_a_document(bytes in damaged(fixture("table-legacy.odt"))) {
            if let Ok(doc) = formsift::input::office::read(&bytes, "x.odt") {
                let _ = doc.line_view();
            }
        }

        #[test]
        fn any_element_soup_parses_or_fails_cleanly(body in xmlish()) {
            use formsift::document::{Document, Part};
            let xml = format!("<w:document {NS}><w:body><office:text>{body}</office:text></w:body></w:document>");
            for blocks in [
                formsift::input::office::docx::parse(&xml, "word/document.xml", Part::Body),
                formsift::input::office::odt::parse(&xml, "content.xml", Part::Body),
            ]
            .into_iter()
            .flatten()
            {
                let doc = Document { blocks, ..Document::default() };
                let view = doc.line_view();
                prop_assert_eq!(view.places.len(), view.text.matches('\n').count());
            }
        }
    }
}
