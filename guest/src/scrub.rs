//! SPEC §3: servers echo keys back, fully or in part, so every response is scrubbed before it
//! is shown or saved: the key and every piece of it of eight characters or more, and any other
//! token shaped like a DashScope key. And SPEC §7: server messages carry trailing URLs, which
//! are not on the link table, so they go too.

use crate::links;

/// Pieces shorter than this are too common to be the key's.
const PIECE: usize = 8;

const REDACTED: &str = "[redacted]";
const LINK_REMOVED: &str = "[link removed]";

/// `text` without any piece of `secrets` of `PIECE` characters or more, and without any
/// `sk-...` token.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let bytes = text.as_bytes();
    let mut hidden = vec![false; bytes.len()];
    for secret in secrets
        .iter()
        .map(|s| s.as_bytes())
        .filter(|s| s.len() >= PIECE)
    {
        let pieces: Vec<&[u8]> = secret.windows(PIECE).collect();
        for (at, window) in bytes.windows(PIECE).enumerate() {
            if pieces.contains(&window) {
                hidden[at..at + PIECE].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    hide_key_shaped_tokens(bytes, &mut hidden);

    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        if hidden[at] {
            while at < bytes.len() && hidden[at] {
                at += 1;
            }
            out.push_str(REDACTED);
        } else {
            let end = (at..bytes.len())
                .find(|&i| hidden[i])
                .unwrap_or(bytes.len());
            // Hidden runs cover ASCII bytes only, so `at` and `end` are character boundaries.
            out.push_str(&text[at..end]);
            at = end;
        }
    }
    out
}

/// Mark `sk-` followed by at least `PIECE` key characters: whatever key it is, it is not shown.
fn hide_key_shaped_tokens(bytes: &[u8], hidden: &mut [bool]) {
    let key_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut at = 0;
    while let Some(offset) = bytes[at..].windows(3).position(|w| w == b"sk-") {
        let start = at + offset;
        let end = (start + 3..bytes.len())
            .find(|&i| !key_char(bytes[i]))
            .unwrap_or(bytes.len());
        if end - start - 3 >= PIECE {
            hidden[start..end].iter_mut().for_each(|h| *h = true);
        }
        at = end.max(start + 1);
    }
}

/// The start of a response body as text, scrubbed, at most `max` characters.
pub fn excerpt(body: &[u8], secrets: &[&str], max: usize) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    // Only the start is shown, so only the start is scrubbed: a piece cut at the end of this
    // window is cut again, far shorter, by `max`.
    let window = &body[..body.len().min(max * 4 + 64)];
    let text = String::from_utf8_lossy(window);
    let scrubbed = strip_links(&scrub(&text, secrets));
    let mut cut: String = scrubbed.chars().take(max).collect();
    if cut.len() < scrubbed.len() || window.len() < body.len() {
        cut.push('…');
    }
    Some(cut)
}

/// `text` with every URL that is not on the link table replaced.
pub fn strip_links(text: &str) -> String {
    let allowed: Vec<String> = links::all().into_iter().map(|l| l.url).collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || "\"'()<>,`\\".contains(c))
            .map_or(rest.len(), |n| at + n);
        let url = rest[at..end].trim_end_matches(['.', ';', ':']);
        if allowed.iter().any(|a| a == url) {
            out.push_str(url);
        } else {
            out.push_str(LINK_REMOVED);
        }
        rest = &rest[at + url.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

    fn clean(text: &str) -> bool {
        let secret = &KEY[3..];
        !text.contains(KEY)
            && secret
                .as_bytes()
                .windows(PIECE)
                .all(|w| !text.contains(std::str::from_utf8(w).unwrap()))
    }

    #[test]
    fn whole_key_echoed() {
        let body = format!(r#"{{"error":{{"message":"Incorrect API key provided: {KEY}."}}}}"#);
        let out = scrub(&body, &[KEY]);
        assert!(clean(&out));
        assert!(
            out.contains("Incorrect API key provided: [redacted]."),
            "{}",
            out.len()
        );
    }

    #[test]
    fn pieces_of_the_key_echoed() {
        let piece = &KEY[10..22];
        let body = format!("key ...{piece}... was rejected");
        let out = scrub(&body, &[KEY]);
        assert!(clean(&out));
        assert_eq!(out, "key ...[redacted]... was rejected");
        // Seven characters are left alone: too short to be telling.
        let short = &KEY[10..17];
        assert_eq!(scrub(short, &[KEY]), short);
    }

    #[test]
    fn any_key_shaped_token_is_hidden() {
        let out = scrub("other key sk-abcdefgh12345678 and sk-short", &[]);
        assert_eq!(out, "other key [redacted] and sk-short");
    }

    #[test]
    fn text_around_non_ascii_survives() {
        let body = format!("无效的 API-key：{KEY}。请检查");
        let out = scrub(&body, &[KEY]);
        assert_eq!(out, "无效的 API-key：[redacted]。请检查");
    }

    #[test]
    fn links_not_on_the_table_are_removed() {
        let text = "Invalid API-key provided. See https://help.aliyun.com/x?y=1. Or \
                    https://platform.qianwenai.com/home/api-keys, or (http://evil.example)";
        assert_eq!(
            strip_links(text),
            "Invalid API-key provided. See [link removed]. Or \
             https://platform.qianwenai.com/home/api-keys, or ([link removed])"
        );
        assert_eq!(strip_links("no links"), "no links");
    }

    #[test]
    fn excerpt_is_bounded_and_scrubbed() {
        let body = format!("{KEY} {}", "y.".repeat(500));
        let e = excerpt(body.as_bytes(), &[KEY], 100).unwrap();
        assert!(clean(&e));
        assert_eq!(e.chars().count(), 101);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"", &[KEY], 10), None);
        assert_eq!(excerpt(b"\xff ok", &[], 10).as_deref(), Some("\u{fffd} ok"));
    }
}
