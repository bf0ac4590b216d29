//! The status report: the chain's outcome, the endpoint, the OSS settings and every warning,
//! built from inputs that were already gathered. Pure, so every case can be tested natively.

use crate::chain::{self, Found, Level};
use crate::dotenv::{self, Parsed};
use crate::endpoint::{self, Choice, Endpoint};
use crate::gitignore::{self, Rules};
use crate::keys;
use crate::links::{self, Topic};
use crate::oss;
use crate::outward::Outward;
use crate::scrub::Scrubber;
use crate::secret::Secret;
use crate::wit::policy::DirectoryInput;
use crate::wit::project::{Directory, FileContents, ProjectFile, ReadError};
use crate::wit::types::{
    DotenvReport, EndpointReport, KeyKind, KeyReport, Link, Source, StatusOptions, StatusReport,
    Verdict, Warning,
};

use qianwen_auth_facts::variables::{BASE_URL, GRANTED, REGION, is_masked, is_secret};

/// The scrubber for every value on the chain that must never show: the secrets, and the OSS
/// AccessKey ids, which are shown only masked.
fn scrubber(levels: &[Level]) -> Scrubber {
    let names: Vec<&str> = GRANTED
        .into_iter()
        .filter(|name| is_secret(name) || is_masked(name))
        .collect();
    let values = levels
        .iter()
        .flat_map(|level| names.iter().filter_map(|name| level.raw(name)))
        .flat_map(|value| [value.expose(), keys::normalize(value.expose())]);
    Scrubber::new(values)
}

/// What the host handed over: the granted environment and the project files.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub env: Vec<(String, String)>,
    /// The current directory first, then its ancestors.
    pub dirs: Vec<Directory>,
    /// `.env` files in priority order.
    pub dotenvs: Vec<FileInput>,
    /// `.gitignore` files from the repository's top down to the current directory.
    pub gitignores: Vec<FileInput>,
}

/// One file read through the `project` import.
#[derive(Debug, Clone)]
pub struct FileInput {
    pub source: Source,
    pub depth: usize,
    pub read: Result<Option<FileContents>, ReadError>,
}

/// Everything the chain needs, given the directories from the current one up and a way to read
/// a file in one of them: the `.env` files the chain consults, and every `.gitignore` from the
/// repository's top (or the current directory, outside one) down. The one place that decides
/// which files are read.
pub fn gather(
    env: Vec<(String, String)>,
    dirs: Vec<Directory>,
    read: impl Fn(usize, ProjectFile) -> Result<Option<FileContents>, ReadError>,
) -> Inputs {
    let dotenvs = dotenv_locations(&dirs)
        .into_iter()
        .map(|(source, depth)| FileInput {
            source,
            depth,
            read: read(depth, ProjectFile::Dotenv),
        })
        .collect();
    let top = git_top(&dirs).unwrap_or(0);
    let gitignores = (0..=top)
        .map(|depth| FileInput {
            source: Source::CwdDotenv,
            depth,
            read: read(depth, ProjectFile::Gitignore),
        })
        .collect();
    Inputs {
        env,
        dirs,
        dotenvs,
        gitignores,
    }
}

/// Inputs a caller gathered itself (the pure `resolve` export): for each directory from the
/// current one up, its markers and the files it holds. A `.env` over 1 MiB counts as
/// unusable, as the `project` import would report it.
pub fn inputs_from(env: Vec<(String, String)>, directories: &[DirectoryInput]) -> Inputs {
    let dirs = directories
        .iter()
        .map(|d| Directory {
            path: d.path.clone(),
            has_git: d.has_git,
            has_skills: d.has_skills,
        })
        .collect();
    gather(env, dirs, |depth, file| {
        let Some(d) = directories.get(depth) else {
            return Ok(None);
        };
        let (bytes, mode) = match file {
            ProjectFile::Dotenv => (&d.dotenv, d.dotenv_mode),
            ProjectFile::Gitignore => (&d.gitignore, None),
        };
        match bytes {
            None => Ok(None),
            Some(b) if b.len() > MAX_DOTENV => Err(ReadError::TooLarge(b.len() as u64)),
            Some(b) => Ok(Some(FileContents {
                bytes: b.clone(),
                mode,
            })),
        }
    })
}

/// For tests: a project of one directory, `/p`, with `env` and the given files.
#[cfg(test)]
pub fn one_directory(
    env: &[(&str, &str)],
    dotenv: Option<&str>,
    gitignore: Option<&str>,
    has_git: bool,
) -> Inputs {
    let directory = DirectoryInput {
        path: "/p".into(),
        has_git,
        has_skills: false,
        dotenv: dotenv.map(|t| t.as_bytes().to_vec()),
        dotenv_mode: Some(0o600),
        gitignore: gitignore.map(|t| t.as_bytes().to_vec()),
    };
    let env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    inputs_from(env, &[directory])
}

/// The most of a `.env` file the policy reads, as SPEC §1 says.
const MAX_DOTENV: usize = 1024 * 1024;

/// The `.env` files the chain consults, as (source, depth): the current directory's, and the
/// repository root's when that is another directory.
pub fn dotenv_locations(dirs: &[Directory]) -> Vec<(Source, usize)> {
    let mut out = vec![(Source::CwdDotenv, 0)];
    if let Some(root) = chain::repo_root(dirs.iter().map(|d| (d.has_git, d.has_skills)))
        && root > 0
    {
        out.push((Source::RepoDotenv, root));
    }
    out
}

/// The depth of the repository's top for git: the nearest directory with a `.git` entry.
pub fn git_top(dirs: &[Directory]) -> Option<usize> {
    dirs.iter().position(|d| d.has_git)
}

/// The path of `name` inside the directory at `depth`.
pub fn file_path(dirs: &[Directory], depth: usize, name: &str) -> String {
    let dir = dirs.get(depth).map_or("", |d| d.path.trim_end_matches('/'));
    format!("{dir}/{name}")
}

/// A `.env` file after reading and parsing.
struct Dotenv {
    source: Source,
    depth: usize,
    path: String,
    parsed: Option<Parsed>,
    mode: Option<u32>,
    /// `absent`, `read` or `unusable`.
    state: &'static str,
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

pub fn build(inputs: &Inputs, options: &StatusOptions) -> StatusReport {
    resolve(inputs, options).report
}

pub fn resolve(inputs: &Inputs, options: &StatusOptions) -> Resolved {
    let mut warnings = Vec::new();
    let dotenvs: Vec<Dotenv> = inputs
        .dotenvs
        .iter()
        .map(|input| read_dotenv(inputs, input, &mut warnings))
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

    for name in GRANTED {
        for level in chain::blanks(&levels, name) {
            warnings.push(warning(
                "empty-value",
                format!(
                    "{name} is set but empty in {}, so it counts as unset there",
                    level.describe()
                ),
            ));
        }
    }

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
    if let Some(why) = &endpoint.refused {
        warnings.push(warning(
            "endpoint-refused",
            format!("{why}; verification would not be sent"),
        ));
    }

    let verdict = match key.as_ref().map(|k| k.kind) {
        Some(KeyKind::Standard) => Verdict::Usable,
        Some(KeyKind::Plan) => Verdict::PlanKey,
        _ => Verdict::NoUsableKey,
    };
    let (next_steps, links) = next_steps(key.as_ref());

    let report = StatusReport {
        key,
        shadowed,
        endpoint: EndpointReport {
            base: endpoint.base.clone(),
            probe_url: endpoint.probe_url.clone(),
            region: endpoint.region.clone(),
            chosen_by: endpoint.chosen_by.clone(),
        },
        warnings,
        oss: oss::report(&levels),
        verdict,
        next_steps,
        links,
        dotenv_files: dotenvs
            .iter()
            .map(|d| DotenvReport {
                source: d.source,
                path: d.path.clone(),
                state: d.state.to_string(),
                entries: d
                    .parsed
                    .as_ref()
                    .map_or(0, |p| u32::try_from(p.entries.len()).unwrap_or(u32::MAX)),
            })
            .collect(),
    };
    let mut report = report;
    report.scrub_with(&scrubber);
    Resolved {
        report,
        key: resolution.key.map(|k| k.value),
        endpoint,
        scrubber,
    }
}

fn read_dotenv(inputs: &Inputs, input: &FileInput, warnings: &mut Vec<Warning>) -> Dotenv {
    let path = file_path(&inputs.dirs, input.depth, ".env");
    let mut dotenv = Dotenv {
        source: input.source,
        depth: input.depth,
        path: path.clone(),
        parsed: None,
        mode: None,
        state: "absent",
    };
    match &input.read {
        Ok(None) => {}
        Ok(Some(file)) => {
            let parsed = dotenv::parse(&file.bytes);
            for problem in parsed.describe_problems(&path) {
                warnings.push(warning("dotenv-syntax", problem));
            }
            for name in GRANTED {
                let lines: Vec<u32> = parsed
                    .entries
                    .iter()
                    .filter(|e| e.name == name)
                    .map(|e| e.line)
                    .collect();
                if let [.., before, last] = lines[..] {
                    warnings.push(warning(
                        "dotenv-duplicate",
                        format!(
                            "{path}:{last}: {name} is set again (also on line {before}); \
                             the last one counts"
                        ),
                    ));
                }
            }
            dotenv.mode = file.mode;
            dotenv.parsed = Some(parsed);
            dotenv.state = "read";
        }
        Err(error) => {
            dotenv.state = "unusable";
            warnings.push(warning(
                "dotenv-unusable",
                format!("{path} {}; it is ignored", read_error(error)),
            ));
        }
    }
    dotenv
}

pub fn read_error(error: &ReadError) -> String {
    match error {
        ReadError::TooLarge(size) => {
            format!("is larger than the 1 MiB a .env file may be ({size} bytes)")
        }
        ReadError::NotAFile => "is not a regular file".into(),
        ReadError::SymlinkOutside => {
            "is a symbolic link to a file outside its directory, which is not followed".into()
        }
        ReadError::NoSuchDirectory => "is in a directory that does not exist".into(),
        ReadError::Io(why) => format!("could not be read ({why})"),
    }
}

/// Warnings about the files that hold secrets: readable by others, or not ignored by git.
fn check_files(inputs: &Inputs, dotenvs: &[Dotenv], warnings: &mut Vec<Warning>) {
    let top = git_top(&inputs.dirs);
    let rules = gitignore_rules(inputs, top);
    for d in dotenvs {
        let Some(parsed) = &d.parsed else { continue };
        let holds_secret = parsed
            .entries
            .iter()
            .any(|e| is_secret(&e.name) && !e.value.expose().trim().is_empty());
        if !holds_secret {
            continue;
        }
        if let Some(mode) = d.mode
            && mode & 0o044 != 0
        {
            warnings.push(warning(
                "dotenv-permissions",
                format!(
                    "{} holds a secret and is readable by other users (mode {:03o}); run \
                     `chmod 600 {}`",
                    d.path, mode, d.path
                ),
            ));
        }
        if let Some(top) = top
            && d.depth <= top
            && !gitignore::is_ignored(&rules, &relative_path(&inputs.dirs, top, d.depth))
        {
            warnings.push(warning(
                "dotenv-not-ignored",
                format!(
                    "{} holds a secret but .gitignore does not cover it; add `.env` to \
                     .gitignore so it is never committed",
                    d.path
                ),
            ));
        }
    }
}

/// The parsed `.gitignore` files, top down, each with its directory relative to `top`.
fn gitignore_rules(inputs: &Inputs, top: Option<usize>) -> Vec<Rules> {
    let Some(top) = top else { return Vec::new() };
    let mut files: Vec<&FileInput> = inputs
        .gitignores
        .iter()
        .filter(|g| g.depth <= top)
        .collect();
    files.sort_by_key(|g| std::cmp::Reverse(g.depth));
    files
        .into_iter()
        .filter_map(|g| match &g.read {
            Ok(Some(file)) => Some(Rules::parse(
                relative_dir(&inputs.dirs, top, g.depth).as_str(),
                &String::from_utf8_lossy(&file.bytes),
            )),
            _ => None,
        })
        .collect()
}

/// The directory at `depth`, relative to the one at `top` (a greater depth).
pub fn relative_dir(dirs: &[Directory], top: usize, depth: usize) -> String {
    let names: Vec<&str> = (depth..top)
        .rev()
        .filter_map(|d| dirs.get(d))
        .map(|d| {
            d.path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
        })
        .collect();
    names.join("/")
}

fn relative_path(dirs: &[Directory], top: usize, depth: usize) -> String {
    let dir = relative_dir(dirs, top, depth);
    if dir.is_empty() {
        ".env".into()
    } else {
        format!("{dir}/.env")
    }
}

fn choose_endpoint(
    levels: &[Level],
    options: &StatusOptions,
    scrubber: &Scrubber,
) -> (Endpoint, Vec<endpoint::Problem>) {
    let from = |name: &str| chain::setting(levels, name).map(|(level, v)| (v, level.describe()));
    let mut problems = Vec::new();
    // A URL that holds a secret would carry it to the server, and into every report.
    let base_url = from(BASE_URL).filter(|(url, _)| {
        let clean = scrubber.is_clean(url);
        if !clean {
            problems.push(endpoint::Problem {
                code: "invalid-base-url",
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
        name: found.name.to_string(),
        source: found.source,
        path: found.path.clone(),
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
    warning(
        "shadowed-key",
        format!(
            "{} in {} holds a different key ({}) that is not used: {} from {} ({}) wins",
            lost.name,
            where_(lost),
            shown(report),
            winner.name,
            where_(winner),
            shown(key),
        ),
    )
}

/// The WIT case name of a source, as records and JSON spell it.
pub fn source_name(source: Source) -> &'static str {
    match source {
        Source::Env => "env",
        Source::CwdDotenv => "cwd-dotenv",
        Source::RepoDotenv => "repo-dotenv",
    }
}

/// The WIT case name of a key kind.
pub fn kind_name(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Standard => "standard",
        KeyKind::Plan => "plan",
        KeyKind::Placeholder => "placeholder",
        KeyKind::Foreign => "foreign",
        KeyKind::Malformed => "malformed",
    }
}

/// `the environment` or the `.env` path.
pub fn where_(found: &Found) -> String {
    found
        .path
        .clone()
        .unwrap_or_else(|| "the environment".into())
}

fn next_steps(key: Option<&KeyReport>) -> (Vec<String>, Vec<Link>) {
    let place = |k: &KeyReport| match &k.path {
        Some(path) => format!("{} in {path}", k.name),
        None => format!("{} in the environment", k.name),
    };
    let create = "create a key on the API-key page (standard keys start with `sk-`, not `sk-sp-`)";
    let steps = match key {
        None => vec![
            format!("No API key is configured: {create}."),
            "Then either run `export DASHSCOPE_API_KEY='sk-...'` in your shell, or add the line \
             `DASHSCOPE_API_KEY=sk-your-key-here` to ./.env and replace the placeholder with \
             your key. Keep .env out of git."
                .to_string(),
        ],
        Some(k) => match k.kind {
            KeyKind::Standard => Vec::new(),
            KeyKind::Plan => vec![format!(
                "{} holds a Token Plan key, which serves interactive AI tools only and is never \
                 sent by this tool; scripts need a standard pay-as-you-go key: {create}.",
                place(k)
            )],
            KeyKind::Placeholder => vec![format!(
                "{} holds a placeholder: replace it with your key ({create}).",
                place(k)
            )],
            KeyKind::Foreign => vec![format!(
                "{} {}. Put your DashScope API key there instead ({create}).",
                place(k),
                k.detail
            )],
            KeyKind::Malformed => vec![format!(
                "{} {}. Copy the key again from the API-key page.",
                place(k),
                k.detail
            )],
        },
    };
    let mut links = Vec::new();
    if !steps.is_empty() {
        links.push(links::get(Topic::ApiKeys));
    }
    if key.is_some_and(|k| k.kind == KeyKind::Plan) {
        links.push(links::get(Topic::TokenPlan));
    }
    (steps, links)
}

fn warning(code: &str, message: String) -> Warning {
    Warning {
        code: code.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-FAKE_SENTINEL_Zq8vX3mKw9Tj_a1b2";
    const OTHER: &str = "sk-FAKE_SENTINEL_Jd6Yu1Qe5Wn8_9f3c";

    /// A project: directories from the current one up, with their markers and files.
    struct Project {
        env: Vec<(String, String)>,
        dirs: Vec<(&'static str, bool, bool)>,
        files: Vec<(usize, &'static str, Vec<u8>, u32)>,
    }

    impl Project {
        fn new(dirs: &[(&'static str, bool, bool)]) -> Self {
            Self {
                env: Vec::new(),
                dirs: dirs.to_vec(),
                files: Vec::new(),
            }
        }

        fn env(mut self, name: &str, value: &str) -> Self {
            self.env.push((name.into(), value.into()));
            self
        }

        fn file(mut self, depth: usize, name: &'static str, text: &str, mode: u32) -> Self {
            self.files
                .push((depth, name, text.as_bytes().to_vec(), mode));
            self
        }

        fn read(&self, depth: usize, name: &str) -> Result<Option<FileContents>, ReadError> {
            Ok(self
                .files
                .iter()
                .find(|(d, n, _, _)| *d == depth && *n == name)
                .map(|(_, _, bytes, mode)| FileContents {
                    bytes: bytes.clone(),
                    mode: Some(*mode),
                }))
        }

        /// What `gather` collects from this project.
        fn inputs(&self) -> Inputs {
            let dirs: Vec<Directory> = self
                .dirs
                .iter()
                .map(|(path, has_git, has_skills)| Directory {
                    path: path.to_string(),
                    has_git: *has_git,
                    has_skills: *has_skills,
                })
                .collect();
            gather(self.env.clone(), dirs, |depth, file| {
                self.read(
                    depth,
                    match file {
                        ProjectFile::Dotenv => ".env",
                        ProjectFile::Gitignore => ".gitignore",
                    },
                )
            })
        }

        fn status(&self) -> StatusReport {
            build(
                &self.inputs(),
                &StatusOptions {
                    region: None,
                    granted_hosts: Vec::new(),
                },
            )
        }
    }

    fn codes(r: &StatusReport) -> Vec<&str> {
        r.warnings.iter().map(|w| w.code.as_str()).collect()
    }

    fn assert_no_sentinel(r: &StatusReport) {
        let text = format!("{r:?}");
        assert!(!text.contains("SENTINEL"), "the report holds a key");
    }

    const FLAT: &[(&str, bool, bool)] = &[
        ("/work/p", false, false),
        ("/work", false, false),
        ("/", false, false),
    ];
    const REPO: &[(&str, bool, bool)] = &[
        ("/r/a/b", false, false),
        ("/r/a", false, false),
        ("/r", true, false),
        ("/", false, false),
    ];

    #[test]
    fn no_key_anywhere() {
        let r = Project::new(FLAT).status();
        assert!(r.key.is_none());
        assert_eq!(r.verdict, Verdict::NoUsableKey);
        assert!(r.next_steps[0].contains("No API key"));
        assert_eq!(r.links[0].topic, "api-keys");
        assert_eq!(r.dotenv_files.len(), 1, "no repository root, so one .env");
        assert_eq!(r.dotenv_files[0].state, "absent");
    }

    #[test]
    fn key_in_the_environment() {
        let r = Project::new(FLAT).env("DASHSCOPE_API_KEY", KEY).status();
        let key = r.key.as_ref().unwrap();
        assert_eq!((key.source, key.kind), (Source::Env, KeyKind::Standard));
        assert_eq!(key.masked.as_deref(), Some("sk-****************a1b2"));
        assert_eq!(r.verdict, Verdict::Usable);
        assert!(r.next_steps.is_empty() && r.warnings.is_empty());
        assert_no_sentinel(&r);
    }

    #[test]
    fn repo_root_env_from_a_subdirectory() {
        let r = Project::new(REPO)
            .file(2, ".env", &format!("DASHSCOPE_API_KEY={KEY}\n"), 0o600)
            .file(2, ".gitignore", ".env\n", 0o644)
            .status();
        let key = r.key.as_ref().unwrap();
        assert_eq!(key.source, Source::RepoDotenv);
        assert_eq!(key.path.as_deref(), Some("/r/.env"));
        assert!(r.warnings.is_empty(), "{:?}", codes(&r));
        assert_eq!(r.dotenv_files[1].entries, 1);
    }

    #[test]
    fn skills_directory_marks_the_root() {
        let dirs = &[
            ("/s/x", false, false),
            ("/s", false, true),
            ("/", false, false),
        ];
        let r = Project::new(dirs)
            .file(1, ".env", &format!("QIANWEN_API_KEY={KEY}"), 0o600)
            .status();
        assert_eq!(r.key.as_ref().unwrap().source, Source::RepoDotenv);
        // Not a git repository: nothing to ignore it from.
        assert!(!codes(&r).contains(&"dotenv-not-ignored"));
    }

    #[test]
    fn environment_beats_dotenv_and_the_loser_is_reported() {
        let r = Project::new(FLAT)
            .env("DASHSCOPE_API_KEY", KEY)
            .file(0, ".env", &format!("DASHSCOPE_API_KEY={OTHER}"), 0o600)
            .status();
        assert_eq!(r.key.as_ref().unwrap().source, Source::Env);
        assert_eq!(r.shadowed.len(), 1);
        assert_eq!(r.shadowed[0].source, Source::CwdDotenv);
        let w = r
            .warnings
            .iter()
            .find(|w| w.code == "shadowed-key")
            .unwrap();
        assert!(
            w.message.contains("sk-****************9f3c"),
            "{}",
            w.message
        );
        assert_no_sentinel(&r);
    }

    #[test]
    fn verdicts_for_each_kind() {
        for (value, verdict) in [
            ("sk-your-key-here", Verdict::NoUsableKey),
            ("sk-sp-FAKE_SENTINEL_Hb2Ng7Rc4Xv9", Verdict::PlanKey),
            ("sk-FAKE_SENTINEL bad_Vm3Kx9Pg4Tz", Verdict::NoUsableKey),
            ("LTAI5tFAKE_SENTINEL_0000", Verdict::NoUsableKey),
        ] {
            let r = Project::new(FLAT).env("DASHSCOPE_API_KEY", value).status();
            assert_eq!(r.verdict, verdict, "{value:?}");
            assert!(!r.next_steps.is_empty());
            assert_no_sentinel(&r);
        }
        let r = Project::new(FLAT)
            .env("DASHSCOPE_API_KEY", "sk-sp-FAKE_SENTINEL_Hb2Ng7Rc4Xv9")
            .status();
        assert!(r.links.iter().any(|l| l.topic == "token-plan"));
    }

    #[test]
    fn dotenv_warnings() {
        let text = format!(
            "DASHSCOPE_API_KEY={KEY}\nbroken line\nDASHSCOPE_API_KEY={KEY}\nQWEN_REGION=\n"
        );
        let r = Project::new(REPO).file(0, ".env", &text, 0o644).status();
        let c = codes(&r);
        for code in [
            "dotenv-syntax",
            "dotenv-duplicate",
            "empty-value",
            "dotenv-permissions",
            "dotenv-not-ignored",
        ] {
            assert!(c.contains(&code), "{code} missing from {c:?}");
        }
        let syntax = r
            .warnings
            .iter()
            .find(|w| w.code == "dotenv-syntax")
            .unwrap();
        assert!(
            syntax.message.starts_with("/r/a/b/.env:2: "),
            "{}",
            syntax.message
        );
        assert_no_sentinel(&r);
    }

    #[test]
    fn gitignore_in_a_parent_covers_the_file() {
        let r = Project::new(REPO)
            .file(0, ".env", &format!("DASHSCOPE_API_KEY={KEY}"), 0o600)
            .file(2, ".gitignore", "a/**/.env\n", 0o644)
            .status();
        assert!(
            !codes(&r).contains(&"dotenv-not-ignored"),
            "{:?}",
            codes(&r)
        );
        let r = Project::new(REPO)
            .file(0, ".env", &format!("DASHSCOPE_API_KEY={KEY}"), 0o600)
            .file(2, ".gitignore", "/.env\n", 0o644)
            .status();
        assert!(codes(&r).contains(&"dotenv-not-ignored"));
    }

    #[test]
    fn files_without_secrets_raise_no_file_warnings() {
        let r = Project::new(REPO)
            .file(0, ".env", "QWEN_REGION=cn-beijing\n", 0o666)
            .status();
        assert!(r.warnings.is_empty(), "{:?}", codes(&r));
        assert_eq!(r.endpoint.chosen_by, "QWEN_REGION (/r/a/b/.env)");
    }

    #[test]
    fn unusable_dotenv_is_reported() {
        let mut inputs = Project::new(FLAT).inputs();
        inputs.dotenvs[0].read = Err(ReadError::TooLarge(5_000_000));
        let r = build(
            &inputs,
            &StatusOptions {
                region: None,
                granted_hosts: Vec::new(),
            },
        );
        assert_eq!(r.dotenv_files[0].state, "unusable");
        assert!(r.warnings[0].message.contains("larger than the 1 MiB"));
    }

    #[test]
    fn refused_base_url_is_a_warning() {
        let r = Project::new(FLAT)
            .env("QWEN_BASE_URL", "https://evil.example/v1")
            .status();
        assert!(codes(&r).contains(&"endpoint-refused"));
        assert_eq!(r.endpoint.region, "custom");
    }

    #[test]
    fn inputs_a_caller_gathered_resolve_like_the_imports() {
        let dir = |path: &str, git: bool, dotenv: Option<&str>| DirectoryInput {
            path: path.into(),
            has_git: git,
            has_skills: false,
            dotenv: dotenv.map(|t| t.as_bytes().to_vec()),
            dotenv_mode: Some(0o600),
            gitignore: git.then(|| b".env\n".to_vec()),
        };
        let directories = [
            dir("/r/a", false, None),
            dir("/r", true, Some(&format!("DASHSCOPE_API_KEY={KEY}"))),
            dir("/", false, Some("ignored: above the repository root")),
        ];
        let inputs = inputs_from(Vec::new(), &directories);
        let r = build(
            &inputs,
            &StatusOptions {
                region: None,
                granted_hosts: Vec::new(),
            },
        );
        assert_eq!(r.key.as_ref().unwrap().source, Source::RepoDotenv);
        assert!(r.warnings.is_empty(), "{:?}", codes(&r));
        let mut big = directories.clone();
        big[0].dotenv = Some(vec![b'#'; MAX_DOTENV + 1]);
        let r = build(
            &inputs_from(Vec::new(), &big),
            &StatusOptions {
                region: None,
                granted_hosts: Vec::new(),
            },
        );
        assert_eq!(r.dotenv_files[0].state, "unusable");
        // No directories at all: nothing to read, and no panic.
        let r = build(
            &inputs_from(Vec::new(), &[]),
            &StatusOptions {
                region: None,
                granted_hosts: Vec::new(),
            },
        );
        assert!(r.key.is_none());
    }

    #[test]
    fn only_policy_variables_are_considered() {
        let r = Project::new(FLAT).env("OPENAI_API_KEY", KEY).status();
        assert!(r.key.is_none());
    }
}
