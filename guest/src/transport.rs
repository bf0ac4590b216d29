//! The verification's transport, as the policy sees it: the request it hands over, the answer
//! or the failure that comes back. A trait, so that every path of `verify` is tested natively;
//! the component's implementation (`imports`) sends through `wasi:http`.

pub use crate::wit::proxies::{Failure, ProxyStage};

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
    /// A proxy on the way failed, before anything was sent (as the `proxies` import says).
    Proxy(Failure),
    /// Anything else, in the host's words.
    Other(String),
}
