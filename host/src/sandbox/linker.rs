//! The linker: the imports `wit/qianwen-auth.wit` documents, each bound to the grant that
//! serves it, and nothing else.

use anyhow::Result;
use wasmtime::Engine;
use wasmtime::component::{HasData, HasSelf, Linker, ResourceTable};
use wasmtime_wasi::cli::{WasiCli, WasiCliView};

use super::State;
use super::cli::Granted;
use crate::bindings;

struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// Exactly the imports that `wit/qianwen-auth.wit` documents, and no others: a component that
/// imports anything more (a file system, sockets) fails to instantiate.
pub fn linker(engine: &Engine) -> Result<Linker<State>> {
    use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
    use wasmtime_wasi::p2::bindings::{cli, clocks, sync::io};
    let mut l = Linker::new(engine);
    bindings::qianwen::auth::project::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    bindings::qianwen::auth::evidence::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    bindings::qianwen::auth::setup::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    bindings::qianwen::auth::proxies::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    cli::environment::add_to_linker::<State, Granted>(&mut l, State::granted)?;
    // Outgoing HTTP, judged by the network grant's hook; and the clocks.
    wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut l)?;
    clocks::wall_clock::add_to_linker::<State, WasiClocks>(&mut l, State::clocks)?;
    clocks::monotonic_clock::add_to_linker::<State, WasiClocks>(&mut l, State::clocks)?;
    // Required by Rust's standard library; stdin is closed, stdout a sink, stderr captured.
    cli::exit::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stdin::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stdout::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stderr::add_to_linker::<State, Granted>(&mut l, State::granted)?;
    cli::terminal_input::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_output::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_stdin::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_stdout::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_stderr::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    io::error::add_to_linker::<State, HasTable>(&mut l, |s| &mut s.table)?;
    io::poll::add_to_linker::<State, HasTable>(&mut l, |s| &mut s.table)?;
    io::streams::add_to_linker::<State, HasTable>(&mut l, |s| &mut s.table)?;
    Ok(l)
}
