//! The `project` import: `.env` and `.gitignore` in the current directory and its ancestors,
//! read-only, at most 1 MiB. Each file is opened through a handle on its directory without
//! following a symbolic link, and without waiting on a FIFO; a link is followed only to another
//! file of the same directory. What git makes of the `.env` files is read apart (`git`).

use std::io::{ErrorKind, Read};
use std::path::{Component, Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, File};

use super::git::{self, UserConfig};
use crate::bindings::qianwen::auth::project::{
    Directory, FileContents, GitAnswer, ProjectFile, ReadError,
};
use crate::files::open_to_read;
use crate::platform::modes;
use qianwen_auth_facts::text::one_line;

/// The most the host hands over of one file.
pub const MAX_FILE: u64 = qianwen_auth_facts::limits::MAX_PROJECT_FILE as u64;

/// Links from one name to another in the same directory are followed this far, no further.
const MAX_HOPS: usize = 8;

/// The `project` grant: `.env` and `.gitignore` from the current directory up.
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The current directory first, then each parent.
    dirs: Vec<PathBuf>,
    /// Where the user's git configuration is, for `git`.
    user: UserConfig,
}

impl ProjectFiles {
    /// The grant for a run in `cwd`, with the user's git configuration where the environment
    /// says it is.
    pub fn new(cwd: &Path) -> Self {
        Self::with_user_config(cwd, UserConfig::from_env())
    }

    /// The grant for a run in `cwd`, with the user's git configuration in `user`.
    pub fn with_user_config(cwd: &Path, user: UserConfig) -> Self {
        Self {
            dirs: cwd.ancestors().map(Path::to_path_buf).collect(),
            user,
        }
    }

    /// The current directory, then each parent up to the root, with their markers. Paths are
    /// for reports, so on one line: git stores names with line breaks and escape sequences, so
    /// a clone can bring one, and the policy sets paths inside sentences.
    pub fn ancestors(&self) -> Vec<Directory> {
        self.dirs
            .iter()
            .map(|dir| Directory {
                path: one_line(&dir.to_string_lossy()).into_owned(),
                has_git: std::fs::symlink_metadata(dir.join(".git")).is_ok(),
                has_dotenv_local: std::fs::symlink_metadata(dir.join(".env.local")).is_ok(),
                has_skills: dir.join("skills").is_dir(),
            })
            .collect()
    }

    /// The paths this grant can ever read, for the audit: `(depth, path)`.
    pub fn path(&self, depth: u32, file: ProjectFile) -> Option<PathBuf> {
        self.dirs
            .get(usize::try_from(depth).ok()?)
            .map(|d| d.join(file_name(file)))
    }

    /// What git makes of the `.env` files in the directories at `depths` (see `git`).
    pub fn git(&self, depths: &[u32]) -> GitAnswer {
        git::lookup(&self.dirs, depths, &self.user)
    }

    /// The file `file` in the directory at `depth`, or none when it does not exist.
    pub fn read(&self, depth: u32, file: ProjectFile) -> Result<Option<FileContents>, ReadError> {
        let dir = usize::try_from(depth)
            .ok()
            .and_then(|d| self.dirs.get(d))
            .ok_or(ReadError::NoSuchDirectory)?;
        let dir = Dir::open_ambient_dir(dir, ambient_authority()).map_err(|e| io(&e))?;
        let Some(handle) = open_in(&dir, file_name(file))? else {
            return Ok(None);
        };
        let meta = handle.metadata().map_err(|e| io(&e))?;
        if !meta.is_file() {
            return Err(ReadError::NotAFile);
        }
        if meta.len() > MAX_FILE {
            return Err(ReadError::TooLarge(meta.len()));
        }
        Ok(Some(FileContents {
            bytes: read_capped(handle)?,
            mode: modes::of(&meta),
        }))
    }
}

fn file_name(file: ProjectFile) -> &'static str {
    match file {
        ProjectFile::Dotenv => ".env",
        ProjectFile::Gitignore => ".gitignore",
    }
}

/// `name` in `dir`, opened to read; a symbolic link only when it names another file of the
/// same directory. None when nothing has that name.
fn open_in(dir: &Dir, name: &str) -> Result<Option<File>, ReadError> {
    let mut name = PathBuf::from(name);
    for _ in 0..=MAX_HOPS {
        let Some(plain) = name.to_str() else {
            return Err(ReadError::SymlinkOutside);
        };
        match open_to_read(dir, plain) {
            Ok(file) => return Ok(Some(file)),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                let kind = dir.symlink_metadata(plain).map(|m| m.file_type());
                // Windows refuses to open a directory as a file ("permission denied"), where
                // Unix opens it: either way it is not a file.
                if kind.as_ref().is_ok_and(|k| k.is_dir()) {
                    return Err(ReadError::NotAFile);
                }
                if !kind.is_ok_and(|k| k.is_symlink()) {
                    return Err(io(&e));
                }
            }
        }
        let target = dir.read_link_contents(plain).map_err(|e| io(&e))?;
        name = same_directory(&target).ok_or(ReadError::SymlinkOutside)?;
    }
    Err(ReadError::SymlinkOutside)
}

/// A link target that names a file of the link's own directory: `name` or `./name`.
fn same_directory(target: &Path) -> Option<PathBuf> {
    let mut normal = target
        .components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        });
    match (normal.next(), normal.next()) {
        (Some(Some(name)), None) => Some(PathBuf::from(name)),
        _ => None,
    }
}

/// Read at most `MAX_FILE` bytes, refusing a file that grew past it since its size was checked.
fn read_capped(file: File) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(&e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The system's words for an error, without the path (the component knows which file it asked for).
fn io(error: &std::io::Error) -> ReadError {
    ReadError::Io(error.kind().to_string())
}

// Links, FIFOs and modes throughout: Unix only.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{PermissionsExt as _, symlink};

    fn files(dir: &Path) -> ProjectFiles {
        ProjectFiles::new(dir)
    }

    #[test]
    fn ancestors_start_at_the_current_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("a/b");
        fs::create_dir_all(&sub).unwrap();
        fs::create_dir(tmp.path().join(".git")).unwrap();
        fs::create_dir(tmp.path().join("a/skills")).unwrap();
        let dirs = files(&sub).ancestors();
        assert_eq!(dirs[0].path, sub.to_string_lossy());
        assert!(!dirs[0].has_git && !dirs[0].has_skills);
        assert!(dirs[1].has_skills && !dirs[1].has_git);
        assert!(dirs[2].has_git);
        assert_eq!(dirs.last().unwrap().path, "/");
    }

    #[test]
    fn reads_only_the_two_names() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(".env"), "A=1\n").unwrap();
        fs::write(tmp.path().join(".gitignore"), ".env\n").unwrap();
        let f = files(tmp.path());
        assert_eq!(
            f.read(0, ProjectFile::Dotenv).unwrap().unwrap().bytes,
            b"A=1\n"
        );
        assert_eq!(
            f.read(0, ProjectFile::Gitignore).unwrap().unwrap().bytes,
            b".env\n"
        );
        assert!(f.read(1, ProjectFile::Dotenv).is_ok());
        assert!(matches!(
            f.read(9999, ProjectFile::Dotenv),
            Err(ReadError::NoSuchDirectory)
        ));
    }

    #[test]
    fn absent_directory_large_and_unreadable_files() {
        let tmp = tempfile::tempdir().unwrap();
        let f = files(tmp.path());
        assert!(matches!(f.read(0, ProjectFile::Dotenv), Ok(None)));
        fs::create_dir(tmp.path().join(".env")).unwrap();
        assert!(matches!(
            f.read(0, ProjectFile::Dotenv),
            Err(ReadError::NotAFile)
        ));
        fs::write(
            tmp.path().join(".gitignore"),
            vec![b'#'; MAX_FILE as usize + 1],
        )
        .unwrap();
        assert!(matches!(
            f.read(0, ProjectFile::Gitignore),
            Err(ReadError::TooLarge(n)) if n == MAX_FILE + 1
        ));
    }

    #[test]
    fn symlinks_stay_in_their_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("project");
        fs::create_dir(&dir).unwrap();
        fs::write(tmp.path().join("secret"), "outside").unwrap();
        fs::write(dir.join(".env.shared"), "A=1").unwrap();
        symlink(tmp.path().join("secret"), dir.join(".env")).unwrap();
        let f = files(&dir);
        assert!(matches!(
            f.read(0, ProjectFile::Dotenv),
            Err(ReadError::SymlinkOutside)
        ));
        fs::remove_file(dir.join(".env")).unwrap();
        symlink(".env.shared", dir.join(".env")).unwrap();
        assert_eq!(
            f.read(0, ProjectFile::Dotenv).unwrap().unwrap().bytes,
            b"A=1"
        );
        symlink("/etc/passwd", dir.join(".gitignore")).unwrap();
        assert!(matches!(
            f.read(0, ProjectFile::Gitignore),
            Err(ReadError::SymlinkOutside)
        ));
        // Into a subdirectory, through `..`, or round in a circle: not followed.
        fs::create_dir(dir.join("sub")).unwrap();
        fs::write(dir.join("sub/x"), "A=1").unwrap();
        for target in ["sub/x", "../project/.env.shared", "loop"] {
            fs::remove_file(dir.join(".env")).unwrap();
            symlink(target, dir.join(".env")).unwrap();
            let _ = std::os::unix::fs::symlink(".env", dir.join("loop"));
            assert!(
                matches!(
                    f.read(0, ProjectFile::Dotenv),
                    Err(ReadError::SymlinkOutside)
                ),
                "{target}"
            );
        }
        fs::remove_file(dir.join(".env")).unwrap();
        symlink("./.env.shared", dir.join(".env")).unwrap();
        assert_eq!(
            f.read(0, ProjectFile::Dotenv).unwrap().unwrap().bytes,
            b"A=1"
        );
    }

    #[test]
    fn a_fifo_is_not_waited_on() {
        let tmp = tempfile::tempdir().unwrap();
        crate::files::tests::make_fifo(&tmp.path().join(".env"));
        assert!(matches!(
            files(tmp.path()).read(0, ProjectFile::Dotenv),
            Err(ReadError::NotAFile)
        ));
    }

    #[test]
    fn mode_bits_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".env");
        fs::write(&path, "A=1").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let got = files(tmp.path())
            .read(0, ProjectFile::Dotenv)
            .unwrap()
            .unwrap();
        assert_eq!(got.mode, Some(0o640));
    }
}
