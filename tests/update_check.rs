//! The update check (docs/behaviour.md#update-check) end to end: where it looks, what it runs and
//! how, the three answers and the reminder they leave in the user's state directory, and where it
//! never writes.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::common::pty::Terminal;
use crate::common::*;

const INSTALL: [&str; 7] = [
    "npx",
    "skills",
    "add",
    "QianWen-AI/qianwen-ai",
    "--skill",
    "qianwen-update-check",
    "-y",
];

/// A home, a state directory, a repository with a `skills/` directory, and a directory of
/// stand-in programs, in one temporary directory.
struct World {
    root: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let world = World { root: tempdir() };
        for dir in [
            "home",
            "state",
            "bin",
            "repo/.git",
            "repo/skills/other",
            "repo/app",
        ] {
            std::fs::create_dir_all(world.path(dir)).unwrap();
        }
        world
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn text(&self, relative: &str) -> String {
        self.path(relative).to_string_lossy().into_owned()
    }

    /// The environment: the world's home and state directory, its stand-ins first on PATH, a
    /// key and an OSS secret that the programs run must never receive.
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("HOME".into(), self.text("home")),
            ("XDG_STATE_HOME".into(), self.text("state")),
            ("PATH".into(), format!("{}:/usr/bin:/bin", self.text("bin"))),
            ("DASHSCOPE_API_KEY".into(), STANDARD.into()),
            ("QWEN_TMP_OSS_AK_SECRET".into(), ACCESS_KEY_SECRET.into()),
        ]
    }

    /// `qianwen-auth update-check ARGS` in `repo/app` (or `cwd` under the world).
    fn check_in(&self, cwd: &str, args: &[&str]) -> Output {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut all = vec!["update-check"];
        all.extend_from_slice(args);
        let out = run(&self.path(cwd), &env, &all);
        assert_no_leak(&out.all(), &ALL_KEYS, "update-check");
        out
    }

    fn check(&self, args: &[&str]) -> Output {
        self.check_in("repo/app", args)
    }

    /// `update-check --json ARGS`, parsed, after checking the exit code.
    fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.check(&all);
        assert_eq!(out.code, code, "{}", out.stderr);
        out.json()
    }

    /// The update-check skill installed in `skills` (a directory under the world).
    fn install_skill(&self, skills: &str) -> String {
        let dir = self.path(skills).join("qianwen-update-check");
        write(
            dir.join("SKILL.md"),
            "---\nname: qianwen-update-check\n---\n",
        );
        write(dir.join("scripts/check_update.py"), "# the checker\n");
        dir.to_string_lossy().into_owned()
    }

    /// A stand-in for `program` on PATH: a shell script.
    fn stand_in(&self, program: &str, script: &str) {
        let path = write(
            self.path("bin").join(program),
            &format!("#!/bin/sh\n{script}\n"),
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn state_file(&self) -> PathBuf {
        self.path("state/qianwen-auth/update-check")
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn not_found_offers_exactly_the_three_choices_and_writes_nothing() {
    let world = World::new();
    let out = world.check(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "The update-check skill is not installed. It keeps you informed about new \
             QianWen-AI/qianwen-ai features and bug fixes."
        ),
        "{}",
        out.stdout
    );
    for choice in ["1. Install now", "2. Skip for now", "3. Never remind me"] {
        assert!(out.stdout.contains(choice), "{choice}: {}", out.stdout);
    }
    assert!(out.stdout.contains(&INSTALL.join(" ")));

    let json = world.json(&[], 0);
    assert_eq!(json["state"], "asked");
    assert_eq!(json["installed"], false);
    let choices = json["choices"].as_array().unwrap();
    let numbered: Vec<(u64, &str)> = choices
        .iter()
        .map(|c| (c["number"].as_u64().unwrap(), c["answer"].as_str().unwrap()))
        .collect();
    assert_eq!(numbered, [(1, "install"), (2, "skip"), (3, "never")]);
    // npx where it was found, or by its name where it was not.
    let install = strings(&choices[0]["command"]);
    assert!(
        install[0] == "npx" || install[0].ends_with("/npx"),
        "{install:?}"
    );
    assert_eq!(install[1..], INSTALL[1..]);
    assert!(choices[1]["command"].is_null() && choices[2]["command"].is_null());
    assert_eq!(json["reminder"]["state"], "due");
    assert_eq!(json["recorded"], false);
    assert!(
        !world.path("state/qianwen-auth").exists(),
        "asking writes nothing"
    );
}

#[test]
fn it_looks_in_the_named_and_the_home_skill_directories() {
    let world = World::new();
    let json = world.json(&["--skills-dir", "../../mine"], 0);
    let missing = "--skills-dir ../../mine is not a directory";
    assert!(json["warnings"].to_string().contains(missing), "{json}");
    std::fs::create_dir_all(world.path("mine")).unwrap();
    let json = world.json(&["--skills-dir", "../../mine"], 0);
    assert_eq!(json["warnings"], serde_json::json!([]));
    let searched = strings(&json["searched"]);
    let expected = ["mine", "home/.claude/skills", "home/.agents/skills"]
        .map(|dir| format!("{}/qianwen-update-check/SKILL.md", world.text(dir)));
    assert_eq!(searched, expected);

    // Each place is found on its own, and the first in that order wins.
    for (place, args) in [
        ("home/.agents/skills", &[][..]),
        ("home/.claude/skills", &[]),
        ("mine", &["--skills-dir", "../../mine"]),
    ] {
        let skill = world.install_skill(place);
        let json = world.json(args, 0);
        assert_eq!(json["state"], "installed", "{place}");
        assert_eq!(json["skill"].as_str(), Some(skill.as_str()), "{place}");
    }
}

/// A cloned repository cannot choose the checker: its `skills/` directories, anywhere from
/// here up, are never looked in, even when the user's own skill is missing.
#[test]
fn a_repository_s_skills_are_never_looked_in() {
    let world = World::new();
    let marker = world.path("ran");
    for place in ["repo/skills", "repo/app/skills", "skills"] {
        world.install_skill(place);
    }
    world.stand_in("python3", &format!("touch {}", marker.display()));
    let json = world.json(&["--run"], 0);
    assert_eq!(json["state"], "asked", "{json}");
    assert!(!marker.exists(), "a checker the repository brought ran");
    let searched = strings(&json["searched"]);
    assert!(
        searched.iter().all(|s| s.starts_with(&world.text("home"))),
        "{searched:?}"
    );
    // With the user's own skill installed, that one runs, never the repository's.
    world.install_skill("home/.claude/skills");
    let json = world.json(&["--run"], 0);
    assert_eq!(
        json["skill"].as_str(),
        Some(
            world
                .text("home/.claude/skills/qianwen-update-check")
                .as_str()
        )
    );
    assert!(marker.exists(), "the user's own checker did not run");
}

/// A skill that another user owns, or that others than its owner can change (the skill, its
/// checker, or any directory above them): skipped, named with why, and never run.
#[test]
fn a_skill_others_can_change_is_skipped_and_named() {
    let world = World::new();
    world.stand_in("python3", "echo ran");
    let shared = world.install_skill("shared");
    std::fs::set_permissions(world.path("shared"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let mine = world.install_skill("home/.claude/skills");
    let json = world.json(&["--skills-dir", "../../shared", "--run"], 0);
    assert_eq!(json["skill"].as_str(), Some(mine.as_str()), "{json}");
    let skipped = &json["skipped"][0];
    assert_eq!(
        skipped["path"].as_str(),
        Some(format!("{shared}/SKILL.md").as_str())
    );
    assert!(
        skipped["why"]
            .as_str()
            .unwrap()
            .contains("can be changed by its group and all users (mode 777)"),
        "{skipped}"
    );
    assert!(
        json["warnings"].to_string().contains("was not used"),
        "{json}"
    );

    // The checker itself, writable by its group.
    std::fs::set_permissions(world.path("shared"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let checker = PathBuf::from(&shared).join("scripts/check_update.py");
    std::fs::set_permissions(&checker, std::fs::Permissions::from_mode(0o664)).unwrap();
    let json = world.json(&["--skills-dir", "../../shared"], 0);
    assert_eq!(json["skill"].as_str(), Some(mine.as_str()), "{json}");
    assert!(
        json["skipped"][0]["why"]
            .as_str()
            .unwrap()
            .contains("check_update.py"),
        "{json}"
    );
    std::fs::set_permissions(&checker, std::fs::Permissions::from_mode(0o644)).unwrap();

    if is_root() {
        rustix::fs::chown(&checker, Some(rustix::process::Uid::from_raw(65534)), None).unwrap();
        let json = world.json(&["--skills-dir", "../../shared"], 0);
        assert_eq!(json["skill"].as_str(), Some(mine.as_str()), "{json}");
        assert!(
            json["skipped"][0]["why"]
                .as_str()
                .unwrap()
                .contains("belongs to another user (uid 65534)"),
            "{json}"
        );
    }
}

#[test]
fn found_names_the_checker_and_runs_nothing_without_run() {
    let world = World::new();
    let skill = world.install_skill("home/.agents/skills");
    world.stand_in("python3", &format!("touch {}/ran", world.text("")));
    let json = world.json(&[], 0);
    let checker = format!("{skill}/scripts/check_update.py");
    let python = world.text("bin/python3");
    assert_eq!(
        strings(&json["checker"]),
        [python.as_str(), checker.as_str(), "--print-response"]
    );
    assert!(json["run"].is_null());
    let forced = world.json(&["--force"], 0);
    assert_eq!(
        strings(&forced["checker"]),
        [
            python.as_str(),
            checker.as_str(),
            "--print-response",
            "--force"
        ]
    );
    let text = world.check(&[]);
    assert!(
        text.stdout
            .contains(&format!("{python} {checker} --print-response"))
    );
    assert!(!world.path("ran").exists(), "nothing runs without --run");
    // Named before it runs: the exact file, on standard error, first.
    let text = world.check(&["--run"]);
    assert!(
        text.stderr
            .starts_with(&format!("Running {python} {checker} --print-response")),
        "{}",
        text.stderr
    );
    assert!(world.path("ran").exists());
}

#[test]
fn run_runs_the_checker_without_secrets_and_shows_only_what_is_fit_to_show() {
    let world = World::new();
    world.install_skill("home/.claude/skills");
    // A hostile checker: it prints its arguments and environment, a key it found elsewhere,
    // split by a colour change, its release notes, links off the table, and terminal control
    // sequences.
    let key_tail = &STANDARD_2[12..];
    let script = format!(
        "echo \"args: $*\"\nenv | sed 's/=.*//' | tr '\\n' ' '; echo\n\
         printf 'split: {}\\033[0m{key_tail}\\n'\n\
         echo 'release notes: https://github.com/QianWen-AI/qianwen-ai/releases'\n\
         echo 'also HTTPS://EVIL.example/x and www.evil.example/y'\n\
         printf '\\033]0;title\\007\\033[2Jcleared\\n'\n\
         echo 'turned: {reversed} / {spaced}'\n\
         echo 'to stderr' >&2",
        &STANDARD_2[..12],
        reversed = STANDARD_2.chars().rev().collect::<String>(),
        spaced = STANDARD_2
            .chars()
            .map(|c| format!("{c} "))
            .collect::<String>(),
    );
    world.stand_in("python3", &script);
    // The second key is in the project's .env: the scrubber knows it.
    write(
        world.path("repo/.env"),
        &format!("QIANWEN_API_KEY={STANDARD_2}\n"),
    );
    let out = world.check(&["--run", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("args: "), "{}", out.stdout);
    assert!(
        out.stdout.contains("--print-response --force"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("to stderr"), "{}", out.stderr);
    for withheld in [
        "DASHSCOPE_API_KEY",
        "QIANWEN_API_KEY",
        "QWEN_TMP_OSS_AK_SECRET",
    ] {
        assert!(
            !out.stdout.contains(withheld),
            "{withheld} reached the checker"
        );
    }
    assert!(out.stdout.contains("HOME"), "{}", out.stdout);
    // The skills' own release notes are kept; any other link is removed.
    assert!(
        out.stdout
            .contains("release notes: https://github.com/QianWen-AI/qianwen-ai/releases"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.to_ascii_lowercase().contains("evil.example"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[link removed]"));
    assert!(
        !out.all().contains('\u{1b}'),
        "control sequences were relayed"
    );
    assert!(out.stdout.contains("cleared"));
    let reversed: String = STANDARD_2.chars().rev().collect();
    assert!(
        !out.stdout.contains(&reversed[..12]) && !out.stdout.contains("F A K E _ J d"),
        "a turned key was relayed: {}",
        out.stdout
    );

    let json = world.json(&["--run"], 0);
    assert_eq!(json["run"]["exit_status"], 0);
    assert_eq!(json["run"]["timed_out"], false);
    assert!(
        json["run"]["stderr"]
            .as_str()
            .unwrap()
            .contains("to stderr")
    );
    assert_no_leak(&json.to_string(), &ALL_KEYS, "the run's JSON");
}

#[test]
fn a_failing_missing_or_slow_checker_exits_9() {
    let world = World::new();
    world.install_skill("home/.claude/skills");
    world.stand_in("python3", "echo failing; exit 3");
    let json = world.json(&["--run"], 9);
    assert_eq!(json["run"]["exit_status"], 3);

    world.stand_in("python3", "sleep 60 & sleep 60");
    let started = std::time::Instant::now();
    let json = world.json(&["--run", "--timeout", "1"], 9);
    assert_eq!(json["run"]["timed_out"], true);
    assert!(json["run"]["exit_status"].is_null());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the limit did not stop it: {:?}",
        started.elapsed()
    );

    std::fs::remove_file(world.path("bin/python3")).unwrap();
    let env = world.env();
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let bin = world.text("bin");
    env.retain(|(k, _)| *k != "PATH");
    env.push(("PATH", &bin));
    let out = run(&world.path("repo/app"), &env, &["update-check", "--run"]);
    assert_eq!(out.code, 9, "{}", out.stderr);
    assert!(
        out.stdout.contains("could not be started") && out.stderr.contains("python3 cannot be run"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

/// Answer 1 names the install command and runs it only with `--run`; the reminder is dismissed
/// only once the install has succeeded.
#[test]
fn answer_1_dismisses_the_reminder_only_once_the_install_succeeded() {
    let world = World::new();
    let record = world.path("npx-args");
    world.stand_in("npx", &format!("echo \"$*\" > {}", record.display()));
    let npx = world.text("bin/npx");
    let json = world.json(&["--answer", "1"], 0);
    assert_eq!(json["state"], "answered");
    assert_eq!(json["answer"], "install");
    let mut expected = vec![npx.as_str()];
    expected.extend(&INSTALL[1..]);
    assert_eq!(strings(&json["answer_command"]), expected);
    assert_eq!(json["recorded"], false, "nothing was installed");
    assert!(!world.state_file().exists());
    assert!(!record.exists(), "the install command ran without --run");

    world.stand_in("npx", "echo failed >&2; exit 1");
    let json = world.json(&["--answer", "install", "--run"], 9);
    assert_eq!(json["recorded"], false, "{json}");
    assert!(
        !world.state_file().exists(),
        "a failed install dismissed the reminder"
    );
    assert_eq!(world.json(&[], 0)["state"], "asked");

    world.stand_in("npx", &format!("echo \"$*\" > {}", record.display()));
    let json = world.json(&["--answer", "install", "--run"], 0);
    assert_eq!(json["run"]["exit_status"], 0);
    assert_eq!(
        std::fs::read_to_string(&record).unwrap().trim(),
        INSTALL[1..].join(" ")
    );
    assert_eq!(json["recorded"], true);
    assert_eq!(world.json(&[], 0)["state"], "quiet");
}

/// The install runs no program and reads no registry the repository provides: npx is looked
/// for outside the repository (relative and repository directories on PATH are left out, of
/// the child's PATH too), and runs in the home directory, where the repository's `.npmrc` and
/// `node_modules/.bin` are not.
#[test]
fn the_install_never_runs_what_the_repository_provides() {
    let world = World::new();
    let hijacked = world.path("hijacked");
    for dir in ["repo/node_modules/.bin", "repo/app/node_modules/.bin"] {
        for program in ["npx", "node", "skills"] {
            let path = write(
                world.path(dir).join(program),
                &format!("#!/bin/sh\ntouch {}\n", hijacked.display()),
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    write(
        world.path("repo/.npmrc"),
        "registry=https://registry.evil.example/\n",
    );
    let seen = world.path("seen");
    world.stand_in(
        "npx",
        &format!("{{ pwd; echo \"$PATH\"; }} > {}", seen.display()),
    );
    let mut env = world.env();
    let path = format!(
        "node_modules/.bin:{}:{}:{}",
        world.text("repo/node_modules/.bin"),
        world.text("repo/app/node_modules/.bin"),
        env.iter().find(|(k, _)| k == "PATH").unwrap().1
    );
    env.retain(|(k, _)| k != "PATH");
    env.push(("PATH".into(), path));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = run(
        &world.path("repo/app"),
        &env,
        &["update-check", "--answer", "1", "--run", "--json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!hijacked.exists(), "a program the repository provides ran");
    let seen = std::fs::read_to_string(&seen).unwrap();
    let mut lines = seen.lines();
    assert_eq!(lines.next(), Some(world.text("home").as_str()), "{seen}");
    let child_path = lines.next().unwrap();
    assert!(
        !child_path.contains("node_modules") && !child_path.contains(&world.text("repo")),
        "{child_path}"
    );
}

/// The child gets what a checker and npx need, never the caller's other secrets, whatever
/// their names.
#[test]
fn the_checker_gets_an_allowlisted_environment() {
    let world = World::new();
    world.install_skill("home/.claude/skills");
    world.stand_in("python3", "env");
    let mut env = world.env();
    for (name, value) in [
        ("OPENAI_API_KEY", "sk-proj-FAKE_Np4Kd8Wq2Zr6_Tb1Hy7Lm3"),
        ("AWS_SECRET_ACCESS_KEY", "FAKE_aws_Qe5Rt8Yu1Io4"),
        ("AWS_ACCESS_KEY_ID", "AKIAFAKE0000EXAMPLE"),
        ("GITHUB_TOKEN", "ghp_FAKE_Lk9Jh2Gf5Ds8"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "FAKE_ali_Mn3Bv6Cx9Za2"),
        ("NPM_CONFIG_REGISTRY", "https://registry.evil.example/"),
        ("LANG", "C.UTF-8"),
        ("LC_ALL", "C.UTF-8"),
        ("HTTPS_PROXY", "http://proxy.example:3128"),
        ("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"),
    ] {
        env.push((name.into(), value.into()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = run(
        &world.path("repo/app"),
        &env,
        &["update-check", "--run", "--json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let printed = out.json()["run"]["stdout"].as_str().unwrap().to_string();
    let names: Vec<&str> = printed
        .lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name))
        .collect();
    for withheld in [
        "OPENAI_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "GITHUB_TOKEN",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "NPM_CONFIG_REGISTRY",
        "DASHSCOPE_API_KEY",
        "QWEN_TMP_OSS_AK_SECRET",
    ] {
        assert!(
            !names.contains(&withheld),
            "{withheld} reached the checker: {names:?}"
        );
    }
    for passed in [
        "HOME",
        "PATH",
        "LANG",
        "LC_ALL",
        "HTTPS_PROXY",
        "SSL_CERT_FILE",
        "XDG_STATE_HOME",
    ] {
        assert!(
            names.contains(&passed),
            "{passed} did not reach the checker: {names:?}"
        );
    }
}

/// A checker that starts a session of its own, or a daemon that forks twice, is stopped with
/// it at `--timeout`, and so is what it leaves running when it ends (Linux: the tool adopts
/// the orphans; other systems cannot).
#[cfg(target_os = "linux")]
#[test]
fn what_the_checker_starts_is_gone_with_it() {
    let world = World::new();
    world.install_skill("home/.claude/skills");
    let pids = world.path("pids");
    let escapes = format!(
        "setsid sh -c 'echo $$ >> {p}; exec sleep 60' & (sh -c 'echo $$ >> {p}; exec sleep 60' &)",
        p = pids.display()
    );
    // One that outlives the limit, and one that leaves them running after a quick exit.
    for (script, args) in [
        (
            format!("{escapes}; sleep 60"),
            &["--run", "--timeout", "1"][..],
        ),
        (format!("{escapes}; sleep 0.5; exit 0"), &["--run"][..]),
    ] {
        let _ = std::fs::remove_file(&pids);
        world.stand_in("python3", &script);
        world.check(args);
        let alive = |pid: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                !stat
                    .rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
        };
        let text = std::fs::read_to_string(&pids).unwrap_or_default();
        let listed: Vec<&str> = text.lines().collect();
        assert_eq!(listed.len(), 2, "{args:?}: {text}");
        let started = std::time::Instant::now();
        while listed.iter().any(|pid| alive(pid)) && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        for pid in listed {
            assert!(!alive(pid), "{args:?}: process {pid} outlived the checker");
        }
    }
}

#[test]
fn answer_2_dismisses_the_reminder_for_a_day() {
    let world = World::new();
    let json = world.json(&["--answer", "2"], 0);
    assert_eq!(json["answer"], "skip");
    assert!(json["answer_command"].is_null());
    let until = json["reminder"]["until_unix"].as_u64().unwrap();
    let day = 24 * 60 * 60;
    assert!(until.abs_diff(now() + day) < 60, "dismissed until {until}");
    let mode = std::fs::metadata(world.state_file())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let later = world.json(&[], 0);
    assert_eq!(later["state"], "quiet");
    assert!(later["choices"].as_array().unwrap().is_empty());
    let text = world.check(&[]);
    assert!(
        text.stdout.contains("a dismissal lasts 24 hours"),
        "{}",
        text.stdout
    );

    // A dismissal that has run out asks again.
    write(
        world.state_file(),
        &format!("dismissed-until {}\n", now() - 1),
    );
    assert_eq!(world.json(&[], 0)["state"], "asked");
}

#[test]
fn never_is_remembered_across_runs_and_answers() {
    let world = World::new();
    assert_eq!(
        world.json(&["--answer", "3"], 0)["reminder"]["state"],
        "never"
    );
    for _ in 0..3 {
        let json = world.json(&[], 0);
        assert_eq!(json["state"], "quiet");
        assert_eq!(json["reminder"]["state"], "never");
    }
    // A later "skip" does not turn "never" into a day's dismissal.
    let json = world.json(&["--answer", "2"], 0);
    assert_eq!(json["reminder"]["state"], "never");
    assert_eq!(json["recorded"], false);
    assert_eq!(world.json(&[], 0)["state"], "quiet");
    // From another project, too: the state is the user's, not the repository's.
    std::fs::create_dir_all(world.path("elsewhere")).unwrap();
    let out = world.check_in("elsewhere", &["--json"]);
    assert_eq!(out.json()["state"], "quiet");
}

#[test]
fn at_a_terminal_it_asks_and_takes_the_answer() {
    let world = World::new();
    let env = world.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut term = Terminal::spawn(&world.path("repo/app"), &env, &["update-check"]);
    let limit = Duration::from_secs(30);
    term.wait_for("Answer 1, 2 or 3:", limit);
    term.type_text("maybe\n");
    term.wait_for("Answer 1, 2 or 3: ", limit);
    term.type_text("3\n");
    let (code, screen) = term.finish(limit);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("you will not be reminded again"),
        "{screen}"
    );
    assert_eq!(world.json(&[], 0)["reminder"]["state"], "never");
}

#[test]
fn the_state_is_never_kept_in_a_skills_tree_or_the_repository() {
    let world = World::new();
    let before = files_under(&world.path("repo"));
    for (state, refusal) in [
        ("repo/skills/state", "skills/"),
        ("repo/.state", "inside the repository"),
    ] {
        let mut env = world.env();
        env.retain(|(k, _)| k != "XDG_STATE_HOME");
        env.push(("XDG_STATE_HOME".into(), world.text(state)));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let out = run(
            &world.path("repo/app"),
            &env,
            &["update-check", "--answer", "3"],
        );
        assert_eq!(out.code, 1, "{state}: {}", out.stdout);
        assert!(out.stderr.contains(refusal), "{state}: {}", out.stderr);
        assert!(!world.path(state).exists(), "{state} was created");
    }
    // Every answer, from a directory inside the skills tree too: nothing new in the repository.
    for args in [
        &["--answer", "1"][..],
        &["--answer", "2"],
        &["--answer", "3"],
        &[],
    ] {
        world.check(args);
        world.check_in("repo/skills/other", args);
    }
    assert_eq!(files_under(&world.path("repo")), before);
    assert!(world.state_file().is_file());
}

#[test]
fn a_hostile_state_file_is_ignored_and_replaced_never_followed() {
    let world = World::new();
    let victim = write(world.path("victim"), "never\n");
    std::fs::create_dir_all(world.path("state/qianwen-auth")).unwrap();
    symlink(&victim, world.state_file()).unwrap();
    let json = world.json(&[], 0);
    assert_eq!(json["state"], "asked", "a link's target is not believed");
    assert!(
        json["warnings"].to_string().contains("symbolic link"),
        "{json}"
    );
    world.json(&["--answer", "2"], 0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "never\n");
    assert!(
        !std::fs::symlink_metadata(world.state_file())
            .unwrap()
            .is_symlink()
    );

    write(world.state_file(), &format!("{STANDARD}\n"));
    let out = world.check(&["--json"]);
    assert_eq!(out.json()["state"], "asked");
    assert!(
        out.json()["warnings"]
            .to_string()
            .contains("not one this tool wrote")
    );
}

#[test]
fn a_key_given_as_the_skills_directory_is_refused_unshown() {
    let world = World::new();
    let out = world.check(&["--skills-dir", STANDARD]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--skills-dir"), "{}", out.stderr);
}
