//! How the host tells the component that a request failed at a proxy: `wasi:http` has no error
//! code for one, so the request ends with `internal-error` holding this text, and the component
//! asks the `proxies` import what happened.

/// The text of the `internal-error` that a failure at a proxy ends a request with.
pub const PROXY_FAILURE: &str = "proxy-failure";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wit_names_this_text() {
        let wit = include_str!("../../wit/qianwen-auth.wit");
        assert!(
            wit.contains(&format!(
                "`error-code.internal-error` holding the text `{PROXY_FAILURE}`"
            )),
            "the WIT does not name the text {PROXY_FAILURE:?}"
        );
    }
}
