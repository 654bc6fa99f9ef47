fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(path).unwrap();
    match formsift::input::pdf::text(&bytes) {
        Ok(t) => print!("{t}"),
        Err(e) => println!("ERR {e:?}"),
    }
}
