//! `update-check` for people.

use std::fmt::Write;

use crate::bindings::exports::qianwen::auth::update_check::{
    UpdateChoice, UpdateReport, UpdateState,
};
use crate::io::Style;
use qianwen_auth_facts::text::one_line;

/// What running the named command came to, with its output already scrubbed.
#[derive(Debug)]
pub struct Ran {
    /// What was run, program first.
    pub argv: Vec<String>,
    /// The same, as one would type it.
    pub shown: String,
    /// Its exit code; none when it was stopped or never started.
    pub code: Option<i32>,
    pub timed_out: bool,
    /// Why it could not be started.
    pub error: Option<String>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed_ms: u64,
    /// Bytes of output beyond what was kept.
    pub dropped: u64,
}

impl Ran {
    /// It ran and exited with 0.
    pub fn succeeded(&self) -> bool {
        self.code == Some(0)
    }

    /// How it ended, in words.
    pub fn ending(&self) -> String {
        let seconds = self.elapsed_ms as f64 / 1000.0;
        match (&self.error, self.code) {
            (Some(why), _) => format!("could not be started: {why}"),
            _ if self.timed_out => {
                format!("stopped after {seconds:.1} s, at the time limit, with what it started")
            }
            (None, Some(code)) => format!("exited with {code} after {seconds:.1} s"),
            (None, None) => format!("was stopped by a signal after {seconds:.1} s"),
        }
    }
}

/// The update check's result, where its state is kept, and what ran.
pub fn update(
    report: &UpdateReport,
    state: Option<&str>,
    ran: Option<&Ran>,
    recorded: bool,
    style: Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading("Update check"));
    let mark = if report.skill.is_some() {
        style.ok()
    } else {
        style.warn()
    };
    let _ = writeln!(out, "  {mark} {}", report.message);
    match &report.state {
        UpdateState::Installed(checker) => {
            let _ = writeln!(out, "  Checker: {}", checker.shown);
        }
        UpdateState::Asked(choices) => out.push_str(&question(choices)),
        UpdateState::Quiet | UpdateState::Answered(_) => {}
    }
    if let (Some(state), true) = (state, recorded) {
        let _ = writeln!(out, "  Recorded in {state}.");
    } else if let (Some(state), UpdateState::Quiet) = (state, &report.state) {
        let _ = writeln!(out, "  The reminder's state: {state}.");
    }
    if matches!(report.state, UpdateState::Asked(_) | UpdateState::Quiet) {
        let _ = writeln!(out, "\n{}", style.heading("Looked for"));
        for candidate in &report.searched {
            let _ = writeln!(out, "  - {}", one_line(candidate));
        }
    }
    if let Some(ran) = ran {
        let mark = if ran.succeeded() {
            style.ok()
        } else {
            style.bad()
        };
        let _ = writeln!(out, "\n{}", style.heading("Ran"));
        let _ = writeln!(out, "  {mark} {}: {}", ran.shown, ran.ending());
        if !ran.stdout.is_empty() {
            let _ = writeln!(out, "\n{}", ran.stdout.trim_end());
        }
        if ran.dropped > 0 {
            let _ = writeln!(
                out,
                "  ({} more bytes of output were not kept)",
                ran.dropped
            );
        }
    } else {
        super::next_steps(&mut out, &report.next_steps, &[], style);
    }
    out
}

/// The reminder's three choices.
pub fn question(choices: &[UpdateChoice]) -> String {
    let mut out = String::new();
    for choice in choices {
        let _ = writeln!(out, "  {}. {}", choice.number, choice.label);
    }
    out
}
