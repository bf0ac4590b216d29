//! The `.env` files on the chain: read and parsed, and checked as files that hold secrets must
//! be (docs/behaviour.md#git-hygiene): private to their owner, and ignored by git.

use qianwen_auth_facts::variables::GRANTED;

use super::inputs::{FileInput, Inputs, file_path, git_top};
use super::warning;
use crate::dotenv::{self, Parsed, Unresolved};
use crate::gitignore::{self, Rules};
use crate::wit::project::{Directory, GitAnswer, IgnoreFile, ReadError};
use crate::wit::types::{DotenvState, Source, Warning, WarningCode};

/// A `.env` file after reading and parsing.
pub struct DotenvFile {
    pub source: Source,
    pub depth: usize,
    pub path: String,
    pub parsed: Option<Parsed>,
    pub mode: Option<u32>,
    /// `absent`, `read` or `unusable`.
    pub state: DotenvState,
}

/// Read and parse one `.env` file, with warnings for its syntax, duplicates and read errors.
pub fn read_dotenv(inputs: &Inputs, input: &FileInput, warnings: &mut Vec<Warning>) -> DotenvFile {
    let path = file_path(&inputs.dirs, input.depth, ".env");
    let mut dotenv = DotenvFile {
        source: input.source,
        depth: input.depth,
        path: path.clone(),
        parsed: None,
        mode: None,
        state: DotenvState::Absent,
    };
    match &input.read {
        Ok(None) => {}
        Ok(Some(file)) => {
            let mut parsed = dotenv::parse(&file.bytes);
            dotenv::expand(&mut parsed, |name| {
                inputs
                    .env
                    .iter()
                    .find(|(n, _)| n == name && GRANTED.contains(&name))
                    .map(|(_, value)| value.clone())
            });
            warnings.extend(parse_warnings(&parsed, &path));
            dotenv.mode = file.mode;
            dotenv.parsed = Some(parsed);
            dotenv.state = DotenvState::Read;
        }
        Err(error) => {
            dotenv.state = DotenvState::Unusable;
            warnings.push(warning(
                WarningCode::DotenvUnusable,
                format!("{path} {}; it is ignored", read_error(error)),
            ));
        }
    }
    dotenv
}

/// Warnings about a parsed `.env` file: its syntax, references to nothing, and variables set
/// twice.
fn parse_warnings(parsed: &Parsed, path: &str) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for problem in parsed.describe_problems(path) {
        warnings.push(warning(WarningCode::DotenvSyntax, problem));
    }
    for entry in parsed
        .entries
        .iter()
        .filter(|e| GRANTED.contains(&e.name.as_str()))
    {
        if let Some(reference) = &entry.reference {
            warnings.push(warning(
                WarningCode::DotenvReference,
                format!(
                    "{path}:{}: {} {}, so it counts as unset",
                    entry.line,
                    entry.name,
                    unresolved(reference)
                ),
            ));
        }
    }
    for name in GRANTED {
        let lines: Vec<u32> = parsed
            .entries
            .iter()
            .filter(|e| e.name == name)
            .map(|e| e.line)
            .collect();
        if let [.., before, last] = lines[..] {
            warnings.push(warning(
                WarningCode::DotenvDuplicate,
                format!(
                    "{path}:{last}: {name} is set again (also on line {before}); \
                     the last one counts"
                ),
            ));
        }
    }
    warnings
}

/// Why a reference could not be resolved, in words that follow the variable's name.
fn unresolved(reference: &Unresolved) -> String {
    match reference {
        Unresolved::Missing(name) => {
            // Variables are named in capitals; anything else after a `$` may be a key pasted
            // there, and is not repeated.
            let named = name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let what = if named {
                format!("{name}, which is")
            } else {
                "a variable (not named here: it is not written in capitals, and might be part \
                 of a key), which is"
                    .to_string()
            };
            format!(
                "refers to {what} neither set before it in this file nor a variable this tool \
                 reads"
            )
        }
        Unresolved::TooLong => format!(
            "refers to variables that expand, with the references before it, to more than the \
             {} MiB a .env file may hold (each reference to a reference multiplies the text)",
            dotenv::MAX_EXPANDED >> 20
        ),
    }
}

/// Why a project file could not be used, in words that follow its path.
pub fn read_error(error: &ReadError) -> String {
    match error {
        ReadError::TooLarge(size) => {
            format!("is larger than the 1 MiB a .env file may be ({size} bytes)")
        }
        ReadError::NotAFile => "is not a regular file".into(),
        ReadError::SymlinkOutside => {
            "is a symbolic link to a file outside its directory, which is not followed".into()
        }
        ReadError::NoSuchDirectory => "is in a directory that does not exist".into(),
        ReadError::Io(why) => format!("could not be read ({why})"),
    }
}

/// Warnings about the files that hold secrets: readable by others, tracked by git, or not
/// ignored by it. Git is asked once, and only about the files that hold a secret inside a
/// repository; its ignore rules are judged here, with the `.gitignore` files, by one matcher.
pub fn check_files(inputs: &Inputs, dotenvs: &[DotenvFile], warnings: &mut Vec<Warning>) {
    let secret: Vec<&DotenvFile> = dotenvs
        .iter()
        .filter(|d| d.parsed.as_ref().is_some_and(Parsed::holds_secret))
        .collect();
    warnings.extend(secret.iter().filter_map(|d| readable_by_others(d)));
    let Some(top) = git_top(&inputs.dirs) else {
        return;
    };
    let in_repository: Vec<&DotenvFile> = secret.into_iter().filter(|d| d.depth <= top).collect();
    if in_repository.is_empty() {
        return;
    }
    let depths: Vec<u32> = in_repository
        .iter()
        .map(|d| u32::try_from(d.depth).unwrap_or(u32::MAX))
        .collect();
    let (tracked, mut rules, unknown) = match inputs.git.as_ref().map(|git| git.ask(&depths)) {
        Some(GitAnswer::Repository(repository)) => {
            // Lowest precedence first: the excludes file, then info/exclude.
            let rules = [repository.excludes_file, repository.info_exclude]
                .into_iter()
                .flatten()
                .map(|file| ignore_rules(&file))
                .collect();
            (repository.tracked, rules, None)
        }
        Some(GitAnswer::CannotTell(why)) => (Vec::new(), Vec::new(), Some(why)),
        Some(GitAnswer::NoRepository) | None => (Vec::new(), Vec::new(), None),
    };
    rules.extend(gitignore_rules(inputs, top));
    for (d, depth) in in_repository.into_iter().zip(depths) {
        let ignored = gitignore::is_ignored(&rules, &relative_path(&inputs.dirs, top, d.depth));
        let tracked = tracked.contains(&depth);
        warnings.extend(git_warnings(d, ignored, tracked, unknown.as_deref()));
    }
}

/// A `permissions` warning for a `.env` file holding a secret that others may read.
fn readable_by_others(d: &DotenvFile) -> Option<Warning> {
    let mode = d.mode.filter(|mode| mode & 0o044 != 0)?;
    Some(warning(
        WarningCode::DotenvPermissions,
        format!(
            "{} holds a secret and is readable by other users (mode {:03o}); run \
             `chmod 600 {}`",
            d.path, mode, d.path
        ),
    ))
}

/// What git makes of a `.env` file holding a secret: tracked, not ignored, or not known.
fn git_warnings(
    d: &DotenvFile,
    ignored: bool,
    tracked: bool,
    unknown: Option<&str>,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if let Some(why) = unknown {
        warnings.push(warning(
            WarningCode::GitUnknown,
            format!(
                "{} holds a secret, but whether git tracks it cannot be told: {why}; whether \
                 git ignores it was judged from the .gitignore files alone",
                d.path
            ),
        ));
    }
    if tracked {
        // As typed in the current directory.
        let typed = format!("{}.env", "../".repeat(d.depth));
        let also = if ignored {
            String::new()
        } else {
            " and add `.env` to .gitignore".to_string()
        };
        warnings.push(warning(
            WarningCode::DotenvTracked,
            format!(
                "{} holds a secret and git tracks it, so the secret is in the repository \
                 (whatever .gitignore says): run `git rm --cached {typed}`{also}, \
                 commit, and rotate the key (create a new one on the API-key page and delete \
                 the old one), since anyone with the repository's history has it",
                d.path
            ),
        ));
    } else if !ignored {
        warnings.push(warning(
            WarningCode::DotenvNotIgnored,
            format!(
                "{} holds a secret but git does not ignore it; add `.env` to .gitignore so \
                 it is never committed",
                d.path
            ),
        ));
    }
    warnings
}

/// Rules git reads besides the `.gitignore` files, which apply from the repository's top.
fn ignore_rules(file: &IgnoreFile) -> Rules {
    Rules::parse("", &String::from_utf8_lossy(&file.bytes))
}

/// The parsed `.gitignore` files, top down, each with its directory relative to `top`.
fn gitignore_rules(inputs: &Inputs, top: usize) -> Vec<Rules> {
    let mut files: Vec<&FileInput> = inputs
        .gitignores
        .iter()
        .filter(|g| g.depth <= top)
        .collect();
    files.sort_by_key(|g| std::cmp::Reverse(g.depth));
    files
        .into_iter()
        .filter_map(|g| match &g.read {
            Ok(Some(file)) => Some(Rules::parse(
                relative_dir(&inputs.dirs, top, g.depth).as_str(),
                &String::from_utf8_lossy(&file.bytes),
            )),
            _ => None,
        })
        .collect()
}

/// The directory at `depth`, relative to the one at `top` (a greater depth).
pub fn relative_dir(dirs: &[Directory], top: usize, depth: usize) -> String {
    let names: Vec<&str> = (depth..top)
        .rev()
        .filter_map(|d| dirs.get(d))
        .map(|d| crate::paths::last(&d.path))
        .collect();
    let sep = dirs
        .get(top)
        .map_or('/', |d| crate::paths::separator(&d.path));
    names.join(&sep.to_string())
}

fn relative_path(dirs: &[Directory], top: usize, depth: usize) -> String {
    let dir = relative_dir(dirs, top, depth);
    if dir.is_empty() {
        ".env".into()
    } else {
        let sep = dirs
            .get(top)
            .map_or('/', |d| crate::paths::separator(&d.path));
        format!("{dir}{sep}.env")
    }
}
