//! Which characters of text from outside may reach a terminal or a JSON document as they are
//! (docs/behaviour.md#masking): none that a terminal acts on or hides. Paths, environment and
//! `.env` values, option values, server answers and program output all pass through here on their
//! way out: the host's output seam for the terminal, and both sides' JSON (`--json`, evidence
//! records).
//!
//! Not safe as they are: C0 control characters but line feed and tab (escape sequences start
//! with one), DEL, C1 control characters (a lone U+009B is a CSI on some terminals), the
//! format characters (bidi controls that reorder what is read, zero-width and invisible ones
//! that hide what is there, tags), and the line and paragraph separators.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{2028}' | '\u{2029}' => true,
        c => is_format(c),
    }
}

/// Unicode's format characters (general category Cf).
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// `text` for a terminal: every unsafe character written out as `\u{…}`, so that it shows and
/// does nothing. With `styles`, the colour and weight changes this tool itself writes pass
/// (`ESC [ … m` with no parameter but 0, 1, 4, 31, 32 and 33): at most, text from outside can
/// make itself bold, underlined, red, green or yellow, never hidden, moved or anything else.
pub fn for_terminal(text: &str, styles: bool) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && styles
            && let Some(len) = style_change(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if is_unsafe(c) {
            escape(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of `ESC [ PARAMS m` at the start of `text`, when its parameters are among the
/// styles this tool writes.
fn style_change(text: &str) -> Option<usize> {
    let params_end = text.strip_prefix("\u{1b}[")?.find('m')?;
    let params = &text[2..2 + params_end];
    let allowed = params
        .split(';')
        .all(|p| matches!(p, "" | "0" | "1" | "4" | "31" | "32" | "33"));
    (allowed && params.len() <= 16).then_some(2 + params_end + 1)
}

/// One line for a terminal: `for_terminal`, with line feeds and tabs written out too. For a
/// single value from outside (a path, a host, a name) set inside a sentence, where a line
/// break would start a line of the value's choosing.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\n' || c == '\t' || is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' || c == '\t' || is_unsafe(c) {
            escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn escape(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// A JSON document as serde_json writes it, with every unsafe character it leaves as it is (DEL,
/// C1 and format characters, the line separators) written as a `\uXXXX` escape: the same
/// string to any reader, nothing raw to a terminal that shows the document. Outside strings no
/// such character can stand, so the document stays valid.
pub fn for_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                use std::fmt::Write;
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class, one case each: what must be escaped, and what must pass.
    #[test]
    fn every_class_is_escaped_for_a_terminal() {
        for (class, raw, shown) in [
            (
                "ESC (OSC 52, a clipboard write)",
                "a\u{1b}]52;c;eA==\u{7}b",
                "a\\u{1b}]52;c;eA==\\u{7}b",
            ),
            ("ESC (CSI, clear screen)", "\u{1b}[2J", "\\u{1b}[2J"),
            ("carriage return", "ok\rforged", "ok\\u{d}forged"),
            ("backspace", "x\u{8}", "x\\u{8}"),
            ("NUL", "a\0b", "a\\u{0}b"),
            ("DEL", "a\u{7f}b", "a\\u{7f}b"),
            ("C1 CSI", "a\u{9b}2Jb", "a\\u{9b}2Jb"),
            ("C1 NEL", "a\u{85}b", "a\\u{85}b"),
            ("bidi override", "txt.\u{202e}exe", "txt.\\u{202e}exe"),
            ("bidi isolate", "\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
            ("arabic letter mark", "\u{61c}", "\\u{61c}"),
            ("zero-width space", "s\u{200b}k", "s\\u{200b}k"),
            ("zero-width joiner", "a\u{200d}b", "a\\u{200d}b"),
            ("word joiner", "a\u{2060}b", "a\\u{2060}b"),
            ("byte order mark", "\u{feff}a", "\\u{feff}a"),
            ("soft hyphen", "a\u{ad}b", "a\\u{ad}b"),
            ("tag characters", "a\u{e0041}b", "a\\u{e0041}b"),
            ("line separator", "a\u{2028}b", "a\\u{2028}b"),
            ("paragraph separator", "a\u{2029}b", "a\\u{2029}b"),
        ] {
            assert_eq!(for_terminal(raw, false), shown, "{class}");
            assert_eq!(for_terminal(raw, true), shown, "{class}, with colour");
        }
        for plain in [
            "line\nbreaks\tand tabs",
            "无效的 API-key",
            "é ü ñ ✓ ✗",
            "mixed \u{3000} space",
        ] {
            assert!(
                matches!(for_terminal(plain, false), Cow::Borrowed(_)),
                "{plain}"
            );
        }
    }

    #[test]
    fn only_this_tool_s_own_styles_pass_and_only_with_colour() {
        let styled = "\u{1b}[32m✓\u{1b}[0m \u{1b}[1;4mHeading\u{1b}[0m";
        assert_eq!(for_terminal(styled, true), styled);
        assert_eq!(
            for_terminal("\u{1b}[32mx", false),
            "\\u{1b}[32mx",
            "no colour: nothing passes"
        );
        for hostile in [
            "\u{1b}[8mhidden",
            "\u{1b}[30;40mblack",
            "\u{1b}[2J",
            "\u{1b}[1;2H",
            "\u{1b}[38;5;0m",
            "\u{1b}[?25l",
        ] {
            assert!(
                for_terminal(hostile, true).starts_with("\\u{1b}["),
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn one_line_writes_out_line_breaks_too() {
        assert_eq!(one_line("/tmp/a\nb\tc"), "/tmp/a\\u{a}b\\u{9}c");
        assert_eq!(one_line("/tmp/\u{1b}[2J"), "/tmp/\\u{1b}[2J");
        assert!(matches!(
            one_line("/home/me/flask-api-server"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_what_a_terminal_acts_on() {
        let raw = "{\"m\":\"a\u{9b}b\u{7f}c\u{202e}d\u{2028}e\u{e0041}f 无效\"}";
        let escaped = for_json(raw);
        assert_eq!(
            escaped,
            "{\"m\":\"a\\u009bb\\u007fc\\u202ed\\u2028e\\udb40\\udc41f 无效\"}"
        );
        assert!(!escaped.chars().any(is_unsafe));
    }
}
