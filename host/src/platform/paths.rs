//! Where an open directory is, and how paths compare.
//!
//! - Linux: `/proc/self/fd`. macOS: `F_GETPATH`. Windows: `GetFinalPathNameByHandleW`, which
//!   answers in the `\\?\C:\…` form that `std::fs::canonicalize` answers in too, so the two
//!   compare.
//! - Names compare case-insensitively on macOS and Windows, whose file systems are so by
//!   default: `Skills/` there is the same directory as `skills/`, and `C:\Users\Me` the same
//!   as `c:\users\me`. Linux compares bytes.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use cap_std::fs::Dir;

/// A path for a sentence: on one line, with any control or format character in a name written
/// as `\u{…}` (the output seam escapes the rest, but would keep a line break).
pub fn display(path: &Path) -> String {
    qianwen_auth_facts::text::one_line(&path.display().to_string()).into_owned()
}

/// Where `dir` is now, as the system knows it, whatever links or renames led there.
#[cfg(target_os = "linux")]
pub fn of_dir(dir: &Dir) -> std::io::Result<PathBuf> {
    use std::os::fd::AsRawFd;
    std::fs::read_link(format!("/proc/self/fd/{}", dir.as_raw_fd()))
}

#[cfg(target_vendor = "apple")]
pub fn of_dir(dir: &Dir) -> std::io::Result<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    let path = rustix::fs::getpath(dir)?;
    Ok(PathBuf::from(std::ffi::OsString::from_vec(
        path.into_bytes(),
    )))
}

#[cfg(windows)]
pub fn of_dir(dir: &Dir) -> std::io::Result<PathBuf> {
    use std::os::windows::ffi::OsStringExt;
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_NAME_NORMALIZED, GetFinalPathNameByHandleW,
    };
    let mut buffer = vec![0u16; 512];
    loop {
        // SAFETY: the directory's open handle, and a buffer of the length passed.
        let len = unsafe {
            GetFinalPathNameByHandleW(
                dir.as_raw_handle(),
                buffer.as_mut_ptr(),
                buffer.len() as u32,
                FILE_NAME_NORMALIZED,
            )
        } as usize;
        if len == 0 {
            return Err(std::io::Error::last_os_error());
        }
        // Too small: `len` is the size needed, terminator included.
        if len >= buffer.len() {
            buffer.resize(len + 1, 0);
            continue;
        }
        return Ok(PathBuf::from(std::ffi::OsString::from_wide(&buffer[..len])));
    }
}

/// Whether names compare without regard to case here.
const FOLDS_CASE: bool = cfg!(any(windows, target_vendor = "apple"));

/// Whether the file name `name` is `expected`, as this system's file systems compare names.
pub fn same_name(name: &OsStr, expected: &str) -> bool {
    match name.to_str() {
        Some(name) if FOLDS_CASE => name.to_lowercase() == expected.to_lowercase(),
        _ => name == expected,
    }
}

/// Whether `path` is `base` or inside it, comparing names as this system does.
pub fn starts_with(path: &Path, base: &Path) -> bool {
    let mut path = path.components();
    base.components().all(|b| {
        path.next().is_some_and(|p| match (p, b) {
            (Component::Normal(p), Component::Normal(b)) => {
                b.to_str().is_some_and(|b| same_name(p, b)) || p == b
            }
            (Component::Prefix(p), Component::Prefix(b)) if FOLDS_CASE => {
                p.as_os_str().to_string_lossy().to_lowercase()
                    == b.as_os_str().to_string_lossy().to_lowercase()
            }
            (p, b) => p == b,
        })
    })
}

/// Whether any directory on `path` is named `name`.
pub fn has_component(path: &Path, name: &str) -> bool {
    path.components()
        .any(|c| matches!(c, Component::Normal(n) if same_name(n, name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_inside_itself_and_its_descendants_only() {
        let base = Path::new("/home/me/project");
        assert!(starts_with(Path::new("/home/me/project"), base));
        assert!(starts_with(Path::new("/home/me/project/a/b"), base));
        assert!(!starts_with(Path::new("/home/me/projects"), base));
        assert!(!starts_with(Path::new("/home/me"), base));
    }

    #[test]
    fn case_counts_only_where_the_file_system_compares_case() {
        let upper = Path::new("/Home/Me/Skills/x");
        assert_eq!(starts_with(upper, Path::new("/home/me")), FOLDS_CASE);
        assert_eq!(has_component(upper, "skills"), FOLDS_CASE);
        assert!(has_component(Path::new("/a/skills/b"), "skills"));
        assert!(!has_component(Path::new("/a/skillset/b"), "skills"));
    }
}
