//! `capabilities`: what the component can touch, for auditors. The imports are read from the
//! embedded component itself; each is described here, and a test fails when an import has no
//! description or a description no import.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::bindings::exports::qianwen::auth::types::Options;
use crate::cli::CapabilitiesArgs;
use crate::exit::Exit;
use crate::grants::{self, AllowedHost, EvidenceDir, Grants};
use crate::io::{Io, out};
use crate::platform;
use crate::render::json;
use crate::sandbox::{MEMORY_LIMIT, POLICY_BUDGET, Sandbox};
use qianwen_auth_facts::limits;

/// What is granted through some of the component's imports: one entry of the world's
/// capability list.
pub struct Capability {
    /// The interfaces, without versions; `PACKAGE/*` for all of a package's.
    pub imports: &'static [&'static str],
    pub grant: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/capabilities.rs"));

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

/// The capability an import (with or without its version) belongs to.
pub fn capability(import: &str) -> Option<&'static Capability> {
    let name = import.split('@').next().unwrap_or(import);
    CAPABILITIES.iter().find(|c| {
        c.imports.iter().any(|i| match i.strip_suffix('*') {
            Some(package) => name.starts_with(package),
            None => *i == name,
        })
    })
}

/// `capabilities`: what the component imports and what this host grants here and now.
pub fn capabilities(cwd: &Path, args: &CapabilitiesArgs, io: &mut Io) -> Result<Exit> {
    let sandbox = Sandbox::new()?;
    let imports = sandbox
        .imports()
        .into_iter()
        .map(|name| Import {
            grant: capability(&name).map_or("(undocumented)", |c| c.grant),
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
    if let Some(exit) = super::refuse_key_arguments(io, &mut instance, &screened)? {
        return Ok(exit);
    }
    // Which .env files are read is the policy's own rule: ask it.
    let status = instance.status(&Options {
        system: platform::SYSTEM,
        region: None,
        granted_hosts: Vec::new(),
        request_time_limit_ms: 0,
        verification_time_limit_ms: 0,
    })?;
    let (evidence_dir, evidence_refused) = match EvidenceDir::would_write_in(cwd, &args.output) {
        Ok(dir) => (Some(dir), None),
        Err(why) => (None, Some(instance.scrub_one(&why)?)),
    };
    let report = Report {
        schema: json::SCHEMA,
        command: "capabilities",
        imports,
        environment,
        dotenv_files: status.dotenv_files.into_iter().map(|d| d.path).collect(),
        evidence_dir,
        evidence_refused,
        allowed_hosts: allowed_hosts(&args.allow_host),
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

/// The hosts `verify` may reach with these grants: DashScope's on 443, and those granted.
fn allowed_hosts(granted: &[AllowedHost]) -> Vec<String> {
    qianwen_auth_facts::endpoints::REGIONS
        .iter()
        .map(|r| format!("{}:443", r.host))
        .chain(granted.iter().map(ToString::to_string))
        .collect()
}

fn human(r: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "The policy component imports (read from the component itself):"
    );
    imports(&mut out, &r.imports);
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
        "  - Limits: {} MiB of memory; {} s per call that sends nothing (verify: {} x --timeout \
         + {} s)",
        r.memory_limit_mib,
        r.call_time_limit_s,
        limits::VERIFY_IN_LIMITS,
        limits::VERIFY_SLACK_SECONDS
    );
    let _ = writeln!(out, "\nNever granted:");
    for never in r.never {
        let _ = writeln!(out, "  - {never}");
    }
    out
}

/// Each capability's text once, under the names of the imports it covers.
fn imports(out: &mut String, imports: &[Import]) {
    use std::fmt::Write;
    let mut shown: Vec<&str> = Vec::new();
    for i in imports {
        if shown.contains(&i.grant) {
            continue;
        }
        shown.push(i.grant);
        let names: Vec<&str> = imports
            .iter()
            .filter(|j| j.grant == i.grant)
            .map(|j| j.name.as_str())
            .collect();
        let _ = writeln!(out, "  - {}:", names.join(", "));
        for line in wrap(i.grant, WIDTH) {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// How wide a grant's text is set.
const WIDTH: usize = 88;

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use qianwen_auth_facts::reference;

    /// Adding an import fails here until the WIT world lists it, and an entry of the list
    /// that is no longer imported fails too.
    #[test]
    fn every_import_is_listed_in_the_wit_and_every_listed_one_imported() {
        let imports = Sandbox::new().unwrap().imports();
        for import in &imports {
            assert!(
                capability(import).is_some(),
                "{import} is not in the WIT's list"
            );
        }
        for c in CAPABILITIES {
            for listed in c.imports {
                let found = match listed.strip_suffix('*') {
                    Some(package) => imports.iter().any(|i| i.starts_with(package)),
                    None => imports.iter().any(|i| i.split('@').next() == Some(listed)),
                };
                assert!(
                    found,
                    "the WIT lists {listed}, which the component does not import"
                );
            }
        }
    }

    #[test]
    fn grants_are_wrapped_at_spaces_without_losing_a_word() {
        let text = "one two three four-five-six seven";
        let lines = wrap(text, 9);
        assert_eq!(lines, ["one two", "three", "four-five-six", "seven"]);
        assert_eq!(lines.join(" "), text);
    }

    /// `docs/reference/capabilities.md`: the WIT package, and the world's capability list as
    /// a table.
    #[test]
    fn reference_capabilities() {
        let rows = CAPABILITIES.iter().map(|c| {
            let imports: Vec<String> = c.imports.iter().map(|i| format!("`{i}`")).collect();
            vec![imports.join(", "), c.grant.to_string()]
        });
        let text = format!(
            "# What the component may touch\n\nThe WIT package is `{}`. The component's imports are its capabilities: the host\ndefines exactly these in its linker, so a component asking for more does not instantiate.\n`qianwen-auth capabilities` prints the same list, read from the component itself.\n\n{}",
            crate::bindings::PACKAGE,
            reference::table(&["imports", "what is granted"], rows)
        );
        reference::check_file("docs/reference/capabilities.md", &text);
    }
}
