//! `status` for people, in the manner of `gh auth status`.

use std::fmt::Write;

use super::capitalize;
use crate::bindings::exports::qianwen::auth::types::{
    DotenvState, KeyReport, Source, StatusReport, Verdict,
};
use crate::io::Style;
use crate::names::Named;

/// `status`'s report, for people.
pub fn status(r: &StatusReport, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.heading(&format!("DashScope ({})", r.endpoint.region.name()))
    );
    match &r.key {
        None if !r.unreadable_keys.is_empty() => {
            let _ = writeln!(
                out,
                "  {} A key line is there but cannot be read: {}",
                style.bad(),
                r.unreadable_keys.join(", ")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  {} No API key found (QIANWEN_API_KEY or DASHSCOPE_API_KEY, in the environment or a .env file)",
                style.bad()
            );
        }
        Some(k) => key_lines(&mut out, k, r.verdict, style),
    }
    endpoint_lines(&mut out, r, style);
    oss_lines(&mut out, r, style);

    if !r.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading("Warnings"));
        for w in &r.warnings {
            let _ = writeln!(out, "  {} {}", style.warn(), w.message);
        }
    }
    if r.verdict == Verdict::Usable {
        let _ = writeln!(
            out,
            "\nRun `qianwen-auth verify` to check the key against the server."
        );
    }
    if !r.next_steps.is_empty() {
        super::next_steps(&mut out, &r.next_steps, &r.links, style);
    }
    out
}

/// Where verification would go, and the `.env` files the chain read.
fn endpoint_lines(out: &mut String, r: &StatusReport, style: Style) {
    if r.verdict == Verdict::EndpointRefused {
        let _ = writeln!(
            out,
            "  {} Endpoint: {} ({}), which verify would refuse: nothing would be sent",
            style.bad(),
            r.endpoint.base,
            r.endpoint.chosen_by
        );
    } else {
        let _ = writeln!(
            out,
            "  - Endpoint: {} ({})",
            r.endpoint.base, r.endpoint.chosen_by
        );
    }
    let _ = writeln!(
        out,
        "  - Verification request: POST {}",
        r.endpoint.probe_url
    );
    for d in &r.dotenv_files {
        let what = match d.state {
            DotenvState::Read if d.entries == 1 => "1 entry".to_string(),
            DotenvState::Read => format!("{} entries", d.entries),
            other => other.name().to_string(),
        };
        let _ = writeln!(
            out,
            "  - {} ({}): {what}",
            d.path,
            describe_source(d.source)
        );
    }
}

/// The custom OSS upload storage settings.
fn oss_lines(out: &mut String, r: &StatusReport, style: Style) {
    let _ = writeln!(out, "\n{}", style.heading("OSS upload storage"));
    let oss = &r.oss;
    let _ = writeln!(out, "  - {}", capitalize(&oss.summary));
    if let Some(pair) = &oss.credentials {
        let id = oss.access_key_id.as_deref().unwrap_or("set");
        let _ = writeln!(out, "  - AccessKey pair in use: {pair}_* (id {id})");
    }
    let set: Vec<&str> = oss
        .variables
        .iter()
        .filter(|v| v.set)
        .map(|v| v.name.as_str())
        .collect();
    if !set.is_empty() {
        let _ = writeln!(out, "  - Set: {}", set.join(", "));
    }
    for p in &oss.problems {
        let _ = writeln!(out, "  {} {}", style.warn(), p.message);
    }
}

fn key_lines(out: &mut String, k: &KeyReport, verdict: Verdict, style: Style) {
    let mark = match verdict {
        Verdict::Usable | Verdict::EndpointRefused => style.ok(),
        _ => style.bad(),
    };
    let from = match &k.path {
        Some(path) => path.clone(),
        None => "the environment".into(),
    };
    let _ = writeln!(out, "  {mark} API key: {} from {from}", k.name.name());
    let _ = writeln!(out, "  - Kind: {}", k.detail);
    let masked = k.masked.as_deref().unwrap_or("(not shown)");
    let _ = writeln!(out, "  - Key: {masked}");
}

fn describe_source(source: Source) -> &'static str {
    match source {
        Source::CwdDotenv => "current directory",
        Source::RepoDotenv => "repository root",
        Source::Env => "environment",
    }
}
