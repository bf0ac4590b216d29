//! How a file is opened to be read, and how a rename is made durable.
//!
//! Links are never followed on any system: cap-std opens with `O_NOFOLLOW` on Unix and as the
//! reparse point itself on Windows. What differs is waiting:
//!
//! - Unix: a FIFO swapped in for a file would block a plain open until a writer came; files
//!   are opened non-blocking, and the FIFO is then refused as not a file. A renamed name is
//!   made durable by flushing its directory.
//! - Windows: the file system holds no FIFOs (pipes live in their own namespace), so there is
//!   nothing to wait on; and a directory cannot be flushed, so a rename is as durable as the
//!   file system makes it.

use cap_std::fs::{Dir, OpenOptions};

/// Open without ever waiting on what the name turns out to be.
pub fn never_wait(options: &mut OpenOptions) {
    #[cfg(unix)]
    cap_std::fs::OpenOptionsExt::custom_flags(options, rustix::fs::OFlags::NONBLOCK.bits() as i32);
    #[cfg(not(unix))]
    let _ = options;
}

/// The same, for a file opened by path: what the host reads of git's files and the user's
/// configuration, following links as git does, but never waiting on a FIFO or device.
pub fn never_wait_by_path(options: &mut std::fs::OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        options,
        rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    #[cfg(not(unix))]
    let _ = options;
}

/// Make renames in `dir` durable, where the system can.
pub fn sync_dir(dir: &Dir) {
    #[cfg(unix)]
    let _ = rustix::fs::fsync(dir);
    #[cfg(not(unix))]
    let _ = dir;
}
