//! Every difference between the systems this runs on, one concern per module, each behind
//! `cfg` gates, so that the rest of the host reads the same everywhere. What a system cannot
//! do is said where it is decided, and in the README's platform table.

pub mod children;
pub mod crash;
pub mod echo;
pub mod modes;
pub mod open;
pub mod owner;
pub mod paths;
pub mod roots;
pub mod ticker;
