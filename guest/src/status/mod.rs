//! The status report: the chain's outcome, the endpoint, the OSS settings and every warning,
//! built from inputs that were already gathered. Pure, so every case can be tested natively.

use crate::chain::{self, Found, Level};
use crate::endpoint::{self, Choice, Endpoint};
use crate::keys;
use crate::links;
use crate::names::{self, Named};
use crate::oss;
use crate::scrub::Scrubber;
use crate::scrub::reports::ScrubText;
use crate::secret::Secret;
use crate::wit::types::{Advice, LinkTopic};
use crate::wit::types::{
    DotenvReport, EndpointReport, KeyKind, KeyReport, Link, Options, StatusReport, System, Verdict,
    Warning, WarningCode,
};

use qianwen_auth_facts::variables::{
    BASE_URL, DEFAULT_KEY_NAME, GRANTED, KEY_NAMES, PLACEHOLDER, REGION, is_masked, is_secret,
};

mod files;
mod inputs;
#[cfg(test)]
mod tests;

use crate::wit::project::Directory;
use files::{DotenvFile, check_files, read_dotenv};
pub use files::{read_error, relative_dir};
#[cfg(test)]
pub use inputs::{FileInput, one_directory};
pub use inputs::{GitLookup, Inputs, gather, git_top, inputs_from};
use inputs::{dotenv_locations, file_path};

/// The options of a run that sends nothing (`init`, and the tests), advising for `system`.
pub fn sending_nothing(system: System) -> Options {
    Options {
        system,
        region: None,
        granted_hosts: Vec::new(),
        request_time_limit_ms: 0,
        verification_time_limit_ms: 0,
    }
}

/// The scrubber for every value on the chain that must never show: the secrets, and the OSS
/// AccessKey ids, which are shown only masked. A placeholder (`sk-your-key-here`, `<your key>`)
/// is no secret: it is named as it is, so that the user can find and replace it.
fn scrubber(levels: &[Level]) -> Scrubber {
    let names: Vec<&str> = GRANTED
        .into_iter()
        .filter(|name| is_secret(name) || is_masked(name))
        .collect();
    let values = levels
        .iter()
        .flat_map(|level| names.iter().filter_map(|name| level.raw(name)))
        .filter(|value| {
            keys::classify(keys::normalize(value.expose())).kind != KeyKind::Placeholder
        })
        .flat_map(|value| [value.expose(), keys::normalize(value.expose())]);
    Scrubber::new(values)
}

/// The chain's outcome with what only the component may hold: the key itself, and the
/// scrubber that knows every secret on the chain.
#[derive(Debug)]
pub struct Resolved {
    pub report: StatusReport,
    /// The key in use, as it would be sent.
    pub key: Option<Secret>,
    pub endpoint: Endpoint,
    pub scrubber: Scrubber,
}

/// The scrubber for every secret on the chain, and nothing else worked out: no git, no
/// endpoint, no warnings.
pub fn scrubber_for(inputs: &Inputs) -> Scrubber {
    scrubber(&levels(inputs, &mut Vec::new()).1)
}

/// The `.env` files read and parsed (their warnings into `warnings`), and the chain's levels:
/// the environment, then each file.
fn levels(inputs: &Inputs, warnings: &mut Vec<Warning>) -> (Vec<DotenvFile>, Vec<Level>) {
    let dotenvs: Vec<DotenvFile> = inputs
        .dotenvs
        .iter()
        .map(|input| read_dotenv(inputs, input, warnings))
        .collect();
    let mut levels = vec![Level::env(
        inputs
            .env
            .iter()
            .filter(|(name, _)| GRANTED.contains(&name.as_str()))
            .cloned(),
    )];
    levels.extend(dotenvs.iter().filter_map(|d| {
        d.parsed
            .as_ref()
            .map(|p| Level::dotenv(d.source, d.path.clone(), p))
    }));
    (dotenvs, levels)
}

/// The status report for `inputs`.
pub fn build(inputs: &Inputs, options: &Options) -> StatusReport {
    resolve(inputs, options).report
}

/// The chain resolved: the report, and what only the component may hold.
pub fn resolve(inputs: &Inputs, options: &Options) -> Resolved {
    let mut warnings = Vec::new();
    let (dotenvs, levels) = levels(inputs, &mut warnings);

    warnings.extend(blank_values(&levels));

    let scrubber = scrubber(&levels);
    let resolution = chain::resolve_key(&levels);
    let key = resolution.key.as_ref().map(key_report);
    let shadowed: Vec<KeyReport> = resolution.shadowed.iter().map(key_report).collect();
    if let (Some(winner), Some(key)) = (&resolution.key, &key) {
        for (lost, report) in resolution.shadowed.iter().zip(&shadowed) {
            warnings.push(shadowed_warning(winner, key, lost, report));
        }
    }

    check_files(inputs, &dotenvs, &mut warnings);

    let (endpoint, problems) = choose_endpoint(&levels, options, &scrubber);
    warnings.extend(problems.into_iter().map(|p| warning(p.code, p.message)));
    if let Some(refused) = &endpoint.refused {
        warnings.push(warning(
            WarningCode::EndpointRefused,
            format!("{}; verification would not be sent", refused.why),
        ));
    }

    let verdict = match key.as_ref().map(|k| k.kind) {
        Some(KeyKind::Standard) if endpoint.refused.is_some() => Verdict::EndpointRefused,
        Some(KeyKind::Standard) => Verdict::Usable,
        Some(KeyKind::Plan) => Verdict::PlanKey,
        _ => Verdict::NoUsableKey,
    };
    let unreadable_keys = unreadable_key_lines(&dotenvs, &levels);
    let local = dotenv_local(&inputs.dirs);
    let (next_steps, links) = advice(Case {
        key: key.as_ref(),
        unreadable: &unreadable_keys,
        local: local.as_deref(),
        system: options.system,
        refused: endpoint
            .refused
            .as_ref()
            .filter(|_| verdict == Verdict::EndpointRefused),
        tracked: warnings
            .iter()
            .any(|w| w.code == WarningCode::DotenvTracked),
    });

    let mut report = StatusReport {
        key,
        shadowed,
        endpoint: EndpointReport {
            base: endpoint.base.clone(),
            probe_url: endpoint.probe_url.clone(),
            authority: endpoint.authority.clone(),
            region: names::region(&endpoint.region),
            chosen_by: endpoint.chosen_by.clone(),
        },
        warnings,
        oss: oss::report(&levels),
        verdict,
        next_steps,
        links,
        dotenv_files: dotenvs.iter().map(dotenv_report).collect(),
        unreadable_keys,
    };
    report.scrub_with(&scrubber);
    Resolved {
        report,
        key: resolution.key.map(|k| k.value),
        endpoint,
        scrubber,
    }
}

/// An `empty-value` warning for each level where a granted variable is set but blank.
fn blank_values(levels: &[Level]) -> Vec<Warning> {
    GRANTED
        .iter()
        .flat_map(|name| {
            chain::blanks(levels, name).map(move |level| {
                warning(
                    WarningCode::EmptyValue,
                    format!(
                        "{name} is set but empty in {}, so it counts as unset there",
                        level.describe()
                    ),
                )
            })
        })
        .collect()
}

/// Key lines that cannot be used, as `FILE:LINE`: broken, or a reference to nothing.
fn unreadable_key_lines(dotenvs: &[DotenvFile], levels: &[Level]) -> Vec<String> {
    dotenvs
        .iter()
        .flat_map(|d| {
            d.parsed.iter().flat_map(|parsed| {
                let broken = parsed
                    .problems
                    .iter()
                    .filter(|problem| problem.is_key_line())
                    .map(|problem| problem.line);
                let referring = levels
                    .iter()
                    .filter(|level| level.path.as_deref() == Some(d.path.as_str()))
                    .flat_map(|level| KEY_NAMES.iter().filter_map(|name| level.reference(name)));
                broken
                    .chain(referring)
                    .map(|line| format!("{}:{line}", d.path))
                    .collect::<Vec<_>>()
            })
        })
        .collect()
}

/// A `.env` file the chain consulted, for the report.
fn dotenv_report(d: &DotenvFile) -> DotenvReport {
    DotenvReport {
        source: d.source,
        path: d.path.clone(),
        state: d.state,
        entries: d
            .parsed
            .as_ref()
            .map_or(0, |p| u32::try_from(p.entries.len()).unwrap_or(u32::MAX)),
    }
}

fn choose_endpoint(
    levels: &[Level],
    options: &Options,
    scrubber: &Scrubber,
) -> (Endpoint, Vec<endpoint::Problem>) {
    let from = |name: &str| chain::setting(levels, name).map(|(level, v)| (v, level.describe()));
    let mut problems = Vec::new();
    // A URL that holds a secret would carry it to the server, and into every report.
    let base_url = from(BASE_URL).filter(|(url, _)| {
        let clean = !scrubber.holds_key(url);
        if !clean {
            problems.push(endpoint::Problem {
                code: WarningCode::InvalidBaseUrl,
                message: "QWEN_BASE_URL holds a key, or something shaped like one; it is ignored"
                    .into(),
            });
        }
        clean
    });
    let (endpoint, more) = endpoint::choose(&Choice {
        option_region: options.region.as_deref(),
        env_region: from(REGION),
        base_url,
        granted: &options.granted_hosts,
    });
    problems.extend(more);
    (endpoint, problems)
}

fn key_report(found: &Found) -> KeyReport {
    let class = keys::classify(found.value.expose());
    KeyReport {
        name: found.name,
        source: found.source,
        path: found.path.clone(),
        line: found.line,
        kind: class.kind,
        masked: class.masked,
        detail: class.detail,
    }
}

fn shadowed_warning(winner: &Found, key: &KeyReport, lost: &Found, report: &KeyReport) -> Warning {
    let shown = |r: &KeyReport| {
        r.masked
            .clone()
            .unwrap_or_else(|| "a malformed value".into())
    };
    let what = match report.kind {
        KeyKind::Placeholder => format!("the placeholder {}", shown(report)),
        KeyKind::Standard | KeyKind::Plan => format!("a different key ({})", shown(report)),
        KeyKind::Foreign | KeyKind::Malformed => format!("another value ({})", shown(report)),
    };
    warning(
        WarningCode::ShadowedKey,
        format!(
            "{} in {} holds {what}; this tool uses {} from {} ({}), but a program that reads \
             {} there gets the other",
            lost.name.name(),
            found_at(lost),
            winner.name.name(),
            found_at(winner),
            shown(key),
            lost.name.name(),
        ),
    )
}

/// A `.env.local` beside a `.env` the chain reads: other loaders read it, this tool does not.
fn dotenv_local(dirs: &[Directory]) -> Option<String> {
    dotenv_locations(dirs)
        .into_iter()
        .find(|(_, depth)| dirs.get(*depth).is_some_and(|d| d.has_dotenv_local))
        .map(|(_, depth)| file_path(dirs, depth, ".env.local"))
}

/// What the next steps depend on.
struct Case<'a> {
    key: Option<&'a KeyReport>,
    /// Key lines that cannot be read, as `FILE:LINE`.
    unreadable: &'a [String],
    /// A `.env.local` beside a `.env` the chain reads.
    local: Option<&'a str>,
    system: System,
    /// Why the endpoint is refused, when that is all that stands between a key and a check.
    refused: Option<&'a endpoint::Refused>,
    /// Git tracks a `.env` that holds a key.
    tracked: bool,
}

/// The next steps, most pressing first: a secret in the repository's history outranks every
/// other step; the key's own steps; then what opens a refused endpoint.
fn advice(case: Case) -> (Vec<Advice>, Vec<Link>) {
    let (steps, links) = key_steps(case.key, case.unreadable, case.local, case.system);
    let mut advice: Vec<Advice> = Vec::new();
    if case.tracked {
        advice.push(
            "Rotate the key first: git tracks a .env that holds it, so it is in the repository's \
             history (the warning says how to stop that)."
                .into(),
        );
    }
    advice.extend(steps.into_iter().map(Advice::from));
    advice.extend(case.refused.map(|refused| refused.fix.clone()));
    (advice, links)
}

/// What to do about the key the chain found, or its absence. One arm per case, each with its
/// words: a table, read best whole.
fn key_steps(
    key: Option<&KeyReport>,
    unreadable: &[String],
    local: Option<&str>,
    system: System,
) -> (Vec<String>, Vec<Link>) {
    let place = |k: &KeyReport| match &k.path {
        Some(path) => format!("{} in {path}", k.name.name()),
        None => format!("{} in the environment", k.name.name()),
    };
    let paste = "run `qianwen-auth init --key-stdin` and paste it when asked: it is written to \
                 ./.env and never shown";
    let steps = match key {
        None if !unreadable.is_empty() => vec![format!(
            "Fix the key line at {} (the warning says what is wrong with it) rather than adding \
             another, then run `qianwen-auth status` again.",
            unreadable.join(", ")
        )],
        // A key may be waiting in a file other loaders read and this one does not.
        None if local.is_some() => vec![format!(
            "{} exists, but this tool reads only `.env`: if your key is in it, move that line \
             to the `.env` beside it (kept out of git as well), then run `qianwen-auth status` \
             again.",
            local.unwrap_or_default()
        )],
        // The one step first; the other two ways to give a key after it.
        None => vec![
            format!(
                "Create a standard key (`sk-`, not `sk-sp-`) on the API-key page, then {paste}."
            ),
            format!(
                "Or run `qianwen-auth init` for the line `{DEFAULT_KEY_NAME}={PLACEHOLDER}` in \
                 ./.env{private} to fill in yourself.",
                private = match system {
                    System::Unix => " (mode 0600, kept out of git)",
                    System::Windows => " (kept out of git)",
                },
            ),
            format!(
                "Or set it for this shell only: run {}.",
                crate::paths::set_in_shell(system, DEFAULT_KEY_NAME)
            ),
        ],
        Some(k) => match k.kind {
            KeyKind::Standard => Vec::new(),
            KeyKind::Plan => vec![format!(
                "Scripts need a standard pay-as-you-go key: create one (`sk-`, not `sk-sp-`) on \
                 the API-key page and put it in {} in place of the plan key, which stays for \
                 your AI tools.",
                place(k)
            )],
            KeyKind::Placeholder if k.path.is_some() => vec![format!(
                "Replace the placeholder in {} with your key from the API-key page, or {paste}.",
                k.path.as_deref().unwrap_or_default()
            )],
            KeyKind::Placeholder => vec![format!(
                "Set {} to your key from the API-key page in place of the placeholder.",
                place(k)
            )],
            KeyKind::Foreign => vec![format!(
                "{} holds {}: put your DashScope API key there instead, from the API-key page.",
                place(k),
                k.detail
            )],
            KeyKind::Malformed => vec![format!(
                "{} holds {}: copy the key again from the API-key page.",
                place(k),
                k.detail
            )],
        },
    };
    let mut links = Vec::new();
    if !steps.is_empty() {
        links.push(links::get(LinkTopic::ApiKeys));
    }
    if key.is_some_and(|k| k.kind == KeyKind::Plan) {
        links.push(links::get(LinkTopic::TokenPlan));
    }
    (steps, links)
}

/// Where a key was found: `the environment` or the `.env` path.
fn found_at(found: &Found) -> String {
    found
        .path
        .clone()
        .unwrap_or_else(|| "the environment".into())
}

fn warning(code: WarningCode, message: String) -> Warning {
    Warning { code, message }
}
