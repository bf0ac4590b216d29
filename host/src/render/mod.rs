//! Turning the component's typed reports into words for people or JSON for programs. Every
//! string shown comes from the report, which carries masked keys only.

pub mod json;
mod spinner;
mod status;
pub mod style;
mod verify;

pub use spinner::Spinner;
pub use status::status;
pub use verify::verify;
