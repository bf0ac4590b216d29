//! Advice: words, and for a step that needs one of the host's own settings (more time, a
//! granted host, a region) a `Remedy` in place of the option's name, which each host spells its
//! own way.

use crate::wit::types::{Advice, Remedy};

impl Advice {
    /// Words, completed by a remedy only the host can spell.
    pub fn with(words: impl Into<String>, remedy: Remedy) -> Self {
        Advice {
            words: words.into(),
            remedy: Some(remedy),
        }
    }

    /// Several steps told as one: their words in order, and the first remedy among them (a
    /// report has at most one setting to change).
    pub fn joined(steps: &[Advice]) -> Self {
        let words: Vec<&str> = steps
            .iter()
            .map(|s| s.words.as_str())
            .filter(|w| !w.is_empty())
            .collect();
        Advice {
            words: words.join(" "),
            remedy: steps.iter().find_map(|s| s.remedy.clone()),
        }
    }
}

impl From<String> for Advice {
    fn from(words: String) -> Self {
        Advice {
            words,
            remedy: None,
        }
    }
}

impl From<&str> for Advice {
    fn from(words: &str) -> Self {
        words.to_string().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_steps_keep_their_order_and_the_one_remedy() {
        let steps = [
            Advice::from("Rotate the key first."),
            Advice::with("", Remedy::GrantHost("127.0.0.1:8080".into())),
            Advice::from("Then verify."),
        ];
        let one = Advice::joined(&steps);
        assert_eq!(one.words, "Rotate the key first. Then verify.");
        assert_eq!(one.remedy, Some(Remedy::GrantHost("127.0.0.1:8080".into())));
        assert_eq!(Advice::joined(&[]), Advice::from(""));
    }
}
