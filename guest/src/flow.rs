//! docs/behaviour.md#the-401-flow, the 401 flow: (1) ask where the key came from, offering exactly
//! two choices; (2) apply the answer; (3) verify again; (4) still 401: the key itself is invalid.
//! No step asks for the key's value.

use crate::links;
use crate::names::Named;
use crate::wit::types::{
    Flow, FlowAnswer, FlowChoice, FlowProgress, FlowQuestion, KeyReport, LinkTopic, Outcome,
};

const QUESTION: &str = "Your API key failed authentication. Please confirm where it came from:";

/// Whether an outcome is a 401, which enters the flow: the key refused, or not received.
pub fn is_401(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::AuthRejected | Outcome::AuthMissing)
}

/// Where `key` is configured, for the words: `DASHSCOPE_API_KEY in /repo/.env`.
fn place(key: &KeyReport) -> String {
    match (&key.path, key.line) {
        (Some(path), Some(line)) => format!("{} on line {line} of {path}", key.name.name()),
        (Some(path), None) => format!("{} in {path}", key.name.name()),
        (None, _) => format!("{} in the environment", key.name.name()),
    }
}

/// Step 2 again, after answer 2, when the key found is still the one the server rejected: it
/// is not sent again, only to be called invalid a second time.
pub fn unchanged(rejected: &KeyReport) -> Flow {
    let masked = rejected.masked.as_deref().unwrap_or("a malformed value");
    Flow::Applying(FlowProgress {
        answer: FlowAnswer::Invalid,
        guidance: format!(
            "The key is unchanged: {} still holds the rejected key ({masked}), so it was not \
             sent again. Replace it with a new key from the API-key page ({}); then verify \
             again.",
            place(rejected),
            links::get(LinkTopic::ApiKeys).url
        ),
    })
}

/// The flow after `answer` and the outcome of verifying again, as far as they are known;
/// `rejected`, the key the server rejected, is named where it must be replaced.
pub fn step(
    answer: Option<FlowAnswer>,
    rejected_again: Option<bool>,
    rejected: Option<&KeyReport>,
) -> Flow {
    let console = links::get(LinkTopic::Console).url;
    let api_keys = links::get(LinkTopic::ApiKeys).url;
    let Some(answer) = answer else {
        return Flow::Asked(FlowQuestion {
            question: QUESTION.into(),
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
        });
    };
    match rejected_again {
        None => Flow::Applying(FlowProgress {
            answer,
            guidance: match answer {
                FlowAnswer::Console => "Verifying the key again.".into(),
                FlowAnswer::Invalid => format!(
                    "Create a new key on the API-key page ({api_keys}) and put it in place of \
                     the rejected one{}; then verify again.",
                    rejected.map_or(String::new(), |k| format!(", {}", place(k)))
                ),
            },
        }),
        Some(false) => Flow::Passed(FlowProgress {
            answer,
            guidance: "Verified again: the key works.".into(),
        }),
        Some(true) => Flow::StillRejected(FlowProgress {
            answer,
            guidance: format!(
                "Still rejected after verifying again: the key itself is invalid. Create a new \
                 key in the QianWen console on the API-key page ({api_keys}) and replace the \
                 old one."
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The step's number, as docs/behaviour.md#the-401-flow counts them.
    fn number(flow: &Flow) -> u8 {
        match flow {
            Flow::Asked(_) => 1,
            Flow::Applying(_) => 2,
            Flow::Passed(_) => 3,
            Flow::StillRejected(_) => 4,
        }
    }

    /// What the step tells the user to do now.
    fn guidance(flow: &Flow) -> &str {
        match flow {
            Flow::Asked(q) => &q.guidance,
            Flow::Applying(p) | Flow::Passed(p) | Flow::StillRejected(p) => &p.guidance,
        }
    }

    #[test]
    fn step_one_offers_exactly_two_choices() {
        let Flow::Asked(q) = step(None, None, None) else {
            panic!("step 1 asks")
        };
        assert_eq!(q.choices.len(), 2);
        assert_eq!(q.choices[0].number, 1);
        assert_eq!(q.choices[0].answer, FlowAnswer::Console);
        assert_eq!(q.choices[1].answer, FlowAnswer::Invalid);
        assert!(
            q.choices[1]
                .label
                .contains("https://platform.qianwenai.com/home/api-keys")
        );
    }

    #[test]
    fn the_steps_follow_the_answers() {
        assert_eq!(number(&step(None, None, None)), 1);
        assert_eq!(number(&step(Some(FlowAnswer::Console), None, None)), 2);
        assert_eq!(number(&step(Some(FlowAnswer::Invalid), None, None)), 2);
        assert_eq!(
            number(&step(Some(FlowAnswer::Console), Some(false), None)),
            3
        );
        let last = step(Some(FlowAnswer::Console), Some(true), None);
        assert_eq!(number(&last), 4);
        assert!(guidance(&last).contains("the key itself is invalid"));
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
            let f = step(a, r, None);
            let mut text = guidance(&f).to_string();
            if let Flow::Asked(q) = &f {
                text.push_str(&q.question);
                for c in &q.choices {
                    text.push_str(&c.label);
                }
            }
            let text = text.to_lowercase();
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
