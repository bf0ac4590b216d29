//! docs/behaviour.md#masking, setting up: never ask for the key; when none is configured, add the
//! placeholder line to `./.env` and keep `.env` files out of git; write a real key only when the
//! user gave one on standard input. The plan is pure; `imports` applies it through the `setup`
//! grant.

use crate::chain::KEY_NAMES;
use crate::dotenv;
use crate::gitignore::{self, Rules};
use crate::keys::{self, PLACEHOLDER};
use crate::links;
use crate::names::Named;
use crate::scrub::reports::ScrubText;
use crate::status::{self, Inputs, Resolved};
use crate::wit::project::ProjectFile;
use crate::wit::setup::LineRef;
use crate::wit::types::LinkTopic;
use crate::wit::types::{Advice, InitOutcome, InitReport, KeyKind, Link, Source, System};

use qianwen_auth_facts::evidence;
/// The name the placeholder and a key given on standard input are written under.
use qianwen_auth_facts::variables::DEFAULT_KEY_NAME as DEFAULT_NAME;

/// `.gitignore` lines, each with a file name it must cover.
const IGNORED: [(&str, &str); 4] = [
    (".env", ".env"),
    (".env.local", ".env.local"),
    ("*.env", "production.env"),
    // The evidence `verify` writes: records of this machine's checks, not the project's.
    (evidence::DEFAULT_DIR_LINE, evidence::DEFAULT_RECORD),
];

/// One change to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Append(ProjectFile, String),
    Replace(ProjectFile, LineRef, String),
    /// `NAME=<the key the user gave>`, in place of a line or appended.
    WriteKey(String, Option<LineRef>),
    /// `./.env` made readable by its owner only.
    MakePrivate,
}

/// What `init` will do, and what to say.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Each change with its description (never holding a key).
    pub changes: Vec<(Change, String)>,
    pub outcome: InitOutcome,
    pub summary: String,
    pub next_steps: Vec<Advice>,
    pub links: Vec<Link>,
}

/// What `init` will change and say, given the chain as resolved and the key given, if any.
/// A key given on standard input, and whether it may replace the key already in `./.env`.
#[derive(Debug, Clone, Copy)]
pub struct Given<'a> {
    pub key: &'a str,
    pub replace: bool,
}

/// What `init` will change and say, given the chain as resolved and the key given, if any.
pub fn plan(inputs: &Inputs, resolved: &Resolved, given: Option<Given>, system: System) -> Plan {
    let cwd_env = inputs
        .dotenvs
        .iter()
        .find(|d| d.source == Source::CwdDotenv);
    let text = match cwd_env.map(|d| &d.read) {
        Some(Ok(Some(file))) => match std::str::from_utf8(&file.bytes) {
            Ok(text) => Some(text.to_string()),
            Err(_) => return failed("./.env is not valid UTF-8 text, so init leaves it alone"),
        },
        Some(Ok(None)) | None => None,
        Some(Err(error)) => {
            return failed(&format!(
                "./.env {}; init leaves it alone",
                status::read_error(error)
            ));
        }
    };
    let dotenv = CwdDotenv::new(text.as_deref());
    match given {
        // The host hands over the line as read, trimmed; quotes are not taken off it, because
        // the host writes exactly this text.
        Some(given) => plan_given_key(inputs, resolved, &dotenv, given),
        None => plan_placeholder(inputs, resolved, &dotenv, system),
    }
}

/// `./.env` as entries and as raw lines, so that a line can be named by number and text.
struct CwdDotenv<'a> {
    parsed: dotenv::Parsed,
    lines: Vec<&'a str>,
}

impl<'a> CwdDotenv<'a> {
    fn new(text: Option<&'a str>) -> Self {
        Self {
            parsed: text
                .map(|t| dotenv::parse(t.as_bytes()))
                .unwrap_or_default(),
            lines: text
                .map(|t| t.split('\n').map(|l| l.trim_end_matches('\r')).collect())
                .unwrap_or_default(),
        }
    }

    /// The entries that count for each of the key's names.
    fn keys(&self) -> Vec<&dotenv::Entry> {
        KEY_NAMES
            .iter()
            .filter_map(|name| self.parsed.entries.iter().rev().find(|e| e.name == *name))
            .collect()
    }

    /// The line an entry sits on, if the entry is on one line only.
    fn line_of(&self, entry: &dotenv::Entry) -> Option<LineRef> {
        if entry.value.expose().contains('\n') {
            return None;
        }
        let old = self.lines.get(entry.line as usize - 1)?;
        Some(LineRef {
            number: entry.line,
            old: old.to_string(),
        })
    }
}

/// What `init` did: the plan's outcome and words, the changes as applied (`failure` names the
/// one that could not be made), and what is configured afterwards (`after`, resolved again).
/// Scrubbed with everything the chain holds now.
pub fn report(
    plan: Plan,
    applied: Vec<String>,
    failure: Option<String>,
    after: Resolved,
) -> InitReport {
    let mut report = InitReport {
        outcome: if failure.is_some() {
            InitOutcome::Failed
        } else {
            plan.outcome
        },
        changes: applied,
        summary: failure.unwrap_or(plan.summary),
        key: after.report.key,
        verdict: after.report.verdict,
        next_steps: plan.next_steps,
        links: plan.links,
        warnings: after.report.warnings,
    };
    report.scrub_with(&after.scrubber);
    report
}

/// No key given: add the placeholder, unless some key value is configured already.
fn plan_placeholder(
    inputs: &Inputs,
    resolved: &Resolved,
    dotenv: &CwdDotenv,
    system: System,
) -> Plan {
    let report = &resolved.report;
    if report.key.is_none() && !report.unreadable_keys.is_empty() {
        return unreadable_key_line(
            &report.unreadable_keys,
            report.next_steps.clone(),
            report.links.clone(),
        );
    }
    let Some(key) = &report.key else {
        return add_placeholder(inputs, dotenv, system);
    };
    let place = match &key.path {
        Some(path) => format!("{} in {path}", key.name.name()),
        None => format!("{} in the environment", key.name.name()),
    };
    if key.kind == KeyKind::Placeholder {
        let changes = gitignore_changes(inputs);
        return Plan {
            outcome: outcome_of(&changes),
            changes,
            summary: format!("The placeholder is already in place ({place})"),
            next_steps: fill_in_steps(key.path.as_deref().unwrap_or("the environment"), system),
            links: vec![links::get(LinkTopic::ApiKeys)],
        };
    }
    let masked = key.masked.as_deref().unwrap_or("a malformed value");
    // The key stays as it is; a ./.env beside it is made safe.
    let mut changes = Vec::new();
    if !dotenv.lines.is_empty() {
        changes.extend(private_dotenv(inputs, dotenv));
        changes.extend(gitignore_changes(inputs));
    }
    // Only a usable key is called configured; any other is named for what it is.
    let summary = match key.kind {
        KeyKind::Standard => format!("A standard key is already configured: {place} ({masked})"),
        _ => format!(
            "A key is configured but cannot be used: {place} holds {} ({masked})",
            key.detail
        ),
    };
    let mut next_steps = report.next_steps.clone();
    if key.kind == KeyKind::Standard && key.source == Source::CwdDotenv {
        next_steps.push(
            "To replace it, run `qianwen-auth init --key-stdin --replace` and paste the new key \
             when asked."
                .into(),
        );
    }
    Plan {
        outcome: outcome_of(&changes),
        changes,
        summary,
        next_steps,
        links: report.links.clone(),
    }
}

/// No key value anywhere: the placeholder line goes into `./.env` (in place of an empty key
/// line there), and `.gitignore` learns what to keep out.
fn add_placeholder(inputs: &Inputs, dotenv: &CwdDotenv, system: System) -> Plan {
    let line = format!("{DEFAULT_NAME}={PLACEHOLDER}");
    // An empty `NAME=` line in ./.env takes the placeholder in place.
    let empty = dotenv
        .keys()
        .into_iter()
        .find_map(|e| dotenv.line_of(e).map(|at| (e, at)));
    let mut changes = vec![match empty {
        Some((entry, at)) => {
            let line = format!("{}={PLACEHOLDER}", entry.name);
            let description = format!(
                "put {line} in place of the empty line {} of ./.env",
                at.number
            );
            (Change::Replace(ProjectFile::Dotenv, at, line), description)
        }
        None => (
            Change::Append(ProjectFile::Dotenv, line.clone()),
            format!("appended {line} to ./.env"),
        ),
    }];
    changes.extend(gitignore_changes(inputs));
    Plan {
        changes,
        outcome: InitOutcome::Changed,
        summary: "No API key was configured: ./.env now holds the placeholder line".into(),
        next_steps: fill_in_steps("./.env", system),
        links: vec![links::get(LinkTopic::ApiKeys)],
    }
}

/// `./.env` made private when it holds a secret and others may read it.
fn private_dotenv(inputs: &Inputs, dotenv: &CwdDotenv) -> Vec<(Change, String)> {
    let mode = inputs
        .dotenvs
        .iter()
        .find(|d| d.source == Source::CwdDotenv)
        .and_then(|d| match &d.read {
            Ok(Some(file)) => file.mode,
            _ => None,
        });
    match mode {
        Some(mode) if dotenv.parsed.holds_secret() && mode & 0o077 != 0 => vec![(
            Change::MakePrivate,
            format!(
                "made ./.env readable by you only (mode 0600; it was {mode:04o}), since it holds \
                 a secret"
            ),
        )],
        _ => Vec::new(),
    }
}

fn fill_in_steps(place: &str, system: System) -> Vec<Advice> {
    vec![
        format!(
            "Please replace {PLACEHOLDER} with your actual API key from the QianWen Console. \
             It is in {place}; or run {} instead.",
            crate::paths::set_in_shell(system, DEFAULT_NAME)
        )
        .into(),
        "Then run `qianwen-auth verify`.".into(),
    ]
}

/// The key given, masked, when it is a standard key; else the plan that refuses it.
fn standard_key(key: &str) -> Result<String, Plan> {
    if key.is_empty() {
        return Err(Plan {
            next_steps: vec![
                "Copy the key from the API-key page, run `qianwen-auth init --key-stdin` again \
                 and paste it when asked."
                    .into(),
            ],
            ..refused(
                InitOutcome::KeyRefused,
                "No key was entered; nothing was written".into(),
                vec![links::get(LinkTopic::ApiKeys)],
            )
        });
    }
    let class = keys::classify(key);
    match class.kind {
        KeyKind::Standard => Ok(class.masked.unwrap_or_default()),
        KeyKind::Plan => Err(refused(
            InitOutcome::PlanKeyRefused,
            format!("The key given is {}; it was not written", class.detail),
            vec![
                links::get(LinkTopic::TokenPlan),
                links::get(LinkTopic::ApiKeys),
            ],
        )),
        _ => Err(refused(
            InitOutcome::KeyRefused,
            format!("The key given is {}; it was not written", class.detail),
            vec![links::get(LinkTopic::ApiKeys)],
        )),
    }
}

/// A key given on standard input: write it to `./.env` if it is a standard key.
fn plan_given_key(inputs: &Inputs, resolved: &Resolved, dotenv: &CwdDotenv, given: Given) -> Plan {
    let key = given.key;
    let masked = match standard_key(key) {
        Ok(masked) => masked,
        Err(plan) => return plan,
    };
    // A key line that cannot be read is a key init would end up below: as without a key,
    // nothing is written until that line is fixed.
    let broken: Vec<String> = dotenv
        .parsed
        .problems
        .iter()
        .filter(|problem| problem.is_key_line())
        .map(|problem| format!("./.env:{}", problem.line))
        .collect();
    if !broken.is_empty() {
        let fix = "Fix that line (`qianwen-auth status` says what is wrong with it), or remove \
                   it, then run `qianwen-auth init --key-stdin` again.";
        return unreadable_key_line(&broken, vec![fix.into()], Vec::new());
    }
    let current = dotenv.keys();
    if current
        .iter()
        .any(|e| keys::normalize(e.value.expose()) == key)
    {
        let mut plan = done(inputs, "./.env already holds this key", Vec::new());
        plan.outcome = outcome_of(&plan.changes);
        return plan;
    }
    let replaceable = current.iter().find(|e| {
        let value = keys::normalize(e.value.expose());
        value.is_empty() || keys::classify(value).kind == KeyKind::Placeholder
    });
    let real = current.iter().find(|e| {
        let value = keys::normalize(e.value.expose());
        !value.is_empty() && keys::classify(value).kind != KeyKind::Placeholder
    });
    if let Some(real) = real {
        return replace_key(inputs, resolved, dotenv, real, given.replace, &masked);
    }
    let change = key_change(dotenv, replaceable.copied(), &masked);
    let mut plan = done(inputs, "The key was written to ./.env", vec![change]);
    env_still_wins(&mut plan, resolved);
    plan
}

/// A key given while `./.env` holds another: replaced in place when asked and the line allows
/// it; else nothing is written, and the step says how.
fn replace_key(
    inputs: &Inputs,
    resolved: &Resolved,
    dotenv: &CwdDotenv,
    real: &dotenv::Entry,
    replace: bool,
    masked: &str,
) -> Plan {
    match (replace, dotenv.line_of(real)) {
        (true, Some(at)) => {
            let description = format!(
                "replaced the key on line {} of ./.env ({}) with the key given on standard \
                 input ({masked})",
                at.number, real.name
            );
            let change = (Change::WriteKey(real.name.clone(), Some(at)), description);
            let mut plan = done(inputs, "The key in ./.env was replaced", vec![change]);
            env_still_wins(&mut plan, resolved);
            plan
        }
        (true, None) => refused_overwrite(
            format!(
                "The key in {} on line {} of ./.env spans several lines, so it cannot be \
                 replaced in place; nothing was written",
                real.name, real.line
            ),
            format!(
                "Remove that key from ./.env, then run `qianwen-auth init --key-stdin` \
                 again (line {}).",
                real.line
            ),
        ),
        (false, _) => refused_overwrite(
            format!(
                "./.env already holds a key in {} on line {}; init replaces a key only \
                 when asked, and wrote nothing",
                real.name, real.line
            ),
            "To replace it, run `qianwen-auth init --key-stdin --replace` and paste the new \
             key when asked."
                .into(),
        ),
    }
}

/// A key in the environment wins over the one just written: say so first.
fn env_still_wins(plan: &mut Plan, resolved: &Resolved) {
    if let Some(env_key) = resolved
        .report
        .key
        .as_ref()
        .filter(|k| k.source == Source::Env)
    {
        plan.next_steps.insert(
            0,
            format!(
                "{} in the environment still wins over ./.env; unset it to use the key just \
                 written.",
                env_key.name.name()
            )
            .into(),
        );
    }
}

/// A key in `./.env` that `init --key-stdin` does not overwrite.
fn refused_overwrite(summary: String, step: String) -> Plan {
    Plan {
        changes: Vec::new(),
        outcome: InitOutcome::KeyRefused,
        summary,
        next_steps: vec![step.into()],
        links: Vec::new(),
    }
}

/// Where the key goes: in place of `replaceable` (an empty or placeholder key line), or
/// appended. A multi-line value cannot be replaced as one line: then the key is appended.
fn key_change(
    dotenv: &CwdDotenv,
    replaceable: Option<&dotenv::Entry>,
    masked: &str,
) -> (Change, String) {
    match replaceable.and_then(|e| dotenv.line_of(e).map(|at| (e, at))) {
        Some((entry, at)) => {
            let description = format!(
                "wrote the key given on standard input ({masked}) to ./.env as {}, in place of \
                 line {}",
                entry.name, at.number
            );
            (Change::WriteKey(entry.name.clone(), Some(at)), description)
        }
        None => (
            Change::WriteKey(DEFAULT_NAME.into(), None),
            format!(
                "appended the key given on standard input ({masked}) to ./.env as {DEFAULT_NAME}"
            ),
        ),
    }
}

/// Nothing to do while a key line is there that cannot be read (at `lines`, `FILE:LINE`): a
/// key added below it would be a second key line.
fn unreadable_key_line(lines: &[String], next_steps: Vec<Advice>, links: Vec<Link>) -> Plan {
    Plan {
        changes: Vec::new(),
        outcome: InitOutcome::KeyLineUnreadable,
        summary: format!(
            "A key line is there but cannot be read ({}); init adds no second key line, and \
             wrote nothing",
            lines.join(", ")
        ),
        next_steps,
        links,
    }
}

/// A plan that makes `changes` and the `.gitignore` additions, then points to `verify`.
fn done(inputs: &Inputs, summary: &str, mut changes: Vec<(Change, String)>) -> Plan {
    changes.extend(gitignore_changes(inputs));
    Plan {
        outcome: InitOutcome::Changed,
        changes,
        summary: summary.into(),
        next_steps: vec!["Run `qianwen-auth verify` to check the key.".into()],
        links: Vec::new(),
    }
}

/// `changed` when there is something to do, else `unchanged`.
fn outcome_of(changes: &[(Change, String)]) -> InitOutcome {
    if changes.is_empty() {
        InitOutcome::Unchanged
    } else {
        InitOutcome::Changed
    }
}

fn refused(outcome: InitOutcome, summary: String, links: Vec<Link>) -> Plan {
    Plan {
        changes: Vec::new(),
        outcome,
        summary,
        next_steps: vec![
            "Scripts and this tool need a standard pay-as-you-go key (sk-, not sk-sp-) from the \
             API-key page."
                .into(),
        ],
        links,
    }
}

fn failed(summary: &str) -> Plan {
    Plan {
        changes: Vec::new(),
        outcome: InitOutcome::Failed,
        summary: summary.into(),
        next_steps: Vec::new(),
        links: Vec::new(),
    }
}

/// The `.gitignore` lines that `./.gitignore` needs so that `.env`, `.env.local` and `*.env`
/// files here are ignored, given every `.gitignore` between the repository's top (or here,
/// outside a repository) and the current directory.
fn gitignore_changes(inputs: &Inputs) -> Vec<(Change, String)> {
    let top = status::git_top(&inputs.dirs).unwrap_or(0);
    let mut files: Vec<(usize, &str)> = inputs
        .gitignores
        .iter()
        .filter(|g| g.depth <= top)
        .filter_map(|g| match &g.read {
            Ok(Some(file)) => std::str::from_utf8(&file.bytes).ok().map(|t| (g.depth, t)),
            _ => None,
        })
        .collect();
    files.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
    let mut rules: Vec<Rules> = files
        .iter()
        .map(|(depth, text)| Rules::parse(&status::relative_dir(&inputs.dirs, top, *depth), text))
        .collect();
    let here = status::relative_dir(&inputs.dirs, top, 0);
    let mut added = Vec::new();
    let mut changes = Vec::new();
    for (line, probe) in IGNORED {
        let path = if here.is_empty() {
            probe.to_string()
        } else {
            format!("{here}/{probe}")
        };
        if !gitignore::is_ignored(&rules, &path) {
            added.push(line);
            rules.push(Rules::parse(&here, &added.join("\n")));
            changes.push((
                Change::Append(ProjectFile::Gitignore, line.to_string()),
                format!("added {line} to ./.gitignore"),
            ));
        }
    }
    changes
}

#[cfg(test)]
mod tests;
