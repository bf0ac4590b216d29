//! What a server or a program may have encoded a secret in, decoded: escapes (JSON and
//! JavaScript `\u`, `\x`, octal, percent, HTML character references, quoted-printable), hex
//! with or without separators, base64 (both alphabets), base32, base85 (its three alphabets),
//! and compressed payloads (gzip, zlib, raw deflate) inside any of them. Every decoder is one
//! pass over its input; each decoded character keeps the span of the text it came from, so
//! that what is found is hidden where it stands.

use super::normal::{Byte, Unit, from_bytes};

/// Decoded bytes, and whether they start where a run of the text does.
type Run = (Vec<Byte>, bool);

/// Decoded output shorter than this cannot hold a piece of a secret.
const MIN_DECODED: usize = 8;

/// The most a compressed payload may inflate to.
const MAX_INFLATED: usize = 64 * 1024;

/// What one decoding gave: characters, when they read as text (and may hold more to decode);
/// else the bytes, in which only a secret written out as it is can stand.
pub enum Decoded {
    Text(Vec<Unit>),
    Bytes(Vec<Byte>),
}

/// Everything `units` decodes to, one result per decoding (and per alignment). Without
/// `thorough`, only what the tool's own text could carry (escapes, hex, base64); with it,
/// everything a server or program could turn a secret into.
pub fn all(units: &[Unit], thorough: bool) -> Vec<Decoded> {
    let mut out = Vec::new();
    if units.iter().any(|u| matches!(u.c, '\\' | '%' | '&' | '=')) {
        out.extend(
            escaped_regions(units)
                .into_iter()
                .filter(|region| region.len() >= MIN_DECODED)
                .map(Decoded::Text),
        );
    }
    let mut keep = |bytes: Vec<Byte>, aligned: bool| {
        if bytes.len() >= MIN_DECODED {
            out.push(classify(bytes, aligned));
        }
    };
    for (bytes, aligned) in hex(units) {
        keep(bytes, aligned);
    }
    let alphabets: &[&Alphabet] = if thorough {
        &[&BASE64, &BASE32, &BASE85, &ASCII85, &Z85]
    } else {
        &[&BASE64]
    };
    for alphabet in alphabets {
        for (bytes, aligned) in radix(units, alphabet) {
            // Compressed payloads travel in base64, and start where a run does.
            keep(
                bytes,
                thorough && aligned && std::ptr::eq(*alphabet, &BASE64),
            );
        }
    }
    out
}

/// Decoded bytes as text when they read as text; what a compressed payload inflates to, when
/// they start a run (`aligned`) and are one, each character spanning the whole payload; else
/// the bytes.
fn classify(bytes: Vec<Byte>, aligned: bool) -> Decoded {
    if aligned {
        let raw: Vec<u8> = bytes.iter().map(|b| b.0).collect();
        if let Some(inflated) = inflate(&raw) {
            let (from, to) = (bytes[0].1, bytes[bytes.len() - 1].2);
            let spanned: Vec<Byte> = inflated.into_iter().map(|b| (b, from, to)).collect();
            return Decoded::Text(from_bytes(&spanned));
        }
    }
    if is_texty(bytes.iter().map(|b| b.0)) {
        Decoded::Text(from_bytes(&bytes))
    } else {
        Decoded::Bytes(bytes)
    }
}

/// Whether bytes read as text: nine in ten printable ASCII, white space, or above ASCII (UTF-8).
pub fn is_texty(bytes: impl ExactSizeIterator<Item = u8>) -> bool {
    let len = bytes.len();
    let texty = bytes
        .filter(|&b| (0x20..0x7f).contains(&b) || b >= 0x80 || b.is_ascii_whitespace())
        .count();
    len > 0 && texty * 10 >= len * 9
}

/// A gzip or zlib stream, or raw deflate, that inflates to some text; none otherwise.
fn inflate(raw: &[u8]) -> Option<Vec<u8>> {
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, decompress_to_vec_zlib_with_limit};
    let gzip = || {
        raw.starts_with(&[0x1f, 0x8b, 8])
            .then(|| decompress_to_vec_with_limit(gzip_body(raw)?, MAX_INFLATED).ok())
            .flatten()
    };
    let zlib = || {
        let header = raw.len() >= 2
            && raw[0] & 0x0f == 8
            && (u16::from(raw[0]) << 8 | u16::from(raw[1])) % 31 == 0;
        header
            .then(|| decompress_to_vec_zlib_with_limit(raw, MAX_INFLATED).ok())
            .flatten()
    };
    // Raw deflate has no header: a first block of a valid type, and only what inflates to
    // text counts.
    let deflate = || {
        (raw.len() >= 2 * MIN_DECODED && raw[0] & 0b110 != 0b110)
            .then(|| decompress_to_vec_with_limit(raw, MAX_INFLATED).ok())
            .flatten()
            .filter(|inflated| is_texty(inflated.iter().copied()))
    };
    gzip()
        .or_else(zlib)
        .or_else(deflate)
        .filter(|inflated| inflated.len() >= MIN_DECODED)
}

/// The deflate stream of a gzip member, after its header.
fn gzip_body(raw: &[u8]) -> Option<&[u8]> {
    let flags = *raw.get(3)?;
    let mut at = 10;
    if flags & 4 != 0 {
        let extra = usize::from(*raw.get(at)?) | usize::from(*raw.get(at + 1)?) << 8;
        at += 2 + extra;
    }
    for flag in [8, 16] {
        if flags & flag != 0 {
            at += raw.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    raw.get(at..)
}

/// How far around an escape the decoded text is looked at again: a piece of a secret is eight
/// characters, and an escape takes at most twelve.
const AROUND: usize = 16;

/// The regions of `units` that hold escapes, decoded, each with what stands around them: the
/// rest reads as it did, and was looked at as it is.
fn escaped_regions(units: &[Unit]) -> Vec<Vec<Unit>> {
    let decoded = escapes(units);
    let mut regions: Vec<Vec<Unit>> = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for (at, unit) in decoded.iter().enumerate() {
        // A decoded character spans more of the text than one character does.
        let escaped = unit.to - unit.from > unit.c.len_utf8();
        if !escaped {
            continue;
        }
        let (start, end) = (
            at.saturating_sub(AROUND),
            (at + AROUND + 1).min(decoded.len()),
        );
        current = match current {
            Some((s, e)) if start <= e => Some((s, end.max(e))),
            Some((s, e)) => {
                regions.push(decoded[s..e].to_vec());
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        regions.push(decoded[s..e].to_vec());
    }
    regions
}

/// Escapes decoded, everything else as it is: `\uXXXX` (with surrogate pairs), `\u{X…}`,
/// `\xXX`, `\NNN` (octal), JSON's `\n \r \t \b \f \" \\ \/`, `%XX`, `%uXXXX`, `&#N;`,
/// `&#xH;`, `=XX`.
pub fn escapes(units: &[Unit]) -> Vec<Unit> {
    let text: Vec<char> = units.iter().map(|u| u.c).collect();
    let mut out = Vec::with_capacity(units.len());
    let mut at = 0;
    while at < units.len() {
        let (c, len) = escape_at(&text, at).unwrap_or((units[at].c, 1));
        out.push(Unit {
            c,
            from: units[at].from,
            to: units[at + len - 1].to,
        });
        at += len;
    }
    out
}

/// The escape starting at `at`, if one does: the character, and how many characters it takes.
/// One arm per escape syntax: a table, read best whole.
fn escape_at(text: &[char], at: usize) -> Option<(char, usize)> {
    let digits = |from: usize, radix: u32, min: usize, max: usize| -> Option<(u32, usize)> {
        let mut value = 0u32;
        let mut n = 0;
        while n < max {
            let Some(d) = text.get(from + n).and_then(|c| c.to_digit(radix)) else {
                break;
            };
            value = value * radix + d;
            n += 1;
        }
        (n >= min).then_some((value, n))
    };
    let at_char = |n: usize| text.get(at + n).copied();
    match (at_char(0)?, at_char(1)) {
        ('\\', Some('u')) if at_char(2) == Some('{') => {
            let (value, n) = digits(at + 3, 16, 1, 6)?;
            (at_char(3 + n) == Some('}')).then_some(())?;
            Some((char::from_u32(value)?, 4 + n))
        }
        ('\\', Some('u')) => {
            let (high, _) = digits(at + 2, 16, 4, 4)?;
            if (0xd800..0xdc00).contains(&high)
                && at_char(6) == Some('\\')
                && at_char(7) == Some('u')
                && let Some((low, _)) = digits(at + 8, 16, 4, 4)
                && (0xdc00..0xe000).contains(&low)
            {
                let c = char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))?;
                return Some((c, 12));
            }
            Some((char::from_u32(high)?, 6))
        }
        ('\\', Some('x')) => {
            digits(at + 2, 16, 2, 2).map(|(v, _)| (char::from_u32(v).unwrap_or('\0'), 4))
        }
        ('\\', Some('0'..='7')) => {
            let (value, n) = digits(at + 1, 8, 3, 3)?;
            Some((char::from_u32(value)?, 1 + n))
        }
        // JSON's own: a key split by escaped line breaks reads whole once they are lines.
        ('\\', Some(e @ ('n' | 'r' | 't' | 'b' | 'f' | '"' | '\\' | '/' | '\''))) => {
            let c = match e {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'b' => '\u{8}',
                'f' => '\u{c}',
                e => e,
            };
            Some((c, 2))
        }
        ('%', Some('u')) => {
            digits(at + 2, 16, 4, 4).and_then(|(v, _)| Some((char::from_u32(v)?, 6)))
        }
        ('%', _) => digits(at + 1, 16, 2, 2).map(|(v, _)| (char::from_u32(v).unwrap_or('\0'), 3)),
        ('=', _) => digits(at + 1, 16, 2, 2).map(|(v, _)| (char::from_u32(v).unwrap_or('\0'), 3)),
        ('&', Some('#')) => {
            let (hex, start) = match at_char(2) {
                Some('x' | 'X') => (true, at + 3),
                _ => (false, at + 2),
            };
            let (value, n) = digits(start, if hex { 16 } else { 10 }, 1, 7)?;
            let end = start + n;
            let len = end - at + usize::from(text.get(end) == Some(&';'));
            Some((char::from_u32(value)?, len))
        }
        _ => None,
    }
}

/// Runs of hex digits, two to a byte: written together, or byte by byte apart (`73:6b`,
/// `73 6b`, `0x73,0x6b`, `\x73\x6b`, `73-6b`), each run at both alignments when its digits
/// are written together.
fn hex(units: &[Unit]) -> Vec<Run> {
    // The digits of each run, with their spans, separators and prefixes dropped.
    let mut runs = Runs::with_capacity(units.len());
    let mut at = 0;
    while at < units.len() {
        let c = units[at].c;
        let prefix = matches!(c, '0' | '\\')
            && units.get(at + 1).is_some_and(|u| u.c == 'x' || u.c == 'X')
            && units.get(at + 2).is_some_and(|u| u.c.is_ascii_hexdigit());
        if prefix {
            at += 2;
            continue;
        }
        if let Some(d) = c.to_digit(16) {
            runs.push((d as u8, units[at].from, units[at].to));
        } else if !matches!(c, ':' | ' ' | ',' | '-' | '.' | '_' | '\n' | '\r' | '\t') {
            runs.end();
        }
        at += 1;
    }
    let mut out = Vec::new();
    for run in runs.at_least(2 * MIN_DECODED) {
        for offset in 0..2 {
            let bytes = run[offset..]
                .chunks_exact(2)
                .map(|pair| (pair[0].0 << 4 | pair[1].0, pair[0].1, pair[1].2))
                .collect();
            out.push((bytes, offset == 0));
        }
    }
    out
}

/// Runs of digits with their spans, one after another in one buffer: a text is split into
/// many runs, most too short to decode, and each needs no allocation of its own.
struct Runs {
    digits: Vec<Byte>,
    /// Where each run ended before the one being pushed.
    ends: Vec<usize>,
}

impl Runs {
    fn with_capacity(len: usize) -> Self {
        Self {
            digits: Vec::with_capacity(len),
            ends: Vec::new(),
        }
    }

    fn push(&mut self, digit: Byte) {
        self.digits.push(digit);
    }

    /// End the run being pushed; an empty one is not kept.
    fn end(&mut self) {
        if self.ends.last().copied().unwrap_or(0) < self.digits.len() {
            self.ends.push(self.digits.len());
        }
    }

    /// The runs at least `min` digits long.
    fn at_least(mut self, min: usize) -> impl Iterator<Item = Vec<Byte>> {
        self.end();
        let starts = std::iter::once(0).chain(self.ends.clone());
        starts
            .zip(self.ends)
            .filter(move |(start, end)| end - start >= min)
            .map(move |(start, end)| self.digits[start..end].to_vec())
    }
}

/// A radix alphabet: how many characters make how many bytes.
pub struct Alphabet {
    /// The value of each ASCII character, or 255.
    values: [u8; 128],
    radix: u32,
    chars: usize,
    bytes: usize,
    /// Characters that may stand inside a run without ending it (line breaks, padding).
    transparent: &'static str,
}

const fn alphabet(
    digits: &str,
    also: &[(u8, u8)],
    radix: u32,
    chars: usize,
    bytes: usize,
    transparent: &'static str,
) -> Alphabet {
    let mut values = [255u8; 128];
    let digits = digits.as_bytes();
    let mut i = 0;
    while i < digits.len() {
        values[digits[i] as usize] = i as u8;
        i += 1;
    }
    let mut j = 0;
    while j < also.len() {
        values[also[j].0 as usize] = also[j].1;
        j += 1;
    }
    Alphabet {
        values,
        radix,
        chars,
        bytes,
        transparent,
    }
}

/// Base64, the standard and the URL alphabet at once.
static BASE64: Alphabet = alphabet(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    &[(b'-', 62), (b'_', 63)],
    64,
    4,
    3,
    "\n\r=",
);

/// Base32 (RFC 4648), in either letter case.
static BASE32: Alphabet = alphabet(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    &[
        (b'a', 0),
        (b'b', 1),
        (b'c', 2),
        (b'd', 3),
        (b'e', 4),
        (b'f', 5),
        (b'g', 6),
        (b'h', 7),
        (b'i', 8),
        (b'j', 9),
        (b'k', 10),
        (b'l', 11),
        (b'm', 12),
        (b'n', 13),
        (b'o', 14),
        (b'p', 15),
        (b'q', 16),
        (b'r', 17),
        (b's', 18),
        (b't', 19),
        (b'u', 20),
        (b'v', 21),
        (b'w', 22),
        (b'x', 23),
        (b'y', 24),
        (b'z', 25),
    ],
    32,
    8,
    5,
    "\n\r=",
);

/// Base85 as RFC 1924 and Python's `b85encode` write it.
static BASE85: Alphabet = alphabet(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~",
    &[],
    85,
    5,
    4,
    "\n\r",
);

/// Ascii85, as Adobe and Python's `a85encode` write it (`z` for four zero bytes is not a digit,
/// and ends a run).
static ASCII85: Alphabet = alphabet(
    "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstu",
    &[],
    85,
    5,
    4,
    "\n\r",
);

/// Z85 (ZeroMQ).
static Z85: Alphabet = alphabet(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#",
    &[],
    85,
    5,
    4,
    "\n\r",
);

/// Each run of `alphabet`'s characters decoded, at every alignment: a secret's place in what
/// was encoded shows at one of them.
fn radix(units: &[Unit], alphabet: &Alphabet) -> Vec<Run> {
    let value = |c: char| {
        (c.is_ascii())
            .then(|| alphabet.values[c as usize])
            .filter(|&v| v != 255)
    };
    let mut runs = Runs::with_capacity(units.len());
    for u in units {
        match value(u.c) {
            Some(v) => runs.push((v, u.from, u.to)),
            None if alphabet.transparent.contains(u.c) => {}
            None => runs.end(),
        }
    }
    let mut out = Vec::new();
    for run in runs.at_least(MIN_DECODED * alphabet.chars / alphabet.bytes) {
        for offset in 0..alphabet.chars.min(run.len()) {
            let mut decoded = Vec::with_capacity(run.len());
            for group in run[offset..].chunks(alphabet.chars) {
                // A last group cut short holds fewer bytes: padded as its encoder pads it.
                let (pad, bytes) = if group.len() == alphabet.chars {
                    (0, alphabet.bytes)
                } else if alphabet.radix == 85 {
                    (84, group.len().saturating_sub(1))
                } else {
                    let bits = alphabet.radix.trailing_zeros() as usize;
                    (0, group.len() * bits / 8)
                };
                let number = (0..alphabet.chars).fold(0u64, |n, i| {
                    let digit = group.get(i).map_or(pad, |d| u64::from(d.0));
                    n * u64::from(alphabet.radix) + digit
                });
                let (from, to) = (group[0].1, group[group.len() - 1].2);
                for i in (alphabet.bytes - bytes..alphabet.bytes).rev() {
                    decoded.push(((number >> (8 * i)) as u8, from, to));
                }
            }
            out.push((decoded, offset == 0));
        }
    }
    out
}
