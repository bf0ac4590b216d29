//! The two parts of `wasi:cli` the host serves itself: the environment, which is exactly the
//! granted variables, and stderr, kept to find a panic's location in. The rest of `wasi:cli`
//! is wasmtime-wasi's with its defaults: stdin closed, stdout a sink, no terminal. Built this
//! way rather than through `WasiCtx`, a run does not seed the generators of `wasi:random`,
//! which the component does not import; seeding them cost a `status` run about 2% of its
//! time (bench/results.md).

use wasmtime::component::{HasData, Resource, ResourceTable};
use wasmtime_wasi::p2::DynOutputStream;
use wasmtime_wasi::p2::bindings::cli::{environment, stderr};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// The environment and stderr, as the linker binds them.
pub struct Granted;

impl HasData for Granted {
    type Data<'a> = GrantedCli<'a>;
}

pub struct GrantedCli<'a> {
    pub environment: &'a [(String, String)],
    pub stderr: &'a MemoryOutputPipe,
    pub table: &'a mut ResourceTable,
}

impl environment::Host for GrantedCli<'_> {
    fn get_environment(&mut self) -> wasmtime::Result<Vec<(String, String)>> {
        Ok(self.environment.to_vec())
    }

    /// The policy takes everything it needs as a function's arguments, never as a program's.
    fn get_arguments(&mut self) -> wasmtime::Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn initial_cwd(&mut self) -> wasmtime::Result<Option<String>> {
        Ok(None)
    }
}

impl stderr::Host for GrantedCli<'_> {
    fn get_stderr(&mut self) -> wasmtime::Result<Resource<DynOutputStream>> {
        let stream: DynOutputStream = Box::new(self.stderr.clone());
        Ok(self.table.push(stream)?)
    }
}
