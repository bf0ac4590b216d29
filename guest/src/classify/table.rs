//! docs/behaviour.md#verification's error table: which answers DashScope gives, what each means,
//! and what to do. Decided on the status and the error code; a message's wording decides only where
//! the code is missing or too general to tell (`refines`), from a small set of known phrasings.
//! Where the answer comes from past the key check, the cause says the key was accepted.

use std::ops::RangeInclusive;

use crate::wit::types::{LinkTopic, Outcome};
use qianwen_auth_facts::probe_model;

/// One row of the table.
pub struct Row {
    pub status: RangeInclusive<u16>,
    /// Codes that decide the row (the error `type` counts when the server names no code).
    pub codes: &'static [&'static str],
    /// Families of codes that decide the row, such as `BadRequest.`.
    pub prefixes: &'static [&'static str],
    /// Known phrasings (lower case) that decide the row when the code is missing or one of
    /// `refines`.
    pub phrases: &'static [&'static str],
    pub refines: &'static [&'static str],
    /// Every answer with this status that no earlier row took.
    pub any_code: bool,
    pub outcome: Outcome,
    pub cause: &'static str,
    pub next_step: &'static str,
    pub links: &'static [LinkTopic],
    /// Quote the server's message: it says what was refused.
    pub quote: bool,
}

impl Row {
    pub fn takes(&self, status: u16, code: Option<&str>, message: Option<&str>) -> bool {
        if !self.status.contains(&status) {
            return false;
        }
        let by_code = code.is_some_and(|c| {
            self.codes.contains(&c) || self.prefixes.iter().any(|p| c.starts_with(p))
        });
        let by_phrase = code.is_none_or(|c| self.refines.contains(&c))
            && message.is_some_and(|m| {
                // The phrases are ASCII, lower case.
                let m = m.to_ascii_lowercase();
                self.phrases.iter().any(|p| m.contains(p))
            });
        by_code || by_phrase || self.any_code
    }
}

const CLIENT: RangeInclusive<u16> = 400..=499;

const ROW: Row = Row {
    status: CLIENT,
    codes: &[],
    prefixes: &[],
    phrases: &[],
    refines: &[],
    any_code: false,
    outcome: Outcome::BadRequest,
    cause: "",
    next_step: "",
    links: &[],
    quote: false,
};

/// Both kinds of 429: wait.
const LIMIT: Row = Row {
    status: 429..=429,
    outcome: Outcome::RateLimited,
    next_step: "Wait and verify again; see the usage page for limits and use.",
    links: &[LinkTopic::Usage],
    ..ROW
};

/// The rows in the order they are tried: the first that takes an answer judges it.
pub const ROWS: &[Row] = &[
    Row {
        status: 401..=401,
        phrases: &[
            "no api-key provided",
            "no api key provided",
            "you didn't provide an api key",
        ],
        refines: &["InvalidApiKey", "invalid_api_key", "invalid_request_error"],
        outcome: Outcome::AuthMissing,
        cause: "The server received no key",
        next_step: "The Authorization header did not arrive: a proxy may strip it. Check \
                    HTTPS_PROXY and the proxy's settings.",
        ..ROW
    },
    Row {
        status: 401..=401,
        codes: &["InvalidApiKey", "invalid_api_key"],
        any_code: true,
        outcome: Outcome::AuthRejected,
        cause: "The key was rejected",
        next_step: "The key is wrong, deleted, mistyped, or belongs to another region. Confirm \
                    it was created in the QianWen console and copied whole; if it may be \
                    invalid, create a new one on the API-key page.",
        links: &[LinkTopic::Console, LinkTopic::ApiKeys],
        ..ROW
    },
    Row {
        codes: &["Arrearage"],
        outcome: Outcome::Billing,
        cause: "The key was accepted, but the account is overdue",
        next_step: "Top up the account on the pay-as-you-go billing page, then verify again.",
        links: &[LinkTopic::Billing],
        ..ROW
    },
    Row {
        codes: &[
            "DataInspectionFailed",
            "data_inspection_failed",
            "InternalError.Algo.DataInspectionFailed",
        ],
        outcome: Outcome::ContentRefused,
        cause: "The key was accepted, but the service's content inspection refused the probe",
        next_step: "Nothing is wrong with the key: content is inspected after the key is \
                    checked. The probe says only \"hi\"; verify again later, and if it is \
                    refused again, ask whoever runs the account about its content-inspection \
                    settings.",
        quote: true,
        ..ROW
    },
    Row {
        codes: &["AllocationQuota.FreeTierOnly"],
        outcome: Outcome::QuotaExhausted,
        cause: "The key was accepted, but the free quota is used up",
        next_step: "Turn on pay-as-you-go billing to keep using the model.",
        links: &[LinkTopic::Billing],
        ..ROW
    },
    Row {
        codes: &["Workspace.AccessDenied"],
        outcome: Outcome::AccessDenied,
        cause: "The key was accepted, but it may not use this workspace",
        next_step: "Workspace permissions are granted by the workspace's administrator: ask \
                    them to give this key's workspace access, or use a key created in the \
                    workspace the endpoint belongs to.",
        links: &[LinkTopic::Console],
        ..ROW
    },
    Row {
        codes: &["Model.AccessDenied"],
        outcome: Outcome::AccessDenied,
        cause: concat!(
            "The key was accepted, but its workspace may not call the probe model ",
            probe_model!()
        ),
        next_step: concat!(
            "Models are granted to a workspace by its administrator in the QianWen console: \
             ask them to grant ",
            probe_model!(),
            ", or use a key of a workspace that has it."
        ),
        links: &[LinkTopic::Console],
        ..ROW
    },
    Row {
        status: 403..=403,
        codes: &["AccessDenied", "AccessDenied.Unpurchased"],
        any_code: true,
        outcome: Outcome::AccessDenied,
        cause: "The key was accepted, but the model is not opened for this account",
        next_step: "Open the model for this account in the QianWen console.",
        links: &[LinkTopic::Console],
        ..ROW
    },
    Row {
        codes: &["ModelNotFound", "model_not_found"],
        phrases: &["model not exist"],
        refines: &[
            "InvalidParameter",
            "invalid_parameter_error",
            "invalid_request_error",
        ],
        outcome: Outcome::ModelNotFound,
        cause: concat!(
            "The key was accepted, but this endpoint does not serve the probe model ",
            probe_model!()
        ),
        next_step: concat!(
            "Nothing is wrong with the key: the model is looked up after the key is checked. \
             Check the endpoint (QWEN_REGION, QWEN_BASE_URL): DashScope's compatible-mode \
             endpoint of the key's region serves ",
            probe_model!(),
            "."
        ),
        links: &[LinkTopic::SdkSetup],
        ..ROW
    },
    Row {
        status: 400..=400,
        codes: &["InvalidParameter", "invalid_parameter_error"],
        prefixes: &["BadRequest.", "InvalidParameter."],
        outcome: Outcome::ParameterRefused,
        cause: "The key was accepted, but the endpoint refused the probe's parameters",
        next_step: concat!(
            "Nothing is wrong with the key: parameters are judged after it. The probe asks ",
            probe_model!(),
            " for one short answer, not streamed and without thinking settings, which \
             DashScope's compatible-mode endpoint serves; an endpoint that refuses it serves \
             something else: check QWEN_BASE_URL."
        ),
        links: &[LinkTopic::SdkSetup],
        quote: true,
        ..ROW
    },
    Row {
        codes: &["Throttling.AllocationQuota", "insufficient_quota"],
        cause: "A quota limit was reached",
        ..LIMIT
    },
    Row {
        codes: &["Throttling", "Throttling.RateQuota"],
        any_code: true,
        cause: "A rate limit was reached",
        ..LIMIT
    },
    Row {
        status: 500..=599,
        codes: &[
            "InternalError",
            "InternalError.Algo",
            "InternalError.Timeout",
            "SystemError",
            "ModelServiceFailed",
            "RequestTimeOut",
            "ServiceUnavailable",
        ],
        any_code: true,
        outcome: Outcome::ServerError,
        cause: "The server failed with an error of its own",
        next_step: "The problem is on the server side; try again later. The key was not \
                    judged.",
        ..ROW
    },
];
