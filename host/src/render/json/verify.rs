//! `verify --json`: the report, its attempts, and the 401 flow.
use serde::Serialize;

use super::{Key, Link, SCHEMA, Warning};
use crate::bindings::exports::qianwen::auth::types as wit;
use crate::names::Named;
use crate::render::advice::{spell, spell_all};
use qianwen_auth_facts::evidence::Attempt;

/// `verify --json`.
#[derive(Serialize)]
pub struct Verify<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub outcome: &'static str,
    pub key_judgement: &'static str,
    pub http_status: Option<u16>,
    pub cause: &'a str,
    pub next_step: String,
    pub links: Vec<Link<'a>>,
    pub hints: Vec<String>,
    pub key: Option<Key<'a>>,
    pub endpoint: &'a str,
    pub probe_url: &'a str,
    pub region: &'static str,
    pub attempts: Vec<Attempt>,
    pub latency_ms: Option<u64>,
    pub server_code: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub excerpt: Option<&'a str>,
    pub evidence: Option<&'a str>,
    pub evidence_error: Option<&'a str>,
    pub warnings: Vec<Warning<'a>>,
    pub granted_hosts: &'a [String],
    pub refused_requests: &'a [String],
    pub timeout_s: u64,
    pub flow: Option<Flow<'a>>,
    /// The first verification, when the 401 flow verified again.
    pub previous: Option<Previous<'a>>,
    pub exit_code: u8,
}

/// The verification before the 401 flow verified again.
#[derive(Serialize)]
pub struct Previous<'a> {
    pub outcome: &'static str,
    pub http_status: Option<u16>,
    pub evidence: Option<&'a str>,
}

impl<'a> From<&'a wit::VerifyReport> for Previous<'a> {
    fn from(r: &'a wit::VerifyReport) -> Self {
        Self {
            outcome: r.outcome.name(),
            http_status: r.http_status,
            evidence: r.evidence.as_deref(),
        }
    }
}

/// One of the 401 flow's choices.
#[derive(Serialize)]
pub struct Choice<'a> {
    pub number: u8,
    pub answer: &'static str,
    pub label: &'a str,
}

/// The 401 flow, numbered by step.
#[derive(Serialize)]
pub struct Flow<'a> {
    pub step: u8,
    pub question: Option<&'a str>,
    pub choices: Vec<Choice<'a>>,
    pub guidance: &'a str,
    pub answer: Option<&'static str>,
}

impl<'a> From<&'a wit::Flow> for Flow<'a> {
    fn from(f: &'a wit::Flow) -> Self {
        let asked = match f {
            wit::Flow::Asked(question) => Some(question),
            _ => None,
        };
        Self {
            step: f.step(),
            question: asked.map(|q| q.question.as_str()),
            choices: asked
                .iter()
                .flat_map(|q| &q.choices)
                .map(|c| Choice {
                    number: c.number,
                    answer: c.answer.name(),
                    label: &c.label,
                })
                .collect(),
            guidance: f.guidance(),
            answer: f.answer().map(Named::name),
        }
    }
}

impl<'a> Verify<'a> {
    /// The JSON for `verify`'s report, what the host granted and refused, and the exit code.
    pub fn new(
        r: &'a wit::VerifyReport,
        granted_hosts: &'a [String],
        refused_requests: &'a [String],
        timeout_s: u64,
        exit_code: u8,
    ) -> Self {
        Self {
            schema: SCHEMA,
            command: "verify",
            outcome: r.outcome.name(),
            key_judgement: r.key_judgement.name(),
            http_status: r.http_status,
            cause: &r.cause,
            next_step: spell(&r.next_step, Some(timeout_s)),
            links: r.links.iter().map(Link::from).collect(),
            hints: spell_all(&r.hints, Some(timeout_s)),
            key: r.key.as_ref().map(Key::from),
            endpoint: &r.endpoint.base,
            probe_url: &r.endpoint.probe_url,
            region: r.endpoint.region.name(),
            attempts: r
                .attempts
                .iter()
                .map(|a| Attempt {
                    http_status: a.http_status,
                    latency_ms: a.latency_ms,
                    outcome: a.outcome.name().into(),
                })
                .collect(),
            latency_ms: r.attempts.last().map(|a| a.latency_ms),
            server_code: r.server_code.as_deref(),
            request_id: r.request_id.as_deref(),
            excerpt: r.excerpt.as_deref(),
            evidence: r.evidence.as_deref(),
            evidence_error: r.evidence_error.as_deref(),
            warnings: r.warnings.iter().map(Warning::from).collect(),
            granted_hosts,
            refused_requests,
            timeout_s,
            flow: r.flow.as_ref().map(Flow::from),
            previous: None,
            exit_code,
        }
    }
}
