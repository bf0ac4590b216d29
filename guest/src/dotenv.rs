//! SPEC §1, the `.env` format: `NAME=VALUE` lines, `#` comments, blank lines, an optional
//! `export ` prefix; single-quoted values are literal, double-quoted ones take `\n \t \" \\`
//! and may span lines; unquoted values end at ` #` (any Unicode white space before the `#`:
//! Chinese input methods type U+3000); CRLF and a UTF-8 BOM are accepted.
//!
//! Problems are reported by line number and never quote the line, because the line may hold
//! a key.

use crate::secret::Secret;
use qianwen_auth_facts::variables::{GRANTED, KEY_NAMES};

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
    /// The variable the value refers to but that could not be resolved (`expand`); the value
    /// is then empty, as python-dotenv reads it.
    pub reference: Option<String>,
}

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

/// Expand references as python-dotenv does (SPEC §1): `${NAME}` and `${NAME:-default}` in
/// unquoted and double-quoted values, looked up first in `outer` (the variables the policy
/// reads, which win as the environment wins for python-dotenv), then among the entries before
/// it in this file. A reference that resolves nowhere and has no default, or a whole value of
/// the form `$NAME` (which python-dotenv leaves as it stands), is not a value: the entry
/// becomes empty and names the variable in `reference`.
pub fn expand(parsed: &mut Parsed, outer: impl Fn(&str) -> Option<String>) {
    let mut defined: std::collections::BTreeMap<String, Secret> = Default::default();
    for entry in &mut parsed.entries {
        if entry.expands {
            let lookup = |name: &str| {
                outer(name).or_else(|| defined.get(name).map(|v| v.expose().to_string()))
            };
            match expanded(entry.value.expose(), lookup) {
                Ok(value) => entry.value = Secret::new(value),
                Err(name) => {
                    entry.value = Secret::new(String::new());
                    entry.reference = Some(name);
                }
            }
        }
        defined.insert(entry.name.clone(), entry.value.clone());
    }
}

/// `value` with its `${NAME}` references resolved by `lookup`, or the name of the first one
/// that cannot be; a whole value `$NAME` is such a name too.
fn expanded(value: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let is_name = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if let Some(name) = value.strip_prefix('$').filter(|n| is_name(n)) {
        return Err(name.to_string());
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
            match (lookup(name), default) {
                (Some(found), _) => out.push_str(&found),
                (None, Some(default)) => out.push_str(default),
                (None, None) => return Err(name.to_string()),
            }
        }
        rest = &rest[at + 3 + len..];
    }
    out.push_str(rest);
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
mod tests {
    use super::*;

    impl Parsed {
        /// The entry that counts for `name`: the last one.
        fn get(&self, name: &str) -> Option<&Entry> {
            self.entries.iter().rev().find(|e| e.name == name)
        }
    }

    fn values(text: &[u8]) -> Vec<(String, String, u32)> {
        let parsed = parse(text);
        assert!(
            parsed.problems.is_empty(),
            "unexpected problems: {:?}",
            parsed.problems
        );
        parsed
            .entries
            .into_iter()
            .map(|e| (e.name, e.value.expose().to_string(), e.line))
            .collect()
    }

    fn one(text: &str) -> String {
        let mut v = values(text.as_bytes());
        assert_eq!(v.len(), 1, "{text:?}");
        v.remove(0).1
    }

    #[test]
    fn plain_lines_comments_and_blanks() {
        let v = values(b"# comment\n\nA=1\n  # indented comment\nB = two \n");
        assert_eq!(
            v,
            vec![("A".into(), "1".into(), 3), ("B".into(), "two".into(), 5)]
        );
    }

    #[test]
    fn export_prefix() {
        assert_eq!(one("export A=1"), "1");
        assert_eq!(one("export\tA=1"), "1");
        // A variable that happens to be named `export...` is still a name.
        assert_eq!(values(b"exported=1")[0].0, "exported");
    }

    #[test]
    fn unquoted_values_end_at_space_hash() {
        assert_eq!(one("A=abc # comment"), "abc");
        assert_eq!(one("A=abc\t# comment"), "abc");
        assert_eq!(one("A=abc#not-a-comment"), "abc#not-a-comment");
        assert_eq!(one("A="), "");
        assert_eq!(one("A=   "), "");
        assert_eq!(one("A= #only a comment"), "");
    }

    #[test]
    fn any_unicode_white_space_before_hash_starts_a_comment() {
        for space in ['\u{3000}', '\u{a0}', '\u{2003}'] {
            assert_eq!(
                one(&format!("A=sk-abc{space}# 注释")),
                "sk-abc",
                "{space:?}"
            );
            assert_eq!(one(&format!("A={space}# 注释")), "", "{space:?}");
            assert_eq!(one(&format!("A='x'{space}# 注释")), "x", "{space:?}");
        }
        assert_eq!(one("A=sk-abc\u{3000}"), "sk-abc");
        assert_eq!(one("A=a\u{3000}b#c"), "a\u{3000}b#c");
    }

    #[test]
    fn a_broken_key_line_is_named_as_one() {
        let parsed = parse(
            b"QWEN_REGION=\"x\" y\nZq8vX3mKw9Tj \"\nDASHSCOPE_API_KEY=\"sk-FAKE_Zq8vX3mKw9Tj\n",
        );
        let key = &parsed.problems[2];
        assert!(key.is_key_line());
        assert_eq!(key.name.as_deref(), Some("DASHSCOPE_API_KEY"));
        let described = parsed.describe_problems(".env");
        assert_eq!(
            described[2],
            ".env:3: a DASHSCOPE_API_KEY line is there but cannot be read: unterminated double \
             quote"
        );
        assert!(!parsed.problems[0].is_key_line());
        assert!(
            described[0].starts_with(".env:1: QWEN_REGION: "),
            "{described:?}"
        );
        // A name the policy does not read is not repeated: it may be part of a pasted key.
        assert_eq!(described[1], ".env:2: expected `=` after the name");
    }

    /// The entries of `text` after expansion with `outer`: (name, value, reference).
    fn expand_all(text: &str, outer: &[(&str, &str)]) -> Vec<(String, String, Option<String>)> {
        let mut parsed = parse(text.as_bytes());
        expand(&mut parsed, |name| {
            outer
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        });
        parsed
            .entries
            .into_iter()
            .map(|e| (e.name, e.value.expose().to_string(), e.reference))
            .collect()
    }

    #[test]
    fn references_expand_as_python_dotenv_expands_them() {
        let got = expand_all(
            "MINE=sk-abc\nA=${MINE}\nB=\"x-${MINE}-y\"\nC='${MINE}'\nD=${NOPE:-dflt}\nE=${QWEN_REGION}",
            &[("QWEN_REGION", "cn-beijing")],
        );
        let values: Vec<&str> = got.iter().map(|(_, v, _)| v.as_str()).collect();
        assert_eq!(
            values,
            [
                "sk-abc",
                "sk-abc",
                "x-sk-abc-y",
                "${MINE}",
                "dflt",
                "cn-beijing"
            ]
        );
        assert!(got.iter().all(|(_, _, r)| r.is_none()));
        // The granted variable wins over the file, as the environment wins for python-dotenv.
        let got = expand_all("QWEN_REGION=x\nA=${QWEN_REGION}", &[("QWEN_REGION", "env")]);
        assert_eq!(got[1].1, "env");
    }

    #[test]
    fn a_reference_that_resolves_nowhere_is_named_and_empty() {
        let got = expand_all(
            "DASHSCOPE_API_KEY=${MY_KEY}\nQIANWEN_API_KEY=$OTHER\nLATER=${DEFINED_AFTER}\nDEFINED_AFTER=1",
            &[],
        );
        assert_eq!(
            got[0],
            (
                "DASHSCOPE_API_KEY".into(),
                String::new(),
                Some("MY_KEY".into())
            )
        );
        assert_eq!(got[1].2.as_deref(), Some("OTHER"));
        assert_eq!(
            got[2].2.as_deref(),
            Some("DEFINED_AFTER"),
            "only earlier lines count"
        );
        // Not references: a `$` inside a value, a malformed `${`.
        let got = expand_all("A=pa$$word\nB=${unclosed\nC=${1X}", &[]);
        assert!(got.iter().all(|(_, _, r)| r.is_none()), "{got:?}");
        assert_eq!(got[0].1, "pa$$word");
    }

    #[test]
    fn backticks_are_not_quotes() {
        assert_eq!(one("A=`x y`"), "`x y`");
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(one(r"A='a\nb # c'"), r"a\nb # c");
        assert_eq!(one("A='x' # trailing comment"), "x");
    }

    #[test]
    fn double_quotes_take_escapes() {
        assert_eq!(one(r#"A="a\nb\tc\"d\\e""#), "a\nb\tc\"d\\e");
        assert_eq!(one(r#"A="keep \x as is""#), r"keep \x as is");
        assert_eq!(one(r#"A="has # hash""#), "has # hash");
    }

    #[test]
    fn quoted_values_may_span_lines() {
        let v = values(b"A=\"line one\nline two\"\nB=2\n");
        assert_eq!(v[0], ("A".into(), "line one\nline two".into(), 1));
        assert_eq!(v[1], ("B".into(), "2".into(), 3));
        let v = values(b"A='x\ny'\nB=3");
        assert_eq!(v[0].1, "x\ny");
        assert_eq!(v[1].2, 3);
    }

    #[test]
    fn crlf_and_bom() {
        let v = values(b"\xEF\xBB\xBFA=1\r\nB=\"two\"\r\n");
        assert_eq!(
            v,
            vec![("A".into(), "1".into(), 1), ("B".into(), "two".into(), 2)]
        );
        let v = values(b"A=\"x\r\ny\"\r\n");
        assert_eq!(v[0].1, "x\ny");
    }

    #[test]
    fn duplicates_keep_every_entry_and_the_last_counts() {
        let parsed = parse(b"A=1\nA=2\n");
        assert_eq!(parsed.entries.len(), 2);
        let last = parsed.get("A").unwrap();
        assert_eq!((last.value.expose(), last.line), ("2", 2));
    }

    #[test]
    fn problems_name_the_line_and_never_the_text() {
        let secret = "sk-FAKE_Zq8vX3mKw9Tj_parse";
        let text =
            format!("{secret}\nA=\"{secret}\" {secret}\n=x\n1A=2\nB {secret}\nC=\"{secret}\nOK=1");
        let parsed = parse(text.as_bytes());
        let lines: Vec<u32> = parsed.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5, 6]);
        let described = parsed.describe_problems(".env").join("\n");
        assert!(described.starts_with(".env:1: "), "{described}");
        assert!(!described.contains("Zq8vX3mK"), "a problem quoted the line");
        assert!(described.contains("unterminated double quote"));
        // After an unterminated quote the following lines still count.
        assert_eq!(parsed.get("OK").unwrap().value.expose(), "1");
    }

    #[test]
    fn invalid_utf8_lines_are_reported_and_skipped() {
        let parsed = parse(b"A=1\nB=\xff\xfe\nC=3\n");
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].line, 2);
        assert!(parsed.problems[0].what.contains("UTF-8"));
        assert!(parsed.get("B").is_none());
        assert_eq!(parsed.get("C").unwrap().line, 3);
    }

    #[test]
    fn binary_garbage_gives_a_bounded_list_of_problems() {
        let mut bytes = Vec::new();
        for i in 0..500u32 {
            bytes.extend_from_slice(&[0xff, (i % 256) as u8, b'\n']);
        }
        let parsed = parse(&bytes);
        assert_eq!(parsed.problems.len(), MAX_PROBLEMS);
        assert!(parsed.more_problems > 0);
        let described = parsed.describe_problems("x/.env");
        assert!(described.last().unwrap().contains("more lines"));
    }

    #[test]
    fn empty_input() {
        assert_eq!(parse(b""), Parsed::default());
        assert_eq!(parse(b"\xEF\xBB\xBF"), Parsed::default());
    }
}
