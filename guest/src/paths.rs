//! Paths as the host's system writes them, and the shell commands the advice shows for it. The
//! component never touches a path; it only shows them, and joins a name onto a directory the
//! host named. A directory the host names is absolute, so its own form says how to join onto
//! it: `C:\…` or `\\…` takes `\`; anything else takes `/`.

use crate::wit::types::System;

/// The separator of the system that wrote `dir`.
pub fn separator(dir: &str) -> char {
    let bytes = dir.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive || dir.starts_with("\\\\") {
        '\\'
    } else {
        '/'
    }
}

/// How to set `name` for this session in the user's shell: PowerShell on Windows.
pub fn set_in_shell(system: System, name: &str) -> String {
    match system {
        System::Windows => format!("`$env:{name} = 'sk-...'` in PowerShell"),
        System::Unix => format!("`export {name}='sk-...'` in your shell"),
    }
}

/// `name` (which may hold `/`) inside `dir`, in `dir`'s own form, without doubling a separator
/// `dir` ends with.
pub fn join(dir: &str, name: &str) -> String {
    let sep = separator(dir);
    let name = name.replace('/', &sep.to_string());
    if dir.ends_with(['/', '\\']) {
        format!("{dir}{name}")
    } else {
        format!("{dir}{sep}{name}")
    }
}

/// The last name in `dir`.
pub fn last(dir: &str) -> &str {
    dir.trim_end_matches(['/', '\\'])
        .rsplit(separator(dir))
        .next()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_system_keeps_its_own_separator() {
        assert_eq!(join("/home/me", ".env"), "/home/me/.env");
        assert_eq!(join("/", ".env"), "/.env");
        assert_eq!(join(r"C:\Users\me", ".env"), r"C:\Users\me\.env");
        assert_eq!(join(r"C:\", ".env"), r"C:\.env");
        assert_eq!(
            join(r"\\?\C:\work", "scripts/check_update.py"),
            r"\\?\C:\work\scripts\check_update.py"
        );
        assert_eq!(
            join(r"\\server\share\p", "skills"),
            r"\\server\share\p\skills"
        );
        assert_eq!(last(r"C:\Users\me\app"), "app");
        assert_eq!(last("/home/me/app/"), "app");
        // A Unix name may hold a backslash; it is a name, not a separator.
        assert_eq!(last(r"/home/me/a\b"), r"a\b");
    }

    #[test]
    fn the_shell_advice_fits_the_system() {
        assert_eq!(
            set_in_shell(System::Unix, "DASHSCOPE_API_KEY"),
            "`export DASHSCOPE_API_KEY='sk-...'` in your shell"
        );
        assert_eq!(
            set_in_shell(System::Windows, "DASHSCOPE_API_KEY"),
            "`$env:DASHSCOPE_API_KEY = 'sk-...'` in PowerShell"
        );
    }
}
