//! The batch: every source read, recognized, typed and turned into records,
//! in parallel, written in input order. The only module that knows rayon.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::extract;
use crate::input::pdf::{self, worker::PdfSettings};
use crate::input::{lines::split_lines, text::decode, Source};
use crate::normalize;
use crate::record::{Issue, Record, Unplaced};
use crate::template::Template;
use crate::validate;

/// How documents are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// Limits of the PDF workers.
    pub pdf: PdfSettings,
    /// Larger files are refused with a `too_large` record.
    pub max_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pdf: PdfSettings::default(),
            max_bytes: crate::input::MAX_BYTES,
        }
    }
}

/// Reads one document into its records (one per form), never failing: a
/// document that cannot be read gives one error record.
pub fn process(t: &Template, source: &Source) -> Vec<Record> {
    process_with(t, source, &Options::default())
}

/// [`process`] with options.
pub fn process_with(t: &Template, source: &Source, opts: &Options) -> Vec<Record> {
    let name = source.name();
    match catch_unwind(AssertUnwindSafe(|| process_inner(t, source, &name, opts))) {
        Ok(records) => records,
        Err(panic) => {
            let what = crate::error::panic_message(&*panic);
            vec![Record::failed(
                &name,
                &t.name,
                "internal_error",
                format!("{name}: formsift failed on this file ({what}); please report it"),
            )]
        }
    }
}

fn process_inner(t: &Template, source: &Source, name: &str, opts: &Options) -> Vec<Record> {
    let bytes = match source.read(opts.max_bytes) {
        Ok(b) => b,
        Err(e) => {
            return vec![Record::failed(
                name,
                &t.name,
                read_error_code(&e),
                format!("{name}: cannot read: {}", describe(&e)),
            )]
        }
    };
    process_bytes_with(t, name, &bytes, opts)
}

fn read_error_code(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "not_found",
        ErrorKind::PermissionDenied => "permission_denied",
        ErrorKind::IsADirectory => "is_a_directory",
        ErrorKind::FileTooLarge => "too_large",
        _ => "unreadable",
    }
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file (or a link to nothing)".to_string(),
        std::io::ErrorKind::IsADirectory => "this is a folder, not a file".to_string(),
        _ => e.to_string(),
    }
}

/// Reads the bytes of one document named `name` into records.
pub fn process_bytes(t: &Template, name: &str, bytes: &[u8]) -> Vec<Record> {
    // The default options look up the program's path (a system call):
    // once, not for every document.
    static DEFAULT: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    process_bytes_with(t, name, bytes, DEFAULT.get_or_init(Options::default))
}

/// [`process_bytes`] with options: a PDF is parsed in a worker process.
pub fn process_bytes_with(t: &Template, name: &str, bytes: &[u8], opts: &Options) -> Vec<Record> {
    let failed = |code: &str, message: String| vec![Record::failed(name, &t.name, code, message)];
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return failed("empty", format!("{name}: the file is empty"));
    }
    let is_pdf = pdf::is_pdf(bytes);
    let decoded = if is_pdf {
        match pdf::worker::extract(bytes, &opts.pdf) {
            Ok(text) => crate::input::text::Decoded {
                text,
                encoding: "PDF",
                warning: None,
            },
            Err(f) => return failed(&f.code, format!("{name}: {}", f.message)),
        }
    } else if pdf::named_pdf(name) {
        return failed("pdf_invalid", format!("{name}: not a PDF (no %PDF header)"));
    } else {
        match decode(bytes) {
            Ok(d) => d,
            Err(e) => return failed(e.code, format!("{name}: {}", e.message)),
        }
    };
    let lines = split_lines(&decoded.text);
    let forms = extract::extract(t, &lines);
    if is_pdf && forms.iter().all(|f| f.labels_found == 0) {
        return failed(
            "no_text_layer",
            format!(
                "{name}: the PDF has no text with the labels of template {} (a scan?)",
                t.name
            ),
        );
    }
    if forms.iter().all(|f| !f.titled && f.labels_found == 0) {
        return failed(
            "not_a_form",
            format!(
                "{name}: no title and none of the labels of template {}",
                t.name
            ),
        );
    }
    forms
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let mut issues = Vec::new();
            if let Some((code, message)) = &decoded.warning {
                issues.push(Issue::warning(
                    None,
                    code,
                    format!("{name}: {message}"),
                    None,
                ));
            }
            if !raw.titled {
                issues.push(Issue::warning(
                    None,
                    "title_missing",
                    format!("{name}: the form's title line was not found"),
                    Some(1),
                ));
            }
            for n in &raw.notes {
                issues.push(Issue::warning(
                    n.field.clone(),
                    n.code,
                    n.message.clone(),
                    n.line,
                ));
            }
            let (fields, more) = normalize::fields(t, &raw);
            let options_seen = normalize::options_seen(t, &raw);
            let provenance = Some(normalize::provenance(t, &raw));
            issues.extend(more);
            let rules = validate::validate(t, &raw, &fields, &issues);
            issues.extend(rules);
            let complete = validate::is_complete(&issues);
            Record {
                source: name.to_string(),
                form_index: Some(i + 1),
                template: t.name.clone(),
                revision: raw.revision.clone(),
                complete,
                fields: Some(fields),
                issues,
                unplaced: raw
                    .unplaced
                    .into_iter()
                    .map(|(line, text)| Unplaced { line, text })
                    .collect(),
                provenance,
                error: None,
                options_seen,
            }
        })
        .collect()
}

/// Runs the batch on `jobs` threads and hands the records of each document
/// to `sink`, in input order. Documents are read in chunks (64 documents
/// with one job, at least 512 with more); while the sink writes one chunk,
/// the workers read the next, and at most two chunks are held at once, so
/// memory stays flat however long the batch. Stops at the first error of
/// `sink` (a closed output).
pub fn run<E>(
    t: &Template,
    sources: &[Source],
    jobs: usize,
    opts: &Options,
    sink: impl FnMut(Vec<Record>) -> Result<(), E>,
) -> Result<(), E> {
    run_with(t, sources, jobs, opts, |records| records, sink)
}

/// [`run`], with `finish` applied to each document's records on the worker
/// that read it (writing them out, say), and its result handed to `sink`.
/// What a worker makes is best freed by that worker: memory freed on
/// another thread goes back to its owner through a slower path, cold.
pub fn run_with<R: Send, E>(
    t: &Template,
    sources: &[Source],
    jobs: usize,
    opts: &Options,
    finish: impl Fn(Vec<Record>) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .expect("a thread pool");
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<R>>(1);
    let finish = &finish;
    // Each chunk ends when its slowest document does, the other workers
    // idle until then: with several workers, chunks are larger (fewer
    // such ends). With one, the sink writes a chunk while the worker reads
    // the next, and a smaller chunk starts that sooner and ends it sooner.
    let chunk = if jobs > 1 { (64 * jobs).max(512) } else { 64 };
    std::thread::scope(|scope| {
        scope.spawn(|| t.prepare_labels());
        scope.spawn(|| t.prepare_rest());
        scope.spawn(move || {
            for chunk in sources.chunks(chunk) {
                let done = pool.install(|| {
                    chunk
                        .par_iter()
                        .map(|s| finish(process_with(t, s, opts)))
                        .collect()
                });
                if tx.send(done).is_err() {
                    break; // the sink stopped
                }
            }
        });
        for done in rx {
            for document in done {
                sink(document)?;
            }
        }
        Ok(())
    })
}
