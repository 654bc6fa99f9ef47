//! Resolved options: the flags turned into what the run needs, the template
//! compiled once.

use std::path::PathBuf;

use crate::cli::{ExtractArgs, InputArgs, TextArgs, ValidateArgs};
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
}

/// Everything a run needs, checked before any work starts.
#[derive(Debug)]
pub struct Config {
    pub template: Template,
    pub sources: Vec<Source>,
    pub output: Option<PathBuf>,
    pub jobs: usize,
    pub mode: Mode,
    /// No progress bar, no summary line.
    pub quiet: bool,
    /// How documents are read (PDF limits).
    pub options: crate::pipeline::Options,
}

impl Config {
    /// Resolves the flags of `extract`.
    pub fn extract(args: &ExtractArgs) -> Result<Config> {
        if (args.excel || args.raw) && args.format != Format::Csv {
            return Err(Error::Usage(
                "--excel and --raw go with --format csv".into(),
            ));
        }
        if args.format == Format::Xlsx && args.input.output.is_none() {
            return Err(Error::Usage(
                "--format xlsx writes a file: give -o FILE.xlsx".into(),
            ));
        }
        let dialect = Dialect {
            excel: args.excel,
            raw: args.raw,
        };
        Config::new(&args.input, Mode::Extract(args.format, dialect))
    }

    /// Resolves the flags of `validate`.
    pub fn validate(args: &ValidateArgs) -> Result<Config> {
        Config::new(
            &args.input,
            Mode::Validate {
                format: args.format,
                all: args.all,
            },
        )
    }

    /// Resolves the flags of `text`.
    pub fn text(args: &TextArgs) -> Result<Config> {
        Config::new(&args.input, Mode::Text)
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
            let template = s.spawn(|| Template::load(&input.template));
            let sources = collect_sources(&input.paths);
            if let Ok(sources) = &sources {
                if sources.iter().any(Source::looks_like_pdf) {
                    crate::input::pdf::worker::start_spare(&pdf);
                }
            }
            let template = template
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (template, sources)
        });
        let template = template?;
        let sources = sources?;
        if let Some(out) = &input.output {
            check_output(out, &sources)?;
        }
        let jobs = match input.jobs {
            Some(n) => n as usize,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Config {
            template,
            sources,
            output: input.output.clone(),
            jobs,
            mode,
            quiet: input.quiet,
            options: crate::pipeline::Options {
                pdf,
                max_bytes: input.max_bytes,
            },
        })
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
