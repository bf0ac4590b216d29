//! The command line. No option ever takes a key: keys come from the environment or `.env`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit::Exit;
use crate::grants::AllowedHost;
use crate::io::ColorChoice;
use crate::io::{Io, err, errln, out};
use qianwen_auth_facts::endpoints::REGIONS;
use qianwen_auth_facts::evidence::DEFAULT_OUTPUT;
use qianwen_auth_facts::keys;
use qianwen_auth_facts::names::LINK_TOPIC;
use qianwen_auth_facts::variables::{DEFAULT_KEY_NAME, GRANTED, PLACEHOLDER};

#[derive(Parser, Debug)]
#[command(
    name = "qianwen-auth",
    version,
    about = "Set up and check credentials for Alibaba's QianWen (DashScope / Model Studio) APIs, \
             without ever showing the key",
    long_about = None,
    after_help = format!("{}\n\nExit codes: {}.", environment(), Exit::legend())
)]
pub struct Cli {
    /// When to use colour, here and in --help: auto (on a terminal that supports it; never with
    /// NO_COLOR or CLICOLOR=0 set, always with CLICOLOR_FORCE set to other than 0), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
// Each command's options are built only when that command runs: building the others costs
// every run time and memory for nothing. (So an `Args` struct carries no doc comment: built
// after the command, it would replace the command's own help.)
#[command(defer = true)]
pub enum Command {
    /// Show which API key is in use, where it came from, what kind it is, and what is wrong.
    ///
    /// Looks along the priority chain (environment, ./.env, the repository root's .env),
    /// reports the key only masked, and sends nothing.
    #[command(
        after_help = "Example:\n  qianwen-auth status\n  qianwen-auth status --json\n  qianwen-auth status --allow-host llm.example.com   # judge a QWEN_BASE_URL of your own"
    )]
    Status(StatusArgs),

    /// Check the key against the real endpoint, and write evidence of the result.
    ///
    /// Resolves the key as `status` does; refuses a Token Plan key before any request; sends
    /// POST {base}/compatible-mode/v1/chat/completions (model qwen-turbo) to DashScope only;
    /// retries 429 and 5xx at most twice; names the cause of any failure; writes a record under
    /// output/qianwen-ops-auth/.
    #[command(
        after_help = "Example:\n  qianwen-auth verify\n  qianwen-auth verify --region ap-southeast-1 --json\n  qianwen-auth verify --answer 1   # after a 401: the key came from the console, verify again"
    )]
    Verify(VerifyArgs),

    /// Set up: add the placeholder line to ./.env (or a key you paste), and keep .env files
    /// out of git.
    #[command(
        long_about = format!(
            "Set up: add the placeholder line to ./.env (or a key you paste), and keep .env \
             files out of git.\n\n\
             When no key is configured, appends {DEFAULT_KEY_NAME}={PLACEHOLDER} to ./.env \
             (created with mode 0600) for you to fill in. When a key is configured, leaves it \
             as it is and says where. Either way, makes a ./.env holding a secret readable by \
             you only (mode 0600) and adds .env, .env.local, *.env and output/qianwen-ops-auth/ \
             to ./.gitignore where not already covered. Never rewrites or reorders other lines; \
             a second run changes nothing."
        ),
        after_help = "Example:\n  qianwen-auth init\n  qianwen-auth init --key-stdin             # paste the key when asked; never shown\n  qianwen-auth init --key-stdin --replace   # rotate the key in ./.env in place"
    )]
    Init(InitArgs),

    /// The two key kinds, why Token Plan keys are refused here, and the plan's models.
    #[command(after_help = "Example:\n  qianwen-auth tokenplan\n  qianwen-auth tokenplan --json")]
    Tokenplan(FormatArgs),

    /// The console, billing and documentation links: the only URLs this tool prints.
    #[command(after_help = "Example:\n  qianwen-auth links\n  qianwen-auth links api-keys")]
    Links(LinksArgs),

    /// The block to add to AGENTS.md or CLAUDE.md so that coding agents use this tool.
    ///
    /// Prints the block; with --write FILE, puts it between the markers in FILE (or appends it
    /// after one blank line). No file is touched without --write.
    #[command(
        name = "agent-snippet",
        after_help = "Example:\n  qianwen-auth agent-snippet\n  qianwen-auth agent-snippet --write AGENTS.md"
    )]
    AgentSnippet(SnippetArgs),

    /// Check for updates through the qianwen-update-check skill, or offer to install it.
    ///
    /// Looks for qianwen-update-check/SKILL.md in --skills-dir and in ~/.claude/skills and
    /// ~/.agents/skills, never in a directory the repository holds; a skill that another user
    /// owns or others can change is skipped. Found: names its checker, and runs it with --run.
    /// Not found: offers three choices, 1 install (the reminder is dismissed once the install
    /// succeeded), 2 skip (dismissed for 24 hours), 3 never remind; the answer is kept in the
    /// user's state directory, never in a skills/ tree or the repository. Nothing is ever run
    /// without --run, and what runs gets only the environment it needs.
    #[command(
        name = "update-check",
        after_help = "Example:\n  qianwen-auth update-check\n  qianwen-auth update-check --run --force\n  qianwen-auth update-check --answer 2   # skip for now"
    )]
    UpdateCheck(UpdateCheckArgs),

    /// Shell completions, for bash, zsh, fish or PowerShell.
    #[command(
        after_help = "Example:\n  qianwen-auth completions bash > ~/.local/share/bash-completion/completions/qianwen-auth\n  qianwen-auth completions fish > ~/.config/fish/completions/qianwen-auth.fish"
    )]
    Completions(CompletionsArgs),

    /// What the policy component can touch: its imports, read from the component itself, and
    /// what this host grants through each, here and now.
    #[command(
        after_help = "Example:\n  qianwen-auth capabilities\n  qianwen-auth capabilities --json"
    )]
    Capabilities(CapabilitiesArgs),

    /// The version (as --version prints it).
    Version,

    /// The manual page, in roff: `qianwen-auth man > qianwen-auth.1`.
    #[command(
        after_help = "Example:\n  qianwen-auth man > ~/.local/share/man/man1/qianwen-auth.1\n  qianwen-auth man | man -l -"
    )]
    Man,

    /// Write the embedded policy component to a file, for other WebAssembly hosts.
    #[command(
        after_help = "Example:\n  qianwen-auth component --out qianwen-auth.wasm\n  npx jco transpile qianwen-auth.wasm -o dist"
    )]
    Component(ComponentArgs),
}

#[derive(Args, Debug)]
pub struct CapabilitiesArgs {
    /// Count HOST (port 443) or HOST:PORT as granted too, as `verify --allow-host` would.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_host: Vec<AllowedHost>,

    /// The evidence base directory to judge, as `verify --output` would.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUTPUT)]
    pub output: PathBuf,

    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args, Debug)]
pub struct ComponentArgs {
    /// Where to write it. An existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Write a key into ./.env: one line read from standard input, never echoed or shown,
    /// replacing the placeholder line in place (or appended). Only a standard sk- key is written.
    #[arg(long)]
    pub key_stdin: bool,

    /// With --key-stdin: replace the key already in ./.env, in place (rotating it). Without it
    /// a key is never overwritten.
    #[arg(long, requires = "key_stdin")]
    pub replace: bool,

    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args, Debug)]
pub struct LinksArgs {
    /// Only this topic's URL.
    #[arg(value_parser = LINK_TOPIC)]
    pub topic: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args, Debug)]
pub struct SnippetArgs {
    /// Put the block into FILE (replacing the block between the markers, or appending it).
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells completions are written for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    /// PowerShell, for Windows.
    Powershell,
}

/// The two answers to the 401 question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Answer {
    /// 1: the key was created in the QianWen console; verify it again.
    #[value(alias = "1")]
    Console,
    /// 2: the key may be invalid; create a new one, then verify again.
    #[value(alias = "2")]
    Invalid,
}

/// The three answers to the update check's reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UpdateChoice {
    /// 1: install the update-check skill (run with --run), then dismiss the reminder for a day.
    #[value(alias = "1")]
    Install,
    /// 2: skip for now: dismiss the reminder for 24 hours.
    #[value(alias = "2")]
    Skip,
    /// 3: never remind again.
    #[value(alias = "3")]
    Never,
}

#[derive(Args, Debug)]
pub struct UpdateCheckArgs {
    /// Answer the reminder without being asked: 1 (install), 2 (skip) or 3 (never).
    #[arg(long, value_enum, value_name = "1|2|3", hide_possible_values = true)]
    pub answer: Option<UpdateChoice>,

    /// Run the command the check names: the skill's checker, or with --answer 1 the install
    /// command. Without it nothing is run.
    #[arg(long)]
    pub run: bool,

    /// Have the checker check now, however recently it did (passes --force on to it).
    #[arg(long)]
    pub force: bool,

    /// Look in this skills directory first (it holds skill directories, such as
    /// qianwen-update-check/): the agent's own skill passes the directory it sits in.
    #[arg(long, value_name = "DIR")]
    pub skills_dir: Option<PathBuf>,

    /// The time limit for the command --run runs.
    #[arg(long, value_name = "SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    #[command(flatten)]
    pub format: FormatArgs,
}

/// The longest `verify --timeout`, in seconds.
pub const LONGEST_TIMEOUT: u64 = 600;

// `--region`, for `status` and `verify`.
#[derive(Args, Debug)]
pub struct RegionArg {
    /// The region whose endpoint to use (beats QWEN_REGION and QWEN_BASE_URL).
    #[arg(long, value_name = "REGION", value_parser = REGIONS.map(|region| region.id))]
    pub region: Option<String>,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub endpoint: RegionArg,

    /// Count HOST (port 443) or HOST:PORT as granted, as `verify --allow-host` would, when
    /// judging the endpoint. Repeatable.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_host: Vec<AllowedHost>,

    /// Also show the endpoint, the request verify would send, the .env files read, the OSS
    /// settings and every next step (--json always has them).
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub endpoint: RegionArg,

    /// Also allow requests to HOST (port 443) or HOST:PORT, e.g. for a QWEN_BASE_URL of your
    /// own. Plain http is allowed only to a loopback host granted this way. Repeatable.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_host: Vec<AllowedHost>,

    /// The time limit for each request, from connecting to the end of the answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=LONGEST_TIMEOUT))]
    pub timeout: u64,

    /// The base directory for evidence, instead of ./output (records go to DIR/qianwen-ops-auth/).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUTPUT)]
    pub output: PathBuf,

    /// After a 401, answer the question without being asked: 1 (or console) or 2 (or invalid).
    #[arg(long, value_enum, value_name = "1|2", hide_possible_values = true)]
    pub answer: Option<Answer>,

    /// Also show the endpoint, each request and its latency, the server's code, request id and
    /// answer (--json always has them).
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub format: FormatArgs,
}

// `--json`, for every command that reports.
#[derive(Args, Debug)]
pub struct FormatArgs {
    /// Print one JSON object (schema 1) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The environment variables the tool reads, for `--help`.
pub(crate) fn environment() -> String {
    format!(
        "Environment:\n  {}: the credentials and settings the policy reads (keys are never \
         shown)\n  HTTPS_PROXY, ALL_PROXY, NO_PROXY (and their lower-case forms): proxies, as \
         curl takes them\n  SSL_CERT_FILE: trusted certificates, beside the system's\n  \
         NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM: colour\n  HOME, XDG_STATE_HOME: where \
         update-check looks for skills and keeps its reminder",
        GRANTED.join(", ")
    )
}

/// `--color` as typed, read before the rest of the command line so that it governs `--help`
/// and usage errors too.
fn color_option(args: &[String]) -> Option<ColorChoice> {
    use clap::ValueEnum;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--color") {
            Some("") => words.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(choice) = value.and_then(|v| ColorChoice::from_str(v, false).ok()) {
            return Some(choice);
        }
    }
    None
}

/// The command line, or the exit code of a usage error already reported (or of `--help` and
/// `--version`, already printed).
pub fn parse(io: &mut Io) -> Result<Cli, Exit> {
    let mut args = Vec::new();
    for (n, arg) in std::env::args_os().enumerate() {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(_) => {
                errln!(
                    io,
                    "error: argument {n} is not valid UTF-8 text; qianwen-auth takes only text"
                );
                return Err(Exit::Usage);
            }
        }
    }
    io.set_color(color_option(&args).unwrap_or(ColorChoice::Auto));
    Cli::try_parse_from(&args)
        .map_err(|error| usage_error(io, &error, args.get(1..).unwrap_or(&[])))
}

/// Print a usage error without echoing what was typed: an argument may be a pasted key.
fn usage_error(io: &mut Io, error: &clap::Error, args: &[String]) -> Exit {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let text = error.render();
        let written = if io.style.is_color() {
            out!(io, "{}", text.ansi())
        } else {
            out!(io, "{text}")
        };
        return match written {
            Ok(()) => Exit::Ok,
            Err(e) => {
                errln!(io, "error: {e}");
                Exit::Internal
            }
        };
    }
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        err!(io, "{}", error.render());
        return Exit::Usage;
    }
    err!(io, "{}", redact(&error.render().to_string(), args));
    if args.iter().any(|a| keys::holds_key_shape(a)) {
        errln!(
            io,
            "note: qianwen-auth never takes a key as an argument; it reads QIANWEN_API_KEY or \
             DASHSCOPE_API_KEY from the environment or a .env file"
        );
    }
    Exit::Usage
}

/// `text` with every argument that is not a plain option or command name replaced.
fn redact(text: &str, args: &[String]) -> String {
    let mut out = text.to_string();
    let mut pieces: Vec<&str> = Vec::new();
    for arg in args {
        pieces.push(arg);
        if let Some((_, value)) = arg.split_once('=') {
            pieces.push(value);
        }
    }
    // Longest first, so that a piece inside a longer one does not leave the rest behind.
    pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for piece in pieces {
        if piece.len() >= 4 && !is_plain_word(piece) {
            out = out.replace(piece, "<redacted>");
        }
    }
    out
}

/// Option and command names are safe to repeat.
fn is_plain_word(arg: &str) -> bool {
    let word = arg.trim_start_matches('-');
    arg.len() <= 40 && !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_redacted() {
        let args = vec![
            "status".to_string(),
            "sk-SENTINELarg000000000000000000".to_string(),
            "--region=sk-SENTINELeq0000000000000".to_string(),
        ];
        let text = "error: unexpected argument 'sk-SENTINELarg000000000000000000' found; \
                    invalid value 'sk-SENTINELeq0000000000000' for '--region'";
        let out = redact(text, &args);
        assert!(!out.contains("SENTINEL"), "{out}");
        assert!(out.contains("--region"));
        // Names that hold `sk-` are words, shown as typed.
        let args = vec!["--skills-dir".to_string(), "flask-api-server".to_string()];
        let text = "error: unexpected argument 'flask-api-server' found";
        assert_eq!(redact(text, &args), text);
    }

    #[test]
    fn the_cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    /// A command's options are built when it runs: nothing built then may replace the help
    /// its variant's doc comment gives (an `Args` struct's doc comment would).
    #[test]
    fn building_a_command_keeps_its_own_help() {
        use clap::CommandFactory;
        let unbuilt = Cli::command();
        let mut built = Cli::command();
        built.build();
        for sub in unbuilt.get_subcommands() {
            let after = built.find_subcommand(sub.get_name()).unwrap();
            let text = |c: &clap::Command| {
                (
                    c.get_about().map(ToString::to_string),
                    c.get_long_about().map(ToString::to_string),
                )
            };
            assert_eq!(text(after), text(sub), "{}", sub.get_name());
        }
    }
}
