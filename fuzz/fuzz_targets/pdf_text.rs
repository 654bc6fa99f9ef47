//! The PDF reader on arbitrary bytes: whatever the file, an answer (text or
//! a failure), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = formsift::input::pdf::text(data);
});
