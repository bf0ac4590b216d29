//! What the host grants the component, and nothing else: chosen environment variables, read
//! access to two file names in the current directory and its ancestors, one evidence
//! directory, and outbound HTTPS to DashScope's hosts.

mod evidence;
mod git;
mod network;
mod project;
mod proxy;
mod setup;

pub use evidence::EvidenceDir;
pub use git::UserConfig;
pub use network::{AllowedHost, Limits, Network};
pub use project::ProjectFiles;
pub use proxy::Proxies;
pub use setup::SetupFiles;

/// The environment variables the component may see (docs/behaviour.md#chain, #oss). Everything else
/// in the process environment stays in the host.
pub use qianwen_auth_facts::variables::GRANTED as VARIABLES;

/// Everything one run grants.
pub struct Grants {
    pub environment: Vec<(String, String)>,
    pub project: ProjectFiles,
    /// None for commands that write nothing.
    pub evidence: Option<EvidenceDir>,
    /// `init` only.
    pub setup: Option<SetupFiles>,
    pub network: Network,
}

impl Grants {
    /// The grants for a run in `cwd` with this process's environment: no evidence directory,
    /// no setup, and a network grant that lets nothing out.
    pub fn for_cwd(cwd: &std::path::Path) -> Self {
        Self {
            environment: environment(|name| std::env::var_os(name)),
            project: ProjectFiles::new(cwd),
            evidence: None,
            setup: None,
            network: Network::closed(),
        }
    }
}

/// The granted variables that `lookup` finds set. A value that is not valid Unicode is passed
/// with replacement characters, which the policy reports as a malformed key.
pub fn environment(lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> Vec<(String, String)> {
    VARIABLES
        .iter()
        .filter_map(|name| {
            lookup(name).map(|v| (name.to_string(), v.to_string_lossy().into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_granted_variables_pass() {
        let env = environment(|name| match name {
            "DASHSCOPE_API_KEY" => Some("x".into()),
            "HOME" => Some("/root".into()),
            _ => None,
        });
        assert_eq!(
            env,
            vec![("DASHSCOPE_API_KEY".to_string(), "x".to_string())]
        );
    }
}
