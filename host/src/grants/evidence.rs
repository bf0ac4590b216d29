//! The `evidence` import: files go into one directory, `<base>/qianwen-ops-auth/`, where the
//! base is `./output` or the directory the user named. Refused: a resolved path inside a
//! `skills/` hierarchy or inside the directory that holds this binary, and a base or evidence
//! directory that is a symbolic link. Writes go to a temporary file, flushed to disk, that is
//! then renamed (or linked, when nothing may be replaced), so a file is either whole or absent.

use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::atomic;
use crate::sandbox::bindings::qianwen::auth::evidence::WriteError;

/// The directory under the base that holds the records.
pub const SUBDIR: &str = "qianwen-ops-auth";

const MAX_NAME: usize = 100;

#[derive(Debug, Clone)]
pub struct EvidenceDir {
    /// The base as the user sees it (relative paths stay relative), for messages.
    shown: PathBuf,
    /// The base, absolute.
    base: PathBuf,
}

impl EvidenceDir {
    /// The evidence directory under `base` (relative to `cwd` unless absolute), or why it is
    /// refused.
    pub fn new(cwd: &Path, base: &Path) -> Result<Self, String> {
        let dir = Self {
            shown: base.to_path_buf(),
            base: cwd.join(base),
        };
        dir.check()?;
        Ok(dir)
    }

    /// Find out now, before anything is sent, whether a record could be written at all: create
    /// the directory, write a file, remove it.
    pub fn probe(&self) -> Result<(), String> {
        let shown = self.shown.join(SUBDIR);
        let dir = self.dir();
        fs::create_dir_all(&dir)
            .map_err(|e| format!("{} cannot be created: {e}", shown.display()))?;
        self.check()?;
        // Creating a file is what a record needs first; flushing an empty probe would prove
        // nothing more and cost a disk sync.
        let probe = atomic::temp_beside(&dir.join("probe"));
        let created = atomic::create_new(&probe, 0o600).and_then(|mut f| {
            use std::io::Write;
            f.write_all(b"probe")
        });
        let _ = fs::remove_file(&probe);
        created.map_err(|e| format!("{} is not writable: {e}", shown.display()))
    }

    /// The evidence directory as the user sees it.
    pub fn shown(&self) -> String {
        self.shown.join(SUBDIR).display().to_string()
    }

    fn dir(&self) -> PathBuf {
        self.base.join(SUBDIR)
    }

    /// The refusals, checked again before every write.
    fn check(&self) -> Result<(), String> {
        let shown = self.shown.join(SUBDIR);
        for path in [&self.base, &self.dir()] {
            if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(format!(
                    "{} is a symbolic link; evidence is never written through one",
                    display(path, &self.base, &self.shown)
                ));
            }
        }
        let resolved = resolve(&self.dir());
        if resolved
            .components()
            .any(|c| c == Component::Normal("skills".as_ref()))
        {
            return Err(format!(
                "{} is inside a skills/ hierarchy ({}), where nothing may be written; name \
                 another directory with --output",
                shown.display(),
                resolved.display()
            ));
        }
        if let Some(home) = install_dir()
            && resolved.starts_with(&home)
        {
            return Err(format!(
                "{} is inside the directory that holds qianwen-auth ({}); name another \
                 directory with --output",
                shown.display(),
                home.display()
            ));
        }
        Ok(())
    }

    /// Write `contents` as `name`; see the WIT `evidence.write`.
    pub fn write(&self, name: &str, contents: &[u8], replace: bool) -> Result<String, WriteError> {
        if !valid_name(name) {
            return Err(WriteError::InvalidName);
        }
        self.check().map_err(WriteError::Refused)?;
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| io(&e))?;
        // Created just now, perhaps by someone else: check once more that no link crept in.
        self.check().map_err(WriteError::Refused)?;
        if !fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            return Err(WriteError::Refused(format!(
                "{} is not a directory",
                self.shown.join(SUBDIR).display()
            )));
        }

        match atomic::put(&dir.join(name), contents, 0o600, replace) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(WriteError::Exists),
            Err(e) => return Err(io(&e)),
        }
        Ok(self.shown.join(SUBDIR).join(name).display().to_string())
    }
}

/// A plain file name: `A-Z a-z 0-9 . _ -`, not starting with `.`, at most 100 bytes.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The path with every symbolic link resolved, as far as the path exists.
fn resolve(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// The directory that holds the running binary, resolved.
fn install_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    fs::canonicalize(exe).ok()?.parent().map(Path::to_path_buf)
}

fn display(path: &Path, base: &Path, shown: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rest) => shown.join(rest).display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

fn io(error: &std::io::Error) -> WriteError {
    WriteError::Io(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn evidence(cwd: &Path) -> EvidenceDir {
        EvidenceDir::new(cwd, Path::new("output")).unwrap()
    }

    #[test]
    fn writes_new_files_and_replaces_only_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let e = evidence(tmp.path());
        let shown = e.write("a.json", b"one", false).unwrap();
        assert_eq!(shown, "output/qianwen-ops-auth/a.json");
        let path = tmp.path().join("output/qianwen-ops-auth/a.json");
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert!(matches!(
            e.write("a.json", b"two", false),
            Err(WriteError::Exists)
        ));
        assert_eq!(fs::read(&path).unwrap(), b"one", "never clobbered");
        e.write("a.json", b"three", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left behind");
    }

    #[test]
    fn names_must_be_plain() {
        let tmp = tempfile::tempdir().unwrap();
        let e = evidence(tmp.path());
        let long = "x".repeat(101);
        for name in [
            "",
            "../x",
            "/etc/passwd",
            "a/b",
            "..",
            ".hidden",
            "a\0b",
            "a b",
            &long,
        ] {
            assert!(
                matches!(e.write(name, b"x", true), Err(WriteError::InvalidName)),
                "{name:?}"
            );
        }
        assert!(!tmp.path().join("x").exists());
    }

    #[test]
    fn symlinked_output_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        symlink(&elsewhere, tmp.path().join("output")).unwrap();
        let why = EvidenceDir::new(tmp.path(), Path::new("output")).unwrap_err();
        assert!(why.contains("symbolic link"), "{why}");

        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("output")).unwrap();
        symlink(&elsewhere, tmp.path().join("output/qianwen-ops-auth")).unwrap();
        assert!(EvidenceDir::new(tmp.path(), Path::new("output")).is_err());
    }

    #[test]
    fn a_symlinked_file_is_replaced_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let e = evidence(tmp.path());
        e.write("x.json", b"x", true).unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        symlink(
            &victim,
            tmp.path().join("output/qianwen-ops-auth/latest.json"),
        )
        .unwrap();
        e.write("latest.json", b"new", true).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert!(matches!(
            e.write("latest.json", b"new", false),
            Err(WriteError::Exists)
        ));
    }

    #[test]
    fn skills_hierarchies_are_refused_after_resolving_links() {
        let tmp = tempfile::tempdir().unwrap();
        let skills = tmp.path().join("skills/qianwen-ops-auth");
        fs::create_dir_all(&skills).unwrap();
        let why = EvidenceDir::new(&skills, Path::new("output")).unwrap_err();
        assert!(why.contains("skills/"), "{why}");

        // A project directory that is a link into a skills tree.
        let project = tmp.path().join("project");
        symlink(&skills, &project).unwrap();
        assert!(EvidenceDir::new(&project, Path::new("output")).is_err());
        // And an --output that leads there.
        let elsewhere = tmp.path().join("work");
        fs::create_dir(&elsewhere).unwrap();
        assert!(EvidenceDir::new(&elsewhere, &tmp.path().join("skills/x")).is_err());
    }

    #[test]
    fn probing_creates_the_directory_and_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        evidence(tmp.path()).probe().unwrap();
        let dir = tmp.path().join("output/qianwen-ops-auth");
        assert!(dir.is_dir());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn the_install_directory_is_refused() {
        let home = install_dir().unwrap();
        let why = EvidenceDir::new(&home, Path::new("output")).unwrap_err();
        assert!(why.contains("holds qianwen-auth"), "{why}");
    }

    #[test]
    fn unwritable_directory_is_an_io_error() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("output/qianwen-ops-auth")).unwrap();
        let dir = tmp.path().join("output/qianwen-ops-auth");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        let result = evidence(tmp.path()).write("a.json", b"x", true);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        // Root ignores permission bits; everyone else gets a clear error.
        if let Err(e) = result {
            assert!(
                matches!(e, WriteError::Io(ref why) if why.contains("denied")),
                "{e:?}"
            );
        }
    }
}
