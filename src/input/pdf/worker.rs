//! PDF parsing in child processes of formsift itself.
//!
//! A PDF can overflow the stack, loop forever or eat gigabytes inside a
//! parser, and `catch_unwind` stops none of that. So each PDF is parsed by a
//! worker process (`formsift pdf-worker`) with a memory limit, and the parent
//! waits for its answer with a time limit. A worker serves many files in a
//! row (one per thread of the batch), so a small PDF costs no process start.
//! A crash, kill or limit becomes a [`PdfFailure`] for that file only: the
//! worker is replaced and the batch goes on.
//!
//! Protocol: the parent writes the PDF as an 8-byte little-endian length
//! and the bytes; the worker answers one JSON line, `{"ok": text}` or
//! `{"err": {"code", "message"}}`.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::PdfFailure;

/// Limits and the program to run for PDF workers.
#[derive(Debug, Clone)]
pub struct PdfSettings {
    /// The formsift executable (it runs `formsift pdf-worker`).
    pub exe: PathBuf,
    pub timeout: Duration,
    pub memory_mb: u64,
}

impl Default for PdfSettings {
    fn default() -> Self {
        // FORMSIFT_PDF_WORKER names another worker program (for tests).
        let exe = std::env::var_os("FORMSIFT_PDF_WORKER")
            .map(PathBuf::from)
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("formsift"));
        PdfSettings {
            exe,
            timeout: Duration::from_secs(30),
            memory_mb: 1024,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    Ok(super::Text),
    Err(PdfFailure),
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    key: (PathBuf, u64),
}

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// The process ids of the running workers, to stop them on an interrupt.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills every worker process (on Ctrl-C).
pub fn stop_all() {
    for pid in RUNNING.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
        // SAFETY: kill only sends a signal to a process we started.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
    }
}

fn forget(pid: u32) {
    RUNNING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .retain(|&p| p != pid);
}

/// A worker started ahead of need (see [`start_spare`]), for the first
/// thread that needs one.
static SPARE: Mutex<Option<Worker>> = Mutex::new(None);

/// Starts a worker process before the batch needs it, so that it starts
/// while the template loads. Call it from a thread that lives as long as
/// the batch: a worker dies with the thread that started it.
pub fn start_spare(settings: &PdfSettings) {
    if let Ok(w) = Worker::spawn(settings) {
        *SPARE.lock().unwrap_or_else(|p| p.into_inner()) = Some(w);
    }
}

/// The spare worker, if it was started with these settings.
fn take_spare(key: &(PathBuf, u64)) -> Option<Worker> {
    let mut spare = SPARE.lock().unwrap_or_else(|p| p.into_inner());
    spare.take_if(|w| w.key == *key)
}

/// The text of a PDF, parsed in this thread's worker process.
pub fn extract(bytes: &[u8], settings: &PdfSettings) -> Result<super::Text, PdfFailure> {
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let key = (settings.exe.clone(), settings.memory_mb);
        if slot.as_ref().is_none_or(|w| w.key != key) {
            *slot = Some(match take_spare(&key) {
                Some(w) => w,
                None => Worker::spawn(settings)?,
            });
        }
        let worker = slot.as_mut().expect("just spawned");
        let outcome = worker.ask(bytes, settings.timeout);
        if outcome.is_err() {
            // A worker that failed is not trusted with the next file.
            if let Some(w) = slot.take() {
                w.stop();
            }
        }
        match outcome {
            Ok(Answer::Ok(text)) => Ok(text),
            Ok(Answer::Err(f)) => Err(f),
            Err(f) => Err(f),
        }
    })
}

/// The command that starts a worker, its memory limited before the
/// worker program runs (see [`limit_memory`]).
pub fn command(settings: &PdfSettings) -> Command {
    let mut command = Command::new(&settings.exe);
    command.args(["pdf-worker", "--memory-mb", &settings.memory_mb.to_string()]);
    let bytes = memory_bytes(settings.memory_mb);
    // SAFETY: the closure runs in the child between fork and exec and
    // calls only setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            limit_memory(bytes);
            Ok(())
        });
    }
    command
}

impl Worker {
    fn spawn(settings: &PdfSettings) -> Result<Worker, PdfFailure> {
        let mut child = command(settings)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                PdfFailure::new(
                    "pdf_worker_failed",
                    format!(
                        "cannot start the PDF worker {}: {e}",
                        settings.exe.display()
                    ),
                )
            })?;
        RUNNING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(child.id());
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let mut err_pipe = child.stderr.take().expect("piped");
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::with_capacity(1 << 16, stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut kept = sink.lock().unwrap_or_else(|p| p.into_inner());
                kept.extend_from_slice(&buf[..n]);
                let excess = kept.len().saturating_sub(16 * 1024);
                kept.drain(..excess);
            }
        });
        Ok(Worker {
            child,
            stdin,
            answers,
            stderr,
            key: (settings.exe.clone(), settings.memory_mb),
        })
    }

    fn ask(&mut self, bytes: &[u8], timeout: Duration) -> Result<Answer, PdfFailure> {
        let sent = self
            .stdin
            .write_all(&(bytes.len() as u64).to_le_bytes())
            .and_then(|_| self.stdin.write_all(bytes))
            .and_then(|_| self.stdin.flush());
        if sent.is_err() {
            return Err(self.died());
        }
        match self.answers.recv_timeout(timeout) {
            Ok(line) => serde_json::from_str(&line).map_err(|e| {
                PdfFailure::new(
                    "pdf_crashed",
                    format!("the PDF worker answered nonsense: {e}"),
                )
            }),
            Err(RecvTimeoutError::Timeout) => Err(PdfFailure::new(
                "pdf_timeout",
                format!(
                    "parsing took longer than {} s and was stopped (see --pdf-timeout)",
                    timeout.as_secs_f64()
                ),
            )),
            Err(RecvTimeoutError::Disconnected) => Err(self.died()),
        }
    }

    /// Why the worker stopped answering: out of memory, or a crash.
    fn died(&mut self) -> PdfFailure {
        let status = self.child.wait().ok();
        // Let the stderr reader catch the last words.
        std::thread::sleep(Duration::from_millis(20));
        let said = String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|p| p.into_inner()))
            .to_string();
        if said.contains("memory allocation") || said.contains("out of memory") {
            return PdfFailure::new(
                "pdf_too_large",
                "parsing needed more memory than allowed (see --pdf-memory) and was stopped",
            );
        }
        let how = if said.contains("overflowed its stack") {
            "the parser overflowed its stack".to_string()
        } else {
            match status {
                Some(s) => signal_or_code(s),
                None => "the worker vanished".to_string(),
            }
        };
        PdfFailure::new("pdf_crashed", format!("the PDF parser crashed ({how})"))
    }

    fn stop(self) {
        drop(self);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        forget(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal_or_code(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.signal(), s.code()) {
        (Some(sig), _) => format!("signal {sig}"),
        (None, Some(code)) => format!("exit code {code}"),
        _ => "unknown".to_string(),
    }
}

/// The worker side: limits itself, then answers requests until its input
/// closes. Runs as `formsift pdf-worker`.
pub fn serve(memory_mb: u64) -> std::io::Result<()> {
    // Already set before this program started, when formsift started it;
    // set again for a worker started by hand.
    limit_memory(memory_bytes(memory_mb));
    // SAFETY: prctl with PR_SET_PDEATHSIG only sets a flag of this process:
    // the worker dies with formsift, whatever happens to formsift.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    loop {
        let mut len = [0u8; 8];
        if input.read_exact(&mut len).is_err() {
            return Ok(()); // the parent is done
        }
        let mut bytes = vec![0u8; u64::from_le_bytes(len) as usize];
        input.read_exact(&mut bytes)?;
        let answer = match std::panic::catch_unwind(|| super::text(&bytes)) {
            Ok(Ok(text)) => Answer::Ok(text),
            Ok(Err(f)) => Answer::Err(f),
            Err(panic) => {
                let what = crate::error::panic_message(&*panic);
                let message = "formsift's PDF reader failed on this file (please report it)";
                Answer::Err(PdfFailure::new("pdf_unreadable", message).with_detail(what))
            }
        };
        // One write for the whole answer, not one per KB of stdout's buffer.
        let mut line = serde_json::to_vec(&answer)?;
        line.push(b'\n');
        output.write_all(&line)?;
        output.flush()?;
    }
}

fn memory_bytes(mb: u64) -> libc::rlim_t {
    mb.saturating_mul(1024 * 1024) as libc::rlim_t
}

/// Caps the memory a worker maps (`RLIMIT_DATA`: heap and private
/// mappings), so a PDF that wants gigabytes makes the allocation fail
/// instead of the machine swap. Set before the worker program starts: the
/// allocator reserves a gigabyte at its first allocation, and a limit set
/// after that reservation would not bound what is allocated inside it.
fn limit_memory(bytes: libc::rlim_t) {
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: setrlimit only reads the struct we pass.
    unsafe {
        libc::setrlimit(libc::RLIMIT_DATA, &limit);
    }
}
