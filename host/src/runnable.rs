//! What the update check may run, judged before anything runs (docs/behaviour.md#update-check): a
//! program found in an absolute directory on `PATH` outside the repository and the current
//! directory, and a skill whose files, and every directory above them, belong to the user (or the
//! system's administrator) and can be changed by no one else. So neither a cloned repository nor
//! another user with a shared directory chooses what runs as the user.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::platform::{owner, paths};

/// Why a file may not say what runs.
#[derive(Debug, PartialEq, Eq)]
pub enum Untrusted {
    /// It, or a directory above it, cannot be looked at.
    Unseen(PathBuf, std::io::ErrorKind),
    /// It, or a directory above it, belongs to someone else or others may change it; `why`
    /// in the owner check's words.
    Foreign(PathBuf, String),
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::Unseen(path, kind) => {
                write!(f, "{} cannot be looked at ({kind})", paths::display(path))
            }
            Untrusted::Foreign(path, why) => write!(f, "{} {why}", paths::display(path)),
        }
    }
}

/// Why no program of a name may be run.
#[derive(Debug, PartialEq, Eq)]
pub struct NotRunnable {
    /// Each file of that name that was found, and why it was not trusted.
    pub untrusted: Vec<Untrusted>,
}

impl std::fmt::Display for NotRunnable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("it is not in any absolute directory on PATH outside the repository")?;
        if !self.untrusted.is_empty() {
            let each: Vec<String> = self.untrusted.iter().map(ToString::to_string).collect();
            write!(f, " but where it cannot be trusted ({})", each.join("; "))?;
        }
        Ok(())
    }
}

/// Whether `path` may be trusted to say what runs: it, where its links lead, and every
/// directory above that belong to the user (or root) and can be changed by no one else.
pub fn trusted(path: &Path) -> Result<(), Untrusted> {
    let unseen = |place: &Path, e: std::io::Error| Untrusted::Unseen(place.into(), e.kind());
    let real = std::fs::canonicalize(path).map_err(|e| unseen(path, e))?;
    for place in real.ancestors() {
        let meta = std::fs::metadata(place).map_err(|e| unseen(place, e))?;
        if let Some(why) = owner::foreign(&meta, true).or_else(|| owner::shared(&meta)) {
            return Err(Untrusted::Foreign(place.into(), why));
        }
    }
    Ok(())
}

/// The directories of `path` (a `PATH` value) a program may be run from: absolute ones,
/// outside each of `outside`.
pub fn search_path(path: &OsStr, outside: &[PathBuf]) -> Vec<PathBuf> {
    let outside: Vec<PathBuf> = outside
        .iter()
        .map(|dir| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()))
        .collect();
    std::env::split_paths(path)
        .filter(|dir| dir.is_absolute())
        .filter(|dir| {
            let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            !outside.iter().any(|o| real.starts_with(o))
        })
        .collect()
}

/// The same directories as one `PATH` value, for the program that runs.
pub fn joined(dirs: &[PathBuf]) -> OsString {
    std::env::join_paths(dirs).unwrap_or_default()
}

/// The file `name` runs from: the first in `dirs` that is a file that may be run, judged as
/// `trusted` accepts; or why there is none.
pub fn locate(name: &str, dirs: &[PathBuf]) -> Result<PathBuf, NotRunnable> {
    let names: Vec<String> = if cfg!(windows) {
        ["exe", "cmd", "bat"]
            .iter()
            .map(|ext| format!("{name}.{ext}"))
            .chain([name.to_string()])
            .collect()
    } else {
        vec![name.to_string()]
    };
    let mut untrusted = Vec::new();
    for dir in dirs {
        for file in names.iter().map(|n| dir.join(n)) {
            if !std::fs::metadata(&file).is_ok_and(|m| m.is_file() && executable(&m)) {
                continue;
            }
            match trusted(&file) {
                Ok(()) => return Ok(file),
                Err(why) => untrusted.push(why),
            }
        }
    }
    Err(NotRunnable { untrusted })
}

fn executable(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

// Modes, owners and shell scripts: Unix only.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn program(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        mode(path, 0o755);
    }

    #[test]
    fn a_file_others_can_change_is_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a/b/check.py");
        program(&file);
        assert_eq!(trusted(&file), Ok(()));
        mode(&file, 0o775);
        let why = trusted(&file).unwrap_err().to_string();
        assert!(
            why.ends_with("check.py can be changed by its group (mode 775)"),
            "{why}"
        );
        mode(&file, 0o755);
        mode(&tmp.path().join("a"), 0o777);
        let why = trusted(&file).unwrap_err().to_string();
        assert!(
            why.contains("/a can be changed by its group and all users"),
            "{why}"
        );
        // A sticky directory, like /tmp, lets others add entries, not change this one.
        mode(&tmp.path().join("a"), 0o1777);
        assert_eq!(trusted(&file), Ok(()));
        // Judged where a link leads.
        let elsewhere = tmp.path().join("shared");
        std::fs::create_dir(&elsewhere).unwrap();
        mode(&elsewhere, 0o777);
        program(&elsewhere.join("x"));
        symlink(elsewhere.join("x"), tmp.path().join("link")).unwrap();
        assert!(trusted(&tmp.path().join("link")).is_err());
    }

    #[test]
    fn another_user_s_file_is_not_trusted() {
        if !rustix::process::geteuid().is_root() {
            eprintln!("skipped: only root can give a file to another user");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("check.py");
        program(&file);
        rustix::fs::chown(&file, Some(rustix::process::Uid::from_raw(65534)), None).unwrap();
        let why = trusted(&file).unwrap_err().to_string();
        assert!(
            why.ends_with("belongs to another user (uid 65534)"),
            "{why}"
        );
    }

    /// Only absolute directories outside the repository: a relative entry or one inside the
    /// repository would let the repository choose the program.
    #[test]
    fn the_repository_and_relative_directories_are_not_searched() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        let outside = tmp.path().join("bin");
        program(&repo.join("node_modules/.bin/npx"));
        program(&outside.join("npx"));
        let path = std::env::join_paths([
            Path::new("node_modules/.bin"),
            &repo.join("node_modules/.bin"),
            Path::new(""),
            &outside,
        ])
        .unwrap();
        let dirs = search_path(&path, std::slice::from_ref(&repo));
        assert_eq!(dirs, std::slice::from_ref(&outside));
        assert_eq!(locate("npx", &dirs), Ok(outside.join("npx")));
        let nowhere = locate("python-nowhere", &dirs).unwrap_err();
        assert!(nowhere.untrusted.is_empty());
        assert!(nowhere.to_string().starts_with("it is not in any"));
        mode(&outside.join("npx"), 0o777);
        let why = locate("npx", &dirs).unwrap_err().to_string();
        assert!(
            why.contains("cannot be trusted") && why.contains("all users"),
            "{why}"
        );
        mode(&outside.join("npx"), 0o644);
        assert!(locate("npx", &dirs).is_err(), "not executable");
    }
}
