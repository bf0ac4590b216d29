//! `qianwen-auth`: set up and check credentials for Alibaba's QianWen (DashScope) APIs. The
//! policy runs in a WebAssembly sandbox; this binary parses arguments, grants the sandbox what
//! it may touch, and prints its reports.

mod cli;
mod exit;
mod grants;
mod render;
mod sandbox;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use cli::{Cli, Command};
use exit::Exit;
use render::style::Style;
use sandbox::bindings::exports::qianwen::auth::types::{StatusOptions, Verdict};

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
    match &cli.command {
        Command::Status(args) => {
            let cwd = std::env::current_dir().context("reading the current directory")?;
            let grants = grants::Grants::for_cwd(&cwd);
            let sandbox = sandbox::Sandbox::new()?;
            let mut instance = sandbox.instantiate(&grants)?;
            let report = instance.status(&StatusOptions {
                region: args.region.clone(),
                granted_hosts: Vec::new(),
            })?;
            let exit = match report.verdict {
                Verdict::Usable => Exit::Ok,
                Verdict::NoUsableKey => Exit::NoUsableKey,
                Verdict::PlanKey => Exit::PlanKey,
            };
            if args.output.json {
                render::json::print(&render::json::Status::new(&report, exit as u8));
            } else {
                print!("{}", render::status(&report, style));
            }
            Ok(exit)
        }
    }
}
