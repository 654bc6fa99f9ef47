//! The Word and LibreOffice readers on arbitrary bytes: an archive (when
//! the bytes start like a zip or OLE file) or the XML of a part. Never a
//! panic; every document they give can be written as lines.
#![no_main]

use formsift::document::{Document, Part};
use formsift::input::office;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") || data.starts_with(b"\xD0\xCF") {
        for name in ["x.docx", "x.odt"] {
            if let Ok(doc) = office::read(data, name) {
                let view = doc.line_view();
                assert_eq!(view.places.len(), view.text.matches('\n').count());
            }
        }
        return;
    }
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    for blocks in [
        office::docx::parse(xml, "word/document.xml", Part::Body),
        office::odt::parse(xml, "content.xml", Part::Body),
    ]
    .into_iter()
    .flatten()
    {
        let view = Document {
            blocks,
            ..Document::default()
        }
        .line_view();
        assert_eq!(view.places.len(), view.text.matches('\n').count());
    }
});
