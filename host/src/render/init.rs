//! `init` for people.

use std::fmt::Write;

use super::capitalize;
use crate::bindings::exports::qianwen::auth::types::{InitOutcome, InitReport};
use crate::io::Style;

/// `init`'s report, for people.
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
    super::next_steps(&mut out, &r.next_steps, &r.links, style);
    out
}
