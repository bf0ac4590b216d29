//! Commands run in process, with their output captured through the `Io` seam.

use super::*;
use crate::cli::RegionArg;
use crate::io::captured;

fn links_args(topic: Option<&str>, json: bool) -> LinksArgs {
    LinksArgs {
        topic: topic.map(String::from),
        format: FormatArgs { json },
    }
}

#[test]
fn links_lists_every_topic_with_its_url() {
    let dir = tempfile::tempdir().unwrap();
    let (mut io, out, err) = captured::io();
    let exit = links(dir.path(), &links_args(None, false), &mut io).unwrap();
    assert_eq!(exit, Exit::Ok);
    let text = out.text();
    assert_eq!(text.lines().count(), 9, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("api-keys") && l.contains("https://")),
        "{text}"
    );
    assert_eq!(err.text(), "");
}

#[test]
fn an_unknown_topic_is_a_usage_error_that_lists_the_topics() {
    let dir = tempfile::tempdir().unwrap();
    let (mut io, out, err) = captured::io();
    let exit = links(dir.path(), &links_args(Some("nope"), false), &mut io).unwrap();
    assert_eq!(exit, Exit::Usage);
    assert_eq!(out.text(), "");
    assert!(
        err.text().contains("the topics are: console, api-keys,"),
        "{}",
        err.text()
    );
}

#[test]
fn one_topic_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let (mut io, out, _) = captured::io();
    links(dir.path(), &links_args(Some("billing"), true), &mut io).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out.text()).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["command"], "links");
    assert_eq!(v["links"][0]["topic"], "billing");
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_and_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut io, err) = captured::closed();
    let exit = tokenplan(dir.path(), &FormatArgs { json: false }, &mut io).unwrap();
    assert_eq!(exit, Exit::Ok);
    assert_eq!(err.text(), "");
}

#[test]
fn status_as_json_carries_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mut io, out, _) = captured::io();
    let args = StatusArgs {
        endpoint: RegionArg {
            region: Some("ap-southeast-1".into()),
        },
        allow_host: Vec::new(),
        verbose: false,
        format: FormatArgs { json: true },
    };
    let exit = status(dir.path(), &args, &mut io).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out.text()).unwrap();
    assert_eq!(v["command"], "status");
    assert_eq!(v["region"], "ap-southeast-1");
    assert_eq!(v["exit_code"], exit.code());
}

/// At a terminal, reports for people wrap to its width; JSON never does, since a line break
/// inside one of its strings would make it invalid.
#[test]
fn words_wrap_at_a_terminal_and_json_never_does() {
    let dir = tempfile::tempdir().unwrap();
    let args = |json| StatusArgs {
        endpoint: RegionArg { region: None },
        allow_host: Vec::new(),
        verbose: true,
        format: FormatArgs { json },
    };
    let (mut io, out, _) = captured::io();
    io.width = Some(30);
    status(dir.path(), &args(true), &mut io).unwrap();
    let text = out.text();
    assert_eq!(text.lines().count(), 1, "{text}");
    serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");

    let (mut io, out, _) = captured::io();
    io.width = Some(30);
    status(dir.path(), &args(false), &mut io).unwrap();
    let text = out.text();
    // A line may run over only when it is one unbreakable word (a path or URL) after its
    // indent and bullet: Windows' temporary directories are longer than 30 characters.
    let one_word = |l: &str| !l.trim().trim_start_matches("- ").contains(' ');
    assert!(
        text.lines().all(|l| l.chars().count() <= 30 || one_word(l)),
        "{text}"
    );
}
