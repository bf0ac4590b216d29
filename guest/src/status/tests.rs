//! The status report, end to end over pure inputs.

use super::inputs::MAX_DOTENV;
use super::*;
use crate::names::Named;
use crate::wit::policy::DirectoryInput;
use crate::wit::project::{
    Directory, FileContents, GitAnswer, GitRepository, IgnoreFile, ProjectFile, ReadError,
};
use crate::wit::types::{EndpointChoice, Source, System};

const KEY: &str = "sk-FAKE_SENTINEL_Zq8vX3mKw9Tj_a1b2";
const OTHER: &str = "sk-FAKE_SENTINEL_Jd6Yu1Qe5Wn8_9f3c";

/// A project: directories from the current one up, with their markers and files.
struct Project {
    env: Vec<(String, String)>,
    dirs: Vec<(&'static str, bool, bool)>,
    files: Vec<(usize, &'static str, Vec<u8>, u32)>,
    /// What git makes of the `.env` files, as the host would tell.
    git: Option<GitAnswer>,
}

impl Project {
    fn new(dirs: &[(&'static str, bool, bool)]) -> Self {
        Self {
            env: Vec::new(),
            dirs: dirs.to_vec(),
            files: Vec::new(),
            git: None,
        }
    }

    /// A repository whose index holds the `.env` files at `tracked`, and whose
    /// `info/exclude` holds `exclude`.
    fn git(mut self, tracked: &[u32], exclude: Option<&str>) -> Self {
        self.git = Some(GitAnswer::Repository(GitRepository {
            tracked: tracked.to_vec(),
            info_exclude: exclude.map(|text| IgnoreFile {
                path: "/r/.git/info/exclude".into(),
                bytes: text.as_bytes().to_vec(),
            }),
            excludes_file: None,
        }));
        self
    }

    fn git_answer(mut self, answer: GitAnswer) -> Self {
        self.git = Some(answer);
        self
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
                has_dotenv_local: false,
            })
            .collect();
        gather(
            self.env.clone(),
            dirs,
            |depth, file| {
                self.read(
                    depth,
                    match file {
                        ProjectFile::Dotenv => ".env",
                        ProjectFile::Gitignore => ".gitignore",
                    },
                )
            },
            self.git.clone().map(|answer| {
                GitLookup::new(move |depths| {
                    assert!(
                        !depths.is_empty(),
                        "git is asked only about files that exist"
                    );
                    answer.clone()
                })
            }),
        )
    }

    fn status(&self) -> StatusReport {
        build(&self.inputs(), &sending_nothing(System::Unix))
    }
}

fn codes(r: &StatusReport) -> Vec<&str> {
    r.warnings.iter().map(|w| w.code.name()).collect()
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
    assert!(r.next_steps[0].words.contains("Create a standard key"));
    assert_eq!(r.links[0].topic.name(), "api-keys");
    assert_eq!(r.dotenv_files.len(), 1, "no repository root, so one .env");
    assert_eq!(r.dotenv_files[0].state.name(), "absent");
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
        .find(|w| w.code.name() == "shadowed-key")
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
    assert!(r.links.iter().any(|l| l.topic.name() == "token-plan"));
}

#[test]
fn dotenv_warnings() {
    let text =
        format!("DASHSCOPE_API_KEY={KEY}\nbroken line\nDASHSCOPE_API_KEY={KEY}\nQWEN_REGION=\n");
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
        .find(|w| w.code.name() == "dotenv-syntax")
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
    assert_eq!(
        r.endpoint.chosen_by,
        EndpointChoice::RegionVariable("/r/a/b/.env".into())
    );
}

#[test]
fn unusable_dotenv_is_reported() {
    let mut inputs = Project::new(FLAT).inputs();
    inputs.dotenvs[0].read = Err(ReadError::TooLarge(5_000_000));
    let r = build(&inputs, &sending_nothing(System::Unix));
    assert_eq!(r.dotenv_files[0].state.name(), "unusable");
    assert!(r.warnings[0].message.contains("larger than the 1 MiB"));
}

/// The advice is for the system the host says, whatever the paths look like: a Unix path on
/// Windows (a WSL share) or a drive letter in a Unix name must not choose the shell.
#[test]
fn the_advice_is_for_the_system_the_host_names() {
    let inputs = Project::new(FLAT).inputs();
    let advice = |system| {
        let options = sending_nothing(system);
        Advice::joined(&build(&inputs, &options).next_steps).words
    };
    let windows = advice(System::Windows);
    assert!(
        windows.contains("`$env:DASHSCOPE_API_KEY = 'sk-...'` in PowerShell"),
        "{windows}"
    );
    assert!(!windows.contains("mode 0600"), "{windows}");
    let unix = advice(System::Unix);
    assert!(
        unix.contains("`export DASHSCOPE_API_KEY='sk-...'` in your shell"),
        "{unix}"
    );
    assert!(unix.contains("mode 0600"), "{unix}");
}

#[test]
fn refused_base_url_is_a_warning() {
    let r = Project::new(FLAT)
        .env("QWEN_BASE_URL", "https://evil.example/v1")
        .status();
    assert!(codes(&r).contains(&"endpoint-refused"));
    assert_eq!(r.endpoint.region.name(), "custom");
}

#[test]
fn inputs_a_caller_gathered_resolve_like_the_imports() {
    let dir = |path: &str, git: bool, dotenv: Option<&str>| DirectoryInput {
        path: path.into(),
        has_git: git,
        has_skills: false,
        has_dotenv_local: false,
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
    let r = build(&inputs, &sending_nothing(System::Unix));
    assert_eq!(r.key.as_ref().unwrap().source, Source::RepoDotenv);
    assert!(r.warnings.is_empty(), "{:?}", codes(&r));
    let mut big = directories.clone();
    big[0].dotenv = Some(vec![b'#'; MAX_DOTENV + 1]);
    let r = build(
        &inputs_from(Vec::new(), &big),
        &sending_nothing(System::Unix),
    );
    assert_eq!(r.dotenv_files[0].state.name(), "unusable");
    // No directories at all: nothing to read, and no panic.
    let r = build(
        &inputs_from(Vec::new(), &[]),
        &sending_nothing(System::Unix),
    );
    assert!(r.key.is_none());
}

#[test]
fn only_policy_variables_are_considered() {
    let r = Project::new(FLAT).env("OPENAI_API_KEY", KEY).status();
    assert!(r.key.is_none());
}

/// Warnings of one code.
fn coded(report: &StatusReport, code: WarningCode) -> Vec<&str> {
    report
        .warnings
        .iter()
        .filter(|w| w.code == code)
        .map(|w| w.message.as_str())
        .collect()
}

#[test]
fn git_s_own_answer_decides_tracked_and_ignored() {
    let project = || {
        Project::new(&[("/r", true, false)]).file(
            0,
            ".env",
            &format!("DASHSCOPE_API_KEY={KEY}\n"),
            0o600,
        )
    };
    // Ignored by a rule the .gitignore files do not hold (info/exclude, core.excludesFile).
    let r = project().git(&[], Some(".env\n")).status();
    assert!(coded(&r, WarningCode::DotenvNotIgnored).is_empty());
    assert!(coded(&r, WarningCode::DotenvTracked).is_empty());
    // A .gitignore file outranks info/exclude.
    let r = project()
        .file(0, ".gitignore", "!.env\n", 0o644)
        .git(&[], Some(".env\n"))
        .status();
    assert_eq!(coded(&r, WarningCode::DotenvNotIgnored).len(), 1);
    // Tracked, whatever the ignore rules say: the worst case, with its fix.
    let r = project()
        .file(0, ".gitignore", ".env\n", 0o644)
        .git(&[0], None)
        .status();
    let tracked = coded(&r, WarningCode::DotenvTracked);
    assert_eq!(tracked.len(), 1, "{:?}", r.warnings);
    assert!(
        tracked[0].contains("git rm --cached .env"),
        "{}",
        tracked[0]
    );
    assert!(tracked[0].contains("rotate the key"), "{}", tracked[0]);
    // And it is the one next step, before any other.
    assert!(
        r.next_steps[0].words.starts_with("Rotate the key first"),
        "{:?}",
        r.next_steps
    );
    assert!(
        !tracked[0].contains("add `.env` to .gitignore"),
        "{}",
        tracked[0]
    );
    let r = project().git(&[0], None).status();
    assert!(coded(&r, WarningCode::DotenvTracked)[0].contains("add `.env` to .gitignore"));
    assert!(
        coded(&r, WarningCode::DotenvNotIgnored).is_empty(),
        "one warning, not two"
    );
    // Without git's word, the .gitignore files decide.
    let r = project().file(0, ".gitignore", ".env\n", 0o644).status();
    assert!(coded(&r, WarningCode::DotenvNotIgnored).is_empty());
    assert_eq!(
        coded(&project().status(), WarningCode::DotenvNotIgnored).len(),
        1
    );
}

/// A repository the host could not read: said as such, with the host's reason, and the
/// `.gitignore` files alone judge whether the file is ignored.
#[test]
fn a_repository_that_cannot_be_read_is_said_to_be_so() {
    let why = "/r/.git/index is not a regular file";
    let project = Project::new(&[("/r", true, false)])
        .file(0, ".env", &format!("DASHSCOPE_API_KEY={KEY}\n"), 0o600)
        .git_answer(GitAnswer::CannotTell(why.into()));
    let r = project.status();
    let unknown = coded(&r, WarningCode::GitUnknown);
    assert_eq!(unknown.len(), 1, "{:?}", r.warnings);
    assert!(
        unknown[0]
            .contains("whether git tracks it cannot be told: /r/.git/index is not a regular file"),
        "{}",
        unknown[0]
    );
    assert_eq!(coded(&r, WarningCode::DotenvNotIgnored).len(), 1);
    let r = project.file(0, ".gitignore", ".env\n", 0o644).status();
    assert!(coded(&r, WarningCode::DotenvNotIgnored).is_empty());
    assert_eq!(coded(&r, WarningCode::GitUnknown).len(), 1);
}

/// Git is not asked when no file that holds a secret is in a repository.
#[test]
fn git_is_asked_only_when_its_answer_is_used() {
    let never = GitAnswer::CannotTell("asked".into());
    for project in [
        Project::new(&[("/r", true, false)]).file(0, ".env", "OTHER=1\n", 0o600),
        Project::new(&[("/r", true, false)]),
        Project::new(&[("/r", false, false)]).file(
            0,
            ".env",
            &format!("DASHSCOPE_API_KEY={KEY}\n"),
            0o600,
        ),
    ] {
        let r = project.git_answer(never.clone()).status();
        assert!(
            coded(&r, WarningCode::GitUnknown).is_empty(),
            "{:?}",
            r.warnings
        );
    }
}

/// A `.env.local` beside the `.env` the chain reads is named when no key is found: other
/// loaders read it, and a key put there would otherwise meet a bare "no key".
#[test]
fn a_dotenv_local_is_named_when_no_key_is_found() {
    let dir = |local: bool, dotenv: Option<&str>| DirectoryInput {
        path: "/p".into(),
        has_git: true,
        has_skills: false,
        has_dotenv_local: local,
        dotenv: dotenv.map(|t| t.as_bytes().to_vec()),
        dotenv_mode: Some(0o600),
        gitignore: None,
    };
    let options = sending_nothing(System::Unix);
    let steps = |d: DirectoryInput| {
        let report = build(&inputs_from(Vec::new(), &[d]), &options);
        report
            .next_steps
            .into_iter()
            .map(|a| a.words)
            .collect::<Vec<_>>()
    };
    let named = steps(dir(true, None));
    assert!(named[0].starts_with("/p/.env.local exists"), "{named:?}");
    assert!(!steps(dir(false, None))[0].contains(".env.local"));
    let key = format!("DASHSCOPE_API_KEY={KEY}\n");
    assert!(
        steps(dir(true, Some(&key))).is_empty(),
        "a key was found: nothing to say"
    );
}
