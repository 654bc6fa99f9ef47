//! Reading inputs: where the bytes come from, what encoding they are in, and
//! the numbered, cleaned lines the extractor works on.

pub mod exported;
pub mod fold;
pub mod lines;
pub mod office;
pub mod pdf;
pub mod shapes;
pub mod text;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use lines::Line;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A file, named as the user gave it (or as found in a directory).
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Source {
    /// A file named `*.pdf`, which is read as a PDF or refused as a broken
    /// one: worth starting a PDF worker for early.
    pub fn looks_like_pdf(&self) -> bool {
        matches!(self, Source::File(_) if pdf::named_pdf(&self.name()))
    }

    /// The name written into records' `source`.
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
        }
    }

    /// Reads all the bytes, refusing more than `max` (the error's kind is
    /// `FileTooLarge`).
    pub fn read(&self, max: u64) -> std::io::Result<Vec<u8>> {
        let too_large = |size: u64| {
            std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!("{size} bytes, more than the {max} allowed (see --max-bytes)"),
            )
        };
        let mut buf = Vec::new();
        match self {
            Source::File(p) => {
                let mut file = std::fs::File::open(p)?;
                // Most exports fit in the first read, and one more read sees
                // their end: no need to ask the size (a system call a file).
                // A folder fails that read (`IsADirectory`).
                buf.reserve_exact(FIRST_READ);
                (&mut file).take(FIRST_READ as u64).read_to_end(&mut buf)?;
                if buf.len() == FIRST_READ {
                    // A larger file: refused by its size before reading it all.
                    let size = file.metadata()?.len();
                    if size > max {
                        return Err(too_large(size));
                    }
                    buf.reserve_exact(size.saturating_sub(buf.len() as u64) as usize + 1);
                    file.take((max + 1).saturating_sub(buf.len() as u64))
                        .read_to_end(&mut buf)?;
                }
            }
            Source::Stdin => {
                std::io::stdin()
                    .lock()
                    .take(max + 1)
                    .read_to_end(&mut buf)?;
            }
        }
        if buf.len() as u64 > max {
            return Err(too_large(buf.len() as u64));
        }
        Ok(buf)
    }
}

/// What the first read of a file asks for (bytes): a form exported as text is
/// a few kilobytes.
const FIRST_READ: usize = 32 << 10;

/// The default for `--max-bytes`: 50 MB.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// File endings read when walking a directory.
pub const EXTENSIONS: &[&str] = &["txt", "text", "md", "pdf", "docx", "docm", "odt", "doc"];

/// The inputs of a run: the documents to read, and what the walks of the
/// folders given passed over.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Vec<Source>,
    pub skipped: Skipped,
}

/// Files met in folders that formsift does not read, counted by ending
/// (lowercase, "" for none).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped(pub std::collections::BTreeMap<String, usize>);

impl Skipped {
    /// Files passed over, in all.
    pub fn count(&self) -> usize {
        self.0.values().sum()
    }

    /// "3 .png, 1 .xls, 1 without an ending".
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(ext, n)| match ext.as_str() {
                "" => format!("{n} without an ending"),
                _ => format!("{n} .{ext}"),
            })
            .collect();
        parts.join(", ")
    }
}

/// Expands the paths given on the command line into sources: files as
/// given, directories walked recursively in sorted order (the files named
/// with [`EXTENSIONS`], hidden entries skipped, the others counted in
/// `skipped`), `-` for standard input. A path that does not exist stays a
/// source, whose record says so (`not_found`), so one mistyped path does
/// not stop the batch. Duplicates are dropped.
pub fn collect_sources(paths: &[PathBuf]) -> crate::Result<Inputs> {
    let mut out = Vec::new();
    let mut skipped = Skipped::default();
    // Only several paths, or links met in a walk, can name a file twice.
    let mut may_repeat = paths.len() > 1;
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
        } else if p.is_dir() {
            let mut walk = Walk {
                out: &mut out,
                skipped: &mut skipped,
                seen: std::collections::HashSet::new(),
                links: false,
            };
            walk.dir(p).map_err(|e| crate::Error::Io {
                context: format!("reading directory {}", p.display()),
                source: e,
            })?;
            may_repeat |= walk.links;
        } else {
            out.push(Source::File(p.clone()));
        }
    }
    if may_repeat {
        // A file named twice (or by two paths) is read once.
        let mut seen = std::collections::HashSet::new();
        out.retain(|s| seen.insert(Identity::of(s)));
    }
    Ok(Inputs {
        sources: out,
        skipped,
    })
}

/// What makes two sources the same document.
#[derive(PartialEq, Eq, Hash)]
enum Identity {
    /// Device and inode: every path to one file, links included.
    File(u64, u64),
    /// A path that leads to no file (a dangling link), or a platform
    /// without inodes.
    Path(PathBuf),
    Stdin,
}

impl Identity {
    fn of(source: &Source) -> Identity {
        match source {
            Source::Stdin => Identity::Stdin,
            Source::File(p) => {
                #[cfg(unix)]
                if let Ok(meta) = std::fs::metadata(p) {
                    use std::os::unix::fs::MetadataExt;
                    return Identity::File(meta.dev(), meta.ino());
                }
                Identity::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            }
        }
    }
}

/// A recursive walk of one folder given on the command line.
struct Walk<'a> {
    out: &'a mut Vec<Source>,
    skipped: &'a mut Skipped,
    /// Folders walked (canonical): a link back to a folder above would walk
    /// forever.
    seen: std::collections::HashSet<PathBuf>,
    /// A symbolic link was met.
    links: bool,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) -> std::io::Result<()> {
        if !self.seen.insert(std::fs::canonicalize(dir)?) {
            return Ok(());
        }
        let mut entries: Vec<(std::ffi::OsString, std::fs::FileType)> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name(), e.file_type().ok()?)))
            .filter(|(name, _)| !name.as_encoded_bytes().starts_with(b"."))
            .collect();
        // Siblings sort by their names' bytes: the order of their paths,
        // without comparing the paths component by component.
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in entries {
            let p = dir.join(name);
            // The entry's type comes with the listing; only a link needs a
            // look at what it leads to.
            let link = kind.is_symlink();
            self.links |= link;
            let is_dir = if link { p.is_dir() } else { kind.is_dir() };
            if is_dir {
                // A folder named like a form file is reported (it gives an
                // `is_a_directory` record), and its contents are read too.
                if has_text_extension(&p) {
                    self.out.push(Source::File(p.clone()));
                }
                self.dir(&p)?;
            } else if has_text_extension(&p) || (link && !p.exists()) {
                self.out.push(Source::File(p));
            } else {
                let ext = p
                    .extension()
                    .map_or(String::new(), |e| e.to_string_lossy().to_lowercase());
                *self.skipped.0.entry(ext).or_default() += 1;
            }
        }
        Ok(())
    }
}

fn has_text_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files below, at and above the first read's size come back whole;
    /// too large ones are refused with their size, from the first read or
    /// from the file's length; a folder says so.
    #[test]
    fn reads_whole_files_and_refuses_large_ones() {
        let dir = tempfile::tempdir().unwrap();
        for size in [
            0,
            5,
            FIRST_READ - 1,
            FIRST_READ,
            FIRST_READ + 1,
            3 * FIRST_READ + 7,
        ] {
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let p = dir.path().join(format!("{size}.txt"));
            std::fs::write(&p, &bytes).unwrap();
            let source = Source::File(p);
            assert_eq!(source.read(MAX_BYTES).unwrap(), bytes, "{size} bytes");
            assert_eq!(source.read(size as u64).unwrap().len(), size);
            if size > 0 {
                let e = source.read(size as u64 - 1).unwrap_err();
                assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge, "{size} bytes");
                assert!(
                    e.to_string()
                        .starts_with(&format!("{size} bytes, more than")),
                    "{e}"
                );
            }
        }
        let e = Source::File(dir.path().to_path_buf())
            .read(MAX_BYTES)
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::IsADirectory);
    }
}
