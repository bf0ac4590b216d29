//! The policy component as this binary runs it: compiled by build.rs for this binary's target,
//! embedded in the binary, and run from where it lies. On Linux the code pages are made
//! executable in place, in the binary's own read-only data, rather than copied into fresh
//! memory first: a run then touches only the pages it executes. Elsewhere wasmtime copies them.
//! Either way no file is read: nothing that anyone could change after the build ever runs.

use anyhow::{Context, Result};
use wasmtime::component::Component;
use wasmtime::{Config, Engine};

/// On Linux, bytes aligned to 64 KiB, the largest page size of the architectures it builds
/// for, so that the code inside the compiled component starts on a page boundary where it lies.
/// Elsewhere the code is copied and any alignment serves; Windows' object format could not hold
/// a 64 KiB one (8 KiB at most).
#[cfg_attr(target_os = "linux", repr(C, align(65536)))]
#[cfg_attr(not(target_os = "linux"), repr(C, align(16)))]
struct PageAligned<T: ?Sized>(T);

static COMPILED: &PageAligned<[u8]> = &PageAligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/qianwen_auth.cwasm"
)));

/// Make the engine publish code by changing the protection of the pages where it lies.
pub fn configure(config: &mut Config) {
    #[cfg(target_os = "linux")]
    config.with_custom_code_memory(Some(std::sync::Arc::new(InPlace)));
    #[cfg(not(target_os = "linux"))]
    let _ = config;
}

/// The embedded compiled component, ready to instantiate.
pub fn load(engine: &Engine) -> Result<Component> {
    let bytes = std::ptr::NonNull::from(&COMPILED.0);
    // SAFETY: `deserialize*` runs the bytes it is given as native code. These were compiled by
    // this crate's build, for this target, and are part of the binary itself, never written
    // to and alive as long as the process; no file is read.
    #[cfg(target_os = "linux")]
    let component = unsafe { Component::deserialize_raw(engine, bytes) };
    #[cfg(not(target_os = "linux"))]
    let component = unsafe { Component::deserialize(engine, bytes.as_ref()) };
    component
        .map_err(anyhow::Error::from)
        .context("loading the policy component")
}

/// The hostile components the tests run, compiled by build.rs as the policy is.
#[cfg(feature = "hostile-guests")]
#[derive(Clone, Copy, Debug)]
pub enum Hostile {
    /// The same imports as the policy, hostile behaviour.
    Adversary,
    /// The adversary importing files and sockets too, which must not even instantiate.
    Escapee,
}

/// A hostile component embedded in this (test) build, ready to instantiate.
#[cfg(feature = "hostile-guests")]
pub fn load_hostile(engine: &Engine, which: Hostile) -> Result<Component> {
    let bytes: &[u8] = match which {
        Hostile::Adversary => include_bytes!(concat!(env!("OUT_DIR"), "/adversary.cwasm")),
        Hostile::Escapee => include_bytes!(concat!(env!("OUT_DIR"), "/escapee.cwasm")),
    };
    // SAFETY: as in `load`: compiled by this crate's build for this target, part of the binary.
    unsafe { Component::deserialize(engine, bytes) }
        .map_err(anyhow::Error::from)
        .with_context(|| format!("loading the {which:?} component"))
}

/// Code published where it lies: read-only pages made read-and-execute, and back.
#[cfg(target_os = "linux")]
struct InPlace;

#[cfg(target_os = "linux")]
impl wasmtime::CustomCodeMemory for InPlace {
    fn required_alignment(&self) -> usize {
        rustix::param::page_size()
    }

    fn publish_executable(&self, ptr: *const u8, len: usize) -> wasmtime::Result<()> {
        protect(
            ptr,
            len,
            rustix::mm::MprotectFlags::READ | rustix::mm::MprotectFlags::EXEC,
        )
    }

    fn unpublish_executable(&self, ptr: *const u8, len: usize) -> wasmtime::Result<()> {
        protect(ptr, len, rustix::mm::MprotectFlags::READ)
    }
}

#[cfg(target_os = "linux")]
fn protect(ptr: *const u8, len: usize, flags: rustix::mm::MprotectFlags) -> wasmtime::Result<()> {
    // SAFETY: wasmtime hands over a page-aligned range of code it owns (see
    // `required_alignment`) and runs nothing in it while its protection changes. Only the
    // executable bit changes: the pages are never writable.
    unsafe { rustix::mm::mprotect(ptr.cast_mut().cast(), len, flags) }
        .map_err(|e| wasmtime::format_err!("code pages could not be made executable: {e}"))
}
