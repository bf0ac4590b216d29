//! Keys echoed back encoded, typed as option values, or offered to a proxy: none shows.

use super::*;

/// A server that echoes the key encoded (in another case, escaped, in hex or base64, in the
/// body or in a header), and keys typed where an option value or a base URL belongs: nothing
/// shows the key, an option value shaped like one is refused with exit 2 before anything is
/// done, and a base URL holding one is never used.
#[test]
fn encoded_echoes_and_keys_in_option_values_never_show() {
    use base64::Engine;
    let mut c = Captures { items: Vec::new() };
    let b64 = base64::engine::general_purpose::STANDARD;
    let encodings = [
        STANDARD.to_ascii_uppercase(),
        b64.encode(format!("Bearer {STANDARD}")),
        b64.encode(format!("x{STANDARD}")),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(STANDARD),
        STANDARD.bytes().map(|b| format!("%{b:02X}")).collect(),
        STANDARD.bytes().map(|b| format!("\\u{b:04x}")).collect(),
        STANDARD.bytes().map(|b| format!("{b:02x}")).collect(),
    ];
    let (_repo, sub) = seeded_repo();
    for echo in &encodings {
        for reply in [
            Reply::json(
                401,
                &compat_error("invalid_api_key", &format!("Incorrect API key: {echo}")),
            ),
            Reply::Http {
                status: 302,
                headers: vec![("location".into(), format!("https://{echo}.example/{echo}"))],
                body: echo.clone().into_bytes(),
            },
            Reply::json(200, crate::mock::OK_BODY).with_header("x-request-id", echo),
        ] {
            let mock = Mock::start(vec![reply]);
            let mut env = with("DASHSCOPE_API_KEY", STANDARD);
            env.push(("QWEN_BASE_URL".into(), mock.url()));
            for json in [false, true] {
                let mut args = vec!["verify", "--answer", "1", "--allow-host"];
                let grant = mock.grant();
                args.push(&grant);
                if json {
                    args.push("--json");
                }
                c.run(&sub, &borrow(&env), &args);
            }
        }
    }
    c.files(&sub);

    // A key where an option value belongs: refused, never echoed, nothing created.
    let work = tempdir();
    let env = with("DASHSCOPE_API_KEY", STANDARD);
    let piece = &STANDARD[5..21];
    let host = format!(
        "{}.example",
        STANDARD.to_ascii_lowercase().replace('_', "-")
    );
    let refused: Vec<Vec<String>> = vec![
        vec!["verify".into(), "--allow-host".into(), host.clone()],
        vec!["verify".into(), "--output".into(), STANDARD.into()],
        vec!["verify".into(), "--output".into(), format!("out-{piece}")],
        vec![
            "agent-snippet".into(),
            "--write".into(),
            format!("{PLAN}.md"),
        ],
        vec![
            "component".into(),
            "--out".into(),
            format!("{STANDARD}.wasm"),
        ],
        vec![
            "capabilities".into(),
            "--output".into(),
            ACCESS_KEY_SECRET.into(),
        ],
        vec!["capabilities".into(), "--allow-host".into(), host],
    ];
    for args in &refused {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = c.run(work.path(), &borrow(&env), &args);
        assert_eq!(out.code, 2, "{}: {}", args[0], out.stderr);
        assert!(
            out.stderr.contains("holds a key"),
            "{}: {}",
            args[0],
            out.stderr
        );
    }
    assert_eq!(
        files_under(work.path()),
        Vec::<PathBuf>::new(),
        "a refused command created something"
    );

    // A key inside QWEN_BASE_URL: the URL is never used, and never shown.
    for url in [
        format!("http://127.0.0.1:9/{STANDARD}"),
        format!(
            "http://127.0.0.1:9/v1?key={}",
            STANDARD.to_ascii_uppercase()
        ),
        format!("https://{}.example", &STANDARD[3..].replace('_', "-")),
    ] {
        let mut env = with("DASHSCOPE_API_KEY", STANDARD);
        env.push(("QWEN_BASE_URL".into(), url));
        for args in [&["status", "--json"][..], &["status", "--verbose"]] {
            let out = c.run(work.path(), &borrow(&env), args);
            assert!(
                out.stdout.contains("QWEN_BASE_URL holds a key"),
                "{}",
                out.stdout
            );
            assert!(
                out.stdout
                    .contains("https://dashscope.aliyuncs.com/compatible-mode"),
                "the default endpoint is used instead"
            );
        }
    }
    assert!(c.check("encoded-echoes") >= 100);
}

/// Whatever proxy variables are set, a proxy never receives the key in clear: plain http to a
/// granted loopback host goes direct, and https goes through the proxy encrypted end to end.
/// The proxy records every byte it is sent.
#[test]
fn a_proxy_never_sees_the_key_in_clear() {
    use crate::mock::TLS_NAME;
    use crate::mock::proxy::{Behaviour, Proxy};
    let dir = tempdir();
    let plain = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let (tls, ca) = Mock::start_tls(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let ca_file = write(dir.path().join("ca.pem"), &ca);
    let tunnel = Proxy::start(Behaviour::Tunnel(tls.port));
    let socks = Proxy::start(Behaviour::Socks5(tls.port));
    let https_base = format!("https://{TLS_NAME}");
    for proxy in [&tunnel, &socks] {
        for variable in [
            "http_proxy",
            "HTTP_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
        ] {
            let url = proxy.url();
            for (base, grant) in [
                (plain.url(), plain.grant()),
                (https_base.clone(), TLS_NAME.to_string()),
            ] {
                let env = [
                    ("DASHSCOPE_API_KEY", STANDARD),
                    ("QWEN_BASE_URL", base.as_str()),
                    ("SSL_CERT_FILE", ca_file.to_str().unwrap()),
                    (variable, url.as_str()),
                ];
                let out = run(
                    dir.path(),
                    &env,
                    &["verify", "--json", "--allow-host", &grant],
                );
                assert_no_leak(&out.all(), &ALL_KEYS, variable);
            }
        }
        assert_no_leak(&proxy.received(), &ALL_KEYS, "what the proxy received");
        assert!(
            !proxy.received().contains("Bearer"),
            "a request reached the proxy in clear"
        );
    }
    // Both proxies were used, for https only.
    assert!(
        tunnel
            .asked()
            .iter()
            .all(|a| a == &format!("{TLS_NAME}:443"))
    );
    assert!(!tunnel.asked().is_empty() && !socks.asked().is_empty());
}
