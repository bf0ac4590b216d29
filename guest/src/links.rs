//! docs/behaviour.md#links: the only URLs the tool may print. Nothing else builds a URL for a
//! person to open.

use crate::wit::types::{Link, LinkTopic};

/// The home of the skills the update check installs and runs, whose releases and notes its
/// checker links to: its links, and only its, are kept in that checker's output beside the
/// table's. A link below it must not climb out (`..`) or hide its path (`%`).
pub const SKILLS_HOME: &str = "https://github.com/QianWen-AI/qianwen-ai";

/// Whether `url` is `SKILLS_HOME` or a page below it.
pub fn in_skills_home(url: &str) -> bool {
    url.strip_prefix(SKILLS_HOME).is_some_and(|rest| {
        (rest.is_empty() || rest.starts_with('/') || rest == ".git")
            && !rest.contains("..")
            && !rest.contains(['%', '@', '\\'])
    })
}

/// (topic, title, URL), as of 2026-08-03, in the order of the WIT's `link-topic`.
const TABLE: [(LinkTopic, &str, &str); 9] = [
    (
        LinkTopic::Console,
        "QianWen console",
        "https://platform.qianwenai.com/home/",
    ),
    (
        LinkTopic::ApiKeys,
        "API keys",
        "https://platform.qianwenai.com/home/api-keys",
    ),
    (
        LinkTopic::Billing,
        "Pay-as-you-go billing",
        "https://platform.qianwenai.com/home/billing/pay-as-you-go",
    ),
    (
        LinkTopic::TokenPlanSubscription,
        "Token Plan subscription",
        "https://platform.qianwenai.com/home/billing/subscription/token-plan",
    ),
    (
        LinkTopic::Usage,
        "Usage analytics",
        "https://platform.qianwenai.com/home/analytics",
    ),
    (
        LinkTopic::TokenPlan,
        "Token Plan overview",
        "https://platform.qianwenai.com/docs/token-plan/overview",
    ),
    (
        LinkTopic::TokenPlanPricing,
        "Token Plan pricing",
        "https://platform.qianwenai.com/docs/token-plan/overview#%E5%A5%97%E9%A4%90%E4%B8%8E%E5%AE%9A%E4%BB%B7",
    ),
    (
        LinkTopic::SdkSetup,
        "OpenAI-compatible SDK setup",
        "https://platform.qianwenai.com/docs/api-reference/preparation/install-sdk",
    ),
    (
        LinkTopic::OssConsole,
        "OSS console",
        "https://oss.console.aliyun.com/",
    ),
];

/// Every link, in table order.
pub fn all() -> Vec<Link> {
    TABLE.iter().map(|&row| link(row)).collect()
}

/// The link for a topic.
pub fn get(topic: LinkTopic) -> Link {
    let row = TABLE
        .iter()
        .find(|(t, _, _)| *t == topic)
        .copied()
        .unwrap_or(TABLE[0]);
    link(row)
}

fn link((topic, title, url): (LinkTopic, &str, &str)) -> Link {
    Link {
        topic,
        title: title.to_string(),
        url: url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_its_own_row_in_wit_order() {
        for (i, link) in all().iter().enumerate() {
            assert_eq!(link.topic as usize, i);
            assert_eq!(get(link.topic), *link);
        }
        assert_eq!(all().len(), qianwen_auth_facts::names::LINK_TOPIC.len());
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
