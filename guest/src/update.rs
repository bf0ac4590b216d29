//! docs/behaviour.md#update-check, the update check: where the `qianwen-update-check` skill may be,
//! the checker it brings, and, when it is missing, the reminder with its three choices and the
//! state they leave behind. Runs nothing and reads nothing: the caller finds, records and runs.
//! Only directories the user chose are looked in, never one the current directory or a cloned
//! repository could have put there, and each command names the file that would run.

use qianwen_auth_facts::text::one_line;

use crate::chain;
use crate::paths::join;
use crate::scrub::Scrubber;
use crate::scrub::reports::ScrubText;
use crate::time;
use crate::wit::project::Directory;
use crate::wit::update_check::{
    Command, LocatedProgram, Reminder, SkillCandidates, UpdateAnswer, UpdateChoice, UpdateInput,
    UpdateReport, UpdateState,
};

/// The skill this check looks for, as its directory is named.
const SKILL: &str = "qianwen-update-check";

/// Where agents load skills from under the home directory.
const HOME_SKILLS: [&str; 2] = [".claude/skills", ".agents/skills"];

/// How long "skip for now" (and installing) keeps the reminder quiet.
pub const DISMISSAL_SECONDS: u64 = 24 * 60 * 60;

/// The original skill's words for a missing skill.
const MISSING: &str = "The update-check skill is not installed. It keeps you informed about \
                       new QianWen-AI/qianwen-ai features and bug fixes.";

/// The install command, as the original skill gives it.
const INSTALL: [&str; 7] = [
    "npx",
    "skills",
    "add",
    "QianWen-AI/qianwen-ai",
    "--skill",
    SKILL,
    "-y",
];

/// The first line of the state file: what it is, and how to undo it.
const STATE_HEADER: &str =
    "# qianwen-auth: the update check's reminder. Delete this file to be asked again.";

/// The `SKILL.md` files to look for, in order, and the repository root (where the reminder's
/// state is never kept).
pub fn search(
    directories: &[Directory],
    home: Option<&str>,
    named: Option<&str>,
) -> SkillCandidates {
    // The repository reaches up to its `.git`; without one, to the chain's root.
    let top = directories
        .iter()
        .position(|d| d.has_git)
        .or_else(|| chain::repo_root(directories.iter().map(|d| (d.has_git, d.has_skills))));
    let mut skill_dirs: Vec<String> = named.map(str::to_string).into_iter().collect();
    if let Some(home) = home {
        skill_dirs.extend(HOME_SKILLS.iter().map(|dir| join(home, dir)));
    }
    let mut candidates: Vec<String> = Vec::new();
    for dir in skill_dirs {
        let file = join(&join(&dir, SKILL), "SKILL.md");
        if !candidates.contains(&file) {
            candidates.push(file);
        }
    }
    SkillCandidates {
        candidates,
        repository: top.map(|t| directories[t].path.clone()),
    }
}

/// The check, from what the caller found and what the user answered.
pub fn check(input: &UpdateInput) -> UpdateReport {
    let mut warnings = Vec::new();
    let recorded = match &input.state_file {
        None => Reminder::Due,
        Some(bytes) => read_state(bytes, input.now).unwrap_or_else(|why| {
            warnings.push(why);
            Reminder::Due
        }),
    };
    warnings.extend(input.skipped.iter().map(|skipped| {
        format!(
            "{} was not used: {}; only a skill that no one else can change is run",
            one_line(&skipped.path),
            one_line(&skipped.why)
        )
    }));
    let mut report = UpdateReport {
        searched: input.searched.clone(),
        skill: None,
        state: UpdateState::Quiet,
        message: MISSING.into(),
        reminder: recorded,
        save: None,
        next_steps: Vec::new(),
        warnings,
    };
    if let Some(found) = &input.found {
        installed(&mut report, found, input);
    } else if let Some(answer) = input.answer {
        answered(&mut report, answer, input);
    } else {
        reminded(&mut report, &input.programs);
    }
    report.scrub_with(&Scrubber::new([]));
    report
}

/// The skill is there: its checker is the answer.
fn installed(report: &mut UpdateReport, found: &str, input: &UpdateInput) {
    let skill = found
        .strip_suffix("SKILL.md")
        .map_or(found, |dir| dir.trim_end_matches(['/', '\\']))
        .to_string();
    let checker = checker(&skill, input.force, &input.programs, &mut report.warnings);
    report.message = format!(
        "The update-check skill is installed at {}.",
        one_line(&skill)
    );
    report.next_steps.push(format!(
        "Run its checker and report what it says: {} (`qianwen-auth update-check --run` runs it).",
        checker.shown
    ));
    if input.answer.is_some() {
        report.warnings.push(
            "--answer applies only while the update-check skill is missing; it is installed, \
             so nothing was recorded"
                .into(),
        );
    }
    report.skill = Some(skill);
    report.state = UpdateState::Installed(checker);
}

/// Missing, and no answer yet: ask, unless the reminder is dismissed or not wanted.
fn reminded(report: &mut UpdateReport, programs: &[LocatedProgram]) {
    let install_now = "`qianwen-auth update-check --answer 1 --run` installs it now.";
    match report.reminder {
        Reminder::Due => {
            report.state = UpdateState::Asked(choices(programs, &mut report.warnings));
            report.next_steps.push(
                "Choose 1, 2 or 3 (`qianwen-auth update-check --answer N`); nothing is \
                 installed unless you choose 1."
                    .into(),
            );
        }
        Reminder::Dismissed(until) => {
            report.message = format!(
                "{MISSING} The reminder is dismissed until {}: a dismissal lasts 24 hours.",
                time::minute(until)
            );
            report.next_steps.push(install_now.into());
        }
        Reminder::Never => {
            report.message =
                format!("{MISSING} You asked never to be reminded, and every check honours that.");
            report.next_steps.push(install_now.into());
        }
    }
}

/// Missing, and answered: what the answer runs, and the reminder it leaves. Installing
/// dismisses the reminder only once the install succeeded: the caller saves the state then.
fn answered(report: &mut UpdateReport, answer: UpdateAnswer, input: &UpdateInput) {
    let chosen = match answer {
        UpdateAnswer::Install | UpdateAnswer::Skip => {
            Reminder::Dismissed(input.now.saturating_add(DISMISSAL_SECONDS))
        }
        UpdateAnswer::Never => Reminder::Never,
    };
    // A dismissal never weakens "never".
    let reminder = if report.reminder == Reminder::Never {
        Reminder::Never
    } else {
        chosen
    };
    if reminder != report.reminder {
        report.save = Some(write_state(reminder));
    }
    let until = match reminder {
        Reminder::Dismissed(until) => {
            format!("the reminder is dismissed until {}", time::minute(until))
        }
        _ => "you will not be reminded again".into(),
    };
    let install = install(&input.programs, &mut report.warnings);
    report.message = match answer {
        UpdateAnswer::Install => format!(
            "Install now: {}; once it has succeeded, {until}.",
            install.shown
        ),
        UpdateAnswer::Skip if reminder == Reminder::Never => {
            "Nothing to skip: you asked never to be reminded, and that stays.".into()
        }
        UpdateAnswer::Skip => format!("Skipped for now: {until}."),
        UpdateAnswer::Never => "Never remind me: you will not be reminded again.".into(),
    };
    if answer == UpdateAnswer::Install {
        report.next_steps.push(format!(
            "Run {} to install it (`qianwen-auth update-check --answer 1 --run` runs it), then \
             `qianwen-auth update-check` to run its checker.",
            install.shown
        ));
    }
    let command = (answer == UpdateAnswer::Install).then_some(install);
    report.reminder = reminder;
    report.state = UpdateState::Answered((answer, command));
}

/// The three choices, as the original skill words them.
fn choices(programs: &[LocatedProgram], warnings: &mut Vec<String>) -> Vec<UpdateChoice> {
    let install = install(programs, warnings);
    vec![
        UpdateChoice {
            number: 1,
            answer: UpdateAnswer::Install,
            label: format!(
                "Install now: run the install command ({}), then dismiss the reminder",
                INSTALL.join(" ")
            ),
            command: Some(install),
        },
        UpdateChoice {
            number: 2,
            answer: UpdateAnswer::Skip,
            label: "Skip for now: do nothing this time (the reminder is dismissed for 24 hours)"
                .into(),
            command: None,
        },
        UpdateChoice {
            number: 3,
            answer: UpdateAnswer::Never,
            label: "Never remind me: permanently suppress this prompt".into(),
            command: None,
        },
    ]
}

/// `python3 <skill>/scripts/check_update.py --print-response`, with `--force` when forced.
fn checker(
    skill: &str,
    force: bool,
    programs: &[LocatedProgram],
    warnings: &mut Vec<String>,
) -> Command {
    let mut args = vec![
        join(skill, "scripts/check_update.py"),
        "--print-response".to_string(),
    ];
    if force {
        args.push("--force".into());
    }
    command(located("python3", programs, warnings), args)
}

/// The original skill's install command, `npx skills add …`.
fn install(programs: &[LocatedProgram], warnings: &mut Vec<String>) -> Command {
    command(
        located(INSTALL[0], programs, warnings),
        INSTALL[1..].iter().map(ToString::to_string).collect(),
    )
}

/// The file `name` runs from, where the caller found it; else the bare name, and why.
fn located(name: &str, programs: &[LocatedProgram], warnings: &mut Vec<String>) -> String {
    match programs.iter().find(|p| p.name == name).map(|p| &p.found) {
        Some(Ok(path)) => path.clone(),
        Some(Err(why)) => {
            warnings.push(format!("{name} cannot be run: {why}"));
            name.to_string()
        }
        None => name.to_string(),
    }
}

fn command(program: String, args: Vec<String>) -> Command {
    let words = std::iter::once(program.as_str()).chain(args.iter().map(String::as_str));
    let shown = one_line(&shown(words)).into_owned();
    Command {
        program,
        args,
        shown,
    }
}

/// Words as one would type them: anything but plain characters quoted.
fn shown<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words
        .map(|word| {
            let plain = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,%\\".contains(c));
            if plain {
                word.to_string()
            } else {
                format!("'{}'", word.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The state file's text for `reminder`.
fn write_state(reminder: Reminder) -> String {
    let line = match reminder {
        Reminder::Due => "due".to_string(),
        Reminder::Dismissed(until) => format!("dismissed-until {until}"),
        Reminder::Never => "never".to_string(),
    };
    format!("{STATE_HEADER}\n{line}\n")
}

/// The reminder a state file records, as it stands at `now`. Never repeats the file's text.
fn read_state(bytes: &[u8], now: u64) -> Result<Reminder, String> {
    let unreadable = || {
        "the reminder's state file is not one this tool wrote; it is ignored, and replaced at \
         the next answer"
            .to_string()
    };
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable())?;
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let (Some(line), None) = (lines.next(), lines.next()) else {
        return Err(unreadable());
    };
    match line.split_once(' ') {
        None if line == "never" => Ok(Reminder::Never),
        None if line == "due" => Ok(Reminder::Due),
        Some(("dismissed-until", until)) => {
            let until: u64 = until.trim().parse().map_err(|_| unreadable())?;
            if until <= now {
                Ok(Reminder::Due)
            } else if until - now > DISMISSAL_SECONDS {
                Err(format!(
                    "the reminder's state file dismisses it until {}, more than 24 hours from \
                     now (the clock may have been changed); it is ignored",
                    time::minute(until)
                ))
            } else {
                Ok(Reminder::Dismissed(until))
            }
        }
        _ => Err(unreadable()),
    }
}

#[cfg(test)]
mod tests;
