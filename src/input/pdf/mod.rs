//! PDF input: the text of a PDF with its layout (positional glyphs from
//! pdf-extract), plus the values of a fillable form's fields (AcroForm), as
//! text the same recognition reads. Parsing runs in a child process (see
//! [`worker`]), since a PDF can crash, hang or exhaust memory inside a parser.

mod acroform;
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

/// The start of a PDF file.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// The text of a PDF, page after page: positional lines of the page
/// content, with the values of form fields placed where they are drawn.
/// Runs in the worker process.
pub fn text(bytes: &[u8]) -> Result<String, PdfFailure> {
    let text = text_of(bytes)?;
    if text.trim().is_empty() {
        // Wrong xref offsets can hide every object of a page: rebuild the
        // table and look again.
        if let Some(Ok(again)) = repair::rebuild_xref(bytes).map(|b| text_of(&b)) {
            return Ok(again);
        }
    }
    Ok(text)
}

fn text_of(bytes: &[u8]) -> Result<String, PdfFailure> {
    let mut doc = load(bytes)?;
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|_| {
            PdfFailure::new(
                "pdf_encrypted",
                "the PDF is protected by a password (the empty one does not open it)",
            )
        })?;
    }
    let mut collector = layout::Collector::default();
    if let Err(first) = pdf_extract::output_doc(&doc, &mut collector) {
        // Some files pdf-extract refuses open once rewritten by lopdf.
        let mut rewritten = Vec::new();
        let retried = doc
            .save_to(&mut rewritten)
            .ok()
            .and_then(|_| Document::load_mem(&rewritten).ok())
            .map(|again| {
                collector = layout::Collector::default();
                pdf_extract::output_doc(&again, &mut collector)
            });
        if !matches!(retried, Some(Ok(()))) {
            return Err(PdfFailure::new(
                "pdf_unreadable",
                format!("cannot read the page content: {first:?}"),
            ));
        }
    }
    let widgets = acroform::widgets(&doc);
    let pages: Vec<Vec<layout::Row>> = collector
        .pages
        .iter_mut()
        .enumerate()
        .map(|(i, glyphs)| {
            glyphs.extend(
                widgets
                    .iter()
                    .filter(|w| w.page == i + 1)
                    .map(|w| w.glyph.clone()),
            );
            layout::page_rows(glyphs)
        })
        .collect();
    let mut out = layout::text(&pages);
    // Fields drawn on no page: by their names, at the end.
    for w in widgets.iter().filter(|w| w.page == 0) {
        out.push_str(&w.by_name);
        out.push('\n');
    }
    Ok(out)
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
