//! The agent skill we ship (`skill/qianwen-ops-auth/SKILL.md`): the original skill's name,
//! description and triggers; only commands and flags that exist; only links from the link
//! table; and the original skill's security rules.

use crate::common::*;

const SKILL: &str = include_str!("../skill/qianwen-ops-auth/SKILL.md");

/// The original skill's description, triggers included, word for word.
const SEED_DESCRIPTION: &str = "[QianWen] Configure authentication (API keys, endpoints). \
    TRIGGER when: setting up QIANWEN_API_KEY, troubleshooting 401/auth errors, when another \
    skill reports missing credentials, or user explicitly invokes this skill by name (e.g. use \
    qianwen-ops-auth). DO NOT TRIGGER when: non-auth Qwen tasks, general API usage questions.";

/// The front matter's `key: value` lines.
fn front_matter(key: &str) -> String {
    let body = SKILL.strip_prefix("---\n").expect("front matter first");
    let matter = &body[..body.find("\n---\n").expect("front matter closed")];
    let line = matter
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in the front matter"));
    line.trim_matches('"').to_string()
}

/// Every `qianwen-auth ...` command line the skill names, in code spans and blocks.
fn commands() -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut text = SKILL.replace("```sh", "`").replace("```", "`");
    text = text.replace('\n', " \n ");
    for span in text.split('`').skip(1).step_by(2) {
        for line in span.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("qianwen-auth ") {
                found.push(rest.split_whitespace().map(String::from).collect());
            }
        }
    }
    found
}

#[test]
fn the_skill_keeps_the_original_name_and_triggers() {
    assert_eq!(front_matter("name"), "qianwen-ops-auth");
    assert_eq!(front_matter("description"), SEED_DESCRIPTION);
}

#[test]
fn every_command_and_flag_it_names_exists() {
    let dir = tempdir();
    let commands = commands();
    for needed in [
        "status",
        "verify",
        "init",
        "tokenplan",
        "links",
        "update-check",
    ] {
        assert!(
            commands.iter().any(|words| words[0] == needed),
            "the skill never runs `qianwen-auth {needed}`"
        );
    }
    for words in commands {
        let help = run(dir.path(), &[], &[&words[0], "--help"]);
        assert_eq!(help.code, 0, "`qianwen-auth {}` does not exist", words[0]);
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.stdout.contains(flag.as_str()),
                "`qianwen-auth {}` has no {flag}",
                words[0]
            );
        }
    }
    // The topics it names are topics.
    for topic in ["api-keys", "billing"] {
        assert_eq!(run(dir.path(), &[], &["links", topic]).code, 0, "{topic}");
    }
}

#[test]
fn every_link_in_it_is_on_the_link_table() {
    let dir = tempdir();
    let table = run(dir.path(), &[], &["links", "--json"]).json();
    let allowed: Vec<&str> = table["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["url"].as_str().unwrap())
        .collect();
    for url in SKILL.split_whitespace().filter(|w| w.contains("://")) {
        let url = url.trim_matches(|c: char| "`()<>,.;\"'".contains(c));
        assert!(allowed.contains(&url), "{url} is not on the link table");
    }
}

#[test]
fn it_carries_the_original_security_rules() {
    for rule in [
        "Never ask the user for their API key",
        "Never print, log or repeat a key or an OSS credential",
        "Evidence goes under `output/qianwen-ops-auth/`",
        "Never write anything inside a `skills/` directory",
        "Only give the links `qianwen-auth links` lists",
        "Please replace `sk-your-key-here` with your actual API key",
    ] {
        assert!(SKILL.contains(rule), "the skill lost the rule {rule:?}");
    }
    assert!(!SKILL.contains("sk-sp-") || SKILL.contains("Token Plan"));
    assert_no_leak(SKILL, &ALL_KEYS, "the skill");
}
