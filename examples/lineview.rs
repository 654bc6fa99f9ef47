//! The model's line view of a text export, as recognition reads it.
fn main() {
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).expect("readable file");
        let d = formsift::input::text::decode(&bytes).expect("text");
        let view = formsift::input::exported::document(&d.text).line_view();
        print!("{}", view.text);
    }
}
