//! Builds the policy component (`guest/`) for `wasm32-wasip2` and hands it to the host, which
//! embeds it. A nested `cargo build` with its own target directory, so that it never waits on
//! the lock of the build that runs this script.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "guest";

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.parent().expect("host/ lives in the workspace");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    for watched in ["guest", "wit", "Cargo.lock", "Cargo.toml"] {
        println!(
            "cargo:rerun-if-changed={}",
            workspace.join(watched).display()
        );
    }

    ensure_target_installed();
    let target_dir = target_root(&out_dir).join("guest-build");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(workspace)
        .args(["build", "--locked", "-p", "qianwen-auth-guest"])
        .args(["--target", TARGET, "--profile", PROFILE])
        .arg("--target-dir")
        .arg(&target_dir);
    // Flags meant for the host build (clippy's wrapper, native RUSTFLAGS, a target override)
    // must not leak into the wasm build.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        build.env_remove(var);
    }
    let status = build
        .status()
        .unwrap_or_else(|e| panic!("could not run cargo to build the guest component: {e}"));
    if !status.success() {
        panic!("building the guest component (guest/, for {TARGET}) failed; see the errors above");
    }

    let built = target_dir
        .join(TARGET)
        .join(PROFILE)
        .join("qianwen_auth_guest.wasm");
    let embedded = out_dir.join("qianwen_auth.wasm");
    std::fs::copy(&built, &embedded).unwrap_or_else(|e| {
        panic!(
            "could not copy {} to {}: {e}",
            built.display(),
            embedded.display()
        )
    });
}

/// The directory cargo builds into: the nearest ancestor of OUT_DIR holding `CACHEDIR.TAG`.
fn target_root(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or(out_dir)
        .to_path_buf()
}

/// rust-toolchain.toml lists the target, but rustup only installs listed targets together
/// with a toolchain it installs; on a machine that already has the toolchain, add it here.
fn ensure_target_installed() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let libdir = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if libdir.is_some_and(|dir| dir.is_dir()) {
        return;
    }
    println!(
        "cargo:warning=installing the {TARGET} target with rustup (listed in rust-toolchain.toml)"
    );
    let added = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .is_ok_and(|s| s.success());
    if !added {
        panic!(
            "the {TARGET} Rust target is missing and `rustup target add {TARGET}` failed; \
             install it, then build again"
        );
    }
}
