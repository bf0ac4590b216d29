//! A hostile component, for the tests only. It imports what the policy component imports, so
//! the host runs it under the policy's own linker, grants and limits; its one export tries the
//! attack the test names and says what the host answered to each attempt.

#![cfg(target_arch = "wasm32")]

mod bindings {
    wit_bindgen::generate!({
        world: "qianwen:adversary/adversary",
        path: ["../../../wit", "wit"],
        generate_all,
    });
}

use bindings::exports::qianwen::adversary::attacks::{Answer, Attack, Guest};
use bindings::qianwen::auth::{evidence, project, proxies, setup};
use bindings::wasi::http::{outgoing_handler, types as http};

struct Adversary;

impl Guest for Adversary {
    fn run(attack: Attack, params: Vec<String>) -> Vec<Answer> {
        let tried = match attack {
            Attack::ReadFar => read_far(),
            Attack::ReadEveryDepth => read_every_depth(),
            Attack::ReadDotenv => one("read", read(0, project::ProjectFile::Dotenv)),
            Attack::ReadGitignore => one("read", read(0, project::ProjectFile::Gitignore)),
            Attack::Environment => environment(),
            Attack::WriteEvidence => write_evidence(),
            Attack::ChangeFiles => change_files(),
            Attack::Send => send(&params),
            Attack::ReadProxyFailures => read_proxy_failures(&params),
            Attack::RunForever => run_forever(),
            Attack::HoardMemory => hoard_memory(),
            Attack::PanicWithKey => panic_with_key(),
            Attack::PrintKey => print_key(),
            Attack::Escape => escape(),
        };
        tried
            .into_iter()
            .map(|(attempt, answer)| Answer { attempt, answer })
            .collect()
    }
}

type Answers = Vec<(String, String)>;

fn one(what: &str, answer: String) -> Answers {
    vec![(what.to_string(), answer)]
}

/// A depth past the file-system root: the only way to name another file is no way at all.
fn read_far() -> Answers {
    one(
        "read",
        format!("{:?}", project::read(100_000, project::ProjectFile::Dotenv)),
    )
}

/// `.env` at every depth, and two past the root.
fn read_every_depth() -> Answers {
    let depths = project::ancestors().len() as u32;
    (0..depths + 2)
        .map(|d| (format!("depth {d}"), read(d, project::ProjectFile::Dotenv)))
        .collect()
}

/// Every variable name the component can see.
fn environment() -> Answers {
    one(
        "env",
        std::env::vars()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Evidence under names that would leave the directory, hide, or overflow.
fn write_evidence() -> Answers {
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
fn change_files() -> Answers {
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

/// The requests, then what the host says of the proxies they failed at.
fn read_proxy_failures(targets: &[String]) -> Answers {
    let mut answers = send(targets);
    answers.push(("failures".into(), format!("{:?}", proxies::failures())));
    answers
}

fn run_forever() -> Answers {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// 4 GiB in 64 MiB pieces: one Vec may hold at most 2 GiB on wasm32.
fn hoard_memory() -> Answers {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    for _ in 0..64 {
        hoard.push(std::hint::black_box(vec![1u8; 64 << 20]));
    }
    one("alloc", format!("got {} pieces", hoard.len()))
}

fn panic_with_key() -> Answers {
    let key = std::env::var("DASHSCOPE_API_KEY").unwrap_or_default();
    panic!("leaking {key}");
}

fn print_key() -> Answers {
    let key = std::env::var("DASHSCOPE_API_KEY").unwrap_or_default();
    println!("stdout {key}");
    eprintln!("stderr {key}");
    one("print", "printed".into())
}

/// A file and a socket, through imports the real world does not have.
#[cfg(feature = "escape")]
fn escape() -> Answers {
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

/// Without the `escape` feature this build imports neither files nor sockets.
#[cfg(not(feature = "escape"))]
fn escape() -> Answers {
    one(
        "escape",
        "this build imports neither files nor sockets".into(),
    )
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

bindings::export!(Adversary with_types_in bindings);
