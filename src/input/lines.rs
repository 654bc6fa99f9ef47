//! Splitting decoded text into numbered lines and cleaning each one of
//! export artifacts: markdown bold and headings, the two trailing spaces of a
//! markdown line break, non-breaking spaces, decomposed accents.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::fold::{not_printable, Folded, HIGH, ONES};

/// One input line, cleaned for values and folded for matching. Most lines
/// need no cleaning and no folding: they borrow the document's text.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// 1-based line number in the file.
    pub no: usize,
    /// The line without export artifacts; values are cut from here.
    pub clean: Cow<'a, str>,
    /// The clean line folded for matching, made when first asked for (see
    /// [`Line::folded`]).
    folded: std::cell::OnceCell<Folded<'a>>,
    /// The line runs to the margin and its text goes on in the next line
    /// (PDF text marks such lines with U+2028).
    pub wraps: bool,
    /// The 1-based page the line is on, where the reader knows it; 0 when
    /// it does not (a text export without page breaks).
    pub page: u32,
}

impl<'a> Line<'a> {
    /// Builds a line from raw text.
    pub fn new(no: usize, raw: &'a str) -> Line<'a> {
        let wraps = raw.ends_with('\u{2028}');
        let raw = raw.trim_end_matches('\u{2028}');
        let clean = if is_plain(raw.as_bytes()) {
            Cow::Borrowed(raw.trim_end_matches(' '))
        } else {
            // Lines that need cleaning (markdown, NBSP, decomposed accents)
            // repeat from form to form too: cleaned once per thread.
            CLEANED.with_borrow_mut(|memo| {
                Cow::Owned(memo.get((), raw, || clean_artifacts(raw)).clone())
            })
        };
        Line {
            no,
            clean,
            folded: std::cell::OnceCell::new(),
            wraps,
            page: 0,
        }
    }

    /// A line of text already clean (made by recognition from others).
    pub fn from_clean(no: usize, clean: Cow<'a, str>) -> Line<'a> {
        Line {
            no,
            clean,
            folded: std::cell::OnceCell::new(),
            wraps: false,
            page: 0,
        }
    }

    /// The same line (number, wrap, page) with other clean text: a line
    /// recognition rewrote.
    pub fn rewritten(&self, clean: Cow<'a, str>) -> Line<'a> {
        Line {
            no: self.no,
            clean,
            folded: std::cell::OnceCell::new(),
            wraps: self.wraps,
            page: self.page,
        }
    }

    /// The clean line folded for matching labels and options. Folded when
    /// first asked for: what was found in a line seen before is kept (see
    /// [`crate::memo`]), so most lines are never folded.
    pub fn folded(&self) -> &Folded<'a> {
        self.folded.get_or_init(|| match &self.clean {
            Cow::Borrowed(clean) => Folded::new(clean),
            Cow::Owned(clean) => Folded::new(clean).into_owned(),
        })
    }

    /// True when the line holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        // Most lines start with a letter or a box: no need to walk them.
        match self.clean.bytes().find(|&b| b != b' ' && b != b'\t') {
            None => true,
            Some(b) if b.is_ascii_graphic() => false,
            Some(_) => self.clean.trim().is_empty(),
        }
    }
}

thread_local! {
    /// Lines cleaned lately (see [`crate::memo`]).
    static CLEANED: std::cell::RefCell<crate::memo::Memo<(), String>> =
        const { std::cell::RefCell::new(crate::memo::Memo::new()) };
}

/// Splits text into lines on `\r\n`, `\n` or a bare `\r`, numbered from 1.
pub fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::with_capacity(text.len() / 40 + 1);
    let bytes = text.as_bytes();
    let mut start = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if i < start {
            continue; // the \n of a \r\n
        }
        lines.push(Line::new(lines.len() + 1, &text[start..i]));
        start = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
    }
    if start < bytes.len() {
        lines.push(Line::new(lines.len() + 1, &text[start..]));
    }
    lines
}

/// Removes export artifacts from one line; keeps leading white space and
/// tabs, which separate table cells.
pub fn clean_line(raw: &str) -> Cow<'_, str> {
    // Most lines: printable ASCII, Latin-1 letters and checkboxes, with
    // nothing to remove but trailing spaces.
    if is_plain(raw.as_bytes()) {
        return Cow::Borrowed(raw.trim_end_matches(' '));
    }
    Cow::Owned(clean_artifacts(raw))
}

/// [`clean_line`] for a line [`is_plain`] refused.
fn clean_artifacts(raw: &str) -> String {
    let mut s: std::borrow::Cow<str> = raw.into();
    if s.starts_with('\u{feff}') {
        s = s.trim_start_matches('\u{feff}').to_string().into();
    }
    if s.contains("**") {
        s = s.replace("**", "").into();
    }
    if s.contains([
        '\u{a0}', '\u{202f}', '\u{2007}', '\u{c}', '\u{200e}', '\u{200f}',
    ]) {
        s = s
            .chars()
            .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}'))
            .map(|c| match c {
                '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{c}' => ' ',
                c => c,
            })
            .collect::<String>()
            .into();
    }
    let heading = strip_heading(&s);
    let mut out = heading.trim_end_matches([' ', '\u{3000}']).to_string();
    if !out.is_ascii() && is_nfc_quick(out.chars()) != IsNormalized::Yes {
        out = out.nfc().collect();
    }
    out
}

/// True when `b` holds only printable ASCII, tabs, Latin-1 letters and
/// signs (no NBSP), the ballot boxes ☐☑☒☓ □ ✔ and the Wingdings of the
/// private use area, with no `**` and no leading `#`: text already in NFC
/// with nothing to remove but trailing spaces.
fn is_plain(b: &[u8]) -> bool {
    let lead = b.iter().position(|&c| c != b' ' && c != b'\t');
    if lead.is_some_and(|i| b[i] == b'#') {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        // Eight bytes at a time (past the end, spaces), each flagged when
        // it is not printable ASCII or is a `*`. A flag carries only to
        // higher bytes: the lowest flagged byte is a real one.
        let x = match b.get(i..i + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("eight bytes")),
            None => b[i..]
                .iter()
                .rev()
                .fold(b' ' as u64 * ONES, |x, &c| x << 8 | c as u64),
        };
        let s = x ^ (b'*' as u64 * ONES);
        let star = s.wrapping_sub(ONES) & !s & HIGH; // a `*`
        let flags = not_printable(x) | star;
        if flags == 0 {
            i += 8;
            continue;
        }
        i += flags.trailing_zeros() as usize / 8;
        i += match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'*', Some(b'*'), _) => return false,
            (b'*' | b'\t', _, _) => 1,
            (0xc3, _, _) | (0xc2, Some(0xa1..=0xbf), _) => 2,
            (0xe2, Some(0x98), Some(0x90..=0x93))
            | (0xe2, Some(0x96), Some(0xa1))
            | (0xe2, Some(0x9c), Some(0x94))
            | (0xef, Some(0x80..=0x83), _) => 3,
            _ => return false,
        };
    }
    true
}

/// A markdown heading (`## Title`) reads as its text.
fn strip_heading(s: &str) -> &str {
    let t = s.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
        t[hashes..].trim_start()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending() {
        let lines = split_lines("a\r\nb\rc\nd");
        let got: Vec<(usize, &str)> = lines.iter().map(|l| (l.no, &*l.clean)).collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        assert_eq!(split_lines("a\n\n").len(), 2);
    }

    #[test]
    fn cleans_export_artifacts() {
        assert_eq!(
            clean_line("## Formulário - Processo"),
            "Formulário - Processo"
        );
        assert_eq!(clean_line("Colaborador **Data**"), "Colaborador Data");
        assert_eq!(clean_line("Status retenção  "), "Status retenção");
        assert_eq!(clean_line("CPF:\u{a0}529"), "CPF: 529");
        assert_eq!(clean_line("Retenc\u{327}a\u{303}o"), "Retenção");
        assert_eq!(clean_line("\tEndodontia\t43"), "\tEndodontia\t43");
        assert_eq!(clean_line("#hashtag"), "#hashtag");
        assert_eq!(clean_line("☒ Sim ☐ Não  "), "☒ Sim ☐ Não");
        assert_eq!(clean_line("Não\u{a0}"), "Não");
        assert_eq!(clean_line("\u{feff}Formulário"), "Formulário");
        assert_eq!(clean_line("Retenc\u{327}ão"), "Retenção");
        assert_eq!(
            clean_line("  ## 1º contato □ ✔ \u{f0a8}"),
            "1º contato □ ✔ \u{f0a8}"
        );
        assert_eq!(clean_line("Nº **12**"), "Nº 12");
    }

    /// What [`is_plain`] accepts, said char by char.
    fn plain_model(s: &str) -> bool {
        !s.trim_start_matches([' ', '\t']).starts_with('#')
            && !s.contains("**")
            && s.chars().all(|c| {
                matches!(c, ' '..='~' | '\t' | '\u{a1}'..='\u{ff}' | '\u{2610}'..='\u{2613}'
                    | '\u{25a1}' | '\u{2714}' | '\u{f000}'..='\u{f0ff}')
            })
    }

    /// Characters of these exports, and what is not plain (NBSP, controls,
    /// combining accents, other boxes), each about as likely.
    const ALPHABET: &[char] = &[
        ' ', '\t', '#', '*', 'a', 'Z', '0', ':', '\u{7f}', '\u{1}', '\u{a0}', '\u{a1}', '\u{bf}',
        '\u{c0}', '\u{e7}', '\u{ff}', '\u{300}', '\u{327}', '\u{25a0}', '\u{25a1}', '\u{2610}',
        '\u{2612}', '\u{2613}', '\u{2614}', '\u{2713}', '\u{2714}', '\u{f0a8}', '\u{f0fe}',
        '\u{f100}', '\u{feff}', '\u{2028}', '\u{b}', '\u{c}', '\u{3000}', '\u{2003}',
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The byte scan agrees with the model, and a plain line needs no
        /// cleaning.
        #[test]
        fn plain_lines_are_what_the_model_says(
            chars in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..40),
            keep in 0..3u8,
        ) {
            // A third of the lines from all of them; a third from the plain
            // characters, and a third from ASCII only, so that long runs
            // of one byte each (and `**`, `#`, controls in them) are common.
            let s: String = chars
                .into_iter()
                .filter(|&c| match keep {
                    0 => true,
                    1 => plain_model(&c.to_string()) || c == '#' || c == '*',
                    _ => c.is_ascii(),
                })
                .collect();
            proptest::prop_assert_eq!(is_plain(s.as_bytes()), plain_model(&s), "{:?}", s);
            let line = Line::new(1, &s);
            proptest::prop_assert_eq!(line.is_blank(), line.clean.trim().is_empty(), "{:?}", s);
            if is_plain(s.as_bytes()) {
                proptest::prop_assert_eq!(clean_artifacts(&s), s.trim_end_matches(' '));
            }
        }
    }
}
