//! The qianwen-auth policy: every rule of the credential chain, key kinds, masking and
//! reporting, compiled to a WebAssembly component that can touch only what its WIT world
//! imports. Pure modules hold the rules; `imports` is the only one that calls the imports, and
//! `component` the only one that exports. Those two exist only in the wasm build, so that the
//! rules' unit tests run natively.

// Natively the crate exists only for those tests: nothing is exported, so everything looks
// unused. The wasm build, which uses it all, keeps the dead-code lint.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]

mod chain;
mod classify;
#[cfg(target_arch = "wasm32")]
mod component;
mod dotenv;
mod endpoint;
mod evidence;
mod flow;
#[cfg(test)]
mod fuzz;
mod gitignore;
#[cfg(target_arch = "wasm32")]
mod imports;
mod keys;
mod links;
mod names;
mod oss;
mod outward;
mod paths;
mod relay;
mod scrub;
mod secret;
mod setup;
mod snippet;
mod status;
mod time;
mod tokenplan;
mod transport;
mod update;
mod verify;

mod bindings {
    wit_bindgen::generate!({
        world: "credential-policy",
        path: "../wit",
        generate_all,
        additional_derives: [PartialEq, Eq],
        // Holds a resource, which has no equality.
        additional_derives_ignore: ["stream-error"],
    });
}

/// The WIT interfaces under short names.
mod wit {
    pub use crate::bindings::exports::qianwen::auth::policy;
    pub use crate::bindings::exports::qianwen::auth::types;
    pub use crate::bindings::qianwen::auth::{evidence, project, setup};
}
