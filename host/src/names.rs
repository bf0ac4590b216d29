//! The WIT's enums as text, spelled by the tables in `qianwen_auth_facts::names`, which the
//! component uses too; and the 401 flow's step as SPEC §5 numbers it.

pub use qianwen_auth_facts::names::Named;

use crate::bindings::exports::qianwen::auth::types::{Flow, FlowAnswer};

qianwen_auth_facts::named_wit_enums!(crate::bindings::exports::qianwen::auth::types);
qianwen_auth_facts::named_wit_enums!(in crate::bindings::exports::qianwen::auth::update_check:
    UpdateAnswer => UPDATE_ANSWER,
);

/// The 401 flow's step, as SPEC §5 numbers them (and JSON reports them).
pub fn step(flow: &Flow) -> u8 {
    match flow {
        Flow::Asked(_) => 1,
        Flow::Applying(_) => 2,
        Flow::Passed(_) => 3,
        Flow::StillRejected(_) => 4,
    }
}

/// What the flow's step tells the user to do now.
pub fn guidance(flow: &Flow) -> &str {
    match flow {
        Flow::Asked(question) => &question.guidance,
        Flow::Applying(p) | Flow::Passed(p) | Flow::StillRejected(p) => &p.guidance,
    }
}

/// The answer given, from step 2 on.
pub fn answer(flow: &Flow) -> Option<FlowAnswer> {
    match flow {
        Flow::Asked(_) => None,
        Flow::Applying(p) | Flow::Passed(p) | Flow::StillRejected(p) => Some(p.answer),
    }
}
