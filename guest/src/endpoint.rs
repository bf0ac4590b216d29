//! SPEC §4, endpoints: which base URL a verification goes to, and whether a custom
//! `QWEN_BASE_URL` may be used at all. The host enforces its own allowlist on every request;
//! this module refuses early and explains why.

/// As of 2026-08-03. Region id, base URL, in words.
pub const REGIONS: [(&str, &str, &str); 2] = [
    (
        "cn-beijing",
        "https://dashscope.aliyuncs.com",
        "the China (Beijing) site",
    ),
    (
        "ap-southeast-1",
        "https://dashscope-intl.aliyuncs.com",
        "the international (Singapore) site",
    ),
];

pub const DEFAULT_REGION: &str = "cn-beijing";

/// The OpenAI-compatible API under a DashScope base.
const COMPATIBLE_PATH: &str = "/compatible-mode/v1";

/// Where the verification request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Shown to users; never holds userinfo or a query.
    pub base: String,
    pub probe_url: String,
    /// A region id, or `custom`.
    pub region: String,
    pub chosen_by: String,
    /// Set when the endpoint must not be contacted, with the reason.
    pub refused: Option<String>,
}

/// What the chain and the command line say about the endpoint.
pub struct Choice<'a> {
    /// `--region` on the command line.
    pub option_region: Option<&'a str>,
    /// `QWEN_REGION`, and where it was found.
    pub env_region: Option<(&'a str, String)>,
    /// `QWEN_BASE_URL`, and where it was found.
    pub base_url: Option<(&'a str, String)>,
    /// Hosts the user granted beyond DashScope's (`HOST` or `HOST:PORT`).
    pub granted: &'a [String],
}

/// A problem worth a warning, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

/// Pick the endpoint: `--region`, else `QWEN_BASE_URL`, else `QWEN_REGION`, else the default.
pub fn choose(choice: &Choice) -> (Endpoint, Vec<Problem>) {
    let mut problems = Vec::new();
    if let Some(region) = choice.option_region {
        match region_base(region) {
            Some(base) => {
                return (
                    standard(region, base, "the --region option".into()),
                    problems,
                );
            }
            None => problems.push(unknown_region("--region")),
        }
    }
    if let Some((url, from)) = &choice.base_url {
        let chosen_by = format!("QWEN_BASE_URL ({from})");
        match custom(url, chosen_by, choice.granted) {
            Ok((endpoint, mut more)) => {
                problems.append(&mut more);
                return (endpoint, problems);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if let Some((region, from)) = &choice.env_region {
        match region_base(region) {
            Some(base) => {
                let chosen_by = format!("QWEN_REGION ({from})");
                return (standard(region, base, chosen_by), problems);
            }
            None => problems.push(unknown_region("QWEN_REGION")),
        }
    }
    let base = region_base(DEFAULT_REGION).unwrap_or(REGIONS[0].1);
    (
        standard(DEFAULT_REGION, base, "the default".into()),
        problems,
    )
}

/// The other region's id, for the hint after a 401.
pub fn other_region(region: &str) -> Option<&'static str> {
    region_base(region)?;
    REGIONS
        .iter()
        .find(|(id, _, _)| *id != region)
        .map(|(id, _, _)| *id)
}

/// The region's site, in words.
pub fn region_words(region: &str) -> &'static str {
    REGIONS
        .iter()
        .find(|(id, _, _)| *id == region)
        .map_or("a custom endpoint", |(_, _, words)| words)
}

fn region_base(region: &str) -> Option<&'static str> {
    let region = region.trim().to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|(id, _, _)| *id == region)
        .map(|(_, base, _)| *base)
}

fn standard(region: &str, base: &str, chosen_by: String) -> Endpoint {
    Endpoint {
        base: base.to_string(),
        probe_url: format!("{base}{COMPATIBLE_PATH}/chat/completions"),
        region: region.trim().to_ascii_lowercase(),
        chosen_by,
        refused: None,
    }
}

fn unknown_region(from: &str) -> Problem {
    // The value is not repeated: people paste keys into the wrong variable.
    let known: Vec<&str> = REGIONS.iter().map(|(id, _, _)| *id).collect();
    Problem {
        code: "unknown-region",
        message: format!(
            "{from} is not a known region (expected {}); it is ignored",
            known.join(" or ")
        ),
    }
}

/// A `QWEN_BASE_URL`, judged. An error means it cannot be used at all; an endpoint with
/// `refused` set can be shown but not contacted.
fn custom(
    url: &str,
    chosen_by: String,
    granted: &[String],
) -> Result<(Endpoint, Vec<Problem>), Problem> {
    let parsed = Url::parse(url.trim()).map_err(|why| Problem {
        code: "invalid-base-url",
        message: format!("QWEN_BASE_URL {why}; it is ignored"),
    })?;
    let mut problems = Vec::new();
    let mut path = parsed.path.trim_end_matches('/').to_string();
    if path.is_empty() {
        path = COMPATIBLE_PATH.to_string();
    }
    let authority = parsed.authority();
    let base = format!("{}://{authority}{path}", parsed.scheme);
    let dashscope = REGIONS
        .iter()
        .find(|(_, b, _)| b.strip_prefix("https://") == Some(parsed.host.as_str()));
    let region = dashscope.map_or("custom", |(id, _, _)| id).to_string();
    if dashscope.is_some() && path != COMPATIBLE_PATH {
        problems.push(Problem {
            code: "base-url-path",
            message: format!(
                "QWEN_BASE_URL points at {path} on a DashScope host; the OpenAI-compatible \
                 API this tool checks lives under {COMPATIBLE_PATH}"
            ),
        });
    }
    let refused = refusal(&parsed, dashscope.is_some(), granted);
    Ok((
        Endpoint {
            probe_url: format!("{base}/chat/completions"),
            base,
            region,
            chosen_by,
            refused,
        },
        problems,
    ))
}

/// Why a parsed base URL may not be contacted, if it may not.
fn refusal(url: &Url, dashscope: bool, granted: &[String]) -> Option<String> {
    let host = &url.host;
    if host.starts_with("token-plan.") && host.ends_with(".maas.aliyuncs.com") {
        return Some(format!(
            "{host} is a Token Plan endpoint, which this tool never contacts"
        ));
    }
    let is_granted = granted.iter().any(|g| grant_covers(g, host, url.port()));
    if url.scheme == "http" {
        if !(is_loopback(host) && is_granted) {
            return Some(format!(
                "{host} is reached over plain http; only https is allowed (plain http only \
                 to a loopback host granted with --allow-host)"
            ));
        }
        return None;
    }
    if dashscope && url.port() == 443 || is_granted {
        return None;
    }
    Some(format!(
        "{} is not a DashScope host; grant it with --allow-host {} if you trust it",
        url.authority(),
        url.authority()
    ))
}

/// Whether a `HOST` or `HOST:PORT` grant covers `host` on `port` (a bare host means 443).
pub fn grant_covers(grant: &str, host: &str, port: u16) -> bool {
    let grant = grant.trim().to_ascii_lowercase();
    let (g_host, g_port) = match grant.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && !h.is_empty() && p.parse::<u16>().is_ok() => {
            (h.to_string(), p.parse::<u16>().unwrap_or(443))
        }
        _ => (grant.clone(), 443),
    };
    let g_host = g_host.trim_start_matches('[').trim_end_matches(']');
    g_host == host.trim_start_matches('[').trim_end_matches(']') && g_port == port
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host.starts_with("127.") && host.split('.').count() == 4
}

/// The strict subset of URLs a base URL may be: `scheme://host[:port][/path]`, with no
/// userinfo, query, fragment or percent-escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Url {
    scheme: String,
    host: String,
    port: Option<u16>,
    path: String,
}

impl Url {
    fn parse(text: &str) -> Result<Self, &'static str> {
        let (scheme, rest) = text.split_once("://").ok_or("is not an absolute URL")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err("uses a scheme other than https");
        }
        if rest.contains(['?', '#']) {
            return Err("has a query or fragment, which a base URL never has");
        }
        if rest.contains(char::is_whitespace) || rest.contains('%') || !rest.is_ascii() {
            return Err("holds whitespace, escapes or non-ASCII characters");
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err("holds credentials before the host, which is never allowed");
        }
        if path.contains("/../") || path.ends_with("/..") || path.contains("/./") {
            return Err("has `.` or `..` segments in its path");
        }
        let (host, port) = split_host_port(authority)?;
        Ok(Self {
            scheme,
            host,
            port,
            path: path.to_string(),
        })
    }

    fn port(&self) -> u16 {
        self.port
            .unwrap_or(if self.scheme == "https" { 443 } else { 80 })
    }

    fn authority(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), &'static str> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6
            .split_once(']')
            .ok_or("has an unclosed `[` in its host")?;
        (format!("[{inside}]"), after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let host = host.to_ascii_lowercase();
    let valid = host.starts_with('[')
        || !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !valid {
        return Err("has no valid host name");
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
                .ok_or("has an invalid port")?,
        ),
    };
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(
        option: Option<&str>,
        region: Option<&str>,
        base: Option<&str>,
        granted: &[&str],
    ) -> (Endpoint, Vec<Problem>) {
        let granted: Vec<String> = granted.iter().map(|s| s.to_string()).collect();
        choose(&Choice {
            option_region: option,
            env_region: region.map(|r| (r, "the environment".to_string())),
            base_url: base.map(|b| (b, "the environment".to_string())),
            granted: &granted,
        })
    }

    #[test]
    fn default_is_beijing() {
        let (e, p) = pick(None, None, None, &[]);
        assert_eq!(e.base, "https://dashscope.aliyuncs.com");
        assert_eq!(
            e.probe_url,
            "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"
        );
        assert_eq!(
            (e.region.as_str(), e.chosen_by.as_str()),
            ("cn-beijing", "the default")
        );
        assert!(p.is_empty() && e.refused.is_none());
    }

    #[test]
    fn region_variable_and_option() {
        let (e, _) = pick(None, Some("ap-southeast-1"), None, &[]);
        assert_eq!(e.base, "https://dashscope-intl.aliyuncs.com");
        assert!(e.chosen_by.starts_with("QWEN_REGION"));
        let (e, _) = pick(Some("cn-beijing"), Some("ap-southeast-1"), None, &[]);
        assert_eq!(e.region, "cn-beijing");
        let (e, p) = pick(None, Some("mars-1"), None, &[]);
        assert_eq!(e.region, "cn-beijing");
        assert_eq!(p[0].code, "unknown-region");
        assert!(
            !p[0].message.contains("mars"),
            "the value must not be echoed"
        );
    }

    #[test]
    fn base_url_forms() {
        let (e, p) = pick(
            None,
            None,
            Some("https://dashscope-intl.aliyuncs.com/compatible-mode/v1/"),
            &[],
        );
        assert_eq!(
            e.base,
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
        );
        assert_eq!(
            e.probe_url,
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions"
        );
        assert_eq!(e.region, "ap-southeast-1");
        assert!(p.is_empty() && e.refused.is_none());

        let (e, _) = pick(None, None, Some("https://dashscope.aliyuncs.com"), &[]);
        assert_eq!(
            e.probe_url,
            "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"
        );

        let (_, p) = pick(
            None,
            None,
            Some("https://dashscope.aliyuncs.com/api/v1"),
            &[],
        );
        assert_eq!(p[0].code, "base-url-path");
    }

    #[test]
    fn base_url_beats_region_but_not_the_option() {
        let (e, _) = pick(
            None,
            Some("cn-beijing"),
            Some("https://dashscope-intl.aliyuncs.com"),
            &[],
        );
        assert_eq!(e.region, "ap-southeast-1");
        let (e, _) = pick(
            Some("cn-beijing"),
            None,
            Some("https://dashscope-intl.aliyuncs.com"),
            &[],
        );
        assert_eq!(e.region, "cn-beijing");
    }

    #[test]
    fn refused_base_urls() {
        for (url, why) in [
            ("https://evil.example/v1", "not a DashScope host"),
            (
                "https://dashscope.aliyuncs.com:8443",
                "not a DashScope host",
            ),
            ("http://dashscope.aliyuncs.com", "plain http"),
            ("http://127.0.0.1:8080", "plain http"),
            (
                "https://token-plan.cn-beijing.maas.aliyuncs.com/v1",
                "Token Plan",
            ),
        ] {
            let (e, _) = pick(None, None, Some(url), &[]);
            let refused = e.refused.unwrap_or_default();
            assert!(refused.contains(why), "{url}: {refused}");
        }
        // A grant does not open a Token Plan host.
        let (e, _) = pick(
            None,
            None,
            Some("https://token-plan.cn-beijing.maas.aliyuncs.com"),
            &["token-plan.cn-beijing.maas.aliyuncs.com"],
        );
        assert!(e.refused.is_some());
    }

    #[test]
    fn granted_hosts() {
        let (e, _) = pick(
            None,
            None,
            Some("https://llm.corp.example/v1"),
            &["llm.corp.example"],
        );
        assert_eq!(e.refused, None);
        assert_eq!(e.region, "custom");
        let (e, _) = pick(
            None,
            None,
            Some("http://127.0.0.1:8080"),
            &["127.0.0.1:8080"],
        );
        assert_eq!(e.refused, None);
        let (e, _) = pick(
            None,
            None,
            Some("http://127.0.0.1:8080"),
            &["127.0.0.1:9090"],
        );
        assert!(e.refused.is_some());
        let (e, _) = pick(None, None, Some("http://[::1]:8080"), &["[::1]:8080"]);
        assert_eq!(e.refused, None);
    }

    #[test]
    fn unusable_base_urls_fall_back_with_a_warning() {
        for url in [
            "dashscope.aliyuncs.com",
            "ftp://dashscope.aliyuncs.com",
            "https://user:pw@dashscope.aliyuncs.com",
            "https://dashscope.aliyuncs.com@evil.example",
            "https://dashscope.aliyuncs.com/v1?key=x",
            "https://dashscope.aliyuncs.com/%2e%2e/x",
            "https://dashscope.aliyuncs.com/a/../b",
            "https://:443",
            "https://host:99999",
        ] {
            let (e, p) = pick(None, None, Some(url), &[]);
            assert_eq!(e.base, "https://dashscope.aliyuncs.com", "{url}");
            assert_eq!(p[0].code, "invalid-base-url", "{url}");
            assert!(!p[0].message.contains("pw") && !p[0].message.contains("key=x"));
        }
    }

    #[test]
    fn other_region_hint() {
        assert_eq!(other_region("cn-beijing"), Some("ap-southeast-1"));
        assert_eq!(other_region("ap-southeast-1"), Some("cn-beijing"));
        assert_eq!(other_region("custom"), None);
        assert_eq!(
            region_words("ap-southeast-1"),
            "the international (Singapore) site"
        );
    }
}
