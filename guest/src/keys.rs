//! docs/behaviour.md#key-kinds and §3: what kind of key a value is, and the only form in which it
//! may be shown.

use crate::wit::types::KeyKind;

/// The fixed run of `*` in a masked key. Fixed, so that the mask hides the key's length.
const MASK: &str = "****************";

/// Values longer than this are not keys (a DashScope key is 35 characters).
const MAX_LEN: usize = 200;

/// A standard key needs at least this many characters after `sk-` (real ones have 32).
use qianwen_auth_facts::keys::MIN_BODY as MIN_SECRET_LEN;

/// Fewer characters after the prefix than this, and even the last four say too much.
const MIN_SECRET_LEN_FOR_TAIL: usize = 12;

/// The placeholder this tool writes into `.env`.
pub use qianwen_auth_facts::variables::PLACEHOLDER;

/// A value's kind, its masked form and the reason, in words that never contain the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub kind: KeyKind,
    pub masked: Option<String>,
    pub detail: String,
}

/// Credentials of other services that people paste by mistake: (prefix, what it is).
/// Longer prefixes first, so `sk-proj-` is not taken for a DashScope `sk-` key.
const FOREIGN: &[(&str, &str)] = &[
    ("sk-proj-", "an OpenAI project key"),
    ("sk-svcacct-", "an OpenAI service-account key"),
    ("sk-admin-", "an OpenAI admin key"),
    ("sk-ant-", "an Anthropic key"),
    ("sk-or-", "an OpenRouter key"),
    (
        "LTAI",
        "an Alibaba Cloud AccessKey ID (for OSS and other cloud APIs)",
    ),
    ("STS.", "an Alibaba Cloud STS token"),
    ("AKIA", "an AWS access key ID"),
    ("ASIA", "an AWS temporary access key ID"),
    ("AIza", "a Google API key"),
    ("github_pat_", "a GitHub token"),
    ("ghp_", "a GitHub token"),
    ("gho_", "a GitHub token"),
    ("hf_", "a Hugging Face token"),
    ("xoxb-", "a Slack token"),
    ("xoxp-", "a Slack token"),
    ("eyJ", "a JSON Web Token"),
];

/// Drop surrounding whitespace and one matching pair of quotes: they are not part of a key.
pub fn normalize(raw: &str) -> &str {
    let trimmed = raw.trim();
    for quote in ['"', '\''] {
        if trimmed.len() >= 2 && trimmed.starts_with(quote) && trimmed.ends_with(quote) {
            return &trimmed[1..trimmed.len() - 1];
        }
    }
    trimmed
}

/// Judge a value (already normalized) from its text alone.
pub fn classify(value: &str) -> Class {
    if let Some(detail) = placeholder(value) {
        return Class {
            kind: KeyKind::Placeholder,
            masked: mask(value),
            detail,
        };
    }
    if let Some(detail) = malformed(value) {
        return Class {
            kind: KeyKind::Malformed,
            masked: None,
            detail,
        };
    }
    if let Some((_, what)) = FOREIGN.iter().find(|(p, _)| value.starts_with(p)) {
        return Class {
            kind: KeyKind::Foreign,
            masked: mask(value),
            detail: format!("a value that looks like {what}, not a DashScope API key"),
        };
    }
    let Some(rest) = value.strip_prefix("sk-") else {
        return Class {
            kind: KeyKind::Foreign,
            masked: mask(value),
            detail: "a value that does not start with `sk-`, so not a DashScope API key".into(),
        };
    };
    if let Some(detail) = bad_body(rest) {
        return Class {
            kind: KeyKind::Malformed,
            masked: None,
            detail,
        };
    }
    if value.starts_with("sk-sp-") {
        return Class {
            kind: KeyKind::Plan,
            masked: mask(value),
            detail: "a Token Plan key (`sk-sp-`): it serves interactive AI tools only, and this \
                     tool never sends it anywhere"
                .into(),
        };
    }
    Class {
        kind: KeyKind::Standard,
        masked: mask(value),
        detail: "a standard pay-as-you-go key".into(),
    }
}

/// `sk-****************a1b2`: the kind prefix, a fixed run of `*`, the last four characters.
/// None for a value that is not plain ASCII, where no safe cut exists.
pub fn mask(value: &str) -> Option<String> {
    if value.is_empty() || !value.is_ascii() {
        return None;
    }
    let prefix = kind_prefix(value);
    let rest = &value[prefix.len()..];
    let tail = if rest.len() >= MIN_SECRET_LEN_FOR_TAIL {
        &rest[rest.len() - 4..]
    } else {
        ""
    };
    Some(format!("{prefix}{MASK}{tail}"))
}

/// The part of a key that names its kind and is the same for every key of that kind.
fn kind_prefix(value: &str) -> &'static str {
    if let Some((prefix, _)) = FOREIGN.iter().find(|(p, _)| value.starts_with(p)) {
        return prefix;
    }
    if value.starts_with("sk-sp-") {
        "sk-sp-"
    } else if value.starts_with("sk-") {
        "sk-"
    } else {
        ""
    }
}

/// Why the value is obviously not a real key, if it is.
fn placeholder(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    if value == PLACEHOLDER {
        return Some(format!(
            "the placeholder `{PLACEHOLDER}`: replace it with your key"
        ));
    }
    let reason = if let Some(rest) = lower.strip_prefix("sk-")
        && !rest.is_empty()
        && rest.chars().all(|c| matches!(c, 'x' | '*' | '.' | '…'))
    {
        "a placeholder (`sk-` followed only by x, * or dots)"
    } else if value.starts_with('<') && value.ends_with('>') {
        "a placeholder in angle brackets"
    } else if value.starts_with("${") || (value.starts_with('$') && value.len() > 1) {
        "an unexpanded variable reference, not a key"
    } else if lower.contains("your") && lower.contains("key") {
        "a placeholder (it says \"your ... key\")"
    } else if [
        "changeme",
        "change-me",
        "replace-me",
        "replaceme",
        "todo",
        "xxx",
        "none",
    ]
    .contains(&lower.as_str())
    {
        "a placeholder word, not a key"
    } else {
        return None;
    };
    Some(format!("{reason}: replace it with your key"))
}

/// Problems that make any value unusable as a key, whatever its prefix.
fn malformed(value: &str) -> Option<String> {
    let problem = if value.chars().any(char::is_whitespace) {
        "contains whitespace inside"
    } else if value.contains(['"', '\'', '`']) {
        "contains quote characters inside"
    } else if value.chars().any(char::is_control) {
        "contains control characters"
    } else if !value.is_ascii() {
        "contains non-ASCII characters"
    } else if value.len() > MAX_LEN {
        "is far longer than any API key"
    } else {
        return None;
    };
    Some(format!(
        "a value that {problem}: it cannot be a valid key; check how it was copied"
    ))
}

/// Problems in what follows `sk-` in a key that claims to be DashScope's.
fn bad_body(rest: &str) -> Option<String> {
    let body = rest.strip_prefix("sp-").unwrap_or(rest);
    if body.len() < MIN_SECRET_LEN {
        return Some(
            "a value too short to be a DashScope API key; was it cut off when copied?".into(),
        );
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Some(
            "a value with characters that a DashScope API key never has; check how it was copied"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: &str = "sk-fake_0123456789abcdef0123456789";
    const PLAN: &str = "sk-sp-fake_0123456789abcdef0123456789";

    fn kind(v: &str) -> KeyKind {
        classify(v).kind
    }

    #[test]
    fn standard_and_plan_keys() {
        assert_eq!(kind(STANDARD), KeyKind::Standard);
        assert_eq!(kind(PLAN), KeyKind::Plan);
        assert_eq!(
            classify(STANDARD).masked.as_deref(),
            Some("sk-****************6789")
        );
        assert_eq!(
            classify(PLAN).masked.as_deref(),
            Some("sk-sp-****************6789")
        );
    }

    #[test]
    fn mask_hides_the_length() {
        let short = mask("sk-0123456789abcdef").unwrap();
        let long = mask("sk-fake_0123456789abcdef_0123456789abcdef_0123456789").unwrap();
        assert_eq!(short.len(), long.len());
    }

    #[test]
    fn short_values_show_no_tail() {
        assert_eq!(mask("sk-abc").as_deref(), Some("sk-****************"));
        assert_eq!(mask("abcdefgh").as_deref(), Some("****************"));
        assert_eq!(mask(""), None);
        assert_eq!(mask("sk-ключ0123456789abcd"), None);
    }

    #[test]
    fn placeholders() {
        for v in [
            "sk-your-key-here",
            "sk-xxx",
            "sk-XXXXXXXX",
            "sk-...",
            "sk-****",
            "<your key>",
            "<DASHSCOPE_API_KEY>",
            "your_api_key",
            "YOUR-KEY-HERE",
            "${DASHSCOPE_API_KEY}",
            "$DASHSCOPE_API_KEY",
            "changeme",
            "TODO",
        ] {
            assert_eq!(kind(v), KeyKind::Placeholder, "{v}");
        }
    }

    #[test]
    fn foreign_credentials_are_named() {
        let c = classify("LTAI5tQ1234567890abcdEF");
        assert_eq!(c.kind, KeyKind::Foreign);
        assert!(c.detail.contains("AccessKey ID"), "{}", c.detail);
        assert_eq!(c.masked.as_deref(), Some("LTAI****************cdEF"));

        let c = classify("sk-proj-0123456789abcdef0123456789abcdef");
        assert_eq!(c.kind, KeyKind::Foreign);
        assert!(c.detail.contains("OpenAI"));
        assert_eq!(c.masked.as_deref(), Some("sk-proj-****************cdef"));

        let c = classify("0123456789abcdef0123456789abcdef");
        assert_eq!(c.kind, KeyKind::Foreign);
        assert!(c.detail.contains("does not start with `sk-`"));
        assert_eq!(kind("AKIAIOSFODNN7EXAMPLE"), KeyKind::Foreign);
    }

    #[test]
    fn malformed_values_are_never_masked() {
        for (v, why) in [
            ("sk-0123456789abcdef 0123456789abcdef", "whitespace"),
            ("sk-0123456789abcdef\t0123456789abcdef", "whitespace"),
            ("sk-0123456789abcdef\"0123456789abcdef", "quote"),
            ("sk-0123456789abcdef\u{7}0123456789abcdef", "control"),
            ("sk-0123456789abcdéf0123456789abcdef", "non-ASCII"),
            ("sk-0123", "too short"),
            ("sk-sp-0123", "too short"),
            ("sk-0123456789abcdef!0123456789abcdef", "characters"),
        ] {
            let c = classify(v);
            assert_eq!(c.kind, KeyKind::Malformed, "{why}");
            assert_eq!(c.masked, None, "{why}");
            assert!(c.detail.contains(why), "{why}: {}", c.detail);
        }
        assert_eq!(kind(&format!("sk-{}", "a".repeat(300))), KeyKind::Malformed);
    }

    #[test]
    fn normalize_drops_whitespace_and_one_pair_of_quotes() {
        assert_eq!(normalize("  sk-abc \n"), "sk-abc");
        assert_eq!(normalize("'sk-abc'"), "sk-abc");
        assert_eq!(normalize("\"sk-abc\""), "sk-abc");
        assert_eq!(normalize("\"'sk-abc'\""), "'sk-abc'");
        assert_eq!(normalize("'sk-abc\""), "'sk-abc\"");
        assert_eq!(normalize("\""), "\"");
        assert_eq!(normalize("   "), "");
    }

    #[test]
    fn details_never_contain_the_value() {
        for v in [
            STANDARD,
            PLAN,
            "LTAI5tQ1234567890abcdEF",
            "sk-0123456789abcdef 0123456789abcdef",
            "sk-0123",
            "0123456789abcdef0123456789abcdef",
        ] {
            let c = classify(v);
            assert!(!c.detail.contains(&v[3..]), "detail repeats the value");
        }
    }
}
