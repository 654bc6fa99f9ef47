//! Progress on a terminal and the closing summary line, both on stderr.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::record::Record;

/// Counts of a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub forms: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub unreadable: usize,
}

impl Tally {
    /// Counts the records of one document.
    pub fn add(&mut self, records: &[Record]) {
        for r in records {
            if r.error.is_some() {
                self.unreadable += 1;
            } else {
                self.forms += 1;
                if r.complete {
                    self.complete += 1;
                } else {
                    self.incomplete += 1;
                }
            }
        }
    }

    /// Every form read and complete.
    pub fn all_complete(&self) -> bool {
        self.incomplete == 0 && self.unreadable == 0
    }
}

/// A progress bar that shows only on a terminal, and only once a batch has
/// taken more than a moment.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: bool,
    enabled: bool,
    pub tally: Tally,
}

const MOMENT: Duration = Duration::from_millis(400);

impl Progress {
    /// `quiet` hides the bar (and the summary).
    pub fn new(total: usize, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} files  {per_sec}  eta {eta}")
                .expect("a valid template"),
        );
        Progress {
            bar,
            start: Instant::now(),
            shown: false,
            enabled: !quiet && std::io::stderr().is_terminal(),
            tally: Tally::default(),
        }
    }

    /// One document done.
    pub fn document(&mut self, records: &[Record]) {
        let mut tally = Tally::default();
        tally.add(records);
        self.counted(tally);
    }

    /// One document done, counted already.
    pub fn counted(&mut self, tally: Tally) {
        self.tally.forms += tally.forms;
        self.tally.complete += tally.complete;
        self.tally.incomplete += tally.incomplete;
        self.tally.unreadable += tally.unreadable;
        self.bar.inc(1);
        if self.enabled && !self.shown && self.start.elapsed() > MOMENT {
            self.bar
                .set_draw_target(ProgressDrawTarget::stderr_with_hz(8));
            self.shown = true;
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// One line: forms read, complete, incomplete, unreadable, time, rate.
    pub fn summary(&self) -> String {
        let t = self.tally;
        let secs = self.start.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            t.forms as f64 / secs
        } else {
            0.0
        };
        format!(
            "formsift: {} form(s) read: {} complete, {} incomplete; {} file(s) unreadable; {secs:.2} s, {rate:.0} forms/s",
            t.forms, t.complete, t.incomplete, t.unreadable
        )
    }
}
