//! Builds the policy component (`guest/`) for `wasm32-wasip2`, then compiles it to native code
//! for the target this crate is being built for, and hands both to the host, which embeds them.
//! The CLI loads the compiled form from its own bytes: no compiler at run time, and no file
//! that anyone could change between the build and the run.
//!
//! With the `hostile-guests` feature (test builds), the hostile components the tests run are
//! built and compiled the same way, so that no test binary needs a compiler either.
//!
//! Each nested guest build has its own target directory, so that it never waits on the lock of
//! the build that runs this script.

#[path = "wasm_build.rs"]
mod wasm_build;

#[path = "src/engine_config.rs"]
mod engine_config;

#[path = "wit_world.rs"]
mod wit_world;

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.parent().expect("host/ lives in the workspace");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    for watched in [
        "facts",
        "guest",
        "wit",
        "Cargo.lock",
        "Cargo.toml",
        "host/wasm_build.rs",
        "host/wit_world.rs",
        "host/src/engine_config.rs",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            workspace.join(watched).display()
        );
    }
    let target_dir = target_root(&out_dir).join("guest-build");
    let built = wasm_build::build(
        workspace,
        "qianwen-auth-guest",
        &[],
        wasm_build::GUEST_PROFILE,
        &target_dir,
    )
    .unwrap_or_else(|why| panic!("{why}"));
    let wasm =
        std::fs::read(&built).unwrap_or_else(|e| panic!("could not read {}: {e}", built.display()));
    write(&out_dir.join("qianwen_auth.wasm"), &wasm);
    println!(
        "cargo:rustc-env=QIANWEN_AUTH_WIT_PACKAGE={}",
        wit_package(workspace)
    );
    write(
        &out_dir.join("capabilities.rs"),
        capabilities_source(workspace).as_bytes(),
    );
    let target = env::var("TARGET").expect("set by cargo");
    static_unwinder(&out_dir, &target);
    write(
        &out_dir.join("qianwen_auth.cwasm"),
        &precompile("the policy component", &wasm, &target),
    );
    if env::var_os("CARGO_FEATURE_HOSTILE_GUESTS").is_some() {
        hostile_guests(workspace, &out_dir, &target);
    }
}

/// The adversary, and the adversary built to import files and sockets too: compiled for
/// `target` into `adversary.cwasm` and `escapee.cwasm`. One target directory serves both
/// builds, which share their dependencies; each output is read before the next build
/// overwrites it.
fn hostile_guests(workspace: &Path, out_dir: &Path, target: &str) {
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("tests/guests/adversary").display()
    );
    let target_dir = target_root(out_dir).join("hostile-guests");
    for (name, features) in [("adversary", &[][..]), ("escapee", &["escape"][..])] {
        let built = wasm_build::build(
            workspace,
            "qianwen-auth-adversary",
            features,
            wasm_build::TEST_PROFILE,
            &target_dir,
        )
        .unwrap_or_else(|why| panic!("{why}"));
        let wasm = std::fs::read(&built)
            .unwrap_or_else(|e| panic!("could not read {}: {e}", built.display()));
        write(
            &out_dir.join(format!("{name}.cwasm")),
            &precompile(name, &wasm, target),
        );
    }
}

/// The component compiled for `target` with that architecture's baseline CPU features: naming
/// the target explicitly stops wasmtime from inferring the build machine's own features, so the
/// binary runs on every CPU of its architecture.
fn precompile(what: &str, wasm: &[u8], target: &str) -> Vec<u8> {
    let mut config = engine_config::config(target.contains("windows"));
    config
        .target(target)
        .unwrap_or_else(|e| panic!("wasmtime cannot compile for {target}: {e}"));
    let engine = wasmtime::Engine::new(&config)
        .unwrap_or_else(|e| panic!("no wasmtime engine for {target}: {e}"));
    engine
        .precompile_component(wasm)
        .unwrap_or_else(|e| panic!("compiling {what} for {target} failed: {e:?}"))
}

/// The world's capability list as Rust: `CAPABILITIES`, for `capabilities` and its tests.
fn capabilities_source(workspace: &Path) -> String {
    let path = workspace.join("wit/qianwen-auth.wit");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()));
    let list =
        wit_world::capabilities(&text).unwrap_or_else(|why| panic!("{}: {why}", path.display()));
    let mut out = String::from(
        "/// The world's capability list (wit/qianwen-auth.wit), read by build.rs.\n\
         pub const CAPABILITIES: &[Capability] = &[\n",
    );
    for c in list {
        out.push_str(&format!(
            "    Capability {{ imports: &{:?}, grant: {:?} }},\n",
            c.imports, c.grant
        ));
    }
    out.push_str("];\n");
    out
}

/// The name on the `package` line of the policy's WIT.
fn wit_package(workspace: &Path) -> String {
    let path = workspace.join("wit/qianwen-auth.wit");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()));
    text.lines()
        .find_map(|line| line.strip_prefix("package "))
        .and_then(|rest| rest.strip_suffix(';'))
        .unwrap_or_else(|| panic!("{} has no `package NAME;` line", path.display()))
        .to_string()
}

/// On Linux with glibc, the unwinder is linked in from the C compiler's static `libgcc_eh.a`
/// rather than loaded from `libgcc_s.so.1` at every start (as `gcc -static-libgcc` links it):
/// Rust's standard library asks the linker for `-lgcc_s`, and a `libgcc_s.a` found first on
/// the search path answers it. The binary then loads libc alone, and a run no longer pays for
/// loading that library and for its start-up probing of the processor (bench/results.md).
/// Where the compiler has no such archive, the shared library is linked as before.
fn static_unwinder(out_dir: &Path, target: &str) {
    if !target.ends_with("-linux-gnu") {
        return;
    }
    // The linker cargo links this target with (`.cargo/config.toml`), else the system's.
    let linker = env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
    let archive = std::process::Command::new(&linker)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        .filter(|path| path.is_absolute() && path.is_file());
    let Some(archive) = archive else {
        println!("cargo:warning={linker} has no libgcc_eh.a; linking the shared libgcc_s");
        return;
    };
    let dir = out_dir.join("static-unwinder");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("could not create {}: {e}", dir.display()));
    let bytes = std::fs::read(&archive)
        .unwrap_or_else(|e| panic!("could not read {}: {e}", archive.display()));
    write(&dir.join("libgcc_s.a"), &bytes);
    println!("cargo:rerun-if-changed={}", archive.display());
    println!("cargo:rustc-link-search=native={}", dir.display());
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes)
        .unwrap_or_else(|e| panic!("could not write {}: {e}", path.display()));
}

/// The directory cargo builds into: the nearest ancestor of OUT_DIR holding `CACHEDIR.TAG`.
fn target_root(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or(out_dir)
        .to_path_buf()
}
