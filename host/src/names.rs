//! The WIT's enums as text, spelled by the tables in `qianwen_auth_facts::names`, which the
//! component uses too.

pub use qianwen_auth_facts::names::Named;

qianwen_auth_facts::named_wit_enums!(crate::bindings::exports::qianwen::auth::types);
qianwen_auth_facts::named_wit_enums!(in crate::bindings::exports::qianwen::auth::update_check:
    UpdateAnswer => UPDATE_ANSWER,
);
