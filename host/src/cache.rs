//! The compiled policy component, cached on disk: compiling it with Cranelift takes a few
//! hundred milliseconds, loading the compiled form (mapped, not copied) well under one. The
//! file is keyed by the component's hash and the engine's compatibility hash, so an upgrade or
//! another engine configuration never loads a stale one; its name carries the CRC-32 of its
//! bytes, so a damaged file is recompiled rather than run; and it is written beside its final
//! name and renamed. When no cache directory can be used, the component is compiled in memory:
//! the cache only ever saves time, it never causes a failure.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::atomic;

const PREFIX: &str = "policy-";
const SUFFIX: &str = ".cwasm";

/// Where compiled components are kept: `QIANWEN_AUTH_CACHE_DIR`, else the XDG cache directory,
/// else `~/.cache`, each with `qianwen-auth/` under it; none when none of them is set.
pub fn dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("QIANWEN_AUTH_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("qianwen-auth")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("qianwen-auth")))
}

/// The component for `wasm` (whose hash is `wasm_hash`), from the cache in `dir` when a good
/// compiled copy is there, else compiled and, if possible, stored there.
pub fn component(
    engine: &Engine,
    wasm: &[u8],
    wasm_hash: &str,
    dir: Option<&Path>,
) -> Result<Component> {
    let Some(dir) = dir else {
        return Component::new(engine, wasm)
            .map_err(anyhow::Error::from)
            .context("compiling the policy component");
    };
    let stem = format!("{PREFIX}{:016x}-", key(engine, wasm_hash));
    if let Some(component) = load(engine, dir, &stem) {
        return Ok(component);
    }
    let compiled = engine
        .precompile_component(wasm)
        .map_err(anyhow::Error::from)
        .context("compiling the policy component")?;
    let path = dir.join(format!("{stem}{:08x}{SUFFIX}", crc32fast::hash(&compiled)));
    // The cache is an optimisation: a directory that cannot be written is not an error.
    if store(dir, &path, &compiled).is_ok() {
        remove_stale(dir, &path);
    }
    // SAFETY: the bytes were produced just now, by this engine, from the embedded component.
    unsafe { Component::deserialize(engine, &compiled) }
        .map_err(anyhow::Error::from)
        .context("loading the compiled policy component")
}

/// The cache key: the component and everything about the engine that compiled code depends on.
fn key(engine: &Engine, wasm_hash: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    wasm_hash.hash(&mut hasher);
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// A cached component, if a file for `stem` is there, is ours, is whole, and loads.
fn load(engine: &Engine, dir: &Path, stem: &str) -> Option<Component> {
    let (path, crc) = fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let name = entry.file_name().into_string().ok()?;
        let crc = name.strip_prefix(stem)?.strip_suffix(SUFFIX)?;
        Some((entry.path(), u32::from_str_radix(crc, 16).ok()?))
    })?;
    let file = fs::File::open(&path).ok()?;
    let meta = file.metadata().ok()?;
    // Only a regular file of this user that no one else may write is trusted to run.
    let own = meta.uid() == rustix::process::geteuid().as_raw() && meta.mode() & 0o022 == 0;
    if !meta.is_file() || !own || checksum(&file, meta.len())? != crc {
        return None;
    }
    // SAFETY: the file is this user's own, unchanged since it was written (its checksum holds),
    // and wasmtime refuses code compiled for another engine or version.
    unsafe { Component::deserialize_file(engine, &path) }.ok()
}

/// The CRC-32 of a file's bytes, read through a mapping rather than a copy.
fn checksum(file: &fs::File, len: u64) -> Option<u32> {
    let len = usize::try_from(len).ok().filter(|&n| n > 0)?;
    // SAFETY: a private, read-only mapping of a file we opened; the slice over it is used and
    // dropped before the mapping is removed.
    unsafe {
        let map = rustix::mm::mmap(
            std::ptr::null_mut(),
            len,
            rustix::mm::ProtFlags::READ,
            rustix::mm::MapFlags::PRIVATE,
            file,
            0,
        )
        .ok()?;
        let crc = crc32fast::hash(std::slice::from_raw_parts(map.cast::<u8>(), len));
        let _ = rustix::mm::munmap(map, len);
        Some(crc)
    }
}

fn store(dir: &Path, path: &Path, compiled: &[u8]) -> std::io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    atomic::replace(path, compiled, 0o600)
}

/// Compiled copies of other versions or engines, or damaged ones: never loaded again.
fn remove_stale(dir: &Path, current: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path != current && name.starts_with(PREFIX) && name.ends_with(SUFFIX) {
            let _ = fs::remove_file(path);
        }
    }
}
