//! The command line. No option ever takes a key: keys come from the environment or `.env`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit::Exit;
use crate::grants::Grant;
use crate::render::style::ColorChoice;

#[derive(Parser, Debug)]
#[command(
    name = "qianwen-auth",
    version,
    about = "Set up and check credentials for Alibaba's QianWen (DashScope / Model Studio) APIs, \
             without ever showing the key",
    long_about = None,
    after_help = "Exit codes: 0 ok, 1 internal error, 2 usage error, 3 no usable key, \
                  4 key rejected, 5 plan key refused, 6 network, 7 billing/quota/rate limit, \
                  8 server error."
)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, and never with NO_COLOR set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show which API key is in use, where it came from, what kind it is, and what is wrong.
    ///
    /// Looks along the priority chain (environment, ./.env, the repository root's .env),
    /// reports the key only masked, and sends nothing.
    #[command(after_help = "Example:\n  qianwen-auth status\n  qianwen-auth status --json")]
    Status(StatusArgs),

    /// Check the key against the real endpoint, and write evidence of the result.
    ///
    /// Resolves the key as `status` does; refuses a Token Plan key before any request; sends
    /// POST {base}/compatible-mode/v1/chat/completions (model qwen-turbo) to DashScope only;
    /// retries 429 and 5xx at most twice; names the cause of any failure; writes a record under
    /// output/qianwen-ops-auth/.
    #[command(
        after_help = "Example:\n  qianwen-auth verify\n  qianwen-auth verify --region ap-southeast-1 --json"
    )]
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The region whose endpoint a verification would use (beats QWEN_REGION and QWEN_BASE_URL).
    #[arg(long, value_name = "REGION", value_parser = ["cn-beijing", "ap-southeast-1"])]
    pub region: Option<String>,

    #[command(flatten)]
    pub format: OutputArgs,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The region whose endpoint to verify against (beats QWEN_REGION and QWEN_BASE_URL).
    #[arg(long, value_name = "REGION", value_parser = ["cn-beijing", "ap-southeast-1"])]
    pub region: Option<String>,

    /// Also allow requests to HOST (port 443) or HOST:PORT, e.g. for a QWEN_BASE_URL of your
    /// own. Plain http is allowed only to a loopback host granted this way. Repeatable.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_host: Vec<Grant>,

    /// The time limit for each request, from connecting to the end of the answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// The base directory for evidence, instead of ./output (records go to DIR/qianwen-ops-auth/).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,

    #[command(flatten)]
    pub format: OutputArgs,
}

#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Print one JSON object (schema 1) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Print a usage error without echoing what was typed: an argument may be a pasted key.
pub fn usage_error(error: &clap::Error) -> Exit {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            Exit::Usage
        } else {
            Exit::Ok
        };
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    eprint!("{}", redact(&error.render().to_string(), &args));
    if args.iter().any(|a| a.contains("sk-")) {
        eprintln!(
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
    arg.len() <= 40
        && !word.is_empty()
        && word.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        && !arg.contains("sk-")
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
    }

    #[test]
    fn the_cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
