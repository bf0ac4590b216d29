//! `init --json`.
use serde::Serialize;

use super::{Key, Link, SCHEMA, Warning, verdict};
use crate::bindings::exports::qianwen::auth::types as wit;

pub fn init_outcome(outcome: wit::InitOutcome) -> &'static str {
    match outcome {
        wit::InitOutcome::Changed => "changed",
        wit::InitOutcome::Unchanged => "unchanged",
        wit::InitOutcome::KeyRefused => "key-refused",
        wit::InitOutcome::PlanKeyRefused => "plan-key-refused",
        wit::InitOutcome::Failed => "failed",
    }
}

#[derive(Serialize)]
pub struct Init<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub outcome: &'static str,
    pub changes: &'a [String],
    pub summary: &'a str,
    pub key: Option<Key<'a>>,
    pub verdict: &'static str,
    pub next_steps: &'a [String],
    pub links: Vec<Link<'a>>,
    pub warnings: Vec<Warning<'a>>,
    pub exit_code: u8,
}

impl<'a> Init<'a> {
    pub fn new(r: &'a wit::InitReport, exit_code: u8) -> Self {
        Self {
            schema: SCHEMA,
            command: "init",
            outcome: init_outcome(r.outcome),
            changes: &r.changes,
            summary: &r.summary,
            key: r.key.as_ref().map(Key::from),
            verdict: verdict(r.verdict),
            next_steps: &r.next_steps,
            links: r.links.iter().map(Link::from).collect(),
            warnings: r.warnings.iter().map(Warning::from).collect(),
            exit_code,
        }
    }
}
