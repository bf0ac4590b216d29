//! Proxies as curl takes them (docs/behaviour.md#verification): `https_proxy` or `HTTPS_PROXY` for
//! https, else `all_proxy` or `ALL_PROXY`; `no_proxy` or `NO_PROXY` lists hosts, domains (with
//! their subdomains), addresses and networks to reach directly, or `*`. Loopback is never proxied,
//! and nothing goes through a proxy in clear text: plain http, which only ever goes to a granted
//! loopback host, is never proxied (so `http_proxy`, and the upper-case `HTTP_PROXY` that curl
//! ignores, have no effect), and over https the key is encrypted from here to the server, through
//! an HTTP proxy's tunnel or a SOCKS proxy alike.

use std::net::IpAddr;

pub use crate::bindings::qianwen::auth::proxies::{Failure, ProxyFailure, ProxyStage};

/// A proxy in use, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// What to connect through, userinfo included.
    pub url: url::Url,
    /// The variable that set it.
    pub from: &'static str,
}

impl Proxy {
    /// The proxy as it may be shown: any user and password replaced by `***`.
    pub fn shown(&self) -> String {
        let mut shown = self.url.clone();
        if !shown.username().is_empty() || shown.password().is_some() {
            let _ = shown.set_username("***");
            let _ = shown.set_password(None);
        }
        shown.as_str().trim_end_matches('/').to_string()
    }

    fn is_socks(&self) -> bool {
        self.url.scheme().starts_with("socks")
    }
}

/// The proxy settings read from the environment.
#[derive(Debug, Clone, Default)]
pub struct Proxies {
    https: Option<Setting>,
    no_proxy: Vec<String>,
}

/// One variable's value, parsed or not.
#[derive(Debug, Clone)]
struct Setting {
    from: &'static str,
    parsed: Result<url::Url, Unusable>,
}

/// Why a proxy setting's value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    NotAUrl,
    /// A scheme no proxy of curl's has, e.g. `ftp`.
    Scheme(String),
    NoHost,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::NotAUrl => f.write_str("it is not a URL"),
            Unusable::Scheme(scheme) => write!(
                f,
                "its scheme {scheme}:// is not one of {}",
                SCHEMES.map(|s| format!("{s}://")).join(", ")
            ),
            Unusable::NoHost => f.write_str("it names no host"),
        }
    }
}

/// A proxy setting that would be used and cannot be, and the variable that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusableProxy {
    pub from: &'static str,
    pub why: Unusable,
}

impl std::fmt::Display for UnusableProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the proxy in {} cannot be used: {}; fix it, or unset it to connect directly",
            self.from, self.why
        )
    }
}

/// The schemes a proxy may have.
const SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

impl Proxies {
    /// The settings `lookup` finds: the process environment, in the CLI.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (name, v))
        };
        let https = set("https_proxy")
            .or_else(|| set("HTTPS_PROXY"))
            .or_else(|| set("all_proxy"))
            .or_else(|| set("ALL_PROXY"))
            .map(|(from, value)| Setting {
                from,
                parsed: parse(&value),
            });
        let no_proxy = set("no_proxy")
            .or_else(|| set("NO_PROXY"))
            .map(|(_, list)| {
                list.split([',', ' '])
                    .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|entry| !entry.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Self { https, no_proxy }
    }

    /// The proxy a request to `host` over `https` or not goes through: none for plain http,
    /// loopback, and hosts `no_proxy` names. An error names a proxy setting that cannot be used.
    pub fn choose(&self, https: bool, host: &str) -> Result<Option<Proxy>, UnusableProxy> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let Some(setting) = &self.https else {
            return Ok(None);
        };
        if !https || is_loopback(host) || self.bypassed(host) {
            return Ok(None);
        }
        let url = setting.parsed.clone().map_err(|why| UnusableProxy {
            from: setting.from,
            why,
        })?;
        Ok(Some(Proxy {
            url,
            from: setting.from,
        }))
    }

    fn bypassed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.no_proxy.iter().any(|entry| {
            if entry == "*" {
                return true;
            }
            if let Some((network, bits)) = entry.split_once('/') {
                return in_network(&host, network, bits);
            }
            // `host:port` entries name the host; curl, too, goes by the name alone.
            let name = match entry.rsplit_once(':') {
                Some((name, port)) if port.parse::<u16>().is_ok() && !name.contains(':') => name,
                _ => entry,
            };
            let name = name.trim_start_matches('[').trim_end_matches(']');
            host == name || host.ends_with(&format!(".{name}"))
        })
    }
}

/// A proxy URL as curl reads it: no scheme means http.
fn parse(value: &str) -> Result<url::Url, Unusable> {
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| Unusable::NotAUrl)?;
    if !SCHEMES.contains(&url.scheme()) {
        return Err(Unusable::Scheme(url.scheme().into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Unusable::NoHost);
    }
    Ok(url)
}

/// Names of this machine are never proxied: the allowlist's loopback, and any `*.localhost`
/// (RFC 6761), as curl treats them.
fn is_loopback(host: &str) -> bool {
    qianwen_auth_facts::allowlist::is_loopback(host)
        || host.to_ascii_lowercase().ends_with(".localhost")
}

/// Whether the address `host` lies in `network/bits`.
fn in_network(host: &str, network: &str, bits: &str) -> bool {
    let (Ok(host), Ok(network), Ok(bits)) = (
        host.parse::<IpAddr>(),
        network.parse::<IpAddr>(),
        bits.parse::<u32>(),
    ) else {
        return false;
    };
    match (host, network) {
        (IpAddr::V4(h), IpAddr::V4(n)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(h) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(h), IpAddr::V6(n)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(h) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// How a connection through `proxy` failed at `stage`, for the component's `proxies.failures`.
pub fn failure(proxy: &Proxy, stage: ProxyStage) -> Failure {
    Failure::Failed(ProxyFailure {
        proxy: proxy.shown(),
        from: proxy.from.to_string(),
        socks: proxy.is_socks(),
        stage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(vars: &[(&str, &str)]) -> Proxies {
        Proxies::from_env(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    fn through(p: &Proxies, https: bool, host: &str) -> Option<String> {
        p.choose(https, host).unwrap().map(|p| p.url.to_string())
    }

    #[test]
    fn https_follows_curls_order() {
        let all = [
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:2"),
            ("all_proxy", "http://all:3"),
            ("ALL_PROXY", "http://all-upper:4"),
        ];
        for skip in 0..4 {
            let p = proxies(&all[skip..]);
            let expected = url::Url::parse(all[skip].1).unwrap().to_string();
            assert_eq!(
                through(&p, true, "dashscope.aliyuncs.com").as_deref(),
                Some(expected.as_str())
            );
            assert_eq!(
                p.choose(true, "x.example").unwrap().unwrap().from,
                all[skip].0
            );
        }
        assert_eq!(through(&proxies(&[]), true, "x.example"), None);
    }

    #[test]
    fn plain_http_and_loopback_are_never_proxied() {
        let p = proxies(&[
            ("http_proxy", "http://proxy:3128"),
            ("HTTP_PROXY", "http://proxy:3128"),
            ("https_proxy", "http://proxy:3128"),
            ("ALL_PROXY", "socks5h://proxy:1080"),
        ]);
        for host in ["dashscope.aliyuncs.com", "127.0.0.1", "localhost"] {
            assert_eq!(through(&p, false, host), None, "{host}");
        }
        for host in [
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "[::1]",
            "localhost",
            "a.localhost",
        ] {
            assert_eq!(through(&p, true, host), None, "{host}");
        }
        assert!(through(&p, true, "dashscope.aliyuncs.com").is_some());
    }

    #[test]
    fn no_proxy_names_hosts_domains_and_networks() {
        let p = proxies(&[
            ("HTTPS_PROXY", "proxy:3128"),
            (
                "NO_PROXY",
                "internal.example, .corp.example,10.0.0.0/8 ,fd00::/8,api.example:443",
            ),
        ]);
        for host in [
            "internal.example",
            "a.internal.example",
            "corp.example",
            "x.corp.example",
            "10.1.2.3",
            "fd00::1",
            "api.example",
        ] {
            assert_eq!(through(&p, true, host), None, "{host}");
        }
        for host in ["notinternal.example", "11.0.0.1", "dashscope.aliyuncs.com"] {
            assert_eq!(
                through(&p, true, host).as_deref(),
                Some("http://proxy:3128/"),
                "{host}"
            );
        }
        let everything = proxies(&[("https_proxy", "http://p:1"), ("no_proxy", "*")]);
        assert_eq!(through(&everything, true, "dashscope.aliyuncs.com"), None);
    }

    #[test]
    fn a_proxy_is_shown_without_its_credentials() {
        let p = proxies(&[("HTTPS_PROXY", "http://user:s3cret-pw@proxy.example:3128")]);
        let proxy = p.choose(true, "dashscope.aliyuncs.com").unwrap().unwrap();
        assert_eq!(proxy.shown(), "http://***@proxy.example:3128");
        assert!(!format!("{:?}", failure(&proxy, ProxyStage::Refused)).contains("s3cret"));
        let p = proxies(&[("HTTPS_PROXY", "socks5h://proxy.example:1080")]);
        let proxy = p.choose(true, "dashscope.aliyuncs.com").unwrap().unwrap();
        assert_eq!(proxy.shown(), "socks5h://proxy.example:1080");
    }

    #[test]
    fn an_unusable_setting_is_an_error_that_names_it() {
        for value in ["ftp://proxy:21", "http://", "::::"] {
            let p = proxies(&[("https_proxy", value)]);
            let why = p.choose(true, "dashscope.aliyuncs.com").unwrap_err();
            assert_eq!(why.from, "https_proxy");
            assert!(why.to_string().contains("https_proxy"), "{why}");
        }
        // Not used, not a problem.
        let p = proxies(&[("https_proxy", "ftp://proxy:21")]);
        assert_eq!(p.choose(true, "127.0.0.1"), Ok(None));
    }
}
