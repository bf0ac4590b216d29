//! The qianwen-auth policy: every rule of the credential chain, key kinds, masking and
//! reporting, compiled to a WebAssembly component that can touch only what its WIT world
//! imports. Pure modules hold the rules; `imports` is the only one that calls the imports, and
//! `component` the only one that exports. Those two exist only in the wasm build, so that the
//! rules' unit tests run natively.

// Natively the crate exists only for those tests: nothing is exported, so everything looks
// unused; the pure build leaves out what only the credential world's exports use. The
// credential world's wasm build, which uses it all, keeps the dead-code lint.
#![cfg_attr(
    any(not(target_arch = "wasm32"), not(feature = "credential")),
    allow(dead_code, unused_imports)
)]

mod advice;
mod chain;
#[cfg(feature = "credential")]
mod classify;
#[cfg(target_arch = "wasm32")]
mod component;
mod dotenv;
mod endpoint;
#[cfg(feature = "credential")]
mod evidence;
mod flow;
#[cfg(test)]
mod fuzz;
mod gitignore;
#[cfg(all(target_arch = "wasm32", feature = "credential"))]
mod imports;
mod keys;
mod links;
mod names;
mod oss;
mod paths;
#[cfg(feature = "credential")]
mod program_output;
mod scrub;
mod secret;
#[cfg(feature = "credential")]
mod setup;
mod snippet;
mod status;
mod time;
mod tokenplan;
#[cfg(feature = "credential")]
mod transport;
#[cfg(feature = "credential")]
mod update;
#[cfg(feature = "credential")]
mod verify;

mod bindings {
    #[cfg(feature = "credential")]
    wit_bindgen::generate!({
        world: "credential-policy",
        path: "../wit",
        generate_all,
        additional_derives: [PartialEq, Eq],
        // Holds a resource, which has no equality.
        additional_derives_ignore: ["stream-error"],
    });

    // The pure world, with the `project` interface named for its records only: the rules read
    // directories, files and git's answer as those records. No function of it is called in
    // this build, so the component built imports nothing of it (the embeddings' tests show).
    #[cfg(not(feature = "credential"))]
    wit_bindgen::generate!({
        inline: "
            package qianwen:pure-build;
            world pure-with-records {
                include qianwen:auth/pure@0.7.0;
                import qianwen:auth/project@0.7.0;
            }
        ",
        path: "../wit",
        world: "qianwen:pure-build/pure-with-records",
        generate_all,
        additional_derives: [PartialEq, Eq],
    });
}

/// The WIT interfaces under short names.
mod wit {
    #[cfg(feature = "credential")]
    pub use crate::bindings::exports::qianwen::auth::update_check;
    pub use crate::bindings::exports::qianwen::auth::{guidance, policy, types};
    pub use crate::bindings::qianwen::auth::project;
    #[cfg(feature = "credential")]
    pub use crate::bindings::qianwen::auth::{evidence, proxies, setup};
}
