//! Chat lines pasted into notes (WhatsApp exports): who wrote what, when.
//!
//! Three shapes are read: `[16:14, 13/02/2025] author: text` (WhatsApp Web,
//! as in the forms), iOS `[13/02/2025, 16:14:05] author: text` and Android
//! `13/02/25 16:14 - author: text`. A line with no timestamp continues the
//! message before it.

use serde::Serialize;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// `YYYY-MM-DDTHH:MM` (with `:SS` when the export has seconds).
    pub quando: String,
    pub autor: String,
    pub texto: String,
}

/// Parses one line as the start of a message.
///
/// The three shapes are read by hand: a note line is tried at every line
/// of every note, and captures by regex cost 20 times more. The tests hold
/// this to the regexes it replaced (in `tests::reference`):
///
/// - web: `^\[H:MI(:S)?,\s*D/MO/Y\]\s*AUTHOR:`
/// - iOS: `^\[D/MO/Y,?\s+H:MI(:S)?\]\s*AUTHOR:`
/// - Android: `^D/MO/Y,?\s+H:MI\s+-\s+AUTHOR:`
///
/// with H, D and MO one or two digits, MI and S two, Y two to four, and
/// AUTHOR one or more characters other than `:` and a line break.
pub fn parse_line(line: &str) -> Option<Message> {
    let line = line.trim_start_matches(['\u{200e}', '\u{200f}', ' ']);
    let mut c = Cursor { s: line, at: 0 };
    let (time, date, after) = if c.eat(b'[') {
        let web = c.clone();
        match web_stamp(c) {
            Some(found) => found,
            None => ios_stamp(web)?,
        }
    } else {
        android_stamp(c)?
    };
    let (d, mo, y) = date;
    let (h, mi, sec) = time;
    let date = crate::normalize::ymd(d, mo, y)?;
    let (h, mi): (u32, u32) = (h.parse().ok()?, mi.parse().ok()?);
    if h > 23 || mi > 59 {
        return None;
    }
    let mut quando = date;
    quando.push('T');
    crate::normalize::push_padded(&mut quando, h, 2);
    quando.push(':');
    crate::normalize::push_padded(&mut quando, mi, 2);
    if let Some(sec) = sec {
        quando.push(':');
        quando.push_str(sec);
    }
    // The author runs to the first colon, and is not empty.
    let rest = &line[after..];
    let colon = rest.find(':')?;
    let author = &rest[..colon];
    if author.is_empty() || author.contains('\n') {
        return None;
    }
    Some(Message {
        quando,
        autor: author.trim().to_string(),
        texto: rest[colon + 1..].trim().to_string(),
    })
}

/// Hours, minutes and maybe seconds; day, month and year; where the author
/// may start.
type Stamp<'a> = (
    (&'a str, &'a str, Option<&'a str>),
    (&'a str, &'a str, &'a str),
    usize,
);

/// `H:MI(:S)?,\s*D/MO/Y]` after the `[`.
fn web_stamp(mut c: Cursor<'_>) -> Option<Stamp<'_>> {
    let time = c.time()?;
    if !c.eat(b',') {
        return None;
    }
    c.spaces();
    let date = c.date()?;
    c.eat(b']').then_some((time, date, c.at))
}

/// `D/MO/Y,?\s+H:MI(:S)?]` after the `[`.
fn ios_stamp(mut c: Cursor<'_>) -> Option<Stamp<'_>> {
    let date = c.date_and_spaces()?;
    let time = c.time()?;
    c.eat(b']').then_some((time, date, c.at))
}

/// `D/MO/Y,?\s+H:MI\s+-\s+` (the author needs one space after the dash).
fn android_stamp(mut c: Cursor<'_>) -> Option<Stamp<'_>> {
    let date = c.date_and_spaces()?;
    let time = c.time().filter(|(_, _, seconds)| seconds.is_none())?;
    if c.spaces() == 0 || !c.eat(b'-') {
        return None;
    }
    // `\s+` then the author: the first space is the dash's, any more may
    // be the author's own (it is trimmed).
    let first = c.s[c.at..].chars().next().filter(|ch| ch.is_whitespace())?;
    Some((time, date, c.at + first.len_utf8()))
}

#[derive(Clone)]
struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, b: u8) -> bool {
        let yes = self.s.as_bytes().get(self.at) == Some(&b);
        self.at += yes as usize;
        yes
    }

    /// A whole run of ASCII digits, `min` to `max` of them.
    fn digits(&mut self, min: usize, max: usize) -> Option<&'a str> {
        let run = self.s.as_bytes()[self.at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        (min..=max).contains(&run).then(|| {
            self.at += run;
            &self.s[self.at - run..self.at]
        })
    }

    /// Skips whitespace (as regex's `\s`: Unicode White_Space); how many
    /// characters.
    fn spaces(&mut self) -> usize {
        let mut n = 0;
        for ch in self.s[self.at..].chars() {
            if !ch.is_whitespace() {
                break;
            }
            self.at += ch.len_utf8();
            n += 1;
        }
        n
    }

    /// `H:MI(:S)?`.
    fn time(&mut self) -> Option<(&'a str, &'a str, Option<&'a str>)> {
        let h = self.digits(1, 2)?;
        if !self.eat(b':') {
            return None;
        }
        let mi = self.digits(2, 2)?;
        let s = if self.eat(b':') {
            Some(self.digits(2, 2)?)
        } else {
            None
        };
        Some((h, mi, s))
    }

    /// `D/MO/Y,?\s+`: the date of the iOS and Android shapes.
    fn date_and_spaces(&mut self) -> Option<(&'a str, &'a str, &'a str)> {
        let date = self.date()?;
        self.eat(b',');
        (self.spaces() > 0).then_some(date)
    }

    /// `D/MO/Y`.
    fn date(&mut self) -> Option<(&'a str, &'a str, &'a str)> {
        let d = self.digits(1, 2)?;
        if !self.eat(b'/') {
            return None;
        }
        let mo = self.digits(1, 2)?;
        if !self.eat(b'/') {
            return None;
        }
        Some((d, mo, self.digits(2, 4)?))
    }
}

/// The messages in a block of text lines (`""` is a paragraph break, which
/// ends a message).
pub fn messages<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Message> {
    let mut out: Vec<Message> = Vec::new();
    let mut open = false;
    for line in lines {
        if let Some(m) = parse_line(line) {
            out.push(m);
            open = true;
        } else if line.trim().is_empty() {
            open = false;
        } else if open {
            let last = out.last_mut().expect("open implies a message");
            last.texto.push('\n');
            last.texto.push_str(line.trim());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_three_shapes() {
        let web = parse_line("[16:14, 13/02/2025] +55 51 9740-3933: Boa tarde").unwrap();
        assert_eq!(web.quando, "2025-02-13T16:14");
        assert_eq!(web.autor, "+55 51 9740-3933");
        assert_eq!(web.texto, "Boa tarde");
        let ios = parse_line("\u{200e}[13/02/2025, 16:14:05] Dra. Milena: Olá").unwrap();
        assert_eq!(ios.quando, "2025-02-13T16:14:05");
        assert_eq!(ios.autor, "Dra. Milena");
        let android = parse_line("13/02/25 16:14 - Maria: ok").unwrap();
        assert_eq!(android.quando, "2025-02-13T16:14");
        assert_eq!(android.autor, "Maria");
    }

    #[test]
    fn not_messages() {
        assert!(parse_line("Mensagem: Boa tarde,").is_none());
        assert!(parse_line("Editada 11:28 ✓").is_none());
        assert!(parse_line("[16:14, 31/02/2025] x: y").is_none());
    }

    /// The regexes the hand parser replaced, as the reference it is held to.
    mod reference {
        use super::super::Message;
        use regex::Regex;
        use std::sync::LazyLock;

        static WEB: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\[(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?,\s*(?P<d>[0-9]{1,2})/(?P<mo>[0-9]{1,2})/(?P<y>[0-9]{2,4})\]\s*(?P<a>[^:\n]+?):\s?").unwrap()
        });
        static IOS: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\[(?P<d>[0-9]{1,2})/(?P<mo>[0-9]{1,2})/(?P<y>[0-9]{2,4}),?\s+(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?\]\s*(?P<a>[^:\n]+?):\s?").unwrap()
        });
        static ANDROID: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(?P<d>[0-9]{1,2})/(?P<mo>[0-9]{1,2})/(?P<y>[0-9]{2,4}),?\s+(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})\s+-\s+(?P<a>[^:\n]+?):\s?").unwrap()
        });

        pub fn parse_line(line: &str) -> Option<Message> {
            let line = line.trim_start_matches(['\u{200e}', '\u{200f}', ' ']);
            let c = if line.starts_with('[') {
                WEB.captures(line).or_else(|| IOS.captures(line))?
            } else {
                ANDROID.captures(line)?
            };
            let date = crate::normalize::ymd(&c["d"], &c["mo"], &c["y"])?;
            let (h, mi): (u32, u32) = (c["h"].parse().ok()?, c["mi"].parse().ok()?);
            if h > 23 || mi > 59 {
                return None;
            }
            let mut quando = format!("{date}T{h:02}:{mi:02}");
            if let Some(s) = c.name("s") {
                quando.push(':');
                quando.push_str(s.as_str());
            }
            Some(Message {
                quando,
                autor: c["a"].trim().to_string(),
                texto: line[c.get(0).unwrap().end()..].trim().to_string(),
            })
        }
    }

    /// Header-like lines: pieces of the three shapes, shuffled.
    fn header_like() -> impl Strategy<Value = String> {
        let fixed = prop::sample::select(vec![
            "[",
            "]",
            ",",
            ", ",
            ":",
            "/",
            " - ",
            " ",
            "  ",
            "\u{a0}",
            "\u{202f}",
            "\u{200e}",
            "-",
            "13/02/2025",
            "16:14",
            "16:14:05",
            "13/02/25",
            "+55 51 9740-3933",
            "\n",
        ])
        .prop_map(String::from);
        let piece = prop_oneof![fixed, "[0-9]{1,5}", "[a-zA-Zç ]{0,6}"];
        prop::collection::vec(piece, 0..14).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn hand_parser_agrees_with_the_regexes(line in header_like()) {
            prop_assert_eq!(parse_line(&line), reference::parse_line(&line));
        }

        #[test]
        fn hand_parser_agrees_on_well_formed_shapes(
            h in 0u32..30, mi in 0u32..70, d in 0u32..35, mo in 0u32..14,
            y in prop_oneof![0u32..100, 1990u32..2030],
            sep in prop::sample::select(vec![" ", "\u{202f}", ""]),
            author in "[ a-zA-Z+0-9:-]{0,8}", shape in 0..3,
        ) {
            let line = match shape {
                0 => format!("[{h}:{mi:02},{sep}{d}/{mo}/{y}]{sep}{author}: texto"),
                1 => format!("[{d}/{mo:02}/{y},{sep}{h:02}:{mi:02}:07]{author}: texto"),
                _ => format!("{d:02}/{mo}/{y}{sep}{h}:{mi:02}{sep}-{sep}{author}: texto"),
            };
            prop_assert_eq!(parse_line(&line), reference::parse_line(&line));
        }
    }

    #[test]
    fn continuation_lines() {
        let m = messages(["antes", "[16:14, 13/02/2025] A: um", "dois", "", "solto"]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].texto, "um\ndois");
    }
}
