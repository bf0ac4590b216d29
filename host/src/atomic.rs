//! Whole-file writes that cannot be seen half done: a new file beside the target, flushed to
//! disk, then renamed (or linked) into place; and the reading of a file about to be changed so.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
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

/// Put `bytes` at `path`: written beside it and flushed, then renamed over whatever is there
/// (`replace`), or linked into place, failing with `AlreadyExists` if anything is (not
/// `replace`). The directory is not flushed: the name may not survive a power cut, but what it
/// names is always whole.
pub fn put(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> std::io::Result<()> {
    let temp = temp_beside(path);
    let result = write_new(&temp, bytes, mode).and_then(|()| {
        if replace {
            fs::rename(&temp, path)
        } else {
            fs::hard_link(&temp, path)
        }
    });
    // After a rename the temporary name is gone; otherwise it must go.
    let _ = fs::remove_file(&temp);
    result
}

/// Replace `path` with `bytes`, as `put` does, and make the new name durable too: for the
/// user's own files.
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    put(path, bytes, mode, true)?;
    sync_dir(path);
    Ok(())
}

/// Why a file cannot be changed in place.
#[derive(Debug)]
pub enum Unchangeable {
    Link,
    NotAFile,
    TooLarge,
    Io(std::io::Error),
}

/// The bytes and permission bits of the file at `path` before it is changed in place; none
/// when it does not exist. A symbolic link, a non-file and a file over `max` bytes are not
/// changed.
pub fn existing(path: &Path, max: u64) -> Result<Option<(Vec<u8>, u32)>, Unchangeable> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Unchangeable::Io(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Unchangeable::Link);
    }
    if !meta.is_file() {
        return Err(Unchangeable::NotAFile);
    }
    if meta.len() > max {
        return Err(Unchangeable::TooLarge);
    }
    let bytes = fs::read(path).map_err(Unchangeable::Io)?;
    Ok(Some((bytes, meta.permissions().mode() & 0o777)))
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
    fn put_without_replace_leaves_an_existing_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        put(&path, b"first", 0o600, false).unwrap();
        let err = put(&path, b"second", 0o600, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn existing_refuses_links_directories_and_large_files() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        assert!(matches!(existing(&path, 10), Ok(None)));
        fs::write(&path, "12345").unwrap();
        assert_eq!(existing(&path, 10).unwrap().unwrap().0, b"12345");
        assert!(matches!(existing(&path, 4), Err(Unchangeable::TooLarge)));
        std::os::unix::fs::symlink(&path, tmp.path().join("link")).unwrap();
        assert!(matches!(
            existing(&tmp.path().join("link"), 10),
            Err(Unchangeable::Link)
        ));
        assert!(matches!(
            existing(tmp.path(), 10),
            Err(Unchangeable::NotAFile)
        ));
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
