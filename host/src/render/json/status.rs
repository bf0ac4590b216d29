//! `status --json`.
use serde::Serialize;

use super::{Key, Link, SCHEMA, Warning};
use crate::bindings::exports::qianwen::auth::types as wit;
use crate::names::Named;
use crate::render::advice::{chosen_by, spell_all};

/// An OSS variable: set or not, and where.
#[derive(Serialize)]
pub struct Variable<'a> {
    pub name: &'a str,
    pub set: bool,
    pub source: Option<&'static str>,
}

/// The OSS settings.
#[derive(Serialize)]
pub struct Oss<'a> {
    pub enabled: bool,
    pub credentials: Option<&'a str>,
    pub access_key_id: Option<&'a str>,
    pub variables: Vec<Variable<'a>>,
    pub problems: Vec<Warning<'a>>,
    pub summary: &'a str,
}

impl<'a> From<&'a wit::OssReport> for Oss<'a> {
    fn from(o: &'a wit::OssReport) -> Self {
        Self {
            enabled: o.enabled,
            credentials: o.credentials.as_deref(),
            access_key_id: o.access_key_id.as_deref(),
            variables: o
                .variables
                .iter()
                .map(|v| Variable {
                    name: &v.name,
                    set: v.set,
                    source: v.source.map(Named::name),
                })
                .collect(),
            problems: o.problems.iter().map(Warning::from).collect(),
            summary: &o.summary,
        }
    }
}

/// A `.env` file the chain consulted.
#[derive(Serialize)]
pub struct DotenvFile<'a> {
    pub source: &'static str,
    pub path: &'a str,
    pub state: &'static str,
    pub entries: u32,
}

/// `status --json`.
#[derive(Serialize)]
pub struct Status<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub verdict: &'static str,
    pub key: Option<Key<'a>>,
    pub shadowed: Vec<Key<'a>>,
    pub endpoint: &'a str,
    pub probe_url: &'a str,
    pub region: &'static str,
    pub endpoint_chosen_by: String,
    pub warnings: Vec<Warning<'a>>,
    pub oss: Oss<'a>,
    pub next_steps: Vec<String>,
    pub links: Vec<Link<'a>>,
    pub dotenv_files: Vec<DotenvFile<'a>>,
    /// Key lines that are there but cannot be read, as `FILE:LINE`.
    pub unreadable_keys: &'a [String],
    pub exit_code: u8,
}

impl<'a> Status<'a> {
    /// The JSON for `status`'s report and the exit code it ends with.
    pub fn new(r: &'a wit::StatusReport, exit_code: u8) -> Self {
        Self {
            schema: SCHEMA,
            command: "status",
            verdict: r.verdict.name(),
            key: r.key.as_ref().map(Key::from),
            shadowed: r.shadowed.iter().map(Key::from).collect(),
            endpoint: &r.endpoint.base,
            probe_url: &r.endpoint.probe_url,
            region: r.endpoint.region.name(),
            endpoint_chosen_by: chosen_by(&r.endpoint.chosen_by),
            warnings: r.warnings.iter().map(Warning::from).collect(),
            oss: Oss::from(&r.oss),
            next_steps: spell_all(&r.next_steps, None),
            links: r.links.iter().map(Link::from).collect(),
            dotenv_files: r
                .dotenv_files
                .iter()
                .map(|d| DotenvFile {
                    source: d.source.name(),
                    path: &d.path,
                    state: d.state.name(),
                    entries: d.entries,
                })
                .collect(),
            unreadable_keys: &r.unreadable_keys,
            exit_code,
        }
    }
}
