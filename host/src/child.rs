//! Running a program the user asked for by name (`update-check --run`): an argument vector,
//! never a shell; no standard input; only the variables such a program needs (`environment`),
//! never the caller's other secrets; stopped at a time limit together with everything it
//! started, and what it leaves running stopped when it ends; its output kept up to a bound and
//! handed back for the scrubber, never passed straight through.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::platform::children::Tree;

/// The variables a checker, npx and npm need, and nothing else: where home and temporary
/// files are, the language, the terminal, proxies and certificates (as the user set them), and
/// on Windows what its own libraries need to start. Every `LC_*` too. `PATH` is given apart.
const PASSED: [&str; 47] = [
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "TERM",
    "TZ",
    "TMPDIR",
    "TMP",
    "TEMP",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
    "USERPROFILE",
    "USERNAME",
    "HOMEDRIVE",
    "HOMEPATH",
    "APPDATA",
    "LOCALAPPDATA",
    "PROGRAMDATA",
    "PROGRAMFILES",
    "PROGRAMFILES(X86)",
    "COMMONPROGRAMFILES",
    "NUMBER_OF_PROCESSORS",
    "PROCESSOR_ARCHITECTURE",
    "OS",
];

/// The environment a program is run with: the `PASSED` variables and `LC_*` this process has,
/// and `path` as `PATH`.
pub fn environment(path: &OsStr) -> Vec<(OsString, OsString)> {
    // Windows spells variables in any case.
    let passed = |name: &str| {
        name.starts_with("LC_")
            || PASSED
                .iter()
                .any(|p| *p == name || (cfg!(windows) && p.eq_ignore_ascii_case(name)))
    };
    std::env::vars_os()
        .filter(|(name, _)| name.to_str().is_some_and(passed))
        .chain(std::iter::once(("PATH".into(), path.to_os_string())))
        .collect()
}

/// The most of each output stream that is kept; the rest is read and dropped.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// How often a running program is looked at.
const POLL: Duration = Duration::from_millis(10);

/// How long its output may still take to end once it has exited, before what came is taken.
const DRAIN: Duration = Duration::from_secs(1);

/// How a program ended.
#[derive(Debug)]
pub struct Ran {
    /// Its exit code; none when a signal or the time limit stopped it.
    pub code: Option<i32>,
    pub timed_out: bool,
    pub stdout: Output,
    pub stderr: Output,
    pub elapsed: Duration,
}

/// What a program wrote to one stream.
#[derive(Debug, Default)]
pub struct Output {
    /// The first `MAX_OUTPUT` bytes.
    pub bytes: Vec<u8>,
    /// How many bytes were dropped after those.
    pub dropped: u64,
}

/// Run `program` with `args` in `cwd`, with `env` and nothing else, for at most `limit`.
pub fn run(
    program: &Path,
    args: &[String],
    cwd: &Path,
    env: &[(OsString, OsString)],
    limit: Duration,
) -> std::io::Result<Ran> {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // So that the time limit stops what it started too (npx starts node, which starts more).
    let mut tree = Tree::prepare(&mut command);
    let started = Instant::now();
    let mut child = command.spawn()?;
    tree.started(&child);
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status, false);
        }
        if started.elapsed() >= limit {
            tree.stop(&mut child);
            break (child.wait()?, true);
        }
        thread::sleep(POLL);
    };
    // Whatever it left running goes with it; its output ends then too.
    if !timed_out {
        tree.stop(&mut child);
    }
    let elapsed = started.elapsed();
    Ok(Ran {
        code: if timed_out { None } else { status.code() },
        timed_out,
        stdout: stdout.recv_timeout(DRAIN).unwrap_or_default(),
        stderr: stderr.recv_timeout(DRAIN).unwrap_or_default(),
        elapsed,
    })
}

/// Read a stream to its end on a thread, keeping the first `MAX_OUTPUT` bytes.
fn collect(stream: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Output> {
    let (send, receive) = mpsc::channel();
    if let Some(mut stream) = stream {
        thread::spawn(move || {
            let mut output = Output::default();
            let mut buffer = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let room = MAX_OUTPUT.saturating_sub(output.bytes.len()).min(n);
                output.bytes.extend_from_slice(&buffer[..room]);
                output.dropped += (n - room) as u64;
            }
            let _ = send.send(output);
        });
    } else {
        let _ = send.send(Output::default());
    }
    receive
}

// Shell scripts throughout: Unix only.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, limit: Duration) -> Ran {
        let args = vec!["-c".to_string(), script.to_string()];
        let env = environment(OsStr::new("/usr/bin:/bin"));
        run(Path::new("/bin/sh"), &args, Path::new("/"), &env, limit).unwrap()
    }

    #[test]
    fn output_and_exit_code_come_back() {
        let ran = sh("echo out; echo err >&2; exit 3", Duration::from_secs(10));
        assert_eq!(ran.code, Some(3));
        assert!(!ran.timed_out);
        assert_eq!(ran.stdout.bytes, b"out\n");
        assert_eq!(ran.stderr.bytes, b"err\n");
    }

    #[test]
    fn the_time_limit_stops_the_whole_group() {
        // A grandchild holding the output open would keep a plain kill waiting for minutes.
        let ran = sh(
            "sleep 60 & sleep 60; echo never",
            Duration::from_millis(300),
        );
        assert!(ran.timed_out);
        assert_eq!(ran.code, None);
        assert!(ran.elapsed < Duration::from_secs(5), "{:?}", ran.elapsed);
        assert!(ran.stdout.bytes.is_empty());
    }

    #[test]
    fn what_it_leaves_running_is_stopped_when_it_ends() {
        let ran = sh("sleep 60 & echo $!", Duration::from_secs(10));
        assert_eq!(ran.code, Some(0));
        assert!(ran.elapsed < Duration::from_secs(5), "{:?}", ran.elapsed);
        let pid = String::from_utf8_lossy(&ran.stdout.bytes)
            .trim()
            .to_string();
        // Killed; gone once the system has reaped it.
        let gone = || !Path::new(&format!("/proc/{pid}")).exists() || !cfg!(target_os = "linux");
        let started = Instant::now();
        while !gone() && started.elapsed() < Duration::from_secs(5) {
            thread::sleep(POLL);
        }
        assert!(gone(), "the background sleep outlived it");
    }

    #[test]
    fn output_is_kept_up_to_the_bound_and_the_rest_counted() {
        let ran = sh(
            "head -c 200000 /dev/zero | tr '\\0' x",
            Duration::from_secs(10),
        );
        assert_eq!(ran.stdout.bytes.len(), MAX_OUTPUT);
        assert_eq!(ran.stdout.dropped, 200_000 - MAX_OUTPUT as u64);
    }

    /// Only the variables a program like the checker needs: never a key, a cloud secret or a
    /// token, whatever its name; and standard input is closed.
    #[test]
    fn only_allowlisted_variables_and_no_stdin_reach_it() {
        let env = environment(OsStr::new("/usr/bin:/bin"));
        let names: Vec<String> = env
            .iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        for name in &names {
            assert!(
                name == "PATH" || name.starts_with("LC_") || PASSED.contains(&name.as_str()),
                "{name} was passed"
            );
        }
        let ran = sh("echo \"[${PATH}]\"; cat", Duration::from_secs(10));
        assert_eq!(ran.stdout.bytes, b"[/usr/bin:/bin]\n");
        assert_eq!(ran.code, Some(0));
    }

    #[test]
    fn a_missing_program_is_an_error_naming_nothing_secret() {
        let err = run(
            Path::new("/nonexistent/python3"),
            &[],
            Path::new("/"),
            &[],
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}
