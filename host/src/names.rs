//! The WIT's enums as text, spelled by the tables in `qianwen_auth_facts::names`, which the
//! component uses too; and the 401 flow's step as SPEC §5 numbers it.

use qianwen_auth_facts::names;

use crate::bindings::exports::qianwen::auth::types::{
    DotenvState, Flow, FlowAnswer, InitOutcome, KeyKind, KeyName, LinkTopic, Outcome, Region,
    Source, Verdict, WarningCode,
};

/// A WIT enum's stable name.
pub trait Named: Copy {
    fn name(self) -> &'static str;
}

macro_rules! named {
    ($($type:ty => $table:expr),* $(,)?) => {
        $(impl Named for $type {
            fn name(self) -> &'static str {
                $table[self as usize]
            }
        })*
    };
}

named!(
    Source => names::SOURCE,
    KeyKind => names::KEY_KIND,
    KeyName => names::KEY_NAME,
    WarningCode => names::WARNING_CODE,
    LinkTopic => names::LINK_TOPIC,
    Verdict => names::VERDICT,
    Region => names::REGION,
    DotenvState => names::DOTENV_STATE,
    Outcome => names::OUTCOME,
    FlowAnswer => names::FLOW_ANSWER,
    InitOutcome => names::INIT_OUTCOME,
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
