//! docs/behaviour.md#verification, verification: refuse what must not be sent, send the request,
//! retry 429 and 5xx at most twice (1.5 s × 2^attempt, or the server's `Retry-After`), judge the
//! last answer. The transport is a trait so that every path here is tested natively; the
//! component's implementation sends through `wasi:http`.

use crate::classify::{self, Judgement};
use crate::endpoint::{self, Endpoint};
use crate::flow;
use crate::links;
use crate::names::Named;
use crate::scrub::reports::ScrubText;
use crate::scrub::{self, Scrubber};
use crate::status::Resolved;
use crate::transport::{Request, Response, Transport};
use crate::wit::types::{
    Advice, Attempt, KeyJudgement, Outcome, Remedy, StatusReport, Verdict, VerifyReport,
    WarningCode,
};

/// The verification request's body (docs/behaviour.md#verification).
pub const BODY: &[u8] = qianwen_auth_facts::endpoints::PROBE_BODY.as_bytes();

/// At most this many retries after the first request.
pub const MAX_RETRIES: u32 = 2;
const BACKOFF_MS: u64 = 1500;

/// The time limits the host sets, in milliseconds: each request is cut off at `request_ms`,
/// and a retry is made only when its wait and its own limit fit in what is left of
/// `whole_ms`.
#[derive(Debug, Clone, Copy)]
pub struct TimeLimits {
    pub request_ms: u64,
    pub whole_ms: u64,
}
const EXCERPT_CHARS: usize = 400;

/// Verify within the host's time limits, and report only what passed the scrubber.
pub fn run(
    resolved: &Resolved,
    transport: &mut impl Transport,
    limits: TimeLimits,
) -> VerifyReport {
    let mut report = verify(resolved, transport, limits);
    report.scrub_with(&resolved.scrubber);
    report
}

fn verify(resolved: &Resolved, transport: &mut impl Transport, limits: TimeLimits) -> VerifyReport {
    let status = &resolved.report;
    let mut report = unsent(status);
    let key = match (status.verdict, &resolved.key, &resolved.endpoint.refused) {
        (Verdict::Usable, Some(key), None) => key,
        (Verdict::EndpointRefused, _, Some(refused)) => {
            report.outcome = Outcome::HostDenied;
            report.cause = format!("{}; nothing was sent", refused.why);
            report.next_step = Advice::joined(&status.next_steps);
            // The cause says it already.
            report
                .warnings
                .retain(|w| w.code != WarningCode::EndpointRefused);
            return report;
        }
        (verdict, _, _) => {
            report.outcome = if verdict == Verdict::PlanKey {
                Outcome::PlanKeyRefused
            } else {
                Outcome::NoKey
            };
            report.cause = match &status.key {
                None => "No API key is configured; nothing was sent".into(),
                Some(k) => format!("{} holds {}; nothing was sent", k.name.name(), k.detail),
            };
            report.next_step = Advice::joined(&status.next_steps);
            report.links = status.links.clone();
            return report;
        }
    };
    let request = request(&resolved.endpoint, key.expose());
    let (judgement, last) = send(&mut report, &request, transport, limits, &resolved.scrubber);
    finish(&mut report, judgement, last.as_ref(), &resolved.scrubber);
    // Any 401 enters the flow (docs/behaviour.md#the-401-flow), whether the key was refused or did
    // not arrive.
    if flow::is_401(report.outcome) {
        report.flow = Some(flow::step(None, None, None));
    }
    if report.outcome == Outcome::AuthRejected
        && let Some(other) = endpoint::other_region(report.endpoint.region.name())
    {
        report.hints.push(Advice::with(
            format!(
                "Keys of one region are not valid in the other; this key may have been created \
                 for {}.",
                endpoint::region_words(other)
            ),
            Remedy::ChooseRegion(other.to_string()),
        ));
    }
    report
}

/// The report of a verification that has sent nothing yet.
pub fn unsent(status: &StatusReport) -> VerifyReport {
    VerifyReport {
        outcome: Outcome::NoKey,
        http_status: None,
        cause: String::new(),
        next_step: "".into(),
        links: Vec::new(),
        hints: Vec::new(),
        key: status.key.clone(),
        endpoint: status.endpoint.clone(),
        attempts: Vec::new(),
        key_judgement: KeyJudgement::NotJudged,
        server_code: None,
        request_id: None,
        excerpt: None,
        evidence: None,
        evidence_error: None,
        warnings: status.warnings.clone(),
        flow: None,
    }
}

/// Send `request`, and again while the answer may be retried and another request fits in what
/// is left of the budget; each attempt goes into `report`. The last answer, judged.
fn send(
    report: &mut VerifyReport,
    request: &Request,
    transport: &mut impl Transport,
    limits: TimeLimits,
    scrubber: &Scrubber,
) -> (Judgement, Option<Response>) {
    let host = &request.authority;
    let deadline = transport.now_ms().saturating_add(limits.whole_ms);
    let mut attempt = 0;
    loop {
        let started = transport.now_ms();
        let sent = transport.send(request);
        let latency_ms = transport.now_ms().saturating_sub(started);
        let (judgement, response) = match sent {
            Ok(response) => {
                let judgement = match &response.body_error {
                    Some(error) => classify::transport(error, host),
                    None => classify::response(
                        response.status,
                        &response.body,
                        response.truncated,
                        response.location.as_deref(),
                        scrubber,
                    ),
                };
                (judgement, Some(response))
            }
            Err(error) => (classify::transport(&error, host), None),
        };
        report.attempts.push(Attempt {
            http_status: response.as_ref().map(|r| r.status),
            latency_ms,
            outcome: judgement.outcome,
        });
        if !judgement.retryable || attempt >= MAX_RETRIES {
            return (judgement, response);
        }
        let (wait, asked) = delay_ms(response.as_ref(), attempt);
        if transport
            .now_ms()
            .saturating_add(wait)
            .saturating_add(limits.request_ms)
            > deadline
        {
            report.hints.push(Advice::from(format!(
                "No retry was made: {} {}, and another request after that could not end within \
                 the {} the whole verification may take",
                if asked {
                    "the server asked to wait"
                } else {
                    "the next retry waits"
                },
                seconds(wait),
                seconds(limits.whole_ms),
            )));
            return (judgement, response);
        }
        transport.sleep_ms(wait);
        attempt += 1;
    }
}

fn finish(report: &mut VerifyReport, j: Judgement, last: Option<&Response>, scrubber: &Scrubber) {
    report.outcome = j.outcome;
    report.key_judgement = classify::key_judgement(j.outcome);
    report.http_status = last.map(|r| r.status);
    report.cause = j.cause;
    report.next_step = j.next_step;
    report.links = j.links.into_iter().map(links::get).collect();
    report.server_code = j.server_code;
    report.request_id = j.request_id;
    report.excerpt = last.and_then(|r| scrub::excerpt(&r.body, scrubber, EXCERPT_CHARS));
    if report.attempts.len() > 1 {
        report.hints.push(Advice::from(format!(
            "{} requests were made (429 and 5xx are retried)",
            report.attempts.len()
        )));
    }
}

/// How long to wait before retry number `attempt + 1`, and whether the server asked for it:
/// its `Retry-After` in seconds when it gives one, else 1.5 s × 2^attempt.
fn delay_ms(response: Option<&Response>, attempt: u32) -> (u64, bool) {
    let asked = response
        .and_then(|r| r.retry_after.as_deref())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match asked {
        Some(s) => (s.saturating_mul(1000), true),
        None => (BACKOFF_MS << attempt, false),
    }
}

/// Milliseconds as seconds, for people: `1.5 s`, `60 s`.
fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// The verification request to the endpoint, carrying `key`.
fn request(endpoint: &Endpoint, key: &str) -> Request {
    Request {
        https: endpoint.https,
        authority: endpoint.authority.clone(),
        path: endpoint.probe_path.clone(),
        headers: vec![
            ("authorization", format!("Bearer {key}")),
            ("content-type", "application/json".into()),
            ("accept", "application/json".into()),
            (
                "user-agent",
                concat!("qianwen-auth/", env!("CARGO_PKG_VERSION")).into(),
            ),
        ],
        body: BODY,
    }
}

#[cfg(test)]
mod tests;
