//! docs/behaviour.md#verification, evidence: each verification leaves a record (time, endpoint
//! host, masked key, HTTP status, outcome, latency, scrubbed excerpt) as a timestamped file and as
//! `latest.json`.

use qianwen_auth_facts::evidence::{Attempt, RECORD_SCHEMA, Record, RecordKey};

use crate::names::Named;
use crate::wit::types::VerifyReport;

/// The record that always holds the latest verification.
pub const LATEST: &str = "latest.json";

/// The record's file name, from the compact time of the verification.
pub fn file_name(compact_time: &str, attempt: u32) -> String {
    match attempt {
        0 => format!("verify-{compact_time}.json"),
        n => format!("verify-{compact_time}-{n}.json"),
    }
}

/// The record of `report`, made at `time`.
pub fn of(report: &VerifyReport, time: &str) -> Record {
    Record {
        schema: RECORD_SCHEMA,
        time: time.into(),
        endpoint_host: report.endpoint.authority.clone(),
        probe_url: report.endpoint.probe_url.clone(),
        region: report.endpoint.region.name().into(),
        key: report.key.as_ref().map(|k| RecordKey {
            name: k.name.name().into(),
            source: k.source.name().into(),
            kind: k.kind.name().into(),
            masked: k.masked.clone(),
        }),
        http_status: report.http_status,
        outcome: report.outcome.name().into(),
        key_judgement: report.key_judgement.name().into(),
        cause: report.cause.clone(),
        latency_ms: report.attempts.last().map(|a| a.latency_ms),
        attempts: report
            .attempts
            .iter()
            .map(|a| Attempt {
                http_status: a.http_status,
                latency_ms: a.latency_ms,
                outcome: a.outcome.name().into(),
            })
            .collect(),
        server_code: report.server_code.clone(),
        request_id: report.request_id.clone(),
        excerpt: report.excerpt.clone(),
    }
}

/// The record, as pretty JSON. It holds only what the report holds: masked keys, scrubbed text.
pub fn record(report: &VerifyReport, time: &str) -> Vec<u8> {
    let text = serde_json::to_string_pretty(&of(report, time)).unwrap_or_default();
    // Nothing a terminal acts on, for whoever `cat`s the record.
    let mut bytes = qianwen_auth_facts::text::for_json(&text)
        .into_owned()
        .into_bytes();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::types::{
        Attempt, EndpointChoice, EndpointReport, KeyJudgement, KeyKind, KeyName, KeyReport,
        Outcome, Region, Source,
    };

    #[test]
    fn record_holds_the_documented_fields_and_no_key() {
        let report = VerifyReport {
            outcome: Outcome::AuthRejected,
            http_status: Some(401),
            cause: "The key was rejected".into(),
            next_step: "".into(),
            links: Vec::new(),
            hints: Vec::new(),
            key: Some(KeyReport {
                name: KeyName::DashscopeApiKey,
                source: Source::Env,
                path: None,
                line: None,
                kind: KeyKind::Standard,
                masked: Some("sk-****************a1b2".into()),
                detail: String::new(),
            }),
            endpoint: EndpointReport {
                base: "https://dashscope.aliyuncs.com".into(),
                probe_url: "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"
                    .into(),
                authority: "dashscope.aliyuncs.com".into(),
                region: Region::CnBeijing,
                chosen_by: EndpointChoice::Default,
            },
            attempts: vec![Attempt {
                http_status: Some(401),
                latency_ms: 42,
                outcome: Outcome::AuthRejected,
            }],
            key_judgement: KeyJudgement::Rejected,
            server_code: Some("InvalidApiKey".into()),
            request_id: Some("r-1".into()),
            excerpt: Some("{\"code\":\"InvalidApiKey\"}".into()),
            evidence: None,
            evidence_error: None,
            warnings: Vec::new(),
            flow: None,
        };
        let v: serde_json::Value =
            serde_json::from_slice(&record(&report, "2026-11-26T19:48:00.123Z")).unwrap();
        assert_eq!(v["time"], "2026-11-26T19:48:00.123Z");
        assert_eq!(v["endpoint_host"], "dashscope.aliyuncs.com");
        assert_eq!(v["key"]["masked"], "sk-****************a1b2");
        assert_eq!(v["http_status"], 401);
        assert_eq!(v["outcome"], "auth-rejected");
        assert_eq!(v["key_judgement"], "rejected");
        assert_eq!(v["latency_ms"], 42);
        assert_eq!(v["excerpt"], "{\"code\":\"InvalidApiKey\"}");
    }

    #[test]
    fn file_names_are_plain_and_distinct() {
        assert_eq!(
            file_name("20261126T194800.123Z", 0),
            "verify-20261126T194800.123Z.json"
        );
        assert_eq!(
            file_name("20261126T194800.123Z", 2),
            "verify-20261126T194800.123Z-2.json"
        );
    }
}
