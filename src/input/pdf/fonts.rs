//! Glyphs whose font gives no Unicode (no `ToUnicode` map, no glyph names
//! the interpreter knows): the characters are found the way pdftotext
//! finds them, or the glyph is counted as undecoded, for a warning.
//!
//! 1. An embedded TrueType or OpenType program has its own `cmap` table,
//!    which maps characters to glyphs: read backwards, it names the
//!    character of each glyph (a CID font shown with `Identity-H` and no
//!    `ToUnicode` is the common case).
//! 2. A one-byte code of a font that is not a symbol font is taken as
//!    Windows-1252, which the standard encodings agree with for letters and
//!    digits (and which Type 3 fonts' own glyph names, `a45`, follow).
//!    A CID font's code is a character id: Adobe's map of its collection
//!    (`Adobe-Japan1-UCS2`, …) names the character; Latin-1 would be wrong
//!    text.
//! 3. Otherwise the glyph's character is unknown: a symbol font's glyph
//!    (a Wingdings box drawn without a map) becomes U+FFFD, which reads as
//!    a mark of unknown state, never as a checked or unchecked one; any
//!    other is left out, and counted.

use std::collections::{BTreeMap, HashMap};

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_cmap::{self, BfString, CMap, CMapName};
use skrifa::MetadataProvider;

/// A composite (CID) font without a `ToUnicode` map: its codes are
/// character ids of a character collection, never Latin-1.
#[derive(Debug, Clone)]
pub struct CidFont {
    /// Its `/BaseFont`, without a subset's `ABCDEF+` prefix.
    pub name: String,
    /// Adobe's map of its character collection's ids to Unicode
    /// (`Adobe-Japan1-UCS2`, …), when its codes are the ids
    /// (`Identity-H`/`-V`).
    pub ucs2: Option<CMapName<'static>>,
    /// Its program is in the file (`FontFile2`, `FontFile3`).
    pub embedded: bool,
}

impl CidFont {
    /// The CID fonts of the document's pages that carry no `ToUnicode`.
    pub fn of(pdf: &hayro_syntax::Pdf) -> Vec<CidFont> {
        use hayro_syntax::object::{Array, Dict, Name};
        let mut out: Vec<CidFont> = Vec::new();
        for page in pdf.pages().iter() {
            let fonts = &page.resources().fonts;
            for key in fonts.keys() {
                let Some(font) = fonts.get::<Dict<'_>>(key) else {
                    continue;
                };
                let is_type0 = font
                    .get::<Name<'_>>(b"Subtype")
                    .is_some_and(|n| &*n == b"Type0");
                if !is_type0 || font.contains_key(b"ToUnicode") {
                    continue;
                }
                let name = font
                    .get::<Name<'_>>(b"BaseFont")
                    .map(|n| String::from_utf8_lossy(&n).into_owned())
                    .unwrap_or_default();
                let name = match name.split_once('+') {
                    Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
                    _ => name,
                };
                let identity = font
                    .get::<Name<'_>>(b"Encoding")
                    .is_some_and(|n| n.starts_with(b"Identity"));
                let descendant = font
                    .get::<Array<'_>>(b"DescendantFonts")
                    .and_then(|d| d.iter::<Dict<'_>>().next());
                let embedded = descendant
                    .as_ref()
                    .and_then(|d| d.get::<Dict<'_>>(b"FontDescriptor"))
                    .is_some_and(|d| {
                        [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                            .iter()
                            .any(|k| d.contains_key(k))
                    });
                let ordering = descendant
                    .as_ref()
                    .and_then(|d| d.get::<Dict<'_>>(b"CIDSystemInfo"))
                    .and_then(|i| i.get::<hayro_syntax::object::String<'_>>(b"Ordering"))
                    .map(|o| o.as_bytes().to_vec());
                let ucs2 = match ordering.as_deref() {
                    Some(b"Japan1") => Some(CMapName::AdobeJapan1Ucs2),
                    Some(b"GB1") => Some(CMapName::AdobeGb1Ucs2),
                    Some(b"CNS1") => Some(CMapName::AdobeCns1Ucs2),
                    Some(b"Korea1") => Some(CMapName::AdobeKorea1Ucs2),
                    _ => None,
                };
                if !out.iter().any(|f| f.name == name) {
                    out.push(CidFont {
                        name,
                        ucs2: ucs2.filter(|_| identity),
                        embedded,
                    });
                }
            }
        }
        out
    }
}

/// What is known of each font program met so far.
#[derive(Default)]
pub struct Fallback {
    /// The document's CID fonts without `ToUnicode` (see [`CidFont`]).
    pub cid_fonts: Vec<CidFont>,
    /// Adobe's id-to-Unicode maps, parsed when first needed.
    ucs2: Vec<(CMapName<'static>, Option<CMap>)>,
    /// Glyph → character, by the program's cache key (`None`: the
    /// program has no usable `cmap`).
    programs: HashMap<u128, Option<HashMap<u32, char>>>,
    /// Glyphs that could not be decoded, by font name.
    pub undecoded: BTreeMap<String, usize>,
}

impl Fallback {
    /// The text of a glyph that has no Unicode of its own, if any way
    /// finds it.
    pub fn decode(&mut self, glyph: &Glyph<'_>) -> Option<String> {
        let Glyph::Outline(g) = glyph else {
            // A Type 3 font's glyph names are its own (`a45`, `g3`): the
            // code, as pdftotext reads it.
            return latin1(glyph.char_code()).or_else(|| self.unknown("a Type 3 font", false));
        };
        let data = g.font_data();
        if let Some(font) = &data {
            let map = self
                .programs
                .entry(font.cache_key)
                .or_insert_with(|| reverse_cmap(font.data.as_ref().as_ref()));
            if let Some(c) = map.as_ref().and_then(|m| m.get(&g.glyph_id().to_u32())) {
                return Some(c.to_string());
            }
        }
        let name = data.as_ref().and_then(|f| f.postscript_name.clone());
        let code = g.char_code();
        // A CID font's code is a character id: its text is by Adobe's map
        // of its collection, else unknown (Latin-1 would be wrong text). A
        // glyph with no program data to name its font is of a font not
        // embedded, if the document has such a CID font.
        let cid = match &name {
            Some(n) => self
                .cid_fonts
                .iter()
                .find(|f| f.name.starts_with(n.as_str()) || n.starts_with(f.name.as_str())),
            None => self.cid_fonts.iter().find(|f| !f.embedded),
        };
        let name = name.unwrap_or_else(|| "an unnamed font".into());
        if let Some(ucs2) = cid.map(|f| f.ucs2) {
            let text = ucs2.and_then(|m| self.cid_to_unicode(m, code));
            return text.or_else(|| self.unknown(&name, false));
        }
        let symbolic = is_symbol_font(&name);
        match latin1(code) {
            Some(c) if !symbolic => Some(c),
            _ => self.unknown(&name, symbolic),
        }
    }

    /// The text of a character id by Adobe's map of its collection.
    fn cid_to_unicode(&mut self, map: CMapName<'static>, cid: u32) -> Option<String> {
        let at = match self.ucs2.iter().position(|(n, _)| *n == map) {
            Some(i) => i,
            None => {
                let parsed = hayro_cmap::load_embedded(map)
                    .and_then(|data| CMap::parse(data, hayro_cmap::load_embedded));
                self.ucs2.push((map, parsed));
                self.ucs2.len() - 1
            }
        };
        let text = text_of(self.ucs2[at].1.as_ref()?.lookup_bf_string(cid)?);
        (!text.chars().any(char::is_control)).then_some(text)
    }

    fn unknown(&mut self, font: &str, symbolic: bool) -> Option<String> {
        *self.undecoded.entry(font.to_string()).or_default() += 1;
        symbolic.then(|| '\u{FFFD}'.to_string())
    }

    /// The warning for the glyphs left undecoded, if any.
    pub fn warning(&self) -> Option<String> {
        if self.undecoded.is_empty() {
            return None;
        }
        let fonts: Vec<String> = self
            .undecoded
            .iter()
            .take(5)
            .map(|(font, n)| format!("{n} of {font}"))
            .collect();
        let total: usize = self.undecoded.values().sum();
        Some(format!(
            "{total} {} could not be decoded (their font gives no Unicode): {}{}",
            if total == 1 {
                "character"
            } else {
                "characters"
            },
            fonts.join(", "),
            if self.undecoded.len() > 5 {
                ", …"
            } else {
                ""
            }
        ))
    }
}

/// The text a map gives a code.
pub fn text_of(unicode: BfString) -> String {
    match unicode {
        BfString::Char(c) => c.to_string(),
        BfString::String(s) => s,
    }
}

/// A one-byte code read as Windows-1252 (Latin-1, with the printable
/// characters Windows puts at 0x80–0x9F), if it is a printable character.
fn latin1(code: u32) -> Option<String> {
    let byte = u8::try_from(code)
        .ok()
        .filter(|&b| b > 0x20 && b != 0x7f && b != 0xa0)?;
    let bytes = [byte];
    let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let c = text.chars().next()?;
    (!bad && !c.is_control()).then(|| c.to_string())
}

/// A symbol font by its name: its codes are pictures, not letters.
fn is_symbol_font(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["wingding", "webding", "symbol", "dingbat", "marlett"]
        .iter()
        .any(|s| name.contains(s))
}

/// The character of each glyph of a TrueType, OpenType or CFF program:
/// from its `cmap` (the first character that maps to a glyph wins), else
/// from the glyph's name in its `post` or CFF table (Adobe Glyph List
/// names, and `uniXXXX` / `uXXXX[XX]`).
fn reverse_cmap(data: &[u8]) -> Option<HashMap<u32, char>> {
    let font = skrifa::FontRef::new(data).ok()?;
    let mut map = HashMap::new();
    for (code, gid) in font.charmap().mappings() {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        // A symbol cmap (3,0) puts its glyphs at U+F0xx: not a character.
        if ('\u{E000}'..='\u{F8FF}').contains(&c) || c.is_control() {
            continue;
        }
        map.entry(gid.to_u32()).or_insert(c);
    }
    let names = font.glyph_names();
    if names.source() != skrifa::GlyphNameSource::Synthesized {
        for (gid, name) in names.iter() {
            if let Some(c) = named_char(name.as_str()) {
                map.entry(gid.to_u32()).or_insert(c);
            }
        }
    }
    (!map.is_empty()).then_some(map)
}

/// The character a glyph name stands for, by the Adobe Glyph List.
fn named_char(name: &str) -> Option<char> {
    static NAMES: std::sync::OnceLock<HashMap<&'static str, char>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        glyph_names::GLYPH_NAME_PAIRS
            .iter()
            .map(|&(c, name)| (name, c))
            .collect()
    });
    // "a.sc", "f_i" ligature parts: the name before the first period.
    let base = name.split('.').next().unwrap_or(name);
    if let Some(&c) = names.get(base) {
        return Some(c);
    }
    let hex = base
        .strip_prefix("uni")
        .filter(|h| h.len() == 4)
        .or_else(|| {
            base.strip_prefix('u')
                .filter(|h| (4..=6).contains(&h.len()))
        })?;
    u32::from_str_radix(hex, 16)
        .ok()
        .and_then(char::from_u32)
        .filter(|c| !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_name_their_characters() {
        assert_eq!(named_char("a"), Some('a'));
        assert_eq!(named_char("percent"), Some('%'));
        assert_eq!(named_char("eacute"), Some('é'));
        assert_eq!(named_char("a.sc"), Some('a'));
        assert_eq!(named_char("uni00E7"), Some('ç'));
        assert_eq!(named_char("u1F574"), Some('🕴'));
        assert_eq!(named_char("uni0007"), None);
        assert_eq!(named_char("glyph42"), None);
        assert!(is_symbol_font("ABCDEF+Wingdings-Regular"));
        assert!(!is_symbol_font("Calibri"));
    }
}
