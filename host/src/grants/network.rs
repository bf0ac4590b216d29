//! The outbound HTTP grant: `wasi:http` requests leave only for DashScope's two hosts on 443,
//! or for a host the user granted with `--allow-host`; plain http only to a granted loopback
//! host. Judged on the request the component actually made, before any connection, in the
//! `send_request` hook, by the same rule the component applies when it reports an endpoint
//! (`qianwen_auth_facts::allowlist`, kept apart from this sender as Spin keeps its
//! `allowed_hosts`). Redirects are never followed; every request has a connect and a total
//! time limit; proxies (see `proxy`) and `SSL_CERT_FILE` are honoured as curl honours them, and
//! a failure on the way through a proxy is reported as the proxy's.

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::proxy::{self, Failure, Proxies, Proxy, ProxyStage};
use crate::platform::roots;

pub use qianwen_auth_facts::allowlist::AllowedHost;
use qianwen_auth_facts::allowlist::{self, Scheme};
use qianwen_auth_facts::limits;
use qianwen_auth_facts::proxies::PROXY_FAILURE;

/// Time limits for every request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect: Duration,
    /// From the start of the request to the end of the response body.
    pub total: Duration,
}

impl Limits {
    /// How long a whole verification may take, retries and the waits before them included:
    /// computed here once, passed to the component, and held to by `Network::budget`.
    pub fn verification(&self) -> Duration {
        self.total * limits::VERIFY_IN_LIMITS
    }
}

/// The grant, its record of refusals, and the client that carries allowed requests.
pub struct Network {
    /// False for commands that must send nothing.
    open: bool,
    granted: Vec<AllowedHost>,
    limits: Limits,
    proxies: Proxies,
    refused: Mutex<Vec<String>>,
    /// How requests failed at a proxy, for `proxies.failures`; shared with requests in flight.
    proxy_failures: Arc<Mutex<Vec<Failure>>>,
    /// For https: trusts the system's roots (and SSL_CERT_FILE), loaded when first needed.
    tls: OnceLock<Result<reqwest::Client, ClientStart>>,
}

impl Network {
    /// A grant to DashScope and the `granted` hosts, with these time limits and proxies.
    pub fn new(granted: Vec<AllowedHost>, limits: Limits, proxies: Proxies) -> Self {
        Self {
            open: true,
            granted,
            limits,
            proxies,
            refused: Mutex::default(),
            proxy_failures: Arc::default(),
            tls: OnceLock::new(),
        }
    }

    /// A grant for commands that send nothing: not even DashScope is reachable.
    pub fn closed() -> Self {
        let mut network = Self::new(
            Vec::new(),
            Limits {
                connect: Duration::ZERO,
                total: Duration::ZERO,
            },
            Proxies::default(),
        );
        network.open = false;
        network
    }

    /// How long a call that verifies may run before the host stops it: the verification's
    /// time, which the component keeps within, and some slack. Only a component that does not
    /// keep its word meets this.
    pub fn budget(&self) -> Duration {
        self.limits.verification() + Duration::from_secs(limits::VERIFY_SLACK_SECONDS)
    }

    /// How requests failed at a proxy so far, oldest first.
    pub fn proxy_failures(&self) -> Vec<Failure> {
        self.proxy_failures
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    /// What was refused so far, in words, for the report.
    pub fn refusals(&self) -> Vec<String> {
        self.refused.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Whether a request to `uri` may leave, judged on the host it would connect to.
    pub fn permit(&self, uri: &http::Uri) -> Result<(), Refused> {
        if !self.open {
            return Err(Refused::SendsNothing);
        }
        let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
        if authority.contains('@') {
            return Err(Refused::Credentials(uri.host().unwrap_or("?").into()));
        }
        let host = uri.host().ok_or(Refused::NoHost)?;
        let scheme = Scheme::named(uri.scheme_str().unwrap_or_default());
        let port = uri.port_u16().unwrap_or(scheme.default_port());
        allowlist::judge(scheme, host, port, &self.granted)
            .map_err(|why| Refused::Allowlist(why.words(host, port)))
    }

    /// The client for https: it knows the proxies and the system's roots.
    fn tls_client(&self) -> Result<reqwest::Client, ClientStart> {
        self.tls
            .get_or_init(|| {
                // One crypto provider for the process; a second install attempt is harmless.
                let _ = rustls::crypto::ring::default_provider().install_default();
                // The same choice `send_request` made, so that a failure names the right proxy.
                let proxies = self.proxies.clone();
                self.builder()
                    .tls_certs_merge(roots::extra().map_err(ClientStart::Certificates)?)
                    .proxy(reqwest::Proxy::custom(move |url| {
                        let host = url.host_str().unwrap_or_default();
                        proxies.choose(true, host).ok().flatten().map(|p| p.url)
                    }))
                    .build()
                    .map_err(ClientStart::from)
            })
            .clone()
    }

    /// The client for plain http to `host`, which connects to `addresses` and nowhere else:
    /// the loopback addresses the name was found to have, so that no second lookup can lead
    /// elsewhere. Never proxied; no roots to load.
    fn plain_client(
        &self,
        host: &str,
        addresses: &[std::net::SocketAddr],
    ) -> Result<reqwest::Client, ClientStart> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        self.builder()
            .tls_certs_only(Vec::new())
            .resolve_to_addrs(host, addresses)
            .build()
            .map_err(ClientStart::from)
    }

    fn builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.limits.connect)
            .timeout(self.limits.total)
            .no_proxy()
    }

    fn refuse(&self, why: Refused) {
        if let Ok(mut refused) = self.refused.lock() {
            // Bounded like the component: a loop of refused requests cannot grow the host.
            if refused.len() >= limits::REFUSALS_KEPT {
                refused.remove(0);
            }
            refused.push(why.to_string());
        }
    }
}

/// Why the HTTP client could not start; the request fails with these words.
#[derive(Debug, Clone)]
enum ClientStart {
    /// The certificates the user named cannot be used.
    Certificates(roots::Unusable),
    /// The HTTP library would not build a client: its words (its error is not `Clone`, and
    /// the client, or why there is none, is kept for the run).
    Library(String),
}

impl From<reqwest::Error> for ClientStart {
    fn from(error: reqwest::Error) -> Self {
        Self::Library(error.to_string())
    }
}

impl std::fmt::Display for ClientStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Certificates(why) => why.fmt(f),
            Self::Library(why) => write!(f, "the HTTP client could not start: {why}"),
        }
    }
}

/// Why the grant refused a request; `verify`'s report tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The command is one that sends nothing.
    SendsNothing,
    /// The address carries a user or password (`user@host`); the host named.
    Credentials(String),
    NoHost,
    /// The allowlist's judgement, in its words.
    Allowlist(String),
    /// Plain http to a name that does not lead only to loopback addresses.
    NotLoopback {
        target: String,
        why: NotLoopback,
    },
}

/// Where a name reached by plain http leads, when that is not only to this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotLoopback {
    /// The lookup failed, with the system's words.
    Lookup(String),
    Elsewhere(std::net::IpAddr),
    NoAddress,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::SendsNothing => {
                f.write_str("this command sends nothing; the request was refused")
            }
            Refused::Credentials(host) => write!(
                f,
                "a request with credentials in its address ({host}) was refused"
            ),
            Refused::NoHost => f.write_str("a request without a host was refused"),
            Refused::Allowlist(words) => write!(f, "a request was refused: {words}"),
            Refused::NotLoopback { target, why } => {
                write!(f, "a plain-http request to {target} was refused: ")?;
                match why {
                    NotLoopback::Lookup(e) => write!(f, "the name could not be looked up ({e})"),
                    NotLoopback::Elsewhere(ip) => write!(
                        f,
                        "the name leads to {ip}, which is not a loopback address; plain http \
                         goes only to loopback"
                    ),
                    NotLoopback::NoAddress => f.write_str("the name has no address"),
                }
            }
        }
    }
}

/// Where plain http to `host` would connect: its addresses, when every one is a loopback
/// address; else why not. The allowlist judged the name; this judges where it leads.
fn loopback_addresses(host: &str, port: u16) -> Result<Vec<std::net::SocketAddr>, Refused> {
    use std::net::ToSocketAddrs;
    let refused = |why| Refused::NotLoopback {
        target: format!("{host}:{port}"),
        why,
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<std::net::SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| refused(NotLoopback::Lookup(e.to_string())))?
        .collect();
    match addresses.iter().find(|a| !a.ip().is_loopback()) {
        Some(elsewhere) => Err(refused(NotLoopback::Elsewhere(elsewhere.ip()))),
        None if addresses.is_empty() => Err(refused(NotLoopback::NoAddress)),
        None => Ok(addresses),
    }
}

type SendResult = Result<
    (
        http::Response<WasiBody>,
        Box<dyn Future<Output = Result<(), Error>> + Send>,
    ),
    Error,
>;

impl WasiHttpHooks for Network {
    /// The client derives `Host` from the URL it connects to, so the component's is dropped.
    fn set_host_header(&mut self) -> bool {
        false
    }

    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        if let Err(why) = self.permit(request.uri()) {
            self.refuse(why);
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        let https = request.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let host = request.uri().host().unwrap_or_default().to_string();
        let proxy = match self.proxies.choose(https, &host) {
            Ok(proxy) => proxy,
            Err(why) => {
                return Box::new(std::future::ready(Err(proxy_failed(
                    &self.proxy_failures,
                    Failure::Unusable(why.to_string()),
                ))));
            }
        };
        let client = if https {
            self.tls_client()
        } else {
            let port = request.uri().port_u16().unwrap_or(80);
            match loopback_addresses(&host, port) {
                Ok(addresses) => self.plain_client(&host, &addresses),
                Err(why) => {
                    self.refuse(why);
                    return Box::new(async { Err(Error::HttpRequestDenied) });
                }
            }
        };
        let failures = Arc::clone(&self.proxy_failures);
        Box::new(async move {
            let client = client.map_err(|why| Error::InternalError(Some(why.to_string())))?;
            send(client, request, proxy, &failures).await
        })
    }
}

async fn send(
    client: reqwest::Client,
    request: http::Request<WasiBody>,
    proxy: Option<Proxy>,
    failures: &Mutex<Vec<Failure>>,
) -> SendResult {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let mut headers = parts.headers;
    headers.remove(http::header::HOST);
    let response = client
        .request(parts.method, parts.uri.to_string())
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(|e| match &proxy {
            Some(proxy) if e.is_connect() => proxy_failed(failures, proxy_error(&e, proxy)),
            _ => transport_error(&e),
        })?;
    let response: http::Response<reqwest::Body> = response.into();
    let response = response.map(|body| body.map_err(|e| transport_error(&e)).boxed_unsync());
    Ok((response, Box::new(async { Ok(()) })))
}

/// Name what went wrong as precisely as the error allows: DNS, refused, TLS, timeout, reset.
fn transport_error(error: &reqwest::Error) -> Error {
    if error.is_timeout() {
        return if error.is_connect() {
            Error::ConnectionTimeout
        } else {
            Error::ConnectionReadTimeout
        };
    }
    if error.is_dns() {
        return Error::DnsError {
            rcode: None,
            info_code: None,
        };
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return match tls {
                rustls::Error::InvalidCertificate(_) => Error::TlsCertificateError,
                _ => Error::TlsProtocolError,
            };
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return Error::ConnectionRefused,
                TimedOut => return Error::ConnectionTimeout,
                // Closed while connecting to an https URL, after TCP connected: the TLS
                // handshake is what broke.
                ConnectionReset | UnexpectedEof if error.is_connect() && https(error) => {
                    return Error::TlsProtocolError;
                }
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                    return Error::ConnectionTerminated;
                }
                _ => {}
            }
            // An I/O error that wraps another (TLS errors arrive so) hides it from `source`.
            if let Some(inner) = io.get_ref() {
                source = Some(inner);
                continue;
            }
        }
        source = e.source();
    }
    if error.is_connect() {
        Error::DestinationUnavailable
    } else if error.is_body() || error.is_decode() || error.is_request() {
        Error::ConnectionTerminated
    } else {
        Error::InternalError(Some(error.to_string()))
    }
}

/// Record `failure` for `proxies.failures`; the error that tells the component to ask for it.
fn proxy_failed(failures: &Mutex<Vec<Failure>>, failure: Failure) -> Error {
    if let Ok(mut failures) = failures.lock() {
        // Bounded like the component: a loop of failing requests cannot grow the host.
        if failures.len() >= limits::PROXY_FAILURES_KEPT {
            failures.remove(0);
        }
        failures.push(failure);
    }
    Error::InternalError(Some(PROXY_FAILURE.to_string()))
}

/// A connection through `proxy` that could not be made: which step failed.
fn proxy_error(error: &reqwest::Error, proxy: &Proxy) -> Failure {
    let chain: Vec<&(dyn std::error::Error + 'static)> =
        std::iter::successors(Some(error as &(dyn std::error::Error + 'static)), |e| {
            e.source().or_else(|| {
                e.downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .map(|inner| inner as &(dyn std::error::Error + 'static))
            })
        })
        .collect();
    let said = |words: &str| chain.iter().any(|e| e.to_string().contains(words));
    let refused = chain.iter().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
    });
    let stage = if error.is_timeout() {
        ProxyStage::Timeout
    } else if error.is_dns() {
        ProxyStage::Dns
    } else if refused {
        ProxyStage::Refused
    } else if chain.iter().any(|e| e.is::<rustls::Error>()) {
        ProxyStage::Tls
    } else if said("proxy authorization required") {
        ProxyStage::Auth
    } else if said("tunnel error") {
        ProxyStage::Tunnel
    } else if said("SOCKS error") {
        ProxyStage::Socks
    } else {
        ProxyStage::Other
    };
    proxy::failure(proxy, stage)
}

fn https(error: &reqwest::Error) -> bool {
    error.url().is_some_and(|u| u.scheme() == "https")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_kept_are_bounded() {
        let n = Network::closed();
        for i in 0..100 {
            n.refuse(Refused::Credentials(format!("host-{i}")));
        }
        let kept = n.refusals();
        assert_eq!(kept.len(), limits::REFUSALS_KEPT);
        assert_eq!(
            kept.last().map(String::as_str),
            Some("a request with credentials in its address (host-99) was refused")
        );
    }

    fn network(grants: &[&str]) -> Network {
        Network::new(
            grants.iter().map(|g| g.parse().unwrap()).collect(),
            Limits {
                connect: Duration::from_secs(1),
                total: Duration::from_secs(2),
            },
            Proxies::default(),
        )
    }

    fn allowed(n: &Network, uri: &str) -> bool {
        n.permit(&uri.parse().unwrap()).is_ok()
    }

    #[test]
    fn dashscope_hosts_on_443_over_https_only() {
        let n = network(&[]);
        assert!(allowed(
            &n,
            "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"
        ));
        assert!(allowed(&n, "https://dashscope-intl.aliyuncs.com:443/x"));
        assert!(allowed(&n, "https://DASHSCOPE.aliyuncs.com/x"));
        for uri in [
            "http://dashscope.aliyuncs.com/x",
            "https://dashscope.aliyuncs.com:8443/x",
            "https://dashscope.aliyuncs.com.evil.example/x",
            "https://evil.example/x",
            "https://token-plan.cn-beijing.maas.aliyuncs.com/x",
            "https://47.88.1.1/x",
            "https://[::1]/x",
            "https://dashscope.aliyuncs.com@evil.example/x",
            "https://user:pw@dashscope.aliyuncs.com/x",
            "ftp://dashscope.aliyuncs.com/x",
        ] {
            assert!(!allowed(&n, uri), "{uri}");
        }
    }

    #[test]
    fn grants_open_one_host_and_port() {
        let n = network(&["llm.corp.example", "127.0.0.1:8080", "[::1]:9000"]);
        assert!(allowed(&n, "https://llm.corp.example/v1"));
        assert!(!allowed(&n, "https://llm.corp.example:444/v1"));
        assert!(
            !allowed(&n, "http://llm.corp.example/v1"),
            "plain http only to loopback"
        );
        assert!(allowed(&n, "http://127.0.0.1:8080/x"));
        assert!(!allowed(&n, "http://127.0.0.1:8081/x"));
        assert!(allowed(&n, "http://[::1]:9000/x"));
        assert!(!allowed(&n, "https://evil.example/x"));
    }

    #[test]
    fn refusals_name_the_host() {
        let n = network(&[]);
        let refused = |url: &str| n.permit(&url.parse().unwrap()).unwrap_err();
        let why = refused("https://evil.example:8443/x");
        assert_eq!(
            why.to_string(),
            "a request was refused: evil.example:8443 is not a DashScope host"
        );
        let why = refused("http://127.0.0.1:1/x").to_string();
        assert!(
            why.contains("127.0.0.1:1 is this machine over plain http"),
            "{why}"
        );
        let why = refused("http://10.0.0.1:1/x").to_string();
        assert!(
            why.contains("10.0.0.1:1 is reached over plain http"),
            "{why}"
        );
        assert_eq!(
            refused("https://user:pw@dashscope.aliyuncs.com/x"),
            Refused::Credentials("dashscope.aliyuncs.com".into())
        );
        assert_eq!(
            Network::closed()
                .permit(&"https://dashscope.aliyuncs.com/x".parse().unwrap())
                .unwrap_err(),
            Refused::SendsNothing
        );
    }

    /// The hook refuses before connecting: the listener never sees a connection.
    #[test]
    fn a_refused_request_never_connects() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let uri = format!("http://{}/x", listener.local_addr().unwrap());
        let mut n = network(&[]);
        let body = http_body_util::Empty::new()
            .map_err(|never: std::convert::Infallible| match never {})
            .boxed_unsync();
        let request = http::Request::post(uri).body(body).unwrap();
        let sent = n.send_request(request, None, Box::new(async { Ok(()) }));
        let result = wasmtime_wasi::runtime::in_tokio(std::pin::Pin::from(sent));
        assert!(matches!(result, Err(Error::HttpRequestDenied)));
        std::thread::sleep(Duration::from_millis(50));
        assert!(listener.accept().is_err(), "a connection was made");
        assert_eq!(n.refusals().len(), 1);
    }

    /// Plain http goes where the name leads only when that is loopback: judged on the
    /// addresses looked up, which are the only ones the request may then connect to.
    #[test]
    fn plain_http_is_judged_on_the_addresses_it_would_reach() {
        let local = loopback_addresses("localhost", 8080).unwrap();
        assert!(
            !local.is_empty()
                && local
                    .iter()
                    .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
        assert!(loopback_addresses("[::1]", 80).is_ok());
        assert!(loopback_addresses("127.0.0.1", 80).is_ok());
        let why = loopback_addresses("10.1.2.3", 80).unwrap_err();
        assert_eq!(
            why,
            Refused::NotLoopback {
                target: "10.1.2.3:80".into(),
                why: NotLoopback::Elsewhere([10, 1, 2, 3].into()),
            }
        );
        assert!(
            why.to_string()
                .contains("leads to 10.1.2.3, which is not a loopback address"),
            "{why}"
        );
        let why = loopback_addresses("no-such-host.invalid", 80).unwrap_err();
        assert!(why.to_string().contains("could not be looked up"), "{why}");
    }

    #[test]
    fn a_closed_grant_refuses_everything() {
        let n = Network::closed();
        assert!(!allowed(&n, "https://dashscope.aliyuncs.com/x"));
    }
}
