//! Resolved options: the flags turned into what the run needs, the template
//! compiled once.

use std::path::PathBuf;

use crate::cli::ExtractArgs;
use crate::input::{collect_sources, Source};
use crate::output::Format;
use crate::template::Template;
use crate::Result;

/// Everything `extract` needs, checked before any work starts.
#[derive(Debug)]
pub struct Config {
    pub template: Template,
    pub sources: Vec<Source>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub jobs: usize,
}

impl Config {
    /// Resolves the flags of `extract`.
    pub fn from_args(args: &ExtractArgs) -> Result<Config> {
        let template = Template::load(&args.template)?;
        let sources = collect_sources(&args.paths)?;
        let jobs = match args.jobs {
            Some(n) => n as usize,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Config {
            template,
            sources,
            format: args.format,
            output: args.output.clone(),
            jobs,
        })
    }
}
