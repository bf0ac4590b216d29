//! Terminal conventions: colour as NO_COLOR, CLICOLOR, CLICOLOR_FORCE and TERM say, `--color`
//! over `--help` too, no spinner on a dumb terminal, bash completion of flags after a
//! subcommand, a manual page, the environment in `--help`, and `version`.

use std::process::Command;
use std::time::Duration;

use crate::common::pty::Terminal;
use crate::common::*;
use crate::mock::{Mock, Reply};

const ESC: char = '\u{1b}';
const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn colour_follows_the_conventions_off_a_terminal() {
    let dir = tempdir();
    let key = [("DASHSCOPE_API_KEY", STANDARD)];
    let coloured = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = key.to_vec();
        all.extend_from_slice(env);
        run(dir.path(), &all, args).stdout.contains(ESC)
    };
    assert!(!coloured(&[], &["status"]), "no colour into a pipe");
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &["status"]));
    // 0 does not force: the convention forces only for a value other than 0.
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &["status"]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &["--help"]));
    assert!(!coloured(
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        &["status"]
    ));
    assert!(coloured(&[], &["--color", "always", "status"]));
    assert!(!coloured(
        &[("CLICOLOR_FORCE", "1")],
        &["--color=never", "status"]
    ));
    // --color governs --help too.
    assert!(coloured(&[], &["--color", "always", "--help"]));
    assert!(coloured(&[], &["--color=always", "verify", "--help"]));
    assert!(!coloured(&[], &["--help"]));
}

#[test]
fn colour_follows_the_conventions_at_a_terminal() {
    let dir = tempdir();
    let screen = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = vec![("DASHSCOPE_API_KEY", STANDARD)];
        all.extend_from_slice(env);
        let term = Terminal::spawn(dir.path(), &all, args);
        let (_, screen) = term.finish(LIMIT);
        screen
    };
    assert!(screen(&[("TERM", "xterm-256color")], &["status"]).contains(ESC));
    assert!(!screen(&[("TERM", "dumb")], &["status"]).contains(ESC));
    assert!(!screen(&[("TERM", "xterm"), ("NO_COLOR", "1")], &["status"]).contains(ESC));
    assert!(!screen(&[("TERM", "xterm"), ("CLICOLOR", "0")], &["status"]).contains(ESC));
    assert!(!screen(&[("TERM", "xterm")], &["--color", "never", "--help"]).contains(ESC));
}

#[test]
fn no_spinner_on_a_dumb_terminal() {
    let dir = tempdir();
    for (term, spins) in [("xterm", true), ("dumb", false)] {
        let mock = Mock::start(vec![Reply::Hang]);
        let url = mock.url();
        let grant = mock.grant();
        let env = [
            ("DASHSCOPE_API_KEY", STANDARD),
            ("QWEN_BASE_URL", url.as_str()),
            ("TERM", term),
        ];
        let terminal = Terminal::spawn(
            dir.path(),
            &env,
            &["verify", "--allow-host", &grant, "--timeout", "1"],
        );
        let (_, screen) = terminal.finish(LIMIT);
        assert_eq!(
            screen.contains("Verifying the API key"),
            spins,
            "TERM={term}: {screen}"
        );
    }
}

/// What bash completes for `words`, the last one being completed, with the script the tool
/// prints, registered as bash registers it.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "{script}\n\
         f=$(complete -p qianwen-auth | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n\
         COMP_WORDS=({words})\n\
         COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
         \"$f\" qianwen-auth \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_flags_after_a_subcommand() {
    let dir = tempdir();
    let script = run(dir.path(), &[], &["completions", "bash"]).stdout;
    let verify = bash_completes(&script, &["qianwen-auth", "verify", "--"]);
    for flag in ["--allow-host", "--timeout", "--answer", "--json"] {
        assert!(verify.contains(&flag.to_string()), "{flag}: {verify:?}");
    }
    assert_eq!(
        bash_completes(&script, &["qianwen-auth", "update-check", "--an"]),
        ["--answer"]
    );
    assert_eq!(
        bash_completes(&script, &["qianwen-auth", "--color", "never", "upd"]),
        ["update-check"]
    );
    assert_eq!(
        bash_completes(&script, &["qianwen-auth", "status", "--region", "ap"]),
        ["ap-southeast-1"]
    );
}

#[test]
fn a_manual_page_the_environment_and_the_version() {
    let dir = tempdir();
    let man = run(dir.path(), &[], &["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH qianwen-auth 1"), "{}", man.stdout);
    assert!(man.stdout.contains("update\\-check"), "{}", man.stdout);

    let help = run(dir.path(), &[], &["--help"]).stdout;
    for variable in [
        "QIANWEN_API_KEY",
        "DASHSCOPE_API_KEY",
        "QWEN_BASE_URL",
        "QWEN_REGION",
        "HTTPS_PROXY",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "XDG_STATE_HOME",
    ] {
        assert!(help.contains(variable), "--help does not name {variable}");
    }

    let version = run(dir.path(), &[], &["version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout.trim(),
        format!("qianwen-auth {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(!version.all().contains("verify"));
}
