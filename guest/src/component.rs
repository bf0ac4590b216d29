//! The component's exports: each WIT call wired to the policy modules, which decide. The pure
//! world's functions are here; the credential world's, which also reach the host through
//! `imports`, are in `credential`.

use crate::wit::guidance::{self, TokenPlan};
use crate::wit::policy::{self, DirectoryInput, DotenvEntry, DotenvParse, KeyClass};
use crate::wit::types::{Flow, FlowAnswer, KeyReport, Link, Options, StatusReport};
use crate::{dotenv, flow, keys, links, snippet, status, tokenplan};

#[cfg(feature = "credential")]
mod credential;

/// The component: the pure world's exports here, the credential world's in `credential`.
struct Component;

impl policy::Guest for Component {
    fn classify_key(value: String) -> KeyClass {
        let class = keys::classify(keys::normalize(&value));
        KeyClass {
            kind: class.kind,
            masked: class.masked,
            detail: class.detail,
        }
    }

    fn mask_key(value: String) -> Option<String> {
        keys::mask(keys::normalize(&value))
    }

    fn parse_dotenv(file: String, text: Vec<u8>) -> DotenvParse {
        let parsed = dotenv::parse(&text);
        DotenvParse {
            entries: parsed
                .entries
                .iter()
                .map(|e| DotenvEntry {
                    name: e.name.clone(),
                    line: e.line,
                    empty: e.value.expose().trim().is_empty(),
                })
                .collect(),
            problems: parsed.describe_problems(&file),
        }
    }

    fn links() -> Vec<Link> {
        links::all()
    }

    fn granted_variables() -> Vec<String> {
        qianwen_auth_facts::variables::GRANTED
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn flow_step(
        answer: Option<FlowAnswer>,
        rejected_again: Option<bool>,
        rejected: Option<KeyReport>,
    ) -> Flow {
        flow::step(answer, rejected_again, rejected.as_ref())
    }

    fn resolve(
        env: Vec<(String, String)>,
        directories: Vec<DirectoryInput>,
        options: Options,
    ) -> StatusReport {
        status::build(&status::inputs_from(env, &directories), &options)
    }
}

impl guidance::Guest for Component {
    fn token_plan_facts() -> TokenPlan {
        tokenplan::facts()
    }

    fn agent_snippet() -> String {
        snippet::block()
    }

    fn agent_snippet_apply(existing: Option<String>) -> Result<String, String> {
        snippet::apply(existing.as_deref())
    }
}

crate::bindings::export!(Component with_types_in crate::bindings);
