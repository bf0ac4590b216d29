use super::*;
use crate::status::{Inputs, resolve};
use crate::transport::TransportError;
use crate::wit::project::Directory;
use crate::wit::types::Flow;
use crate::wit::types::{Options, System};

const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

/// What a request was sent as: authority, path, headers.
type Sent = (String, String, Vec<(&'static str, String)>);

/// Answers from a script, and a clock that moves only by each request's latency and by
/// the waits.
struct Scripted {
    answers: Vec<Result<Response, TransportError>>,
    sent: Vec<Sent>,
    clock: u64,
    latency: u64,
    slept: Vec<u64>,
}

impl Scripted {
    fn new(answers: Vec<Result<Response, TransportError>>) -> Self {
        Self {
            answers,
            sent: Vec::new(),
            clock: 0,
            latency: 7,
            slept: Vec::new(),
        }
    }
}

impl Transport for Scripted {
    fn send(&mut self, request: &Request) -> Result<Response, TransportError> {
        self.sent.push((
            request.authority.clone(),
            request.path.clone(),
            request.headers.clone(),
        ));
        self.clock += self.latency;
        if self.answers.is_empty() {
            panic!("more requests than scripted answers");
        }
        self.answers.remove(0)
    }

    fn now_ms(&mut self) -> u64 {
        self.clock
    }

    fn sleep_ms(&mut self, ms: u64) {
        self.slept.push(ms);
        self.clock += ms;
    }
}

fn answer(status: u16, body: &str) -> Result<Response, TransportError> {
    Ok(Response {
        status,
        body: body.as_bytes().to_vec(),
        ..Response::default()
    })
}

fn resolved(env: &[(&str, &str)]) -> Resolved {
    let inputs = crate::status::one_directory(env, None, None, false);
    resolve(
        &inputs,
        &Options {
            system: System::Unix,
            region: None,
            granted_hosts: vec!["127.0.0.1:8080".into()],
            request_time_limit_ms: 0,
            verification_time_limit_ms: 0,
        },
    )
}

const OK: &str = r#"{"choices":[{"message":{"content":"hi"}}]}"#;

/// Time limits as the CLI sets them: `request_ms` for each request, three times that for all.
fn limits(request_ms: u64) -> TimeLimits {
    TimeLimits {
        request_ms,
        whole_ms: 3 * request_ms,
    }
}

/// With the default time limit of 30 s per request.
fn run_30s(resolved: &Resolved, transport: &mut Scripted) -> VerifyReport {
    run(resolved, transport, limits(30_000))
}

#[test]
fn pass_sends_exactly_the_documented_request() {
    let mut t = Scripted::new(vec![answer(200, OK)]);
    let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(r.outcome, Outcome::Pass);
    assert_eq!(r.http_status, Some(200));
    assert_eq!(r.attempts.len(), 1);
    let (authority, path, headers) = &t.sent[0];
    assert_eq!(authority, "dashscope.aliyuncs.com");
    assert_eq!(path, "/compatible-mode/v1/chat/completions");
    assert!(headers.contains(&("authorization", format!("Bearer {KEY}"))));
    assert!(headers.contains(&("content-type", "application/json".into())));
    assert!(!headers.iter().any(|(n, _)| *n == "x-api-key"));
}

#[test]
fn nothing_is_sent_without_a_standard_key() {
    for (env, outcome) in [
        (vec![], Outcome::NoKey),
        (
            vec![("DASHSCOPE_API_KEY", "sk-your-key-here")],
            Outcome::NoKey,
        ),
        (
            vec![(
                "DASHSCOPE_API_KEY",
                "sk-sp-FAKE_Hb2Ng7Rc4Xv9_Lq6Mw1Dy8Js_c3d4",
            )],
            Outcome::PlanKeyRefused,
        ),
        (
            vec![
                ("DASHSCOPE_API_KEY", KEY),
                ("QWEN_BASE_URL", "https://evil.example"),
            ],
            Outcome::HostDenied,
        ),
        (
            vec![
                (
                    "DASHSCOPE_API_KEY",
                    "sk-sp-FAKE_Hb2Ng7Rc4Xv9_Lq6Mw1Dy8Js_c3d4",
                ),
                (
                    "QWEN_BASE_URL",
                    "https://token-plan.cn-beijing.maas.aliyuncs.com",
                ),
            ],
            Outcome::PlanKeyRefused,
        ),
    ] {
        let mut t = Scripted::new(vec![]);
        let r = run_30s(&resolved(&env), &mut t);
        assert_eq!(r.outcome, outcome);
        assert!(t.sent.is_empty());
        assert!(r.attempts.is_empty());
        assert!(r.cause.contains("nothing was sent"), "{}", r.cause);
    }
}

#[test]
fn custom_loopback_endpoint() {
    let mut t = Scripted::new(vec![answer(200, OK)]);
    let r = run_30s(
        &resolved(&[
            ("DASHSCOPE_API_KEY", KEY),
            ("QWEN_BASE_URL", "http://127.0.0.1:8080"),
        ]),
        &mut t,
    );
    assert_eq!(r.outcome, Outcome::Pass);
    assert_eq!(t.sent[0].0, "127.0.0.1:8080");
    assert_eq!(t.sent[0].1, "/compatible-mode/v1/chat/completions");
}

#[test]
fn retries_5xx_and_429_with_backoff() {
    let mut t = Scripted::new(vec![answer(500, "{}"), answer(200, OK)]);
    let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(r.outcome, Outcome::Pass);
    assert_eq!(r.attempts.len(), 2);
    assert_eq!(r.attempts[0].http_status, Some(500));
    assert_eq!(t.slept, vec![1500]);

    let mut t = Scripted::new(vec![
        answer(429, "{}"),
        answer(503, "{}"),
        answer(502, "{}"),
    ]);
    let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(r.outcome, Outcome::ServerError);
    assert_eq!(r.attempts.len(), 3, "at most two retries");
    assert_eq!(t.slept, vec![1500, 3000]);
}

#[test]
fn retry_after_is_honoured_within_the_time_budget() {
    let busy = |after: &str| {
        Ok(Response {
            status: 429,
            retry_after: Some(after.into()),
            ..Response::default()
        })
    };
    let mut t = Scripted::new(vec![busy("4"), answer(200, OK)]);
    run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(t.slept, vec![4000]);

    // 60 s and another request of up to 30 s do not fit into 90 s once a request was made.
    for after in ["60", "3600", "18446744073709551615"] {
        let mut t = Scripted::new(vec![busy(after)]);
        let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
        assert_eq!(r.outcome, Outcome::RateLimited);
        assert!(t.slept.is_empty(), "{after}");
        assert!(
            r.hints[0]
                .words
                .starts_with("No retry was made: the server asked"),
            "{}",
            r.hints[0].words
        );
    }
}

/// Whatever the server does, the requests and the waits between them end within the time the
/// whole verification may take.
#[test]
fn a_verification_ends_within_its_time_limit() {
    for limit in [1_000u64, 2_000, 30_000] {
        for after in [None, Some("0"), Some("1"), Some("2"), Some("59")] {
            let slow_failure = || {
                Ok(Response {
                    status: 503,
                    retry_after: after.map(str::to_string),
                    ..Response::default()
                })
            };
            let mut t = Scripted::new(vec![slow_failure(), slow_failure(), slow_failure()]);
            t.latency = limit;
            run(
                &resolved(&[("DASHSCOPE_API_KEY", KEY)]),
                &mut t,
                limits(limit),
            );
            assert!(
                t.clock <= 3 * limit,
                "{limit} ms limit, Retry-After {after:?}: took {} ms",
                t.clock
            );
        }
    }
    // With fast answers, the backoff of 1.5 s fits a 1 s limit once, not twice.
    let mut t = Scripted::new(vec![answer(500, "{}"), answer(500, "{}")]);
    let r = run(
        &resolved(&[("DASHSCOPE_API_KEY", KEY)]),
        &mut t,
        limits(1_000),
    );
    assert_eq!(t.slept, vec![1500]);
    assert!(
        r.hints
            .iter()
            .any(|h| h.words.contains("the next retry waits 3 s")),
        "{:?}",
        r.hints
    );
}

#[test]
fn other_failures_are_not_retried() {
    for answer in [
        answer(
            401,
            r#"{"code":"InvalidApiKey","message":"Invalid API-key provided."}"#,
        ),
        Err(TransportError::Timeout),
        Err(TransportError::Refused),
    ] {
        let mut t = Scripted::new(vec![answer]);
        let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
        assert_eq!(r.attempts.len(), 1);
        assert!(t.slept.is_empty());
    }
}

#[test]
fn a_401_hints_at_the_other_region_and_scrubs_the_echo() {
    let body = format!(
        r#"{{"error":{{"message":"Incorrect API key provided: {KEY}","code":"invalid_api_key"}}}}"#
    );
    let mut t = Scripted::new(vec![answer(401, &body)]);
    let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(r.outcome, Outcome::AuthRejected);
    // The region is named as a remedy; the host spells the option.
    assert!(
        r.hints.iter().any(
            |h| h.remedy == Some(Remedy::ChooseRegion("ap-southeast-1".into()))
                && !h.words.contains("--")
        ),
        "{:?}",
        r.hints
    );
    let excerpt = r.excerpt.unwrap();
    assert!(excerpt.contains("[redacted]") && !excerpt.contains("Zq8vX3mK"));
    assert_eq!(
        t.sent.len(),
        1,
        "the other region is only suggested, never tried"
    );
}

/// Any 401 enters the flow: a key refused, and a key the server says it never received.
#[test]
fn every_401_asks_where_the_key_came_from() {
    for body in [
        r#"{"code":"InvalidApiKey","message":"Invalid API-key provided."}"#,
        r#"{"code":"InvalidApiKey","message":"No API-key provided."}"#,
    ] {
        let mut t = Scripted::new(vec![answer(401, body)]);
        let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
        assert!(crate::flow::is_401(r.outcome), "{:?}", r.outcome);
        assert!(matches!(r.flow, Some(Flow::Asked(_))), "{body}");
    }
}

#[test]
fn a_body_that_breaks_off_is_a_network_failure_with_its_status() {
    let mut t = Scripted::new(vec![Ok(Response {
        status: 200,
        body_error: Some(TransportError::Broken),
        ..Response::default()
    })]);
    let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(r.outcome, Outcome::Network);
    assert_eq!(r.http_status, Some(200));
}

#[test]
fn latency_is_measured() {
    let mut t = Scripted::new(vec![answer(200, OK)]);
    let r = run_30s(&resolved(&[("DASHSCOPE_API_KEY", KEY)]), &mut t);
    assert_eq!(r.attempts[0].latency_ms, 7);
}
