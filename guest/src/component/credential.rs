//! The credential world's exports: the checks that read the user's configuration through the
//! imports, and the update check.

use std::cell::RefCell;
use std::rc::Rc;

use super::Component;
use crate::bindings::exports::qianwen::auth::auth;
use crate::scrub::Scrubber;
use crate::scrub::reports::ScrubText;
use crate::wit::project::Directory;
use crate::wit::types::{
    FlowAnswer, InitReport, KeyJudgement, Options, Outcome, StatusReport, System, VerifyReport,
};
use crate::wit::update_check::{self, SkillCandidates, UpdateInput, UpdateReport};
use crate::{flow, imports, program_output, setup, status, update, verify};

impl auth::Guest for Component {
    fn status(options: Options) -> StatusReport {
        status::build(&imports::inputs(), &options)
    }

    fn verify(options: Options) -> VerifyReport {
        verify_and_record(options)
    }

    fn scrub(texts: Vec<String>) -> Vec<String> {
        // Nothing to scrub needs no scrubber: the project is not read for it.
        if texts.is_empty() {
            return texts;
        }
        let scrubber = scrubber();
        texts.iter().map(|text| scrubber.scrub(text)).collect()
    }

    fn holds_key(texts: Vec<String>) -> Vec<bool> {
        if texts.is_empty() {
            return Vec::new();
        }
        let scrubber = scrubber();
        texts.iter().map(|text| scrubber.holds_key(text)).collect()
    }

    fn continue_flow(options: Options, answer: FlowAnswer) -> VerifyReport {
        if answer == FlowAnswer::Invalid
            && let Some(report) = unchanged_key(&options)
        {
            return report;
        }
        let mut report = verify_and_record(options);
        let rejected = flow::is_401(report.outcome);
        report.flow = Some(flow::step(Some(answer), Some(rejected), None));
        report
    }

    fn init(system: System, key: Option<String>, replace: bool) -> InitReport {
        let options = status::sending_nothing(system);
        let inputs = imports::inputs();
        let plan = setup::plan(
            &inputs,
            &status::resolve(&inputs, &options),
            key.as_deref().map(|key| setup::Given { key, replace }),
            system,
        );
        let (applied, failure) = imports::apply(&plan.changes);
        // What is configured now, after the changes; the key given is hidden too, written or
        // not.
        let mut after = status::resolve(&imports::inputs(), &options);
        if let Some(key) = &key {
            after.scrubber = after.scrubber.and(key);
        }
        remember(after.scrubber.clone());
        setup::report(plan, applied, failure, after)
    }
}

impl update_check::Guest for Component {
    fn skill_search(
        directories: Vec<Directory>,
        home: Option<String>,
        named: Option<String>,
    ) -> SkillCandidates {
        update::search(&directories, home.as_deref(), named.as_deref())
    }

    fn check(input: UpdateInput) -> UpdateReport {
        update::check(&input)
    }

    fn sanitize_output(texts: Vec<String>) -> Vec<String> {
        let scrubber = scrubber();
        texts
            .iter()
            .map(|text| program_output::sanitize(text, &scrubber))
            .collect()
    }
}

/// Verify, then write the evidence record of what happened.
/// After answer 2, the key found when it is still the one the server rejected: a report that
/// sends nothing and asks again for the key to be replaced.
fn unchanged_key(options: &Options) -> Option<VerifyReport> {
    let resolved = status::resolve(&imports::inputs(), options);
    let now = resolved.key.as_ref().map(|k| fingerprint(k.expose()));
    if now.is_none() || now != REJECTED.get() {
        return None;
    }
    let key = resolved.report.key.clone()?;
    let mut report = verify::unsent(&resolved.report);
    report.outcome = Outcome::AuthRejected;
    report.key_judgement = KeyJudgement::Rejected;
    report.cause = "The key was not sent again: it is the one the server just rejected".into();
    report.next_step = "Replace the key, then verify again.".into();
    report.flow = Some(flow::unchanged(&key));
    report.scrub_with(&resolved.scrubber);
    remember(resolved.scrubber);
    Some(report)
}

/// A key's fingerprint, to tell a replaced key from the one rejected without keeping the key.
fn fingerprint(key: &str) -> u64 {
    // FNV-1a: stable within the run, which is all it is compared across.
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn verify_and_record(options: Options) -> VerifyReport {
    let started = imports::now();
    let resolved = status::resolve(&imports::inputs(), &options);
    let limits = verify::TimeLimits {
        request_ms: options.request_time_limit_ms,
        whole_ms: options.verification_time_limit_ms,
    };
    let mut report = verify::run(&resolved, &mut imports::WasiTransport, limits);
    match imports::write_evidence(&report, started) {
        Ok(path) => report.evidence = Some(path),
        Err(why) => report.evidence_error = Some(why),
    }
    if flow::is_401(report.outcome) {
        REJECTED.set(resolved.key.as_ref().map(|k| fingerprint(k.expose())));
    }
    remember(resolved.scrubber);
    report
}

thread_local! {
    /// The fingerprint of the key the server last rejected in this run.
    static REJECTED: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };

    /// The scrubber of this instance's run, built once from the secrets on the chain, so that
    /// each `scrub`, `holds-key` and `sanitize-output` call does not read the project again (and the
    /// turned forms of the secrets are worked out once). A later `verify` or `init` adds what
    /// it found; nothing once held is forgotten within the run.
    static SCRUBBER: RefCell<Option<Rc<Scrubber>>> = const { RefCell::new(None) };
}

/// This run's scrubber: the one `verify` or `init` resolved, else one built from the secrets.
fn scrubber() -> Rc<Scrubber> {
    SCRUBBER.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| Rc::new(status::scrubber_for(&imports::secret_inputs())))
            .clone()
    })
}

/// Hide what `scrubber` hides too, for the rest of the run.
fn remember(scrubber: Scrubber) {
    SCRUBBER.with(|cell| {
        let mut held = cell.borrow_mut();
        let both = match held.as_deref() {
            Some(before) => scrubber.union(before),
            None => scrubber,
        };
        *held = Some(Rc::new(both));
    });
}
