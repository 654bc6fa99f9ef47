//! A fast reader of PDF content streams, for the part of their grammar that
//! text pages use: numbers, names, literal and hex strings, flat arrays,
//! flat dictionaries (marked content) and operators.
//!
//! lopdf's content parser is built of nom combinators and was a third of
//! the time spent on a PDF. This reader gives exactly the operations lopdf
//! gives, or `None`, and then lopdf reads the stream: on a comment, a
//! reference, a nested array or dictionary, `true`/`false`/`null`, an
//! inline image, a `#` in a name, anything lopdf would stop at or refuse.
//! The rules below follow lopdf 0.42's `parser::content`, quirks included
//! (an operand needs no space before the next; `content_space` is only
//! space, tab, CR and LF, while arrays and hex strings also skip NUL and
//! form feed).

use pdf_extract::content::Operation;
use pdf_extract::{Dictionary, Object, StringFormat};

/// The operations of a content stream, or `None` to leave it to lopdf.
pub fn operations(data: &[u8]) -> Option<Vec<Operation>> {
    let mut r = Reader { data, at: 0 };
    // About one operation in 24 bytes of a text page; a huge stream grows
    // the list as it is read, not ahead of it.
    let mut ops = Vec::with_capacity((data.len() / 24).min(1 << 16));
    let mut operands = Vec::new();
    r.skip(is_content_space);
    while let Some(c) = r.peek() {
        if is_operator(c) {
            let start = r.at;
            r.skip(is_operator);
            let op = &data[start..r.at];
            // lopdf tries these before an operator: an inline image, or
            // the operands `true`, `false` and `null`.
            let special: [&[u8]; 4] = [b"BI", b"true", b"false", b"null"];
            if special.iter().any(|s| op.starts_with(s)) {
                return None;
            }
            ops.push(Operation {
                // Operator bytes are ASCII letters, `*`, `'` and `"`.
                operator: op.iter().map(|&b| b as char).collect(),
                operands: std::mem::take(&mut operands),
            });
        } else {
            operands.push(r.operand()?);
        }
        r.skip(is_content_space);
    }
    // Operands with no operator after them: lopdf drops them; let it.
    operands.is_empty().then_some(ops)
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

/// Nesting of literal strings kept here; deeper ones go to lopdf.
const DEEPEST_STRING: usize = 32;

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.at).copied()
    }

    fn skip(&mut self, keep: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&keep) {
            self.at += 1;
        }
    }

    /// One operand of an operation.
    fn operand(&mut self) -> Option<Object> {
        match self.peek()? {
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip(is_white);
                loop {
                    match self.peek()? {
                        b']' => {
                            self.at += 1;
                            return Some(Object::Array(items));
                        }
                        // Nested arrays, references, booleans and null
                        // go to lopdf (a flat dictionary is read here).
                        b'[' => return None,
                        c if c.is_ascii_alphabetic() => return None,
                        _ => items.push(self.operand()?),
                    }
                    self.skip(is_white);
                }
            }
            b'/' => {
                self.at += 1;
                let start = self.at;
                self.skip(|c| is_regular(c) && c != b'#');
                if self.peek() == Some(b'#') {
                    return None;
                }
                Some(Object::Name(self.data[start..self.at].to_vec()))
            }
            b'(' => {
                self.at += 1;
                let mut out = Vec::new();
                self.literal(&mut out, DEEPEST_STRING)?;
                Some(Object::String(out, StringFormat::Literal))
            }
            b'<' if self.data.get(self.at + 1) == Some(&b'<') => {
                // A flat dictionary, such as marked content's `<</MCID 0>>`.
                self.at += 2;
                let mut dict = Dictionary::new();
                loop {
                    self.skip(is_white);
                    match self.peek()? {
                        b'>' if self.data.get(self.at + 1) == Some(&b'>') => {
                            self.at += 2;
                            return Some(Object::Dictionary(dict));
                        }
                        b'/' => {}
                        _ => return None,
                    }
                    let Some(Object::Name(key)) = self.operand() else {
                        return None;
                    };
                    self.skip(is_white);
                    // References, nested dictionaries and arrays, booleans
                    // and null go to lopdf.
                    match self.peek()? {
                        b'[' | b'<' | b'a'..=b'z' | b'A'..=b'Z' => return None,
                        _ => dict.set(key, self.operand()?),
                    }
                }
            }
            b'<' => {
                self.at += 1;
                let mut out = Vec::new();
                let mut half = false;
                loop {
                    self.skip(is_white);
                    let Some(v) = self.peek().and_then(hex_value) else {
                        break;
                    };
                    self.at += 1;
                    if half {
                        *out.last_mut().expect("a first half") |= v;
                    } else {
                        out.push(v << 4);
                    }
                    half = !half;
                }
                (self.peek()? == b'>').then_some(())?;
                self.at += 1;
                Some(Object::String(out, StringFormat::Hexadecimal))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A real (`[+-]` digits `.` digits, or `.` digits) or an integer, read
    /// as lopdf reads them (`f32` and `i64`).
    fn number(&mut self) -> Option<Object> {
        let start = self.at;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.at += 1;
        }
        let digits = self.at;
        self.skip(|c| c.is_ascii_digit());
        let whole = self.at > digits;
        let after_dot = self.data.get(self.at + 1).is_some_and(u8::is_ascii_digit);
        let text = |r: &Self| std::str::from_utf8(&r.data[start..r.at]).ok();
        if self.peek() == Some(b'.') && (whole || after_dot) {
            self.at += 1;
            self.skip(|c| c.is_ascii_digit());
            text(self)?.parse::<f32>().ok().map(Object::Real)
        } else if whole {
            text(self)?.parse::<i64>().ok().map(Object::Integer)
        } else {
            None
        }
    }

    /// The rest of a literal string after its `(`, with escapes read and
    /// nested parentheses kept.
    fn literal(&mut self, out: &mut Vec<u8>, depth: usize) -> Option<()> {
        loop {
            let c = self.peek()?;
            self.at += 1;
            match c {
                b')' => return Some(()),
                b'(' => {
                    out.push(b'(');
                    self.literal(out, depth.checked_sub(1)?)?;
                    out.push(b')');
                }
                b'\\' => self.escape(out)?,
                _ => out.push(c),
            }
        }
    }

    /// What follows a backslash in a literal string.
    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let c = self.peek()?;
        self.at += 1;
        match c {
            b'0'..=b'7' => {
                let mut value = u16::from(c - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u16::from(d - b'0');
                            self.at += 1;
                        }
                        _ => break,
                    }
                }
                out.push(value as u8); // overflow is ignored, as the spec says
            }
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.at += 1;
                }
            }
            b'\n' => {}
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(b'\x08'),
            b'f' => out.push(b'\x0C'),
            other => out.push(other),
        }
        Some(())
    }
}

fn is_content_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\0' | b'\x0C')
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !b"()<>[]{}/%".contains(&c)
}

fn is_operator(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"')
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdf_extract::content::Content;
    use proptest::prelude::*;

    /// lopdf's reading, as comparable values.
    fn lopdf(data: &[u8]) -> Option<Vec<(String, Vec<Object>)>> {
        Content::decode(data)
            .ok()
            .map(|c| c.operations.into_iter().map(plain).collect())
    }

    fn ours(data: &[u8]) -> Option<Vec<(String, Vec<Object>)>> {
        operations(data).map(|ops| ops.into_iter().map(plain).collect())
    }

    fn plain(op: Operation) -> (String, Vec<Object>) {
        (op.operator, op.operands)
    }

    fn lit(s: &[u8]) -> Object {
        Object::String(s.to_vec(), StringFormat::Literal)
    }

    #[test]
    fn a_text_page_is_read_as_lopdf_reads_it() {
        let page = b"BT\n/F1 12 Tf\r\n72 712.5 Td\n[(Nome)-250.5(do)<00410042 4>]TJ\n\
                     (Reten\\347\\343o \\(a\\)\\\\)Tj -.5 +3 TD(a(b)c)' 0 g ET q 1 0 0 1 0 0 cm Q\n\
                     /P <</MCID 0 /Lang (pt-BR)>>BDC EMC\n";
        let got = ours(page).expect("all of it is the common part");
        assert_eq!(got, lopdf(page).unwrap());
        assert_eq!(got.len(), 14);
        assert_eq!(
            got[1],
            (
                "Tf".into(),
                vec![Object::Name(b"F1".to_vec()), Object::Integer(12)]
            )
        );
        assert_eq!(
            got[3].1,
            vec![Object::Array(vec![
                lit(b"Nome"),
                Object::Real(-250.5),
                lit(b"do"),
                Object::String(vec![0, 0x41, 0, 0x42, 0x40], StringFormat::Hexadecimal),
            ])]
        );
        assert_eq!(got[4].1, vec![lit(b"Reten\xe7\xe3o (a)\\")]);
        assert_eq!(got[5].1, vec![Object::Real(-0.5), Object::Integer(3)]);
        assert_eq!(got[6], ("'".into(), vec![lit(b"a(b)c")]));
        let mut marked = Dictionary::new();
        marked.set("MCID", 0);
        marked.set("Lang", lit(b"pt-BR"));
        assert_eq!(
            got[12].1,
            vec![Object::Name(b"P".to_vec()), Object::Dictionary(marked)]
        );
    }

    /// Every page of the PDFs made by Word, LibreOffice, fpdf2 and
    /// reportlab is read here, as lopdf reads it.
    #[test]
    fn the_pages_of_real_pdfs_are_read_here() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/pdf/");
        for file in [
            "form_sdt.pdf",
            "form_wingdings.pdf",
            "form_wingdings_noToUnicode.pdf",
            "fpdf2_dejavu.pdf",
            "reportlab_acroform.pdf",
            "seed000.pdf",
            "not_the_form.pdf",
        ] {
            let doc = pdf_extract::Document::load(format!("{dir}{file}")).expect(file);
            for (n, page) in doc.get_pages() {
                let data = doc.get_page_content(page).expect(file);
                let got = ours(&data);
                assert!(
                    got.as_ref().is_some_and(|ops| !ops.is_empty()),
                    "{file} page {n}"
                );
                assert_eq!(got, lopdf(&data), "{file} page {n}");
            }
        }
    }

    #[test]
    fn what_it_does_not_read_is_left_to_lopdf() {
        for left in [
            &b"% a comment\n0 g"[..],
            b"/P <</K 1 0 R>> BDC EMC",
            b"/P <</A <</B 1>> >> BDC",
            b"/P <</A 1 2>> BDC",
            b"[[1] 2] d0",
            b"[1 0 R] TJ",
            b"true Tj",
            b"BI /W 1 /H 1 /BPC 8 /CS /G ID x EI",
            b"/A#20B Tf",
            b"1 2",
            b"1 2 ) re",
            b"99999999999999999999 g",
            b"- g",
            b"(open Tj",
            b"<0G> Tj",
        ] {
            assert_eq!(
                operations(left).map(|o| o.len()),
                None,
                "{:?}",
                String::from_utf8_lossy(left)
            );
        }
    }

    fn bytes(v: Vec<&'static [u8]>) -> impl Strategy<Value = Vec<u8>> + Clone {
        prop::sample::select(v).prop_map(<[u8]>::to_vec)
    }

    /// One operand, its corner cases, or now and then a stray token.
    fn operand() -> impl Strategy<Value = Vec<u8>> + Clone {
        prop_oneof![
            30 => "[+-]?[0-9]{1,3}(\\.[0-9]{0,2})?".prop_map(String::into_bytes),
            8 => "[+-]?\\.[0-9]{0,2}".prop_map(String::into_bytes),
            1 => Just(b"123456789012345678901234".to_vec()),
            20 => "/[A-Za-z0-9.+*'-]{0,4}".prop_map(String::into_bytes),
            1 => "/[A-Z]{0,2}#[0-9A-Fg]{0,2}".prop_map(String::into_bytes),
            25 => prop::collection::vec(
                bytes(vec![
                    b"a", b"a", b"a", b"a", b"(a)", b"(", b")", b"\\", b"\\(", b"\\)", b"\\n", b"\\053", b"\\7",
                    b"\\400", b"\\\r\n", b"\\\n", b"\\\r", b"\r", b"\n", b"\xe7", b"\\q",
                ]),
                0..6,
            )
            .prop_map(|parts| [&b"("[..], &parts.concat(), b")"].concat()),
            20 => "<[0-9a-fA-F \n\x00\x0c]{0,7}>".prop_map(String::into_bytes),
            1 => "<[0-9a-f]?[g>]>".prop_map(String::into_bytes),
            4 => prop::collection::vec(
                " ?/[AB][a-z]? ?(/N|\\(x\\)|-?[0-9]{1,2}|1 0 R|<</A 1>>|true|1 2|<0a>)",
                0..4
            )
            .prop_map(|entries| format!("<<{} >>", entries.concat()).into_bytes()),
            2 => bytes(vec![b"<<", b">>", b"%c\n", b"{", b")", b">", b"]", b"true", b"null", b"R"]),
        ]
    }

    /// Between tokens: mostly what content streams use, now and then NUL
    /// or form feed, which only arrays and hex strings skip.
    fn gap() -> impl Strategy<Value = Vec<u8>> + Clone {
        prop_oneof![
            40 => bytes(vec![b" ", b"\n", b"\r\n", b"\r", b"\t", b"", b"  "]),
            1 => bytes(vec![b"\0", b"\x0C"]),
        ]
    }

    /// Bytes close to content streams: operations of operands and flat or
    /// nested arrays, with the grammar's corner cases mixed in.
    fn stream() -> impl Strategy<Value = Vec<u8>> {
        let array = prop::collection::vec((operand(), gap()), 0..4).prop_map(|items| {
            let inner: Vec<u8> = items
                .into_iter()
                .flat_map(|(t, g)| [t, g].concat())
                .collect();
            [&b"["[..], &inner, b"]"].concat()
        });
        let nested = array.clone().prop_map(|a| [&b"[1 "[..], &a, b"]"].concat());
        let item = prop_oneof![40 => operand(), 10 => array, 1 => nested];
        let operator = prop_oneof![
            40 => bytes(vec![b"Tj", b"TJ", b"Tf", b"Td", b"T*", b"'", b"\"", b"BT", b"re", b"f", b"d0"]),
            1 => bytes(vec![b"n", b"BDC", b"BI", b"ID", b"true", b"false", b"null", b"nullx", b"R"]),
        ];
        let op = (prop::collection::vec((item, gap()), 0..4), operator, gap()).prop_map(
            |(items, op, g)| {
                let mut out: Vec<u8> = items
                    .into_iter()
                    .flat_map(|(t, g)| [t, g].concat())
                    .collect();
                out.extend(op);
                out.extend(g);
                out
            },
        );
        (gap(), prop::collection::vec(op, 0..8)).prop_map(|(g, ops)| [g, ops.concat()].concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Wherever this reader answers, it answers what lopdf reads.
        #[test]
        fn it_reads_what_lopdf_reads(data in stream()) {
            if let Some(got) = ours(&data) {
                prop_assert_eq!(Some(got), lopdf(&data));
            }
        }

        /// Streams of the common part only are always read here.
        #[test]
        fn the_common_part_is_always_read(
            ops in prop::collection::vec(
                (prop::collection::vec(prop_oneof![
                    "-?[0-9]{1,4}(\\.[0-9]{1,3})?",
                    "[+-]?\\.[0-9]{1,2}",
                    "/F[0-9]",
                    "\\((\\\\[()\\\\]|[a-z ]){0,6}\\)",
                    "<[0-9A-F]{0,6}>",
                    "\\[(\\([a-z]{0,3}\\)-?[0-9]{1,3} ?){0,3}\\]",
                ], 0..4), prop::sample::select(vec!["Tj", "TJ", "Tf", "Td", "cm", "re", "f", "BT", "ET"])),
                0..12,
            )
        ) {
            let data = ops
                .iter()
                .map(|(operands, op)| format!("{} {op}\n", operands.join(" ")))
                .collect::<String>();
            let got = ours(data.as_bytes());
            prop_assert!(got.is_some(), "not read: {:?}", data);
            prop_assert_eq!(got, lopdf(data.as_bytes()));
        }
    }
}
