//! DashScope's answers as users recorded them (`tests/answers/dashscope.json`: where each came
//! from, and whether the body is verbatim), served by the mock and judged end to end.

use serde_json::Value;

use super::verify;
use crate::common::*;
use crate::mock::{Mock, Reply};

const ANSWERS: &str = include_str!("../answers/dashscope.json");

fn exit_for(outcome: &str) -> i32 {
    match outcome {
        "auth-rejected" | "auth-missing" => 4,
        "billing" | "access-denied" | "quota-exhausted" | "rate-limited" => 7,
        "bad-request" | "server-error" | "bad-response" => 8,
        "model-not-found" | "parameter-refused" | "content-refused" => 10,
        other => panic!("no answer in the corpus should end {other}"),
    }
}

#[test]
fn every_recorded_answer_gets_the_outcome_a_user_needs() {
    let answers: Vec<Value> = serde_json::from_str(ANSWERS).unwrap();
    assert!(answers.len() >= 30, "the corpus holds {}", answers.len());
    let dir = tempdir();
    for a in &answers {
        let source = a["source"].as_str().unwrap();
        assert!(
            a["verbatim"].is_boolean() && a["note"].is_string(),
            "{source}"
        );
        let status = a["status"].as_u64().unwrap() as u16;
        let body = a["body"].as_str().unwrap();
        let mock = Mock::start(vec![
            Reply::json(status, body).with_header("retry-after", "0"),
        ]);
        let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
        let outcome = a["outcome"].as_str().unwrap();
        let context = format!("{source} ({status}): {v}");
        assert_eq!(v["outcome"], outcome, "{context}");
        assert_eq!(code, exit_for(outcome), "{context}");
        assert_eq!(v["server_code"], a["server_code"], "{context}");
        assert_eq!(v["request_id"], a["request_id"], "{context}");
        let cause = v["cause"].as_str().unwrap();
        let accepted = v["key_judgement"] == "accepted";
        assert_eq!(
            cause.starts_with("The key was accepted"),
            accepted,
            "{context}"
        );
        if let Some(says) = a["says"].as_str() {
            let words = format!("{cause} {}", v["next_step"].as_str().unwrap());
            assert!(words.contains(says), "{context}");
        }
        // Server text reaches the cause only as a clean one-line quotation, links cut off.
        assert!(
            !cause.contains("http") && !cause.contains('\n'),
            "{context}"
        );
    }
}

/// A hostile server refusing the probe's parameters with a message built to abuse the
/// quotation: the key back in another case, a terminal escape, a line break, a link off the
/// link table. The quotation carries none of them to the screen, the JSON or the evidence.
#[test]
fn a_hostile_refusal_quotes_nothing_it_must_not() {
    let dir = tempdir();
    let message = format!(
        "bad value {} \u{1b}]8;;https://evil.example/\u{7}click\u{1b}]8;;\u{7}\r\nnext line https://evil.example/steal",
        STANDARD.to_ascii_uppercase()
    );
    let body = serde_json::json!({
        "error": {"code": "invalid_parameter_error", "message": message},
        "request_id": "r-1"
    })
    .to_string();
    for json in [true, false] {
        let mock = Mock::start(vec![Reply::json(400, &body)]);
        let url = mock.url();
        let grant = mock.grant();
        let mut args = vec!["verify", "--allow-host", &grant];
        if json {
            args.push("--json");
        }
        let out = run(
            dir.path(),
            &[("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", &url)],
            &args,
        );
        assert_eq!(out.code, 10, "{}", out.all());
        let text = out.all();
        assert_no_leak(&text, &ALL_KEYS, "a hostile refusal");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(!text.contains("evil.example"), "{text}");
        assert!(text.contains("refused the probe's parameters"), "{text}");
    }
    let mut evidence = String::new();
    for entry in std::fs::read_dir(dir.path().join("output/qianwen-ops-auth")).unwrap() {
        evidence.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert_no_leak(&evidence, &ALL_KEYS, "evidence of a hostile refusal");
    assert!(!evidence.contains("evil.example"), "{evidence}");
}
