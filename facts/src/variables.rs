//! The environment variables the policy reads (docs/behaviour.md#chain, #key-kinds, #oss). The host
//! grants exactly these to the component; everything else in the process environment stays in the
//! host.

/// The key's names, in the order the chain prefers them.
pub const KEY_NAMES: [&str; 2] = ["QIANWEN_API_KEY", "DASHSCOPE_API_KEY"];

/// The name `init` writes the placeholder and a given key under.
pub const DEFAULT_KEY_NAME: &str = KEY_NAMES[1];

/// The placeholder value `init` writes for the user to replace: never a key.
pub const PLACEHOLDER: &str = "sk-your-key-here";

/// A custom base URL for the verification request.
pub const BASE_URL: &str = "QWEN_BASE_URL";

/// The region whose endpoint is used when no base URL is set.
pub const REGION: &str = "QWEN_REGION";

/// docs/behaviour.md#oss: custom OSS upload storage.
pub mod oss {
    /// The bucket uploads go to; set, it turns custom storage on.
    pub const BUCKET: &str = "QWEN_TMP_OSS_BUCKET";
    /// The bucket's region, required with the bucket.
    pub const REGION: &str = "QWEN_TMP_OSS_REGION";

    /// One AccessKey pair: its label, the id's variable and the secret's variable.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Pair {
        pub label: &'static str,
        pub id: &'static str,
        pub secret: &'static str,
    }

    /// The AccessKey pairs, in the order they are tried.
    pub const PAIRS: [Pair; 2] = [
        Pair {
            label: "QWEN_TMP_OSS_AK",
            id: "QWEN_TMP_OSS_AK_ID",
            secret: "QWEN_TMP_OSS_AK_SECRET",
        },
        Pair {
            label: "OSS_ACCESS_KEY",
            id: "OSS_ACCESS_KEY_ID",
            secret: "OSS_ACCESS_KEY_SECRET",
        },
    ];

    /// The key prefix uploads get (optional).
    pub const PREFIX: &str = "QWEN_TMP_OSS_PREFIX";
    /// A custom OSS endpoint (optional).
    pub const ENDPOINT: &str = "QWEN_TMP_OSS_ENDPOINT";
    /// How long an upload's signed URL lives, in seconds (optional).
    pub const URL_EXPIRES: &str = "QWEN_TMP_OSS_URL_EXPIRES";

    /// The settings that have defaults.
    pub const OPTIONAL: [&str; 3] = [PREFIX, ENDPOINT, URL_EXPIRES];

    /// Every OSS variable, in the order they are reported.
    pub const ALL: [&str; 9] = [
        BUCKET,
        REGION,
        PAIRS[0].id,
        PAIRS[0].secret,
        PAIRS[1].id,
        PAIRS[1].secret,
        OPTIONAL[0],
        OPTIONAL[1],
        OPTIONAL[2],
    ];
}

/// Every variable the host grants the component, in the order the policy reports them.
pub const GRANTED: [&str; 13] = [
    KEY_NAMES[0],
    KEY_NAMES[1],
    BASE_URL,
    REGION,
    oss::ALL[0],
    oss::ALL[1],
    oss::ALL[2],
    oss::ALL[3],
    oss::ALL[4],
    oss::ALL[5],
    oss::ALL[6],
    oss::ALL[7],
    oss::ALL[8],
];

/// Whether the variable's value is a secret: a file holding one must be private and ignored
/// by git, and its value never shows.
pub fn is_secret(name: &str) -> bool {
    KEY_NAMES.contains(&name) || oss::PAIRS.iter().any(|pair| pair.secret == name)
}

/// Whether the variable's value is shown only masked (an AccessKey id).
pub fn is_masked(name: &str) -> bool {
    oss::PAIRS.iter().any(|pair| pair.id == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granted_names_are_distinct_and_cover_every_group() {
        let mut names = GRANTED.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), GRANTED.len());
        for name in KEY_NAMES.iter().chain(&oss::ALL).chain(&[BASE_URL, REGION]) {
            assert!(GRANTED.contains(name), "{name}");
        }
    }

    #[test]
    fn secrets_and_masked_ids() {
        assert!(is_secret("DASHSCOPE_API_KEY") && is_secret("OSS_ACCESS_KEY_SECRET"));
        assert!(!is_secret("OSS_ACCESS_KEY_ID") && is_masked("OSS_ACCESS_KEY_ID"));
        assert!(!is_secret(BASE_URL) && !is_masked(BASE_URL));
    }
}
