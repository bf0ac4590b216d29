//! Proxies as curl takes them: https through them, plain http and loopback never, `NO_PROXY`,
//! and failures that name the proxy.

use super::*;

/// Through an HTTP proxy's tunnel and through a SOCKS5 proxy, as curl takes them from the
/// environment: the request reaches the server, the proxy is asked only for the host, and all
/// it carries is encrypted.
#[test]
fn https_goes_through_a_proxy_as_curl_sends_it() {
    let dir = tempdir();
    let (server, ca) = Mock::start_tls(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
    let target = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let (tls, ca) = Mock::start_tls(vec![Reply::json(200, crate::mock::OK_BODY)]);
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
        // Windows has one variable under both spellings; the tool asks for `https_proxy`
        // first, as curl does, and names it as it asked.
        let cause = if cfg!(windows) {
            cause.replace("HTTPS_PROXY", "https_proxy")
        } else {
            cause
        };
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
