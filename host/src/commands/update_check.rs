//! `update-check`: the host finds (the skill's file, the reminder's state), the component
//! decides, and the host records the answer and runs what the user asked it to run.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use super::{reading_only, screen, shown};
use crate::bindings::exports::qianwen::auth::types::{UpdateAnswer, UpdateInput, UpdateState};
use crate::child;
use crate::cli::{UpdateCheckArgs, UpdateChoice};
use crate::exit::Exit;
use crate::grants::ProjectFiles;
use crate::io::{Io, err, errln, out};
use crate::names::Named;
use crate::render::{self, Ran, json};
use crate::sandbox::Instance;
use crate::state::StateFile;
use crate::terminal;
use qianwen_auth_facts::variables::GRANTED;

/// `update-check`: the skill's checker, or the reminder and its answer.
pub fn update_check(cwd: &Path, args: &UpdateCheckArgs, io: &mut Io) -> Result<Exit> {
    let mut instance = reading_only(cwd)?;
    if let Some(dir) = &args.skills_dir
        && let Some(exit) = screen(io, &mut instance, &[("--skills-dir", shown(dir))])?
    {
        return Ok(exit);
    }
    let mut problems = Vec::new();
    let text = |path: &Path| path.to_string_lossy().into_owned();
    let named = args.skills_dir.as_ref().map(|dir| {
        let path = cwd.join(dir);
        match std::fs::canonicalize(&path) {
            Ok(real) if real.is_dir() => text(&real),
            _ => {
                problems.push(format!("--skills-dir {} is not a directory", text(dir)));
                text(&path)
            }
        }
    });
    let home = dirs::home_dir().map(|home| text(&home));
    let search = instance.skill_search(
        &ProjectFiles::new(cwd).ancestors(),
        home.as_deref(),
        named.as_deref(),
    )?;
    let found = search
        .candidates
        .iter()
        .find(|candidate| Path::new(candidate).is_file())
        .cloned();

    let state = StateFile::locate(search.repository.as_deref().map(Path::new));
    let state_file = match &state {
        Ok(state) => state.read().unwrap_or_else(|why| {
            problems.push(why);
            None
        }),
        Err(why) => {
            problems.push(why.clone());
            None
        }
    };
    let mut input = UpdateInput {
        found,
        searched: search.candidates,
        state_file,
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        answer: args.answer.map(update_answer),
        force: args.force,
    };
    let mut report = instance.update_check(&input)?;
    let json = args.format.json;
    if let UpdateState::Asked(choices) = &report.state
        && input.answer.is_none()
        && !json
        && io.terminal.stdin
    {
        out!(
            io,
            "{}\n{}",
            report.message,
            render::update_question(choices)
        )?;
        if let Some(answer) = ask(io, choices)? {
            input.answer = Some(answer);
            report = instance.update_check(&input)?;
        }
    }

    // Paths and reasons from outside the component pass the scrubber before they are shown.
    let place = state
        .as_ref()
        .ok()
        .map(|s| s.path().to_string_lossy().into_owned());
    let mut shown_texts = problems.clone();
    shown_texts.extend(place.clone());
    let mut scrubbed = instance.scrub(&shown_texts)?;
    let place = place.and(scrubbed.pop());
    let mut warnings = report.warnings.clone();
    warnings.extend(scrubbed);

    if let Some(text) = &report.save {
        let saved = state
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|s| s.save(text));
        if let Err(why) = saved {
            let why = instance.scrub_one(&why)?;
            errln!(
                io,
                "error: the answer could not be recorded: {why}; nothing was recorded or run"
            );
            return Ok(Exit::Internal);
        }
    }

    let command = match &report.state {
        UpdateState::Installed(checker) => Some(checker),
        UpdateState::Answered((_, command)) => command.as_ref(),
        UpdateState::Asked(_) | UpdateState::Quiet => None,
    };
    let ran = match command {
        Some(command) if args.run => {
            if !json && io.terminal.stderr {
                errln!(io, "Running {} ...", command.shown);
            }
            Some(run(
                &mut instance,
                cwd,
                command,
                Duration::from_secs(args.timeout),
            )?)
        }
        _ => None,
    };
    if args.run && ran.is_none() {
        warnings.push(
            "--run: there is nothing to run until the skill is installed or 1 is chosen".into(),
        );
    }

    let exit = match &ran {
        Some(ran) if !ran.succeeded() => Exit::CommandFailed,
        _ => Exit::Ok,
    };
    if json {
        let out = json::Update::new(
            &report,
            &warnings,
            place.as_deref(),
            ran.as_ref(),
            exit.code(),
        );
        json::print(io, &out)?;
    } else {
        out!(
            io,
            "{}",
            render::update(&report, place.as_deref(), ran.as_ref(), io.style)
        )?;
        if let Some(ran) = &ran
            && !ran.stderr.is_empty()
        {
            err!(io, "{}", ran.stderr);
        }
        for warning in &warnings {
            errln!(io, "warning: {warning}");
        }
    }
    Ok(exit)
}

fn update_answer(choice: UpdateChoice) -> UpdateAnswer {
    match choice {
        UpdateChoice::Install => UpdateAnswer::Install,
        UpdateChoice::Skip => UpdateAnswer::Skip,
        UpdateChoice::Never => UpdateAnswer::Never,
    }
}

/// Ask for 1, 2 or 3 at the terminal; none when no valid answer comes.
fn ask(
    io: &mut Io,
    choices: &[crate::bindings::exports::qianwen::auth::types::UpdateChoice],
) -> Result<Option<UpdateAnswer>> {
    for _ in 0..3 {
        err!(io, "Answer 1, 2 or 3: ");
        let Some(line) = terminal::read_line().context("reading the answer")? else {
            return Ok(None);
        };
        let chosen = choices
            .iter()
            .find(|c| line == c.number.to_string() || line.eq_ignore_ascii_case(c.answer.name()));
        if let Some(choice) = chosen {
            return Ok(Some(choice.answer));
        }
    }
    Ok(None)
}

/// Run `command` without the variables the policy reads (keys and OSS credentials among them),
/// and make what it printed fit to show.
fn run(
    instance: &mut Instance,
    cwd: &Path,
    command: &crate::bindings::exports::qianwen::auth::types::Command,
    limit: Duration,
) -> Result<Ran> {
    let argv: Vec<String> = std::iter::once(command.program.clone())
        .chain(command.args.iter().cloned())
        .collect();
    let mut ran = Ran {
        argv,
        shown: command.shown.clone(),
        code: None,
        timed_out: false,
        error: None,
        stdout: String::new(),
        stderr: String::new(),
        elapsed_ms: 0,
        dropped: 0,
    };
    match child::run(&command.program, &command.args, cwd, &GRANTED, limit) {
        Ok(done) => {
            let texts = [
                String::from_utf8_lossy(&done.stdout.bytes).into_owned(),
                String::from_utf8_lossy(&done.stderr.bytes).into_owned(),
            ];
            let mut scrubbed = instance.relay(&texts)?.into_iter();
            ran.stdout = scrubbed.next().unwrap_or_default();
            ran.stderr = scrubbed.next().unwrap_or_default();
            ran.code = done.code;
            ran.timed_out = done.timed_out;
            ran.elapsed_ms = done.elapsed.as_millis() as u64;
            ran.dropped = done.stdout.dropped + done.stderr.dropped;
        }
        Err(e) => ran.error = Some(instance.scrub_one(&e.to_string())?),
    }
    Ok(ran)
}
