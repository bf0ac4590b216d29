//! `qianwen-auth`: set up and check credentials for Alibaba's QianWen (DashScope) APIs. The
//! policy runs in a WebAssembly sandbox; this crate parses arguments, grants the sandbox what
//! it may touch, and prints its reports. The sandbox and the grants are public so that tests
//! (and other embedders) can run a component under exactly the same rules.

pub mod bindings;
mod capabilities;
mod cli;
mod commands;
mod compiled;
mod engine_config;
mod epoch;
mod exit;
mod files;
pub mod grants;
mod names;
mod output;
mod process;
mod render;
pub mod sandbox;
mod terminal;
mod timings;

use std::process::ExitCode;

use anyhow::{Context, Result};

use cli::{Cli, Command};
use exit::Exit;
use render::style::Style;

/// The command line, from arguments to exit code.
pub fn main() -> ExitCode {
    timings::mark("main");
    process::guard_secrets();
    std::panic::set_hook(Box::new(report_panic));
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(exit) => return exit.into(),
    };
    timings::mark("parsed");
    let exit = match run(&cli) {
        Ok(exit) => exit,
        Err(error) => {
            output::errln!("error: {error:#}");
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
    output::errln!(
        "internal error: qianwen-auth stopped{place}. This is a bug; its message is withheld \
         because it might hold a key."
    );
}

fn run(cli: &Cli) -> Result<Exit> {
    let style = Style::new(cli.color);
    let cwd = std::env::current_dir().context("reading the current directory")?;
    match &cli.command {
        Command::Status(args) => commands::status(&cwd, args, style),
        Command::Verify(args) => commands::verify(&cwd, args, style),
        Command::Init(args) => commands::init(&cwd, args, style),
        Command::Tokenplan(args) => commands::tokenplan(&cwd, args, style),
        Command::Links(args) => commands::links(&cwd, args),
        Command::AgentSnippet(args) => commands::agent_snippet(&cwd, args),
        Command::Completions(args) => commands::completions(args.shell),
        Command::Capabilities(args) => capabilities::run(&cwd, args),
        Command::Component(args) => commands::component(&cwd, args),
    }
}
