//! Resolved options: the flags turned into what the run needs, the template
//! compiled once.

use std::path::PathBuf;

use crate::cli::Redact;
use crate::cli::{ExtractArgs, InputArgs, ReportArgs, TextArgs, ValidateArgs};
use crate::input::{collect_sources, Source};
use crate::output::csv::Dialect;
use crate::output::report::ReportFormat;
use crate::output::Format;
use crate::template::Template;
use crate::{Error, Result};

/// What the run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One record per form, in a format (and CSV dialect).
    Extract(Format, Dialect),
    /// A completeness report; `all` lists complete forms with warnings too.
    Validate { format: ReportFormat, all: bool },
    /// The text read from each file, for people checking a template.
    Text,
    /// Each file's lines with what took them (`formsift explain`).
    Explain,
    /// A template drafted from each document.
    Draft,
    /// One HTML page about the batch (`formsift report`).
    Report,
}

/// Everything a run needs, checked before any work starts.
#[derive(Debug)]
pub struct Config {
    /// The templates of the run (one unless `-t` was given several times
    /// or named a folder).
    pub templates: Vec<Template>,
    pub sources: Vec<Source>,
    pub output: Option<PathBuf>,
    /// Files the walks of the folders given passed over, by ending.
    pub skipped: crate::input::Skipped,
    pub jobs: usize,
    pub mode: Mode,
    /// No progress bar, no summary line.
    pub quiet: bool,
    /// How documents are read (PDF limits).
    pub options: crate::pipeline::Options,
    /// The report's date field (`--date-field`).
    pub date_field: Option<String>,
}

impl Config {
    /// Resolves the flags of `extract`.
    pub fn extract(args: &ExtractArgs) -> Result<Config> {
        let output = args.input.output.as_deref();
        let format = chosen_format(args.format, output, |ext| match ext {
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        })?
        .unwrap_or(Format::Jsonl);
        if (args.excel || args.raw) && format != Format::Csv {
            return Err(Error::Usage(
                "--excel and --raw go with --format csv".into(),
            ));
        }
        if format == Format::Xlsx && output.is_none() {
            return Err(Error::Usage(
                "--format xlsx writes a file: give -o FILE.xlsx".into(),
            ));
        }
        let dialect = Dialect {
            excel: args.excel,
            raw: args.raw,
        };
        Config::new(&args.input, Mode::Extract(format, dialect))
    }

    /// Resolves the flags of `validate`.
    pub fn validate(args: &ValidateArgs) -> Result<Config> {
        let output = args.input.output.as_deref();
        let format = chosen_format(args.format, output, |ext| match ext {
            "jsonl" | "ndjson" => Some(ReportFormat::Jsonl),
            "txt" | "text" => Some(ReportFormat::Text),
            _ => None,
        })?
        .unwrap_or(ReportFormat::Text);
        Config::new(
            &args.input,
            Mode::Validate {
                format,
                all: args.all,
            },
        )
    }

    /// Resolves the flags of `text`.
    pub fn text(args: &TextArgs) -> Result<Config> {
        Config::new(&args.input, Mode::Text)
    }

    /// Resolves the flags of `explain`.
    pub fn explain(args: &TextArgs) -> Result<Config> {
        Config::new(&args.input, Mode::Explain)
    }

    pub fn draft(args: &TextArgs) -> Result<Config> {
        Config::new(&args.input, Mode::Draft)
    }

    /// Resolves the flags of `report`: a date field must be one of a
    /// template's date fields.
    pub fn report(args: &ReportArgs) -> Result<Config> {
        let mut config = Config::new(&args.input, Mode::Report)?;
        if let Some(key) = &args.date_field {
            let dated = config.templates.iter().any(|t| t.date_field(key));
            if !dated {
                return Err(Error::Usage(format!(
                    "--date-field {key}: no template of the run has a top-level date field of that key"
                )));
            }
            config.date_field = Some(key.clone());
        }
        Ok(config)
    }

    fn new(input: &InputArgs, mode: Mode) -> Result<Config> {
        let pdf = crate::input::pdf::worker::PdfSettings {
            timeout: std::time::Duration::from_secs_f64(input.pdf_timeout),
            memory_mb: input.pdf_memory,
            ..Default::default()
        };
        // The template loads on a thread while the inputs are listed and,
        // if one is a PDF, a worker process starts (on this thread, which
        // outlives the batch).
        let (template, sources) = std::thread::scope(|s| {
            let template = s.spawn(|| Template::load_all(&input.template));
            let sources = collect_sources(&input.paths);
            if let Ok(sources) = &sources {
                if sources.sources.iter().any(Source::looks_like_pdf) {
                    crate::input::pdf::worker::start_spare(&pdf);
                }
            }
            let template = template
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (template, sources)
        });
        let templates = template?;
        if templates.len() > 1 {
            if let Mode::Extract(f @ (Format::Csv | Format::Xlsx), _) = mode {
                let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--format {}: a spreadsheet's columns are one template's, and {} templates \
                     were given ({}): write JSON Lines or JSON, or run once per template",
                    if f == Format::Csv { "csv" } else { "xlsx" },
                    templates.len(),
                    names.join(", ")
                )));
            }
        }
        let inputs = sources?;
        let sources = inputs.sources;
        if let Some(out) = &input.output {
            check_output(out, &sources)?;
        }
        let jobs = match input.jobs {
            Some(n) => n as usize,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Config {
            templates,
            sources,
            output: input.output.clone(),
            skipped: inputs.skipped,
            jobs,
            mode,
            quiet: input.quiet,
            options: crate::pipeline::Options {
                pdf,
                max_bytes: input.max_bytes,
                redact: match mode {
                    Mode::Extract(..) | Mode::Validate { .. } => {
                        redactor(input, Redact::None)?.map(std::sync::Arc::new)
                    }
                    // A report is sent around: masked unless asked.
                    Mode::Report => redactor(input, Redact::Mask)?.map(std::sync::Arc::new),
                    _ if input.redact.is_some_and(|r| r != Redact::None) => {
                        return Err(Error::Usage(
                            "--redact is for extract, validate and report: explain, draft and text show the document as it is".into(),
                        ))
                    }
                    _ => None,
                },
            },
            date_field: None,
        })
    }
}

/// The format asked for, else the one the output file's ending names
/// (`by_ending` of the lowercase ending); an ending that names another
/// format than the one asked for is refused, since the file would lie
/// about its contents.
fn chosen_format<F: clap::ValueEnum + PartialEq + Copy>(
    asked: Option<F>,
    output: Option<&std::path::Path>,
    by_ending: impl Fn(&str) -> Option<F>,
) -> Result<Option<F>> {
    let ending = output
        .and_then(|o| o.extension())
        .map(|e| e.to_string_lossy().to_lowercase());
    let named = ending.as_deref().and_then(&by_ending);
    let name = |f: F| {
        f.to_possible_value()
            .map_or(String::new(), |v| v.get_name().to_string())
    };
    match (asked, named) {
        (Some(a), Some(n)) if a != n => Err(Error::Usage(format!(
            "-o {} names a .{} file, but --format {} was asked for: drop --format, or give the file a .{} ending",
            output.map_or(String::new(), |o| o.display().to_string()),
            ending.unwrap_or_default(),
            name(a),
            name(a),
        ))),
        (Some(a), _) => Ok(Some(a)),
        (None, n) => Ok(n),
    }
}

/// The output's folder exists, and the output is not one of the inputs.
fn check_output(out: &std::path::Path, sources: &[Source]) -> Result<()> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "-o {}: the folder {} does not exist",
            out.display(),
            dir.display()
        )));
    }
    let Ok(target) = std::fs::canonicalize(out) else {
        return Ok(()); // a new file is no input
    };
    let clash = sources.iter().any(|s| match s {
        Source::File(p) => std::fs::canonicalize(p).is_ok_and(|p| p == target),
        Source::Stdin => false,
    });
    if clash {
        return Err(Error::Usage(format!(
            "-o {}: this file is also an input; write the output elsewhere",
            out.display()
        )));
    }
    Ok(())
}

/// The redactor `--redact` asks for (else `default`); the key from
/// `--redact-key-file`, else `FORMSIFT_REDACT_KEY`.
fn redactor(input: &InputArgs, default: Redact) -> Result<Option<crate::redact::Redactor>> {
    use crate::redact::{Mode, Redactor};
    let mode = match input.redact.unwrap_or(default) {
        Redact::None => return Ok(None),
        Redact::Mask => Mode::Mask,
        Redact::Hash => Mode::Hash,
    };
    let key = match &input.redact_key_file {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| Error::Usage(format!("--redact-key-file {}: {e}", path.display())))?,
        ),
        None => std::env::var_os("FORMSIFT_REDACT_KEY")
            .filter(|k| !k.is_empty())
            .map(|k| k.into_encoded_bytes()),
    };
    let key = key.map(|k| {
        // A key file's last line end is not part of the key.
        let end = k
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        k[..end].to_vec()
    });
    Redactor::new(mode, key).map(Some).map_err(Error::Usage)
}
