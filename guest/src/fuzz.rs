//! Property tests over the inputs that come from outside: `.env` bytes, key values, server
//! answers, text to scrub. Each property runs 25,000 cases by default (100,000 in all), or
//! `PROPTEST_CASES` each. None may panic, and none may let a key, or any 8-character piece of
//! it, into what it reports.

use proptest::prelude::*;

use crate::{classify, dotenv, keys, scrub};

const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Whether `text` holds `secret` or any 8-character piece of it.
fn leaks(text: &str, secret: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let chars: Vec<char> = secret.to_ascii_lowercase().chars().collect();
    chars
        .windows(8)
        .any(|w| text.contains(&w.iter().collect::<String>()))
}

/// Text around the key: arbitrary characters, newlines, quotes, `=` and `#`, and the key or a
/// piece of it dropped in somewhere.
fn text_with_key() -> impl Strategy<Value = String> {
    let noise = prop::collection::vec(
        prop_oneof![
            any::<char>().prop_map(|c| c.to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("=".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just(" #".to_string()),
            Just("export ".to_string()),
            Just("\\".to_string()),
            Just("DASHSCOPE_API_KEY".to_string()),
        ],
        0..40,
    );
    (
        noise,
        0usize..40,
        0usize..KEY.len(),
        8usize..=KEY.len(),
        0usize..6,
    )
        .prop_map(|(mut parts, at, start, len, encoding)| {
            let end = (start + len).min(KEY.len());
            let piece = if end - start >= 8 {
                &KEY[start..end]
            } else {
                KEY
            };
            parts.insert(at.min(parts.len()), encode(piece, encoding));
            parts.concat()
        })
}

/// `text` as servers have been seen to echo keys: as it is, upper-cased, percent-escaped,
/// JSON-escaped, in hex, or in base64.
fn encode(text: &str, encoding: usize) -> String {
    use base64::Engine;
    match encoding {
        1 => text.to_ascii_uppercase(),
        2 => text.bytes().map(|b| format!("%{b:02X}")).collect(),
        3 => text.bytes().map(|b| format!("\\u{b:04x}")).collect(),
        4 => text.bytes().map(|b| format!("{b:02x}")).collect(),
        5 => base64::engine::general_purpose::STANDARD.encode(text),
        _ => text.to_string(),
    }
}

/// Run `property` over `strategy`. A failure names the property and the reason, never the
/// input: the inputs hold (fake) keys, and no test output may show one.
fn check<S: Strategy>(
    name: &str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    if let Err(error) = runner.run(&strategy, property) {
        let reason = match error {
            proptest::test_runner::TestError::Fail(reason, _) => reason.to_string(),
            proptest::test_runner::TestError::Abort(reason) => reason.to_string(),
        };
        panic!("{name} failed: {reason} (input withheld)");
    }
}

#[test]
fn dotenv_problems_never_quote_the_file() {
    check(
        "dotenv",
        (prop::collection::vec(any::<u8>(), 0..300), text_with_key()),
        |(bytes, text)| {
            let _ = dotenv::parse(&bytes).describe_problems(".env");
            let parsed = dotenv::parse(text.as_bytes());
            let problems = parsed.describe_problems(".env").join("\n");
            prop_assert!(!leaks(&problems, KEY), "a problem quotes the file");
            for entry in &parsed.entries {
                let debug = format!("{:?}", entry.value);
                prop_assert!(!leaks(&debug, KEY), "a value shows in a debug dump");
            }
            Ok(())
        },
    );
}

#[test]
fn key_classes_never_repeat_the_value() {
    check("keys", ("\\PC{0,80}", text_with_key()), |(value, text)| {
        for v in [value.as_str(), text.as_str(), keys::normalize(&text)] {
            let class = keys::classify(v);
            prop_assert!(!leaks(&class.detail, KEY), "the detail repeats the key");
            if let Some(masked) = &class.masked {
                let stars = masked.find("****************");
                prop_assert!(stars.is_some(), "no fixed run of stars");
                let after = masked.len() - stars.unwrap_or(0) - 16;
                prop_assert!(after <= 4, "more than four characters shown");
                prop_assert!(!leaks(masked, KEY), "the mask shows the key");
            }
        }
        Ok(())
    });
}

#[test]
fn server_answers_are_judged_without_repeating_the_key() {
    let strategy = (
        100u16..600,
        text_with_key(),
        prop::collection::vec(any::<u8>(), 0..200),
        proptest::option::of(text_with_key()),
        any::<bool>(),
    );
    let scrubber = scrub::Scrubber::new([KEY]);
    check(
        "responses",
        strategy,
        |(status, body, raw, location, truncated)| {
            let shaped = format!(
                r#"{{"error":{{"code":"{body}","message":"{body}"}},"code":"{body}","request_id":"{body}"}}"#
            );
            for answer in [body.as_bytes(), raw.as_slice(), shaped.as_bytes()] {
                let j =
                    classify::response(status, answer, truncated, location.as_deref(), &scrubber);
                let debug = format!("{j:?}");
                prop_assert!(!leaks(&debug, KEY), "the judgement repeats the key");
            }
            Ok(())
        },
    );
}

#[test]
fn scrubbing_leaves_no_piece_of_the_key() {
    check("scrub", (text_with_key(), 1usize..500), |(text, max)| {
        let scrubber = scrub::Scrubber::new([KEY]);
        let scrubbed = scrubber.scrub(&text);
        prop_assert!(!leaks(&scrubbed, KEY), "a piece survived scrubbing");
        prop_assert!(
            scrubber.scrub(&scrubbed) == scrubbed,
            "an encoded piece survived scrubbing"
        );
        if let Some(excerpt) = scrub::excerpt(text.as_bytes(), &scrubber, max) {
            prop_assert!(!leaks(&excerpt, KEY), "a piece survived in the excerpt");
            prop_assert!(
                excerpt.chars().count() <= max + 1,
                "the excerpt is too long"
            );
        }
        Ok(())
    });
}
