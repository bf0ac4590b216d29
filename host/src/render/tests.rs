//! The renderers, in process: what people read for given reports.

use super::*;
use crate::bindings::exports::qianwen::auth::types::{
    Advice, Attempt, DotenvReport, DotenvState, EndpointChoice, EndpointReport, Flow, FlowAnswer,
    FlowChoice, FlowProgress, FlowQuestion, KeyJudgement, KeyKind, KeyName, KeyReport, LinkTopic,
    OssReport, Outcome, Region, Source, StatusReport, Verdict, VerifyReport, Warning, WarningCode,
};
use crate::io::{ColorChoice, Style};

const MASKED: &str = "sk-****************a1b2";

fn key() -> KeyReport {
    KeyReport {
        name: KeyName::DashscopeApiKey,
        source: Source::RepoDotenv,
        path: Some("/repo/.env".into()),
        line: Some(1),
        kind: KeyKind::Standard,
        masked: Some(MASKED.into()),
        detail: "a standard pay-as-you-go key".into(),
    }
}

fn endpoint() -> EndpointReport {
    EndpointReport {
        base: "https://dashscope-intl.aliyuncs.com".into(),
        probe_url: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions".into(),
        authority: "dashscope-intl.aliyuncs.com".into(),
        region: Region::ApSoutheast1,
        chosen_by: EndpointChoice::RegionVariable("the environment".into()),
    }
}

fn status_report(key: Option<KeyReport>, verdict: Verdict) -> StatusReport {
    StatusReport {
        key,
        shadowed: Vec::new(),
        endpoint: endpoint(),
        warnings: vec![Warning {
            code: WarningCode::DotenvPermissions,
            message: "/repo/.env is readable by other users".into(),
        }],
        oss: OssReport {
            enabled: false,
            credentials: None,
            access_key_id: None,
            variables: Vec::new(),
            problems: Vec::new(),
            summary: "no custom bucket".into(),
        },
        verdict,
        next_steps: Vec::new(),
        links: Vec::new(),
        dotenv_files: vec![
            DotenvReport {
                source: Source::CwdDotenv,
                path: "/repo/app/.env".into(),
                state: DotenvState::Absent,
                entries: 0,
            },
            DotenvReport {
                source: Source::RepoDotenv,
                path: "/repo/.env".into(),
                state: DotenvState::Read,
                entries: 1,
            },
        ],
        unreadable_keys: Vec::new(),
    }
}

fn verify_report(outcome: Outcome, flow: Option<Flow>) -> VerifyReport {
    VerifyReport {
        outcome,
        http_status: Some(401),
        cause: "The server rejected the key\u{1b}[2J".into(),
        next_step: Advice {
            words: "Check the key.".into(),
            remedy: None,
        },
        links: vec![crate::bindings::exports::qianwen::auth::types::Link {
            topic: LinkTopic::ApiKeys,
            title: "API keys".into(),
            url: "https://platform.qianwenai.com/home/api-keys".into(),
        }],
        hints: Vec::new(),
        key: Some(key()),
        endpoint: endpoint(),
        attempts: vec![Attempt {
            http_status: Some(401),
            latency_ms: 42,
            outcome,
        }],
        key_judgement: KeyJudgement::Rejected,
        server_code: Some("InvalidApiKey".into()),
        request_id: Some("req-1".into()),
        excerpt: Some("{\"code\":\"InvalidApiKey\"}\n\u{7}".into()),
        evidence: Some("output/qianwen-ops-auth/verify-1.json".into()),
        evidence_error: None,
        warnings: Vec::new(),
        flow,
    }
}

fn shown<'a>(granted: &'a [String], verbose: bool) -> Shown<'a> {
    Shown {
        granted,
        refused: &[],
        verbose,
        again: None,
        timeout: 30,
    }
}

#[test]
fn status_says_the_verdict_first_then_the_key_then_one_step() {
    let text = status(
        &status_report(Some(key()), Verdict::Usable),
        Style::plain(),
        false,
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "✓ Usable: a standard pay-as-you-go key, for DashScope ap-southeast-1"
    );
    assert_eq!(
        lines[1],
        format!("  DASHSCOPE_API_KEY from /repo/.env: {MASKED}")
    );
    assert_eq!(lines[2], "  ! /repo/.env is readable by other users");
    assert_eq!(
        lines[3],
        "Next: Run `qianwen-auth verify` to check the key against the server."
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert!(!text.contains('\u{1b}'), "no colour without a terminal");
}

#[test]
fn status_details_come_with_verbose() {
    let text = status(
        &status_report(Some(key()), Verdict::Usable),
        Style::plain(),
        true,
    );
    for detail in [
        "  - Endpoint: https://dashscope-intl.aliyuncs.com (ap-southeast-1), chosen by QWEN_REGION (the environment)",
        "  - Verification request: POST https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions",
        "  - /repo/app/.env (current directory): absent",
        "  - /repo/.env (repository root): 1 entry",
        "  - OSS upload storage: no custom bucket",
    ] {
        assert!(text.contains(detail), "{detail}\n{text}");
    }
    let brief = status(
        &status_report(Some(key()), Verdict::Usable),
        Style::plain(),
        false,
    );
    assert!(
        !brief.contains("Verification request") && !brief.contains("OSS"),
        "{brief}"
    );
}

#[test]
fn status_without_a_key_says_so_and_offers_no_verify() {
    let text = status(
        &status_report(None, Verdict::NoUsableKey),
        Style::plain(),
        false,
    );
    assert!(text.starts_with("✗ No API key found"), "{text}");
    assert!(!text.contains("qianwen-auth verify"), "{text}");
}

#[test]
fn colour_only_when_chosen_or_on_a_terminal() {
    let report = status_report(Some(key()), Verdict::Usable);
    assert!(status(&report, Style::new(ColorChoice::Always, false), false).contains("\u{1b}[32m✓"));
    assert!(!status(&report, Style::new(ColorChoice::Never, true), false).contains('\u{1b}'));
    assert!(!status(&report, Style::new(ColorChoice::Auto, false), false).contains('\u{1b}'));
}

#[test]
fn verify_shows_the_verdict_key_and_step_and_with_verbose_what_was_sent() {
    let report = verify_report(Outcome::AuthRejected, None);
    let granted = ["127.0.0.1:8080".to_string()];
    let text = verify(&report, &shown(&granted, false), Style::plain());
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("✗ The server rejected the key"),
        "{text}"
    );
    assert_eq!(
        lines[1],
        format!("  Key: DASHSCOPE_API_KEY from /repo/.env: {MASKED}")
    );
    assert!(
        text.contains("\n  Granted by --allow-host: 127.0.0.1:8080\n"),
        "{text}"
    );
    assert!(
        text.contains("\nNext: Check the key.\n  API keys: https://"),
        "{text}"
    );
    assert!(
        text.contains("\n  Evidence: output/qianwen-ops-auth/verify-1.json"),
        "{text}"
    );
    assert!(
        !text.contains("Server said") && !text.contains("Endpoint"),
        "{text}"
    );

    let text = verify(&report, &shown(&granted, true), Style::plain());
    for detail in [
        "  - Endpoint: https://dashscope-intl.aliyuncs.com (ap-southeast-1), chosen by ",
        "  - Sent to dashscope-intl.aliyuncs.com: HTTP 401 in 42 ms",
        "  - Server code: InvalidApiKey",
        "  - Request id: req-1",
    ] {
        assert!(text.contains(detail), "{detail}\n{text}");
    }
    let said = text
        .lines()
        .find(|l| l.starts_with("  - Server said: "))
        .unwrap();
    assert!(!said.contains(['\n', '\u{7}']), "{said:?}");
}

#[test]
fn the_flow_question_and_where_it_ended() {
    let question = FlowQuestion {
        question: "Where did the key come from?".into(),
        choices: vec![
            FlowChoice {
                number: 1,
                answer: FlowAnswer::Console,
                label: "the console".into(),
            },
            FlowChoice {
                number: 2,
                answer: FlowAnswer::Invalid,
                label: "it may be invalid".into(),
            },
        ],
        guidance: "Answer 1 or 2.".into(),
    };
    let asked = flow_question(&question, false);
    assert!(
        asked.contains("  1. the console\n  2. it may be invalid\n"),
        "{asked}"
    );
    assert!(asked.contains("--answer 1 or --answer 2"), "{asked}");
    assert!(!flow_question(&question, true).contains("--answer"));

    let progress = |guidance: &str| FlowProgress {
        answer: FlowAnswer::Console,
        guidance: guidance.into(),
    };
    let passed = verify_report(Outcome::Pass, Some(Flow::Passed(progress("It works."))));
    assert!(verify(&passed, &shown(&[], false), Style::plain()).contains("  ✓ It works."));
    let still = verify_report(
        Outcome::AuthRejected,
        Some(Flow::StillRejected(progress("Create a new key."))),
    );
    let text = verify(&still, &shown(&[], false), Style::plain());
    assert!(text.contains("\nNext: Create a new key.\n"), "{text}");
    assert!(
        !text.contains("Check the key."),
        "the 401's own step repeated: {text}"
    );
}

/// A check made again says what changed: not the same key, nor the grants, a second time.
#[test]
fn a_check_made_again_says_only_what_changed() {
    let report = verify_report(Outcome::AuthRejected, None);
    let granted = ["127.0.0.1:8080".to_string()];
    let first = key();
    let again = Shown {
        granted: &granted,
        refused: &[],
        verbose: false,
        again: Some(Some(&first)),
        timeout: 30,
    };
    let text = verify(&report, &again, Style::plain());
    assert!(
        !text.contains("Key:") && !text.contains("Granted"),
        "{text}"
    );
    let mut other = key();
    other.masked = Some("sk-****************9999".into());
    let replaced = Shown {
        again: Some(Some(&other)),
        ..again
    };
    assert!(
        verify(&report, &replaced, Style::plain())
            .contains(&format!("Key: DASHSCOPE_API_KEY from /repo/.env: {MASKED}"))
    );
}
