//! `update-check --json`.
use serde::Serialize;

use super::SCHEMA;
use crate::bindings::exports::qianwen::auth::update_check as wit;
use crate::names::Named;
use crate::render::Ran;

/// `update-check --json`.
#[derive(Serialize)]
pub struct Update<'a> {
    pub schema: u32,
    pub command: &'static str,
    /// `installed`, `asked`, `quiet` or `answered`.
    pub state: &'static str,
    pub installed: bool,
    pub skill: Option<&'a str>,
    pub searched: &'a [String],
    pub message: &'a str,
    /// The skill's checker, program first.
    pub checker: Option<Vec<&'a str>>,
    /// The three choices while the question is open; empty otherwise.
    pub choices: Vec<Choice<'a>>,
    pub answer: Option<&'static str>,
    /// What the answer runs, program first (with `--run`).
    pub answer_command: Option<Vec<&'a str>>,
    pub reminder: Reminder<'a>,
    /// The answer was recorded in `reminder.file` (after answer 1, only once the install has
    /// succeeded).
    pub recorded: bool,
    /// Candidates that are there but were not used, and why.
    pub skipped: Vec<Skipped<'a>>,
    pub run: Option<Run<'a>>,
    pub next_steps: &'a [String],
    pub warnings: &'a [String],
    pub exit_code: u8,
}

/// A candidate that was not used.
#[derive(Serialize)]
pub struct Skipped<'a> {
    pub path: &'a str,
    pub why: &'a str,
}

/// One of the reminder's choices.
#[derive(Serialize)]
pub struct Choice<'a> {
    pub number: u8,
    pub answer: &'static str,
    pub label: &'a str,
    pub command: Option<Vec<&'a str>>,
}

/// The reminder after this check, and where it is kept.
#[derive(Serialize)]
pub struct Reminder<'a> {
    /// `due`, `dismissed` or `never`.
    pub state: &'static str,
    /// When a dismissal ends, in seconds since the Unix epoch.
    pub until_unix: Option<u64>,
    pub file: Option<&'a str>,
}

/// The command `--run` ran.
#[derive(Serialize)]
pub struct Run<'a> {
    pub command: &'a [String],
    pub exit_status: Option<i32>,
    pub timed_out: bool,
    pub error: Option<&'a str>,
    pub stdout: &'a str,
    pub stderr: &'a str,
    pub dropped_bytes: u64,
    pub elapsed_ms: u64,
}

fn argv(command: &wit::Command) -> Vec<&str> {
    std::iter::once(command.program.as_str())
        .chain(command.args.iter().map(String::as_str))
        .collect()
}

impl<'a> Update<'a> {
    /// The JSON for the update check, where its state is kept, what ran, and the exit code.
    /// One line or two per field of the schema, in its order.
    pub fn new(
        r: &'a wit::UpdateReport,
        warnings: &'a [String],
        file: Option<&'a str>,
        ran: Option<&'a Ran>,
        recorded: bool,
        skipped: &'a [wit::SkippedSkill],
        exit_code: u8,
    ) -> Self {
        let (state, checker, choices, answer, answer_command) = match &r.state {
            wit::UpdateState::Installed(checker) => {
                ("installed", Some(argv(checker)), Vec::new(), None, None)
            }
            wit::UpdateState::Asked(choices) => (
                "asked",
                None,
                choices
                    .iter()
                    .map(|c| Choice {
                        number: c.number,
                        answer: c.answer.name(),
                        label: &c.label,
                        command: c.command.as_ref().map(argv),
                    })
                    .collect(),
                None,
                None,
            ),
            wit::UpdateState::Quiet => ("quiet", None, Vec::new(), None, None),
            wit::UpdateState::Answered((answer, command)) => (
                "answered",
                None,
                Vec::new(),
                Some(answer.name()),
                command.as_ref().map(argv),
            ),
        };
        let (reminder, until_unix) = match r.reminder {
            wit::Reminder::Due => ("due", None),
            wit::Reminder::Dismissed(until) => ("dismissed", Some(until)),
            wit::Reminder::Never => ("never", None),
        };
        Self {
            schema: SCHEMA,
            command: "update-check",
            state,
            installed: r.skill.is_some(),
            skill: r.skill.as_deref(),
            searched: &r.searched,
            message: &r.message,
            checker,
            choices,
            answer,
            answer_command,
            reminder: Reminder {
                state: reminder,
                until_unix,
                file,
            },
            recorded,
            skipped: skipped
                .iter()
                .map(|s| Skipped {
                    path: &s.path,
                    why: &s.why,
                })
                .collect(),
            run: ran.map(|ran| Run {
                command: &ran.argv,
                exit_status: ran.code,
                timed_out: ran.timed_out,
                error: ran.error.as_deref(),
                stdout: &ran.stdout,
                stderr: &ran.stderr,
                dropped_bytes: ran.dropped,
                elapsed_ms: ran.elapsed_ms,
            }),
            next_steps: &r.next_steps,
            warnings,
            exit_code,
        }
    }
}
