//! Turning the component's typed reports into words for people or JSON for programs. Every
//! string shown comes from the report, which carries masked keys only.

pub mod json;
mod status;
pub mod style;

pub use status::status;
