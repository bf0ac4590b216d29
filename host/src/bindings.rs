//! The types and traits generated from `wit/`: the policy component's exports, and the
//! `qianwen:auth` imports the host implements. WASI's own interfaces are wasmtime's.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "qianwen:auth/component",
    require_store_data_send: true,
    with: {
        "wasi:cli": wasmtime_wasi::p2::bindings::cli,
        "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
        "wasi:io": wasmtime_wasi::p2::bindings::io,
        "wasi:http": wasmtime_wasi_http::p2::bindings::http,
    },
});
