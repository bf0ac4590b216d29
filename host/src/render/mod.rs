//! Turning the component's typed reports into words for people or JSON for programs. Every
//! string shown comes from the report, which carries masked keys only.

mod init;
pub mod json;
mod spinner;
mod status;
pub mod style;
mod tokenplan;
mod verify;

pub use init::init;
pub use spinner::Spinner;
pub use status::status;
pub use tokenplan::tokenplan;
pub use verify::{flow_question, verify};
