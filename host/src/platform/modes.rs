//! Who may read a file.
//!
//! - Unix: files are created with an exact mode (0600 for `.env`, evidence and state), an
//!   existing file's mode is kept when it is rewritten, and the mode is handed to the policy,
//!   which warns about a `.env` that others can read.
//! - Windows: there are no mode bits. A new file takes the access list of the directory it is
//!   created in (in a user's profile: that user, SYSTEM and Administrators); nothing here sets
//!   or reads access lists, so no mode is handed to the policy and it does not warn about who
//!   can read `.env`.

use cap_std::fs::{File, Metadata, OpenOptions};

/// Create with `mode` (before the umask; `set` makes it exact).
pub fn create_with(options: &mut OpenOptions, mode: u32) {
    #[cfg(unix)]
    cap_std::fs::OpenOptionsExt::mode(options, mode);
    #[cfg(not(unix))]
    let _ = (options, mode);
}

/// Give an open file exactly `mode`.
pub fn set(file: &File, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use cap_std::fs::{Permissions, PermissionsExt};
        file.set_permissions(Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

/// A file's permission bits (`mode & 0o777`), where the system has them.
pub fn of(meta: &Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use cap_std::fs::PermissionsExt;
        Some(meta.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}
