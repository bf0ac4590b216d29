//! Where `verify` keeps its evidence: one directory of records inside an output directory the
//! user may choose with `--output`.

/// The names as literals, once, for `concat!`.
macro_rules! default_output {
    () => {
        "output"
    };
}
macro_rules! subdir {
    () => {
        "qianwen-ops-auth"
    };
}

/// The directory the records go into, inside the output directory.
pub const SUBDIR: &str = subdir!();

/// The output directory when `--output` names none.
pub const DEFAULT_OUTPUT: &str = default_output!();

/// The default evidence directory as a `.gitignore` line, which `init` adds.
pub const DEFAULT_DIR_LINE: &str = concat!(default_output!(), "/", subdir!(), "/");

/// A record's path in the default evidence directory: what that line must cover.
pub const DEFAULT_RECORD: &str = concat!(default_output!(), "/", subdir!(), "/record.json");

/// A verification's evidence record, as `verify` writes it (docs/behaviour.md#evidence): the
/// component fills it from its report and writes it; the host's `--json` shares its attempts.
/// It holds masked keys and scrubbed text only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Always 1: fields are added, never renamed or removed.
    pub schema: u32,
    /// When the verification ended, RFC 3339 in UTC.
    pub time: String,
    pub endpoint_host: String,
    pub probe_url: String,
    pub region: String,
    pub key: Option<RecordKey>,
    pub http_status: Option<u16>,
    pub outcome: String,
    pub key_judgement: String,
    pub cause: String,
    /// The last request's.
    pub latency_ms: Option<u64>,
    pub attempts: Vec<Attempt>,
    pub server_code: Option<String>,
    pub request_id: Option<String>,
    pub excerpt: Option<String>,
}

/// The key a record names: never the key, only its mask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordKey {
    pub name: String,
    pub source: String,
    pub kind: String,
    pub masked: Option<String>,
}

/// One request of a verification, in a record and in `verify --json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attempt {
    pub http_status: Option<u16>,
    pub latency_ms: u64,
    pub outcome: String,
}

/// The record's version.
pub const RECORD_SCHEMA: u32 = 1;
