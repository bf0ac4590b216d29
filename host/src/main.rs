//! `qianwen-auth`: set up and check credentials for Alibaba's QianWen (DashScope) APIs. The
//! policy runs in a WebAssembly sandbox; this binary parses arguments, grants the sandbox what
//! it may touch, and prints its reports.

mod atomic;
mod cli;
mod commands;
mod exit;
mod grants;
mod render;
mod sandbox;
mod terminal;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use cli::{Cli, Command};
use exit::Exit;
use render::style::Style;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return cli::usage_error(&error).into(),
    };
    match run(&cli) {
        Ok(exit) => exit.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            Exit::Internal.into()
        }
    }
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
    }
}
