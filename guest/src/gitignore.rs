//! SPEC §3: `.env` files belong in `.gitignore`. This answers one question, whether git would
//! ignore a given path, from the `.gitignore` files between the repository's top and that path.
//!
//! It follows gitignore(5): comments, `\` escapes, trailing-space trimming, `!` negation, a
//! trailing `/` for directories only, a `/` elsewhere anchoring the pattern to its file's
//! directory, `*`, `?`, `[...]` and `**`; deeper files override higher ones, the last matching
//! line wins, and nothing inside an ignored directory can be re-included. It does not read
//! `.git/info/exclude` or the user's global excludes file, which the component cannot see.

/// The patterns of one `.gitignore` file.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// The file's directory, relative to the repository's top (`""` for the top itself).
    base: String,
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    glob: Vec<u8>,
    negate: bool,
    dir_only: bool,
    /// The pattern holds a `/` before its end, so it matches relative to `base` only.
    anchored: bool,
}

impl Rules {
    /// Parse the text of the `.gitignore` in `base`.
    pub fn parse(base: &str, text: &str) -> Self {
        let patterns = text.lines().filter_map(pattern).collect();
        Self {
            base: base.trim_matches('/').to_string(),
            patterns,
        }
    }

    /// The decision of this file for `path` (relative to the repository's top): `Some(true)`
    /// ignored, `Some(false)` re-included, `None` no line matches.
    fn decide(&self, path: &str, is_dir: bool) -> Option<bool> {
        let rel = if self.base.is_empty() {
            path
        } else {
            path.strip_prefix(&self.base)?.strip_prefix('/')?
        };
        self.patterns
            .iter()
            .rev()
            .find(|p| p.matches(rel, is_dir))
            .map(|p| !p.negate)
    }
}

/// Whether git would ignore the file at `path` (relative to the repository's top, `/`
/// separated), given the `.gitignore` files that apply, from the top down.
pub fn is_ignored(files: &[Rules], path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for end in 1..=parts.len() {
        let prefix = parts[..end].join("/");
        let is_dir = end < parts.len();
        let decision = files
            .iter()
            .rev()
            .find_map(|rules| rules.decide(&prefix, is_dir));
        if decision == Some(true) {
            return true;
        }
    }
    false
}

fn pattern(line: &str) -> Option<Pattern> {
    let mut line = trim_unescaped_trailing_spaces(line);
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let negate = line.starts_with('!');
    // `!` negates; `\!` and `\#` escape a leading `!` or `#`. Either way one character goes.
    if negate || line.starts_with("\\!") || line.starts_with("\\#") {
        line = &line[1..];
    }
    let dir_only = line.ends_with('/') && !line.ends_with("\\/");
    let line = line.strip_suffix('/').filter(|_| dir_only).unwrap_or(line);
    if line.is_empty() {
        return None;
    }
    let anchored = line.contains('/');
    let line = line.strip_prefix('/').unwrap_or(line);
    Some(Pattern {
        glob: line.as_bytes().to_vec(),
        negate,
        dir_only,
        anchored,
    })
}

fn trim_unescaped_trailing_spaces(line: &str) -> &str {
    let mut end = line.len();
    let bytes = line.as_bytes();
    while end > 0 && bytes[end - 1] == b' ' {
        if end >= 2 && bytes[end - 2] == b'\\' {
            break;
        }
        end -= 1;
    }
    &line[..end]
}

impl Pattern {
    fn matches(&self, rel: &str, is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        if self.anchored {
            wildmatch(&self.glob, rel.as_bytes())
        } else {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            wildmatch(&self.glob, name.as_bytes())
        }
    }
}

/// git's wildmatch with `WM_PATHNAME`: `*`, `?` and classes stop at `/`; `**` between slashes
/// (or at either end) crosses them.
fn wildmatch(pattern: &[u8], text: &[u8]) -> bool {
    matches_from(pattern, text, true)
}

/// `segment_start`: the pattern position follows its start or a `/`, where `**` is special.
fn matches_from(pattern: &[u8], text: &[u8], segment_start: bool) -> bool {
    let Some((&p, rest)) = pattern.split_first() else {
        return text.is_empty();
    };
    match p {
        b'*' if rest.first() == Some(&b'*') => {
            let after = &rest[1..];
            if !(segment_start && (after.is_empty() || after[0] == b'/')) {
                return star(after, text);
            }
            if after.is_empty() {
                return true;
            }
            // `**/tail`: `tail` here, or after any `/` further on.
            let tail = &after[1..];
            matches_from(tail, text, true)
                || text
                    .iter()
                    .enumerate()
                    .any(|(i, &c)| c == b'/' && matches_from(tail, &text[i + 1..], true))
        }
        b'*' => star(rest, text),
        b'?' => match text.split_first() {
            Some((&c, t)) if c != b'/' => matches_from(rest, t, false),
            _ => false,
        },
        b'[' => match (text.split_first(), class(rest)) {
            (Some((&c, t)), Some((set, after))) if c != b'/' && set.contains(c) => {
                matches_from(after, t, false)
            }
            (_, Some(_)) => false,
            // An unclosed `[` is a literal.
            (Some((&b'[', t)), None) => matches_from(rest, t, false),
            _ => false,
        },
        b'\\' if !rest.is_empty() => match text.split_first() {
            Some((&c, t)) if c == rest[0] => matches_from(&rest[1..], t, c == b'/'),
            _ => false,
        },
        _ => match text.split_first() {
            Some((&c, t)) if c == p => matches_from(rest, t, c == b'/'),
            _ => false,
        },
    }
}

/// A single `*`: any run of characters other than `/`, then `rest`.
fn star(rest: &[u8], text: &[u8]) -> bool {
    for i in 0..=text.len() {
        if matches_from(rest, &text[i..], false) {
            return true;
        }
        if i < text.len() && text[i] == b'/' {
            break;
        }
    }
    false
}

/// A bracket class after its `[`: the set it stands for, and the pattern after its `]`.
fn class(pattern: &[u8]) -> Option<(ByteSet, &[u8])> {
    let (negate, mut i) = match pattern.first() {
        Some(b'!' | b'^') => (true, 1),
        _ => (false, 0),
    };
    let mut set = ByteSet::default();
    let mut first = true;
    while i < pattern.len() {
        let mut c = pattern[i];
        if c == b']' && !first {
            set.negate = negate;
            return Some((set, &pattern[i + 1..]));
        }
        first = false;
        if c == b'\\' && i + 1 < pattern.len() {
            i += 1;
            c = pattern[i];
        }
        if i + 2 < pattern.len() && pattern[i + 1] == b'-' && pattern[i + 2] != b']' {
            let mut hi = pattern[i + 2];
            i += 2;
            if hi == b'\\' && i + 1 < pattern.len() {
                i += 1;
                hi = pattern[i];
            }
            set.ranges.push((c, hi));
        } else {
            set.ranges.push((c, c));
        }
        i += 1;
    }
    None
}

#[derive(Default)]
struct ByteSet {
    ranges: Vec<(u8, u8)>,
    negate: bool,
}

impl ByteSet {
    fn contains(&self, c: u8) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negate
    }
}

#[cfg(test)]
mod tests {
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
        assert!(wildmatch(b"[a-c]x", b"bx"));
        assert!(!wildmatch(b"[a-c]x", b"dx"));
        assert!(wildmatch(b"[!a-c]x", b"dx"));
        assert!(wildmatch(b"[]]", b"]"));
        assert!(wildmatch(b"[", b"["));
        assert!(!wildmatch(b"[a]", b"/"));
    }
}
