//! Tokens shaped like a DashScope key, whoever's key they are: in text from servers and
//! programs they are hidden, and option values that hold one are refused. Shaped so that words
//! are not: `sk-` (any letter case) at the start of a token, then at least sixteen key
//! characters with two digits among them. `flask-api-server` or `task-queue-worker` has no
//! `sk-` at a token's start, and the placeholder `sk-your-key-here` no digit.

use crate::keys;

/// Key characters after the prefix, at least.
const MIN_BODY: usize = 16;

/// Digits among them, at least: real keys are hex or random, words are not.
const MIN_DIGITS: usize = 2;

/// The byte spans of key-shaped tokens in `text`.
pub fn key_shaped(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let key_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(offset) = bytes[at..]
        .windows(3)
        .position(|w| w.eq_ignore_ascii_case(b"sk-"))
    {
        let start = at + offset;
        let end = (start + 3..bytes.len())
            .find(|&i| !key_char(bytes[i]))
            .unwrap_or(bytes.len());
        let token_start = start == 0 || !key_char(bytes[start - 1]);
        let body = &bytes[start + 3..end];
        let digits = body.iter().filter(|b| b.is_ascii_digit()).count();
        if token_start
            && body.len() >= MIN_BODY
            && digits >= MIN_DIGITS
            && !bytes[start..end].eq_ignore_ascii_case(keys::PLACEHOLDER.as_bytes())
        {
            out.push((start, end));
        }
        at = end.max(start + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_shaped_so_and_words_are_not() {
        for key in [
            "sk-0123456789abcdef0123456789abcdef",
            "SK-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb",
            "sk-sp-FAKE_Hb2Ng7Rc4Xv9_Lq6Mw1Dy8Js_c3d4",
            "sk-proj-Np4Kd8Wq2Zr6Tb1Hy7Lm3",
        ] {
            assert_eq!(key_shaped(&format!("key: {key}.")).len(), 1, "{key}");
        }
        for word in [
            "/home/me/flask-api-server/.env",
            "task-queue-worker-2024-v2-final",
            "disk-usage-report-20261203-0930",
            "sk-your-key-here",
            "sk-short12",
            "sk-only-letters-and-hyphens-here",
            "risk-assessment-2026-11-30-final",
        ] {
            assert!(key_shaped(word).is_empty(), "{word}");
        }
    }
}
