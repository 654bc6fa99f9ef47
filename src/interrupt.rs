//! Ctrl-C and termination: the output being written is a temporary file;
//! on an interrupt it is removed and the PDF workers are stopped, so an
//! interrupted run leaves neither a partial output nor stray processes.

use std::path::PathBuf;
use std::sync::Mutex;

static WRITING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Sets (or clears) the temporary file being written.
pub fn writing(path: Option<PathBuf>) {
    *WRITING.lock().unwrap_or_else(|p| p.into_inner()) = path;
}

/// Installs the handler for Ctrl-C (SIGINT) and SIGTERM: remove the
/// temporary output, stop the workers, exit with 130.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if let Some(path) = WRITING.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = std::fs::remove_file(path);
        }
        crate::input::pdf::worker::stop_all();
        eprintln!("formsift: interrupted; no output written");
        std::process::exit(130);
    });
}
