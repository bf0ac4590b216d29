//! `init --json`.
use serde::Serialize;

use super::{Key, Link, SCHEMA, Warning};
use crate::bindings::exports::qianwen::auth::types as wit;
use crate::names::Named;
use crate::render::advice::spell_all;

/// `init --json`.
#[derive(Serialize)]
pub struct Init<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub outcome: &'static str,
    pub changes: &'a [String],
    pub summary: &'a str,
    pub key: Option<Key<'a>>,
    pub verdict: &'static str,
    pub next_steps: Vec<String>,
    pub links: Vec<Link<'a>>,
    pub warnings: Vec<Warning<'a>>,
    pub exit_code: u8,
}

impl<'a> Init<'a> {
    /// The JSON for `init`'s report and the exit code it ends with.
    pub fn new(r: &'a wit::InitReport, exit_code: u8) -> Self {
        Self {
            schema: SCHEMA,
            command: "init",
            outcome: r.outcome.name(),
            changes: &r.changes,
            summary: &r.summary,
            key: r.key.as_ref().map(Key::from),
            verdict: r.verdict.name(),
            next_steps: spell_all(&r.next_steps, None),
            links: r.links.iter().map(Link::from).collect(),
            warnings: r.warnings.iter().map(Warning::from).collect(),
            exit_code,
        }
    }
}
