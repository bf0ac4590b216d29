//! Every file the host reads by its path, for the policy or for itself: git's files, the
//! user's git configuration, certificates. Each is read as the policy's own files are: only a
//! regular file, opened without waiting on what the name turns out to be (a FIFO or device is
//! refused, not waited on), up to a size cap checked before reading and again while reading.
//! Links are followed, as git and TLS libraries follow them: what counts is what is opened.

use std::io::{ErrorKind, Read};
use std::path::Path;

use crate::platform::open;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    NotAFile,
    TooLarge { size: u64, max: u64 },
    Io(ErrorKind),
}

impl Unreadable {
    /// What is wrong, after the file's path.
    pub fn about(&self, path: &Path) -> String {
        let path = crate::platform::paths::display(path);
        match self {
            Unreadable::NotAFile => format!("{path} is not a regular file"),
            Unreadable::TooLarge { size, max } => format!(
                "{path} is larger than the {} read of it ({size} bytes)",
                in_words(*max)
            ),
            Unreadable::Io(kind) => format!("{path} could not be read ({kind})"),
        }
    }
}

/// A size as people say it: `1 MiB`, `256 MiB`, `4096 bytes`.
fn in_words(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// The regular file at `path`, opened to read, and its size, at most `max`; none when
/// nothing is there.
pub fn open(path: &Path, max: u64) -> Result<Option<(std::fs::File, u64)>, Unreadable> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    open::never_wait_by_path(&mut options);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(e) => return Err(Unreadable::Io(e.kind())),
    };
    let meta = file.metadata().map_err(|e| Unreadable::Io(e.kind()))?;
    if !meta.is_file() {
        return Err(Unreadable::NotAFile);
    }
    if meta.len() > max {
        return Err(Unreadable::TooLarge {
            size: meta.len(),
            max,
        });
    }
    Ok(Some((file, meta.len())))
}

/// The bytes of the regular file at `path`, at most `max`; none when nothing is there. A
/// file that grows past `max` while it is read is refused too.
pub fn read(path: &Path, max: u64) -> Result<Option<Vec<u8>>, Unreadable> {
    let Some((file, size)) = open(path, max)? else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Unreadable::Io(e.kind()))?;
    let size = bytes.len() as u64;
    if size > max {
        return Err(Unreadable::TooLarge { size, max });
    }
    Ok(Some(bytes))
}

// FIFOs, devices and sparse files: Unix only.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        assert_eq!(read(&path, 10), Ok(None));
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read(&path, 10).unwrap().unwrap(), b"0123456789");
        assert_eq!(
            read(&path, 9),
            Err(Unreadable::TooLarge { size: 10, max: 9 })
        );
        let fifo = tmp.path().join("fifo");
        crate::files::tests::make_fifo(&fifo);
        assert_eq!(read(&fifo, 10), Err(Unreadable::NotAFile));
        assert_eq!(read(Path::new("/dev/zero"), 10), Err(Unreadable::NotAFile));
        assert_eq!(read(tmp.path(), 10), Err(Unreadable::NotAFile));
        let sparse = tmp.path().join("sparse");
        std::fs::File::create(&sparse)
            .unwrap()
            .set_len(5 << 30)
            .unwrap();
        assert!(matches!(
            read(&sparse, 1 << 20),
            Err(Unreadable::TooLarge { .. })
        ));
        assert_eq!(
            Unreadable::TooLarge {
                size: 7,
                max: 1 << 20
            }
            .about(Path::new("/x")),
            "/x is larger than the 1 MiB read of it (7 bytes)"
        );
    }
}

/// The host's rule, held to its source: every place that opens, lists or runs something by
/// itself is one of these, each bounded as the policy is. A new one fails this test until it
/// is listed here with its bounds, and docs/security.md says the same. (It reads the
/// source tree, which an emulated Windows cannot name: run where the source is, on Unix.)
#[cfg(all(test, unix))]
mod readers {
    /// Each module that reads files or runs programs, and how it is bounded.
    const READERS: [(&str, &str); 8] = [
        (
            "reading.rs",
            "files by path (git's, the user's git configuration, certificates): regular files \
             only, never waiting on a FIFO or device, under a size cap",
        ),
        (
            "grants/project.rs",
            "`.env` and `.gitignore` from the current directory up: through a handle on their \
             directory, no link out of it, regular files up to 1 MiB, never waiting",
        ),
        (
            "files.rs",
            "files the host writes, and reads before changing them: through a directory handle \
             opened once, no link followed, regular files under a size cap, never waiting",
        ),
        (
            "platform/roots.rs",
            "the names in SSL_CERT_DIR, at most 10,000; each file through `reading`",
        ),
        (
            "platform/paths.rs",
            "where an open directory handle is (/proc/self/fd), no file's contents",
        ),
        (
            "child.rs",
            "the update checker's program, at the user's request: an allowlisted environment, \
             no standard input, stopped with what it started at the time limit, output capped",
        ),
        (
            "platform/children.rs",
            "the process list in /proc, to stop what the update checker left running: the \
             children of this process only",
        ),
        (
            "grants/git/mod.rs",
            "git's files through `reading`, within a deadline, in a repository of the user's own",
        ),
    ];

    /// What opens, lists, follows or runs.
    const PATTERNS: [&str; 10] = [
        "OpenOptions::new",
        "File::open",
        "fs::read(",
        "fs::read_to_string",
        "open_ambient_dir",
        "read_dir(",
        "read_link",
        "Command::new",
        "reading::read(",
        "reading::open(",
    ];

    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_reader_is_listed_with_its_bounds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let mut found = std::collections::BTreeSet::new();
        for file in files {
            let name = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if name.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            // What tests do is not what the host does.
            let code = text.split("#[cfg(test)]").next().unwrap();
            let code = code.split("#[cfg(all(test").next().unwrap();
            if code
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .any(|line| PATTERNS.iter().any(|p| line.contains(p)))
            {
                found.insert(name);
            }
        }
        let listed: std::collections::BTreeSet<String> =
            READERS.iter().map(|(name, _)| name.to_string()).collect();
        assert_eq!(
            found, listed,
            "a module reads files or runs programs without being listed here with its bounds \
             (or is listed and no longer does)"
        );
    }
}
