//! What looks like a key, whoever's key it is: one judge for the host and the policy. In text
//! from servers and programs such tokens are hidden; a line the policy asks to write, or an
//! argument clap would repeat in an error, must hold none. Shaped so that words are not: `sk-`
//! (any letter case) at the start of a token, then at least sixteen key characters with two
//! digits among them. `flask-api-server` or `task-queue-worker` has no `sk-` at a token's
//! start, and the placeholder `sk-your-key-here` no digit.

use crate::variables::PLACEHOLDER;

/// What every DashScope key starts with.
pub const PREFIX: &str = "sk-";

/// Key characters after the prefix, at least.
pub const MIN_BODY: usize = 16;

/// Digits among them, at least: real keys are hex or random, words are not.
const MIN_DIGITS: usize = 2;

/// A character a key is made of.
pub fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// A value that can stand on a `.env` line as it is: the prefix, then key characters only.
pub fn is_plain(value: &str) -> bool {
    value
        .strip_prefix(PREFIX)
        .is_some_and(|body| !body.is_empty() && body.chars().all(is_key_char))
}

/// The byte spans of key-shaped tokens in `text`.
pub fn key_shaped(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let key_byte = |b: u8| is_key_char(char::from(b));
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(offset) = bytes[at..]
        .windows(PREFIX.len())
        .position(|w| w.eq_ignore_ascii_case(PREFIX.as_bytes()))
    {
        let start = at + offset;
        let end = (start + PREFIX.len()..bytes.len())
            .find(|&i| !key_byte(bytes[i]))
            .unwrap_or(bytes.len());
        let token_start = start == 0 || !key_byte(bytes[start - 1]);
        let body = &bytes[start + PREFIX.len()..end];
        let digits = body.iter().filter(|b| b.is_ascii_digit()).count();
        if token_start
            && body.len() >= MIN_BODY
            && digits >= MIN_DIGITS
            && !bytes[start..end].eq_ignore_ascii_case(PLACEHOLDER.as_bytes())
        {
            out.push((start, end));
        }
        at = end.max(start + 1);
    }
    out
}

/// Whether `text` holds a key-shaped token anywhere.
pub fn holds_key_shape(text: &str) -> bool {
    !key_shaped(text).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_shaped_so_and_words_are_not() {
        for key in [
            "sk-FAKE_0123456789_abcdef_0123456789",
            "SK-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb",
            "sk-sp-FAKE_Hb2Ng7Rc4Xv9_Lq6Mw1Dy8Js_c3d4",
            "sk-proj-Np4Kd8Wq2Zr6Tb1Hy7Lm3",
        ] {
            assert_eq!(key_shaped(&format!("key: {key}.")).len(), 1, "{key}");
            assert!(holds_key_shape(&format!("--output={key}")), "{key}");
        }
        for word in [
            "/home/me/flask-api-server/.env",
            "task-queue-worker-2024-v2-final",
            "disk-usage-report-20261203-0930",
            "sk-your-key-here",
            "SK-YOUR-KEY-HERE",
            "sk-short12",
            "sk-only-letters-and-hyphens-here",
            "risk-assessment-2026-11-30-final",
        ] {
            assert!(!holds_key_shape(word), "{word}");
        }
    }

    #[test]
    fn plain_keys_stand_on_a_line_as_they_are() {
        assert!(is_plain("sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2"));
        assert!(is_plain("sk-sp-FAKE_Hb2Ng7Rc4Xv9"));
        for value in [
            "sk-", "sk-a b", "sk-a\"b", "sk-a#b", "sk-a\nb", "SK-abc", "key-abc",
        ] {
            assert!(!is_plain(value), "{value:?}");
        }
    }
}
