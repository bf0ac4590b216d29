//! Each command: build the grants, run the component, render its report, pick the exit code.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::bindings::exports::qianwen::auth::types::{
    Flow, InitOutcome, KeyReport, Options, VerifyReport,
};
use crate::cli::{
    CompletionShell, ComponentArgs, FormatArgs, InitArgs, LinksArgs, SnippetArgs, StatusArgs,
    VerifyArgs,
};

mod capabilities;
mod flow;
mod man;
mod update_check;
use crate::exit::{self, Exit};
use crate::files::{CannotChange, WritableDir};
use crate::grants::{EvidenceDir, Grants, Limits, Network, Proxies, SetupFiles};
use crate::io::{Io, errln, out, outln};
use crate::names::Named;
use crate::platform;
use crate::render::{self, json};
use crate::sandbox::{Instance, Sandbox};
use crate::timings;
pub use capabilities::capabilities;
pub use man::man;
pub use update_check::update_check;

/// How long connecting may take, at most; the total limit is `--timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A file `agent-snippet --write` will edit is at most this large.
const MAX_SNIPPET_TARGET: u64 = 1024 * 1024;

/// The component with no grants beyond the environment and the project files: enough for the
/// pure policy and for `status`.
fn reading_only(cwd: &Path) -> Result<Instance> {
    Sandbox::new()?.instantiate(Grants::for_cwd(cwd))
}

/// `status`: resolve the chain and report it; sends nothing.
pub fn status(cwd: &Path, args: &StatusArgs, io: &mut Io) -> Result<Exit> {
    let mut instance = reading_only(cwd)?;
    let granted: Vec<String> = args.allow_host.iter().map(ToString::to_string).collect();
    let screened: Vec<(&str, String)> = granted
        .iter()
        .map(|g| ("--allow-host", g.clone()))
        .collect();
    if let Some(exit) = refuse_key_arguments(io, &mut instance, &screened)? {
        return Ok(exit);
    }
    let report = instance.status(&Options {
        system: platform::SYSTEM,
        region: args.endpoint.region.clone(),
        granted_hosts: granted,
        request_time_limit_ms: 0,
        verification_time_limit_ms: 0,
    })?;
    timings::mark("guest");
    // The process ends next. Unmapping the sandbox's memory region by region first would only
    // delay that, on the path that people and agents run most.
    std::mem::forget(instance);
    let exit = exit::for_verdict(report.verdict);
    if args.format.json {
        json::print(io, &json::Status::new(&report, exit.code()))?;
    } else {
        io.write_text(&render::status(&report, io.style, args.verbose))?;
    }
    timings::mark("rendered");
    Ok(exit)
}

/// `verify`: send the verification request, write evidence, and walk the 401 flow.
pub fn verify(cwd: &Path, args: &VerifyArgs, io: &mut Io) -> Result<Exit> {
    let total = Duration::from_secs(args.timeout);
    let limits = Limits {
        connect: CONNECT_TIMEOUT.min(total),
        total,
    };
    let mut grants = Grants::for_cwd(cwd);
    grants.network = Network::new(
        args.allow_host.clone(),
        limits,
        Proxies::from_env(|name| std::env::var(name).ok()),
    );
    let mut instance = Sandbox::new()?.instantiate(grants)?;
    let granted: Vec<String> = args.allow_host.iter().map(ToString::to_string).collect();
    let mut screened: Vec<(&str, String)> = vec![("--output", shown(&args.output))];
    screened.extend(granted.iter().map(|g| ("--allow-host", g.clone())));
    if let Some(exit) = refuse_key_arguments(io, &mut instance, &screened)? {
        return Ok(exit);
    }
    if let Some(exit) = grant_evidence(cwd, args, io, &mut instance)? {
        return Ok(exit);
    }
    let options = Options {
        system: platform::SYSTEM,
        region: args.endpoint.region.clone(),
        granted_hosts: granted,
        request_time_limit_ms: millis(limits.total),
        verification_time_limit_ms: millis(limits.verification()),
    };
    let json = args.format.json;
    let first = io.spin(flow::VERIFYING, json, || instance.verify(&options))?;
    let mut dialogue = flow::Dialogue {
        io: &mut *io,
        instance: &mut instance,
        options: &options,
        json,
        verbose: args.verbose,
        given: args.answer.map(flow::answer),
    };
    let (report, previous) = dialogue.walk(first)?;

    let exit = exit::for_outcome(report.outcome);
    if json {
        let refusals = refusals(&mut instance)?;
        let granted = &options.granted_hosts;
        let mut out = json::Verify::new(&report, granted, &refusals, args.timeout, exit.code());
        out.previous = previous.as_ref().map(json::Previous::from);
        json::print(io, &out)?;
    } else {
        if previous.is_some() {
            outln!(io)?;
        }
        let again = previous.as_ref().map(|first| first.key.as_ref());
        show(io, &mut instance, &report, &options, args.verbose, again)?;
        if let Some(Flow::Asked(question)) = &report.flow {
            io.write_text(&render::flow_question(question, false))?;
        }
    }
    if let Some(why) = &report.evidence_error {
        errln!(io, "warning: the evidence record was not written: {why}");
    }
    Ok(exit)
}

/// Open the evidence directory and grant it, before anything is sent; when it cannot be
/// written, say so (nothing was sent) and end with the exit code.
fn grant_evidence(
    cwd: &Path,
    args: &VerifyArgs,
    io: &mut Io,
    instance: &mut Instance,
) -> Result<Option<Exit>> {
    match EvidenceDir::open(cwd, &args.output).and_then(|dir| dir.probe().map(|()| dir)) {
        Ok(dir) => {
            instance.grant_evidence(dir);
            Ok(None)
        }
        Err(why) => {
            let error = format!(
                "no evidence can be written: {}; nothing was sent",
                instance.scrub_one(&why)?
            );
            let next_step = "Name a directory where evidence may be written with --output DIR.";
            if args.format.json {
                json::print(
                    io,
                    &json::Refused::new("verify", &error, next_step, Exit::Usage),
                )?;
            }
            errln!(io, "error: {error}. {next_step}");
            Ok(Some(Exit::Usage))
        }
    }
}

/// A verification's report for people, with what the network grant refused so far.
fn show(
    io: &mut Io,
    instance: &mut Instance,
    report: &VerifyReport,
    options: &Options,
    verbose: bool,
    again: Option<Option<&KeyReport>>,
) -> Result<()> {
    let refused = refusals(instance)?;
    let shown = render::Shown {
        granted: &options.granted_hosts,
        refused: &refused,
        verbose,
        again,
        timeout: options.request_time_limit_ms / 1000,
    };
    io.write_text(&render::verify(report, &shown, io.style))?;
    Ok(())
}

/// What the network grant refused, in words that passed the scrubber: a refused request names
/// the host it was for.
fn refusals(instance: &mut Instance) -> Result<Vec<String>> {
    let refused = instance.refusals();
    instance.scrub(&refused)
}

/// Refuse option values that hold a secret or look like a key, as a key pasted in the wrong
/// place would: named by their option, never shown, and before anything is done.
pub fn refuse_key_arguments(
    io: &mut Io,
    instance: &mut Instance,
    values: &[(&str, String)],
) -> Result<Option<Exit>> {
    let texts: Vec<String> = values.iter().map(|(_, value)| value.clone()).collect();
    let held = instance.holds_key(&texts)?;
    for ((option, _), holds) in values.iter().zip(held) {
        if holds {
            errln!(
                io,
                "error: the value given to {option} holds a key, or something shaped like one; \
                 it is not shown, and nothing was done (qianwen-auth never takes a key as an \
                 argument)"
            );
            return Ok(Some(Exit::Usage));
        }
    }
    Ok(None)
}

/// A time limit as the component takes it.
fn millis(limit: Duration) -> u64 {
    u64::try_from(limit.as_millis()).unwrap_or(u64::MAX)
}

/// A path as typed, for screening and messages.
fn shown(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// `init`: add the placeholder (or the key piped in) and keep `.env` files out of git.
pub fn init(cwd: &Path, args: &InitArgs, io: &mut Io) -> Result<Exit> {
    let key = if args.key_stdin {
        let prompt = "Paste your API key and press Enter (it is not shown as you type): ";
        Some(
            io.read_secret_line(prompt)
                .context("reading the key from standard input")?,
        )
    } else {
        None
    };
    let setup = match SetupFiles::new(cwd, key.clone()) {
        Ok(setup) => setup,
        Err(why) => return refuse(io, &reading_only(cwd)?.scrub_one(&why)?),
    };
    let mut grants = Grants::for_cwd(cwd);
    grants.setup = Some(setup);
    let report = Sandbox::new()?
        .instantiate(grants)?
        .init(key.as_deref(), args.replace)?;
    let exit = match report.outcome {
        InitOutcome::Changed | InitOutcome::Unchanged => Exit::Ok,
        InitOutcome::KeyRefused | InitOutcome::KeyLineUnreadable => Exit::NoUsableKey,
        InitOutcome::PlanKeyRefused => Exit::PlanKey,
        InitOutcome::Failed => Exit::Internal,
    };
    if args.format.json {
        json::print(io, &json::Init::new(&report, exit.code()))?;
    } else {
        io.write_text(&render::init(&report, io.style))?;
    }
    Ok(exit)
}

/// `tokenplan`: the Token Plan facts.
pub fn tokenplan(cwd: &Path, args: &FormatArgs, io: &mut Io) -> Result<Exit> {
    let facts = reading_only(cwd)?.token_plan()?;
    if args.json {
        json::print(io, &json::TokenPlan::new(&facts))?;
    } else {
        out!(io, "{}", render::tokenplan(&facts, io.style))?;
    }
    Ok(Exit::Ok)
}

/// `links [TOPIC]`: the link table, or one topic's URL.
pub fn links(cwd: &Path, args: &LinksArgs, io: &mut Io) -> Result<Exit> {
    let all = reading_only(cwd)?.links()?;
    let chosen: Vec<_> = match &args.topic {
        None => all.iter().collect(),
        Some(topic) => all.iter().filter(|l| l.topic.name() == topic).collect(),
    };
    if chosen.is_empty() {
        let topics: Vec<&str> = all.iter().map(|l| l.topic.name()).collect();
        errln!(
            io,
            "error: no such topic; the topics are: {}",
            topics.join(", ")
        );
        return Ok(Exit::Usage);
    }
    if args.format.json {
        json::print(io, &json::Links::new(&chosen))?;
    } else if args.topic.is_some() {
        outln!(io, "{}", chosen[0].url)?;
    } else {
        // Two columns of words, padded, then the URLs, whose lengths vary most.
        let topics = chosen
            .iter()
            .map(|l| l.topic.name().len())
            .max()
            .unwrap_or(0);
        let titles = chosen
            .iter()
            .map(|l| l.title.chars().count())
            .max()
            .unwrap_or(0);
        for l in chosen {
            outln!(
                io,
                "{:topics$}  {:titles$}  {}",
                l.topic.name(),
                l.title,
                l.url
            )?;
        }
    }
    Ok(Exit::Ok)
}

/// `agent-snippet [--write FILE]`: the block for agent instruction files.
pub fn agent_snippet(cwd: &Path, args: &SnippetArgs, io: &mut Io) -> Result<Exit> {
    let mut instance = reading_only(cwd)?;
    let Some(target) = &args.write else {
        out!(io, "{}", instance.agent_snippet()?)?;
        return Ok(Exit::Ok);
    };
    if let Some(exit) = refuse_key_arguments(io, &mut instance, &[("--write", shown(target))])? {
        return Ok(exit);
    }
    let (place, name) = match WritableDir::for_file(cwd, target) {
        Ok(found) => found,
        Err(why) => return refuse(io, &instance.scrub_one(&why)?),
    };
    let shown = place.show(&name);
    let (existing, mode) = match place.existing(&name, MAX_SNIPPET_TARGET) {
        Ok(None) => (None, 0o644),
        Ok(Some((bytes, mode))) => match String::from_utf8(bytes) {
            Ok(text) => (Some(text), mode.unwrap_or(0o644)),
            Err(_) => return refuse(io, &format!("{shown} is not UTF-8 text")),
        },
        Err(CannotChange::Link) => {
            return refuse(
                io,
                &format!("{shown} is a symbolic link; name the file it points to"),
            );
        }
        Err(CannotChange::NotAFile) => {
            return refuse(io, &format!("{shown} is not a regular file"));
        }
        Err(CannotChange::TooLarge) => return refuse(io, &format!("{shown} is larger than 1 MiB")),
        Err(CannotChange::Io(e)) => return refuse(io, &format!("{shown} cannot be read: {e}")),
    };
    let updated = match instance.agent_snippet_apply(existing.as_deref())? {
        Ok(text) => text,
        Err(why) => return refuse(io, &format!("{shown}: {why}")),
    };
    if existing.as_deref() == Some(updated.as_str()) {
        outln!(
            io,
            "{shown} already holds the current block; nothing changed."
        )?;
        return Ok(Exit::Ok);
    }
    if let Err(e) = place.replace(&name, updated.as_bytes(), mode) {
        errln!(io, "error: {shown} could not be written: {e}");
        return Ok(Exit::Internal);
    }
    let how = match &existing {
        Some(text) if text.contains("<!-- QIANWEN_SKILLS -->") => {
            "replaced the block between the markers"
        }
        Some(_) => "appended the block after a blank line",
        None => "created it with the block",
    };
    outln!(io, "{shown}: {how}.")?;
    Ok(Exit::Ok)
}

fn refuse(io: &mut Io, why: &str) -> Result<Exit> {
    errln!(io, "error: {why}; nothing was changed");
    Ok(Exit::Usage)
}

/// `component --out FILE`: the embedded policy component, byte for byte, in a new file.
pub fn component(cwd: &Path, args: &ComponentArgs, io: &mut Io) -> Result<Exit> {
    let mut instance = reading_only(cwd)?;
    if let Some(exit) = refuse_key_arguments(io, &mut instance, &[("--out", shown(&args.out))])? {
        return Ok(exit);
    }
    let (place, name) = match WritableDir::for_file(cwd, &args.out) {
        Ok(found) => found,
        Err(why) => return refuse(io, &instance.scrub_one(&why)?),
    };
    let shown = place.show(&name);
    if place.contains(&name) {
        return refuse(io, &format!("{shown} exists; name a new file"));
    }
    let bytes = Sandbox::embedded();
    // Linked into place: an existing file is never replaced, even one that appeared just now.
    if let Err(e) = place.put(&name, bytes, 0o644, false) {
        errln!(io, "error: {shown} could not be written: {e}");
        return Ok(Exit::Internal);
    }
    outln!(
        io,
        "{shown}: the policy component, {} bytes (WIT package {}).",
        bytes.len(),
        crate::bindings::PACKAGE
    )?;
    Ok(Exit::Ok)
}

/// `completions SHELL`: a completion script.
pub fn completions(shell: CompletionShell, io: &mut Io) -> Result<Exit> {
    use clap::CommandFactory;
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
        CompletionShell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut command = crate::cli::Cli::command();
    let mut script = Vec::new();
    if shell == clap_complete::Shell::Bash {
        // clap_complete's bash script names a subcommand's branch one way and looks it up
        // another when the binary's name holds a hyphen, so that no flag after a subcommand
        // completes. Generated for a name without one, then registered for the real name.
        clap_complete::generate(shell, &mut command, "qianwen_auth", &mut script);
        let script = String::from_utf8_lossy(&script).replace(" qianwen_auth\n", " qianwen-auth\n");
        out!(io, "{script}")?;
    } else {
        clap_complete::generate(shell, &mut command, "qianwen-auth", &mut script);
        out!(io, "{}", String::from_utf8_lossy(&script))?;
    }
    Ok(Exit::Ok)
}

/// `version`: as `--version` prints it.
pub fn version(io: &mut Io) -> Result<Exit> {
    outln!(io, "qianwen-auth {}", env!("CARGO_PKG_VERSION"))?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests;
