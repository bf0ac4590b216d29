//! The `evidence` import: files go into one directory, `<base>/qianwen-ops-auth/`, where the
//! base is `./output` or the directory the user named. The directory is opened once, without
//! following a symbolic link at the base or below it, and every record is written through that
//! handle (see `files`): refused inside a `skills/` hierarchy or the directory that holds this
//! binary, judged where the handle is; a file is whole or absent, and never clobbered.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::bindings::qianwen::auth::evidence::WriteError;
use crate::files::{DirRefused, WritableDir};
use crate::platform::paths;

use qianwen_auth_facts::evidence::SUBDIR;

const MAX_NAME: usize = 100;

/// The `evidence` grant: one directory, held open as a handle.
#[derive(Debug)]
pub struct EvidenceDir {
    place: WritableDir,
}

impl EvidenceDir {
    /// The evidence directory under `base` (relative to `cwd` unless absolute), created as
    /// needed and opened, or why it is refused. The base's parent must exist.
    pub fn open(cwd: &Path, base: &Path) -> Result<Self, DirRefused> {
        let mut place = base_parent(cwd, base)?;
        for name in names(base) {
            place = place.subdir(name, true)?;
        }
        Ok(Self { place })
    }

    /// Where records would go, or why they would be refused, creating nothing: for
    /// `capabilities`.
    pub fn would_write_in(cwd: &Path, base: &Path) -> Result<String, DirRefused> {
        let mut place = base_parent(cwd, base)?;
        let mut missing: Option<PathBuf> = None;
        for name in names(base) {
            match &mut missing {
                Some(shown) => shown.push(name),
                // What does not exist yet would be created inside a place already judged.
                None if !place.contains(name) => missing = Some(place.show(name).into()),
                None => place = place.subdir(name, false)?,
            }
        }
        Ok(missing.map_or_else(
            || paths::display(place.shown()),
            |shown| paths::display(&shown),
        ))
    }

    /// Find out now, before anything is sent, whether a record could be written at all.
    pub fn probe(&self) -> Result<(), DirRefused> {
        self.place
            .probe()
            .map_err(|e| DirRefused::NotWritable(self.place.shown().to_path_buf(), e))
    }

    /// The evidence directory as the user sees it.
    pub fn shown(&self) -> String {
        paths::display(self.place.shown())
    }

    /// Write `contents` as `name`; see the WIT `evidence.write`.
    pub fn write(&self, name: &str, contents: &[u8], replace: bool) -> Result<String, WriteError> {
        if !valid_name(name) {
            return Err(WriteError::InvalidName);
        }
        // The handle cannot be swapped, but the directory it holds can be moved: judge again,
        // before and after. A record that landed where it may not is taken back.
        self.place
            .check_allowed()
            .map_err(|why| WriteError::Refused(why.to_string()))?;
        match self.place.put(name, contents, 0o600, replace) {
            Ok(()) => self.kept_or_taken_back(name),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(WriteError::Exists),
            Err(e) => Err(WriteError::Io(e.to_string())),
        }
    }

    /// After `name` was written: where the directory is now, judged once more. Moved, while
    /// the record was written, to where nothing may be written, the record is removed again.
    fn kept_or_taken_back(&self, name: &str) -> Result<String, WriteError> {
        let Err(why) = self.place.check_allowed() else {
            return Ok(self.place.show(name));
        };
        let removed = match self.place.remove(name) {
            Ok(()) => "the record written there was removed".to_string(),
            Err(e) => format!("the record written there could not be removed: {e}"),
        };
        Err(WriteError::Refused(format!(
            "the evidence directory was moved while the record was written: {why}; {removed}"
        )))
    }
}

/// The place that holds the base (the base itself when it has no last name, like `.`).
fn base_parent(cwd: &Path, base: &Path) -> Result<WritableDir, DirRefused> {
    match base.components().next_back() {
        Some(Component::Normal(_)) => {
            WritableDir::open(cwd, base.parent().unwrap_or(Path::new("")))
        }
        _ => WritableDir::open(cwd, base),
    }
}

/// The directories to open, each without following a link: the base's last name (if it has
/// one), then `qianwen-ops-auth`.
fn names(base: &Path) -> Vec<&str> {
    let last = match base.components().next_back() {
        Some(Component::Normal(name)) => name.to_str(),
        _ => None,
    };
    last.into_iter().chain([SUBDIR]).collect()
}

/// A plain file name: `A-Z a-z 0-9 . _ -`, not starting with `.`, at most 100 bytes.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !names_a_device(name)
}

/// Windows opens a device, not a file, for these names with any extension (`nul.json`); they
/// are refused everywhere, so that a name means the same on every system.
fn names_a_device(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod names {
    use super::valid_name;

    #[test]
    fn only_plain_names_that_mean_a_file_everywhere() {
        let long = "x".repeat(101);
        for name in [
            "",
            "../x",
            "..\\x",
            "/etc/passwd",
            "a/b",
            "a\\b",
            "C:x",
            "..",
            ".hidden",
            "a\0b",
            "a b",
            &long,
            "nul.json",
            "CON",
            "aux.txt",
            "com1.json",
            "LPT9.json",
            "prn",
        ] {
            assert!(!valid_name(name), "{name:?}");
        }
        for name in [
            "ok.json",
            "latest.json",
            "verify-20261128T040051.502Z.json",
            "com10.json",
        ] {
            assert!(valid_name(name), "{name:?}");
        }
    }
}

// Links, FIFOs and modes throughout: Unix only.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn evidence(cwd: &Path) -> EvidenceDir {
        EvidenceDir::open(cwd, Path::new("output")).unwrap()
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

    /// A directory moved into a `skills/` tree while a record was being written: the record
    /// is taken back, and the refusal says so.
    #[test]
    fn a_record_that_landed_in_a_skills_tree_is_taken_back() {
        let tmp = tempfile::tempdir().unwrap();
        let e = evidence(tmp.path());
        e.place.put("r.json", b"{}", 0o600, false).unwrap();
        fs::create_dir_all(tmp.path().join("skills/x")).unwrap();
        fs::rename(
            tmp.path().join("output"),
            tmp.path().join("skills/x/output"),
        )
        .unwrap();
        let Err(WriteError::Refused(why)) = e.kept_or_taken_back("r.json") else {
            panic!("the record was kept");
        };
        assert!(
            why.to_string()
                .contains("moved while the record was written")
                && why.to_string().contains("was removed"),
            "{why}"
        );
        assert!(
            !tmp.path()
                .join("skills/x/output/qianwen-ops-auth/r.json")
                .exists()
        );
    }

    /// A base that would be refused is refused before it is created: nothing is left behind.
    #[test]
    fn a_refused_base_is_never_created() {
        let tmp = tempfile::tempdir().unwrap();
        let why = EvidenceDir::open(tmp.path(), Path::new("skills")).unwrap_err();
        assert!(why.to_string().contains("skills/"), "{why}");
        assert!(!tmp.path().join("skills").exists());
        fs::create_dir(tmp.path().join("out")).unwrap();
        let why = EvidenceDir::open(tmp.path(), Path::new("out/skills")).unwrap_err();
        assert!(why.to_string().contains("skills/"), "{why}");
        assert!(!tmp.path().join("out/skills").exists());
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
        let why = EvidenceDir::open(tmp.path(), Path::new("output")).unwrap_err();
        assert!(why.to_string().contains("symbolic link"), "{why}");

        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("output")).unwrap();
        symlink(&elsewhere, tmp.path().join("output/qianwen-ops-auth")).unwrap();
        assert!(EvidenceDir::open(tmp.path(), Path::new("output")).is_err());
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
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
        let why = EvidenceDir::open(&skills, Path::new("output")).unwrap_err();
        assert!(why.to_string().contains("skills/"), "{why}");
        assert!(!skills.join("output").exists(), "nothing is created first");

        // A project directory that is a link into a skills tree.
        let project = tmp.path().join("project");
        symlink(&skills, &project).unwrap();
        assert!(EvidenceDir::open(&project, Path::new("output")).is_err());
        // And an --output that leads there.
        let elsewhere = tmp.path().join("work");
        fs::create_dir(&elsewhere).unwrap();
        assert!(EvidenceDir::open(&elsewhere, &tmp.path().join("skills/x")).is_err());
        assert!(!tmp.path().join("skills/x").exists());
    }

    #[test]
    fn a_directory_moved_into_a_skills_tree_is_refused_at_the_write() {
        let tmp = tempfile::tempdir().unwrap();
        let e = evidence(tmp.path());
        fs::create_dir(tmp.path().join("skills")).unwrap();
        fs::rename(tmp.path().join("output"), tmp.path().join("skills/output")).unwrap();
        let why = e.write("a.json", b"x", false).unwrap_err();
        assert!(
            matches!(&why, WriteError::Refused(w) if w.contains("skills/")),
            "{why:?}"
        );
        assert_eq!(
            fs::read_dir(tmp.path().join("skills/output/qianwen-ops-auth"))
                .unwrap()
                .count(),
            0
        );
    }

    #[test]
    fn judging_creates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            EvidenceDir::would_write_in(tmp.path(), Path::new("output")).unwrap(),
            "output/qianwen-ops-auth"
        );
        assert!(!tmp.path().join("output").exists());
        fs::create_dir(tmp.path().join("skills")).unwrap();
        assert!(EvidenceDir::would_write_in(tmp.path(), Path::new("skills/x")).is_err());
        evidence(tmp.path());
        assert_eq!(
            EvidenceDir::would_write_in(tmp.path(), Path::new("output")).unwrap(),
            "output/qianwen-ops-auth"
        );
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
                matches!(e, WriteError::Io(ref why) if why.to_string().contains("denied")),
                "{e:?}"
            );
        }
    }
}
