//! docs/behaviour.md#verification: DashScope's regions and the API this tool checks, as of
//! 2026-08-03.

/// One region of DashScope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The id users type (`--region`, `QWEN_REGION`).
    pub id: &'static str,
    /// The host, reached over https on port 443.
    pub host: &'static str,
    /// The site, in words.
    pub words: &'static str,
}

/// DashScope's regions, the default first.
pub const REGIONS: [Region; 2] = [
    Region {
        id: "cn-beijing",
        host: "dashscope.aliyuncs.com",
        words: "the China (Beijing) site",
    },
    Region {
        id: "ap-southeast-1",
        host: "dashscope-intl.aliyuncs.com",
        words: "the international (Singapore) site",
    },
];

/// The region used when nothing chooses one.
pub const DEFAULT_REGION: Region = REGIONS[0];

/// The model the verification request asks for, as a literal for `concat!` (the words that
/// name it are built from it).
#[macro_export]
macro_rules! probe_model {
    () => {
        "qwen-turbo"
    };
}

/// The model the verification request asks for.
pub const PROBE_MODEL: &str = probe_model!();

/// The verification request's body: one short answer from the probe model, not streamed.
pub const PROBE_BODY: &str = concat!(
    r#"{"model":""#,
    probe_model!(),
    r#"","messages":[{"role":"user","content":"hi"}]}"#
);

/// The OpenAI-compatible API under a DashScope base URL.
pub const COMPATIBLE_PATH: &str = "/compatible-mode/v1";

/// The region with this id (any case, surrounding spaces ignored).
pub fn region(id: &str) -> Option<Region> {
    let id = id.trim();
    REGIONS.into_iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// The region served by this host, if it is one of DashScope's.
pub fn region_of_host(host: &str) -> Option<Region> {
    REGIONS
        .into_iter()
        .find(|r| r.host.eq_ignore_ascii_case(host))
}

/// The Token Plan endpoint the original skill names (China site); other regions have their own
/// `token-plan.*.maas.aliyuncs.com`. Never contacted.
pub const TOKEN_PLAN_HOST: &str = "token-plan.cn-beijing.maas.aliyuncs.com";

/// Whether `host` is a Token Plan endpoint (docs/behaviour.md#token-plan), which this tool never
/// contacts.
pub fn is_token_plan_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host.starts_with("token-plan.") && host.ends_with(".maas.aliyuncs.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_by_id_and_host() {
        assert_eq!(
            region(" AP-southeast-1 ").map(|r| r.host),
            Some(REGIONS[1].host)
        );
        assert_eq!(region("us-east-1"), None);
        assert_eq!(region_of_host("DashScope.aliyuncs.com"), Some(REGIONS[0]));
        assert_eq!(region_of_host("dashscope.aliyuncs.com.evil.example"), None);
        assert!(is_token_plan_host(TOKEN_PLAN_HOST));
        assert!(!is_token_plan_host("token-plan.example.com"));
    }
}
