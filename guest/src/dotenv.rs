//! docs/behaviour.md#dotenv, the `.env` format: `NAME=VALUE` lines, `#` comments, blank lines, an
//! optional `export ` prefix; single-quoted values are literal, double-quoted ones take `\n \t \"
//! \\` and may span lines; unquoted values end at ` #` (any Unicode white space before the `#`:
//! Chinese input methods type U+3000); CRLF and a UTF-8 BOM are accepted.
//!
//! Problems are reported by line number and never quote the line, because the line may hold
//! a key.

use crate::secret::Secret;
use qianwen_auth_facts::variables::{GRANTED, KEY_NAMES, is_secret};

/// At most this many problems are listed per file; the rest are counted.
const MAX_PROBLEMS: usize = 20;

/// One `NAME=VALUE` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub value: Secret,
    /// The line the entry starts on, from 1.
    pub line: u32,
    /// Unquoted or double-quoted: `${NAME}` in it is expanded (`expand`).
    pub expands: bool,
    /// Why the value's references could not be resolved (`expand`); the value is then empty,
    /// as python-dotenv reads an unresolved one.
    pub reference: Option<Unresolved>,
}

/// A value whose references cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// It refers to this variable, which is set nowhere before it.
    Missing(String),
    /// Its references expand to more than `MAX_EXPANDED` bytes, with the values before it.
    TooLong,
}

/// The most text all of a file's references together may expand to: as much as the file itself
/// may hold. `A1=${A0}${A0}`, `A2=${A1}${A1}`, … doubles at every line, so that a few hundred
/// bytes would otherwise ask for more memory than there is.
pub const MAX_EXPANDED: usize = qianwen_auth_facts::limits::MAX_PROJECT_FILE;

/// A line that could not be parsed, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u32,
    /// The name the line starts with, when it got that far.
    pub name: Option<String>,
    pub what: String,
}

impl Problem {
    /// A line that holds one of the key's names: a key is there, but cannot be read.
    pub fn is_key_line(&self) -> bool {
        self.name
            .as_deref()
            .is_some_and(|name| KEY_NAMES.contains(&name))
    }

    /// What is wrong, with the name the line holds when it is one the policy reads: any other
    /// text at the start of a broken line might be a piece of a key pasted there.
    pub fn describe(&self) -> String {
        match self.name.as_deref().filter(|name| GRANTED.contains(name)) {
            Some(name) if self.is_key_line() => {
                format!("a {name} line is there but cannot be read: {}", self.what)
            }
            Some(name) => format!("{name}: {}", self.what),
            None => self.what.clone(),
        }
    }
}

/// A parsed `.env` file: its entries, and the lines that could not be read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Every entry in file order, duplicates included.
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
    /// Problems found beyond `MAX_PROBLEMS`.
    pub more_problems: usize,
}

impl Parsed {
    /// `FILE:LINE: what` for every problem, then a count of the rest.
    pub fn describe_problems(&self, file: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("{file}:{}: {}", p.line, p.describe()))
            .collect();
        if self.more_problems > 0 {
            out.push(format!(
                "{file}: {} more lines could not be parsed",
                self.more_problems
            ));
        }
        out
    }

    /// Whether some entry holds a secret (an API key or an AccessKey secret) that is not blank:
    /// a file that must be private to its owner and kept out of git.
    pub fn holds_secret(&self) -> bool {
        self.entries
            .iter()
            .any(|e| is_secret(&e.name) && !e.value.expose().trim().is_empty())
    }

    fn problem(&mut self, line: u32, name: Option<String>, what: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                line,
                name,
                what: what.into(),
            });
        } else {
            self.more_problems += 1;
        }
    }
}

/// Parse the bytes of a `.env` file.
pub fn parse(bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let text = decode(bytes, &mut parsed);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let number = line_number(i);
        match parse_entry(&lines, i) {
            Ok((entry, next)) => {
                if let Some((name, value, expands)) = entry {
                    parsed.entries.push(Entry {
                        name,
                        value: Secret::new(value),
                        line: number,
                        expands,
                        reference: None,
                    });
                }
                i = next;
            }
            Err((name, what)) => {
                parsed.problem(number, name, what);
                i += 1;
            }
        }
    }
    parsed
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The text with BOM and carriage returns dropped. A line that is not valid UTF-8 is reported
/// and read as blank, so that the rest of the file still counts.
fn decode(bytes: &[u8], parsed: &mut Parsed) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut text = String::with_capacity(bytes.len());
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match std::str::from_utf8(raw) {
            Ok(line) => text.push_str(line),
            Err(_) => parsed.problem(line_number(i), None, "not valid UTF-8 text; line ignored"),
        }
    }
    text
}

/// An entry (none for a blank or comment line) and the index of the next line; or the name
/// the line starts with, if any, and what is wrong.
type Step = Result<(Option<(String, String, bool)>, usize), (Option<String>, String)>;

/// Parse the entry that starts on `lines[i]`; on success, also the index of the next line.
fn parse_entry(lines: &[&str], i: usize) -> Step {
    let line = lines[i].trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok((None, i + 1));
    }
    let line = match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => line,
    };
    let name_len = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(line.len());
    let name = &line[..name_len];
    if name.is_empty() {
        return Err((
            None,
            "expected NAME=VALUE, but the line does not start with a name".into(),
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err((None, "a name cannot start with a digit".into()));
    }
    let named = |what: String| (Some(name.to_string()), what);
    let Some(after_eq) = line[name_len..].trim_start().strip_prefix('=') else {
        return Err(named(if line[name_len..].trim().is_empty() {
            "a name without `=` and a value".into()
        } else {
            "expected `=` after the name".into()
        }));
    };
    let value_start = after_eq.trim_start_matches([' ', '\t']);
    match value_start.chars().next() {
        Some(quote @ ('\'' | '"')) => {
            let (value, next) = quoted(lines, i, &value_start[1..], quote).map_err(named)?;
            Ok((Some((name.to_string(), value, quote == '"')), next))
        }
        // `NAME= # comment`: the `#` follows whitespace, so the value is empty.
        Some('#') if value_start.len() < after_eq.len() => {
            Ok((Some((name.to_string(), String::new(), true)), i + 1))
        }
        _ => Ok((Some((name.to_string(), unquoted(value_start), true)), i + 1)),
    }
}

/// Expand references as python-dotenv does (docs/behaviour.md#dotenv): `${NAME}` and
/// `${NAME:-default}` in unquoted and double-quoted values, looked up first in `outer` (the
/// variables the policy reads, which win as the environment wins for python-dotenv), then among the
/// entries before it in this file. A reference that resolves nowhere and has no default, or a whole
/// value of the form `$NAME` (which python-dotenv leaves as it stands), is not a value: the entry
/// becomes empty and says why in `reference`. So does one whose references, with all those before
/// it, would expand past `MAX_EXPANDED` bytes: the work is linear in the file.
pub fn expand(parsed: &mut Parsed, outer: impl Fn(&str) -> Option<String>) {
    // A name whose value was cut for its length maps to none: whatever refers to it is too.
    let mut defined: std::collections::BTreeMap<String, Option<Secret>> = Default::default();
    let mut budget = MAX_EXPANDED;
    for entry in &mut parsed.entries {
        let mut cut = false;
        if entry.expands {
            let lookup = |name: &str| match outer(name) {
                Some(value) => Ok(Some(value)),
                None => match defined.get(name) {
                    Some(Some(value)) => Ok(Some(value.expose().to_string())),
                    Some(None) => Err(Unresolved::TooLong),
                    None => Ok(None),
                },
            };
            match expanded(entry.value.expose(), lookup, budget) {
                Ok(value) => {
                    budget -= value.len().min(budget);
                    entry.value = Secret::new(value);
                }
                Err(why) => {
                    cut = why == Unresolved::TooLong;
                    entry.value = Secret::new(String::new());
                    entry.reference = Some(why);
                }
            }
        }
        let value = (!cut).then(|| entry.value.clone());
        defined.insert(entry.name.clone(), value);
    }
}

/// `value` with its `${NAME}` references resolved by `lookup`, or why it cannot be: the name
/// of the first reference that resolves nowhere (a whole value `$NAME` is one too), or an
/// expansion longer than `limit` bytes (or a reference to one).
fn expanded(
    value: &str,
    lookup: impl Fn(&str) -> Result<Option<String>, Unresolved>,
    limit: usize,
) -> Result<String, Unresolved> {
    let is_name = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if let Some(name) = value.strip_prefix('$').filter(|n| is_name(n)) {
        return Err(Unresolved::Missing(name.to_string()));
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("${") {
        let Some(len) = rest[at + 2..].find('}') else {
            break;
        };
        let inner = &rest[at + 2..at + 2 + len];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        if name.contains(':') || !is_name(name) {
            out.push_str(&rest[..at + 3 + len]);
        } else {
            out.push_str(&rest[..at]);
            match (lookup(name)?, default) {
                (Some(found), _) => out.push_str(&found),
                (None, Some(default)) => out.push_str(default),
                (None, None) => return Err(Unresolved::Missing(name.to_string())),
            }
        }
        rest = &rest[at + 3 + len..];
        if out.len() > limit {
            return Err(Unresolved::TooLong);
        }
    }
    out.push_str(rest);
    if out.len() > limit {
        return Err(Unresolved::TooLong);
    }
    Ok(out)
}

/// An unquoted value ends at white space followed by `#`, as python-dotenv has it: any
/// Unicode white space, so that a comment typed after an ideographic space (U+3000) or a
/// no-break space is still a comment. Surrounding white space is dropped.
fn unquoted(value: &str) -> String {
    let end = value
        .match_indices('#')
        .map(|(at, _)| at)
        .find(|&at| {
            value[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
        })
        .unwrap_or(value.len());
    value[..end].trim().to_string()
}

/// A quoted value, which may continue over the following lines until its closing quote.
/// Returns the value and the index of the line after the one that closes it.
fn quoted(
    lines: &[&str],
    first: usize,
    start: &str,
    quote: char,
) -> Result<(String, usize), String> {
    let mut value = String::new();
    let mut current = start;
    let mut i = first;
    loop {
        let mut chars = current.char_indices();
        while let Some((at, c)) = chars.next() {
            if c == quote {
                let rest = current[at + 1..].trim_start();
                if !(rest.is_empty() || rest.starts_with('#')) {
                    return Err("unexpected text after the closing quote".into());
                }
                return Ok((value, i + 1));
            }
            if quote == '"' && c == '\\' {
                match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, other)) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => value.push('\\'),
                }
            } else {
                value.push(c);
            }
        }
        i += 1;
        if i >= lines.len() {
            let kind = if quote == '"' { "double" } else { "single" };
            return Err(format!("unterminated {kind} quote"));
        }
        value.push('\n');
        current = lines[i];
    }
}

#[cfg(test)]
mod tests;
