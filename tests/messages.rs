//! What the tool says, held to what is true: nothing called sent that was not, no advice that
//! does not apply, no sentence said twice, JSON on stdout whenever `--json` was asked for.

use crate::common::*;
use serde_json::Value;

/// Whether `text` holds a parenthesis inside another.
fn nested_parentheses(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > 1 {
                    return true;
                }
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    false
}

fn next_steps(v: &Value) -> Vec<String> {
    v["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn with_no_key_the_advice_names_init_and_key_stdin() {
    let dir = tempdir();
    let v = run(dir.path(), &[], &["status", "--json"]).json();
    let steps = next_steps(&v).join("\n");
    assert!(steps.contains("`qianwen-auth init --key-stdin`"), "{steps}");
    assert!(steps.contains("`qianwen-auth init`"), "{steps}");
}

#[test]
fn no_advice_nests_parentheses() {
    let dir = tempdir();
    for key in [
        None,
        Some("sk-your-key-here"),
        Some(PLAN),
        Some(ACCESS_KEY_ID),
        Some("sk-FAKE has space"),
    ] {
        let env: Vec<(&str, &str)> = key.map(|k| ("DASHSCOPE_API_KEY", k)).into_iter().collect();
        let v = run(dir.path(), &env, &["status", "--json"]).json();
        for step in next_steps(&v) {
            assert!(!nested_parentheses(&step), "{key:?}: {step}");
        }
    }
}

#[test]
fn a_placeholder_that_loses_is_called_a_placeholder() {
    let dir = tempdir();
    write(
        dir.path().join(".env"),
        "DASHSCOPE_API_KEY=sk-your-key-here\n",
    );
    let v = run(
        dir.path(),
        &[("QIANWEN_API_KEY", STANDARD)],
        &["status", "--json"],
    )
    .json();
    let shadowed = json_warning(&v, "shadowed-key").expect("a shadowed-key warning");
    assert!(!shadowed.contains("a different key"), "{shadowed}");
    assert!(shadowed.contains("the placeholder"), "{shadowed}");
}

#[test]
fn refused_keys_read_as_sentences_and_get_only_advice_that_applies() {
    let dir = tempdir();
    let out = run_with_stdin(dir.path(), &[], &["init", "--key-stdin"], PLAN);
    assert_eq!(out.code, 5);
    assert!(
        out.stdout.contains("The key given is a Token Plan key"),
        "{}",
        out.stdout
    );

    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD_2}\n"),
    );
    let out = run_with_stdin(dir.path(), &[], &["init", "--key-stdin"], STANDARD);
    assert_eq!(out.code, 3);
    assert_no_leak(&out.all(), &ALL_KEYS, "init --key-stdin over a key");
    assert!(
        out.stdout.contains("remove line 1 of ./.env"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("need a standard pay-as-you-go key"),
        "advice about key kinds for a standard key: {}",
        out.stdout
    );
}

#[test]
fn a_request_that_got_no_answer_is_not_called_sent() {
    // A loopback port where nothing listens: the connection is refused before anything is sent.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempdir();
    let base = format!("http://127.0.0.1:{port}");
    let grant = format!("127.0.0.1:{port}");
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", base.as_str()),
    ];
    let out = run(
        dir.path(),
        &env,
        &["verify", "--verbose", "--allow-host", &grant, "--timeout", "5"],
    );
    assert_eq!(out.code, 6, "{}", out.stdout);
    assert!(!out.stdout.contains("Sent to"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("Tried 127.0.0.1:{port}")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_refused_endpoint_is_explained_once() {
    let dir = tempdir();
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", "https://llm.example.com"),
    ];
    let out = run(dir.path(), &env, &["verify"]);
    assert_eq!(out.code, 6);
    let said = "llm.example.com is not a DashScope host";
    assert_eq!(out.stdout.matches(said).count(), 1, "{}", out.stdout);
}

#[test]
fn verify_json_prints_json_even_when_it_cannot_start() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.path().join("skills/x")).unwrap();
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["verify", "--json", "--output", "skills/x"],
    );
    assert_eq!(out.code, 2);
    let v = out.json();
    assert_eq!(v["command"], "verify");
    assert_eq!(v["exit_code"], 2);
    assert!(v["error"].as_str().unwrap().contains("skills/"), "{v}");
    assert!(
        v["next_step"].as_str().unwrap().contains("--output DIR"),
        "{v}"
    );
    assert!(out.stderr.contains("--output DIR"), "{}", out.stderr);
}
