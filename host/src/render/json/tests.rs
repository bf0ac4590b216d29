use super::init::init_outcome;
use super::verify::{answer, outcome};
use super::*;

/// The cases of `enum name` in the WIT, in order.
fn wit_cases(name: &str) -> Vec<String> {
    let wit = include_str!("../../../../wit/qianwen-auth.wit");
    let start = wit.find(&format!("enum {name} {{")).unwrap();
    let body = &wit[start..start + wit[start..].find('}').unwrap()];
    body.lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("///"))
        .map(|l| l.trim_end_matches(',').to_string())
        .collect()
}

/// JSON spells every case as the WIT does: the schema is the WIT's own words.
#[test]
fn names_are_the_wit_case_names() {
    use wit::{InitOutcome as I, KeyKind as K, Outcome as O, Source as S, Verdict as V};
    let names = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        names(vec![
            source(S::Env),
            source(S::CwdDotenv),
            source(S::RepoDotenv)
        ]),
        wit_cases("source")
    );
    assert_eq!(
        names(
            [
                K::Standard,
                K::Plan,
                K::Placeholder,
                K::Foreign,
                K::Malformed
            ]
            .map(kind)
            .to_vec()
        ),
        wit_cases("key-kind")
    );
    assert_eq!(
        names(
            [V::Usable, V::NoUsableKey, V::PlanKey]
                .map(verdict)
                .to_vec()
        ),
        wit_cases("verdict")
    );
    let outcomes = [
        O::Pass,
        O::AuthRejected,
        O::AuthMissing,
        O::PlanKeyRefused,
        O::NoKey,
        O::Billing,
        O::AccessDenied,
        O::QuotaExhausted,
        O::RateLimited,
        O::ModelNotFound,
        O::BadRequest,
        O::ServerError,
        O::BadResponse,
        O::Network,
        O::Timeout,
        O::HostDenied,
    ];
    assert_eq!(names(outcomes.map(outcome).to_vec()), wit_cases("outcome"));
    let inits = [
        I::Changed,
        I::Unchanged,
        I::KeyRefused,
        I::PlanKeyRefused,
        I::Failed,
    ];
    assert_eq!(
        names(inits.map(init_outcome).to_vec()),
        wit_cases("init-outcome")
    );
    assert_eq!(
        names(
            [wit::FlowAnswer::Console, wit::FlowAnswer::Invalid]
                .map(answer)
                .to_vec()
        ),
        wit_cases("flow-answer")
    );
}
