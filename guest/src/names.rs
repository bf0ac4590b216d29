//! The WIT's enums as text, spelled by the tables in `qianwen_auth_facts::names`, which the
//! host uses too.

pub use qianwen_auth_facts::names::Named;

use crate::wit::types::Region;

qianwen_auth_facts::named_wit_enums!(crate::wit::types);
#[cfg(feature = "credential")]
qianwen_auth_facts::named_wit_enums!(in crate::wit::update_check: UpdateAnswer => UPDATE_ANSWER,);

/// The region with this id, or `custom`.
pub fn region(id: &str) -> Region {
    [Region::CnBeijing, Region::ApSoutheast1]
        .into_iter()
        .find(|r| r.name() == id)
        .unwrap_or(Region::Custom)
}
