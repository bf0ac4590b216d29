//! Git hygiene (docs/behaviour.md#git-hygiene) against real repositories made with git itself: a
//! `.env` holding a secret that git tracks is the worst case and says so with its fix; one that git
//! ignores by any of its rules (`.gitignore`, `.git/info/exclude`, `core.excludesFile`) gets no
//! warning.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Whether git itself can be run here, to make the repositories (wine has none).
fn git_runs() -> bool {
    let runs = Command::new("git").arg("--version").output().is_ok();
    if !runs {
        eprintln!("skipped: git cannot be run here to make the test's repository");
    }
    runs
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A repository whose `.env` holds a key, and a home directory of its own.
fn repository() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "."]);
    write(
        repo.join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    (dir, repo)
}

/// `status --json` in `dir` with `home` as HOME; the warnings by code.
fn warnings(dir: &Path, home: &Path) -> Vec<(String, String)> {
    let home = home.to_string_lossy().into_owned();
    let out = run(dir, &[("HOME", &home)], &["status", "--json"]);
    assert_no_leak(&out.all(), &ALL_KEYS, "status");
    json_warnings(&out.json())
}

fn codes(warnings: &[(String, String)]) -> Vec<&str> {
    warnings.iter().map(|(code, _)| code.as_str()).collect()
}

#[test]
fn a_tracked_env_is_the_worst_case_and_says_how_to_fix_it() {
    if !git_runs() {
        return;
    }
    let (dir, repo) = repository();
    let home = dir.path().join("home");
    write(repo.join(".gitignore"), ".env\n");
    git(&repo, &["add", "-f", ".env", ".gitignore"]);
    let found = warnings(&repo, &home);
    let tracked: Vec<&String> = found
        .iter()
        .filter(|(code, _)| code == "dotenv-tracked")
        .map(|(_, message)| message)
        .collect();
    assert_eq!(tracked.len(), 1, "{found:?}");
    assert!(
        tracked[0].contains("git rm --cached .env"),
        "{}",
        tracked[0]
    );
    assert!(tracked[0].contains("rotate the key"), "{}", tracked[0]);

    // From a subdirectory, the command names the file as typed there.
    let app = repo.join("app");
    std::fs::create_dir(&app).unwrap();
    let found = warnings(&app, &home);
    assert!(
        found
            .iter()
            .any(|(code, m)| code == "dotenv-tracked" && m.contains("git rm --cached ../.env")),
        "{found:?}"
    );
}

#[test]
fn ignored_by_info_exclude_or_core_excludes_file_is_ignored() {
    if !git_runs() {
        return;
    }
    let (dir, repo) = repository();
    let home = dir.path().join("home");
    assert!(codes(&warnings(&repo, &home)).contains(&"dotenv-not-ignored"));

    write(repo.join(".git/info/exclude"), ".env\n");
    let found = warnings(&repo, &home);
    assert!(!codes(&found).contains(&"dotenv-not-ignored"), "{found:?}");
    std::fs::remove_file(repo.join(".git/info/exclude")).unwrap();

    let excludes = dir.path().join("my-excludes");
    write(&excludes, "*.env\n.env\n");
    write(
        home.join(".gitconfig"),
        &format!("[core]\n\texcludesFile = {}\n", excludes.display()),
    );
    let found = warnings(&repo, &home);
    assert!(!codes(&found).contains(&"dotenv-not-ignored"), "{found:?}");
    std::fs::remove_file(home.join(".gitconfig")).unwrap();

    // Git's default excludes file, when core.excludesFile is not set.
    write(home.join(".config/git/ignore"), ".env\n");
    let found = warnings(&repo, &home);
    assert!(!codes(&found).contains(&"dotenv-not-ignored"), "{found:?}");
}

#[test]
fn an_untracked_unignored_env_gets_the_not_ignored_warning_only() {
    if !git_runs() {
        return;
    }
    let (dir, repo) = repository();
    let found = warnings(&repo, &dir.path().join("home"));
    assert!(codes(&found).contains(&"dotenv-not-ignored"), "{found:?}");
    assert!(!codes(&found).contains(&"dotenv-tracked"), "{found:?}");
}

/// A hostile repository's configuration names programs for git to run; `status` reads the
/// repository without ever running one.
#[test]
fn a_repository_cannot_make_status_run_a_program() {
    if !git_runs() {
        return;
    }
    let (dir, repo) = repository();
    write(repo.join(".gitignore"), ".env\n");
    git(&repo, &["add", "-f", ".env"]);
    // Set after the last git command of the setup, which would run it.
    let marker = dir.path().join("ran");
    let program = format!("touch {}", marker.display());
    git(&repo, &["config", "core.fsmonitor", &program]);
    let found = warnings(&repo, &dir.path().join("home"));
    assert!(codes(&found).contains(&"dotenv-tracked"), "{found:?}");
    assert!(
        !marker.exists(),
        "status ran the repository's core.fsmonitor"
    );
    git(&repo, &["status", "--short"]);
    assert!(marker.exists(), "the control: git runs core.fsmonitor");
}

/// A key in a `.env` that git tracks is in the repository's history: rotating it is the one
/// next step, before verifying it.
#[test]
fn a_tracked_key_makes_rotating_it_the_next_step() {
    if !git_runs() {
        return;
    }
    let (dir, repo) = repository();
    git(&repo, &["add", ".env"]);
    let home = dir.path().join("home").to_string_lossy().into_owned();
    let out = run(&repo, &[("HOME", &home)], &["status"]);
    let next = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Next: "))
        .unwrap_or_default();
    assert!(
        next.starts_with("Next: Rotate the key first"),
        "{}",
        out.stdout
    );
    assert_no_leak(&out.all(), &ALL_KEYS, "status with a tracked key");
}
