//! `.env` lines as users write them (docs/behaviour.md#dotenv): a key line whose quote is never
//! closed, and comments typed after the white space of a Chinese input method.

use crate::common::*;

/// A repository whose root `.env` holds a good key, with `app/` as the current directory.
fn repository() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path().join(".gitignore"), ".env\n");
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD_2}\n"),
    );
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    (dir, app)
}

#[test]
fn a_key_line_with_an_open_quote_is_named_not_called_missing() {
    let dir = tempdir();
    let dotenv = write(
        dir.path().join(".env"),
        &format!("# mine\nDASHSCOPE_API_KEY=\"{STANDARD}\n"),
    );
    let out = run(dir.path(), &[], &["status"]);
    assert_no_leak(&out.all(), &ALL_KEYS, "status");
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert!(!out.stdout.contains("No API key found"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("A key line is there but cannot be read"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            ":2: a DASHSCOPE_API_KEY line is there but cannot be read: \
                             unterminated double quote"
        ),
        "{}",
        out.stdout
    );

    let json = run(dir.path(), &[], &["status", "--json"]).json();
    let line = format!("{}:2", dotenv.display());
    assert_eq!(json["unreadable_keys"], serde_json::json!([line]));
    let steps = json_strings(&json, "next_steps").join("\n");
    assert!(!steps.contains("No API key is configured"), "{steps}");
    assert!(steps.contains(&line), "{steps}");
}

#[test]
fn init_adds_no_second_key_line_below_an_unreadable_one() {
    let dir = tempdir();
    let text = format!("DASHSCOPE_API_KEY='{STANDARD}\n");
    write(dir.path().join(".env"), &text);
    let out = run(dir.path(), &[], &["init"]);
    assert_no_leak(&out.all(), &ALL_KEYS, "init");
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("✗ A key line is there but cannot be read"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        text
    );
    assert!(!dir.path().join(".gitignore").exists());
    let json = run(dir.path(), &[], &["init", "--json"]).json();
    assert_eq!(json["outcome"], "key-line-unreadable");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        text
    );
}

#[test]
fn white_space_of_any_script_before_hash_starts_a_comment() {
    let (_repo, app) = repository();
    for space in ['\u{3000}', '\u{a0}', '\u{2003}'] {
        write(
            app.join(".env"),
            &format!("DASHSCOPE_API_KEY={STANDARD}{space}# 我的密钥\n"),
        );
        let out = run(&app, &[], &["status", "--json"]);
        assert_no_leak(&out.all(), &ALL_KEYS, "status");
        let json = out.json();
        assert_eq!(out.code, 0, "{space:?}: {json}");
        assert_eq!(json["key"]["kind"], "standard", "{space:?}");
        assert_eq!(json["key"]["source"], "cwd-dotenv", "{space:?}");
        assert_eq!(
            json["key"]["masked"], "sk-****************a1b2",
            "{space:?}"
        );
    }
}

#[test]
fn references_expand_from_earlier_lines_and_granted_variables() {
    let dir = tempdir();
    write(
        dir.path().join(".env"),
        &format!("MY_KEY={STANDARD}\nDASHSCOPE_API_KEY=${{MY_KEY}}\n"),
    );
    let out = run(dir.path(), &[], &["status", "--json"]);
    assert_no_leak(&out.all(), &ALL_KEYS, "status");
    let json = out.json();
    assert_eq!(out.code, 0, "{json}");
    assert_eq!(json["key"]["kind"], "standard");
    assert_eq!(json["key"]["masked"], "sk-****************a1b2");

    // A variable this tool reads, from the environment, as python-dotenv would take it.
    write(
        dir.path().join(".env"),
        "QIANWEN_API_KEY=${DASHSCOPE_API_KEY}\n",
    );
    let json = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD_2)],
        &["status", "--json"],
    )
    .json();
    assert_eq!(json["key"]["name"], "DASHSCOPE_API_KEY");
    assert_eq!(json["key"]["source"], "env");
    assert_eq!(
        json["shadowed"],
        serde_json::json!([]),
        "the same key, not another"
    );
}

#[test]
fn a_reference_to_nothing_is_named_never_called_a_placeholder() {
    let dir = tempdir();
    let text = "DASHSCOPE_API_KEY=${MY_KEY}\n";
    write(dir.path().join(".env"), text);
    let out = run(dir.path(), &[], &["status", "--json"]);
    let json = out.json();
    assert_eq!(out.code, 3, "{json}");
    let warning = json_warning(&json, "dotenv-reference")
        .unwrap_or_else(|| panic!("no dotenv-reference warning: {json}"));
    assert!(warning.contains("refers to MY_KEY"), "{warning}");
    assert!(!out.stdout.contains("placeholder"), "{}", out.stdout);
    assert!(!out.stdout.contains("empty-value"), "{}", out.stdout);
    assert_eq!(json["unreadable_keys"].as_array().unwrap().len(), 1);

    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        text
    );
}

#[test]
fn a_reference_that_may_be_a_pasted_key_is_not_repeated() {
    let dir = tempdir();
    // A key's secret part behind a stray `$`: a valid name, but not one written in capitals.
    let secret = &STANDARD[3..];
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY=${secret}\n"),
    );
    let out = run(dir.path(), &[], &["status", "--json"]);
    assert_no_leak(&out.all(), &ALL_KEYS, "status");
    assert!(out.stdout.contains("dotenv-reference"), "{}", out.stdout);
}
