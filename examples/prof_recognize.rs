//! Runs one stage many times, for a profiler:
//!     valgrind --tool=callgrind target/release/examples/prof_recognize [recognize|whole] N
fn main() {
    let mut args = std::env::args().skip(1);
    let stage = args.next().unwrap_or_else(|| "recognize".into());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let t = formsift::Template::default_template();
    let bytes = include_bytes!("../fixtures/filled/v1-inline.txt");
    let text = formsift::input::text::decode(bytes).unwrap().text;
    let lines = formsift::input::lines::split_lines(&text);
    let mut total = 0;
    for _ in 0..n {
        total += match stage.as_str() {
            "recognize" => formsift::extract::extract(&t, &lines).len(),
            _ => formsift::pipeline::process_bytes(&t, "x.txt", bytes).len(),
        };
    }
    println!("{total}");
}
