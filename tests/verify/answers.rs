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
