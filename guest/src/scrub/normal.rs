//! Text as the matcher reads it: each character with the bytes of the scrubbed text it stands
//! for, and its skeleton, the ASCII letters (in lower case) and digits it holds once
//! compatibility forms are folded (fullwidth `ｓｋ`, mathematical `𝐬𝐤`, circled `ⓢⓚ`) and
//! everything else is dropped: separators, spaces, line breaks, soft hyphens, zero-width and
//! other format characters, punctuation. A key spaced out, dashed, interleaved with invisible
//! characters, split across lines or written in another width has the skeleton of the key.

use super::forms::ascii_form;

/// One character, and the bytes `from..to` of the scrubbed text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub c: char,
    pub from: usize,
    pub to: usize,
}

/// A decoded byte (or a skeleton's), and the bytes `from..to` of the scrubbed text it came from.
pub type Byte = (u8, usize, usize);

/// The characters of `text`, each with its own bytes.
pub fn units(text: &str) -> Vec<Unit> {
    text.char_indices()
        .map(|(at, c)| Unit {
            c,
            from: at,
            to: at + c.len_utf8(),
        })
        .collect()
}

/// Decoded bytes as characters: each run that is UTF-8 as its characters, any other byte as
/// the character of that number; each spanning the bytes of the text its bytes came from.
pub fn from_bytes(bytes: &[Byte]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let width = utf8_width(bytes[at].0);
        let end = at + width;
        let decoded = (width > 1 && end <= bytes.len())
            .then(|| {
                let raw: Vec<u8> = bytes[at..end].iter().map(|b| b.0).collect();
                std::str::from_utf8(&raw).ok()?.chars().next()
            })
            .flatten();
        match decoded {
            Some(c) => {
                out.push(Unit {
                    c,
                    from: bytes[at].1,
                    to: bytes[end - 1].2,
                });
                at = end;
            }
            None => {
                out.push(Unit {
                    c: char::from(bytes[at].0),
                    from: bytes[at].1,
                    to: bytes[at].2,
                });
                at += 1;
            }
        }
    }
    out
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 1,
    }
}

/// The skeleton of `units`: one byte for each letter or digit, with the unit's span.
pub fn skeleton(units: &[Unit]) -> impl Iterator<Item = Byte> + '_ {
    units
        .iter()
        .filter_map(|u| fold(u.c).map(|b| (b, u.from, u.to)))
}

/// The ASCII letter (lower case) or digit `c` is, or stands for as a compatibility form.
pub fn fold(c: char) -> Option<u8> {
    if c.is_ascii() {
        return c
            .is_ascii_alphanumeric()
            .then(|| c.to_ascii_lowercase() as u8);
    }
    ascii_form(c)
}

/// Bytes as characters whose skeleton the matcher reads, for the secrets themselves.
pub fn skeleton_of(text: &str) -> Vec<u8> {
    text.chars().filter_map(fold).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bones(text: &str) -> String {
        skeleton(&units(text)).map(|b| b.0 as char).collect()
    }

    #[test]
    fn forms_that_read_the_same_have_the_same_skeleton() {
        for text in [
            "sk-FAKE_Zq8v",
            "s k - F A K E _ Z q 8 v",
            "s\u{200b}k\u{ad}F\u{2060}A\u{feff}KEZq8v",
            "ｓｋ－ＦＡＫＥ＿Ｚｑ８ｖ",
            "𝐬𝐤-𝐅𝐀𝐊𝐄_𝐙𝐪𝟖𝐯",
            "ⓢⓚ-ⒻⒶⓀⒺ_Ⓩⓠ⑧ⓥ",
            "sk-FA\nKE_Z\r\nq8v",
        ] {
            assert_eq!(bones(text), "skfakezq8v", "{text:?}");
        }
    }

    #[test]
    fn decoded_bytes_become_characters_with_their_spans() {
        let bytes = [
            (b'a', 0, 4),
            (0xef, 4, 8),
            (0xbd, 8, 12),
            (0x93, 12, 16),
            (0xff, 16, 20),
        ];
        let units = from_bytes(&bytes);
        assert_eq!(units.len(), 3);
        assert_eq!(
            units[1],
            Unit {
                c: 'ｓ',
                from: 4,
                to: 16
            }
        );
        assert_eq!(units[2].c, 'ÿ');
    }
}
