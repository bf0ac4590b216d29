//! `update-check`: the host finds (the skill's file, the programs, the reminder's state) and
//! judges what may run, the component decides, and the host records the answer and runs what
//! the user asked it to run.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use super::{reading_only, refuse_key_arguments, shown};
use crate::bindings::exports::qianwen::auth::update_check::{
    LocatedProgram, SkippedSkill, UpdateAnswer, UpdateInput, UpdateReport, UpdateState,
};
use crate::child;
use crate::cli::{UpdateCheckArgs, UpdateChoice};
use crate::exit::Exit;
use crate::grants::ProjectFiles;
use crate::io::{Io, err, errln, out};
use crate::platform::children;
use crate::render::{self, Ran, json};
use crate::runnable;
use crate::sandbox::Instance;
use crate::state::{StateError, StateFile};

/// The programs the update check's commands name.
const PROGRAMS: [&str; 2] = ["python3", "npx"];

/// `update-check`: the skill's checker, or the reminder and its answer. The host finds, the
/// component decides, then the host asks (at a terminal), records, runs and reports: the
/// command's steps in their order, each one call, read best whole.
pub fn update_check(cwd: &Path, args: &UpdateCheckArgs, io: &mut Io) -> Result<Exit> {
    let mut instance = reading_only(cwd)?;
    if let Some(dir) = &args.skills_dir
        && let Some(exit) =
            refuse_key_arguments(io, &mut instance, &[("--skills-dir", shown(dir))])?
    {
        return Ok(exit);
    }
    let Found {
        mut input,
        state,
        search_path,
        problems,
    } = find(cwd, args, &mut instance)?;
    let mut report = instance.update_check(&input)?;
    let json = args.format.json;
    if let UpdateState::Asked(choices) = &report.state
        && input.answer.is_none()
        && !json
        && io.terminal.stdin
        && let Some(answer) = ask(io, &report.message, choices)?
    {
        input.answer = Some(answer);
        report = instance.update_check(&input)?;
    }
    let (place, mut warnings) = scrubbed(&mut instance, &state, problems, &report)?;

    // Installing dismisses the reminder only once the install has succeeded.
    let installing = matches!(
        report.state,
        UpdateState::Answered((UpdateAnswer::Install, _))
    );
    let mut recorded = false;
    if !installing {
        match record(io, &mut instance, &state, report.save.as_deref())? {
            Some(saved) => recorded = saved,
            None => return Ok(Exit::Internal),
        }
    }
    let ran = run_if_asked(io, &mut instance, &report.state, args, &search_path)?;
    if args.run && ran.is_none() {
        warnings.push(
            "--run: there is nothing to run until the skill is installed or 1 is chosen".into(),
        );
    }
    if installing && ran.as_ref().is_some_and(Ran::succeeded) {
        match record(io, &mut instance, &state, report.save.as_deref())? {
            Some(saved) => recorded = saved,
            None => return Ok(Exit::Internal),
        }
    }

    let exit = match &ran {
        Some(ran) if !ran.succeeded() => Exit::CommandFailed,
        _ => Exit::Ok,
    };
    let done = Done {
        report: &report,
        warnings: &warnings,
        place: place.as_deref(),
        ran: ran.as_ref(),
        recorded,
        skipped: &input.skipped,
        exit,
    };
    done.print(io, json)?;
    Ok(exit)
}

/// How the check ended, for people or as JSON.
struct Done<'a> {
    report: &'a UpdateReport,
    warnings: &'a [String],
    /// Where the reminder's state is kept.
    place: Option<&'a str>,
    ran: Option<&'a Ran>,
    recorded: bool,
    skipped: &'a [SkippedSkill],
    exit: Exit,
}

impl Done<'_> {
    fn print(&self, io: &mut Io, json: bool) -> Result<()> {
        if json {
            let out = json::Update::new(
                self.report,
                self.warnings,
                self.place,
                self.ran,
                self.recorded,
                self.skipped,
                self.exit.code(),
            );
            return Ok(json::print(io, &out)?);
        }
        io.write_text(&render::update(
            self.report,
            self.place,
            self.ran,
            self.recorded,
            io.style,
        ))?;
        if let Some(ran) = self.ran
            && !ran.stderr.is_empty()
        {
            err!(io, "{}", ran.stderr);
        }
        for warning in self.warnings {
            errln!(io, "warning: {warning}");
        }
        Ok(())
    }
}

/// What the host found for the component to decide on.
struct Found {
    input: UpdateInput,
    /// Where the reminder's state is kept, or why it cannot be.
    state: Result<StateFile, StateError>,
    /// The directories programs are looked for in.
    search_path: Vec<PathBuf>,
    /// What went wrong on the way, in words from outside the component (not yet scrubbed).
    problems: Vec<String>,
}

/// The skill the component's search names, the programs its commands need, and the reminder's
/// state, with the user's answer and `--force`.
fn find(cwd: &Path, args: &UpdateCheckArgs, instance: &mut Instance) -> Result<Found> {
    let mut problems = Vec::new();
    let text = |path: &Path| path.to_string_lossy().into_owned();
    let named = args.skills_dir.as_ref().map(|dir| {
        let path = cwd.join(dir);
        match std::fs::canonicalize(&path) {
            Ok(real) if real.is_dir() => text(&real),
            _ => {
                let shown = crate::platform::paths::display(dir);
                problems.push(format!("--skills-dir {shown} is not a directory"));
                text(&path)
            }
        }
    });
    let home_dir = dirs::home_dir();
    let home = home_dir.as_deref().map(text);
    let search = instance.skill_search(
        &ProjectFiles::new(cwd).ancestors(),
        home.as_deref(),
        named.as_deref(),
    )?;
    let (found, skipped) = first_trusted(&search.candidates);
    let (search_path, programs) = programs(search.repository.as_deref(), home_dir.as_deref());

    let state = StateFile::locate(search.repository.as_deref().map(Path::new));
    let state_file = match &state {
        Ok(state) => state.read().unwrap_or_else(|why| {
            problems.push(why.to_string());
            None
        }),
        Err(why) => {
            problems.push(why.to_string());
            None
        }
    };
    let input = UpdateInput {
        found,
        searched: search.candidates,
        skipped,
        programs,
        state_file,
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        answer: args.answer.map(update_answer),
        force: args.force,
    };
    Ok(Found {
        input,
        state,
        search_path,
        problems,
    })
}

/// Where programs may be run from, and where each of `PROGRAMS` is found there. Programs are
/// looked for outside the repository, which a clone chooses; unless the repository holds the
/// home directory (the user's own files kept in git).
fn programs(repository: Option<&str>, home: Option<&Path>) -> (Vec<PathBuf>, Vec<LocatedProgram>) {
    let outside: Vec<PathBuf> = repository
        .map(PathBuf::from)
        .filter(|repo| !home.is_some_and(|home| home.starts_with(repo)))
        .into_iter()
        .collect();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let search_path = runnable::search_path(&path, &outside);
    let programs = PROGRAMS
        .iter()
        .map(|name| LocatedProgram {
            name: name.to_string(),
            found: runnable::locate(name, &search_path)
                .map(|p| p.to_string_lossy().into_owned())
                .map_err(|why| why.to_string()),
        })
        .collect();
    (search_path, programs)
}

/// Where the reminder's state is kept, and the warnings: the component's, then the problems
/// met on the way. Paths and reasons from outside the component pass the scrubber first.
fn scrubbed(
    instance: &mut Instance,
    state: &Result<StateFile, StateError>,
    problems: Vec<String>,
    report: &UpdateReport,
) -> Result<(Option<String>, Vec<String>)> {
    let place = state
        .as_ref()
        .ok()
        .map(|s| crate::platform::paths::display(&s.path()));
    let mut texts = problems;
    texts.extend(place.clone());
    let mut scrubbed = instance.scrub(&texts)?;
    let place = place.and(scrubbed.pop());
    let mut warnings = report.warnings.clone();
    warnings.extend(scrubbed);
    Ok((place, warnings))
}

/// Write the reminder's new state, if the component gave one: whether it was written, or none
/// when it could not be (said on stderr), which ends the command.
fn record(
    io: &mut Io,
    instance: &mut Instance,
    state: &Result<StateFile, StateError>,
    save: Option<&str>,
) -> Result<Option<bool>> {
    let Some(text) = save else {
        return Ok(Some(false));
    };
    let saved = match state {
        Ok(state) => state.save(text).map_err(|why| why.to_string()),
        Err(why) => Err(why.to_string()),
    };
    match saved {
        Ok(()) => Ok(Some(true)),
        Err(why) => {
            let why = instance.scrub_one(&why)?;
            errln!(
                io,
                "error: the answer could not be recorded: {why}; nothing was recorded or run"
            );
            Ok(None)
        }
    }
}

/// With `--run`, the command the state names (the checker, or what the answer runs).
fn run_if_asked(
    io: &mut Io,
    instance: &mut Instance,
    state: &UpdateState,
    args: &UpdateCheckArgs,
    search_path: &[PathBuf],
) -> Result<Option<Ran>> {
    let command = match state {
        UpdateState::Installed(checker) => Some(checker),
        UpdateState::Answered((_, command)) => command.as_ref(),
        UpdateState::Asked(_) | UpdateState::Quiet => None,
    };
    let Some(command) = command.filter(|_| args.run) else {
        return Ok(None);
    };
    if !args.format.json {
        errln!(io, "Running {} ...", command.shown);
    }
    Ok(Some(run(
        instance,
        command,
        &runnable::joined(search_path),
        Duration::from_secs(args.timeout),
    )?))
}

fn update_answer(choice: UpdateChoice) -> UpdateAnswer {
    match choice {
        UpdateChoice::Install => UpdateAnswer::Install,
        UpdateChoice::Skip => UpdateAnswer::Skip,
        UpdateChoice::Never => UpdateAnswer::Never,
    }
}

/// Ask for 1, 2 or 3 at the terminal, after `message`; none when no valid answer comes.
fn ask(
    io: &mut Io,
    message: &str,
    choices: &[crate::bindings::exports::qianwen::auth::update_check::UpdateChoice],
) -> Result<Option<UpdateAnswer>> {
    out!(io, "{message}\n{}", render::update_question(choices))?;
    let choices: Vec<(u8, UpdateAnswer)> = choices.iter().map(|c| (c.number, c.answer)).collect();
    io.choose(&choices).context("reading the answer")
}

/// The first candidate that is there and trusted (`runnable::trusted`: its `SKILL.md` and its
/// checker), and those that are there but were not.
fn first_trusted(candidates: &[String]) -> (Option<String>, Vec<SkippedSkill>) {
    let mut skipped = Vec::new();
    for candidate in candidates {
        let skill = Path::new(candidate);
        if !skill.is_file() {
            continue;
        }
        let checker = skill.with_file_name("scripts").join("check_update.py");
        let judged = runnable::trusted(skill).and_then(|()| {
            if checker.exists() {
                runnable::trusted(&checker)
            } else {
                Ok(())
            }
        });
        match judged {
            Ok(()) => return (Some(candidate.clone()), skipped),
            Err(why) => skipped.push(SkippedSkill {
                path: candidate.clone(),
                why: why.to_string(),
            }),
        }
    }
    (None, skipped)
}

/// Run `command` with only the variables a program needs (`child::environment`), in the home
/// directory (not the repository, whose configuration npm would read), and make what it printed
/// fit to show. A program that was not found where it may run is not run.
fn run(
    instance: &mut Instance,
    command: &crate::bindings::exports::qianwen::auth::update_check::Command,
    path: &std::ffi::OsStr,
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
    let program = Path::new(&command.program);
    if !program.is_absolute() {
        ran.error = Some(format!(
            "{} was not found where it may be run (see the warnings)",
            command.program
        ));
        return Ok(ran);
    }
    let home = dirs::home_dir()
        .filter(|home| home.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    children::adopt_orphans();
    let env = child::environment(path);
    match child::run(program, &command.args, &home, &env, limit) {
        Ok(done) => {
            let texts = [
                String::from_utf8_lossy(&done.stdout.bytes).into_owned(),
                String::from_utf8_lossy(&done.stderr.bytes).into_owned(),
            ];
            let mut scrubbed = instance.sanitize_output(&texts)?.into_iter();
            ran.stdout = scrubbed.next().unwrap_or_default();
            ran.stderr = scrubbed.next().unwrap_or_default();
            ran.code = done.code;
            ran.timed_out = done.timed_out;
            ran.elapsed_ms = done.elapsed.as_millis() as u64;
            ran.dropped = done.stdout.dropped + done.stderr.dropped;
        }
        Err(e) => ran.error = Some(instance.scrub_one(&e)?),
    }
    Ok(ran)
}
