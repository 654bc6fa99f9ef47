//! Personal data in the records (LGPD): masked, or replaced by keyed
//! pseudonyms, in every place a value appears, before any output writes
//! it.
//!
//! What is personal: the values of `cpf` and `cnpj` fields and of fields a
//! template marks `personal = true`, whole; and in every piece of text
//! (notes, chat lines, list entries, `unplaced`, provenance, issue
//! messages) what a pattern finds: CPFs (formatted, or 11 digits standing
//! alone, whatever their check digits), CNPJs (formatted, the alphanumeric
//! format of 2026, or 14 digits alone), Brazilian phone numbers
//! (`(11) 98765-4321`, `+55 11 98765-4321`, `11 987654321`, landlines) and
//! e-mail addresses. Dates, protocol numbers (letters and digits), sums of
//! money and CRO numbers have none of these shapes.
//!
//! Masks keep what public bodies publish (`***.456.789-**`,
//! `**.***.***/0001-35`, `(**) *****-4321`, `m***@gmail.com`); pseudonyms
//! are `kind:` and 16 hex digits of the HMAC-SHA-256 of the value's normal
//! form (its digits; an e-mail in lower case) under the user's key, so the
//! same value gives the same pseudonym on every run and machine.

use std::borrow::Cow;
use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use regex::Regex;
use serde_json::Value;
use sha2::Sha256;

use crate::record::Record;
use crate::template::{Kind, Template};

/// How personal values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Mask,
    Hash,
}

/// The fewest bytes a pseudonym key may have.
pub const MIN_KEY: usize = 16;

/// Redacts records: a mode and, for pseudonyms, the key.
#[derive(Clone)]
pub struct Redactor {
    mode: Mode,
    key: Vec<u8>,
}

impl std::fmt::Debug for Redactor {
    // The key is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("mode", &self.mode)
            .finish()
    }
}

/// What kind of personal value a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Cpf,
    Cnpj,
    Phone,
    Email,
    /// A field marked `personal`.
    Personal,
}

impl Found {
    fn name(self) -> &'static str {
        match self {
            Found::Cpf => "cpf",
            Found::Cnpj => "cnpj",
            Found::Phone => "phone",
            Found::Email => "email",
            Found::Personal => "personal",
        }
    }
}

/// Every pattern in one pass; the groups say which matched. Written as
/// alternatives longest first, so a CNPJ is not read as a phone number.
/// ASCII word boundaries: a Unicode one would keep the regex off its
/// fastest engine on text with accents (every note).
static PATTERNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
        r"|(?P<cnpj>(?-u:\b)[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-[0-9]{2}(?-u:\b)|(?-u:\b)[0-9]{14}(?-u:\b))",
        r"|(?P<cpf>(?-u:\b)[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}(?-u:\b)|(?-u:\b)[0-9]{11}(?-u:\b))",
        r"|(?P<phone>(?:\+55[ \t]?)?(?:\([0-9]{2}\)[ \t]?|(?-u:\b)[0-9]{2}[ \t])(?:9[0-9]{4}|[2-8][0-9]{3})-?[0-9]{4}(?-u:\b))",
    ))
    .expect("the patterns compile")
});

impl Redactor {
    /// A redactor; pseudonyms need a key of [`MIN_KEY`] bytes or more.
    pub fn new(mode: Mode, key: Option<Vec<u8>>) -> Result<Redactor, String> {
        let key = match (mode, key) {
            (Mode::Mask, key) => key.unwrap_or_default(),
            (Mode::Hash, Some(k)) if k.len() >= MIN_KEY => k,
            (Mode::Hash, Some(k)) => {
                return Err(format!(
                    "the pseudonym key has {} bytes: --redact hash needs {MIN_KEY} or more (FORMSIFT_REDACT_KEY or --redact-key-file)",
                    k.len()
                ))
            }
            (Mode::Hash, None) => {
                return Err(format!(
                    "--redact hash needs a key of {MIN_KEY} bytes or more: set FORMSIFT_REDACT_KEY or give --redact-key-file FILE (there is no default key)"
                ))
            }
        };
        Ok(Redactor { mode, key })
    }

    /// `mask` or `hash`, as `--redact` names the mode.
    pub fn mode_name(&self) -> &'static str {
        match self.mode {
            Mode::Mask => "mask",
            Mode::Hash => "hash",
        }
    }

    /// Redacts one record in place, with the template that read it (none
    /// for a file no template took).
    pub fn record(&self, t: Option<&Template>, r: &mut Record) {
        // The template's personal fields, a few: found by key.
        let kind_of = |key: &str| -> Option<Found> {
            let &(_, kind) = t?.personal.iter().find(|(k, _)| k == key)?;
            Some(match kind {
                Kind::Cpf => Found::Cpf,
                Kind::Cnpj => Found::Cnpj,
                _ => Found::Personal,
            })
        };
        if let Some(fields) = &mut r.fields {
            for (key, value) in fields.iter_mut() {
                self.value(value, kind_of(key), &kind_of);
            }
        }
        if let Some(p) = &mut r.provenance {
            for (path, origin) in &mut p.0 {
                let leaf = path.rsplit('.').next().unwrap_or(path);
                if let Some(raw) = &mut origin.raw {
                    *raw = match kind_of(leaf) {
                        Some(kind) => self.whole(kind, raw),
                        None => self.text(raw).into_owned(),
                    };
                }
            }
        }
        for u in &mut r.unplaced {
            if let Cow::Owned(t) = self.text(&u.text) {
                u.text = t;
            }
        }
        for i in &mut r.issues {
            if let Cow::Owned(t) = self.text(&i.message) {
                i.message = t;
            }
        }
        if let Some(e) = &mut r.error {
            if let Cow::Owned(t) = self.text(&e.message) {
                e.message = t;
            }
        }
    }

    /// A field's value: whole when the field is personal, else its text's
    /// personal pieces; list entries and messages by their own keys.
    fn value(&self, v: &mut Value, kind: Option<Found>, kind_of: &dyn Fn(&str) -> Option<Found>) {
        match v {
            Value::String(s) => {
                let new = match kind {
                    Some(k) => self.whole(k, s),
                    None => match self.text(s) {
                        Cow::Owned(t) => t,
                        Cow::Borrowed(_) => return,
                    },
                };
                *s = new;
            }
            Value::Array(items) => {
                for item in items {
                    self.value(item, kind, kind_of);
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    self.value(item, kind_of(key).or(kind), kind_of);
                }
            }
            Value::Number(_) if kind.is_some() => {
                let s = v.to_string();
                *v = Value::String(self.whole(kind.expect("a kind"), &s));
            }
            _ => {}
        }
    }

    /// The personal pieces of free text, masked or pseudonymized; the text
    /// itself when it has none.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // Most text has no digit run long enough and no `@`: no search.
        if !maybe_personal(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for c in PATTERNS.captures_iter(text) {
            let m = c.get(0).expect("a match");
            let kind = if c.name("email").is_some() {
                Found::Email
            } else if c.name("cnpj").is_some() {
                Found::Cnpj
            } else if c.name("cpf").is_some() {
                Found::Cpf
            } else {
                Found::Phone
            };
            out.push_str(&text[last..m.start()]);
            out.push_str(&self.whole(kind, m.as_str()));
            last = m.end();
        }
        if last == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }

    /// One personal value as the mode writes it.
    fn whole(&self, kind: Found, value: &str) -> String {
        match self.mode {
            Mode::Mask => mask(kind, value),
            Mode::Hash => self.pseudonym(kind, value),
        }
    }

    /// `kind:` and 16 hex digits of the value's normal form's MAC.
    fn pseudonym(&self, kind: Found, value: &str) -> String {
        let normal: String = match kind {
            Found::Cpf | Found::Phone => value.chars().filter(char::is_ascii_digit).collect(),
            // The alphanumeric CNPJ keeps its letters.
            Found::Cnpj => value
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_uppercase())
                .collect(),
            Found::Email => value.trim().to_lowercase(),
            Found::Personal => value.split_whitespace().collect::<Vec<_>>().join(" "),
        };
        // A phone's country code is not part of the number.
        let normal = match kind {
            Found::Phone if normal.len() > 11 && normal.starts_with("55") => {
                normal[2..].to_string()
            }
            _ => normal,
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(kind.name().as_bytes());
        mac.update(b":");
        mac.update(normal.as_bytes());
        let bytes = mac.finalize().into_bytes();
        let mut out = String::with_capacity(kind.name().len() + 17);
        out.push_str(kind.name());
        out.push(':');
        for b in &bytes[..8] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// A cheap look before the search: an `@`, or a run of digits with others
/// near it (a CPF, CNPJ or phone has eight digits at least).
fn maybe_personal(text: &str) -> bool {
    let b = text.as_bytes();
    if memchr::memchr(b'@', b).is_some() {
        return true;
    }
    // Ten digits or more in a run of digits and the separators people
    // write numbers with (a phone with its area code has ten; a date has
    // eight); or a CNPJ's `XXX.XXX/` (the alphanumeric one has letters).
    let mut digits = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if digits >= 10 {
                    return true;
                }
            }
            b'.' | b'-' | b' ' | b'(' | b')' | b'+' => {}
            b'/' if i >= 4 && b[i - 4] == b'.' => return true,
            _ => digits = 0,
        }
    }
    false
}

/// The masks public bodies publish.
fn mask(kind: Found, value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_alphanumeric).collect();
    match kind {
        // ***.456.789-**
        Found::Cpf if digits.len() == 11 => {
            let mid: String = digits[3..9].iter().collect();
            format!("***.{}.{}-**", &mid[..3], &mid[3..])
        }
        // **.***.***/0001-35
        Found::Cnpj if digits.len() == 14 => {
            let order: String = digits[8..12].iter().collect();
            let check: String = digits[12..].iter().collect();
            format!("**.***.***/{order}-{check}")
        }
        // (**) *****-4321, (**) ****-7890
        Found::Phone => {
            let d: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
            let local = if d.len() > 11 {
                d.len() - 2 - 2
            } else {
                d.len() - 2
            };
            let last: String = d[d.len() - 4..].iter().collect();
            format!("(**) {}-{last}", "*".repeat(local.saturating_sub(4)))
        }
        // m***@gmail.com
        Found::Email => match value.split_once('@') {
            Some((user, domain)) => {
                let first = user.chars().next().unwrap_or('*');
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
        // A name: the first letter of each word.
        Found::Personal => value
            .split_whitespace()
            .map(|w| {
                let first = w.chars().next().unwrap_or('*');
                format!("{first}***")
            })
            .collect::<Vec<_>>()
            .join(" "),
        // A value of the wrong length: nothing of it kept.
        _ => "*".repeat(value.chars().count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker() -> Redactor {
        Redactor::new(Mode::Mask, None).unwrap()
    }

    #[test]
    fn masks_keep_what_public_bodies_publish() {
        let m = masker();
        assert_eq!(m.text("CPF 123.456.789-09."), "CPF ***.456.789-**.");
        assert_eq!(m.text("cpf 12345678909 ok"), "cpf ***.456.789-** ok");
        assert_eq!(m.text("11.222.333/0001-81"), "**.***.***/0001-81");
        assert_eq!(m.text("12.ABC.345/01DE-35"), "**.***.***/01DE-35");
        assert_eq!(m.text("ligar (11) 98765-4321"), "ligar (**) *****-4321");
        assert_eq!(m.text("+55 11 98765-4321:"), "(**) *****-4321:");
        assert_eq!(m.text("11 987654321"), "(**) *****-4321");
        assert_eq!(m.text("fixo (11) 3456-7890"), "fixo (**) ****-7890");
        assert_eq!(m.text("maria.luiza@gmail.com"), "m***@gmail.com");
    }

    #[test]
    fn what_only_looks_like_an_identifier_stays() {
        let m = masker();
        for text in [
            "13/02/2025 e 10:05, 14/02/2025",
            "protocolo SAD16777636890",
            "R$ 1.234,56 e 1.200 vidas",
            "CRO 12345 UF SP",
            "2 1 1.043",
        ] {
            assert_eq!(m.text(text), text);
        }
    }

    #[test]
    fn pseudonyms_are_keyed_and_agree_across_writings() {
        let a = Redactor::new(Mode::Hash, Some(b"0123456789abcdef".to_vec())).unwrap();
        let b = Redactor::new(Mode::Hash, Some(b"another key, 16+".to_vec())).unwrap();
        let p = a.text("529.982.247-25").into_owned();
        assert!(p.starts_with("cpf:") && p.len() == 20, "{p}");
        assert_eq!(a.text("52998224725"), p);
        assert_ne!(b.text("529.982.247-25"), p);
        assert_eq!(a.text("+55 11 98765-4321"), a.text("(11) 98765-4321"));
        assert_eq!(a.text("Maria@Gmail.com"), a.text("maria@gmail.com"));
        assert!(Redactor::new(Mode::Hash, None).is_err());
        let short = Redactor::new(Mode::Hash, Some(b"short".to_vec())).unwrap_err();
        assert!(short.contains("5 bytes") && short.contains("16"), "{short}");
    }
}
