//! Builds the policy component (`guest/`) for `wasm32-wasip2` and hands it to the host, which
//! embeds it. The nested build has its own target directory, so that it never waits on the lock
//! of the build that runs this script.

#[path = "wasm_build.rs"]
mod wasm_build;

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.parent().expect("host/ lives in the workspace");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    for watched in [
        "guest",
        "wit",
        "Cargo.lock",
        "Cargo.toml",
        "host/wasm_build.rs",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            workspace.join(watched).display()
        );
    }
    let target_dir = target_root(&out_dir).join("guest-build");
    let built = wasm_build::build(workspace, "qianwen-auth-guest", &[], &target_dir)
        .unwrap_or_else(|why| panic!("{why}"));
    let embedded = out_dir.join("qianwen_auth.wasm");
    let bytes =
        std::fs::read(&built).unwrap_or_else(|e| panic!("could not read {}: {e}", built.display()));
    std::fs::write(&embedded, &bytes)
        .unwrap_or_else(|e| panic!("could not write {}: {e}", embedded.display()));
    // The compiled-component cache is keyed by this, so a new build never loads an old one.
    println!(
        "cargo:rustc-env=QIANWEN_AUTH_COMPONENT_HASH={:016x}",
        fnv1a(&bytes)
    );
}

/// FNV-1a, 64 bits: enough to tell builds of the component apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The directory cargo builds into: the nearest ancestor of OUT_DIR holding `CACHEDIR.TAG`.
fn target_root(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or(out_dir)
        .to_path_buf()
}
