fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(path).unwrap();
    match formsift::input::pdf::text(&bytes) {
        Ok(t) => print!("{}", t.text),
        Err(e) => println!("ERR {e:?}"),
    }
}
