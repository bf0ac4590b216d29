//! The facts that the policy component (`guest/`) and the host (`host/`) must agree on, written
//! once. Both compile this crate: the guest for `wasm32-wasip2`, the host natively. It holds
//! data and pure judgements only; no I/O, no dependencies.

pub mod allowlist;
pub mod endpoints;
pub mod evidence;
pub mod exit;
pub mod keys;
pub mod limits;
pub mod names;
pub mod proxies;
#[cfg(any(test, feature = "reference"))]
pub mod reference;
pub mod text;
pub mod variables;
