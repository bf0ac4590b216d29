use super::*;

fn ignored(files: &[(&str, &str)], path: &str) -> bool {
    let rules: Vec<Rules> = files.iter().map(|(b, t)| Rules::parse(b, t)).collect();
    is_ignored(&rules, path)
}

#[test]
fn the_usual_lines_cover_env_files_anywhere() {
    for line in [".env", "*.env", ".env*", "**/.env", ".e?v", ".[e]nv"] {
        assert!(ignored(&[("", line)], ".env"), "{line}");
        assert!(ignored(&[("", line)], "sub/dir/.env"), "{line}");
    }
}

#[test]
fn other_lines_do_not() {
    for line in [
        "",
        "# .env",
        ".env.local",
        "env",
        "/sub/.env",
        "!.env",
        ".env/",
        "[!.]env",
    ] {
        assert!(!ignored(&[("", line)], ".env"), "{line:?}");
    }
}

#[test]
fn anchored_patterns_match_from_their_directory() {
    assert!(ignored(&[("", "/.env")], ".env"));
    assert!(!ignored(&[("", "/.env")], "sub/.env"));
    assert!(ignored(&[("", "sub/.env")], "sub/.env"));
    assert!(!ignored(&[("", "sub/.env")], "x/sub/.env"));
    assert!(ignored(&[("sub", "/.env")], "sub/.env"));
    assert!(ignored(&[("", "sub/**/.env")], "sub/a/b/.env"));
    assert!(ignored(&[("", "sub/**/.env")], "sub/.env"));
    assert!(ignored(&[("", "sub/**")], "sub/a/.env"));
}

#[test]
fn negation_and_order() {
    assert!(!ignored(&[("", "*.env\n!.env")], ".env"));
    assert!(ignored(&[("", "!.env\n*.env")], ".env"));
    // A deeper file overrides a higher one.
    assert!(!ignored(&[("", ".env"), ("sub", "!.env")], "sub/.env"));
    assert!(ignored(&[("", "!.env"), ("sub", ".env")], "sub/.env"));
    // A deeper file does not apply above itself.
    assert!(!ignored(&[("", ""), ("sub", ".env")], ".env"));
}

#[test]
fn an_ignored_directory_cannot_be_reopened() {
    assert!(ignored(&[("", "sub/\n!sub/.env")], "sub/.env"));
    assert!(ignored(&[("", "config")], "config/.env"));
}

#[test]
fn escapes_and_spaces() {
    assert!(ignored(&[("", ".env   ")], ".env"));
    assert!(ignored(&[("", "\\#x")], "#x"));
    assert!(ignored(&[("", "\\!x")], "!x"));
    assert!(ignored(&[("", "a\\ ")], "a "));
    assert!(ignored(&[("", "\\.env")], ".env"));
}

#[test]
fn crlf_files() {
    assert!(ignored(&[("", "node_modules\r\n.env\r\n")], ".env"));
}

#[test]
fn stars_stop_at_slashes() {
    assert!(!ignored(&[("", "sub*env")], "sub/.env"));
    assert!(ignored(&[("", "s*/.env")], "sub/.env"));
    assert!(!ignored(&[("", "*/.env")], "a/b/.env"));
}

#[test]
fn classes() {
    let glob = |g: &str, t: &str| glob_matches(&tokens(g.as_bytes()).unwrap(), t.as_bytes());
    assert!(glob("[a-c]x", "bx"));
    assert!(!glob("[a-c]x", "dx"));
    assert!(glob("[!a-c]x", "dx"));
    assert!(glob("[]]", "]"));
    assert!(glob("[[]", "["));
    assert!(!glob("[a]", "/"));
    assert!(!ignored(&[("", "a[/]b")], "a[/]b"));
}

/// A `[` that never closes makes its pattern match nothing, as git's wildmatch aborts it.
#[test]
fn an_unclosed_bracket_matches_nothing() {
    for line in ["[", ".env[", "[.env", "*[", "a/[b", "!.env\n[", "[[[["] {
        assert!(!ignored(&[("", line)], ".env"), "{line:?}");
        assert!(!ignored(&[("", line)], "["), "{line:?}");
    }
    assert!(!ignored(&[("", "[abc")], "[abc"));
    assert!(
        ignored(&[("", "[\n.env")], ".env"),
        "the next line still counts"
    );
}

/// A megabyte of `[` and of nested brackets: each bracket is scanned once, so parsing and
/// matching cost what the file is long (this ran for minutes when each unclosed `[` was
/// scanned to the end of its line).
#[test]
fn brackets_are_read_in_one_pass() {
    let open = "[".repeat(1 << 20);
    let nested = "[[]".repeat(1 << 18) + "x";
    for text in [
        &open,
        &nested,
        &format!("a/{open}"),
        &format!("**/{nested}/.env"),
    ] {
        let rules = Rules::parse("", text);
        assert!(!is_ignored(&[rules], "sub/.env"));
    }
}

/// A small, reproducible random source: the same cases on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Random patterns against random paths, judged by this module and by git itself
/// (`git check-ignore`): they must agree on every one.
#[test]
fn agrees_with_git() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str], input: Option<&str>| {
        use std::io::Write;
        let mut child = std::process::Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        child
            .stdin
            .take()?
            .write_all(input.unwrap_or("").as_bytes())
            .ok()?;
        Some(String::from_utf8_lossy(&child.wait_with_output().ok()?.stdout).into_owned())
    };
    if git(&["init", "-q"], None).is_none() {
        eprintln!("skipped: git is not installed, so there is nothing to compare with");
        return;
    }
    let pieces = [
        "a", "b", "ab", ".env", "*", "*", "?", "**", "/", "/", "[ab]", "[!a]", "[a-b]", "[]a]",
        "\\*", "\\a", "e", "[",
    ];
    let names = ["a", "b", "ab", "ba", "aab", ".env", "e", "[a"];
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    // `a` is a directory, with a .gitignore of its own now and then.
    std::fs::create_dir(repo.path().join("a")).unwrap();
    let mut paths: Vec<String> = Vec::new();
    for _ in 0..40 {
        let depth = 1 + random.below(4);
        let path: Vec<&str> = (0..depth).map(|_| random.pick(&names)).collect();
        let path = path.join("/");
        let (dirs, _) = path.rsplit_once('/').unwrap_or(("", ""));
        // A name cannot be a file here and a directory there.
        if !dirs.is_empty() && std::fs::create_dir_all(repo.path().join(dirs)).is_err() {
            continue;
        }
        if std::fs::write(repo.path().join(&path), "").is_ok() {
            paths.push(path);
        }
    }
    let lines = |random: &mut Random| -> String {
        let lines: Vec<String> = (0..1 + random.below(3))
            .map(|_| {
                let mut line = String::new();
                if random.below(6) == 0 {
                    line.push('!');
                }
                for _ in 0..1 + random.below(5) {
                    line.push_str(random.pick(&pieces));
                }
                line
            })
            .collect();
        lines.join("\n") + "\n"
    };
    let mut disagreements = Vec::new();
    for _ in 0..1000 {
        let top = lines(&mut random);
        let nested = (random.below(2) == 0).then(|| lines(&mut random));
        std::fs::write(repo.path().join(".gitignore"), &top).unwrap();
        let _ = std::fs::remove_file(repo.path().join("a/.gitignore"));
        if let Some(nested) = &nested {
            std::fs::write(repo.path().join("a/.gitignore"), nested).unwrap();
        }
        let stdin = paths.join("\n") + "\n";
        let Some(out) = git(
            &["check-ignore", "--no-index", "-v", "-n", "--stdin"],
            Some(&stdin),
        ) else {
            continue;
        };
        let mut rules = vec![Rules::parse("", &top)];
        rules.extend(nested.as_deref().map(|text| Rules::parse("a", text)));
        for line in out.lines() {
            let (source, path) = line.split_once('\t').unwrap_or((line, ""));
            let pattern = source.splitn(3, ':').nth(2).unwrap_or("");
            let by_git = !pattern.is_empty() && !pattern.starts_with('!');
            if is_ignored(&rules, path) != by_git {
                disagreements.push(format!("{top:?} {nested:?} {path}: git says {by_git}"));
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
