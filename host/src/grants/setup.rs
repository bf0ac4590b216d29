//! The `setup` import, for `init` only: `./.env` and `./.gitignore` may gain a line at the end,
//! or have one stated line replaced. Both are read and written through one handle on the
//! current directory (see `files`), refused inside a `skills/` hierarchy. Each change is a whole
//! new file, written beside the old one and renamed over it, keeping its mode. The only key that
//! can be written is the one the user gave on standard input, which the host holds and the
//! component never hands back.

use std::path::Path;

use crate::bindings::qianwen::auth::setup::{LineRef, ProjectFile, SetupError};
use crate::files::{CannotChange, DirRefused, WritableDir};
use crate::grants::project::MAX_FILE;
use qianwen_auth_facts::keys;

const KEY_NAMES: [&str; 2] = ["QIANWEN_API_KEY", "DASHSCOPE_API_KEY"];

/// Mode of a new `.env`: only its owner may read it.
const NEW_DOTENV_MODE: u32 = 0o600;
const NEW_GITIGNORE_MODE: u32 = 0o644;

/// The `setup` grant, for `init`: `./.env` and `./.gitignore`, through a handle on the current directory.
pub struct SetupFiles {
    place: WritableDir,
    /// The key read from standard input, if the user gave one.
    key: Option<String>,
}

impl SetupFiles {
    /// The grant for the directory `dir`, or why nothing may be changed there.
    pub fn new(dir: &Path, key: Option<String>) -> Result<Self, DirRefused> {
        Ok(Self {
            place: WritableDir::open(dir, Path::new(""))?,
            key,
        })
    }

    /// Whether each of `files` can be changed: each is loaded as a change would load it.
    pub fn can_change(&self, files: &[ProjectFile]) -> Result<(), SetupError> {
        for file in files {
            self.load(name(*file))?;
        }
        Ok(())
    }

    /// Add `line` at the end of `file`.
    pub fn append_line(&self, file: ProjectFile, line: &str) -> Result<(), SetupError> {
        check_line(line)?;
        self.append(file, line)
    }

    /// Replace the line `at` of `file` with `new`, if it still reads as stated.
    pub fn replace_line(
        &self,
        file: ProjectFile,
        at: &LineRef,
        new: &str,
    ) -> Result<(), SetupError> {
        check_line(new)?;
        self.replace(file, at, new)
    }

    /// Put `NAME=<the key the user piped in>` into `.env`, in place of `at` or appended.
    pub fn write_key(&self, name: &str, at: Option<&LineRef>) -> Result<(), SetupError> {
        let key = self
            .key
            .as_deref()
            .ok_or_else(|| refused("no key was given on standard input"))?;
        if !KEY_NAMES.contains(&name) {
            return Err(refused(
                "a key is written only as QIANWEN_API_KEY or DASHSCOPE_API_KEY",
            ));
        }
        if !keys::is_plain(key) {
            return Err(refused(
                "the key given on standard input is not a plain sk- key",
            ));
        }
        match at {
            Some(at) => {
                let export = if at.old.trim_start().starts_with("export ") {
                    "export "
                } else {
                    ""
                };
                self.replace(ProjectFile::Dotenv, at, &format!("{export}{name}={key}"))
            }
            None => self.append(ProjectFile::Dotenv, &format!("{name}={key}")),
        }
    }

    /// Make `./.env` readable and writable by its owner only.
    pub fn make_private(&self) -> Result<(), SetupError> {
        let name = name(ProjectFile::Dotenv);
        self.place
            .set_mode(name, NEW_DOTENV_MODE)
            .map_err(|why| cannot_change(name, why))
    }

    fn append(&self, file: ProjectFile, line: &str) -> Result<(), SetupError> {
        let name = name(file);
        let (mut bytes, mode) = self.load(name)?;
        let eol: &[u8] = if bytes.windows(2).any(|w| w == b"\r\n") {
            b"\r\n"
        } else {
            b"\n"
        };
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.extend_from_slice(eol);
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(eol);
        self.place
            .replace(name, &bytes, mode.unwrap_or(new_mode(file)))
            .map_err(|e| io(&e))
    }

    fn replace(&self, file: ProjectFile, at: &LineRef, new: &str) -> Result<(), SetupError> {
        let name = name(file);
        let (bytes, mode) = self.load(name)?;
        let mut lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        let index = (at.number as usize)
            .checked_sub(1)
            .filter(|&i| i < lines.len())
            .ok_or_else(|| refused("there is no such line"))?;
        let line = lines[index];
        let content_len = line.len()
            - line
                .iter()
                .rev()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        if &line[..content_len] != at.old.as_bytes() {
            return Err(SetupError::Changed);
        }
        let mut replaced = new.as_bytes().to_vec();
        replaced.extend_from_slice(&line[content_len..]);
        lines[index] = &replaced;
        self.place
            .replace(name, &lines.concat(), mode.unwrap_or(new_mode(file)))
            .map_err(|e| io(&e))
    }

    /// The file's bytes and mode; empty and no mode when it does not exist. Links, non-files
    /// and files over 1 MiB are refused.
    fn load(&self, name: &str) -> Result<(Vec<u8>, Option<u32>), SetupError> {
        match self.place.existing(name, MAX_FILE) {
            Ok(None) => Ok((Vec::new(), None)),
            Ok(Some((bytes, mode))) => Ok((bytes, mode)),
            Err(why) => Err(cannot_change(name, why)),
        }
    }
}

/// Why `./name` cannot be changed, as the component is told.
fn cannot_change(name: &str, why: CannotChange) -> SetupError {
    match why {
        CannotChange::Link => SetupError::Refused(format!(
            "./{name} is a symbolic link; init does not write through links, so edit it by hand"
        )),
        CannotChange::NotAFile => SetupError::Refused(format!("./{name} is not a regular file")),
        CannotChange::TooLarge => SetupError::Refused(format!("./{name} is larger than 1 MiB")),
        CannotChange::Io(e) => io(&e),
    }
}

fn name(file: ProjectFile) -> &'static str {
    match file {
        ProjectFile::Dotenv => ".env",
        ProjectFile::Gitignore => ".gitignore",
    }
}

fn new_mode(file: ProjectFile) -> u32 {
    match file {
        ProjectFile::Dotenv => NEW_DOTENV_MODE,
        ProjectFile::Gitignore => NEW_GITIGNORE_MODE,
    }
}

fn refused(why: &str) -> SetupError {
    SetupError::Refused(why.to_string())
}

/// One line of text, holding nothing shaped like a key.
fn check_line(line: &str) -> Result<(), SetupError> {
    if line.contains(['\n', '\r']) {
        return Err(refused("a line may not hold a line break"));
    }
    if keys::holds_key_shape(line) {
        return Err(refused("a line may not hold a key"));
    }
    Ok(())
}

fn io(error: &std::io::Error) -> SetupError {
    SetupError::Io(error.to_string())
}

// Links, FIFOs and modes throughout: Unix only.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

    fn setup(dir: &Path) -> SetupFiles {
        SetupFiles::new(dir, Some(KEY.into())).unwrap()
    }

    fn read(dir: &Path, name: &str) -> String {
        fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn appending_never_glues_lines_and_keeps_crlf() {
        let tmp = tempfile::tempdir().unwrap();
        let s = setup(tmp.path());
        s.append_line(ProjectFile::Gitignore, ".env").unwrap();
        assert_eq!(read(tmp.path(), ".gitignore"), ".env\n");
        fs::write(tmp.path().join(".gitignore"), "node_modules").unwrap();
        s.append_line(ProjectFile::Gitignore, ".env").unwrap();
        assert_eq!(read(tmp.path(), ".gitignore"), "node_modules\n.env\n");
        fs::write(tmp.path().join(".gitignore"), "a\r\nb").unwrap();
        s.append_line(ProjectFile::Gitignore, ".env").unwrap();
        assert_eq!(read(tmp.path(), ".gitignore"), "a\r\nb\r\n.env\r\n");
    }

    #[test]
    fn new_dotenv_is_private_and_old_modes_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let s = setup(tmp.path());
        s.append_line(ProjectFile::Dotenv, "DASHSCOPE_API_KEY=sk-your-key-here")
            .unwrap();
        let mode = fs::metadata(tmp.path().join(".env"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        fs::set_permissions(tmp.path().join(".env"), fs::Permissions::from_mode(0o640)).unwrap();
        s.append_line(ProjectFile::Dotenv, "A=1").unwrap();
        let mode = fs::metadata(tmp.path().join(".env"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn replacing_checks_the_stated_line() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(".env"), "A=1\r\nDASHSCOPE_API_KEY=\r\nB=2").unwrap();
        let s = setup(tmp.path());
        let at = LineRef {
            number: 2,
            old: "DASHSCOPE_API_KEY=".into(),
        };
        s.replace_line(
            ProjectFile::Dotenv,
            &at,
            "DASHSCOPE_API_KEY=sk-your-key-here",
        )
        .unwrap();
        assert_eq!(
            read(tmp.path(), ".env"),
            "A=1\r\nDASHSCOPE_API_KEY=sk-your-key-here\r\nB=2"
        );
        assert!(matches!(
            s.replace_line(ProjectFile::Dotenv, &at, "X=1"),
            Err(SetupError::Changed)
        ));
        let beyond = LineRef {
            number: 9,
            old: String::new(),
        };
        assert!(matches!(
            s.replace_line(ProjectFile::Dotenv, &beyond, "X=1"),
            Err(SetupError::Refused(_))
        ));
    }

    #[test]
    fn the_key_comes_only_from_the_host() {
        let tmp = tempfile::tempdir().unwrap();
        let s = setup(tmp.path());
        for line in [
            format!("DASHSCOPE_API_KEY={KEY}"),
            "A=1\nB=2".into(),
            "A=sk-abcdefghijkl0123456789".into(),
        ] {
            assert!(matches!(
                s.append_line(ProjectFile::Dotenv, &line),
                Err(SetupError::Refused(_))
            ));
        }
        // Words that hold `sk-` are not keys.
        s.append_line(
            ProjectFile::Gitignore,
            "/flask-api-server/task-queue-worker-2",
        )
        .unwrap();
        fs::write(
            tmp.path().join(".env"),
            "export DASHSCOPE_API_KEY=sk-your-key-here\n",
        )
        .unwrap();
        let at = LineRef {
            number: 1,
            old: "export DASHSCOPE_API_KEY=sk-your-key-here".into(),
        };
        s.write_key("DASHSCOPE_API_KEY", Some(&at)).unwrap();
        assert_eq!(
            read(tmp.path(), ".env"),
            format!("export DASHSCOPE_API_KEY={KEY}\n")
        );
        assert!(s.write_key("OPENAI_API_KEY", None).is_err());
        let none = SetupFiles::new(tmp.path(), None).unwrap();
        assert!(matches!(
            none.write_key("DASHSCOPE_API_KEY", None),
            Err(SetupError::Refused(_))
        ));
    }

    #[test]
    fn links_and_directories_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("elsewhere"), "keep").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), tmp.path().join(".env")).unwrap();
        let s = setup(tmp.path());
        assert!(matches!(
            s.append_line(ProjectFile::Dotenv, "A=1"),
            Err(SetupError::Refused(_))
        ));
        assert_eq!(read(tmp.path(), "elsewhere"), "keep");
        fs::create_dir(tmp.path().join(".gitignore")).unwrap();
        assert!(matches!(
            s.append_line(ProjectFile::Gitignore, ".env"),
            Err(SetupError::Refused(_))
        ));
    }

    #[test]
    fn nothing_is_changed_inside_a_skills_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let skill = tmp.path().join("skills/some-skill");
        fs::create_dir_all(&skill).unwrap();
        let why = SetupFiles::new(&skill, None).err().unwrap();
        assert!(why.to_string().contains("skills/"), "{why}");
    }
}
