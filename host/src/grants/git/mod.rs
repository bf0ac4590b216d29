//! What git makes of the project's `.env` files (`project.git`), read by the host from the
//! nearest repository's own files and bounded as the policy is: a deadline, regular files
//! only (opened without waiting on a FIFO or device) under size caps, a stream for the index,
//! no configuration but the repository's own `config` and the user's global one, and no
//! repository that belongs to another user (git's `safe.directory` rule). No program is run.
//!
//! What is read, and nothing else: the `.git` entry (a directory, or a file naming one), the
//! git directory's `commondir`, `index`, `config` and `config.worktree`, the common
//! directory's `config` and `info/exclude`; the user's `$XDG_CONFIG_HOME/git/config` and
//! `~/.gitconfig` (or `$GIT_CONFIG_GLOBAL`) with the files they include; and the excludes file
//! (`core.excludesFile`, or `~/.config/git/ignore`). The ignore rules go to the policy, which
//! judges them with the `.gitignore` files by one matcher; only whether the index holds each
//! `.env` is decided here.

mod config;
mod index;

use std::fmt;
use std::io::{ErrorKind, Read};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use crate::bindings::qianwen::auth::project::{GitAnswer, GitRepository, IgnoreFile};
use crate::platform::{owner, paths};
use crate::reading::{self, Unreadable};
use config::Setting;
use index::IndexError;

/// How long reading a repository may take before its answer is "cannot tell". It is kept on
/// the calling thread, checked before each file is opened and at each read of the index: every
/// file is opened without waiting on what it turns out to be and read only if regular, so each
/// read returns. A thread of its own, to bound a file system that never answers at all, cost a
/// `status` run about 5% of its time (bench/results.md); such a file system would hold up
/// the project's `.env` files, read the same way, before git's.
pub const DEADLINE: Duration = Duration::from_secs(3);

/// The index is read as a stream, up to this size.
pub const MAX_INDEX: u64 = 256 << 20;

/// Any other file read here: a configuration, ignore rules, a pointer to a git directory.
pub const MAX_FILE: u64 = 1 << 20;

/// Files included from the user's configuration are followed this deep (git's own limit)...
const MAX_INCLUDE_DEPTH: usize = 10;
/// ...and this many in all.
const MAX_CONFIG_FILES: usize = 32;

/// Where the user's own git configuration is, from the host's environment.
#[derive(Debug, Clone, Default)]
pub struct UserConfig {
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, or `~/.config`.
    pub xdg: Option<PathBuf>,
    /// `$GIT_CONFIG_GLOBAL`: the one global file, in place of the two usual ones.
    pub global: Option<PathBuf>,
}

impl UserConfig {
    /// As git finds it: `HOME`, `XDG_CONFIG_HOME` (when absolute), `GIT_CONFIG_GLOBAL`.
    pub fn from_env() -> Self {
        let absolute = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let home = dirs::home_dir();
        let xdg = absolute("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
        Self {
            home,
            xdg,
            global: std::env::var_os("GIT_CONFIG_GLOBAL").map(PathBuf::from),
        }
    }

    /// The global configuration files, in the order git reads them (the later wins).
    fn files(&self) -> Vec<PathBuf> {
        if let Some(global) = &self.global {
            return vec![global.clone()];
        }
        let xdg = self.xdg.as_ref().map(|x| x.join("git/config"));
        let home = self.home.as_ref().map(|h| h.join(".gitconfig"));
        xdg.into_iter().chain(home).collect()
    }
}

/// What git makes of the `.env` files in `dirs[depth]` for each of `depths`, where `dirs` are
/// the current directory and its ancestors: from the nearest holding a `.git` entry.
pub fn lookup(dirs: &[PathBuf], depths: &[u32], user: &UserConfig) -> GitAnswer {
    lookup_until(dirs, depths, user, Instant::now() + DEADLINE)
}

/// `lookup`, with reading stopped at `until`.
fn lookup_until(dirs: &[PathBuf], depths: &[u32], user: &UserConfig, until: Instant) -> GitAnswer {
    let Some(top) = dirs
        .iter()
        .position(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
    else {
        return GitAnswer::NoRepository;
    };
    let worktree = dirs[top].clone();
    // Each depth asked about inside the working tree, with its `.env` as git names it.
    let (asked, envs): (Vec<u32>, Vec<Vec<u8>>) = depths
        .iter()
        .filter_map(|&depth| {
            let dir = dirs.get(usize::try_from(depth).ok()?)?;
            Some((
                depth,
                [relative(dir, &worktree)?, b".env".to_vec()].concat(),
            ))
        })
        .unzip();
    let repository = Repository {
        worktree,
        user: user.clone(),
        until,
    };
    match repository.read(&envs) {
        Ok((tracked, info_exclude, excludes_file)) => GitAnswer::Repository(GitRepository {
            tracked: asked
                .into_iter()
                .zip(tracked)
                .filter_map(|(depth, tracked)| tracked.then_some(depth))
                .collect(),
            info_exclude,
            excludes_file,
        }),
        Err(why) => GitAnswer::CannotTell(why.to_string()),
    }
}

/// `dir` relative to `top`, as git names it: `/`-separated, with a trailing `/`, empty for the
/// top itself.
fn relative(dir: &Path, top: &Path) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for component in dir.strip_prefix(top).ok()?.components() {
        let Component::Normal(name) = component else {
            return None;
        };
        out.extend_from_slice(name.as_encoded_bytes());
        out.push(b'/');
    }
    Some(out)
}

/// What `read` found: whether the index holds each path, `info/exclude`, the excludes file.
type Found = (Vec<bool>, Option<IgnoreFile>, Option<IgnoreFile>);

/// A repository's working tree, where the user's configuration is, and when reading them
/// must stop.
struct Repository {
    worktree: PathBuf,
    user: UserConfig,
    until: Instant,
}

/// The git directory of a working tree, and its common directory (the same, but in a linked
/// worktree).
struct GitDirs {
    dir: PathBuf,
    common: PathBuf,
}

impl Repository {
    fn read(&self, envs: &[Vec<u8>]) -> Result<Found, CannotTell> {
        let user = self.user_settings()?;
        let dirs = self.git_dirs(&user)?;
        let mut repository = self.settings_of(&dirs.common.join("config"))?;
        if last(&repository, "extensions", "worktreeconfig").is_some_and(is_true) {
            repository.extend(self.settings_of(&dirs.dir.join("config.worktree"))?);
        }
        let hash_len = match last(&repository, "extensions", "objectformat") {
            Some(format) if format.eq_ignore_ascii_case("sha256") => 32,
            _ => 20,
        };
        let tracked = self.tracked(&dirs.dir.join("index"), hash_len, envs)?;
        let info_exclude = self.ignore_file(&dirs.common.join("info/exclude"))?;
        let excludes_file = match self.excludes_file(&user, &repository, &dirs) {
            Some(path) => self.ignore_file(&path)?,
            None => None,
        };
        Ok((tracked, info_exclude, excludes_file))
    }

    /// The user's global settings, with the files they include, in the order git reads them.
    fn user_settings(&self) -> Result<Vec<Setting>, CannotTell> {
        let mut out = Vec::new();
        let mut budget = MAX_CONFIG_FILES;
        for file in self.user.files() {
            self.include(&file, 0, &mut budget, &mut out)?;
        }
        Ok(out)
    }

    /// `file`'s settings into `out`, each `include.path` followed where it stands.
    fn include(
        &self,
        file: &Path,
        depth: usize,
        budget: &mut usize,
        out: &mut Vec<Setting>,
    ) -> Result<(), CannotTell> {
        if depth > MAX_INCLUDE_DEPTH || *budget == 0 {
            return Err(CannotTell::TooMuchConfig(file.to_path_buf()));
        }
        *budget -= 1;
        for setting in self.settings_of(file)? {
            let included = setting
                .is("include", "path")
                .then_some(setting.value.as_deref())
                .flatten()
                .and_then(|value| self.expand(value, file.parent()));
            out.push(setting);
            if let Some(included) = included {
                self.include(&included, depth + 1, budget, out)?;
            }
        }
        Ok(())
    }

    /// A path as git's configuration writes it: `~/` is the home directory; a relative path
    /// is relative to `base`. None for what cannot be told here (`~user/`, `%(prefix)/`).
    fn expand(&self, value: &str, base: Option<&Path>) -> Option<PathBuf> {
        if let Some(rest) = value.strip_prefix("~/") {
            return self.user.home.as_ref().map(|h| h.join(rest));
        }
        if value.starts_with('~') || value.starts_with("%(") || value.is_empty() {
            return None;
        }
        let path = Path::new(value);
        Some(if path.is_absolute() {
            path.to_path_buf()
        } else {
            base?.join(path)
        })
    }

    /// The git directory (`.git`, or where a `.git` file points) and its common directory,
    /// each of them, and the working tree, the user's own or named by their `safe.directory`.
    fn git_dirs(&self, user: &[Setting]) -> Result<GitDirs, CannotTell> {
        let dotgit = self.worktree.join(".git");
        let safe = self.is_safe(user);
        let check = |path: &Path, meta: &std::fs::Metadata, root_too: bool| match owner::foreign(
            meta, root_too,
        ) {
            Some(why) if !safe => Err(CannotTell::NotOwned(path.to_path_buf(), why)),
            _ => Ok(()),
        };
        let worktree =
            std::fs::metadata(&self.worktree).map_err(|e| unreadable(&self.worktree, &e))?;
        check(&self.worktree, &worktree, false)?;
        let link = std::fs::symlink_metadata(&dotgit).map_err(|e| unreadable(&dotgit, &e))?;
        check(&dotgit, &link, false)?;
        let dir = if std::fs::metadata(&dotgit).is_ok_and(|m| m.is_dir()) {
            dotgit
        } else {
            let text = self.read_capped(&dotgit, MAX_FILE)?.unwrap_or_default();
            let text = String::from_utf8_lossy(&text);
            let named = text
                .lines()
                .next()
                .and_then(|line| line.strip_prefix("gitdir:"))
                .map(str::trim)
                .filter(|named| !named.is_empty())
                .ok_or_else(|| CannotTell::NotGitLink(dotgit.clone()))?;
            self.worktree.join(named)
        };
        let meta = std::fs::metadata(&dir).map_err(|e| unreadable(&dir, &e))?;
        if !meta.is_dir() {
            return Err(CannotTell::NotADirectory(dir));
        }
        check(&dir, &meta, false)?;
        let common = match self.read_capped(&dir.join("commondir"), MAX_FILE)? {
            Some(text) => {
                let named = String::from_utf8_lossy(&text).trim().to_string();
                let common = dir.join(named);
                let meta = std::fs::metadata(&common).map_err(|e| unreadable(&common, &e))?;
                check(&common, &meta, false)?;
                common
            }
            None => dir.clone(),
        };
        Ok(GitDirs { dir, common })
    }

    /// Whether the user's `safe.directory` names this working tree (`*` names every one; a
    /// value ending in `/*`, every one below it; an empty value forgets those before it).
    fn is_safe(&self, user: &[Setting]) -> bool {
        let here = self.worktree.to_string_lossy().replace('\\', "/");
        let here = here.trim_end_matches('/');
        let mut safe = false;
        for setting in user.iter().filter(|s| s.is("safe", "directory")) {
            let value = setting.value.as_deref().unwrap_or_default();
            let value = value.replace('\\', "/");
            safe = match value.as_str() {
                "" => false,
                "*" => true,
                value => {
                    safe || match value.strip_suffix("/*") {
                        Some(prefix) => here.starts_with(prefix.trim_end_matches('/')),
                        None => value.trim_end_matches('/') == here,
                    }
                }
            };
        }
        safe
    }

    /// The excludes file git would read: the last `core.excludesFile` of the user's settings
    /// and the repository's (the latter only when it names a file inside the repository, so
    /// that a repository cannot point this tool at another of the user's files), else git's
    /// default `$XDG_CONFIG_HOME/git/ignore`.
    fn excludes_file(
        &self,
        user: &[Setting],
        repository: &[Setting],
        dirs: &GitDirs,
    ) -> Option<PathBuf> {
        let inside = |path: &Path| {
            let real = path.canonicalize().ok();
            [&self.worktree, &dirs.dir, &dirs.common]
                .iter()
                .any(|root| {
                    let root = root.canonicalize().ok();
                    matches!((&real, &root), (Some(real), Some(root)) if real.starts_with(root))
                })
        };
        let from_repository = last(repository, "core", "excludesfile")
            .and_then(|value| self.expand(value, Some(&self.worktree)))
            .filter(|path| inside(path));
        from_repository
            .or_else(|| {
                last(user, "core", "excludesfile")
                    .and_then(|value| self.expand(value, Some(&self.worktree)))
            })
            .or_else(|| self.user.xdg.as_ref().map(|x| x.join("git/ignore")))
    }

    /// The settings of a configuration file; none when there is none.
    fn settings_of(&self, path: &Path) -> Result<Vec<Setting>, CannotTell> {
        Ok(self
            .read_capped(path, MAX_FILE)?
            .map(|bytes| config::settings(&String::from_utf8_lossy(&bytes)))
            .unwrap_or_default())
    }

    /// A file of ignore rules, when there is one.
    fn ignore_file(&self, path: &Path) -> Result<Option<IgnoreFile>, CannotTell> {
        Ok(self.read_capped(path, MAX_FILE)?.map(|bytes| IgnoreFile {
            path: paths::display(path),
            bytes,
        }))
    }

    /// Whether the index at `path` holds each of `envs`; none tracked when there is no index.
    fn tracked(
        &self,
        path: &Path,
        hash_len: usize,
        envs: &[Vec<u8>],
    ) -> Result<Vec<bool>, CannotTell> {
        self.in_time()?;
        let Some((file, size)) = reading::open(path, MAX_INDEX)
            .map_err(|e| CannotTell::Unreadable(path.to_path_buf(), e))?
        else {
            return Ok(vec![false; envs.len()]);
        };
        let stream = Until {
            inner: file.take(size),
            until: self.until,
        };
        match index::tracked(stream, size, hash_len, envs) {
            Err(IndexError::Io(ErrorKind::TimedOut)) => Err(self.too_slow()),
            found => found.map_err(|e| CannotTell::Index(path.to_path_buf(), e)),
        }
    }

    /// The bytes of the file at `path` (see `reading`), at most `max`; none when there is none.
    fn read_capped(&self, path: &Path, max: u64) -> Result<Option<Vec<u8>>, CannotTell> {
        self.in_time()?;
        reading::read(path, max).map_err(|e| CannotTell::Unreadable(path.to_path_buf(), e))
    }

    fn in_time(&self) -> Result<(), CannotTell> {
        if Instant::now() < self.until {
            Ok(())
        } else {
            Err(self.too_slow())
        }
    }

    fn too_slow(&self) -> CannotTell {
        CannotTell::TooSlow(self.worktree.clone())
    }
}

/// The last value of `section.name`.
fn last<'a>(settings: &'a [Setting], section: &str, name: &str) -> Option<&'a str> {
    settings
        .iter()
        .rev()
        .find(|s| s.is(section, name))
        .map(|s| s.value.as_deref().unwrap_or("true"))
}

/// A value git reads as true.
fn is_true(value: &str) -> bool {
    ["true", "yes", "on", "1"]
        .iter()
        .any(|t| value.eq_ignore_ascii_case(t))
}

/// A stream that ends in an error (`TimedOut`) once its deadline has passed.
struct Until<R> {
    inner: R,
    until: Instant,
}

impl<R: Read> Read for Until<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if Instant::now() >= self.until {
            return Err(ErrorKind::TimedOut.into());
        }
        self.inner.read(buf)
    }
}

fn unreadable(path: &Path, error: &std::io::Error) -> CannotTell {
    CannotTell::Unreadable(path.to_path_buf(), Unreadable::Io(error.kind()))
}

/// Why what git makes of the `.env` files cannot be told; the component words its answer
/// with this text.
#[derive(Debug)]
enum CannotTell {
    /// A file git would read could not be (see `reading`).
    Unreadable(PathBuf, Unreadable),
    /// Includes deeper, or more of them, than git follows.
    TooMuchConfig(PathBuf),
    /// Another user's, and not named by the user's `safe.directory`: why, in words.
    NotOwned(PathBuf, String),
    /// A `.git` that is neither a directory nor a `gitdir:` file.
    NotGitLink(PathBuf),
    /// A git directory that is not a directory.
    NotADirectory(PathBuf),
    /// An index this lookup does not read.
    Index(PathBuf, IndexError),
    /// Reading took longer than `DEADLINE`, at the working tree named.
    TooSlow(PathBuf),
}

impl fmt::Display for CannotTell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |path: &Path| paths::display(path);
        match self {
            Self::Unreadable(path, why) => f.write_str(&why.about(path)),
            Self::TooMuchConfig(path) => write!(
                f,
                "{} includes more configuration than git itself follows",
                shown(path)
            ),
            Self::NotOwned(path, why) => write!(
                f,
                "{} {why}, and git itself would not read that repository (safe.directory)",
                shown(path)
            ),
            Self::NotGitLink(path) => write!(
                f,
                "{} is neither a directory nor a file naming one (gitdir: …)",
                shown(path)
            ),
            Self::NotADirectory(path) => write!(f, "{} is not a directory", shown(path)),
            Self::Index(path, IndexError::Malformed(what)) => {
                write!(f, "{} is not an index git wrote: {what}", shown(path))
            }
            Self::Index(path, IndexError::Split) => write!(
                f,
                "{} is a split index (core.splitIndex), whose other part is not read",
                shown(path)
            ),
            Self::Index(path, IndexError::Sparse) => write!(
                f,
                "{} is a sparse index that does not list the file's directory",
                shown(path)
            ),
            Self::Index(path, IndexError::Io(kind)) => {
                write!(f, "{} could not be read ({kind})", shown(path))
            }
            Self::TooSlow(worktree) => write!(
                f,
                "reading the repository at {} took longer than {} s",
                shown(worktree),
                DEADLINE.as_secs()
            ),
        }
    }
}

#[cfg(test)]
mod tests;
