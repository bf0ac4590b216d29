//! SPEC §5, the 401 flow: (1) ask where the key came from, offering exactly two choices;
//! (2) apply the answer; (3) verify again; (4) still 401: the key itself is invalid. No step
//! asks for the key's value.

use crate::links::{self, Topic};
use crate::wit::types::{Flow, FlowAnswer, FlowChoice};

const QUESTION: &str = "Your API key failed authentication. Please confirm where it came from:";

/// The flow after `answer` and the outcome of verifying again, as far as they are known.
pub fn step(answer: Option<FlowAnswer>, rejected_again: Option<bool>) -> Flow {
    let console = links::get(Topic::Console).url;
    let api_keys = links::get(Topic::ApiKeys).url;
    match (answer, rejected_again) {
        (None, _) => Flow {
            step: 1,
            question: Some(QUESTION.into()),
            choices: vec![
                FlowChoice {
                    number: 1,
                    answer: FlowAnswer::Console,
                    label: format!(
                        "The key was created in the QianWen console ({console}): verify it again"
                    ),
                },
                FlowChoice {
                    number: 2,
                    answer: FlowAnswer::Invalid,
                    label: format!(
                        "The key may be invalid: create a new one on the API-key page ({api_keys})"
                    ),
                },
            ],
            guidance: "Answer 1 or 2. No step asks for the key itself.".into(),
            answer: None,
        },
        (Some(answer), None) => Flow {
            step: 2,
            question: None,
            choices: Vec::new(),
            guidance: match answer {
                FlowAnswer::Console => "Verifying the key again.".into(),
                FlowAnswer::Invalid => format!(
                    "Create a new key on the API-key page ({api_keys}) and put it where the old \
                     one is configured, replacing it; then verify again."
                ),
            },
            answer: Some(answer),
        },
        (Some(answer), Some(false)) => Flow {
            step: 3,
            question: None,
            choices: Vec::new(),
            guidance: "Verified again: the key works.".into(),
            answer: Some(answer),
        },
        (Some(answer), Some(true)) => Flow {
            step: 4,
            question: None,
            choices: Vec::new(),
            guidance: format!(
                "Still rejected after verifying again: the key itself is invalid. Create a new \
                 key in the QianWen console on the API-key page ({api_keys}) and replace the \
                 old one."
            ),
            answer: Some(answer),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_one_offers_exactly_two_choices() {
        let f = step(None, None);
        assert_eq!(f.step, 1);
        assert_eq!(f.choices.len(), 2);
        assert_eq!(f.choices[0].number, 1);
        assert_eq!(f.choices[0].answer, FlowAnswer::Console);
        assert_eq!(f.choices[1].answer, FlowAnswer::Invalid);
        assert!(
            f.choices[1]
                .label
                .contains("https://platform.qianwenai.com/home/api-keys")
        );
    }

    #[test]
    fn the_steps_follow_the_answers() {
        assert_eq!(step(Some(FlowAnswer::Console), None).step, 2);
        assert_eq!(step(Some(FlowAnswer::Invalid), None).step, 2);
        assert_eq!(step(Some(FlowAnswer::Console), Some(false)).step, 3);
        let last = step(Some(FlowAnswer::Console), Some(true));
        assert_eq!(last.step, 4);
        assert!(last.guidance.contains("the key itself is invalid"));
    }

    #[test]
    fn no_step_asks_for_the_key() {
        for (a, r) in [
            (None, None),
            (Some(FlowAnswer::Console), None),
            (Some(FlowAnswer::Invalid), None),
            (Some(FlowAnswer::Invalid), Some(true)),
            (Some(FlowAnswer::Console), Some(false)),
        ] {
            let f = step(a, r);
            let text = format!(
                "{} {} {}",
                f.question.unwrap_or_default(),
                f.guidance,
                f.choices
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect::<String>()
            )
            .to_lowercase();
            for asking in [
                "paste",
                "type your key",
                "enter your key",
                "send me",
                "tell me",
            ] {
                assert!(!text.contains(asking), "{asking}");
            }
        }
    }
}
