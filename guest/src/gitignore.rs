//! docs/behaviour.md#masking: `.env` files belong in `.gitignore`. This answers one question,
//! whether git would ignore a given path, from the `.gitignore` files between the repository's top
//! and that path.
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
    /// The literal start of the pattern, up to its first wildcard or escape. git compares it
    /// as it is and matches only the rest as a pattern (`match_pathname` in git's `dir.c`),
    /// which is why `a**/b` matches `ab` and `a/x/b` alike.
    prefix: Vec<u8>,
    /// The rest's path segments; a single segment for a pattern without a `/`.
    segments: Vec<Segment>,
    negate: bool,
    dir_only: bool,
    /// The pattern holds a `/` before its end, so it matches relative to `base` only.
    anchored: bool,
}

/// One segment of a pattern, between slashes.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// `**` (or more stars) standing alone: any number of whole segments.
    Globstar,
    /// Anything else: a glob within one segment.
    Glob(Vec<Token>),
}

/// One step of a glob within a segment.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// `*` (or any run of them): any run of characters.
    Star,
    /// `?`: one character.
    Any,
    Class(ByteSet),
    Literal(u8),
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
    let line = line.strip_prefix('/').unwrap_or(line).as_bytes();
    // Only a pattern matched against a whole path is cut so; one matched against a name is a
    // pattern from its start.
    let literal = if anchored {
        line.iter()
            .position(|c| b"*?[\\".contains(c))
            .unwrap_or(line.len())
    } else {
        0
    };
    let (prefix, rest) = line.split_at(literal);
    let mut segments: Vec<Segment> = Vec::new();
    for raw in split_segments(rest)? {
        // Two stars or more, standing alone between slashes, are git's globstar.
        let segment = if raw.len() >= 2 && raw.iter().all(|&c| c == b'*') {
            Segment::Globstar
        } else {
            Segment::Glob(tokens(raw)?)
        };
        // `**/**` is `**`.
        if !(segment == Segment::Globstar && segments.last() == Some(&Segment::Globstar)) {
            segments.push(segment);
        }
    }
    Some(Pattern {
        prefix: prefix.to_vec(),
        segments,
        negate,
        dir_only,
        anchored,
    })
}

/// The pattern's segments: split at each `/` (escaped or not) outside a bracket class; none
/// when a bracket never closes.
fn split_segments(pattern: &[u8]) -> Option<Vec<&[u8]>> {
    let mut segments = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at < pattern.len() {
        match pattern[at] {
            b'\\' if pattern.get(at + 1) == Some(&b'/') => {
                segments.push(&pattern[start..at]);
                at += 2;
                start = at;
                continue;
            }
            b'\\' => at += 1,
            b'[' => {
                let (_, after) = class(&pattern[at + 1..])?;
                at = pattern.len() - after.len();
                continue;
            }
            b'/' => {
                segments.push(&pattern[start..at]);
                start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    segments.push(&pattern[start..]);
    Some(segments)
}

/// A segment's glob as tokens; a run of `*` is one `Star`. None when a bracket never closes.
fn tokens(glob: &[u8]) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < glob.len() {
        let token = match glob[at] {
            b'*' => {
                at += 1;
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
                continue;
            }
            b'?' => Token::Any,
            b'[' => {
                let (set, after) = class(&glob[at + 1..])?;
                at = glob.len() - after.len();
                out.push(Token::Class(set));
                continue;
            }
            b'\\' if at + 1 < glob.len() => {
                at += 1;
                Token::Literal(glob[at])
            }
            c => Token::Literal(c),
        };
        out.push(token);
        at += 1;
    }
    Some(out)
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
            let Some(rest) = rel.as_bytes().strip_prefix(self.prefix.as_slice()) else {
                return false;
            };
            let text: Vec<&[u8]> = rest.split(|&c| c == b'/').collect();
            path_matches(&self.segments, &text)
        } else {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            match self.segments.first() {
                Some(Segment::Glob(tokens)) => glob_matches(tokens, name.as_bytes()),
                // A lone `**` outside a path is a `*`.
                Some(Segment::Globstar) => true,
                None => false,
            }
        }
    }
}

/// git's wildmatch with `WM_PATHNAME` over whole segments: each glob segment matches one path
/// segment; `**` matches any number of them (at the end, at least one: `a/**` is everything
/// inside `a`). Dynamic
/// programming over segments, one row at a time: time is the product of the two lengths at
/// worst, whatever the pattern, with no backtracking to blow up.
fn path_matches(pattern: &[Segment], text: &[&[u8]]) -> bool {
    let globs = pattern.iter().filter(|s| **s != Segment::Globstar).count();
    if globs > text.len() {
        return false;
    }
    // `next[j]`: the pattern after segment `i` matches `text[j..]`.
    let mut next: Vec<bool> = (0..=text.len()).map(|j| j == text.len()).collect();
    for (i, segment) in pattern.iter().enumerate().rev() {
        let mut row = vec![false; text.len() + 1];
        for j in (0..=text.len()).rev() {
            row[j] = match segment {
                // After the last `/`, `**` matches the rest, even an empty one: there must be a
                // rest (a segment, maybe empty) for the `/` before it to have matched.
                Segment::Globstar if i + 1 == pattern.len() => j < text.len(),
                Segment::Globstar => next[j] || (j < text.len() && row[j + 1]),
                Segment::Glob(tokens) => {
                    j < text.len() && next[j + 1] && glob_matches(tokens, text[j])
                }
            };
        }
        next = row;
    }
    next[0]
}

/// A glob against one path segment. Only the last `*` is ever returned to: a later `*` can
/// match whatever an earlier one could, so no other choice needs trying, and the work is at
/// most the product of the two lengths.
fn glob_matches(tokens: &[Token], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::Star) => {
                last_star = Some((p + 1, t));
                p += 1;
            }
            Some(token) if token.matches(text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match last_star {
                Some((after, from)) => {
                    last_star = Some((after, from + 1));
                    p = after;
                    t = from + 1;
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(|token| *token == Token::Star)
}

impl Token {
    fn matches(&self, c: u8) -> bool {
        match self {
            Token::Star => true,
            Token::Any => c != b'/',
            Token::Class(set) => c != b'/' && set.contains(c),
            Token::Literal(l) => *l == c,
        }
    }
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

#[derive(Debug, Clone, Default, PartialEq)]
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
mod tests;
