//! Splitting decoded text into numbered lines and cleaning each one of
//! export artifacts: markdown bold and headings, the two trailing spaces of a
//! markdown line break, non-breaking spaces, decomposed accents.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::fold::Folded;

/// One input line, cleaned for values and folded for matching.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number in the file.
    pub no: usize,
    /// The line without export artifacts; values are cut from here.
    pub clean: String,
    /// The clean line folded for matching labels.
    pub folded: Folded,
    /// The line runs to the margin and its text goes on in the next line
    /// (PDF text marks such lines with U+2028).
    pub wraps: bool,
}

impl Line {
    /// Builds a line from raw text.
    pub fn new(no: usize, raw: &str) -> Line {
        let wraps = raw.ends_with('\u{2028}');
        let clean = clean_line(raw.trim_end_matches('\u{2028}'));
        let folded = Folded::new(&clean);
        Line {
            no,
            clean,
            folded,
            wraps,
        }
    }

    /// True when the line holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        self.clean.trim().is_empty()
    }
}

/// Splits text into lines on `\r\n`, `\n` or a bare `\r`, numbered from 1.
pub fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::with_capacity(text.len() / 40 + 1);
    let bytes = text.as_bytes();
    let (mut start, mut i, mut no) = (0, 0, 1);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(Line::new(no, &text[start..i]));
                no += 1;
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(Line::new(no, &text[start..i]));
                no += 1;
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        lines.push(Line::new(no, &text[start..]));
    }
    lines
}

/// Removes export artifacts from one line; keeps leading white space and
/// tabs, which separate table cells.
pub fn clean_line(raw: &str) -> String {
    // Most lines: printable ASCII, Latin-1 letters and checkboxes, with
    // nothing to remove but trailing spaces.
    let plain =
        is_plain(raw.as_bytes()) && !raw.contains("**") && !raw.trim_start().starts_with('#');
    if plain {
        return raw.trim_end_matches(' ').to_string();
    }
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

/// True when `b` holds only printable ASCII, tabs, the letters U+00C0 to
/// U+00FF and the ballot boxes ☐☑☒☓: text already in NFC with nothing to
/// replace (no NBSP, no BOM, no combining mark).
fn is_plain(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0x20..=0x7e | b'\t' => i += 1,
            0xc3 => i += 2,
            0xe2 if b.get(i + 1) == Some(&0x98) && matches!(b.get(i + 2), Some(0x90..=0x93)) => {
                i += 3
            }
            _ => return false,
        }
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
        let got: Vec<(usize, &str)> = lines.iter().map(|l| (l.no, l.clean.as_str())).collect();
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
    }
}
