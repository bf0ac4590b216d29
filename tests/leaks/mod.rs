//! The leak suite: every command in every outcome, with sentinel keys of both kinds and OSS
//! secrets set everywhere the chain looks (environment, ./.env, the repository's .env), and a
//! check that no key and no 8-character piece of one appears in anything the tool shows or
//! writes. With QIANWEN_AUTH_LEAK_CAPTURE=DIR, every captured output is also saved there, so that
//! a third-party secret scanner can give a second opinion (see .ci/run).

use std::path::{Path, PathBuf};

use crate::common::*;
use crate::mock::{Mock, Reply, compat_error, native_error};

mod echoes;

/// Captured outputs, each with where it came from.
struct Captures {
    items: Vec<(String, String)>,
}

impl Captures {
    fn add(&mut self, context: impl Into<String>, text: impl Into<String>) {
        self.items.push((context.into(), text.into()));
    }

    fn run(&mut self, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
        let out = run(dir, env, args);
        self.add(format!("{args:?} in {}", dir.display()), out.all());
        out
    }

    /// Every file under `dir` but the `.env` files (where a key belongs when the user put it
    /// there or gave it to `init --key-stdin`).
    fn files(&mut self, dir: &Path) {
        for path in files_under(dir) {
            if path.file_name().is_some_and(|n| n != ".env") {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                self.add(format!("file {}", path.display()), text);
            }
        }
    }

    /// Check every capture; with QIANWEN_AUTH_LEAK_CAPTURE, save each as `<name>-NNNN.txt`.
    fn check(self, name: &str) -> usize {
        let capture: Option<PathBuf> =
            std::env::var_os("QIANWEN_AUTH_LEAK_CAPTURE").map(PathBuf::from);
        if let Some(dir) = &capture {
            std::fs::create_dir_all(dir).unwrap();
        }
        for (n, (context, text)) in self.items.iter().enumerate() {
            assert_no_leak(text, &ALL_KEYS, context);
            if let Some(dir) = &capture {
                std::fs::write(dir.join(format!("{name}-{n:04}.txt")), text).unwrap();
            }
        }
        eprintln!("leak scenarios checked: {}", self.items.len());
        self.items.len()
    }
}

/// A repository whose root and subdirectory .env files hold every secret, under both names.
fn seeded_repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path().join(".env"),
        &format!(
            "QIANWEN_API_KEY={PLAN}\nDASHSCOPE_API_KEY={STANDARD_2}\nOSS_ACCESS_KEY_ID={ACCESS_KEY_ID}\n\
             OSS_ACCESS_KEY_SECRET={ACCESS_KEY_SECRET}\nQWEN_TMP_OSS_AK_SECRET={ACCESS_KEY_SECRET}\n\
             broken line {STANDARD}\n"
        ),
    );
    let sub = dir.path().join("app");
    write(
        sub.join(".env"),
        &format!("DASHSCOPE_API_KEY=\"{STANDARD} \"\nexport QIANWEN_API_KEY='{PLAN}'\n"),
    );
    (dir, sub)
}

const SECRETS_ENV: [(&str, &str); 5] = [
    ("OSS_ACCESS_KEY_ID", ACCESS_KEY_ID),
    ("OSS_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET),
    ("QWEN_TMP_OSS_AK_ID", ACCESS_KEY_ID),
    ("QWEN_TMP_OSS_AK_SECRET", ACCESS_KEY_SECRET),
    ("QWEN_TMP_OSS_BUCKET", "bucket"),
];

fn with(key_name: &str, key: &'static str) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = SECRETS_ENV
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    env.push((key_name.into(), key.into()));
    env
}

fn borrow(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn no_command_in_any_outcome_shows_a_key() {
    let mut c = Captures { items: Vec::new() };
    let (repo, sub) = seeded_repo();

    // status: each key kind on top, from each level, in text, JSON and colour.
    for (name, key) in [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QIANWEN_API_KEY", PLAN),
        ("DASHSCOPE_API_KEY", "sk-FAKE_Zq8v X3mKw9Tj_Rp4Hs7"),
    ] {
        let env = with(name, key);
        for args in [
            &["status"][..],
            &["status", "--json"],
            &["status", "--color", "always"],
        ] {
            c.run(&sub, &borrow(&env), args);
            c.run(repo.path(), &borrow(&env), args);
        }
    }
    c.run(
        &sub,
        &borrow(
            &SECRETS_ENV
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        ),
        &["status", "--json"],
    );

    // verify: every outcome the mock can give, in text and JSON, and through the 401 flow.
    let replies = vec![
        Reply::json(200, crate::mock::OK_BODY),
        Reply::EchoKey,
        Reply::json(401, &native_error("InvalidApiKey", "No API-key provided.")),
        Reply::json(400, &native_error("Arrearage", "overdue")),
        Reply::json(403, &compat_error("AccessDenied", "denied")),
        Reply::json(
            403,
            &compat_error("AllocationQuota.FreeTierOnly", "free tier used up"),
        ),
        Reply::json(404, &native_error("ModelNotFound", "none")),
        Reply::json(429, &compat_error("insufficient_quota", "quota"))
            .with_header("retry-after", "0"),
        Reply::json(503, &native_error("ServiceUnavailable", "busy"))
            .with_header("retry-after", "0"),
        Reply::Http {
            status: 200,
            headers: vec![],
            body: format!("<html>{STANDARD}</html>").into_bytes(),
        },
        Reply::Http {
            status: 302,
            headers: vec![(
                "location".into(),
                format!("https://evil.example/?k={STANDARD}"),
            )],
            body: vec![],
        },
        Reply::ResetMidBody,
    ];
    for reply in replies {
        let mock = Mock::start(vec![reply]);
        let url = mock.url();
        let grant = mock.grant();
        let mut env = with("DASHSCOPE_API_KEY", STANDARD);
        env.push(("QWEN_BASE_URL".into(), url.clone()));
        for args in [
            &["verify", "--allow-host", &grant][..],
            &["verify", "--json", "--allow-host", &grant],
            &["verify", "--answer", "1", "--allow-host", &grant],
            &["verify", "--json", "--answer", "2", "--allow-host", &grant],
        ] {
            c.run(&sub, &borrow(&env), args);
        }
    }
    // verify refusing before any request, and with the key in a URL the user set.
    for env in [
        with("DASHSCOPE_API_KEY", PLAN),
        with("QIANWEN_API_KEY", "sk-your-key-here"),
    ] {
        c.run(&sub, &borrow(&env), &["verify"]);
        c.run(&sub, &borrow(&env), &["verify", "--json"]);
    }
    let mut env = with("DASHSCOPE_API_KEY", STANDARD);
    env.push((
        "QWEN_BASE_URL".into(),
        format!("https://user:{STANDARD}@dashscope.aliyuncs.com/?key={PLAN}"),
    ));
    c.run(&sub, &borrow(&env), &["verify", "--json"]);
    c.run(&sub, &borrow(&env), &["status"]);

    // init: placeholder, unchanged, a key on stdin, refused keys; the .gitignore it writes.
    let fresh = tempdir();
    let env: Vec<(String, String)> = SECRETS_ENV
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    c.run(fresh.path(), &borrow(&env), &["init"]);
    c.run(fresh.path(), &borrow(&env), &["init", "--json"]);
    #[cfg(unix)]
    for input in [STANDARD, PLAN, ACCESS_KEY_ID, STANDARD_2] {
        let mut term =
            crate::common::pty::Terminal::spawn(fresh.path(), &[], &["init", "--key-stdin"]);
        term.wait_for("not shown", std::time::Duration::from_secs(30));
        term.type_text(&format!("{input}\n"));
        let (_, screen) = term.finish(std::time::Duration::from_secs(30));
        c.add(
            format!("init --key-stdin at a terminal ({})", &input[..6]),
            screen,
        );
    }
    c.run(
        &sub,
        &borrow(&with("DASHSCOPE_API_KEY", STANDARD)),
        &["init"],
    );

    // Everything else, with every secret in the environment; usage errors with keys typed in.
    let env = with("DASHSCOPE_API_KEY", STANDARD);
    for args in [
        &["tokenplan"][..],
        &["tokenplan", "--json"],
        &["links"],
        &["links", "--json"],
        &["agent-snippet"],
        &["completions", "zsh"],
        &["--help"],
        &["--version"],
        &["verify", "--help"],
        &["init", "--help"],
        &["status", STANDARD],
        &["verify", "--allow-host", PLAN],
        &["links", STANDARD],
        &["init", "--key", STANDARD],
        &["--color", ACCESS_KEY_SECRET, "status"],
        &[PLAN],
    ] {
        c.run(&sub, &borrow(&env), args);
    }
    // At a terminal (a pty), and update-check with a checker that prints every secret,
    // plainly and in base64, and its environment (a shell script); then, without the skill,
    // the question and its answers. Unix only.
    #[cfg(unix)]
    {
        let term = crate::common::pty::Terminal::spawn(&sub, &borrow(&env), &["status"]);
        let (_, screen) = term.finish(std::time::Duration::from_secs(30));
        c.add("status at a terminal", screen);
        update_check(&mut c, &sub);
    }

    // Every file written: evidence records, .gitignore, agent files.
    c.run(&sub, &[], &["agent-snippet", "--write", "AGENTS.md"]);
    c.files(repo.path());
    c.files(fresh.path());

    assert!(c.check("every-command") >= if cfg!(unix) { 150 } else { 100 });
}

#[cfg(unix)]
/// `update-check` in `dir` with every secret on the chain and in the environment: a hostile
/// checker's output, the question, each answer, and the state files they leave.
fn update_check(c: &mut Captures, dir: &Path) {
    use base64::Engine;
    use std::os::unix::fs::PermissionsExt;
    let world = tempdir();
    let mut script = String::from("#!/bin/sh\necho \"$*\"\nenv\n");
    for key in ALL_KEYS {
        let encoded = base64::engine::general_purpose::STANDARD.encode(key);
        script.push_str(&format!("echo 'found {key} ({encoded})'\n"));
    }
    let checker = write(world.path().join("bin/python3"), &script);
    std::fs::set_permissions(&checker, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(
        world
            .path()
            .join("home/.claude/skills/qianwen-update-check/SKILL.md"),
        "",
    );
    std::fs::create_dir_all(world.path().join("empty-home")).unwrap();
    let place = |name: &str| world.path().join(name).to_string_lossy().into_owned();
    let path = format!("{}:/usr/bin:/bin", place("bin"));
    for home in ["home", "empty-home"] {
        let mut env = with("DASHSCOPE_API_KEY", STANDARD);
        env.push(("HOME".into(), place(home)));
        env.push(("XDG_STATE_HOME".into(), place("state")));
        env.push(("PATH".into(), path.clone()));
        for args in [
            &["update-check"][..],
            &["update-check", "--json"],
            &["update-check", "--run"],
            &["update-check", "--run", "--json", "--force"],
            &["update-check", "--answer", "2"],
            &["update-check", "--json", "--answer", "3"],
            &["update-check"],
            &["update-check", "--skills-dir", STANDARD],
        ] {
            c.run(dir, &borrow(&env), args);
        }
        if home == "home" {
            // The checker did run, and what it printed came through scrubbed.
            let out = c.run(dir, &borrow(&env), &["update-check", "--run", "--json"]);
            let stdout = out.json()["run"]["stdout"].as_str().unwrap().to_string();
            assert_eq!(
                stdout.matches("found [redacted]").count(),
                ALL_KEYS.len(),
                "{stdout}"
            );
        }
    }
    c.files(world.path().join("state").as_path());
}

/// A panic in the host says where, never what: re-run this test as a child that panics with a
/// key in its message, and read everything it wrote.
#[test]
fn a_host_panic_shows_no_key() {
    if std::env::var_os("LEAK_PANIC_CHILD").is_some() {
        std::panic::set_hook(Box::new(qianwen_auth::report_panic));
        panic!("{STANDARD} {PLAN} {ACCESS_KEY_SECRET}");
    }
    let all = rerun_as_child(
        module_path!(),
        "a_host_panic_shows_no_key",
        "LEAK_PANIC_CHILD",
        "1",
    );
    assert!(
        all.contains("internal error: qianwen-auth stopped at"),
        "the child did not panic"
    );
    assert!(all.contains(file!()), "the panic's location is given");
    assert_no_leak(&all, &ALL_KEYS, "a host panic");
}

/// A crash of a process holding keys writes no core file, even when the limits allow one: the
/// process gives up core files and (on Linux) becomes non-dumpable before it reads anything.
/// A control process, crashed the same way, shows whether this system writes core files at all.
#[cfg(unix)]
#[test]
fn a_crash_leaves_no_core_file() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Child, Command};
    use std::time::Duration;

    fn allow_cores(command: &mut Command) {
        // SAFETY: between fork and exec only a system call is made.
        unsafe {
            command.pre_exec(|| {
                let unlimited = rustix::process::Rlimit {
                    current: None,
                    maximum: None,
                };
                Ok(rustix::process::setrlimit(
                    rustix::process::Resource::Core,
                    unlimited,
                )?)
            });
        }
    }
    fn abort(mut child: Child) {
        let pid = rustix::process::Pid::from_child(&child);
        rustix::process::kill_process(pid, rustix::process::Signal::ABORT).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(rustix::process::Signal::ABORT.as_raw())
        );
    }
    fn cores(dir: &Path) -> Vec<PathBuf> {
        files_under(dir)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("core"))
            })
            .collect()
    }

    let control = tempdir();
    let mut sleeper = Command::new("sleep");
    sleeper.arg("30").current_dir(control.path());
    allow_cores(&mut sleeper);
    let child = sleeper.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    abort(child);
    let control_dumped = !cores(control.path()).is_empty();

    let (_repo, sub) = seeded_repo();
    let mock = Mock::start(vec![Reply::Hang]);
    let env = with("DASHSCOPE_API_KEY", STANDARD);
    let child = spawn_verify(&sub, &borrow(&env), &mock.url(), &mock.grant(), allow_cores);
    // Crashed while the request is out: every key has been read by then.
    wait_until(|| !mock.seen().is_empty());
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    abort(child);
    assert!(
        cores(&sub).is_empty(),
        "a core file was written: {:?}",
        cores(&sub)
    );
    let core_limit = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(
        core_limit.split_whitespace().filter(|w| *w == "0").count(),
        2,
        "the process kept the core limit it was given: {core_limit}"
    );
    if !control_dumped {
        eprintln!(
            "note: this system writes no core file where a crash happens (kernel.core_pattern), \
             so only the limit could be checked"
        );
    }
}
