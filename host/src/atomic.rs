//! Whole-file writes that cannot be seen half done: a new file beside the target, flushed to
//! disk, then renamed (or linked) into place.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// `open` never follows a symbolic link in the last component.
const O_NOFOLLOW: i32 = 0o400000;

/// A name beside `path` that no one else uses.
pub fn temp_beside(path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Create `path` (never an existing file, never through a link) with exactly `mode`, write
/// `bytes`, and flush them to disk.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut file = create_new(path, mode)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Create `path`, which must not exist, with exactly `mode`, never through a link.
pub fn create_new(path: &Path, mode: u32) -> std::io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(O_NOFOLLOW)
        .open(path)?;
    // The mode went through the umask; set it exactly.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    Ok(file)
}

/// Replace `path` with `bytes`: written beside it, then renamed over it.
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let temp = temp_beside(path);
    let result = write_new(&temp, bytes, mode).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(path);
    Ok(())
}

/// Make a rename in `path`'s directory durable.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(handle) = File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
    {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_keeps_nothing_behind_and_sets_the_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        fs::write(&path, "old").unwrap();
        replace(&path, b"new", 0o640).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_new_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        fs::write(&path, "old").unwrap();
        assert!(write_new(&path, b"new", 0o600).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
    }
}
