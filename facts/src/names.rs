//! How the WIT's enums are spelled wherever they leave as text: in `--json` output, evidence
//! records and messages. Each table lists the cases in the WIT's order, so a case's name is
//! `TABLE[case as usize]` on either side of the boundary, and a test holds every table to the
//! WIT (`wit/qianwen-auth.wit`).

use crate::endpoints::REGIONS;
use crate::variables::KEY_NAMES;

/// A WIT enum's stable name. Guest and host each implement it for their own generated types
/// with `named!`, from the tables below.
pub trait Named: Copy {
    /// The case as it leaves as text.
    fn name(self) -> &'static str;
}

/// `Named` for every WIT enum of the `types` interface that leaves as text, as generated in the
/// module `$types` (guest or host); with `in MODULE: TYPE => TABLE, ...`, for the enums of
/// another interface. The tables list cases in the WIT's order, which is the generated enums'
/// order.
#[macro_export]
macro_rules! named_wit_enums {
    ($($types:ident)::+) => {
        $crate::named_wit_enums!(in $($types)::+:
            Source => SOURCE,
            KeyKind => KEY_KIND,
            KeyName => KEY_NAME,
            WarningCode => WARNING_CODE,
            LinkTopic => LINK_TOPIC,
            Verdict => VERDICT,
            Region => REGION,
            DotenvState => DOTENV_STATE,
            Outcome => OUTCOME,
            KeyJudgement => KEY_JUDGEMENT,
            FlowAnswer => FLOW_ANSWER,
            InitOutcome => INIT_OUTCOME,
        );
    };
    (in $($module:ident)::+: $($type:ident => $table:ident,)*) => {
        const _: () = {
            use $($module)::+ as module;
            $(impl $crate::names::Named for module::$type {
                fn name(self) -> &'static str {
                    $crate::names::$table[self as usize]
                }
            })*
        };
    };
}

/// Every case of `enum outcome` in the WIT's order, as the generated type in `$types` (guest
/// or host) spells it; held to `OUTCOME` where it is used.
#[macro_export]
macro_rules! wit_outcomes {
    ($($types:ident)::+) => {{
        use $($types)::+::Outcome::*;
        [
            Pass,
            AuthRejected,
            AuthMissing,
            PlanKeyRefused,
            NoKey,
            Billing,
            AccessDenied,
            QuotaExhausted,
            RateLimited,
            ModelNotFound,
            ParameterRefused,
            ContentRefused,
            BadRequest,
            ServerError,
            BadResponse,
            Network,
            Timeout,
            HostDenied,
        ]
    }};
}

/// `enum source`.
pub const SOURCE: [&str; 3] = ["env", "cwd-dotenv", "repo-dotenv"];

/// `enum key-kind`.
pub const KEY_KIND: [&str; 5] = ["standard", "plan", "placeholder", "foreign", "malformed"];

/// `enum key-name`: the variables themselves.
pub const KEY_NAME: [&str; 2] = KEY_NAMES;

/// `enum warning-code`.
pub const WARNING_CODE: [&str; 19] = [
    "empty-value",
    "shadowed-key",
    "dotenv-syntax",
    "dotenv-duplicate",
    "dotenv-unusable",
    "dotenv-reference",
    "dotenv-permissions",
    "dotenv-not-ignored",
    "dotenv-tracked",
    "git-unknown",
    "unknown-region",
    "invalid-base-url",
    "base-url-path",
    "endpoint-refused",
    "oss-region-missing",
    "oss-credentials-missing",
    "oss-bucket-missing",
    "oss-incomplete-pair",
    "oss-url-expires-invalid",
];

/// `enum link-topic`.
pub const LINK_TOPIC: [&str; 9] = [
    "console",
    "api-keys",
    "billing",
    "token-plan-subscription",
    "usage",
    "token-plan",
    "token-plan-pricing",
    "sdk-setup",
    "oss-console",
];

/// `enum verdict`.
pub const VERDICT: [&str; 4] = ["usable", "no-usable-key", "plan-key", "endpoint-refused"];

/// `enum region`: DashScope's regions in `endpoints::REGIONS` order, then `custom`.
pub const REGION: [&str; REGIONS.len() + 1] = {
    let mut names = ["custom"; REGIONS.len() + 1];
    let mut i = 0;
    while i < REGIONS.len() {
        names[i] = REGIONS[i].id;
        i += 1;
    }
    names
};

/// `enum dotenv-state`.
pub const DOTENV_STATE: [&str; 3] = ["absent", "read", "unusable"];

/// `enum outcome`.
pub const OUTCOME: [&str; 18] = [
    "pass",
    "auth-rejected",
    "auth-missing",
    "plan-key-refused",
    "no-key",
    "billing",
    "access-denied",
    "quota-exhausted",
    "rate-limited",
    "model-not-found",
    "parameter-refused",
    "content-refused",
    "bad-request",
    "server-error",
    "bad-response",
    "network",
    "timeout",
    "host-denied",
];

/// `enum key-judgement`.
pub const KEY_JUDGEMENT: [&str; 3] = ["accepted", "rejected", "not-judged"];

/// `enum flow-answer`.
pub const FLOW_ANSWER: [&str; 2] = ["console", "invalid"];

/// `enum init-outcome`.
pub const INIT_OUTCOME: [&str; 6] = [
    "changed",
    "unchanged",
    "key-refused",
    "plan-key-refused",
    "failed",
    "key-line-unreadable",
];

/// `enum update-answer`: choices 1, 2 and 3 of the update check.
pub const UPDATE_ANSWER: [&str; 3] = ["install", "skip", "never"];

#[cfg(test)]
mod tests {
    use super::*;

    const WIT: &str = include_str!("../../wit/qianwen-auth.wit");

    /// The cases of `enum name` in the WIT, in order.
    fn cases(name: &str) -> Vec<String> {
        let start = WIT
            .find(&format!("enum {name} {{"))
            .unwrap_or_else(|| panic!("no enum {name} in the WIT"));
        let body = &WIT[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
        body.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .map(|l| l.trim_end_matches(',').to_string())
            .collect()
    }

    #[test]
    fn every_table_spells_the_wit_cases_in_order() {
        for (name, table) in [
            ("source", &SOURCE[..]),
            ("key-kind", &KEY_KIND[..]),
            ("warning-code", &WARNING_CODE[..]),
            ("link-topic", &LINK_TOPIC[..]),
            ("verdict", &VERDICT[..]),
            ("region", &REGION[..]),
            ("dotenv-state", &DOTENV_STATE[..]),
            ("outcome", &OUTCOME[..]),
            ("key-judgement", &KEY_JUDGEMENT[..]),
            ("flow-answer", &FLOW_ANSWER[..]),
            ("init-outcome", &INIT_OUTCOME[..]),
            ("update-answer", &UPDATE_ANSWER[..]),
        ] {
            assert_eq!(table, cases(name), "enum {name}");
        }
    }

    #[test]
    fn key_names_are_the_variables() {
        let spelled: Vec<String> = KEY_NAME
            .iter()
            .map(|n| n.to_ascii_lowercase().replace('_', "-"))
            .collect();
        assert_eq!(spelled, cases("key-name"));
    }

    /// The world's documentation lists the granted variables for reviewers: exactly these.
    #[test]
    fn the_wit_lists_the_granted_variables() {
        let doc = &WIT[WIT.find("`wasi:cli/environment`: environment").unwrap()..];
        let doc = &doc[..doc.find("- `project`").unwrap()];
        let listed: Vec<&str> = doc
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        assert_eq!(listed, crate::variables::GRANTED);
    }
}
