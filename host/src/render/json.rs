//! The `--json` shapes (schema 1). Field names here are a contract with scripts and agents:
//! add fields freely, never rename or remove one.

use serde::Serialize;

use crate::bindings::exports::qianwen::auth::types as wit;

pub const SCHEMA: u32 = 1;

pub fn source(source: wit::Source) -> &'static str {
    match source {
        wit::Source::Env => "env",
        wit::Source::CwdDotenv => "cwd-dotenv",
        wit::Source::RepoDotenv => "repo-dotenv",
    }
}

pub fn kind(kind: wit::KeyKind) -> &'static str {
    match kind {
        wit::KeyKind::Standard => "standard",
        wit::KeyKind::Plan => "plan",
        wit::KeyKind::Placeholder => "placeholder",
        wit::KeyKind::Foreign => "foreign",
        wit::KeyKind::Malformed => "malformed",
    }
}

pub fn verdict(verdict: wit::Verdict) -> &'static str {
    match verdict {
        wit::Verdict::Usable => "usable",
        wit::Verdict::NoUsableKey => "no-usable-key",
        wit::Verdict::PlanKey => "plan-key",
    }
}

#[derive(Serialize)]
pub struct Key<'a> {
    pub name: &'a str,
    pub source: &'static str,
    pub path: Option<&'a str>,
    pub kind: &'static str,
    pub masked: Option<&'a str>,
    pub detail: &'a str,
}

impl<'a> From<&'a wit::KeyReport> for Key<'a> {
    fn from(k: &'a wit::KeyReport) -> Self {
        Self {
            name: &k.name,
            source: source(k.source),
            path: k.path.as_deref(),
            kind: kind(k.kind),
            masked: k.masked.as_deref(),
            detail: &k.detail,
        }
    }
}

#[derive(Serialize)]
pub struct Warning<'a> {
    pub code: &'a str,
    pub message: &'a str,
}

impl<'a> From<&'a wit::Warning> for Warning<'a> {
    fn from(w: &'a wit::Warning) -> Self {
        Self {
            code: &w.code,
            message: &w.message,
        }
    }
}

#[derive(Serialize)]
pub struct Link<'a> {
    pub topic: &'a str,
    pub title: &'a str,
    pub url: &'a str,
}

impl<'a> From<&'a wit::Link> for Link<'a> {
    fn from(l: &'a wit::Link) -> Self {
        Self {
            topic: &l.topic,
            title: &l.title,
            url: &l.url,
        }
    }
}

#[derive(Serialize)]
pub struct Variable<'a> {
    pub name: &'a str,
    pub set: bool,
    pub source: Option<&'static str>,
}

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
                    source: v.source.map(source),
                })
                .collect(),
            problems: o.problems.iter().map(Warning::from).collect(),
            summary: &o.summary,
        }
    }
}

#[derive(Serialize)]
pub struct DotenvFile<'a> {
    pub source: &'static str,
    pub path: &'a str,
    pub state: &'a str,
    pub entries: u32,
}

#[derive(Serialize)]
pub struct Status<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub verdict: &'static str,
    pub key: Option<Key<'a>>,
    pub shadowed: Vec<Key<'a>>,
    pub endpoint: &'a str,
    pub probe_url: &'a str,
    pub region: &'a str,
    pub endpoint_chosen_by: &'a str,
    pub warnings: Vec<Warning<'a>>,
    pub oss: Oss<'a>,
    pub next_steps: &'a [String],
    pub links: Vec<Link<'a>>,
    pub dotenv_files: Vec<DotenvFile<'a>>,
    pub exit_code: u8,
}

impl<'a> Status<'a> {
    pub fn new(r: &'a wit::StatusReport, exit_code: u8) -> Self {
        Self {
            schema: SCHEMA,
            command: "status",
            verdict: verdict(r.verdict),
            key: r.key.as_ref().map(Key::from),
            shadowed: r.shadowed.iter().map(Key::from).collect(),
            endpoint: &r.endpoint.base,
            probe_url: &r.endpoint.probe_url,
            region: &r.endpoint.region,
            endpoint_chosen_by: &r.endpoint.chosen_by,
            warnings: r.warnings.iter().map(Warning::from).collect(),
            oss: Oss::from(&r.oss),
            next_steps: &r.next_steps,
            links: r.links.iter().map(Link::from).collect(),
            dotenv_files: r
                .dotenv_files
                .iter()
                .map(|d| DotenvFile {
                    source: source(d.source),
                    path: &d.path,
                    state: &d.state,
                    entries: d.entries,
                })
                .collect(),
            exit_code,
        }
    }
}

/// One JSON object on one line.
pub fn print(value: &impl Serialize) -> std::io::Result<()> {
    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    crate::output::outln!("{text}")
}

pub fn outcome(outcome: wit::Outcome) -> &'static str {
    use wit::Outcome::*;
    match outcome {
        Pass => "pass",
        AuthRejected => "auth-rejected",
        AuthMissing => "auth-missing",
        PlanKeyRefused => "plan-key-refused",
        NoKey => "no-key",
        Billing => "billing",
        AccessDenied => "access-denied",
        QuotaExhausted => "quota-exhausted",
        RateLimited => "rate-limited",
        ModelNotFound => "model-not-found",
        BadRequest => "bad-request",
        ServerError => "server-error",
        BadResponse => "bad-response",
        Network => "network",
        Timeout => "timeout",
        HostDenied => "host-denied",
    }
}

#[derive(Serialize)]
pub struct Attempt {
    pub http_status: Option<u16>,
    pub latency_ms: u64,
    pub outcome: &'static str,
}

#[derive(Serialize)]
pub struct Verify<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub outcome: &'static str,
    pub http_status: Option<u16>,
    pub cause: &'a str,
    pub next_step: &'a str,
    pub links: Vec<Link<'a>>,
    pub hints: &'a [String],
    pub key: Option<Key<'a>>,
    pub endpoint: &'a str,
    pub probe_url: &'a str,
    pub region: &'a str,
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

#[derive(Serialize)]
pub struct Previous<'a> {
    pub outcome: &'static str,
    pub http_status: Option<u16>,
    pub evidence: Option<&'a str>,
}

impl<'a> From<&'a wit::VerifyReport> for Previous<'a> {
    fn from(r: &'a wit::VerifyReport) -> Self {
        Self {
            outcome: outcome(r.outcome),
            http_status: r.http_status,
            evidence: r.evidence.as_deref(),
        }
    }
}

pub fn answer(answer: wit::FlowAnswer) -> &'static str {
    match answer {
        wit::FlowAnswer::Console => "console",
        wit::FlowAnswer::Invalid => "invalid",
    }
}

#[derive(Serialize)]
pub struct Choice<'a> {
    pub number: u8,
    pub answer: &'static str,
    pub label: &'a str,
}

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
        Self {
            step: f.step,
            question: f.question.as_deref(),
            choices: f
                .choices
                .iter()
                .map(|c| Choice {
                    number: c.number,
                    answer: answer(c.answer),
                    label: &c.label,
                })
                .collect(),
            guidance: &f.guidance,
            answer: f.answer.map(answer),
        }
    }
}

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

#[derive(Serialize)]
pub struct PlanModel<'a> {
    pub name: &'a str,
    pub team_only: bool,
}

#[derive(Serialize)]
pub struct TokenPlan<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub as_of: &'a str,
    pub refusal: &'a str,
    pub key_kinds: &'a [String],
    pub allowed_tools: &'a [String],
    pub forbidden_uses: &'a [String],
    pub text_models: Vec<PlanModel<'a>>,
    pub image_models: Vec<PlanModel<'a>>,
    pub video_models: &'a [String],
    pub speech_models: &'a [String],
    pub not_covered: &'a [String],
    pub billing: &'a str,
    pub known_errors: &'a [String],
    pub links: Vec<Link<'a>>,
}

impl<'a> TokenPlan<'a> {
    pub fn new(t: &'a wit::TokenPlan) -> Self {
        let models = |list: &'a [wit::PlanModel]| {
            list.iter()
                .map(|m| PlanModel {
                    name: &m.name,
                    team_only: m.team_only,
                })
                .collect()
        };
        Self {
            schema: SCHEMA,
            command: "tokenplan",
            as_of: &t.as_of,
            refusal: &t.refusal,
            key_kinds: &t.key_kinds,
            allowed_tools: &t.allowed_tools,
            forbidden_uses: &t.forbidden_uses,
            text_models: models(&t.text_models),
            image_models: models(&t.image_models),
            video_models: &t.video_models,
            speech_models: &t.speech_models,
            not_covered: &t.not_covered,
            billing: &t.billing,
            known_errors: &t.known_errors,
            links: t.links.iter().map(Link::from).collect(),
        }
    }
}

#[derive(Serialize)]
pub struct Links<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub links: Vec<Link<'a>>,
}

impl<'a> Links<'a> {
    pub fn new(links: &[&'a wit::Link]) -> Self {
        Self {
            schema: SCHEMA,
            command: "links",
            links: links.iter().map(|l| Link::from(*l)).collect(),
        }
    }
}

impl<'a> Verify<'a> {
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
            outcome: outcome(r.outcome),
            http_status: r.http_status,
            cause: &r.cause,
            next_step: &r.next_step,
            links: r.links.iter().map(Link::from).collect(),
            hints: &r.hints,
            key: r.key.as_ref().map(Key::from),
            endpoint: &r.endpoint.base,
            probe_url: &r.endpoint.probe_url,
            region: &r.endpoint.region,
            attempts: r
                .attempts
                .iter()
                .map(|a| Attempt {
                    http_status: a.http_status,
                    latency_ms: a.latency_ms,
                    outcome: outcome(a.outcome),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases of `enum name` in the WIT, in order.
    fn wit_cases(name: &str) -> Vec<String> {
        let wit = include_str!("../../../wit/qianwen-auth.wit");
        let start = wit.find(&format!("enum {name} {{")).unwrap();
        let body = &wit[start..start + wit[start..].find('}').unwrap()];
        body.lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("///"))
            .map(|l| l.trim_end_matches(',').to_string())
            .collect()
    }

    /// JSON spells every case as the WIT does: the schema is the WIT's own words.
    #[test]
    fn names_are_the_wit_case_names() {
        use wit::{InitOutcome as I, KeyKind as K, Outcome as O, Source as S, Verdict as V};
        let names = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            names(vec![
                source(S::Env),
                source(S::CwdDotenv),
                source(S::RepoDotenv)
            ]),
            wit_cases("source")
        );
        assert_eq!(
            names(
                [
                    K::Standard,
                    K::Plan,
                    K::Placeholder,
                    K::Foreign,
                    K::Malformed
                ]
                .map(kind)
                .to_vec()
            ),
            wit_cases("key-kind")
        );
        assert_eq!(
            names(
                [V::Usable, V::NoUsableKey, V::PlanKey]
                    .map(verdict)
                    .to_vec()
            ),
            wit_cases("verdict")
        );
        let outcomes = [
            O::Pass,
            O::AuthRejected,
            O::AuthMissing,
            O::PlanKeyRefused,
            O::NoKey,
            O::Billing,
            O::AccessDenied,
            O::QuotaExhausted,
            O::RateLimited,
            O::ModelNotFound,
            O::BadRequest,
            O::ServerError,
            O::BadResponse,
            O::Network,
            O::Timeout,
            O::HostDenied,
        ];
        assert_eq!(names(outcomes.map(outcome).to_vec()), wit_cases("outcome"));
        let inits = [
            I::Changed,
            I::Unchanged,
            I::KeyRefused,
            I::PlanKeyRefused,
            I::Failed,
        ];
        assert_eq!(
            names(inits.map(init_outcome).to_vec()),
            wit_cases("init-outcome")
        );
        assert_eq!(
            names(
                [wit::FlowAnswer::Console, wit::FlowAnswer::Invalid]
                    .map(answer)
                    .to_vec()
            ),
            wit_cases("flow-answer")
        );
    }
}
