//! Input built to make the work grow faster than the input: every command finishes as usual,
//! well inside the component's time and memory limits; none is stopped by them.

use crate::common::*;

/// A `.gitignore` line of 900,000 `[`: each unclosed bracket once cost a scan to the end of the
/// line, so that this ran into the component's 10 s limit and `status` exited 1. The line
/// matches nothing (git's wildmatch aborts it), and the `.env` line after it still counts.
#[test]
fn a_gitignore_line_of_brackets_costs_its_length() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    set_mode(&dir.path().join(".env"), 0o600);
    write(
        dir.path().join(".gitignore"),
        &format!("{}\n.env\n", "[".repeat(900_000)),
    );
    for args in [&["status", "--json"][..], &["init", "--json"]] {
        let out = run(dir.path(), &[], args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let warnings = json_warnings(&out.json());
        assert!(
            warnings
                .iter()
                .all(|(code, _)| code != "dotenv-not-ignored"),
            "{args:?}: {warnings:?}"
        );
    }
}

/// 700 bytes of `.env` that double at every line (`A1=${A0}${A0}`, …) once asked for more
/// memory than the component may have, and `status` exited 1. Expansion stops at the size a
/// file may hold; the key line that refers to it is reported as a reference that cannot be
/// resolved (`dotenv-reference`), never as an error.
#[test]
fn references_that_double_are_cut_at_the_size_of_a_file() {
    let dir = tempdir();
    let mut text = String::from("A0=0123456789abcdef\n");
    for n in 1..=40 {
        text.push_str(&format!("A{n}=${{A{}}}${{A{}}}\n", n - 1, n - 1));
    }
    text.push_str("DASHSCOPE_API_KEY=${A40}\n");
    write(dir.path().join(".env"), &text);
    let key_line = text.lines().count();
    for args in [&["status", "--json"][..], &["init", "--json"]] {
        let out = run(dir.path(), &[], args);
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        let v = out.json();
        let reference = json_warning(&v, "dotenv-reference").expect("a dotenv-reference warning");
        assert!(
            reference.contains(&format!(
                ".env:{key_line}: DASHSCOPE_API_KEY refers to variables"
            )) && reference.contains("more than the 1 MiB"),
            "{reference}"
        );
    }
    let out = run(dir.path(), &[], &["verify", "--json"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.json()["outcome"], "no-key");
}
