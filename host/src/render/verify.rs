//! `verify` for people: the verdict first, then what was sent where, and what to do.

use std::fmt::Write;

use super::advice::spell;
use crate::bindings::exports::qianwen::auth::types::{
    Flow, FlowQuestion, KeyReport, Outcome, VerifyReport,
};
use crate::io::Style;
use crate::names::Named;

/// `verify`'s report, for people: the verdict, the key, what is wrong, what to do, and where
/// the evidence is; with `verbose`, what was sent where and what came back.
pub fn verify(r: &VerifyReport, shown: &Shown, style: Style) -> String {
    let mut out = String::new();
    let mark = if r.outcome == Outcome::Pass {
        style.ok()
    } else {
        style.bad()
    };
    let _ = writeln!(out, "{mark} {}", r.cause);
    // A check made again says only what changed: the key only when it is another.
    let same_key = shown
        .again
        .is_some_and(|before| same(before, r.key.as_ref()));
    if let Some(k) = r.key.as_ref().filter(|_| !same_key) {
        let from = k.path.as_deref().unwrap_or("the environment");
        let masked = k.masked.as_deref().unwrap_or("(not shown)");
        let _ = writeln!(out, "  Key: {} from {from}: {masked}", k.name.name());
    }
    if !shown.granted.is_empty() && shown.again.is_none() {
        let _ = writeln!(
            out,
            "  Granted by --allow-host: {}",
            shown.granted.join(", ")
        );
    }
    for why in shown.refused {
        let _ = writeln!(out, "  {} Refused by the host: {why}", style.warn());
    }
    for hint in &r.hints {
        let _ = writeln!(
            out,
            "  {} {}",
            style.warn(),
            spell(hint, Some(shown.timeout))
        );
    }
    for w in &r.warnings {
        let _ = writeln!(out, "  {} {}", style.warn(), w.message);
    }
    next(&mut out, r, shown.timeout, style);
    match (&r.evidence, &r.evidence_error) {
        (Some(path), _) => {
            let _ = writeln!(out, "  Evidence: {path}");
        }
        (None, Some(why)) => {
            let _ = writeln!(out, "  {} Evidence not written: {why}", style.warn());
        }
        (None, None) => {}
    }
    if shown.verbose {
        details(&mut out, r, shown.timeout, style);
    }
    out
}

/// The one next step. After a 401 the flow's step is the next step: the report's own would
/// repeat the question's advice.
fn next(out: &mut String, r: &VerifyReport, timeout: u64, style: Style) {
    match &r.flow {
        Some(Flow::Asked(_)) => {}
        Some(Flow::Passed(p)) => {
            let _ = writeln!(out, "  {} {}", style.ok(), p.guidance);
        }
        Some(Flow::StillRejected(p)) => super::next_step(out, &p.guidance, &[], style),
        Some(Flow::Applying(p)) => {
            super::next_step(out, &p.guidance, &[], style);
            let _ = writeln!(out, "  When it is in place: qianwen-auth verify");
        }
        None if r.outcome != Outcome::Pass => {
            let step = spell(&r.next_step, Some(timeout));
            super::next_step(out, &step, &r.links, style);
        }
        None => {}
    }
}

/// Whether two reports name the same key, where and as what.
fn same(a: Option<&KeyReport>, b: Option<&KeyReport>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a.name, &a.path, &a.masked) == (b.name, &b.path, &b.masked),
        (None, None) => true,
        _ => false,
    }
}

/// What the report is shown with: the hosts `--allow-host` granted, what the network grant
/// refused, and whether to show the details.
pub struct Shown<'a> {
    pub granted: &'a [String],
    pub refused: &'a [String],
    pub verbose: bool,
    /// For a check made again, the key the first one reported.
    pub again: Option<Option<&'a KeyReport>>,
    /// The request time limit it ran with, in seconds.
    pub timeout: u64,
}

/// With `--verbose`: the endpoint, the requests, and what the server said.
fn details(out: &mut String, r: &VerifyReport, timeout: u64, style: Style) {
    let _ = writeln!(out, "\n{}", style.heading("Details"));
    super::endpoint_line(out, &r.endpoint);
    if let Some(line) = attempts_line(r) {
        let _ = writeln!(out, "  - {line}");
    }
    if let Some(code) = &r.server_code {
        let _ = writeln!(out, "  - Server code: {code}");
    }
    if let Some(id) = &r.request_id {
        let _ = writeln!(out, "  - Request id: {id}");
    }
    if let Some(excerpt) = &r.excerpt {
        let _ = writeln!(out, "  - Server said: {}", one_line(excerpt));
    }
    if matches!(r.flow, Some(Flow::Asked(_))) {
        let _ = writeln!(out, "  - Next: {}", spell(&r.next_step, Some(timeout)));
    }
}

/// The requests made, and what came back: "Sent to HOST: HTTP 429 in 12 ms, then ...".
fn attempts_line(r: &VerifyReport) -> Option<String> {
    if r.attempts.is_empty() {
        return None;
    }
    let attempts: Vec<String> = r
        .attempts
        .iter()
        .map(|a| match a.http_status {
            Some(status) => format!("HTTP {status} in {} ms", a.latency_ms),
            None => format!("no answer after {} ms", a.latency_ms),
        })
        .collect();
    // Only an answer proves that a request was sent; a failure may come before sending.
    let lead = if r.attempts.iter().any(|a| a.http_status.is_some()) {
        "Sent to"
    } else {
        "Tried"
    };
    Some(format!(
        "{lead} {}: {}",
        r.endpoint.authority,
        attempts.join(", then ")
    ))
}

/// The 401 flow's open question and its two choices; without a terminal to answer at, how to
/// answer with an option.
pub fn flow_question(flow: &FlowQuestion, interactive: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", flow.question);
    for choice in &flow.choices {
        let _ = writeln!(out, "  {}. {}", choice.number, choice.label);
    }
    if !interactive {
        let _ = writeln!(out, "Answer with --answer 1 or --answer 2 to continue.");
    }
    out
}

/// Control characters in server text would move the cursor or worse: show them escaped.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
