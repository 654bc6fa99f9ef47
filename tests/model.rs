//! Text exports as a producer of the layout model: the model's line view of
//! a text is the text's own lines, on every text fixture and on generated
//! text, so splitting a text export into lines directly (the fast path) is
//! reading it through the model.

use formsift::input::exported::{document, has_structure, structured};
use formsift::input::lines::split_lines;
use formsift::input::text::decode;
use proptest::prelude::*;

/// The lines as recognition sees them: number, clean text, wrap mark.
fn seen(text: &str) -> Vec<(usize, String, bool)> {
    split_lines(text)
        .iter()
        .map(|l| (l.no, l.clean.to_string(), l.wraps))
        .collect()
}

fn text_fixtures(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            text_fixtures(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("txt" | "md" | "text")
        ) {
            out.push(p);
        }
    }
}

#[test]
fn every_text_fixture_reads_the_same_through_the_model() {
    let mut files = Vec::new();
    text_fixtures(std::path::Path::new("fixtures"), &mut files);
    assert!(files.len() > 30, "{} text fixtures", files.len());
    let (mut plain, mut shaped) = (0, Vec::new());
    for f in &files {
        let Ok(d) = decode(&std::fs::read(f).unwrap()) else {
            continue; // binary junk: never reaches recognition
        };
        // A converter's tables and wrapped lines are the model's to read;
        // every other text is its own line view, its page breaks (which the
        // model makes pages of) aside.
        let text = d.text.replace('\u{c}', "");
        if structured(&text).is_some() {
            shaped.push(f.display().to_string());
            continue;
        }
        plain += 1;
        let view = document(&d.text).line_view();
        assert_eq!(seen(&view.text), seen(&text), "{}", f.display());
        assert_eq!(
            view.places.len(),
            split_lines(&text).len(),
            "{}",
            f.display()
        );
    }
    assert!(plain > 30);
    // The exports whose shapes the model reads, and no other fixture.
    assert!(shaped.len() >= 20, "{shaped:?}");
    for f in &shaped {
        assert!(
            f.starts_with("fixtures/exports/")
                || f.starts_with("fixtures/shapes/")
                || f == "fixtures/boxes/columns-pipe.txt",
            "{f}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text without form feeds: where the gate sees no converter's
    /// shape (the fast path), the model gives the text's own lines. Where it
    /// does, the model may join lines: a three-line text whose middle line
    /// is one 56-character word, between `[x]` and `é`, is wrapped text.
    #[test]
    fn generated_text_reads_the_same_through_the_model(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just("\t"), Just("\n"), Just("\r\n"), Just("\r"), Just(" "), Just("  "),
                Just("☒"), Just("☐"), Just("☑"), Just("[x]"), Just("Colaborador"),
                Just("**Data**"), Just("\u{a0}"), Just("\u{2028}"), Just("é"), Just("x"),
            ],
            0..60,
        )
    ) {
        let text: String = pieces.concat();
        if !has_structure(&text) {
            let view = document(&text).line_view();
            prop_assert_eq!(seen(&view.text), seen(&text));
        }
    }
}

/// PDF text as a producer: each line's block has its page and its box, in
/// reading order down the page.
#[test]
fn pdf_lines_are_blocks_with_pages_and_boxes() {
    use formsift::document::{Content, Rect};
    let bytes = std::fs::read("fixtures/pdf/fifty_forms.pdf").unwrap();
    let t = formsift::input::pdf::text(&bytes).unwrap();
    assert_eq!(
        t.boxes.len(),
        split_lines(&t.text).len(),
        "a box slot per line"
    );
    let doc = formsift::input::exported::document_with(&t.text, &t.boxes);
    let pages: Vec<u32> = doc.blocks.iter().filter_map(|b| b.page).collect();
    assert_eq!(pages.len(), doc.blocks.len(), "every block has its page");
    assert_eq!((pages[0], *pages.last().unwrap()), (1, 50));
    assert!(pages.windows(2).all(|w| w[0] <= w[1]));
    let mut last: Option<(u32, Rect)> = None;
    let mut boxed = 0;
    for b in &doc.blocks {
        let empty = matches!(&b.content, Content::Paragraph(p) if p.inlines.is_empty());
        let Some(r) = b.bbox else {
            assert!(empty, "only the blank lines of gaps have no box: {b:?}");
            continue;
        };
        boxed += 1;
        assert!(
            r.x >= 0.0 && r.y >= 0.0 && r.width > 0.0 && r.height > 4.0,
            "{r:?}"
        );
        assert!(
            r.x + r.width < 700.0 && r.y + r.height < 900.0,
            "{r:?} beyond an A4 page"
        );
        if let Some((page, prev)) = last {
            if page == b.page.unwrap() {
                assert!(r.y >= prev.y, "down the page: {prev:?} then {r:?}");
            }
        }
        last = Some((b.page.unwrap(), r));
    }
    assert!(boxed > 1000, "{boxed} blocks with a box");
}
