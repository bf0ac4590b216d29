//! SPEC §7: the only URLs the tool may print. Nothing else builds a URL for a person to open.

use crate::wit::types::Link;

/// (topic, title, URL), as of 2026-08-03.
const TABLE: [(&str, &str, &str); 9] = [
    (
        "console",
        "QianWen console",
        "https://platform.qianwenai.com/home/",
    ),
    (
        "api-keys",
        "API keys",
        "https://platform.qianwenai.com/home/api-keys",
    ),
    (
        "billing",
        "Pay-as-you-go billing",
        "https://platform.qianwenai.com/home/billing/pay-as-you-go",
    ),
    (
        "token-plan-subscription",
        "Token Plan subscription",
        "https://platform.qianwenai.com/home/billing/subscription/token-plan",
    ),
    (
        "usage",
        "Usage analytics",
        "https://platform.qianwenai.com/home/analytics",
    ),
    (
        "token-plan",
        "Token Plan overview",
        "https://platform.qianwenai.com/docs/token-plan/overview",
    ),
    (
        "token-plan-pricing",
        "Token Plan pricing",
        "https://platform.qianwenai.com/docs/token-plan/overview#%E5%A5%97%E9%A4%90%E4%B8%8E%E5%AE%9A%E4%BB%B7",
    ),
    (
        "sdk-setup",
        "OpenAI-compatible SDK setup",
        "https://platform.qianwenai.com/docs/api-reference/preparation/install-sdk",
    ),
    (
        "oss-console",
        "OSS console",
        "https://oss.console.aliyun.com/",
    ),
];

/// The topic ids a caller may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Console,
    ApiKeys,
    Billing,
    Usage,
    TokenPlan,
    TokenPlanPricing,
    TokenPlanSubscription,
}

impl Topic {
    fn id(self) -> &'static str {
        match self {
            Topic::Console => "console",
            Topic::ApiKeys => "api-keys",
            Topic::Billing => "billing",
            Topic::Usage => "usage",
            Topic::TokenPlan => "token-plan",
            Topic::TokenPlanPricing => "token-plan-pricing",
            Topic::TokenPlanSubscription => "token-plan-subscription",
        }
    }
}

/// Every link, in table order.
pub fn all() -> Vec<Link> {
    TABLE.iter().map(|&row| link(row)).collect()
}

/// The link for a topic.
pub fn get(topic: Topic) -> Link {
    let row = TABLE
        .iter()
        .find(|(id, _, _)| *id == topic.id())
        .copied()
        .unwrap_or(TABLE[0]);
    link(row)
}

fn link((topic, title, url): (&str, &str, &str)) -> Link {
    Link {
        topic: topic.to_string(),
        title: title.to_string(),
        url: url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_its_own_row() {
        for topic in [
            Topic::Console,
            Topic::ApiKeys,
            Topic::Billing,
            Topic::Usage,
            Topic::TokenPlan,
            Topic::TokenPlanPricing,
            Topic::TokenPlanSubscription,
        ] {
            assert_eq!(get(topic).topic, topic.id());
        }
    }

    #[test]
    fn urls_are_https_and_unique() {
        let all = all();
        assert_eq!(all.len(), 9);
        for (i, l) in all.iter().enumerate() {
            assert!(l.url.starts_with("https://"), "{}", l.url);
            assert!(
                all[i + 1..]
                    .iter()
                    .all(|o| o.url != l.url && o.topic != l.topic)
            );
        }
    }
}
