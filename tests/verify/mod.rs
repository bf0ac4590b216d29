//! `qianwen-auth verify`, end to end, against a mock DashScope on loopback.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::mock::proxy::{Behaviour, Proxy};
use crate::mock::{Mock, Reply, TLS_NAME, compat_error, native_error};
use qianwen_auth_facts::evidence::{Attempt, Record};
use serde_json::Value;

mod answers;
mod proxies;
mod transport;

/// Run `verify --json` against `mock` with `key`; return the exit code, the JSON and the time.
fn verify(dir: &Path, mock: &Mock, key: &str, extra: &[&str]) -> (i32, Value, Duration) {
    let url = mock.url();
    let grant = mock.grant();
    let mut args = vec!["verify", "--json", "--allow-host", &grant];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let out = run(
        dir,
        &[("DASHSCOPE_API_KEY", key), ("QWEN_BASE_URL", &url)],
        &args,
    );
    let elapsed = started.elapsed();
    assert_no_leak(&out.all(), &ALL_KEYS, "verify --json");
    (out.code, out.json(), elapsed)
}

fn evidence_text(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir.join("output/qianwen-ops-auth")).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    all
}

#[test]
fn pass_sends_the_documented_request() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["outcome"], "pass");
    assert_eq!(v["http_status"], 200);
    assert_eq!(v["key"]["masked"], "sk-****************a1b2");
    assert_eq!(v["granted_hosts"][0], mock.grant());

    let seen = &mock.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/compatible-mode/v1/chat/completions");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {STANDARD}").as_str())
    );
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("x-api-key"), None);
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"model":"qwen-turbo","messages":[{"role":"user","content":"hi"}]})
    );
    assert_eq!(mock.connections(), 1);
}

#[test]
fn every_row_of_the_error_table_in_both_shapes() {
    let rows: &[(u16, &str, &str, &str, i32)] = &[
        (
            401,
            "InvalidApiKey",
            "Invalid API-key provided.",
            "auth-rejected",
            4,
        ),
        (
            401,
            "invalid_api_key",
            "Incorrect API key provided.",
            "auth-rejected",
            4,
        ),
        (
            401,
            "InvalidApiKey",
            "No API-key provided.",
            "auth-missing",
            4,
        ),
        (
            400,
            "Arrearage",
            "Access denied, please make sure your account is in good standing.",
            "billing",
            7,
        ),
        (403, "AccessDenied", "Access denied.", "access-denied", 7),
        (
            403,
            "AccessDenied.Unpurchased",
            "Access to model denied.",
            "access-denied",
            7,
        ),
        (
            403,
            "AllocationQuota.FreeTierOnly",
            "The free tier of the model has been exhausted.",
            "quota-exhausted",
            7,
        ),
        (
            403,
            "Workspace.AccessDenied",
            "Workspace access denied.",
            "access-denied",
            7,
        ),
        (
            403,
            "Model.AccessDenied",
            "Model access denied.",
            "access-denied",
            7,
        ),
        (
            404,
            "ModelNotFound",
            "Model not exist.",
            "model-not-found",
            10,
        ),
        (
            404,
            "model_not_found",
            "The model does not exist.",
            "model-not-found",
            10,
        ),
        (
            404,
            "InvalidParameter",
            "Model not exist.",
            "model-not-found",
            10,
        ),
        (
            400,
            "invalid_parameter_error",
            "This model only support stream mode.",
            "parameter-refused",
            10,
        ),
        (
            400,
            "BadRequest.EmptyInput",
            "Required input parameter missing from request.",
            "parameter-refused",
            10,
        ),
        (
            400,
            "data_inspection_failed",
            "Input data may contain inappropriate content.",
            "content-refused",
            10,
        ),
        (
            429,
            "Throttling",
            "Requests throttling triggered.",
            "rate-limited",
            7,
        ),
        (
            429,
            "Throttling.RateQuota",
            "Requests rate limit exceeded.",
            "rate-limited",
            7,
        ),
        (
            429,
            "Throttling.AllocationQuota",
            "Allocated quota exceeded.",
            "rate-limited",
            7,
        ),
        (
            429,
            "insufficient_quota",
            "You exceeded your current quota.",
            "rate-limited",
            7,
        ),
        (
            500,
            "InternalError",
            "An internal error has occured.",
            "server-error",
            8,
        ),
    ];
    let dir = tempdir();
    for &(status, code, message, outcome, exit) in rows {
        for body in [compat_error(code, message), native_error(code, message)] {
            // Retry-After: 0 keeps the retried rows (429, 5xx) quick.
            let mock = Mock::start(vec![
                Reply::json(status, &body).with_header("retry-after", "0"),
            ]);
            let (got, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
            assert_eq!(v["outcome"], outcome, "{status} {code}");
            assert_eq!(got, exit, "{status} {code}");
            assert_eq!(v["http_status"], status);
            assert_eq!(v["server_code"], code);
            let retried = status == 429 || status >= 500;
            assert_eq!(
                mock.connections(),
                if retried { 3 } else { 1 },
                "{status} {code}"
            );
            assert!(
                !v["links"].as_array().unwrap().is_empty()
                    || exit == 8
                    || exit == 10
                    || outcome == "auth-missing"
            );
            // Past the key check, the words and the judgement say the key was accepted.
            let accepted = matches!(exit, 7 | 10) && outcome != "rate-limited";
            assert_eq!(
                v["key_judgement"],
                if accepted {
                    "accepted"
                } else if exit == 4 && outcome == "auth-rejected" {
                    "rejected"
                } else {
                    "not-judged"
                },
                "{status} {code}"
            );
            assert_eq!(
                v["cause"]
                    .as_str()
                    .unwrap()
                    .contains("The key was accepted"),
                accepted,
                "{status} {code}: {}",
                v["cause"]
            );
        }
    }
}

#[test]
fn a_401_echoing_the_key_is_scrubbed_everywhere() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::EchoKey]);
    let (code, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(code, 4);
    assert_eq!(v["outcome"], "auth-rejected");
    assert!(v["excerpt"].as_str().unwrap().contains("[redacted]"));
    assert_no_leak(&evidence_text(dir.path()), &ALL_KEYS, "evidence");
    // Human output too.
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--verbose", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 4);
    assert!(out.stdout.contains("Server said:"), "{}", out.stdout);
    assert_no_leak(&out.all(), &ALL_KEYS, "verify");
}

#[test]
fn a_401_from_a_region_hints_at_the_other_without_sending_there() {
    // The mock stands in for the Beijing endpoint: no base URL override, so the region is
    // known. Only the hint changes; the key goes nowhere else.
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(
        401,
        &compat_error("InvalidApiKey", "Invalid API-key provided."),
    )]);
    let (_, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    assert_eq!(v["region"], "custom");
    assert_eq!(mock.connections(), 1);
}

#[test]
fn evidence_files_and_latest() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let (_, v, _) = verify(dir.path(), &mock, STANDARD, &[]);
    let path = v["evidence"].as_str().unwrap();
    assert!(
        path.starts_with(&native("output/qianwen-ops-auth/verify-")) && path.ends_with(".json"),
        "{path}"
    );
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(path)).unwrap()).unwrap();
    assert_eq!(record["outcome"], "pass");
    assert_eq!(record["http_status"], 200);
    assert_eq!(record["endpoint_host"], mock.grant());
    assert_eq!(record["key"]["masked"], "sk-****************a1b2");
    assert!(record["latency_ms"].is_u64());
    assert!(record["time"].as_str().unwrap().ends_with('Z'));
    // One typed record: the file is exactly the struct the component fills, and its attempts
    // are the ones `--json` shows.
    let typed: Record = serde_json::from_value(record.clone()).expect("the record's own type");
    let shown: Vec<Attempt> = serde_json::from_value(v["attempts"].clone()).unwrap();
    assert_eq!(typed.attempts, shown);
    assert_eq!(typed.schema, 1);
    let latest =
        std::fs::read_to_string(dir.path().join("output/qianwen-ops-auth/latest.json")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&latest).unwrap(), record);

    // A second run adds a file and replaces latest.json.
    verify(dir.path(), &mock, STANDARD, &[]);
    let files = std::fs::read_dir(dir.path().join("output/qianwen-ops-auth"))
        .unwrap()
        .count();
    assert_eq!(files, 3);
}

#[cfg(unix)]
#[test]
fn output_option_and_refused_output_directories() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let (_, v, _) = verify(dir.path(), &mock, STANDARD, &["--output", "evidence"]);
    assert!(
        v["evidence"]
            .as_str()
            .unwrap()
            .starts_with("evidence/qianwen-ops-auth/")
    );

    // output/ a symlink: refused before anything is sent, nothing written.
    let elsewhere = tempdir();
    symlink(elsewhere.path(), dir.path().join("output")).unwrap();
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    assert_eq!(mock.connections(), 1, "nothing sent after the refusal");

    // Inside a skills/ hierarchy.
    let skills = dir.path().join("skills/some-skill");
    std::fs::create_dir_all(&skills).unwrap();
    let out = run(&skills, &[("DASHSCOPE_API_KEY", STANDARD)], &["verify"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("skills/"), "{}", out.stderr);
    assert!(!skills.join("output").exists());

    // Next to the binary.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_qianwen-auth"))
        .parent()
        .unwrap();
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["verify", "--output", bin_dir.to_str().unwrap()],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("holds qianwen-auth"), "{}", out.stderr);
}

#[test]
fn human_output_for_a_pass() {
    let dir = tempdir();
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let out = run(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", &mock.url()),
        ],
        &["verify", "--allow-host", &mock.grant()],
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .starts_with("✓ The key works: the server answered with a chat completion"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Granted by --allow-host: 127.0.0.1:"));
    assert!(
        out.stdout
            .contains(&native("Evidence: output/qianwen-ops-auth/verify-"))
    );
    assert!(
        !out.stderr.contains('⠋'),
        "no spinner when stderr is not a terminal"
    );
}

/// For each scenario, the status `verify` reports for its first request equals what curl gets.
#[test]
fn statuses_match_curl() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("curl is not installed; skipped");
        return;
    }
    let scenarios: Vec<Reply> = vec![
        Reply::json(200, crate::mock::OK_BODY),
        Reply::json(
            401,
            &compat_error("InvalidApiKey", "Invalid API-key provided."),
        ),
        Reply::json(400, &native_error("Arrearage", "overdue")),
        Reply::json(403, &compat_error("AccessDenied", "denied")),
        Reply::json(404, &native_error("ModelNotFound", "no")),
        Reply::json(429, &compat_error("Throttling", "slow")).with_header("retry-after", "0"),
        Reply::json(500, &native_error("InternalError", "oops")).with_header("retry-after", "0"),
        Reply::EchoKey,
        Reply::Http {
            status: 302,
            headers: vec![("location".into(), "http://127.0.0.1:1/".into())],
            body: vec![],
        },
        Reply::Http {
            status: 200,
            headers: vec![],
            body: b"not json".to_vec(),
        },
        Reply::ResetMidBody,
        Reply::Hang,
    ];
    let dir = tempdir();
    for reply in scenarios {
        let curl_mock = Mock::start(vec![reply.clone()]);
        let curl = std::process::Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--max-time",
                "2",
                "-X",
                "POST",
            ])
            .args(["-H", "Content-Type: application/json"])
            .args(["-H", &format!("Authorization: Bearer {STANDARD}")])
            .args([
                "-d",
                r#"{"model":"qwen-turbo","messages":[{"role":"user","content":"hi"}]}"#,
            ])
            .arg(format!(
                "{}/compatible-mode/v1/chat/completions",
                curl_mock.url()
            ))
            .output()
            .unwrap();
        let curl_status = String::from_utf8_lossy(&curl.stdout).trim().to_string();
        let ours_mock = Mock::start(vec![reply.clone()]);
        let (_, v, _) = verify(dir.path(), &ours_mock, STANDARD, &["--timeout", "2"]);
        let ours = match &v["attempts"][0]["http_status"] {
            Value::Number(n) => n.to_string(),
            _ => "000".to_string(),
        };
        assert_eq!(ours, curl_status, "{reply:?}");
    }
}
