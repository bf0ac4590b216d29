//! File-system faults: each gives a clear error, and nothing is lost or half-written. Faults
//! that need a mount (a read-only or a full file system) use a small tmpfs where the test may
//! mount one, and are skipped, saying so, where it may not.

use std::fs;
#[cfg(unix)]
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;

use crate::common::*;
use crate::mock::{Mock, Reply};

mod budget;
mod process;
// /proc, symbolic links and swaps of them: Unix only.
#[cfg(unix)]
mod trust;

/// A tmpfs mounted at `dir` for the life of the value.
#[cfg(unix)]
struct Tmpfs(PathBuf);

#[cfg(unix)]
impl Tmpfs {
    fn mount(dir: &Path, options: &str) -> Option<Tmpfs> {
        fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root and mount permission)");
        }
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remounting read-only failed");
    }
}

#[cfg(unix)]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn verify_env(mock: &Mock) -> Vec<(&'static str, String)> {
    vec![
        ("DASHSCOPE_API_KEY", STANDARD.to_string()),
        ("QWEN_BASE_URL", mock.url()),
    ]
}

fn borrow<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[cfg(unix)]
#[test]
fn read_only_output_is_refused_before_anything_is_sent() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let output = dir.path().join("output");
    let _guard = if is_root() {
        let Some(fs) = Tmpfs::mount(&output, "size=1m") else {
            return;
        };
        fs::create_dir(output.join("qianwen-ops-auth")).unwrap();
        fs::write(output.join("qianwen-ops-auth/latest.json"), "old record").unwrap();
        fs.remount_read_only();
        Some(fs)
    } else {
        use std::os::unix::fs::PermissionsExt;
        fs::create_dir_all(output.join("qianwen-ops-auth")).unwrap();
        fs::write(output.join("qianwen-ops-auth/latest.json"), "old record").unwrap();
        fs::set_permissions(
            output.join("qianwen-ops-auth"),
            fs::Permissions::from_mode(0o500),
        )
        .unwrap();
        None
    };
    let env = verify_env(&mock);
    let out = run(
        dir.path(),
        &borrow(&env),
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("is not writable") && out.stderr.contains("ead-only"),
        "{}",
        out.stderr
    );
    assert_eq!(
        mock.connections(),
        0,
        "nothing is sent when no evidence can be written"
    );
    assert_eq!(
        fs::read_to_string(output.join("qianwen-ops-auth/latest.json")).unwrap(),
        "old record"
    );
}

#[cfg(unix)]
#[test]
fn a_full_disk_loses_nothing() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    // The project itself lives on a tiny file system, with room for almost nothing.
    let project = dir.path().join("project");
    let Some(_fs) = Tmpfs::mount(&project, "size=64k") else {
        return;
    };
    fs::write(project.join(".env"), "QWEN_REGION=cn-beijing\n").unwrap();
    fs::write(project.join(".gitignore"), "node_modules").unwrap();
    let filler = vec![0u8; 256 * 1024];
    let _ = fs::write(project.join("filler"), &filler);
    assert!(
        fs::metadata(project.join("filler")).map_or(0, |m| m.len()) < filler.len() as u64,
        "the disk is full"
    );

    // verify: the probe finds no room; nothing is sent.
    let env = verify_env(&mock);
    let out = run(
        &project,
        &borrow(&env),
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.connections(), 0);

    // init: the change fails whole; .env and .gitignore are as they were, no temporary file stays.
    let out = run(&project, &[], &["init"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("No space left on device"),
        "{}",
        out.stdout
    );
    assert_eq!(
        fs::read_to_string(project.join(".env")).unwrap(),
        "QWEN_REGION=cn-beijing\n"
    );
    assert_eq!(
        fs::read_to_string(project.join(".gitignore")).unwrap(),
        "node_modules"
    );
    let leftovers: Vec<_> = fs::read_dir(&project)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "a temporary file was left behind");
}

#[cfg(unix)]
#[test]
fn output_linked_into_a_skills_tree_is_refused() {
    let dir = tempdir();
    let skills = dir.path().join("skills/qianwen-ops-auth");
    fs::create_dir_all(&skills).unwrap();
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    std::os::unix::fs::symlink(&skills, project.join("output")).unwrap();
    let out = run(&project, &[("DASHSCOPE_API_KEY", STANDARD)], &["verify"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(fs::read_dir(&skills).unwrap().count(), 0);
    // Named directly with --output, the resolved path is what counts.
    let out = run(
        &project,
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["verify", "--output", "../skills/qianwen-ops-auth"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("skills/"), "{}", out.stderr);
    assert_eq!(fs::read_dir(&skills).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn an_unreadable_dotenv_is_named_and_skipped() {
    let dir = tempdir();
    let env_file = dir.path().join(".env");
    if is_root() {
        // Permission bits do not stop root; a FIFO is as unreadable as a file can be for it,
        // and must not make the tool wait.
        make_fifo(&env_file);
    } else {
        use std::os::unix::fs::PermissionsExt;
        fs::write(&env_file, format!("DASHSCOPE_API_KEY={STANDARD}\n")).unwrap();
        fs::set_permissions(&env_file, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let out = run(
        dir.path(),
        &[("QIANWEN_API_KEY", STANDARD_2)],
        &["status", "--json"],
    );
    assert_eq!(out.code, 0, "the environment's key still counts");
    let v = out.json();
    assert_eq!(v["dotenv_files"][0]["state"], "unusable");
    let message = v["warnings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(".env") && message.contains("ignored"),
        "{message}"
    );
}

#[test]
fn a_hundred_mib_dotenv_is_refused_without_reading_it() {
    let dir = tempdir();
    let file = fs::File::create(dir.path().join(".env")).unwrap();
    file.set_len(100 << 20).unwrap();
    let started = std::time::Instant::now();
    let out = run(dir.path(), &[], &["status", "--json"]);
    let v = out.json();
    assert_eq!(v["dotenv_files"][0]["state"], "unusable");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("104857600 bytes")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // init leaves it alone too.
    let out = run(dir.path(), &[], &["init"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        fs::metadata(dir.path().join(".env")).unwrap().len(),
        100 << 20
    );
}
