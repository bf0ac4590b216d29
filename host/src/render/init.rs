//! `init` for people.

use std::fmt::Write;

use super::advice::spell;
use super::capitalize;
use crate::bindings::exports::qianwen::auth::types::{InitOutcome, InitReport, Verdict};
use crate::io::Style;

/// `init`'s report, for people: what it did, marked ✓ only when a usable key is configured
/// afterwards (! when something is left to do), what changed, and the next step.
pub fn init(r: &InitReport, style: Style) -> String {
    let mut out = String::new();
    let mark = match r.outcome {
        InitOutcome::Changed | InitOutcome::Unchanged if r.verdict == Verdict::Usable => style.ok(),
        InitOutcome::Changed | InitOutcome::Unchanged => style.warn(),
        _ => style.bad(),
    };
    let lead = if r.outcome == InitOutcome::Unchanged {
        "Nothing changed. "
    } else {
        ""
    };
    let _ = writeln!(out, "{mark} {lead}{}", r.summary);
    for change in &r.changes {
        let _ = writeln!(out, "  - {}", capitalize(change));
    }
    for w in &r.warnings {
        let _ = writeln!(out, "  {} {}", style.warn(), w.message);
    }
    if let Some((first, rest)) = r.next_steps.split_first() {
        super::next_step(&mut out, &spell(first, None), &[], style);
        for step in rest {
            let _ = writeln!(out, "  {}", capitalize(&spell(step, None)));
        }
    }
    for link in &r.links {
        let _ = writeln!(out, "  {}: {}", link.title, link.url);
    }
    out
}
