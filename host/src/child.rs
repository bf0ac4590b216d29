//! Running a program the user asked for by name (`update-check --run`): an argument vector,
//! never a shell; no standard input; without the variables that may hold a secret; stopped at a
//! time limit together with everything it started; its output kept up to a bound and handed
//! back for the scrubber, never passed straight through.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::platform;

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

/// Run `program` with `args` in `cwd`, without the variables `withheld`, for at most `limit`.
pub fn run(
    program: &str,
    args: &[String],
    cwd: &Path,
    withheld: &[&str],
    limit: Duration,
) -> std::io::Result<Ran> {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in withheld {
        command.env_remove(name);
    }
    // So that the time limit stops what it started too (npx starts node, which starts more).
    platform::children::isolate(&mut command);
    let started = Instant::now();
    let mut child = command.spawn()?;
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status, false);
        }
        if started.elapsed() >= limit {
            platform::children::stop(&mut child);
            break (child.wait()?, true);
        }
        thread::sleep(POLL);
    };
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
        run("/bin/sh", &args, Path::new("/"), &["HOME"], limit).unwrap()
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
    fn output_is_kept_up_to_the_bound_and_the_rest_counted() {
        let ran = sh(
            "head -c 200000 /dev/zero | tr '\\0' x",
            Duration::from_secs(10),
        );
        assert_eq!(ran.stdout.bytes.len(), MAX_OUTPUT);
        assert_eq!(ran.stdout.dropped, 200_000 - MAX_OUTPUT as u64);
    }

    #[test]
    fn withheld_variables_and_stdin_do_not_reach_it() {
        assert!(
            std::env::var_os("HOME").is_some(),
            "the test needs HOME set"
        );
        let ran = sh("echo \"[${HOME:-unset}]\"; cat", Duration::from_secs(10));
        assert_eq!(ran.stdout.bytes, b"[unset]\n");
        assert_eq!(ran.code, Some(0));
    }

    #[test]
    fn a_missing_program_is_an_error_naming_nothing_secret() {
        let err = run(
            "/nonexistent/python3",
            &[],
            Path::new("/"),
            &[],
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}
