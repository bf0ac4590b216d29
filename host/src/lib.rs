//! `qianwen-auth`: set up and check credentials for Alibaba's QianWen (DashScope) APIs. The
//! policy runs in a WebAssembly sandbox; this crate parses arguments, grants the sandbox what
//! it may touch, and prints its reports. The sandbox and the grants are public so that tests
//! (and other embedders) can run a component under exactly the same rules.

pub mod bindings;
mod child;
mod cli;
mod commands;
mod compiled;
mod engine_config;
mod epoch;
mod exit;
mod files;
pub mod grants;
mod io;
mod names;
mod platform;
mod reading;
mod render;
mod runnable;
pub mod sandbox;
mod state;
mod timings;

use std::process::ExitCode;

use anyhow::{Context, Result};

use cli::{Cli, Command};
use exit::Exit;
use io::Io;

/// The command line, from arguments to exit code.
pub fn main() -> ExitCode {
    timings::mark("main");
    platform::startup::one_arena();
    platform::crash::guard_secrets();
    std::panic::set_hook(Box::new(report_panic));
    let mut io = Io::system();
    let cli = match cli::parse(&mut io) {
        Ok(cli) => cli,
        Err(exit) => return exit.into(),
    };
    io.set_color(cli.color);
    timings::mark("parsed");
    let exit = match run(&cli, &mut io) {
        Ok(exit) => exit,
        Err(error) => {
            io::errln!(io, "error: {error:#}");
            Exit::Internal
        }
    };
    timings::report();
    exit.into()
}

/// A panic says where it happened and nothing else: its message might hold a key.
pub fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    io::stderr_anyway(format_args!(
        "internal error: qianwen-auth stopped{place}. This is a bug; its message is withheld \
         because it might hold a key.\n"
    ));
}

fn run(cli: &Cli, io: &mut Io) -> Result<Exit> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    match &cli.command {
        Command::Status(args) => commands::status(&cwd, args, io),
        Command::Verify(args) => commands::verify(&cwd, args, io),
        Command::Init(args) => commands::init(&cwd, args, io),
        Command::Tokenplan(args) => commands::tokenplan(&cwd, args, io),
        Command::Links(args) => commands::links(&cwd, args, io),
        Command::AgentSnippet(args) => commands::agent_snippet(&cwd, args, io),
        Command::UpdateCheck(args) => commands::update_check(&cwd, args, io),
        Command::Completions(args) => commands::completions(args.shell, io),
        Command::Capabilities(args) => commands::capabilities(&cwd, args, io),
        Command::Component(args) => commands::component(&cwd, args, io),
        Command::Version => commands::version(io),
        Command::Man => commands::man(io),
    }
}
