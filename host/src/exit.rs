//! The exit codes, the same for every command (README, "Exit codes").

use crate::bindings::exports::qianwen::auth::types::{Outcome, Verdict};

pub use qianwen_auth_facts::exit::Exit;

/// The exit code for a `status` verdict.
pub fn for_verdict(verdict: Verdict) -> Exit {
    match verdict {
        Verdict::Usable => Exit::Ok,
        Verdict::NoUsableKey => Exit::NoUsableKey,
        Verdict::PlanKey => Exit::PlanKey,
        Verdict::EndpointRefused => Exit::Network,
    }
}

/// The exit code for a verification's outcome.
pub fn for_outcome(outcome: Outcome) -> Exit {
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
        Outcome::ModelNotFound | Outcome::ParameterRefused | Outcome::ContentRefused => {
            Exit::ProbeRefused
        }
        Outcome::BadRequest | Outcome::ServerError | Outcome::BadResponse => Exit::Server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Named;
    use qianwen_auth_facts::names::OUTCOME;
    use qianwen_auth_facts::reference;

    /// Every outcome, in the WIT's order (held to the names table below).
    const OUTCOMES: [Outcome; 18] =
        qianwen_auth_facts::wit_outcomes!(crate::bindings::exports::qianwen::auth::types);

    #[test]
    fn every_outcome_is_listed() {
        let names: Vec<&str> = OUTCOMES.iter().map(|o| o.name()).collect();
        assert_eq!(names, OUTCOME);
    }

    /// The README's exit-code table: each code, what it means, and the outcomes of `verify`
    /// that end with it.
    #[test]
    fn reference_exit_codes() {
        let rows = Exit::ALL.iter().map(|exit| {
            let outcomes: Vec<String> = OUTCOMES
                .iter()
                .filter(|o| for_outcome(**o) == *exit)
                .map(|o| format!("`{}`", o.name()))
                .collect();
            vec![
                exit.code().to_string(),
                format!("{}: {}", exit.meaning(), exit.detail()),
                outcomes.join(", "),
            ]
        });
        let table = reference::table(&["code", "meaning", "`verify` outcomes"], rows);
        reference::check_region("README.md", "exit-codes", &table);
    }
}
