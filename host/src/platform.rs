//! Every difference between the systems this runs on, one concern per module, each behind
//! `cfg` gates, so that the rest of the host reads the same everywhere. What a system cannot
//! do is said where it is decided, and in docs/platforms.md.

use crate::bindings::exports::qianwen::auth::types::System;

/// The system this binary runs on, as the policy's advice is told it.
pub const SYSTEM: System = if cfg!(windows) {
    System::Windows
} else {
    System::Unix
};

pub mod children;
pub mod crash;
pub mod echo;
pub mod modes;
pub mod open;
pub mod owner;
pub mod paths;
pub mod roots;
pub mod startup;
pub mod ticker;
