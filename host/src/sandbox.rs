//! The sandbox: one engine, one linker that defines exactly the imports the WIT world
//! documents, and a store per run holding the host's grants. Nothing here decides policy.

use anyhow::{Context, Result, anyhow};
use wasmtime::component::{Component, HasData, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::p2::pipe::{ClosedInputStream, MemoryOutputPipe, SinkOutputStream};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::grants::{self, EvidenceDir, Network, ProjectFiles, SetupFiles};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

pub mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "qianwen:auth/component",
        require_store_data_send: true,
        with: {
            "wasi:cli": wasmtime_wasi::p2::bindings::cli,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
        },
    });
}

use bindings::exports::qianwen::auth::types::{
    Flow, FlowAnswer, InitReport, Link, StatusOptions, StatusReport, TokenPlan, VerifyOptions,
    VerifyReport,
};
use bindings::qianwen::auth::evidence::WriteError;
use bindings::qianwen::auth::setup::{LineRef, SetupError, SetupFile};

/// The policy component, built from `guest/` by build.rs.
pub const COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/qianwen_auth.wasm"));

/// How much of the guest's stderr is kept, to find a panic's location in it.
const STDERR_CAPACITY: usize = 64 * 1024;

/// The per-run state: the grants, and WASI's bookkeeping.
pub struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    project: ProjectFiles,
    evidence: Option<EvidenceDir>,
    setup: Option<SetupFiles>,
    network: Network,
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.network,
        }
    }
}

impl State {
    fn setup(&self) -> Result<&SetupFiles, SetupError> {
        self.setup
            .as_ref()
            .ok_or_else(|| SetupError::Refused("only init may change files".into()))
    }
}

impl bindings::qianwen::auth::setup::Host for State {
    fn append_line(&mut self, file: SetupFile, line: String) -> Result<(), SetupError> {
        self.setup()?.append_line(file, &line)
    }

    fn replace_line(
        &mut self,
        file: SetupFile,
        at: LineRef,
        new: String,
    ) -> Result<(), SetupError> {
        self.setup()?.replace_line(file, &at, &new)
    }

    fn write_key(&mut self, name: String, at: Option<LineRef>) -> Result<(), SetupError> {
        self.setup()?.write_key(&name, at.as_ref())
    }
}

impl bindings::qianwen::auth::evidence::Host for State {
    fn write(
        &mut self,
        name: String,
        contents: Vec<u8>,
        replace: bool,
    ) -> Result<String, WriteError> {
        match &self.evidence {
            Some(dir) => dir.write(&name, &contents, replace),
            None => Err(WriteError::Refused(
                "this command writes no evidence".into(),
            )),
        }
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl bindings::qianwen::auth::project::Host for State {
    fn ancestors(&mut self) -> Vec<bindings::qianwen::auth::project::Directory> {
        self.project.ancestors()
    }

    fn read(
        &mut self,
        depth: u32,
        file: bindings::qianwen::auth::project::ProjectFile,
    ) -> Result<
        Option<bindings::qianwen::auth::project::FileContents>,
        bindings::qianwen::auth::project::ReadError,
    > {
        self.project.read(depth, file)
    }
}

/// The compiled component and a linker holding every grant, ready to instantiate.
pub struct Sandbox {
    engine: Engine,
    component: Component,
    linker: Linker<State>,
}

impl Sandbox {
    pub fn new() -> Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, COMPONENT)
            .map_err(anyhow::Error::from)
            .context("compiling the policy component")?;
        let linker = linker(&engine)?;
        Ok(Self {
            engine,
            component,
            linker,
        })
    }

    /// A fresh instance with the grants for this run.
    pub fn instantiate(&self, grants: grants::Grants) -> Result<Instance> {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let mut wasi = WasiCtx::builder();
        wasi.stdin(ClosedInputStream)
            .stdout(SinkOutputStream)
            .stderr(stderr.clone())
            .envs(&grants.environment);
        let state = State {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            project: grants.project,
            evidence: grants.evidence,
            setup: grants.setup,
            network: grants.network,
        };
        let mut store = Store::new(&self.engine, state);
        let component = bindings::Component::instantiate(&mut store, &self.component, &self.linker)
            .map_err(anyhow::Error::from)
            .context("instantiating the policy component")?;
        Ok(Instance {
            store,
            component,
            stderr,
        })
    }
}

/// One running instance of the policy.
pub struct Instance {
    store: Store<State>,
    component: bindings::Component,
    stderr: MemoryOutputPipe,
}

impl Instance {
    pub fn status(&mut self, options: &StatusOptions) -> Result<StatusReport> {
        let result = self
            .component
            .qianwen_auth_auth()
            .call_status(&mut self.store, options);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn verify(&mut self, options: &VerifyOptions) -> Result<VerifyReport> {
        let result = self
            .component
            .qianwen_auth_auth()
            .call_verify(&mut self.store, options);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn continue_flow(
        &mut self,
        options: &VerifyOptions,
        answer: FlowAnswer,
    ) -> Result<VerifyReport> {
        let result =
            self.component
                .qianwen_auth_auth()
                .call_continue_flow(&mut self.store, options, answer);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn init(&mut self, key: Option<&str>) -> Result<InitReport> {
        let result = self
            .component
            .qianwen_auth_auth()
            .call_init(&mut self.store, key);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn links(&mut self) -> Result<Vec<Link>> {
        let result = self
            .component
            .qianwen_auth_policy()
            .call_links(&mut self.store);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn flow_step(
        &mut self,
        answer: Option<FlowAnswer>,
        rejected_again: Option<bool>,
    ) -> Result<Flow> {
        let result = self.component.qianwen_auth_policy().call_flow_step(
            &mut self.store,
            answer,
            rejected_again,
        );
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn token_plan(&mut self) -> Result<TokenPlan> {
        let result = self
            .component
            .qianwen_auth_policy()
            .call_token_plan_facts(&mut self.store);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn agent_snippet(&mut self) -> Result<String> {
        let result = self
            .component
            .qianwen_auth_policy()
            .call_agent_snippet(&mut self.store);
        result.map_err(|trap| self.failure(trap.into()))
    }

    pub fn agent_snippet_apply(
        &mut self,
        existing: Option<&str>,
    ) -> Result<Result<String, String>> {
        let result = self
            .component
            .qianwen_auth_policy()
            .call_agent_snippet_apply(&mut self.store, existing);
        result.map_err(|trap| self.failure(trap.into()))
    }

    /// What the network grant refused during this run.
    pub fn refusals(&self) -> Vec<String> {
        self.store.data().network.refusals()
    }

    /// A guest failure, described without anything the guest printed but a panic's location.
    fn failure(&self, error: anyhow::Error) -> anyhow::Error {
        let stderr = self.stderr.contents();
        match panic_location(&String::from_utf8_lossy(&stderr)) {
            Some(location) => anyhow!("the policy component panicked at {location}"),
            None => error.context("the policy component failed"),
        }
    }
}

/// The source location of a Rust panic in the guest's stderr, and nothing else from it: only
/// text of the form `path/file.rs:LINE:COLUMN` is believed.
fn panic_location(stderr: &str) -> Option<String> {
    let after = stderr.split("panicked at ").nth(1)?;
    let candidate: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '-' | ':'))
        .take(200)
        .collect();
    let candidate = candidate.trim_end_matches(':');
    let mut parts = candidate.rsplitn(3, ':');
    let (column, line, file) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (numeric(column) && numeric(line) && file.ends_with(".rs")).then(|| candidate.to_string())
}

struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// Exactly the imports that `wit/qianwen-auth.wit` documents, and no others: a component that
/// imports anything more (a file system, sockets) fails to instantiate.
fn linker(engine: &Engine) -> Result<Linker<State>> {
    use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
    use wasmtime_wasi::p2::bindings::{cli, clocks, sync::io};
    let mut l = Linker::new(engine);
    bindings::qianwen::auth::project::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    bindings::qianwen::auth::evidence::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    bindings::qianwen::auth::setup::add_to_linker::<State, HasSelf<State>>(&mut l, |s| s)?;
    cli::environment::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    // Outgoing HTTP, judged by the network grant's hook; and the clocks.
    wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut l)?;
    clocks::wall_clock::add_to_linker::<State, WasiClocks>(&mut l, State::clocks)?;
    clocks::monotonic_clock::add_to_linker::<State, WasiClocks>(&mut l, State::clocks)?;
    // Required by Rust's standard library; stdin is closed, stdout a sink, stderr captured.
    cli::exit::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stdin::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stdout::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stderr::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The world's documentation in `wit/`, which a reviewer reads instead of this code.
    const WIT: &str = include_str!("../../wit/qianwen-auth.wit");

    fn imports() -> Vec<String> {
        let engine = Engine::default();
        let component = Component::new(&engine, COMPONENT).unwrap();
        component
            .component_type()
            .imports(&engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    #[test]
    fn the_component_cannot_reach_files_or_sockets() {
        let imports = imports();
        assert!(
            imports
                .iter()
                .any(|i| i.starts_with("qianwen:auth/project@"))
        );
        for import in &imports {
            assert!(
                !import.starts_with("wasi:filesystem") && !import.starts_with("wasi:sockets"),
                "the component imports {import}"
            );
        }
    }

    #[test]
    fn every_import_is_documented_in_the_wit_world() {
        let world = &WIT[WIT.find("/// The component. Its imports").unwrap()..];
        for import in imports() {
            let unversioned = import.split('@').next().unwrap();
            let (package, interface) = unversioned.rsplit_once('/').unwrap();
            let documented = world.contains(&format!("`{unversioned}`"))
                || world.contains(&format!("`{package}/*`"))
                || (package == "qianwen:auth" && world.contains(&format!("`{interface}`")));
            assert!(
                documented,
                "{import} is imported but not documented in wit/"
            );
        }
    }

    #[test]
    fn the_linker_satisfies_the_component() {
        let sandbox = Sandbox::new().unwrap();
        let grants = grants::Grants::for_cwd(std::path::Path::new("/nonexistent"));
        assert!(sandbox.instantiate(grants).is_ok());
    }

    #[test]
    fn only_a_location_is_taken_from_stderr() {
        let stderr = "thread '<unnamed>' panicked at src/status.rs:12:5:\nsk-SECRET leaked\n";
        assert_eq!(
            panic_location(stderr).as_deref(),
            Some("src/status.rs:12:5")
        );
        assert_eq!(panic_location("panicked at sk-SECRET0000000000:1"), None);
        assert_eq!(panic_location("sk-SECRET"), None);
        assert_eq!(panic_location("panicked at x.rs:1:z"), None);
    }
}
