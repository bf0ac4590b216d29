//! SPEC §4, the error table: what an answer from the verification request means, matched on the
//! server's error code (never on message text, which carries trailing URLs and changes), and
//! what a transport failure means.

use serde_json::Value;

use crate::scrub::Scrubber;
use crate::transport::{BODY_CAP, ProxyFailure, TransportError};
use crate::wit::types::LinkTopic;
use crate::wit::types::Outcome;

/// A judgement of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub outcome: Outcome,
    pub cause: String,
    pub next_step: String,
    pub links: Vec<LinkTopic>,
    /// The error code the server named.
    pub server_code: Option<String>,
    pub request_id: Option<String>,
    /// Worth another try (429 and 5xx only).
    pub retryable: bool,
}

/// Judge an HTTP answer. `truncated`: the body was longer than the cap and was cut. Whatever
/// the judgement repeats from the answer (its code, request id, the redirect's host from the
/// `location` header) passes `scrubber`, since servers echo keys.
pub fn response(
    status: u16,
    body: &[u8],
    truncated: bool,
    location: Option<&str>,
    scrubber: &Scrubber,
) -> Judgement {
    let judgement = judge(status, body, truncated, location);
    let clean = |text: String| scrubber.scrub(&text);
    Judgement {
        cause: clean(judgement.cause),
        next_step: clean(judgement.next_step),
        server_code: judgement.server_code.map(clean),
        request_id: judgement.request_id.map(clean),
        ..judgement
    }
}

fn judge(status: u16, body: &[u8], truncated: bool, location: Option<&str>) -> Judgement {
    let json: Option<Value> = if truncated {
        None
    } else {
        serde_json::from_slice(body).ok()
    };
    let (code, message, request_id) = json.as_ref().map(error_fields).unwrap_or_default();
    let has = |codes: &[&str]| code.as_deref().is_some_and(|c| codes.contains(&c));
    let named = |what: &str| match &code {
        Some(c) => format!("{what} (HTTP {status}, {c})"),
        None => format!("{what} (HTTP {status})"),
    };

    let (outcome, cause, next_step, links): (Outcome, String, String, Vec<LinkTopic>) = match status
    {
        200 if truncated => bad_response(format!(
            "HTTP 200, but the answer is larger than {} KiB, which a chat completion never is",
            BODY_CAP / 1024
        )),
        200 => match json.as_ref() {
            Some(v)
                if v.pointer("/choices/0/message/content")
                    .is_some_and(Value::is_string) =>
            {
                (
                    Outcome::Pass,
                    "HTTP 200 with a chat completion: the key works".into(),
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
        401 if message
            .as_deref()
            .is_some_and(|m| m.contains("No API-key provided")) =>
        {
            (
                Outcome::AuthMissing,
                named("The server received no key"),
                "The Authorization header did not arrive: a proxy may strip it. Check \
                 HTTPS_PROXY and the proxy's settings."
                    .into(),
                vec![],
            )
        }
        401 => (
            Outcome::AuthRejected,
            named("The key was rejected"),
            "The key is wrong, deleted, mistyped, or belongs to another region. Confirm it was \
             created in the QianWen console and copied whole; if it may be invalid, create a new \
             one on the API-key page."
                .into(),
            vec![LinkTopic::Console, LinkTopic::ApiKeys],
        ),
        400 if has(&["Arrearage"]) => (
            Outcome::Billing,
            named("The account is overdue"),
            "Top up the account on the pay-as-you-go billing page, then verify again.".into(),
            vec![LinkTopic::Billing],
        ),
        403 if has(&["AllocationQuota.FreeTierOnly"]) => (
            Outcome::QuotaExhausted,
            named("The free quota is used up"),
            "Turn on pay-as-you-go billing to keep using the model.".into(),
            vec![LinkTopic::Billing],
        ),
        403 => (
            Outcome::AccessDenied,
            named("Access denied: the model is not opened for this account"),
            "Open the model for this account in the QianWen console. The key itself was \
             accepted."
                .into(),
            vec![LinkTopic::Console],
        ),
        404 if has(&["ModelNotFound", "model_not_found"]) => (
            Outcome::ModelNotFound,
            named("The probe model qwen-turbo is not served by this endpoint"),
            "Check the endpoint (QWEN_REGION, QWEN_BASE_URL). The key itself was not judged."
                .into(),
            vec![],
        ),
        429 => {
            let what = if has(&["insufficient_quota", "Throttling.AllocationQuota"]) {
                "A quota limit was reached"
            } else {
                "A rate limit was reached"
            };
            (
                Outcome::RateLimited,
                named(what),
                "Wait and verify again; see the usage page for limits and use.".into(),
                vec![LinkTopic::Usage],
            )
        }
        500..=599 => (
            Outcome::ServerError,
            named("DashScope answered with a server error"),
            "The problem is on the server side; try again later. The key was not judged.".into(),
            vec![],
        ),
        300..=399 => bad_response(format!(
            "HTTP {status}: a redirect{}, which is never followed",
            location
                .and_then(redirect_host)
                .map(|h| format!(" to {h}"))
                .unwrap_or_default()
        )),
        404 => bad_response(
            "HTTP 404: nothing at this address; check QWEN_BASE_URL (it should end in \
             /compatible-mode/v1)"
                .into(),
        ),
        400..=499 => (
            Outcome::BadRequest,
            named("The server refused the request"),
            "This is unexpected for the verification request; check the endpoint.".into(),
            vec![],
        ),
        _ => bad_response(format!("HTTP {status} is not an answer DashScope gives")),
    };
    Judgement {
        outcome,
        cause,
        next_step,
        links,
        server_code: code,
        request_id,
        retryable: status == 429 || (500..=599).contains(&status),
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

/// `code`, `message` and `request_id` from either error shape:
/// `{"error":{"code","message"},"request_id"}` (compatible) or `{"code","message","request_id"}`.
/// Codes and ids are taken only when they look like codes and ids: short, plain characters.
fn error_fields(v: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let plain = |v: Option<&Value>| {
        text(v).filter(|s| {
            s.len() <= 80
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
    };
    let error = v.get("error");
    let code = plain(error.and_then(|e| e.get("code"))).or_else(|| plain(v.get("code")));
    let message = text(error.and_then(|e| e.get("message"))).or_else(|| text(v.get("message")));
    let request_id = plain(v.get("request_id")).or_else(|| plain(v.get("id")));
    (code, message, request_id)
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

/// Judge a request that got no complete answer, saying whether anything was sent.
pub fn transport(error: &TransportError, host: &str) -> Judgement {
    let not_judged = "The key was not judged.";
    let (outcome, cause, next_step) = match error {
        TransportError::Denied => (
            Outcome::HostDenied,
            format!(
                "The host refused to send the request to {host}: it is not on the allowlist; \
                 nothing was sent"
            ),
            format!(
                "Only dashscope.aliyuncs.com and dashscope-intl.aliyuncs.com are allowed; grant \
                 another host with --allow-host if you trust it. {not_judged}"
            ),
        ),
        TransportError::Dns => (
            Outcome::Network,
            format!("DNS: the name {host} could not be resolved; nothing was sent"),
            format!("Check the network, the DNS settings and any proxy. {not_judged}"),
        ),
        TransportError::Refused => (
            Outcome::Network,
            format!("The connection to {host} was refused; nothing was sent"),
            format!("Check the network, the firewall and any proxy. {not_judged}"),
        ),
        TransportError::Tls => (
            Outcome::Network,
            format!("TLS: the secure connection to {host} failed; nothing was sent"),
            format!(
                "A proxy that inspects TLS needs its certificate in SSL_CERT_FILE; otherwise \
                 check the system's clock and certificates. {not_judged}"
            ),
        ),
        TransportError::ConnectTimeout => (
            Outcome::Timeout,
            format!("{host} did not accept a connection within the time limit; nothing was sent"),
            format!(
                "Check the network and any firewall, or allow more time with --timeout. {not_judged}"
            ),
        ),
        TransportError::Timeout => (
            Outcome::Timeout,
            format!(
                "The request was sent to {host}, but no whole answer came within the time limit"
            ),
            format!("Check the network, or allow more time with --timeout. {not_judged}"),
        ),
        TransportError::Broken => (
            Outcome::Network,
            format!(
                "The request was sent to {host}, but the connection broke before the answer \
                 was complete"
            ),
            format!("Try again; check any proxy in between. {not_judged}"),
        ),
        TransportError::Proxy(failure) => proxy(failure, host),
        TransportError::Other(what) => (
            Outcome::Network,
            format!("The request to {host} failed: {what}"),
            format!("Check the network and any proxy. {not_judged}"),
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
/// credentials), which variable set it, and which step failed. Nothing was sent.
fn proxy(f: &ProxyFailure, host: &str) -> (Outcome, String, String) {
    let not_judged = "The key was not judged.";
    let proxy = format!("{} (from {})", f.proxy, f.from);
    let unset = format!("or unset {} to connect directly", f.from);
    let (outcome, cause, next_step) = match f.stage.as_str() {
        "unusable" => (
            Outcome::Network,
            capitalise(&f.detail),
            not_judged.to_string(),
        ),
        "dns" if f.socks => (
            Outcome::Network,
            format!("DNS: the host of the proxy {proxy}, or {host}, could not be resolved"),
            format!(
                "Check the proxy's name in {}, {unset}. {not_judged}",
                f.from
            ),
        ),
        "dns" => (
            Outcome::Network,
            format!("DNS: the host of the proxy {proxy} could not be resolved"),
            format!(
                "Check the proxy's name in {}, {unset}. {not_judged}",
                f.from
            ),
        ),
        "refused" => (
            Outcome::Network,
            format!("The connection to the proxy {proxy} was refused"),
            format!("Check that the proxy is running at that address, {unset}. {not_judged}"),
        ),
        "timeout" => (
            Outcome::Timeout,
            format!("The proxy {proxy} did not connect to {host} within the time limit"),
            format!("Check the proxy, or allow more time with --timeout, {unset}. {not_judged}"),
        ),
        "tls" => (
            Outcome::Network,
            format!("TLS: the secure connection to {host} through the proxy {proxy} failed"),
            format!(
                "A proxy that inspects TLS needs its certificate in SSL_CERT_FILE; otherwise \
                 check the system's clock and certificates. {not_judged}"
            ),
        ),
        "auth" => (
            Outcome::Network,
            format!(
                "The proxy {proxy} asks for credentials (HTTP 407) before it connects to {host}"
            ),
            format!(
                "Put the proxy's user and password in {} (http://user:password@host:port). \
                 {not_judged}",
                f.from
            ),
        ),
        "tunnel" | "socks" => (
            Outcome::Network,
            format!("The proxy {proxy} would not connect to {host}"),
            format!(
                "The proxy may block {host} or fail to reach it: check its rules, or name \
                 {host} in NO_PROXY to connect directly. {not_judged}"
            ),
        ),
        _ => (
            Outcome::Network,
            format!("The connection through the proxy {proxy} failed"),
            format!("Check the proxy, {unset}. {not_judged}"),
        ),
    };
    (outcome, format!("{cause}; nothing was sent"), next_step)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
