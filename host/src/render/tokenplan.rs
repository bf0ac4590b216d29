//! `tokenplan` for people.

use std::fmt::Write;

use crate::bindings::exports::qianwen::auth::guidance::{PlanModel, TokenPlan};
use crate::io::Style;

/// The Token Plan facts, for people.
pub fn tokenplan(t: &TokenPlan, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.heading(&format!("Token Plan (as of {})", t.as_of))
    );
    for kind in &t.key_kinds {
        let _ = writeln!(out, "  - {kind}");
    }
    let _ = writeln!(out, "\n{}", style.heading("Why plan keys are refused here"));
    let _ = writeln!(out, "  {}", t.refusal);
    let _ = writeln!(out, "\n{}", style.heading("Plan keys serve"));
    let _ = writeln!(out, "  {}", t.allowed_tools.join(", "));
    let _ = writeln!(out, "  Forbidden uses: {}.", t.forbidden_uses.join(", "));
    let _ = writeln!(out, "\n{}", style.heading("Models"));
    let personal: Vec<&str> = names(&t.text_models, false);
    let team: Vec<&str> = names(&t.text_models, true);
    let _ = writeln!(
        out,
        "  Text, Personal ({}): {}",
        personal.len(),
        personal.join(", ")
    );
    let _ = writeln!(
        out,
        "  Text, Team adds ({} in all): {}",
        t.text_models.len(),
        team.join(", ")
    );
    let images: Vec<String> = t
        .image_models
        .iter()
        .map(|m| {
            if m.team_only {
                format!("{} (Team only)", m.name)
            } else {
                m.name.clone()
            }
        })
        .collect();
    let _ = writeln!(out, "  Image: {}", images.join(", "));
    let _ = writeln!(out, "  Video: {}", t.video_models.join(", "));
    let _ = writeln!(out, "  Speech synthesis: {}", t.speech_models.join(", "));
    let _ = writeln!(out, "  Not covered: {}", t.not_covered.join(", "));
    let _ = writeln!(out, "\n{}", style.heading("Billing"));
    let _ = writeln!(out, "  {}", t.billing);
    let _ = writeln!(out, "\n{}", style.heading("Known errors"));
    for e in &t.known_errors {
        let _ = writeln!(out, "  - {e}");
    }
    let _ = writeln!(out, "\n{}", style.heading("Links"));
    for l in &t.links {
        let _ = writeln!(out, "  - {}: {}", l.title, l.url);
    }
    out
}

fn names(models: &[PlanModel], team_only: bool) -> Vec<&str> {
    models
        .iter()
        .filter(|m| m.team_only == team_only)
        .map(|m| m.name.as_str())
        .collect()
}
