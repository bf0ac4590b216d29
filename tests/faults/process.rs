//! A process holding keys: a closed pipe, a full device and a non-UTF-8 argument end it
//! cleanly, never with an abort.

use super::*;

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
        let mut child = started(
            qianwen_auth()
                .current_dir(dir.path())
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped()),
            std::process::Command::spawn,
        );
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
#[cfg(unix)]
#[test]
fn a_full_device_is_a_clear_error() {
    let dir = tempdir();
    for args in [&["status", "--json"][..], &["links"], &["--help"]] {
        let out = qianwen_auth()
            .current_dir(dir.path())
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
#[cfg(unix)]
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
        let out = qianwen_auth()
            .current_dir(dir.path())
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
