//! formsift turns exported forms into clean, validated records.
//!
//! A form is described by a [`Template`] (data, not code): labeled fields,
//! checkbox groups, tables and notes, matched by patterns. A document goes
//! through the pipeline `bytes → document → lines → raw form → typed record`:
//!
//! - [`input`]: reading files (text, PDF, Word, LibreOffice) into the layout
//!   model, decoding text, cleaning lines;
//! - [`document`]: the layout model every reader fills (blocks, tables,
//!   marks, parts, pages) and the line view recognition reads;
//! - [`extract`]: recognizing labels, values, checkboxes, blocks;
//! - [`normalize`]: typing values (dates, money, CPF/CNPJ...);
//! - [`validate`]: the template's completeness rules;
//! - [`record`]: the output contract;
//! - [`output`]: writing records (JSON, JSON Lines, CSV, XLSX) and reports
//!   (`validate`'s, and the HTML page of `report`);
//! - [`pipeline`]: the batch, in parallel, in input order.
//!
//! ```
//! let template = formsift::Template::default_template();
//! let text = "Formulário - Processo de Retenção\nColaborador Maria Luiza Data 13/02/2025\n";
//! let records = formsift::pipeline::process_bytes(&template, "form.txt", text.as_bytes());
//! let fields = records[0].fields.as_ref().unwrap();
//! assert_eq!(fields["colaborador"], "Maria Luiza");
//! assert_eq!(fields["data"], "2025-02-13");
//! ```

pub mod alloc;
pub mod cli;
pub mod config;
mod digits;
pub mod document;
pub mod draft;
pub mod error;
pub mod extract;
pub mod input;
pub mod interrupt;
mod memo;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod redact;
pub mod template;
pub mod validate;

pub use config::Config;
pub use error::{Error, Result};
pub use record::Record;
pub use template::Template;

use std::io::{BufWriter, Write};

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every form read and complete (0).
    Success,
    /// Some form incomplete, or some file unreadable (1).
    Failure,
    /// Usage or fatal error (2).
    Error,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Transparent huge pages cost more than they give here: mimalloc asks for
/// them on its arenas, and every 2 MiB page the program touches is then
/// zeroed whole. A batch's memory is many small strings, so start-up alone
/// spent 70–100 ms of system time clearing pages, and a one-file run held
/// 46 MB instead of 16 MB. The setting is inherited by the PDF worker.
/// Called first thing by the binary (and the examples that time it).
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this
    // process; it reads no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Runs the batch: every source into records, written in input order as
/// records (`extract`) or as a completeness report (`validate`).
pub fn run(config: &Config) -> Result<ExitStatus> {
    if config.sources.is_empty() {
        // Only folders were given, and they hold nothing formsift reads:
        // say what was there, rather than write an empty output.
        let what = match config.skipped.count() {
            0 => "the folders given hold no files".to_string(),
            _ => format!(
                "the folders given hold no file formsift reads (.{}); skipped: {}",
                input::EXTENSIONS.join(" ."),
                config.skipped.summary()
            ),
        };
        eprintln!("formsift: nothing to read: {what}");
        return Ok(ExitStatus::Failure);
    }
    let mut progress = progress::Progress::new(config.sources.len(), config.quiet);
    let mut write_all = |out: &mut dyn Write| -> std::io::Result<()> {
        let (ts, sources, jobs) = (&config.templates, &config.sources, config.jobs);
        match config.mode {
            config::Mode::Extract(format, dialect) => {
                // A spreadsheet's columns are its one template's (the
                // config refuses CSV and XLSX with several).
                let mut writer = output::Writer::new(out, format, &ts[0], dialect)?;
                if format.renders_in_workers() {
                    // Each worker writes out and frees the records it made
                    // (1.28 times the speed at -j2), and this thread only
                    // copies bytes. So -j1 is one core's work: writing here
                    // would overlap the worker's reading at -j1, but on a
                    // second core `-j1` did not ask for (and, side by side,
                    // it gained nothing).
                    let render = |records| format.render(records);
                    pipeline::run_with(ts, sources, jobs, &config.options, render, |r| {
                        progress.counted(r.tally);
                        writer.write_rendered(&r)
                    })?;
                } else {
                    pipeline::run(ts, sources, jobs, &config.options, |records| {
                        progress.document(&records);
                        records.iter().try_for_each(|r| writer.write(r))
                    })?;
                }
                writer.finish()?;
            }
            config::Mode::Validate { format, all } => {
                let mut report = output::report::Report::new(out, format, all);
                pipeline::run(ts, sources, jobs, &config.options, |records| {
                    progress.document(&records);
                    records.iter().try_for_each(|r| report.add(r))
                })?;
                report.finish()?;
            }
            config::Mode::Report => {
                let started = std::time::SystemTime::now();
                let clock = std::time::Instant::now();
                let report = output::html::Report::new(ts, config.date_field.as_deref());
                let mut summary = report.summary(sources.len());
                let digest = |records| report.digest(records);
                pipeline::run_with(ts, sources, jobs, &config.options, digest, |(tally, d)| {
                    progress.counted(tally);
                    report.add(&mut summary, d);
                    Ok::<(), std::io::Error>(())
                })?;
                let run = output::html::Run {
                    started,
                    took: clock.elapsed(),
                    redact: config
                        .options
                        .redact
                        .as_ref()
                        .map_or("none", |r| r.mode_name()),
                };
                report.write(out, summary, &run)?;
            }
            config::Mode::Explain => {
                use std::io::IsTerminal;
                let style = output::explain::Style {
                    colour: config.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                };
                let several = sources.len() > 1;
                for source in sources {
                    let explained = pipeline::explain(ts, source, &config.options);
                    if several {
                        writeln!(out, "==> {} <==", source.name())?;
                    }
                    output::explain::write(out, &explained, style)?;
                    progress.document(&explained.records);
                }
            }
            config::Mode::Draft => {
                for source in sources {
                    match pipeline::draft_input(ts, source, &config.options) {
                        Ok((lines, fields)) => {
                            let name = draft::name_of(&source.name());
                            out.write_all(draft::draft(&name, &lines, &fields).as_bytes())?;
                        }
                        Err(r) => {
                            if let Some(f) = &r.error {
                                eprintln!("formsift: {}: {}", f.code, f.message);
                            }
                            progress.tally.unreadable += 1;
                        }
                    }
                }
            }
            config::Mode::Text => {
                let several = sources.len() > 1;
                for source in sources {
                    let read = pipeline::read_text(ts, source, &config.options);
                    if several {
                        writeln!(out, "==> {} <==", source.name())?;
                    }
                    match read {
                        Ok(text) => {
                            out.write_all(text.as_bytes())?;
                            if !text.is_empty() && !text.ends_with('\n') {
                                out.write_all(b"\n")?;
                            }
                        }
                        Err(f) => {
                            eprintln!("{}: {}", f.code, f.message);
                            progress.tally.unreadable += 1;
                        }
                    }
                }
            }
        }
        Ok(())
    };
    match &config.output {
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            match write_all(&mut out) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    return Ok(ExitStatus::Success)
                }
                Err(e) => {
                    return Err(Error::Output {
                        target: "standard output".into(),
                        source: e,
                    })
                }
            }
        }
        Some(path) => write_file(path, &mut write_all)?,
    }
    progress.finish();
    if !config.quiet
        && matches!(
            config.mode,
            config::Mode::Extract(..) | config::Mode::Report
        )
    {
        let mut line = progress.summary();
        if config.skipped.count() > 0 {
            line.push_str(&format!(
                "; {} file(s) in the folders skipped, not of a kind formsift reads ({})",
                config.skipped.count(),
                config.skipped.summary()
            ));
        }
        eprintln!("{line}");
    }
    Ok(if progress.tally.all_complete() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// Writes to a temporary file beside `path` and renames it when complete,
/// so an interrupted run never leaves half a file.
fn write_file(
    path: &std::path::Path,
    write_all: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let err = |e: std::io::Error| Error::Output {
        target: path.display().to_string(),
        source: e,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    // The file gets the mode a new file gets (0666 less the umask), or
    // keeps the mode of the file it replaces: the temporary file's own
    // 0600 would hide a shared spreadsheet from the team.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".formsift-");
    let replaced = std::fs::metadata(path).ok().map(|m| m.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(err)?;
    interrupt::writing(Some(tmp.path().to_path_buf()));
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 16, tmp.as_file());
        write_all(&mut out)?;
        out.flush()
    })();
    let result = written
        .and_then(|()| match replaced {
            Some(mode) => tmp.as_file().set_permissions(mode),
            None => Ok(()),
        })
        .map_err(err)
        .and_then(|()| tmp.persist(path).map(|_| ()).map_err(|e| err(e.error)));
    interrupt::writing(None);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let result = write_file(&path, &mut |out: &mut dyn Write| {
            out.write_all(&[b'x'; 200_000])?;
            Err(std::io::Error::other("the batch stopped half-way"))
        });
        let e = result.unwrap_err().to_string();
        assert!(e.contains("the batch stopped half-way"), "{e}");
        assert!(!path.exists(), "no half file");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no temporary file left"
        );
    }

    #[test]
    fn a_finished_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "old").unwrap();
        write_file(&path, &mut |out: &mut dyn Write| out.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
