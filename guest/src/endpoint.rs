//! docs/behaviour.md#verification, endpoints: which base URL a verification goes to, and whether a
//! custom `QWEN_BASE_URL` may be used at all. The allowlist is judged by the same rule the host
//! applies to every request (`qianwen_auth_facts::allowlist`); this module applies it early, so
//! that `status` and `verify` agree, and explains a refusal.

use qianwen_auth_facts::allowlist::{self, AllowedHost, Scheme};
use qianwen_auth_facts::endpoints::{self, COMPATIBLE_PATH, DEFAULT_REGION, REGIONS, Region};

use crate::wit::types::{Advice, EndpointChoice, Remedy, WarningCode};

/// Where the verification request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Shown to users; never holds userinfo or a query.
    pub base: String,
    /// Over https (else plain http).
    pub https: bool,
    /// The host, and the port where the URL names one: where requests go.
    pub authority: String,
    /// The path the verification request is sent to.
    pub probe_path: String,
    /// `base` and `probe_path` together, for people.
    pub probe_url: String,
    /// A region id, or `custom`.
    pub region: String,
    pub chosen_by: EndpointChoice,
    /// Set when the endpoint must not be contacted.
    pub refused: Option<Refused>,
}

/// Why an endpoint may not be contacted, and the one thing to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub why: String,
    pub fix: Advice,
}

/// What the chain and the command line say about the endpoint.
pub struct Choice<'a> {
    /// The region the caller asked for (`options.region`).
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
    pub code: WarningCode,
    pub message: String,
}

/// Pick the endpoint: the region asked for, else `QWEN_BASE_URL`, else `QWEN_REGION`, else the default.
pub fn choose(choice: &Choice) -> (Endpoint, Vec<Problem>) {
    let mut problems = Vec::new();
    if let Some(region) = choice.option_region {
        match endpoints::region(region) {
            Some(region) => return (standard(region, EndpointChoice::Asked), problems),
            None => problems.push(unknown_region("The region asked for")),
        }
    }
    if let Some((url, from)) = &choice.base_url {
        match custom(url, EndpointChoice::BaseUrl(from.clone()), choice.granted) {
            Ok((endpoint, mut more)) => {
                problems.append(&mut more);
                return (endpoint, problems);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if let Some((region, from)) = &choice.env_region {
        match endpoints::region(region) {
            Some(region) => {
                let chosen_by = EndpointChoice::RegionVariable(from.clone());
                return (standard(region, chosen_by), problems);
            }
            None => problems.push(unknown_region("QWEN_REGION")),
        }
    }
    (standard(DEFAULT_REGION, EndpointChoice::Default), problems)
}

/// The other region's id, for the hint after a 401.
pub fn other_region(region: &str) -> Option<&'static str> {
    endpoints::region(region)?;
    REGIONS
        .iter()
        .find(|r| !r.id.eq_ignore_ascii_case(region.trim()))
        .map(|r| r.id)
}

/// The region's site, in words.
pub fn region_words(region: &str) -> &'static str {
    endpoints::region(region).map_or("a custom endpoint", |r| r.words)
}

fn standard(region: Region, chosen_by: EndpointChoice) -> Endpoint {
    let base = format!("https://{}", region.host);
    let probe_path = format!("{COMPATIBLE_PATH}/chat/completions");
    Endpoint {
        probe_url: format!("{base}{probe_path}"),
        base,
        https: true,
        authority: region.host.to_string(),
        probe_path,
        region: region.id.to_string(),
        chosen_by,
        refused: None,
    }
}

fn unknown_region(from: &str) -> Problem {
    // The value is not repeated: people paste keys into the wrong variable.
    let known: Vec<&str> = REGIONS.iter().map(|r| r.id).collect();
    Problem {
        code: WarningCode::UnknownRegion,
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
    chosen_by: EndpointChoice,
    granted: &[String],
) -> Result<(Endpoint, Vec<Problem>), Problem> {
    let parsed = Url::parse(url.trim()).map_err(|why| Problem {
        code: WarningCode::InvalidBaseUrl,
        message: format!("QWEN_BASE_URL {why}; it is ignored"),
    })?;
    let mut problems = Vec::new();
    let mut path = parsed.path.trim_end_matches('/').to_string();
    if path.is_empty() {
        path = COMPATIBLE_PATH.to_string();
    }
    let authority = parsed.authority();
    let base = format!("{}://{authority}{path}", parsed.scheme);
    let dashscope = endpoints::region_of_host(&parsed.host);
    let region = dashscope.map_or("custom", |r| r.id).to_string();
    if dashscope.is_some() && path != COMPATIBLE_PATH {
        problems.push(Problem {
            code: WarningCode::BaseUrlPath,
            message: format!(
                "QWEN_BASE_URL points at {path} on a DashScope host; the OpenAI-compatible \
                 API this tool checks lives under {COMPATIBLE_PATH}"
            ),
        });
    }
    let refused = refusal(&parsed, granted);
    Ok((
        Endpoint {
            probe_url: format!("{base}/chat/completions"),
            base,
            https: parsed.scheme == "https",
            probe_path: format!("{path}/chat/completions"),
            authority,
            region,
            chosen_by,
            refused,
        },
        problems,
    ))
}

/// Why a parsed base URL may not be contacted, if it may not: the allowlist's judgement.
/// Grants that do not parse open nothing.
fn refusal(url: &Url, granted: &[String]) -> Option<Refused> {
    let grants: Vec<AllowedHost> = granted.iter().filter_map(|g| g.parse().ok()).collect();
    let why = allowlist::judge(Scheme::named(&url.scheme), &url.host, url.port(), &grants).err()?;
    let fix = why.fix(&url.host, url.port());
    Some(Refused {
        why: why.words(&url.host, url.port()),
        fix: Advice {
            words: fix.words,
            remedy: fix.grant.map(Remedy::GrantHost),
        },
    })
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
        if rest.contains(|c: char| c.is_whitespace() || c.is_control())
            || rest.contains('%')
            || !rest.is_ascii()
        {
            return Err("holds whitespace, control characters, escapes or non-ASCII characters");
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
mod tests;
