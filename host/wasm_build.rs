//! Building one crate of this workspace for `wasm32-wasip2` with a nested `cargo build`, for
//! build.rs: the policy component, and in test builds the hostile components the tests run.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target components are built for.
pub const TARGET: &str = "wasm32-wasip2";
/// The cargo profile the policy component is built with (`[profile.guest]`): small, since every
/// byte is compiled by Cranelift and loaded at each run.
pub const GUEST_PROFILE: &str = "guest";

/// The profile of components only tests run: built fast, never shipped.
pub const TEST_PROFILE: &str = "dev";

/// Build `package` with `features` and `profile` into `target_dir`; the path of the component.
pub fn build(
    workspace: &Path,
    package: &str,
    features: &[&str],
    profile: &str,
    target_dir: &Path,
) -> Result<PathBuf, String> {
    ensure_target_installed()?;
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(workspace)
        .args(["build", "--locked", "-p", package])
        .args(["--target", TARGET, "--profile", profile])
        .arg("--target-dir")
        .arg(target_dir);
    if !features.is_empty() {
        build.args(["--features", &features.join(",")]);
    }
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
        .map_err(|e| format!("could not run cargo to build {package}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building {package} for {TARGET} failed; see the errors above"
        ));
    }
    // Cargo names the dev profile's directory `debug`.
    let dir = if profile == "dev" { "debug" } else { profile };
    Ok(target_dir
        .join(TARGET)
        .join(dir)
        .join(format!("{}.wasm", package.replace('-', "_"))))
}

/// rust-toolchain.toml lists the target, but rustup only installs listed targets together
/// with a toolchain it installs; on a machine that already has the toolchain, add it here.
fn ensure_target_installed() -> Result<(), String> {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let libdir = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if libdir.is_some_and(|dir| dir.is_dir()) {
        return Ok(());
    }
    println!(
        "cargo:warning=installing the {TARGET} target with rustup (listed in rust-toolchain.toml)"
    );
    let added = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .is_ok_and(|s| s.success());
    if added {
        Ok(())
    } else {
        Err(format!(
            "the {TARGET} Rust target is missing and `rustup target add {TARGET}` failed; \
             install it, then build again"
        ))
    }
}
