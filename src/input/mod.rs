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

    /// Reads all the bytes.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Source::File(p) => std::fs::read(p),
            Source::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin().lock().read_to_end(&mut buf)?;
                Ok(buf)
            }
        }
    }
}

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
            walk(p, &mut out).map_err(|e| crate::Error::Io {
                context: format!("reading directory {}", p.display()),
                source: e,
            })?;
        } else if p.exists() || p.is_symlink() {
            out.push(Source::File(p.clone()));
        } else {
            return Err(crate::Error::MissingInput(p.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Source>) -> std::io::Result<()> {
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
            walk(&p, out)?;
        } else if has_text_extension(&p) {
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
