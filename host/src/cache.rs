//! The compiled policy component, cached on disk: compiling it with Cranelift takes a few
//! hundred milliseconds, loading the compiled form about one. The file is keyed by the
//! component's hash and the engine's compatibility hash, so an upgrade or another engine
//! configuration never loads a stale one; it carries a checksum, so a damaged file is
//! recompiled rather than run; and it is written beside its final name and renamed. When no
//! cache directory can be used, the component is compiled in memory: the cache only ever saves
//! time, it never causes a failure.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::atomic;

/// The start of every cache file: a name and a format version.
const MAGIC: &[u8; 8] = b"QWAUTH\x00\x01";

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
        return compile(engine, wasm);
    };
    let path = dir.join(format!("{PREFIX}{:016x}{SUFFIX}", key(engine, wasm_hash)));
    if let Some(component) = load(engine, &path) {
        return Ok(component);
    }
    let compiled = engine
        .precompile_component(wasm)
        .map_err(anyhow::Error::from)
        .context("compiling the policy component")?;
    // The cache is an optimisation: a directory that cannot be written is not an error.
    if store(dir, &path, &compiled).is_ok() {
        remove_stale(dir, &path);
    }
    // SAFETY: the bytes were produced just now, by this engine, from the embedded component.
    unsafe { Component::deserialize(engine, &compiled) }
        .map_err(anyhow::Error::from)
        .context("loading the compiled policy component")
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Component> {
    Component::new(engine, wasm)
        .map_err(anyhow::Error::from)
        .context("compiling the policy component")
}

/// The cache key: the component and everything about the engine that compiled code depends on.
fn key(engine: &Engine, wasm_hash: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    wasm_hash.hash(&mut hasher);
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// A cached component, if the file is there, is ours, is whole, and loads.
fn load(engine: &Engine, path: &Path) -> Option<Component> {
    let meta = fs::symlink_metadata(path).ok()?;
    // Only a regular file of this user that no one else may write is trusted to run.
    if !meta.is_file()
        || meta.uid() != rustix::process::geteuid().as_raw()
        || meta.mode() & 0o022 != 0
    {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    let payload = unwrap(&bytes)?;
    // SAFETY: the file is this user's own, unchanged since it was written (its checksum holds),
    // and wasmtime refuses code compiled for another engine or version.
    unsafe { Component::deserialize(engine, payload) }.ok()
}

/// `MAGIC`, the payload's length and CRC-32, then the payload.
fn wrap(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn unwrap(bytes: &[u8]) -> Option<&[u8]> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (len, rest) = rest.split_first_chunk::<8>()?;
    let (crc, payload) = rest.split_first_chunk::<4>()?;
    let whole = payload.len() as u64 == u64::from_le_bytes(*len)
        && crc32fast::hash(payload) == u32::from_le_bytes(*crc);
    whole.then_some(payload)
}

fn store(dir: &Path, path: &Path, compiled: &[u8]) -> std::io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    atomic::replace(path, &wrap(compiled), 0o600)
}

/// Compiled copies of other versions or engines: never loaded again, so removed.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_detects_damage() {
        let wrapped = wrap(b"compiled code");
        assert_eq!(unwrap(&wrapped), Some(&b"compiled code"[..]));
        let mut flipped = wrapped.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(unwrap(&flipped), None);
        assert_eq!(unwrap(&wrapped[..wrapped.len() - 1]), None);
        assert_eq!(unwrap(b"QWAUTH"), None);
        assert_eq!(unwrap(&[]), None);
    }
}
