//! Word (`.docx`, `.docm`) and LibreOffice (`.odt`) originals, read into
//! the layout model ([`crate::document`]).
//!
//! Both are zip archives of XML parts. The archive is opened with the `zip`
//! crate and every part is inflated under caps: [`MAX_PART`], a ratio for
//! large parts ([`MAX_RATIO`]), and the size the archive declares for the
//! part, so a zip bomb is refused from its headers, or at the first chunk
//! past what they claim;
//! entry names are only looked up, never used as paths. Parts are read with
//! quick-xml as a stream of events ([`xml`]): a DOCTYPE and its entities
//! are never expanded nor fetched, and nesting deeper than [`xml::MAX_DEPTH`]
//! is refused. What is read from each format is in [`docx`] and [`odt`].
//!
//! Files that are not what their name says are told apart by their first
//! bytes: an OLE compound file is a password-protected Word document
//! (`EncryptedPackage`) or a Word 97–2003 `.doc` (`WordDocument`), each with
//! its own error; anything else that is named like an office file and is
//! not a zip is `docx_invalid` / `odt_invalid`.

pub mod docx;
pub mod odt;
pub mod xml;

use std::io::Read;

use crate::document::{Block, Document, Part};

/// A format's parser of one part: (text, part name, part) to blocks.
type Parse = fn(&str, &str, Part) -> Result<Vec<Block>, Failure>;

/// An inflated part may not be larger than this.
pub const MAX_PART: u64 = 64 << 20;

/// A part larger than [`RATIO_FROM`] may not inflate more than this many
/// times its compressed size (XML compresses 10–30 times; a bomb, thousands).
pub const MAX_RATIO: u64 = 200;
const RATIO_FROM: u64 = 8 << 20;

/// More entries than this is not a document.
pub const MAX_ENTRIES: usize = 100_000;

/// Why an original could not be read: a stable code and a message for a
/// person (the caller adds the file's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    pub fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

/// The office formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Odt,
}

impl Format {
    fn invalid(self) -> &'static str {
        match self {
            Format::Docx => "docx_invalid",
            Format::Odt => "odt_invalid",
        }
    }

    fn too_large(self) -> &'static str {
        match self {
            Format::Docx => "docx_too_large",
            Format::Odt => "odt_too_large",
        }
    }
}

/// The format a file's name says, by its extension.
pub fn named(name: &str) -> Option<Format> {
    let ext = name.rsplit_once('.')?.1;
    let is = |e: &str| ext.eq_ignore_ascii_case(e);
    if ["docx", "docm", "dotx", "dotm", "doc"].into_iter().any(is) {
        Some(Format::Docx)
    } else if ["odt", "ott"].into_iter().any(is) {
        Some(Format::Odt)
    } else {
        None
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// True when the bytes are to be read here: a zip or OLE file, or a file
/// named like an office document (which is then refused with a clear
/// error if it is neither).
pub fn claims(bytes: &[u8], name: &str) -> bool {
    // "Word" files named `.doc` that are RTF or HTML are text, read as such.
    let doc = name.len() >= 4 && name[name.len() - 4..].eq_ignore_ascii_case(".doc");
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) || (named(name).is_some() && !doc)
}

/// Reads an original into the layout model.
pub fn read(bytes: &[u8], name: &str) -> Result<Document, Failure> {
    let named = named(name);
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ole(bytes, name));
    }
    let fallback = named.unwrap_or(Format::Docx);
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(Failure::new(
            fallback.invalid(),
            "not a Word or LibreOffice document (it is not a zip archive)",
        ));
    }
    let mut archive = Archive::open(bytes, fallback)?;
    if archive.has("word/document.xml") || archive.main_part().is_some() {
        archive.format = Format::Docx;
        docx::read(&mut archive)
    } else if archive.has("content.xml") || archive.is_odf() {
        archive.format = Format::Odt;
        odt::read(&mut archive)
    } else if fallback == Format::Odt {
        Err(Failure::new(
            "odt_invalid",
            "a zip archive without content.xml: not a LibreOffice text document",
        ))
    } else {
        Err(Failure::new(
            "docx_invalid",
            "a zip archive without word/document.xml: not a Word document",
        ))
    }
}

/// An OLE compound file: Word keeps a password-protected `.docx` in one
/// (`EncryptedPackage`), and Word 97–2003 wrote `.doc` files as one
/// (`WordDocument`). The directory's names are UTF-16: found by their
/// bytes, which needs no parse of the file's sector chains.
fn ole(bytes: &[u8], name: &str) -> Failure {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let has = |s: &str| memchr::memmem::find(bytes, &utf16(s)).is_some();
    if has("EncryptedPackage") {
        Failure::new(
            "docx_encrypted",
            "the document is protected by a password; open it in Word, remove the \
             password (File > Info > Protect Document) and save it again",
        )
    } else if has("WordDocument") {
        let file = std::path::Path::new(name)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "FILE.doc".into());
        Failure::new(
            "doc_legacy",
            format!(
                "a Word 97-2003 document (.doc), which formsift does not read; convert it \
                 first: soffice --headless --convert-to docx \"{file}\""
            ),
        )
    } else {
        Failure::new(
            "docx_invalid",
            "an OLE compound file that is neither a Word document nor a protected one",
        )
    }
}

/// A zip archive whose parts are read under caps.
pub struct Archive<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    /// The format being read (for error codes).
    pub format: Format,
    /// Warnings for the record: `(code, message)`.
    pub warnings: Vec<(&'static str, String)>,
}

impl<'a> Archive<'a> {
    fn open(bytes: &'a [u8], format: Format) -> Result<Archive<'a>, Failure> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
            Failure::new(
                format.invalid(),
                format!("a damaged zip archive ({})", zip_error(&e)),
            )
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(Failure::new(
                format.invalid(),
                format!(
                    "the archive holds {} entries, more than the {MAX_ENTRIES} a document may",
                    zip.len()
                ),
            ));
        }
        Ok(Archive {
            zip,
            format,
            warnings: Vec::new(),
        })
    }

    /// True when the archive has an entry of this name.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The main part named by `_rels/.rels`, when it is not the usual one.
    fn main_part(&mut self) -> Option<String> {
        let rels = self.part("_rels/.rels").ok()??;
        xml::relationships(&rels, "")
            .into_iter()
            .find(|(kind, _)| kind.ends_with("/officeDocument"))
            .map(|(_, target)| target)
            .filter(|t| self.has(t))
    }

    /// Reads a part of furniture (a header...) into `doc`: one that cannot
    /// be read costs the record only a warning.
    fn furniture(&mut self, name: &str, part: Part, parse: Parse, doc: &mut Document) {
        match self.part(name).and_then(|t| match t {
            Some(t) => parse(&t, name, part),
            None => Ok(Vec::new()),
        }) {
            Ok(blocks) => doc.furniture.extend(blocks),
            Err(e) => doc.warnings.push(("part_unreadable", e.message)),
        }
    }

    /// An ODF package says so in its `mimetype` entry.
    fn is_odf(&mut self) -> bool {
        matches!(self.part("mimetype"), Ok(Some(m)) if m.starts_with("application/vnd.oasis.opendocument"))
    }

    /// A part as text, or `None` when the archive has no such entry. Invalid
    /// UTF-8 is replaced (with a warning); UTF-16 parts are decoded.
    pub fn part(&mut self, name: &str) -> Result<Option<String>, Failure> {
        let Some(bytes) = self.bytes(name)? else {
            return Ok(None);
        };
        Ok(Some(self.decode(name, bytes)))
    }

    fn decode(&mut self, name: &str, bytes: Vec<u8>) -> String {
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            let (text, _, _) = encoding_rs::UTF_16LE.decode(&bytes);
            return text.into_owned();
        }
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                self.warnings.push((
                    "encoding_repaired",
                    format!("{name} is not valid UTF-8: invalid bytes replaced by U+FFFD"),
                ));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        }
    }

    /// A part's bytes, inflated under the caps.
    fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, Failure> {
        let format = self.format;
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let mut entry = self.zip.by_index(index).map_err(|e| {
            let why = zip_error(&e);
            let code = if why.contains("assword") {
                "docx_encrypted"
            } else {
                format.invalid()
            };
            Failure::new(code, format!("cannot open {name} in the archive ({why})"))
        })?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let bomb = || {
            Failure::new(
                format.too_large(),
                format!(
                    "{name} inflates to more than formsift reads of one part \
                     ({} MiB, or {MAX_RATIO} times its packed size): a zip bomb?",
                    MAX_PART >> 20
                ),
            )
        };
        if over_caps(size, packed) {
            return Err(bomb());
        }
        // The sizes in the archive may lie: the reading itself is capped,
        // a chunk at a time, so a bomb stops at the first chunk past a cap.
        let mut out = Vec::with_capacity(size.min(1 << 20) as usize);
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            let n = match entry.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Failure::new(
                        format.invalid(),
                        format!("{name} is damaged in the archive ({e})"),
                    ))
                }
            };
            if out.len() + n > out.capacity() {
                // Doubling, but never past the cap: a bomb holds at most
                // the cap in memory, not twice it.
                let cap = MAX_PART as usize + chunk.len();
                let want = (out.capacity() * 2).clamp(64 << 10, cap);
                out.reserve_exact(want.saturating_sub(out.len()).max(n));
            }
            out.extend_from_slice(&chunk[..n]);
            let total = out.len() as u64;
            if over_caps(total, packed) {
                return Err(bomb());
            }
            // More than the archive says the entry holds: its sizes lie,
            // as a bomb's do.
            if total > size {
                return Err(Failure::new(
                    format.too_large(),
                    format!(
                        "{name} inflates to more than the {size} bytes the archive says it \
                         holds: a damaged file or a zip bomb"
                    ),
                ));
            }
        }
        Ok(Some(out))
    }
}

/// `inflated` bytes of a part packed in `packed` pass the caps: the size,
/// or (for a large part) the ratio.
fn over_caps(inflated: u64, packed: u64) -> bool {
    inflated > MAX_PART || (inflated > RATIO_FROM && inflated / packed > MAX_RATIO)
}

/// A zip error for a person: no crate jargon where it can be helped.
fn zip_error(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match e {
        ZipError::InvalidArchive(why) => format!("invalid archive: {why}"),
        ZipError::UnsupportedArchive(why) => format!("unsupported: {why}"),
        ZipError::FileNotFound => "an entry is missing".into(),
        ZipError::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Resolves a relationship target against the folder of the part it is
/// relative to (`word/` + `header1.xml`, `word/` + `../customXml/x.xml`).
pub(crate) fn resolve(base_dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_the_format() {
        assert_eq!(named("a/b/Form.DOCX"), Some(Format::Docx));
        assert_eq!(named("x.docm"), Some(Format::Docx));
        assert_eq!(named("x.odt"), Some(Format::Odt));
        assert_eq!(named("x.txt"), None);
        assert_eq!(named("docx"), None);
    }

    #[test]
    fn targets_resolve_against_their_folder() {
        assert_eq!(resolve("word", "header1.xml"), "word/header1.xml");
        assert_eq!(resolve("word", "../customXml/a.xml"), "customXml/a.xml");
        assert_eq!(resolve("word", "/word/footer.xml"), "word/footer.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve("word", "../../../etc/x"), "etc/x");
    }

    #[test]
    fn not_a_zip_is_refused_by_the_name_it_has() {
        let e = read(b"hello", "a.odt").unwrap_err();
        assert_eq!(e.code, "odt_invalid");
        let e = read(b"hello", "a.docx").unwrap_err();
        assert_eq!(e.code, "docx_invalid");
        assert!(e.message.contains("not a zip"), "{}", e.message);
    }

    #[test]
    fn ole_files_are_told_apart_by_their_streams() {
        let ole_with = |stream: &str| {
            let mut b = OLE_MAGIC.to_vec();
            b.extend_from_slice(&[0; 100]);
            b.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
            b
        };
        let e = read(&ole_with("EncryptedPackage"), "x.docx").unwrap_err();
        assert_eq!(e.code, "docx_encrypted");
        let e = read(&ole_with("WordDocument"), "dir/Old Form.doc").unwrap_err();
        assert_eq!(e.code, "doc_legacy");
        assert!(e.message.contains("--convert-to docx \"Old Form.doc\""));
        assert_eq!(
            read(&ole_with("Workbook"), "x.doc").unwrap_err().code,
            "docx_invalid"
        );
    }
}
