//! The few settings of a git configuration file that say where git's files are: read in one
//! pass over the text, as git-config(1) defines its syntax (sections and subsections, names
//! in any case, values with quotes, escapes, comments and continued lines). Nothing is
//! evaluated: a value is text.

/// One `name = value` line, with its section: names in lower case, subsections as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub section: String,
    pub subsection: Option<String>,
    pub name: String,
    /// None for a name with no `=`, which git reads as `true`.
    pub value: Option<String>,
}

impl Setting {
    /// Whether this is `section.name` (no subsection), as git spells it in any case.
    pub fn is(&self, section: &str, name: &str) -> bool {
        self.subsection.is_none()
            && self.section.eq_ignore_ascii_case(section)
            && self.name.eq_ignore_ascii_case(name)
    }
}

/// Every setting in `text`, in order; a line that cannot be read is skipped, as is the rest of
/// a section whose header cannot be.
pub fn settings(text: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut section: Option<(String, Option<String>)> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim_start();
        if let Some(header) = line.strip_prefix('[') {
            section = parse_header(header);
            continue;
        }
        let Some((section, subsection)) = &section else {
            continue;
        };
        let name_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(line.len());
        let name = &line[..name_end];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let rest = line[name_end..].trim_start();
        let value = if let Some(raw) = rest.strip_prefix('=') {
            match parse_value(raw, &mut lines) {
                Some(value) => Some(value),
                None => continue,
            }
        } else if rest.is_empty() || rest.starts_with(['#', ';']) {
            None
        } else {
            continue;
        };
        out.push(Setting {
            section: section.clone(),
            subsection: subsection.clone(),
            name: name.to_ascii_lowercase(),
            value,
        });
    }
    out
}

/// `section]`, `section "subsection"]` or the old `section.subsection]`, after the `[`.
fn parse_header(header: &str) -> Option<(String, Option<String>)> {
    let name_end = header
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .unwrap_or(header.len());
    let name = &header[..name_end];
    let rest = header[name_end..].trim_start();
    if name.is_empty() {
        return None;
    }
    if let Some(rest) = rest.strip_prefix(']') {
        if !is_comment_or_empty(rest) {
            return None;
        }
        return Some(match name.split_once('.') {
            Some((section, sub)) => (section.to_ascii_lowercase(), Some(sub.to_ascii_lowercase())),
            None => (name.to_ascii_lowercase(), None),
        });
    }
    let quoted = rest.strip_prefix('"')?;
    let mut subsection = String::new();
    let mut chars = quoted.chars();
    loop {
        match chars.next()? {
            '"' => break,
            '\\' => subsection.push(chars.next()?),
            c => subsection.push(c),
        }
    }
    let rest = chars.as_str().trim_start().strip_prefix(']')?;
    is_comment_or_empty(rest)
        .then(|| (name.to_ascii_lowercase(), Some(subsection)))
        .filter(|_| !name.contains('.'))
}

fn is_comment_or_empty(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with(['#', ';'])
}

/// A value after its `=`: quotes kept together, escapes decoded, a comment outside quotes
/// ends it, a `\` at the end of a line continues it on the next, surrounding white space
/// outside quotes dropped. None when a quote never closes or an escape is unknown.
fn parse_value<'a>(raw: &'a str, lines: &mut impl Iterator<Item = &'a str>) -> Option<String> {
    let mut value = String::new();
    // How much of `value` is kept however much white space follows it.
    let mut kept = 0;
    let mut quoted = false;
    let mut line = raw;
    'lines: loop {
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    quoted = !quoted;
                    kept = value.len();
                }
                '\\' => match chars.next() {
                    None => {
                        line = lines.next().unwrap_or_default();
                        continue 'lines;
                    }
                    Some(e) => {
                        value.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            'b' => '\u{8}',
                            '"' | '\\' => e,
                            _ => return None,
                        });
                        kept = value.len();
                    }
                },
                '#' | ';' if !quoted => break 'lines,
                // Git keeps white space inside a value as single spaces.
                c if c.is_whitespace() && !quoted => {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                }
                c => {
                    value.push(c);
                    kept = value.len();
                }
            }
        }
        break;
    }
    if quoted {
        return None;
    }
    value.truncate(kept);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, section: &str, name: &str) -> Vec<Option<String>> {
        settings(text)
            .into_iter()
            .filter(|s| s.is(section, name))
            .map(|s| s.value)
            .collect()
    }

    #[test]
    fn sections_names_and_values_as_git_reads_them() {
        let text = "# comment\n[core]\n\texcludesFile = ~/my ignore  # trailing\n\
                    [Core]\n  EXCLUDESFILE=\"/a b\"\\t;x\n[core \"sub\"]\nexcludesfile = no\n\
                    [include]\n\tpath = one\n  path\n";
        assert_eq!(
            values(text, "core", "excludesfile"),
            [Some("~/my ignore".into()), Some("/a b\t".into())]
        );
        assert_eq!(values(text, "include", "path"), [Some("one".into()), None]);
        let sub: Vec<Setting> = settings(text)
            .into_iter()
            .filter(|s| s.subsection.is_some())
            .collect();
        assert_eq!(sub.len(), 1);
        assert_eq!(sub[0].subsection.as_deref(), Some("sub"));
    }

    #[test]
    fn continued_lines_escapes_and_broken_lines() {
        let text = "[core]\nexcludesFile = /a\\\n/b\nbroken = \"open\nexcludesFile = x\\q\n\
                    [bad\nexcludesFile = lost\n[core.old]\nexcludesFile = old\n";
        let all = settings(text);
        assert_eq!(values(text, "core", "excludesfile"), [Some("/a/b".into())]);
        assert!(all.iter().any(|s| s.subsection.as_deref() == Some("old")));
        assert!(!all.iter().any(|s| s.value.as_deref() == Some("lost")));
    }

    /// A megabyte of one long line, of headers that never close, or of quotes: read once.
    #[test]
    fn pathological_text_costs_its_length() {
        for text in [
            format!("[core]\nexcludesFile = {}", "\\".repeat(1 << 20)),
            "[".repeat(1 << 20),
            format!("[core]\nx = {}", "\"".repeat(1 << 20)),
            "[core \"".repeat(1 << 18),
        ] {
            let _ = settings(&text);
        }
    }
}
