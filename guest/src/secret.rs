//! A value that may be a credential. It can be compared and inspected inside the component,
//! but it has no `Display`, and its `Debug` says only how long it is, so a stray `{:?}` or a
//! panic message cannot show it.

/// A secret value: never printed, not even by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Hold `value` as a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the code that must judge or send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} bytes withheld>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("sk-FAKE_SENTINEL_debug_Zq8vX3mKw9");
        let shown = format!("{s:?} {:?}", vec![s.clone()]);
        assert!(!shown.contains("SENTINEL"), "debug output leaked the value");
        assert!(shown.contains("withheld"));
    }
}
