//! The sandbox, attacked: a hostile component, run under exactly the grants, linker and limits
//! the policy gets, tries everything the sandbox forbids. Each attempt must be refused with a
//! clear answer, and the host must stay up and say what it refused.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::mock::{Mock, Reply};
use qianwen_auth::grants::{EvidenceDir, Grants, Limits, Network, ProjectFiles, Proxies};
use qianwen_auth::sandbox::{Attack, Hostile, Sandbox};

/// Grants like `status` gets them in `dir`, with `env` as the granted environment.
fn grants(dir: &Path, env: &[(&str, &str)]) -> Grants {
    Grants {
        environment: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        project: ProjectFiles::new(dir),
        evidence: None,
        setup: None,
        network: Network::closed(),
    }
}

/// Run the adversary's `attack` with `params`; the host's answer to each attempt, or the
/// host's error.
fn attempt(
    grants: Grants,
    attack: Attack,
    params: &[String],
) -> Result<Vec<(String, String)>, String> {
    let sandbox = Sandbox::hostile(Hostile::Adversary).map_err(|e| format!("{e:#}"))?;
    let mut instance = sandbox
        .instantiate_adversary(grants)
        .map_err(|e| format!("{e:#}"))?;
    instance
        .attack(attack, params)
        .map_err(|e| format!("{e:#}"))
}

#[test]
fn files_beyond_the_two_names_cannot_be_reached() {
    let dir = tempdir();
    // No path can be named: a depth past the root is all the adversary can try.
    let answers = attempt(grants(dir.path(), &[]), Attack::ReadFar, &[]).unwrap();
    assert_eq!(answers[0].1, "Err(ReadError::NoSuchDirectory)");
    let answers = attempt(grants(dir.path(), &[]), Attack::ReadEveryDepth, &[]).unwrap();
    assert!(
        answers.last().unwrap().1.contains("NoSuchDirectory"),
        "{answers:?}"
    );

    // A .env (and a .gitignore) that leads to /etc/passwd or ../secret.
    #[cfg(unix)]
    links_lead_nowhere(dir.path());
}

#[cfg(unix)]
fn links_lead_nowhere(dir: &Path) {
    write(dir.join("../secret-for-adversary-test"), "secret");
    std::os::unix::fs::symlink("/etc/passwd", dir.join(".env")).unwrap();
    std::os::unix::fs::symlink("../secret-for-adversary-test", dir.join(".gitignore")).unwrap();
    let answers = attempt(grants(dir, &[]), Attack::ReadDotenv, &[]).unwrap();
    assert_eq!(answers[0].1, "ReadError::SymlinkOutside");
    let answers = attempt(grants(dir, &[]), Attack::ReadGitignore, &[]).unwrap();
    assert_eq!(answers[0].1, "ReadError::SymlinkOutside");
    let _ = std::fs::remove_file(dir.join("../secret-for-adversary-test"));
}

#[test]
fn variables_not_granted_are_invisible() {
    // The host process has HOME and AWS_SECRET_ACCESS_KEY; the grant passes only its own list.
    let dir = tempdir();
    let process_env = [
        ("HOME", "/root"),
        ("AWS_SECRET_ACCESS_KEY", "FAKE_aws_secret_Zq8vX3mKw9Tj"),
        ("DASHSCOPE_API_KEY", STANDARD),
    ];
    let granted = qianwen_auth::grants::environment(|name| {
        process_env
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.into())
    });
    let g = Grants {
        environment: granted,
        ..grants(dir.path(), &[])
    };
    let answers = attempt(g, Attack::Environment, &[]).unwrap();
    assert_eq!(answers[0].1, "DASHSCOPE_API_KEY");
}

#[test]
fn writes_outside_the_evidence_directory_are_refused() {
    let dir = tempdir();
    let mut g = grants(dir.path(), &[]);
    g.evidence = Some(EvidenceDir::open(dir.path(), Path::new("output")).unwrap());
    let answers = attempt(g, Attack::WriteEvidence, &[]).unwrap();
    for (name, answer) in &answers {
        if name == "ok.json" {
            assert!(
                answer.starts_with(&format!(
                    "Ok({:?})",
                    native("output/qianwen-ops-auth/ok.json")
                )),
                "{answer}"
            );
        } else {
            assert_eq!(answer, "Err(WriteError::InvalidName)", "{name:?}");
        }
    }
    // Only the one plain name was written, and only where it belongs.
    let written: Vec<String> = files_under(dir.path())
        .iter()
        .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
        .collect();
    assert_eq!(written, vec![native("output/qianwen-ops-auth/ok.json")]);

    // Without the evidence grant (status), nothing at all.
    let answers = attempt(grants(dir.path(), &[]), Attack::WriteEvidence, &[]).unwrap();
    assert!(
        answers
            .iter()
            .any(|(n, a)| n == "ok.json" && a.contains("this command writes no evidence")),
        "{answers:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_planted_symlink_is_not_followed() {
    let dir = tempdir();
    let elsewhere = tempdir();
    std::fs::create_dir_all(dir.path().join("output")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("output/qianwen-ops-auth"))
        .unwrap();
    assert!(EvidenceDir::open(dir.path(), Path::new("output")).is_err());
    // A link swapped in after the grant was made changes nothing: the grant holds the
    // directory itself, not its name.
    let dir = tempdir();
    let mut g = grants(dir.path(), &[]);
    g.evidence = Some(EvidenceDir::open(dir.path(), Path::new("output")).unwrap());
    std::fs::rename(dir.path().join("output"), dir.path().join("moved")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("output")).unwrap();
    let answers = attempt(g, Attack::WriteEvidence, &[]).unwrap();
    let ok = answers.iter().find(|(n, _)| n == "ok.json").unwrap();
    assert!(ok.1.starts_with("Ok("), "{ok:?}");
    assert!(dir.path().join("moved/qianwen-ops-auth/ok.json").is_file());
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn files_cannot_be_changed_without_the_setup_grant() {
    let dir = tempdir();
    let answers = attempt(grants(dir.path(), &[]), Attack::ChangeFiles, &[]).unwrap();
    for (_, answer) in &answers {
        assert!(answer.contains("only init may change files"), "{answer}");
    }
    assert!(!dir.path().join(".env").exists());
}

#[test]
fn requests_anywhere_but_dashscope_are_refused_before_connecting() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let port = mock.port;
    let specs: Vec<String> = vec![
        "https|evil.example|/".into(),
        "http|dashscope.aliyuncs.com|/".into(),
        "https|dashscope.aliyuncs.com:8443|/".into(),
        "https|47.88.1.1|/".into(),
        "https|[::1]|/".into(),
        "https|dashscope.aliyuncs.com@evil.example|/".into(),
        format!("http|127.0.0.1:{port}|/"),
        format!("https|127.0.0.1:{port}|/"),
        format!("http|localhost:{port}|/"),
    ];
    let mut g = grants(dir.path(), &[]);
    g.network = Network::new(
        Vec::new(),
        Limits {
            connect: Duration::from_secs(2),
            total: Duration::from_secs(3),
        },
        Proxies::default(),
    );
    let answers = attempt(g, Attack::Send, &specs).unwrap();
    assert_eq!(answers.len(), specs.len());
    for (spec, answer) in &answers {
        // Either refused by the hook, or (for the `@` trick) refused as a malformed authority.
        assert!(
            answer.contains("HttpRequestDenied") || answer.contains("authority was refused"),
            "{spec}: {answer}"
        );
    }
    assert_eq!(mock.connections(), 0, "a refused request connected");

    // With the grant that verify gets for this mock, the same request goes through.
    let mut g = grants(dir.path(), &[]);
    g.network = Network::new(
        vec![mock.grant().parse().unwrap()],
        Limits {
            connect: Duration::from_secs(2),
            total: Duration::from_secs(3),
        },
        Proxies::default(),
    );
    let answers = attempt(g, Attack::Send, &[format!("http|127.0.0.1:{port}|/")]).unwrap();
    assert_eq!(answers[0].1, "answered 200");
    assert_eq!(mock.connections(), 1);
}

/// What `proxies.failures` tells a component: the proxy without its credentials, the variable
/// that set it, and the step; nothing of a password in the URL, nor of a setting that cannot be
/// used.
#[test]
fn proxy_failures_tell_no_credentials() {
    let dir = tempdir();
    let through = |value: &'static str| {
        let mut g = grants(dir.path(), &[]);
        g.network = Network::new(
            Vec::new(),
            Limits {
                connect: Duration::from_secs(2),
                total: Duration::from_secs(3),
            },
            // Windows has one variable under both spellings.
            Proxies::from_env(move |name| {
                name.eq_ignore_ascii_case("https_proxy")
                    .then(|| value.to_string())
            }),
        );
        g
    };
    let read_failures = |value, requests: usize| {
        let specs = vec!["https|dashscope.aliyuncs.com|/".to_string(); requests];
        attempt(through(value), Attack::ReadProxyFailures, &specs).unwrap()
    };
    // A proxy that refuses the connection (nothing listens on port 1).
    let answers = read_failures("http://user:s3cret-pw@127.0.0.1:1", 1);
    let all = format!("{answers:?}");
    assert!(answers[0].1.contains("InternalError"), "{all}");
    let failures = &answers[1].1;
    assert!(failures.contains("http://***@127.0.0.1:1"), "{failures}");
    assert!(
        failures.to_ascii_uppercase().contains("HTTPS_PROXY"),
        "{failures}"
    );
    // Refused at once, or (where the system retries a refused connection) not connected in time.
    assert!(
        failures.contains("Refused") || failures.contains("Timeout"),
        "{failures}"
    );
    assert!(!all.contains("s3cret") && !all.contains("user:"), "{all}");
    // A setting that cannot be used.
    let answers = read_failures("ftp://user:s3cret-pw@proxy.example:21", 1);
    let all = format!("{answers:?}");
    assert!(answers[1].1.contains("Unusable"), "{all}");
    assert!(!all.contains("s3cret"), "{all}");
    // A component that fails request after request grows the host's record no further.
    let answers = read_failures("ftp://proxy.example:21", 100);
    let failures = &answers.last().unwrap().1;
    assert_eq!(failures.matches("Unusable").count(), 16, "{failures}");
}

#[test]
fn status_gets_no_network_at_all() {
    let dir = tempdir();
    let answers = attempt(
        grants(dir.path(), &[]),
        Attack::Send,
        &["https|dashscope.aliyuncs.com|/".into()],
    )
    .unwrap();
    assert!(answers[0].1.contains("HttpRequestDenied"), "{answers:?}");
}

#[test]
fn an_endless_loop_is_stopped_at_the_time_limit() {
    let dir = tempdir();
    let started = Instant::now();
    let error = attempt(grants(dir.path(), &[]), Attack::RunForever, &[]).unwrap_err();
    assert!(
        error.contains("ran longer than its limit of 10 s and was stopped"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_huge_allocation_is_stopped_by_the_memory_limit() {
    let dir = tempdir();
    let error = attempt(grants(dir.path(), &[]), Attack::HoardMemory, &[]).unwrap_err();
    assert!(error.contains("over its limit of 128 MiB"), "{error}");
}

#[test]
fn a_component_that_imports_files_or_sockets_does_not_even_start() {
    let dir = tempdir();
    let sandbox = Sandbox::hostile(Hostile::Escapee).unwrap();
    let error = sandbox
        .instantiate_adversary(grants(dir.path(), &[]))
        .err()
        .expect("it must not instantiate");
    let error = format!("{error:#}");
    assert!(
        error.contains("wasi:filesystem") || error.contains("wasi:sockets"),
        "{error}"
    );
}

/// The host's answer to a panicking or printing component, seen from outside the process:
/// the test re-runs itself as a child and reads everything the child wrote.
#[test]
fn a_component_cannot_show_a_key_by_panicking_or_printing() {
    if let Ok(scenario) = std::env::var("ADVERSARY_CHILD") {
        let dir = tempdir();
        let attack = match scenario.as_str() {
            "panic-with-key" => Attack::PanicWithKey,
            _ => Attack::PrintKey,
        };
        let result = attempt(
            grants(dir.path(), &[("DASHSCOPE_API_KEY", STANDARD)]),
            attack,
            &[],
        );
        println!("host says: {result:?}");
        return;
    }
    for scenario in ["panic-with-key", "print-key"] {
        let all = rerun_as_child(
            module_path!(),
            "a_component_cannot_show_a_key_by_panicking_or_printing",
            "ADVERSARY_CHILD",
            scenario,
        );
        assert!(all.contains("host says:"), "the child did not run");
        assert_no_leak(&all, &ALL_KEYS, scenario);
        if scenario == "panic-with-key" {
            assert!(
                all.contains("the policy component panicked at tests/guests/adversary/src/lib.rs:"),
                "{scenario}: no location given"
            );
        }
    }
}

/// A parent may start the process with SIGALRM, the signal behind the time limit, blocked and
/// ignored (`exec` keeps both). The limit must hold all the same: the endless loop is stopped.
#[cfg(unix)]
#[test]
fn the_time_limit_holds_whatever_the_signal_state_inherited() {
    if std::env::var_os("LOOP_CHILD").is_some() {
        let dir = tempdir();
        let result = attempt(grants(dir.path(), &[]), Attack::RunForever, &[]);
        println!("host says: {result:?}");
        return;
    }
    use std::os::unix::process::CommandExt;
    let mut command = native_command(&std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            &test_name(
                module_path!(),
                "the_time_limit_holds_whatever_the_signal_state_inherited",
            ),
            "--nocapture",
        ])
        .env("LOOP_CHILD", "1");
    // SAFETY: between fork and exec only async-signal-safe calls are made.
    unsafe {
        command.pre_exec(|| {
            let mut alarm: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut alarm);
            libc::sigaddset(&mut alarm, libc::SIGALRM);
            libc::sigprocmask(libc::SIG_BLOCK, &alarm, std::ptr::null_mut());
            libc::signal(libc::SIGALRM, libc::SIG_IGN);
            Ok(())
        });
    }
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the endless loop was not stopped within 30 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(
        all.contains("ran longer than its limit of 10 s and was stopped"),
        "{all}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
