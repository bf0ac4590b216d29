//! Where the update check's reminder is kept: `qianwen-auth/update-check` in the user's state
//! directory (`$XDG_STATE_HOME`, or `~/.local/state`, on Linux; the platform's local data
//! directory elsewhere). Never inside a `skills/` tree, the repository, or the directory
//! holding this binary: judged on the handle, before anything is created.

use std::path::{Path, PathBuf};

use crate::files::{CannotChange, WritableDir};
use crate::platform::paths;

/// The tool's directory in the state directory.
const DIR: &str = "qianwen-auth";

/// The reminder's file in it.
const FILE: &str = "update-check";

/// The most of the file that is read: it holds one short line.
const MAX_STATE: u64 = 4096;

/// The reminder's state file, located but not yet opened.
#[derive(Debug)]
pub struct StateFile {
    /// The user's state directory.
    base: PathBuf,
    /// The repository the current directory is in, resolved.
    repository: Option<PathBuf>,
}

impl StateFile {
    /// The state file for a run in `repository` (if in one): in the platform's state
    /// directory, or why there is none.
    pub fn locate(repository: Option<&Path>) -> Result<Self, String> {
        let base = dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .ok_or("there is no state directory to keep it in (HOME is not set)")?;
        Ok(Self {
            base,
            repository: repository.and_then(|r| std::fs::canonicalize(r).ok()),
        })
    }

    /// Where the file is.
    pub fn path(&self) -> PathBuf {
        self.base.join(DIR).join(FILE)
    }

    /// The file's bytes, or none when there is none yet.
    pub fn read(&self) -> Result<Option<Vec<u8>>, String> {
        let dir = self.base.join(DIR);
        if !dir.is_dir() {
            return Ok(None);
        }
        let place = WritableDir::open(Path::new(""), &dir)?;
        self.refuse_in_repository(&place)?;
        let shown = place.show(FILE);
        match place.existing(FILE, MAX_STATE) {
            Ok(found) => Ok(found.map(|(bytes, _)| bytes)),
            Err(CannotChange::Link) => Err(format!("{shown} is a symbolic link; it is not read")),
            Err(CannotChange::NotAFile) => Err(format!("{shown} is not a regular file")),
            Err(CannotChange::TooLarge) => Err(format!("{shown} is larger than it can be")),
            Err(CannotChange::Io(e)) => Err(format!("{shown} cannot be read: {e}")),
        }
    }

    /// Replace the file with `text`, whole, readable by the user only.
    pub fn save(&self, text: &str) -> Result<(), String> {
        let base = WritableDir::create_all(&self.base, |place| self.refuse_in_repository(place))?;
        let place = base.subdir(DIR, true)?;
        self.refuse_in_repository(&place)?;
        place
            .replace(FILE, text.as_bytes(), 0o600)
            .map_err(|e| format!("{} could not be written: {e}", place.show(FILE)))
    }

    /// Refuse a place inside the repository (the other refusals are every place's).
    fn refuse_in_repository(&self, place: &WritableDir) -> Result<(), String> {
        let resolved = place.resolved().map_err(|e| e.to_string())?;
        match &self.repository {
            Some(repository) if paths::starts_with(&resolved, repository) => Err(format!(
                "{} is inside the repository ({}), where the reminder's state is never kept; \
                 set XDG_STATE_HOME to a directory outside it",
                paths::display(place.shown()),
                paths::display(repository)
            )),
            _ => Ok(()),
        }
    }
}
