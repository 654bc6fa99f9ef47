//! Turning the bytes of a text export into a string: BOMs, UTF-16, legacy
//! Windows-1252 / ISO-8859-1, and refusing files that are not text.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a file, with what a reviewer should know about it.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were read as (`"UTF-8"`, `"windows-1252"`...).
    pub encoding: &'static str,
    /// A note for the record when the encoding was guessed or repaired:
    /// `(code, message)`.
    pub warning: Option<(&'static str, String)>,
}

/// Why a file is not text.
#[derive(Debug, PartialEq, Eq)]
pub struct NotText {
    pub code: &'static str,
    pub message: String,
}

/// Decodes `bytes`: BOM first, then UTF-16 by its NUL pattern, then strict
/// UTF-8, then a detected legacy encoding.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            warning: had_errors.then(|| {
                (
                    "encoding_repaired",
                    format!("invalid {} sequences replaced by U+FFFD", enc.name()),
                )
            }),
        });
    }
    if memchr_nul(bytes) {
        return decode_utf16_without_bom(bytes);
    }
    // simdutf8 checks UTF-8 sixteen and more bytes at a time (the standard
    // library's check was 2% of the work on a form).
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) if looks_double_encoded(s) => Ok(repair_double_encoding(s)),
        Ok(s) => Ok(Decoded {
            text: s.to_string(),
            encoding: UTF_8.name(),
            warning: None,
        }),
        Err(_) => Ok(decode_legacy(bytes)),
    }
}

/// UTF-8 read as Windows-1252 and saved as UTF-8 again: "RetenÃ§Ã£o".
fn looks_double_encoded(s: &str) -> bool {
    const HIGH_1252: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
    let b = s.as_bytes();
    let mut hits = 0;
    // 'Ã', 'Â' and 'â' are C3 83, C3 82 and C3 A2 in UTF-8.
    for i in memchr::memchr_iter(0xc3, b) {
        if !matches!(b.get(i + 1), Some(0x82 | 0x83 | 0xa2)) {
            continue;
        }
        let next_is_continuation = s[i + 2..]
            .chars()
            .next()
            .is_some_and(|n| ('\u{80}'..='\u{bf}').contains(&n) || HIGH_1252.contains(n));
        if next_is_continuation {
            hits += 1;
            if hits >= 2 {
                return true;
            }
        }
    }
    false
}

/// Undoes double encoding when the whole text goes back to valid UTF-8;
/// otherwise keeps the text and warns.
fn repair_double_encoding(s: &str) -> Decoded {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(s);
    if !unmappable {
        if let Ok(fixed) = String::from_utf8(bytes.into_owned()) {
            if !looks_double_encoded(&fixed) {
                return Decoded {
                    text: fixed,
                    encoding: UTF_8.name(),
                    warning: Some((
                        "encoding_repaired",
                        "double-encoded UTF-8 (\"Ã§\" for \"ç\"): decoded once more".into(),
                    )),
                };
            }
        }
    }
    Decoded {
        text: s.to_string(),
        encoding: UTF_8.name(),
        warning: Some((
            "mojibake",
            "the text looks double-encoded (\"Ã§\" for \"ç\") and could not be repaired: labels may be missed".into(),
        )),
    }
}

fn memchr_nul(bytes: &[u8]) -> bool {
    memchr::memchr(0, bytes).is_some()
}

/// The positions of the bytes above ASCII, found eight bytes at a time.
fn non_ascii(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    use super::fold::HIGH;
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(chunk) = bytes.get(at..at + 8) {
            let high = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & HIGH;
            if high != 0 {
                let i = at + high.trailing_zeros() as usize / 8;
                at = i + 1;
                return Some(i);
            }
            at += 8;
        }
        let i = at + bytes.get(at..)?.iter().position(|b| !b.is_ascii())?;
        at = i + 1;
        Some(i)
    })
}

/// UTF-16 without a BOM shows as NUL bytes in every other position.
fn decode_utf16_without_bom(bytes: &[u8]) -> Result<Decoded, NotText> {
    let sample = &bytes[..bytes.len().min(4096)];
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    let enc = if odd_nuls * 10 >= half * 7 && even_nuls * 10 < half {
        UTF_16LE
    } else if even_nuls * 10 >= half * 7 && odd_nuls * 10 < half {
        UTF_16BE
    } else {
        return Err(NotText {
            code: "not_text",
            message: "binary data (NUL bytes), not a text export".into(),
        });
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        warning: Some((
            "encoding_guessed",
            format!("no byte order mark: read as {}", enc.name()),
        )),
    })
}

/// Bytes that are not UTF-8. A file that is UTF-8 but for a few stray bytes
/// stays UTF-8 (decoding it whole as 1252 would garble its ☒); otherwise the
/// encoding is detected, with Brazil as the hint.
fn decode_legacy(bytes: &[u8]) -> Decoded {
    let (valid_multibyte, invalid) = utf8_profile(bytes);
    if valid_multibyte > 0 && invalid * 4 <= valid_multibyte {
        let (text, _) = UTF_8.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: UTF_8.name(),
            warning: Some((
                "encoding_repaired",
                format!("mostly UTF-8 with {invalid} invalid byte sequence(s), replaced by U+FFFD"),
            )),
        };
    }
    let enc = if reads_as_portuguese_1252(bytes) {
        encoding_rs::WINDOWS_1252
    } else {
        detect(bytes)
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        warning: Some((
            "encoding_guessed",
            format!("not UTF-8: read as {}", enc.name()),
        )),
    }
}

/// The encoding chardetng finds, Brazil being the hint; never UTF-8 (the
/// bytes are not).
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&non_ascii_sample(bytes), true);
    match detector.guess(Some(b"br"), true) {
        enc if enc == UTF_8 => encoding_rs::WINDOWS_1252,
        enc => enc,
    }
}

/// True when every byte above ASCII is, in Windows-1252, a letter of
/// Portuguese next to another letter (á, ç, õ...), an ordinal (º ª), a
/// degree sign, a typographic quote or dash, or a Wingdings box as Word
/// exports it (þ ý ¨). Such text is Windows-1252 (what the detector finds
/// too, at a hundred times the cost); anything else goes to the detector.
fn reads_as_portuguese_1252(bytes: &[u8]) -> bool {
    const LETTERS: &[u8] = b"\xc0\xc1\xc2\xc3\xc7\xc9\xca\xcd\xd3\xd4\xd5\xda\xdc\
        \xe0\xe1\xe2\xe3\xe7\xe9\xea\xed\xf3\xf4\xf5\xfa\xfc";
    const SIGNS: &[u8] = b"\xaa\xba\xb0\x91\x92\x93\x94\x96\x97\xfe\xfd\xa8";
    let letter =
        |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_alphabetic() || LETTERS.contains(&b));
    let mut any = false;
    for i in non_ascii(bytes) {
        let b = bytes[i];
        any = true;
        let in_word = LETTERS.contains(&b)
            && (letter(i.checked_sub(1).and_then(|j| bytes.get(j))) || letter(bytes.get(i + 1)));
        if !in_word && !SIGNS.contains(&b) {
            return false;
        }
    }
    any
}

/// What the detector needs to see: the bytes around the non-ASCII ones
/// (at most about 256 bytes), not pages of ASCII.
fn non_ascii_sample(bytes: &[u8]) -> Vec<u8> {
    let mut sample = Vec::with_capacity(256);
    let mut last_end = 0;
    for i in non_ascii(bytes) {
        if sample.len() >= 256 {
            break;
        }
        let (from, to) = (
            i.saturating_sub(12).max(last_end),
            (i + 12).min(bytes.len()),
        );
        if from < to {
            if from > last_end {
                sample.push(b' ');
            }
            sample.extend_from_slice(&bytes[from..to]);
            last_end = to;
        }
    }
    sample
}

/// Counts valid multi-byte UTF-8 sequences and invalid ones.
fn utf8_profile(bytes: &[u8]) -> (usize, usize) {
    // In valid UTF-8 each multi-byte character has one lead byte (C2..F4),
    // and no other byte is C0 or above.
    utf8_stretches(bytes, |valid| valid.iter().filter(|&&b| b >= 0xc0).count())
}

/// Walks `bytes` as stretches of valid UTF-8 between invalid sequences:
/// the sum of `count` over the stretches, and how many invalid sequences.
fn utf8_stretches(mut bytes: &[u8], count: impl Fn(&[u8]) -> usize) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => return (valid + count(bytes), invalid),
            Err(e) => {
                let good = e.valid_up_to();
                valid += count(&bytes[..good]);
                invalid += 1;
                let skip = good + e.error_len().unwrap_or(bytes.len() - good).max(1);
                bytes = &bytes[skip.min(bytes.len())..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("Retenção".as_bytes()).unwrap().text, "Retenção");
        let d = decode(b"\xEF\xBB\xBFRet\xC3\xA7").unwrap();
        assert_eq!(d.text, "Retç");
        assert!(d.warning.is_none());
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Não ☒".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode(&le).unwrap().text, "Não ☒");
        let be: Vec<u8> = "Processo de Retenção"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let d = decode(&be).unwrap();
        assert_eq!(d.text, "Processo de Retenção");
        assert_eq!(d.encoding, "UTF-16BE");
        assert!(d.warning.is_some());
    }

    #[test]
    fn windows_1252_is_detected_and_noted() {
        let d =
            decode(b"Formul\xe1rio - Processo de Reten\xe7\xe3o\n\xfe Sim \xa8 N\xe3o").unwrap();
        assert_eq!(d.text, "Formulário - Processo de Retenção\nþ Sim ¨ Não");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.warning.unwrap(),
            (
                "encoding_guessed",
                "not UTF-8: read as windows-1252".to_string()
            )
        );
    }

    #[test]
    fn portuguese_1252_is_what_the_detector_finds() {
        // The shortcut takes these files; the detector agrees on each.
        for name in ["v1-cp1252-crlf", "v2-cp1252-crlf", "v3-cp1252-crlf"] {
            let path = format!("{}/fixtures/filled/{name}.txt", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(path).unwrap();
            assert!(reads_as_portuguese_1252(&bytes), "{name}");
            assert_eq!(detect(&bytes), encoding_rs::WINDOWS_1252, "{name}");
        }
        assert!(reads_as_portuguese_1252(
            b"N\xba 12 \xfe Sim \xa8 N\xe3o \x93ok\x94"
        ));
        // Not Portuguese letters: left to the detector.
        let cyrillic = b"\xcf\xf0\xee\xf6\xe5\xf1\xf1 \xf3\xe4\xe5\xf0\xe6\xe0\xed\xe8\xff";
        assert!(!reads_as_portuguese_1252(cyrillic));
        assert_eq!(decode(cyrillic).unwrap().encoding, "windows-1251");
        // A lone accented byte between digits is no word.
        assert!(!reads_as_portuguese_1252(b"12\xe334"));
        assert!(!reads_as_portuguese_1252(b"only ASCII"));
    }

    #[test]
    fn mostly_utf8_keeps_its_marks() {
        let mut b = "☒ Sim ☐ Não ação ".as_bytes().to_vec();
        b.push(0xE9);
        let d = decode(&b).unwrap();
        assert!(d.text.starts_with("☒ Sim ☐ Não"));
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.warning.unwrap().1.contains("1 invalid"));
    }

    #[test]
    fn double_encoded_utf8_is_repaired_and_noted() {
        let good = "Formulário - Processo de Retenção ☐";
        let twice: String = good
            .bytes()
            .map(|b| {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&[b])
                    .0
                    .into_owned()
            })
            .collect();
        assert!(twice.starts_with("FormulÃ¡rio"));
        let d = decode(twice.as_bytes()).unwrap();
        assert_eq!(d.text, good);
        assert_eq!(d.warning.unwrap().0, "encoding_repaired");
        // Mixed with text that cannot go back: kept, and warned.
        let mixed = format!("{twice} e ☒ correto");
        let d = decode(mixed.as_bytes()).unwrap();
        assert_eq!(d.text, mixed);
        assert_eq!(d.warning.unwrap().0, "mojibake");
        assert!(decode("Não, Ângela, Âmbar".as_bytes())
            .unwrap()
            .warning
            .is_none());
    }

    #[test]
    fn nul_bytes_that_are_not_utf16_are_not_text() {
        let e = decode(b"\x00\x01\x02PK\x03\x04\x00\x00\x00\xff\x00").unwrap_err();
        assert_eq!(e.code, "not_text");
    }

    /// [`utf8_profile`] said the plain way: each valid stretch's characters.
    fn utf8_profile_model(bytes: &[u8]) -> (usize, usize) {
        utf8_stretches(bytes, |valid| {
            let s = std::str::from_utf8(valid).expect("a valid stretch");
            s.chars().filter(|c| !c.is_ascii()).count()
        })
    }

    /// Pieces of text as these files hold them: ASCII runs, UTF-8
    /// characters, Windows-1252 bytes, stray continuation bytes, NULs.
    fn pieces() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            "[ -~]{0,20}".prop_map(String::into_bytes),
            "[ç ã é º ☒ ☐ \u{1F600}]".prop_map(String::into_bytes),
            proptest::sample::select(vec![
                0xe7u8, 0xe3, 0xba, 0xfe, 0xa8, 0x80, 0xbf, 0xc3, 0xf0, 0xff, 0x00
            ])
            .prop_map(|b| vec![b]),
        ];
        proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The fast scans agree with plain ones: where the bytes above
        /// ASCII are, and how many characters are valid or not.
        #[test]
        fn scans_agree_with_plain_ones(bytes in pieces()) {
            let plain: Vec<usize> = (0..bytes.len()).filter(|&i| !bytes[i].is_ascii()).collect();
            proptest::prop_assert_eq!(non_ascii(&bytes).collect::<Vec<_>>(), plain);
            proptest::prop_assert_eq!(utf8_profile(&bytes), utf8_profile_model(&bytes));
            proptest::prop_assert_eq!(memchr_nul(&bytes), bytes.contains(&0));
        }
    }
}
