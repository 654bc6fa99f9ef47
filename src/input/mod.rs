//! Reading inputs: where the bytes come from, what encoding they are in, and
//! the numbered, cleaned lines the extractor works on.

pub mod fold;
pub mod lines;
pub mod pdf;
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
                let file = std::fs::File::open(p)?;
                let meta = file.metadata()?;
                if meta.is_dir() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::IsADirectory,
                        "is a directory",
                    ));
                }
                if meta.len() > max {
                    return Err(too_large(meta.len()));
                }
                file.take(max + 1).read_to_end(&mut buf)?;
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

/// The default for `--max-bytes`: 50 MB.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// File endings read when walking a directory.
pub const EXTENSIONS: &[&str] = &["txt", "text", "md", "pdf"];

/// Expands the paths given on the command line into sources: files as
/// given, directories walked recursively in sorted order (text and PDF files,
/// hidden entries skipped), `-` for standard input. Duplicates are dropped.
pub fn collect_sources(paths: &[PathBuf]) -> crate::Result<Vec<Source>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
        } else if p.is_dir() {
            walk(p, &mut out, &mut std::collections::HashSet::new()).map_err(|e| {
                crate::Error::Io {
                    context: format!("reading directory {}", p.display()),
                    source: e,
                }
            })?;
        } else if p.exists() || p.is_symlink() {
            out.push(Source::File(p.clone()));
        } else {
            return Err(crate::Error::MissingInput(p.clone()));
        }
    }
    // A file named twice (or by two paths) is read once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| match s {
        Source::File(p) => seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
        Source::Stdin => seen.insert(PathBuf::from("-")),
    });
    Ok(out)
}

fn walk(
    dir: &Path,
    out: &mut Vec<Source>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> std::io::Result<()> {
    // A link back to a folder above would walk forever.
    if !seen.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            // A folder named like a form file is reported (it gives an
            // `is_a_directory` record), and its contents are read too.
            if has_text_extension(&p) {
                out.push(Source::File(p.clone()));
            }
            walk(&p, out, seen)?;
        } else if has_text_extension(&p) || (p.is_symlink() && !p.exists()) {
            out.push(Source::File(p));
        }
    }
    Ok(())
}

fn has_text_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(e)))
}
