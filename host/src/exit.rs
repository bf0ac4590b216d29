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

    /// The README's outcome table: each outcome's line ends in its exit code.
    #[test]
    fn every_outcome_has_its_documented_code() {
        use crate::names::Named;
        let readme = include_str!("../../README.md");
        let table = &readme[readme.find("### Outcomes").expect("an Outcomes section")..];
        use Outcome::*;
        let documented = [
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
            (ModelNotFound, 10),
            (ParameterRefused, 10),
            (ContentRefused, 10),
            (BadRequest, 8),
            (ServerError, 8),
            (BadResponse, 8),
        ];
        assert_eq!(documented.len(), qianwen_auth_facts::names::OUTCOME.len());
        for (outcome, code) in documented {
            assert_eq!(for_outcome(outcome).code(), code, "{outcome:?}");
            let line = table
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", outcome.name())))
                .unwrap_or_else(|| panic!("README has no line for {outcome:?}"));
            assert!(line.ends_with(&format!("| {code} |")), "{line}");
        }
    }
}

#[cfg(test)]
mod readme {
    use super::Exit;

    /// README's exit-code table: one row per code, in order, each meaning as `Exit` words it.
    #[test]
    fn the_table_says_what_the_codes_say() {
        let readme = include_str!("../../README.md");
        let table = readme
            .split("## Exit codes")
            .nth(1)
            .expect("README has an Exit codes section");
        let rows: Vec<(&str, &str)> = table
            .lines()
            .skip_while(|l| !l.starts_with("| 0 |"))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let mut cells = l.trim_matches('|').split('|').map(str::trim);
                Some((cells.next()?, cells.next()?))
            })
            .collect();
        assert_eq!(rows.len(), Exit::ALL.len());
        for (exit, (code, meaning)) in Exit::ALL.iter().zip(rows) {
            assert_eq!(code, exit.code().to_string());
            assert!(
                meaning.starts_with(exit.meaning()),
                "code {code}: README says {meaning:?}, the tool says {:?}",
                exit.meaning()
            );
        }
    }
}
