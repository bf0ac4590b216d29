//! What the tool says, held to what is true: nothing called sent that was not, no advice that
//! does not apply, no sentence said twice, JSON on stdout whenever `--json` was asked for.

use crate::common::*;
use crate::mock::{Mock, Reply};
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

/// The shadow warning says what is true: a placeholder that loses is called a placeholder,
/// this tool uses the winner, and a program that reads the other variable there still gets
/// the other value (the dashscope SDK reads only DASHSCOPE_API_KEY): never "not used".
#[test]
fn a_shadowed_value_is_named_for_what_it_is() {
    let dir = tempdir();
    let shadowed = |loser: &str| {
        write(
            dir.path().join(".env"),
            &format!("DASHSCOPE_API_KEY={loser}\n"),
        );
        let v = run(
            dir.path(),
            &[("QIANWEN_API_KEY", STANDARD)],
            &["status", "--json"],
        )
        .json();
        json_warning(&v, "shadowed-key").expect("a shadowed-key warning")
    };
    let placeholder = shadowed("sk-your-key-here");
    assert!(!placeholder.contains("a different key"), "{placeholder}");
    assert!(placeholder.contains("the placeholder"), "{placeholder}");
    let other = shadowed(STANDARD_2);
    assert!(!other.contains("not used"), "{other}");
    assert!(other.contains("this tool uses QIANWEN_API_KEY"), "{other}");
    assert!(
        other.contains("a program that reads DASHSCOPE_API_KEY there gets the other"),
        "{other}"
    );
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
        out.stdout
            .contains("`qianwen-auth init --key-stdin --replace`"),
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
        &[
            "verify",
            "--verbose",
            "--allow-host",
            &grant,
            "--timeout",
            "5",
        ],
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

/// `--allow-host 127.0.0.1` grants port 443: for a base URL on another port, the one step is
/// the exact grant, and the words blame the missing grant, not plain http.
#[test]
fn a_loopback_port_not_granted_gets_the_exact_grant() {
    let dir = tempdir();
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", "http://127.0.0.1:8080"),
    ];
    let out = run(dir.path(), &env, &["status", "--allow-host", "127.0.0.1"]);
    assert_eq!(out.code, 6);
    let next = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Next: "))
        .unwrap();
    assert_eq!(
        next,
        "Next: If you trust 127.0.0.1:8080, add `--allow-host 127.0.0.1:8080` to the command."
    );
    assert!(!out.stdout.contains("only https"), "{}", out.stdout);
}

/// A URL given to `--allow-host` is refused with what to type instead, never echoed.
#[test]
fn a_url_as_a_grant_is_told_to_drop_the_scheme() {
    let dir = tempdir();
    let out = run(
        dir.path(),
        &[],
        &["verify", "--allow-host", "https://llm.example.com"],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("without a scheme or path"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("llm.example.com"), "{}", out.stderr);
}

/// For a Token Plan endpoint no grant can help, so none is advised.
#[test]
fn a_token_plan_endpoint_is_never_advised_a_grant() {
    let dir = tempdir();
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        (
            "QWEN_BASE_URL",
            "https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1",
        ),
    ];
    for args in [&["status"][..], &["verify"]] {
        let out = run(dir.path(), &env, args);
        assert_eq!(out.code, 6);
        assert!(!out.stdout.contains("--allow-host"), "{}", out.stdout);
        assert!(
            out.stdout.contains("remove QWEN_BASE_URL"),
            "{}",
            out.stdout
        );
    }
}

/// "DashScope" names DashScope only: a server of the user's own failing is "the server".
#[test]
fn a_custom_server_is_not_called_dashscope() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(500, r#"{"code":"InternalError"}"#); 3]);
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", &mock.url()[..]),
    ];
    let out = run(dir.path(), &env, &["verify", "--allow-host", &mock.grant()]);
    assert_eq!(out.code, 8, "{}", out.stdout);
    let first = out.stdout.lines().next().unwrap();
    assert!(!first.contains("DashScope"), "{first}");
}

/// A key in `.env.local`, which `init` keeps out of git but the chain does not read, is named
/// where it is instead of a bare "no key".
#[test]
fn a_key_in_dotenv_local_is_named() {
    let dir = tempdir();
    write(
        dir.path().join(".env.local"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let out = run(dir.path(), &[], &["status"]);
    assert_eq!(out.code, 3);
    let next = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Next: "))
        .unwrap();
    assert!(next.contains(".env.local exists"), "{}", out.stdout);
    assert_no_leak(&out.all(), &ALL_KEYS, "status beside .env.local");
}

/// `init --help` says what init changes, and no advice anywhere pipes a key through `echo`.
#[test]
fn help_and_advice_say_what_is_true() {
    let dir = tempdir();
    let help = run(dir.path(), &[], &["init", "--help"]).stdout;
    assert!(!help.contains("says where and changes nothing"), "{help}");
    assert!(
        help.contains("mode 0600") && help.contains("--replace"),
        "{help}"
    );
    let screens = [
        run(dir.path(), &[], &["status"]),
        run(dir.path(), &[], &["status", "--verbose"]),
        run(dir.path(), &[], &["status", "--json"]),
        run(
            dir.path(),
            &[("DASHSCOPE_API_KEY", PLAN)],
            &["status", "--verbose"],
        ),
        run(dir.path(), &[], &["init"]),
        run_with_stdin(dir.path(), &[], &["init", "--key-stdin"], "\n"),
    ];
    for out in screens {
        let all = out.all();
        assert!(!all.contains("echo "), "{all}");
        assert!(!all.contains("pipe it"), "{all}");
    }
}
