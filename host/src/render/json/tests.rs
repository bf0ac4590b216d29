//! The schema-1 shapes of typed WIT values: the same field names and values as before the WIT
//! carried types (the end-to-end tests pin whole outputs).

use super::verify::Flow;
use super::*;

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn the_flow_is_numbered_by_step() {
    let asked = wit::Flow::Asked(wit::FlowQuestion {
        question: "Where did it come from?".into(),
        choices: vec![wit::FlowChoice {
            number: 1,
            answer: wit::FlowAnswer::Console,
            label: "the console".into(),
        }],
        guidance: "Answer 1 or 2.".into(),
    });
    assert_eq!(
        json(&Flow::from(&asked)),
        r#"{"step":1,"question":"Where did it come from?","choices":[{"number":1,"answer":"console","label":"the console"}],"guidance":"Answer 1 or 2.","answer":null}"#
    );
    for (flow, step) in [
        (wit::Flow::Applying as fn(wit::FlowProgress) -> wit::Flow, 2),
        (wit::Flow::Passed, 3),
        (wit::Flow::StillRejected, 4),
    ] {
        let flow = flow(wit::FlowProgress {
            answer: wit::FlowAnswer::Invalid,
            guidance: "Next.".into(),
        });
        assert_eq!(
            json(&Flow::from(&flow)),
            format!(
                r#"{{"step":{step},"question":null,"choices":[],"guidance":"Next.","answer":"invalid"}}"#
            )
        );
    }
}

#[test]
fn keys_warnings_and_links_by_their_stable_names() {
    let key = wit::KeyReport {
        name: wit::KeyName::DashscopeApiKey,
        source: wit::Source::RepoDotenv,
        path: Some("/p/.env".into()),
        line: Some(3),
        kind: wit::KeyKind::Standard,
        masked: Some("sk-****************a1b2".into()),
        detail: "a standard key".into(),
    };
    assert_eq!(
        json(&Key::from(&key)),
        r#"{"name":"DASHSCOPE_API_KEY","source":"repo-dotenv","path":"/p/.env","line":3,"kind":"standard","masked":"sk-****************a1b2","detail":"a standard key"}"#
    );
    let warning = wit::Warning {
        code: wit::WarningCode::DotenvNotIgnored,
        message: "m".into(),
    };
    assert_eq!(
        json(&Warning::from(&warning)),
        r#"{"code":"dotenv-not-ignored","message":"m"}"#
    );
    let link = wit::Link {
        topic: wit::LinkTopic::TokenPlanPricing,
        title: "t".into(),
        url: "u".into(),
    };
    assert_eq!(
        json(&Link::from(&link)),
        r#"{"topic":"token-plan-pricing","title":"t","url":"u"}"#
    );
}
