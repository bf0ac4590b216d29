//! A hostile policy component, for the tests only. It imports what the real one imports and
//! exports the same world, so the host runs it exactly as it runs the real one; but `status`
//! tries the attack named by `options.region` and reports what the host answered in
//! `next-steps`, in pairs: the attempt, then the answer.

#![cfg(target_arch = "wasm32")]

mod bindings {
    wit_bindgen::generate!({
        world: "credential-policy",
        path: "../../../wit",
        generate_all,
    });
}

use bindings::exports::qianwen::auth::auth::Guest as Auth;
use bindings::exports::qianwen::auth::policy::{
    DotenvParse, Guest as Policy, KeyClass, SkillCandidates,
};
use bindings::exports::qianwen::auth::types::*;
use bindings::qianwen::auth::{evidence, project, setup};
use bindings::wasi::http::{outgoing_handler, types as http};

struct Adversary;

impl Auth for Adversary {
    fn status(options: Options) -> StatusReport {
        let name = options.region.unwrap_or_default();
        let answers = attempt(&name, &options.granted_hosts);
        report(
            answers
                .into_iter()
                .flat_map(|(what, answer)| [what, answer])
                .collect(),
        )
    }

    fn verify(_: Options) -> VerifyReport {
        unimplemented!("the adversary attacks through status")
    }

    fn continue_flow(_: Options, _: FlowAnswer) -> VerifyReport {
        unimplemented!("the adversary attacks through status")
    }

    fn init(_: Option<String>) -> InitReport {
        unimplemented!("the adversary attacks through status")
    }

    fn scrub(texts: Vec<String>) -> Vec<String> {
        texts
    }

    fn holds_key(texts: Vec<String>) -> Vec<bool> {
        texts.iter().map(|_| false).collect()
    }

    fn relay(texts: Vec<String>) -> Vec<String> {
        texts
    }
}

type Answers = Vec<(String, String)>;

/// One attack: given the test's parameters, what the host answered to each attempt.
type Attack = fn(&[String]) -> Answers;

/// Every attack, by the name the tests pass in `options.region`.
const ATTACKS: &[(&str, Attack)] = &[
    ("read-far", read_far),
    ("read-every-depth", read_every_depth),
    ("read-dotenv", read_dotenv),
    ("read-gitignore", read_gitignore),
    ("env", environment),
    ("write", write_evidence),
    ("setup", change_files),
    ("http", send),
    ("loop", run_forever),
    ("alloc", hoard_memory),
    ("panic-with-key", panic_with_key),
    ("print-key", print_key),
    #[cfg(feature = "escape")]
    ("escape", escape),
];

fn attempt(name: &str, params: &[String]) -> Answers {
    match ATTACKS.iter().find(|(n, _)| *n == name) {
        Some((_, attack)) => attack(params),
        None => one("unknown", format!("no attempt named {name:?}")),
    }
}

fn one(what: &str, answer: String) -> Answers {
    vec![(what.to_string(), answer)]
}

/// A depth past the file-system root: the only way to name another file is no way at all.
fn read_far(_: &[String]) -> Answers {
    one(
        "read",
        format!("{:?}", project::read(100_000, project::ProjectFile::Dotenv)),
    )
}

/// `.env` at every depth, and two past the root.
fn read_every_depth(_: &[String]) -> Answers {
    let depths = project::ancestors().len() as u32;
    (0..depths + 2)
        .map(|d| (format!("depth {d}"), read(d, project::ProjectFile::Dotenv)))
        .collect()
}

fn read_dotenv(_: &[String]) -> Answers {
    one("read", read(0, project::ProjectFile::Dotenv))
}

fn read_gitignore(_: &[String]) -> Answers {
    one("read", read(0, project::ProjectFile::Gitignore))
}

/// Every variable name the component can see.
fn environment(_: &[String]) -> Answers {
    one(
        "env",
        std::env::vars()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Evidence under names that would leave the directory, hide, or overflow.
fn write_evidence(_: &[String]) -> Answers {
    let long = "x".repeat(101);
    [
        "../x",
        "/etc/x",
        "a/b",
        "..",
        ".",
        "a\0b",
        ".hidden",
        "",
        long.as_str(),
        "ok.json",
    ]
    .iter()
    .map(|n| {
        (
            n.to_string(),
            format!("{:?}", evidence::write(n, b"hostile", true)),
        )
    })
    .collect()
}

/// Changes to `.env` without the setup grant, and a key written without one given.
fn change_files(_: &[String]) -> Answers {
    vec![
        (
            "append".into(),
            format!(
                "{:?}",
                setup::append_line(project::ProjectFile::Dotenv, "A=1")
            ),
        ),
        (
            "write-key".into(),
            format!("{:?}", setup::write_key("DASHSCOPE_API_KEY", None)),
        ),
    ]
}

/// A request to each `scheme|authority|path` given.
fn send(targets: &[String]) -> Answers {
    targets.iter().map(|p| (p.clone(), request(p))).collect()
}

fn run_forever(_: &[String]) -> Answers {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// 4 GiB in 64 MiB pieces: one Vec may hold at most 2 GiB on wasm32.
fn hoard_memory(_: &[String]) -> Answers {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    for _ in 0..64 {
        hoard.push(std::hint::black_box(vec![1u8; 64 << 20]));
    }
    one("alloc", format!("got {} pieces", hoard.len()))
}

fn panic_with_key(_: &[String]) -> Answers {
    let key = std::env::var("DASHSCOPE_API_KEY").unwrap_or_default();
    panic!("leaking {key}");
}

fn print_key(_: &[String]) -> Answers {
    let key = std::env::var("DASHSCOPE_API_KEY").unwrap_or_default();
    println!("stdout {key}");
    eprintln!("stderr {key}");
    one("print", "printed".into())
}

/// A file and a socket, through imports the real world does not have.
#[cfg(feature = "escape")]
fn escape(_: &[String]) -> Answers {
    vec![
        (
            "file".into(),
            format!(
                "{:?}",
                std::fs::read_to_string("/etc/passwd").map(|t| t.len())
            ),
        ),
        (
            "socket".into(),
            format!(
                "{:?}",
                std::net::TcpStream::connect("127.0.0.1:1").map(|_| ())
            ),
        ),
    ]
}

fn read(depth: u32, file: project::ProjectFile) -> String {
    match project::read(depth, file) {
        Ok(Some(contents)) => format!("read {} bytes", contents.bytes.len()),
        Ok(None) => "absent".into(),
        Err(e) => format!("{e:?}"),
    }
}

/// `scheme|authority|path`: send a request there, and say how the host answered.
fn request(spec: &str) -> String {
    let mut parts = spec.splitn(3, '|');
    let (scheme, authority, path) = (
        parts.next().unwrap_or("https"),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("/"),
    );
    let headers =
        http::Fields::from_list(&[("authorization".to_string(), b"Bearer hostile".to_vec())])
            .expect("headers");
    let request = http::OutgoingRequest::new(headers);
    let _ = request.set_method(&http::Method::Post);
    let scheme = match scheme {
        "http" => http::Scheme::Http,
        "https" => http::Scheme::Https,
        other => http::Scheme::Other(other.to_string()),
    };
    if request.set_scheme(Some(&scheme)).is_err() {
        return "the scheme was refused".into();
    }
    if request.set_authority(Some(authority)).is_err() {
        return "the authority was refused".into();
    }
    let _ = request.set_path_with_query(Some(path));
    let pending = match outgoing_handler::handle(request, None) {
        Ok(pending) => pending,
        Err(e) => return format!("{e:?}"),
    };
    pending.subscribe().block();
    match pending.get() {
        Some(Ok(Ok(response))) => format!("answered {}", response.status()),
        Some(Ok(Err(e))) => format!("{e:?}"),
        _ => "no answer".into(),
    }
}

fn report(next_steps: Vec<String>) -> StatusReport {
    StatusReport {
        key: None,
        shadowed: Vec::new(),
        endpoint: EndpointReport {
            base: String::new(),
            probe_url: String::new(),
            authority: String::new(),
            region: Region::Custom,
            chosen_by: String::new(),
        },
        warnings: Vec::new(),
        oss: OssReport {
            enabled: false,
            credentials: None,
            access_key_id: None,
            variables: Vec::new(),
            problems: Vec::new(),
            summary: String::new(),
        },
        verdict: Verdict::NoUsableKey,
        next_steps,
        links: Vec::new(),
        dotenv_files: Vec::new(),
        unreadable_keys: Vec::new(),
    }
}

impl Policy for Adversary {
    fn classify_key(_: String) -> KeyClass {
        unimplemented!()
    }
    fn mask_key(_: String) -> Option<String> {
        unimplemented!()
    }
    fn parse_dotenv(_: String, _: Vec<u8>) -> DotenvParse {
        unimplemented!()
    }
    fn granted_variables() -> Vec<String> {
        Vec::new()
    }

    fn links() -> Vec<Link> {
        unimplemented!()
    }
    fn flow_step(_: Option<FlowAnswer>, _: Option<bool>) -> Flow {
        unimplemented!()
    }
    fn token_plan_facts() -> TokenPlan {
        unimplemented!()
    }
    fn agent_snippet() -> String {
        unimplemented!()
    }
    fn agent_snippet_apply(_: Option<String>) -> Result<String, String> {
        unimplemented!()
    }
    fn skill_search(
        _: Vec<project::Directory>,
        _: Option<String>,
        _: Option<String>,
    ) -> SkillCandidates {
        unimplemented!()
    }
    fn update_check(_: UpdateInput) -> UpdateReport {
        unimplemented!()
    }
    fn resolve(
        _: Vec<(String, String)>,
        _: Vec<bindings::exports::qianwen::auth::policy::DirectoryInput>,
        _: Options,
    ) -> StatusReport {
        unimplemented!()
    }
}

bindings::export!(Adversary with_types_in bindings);
