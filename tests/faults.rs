//! File-system faults: each gives a clear error, and nothing is lost or half-written. Faults
//! that need a mount (a read-only or a full file system) use a small tmpfs where the test may
//! mount one, and are skipped, saying so, where it may not.

mod common;
mod mock;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use mock::{Mock, Reply};

/// A tmpfs mounted at `dir` for the life of the value.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, options: &str) -> Option<Tmpfs> {
        fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root and mount permission)");
        }
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remounting read-only failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn verify_env(mock: &Mock) -> Vec<(&'static str, String)> {
    vec![
        ("DASHSCOPE_API_KEY", STANDARD.to_string()),
        ("QWEN_BASE_URL", mock.url()),
    ]
}

fn borrow<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn read_only_output_is_refused_before_anything_is_sent() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    let output = dir.path().join("output");
    let _guard = if is_root() {
        let Some(fs) = Tmpfs::mount(&output, "size=1m") else {
            return;
        };
        fs::create_dir(output.join("qianwen-ops-auth")).unwrap();
        fs::write(output.join("qianwen-ops-auth/latest.json"), "old record").unwrap();
        fs.remount_read_only();
        Some(fs)
    } else {
        use std::os::unix::fs::PermissionsExt;
        fs::create_dir_all(output.join("qianwen-ops-auth")).unwrap();
        fs::write(output.join("qianwen-ops-auth/latest.json"), "old record").unwrap();
        fs::set_permissions(
            output.join("qianwen-ops-auth"),
            fs::Permissions::from_mode(0o500),
        )
        .unwrap();
        None
    };
    let env = verify_env(&mock);
    let out = run(
        dir.path(),
        &borrow(&env),
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("is not writable") && out.stderr.contains("ead-only"),
        "{}",
        out.stderr
    );
    assert_eq!(
        mock.connections(),
        0,
        "nothing is sent when no evidence can be written"
    );
    assert_eq!(
        fs::read_to_string(output.join("qianwen-ops-auth/latest.json")).unwrap(),
        "old record"
    );
}

#[test]
fn a_full_disk_loses_nothing() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);
    // The project itself lives on a tiny file system, with room for almost nothing.
    let project = dir.path().join("project");
    let Some(_fs) = Tmpfs::mount(&project, "size=64k") else {
        return;
    };
    fs::write(project.join(".env"), "QWEN_REGION=cn-beijing\n").unwrap();
    fs::write(project.join(".gitignore"), "node_modules").unwrap();
    let filler = vec![0u8; 256 * 1024];
    let _ = fs::write(project.join("filler"), &filler);
    assert!(
        fs::metadata(project.join("filler")).map_or(0, |m| m.len()) < filler.len() as u64,
        "the disk is full"
    );

    // verify: the probe finds no room; nothing is sent.
    let env = verify_env(&mock);
    let out = run(
        &project,
        &borrow(&env),
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.connections(), 0);

    // init: the change fails whole; .env and .gitignore are as they were, no temporary file stays.
    let out = run(&project, &[], &["init"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("No space left on device"),
        "{}",
        out.stdout
    );
    assert_eq!(
        fs::read_to_string(project.join(".env")).unwrap(),
        "QWEN_REGION=cn-beijing\n"
    );
    assert_eq!(
        fs::read_to_string(project.join(".gitignore")).unwrap(),
        "node_modules"
    );
    let leftovers: Vec<_> = fs::read_dir(&project)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "a temporary file was left behind");
}

#[test]
fn output_linked_into_a_skills_tree_is_refused() {
    let dir = tempdir();
    let skills = dir.path().join("skills/qianwen-ops-auth");
    fs::create_dir_all(&skills).unwrap();
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    std::os::unix::fs::symlink(&skills, project.join("output")).unwrap();
    let out = run(&project, &[("DASHSCOPE_API_KEY", STANDARD)], &["verify"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(fs::read_dir(&skills).unwrap().count(), 0);
    // Named directly with --output, the resolved path is what counts.
    let out = run(
        &project,
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["verify", "--output", "../skills/qianwen-ops-auth"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("skills/"), "{}", out.stderr);
    assert_eq!(fs::read_dir(&skills).unwrap().count(), 0);
}

#[test]
fn an_unreadable_dotenv_is_named_and_skipped() {
    let dir = tempdir();
    let env_file = dir.path().join(".env");
    if is_root() {
        // Permission bits do not stop root; a FIFO is as unreadable as a file can be for it,
        // and must not make the tool wait.
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &env_file,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
    } else {
        use std::os::unix::fs::PermissionsExt;
        fs::write(&env_file, format!("DASHSCOPE_API_KEY={STANDARD}\n")).unwrap();
        fs::set_permissions(&env_file, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let out = run(
        dir.path(),
        &[("QIANWEN_API_KEY", STANDARD_2)],
        &["status", "--json"],
    );
    assert_eq!(out.code, 0, "the environment's key still counts");
    let v = out.json();
    assert_eq!(v["dotenv_files"][0]["state"], "unusable");
    let message = v["warnings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(".env") && message.contains("ignored"),
        "{message}"
    );
}

#[test]
fn a_hundred_mib_dotenv_is_refused_without_reading_it() {
    let dir = tempdir();
    let file = fs::File::create(dir.path().join(".env")).unwrap();
    file.set_len(100 << 20).unwrap();
    let started = std::time::Instant::now();
    let out = run(dir.path(), &[], &["status", "--json"]);
    let v = out.json();
    assert_eq!(v["dotenv_files"][0]["state"], "unusable");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("104857600 bytes")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // init leaves it alone too.
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        fs::metadata(dir.path().join(".env")).unwrap().len(),
        100 << 20
    );
}

/// Where a compiled-component cache used to live, planted with forged compiled components: the
/// binary never reads, maps or writes anything there, and every executable mapping of a running
/// `verify` is the binary itself or a system library. No file can become native code in it.
#[test]
fn no_native_code_is_loaded_from_any_file() {
    let dir = tempdir();
    let home = dir.path().join("home");
    let xdg = dir.path().join("xdg");
    let named = dir.path().join("named");
    let planted = [
        home.join(".cache/qianwen-auth"),
        xdg.join("qianwen-auth"),
        named.clone(),
    ];
    for cache in &planted {
        fs::create_dir_all(cache).unwrap();
        for name in ["policy-0123456789abcdef-00000000.cwasm", "policy.cwasm"] {
            // Not a compiled component: loaded, it would fail or crash, not run.
            fs::write(cache.join(name), b"\x7fELF forged compiled component").unwrap();
        }
    }
    let snapshot = |dirs: &[PathBuf]| -> Vec<(PathBuf, Vec<u8>)> {
        dirs.iter()
            .flat_map(|d| files_under(d))
            .map(|p| (p.clone(), fs::read(&p).unwrap()))
            .collect()
    };
    let before = snapshot(&planted);
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    let mock = Mock::start(vec![Reply::Hang]);
    let env = [
        ("HOME", home.to_str().unwrap()),
        ("XDG_CACHE_HOME", xdg.to_str().unwrap()),
        ("QIANWEN_AUTH_CACHE_DIR", named.to_str().unwrap()),
        ("DASHSCOPE_API_KEY", STANDARD),
    ];
    let out = run(&project, &env, &["status", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    let mut child = spawn_verify(&project, &env, &mock.url(), &mock.grant(), |_| {});
    // Once the request has arrived, the component is loaded and running.
    wait_until(|| !mock.seen().is_empty());
    let maps = fs::read_to_string(format!("/proc/{}/maps", child.id()));
    let fds: Vec<PathBuf> = fs::read_dir(format!("/proc/{}/fd", child.id()))
        .map(|d| {
            d.flatten()
                .filter_map(|e| fs::read_link(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(!mock.seen().is_empty(), "verify never sent its request");
    assert_eq!(
        snapshot(&planted),
        before,
        "something was written where the cache was"
    );
    // A process that holds keys is not dumpable: only root may read its mappings.
    let maps = match maps {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied && !is_root() => {
            eprintln!("note: not root, so the running process's mappings cannot be read here");
            return;
        }
        maps => maps.expect("the process was still running"),
    };

    let binary = fs::canonicalize(env!("CARGO_BIN_EXE_qianwen-auth")).unwrap();
    let system = ["/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"];
    for line in maps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (perms, path) = (fields[1], fields.get(5).copied().unwrap_or(""));
        if !perms.contains('x') || path.is_empty() || path.starts_with('[') {
            continue;
        }
        assert!(
            Path::new(path) == binary || system.iter().any(|s| path.starts_with(s)),
            "executable mapping of a file that is neither the binary nor a system library: {line}"
        );
    }
    for fd in &fds {
        assert!(
            !planted.iter().any(|p| fd.starts_with(p)),
            "a file where the cache was is open: {}",
            fd.display()
        );
    }
    assert_eq!(
        snapshot(&planted),
        before,
        "something was written where the cache was"
    );
}

/// While many `verify` runs write their records, another process keeps swapping `output` and
/// `output/qianwen-ops-auth` for symbolic links into a `skills/` tree. Each run either writes
/// where it opened its directory or refuses; nothing, not even a temporary file, lands in the
/// `skills/` tree.
#[test]
fn a_symlink_swap_race_lands_nothing_in_a_skills_tree() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let dir = tempdir();
    let target = dir.path().join("skills/target");
    fs::create_dir_all(target.join("qianwen-ops-auth")).unwrap();
    let project = dir.path().join("project");
    fs::create_dir_all(project.join("output/qianwen-ops-auth")).unwrap();
    let mock = Mock::start(vec![Reply::json(200, mock::OK_BODY)]);

    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, project, target) = (Arc::clone(&stop), project.clone(), target.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u32;
            while !stop.load(Ordering::Relaxed) {
                // The base, then the directory under it, each in turn a link into skills/.
                for (name, real, link_to) in [
                    ("output", "output.real", target.clone()),
                    (
                        "output/qianwen-ops-auth",
                        "output/qianwen-ops-auth.real",
                        target.join("qianwen-ops-auth"),
                    ),
                ] {
                    let (name, real) = (project.join(name), project.join(real));
                    if fs::rename(&name, &real).is_ok()
                        && std::os::unix::fs::symlink(&link_to, &name).is_ok()
                    {
                        std::thread::yield_now();
                        let _ = fs::remove_file(&name);
                        let _ = fs::rename(&real, &name);
                        swaps += 1;
                    }
                }
            }
            swaps
        })
    };

    let env = verify_env(&mock);
    let (mut written, mut refused) = (0, 0);
    for _ in 0..12 {
        let runs: Vec<_> = (0..8)
            .map(|_| {
                let (project, env, grant) = (project.clone(), env.clone(), mock.grant());
                std::thread::spawn(move || {
                    run(
                        &project,
                        &borrow(&env),
                        &["verify", "--json", "--allow-host", &grant],
                    )
                })
            })
            .collect();
        for handle in runs {
            let out = handle.join().unwrap();
            match out.code {
                0 => written += 1,
                // Refused before anything was sent, saying why (a link in the way, or a
                // directory removed under it by the swapping).
                2 => {
                    assert!(
                        out.stderr
                            .starts_with("error: no evidence can be written: output"),
                        "{}",
                        out.stderr
                    );
                    refused += 1;
                }
                code => panic!("exit {code}: {}{}", out.stdout, out.stderr),
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert!(swaps > 0, "the swapper never swapped");
    assert_eq!(
        files_under(&dir.path().join("skills")),
        Vec::<PathBuf>::new(),
        "something landed in the skills tree ({written} written, {refused} refused)"
    );
    assert!(written > 0, "no run wrote a record ({refused} refused)");
    eprintln!("{swaps} swaps: {written} runs wrote their records, {refused} refused");
}

/// Every command that writes refuses a place inside a `skills/` hierarchy, judged where the
/// directory really is, and creates nothing there.
#[test]
fn no_writing_command_writes_in_a_skills_tree() {
    let dir = tempdir();
    let skill = dir.path().join("skills/some-skill");
    fs::create_dir_all(&skill).unwrap();
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    std::os::unix::fs::symlink(&skill, project.join("linked")).unwrap();

    let key = [("DASHSCOPE_API_KEY", STANDARD)];
    for (cwd, args) in [
        (&skill, vec!["init"]),
        (&skill, vec!["verify"]),
        (
            &project,
            vec!["agent-snippet", "--write", "linked/AGENTS.md"],
        ),
        (
            &project,
            vec!["agent-snippet", "--write", "../skills/some-skill/CLAUDE.md"],
        ),
        (&project, vec!["component", "--out", "linked/policy.wasm"]),
        (&project, vec!["verify", "--output", "linked"]),
        (&project, vec!["verify", "--output", "linked/deeper"]),
    ] {
        let out = run(cwd, &key, &args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("skills/") || out.stderr.contains("symbolic link"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(
        files_under(&dir.path().join("skills")),
        Vec::<PathBuf>::new()
    );
    assert_eq!(
        fs::read_dir(&skill).unwrap().count(),
        0,
        "not even a directory was made in the skills tree"
    );
}

/// `status --json | true`: the reader is gone before anything is written. The process ends
/// quietly with its own exit code; it never aborts.
#[test]
fn a_closed_pipe_is_a_quiet_exit() {
    let dir = tempdir();
    for args in [
        &["status", "--json"][..],
        &["status"],
        &["links"],
        &["tokenplan", "--json"],
        &["completions", "bash"],
        &["--help"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
            .current_dir(dir.path())
            .env_clear()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let expected = if args[0] == "status" { 3 } else { 0 };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Standard output on a full device: a clear error and exit 1, never an abort.
#[test]
fn a_full_device_is_a_clear_error() {
    let dir = tempdir();
    for args in [&["status", "--json"][..], &["links"], &["--help"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
            .current_dir(dir.path())
            .env_clear()
            .args(args)
            .stdout(fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim(),
            "error: writing to standard output: No space left on device (os error 28)",
            "{args:?}"
        );
    }
}

/// An argument that is not UTF-8 text, anywhere on the line: a usage error, never an abort.
#[test]
fn a_non_utf8_argument_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempdir();
    let bad = std::ffi::OsStr::from_bytes(b"sk-\xff\xfe");
    for args in [
        vec![
            std::ffi::OsStr::new("status"),
            std::ffi::OsStr::new("--region"),
            bad,
        ],
        vec![
            std::ffi::OsStr::new("verify"),
            std::ffi::OsStr::new("--output"),
            bad,
        ],
        vec![bad],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
            .current_dir(dir.path())
            .env_clear()
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("is not valid UTF-8 text"), "{stderr}");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing is created"
        );
    }
}

/// Files built to make a parser or a matcher work far more than their size: an 80,000-line
/// `.env`, `.gitignore` patterns built for backtracking against a long directory name, quotes
/// that never close. Every command finishes as usual, well inside the component's time limit;
/// none is stopped by it.
#[test]
fn pathological_files_cost_no_more_than_their_length() {
    let dir = tempdir();
    let repo = dir.path();
    fs::create_dir(repo.join(".git")).unwrap();
    let mut big = String::new();
    for n in 0..80_000 {
        big.push_str(&format!("V{n}=1\n"));
    }
    big.push_str(&format!("DASHSCOPE_API_KEY={STANDARD}\n"));
    write(repo.join(".env"), &big);
    // `*a*a…*a*b` against a name of a's: the classic exponential case for a backtracking glob,
    // as a name pattern, a path pattern and a globstar pattern, filling a megabyte.
    let stars = format!("{}b", "*a".repeat(40));
    let mut gitignore = String::new();
    while gitignore.len() < (1 << 20) - 600 {
        gitignore.push_str(&format!(
            "{stars}\n{stars}/{stars}\n**/{stars}/**/x{stars}\n"
        ));
    }
    write(repo.join(".gitignore"), &gitignore);
    let deep = repo.join("a".repeat(200)).join("a".repeat(200));
    // Quotes that open on every line and never close.
    let quotes: String = (0..20_000).map(|n| format!("Q{n}='\"x\n")).collect();
    write(deep.join(".env"), &quotes);

    for args in [&["status", "--json"][..], &["init", "--json"]] {
        let out = run(&deep, &[], args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let v = out.json();
        if args[0] == "status" {
            assert_eq!(v["dotenv_files"][1]["entries"], 80_001);
            assert_eq!(v["key"]["source"], "repo-dotenv");
            let codes: Vec<&str> = v["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["code"].as_str().unwrap())
                .collect();
            assert!(codes.contains(&"dotenv-not-ignored"), "{codes:?}");
            assert!(codes.contains(&"dotenv-syntax"), "{codes:?}");
        }
    }
}

/// A server that asks to wait a minute between tries cannot hold `verify --timeout 1` past
/// the three seconds the whole verification may take.
#[test]
fn retry_after_cannot_stretch_verify_past_its_budget() {
    let dir = tempdir();
    let mock = Mock::start(vec![
        Reply::json(503, "{}").with_header("retry-after", "60"),
    ]);
    let started = std::time::Instant::now();
    let env = verify_env(&mock);
    let out = run(
        dir.path(),
        &borrow(&env),
        &[
            "verify",
            "--json",
            "--timeout",
            "1",
            "--allow-host",
            &mock.grant(),
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(out.code, 8, "{}", out.stdout);
    let v = out.json();
    assert_eq!(v["attempts"].as_array().unwrap().len(), 1);
    assert!(
        v["hints"][0]
            .as_str()
            .unwrap()
            .starts_with("No retry was made: the server asked to wait 60 s"),
        "{v}"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "took {elapsed:?}"
    );
}
