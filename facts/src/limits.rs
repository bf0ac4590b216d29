//! The limits both sides keep, as docs/security.md states them (docs/behaviour.md#chain,
//! #verification).

/// The most of a project file (`.env`, `.gitignore`) the host hands over and the policy reads.
pub const MAX_PROJECT_FILE: usize = 1 << 20;

/// A response body is read up to this many bytes; the rest is not.
pub const MAX_BODY: usize = 1 << 20;

/// A verification, its retries and the waits before them included, ends within this many
/// request time limits: each request is cut off at one, and a retry is made only when its wait
/// and its own limit fit in what is left.
pub const VERIFY_IN_LIMITS: u32 = 3;

/// How far past `VERIFY_IN_LIMITS` request time limits the host lets a verifying call run
/// before it stops the component: only a component that does not keep its word meets this.
pub const VERIFY_SLACK_SECONDS: u64 = 10;

/// How long a call that sends nothing may run before the host stops the component.
pub const POLICY_SECONDS: u64 = 10;

/// How many of its requests' proxy failures the host keeps for the component, the most recent.
pub const PROXY_FAILURES_KEPT: usize = 16;

/// How many refused requests the host keeps for the report, the most recent.
pub const REFUSALS_KEPT: usize = 16;

/// The most memory the component may have.
pub const MEMORY_BYTES: usize = 128 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    /// The world's doc comment states the limits for reviewers: the ones kept here.
    #[test]
    fn the_wit_states_these_limits() {
        let wit = include_str!("../../wit/qianwen-auth.wit")
            .lines()
            .map(|l| l.trim().trim_start_matches("///").trim())
            .collect::<Vec<_>>()
            .join(" ");
        let times = match VERIFY_IN_LIMITS {
            3 => "three",
            n => panic!("write {n} in words here, as the WIT says it"),
        };
        for stated in [
            format!("under a {} MiB memory limit", MEMORY_BYTES >> 20),
            format!("({POLICY_SECONDS} s for a call that sends nothing;"),
            format!("{times} times the request time limit plus {VERIFY_SLACK_SECONDS} s"),
            format!("sets it ({times} times the request time limit)"),
            format!("at most the {PROXY_FAILURES_KEPT} most recent"),
        ] {
            assert!(wit.contains(&stated), "the WIT does not say {stated:?}");
        }
    }
}
