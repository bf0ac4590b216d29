//! The component's advice spelled for this command line: its words, then the remedy as one of
//! our options (the component names the setting, never an option of ours); and what chose the
//! endpoint, where the setting is one of our options.

use crate::bindings::exports::qianwen::auth::types::{Advice, EndpointChoice, Remedy};
use crate::cli::LONGEST_TIMEOUT;

/// `advice` as one line: the words, then the remedy with the option to add. `timeout` is the
/// request time limit the command ran with, when it sent anything.
pub fn spell(advice: &Advice, timeout: Option<u64>) -> String {
    let remedy = advice.remedy.as_ref().map(|r| remedy(r, timeout));
    match (advice.words.trim(), remedy) {
        (words, None) => words.to_string(),
        ("", Some(remedy)) => remedy,
        (words, Some(remedy)) => format!("{words} {remedy}"),
    }
}

/// Each piece of advice in `steps`, spelled.
pub fn spell_all(steps: &[Advice], timeout: Option<u64>) -> Vec<String> {
    steps.iter().map(|a| spell(a, timeout)).collect()
}

/// What chose the endpoint, in words: `options.region` is our `--region`.
pub fn chosen_by(choice: &EndpointChoice) -> String {
    match choice {
        EndpointChoice::Asked => "the --region option".to_string(),
        EndpointChoice::BaseUrl(from) => format!("QWEN_BASE_URL ({from})"),
        EndpointChoice::RegionVariable(from) => format!("QWEN_REGION ({from})"),
        EndpointChoice::Default => "the default".to_string(),
    }
}

fn remedy(remedy: &Remedy, timeout: Option<u64>) -> String {
    match remedy {
        Remedy::MoreTime => match timeout {
            Some(now) if now >= LONGEST_TIMEOUT => format!(
                "The time limit is already the longest `--timeout` allows ({LONGEST_TIMEOUT} s)."
            ),
            Some(now) => format!(
                "To allow more time, add `--timeout {}` to the command (the limit was {now} s).",
                (now * 2).min(LONGEST_TIMEOUT)
            ),
            None => "To allow more time, add `--timeout SECONDS` to the command.".into(),
        },
        Remedy::GrantHost(host) => {
            format!("If you trust {host}, add `--allow-host {host}` to the command.")
        }
        Remedy::ChooseRegion(region) => {
            format!("To use that region, add `--region {region}` to the command.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice(words: &str, remedy: Option<Remedy>) -> Advice {
        Advice {
            words: words.into(),
            remedy,
        }
    }

    #[test]
    fn what_chose_the_endpoint_names_our_option() {
        let from = || "/p/.env".to_string();
        for (choice, words) in [
            (EndpointChoice::Asked, "the --region option"),
            (EndpointChoice::BaseUrl(from()), "QWEN_BASE_URL (/p/.env)"),
            (
                EndpointChoice::RegionVariable(from()),
                "QWEN_REGION (/p/.env)",
            ),
            (EndpointChoice::Default, "the default"),
        ] {
            assert_eq!(chosen_by(&choice), words);
        }
    }

    #[test]
    fn each_remedy_is_spelled_as_the_option_to_add() {
        let grant = advice("", Some(Remedy::GrantHost("127.0.0.1:8080".into())));
        assert_eq!(
            spell(&grant, None),
            "If you trust 127.0.0.1:8080, add `--allow-host 127.0.0.1:8080` to the command."
        );
        let time = advice("Check the network.", Some(Remedy::MoreTime));
        assert_eq!(
            spell(&time, Some(30)),
            "Check the network. To allow more time, add `--timeout 60` to the command (the \
             limit was 30 s)."
        );
        assert_eq!(
            spell(&time, Some(400)),
            "Check the network. To allow more time, add `--timeout 600` to the command (the \
             limit was 400 s)."
        );
        assert!(spell(&time, Some(600)).contains("already the longest"));
        let region = advice("Keys differ.", Some(Remedy::ChooseRegion("intl".into())));
        assert_eq!(
            spell(&region, None),
            "Keys differ. To use that region, add `--region intl` to the command."
        );
        assert_eq!(spell(&advice("Just words.", None), None), "Just words.");
    }
}
