//! The XML of office parts as a stream of simple events, with namespaces
//! resolved, text unescaped, and limits that hold on hostile input.
//!
//! quick-xml does not expand a DOCTYPE's entities and fetches nothing; an
//! entity reference other than the five of XML and character references is
//! dropped here (its text is never known). Nesting deeper than
//! [`MAX_DEPTH`] is refused: no form is built that deep, and the readers'
//! stacks stay small.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

use super::Failure;

/// Elements nested deeper than this are refused.
pub const MAX_DEPTH: usize = 2_000;

/// A part declaring more namespaces than this is refused (Word declares
/// about 30 on its root element).
pub const MAX_NAMESPACES: usize = 1_000;

/// The namespaces the readers look at; every other is [`Ns::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// WordprocessingML (transitional and strict).
    W,
    /// Word 2010 (`w14:checkbox`).
    W14,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// ODF text, table, drawing, form, office, and LibreOffice's extensions.
    Text,
    Table,
    Draw,
    Form,
    Office,
    Svg,
    Style,
    Field,
    LoExt,
    Other,
}

fn ns_of(uri: &[u8]) -> Ns {
    match uri {
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | b"http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
        b"http://schemas.microsoft.com/office/word/2010/wordml" => Ns::W14,
        b"http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
        b"urn:oasis:names:tc:opendocument:xmlns:text:1.0" => Ns::Text,
        b"urn:oasis:names:tc:opendocument:xmlns:table:1.0" => Ns::Table,
        b"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" => Ns::Draw,
        b"urn:oasis:names:tc:opendocument:xmlns:form:1.0" => Ns::Form,
        b"urn:oasis:names:tc:opendocument:xmlns:office:1.0" => Ns::Office,
        b"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" => Ns::Svg,
        b"urn:oasis:names:tc:opendocument:xmlns:style:1.0" => Ns::Style,
        b"urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0" => Ns::Field,
        b"urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" => Ns::LoExt,
        _ => Ns::Other,
    }
}

/// One event of a part.
#[derive(Debug)]
pub enum Ev {
    /// An element starts (empty elements give `Start` then `End`).
    Start(Element),
    End {
        ns: Ns,
        local: Vec<u8>,
    },
    Text(String),
    Eof,
}

/// An element's name and attributes.
#[derive(Debug)]
pub struct Element {
    pub ns: Ns,
    pub local: Vec<u8>,
    /// Attributes as (namespace, local name, unescaped value).
    attrs: Vec<(Ns, Vec<u8>, String)>,
}

impl Element {
    /// The value of attribute `ns:local` (an attribute without a prefix
    /// has the element's namespace, as office formats use them).
    pub fn attr(&self, ns: Ns, local: &[u8]) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| *n == ns && l == local)
            .map(|(_, _, v)| v.as_str())
    }
}

/// A part being read.
pub struct Reader<'a> {
    inner: NsReader<&'a [u8]>,
    part: String,
    depth: usize,
    /// Namespace declarations met so far.
    namespaces: usize,
    code: &'static str,
}

impl<'a> Reader<'a> {
    /// Reads `text`, the part named `part`; failures get `code`.
    pub fn new(text: &'a str, part: &str, code: &'static str) -> Reader<'a> {
        let mut inner = NsReader::from_reader(text.as_bytes());
        let config = inner.config_mut();
        config.expand_empty_elements = true;
        config.trim_text(false);
        config.check_end_names = true;
        Reader {
            inner,
            part: part.to_string(),
            depth: 0,
            namespaces: 0,
            code,
        }
    }

    /// The next event.
    pub fn event(&mut self) -> Result<Ev, Failure> {
        loop {
            let (ns, event) = match self.inner.read_resolved_event() {
                Ok((resolved, event)) => (ns_of_resolved(&resolved), event),
                Err(e) => return Err(self.fail(&e.to_string())),
            };
            match event {
                Event::Start(start) => {
                    self.depth += 1;
                    // Every name is looked up among the namespaces in scope:
                    // thousands of them would make each lookup slow.
                    let declared = start
                        .attributes()
                        .with_checks(false)
                        .filter_map(Result::ok)
                        .filter(|a| a.key.as_ref().starts_with(b"xmlns"))
                        .count();
                    self.namespaces += declared;
                    if self.namespaces > MAX_NAMESPACES {
                        return Err(Failure::new(
                            self.code,
                            format!(
                                "{} declares more than {MAX_NAMESPACES} namespaces",
                                self.part
                            ),
                        ));
                    }
                    if self.depth > MAX_DEPTH {
                        return Err(Failure::new(
                            self.code,
                            format!("{} nests elements more than {MAX_DEPTH} deep", self.part),
                        ));
                    }
                    return Ok(Ev::Start(self.element(ns, start)));
                }
                Event::End(end) => {
                    self.depth = self.depth.saturating_sub(1);
                    let local = end.local_name().as_ref().to_vec();
                    return Ok(Ev::End { ns, local });
                }
                Event::Text(t) => {
                    let raw = std::str::from_utf8(t.as_ref()).unwrap_or_default();
                    return Ok(Ev::Text(unescape(raw)));
                }
                Event::CData(c) => {
                    return Ok(Ev::Text(String::from_utf8_lossy(c.as_ref()).into_owned()))
                }
                Event::Eof => return Ok(Ev::Eof),
                // Declarations, comments, processing instructions, DOCTYPE.
                _ => continue,
            }
        }
    }

    fn element(&self, ns: Ns, start: BytesStart) -> Element {
        let local = start.local_name().as_ref().to_vec();
        let attrs = start
            .attributes()
            .with_checks(false)
            .filter_map(Result::ok)
            // Namespace declarations are the reader's business, not ours.
            .filter(|a| {
                let k = a.key.as_ref();
                !(k == b"xmlns" || k.starts_with(b"xmlns:"))
            })
            .map(|a| {
                let (r, l) = self.inner.resolve_attribute(a.key);
                let ans = match r {
                    ResolveResult::Unbound => ns,
                    r => ns_of_resolved(&r),
                };
                let value = unescape(std::str::from_utf8(&a.value).unwrap_or_default());
                (ans, l.as_ref().to_vec(), value)
            })
            .collect();
        Element { ns, local, attrs }
    }

    /// Skips the rest of the element just started, with all it holds.
    pub fn skip(&mut self) -> Result<(), Failure> {
        let target = self.depth - 1;
        while self.depth > target {
            if let Ev::Eof = self.event()? {
                break;
            }
        }
        Ok(())
    }

    /// The text of the element just started, up to its end (nested
    /// elements' text included).
    pub fn text(&mut self) -> Result<String, Failure> {
        let target = self.depth - 1;
        let mut out = String::new();
        while self.depth > target {
            match self.event()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    fn fail(&self, why: &str) -> Failure {
        Failure::new(
            self.code,
            format!(
                "{} is not well-formed XML near byte {}: {}",
                self.part,
                self.inner.buffer_position(),
                why.lines().next().unwrap_or(why)
            ),
        )
    }
}

/// What a reader does with the events of a part.
pub trait Handler {
    /// An element starts; the reader may skip it or read its text.
    fn start(&mut self, e: &Element, xml: &mut Reader) -> Result<(), Failure>;
    fn end(&mut self, ns: Ns, local: &[u8]);
    fn text(&mut self, t: &str);
}

/// Feeds every event of the part `name` to `h`; failures get `code`.
pub fn read_part(
    text: &str,
    name: &str,
    code: &'static str,
    h: &mut impl Handler,
) -> Result<(), Failure> {
    let mut xml = Reader::new(text, name, code);
    loop {
        match xml.event()? {
            Ev::Start(e) => h.start(&e, &mut xml)?,
            Ev::End { ns, local } => h.end(ns, &local),
            Ev::Text(t) => h.text(&t),
            Ev::Eof => return Ok(()),
        }
    }
}

fn ns_of_resolved(r: &ResolveResult) -> Ns {
    match r {
        ResolveResult::Bound(Namespace(uri)) => ns_of(uri),
        _ => Ns::Other,
    }
}

/// XML's five entities and character references; any other entity is
/// dropped (a DOCTYPE's entities are never expanded).
pub fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // An entity name is short: look for its `;` in the next bytes only
        // (bytes, not chars: a cut inside a letter must not split it).
        let near = &rest.as_bytes()[..rest.len().min(40)];
        let Some(end) = memchr::memchr(b';', near) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let ch = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        if let Some(c) = ch {
            out.push(c);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The relationships of a `.rels` part: `(type, target resolved against
/// base_dir)`, external targets left out.
pub fn relationships(rels: &str, base_dir: &str) -> Vec<(String, String)> {
    let mut reader = Reader::new(rels, "relationships", "docx_invalid");
    let mut out = Vec::new();
    while let Ok(ev) = reader.event() {
        match ev {
            Ev::Start(e) if e.local == b"Relationship" => {
                if e.attr(e.ns, b"TargetMode") == Some("External") {
                    continue;
                }
                if let (Some(kind), Some(target)) = (e.attr(e.ns, b"Type"), e.attr(e.ns, b"Target"))
                {
                    out.push((kind.to_string(), super::resolve(base_dir, target)));
                }
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_other_than_xmls_own_are_dropped() {
        assert_eq!(unescape("a &lt;b&gt; &amp; &#233;&#x2612;"), "a <b> & é☒");
        assert_eq!(unescape("x&ext;y&lol9;z"), "xyz");
        assert_eq!(unescape("AT&T"), "AT&T");
        // A multi-byte letter across the look-ahead's end.
        let firm = "Souza &amp; Filhos Comércio de Acessórios São Paulo";
        assert_eq!(
            unescape(firm),
            "Souza & Filhos Comércio de Acessórios São Paulo"
        );
        for i in 0..50 {
            let s = format!("{}&{}ã;", "x".repeat(i % 3), "é".repeat(i));
            let _ = unescape(&s);
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 5),
            "</a>".repeat(MAX_DEPTH + 5)
        );
        let mut r = Reader::new(&deep, "word/document.xml", "docx_invalid");
        let err = loop {
            match r.event() {
                Err(e) => break e,
                Ok(Ev::Eof) => panic!("read to the end"),
                Ok(_) => {}
            }
        };
        assert_eq!(err.code, "docx_invalid");
        assert!(err.message.contains("deep"), "{}", err.message);
    }

    #[test]
    fn broken_xml_names_the_part() {
        let mut r = Reader::new("<a><b></a>", "word/document.xml", "docx_invalid");
        let err = loop {
            match r.event() {
                Err(e) => break e,
                Ok(Ev::Eof) => panic!("read to the end"),
                Ok(_) => {}
            }
        };
        assert!(err
            .message
            .starts_with("word/document.xml is not well-formed XML"));
    }
}
