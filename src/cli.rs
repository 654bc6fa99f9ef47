//! Command-line flags (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::output::report::ReportFormat;
use crate::output::Format;

const EXAMPLES: &str = "\
Examples:
  formsift extract fixtures/seeds                 records of every form, JSON Lines
  formsift extract forms/*.docx                   Word originals (.docx .docm .odt too)
  formsift extract --format json -o out.json forms/
  formsift extract --format csv --excel -o forms.csv forms/   for Excel (pt-BR)
  formsift extract -o forms.xlsx forms/           a workbook (the format from the ending)
  formsift extract -j1 form.txt                   one thread
  cat form.txt | formsift extract -               standard input
  formsift extract --template my-form.toml cards/ another form, described in TOML
  formsift extract -t processo-retencao -t ficha-cadastro forms/   a mixed folder
  formsift validate forms/                        which forms are incomplete, and why
  formsift validate --format jsonl forms/         the same, for machines
  formsift report forms/ -o report.html           a page with charts, to look at or send
  formsift text scan.pdf                          the text formsift reads from a file
  formsift explain -t my-form.toml scan.pdf       each line, and which field took it
  formsift draft form.docx -o my-form.toml        a template to start from
  formsift templates                              the built-in templates";

/// Turns exported forms into clean, validated records.
#[derive(Debug, Parser)]
#[command(name = "formsift", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read forms and write one record per form.
    #[command(after_help = EXAMPLES)]
    Extract(ExtractArgs),
    /// Report which forms are incomplete and why, with a summary.
    #[command(after_help = EXAMPLES)]
    Validate(ValidateArgs),
    /// Write one HTML page about the batch: how complete it is, what is
    /// missing most, each checkbox group's answers, forms per month, the
    /// incomplete forms; charts and data inside, personal data masked.
    #[command(after_help = EXAMPLES)]
    Report(ReportArgs),
    /// Print the text formsift reads from each file, as recognition sees it
    /// (PDF and Word originals included), to check what a template can find.
    #[command(after_help = EXAMPLES)]
    Text(TextArgs),
    /// Show each file as formsift reads it: every line with its place and
    /// what took it (title, labels, values, issues, unplaced text), to write
    /// or check a template.
    #[command(after_help = EXAMPLES)]
    Explain(TextArgs),
    /// Print a template drafted from a blank or filled form (its title,
    /// labels as fields, boxes as groups, a fillable PDF's field names),
    /// for you to edit.
    #[command(after_help = EXAMPLES)]
    Draft(TextArgs),
    /// List the built-in templates.
    Templates,
    /// Parse PDFs for the batch (internal: run by formsift itself).
    #[command(hide = true)]
    PdfWorker {
        #[arg(long, default_value_t = 1024)]
        memory_mb: u64,
    },
}

/// What to read, and how.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files, directories (walked recursively, sorted; .txt .text .md .pdf
    /// .docx .docm .odt .doc files) or - for standard input.
    #[arg(required = true, value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// A built-in template name, a template file (TOML) or a folder of
    /// them; given several times, each form goes to the template whose
    /// title it shows (best by its labels).
    #[arg(long, short = 't', default_value = crate::template::DEFAULT, value_name = "NAME|FILE|DIR")]
    pub template: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress bar and no summary line on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Seconds a PDF may take to parse before it is stopped (pdf_timeout).
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = positive_seconds)]
    pub pdf_timeout: f64,
    /// Files larger than this many bytes are refused (too_large).
    #[arg(long, value_name = "BYTES", default_value_t = crate::input::MAX_BYTES)]
    pub max_bytes: u64,
    /// Megabytes of memory a PDF may take to parse (pdf_too_large).
    #[arg(long, value_name = "MB", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(64..))]
    pub pdf_memory: u64,
    /// Personal data (CPF, CNPJ, phones, e-mails, `personal` fields) in
    /// every output: masked (`***.456.789-**`), or keyed pseudonyms
    /// (`cpf:3f9a1c07e2b4d815`; the key from FORMSIFT_REDACT_KEY or
    /// --redact-key-file). Default: none; for `report`, mask.
    #[arg(long, value_enum)]
    pub redact: Option<Redact>,
    /// A file holding the pseudonym key for `--redact hash` (16 bytes or
    /// more).
    #[arg(long, value_name = "FILE")]
    pub redact_key_file: Option<PathBuf>,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (default: from the -o file's ending, .jsonl .json .csv
    /// .xlsx; else jsonl).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// CSV for Excel in a pt-BR locale: `;`, UTF-8 BOM, CRLF, decimal comma,
    /// dd/mm/yyyy dates.
    #[arg(long)]
    pub excel: bool,
    /// CSV cells that start like a formula (= + - @) are left as they are
    /// (by default they get a leading ').
    #[arg(long)]
    pub raw: bool,
}

/// What `--redact` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Redact {
    /// Values as written.
    None,
    /// Masked as public bodies publish them.
    Mask,
    /// Keyed HMAC-SHA-256 pseudonyms.
    Hash,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The date field forms are counted by per month (default: the
    /// template's first date field).
    #[arg(long, value_name = "KEY")]
    pub date_field: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// A report for people, or JSON Lines for machines (default: from the
    /// -o file's ending, .jsonl for JSON Lines; else text).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<ReportFormat>,
    /// Also list complete forms that have warnings.
    #[arg(long)]
    pub all: bool,
}
