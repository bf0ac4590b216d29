//! docs/behaviour.md#verification, verification's judgement: what an answer from the verification
//! request means (the error table in `table`, matched on the server's error code, never on message
//! text alone), what it shows about the key, and what a transport failure means.

mod fields;
mod table;

use serde_json::Value;

use crate::scrub::Scrubber;
use crate::transport::{BODY_CAP, Failure, ProxyStage, TransportError};
use crate::wit::types::{Advice, KeyJudgement, LinkTopic, Outcome, Remedy};

pub use table::ROWS;

/// The longest quotation of the server's message in a cause.
const QUOTE_CHARS: usize = 200;

/// A judgement of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub outcome: Outcome,
    pub cause: String,
    pub next_step: Advice,
    pub links: Vec<LinkTopic>,
    /// The error code the server named.
    pub server_code: Option<String>,
    pub request_id: Option<String>,
    /// Worth another try (429 and 5xx only).
    pub retryable: bool,
}

/// What an outcome shows about the key. An answer from past the key check (the account, the
/// model, the parameters, the content) shows the key was accepted.
pub fn key_judgement(outcome: Outcome) -> KeyJudgement {
    match outcome {
        Outcome::Pass
        | Outcome::Billing
        | Outcome::AccessDenied
        | Outcome::QuotaExhausted
        | Outcome::ModelNotFound
        | Outcome::ParameterRefused
        | Outcome::ContentRefused => KeyJudgement::Accepted,
        Outcome::AuthRejected => KeyJudgement::Rejected,
        Outcome::AuthMissing
        | Outcome::PlanKeyRefused
        | Outcome::NoKey
        | Outcome::RateLimited
        | Outcome::BadRequest
        | Outcome::ServerError
        | Outcome::BadResponse
        | Outcome::Network
        | Outcome::Timeout
        | Outcome::HostDenied => KeyJudgement::NotJudged,
    }
}

/// Judge an HTTP answer. `truncated`: the body was longer than the cap and was cut. Whatever
/// the judgement repeats from the answer (its code, message, request id, the redirect's host
/// from the `location` header) passes `scrubber`, since servers echo keys.
pub fn response(
    status: u16,
    body: &[u8],
    truncated: bool,
    location: Option<&str>,
    scrubber: &Scrubber,
) -> Judgement {
    let judgement = judge_answer(status, body, truncated, location, scrubber);
    let clean = |text: String| scrubber.scrub_foreign(&text);
    Judgement {
        cause: clean(judgement.cause),
        next_step: clean(judgement.next_step.words).into(),
        server_code: judgement.server_code.map(clean),
        request_id: judgement.request_id.map(clean),
        ..judgement
    }
}

/// A quotation of the server's words as far as it can be made safe: it stops where a secret or
/// something shaped like a key stood, so that what the server did to the rest of it (a
/// transformation no scrubber knows) is not shown either. None when nothing before that is left.
fn safe_quotation(quotation: &str, scrubber: &Scrubber) -> Option<String> {
    let scrubbed = scrubber.scrub_foreign(quotation);
    let safe = match scrubbed.find(crate::scrub::REDACTED) {
        Some(at) => scrubbed[..at].trim_end_matches([' ', ':', ',', ';', '"', '\'']),
        None => scrubbed.as_str(),
    };
    (!safe.trim().is_empty()).then(|| safe.to_string())
}

fn judge_answer(
    status: u16,
    body: &[u8],
    truncated: bool,
    location: Option<&str>,
    scrubber: &Scrubber,
) -> Judgement {
    let json: Option<Value> = if truncated {
        None
    } else {
        serde_json::from_slice(body).ok()
    };
    let fields = json.as_ref().map(fields::of).unwrap_or_default();
    let code = fields.code.as_deref();
    let named = |what: &str| match code {
        Some(c) => format!("{what} (HTTP {status}, {c})"),
        None => format!("{what} (HTTP {status})"),
    };

    let row = ROWS
        .iter()
        .find(|row| row.takes(status, code, fields.message.as_deref()));
    let (outcome, cause, next_step, links): (Outcome, String, String, Vec<LinkTopic>) = match row {
        Some(row) => {
            let quoted = row
                .quote
                .then_some(fields.message.as_deref())
                .flatten()
                .and_then(|m| fields::quotation(m, QUOTE_CHARS))
                .and_then(|q| safe_quotation(&q, scrubber))
                .map(|q| format!(": \"{q}\""))
                .unwrap_or_default();
            (
                row.outcome,
                format!("{}{quoted}", named(row.cause)),
                row.next_step.to_string(),
                row.links.to_vec(),
            )
        }
        None => unlisted(status, json.as_ref(), truncated, location, code, named),
    };
    Judgement {
        outcome,
        cause,
        next_step: next_step.into(),
        links,
        server_code: fields.code,
        request_id: fields.request_id,
        retryable: status == 429 || (500..=599).contains(&status),
    }
}

/// An answer no row of the table takes: a completion, a redirect, an address with nothing
/// there, or a refusal that names nothing the table knows. One arm per kind of answer, each
/// with its words: a table, read best whole.
fn unlisted(
    status: u16,
    json: Option<&Value>,
    truncated: bool,
    location: Option<&str>,
    code: Option<&str>,
    named: impl Fn(&str) -> String,
) -> (Outcome, String, String, Vec<LinkTopic>) {
    match status {
        200 if truncated => bad_response(format!(
            "HTTP 200, but the answer is larger than {} KiB, which a chat completion never is",
            BODY_CAP / 1024
        )),
        200 => match json {
            Some(v)
                if v.pointer("/choices/0/message/content")
                    .is_some_and(Value::is_string) =>
            {
                (
                    Outcome::Pass,
                    "The key works: the server answered with a chat completion".into(),
                    "Nothing to do.".into(),
                    vec![],
                )
            }
            Some(_) => bad_response(
                "HTTP 200, but the answer holds no choices[0].message.content; the endpoint \
                 may not be DashScope's OpenAI-compatible API"
                    .into(),
            ),
            None => bad_response(
                "HTTP 200, but the answer is not JSON; the endpoint may not be DashScope".into(),
            ),
        },
        300..=399 => bad_response(format!(
            "HTTP {status}: a redirect{}, which is never followed",
            location
                .and_then(redirect_host)
                .map(|h| format!(" to {h}"))
                .unwrap_or_default()
        )),
        // A 404 that names no code is an address with nothing there; one that names a code
        // is a refusal, below.
        404 if code.is_none() => bad_response(
            "HTTP 404: nothing at this address; check QWEN_BASE_URL (it should end in \
             /compatible-mode/v1)"
                .into(),
        ),
        400..=499 => (
            Outcome::BadRequest,
            named("The server refused the request"),
            "This is unexpected for the verification request; check the endpoint. The key was \
             not judged."
                .into(),
            vec![],
        ),
        _ => bad_response(format!(
            "HTTP {status} is not an answer DashScope's API gives"
        )),
    }
}

fn bad_response(cause: String) -> (Outcome, String, String, Vec<LinkTopic>) {
    (
        Outcome::BadResponse,
        cause,
        "Check the endpoint (QWEN_REGION, QWEN_BASE_URL) and any proxy in between. The key was \
         not judged."
            .into(),
        vec![],
    )
}

/// The host of a redirect target, for the cause; never its path or query.
fn redirect_host(location: &str) -> Option<String> {
    let rest = location.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    valid.then(|| host.to_string())
}

/// Judge a request that got no complete answer, saying whether anything was sent. One arm per
/// kind of failure, each with its words: a table, longer than a function should be, read best
/// whole.
pub fn transport(error: &TransportError, host: &str) -> Judgement {
    let not_judged = "The key was not judged.";
    let (outcome, cause, next_step): (Outcome, String, Advice) = match error {
        TransportError::Denied => (
            Outcome::HostDenied,
            format!(
                "The host refused to send the request to {host}: it is not on the allowlist; \
                 nothing was sent"
            ),
            Advice::with(
                format!(
                    "Only dashscope.aliyuncs.com and dashscope-intl.aliyuncs.com are allowed \
                     unless another host is granted. {not_judged}"
                ),
                Remedy::GrantHost(host.to_string()),
            ),
        ),
        TransportError::Dns => (
            Outcome::Network,
            format!("DNS: the name {host} could not be resolved; nothing was sent"),
            format!("Check the network, the DNS settings and any proxy. {not_judged}").into(),
        ),
        TransportError::Refused => (
            Outcome::Network,
            format!("The connection to {host} was refused; nothing was sent"),
            format!("Check the network, the firewall and any proxy. {not_judged}").into(),
        ),
        TransportError::Tls => (
            Outcome::Network,
            format!("TLS: the secure connection to {host} failed; nothing was sent"),
            format!(
                "A proxy that inspects TLS needs its certificate in SSL_CERT_FILE; otherwise \
                 check the system's clock and certificates. {not_judged}"
            )
            .into(),
        ),
        TransportError::ConnectTimeout => (
            Outcome::Timeout,
            format!("{host} did not accept a connection within the time limit; nothing was sent"),
            Advice::with(
                format!("Check the network and any firewall. {not_judged}"),
                Remedy::MoreTime,
            ),
        ),
        TransportError::Timeout => (
            Outcome::Timeout,
            format!(
                "The request was sent to {host}, but no whole answer came within the time limit"
            ),
            Advice::with(format!("Check the network. {not_judged}"), Remedy::MoreTime),
        ),
        TransportError::Broken => (
            Outcome::Network,
            format!(
                "The request was sent to {host}, but the connection broke before the answer \
                 was complete"
            ),
            format!("Try again; check any proxy in between. {not_judged}").into(),
        ),
        TransportError::Proxy(failure) => proxy(failure, host),
        TransportError::Other(what) => (
            Outcome::Network,
            format!("The request to {host} failed: {what}"),
            format!("Check the network and any proxy. {not_judged}").into(),
        ),
    };
    Judgement {
        outcome,
        cause,
        next_step,
        links: Vec::new(),
        server_code: None,
        request_id: None,
        retryable: false,
    }
}

/// A failure on the way through a proxy: which proxy (as the host shows it, without
/// credentials), which variable set it, and which step failed. Nothing was sent. One arm per
/// stage, each with its words: a table, read best whole.
fn proxy(failure: &Failure, host: &str) -> (Outcome, String, Advice) {
    let not_judged = "The key was not judged.";
    let f = match failure {
        Failure::Unusable(why) => {
            return (
                Outcome::Network,
                format!("{}; nothing was sent", capitalise(why)),
                not_judged.into(),
            );
        }
        Failure::Failed(f) => f,
    };
    let proxy = format!("{} (from {})", f.proxy, f.from);
    let unset = format!("or unset {} to connect directly", f.from);
    let (outcome, cause, next_step): (Outcome, String, Advice) = match f.stage {
        ProxyStage::Dns if f.socks => (
            Outcome::Network,
            format!("DNS: the host of the proxy {proxy}, or {host}, could not be resolved"),
            format!(
                "Check the proxy's name in {}, {unset}. {not_judged}",
                f.from
            )
            .into(),
        ),
        ProxyStage::Dns => (
            Outcome::Network,
            format!("DNS: the host of the proxy {proxy} could not be resolved"),
            format!(
                "Check the proxy's name in {}, {unset}. {not_judged}",
                f.from
            )
            .into(),
        ),
        ProxyStage::Refused => (
            Outcome::Network,
            format!("The connection to the proxy {proxy} was refused"),
            format!("Check that the proxy is running at that address, {unset}. {not_judged}")
                .into(),
        ),
        ProxyStage::Timeout => (
            Outcome::Timeout,
            format!("The proxy {proxy} did not connect to {host} within the time limit"),
            Advice::with(
                format!("Check the proxy, {unset}. {not_judged}"),
                Remedy::MoreTime,
            ),
        ),
        ProxyStage::Tls => (
            Outcome::Network,
            format!("TLS: the secure connection to {host} through the proxy {proxy} failed"),
            format!(
                "A proxy that inspects TLS needs its certificate in SSL_CERT_FILE; otherwise \
                 check the system's clock and certificates. {not_judged}"
            )
            .into(),
        ),
        ProxyStage::Auth => (
            Outcome::Network,
            format!(
                "The proxy {proxy} asks for credentials (HTTP 407) before it connects to {host}"
            ),
            format!(
                "Put the proxy's user and password in {} (http://user:password@host:port). \
                 {not_judged}",
                f.from
            )
            .into(),
        ),
        ProxyStage::Tunnel | ProxyStage::Socks => (
            Outcome::Network,
            format!("The proxy {proxy} would not connect to {host}"),
            format!(
                "The proxy may block {host} or fail to reach it: check its rules, or name \
                 {host} in NO_PROXY to connect directly. {not_judged}"
            )
            .into(),
        ),
        ProxyStage::Other => (
            Outcome::Network,
            format!("The connection through the proxy {proxy} failed"),
            format!("Check the proxy, {unset}. {not_judged}").into(),
        ),
    };
    (outcome, format!("{cause}; nothing was sent"), next_step)
}

fn capitalise(text: &str) -> String {
    // The host's reasons start with an English word: ASCII case is enough.
    let mut text = text.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests;
