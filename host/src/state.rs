//! Where the update check's reminder is kept: `qianwen-auth/update-check` in the user's state
//! directory (`$XDG_STATE_HOME`, or `~/.local/state`, on Linux; the platform's local data
//! directory elsewhere). Never inside a `skills/` tree, the repository, or the directory
//! holding this binary: judged on the handle, before anything is created.

use std::path::{Path, PathBuf};

use crate::files::{CannotChange, DirRefused, WritableDir};
use crate::platform::paths;

/// The tool's directory in the state directory.
const DIR: &str = "qianwen-auth";

/// The reminder's file in it.
const FILE: &str = "update-check";

/// The most of the file that is read: it holds one short line.
const MAX_STATE: u64 = 4096;

/// Why the reminder's state cannot be read or kept.
#[derive(Debug)]
pub enum StateError {
    /// There is no state directory (no home directory).
    NoStateDir,
    /// Its directory is refused, as any place would be.
    Dir(DirRefused),
    /// Its directory is inside the repository: where it is, and the repository.
    InRepository(PathBuf, PathBuf),
    /// Where its directory is cannot be told.
    Untold(std::io::Error),
    /// The file is there but cannot be read: where it is, and why.
    Unreadable(String, CannotChange),
    /// The file could not be written: where it is, in the system's words.
    NotWritten(String, std::io::Error),
}

impl From<DirRefused> for StateError {
    fn from(refused: DirRefused) -> Self {
        Self::Dir(refused)
    }
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoStateDir => {
                f.write_str("there is no state directory to keep it in (HOME is not set)")
            }
            Self::Dir(refused) => refused.fmt(f),
            Self::InRepository(place, repository) => write!(
                f,
                "{} is inside the repository ({}), where the reminder's state is never kept; \
                 set XDG_STATE_HOME to a directory outside it",
                paths::display(place),
                paths::display(repository)
            ),
            Self::Untold(e) => e.fmt(f),
            Self::Unreadable(shown, why) => match why {
                CannotChange::Link => write!(f, "{shown} is a symbolic link; it is not read"),
                CannotChange::NotAFile => write!(f, "{shown} is not a regular file"),
                CannotChange::TooLarge => write!(f, "{shown} is larger than it can be"),
                CannotChange::Io(e) => write!(f, "{shown} cannot be read: {e}"),
            },
            Self::NotWritten(shown, e) => write!(f, "{shown} could not be written: {e}"),
        }
    }
}

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
    pub fn locate(repository: Option<&Path>) -> Result<Self, StateError> {
        let base = dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .ok_or(StateError::NoStateDir)?;
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
    pub fn read(&self) -> Result<Option<Vec<u8>>, StateError> {
        let dir = self.base.join(DIR);
        if !dir.is_dir() {
            return Ok(None);
        }
        let place = WritableDir::open(Path::new(""), &dir)?;
        self.refuse_in_repository(&place)?;
        let shown = place.show(FILE);
        match place.existing(FILE, MAX_STATE) {
            Ok(found) => Ok(found.map(|(bytes, _)| bytes)),
            Err(why) => Err(StateError::Unreadable(shown, why)),
        }
    }

    /// Replace the file with `text`, whole, readable by the user only.
    pub fn save(&self, text: &str) -> Result<(), StateError> {
        let base = WritableDir::create_all(&self.base, |place| self.refuse_in_repository(place))?;
        let place = base.subdir(DIR, true)?;
        self.refuse_in_repository(&place)?;
        place
            .replace(FILE, text.as_bytes(), 0o600)
            .map_err(|e| StateError::NotWritten(place.show(FILE), e))
    }

    /// Refuse a place inside the repository (the other refusals are every place's).
    fn refuse_in_repository(&self, place: &WritableDir) -> Result<(), StateError> {
        let resolved = place.resolved().map_err(StateError::Untold)?;
        match &self.repository {
            Some(repository) if paths::starts_with(&resolved, repository) => Err(
                StateError::InRepository(place.shown().to_path_buf(), repository.clone()),
            ),
            _ => Ok(()),
        }
    }
}
