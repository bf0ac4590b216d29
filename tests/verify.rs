//! `qianwen-auth verify`, end to end, against a mock DashScope on loopback.

mod common;
mod mock;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use mock::proxy::{Behaviour, Proxy};
use mock::{Mock, Reply, TLS_NAME, compat_error, native_error};
use serde_json::Value;

/// Run `verify --json` against `mock` with `key`; return the exit code, the JSON and the time.
fn verify(dir: &Path, mock: &Mock, key: &str, extra: &[&str]) -> (i32, Value, Duration) {
    let url = mock.url();
    let grant = mock.grant();
    let mut args = vec!["verify", "--json", "--allow-host", &grant];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let out = run(
        dir,
        &[("DASHSCOPE_API_KEY", key), ("QWEN_BASE_URL", &url)],
        &args,
    );
    let elapsed = started.elapsed();
    assert_no_leak(&out.all(), &ALL_KEYS, "verify --json");
    (out.code, out.json(), elapsed)
}

fn evidence_text(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir.join("output/qianwen-ops-auth")).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    all
}

#[test]
fn pass_sends_the_documented_request() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["outcome"], "pass");
    assert_eq!(v["http_status"], 200);
    assert_eq!(v["key"]["masked"], "sk-****************a1b2");
    assert_eq!(v["granted_hosts"][0], mock.grant());

    let seen = &mock.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/compatible-mode/v1/chat/completions");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {STANDARD}").as_str())
    );
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("x-api-key"), None);
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"model":"qwen-turbo","messages":[{"role":"user","content":"hi"}]})
    );
    assert_eq!(mock.connections(), 1);
}

#[test]
fn every_row_of_the_error_table_in_both_shapes() {
    let rows: &[(u16, &str, &str, &str, i32)] = &[
        (
            401,
            "InvalidApiKey",
            "Invalid API-key provided.",
            "auth-rejected",
            4,
        ),
        (
            401,
            "invalid_api_key",
            "Incorrect API key provided.",
            "auth-rejected",
            4,
        ),
        (
            401,
            "InvalidApiKey",
            "No API-key provided.",
            "auth-missing",
            4,
        ),
        (
            400,
            "Arrearage",
            "Access denied, please make sure your account is in good standing.",
            "billing",
            7,
        ),
        (403, "AccessDenied", "Access denied.", "access-denied", 7),
        (
            403,
            "AccessDenied.Unpurchased",
            "Access to model denied.",
            "access-denied",
            7,
        ),
        (
            403,
            "AllocationQuota.FreeTierOnly",
            "The free tier of the model has been exhausted.",
            "quota-exhausted",
            7,
        ),
        (
            404,
            "ModelNotFound",
            "Model not exist.",
            "model-not-found",
            8,
        ),
        (
            404,
            "model_not_found",
            "The model does not exist.",
            "model-not-found",
            8,
        ),
        (
            429,
            "Throttling",
            "Requests throttling triggered.",
            "rate-limited",
            7,
        ),
        (
            429,
            "Throttling.RateQuota",
            "Requests rate limit exceeded.",
            "rate-limited",
            7,
        ),
        (
            429,
            "Throttling.AllocationQuota",
            "Allocated quota exceeded.",
            "rate-limited",
            7,
        ),
        (
            429,
            "insufficient_quota",
            "You exceeded your current quota.",
            "rate-limited",
            7,
        ),
        (
            500,
            "InternalError",
            "An internal error has occured.",
            "server-error",
            8,
        ),
    ];
    let dir = tempdir();
    for &(status, code, message, outcome, exit) in rows {
        for body in [compat_error(code, message), native_error(code, message)] {
            // Retry-After: 0 keeps the retried rows (429, 5xx) quick.
            let mock = Mock::start(vec![
                Reply::json(status, &body).with_header("retry-after", "0"),
            ]);
            let (got, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
            assert_eq!(v["outcome"], outcome, "{status} {code}");
            assert_eq!(got, exit, "{status} {code}");
            assert_eq!(v["http_status"], status);
            assert_eq!(v["server_code"], code);
            let retried = status == 429 || status >= 500;
            assert_eq!(
                mock.connections(),
                if retried { 3 } else { 1 },
                "{status} {code}"
            );
            assert!(
                !v["links"].as_array().unwrap().is_empty()
                    || exit == 8
                    || outcome == "auth-missing"
            );
        }
    }
}

#[test]
fn a_401_echoing_the_key_is_scrubbed_everywhere() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::EchoKey]);
    let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 4);
    assert_eq!(v["outcome"], "auth-rejected");
    assert!(v["excerpt"].as_str().unwrap().contains("[redacted]"));
    assert_no_leak(&evidence_text(dir.path()), &ALL_KEYS, "evidence");
    // Human output too.
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 4);
    assert!(out.stdout.contains("Server said:"), "{}", out.stdout);
    assert_no_leak(&out.all(), &ALL_KEYS, "verify");
}

#[test]
fn a_401_from_a_region_hints_at_the_other_without_sending_there() {
    // The mock stands in for the Beijing endpoint: no base URL override, so the region is
    // known. Only the hint changes; the key goes nowhere else.
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(
        401,
        &compat_error("InvalidApiKey", "Invalid API-key provided."),
    )]);
    let (_, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(v["region"], "custom");
    assert_eq!(mock.connections(), 1);
}

#[test]
fn a_hang_ends_at_the_time_limit() {
    let dir = tempdir();
    for (reply, status) in [
        (Reply::Hang, Value::Null),
        (Reply::StallMidBody, Value::from(200)),
    ] {
        let mock = Mock::start(vec![reply]);
        let (code, v, elapsed) = verify(dir.path(), &mock, STANDARD, &["--timeout", "2"]);
        assert_eq!(v["outcome"], "timeout", "{v}");
        assert_eq!(code, 6);
        assert_eq!(v["http_status"], status);
        assert!(
            v["cause"]
                .as_str()
                .unwrap()
                .ends_with("but no whole answer came within the time limit"),
            "{v}"
        );
        assert!(v["next_step"].as_str().unwrap().contains("not judged"));
        assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
        assert_eq!(mock.connections(), 1, "timeouts are not retried");
    }
}

#[test]
fn a_reset_mid_body_is_a_network_failure() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::ResetMidBody]);
    let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(v["outcome"], "network", "{v}");
    assert_eq!(code, 6);
    assert_eq!(v["http_status"], 200);
}

#[test]
fn redirects_are_never_followed() {
    let dir = tempdir();
    let elsewhere = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let mock = Mock::start(vec![Reply::Http {
        status: 302,
        headers: vec![("location".into(), format!("{}/steal?x=1", elsewhere.url()))],
        body: Vec::new(),
    }]);
    let (code, v, _) = verify(
        dir.path(),
        &mock,
        STANDARD,
        &["--allow-host", &elsewhere.grant()],
    );
    assert_eq!(v["outcome"], "bad-response");
    assert_eq!(code, 8);
    assert_eq!(v["http_status"], 302);
    assert!(v["cause"].as_str().unwrap().contains("never followed"));
    assert_eq!(elsewhere.connections(), 0);
}

#[test]
fn answers_that_are_not_a_chat_completion() {
    let dir = tempdir();
    let big = format!(
        "{{\"choices\":[{{\"message\":{{\"content\":\"{}\"}}}}]}}",
        "x".repeat(2 << 20)
    );
    for reply in [
        Reply::Http {
            status: 200,
            headers: vec![],
            body: b"<html>captive portal</html>".to_vec(),
        },
        Reply::json(200, r#"{"id":"x","object":"chat.completion"}"#),
        Reply::json(200, &big),
    ] {
        let mock = Mock::start(vec![reply]);
        let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
        assert_eq!(v["outcome"], "bad-response", "{}", v["cause"]);
        assert_eq!(code, 8);
        assert_eq!(v["http_status"], 200);
        assert!(v["excerpt"].as_str().map_or(0, str::len) < 2000);
    }
}

#[test]
fn a_500_then_a_200_passes_after_one_retry() {
    let dir = tempdir();
    let mock = Mock::start(vec![
        Reply::json(500, &compat_error("InternalError", "oops")),
        Reply::json(200, mock::OK_BODY),
    ]);
    let (code, v, elapsed) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["outcome"], "pass");
    assert_eq!(v["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(v["attempts"][0]["http_status"], 500);
    assert!(
        elapsed >= Duration::from_millis(1400),
        "the backoff is 1.5 s, took {elapsed:?}"
    );
}

#[test]
fn retry_after_is_honoured() {
    let dir = tempdir();
    let mock = Mock::start(vec![
        Reply::json(429, &compat_error("Throttling", "slow down")).with_header("retry-after", "1"),
        Reply::json(200, mock::OK_BODY),
    ]);
    let (code, _, elapsed) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 0);
    assert!(elapsed >= Duration::from_millis(900), "took {elapsed:?}");
}

#[test]
fn a_host_not_granted_gets_no_connection() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--json"],
    );
    let v = out.json();
    assert_eq!(out.code, 6);
    assert_eq!(v["outcome"], "host-denied");
    assert!(v["cause"].as_str().unwrap().contains("127.0.0.1"));
    assert_eq!(mock.connections(), 0);
    // Granted on another port: still refused.
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--json", "--allow-host", "127.0.0.1:1"],
    );
    assert_eq!(out.code, 6);
    assert_eq!(mock.connections(), 0);
}

#[test]
fn nothing_is_sent_for_a_plan_key_or_no_key() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let (code, v, _) = verify(dir.path(), &mock, PLAN, &[]);
    assert_eq!(code, 5);
    assert_eq!(v["outcome"], "plan-key-refused");
    assert_eq!(v["attempts"], serde_json::json!([]));
    let (code, v, _) = verify(dir.path(), &mock, "sk-your-key-here", &[]);
    assert_eq!(code, 3);
    assert_eq!(v["outcome"], "no-key");
    assert_eq!(mock.connections(), 0);
    assert!(v["evidence"].is_string(), "a refusal is evidence too");
}

#[test]
fn connection_refused_and_dns_and_tls_failures_are_named() {
    let dir = tempdir();
    // A port with nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let grant = format!("127.0.0.1:{port}");
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", &url)],
        &["verify", "--json", "--allow-host", &grant],
    );
    assert_eq!(out.code, 6);
    assert!(
        out.json()["cause"].as_str().unwrap().contains("refused"),
        "{}",
        out.stdout
    );

    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", "https://no-such-host.invalid"),
        ],
        &["verify", "--json", "--allow-host", "no-such-host.invalid"],
    );
    assert_eq!(out.code, 6);
    assert!(
        out.json()["cause"].as_str().unwrap().starts_with("DNS"),
        "{}",
        out.stdout
    );

    // https to a server that speaks plain http: the TLS handshake fails.
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let url = format!("https://127.0.0.1:{}", mock.port);
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", &url)],
        &["verify", "--json", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 6);
    assert!(
        out.json()["cause"].as_str().unwrap().starts_with("TLS"),
        "{}",
        out.stdout
    );
}

#[test]
fn ssl_cert_file_adds_a_trusted_root() {
    let dir = tempdir();
    let (mock, ca) = Mock::start_tls(vec![Reply::json(200, mock::OK_BODY)]);
    let ca_file = write(dir.path().join("ca.pem"), &ca);
    let url = format!("https://localhost:{}", mock.port);
    let grant = format!("localhost:{}", mock.port);
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", url.as_str()),
    ];
    // Without the CA the certificate is not trusted.
    let out = run(
        dir.path(),
        &env,
        &["verify", "--json", "--allow-host", &grant],
    );
    assert_eq!(out.code, 6);
    assert!(
        out.json()["cause"].as_str().unwrap().starts_with("TLS"),
        "{}",
        out.stdout
    );
    // With SSL_CERT_FILE naming it, as curl would take it.
    let mut env = env.to_vec();
    env.push(("SSL_CERT_FILE", ca_file.to_str().unwrap()));
    let out = run(
        dir.path(),
        &env,
        &["verify", "--json", "--allow-host", &grant],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(mock.seen().len(), 1);
}

/// Through an HTTP proxy's tunnel and through a SOCKS5 proxy, as curl takes them from the
/// environment: the request reaches the server, the proxy is asked only for the host, and all
/// it carries is encrypted.
#[test]
fn https_goes_through_a_proxy_as_curl_sends_it() {
    let dir = tempdir();
    let (server, ca) = Mock::start_tls(vec![Reply::json(200, mock::OK_BODY)]);
    let ca_file = write(dir.path().join("ca.pem"), &ca);
    let tunnel = Proxy::start(Behaviour::Tunnel(server.port));
    let socks = Proxy::start(Behaviour::Socks5(server.port));
    let base = format!("https://{TLS_NAME}");
    for (variable, proxy) in [
        ("https_proxy", &tunnel),
        ("HTTPS_PROXY", &tunnel),
        ("all_proxy", &socks),
        ("ALL_PROXY", &tunnel),
    ] {
        let url = proxy.url();
        let env = [
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", base.as_str()),
            ("SSL_CERT_FILE", ca_file.to_str().unwrap()),
            (variable, url.as_str()),
        ];
        let out = run(
            dir.path(),
            &env,
            &["verify", "--json", "--allow-host", TLS_NAME],
        );
        assert_eq!(out.code, 0, "{variable}: {}", out.stdout);
        assert_eq!(proxy.asked().last().unwrap(), &format!("{TLS_NAME}:443"));
        assert_no_leak(&proxy.received(), &[STANDARD], variable);
    }
    assert_eq!(server.seen().len(), 4);
}

/// Plain http (only ever to a granted loopback host) and loopback are never proxied, whatever
/// is set: the key never crosses a proxy in clear text.
#[test]
fn plain_http_and_loopback_are_never_proxied() {
    let dir = tempdir();
    let proxy = Proxy::start(Behaviour::Tunnel(1));
    let target = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let (tls, ca) = Mock::start_tls(vec![Reply::json(200, mock::OK_BODY)]);
    let ca_file = write(dir.path().join("ca.pem"), &ca);
    let url = proxy.url();
    let mut env = vec![
        ("DASHSCOPE_API_KEY", STANDARD),
        ("SSL_CERT_FILE", ca_file.to_str().unwrap()),
    ];
    for variable in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        env.push((variable, url.as_str()));
    }
    let plain = target.url();
    let tls_url = format!("https://localhost:{}", tls.port);
    for (base, grant) in [
        (plain.as_str(), target.grant()),
        (tls_url.as_str(), format!("localhost:{}", tls.port)),
    ] {
        let mut env = env.clone();
        env.push(("QWEN_BASE_URL", base));
        let out = run(
            dir.path(),
            &env,
            &["verify", "--json", "--allow-host", &grant],
        );
        assert_eq!(out.code, 0, "{base}: {}", out.stdout);
    }
    assert_eq!(proxy.asked(), Vec::<String>::new(), "the proxy was asked");
    assert_eq!((target.seen().len(), tls.seen().len()), (1, 1));
}

/// A host NO_PROXY names is reached directly: here, a name that does not resolve, reported as
/// such, with nothing sent.
#[test]
fn no_proxy_hosts_are_reached_directly() {
    let dir = tempdir();
    let proxy = Proxy::start(Behaviour::Tunnel(1));
    let base = format!("https://{TLS_NAME}");
    let url = proxy.url();
    for no_proxy in [TLS_NAME, "test.example", ".example", "*"] {
        let env = [
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", base.as_str()),
            ("HTTPS_PROXY", url.as_str()),
            ("NO_PROXY", no_proxy),
        ];
        let out = run(
            dir.path(),
            &env,
            &["verify", "--json", "--allow-host", TLS_NAME],
        );
        assert_eq!(out.code, 6, "{no_proxy}: {}", out.stdout);
        assert_eq!(
            out.json()["cause"],
            format!("DNS: the name {TLS_NAME} could not be resolved; nothing was sent"),
            "{no_proxy}"
        );
    }
    assert_eq!(proxy.asked(), Vec::<String>::new());
}

/// Every failure on the way through a proxy names the proxy (without its password) and the
/// variable that set it, says which step failed, and that nothing was sent.
#[test]
fn proxy_failures_name_the_proxy_and_say_nothing_was_sent() {
    let dir = tempdir();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let needs_auth = Proxy::start(Behaviour::Refuse(407));
    let forbids = Proxy::start(Behaviour::Refuse(403));
    let base = format!("https://{TLS_NAME}");
    let cases = [
        (
            format!("http://someone:s3cret-pw@127.0.0.1:{closed}"),
            format!(
                "The connection to the proxy http://***@127.0.0.1:{closed} (from HTTPS_PROXY) \
                 was refused; nothing was sent"
            ),
        ),
        (
            needs_auth.url(),
            format!(
                "The proxy {} (from HTTPS_PROXY) asks for credentials (HTTP 407) before it \
                 connects to {TLS_NAME}; nothing was sent",
                needs_auth.url()
            ),
        ),
        (
            forbids.url(),
            format!(
                "The proxy {} (from HTTPS_PROXY) would not connect to {TLS_NAME}; nothing was sent",
                forbids.url()
            ),
        ),
        (
            "http://proxy.invalid:3128".to_string(),
            "DNS: the host of the proxy http://proxy.invalid:3128 (from HTTPS_PROXY) could not \
             be resolved; nothing was sent"
                .to_string(),
        ),
        (
            "ftp://proxy.example:21".to_string(),
            "The proxy in HTTPS_PROXY cannot be used: its scheme ftp:// is not one of http://, \
             https://, socks4://, socks4a://, socks5://, socks5h://; fix it, or unset it to \
             connect directly; nothing was sent"
                .to_string(),
        ),
    ];
    for (proxy, cause) in cases {
        let env = [
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", base.as_str()),
            ("HTTPS_PROXY", proxy.as_str()),
        ];
        let out = run(
            dir.path(),
            &env,
            &["verify", "--json", "--allow-host", TLS_NAME],
        );
        assert_eq!(out.code, 6, "{}", out.stdout);
        let v = out.json();
        assert_eq!(v["cause"], cause.as_str());
        assert_eq!(v["outcome"], "network");
        assert!(!out.all().contains("s3cret"), "the proxy's password shows");
        let text = run(dir.path(), &env, &["verify", "--allow-host", TLS_NAME]);
        assert!(text.stdout.contains(&cause), "{}", text.stdout);
    }
    assert_eq!(needs_auth.asked(), vec![format!("{TLS_NAME}:443"); 2]);
}

#[test]
fn evidence_files_and_latest() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let (_, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    let path = v["evidence"].as_str().unwrap();
    assert!(
        path.starts_with("output/qianwen-ops-auth/verify-") && path.ends_with(".json"),
        "{path}"
    );
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(path)).unwrap()).unwrap();
    assert_eq!(record["outcome"], "pass");
    assert_eq!(record["http_status"], 200);
    assert_eq!(record["endpoint_host"], mock.grant());
    assert_eq!(record["key"]["masked"], "sk-****************a1b2");
    assert!(record["latency_ms"].is_u64());
    assert!(record["time"].as_str().unwrap().ends_with('Z'));
    let latest =
        std::fs::read_to_string(dir.path().join("output/qianwen-ops-auth/latest.json")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&latest).unwrap(), record);

    // A second run adds a file and replaces latest.json.
    verify(dir.path(), &mock, STANDARD, &[]);
    let files = std::fs::read_dir(dir.path().join("output/qianwen-ops-auth"))
        .unwrap()
        .count();
    assert_eq!(files, 3);
}

#[test]
fn output_option_and_refused_output_directories() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let (_, v, _) = verify(dir.path(), &mock, STANDARD, &["--output", "evidence"]);
    assert!(
        v["evidence"]
            .as_str()
            .unwrap()
            .starts_with("evidence/qianwen-ops-auth/")
    );

    // output/ a symlink: refused before anything is sent, nothing written.
    let elsewhere = tempdir();
    symlink(elsewhere.path(), dir.path().join("output")).unwrap();
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    assert_eq!(mock.connections(), 1, "nothing sent after the refusal");

    // Inside a skills/ hierarchy.
    let skills = dir.path().join("skills/some-skill");
    std::fs::create_dir_all(&skills).unwrap();
    let out = run(&skills, &[("DASHSCOPE_API_KEY", STANDARD)], &["verify"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("skills/"), "{}", out.stderr);
    assert!(!skills.join("output").exists());

    // Next to the binary.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_qianwen-auth"))
        .parent()
        .unwrap();
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["verify", "--output", bin_dir.to_str().unwrap()],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("holds qianwen-auth"), "{}", out.stderr);
}

#[test]
fn human_output_for_a_pass() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.starts_with("✓ HTTP 200 with a chat completion"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Granted by --allow-host: 127.0.0.1:"));
    assert!(
        out.stdout
            .contains("Evidence: output/qianwen-ops-auth/verify-")
    );
    assert!(
        !out.stderr.contains('⠋'),
        "no spinner when stderr is not a terminal"
    );
}

/// For each scenario, the status `verify` reports for its first request equals what curl gets.
#[test]
fn statuses_match_curl() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("curl is not installed; skipped");
        return;
    }
    let scenarios: Vec<Reply> = vec![
        Reply::json(200, mock::OK_BODY),
        Reply::json(
            401,
            &compat_error("InvalidApiKey", "Invalid API-key provided."),
        ),
        Reply::json(400, &native_error("Arrearage", "overdue")),
        Reply::json(403, &compat_error("AccessDenied", "denied")),
        Reply::json(404, &native_error("ModelNotFound", "no")),
        Reply::json(429, &compat_error("Throttling", "slow")).with_header("retry-after", "0"),
        Reply::json(500, &native_error("InternalError", "oops")).with_header("retry-after", "0"),
        Reply::EchoKey,
        Reply::Http {
            status: 302,
            headers: vec![("location".into(), "http://127.0.0.1:1/".into())],
            body: vec![],
        },
        Reply::Http {
            status: 200,
            headers: vec![],
            body: b"not json".to_vec(),
        },
        Reply::ResetMidBody,
        Reply::Hang,
    ];
    let dir = tempdir();
    for reply in scenarios {
        let curl_mock = Mock::start(vec![reply.clone()]);
        let curl = std::process::Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--max-time",
                "2",
                "-X",
                "POST",
            ])
            .args(["-H", "Content-Type: application/json"])
            .args(["-H", &format!("Authorization: Bearer {STANDARD}")])
            .args([
                "-d",
                r#"{"model":"qwen-turbo","messages":[{"role":"user","content":"hi"}]}"#,
            ])
            .arg(format!(
                "{}/compatible-mode/v1/chat/completions",
                curl_mock.url()
            ))
            .output()
            .unwrap();
        let curl_status = String::from_utf8_lossy(&curl.stdout).trim().to_string();
        let ours_mock = Mock::start(vec![reply.clone()]);
        let (_, v, _) = verify(dir.path(), &ours_mock, STANDARD, &["--timeout", "2"]);
        let ours = match &v["attempts"][0]["http_status"] {
            Value::Number(n) => n.to_string(),
            _ => "000".to_string(),
        };
        assert_eq!(ours, curl_status, "{reply:?}");
    }
}
