//! How `verify` meets what the network does: hangs, resets, redirects, odd answers, retries,
//! refused hosts, DNS and TLS failures, and trusted roots.

use super::*;

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
        // The component asks for more time; the CLI names its own option, with a value.
        let next = v["next_step"].as_str().unwrap();
        assert!(next.contains("not judged"), "{next}");
        assert!(
            next.ends_with(
                "To allow more time, add `--timeout 4` to the command (the limit was 2 s)."
            ),
            "{next}"
        );
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
    let elsewhere = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
        Reply::json(200, crate::mock::OK_BODY),
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
        Reply::json(200, crate::mock::OK_BODY),
    ]);
    let (code, _, elapsed) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 0);
    assert!(elapsed >= Duration::from_millis(900), "took {elapsed:?}");
}

#[test]
fn a_host_not_granted_gets_no_connection() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
    let (mock, ca) = Mock::start_tls(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
