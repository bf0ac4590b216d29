//! SPEC §3: nothing the tool shows or saves may hold a key. Servers echo keys back, fully, in
//! part, or encoded; people paste keys where a path or a host belongs. So every text from
//! outside passes one scrubber before it goes out: it hides every run of eight characters or
//! more of a known secret, as it is or in the common encodings (any letter case; percent, JSON
//! `\u` and `\x` escapes; hex; base64 and base64url at any alignment), and any other token
//! shaped like a DashScope key. SPEC §7: server messages carry trailing URLs, which are not on
//! the link table, so they go too.
//!
//! The work is linear in the text: each encoding is one decoding pass, and every window of eight
//! decoded bytes is looked up in a set of the secrets' pieces.

use crate::keys;
use crate::links;

/// Pieces shorter than this are too common to be the key's.
const PIECE: usize = 8;

/// Of a longer value, only this much is looked for.
const MAX_SECRET: usize = 4096;

const REDACTED: &str = "[redacted]";
const LINK_REMOVED: &str = "[link removed]";

/// The secrets to hide, as pieces.
#[derive(Debug, Default, Clone)]
pub struct Scrubber {
    /// Every run of `PIECE` bytes of every secret, in lower case, as a number; sorted, for a
    /// binary search. (A hash set would need the random seed the component is not granted.)
    pieces: Vec<u64>,
}

/// One decoded byte and the bytes of the text it came from.
struct Decoded {
    byte: u8,
    from: usize,
    to: usize,
}

impl Scrubber {
    /// A scrubber for `secrets`; secrets shorter than eight bytes cannot be told from
    /// ordinary text and are left to masking.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut pieces = Vec::new();
        for secret in secrets {
            let secret = secret.trim().as_bytes();
            // A value this long is no credential; its start is enough to bound the memory.
            let start = &secret[..secret.len().min(MAX_SECRET)];
            pieces.extend(start.windows(PIECE).map(|w| piece(w.iter().copied())));
        }
        pieces.sort_unstable();
        pieces.dedup();
        Self { pieces }
    }

    /// `text` with every piece of a secret, in any encoding this module knows, and every other
    /// key-shaped token replaced by `[redacted]`.
    pub fn scrub(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut hidden = vec![false; bytes.len()];
        if !self.pieces.is_empty() && bytes.len() >= PIECE {
            for (at, window) in bytes.windows(PIECE).enumerate() {
                if self.is_piece(window.iter().copied()) {
                    hidden[at..at + PIECE].iter_mut().for_each(|h| *h = true);
                }
            }
            // Each decoding only where it could yield eight bytes.
            if bytes.contains(&b'%') || bytes.contains(&b'\\') {
                self.hide_in(&unescaped(bytes), &mut hidden);
            }
            for (start, end) in runs(bytes, |c| hex_value(c).is_some(), 2 * PIECE) {
                for offset in 0..2 {
                    self.hide_in(&hex_decoded(bytes, start + offset, end), &mut hidden);
                }
            }
            for (start, end) in runs(bytes, |c| base64_value(c).is_some(), PIECE * 4 / 3 + 1) {
                for offset in 0..4 {
                    self.hide_in(&base64_decoded(bytes, start + offset, end), &mut hidden);
                }
            }
        }
        hide_key_shaped_tokens(bytes, &mut hidden);
        if hidden.contains(&true) {
            redact(text, &hidden)
        } else {
            text.to_string()
        }
    }

    /// Whether `text` holds nothing to scrub.
    pub fn is_clean(&self, text: &str) -> bool {
        self.scrub(text) == text
    }

    fn is_piece(&self, window: impl Iterator<Item = u8>) -> bool {
        self.pieces.binary_search(&piece(window)).is_ok()
    }

    /// Mark the text behind every window of decoded bytes that is a piece of a secret.
    fn hide_in(&self, decoded: &[Decoded], hidden: &mut [bool]) {
        for window in decoded.windows(PIECE) {
            if self.is_piece(window.iter().map(|d| d.byte)) {
                let (from, to) = (window[0].from, window[PIECE - 1].to);
                hidden[from..to].iter_mut().for_each(|h| *h = true);
            }
        }
    }
}

/// Eight bytes, in lower case, as one number.
fn piece(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes
        .take(PIECE)
        .fold(0, |acc, b| acc << 8 | u64::from(b.to_ascii_lowercase()))
}

/// The text with `%XX`, `\uXXXX`, `\xXX` and backslash escapes decoded, other bytes as they are.
fn unescaped(bytes: &[u8]) -> Vec<Decoded> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let (byte, len) = match bytes[at] {
            b'%' => hex_byte(bytes, at + 1).map_or((b'%', 1), |b| (b, 3)),
            b'\\' => match bytes.get(at + 1) {
                Some(b'u') => unicode_escape(bytes, at + 2).map_or((b'\\', 1), |b| (b, 6)),
                Some(b'x') => hex_byte(bytes, at + 2).map_or((b'\\', 1), |b| (b, 4)),
                Some(&c) if c.is_ascii_punctuation() => (c, 2),
                _ => (b'\\', 1),
            },
            b => (b, 1),
        };
        out.push(Decoded {
            byte,
            from: at,
            to: at + len,
        });
        at += len;
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex_byte(bytes: &[u8], at: usize) -> Option<u8> {
    let high = hex_value(*bytes.get(at)?)?;
    let low = hex_value(*bytes.get(at + 1)?)?;
    Some(high << 4 | low)
}

/// `\u00XX` for an ASCII character; a key holds nothing else. Anything else stands as a NUL,
/// which no piece holds.
fn unicode_escape(bytes: &[u8], at: usize) -> Option<u8> {
    let high = hex_byte(bytes, at)?;
    let low = hex_byte(bytes, at + 2)?;
    Some(if high == 0 && low < 0x80 { low } else { 0 })
}

/// The hex digits `start..end` decoded two digits to a byte.
fn hex_decoded(bytes: &[u8], start: usize, end: usize) -> Vec<Decoded> {
    (start..end.saturating_sub(1))
        .step_by(2)
        .map(|at| Decoded {
            byte: hex_byte(bytes, at).unwrap_or(0),
            from: at,
            to: at + 2,
        })
        .collect()
}

fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// The base64 (either alphabet) in `start..end` decoded four characters to three bytes. Each
/// byte stands for the whole group of four it came from. The caller tries every starting
/// offset of a run: the secret's alignment in what was encoded shows up in one of four.
fn base64_decoded(bytes: &[u8], start: usize, end: usize) -> Vec<Decoded> {
    let mut out = Vec::new();
    let mut at = start;
    while at + 4 <= end {
        let group = (0..4).fold(0u32, |acc, i| {
            acc << 6 | u32::from(base64_value(bytes[at + i]).unwrap_or(0))
        });
        for shift in [16, 8, 0] {
            out.push(Decoded {
                byte: (group >> shift) as u8,
                from: at,
                to: at + 4,
            });
        }
        at += 4;
    }
    out
}

/// The maximal runs of at least `min` bytes for which `is_in` holds, as `(start, end)`.
fn runs(bytes: &[u8], is_in: impl Fn(u8) -> bool, min: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !is_in(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_in(bytes[at]) {
            at += 1;
        }
        if at - start >= min {
            out.push((start, at));
        }
    }
    out
}

/// Mark `sk-` (in any case) followed by at least `PIECE` key characters: whatever key it is,
/// it is not shown. The placeholder this tool writes is not a key.
fn hide_key_shaped_tokens(bytes: &[u8], hidden: &mut [bool]) {
    let key_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut at = 0;
    while let Some(offset) = bytes[at..]
        .windows(3)
        .position(|w| w.eq_ignore_ascii_case(b"sk-"))
    {
        let start = at + offset;
        let end = (start + 3..bytes.len())
            .find(|&i| !key_char(bytes[i]))
            .unwrap_or(bytes.len());
        let token = &bytes[start..end];
        if token.len() - 3 >= PIECE && token != keys::PLACEHOLDER.as_bytes() {
            hidden[start..end].iter_mut().for_each(|h| *h = true);
        }
        at = end.max(start + 1);
    }
}

/// `text` with each run of hidden bytes replaced by one `[redacted]`, widened to whole
/// characters.
fn redact(text: &str, hidden: &[bool]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let hide = |at: usize, c: char| hidden[at..at + c.len_utf8()].iter().any(|&h| h);
        if hide(at, c) {
            while chars.next_if(|&(at, c)| hide(at, c)).is_some() {}
            out.push_str(REDACTED);
        } else {
            out.push(c);
        }
    }
    out
}

/// The start of a response body as text, scrubbed, at most `max` characters.
pub fn excerpt(body: &[u8], scrubber: &Scrubber, max: usize) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    // Only the start is shown, so only the start is scrubbed: a piece cut at the end of this
    // window is cut again, far shorter, by `max`.
    let window = &body[..body.len().min(max * 4 + 64)];
    let text = String::from_utf8_lossy(window);
    let scrubbed = strip_links(&scrubber.scrub(&text));
    let mut cut: String = scrubbed.chars().take(max).collect();
    if cut.len() < scrubbed.len() || window.len() < body.len() {
        cut.push('…');
    }
    Some(cut)
}

/// `text` with every link that is not on the link table replaced: `http://` and `https://` in
/// any letter case, and host names that start with `www.`.
pub fn strip_links(text: &str) -> String {
    let allowed: Vec<String> = links::all().into_iter().map(|l| l.url).collect();
    // ASCII lower case keeps every byte where it was.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(start) = next_link(&lower, at) {
        out.push_str(&text[at..start]);
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || "\"'()<>,`\\".contains(c))
            .map_or(text.len(), |n| start + n);
        let url = text[start..end].trim_end_matches(['.', ';', ':']);
        if allowed.iter().any(|a| a == url) {
            out.push_str(url);
        } else {
            out.push_str(LINK_REMOVED);
        }
        at = start + url.len().max(1);
    }
    out.push_str(&text[at.min(text.len())..]);
    out
}

/// Where the next link starts in `lower` (lower-cased text), from byte `from`.
fn next_link(lower: &str, from: usize) -> Option<usize> {
    let rest = &lower[from..];
    let scheme = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min();
    // `www.` starting a word, not inside one (`awww.`).
    let bare = rest.match_indices("www.").map(|(at, _)| at).find(|&at| {
        rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '.' && c != '/')
    });
    [scheme, bare]
        .into_iter()
        .flatten()
        .min()
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

    fn scrub(text: &str) -> String {
        Scrubber::new([KEY]).scrub(text)
    }

    /// No piece of the key's secret part, in any case.
    fn clean(text: &str) -> bool {
        let text = text.to_ascii_lowercase();
        KEY[3..]
            .to_ascii_lowercase()
            .as_bytes()
            .windows(PIECE)
            .all(|w| !text.contains(std::str::from_utf8(w).unwrap()))
    }

    #[test]
    fn whole_key_echoed() {
        let body = format!(r#"{{"error":{{"message":"Incorrect API key provided: {KEY}."}}}}"#);
        let out = scrub(&body);
        assert!(clean(&out));
        assert!(
            out.contains("Incorrect API key provided: [redacted]."),
            "{out}"
        );
    }

    #[test]
    fn pieces_of_the_key_echoed() {
        let piece = &KEY[10..22];
        let out = scrub(&format!("key ...{piece}... was rejected"));
        assert_eq!(out, "key ...[redacted]... was rejected");
        // Seven characters are left alone: too short to be telling.
        let short = &KEY[10..17];
        assert_eq!(scrub(short), short);
    }

    /// The key as servers and proxies have been seen to echo it: changed in case, escaped,
    /// encoded, or embedded in something encoded.
    #[test]
    fn encoded_echoes_are_hidden() {
        use base64::Engine;
        let b64 = |s: &str, engine: &base64::engine::GeneralPurpose| engine.encode(s);
        let percent_all: String = KEY.bytes().map(|b| format!("%{b:02X}")).collect();
        let json_u: String = KEY.bytes().map(|b| format!("\\u{b:04x}")).collect();
        let hex_lower: String = KEY.bytes().map(|b| format!("{b:02x}")).collect();
        let hex_x: String = KEY.bytes().map(|b| format!("\\x{b:02X}")).collect();
        let std = base64::engine::general_purpose::STANDARD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut echoes = vec![
            KEY.to_ascii_uppercase(),
            KEY.to_ascii_lowercase(),
            percent_all,
            KEY.replace('_', "%5F").replace('-', "%2d"),
            json_u,
            format!("x{hex_lower}y"),
            format!("0{hex_lower}"),
            hex_lower.to_ascii_uppercase(),
            hex_x,
        ];
        // Base64 of the key inside longer texts, at each alignment.
        for prefix in ["", "a", "ab", "Bearer ", "user:"] {
            echoes.push(b64(&format!("{prefix}{KEY}"), &std));
            echoes.push(b64(&format!("{prefix}{KEY}!"), &url));
        }
        for echo in echoes {
            let text = format!("the server said: {echo} (twice: {echo})");
            let out = scrub(&text);
            assert!(clean(&out), "survived: {out}");
            assert!(!out.contains(&echo), "{echo} survived");
            assert!(out.starts_with("the server said: "), "{out}");
            // Decoding what is left must not bring the key back either.
            let decoded: String = unescaped(out.as_bytes())
                .iter()
                .map(|d| d.byte as char)
                .collect();
            assert!(clean(&decoded), "{decoded}");
        }
    }

    #[test]
    fn ordinary_text_survives() {
        for text in [
            "Invalid API-key provided.",
            "request id 7f3c2a1b-2c4d-4e5f-8a9b-0c1d2e3f4a5b",
            "SGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IHRleHQ=",
            "deadbeefcafebabe0123456789abcdef",
            "%E6%97%A0%E6%95%88",
            "无效的 API-key",
            "DASHSCOPE_API_KEY=sk-your-key-here",
        ] {
            assert_eq!(scrub(text), text);
        }
    }

    #[test]
    fn any_key_shaped_token_is_hidden() {
        let out = Scrubber::default()
            .scrub("other key sk-abcdefgh12345678 and SK-ABCDEFGH9 and sk-short");
        assert_eq!(out, "other key [redacted] and [redacted] and sk-short");
    }

    #[test]
    fn text_around_non_ascii_survives() {
        let out = scrub(&format!("无效的 API-key：{KEY}。请检查"));
        assert_eq!(out, "无效的 API-key：[redacted]。请检查");
    }

    #[test]
    fn every_secret_counts() {
        let s = Scrubber::new([
            "sk-FAKE_Jd6Yu1Qe5Wn8_Vm3Kx9Pg4Tz_9f3c",
            "FAKE_Ty5Gh2Vn9Bx4_Cs7Mk1Ld6Pw3",
            "short",
        ]);
        assert_eq!(s.scrub("a Ty5Gh2Vn9Bx4 b"), "a [redacted] b");
        assert_eq!(s.scrub("Jd6Yu1Qe5Wn8"), "[redacted]");
        assert!(s.is_clean("short and sweet"));
        assert!(!s.is_clean("/home/me/FAKE_Ty5Gh2Vn9Bx4_Cs7/out"));
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
        // Any letter case, and bare hosts.
        assert_eq!(
            strip_links("HTTPS://evil.example/x, Http://a.b and www.evil.example/x (www.b.c)"),
            "[link removed], [link removed] and [link removed] ([link removed])"
        );
        assert_eq!(
            strip_links("awww.nope and 3.www.x"),
            "awww.nope and 3.www.x"
        );
        assert_eq!(strip_links("see www.x."), "see [link removed].");
    }

    #[test]
    fn excerpt_is_bounded_and_scrubbed() {
        let s = Scrubber::new([KEY]);
        let body = format!("{KEY} {}", "y.".repeat(500));
        let e = excerpt(body.as_bytes(), &s, 100).unwrap();
        assert!(clean(&e));
        assert_eq!(e.chars().count(), 101);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"", &s, 10), None);
        assert_eq!(excerpt(b"\xff ok", &s, 10).as_deref(), Some("\u{fffd} ok"));
    }
}
