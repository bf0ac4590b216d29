//! The WIT's enums as text, spelled by the tables in `qianwen_auth_facts::names`, which the
//! host uses too.

use qianwen_auth_facts::names;

use crate::wit::types::{
    DotenvState, FlowAnswer, KeyKind, KeyName, LinkTopic, Outcome, Region, Source, Verdict,
    WarningCode,
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
);

/// The region with this id, or `custom`.
pub fn region(id: &str) -> Region {
    [Region::CnBeijing, Region::ApSoutheast1]
        .into_iter()
        .find(|r| r.name() == id)
        .unwrap_or(Region::Custom)
}
