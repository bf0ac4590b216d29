//! `man`: the manual page, in roff, from the same definition as `--help`. One page holds every
//! command (so it refers to no other page), then what a manual page is looked up for: the
//! environment, the files, the exit status and examples.

use anyhow::Result;
use clap::CommandFactory;
use roff::{Roff, bold, italic, roman};

use crate::exit::Exit;
use crate::io::{Io, out};
use qianwen_auth_facts::evidence::DEFAULT_DIR_LINE;

/// `man`.
pub fn man(io: &mut Io) -> Result<Exit> {
    out!(io, "{}", page()?)?;
    Ok(Exit::Ok)
}

/// The whole page.
fn page() -> Result<String> {
    let mut command = crate::cli::Cli::command();
    // Each command's options are built when it runs (`cli::Command`); the page lists them all.
    command.build();
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    let mut roff = Roff::new();
    commands(&mut roff, &command);
    environment(&mut roff);
    files(&mut roff);
    exit_status(&mut roff);
    examples(&mut roff);
    roff.control("SH", ["VERSION"]);
    roff.text([roman(format!("v{}", env!("CARGO_PKG_VERSION")))]);
    Ok(String::from_utf8(page)? + &roff.render())
}

/// COMMANDS: each subcommand's synopsis, description and options.
fn commands(roff: &mut Roff, command: &clap::Command) {
    roff.control("SH", ["COMMANDS"]);
    // `help` is clap's own, added when the command is built: `--help` covers it.
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        roff.control("SS", [format!("qianwen-auth {}", sub.get_name()).as_str()]);
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            for paragraph in about.to_string().split("\n\n") {
                roff.control("PP", []);
                roff.text([roman(paragraph.replace('\n', " "))]);
            }
        }
        for arg in sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set())
        {
            let id = arg.get_id().as_str();
            if id == "help" {
                continue;
            }
            let value = match arg.get_value_names() {
                Some(names) if arg.get_action().takes_values() => format!(" <{}>", names.join(" ")),
                _ => String::new(),
            };
            let name = match (arg.get_long(), arg.get_short()) {
                (Some(long), Some(short)) => format!("-{short}, --{long}"),
                (Some(long), None) => format!("--{long}"),
                _ => format!("<{}>", id.to_uppercase()),
            };
            roff.control("TP", []);
            roff.text([bold(name), roman(value)]);
            if let Some(help) = arg.get_long_help().or(arg.get_help()) {
                roff.text([roman(help.to_string().replace('\n', " "))]);
            }
        }
    }
}

/// One term and what it means, as a tagged paragraph.
fn term(roff: &mut Roff, name: roff::Inline, what: &str) {
    roff.control("TP", []);
    roff.text([name]);
    roff.text([roman(what)]);
}

/// ENVIRONMENT: the variables `--help` names, one paragraph each.
fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for line in crate::cli::environment().lines().skip(1) {
        if let Some((names, what)) = line.trim().split_once(": ") {
            term(roff, bold(names), what);
        }
    }
}

/// FILES: everything the tool reads or writes.
fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    let state = "$XDG_STATE_HOME/qianwen-auth/update-check";
    for (file, what) in [
        (
            "./.env",
            "The key and settings, second on the chain after the environment; init writes it.",
        ),
        (
            "REPOSITORY/.env",
            "Third on the chain: the .env of the nearest ancestor holding .git or skills/.",
        ),
        (
            "./.gitignore",
            "init adds .env, .env.local, *.env and the evidence directory where not covered.",
        ),
        (
            DEFAULT_DIR_LINE,
            "verify's evidence records, verify-TIME.json and latest.json (--output moves it).",
        ),
        (
            state,
            "update-check's answer (~/.local/state on Linux without XDG_STATE_HOME).",
        ),
        (
            "~/.claude/skills/, ~/.agents/skills/",
            "Where update-check looks for the qianwen-update-check skill.",
        ),
    ] {
        term(roff, italic(file), what);
    }
}

/// EXIT STATUS: every code, the same for every command.
fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for exit in Exit::ALL {
        let what = format!("{}: {}.", exit.meaning(), exit.detail());
        term(roff, bold(exit.code().to_string()), &what);
    }
}

/// EXAMPLES: the commands a first run needs.
fn examples(roff: &mut Roff) {
    roff.control("SH", ["EXAMPLES"]);
    for (command, what) in [
        (
            "qianwen-auth status",
            "Where the key comes from, what kind it is, what is wrong.",
        ),
        (
            "qianwen-auth init --key-stdin",
            "Paste a key into ./.env, never shown.",
        ),
        (
            "qianwen-auth verify",
            "One real request: does the key work, and if not, why.",
        ),
        (
            "qianwen-auth verify --json --answer 1",
            "For agents: after a 401, verify again.",
        ),
        (
            "qianwen-auth links api-keys",
            "The page where keys are created.",
        ),
    ] {
        term(roff, bold(command), what);
    }
}

#[cfg(test)]
mod tests {
    /// The page refers to no other page, and has what a manual page is looked up for.
    #[test]
    fn one_page_with_every_command_and_the_sections_readers_look_for() {
        let page = super::page().unwrap();
        assert!(!page.contains("(1)"), "a reference to another page");
        for section in [
            "COMMANDS",
            "ENVIRONMENT",
            "FILES",
            "\"EXIT STATUS\"",
            "EXAMPLES",
        ] {
            assert!(page.contains(&format!(".SH {section}")), "{section}");
        }
        assert!(!page.contains(".SH EXTRA"));
        assert!(
            !page.contains("<VERBOSE>"),
            "a flag shown as taking a value"
        );
        for command in ["status", "verify", "init", "update-check", "links"] {
            assert!(
                page.contains(&format!(".SS \"qianwen-auth {command}\"")),
                "{command}"
            );
        }
        assert!(page.contains("\\-\\-key\\-stdin"));
        assert!(!page.contains(".SS \"qianwen-auth help\""));
    }

    /// Each command's section lists every option of its own, though the options are built
    /// only when a command runs.
    #[test]
    fn each_command_lists_its_own_options() {
        use clap::CommandFactory;
        let page = super::page().unwrap();
        let mut command = crate::cli::Cli::command();
        command.build();
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let heading = format!(".SS \"qianwen-auth {}\"", sub.get_name());
            let section = page
                .split(&heading)
                .nth(1)
                .unwrap_or_else(|| panic!("{heading}"));
            let section = section.split(".SS ").next().unwrap_or(section);
            for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
                let Some(long) = arg.get_long().filter(|&l| l != "help") else {
                    continue;
                };
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(section.contains(&roff), "{heading} lacks --{long}");
            }
        }
    }
}
