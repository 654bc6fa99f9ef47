//! The batch: every source read, recognized, typed and turned into records,
//! in parallel, written in input order. The only module that knows rayon.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::document::{self, Document, LineView};
use crate::extract;
use crate::input::pdf::{self, worker::PdfSettings};
use crate::input::text::{decode, Decoded};
use crate::input::{exported, lines::split_lines, office, Source};
use crate::normalize;
use crate::record::{Failure, Issue, Record, Unplaced};
use crate::template::Template;
use crate::validate;

/// How documents are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// Limits of the PDF workers.
    pub pdf: PdfSettings,
    /// Larger files are refused with a `too_large` record.
    pub max_bytes: u64,
    /// Personal data masked or pseudonymized in every record.
    pub redact: Option<std::sync::Arc<crate::redact::Redactor>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pdf: PdfSettings::default(),
            max_bytes: crate::input::MAX_BYTES,
            redact: None,
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
    process_among(std::slice::from_ref(t), source, opts)
}

/// [`process_with`] for a batch of several templates: each document's
/// forms go to the template whose title (and labels) it shows best.
pub fn process_among(ts: &[Template], source: &Source, opts: &Options) -> Vec<Record> {
    let name = source.name();
    let read = || match bytes_of(source, &name, opts) {
        Ok(bytes) => process_bytes_among(ts, &name, &bytes, opts),
        Err(f) => redacted(ts, opts, vec![Record::from_failure(&name, &names(ts), f)]),
    };
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let failed = Record::from_failure(&name, &names(ts), internal_error(&name, &*panic));
        redacted(ts, opts, vec![failed])
    })
}

/// The records with their personal data redacted, when the options ask.
fn redacted(ts: &[Template], opts: &Options, mut records: Vec<Record>) -> Vec<Record> {
    if let Some(r) = &opts.redact {
        for record in &mut records {
            let t = ts.iter().find(|t| t.name == record.template);
            r.record(t, record);
        }
    }
    records
}

/// The template of a record no template took (a file that cannot be
/// read): the one of the batch, or the candidates, `a|b`.
fn names(ts: &[Template]) -> String {
    let names: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
    names.join("|")
}

/// The bytes of a source, or the failure of its record.
fn bytes_of(source: &Source, name: &str, opts: &Options) -> Result<Vec<u8>, Failure> {
    source.read(opts.max_bytes).map_err(|e| {
        let message = format!("{name}: cannot read: {}", describe(&e));
        Failure::new(read_error_code(&e), message)
    })
}

/// A panic inside formsift while it read one document.
fn internal_error(name: &str, panic: &(dyn std::any::Any + Send)) -> Failure {
    let what = crate::error::panic_message(panic);
    let message = format!("{name}: formsift failed on this file ({what}); please report it");
    Failure::new("internal_error", message)
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

/// The text recognition reads from one document (`formsift text`), or the
/// failure its error record would carry.
pub fn read_text(ts: &[Template], source: &Source, opts: &Options) -> Result<String, Failure> {
    let name = source.name();
    let read = || {
        let bytes = bytes_of(source, &name, opts)?;
        read_named(ts, &name, &bytes, opts).map(|(decoded, _, _)| decoded.text)
    };
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|panic| Err(internal_error(&name, &*panic)))
}

/// A document's lines and a fillable PDF's form fields, for drafting a
/// template from it; the error record when it cannot be read.
pub fn draft_input(
    ts: &[Template],
    source: &Source,
    opts: &Options,
) -> Result<
    (
        Vec<crate::draft::DraftLine>,
        Vec<crate::input::pdf::acroform::FormField>,
    ),
    Box<Record>,
> {
    let name = source.name();
    let read = || {
        let bytes = match bytes_of(source, &name, opts) {
            Ok(bytes) => bytes,
            Err(f) => return Err(vec![Record::from_failure(&name, &names(ts), f)]),
        };
        read_lines(ts, &name, &bytes, opts, |_, view, lines| {
            let lines = lines
                .iter()
                .map(|l| crate::draft::DraftLine {
                    no: l.no,
                    text: l.clean.to_string(),
                })
                .collect();
            let fields = view
                .as_ref()
                .map_or_else(Vec::new, |(v, _)| v.form_fields.clone());
            Ok((lines, fields))
        })
    };
    match catch_unwind(AssertUnwindSafe(read)) {
        Ok(Ok(read)) => Ok(read),
        Ok(Err(mut records)) => Err(Box::new(records.remove(0))),
        Err(panic) => Err(Box::new(Record::from_failure(
            &name,
            &names(ts),
            internal_error(&name, &*panic),
        ))),
    }
}

/// Reads the bytes of one document named `name` into records.
pub fn process_bytes(t: &Template, name: &str, bytes: &[u8]) -> Vec<Record> {
    // The default options look up the program's path (a system call):
    // once, not for every document.
    static DEFAULT: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    process_bytes_with(t, name, bytes, DEFAULT.get_or_init(Options::default))
}

/// What a structured original gives besides its text: the line view (the
/// place of each line) and the reader's warnings.
type Structure = Option<(LineView, Vec<(&'static str, String)>)>;

/// [`read`], after the check for an empty file, with the file's name in
/// the failure's message; and whether the document is a PDF.
fn read_named(
    ts: &[Template],
    name: &str,
    bytes: &[u8],
    opts: &Options,
) -> Result<(Decoded, Structure, bool), Failure> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Failure::new("empty", format!("{name}: the file is empty")));
    }
    let is_pdf = pdf::is_pdf(bytes);
    match read(ts, name, bytes, is_pdf, opts) {
        Ok((decoded, structure)) => Ok((decoded, structure, is_pdf)),
        Err(f) => Err(Failure {
            message: format!("{name}: {}", f.message),
            ..f
        }),
    }
}

/// A document's text for recognition, by kind: PDF (in a worker), a Word
/// or LibreOffice original (through the layout model), or text. An error
/// is the failed record's, its message without the file's name.
fn read(
    templates: &[Template],
    name: &str,
    bytes: &[u8],
    is_pdf: bool,
    opts: &Options,
) -> Result<(Decoded, Structure), Failure> {
    if is_pdf {
        return match pdf::worker::extract(bytes, &opts.pdf) {
            Ok(t) => {
                let mut doc = exported::document_with(&t.text, &t.boxes);
                take_furniture(templates, &mut doc);
                for (code, message) in t.warnings {
                    // A code of this formsift's own worker; any other is
                    // still said, under the most general one.
                    let code = pdf::WARNINGS.into_iter().find(|c| *c == code);
                    doc.warnings
                        .push((code.unwrap_or("pdf_part_unreadable"), message));
                }
                let mut read = through_model(doc, "PDF");
                if let Some((view, _)) = &mut read.1 {
                    view.form_fields = t.fields;
                }
                Ok(read)
            }
            Err(f) => Err(f),
        };
    }
    if pdf::named_pdf(name) {
        return Err(Failure::new("pdf_invalid", "not a PDF (no %PDF header)"));
    }
    if office::claims(bytes, name) {
        match office::read(bytes, name) {
            Ok(doc) => {
                let read = through_model(doc, "document");
                if read.0.text.trim().is_empty() {
                    return Err(Failure::new("empty", "the document has no text"));
                }
                return Ok(read);
            }
            // A zip that is no office document, named like a text file, is
            // read as text (and refused as such).
            Err(f) if office::named(name).is_none() && f.code.ends_with("_invalid") => {}
            Err(f) => return Err(Failure::new(f.code, f.message)),
        }
    }
    match decode(bytes) {
        // A text's lines are its model's line view: split directly unless
        // the model adds something (pages).
        Ok(d) => match exported::structured(&d.text) {
            Some(mut doc) => {
                take_furniture(templates, &mut doc);
                let mut read = through_model(doc, d.encoding);
                read.0.warning = d.warning;
                Ok(read)
            }
            None => Ok((d, None)),
        },
        Err(e) => Err(Failure::new(e.code, e.message)),
    }
}

/// Moves the headers and footers repeated on a laid-out document's pages
/// out of its content, as the templates tell their own lines from them.
fn take_furniture(ts: &[Template], doc: &mut Document) {
    use document::furniture::Reads;
    document::furniture::take_repeated_edges(doc, |line| {
        // The title of one template, else a label of one, says most.
        let reads = ts.iter().map(|t| extract::reads(t, line));
        reads.fold(Reads::Nothing, |best, r| match (best, r) {
            (Reads::Title, _) | (_, Reads::Title) => Reads::Title,
            (Reads::Label, _) | (_, Reads::Label) => Reads::Label,
            _ => Reads::Nothing,
        })
    });
}

/// A document's line view as the text recognition reads, with the places.
fn through_model(doc: Document, encoding: &'static str) -> (Decoded, Structure) {
    let mut view = doc.line_view();
    // Recognition reads the text; the record needs only the places.
    let decoded = Decoded {
        text: std::mem::take(&mut view.text),
        encoding,
        warning: None,
    };
    (decoded, Some((view, doc.warnings)))
}

/// [`process_bytes`] with options: a PDF is parsed in a worker process.
pub fn process_bytes_with(t: &Template, name: &str, bytes: &[u8], opts: &Options) -> Vec<Record> {
    process_bytes_among(std::slice::from_ref(t), name, bytes, opts)
}

/// [`process_bytes_with`] among several templates (see [`process_among`]).
pub fn process_bytes_among(
    ts: &[Template],
    name: &str,
    bytes: &[u8],
    opts: &Options,
) -> Vec<Record> {
    let records =
        recognize(ts, name, bytes, opts, |r| records_of(r, name)).unwrap_or_else(|failed| failed);
    redacted(ts, opts, records)
}

/// A document as recognition read it, for [`records_of`] and `explain`.
struct Recognized<'l, 'a, 't> {
    template: &'t Template,
    decoded: &'a Decoded,
    view: &'a Structure,
    lines: &'l [crate::input::Line<'a>],
    forms: Vec<extract::RawForm>,
}

/// Reads a document and splits its lines (numbered as the user's file,
/// with their pages), then hands them to `then`; a document that cannot
/// be read is its error record.
fn read_lines<R>(
    ts: &[Template],
    name: &str,
    bytes: &[u8],
    opts: &Options,
    then: impl for<'d> FnOnce(
        &'d Decoded,
        &'d Structure,
        Vec<crate::input::Line<'d>>,
    ) -> Result<R, Vec<Record>>,
) -> Result<R, Vec<Record>> {
    let (decoded, view, is_pdf) = match read_named(ts, name, bytes, opts) {
        Ok(read) => read,
        Err(f) => return Err(vec![Record::from_failure(name, &names(ts), f)]),
    };
    if is_pdf && decoded.text.chars().all(char::is_whitespace) {
        return Err(vec![Record::failed(
            name,
            &names(ts),
            "no_text_layer",
            format!("{name}: the PDF has no text layer (a scan, or text drawn as pictures)"),
        )]);
    }
    let mut lines = split_lines(&decoded.text);
    if let Some((v, _)) = view.as_ref() {
        if let Some(numbers) = v.source_lines() {
            for (line, no) in lines.iter_mut().zip(numbers) {
                line.no = no;
            }
        }
        for (line, place) in lines.iter_mut().zip(&v.places) {
            line.page = place.page.unwrap_or(0);
        }
    }
    then(&decoded, &view, lines)
}

/// Reads a document, splits its lines and finds its template and forms,
/// then hands them to `then`; a document that gives no form is its error
/// record.
fn recognize<R>(
    ts: &[Template],
    name: &str,
    bytes: &[u8],
    opts: &Options,
    then: impl FnOnce(Recognized) -> R,
) -> Result<R, Vec<Record>> {
    read_lines(ts, name, bytes, opts, |decoded, view, lines| {
        let (template, forms) = match choose(ts, name, &lines) {
            Ok(chosen) => chosen,
            Err((template, f)) => return Err(vec![Record::from_failure(name, &template, f)]),
        };
        Ok(then(Recognized {
            template,
            decoded,
            view,
            lines: &lines,
            forms,
        }))
    })
}

/// The records of a recognized document's forms: typed, validated, with
/// the places of their values.
fn records_of(r: Recognized, name: &str) -> Vec<Record> {
    let Recognized {
        template: t,
        decoded,
        view,
        lines,
        mut forms,
    } = r;
    if let Some((v, _)) = view {
        for form in &mut forms {
            extract::fillable::apply(t, form, &v.form_fields, lines);
        }
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
            let mut provenance = normalize::provenance(t, &raw);
            issues.extend(more);
            if let Some((view, warnings)) = view {
                for (code, message) in warnings {
                    issues.push(Issue::warning(
                        None,
                        code,
                        format!("{name}: {message}"),
                        None,
                    ));
                }
                for (_, origin) in &mut provenance.0 {
                    origin.at = view.at(origin.line);
                }
            }
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
                    .map(|(line, text)| Unplaced {
                        at: view.as_ref().and_then(|(v, _)| v.at(line)),
                        line,
                        text,
                    })
                    .collect(),
                provenance: Some(provenance),
                error: None,
                options_seen,
            }
        })
        .collect()
}

/// What `formsift explain` shows of one document: each line the template
/// read, where it stands, and the records made of them.
#[derive(Debug)]
pub struct Explained {
    /// `(line, place, text, labels)`: the line number records give, its
    /// place in the layout model (`body/tbl[1]/tr[2]/tc[1]/p[1]`), its
    /// text as recognition reads it, the keys of the fields whose label
    /// stands in it.
    pub lines: Vec<(usize, Option<String>, String, Vec<String>)>,
    /// Lines recognition read as the template's title.
    pub titles: Vec<usize>,
    /// Headers and footers left out as page furniture: `(page, text)`.
    pub furniture: Vec<(Option<u32>, String)>,
    /// A fillable PDF's form fields, by full name (what `pdf_field` names).
    pub form_fields: Vec<crate::input::pdf::acroform::FormField>,
    /// The records, as `extract` writes them; one error record when the
    /// document gives no form.
    pub records: Vec<Record>,
}

/// A document as formsift reads it, for people writing a template.
pub fn explain(ts: &[Template], source: &Source, opts: &Options) -> Explained {
    let name = source.name();
    let read = || {
        let bytes = match bytes_of(source, &name, opts) {
            Ok(bytes) => bytes,
            Err(f) => return Err(vec![Record::from_failure(&name, &names(ts), f)]),
        };
        read_lines(ts, &name, &bytes, opts, |decoded, view, lines| {
            let places = view.as_ref().map(|(v, _)| v);
            let furniture = places.map_or_else(Vec::new, |v| v.furniture.clone());
            let form_fields = places.map_or_else(Vec::new, |v| v.form_fields.clone());
            let shown = |l: &crate::input::Line, labels: Vec<String>| {
                (
                    l.no,
                    places.and_then(|v| v.at(l.no)),
                    l.clean.to_string(),
                    labels,
                )
            };
            let (template, forms) = match choose(ts, &name, &lines) {
                Ok(chosen) => chosen,
                // No form: the document as read, for writing its template.
                Err((template, f)) => {
                    return Ok(Explained {
                        lines: lines.iter().map(|l| shown(l, Vec::new())).collect(),
                        titles: Vec::new(),
                        furniture,
                        form_fields,
                        records: vec![Record::from_failure(&name, &template, f)],
                    })
                }
            };
            let t = template;
            let mut titles = Vec::new();
            let explained = lines
                .iter()
                .map(|l| {
                    if extract::reads(t, &l.clean) == document::furniture::Reads::Title {
                        titles.push(l.no);
                    }
                    shown(l, extract::label_keys(t, l))
                })
                .collect();
            let records = records_of(
                Recognized {
                    template,
                    decoded,
                    view,
                    lines: &lines,
                    forms,
                },
                &name,
            );
            Ok(Explained {
                lines: explained,
                titles,
                furniture,
                form_fields,
                records,
            })
        })
    };
    let failed = |records| Explained {
        lines: Vec::new(),
        titles: Vec::new(),
        furniture: Vec::new(),
        form_fields: Vec::new(),
        records,
    };
    match catch_unwind(AssertUnwindSafe(read)) {
        Ok(Ok(explained)) => explained,
        Ok(Err(records)) => failed(records),
        Err(panic) => failed(vec![Record::from_failure(
            &name,
            &names(ts),
            internal_error(&name, &*panic),
        )]),
    }
}

/// The template of a document and its forms as that template reads them.
/// With one template, any text that shows its title or one of its labels
/// is its form. With several, a document is the form of the template whose
/// title it shows (in most forms, then most labels; the first template
/// given on a tie); a text that shows no template's title is `not_a_form`,
/// naming the nearest template, so no template takes another's form.
fn choose<'t>(
    ts: &'t [Template],
    name: &str,
    lines: &[crate::input::Line],
) -> Result<(&'t Template, Vec<extract::RawForm>), (String, Failure)> {
    let not_a_form =
        |t: &str, message: String| Err((t.to_string(), Failure::new("not_a_form", message)));
    if let [t] = ts {
        let forms = extract::extract(t, lines);
        if forms.iter().all(|f| !f.titled && f.labels_found == 0) {
            let message = format!(
                "{name}: no title and none of the labels of template {}",
                t.name
            );
            return not_a_form(&t.name, message);
        }
        return Ok((t, forms));
    }
    let mut best: Option<((usize, usize), &Template, Vec<extract::RawForm>)> = None;
    for t in ts {
        let forms = extract::extract(t, lines);
        let titled = forms.iter().filter(|f| f.titled).count();
        let labels = forms.iter().map(|f| f.labels_found).sum();
        if best
            .as_ref()
            .is_none_or(|(score, ..)| (titled, labels) > *score)
        {
            best = Some(((titled, labels), t, forms));
        }
    }
    let ((titled, labels), t, forms) = best.expect("a run has a template");
    if titled == 0 {
        let given = ts
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let message = match labels {
            0 => format!("{name}: shows neither the title nor a label of any template given ({given})"),
            n => format!(
                "{name}: shows the title of no template given ({given}); the nearest is {} ({n} of its labels)",
                t.name
            ),
        };
        let template = if labels == 0 {
            names(ts)
        } else {
            t.name.clone()
        };
        return not_a_form(&template, message);
    }
    Ok((t, forms))
}

/// Runs the batch on `jobs` threads and hands the records of each document
/// to `sink`, in input order. Each worker takes the next few documents as
/// soon as it is free; the sink writes each document once those before it
/// are written. The workers run at most a window of documents ahead of the
/// sink (128 with one job, 1,024 or more with several), so memory stays
/// flat however long the batch. Stops at the first error of `sink` (a
/// closed output).
pub fn run<E>(
    ts: &[Template],
    sources: &[Source],
    jobs: usize,
    opts: &Options,
    sink: impl FnMut(Vec<Record>) -> Result<(), E>,
) -> Result<(), E> {
    run_with(ts, sources, jobs, opts, |records| records, sink)
}

/// Documents a worker takes at a time: one hand-over to the sink for
/// several documents, and still no wait for a slow one at any boundary.
const TAKE: usize = 16;

/// How many documents the workers may run ahead of the sink (a multiple of
/// [`TAKE`]): what bounds the memory of a batch.
fn window(jobs: usize) -> usize {
    if jobs > 1 {
        (128 * jobs).max(1024)
    } else {
        128
    }
}

/// [`run`], with `finish` applied to each document's records on the worker
/// that read it (writing them out, say), and its result handed to `sink`.
/// What a worker makes is best freed by that worker: memory freed on
/// another thread goes back to its owner through a slower path, cold.
pub fn run_with<R: Send, E>(
    ts: &[Template],
    sources: &[Source],
    jobs: usize,
    opts: &Options,
    finish: impl Fn(Vec<Record>) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    let jobs = jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("a thread pool");
    // No chunks that all workers finish together: with them, a worker that
    // the machine pauses at a chunk's last document holds the others up.
    let window = window(jobs);
    let next = AtomicUsize::new(0);
    // The first document the sink has not written; workers that are a
    // window ahead of it wait on `ahead` until it moves.
    let written = AtomicUsize::new(0);
    let waiting = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let ahead = (std::sync::Mutex::new(()), std::sync::Condvar::new());
    let wake = || {
        let _held = ahead.0.lock().unwrap_or_else(|e| e.into_inner());
        ahead.1.notify_all();
    };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<R>)>();
    let finish = &finish;
    std::thread::scope(|scope| {
        scope.spawn(|| ts.iter().for_each(Template::prepare_labels));
        scope.spawn(|| ts.iter().for_each(Template::prepare_rest));
        scope.spawn(|| {
            pool.broadcast(|_| loop {
                let from = next.fetch_add(TAKE, SeqCst);
                if from >= sources.len() || stop.load(SeqCst) {
                    break;
                }
                let to = (from + TAKE).min(sources.len());
                if to > written.load(SeqCst) + window {
                    let mut held = ahead.0.lock().unwrap_or_else(|e| e.into_inner());
                    waiting.fetch_add(1, SeqCst);
                    while to > written.load(SeqCst) + window && !stop.load(SeqCst) {
                        held = ahead.1.wait(held).unwrap_or_else(|e| e.into_inner());
                    }
                    waiting.fetch_sub(1, SeqCst);
                }
                let done = sources[from..to]
                    .iter()
                    .map(|s| finish(process_among(ts, s, opts)))
                    .collect();
                if tx.send((from, done)).is_err() {
                    break; // the sink stopped
                }
            });
            drop(tx);
        });
        // Taken documents arrive in any order; each waits in its slot of
        // the window until those before it are written.
        let n = window / TAKE;
        let mut slots: Vec<Option<Vec<R>>> = (0..n).map(|_| None).collect();
        let mut at = 0;
        let result = (|| {
            for (from, done) in &rx {
                slots[(from / TAKE) % n] = Some(done);
                while let Some(done) = slots[(at / TAKE) % n].take() {
                    at += done.len();
                    for document in done {
                        sink(document)?;
                    }
                }
                written.store(at, SeqCst);
                if waiting.load(SeqCst) > 0 {
                    wake();
                }
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, SeqCst);
            wake();
        }
        drop(rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    /// A sink that holds back: the workers fill the window ahead of it and
    /// stop there (so memory stays flat), and every document still comes
    /// out once, in input order.
    #[test]
    fn workers_stop_a_window_ahead_of_the_sink() {
        let dir = tempfile::tempdir().unwrap();
        let form = "Formulário - Processo de Retenção\nColaborador: Ana\n";
        // More documents than any of the windows below.
        let n = 1_300;
        let sources: Vec<Source> = (0..n)
            .map(|i| {
                let p = dir.path().join(format!("{i:04}.txt"));
                std::fs::write(&p, form).unwrap();
                Source::File(p)
            })
            .collect();
        let t = Template::default_template();
        for jobs in [1, 2, 3] {
            let window = window(jobs);
            let (held, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let mut seen = Vec::new();
            let finish = |records: Vec<Record>| {
                most.fetch_max(held.fetch_add(1, SeqCst) + 1, SeqCst);
                records[0].source.clone()
            };
            run_with(
                std::slice::from_ref(&t),
                &sources,
                jobs,
                &Options::default(),
                finish,
                |source| {
                    if seen.is_empty() {
                        // Wait for the workers to fill the window (the limit
                        // only ends a broken run).
                        let start = std::time::Instant::now();
                        while held.load(SeqCst) < window && start.elapsed().as_secs() < 60 {
                            std::thread::sleep(std::time::Duration::from_millis(1));
                        }
                        // Had they not stopped, they would run on meanwhile.
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    held.fetch_sub(1, SeqCst);
                    seen.push(source);
                    Ok::<_, ()>(())
                },
            )
            .unwrap();
            let names: Vec<String> = sources.iter().map(Source::name).collect();
            assert_eq!(seen, names, "{jobs} jobs: every document once, in order");
            assert_eq!(
                most.load(SeqCst),
                window,
                "{jobs} jobs: documents held at most"
            );
        }
    }

    /// A sink that fails stops the batch: no more documents are handed to
    /// it, and the workers end, those waiting a window ahead too.
    #[test]
    fn a_failing_sink_stops_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let sources: Vec<Source> = (0..3000)
            .map(|i| {
                let p = dir.path().join(format!("{i:04}.txt"));
                std::fs::write(&p, "Colaborador: Ana\n").unwrap();
                Source::File(p)
            })
            .collect();
        let sources = std::sync::Arc::new(sources);
        for jobs in [1, 2] {
            let (tx, rx) = std::sync::mpsc::channel();
            let sources = sources.clone();
            std::thread::spawn(move || {
                let t = Template::default_template();
                let mut calls = 0;
                let got = run(
                    std::slice::from_ref(&t),
                    &sources,
                    jobs,
                    &Options::default(),
                    |_| {
                        calls += 1;
                        if calls == 1 {
                            // The workers fill the window and wait.
                            std::thread::sleep(std::time::Duration::from_millis(300));
                        }
                        if calls == 40 {
                            Err("closed")
                        } else {
                            Ok(())
                        }
                    },
                );
                tx.send((got, calls)).unwrap();
            });
            let (got, calls) = rx
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("the batch ended");
            assert_eq!(got, Err("closed"));
            assert_eq!(calls, 40, "{jobs} jobs");
        }
    }
}
