//! Whose a file is, and who else may change it: what decides whether the host reads a
//! repository or runs a program it did not choose.
//!
//! - Unix: the owner's user id, compared with this process's effective one; the group's and
//!   others' write bits (a directory with the sticky bit, like `/tmp`, lets others add their
//!   own entries but not change the entries of others).
//! - Windows: owners are access lists, which nothing here reads: every file counts as the
//!   user's own and as changed by the user alone. docs/platforms.md says so.

use std::fs::Metadata;

/// Why `meta` is not the user's own, in words; none when it is. With `root_too`, a file of
/// the system's administrator counts as the user's own (it could change anything anyway).
pub fn foreign(meta: &Metadata, root_too: bool) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        let mine = meta.uid() == me || (root_too && meta.uid() == 0);
        (!mine).then(|| format!("belongs to another user (uid {})", meta.uid()))
    }
    #[cfg(not(unix))]
    {
        let _ = (meta, root_too);
        None
    }
}

/// Why others than its owner may change `meta`, in words; none when they may not.
pub fn shared(meta: &Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = meta.mode();
        let sticky_directory = meta.is_dir() && mode & 0o1000 != 0;
        if mode & 0o022 == 0 || sticky_directory {
            return None;
        }
        let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
            (true, true) => "its group and all users",
            (true, false) => "its group",
            _ => "all users",
        };
        Some(format!(
            "can be changed by {who} (mode {:03o})",
            mode & 0o777
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}
