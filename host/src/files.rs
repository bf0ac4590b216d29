//! Every file the host writes or changes goes through a directory handle opened once, never by
//! path: a `WritableDir`. It is judged where its handle actually is (not where a path said it
//! was), and refused inside a `skills/` hierarchy or the directory holding this binary; files
//! in it are opened without following symbolic links; and a file is written whole beside its
//! name, flushed, then renamed or linked into place, so it is never seen half written. Nothing
//! can be swapped in between a check and a write: after the check there is no path left to swap.

use std::io::{ErrorKind, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::ambient_authority;
use cap_std::fs::{Dir, File, OpenOptions};

use crate::platform::{modes, open, paths};

/// A directory the host may write in, held open.
#[derive(Debug)]
pub struct WritableDir {
    dir: Dir,
    /// The directory as the user named it, for messages.
    shown: PathBuf,
}

/// A file's bytes, and its permission bits where the system has them.
pub type Existing = (Vec<u8>, Option<u32>);

/// Why a directory cannot be written in, said with the directory as the user named it.
#[derive(Debug)]
pub enum DirRefused {
    /// It cannot be opened, in the system's words.
    Open(PathBuf, std::io::Error),
    /// It cannot be created, in the system's words when it gave any.
    Create(PathBuf, Option<std::io::Error>),
    /// A symbolic link: nothing is written through one.
    Link(PathBuf),
    /// Where its handle is cannot be told, so nothing is written there.
    Untold(PathBuf, std::io::Error),
    /// Inside a `skills/` hierarchy: where it is named, and where it really is.
    InSkills(PathBuf, PathBuf),
    /// Inside the directory that holds this binary: where it is named, and that directory.
    InInstallDir(PathBuf, PathBuf),
    /// A path that names no file.
    NoFileName(PathBuf),
    /// A file cannot be written in it, in the system's words.
    NotWritable(PathBuf, std::io::Error),
}

impl std::fmt::Display for DirRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |path: &Path| paths::display(path);
        match self {
            Self::Open(path, e) => write!(f, "{} cannot be opened: {e}", shown(path)),
            Self::Create(path, Some(e)) => write!(f, "{} cannot be created: {e}", shown(path)),
            Self::Create(path, None) => write!(f, "{} cannot be created", shown(path)),
            Self::Link(path) => write!(
                f,
                "{} is a symbolic link; nothing is written through one",
                shown(path)
            ),
            Self::Untold(path, e) => write!(
                f,
                "{}: where this directory is cannot be told ({e}), so nothing is written there",
                shown(path)
            ),
            Self::InSkills(path, resolved) => write!(
                f,
                "{} is inside a skills/ hierarchy ({}), where nothing may be written",
                shown(path),
                shown(resolved)
            ),
            Self::InInstallDir(path, install) => write!(
                f,
                "{} is inside the directory that holds qianwen-auth ({}), where nothing may be \
                 written",
                shown(path),
                shown(install)
            ),
            Self::NoFileName(path) => write!(f, "{} does not name a file", shown(path)),
            Self::NotWritable(path, e) => write!(f, "{} is not writable: {e}", shown(path)),
        }
    }
}

impl std::error::Error for DirRefused {}

/// Why a file cannot be changed in place.
#[derive(Debug)]
pub enum CannotChange {
    Link,
    NotAFile,
    TooLarge,
    Io(std::io::Error),
}

impl WritableDir {
    /// The existing directory `path` (relative to `cwd` unless absolute), opened once, then
    /// judged. Symbolic links on the way there are the system's to follow, as for any path;
    /// what counts is where the handle ends up.
    pub fn open(cwd: &Path, path: &Path) -> Result<Self, DirRefused> {
        let shown = if path.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            path.to_path_buf()
        };
        let dir = Dir::open_ambient_dir(cwd.join(path), ambient_authority())
            .map_err(|e| DirRefused::Open(shown.clone(), e))?;
        let place = Self { dir, shown };
        place.check_allowed()?;
        Ok(place)
    }

    /// The subdirectory `name`, created when `create` and absent; never a symbolic link. One
    /// that would be refused where it is is refused before it is created, so that a refusal
    /// leaves nothing behind.
    pub fn subdir(&self, name: &str, create: bool) -> Result<Self, DirRefused> {
        let shown = PathBuf::from(self.show(name));
        if create && !self.contains(name) {
            let resolved = self.resolved().map_err(|e| self.untold(e))?;
            check_allowed_at(&shown, &resolved.join(name))?;
        }
        if create
            && let Err(e) = self.dir.create_dir(name)
            && e.kind() != ErrorKind::AlreadyExists
        {
            return Err(DirRefused::Create(shown, Some(e)));
        }
        let dir = self.dir.open_dir_nofollow(name).map_err(|e| {
            if self.is_link(name) {
                DirRefused::Link(shown.clone())
            } else {
                DirRefused::Open(shown.clone(), e)
            }
        })?;
        let place = Self { dir, shown };
        place.check_allowed()?;
        Ok(place)
    }

    /// The directory `path` (absolute), with each missing directory on the way created through
    /// a handle on its parent, never through a link. `check` judges the nearest directory that
    /// exists, before anything is created.
    pub fn create_all<E: From<DirRefused>>(
        path: &Path,
        check: impl FnOnce(&WritableDir) -> Result<(), E>,
    ) -> Result<Self, E> {
        let mut missing = Vec::new();
        let mut existing = path;
        while !existing.is_dir() {
            let name = match existing.components().next_back() {
                Some(Component::Normal(name)) => name.to_str(),
                _ => None,
            };
            match (existing.parent(), name) {
                (Some(parent), Some(name)) if path.is_absolute() => {
                    missing.push(name);
                    existing = parent;
                }
                _ => return Err(DirRefused::Create(path.to_path_buf(), None).into()),
            }
        }
        let mut place = Self::open(Path::new(""), existing)?;
        check(&place)?;
        for name in missing.iter().rev() {
            place = place.subdir(name, true)?;
        }
        Ok(place)
    }

    /// The place holding the file `path` (relative to `cwd` unless absolute) names, and the
    /// file's name in it.
    pub fn for_file(cwd: &Path, path: &Path) -> Result<(Self, String), DirRefused> {
        let name = match path.components().next_back() {
            Some(Component::Normal(name)) => name.to_str().map(str::to_string),
            _ => None,
        }
        .ok_or_else(|| DirRefused::NoFileName(path.to_path_buf()))?;
        let parent = path.parent().unwrap_or(Path::new(""));
        Ok((Self::open(cwd, parent)?, name))
    }

    /// The directory as the user named it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The path of `name` in this place, as the user would write it.
    pub fn show(&self, name: &str) -> String {
        if self.shown == Path::new(".") {
            name.to_string()
        } else {
            paths::display(&self.shown.join(name))
        }
    }

    /// Where the handle is now, as the system knows it.
    pub fn resolved(&self) -> std::io::Result<PathBuf> {
        paths::of_dir(&self.dir)
    }

    /// Refuse a place inside a `skills/` hierarchy or inside the directory holding this binary:
    /// judged on the handle, after every link on the way was followed.
    pub fn check_allowed(&self) -> Result<(), DirRefused> {
        let resolved = self.resolved().map_err(|e| self.untold(e))?;
        check_allowed_at(&self.shown, &resolved)
    }

    fn untold(&self, error: std::io::Error) -> DirRefused {
        DirRefused::Untold(self.shown.clone(), error)
    }

    /// Put `bytes` at `name`: written beside it with exactly `mode` and flushed, then renamed
    /// over whatever is there (`replace`), or linked into place, failing with `AlreadyExists`
    /// if anything is (not `replace`). The directory is not flushed: the name may not survive a
    /// power cut, but what it names is always whole.
    pub fn put(&self, name: &str, bytes: &[u8], mode: u32, replace: bool) -> std::io::Result<()> {
        let temp = temp_name(name);
        let result = self.write_new(&temp, bytes, mode).and_then(|()| {
            if replace {
                self.dir.rename(&temp, &self.dir, name)
            } else {
                self.dir.hard_link(&temp, &self.dir, name)
            }
        });
        // After a rename the temporary name is gone; otherwise it must go.
        let _ = self.dir.remove_file(&temp);
        result
    }

    /// Replace `name` with `bytes`, as `put` does, and make the new name durable too: for the
    /// user's own files.
    pub fn replace(&self, name: &str, bytes: &[u8], mode: u32) -> std::io::Result<()> {
        self.put(name, bytes, mode, true)?;
        self.sync();
        Ok(())
    }

    /// Give the file `name` exactly `mode`, without following a link or waiting on a FIFO.
    pub fn set_mode(&self, name: &str, mode: u32) -> Result<(), CannotChange> {
        let file = match open_to_read(&self.dir, name) {
            Ok(file) => file,
            Err(_) if self.is_link(name) => return Err(CannotChange::Link),
            Err(e) => return Err(CannotChange::Io(e)),
        };
        if !file.metadata().map_err(CannotChange::Io)?.is_file() {
            return Err(CannotChange::NotAFile);
        }
        modes::set(&file, mode).map_err(CannotChange::Io)
    }

    /// Whether a file can be created here now: one is created and removed.
    pub fn probe(&self) -> std::io::Result<()> {
        let temp = temp_name("probe");
        let created = self
            .create_new(&temp, 0o600)
            .and_then(|mut f| f.write_all(b"probe"));
        let _ = self.dir.remove_file(&temp);
        created
    }

    /// The bytes and permission bits (where the system has them) of the file `name` before it is changed in place; none
    /// when it does not exist. A symbolic link, a non-file and a file over `max` bytes are not
    /// changed, and opening never blocks (a FIFO is not a file).
    pub fn existing(&self, name: &str, max: u64) -> Result<Option<Existing>, CannotChange> {
        let file = match open_to_read(&self.dir, name) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(_) if self.is_link(name) => return Err(CannotChange::Link),
            Err(e) => return Err(CannotChange::Io(e)),
        };
        let meta = file.metadata().map_err(CannotChange::Io)?;
        if !meta.is_file() {
            return Err(CannotChange::NotAFile);
        }
        if meta.len() > max {
            return Err(CannotChange::TooLarge);
        }
        let mut bytes = Vec::new();
        file.take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(CannotChange::Io)?;
        if bytes.len() as u64 > max {
            return Err(CannotChange::TooLarge);
        }
        Ok(Some((bytes, modes::of(&meta))))
    }

    /// Remove the file `name` (a link itself, never what it points to).
    pub fn remove(&self, name: &str) -> std::io::Result<()> {
        self.dir.remove_file(name)
    }

    /// Whether `name` exists here, as anything, links included.
    pub fn contains(&self, name: &str) -> bool {
        self.dir.symlink_metadata(name).is_ok()
    }

    fn is_link(&self, name: &str) -> bool {
        self.dir
            .symlink_metadata(name)
            .is_ok_and(|m| m.file_type().is_symlink())
    }

    /// Create `name`, which must not exist, with exactly `mode`, write `bytes`, flush them.
    fn write_new(&self, name: &str, bytes: &[u8], mode: u32) -> std::io::Result<()> {
        let mut file = self.create_new(name, mode)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    fn create_new(&self, name: &str, mode: u32) -> std::io::Result<File> {
        let mut options = OpenOptions::new();
        options
            .write(true)
            .create_new(true)
            .follow(FollowSymlinks::No);
        modes::create_with(&mut options, mode);
        let file = self.dir.open_with(name, &options)?;
        // The mode went through the umask; set it exactly.
        modes::set(&file, mode)?;
        Ok(file)
    }

    /// Make renames in this directory durable.
    fn sync(&self) {
        open::sync_dir(&self.dir);
    }
}

/// Refuse `resolved` (shown to the user as `shown`) when it is inside a `skills/` hierarchy or
/// inside the directory holding this binary.
fn check_allowed_at(shown: &Path, resolved: &Path) -> Result<(), DirRefused> {
    if paths::has_component(resolved, "skills") {
        return Err(DirRefused::InSkills(
            shown.to_path_buf(),
            resolved.to_path_buf(),
        ));
    }
    if let Some(home) = install_dir()
        && paths::starts_with(resolved, &home)
    {
        return Err(DirRefused::InInstallDir(shown.to_path_buf(), home));
    }
    Ok(())
}

fn temp_name(name: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Open `name` in `dir` to read it: never through a symbolic link, and never waiting, even for
/// a FIFO swapped in for a file.
pub fn open_to_read(dir: &Dir, name: &str) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).follow(FollowSymlinks::No);
    open::never_wait(&mut options);
    dir.open_with(name, &options)
}

/// The directory that holds the running binary, resolved.
pub fn install_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    std::fs::canonicalize(exe)
        .ok()?
        .parent()
        .map(Path::to_path_buf)
}

// Links, FIFOs and modes throughout: Unix only.
#[cfg(all(test, unix))]
pub(crate) mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn place(dir: &Path) -> WritableDir {
        WritableDir::open(dir, Path::new("")).unwrap()
    }

    /// A FIFO at `path`, made as every Unix can (macOS has no `mknodat`).
    pub(crate) fn make_fifo(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a NUL-terminated path, alive for the call.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn replace_keeps_nothing_behind_and_sets_the_mode() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("f"), "old").unwrap();
        place(tmp.path()).replace("f", b"new", 0o640).unwrap();
        assert_eq!(fs::read(tmp.path().join("f")).unwrap(), b"new");
        let mode = fs::metadata(tmp.path().join("f")).unwrap().permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o640
        );
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn put_without_replace_leaves_an_existing_file() {
        let tmp = tempfile::tempdir().unwrap();
        let p = place(tmp.path());
        p.put("f", b"first", 0o600, false).unwrap();
        let err = p.put("f", b"second", 0o600, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert_eq!(fs::read(tmp.path().join("f")).unwrap(), b"first");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_link_in_the_way_is_replaced_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        symlink(&victim, tmp.path().join("f")).unwrap();
        let p = place(tmp.path());
        assert!(p.put("f", b"new", 0o600, false).is_err());
        p.put("f", b"new", 0o600, true).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(tmp.path().join("f")).unwrap(), b"new");
    }

    #[test]
    fn existing_refuses_links_directories_fifos_and_large_files() {
        let tmp = tempfile::tempdir().unwrap();
        let p = place(tmp.path());
        assert!(matches!(p.existing("f", 10), Ok(None)));
        fs::write(tmp.path().join("f"), "12345").unwrap();
        assert_eq!(p.existing("f", 10).unwrap().unwrap().0, b"12345");
        assert!(matches!(p.existing("f", 4), Err(CannotChange::TooLarge)));
        symlink(tmp.path().join("f"), tmp.path().join("link")).unwrap();
        assert!(matches!(p.existing("link", 10), Err(CannotChange::Link)));
        fs::create_dir(tmp.path().join("d")).unwrap();
        assert!(matches!(p.existing("d", 10), Err(CannotChange::NotAFile)));
        make_fifo(&tmp.path().join("fifo"));
        assert!(matches!(
            p.existing("fifo", 10),
            Err(CannotChange::NotAFile)
        ));
    }

    #[test]
    fn subdirectories_are_created_and_never_links() {
        let tmp = tempfile::tempdir().unwrap();
        let p = place(tmp.path());
        let sub = p.subdir("a", true).unwrap();
        sub.put("x", b"x", 0o600, false).unwrap();
        assert!(tmp.path().join("a/x").is_file());
        assert!(p.subdir("missing", false).is_err());
        assert!(!tmp.path().join("missing").exists());
        let elsewhere = tempfile::tempdir().unwrap();
        symlink(elsewhere.path(), tmp.path().join("link")).unwrap();
        let why = p.subdir("link", true).unwrap_err();
        assert!(matches!(why, DirRefused::Link(_)), "{why}");
        assert!(why.to_string().contains("symbolic link"), "{why}");
    }

    #[test]
    fn a_handle_stays_where_it_was_opened() {
        // Renaming the directory away and putting a link to elsewhere in its place changes
        // nothing for a place already open.
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("out")).unwrap();
        let p = place(&tmp.path().join("out"));
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::rename(tmp.path().join("out"), tmp.path().join("moved")).unwrap();
        symlink(&elsewhere, tmp.path().join("out")).unwrap();
        p.put("r.json", b"r", 0o600, false).unwrap();
        assert!(tmp.path().join("moved/r.json").is_file());
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn skills_hierarchies_are_refused_after_resolving_links() {
        let tmp = tempfile::tempdir().unwrap();
        let skills = tmp.path().join("skills/qianwen-ops-auth");
        fs::create_dir_all(&skills).unwrap();
        let why = WritableDir::open(&skills, Path::new("")).unwrap_err();
        assert!(matches!(why, DirRefused::InSkills(..)), "{why}");
        assert!(why.to_string().contains("skills/"), "{why}");
        let project = tmp.path().join("project");
        symlink(&skills, &project).unwrap();
        assert!(WritableDir::open(&project, Path::new("")).is_err());
        assert!(WritableDir::open(tmp.path(), Path::new("skills")).is_err());
        // A subdirectory opened through a place is judged too.
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        symlink(tmp.path().join("skills"), outside.join("s")).unwrap();
        let p = place(&outside);
        assert!(p.subdir("s", false).is_err());
    }

    #[test]
    fn create_all_makes_each_missing_directory_after_the_check() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        let refused = WritableDir::create_all(&deep, |p| {
            Err(DirRefused::InSkills(p.shown().into(), "no".into()))
        })
        .unwrap_err();
        assert!(matches!(refused, DirRefused::InSkills(..)), "{refused}");
        assert!(
            !tmp.path().join("a").exists(),
            "nothing is created before the check"
        );
        let p = WritableDir::create_all(&deep, |p| {
            assert_eq!(p.resolved().unwrap(), fs::canonicalize(tmp.path()).unwrap());
            Ok::<(), DirRefused>(())
        })
        .unwrap();
        p.put("f", b"x", 0o600, false).unwrap();
        assert!(deep.join("f").is_file());
        // A link on the way that does not lead to a directory is never created through.
        symlink(tmp.path().join("nowhere"), tmp.path().join("dangling")).unwrap();
        assert!(
            WritableDir::create_all(&tmp.path().join("dangling/x"), |_| Ok::<(), DirRefused>(()))
                .is_err()
        );
        assert!(!tmp.path().join("nowhere").exists());
        assert!(
            WritableDir::create_all(Path::new("relative/dir"), |_| Ok::<(), DirRefused>(()))
                .is_err()
        );
    }

    #[test]
    fn the_install_directory_is_refused() {
        let home = install_dir().unwrap();
        let why = WritableDir::open(&home, Path::new("")).unwrap_err();
        assert!(matches!(why, DirRefused::InInstallDir(..)), "{why}");
        assert!(why.to_string().contains("holds qianwen-auth"), "{why}");
    }

    #[test]
    fn a_file_path_splits_into_its_place_and_name() {
        let tmp = tempfile::tempdir().unwrap();
        let (p, name) = WritableDir::for_file(tmp.path(), Path::new("AGENTS.md")).unwrap();
        assert_eq!(name, "AGENTS.md");
        assert_eq!(p.resolved().unwrap(), fs::canonicalize(tmp.path()).unwrap());
        assert_eq!(p.show(&name), "AGENTS.md");
        let (p, _) = WritableDir::for_file(tmp.path(), &tmp.path().join("x")).unwrap();
        assert_eq!(p.show("x"), tmp.path().join("x").display().to_string());
        for bad in ["..", "/", "a/.."] {
            assert!(
                WritableDir::for_file(tmp.path(), Path::new(bad)).is_err(),
                "{bad}"
            );
        }
    }
}
