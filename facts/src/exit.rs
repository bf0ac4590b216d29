//! The exit codes, the same for every command (README, "Exit codes", generated from here).

/// Why the process ended, as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The key is usable, or the command did what it was asked.
    Ok = 0,
    /// The tool itself failed (a bug, or the system refused something it needs).
    Internal = 1,
    /// The command line was wrong.
    Usage = 2,
    /// No usable key was found.
    NoUsableKey = 3,
    /// The server rejected the key, or received none.
    Rejected = 4,
    /// The key is a Token Plan key, which this tool never sends.
    PlanKey = 5,
    /// The request could not be made: refused by the allowlist, DNS, the network, a time limit.
    Network = 6,
    /// The account: billing, access, quota or rate.
    Billing = 7,
    /// The server: an error on its side, a request it refused without naming why, or an
    /// answer not understood.
    Server = 8,
    /// A command the user asked to run (`update-check --run`) failed, or ran out of time.
    CommandFailed = 9,
    /// The key was accepted, but the probe was refused: its model, its parameters or its
    /// content.
    ProbeRefused = 10,
}

impl Exit {
    /// Every code, in order.
    pub const ALL: [Exit; 11] = [
        Exit::Ok,
        Exit::Internal,
        Exit::Usage,
        Exit::NoUsableKey,
        Exit::Rejected,
        Exit::PlanKey,
        Exit::Network,
        Exit::Billing,
        Exit::Server,
        Exit::CommandFailed,
        Exit::ProbeRefused,
    ];

    /// The number the process exits with.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// What the code means, briefly: the README's table and every legend use these words.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Internal => "internal error",
            Exit::Usage => "usage error",
            Exit::NoUsableKey => "no usable key",
            Exit::Rejected => "key rejected",
            Exit::PlanKey => "Token Plan key refused",
            Exit::Network => "network",
            Exit::Billing => "billing, quota or rate limit",
            Exit::Server => "server error or unreadable answer",
            Exit::CommandFailed => "the command run failed",
            Exit::ProbeRefused => "key accepted but probe refused",
        }
    }

    /// When the code is given, for the reference: the cases behind the brief meaning.
    pub fn detail(self) -> &'static str {
        match self {
            Exit::Ok => {
                "the key is usable (`status`), passed (`verify`), or the command did what it was asked"
            }
            Exit::Internal => "a bug, or the system refused something the tool needs",
            Exit::Usage => {
                "a bad option, an argument that is not UTF-8 text, an option value holding a key, a place where nothing may be written"
            }
            Exit::NoUsableKey => {
                "missing, placeholder, foreign or malformed; or a key line that cannot be read"
            }
            Exit::Rejected => "the server rejected the key (401), or received none",
            Exit::PlanKey => "a Token Plan key (`sk-sp-`), which this tool never sends",
            Exit::Network => {
                "DNS, connect, TLS, proxy, timeout, host not allowed; for `status`, an endpoint `verify` would refuse"
            }
            Exit::Billing => {
                "the account is overdue, may not use the model, has used its free quota, or met a rate limit"
            }
            Exit::Server => {
                "a 5xx, a refusal that names nothing known, an answer that is not DashScope's"
            }
            Exit::CommandFailed => {
                "`update-check --run` ran a command that exited with an error, was stopped, ran past `--timeout`, or could not be started"
            }
            Exit::ProbeRefused => {
                "the server accepted the key but refused the probe's model, parameters or content"
            }
        }
    }

    /// Every code and its meaning on one line: `0 ok, 1 internal error, ...`.
    pub fn legend() -> String {
        let parts: Vec<String> = Exit::ALL
            .iter()
            .map(|e| format!("{} {}", e.code(), e.meaning()))
            .collect();
        parts.join(", ")
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_their_positions() {
        for (i, exit) in Exit::ALL.iter().enumerate() {
            assert_eq!(exit.code() as usize, i);
        }
    }

    #[test]
    fn the_legend_names_every_code_once() {
        let legend = Exit::legend();
        assert!(legend.starts_with("0 ok, 1 internal error, 2 usage error"));
        assert!(legend.ends_with(
            "8 server error or unreadable answer, 9 the command run failed, \
             10 key accepted but probe refused"
        ));
        assert_eq!(legend.matches(", ").count(), Exit::ALL.len());
    }
}
