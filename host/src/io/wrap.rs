//! Lines wrapped to the terminal's width at spaces, each continuation indented under the text
//! it continues (after the indent and a marker such as `- `, `✓ ` or `Next: `), so no line
//! breaks inside a word. A word longer than the width (a URL, a path) keeps a line of its own.

/// `text` with every line longer than `width` columns wrapped.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(&mut out, line, width);
    }
    out
}

fn wrap_line(out: &mut String, line: &str, width: usize) {
    if columns(line) <= width {
        out.push_str(line);
        return;
    }
    let hang = " ".repeat(hanging_indent(line));
    let mut used = 0;
    for (i, word) in line.split(' ').enumerate() {
        let w = columns(word);
        if i > 0 {
            if used > hang.len() && used + 1 + w > width {
                out.push('\n');
                out.push_str(&hang);
                used = hang.len();
            } else {
                out.push(' ');
                used += 1;
            }
        }
        out.push_str(word);
        used += w;
    }
}

/// Where a line's text starts: after its indent and a marker.
fn hanging_indent(line: &str) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = strip_styles(&line[indent..]);
    let marker = ["- ", "✓ ", "✗ ", "! ", "Next: "]
        .iter()
        .find(|m| rest.starts_with(*m))
        .map_or(0, |m| m.chars().count());
    let numbered = rest
        .split_once(". ")
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map_or(0, |(n, _)| n.len() + 2);
    indent + marker.max(numbered)
}

/// The columns `text` takes: its characters, without this tool's colour changes.
fn columns(text: &str) -> usize {
    strip_styles(text).chars().count()
}

/// `text` without `ESC [ ... m` sequences.
fn strip_styles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('\u{1b}') {
        out.push_str(&rest[..start]);
        match rest[start..].find('m') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_under_the_text_it_continues() {
        let text = "  - Next: one two three four five six seven";
        let wrapped = wrap(text, 20);
        assert_eq!(
            wrapped,
            "  - Next: one two\n    three four five\n    six seven"
        );
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_long_word_keeps_a_line_of_its_own_and_short_lines_stay() {
        let url = "https://platform.qianwenai.com/home/api-keys";
        let text = format!("Next: create one at {url} now\nshort");
        let wrapped = wrap(&text, 24);
        assert!(wrapped.lines().any(|l| l.trim() == url), "{wrapped}");
        assert!(wrapped.ends_with("\nshort"));
        assert!(
            wrapped
                .lines()
                .all(|l| l.chars().count() <= 24 || l.trim() == url)
        );
    }

    #[test]
    fn markers_and_numbers_set_the_indent_and_colour_takes_no_room() {
        assert_eq!(wrap("✗ aaa bbb ccc", 8), "✗ aaa\n  bbb\n  ccc");
        assert_eq!(wrap("  1. aaa bbb", 9), "  1. aaa\n     bbb");
        let coloured = "\u{1b}[32m✓\u{1b}[0m aaa bbb";
        assert_eq!(wrap(coloured, 9), coloured);
    }
}
