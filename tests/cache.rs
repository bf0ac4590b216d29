//! The compiled-component cache: compiled once, loaded after; recompiled when missing, stale or
//! damaged; and never a reason to fail when it cannot be used.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

/// `status --json` with the cache in `cache`; its exit code must be the usual one.
fn status(cache: &Path) {
    let dir = tempdir();
    let out = run(
        dir.path(),
        &[("QIANWEN_AUTH_CACHE_DIR", cache.to_str().unwrap())],
        &["status", "--json"],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.json()["schema"], 1);
}

/// The cache files in `cache`.
fn files(cache: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(cache)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn compiled_once_then_loaded() {
    let tmp = tempdir();
    let cache = tmp.path().join("cache");
    status(&cache);
    let made = files(&cache);
    assert_eq!(made.len(), 1);
    let name = made[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("policy-") && name.ends_with(".cwasm"),
        "{name}"
    );
    assert_eq!(
        fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        fs::metadata(&made[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let first = fs::metadata(&made[0]).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    status(&cache);
    assert_eq!(files(&cache), made);
    assert_eq!(
        fs::metadata(&made[0]).unwrap().modified().unwrap(),
        first,
        "a good copy is not rewritten"
    );
}

#[test]
fn a_damaged_copy_is_recompiled() {
    let tmp = tempdir();
    let cache = tmp.path().join("cache");
    status(&cache);
    let path = files(&cache).remove(0);
    let good = fs::read(&path).unwrap();
    for damage in [
        |b: &mut Vec<u8>| {
            let n = b.len() / 2;
            b[n] ^= 0xff;
        },
        |b: &mut Vec<u8>| b.truncate(b.len() / 3),
        |b: &mut Vec<u8>| {
            b.clear();
            b.extend_from_slice(b"not a compiled component");
        },
    ] {
        let mut bad = good.clone();
        damage(&mut bad);
        fs::write(&path, &bad).unwrap();
        status(&cache);
        assert_eq!(
            fs::read(&path).unwrap(),
            good,
            "the damaged copy was replaced"
        );
    }
}

#[test]
fn stale_copies_are_replaced_and_removed() {
    let tmp = tempdir();
    let cache = tmp.path().join("cache");
    fs::create_dir_all(&cache).unwrap();
    let stale = cache.join("policy-0000000000000000.cwasm");
    fs::write(&stale, b"compiled by an older version").unwrap();
    fs::write(cache.join("unrelated.txt"), b"kept").unwrap();
    status(&cache);
    assert!(!stale.exists(), "the stale copy was removed");
    assert!(
        cache.join("unrelated.txt").exists(),
        "other files are left alone"
    );
    assert_eq!(files(&cache).len(), 2);
}

#[test]
fn a_copy_others_may_write_is_not_trusted() {
    let tmp = tempdir();
    let cache = tmp.path().join("cache");
    status(&cache);
    let path = files(&cache).remove(0);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    status(&cache);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600,
        "recompiled and rewritten"
    );
}

#[test]
fn an_unusable_cache_directory_never_fails_a_run() {
    let tmp = tempdir();
    // A path under a regular file: it can never be created.
    let file = tmp.path().join("a-file");
    fs::write(&file, "x").unwrap();
    status(&file.join("cache"));
    // A read-only directory (a read-only mount for root, whom permission bits do not stop).
    let ro = tmp.path().join("ro");
    fs::create_dir(&ro).unwrap();
    if rustix::process::geteuid().is_root() {
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs"])
            .arg(&ro)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped the read-only case: cannot mount a tmpfs here");
            return;
        }
        status(&ro.join("cache"));
        status(&ro);
        let _ = std::process::Command::new("umount").arg(&ro).status();
    } else {
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
        status(&ro.join("cache"));
    }
    // No cache directory at all: no HOME, no XDG_CACHE_HOME, no override.
    let dir = tempdir();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
        .current_dir(dir.path())
        .env_clear()
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn the_default_cache_is_under_home() {
    let home = tempdir();
    let dir = tempdir();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
        .current_dir(dir.path())
        .env_clear()
        .env("HOME", home.path())
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(files(&home.path().join(".cache/qianwen-auth")).len(), 1);
    let xdg = tempdir();
    std::process::Command::new(env!("CARGO_BIN_EXE_qianwen-auth"))
        .current_dir(dir.path())
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", xdg.path())
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(files(&xdg.path().join("qianwen-auth")).len(), 1);
}
