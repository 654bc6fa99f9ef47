//! The text pipeline on arbitrary bytes: decoding, recognition, typing,
//! validation and serialization must never panic and always give a record.
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
        serde_json::to_vec(r).expect("a record serializes");
    }
});
