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
        let decoded: String = decode::escapes(&normal::units(&out))
            .iter()
            .map(|d| d.c)
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
fn a_key_shaped_token_is_hidden_in_foreign_text_only() {
    let text = "other key sk-abcdefgh12345678ab and SK-ABCDEFGH90123456 and sk-short \
                in /srv/flask-api-server/sk-notes";
    assert_eq!(
        Scrubber::default().scrub_foreign(text),
        "other key [redacted] and [redacted] and sk-short in /srv/flask-api-server/sk-notes"
    );
    assert_eq!(
        Scrubber::default().scrub(text),
        text,
        "the user's words are untouched"
    );
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
    assert_eq!(s.scrub("short and sweet"), "short and sweet");
    assert_ne!(
        s.scrub("/home/me/FAKE_Ty5Gh2Vn9Bx4_Cs7/out"),
        "/home/me/FAKE_Ty5Gh2Vn9Bx4_Cs7/out"
    );
}

/// After a key is replaced, the run's scrubber hides the old key and the new one.
#[test]
fn a_union_hides_what_either_hid() {
    let old = Scrubber::new([KEY]);
    let new = Scrubber::new(["sk-FAKE_Jd6Yu1Qe5Wn8_Vm3Kx9Pg4Tz_9f3c"]);
    let both = new.union(&old);
    assert_eq!(both.scrub(KEY), "[redacted]");
    assert_eq!(both.scrub("Jd6Yu1Qe5Wn8"), "[redacted]");
    assert_eq!(both.union(&old).scrub(KEY), "[redacted]");
    assert_eq!(old.union(&Scrubber::new([])).scrub(KEY), "[redacted]");
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

/// Encoders for the forms below, written out here so that the test does not trust the code
/// it tests.
mod encode {
    pub fn base32(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut out = String::new();
        for chunk in bytes.chunks(5) {
            let mut buf = [0u8; 5];
            buf[..chunk.len()].copy_from_slice(chunk);
            let n = buf.iter().fold(0u64, |n, b| n << 8 | u64::from(*b));
            let chars = (chunk.len() * 8).div_ceil(5);
            for i in 0..8 {
                if i < chars {
                    out.push(A[(n >> (35 - 5 * i) & 31) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn radix85(bytes: &[u8], alphabet: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(4) {
            let mut buf = [0u8; 4];
            buf[..chunk.len()].copy_from_slice(chunk);
            let mut n = u32::from_be_bytes(buf) as u64;
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = alphabet[(n % 85) as usize];
                n /= 85;
            }
            for d in &digits[..chunk.len() + 1] {
                out.push(*d as char);
            }
        }
        out
    }

    pub fn b85(bytes: &[u8]) -> String {
        radix85(bytes, b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~")
    }

    pub fn a85(bytes: &[u8]) -> String {
        let alphabet: Vec<u8> = (b'!'..=b'u').collect();
        radix85(bytes, &alphabet)
    }

    pub fn z85(bytes: &[u8]) -> String {
        radix85(bytes, b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
    }

    pub fn b64(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    pub fn b64url(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
        out.extend(miniz_oxide::deflate::compress_to_vec(bytes, 6));
        out.extend([0; 8]);
        out
    }

    pub fn hex(bytes: &[u8], sep: &str, prefix: &str, upper: bool) -> String {
        bytes
            .iter()
            .map(|b| {
                if upper {
                    format!("{prefix}{b:02X}")
                } else {
                    format!("{prefix}{b:02x}")
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    pub fn each_char(text: &str, f: impl Fn(char) -> String) -> String {
        text.chars().map(f).collect()
    }

    pub fn rotate_letters(text: &str, n: u8) -> String {
        each_char(text, |c| match c {
            'a'..='z' => char::from(b'a' + (c as u8 - b'a' + n) % 26).to_string(),
            'A'..='Z' => char::from(b'A' + (c as u8 - b'A' + n) % 26).to_string(),
            c => c.to_string(),
        })
    }

    pub fn rot47(text: &str, n: u8) -> String {
        each_char(text, |c| match c {
            '!'..='~' => char::from(b'!' + (c as u8 - b'!' + n) % 94).to_string(),
            c => c.to_string(),
        })
    }

    pub fn fullwidth(text: &str) -> String {
        each_char(text, |c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xff01)
                .unwrap()
                .to_string(),
            c => c.to_string(),
        })
    }

    pub fn math_bold(text: &str) -> String {
        each_char(text, |c| match c {
            'A'..='Z' => char::from_u32(0x1d400 + c as u32 - 'A' as u32)
                .unwrap()
                .to_string(),
            'a'..='z' => char::from_u32(0x1d41a + c as u32 - 'a' as u32)
                .unwrap()
                .to_string(),
            '0'..='9' => char::from_u32(0x1d7ce + c as u32 - '0' as u32)
                .unwrap()
                .to_string(),
            c => c.to_string(),
        })
    }
}

/// The key, as a hostile server or program may turn it: 56 forms, each inside other text. The
/// scrubber hides every one (for text from servers and programs), and leaves the text around
/// it. A form is named, never printed with its key.
#[test]
fn every_transformed_form_of_the_key_is_hidden() {
    use encode::*;
    let key = KEY;
    let bytes = key.as_bytes();
    let reversed: String = key.chars().rev().collect();
    let interleave = |sep: &str| {
        key.chars()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let forms: Vec<(&str, String)> = vec![
        ("as it is", key.to_string()),
        ("upper case", key.to_uppercase()),
        ("lower case", key.to_lowercase()),
        (
            "alternating case",
            key.chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect(),
        ),
        ("reversed", reversed.clone()),
        ("spaced", interleave(" ")),
        ("dashed", interleave("-")),
        ("dotted", interleave(".")),
        ("tabbed", interleave("\t")),
        ("zero-width spaces", interleave("\u{200b}")),
        ("zero-width joiners", interleave("\u{200d}")),
        ("soft hyphens", interleave("\u{ad}")),
        ("word joiners", interleave("\u{2060}")),
        (
            "split across lines",
            key.as_bytes()
                .chunks(5)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "split across CRLF lines",
            key.as_bytes()
                .chunks(7)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\r\n"),
        ),
        ("fullwidth", fullwidth(key)),
        ("mathematical bold", math_bold(key)),
        ("rot13", rotate_letters(key, 13)),
        ("letters shifted by 3", rotate_letters(key, 3)),
        ("letters shifted by 25", rotate_letters(key, 25)),
        ("rot47", rot47(key, 47)),
        ("each character plus one", rot47(key, 1)),
        ("each character minus one", rot47(key, 93)),
        ("reversed rot13", rotate_letters(&reversed, 13)),
        ("base64", b64(bytes)),
        ("base64url", b64url(bytes)),
        (
            "base64 inside a longer text",
            b64(format!("Bearer {key}").as_bytes()),
        ),
        ("base64 of the reversed key", b64(reversed.as_bytes())),
        ("base64 twice", b64(b64(bytes).as_bytes())),
        (
            "base64 three times",
            b64(b64(b64(bytes).as_bytes()).as_bytes()),
        ),
        ("base64 in MIME lines", {
            let e = b64(format!("auth={key}&x=1").as_bytes());
            e.as_bytes()
                .chunks(12)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\r\n")
        }),
        ("base32", base32(bytes)),
        ("base32 lower case", base32(bytes).to_lowercase()),
        ("base85 (RFC 1924)", b85(bytes)),
        ("Ascii85", a85(bytes)),
        ("Z85", z85(bytes)),
        (
            "gzip, then base64",
            b64(&gzip(format!("key={key}").as_bytes())),
        ),
        (
            "zlib, then base64",
            b64(&miniz_oxide::deflate::compress_to_vec_zlib(
                format!("key={key}").as_bytes(),
                6,
            )),
        ),
        (
            "raw deflate, then base64",
            b64(&miniz_oxide::deflate::compress_to_vec(
                format!("{key} {key}").as_bytes(),
                6,
            )),
        ),
        ("hex", hex(bytes, "", "", false)),
        ("hex upper case", hex(bytes, "", "", true)),
        ("hex with colons", hex(bytes, ":", "", false)),
        ("hex with spaces", hex(bytes, " ", "", true)),
        ("hex as 0x list", hex(bytes, ", ", "0x", false)),
        ("\\x escapes", hex(bytes, "", "\\x", false)),
        ("percent-encoded", hex(bytes, "", "%", true)),
        ("percent-encoded twice", hex(bytes, "", "%25", true)),
        ("quoted-printable", hex(bytes, "", "=", true)),
        (
            "JSON \\u escapes",
            each_char(key, |c| format!("\\u{:04x}", c as u32)),
        ),
        (
            "JSON \\u escapes of fullwidth",
            each_char(&fullwidth(key), |c| format!("\\u{:04x}", c as u32)),
        ),
        (
            "ES6 \\u{} escapes",
            each_char(key, |c| format!("\\u{{{:x}}}", c as u32)),
        ),
        (
            "octal escapes",
            each_char(key, |c| format!("\\{:03o}", c as u32)),
        ),
        (
            "HTML decimal references",
            each_char(key, |c| format!("&#{};", c as u32)),
        ),
        (
            "HTML hex references",
            each_char(key, |c| format!("&#x{:x};", c as u32)),
        ),
        ("hex of base64", hex(b64(bytes).as_bytes(), "", "", false)),
        ("base64 of hex", b64(hex(bytes, "", "", false).as_bytes())),
        (
            "split by escaped line breaks",
            key.as_bytes()
                .chunks(6)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\\n"),
        ),
        (
            "a JSON array of characters",
            format!(
                "[{}]",
                key.chars()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
    ];
    let scrubber = Scrubber::new([KEY]);
    let mut survived = Vec::new();
    for (name, form) in &forms {
        let text = format!("the server said: {form} (request 7f3c2a1b)");
        let out = scrubber.scrub_foreign(&text);
        if !out.contains(REDACTED) || out.contains(form.as_str()) || !clean(&out) {
            survived.push(*name);
        }
        assert!(
            out.starts_with("the server said: "),
            "{name}: the text around it was lost"
        );
        assert!(
            out.ends_with("(request 7f3c2a1b)"),
            "{name}: the text around it was lost"
        );
    }
    assert!(forms.len() >= 50);
    assert!(
        survived.is_empty(),
        "{} of {} forms survived: {survived:?}",
        survived.len(),
        forms.len()
    );
}

/// The user's own words and paths, and the placeholder, are never touched, in either kind of
/// text; and neither is ordinary text from a server.
#[test]
fn words_paths_and_the_placeholder_are_left_alone() {
    let scrubber = Scrubber::new([KEY, "sk-FAKE_Jd6Yu1Qe5Wn8_Vm3Kx9Pg4Tz_9f3c"]);
    for text in [
        "/home/me/flask-api-server/.env",
        "/srv/task-queue-worker/output/qianwen-ops-auth",
        "/var/disk-usage-report/.env",
        "chmod 600 /home/me/flask-api-server/.env",
        "Please replace `sk-your-key-here` with your actual API key",
        "DASHSCOPE_API_KEY=sk-your-key-here",
        "request id 7f3c2a1b-2c4d-4e5f-8a9b-0c1d2e3f4a5b",
        "SGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IHRleHQ=",
        "deadbeefcafebabe0123456789abcdef",
        "Invalid API-key provided.",
        "无效的 API-key",
        "https://platform.qianwenai.com/home/api-keys",
    ] {
        assert_eq!(scrubber.scrub(text), text);
        assert_eq!(scrubber.scrub_foreign(text), text);
    }
}
