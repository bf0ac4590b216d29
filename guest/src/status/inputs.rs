//! What `status` reads: the granted environment and the project's files, gathered through the
//! `project` import or handed over by a caller of the pure `resolve` export.

use std::rc::Rc;

use crate::chain;
use crate::wit::policy::DirectoryInput;
use crate::wit::project::{Directory, FileContents, GitAnswer, ProjectFile, ReadError};
use crate::wit::types::Source;

/// What the host handed over: the granted environment and the project files.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub env: Vec<(String, String)>,
    /// The current directory first, then its ancestors.
    pub dirs: Vec<Directory>,
    /// `.env` files in priority order.
    pub dotenvs: Vec<FileInput>,
    /// `.gitignore` files from the repository's top down to the current directory.
    pub gitignores: Vec<FileInput>,
    /// How to ask git about the `.env` files, when the caller can; none for the pure export.
    pub git: Option<GitLookup>,
}

/// One file read through the `project` import.
#[derive(Debug, Clone)]
pub struct FileInput {
    pub source: Source,
    pub depth: usize,
    pub read: Result<Option<FileContents>, ReadError>,
}

/// What git makes of the `.env` files at some depths: asked once, and only when a file that
/// holds a secret is in a repository, since reading a repository costs more than the rest of
/// `status`.
#[derive(Clone)]
pub struct GitLookup(Rc<Ask>);

/// Asking git about the `.env` files at these depths.
type Ask = dyn Fn(&[u32]) -> GitAnswer;

impl GitLookup {
    pub fn new(ask: impl Fn(&[u32]) -> GitAnswer + 'static) -> Self {
        Self(Rc::new(ask))
    }

    pub fn ask(&self, depths: &[u32]) -> GitAnswer {
        (self.0)(depths)
    }
}

impl std::fmt::Debug for GitLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GitLookup")
    }
}

/// Everything the chain needs, given the directories from the current one up and a way to read
/// a file in one of them: the `.env` files the chain consults, and every `.gitignore` from the
/// repository's top (or the current directory, outside one) down. The one place that decides
/// which files are read.
pub fn gather(
    env: Vec<(String, String)>,
    dirs: Vec<Directory>,
    read: impl Fn(usize, ProjectFile) -> Result<Option<FileContents>, ReadError>,
    git: Option<GitLookup>,
) -> Inputs {
    let top = git_top(&dirs);
    let dotenvs = dotenv_locations(&dirs)
        .into_iter()
        .map(|(source, depth)| FileInput {
            source,
            depth,
            read: read(depth, ProjectFile::Dotenv),
        })
        .collect();
    let gitignores = (0..=top.unwrap_or(0))
        .map(|depth| FileInput {
            source: Source::CwdDotenv,
            depth,
            read: read(depth, ProjectFile::Gitignore),
        })
        .collect();
    Inputs {
        env,
        dirs,
        dotenvs,
        gitignores,
        git,
    }
}

/// Inputs a caller gathered itself (the pure `resolve` export): for each directory from the
/// current one up, its markers and the files it holds. A `.env` over 1 MiB counts as
/// unusable, as the `project` import would report it.
pub fn inputs_from(env: Vec<(String, String)>, directories: &[DirectoryInput]) -> Inputs {
    let dirs = directories
        .iter()
        .map(|d| Directory {
            path: d.path.clone(),
            has_git: d.has_git,
            has_skills: d.has_skills,
            has_dotenv_local: d.has_dotenv_local,
        })
        .collect();
    gather(
        env,
        dirs,
        |depth, file| {
            let Some(d) = directories.get(depth) else {
                return Ok(None);
            };
            let (bytes, mode) = match file {
                ProjectFile::Dotenv => (&d.dotenv, d.dotenv_mode),
                ProjectFile::Gitignore => (&d.gitignore, None),
            };
            match bytes {
                None => Ok(None),
                Some(b) if b.len() > MAX_DOTENV => Err(ReadError::TooLarge(b.len() as u64)),
                Some(b) => Ok(Some(FileContents {
                    bytes: b.clone(),
                    mode,
                })),
            }
        },
        None,
    )
}

/// For tests: a project of one directory, `/p`, with `env` and the given files.
#[cfg(test)]
pub fn one_directory(
    env: &[(&str, &str)],
    dotenv: Option<&str>,
    gitignore: Option<&str>,
    has_git: bool,
) -> Inputs {
    let directory = DirectoryInput {
        path: "/p".into(),
        has_git,
        has_skills: false,
        has_dotenv_local: false,
        dotenv: dotenv.map(|t| t.as_bytes().to_vec()),
        dotenv_mode: Some(0o600),
        gitignore: gitignore.map(|t| t.as_bytes().to_vec()),
    };
    let env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    inputs_from(env, &[directory])
}

/// The most of a `.env` file the policy reads, as docs/behaviour.md#dotenv says.
pub use qianwen_auth_facts::limits::MAX_PROJECT_FILE as MAX_DOTENV;

/// The `.env` files the chain consults, as (source, depth): the current directory's, and the
/// repository root's when that is another directory.
pub fn dotenv_locations(dirs: &[Directory]) -> Vec<(Source, usize)> {
    let mut out = vec![(Source::CwdDotenv, 0)];
    if let Some(root) = chain::repo_root(dirs.iter().map(|d| (d.has_git, d.has_skills)))
        && root > 0
    {
        out.push((Source::RepoDotenv, root));
    }
    out
}

/// The depth of the repository's top for git: the nearest directory with a `.git` entry.
pub fn git_top(dirs: &[Directory]) -> Option<usize> {
    dirs.iter().position(|d| d.has_git)
}

/// The path of `name` inside the directory at `depth`.
pub fn file_path(dirs: &[Directory], depth: usize, name: &str) -> String {
    crate::paths::join(dirs.get(depth).map_or("/", |d| d.path.as_str()), name)
}
