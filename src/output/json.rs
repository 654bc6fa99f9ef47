//! Records written as JSON by hand, byte for byte what serde_json writes
//! (compact for JSON Lines, its pretty form for a JSON array).
//!
//! A record is mostly text, and serde_json looks up every byte of a string
//! in a table and writes through the serializer one piece at a time. Here
//! strings are scanned eight bytes at a time for the three kinds of byte
//! that need escaping, and a record goes into one buffer. The tests hold
//! the output to serde_json's over every fixture and over arbitrary values.

use serde_json::{Map, Value};

use crate::record::{Failure, Issue, Origin, Record, Severity, Unplaced};

/// Appends `record` to `out`: on one line, or pretty-printed with two
/// spaces an indent level (the record's braces at the left margin).
pub fn record(out: &mut Vec<u8>, record: &Record, pretty: bool) {
    let mut w = Json {
        out,
        pretty,
        depth: 0,
    };
    w.record(record);
}

/// Appends `value` the same way (for tests and other callers).
pub fn value(out: &mut Vec<u8>, value: &Value, pretty: bool) {
    Json {
        out,
        pretty,
        depth: 0,
    }
    .value(value);
}

struct Json<'o> {
    out: &'o mut Vec<u8>,
    pretty: bool,
    depth: usize,
}

/// What an object or array has written so far.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Empty,
    Some,
}

impl Json<'_> {
    fn record(&mut self, r: &Record) {
        let mut o = self.begin(b'{');
        self.name(&mut o, "source");
        string(self.out, &r.source);
        self.name(&mut o, "form_index");
        self.option(r.form_index, |w, n| w.uint(n as u64));
        self.name(&mut o, "template");
        string(self.out, &r.template);
        self.name(&mut o, "revision");
        self.option(r.revision.as_deref(), |w, s| string(w.out, s));
        self.name(&mut o, "complete");
        self.bool(r.complete);
        self.name(&mut o, "fields");
        self.option(r.fields.as_ref(), |w, m| w.object(m));
        self.name(&mut o, "issues");
        self.array(&r.issues, |w, i| w.issue(i));
        self.name(&mut o, "unplaced");
        self.array(&r.unplaced, |w, u| w.unplaced(u));
        if let Some(p) = &r.provenance {
            self.name(&mut o, "provenance");
            let mut po = self.begin(b'{');
            for (key, origin) in &p.0 {
                self.key(&mut po, key);
                self.origin(origin);
            }
            self.end(po, b'}');
        }
        if let Some(e) = &r.error {
            self.name(&mut o, "error");
            self.failure(e);
        }
        self.end(o, b'}');
    }

    fn issue(&mut self, i: &Issue) {
        let mut o = self.begin(b'{');
        self.name(&mut o, "severity");
        string(
            self.out,
            match i.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
        );
        self.name(&mut o, "field");
        self.option(i.field.as_deref(), |w, s| string(w.out, s));
        self.name(&mut o, "code");
        string(self.out, &i.code);
        self.name(&mut o, "message");
        string(self.out, &i.message);
        self.name(&mut o, "line");
        self.option(i.line, |w, n| w.uint(n as u64));
        self.end(o, b'}');
    }

    fn unplaced(&mut self, u: &Unplaced) {
        let mut o = self.begin(b'{');
        self.name(&mut o, "line");
        self.uint(u.line as u64);
        self.name(&mut o, "text");
        string(self.out, &u.text);
        if let Some(at) = &u.at {
            self.name(&mut o, "at");
            string(self.out, at);
        }
        self.end(o, b'}');
    }

    fn origin(&mut self, origin: &Origin) {
        let mut o = self.begin(b'{');
        self.name(&mut o, "line");
        self.uint(origin.line as u64);
        if let Some(n) = origin.last_line {
            self.name(&mut o, "last_line");
            self.uint(n as u64);
        }
        if let Some(raw) = &origin.raw {
            self.name(&mut o, "raw");
            string(self.out, raw);
        }
        if let Some(at) = &origin.at {
            self.name(&mut o, "at");
            string(self.out, at);
        }
        self.end(o, b'}');
    }

    fn failure(&mut self, f: &Failure) {
        let mut o = self.begin(b'{');
        self.name(&mut o, "code");
        string(self.out, &f.code);
        self.name(&mut o, "message");
        string(self.out, &f.message);
        if let Some(detail) = &f.detail {
            self.name(&mut o, "detail");
            string(self.out, detail);
        }
        self.end(o, b'}');
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.out.extend_from_slice(b"null"),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => match n.as_u64() {
                Some(u) => self.uint(u),
                // Negative and fractional numbers are rare: serde_json's
                // own formatting (itoa, ryu) is kept for them.
                None => self.out.extend_from_slice(n.to_string().as_bytes()),
            },
            Value::String(s) => string(self.out, s),
            Value::Array(items) => self.array(items, |w, v| w.value(v)),
            Value::Object(m) => self.object(m),
        }
    }

    fn object(&mut self, m: &Map<String, Value>) {
        let mut o = self.begin(b'{');
        for (k, v) in m {
            self.key(&mut o, k);
            self.value(v);
        }
        self.end(o, b'}');
    }

    fn array<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        let mut o = self.begin(b'[');
        for item in items {
            self.element(&mut o);
            each(self, item);
        }
        self.end(o, b']');
    }

    fn option<T>(&mut self, v: Option<T>, some: impl FnOnce(&mut Self, T)) {
        match v {
            Some(v) => some(self, v),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn bool(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
    }

    fn uint(&mut self, n: u64) {
        let mut buf = [0; 20];
        let digits = crate::digits::decimal(n, &mut buf);
        self.out.extend_from_slice(digits.as_bytes());
    }

    fn begin(&mut self, bracket: u8) -> Open {
        self.out.push(bracket);
        self.depth += 1;
        Open::Empty
    }

    fn end(&mut self, open: Open, bracket: u8) {
        self.depth -= 1;
        if self.pretty && open == Open::Some {
            self.newline();
        }
        self.out.push(bracket);
    }

    /// Before an array's element: the comma, and in pretty form the line.
    fn element(&mut self, open: &mut Open) {
        if *open == Open::Some {
            self.out.push(b',');
        }
        *open = Open::Some;
        if self.pretty {
            self.newline();
        }
    }

    /// An object's key, with what goes before it and the colon after.
    fn key(&mut self, open: &mut Open, key: &str) {
        self.element(open);
        string(self.out, key);
        self.out
            .extend_from_slice(if self.pretty { b": " } else { b":" });
    }

    /// A key of the record's own shape: plain ASCII, written as it is.
    fn name(&mut self, open: &mut Open, key: &'static str) {
        debug_assert!(first_escape(key.as_bytes()).is_none());
        self.element(open);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out
            .extend_from_slice(if self.pretty { b"\": " } else { b"\":" });
    }

    fn newline(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }
}

/// Appends `s` as a JSON string: quotes, backslashes and control
/// characters escaped as serde_json escapes them, the rest as it is.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut rest = s.as_bytes();
    while let Some(at) = first_escape(rest) {
        out.extend_from_slice(&rest[..at]);
        match rest[at] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            c => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 0xf) as usize]);
            }
        }
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// Where the first byte that needs escaping is (a quote, a backslash, a
/// control character), eight bytes at a time.
#[inline]
fn first_escape(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` that is zero. Bytes above a zero
    // byte may be flagged wrongly (a borrow), the lowest flag never is.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let flags = |x: u64| {
        let control = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
        control | zero(x ^ (b'"' as u64 * ONES)) | zero(x ^ (b'\\' as u64 * ONES))
    };
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let found = flags(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let tail = chunks.remainder();
    if tail.is_empty() {
        return None;
    }
    if b.len() < 8 {
        return tail
            .iter()
            .position(|&c| c < 0x20 || c == b'"' || c == b'\\');
    }
    // The last eight bytes, the first of which were looked at already and
    // need no escape (so no borrow comes from them): their flags are
    // dropped.
    let last = u64::from_le_bytes(b[b.len() - 8..].try_into().expect("eight bytes"));
    let found = flags(last) & (u64::MAX << (8 * (8 - tail.len())));
    (found != 0).then(|| b.len() - 8 + found.trailing_zeros() as usize / 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn compact(v: &Value) -> String {
        let mut out = Vec::new();
        value(&mut out, v, false);
        String::from_utf8(out).unwrap()
    }

    fn pretty(v: &Value) -> String {
        let mut out = Vec::new();
        value(&mut out, v, true);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_as_serde_json_does() {
        let s = "aspas \" barra \\ nova\nlinha\r\ttab \u{8}\u{c}\u{1}\u{1f} \u{7f} ção 😀";
        // DEL and everything from 0x80 up are written as they are.
        assert_eq!(
            compact(&json!(s)),
            "\"aspas \\\" barra \\\\ nova\\nlinha\\r\\ttab \\b\\f\\u0001\\u001f \u{7f} ção 😀\""
        );
        // An escape in the middle of an eight-byte chunk, and at its end.
        assert_eq!(
            compact(&json!("abcdefg\"hijklmn\\")),
            r#""abcdefg\"hijklmn\\""#
        );
        assert_eq!(compact(&json!("")), r#""""#);
    }

    #[test]
    fn pretty_form_matches_serde_json() {
        let v =
            json!({"a": [], "b": {}, "c": [1, {"d": null, "e": [true, false]}], "f": -2, "g": 1.5});
        assert_eq!(pretty(&v), serde_json::to_string_pretty(&v).unwrap());
        assert_eq!(compact(&v), serde_json::to_string(&v).unwrap());
        assert_eq!(pretty(&json!({"a": [1]})), "{\n  \"a\": [\n    1\n  ]\n}");
    }

    fn arbitrary_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(|n| json!(n)),
            any::<i64>().prop_map(|n| json!(n)),
            (-1e9f64..1e9).prop_map(|n| json!(n)),
            any::<String>().prop_map(Value::String),
            "[\\x00-\\x7f]{0,40}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z\"\\\\\\n]{0,6}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_is_written_as_serde_json_writes_it(v in arbitrary_value()) {
            prop_assert_eq!(compact(&v), serde_json::to_string(&v).unwrap());
            prop_assert_eq!(pretty(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }
}
