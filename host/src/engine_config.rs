//! The engine's settings, in one place for the two engines that must agree on them: the build
//! script's, which compiles the policy component for the target being built, and the CLI's,
//! which loads that compiled form from its own bytes and compiles nothing. wasmtime refuses to
//! load code compiled under other settings, so a drift here fails loudly, never silently.

/// The settings for an engine whose code runs on Windows or elsewhere.
pub fn config(windows: bool) -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    // Wasm that runs too long is stopped at its next loop or call (see `sandbox`).
    config.epoch_interruption(true);
    // Native unwind tables and address maps serve debuggers and outside profilers only;
    // without them the compiled component is smaller and loads without registering thousands
    // of frames with the system unwinder. Windows requires the unwind tables.
    config.native_unwind_info(windows);
    config.generate_address_map(false);
    // A run instantiates once and ends: copying the small data segments is cheaper than
    // building a copy-on-write image of them (a memfd, a write, a mapping) every run.
    config.memory_init_cow(false);
    config
}
