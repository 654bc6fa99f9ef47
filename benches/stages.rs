//! Micro-benchmarks of the hot stages of the text pipeline, on one filled
//! form of each revision: reading (decode + lines), recognition, typing and
//! validation, and writing a JSON record. And the PDF path's content-stream
//! reader beside lopdf's parser, on the page of a Word-exported form.
//!
//!     cargo bench --bench stages

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use formsift::input::lines::split_lines;
use formsift::input::text::decode;
use formsift::{extract, normalize, validate, Template};

const FORMS: [(&str, &[u8]); 3] = [
    ("v1", include_bytes!("../fixtures/filled/v1-inline.txt")),
    ("v2", include_bytes!("../fixtures/filled/v2-table.txt")),
    (
        "v3",
        include_bytes!("../fixtures/filled/v3-cp1252-crlf.txt"),
    ),
];

fn stages(c: &mut Criterion) {
    let t = Template::default_template();
    for (name, bytes) in FORMS {
        let text = decode(bytes).unwrap().text;
        let lines = split_lines(&text);
        let raw = extract::extract(&t, &lines);
        let records = formsift::pipeline::process_bytes(&t, "bench.txt", bytes);
        c.bench_function(&format!("read/{name}"), |b| {
            b.iter(|| {
                let text = decode(black_box(bytes)).unwrap().text;
                split_lines(&text).len()
            })
        });
        c.bench_function(&format!("recognize/{name}"), |b| {
            b.iter(|| extract::extract(&t, black_box(&lines)))
        });
        c.bench_function(&format!("type_and_validate/{name}"), |b| {
            b.iter(|| {
                let (fields, issues) = normalize::fields(&t, black_box(&raw[0]));
                validate::validate(&t, &raw[0], &fields, &issues)
            })
        });
        c.bench_function(&format!("write_json/{name}"), |b| {
            let mut out = Vec::with_capacity(16 * 1024);
            b.iter(|| {
                out.clear();
                formsift::output::json::record(&mut out, black_box(&records[0]), false);
            })
        });
        c.bench_function(&format!("whole_form/{name}"), |b| {
            b.iter(|| formsift::pipeline::process_bytes(&t, "bench.txt", black_box(bytes)))
        });
    }
}

/// The text of a one-page Word export, read in this process (no worker).
fn pdf_content(c: &mut Criterion) {
    let bytes = include_bytes!("../fixtures/pdf/form_sdt.pdf");
    c.bench_function("pdf_text/form_sdt", |b| {
        b.iter(|| formsift::input::pdf::text(black_box(bytes)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = stages, pdf_content
}
criterion_main!(benches);
