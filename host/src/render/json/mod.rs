//! The `--json` shapes (schema 1). Field names here are a contract with scripts and agents:
//! add fields freely, never rename or remove one.

use serde::Serialize;

use crate::bindings::exports::qianwen::auth::types as wit;
use crate::io::{Io, outln};
use crate::names::Named;

mod init;
mod status;
#[cfg(test)]
mod tests;
mod tokenplan;
mod update;
mod verify;

pub use init::Init;
pub use status::Status;
pub use tokenplan::{Links, TokenPlan};
pub use update::Update;
pub use verify::{Previous, Verify};

/// The version of every `--json` shape.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
pub struct Key<'a> {
    pub name: &'static str,
    pub source: &'static str,
    pub path: Option<&'a str>,
    pub line: Option<u32>,
    pub kind: &'static str,
    pub masked: Option<&'a str>,
    pub detail: &'a str,
}

impl<'a> From<&'a wit::KeyReport> for Key<'a> {
    fn from(k: &'a wit::KeyReport) -> Self {
        Self {
            name: k.name.name(),
            source: k.source.name(),
            path: k.path.as_deref(),
            line: k.line,
            kind: k.kind.name(),
            masked: k.masked.as_deref(),
            detail: &k.detail,
        }
    }
}

#[derive(Serialize)]
pub struct Warning<'a> {
    pub code: &'static str,
    pub message: &'a str,
}

impl<'a> From<&'a wit::Warning> for Warning<'a> {
    fn from(w: &'a wit::Warning) -> Self {
        Self {
            code: w.code.name(),
            message: &w.message,
        }
    }
}

#[derive(Serialize)]
pub struct Link<'a> {
    pub topic: &'static str,
    pub title: &'a str,
    pub url: &'a str,
}

impl<'a> From<&'a wit::Link> for Link<'a> {
    fn from(l: &'a wit::Link) -> Self {
        Self {
            topic: l.topic.name(),
            title: &l.title,
            url: &l.url,
        }
    }
}

/// A command that refused to start, and why: for scripts that read stdout only.
#[derive(Serialize)]
pub struct Refused<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub error: &'a str,
    pub next_step: &'a str,
    pub exit_code: u8,
}

impl<'a> Refused<'a> {
    pub fn new(
        command: &'static str,
        error: &'a str,
        next_step: &'a str,
        exit: crate::exit::Exit,
    ) -> Self {
        Self {
            schema: SCHEMA,
            command,
            error,
            next_step,
            exit_code: exit.code(),
        }
    }
}

/// One JSON object on one line.
pub fn print(io: &mut Io, value: &impl Serialize) -> std::io::Result<()> {
    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    outln!(io, "{}", qianwen_auth_facts::text::for_json(&text))
}
