//! SPEC §4, the error table: what an answer from the verification request means, matched on the
//! server's error code (never on message text, which carries trailing URLs and changes), and
//! what a transport failure means.

use serde_json::Value;

use crate::links::Topic;
use crate::scrub::Scrubber;
use crate::transport::{BODY_CAP, ProxyFailure, TransportError};
use crate::wit::types::Outcome;

/// A judgement of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub outcome: Outcome,
    pub cause: String,
    pub next_step: String,
    pub links: Vec<Topic>,
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

    let (outcome, cause, next_step, links): (Outcome, String, String, Vec<Topic>) = match status {
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
            vec![Topic::Console, Topic::ApiKeys],
        ),
        400 if has(&["Arrearage"]) => (
            Outcome::Billing,
            named("The account is overdue"),
            "Top up the account on the pay-as-you-go billing page, then verify again.".into(),
            vec![Topic::Billing],
        ),
        403 if has(&["AllocationQuota.FreeTierOnly"]) => (
            Outcome::QuotaExhausted,
            named("The free quota is used up"),
            "Turn on pay-as-you-go billing to keep using the model.".into(),
            vec![Topic::Billing],
        ),
        403 => (
            Outcome::AccessDenied,
            named("Access denied: the model is not opened for this account"),
            "Open the model for this account in the QianWen console. The key itself was \
             accepted."
                .into(),
            vec![Topic::Console],
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
                vec![Topic::Usage],
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

fn bad_response(cause: String) -> (Outcome, String, String, Vec<Topic>) {
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
mod tests {
    use super::*;

    fn compat(code: &str, message: &str) -> Vec<u8> {
        format!(
            r#"{{"error":{{"message":"{message}","type":"invalid_request_error","param":null,"code":"{code}"}},"request_id":"req-1"}}"#
        )
        .into_bytes()
    }

    fn native(code: &str, message: &str) -> Vec<u8> {
        format!(r#"{{"code":"{code}","message":"{message}","request_id":"req-2"}}"#).into_bytes()
    }

    fn outcome(status: u16, body: &[u8]) -> Outcome {
        response(status, body, false, None, &Scrubber::default()).outcome
    }

    const OK: &[u8] =
        br#"{"choices":[{"message":{"role":"assistant","content":"Hello"}}],"id":"chatcmpl-1"}"#;

    #[test]
    fn pass_needs_choices_content() {
        assert_eq!(outcome(200, OK), Outcome::Pass);
        assert_eq!(outcome(200, br#"{"choices":[]}"#), Outcome::BadResponse);
        assert_eq!(
            outcome(200, br#"{"choices":[{"message":{"content":null}}]}"#),
            Outcome::BadResponse
        );
        assert_eq!(outcome(200, b"<html>hi</html>"), Outcome::BadResponse);
        assert_eq!(
            response(200, OK, true, None, &Scrubber::default()).outcome,
            Outcome::BadResponse
        );
    }

    #[test]
    fn every_row_of_the_table_in_both_shapes() {
        let rows: &[(u16, &str, &str, Outcome)] = &[
            (
                401,
                "InvalidApiKey",
                "Invalid API-key provided.",
                Outcome::AuthRejected,
            ),
            (
                401,
                "invalid_api_key",
                "Incorrect API key provided. See https://x",
                Outcome::AuthRejected,
            ),
            (
                400,
                "Arrearage",
                "Access denied, please make sure your account is in good standing.",
                Outcome::Billing,
            ),
            (403, "AccessDenied", "Access denied.", Outcome::AccessDenied),
            (
                403,
                "AccessDenied.Unpurchased",
                "Access to model denied.",
                Outcome::AccessDenied,
            ),
            (
                403,
                "AllocationQuota.FreeTierOnly",
                "The free tier of the model has been exhausted.",
                Outcome::QuotaExhausted,
            ),
            (
                404,
                "ModelNotFound",
                "Model not exist.",
                Outcome::ModelNotFound,
            ),
            (
                404,
                "model_not_found",
                "The model `qwen-turbo` does not exist",
                Outcome::ModelNotFound,
            ),
            (
                429,
                "Throttling",
                "Requests throttling triggered.",
                Outcome::RateLimited,
            ),
            (
                429,
                "Throttling.RateQuota",
                "Requests rate limit exceeded",
                Outcome::RateLimited,
            ),
            (
                429,
                "Throttling.AllocationQuota",
                "Allocated quota exceeded",
                Outcome::RateLimited,
            ),
            (
                429,
                "insufficient_quota",
                "You exceeded your current quota",
                Outcome::RateLimited,
            ),
            (
                500,
                "InternalError",
                "An internal error has occured",
                Outcome::ServerError,
            ),
            (503, "ServiceUnavailable", "busy", Outcome::ServerError),
        ];
        for &(status, code, message, expected) in rows {
            for body in [compat(code, message), native(code, message)] {
                let j = response(status, &body, false, None, &Scrubber::default());
                assert_eq!(j.outcome, expected, "{status} {code}");
                assert_eq!(j.server_code.as_deref(), Some(code));
                assert!(j.request_id.is_some());
                assert_eq!(j.retryable, status == 429 || status >= 500, "{status}");
            }
        }
    }

    #[test]
    fn no_api_key_provided_is_matched_on_the_message() {
        for body in [
            compat("InvalidApiKey", "No API-key provided."),
            native("InvalidApiKey", "No API-key provided."),
        ] {
            assert_eq!(outcome(401, &body), Outcome::AuthMissing);
        }
    }

    #[test]
    fn codes_not_messages_decide() {
        // A 403 with an unknown code is still access denied; a message mentioning quota does
        // not make it a quota problem.
        let body = compat("SomethingNew", "free tier exhausted");
        assert_eq!(outcome(403, &body), Outcome::AccessDenied);
        assert_eq!(
            outcome(400, &compat("InvalidParameter", "x")),
            Outcome::BadRequest
        );
        assert_eq!(outcome(400, b"not json"), Outcome::BadRequest);
        assert_eq!(outcome(401, b""), Outcome::AuthRejected);
    }

    #[test]
    fn redirects_and_odd_statuses() {
        let j = response(
            302,
            b"",
            false,
            Some("https://evil.example/steal?k=v"),
            &Scrubber::default(),
        );
        assert_eq!(j.outcome, Outcome::BadResponse);
        assert!(
            j.cause.contains("evil.example") && !j.cause.contains("steal"),
            "{}",
            j.cause
        );
        assert_eq!(outcome(404, b"Not Found"), Outcome::BadResponse);
        assert_eq!(outcome(204, b""), Outcome::BadResponse);
        assert_eq!(outcome(101, b""), Outcome::BadResponse);
    }

    #[test]
    fn a_key_in_the_code_or_id_is_never_repeated() {
        let key = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";
        let body = format!(r#"{{"code":"{key}","message":"x","request_id":"{key}"}}"#);
        let scrubber = Scrubber::new([key]);
        let j = response(401, body.as_bytes(), false, None, &scrubber);
        let all = format!("{j:?}");
        assert!(!all.contains("Zq8vX3mK"), "the judgement repeats the key");
        let body = r#"{"code":"Invalid Api Key <script>","request_id":"r-1"}"#;
        let j = response(401, body.as_bytes(), false, None, &scrubber);
        assert_eq!(j.server_code, None);
        assert_eq!(j.request_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn a_key_in_a_redirect_header_is_never_repeated() {
        let key = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";
        let scrubber = Scrubber::new([key]);
        for location in [
            format!("https://{}.evil.example/", key.to_ascii_uppercase()),
            format!("https://{}.evil.example/", &key[8..20].to_ascii_lowercase()),
        ] {
            let j = response(302, b"", false, Some(&location), &scrubber);
            assert!(
                !format!("{j:?}").to_ascii_lowercase().contains("zq8vx3mk"),
                "{}",
                j.cause
            );
        }
        let location = format!("https://{}.evil.example/", &key[8..20]);
        let j = response(302, b"", false, Some(&location), &scrubber);
        assert!(
            j.cause.contains("to [redacted].evil.example"),
            "{}",
            j.cause
        );
    }

    #[test]
    fn transport_errors_say_the_key_was_not_judged_and_whether_it_was_sent() {
        for (error, expected, sent) in [
            (TransportError::Denied, Outcome::HostDenied, false),
            (TransportError::Dns, Outcome::Network, false),
            (TransportError::Refused, Outcome::Network, false),
            (TransportError::Tls, Outcome::Network, false),
            (TransportError::ConnectTimeout, Outcome::Timeout, false),
            (TransportError::Timeout, Outcome::Timeout, true),
            (TransportError::Broken, Outcome::Network, true),
        ] {
            let j = transport(&error, "dashscope.aliyuncs.com");
            assert_eq!(j.outcome, expected);
            assert!(j.next_step.contains("not judged"), "{error:?}");
            assert!(j.cause.contains("dashscope.aliyuncs.com"), "{error:?}");
            assert_eq!(j.cause.contains("was sent to"), sent, "{}", j.cause);
            assert_eq!(j.cause.contains("nothing was sent"), !sent, "{}", j.cause);
            assert!(!j.retryable);
        }
    }

    #[test]
    fn a_proxy_failure_names_the_proxy_its_variable_and_the_step() {
        let text = |stage: &str| {
            format!(
                r#"{{"proxy-failure":{{"proxy":"http://***@proxy.example:3128","from":"HTTPS_PROXY","socks":false,"stage":"{stage}"}}}}"#
            )
        };
        for (stage, words, outcome) in [
            ("refused", "connection to the proxy", Outcome::Network),
            ("dns", "DNS: the host of the proxy", Outcome::Network),
            ("timeout", "did not connect", Outcome::Timeout),
            (
                "tls",
                "TLS: the secure connection to dashscope.aliyuncs.com through",
                Outcome::Network,
            ),
            ("auth", "HTTP 407", Outcome::Network),
            (
                "tunnel",
                "would not connect to dashscope.aliyuncs.com",
                Outcome::Network,
            ),
            ("whatever", "through the proxy", Outcome::Network),
        ] {
            let failure = ProxyFailure::parse(&text(stage)).unwrap();
            let j = transport(&TransportError::Proxy(failure), "dashscope.aliyuncs.com");
            assert_eq!(j.outcome, outcome, "{stage}");
            assert!(j.cause.contains(words), "{stage}: {}", j.cause);
            assert!(
                j.cause
                    .contains("http://***@proxy.example:3128 (from HTTPS_PROXY)"),
                "{stage}: {}",
                j.cause
            );
            assert!(j.cause.ends_with("; nothing was sent"), "{}", j.cause);
        }
        let unusable = r#"{"proxy-failure":{"stage":"unusable","detail":"the proxy in https_proxy cannot be used: it is not a URL"}}"#;
        let j = transport(
            &TransportError::Proxy(ProxyFailure::parse(unusable).unwrap()),
            "dashscope.aliyuncs.com",
        );
        assert!(
            j.cause
                .starts_with("The proxy in https_proxy cannot be used"),
            "{}",
            j.cause
        );
        assert_eq!(ProxyFailure::parse("connection reset"), None);
    }
}
