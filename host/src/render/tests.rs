//! The renderers, in process: what people read for given reports.

use super::*;
use crate::bindings::exports::qianwen::auth::types::{
    Attempt, DotenvReport, DotenvState, EndpointReport, Flow, FlowAnswer, FlowChoice, FlowProgress,
    FlowQuestion, KeyJudgement, KeyKind, KeyName, KeyReport, LinkTopic, OssReport, Outcome, Region,
    Source, StatusReport, Verdict, VerifyReport, Warning, WarningCode,
};
use crate::io::{ColorChoice, Style};

const MASKED: &str = "sk-****************a1b2";

fn key() -> KeyReport {
    KeyReport {
        name: KeyName::DashscopeApiKey,
        source: Source::RepoDotenv,
        path: Some("/repo/.env".into()),
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
        chosen_by: "QWEN_REGION (the environment)".into(),
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
        next_step: "Check the key.".into(),
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

#[test]
fn status_names_the_region_the_key_and_each_dotenv_file() {
    let text = status(&status_report(Some(key()), Verdict::Usable), Style::plain());
    assert!(text.starts_with("DashScope (ap-southeast-1)\n"), "{text}");
    assert!(
        text.contains("✓ API key: DASHSCOPE_API_KEY from /repo/.env"),
        "{text}"
    );
    assert!(text.contains(&format!("  - Key: {MASKED}")), "{text}");
    assert!(
        text.contains("  - /repo/app/.env (current directory): absent"),
        "{text}"
    );
    assert!(
        text.contains("  - /repo/.env (repository root): 1 entry"),
        "{text}"
    );
    assert!(
        text.contains("! /repo/.env is readable by other users"),
        "{text}"
    );
    assert!(text.contains("Run `qianwen-auth verify`"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour without a terminal");
}

#[test]
fn status_without_a_key_says_so_and_offers_no_verify() {
    let text = status(&status_report(None, Verdict::NoUsableKey), Style::plain());
    assert!(text.contains("✗ No API key found"), "{text}");
    assert!(!text.contains("qianwen-auth verify"), "{text}");
}

#[test]
fn colour_only_when_chosen_or_on_a_terminal() {
    let report = status_report(Some(key()), Verdict::Usable);
    assert!(status(&report, Style::new(ColorChoice::Always, false)).contains("\u{1b}[32m✓"));
    assert!(!status(&report, Style::new(ColorChoice::Never, true)).contains('\u{1b}'));
    assert!(!status(&report, Style::new(ColorChoice::Auto, false)).contains('\u{1b}'));
}

#[test]
fn verify_shows_what_was_sent_where_and_escapes_server_text() {
    let report = verify_report(Outcome::AuthRejected, None);
    let text = verify(&report, &["127.0.0.1:8080".into()], &[], Style::plain());
    assert!(
        text.contains("  - Key: DASHSCOPE_API_KEY from /repo/.env (sk-"),
        "{text}"
    );
    assert!(
        text.contains("  - Endpoint: https://dashscope-intl.aliyuncs.com (ap-southeast-1, "),
        "{text}"
    );
    assert!(
        text.contains("  - Granted by --allow-host: 127.0.0.1:8080"),
        "{text}"
    );
    assert!(
        text.contains("  - Sent to dashscope-intl.aliyuncs.com: HTTP 401 in 42 ms"),
        "{text}"
    );
    assert!(text.contains("  - Server code: InvalidApiKey"), "{text}");
    assert!(
        text.contains("  - Evidence: output/qianwen-ops-auth/verify-1.json"),
        "{text}"
    );
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
    assert!(verify(&passed, &[], &[], Style::plain()).contains("  ✓ It works."));
    let still = verify_report(
        Outcome::AuthRejected,
        Some(Flow::StillRejected(progress("Create a new key."))),
    );
    assert!(verify(&still, &[], &[], Style::plain()).contains("  ✗ Create a new key."));
}
