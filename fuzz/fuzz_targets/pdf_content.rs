//! The content-stream reader on arbitrary bytes: wherever it reads a
//! stream, lopdf reads the same operations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pdf_extract::content::Content;

fuzz_target!(|data: &[u8]| {
    let Some(ours) = formsift::input::pdf::content::operations(data) else {
        return; // left to lopdf
    };
    let theirs = Content::decode(data).expect("lopdf reads what formsift reads");
    assert_eq!(ours.len(), theirs.operations.len());
    for (a, b) in ours.iter().zip(&theirs.operations) {
        assert_eq!(a.operator, b.operator);
        assert_eq!(a.operands, b.operands);
    }
});
