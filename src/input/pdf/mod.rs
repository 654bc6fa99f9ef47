//! PDF input: the text of a PDF with its layout (positional glyphs from
//! hayro's interpreter), plus the values of a fillable form's fields (AcroForm), as
//! text the same recognition reads. Parsing runs in a child process (see
//! [`worker`]), since a PDF can crash, hang or exhaust memory inside a parser.

pub mod acroform;
mod fonts;
mod layout;
mod repair;
pub mod worker;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use hayro_interpret::kurbo::Rect;
use hayro_interpret::{
    interpret_page, Context, InterpreterCache, InterpreterSettings, InterpreterWarning,
    RenderContent, TransformExt,
};
use hayro_syntax::object::{Dict, ObjectIdentifier};
use hayro_syntax::{DecryptionError, LoadPdfError, Pdf};

/// Why a PDF gave no text: a record's failure, sent by the worker.
pub use crate::record::Failure as PdfFailure;

/// The text of a PDF as lines (cells separated by tabs, each page after
/// the first starting with a form feed), and the box of each line on its
/// page, where the line has one (a blank line for a vertical gap does not).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Text {
    pub text: String,
    #[serde(with = "tenths")]
    pub boxes: Vec<Option<crate::document::Rect>>,
    /// What was read only in part: `(code, message)`, e.g. a font that
    /// could not be decoded, whose text alone is missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<(String, String)>,
    /// The fields of a fillable form, by full name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<acroform::FormField>,
}

/// The codes of the warnings a PDF's reading can give.
pub const WARNINGS: [&str; 2] = ["pdf_font_unsupported", "pdf_part_unreadable"];

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
/// content and its annotations, with the values of form fields placed where
/// they are drawn. Runs in the worker process.
pub fn text(bytes: &[u8]) -> Result<Text, PdfFailure> {
    // Nothing here draws a glyph: a font whose text is all in its
    // `ToUnicode` is read without decoding its program.
    hayro_font::load_for_text_only(true);
    let text = text_of(bytes)?;
    if !text.text.trim().is_empty() {
        return Ok(text);
    }
    // Wrong xref offsets can hide every object of a page: rebuild the
    // table and look again.
    if let Some(Ok(again)) = repair::rebuild_xref(bytes).map(|b| text_of(&b)) {
        if !again.text.trim().is_empty() {
            return Ok(again);
        }
    }
    // No text at all: a scan, unless the text is there and cannot be read.
    if let Some((_, why)) = text
        .warnings
        .iter()
        .find(|(c, _)| c == "pdf_font_unsupported")
    {
        return Err(PdfFailure::new(
            "pdf_font_unsupported",
            format!("the PDF has text, but none of it can be decoded: {why}"),
        ));
    }
    if let Some(why) = load(bytes).ok().and_then(|pdf| parent_cycle(&pdf)) {
        return Err(PdfFailure::new("pdf_unreadable", why));
    }
    Ok(text)
}

/// A page whose `/Parent` chain comes back on itself: the attributes it
/// inherits (its fonts among them) cannot be found, so its text is lost.
fn parent_cycle(pdf: &Pdf) -> Option<String> {
    for (n, page) in pdf.pages().iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        let mut at = page.raw().clone();
        while let Some(id) = at.get_ref(b"Parent").map(ObjectIdentifier::from) {
            let Some(parent) = pdf.xref().get::<Dict<'_>>(id) else {
                break;
            };
            if !seen.insert(id) {
                return Some(format!(
                    "the page tree loops: the /Parent chain of page {} comes back to object {} {}",
                    n + 1,
                    id.obj_number,
                    id.gen_number
                ));
            }
            at = parent;
        }
    }
    None
}

fn text_of(bytes: &[u8]) -> Result<Text, PdfFailure> {
    let pdf = load(bytes)?;
    let widgets = acroform::widgets(&pdf);
    let drawn = widgets.iter().filter(|w| w.page > 0);
    let extra = drawn.clone().map(|w| (w.page, w.glyph.clone())).collect();
    let areas = drawn.filter_map(|w| w.area.map(|a| (w.page, a))).collect();
    let mut collector = layout::Collector::new(extra, areas);
    collector.fallback.cid_fonts = fonts::CidFont::of(&pdf);
    let fonts_lost = Arc::new(AtomicUsize::new(0));
    let settings = |content| {
        let lost = Arc::clone(&fonts_lost);
        InterpreterSettings {
            warning_sink: Arc::new(move |w| {
                if matches!(w, InterpreterWarning::UnsupportedFont) {
                    lost.fetch_add(1, Ordering::Relaxed);
                }
            }),
            render_content: content,
            ..InterpreterSettings::default()
        }
    };
    let cache = InterpreterCache::new();
    for page in pdf.pages().iter() {
        collector.begin_page();
        let (w, h) = page.render_dimensions();
        let area = Rect::new(0.0, 0.0, f64::from(w), f64::from(h));
        let start = page.initial_transform(true).to_kurbo();
        // The page's content, then its annotations (whose text is on the
        // page too, but for the fields read from the form itself).
        for content in [RenderContent::PAGE, RenderContent::ANNOTATIONS] {
            let mut context = Context::new(start, area, &cache, pdf.xref(), settings(content));
            interpret_page(page, &mut context, &mut collector);
            collector.in_annotations = true;
        }
        collector.end_page();
    }
    let mut out = layout::text(&collector.pages);
    out.fields = acroform::form_fields(&pdf);
    // Fields drawn on no page: by their names, at the end.
    for w in widgets.iter().filter(|w| w.page == 0) {
        out.text.push_str(&w.by_name);
        out.text.push('\n');
        out.boxes.push(None);
    }
    if let Some(why) = collector.fallback.warning() {
        out.warnings.push(("pdf_font_unsupported".into(), why));
    }
    let lost = fonts_lost.load(Ordering::Relaxed);
    if lost > 0 {
        out.warnings.push((
            "pdf_font_unsupported".into(),
            format!("{lost} text runs use a font that could not be loaded; their text is missing"),
        ));
    }
    Ok(out)
}

fn load(bytes: &[u8]) -> Result<Pdf, PdfFailure> {
    let opened = |b: &[u8]| Pdf::new(b.to_vec());
    match opened(bytes) {
        Ok(pdf) => Ok(pdf),
        Err(LoadPdfError::Decryption(e)) => Err(encrypted(e)),
        Err(LoadPdfError::Invalid) => {
            // A broken xref or startxref that the reader's own repair did
            // not mend: rebuild the table from the objects and try again.
            repair::rebuild_xref(bytes)
                .and_then(|b| opened(&b).ok())
                .ok_or_else(|| {
                    PdfFailure::new(
                        "pdf_invalid",
                        "the file is damaged: neither its cross-reference table nor its objects give a page to read",
                    )
                })
        }
    }
}

fn encrypted(e: DecryptionError) -> PdfFailure {
    let (code, message) = match e {
        DecryptionError::PasswordProtected => (
            "pdf_encrypted",
            "the PDF is protected by a password (the empty one does not open it)",
        ),
        DecryptionError::UnsupportedAlgorithm => (
            "pdf_encrypted",
            "the PDF is encrypted with a method formsift cannot open",
        ),
        DecryptionError::InvalidEncryption | DecryptionError::MissingIDEntry => (
            "pdf_invalid",
            "the PDF is encrypted, but its encryption dictionary is damaged",
        ),
    };
    PdfFailure::new(code, message).with_detail(format!("{e:?}"))
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
            warnings: Vec::new(),
            fields: Vec::new(),
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
}
