//! Folding text for matching: compatibility decomposition (NFKD) with the
//! accents dropped, so "Retenção", "Retencao" and a decomposed "Retenc\u{327}a\u{303}o"
//! all read "Retencao"; "Nº" reads "No", full-width letters read as ASCII.
//! Case is left alone: every pattern is compiled case-insensitive.

use std::borrow::Cow;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Appends the folded form of `c` to `out`.
#[inline]
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        // Control characters (junk in an export) do not break a label.
        if !c.is_ascii_control() || c == '\t' {
            out.push(c);
        }
        return;
    }
    // Latin-1 letters, most of what is not ASCII in these forms, by table.
    if ('\u{c0}'..='\u{ff}').contains(&c) {
        let folded = LATIN1[c as usize - 0xc0];
        if folded != '\0' {
            out.push(folded);
            return;
        }
    }
    match c {
        '\u{a0}' | '\u{2007}' | '\u{202f}' => out.push(' '),
        // Marks of checkboxes and symbols keep their identity.
        _ => decompose_compatible(c, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        }),
    }
}

/// U+00C0..=U+00FF without accents; `\0` where the letter does not fold to
/// one ASCII letter (Æ, Ð, ×, Ø, Þ, ß, æ, ð, ÷, ø, þ: decomposed as usual).
const LATIN1: [char; 64] = [
    'A', 'A', 'A', 'A', 'A', 'A', '\0', 'C', 'E', 'E', 'E', 'E', 'I', 'I', 'I', 'I', //
    '\0', 'N', 'O', 'O', 'O', 'O', 'O', '\0', '\0', 'U', 'U', 'U', 'U', 'Y', '\0', '\0', //
    'a', 'a', 'a', 'a', 'a', 'a', '\0', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', //
    '\0', 'n', 'o', 'o', 'o', 'o', 'o', '\0', '\0', 'u', 'u', 'u', 'u', 'y', '\0', 'y',
];

/// `0x01` in each byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (eight bytes, little-endian) that is not
/// printable ASCII: below 0x20 (tabs too) or at or above 0x7f. A flag may
/// carry into the bytes above a flagged one, never below: the lowest flag
/// is a real one.
#[inline]
pub(crate) fn not_printable(x: u64) -> u64 {
    let control = x.wrapping_sub(0x20 * ONES) & !x; // a byte below 0x20
    let high = x | x.wrapping_add(ONES); // a byte at or above 0x7f
    (control | high) & HIGH
}

/// The length of the run of printable ASCII and tabs `b` starts with: the
/// bytes folding and cleaning leave alone. Eight bytes at a time.
#[inline]
pub(crate) fn plain_run(b: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        if not_printable(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) != 0 {
            break;
        }
        i += 8;
    }
    while i < b.len() && ((0x20..0x7f).contains(&b[i]) || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// Folds a whole string (used for template patterns and tests).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// A line folded for matching, with a map from folded byte offsets back to
/// offsets in the original (clean) line.
#[derive(Debug, Clone)]
pub struct Folded<'a> {
    /// Borrows the clean line when folding changes nothing.
    pub text: Cow<'a, str>,
    /// `map[i]` is the clean offset of folded byte `i`; `None` when the
    /// line is ASCII and the offsets are the same.
    map: Option<Vec<u32>>,
}

impl<'a> Folded<'a> {
    /// Folds `clean`, remembering where each folded byte came from.
    pub fn new(clean: &'a str) -> Self {
        let bytes = clean.as_bytes();
        if plain_run(bytes) == bytes.len() {
            return Folded {
                text: Cow::Borrowed(clean),
                map: None,
            };
        }
        let mut text = String::with_capacity(clean.len());
        let mut map: Vec<u32> = Vec::with_capacity(clean.len() + 1);
        let mut at = 0;
        while at < bytes.len() {
            // Runs of plain ASCII and the Latin-1 letters (two bytes, 0xC3
            // first) are most of the text: copied, or one folded byte each.
            let run = at + plain_run(&bytes[at..]);
            if run > at {
                text.push_str(&clean[at..run]);
                map.extend(at as u32..run as u32);
                at = run;
                continue;
            }
            let b = bytes[at];
            if b < 0x80 {
                at += 1; // a control character
                continue;
            }
            if b == 0xc3 {
                let folded = LATIN1[(bytes[at + 1] & 0x3f) as usize];
                if folded != '\0' {
                    text.push(folded);
                    map.push(at as u32);
                    at += 2;
                    continue;
                }
            }
            let c = clean[at..].chars().next().expect("a character starts here");
            let before = text.len();
            fold_char(c, &mut text);
            map.resize(map.len() + text.len() - before, at as u32);
            at += c.len_utf8();
        }
        map.push(clean.len() as u32);
        Folded {
            text: Cow::Owned(text),
            map: Some(map),
        }
    }

    /// The same, owning its text.
    pub fn into_owned(self) -> Folded<'static> {
        Folded {
            text: Cow::Owned(self.text.into_owned()),
            map: self.map,
        }
    }

    /// The folded offset where clean offset `i` (a character start) folds.
    pub fn from_clean(&self, i: usize) -> usize {
        match &self.map {
            None => i,
            Some(map) => map.partition_point(|&m| (m as usize) < i),
        }
    }

    /// The clean offset of folded offset `i` (`i` may be the end).
    #[inline]
    pub fn to_clean(&self, i: usize) -> usize {
        match &self.map {
            None => i,
            Some(map) => map[i] as usize,
        }
    }

    /// The clean offset just past the character that ends at folded `end`.
    pub fn end_to_clean(&self, end: usize) -> usize {
        match &self.map {
            None => end,
            Some(map) => {
                // The first folded byte at or after `end` that belongs to a
                // later clean character marks the end.
                if end == 0 {
                    return 0;
                }
                let last = map[end - 1];
                map[end..]
                    .iter()
                    .copied()
                    .find(|&m| m != last)
                    .unwrap_or(last) as usize
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_ordinals_and_spaces() {
        assert_eq!(
            fold("Formulário - Processo de Retenção"),
            "Formulario - Processo de Retencao"
        );
        assert_eq!(fold("Nº do protocolo"), "No do protocolo");
        assert_eq!(fold("1º contato"), "1o contato");
        assert_eq!(fold("Retenc\u{327}a\u{303}o"), "Retencao");
        assert_eq!(fold("a\u{a0}b"), "a b");
        assert_eq!(fold("ＣＰＦ"), "CPF");
        assert_eq!(fold("☒ Sim ☐ Não"), "☒ Sim ☐ Nao");
        assert_eq!(fold("Colab\u{7}orador\tData"), "Colaborador\tData");
    }

    #[test]
    fn the_latin1_table_agrees_with_decomposition() {
        for c in '\u{c0}'..='\u{ff}' {
            let mut by_table = String::new();
            fold_char(c, &mut by_table);
            let mut decomposed = String::new();
            decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    decomposed.push(d);
                }
            });
            assert_eq!(by_table, decomposed, "{c}");
        }
    }

    #[test]
    fn plain_runs() {
        let run = |s: &str| plain_run(s.as_bytes());
        assert_eq!(run("Colaborador Maria\tData 13/02/2025"), 33);
        assert_eq!(run("Status da retenção"), 15);
        for (i, stop) in ["\u{7f}", "\u{1f}", "\u{0}", "\n", "é", "☒"]
            .iter()
            .enumerate()
        {
            for at in [0, 3, 7, 8, 9, 15, 16, 17] {
                let s = format!("{}{stop}{}", "a".repeat(at), "b".repeat(i + 9));
                assert_eq!(run(&s), at, "{s:?}");
            }
        }
    }

    #[test]
    fn maps_folded_offsets_back() {
        let clean = "Ação Retenção ok";
        let f = Folded::new(clean);
        assert_eq!(f.text, "Acao Retencao ok");
        let start = f.text.find("Retencao").unwrap();
        let end = start + "Retencao".len();
        assert_eq!(&clean[f.to_clean(start)..f.end_to_clean(end)], "Retenção");
        let ok = f.text.find("ok").unwrap();
        assert_eq!(&clean[f.to_clean(ok)..f.end_to_clean(ok + 2)], "ok");
    }
}
