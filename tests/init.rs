//! `qianwen-auth init`, end to end: files compared byte for byte.

use std::fs;
use std::path::Path;

use crate::common::*;

const PLACEHOLDER_LINE: &str = "DASHSCOPE_API_KEY=sk-your-key-here\n";
const IGNORE_LINES: &str = ".env\n.env.local\n*.env\noutput/qianwen-ops-auth/\n";

fn read(dir: &Path, name: &str) -> Option<Vec<u8>> {
    fs::read(dir.join(name)).ok()
}

fn assert_mode(dir: &Path, name: &str, expected: u32) {
    let got = mode_of(&dir.join(name));
    assert!(got.is_none_or(|m| m == expected), "{name}: mode {got:?}");
}

/// `init --key-stdin` with `input` on standard input.
fn init_with_stdin(dir: &Path, env: &[(&str, &str)], input: &str, json: bool) -> Output {
    let mut args = vec!["init", "--key-stdin"];
    if json {
        args.push("--json");
    }
    run_with_stdin(dir, env, &args, input)
}

#[test]
fn fresh_directory() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        PLACEHOLDER_LINE.as_bytes()
    );
    assert_eq!(
        read(dir.path(), ".gitignore").unwrap(),
        IGNORE_LINES.as_bytes()
    );
    assert_mode(dir.path(), ".env", 0o600);
    let set_in_shell = if cfg!(windows) {
        "`$env:DASHSCOPE_API_KEY = 'sk-...'` in PowerShell"
    } else {
        "`export DASHSCOPE_API_KEY='sk-...'` in your shell"
    };
    assert!(out.stdout.contains(set_in_shell), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("https://platform.qianwenai.com/home/api-keys")
    );
    // The placeholder is now what status sees.
    let status = run(dir.path(), &[], &["status", "--json"]).json();
    assert_eq!(status["key"]["kind"], "placeholder");
}

#[test]
fn second_run_changes_no_byte_and_says_so() {
    let dir = tempdir();
    run(dir.path(), &[], &["init"]);
    let before = (read(dir.path(), ".env"), read(dir.path(), ".gitignore"));
    let mtime = fs::metadata(dir.path().join(".env"))
        .unwrap()
        .modified()
        .unwrap();
    let out = run(dir.path(), &[], &["init", "--json"]);
    assert_eq!(out.code, 0);
    let v = out.json();
    assert_eq!(v["outcome"], "unchanged");
    assert_eq!(v["changes"], serde_json::json!([]));
    assert_eq!(
        (read(dir.path(), ".env"), read(dir.path(), ".gitignore")),
        before
    );
    assert_eq!(
        fs::metadata(dir.path().join(".env"))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
    let out = run(dir.path(), &[], &["init"]);
    assert!(out.stdout.contains("Nothing changed"), "{}", out.stdout);
}

#[test]
fn existing_files_keep_every_line_and_get_no_glued_line() {
    let dir = tempdir();
    fs::write(
        dir.path().join(".env"),
        "# settings\nQWEN_REGION=cn-beijing\nOTHER=\"a b\"",
    )
    .unwrap();
    set_mode(&dir.path().join(".env"), 0o640);
    fs::write(dir.path().join(".gitignore"), "target/\r\nnode_modules").unwrap();
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        b"# settings\nQWEN_REGION=cn-beijing\nOTHER=\"a b\"\nDASHSCOPE_API_KEY=sk-your-key-here\n"
    );
    assert_mode(dir.path(), ".env", 0o640);
    assert_eq!(
        read(dir.path(), ".gitignore").unwrap(),
        b"target/\r\nnode_modules\r\n.env\r\n.env.local\r\n*.env\r\noutput/qianwen-ops-auth/\r\n"
    );
}

#[test]
fn gitignored_directory_gets_only_what_is_missing() {
    let dir = tempdir();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join(".gitignore"), "*.env\n").unwrap();
    let sub = dir.path().join("app");
    fs::create_dir(&sub).unwrap();
    let out = run(&sub, &[], &["init"]);
    assert_eq!(out.code, 0);
    // The root's `*.env` covers .env and *.env here; .env.local and the evidence are missing.
    assert_eq!(
        read(&sub, ".gitignore").unwrap(),
        b".env.local\noutput/qianwen-ops-auth/\n"
    );
    assert_eq!(
        read(dir.path(), ".gitignore").unwrap(),
        b"*.env\n",
        "the root's file is untouched"
    );

    let dir = tempdir();
    fs::write(
        dir.path().join(".gitignore"),
        "node_modules/\n.env*\n*.env\noutput/\n",
    )
    .unwrap();
    run(dir.path(), &[], &["init"]);
    assert_eq!(
        read(dir.path(), ".gitignore").unwrap(),
        b"node_modules/\n.env*\n*.env\noutput/\n"
    );
}

#[test]
fn placeholder_already_there() {
    let dir = tempdir();
    fs::write(
        dir.path().join(".env"),
        "A=1\nDASHSCOPE_API_KEY=sk-your-key-here\n",
    )
    .unwrap();
    fs::write(dir.path().join(".gitignore"), IGNORE_LINES).unwrap();
    let out = run(dir.path(), &[], &["init", "--json"]);
    assert_eq!(out.json()["outcome"], "unchanged");
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        b"A=1\nDASHSCOPE_API_KEY=sk-your-key-here\n"
    );
}

#[test]
fn a_configured_key_is_kept_shown_masked_and_its_env_made_safe() {
    let dir = tempdir();
    fs::write(
        dir.path().join(".env"),
        format!("QIANWEN_API_KEY={STANDARD}\n"),
    )
    .unwrap();
    set_mode(&dir.path().join(".env"), 0o644);
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("sk-****************a1b2"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Nothing changed"), "{}", out.stdout);
    // Windows has no modes to make private.
    assert_eq!(
        out.stdout
            .contains("Made ./.env readable by you only (mode 0600; it was 0644)"),
        cfg!(unix),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        format!("QIANWEN_API_KEY={STANDARD}\n").as_bytes()
    );
    assert_mode(dir.path(), ".env", 0o600);
    assert_eq!(
        read(dir.path(), ".gitignore").unwrap(),
        IGNORE_LINES.as_bytes()
    );
    assert_no_leak(&out.all(), &ALL_KEYS, "init");
    // Once safe, a second run changes nothing, and says so once.
    let again = run(dir.path(), &[], &["init"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("Nothing changed"), "{}", again.stdout);
    assert!(
        !again.stdout.contains("nothing was changed"),
        "{}",
        again.stdout
    );

    let dir = tempdir();
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["init", "--json"],
    );
    assert_eq!(out.json()["outcome"], "unchanged");
    assert!(read(dir.path(), ".env").is_none());
}

#[test]
fn key_stdin_replaces_the_placeholder_in_place() {
    let dir = tempdir();
    fs::write(
        dir.path().join(".env"),
        "A=1\nDASHSCOPE_API_KEY=sk-your-key-here\nB=2\n",
    )
    .unwrap();
    fs::write(dir.path().join(".gitignore"), IGNORE_LINES).unwrap();
    let out = init_with_stdin(dir.path(), &[], &format!("{STANDARD}\n"), false);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        format!("A=1\nDASHSCOPE_API_KEY={STANDARD}\nB=2\n").as_bytes()
    );
    assert_no_leak(&out.all(), &ALL_KEYS, "init --key-stdin");
    assert!(out.stdout.contains("sk-****************a1b2"));
    let status = run(dir.path(), &[], &["status", "--json"]).json();
    assert_eq!(status["key"]["kind"], "standard");
}

#[test]
fn key_stdin_appends_when_there_is_no_placeholder() {
    let dir = tempdir();
    fs::write(dir.path().join(".env"), "A=1").unwrap();
    let out = init_with_stdin(dir.path(), &[], &format!("  {STANDARD}  \r\n"), true);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        format!("A=1\nDASHSCOPE_API_KEY={STANDARD}\n").as_bytes()
    );
    assert_eq!(out.json()["key"]["masked"], "sk-****************a1b2");
}

#[test]
fn key_stdin_refuses_plan_foreign_empty_and_overwriting() {
    let dir = tempdir();
    for (input, code) in [
        (PLAN, 5),
        (ACCESS_KEY_ID, 3),
        ("", 3),
        ("sk-your-key-here", 3),
    ] {
        let out = init_with_stdin(dir.path(), &[], &format!("{input}\n"), true);
        assert_eq!(out.code, code, "{}", out.stdout);
        assert!(read(dir.path(), ".env").is_none(), "nothing written");
        assert_no_leak(&out.all(), &ALL_KEYS, "init --key-stdin refused");
    }
    fs::write(
        dir.path().join(".env"),
        format!("DASHSCOPE_API_KEY={STANDARD_2}\n"),
    )
    .unwrap();
    let out = init_with_stdin(dir.path(), &[], &format!("{STANDARD}\n"), false);
    assert_eq!(out.code, 3);
    assert!(
        out.stdout.contains("replaces a key only when asked"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("--key-stdin --replace"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        format!("DASHSCOPE_API_KEY={STANDARD_2}\n").as_bytes()
    );
}

/// `--replace` rotates the key in place: the same line, every other byte kept, neither key
/// shown; and the next `status` finds the new key.
#[test]
fn key_stdin_replace_rotates_the_key_in_place() {
    let dir = tempdir();
    let before = format!("# mine\nOTHER=1\nDASHSCOPE_API_KEY={STANDARD_2}\nLAST=2");
    fs::write(dir.path().join(".env"), &before).unwrap();
    let out = run_with_stdin(
        dir.path(),
        &[],
        &["init", "--key-stdin", "--replace"],
        &format!("{STANDARD}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.starts_with("✓ The key in ./.env was replaced"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("line 3 of ./.env"), "{}", out.stdout);
    assert_eq!(
        read(dir.path(), ".env").unwrap(),
        before.replace(STANDARD_2, STANDARD).as_bytes()
    );
    assert_no_leak(&out.all(), &ALL_KEYS, "init --key-stdin --replace");
    let status = run(dir.path(), &[], &["status", "--json"]).json();
    assert_eq!(status["verdict"], "usable");
    assert_eq!(
        status["key"]["masked"],
        format!("sk-****************{}", &STANDARD[STANDARD.len() - 4..])
    );
    // Without --key-stdin there is nothing to replace with.
    assert_eq!(run(dir.path(), &[], &["init", "--replace"]).code, 2);
}

/// `init` marks with ✓ only a usable key: an AccessKey id where the key should be is named for
/// what it is, not called configured.
#[test]
fn init_calls_only_a_usable_key_configured() {
    let dir = tempdir();
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", ACCESS_KEY_ID)],
        &["init"],
    );
    assert!(out.stdout.starts_with("! "), "{}", out.stdout);
    assert!(out.stdout.contains("cannot be used"), "{}", out.stdout);
    assert!(!out.stdout.contains("already configured"), "{}", out.stdout);
    let out = run(dir.path(), &[("DASHSCOPE_API_KEY", STANDARD)], &["init"]);
    assert!(out.stdout.starts_with("✓ "), "{}", out.stdout);
    assert!(
        out.stdout.contains("A standard key is already configured"),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[test]
fn files_that_cannot_be_changed_are_left_alone() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let target = dir.path().join("real.env");
    fs::write(&target, "A=1\n").unwrap();
    symlink(&target, dir.path().join(".env")).unwrap();
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("symbolic link"), "{}", out.stdout);
    assert_eq!(fs::read(&target).unwrap(), b"A=1\n");

    let dir = tempdir();
    fs::create_dir(dir.path().join(".env")).unwrap();
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("not a regular file"), "{}", out.stdout);
}

#[test]
fn no_command_takes_a_key_as_an_argument() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["init", "--key", STANDARD]);
    assert_eq!(out.code, 2);
    assert_no_leak(&out.all(), &ALL_KEYS, "init --key");
    assert!(read(dir.path(), ".env").is_none());
}

/// At a terminal, echo is off before the prompt shows, so a key typed the moment the prompt
/// appears is never echoed; and it is back on afterwards.
#[cfg(unix)]
#[test]
fn at_a_terminal_echo_is_off_before_the_prompt_shows() {
    let dir = tempdir();
    let limit = std::time::Duration::from_secs(30);
    for _ in 0..5 {
        let mut term =
            crate::common::pty::Terminal::spawn(dir.path(), &[], &["init", "--key-stdin"]);
        term.wait_for("not shown", limit);
        assert!(
            !term.echoes(),
            "the prompt showed while the terminal still echoed"
        );
        term.type_text(&format!("{STANDARD}\n"));
        let (_, screen) = term.finish(limit);
        assert_no_leak(&screen, &ALL_KEYS, "init --key-stdin at a terminal");
        std::fs::remove_file(dir.path().join(".env")).unwrap();
    }
}
