//! The component's exports: thin adapters from WIT calls to the policy modules.

use crate::bindings::exports::qianwen::auth::auth;
use crate::wit::policy::{self, DotenvEntry, DotenvParse, KeyClass};
use crate::wit::types::{Link, StatusOptions, StatusReport, VerifyOptions, VerifyReport};
use crate::{dotenv, imports, keys, links, status, verify};

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
}

impl auth::Guest for Component {
    fn status(options: StatusOptions) -> StatusReport {
        status::build(&imports::inputs(), &options)
    }

    fn verify(options: VerifyOptions) -> VerifyReport {
        let started = imports::now();
        let resolved = status::resolve(
            &imports::inputs(),
            &StatusOptions {
                region: options.region,
                granted_hosts: options.granted_hosts,
            },
        );
        let mut report = verify::run(&resolved, &mut imports::WasiTransport);
        match imports::write_evidence(&report, started) {
            Ok(path) => report.evidence = Some(path),
            Err(why) => report.evidence_error = Some(why),
        }
        report
    }
}

crate::bindings::export!(Component with_types_in crate::bindings);
