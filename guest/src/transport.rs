//! The verification's transport, as the policy sees it: the request it hands over, the answer
//! or the failure that comes back. A trait, so that every path of `verify` is tested natively;
//! the component's implementation (`imports`) sends through `wasi:http`.

use serde_json::Value;

/// Response bodies are read up to this many bytes.
pub use qianwen_auth_facts::limits::MAX_BODY as BODY_CAP;

/// One verification request, ready to send.
pub struct Request {
    pub https: bool,
    pub authority: String,
    pub path: String,
    /// Lower-case names. The `authorization` value holds the key.
    pub headers: Vec<(&'static str, String)>,
    pub body: &'static [u8],
}

/// What came back.
#[derive(Debug, Default)]
pub struct Response {
    pub status: u16,
    pub retry_after: Option<String>,
    pub location: Option<String>,
    /// At most `BODY_CAP` bytes.
    pub body: Vec<u8>,
    /// The body went on past `BODY_CAP`.
    pub truncated: bool,
    /// The body broke off with this error.
    pub body_error: Option<TransportError>,
}

/// What sends the verification request: `wasi:http` in the component, a script in tests.
pub trait Transport {
    fn send(&mut self, request: &Request) -> Result<Response, TransportError>;
    /// Milliseconds on a monotonic clock.
    fn now_ms(&mut self) -> u64;
    fn sleep_ms(&mut self, ms: u64);
}

/// What broke when no complete answer arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The host refused to send the request.
    Denied,
    Dns,
    Refused,
    Tls,
    /// Connecting took longer than the time limit: nothing was sent.
    ConnectTimeout,
    /// The request went out, but no whole answer came within the time limit.
    Timeout,
    /// The connection broke before the answer was complete.
    Broken,
    /// A proxy on the way failed, before anything was sent.
    Proxy(ProxyFailure),
    /// Anything else, in the host's words.
    Other(String),
}

/// Where a connection through a proxy failed, as the host reports it: the text of a
/// `wasi:http` `internal-error`, `{"proxy-failure": {...}}` (see `wit/`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxyFailure {
    /// The proxy, without credentials.
    pub proxy: String,
    /// The variable that set it.
    pub from: String,
    pub socks: bool,
    /// `dns`, `refused`, `timeout`, `tls`, `auth`, `tunnel`, `socks`, `unusable` or `other`.
    pub stage: String,
    /// The host's words, for `unusable`.
    pub detail: String,
}

impl ProxyFailure {
    /// The failure the host described in `text`, if it describes one.
    pub fn parse(text: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(text).ok()?;
        let failure = value.get("proxy-failure")?;
        let field = |name: &str| {
            failure
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Some(Self {
            proxy: field("proxy"),
            from: field("from"),
            socks: failure.get("socks").and_then(Value::as_bool) == Some(true),
            stage: field("stage"),
            detail: field("detail"),
        })
    }
}
