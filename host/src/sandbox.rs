//! The sandbox: one engine, one linker that defines exactly the imports the WIT world
//! documents, and a store per run holding the host's grants. Nothing here decides policy.

use anyhow::{Context, Result, anyhow};
use std::sync::Mutex;
use std::time::Duration;
use wasmtime::component::{Component, Linker, ResourceTable};

use wasmtime::{Engine, ResourceLimiter, Store, Trap};
use wasmtime_wasi::cli::{WasiCliCtx, WasiCliCtxView, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocksCtx, WasiClocksCtxView, WasiClocksView};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

#[cfg(feature = "hostile-guests")]
pub use crate::bindings::adversary::exports::qianwen::adversary::attacks::Attack;
#[cfg(feature = "hostile-guests")]
pub use crate::compiled::Hostile;
use crate::grants::{self, EvidenceDir, Network, ProjectFiles, SetupFiles};
use crate::{compiled, engine_config, epoch, platform, timings};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::bindings;
use crate::bindings::exports::qianwen::auth::guidance::TokenPlan;
use crate::bindings::exports::qianwen::auth::types::{
    Flow, FlowAnswer, InitReport, KeyReport, Link, Options, StatusReport, VerifyReport,
};
use crate::bindings::exports::qianwen::auth::update_check::{
    SkillCandidates, UpdateInput, UpdateReport,
};
use bindings::qianwen::auth::evidence::WriteError;
use bindings::qianwen::auth::project::Directory;
use bindings::qianwen::auth::setup::{LineRef, ProjectFile, SetupError};
use qianwen_auth_facts::limits;

/// The policy component, built from `guest/` by build.rs: what `component --out` hands to other
/// hosts.
pub const COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/qianwen_auth.wasm"));

/// How much of the guest's stderr is kept, to find a panic's location in it.
const STDERR_CAPACITY: usize = 64 * 1024;

/// The per-run state: the grants, and WASI's bookkeeping.
pub struct State {
    /// `wasi:cli` as wasmtime-wasi serves it by default, beside the two parts served here.
    cli: WasiCliCtx,
    clocks: WasiClocksCtx,
    environment: Vec<(String, String)>,
    stderr: MemoryOutputPipe,
    http: WasiHttpCtx,
    table: ResourceTable,
    project: ProjectFiles,
    evidence: Option<EvidenceDir>,
    setup: Option<SetupFiles>,
    network: Network,
    memory: MemoryCap,
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
    fn can_change(&mut self, files: Vec<ProjectFile>) -> Result<(), SetupError> {
        self.setup()?.can_change(&files)
    }

    fn append_line(&mut self, file: ProjectFile, line: String) -> Result<(), SetupError> {
        self.setup()?.append_line(file, &line)
    }

    fn replace_line(
        &mut self,
        file: ProjectFile,
        at: LineRef,
        new: String,
    ) -> Result<(), SetupError> {
        self.setup()?.replace_line(file, &at, &new)
    }

    fn write_key(&mut self, name: String, at: Option<LineRef>) -> Result<(), SetupError> {
        self.setup()?.write_key(&name, at.as_ref())
    }

    fn make_private(&mut self) -> Result<(), SetupError> {
        self.setup()?.make_private()
    }
}

impl bindings::qianwen::auth::proxies::Host for State {
    fn failures(&mut self) -> Vec<bindings::qianwen::auth::proxies::Failure> {
        self.network.proxy_failures()
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

impl WasiCliView for State {
    fn cli(&mut self) -> WasiCliCtxView<'_> {
        WasiCliCtxView {
            ctx: &mut self.cli,
            table: &mut self.table,
        }
    }
}

impl WasiClocksView for State {
    fn clocks(&mut self) -> WasiClocksCtxView<'_> {
        WasiClocksCtxView {
            ctx: &mut self.clocks,
            table: &mut self.table,
        }
    }
}

impl State {
    fn granted(&mut self) -> cli::GrantedCli<'_> {
        cli::GrantedCli {
            environment: &self.environment,
            stderr: &self.stderr,
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

    fn git(&mut self, dotenvs: Vec<u32>) -> bindings::qianwen::auth::project::GitAnswer {
        self.project.git(&dotenvs)
    }
}

/// The compiled component and a linker holding every grant, ready to instantiate.
pub struct Sandbox {
    engine: Engine,
    component: Component,
    linker: Linker<State>,
}

impl Sandbox {
    /// The policy component built into this binary, compiled for its target (see `compiled`).
    pub fn new() -> Result<Self> {
        let engine = engine()?;
        timings::mark("engine");
        let component = embedded_component(&engine)?;
        timings::mark("deserialized");
        Self::assemble(engine, component)
    }

    /// A hostile component under exactly the same rules: the same linker, grants and limits.
    #[cfg(feature = "hostile-guests")]
    pub fn hostile(which: Hostile) -> Result<Self> {
        let engine = engine()?;
        let component = compiled::load_hostile(&engine, which)?;
        Self::assemble(engine, component)
    }

    /// The component's imports, as its own type lists them.
    pub fn imports(&self) -> Vec<String> {
        self.component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// The component's bytes, as built into this binary.
    pub fn embedded() -> &'static [u8] {
        COMPONENT
    }

    fn assemble(engine: Engine, component: Component) -> Result<Self> {
        let linker = linker(&engine)?;
        timings::mark("linked");
        Ok(Self {
            engine,
            component,
            linker,
        })
    }

    /// A fresh instance with the grants for this run.
    pub fn instantiate(&self, grants: grants::Grants) -> Result<Instance> {
        self.instantiate_as(grants, |store, component, linker| {
            bindings::CredentialPolicy::instantiate(store, component, linker)
        })
    }

    /// A fresh instance of the hostile component, under the grants for this run.
    #[cfg(feature = "hostile-guests")]
    pub fn instantiate_adversary(
        &self,
        grants: grants::Grants,
    ) -> Result<Instance<bindings::adversary::Adversary>> {
        self.instantiate_as(grants, |store, component, linker| {
            bindings::adversary::Adversary::instantiate(store, component, linker)
        })
    }

    fn instantiate_as<World>(
        &self,
        grants: grants::Grants,
        instantiate: impl FnOnce(
            &mut Store<State>,
            &Component,
            &Linker<State>,
        ) -> wasmtime::Result<World>,
    ) -> Result<Instance<World>> {
        let network_budget = grants.network.budget();
        let state = State {
            cli: WasiCliCtx::default(),
            clocks: WasiClocksCtx::default(),
            environment: grants.environment,
            stderr: MemoryOutputPipe::new(STDERR_CAPACITY),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            project: grants.project,
            evidence: grants.evidence,
            setup: grants.setup,
            network: grants.network,
            memory: MemoryCap::default(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(ticks(POLICY_BUDGET));
        let component = instantiate(&mut store, &self.component, &self.linker)
            .map_err(anyhow::Error::from)
            .context("instantiating the policy component")?;
        timings::mark("instantiated");
        Ok(Instance {
            store,
            component,
            network_budget,
        })
    }
}

/// The embedded component, loaded once per process: its code is published where it lies in the
/// binary (see `compiled`), and the engine registers code at one address only once; every
/// sandbox of the process shares it.
fn embedded_component(engine: &Engine) -> Result<Component> {
    static LOADED: Mutex<Option<Component>> = Mutex::new(None);
    let mut loaded = LOADED
        .lock()
        .map_err(|_| anyhow!("loading the policy component failed in another thread"))?;
    if let Some(component) = &*loaded {
        return Ok(component.clone());
    }
    let component = compiled::load(engine)?;
    *loaded = Some(component.clone());
    Ok(component)
}

fn engine() -> Result<Engine> {
    epoch::engine(|| {
        let mut config = engine_config::config(cfg!(windows));
        compiled::configure(&mut config);
        Ok(Engine::new(&config)?)
    })
}

/// How long a call that sends nothing may run.
pub const POLICY_BUDGET: Duration = Duration::from_secs(limits::POLICY_SECONDS);

fn ticks(budget: Duration) -> u64 {
    (budget.as_millis() / epoch::TICK.as_millis()).max(1) as u64
}

/// The most memory the component may have.
pub const MEMORY_LIMIT: usize = limits::MEMORY_BYTES;

/// Denies memory growth past `MEMORY_LIMIT`, and remembers that it did.
#[derive(Default)]
struct MemoryCap {
    denied: Option<usize>,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MEMORY_LIMIT {
            self.denied = Some(desired);
            wasmtime::bail!("memory limit reached");
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

/// One running instance of the policy (or, in tests, of a component of another world under the
/// same imports).
pub struct Instance<World = bindings::CredentialPolicy> {
    store: Store<State>,
    component: World,
    /// How long a call that sends requests may run, all retries included.
    network_budget: Duration,
}

impl Instance {
    /// The chain resolved and described; sends nothing.
    pub fn status(&mut self, options: &Options) -> Result<StatusReport> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_auth().call_status(s, options)
        })
    }

    /// Verify the key, within the network grant's time budget.
    pub fn verify(&mut self, options: &Options) -> Result<VerifyReport> {
        let budget = self.network_budget;
        self.call(budget, |c, s| c.qianwen_auth_auth().call_verify(s, options))
    }

    /// Apply an answer to the 401 flow and verify again.
    pub fn continue_flow(&mut self, options: &Options, answer: FlowAnswer) -> Result<VerifyReport> {
        let budget = self.network_budget;
        self.call(budget, |c, s| {
            c.qianwen_auth_auth().call_continue_flow(s, options, answer)
        })
    }

    /// Set up, writing through the setup grant; `key` is what the user piped in, if anything,
    /// and `replace` whether it may replace the key in `./.env`.
    pub fn init(&mut self, key: Option<&str>, replace: bool) -> Result<InitReport> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_auth()
                .call_init(s, platform::SYSTEM, key, replace)
        })
    }

    /// `texts` with every secret the component can see hidden, in any form it reads.
    pub fn scrub(&mut self, texts: &[String]) -> Result<Vec<String>> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_auth().call_scrub(s, texts)
        })
    }

    /// Whether each of `texts` holds a secret or a token shaped like a key.
    pub fn holds_key(&mut self, texts: &[String]) -> Result<Vec<bool>> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_auth().call_holds_key(s, texts)
        })
    }

    /// Output of a program run at the user's request, fit to show: no control sequences, no
    /// secret, no URL off the link table.
    pub fn sanitize_output(&mut self, texts: &[String]) -> Result<Vec<String>> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_update_check().call_sanitize_output(s, texts)
        })
    }

    /// One text, scrubbed.
    pub fn scrub_one(&mut self, text: impl std::fmt::Display) -> Result<String> {
        Ok(self.scrub(&[text.to_string()])?.remove(0))
    }

    /// Grant the evidence directory, once it has been opened.
    pub fn grant_evidence(&mut self, evidence: EvidenceDir) {
        self.store.data_mut().evidence = Some(evidence);
    }

    /// The link table.
    pub fn links(&mut self) -> Result<Vec<Link>> {
        self.call(POLICY_BUDGET, |c, s| c.qianwen_auth_policy().call_links(s))
    }

    /// The 401 flow's step for an answer and the outcome of verifying again; `rejected` is the
    /// key the server rejected, which step 2 names.
    pub fn flow_step(
        &mut self,
        answer: Option<FlowAnswer>,
        rejected_again: Option<bool>,
        rejected: Option<&KeyReport>,
    ) -> Result<Flow> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_policy()
                .call_flow_step(s, answer, rejected_again, rejected)
        })
    }

    /// The Token Plan facts.
    pub fn token_plan(&mut self) -> Result<TokenPlan> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_guidance().call_token_plan_facts(s)
        })
    }

    /// The block for agent instruction files.
    pub fn agent_snippet(&mut self) -> Result<String> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_guidance().call_agent_snippet(s)
        })
    }

    /// `existing` with the block put in, or why it cannot be.
    pub fn agent_snippet_apply(
        &mut self,
        existing: Option<&str>,
    ) -> Result<Result<String, String>> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_guidance()
                .call_agent_snippet_apply(s, existing)
        })
    }

    /// Where the update check looks for its skill.
    pub fn skill_search(
        &mut self,
        directories: &[Directory],
        home: Option<&str>,
        named: Option<&str>,
    ) -> Result<SkillCandidates> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_update_check()
                .call_skill_search(s, directories, home, named)
        })
    }

    /// The update check, from what the host found.
    pub fn update_check(&mut self, input: &UpdateInput) -> Result<UpdateReport> {
        self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_auth_update_check().call_check(s, input)
        })
    }
}

impl<World> Instance<World> {
    /// What the network grant refused during this run.
    pub fn refusals(&self) -> Vec<String> {
        self.store.data().network.refusals()
    }

    /// Call into the component with a time limit; a failure is described without anything the
    /// component printed but a panic's location.
    fn call<R>(
        &mut self,
        budget: Duration,
        f: impl FnOnce(&World, &mut Store<State>) -> wasmtime::Result<R>,
    ) -> Result<R> {
        self.store.set_epoch_deadline(ticks(budget));
        let result = f(&self.component, &mut self.store);
        result.map_err(|error| {
            if let Some(bytes) = self.store.data().memory.denied {
                return anyhow!(
                    "the policy component asked for {} MiB of memory, over its limit of {} MiB, \
                     and was stopped",
                    bytes >> 20,
                    MEMORY_LIMIT >> 20
                );
            }
            if error.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
                return anyhow!(
                    "the policy component ran longer than its limit of {} s and was stopped",
                    budget.as_secs()
                );
            }
            match panic_location(&String::from_utf8_lossy(
                &self.store.data().stderr.contents(),
            )) {
                Some(location) => anyhow!("the policy component panicked at {location}"),
                None => anyhow::Error::from(error).context("the policy component failed"),
            }
        })
    }
}

#[cfg(feature = "hostile-guests")]
impl Instance<bindings::adversary::Adversary> {
    /// Run the adversary's `attack` with the test's parameters.
    pub fn attack(&mut self, attack: Attack, params: &[String]) -> Result<Vec<(String, String)>> {
        let answers = self.call(POLICY_BUDGET, |c, s| {
            c.qianwen_adversary_attacks().call_run(s, attack, params)
        })?;
        Ok(answers.into_iter().map(|a| (a.attempt, a.answer)).collect())
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

mod cli;
mod linker;
#[cfg(test)]
mod tests;

use linker::linker;
