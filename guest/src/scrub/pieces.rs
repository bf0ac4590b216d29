//! The secrets as the matcher looks for them: every run of eight bytes of each secret, as it
//! is (any letter case, separators included) and as its skeleton (`normal`), forward and
//! reversed; and, for text from servers and programs, the same of the secret with its letters
//! rotated (rot13 and every other shift of the alphabet) and its printable characters rotated
//! (rot47 and every other shift, which takes in adding or subtracting a number to each
//! character). Each piece is a number; a set of them is sorted, for a binary search (a hash
//! set would need the random seed the component is not granted), behind a bitmap of their
//! hashes that answers "no" for almost every window of ordinary text at the cost of one load.

use std::ops::Range;

use super::normal::{Byte, skeleton_of};

/// Runs shorter than this are too common to be a secret's.
pub const PIECE: usize = 8;

/// Of a longer value, only this much is looked for.
const MAX_SECRET: usize = 4096;

/// Kind prefixes that every key of the kind shares, so they say nothing about the key.
const PREFIXES: [&str; 2] = ["sk-sp-", "sk-"];

/// A sorted set of pieces, and the bitmap in front of it.
#[derive(Debug, Default, Clone)]
pub struct Pieces {
    sorted: Vec<u64>,
    /// Bit `slot(piece)` is set for each piece held; empty when none is.
    seen: Vec<u64>,
    /// `slot`'s shift: 64 less the bitmap's size in bits, as a power of two.
    shift: u32,
}

/// The bitmap has at least this many bits for each piece, so that at most one window in
/// sixteen gets past it to the search.
const BITS_PER_PIECE: usize = 16;

impl Pieces {
    /// The pieces of `secrets` as they are, and their skeletons, forward and reversed.
    pub fn plain<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut pieces = Vec::new();
        for secret in secrets {
            let secret = bounded(secret.trim());
            let raw = secret.to_ascii_lowercase().into_bytes();
            let core = skeleton_of(core(secret));
            for bytes in [raw, core] {
                let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
                add(&mut pieces, &bytes);
                add(&mut pieces, &reversed);
            }
        }
        Self::from(pieces)
    }

    /// The skeletons of `secrets` turned as a server or program may turn them: each rotation
    /// of the letters and each rotation of the printable characters, forward and reversed.
    pub fn transformed<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut pieces = Vec::new();
        for secret in secrets {
            let core = core(bounded(secret.trim()));
            let mut variants: Vec<Vec<u8>> = Vec::new();
            for shift in 1..26u8 {
                let turned: String = core.chars().map(|c| rotate_letter(c, shift)).collect();
                variants.push(skeleton_of(&turned));
            }
            for shift in 1..94u8 {
                let turned: String = core.chars().map(|c| rotate_printable(c, shift)).collect();
                variants.push(skeleton_of(&turned));
            }
            for variant in variants {
                let reversed: Vec<u8> = variant.iter().rev().copied().collect();
                add(&mut pieces, &variant);
                add(&mut pieces, &reversed);
            }
        }
        Self::from(pieces)
    }

    /// Whether this piece (`number`) is one of these.
    pub fn holds(&self, piece: u64) -> bool {
        let Some(word) = self.seen.get(self.slot(piece) / 64) else {
            return false;
        };
        word >> (self.slot(piece) % 64) & 1 == 1 && self.sorted.binary_search(&piece).is_ok()
    }

    /// Where `piece` falls in the bitmap: Fibonacci hashing, the top bits of a multiple by
    /// 2^64 over the golden ratio, which spreads pieces differing in any byte.
    fn slot(&self, piece: u64) -> usize {
        (piece.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }
}

impl From<Vec<u64>> for Pieces {
    fn from(mut sorted: Vec<u64>) -> Self {
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.is_empty() {
            return Self::default();
        }
        let bits = (sorted.len() * BITS_PER_PIECE).next_power_of_two().max(64);
        let mut pieces = Self {
            seen: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
            sorted: Vec::new(),
        };
        for &piece in &sorted {
            let slot = pieces.slot(piece);
            pieces.seen[slot / 64] |= 1 << (slot % 64);
        }
        pieces.sorted = sorted;
        pieces
    }
}

/// A value this long is no credential; its start is enough to bound the memory.
fn bounded(secret: &str) -> &str {
    let mut end = secret.len().min(MAX_SECRET);
    while !secret.is_char_boundary(end) {
        end -= 1;
    }
    &secret[..end]
}

/// A key without its kind prefix: what is its own.
fn core(secret: &str) -> &str {
    PREFIXES
        .iter()
        .find_map(|p| {
            secret
                .get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .map(|_| &secret[p.len()..])
        })
        .unwrap_or(secret)
}

fn add(pieces: &mut Vec<u64>, bytes: &[u8]) {
    pieces.extend(windows(bytes.iter().map(|&b| (b, 0, 0))).map(|(piece, _)| piece));
}

/// Each window of eight bytes, in lower case, as one number, with the span of the text it
/// covers (from where its first byte came from to where its last byte ends): each number is
/// the last shifted by one byte, the oldest falling off the top. Read as the bytes come, so
/// that looking through a text builds nothing.
pub fn windows(bytes: impl Iterator<Item = Byte>) -> impl Iterator<Item = (u64, Range<usize>)> {
    let mut starts = [0usize; PIECE];
    bytes
        .enumerate()
        .scan(0u64, move |piece, (at, (b, from, to))| {
            *piece = *piece << 8 | u64::from(b.to_ascii_lowercase());
            starts[at % PIECE] = from;
            // The window's first byte is the one written PIECE - 1 bytes ago.
            let first = starts[(at + 1) % PIECE];
            Some((at, *piece, first..to))
        })
        .skip(PIECE - 1)
        .map(|(_, piece, span)| (piece, span))
}

fn rotate_letter(c: char, shift: u8) -> char {
    match c {
        'a'..='z' => char::from(b'a' + (c as u8 - b'a' + shift) % 26),
        'A'..='Z' => char::from(b'A' + (c as u8 - b'A' + shift) % 26),
        c => c,
    }
}

/// Within `!` to `~`, the 94 printable characters, as rot47 turns them.
fn rotate_printable(c: char, shift: u8) -> char {
    match c {
        '!'..='~' => char::from(b'!' + (c as u8 - b'!' + shift) % 94),
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each window is the eight bytes before it, folded to lower case, and spans the text from
    /// its first byte's start to its last byte's end, however wide each byte's text was.
    #[test]
    fn a_window_spans_the_text_its_bytes_came_from() {
        // Ten bytes, each from a piece of text three wide but the fifth, which is one wide.
        let bytes: Vec<Byte> = b"ABCDEFGHIJ"
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                let from = if i <= 4 { 3 * i } else { 3 * i - 2 };
                let to = if i == 4 { from + 1 } else { from + 3 };
                (b, from, to)
            })
            .collect();
        let found: Vec<(u64, Range<usize>)> = windows(bytes.iter().copied()).collect();
        let number = |s: &[u8]| s.iter().fold(0u64, |n, &b| n << 8 | u64::from(b));
        assert_eq!(
            found,
            [
                (number(b"abcdefgh"), 0..bytes[7].2),
                (number(b"bcdefghi"), 3..bytes[8].2),
                (number(b"cdefghij"), 6..bytes[9].2),
            ]
        );
        assert_eq!(windows(bytes[..7].iter().copied()).count(), 0);
    }
}
