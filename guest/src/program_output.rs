//! Text from a program the host ran at the user's request (the update check's checker or
//! installer), made fit to show: no terminal control sequences (which could hide text, move the
//! cursor or split a key so that it passes unseen), no secret, and no URL but the link table's.

use crate::links::in_skills_home;
use crate::scrub::{Scrubber, strip_links_but};

/// `text` without control sequences, then scrubbed, then with foreign links removed: every
/// link but the table's and the skills' own home's.
pub fn sanitize(text: &str, scrubber: &Scrubber) -> String {
    strip_links_but(&scrubber.scrub_foreign(&plain(text)), in_skills_home)
}

/// `text` with escape sequences and control characters removed; line breaks and tabs kept, and
/// a carriage return that redraws a line made a line break.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then one final byte.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS and the like: up to BEL or ESC \.
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

    #[test]
    fn colours_cursor_moves_and_titles_go_and_lines_stay() {
        let text = "\u{1b}[38;5;250mskills\u{1b}[0m\r\n\u{1b}[?25l◒ cloning\r◇ done\n\
                    \u{1b}]0;title\u{7}tab\there\u{1b}]8;;x\u{1b}\\link\u{7}\u{8}";
        assert_eq!(plain(text), "skills\n◒ cloning\n◇ done\ntab\therelink");
    }

    #[test]
    fn a_key_split_by_escape_sequences_is_still_found() {
        let split = format!("key: {}\u{1b}[0m{}\u{1b}[1m", &KEY[..12], &KEY[12..]);
        let shown = sanitize(&split, &Scrubber::new([KEY]));
        assert!(!shown.contains(&KEY[12..]), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn only_the_link_tables_and_the_skills_homes_urls_are_shown() {
        let kept = [
            "https://platform.qianwenai.com/home/api-keys",
            "https://github.com/QianWen-AI/qianwen-ai",
            "https://github.com/QianWen-AI/qianwen-ai.git",
            "https://github.com/QianWen-AI/qianwen-ai/releases/tag/v1.2.0",
        ];
        let removed = [
            "https://github.com/QianWen-AI/qianwen-ai-evil/releases",
            "https://github.com/QianWen-AI/qianwen-ai/../../evil/x",
            "https://github.com/QianWen-AI/qianwen-ai/%2e%2e/evil",
            "https://github.com/QianWen-AI/qianwen-ai@evil.example/x",
            "https://github.com/evil/qianwen-ai/releases",
            "https://evil.example/https://github.com/QianWen-AI/qianwen-ai",
        ];
        for url in kept {
            let shown = sanitize(&format!("see {url} now"), &Scrubber::new([]));
            assert_eq!(shown, format!("see {url} now"));
        }
        for url in removed {
            let shown = sanitize(&format!("see {url} now"), &Scrubber::new([]));
            assert_eq!(shown, "see [link removed] now", "{url}");
        }
    }

    #[test]
    fn an_unterminated_sequence_ends_the_text_without_panicking() {
        assert_eq!(plain("ok\u{1b}[12"), "ok");
        assert_eq!(plain("ok\u{1b}]title"), "ok");
        assert_eq!(plain("ok\u{1b}"), "ok");
    }
}
