//! The WIT's enums as text, spelled by the tables in `qianwen_auth_facts::names`, which the
//! host uses too.

pub use qianwen_auth_facts::names::Named;

use crate::wit::types::{
    DotenvState, FlowAnswer, KeyKind, KeyName, LinkTopic, Outcome, Region, Source, Verdict,
    WarningCode,
};

qianwen_auth_facts::named!(
    Source => SOURCE,
    KeyKind => KEY_KIND,
    KeyName => KEY_NAME,
    WarningCode => WARNING_CODE,
    LinkTopic => LINK_TOPIC,
    Verdict => VERDICT,
    Region => REGION,
    DotenvState => DOTENV_STATE,
    Outcome => OUTCOME,
    FlowAnswer => FLOW_ANSWER,
);

/// The region with this id, or `custom`.
pub fn region(id: &str) -> Region {
    [Region::CnBeijing, Region::ApSoutheast1]
        .into_iter()
        .find(|r| r.name() == id)
        .unwrap_or(Region::Custom)
}
