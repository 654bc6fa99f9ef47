//! Resolved options: the flags turned into what the run needs, the template
//! compiled once.

use std::path::PathBuf;

use crate::cli::{ExtractArgs, InputArgs, ValidateArgs};
use crate::input::{collect_sources, Source};
use crate::output::report::ReportFormat;
use crate::output::Format;
use crate::template::Template;
use crate::Result;

/// What the run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One record per form.
    Extract(Format),
    /// A completeness report; `all` lists complete forms with warnings too.
    Validate { format: ReportFormat, all: bool },
}

/// Everything a run needs, checked before any work starts.
#[derive(Debug)]
pub struct Config {
    pub template: Template,
    pub sources: Vec<Source>,
    pub output: Option<PathBuf>,
    pub jobs: usize,
    pub mode: Mode,
}

impl Config {
    /// Resolves the flags of `extract`.
    pub fn extract(args: &ExtractArgs) -> Result<Config> {
        Config::new(&args.input, Mode::Extract(args.format))
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

    fn new(input: &InputArgs, mode: Mode) -> Result<Config> {
        let template = Template::load(&input.template)?;
        let sources = collect_sources(&input.paths)?;
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
        })
    }
}
