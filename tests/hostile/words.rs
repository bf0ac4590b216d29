//! The scrubber hides keys, not words. A project named `flask-api-server` once showed as
//! `fla[redacted]` in every path, in `--json`, in the advice to type and in the argv of the
//! checker `update-check --run` starts; the original skill's placeholder was hidden from the sentence
//! that tells the user to replace it; and a server could still show the key turned around,
//! spaced out, fullwidth, rotated or encoded twice.

use base64::Engine;

use crate::common::*;
use crate::mock::{Mock, Reply, compat_error};

const WORDS: [&str; 3] = ["flask-api-server", "task-queue-worker", "disk-usage-report"];

/// Paths made of words that hold `sk-` are shown whole, in text and JSON, in the advice to type,
/// and in the evidence directory's name.
#[test]
fn words_that_hold_sk_are_never_hidden() {
    for word in WORDS {
        let dir = tempdir();
        let project = dir.path().join(word);
        std::fs::create_dir_all(project.join(".git")).unwrap();
        write(
            project.join(".env"),
            &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
        );
        set_mode(&project.join(".env"), 0o644);
        let out = run(&project, &[], &["status", "--json"]);
        assert!(!out.all().contains("[redacted]"), "{word}: {}", out.all());
        let v = out.json();
        assert!(v["key"]["path"].as_str().unwrap().contains(word), "{v}");
        if cfg!(unix) {
            let advice = json_warning(&v, "dotenv-permissions").unwrap();
            assert!(
                advice.contains("chmod 600 ") && advice.contains(word),
                "{advice}"
            );
        }
        let out = run(&project, &[], &["status"]);
        assert!(
            out.stdout.contains(word) && !out.all().contains("[redacted]"),
            "{}",
            out.stdout
        );
        let output = format!("{word}-evidence");
        let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
        let url = mock.url();
        let out = run(
            &project,
            &[("QWEN_BASE_URL", &url)],
            &[
                "verify",
                "--json",
                "--allow-host",
                &mock.grant(),
                "--output",
                &output,
            ],
        );
        assert_eq!(out.code, 0, "{word}: {}", out.all());
        assert!(
            out.json()["evidence"].as_str().unwrap().contains(&output),
            "{}",
            out.stdout
        );
    }
}

/// The original skill's step 2, word for word, after `init` writes the placeholder; and `status` names
/// the placeholder it found.
#[test]
fn the_placeholder_is_named_as_it_is() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains(
            "Please replace sk-your-key-here with your actual API key from the QianWen Console."
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("DASHSCOPE_API_KEY=sk-your-key-here"),
        "{}",
        out.stdout
    );
    assert!(!out.all().contains("[redacted]"), "{}", out.all());
    let v = run(dir.path(), &[], &["status", "--json"]).json();
    assert_eq!(v["key"]["kind"], "placeholder");
    assert!(!v.to_string().contains("[redacted]"), "{v}");
}

/// A hostile server's 401 echoes the key turned in ways a scrubber of plain pieces misses:
/// none of them reaches the screen, `--json` or the evidence.
#[test]
fn a_server_s_turned_echoes_never_show() {
    let key = STANDARD;
    let spaced: String = key.chars().map(|c| format!("{c} ")).collect();
    let fullwidth: String = key
        .chars()
        .map(|c| char::from_u32(c as u32 - 0x21 + 0xff01).unwrap())
        .collect();
    let rot13: String = key
        .chars()
        .map(|c| match c {
            'a'..='z' => char::from(b'a' + (c as u8 - b'a' + 13) % 26),
            'A'..='Z' => char::from(b'A' + (c as u8 - b'A' + 13) % 26),
            c => c,
        })
        .collect();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let colons: String = key
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    let entities: String = key.chars().map(|c| format!("&#{};", c as u32)).collect();
    let forms = [
        ("reversed", key.chars().rev().collect::<String>()),
        ("spaced", spaced),
        (
            "zero-width",
            key.chars().map(|c| format!("{c}\u{200b}")).collect(),
        ),
        ("fullwidth", fullwidth),
        ("rot13", rot13),
        ("base64 twice", b64(b64(key.as_bytes()).as_bytes())),
        ("hex with colons", colons),
        ("HTML references", entities),
        (
            "split across lines",
            key.as_bytes()
                .chunks(6)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\\n"),
        ),
    ];
    for (name, form) in forms {
        let dir = tempdir();
        let body = compat_error(
            "InvalidApiKey",
            &format!("Incorrect API key provided: {}", form.replace('"', "\\\"")),
        );
        let mock = Mock::start(vec![Reply::json(401, &body)]);
        let url = mock.url();
        let env = [("DASHSCOPE_API_KEY", key), ("QWEN_BASE_URL", url.as_str())];
        for json in [false, true] {
            let mut args = vec!["verify", "--allow-host"];
            let grant = mock.grant();
            args.push(&grant);
            if json {
                args.push("--json");
            }
            let out = run(dir.path(), &env, &args);
            let mut shown = out.all();
            for file in files_under(&dir.path().join("output")) {
                shown.push_str(&std::fs::read_to_string(file).unwrap());
            }
            // JSON carries the server's characters as escapes: read them back.
            if json {
                shown.push_str(&out.json().to_string());
                shown.push_str(out.json()["excerpt"].as_str().unwrap_or_default());
            }
            assert_no_leak(&shown, &ALL_KEYS, name);
            let chars: Vec<char> = form.chars().collect();
            for window in chars.windows(12) {
                let window: String = window.iter().collect();
                assert!(
                    !shown.contains(&window),
                    "{name}: part of the echo reached the output"
                );
            }
        }
    }
}
