//! `capabilities`: what the component can touch, for auditors. The imports are read from the
//! embedded component itself; each is described here, and a test fails when an import has no
//! description or a description no import.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::bindings::exports::qianwen::auth::types::Options;
use crate::cli::CapabilitiesArgs;
use crate::commands;
use crate::exit::Exit;
use crate::grants::{self, EvidenceDir, Grants};
use crate::io::{Io, out};
use crate::render::json;
use crate::sandbox::{MEMORY_LIMIT, POLICY_BUDGET, Sandbox};

/// Each interface the component may import (without its version), and what the host grants
/// through it.
pub const IMPORTS: [(&str, &str); 17] = [
    (
        "qianwen:auth/project",
        ".env and .gitignore in the current directory and its ancestors, read-only, at most 1 MiB, no symlink out of their directory",
    ),
    (
        "qianwen:auth/evidence",
        "files with plain names in <output>/qianwen-ops-auth/, written atomically (verify only)",
    ),
    (
        "qianwen:auth/setup",
        "a line appended to ./.env or ./.gitignore, or one stated line replaced (init only)",
    ),
    (
        "wasi:cli/environment",
        "the granted environment variables, no others",
    ),
    (
        "wasi:http/outgoing-handler",
        "HTTPS requests to the allowed hosts only, no redirects, time-limited (verify only)",
    ),
    (
        "wasi:http/types",
        "the request and response values of wasi:http",
    ),
    ("wasi:clocks/wall-clock", "the time, for evidence records"),
    (
        "wasi:clocks/monotonic-clock",
        "latency, and the pause before a retry",
    ),
    ("wasi:cli/stdin", "closed"),
    ("wasi:cli/stdout", "a sink: nothing printed reaches you"),
    (
        "wasi:cli/stderr",
        "captured and never shown, but for a panic's file:line",
    ),
    ("wasi:cli/exit", "ends the component, not the host"),
    ("wasi:cli/terminal-input", "no terminal"),
    ("wasi:cli/terminal-output", "no terminal"),
    ("wasi:cli/terminal-stdin", "no terminal"),
    ("wasi:cli/terminal-stdout", "no terminal"),
    ("wasi:cli/terminal-stderr", "no terminal"),
];

/// Streams and polling for the interfaces above; described as a group.
const IO: &str = "wasi:io/";

/// What no command grants, whatever the component asks.
const NEVER: [&str; 4] = [
    "any other file (there is no wasi:filesystem import)",
    "sockets (there is no wasi:sockets import)",
    "any other environment variable",
    "any other host, plain http (but to a granted loopback host), redirects",
];

#[derive(Serialize)]
struct Import {
    name: String,
    grant: &'static str,
}

#[derive(Serialize)]
struct Variable {
    name: &'static str,
    set: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    schema: u32,
    command: &'static str,
    imports: Vec<Import>,
    environment: Vec<Variable>,
    dotenv_files: Vec<String>,
    evidence_dir: Option<String>,
    evidence_refused: Option<String>,
    allowed_hosts: Vec<String>,
    memory_limit_mib: usize,
    call_time_limit_s: u64,
    never: &'a [&'a str],
}

/// The grant an import stands for.
pub fn describe(import: &str) -> Option<&'static str> {
    let name = import.split('@').next().unwrap_or(import);
    if name.starts_with(IO) {
        return Some("streams and polling for the interfaces above");
    }
    IMPORTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, grant)| *grant)
}

pub fn run(cwd: &Path, args: &CapabilitiesArgs, io: &mut Io) -> Result<Exit> {
    let sandbox = Sandbox::new()?;
    let imports = sandbox
        .imports()
        .into_iter()
        .map(|name| Import {
            grant: describe(&name).unwrap_or("(undocumented)"),
            name,
        })
        .collect();
    let grants = Grants::for_cwd(cwd);
    let environment = grants::VARIABLES
        .iter()
        .map(|name| Variable {
            name,
            set: grants.environment.iter().any(|(n, _)| n == name),
        })
        .collect();
    let mut instance = sandbox.instantiate(grants)?;
    let mut screened = vec![("--output", args.output.to_string_lossy().into_owned())];
    screened.extend(
        args.allow_host
            .iter()
            .map(|g| ("--allow-host", g.to_string())),
    );
    if let Some(exit) = commands::screen(io, &mut instance, &screened)? {
        return Ok(exit);
    }
    // Which .env files are read is the policy's own rule: ask it.
    let status = instance.status(&Options {
        region: None,
        granted_hosts: Vec::new(),
        request_time_limit_ms: 0,
    })?;
    let (evidence_dir, evidence_refused) = match EvidenceDir::judge(cwd, &args.output) {
        Ok(dir) => (Some(dir), None),
        Err(why) => (None, Some(instance.scrub_one(&why)?)),
    };
    let mut allowed_hosts: Vec<String> = qianwen_auth_facts::endpoints::REGIONS
        .iter()
        .map(|r| format!("{}:443", r.host))
        .collect();
    allowed_hosts.extend(args.allow_host.iter().map(ToString::to_string));
    let report = Report {
        schema: json::SCHEMA,
        command: "capabilities",
        imports,
        environment,
        dotenv_files: status.dotenv_files.into_iter().map(|d| d.path).collect(),
        evidence_dir,
        evidence_refused,
        allowed_hosts,
        memory_limit_mib: MEMORY_LIMIT >> 20,
        call_time_limit_s: POLICY_BUDGET.as_secs(),
        never: &NEVER,
    };
    if args.format.json {
        json::print(io, &report)?;
    } else {
        out!(io, "{}", human(&report))?;
    }
    Ok(Exit::Ok)
}

fn human(r: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "The policy component imports (read from the component itself):"
    );
    let width = r.imports.iter().map(|i| i.name.len()).max().unwrap_or(0);
    for i in &r.imports {
        let _ = writeln!(out, "  {:width$}  {}", i.name, i.grant);
    }
    let _ = writeln!(out, "\nWhat this host grants, here and now:");
    let vars: Vec<String> = r
        .environment
        .iter()
        .map(|v| format!("{} ({})", v.name, if v.set { "set" } else { "not set" }))
        .collect();
    let _ = writeln!(out, "  - Environment variables: {}", vars.join(", "));
    let _ = writeln!(out, "  - .env files read: {}", r.dotenv_files.join(", "));
    match (&r.evidence_dir, &r.evidence_refused) {
        (Some(dir), _) => {
            let _ = writeln!(out, "  - Evidence directory (verify): {dir}");
        }
        (None, Some(why)) => {
            let _ = writeln!(out, "  - Evidence directory (verify): refused: {why}");
        }
        (None, None) => {}
    }
    let _ = writeln!(
        out,
        "  - Changes to ./.env and ./.gitignore: init only, lines added or one stated line replaced"
    );
    let _ = writeln!(
        out,
        "  - Outbound HTTPS (verify): {}",
        r.allowed_hosts.join(", ")
    );
    let _ = writeln!(
        out,
        "  - Limits: {} MiB of memory; {} s per call that sends nothing (verify: 3 x --timeout + 10 s)",
        r.memory_limit_mib, r.call_time_limit_s
    );
    let _ = writeln!(out, "\nNever granted:");
    for never in r.never {
        let _ = writeln!(out, "  - {never}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding an import fails here until it is described, and a description of something no
    /// longer imported fails too.
    #[test]
    fn every_import_is_described_and_every_description_imported() {
        let imports = Sandbox::new().unwrap().imports();
        for import in &imports {
            assert!(describe(import).is_some(), "{import} has no description");
        }
        for (name, _) in IMPORTS {
            assert!(
                imports.iter().any(|i| i.split('@').next() == Some(name)),
                "{name} is described but not imported"
            );
        }
    }
}
