//! A `.git` built to hang or exhaust the host, as a cloned or unpacked repository, or one left
//! by another user in a shared directory above this one, could be: FIFOs where git's files
//! are, devices, sparse files of gigabytes, configuration that points out of the repository.
//! Every command that reads the project ends, within the git lookup's deadline and with its
//! memory bounded; where git's files cannot be read, `status` says so (`git-unknown`) and
//! names the file, and everything else it reports is as it would be.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::*;

/// Far longer than any of these runs takes, so that a hang fails the test, not the suite.
const LIMIT: Duration = Duration::from_secs(60);

/// The most memory any of these runs may hold at once: several times what a plain `status`
/// holds, under an emulator too; reading `/dev/zero` or a sparse file reached gigabytes in
/// seconds.
const PEAK_KIB: u64 = 512 << 10;

/// A repository made by hand (git need not be installed) whose `.env` holds a key, with a
/// home directory of its own.
struct Repository {
    dir: tempfile::TempDir,
}

impl Repository {
    fn new() -> Self {
        let dir = tempdir();
        let repo = dir.path().join("repo");
        for sub in ["objects/info", "info", "refs/heads"] {
            std::fs::create_dir_all(repo.join(".git").join(sub)).unwrap();
        }
        write(repo.join(".git/HEAD"), "ref: refs/heads/main\n");
        write(
            repo.join(".env"),
            &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
        );
        set_mode(&repo.join(".env"), 0o600);
        std::fs::create_dir_all(dir.path().join("home/.config/git")).unwrap();
        Self { dir }
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Put a FIFO where `relative` is.
    fn fifo(&self, relative: &str) {
        let path = self.path(relative);
        let _ = std::fs::remove_file(&path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        make_fifo(&path);
    }

    /// Each command that reads the project, run here: every one ends, within the limit and
    /// its memory; `status`'s warnings for the checks to read.
    fn run_all(&self, what: &str) -> Vec<(String, String)> {
        let home = self.path("home").to_string_lossy().into_owned();
        let env = [
            ("HOME", home.as_str()),
            ("XDG_CONFIG_HOME", ""),
            ("QWEN_BASE_URL", "http://127.0.0.1:9/v1"),
        ];
        let mut warnings = Vec::new();
        for args in [
            &["status", "--json", "--allow-host", "127.0.0.1:9"][..],
            &["init", "--json"],
            &[
                "verify",
                "--json",
                "--timeout",
                "5",
                "--allow-host",
                "127.0.0.1:9",
            ],
            &["update-check", "--json"],
            &["capabilities", "--json"],
        ] {
            let watched = run_watched(&self.repo(), &env, args, LIMIT);
            let out = &watched.output;
            assert_no_leak(&out.all(), &ALL_KEYS, what);
            assert!(
                out.stdout.trim_start().starts_with('{'),
                "{what}: {args:?} gave no report (exit {}): {}",
                out.code,
                out.stderr
            );
            if let Some(peak) = watched.peak_kib {
                assert!(peak < PEAK_KIB, "{what}: {args:?} held {peak} KiB");
            }
            if args[0] == "status" {
                assert_eq!(out.code, 0, "{what}: {}", out.stderr);
                warnings = json_warnings(&out.json());
            }
        }
        warnings
    }
}

/// The warning that says what git makes of `.env` cannot be told, if there is one.
fn unknown(warnings: &[(String, String)]) -> Option<&str> {
    warnings
        .iter()
        .find(|(code, _)| code == "git-unknown")
        .map(|(_, message)| message.as_str())
}

/// A FIFO where each of git's files is: those this tool never reads (`HEAD`, `packed-refs`,
/// `objects/info/alternates`) change nothing; those it reads are named, not waited on. Each of
/// them once hung every command for good.
#[test]
fn a_fifo_anywhere_in_git_s_files_is_never_waited_on() {
    for (file, read) in [
        ("repo/.git/HEAD", false),
        ("repo/.git/packed-refs", false),
        ("repo/.git/objects/info/alternates", false),
        ("repo/.git/config", true),
        ("repo/.git/index", true),
        ("repo/.git/commondir", true),
        ("repo/.git/info/exclude", true),
        ("home/.gitconfig", true),
        ("home/.config/git/ignore", true),
    ] {
        let repository = Repository::new();
        repository.fifo(file);
        let warnings = repository.run_all(file);
        match unknown(&warnings) {
            Some(message) if read => assert!(
                message.contains(&native(file)) && message.contains("is not a regular file"),
                "{file}: {message}"
            ),
            None if !read => {}
            other => panic!("{file}: {other:?}"),
        }
        assert!(
            warnings
                .iter()
                .any(|(code, _)| code == "dotenv-not-ignored"),
            "{file}: the .gitignore files still judge: {warnings:?}"
        );
    }
}

/// `core.excludesFile` naming a FIFO, a `.gitignore` that is one, and an excludes file reached
/// through an include of the user's own.
#[test]
fn configuration_that_names_a_fifo_is_never_waited_on() {
    let repository = Repository::new();
    repository.fifo("fifo");
    write(
        repository.path("home/.gitconfig"),
        "[include]\n\tpath = more\n",
    );
    write(
        repository.path("home/more"),
        &format!(
            "[core]\n\texcludesFile = {}\n",
            repository.path("fifo").display()
        ),
    );
    let warnings = repository.run_all("core.excludesFile");
    let message = unknown(&warnings).expect("git-unknown");
    assert!(message.contains("is not a regular file"), "{message}");

    let repository = Repository::new();
    repository.fifo("repo/.gitignore");
    let warnings = repository.run_all(".gitignore");
    assert!(unknown(&warnings).is_none(), "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|(code, _)| code == "dotenv-not-ignored"),
        "{warnings:?}"
    );
}

/// Devices and sparse files where git's files are: refused by kind or size before a byte is
/// read. Reading them once took the process past 3 GB within seconds.
#[test]
fn devices_and_huge_files_cost_nothing() {
    for device in ["/dev/zero", "/dev/urandom"] {
        for file in [
            "repo/.git/info/exclude",
            "repo/.git/HEAD",
            "repo/.git/config",
            "repo/.git/index",
        ] {
            let repository = Repository::new();
            let path = repository.path(file);
            let _ = std::fs::remove_file(&path);
            std::os::unix::fs::symlink(device, &path).unwrap();
            let warnings = repository.run_all(file);
            if !file.ends_with("HEAD") {
                let message = unknown(&warnings).expect("git-unknown");
                assert!(
                    message.contains("is not a regular file"),
                    "{file}: {message}"
                );
            }
        }
    }
    for (file, size) in [
        ("repo/.git/index", 4u64 << 30),
        ("repo/.git/config", 3 << 30),
        ("home/.config/git/ignore", 2 << 30),
    ] {
        let repository = Repository::new();
        let sparse = std::fs::File::create(repository.path(file)).unwrap();
        sparse.set_len(size).unwrap();
        let warnings = repository.run_all(file);
        let message = unknown(&warnings).expect("git-unknown");
        assert!(message.contains("is larger than the"), "{file}: {message}");
    }
    // 21 MB of real configuration.
    let repository = Repository::new();
    let mut config = String::from("[core]\n");
    while config.len() < 21 << 20 {
        config.push_str("\tsetting = a value of no interest\n");
    }
    write(repository.path("repo/.git/config"), &config);
    let message = unknown(&repository.run_all("a 21 MB config")).map(str::to_string);
    assert!(message.is_some_and(|m| m.contains("is larger than the 1 MiB")));
}

/// A repository that belongs to another user, in a directory above this one, as one left in
/// a shared `/tmp`-like directory: not read (its index is a FIFO here, which would hang a
/// reader), and said so. Needs root, to give the files away.
#[test]
fn another_user_s_repository_is_not_read() {
    if !is_root() {
        eprintln!("skipped: only root can give a file to another user");
        return;
    }
    let repository = Repository::new();
    repository.fifo("repo/.git/index");
    let project = repository.repo().join("project");
    std::fs::create_dir_all(&project).unwrap();
    write(
        project.join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    set_mode(&project.join(".env"), 0o600);
    let nobody = Some(rustix::process::Uid::from_raw(65534));
    rustix::fs::chown(repository.path("repo/.git"), nobody, None).unwrap();
    let home = repository.path("home").to_string_lossy().into_owned();
    let out = run_watched(&project, &[("HOME", &home)], &["status", "--json"], LIMIT).output;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warnings = json_warnings(&out.json());
    let message = unknown(&warnings).expect("git-unknown");
    assert!(
        message.contains(&format!(
            "{} belongs to another user (uid 65534)",
            native_path(&repository.path("repo/.git"))
        )),
        "{message}"
    );
}

fn native_path(path: &Path) -> String {
    system_path(path.parent().unwrap())
        .join(path.file_name().unwrap())
        .display()
        .to_string()
}
