//! docs/behaviour.md#verification, where a request may go: DashScope's hosts on 443 over https, a
//! host the user granted with `--allow-host` (https, or plain http to a loopback host), and never a
//! Token Plan endpoint. One judgement, used by the component when it reports on an endpoint and by
//! the host on every request the component actually makes, so the two cannot disagree.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::endpoints;

/// A host the user granted: `HOST` (port 443) or `HOST:PORT`, an IPv6 address in brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    host: String,
    port: u16,
}

impl AllowedHost {
    /// Whether this grant covers `host` (any case, IPv6 with or without brackets) on `port`.
    pub fn covers(&self, host: &str, port: u16) -> bool {
        self.port == port && self.host.eq_ignore_ascii_case(unbracket(host))
    }
}

impl FromStr for AllowedHost {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim().to_ascii_lowercase();
        if text.contains("://") || text.contains('/') {
            return Err("a host, not a URL: give HOST or HOST:PORT, without a scheme or path");
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest.split_once(']').ok_or("an unclosed `[`")?;
            let port = match after {
                "" => None,
                _ => Some(
                    after
                        .strip_prefix(':')
                        .ok_or("expected HOST or HOST:PORT")?,
                ),
            };
            (inside.to_string(), port)
        } else {
            match text.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (text.clone(), None),
            }
        };
        let valid = !host.is_empty()
            && (host.parse::<IpAddr>().is_ok()
                || host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
        if !valid {
            return Err("expected HOST or HOST:PORT");
        }
        let port = match port {
            None => 443,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or("the port must be a number from 1 to 65535")?,
        };
        Ok(Self { host, port })
    }
}

impl fmt::Display for AllowedHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Authority::new(&self.host, self.port))
    }
}

/// `HOST:PORT`, with an IPv6 address in brackets: how a destination is named in messages.
#[derive(Debug, Clone, Copy)]
pub struct Authority<'a> {
    host: &'a str,
    port: u16,
}

impl<'a> Authority<'a> {
    /// `host` (brackets dropped) on `port`.
    pub fn new(host: &'a str, port: u16) -> Self {
        Self {
            host: unbracket(host),
            port,
        }
    }
}

impl fmt::Display for Authority<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// How a request would travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Https,
    Http,
    Other,
}

impl Scheme {
    /// The scheme named `name`, in any case.
    pub fn named(name: &str) -> Self {
        if name.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else if name.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else {
            Scheme::Other
        }
    }

    /// The port a URL of this scheme means when it names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            _ => 443,
        }
    }
}

/// Why a destination is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A Token Plan endpoint (docs/behaviour.md#token-plan): never contacted, granted or not.
    TokenPlan,
    /// Plain http to a host that is not this machine.
    PlainHttp,
    /// Plain http to this machine, on a port not granted.
    LoopbackNotGranted,
    /// Neither https nor http.
    UnsupportedScheme,
    /// https to a host that is neither DashScope's on 443 nor granted.
    NotAllowed,
}

impl Refusal {
    /// Why `host` on `port` may not be contacted: the same words wherever a refusal is told,
    /// whether of a base URL or of a request.
    pub fn words(self, host: &str, port: u16) -> String {
        let target = grant(host, port);
        match self {
            Refusal::TokenPlan => {
                format!("{target} is a Token Plan endpoint, which this tool never contacts")
            }
            Refusal::PlainHttp => format!(
                "{target} is reached over plain http, which is allowed only to this machine"
            ),
            Refusal::LoopbackNotGranted => format!(
                "{target} is this machine over plain http, which is allowed only when granted"
            ),
            Refusal::UnsupportedScheme => format!("{target} uses a scheme other than https"),
            Refusal::NotAllowed => format!("{target} is not a DashScope host"),
        }
    }

    /// The one thing to do about it: words that name no host's option, and the host to grant
    /// where granting helps (each host spells a grant its own way).
    pub fn fix(self, host: &str, port: u16) -> Fix {
        let dashscope = "remove QWEN_BASE_URL to use DashScope's own endpoint";
        let (words, grant) = match self {
            Refusal::TokenPlan => (
                format!(
                    "A Token Plan key works only in interactive AI tools; to check a standard \
                     key, {dashscope}."
                ),
                None,
            ),
            Refusal::PlainHttp | Refusal::UnsupportedScheme => (
                format!("Use an https:// URL in QWEN_BASE_URL, or {dashscope}."),
                None,
            ),
            Refusal::LoopbackNotGranted => (String::new(), Some(grant(host, port))),
            Refusal::NotAllowed => (
                "Remove QWEN_BASE_URL to use DashScope's own endpoint.".into(),
                Some(grant(host, port)),
            ),
        };
        Fix { words, grant }
    }
}

/// What to do about a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// In words that name no option; empty when the grant says everything.
    pub words: String,
    /// The host to grant, as `HOST` (port 443) or `HOST:PORT`: granting it is the fix.
    pub grant: Option<String>,
}

/// The `--allow-host` value that grants `host` on `port`, and how a refused destination is
/// named: the host alone for 443.
fn grant(host: &str, port: u16) -> String {
    let host = unbracket(host);
    match (port, host.contains(':')) {
        (443, false) => host.to_string(),
        (443, true) => format!("[{host}]"),
        _ => Authority::new(host, port).to_string(),
    }
}

/// Whether a request over `scheme` to `host` on `port` may leave, given the user's grants.
pub fn judge(
    scheme: Scheme,
    host: &str,
    port: u16,
    granted: &[AllowedHost],
) -> Result<(), Refusal> {
    let host = unbracket(host);
    if endpoints::is_token_plan_host(host) {
        return Err(Refusal::TokenPlan);
    }
    let is_granted = granted.iter().any(|g| g.covers(host, port));
    match scheme {
        Scheme::Https if is_granted => Ok(()),
        Scheme::Https if port == 443 && endpoints::region_of_host(host).is_some() => Ok(()),
        Scheme::Https => Err(Refusal::NotAllowed),
        Scheme::Http if is_granted && is_loopback(host) => Ok(()),
        Scheme::Http if is_loopback(host) => Err(Refusal::LoopbackNotGranted),
        Scheme::Http => Err(Refusal::PlainHttp),
        Scheme::Other => Err(Refusal::UnsupportedScheme),
    }
}

/// Whether `host` names this machine: `localhost`, or an IPv4 or IPv6 loopback address in
/// its standard form (with or without brackets). Forms the address parser does not accept,
/// such as `127.999.0.1`, are not loopback.
pub fn is_loopback(host: &str) -> bool {
    let host = unbracket(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn unbracket(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(texts: &[&str]) -> Vec<AllowedHost> {
        texts.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn grants_parse_and_print() {
        for (text, shown) in [
            ("Example.COM", "example.com:443"),
            ("127.0.0.1:8080", "127.0.0.1:8080"),
            ("[::1]:9", "[::1]:9"),
            ("[::1]", "[::1]:443"),
        ] {
            assert_eq!(
                text.parse::<AllowedHost>().unwrap().to_string(),
                shown,
                "{text}"
            );
        }
        for bad in [
            "",
            ":80",
            "a b",
            "host:0",
            "host:65536",
            "host:x",
            "[::1",
            "[::1]x",
            "h/p",
            "user@host",
        ] {
            assert!(bad.parse::<AllowedHost>().is_err(), "{bad}");
        }
    }

    #[test]
    fn dashscope_on_443_over_https_only() {
        let none = grants(&[]);
        assert_eq!(
            judge(Scheme::Https, "dashscope.aliyuncs.com", 443, &none),
            Ok(())
        );
        assert_eq!(
            judge(Scheme::Https, "DASHSCOPE-INTL.aliyuncs.com", 443, &none),
            Ok(())
        );
        assert_eq!(
            judge(Scheme::Https, "dashscope.aliyuncs.com", 8443, &none),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            judge(Scheme::Http, "dashscope.aliyuncs.com", 80, &none),
            Err(Refusal::PlainHttp)
        );
        assert_eq!(
            judge(Scheme::Other, "dashscope.aliyuncs.com", 443, &none),
            Err(Refusal::UnsupportedScheme)
        );
        assert_eq!(
            judge(Scheme::Https, "api.example.com", 443, &none),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn grants_open_exactly_their_host_and_port() {
        let granted = grants(&[
            "api.example.com",
            "127.0.0.1:8080",
            "[::1]:9",
            "10.0.0.1:80",
        ]);
        assert_eq!(
            judge(Scheme::Https, "API.example.com", 443, &granted),
            Ok(())
        );
        assert_eq!(
            judge(Scheme::Https, "api.example.com", 444, &granted),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(judge(Scheme::Http, "127.0.0.1", 8080, &granted), Ok(()));
        assert_eq!(judge(Scheme::Http, "[::1]", 9, &granted), Ok(()));
        assert_eq!(judge(Scheme::Http, "::1", 9, &granted), Ok(()));
        // Granted, but plain http leaves the machine: refused.
        assert_eq!(
            judge(Scheme::Http, "10.0.0.1", 80, &granted),
            Err(Refusal::PlainHttp)
        );
        assert_eq!(
            judge(Scheme::Http, "127.0.0.1", 8081, &granted),
            Err(Refusal::LoopbackNotGranted)
        );
    }

    /// The fix grants the exact value: the port whenever it is not 443, since a grant of
    /// `127.0.0.1` means port 443; and grants nothing where a grant can never help.
    #[test]
    fn the_fix_names_the_exact_grant() {
        let granted = grants(&["127.0.0.1"]);
        let why = judge(Scheme::Http, "127.0.0.1", 8080, &granted).unwrap_err();
        assert_eq!(why, Refusal::LoopbackNotGranted);
        assert_eq!(
            why.words("127.0.0.1", 8080),
            "127.0.0.1:8080 is this machine over plain http, which is allowed only when granted"
        );
        let grant = |why: Refusal, host, port| why.fix(host, port).grant;
        assert_eq!(
            grant(why, "127.0.0.1", 8080).as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            grant(Refusal::NotAllowed, "llm.example.com", 443).as_deref(),
            Some("llm.example.com")
        );
        assert_eq!(
            grant(Refusal::NotAllowed, "[::1]", 8443).as_deref(),
            Some("[::1]:8443")
        );
        let plan = Refusal::TokenPlan.fix("token-plan.cn-beijing.maas.aliyuncs.com", 443);
        assert_eq!(plan.grant, None, "a grant never helps here: {plan:?}");
        assert!(plan.words.contains("remove QWEN_BASE_URL"), "{plan:?}");
        assert_eq!(grant(Refusal::PlainHttp, "10.0.0.1", 80), None);
        assert_eq!(grant(Refusal::UnsupportedScheme, "10.0.0.1", 21), None);
    }

    #[test]
    fn a_url_is_not_a_grant_and_says_so() {
        for url in [
            "https://llm.example.com",
            "http://127.0.0.1:8080",
            "llm.example.com/v1",
        ] {
            let why = url.parse::<AllowedHost>().unwrap_err();
            assert!(why.contains("without a scheme or path"), "{url}: {why}");
        }
    }

    #[test]
    fn token_plan_is_never_contacted() {
        let host = "token-plan.cn-beijing.maas.aliyuncs.com";
        assert_eq!(
            judge(Scheme::Https, host, 443, &grants(&[host])),
            Err(Refusal::TokenPlan)
        );
    }

    #[test]
    fn loopback_only_in_forms_the_address_parser_accepts() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "127.999.0.1",
            "127.1",
            "0x7f.0.0.1",
            "localhost.example",
            "::2",
            "10.0.0.1",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
