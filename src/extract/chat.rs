//! Chat lines pasted into notes (WhatsApp exports): who wrote what, when.
//!
//! Three shapes are read: `[16:14, 13/02/2025] author: text` (WhatsApp Web,
//! as in the forms), iOS `[13/02/2025, 16:14:05] author: text` and Android
//! `13/02/25 16:14 - author: text`. A line with no timestamp continues the
//! message before it.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// `YYYY-MM-DDTHH:MM` (with `:SS` when the export has seconds).
    pub quando: String,
    pub autor: String,
    pub texto: String,
}

static WEB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?,\s*(?P<d>[0-9]{1,2})/(?P<mo>[0-9]{1,2})/(?P<y>[0-9]{2,4})\]\s*(?P<a>[^:\n]+?):\s?").unwrap()
});
static IOS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[(?P<d>[0-9]{1,2})/(?P<mo>[0-9]{1,2})/(?P<y>[0-9]{2,4}),?\s+(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?\]\s*(?P<a>[^:\n]+?):\s?").unwrap()
});
static ANDROID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<d>[0-9]{1,2})/(?P<mo>[0-9]{1,2})/(?P<y>[0-9]{2,4}),?\s+(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})\s+-\s+(?P<a>[^:\n]+?):\s?").unwrap()
});

/// Parses one line as the start of a message.
pub fn parse_line(line: &str) -> Option<Message> {
    let line = line.trim_start_matches(['\u{200e}', '\u{200f}', ' ']);
    // Every shape starts with "[" or a digit.
    if !line.starts_with(|c: char| c == '[' || c.is_ascii_digit()) {
        return None;
    }
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
        // The text is the rest of the line: no need to walk it in the regex.
        texto: line[c.get(0).map_or(line.len(), |m| m.end())..]
            .trim()
            .to_string(),
    })
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

    #[test]
    fn continuation_lines() {
        let m = messages(["antes", "[16:14, 13/02/2025] A: um", "dois", "", "solto"]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].texto, "um\ndois");
    }
}
