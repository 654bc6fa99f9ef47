//! The text pipeline on arbitrary bytes: decoding, recognition, typing,
//! validation and serialization must never panic and always give a record,
//! and the JSON written by hand must be serde_json's.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn template() -> &'static formsift::Template {
    static T: OnceLock<formsift::Template> = OnceLock::new();
    T.get_or_init(formsift::Template::default_template)
}

fuzz_target!(|data: &[u8]| {
    let records = formsift::pipeline::process_bytes(template(), "fuzz.txt", data);
    assert!(!records.is_empty());
    for r in &records {
        assert_eq!(r.error.is_some(), r.fields.is_none());
        let serde = serde_json::to_vec(r).expect("a record serializes");
        // The hand-written JSON is serde_json's, byte for byte.
        let mut ours = Vec::new();
        formsift::output::json::record(&mut ours, r, false);
        assert_eq!(ours, serde);
    }
});
