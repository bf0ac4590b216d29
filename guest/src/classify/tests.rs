use super::*;
use crate::names::Named;
use crate::wit::proxies::ProxyFailure;
use crate::wit::types::KeyJudgement;
use qianwen_auth_facts::reference;

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
            403,
            "Workspace.AccessDenied",
            "Workspace access denied.",
            Outcome::AccessDenied,
        ),
        (
            403,
            "Model.AccessDenied",
            "Model access denied.",
            Outcome::AccessDenied,
        ),
        (
            400,
            "invalid_parameter_error",
            "This model only support stream mode, please enable the stream parameter to access the model. ",
            Outcome::ParameterRefused,
        ),
        (
            400,
            "InvalidParameter",
            "parameter incremental_output only support stream call",
            Outcome::ParameterRefused,
        ),
        (
            400,
            "data_inspection_failed",
            "Input data may contain inappropriate content.",
            Outcome::ContentRefused,
        ),
        (
            400,
            "DataInspectionFailed",
            "Input or output data may contain inappropriate content.",
            Outcome::ContentRefused,
        ),
        (
            404,
            "InvalidParameter",
            "Model not exist.",
            Outcome::ModelNotFound,
        ),
        (
            400,
            "InvalidParameter",
            "Model not exist.",
            Outcome::ModelNotFound,
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
fn a_missing_key_is_told_by_known_phrasings_where_the_code_cannot_tell() {
    for body in [
        compat("InvalidApiKey", "No API-key provided."),
        native("InvalidApiKey", "No API-key provided."),
        br#"{"error":{"message":"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).","type":"invalid_request_error","param":null,"code":null}}"#.to_vec(),
        br#"{"message":"No API key provided."}"#.to_vec(),
    ] {
        assert_eq!(outcome(401, &body), Outcome::AuthMissing);
    }
    // A code that says more than "invalid key" decides, whatever the message says.
    assert_eq!(
        outcome(401, &native("SomethingSpecific", "No API-key provided.")),
        Outcome::AuthRejected
    );
    // And the phrasing decides only on a 401.
    assert_eq!(
        outcome(400, &native("InvalidApiKey", "No API-key provided.")),
        Outcome::BadRequest
    );
}

#[test]
fn codes_not_messages_decide() {
    // A 403 with an unknown code is still access denied; a message mentioning quota does
    // not make it a quota problem.
    let body = compat("SomethingNew", "free tier exhausted");
    assert_eq!(outcome(403, &body), Outcome::AccessDenied);
    // A specific code beats any wording.
    assert_eq!(
        outcome(400, &compat("data_inspection_failed", "Model not exist.")),
        Outcome::ContentRefused
    );
    assert_eq!(
        outcome(400, &compat("SomethingNew", "Model not exist.")),
        Outcome::BadRequest
    );
    assert_eq!(outcome(400, b"not json"), Outcome::BadRequest);
    assert_eq!(outcome(401, b""), Outcome::AuthRejected);
    // A 404 that names a code is a refusal, not an empty address.
    assert_eq!(
        outcome(404, &native("InvalidParameter", "bad")),
        Outcome::BadRequest
    );
    assert_eq!(
        outcome(
            404,
            br#"{"error":{"message":"m","type":"model_not_found","code":null}}"#
        ),
        Outcome::ModelNotFound
    );
}

/// Each row's codes reach that row: no earlier row shadows them.
#[test]
fn every_code_of_every_row_is_reachable() {
    for row in ROWS {
        let status = *row.status.start();
        for code in row.codes {
            for body in [compat(code, "m"), native(code, "m")] {
                assert_eq!(outcome(status, &body), row.outcome, "{status} {code}");
            }
        }
        for prefix in row.prefixes {
            let code = format!("{prefix}Something");
            assert_eq!(
                outcome(status, &native(&code, "m")),
                row.outcome,
                "{status} {code}"
            );
        }
    }
}

/// Where the answer comes from past the key check, the cause says the key was accepted, and
/// only there.
#[test]
fn the_words_say_what_the_answer_shows_about_the_key() {
    for row in ROWS {
        let accepted = key_judgement(row.outcome) == KeyJudgement::Accepted;
        assert_eq!(
            row.cause.starts_with("The key was accepted"),
            accepted,
            "{}",
            row.cause
        );
        assert!(
            accepted == row.next_step.contains("Nothing is wrong with the key")
                || !matches!(
                    row.outcome,
                    Outcome::ModelNotFound | Outcome::ParameterRefused | Outcome::ContentRefused
                ),
            "{}",
            row.next_step
        );
        if key_judgement(row.outcome) == KeyJudgement::NotJudged
            && row.outcome == Outcome::ServerError
        {
            assert!(row.next_step.contains("not judged"));
        }
    }
    assert_eq!(key_judgement(Outcome::AuthRejected), KeyJudgement::Rejected);
    assert_eq!(key_judgement(Outcome::AuthMissing), KeyJudgement::NotJudged);
}

#[test]
fn a_refusal_quotes_what_was_refused_without_its_link() {
    let body = compat(
        "invalid_parameter_error",
        "parameter.enable_thinking must be set to false for non-streaming calls. For details, see: https://help.aliyun.com/zh/model-studio/error-code#x",
    );
    let j = response(400, &body, false, None, &Scrubber::default());
    assert_eq!(
        j.cause,
        "The key was accepted, but the endpoint refused the probe's parameters (HTTP 400, \
         invalid_parameter_error): \"parameter.enable_thinking must be set to false for \
         non-streaming calls.\""
    );
    // A key in the message is scrubbed from the quotation.
    let key = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";
    let body = native("InvalidParameter", &format!("bad value {key}"));
    let j = response(400, &body, false, None, &Scrubber::new([key]));
    assert!(!j.cause.contains("Zq8vX3mK"), "{}", j.cause);
}

/// The answers users recorded (`tests/answers/dashscope.json`), judged here as the end-to-end
/// suite judges them through the mock.
#[test]
fn every_recorded_answer() {
    let answers: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../../tests/answers/dashscope.json")).unwrap();
    for a in &answers {
        let status = a["status"].as_u64().unwrap() as u16;
        let j = response(
            status,
            a["body"].as_str().unwrap().as_bytes(),
            false,
            None,
            &Scrubber::default(),
        );
        let source = a["source"].as_str().unwrap();
        assert_eq!(j.outcome.name(), a["outcome"], "{source}");
        assert_eq!(
            j.server_code.as_deref(),
            a["server_code"].as_str(),
            "{source}"
        );
        assert_eq!(
            j.request_id.as_deref(),
            a["request_id"].as_str(),
            "{source}"
        );
        if let Some(says) = a["says"].as_str() {
            let words = format!("{} {}", j.cause, j.next_step.words);
            assert!(words.contains(says), "{source}: {words}");
        }
    }
}

/// Every outcome, in the WIT's order (held to the WIT's own list below).
const OUTCOMES: [Outcome; 18] = qianwen_auth_facts::wit_outcomes!(crate::wit::types);

/// `docs/reference/outcomes.md`: each outcome as the WIT describes it, and what it shows about
/// the key.
#[test]
fn reference_outcomes() {
    let docs = reference::wit_enum("outcome");
    let names: Vec<&str> = OUTCOMES.iter().map(|o| o.name()).collect();
    let documented: Vec<&str> = docs.iter().map(|(case, _)| case.as_str()).collect();
    assert_eq!(names, documented);
    let rows = OUTCOMES.iter().zip(&docs).map(|(outcome, (_, doc))| {
        vec![
            format!("`{}`", outcome.name()),
            format!("`{}`", key_judgement(*outcome).name()),
            doc.clone(),
        ]
    });
    let text = format!(
        "# Outcomes of `verify`\n\n`outcome` and `key_judgement` in `verify --json` and in evidence records. An answer from\npast DashScope's key check (the account, the model, the parameters, the content) shows that\nthe key was accepted, even though the probe failed. Which exit code each ends with: README,\n\"Exit codes\".\n\n{}",
        reference::table(&["outcome", "key_judgement", "meaning"], rows)
    );
    reference::check_file("docs/reference/outcomes.md", &text);
}

/// `docs/reference/answers.md`: DashScope's answers as the table judges them, in the order the
/// rows are tried, with the tool's own words.
#[test]
fn reference_answers() {
    let quoted =
        |items: &[&str]| -> Vec<String> { items.iter().map(|c| format!("`{c}`")).collect() };
    let rows = ROWS.iter().map(|row| {
        let status = match (*row.status.start(), *row.status.end()) {
            (a, b) if a == b => a.to_string(),
            (a, _) => format!("{}xx", a / 100),
        };
        let mut decided: Vec<String> = quoted(row.codes);
        decided.extend(row.prefixes.iter().map(|p| format!("`{p}*`")));
        if !row.phrases.is_empty() {
            let phrases: Vec<String> = row.phrases.iter().map(|p| format!("\"{p}\"")).collect();
            let with = if row.refines.is_empty() {
                "with no code".to_string()
            } else {
                format!("with no code or {}", quoted(row.refines).join(", "))
            };
            decided.push(format!("{} ({with})", phrases.join(", ")));
        }
        if row.any_code {
            decided.push("any other".to_string());
        }
        let topics: Vec<String> = row
            .links
            .iter()
            .map(|t| format!("`{}`", t.name()))
            .collect();
        vec![
            status,
            decided.join(", "),
            format!("`{}`", row.outcome.name()),
            format!("{}. {}", row.cause, row.next_step),
            topics.join(", "),
        ]
    });
    let text = format!(
        "# What DashScope answers, and what the tool says\n\nDecided on the HTTP status and the error code (compatible mode's `error.code`, or its\n`error.type` when the code is `null`; native mode's `code`), by the first row that takes the\nanswer. A message's wording decides only where the code is missing or too general to tell,\nfrom the phrasings quoted (compared without case). An answer no row takes is `bad-response`\n(not JSON, no `choices`, a redirect, over the size limit, a 404 naming no code).\n`tests/answers/dashscope.json` holds answers users recorded in public issue threads, each\nserved through the mock DashScope by the tests.\n\n{}",
        reference::table(
            &[
                "status",
                "code or phrasing",
                "outcome",
                "the tool says",
                "links"
            ],
            rows
        )
    );
    reference::check_file("docs/reference/answers.md", &text);
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
        assert!(j.next_step.words.contains("not judged"), "{error:?}");
        assert!(j.cause.contains("dashscope.aliyuncs.com"), "{error:?}");
        assert_eq!(j.cause.contains("was sent to"), sent, "{}", j.cause);
        assert_eq!(j.cause.contains("nothing was sent"), !sent, "{}", j.cause);
        assert!(!j.retryable);
    }
}

/// Advice names no option of any host: more time and a grant travel as remedies, which each
/// host spells its own way.
#[test]
fn transport_advice_names_the_setting_never_an_option() {
    let remedy = |error| transport(&error, "llm.example.com:8443").next_step;
    for error in [TransportError::ConnectTimeout, TransportError::Timeout] {
        let advice = remedy(error);
        assert_eq!(advice.remedy, Some(Remedy::MoreTime));
        assert!(!advice.words.contains("--"), "{advice:?}");
    }
    let denied = remedy(TransportError::Denied);
    assert_eq!(
        denied.remedy,
        Some(Remedy::GrantHost("llm.example.com:8443".into()))
    );
    assert!(!denied.words.contains("--"), "{denied:?}");
    for error in [
        TransportError::Dns,
        TransportError::Tls,
        TransportError::Broken,
    ] {
        assert_eq!(remedy(error).remedy, None);
    }
}

#[test]
fn a_proxy_failure_names_the_proxy_its_variable_and_the_step() {
    let failed = |stage| {
        Failure::Failed(ProxyFailure {
            proxy: "http://***@proxy.example:3128".into(),
            from: "HTTPS_PROXY".into(),
            socks: false,
            stage,
        })
    };
    for (stage, words, outcome) in [
        (
            ProxyStage::Refused,
            "connection to the proxy",
            Outcome::Network,
        ),
        (
            ProxyStage::Dns,
            "DNS: the host of the proxy",
            Outcome::Network,
        ),
        (ProxyStage::Timeout, "did not connect", Outcome::Timeout),
        (
            ProxyStage::Tls,
            "TLS: the secure connection to dashscope.aliyuncs.com through",
            Outcome::Network,
        ),
        (ProxyStage::Auth, "HTTP 407", Outcome::Network),
        (
            ProxyStage::Tunnel,
            "would not connect to dashscope.aliyuncs.com",
            Outcome::Network,
        ),
        (ProxyStage::Other, "through the proxy", Outcome::Network),
    ] {
        let j = transport(
            &TransportError::Proxy(failed(stage)),
            "dashscope.aliyuncs.com",
        );
        assert_eq!(j.outcome, outcome, "{stage:?}");
        assert!(j.cause.contains(words), "{stage:?}: {}", j.cause);
        assert!(
            j.cause
                .contains("http://***@proxy.example:3128 (from HTTPS_PROXY)"),
            "{stage:?}: {}",
            j.cause
        );
        assert!(j.cause.ends_with("; nothing was sent"), "{}", j.cause);
    }
    let unusable =
        Failure::Unusable("the proxy in https_proxy cannot be used: it is not a URL".into());
    let j = transport(&TransportError::Proxy(unusable), "dashscope.aliyuncs.com");
    assert_eq!(
        j.cause,
        "The proxy in https_proxy cannot be used: it is not a URL; nothing was sent"
    );
}

/// A refusal that quotes the key, turned in a way no decoder reads, is quoted only up to where
/// the key stood: the rest of what the server did with it is not shown.
#[test]
fn a_quotation_stops_where_a_key_stood() {
    let key = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";
    let scrubber = Scrubber::new([key]);
    let body = compat(
        "InvalidParameter",
        &format!("Bad value for {key}: it was seen as 7Yq2-unknowable-form"),
    );
    let j = response(400, &body, false, None, &scrubber);
    assert!(j.cause.ends_with(": \"Bad value for\""), "{}", j.cause);
    assert!(!j.cause.contains("unknowable"), "{}", j.cause);
    // Nothing before it: no quotation at all, the code alone.
    let body = compat("InvalidParameter", &format!("{key} is not allowed here"));
    let j = response(400, &body, false, None, &scrubber);
    assert!(!j.cause.contains('"'), "{}", j.cause);
    assert!(j.cause.contains("InvalidParameter"), "{}", j.cause);
}
