//! `status` for people, in the house style (docs/style.md): the verdict, the key's source and
//! mask, what is wrong, one next step; the details with `--verbose`.

use std::fmt::Write;

use super::advice::{self, spell};
use super::capitalize;
use crate::bindings::exports::qianwen::auth::types::{
    DotenvState, KeyReport, Region, Source, StatusReport, Verdict,
};
use crate::io::Style;
use crate::names::Named;

/// `status`'s report, for people.
pub fn status(r: &StatusReport, style: Style, verbose: bool) -> String {
    let mut out = String::new();
    verdict_line(&mut out, r, style);
    if let Some(k) = &r.key {
        let _ = writeln!(out, "  {}", key_line(k));
    }
    if r.endpoint.region == Region::Custom || r.verdict == Verdict::EndpointRefused {
        let _ = writeln!(
            out,
            "  Endpoint: {}, chosen by {}",
            r.endpoint.base,
            advice::chosen_by(&r.endpoint.chosen_by)
        );
    }
    for w in &r.warnings {
        let _ = writeln!(out, "  {} {}", style.warn(), w.message);
    }
    let oss = &r.oss;
    if oss.enabled || !oss.problems.is_empty() || oss.variables.iter().any(|v| v.set) {
        oss_lines(&mut out, r, style);
    }
    let usable = "run `qianwen-auth verify` to check the key against the server.";
    match r.next_steps.first() {
        Some(first) => super::next_step(&mut out, &spell(first, None), &r.links, style),
        None if r.verdict == Verdict::Usable => super::next_step(&mut out, usable, &[], style),
        None => {}
    }
    if verbose {
        details(&mut out, r, style);
    }
    out
}

/// The first line: what `status` found, as its exit code says it.
fn verdict_line(out: &mut String, r: &StatusReport, style: Style) {
    let region = match r.endpoint.region {
        Region::Custom => String::new(),
        region => format!(", for DashScope {}", region.name()),
    };
    let (mark, words) = match (&r.key, r.verdict) {
        (None, _) if !r.unreadable_keys.is_empty() => (
            style.bad(),
            format!(
                "A key line is there but cannot be read: {}",
                r.unreadable_keys.join(", ")
            ),
        ),
        (None, _) => (
            style.bad(),
            "No API key found: neither QIANWEN_API_KEY nor DASHSCOPE_API_KEY is set in the \
             environment or a .env file"
                .to_string(),
        ),
        (Some(k), Verdict::Usable) => (style.ok(), format!("Usable: {}{region}", k.detail)),
        (Some(_), Verdict::EndpointRefused) => (
            style.bad(),
            "The endpoint would be refused: verify would send nothing".to_string(),
        ),
        (Some(k), Verdict::PlanKey) => (style.bad(), capitalize(&k.detail)),
        (Some(k), _) => (style.bad(), capitalize(&k.detail)),
    };
    let _ = writeln!(out, "{mark} {words}");
}

/// `NAME from WHERE: MASK`.
fn key_line(k: &KeyReport) -> String {
    let from = k.path.as_deref().unwrap_or("the environment");
    let masked = k.masked.as_deref().unwrap_or("(not shown)");
    format!("{} from {from}: {masked}", k.name.name())
}

/// With `--verbose`: where verification would go, the `.env` files the chain read, the OSS
/// settings, and every step and link.
fn details(out: &mut String, r: &StatusReport, style: Style) {
    let _ = writeln!(out, "\n{}", style.heading("Details"));
    super::endpoint_line(out, &r.endpoint);
    let _ = writeln!(
        out,
        "  - Verification request: POST {}",
        r.endpoint.probe_url
    );
    if let Some(k) = &r.key {
        let _ = writeln!(out, "  - Kind: {}", k.detail);
    }
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
    let _ = writeln!(out, "  - OSS upload storage: {}", r.oss.summary);
    for step in r.next_steps.iter().skip(1) {
        let _ = writeln!(out, "  - Also: {}", spell(step, None));
    }
}

/// The custom OSS upload storage settings, when any is set.
fn oss_lines(out: &mut String, r: &StatusReport, style: Style) {
    let oss = &r.oss;
    let _ = writeln!(out, "  - OSS upload storage: {}", oss.summary);
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

fn describe_source(source: Source) -> &'static str {
    match source {
        Source::CwdDotenv => "current directory",
        Source::RepoDotenv => "repository root",
        Source::Env => "environment",
    }
}
