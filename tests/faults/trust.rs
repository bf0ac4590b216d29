//! Trust at the host's edges: no native code from any file, and nothing written in a `skills/`
//! tree, even when a directory is swapped for a link mid-run.

use super::*;

/// The places a compiled-component cache would be (under `HOME`, `XDG_CACHE_HOME` and one a
/// variable names), planted with forged compiled components: the binary never reads, maps or
/// writes anything there, and every executable mapping of a running `verify` is the binary
/// itself or a system library. No file can become native code in it.
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

/// The binary defines the one function of libm it calls (`pow`) and links the unwinder in
/// (build.rs), so that a run loads libc alone: the dynamic loader's own account of a run names
/// libc, and neither libm nor libgcc_s.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_run_loads_libc_alone() {
    let dir = tempdir();
    let out = started(
        qianwen_auth()
            .current_dir(dir.path())
            .args(["status"])
            .env("LD_DEBUG", "libs"),
        Command::output,
    );
    let loader = String::from_utf8_lossy(&out.stderr);
    assert!(
        loader.contains("libc.so"),
        "no account from the loader: {loader}"
    );
    assert!(!loader.contains("libm.so"), "libm was loaded: {loader}");
    assert!(
        !loader.contains("libgcc_s.so"),
        "libgcc_s was loaded: {loader}"
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
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);

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
                // A moment with the real directories in place, so that on a busy machine some
                // runs still find them and write, and the race is run both ways.
                std::thread::sleep(std::time::Duration::from_millis(1));
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
