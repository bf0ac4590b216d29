//! Terminal control and format characters from everything that is not this tool's own words:
//! a repository's `.env`, directory names a clone brings, option values, the environment,
//! server answers. None reaches the screen raw; `--json` and the evidence files carry C1, DEL
//! and format characters as `\u` escapes.

use crate::common::*;
use crate::mock::{Mock, Reply, compat_error};

/// What a terminal acts on or hides, found in `text`: C0 controls but line feed and tab, DEL,
/// C1 controls, bidi controls, zero-width and invisible format characters, line separators.
fn raw(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            matches!(c,
                '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
                | '\u{ad}' | '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2028}' | '\u{2029}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
                | '\u{feff}' | '\u{e0000}'..='\u{e007f}')
        })
        .collect()
}

fn assert_clean(out: &Output, what: &str) {
    let found = raw(&out.all());
    assert!(
        found.is_empty(),
        "{what}: {found:?} reached the terminal raw:\n{}",
        out.all()
    );
}

/// Everything a hostile name or value could carry, in one string: an OSC 52 clipboard write, a
/// screen clear, a C1 CSI, DEL, a bidi override, a zero-width space, a line separator, a tag.
const HOSTILE: &str =
    "x\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{7f}\u{202e}\u{200b}\u{2028}\u{e0041}y";

/// A repository `.env` whose `QWEN_BASE_URL` carries the sequences (once printed three times by
/// `status`), and the same in an environment value.
#[test]
fn values_from_dotenv_and_the_environment() {
    // ASCII only, as an OSC 52 write is: a parser that refuses non-ASCII lets it through.
    let osc52 = "\u{1b}]52;c;ZXZpbA==\u{7}";
    for value in [osc52, HOSTILE] {
        let dir = tempdir();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        write(
            dir.path().join(".env"),
            &format!(
                "DASHSCOPE_API_KEY={STANDARD}\nQWEN_BASE_URL=https://dashscope.aliyuncs.com/{value}\n"
            ),
        );
        for args in [&["status"][..], &["status", "--json"], &["init"]] {
            let out = run(dir.path(), &[("QWEN_TMP_OSS_BUCKET", value)], args);
            assert_clean(&out, &format!("{args:?}"));
            assert_no_leak(&out.all(), &ALL_KEYS, "status");
        }
        let out = run(dir.path(), &[], &["status", "--json"]);
        let warning = json_warning(&out.json(), "invalid-base-url").expect("the URL is refused");
        assert!(warning.contains("control characters"), "{warning}");
    }
}

/// Directory names that git stores and a clone delivers, in every path the tool shows.
#[cfg(unix)]
#[test]
fn names_of_directories_a_clone_brings() {
    let dir = tempdir();
    let project = dir.path().join(format!("repo{HOSTILE}\nforged line"));
    std::fs::create_dir_all(project.join(".git")).unwrap();
    write(
        project.join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let mock = Mock::start(vec![Reply::json(200, crate::mock::OK_BODY)]);
    let url = mock.url();
    let env = [("QWEN_BASE_URL", url.as_str())];
    let output = format!("out{HOSTILE}");
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["init"],
        &["init", "--json"],
        &["verify", "--allow-host", &mock.grant(), "--output", &output],
        &[
            "verify",
            "--json",
            "--allow-host",
            &mock.grant(),
            "--output",
            &output,
        ],
        &[
            "agent-snippet",
            "--write",
            &format!("missing{HOSTILE}/AGENTS.md"),
        ],
        &["component", "--out", &format!("missing{HOSTILE}/x.wasm")],
        &["update-check", "--skills-dir", &format!("nowhere{HOSTILE}")],
        &[
            "update-check",
            "--json",
            "--skills-dir",
            &format!("nowhere{HOSTILE}"),
        ],
        &["capabilities", "--output", &output],
    ] {
        let out = run(&project, &env, args);
        assert_clean(&out, &format!("{args:?}"));
        assert!(
            !out.all().contains("\nforged line"),
            "{args:?}: a name started a line"
        );
    }
    // The evidence files, for whoever reads them with `cat`.
    for file in files_under(&project.join(&output)) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            raw(&text).is_empty(),
            "{}: {:?}",
            file.display(),
            raw(&text)
        );
    }
    // A home directory of that name, in the update check's list of places.
    let home = dir.path().join(format!("home{HOSTILE}"));
    std::fs::create_dir_all(&home).unwrap();
    let home = home.to_string_lossy().into_owned();
    let out = run(&project, &[("HOME", &home)], &["update-check"]);
    assert_clean(&out, "update-check, a hostile HOME");
}

/// A server's refusal carrying C1, DEL and format characters: escaped in the terminal, and
/// carried as `\u` escapes in `--json` and the evidence record.
#[test]
fn server_text_in_the_terminal_the_json_and_the_evidence() {
    let dir = tempdir();
    let message = "Invalid API-key \u{9b}2J provided\u{7f}.\u{202e}gnp.exe\u{200b}\u{2028}";
    let body = compat_error("InvalidApiKey", &message.replace('\u{7f}', "\\u007f"));
    for json in [false, true] {
        let mock = Mock::start(vec![Reply::json(401, &body)]);
        let url = mock.url();
        let env = [
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", url.as_str()),
        ];
        let mut args = vec!["verify", "--allow-host"];
        let grant = mock.grant();
        args.push(&grant);
        if json {
            args.push("--json");
        }
        let out = run(dir.path(), &env, &args);
        assert_eq!(out.code, 4, "{}", out.all());
        assert_clean(&out, if json { "verify --json" } else { "verify" });
        if json {
            let v = out.json();
            let excerpt = v["excerpt"].as_str().unwrap_or_default();
            assert!(
                excerpt.contains('\u{9b}') && excerpt.contains('\u{202e}'),
                "the JSON carries the server's characters, as escapes: {excerpt:?}"
            );
        }
    }
    for file in files_under(&dir.path().join("output")) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            raw(&text).is_empty(),
            "{}: {:?}",
            file.display(),
            raw(&text)
        );
        let record: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(record["outcome"].is_string());
    }
}
