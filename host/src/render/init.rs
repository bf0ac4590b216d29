//! `init` for people.

use std::fmt::Write;

use super::style::Style;
use crate::sandbox::bindings::exports::qianwen::auth::types::{InitOutcome, InitReport};

pub fn init(r: &InitReport, style: Style) -> String {
    let mut out = String::new();
    let (mark, lead) = match r.outcome {
        InitOutcome::Changed => (style.ok(), ""),
        InitOutcome::Unchanged => (style.ok(), "Nothing changed. "),
        _ => (style.bad(), ""),
    };
    let _ = writeln!(out, "{mark} {lead}{}", r.summary);
    for change in &r.changes {
        let _ = writeln!(out, "  - {}", capitalize(change));
    }
    for w in &r.warnings {
        let _ = writeln!(out, "  {} {}", style.warn(), w.message);
    }
    if !r.next_steps.is_empty() || !r.links.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading("Next steps"));
        for step in &r.next_steps {
            let _ = writeln!(out, "  - {step}");
        }
        for link in &r.links {
            let _ = writeln!(out, "  - {}: {}", link.title, link.url);
        }
    }
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
