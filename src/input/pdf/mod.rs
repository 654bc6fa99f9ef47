//! PDF input: the text of a PDF with its layout (positional glyphs from
//! pdf-extract), plus the values of a fillable form's fields (AcroForm), as
//! text the same recognition reads. Parsing runs in a child process (see
//! [`worker`]), since a PDF can crash, hang or exhaust memory inside a parser.

mod acroform;
pub mod content;
mod layout;
mod repair;
pub mod worker;

use pdf_extract::Document;

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdfFailure {
    pub code: String,
    pub message: String,
}

impl PdfFailure {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        PdfFailure {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// The text of a PDF as lines (cells separated by tabs, each page after
/// the first starting with a form feed), and the box of each line on its
/// page, where the line has one (a blank line for a vertical gap does not).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Text {
    pub text: String,
    #[serde(with = "tenths")]
    pub boxes: Vec<Option<crate::document::Rect>>,
}

/// Boxes go from the worker in tenths of a point, as one string: `x,y,w,h`
/// for each line, `;` between lines, nothing for a line without a box.
/// Finer than any layout needs, and read by hand at a few instructions a
/// digit, where serde's numbers took over a hundred each.
mod tenths {
    use crate::document::Rect;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(boxes: &[Option<Rect>], s: S) -> Result<S::Ok, S::Error> {
        let mut wire = String::with_capacity(boxes.len() * 20);
        for (i, b) in boxes.iter().enumerate() {
            if i > 0 {
                wire.push(';');
            }
            if let Some(r) = b {
                for (k, v) in [r.x, r.y, r.width, r.height].into_iter().enumerate() {
                    if k > 0 {
                        wire.push(',');
                    }
                    push_tenths(&mut wire, v);
                }
            }
        }
        s.serialize_str(&wire)
    }

    /// `v` in tenths, as a decimal integer (by hand: `write!` cost the
    /// worker 2 M instructions on 50 pages).
    fn push_tenths(out: &mut String, v: f32) {
        let n = (v * 10.0).round() as i64;
        if n < 0 {
            out.push('-');
        }
        out.push_str(crate::digits::decimal(n.unsigned_abs(), &mut [0; 20]));
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Option<Rect>>, D::Error> {
        let wire = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if wire.is_empty() {
            return Ok(Vec::new());
        }
        wire.split(';')
            .map(|line| {
                if line.is_empty() {
                    return Ok(None);
                }
                let mut v = [0f32; 4];
                let mut parts = line.split(',');
                for slot in &mut v {
                    let n: i64 = parts
                        .next()
                        .and_then(|p| p.parse().ok())
                        .ok_or_else(|| D::Error::custom("a box is not four numbers"))?;
                    *slot = n as f32 / 10.0;
                }
                Ok(Some(Rect {
                    x: v[0],
                    y: v[1],
                    width: v[2],
                    height: v[3],
                }))
            })
            .collect()
    }
}

/// A name that says PDF (`*.pdf`, any case): such a file is read as a PDF,
/// or refused as a broken one.
pub fn named_pdf(name: &str) -> bool {
    let name = name.as_bytes();
    name.len() >= 4 && name[name.len() - 4..].eq_ignore_ascii_case(b".pdf")
}

/// The start of a PDF file.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    memchr::memmem::find(head, b"%PDF-").is_some()
}

/// The text of a PDF, page after page: positional lines of the page
/// content, with the values of form fields placed where they are drawn.
/// Runs in the worker process.
pub fn text(bytes: &[u8]) -> Result<Text, PdfFailure> {
    let text = text_of(bytes)?;
    if text.text.trim().is_empty() {
        // Wrong xref offsets can hide every object of a page: rebuild the
        // table and look again.
        if let Some(Ok(again)) = repair::rebuild_xref(bytes).map(|b| text_of(&b)) {
            return Ok(again);
        }
    }
    Ok(text)
}

fn text_of(bytes: &[u8]) -> Result<Text, PdfFailure> {
    let mut doc = load(bytes)?;
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|_| {
            PdfFailure::new(
                "pdf_encrypted",
                "the PDF is protected by a password (the empty one does not open it)",
            )
        })?;
    }
    if let Some(why) = parent_cycle(&doc) {
        return Err(PdfFailure::new("pdf_unreadable", why));
    }
    let widgets = acroform::widgets(&doc);
    let on_pages = || -> Vec<(usize, layout::Glyph)> {
        let drawn = widgets.iter().filter(|w| w.page > 0);
        drawn.map(|w| (w.page, w.glyph.clone())).collect()
    };
    let mut collector = layout::Collector::new(on_pages());
    if let Err(first) = read_pages(&doc, &mut collector) {
        // Some files pdf-extract refuses open once rewritten by lopdf.
        let mut rewritten = Vec::new();
        let retried = doc
            .save_to(&mut rewritten)
            .ok()
            .and_then(|_| Document::load_mem(&rewritten).ok())
            .map(|again| {
                collector = layout::Collector::new(on_pages());
                read_pages(&again, &mut collector)
            });
        if !matches!(retried, Some(Ok(()))) {
            return Err(PdfFailure::new(
                "pdf_unreadable",
                format!("cannot read the page content: {first:?}"),
            ));
        }
    }
    let mut out = layout::text(&collector.pages);
    // Fields drawn on no page: by their names, at the end.
    for w in widgets.iter().filter(|w| w.page == 0) {
        out.text.push_str(&w.by_name);
        out.text.push('\n');
        out.boxes.push(None);
    }
    Ok(out)
}

/// The glyphs of every page, content streams read by [`content`] where it
/// can.
fn read_pages(
    doc: &Document,
    collector: &mut layout::Collector,
) -> Result<(), pdf_extract::OutputError> {
    pdf_extract::output_doc_with(doc, collector, Some(content::operations))
}

/// A page whose `/Parent` chain comes back on itself: the parser looks
/// inherited attributes up that chain and would loop until the worker's
/// time runs out (30 s of a core by default). Found before parsing.
fn parent_cycle(doc: &Document) -> Option<String> {
    for (n, page) in doc.get_pages() {
        let mut seen = std::collections::HashSet::new();
        let mut at = page;
        loop {
            if !seen.insert(at) {
                return Some(format!(
                    "the page tree loops: the /Parent chain of page {n} comes back to object {} {}",
                    at.0, at.1
                ));
            }
            let parent = doc
                .get_dictionary(at)
                .and_then(|d| d.get(b"Parent"))
                .and_then(|p| p.as_reference());
            match parent {
                Ok(p) => at = p,
                Err(_) => break,
            }
        }
    }
    None
}

fn load(bytes: &[u8]) -> Result<Document, PdfFailure> {
    match Document::load_mem(bytes) {
        Ok(doc) => Ok(doc),
        Err(pdf_extract::Error::Decryption(e)) => Err(PdfFailure::new(
            "pdf_encrypted",
            format!("the PDF is protected by a password ({e})"),
        )),
        Err(e) => {
            // A broken xref or startxref: rebuild the table and try again.
            let repaired = repair::rebuild_xref(bytes).and_then(|b| Document::load_mem(&b).ok());
            repaired
                .ok_or_else(|| PdfFailure::new("pdf_invalid", format!("not a readable PDF: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_cross_from_the_worker_to_a_tenth_of_a_point() {
        use crate::document::Rect;
        let r = |x, y, width, height| {
            Some(Rect {
                x,
                y,
                width,
                height,
            })
        };
        let sent = Text {
            text: "a\n\nb\n".into(),
            boxes: vec![r(72.04, 100.0, 301.26, 11.0), None, r(-3.0, 0.0, 0.0, 9.96)],
        };
        let wire = serde_json::to_string(&sent).unwrap();
        assert!(
            wire.contains(r#""boxes":"720,1000,3013,110;;-30,0,0,100""#),
            "{wire}"
        );
        let got: Text = serde_json::from_str(&wire).unwrap();
        assert_eq!(got.text, sent.text);
        assert_eq!(
            got.boxes,
            vec![r(72.0, 100.0, 301.3, 11.0), None, r(-3.0, 0.0, 0.0, 10.0)]
        );
        let empty: Text = serde_json::from_str(r#"{"text":"","boxes":""}"#).unwrap();
        assert!(empty.boxes.is_empty());
        assert!(serde_json::from_str::<Text>(r#"{"text":"","boxes":"1,2"}"#).is_err());
    }

    /// A one-page PDF whose page tree is `pages` (objects 2 and up; the
    /// page is object 3); the xref is rebuilt on load.
    fn pdf(pages: &str) -> Document {
        let bytes = format!(
            "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n{pages}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        );
        load(bytes.as_bytes()).expect("loads")
    }

    /// PDFs made to put the content reader's corners in whole pages
    /// (`fixtures/pdf/content/make.py`): the text of each is the text
    /// lopdf's parser alone gives, whether the reader reads the page or
    /// hands it back.
    #[test]
    fn pages_read_here_or_by_lopdf_give_the_same_text() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/pdf/content/");
        let read_here = [
            "plain",
            "tj_hex_escapes",
            "marked",
            "weird_numbers",
            "dict_in_array",
        ];
        let left = ["comments", "inline_image", "names_hash", "null_bool"];
        for (name, here) in read_here
            .iter()
            .map(|n| (n, true))
            .chain(left.iter().map(|n| (n, false)))
        {
            for file in [format!("{name}.pdf"), format!("{name}_z.pdf")] {
                let doc = load(&std::fs::read(format!("{dir}{file}")).unwrap()).expect(&file);
                let page = *doc.get_pages().values().next().unwrap();
                let content = doc.get_page_content(page).unwrap();
                assert_eq!(content::operations(&content).is_some(), here, "{file}");
                let text = |reader: Option<pdf_extract::ContentReader>| {
                    let mut c = layout::Collector::new(Vec::new());
                    pdf_extract::output_doc_with(&doc, &mut c, reader).expect(&file);
                    layout::text(&c.pages).text
                };
                let ours = text(Some(content::operations));
                assert_eq!(ours, text(None), "{file}");
                assert!(ours.contains("Formul"), "{file}: {ours:?}");
            }
        }
    }

    #[test]
    fn a_parent_chain_that_comes_back_is_found() {
        let two = pdf(
            "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 4 0 R >>\nendobj\n\
                       3 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n\
                       4 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>\nendobj\n",
        );
        assert_eq!(
            parent_cycle(&two).as_deref(),
            Some("the page tree loops: the /Parent chain of page 1 comes back to object 2 0")
        );
        let sound = pdf(
            "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n\
                         3 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n",
        );
        assert_eq!(sound.get_pages().len(), 1);
        assert_eq!(parent_cycle(&sound), None);
    }
}
