//! The 401 flow (docs/behaviour.md#the-401-flow) end to end: at a terminal through a
//! pseudo-terminal, and without one as agents and CI run it.

#[cfg(unix)]
use crate::common::pty::Terminal;
use crate::common::*;
use crate::mock::{Mock, Reply, compat_error};

#[cfg(unix)]
const LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

fn rejected() -> Reply {
    Reply::json(
        401,
        &compat_error("InvalidApiKey", "Invalid API-key provided."),
    )
}

fn env(mock: &str) -> Vec<(&str, &str)> {
    vec![("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", mock)]
}

#[cfg(unix)]
#[test]
fn at_a_terminal_401_then_200_passes_after_answer_1() {
    let dir = tempdir();
    let mock = Mock::start(vec![rejected(), Reply::json(200, crate::mock::OK_BODY)]);
    let url = mock.url();
    let grant = mock.grant();
    let mut term = Terminal::spawn(dir.path(), &env(&url), &["verify", "--allow-host", &grant]);
    term.wait_for("Answer 1 or 2:", LIMIT);
    let screen = term.screen();
    assert!(
        screen.contains("Please confirm where it came from"),
        "{screen}"
    );
    assert!(screen.contains("1. The key was created in the QianWen console"));
    assert!(screen.contains("2. The key may be invalid"));
    term.type_text("1\n");
    let (code, screen) = term.finish(LIMIT);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Verified again: the key works"), "{screen}");
    assert_eq!(mock.connections(), 2);
    assert_no_leak(&screen, &ALL_KEYS, "the interactive flow");
    for asking in ["paste", "enter your key", "type your key"] {
        assert!(
            !screen.to_lowercase().contains(asking),
            "the flow asked for the key"
        );
    }
}

/// Answer 2 at a terminal waits for the key to be replaced: Enter with the old key still in
/// place sends nothing and names where it is; once it is replaced, the new key is verified.
#[cfg(unix)]
#[test]
fn at_a_terminal_answer_2_never_resends_the_unchanged_key() {
    let dir = tempdir();
    let dotenv = dir.path().join(".env");
    std::fs::write(&dotenv, format!("DASHSCOPE_API_KEY={STANDARD}\n")).unwrap();
    let mock = Mock::start(vec![rejected()]);
    let url = mock.url();
    let grant = mock.grant();
    let env = [("QWEN_BASE_URL", url.as_str())];
    let mut term = Terminal::spawn(dir.path(), &env, &["verify", "--allow-host", &grant]);
    term.wait_for("Answer 1 or 2:", LIMIT);
    // A wrong answer is asked again.
    term.type_text("3\n");
    term.wait_for("Answer 1 or 2: 3", LIMIT);
    term.type_text("invalid\n");
    term.wait_for("Press Enter", LIMIT);
    let screen = term.screen();
    assert!(
        screen.contains("https://platform.qianwenai.com/home/api-keys"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "DASHSCOPE_API_KEY on line 1 of {}",
            dotenv.display()
        )),
        "the file and line are named: {screen}"
    );
    term.type_text("\n");
    term.wait_for("The key is unchanged", LIMIT);
    assert_eq!(mock.connections(), 1, "the unchanged key was sent again");
    std::fs::write(&dotenv, format!("DASHSCOPE_API_KEY={STANDARD_2}\n")).unwrap();
    let started = std::time::Instant::now();
    while term.screen().matches("Press Enter").count() < 2 {
        assert!(started.elapsed() < LIMIT, "{}", term.screen());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    term.type_text("\n");
    let (code, screen) = term.finish(LIMIT);
    assert_eq!(code, 4, "{screen}");
    assert!(screen.contains("the key itself is invalid"), "{screen}");
    assert_eq!(mock.connections(), 2);
    assert_no_leak(&screen, &ALL_KEYS, "the interactive flow");
}

#[test]
fn without_a_terminal_the_question_is_printed_and_nothing_waits() {
    let dir = tempdir();
    let mock = Mock::start(vec![rejected()]);
    let out = run(
        dir.path(),
        &env(&mock.url()),
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 4);
    assert!(
        out.stdout.contains("Please confirm where it came from"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--answer 1 or --answer 2"));
    assert_eq!(mock.connections(), 1);

    let out = run(
        dir.path(),
        &env(&mock.url()),
        &["verify", "--json", "--allow-host", &mock.grant()],
    );
    let v = out.json();
    assert_eq!(v["flow"]["step"], 1);
    assert_eq!(v["flow"]["choices"].as_array().unwrap().len(), 2);
    assert_eq!(v["flow"]["choices"][0]["answer"], "console");
    assert_eq!(v["flow"]["choices"][1]["number"], 2);
    assert!(v["flow"]["question"].as_str().unwrap().contains("confirm"));
}

#[test]
fn answer_option_continues_without_a_prompt() {
    let dir = tempdir();
    let mock = Mock::start(vec![rejected(), Reply::json(200, crate::mock::OK_BODY)]);
    let out = run(
        dir.path(),
        &env(&mock.url()),
        &[
            "verify",
            "--json",
            "--answer",
            "1",
            "--allow-host",
            &mock.grant(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    let v = out.json();
    assert_eq!(v["outcome"], "pass");
    assert_eq!(v["flow"]["step"], 3);
    assert_eq!(v["flow"]["answer"], "console");
    assert_eq!(v["previous"]["outcome"], "auth-rejected");
    assert_eq!(v["previous"]["http_status"], 401);

    // Answer 2 without a terminal: the key must be replaced first, so the flow stops at step 2
    // with that guidance, and the same key is not checked again.
    for answer in ["2", "invalid"] {
        let mock = Mock::start(vec![rejected()]);
        let out = run(
            dir.path(),
            &env(&mock.url()),
            &[
                "verify",
                "--json",
                "--answer",
                answer,
                "--allow-host",
                &mock.grant(),
            ],
        );
        assert_eq!(out.code, 4);
        let v = out.json();
        assert_eq!(v["flow"]["step"], 2);
        assert_eq!(v["flow"]["answer"], "invalid");
        assert!(
            v["flow"]["guidance"]
                .as_str()
                .unwrap()
                .contains("then verify again"),
            "{v}"
        );
        assert_eq!(mock.connections(), 1, "the unchanged key was sent again");
    }
    let mock = Mock::start(vec![rejected()]);
    let out = run(
        dir.path(),
        &env(&mock.url()),
        &[
            "verify",
            "--verbose",
            "--answer",
            "console",
            "--allow-host",
            &mock.grant(),
        ],
    );
    assert!(
        out.stdout.contains("Verifying the key again."),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("the key itself is invalid"));
    // Both checks are shown: the first 401, then the second.
    assert_eq!(out.stdout.matches("Sent to ").count(), 2, "{}", out.stdout);

    let out = run(dir.path(), &env(&mock.url()), &["verify", "--answer", "3"]);
    assert_eq!(out.code, 2);
}

/// A 401 saying no key arrived enters the flow too (docs/behaviour.md#the-401-flow: any 401).
#[test]
fn a_401_without_a_key_received_asks_too() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(
        401,
        &compat_error("InvalidApiKey", "No API-key provided."),
    )]);
    let out = run(
        dir.path(),
        &env(&mock.url()),
        &["verify", "--json", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 4);
    let v = out.json();
    assert_eq!(v["flow"]["step"], 1, "{v}");
    assert_eq!(v["flow"]["choices"].as_array().unwrap().len(), 2);
}

#[test]
fn an_answer_is_not_used_when_there_is_no_401() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let out = run(
        dir.path(),
        &env(&mock.url()),
        &[
            "verify",
            "--json",
            "--answer",
            "1",
            "--allow-host",
            &mock.grant(),
        ],
    );
    assert_eq!(out.code, 0);
    assert_eq!(out.json()["flow"], serde_json::Value::Null);
    assert_eq!(mock.connections(), 1);
}

#[cfg(unix)]
#[test]
fn the_spinner_turns_only_on_a_terminal() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let url = mock.url();
    let grant = mock.grant();
    let term = Terminal::spawn(dir.path(), &env(&url), &["verify", "--allow-host", &grant]);
    let (code, screen) = term.finish(LIMIT);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Verifying the API key…"), "{screen}");
    let term = Terminal::spawn(
        dir.path(),
        &env(&url),
        &["verify", "--json", "--allow-host", &grant],
    );
    let (_, screen) = term.finish(LIMIT);
    assert!(!screen.contains("Verifying the API key…"), "{screen}");
}

#[cfg(unix)]
#[test]
fn a_key_typed_at_the_terminal_is_never_echoed() {
    let dir = tempdir();
    let mut term = Terminal::spawn(dir.path(), &[], &["init", "--key-stdin"]);
    // The prompt says what to do, on the line the key is typed on.
    term.wait_for(
        "Paste your API key and press Enter (it is not shown as you type): ",
        LIMIT,
    );
    term.type_text(&format!("{STANDARD}\n"));
    let (code, screen) = term.finish(LIMIT);
    assert_eq!(code, 0, "{screen}");
    assert_no_leak(&screen, &ALL_KEYS, "init --key-stdin at a terminal");
    let written = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert_eq!(written, format!("DASHSCOPE_API_KEY={STANDARD}\n"));
}
