//! Helpers shared by the end-to-end tests: run the real binary in a temp directory with a clean
//! environment, and check that no key ever shows.

#[cfg(unix)]
pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Obviously fake keys. Their secret parts are distinct, so a leak points at its source.
pub const STANDARD: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";
pub const STANDARD_2: &str = "sk-FAKE_Jd6Yu1Qe5Wn8_Vm3Kx9Pg4Tz_9f3c";
pub const PLAN: &str = "sk-sp-FAKE_Hb2Ng7Rc4Xv9_Lq6Mw1Dy8Js_c3d4";
pub const ACCESS_KEY_ID: &str = "LTAI5tFAKE_Kp3Wz8Qm_Xa0000";
pub const ACCESS_KEY_SECRET: &str = "FAKE_Ty5Gh2Vn9Bx4_Cs7Mk1Ld6Pw3";

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON object ({e}); stderr: {}",
                self.stderr
            )
        })
    }

    /// Both streams, for leak checks.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// The binary, to be run with an empty environment (on Windows, SYSTEMROOT kept: without it
/// the system's own libraries cannot start the network). Under emulation the tests run it
/// through `QIANWEN_AUTH_TEST_RUNNER` (say `qemu-aarch64 -L /usr/aarch64-linux-gnu`), since the
/// system cannot start a foreign binary by itself. `QIANWEN_AUTH_TEST_BINARY` names another
/// build to run the suite against (an installed or released one, or an older one, to show
/// that a test fails without its fix).
pub fn qianwen_auth() -> Command {
    let binary = std::env::var_os("QIANWEN_AUTH_TEST_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_qianwen-auth")));
    let mut command = native_command(&binary);
    command.env_clear();
    if cfg!(windows)
        && let Some(root) = std::env::var_os("SYSTEMROOT")
    {
        command.env("SYSTEMROOT", root);
    }
    command
}

/// `path` (written with `/`) as this system writes it.
pub fn native(path: &str) -> String {
    path.replace('/', std::path::MAIN_SEPARATOR_STR)
}

/// A directory or file as the system names it to a program started in it: resolved on Unix (a
/// temporary directory may lie behind a link); on Windows as it was given, drive first.
pub fn system_path(path: &Path) -> PathBuf {
    if cfg!(windows) {
        path.to_path_buf()
    } else {
        path.canonicalize().unwrap()
    }
}

/// A file's permission bits, where the system has them (not on Windows).
pub fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    return Some(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions())
            & 0o777,
    );
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Give a file `mode`, where the system has modes (not on Windows).
pub fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// A command for a program built for the target under test: through the emulator named in
/// `QIANWEN_AUTH_TEST_RUNNER` when there is one.
pub fn native_command(program: &Path) -> Command {
    let runner = std::env::var("QIANWEN_AUTH_TEST_RUNNER").unwrap_or_default();
    let mut words = runner.split_whitespace();
    match words.next() {
        Some(emulator) => {
            let mut command = Command::new(emulator);
            command.args(words).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// `start(command)` (`spawn` or `output`), tried again, up to three times, when wine failed to
/// start the process. Wine answers ERROR_INTERNAL_ERROR (1359) when a new process dies while
/// wine is still loading it, before any of the program's code has run, and now and then does
/// so on a busy machine; Windows itself reports a program's own failure as its exit status.
pub fn started<T>(command: &mut Command, start: impl Fn(&mut Command) -> std::io::Result<T>) -> T {
    const NOT_STARTED_UNDER_WINE: i32 = 1359;
    let mut tries = 1;
    loop {
        match start(command) {
            Err(e)
                if cfg!(windows)
                    && e.raw_os_error() == Some(NOT_STARTED_UNDER_WINE)
                    && tries < 4 =>
            {
                eprintln!(
                    "{:?} did not start ({e}); started again",
                    command.get_program()
                );
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(250));
            }
            result => {
                return result.unwrap_or_else(|e| {
                    panic!("{:?} could not be started: {e}", command.get_program())
                });
            }
        }
    }
}

/// `qianwen-auth ARGS` in `dir` with only `env` (and PATH) in its environment, not started.
fn command_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = qianwen_auth();
    command
        .current_dir(dir)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .args(args);
    command
}

/// Run `qianwen-auth` in `dir` with only `env` (and PATH) in its environment.
pub fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let out = started(
        command_in(dir, env, args).stdin(Stdio::null()),
        Command::output,
    );
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The warnings of a `--json` report, as (code, message), in order.
pub fn json_warnings(json: &serde_json::Value) -> Vec<(String, String)> {
    json["warnings"]
        .as_array()
        .expect("a warnings array")
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The strings of a `--json` report's array `field`.
pub fn json_strings<'a>(json: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    json[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not an array"))
        .iter()
        .map(|s| s.as_str().expect("a string"))
        .collect()
}

/// The message of the first warning with `code` in a `--json` report.
pub fn json_warning(json: &serde_json::Value, code: &str) -> Option<String> {
    json_warnings(json)
        .into_iter()
        .find(|(c, _)| c == code)
        .map(|(_, message)| message)
}

/// `run`, with `input` on standard input.
pub fn run_with_stdin(dir: &Path, env: &[(&str, &str)], args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = started(
        command_in(dir, env, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        Command::spawn,
    );
    // A program that ends before reading everything closes the pipe: that is its answer.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(unix)]
/// `qianwen-auth verify --json` in `dir` with only `env`, against a granted loopback endpoint at
/// `base_url` (`grant`), started and left running. With `prepare`, the command can be changed
/// before it starts.
pub fn spawn_verify(
    dir: &Path,
    env: &[(&str, &str)],
    base_url: &str,
    grant: &str,
    prepare: impl FnOnce(&mut Command),
) -> std::process::Child {
    let mut command = qianwen_auth();
    command
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("QWEN_BASE_URL", base_url)
        .args(["verify", "--json", "--timeout", "20", "--allow-host", grant])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    prepare(&mut command);
    command.spawn().expect("the binary runs")
}

#[cfg(unix)]
/// Wait until `done` holds, for at most 20 s.
pub fn wait_until(done: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !done() && started.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The name the test harness gives the test `name` in the module `module` (its
/// `module_path!()`, which starts with the crate's name; test names do not).
pub fn test_name(module: &str, name: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{name}"),
        None => name.to_string(),
    }
}

/// Run the test `name` of `module` (its `module_path!()`) again, in a child process with `var`
/// set to `value`; everything the child wrote. For what only shows outside the process: panics,
/// and anything written straight to stdout or stderr.
pub fn rerun_as_child(module: &str, name: &str, var: &str, value: &str) -> String {
    let out = started(
        native_command(&std::env::current_exe().unwrap())
            .args(["--exact", &test_name(module, name), "--nocapture"])
            .env(var, value),
        Command::output,
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A FIFO at `path`, made as every Unix can (macOS has no `mknodat`).
#[cfg(unix)]
pub fn make_fifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path, alive for the call.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
}

/// Whether the tests run as root, who may give files away and mount file systems.
#[cfg(unix)]
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// How a run that was watched ended: its output, and the most memory it held at once (where
/// the system reports it: Linux, in KiB, when no emulator runs it).
#[cfg(unix)]
pub struct Watched {
    pub output: Output,
    pub peak_kib: Option<u64>,
}

/// `run`, but stopped and failed if it has not ended within `limit`: for the inputs built to
/// make it hang, which must not hang the test suite either.
#[cfg(unix)]
pub fn run_watched(
    dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    limit: std::time::Duration,
) -> Watched {
    use std::io::Read;
    // Reaped by `wait4` below, which also reports the peak memory.
    #[allow(clippy::zombie_processes)]
    let mut child = started(
        command_in(dir, env, args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        Command::spawn,
    );
    let drain = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let pid = child.id() as libc::pid_t;
    let started = std::time::Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value to be overwritten.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: our own child's pid, and pointers to locals alive for the call.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        if started.elapsed() > limit {
            // SAFETY: signalling our own child, not yet reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            // SAFETY: as above, waiting for it to go.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            panic!("qianwen-auth {args:?} did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Watched {
        output: Output {
            code,
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
        },
        // Under an emulator the figure is the emulator's.
        peak_kib: (cfg!(target_os = "linux")
            && std::env::var_os("QIANWEN_AUTH_TEST_RUNNER").is_none())
        .then_some(usage.ru_maxrss as u64),
    }
}

/// A fresh directory that is not inside any repository.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("qianwen-auth-test")
        .tempdir()
        .expect("a temp dir")
}

pub fn write(path: impl AsRef<Path>, text: &str) -> PathBuf {
    let path = path.as_ref().to_path_buf();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// The part of a key after its kind prefix: what must never show.
fn secret_part(key: &str) -> &str {
    for prefix in ["sk-sp-", "sk-", "LTAI"] {
        if let Some(rest) = key.strip_prefix(prefix) {
            return rest;
        }
    }
    key
}

/// Fail if `text` holds `key` or any 8-character piece of its secret part, in any letter case,
/// or inside anything that decodes to it: percent and backslash escapes, hex, base64. The
/// message names the key by its position only, never by its value.
pub fn assert_no_leak(text: &str, keys: &[&str], context: &str) {
    let views = decoded_views(text);
    for (n, key) in keys.iter().enumerate() {
        let secret = secret_part(key).to_ascii_lowercase();
        let leaked = views.iter().any(|view| {
            secret
                .as_bytes()
                .windows(8)
                .any(|piece| view.windows(8).any(|w| w.eq_ignore_ascii_case(piece)))
        });
        assert!(
            !leaked,
            "{context}: key #{n} (or an 8-character piece of it) appears in the output"
        );
    }
}

/// `text` as it is and as it reads once decoded in each way a server might encode a key.
fn decoded_views(text: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let bytes = text.as_bytes();
    let mut views = vec![bytes.to_vec(), unescape(bytes)];
    let hex = |c: u8| c.is_ascii_hexdigit();
    for run in runs(bytes, hex) {
        for offset in 0..2 {
            let digits = &run[offset.min(run.len())..];
            let decoded: Vec<u8> = digits
                .chunks_exact(2)
                .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
                .collect();
            views.push(decoded);
        }
    }
    let b64 = |c: u8| c.is_ascii_alphanumeric() || b"+/-_".contains(&c);
    for run in runs(bytes, b64) {
        let standard: Vec<u8> = run
            .iter()
            .map(|&c| match c {
                b'-' => b'+',
                b'_' => b'/',
                c => c,
            })
            .collect();
        for offset in 0..4 {
            let mut part = standard[offset.min(standard.len())..].to_vec();
            part.truncate(part.len() / 4 * 4);
            if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(&part) {
                views.push(decoded);
            }
        }
    }
    views
}

/// The maximal runs of bytes for which `is_in` holds.
fn runs(bytes: &[u8], is_in: impl Fn(u8) -> bool) -> Vec<&[u8]> {
    bytes
        .split(|&c| !is_in(c))
        .filter(|run| run.len() >= 8)
        .collect()
}

/// `%XX`, `\uXXXX` and `\xXX` decoded.
fn unescape(bytes: &[u8]) -> Vec<u8> {
    let hex = |s: &[u8]| {
        std::str::from_utf8(s)
            .ok()
            .and_then(|s| u32::from_str_radix(s, 16).ok())
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let (byte, len) = match rest {
            [b'%', a, b, ..] if hex(&[*a, *b]).is_some() => (hex(&[*a, *b]).unwrap() as u8, 3),
            [b'\\', b'x', a, b, ..] if hex(&[*a, *b]).is_some() => {
                (hex(&[*a, *b]).unwrap() as u8, 4)
            }
            [b'\\', b'u', a, b, c, d, ..] if hex(&[*a, *b, *c, *d]).is_some_and(|v| v < 0x80) => {
                (hex(&[*a, *b, *c, *d]).unwrap() as u8, 6)
            }
            _ => (rest[0], 1),
        };
        out.push(byte);
        at += len;
    }
    out
}

pub const ALL_KEYS: [&str; 5] = [STANDARD, STANDARD_2, PLAN, ACCESS_KEY_ID, ACCESS_KEY_SECRET];
