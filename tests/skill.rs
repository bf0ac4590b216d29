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

/// Every answer `status` can give, produced for real, has its row in the skill: the verdict and,
/// where it decides what to do, the key's kind; every exit code of every command is covered.
#[test]
fn it_covers_every_answer_the_tool_gives() {
    let dir = tempdir();
    let cases: [&[(&str, &str)]; 7] = [
        &[],
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &[("DASHSCOPE_API_KEY", PLAN)],
        &[("DASHSCOPE_API_KEY", "sk-your-key-here")],
        &[("DASHSCOPE_API_KEY", ACCESS_KEY_ID)],
        &[("DASHSCOPE_API_KEY", "sk-FAKE has space")],
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", "https://llm.example.com"),
        ],
    ];
    for env in cases {
        let v = run(dir.path(), env, &["status", "--json"]).json();
        let verdict = v["verdict"].as_str().unwrap();
        let code = v["exit_code"].as_u64().unwrap();
        let row = SKILL
            .lines()
            .filter(|l| l.starts_with(&format!("| {code} | `{verdict}`")))
            .find(|l| match v["key"]["kind"].as_str() {
                Some(kind @ ("placeholder" | "foreign" | "malformed")) => {
                    l.contains(&format!("`{kind}`"))
                }
                Some(_) => true,
                None => l.contains("`key` null"),
            });
        assert!(
            row.is_some(),
            "no row for exit {code}, {verdict}, {}",
            v["key"]
        );
    }
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY=\"{STANDARD}\n"),
    );
    let v = run(dir.path(), &[], &["status", "--json"]).json();
    assert!(!v["unreadable_keys"].as_array().unwrap().is_empty());
    assert!(SKILL.contains("`unreadable_keys` not empty"));
    for exit in qianwen_auth_facts::exit::Exit::ALL {
        let code = exit.code();
        assert!(
            SKILL.contains(&format!("| {code} |")) || SKILL.contains(&format!("Exit {code} ")),
            "the skill says nothing of exit {code}"
        );
    }
    for step in 1..=4 {
        assert!(
            SKILL.contains(&format!("`flow.step` {step}")) || SKILL.contains(&format!("{step}: "))
        );
    }
    for state in ["installed", "asked", "quiet"] {
        assert!(SKILL.contains(&format!("`state` `{state}`")), "{state}");
    }
}

/// The three ways of the original skill to provide a key, and what to do without the tool.
#[test]
fn it_offers_the_three_ways_and_a_fallback() {
    for way in [
        "DASHSCOPE_API_KEY=sk-your-key-here",
        "export DASHSCOPE_API_KEY='sk-...'",
        "qianwen-auth init --key-stdin",
        "is not installed",
    ] {
        assert!(SKILL.contains(way), "{way}");
    }
    assert!(!SKILL.contains("echo sk-") || SKILL.contains("Never suggest `echo sk-... |`"));
}
