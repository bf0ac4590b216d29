//! Representative screens, pinned as snapshots (`tests/snapshots/`): what people read for the
//! commonest cases, in the output style of docs/style.md. A change to the words shows as a
//! diff to review: `QIANWEN_AUTH_BLESS=1 cargo test --workspace`, then `git diff`,
//! as for the generated reference. The temporary directory, the mock's port, the evidence
//! record's time and latencies are replaced, so the screens are the same on every run; Unix
//! only, where the advice names `export`.

use crate::common::*;
use crate::mock::{Mock, Reply, compat_error};

/// `out`'s standard output with what differs between runs replaced.
fn screen(dir: &std::path::Path, out: &Output, mock: Option<&Mock>) -> String {
    let mut text = out.stdout.replace(&dir.display().to_string(), "[DIR]");
    if let Some(mock) = mock {
        text = text.replace(&mock.grant(), "127.0.0.1:[PORT]");
    }
    // verify-20261203T165710.467Z.json
    let mut from = 0;
    while let Some(at) = text[from..].find("verify-2").map(|n| from + n) {
        let end = text[at..].find(".json").map_or(text.len(), |n| at + n);
        text.replace_range(at..end, "verify-[TIME]");
        from = at + "verify-[TIME]".len();
    }
    // "HTTP 500 in 3 ms"
    let mut words: Vec<String> = text.split(' ').map(String::from).collect();
    for i in 1..words.len().saturating_sub(1) {
        if words[i - 1] == "in"
            && words[i + 1].starts_with("ms")
            && words[i].chars().all(|c| c.is_ascii_digit())
        {
            words[i] = "[N]".into();
        }
    }
    format!("exit {}\n{}", out.code, words.join(" "))
}

/// `text` is the screen pinned as `tests/snapshots/NAME.txt`.
fn snapshot(name: &str, text: String) {
    qianwen_auth_facts::reference::check_file(&format!("tests/snapshots/{name}.txt"), &text);
}

fn rejected() -> Reply {
    Reply::json(
        401,
        &compat_error("InvalidApiKey", "Invalid API-key provided."),
    )
}

#[test]
fn status_screens() {
    let dir = tempdir();
    let status = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["status"];
        all.extend_from_slice(args);
        screen(dir.path(), &run(dir.path(), env, &all), None)
    };
    snapshot("status_no_key", status(&[], &[]));
    snapshot(
        "status_usable",
        status(&[("DASHSCOPE_API_KEY", STANDARD)], &[]),
    );
    snapshot(
        "status_usable_verbose",
        status(&[("DASHSCOPE_API_KEY", STANDARD)], &["--verbose"]),
    );
    snapshot("status_plan_key", status(&[("QIANWEN_API_KEY", PLAN)], &[]));
    snapshot(
        "status_loopback_port_not_granted",
        status(
            &[
                ("DASHSCOPE_API_KEY", STANDARD),
                ("QWEN_BASE_URL", "http://127.0.0.1:8080"),
            ],
            &["--allow-host", "127.0.0.1"],
        ),
    );
    run(dir.path(), &[], &["init"]);
    snapshot("status_placeholder", status(&[], &[]));
}

#[test]
fn init_screens() {
    let dir = tempdir();
    let init = |env: &[(&str, &str)]| screen(dir.path(), &run(dir.path(), env, &["init"]), None);
    snapshot("init_fresh", init(&[]));
    snapshot("init_again", init(&[]));
    let other = tempdir();
    let out = run(
        other.path(),
        &[("DASHSCOPE_API_KEY", ACCESS_KEY_ID)],
        &["init"],
    );
    snapshot("init_unusable_key", screen(other.path(), &out, None));
}

#[test]
fn verify_screens() {
    let dir = tempdir();
    let verify = |replies: Vec<Reply>, args: &[&str]| {
        let mock = Mock::start(replies);
        let url = mock.url();
        let env = [
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", url.as_str()),
        ];
        let grant = mock.grant();
        let mut all = vec!["verify", "--allow-host", grant.as_str()];
        all.extend_from_slice(args);
        screen(dir.path(), &run(dir.path(), &env, &all), Some(&mock))
    };
    snapshot(
        "verify_pass",
        verify(vec![Reply::json(200, crate::mock::OK_BODY)], &[]),
    );
    snapshot("verify_401_asks", verify(vec![rejected()], &[]));
    snapshot(
        "verify_401_still_rejected",
        verify(vec![rejected()], &["--answer", "1"]),
    );
    snapshot(
        "verify_401_replace_the_key",
        verify(vec![rejected()], &["--answer", "2"]),
    );
    snapshot(
        "verify_server_error_verbose",
        verify(
            vec![
                Reply::json(
                    500,
                    r#"{"code":"InternalError","message":"oops","request_id":"r-1"}"#
                );
                3
            ],
            &["--verbose", "--timeout", "1"],
        ),
    );
}
