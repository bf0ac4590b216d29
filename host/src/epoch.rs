//! The clock behind the sandbox's time limits: every 100 ms the engine's epoch advances, and
//! wasm past its deadline stops at its next loop or call (the ticker: platform/ticker.rs).

use std::sync::{Once, OnceLock};
use std::time::Duration;

use anyhow::Result;
use wasmtime::Engine;

use crate::platform::ticker;

/// How often the epoch advances: the granularity of time limits.
pub const TICK: Duration = Duration::from_millis(100);

/// The process's one engine, which the ticker advances.
static ENGINE: OnceLock<Engine> = OnceLock::new();

/// The engine, made by `make` the first time, with the clock running and its tick let through
/// to the calling thread, which is the one that will run wasm.
pub fn engine(make: impl FnOnce() -> Result<Engine>) -> Result<Engine> {
    let engine = match ENGINE.get() {
        Some(engine) => engine.clone(),
        None => {
            let made = make()?;
            ENGINE.get_or_init(|| made).clone()
        }
    };
    static START: Once = Once::new();
    START.call_once(|| ticker::start(TICK, advance));
    ticker::admit();
    Ok(engine)
}

extern "C" fn advance(_signal: std::ffi::c_int) {
    if let Some(engine) = ENGINE.get() {
        engine.increment_epoch();
    }
}
