//! docs/behaviour.md#token-plan, the Token Plan facts, as of 2026-08-03: one table, so that a
//! change of plan is a change of data.

use crate::links;
use crate::wit::guidance::{PlanModel, TokenPlan};
use crate::wit::types::LinkTopic;
use qianwen_auth_facts::endpoints::TOKEN_PLAN_HOST;

/// When the Token Plan facts were last checked.
pub const AS_OF: &str = "2026-08-03";

const ALLOWED_TOOLS: [&str; 8] = [
    "Cursor",
    "Claude Code",
    "Qwen Code",
    "OpenClaw",
    "OpenCode",
    "Codex",
    "Kilo Code/CLI",
    "Hermes Agent",
];

const FORBIDDEN_USES: [&str; 5] = [
    "automation and scripts",
    "backends and services",
    "batch jobs",
    "API testing tools (curl, Postman)",
    "workflow platforms",
];

/// (model, Team edition only).
const TEXT_MODELS: [(&str, bool); 16] = [
    ("qwen3.8-max", false),
    ("qwen3.7-max", false),
    ("qwen3.7-plus", false),
    ("qwen3.6-flash", false),
    ("glm-5.2", false),
    ("deepseek-v4-pro", false),
    ("deepseek-v4-flash-0731", false),
    ("qwen3.6-plus", true),
    ("deepseek-v4-flash", true),
    ("deepseek-v3.2", true),
    ("kimi-k2.7-code", true),
    ("kimi-k2.6", true),
    ("kimi-k2.5", true),
    ("glm-5.1", true),
    ("glm-5", true),
    ("MiniMax-M2.5", true),
];

const IMAGE_MODELS: [(&str, bool); 4] = [
    ("qwen-image-2.0", false),
    ("qwen-image-2.0-pro", true),
    ("wan2.7-image", false),
    ("wan2.7-image-pro", false),
];

const VIDEO_MODELS: [&str; 3] = [
    "happyhorse-1.1-t2v",
    "happyhorse-1.1-i2v",
    "happyhorse-1.1-r2v",
];
const SPEECH_MODELS: [&str; 1] = ["qwen-audio-3.0-tts-plus"];
const NOT_COVERED: [&str; 4] = [
    "speech recognition (ASR)",
    "embedding",
    "rerank",
    "translation",
];

const KNOWN_ERRORS: [&str; 5] = [
    "InvalidApiKey: No API-key provided — no key was sent, or it was sent as x-api-key instead \
     of Authorization: Bearer",
    "InvalidApiKey: Invalid API-key provided — a mismatched key, an expired subscription, or \
     whitespace in the key",
    "model 'x' not found or not supported — the model is not on the plan",
    "Range of input length should be [1, n] — the input is too long for the model",
    "API rate limit reached — the Credits are used up",
];

/// The Token Plan facts (docs/behaviour.md#token-plan).
pub fn facts() -> TokenPlan {
    let models = |table: &[(&str, bool)]| {
        table
            .iter()
            .map(|&(name, team_only)| PlanModel {
                name: name.into(),
                team_only,
            })
            .collect()
    };
    let strings = |table: &[&str]| table.iter().map(|s| s.to_string()).collect();
    TokenPlan {
        as_of: AS_OF.into(),
        refusal: "This tool, and every script that calls the DashScope API, needs a standard \
                  pay-as-you-go key. A Token Plan key (sk-sp-) serves interactive AI tools only; \
                  sending it from a script is a forbidden use that puts the subscription at \
                  risk, and the standard endpoint rejects it anyway. So this tool never sends a \
                  plan key anywhere, and never contacts the Token Plan endpoints."
            .into(),
        key_kinds: vec![
            "Standard (pay-as-you-go): starts with sk- (not sk-sp-); for scripts, apps and tools; \
             endpoint dashscope.aliyuncs.com (dashscope-intl.aliyuncs.com internationally)."
                .into(),
            format!(
                "Token Plan (Team / Personal): starts with sk-sp-; for interactive AI tools \
                 only; endpoint {TOKEN_PLAN_HOST} (token-plan.*.maas.aliyuncs.com elsewhere)."
            ),
        ],
        allowed_tools: strings(&ALLOWED_TOOLS),
        forbidden_uses: strings(&FORBIDDEN_USES),
        text_models: models(&TEXT_MODELS),
        image_models: models(&IMAGE_MODELS),
        video_models: strings(&VIDEO_MODELS),
        speech_models: strings(&SPEECH_MODELS),
        not_covered: strings(&NOT_COVERED),
        billing: "Billed in Credits: each seat's monthly quota first, then the shared package; \
                  when both are used up, the service pauses."
            .into(),
        known_errors: strings(&KNOWN_ERRORS),
        links: [
            LinkTopic::TokenPlan,
            LinkTopic::TokenPlanPricing,
            LinkTopic::TokenPlanSubscription,
            LinkTopic::ApiKeys,
        ]
        .into_iter()
        .map(links::get)
        .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The original skill names the Token Plan endpoint; so does the tool, as a host it never contacts.
    #[test]
    fn the_token_plan_endpoint_is_named() {
        let f = facts();
        assert!(
            f.key_kinds
                .iter()
                .any(|k| k.contains("token-plan.cn-beijing.maas.aliyuncs.com"))
        );
    }

    #[test]
    fn personal_has_seven_text_models_and_team_sixteen() {
        let f = facts();
        assert_eq!(f.text_models.iter().filter(|m| !m.team_only).count(), 7);
        assert_eq!(f.text_models.len(), 16);
        assert_eq!(f.as_of, "2026-08-03");
    }

    #[test]
    fn the_original_list_is_a_subset() {
        let f = facts();
        let names: Vec<&str> = f
            .text_models
            .iter()
            .chain(&f.image_models)
            .map(|m| m.name.as_str())
            .collect();
        for model in [
            "qwen3.6-plus",
            "glm-5",
            "MiniMax-M2.5",
            "deepseek-v3.2",
            "qwen-image-2.0",
            "qwen-image-2.0-pro",
            "wan2.7-image",
            "wan2.7-image-pro",
        ] {
            assert!(names.contains(&model), "{model}");
        }
    }
}
