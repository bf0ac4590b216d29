//! The exit codes, the same for every command (README, "Exit codes").

use std::process::ExitCode;

use crate::sandbox::bindings::exports::qianwen::auth::types::{Outcome, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Internal = 1,
    Usage = 2,
    NoUsableKey = 3,
    Rejected = 4,
    PlanKey = 5,
    Network = 6,
    Billing = 7,
    Server = 8,
}

impl Exit {
    pub fn for_verdict(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Usable => Exit::Ok,
            Verdict::NoUsableKey => Exit::NoUsableKey,
            Verdict::PlanKey => Exit::PlanKey,
        }
    }

    pub fn for_outcome(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Pass => Exit::Ok,
            Outcome::NoKey => Exit::NoUsableKey,
            Outcome::AuthRejected | Outcome::AuthMissing => Exit::Rejected,
            Outcome::PlanKeyRefused => Exit::PlanKey,
            Outcome::Network | Outcome::Timeout | Outcome::HostDenied => Exit::Network,
            Outcome::Billing
            | Outcome::AccessDenied
            | Outcome::QuotaExhausted
            | Outcome::RateLimited => Exit::Billing,
            Outcome::ModelNotFound
            | Outcome::BadRequest
            | Outcome::ServerError
            | Outcome::BadResponse => Exit::Server,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's outcome table.
    #[test]
    fn every_outcome_has_its_documented_code() {
        use Outcome::*;
        for (outcome, code) in [
            (Pass, 0),
            (NoKey, 3),
            (AuthRejected, 4),
            (AuthMissing, 4),
            (PlanKeyRefused, 5),
            (Network, 6),
            (Timeout, 6),
            (HostDenied, 6),
            (Billing, 7),
            (AccessDenied, 7),
            (QuotaExhausted, 7),
            (RateLimited, 7),
            (ModelNotFound, 8),
            (BadRequest, 8),
            (ServerError, 8),
            (BadResponse, 8),
        ] {
            assert_eq!(Exit::for_outcome(outcome) as u8, code, "{outcome:?}");
        }
    }
}
