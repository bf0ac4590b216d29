use super::*;
use crate::names::Named;

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
        (e.region.as_str(), &e.chosen_by),
        ("cn-beijing", &EndpointChoice::Default)
    );
    assert!(p.is_empty() && e.refused.is_none());
}

#[test]
fn region_variable_and_option() {
    let (e, _) = pick(None, Some("ap-southeast-1"), None, &[]);
    assert_eq!(e.base, "https://dashscope-intl.aliyuncs.com");
    assert!(matches!(e.chosen_by, EndpointChoice::RegionVariable(_)));
    let (e, _) = pick(Some("cn-beijing"), Some("ap-southeast-1"), None, &[]);
    assert_eq!(e.region, "cn-beijing");
    assert_eq!(e.chosen_by, EndpointChoice::Asked);
    let (e, p) = pick(None, Some("mars-1"), None, &[]);
    assert_eq!(e.region, "cn-beijing");
    assert_eq!(p[0].code.name(), "unknown-region");
    assert!(
        p[0].message
            .starts_with("QWEN_REGION is not a known region")
    );
    assert!(
        !p[0].message.contains("mars"),
        "the value must not be echoed"
    );
    // The words name no host's option: an embedder has none called --region.
    let (e, p) = pick(Some("mars-1"), None, None, &[]);
    assert_eq!(e.chosen_by, EndpointChoice::Default);
    assert!(
        p[0].message
            .starts_with("The region asked for is not a known region (expected cn-beijing"),
        "{}",
        p[0].message
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
    assert_eq!(p[0].code.name(), "base-url-path");
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
        let refused = e.refused.unwrap_or_else(|| panic!("{url} was usable"));
        assert!(refused.why.contains(why), "{url}: {refused:?}");
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
    // A grant of `127.0.0.1` means port 443: the fix grants the port the URL uses.
    for grant in ["127.0.0.1:9090", "127.0.0.1"] {
        let (e, _) = pick(None, None, Some("http://127.0.0.1:8080"), &[grant]);
        let refused = e.refused.expect("another port is not granted");
        assert_eq!(
            refused.fix.remedy,
            Some(Remedy::GrantHost("127.0.0.1:8080".into())),
            "{refused:?}"
        );
    }
    let (e, _) = pick(None, None, Some("http://[::1]:8080"), &["[::1]:8080"]);
    assert_eq!(e.refused, None);
}

/// The host's send hook judges with the same rule: what it would refuse, status refuses.
#[test]
fn loopback_only_as_the_address_parser_reads_it() {
    for (url, grant) in [
        ("http://127.999.0.1:1", "127.999.0.1:1"),
        ("http://localhost.example:80", "localhost.example:80"),
        ("http://10.0.0.1:8080", "10.0.0.1:8080"),
    ] {
        let (e, _) = pick(None, None, Some(url), &[grant]);
        let why = e.refused.unwrap_or_else(|| panic!("{url} was usable"));
        assert!(why.why.contains("plain http"), "{why:?}");
    }
    let (e, _) = pick(None, None, Some("http://127.3.2.1:80"), &["127.3.2.1:80"]);
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
        assert_eq!(p[0].code.name(), "invalid-base-url", "{url}");
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
