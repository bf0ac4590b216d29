//! Names and places as reports spell them.

use crate::chain::Found;
use crate::wit::types::{KeyKind, Source};

/// The WIT case name of a source, as records and JSON spell it.
pub fn source_name(source: Source) -> &'static str {
    match source {
        Source::Env => "env",
        Source::CwdDotenv => "cwd-dotenv",
        Source::RepoDotenv => "repo-dotenv",
    }
}

/// The WIT case name of a key kind.
pub fn kind_name(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Standard => "standard",
        KeyKind::Plan => "plan",
        KeyKind::Placeholder => "placeholder",
        KeyKind::Foreign => "foreign",
        KeyKind::Malformed => "malformed",
    }
}

/// Where a key was found: `the environment` or the `.env` path.
pub fn found_at(found: &Found) -> String {
    found
        .path
        .clone()
        .unwrap_or_else(|| "the environment".into())
}
