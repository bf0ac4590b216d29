//! Whose a file is: what decides whether the host reads a repository.
//!
//! - Unix: the owner's user id, compared with this process's effective one.
//! - Windows: owners are access lists, which nothing here reads: every file counts as the
//!   user's own. The README says so.

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
