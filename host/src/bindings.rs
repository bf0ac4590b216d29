//! The types and traits generated from `wit/`: the policy component's exports, and the
//! `qianwen:auth` imports the host implements. WASI's own interfaces are wasmtime's.

/// The WIT package these bindings were generated from, as its `package` line names it (read
/// by build.rs).
pub const PACKAGE: &str = env!("QIANWEN_AUTH_WIT_PACKAGE");

wasmtime::component::bindgen!({
    path: "../wit",
    world: "qianwen:auth/credential-policy",
    require_store_data_send: true,
    with: {
        "wasi:cli": wasmtime_wasi::p2::bindings::cli,
        "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
        "wasi:io": wasmtime_wasi::p2::bindings::io,
        "wasi:http": wasmtime_wasi_http::p2::bindings::http,
    },
});

/// The test adversary's world (`tests/guests/adversary/wit`): the policy's imports, under the
/// same types, and one export that runs an attack.
#[cfg(feature = "hostile-guests")]
pub mod adversary {
    wasmtime::component::bindgen!({
        path: ["../wit", "../tests/guests/adversary/wit"],
        world: "qianwen:adversary/adversary",
        require_store_data_send: true,
        with: {
            "qianwen:auth": super::qianwen::auth,
            "wasi:cli": wasmtime_wasi::p2::bindings::cli,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
        },
    });
}
