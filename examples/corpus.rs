//! Writes a corpus of filled retention forms for benchmarks:
//!
//!     cargo run --release --example corpus -- DIR N
//!
//! N forms (about 4 KB each) in folders of 1,000, cycling through the three
//! revisions, the three layouts (inline, colons, tab table), UTF-8 and
//! Windows-1252 with CR/CRLF line ends, and every mark style of the filled
//! fixtures (☒ ☐, [X] [ ], (x) ( ), þ ¨, ☑ □, ✔, Wingdings); names, CPFs
//! and notes vary from form to form. The same N gives the same files.

use std::io::Write;
use std::path::PathBuf;

const VARIANTS: [&[u8]; 15] = [
    include_bytes!("../fixtures/filled/v1-inline.txt"),
    include_bytes!("../fixtures/filled/v1-colons.txt"),
    include_bytes!("../fixtures/filled/v1-table.txt"),
    include_bytes!("../fixtures/filled/v1-cp1252-crlf.txt"),
    include_bytes!("../fixtures/filled/v1-wingdings-cr.txt"),
    include_bytes!("../fixtures/filled/v1-stripped.txt"),
    include_bytes!("../fixtures/filled/v1-nfd-nbsp-bom.txt"),
    include_bytes!("../fixtures/filled/v2-inline.txt"),
    include_bytes!("../fixtures/filled/v2-colons.txt"),
    include_bytes!("../fixtures/filled/v2-table.txt"),
    include_bytes!("../fixtures/filled/v2-cp1252-crlf.txt"),
    include_bytes!("../fixtures/filled/v3-inline.txt"),
    include_bytes!("../fixtures/filled/v3-colons-wingdings.txt"),
    include_bytes!("../fixtures/filled/v3-table.txt"),
    include_bytes!("../fixtures/filled/v3-cp1252-crlf.txt"),
];

const NAMES: [&str; 8] = [
    "Maria Luiza",
    "Joao Pedro",
    "Ana Beatriz",
    "Carla Dias",
    "Rafael Lima",
    "Paula Souza",
    "Bruno Alves",
    "Lucia Rocha",
];
const WORDS: [&str; 16] = [
    "contato",
    "guias",
    "prazo",
    "suporte",
    "retorno",
    "atendimento",
    "clinica",
    "protocolo",
    "pagamento",
    "tabela",
    "proposta",
    "dentista",
    "consultora",
    "operadora",
    "sistema",
    "valores",
];

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn cpf(rng: &mut Rng) -> [u8; 11] {
    let mut d = [0u8; 11];
    for x in d.iter_mut().take(9) {
        *x = (rng.next() % 10) as u8;
    }
    for (n, first) in [(9, 10u32), (10, 11u32)] {
        let sum: u32 = d[..n]
            .iter()
            .zip((2..=first).rev())
            .map(|(v, w)| u32::from(*v) * w)
            .sum();
        let r = sum % 11;
        d[n] = if r < 2 { 0 } else { (11 - r) as u8 };
    }
    d
}

fn replace(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len() + 64);
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// One form: a variant with its names, CPF and first notes changed.
fn form(i: u64) -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let base = VARIANTS[(i % VARIANTS.len() as u64) as usize];
    let name = rng.pick(&NAMES);
    let mut out = base.to_vec();
    for who in ["Maria Luiza", "Jo\u{e3}o Pedro", "Ana Beatriz"] {
        out = replace(&out, who.as_bytes(), name.as_bytes());
    }
    let d = cpf(&mut rng);
    let s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
    let formatted = format!("{}.{}.{}-{}", &s[..3], &s[3..6], &s[6..9], &s[9..]);
    for old in ["529.982.247-25", "111.444.777-35"] {
        out = replace(&out, old.as_bytes(), formatted.as_bytes());
    }
    out = replace(&out, b"12345678909", s.as_bytes());
    // Longer notes after the first contact's "Obs.:" line.
    let eol: &[u8] = if out.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else if !out.contains(&b'\n') {
        b"\r"
    } else {
        b"\n"
    };
    let mut notes = Vec::new();
    for k in 0..14 {
        let line: Vec<&str> = (0..16).map(|_| rng.pick(&WORDS)).collect();
        if k % 5 == 4 {
            notes.extend_from_slice(format!("[10:{:02}, 14/02/2025] {name}: ", k).as_bytes());
        }
        notes.extend_from_slice(line.join(" ").as_bytes());
        notes.extend_from_slice(eol);
    }
    if let Some(at) = find(&out, b"Obs.:") {
        if let Some(end) = find(&out[at..], eol).map(|e| at + e + eol.len()) {
            if let Some(end2) = find(&out[end..], eol).map(|e| end + e + eol.len()) {
                out.splice(end2..end2, notes);
            }
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(n)) = (args.next(), args.next().and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: corpus DIR N");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let mut bytes = 0usize;
    for i in 0..n {
        let sub = dir.join(format!("{:04}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).expect("create the corpus folder");
        }
        let f = form(i);
        bytes += f.len();
        let mut file =
            std::fs::File::create(sub.join(format!("{i:07}.txt"))).expect("create a form file");
        file.write_all(&f).expect("write a form");
    }
    eprintln!(
        "{n} forms, {:.1} MB, {:.0} bytes each on average",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64
    );
}
