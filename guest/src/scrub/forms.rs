//! The compatibility forms of ASCII letters and digits: every character outside ASCII whose
//! compatibility decomposition (Unicode's NFKD) is a single ASCII letter or digit, such as
//! fullwidth `ｓ`, mathematical `𝐬`, circled `ⓢ`, superscript `²`, the long `ſ` and the Kelvin
//! sign. Held as a table of runs rather than Unicode's whole decomposition data, which would be
//! most of the component's data, copied into its memory on every run. The tests check the table
//! against that data, character by character, and print it anew when Unicode changes.

/// Runs of consecutive characters standing for consecutive letters or digits: `(first, last,
/// what first stands for)`, in lower case, sorted.
const RUNS: &[(char, char, u8)] = &[
    ('\u{aa}', '\u{aa}', b'a'),
    ('\u{b2}', '\u{b3}', b'2'),
    ('\u{b9}', '\u{b9}', b'1'),
    ('\u{ba}', '\u{ba}', b'o'),
    ('\u{17f}', '\u{17f}', b's'),
    ('\u{2b0}', '\u{2b0}', b'h'),
    ('\u{2b2}', '\u{2b2}', b'j'),
    ('\u{2b3}', '\u{2b3}', b'r'),
    ('\u{2b7}', '\u{2b7}', b'w'),
    ('\u{2b8}', '\u{2b8}', b'y'),
    ('\u{2e1}', '\u{2e1}', b'l'),
    ('\u{2e2}', '\u{2e2}', b's'),
    ('\u{2e3}', '\u{2e3}', b'x'),
    ('\u{1d2c}', '\u{1d2c}', b'a'),
    ('\u{1d2e}', '\u{1d2e}', b'b'),
    ('\u{1d30}', '\u{1d31}', b'd'),
    ('\u{1d33}', '\u{1d3a}', b'g'),
    ('\u{1d3c}', '\u{1d3c}', b'o'),
    ('\u{1d3e}', '\u{1d3e}', b'p'),
    ('\u{1d3f}', '\u{1d3f}', b'r'),
    ('\u{1d40}', '\u{1d41}', b't'),
    ('\u{1d42}', '\u{1d42}', b'w'),
    ('\u{1d43}', '\u{1d43}', b'a'),
    ('\u{1d47}', '\u{1d47}', b'b'),
    ('\u{1d48}', '\u{1d49}', b'd'),
    ('\u{1d4d}', '\u{1d4d}', b'g'),
    ('\u{1d4f}', '\u{1d4f}', b'k'),
    ('\u{1d50}', '\u{1d50}', b'm'),
    ('\u{1d52}', '\u{1d52}', b'o'),
    ('\u{1d56}', '\u{1d56}', b'p'),
    ('\u{1d57}', '\u{1d58}', b't'),
    ('\u{1d5b}', '\u{1d5b}', b'v'),
    ('\u{1d62}', '\u{1d62}', b'i'),
    ('\u{1d63}', '\u{1d63}', b'r'),
    ('\u{1d64}', '\u{1d65}', b'u'),
    ('\u{1d9c}', '\u{1d9c}', b'c'),
    ('\u{1da0}', '\u{1da0}', b'f'),
    ('\u{1dbb}', '\u{1dbb}', b'z'),
    ('\u{2070}', '\u{2070}', b'0'),
    ('\u{2071}', '\u{2071}', b'i'),
    ('\u{2074}', '\u{2079}', b'4'),
    ('\u{207f}', '\u{207f}', b'n'),
    ('\u{2080}', '\u{2089}', b'0'),
    ('\u{2090}', '\u{2090}', b'a'),
    ('\u{2091}', '\u{2091}', b'e'),
    ('\u{2092}', '\u{2092}', b'o'),
    ('\u{2093}', '\u{2093}', b'x'),
    ('\u{2095}', '\u{2095}', b'h'),
    ('\u{2096}', '\u{2099}', b'k'),
    ('\u{209a}', '\u{209a}', b'p'),
    ('\u{209b}', '\u{209c}', b's'),
    ('\u{209d}', '\u{209d}', b'w'),
    ('\u{209e}', '\u{209f}', b'y'),
    ('\u{2102}', '\u{2102}', b'c'),
    ('\u{210a}', '\u{210b}', b'g'),
    ('\u{210c}', '\u{210c}', b'h'),
    ('\u{210d}', '\u{210d}', b'h'),
    ('\u{210e}', '\u{210e}', b'h'),
    ('\u{2110}', '\u{2110}', b'i'),
    ('\u{2111}', '\u{2111}', b'i'),
    ('\u{2112}', '\u{2112}', b'l'),
    ('\u{2113}', '\u{2113}', b'l'),
    ('\u{2115}', '\u{2115}', b'n'),
    ('\u{2119}', '\u{211b}', b'p'),
    ('\u{211c}', '\u{211c}', b'r'),
    ('\u{211d}', '\u{211d}', b'r'),
    ('\u{2124}', '\u{2124}', b'z'),
    ('\u{2128}', '\u{2128}', b'z'),
    ('\u{212a}', '\u{212a}', b'k'),
    ('\u{212c}', '\u{212d}', b'b'),
    ('\u{212f}', '\u{212f}', b'e'),
    ('\u{2130}', '\u{2131}', b'e'),
    ('\u{2133}', '\u{2133}', b'm'),
    ('\u{2134}', '\u{2134}', b'o'),
    ('\u{2139}', '\u{2139}', b'i'),
    ('\u{2145}', '\u{2145}', b'd'),
    ('\u{2146}', '\u{2147}', b'd'),
    ('\u{2148}', '\u{2149}', b'i'),
    ('\u{2160}', '\u{2160}', b'i'),
    ('\u{2164}', '\u{2164}', b'v'),
    ('\u{2169}', '\u{2169}', b'x'),
    ('\u{216c}', '\u{216c}', b'l'),
    ('\u{216d}', '\u{216e}', b'c'),
    ('\u{216f}', '\u{216f}', b'm'),
    ('\u{2170}', '\u{2170}', b'i'),
    ('\u{2174}', '\u{2174}', b'v'),
    ('\u{2179}', '\u{2179}', b'x'),
    ('\u{217c}', '\u{217c}', b'l'),
    ('\u{217d}', '\u{217e}', b'c'),
    ('\u{217f}', '\u{217f}', b'm'),
    ('\u{2460}', '\u{2468}', b'1'),
    ('\u{24b6}', '\u{24cf}', b'a'),
    ('\u{24d0}', '\u{24e9}', b'a'),
    ('\u{24ea}', '\u{24ea}', b'0'),
    ('\u{2c7c}', '\u{2c7c}', b'j'),
    ('\u{2c7d}', '\u{2c7d}', b'v'),
    ('\u{a7f1}', '\u{a7f1}', b's'),
    ('\u{a7f2}', '\u{a7f2}', b'c'),
    ('\u{a7f3}', '\u{a7f3}', b'f'),
    ('\u{a7f4}', '\u{a7f4}', b'q'),
    ('\u{ff10}', '\u{ff19}', b'0'),
    ('\u{ff21}', '\u{ff3a}', b'a'),
    ('\u{ff41}', '\u{ff5a}', b'a'),
    ('\u{107a5}', '\u{107a5}', b'q'),
    ('\u{1ccd6}', '\u{1ccef}', b'a'),
    ('\u{1ccf0}', '\u{1ccf9}', b'0'),
    ('\u{1d400}', '\u{1d419}', b'a'),
    ('\u{1d41a}', '\u{1d433}', b'a'),
    ('\u{1d434}', '\u{1d44d}', b'a'),
    ('\u{1d44e}', '\u{1d454}', b'a'),
    ('\u{1d456}', '\u{1d467}', b'i'),
    ('\u{1d468}', '\u{1d481}', b'a'),
    ('\u{1d482}', '\u{1d49b}', b'a'),
    ('\u{1d49c}', '\u{1d49c}', b'a'),
    ('\u{1d49e}', '\u{1d49f}', b'c'),
    ('\u{1d4a2}', '\u{1d4a2}', b'g'),
    ('\u{1d4a5}', '\u{1d4a6}', b'j'),
    ('\u{1d4a9}', '\u{1d4ac}', b'n'),
    ('\u{1d4ae}', '\u{1d4b5}', b's'),
    ('\u{1d4b6}', '\u{1d4b9}', b'a'),
    ('\u{1d4bb}', '\u{1d4bb}', b'f'),
    ('\u{1d4bd}', '\u{1d4c3}', b'h'),
    ('\u{1d4c5}', '\u{1d4cf}', b'p'),
    ('\u{1d4d0}', '\u{1d4e9}', b'a'),
    ('\u{1d4ea}', '\u{1d503}', b'a'),
    ('\u{1d504}', '\u{1d505}', b'a'),
    ('\u{1d507}', '\u{1d50a}', b'd'),
    ('\u{1d50d}', '\u{1d514}', b'j'),
    ('\u{1d516}', '\u{1d51c}', b's'),
    ('\u{1d51e}', '\u{1d537}', b'a'),
    ('\u{1d538}', '\u{1d539}', b'a'),
    ('\u{1d53b}', '\u{1d53e}', b'd'),
    ('\u{1d540}', '\u{1d544}', b'i'),
    ('\u{1d546}', '\u{1d546}', b'o'),
    ('\u{1d54a}', '\u{1d550}', b's'),
    ('\u{1d552}', '\u{1d56b}', b'a'),
    ('\u{1d56c}', '\u{1d585}', b'a'),
    ('\u{1d586}', '\u{1d59f}', b'a'),
    ('\u{1d5a0}', '\u{1d5b9}', b'a'),
    ('\u{1d5ba}', '\u{1d5d3}', b'a'),
    ('\u{1d5d4}', '\u{1d5ed}', b'a'),
    ('\u{1d5ee}', '\u{1d607}', b'a'),
    ('\u{1d608}', '\u{1d621}', b'a'),
    ('\u{1d622}', '\u{1d63b}', b'a'),
    ('\u{1d63c}', '\u{1d655}', b'a'),
    ('\u{1d656}', '\u{1d66f}', b'a'),
    ('\u{1d670}', '\u{1d689}', b'a'),
    ('\u{1d68a}', '\u{1d6a3}', b'a'),
    ('\u{1d7ce}', '\u{1d7d7}', b'0'),
    ('\u{1d7d8}', '\u{1d7e1}', b'0'),
    ('\u{1d7e2}', '\u{1d7eb}', b'0'),
    ('\u{1d7ec}', '\u{1d7f5}', b'0'),
    ('\u{1d7f6}', '\u{1d7ff}', b'0'),
    ('\u{1f12b}', '\u{1f12b}', b'c'),
    ('\u{1f12c}', '\u{1f12c}', b'r'),
    ('\u{1f130}', '\u{1f149}', b'a'),
    ('\u{1fbf0}', '\u{1fbf9}', b'0'),
];

/// The ASCII letter (lower case) or digit `c`, outside ASCII, stands for.
pub fn ascii_form(c: char) -> Option<u8> {
    // Most characters read are below the first run: Latin-1's, and bytes decoded as them.
    if c < RUNS[0].0 {
        return None;
    }
    let at = RUNS.partition_point(|&(_, last, _)| last < c);
    let &(first, last, stands) = RUNS.get(at)?;
    (first..=last)
        .contains(&c)
        .then(|| stands + (c as u32 - first as u32) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::char::decompose_compatible;

    /// What Unicode's data says `c` stands for.
    fn decomposed(c: char) -> Option<u8> {
        let mut parts = Vec::new();
        decompose_compatible(c, |d| parts.push(d));
        match parts[..] {
            [d] if !c.is_ascii() && d.is_ascii_alphanumeric() => Some(d.to_ascii_lowercase() as u8),
            _ => None,
        }
    }

    /// The table as Unicode's data gives it, written as `RUNS` is.
    fn runs_from_unicode() -> Vec<(char, char, u8)> {
        let mut runs: Vec<(char, char, u8)> = Vec::new();
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let Some(stands) = decomposed(c) else {
                continue;
            };
            if let Some((first, last, first_stands)) = runs.last_mut() {
                let next = *last as u32 + 1 == c as u32;
                if next
                    && u32::from(*first_stands) + (c as u32 - *first as u32) == u32::from(stands)
                {
                    *last = c;
                    continue;
                }
            }
            runs.push((c, c, stands));
        }
        runs
    }

    #[test]
    fn the_table_is_unicodes_own() {
        let expected = runs_from_unicode();
        let written: Vec<String> = expected
            .iter()
            .map(|(f, l, s)| {
                format!(
                    "('\\u{{{:x}}}', '\\u{{{:x}}}', b'{}')",
                    *f as u32, *l as u32, *s as char
                )
            })
            .collect();
        assert!(
            RUNS == expected.as_slice(),
            "RUNS differs from Unicode's data; it should read:\n{}",
            written.join(", ")
        );
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert_eq!(ascii_form(c), decomposed(c), "U+{:04X}", c as u32);
        }
    }
}
