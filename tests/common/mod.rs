//! Helpers shared by the end-to-end tests: run the real binary in a temp directory with a clean
//! environment, and check that no key ever shows.

#![allow(dead_code)]

pub mod guests;
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

/// Run `qianwen-auth` in `dir` with only `env` (and PATH) in its environment.
pub fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run the test `name` of the running test binary again, in a child process with `var` set to
/// `value`; everything the child wrote. For what only shows outside the process: panics, and
/// anything written straight to stdout or stderr.
pub fn rerun_as_child(name: &str, var: &str, value: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture"])
        .env(var, value)
        .output()
        .unwrap();
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

/// Fail if `text` holds `key` or any 8-character piece of its secret part. The message names
/// the key by its position only, never by its value.
pub fn assert_no_leak(text: &str, keys: &[&str], context: &str) {
    for (n, key) in keys.iter().enumerate() {
        let secret = secret_part(key).as_bytes();
        let leaked = text.contains(key)
            || secret
                .windows(8)
                .any(|w| text.contains(std::str::from_utf8(w).unwrap()));
        assert!(
            !leaked,
            "{context}: key #{n} (or an 8-character piece of it) appears in the output"
        );
    }
}

pub const ALL_KEYS: [&str; 5] = [STANDARD, STANDARD_2, PLAN, ACCESS_KEY_ID, ACCESS_KEY_SECRET];
