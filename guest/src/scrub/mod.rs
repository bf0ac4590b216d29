//! docs/behaviour.md#masking: nothing the tool shows or saves may hold a key. Servers echo keys
//! back, fully, in part, or turned into something else; programs print them; people paste them
//! where a path belongs. The scrubber knows what a secret is: the values the tool holds (the keys
//! and OSS credentials at every level of the chain, a key piped to `init`), and it hides them in
//! every form this module can read them in:
//!
//! - as they are, in any letter case, and as their skeleton (`normal`): with separators,
//!   spaces, line breaks and invisible characters dropped and compatibility forms folded, so a
//!   key spaced out, dashed, split across lines, fullwidth or interleaved with zero-width
//!   characters is found; forward and reversed;
//! - decoded (`decode`): escapes of every common kind, hex with or without separators, and
//!   base64; in text from servers and programs, layer after layer, also base32, base85 and
//!   compressed payloads;
//! - in text from servers and programs, also rotated: rot13 and every other turn of the
//!   alphabet, rot47 and every other turn of the printable characters (`pieces`);
//! - and, in that text only, any other token shaped like a DashScope key (`shapes`).
//!
//! It never touches anything else: not a path or word of the user's (`flask-api-server`), not
//! the placeholder `sk-your-key-here`, which is no key and is named as it is.
//!
//! The work is linear in the text: each decoding is one pass, decoding goes only a few layers deep
//! and only into what reads as text, under a budget of a fixed multiple of the text's length, and
//! every window of eight bytes is looked up in a sorted set of the secrets' pieces.
//! docs/behaviour.md#links: server messages carry trailing URLs, which are not on the link table,
//! so they go too (`strip_links`).

mod decode;
mod forms;
mod normal;
mod pieces;
pub mod reports;

use std::cell::OnceCell;

use crate::links;
use decode::Decoded;
use normal::Unit;
use pieces::{PIECE, Pieces};
use qianwen_auth_facts::keys;

/// What stands where something was hidden.
pub const REDACTED: &str = "[redacted]";
const LINK_REMOVED: &str = "[link removed]";

/// Decoding goes this many layers deep (base64 of base64 of hex, say) in text from servers
/// and programs; one layer in the tool's own.
const MAX_DEPTH: usize = 4;

/// ...and reads at most this many times the text's length in all.
const BUDGET: usize = 32;

/// The secrets to hide.
#[derive(Debug, Default, Clone)]
pub struct Scrubber {
    /// The secrets themselves, for the turned forms, which are worked out only when text from
    /// a server or a program is scrubbed.
    secrets: Vec<String>,
    plain: Pieces,
    turned: OnceCell<Pieces>,
}

/// Which kind of text is scrubbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The tool's own reports, and the user's paths and values in them.
    Own,
    /// What a server answered or a program printed.
    Foreign,
}

impl Scrubber {
    /// A scrubber for `secrets`; a secret shorter than eight bytes cannot be told from ordinary
    /// text and is left to masking.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let secrets: Vec<String> = secrets
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| s.len() >= PIECE)
            .collect();
        Self {
            plain: Pieces::plain(secrets.iter().map(String::as_str)),
            secrets,
            turned: OnceCell::new(),
        }
    }

    /// The same scrubber, hiding `secret` too (a key given to `init`, written or not).
    pub fn and(&self, secret: &str) -> Self {
        Self::new(self.secrets.iter().map(String::as_str).chain([secret]))
    }

    /// One scrubber hiding what either hides (the keys before and after a key was replaced).
    pub fn union(&self, other: &Scrubber) -> Self {
        if other.secrets.iter().all(|s| self.secrets.contains(s)) {
            return self.clone();
        }
        Self::new(
            self.secrets
                .iter()
                .chain(&other.secrets)
                .map(String::as_str),
        )
    }

    /// `text` with every secret, in any form this module reads, replaced by `[redacted]`: for
    /// the tool's own reports and what they quote of the user's paths and values.
    pub fn scrub(&self, text: &str) -> String {
        self.scrub_as(text, Source::Own)
    }

    /// `text` from a server or a program, with every secret in any form, turned ones too, and
    /// every other key-shaped token replaced by `[redacted]`.
    pub fn scrub_foreign(&self, text: &str) -> String {
        self.scrub_as(text, Source::Foreign)
    }

    /// Whether `text` holds a secret or a key-shaped token: an option value that does is
    /// refused, since keys are never taken as arguments.
    pub fn holds_key(&self, text: &str) -> bool {
        self.scrub_foreign(text) != text
    }

    fn scrub_as(&self, text: &str, source: Source) -> String {
        let mut hidden = vec![false; text.len()];
        let units = normal::units(text);
        if !self.secrets.is_empty() && text.len() >= PIECE {
            let mut budget = text.len().saturating_mul(BUDGET);
            self.hide(&units, &mut hidden, source, 0, &mut budget);
        }
        if source == Source::Foreign {
            for (from, to) in keys::key_shaped(text) {
                hidden[from..to].iter_mut().for_each(|h| *h = true);
            }
        }
        if hidden.contains(&true) {
            redact(text, &hidden)
        } else {
            text.to_string()
        }
    }

    /// Mark every piece of a secret in `units` and in what they decode to.
    fn hide(
        &self,
        units: &[Unit],
        hidden: &mut [bool],
        source: Source,
        depth: usize,
        budget: &mut usize,
    ) {
        self.mark(units, hidden, source);
        let foreign = source == Source::Foreign;
        if depth == if foreign { MAX_DEPTH } else { 1 } {
            return;
        }
        for decoded in decode::all(units, foreign) {
            let len = match &decoded {
                Decoded::Text(units) => units.len(),
                Decoded::Bytes(bytes) => bytes.len(),
            };
            if *budget < len {
                return;
            }
            *budget -= len;
            match decoded {
                // Text may hold more to decode.
                Decoded::Text(units) => self.hide(&units, hidden, source, depth + 1, budget),
                Decoded::Bytes(bytes) => self.mark_bytes(&bytes, hidden),
            }
        }
    }

    /// Mark each secret written out as it is in decoded bytes that are not text (a secret in
    /// a binary message): only runs of printable bytes can hold one.
    fn mark_bytes(&self, bytes: &[normal::Byte], hidden: &mut [bool]) {
        for run in bytes.split(|b| !(0x21..0x7f).contains(&b.0)) {
            for (piece, span) in pieces::windows(run.iter().copied()) {
                if self.plain.holds(piece) {
                    hidden[span].fill(true);
                }
            }
        }
    }

    /// Mark each window of eight characters, as they are and as skeleton, that is a piece.
    fn mark(&self, units: &[Unit], hidden: &mut [bool], source: Source) {
        let raw = units
            .iter()
            .filter(|u| u.c.is_ascii())
            .map(|u| (u.c as u8, u.from, u.to));
        for (piece, span) in pieces::windows(raw) {
            if self.plain.holds(piece) {
                hidden[span].fill(true);
            }
        }
        let turned = (source == Source::Foreign).then(|| {
            self.turned
                .get_or_init(|| Pieces::transformed(self.secrets.iter().map(String::as_str)))
        });
        for (piece, span) in pieces::windows(normal::skeleton(units)) {
            if self.plain.holds(piece) || turned.is_some_and(|t| t.holds(piece)) {
                hidden[span].fill(true);
            }
        }
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
    let scrubbed = strip_links(&scrubber.scrub_foreign(&text));
    let mut cut: String = scrubbed.chars().take(max).collect();
    if cut.len() < scrubbed.len() || window.len() < body.len() {
        cut.push('…');
    }
    Some(cut)
}

/// `text` with every link that is not on the link table replaced: `http://` and `https://` in
/// any letter case, and host names that start with `www.`.
pub fn strip_links(text: &str) -> String {
    strip_links_but(text, |_| false)
}

/// `strip_links`, keeping too every link `kept` accepts.
pub fn strip_links_but(text: &str, kept: impl Fn(&str) -> bool) -> String {
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
        if allowed.iter().any(|a| a == url) || kept(url) {
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
mod tests;
