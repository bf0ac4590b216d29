//! Each command: build the grants, run the component, render its report, pick the exit code.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::cli::{StatusArgs, VerifyArgs};
use crate::exit::Exit;
use crate::grants::{EvidenceDir, Grants, Limits, Network};
use crate::render::{self, json, style::Style};
use crate::sandbox::Sandbox;
use crate::sandbox::bindings::exports::qianwen::auth::types::{StatusOptions, VerifyOptions};

/// How long connecting may take, at most; the total limit is `--timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub fn status(cwd: &Path, args: &StatusArgs, style: Style) -> Result<Exit> {
    let mut instance = Sandbox::new()?.instantiate(Grants::for_cwd(cwd))?;
    let report = instance.status(&StatusOptions {
        region: args.region.clone(),
        granted_hosts: Vec::new(),
    })?;
    let exit = Exit::for_verdict(report.verdict);
    if args.format.json {
        json::print(&json::Status::new(&report, exit as u8));
    } else {
        print!("{}", render::status(&report, style));
    }
    Ok(exit)
}

pub fn verify(cwd: &Path, args: &VerifyArgs, style: Style) -> Result<Exit> {
    let evidence = match EvidenceDir::new(cwd, &args.output) {
        Ok(dir) => dir,
        Err(why) => {
            eprintln!("error: no evidence can be written: {why}");
            return Ok(Exit::Usage);
        }
    };
    let total = Duration::from_secs(args.timeout);
    let mut grants = Grants::for_cwd(cwd);
    grants.evidence = Some(evidence);
    grants.network = Network::new(
        args.allow_host.clone(),
        Limits {
            connect: CONNECT_TIMEOUT.min(total),
            total,
        },
    );
    let granted: Vec<String> = args.allow_host.iter().map(ToString::to_string).collect();
    let mut instance = Sandbox::new()?.instantiate(grants)?;
    let spinner = (!args.format.json).then(|| render::Spinner::start("Verifying the API key"));
    let report = instance.verify(&VerifyOptions {
        region: args.region.clone(),
        granted_hosts: granted.clone(),
    });
    drop(spinner);
    let report = report?;
    let refusals = instance.refusals();
    let exit = Exit::for_outcome(report.outcome);
    if args.format.json {
        json::print(&json::Verify::new(
            &report,
            &granted,
            &refusals,
            args.timeout,
            exit as u8,
        ));
    } else {
        print!("{}", render::verify(&report, &granted, &refusals, style));
    }
    if let Some(why) = &report.evidence_error {
        eprintln!("warning: the evidence record was not written: {why}");
    }
    Ok(exit)
}
