//! Turning the component's typed reports into words for people or JSON for programs. Every
//! string shown comes from the report, which carries masked keys only.

mod advice;
mod init;
pub mod json;
mod status;
mod tokenplan;
mod update;
mod verify;

pub use init::init;
pub use status::status;
pub use tokenplan::tokenplan;
pub use update::{Ran, question as update_question, update};
pub use verify::{Shown, flow_question, verify};

use std::fmt::Write;

use crate::bindings::exports::qianwen::auth::types::{EndpointReport, Link};
use crate::io::Style;
use crate::names::Named;

/// The "Next steps" section: each step, then each link.
fn next_steps(out: &mut String, steps: &[String], links: &[Link], style: Style) {
    if steps.is_empty() && links.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.heading("Next steps"));
    for step in steps {
        let _ = writeln!(out, "  - {step}");
    }
    for link in links {
        let _ = writeln!(out, "  - {}: {}", link.title, link.url);
    }
}

/// The one next step, and the links it needs: `Next: ...`.
fn next_step(out: &mut String, step: &str, links: &[Link], style: Style) {
    let _ = writeln!(out, "{} {}", style.heading("Next:"), capitalize(step));
    for link in links {
        let _ = writeln!(out, "  {}: {}", link.title, link.url);
    }
}

/// The `--verbose` line naming the endpoint, its region and what chose it.
fn endpoint_line(out: &mut String, endpoint: &EndpointReport) {
    let _ = writeln!(
        out,
        "  - Endpoint: {} ({}), chosen by {}",
        endpoint.base,
        endpoint.region.name(),
        advice::chosen_by(&endpoint.chosen_by)
    );
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
